/* The defined terms of a draft: see glossary.h. */
#include "glossary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    glossary_use use;
    int state; /* 0 unused, 1 used (its own uses not yet read), 2 done */
} entry;

static int defined_inline(const lib_clause *const *clauses, size_t n, const char *use)
{
    for (size_t i = 0; i < n; i++) {
        const ct_tree *t = clauses[i] ? clauses[i]->tree : NULL;
        for (size_t b = 0; t && b < t->nblocks; b++)
            for (size_t k = 0; k < t->blocks[b].nspans; k++)
                if (t->blocks[b].spans[k].kind == CT_TERM_DEF &&
                    ct_term_matches(use, t->blocks[b].spans[k].text))
                    return 1;
    }
    return 0;
}

static int template_term(const clasm_library *lib, const char *use)
{
    for (size_t i = 0; i < lib->ntemplate_terms; i++)
        if (ct_term_matches(use, lib->template_terms[i]))
            return 1;
    return 0;
}

/* 1 when an earlier span of t (before block b, span k) uses the same term. */
static int used_before(const ct_tree *t, size_t b, size_t k)
{
    const char *term = t->blocks[b].spans[k].text;
    for (size_t pb = 0; pb <= b; pb++)
        for (size_t pk = 0; pk < (pb < b ? t->blocks[pb].nspans : k); pk++)
            if (t->blocks[pb].spans[pk].kind == CT_TERM &&
                strcmp(t->blocks[pb].spans[pk].text, term) == 0)
                return 1;
    return 0;
}

/* Marks the entries the term uses of t name. */
static void mark(const clasm_library *lib, const lib_clause *const *clauses, size_t n,
                 const ct_tree *t, const char *file, const char *who, entry *e, size_t ne,
                 glossary_undefined undefined, void *ctx)
{
    for (size_t b = 0; t && b < t->nblocks; b++)
        for (size_t k = 0; k < t->blocks[b].nspans; k++) {
            const ct_span *s = &t->blocks[b].spans[k];
            if (s->kind != CT_TERM)
                continue;
            int found = 0;
            for (size_t i = 0; i < ne; i++)
                if (ct_term_matches(s->text, e[i].use.def->term)) {
                    found = 1;
                    if (e[i].state == 0)
                        e[i].state = 1;
                }
            if (!found && undefined && !template_term(lib, s->text) &&
                !defined_inline(clauses, n, s->text) && !used_before(t, b, k))
                undefined(ctx, file, who, s);
        }
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return strcmp(x->use.def->term, y->use.def->term);
}

glossary_use *glossary_for(const clasm_library *lib, const lib_clause *const *clauses, size_t n,
                           size_t *count, glossary_undefined undefined, void *ctx)
{
    *count = 0;
    size_t ne = 0;
    for (size_t i = 0; i < lib->nclauses; i++)
        ne += lib->clauses[i].ndefines;
    entry *e = calloc(ne + 1, sizeof *e);
    if (!e)
        return NULL;
    ne = 0;
    for (size_t i = 0; i < lib->nclauses; i++)
        for (size_t k = 0; k < lib->clauses[i].ndefines; k++)
            if (lib->clauses[i].defines[k].tree)
                e[ne++].use = (glossary_use){&lib->clauses[i].defines[k], &lib->clauses[i]};
    for (size_t i = 0; i < n; i++) {
        if (!clauses[i])
            continue;
        char who[160];
        snprintf(who, sizeof who, "the clause %.120s", clauses[i]->id);
        mark(lib, clauses, n, clauses[i]->tree, clauses[i]->file, who, e, ne, undefined, ctx);
    }
    /* Definitions use terms too, to a fixed point. */
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < ne; i++) {
            if (e[i].state != 1)
                continue;
            e[i].state = 2;
            again = 1;
            char who[256];
            snprintf(who, sizeof who, "the definition of %.100s (in %.120s)", e[i].use.def->term,
                     e[i].use.owner->id);
            mark(lib, clauses, n, e[i].use.def->tree, e[i].use.owner->file, who, e, ne, undefined,
                 ctx);
        }
    }
    size_t used = 0;
    for (size_t i = 0; i < ne; i++)
        if (e[i].state)
            e[used++] = e[i];
    qsort(e, used, sizeof *e, cmp_entry);
    glossary_use *out = calloc(used + 1, sizeof *out);
    if (out)
        for (size_t i = 0; i < used; i++)
            out[i] = e[i].use;
    free(e);
    *count = used;
    return out;
}
