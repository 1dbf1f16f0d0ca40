/* Restricted-party screening of one deal (clasm.h, "screening"): its
 * parties (customer, reseller, named end users) against the lists the user
 * downloaded, matched by screen.c with the library's threshold and legal
 * forms; each hit paired with the deal's decision on it (screening:). The
 * screening owns copies of everything it reports, so it outlives the lists
 * and the deal. */
#include "clasm.h"

#include "deal.h"
#include "diag.h"
#include "json_text.h"
#include "library.h"
#include "plan.h"
#include "screen.h"
#include "screening.h"
#include "strbuf.h"
#include "strfmt.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *name, *sha256, *date; /* date may be NULL */
    size_t entries;
} scr_list;

typedef struct {
    char *role;  /* "customer", "reseller", "end user" */
    char *party; /* how a decision names it: customer, reseller, or the end user's name */
    char *name;  /* the party's name as the deal writes it */
    size_t list;
    double score, string_score;
    char *entry_name, *matched_name, *id, *source, *entity_number, *programs, *type, *countries,
        *tokens;
    int country;
    /* The deal's decision: none (-1), cleared (0), confirmed (1). */
    int decision;
    char *reason, *by, *date;
} scr_hit;

struct clasm_screening {
    scr_list *lists;
    size_t nlists;
    size_t nparties;
    double threshold;
    scr_hit *hits;
    size_t nhits;
};

clasm_status clasm_screen_list_load(const clasm_library *lib, const char *path,
                                    clasm_screen_list **out, clasm_diags *diags)
{
    return screen_list_load(path, lib ? lib->legal_forms : NULL, out, diags);
}

void clasm_screen_list_free(clasm_screen_list *l)
{
    screen_list_free(l);
}

static void hit_free(scr_hit *h)
{
    char **fields[] = {&h->role,         &h->party, &h->name,      &h->entry_name,
                       &h->matched_name, &h->id,    &h->source,    &h->entity_number,
                       &h->programs,     &h->type,  &h->countries, &h->tokens,
                       &h->reason,       &h->by,    &h->date};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        free(*fields[i]);
}

void clasm_screening_free(clasm_screening *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nlists; i++) {
        free(s->lists[i].name);
        free(s->lists[i].sha256);
        free(s->lists[i].date);
    }
    free(s->lists);
    for (size_t i = 0; i < s->nhits; i++)
        hit_free(&s->hits[i]);
    free(s->hits);
    free(s);
}

/* strdup of a string that may be NULL; *oom set when memory ran out. */
static char *copy(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    *oom |= !d;
    return d;
}

/* The deal's parties, as screen_party and as decisions name them. */
typedef struct {
    screen_party *v;
    const char **keys;
    size_t n;
} parties;

static int deal_parties(const clasm_deal *deal, parties *p)
{
    size_t max = 2 + deal->nend_users;
    p->v = calloc(max, sizeof *p->v);
    p->keys = calloc(max, sizeof *p->keys);
    p->n = 0;
    if (!p->v || !p->keys)
        return -1;
    if (deal->customer.name) {
        p->keys[p->n] = "customer";
        p->v[p->n++] = (screen_party){"customer", deal->customer.name, deal->customer.country};
    }
    if (deal->has_reseller && deal->reseller.name) {
        p->keys[p->n] = "reseller";
        p->v[p->n++] = (screen_party){"reseller", deal->reseller.name, deal->reseller.country};
    }
    for (size_t i = 0; i < deal->nend_users; i++) {
        p->keys[p->n] = deal->end_users[i].name;
        p->v[p->n++] =
            (screen_party){"end user", deal->end_users[i].name, deal->end_users[i].country};
    }
    return 0;
}

/* 1 when decision d is about hit h: the same party, and the entry by its
 * list id or its name (case aside). */
static int decides(const deal_disposition *d, const scr_hit *h)
{
    if (strcmp(d->party, h->party) != 0)
        return 0;
    /* An entry with an id is named by it alone: two listed parties may
     * share a name, and a clearance of one must not clear the other. */
    if (h->id && *h->id)
        return strcmp(d->entry, h->id) == 0;
    return h->entry_name && strcasecmp(d->entry, h->entry_name) == 0;
}

