/* Clause bodies compiled once for a template: each body paragraph of a
 * clause rendered by docx_render (libxml2 builds every element), with a
 * mark where a deal's value, a reference's word, instruction and result,
 * and the list numbering go; serialized by libxml2 as the draft's part
 * is; and cut at the marks into pieces. A draft fills the holes (its
 * values escaped by docx_fragment_escape, as libxml2 escapes text) and
 * joins the pieces: the bytes a draft rendering the clause into its tree
 * would have, without building, serializing and freeing the nodes. The
 * stable text of each paragraph (manifest.h) is cut the same way.
 *
 * A clause is compiled only where the pieces can be exactly those bytes:
 * no markup problem, no list of definitions (a draft's list differs), no
 * reference whose "Clause" / "clause" depends on the value before it, no
 * mark in its own text. A draft fills a compiled clause only when every
 * value fits the mark's shape (docx_fragment_value_fits) and every
 * reference has its clause in the draft; else it renders the clause into
 * its tree as before. */
#ifndef CLASM_DOCX_FRAGMENT_H
#define CLASM_DOCX_FRAGMENT_H

#include "clause_tree.h"
#include "docx_render.h"
#include "strbuf.h"

#include <stddef.h>

typedef struct docx_fragment docx_fragment;

/* Compiles the body of tree in style (its num_id is ignored: list items
 * take the number a draft gives). NULL when the clause is not compiled
 * (see above); then *oom says whether memory ran out. */
docx_fragment *docx_fragment_compile(const ct_tree *tree, const docx_render_style *style, int *oom);
void docx_fragment_free(docx_fragment *f);

/* 1 when the body has list items (a draft gives it a w:num). */
int docx_fragment_has_list(const docx_fragment *f);

/* A hole for a span of the tree, by the span's place: block and index. */
typedef struct {
    size_t block, span;
} docx_fragment_span;

/* The value spans, then the reference spans, in the tree's order. */
const docx_fragment_span *docx_fragment_values(const docx_fragment *f, size_t *n);
const docx_fragment_span *docx_fragment_refs(const docx_fragment *f, size_t *n);
/* 1 when reference k starts a sentence ("Clause"). */
int docx_fragment_ref_capital(const docx_fragment *f, size_t k);

/* 1 when value v (as a draft prints it: line breaks and tabs as spaces)
 * can fill a value's hole: valid UTF-8, not empty, no space at either end,
 * no two spaces in a row: then the run holding it is written as with the
 * mark. */
int docx_fragment_value_fits(const char *v);

/* Appends s to out escaped as libxml2 writes text content in UTF-8: & < >
 * as entities, a carriage return as &#13;, every other byte as it is. */
void docx_fragment_escape(strbuf *out, const char *s);

/* The body's paragraphs: values[k] fills value k (as given, its line
 * breaks and tabs as spaces), fields[k] reference k (its word,
 * instruction and result), num the list items' w:num. Appends the
 * serialized paragraphs to xml and sets texts[i] (malloc'd) to paragraph
 * i's stable text (docx_paragraph_text_stable); *ntexts is their count.
 * 0, or -1 when out of memory (nothing to free). */
int docx_fragment_write(const docx_fragment *f, const char *const *values,
                        const docx_field *const *fields, long num, strbuf *xml, char ***texts,
                        size_t *ntexts);

#endif
