/* `clasm lint`: checks a clause library for counsel. Loading (library.c)
 * already checks every file's format, ids, references, cycles and
 * expressions; this adds placeholders, markup, coverage, unreachable clauses
 * and the lock file (clauses/README.md "The lock file"). */
#include "lint.h"
#include "deal.h"
#include "diag.h"
#include "json_text.h"
#include "clause_tree.h"
#include "glossary.h"
#include "iso_time.h"
#include "strbuf.h"
#include "strfmt.h"
#include "tags.h"
#include "values.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_NAME "library.lock"

/* ------------------------------------------------------------ helpers */

typedef struct {
    lint_issue *items;
    size_t n, cap;
    int oom;
} issue_list;

static void issue(issue_list *l, clasm_severity sev, const char *id, size_t offset, char *message)
{
    if (!message) {
        l->oom = 1;
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        lint_issue *g = realloc(l->items, cap * sizeof *g);
        if (!g) {
            free(message);
            l->oom = 1;
            return;
        }
        l->items = g;
        l->cap = cap;
    }
    l->items[l->n++] = (lint_issue){sev, id, offset, 0, 0, message};
}

void lint_issues_free(lint_issue *issues, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(issues[i].message);
    free(issues);
}

static int finish_issues(issue_list *l, lint_issue **out, size_t *count)
{
    if (l->oom) {
        lint_issues_free(l->items, l->n);
        *out = NULL;
        *count = 0;
        return -1;
    }
    *out = l->items;
    *count = l->n;
    return 0;
}

/* ------------------------------------------------------------ placeholders */

/* A placeholder names a value of the deal or of its plan (deal_fields.h),
 * or terms.KEY (checked against library.yaml). */
int lint_known_path(const char *path)
{
    return deal_field_has(path, DF_VALUE);
}

/* The known path nearest to path, for a did-you-mean, or NULL. */
static const char *known_path_near(const char *path)
{
    const char *all[DEAL_NFIELDS];
    size_t n = deal_field_paths(DF_VALUE, all);
    return yt_suggest(path, all, n);
}

/* 1 when use names one of the terms the templates define themselves. */
static int template_term_of(const clasm_library *lib, const char *use)
{
    for (size_t i = 0; i < lib->ntemplate_terms; i++)
        if (ct_term_matches(use, lib->template_terms[i]))
            return 1;
    return 0;
}

/* 1 when a term use names a term the library defines: in a clause's
 * defines, inline (**"Term"**) in a clause text, or as a template's own. */
static int term_known(const clasm_library *lib, const char *use)
{
    for (size_t i = 0; i < lib->ntemplate_terms; i++)
        if (ct_term_matches(use, lib->template_terms[i]))
            return 1;
    for (size_t i = 0; i < lib->nclauses; i++) {
        const lib_clause *c = &lib->clauses[i];
        for (size_t d = 0; d < c->ndefines; d++)
            if (ct_term_matches(use, c->defines[d].term))
                return 1;
        for (size_t b = 0; c->tree && b < c->tree->nblocks; b++)
            for (size_t k = 0; k < c->tree->blocks[b].nspans; k++)
                if (c->tree->blocks[b].spans[k].kind == CT_TERM_DEF &&
                    ct_term_matches(use, c->tree->blocks[b].spans[k].text))
                    return 1;
    }
    return 0;
}

/* Every term the library defines, for "did you mean" (malloc'd array of
 * borrowed strings). */
static const char **defined_terms(const clasm_library *lib, size_t *n)
{
    size_t cap = lib->ntemplate_terms + 1;
    for (size_t i = 0; i < lib->nclauses; i++)
        cap += lib->clauses[i].ndefines;
    const char **v = malloc(cap * sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < lib->ntemplate_terms; i++)
        v[(*n)++] = lib->template_terms[i];
    for (size_t i = 0; i < lib->nclauses; i++)
        for (size_t d = 0; d < lib->clauses[i].ndefines; d++)
            v[(*n)++] = lib->clauses[i].defines[d].term;
    return v;
}

static int is_category_id(const clasm_library *lib, const char *id)
{
    for (size_t i = 0; i < lib->ncategories; i++)
        if (strcmp(lib->categories[i].id, id) == 0)
            return 1;
    return 0;
}

static void span_issue(issue_list *l, const ct_span *s, const char *id, char *message)
{
    issue(l, CLASM_SEV_ERROR, id, s->offset, message);
    if (!l->oom) {
        l->items[l->n - 1].line = s->line;
        l->items[l->n - 1].column = s->column;
    }
}

/* A period prints with its unit ("thirty (30) days") and an amount with
 * its currency ("USD 48,000"): the word or the currency written again after
 * the placeholder would print twice. */
static void check_unit_after(issue_list *l, const lib_term *term, const ct_block *b, size_t k)
{
    const ct_span *s = &b->spans[k], *next = k + 1 < b->nspans ? &b->spans[k + 1] : NULL;
    if (!next)
        return;
    const char *unit = term->kind == TERM_DAYS ? "day" : term->kind == TERM_MONTHS ? "month" : NULL;
    if (unit && next->kind == CT_TEXT) {
        const char *w = next->text;
        while (*w == ' ')
            w++;
        size_t n = strlen(unit);
        if (w != next->text && strncmp(w, unit, n) == 0 &&
            (w[n] == 's' ? !isalpha((unsigned char)w[n + 1]) : !isalpha((unsigned char)w[n])))
            span_issue(l, s, "unit-repeated",
                       str_printf("{{ %s }} prints with its unit (\"thirty (30) %ss\"), so the "
                                  "word after it would print twice; remove it",
                                  s->text, unit));
    }
    if (term->kind == TERM_AMOUNT && term->currency) {
        const ct_span *v = next;
        if (v->kind == CT_TEXT && strspn(v->text, " ") == strlen(v->text) && k + 2 < b->nspans)
            v = &b->spans[k + 2];
        if (v->kind == CT_VALUE && strncmp(v->text, "terms.", 6) == 0 &&
            strcmp(v->text + 6, term->currency) == 0)
            span_issue(l, s, "unit-repeated",
                       str_printf("{{ %s }} prints with its currency (\"USD 48,000\"), so "
                                  "{{ %s }} after it would print it twice; remove it",
                                  s->text, v->text));
    }
}

int lint_tree_check(const clasm_library *lib, const ct_tree *t, unsigned char *term_used,
                    lint_issue **out, size_t *count)
{
    issue_list l = {0};
    *out = NULL;
    *count = 0;
    size_t nterms = 0;
    const char **terms = defined_terms(lib, &nterms);
    if (!terms)
        return -1;
    for (size_t i = 0; t && i < t->nissues; i++) {
        issue(&l, t->issues[i].severity, t->issues[i].id, t->issues[i].offset,
              strdup(t->issues[i].message));
        if (!l.oom) {
            l.items[l.n - 1].line = t->issues[i].line;
            l.items[l.n - 1].column = t->issues[i].column;
        }
    }
    for (size_t b = 0; t && b < t->nblocks; b++)
        for (size_t k = 0; k < t->blocks[b].nspans; k++) {
            const ct_span *s = &t->blocks[b].spans[k];
            const char *p = s->text;
            if (s->kind == CT_TERM && !term_known(lib, p)) {
                const char *sg = yt_suggest(p, terms, nterms);
                span_issue(&l, s, "undefined-term",
                           str_printf("**%s** is not a defined term: no clause defines it (in "
                                      "defines, or inline as **\"%s\"**) and it is not one of "
                                      "library.yaml's template_terms%s%s%s",
                                      p, p, sg ? " (did you mean '" : "", sg ? sg : "",
                                      sg ? "'?)" : ""));
            }
            if (s->kind == CT_REF && !library_clause(lib, p) && !is_category_id(lib, p))
                span_issue(&l, s, "unknown-reference",
                           str_printf("{{ clause %s }} names neither a clause of the library "
                                      "nor a category",
                                      p));
            /* {{ definitions }} out of its own paragraph: misplaced-definitions. */
            if (s->kind != CT_VALUE || !strcmp(p, "definitions"))
                continue;
            if (strncmp(p, "terms.", 6) == 0 && p[6]) {
                const char *key = p + 6;
                const lib_term *found = NULL;
                for (size_t q = 0; q < lib->nterms; q++)
                    if (strcmp(lib->terms[q].key, key) == 0) {
                        found = &lib->terms[q];
                        if (term_used)
                            term_used[q] = 1;
                    }
                if (found) {
                    check_unit_after(&l, found, &t->blocks[b], k);
                    continue;
                }
                const char *sg = yt_suggest(key, lib->term_keys, lib->nterms);
                span_issue(&l, s, "unknown-placeholder",
                           str_printf("{{ %s }} uses the terms key '%s', which library.yaml does "
                                      "not declare%s%s%s; declare it under terms with a "
                                      "description and an example",
                                      p, key, sg ? " (did you mean '" : "", sg ? sg : "",
                                      sg ? "'?)" : ""));
                continue;
            }
            if (lint_known_path(p))
                continue;
            const char *sg = known_path_near(p);
            span_issue(&l, s, "unknown-placeholder",
                       str_printf("{{ %s }} is not a value any deal can supply%s%s%s; use one of "
                                  "id, date, seller.*, customer.*, reseller.*, product.name, "
                                  "product.capabilities, deployment, license, end_use, tier, "
                                  "score, document, or terms.KEY",
                                  p, sg ? " (did you mean '" : "", sg ? sg : "", sg ? "'?)" : ""));
        }
    free(terms);
    return finish_issues(&l, out, count);
}

