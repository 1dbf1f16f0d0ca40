/* Loading and validating the clause library: library.yaml, risks.yaml and
 * one YAML file per clause in a folder per category. Every problem of every
 * file is reported in one run. */
#include "library.h"
#include "sha256.h"
#include "diag.h"
#include "glossary.h"
#include "screen.h"
#include "strfmt.h"
#include "values.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    clasm_library *lib;
    clasm_diags *diags;
    int oom;
    int catalogue_ok; /* risks.yaml parsed: risk/tier names can be checked */
    int too_many;     /* a count limit was reported: said once */
} loader;

/* 1 when one more item would pass limit (reported once, at file:line). */
static int over_limit(loader *L, size_t count, unsigned limit, const char *what, const char *file,
                      int line)
{
    if (count < limit)
        return 0;
    if (!L->too_many)
        diag_at(L->diags, CLASM_SEV_ERROR,
                strcmp(what, "risks") == 0 ? "too-many-risks" : "too-many-clauses", file, line, 0,
                "the library holds more than %u %s; clasm refuses libraries this "
                "large",
                limit, what);
    L->too_many = 1;
    return 1;
}

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", a, b);
    return s;
}

/* Grows an array by one zeroed element; returns it, or NULL when out of memory. */
static void *grow(void *arrayp, size_t *count, size_t size)
{
    void **arr = arrayp;
    char *p = realloc(*arr, (*count + 1) * size);
    if (!p)
        return NULL;
    *arr = p;
    memset(p + *count * size, 0, size);
    return p + (*count)++ * size;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Loads one YAML file whose root must be a mapping; keeps the document. */
static const yt_node *load_yaml(loader *L, const char *path)
{
    yt_doc *doc = yt_load_file(path, L->diags);
    if (!doc)
        return NULL;
    yt_doc **slot = grow(&L->lib->docs, &L->lib->ndocs, sizeof *slot);
    if (!slot) {
        yt_free(doc);
        L->oom = 1;
        return NULL;
    }
    *slot = doc;
    const yt_node *root = yt_root(doc);
    if (!root) {
        diag_at(L->diags, CLASM_SEV_ERROR, "empty-file", yt_name(doc), 1, 1,
                "the file is empty; expected a mapping of keys");
        return NULL;
    }
    yt_ctx ctx = {yt_name(doc), L->diags};
    if (!yt_expect(&ctx, root, YT_MAPPING, "(top level)"))
        return NULL;
    return root;
}

/* Copies the scalars of a sequence node into a new array of borrowed strings. */
static const char **scalars(loader *L, const yt_node *seq, size_t *n)
{
    *n = 0;
    if (!seq || seq->count == 0)
        return NULL;
    const char **v = calloc(seq->count, sizeof *v);
    if (!v) {
        L->oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < seq->count; i++)
        if (seq->items[i]->kind == YT_SCALAR)
            v[(*n)++] = seq->items[i]->scalar;
    return v;
}

static const yt_node *seq_item_for(const yt_node *seq, size_t i)
{
    return seq && i < seq->count ? seq->items[i] : NULL;
}

/* A document list ([contract, eula, addendum]) as a mask. */
static int doc_mask(loader *L, const char *file, const yt_node *seq, const char *path,
                    lib_docmask *out)
{
    int ok = 1;
    *out = 0;
    for (size_t i = 0; seq && i < seq->count; i++) {
        const yt_node *it = seq->items[i];
        int d = clasm_document_from_name(it->scalar);
        if (d < 0) {
            diag_at(L->diags, CLASM_SEV_ERROR, "invalid-value", file, it->line, it->column,
                    "%s[%zu]: '%s' is not a document; use " CLASM_DOCUMENT_LIST, path, i,
                    it->scalar);
            ok = 0;
        } else if (*out & (1u << d)) {
            diag_at(L->diags, CLASM_SEV_ERROR, "duplicate-document", file, it->line, it->column,
                    "%s[%zu]: '%s' is named twice", path, i, it->scalar);
            ok = 0;
        } else {
            *out |= 1u << d;
        }
    }
    if (seq && seq->count == 0) {
        diag_at(L->diags, CLASM_SEV_ERROR, "empty-list", file, seq->line, seq->column,
                "%s is empty; name at least one document", path);
        ok = 0;
    }
    return ok;
}

/* Ids: lowercase letters, digits, '-' and '_' in dot-separated parts. */
static int valid_id(const char *s, int dots_allowed)
{
    if (!*s || *s == '.' || s[strlen(s) - 1] == '.')
        return 0;
    for (const char *p = s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
            continue;
        if (*p == '.' && dots_allowed && p[1] != '.')
            continue;
        return 0;
    }
    return 1;
}

static void bad_id(loader *L, const char *file, const yt_node *map, const char *path,
                   const char *what)
{
    const yt_node *n = yt_get(map, "id");
    diag_at(L->diags, CLASM_SEV_ERROR, "invalid-id", file, n ? n->line : 0, n ? n->column : 0,
            "%s.id: '%s' is not a valid %s (lowercase letters, digits, '-' and '_')", path,
            n && n->kind == YT_SCALAR ? n->scalar : "?", what);
}

/* ---- library.yaml ---- */

/* 1 when a defined term is spelt as one: words of letters and digits (and
 * ' - / .), starting with a capital letter. */
static int valid_term(const char *t)
{
    if (!(*t >= 'A' && *t <= 'Z'))
        return 0;
    for (const char *p = t; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == ' ' || c == '-' || c == '\'' || c == '/' || c == '.' || c >= 0x80))
            return 0;
        if (c == ' ' && (p[1] == ' ' || p[1] == '\0'))
            return 0;
    }
    return 1;
}

/* template_terms: the defined terms every template defines itself (its
 * parties), which clause texts use without a definition of their own. */
static void load_template_terms(loader *L, yt_ctx *ctx, const yt_node *root)
{
    const yt_node *n = yt_get_str_list(ctx, root, "template_terms", "", 0);
    if (!n)
        return;
    clasm_library *lib = L->lib;
    lib->template_terms = scalars(L, n, &lib->ntemplate_terms);
    for (size_t i = 0; i < lib->ntemplate_terms; i++)
        if (!valid_term(lib->template_terms[i])) {
            const yt_node *it = seq_item_for(n, i);
            diag_at(L->diags, CLASM_SEV_ERROR, "invalid-term", ctx->file, it->line, it->column,
                    "template_terms[%zu]: '%s' is not a term: a term starts with a capital "
                    "letter and has words of letters and digits, e.g. Supplier",
                    i, lib->template_terms[i]);
        }
}

/* screening: {threshold, legal_forms, list}: how restricted-party
 * screening matches names, and the list it uses by default. */
static void load_screening(loader *L, yt_ctx *ctx, const yt_node *root, const char *dir)
{
    clasm_library *lib = L->lib;
    lib->screen_threshold = SCREEN_DEFAULT_THRESHOLD;
    const yt_node *n = yt_get(root, "screening");
    if (!n || !yt_expect(ctx, n, YT_MAPPING, "screening"))
        return;
    static const char *const keys[] = {"threshold", "legal_forms", "list", NULL};
    yt_check_keys(ctx, n, "screening", keys, NULL);
    const yt_node *t = yt_get(n, "threshold");
    if (t && t->kind == YT_SCALAR) {
        char *end = NULL;
        double v = strtod(t->scalar, &end);
        if (!*t->scalar || *end || !(v >= 0.5 && v <= 1.0))
            diag_at(L->diags, CLASM_SEV_ERROR, "out-of-range", ctx->file, t->line, t->column,
                    "screening.threshold: '%s' must be a number from 0.5 to 1 (the default, %.2f, "
                    "is measured in bench/RESULTS.md)",
                    t->scalar, SCREEN_DEFAULT_THRESHOLD);
        else
            lib->screen_threshold = v;
    } else if (t) {
        yt_expect(ctx, t, YT_SCALAR, "screening.threshold");
    }
    const yt_node *forms = yt_get_str_list(ctx, n, "legal_forms", "screening", 0);
    if (forms) {
        lib->legal_forms = calloc(forms->count + 1, sizeof *lib->legal_forms);
        if (!lib->legal_forms)
            L->oom = 1;
        for (size_t i = 0; lib->legal_forms && i < forms->count; i++)
            lib->legal_forms[i] = forms->items[i]->scalar;
    }
    const char *list = yt_get_str(ctx, n, "list", "screening", 0);
    if (list && *list) {
        lib->screen_list = list[0] == '/' ? strdup(list) : path_join(dir, list);
        if (!lib->screen_list)
            L->oom = 1;
    }
}

