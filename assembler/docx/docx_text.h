/* The visible text of WordprocessingML paragraphs, mapped back to the
 * w:t (and w:tab / w:br) elements it comes from, and the paragraphs of a
 * part in document order. */
#ifndef CLASM_DOCX_TEXT_H
#define CLASM_DOCX_TEXT_H

#include <stddef.h>

#include <libxml/tree.h>

/* The WordprocessingML (Transitional) namespace. */
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

/* One piece of a paragraph's text. */
typedef struct {
    xmlNodePtr node; /* the w:t, w:tab, w:br or w:cr element */
    xmlNodePtr run;  /* the w:r holding it */
    size_t start;    /* byte offset of the piece in docx_ptext.text */
    size_t len;      /* bytes; a w:tab is "\t", a w:br / w:cr is "\n" */
    int is_text;     /* 1 for w:t (editable text), 0 for w:tab / w:br / w:cr */
} docx_piece;

/* A paragraph's visible text and where each byte of it lives. */
typedef struct {
    char *text; /* UTF-8, NUL-terminated */
    size_t len;
    docx_piece *pieces;
    size_t count;
} docx_ptext;

/* 1 when n is the element W_NS:local. */
int docx_is_w(xmlNodePtr n, const char *local);
/* The first child of n that is the element W_NS:local, or NULL (also for a NULL n). */
xmlNodePtr docx_w_child(xmlNodePtr n, const char *local);
/* The integer in n's attribute W_NS:name, or dflt when it is missing or not a
 * whole decimal number. */
long docx_w_attr_long(xmlNodePtr n, const char *name, long dflt);

/* Sets xml:space="preserve" on the w:t element t when its text s (n bytes)
 * needs it: whitespace at either end, or two whitespace characters in a
 * row, which a reader may otherwise drop or collapse. Other w:t elements go
 * without it (a tenth of a draft's document.xml was that attribute). */
void docx_preserve_spaces(xmlNodePtr t, const char *s, size_t n);

/* 1 when n, an element below a paragraph, holds nothing of the
 * paragraph's text (deleted text, properties, instructions, nested
 * paragraphs, drawings...): the elements the readings below skip. */
int docx_not_paragraph_text(xmlNodePtr n);

/* Fills out with the visible text of paragraph p: runs directly in it and in
 * w:hyperlink, w:smartTag, w:ins, w:moveTo, w:sdt/w:sdtContent, w:fldSimple,
 * w:customXml and other run wrappers; never w:del / w:moveFrom (deleted),
 * w:instrText, w:delText, nor paragraphs nested in it (text boxes, nested
 * content) which are paragraphs of their own. Returns 0, or -1 when out of
 * memory (out is then empty). Free with docx_ptext_free. */
int docx_paragraph_pieces(xmlNodePtr p, docx_ptext *out);
void docx_ptext_free(docx_ptext *t);

/* The visible text of p (malloc'd UTF-8), or NULL when out of memory. */
char *docx_paragraph_text(xmlNodePtr p);
/* The w:t elements below p that show REF fields' results, in document
 * order (*texts), and the first of each field's (*firsts: where
 * docx_paragraph_text_stable shows "#"). Malloc'd arrays the caller
 * frees; 0, or -1 when out of memory (both NULL). */
int docx_ref_result_texts(xmlNodePtr p, xmlNodePtr **texts, size_t *n, xmlNodePtr **firsts,
                          size_t *nfirsts);

/* The text of p as clauses are compared (manifest, inspect): the shown
 * number of a REF field is "#", so a reference whose number changed because
 * clauses were moved or deleted (Word and LibreOffice renumber it) does not
 * count as a change of its clause. malloc'd; NULL when out of memory. */
char *docx_paragraph_text_stable(xmlNodePtr p);

/* The bookmarks the REF fields below node name, in document order (not
 * those of deleted text): the places where docx_paragraph_text_stable
 * shows "#". *out (malloc'd strings in a malloc'd array) and *n; 0, or -1
 * when out of memory (nothing returned). */
int docx_ref_bookmarks(xmlNodePtr node, char ***out, size_t *n);
/* The same with each field's result as shown (its texts joined) in
 * *results, one per bookmark. */
int docx_ref_fields(xmlNodePtr node, char ***out, char ***results, size_t *n);
void docx_ref_bookmarks_free(char **v, size_t n);

/* A bookmark of a part: its name and the paragraph its start is in (NULL
 * when it is in none). */
typedef struct {
    char *name;
    xmlNodePtr p;
} docx_bookmark;

/* Every w:bookmarkStart below root, sorted by name (for
 * docx_bookmark_find). *out (free with docx_bookmarks_free) and *n; 0, or
 * -1 when out of memory (nothing returned). */
int docx_bookmarks(xmlNodePtr root, docx_bookmark **out, size_t *n);
void docx_bookmarks_free(docx_bookmark *v, size_t n);
/* The bookmark named name in v (sorted), or NULL. */
const docx_bookmark *docx_bookmark_find(const docx_bookmark *v, size_t n, const char *name);

/* 1 when paragraph p is inside another paragraph (a text box's). */
int docx_paragraph_nested(xmlNodePtr p);

/* The 1-based index of p among all w:p elements of its document, in document
 * order (the paragraph number diagnostics give); 0 when p is not a w:p. */
int docx_paragraph_number(xmlNodePtr p);

/* Every w:p of doc in document order (body, tables, content controls, text
 * boxes, nested paragraphs), as a malloc'd array the caller frees (the
 * nodes stay owned by doc). Returns the count; *out is NULL when there are
 * none or when out of memory (then returns 0 and sets *out NULL). */
size_t docx_paragraphs(xmlDocPtr doc, xmlNodePtr **out);
/* The same for the w:p elements of node and below it (node itself first
 * when it is one), in document order. */
size_t docx_paragraphs_below(xmlNodePtr node, xmlNodePtr **out);

#endif
