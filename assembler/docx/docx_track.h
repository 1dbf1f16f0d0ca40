/* Word tracked changes and comments written into a parsed WordprocessingML
 * part: a paragraph brought to a given text by tracked deletions and
 * insertions (word by word), paragraphs deleted or inserted as tracked
 * changes, and comments anchored over paragraphs (for `clasm redline`,
 * which restores negotiated clauses to their approved text).
 *
 * Every change carries the author and date of a docx_track and a fresh
 * w:id from it. Text is compared as docx_paragraph_text_stable reads it
 * (docx_text.h): a REF field's shown number is "#".
 *
 * Out of memory (-1 / NULL) may leave the paragraph or part partly edited
 * (always a well-formed tree): the caller then drops the document. */
#ifndef CLASM_DOCX_TRACK_H
#define CLASM_DOCX_TRACK_H

#include "clasm.h"
#include "package.h"

#include <libxml/tree.h>

/* Who makes the changes, when, and the ids they take. */
typedef struct {
    const char *author; /* w:author of every change and comment (NULL: "clasm") */
    const char *date;   /* w:date, e.g. "2026-12-07T09:00:00Z"; NULL: none written */
    /* The next w:id for a w:ins, w:del or comment; each one written takes
     * it and adds one. Start it above every w:id of the part (and of any
     * other part whose changes should not share ids with these):
     * docx_track_max_id(doc) + 1. */
    long next_id;
} docx_track;

/* The largest decimal w:id attribute of any element of doc (bookmarks,
 * comments, tracked changes, ...); 0 when there is none. A content
 * control's <w:id w:val> is another numbering and does not count. */
long docx_track_max_id(xmlDocPtr doc);

/* Brings paragraph p to the text target (UTF-8, as docx_paragraph_text_stable
 * reads a paragraph: "\t" a w:tab, "\n" a w:br) with tracked changes.
 *
 * The paragraph's text and target are compared word by word (a word with
 * its trailing white space; punctuation at a word's edges is a word of its
 * own, so "#." and "#," share the "#"); each changed stretch (a hunk) is
 * then narrowed by the white space both sides share. For each hunk the
 * deleted text's runs are split at its edges (a run cloned with its w:rPr,
 * a w:t split, never inside a UTF-8 character) and wrapped in
 * <w:del w:id w:author w:date> beside them, inside whatever wrapper holds
 * them (w:hyperlink, w:sdtContent, w:smartTag, ... or another author's
 * w:ins: their insertion is deleted inside it), every w:t becoming
 * w:delText and w:instrText w:delInstrText. The inserted text goes in a
 * new <w:ins><w:r> placed after the hunk's deletion, formatted as the first
 * deleted character's run; a hunk that only inserts takes the formatting
 * of the run before it (at the paragraph's start, of the run after it;
 * in an empty paragraph, of the paragraph mark). An insertion that falls
 * inside another author's w:ins / w:moveTo splits it there (its second
 * half a copy with a fresh w:id) and goes between the halves.
 *
 * A field is never edited inside: a hunk that touches a complex field
 * (w:fldChar begin .. end, the REF field's "#") or a w:fldSimple is widened
 * to delete the whole field, and the field's text the target keeps is
 * inserted as plain text ("#" stays a literal "#"). A w:fldSimple so
 * deleted is first rewritten as the equivalent complex field (a deleted
 * w:fldSimple cannot hold tracked changes that would leave no field).
 * Text already deleted (w:del, w:moveFrom) is not part of the text and is
 * left as it is.
 *
 * Afterwards the paragraph read with every change accepted
 * (docx_paragraph_text_stable) is target, and with this call's changes
 * rejected it is the text it had.
 *
 * Returns the number of hunks written (0 when the text already is target),
 * -1 when out of memory, or -2 with nothing changed: p is not a w:p, target
 * is not UTF-8 text XML can hold, the paragraph's text could not be mapped
 * to its elements exactly (its reading differs from
 * docx_paragraph_text_stable), or a change falls inside a field that begins
 * or ends in another paragraph. */
int docx_track_paragraph(xmlNodePtr p, const char *target, docx_track *t);