/* ------------------------------------------------------------ expressions */

static long max_score(const clasm_library *lib)
{
    long m = 0;
    for (size_t i = 0; i < lib->nrisks; i++)
        m += lib->risks[i].weight;
    return m;
}

static int tier_at(const clasm_library *lib, long score)
{
    int rank = 0;
    for (size_t t = 0; t < lib->ntiers; t++)
        if (lib->tiers[t].min_score <= score)
            rank = (int)t;
    return rank;
}

/* Facts the analysis enumerates: enumerations, presence, tier and score. */
static int enumerable(const expr_fact_def *d)
{
    return d->type == EXPR_T_ENUM || d->type == EXPR_T_PRESENCE || d->type == EXPR_T_TIER ||
           d->type == EXPR_T_NUMBER;
}

static size_t count_values(const expr_fact_def *d)
{
    size_t n = 0;
    while (d->values && d->values[n])
        n++;
    return n;
}

int lint_expr_constant(const clasm_library *lib, const expr *e, clasm_document doc)
{
    return lint_expr_constant_at(lib, e, doc, -1);
}

int lint_expr_constant_at(const clasm_library *lib, const expr *e, clasm_document doc, int tier)
{
    if (!e || !lib->ntiers)
        return -1;
    static const char *const none[] = {NULL};
    expr_fact_def *defs = calloc(DEAL_NFIELDS, sizeof *defs);
    expr_fact *facts = calloc(DEAL_NFIELDS + 1, sizeof *facts);
    size_t *digit = calloc(DEAL_NFIELDS + 1, sizeof *digit);
    size_t *radix = calloc(DEAL_NFIELDS + 1, sizeof *radix);
    int result = -2;
    if (!defs || !facts || !digit || !radix)
        goto done;
    expr_fact_def all[DEAL_NFIELDS];
    size_t nall = deal_fact_defs(all, NULL), nd = 0;
    for (size_t i = 0; i < nall; i++)
        if (enumerable(&all[i]))
            defs[nd++] = all[i];
    expr_names names;
    memset(&names, 0, sizeof names);
    names.facts = defs;
    names.nfacts = nd;
    names.risks = none; /* a risk test depends on the deal: not enumerated */
    names.tiers = lib->tier_ids;
    names.ntiers = lib->ntiers;
    names.terms = none;
    char *err = NULL;
    int col = 0;
    if (expr_check(e, &names, &err, &col) != 0) {
        free(err);
        result = -1;
        goto done;
    }
    /* Mixed-radix counter over the facts other than document, tier, score. */
    for (size_t i = 0; i < nd; i++) {
        if (strcmp(defs[i].name, "document") == 0 || defs[i].type == EXPR_T_TIER ||
            defs[i].type == EXPR_T_NUMBER)
            radix[i] = 1;
        else if (defs[i].type == EXPR_T_PRESENCE)
            radix[i] = 2;
        else
            radix[i] = count_values(&defs[i]);
        if (radix[i] == 0)
            radix[i] = 1;
    }
    long top = max_score(lib);
    /* Bounded work: a catalogue too large to enumerate is not judged. */
    double work = (double)(top + 1);
    for (size_t i = 0; i < nd; i++)
        work *= (double)radix[i];
    if (work > 4e6) {
        result = -1;
        goto done;
    }
    int seen_true = 0, seen_false = 0;
    for (;;) {
        size_t nf = 0;
        for (size_t i = 0; i < nd; i++) {
            if (strcmp(defs[i].name, "document") == 0)
                facts[nf++] = (expr_fact){"document", clasm_document_name(doc)};
            else if (defs[i].type == EXPR_T_PRESENCE) {
                if (digit[i])
                    facts[nf++] = (expr_fact){defs[i].name, "yes"};
            } else if (defs[i].type == EXPR_T_ENUM && defs[i].values && defs[i].values[0])
                facts[nf++] = (expr_fact){defs[i].name, defs[i].values[digit[i]]};
        }
        for (long score = 0; score <= top && !(seen_true && seen_false); score++) {
            if (tier >= 0 && tier_at(lib, score) != tier)
                continue;
            expr_env env;
            memset(&env, 0, sizeof env);
            env.facts = facts;
            env.nfacts = nf;
            env.tiers = lib->tier_ids;
            env.ntiers = lib->ntiers;
            env.tier_rank = tier_at(lib, score);
            env.score = score;
            if (expr_eval(e, &env))
                seen_true = 1;
            else
                seen_false = 1;
        }
        if (seen_true && seen_false)
            break;
        size_t i = 0;
        while (i < nd && ++digit[i] == radix[i])
            digit[i++] = 0;
        if (i == nd)
            break;
    }
    result = seen_true && seen_false ? -1 : seen_true ? 1 : 0;
done:
    free(defs);
    free(facts);
    free(digit);
    free(radix);
    return result;
}

/* ------------------------------------------------------------ lock file */

void lint_lock_free(lint_lock_entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(entries[i].id);
    free(entries);
}

static int is_hex64(const char *s, size_t n)
{
    if (n != 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* Opens a regular file for reading; anything else (a named pipe, a device, a
 * folder) is refused at once rather than waited on. errno says why. */
static FILE *open_regular(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return NULL;
    struct stat st;
    int stat_ok = fstat(fd, &st) == 0;
    if (!stat_ok || !S_ISREG(st.st_mode)) {
        int saved = stat_ok ? EINVAL : errno;
        close(fd);
        errno = saved;
        return NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f)
        close(fd);
    return f;
}

int lint_lock_read(const char *path, lint_lock_entry **out, size_t *count, clasm_diags *diags)
{
    *out = NULL;
    *count = 0;
    FILE *f = open_regular(path);
    if (!f) {
        if (errno == ENOENT)
            return 1;
        diag_at(diags, CLASM_SEV_ERROR, "lock-io", path, 0, 0, "cannot read the lock file: %s",
                errno == EINVAL ? "it is not a regular file" : strerror(errno));
        return -2;
    }
    lint_lock_entry *v = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int lineno = 0, bad = 0;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *sp1 = strchr(line, ' ');
        char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
        char *end = NULL;
        long version = sp2 ? strtol(sp1 + 1, &end, 10) : 0;
        if (!sp1 || !sp2 || sp1 == line || end != sp2 || version < 1 || version > 1000000 ||
            !is_hex64(sp2 + 1, strlen(sp2 + 1))) {
            diag_at(diags, CLASM_SEV_ERROR, "bad-lock-line", path, lineno, 1,
                    "expected 'ID VERSION SHA256' (one space apart); run `clasm lint "
                    "--update-lock` to rewrite the lock");
            bad = 1;
            continue;
        }
        *sp1 = '\0';
        int dup = 0;
        for (size_t i = 0; i < n; i++)
            if (strcmp(v[i].id, line) == 0) {
                diag_at(diags, CLASM_SEV_ERROR, "bad-lock-line", path, lineno, 1,
                        "'%s' is listed twice (first at line %d)", line, v[i].line);
                bad = dup = 1;
            }
        if (dup)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            lint_lock_entry *g = realloc(v, cap * sizeof *g);
            if (!g)
                goto oom;
            v = g;
        }
        v[n].id = strdup(line);
        if (!v[n].id)
            goto oom;
        v[n].version = (int)version;
        memcpy(v[n].hash, sp2 + 1, 64);
        v[n].hash[64] = '\0';
        v[n].line = lineno;
        n++;
    }
    free(line);
    fclose(f);
    *out = v;
    *count = n;
    return bad ? -1 : 0;
oom:
    free(line);
    fclose(f);
    lint_lock_free(v, n);
    diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", path, 0, 0,
            "ran out of memory reading the lock file");
    return -2;
}

char *lint_lock_text(const clasm_library *lib)
{
    static const char header[] =
        "# clasm library lock: one line per clause, \"ID VERSION SHA256\" (the SHA-256 of its "
        "title,\n"
        "# a NUL byte, then its text), and one per approved fallback, \"ID/fallback-N VERSION "
        "SHA256\"\n"
        "# (of its text). Written by `clasm lint --update-lock`; `clasm lint` fails when a text\n"
        "# changes without a version bump. Do not edit by hand.\n";
    size_t cap = sizeof header + 1;
    for (size_t i = 0; i < lib->nclauses; i++)
        cap += (strlen(lib->clauses[i].id) + 12 + 65 + 2 + 24) * (lib->clauses[i].nfallbacks + 1);
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t len = (size_t)snprintf(s, cap, "%s", header);
    for (size_t i = 0; i < lib->nclauses; i++) {
        const lib_clause *c = &lib->clauses[i];
        if (i > 0 && strcmp(lib->clauses[i - 1].id, c->id) == 0)
            continue;
        len += (size_t)snprintf(s + len, cap - len, "%s %d %s\n", c->id, c->version, c->text_hash);
        for (size_t f = 0; f < c->nfallbacks; f++)
            len += (size_t)snprintf(s + len, cap - len, "%s/fallback-%zu %d %s\n", c->id, f + 1,
                                    c->fallbacks[f].version, c->fallbacks[f].text_hash);
    }
    return s;
}