/* negotiation: {roles: [{id, title}...], deviations: ROLE}: who may approve
 * a change in negotiation, lowest authority first. */
static void load_negotiation(loader *L, yt_ctx *ctx, const yt_node *root)
{
    clasm_library *lib = L->lib;
    lib->deviation_rank = -1;
    const yt_node *n = yt_get(root, "negotiation");
    if (!n || !yt_expect(ctx, n, YT_MAPPING, "negotiation"))
        return;
    static const char *const keys[] = {"roles", "deviations", NULL};
    yt_check_keys(ctx, n, "negotiation", keys, keys);
    const yt_node *roles = yt_get(n, "roles");
    if (roles && yt_expect(ctx, roles, YT_SEQUENCE, "negotiation.roles")) {
        if (roles->count == 0)
            diag_at(L->diags, CLASM_SEV_ERROR, "empty-list", ctx->file, roles->line, roles->column,
                    "negotiation.roles is empty; list who may approve changes, lowest "
                    "authority first");
        for (size_t i = 0; i < roles->count; i++) {
            char p[48];
            snprintf(p, sizeof p, "negotiation.roles[%zu]", i);
            const yt_node *r = roles->items[i];
            if (!yt_expect(ctx, r, YT_MAPPING, p))
                continue;
            static const char *const rkeys[] = {"id", "title", NULL};
            yt_check_keys(ctx, r, p, rkeys, rkeys);
            const char *id = yt_get_str(ctx, r, "id", p, 0);
            const char *title = yt_get_str(ctx, r, "title", p, 0);
            if (!id || !title)
                continue;
            if (!valid_id(id, 0)) {
                bad_id(L, ctx->file, r, p, "role id");
                continue;
            }
            const yt_node *idn = yt_get(r, "id");
            if (library_role_rank(lib, id) >= 0) {
                diag_at(L->diags, CLASM_SEV_ERROR, "duplicate-id", ctx->file, idn->line,
                        idn->column, "role '%s' is declared twice", id);
                continue;
            }
            lib_role *role = grow(&lib->roles, &lib->nroles, sizeof *role);
            if (!role) {
                L->oom = 1;
                return;
            }
            *role = (lib_role){id, title, idn->line, idn->column};
        }
    }
    const char *dev = yt_get_str(ctx, n, "deviations", "negotiation", 1);
    if (dev) {
        lib->deviation_rank = library_role_rank(lib, dev);
        if (lib->deviation_rank < 0) {
            const yt_node *d = yt_get(n, "deviations");
            diag_at(L->diags, CLASM_SEV_ERROR, "unknown-role", ctx->file, d->line, d->column,
                    "negotiation.deviations: '%s' is not one of negotiation.roles", dev);
        }
    }
}

static void load_settings(loader *L, const char *dir)
{
    char *path = path_join(dir, "library.yaml");
    if (!path) {
        L->oom = 1;
        return;
    }
    const yt_node *root = load_yaml(L, path);
    free(path);
    if (!root)
        return;
    clasm_library *lib = L->lib;
    const char *file = lib->docs[lib->ndocs - 1] ? yt_name(lib->docs[lib->ndocs - 1]) : "";
    yt_ctx ctx = {file, L->diags};
    static const char *const keys[] = {"categories",  "terms",     "values", "template_terms",
                                       "negotiation", "screening", NULL};
    static const char *const required[] = {"categories", NULL};
    yt_check_keys(&ctx, root, "", keys, required);
    load_template_terms(L, &ctx, root);
    load_negotiation(L, &ctx, root);
    load_screening(L, &ctx, root, dir);
    lib->settings_file = file;
    if (values_parse_settings(yt_get(root, "values"), file, &lib->values, L->diags) < 0) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < root->count; i++)
        if (strcmp(root->pairs[i].key->scalar, "values") == 0) {
            /* Diagnostics about the settings as a whole point at the key. */
            lib->values.line = root->pairs[i].key->line;
            lib->values.column = root->pairs[i].key->column;
        }

    const yt_node *cats = yt_get(root, "categories");
    if (cats && yt_expect(&ctx, cats, YT_SEQUENCE, "categories")) {
        for (size_t i = 0; i < cats->count; i++) {
            char p[64];
            snprintf(p, sizeof p, "categories[%zu]", i);
            const yt_node *c = cats->items[i];
            if (!yt_expect(&ctx, c, YT_MAPPING, p))
                continue;
            static const char *const ckeys[] = {"id", "title", "description", NULL};
            static const char *const creq[] = {"id", "title", NULL};
            yt_check_keys(&ctx, c, p, ckeys, creq);
            const char *id = yt_get_str(&ctx, c, "id", p, 0);
            const char *title = yt_get_str(&ctx, c, "title", p, 0);
            if (!id)
                continue;
            if (!valid_id(id, 0)) {
                bad_id(L, file, c, p, "category id");
                continue;
            }
            int dup = 0;
            for (size_t j = 0; j < lib->ncategories; j++)
                if (strcmp(lib->categories[j].id, id) == 0)
                    dup = 1;
            if (dup) {
                const yt_node *n = yt_get(c, "id");
                diag_at(L->diags, CLASM_SEV_ERROR, "duplicate-id", file, n->line, n->column,
                        "category '%s' is declared twice", id);
                continue;
            }
            lib_category *cat = grow(&lib->categories, &lib->ncategories, sizeof *cat);
            if (!cat) {
                L->oom = 1;
                return;
            }
            cat->id = id;
            cat->title = title ? title : id;
        }
        if (cats->count == 0)
            diag_at(L->diags, CLASM_SEV_ERROR, "empty-list", file, cats->line, cats->column,
                    "categories is empty; declare at least one category");
    }

    const yt_node *terms = yt_get(root, "terms");
    if (terms && !yt_is_null(terms) && yt_expect(&ctx, terms, YT_MAPPING, "terms")) {
        for (size_t i = 0; i < terms->count; i++) {
            const char *key = terms->pairs[i].key->scalar;
            char p[160];
            snprintf(p, sizeof p, "terms.%.100s", key);
            const yt_node *t = terms->pairs[i].value;
            if (!valid_id(key, 0)) {
                diag_at(L->diags, CLASM_SEV_ERROR, "invalid-id", file, terms->pairs[i].key->line,
                        terms->pairs[i].key->column,
                        "terms: '%s' is not a valid key (lowercase letters, digits, '-' and "
                        "'_')",
                        key);
                continue;
            }
            if (!yt_expect(&ctx, t, YT_MAPPING, p))
                continue;
            static const char *const tkeys[] = {"label",    "description", "example", "kind",
                                                "currency", "default",     "used_by", NULL};
            static const char *const treq[] = {"description", "example", NULL};
            yt_check_keys(&ctx, t, p, tkeys, treq);
            lib_term *term = grow(&lib->terms, &lib->nterms, sizeof *term);
            if (!term) {
                L->oom = 1;
                return;
            }
            term->key = key;
            term->line = terms->pairs[i].key->line;
            term->column = terms->pairs[i].key->column;
            term->label = yt_get_str(&ctx, t, "label", p, 0);
            term->description = yt_get_str(&ctx, t, "description", p, 0);
            term->example = yt_get_str(&ctx, t, "example", p, 0);
            values_parse_term(t, file, p, term, L->diags);
        }
    }
}

/* ---- risks.yaml ---- */

static int find_area(const clasm_library *lib, const char *id)
{
    for (size_t i = 0; i < lib->nareas; i++)
        if (strcmp(lib->areas[i].id, id) == 0)
            return (int)i;
    return -1;
}

