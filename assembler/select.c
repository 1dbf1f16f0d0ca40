/* Selection: which clauses of the library a deal's document gets, and why.
 * Rules (clauses/README.md): a clause is chosen when the document is in its
 * documents, an address matches a deal risk or its `when` holds, and the
 * tier is at least its min_tier; then requires (transitive), replaces,
 * excludes; ordered by category order, order, id. */
#include "deal.h"
#include "diag.h"
#include "library.h"
#include "glossary.h"
#include "plan.h"
#include "strbuf.h"
#include "strfmt.h"
#include "values.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int chosen;
    int dropped; /* replaced by another chosen clause */
    char **reasons;
    size_t nreasons;
} sel;

typedef struct {
    const clasm_library *lib;
    sel *s;
    clasm_plan *plan;
    int oom;
} selector;

/* Appends an owned string to a list unless it is there already; takes s. */
static int push_unique(char ***list, size_t *n, char *s)
{
    if (!s)
        return 0;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i], s) == 0) {
            free(s);
            return 1;
        }
    char **v = realloc(*list, (*n + 1) * sizeof *v);
    if (!v) {
        free(s);
        return 0;
    }
    v[(*n)++] = s;
    *list = v;
    return 1;
}

static void reason(selector *S, size_t i, char *text)
{
    if (!push_unique(&S->s[i].reasons, &S->s[i].nreasons, text))
        S->oom = 1;
}

static void note(selector *S, char *text)
{
    if (!push_unique(&S->plan->notes, &S->plan->nnotes, text))
        S->oom = 1;
}

static size_t index_of(const clasm_library *lib, const lib_clause *c)
{
    return (size_t)(c - lib->clauses);
}

static int addresses_risk(const lib_clause *c, const char *risk)
{
    for (size_t a = 0; a < c->naddresses; a++)
        if (expr_glob_match(c->addresses[a], risk))
            return 1;
    return 0;
}

static const char required_by[] = "required by ";
static const char when_prefix[] = "when: ";

/* Adds counsel's wording of the clause's condition for this deal to the
 * item's reasons: the words of each case that holds (env), a reason each;
 * when none does (the cases do not cover the condition), every case's
 * words as one reason, joined by "or". Without cases, its because, or the
 * condition itself (lint warns). 0, or -1 when out of memory. */
static int add_when_words(const lib_clause *c, const char *when_src, const expr_env *env,
                          plan_item *it)
{
    if (!c->nbecause_cases) {
        char *text =
            c->because ? strdup(c->because) : str_printf("the condition '%s' holds", when_src);
        return push_unique(&it->because, &it->nbecause, text) ? 0 : -1;
    }
    size_t held = 0;
    for (size_t k = 0; k < c->nbecause_cases; k++) {
        const lib_because_case *bc = &c->because_cases[k];
        if (!bc->cond || expr_eval(bc->cond, env) != 1)
            continue;
        held++;
        if (!push_unique(&it->because, &it->nbecause, strdup(bc->words)))
            return -1;
    }
    if (held)
        return 0;
    strbuf b = {0};
    for (size_t k = 0; k < c->nbecause_cases; k++)
        strbuf_addf(&b, "%s%s", k ? "; or " : "", c->because_cases[k].words);
    return push_unique(&it->because, &it->nbecause, strbuf_take(&b)) ? 0 : -1;
}

/* Fills the item's plain-English reasons from its reasons: a risk id
 * becomes the risk's title, "when: ..." counsel's wording of the clause's
 * condition for the deal (when_words), "required by X" the title of X
 * among what it supports. 0, or -1 when out of memory. */
static int explain(const clasm_library *lib, const lib_clause *c, plan_item *it,
                   const expr_env *env)
{
    if (it->nreasons == 0)
        return 0;
    it->supports = calloc(it->nreasons, sizeof *it->supports);
    if (!it->supports)
        return -1;
    for (size_t r = 0; r < it->nreasons; r++) {
        const char *why = it->reasons[r];
        if (strncmp(why, required_by, sizeof required_by - 1) == 0) {
            const lib_clause *by = library_clause(lib, why + sizeof required_by - 1);
            const char *title = by && by->title ? by->title : why + sizeof required_by - 1;
            int seen = 0;
            for (size_t k = 0; k < it->nsupports && !seen; k++)
                seen = strcmp(it->supports[k], title) == 0;
            if (!seen)
                it->supports[it->nsupports++] = title;
            continue;
        }
        if (strncmp(why, when_prefix, sizeof when_prefix - 1) == 0) {
            if (add_when_words(c, why + sizeof when_prefix - 1, env, it) != 0)
                return -1;
            continue;
        }
        const lib_risk *risk = library_risk(lib, why);
        char *text = strdup(risk && risk->title ? risk->title : why);
        if (!push_unique(&it->because, &it->nbecause, text))
            return -1;
    }
    return 0;
}