clasm_status clasm_screen(const clasm_library *lib, const clasm_deal *deal,
                          const clasm_screen_list *const *lists, size_t nlists,
                          clasm_screening **out, clasm_diags *diags)
{
    *out = NULL;
    clasm_screening *s = calloc(1, sizeof *s);
    parties P = {0};
    int oom = !s || deal_parties(deal, &P) != 0;
    if (!oom) {
        s->threshold = lib ? lib->screen_threshold : SCREEN_DEFAULT_THRESHOLD;
        s->nparties = P.n;
        s->lists = calloc(nlists + 1, sizeof *s->lists);
        oom = !s->lists;
    }
    /* A decision must name a party of the deal. */
    size_t errors = 0;
    for (size_t i = 0; !oom && i < deal->ndispositions; i++) {
        const deal_disposition *d = &deal->dispositions[i];
        int known = 0;
        for (size_t k = 0; k < P.n && !known; k++)
            known = strcmp(P.keys[k], d->party) == 0;
        if (!known) {
            errors++;
            diag_at(diags, CLASM_SEV_ERROR, "unknown-party", deal->file, d->line, d->column,
                    "screening[%zu].party: '%s' is not a party of this deal: write customer, "
                    "reseller, or the name of one of its end_users as the deal writes it",
                    i, d->party);
        }
    }
    screen_options o = screen_default_options();
    o.threshold = s ? s->threshold : o.threshold;
    for (size_t l = 0; !oom && l < nlists; l++) {
        const screen_list *list = lists[l];
        scr_list *info = &s->lists[s->nlists++];
        info->name = copy(screen_list_name(list), &oom);
        info->sha256 = copy(screen_list_sha256(list), &oom);
        info->date = copy(screen_list_date(list), &oom);
        info->entries = screen_list_count(list);
        screen_hit *hits = NULL;
        size_t nhits = 0;
        if (oom || screen_parties(list, P.v, P.n, &o, &hits, &nhits) != 0) {
            oom = 1;
            break;
        }
        scr_hit *g = nhits ? realloc(s->hits, (s->nhits + nhits) * sizeof *g) : s->hits;
        if (nhits && !g) {
            screen_hits_free(hits, nhits);
            oom = 1;
            break;
        }
        s->hits = g;
        for (size_t k = 0; k < nhits && !oom; k++) {
            const screen_hit *x = &hits[k];
            scr_hit *h = &s->hits[s->nhits++];
            memset(h, 0, sizeof *h);
            h->role = copy(P.v[x->party].role, &oom);
            h->party = copy(P.keys[x->party], &oom);
            h->name = copy(P.v[x->party].name, &oom);
            h->list = l;
            h->score = x->score;
            h->string_score = x->string_score;
            h->entry_name = copy(x->entry_name, &oom);
            h->matched_name = copy(x->matched_name, &oom);
            h->id = copy(x->id, &oom);
            h->source = copy(x->source, &oom);
            h->entity_number = copy(x->entity_number, &oom);
            h->programs = copy(x->programs, &oom);
            h->type = copy(x->type, &oom);
            h->countries = copy(x->countries, &oom);
            h->tokens = copy(x->matched_tokens, &oom);
            h->country = x->country;
            h->decision = -1;
        }
        screen_hits_free(hits, nhits);
    }
    /* Each hit with the deal's decision on it; a decision no hit takes is
     * said (the list or the names may have changed). */
    for (size_t i = 0; !oom && i < deal->ndispositions; i++) {
        const deal_disposition *d = &deal->dispositions[i];
        int used = 0;
        for (size_t k = 0; k < s->nhits && !oom; k++) {
            scr_hit *h = &s->hits[k];
            if (!decides(d, h))
                continue;
            used = 1;
            if (h->decision >= 0) {
                /* Decided already: the same decision again is harmless;
                 * another one is a conflict the review must settle. */
                if (h->decision != d->confirmed) {
                    errors++;
                    diag_at(diags, CLASM_SEV_ERROR, "screening-decision-conflict", deal->file,
                            d->line, d->column,
                            "screening[%zu]: %s the hit of %s on '%s', which an earlier decision "
                            "%s; keep one decision for each hit",
                            i, d->confirmed ? "confirms" : "clears", d->party, h->entry_name,
                            h->decision ? "confirms" : "clears");
                }
                continue;
            }
            h->decision = d->confirmed;
            h->reason = copy(d->reason, &oom);
            h->by = copy(d->by, &oom);
            h->date = copy(d->date, &oom);
        }
        if (!used && !oom && nlists)
            diag_at(diags, CLASM_SEV_WARNING, "screening-decision-unused", deal->file, d->line,
                    d->column,
                    "screening[%zu]: no hit of %s matches the entry '%s' in the lists screened; "
                    "remove the decision, or check the entry (its _id or its name as the list "
                    "writes it)",
                    i, d->party, d->entry);
    }
    free(P.v);
    free(P.keys);
    if (oom) {
        clasm_screening_free(s);
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", deal->file, 0, 0,
                "out of memory while screening the deal's parties");
        return CLASM_E_IO;
    }
    if (errors) {
        clasm_screening_free(s);
        return CLASM_E_INPUT;
    }
    *out = s;
    return CLASM_OK;
}