/* ------------------------------------------------------------ the run */

typedef struct {
    clasm_lint_report *r;
    const clasm_library *lib;
    clasm_diags *diags;
    int oom;
} linter;

static const yt_node *doc_root(const clasm_library *lib, const char *file)
{
    for (size_t i = 0; i < lib->ndocs; i++)
        if (lib->docs[i] && strcmp(yt_name(lib->docs[i]), file) == 0)
            return yt_root(lib->docs[i]);
    return NULL;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = open_regular(path);
    if (!f)
        return NULL;
    strbuf b = {0};
    int bad = strbuf_read(&b, f, YT_MAX_FILE_BYTES * 2u) != 0;
    fclose(f);
    *len = b.len;
    if (bad) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_take(&b);
}

/* Reports issues of one clause text at their file:line:col; where the
 * place inside the text cannot be told, at the text itself. */
static void report_issues(linter *L, const lib_clause *c, const char *key, const yt_node *node,
                          lint_issue *issues, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int exact = issues[i].line > 0;
        int line = exact ? issues[i].line : node ? node->line : c->line;
        int col = exact ? issues[i].column : node ? node->column : c->column;
        diag_at(L->diags, issues[i].severity, issues[i].id, c->file, line, col, "%s: %s%s", key,
                issues[i].message,
                exact ? ""
                      : " (the position is that of the text; the exact place inside it cannot "
                        "be told for this kind of YAML string)");
    }
}

/* A title is printed as it is: no placeholders are filled in it. */
static void check_title(linter *L, const lib_clause *c, const yt_node *root)
{
    if (!c->title || !strstr(c->title, "{{"))
        return;
    const yt_node *tn = root ? yt_get(root, "title") : NULL;
    diag_at(L->diags, CLASM_SEV_ERROR, "placeholder-in-title", c->file, tn ? tn->line : c->line,
            tn ? tn->column : c->column,
            "title: '%s' holds '{{', but titles are printed as written (no deal values are "
            "filled in); move the value into the text",
            c->title);
}

/* Every clause names the part of the guidance it implements: counsel trace
 * a safeguard back to its source by it. */
static void check_guidance(linter *L, const lib_clause *c, const yt_node *root)
{
    if (c->nguidance > 0)
        return;
    const yt_node *g = root ? yt_get(root, "guidance") : NULL;
    diag_at(L->diags, CLASM_SEV_ERROR, "missing-guidance", c->file, g ? g->line : c->line,
            g ? g->column : c->column,
            "%s names no guidance section; add guidance: [\"...\"] with the part of the "
            "guidance this clause implements",
            c->id);
}

/* A plan gives a clause's reasons to people in words: the titles of the
 * risks it answers and, for its `when`, counsel's wording (`because`).
 * Without wording the plan can only show the expression. */
static void check_wording(linter *L, const lib_clause *c, const yt_node *root)
{
    int worded = c->because || c->nbecause_cases;
    if (c->when_src && !worded) {
        const yt_node *w = root ? yt_get(root, "when") : NULL;
        diag_at(L->diags, CLASM_SEV_WARNING, "when-without-wording", c->file, w ? w->line : c->line,
                w ? w->column : c->column,
                "%s has a when but no because: plans would give the expression '%s' as its "
                "reason; add because: with the rule in words (e.g. 'standard from the high "
                "tier', 'the deal goes through a reseller')",
                c->id, c->when_src);
    } else if (worded && !c->when_src) {
        const yt_node *b = root ? yt_get(root, "because") : NULL;
        diag_at(L->diags, CLASM_SEV_WARNING, "wording-without-when", c->file, b ? b->line : c->line,
                b ? b->column : c->column,
                "%s has a because but no when: the wording is never shown (its reasons are the "
                "risks it addresses); remove it or add the when it words",
                c->id);
    }
}

int lint_when_uses_term(const clasm_library *lib, size_t k)
{
    if (k >= lib->nterms)
        return 0;
    const char **others = calloc(lib->nterms + 1, sizeof *others);
    if (!others)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < lib->nterms; i++)
        if (i != k)
            others[n++] = lib->terms[i].key;
    expr_names all, names;
    library_expr_names(lib, &all, 0);
    names = all;
    names.terms = others;
    names.nterms = n;
    int uses = 0;
    for (size_t i = 0; i < lib->nclauses && !uses; i++) {
        const lib_clause *c = &lib->clauses[i];
        char *err = NULL;
        int col = 0;
        if (!c->when)
            continue;
        /* A when that passes with every term but fails without KEY names
         * terms.KEY. */
        int ok_all = expr_check(c->when, &all, &err, &col) == 0;
        free(err);
        err = NULL;
        if (ok_all && expr_check(c->when, &names, &err, &col) != 0)
            uses = 1;
        free(err);
    }
    free(others);
    return uses;
}

/* 1 when tree t has a span of kind whose text is text (a term: the same
 * term, singular or plural). */
static int tree_uses(const ct_tree *t, ct_kind kind, const char *text)
{
    for (size_t b = 0; t && b < t->nblocks; b++)
        for (size_t k = 0; k < t->blocks[b].nspans; k++) {
            const ct_span *g = &t->blocks[b].spans[k];
            if (g->kind != kind)
                continue;
            if (kind == CT_TERM ? ct_term_matches(g->text, text) || ct_term_matches(text, g->text)
                                : strcmp(g->text, text) == 0)
                return 1;
        }
    return 0;
}

static const lib_term *find_term(const clasm_library *lib, const char *key)
{
    for (size_t i = 0; i < lib->nterms; i++)
        if (strcmp(lib->terms[i].key, key) == 0)
            return &lib->terms[i];
    return NULL;
}

/* A clause's fallbacks: their markup as any text's, and what a fallback
 * may use: a draft that draws one has only what the clause's standard text
 * brings along (the definitions of its terms, the values the plan asked
 * for), so a fallback uses those terms and values, or values with a
 * default; it defines nothing. */
static void check_fallbacks(linter *L, const lib_clause *c, unsigned char *used)
{
    const clasm_library *lib = L->lib;
    for (size_t f = 0; f < c->nfallbacks && !L->oom; f++) {
        const lib_fallback *fb = &c->fallbacks[f];
        char key[48];
        snprintf(key, sizeof key, "fallbacks[%zu].text", f);
        const yt_node *tn = yt_get(fb->node, "text");
        lint_issue *is = NULL;
        size_t n = 0;
        if (lint_tree_check(lib, fb->tree, used, &is, &n) != 0)
            L->oom = 1;
        report_issues(L, c, key, tn, is, n);
        lint_issues_free(is, n);
        const ct_tree *t = fb->tree;
        for (size_t b = 0; t && b < t->nblocks; b++) {
            const ct_block *blk = &t->blocks[b];
            int line = blk->line ? blk->line : fb->line, col = blk->line ? blk->column : fb->column;
            if (blk->definitions)
                diag_at(L->diags, CLASM_SEV_ERROR, "misplaced-definitions", c->file, line, col,
                        "%s: a fallback cannot hold the list of definitions ({{ definitions }})",
                        key);
            for (size_t k = 0; k < blk->nspans; k++) {
                const ct_span *g = &blk->spans[k];
                int gl = g->line ? g->line : line, gc = g->line ? g->column : col;
                if (g->kind == CT_TERM_DEF)
                    diag_at(L->diags, CLASM_SEV_ERROR, "fallback-defines", c->file, gl, gc,
                            "%s: a fallback cannot define **%s**: a draft that draws it would "
                            "define the term in one text and not the other; define it in the "
                            "clause's text or in defines:",
                            key, g->text);
                else if (g->kind == CT_TERM && !template_term_of(lib, g->text) &&
                         !tree_uses(c->tree, CT_TERM, g->text))
                    diag_at(L->diags, CLASM_SEV_ERROR, "fallback-new-term", c->file, gl, gc,
                            "%s: **%s** is not used by the clause's standard text, so a draft "
                            "that draws this fallback may lack its definition; use the terms "
                            "of the standard text",
                            key, g->text);
                else if (g->kind == CT_VALUE && strncmp(g->text, "terms.", 6) == 0 &&
                         !tree_uses(c->tree, CT_VALUE, g->text)) {
                    const lib_term *term = find_term(lib, g->text + 6);
                    if (term && !term->default_value)
                        diag_at(L->diags, CLASM_SEV_ERROR, "fallback-new-value", c->file, gl, gc,
                                "%s: {{ %s }} has no default and the clause's standard text "
                                "does not use it, so a deal would not know it needs it; use a "
                                "value of the standard text, or give the term a default",
                                key, g->text);
                }
            }
        }
        if (fb->max_tier >= 0 && c->min_tier >= 0 && fb->max_tier < c->min_tier)
            diag_at(L->diags, CLASM_SEV_ERROR, "fallback-never-allowed", c->file,
                    fb->max_tier_node->line, fb->max_tier_node->column,
                    "fallbacks[%zu].max_tier: %s is below the clause's min_tier, so no deal "
                    "that has the clause may agree to this fallback",
                    f, fb->max_tier_id);
    }
}