/* Drops every chosen clause that another chosen clause replaces. */
static void apply_replaces(selector *S)
{
    const clasm_library *lib = S->lib;
    for (size_t i = 0; i < lib->nclauses; i++) {
        if (!S->s[i].chosen)
            continue;
        const lib_clause *c = &lib->clauses[i];
        for (size_t r = 0; r < c->nreplaces; r++) {
            const lib_clause *t = library_clause(lib, c->replaces[r]);
            if (!t)
                continue;
            size_t j = index_of(lib, t);
            if (S->s[j].chosen && !S->s[j].dropped) {
                S->s[j].dropped = 1;
                note(S, str_printf("%s replaced by %s", t->id, c->id));
            }
        }
    }
}

/* Pulls in required clauses transitively, saying which clause pulled each. */
static void apply_requires(selector *S, clasm_document doc)
{
    const clasm_library *lib = S->lib;
    size_t *queue = malloc((lib->nclauses + 1) * sizeof *queue);
    if (!queue) {
        S->oom = 1;
        return;
    }
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < lib->nclauses; i++)
        if (S->s[i].chosen && !S->s[i].dropped)
            queue[tail++] = i;
    while (head < tail) {
        const lib_clause *c = &lib->clauses[queue[head++]];
        for (size_t r = 0; r < c->nrequires; r++) {
            const lib_clause *t = library_clause(lib, c->requires[r]);
            if (!t || !(t->documents & (1u << doc)))
                continue;
            size_t j = index_of(lib, t);
            if (S->s[j].dropped)
                continue; /* its replacement is in the plan */
            reason(S, j, str_printf("%s%s", required_by, c->id));
            if (!S->s[j].chosen) {
                S->s[j].chosen = 1;
                queue[tail++] = j;
            }
        }
    }
    free(queue);
}

static char *join_reasons(const sel *s)
{
    size_t len = 1;
    for (size_t i = 0; i < s->nreasons; i++)
        len += strlen(s->reasons[i]) + 2;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < s->nreasons; i++) {
        if (i)
            strcat(out, "; ");
        strcat(out, s->reasons[i]);
    }
    return out;
}

static void check_excludes(selector *S, clasm_diags *diags)
{
    const clasm_library *lib = S->lib;
    for (size_t i = 0; i < lib->nclauses; i++) {
        if (!S->s[i].chosen || S->s[i].dropped)
            continue;
        const lib_clause *a = &lib->clauses[i];
        for (size_t x = 0; x < a->nexcludes; x++) {
            const lib_clause *b = library_clause(lib, a->excludes[x]);
            if (!b)
                continue;
            size_t j = index_of(lib, b);
            if (!S->s[j].chosen || S->s[j].dropped)
                continue;
            /* When both exclude each other, report the pair once. */
            int mutual = 0;
            for (size_t y = 0; y < b->nexcludes; y++)
                if (strcmp(b->excludes[y], a->id) == 0)
                    mutual = 1;
            if (mutual && j < i)
                continue;
            char *ra = join_reasons(&S->s[i]);
            char *rb = join_reasons(&S->s[j]);
            const yt_node *it =
                a->excludes_node && x < a->excludes_node->count ? a->excludes_node->items[x] : NULL;
            diag_at(diags, CLASM_SEV_ERROR, "clause-conflict", a->file, it ? it->line : a->line,
                    it ? it->column : a->column,
                    "%s excludes %s, but both were chosen for the %s: %s because %s; %s because "
                    "%s",
                    a->id, b->id, clasm_document_name(S->plan->document), a->id, ra ? ra : "?",
                    b->id, rb ? rb : "?");
            free(ra);
            free(rb);
        }
    }
}

/* Document order: category order, then order, then id (ids are unique, so
 * the order is total and stable). */
