/* A clause tree as WordprocessingML: a w:p per block, runs for text and
 * values, a bold quoted run for a term defined inline, and for a reference
 * to another clause the word "clause" and a REF field to that clause's
 * bookmark, whose cached result (the clause's number) is set once the draft
 * is complete (docx_numbers.c). Knows nothing of deals or risks: values,
 * references and the list of definitions come from the caller. */
#ifndef CLASM_DOCX_RENDER_H
#define CLASM_DOCX_RENDER_H

#include "clause_tree.h"

#include <libxml/tree.h>
#include <stddef.h>

/* How blocks become paragraphs. */
typedef struct {
    const char *body_style; /* pStyle of body paragraphs, or NULL for none */
    const char *list_style; /* pStyle of list items, or NULL for none */
    int num_id;             /* w:numId of list items (0: no numbering) */
} docx_render_style;

/* One entry of a draft's list of definitions. */
typedef struct {
    const char *term;
    const ct_tree *tree; /* the definition, printed after the quoted term */
} docx_definition;

/* A REF field waiting for its number: the word before it, its
 * instruction, the run text that holds the cached result, and the bookmark
 * it refers to. */
typedef enum { DOCX_FIELD_WORD, DOCX_FIELD_INSTR, DOCX_FIELD_RESULT } docx_field_part;

typedef struct {
    xmlNodePtr prefix; /* the w:t holding "clause " (or "Clause ") */
    xmlNodePtr instr;  /* the w:instrText */
    xmlNodePtr result; /* the w:t of the cached result */
    char *bookmark;
    /* A field of a compiled clause (docx_fragment.h) has no nodes: the
     * three texts they would hold, by docx_field_part (owned); all NULL
     * for a field with nodes. */
    char *texts[3];
} docx_field;

typedef struct {
    docx_field *items;
    size_t count, cap;
} docx_fields;

void docx_fields_free(docx_fields *f);

/* The instruction of a REF field to bookmark: with \\w (the number of
 * the paragraph) when numbered, else the bookmark's text. */
void docx_ref_instruction(char *out, size_t size, const char *bookmark, int numbered);

/* Adds a field without nodes for a reference to bookmark: the word
 * "Clause " when capital, else "clause ", the instruction and "?" until
 * the number is known. Its index, or -1 when out of memory. */
long docx_fields_add_texts(docx_fields *f, const char *bookmark, int capital);

/* The text of one part of a field, from its node or its texts; NULL when
 * out of memory (free the result). */
char *docx_field_text(const docx_field *f, docx_field_part part);

/* Sets the text of one part of a field. 0, or -1 when out of memory. */
int docx_field_set(docx_field *f, docx_field_part part, const char *text);

typedef struct {
    void *ctx;
    /* The text of a value span, or NULL when there is none (the callback
     * reports why; nothing is printed). */
    const char *(*value)(void *ctx, const ct_span *span);
    /* The bookmark of the clause a reference span names, or NULL when it is
     * not in the draft: then the span's alternative text is printed (the
     * callback reports a reference without one). */
    const char *(*reference)(void *ctx, const ct_span *span);
    /* What a {{ definitions }} block lists, in order. */
    const docx_definition *definitions;
    size_t ndefinitions;
} docx_render_ctx;

/* Appends to parent (namespace w of doc) the paragraphs of tree. Fields
 * made for references are added to fields. 0, or -1 when out of memory. */
int docx_render_tree(xmlNodePtr parent, xmlDocPtr doc, xmlNsPtr w, const ct_tree *tree,
                     const docx_render_style *style, const docx_render_ctx *rc,
                     docx_fields *fields);

/* A heading paragraph: pStyle style, the text, and when bookmark is not
 * NULL a bookmark of that name (id bookmark_id) around the text, for REF
 * fields. NULL when out of memory. */
xmlNodePtr docx_render_heading(xmlDocPtr doc, xmlNsPtr w, const char *style, const char *text,
                               const char *bookmark, long bookmark_id);

#endif
