/* List numbers as Word shows them ("7.2", "(a)"), worked out from the
 * document's paragraphs, styles.xml and numbering.xml: for the cached result
 * of a REF field to a numbered clause heading, so Word and LibreOffice show
 * the right number without updating fields.
 *
 * The model is Word's: a paragraph is numbered by its own w:numPr, else by
 * its style's (following w:basedOn; a style linked to a level by the level's
 * w:pStyle); numbering instances (w:num) over one abstract numbering share
 * its counters, a w:lvlOverride/w:startOverride restarts a level where its
 * instance is first used; a level restarts after any higher level; the
 * label is the level's w:lvlText with %1..%9 replaced by each level's
 * counter in that level's w:numFmt (decimal, letters, roman numerals). */
#ifndef CLASM_DOCX_NUMBERS_H
#define CLASM_DOCX_NUMBERS_H

#include <libxml/tree.h>
#include <stddef.h>

/* One labelled paragraph. */
typedef struct {
    xmlNodePtr p;
    char *label; /* "7.2"; malloc'd */
} docx_label;

/* The labels of the numbered paragraphs of doc's body, in document order;
 * styles and numbering may be NULL (then only direct numbering counts, and
 * without numbering.xml there is none). Returns the count and a malloc'd
 * array (free with docx_labels_free), or (size_t)-1 when out of memory. */
size_t docx_number_labels(xmlDocPtr doc, xmlDocPtr styles, xmlDocPtr numbering, docx_label **out);
void docx_labels_free(docx_label *labels, size_t n);

/* The numbering model of styles and numbering (either may be NULL), to
 * ask of single paragraphs; NULL when out of memory. */
typedef struct docx_numbering docx_numbering;
docx_numbering *docx_numbering_new(xmlDocPtr styles, xmlDocPtr numbering);
void docx_numbering_free(docx_numbering *n);
/* 1 when paragraph p is numbered (as docx_number_labels counts it). */
int docx_numbering_numbered(docx_numbering *n, xmlNodePtr p);
/* The counters a numbered paragraph counts in: those of an abstract
 * numbering, or (missing_num not 0) those of a numbering instance that
 * does not exist, which count apart. */
typedef struct {
    long missing_num;
    long abstract;
} docx_counters;
/* 1 when paragraph p (or a paragraph of the style and nothing else) is
 * numbered, with its counters in *out; 0 when it is not; -1 when out of
 * memory. */
int docx_numbering_abstract(docx_numbering *n, xmlNodePtr p, docx_counters *out);
int docx_numbering_style_abstract(docx_numbering *n, const char *style, docx_counters *out);
/* 1 when the styles define the style id. */
int docx_numbering_has_style(const docx_numbering *n, const char *id);

/* The label of a paragraph as a REF field with \w prints it: the label
 * without a trailing period ("7." -> "7"). Writes into out (size bytes). */
void docx_label_for_reference(const char *label, char *out, size_t size);

#endif