static void load_areas(loader *L, yt_ctx *ctx, const yt_node *areas)
{
    clasm_library *lib = L->lib;
    if (!areas || !yt_expect(ctx, areas, YT_SEQUENCE, "areas"))
        return;
    for (size_t i = 0; i < areas->count; i++) {
        char p[64];
        snprintf(p, sizeof p, "areas[%zu]", i);
        const yt_node *a = areas->items[i];
        if (!yt_expect(ctx, a, YT_MAPPING, p))
            continue;
        static const char *const keys[] = {"id", "title", "description", NULL};
        static const char *const req[] = {"id", "title", NULL};
        yt_check_keys(ctx, a, p, keys, req);
        const char *id = yt_get_str(ctx, a, "id", p, 0);
        if (!id)
            continue;
        if (!valid_id(id, 0)) {
            bad_id(L, ctx->file, a, p, "area id");
            continue;
        }
        if (find_area(lib, id) >= 0) {
            const yt_node *n = yt_get(a, "id");
            diag_at(L->diags, CLASM_SEV_ERROR, "duplicate-id", ctx->file, n->line, n->column,
                    "area '%s' is declared twice", id);
            continue;
        }
        lib_area *area = grow(&lib->areas, &lib->nareas, sizeof *area);
        if (!area) {
            L->oom = 1;
            return;
        }
        area->id = id;
        area->title = yt_get_str(ctx, a, "title", p, 0);
        area->description = yt_get_str(ctx, a, "description", p, 0);
    }
}

static void load_tiers(loader *L, yt_ctx *ctx, const yt_node *tiers)
{
    clasm_library *lib = L->lib;
    if (!tiers || !yt_expect(ctx, tiers, YT_SEQUENCE, "tiers"))
        return;
    if (tiers->count == 0) {
        diag_at(L->diags, CLASM_SEV_ERROR, "empty-list", ctx->file, tiers->line, tiers->column,
                "tiers is empty; declare at least one tier with min_score 0");
        return;
    }
    for (size_t i = 0; i < tiers->count; i++) {
        char p[64];
        snprintf(p, sizeof p, "tiers[%zu]", i);
        const yt_node *t = tiers->items[i];
        if (!yt_expect(ctx, t, YT_MAPPING, p))
            continue;
        static const char *const keys[] = {"id", "min_score", "escalate", "description", NULL};
        static const char *const req[] = {"id", "min_score", NULL};
        yt_check_keys(ctx, t, p, keys, req);
        const char *id = yt_get_str(ctx, t, "id", p, 0);
        long min = 0;
        int have_min = yt_get_int(ctx, t, "min_score", p, 0, 0, 1000000, &min);
        int escalate = 0;
        yt_get_bool(ctx, t, "escalate", p, 0, &escalate);
        if (!id)
            continue;
        if (!valid_id(id, 0)) {
            bad_id(L, ctx->file, t, p, "tier id");
            continue;
        }
        const yt_node *idn = yt_get(t, "id");
        if (library_tier_rank(lib, id) >= 0) {
            diag_at(L->diags, CLASM_SEV_ERROR, "duplicate-id", ctx->file, idn->line, idn->column,
                    "tier '%s' is declared twice", id);
            continue;
        }
        if (!have_min)
            continue;
        if (lib->ntiers == 0 && min != 0) {
            const yt_node *n = yt_get(t, "min_score");
            diag_at(L->diags, CLASM_SEV_ERROR, "tier-order", ctx->file, n->line, n->column,
                    "%s.min_score: the first tier must start at 0, not %ld", p, min);
        } else if (lib->ntiers > 0 && min <= lib->tiers[lib->ntiers - 1].min_score) {
            const yt_node *n = yt_get(t, "min_score");
            diag_at(L->diags, CLASM_SEV_ERROR, "tier-order", ctx->file, n->line, n->column,
                    "%s.min_score: tiers must ascend; %ld is not above tier '%s' (%ld)", p, min,
                    lib->tiers[lib->ntiers - 1].id, lib->tiers[lib->ntiers - 1].min_score);
        }
        if (escalate && i + 1 != tiers->count) {
            const yt_node *n = yt_get(t, "escalate");
            diag_at(L->diags, CLASM_SEV_ERROR, "escalate-not-top", ctx->file, n->line, n->column,
                    "%s.escalate: only the top tier may escalate to counsel", p);
        }
        lib_tier *tier = grow(&lib->tiers, &lib->ntiers, sizeof *tier);
        if (!tier) {
            L->oom = 1;
            return;
        }
        tier->id = id;
        tier->min_score = min;
        tier->escalate = escalate;
        tier->description = yt_get_str(ctx, t, "description", p, 0);
    }
}

static void load_risks(loader *L, yt_ctx *ctx, const yt_node *risks)
{
    clasm_library *lib = L->lib;
    if (!risks || !yt_expect(ctx, risks, YT_SEQUENCE, "risks"))
        return;
    for (size_t i = 0; i < risks->count; i++) {
        char p[64];
        snprintf(p, sizeof p, "risks[%zu]", i);
        const yt_node *r = risks->items[i];
        if (!yt_expect(ctx, r, YT_MAPPING, p))
            continue;
        static const char *const keys[] = {
            "id",        "area",         "title",          "description", "weight", "guidance",
            "documents", "suggest_when", "suggest_reason", "escalate",    NULL};
        static const char *const req[] = {"id",     "area",     "title", "description",
                                          "weight", "guidance", NULL};
        yt_check_keys(ctx, r, p, keys, req);
        const char *id = yt_get_str(ctx, r, "id", p, 0);
        const char *area = yt_get_str(ctx, r, "area", p, 0);
        long weight = 0;
        int have_weight = yt_get_int(ctx, r, "weight", p, 0, 1, 5, &weight);
        const yt_node *docs = yt_get_str_list(ctx, r, "documents", p, 0);
        char dp[80];
        snprintf(dp, sizeof dp, "%s.documents", p);
        lib_docmask mask = LIB_DOC_ALL;
        if (docs)
            doc_mask(L, ctx->file, docs, dp, &mask);
        if (area && find_area(lib, area) < 0) {
            const yt_node *n = yt_get(r, "area");
            diag_at(L->diags, CLASM_SEV_ERROR, "unknown-area", ctx->file, n->line, n->column,
                    "%s.area: '%s' is not one of the areas declared under 'areas'", p, area);
        }
        if (!id)
            continue;
        const yt_node *idn = yt_get(r, "id");
        const char *dot = strchr(id, '.');
        if (!valid_id(id, 1) || !dot || strchr(dot + 1, '.')) {
            diag_at(L->diags, CLASM_SEV_ERROR, "invalid-id", ctx->file, idn->line, idn->column,
                    "%s.id: '%s' is not a valid risk id; write it as AREA.NAME", p, id);
            continue;
        }
        if (area &&
            (strncmp(id, area, (size_t)(dot - id)) != 0 || strlen(area) != (size_t)(dot - id))) {
            diag_at(L->diags, CLASM_SEV_ERROR, "risk-area-mismatch", ctx->file, idn->line,
                    idn->column, "%s.id: '%s' must start with its area '%s.'", p, id, area);
        }
        const lib_risk *other = library_risk(lib, id);
        if (other) {
            diag_at(L->diags, CLASM_SEV_ERROR, "duplicate-id", ctx->file, idn->line, idn->column,
                    "risk '%s' is declared twice (first at %s:%d)", id, other->file, other->line);
            continue;
        }
        if (over_limit(L, lib->nrisks, LIB_MAX_RISKS, "risks", ctx->file, idn->line))
            return;
        lib_risk *risk = grow(&lib->risks, &lib->nrisks, sizeof *risk);
        if (!risk) {
            L->oom = 1;
            return;
        }
        risk->id = id;
        risk->area = area;
        risk->title = yt_get_str(ctx, r, "title", p, 0);
        risk->description = yt_get_str(ctx, r, "description", p, 0);
        risk->guidance = yt_get_str(ctx, r, "guidance", p, 0);
        risk->weight = have_weight ? (int)weight : 0;
        yt_get_bool(ctx, r, "escalate", p, 0, &risk->escalate);
        risk->documents = mask;
        risk->file = ctx->file;
        risk->line = idn->line;
        risk->column = idn->column;
        risk->suggest_src = yt_get_str(ctx, r, "suggest_when", p, 0);
        risk->suggest_reason = yt_get_str(ctx, r, "suggest_reason", p, 0);
        const yt_node *when = yt_get(r, "suggest_when"), *why = yt_get(r, "suggest_reason");
        risk->suggest_node = when;
        if (when && !why)
            diag_at(L->diags, CLASM_SEV_ERROR, "suggest-without-reason", ctx->file, when->line,
                    when->column,
                    "%s.suggest_when: give the sentence of reasoning the user will read as "
                    "suggest_reason",
                    p);
        else if (why && !when)
            diag_at(L->diags, CLASM_SEV_ERROR, "reason-without-suggest", ctx->file, why->line,
                    why->column,
                    "%s.suggest_reason: there is no suggest_when saying which deal facts suggest "
                    "the risk",
                    p);
    }
}

