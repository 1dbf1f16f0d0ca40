/* The rationale memo (clasm.h, "rationale memo"): what a deal's plans say,
 * for people, in a Word document built from a memo template. The memo
 * template has the drafts' placeholders and conditionals, plus lists
 * (docx_lists.h): content controls tagged memo:NAME whose table rows are
 * printed once per risk, clause, default, missing value... This module
 * gathers those rows from the plans and the library and fills the
 * template; the DOCX work is docx_lists.c, placeholder.c and
 * docx_structure.c. */
#include "clasm.h"

#include "deal.h"
#include "diag.h"
#include "docx_clauses.h"
#include "docx_lists.h"
#include "docx_structure.h"
#include "docx_text.h"
#include "facts.h"
#include "glossary.h"
#include "library.h"
#include "lint.h"
#include "package.h"
#include "placeholder.h"
#include "plan.h"
#include "strbuf.h"
#include "template.h"
#include "values.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARTS 256
#define LIST_PREFIX "memo:"
/* Reasons and supporting clauses a clause's row names before "and N more". */
#define WHY_SHOWN 3
#define SUPPORTS_NAMED 3

struct clasm_memo_template {
    pkg *pkg;
    const char *parts[MAX_PARTS]; /* main part first; strings owned by pkg */
    size_t nparts;
};

/* ------------------------------------------------------------ the lists */

enum {
    L_RISKS,
    L_CLAUSES,
    L_DEFAULTS,
    L_MISSING,
    L_UNCOVERED,
    L_ESCALATION,
    L_SUGGESTIONS,
    NLISTS
};
#define MAX_FIELDS 7

typedef struct {
    const char *name; /* memo:NAME */
    const char *item; /* the item's placeholders: ITEM.FIELD */
    int groups;       /* the list has group rows ({{ group.FIELD }}) */
    const char *fields[MAX_FIELDS];
} list_def;

/* The fields of each list, in the order rows store them. A group row
 * stores group_fields. Documented in templates/README.md ("memo.docx"). */
static const list_def list_defs[NLISTS] = {
    {"risks", "risk", 1, {"number", "title", "area", "weight", "guidance", "description", "id"}},
    {"clauses", "clause", 1, {"title", "why", "category", "id", "version", NULL}},
    {"defaults", "default", 0, {"label", "value", "description", "key", NULL}},
    {"missing", "missing", 0, {"description", "used_by", "key", NULL}},
    {"uncovered", "uncovered", 0, {"title", "documents", "area", "id", NULL}},
    {"escalation", "escalation", 0, {"tier", "score", "description", NULL}},
    {"suggestions", "suggestion", 1, {"title", "reason", "decision", "id", "weight", NULL}},
};
static const char *const group_fields[MAX_FIELDS] = {"title", "description", NULL};

/* The memo's own values, besides the deal's and the plan's: {{ memo.NAME }}. */
enum { G_DOCUMENTS, G_TIER_DESCRIPTION, G_LIBRARY, NGLOBALS };
static const char *const global_names[NGLOBALS] = {"memo.documents", "memo.tier_description",
                                                   "memo.library"};

typedef struct {
    int group;
    char *v[MAX_FIELDS]; /* owned; by the list's (or group_fields') order */
} memo_row;

typedef struct {
    memo_row *rows;
    size_t n, cap;
} memo_rows;

typedef struct {
    memo_rows lists[NLISTS];
    char *globals[NGLOBALS];
    int oom;
} memo_data;

static void data_free(memo_data *D)
{
    for (int l = 0; l < NLISTS; l++) {
        for (size_t r = 0; r < D->lists[l].n; r++)
            for (int f = 0; f < MAX_FIELDS; f++)
                free(D->lists[l].rows[r].v[f]);
        free(D->lists[l].rows);
    }
    for (int g = 0; g < NGLOBALS; g++)
        free(D->globals[g]);
}

/* Adds a row to list l, taking the strings v[0..n) (NULL ones stay NULL:
 * "" is printed). A failed allocation sets D->oom. */
static void add_row(memo_data *D, int l, int group, char **v, size_t n)
{
    memo_rows *L = &D->lists[l];
    memo_row *g = array_grow(L->rows, &L->cap, L->n + 1, sizeof *L->rows);
    if (!g) {
        D->oom = 1;
        for (size_t i = 0; i < n; i++)
            free(v[i]);
        return;
    }
    L->rows = g;
    memo_row *row = &L->rows[L->n++];
    memset(row, 0, sizeof *row);
    row->group = group;
    for (size_t i = 0; i < n && i < MAX_FIELDS; i++)
        row->v[i] = v[i];
}

static char *dup_or_null(memo_data *D, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        D->oom = 1;
    return d;
}

/* A list of distinct strings (borrowed). */
typedef struct {
    const char **v;
    size_t n, cap;
    int oom;
} strset;

static void set_add(strset *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], x) == 0)
            return;
    const char **g = array_grow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    if (!g) {
        s->oom = 1;
        return;
    }
    s->v = g;
    s->v[s->n++] = x;
}

/* "a, b and c"; with more than shown items, "a, b, c and 4 more". */
static void add_joined(strbuf *b, const char *const *v, size_t n, size_t shown, const char *sep,
                       const char *last_sep)
{
    size_t k = n > shown ? shown : n;
    for (size_t i = 0; i < k; i++) {
        if (i)
            strbuf_adds(b, i + 1 == k && n <= shown ? last_sep : sep);
        strbuf_adds(b, v[i]);
    }
    if (n > shown)
        strbuf_addf(b, "%s%zu more", last_sep, n - shown);
}

