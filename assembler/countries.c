/* Country profiles: clauses/countries.yaml read and checked (countries.h). */
#include "countries.h"

#include "diag.h"
#include "iso_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"flag", "list", NULL};

/* An error at node n (its line and column; 0 when n is NULL). */
#define error_at(diags, id, file, n, ...)                                                          \
    diag_at((diags), CLASM_SEV_ERROR, (id), (file), (n) ? (n)->line : 0, (n) ? (n)->column : 0,    \
            __VA_ARGS__)

/* facts: {ID: {kind, description, values}}. 0, or -1 out of memory. */
static int read_defs(country_profiles *out, yt_ctx *ctx, const yt_node *facts)
{
    if (!facts || !yt_expect(ctx, facts, YT_MAPPING, "facts"))
        return 0;
    if (facts->count > COUNTRIES_MAX_FACTS) {
        diag_at(ctx->diags, CLASM_SEV_ERROR, "too-many-items", ctx->file, facts->line,
                facts->column, "facts: more than %u facts", COUNTRIES_MAX_FACTS);
        return 0;
    }
    out->defs = calloc(facts->count + 1, sizeof *out->defs);
    if (!out->defs)
        return -1;
    static const char *const keys[] = {"kind", "description", "values", NULL};
    static const char *const req[] = {"kind", "description", NULL};
    for (size_t i = 0; i < facts->count; i++) {
        const yt_node *k = facts->pairs[i].key, *v = facts->pairs[i].value;
        char path[160];
        snprintf(path, sizeof path, "facts.%.100s", k->scalar);
        if (!yt_expect(ctx, v, YT_MAPPING, path))
            continue;
        yt_check_keys(ctx, v, path, keys, req);
        int kind = yt_get_enum(ctx, v, "kind", path, 0, kind_names);
        const char *description = yt_get_str(ctx, v, "description", path, 0);
        const yt_node *values = yt_get_str_list(ctx, v, "values", path, 0);
        int bad = 0;
        for (const char *p = k->scalar; *p && !bad; p++)
            bad = !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_');
        if (bad || !*k->scalar) {
            error_at(ctx->diags, "invalid-id", ctx->file, k,
                     "facts: '%s' is not a fact name: use lower-case letters, digits and '_'",
                     k->scalar);
            continue;
        }
        if (kind < 0 || !description)
            continue;
        if (values && kind != COUNTRY_LIST) {
            error_at(ctx->diags, "values-not-list", ctx->file, yt_get(v, "values"),
                     "%s.values: only a fact of kind list has values", path);
            continue;
        }
        country_fact_def *d = &out->defs[out->ndefs];
        d->id = k->scalar;
        d->description = description;
        d->kind = (country_fact_kind)kind;
        if (values) {
            d->values = calloc(values->count + 1, sizeof *d->values);
            if (!d->values)
                return -1;
            for (size_t j = 0; j < values->count; j++)
                d->values[j] = values->items[j]->scalar;
            d->nvalues = values->count;
        }
        out->ndefs++;
    }
    return 0;
}