static void load_catalogue(loader *L, const char *dir)
{
    char *path = path_join(dir, "risks.yaml");
    if (!path) {
        L->oom = 1;
        return;
    }
    const yt_node *root = load_yaml(L, path);
    free(path);
    if (!root)
        return;
    /* Clauses are checked against what loaded, even when some of the
     * catalogue is wrong, so that every problem shows in one run. */
    L->catalogue_ok = 1;
    yt_ctx ctx = {yt_name(L->lib->docs[L->lib->ndocs - 1]), L->diags};
    static const char *const keys[] = {"areas", "tiers", "risks", NULL};
    yt_check_keys(&ctx, root, "", keys, keys);
    load_areas(L, &ctx, yt_get(root, "areas"));
    load_tiers(L, &ctx, yt_get(root, "tiers"));
    load_risks(L, &ctx, yt_get(root, "risks"));
}

/* ---- countries.yaml (optional) ---- */

static int country_known(void *ctx, const char *code, char **why)
{
    return values_country_name(ctx, code, why) != NULL;
}

static void load_countries(loader *L, const char *dir)
{
    char *path = path_join(dir, "countries.yaml");
    if (!path) {
        L->oom = 1;
        return;
    }
    int present = is_file(path);
    const yt_node *root = present ? load_yaml(L, path) : NULL;
    free(path);
    if (!root)
        return;
    const char *file = yt_name(L->lib->docs[L->lib->ndocs - 1]);
    if (countries_read(&L->lib->countries, root, file, country_known, L->lib, L->diags) != 0)
        L->oom = 1;
}

/* ---- clauses ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The .yaml file names of a folder, sorted; NULL with *n 0 when none. */
static char **yaml_files(loader *L, const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".yaml"))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **v = realloc(names, cap * sizeof *v);
            if (!v) {
                L->oom = 1;
                break;
            }
            names = v;
        }
        names[*n] = strdup(e->d_name);
        if (!names[*n]) {
            L->oom = 1;
            break;
        }
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void check_expr_location(const yt_node *n, int col, int *line, int *column)
{
    *line = n->line;
    *column = n->column;
    /* A plain or quoted scalar on one line: point at the offending column. */
    if (!strchr(n->scalar, '\n') && col > 0)
        *column = n->column + (n->plain ? 0 : 1) + col - 1;
}

/* The suggest_when of every risk, parsed once the catalogue's names are
 * known. A suggestion reads the deal's own facts and the risks it lists:
 * not the tier, score or document, which follow from the risks chosen. */
static void compile_suggestions(loader *L)
{
    clasm_library *lib = L->lib;
    expr_fact_def *defs = calloc(lib->nfact_defs + 1, sizeof *defs);
    size_t ndefs = 0;
    if (!defs) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < lib->nfact_defs; i++) {
        const char *n = lib->fact_defs[i].name;
        if (strcmp(n, "tier") != 0 && strcmp(n, "score") != 0 && strcmp(n, "document") != 0)
            defs[ndefs++] = lib->fact_defs[i];
    }
    for (size_t i = 0; i < lib->nrisks; i++) {
        lib_risk *r = &lib->risks[i];
        const yt_node *n = r->suggest_src ? r->suggest_node : NULL;
        if (!n)
            continue;
        char what[160];
        snprintf(what, sizeof what, "%.120s.suggest_when", r->id);
        expr *e = NULL;
        char *err = NULL;
        int col = 0, line, column;
        if (expr_parse(r->suggest_src, &e, &err, &col) != 0) {
            check_expr_location(n, col, &line, &column);
            diag_at(L->diags, CLASM_SEV_ERROR, "bad-expression", r->file, line, column, "%s: %s",
                    what, err ? err : "out of memory");
            free(err);
            continue;
        }
        expr_names names;
        library_expr_names(lib, &names, 0);
        names.facts = defs;
        names.nfacts = ndefs;
        if (expr_check(e, &names, &err, &col) != 0) {
            check_expr_location(n, col, &line, &column);
            diag_at(L->diags, CLASM_SEV_ERROR, "unknown-name", r->file, line, column, "%s: %s%s",
                    what, err ? err : "out of memory",
                    "; a suggestion reads the deal's facts and listed risks, not its tier, "
                    "score or document");
            free(err);
            expr_free(e);
            continue;
        }
        r->suggest = e;
    }
    free(defs);
}

/* An expression of a clause (when:, a because case's if:), parsed and
 * checked against the library's names; errors at its place, prefixed with
 * what. NULL when it does not parse. */
static expr *clause_expr(loader *L, const yt_node *n, const char *src, const char *file,
                         const char *what)
{
    expr *e = NULL;
    char *err = NULL;
    int col = 0, line, column;
    if (expr_parse(src, &e, &err, &col) != 0) {
        check_expr_location(n, col, &line, &column);
        diag_at(L->diags, CLASM_SEV_ERROR, "bad-expression", file, line, column, "%s: %s", what,
                err ? err : "out of memory");
        free(err);
        return NULL;
    }
    expr_names names;
    library_expr_names(L->lib, &names, 0);
    if (!L->catalogue_ok) {
        names.risks = NULL;
        names.tiers = NULL;
    }
    if (expr_check(e, &names, &err, &col) != 0) {
        check_expr_location(n, col, &line, &column);
        diag_at(L->diags, CLASM_SEV_ERROR, "unknown-name", file, line, column, "%s: %s", what,
                err ? err : "out of memory");
        free(err);
    }
    return e;
}

/* because: as cases, each {if: EXPR, words: TEXT}. */
static void load_because_cases(loader *L, yt_ctx *ctx, lib_clause *c, const yt_node *seq,
                               const char *file)
{
    c->because_cases = calloc(seq->count + 1, sizeof *c->because_cases);
    if (!c->because_cases) {
        L->oom = 1;
        return;
    }
    if (seq->count == 0)
        diag_at(L->diags, CLASM_SEV_ERROR, "empty-because", file, seq->line, seq->column,
                "because: an empty list; give the wording as text, or as cases "
                "(- if: EXPR / words: TEXT)");
    static const char *const keys[] = {"if", "words", NULL};
    for (size_t i = 0; i < seq->count; i++) {
        char path[32];
        snprintf(path, sizeof path, "because[%zu]", i);
        const yt_node *item = seq->items[i];
        if (!yt_expect(ctx, item, YT_MAPPING, path))
            continue;
        yt_check_keys(ctx, item, path, keys, keys);
        lib_because_case *k = &c->because_cases[c->nbecause_cases];
        k->words = yt_get_str(ctx, item, "words", path, 1);
        k->if_src = yt_get_str(ctx, item, "if", path, 1);
        const yt_node *cond = yt_get(item, "if");
        if (!k->words || !k->if_src || !cond)
            continue;
        k->line = cond->line;
        k->column = cond->column;
        char what[48];
        snprintf(what, sizeof what, "because[%zu].if", i);
        k->cond = clause_expr(L, cond, k->if_src, file, what);
        c->nbecause_cases++;
    }
}

/* What a clause owns besides strings in the YAML documents. */
static void free_clause(lib_clause *c)
{
    expr_free(c->when);
    for (size_t i = 0; i < c->nbecause_cases; i++)
        expr_free(c->because_cases[i].cond);
    free(c->because_cases);
    free(c->addresses);
    free(c->requires);
    free(c->excludes);
    free(c->replaces);
    free(c->guidance);
    ct_free(c->tree);
    for (size_t i = 0; i < c->ndefines; i++)
        ct_free(c->defines[i].tree);
    free(c->defines);
    for (size_t i = 0; i < c->nfallbacks; i++)
        ct_free(c->fallbacks[i].tree);
    free(c->fallbacks);
}