size_t clasm_screening_undisposed(const clasm_screening *s)
{
    size_t n = 0;
    for (size_t i = 0; s && i < s->nhits; i++)
        n += s->hits[i].decision < 0;
    return n;
}

size_t clasm_screening_hits(const clasm_screening *s)
{
    return s ? s->nhits : 0;
}

/* "the customer, Volkov Trading LLC," for messages. */
static void party_words(strbuf *b, const scr_hit *h)
{
    strbuf_addf(b, "the %s, %s,", h->role, h->name);
}

void clasm_screening_report(const clasm_screening *s, const clasm_deal *deal, clasm_severity sev,
                            clasm_diags *diags)
{
    for (size_t i = 0; s && i < s->nhits; i++) {
        const scr_hit *h = &s->hits[i];
        if (h->decision >= 0)
            continue;
        strbuf who = {0};
        party_words(&who, h);
        diag_at(diags, sev, "unscreened-hit", clasm_deal_file(deal), 0, 0,
                "%s matches '%s' on %s (%s%s%s, score %.2f: %s): decide on it under screening "
                "(decision cleared or confirmed, with a reason, who and when) before a draft "
                "goes out",
                strbuf_str(&who), h->entry_name, s->lists[h->list].name, h->source,
                h->entity_number && *h->entity_number ? " " : "",
                h->entity_number ? h->entity_number : "", h->score, h->tokens ? h->tokens : "");
        strbuf_free(&who);
    }
}

/* ---- output ---- */

static int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0;
}

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_text(s) : json_null();
}

char *clasm_screening_json(const clasm_screening *s)
{
    json_t *root = json_object(), *lists = json_array(), *hits = json_array();
    int ok = root && lists && hits;
    for (size_t i = 0; ok && i < s->nlists; i++) {
        json_t *l = json_object();
        ok = l && put(l, "name", json_text(s->lists[i].name)) &&
             put(l, "sha256", json_string(s->lists[i].sha256)) &&
             put(l, "date", text_or_null(s->lists[i].date)) &&
             put(l, "entries", json_integer((json_int_t)s->lists[i].entries)) &&
             json_array_append_new(lists, l) == 0;
        if (!ok)
            json_decref(l);
    }
    for (size_t i = 0; ok && i < s->nhits; i++) {
        const scr_hit *h = &s->hits[i];
        json_t *o = json_object();
        ok = o && put(o, "party", json_text(h->party)) && put(o, "role", json_text(h->role)) &&
             put(o, "name", json_text(h->name)) &&
             put(o, "list", json_text(s->lists[h->list].name)) &&
             put(o, "entry", json_text(h->entry_name)) &&
             put(o, "matched_name", json_text(h->matched_name)) &&
             put(o, "id", text_or_null(h->id)) && put(o, "source", text_or_null(h->source)) &&
             put(o, "entity_number", text_or_null(h->entity_number)) &&
             put(o, "programs", text_or_null(h->programs)) &&
             put(o, "type", text_or_null(h->type)) &&
             put(o, "countries", text_or_null(h->countries)) &&
             put(o, "score", json_real((double)(long)(h->score * 1000 + 0.5) / 1000)) &&
             put(o, "string_score",
                 json_real((double)(long)(h->string_score * 1000 + 0.5) / 1000)) &&
             put(o, "matched_tokens", text_or_null(h->tokens)) &&
             put(o, "country",
                 json_string(h->country > 0   ? "same"
                             : h->country < 0 ? "differs"
                                              : "unknown")) &&
             put(o, "decision",
                 json_string(h->decision < 0 ? "undecided"
                             : h->decision   ? "confirmed"
                                             : "cleared"));
        if (ok && h->decision >= 0)
            ok = put(o, "reason", json_text(h->reason)) && put(o, "by", json_text(h->by)) &&
                 put(o, "date", json_text(h->date));
        if (ok)
            ok = json_array_append_new(hits, o) == 0;
        else
            json_decref(o);
    }
    if (ok) {
        ok = put(root, "threshold", json_real(s->threshold)) &&
             put(root, "parties", json_integer((json_int_t)s->nparties)) &&
             put(root, "lists", lists);
        lists = NULL;
        ok = ok && put(root, "hits", hits);
        hits = NULL;
        ok = ok && put(root, "undecided", json_integer((json_int_t)clasm_screening_undisposed(s)));
    }
    json_decref(lists);
    json_decref(hits);
    char *out = ok ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    return out;
}