static int find_def(const country_profiles *c, const char *id)
{
    for (size_t i = 0; i < c->ndefs; i++)
        if (strcmp(c->defs[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* One stated fact: {value, source, as_of}. 1 when it is kept in *f. */
static int read_fact(const country_profiles *out, yt_ctx *ctx, const char *code, const yt_node *k,
                     const yt_node *v, country_fact *f, int *oom)
{
    char path[200];
    snprintf(path, sizeof path, "countries.%.8s.%.100s", code, k->scalar);
    int d = find_def(out, k->scalar);
    if (d < 0) {
        const char *ids[COUNTRIES_MAX_FACTS + 1];
        for (size_t i = 0; i < out->ndefs; i++)
            ids[i] = out->defs[i].id;
        const char *near = yt_suggest(k->scalar, ids, out->ndefs);
        error_at(ctx->diags, "unknown-fact", ctx->file, k,
                 "%s: no such fact is declared under facts%s%s", path,
                 near ? "; did you mean " : "", near ? near : "");
        return 0;
    }
    if (!yt_expect(ctx, v, YT_MAPPING, path))
        return 0;
    static const char *const keys[] = {"value", "source", "as_of", NULL};
    if (!yt_check_keys(ctx, v, path, keys, keys))
        return 0;
    const country_fact_def *def = &out->defs[d];
    memset(f, 0, sizeof *f);
    f->def = (size_t)d;
    f->line = k->line;
    f->column = k->column;
    f->source = yt_get_str(ctx, v, "source", path, 1);
    f->as_of = yt_get_str(ctx, v, "as_of", path, 1);
    int ok = f->source && f->as_of;
    if (f->as_of && !iso_date_ok(f->as_of)) {
        error_at(ctx->diags, "invalid-date", ctx->file, yt_get(v, "as_of"),
                 "%s.as_of: '%s' is not a date; write when the fact was last checked as "
                 "YYYY-MM-DD",
                 path, f->as_of);
        ok = 0;
    }
    if (f->source && !*f->source) {
        error_at(ctx->diags, "missing-value", ctx->file, yt_get(v, "source"),
                 "%s.source is empty: say where the fact comes from", path);
        ok = 0;
    }
    if (def->kind == COUNTRY_FLAG) {
        ok &= yt_get_bool(ctx, v, "value", path, 1, &f->flag);
        return ok;
    }
    const yt_node *items = yt_get_str_list(ctx, v, "value", path, 1);
    if (!items)
        return 0;
    if (items->count > COUNTRIES_MAX_ITEMS) {
        error_at(ctx->diags, "too-many-items", ctx->file, items, "%s.value: more than 64 items",
                 path);
        return 0;
    }
    f->items = calloc(items->count + 1, sizeof *f->items);
    if (!f->items) {
        *oom = 1;
        return 0;
    }
    for (size_t j = 0; j < items->count; j++) {
        const char *item = items->items[j]->scalar;
        int allowed = !def->values;
        for (size_t a = 0; a < def->nvalues && !allowed; a++)
            allowed = strcmp(def->values[a], item) == 0;
        if (!allowed) {
            const char *near = yt_suggest(item, def->values, def->nvalues);
            diag_at(ctx->diags, CLASM_SEV_ERROR, "invalid-value", ctx->file, items->items[j]->line,
                    items->items[j]->column,
                    "%s: '%s' is not one of the values facts.%s declares%s%s%s", path, item,
                    def->id, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
            ok = 0;
            continue;
        }
        f->items[f->nitems++] = item;
    }
    if (!ok) {
        free(f->items);
        f->items = NULL;
    }
    return ok;
}

int countries_read(country_profiles *out, const yt_node *root, const char *file,
                   country_known_fn known, void *ctx_known, clasm_diags *diags)
{
    memset(out, 0, sizeof *out);
    out->file = file;
    out->max_age_months = 12;
    yt_ctx ctx = {file, diags};
    static const char *const keys[] = {"max_age_months", "facts", "countries", NULL};
    static const char *const req[] = {"facts", "countries", NULL};
    yt_check_keys(&ctx, root, "", keys, req);
    yt_get_int(&ctx, root, "max_age_months", "", 0, 1, 120, &out->max_age_months);
    if (read_defs(out, &ctx, yt_get(root, "facts")) != 0)
        return -1;
    const yt_node *countries = yt_get(root, "countries");
    if (!countries || !yt_expect(&ctx, countries, YT_MAPPING, "countries"))
        return 0;
    if (countries->count > COUNTRIES_MAX) {
        diag_at(diags, CLASM_SEV_ERROR, "too-many-items", file, countries->line, countries->column,
                "countries: more than %u countries", COUNTRIES_MAX);
        return 0;
    }
    out->profiles = calloc(countries->count + 1, sizeof *out->profiles);
    if (!out->profiles)
        return -1;
    int oom = 0;
    for (size_t i = 0; i < countries->count && !oom; i++) {
        const yt_node *k = countries->pairs[i].key, *v = countries->pairs[i].value;
        char path[32];
        snprintf(path, sizeof path, "countries.%.8s", k->scalar);
        char *why = NULL;
        if (!known(ctx_known, k->scalar, &why)) {
            diag_at(diags, CLASM_SEV_ERROR, "unknown-country", file, k->line, k->column,
                    "%s: not a country code%s%s", path, why ? ": " : "", why ? why : "");
            free(why);
            continue;
        }
        free(why);
        if (!yt_expect(&ctx, v, YT_MAPPING, path))
            continue;
        if (v->count > COUNTRIES_MAX_FACTS) {
            diag_at(diags, CLASM_SEV_ERROR, "too-many-items", file, v->line, v->column,
                    "%s: more than %u facts", path, COUNTRIES_MAX_FACTS);
            continue;
        }
        country_profile *p = &out->profiles[out->nprofiles];
        p->code = k->scalar;
        p->line = k->line;
        p->column = k->column;
        p->facts = calloc(v->count + 1, sizeof *p->facts);
        if (!p->facts)
            return -1;
        out->nprofiles++;
        for (size_t j = 0; j < v->count && !oom; j++)
            if (read_fact(out, &ctx, k->scalar, v->pairs[j].key, v->pairs[j].value,
                          &p->facts[p->nfacts], &oom))
                p->nfacts++;
    }
    return oom ? -1 : 0;
}

void countries_free(country_profiles *c)
{
    for (size_t i = 0; i < c->ndefs; i++)
        free(c->defs[i].values);
    free(c->defs);
    for (size_t i = 0; i < c->nprofiles; i++) {
        for (size_t j = 0; j < c->profiles[i].nfacts; j++)
            free(c->profiles[i].facts[j].items);
        free(c->profiles[i].facts);
    }
    free(c->profiles);
    memset(c, 0, sizeof *c);
}

const country_profile *countries_find(const country_profiles *c, const char *code)
{
    for (size_t i = 0; code && i < c->nprofiles; i++)
        if (strcmp(c->profiles[i].code, code) == 0)
            return &c->profiles[i];
    return NULL;
}

const char *countries_as_of(const country_profile *p)
{
    const char *oldest = NULL;
    for (size_t i = 0; p && i < p->nfacts; i++)
        if (!oldest || strcmp(p->facts[i].as_of, oldest) < 0)
            oldest = p->facts[i].as_of;
    return oldest;
}

/* Months from date a to date b (both YYYY-MM-DD), counting a month only
 * once its day is reached. */
static long months_between(const char *a, const char *b)
{
    long ya = atol(a), ma = atol(a + 5), da = atol(a + 8);
    long yb = atol(b), mb = atol(b + 5), db = atol(b + 8);
    long m = (yb - ya) * 12 + (mb - ma);
    if (db < da)
        m--;
    return m;
}

void countries_lint(const country_profiles *c, const char *today, clasm_diags *diags)
{
    if (!c->file || !iso_date_ok(today))
        return;
    for (size_t i = 0; i < c->nprofiles; i++) {
        const country_profile *p = &c->profiles[i];
        for (size_t j = 0; j < p->nfacts; j++) {
            const country_fact *f = &p->facts[j];
            const char *id = c->defs[f->def].id;
            if (strcmp(f->as_of, today) > 0) {
                diag_at(diags, CLASM_SEV_WARNING, "country-fact-future", c->file, f->line,
                        f->column,
                        "countries.%s.%s: as_of %s is after today (%s); write the date the fact "
                        "was last checked",
                        p->code, id, f->as_of, today);
                continue;
            }
            long age = months_between(f->as_of, today);
            if (age > c->max_age_months)
                diag_at(diags, CLASM_SEV_WARNING, "country-fact-stale", c->file, f->line, f->column,
                        "countries.%s.%s was last checked on %s, %ld months ago (more than the "
                        "%ld of max_age_months): check it against its source (%s) and update "
                        "as_of",
                        p->code, id, f->as_of, age, c->max_age_months, f->source);
        }
    }
}