/* Where an offset of a scalar's text is in its file, for the clause tree
 * (whose offsets mostly come in increasing order: yt_locator). 0 when the
 * place cannot be told (an escape in a double-quoted text): the node's
 * position is then left at 0 and messages point at the text. */
static int locate_in_scalar(void *ctx, size_t offset, int *line, int *col)
{
    return yt_locator_at(ctx, offset, line, col);
}

/* Parses markup and places its nodes in the file. */
static ct_tree *parse_markup(loader *L, const yt_doc *doc, const yt_node *node, const char *text)
{
    ct_tree *t = ct_parse(text);
    if (!t) {
        L->oom = 1;
        return NULL;
    }
    if (node) {
        yt_locator a;
        yt_locator_init(&a, doc, node);
        ct_locate(t, locate_in_scalar, &a);
    }
    return t;
}

/* defines: {Term: "means ..."}: the terms this clause defines for the
 * draft's list of definitions. */
static void load_defines(loader *L, lib_clause *c, const yt_doc *doc, const yt_node *root)
{
    const yt_node *d = yt_get(root, "defines");
    if (!d)
        return;
    if (d->kind != YT_MAPPING || d->count == 0) {
        diag_at(L->diags, CLASM_SEV_ERROR, "wrong-type", c->file, d->line, d->column,
                "defines must be a mapping of each term to its definition, e.g. "
                "defines: {Product: \"means ...\"}");
        return;
    }
    c->defines = calloc(d->count, sizeof *c->defines);
    if (!c->defines) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < d->count; i++) {
        const yt_node *k = d->pairs[i].key, *v = d->pairs[i].value;
        if (!valid_term(k->scalar)) {
            diag_at(L->diags, CLASM_SEV_ERROR, "invalid-term", c->file, k->line, k->column,
                    "defines: '%s' is not a term: a term starts with a capital letter and has "
                    "words of letters and digits, e.g. Authorized Purpose",
                    k->scalar);
            continue;
        }
        if (v->kind != YT_SCALAR || yt_is_null(v) || !*v->scalar) {
            diag_at(L->diags, CLASM_SEV_ERROR, "wrong-type", c->file, v->line, v->column,
                    "defines.%s must be the definition's text, e.g. \"means ...\"", k->scalar);
            continue;
        }
        lib_definition *def = &c->defines[c->ndefines++];
        def->term = k->scalar;
        def->text = v->scalar;
        def->line = k->line;
        def->column = k->column;
        def->tree = parse_markup(L, doc, v, v->scalar);
    }
}

/* negotiable: and fallbacks: [{version, approver, max_tier, note, text}]:
 * the clause's playbook. */