static void check_texts(linter *L)
{
    const clasm_library *lib = L->lib;
    unsigned char *used = calloc(lib->nterms + 1, 1);
    if (!used) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < lib->nclauses && !L->oom; i++) {
        const lib_clause *c = &lib->clauses[i];
        if (!c->text)
            continue;
        const yt_node *root = doc_root(lib, c->file);
        lint_issue *is = NULL;
        size_t n = 0;
        if (lint_tree_check(lib, c->tree, used, &is, &n) != 0)
            L->oom = 1;
        report_issues(L, c, "text", root ? yt_get(root, "text") : NULL, is, n);
        lint_issues_free(is, n);
        const yt_node *defs = root ? yt_get(root, "defines") : NULL;
        for (size_t d = 0; d < c->ndefines && !L->oom; d++) {
            char key[160];
            snprintf(key, sizeof key, "defines.%.140s", c->defines[d].term);
            if (lint_tree_check(lib, c->defines[d].tree, used, &is, &n) != 0)
                L->oom = 1;
            const ct_tree *dt = c->defines[d].tree;
            for (size_t b = 0; dt && b < dt->nblocks; b++)
                if (dt->blocks[b].definitions)
                    diag_at(L->diags, CLASM_SEV_ERROR, "misplaced-definitions", c->file,
                            dt->blocks[b].line ? dt->blocks[b].line : c->defines[d].line,
                            dt->blocks[b].line ? dt->blocks[b].column : c->defines[d].column,
                            "defines.%s: a definition cannot hold the list of definitions "
                            "({{ definitions }}); it goes in a clause's text",
                            c->defines[d].term);
            report_issues(L, c, key, defs ? yt_get(defs, c->defines[d].term) : NULL, is, n);
            lint_issues_free(is, n);
        }
        check_fallbacks(L, c, used);
        check_title(L, c, root);
        check_guidance(L, c, root);
        check_wording(L, c, root);
    }
    /* Terms a clause's when tests count as used too. */
    for (size_t k = 0; k < lib->nterms && !L->oom; k++)
        if (!used[k] && lint_when_uses_term(lib, k) != 0)
            used[k] = 1;
    /* Declared terms no clause uses. */
    char *settings = str_printf("%s/library.yaml", lib->dir);
    const yt_node *root = settings ? doc_root(lib, settings) : NULL;
    const yt_node *terms = root ? yt_get(root, "terms") : NULL;
    for (size_t k = 0; k < lib->nterms && !L->oom; k++) {
        if (used[k] || lib->terms[k].for_templates) /* used_by: templates */
            continue;
        int line = 0, col = 0;
        for (size_t p = 0; terms && terms->kind == YT_MAPPING && p < terms->count; p++)
            if (strcmp(terms->pairs[p].key->scalar, lib->terms[k].key) == 0) {
                line = terms->pairs[p].key->line;
                col = terms->pairs[p].key->column;
            }
        diag_at(L->diags, CLASM_SEV_WARNING, "unused-term", settings, line, col,
                "terms.%s is declared but no clause text uses {{ terms.%s }}; remove it or use "
                "it",
                lib->terms[k].key, lib->terms[k].key);
    }
    /* A memo lists the defaults a draft prints, and the questionnaire asks
     * for terms, by their labels. */
    for (size_t k = 0; k < lib->nterms && !L->oom; k++)
        if (!lib->terms[k].label)
            diag_at(L->diags, CLASM_SEV_WARNING, "term-without-label", settings, lib->terms[k].line,
                    lib->terms[k].column,
                    "terms.%s has no label: memos and the questionnaire would name it by its "
                    "key; add label: with a short name (e.g. 'Cure period', 'Grievance "
                    "mailbox')",
                    lib->terms[k].key);
    free(settings);
    free(used);
}

/* ---- reachability: which clauses some deal can get in each document ---- */

typedef struct {
    signed char when[CLASM_DOC_COUNT]; /* lint_expr_constant, or -3 without when */
    unsigned char chosen[CLASM_DOC_COUNT];
    const lib_clause *killer[CLASM_DOC_COUNT];    /* always chosen, replaces it */
    const lib_clause *dominator[CLASM_DOC_COUNT]; /* chosen by every risk that chooses it */
} reach_info;

static int addresses_risk(const lib_clause *c, const char *risk)
{
    for (size_t a = 0; a < c->naddresses; a++)
        if (expr_glob_match(c->addresses[a], risk))
            return 1;
    return 0;
}

static int has_doc(const lib_clause *c, int d)
{
    return (c->documents >> d) & 1u;
}

static int tier_reachable(const clasm_library *lib, int rank)
{
    return rank < 0 || (size_t)rank >= lib->ntiers || lib->tiers[rank].min_score <= max_score(lib);
}

/* R replaces c. */
static int replaces(const lib_clause *r, const lib_clause *c)
{
    for (size_t i = 0; i < r->nreplaces; i++)
        if (strcmp(r->replaces[i], c->id) == 0)
            return 1;
    return 0;
}

static void compute_reach(linter *L, reach_info *ri)
{
    const clasm_library *lib = L->lib;
    for (size_t i = 0; i < lib->nclauses; i++)
        for (int d = 0; d < CLASM_DOC_COUNT; d++) {
            const lib_clause *c = &lib->clauses[i];
            int v = c->when ? lint_expr_constant(lib, c->when, (clasm_document)d) : -3;
            if (v == -2)
                L->oom = 1;
            ri[i].when[d] = (signed char)v;
        }
    for (size_t i = 0; i < lib->nclauses; i++) {
        const lib_clause *c = &lib->clauses[i];
        for (int d = 0; d < CLASM_DOC_COUNT; d++) {
            if (!has_doc(c, d))
                continue;
            for (size_t j = 0; j < lib->nclauses; j++) {
                const lib_clause *r = &lib->clauses[j];
                if (j == i || !has_doc(r, d) || !replaces(r, c))
                    continue;
                if (r->min_tier <= 0 && ri[j].when[d] == 1)
                    ri[i].killer[d] = r;
                if (c->naddresses && (r->min_tier <= 0 || r->min_tier <= c->min_tier)) {
                    int all = 1;
                    for (size_t k = 0; k < lib->nrisks && all; k++)
                        if (addresses_risk(c, lib->risks[k].id) &&
                            !addresses_risk(r, lib->risks[k].id))
                            all = 0;
                    if (all)
                        ri[i].dominator[d] = r;
                }
            }
            int direct =
                tier_reachable(lib, c->min_tier) &&
                ((c->naddresses && !ri[i].dominator[d]) || (c->when && ri[i].when[d] != 0));
            ri[i].chosen[d] = (unsigned char)direct;
        }
    }
    /* requires, to a fixed point */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < lib->nclauses; i++)
            for (int d = 0; d < CLASM_DOC_COUNT; d++) {
                if (!ri[i].chosen[d])
                    continue;
                const lib_clause *c = &lib->clauses[i];
                for (size_t q = 0; q < c->nrequires; q++) {
                    const lib_clause *t = library_clause(lib, c->requires[q]);
                    if (!t || !has_doc(t, d))
                        continue;
                    size_t j = (size_t)(t - lib->clauses);
                    if (!ri[j].chosen[d]) {
                        ri[j].chosen[d] = 1;
                        changed = 1;
                    }
                }
            }
    }
}

static int reachable(const reach_info *ri, int d)
{
    return ri->chosen[d] && !ri->killer[d];
}

/* Why clause c can never be in document d. malloc'd. */
static char *why_unreachable(const clasm_library *lib, const lib_clause *c, const reach_info *ri,
                             int d)
{
    const char *doc = clasm_document_name((clasm_document)d);
    if (ri->killer[d])
        return str_printf("%s replaces it and is chosen for every %s", ri->killer[d]->id, doc);
    if (!tier_reachable(lib, c->min_tier))
        return str_printf(
            "min_tier %s needs a score of %ld, but all the catalogue's weights add up "
            "to %ld",
            lib->tiers[c->min_tier].id, lib->tiers[c->min_tier].min_score, max_score(lib));
    if (c->naddresses && ri->dominator[d])
        return str_printf("%s replaces it and is chosen by every risk that would choose it%s",
                          ri->dominator[d]->id, c->when ? ", and its when can never hold" : "");
    if (c->when && !c->naddresses)
        return str_printf("its when can never hold for a %s, and no clause that can be chosen "
                          "requires it",
                          doc);
    return str_printf(
        "it has neither addresses nor when, and no clause that can be chosen for a %s "
        "requires it",
        doc);
}