/* Deletes paragraph p as a tracked change: every run of its text (inside
 * wrappers and other authors' insertions too) in a w:del, w:t as
 * w:delText, and its mark deleted (w:pPr/w:rPr/w:del, created in schema
 * order: w:rPr before w:sectPr and w:pPrChange, the w:del after the mark's
 * w:ins). w:fldSimple fields become the equivalent complex fields first.
 * A mark another author already deleted is left so. Returns 0, -1 when out
 * of memory, -2 (nothing changed) when p is not a w:p or holds part of a
 * field that begins or ends in another paragraph. Word joins a deleted
 * paragraph to the next one when the deletion is accepted: do not delete
 * the last paragraph of a table cell or of the body. */
int docx_track_delete_paragraph(xmlNodePtr p, docx_track *t);

/* Inserts, as a tracked insertion, a new paragraph right after the
 * block-level element `after` (a w:p, w:tbl, ...): its w:pPr a copy of
 * like's (like: a paragraph of the same part, or NULL for none) without
 * w:sectPr, w:pPrChange and the mark's own change marks, its mark inserted
 * (w:pPr/w:rPr/w:ins), and text (as docx_track_paragraph's target: "\t" a
 * w:tab, "\n" a w:br) in one w:ins run formatted as like's first run (no
 * run when text is ""). Returns the new w:p, or NULL when out of memory or
 * when text is not UTF-8 text XML can hold (nothing inserted). */
xmlNodePtr docx_track_insert_paragraph(xmlNodePtr after, xmlNodePtr like, const char *text,
                                       docx_track *t);
/* Where the "#" of inserted text refer to: the k-th "#" consumed (next,
 * counted across calls) becomes a REF field to bookmarks[k] (instruction
 * " REF name \\w \\h ", or without \\w when !numbered) showing results[k]
 * (NULL: "?") until the reader updates it (the field is marked dirty); a
 * "#" past the end stays a "#". */
typedef struct {
    const char *const *bookmarks;
    const char *const *results;
    size_t n;
    size_t next;
    int numbered;
    /* Told of each field made: the w:t that shows its result, and its
     * bookmark (may be NULL); 0, or -1 to fail (out of memory). */
    int (*made)(void *ctx, xmlNodePtr result, const char *bookmark);
    void *ctx;
} docx_track_refs;

/* The first "#" of text at or after from that stands for a reference, as
 * clasm's texts show one: right after the word "clause " or "Clause " (a
 * "#" of a deal's value, as in "NOC #1", is text). NULL when none is. */
const char *docx_track_next_ref(const char *text, const char *from);

/* docx_track_insert_paragraph, the text's "#" made references by refs
 * (NULL: none). */
xmlNodePtr docx_track_insert_paragraph_refs(xmlNodePtr after, xmlNodePtr like, const char *text,
                                            docx_track_refs *refs, docx_track *t);

/* docx_track_insert_paragraph_refs, the new paragraph going right before
 * `before`. */
xmlNodePtr docx_track_insert_paragraph_before_refs(xmlNodePtr before, xmlNodePtr like,
                                                   const char *text, docx_track_refs *refs,
                                                   docx_track *t);

/* The same, the new paragraph going right before `before`. */
xmlNodePtr docx_track_insert_paragraph_before(xmlNodePtr before, xmlNodePtr like, const char *text,
                                              docx_track *t);

/* Adds a comment of t's author and date, its text paragraphs the lines of
 * text ('\n' between them), anchored from the start of paragraph first to
 * the end of paragraph last (first at or before last): a
 * w:commentRangeStart as first's first content after its w:pPr, a
 * w:commentRangeEnd at last's end followed by a run holding the
 * w:commentReference (that run inside a w:del or w:ins when last's mark
 * is marked deleted or inserted, so that it goes with the paragraph).
 * first and last are paragraphs of main_part's tree, which the caller
 * stores in the edit itself (pkg_edit_changed / pkg_edit_adopt_xml): this
 * edits that tree and the package's other parts only.
 *
 * The comment goes in the comments part the main part's comments
 * relationship names; when there is none, word/comments.xml (beside the
 * main part; another free name if taken) is created, with its content type
 * Override and the relationship. The comment's w:id is t->next_id, raised
 * first above every comment id the part has. w:initials: the first letter
 * of each word of the author.
 *
 * Returns 0, or -1 with diagnostics: those of the package edit (missing or
 * malformed parts), out-of-memory, comments-part-unexpected (the
 * related comments part's root is not w:comments), comment-text-invalid
 * (not UTF-8 text XML can hold). */
int docx_track_comment(pkg_edit *e, const char *main_part, xmlNodePtr first, xmlNodePtr last,
                       const char *text, docx_track *t, clasm_diags *diags);

#endif