static void load_fallbacks(loader *L, yt_ctx *ctx, lib_clause *c, const yt_doc *doc,
                           const yt_node *root)
{
    clasm_library *lib = L->lib;
    c->negotiable = 1;
    c->negotiable_node = yt_get(root, "negotiable");
    yt_get_bool(ctx, root, "negotiable", "", 0, &c->negotiable);
    const yt_node *seq = yt_get(root, "fallbacks");
    if (!seq || !yt_expect(ctx, seq, YT_SEQUENCE, "fallbacks"))
        return;
    if (!c->negotiable && seq->count) {
        diag_at(L->diags, CLASM_SEV_ERROR, "fallback-not-negotiable", c->file, seq->line,
                seq->column,
                "fallbacks: the clause says negotiable: false, so it can have no approved "
                "fallback; remove one or the other");
    }
    if (seq->count == 0)
        diag_at(L->diags, CLASM_SEV_ERROR, "empty-list", c->file, seq->line, seq->column,
                "fallbacks is empty; list the approved alternatives or leave the key out");
    c->fallbacks = calloc(seq->count + 1, sizeof *c->fallbacks);
    if (!c->fallbacks) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < seq->count; i++) {
        char p[40];
        snprintf(p, sizeof p, "fallbacks[%zu]", i);
        const yt_node *item = seq->items[i];
        if (!yt_expect(ctx, item, YT_MAPPING, p))
            continue;
        static const char *const keys[] = {"version", "approver", "max_tier", "note", "text", NULL};
        static const char *const req[] = {"version", "approver", "note", "text", NULL};
        yt_check_keys(ctx, item, p, keys, req);
        lib_fallback *f = &c->fallbacks[c->nfallbacks];
        f->node = item;
        f->line = item->line;
        f->column = item->column;
        f->max_tier = -1;
        f->approver_rank = -1;
        long version = 0;
        if (yt_get_int(ctx, item, "version", p, 0, 1, 1000000, &version))
            f->version = (int)version;
        f->approver = yt_get_str(ctx, item, "approver", p, 0);
        f->approver_node = yt_get(item, "approver");
        f->note = yt_get_str(ctx, item, "note", p, 0);
        f->text = yt_get_str(ctx, item, "text", p, 0);
        f->max_tier_id = yt_get_str(ctx, item, "max_tier", p, 0);
        f->max_tier_node = yt_get(item, "max_tier");
        if (f->approver) {
            f->approver_rank = library_role_rank(lib, f->approver);
            f->approver_title =
                f->approver_rank >= 0 ? lib->roles[f->approver_rank].title : f->approver;
            if (f->approver_rank < 0) {
                const char **ids = calloc(lib->nroles + 1, sizeof *ids);
                for (size_t r = 0; ids && r < lib->nroles; r++)
                    ids[r] = lib->roles[r].id;
                const char *s = ids ? yt_suggest(f->approver, ids, lib->nroles) : NULL;
                diag_at(L->diags, CLASM_SEV_ERROR, "unknown-role", c->file, f->approver_node->line,
                        f->approver_node->column,
                        "%s.approver: '%s' is not a role of library.yaml's negotiation.roles%s%s%s",
                        p, f->approver, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
                free(ids);
            }
        }
        if (f->max_tier_id) {
            f->max_tier = library_tier_rank(lib, f->max_tier_id);
            if (f->max_tier < 0 && L->catalogue_ok) {
                const char *s = yt_suggest(f->max_tier_id, lib->tier_ids, lib->ntiers);
                diag_at(L->diags, CLASM_SEV_ERROR, "unknown-tier", c->file, f->max_tier_node->line,
                        f->max_tier_node->column, "%s.max_tier: unknown tier '%s'%s%s%s", p,
                        f->max_tier_id, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
            }
        }
        if (f->text && !*f->text) {
            const yt_node *n = yt_get(item, "text");
            diag_at(L->diags, CLASM_SEV_ERROR, "empty-text", c->file, n->line, n->column,
                    "%s.text is empty", p);
        }
        if (!f->text || !f->approver || !f->version)
            continue;
        f->tree = parse_markup(L, doc, yt_get(item, "text"), f->text);
        if (!f->tree)
            return;
        c->nfallbacks++;
    }
}

static void load_clause(loader *L, const char *category, size_t cat_index, const char *file,
                        const char *stem)
{
    const yt_node *root = load_yaml(L, file);
    if (!root)
        return;
    clasm_library *lib = L->lib;
    const char *name = yt_name(lib->docs[lib->ndocs - 1]);
    yt_ctx ctx = {name, L->diags};
    static const char *const keys[] = {
        "id",       "version",  "title",    "category",   "documents",  "addresses", "when",
        "min_tier", "requires", "excludes", "replaces",   "flows_down", "order",     "guidance",
        "text",     "defines",  "because",  "negotiable", "fallbacks",  NULL};
    static const char *const req[] = {"id",        "version", "title", "category",
                                      "documents", "text",    NULL};
    yt_check_keys(&ctx, root, "", keys, req);

    lib_clause c;
    memset(&c, 0, sizeof c);
    c.file = name;
    c.min_tier = -1;
    c.category = category;
    c.category_index = cat_index;
    int ok = 1;

    c.id = yt_get_str(&ctx, root, "id", "", 0);
    const yt_node *idn = yt_get(root, "id");
    if (idn) {
        c.line = idn->line;
        c.column = idn->column;
    } else {
        c.line = c.column = 1;
    }
    if (c.id) {
        size_t n = strlen(category) + 1 + strlen(stem) + 1;
        char *want = malloc(n);
        if (!want) {
            L->oom = 1;
            return;
        }
        snprintf(want, n, "%s.%s", category, stem);
        if (strcmp(c.id, want) != 0) {
            diag_at(L->diags, CLASM_SEV_ERROR, "clause-id-mismatch", name, idn->line, idn->column,
                    "id: '%s' must be '%s' (its folder and file name)", c.id, want);
            /* Kept in the list so that a clash with the file that owns the
             * id is reported too. */
        }
        free(want);
    } else {
        ok = 0;
    }
    const char *cat = yt_get_str(&ctx, root, "category", "", 0);
    if (cat && strcmp(cat, category) != 0) {
        const yt_node *n = yt_get(root, "category");
        diag_at(L->diags, CLASM_SEV_ERROR, "category-mismatch", name, n->line, n->column,
                "category: '%s' must be '%s', the folder the clause is in", cat, category);
    }
    long version = 0;
    if (yt_get_int(&ctx, root, "version", "", 0, 1, 1000000, &version))
        c.version = (int)version;
    c.title = yt_get_str(&ctx, root, "title", "", 0);
    if (c.title && !*c.title) {
        /* It would print as an empty numbered heading in every draft. */
        const yt_node *n = yt_get(root, "title");
        diag_at(L->diags, CLASM_SEV_ERROR, "empty-title", name, n->line, n->column,
                "title is empty; a clause's title is its heading in the draft");
    }
    c.text = yt_get_str(&ctx, root, "text", "", 0);
    if (c.text && !*c.text) {
        const yt_node *n = yt_get(root, "text");
        diag_at(L->diags, CLASM_SEV_ERROR, "empty-text", name, n->line, n->column, "text is empty");
    }
    /* The markup, read once here for every later use. */
    const yt_doc *ydoc = lib->docs[lib->ndocs - 1];
    c.tree = parse_markup(L, ydoc, c.text ? yt_get(root, "text") : NULL, c.text ? c.text : "");
    load_defines(L, &c, ydoc, root);
    load_fallbacks(L, &ctx, &c, ydoc, root);
    /* A list key written with nothing after it is a list left unfinished
     * (the JSON Schema refuses it too), not an empty one. */
    static const char *const lists[] = {"addresses", "requires", "excludes", "replaces",
                                        "guidance"};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        const yt_node *n = yt_get(root, lists[i]);
        if (n && yt_is_null(n))
            diag_at(L->diags, CLASM_SEV_ERROR, "missing-value", name, n->line, n->column,
                    "%s has no value; give a list such as [a, b] or leave the key out", lists[i]);
    }
    const yt_node *docs = yt_get_str_list(&ctx, root, "documents", "", 0);
    if (docs)
        doc_mask(L, name, docs, "documents", &c.documents);

    c.addresses_node = yt_get_str_list(&ctx, root, "addresses", "", 0);
    c.addresses = scalars(L, c.addresses_node, &c.naddresses);
    for (size_t i = 0; i < c.naddresses; i++) {
        const yt_node *it = seq_item_for(c.addresses_node, i);
        if (!L->catalogue_ok)
            break;
        int matched = 0;
        for (size_t r = 0; r < lib->nrisks && !matched; r++)
            matched = expr_glob_match(c.addresses[i], lib->risks[r].id);
        if (matched)
            continue;
        if (expr_is_glob(c.addresses[i])) {
            diag_at(L->diags, CLASM_SEV_ERROR, "unknown-risk", name, it->line, it->column,
                    "addresses[%zu]: no risk in the catalogue matches '%s'", i, c.addresses[i]);
        } else {
            const char *s = yt_suggest(c.addresses[i], lib->risk_ids, lib->nrisks);
            diag_at(L->diags, CLASM_SEV_ERROR, "unknown-risk", name, it->line, it->column,
                    "addresses[%zu]: unknown risk '%s'%s%s%s", i, c.addresses[i],
                    s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
        }
    }

    const yt_node *when = yt_get(root, "when");
    c.when_src = yt_get_str(&ctx, root, "when", "", 0);
    const yt_node *because = yt_get(root, "because");
    if (because && because->kind == YT_SEQUENCE)
        load_because_cases(L, &ctx, &c, because, name);
    else
        c.because = yt_get_str(&ctx, root, "because", "", 0);
    if (c.when_src && when) {
        c.when_line = when->line;
        c.when_column = when->column;
        c.when = clause_expr(L, when, c.when_src, name, "when");
    }

    const char *min_tier = yt_get_str(&ctx, root, "min_tier", "", 0);
    if (min_tier) {
        c.min_tier = library_tier_rank(lib, min_tier);
        if (c.min_tier < 0 && L->catalogue_ok) {
            const yt_node *n = yt_get(root, "min_tier");
            const char *s = yt_suggest(min_tier, lib->tier_ids, lib->ntiers);
            diag_at(L->diags, CLASM_SEV_ERROR, "unknown-tier", name, n->line, n->column,
                    "min_tier: unknown tier '%s'%s%s%s", min_tier, s ? " (did you mean '" : "",
                    s ? s : "", s ? "'?)" : "");
        }
    }
    c.requires_node = yt_get_str_list(&ctx, root, "requires", "", 0);
    c.requires = scalars(L, c.requires_node, &c.nrequires);
    c.excludes_node = yt_get_str_list(&ctx, root, "excludes", "", 0);
    c.excludes = scalars(L, c.excludes_node, &c.nexcludes);
    c.replaces_node = yt_get_str_list(&ctx, root, "replaces", "", 0);
    c.replaces = scalars(L, c.replaces_node, &c.nreplaces);
    const yt_node *guid = yt_get_str_list(&ctx, root, "guidance", "", 0);
    c.guidance = scalars(L, guid, &c.nguidance);
    yt_get_bool(&ctx, root, "flows_down", "", 0, &c.flows_down);
    if (c.flows_down && docs &&
        (!(c.documents & (1u << CLASM_DOC_RESELLER)) || !(c.documents & (1u << CLASM_DOC_EULA)))) {
        const yt_node *n = yt_get(root, "flows_down");
        diag_at(L->diags, CLASM_SEV_ERROR, "flows-down-documents", name, n->line, n->column,
                "flows_down: a clause the reseller must pass on needs both reseller-agreement "
                "and eula in its documents");
    }
    yt_get_int(&ctx, root, "order", "", 0, -1000000, 1000000, &c.order);

    if (!ok || !c.id || !c.tree ||
        over_limit(L, lib->nclauses, LIB_MAX_CLAUSES, "clauses", file, 1)) {
        free_clause(&c);
        return;
    }
    lib_clause *slot = grow(&lib->clauses, &lib->nclauses, sizeof *slot);
    if (!slot) {
        L->oom = 1;
        free_clause(&c);
        return;
    }
    *slot = c;
}

static int is_category(const clasm_library *lib, const char *name)
{
    for (size_t i = 0; i < lib->ncategories; i++)
        if (strcmp(lib->categories[i].id, name) == 0)
            return 1;
    return 0;
}

/* Files and folders that are not part of the library's layout. */
static void check_layout(loader *L, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **subdirs = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = path_join(dir, e->d_name);
        if (!p) {
            L->oom = 1;
            break;
        }
        if (is_file(p) && has_suffix(e->d_name, ".yaml") &&
            strcmp(e->d_name, "library.yaml") != 0 && strcmp(e->d_name, "risks.yaml") != 0 &&
            strcmp(e->d_name, "countries.yaml") != 0) {
            diag_at(L->diags, CLASM_SEV_ERROR, "unexpected-file", p, 0, 0,
                    "a clause file must be in a category folder (%s/CATEGORY/NAME.yaml)", dir);
        } else if (is_dir(p) && !is_category(L->lib, e->d_name)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                char **v = realloc(subdirs, cap * sizeof *v);
                if (!v) {
                    free(p);
                    L->oom = 1;
                    break;
                }
                subdirs = v;
            }
            subdirs[n++] = p;
            continue;
        }
        free(p);
    }
    closedir(d);
    if (n)
        qsort(subdirs, n, sizeof *subdirs, cmp_str);
    for (size_t i = 0; i < n; i++) {
        size_t nf = 0;
        char **files = yaml_files(L, subdirs[i], &nf);
        for (size_t j = 0; j < nf; j++) {
            char *p = path_join(subdirs[i], files[j]);
            if (!p) {
                L->oom = 1;
                break;
            }
            const char *folder = strrchr(subdirs[i], '/') + 1;
            diag_at(L->diags, CLASM_SEV_ERROR, "unknown-category", p, 0, 0,
                    "'%s' is not a category declared in library.yaml, so this clause has no "
                    "place in a document",
                    folder);
            free(p);
        }
        free_names(files, nf);
        free(subdirs[i]);
    }
    free(subdirs);
}

