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
    docx_fragment ***fallbacks;    /* per clause, per fallback (NULL when it has none) */
    size_t *nfallbacks;            /* per clause: how many */
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
        cf->fallbacks = calloc(lib->nclauses + 1, sizeof *cf->fallbacks);
        cf->nfallbacks = calloc(lib->nclauses + 1, sizeof *cf->nfallbacks);
        cf->body_style = style->body_style ? strdup(style->body_style) : NULL;
        cf->list_style = style->list_style ? strdup(style->list_style) : NULL;
        ok = cf->frags && cf->fallbacks && cf->nfallbacks &&
             (cf->body_style || !style->body_style) && (cf->list_style || !style->list_style);
    }
    for (size_t i = 0; ok && i < lib->nclauses; i++) {
        const ct_tree *tree = lib->clauses[i].tree;
        int oom = 0;
        cf->frags[i] = tree ? docx_fragment_compile(tree, style, &oom) : NULL;
        if (cf->frags[i])
            cf->compiled++;
        ok = !oom;
        /* Its fallbacks too: a draft records each as it would print it. */
        const lib_clause *c = &lib->clauses[i];
        if (ok && c->nfallbacks) {
            cf->fallbacks[i] = calloc(c->nfallbacks, sizeof *cf->fallbacks[i]);
            ok = cf->fallbacks[i] != NULL;
            cf->nfallbacks[i] = ok ? c->nfallbacks : 0;
        }
        for (size_t f = 0; ok && f < c->nfallbacks; f++) {
            cf->fallbacks[i][f] = c->fallbacks[f].tree
                                      ? docx_fragment_compile(c->fallbacks[f].tree, style, &oom)
                                      : NULL;
            ok = !oom;
        }
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
    for (size_t i = 0; cf->fallbacks && i < cf->nclauses; i++) {
        for (size_t f = 0; cf->fallbacks[i] && f < cf->nfallbacks[i]; f++)
            docx_fragment_free(cf->fallbacks[i][f]);
        free(cf->fallbacks[i]);
    }
    free(cf->fallbacks);
    free(cf->nfallbacks);
    free(cf->body_style);
    free(cf->list_style);
    free(cf);
}

const docx_fragment *clause_fragment(const clause_fragments *cf, const clasm_library *lib,
                                     const lib_clause *c, const docx_render_style *style)
{
    return clause_text_fragment(cf, lib, c, 0, style);
}

const docx_fragment *clause_text_fragment(const clause_fragments *cf, const clasm_library *lib,
                                          const lib_clause *c, int position,
                                          const docx_render_style *style)
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
    if (position == 0)
        return cf->frags[i];
    if (position < 0 || (size_t)position > cf->nfallbacks[i] || !cf->fallbacks[i])
        return NULL;
    return cf->fallbacks[i][position - 1];
}

size_t clause_fragments_count(const clause_fragments *cf)
{
    return cf ? cf->compiled : 0;
}