void clasm_screening_print_text(FILE *out, const clasm_screening *s)
{
    for (size_t i = 0; i < s->nlists; i++)
        fprintf(out, "list: %s (%zu entries%s%s, sha256 %.12s)\n", s->lists[i].name,
                s->lists[i].entries, s->lists[i].date ? ", dated " : "",
                s->lists[i].date ? s->lists[i].date : "", s->lists[i].sha256);
    fprintf(out, "parties screened: %zu, threshold %.2f\n", s->nparties, s->threshold);
    if (!s->nhits) {
        fputs("hits: none\n", out);
        return;
    }
    fprintf(out, "hits: %zu (%zu to decide)\n", s->nhits, clasm_screening_undisposed(s));
    for (size_t i = 0; i < s->nhits; i++) {
        const scr_hit *h = &s->hits[i];
        fprintf(out, "  %s %s: %s\n", h->role, h->name,
                h->decision < 0 ? "UNDECIDED"
                : h->decision   ? "confirmed"
                                : "cleared");
        fprintf(out, "      matches %s%s%s%s on %s: %s%s%s%s%s\n", h->entry_name,
                strcmp(h->matched_name, h->entry_name) ? " (as " : "",
                strcmp(h->matched_name, h->entry_name) ? h->matched_name : "",
                strcmp(h->matched_name, h->entry_name) ? ")" : "", s->lists[h->list].name,
                h->source, h->entity_number && *h->entity_number ? " " : "",
                h->entity_number ? h->entity_number : "",
                h->programs && *h->programs ? ", programs " : "", h->programs ? h->programs : "");
        fprintf(out, "      score %.2f (names %.2f), tokens: %s%s\n", h->score, h->string_score,
                h->tokens ? h->tokens : "",
                h->country < 0 ? "; the listed countries differ from the party's" : "");
        if (h->id && *h->id)
            fprintf(out, "      entry id: %s\n", h->id);
        if (h->decision >= 0)
            fprintf(out, "      %s by %s on %s: %s\n", h->decision ? "confirmed" : "cleared", h->by,
                    h->date, h->reason);
    }
}

/* ---- the plan: the suggestion it makes, the record a draft keeps ---- */