static void load_clauses(loader *L, const char *dir)
{
    clasm_library *lib = L->lib;
    for (size_t i = 0; i < lib->ncategories && !L->oom; i++) {
        char *sub = path_join(dir, lib->categories[i].id);
        if (!sub) {
            L->oom = 1;
            return;
        }
        size_t n = 0;
        char **files = yaml_files(L, sub, &n);
        for (size_t j = 0; j < n && !L->oom; j++) {
            char *p = path_join(sub, files[j]);
            if (!p) {
                L->oom = 1;
                break;
            }
            files[j][strlen(files[j]) - 5] = '\0'; /* the stem */
            load_clause(L, lib->categories[i].id, i, p, files[j]);
            free(p);
        }
        free_names(files, n);
        free(sub);
    }
}

static int cmp_clause(const void *a, const void *b)
{
    const lib_clause *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return strcmp(x->file, y->file);
}

/* requires / excludes / replaces must name other known clauses. */
static void check_refs(loader *L, const lib_clause *c, const char *key, const char **ids, size_t n,
                       const yt_node *seq, const char **all_ids)
{
    for (size_t i = 0; i < n; i++) {
        const yt_node *it = seq_item_for(seq, i);
        int line = it ? it->line : c->line, col = it ? it->column : c->column;
        if (strcmp(ids[i], c->id) == 0) {
            diag_at(L->diags, CLASM_SEV_ERROR, "self-reference", c->file, line, col,
                    "%s[%zu]: a clause cannot name itself", key, i);
            continue;
        }
        const lib_clause *t = library_clause(L->lib, ids[i]);
        if (!t) {
            const char *s = yt_suggest(ids[i], all_ids, L->lib->nclauses);
            diag_at(L->diags, CLASM_SEV_ERROR, "unknown-clause", c->file, line, col,
                    "%s[%zu]: unknown clause '%s'%s%s%s", key, i, ids[i],
                    s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
            continue;
        }
        if (strcmp(key, "requires") == 0 && (c->documents & ~t->documents)) {
            diag_at(L->diags, CLASM_SEV_ERROR, "requires-document-mismatch", c->file, line, col,
                    "requires[%zu]: '%s' may appear in fewer documents than '%s', so it could "
                    "not come in with it; give it the same documents",
                    i, ids[i], c->id);
        }
    }
}

/* Depth-first search for requires cycles; state 0 new, 1 on stack, 2 done. */
static void find_cycles(loader *L, size_t i, unsigned char *state, size_t *stack, size_t depth)
{
    clasm_library *lib = L->lib;
    state[i] = 1;
    stack[depth] = i;
    const lib_clause *c = &lib->clauses[i];
    for (size_t r = 0; r < c->nrequires; r++) {
        const lib_clause *t = library_clause(lib, c->requires[r]);
        if (!t || t == c)
            continue;
        size_t j = (size_t)(t - lib->clauses);
        if (state[j] == 1) {
            size_t len = 0, from = depth;
            while (stack[from] != j)
                from--;
            for (size_t k = from; k <= depth; k++)
                len += strlen(lib->clauses[stack[k]].id) + 4;
            len += strlen(t->id) + 1;
            char *path = malloc(len);
            if (!path) {
                L->oom = 1;
                continue;
            }
            path[0] = '\0';
            for (size_t k = from; k <= depth; k++) {
                strcat(path, lib->clauses[stack[k]].id);
                strcat(path, " -> ");
            }
            strcat(path, t->id);
            const yt_node *it = seq_item_for(c->requires_node, r);
            diag_at(L->diags, CLASM_SEV_ERROR, "requires-cycle", c->file, it ? it->line : c->line,
                    it ? it->column : c->column, "requires makes a cycle: %s", path);
            free(path);
        } else if (state[j] == 0) {
            find_cycles(L, j, state, stack, depth + 1);
        }
    }
    state[i] = 2;
}

static int hash_library(clasm_library *lib)
{
    for (size_t i = 0; i < lib->nclauses; i++) {
        lib_clause *c = &lib->clauses[i];
        const char *title = c->title ? c->title : "", *text = c->text ? c->text : "";
        sha256 *h = sha256_begin();
        sha256_add(h, title, strlen(title) + 1); /* the title's NUL included */
        sha256_add(h, text, strlen(text));
        for (size_t d = 0; d < c->ndefines; d++) {
            sha256_add(h, "", 1);
            sha256_add(h, c->defines[d].term, strlen(c->defines[d].term) + 1);
            sha256_add(h, c->defines[d].text, strlen(c->defines[d].text));
        }
        if (!sha256_end(h, c->text_hash))
            return 0;
        for (size_t f = 0; f < c->nfallbacks; f++) {
            sha256 *fh = sha256_begin();
            sha256_add(fh, c->fallbacks[f].text, strlen(c->fallbacks[f].text));
            if (!sha256_end(fh, c->fallbacks[f].text_hash))
                return 0;
        }
    }
    sha256 *h = sha256_begin();
    for (size_t i = 0; i < lib->nclauses; i++) {
        const lib_clause *c = &lib->clauses[i];
        char version[24];
        int vn = snprintf(version, sizeof version, "%d", c->version);
        sha256_add(h, c->id, strlen(c->id) + 1);
        sha256_add(h, version, (size_t)vn + 1);
        sha256_add(h, c->text_hash, 64);
        sha256_add(h, "\n", 1);
        /* The playbook is part of what a draft was made with: inspect
         * classifies against it. Only a clause that has one adds to it. */
        for (size_t f = 0; f < c->nfallbacks; f++) {
            const lib_fallback *fb = &c->fallbacks[f];
            char line[64];
            int ln = snprintf(line, sizeof line, "#%zu\t%d\t%d\t%d\t", f + 1, fb->version,
                              fb->approver_rank, fb->max_tier);
            sha256_add(h, line, (size_t)ln);
            sha256_add(h, fb->text_hash, 64);
            sha256_add(h, fb->note ? fb->note : "", fb->note ? strlen(fb->note) + 1 : 1);
            sha256_add(h, "\n", 1);
        }
        if (!c->negotiable)
            sha256_add(h, "!\n", 2);
    }
    return sha256_end(h, lib->fingerprint);
}

static void make_name_lists(loader *L)
{
    clasm_library *lib = L->lib;
    free(lib->risk_ids);
    free(lib->tier_ids);
    free(lib->term_keys);
    lib->risk_ids = calloc(lib->nrisks + 1, sizeof *lib->risk_ids);
    lib->tier_ids = calloc(lib->ntiers + 1, sizeof *lib->tier_ids);
    lib->term_keys = calloc(lib->nterms + 1, sizeof *lib->term_keys);
    if (!lib->risk_ids || !lib->tier_ids || !lib->term_keys) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < lib->nrisks; i++)
        lib->risk_ids[i] = lib->risks[i].id;
    for (size_t i = 0; i < lib->ntiers; i++)
        lib->tier_ids[i] = lib->tiers[i].id;
    for (size_t i = 0; i < lib->nterms; i++)
        lib->term_keys[i] = lib->terms[i].key;
    /* The capability facts take the library's capabilities as their values,
     * so that `capabilities contains X` names one the library has words for;
     * then the country profiles' facts of the customer and the reseller. */
    const country_profiles *cp = &lib->countries;
    lib->fact_defs = calloc(DEAL_NFIELDS + 2 * cp->ndefs + 1, sizeof *lib->fact_defs);
    lib->country_fact_names = calloc(2 * cp->ndefs + 1, sizeof *lib->country_fact_names);
    if (!lib->fact_defs || !lib->country_fact_names) {
        L->oom = 1;
        return;
    }
    lib->nfact_defs = deal_fact_defs(lib->fact_defs, lib->values.capability_ids);
    static const char *const parties[] = {"customer", "reseller"};
    for (size_t i = 0; i < 2 * cp->ndefs; i++) {
        const country_fact_def *d = &cp->defs[i / 2];
        char *name = str_printf("%s.country.%s", parties[i % 2], d->id);
        if (!name) {
            L->oom = 1;
            return;
        }
        lib->country_fact_names[i] = name;
        lib->fact_defs[lib->nfact_defs++] =
            (expr_fact_def){name, d->kind == COUNTRY_LIST ? EXPR_T_LIST : EXPR_T_PRESENCE,
                            d->kind == COUNTRY_LIST ? d->values : NULL};
    }
}