/* ------------------------------------------------------------ gathering */

typedef struct {
    const clasm_library *lib;
    const clasm_deal *deal;
    const clasm_plan *const *plans;
    size_t nplans;
    char *doc_words[CLASM_DOC_COUNT]; /* per plan: the document in the library's words */
    memo_data *D;
    const lib_risk **risks; /* the deal's risks as the memo numbers them (1, 2, ...) */
    size_t nrisks;
} gatherer;

/* The memo's number of a deal risk named by its id or its title; 0 when
 * it is not one. */
static size_t risk_number(const gatherer *G, const char *name)
{
    for (size_t i = 0; i < G->nrisks; i++)
        if (strcmp(G->risks[i]->id, name) == 0 ||
            (G->risks[i]->title && strcmp(G->risks[i]->title, name) == 0))
            return i + 1;
    return 0;
}

/* The documents of mask (bits are plan indexes) as "the A and the B". */
static char *documents_text(const gatherer *G, unsigned mask, const char *article)
{
    const char *v[CLASM_DOC_COUNT];
    size_t n = 0;
    for (size_t i = 0; i < G->nplans; i++)
        if (mask & (1u << i))
            v[n++] = G->doc_words[i];
    strbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_adds(&b, i + 1 == n ? " and " : ", ");
        strbuf_adds(&b, article);
        strbuf_adds(&b, v[i]);
    }
    return strbuf_take(&b);
}

/* ------------------------------------------------------------ reasons */

/* Why the plan chose a clause, in plain English, as the plan gives it:
 * what it is there because of (the deal's risks by title, counsel's
 * wording of its condition) and the chosen clauses that need it (their
 * titles). */
