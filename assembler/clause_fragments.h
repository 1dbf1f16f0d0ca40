/* The clauses of a library compiled for one template (docx_fragment.h):
 * each clause's body rendered once in the template's clause styles, kept
 * with the library's fingerprint, so that a draft with that library fills
 * holes instead of building the body's nodes. */
#ifndef CLASM_CLAUSE_FRAGMENTS_H
#define CLASM_CLAUSE_FRAGMENTS_H

#include "clasm.h"
#include "docx_fragment.h"
#include "library.h"

typedef struct clause_fragments clause_fragments;

/* Compiles every clause of lib that can be (docx_fragment_compile) for
 * paragraphs in style. NULL and an out-of-memory diagnostic (file) when
 * memory runs out. */
clause_fragments *clause_fragments_new(const clasm_library *lib, const docx_render_style *style,
                                       const char *file, clasm_diags *diags);
void clause_fragments_free(clause_fragments *cf);

/* The compiled body of clause c of lib, or NULL when c was not compiled,
 * lib is not the library compiled (by its fingerprint), or style differs
 * from the style compiled. */
const docx_fragment *clause_fragment(const clause_fragments *cf, const clasm_library *lib,
                                     const lib_clause *c, const docx_render_style *style);

/* The compiled body of one text of clause c: its standard (position 0)
 * or fallback position; NULL as clause_fragment. */
const docx_fragment *clause_text_fragment(const clause_fragments *cf, const clasm_library *lib,
                                          const lib_clause *c, int position,
                                          const docx_render_style *style);

/* How many clauses were compiled (for tests and reports). */
size_t clause_fragments_count(const clause_fragments *cf);

#endif