static clasm_status load_library(const char *dir, int keep, clasm_library **out,
                                 clasm_diags *diags);

clasm_status clasm_library_load(const char *dir, clasm_library **out, clasm_diags *diags)
{
    return load_library(dir, 0, out, diags);
}

clasm_status library_load_all(const char *dir, clasm_library **out, clasm_diags *diags)
{
    return load_library(dir, 1, out, diags);
}

static clasm_status load_library(const char *dir, int keep, clasm_library **out, clasm_diags *diags)
{
    *out = NULL;
    if (!is_dir(dir)) {
        diag_at(diags, CLASM_SEV_ERROR, "library-not-found", dir, 0, 0,
                "the clause library folder does not exist or is not a folder");
        return CLASM_E_IO;
    }
    char *settings = path_join(dir, "library.yaml");
    char *catalogue = path_join(dir, "risks.yaml");
    int missing = 0;
    if (!settings || !catalogue) {
        free(settings);
        free(catalogue);
        return CLASM_E_IO;
    }
    if (!is_file(settings)) {
        diag_at(diags, CLASM_SEV_ERROR, "missing-file", settings, 0, 0,
                "the library has no library.yaml (category order and terms)");
        missing = 1;
    }
    if (!is_file(catalogue)) {
        diag_at(diags, CLASM_SEV_ERROR, "missing-file", catalogue, 0, 0,
                "the library has no risks.yaml (the risk catalogue)");
        missing = 1;
    }
    free(settings);
    free(catalogue);
    if (missing)
        return CLASM_E_INPUT;

    clasm_library *lib = calloc(1, sizeof *lib);
    if (!lib || !(lib->dir = strdup(dir))) {
        free(lib);
        return CLASM_E_IO;
    }
    loader L = {lib, diags, 0, 0, 0};
    size_t before = clasm_diags_errors(diags);
    /* The ISO country and currency lists: without them no deal's country
     * or currency can be checked, which is an installation problem. */
    clasm_status iso = iso_codes_load(&lib->iso, diags);
    if (iso != CLASM_OK) {
        clasm_library_free(lib);
        return iso;
    }
    load_settings(&L, dir);
    load_catalogue(&L, dir);
    load_countries(&L, dir);
    make_name_lists(&L);
    if (!L.oom && L.catalogue_ok)
        compile_suggestions(&L);
    if (!L.oom)
        values_check_library(lib, diags);
    check_layout(&L, dir);
    load_clauses(&L, dir);
    if (lib->nclauses)
        qsort(lib->clauses, lib->nclauses, sizeof *lib->clauses, cmp_clause);
    const char **ids = calloc(lib->nclauses + 1, sizeof *ids);
    if (!ids)
        L.oom = 1;
    for (size_t i = 0; ids && i < lib->nclauses; i++) {
        ids[i] = lib->clauses[i].id;
        if (i > 0 && strcmp(lib->clauses[i - 1].id, lib->clauses[i].id) == 0) {
            const lib_clause *a = &lib->clauses[i - 1], *b = &lib->clauses[i];
            diag_at(diags, CLASM_SEV_ERROR, "duplicate-id", b->file, b->line, b->column,
                    "clause '%s' is also defined in %s", b->id, a->file);
        }
    }
    for (size_t i = 0; ids && i < lib->nclauses; i++) {
        const lib_clause *c = &lib->clauses[i];
        check_refs(&L, c, "requires", c->requires, c->nrequires, c->requires_node, ids);
        check_refs(&L, c, "excludes", c->excludes, c->nexcludes, c->excludes_node, ids);
        check_refs(&L, c, "replaces", c->replaces, c->nreplaces, c->replaces_node, ids);
    }
    free(ids);
    unsigned char *state = calloc(lib->nclauses + 1, 1);
    size_t *stack = calloc(lib->nclauses + 1, sizeof *stack);
    if (!state || !stack)
        L.oom = 1;
    for (size_t i = 0; state && stack && i < lib->nclauses; i++)
        if (state[i] == 0)
            find_cycles(&L, i, state, stack, 0);
    free(state);
    free(stack);
    if (!L.oom && !hash_library(lib))
        L.oom = 1;
    if (!L.oom && !(lib->glossary = glossary_index_new(lib)))
        L.oom = 1;

    if (L.oom) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", dir, 0, 0,
                "ran out of memory while loading the library");
        clasm_library_free(lib);
        return CLASM_E_IO;
    }
    if (clasm_diags_errors(diags) > before) {
        if (keep)
            *out = lib;
        else
            clasm_library_free(lib);
        return CLASM_E_INPUT;
    }
    *out = lib;
    return CLASM_OK;
}

const char *clasm_library_dir(const clasm_library *lib)
{
    return lib ? lib->dir : NULL;
}

const char *clasm_library_screen_list(const clasm_library *lib)
{
    return lib ? lib->screen_list : NULL;
}

void clasm_library_free(clasm_library *lib)
{
    if (!lib)
        return;
    for (size_t i = 0; i < lib->nclauses; i++)
        free_clause(&lib->clauses[i]);
    free(lib->clauses);
    for (size_t i = 0; i < lib->nrisks; i++)
        expr_free(lib->risks[i].suggest);
    free(lib->risks);
    for (size_t i = 0; lib->country_fact_names && i < 2 * lib->countries.ndefs; i++)
        free(lib->country_fact_names[i]);
    free(lib->country_fact_names);
    countries_free(&lib->countries);
    free(lib->fact_defs);
    free(lib->legal_forms);
    free(lib->screen_list);
    free(lib->roles);
    free(lib->tiers);
    free(lib->areas);
    free(lib->terms);
    free(lib->template_terms);
    free(lib->categories);
    free(lib->risk_ids);
    free(lib->tier_ids);
    free(lib->term_keys);
    values_settings_free(&lib->values);
    glossary_index_free(lib->glossary);
    iso_codes_free(lib->iso);
    for (size_t i = 0; i < lib->ndocs; i++)
        yt_free(lib->docs[i]);
    free(lib->docs);
    free(lib->dir);
    free(lib);
}

const lib_clause *library_clause(const clasm_library *lib, const char *id)
{
    size_t lo = 0, hi = lib->nclauses;
    while (lo < hi) { /* clauses are sorted by id once loaded */
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(lib->clauses[mid].id, id);
        if (c == 0)
            return &lib->clauses[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const lib_risk *library_risk(const clasm_library *lib, const char *id)
{
    for (size_t i = 0; i < lib->nrisks; i++)
        if (strcmp(lib->risks[i].id, id) == 0)
            return &lib->risks[i];
    return NULL;
}

int library_role_rank(const clasm_library *lib, const char *id)
{
    for (size_t i = 0; id && i < lib->nroles; i++)
        if (strcmp(lib->roles[i].id, id) == 0)
            return (int)i;
    return -1;
}

int library_tier_rank(const clasm_library *lib, const char *id)
{
    for (size_t i = 0; i < lib->ntiers; i++)
        if (strcmp(lib->tiers[i].id, id) == 0)
            return (int)i;
    return -1;
}

void library_expr_names(const clasm_library *lib, expr_names *out, int any_terms)
{
    memset(out, 0, sizeof *out);
    out->facts = lib->fact_defs;
    out->nfacts = lib->nfact_defs;
    out->risks = lib->risk_ids;
    out->nrisks = lib->nrisks;
    out->tiers = lib->tier_ids;
    out->ntiers = lib->ntiers;
    out->terms = lib->term_keys;
    out->nterms = lib->nterms;
    out->any_terms = any_terms;
}