static void item_reasons(const plan_item *it, strset *because, strset *supports)
{
    for (size_t r = 0; r < it->nbecause; r++)
        set_add(because, it->because[r]);
    for (size_t r = 0; r < it->nsupports; r++)
        set_add(supports, it->supports[r]);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* "Because: risks 1, 2 and 4; the library's rule ..." (the deal's risks by
 * their numbers in the memo's list of risks, which gives their titles) or,
 * for a clause there only for others, "Supports: X, Y and Z". A clause
 * that has reasons of its own is not also listed by the clauses relying on
 * it: the memo gives why each clause is in the draft, once. */
static char *why_text(const gatherer *G, const strset *because, const strset *supports)
{
    strbuf b = {0};
    size_t *numbers = calloc(because->n + 1, sizeof *numbers);
    const char **other = calloc(because->n + 1, sizeof *other);
    size_t nn = 0, no = 0;
    if (!numbers || !other) {
        free(numbers);
        free(other);
        return NULL;
    }
    for (size_t i = 0; i < because->n; i++) {
        size_t k = risk_number(G, because->v[i]);
        if (k)
            numbers[nn++] = k;
        else
            other[no++] = because->v[i];
    }
    qsort(numbers, nn, sizeof *numbers, cmp_size);
    if (nn || no)
        strbuf_adds(&b, "Because: ");
    if (nn)
        strbuf_adds(&b, nn == 1 ? "risk " : "risks ");
    /* "risks 1–4, 6 and 7": three or more in a row as a range */
    size_t nruns = 0;
    for (size_t i = 0; i < nn; nruns++) {
        size_t j = i;
        while (j + 1 < nn && numbers[j + 1] == numbers[j] + 1)
            j++;
        size_t next = j - i >= 2 ? j + 1 : i + 1;
        int last = next >= nn;
        strbuf_adds(&b, nruns == 0 ? "" : last ? " and " : ", ");
        if (j - i >= 2)
            strbuf_addf(&b, "%zu\xe2\x80\x93%zu", numbers[i], numbers[j]);
        else
            strbuf_addf(&b, "%zu", numbers[i]);
        i = next;
    }
    if (nn && no)
        strbuf_adds(&b, "; ");
    add_joined(&b, other, no, WHY_SHOWN, "; ", no > WHY_SHOWN ? "; and " : "; ");
    if (supports->n && !nn && !no) {
        strbuf_adds(&b, "Supports: ");
        /* a clause most others rely on (definitions, standards): a count */
        if (supports->n > SUPPORTS_NAMED)
            strbuf_addf(&b, "%zu other clauses", supports->n);
        else
            add_joined(&b, supports->v, supports->n, SUPPORTS_NAMED, ", ", " and ");
    }
    free(numbers);
    free(other);
    return strbuf_take(&b);
}

static char *number_text(memo_data *D, long n)
{
    strbuf b = {0};
    strbuf_addf(&b, "%ld", n);
    char *s = strbuf_take(&b);
    if (!s)
        D->oom = 1;
    return s;
}

/* The deal's risks, by area (the catalogue's order of areas, then of
 * risks): a group row per area, then its risks, numbered 1, 2, ... so that
 * the clauses' reasons can name them by number. */
static void gather_risks(gatherer *G)
{
    const clasm_library *lib = G->lib;
    const clasm_deal *deal = G->deal;
    G->risks = calloc(deal->nrisks + 1, sizeof *G->risks);
    if (!G->risks) {
        G->D->oom = 1;
        return;
    }
    for (size_t a = 0; a < lib->nareas; a++) {
        int any = 0;
        for (size_t k = 0; k < lib->nrisks; k++) {
            const lib_risk *risk = &lib->risks[k];
            int listed = 0;
            for (size_t r = 0; r < deal->nrisks && !listed; r++)
                listed = strcmp(deal->risks[r].id, risk->id) == 0;
            if (!listed || !risk->area || strcmp(risk->area, lib->areas[a].id) != 0 ||
                G->nrisks == deal->nrisks)
                continue;
            if (!any) {
                char *g[] = {dup_or_null(G->D, lib->areas[a].title),
                             dup_or_null(G->D, lib->areas[a].description)};
                add_row(G->D, L_RISKS, 1, g, 2);
                any = 1;
            }
            G->risks[G->nrisks++] = risk;
            char *v[] = {number_text(G->D, (long)G->nrisks),
                         dup_or_null(G->D, risk->title),
                         dup_or_null(G->D, lib->areas[a].title),
                         number_text(G->D, risk->weight),
                         dup_or_null(G->D, risk->guidance),
                         dup_or_null(G->D, risk->description),
                         dup_or_null(G->D, risk->id)};
            add_row(G->D, L_RISKS, 0, v, 7);
        }
    }
}

/* One clause of the memo: its first plan item, the plans that hold it
 * (bits by plan index), its reasons over all of them. */
typedef struct {
    const plan_item *it;
    unsigned mask;
    strset because, supports;
    char *why; /* owned: why_text */
    int shown; /* printed, on its own row or sharing one */
} clause_acc;

static const char *category_title(const clasm_library *lib, const char *id)
{
    for (size_t i = 0; id && i < lib->ncategories; i++)
        if (strcmp(lib->categories[i].id, id) == 0)
            return lib->categories[i].title;
    return id;
}

/* Each clause once (variants of one clause, by title, as one), under a
 * group row naming the documents that hold it:
 * those in every document first, then those of fewer, in the order the
 * plans list them. */
static void gather_clauses(gatherer *G)
{
    size_t total = 0;
    for (size_t p = 0; p < G->nplans; p++)
        total += G->plans[p]->nitems;
    clause_acc *acc = calloc(total + 1, sizeof *acc);
    if (!acc) {
        G->D->oom = 1;
        return;
    }
    size_t n = 0;
    for (size_t p = 0; p < G->nplans; p++)
        for (size_t k = 0; k < G->plans[p]->nitems; k++) {
            const plan_item *it = &G->plans[p]->items[k];
            /* A clause and its variant for another document (the reseller
             * form of Survival of Safeguards) share a title: one row. */
            size_t j = 0;
            while (j < n && strcmp(acc[j].it->id, it->id) != 0 &&
                   !(acc[j].it->title && it->title && strcmp(acc[j].it->title, it->title) == 0))
                j++;
            if (j == n)
                acc[n++].it = it;
            acc[j].mask |= 1u << p;
            item_reasons(it, &acc[j].because, &acc[j].supports);
        }
    unsigned all = (1u << G->nplans) - 1u;
    unsigned masks[1u << CLASM_DOC_COUNT];
    size_t nmasks = 0;
    for (size_t j = 0; j < n && nmasks == 0; j++)
        if (acc[j].mask == all)
            masks[nmasks++] = all;
    for (size_t j = 0; j < n; j++) {
        size_t m = 0;
        while (m < nmasks && masks[m] != acc[j].mask)
            m++;
        if (m == nmasks)
            masks[nmasks++] = acc[j].mask;
    }
    for (size_t m = 0; m < nmasks; m++) {
        char *docs = documents_text(G, masks[m], "the ");
        strbuf t = {0};
        if (G->nplans == 1)
            strbuf_adds(&t, G->doc_words[0]);
        else
            strbuf_addf(&t, "%s %s", masks[m] == all ? "In" : "Only in", docs ? docs : "");
        free(docs);
        char *g[] = {strbuf_take(&t), dup_or_null(G->D, "")};
        if (!g[0])
            G->D->oom = 1;
        add_row(G->D, L_CLAUSES, 1, g, 2);
        for (size_t j = 0; j < n; j++)
            if (acc[j].mask == masks[m] && !acc[j].why) {
                acc[j].why = why_text(G, &acc[j].because, &acc[j].supports);
                if (!acc[j].why)
                    G->D->oom = 1;
            }
        /* Clauses of one group with the same reason share a row, where
         * the first of them stands: "standard in every agreement" once. */
        for (size_t j = 0; j < n; j++) {
            if (acc[j].mask != masks[m] || acc[j].shown || !acc[j].why)
                continue;
            strbuf titles = {0}, cats = {0}, ids = {0}, versions = {0};
            for (size_t k = j; k < n; k++) {
                if (acc[k].mask != masks[m] || acc[k].shown || !acc[k].why ||
                    strcmp(acc[k].why, acc[j].why) != 0)
                    continue;
                acc[k].shown = 1;
                const plan_item *it = acc[k].it;
                const char *sep = k == j ? "" : "\n";
                /* several titles: each after a bullet, so that a wrapped
                 * one cannot read as two clauses */
                int shared = k > j;
                for (size_t o = j + 1; o < n && !shared; o++)
                    shared = acc[o].mask == masks[m] && !acc[o].shown && acc[o].why &&
                             strcmp(acc[o].why, acc[j].why) == 0;
                strbuf_addf(&titles, "%s%s%s", sep, shared ? "\xe2\x80\xa2 " : "",
                            it->title ? it->title : it->id);
                strbuf_addf(&cats, "%s%s", sep, category_title(G->lib, it->category));
                strbuf_addf(&ids, "%s%s", sep, it->id);
                strbuf_addf(&versions, "%s%d", sep, it->version);
            }
            char *v[] = {strbuf_take(&titles), dup_or_null(G->D, acc[j].why), strbuf_take(&cats),
                         strbuf_take(&ids), strbuf_take(&versions)};
            for (size_t f = 0; f < 5; f++)
                if (!v[f])
                    G->D->oom = 1;
            add_row(G->D, L_CLAUSES, 0, v, 5);
        }
    }
    for (size_t j = 0; j < n; j++) {
        G->D->oom |= acc[j].because.oom | acc[j].supports.oom;
        free(acc[j].because.v);
        free(acc[j].supports.v);
        free(acc[j].why);
    }
    free(acc);
}

/* The deal's risks no chosen clause addresses, with the documents that
 * leave them uncovered. */
static void gather_uncovered(gatherer *G)
{
    strset ids = {0};
    for (size_t p = 0; p < G->nplans; p++)
        for (size_t u = 0; u < G->plans[p]->nuncovered; u++)
            set_add(&ids, G->plans[p]->uncovered[u]);
    for (size_t i = 0; i < ids.n; i++) {
        unsigned mask = 0;
        for (size_t p = 0; p < G->nplans; p++)
            for (size_t u = 0; u < G->plans[p]->nuncovered; u++)
                if (strcmp(G->plans[p]->uncovered[u], ids.v[i]) == 0)
                    mask |= 1u << p;
        const lib_risk *risk = library_risk(G->lib, ids.v[i]);
        const char *area = NULL;
        for (size_t a = 0; risk && a < G->lib->nareas && !area; a++)
            if (risk->area && strcmp(G->lib->areas[a].id, risk->area) == 0)
                area = G->lib->areas[a].title;
        char *docs = documents_text(G, mask, "");
        if (!docs)
            G->D->oom = 1;
        char *v[] = {dup_or_null(G->D, risk && risk->title ? risk->title : ids.v[i]), docs,
                     dup_or_null(G->D, area), dup_or_null(G->D, ids.v[i])};
        add_row(G->D, L_UNCOVERED, 0, v, 4);
    }
    G->D->oom |= ids.oom;
    free(ids.v);
}

/* The terms whose value is the library's default and that the drafts
 * print (each plan marks them: its clauses, the definitions they use, its
 * template), once each, in library.yaml's order. */
static void gather_defaults(gatherer *G)
{
    for (size_t t = 0; t < G->lib->nterms; t++) {
        const lib_term *term = &G->lib->terms[t];
        const plan_default *pd = NULL;
        for (size_t p = 0; p < G->nplans && !pd; p++)
            for (size_t d = 0; d < G->plans[p]->ndefaults && !pd; d++)
                if (G->plans[p]->defaults[d].printed &&
                    strcmp(G->plans[p]->defaults[d].key, term->key) == 0)
                    pd = &G->plans[p]->defaults[d];
        if (!pd)
            continue;
        /* a term without a label (lint warns) goes by its description */
        const char *label = term->label ? term->label : term->description;
        strbuf path = {0};
        strbuf_addf(&path, "terms.%s", pd->key);
        char *text = NULL;
        value_status st =
            values_display(G->lib, G->deal, G->plans[0], strbuf_str(&path), &text, NULL);
        if (st == VALUE_OUT_OF_MEMORY || path.failed)
            G->D->oom = 1;
        char *v[] = {dup_or_null(G->D, label), text ? text : dup_or_null(G->D, pd->value),
                     dup_or_null(G->D, term->description), strbuf_take(&path)};
        add_row(G->D, L_DEFAULTS, 0, v, 4);
    }
}

/* The values still to fill in, once each over the plans, with the texts
 * that use them in words (clause titles, "the template of the ..."). */
static void gather_missing(gatherer *G, char *const *tmpl_words)
{
    strset keys = {0};
    for (size_t p = 0; p < G->nplans; p++) {
        const clasm_missing *m = NULL;
        size_t nm = clasm_plan_missing(G->plans[p], &m);
        for (size_t i = 0; i < nm; i++)
            set_add(&keys, m[i].key);
    }
    for (size_t i = 0; i < keys.n; i++) {
        strset users = {0};
        const char *description = NULL;
        for (size_t p = 0; p < G->nplans; p++) {
            const clasm_missing *m = NULL;
            size_t nm = clasm_plan_missing(G->plans[p], &m);
            for (size_t j = 0; j < nm; j++) {
                if (strcmp(m[j].key, keys.v[i]) != 0)
                    continue;
                if (!description)
                    description = m[j].description;
                for (size_t u = 0; u < m[j].nused_by; u++) {
                    const lib_clause *c = library_clause(G->lib, m[j].used_by[u]);
                    set_add(&users, c ? (c->title ? c->title : c->id) : tmpl_words[p]);
                }
            }
        }
        strbuf b = {0};
        add_joined(&b, users.v, users.n, 4, ", ", " and ");
        char *by = strbuf_take(&b);
        if (!by)
            G->D->oom = 1;
        G->D->oom |= users.oom;
        free(users.v);
        char *v[] = {dup_or_null(G->D, description ? description : keys.v[i]), by,
                     dup_or_null(G->D, keys.v[i])};
        add_row(G->D, L_MISSING, 0, v, 3);
    }
    G->D->oom |= keys.oom;
    free(keys.v);
}

/* The risks the deal's facts suggest and the deal does not carry, each
 * with why and the decision on it (those it accepts are among its risks):
 * the due-diligence record. The plans share them (one deal). */
static void gather_suggestions(gatherer *G)
{
    const clasm_plan *plan = G->plans[0];
    /* One group when the dismissals change the tier: what the deal would
     * score had it carried them. */
    if (plan->tier_with_dismissed != plan->tier_rank) {
        const lib_tier *t =
            plan->tier_with_dismissed >= 0 && (size_t)plan->tier_with_dismissed < G->lib->ntiers
                ? &G->lib->tiers[plan->tier_with_dismissed]
                : NULL;
        strbuf title = {0};
        strbuf_addf(&title,
                    "Dismissed after review. Had the deal carried these risks it would score %ld, "
                    "in the %s tier%s.",
                    plan->score_with_dismissed, t ? t->id : "",
                    t && t->escalate && !plan->escalate ? ", which escalates to counsel" : "");
        char *g[] = {strbuf_take(&title), dup_or_null(G->D, "")};
        if (!g[0])
            G->D->oom = 1;
        add_row(G->D, L_SUGGESTIONS, 1, g, 2);
    }
    for (size_t i = 0; i < plan->nsuggestions; i++) {
        const plan_suggestion *g = &plan->suggestions[i];
        if (g->decision == SUGGEST_ACCEPTED)
            continue;
        strbuf why = {0}, decision = {0};
        if (g->suggested)
            strbuf_addf(&why, "Suggested because %s.", g->reason);
        else
            strbuf_adds(&why, "Not suggested by the deal's facts; considered all the same.");
        if (g->decision == SUGGEST_DISMISSED)
            strbuf_addf(&decision, "Dismissed by %s on %s%s%s: %s", g->by, g->date,
                        g->confirmed_by ? ", confirmed by " : "",
                        g->confirmed_by ? g->confirmed_by : "", g->dismissal);
        else
            strbuf_adds(&decision, "Not decided: list it among the risks or dismiss it with a "
                                   "reason before the drafts go out.");
        char *v[] = {dup_or_null(G->D, g->title), strbuf_take(&why), strbuf_take(&decision),
                     dup_or_null(G->D, g->risk), number_text(G->D, g->weight)};
        if (!v[1] || !v[2])
            G->D->oom = 1;
        add_row(G->D, L_SUGGESTIONS, 0, v, 5);
    }
}

/* One row when the tier escalates to counsel, none otherwise. */
static void gather_escalation(gatherer *G)
{
    const clasm_plan *plan = G->plans[0];
    int escalate = 0;
    for (size_t p = 0; p < G->nplans; p++)
        escalate |= G->plans[p]->escalate;
    if (!escalate)
        return;
    const char *description = plan->tier_rank >= 0 && (size_t)plan->tier_rank < G->lib->ntiers
                                  ? G->lib->tiers[plan->tier_rank].description
                                  : NULL;
    char *v[] = {dup_or_null(G->D, plan->tier), number_text(G->D, plan->score),
                 dup_or_null(G->D, description)};
    add_row(G->D, L_ESCALATION, 0, v, 3);
}

static void gather(gatherer *G)
{
    memo_data *D = G->D;
    char *tmpl_words[CLASM_DOC_COUNT] = {0};
    for (size_t p = 0; p < G->nplans; p++) {
        char *words = NULL;
        if (values_display(G->lib, G->deal, G->plans[p], "document", &words, NULL) != VALUE_OK) {
            free(words);
            words = strdup(clasm_document_name(G->plans[p]->document));
        }
        G->doc_words[p] = words;
        strbuf b = {0};
        strbuf_addf(&b, "the template of the %s", words ? words : "");
        tmpl_words[p] = strbuf_take(&b);
        if (!words || !tmpl_words[p])
            D->oom = 1;
    }
    if (!D->oom) {
        gather_risks(G);
        gather_clauses(G);
        gather_uncovered(G);
        gather_defaults(G);
        gather_missing(G, tmpl_words);
        gather_escalation(G);
        gather_suggestions(G);
        const clasm_plan *plan = G->plans[0];
        D->globals[G_DOCUMENTS] = documents_text(G, (1u << G->nplans) - 1u, "");
        D->globals[G_TIER_DESCRIPTION] =
            dup_or_null(D, plan->tier_rank >= 0 && (size_t)plan->tier_rank < G->lib->ntiers
                               ? G->lib->tiers[plan->tier_rank].description
                               : "");
        D->globals[G_LIBRARY] = strndup(G->lib->fingerprint, 12);
        for (int g = 0; g < NGLOBALS; g++)
            if (!D->globals[g])
                D->oom = 1;
    }
    for (size_t p = 0; p < G->nplans; p++) {
        free(G->doc_words[p]);
        free(tmpl_words[p]);
    }
    free(G->risks);
    G->risks = NULL;
}

/* ------------------------------------------------------------ values */

static const list_def *find_list(const char *name)
{
    for (int l = 0; l < NLISTS; l++)
        if (strcmp(list_defs[l].name, name) == 0)
            return &list_defs[l];
    return NULL;
}

static int field_index(const char *const *fields, const char *name)
{
    for (int f = 0; f < MAX_FIELDS && fields[f]; f++)
        if (strcmp(fields[f], name) == 0)
            return f;
    return -1;
}

/* The field of a list a path names ("risk.title" of risks, "group.title"),
 * as an index into its row's values; -1 when the list has no such field. */
static int path_field(const list_def *def, const char *path, int *is_group)
{
    size_t n = strlen(def->item);
    *is_group = strncmp(path, "group.", 6) == 0;
    if (*is_group)
        return def->groups ? field_index(group_fields, path + 6) : -1;
    if (strncmp(path, def->item, n) == 0 && path[n] == '.')
        return field_index(def->fields, path + n + 1);
    return -1;
}

static int global_index(const char *path)
{
    for (int g = 0; g < NGLOBALS; g++)
        if (strcmp(global_names[g], path) == 0)
            return g;
    return -1;
}

/* ---- while the template is checked: which names exist */

static const char *check_global(void *ctx, const char *path)
{
    (void)ctx;
    return lint_known_path(path) || (strncmp(path, "terms.", 6) == 0 && path[6]) ||
                   global_index(path) >= 0
               ? ""
               : NULL;
}

/* The rows a list is checked with: a group row (when it has groups) and an
 * item row for each part, so that each part's rows are checked. */
static int check_is_group(void *ctx, size_t row)
{
    const list_def *def = ctx;
    return def->groups && row % 2 == 0;
}

static const char *check_field(void *ctx, size_t row, const char *path)
{
    const list_def *def = ctx;
    int group;
    int f = path_field(def, path, &group);
    (void)row;
    return f >= 0 ? "" : NULL;
}

/* ---- while a memo is filled */

typedef struct {
    const list_def *def;
    const memo_rows *rows;
} fill_list;

static int fill_is_group(void *ctx, size_t row)
{
    const fill_list *F = ctx;
    return F->rows->rows[row].group;
}

static const char *fill_field(void *ctx, size_t row, const char *path)
{
    const fill_list *F = ctx;
    const memo_row *r = &F->rows->rows[row];
    int group;
    int f = path_field(F->def, path, &group);
    if (f < 0 || group != r->group)
        return NULL;
    return r->v[f] ? r->v[f] : "";
}

typedef struct {
    char *path, *text;
} shown_value;

typedef struct {
    const clasm_library *lib;
    const clasm_deal *deal;
    const clasm_plan *plan;
    const memo_data *D;
    shown_value *shown;
    size_t nshown, cap;
    clasm_diags *diags; /* why a value cannot be shown */
    int oom;
} memo_values;

/* What a placeholder prints: the memo's own values, else the deal's and
 * the plan's as drafts print them (values_display). A value with no text
 * for a reason other than being absent is reported once and printed as
 * nothing (the memo fails); an absent one is left to the filler, which
 * names the placeholder. */
static const char *memo_value(void *ctx, const char *path)
{
    memo_values *V = ctx;
    int g = global_index(path);
    if (g >= 0)
        return V->D->globals[g];
    if (strncmp(path, "memo.", 5) == 0)
        return NULL;
    for (size_t i = 0; i < V->nshown; i++)
        if (strcmp(V->shown[i].path, path) == 0)
            return V->shown[i].text ? V->shown[i].text : "";
    clasm_diags why;
    clasm_diags_init(&why);
    char *text = NULL;
    value_status st = values_display(V->lib, V->deal, V->plan, path, &text, &why);
    if (st == VALUE_ABSENT) {
        clasm_diags_free(&why);
        return NULL;
    }
    if (st == VALUE_OUT_OF_MEMORY)
        V->oom = 1;
    else if (st != VALUE_OK)
        clasm_diags_append(V->diags, &why);
    clasm_diags_free(&why);
    shown_value *grown = array_grow(V->shown, &V->cap, V->nshown + 1, sizeof *V->shown);
    char *p = strdup(path);
    if (!grown || !p) {
        free(p);
        free(text);
        V->oom = 1;
        return "";
    }
    V->shown = grown;
    V->shown[V->nshown++] = (shown_value){p, text};
    return text ? text : "";
}

static void memo_values_free(memo_values *V)
{
    for (size_t i = 0; i < V->nshown; i++) {
        free(V->shown[i].path);
        free(V->shown[i].text);
    }
    free(V->shown);
}

typedef struct {
    const clasm_library *lib;
    const clasm_deal *deal;
    const clasm_plan *plan;
} memo_facts;

static int memo_eval(void *ctx, const char *expr, char **err, int *column)
{
    const memo_facts *f = ctx;
    return facts_eval(f->lib, f->deal, f->plan, expr, err, column);
}

/* ------------------------------------------------------------ rendering */

typedef struct {
    int checking; /* the template is being opened: names are checked, nothing applied */
    structure_eval_fn eval;
    void *eval_ctx;
    docx_values global;
    const memo_data *D; /* NULL while checking */
} render_ctx;

static void number_paragraphs(xmlDocPtr doc)
{
    xmlNodePtr *ps = NULL;
    size_t n = docx_paragraphs(doc, &ps);
    for (size_t i = 0; i < n; i++)
        ps[i]->_private = (void *)(intptr_t)(i + 1);
    free(ps);
}

/* Moves the diagnostics of found to diags: while checking, a structural tag
 * left in a paragraph is the structure scan's business (it reports the real
 * mistakes), and a list's unknown field names the fields there are. Returns
 * the errors moved. */
static int take_diags(clasm_diags *diags, clasm_diags *found, const render_ctx *R,
                      const list_def *def)
{
    int errors = 0;
    for (size_t i = 0; i < found->count; i++) {
        const clasm_diag *g = &found->items[i];
        if (R->checking && strcmp(g->id, "misplaced-structural-tag") == 0)
            continue;
        if (R->checking && def && strcmp(g->id, "unknown-value") == 0) {
            strbuf f = {0};
            for (int k = 0; k < MAX_FIELDS && def->fields[k]; k++)
                strbuf_addf(&f, "%s%s.%s", k ? ", " : "", def->item, def->fields[k]);
            for (int k = 0; def->groups && k < MAX_FIELDS && group_fields[k]; k++)
                strbuf_addf(&f, ", group.%s", group_fields[k]);
            diag_part(diags, g->severity, g->id, g->file, g->part, g->paragraph,
                      "%s; in the list '%s', a row may name %s, and any value the memo prints "
                      "elsewhere",
                      g->message, def->name, f.failed ? "its fields" : strbuf_str(&f));
            strbuf_free(&f);
        } else {
            diag_part(diags, g->severity, g->id, g->file, g->part, g->paragraph, "%s", g->message);
        }
        errors += g->severity == CLASM_SEV_ERROR;
    }
    clasm_diags_free(found);
    clasm_diags_init(found);
    return errors;
}

/* One part of a memo: conditionals (unless checking), the lists taken out,
 * the rest filled, the lists printed in their places. Returns the number of
 * errors. */
static int render_part(xmlDocPtr doc, const char *file, const char *part, int is_main,
                       const render_ctx *R, clasm_diags *diags)
{
    int errors = 0;
    number_paragraphs(doc);
    structure_markers m;
    errors += structure_scan(doc, file, part, is_main, &m, diags);
    for (size_t k = 0; k < m.count; k++)
        if (m.items[k].kind == STRUCT_CLAUSES) {
            diag_part(diags, CLASM_SEV_ERROR, "memo-insertion-point", file, part,
                      m.items[k].paragraph,
                      "a memo template has no insertion points for clauses: the list "
                      "memo:clauses (a content control tagged memo:clauses) prints them");
            errors++;
        }
    if (!R->checking && errors == 0)
        errors += structure_apply_conditionals(&m, file, part, R->eval, R->eval_ctx, diags);
    structure_markers_free(&m);
    docx_list_slots slots;
    errors += docx_lists_detach(doc, LIST_PREFIX, is_main, file, part, &slots, diags);
    clasm_diags found;
    clasm_diags_init(&found);
    /* The part without its lists. */
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs(doc, &ps);
    int *numbers = calloc(np + 1, sizeof *numbers);
    if (!numbers) {
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, part, 0,
                  "out of memory while filling %s", part);
        errors++;
    } else {
        for (size_t i = 0; i < np; i++)
            numbers[i] = (int)(intptr_t)ps[i]->_private;
        docx_fill_paragraphs(ps, numbers, np, file, part, &R->global, &found, NULL);
        errors += take_diags(diags, &found, R, NULL);
    }
    free(numbers);
    free(ps);
    /* Then each list in its place. */
    for (size_t i = 0; i < slots.count; i++) {
        docx_list_slot *slot = &slots.items[i];
        const list_def *def = find_list(slot->name);
        if (!def) {
            strbuf known = {0};
            for (int l = 0; l < NLISTS; l++)
                strbuf_addf(&known, "%s%s", l ? ", " : "", list_defs[l].name);
            diag_part(diags, CLASM_SEV_ERROR, "unknown-list", file, part, slot->paragraph,
                      "the content control tagged %s%s is not a list the memo knows; the lists "
                      "are %s",
                      LIST_PREFIX, slot->name,
                      known.failed ? "risks, clauses, ..." : strbuf_str(&known));
            strbuf_free(&known);
            errors++;
            continue;
        }
        int shape = docx_list_check(slot, def->item, def->groups, file, part, diags);
        errors += shape;
        if (shape)
            continue;
        docx_list list;
        fill_list F = {def, R->D ? &R->D->lists[def - list_defs] : NULL};
        if (R->checking)
            list = (docx_list){(void *)def, (def->groups ? 2u : 1u) * (size_t)slot->parts,
                               check_is_group, check_field};
        else
            list = (docx_list){&F, F.rows->n, fill_is_group, fill_field};
        docx_list_expand(slot, &list, def->item, &R->global, file, part, &found);
        errors += take_diags(diags, &found, R, def);
    }
    docx_list_slots_free(&slots);
    docx_repair_part(doc);
    return errors;
}

/* ------------------------------------------------------------ the API */

void clasm_memo_template_free(clasm_memo_template *tpl)
{
    if (!tpl)
        return;
    pkg_free(tpl->pkg);
    free(tpl);
}

clasm_status clasm_memo_template_open(const char *path, clasm_memo_template **out,
                                      clasm_diags *diags)
{
    *out = NULL;
    size_t first = diags ? diags->count : 0;
    clasm_memo_template *tpl = calloc(1, sizeof *tpl);
    if (!tpl) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", path, 0, 0,
                "out of memory while opening the memo template");
        return CLASM_E_IO;
    }
    clasm_status st = pkg_open(path, &tpl->pkg, diags);
    if (st != CLASM_OK) {
        free(tpl);
        return st;
    }
    const char *file = pkg_name(tpl->pkg);
    size_t ctlen = 0;
    if (!pkg_bytes(tpl->pkg, "[Content_Types].xml", &ctlen)) {
        diag_part(diags, CLASM_SEV_ERROR, "no-content-types", file, NULL, 0,
                  "the package has no [Content_Types].xml, which every Word document has; "
                  "save it again from Word or LibreOffice");
        clasm_memo_template_free(tpl);
        return CLASM_E_INPUT;
    }
    tpl->nparts = docx_fill_parts(tpl->pkg, tpl->parts, MAX_PARTS);
    if (tpl->nparts == 0 || tpl->nparts == MAX_PARTS) {
        if (tpl->nparts == 0)
            diag_part(diags, CLASM_SEV_ERROR, "no-main-part", file, NULL, 0,
                      "the template has no main document part");
        else
            diag_part(diags, CLASM_SEV_ERROR, "too-many-parts", file, NULL, 0,
                      "the template has %u or more headers, footers, footnotes and endnotes "
                      "parts; at most %u are accepted",
                      MAX_PARTS, MAX_PARTS - 1);
        clasm_memo_template_free(tpl);
        return CLASM_E_INPUT;
    }
    render_ctx R = {1, NULL, NULL, {NULL, check_global}, NULL};
    int errors = 0;
    for (size_t i = 0; i < tpl->nparts; i++) {
        size_t len = 0;
        const unsigned char *bytes = pkg_bytes(tpl->pkg, tpl->parts[i], &len);
        xmlDocPtr doc = bytes ? pkg_parse_xml_bytes(bytes, len, file, tpl->parts[i], diags) : NULL;
        if (!doc) {
            if (!bytes)
                diag_part(diags, CLASM_SEV_ERROR, "missing-part", file, tpl->parts[i], 0,
                          "the template names the part %s but does not hold it", tpl->parts[i]);
            errors++;
            continue;
        }
        errors += render_part(doc, file, tpl->parts[i], i == 0, &R, diags);
        xmlFreeDoc(doc);
    }
    if (errors) {
        clasm_memo_template_free(tpl);
        return pkg_failure_status(diags, first);
    }
    *out = tpl;
    return CLASM_OK;
}