static int cmp_items(const void *x, const void *y)
{
    const lib_clause *a = *(const lib_clause *const *)x, *b = *(const lib_clause *const *)y;
    if (a->category_index != b->category_index)
        return a->category_index < b->category_index ? -1 : 1;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* Deal risks must name catalogue ids. Returns the number of unknown ones. */
static size_t check_deal_risks(const clasm_library *lib, const clasm_deal *deal, clasm_diags *diags)
{
    size_t bad = 0;
    for (size_t i = 0; i < deal->nrisks; i++) {
        const deal_risk *r = &deal->risks[i];
        if (library_risk(lib, r->id))
            continue;
        bad++;
        const char *s = yt_suggest(r->id, lib->risk_ids, lib->nrisks);
        diag_at(diags, CLASM_SEV_ERROR, "unknown-risk", deal->file, r->line, r->column,
                "risks[%zu]: '%s' is not a risk in the catalogue (%s/risks.yaml)%s%s%s", i, r->id,
                lib->dir, s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
    }
    return bad;
}

const char *const plan_decisions[] = {"undecided", "accepted", "dismissed", NULL};

/* Dismissals must name catalogue risks the deal does not also list.
 * Returns the number of problems. */
static size_t check_dismissals(const clasm_library *lib, const clasm_deal *deal, clasm_diags *diags)
{
    size_t bad = 0;
    for (size_t i = 0; i < deal->ndismissed; i++) {
        const deal_dismissal *d = &deal->dismissed[i];
        if (!library_risk(lib, d->risk)) {
            bad++;
            const char *s = yt_suggest(d->risk, lib->risk_ids, lib->nrisks);
            diag_at(diags, CLASM_SEV_ERROR, "unknown-risk", deal->file, d->line, d->column,
                    "dismissed[%zu]: '%s' is not a risk in the catalogue (%s/risks.yaml)%s%s%s", i,
                    d->risk, lib->dir, s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
            continue;
        }
        for (size_t r = 0; r < deal->nrisks; r++)
            if (strcmp(deal->risks[r].id, d->risk) == 0) {
                bad++;
                diag_at(diags, CLASM_SEV_ERROR, "dismissed-and-listed", deal->file, d->line,
                        d->column,
                        "dismissed[%zu]: '%s' is also listed under risks (line %d); a risk is "
                        "either carried or dismissed, not both",
                        i, d->risk, deal->risks[r].line);
                break;
            }
    }
    return bad;
}

static const deal_dismissal *dismissal_of(const clasm_deal *deal, const char *risk)
{
    for (size_t i = 0; i < deal->ndismissed; i++)
        if (strcmp(deal->dismissed[i].risk, risk) == 0)
            return &deal->dismissed[i];
    return NULL;
}

static int push_suggestion(clasm_plan *plan, const lib_risk *r, int suggested,
                           const clasm_deal *deal)
{
    plan_suggestion *g = &plan->suggestions[plan->nsuggestions];
    const deal_dismissal *d = dismissal_of(deal, r->id);
    int listed = 0;
    for (size_t i = 0; i < deal->nrisks && !listed; i++)
        listed = strcmp(deal->risks[i].id, r->id) == 0;
    memset(g, 0, sizeof *g);
    g->risk = r->id;
    g->title = r->title;
    g->reason = r->suggest_reason;
    g->suggested = suggested;
    g->weight = r->weight;
    g->decision = listed ? SUGGEST_ACCEPTED : d ? SUGGEST_DISMISSED : SUGGEST_UNDECIDED;
    plan->nsuggestions++; /* freed with the plan from here on */
    if (d && (!(g->dismissal = strdup(d->reason)) || !(g->by = strdup(d->by)) ||
              !(g->date = strdup(d->date)) ||
              (d->confirmed_by && !(g->confirmed_by = strdup(d->confirmed_by)))))
        return -1;
    return 0;
}

/* The risks the deal's facts suggest, each with what the deal decided, and
 * the dismissals of risks they do not suggest (kept in the record). An
 * undecided suggestion is a warning. 0, or -1 when out of memory. */
static int suggest_risks(const clasm_library *lib, const clasm_deal *deal, const expr_env *env,
                         clasm_plan *plan, clasm_diags *diags)
{
    plan->suggestions = calloc(lib->nrisks + deal->ndismissed + 1, sizeof *plan->suggestions);
    if (!plan->suggestions)
        return -1;
    for (size_t i = 0; i < lib->nrisks; i++) {
        const lib_risk *r = &lib->risks[i];
        if (!r->suggest || !expr_eval(r->suggest, env))
            continue;
        if (push_suggestion(plan, r, 1, deal) != 0)
            return -1;
        if (plan->suggestions[plan->nsuggestions - 1].decision == SUGGEST_UNDECIDED)
            diag_at(diags, CLASM_SEV_WARNING, "risk-suggested", deal->file, 0, 0,
                    "the deal's facts suggest the risk '%s' (%s): %s; list it under risks, or "
                    "dismiss it under dismissed with a reason and who decided",
                    r->id, r->title, r->suggest_reason);
    }
    for (size_t i = 0; i < deal->ndismissed; i++) {
        const lib_risk *r = library_risk(lib, deal->dismissed[i].risk);
        int found = 0;
        for (size_t k = 0; k < plan->nsuggestions && !found; k++)
            found = plan->suggestions[k].risk == r->id;
        if (!found && push_suggestion(plan, r, 0, deal) != 0)
            return -1;
    }
    /* The score and tier the deal would have with the risks it dismissed:
     * a dismissal that keeps a deal from escalating needs counsel's
     * confirmation on record. */
    plan->score_with_dismissed = plan->score;
    for (size_t i = 0; i < deal->ndismissed; i++)
        plan->score_with_dismissed += library_risk(lib, deal->dismissed[i].risk)->weight;
    plan->tier_with_dismissed = plan->tier_rank;
    for (size_t t = 0; t < lib->ntiers; t++)
        if (lib->tiers[t].min_score <= plan->score_with_dismissed)
            plan->tier_with_dismissed = (int)t;
    plan->tier_with_dismissed_id = lib->ntiers ? lib->tiers[plan->tier_with_dismissed].id : "";
    int avoids = lib->ntiers && plan->tier_with_dismissed > plan->tier_rank &&
                 lib->tiers[plan->tier_with_dismissed].escalate && !plan->escalate;
    /* A dismissed risk that escalates by itself keeps the deal from counsel
     * too, whatever the score. */
    const lib_risk *escalating = NULL;
    for (size_t i = 0; i < deal->ndismissed && !escalating; i++)
        if (library_risk(lib, deal->dismissed[i].risk)->escalate && !plan->escalate)
            escalating = library_risk(lib, deal->dismissed[i].risk);
    size_t unconfirmed = 0;
    for (size_t i = 0; i < deal->ndismissed; i++)
        unconfirmed += !deal->dismissed[i].confirmed_by;
    if (escalating && !avoids && unconfirmed)
        diag_at(diags, CLASM_SEV_WARNING, "dismissal-avoids-escalation", deal->file,
                deal->dismissed[0].line, deal->dismissed[0].column,
                "the deal dismisses '%s', which escalates to counsel whatever the tier: counsel "
                "must confirm each dismissal (confirmed_by), and %zu of %zu are not confirmed",
                escalating->id, unconfirmed, deal->ndismissed);
    else if (avoids && unconfirmed)
        diag_at(diags, CLASM_SEV_WARNING, "dismissal-avoids-escalation", deal->file,
                deal->dismissed[0].line, deal->dismissed[0].column,
                "with the risks it dismisses the deal would score %ld, tier '%s', which escalates "
                "to counsel; the dismissals keep it at '%s': counsel must confirm each one "
                "(confirmed_by), and %zu of %zu are not confirmed",
                plan->score_with_dismissed, lib->tiers[plan->tier_with_dismissed].id,
                lib->tiers[plan->tier_rank].id, unconfirmed, deal->ndismissed);
    return 0;
}

void clasm_plan_free(clasm_plan *plan)
{
    if (!plan)
        return;
    for (size_t i = 0; i < plan->nsuggestions; i++) {
        free(plan->suggestions[i].dismissal);
        free(plan->suggestions[i].by);
        free(plan->suggestions[i].date);
        free(plan->suggestions[i].confirmed_by);
        free(plan->suggestions[i].owned_reason);
    }
    free(plan->suggestions);
    for (size_t i = 0; i < plan->nitems; i++) {
        for (size_t r = 0; r < plan->items[i].nreasons; r++)
            free(plan->items[i].reasons[r]);
        free(plan->items[i].reasons);
        for (size_t r = 0; r < plan->items[i].nbecause; r++)
            free(plan->items[i].because[r]);
        free(plan->items[i].because);
        free(plan->items[i].supports);
    }
    free(plan->items);
    for (size_t i = 0; i < plan->nuncovered; i++)
        free(plan->uncovered[i]);
    free(plan->uncovered);
    for (size_t i = 0; i < plan->nnotes; i++)
        free(plan->notes[i]);
    free(plan->notes);
    free(plan->deal_id);
    free(plan->tier);
    free(plan->library_fingerprint);
    free(plan->defaults);
    for (size_t i = 0; i < plan->nmissing; i++) {
        clasm_missing *m = &plan->missing[i];
        for (size_t u = 0; u < m->nused_by; u++)
            free(m->used_by[u]);
        free(m->used_by);
        free(m->key);
        free(m->first_use);
        free(m->file);
        free(m->part);
    }
    free(plan->missing);
    free(plan);
}

static void free_sel(sel *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++) {
        for (size_t r = 0; r < s[i].nreasons; r++)
            free(s[i].reasons[r]);
        free(s[i].reasons);
    }
    free(s);
}

int plan_add_missing(clasm_plan *plan, const clasm_library *lib, const char *path, const char *who,
                     const char *first_use, const char *file, int line, const char *part,
                     int paragraph)
{
    clasm_missing *m = NULL;
    for (size_t i = 0; i < plan->nmissing && !m; i++)
        if (strcmp(plan->missing[i].key, path) == 0)
            m = &plan->missing[i];
    if (!m) {
        clasm_missing *grown = realloc(plan->missing, (plan->nmissing + 1) * sizeof *grown);
        if (!grown)
            return -1;
        plan->missing = grown;
        m = &plan->missing[plan->nmissing];
        memset(m, 0, sizeof *m);
        m->key = strdup(path);
        m->first_use = strdup(first_use);
        m->file = file ? strdup(file) : NULL;
        m->line = line;
        m->part = part ? strdup(part) : NULL;
        m->paragraph = paragraph;
        if (!m->key || !m->first_use || (file && !m->file) || (part && !m->part)) {
            free(m->key);
            free(m->first_use);
            free(m->file);
            free(m->part);
            return -1;
        }
        plan->nmissing++;
        if (strncmp(path, "terms.", 6) == 0) {
            for (size_t t = 0; t < lib->nterms && !m->description; t++)
                if (strcmp(lib->terms[t].key, path + 6) == 0)
                    m->description = lib->terms[t].description;
        } else {
            const deal_field *f = deal_field_find(path);
            m->description = f ? f->description : NULL;
        }
    }
    for (size_t i = 0; i < m->nused_by; i++)
        if (strcmp(m->used_by[i], who) == 0)
            return 0;
    char **v = realloc(m->used_by, (m->nused_by + 1) * sizeof *v);
    if (!v)
        return -1;
    m->used_by = v;
    if (!(v[m->nused_by] = strdup(who)))
        return -1;
    m->nused_by++;
    return 0;
}

size_t clasm_plan_missing(const clasm_plan *plan, const clasm_missing **out)
{
    if (out)
        *out = plan ? plan->missing : NULL;
    return plan ? plan->nmissing : 0;
}

size_t clasm_plan_missing_diags(const clasm_plan *plan, const clasm_deal *deal, clasm_severity sev,
                                clasm_diags *diags)
{
    for (size_t i = 0; i < plan->nmissing; i++) {
        const clasm_missing *m = &plan->missing[i];
        char at[300] = "";
        if (m->file && m->line > 0)
            snprintf(at, sizeof at, " (at %.240s:%d)", m->file, m->line);
        else if (m->file && m->part && m->paragraph > 0)
            snprintf(at, sizeof at, " (at %.200s: %.60s, paragraph %d)", m->file, m->part,
                     m->paragraph);
        char also[200] = "";
        if (m->nused_by > 1)
            snprintf(also, sizeof also, "; %zu texts use it", m->nused_by);
        diag_at(diags, sev, "missing-value", deal ? deal->file : NULL, 0, 0,
                "%s %s, fills in {{ %s }}, which this deal does not give%s; "
                "add it to the deal%s%s%s%s",
                m->first_use, clasm_document_name(plan->document), m->key,
                strncmp(m->key, "terms.", 6) == 0 ? " (under terms:)" : "", at, also,
                m->description ? "; what it is: " : "", m->description ? m->description : "");
    }
    return plan->nmissing;
}

/* The values the chosen texts fill in that the deal lacks, each with the
 * texts that need it. */
typedef struct {
    const clasm_library *lib;
    const clasm_deal *deal;
    clasm_plan *plan;
    int oom;
} missing_ctx;

static void missing_in(missing_ctx *M, const ct_tree *t, const char *who, const char *first_use,
                       const char *file, int line)
{
    for (size_t b = 0; t && b < t->nblocks; b++) {
        if (t->blocks[b].definitions)
            continue;
        for (size_t k = 0; k < t->blocks[b].nspans; k++) {
            const ct_span *g = &t->blocks[b].spans[k];
            if (g->kind == CT_VALUE)
                plan_default_printed(M->plan, M->lib, g->text);
            if (g->kind != CT_VALUE || deal_field_has(g->text, DF_PLAN) ||
                values_raw(M->lib, M->deal, g->text, NULL)) /* a default counts */
                continue;
            if (plan_add_missing(M->plan, M->lib, g->text, who, first_use, file,
                                 g->line ? g->line : line, NULL, 0) != 0)
                M->oom = 1;
        }
    }
}

/* The values the chosen clauses, and the definitions of the terms they
 * use, fill in: a deal that lacks one (a term such as
 * terms.grievance_email) cannot be assembled yet, so the plan lists it,
 * with every clause that needs it. Returns 0, or -1 when out of memory. */
static int collect_missing_values(const clasm_library *lib, const clasm_deal *deal,
                                  clasm_plan *plan)
{
    missing_ctx M = {lib, deal, plan, 0};
    const lib_clause **chosen = calloc(plan->nitems + 1, sizeof *chosen);
    if (!chosen)
        return -1;
    for (size_t k = 0; k < plan->nitems; k++) {
        const lib_clause *c = plan->items[k].clause;
        chosen[k] = c;
        char first[160];
        snprintf(first, sizeof first, "the clause %.120s, chosen for the", plan->items[k].id);
        if (c)
            missing_in(&M, plan_item_tree(&plan->items[k]), plan->items[k].id, first, c->file,
                       c->line);
    }
    size_t n = 0;
    glossary_use *g = glossary_for(lib, chosen, plan->nitems, &n, NULL, NULL);
    for (size_t i = 0; g && i < n; i++) {
        char first[256];
        snprintf(first, sizeof first, "the definition of %.80s (in %.100s), chosen for the",
                 g[i].def->term, g[i].owner->id);
        missing_in(&M, g[i].def->tree, g[i].owner->id, first, g[i].owner->file, g[i].def->line);
    }
    int oom = M.oom || !g;
    free(g);
    free(chosen);
    return oom ? -1 : 0;
}

const ct_tree *plan_item_tree(const plan_item *it)
{
    const lib_clause *c = it->clause;
    if (!c)
        return NULL;
    if (it->position > 0 && (size_t)it->position <= c->nfallbacks)
        return c->fallbacks[it->position - 1].tree;
    return c->tree;
}

/* The deal's positions: each names a negotiable clause, one of its
 * fallbacks, allowed at the deal's tier; the plan's item draws it. */
static int apply_positions(const clasm_library *lib, const clasm_deal *deal, clasm_plan *plan,
                           clasm_diags *diags)
{
    for (size_t i = 0; i < deal->npositions; i++) {
        const deal_position *p = &deal->positions[i];
        const lib_clause *c = library_clause(lib, p->clause);
        if (!c) {
            const char **ids = calloc(lib->nclauses + 1, sizeof *ids);
            for (size_t k = 0; ids && k < lib->nclauses; k++)
                ids[k] = lib->clauses[k].id;
            const char *s = ids ? yt_suggest(p->clause, ids, lib->nclauses) : NULL;
            diag_at(diags, CLASM_SEV_ERROR, "unknown-clause", deal->file, p->line, p->column,
                    "positions: the library has no clause '%s'%s%s%s", p->clause,
                    s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
            free(ids);
            continue;
        }
        if (!c->negotiable || c->nfallbacks == 0) {
            diag_at(diags, CLASM_SEV_ERROR, "not-negotiable", deal->file, p->line, p->column,
                    "positions: the clause %s (%s) %s, so the deal can only take its standard "
                    "text",
                    c->id, c->title,
                    !c->negotiable ? "is not negotiable" : "has no approved fallback");
            continue;
        }
        if ((size_t)p->fallback > c->nfallbacks) {
            diag_at(diags, CLASM_SEV_ERROR, "unknown-fallback", deal->file, p->line, p->column,
                    "positions: the clause %s has %zu approved fallback%s, not %d", c->id,
                    c->nfallbacks, c->nfallbacks == 1 ? "" : "s", p->fallback);
            continue;
        }
        const lib_fallback *f = &c->fallbacks[p->fallback - 1];
        if (f->max_tier >= 0 && plan->tier_rank > f->max_tier) {
            diag_at(diags, CLASM_SEV_ERROR, "position-not-allowed", deal->file, p->line, p->column,
                    "positions: fallback %d of %s may not be agreed above the %s tier, and this "
                    "deal is at the %s tier; draw the standard text or a fallback allowed there",
                    p->fallback, c->id, f->max_tier_id, plan->tier);
            continue;
        }
        for (size_t k = 0; k < plan->nitems; k++) {
            plan_item *it = &plan->items[k];
            if (it->clause != c)
                continue;
            it->position = p->fallback;
            /* Said with its reasons, in the plan and the memo. */
            char **g = realloc(it->because, (it->nbecause + 1) * sizeof *g);
            char *words = g ? str_printf("drafted in its approved fallback %d, which the deal "
                                         "chose (%s approves it)",
                                         p->fallback, f->approver_title)
                            : NULL;
            if (g)
                it->because = g;
            if (!words)
                return -1;
            it->because[it->nbecause++] = words;
        }
    }
    return 0;
}

clasm_status clasm_select(const clasm_library *lib, const clasm_deal *deal, clasm_document doc,
                          clasm_plan **out, clasm_diags *diags)
{
    *out = NULL;
    if ((int)doc < 0 || doc >= CLASM_DOC_COUNT)
        return CLASM_E_USAGE;
    /* Risk ids, countries, capabilities and term values: all reported. */
    size_t bad = check_deal_risks(lib, deal, diags);
    bad += check_dismissals(lib, deal, diags);
    bad += values_check_deal(lib, deal, diags);
    if (bad)
        return CLASM_E_INPUT;

    clasm_plan *plan = calloc(1, sizeof *plan);
    sel *s = calloc(lib->nclauses + 1, sizeof *s);
    if (!plan || !s) {
        free(plan);
        free(s);
        return CLASM_E_IO;
    }
    selector S = {lib, s, plan, 0};
    plan->document = doc;
    plan->deal_id = strdup(deal->id ? deal->id : "");
    plan->library_fingerprint = strdup(lib->fingerprint);
    for (size_t i = 0; i < deal->nrisks; i++) {
        int seen = 0; /* a risk listed twice counts once */
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(deal->risks[j].id, deal->risks[i].id) == 0;
        if (!seen)
            plan->score += library_risk(lib, deal->risks[i].id)->weight;
    }
    plan->tier_rank = 0;
    for (size_t t = 0; t < lib->ntiers; t++)
        if (lib->tiers[t].min_score <= plan->score)
            plan->tier_rank = (int)t;
    plan->tier = strdup(lib->ntiers ? lib->tiers[plan->tier_rank].id : "");
    plan->customer_profile_as_of =
        countries_as_of(countries_find(&lib->countries, deal->customer.country));
    plan->reseller_profile_as_of =
        deal->has_reseller
            ? countries_as_of(countries_find(&lib->countries, deal->reseller.country))
            : NULL;
    plan->escalate = lib->ntiers ? lib->tiers[plan->tier_rank].escalate : 0;
    if (!plan->deal_id || !plan->library_fingerprint || !plan->tier)
        S.oom = 1;

    facts_env fe;
    if (facts_env_init(&fe, lib, deal, doc, plan->tier_rank, plan->score) != 0) {
        free_sel(s, lib->nclauses);
        clasm_plan_free(plan);
        return CLASM_E_IO;
    }
    for (size_t i = 0; i < lib->nclauses; i++) {
        const lib_clause *c = &lib->clauses[i];
        if (!(c->documents & (1u << doc)) || plan->tier_rank < c->min_tier)
            continue;
        for (size_t r = 0; r < deal->nrisks; r++)
            if (addresses_risk(c, deal->risks[r].id)) {
                s[i].chosen = 1;
                reason(&S, i, strdup(deal->risks[r].id));
            }
        if (c->when && expr_eval(c->when, &fe.env)) {
            s[i].chosen = 1;
            reason(&S, i, str_printf("%s%s", when_prefix, c->when_src));
        }
    }

    apply_replaces(&S);
    apply_requires(&S, doc);
    apply_replaces(&S);
    size_t errors_before = clasm_diags_errors(diags);
    check_excludes(&S, diags);

    /* The plan's items, in document order. */
    const lib_clause **order = calloc(lib->nclauses + 1, sizeof *order);
    size_t n = 0;
    if (!order)
        S.oom = 1;
    for (size_t i = 0; order && i < lib->nclauses; i++)
        if (s[i].chosen && !s[i].dropped)
            order[n++] = &lib->clauses[i];
    if (n)
        qsort(order, n, sizeof *order, cmp_items);
    plan->items = calloc(n + 1, sizeof *plan->items);
    if (!plan->items)
        S.oom = 1;
    for (size_t k = 0; plan->items && k < n; k++) {
        const lib_clause *c = order[k];
        size_t i = index_of(lib, c);
        plan_item *it = &plan->items[plan->nitems++];
        it->id = c->id;
        it->version = c->version;
        it->category = c->category;
        it->title = c->title;
        it->text = c->text;
        it->clause = c;
        it->reasons = s[i].reasons; /* moves ownership */
        it->nreasons = s[i].nreasons;
        s[i].reasons = NULL;
        s[i].nreasons = 0;
        if (explain(lib, c, it, &fe.env) != 0)
            S.oom = 1;
    }
    free(order);
    if (suggest_risks(lib, deal, &fe.env, plan, diags) != 0)
        S.oom = 1;
    facts_env_free(&fe);
    if (plan->tier && apply_positions(lib, deal, plan, diags) != 0)
        S.oom = 1;

    /* Coverage: every deal risk that matters for this document. */
    for (size_t r = 0; r < deal->nrisks; r++) {
        const lib_risk *risk = library_risk(lib, deal->risks[r].id);
        if (!(risk->documents & (1u << doc)))
            continue;
        int covered = 0;
        for (size_t k = 0; k < plan->nitems && !covered; k++)
            covered = addresses_risk(library_clause(lib, plan->items[k].id), risk->id);
        if (covered)
            continue;
        size_t before = plan->nuncovered;
        if (!push_unique(&plan->uncovered, &plan->nuncovered, strdup(risk->id)))
            S.oom = 1;
        if (plan->nuncovered > before)
            diag_at(diags, CLASM_SEV_WARNING, "uncovered-risk", deal->file, deal->risks[r].line,
                    deal->risks[r].column,
                    "risk '%s' is not addressed by any clause chosen for the %s; add or adapt "
                    "a clause that addresses it, or have counsel review the draft",
                    risk->id, clasm_document_name(doc));
    }
    /* The terms whose value is the library's default: those the chosen
     * texts print are marked as the missing values are collected. */
    plan->defaults = calloc(lib->nterms + 1, sizeof *plan->defaults);
    if (!plan->defaults)
        S.oom = 1;
    for (size_t i = 0; plan->defaults && i < lib->nterms; i++) {
        const lib_term *t = &lib->terms[i];
        int given = 0;
        for (size_t k = 0; k < deal->nterms && !given; k++)
            given = strcmp(deal->terms[k].key, t->key) == 0;
        if (t->default_value && !given)
            plan->defaults[plan->ndefaults++] =
                (plan_default){t->key, t->default_value, t->label, 0};
    }
    if (collect_missing_values(lib, deal, plan) != 0)
        S.oom = 1;
    if (plan->escalate)
        diag_at(diags, CLASM_SEV_WARNING, "escalate", deal->file, 0, 0,
                "ESCALATE TO COUNSEL BEFORE SIGNING: deal %s scores %ld, which is the top tier "
                "'%s'; the %s draft alone is not enough, counsel must decide whether and on what "
                "conditions the deal may proceed",
                plan->deal_id ? plan->deal_id : "?", plan->score, plan->tier,
                clasm_document_name(doc));
    /* A risk that escalates whatever the score (a restricted party). */
    for (size_t r = 0; r < deal->nrisks && !plan->escalate; r++) {
        const lib_risk *risk = library_risk(lib, deal->risks[r].id);
        if (!risk->escalate)
            continue;
        plan->escalate = 1;
        diag_at(diags, CLASM_SEV_WARNING, "escalate", deal->file, deal->risks[r].line,
                deal->risks[r].column,
                "ESCALATE TO COUNSEL BEFORE SIGNING: deal %s carries the risk '%s' (%s), which "
                "escalates to counsel whatever the deal's tier; the %s draft alone is not enough, "
                "counsel must decide whether and on what conditions the deal may proceed",
                plan->deal_id ? plan->deal_id : "?", risk->id, risk->title,
                clasm_document_name(doc));
    }

    free_sel(s, lib->nclauses);
    if (S.oom) {
        clasm_plan_free(plan);
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", deal->file, 0, 0,
                "ran out of memory while selecting clauses");
        return CLASM_E_IO;
    }
    if (clasm_diags_errors(diags) > errors_before) {
        clasm_plan_free(plan);
        return CLASM_E_INPUT;
    }
    *out = plan;
    return CLASM_OK;
}

clasm_status clasm_check_flow_down(const clasm_library *lib, clasm_plan *const *plans, size_t n,
                                   clasm_diags *diags)
{
    clasm_status st = CLASM_OK;
    for (size_t p = 0; p < n; p++) {
        const clasm_plan *ra = plans[p];
        if (ra->document != CLASM_DOC_RESELLER)
            continue;
        for (size_t q = 0; q < n; q++) {
            const clasm_plan *eula = plans[q];
            if (eula->document != CLASM_DOC_EULA)
                continue;
            for (size_t k = 0; k < ra->nitems; k++) {
                const lib_clause *c = library_clause(lib, ra->items[k].id);
                if (!c || !c->flows_down)
                    continue;
                const plan_item *match = NULL;
                for (size_t e = 0; e < eula->nitems && !match; e++)
                    if (strcmp(eula->items[e].id, c->id) == 0)
                        match = &eula->items[e];
                if (match && match->version == ra->items[k].version)
                    continue;
                st = CLASM_E_INPUT;
                if (match)
                    diag_at(diags, CLASM_SEV_ERROR, "flow-down-gap", c->file, c->line, c->column,
                            "deal %s: the reseller-agreement has %s@%d, which the reseller must "
                            "flow down, but the eula has version %d",
                            ra->deal_id, c->id, ra->items[k].version, match->version);
                else
                    diag_at(diags, CLASM_SEV_ERROR, "flow-down-gap", c->file, c->line, c->column,
                            "deal %s: the reseller-agreement has %s@%d, which the reseller must "
                            "flow down to its customers, but the eula of the same pack lacks it",
                            ra->deal_id, c->id, ra->items[k].version);
            }
        }
    }
    return st;
}
