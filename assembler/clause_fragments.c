/* A library's clauses compiled for a template: see clause_fragments.h. */
#include "clause_fragments.h"

#include "diag.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct clause_fragments {
    char fingerprint[65];
    char *body_style, *list_style; /* NULL: none */
    docx_fragment **frags;         /* per clause of the library, in its order */
    size_t nclauses, compiled;
};

static int same_style(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

clause_fragments *clause_fragments_new(const clasm_library *lib, const docx_render_style *style,
                                       const char *file, clasm_diags *diags)
{
    clause_fragments *cf = calloc(1, sizeof *cf);
    int ok = cf != NULL;
    if (ok) {
        memcpy(cf->fingerprint, lib->fingerprint, sizeof cf->fingerprint);
        cf->nclauses = lib->nclauses;
        cf->frags = calloc(lib->nclauses + 1, sizeof *cf->frags);
        cf->body_style = style->body_style ? strdup(style->body_style) : NULL;
        cf->list_style = style->list_style ? strdup(style->list_style) : NULL;
        ok = cf->frags && (cf->body_style || !style->body_style) &&
             (cf->list_style || !style->list_style);
    }
    for (size_t i = 0; ok && i < lib->nclauses; i++) {
        const ct_tree *tree = lib->clauses[i].tree;
        int oom = 0;
        cf->frags[i] = tree ? docx_fragment_compile(tree, style, &oom) : NULL;
        if (cf->frags[i])
            cf->compiled++;
        ok = !oom;
    }
    if (!ok) {
        clause_fragments_free(cf);
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", file, 0, 0,
                "out of memory while compiling the clauses for the template");
        return NULL;
    }
    return cf;
}

void clause_fragments_free(clause_fragments *cf)
{
    if (!cf)
        return;
    for (size_t i = 0; cf->frags && i < cf->nclauses; i++)
        docx_fragment_free(cf->frags[i]);
    free(cf->frags);
    free(cf->body_style);
    free(cf->list_style);
    free(cf);
}

const docx_fragment *clause_fragment(const clause_fragments *cf, const clasm_library *lib,
                                     const lib_clause *c, const docx_render_style *style)
{
    if (!cf || !lib || !c || lib->nclauses != cf->nclauses ||
        memcmp(lib->fingerprint, cf->fingerprint, sizeof cf->fingerprint) != 0 ||
        !same_style(style->body_style, cf->body_style) ||
        !same_style(style->list_style, cf->list_style))
        return NULL;
    /* c is one of lib's clauses when its address is in their array. */
    uintptr_t at = (uintptr_t)c, first = (uintptr_t)lib->clauses;
    if (at < first || at >= first + lib->nclauses * sizeof *lib->clauses)
        return NULL;
    size_t i = (at - first) / sizeof *lib->clauses;
    return cf->frags[i];
}

size_t clause_fragments_count(const clause_fragments *cf)
{
    return cf ? cf->compiled : 0;
}