clasm_status clasm_plan_add_screening(clasm_plan *plan, const clasm_library *lib,
                                      const clasm_deal *deal, const clasm_screening *s,
                                      clasm_diags *diags)
{
    plan->screening = s;
    /* A hit not cleared suggests the restricted-party risk. */
    const scr_hit *first = NULL;
    for (size_t i = 0; s && i < s->nhits && !first; i++)
        if (s->hits[i].decision != 0)
            first = &s->hits[i];
    const lib_risk *r = library_risk(lib, "stakeholder.restricted-party");
    if (!first || !r)
        return CLASM_OK;
    strbuf why = {0};
    strbuf_addf(&why, "screening found the %s, %s, close to '%s' on %s (%s, score %.2f)",
                first->role, first->name, first->entry_name, s->lists[first->list].name,
                first->source, first->score);
    char *reason = strbuf_take(&why);
    if (!reason)
        return CLASM_E_IO;
    plan_suggestion *g = NULL;
    for (size_t i = 0; i < plan->nsuggestions && !g; i++)
        if (strcmp(plan->suggestions[i].risk, r->id) == 0)
            g = &plan->suggestions[i];
    if (!g) {
        /* select made room for every risk of the catalogue. */
        g = &plan->suggestions[plan->nsuggestions++];
        memset(g, 0, sizeof *g);
        g->risk = r->id;
        g->title = r->title;
        g->weight = r->weight;
        int listed = 0;
        for (size_t i = 0; i < deal->nrisks && !listed; i++)
            listed = strcmp(deal->risks[i].id, r->id) == 0;
        g->decision = listed ? SUGGEST_ACCEPTED : SUGGEST_UNDECIDED;
    }
    g->suggested = 1;
    free(g->owned_reason);
    g->owned_reason = reason;
    g->reason = reason;
    /* A hit that is not cleared cannot be dismissed away, and a confirmed
     * one must be carried (it escalates the deal to counsel). */
    int confirmed = 0;
    for (size_t i = 0; i < s->nhits; i++)
        confirmed |= s->hits[i].decision == 1;
    if (g->decision == SUGGEST_DISMISSED) {
        diag_at(diags, CLASM_SEV_ERROR, "restricted-party-dismissed", clasm_deal_file(deal), 0, 0,
                "dismissed: '%s' cannot be dismissed while screening has a hit that is not "
                "cleared (the %s, %s, close to '%s'): clear the hit under screening with the "
                "reason, or list the risk",
                r->id, first->role, first->name, first->entry_name);
        return CLASM_E_INPUT;
    }
    if (confirmed && g->decision != SUGGEST_ACCEPTED) {
        diag_at(diags, CLASM_SEV_ERROR, "restricted-party-not-listed", clasm_deal_file(deal), 0, 0,
                "screening confirms that a party of the deal is on a restricted-party list: list "
                "'%s' under risks (it escalates the deal to counsel)",
                r->id);
        return CLASM_E_INPUT;
    }
    if (g->decision == SUGGEST_UNDECIDED)
        diag_at(diags, CLASM_SEV_WARNING, "risk-suggested", clasm_deal_file(deal), 0, 0,
                "the deal's facts suggest the risk '%s' (%s): %s; list it under risks, or "
                "dismiss it under dismissed with a reason and who decided",
                r->id, r->title, reason);
    return CLASM_OK;
}

clasm_status clasm_screen_pack(const clasm_library *lib, const clasm_deal *deal,
                               const clasm_screen_list *const *lists, size_t nlists,
                               clasm_plan *const *plans, size_t nplans, clasm_severity sev,
                               clasm_screening **out, clasm_diags *diags)
{
    *out = NULL;
    if (!nlists)
        return CLASM_OK;
    clasm_status s = clasm_screen(lib, deal, lists, nlists, out, diags);
    for (size_t i = 0; s == CLASM_OK && i < nplans; i++) {
        clasm_diags quiet;
        clasm_diags_init(&quiet);
        s = clasm_plan_add_screening(plans[i], lib, deal, *out, i == 0 ? diags : &quiet);
        clasm_diags_free(&quiet);
    }
    if (s == CLASM_OK) {
        clasm_screening_report(*out, deal, sev, diags);
        if (sev == CLASM_SEV_ERROR && clasm_screening_undisposed(*out))
            s = CLASM_E_INPUT;
    }
    return s;
}

/* The record for the draft's manifest (assemble.c). */
size_t screening_list_count(const clasm_screening *s)
{
    return s ? s->nlists : 0;
}

void screening_list_info(const clasm_screening *s, size_t i, const char **name, const char **sha256,
                         const char **date, size_t *entries)
{
    *name = s->lists[i].name;
    *sha256 = s->lists[i].sha256;
    *date = s->lists[i].date;
    *entries = s->lists[i].entries;
}

int screening_hit_info(const clasm_screening *s, size_t i, screening_hit_record *out)
{
    if (!s || i >= s->nhits)
        return 0;
    const scr_hit *h = &s->hits[i];
    *out = (screening_hit_record){h->party,
                                  h->name,
                                  s->lists[h->list].name,
                                  h->entry_name,
                                  h->id,
                                  h->score,
                                  h->decision < 0 ? "undecided"
                                  : h->decision   ? "confirmed"
                                                  : "cleared",
                                  h->reason,
                                  h->by,
                                  h->date};
    return 1;
}