clasm_status clasm_memo_buffer(const clasm_memo_template *tpl, const clasm_library *lib,
                               const clasm_deal *deal, const clasm_plan *const *plans,
                               size_t nplans, unsigned char **out, size_t *len, clasm_diags *diags)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!tpl || !lib || !deal || !plans || nplans == 0 || nplans > CLASM_DOC_COUNT || !out ||
        !len || !diags)
        return CLASM_E_USAGE;
    for (size_t p = 0; p < nplans; p++)
        if (!plans[p])
            return CLASM_E_USAGE;
    const char *file = pkg_name(tpl->pkg);
    size_t first = diags->count;
    memo_data D;
    memset(&D, 0, sizeof D);
    gatherer G = {lib, deal, plans, nplans, {0}, &D, NULL, 0};
    gather(&G);
    pkg_edit *e = D.oom ? NULL : pkg_edit_new(tpl->pkg);
    if (!e) {
        data_free(&D);
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", file, 0, 0,
                "out of memory while writing the memo");
        return CLASM_E_IO;
    }
    memo_values V = {lib, deal, plans[0], &D, NULL, 0, 0, diags, 0};
    memo_facts facts = {lib, deal, plans[0]};
    render_ctx R = {0, memo_eval, &facts, {&V, memo_value}, &D};
    int errors = 0;
    size_t errors_before = clasm_diags_errors(diags);
    for (size_t i = 0; i < tpl->nparts; i++) {
        /* The edit's own tree of the part, rendered in place. */
        xmlDocPtr doc = pkg_edit_xml(e, tpl->parts[i], diags);
        if (!doc) {
            errors++;
            continue;
        }
        errors += render_part(doc, file, tpl->parts[i], i == 0, &R, diags);
        if (errors == 0)
            pkg_edit_changed(e, tpl->parts[i]);
    }
    if (V.oom) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", file, 0, 0,
                "out of memory while writing the deal's values");
        errors++;
    }
    memo_values_free(&V);
    data_free(&D);
    clasm_status st = CLASM_OK;
    if (errors > 0 || clasm_diags_errors(diags) > errors_before)
        st = pkg_failure_status(diags, first);
    else
        st = pkg_edit_bytes(e, out, len, file, diags);
    pkg_edit_free(e);
    return st;
}

clasm_status clasm_memo_write(const clasm_memo_template *tpl, const clasm_library *lib,
                              const clasm_deal *deal, const clasm_plan *const *plans, size_t nplans,
                              const char *out_path, clasm_diags *diags)
{
    if (!tpl || !out_path)
        return CLASM_E_USAGE;
    /* A destination that cannot be written is found before the work. */
    clasm_status s = pkg_check_destination(tpl->pkg, out_path, diags);
    if (s != CLASM_OK)
        return s;
    unsigned char *bytes = NULL;
    size_t len = 0;
    s = clasm_memo_buffer(tpl, lib, deal, plans, nplans, &bytes, &len, diags);
    if (s == CLASM_OK)
        s = clasm_write_file(out_path, bytes, len, diags);
    free(bytes);
    return s;
}