static void check_reach(linter *L, const reach_info *ri)
{
    const clasm_library *lib = L->lib;
    for (size_t i = 0; i < lib->nclauses && !L->oom; i++) {
        const lib_clause *c = &lib->clauses[i];
        if (!c->documents)
            continue;
        int any = 0;
        for (int d = 0; d < CLASM_DOC_COUNT; d++)
            if (has_doc(c, d) && reachable(&ri[i], d))
                any = 1;
        if (any)
            continue;
        char *why[CLASM_DOC_COUNT] = {NULL};
        int same = 1, first = -1;
        for (int d = 0; d < CLASM_DOC_COUNT; d++) {
            if (!has_doc(c, d))
                continue;
            why[d] = why_unreachable(lib, c, &ri[i], d);
            if (!why[d])
                L->oom = 1;
            if (first < 0)
                first = d;
            else if (why[d] && why[first] && strcmp(why[d], why[first]) != 0)
                same = 0;
        }
        if (first >= 0 && !L->oom) {
            size_t len = 1;
            for (int d = 0; d < CLASM_DOC_COUNT; d++)
                if (why[d])
                    len += strlen(why[d]) + 40;
            char *all = malloc(len);
            if (all) {
                all[0] = '\0';
                if (same) {
                    strcat(all, why[first]);
                } else {
                    for (int d = 0; d < CLASM_DOC_COUNT; d++) {
                        if (!why[d])
                            continue;
                        if (all[0])
                            strcat(all, "; ");
                        strcat(all, "in a ");
                        strcat(all, clasm_document_name((clasm_document)d));
                        strcat(all, ", ");
                        strcat(all, why[d]);
                    }
                }
                diag_at(L->diags, CLASM_SEV_WARNING, "unreachable-clause", c->file, c->line,
                        c->column, "no deal can ever select clause %s: %s", c->id, all);
                free(all);
            } else {
                L->oom = 1;
            }
        }
        for (int d = 0; d < CLASM_DOC_COUNT; d++)
            free(why[d]);
    }
}

/* ---- what every draft holds: references and defined terms ----
 *
 * A reference without words for its absence, and a use of a defined term,
 * need the clause they point at (or the list of definitions, or the clause
 * defining the term inline) in every draft that has the clause using them.
 * That holds when the using clause requires it (directly or through other
 * requires), or when it is chosen for every deal of that document and tier
 * and nothing that can be chosen there replaces it. Checked for every
 * document and tier the using clause can be drawn for. */

typedef struct {
    const reach_info *ri;
    unsigned long *appears; /* [clause * CLASM_DOC_COUNT + doc]: bit t, tier t */
    signed char *always; /* [clause * CLASM_DOC_COUNT * ntiers + doc * ntiers + tier]: -1 unknown */
} draft_reach;

static int requires_closure(const clasm_library *lib, const lib_clause *c, const lib_clause *x,
                            int depth)
{
    if (depth > 64)
        return 0;
    for (size_t i = 0; i < c->nrequires; i++) {
        const lib_clause *r = library_clause(lib, c->requires[i]);
        if (!r)
            continue;
        if (r == x || requires_closure(lib, r, x, depth + 1))
            return 1;
    }
    return 0;
}

/* Tiers a clause can be drawn at for document d, as bits. */
static void compute_appears(linter *L, draft_reach *D)
{
    const clasm_library *lib = L->lib;
    size_t nt = lib->ntiers;
    for (size_t i = 0; i < lib->nclauses && !L->oom; i++) {
        const lib_clause *c = &lib->clauses[i];
        for (int d = 0; d < CLASM_DOC_COUNT; d++) {
            unsigned long bits = 0;
            if (has_doc(c, d) && reachable(&D->ri[i], d) && (c->naddresses || c->when))
                for (size_t t = 0; t < nt; t++) {
                    if ((c->min_tier >= 0 && (size_t)c->min_tier > t) ||
                        !tier_reachable(lib, (int)t))
                        continue;
                    int v = c->when ? lint_expr_constant_at(lib, c->when, (clasm_document)d, (int)t)
                                    : 1;
                    if (v == -2)
                        L->oom = 1;
                    if (c->naddresses || v != 0)
                        bits |= 1ul << t;
                }
            D->appears[i * CLASM_DOC_COUNT + d] = bits;
        }
    }
    /* A required clause comes with the clause requiring it. */
    for (int changed = 1; changed && !L->oom;) {
        changed = 0;
        for (size_t i = 0; i < lib->nclauses; i++) {
            const lib_clause *c = &lib->clauses[i];
            for (size_t q = 0; q < c->nrequires; q++) {
                const lib_clause *r = library_clause(lib, c->requires[q]);
                if (!r)
                    continue;
                size_t j = (size_t)(r - lib->clauses);
                for (int d = 0; d < CLASM_DOC_COUNT; d++) {
                    if (!has_doc(r, d))
                        continue;
                    unsigned long add =
                        D->appears[i * CLASM_DOC_COUNT + d] & ~D->appears[j * CLASM_DOC_COUNT + d];
                    if (add) {
                        D->appears[j * CLASM_DOC_COUNT + d] |= add;
                        changed = 1;
                    }
                }
            }
        }
    }
}

/* Clause x is in every draft of document d at tier t. */
static int always_in(linter *L, draft_reach *D, const lib_clause *x, int d, size_t t)
{
    const clasm_library *lib = L->lib;
    size_t xi = (size_t)(x - lib->clauses);
    signed char *memo = &D->always[(xi * CLASM_DOC_COUNT + (size_t)d) * lib->ntiers + t];
    if (*memo >= 0)
        return *memo;
    int yes = has_doc(x, d) && (x->min_tier < 0 || (size_t)x->min_tier <= t) && x->when &&
              lint_expr_constant_at(lib, x->when, (clasm_document)d, (int)t) == 1;
    for (size_t j = 0; yes && j < lib->nclauses; j++) {
        const lib_clause *r = &lib->clauses[j];
        if (r != x && has_doc(r, d) && replaces(r, x) &&
            (D->appears[j * CLASM_DOC_COUNT + d] >> t & 1ul))
            yes = 0;
    }
    *memo = (signed char)yes;
    return yes;
}

static int guaranteed(linter *L, draft_reach *D, const lib_clause *c, const lib_clause *x, int d,
                      size_t t)
{
    return c == x || requires_closure(L->lib, c, x, 0) || always_in(L, D, x, d, t);
}

/* The documents and tiers (bits in missing[d]) where clause c can be drawn
 * but target is not guaranteed, as "a contract at tier high; a eula at
 * tiers elevated, high"; NULL when there are none. */
static char *where_missing(const clasm_library *lib, const unsigned long *missing)
{
    strbuf b = {0};
    for (int d = 0; d < CLASM_DOC_COUNT; d++) {
        if (!missing[d])
            continue;
        int n = 0;
        for (size_t t = 0; t < lib->ntiers; t++)
            n += (int)(missing[d] >> t & 1ul);
        const char *doc = clasm_document_name((clasm_document)d);
        strbuf_addf(&b, "%s%s %s at tier%s ", b.len ? "; " : "", doc[0] == 'a' ? "an" : "a", doc,
                    n > 1 ? "s" : "");
        int k = 0;
        for (size_t t = 0; t < lib->ntiers; t++)
            if (missing[d] >> t & 1ul)
                strbuf_addf(&b, "%s%s", k++ ? ", " : "", lib->tiers[t].id);
    }
    if (!b.len) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_take(&b);
}

/* For clause c: where it can be drawn and the clause (or category) target
 * is not guaranteed. */
static char *missing_target(linter *L, draft_reach *D, const lib_clause *c, const char *target)
{
    const clasm_library *lib = L->lib;
    size_t ci = (size_t)(c - lib->clauses);
    unsigned long missing[CLASM_DOC_COUNT] = {0};
    const lib_clause *x = library_clause(lib, target);
    for (int d = 0; d < CLASM_DOC_COUNT; d++)
        for (size_t t = 0; t < lib->ntiers; t++) {
            if (!(D->appears[ci * CLASM_DOC_COUNT + d] >> t & 1ul))
                continue;
            int ok = 0;
            if (x)
                ok = guaranteed(L, D, c, x, d, t);
            else
                for (size_t j = 0; j < lib->nclauses && !ok; j++)
                    ok = strcmp(lib->clauses[j].category, target) == 0 &&
                         guaranteed(L, D, c, &lib->clauses[j], d, t);
            if (!ok)
                missing[d] |= 1ul << t;
        }
    return where_missing(lib, missing);
}

/* The clauses whose text holds {{ definitions }}. */
static const lib_clause *definitions_list_for(linter *L, draft_reach *D, const lib_clause *c,
                                              unsigned long *missing)
{
    const clasm_library *lib = L->lib;
    size_t ci = (size_t)(c - lib->clauses);
    const lib_clause *first = NULL;
    for (int d = 0; d < CLASM_DOC_COUNT; d++)
        for (size_t t = 0; t < lib->ntiers; t++) {
            if (!(D->appears[ci * CLASM_DOC_COUNT + d] >> t & 1ul))
                continue;
            int ok = 0;
            for (size_t j = 0; j < lib->nclauses && !ok; j++) {
                const lib_clause *g = &lib->clauses[j];
                int has = 0;
                for (size_t b = 0; g->tree && b < g->tree->nblocks; b++)
                    has |= g->tree->blocks[b].definitions;
                if (!has)
                    continue;
                if (!first)
                    first = g;
                ok = guaranteed(L, D, c, g, d, t);
            }
            if (!ok)
                missing[d] |= 1ul << t;
        }
    return first;
}

