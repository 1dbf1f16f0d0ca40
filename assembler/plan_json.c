/* The plan as JSON (select --format json, assemble --report) and as text. */
#include "library.h"
#include "plan.h"

#include "json_text.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *string_array(char *const *items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_text(items[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* [{"key", "value", "label", "printed"}] of the terms whose value is the
 * library's default; the value raw, as the library writes it; printed when
 * the draft prints it. */
static json_t *defaults_array(const clasm_plan *plan)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < plan->ndefaults; i++) {
        json_t *d = json_object();
        int ok = d && json_object_set_new(d, "key", json_text(plan->defaults[i].key)) == 0 &&
                 json_object_set_new(d, "value", json_text(plan->defaults[i].value)) == 0 &&
                 json_object_set_new(d, "label",
                                     plan->defaults[i].label ? json_text(plan->defaults[i].label)
                                                             : json_null()) == 0 &&
                 json_object_set_new(d, "printed", json_boolean(plan->defaults[i].printed)) == 0;
        if (!ok)
            json_decref(d);
        if (!ok || json_array_append_new(a, d) != 0) { /* append_new releases d */
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* [{"key", "description", "used_by": [...]}] of the values still to fill
 * in; description null when the library has none. */
static json_t *missing_array(const clasm_plan *plan)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < plan->nmissing; i++) {
        const clasm_missing *m = &plan->missing[i];
        json_t *d = json_object();
        json_t *used = string_array(m->used_by, m->nused_by);
        int ok = d && used && json_object_set_new(d, "key", json_text(m->key)) == 0 &&
                 json_object_set_new(d, "description",
                                     m->description ? json_text(m->description) : json_null()) == 0;
        if (ok) {
            ok = json_object_set_new(d, "used_by", used) == 0;
            used = NULL;
        }
        json_decref(used);
        if (!ok)
            json_decref(d);
        if (!ok || json_array_append_new(a, d) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Sets key to value (taking it); 0 on failure (value released). */
static int put(json_t *obj, const char *key, json_t *value)
{
    return value && json_object_set_new(obj, key, value) == 0;
}

/* [{"risk", "title", "reason", "suggested", "decision", "dismissal", "by"}]:
 * the risks the deal's facts suggest and what the deal decided on each
 * (dismissal and by only when dismissed). */
static json_t *suggestions_array(const clasm_plan *plan)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < plan->nsuggestions; i++) {
        const plan_suggestion *g = &plan->suggestions[i];
        json_t *d = json_object();
        int ok = d && put(d, "risk", json_text(g->risk)) && put(d, "title", json_text(g->title)) &&
                 put(d, "reason", g->reason ? json_text(g->reason) : json_null()) &&
                 put(d, "suggested", json_boolean(g->suggested)) &&
                 put(d, "decision", json_string(plan_decisions[g->decision]));
        if (ok && g->decision == SUGGEST_DISMISSED)
            ok = put(d, "dismissal", json_text(g->dismissal)) && put(d, "by", json_text(g->by)) &&
                 put(d, "date", json_text(g->date)) &&
                 put(d, "confirmed_by", g->confirmed_by ? json_text(g->confirmed_by) : json_null());
        if (!ok)
            json_decref(d);
        if (!ok || json_array_append_new(a, d) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* The fallback a deal chose for the item, if any: its number and who must
 * approve it. 1, or 0 when out of memory. */
static int put_position(json_t *c, const plan_item *it)
{
    if (!it->position || !it->clause)
        return 1;
    const lib_fallback *f = &it->clause->fallbacks[it->position - 1];
    return put(c, "position", json_integer(it->position)) &&
           put(c, "approver", json_text(f->approver));
}

char *clasm_plan_report_json(const clasm_plan *plan, const char *output, const char *sha256)
{
    json_t *root = json_object();
    json_t *clauses = json_array();
    int ok = root && clauses;
    for (size_t i = 0; ok && i < plan->nitems; i++) {
        const plan_item *it = &plan->items[i];
        json_t *c = json_object();
        char *why = plan_item_why(it, 0);
        ok = c && why && put(c, "id", json_text(it->id)) &&
             put(c, "version", json_integer(it->version)) &&
             put(c, "category", json_text(it->category)) && put(c, "title", json_text(it->title)) &&
             put(c, "reasons", string_array(it->reasons, it->nreasons)) &&
             put(c, "because", string_array(it->because, it->nbecause)) &&
             put(c, "supports", string_array((char *const *)it->supports, it->nsupports)) &&
             put(c, "why", json_text(why)) && put_position(c, it) &&
             json_array_append_new(clauses, c) == 0;
        free(why);
        if (!ok)
            json_decref(c);
    }
    if (ok) {
        ok = put(root, "deal", json_text(plan->deal_id)) &&
             put(root, "document", json_string(clasm_document_name(plan->document))) &&
             put(root, "tier", json_text(plan->tier)) &&
             put(root, "score", json_integer(plan->score)) &&
             put(root, "escalate", json_boolean(plan->escalate));
        if (ok) {
            ok = put(root, "clauses", clauses); /* steals the reference */
            clauses = NULL;
        }
        ok = ok && put(root, "uncovered", string_array(plan->uncovered, plan->nuncovered)) &&
             put(root, "notes", string_array(plan->notes, plan->nnotes)) &&
             put(root, "defaults", defaults_array(plan)) &&
             put(root, "missing", missing_array(plan)) &&
             put(root, "suggestions", suggestions_array(plan)) &&
             put(root, "library", json_text(plan->library_fingerprint));
        /* What the dismissals take away: the score and tier with them. */
        if (ok && plan->score_with_dismissed != plan->score)
            ok = put(root, "score_with_dismissed", json_integer(plan->score_with_dismissed)) &&
                 put(root, "tier_with_dismissed", json_text(plan->tier_with_dismissed_id));
        if (ok && output)
            ok = put(root, "output", json_text(output));
        if (ok && sha256)
            ok = put(root, "output_sha256", json_string(sha256));
    }
    json_decref(clauses);
    char *s = ok ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    return s;
}

char *clasm_plan_json(const clasm_plan *plan, const char *output)
{
    return clasm_plan_report_json(plan, output, NULL);
}

/* A clause of the plan by its title; a template by its name. */
static const char *user_title(const clasm_plan *plan, const char *who)
{
    for (size_t i = 0; i < plan->nitems; i++)
        if (strcmp(plan->items[i].id, who) == 0 && plan->items[i].title)
            return plan->items[i].title;
    return who;
}

void clasm_plan_print_text(FILE *out, const clasm_plan *plan)
{
    fprintf(out, "deal %s, %s\n", plan->deal_id, clasm_document_name(plan->document));
    fprintf(out, "tier: %s (score %ld)%s\n", plan->tier, plan->score,
            plan->escalate ? " -- ESCALATE TO COUNSEL BEFORE SIGNING" : "");
    fprintf(out, "clauses: %zu\n", plan->nitems);
    for (size_t i = 0; i < plan->nitems; i++) {
        const plan_item *it = &plan->items[i];
        fprintf(out, "  %2zu. %s  [%s@%d]\n", i + 1, it->title, it->id, it->version);
        /* Its own reasons, one a line; then what it supports, on one line
         * (definitions support most clauses: three titles and a count). */
        for (size_t r = 0; r < it->nbecause; r++)
            fprintf(out, "        %s %s\n", r ? "        " : "because:", it->because[r]);

        if (it->nsupports == 0)
            continue;
        fputs("        supports: ", out);
        size_t shown = it->nsupports > 3 ? 3 : it->nsupports;
        for (size_t k = 0; k < shown; k++)
            fprintf(out, "%s%s",
                    k == 0                                     ? ""
                    : k + 1 == shown && shown == it->nsupports ? " and "
                                                               : ", ",
                    it->supports[k]);
        if (shown < it->nsupports)
            fprintf(out, " and %zu more", it->nsupports - shown);
        fputc('\n', out);
    }
    if (plan->nuncovered == 0) {
        fputs("uncovered: none\n", out);
    } else {
        fputs("uncovered:\n", out);
        for (size_t i = 0; i < plan->nuncovered; i++)
            fprintf(out, "  %s\n", plan->uncovered[i]);
    }
    for (size_t i = 0; i < plan->nnotes; i++)
        fprintf(out, "note: %s\n", plan->notes[i]);
    /* What the deal's facts suggest, and what the deal decided. */
    for (size_t i = 0; i < plan->nsuggestions; i++) {
        const plan_suggestion *g = &plan->suggestions[i];
        if (i == 0)
            fputs("suggested risks:\n", out);
        fprintf(out, "  %s  [%s]: %s\n", g->title, g->risk,
                g->decision == SUGGEST_ACCEPTED ? "accepted (listed under risks)"
                : g->decision == SUGGEST_DISMISSED
                    ? "dismissed"
                    : "UNDECIDED: list it under risks or dismiss it");
        if (g->suggested)
            fprintf(out, "      suggested because: %s\n", g->reason);
        else
            fputs("      not suggested by this deal's facts\n", out);
        if (g->decision == SUGGEST_DISMISSED)
            fprintf(out, "      dismissed by %s on %s%s%s: %s\n", g->by, g->date,
                    g->confirmed_by ? ", confirmed by " : "",
                    g->confirmed_by ? g->confirmed_by : "", g->dismissal);
    }
    if (plan->score_with_dismissed != plan->score)
        fprintf(out, "with the dismissed risks: score %ld, tier %s\n", plan->score_with_dismissed,
                plan->tier_with_dismissed_id);
    /* The defaults the draft prints, by their labels; the others only
     * counted (a plan lists every library default the deal leaves out). */
    size_t unprinted = 0;
    for (size_t i = 0; i < plan->ndefaults; i++) {
        const plan_default *d = &plan->defaults[i];
        if (!d->printed) {
            unprinted++;
            continue;
        }
        fprintf(out, "default: %s = %s  [terms.%s] (library default; the deal does not set it)\n",
                d->label ? d->label : d->key, d->value, d->key);
    }
    if (unprinted)
        fprintf(out,
                "defaults: %zu more library default%s that no text of this draft prints "
                "(--format json lists every one)\n",
                unprinted, unprinted == 1 ? "" : "s");
    if (plan->nmissing) {
        fprintf(out, "still to fill in (%zu; the draft needs them):\n", plan->nmissing);
        for (size_t i = 0; i < plan->nmissing; i++) {
            const clasm_missing *m = &plan->missing[i];
            fprintf(out, "  %s%s%s\n", m->key, m->description ? ": " : "",
                    m->description ? m->description : "");
            fputs("      used by ", out);
            for (size_t u = 0; u < m->nused_by; u++)
                fprintf(out, "%s%s", u ? ", " : "", user_title(plan, m->used_by[u]));
            fputc('\n', out);
        }
    }
    fprintf(out, "library: %s\n", plan->library_fingerprint);
}
