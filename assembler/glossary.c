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

/* The entries (by index) each term use of one text names, in the order of
 * its CT_TERM spans: use u names idx[start[u]] .. idx[start[u + 1] - 1]. */
typedef struct {
    size_t *start;
    size_t *idx;
} term_uses;

struct glossary_index {
    size_t nentries, nclauses;
    term_uses *clauses; /* per clause of the library */
    term_uses *defs;    /* per entry: its definition's text */
};

/* Every definition of the library, in clause and file order: the entries
 * a draft's list is drawn from. */
static entry *all_entries(const clasm_library *lib, size_t *n)
{
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
    *n = ne;
    return e;
}

static int index_text(const ct_tree *t, const entry *e, size_t ne, term_uses *out)
{
    size_t nuses = 0, nidx = 0;
    for (size_t b = 0; t && b < t->nblocks; b++)
        for (size_t k = 0; k < t->blocks[b].nspans; k++)
            if (t->blocks[b].spans[k].kind == CT_TERM) {
                nuses++;
                for (size_t i = 0; i < ne; i++)
                    nidx += ct_term_matches(t->blocks[b].spans[k].text, e[i].use.def->term) != 0;
            }
    out->start = calloc(nuses + 1, sizeof *out->start);
    out->idx = calloc(nidx + 1, sizeof *out->idx);
    if (!out->start || !out->idx)
        return -1;
    size_t u = 0, x = 0;
    for (size_t b = 0; t && b < t->nblocks; b++)
        for (size_t k = 0; k < t->blocks[b].nspans; k++)
            if (t->blocks[b].spans[k].kind == CT_TERM) {
                out->start[u++] = x;
                for (size_t i = 0; i < ne; i++)
                    if (ct_term_matches(t->blocks[b].spans[k].text, e[i].use.def->term))
                        out->idx[x++] = i;
            }
    out->start[u] = x;
    return 0;
}

void glossary_index_free(glossary_index *g)
{
    if (!g)
        return;
    for (size_t i = 0; g->clauses && i < g->nclauses; i++) {
        free(g->clauses[i].start);
        free(g->clauses[i].idx);
    }
    for (size_t i = 0; g->defs && i < g->nentries; i++) {
        free(g->defs[i].start);
        free(g->defs[i].idx);
    }
    free(g->clauses);
    free(g->defs);
    free(g);
}

glossary_index *glossary_index_new(const clasm_library *lib)
{
    glossary_index *g = calloc(1, sizeof *g);
    size_t ne = 0;
    entry *e = g ? all_entries(lib, &ne) : NULL;
    int ok = e != NULL;
    if (ok) {
        g->nentries = ne;
        g->nclauses = lib->nclauses;
        g->clauses = calloc(lib->nclauses + 1, sizeof *g->clauses);
        g->defs = calloc(ne + 1, sizeof *g->defs);
        ok = g->clauses && g->defs;
    }
    for (size_t i = 0; ok && i < lib->nclauses; i++)
        ok = index_text(lib->clauses[i].tree, e, ne, &g->clauses[i]) == 0;
    for (size_t i = 0; ok && i < ne; i++)
        ok = index_text(e[i].use.def->tree, e, ne, &g->defs[i]) == 0;
    free(e);
    if (!ok) {
        glossary_index_free(g);
        return NULL;
    }
    return g;
}

/* Marks the entries the term uses of t name (uses, when not NULL, lists
 * them; else each use is matched against every entry). */
static void mark(const clasm_library *lib, const lib_clause *const *clauses, size_t n,
                 const ct_tree *t, const term_uses *uses, const char *file, const char *who,
                 entry *e, size_t ne, glossary_undefined undefined, void *ctx)
{
    size_t u = 0;
    for (size_t b = 0; t && b < t->nblocks; b++)
        for (size_t k = 0; k < t->blocks[b].nspans; k++) {
            const ct_span *s = &t->blocks[b].spans[k];
            if (s->kind != CT_TERM)
                continue;
            int found = 0;
            if (uses) {
                for (size_t x = uses->start[u]; x < uses->start[u + 1]; x++) {
                    found = 1;
                    if (e[uses->idx[x]].state == 0)
                        e[uses->idx[x]].state = 1;
                }
            } else {
                for (size_t i = 0; i < ne; i++)
                    if (ct_term_matches(s->text, e[i].use.def->term)) {
                        found = 1;
                        if (e[i].state == 0)
                            e[i].state = 1;
                    }
            }
            u++;
            if (!found && undefined && !template_term(lib, s->text) &&
                !defined_inline(clauses, n, s->text) && !used_before(t, b, k))
                undefined(ctx, file, who, s);
        }
}

/* The index of clause c of lib's text, or NULL when c is not one of its
 * clauses. */
static const term_uses *clause_uses(const clasm_library *lib, const lib_clause *c)
{
    if (!lib->glossary)
        return NULL;
    for (size_t i = 0; i < lib->nclauses; i++)
        if (&lib->clauses[i] == c)
            return &lib->glossary->clauses[i];
    return NULL;
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
    entry *e = all_entries(lib, &ne);
    if (!e)
        return NULL;
    const glossary_index *g = lib->glossary && lib->glossary->nentries == ne ? lib->glossary : NULL;
    for (size_t i = 0; i < n; i++) {
        if (!clauses[i])
            continue;
        char who[160];
        snprintf(who, sizeof who, "the clause %.120s", clauses[i]->id);
        mark(lib, clauses, n, clauses[i]->tree, g ? clause_uses(lib, clauses[i]) : NULL,
             clauses[i]->file, who, e, ne, undefined, ctx);
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
            mark(lib, clauses, n, e[i].use.def->tree, g ? &g->defs[i] : NULL, e[i].use.owner->file,
                 who, e, ne, undefined, ctx);
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