/* The clause whose text defines term inline, or NULL. */
static const lib_clause *inline_definer(const clasm_library *lib, const char *use)
{
    for (size_t i = 0; i < lib->nclauses; i++) {
        const ct_tree *t = lib->clauses[i].tree;
        for (size_t b = 0; t && b < t->nblocks; b++)
            for (size_t k = 0; k < t->blocks[b].nspans; k++)
                if (t->blocks[b].spans[k].kind == CT_TERM_DEF &&
                    ct_term_matches(use, t->blocks[b].spans[k].text))
                    return &lib->clauses[i];
    }
    return NULL;
}

static int glossary_term(const clasm_library *lib, const char *use)
{
    for (size_t i = 0; i < lib->nclauses; i++)
        for (size_t k = 0; k < lib->clauses[i].ndefines; k++)
            if (ct_term_matches(use, lib->clauses[i].defines[k].term))
                return 1;
    return 0;
}

/* The references and term uses of one text, used by clause c. */
static void check_text_in_drafts(linter *L, draft_reach *D, const lib_clause *c, const ct_tree *t,
                                 const char *file, const char *where, int *glossary_reported)
{
    const clasm_library *lib = L->lib;
    for (size_t b = 0; t && b < t->nblocks && !L->oom; b++)
        for (size_t k = 0; k < t->blocks[b].nspans && !L->oom; k++) {
            const ct_span *s = &t->blocks[b].spans[k];
            if (s->kind == CT_REF && !s->alt &&
                (library_clause(lib, s->text) || is_category_id(lib, s->text))) {
                char *miss = missing_target(L, D, c, s->text);
                if (miss)
                    diag_at(L->diags, CLASM_SEV_ERROR, "reference-may-be-missing", file, s->line,
                            s->column,
                            "%s{{ clause %s }} gives no words for a draft without %s, and %s "
                            "can be drawn without it (%s); make %s require it, or write "
                            "{{ clause %s or \"...\" }}",
                            where, s->text, s->text, c->id, miss, c->id, s->text);
                free(miss);
            }
            if (s->kind != CT_TERM || template_term_of(lib, s->text))
                continue;
            if (glossary_term(lib, s->text)) {
                if (*glossary_reported)
                    continue;
                unsigned long missing[CLASM_DOC_COUNT] = {0};
                const lib_clause *list = definitions_list_for(L, D, c, missing);
                char *miss = where_missing(lib, missing);
                if (miss) {
                    *glossary_reported = 1;
                    diag_at(L->diags, CLASM_SEV_ERROR, "definition-may-be-missing", file, s->line,
                            s->column,
                            "%s**%s** is defined in the list of definitions%s%s, which is not in "
                            "every draft that has %s (%s); make %s require %s",
                            where, s->text,
                            list ? " of " : " ({{ definitions }}), but no clause has it",
                            list ? list->id : "", c->id, miss, c->id,
                            list ? list->id : "the clause with the list");
                }
                free(miss);
                continue;
            }
            const lib_clause *def = inline_definer(lib, s->text);
            if (!def)
                continue; /* undefined-term, reported with the text */
            char *miss = missing_target(L, D, c, def->id);
            if (miss)
                diag_at(L->diags, CLASM_SEV_ERROR, "definition-may-be-missing", file, s->line,
                        s->column,
                        "%s**%s** is defined inline in %s, which is not in every draft that has "
                        "%s (%s); make %s require %s",
                        where, s->text, def->id, c->id, miss, c->id, def->id);
            free(miss);
        }
}

static void check_drafts(linter *L, const reach_info *ri)
{
    const clasm_library *lib = L->lib;
    if (lib->ntiers == 0 || lib->ntiers > 8 * sizeof(unsigned long))
        return;
    draft_reach D = {ri, NULL, NULL};
    D.appears = calloc(lib->nclauses * CLASM_DOC_COUNT + 1, sizeof *D.appears);
    size_t nmemo = lib->nclauses * CLASM_DOC_COUNT * lib->ntiers + 1;
    D.always = malloc(nmemo);
    if (!D.appears || !D.always) {
        L->oom = 1;
        free(D.appears);
        free(D.always);
        return;
    }
    memset(D.always, -1, nmemo);
    compute_appears(L, &D);
    for (size_t i = 0; i < lib->nclauses && !L->oom; i++) {
        const lib_clause *c = &lib->clauses[i];
        int glossary_reported = 0;
        check_text_in_drafts(L, &D, c, c->tree, c->file, "", &glossary_reported);
        for (size_t f = 0; f < c->nfallbacks && !L->oom; f++) {
            char where[48];
            snprintf(where, sizeof where, "fallbacks[%zu].text: ", f);
            check_text_in_drafts(L, &D, c, c->fallbacks[f].tree, c->file, where,
                                 &glossary_reported);
        }
        /* The definitions its terms bring along are drawn with it. */
        size_t n = 0;
        glossary_use *g = glossary_for(lib, &c, 1, &n, NULL, NULL);
        if (!g) {
            L->oom = 1;
            break;
        }
        for (size_t k = 0; k < n && !L->oom; k++) {
            char where[256];
            snprintf(where, sizeof where, "defines.%.100s, as drawn with %.80s: ", g[k].def->term,
                     c->id);
            check_text_in_drafts(L, &D, c, g[k].def->tree, g[k].owner->file, where,
                                 &glossary_reported);
        }
        free(g);
    }
    free(D.appears);
    free(D.always);
}

/* Each term is defined once: in one clause's defines, inline in one clause,
 * or as a template term; and a definition some text uses. */
static void check_definitions(linter *L)
{
    const clasm_library *lib = L->lib;
    for (size_t i = 0; i < lib->nclauses; i++) {
        const lib_clause *c = &lib->clauses[i];
        for (size_t k = 0; k < c->ndefines; k++) {
            const lib_definition *def = &c->defines[k];
            const char *other =
                template_term_of(lib, def->term) ? "library.yaml's template_terms" : NULL;
            for (size_t j = 0; j < i && !other; j++)
                for (size_t q = 0; q < lib->clauses[j].ndefines && !other; q++)
                    if (strcmp(lib->clauses[j].defines[q].term, def->term) == 0)
                        other = lib->clauses[j].id;
            const lib_clause *inl = inline_definer(lib, def->term);
            if (!other && inl)
                other = inl->id;
            if (other)
                diag_at(L->diags, CLASM_SEV_ERROR, "duplicate-definition", c->file, def->line,
                        def->column, "defines: %s is also defined by %s; a term is defined once",
                        def->term, other);
            /* Used by some text? */
            int used = 0;
            for (size_t j = 0; j < lib->nclauses && !used; j++) {
                const lib_clause *u = &lib->clauses[j];
                const ct_tree *trees[1 + 64];
                size_t nt = 0;
                trees[nt++] = u->tree;
                for (size_t q = 0; q < u->ndefines && nt < 65; q++)
                    if (&u->defines[q] != def)
                        trees[nt++] = u->defines[q].tree;
                for (size_t x = 0; x < nt && !used; x++)
                    for (size_t b = 0; trees[x] && b < trees[x]->nblocks && !used; b++)
                        for (size_t s = 0; s < trees[x]->blocks[b].nspans && !used; s++)
                            used = trees[x]->blocks[b].spans[s].kind == CT_TERM &&
                                   ct_term_matches(trees[x]->blocks[b].spans[s].text, def->term);
            }
            if (!used)
                diag_at(L->diags, CLASM_SEV_WARNING, "unused-definition", c->file, def->line,
                        def->column,
                        "defines: no clause or definition uses **%s**; no draft will list it",
                        def->term);
        }
    }
}

static void check_coverage(linter *L, const reach_info *ri)
{
    const clasm_library *lib = L->lib;
    for (int d = 0; d < CLASM_DOC_COUNT; d++) {
        lint_coverage *cov = &L->r->coverage[d];
        cov->uncovered = calloc(lib->nrisks + 1, sizeof *cov->uncovered);
        if (!cov->uncovered) {
            L->oom = 1;
            return;
        }
        for (size_t k = 0; k < lib->nrisks; k++) {
            const lib_risk *risk = &lib->risks[k];
            if (!((risk->documents >> d) & 1u))
                continue;
            cov->total++;
            int covered = 0, unreach = 0;
            for (size_t i = 0; i < lib->nclauses && !covered; i++) {
                const lib_clause *c = &lib->clauses[i];
                if (!has_doc(c, d) || !addresses_risk(c, risk->id))
                    continue;
                if (reachable(&ri[i], d))
                    covered = 1;
                else
                    unreach = 1;
            }
            if (covered) {
                cov->covered++;
                continue;
            }
            cov->uncovered[cov->nuncovered++] = risk->id;
            const char *doc = clasm_document_name((clasm_document)d);
            diag_at(L->diags, CLASM_SEV_ERROR, "uncovered-risk", risk->file, risk->line,
                    risk->column,
                    "risk %s matters for the %s, but %s; add it to the addresses of a clause "
                    "whose documents include %s%s",
                    risk->id, doc,
                    unreach ? "the only clauses addressing it can never be selected there"
                            : "no clause for that document addresses it",
                    doc, risk->documents == LIB_DOC_ALL ? ", or limit the risk's documents" : "");
        }
    }
}

static const lib_clause *unique_clause(const clasm_library *lib, size_t i)
{
    const lib_clause *c = &lib->clauses[i];
    if ((i > 0 && strcmp(lib->clauses[i - 1].id, c->id) == 0) ||
        (i + 1 < lib->nclauses && strcmp(lib->clauses[i + 1].id, c->id) == 0))
        return NULL; /* a duplicate id: already an error */
    return c;
}

static void version_where(const clasm_library *lib, const lib_clause *c, int *line, int *col)
{
    const yt_node *root = doc_root(lib, c->file);
    const yt_node *v = root ? yt_get(root, "version") : NULL;
    *line = v ? v->line : c->line;
    *col = v ? v->column : c->column;
}

static void change(linter *L, char *text)
{
    if (!text) {
        L->oom = 1;
        return;
    }
    char **g = realloc(L->r->changes, (L->r->nchanges + 1) * sizeof *g);
    if (!g) {
        free(text);
        L->oom = 1;
        return;
    }
    L->r->changes = g;
    g[L->r->nchanges++] = text;
}

/* One locked text (a clause, or a clause's fallback: "ID/fallback-N")
 * against the lock's entries e[0..n). */
typedef struct {
    const char *kind; /* "clause", "fallback" */
    const char *id, *file, *hash;
    int version, line, col; /* of its version */
    int at_line, at_col;    /* of the clause's id, or the fallback */
} lock_item;

static void check_lock_item(linter *L, const lock_item *it, lint_lock_entry *e, size_t n,
                            unsigned char *seen, int rc, int update, const char *lock_path)
{
    const lint_lock_entry *le = NULL;
    for (size_t k = 0; k < n && !le; k++)
        if (strcmp(e[k].id, it->id) == 0) {
            le = &e[k];
            seen[k] = 1;
        }
    if (!le) {
        /* With no lock at all, missing-lock above says it once. */
        if (rc != 1 && !update)
            diag_at(L->diags, CLASM_SEV_ERROR, "lock-missing-clause", it->file, it->at_line,
                    it->at_col,
                    "%s %s (version %d) is not in %s; run `clasm lint --update-lock` to "
                    "record it",
                    it->kind, it->id, it->version, lock_path);
        if (update)
            change(L, str_printf("added %s@%d", it->id, it->version));
        return;
    }
    if (it->version < le->version) {
        diag_at(L->diags, CLASM_SEV_ERROR, "version-lowered", it->file, it->line, it->col,
                "version: %s is at version %d here but %s:%d records version %d; versions "
                "only go up (set it above %d), then run `clasm lint --update-lock`",
                it->id, it->version, lock_path, le->line, le->version, le->version);
    } else if (it->version == le->version && strcmp(it->hash, le->hash) != 0) {
        diag_at(L->diags, CLASM_SEV_ERROR, "changed-without-version-bump", it->file, it->line,
                it->col,
                "version: the title or text of %s changed but its version is still %d "
                "(%s:%d records version %d with a different text hash); bump version to %d, "
                "then run `clasm lint --update-lock`",
                it->id, it->version, lock_path, le->line, le->version, le->version + 1);
    } else if (it->version > le->version) {
        if (update)
            change(L, str_printf("%s: version %d -> %d", it->id, le->version, it->version));
        else
            diag_at(L->diags, CLASM_SEV_WARNING, "lock-outdated", it->file, it->line, it->col,
                    "version: %s is at version %d but %s:%d records version %d; run `clasm "
                    "lint --update-lock` to record the new version",
                    it->id, it->version, lock_path, le->line, le->version);
    }
}

/* Compares the library with the lock. Returns -1 on I/O failure. */
static int check_lock(linter *L, const char *lock_path, int update)
{
    const clasm_library *lib = L->lib;
    lint_lock_entry *e = NULL;
    size_t n = 0;
    int rc = lint_lock_read(lock_path, &e, &n, L->diags);
    if (rc == 1 && !update)
        diag_at(L->diags, CLASM_SEV_ERROR, "missing-lock", lock_path, 0, 0,
                "the library has no lock file; run `clasm lint --update-lock` to record each "
                "clause's version and text hash");
    if (rc == -2)
        return -1;
    unsigned char *seen = calloc(n + 1, 1);
    if (!seen) {
        lint_lock_free(e, n);
        L->oom = 1;
        return 0;
    }
    for (size_t i = 0; i < lib->nclauses && !L->oom; i++) {
        const lib_clause *c = unique_clause(lib, i);
        if (!c || !c->version)
            continue;
        lock_item it = {"clause", c->id, c->file, c->text_hash, c->version,
                        0,        0,     c->line, c->column};
        version_where(lib, c, &it.line, &it.col);
        check_lock_item(L, &it, e, n, seen, rc, update, lock_path);
        for (size_t f = 0; f < c->nfallbacks; f++) {
            const lib_fallback *fb = &c->fallbacks[f];
            char *id = str_printf("%s/fallback-%zu", c->id, f + 1);
            if (!id) {
                L->oom = 1;
                break;
            }
            const yt_node *v = yt_get(fb->node, "version");
            lock_item fi = {"fallback",
                            id,
                            c->file,
                            fb->text_hash,
                            fb->version,
                            v ? v->line : fb->line,
                            v ? v->column : fb->column,
                            fb->line,
                            fb->column};
            check_lock_item(L, &fi, e, n, seen, rc, update, lock_path);
            free(id);
        }
    }
    for (size_t k = 0; k < n; k++) {
        if (seen[k])
            continue;
        /* A clause whose file is there but did not load (its errors are
         * above) is not gone: say so rather than suggest dropping it. */
        char *file = NULL;
        const char *dot = strchr(e[k].id, '.');
        const char *slash = strrchr(lock_path, '/');
        /* A fallback's entry is ID/fallback-N: its clause's file. */
        const char *part = strchr(e[k].id, '/');
        int stem = part && dot ? (int)(part - dot - 1) : dot ? (int)strlen(dot + 1) : 0;
        if (dot)
            file = str_printf("%.*s%.*s/%.*s.yaml", slash ? (int)(slash - lock_path + 1) : 0,
                              lock_path, (int)(dot - e[k].id), e[k].id, stem, dot + 1);
        struct stat st;
        int present = file && stat(file, &st) == 0;
        /* A fallback's entry whose clause loaded: the fallback is gone. */
        if (part) {
            char *clause = strndup(e[k].id, (size_t)(part - e[k].id));
            if (!clause)
                L->oom = 1;
            else if (library_clause(lib, clause))
                present = 0;
            free(clause);
        }
        if (update)
            change(L, str_printf("removed %s", e[k].id));
        else if (present)
            diag_at(L->diags, CLASM_SEV_ERROR, "lock-stale-entry", lock_path, e[k].line, 1,
                    "the lock lists clause %s, whose file %s did not load; fix the errors "
                    "reported for it",
                    e[k].id, file);
        else
            diag_at(L->diags, CLASM_SEV_ERROR, "lock-stale-entry", lock_path, e[k].line, 1,
                    "the lock lists %s %s, which the library no longer has; run `clasm lint "
                    "--update-lock`",
                    part ? "fallback" : "clause", e[k].id);
        free(file);
    }
    free(seen);
    lint_lock_free(e, n);
    return 0;
}

static int has_yaml_suffix(const char *s)
{
    size_t n = strlen(s);
    return n > 5 && strcmp(s + n - 5, ".yaml") == 0;
}

/* YAML files of the library: at the top and one folder down. */
static size_t count_files(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = str_printf("%s/%s", dir, e->d_name);
        struct stat st;
        if (p && stat(p, &st) == 0) {
            if (S_ISREG(st.st_mode) && has_yaml_suffix(e->d_name)) {
                n++;
            } else if (S_ISDIR(st.st_mode)) {
                DIR *sd = opendir(p);
                struct dirent *f;
                while (sd && (f = readdir(sd)) != NULL) {
                    char *q = f->d_name[0] != '.' && has_yaml_suffix(f->d_name)
                                  ? str_printf("%s/%s", p, f->d_name)
                                  : NULL;
                    struct stat fst;
                    if (q && stat(q, &fst) == 0 && S_ISREG(fst.st_mode))
                        n++;
                    free(q);
                }
                if (sd)
                    closedir(sd);
            }
        }
        free(p);
    }
    closedir(d);
    return n;
}

void clasm_lint_report_free(clasm_lint_report *r)
{
    if (!r)
        return;
    for (int d = 0; d < CLASM_DOC_COUNT; d++)
        free(r->coverage[d].uncovered);
    for (size_t i = 0; i < r->nchanges; i++)
        free(r->changes[i]);
    free(r->changes);
    clasm_library_free(r->lib);
    free(r->dir);
    free(r);
}

typedef struct {
    clasm_diag d;
    size_t index;
} ordered_diag;

static int cmp_diag(const void *a, const void *b)
{
    const ordered_diag *x = a, *y = b;
    const char *fx = x->d.file ? x->d.file : "", *fy = y->d.file ? y->d.file : "";
    int c = strcmp(fx, fy);
    if (c)
        return c;
    if (x->d.line != y->d.line)
        return x->d.line < y->d.line ? -1 : 1;
    if (x->d.column != y->d.column)
        return x->d.column < y->d.column ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Orders the diagnostics from start on by file, line and column (stable),
 * so that counsel reads each file's problems together. */
static void sort_diags(clasm_diags *diags, size_t start)
{
    size_t n = diags->count - start;
    if (n < 2)
        return;
    ordered_diag *v = malloc(n * sizeof *v);
    if (!v)
        return; /* discovery order is still correct, only less tidy */
    for (size_t i = 0; i < n; i++)
        v[i] = (ordered_diag){diags->items[start + i], i};
    qsort(v, n, sizeof *v, cmp_diag);
    for (size_t i = 0; i < n; i++)
        diags->items[start + i] = v[i].d;
    free(v);
}

static clasm_status lint_run(const char *dir, const clasm_lint_options *opt,
                             clasm_lint_report **out, clasm_diags *diags);

clasm_status clasm_lint(const char *dir, const clasm_lint_options *opt, clasm_lint_report **out,
                        clasm_diags *diags)
{
    size_t start = diags->count;
    clasm_status st = lint_run(dir, opt, out, diags);
    sort_diags(diags, start);
    return st;
}

static clasm_status lint_run(const char *dir, const clasm_lint_options *opt,
                             clasm_lint_report **out, clasm_diags *diags)
{
    *out = NULL;
    if (!dir)
        return CLASM_E_USAGE;
    clasm_lint_options none = {0, 0, NULL};
    if (!opt)
        opt = &none;
    clasm_lint_report *r = calloc(1, sizeof *r);
    if (!r || !(r->dir = strdup(dir))) {
        free(r);
        return CLASM_E_IO;
    }
    *out = r;
    clasm_status st = library_load_all(dir, &r->lib, diags);
    r->files = count_files(dir);
    if (!r->lib) {
        if (opt->strict)
            clasm_diags_promote_warnings(diags);
        if (opt->update_lock)
            r->lock_refused = 1;
        return st == CLASM_OK ? CLASM_E_IO : st;
    }
    r->loaded = 1;
    const clasm_library *lib = r->lib;
    r->clauses = lib->nclauses;
    r->risks = lib->nrisks;
    linter L = {r, lib, diags, 0};
    check_texts(&L);
    check_definitions(&L);
    values_lint(lib, diags); /* words for every value a deal may give */
    /* Country facts last checked too long ago. */
    char now[32];
    iso_time_now(now);
    now[10] = '\0';
    countries_lint(&lib->countries, opt && opt->today ? opt->today : now, diags);
    /* Coverage and reachability need the catalogue: without risks or tiers
     * (risks.yaml did not load, already an error) they would only add noise. */
    int judge = lib->nrisks > 0 && lib->ntiers > 0;
    reach_info *ri = judge ? calloc(lib->nclauses + 1, sizeof *ri) : NULL;
    if (judge && !ri) {
        L.oom = 1;
    } else if (judge) {
        compute_reach(&L, ri);
        check_coverage(&L, ri);
        check_reach(&L, ri);
        check_drafts(&L, ri);
    }
    free(ri);
    char *lock_path = str_printf("%s/%s", dir, LOCK_NAME);
    int io = !lock_path || check_lock(&L, lock_path, opt->update_lock) != 0;
    if (L.oom) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", dir, 0, 0,
                "ran out of memory while checking the library");
        free(lock_path);
        return CLASM_E_IO;
    }
    if (opt->strict)
        clasm_diags_promote_warnings(diags);
    int errors = clasm_diags_errors(diags) > 0;
    if (opt->update_lock && !io) {
        if (errors) {
            r->lock_refused = 1;
        } else {
            char *text = lint_lock_text(lib);
            size_t oldlen = 0;
            char *old = read_all(lock_path, &oldlen);
            if (!text)
                io = 1;
            else if (!old || strcmp(old, text) != 0) {
                /* Through the one output routine: staged, synced, renamed. */
                if (clasm_write_file(lock_path, text, strlen(text), diags) != CLASM_OK)
                    io = 1;
                else
                    r->lock_written = 1;
            } else {
                r->lock_current = 1;
            }
            free(old);
            free(text);
        }
    }
    free(lock_path);
    if (io)
        return CLASM_E_IO;
    return clasm_diags_errors(diags) ? CLASM_E_INPUT : CLASM_OK;
}

/* ------------------------------------------------------------ output */

void clasm_lint_print_text(FILE *out, const clasm_lint_report *r, const clasm_diags *diags)
{
    fprintf(out, "library %s: %zu files, %zu clauses, %zu risks\n", r->dir, r->files, r->clauses,
            r->risks);
    if (r->loaded) {
        fputs("coverage:", out);
        for (int d = 0; d < CLASM_DOC_COUNT; d++)
            fprintf(out, "%s %s %zu/%zu", d ? "," : "", clasm_document_name((clasm_document)d),
                    r->coverage[d].covered, r->coverage[d].total);
        fputc('\n', out);
        for (int d = 0; d < CLASM_DOC_COUNT; d++) {
            const lint_coverage *c = &r->coverage[d];
            if (!c->nuncovered)
                continue;
            fprintf(out, "  uncovered in %s:", clasm_document_name((clasm_document)d));
            for (size_t i = 0; i < c->nuncovered; i++)
                fprintf(out, " %s", c->uncovered[i]);
            fputc('\n', out);
        }
    }
    for (size_t i = 0; i < r->nchanges; i++)
        fprintf(out, "lock: %s\n", r->changes[i]);
    if (r->lock_written)
        fprintf(out, "lock: wrote %s/%s\n", r->dir, LOCK_NAME);
    else if (r->lock_current)
        fprintf(out, "lock: %s/%s is up to date\n", r->dir, LOCK_NAME);
    else if (r->lock_refused)
        fprintf(out, "lock: %s/%s not updated: fix the errors first\n", r->dir, LOCK_NAME);
    size_t e = clasm_diags_errors(diags), w = clasm_diags_warnings(diags);
    fprintf(out, "%zu error%s, %zu warning%s\n", e, e == 1 ? "" : "s", w, w == 1 ? "" : "s");
}

/* Paths and messages naming files: a name that is not UTF-8 is escaped
 * (json_text.h), never left out. */
static json_t *jstr(const char *s)
{
    return json_text(s);
}

char *clasm_lint_json(const clasm_lint_report *r, const clasm_diags *diags)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "library", jstr(r->dir));
    json_object_set_new(o, "files", json_integer((json_int_t)r->files));
    json_object_set_new(o, "clauses", json_integer((json_int_t)r->clauses));
    json_object_set_new(o, "risks", json_integer((json_int_t)r->risks));
    json_t *cov = json_object();
    for (int d = 0; cov && d < CLASM_DOC_COUNT; d++) {
        const lint_coverage *c = &r->coverage[d];
        json_t *u = json_array();
        for (size_t i = 0; u && i < c->nuncovered; i++)
            json_array_append_new(u, jstr(c->uncovered[i]));
        json_t *x = json_object();
        if (x) {
            json_object_set_new(x, "covered", json_integer((json_int_t)c->covered));
            json_object_set_new(x, "total", json_integer((json_int_t)c->total));
            json_object_set_new(x, "uncovered", u ? u : json_array());
            json_object_set_new(cov, clasm_document_name((clasm_document)d), x);
        } else {
            json_decref(u);
        }
    }
    json_object_set_new(o, "coverage", cov ? cov : json_object());
    json_t *ds = json_array();
    for (size_t i = 0; ds && diags && i < diags->count; i++) {
        const clasm_diag *d = &diags->items[i];
        json_t *x = json_object();
        if (!x)
            continue;
        json_object_set_new(x, "severity",
                            json_string(d->severity == CLASM_SEV_ERROR ? "error" : "warning"));
        json_object_set_new(x, "id", jstr(d->id));
        json_object_set_new(x, "message", jstr(d->message));
        json_object_set_new(x, "file", jstr(d->file));
        json_object_set_new(x, "line", json_integer(d->line));
        json_object_set_new(x, "column", json_integer(d->column));
        json_array_append_new(ds, x);
    }
    json_object_set_new(o, "diagnostics", ds ? ds : json_array());
    json_object_set_new(o, "errors", json_integer((json_int_t)clasm_diags_errors(diags)));
    json_object_set_new(o, "warnings", json_integer((json_int_t)clasm_diags_warnings(diags)));
    json_t *lock = json_object();
    json_t *ch = json_array();
    for (size_t i = 0; ch && i < r->nchanges; i++)
        json_array_append_new(ch, jstr(r->changes[i]));
    if (lock) {
        json_object_set_new(lock, "written", json_boolean(r->lock_written));
        json_object_set_new(lock, "changes", ch ? ch : json_array());
        json_object_set_new(o, "lock", lock);
    } else {
        json_decref(ch);
    }
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}
