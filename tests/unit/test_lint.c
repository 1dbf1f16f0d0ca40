/* clasm lint: each check on its own (markup, placeholders, locations in
 * YAML scalars, constant expressions, the lock file), then whole small
 * libraries written to a temp folder, each problem with its id, message,
 * file, line and column. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deal.h"
#include "deal_fields.h"
#include "lint.h"
#include "sha256.h"

/* ------------------------------------------------------------ helpers */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    for (char *p = path + strlen(dir) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *s = calloc(1, 65536);
    assert_non_null(s);
    size_t n = fread(s, 1, 65535, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void dump(const clasm_diags *d)
{
    clasm_diags_print(stderr, d);
}

/* The one diagnostic with id whose file ends with file_end, at line:col
 * (col < 0: any) and whose message holds part; fails the test when there is
 * none. */
static const clasm_diag *expect(const clasm_diags *d, clasm_severity sev, const char *id,
                                const char *file_end, int line, int col, const char *part)
{
    for (size_t i = 0; i < d->count; i++) {
        const clasm_diag *x = &d->items[i];
        size_t fl = x->file ? strlen(x->file) : 0, el = strlen(file_end);
        if (strcmp(x->id, id) == 0 && x->file && fl >= el &&
            strcmp(x->file + fl - el, file_end) == 0 && x->line == line &&
            (col < 0 || x->column == col) && (!part || strstr(x->message, part))) {
            assert_int_equal(x->severity, sev);
            return x;
        }
    }
    dump(d);
    fail_msg("no '%s' in %s at %d:%d saying \"%s\"", id, file_end, line, col, part ? part : "");
    return NULL;
}

static size_t count_id(const clasm_diags *d, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        n += strcmp(d->items[i].id, id) == 0;
    return n;
}

static const lint_issue *find_issue(const lint_issue *is, size_t n, const char *id, size_t offset)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(is[i].id, id) == 0 && is[i].offset == offset)
            return &is[i];
    return NULL;
}

/* ------------------------------------------------------------ texts */

static clasm_library *fake_library(lib_term *terms, size_t nterms, const char **keys)
{
    clasm_library *lib = calloc(1, sizeof *lib);
    assert_non_null(lib);
    lib->terms = terms;
    lib->nterms = nterms;
    lib->term_keys = keys;
    return lib;
}

static void test_placeholders(void **state)
{
    (void)state;
    lib_term terms[2];
    memset(terms, 0, sizeof terms);
    terms[0] = (lib_term){.key = "cure_period_days", .description = "d", .example = "30"};
    terms[1] = (lib_term){.key = "governing_law", .description = "l", .example = "NY"};
    const char *keys[] = {"cure_period_days", "governing_law", NULL};
    clasm_library *lib = fake_library(terms, 2, keys);
    static const char *template_terms[] = {"Supplier"};
    lib->template_terms = template_terms;
    lib->ntemplate_terms = 1;
    const char *t = "{{ customer.name }} and {{ custmer.name }} within "
                    "{{ terms.cure_period_days }} and {{ terms.cure_perod_days }} and {{ }} "
                    "and {{#if reseller}} and {{ a b }} and {{ tier }} {{ document }} "
                    "and the **Supplier** and the **Suplier** and {{ clause nowhere.x }} "
                    "and {{ unclosed";
    ct_tree *tree = ct_parse(t);
    unsigned char used[2] = {0, 0};
    lint_issue *is;
    size_t n;
    assert_int_equal(lint_tree_check(lib, tree, used, &is, &n), 0);
    assert_int_equal(n, 8);
    assert_int_equal(used[0], 1);
    assert_int_equal(used[1], 0);
    const lint_issue *x =
        find_issue(is, n, "unknown-placeholder", (size_t)(strstr(t, "{{ custmer") - t));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "{{ custmer.name }} is not a value any deal can supply "
                                       "(did you mean 'customer.name'?)"));
    x = find_issue(is, n, "unknown-placeholder",
                   (size_t)(strstr(t, "{{ terms.cure_perod_days }}") - t));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "uses the terms key 'cure_perod_days', which library.yaml "
                                       "does not declare (did you mean 'cure_period_days'?)"));
    x = find_issue(is, n, "malformed-tag", (size_t)(strstr(t, "{{ }}") - t));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "empty placeholder"));
    x = find_issue(is, n, "malformed-tag", (size_t)(strstr(t, "{{#if") - t));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "is a template tag"));
    assert_non_null(find_issue(is, n, "malformed-tag", (size_t)(strstr(t, "{{ a b") - t)));
    x = find_issue(is, n, "undefined-term", (size_t)(strstr(t, "**Suplier") - t));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "**Suplier** is not a defined term"));
    assert_non_null(strstr(x->message, "(did you mean 'Supplier'?)"));
    x = find_issue(is, n, "unknown-reference", (size_t)(strstr(t, "{{ clause nowhere") - t));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "names neither a clause of the library nor a category"));
    x = find_issue(is, n, "unclosed-tag", (size_t)(strstr(t, "{{ unclosed") - t));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "never closed"));
    lint_issues_free(is, n);
    ct_free(tree);
    free(lib);

    assert_true(lint_known_path("seller.jurisdiction"));
    assert_true(lint_known_path("product.capabilities"));
    assert_false(lint_known_path("seller.country"));
    assert_false(lint_known_path("terms.x"));
}

static void test_unit_repeated(void **state)
{
    (void)state;
    lib_term terms[3];
    memset(terms, 0, sizeof terms);
    terms[0].key = "cure_days";
    terms[0].kind = TERM_DAYS;
    terms[1].key = "fees";
    terms[1].kind = TERM_AMOUNT;
    terms[1].currency = "currency";
    terms[2].key = "currency";
    terms[2].kind = TERM_CURRENCY;
    const char *keys[] = {"cure_days", "fees", "currency", NULL};
    clasm_library *lib = fake_library(terms, 3, keys);
    /* A period prints its unit and an amount its currency: written again
     * after the placeholder they print twice. "days'" (possessive) and a
     * word that only starts like the unit are fine. */
    const char *t = "within {{ terms.cure_days }} days, on {{ terms.cure_days }}' notice, "
                    "{{ terms.cure_days }} daylong; pay {{ terms.fees }} {{ terms.currency }} or "
                    "{{ terms.fees }} now.";
    ct_tree *tree = ct_parse(t);
    lint_issue *is;
    size_t n;
    assert_int_equal(lint_tree_check(lib, tree, NULL, &is, &n), 0);
    assert_int_equal(n, 2);
    const lint_issue *x = find_issue(is, n, "unit-repeated", (size_t)(strstr(t, "{{") - t));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "prints with its unit (\"thirty (30) days\")"));
    x = find_issue(is, n, "unit-repeated", (size_t)(strstr(t, "{{ terms.fees") - t));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "{{ terms.currency }} after it would print it twice"));
    lint_issues_free(is, n);
    ct_free(tree);
    free(lib);
}

/* ------------------------------------------------------------ libraries */

static const char settings[] =
    "categories:\n"
    "  - id: core\n"
    "    title: Core\n"
    "terms:\n"
    "  cure_days:\n"
    "    label: Cure period\n"
    "    description: Days to cure.\n"
    "    example: 30\n"
    "  unused_days:\n"
    "    label: Unused\n"
    "    description: Nobody uses it.\n"
    "    example: 5\n"
    /* Words for every value (values_lint): test_values.c. */
    "values:\n"
    "  words:\n"
    "    document: {contract: C, eula: E, reseller-agreement: R, addendum: A}\n"
    "    customer.kind: {government-agency: g, security-service: s, "
    "state-linked: l, private: p}\n"
    "    deployment: {cloud: c, on-premises: o, hybrid: h}\n"
    "    license: {perpetual: p, subscription: s}\n"
    "    end_use: {known: k, unknown: u}\n"
    "    capabilities: {}\n";

static const char catalogue[] = "areas:\n"
                                "  - id: product\n"
                                "    title: Product\n"
                                "tiers:\n"
                                "  - id: baseline\n"
                                "    min_score: 0\n"
                                "  - id: high\n"
                                "    min_score: 4\n"
                                "  - id: severe\n"
                                "    min_score: 50\n"
                                "    escalate: true\n"
                                "risks:\n"
                                "  - id: product.alpha\n"
                                "    area: product\n"
                                "    title: Alpha\n"
                                "    description: A.\n"
                                "    weight: 3\n"
                                "    guidance: g\n"
                                "  - id: product.beta\n"
                                "    area: product\n"
                                "    title: Beta\n"
                                "    description: B.\n"
                                "    weight: 2\n"
                                "    guidance: g\n"
                                "    documents: [eula]\n";

/* A clause file for core/NAME.yaml. */
static void clause(const char *dir, const char *name, const char *extra, const char *text)
{
    char file[128], body[4096];
    snprintf(file, sizeof file, "core/%s.yaml", name);
    snprintf(body, sizeof body,
             "id: core.%s\nversion: 1\ntitle: %s\ncategory: core\n%stext: |\n%sguidance: [g]\n",
             name, name, extra, text);
    write_file(dir, file, body);
}

static char *make_library(void)
{
    char tmpl[] = "/tmp/clasm-lint-XXXXXX";
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    dir = strdup(dir);
    write_file(dir, "library.yaml", settings);
    write_file(dir, "risks.yaml", catalogue);
    clause(dir, "alpha", "documents: [contract, eula, addendum]\naddresses: [product.alpha]\n",
           "  Cure within {{ terms.cure_days }} days.\n");
    clause(dir, "beta", "documents: [eula]\naddresses: [product.*]\n", "  The Beta term.\n");
    return dir;
}

static clasm_status run(const char *dir, int update, int strict, clasm_lint_report **r,
                        clasm_diags *d)
{
    clasm_lint_options opt = {update, strict, NULL};
    clasm_diags_init(d);
    return clasm_lint(dir, &opt, r, d);
}

static void test_clean_library_and_lock(void **state)
{
    (void)state;
    char *dir = make_library();
    clasm_diags d;
    clasm_lint_report *r = NULL;
    /* No lock yet: an error that says how to make one. */
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    expect(&d, CLASM_SEV_ERROR, "missing-lock", "/library.lock", 0, 0, "clasm lint --update-lock");
    expect(&d, CLASM_SEV_WARNING, "unused-term", "/library.yaml", 9, 3,
           "terms.unused_days is declared but no clause text uses {{ terms.unused_days }}");
    assert_int_equal(clasm_diags_errors(&d), 2);
    assert_int_equal(r->files, 4);
    assert_int_equal(r->clauses, 2);
    assert_int_equal(r->risks, 2);
    /* product.beta matters only for the eula. */
    assert_int_equal(r->coverage[CLASM_DOC_CONTRACT].total, 1);
    assert_int_equal(r->coverage[CLASM_DOC_CONTRACT].covered, 1);
    assert_int_equal(r->coverage[CLASM_DOC_EULA].total, 2);
    assert_int_equal(r->coverage[CLASM_DOC_EULA].covered, 2);
    /* The reseller agreement has no clause at all for product.alpha. */
    assert_int_equal(r->coverage[CLASM_DOC_RESELLER].total, 1);
    assert_int_equal(r->coverage[CLASM_DOC_RESELLER].covered, 0);
    assert_string_equal(r->coverage[CLASM_DOC_RESELLER].uncovered[0], "product.alpha");
    expect(&d, CLASM_SEV_ERROR, "uncovered-risk", "/risks.yaml", 13, 9,
           "risk product.alpha matters for the reseller-agreement, but no clause for that "
           "document addresses it");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* Fix coverage, then --update-lock writes the lock and says what it added. */
    write_file(dir, "risks.yaml",
               "areas:\n  - id: product\n    title: Product\n"
               "tiers:\n  - id: baseline\n    min_score: 0\n  - id: high\n    min_score: 4\n"
               "risks:\n  - id: product.alpha\n    area: product\n    title: Alpha\n"
               "    description: A.\n    weight: 3\n    guidance: g\n"
               "    documents: [contract, eula]\n"
               "  - id: product.beta\n    area: product\n    title: Beta\n"
               "    description: B.\n    weight: 2\n    guidance: g\n    documents: [eula]\n");
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_OK);
    assert_true(r->lock_written);
    assert_int_equal(r->nchanges, 2);
    assert_string_equal(r->changes[0], "added core.alpha@1");
    assert_string_equal(r->changes[1], "added core.beta@1");
    char *lock = read_text(dir, "library.lock");
    assert_non_null(lock);
    assert_non_null(strstr(lock, "\ncore.alpha 1 "));
    assert_non_null(strstr(lock, "\ncore.beta 1 "));
    free(lock);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* Now clean (one warning); --strict makes the warning an error. */
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_OK);
    assert_int_equal(clasm_diags_errors(&d), 0);
    assert_int_equal(clasm_diags_warnings(&d), 1);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    assert_int_equal(run(dir, 0, 1, &r, &d), CLASM_E_INPUT);
    expect(&d, CLASM_SEV_ERROR, "unused-term", "/library.yaml", 9, 3, NULL);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* A text edit without a version bump. */
    clause(dir, "alpha", "documents: [contract, eula, addendum]\naddresses: [product.alpha]\n",
           "  Cure within {{ terms.cure_days }} business days.\n");
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    expect(&d, CLASM_SEV_ERROR, "changed-without-version-bump", "core/alpha.yaml", 2, 10,
           "the title or text of core.alpha changed but its version is still 1");
    expect(&d, CLASM_SEV_ERROR, "changed-without-version-bump", "core/alpha.yaml", 2, 10,
           "library.lock:5 records version 1 with a different text hash); bump version to 2");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    /* --update-lock refuses to bless it and leaves the lock alone. */
    char *before = read_text(dir, "library.lock");
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_E_INPUT);
    assert_true(r->lock_refused);
    assert_false(r->lock_written);
    char *after = read_text(dir, "library.lock");
    assert_string_equal(before, after);
    free(before);
    free(after);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* Bumped: a warning that the lock is behind, then --update-lock records it. */
    write_file(dir, "core/alpha.yaml",
               "id: core.alpha\nversion: 2\ntitle: alpha\ncategory: core\n"
               "documents: [contract, eula]\naddresses: [product.alpha]\ntext: |\n"
               "  Cure within {{ terms.cure_days }} business days.\nguidance: [g]\n");
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_OK);
    expect(&d, CLASM_SEV_WARNING, "lock-outdated", "core/alpha.yaml", 2, 10,
           "core.alpha is at version 2 but");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_OK);
    assert_true(r->lock_written);
    assert_int_equal(r->nchanges, 1);
    assert_string_equal(r->changes[0], "core.alpha: version 1 -> 2");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* Lowered version, a removed clause, a clause missing from the lock. */
    write_file(dir, "core/alpha.yaml",
               "id: core.alpha\nversion: 1\ntitle: alpha\ncategory: core\n"
               "documents: [contract, eula]\naddresses: [product.alpha]\ntext: |\n"
               "  Cure within {{ terms.cure_days }} business days.\nguidance: [g]\n");
    char path[512];
    snprintf(path, sizeof path, "%s/core/beta.yaml", dir);
    assert_int_equal(unlink(path), 0);
    clause(dir, "gamma", "documents: [eula]\naddresses: [product.beta]\n", "  Gamma.\n");
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    expect(&d, CLASM_SEV_ERROR, "version-lowered", "core/alpha.yaml", 2, 10,
           "core.alpha is at version 1 here but");
    expect(&d, CLASM_SEV_ERROR, "lock-stale-entry", "/library.lock", 6, 1,
           "the lock lists clause core.beta, which the library no longer has");
    expect(&d, CLASM_SEV_ERROR, "lock-missing-clause", "core/gamma.yaml", 1, 5,
           "clause core.gamma (version 1) is not in");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* A broken lock line. */
    write_file(dir, "library.lock", "# lock\ncore.alpha two abc\n");
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    expect(&d, CLASM_SEV_ERROR, "bad-lock-line", "/library.lock", 2, 1,
           "expected 'ID VERSION SHA256'");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    rm_tree(dir);
    free(dir);
}

static void test_text_problems_located(void **state)
{
    (void)state;
    char *dir = make_library();
    clause(dir, "delta", "documents: [eula]\naddresses: [product.beta]\n",
           "  Intro for {{ customer.name }}.\n"
           "\n"
           "  The **Customer shall pay {{ terms.cure_dayz }} to {{ sellr.name }}.\n"
           "  (a) one;\n"
           "  (c) three.\n");
    write_file(dir, "core/folded.yaml",
               "id: core.folded\nversion: 1\ntitle: folded\ncategory: core\n"
               "documents: [eula]\naddresses: [product.beta]\n"
               "text: \"Escaped\\ttext with {{ nope }}\"\nguidance: [g]\n");
    clasm_diags d;
    clasm_lint_report *r = NULL;
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    /* Lines 1-6 are the header; text: | on line 7; the third text line is 10. */
    expect(&d, CLASM_SEV_ERROR, "unbalanced-bold", "core/delta.yaml", 10, 7,
           "text: '**' has no closing '**' in its paragraph");
    expect(&d, CLASM_SEV_ERROR, "unknown-placeholder", "core/delta.yaml", 10, 28,
           "text: {{ terms.cure_dayz }} uses the terms key 'cure_dayz', which library.yaml does "
           "not declare (did you mean 'cure_days'?)");
    expect(&d, CLASM_SEV_ERROR, "unknown-placeholder", "core/delta.yaml", 10, 53,
           "{{ sellr.name }} is not a value any deal can supply (did you mean 'seller.name'?)");
    expect(&d, CLASM_SEV_ERROR, "list-order", "core/delta.yaml", 12, 3,
           "list item (c) follows (a); expected (b)");
    /* Inside a double-quoted string with an escape: the text's own place, said so. */
    expect(&d, CLASM_SEV_ERROR, "unknown-placeholder", "core/folded.yaml", 7, 7,
           "cannot be told for this kind of YAML string");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    rm_tree(dir);
    free(dir);
}

static void test_unreachable(void **state)
{
    (void)state;
    char *dir = make_library();
    /* Only pulled in by requires, and nobody requires it. */
    clause(dir, "orphan", "documents: [contract]\n", "  Orphan.\n");
    /* Pulled in by a clause that can be chosen: fine. */
    clause(dir, "needed", "documents: [contract, eula]\n", "  Needed.\n");
    clause(dir, "puller",
           "documents: [contract]\naddresses: [product.alpha]\n"
           "requires: [core.needed]\n",
           "  Puller.\n");
    /* A when that never holds for the document it is in. */
    clause(dir, "never", "documents: [eula]\nwhen: document == contract\n", "  Never.\n");
    /* A when that depends on the deal: fine. */
    clause(dir, "maybe", "documents: [eula]\nwhen: 'reseller and deployment == cloud'\n",
           "  Maybe.\n");
    /* A min_tier no score reaches (weights add up to 5; severe needs 50). */
    clause(dir, "toohigh", "documents: [eula]\naddresses: [product.beta]\nmin_tier: severe\n",
           "  Too high.\n");
    /* Replaced by a clause chosen for every contract. */
    clause(dir, "old", "documents: [contract]\naddresses: [product.alpha]\n", "  Old.\n");
    clause(dir, "always", "documents: [contract]\nwhen: score >= 0\nreplaces: [core.old]\n",
           "  Always.\n");
    /* Replaced by a clause every one of its risks also chooses. */
    clause(dir, "plain", "documents: [eula]\naddresses: [product.beta]\n", "  Plain.\n");
    clause(dir, "better", "documents: [eula]\naddresses: [product.*]\nreplaces: [core.plain]\n",
           "  Better.\n");
    /* Replaced only at a tier: still reachable below it. */
    clause(dir, "std", "documents: [eula]\naddresses: [product.beta]\n", "  Std.\n");
    clause(dir, "enh",
           "documents: [eula]\naddresses: [product.beta]\nmin_tier: high\nreplaces: [core.std]\n",
           "  Enh.\n");
    clasm_diags d;
    clasm_lint_report *r = NULL;
    run(dir, 0, 0, &r, &d);
    expect(&d, CLASM_SEV_WARNING, "unreachable-clause", "core/orphan.yaml", 1, 5,
           "no deal can ever select clause core.orphan: it has neither addresses nor when, and "
           "no clause that can be chosen for a contract requires it");
    expect(&d, CLASM_SEV_WARNING, "unreachable-clause", "core/never.yaml", 1, 5,
           "its when can never hold for a eula");
    expect(&d, CLASM_SEV_WARNING, "unreachable-clause", "core/toohigh.yaml", 1, 5,
           "min_tier severe needs a score of 50, but all the catalogue's weights add up to 5");
    expect(&d, CLASM_SEV_WARNING, "unreachable-clause", "core/old.yaml", 1, 5,
           "core.always replaces it and is chosen for every contract");
    expect(&d, CLASM_SEV_WARNING, "unreachable-clause", "core/plain.yaml", 1, 5,
           "core.better replaces it and is chosen by every risk that would choose it");
    assert_int_equal(count_id(&d, "unreachable-clause"), 5);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    rm_tree(dir);
    free(dir);
}

static void test_expr_constant(void **state)
{
    (void)state;
    char *dir = make_library();
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_OK);
    struct {
        const char *src;
        clasm_document doc;
        int want;
    } cases[] = {
        {"document == contract", CLASM_DOC_CONTRACT, 1},
        {"document == contract", CLASM_DOC_EULA, 0},
        {"score > 5", CLASM_DOC_EULA, 0},
        {"score >= 5", CLASM_DOC_EULA, -1},
        {"tier >= severe", CLASM_DOC_EULA, 0},
        {"tier >= baseline", CLASM_DOC_EULA, 1},
        {"reseller and not reseller", CLASM_DOC_EULA, 0},
        {"end_use == known or end_use == unknown", CLASM_DOC_EULA, 1},
        {"customer.kind == private", CLASM_DOC_EULA, -1},
        {"customer.name == x", CLASM_DOC_EULA, -1},
        {"risk product.alpha", CLASM_DOC_EULA, -1},
        {"capabilities contains x and document == eula", CLASM_DOC_CONTRACT, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expr *e = NULL;
        char *err = NULL;
        int col = 0;
        assert_int_equal(expr_parse(cases[i].src, &e, &err, &col), 0);
        int got = lint_expr_constant(lib, e, cases[i].doc);
        if (got != cases[i].want)
            fail_msg("%s for %s: got %d, want %d", cases[i].src, clasm_document_name(cases[i].doc),
                     got, cases[i].want);
        expr_free(e);
    }
    clasm_library_free(lib);
    clasm_diags_free(&d);
    rm_tree(dir);
    free(dir);
}

static void test_broken_library_still_linted(void **state)
{
    (void)state;
    char *dir = make_library();
    /* A load error in one clause, a lint error in another: both reported. */
    clause(dir, "bad", "documents: [eula]\naddresses: [product.nope]\n", "  Bad.\n");
    clause(dir, "texty", "documents: [eula]\naddresses: [product.beta]\n", "  {{ nothing }}\n");
    clasm_diags d;
    clasm_lint_report *r = NULL;
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_E_INPUT);
    expect(&d, CLASM_SEV_ERROR, "unknown-risk", "core/bad.yaml", 6, 13, "product.nope");
    expect(&d, CLASM_SEV_ERROR, "unknown-placeholder", "core/texty.yaml", 8, 3, "{{ nothing }}");
    assert_true(r->lock_refused);
    assert_null(read_text(dir, "library.lock"));
    /* The summary in JSON. */
    char *json = clasm_lint_json(r, &d);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"files\": 6"));
    assert_non_null(strstr(json, "\"id\": \"unknown-placeholder\""));
    assert_non_null(strstr(json, "\"line\": 8"));
    assert_non_null(strstr(json, "\"reseller-agreement\": {"));
    free(json);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* No library at all. */
    assert_int_equal(run("/nonexistent/clasm-lint", 0, 0, &r, &d), CLASM_E_IO);
    expect(&d, CLASM_SEV_ERROR, "library-not-found", "/nonexistent/clasm-lint", 0, 0, NULL);
    assert_false(r->loaded);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    rm_tree(dir);
    free(dir);
}

/* References and defined terms in every document and tier: a reference
 * without words for its absence, and a term whose definition may not be in
 * the draft, are found with where they can happen; each term is defined
 * once and listed only when used. */
static void test_references_and_definitions(void **state)
{
    (void)state;
    char *dir = make_library();
    /* The list of definitions, and a schedule only some drafts have. */
    write_file(dir, "core/glossary.yaml",
               "id: core.glossary\nversion: 1\ntitle: Definitions\ncategory: core\n"
               "documents: [contract, eula]\norder: 1\ntext: |\n  Meanings:\n\n"
               "  {{ definitions }}\nguidance: [g]\ndefines:\n"
               "  Widget: means the thing, see {{ clause core.schedule }}.\n"
               "  Spare: means nothing anyone uses.\n"
               "  Doubled: means one thing.\n"
               "  Looping: means a list {{ definitions }} in a definition.\n"
               "  Alone: \"means a list.\\n\\n{{ definitions }}\"\n");
    write_file(dir, "core/schedule.yaml",
               "id: core.schedule\nversion: 1\ntitle: Schedule\ncategory: core\n"
               "documents: [contract, eula]\nwhen: tier >= high\ntext: The list.\n"
               "guidance: [g]\n");
    /* Uses the glossary and requires it: the Widget's reference to the
     * schedule is missing at the baseline tier (the schedule comes from
     * high up), found through the definition. */
    clause(dir, "user",
           "documents: [contract]\naddresses: [product.alpha]\n"
           "requires: [core.glossary]\n",
           "  The **Widget** and the **Doubled**, see {{ clause core.schedule }} and "
           "{{ clause core.schedule or \"the schedule\" }} and {{ clause core }}.\n");
    /* Uses the glossary without requiring it, and an inline term. */
    clause(dir, "loose", "documents: [eula]\naddresses: [product.beta]\n",
           "  A **Widget** and an **Inline Thing**.\n");
    clause(dir, "definer", "documents: [eula]\nwhen: tier >= high\nrequires: [core.glossary]\n",
           "  The **\"Inline Thing\"** means this, and a **\"Doubled\"** here.\n");
    clasm_diags d;
    clasm_lint_report *r = NULL;
    run(dir, 0, 0, &r, &d);
    /* {{ clause core.schedule }} in core.user: a contract at the baseline
     * tier (the schedule comes from high up; severe is out of reach). */
    const clasm_diag *x = expect(&d, CLASM_SEV_ERROR, "reference-may-be-missing", "core/user.yaml",
                                 9, 43, "{{ clause core.schedule }} gives no words for a draft");
    assert_non_null(strstr(x->message, "(a contract at tier baseline)"));
    assert_non_null(strstr(x->message, "make core.user require it, or write {{ clause "
                                       "core.schedule or \"...\" }}"));
    /* ... and in the definition of Widget, drawn with core.user and with
     * core.loose. A reference with words, and one to a category of
     * clauses always there, need nothing. */
    expect(&d, CLASM_SEV_ERROR, "reference-may-be-missing", "core/glossary.yaml", 13, 32,
           "defines.Widget, as drawn with core.user: {{ clause core.schedule }}");
    expect(&d, CLASM_SEV_ERROR, "reference-may-be-missing", "core/glossary.yaml", 13, 32,
           "defines.Widget, as drawn with core.loose");
    assert_int_equal(count_id(&d, "reference-may-be-missing"), 3);
    /* core.loose: the list of definitions is not required, and the inline
     * term's clause comes only from tier high. */
    expect(&d, CLASM_SEV_ERROR, "definition-may-be-missing", "core/loose.yaml", 8, 5,
           "**Widget** is defined in the list of definitions of core.glossary, which is not "
           "in every draft that has core.loose (a eula at tiers baseline, high)");
    x = expect(&d, CLASM_SEV_ERROR, "definition-may-be-missing", "core/loose.yaml", 8, 23,
               "**Inline Thing** is defined inline in core.definer");
    assert_non_null(strstr(x->message, "(a eula at tier baseline)"));
    assert_int_equal(count_id(&d, "definition-may-be-missing"), 2);
    /* Defined twice; never used; a list inside a definition. */
    expect(&d, CLASM_SEV_ERROR, "duplicate-definition", "core/glossary.yaml", 15, 3,
           "Doubled is also defined by core.definer");
    expect(&d, CLASM_SEV_WARNING, "unused-definition", "core/glossary.yaml", 14, 3,
           "no clause or definition uses **Spare**");
    expect(&d, CLASM_SEV_ERROR, "misplaced-definitions", "core/glossary.yaml", 16, 25,
           "defines.Looping: {{ definitions }} must be a paragraph of its own");
    expect(&d, CLASM_SEV_ERROR, "misplaced-definitions", "core/glossary.yaml", 17, 3,
           "defines.Alone: a definition cannot hold the list of definitions");
    assert_int_equal(count_id(&d, "unknown-placeholder"), 0);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    rm_tree(dir);
    free(dir);
}

/* A term without a label: memos and the questionnaire would name it by its
 * key. A warning at the term's key; a label clears it. */
static void test_term_without_label(void **state)
{
    (void)state;
    char *dir = make_library();
    const char *label = strstr(settings, "    label: Cure period\n");
    assert_non_null(label);
    char unlabelled[sizeof settings];
    snprintf(unlabelled, sizeof unlabelled, "%.*s%s", (int)(label - settings), settings,
             label + strlen("    label: Cure period\n"));
    write_file(dir, "library.yaml", unlabelled);
    clasm_diags d;
    clasm_lint_report *r = NULL;
    run(dir, 0, 0, &r, &d);
    expect(&d, CLASM_SEV_WARNING, "term-without-label", "/library.yaml", 5, 3,
           "terms.cure_days has no label: memos and the questionnaire would name it by its key");
    assert_int_equal(count_id(&d, "term-without-label"), 1);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    write_file(dir, "library.yaml", settings);
    run(dir, 0, 0, &r, &d);
    assert_int_equal(count_id(&d, "term-without-label"), 0);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    rm_tree(dir);
    free(dir);
}

static void test_terms_in_when_and_titles(void **state)
{
    (void)state;
    char *dir = make_library();
    /* unused_days is tested by a when: it counts as used. */
    clause(dir, "timed",
           "documents: [eula]\naddresses: [product.beta]\nwhen: terms.unused_days > 3\n",
           "  Timed.\n");
    write_file(dir, "core/titled.yaml",
               "id: core.titled\nversion: 1\ntitle: For {{ customer.name }}\ncategory: core\n"
               "documents: [eula]\naddresses: [product.beta]\ntext: Plain.\nguidance: [g]\n"
               "because: words for no rule\n");
    /* No guidance named: nothing traces the clause to its source. */
    write_file(dir, "core/untraced.yaml",
               "id: core.untraced\nversion: 1\ntitle: Untraced\ncategory: core\n"
               "documents: [eula]\naddresses: [product.beta]\ntext: Plain.\n");
    clasm_diags d;
    clasm_lint_report *r = NULL;
    run(dir, 0, 0, &r, &d);
    expect(&d, CLASM_SEV_ERROR, "missing-guidance", "core/untraced.yaml", 1, 5,
           "core.untraced names no guidance section");
    assert_int_equal(count_id(&d, "missing-guidance"), 1);
    assert_int_equal(count_id(&d, "unused-term"), 0);
    expect(&d, CLASM_SEV_ERROR, "placeholder-in-title", "core/titled.yaml", 3, 8,
           "title: 'For {{ customer.name }}' holds '{{', but titles are printed as written");
    /* A when with no words: plans could only show the expression. */
    expect(&d, CLASM_SEV_WARNING, "when-without-wording", "core/timed.yaml", 7, 7,
           "core.timed has a when but no because: plans would give the expression "
           "'terms.unused_days > 3' as its reason");
    expect(&d, CLASM_SEV_WARNING, "wording-without-when", "core/titled.yaml", 9, 10,
           "core.titled has a because but no when: the wording is never shown");
    assert_int_equal(count_id(&d, "when-without-wording"), 1);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    library_load_all(dir, &lib, &d);
    assert_non_null(lib);
    assert_int_equal(lint_when_uses_term(lib, 0), 0); /* cure_days: only in a text */
    assert_int_equal(lint_when_uses_term(lib, 1), 1); /* unused_days: in core.timed's when */
    clasm_library_free(lib);
    clasm_diags_free(&d);

    /* --update-lock twice: the second run finds the lock current and leaves it. */
    char path[512];
    snprintf(path, sizeof path, "%s/core/titled.yaml", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/core/untraced.yaml", dir);
    unlink(path);
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_E_INPUT); /* reseller coverage */
    assert_true(r->lock_refused);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    clause(dir, "resell", "documents: [reseller-agreement]\naddresses: [product.alpha]\n",
           "  Resell.\n");
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_OK);
    assert_true(r->lock_written);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_OK);
    assert_false(r->lock_written);
    assert_true(r->lock_current);
    assert_int_equal(r->nchanges, 0);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    rm_tree(dir);
    free(dir);
}

static void test_broken_catalogue(void **state)
{
    (void)state;
    char *dir = make_library();
    write_file(dir, "risks.yaml", "areas: [\n");
    clause(dir, "texty", "documents: [eula]\n", "  {{ nothing }}\n");
    clasm_diags d;
    clasm_lint_report *r = NULL;
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    assert_true(r->loaded);
    expect(&d, CLASM_SEV_ERROR, "unknown-placeholder", "core/texty.yaml", 7, 3, "{{ nothing }}");
    /* Without a catalogue, coverage and reachability are not judged. */
    assert_int_equal(count_id(&d, "unreachable-clause"), 0);
    assert_int_equal(count_id(&d, "uncovered-risk"), 0);
    assert_int_equal(r->coverage[CLASM_DOC_EULA].total, 0);
    FILE *f = tmpfile();
    assert_non_null(f);
    clasm_lint_print_text(f, r, &d);
    rewind(f);
    char buf[1024];
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    buf[got] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, ": 5 files, 3 clauses, 0 risks\n"));
    assert_non_null(
        strstr(buf, "coverage: contract 0/0, eula 0/0, reseller-agreement 0/0, addendum 0/0\n"));
    assert_non_null(strstr(buf, "3 errors, 1 warning\n"));
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    rm_tree(dir);
    free(dir);
}

/* lint accepts as a placeholder exactly the paths the table of fields
 * says a placeholder may print (test_deal.c checks that a deal carrying
 * every field gives each of them a value; tier, score and document come
 * from the plan). */
static void test_known_paths_match_deals(void **state)
{
    (void)state;
    size_t values = 0;
    for (size_t i = 0; i < DEAL_NFIELDS; i++) {
        const deal_field *f = &deal_fields[i];
        int printable = (f->uses & DF_VALUE) != 0;
        if (lint_known_path(f->path) != printable)
            fail_msg("lint %s {{ %s }}", printable ? "refuses" : "accepts", f->path);
        values += printable;
    }
    assert_int_equal(values, 24); /* the deal's 19 values and the plan's 5 */
    assert_true(lint_known_path("tier"));
    assert_true(lint_known_path("customer.country.as_of"));
    assert_false(lint_known_path("documents"));
    assert_false(lint_known_path("reseller"));
    assert_false(lint_known_path("seller.kind"));
    assert_false(lint_known_path("terms.fees")); /* checked against library.yaml */
}

/* ------------------------------------------------------------ playbook */

/* settings with a term that has a default, the template's Supplier and the
 * roles of negotiation. */
static const char neg_settings[] =
    "categories:\n"
    "  - id: core\n"
    "    title: Core\n"
    "template_terms: [Supplier]\n"
    "terms:\n"
    "  cure_days:\n"
    "    label: Cure period\n"
    "    description: Days to cure.\n"
    "    example: 30\n"
    "  notice_days:\n"
    "    label: Notice period\n"
    "    description: Days of notice.\n"
    "    example: 10\n"
    "  grace_days:\n"
    "    label: Grace period\n"
    "    description: Days of grace.\n"
    "    example: 5\n"
    "    kind: days\n"
    "    default: 5\n"
    "values:\n"
    "  words:\n"
    "    document: {contract: C, eula: E, reseller-agreement: R, addendum: A}\n"
    "    customer.kind: {government-agency: g, security-service: s, "
    "state-linked: l, private: p}\n"
    "    deployment: {cloud: c, on-premises: o, hybrid: h}\n"
    "    license: {perpetual: p, subscription: s}\n"
    "    end_use: {known: k, unknown: u}\n"
    "    capabilities: {}\n"
    "negotiation:\n"
    "  roles:\n"
    "    - id: contract-manager\n"
    "      title: the contract manager\n"
    "    - id: counsel\n"
    "      title: counsel\n"
    "  deviations: counsel\n";

/* What a fallback may hold: its markup checked as any text's, at the
 * fallback's own file:line:col; only the standard text's terms and values
 * (or values with a default), no definition, no list of definitions, and
 * a max_tier some deal with the clause can reach. */
static void test_fallback_checks(void **state)
{
    (void)state;
    char *dir = make_library();
    write_file(dir, "library.yaml", neg_settings);
    write_file(dir, "core/glossary.yaml",
               "id: core.glossary\nversion: 1\ntitle: Definitions\ncategory: core\n"
               "documents: [contract, eula]\norder: 1\ntext: |\n  Meanings:\n\n"
               "  {{ definitions }}\nguidance: [g]\ndefines:\n"
               "  Widget: means the thing.\n"
               "  Gadget: means the other thing.\n");
    clause(
        dir, "haggle",
        "documents: [contract]\n"                                                         /* 5 */
        "addresses: [product.alpha]\n"                                                    /* 6 */
        "requires: [core.glossary]\n"                                                     /* 7 */
        "min_tier: high\n"                                                                /* 8 */
        "fallbacks:\n"                                                                    /* 9 */
        "  - version: 1\n"                                                                /* 10 */
        "    approver: contract-manager\n"                                                /* 11 */
        "    note: Within the rules.\n"                                                   /* 12 */
        "    text: |\n"                                                                   /* 13 */
        "      The **Supplier** delivers the **Widget** within {{ terms.grace_days }}.\n" /* 14 */
        "  - version: 1\n"                                                                /* 15 */
        "    approver: counsel\n"                                                         /* 16 */
        "    note: Breaks them.\n"                                                        /* 17 */
        "    text: |\n"                                                                   /* 18 */
        "      The **Supplier** delivers the **Gadget** within {{ terms.notice_days }} "
        "days.\n"                                                        /* 19 */
        "\n"                                                             /* 20 */
        "      A **\"Thing\"** is new, and {{ custmer.name }} is not.\n" /* 21 */
        "  - version: 1\n"                                               /* 22 */
        "    approver: counsel\n"                                        /* 23 */
        "    note: Holds the list.\n"                                    /* 24 */
        "    text: |\n"                                                  /* 25 */
        "      Meanings here:\n"                                         /* 26 */
        "\n"                                                             /* 27 */
        "      {{ definitions }}\n"                                      /* 28 */
        "  - version: 1\n"                                               /* 29 */
        "    approver: contract-manager\n"                               /* 30 */
        "    max_tier: baseline\n"                                       /* 31 */
        "    note: Never allowed.\n"                                     /* 32 */
        "    text: |\n"                                                  /* 33 */
        "      The **Supplier** delivers the **Widget** within {{ terms.cure_days }} "
        "days.\n", /* 34 */
        "  The **Supplier** delivers the **Widget** within {{ terms.cure_days }} days.\n");
    clasm_diags d;
    clasm_lint_report *r = NULL;
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    expect(&d, CLASM_SEV_ERROR, "fallback-new-term", "core/haggle.yaml", 19, 37,
           "fallbacks[1].text: **Gadget** is not used by the clause's standard text, so a draft "
           "that draws this fallback may lack its definition; use the terms of the standard "
           "text");
    expect(&d, CLASM_SEV_ERROR, "fallback-new-value", "core/haggle.yaml", 19, 55,
           "fallbacks[1].text: {{ terms.notice_days }} has no default and the clause's standard "
           "text does not use it");
    expect(&d, CLASM_SEV_ERROR, "fallback-defines", "core/haggle.yaml", 21, 9,
           "fallbacks[1].text: a fallback cannot define **Thing**");
    /* A mistake of markup in a fallback, at its place in the file. */
    expect(&d, CLASM_SEV_ERROR, "unknown-placeholder", "core/haggle.yaml", 21, 33,
           "fallbacks[1].text: {{ custmer.name }} is not a value any deal can supply (did you "
           "mean 'customer.name'?)");
    expect(&d, CLASM_SEV_ERROR, "misplaced-definitions", "core/haggle.yaml", 28, 7,
           "fallbacks[2].text: a fallback cannot hold the list of definitions ({{ definitions "
           "}})");
    expect(&d, CLASM_SEV_ERROR, "fallback-never-allowed", "core/haggle.yaml", 31, 15,
           "fallbacks[3].max_tier: baseline is below the clause's min_tier, so no deal that has "
           "the clause may agree to this fallback");
    /* The template's term, the standard text's term and values, a value
     * with a default: all fine. */
    assert_int_equal(count_id(&d, "fallback-new-term"), 1);
    assert_int_equal(count_id(&d, "fallback-new-value"), 1);
    assert_int_equal(count_id(&d, "fallback-defines"), 1);
    assert_int_equal(count_id(&d, "misplaced-definitions"), 1);
    assert_int_equal(count_id(&d, "fallback-never-allowed"), 1);
    assert_int_equal(count_id(&d, "unknown-placeholder"), 1);
    assert_int_equal(count_id(&d, "undefined-term"), 0);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* An unbalanced ** in a fallback: at its place too. */
    clause(dir, "haggle",
           "documents: [contract]\naddresses: [product.alpha]\nrequires: [core.glossary]\n"
           "fallbacks:\n"                        /* 8 */
           "  - version: 1\n"                    /* 9 */
           "    approver: contract-manager\n"    /* 10 */
           "    note: n\n"                       /* 11 */
           "    text: |\n"                       /* 12 */
           "      The **Widget shall arrive.\n", /* 13 */
           "  The **Widget** arrives.\n");
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    expect(&d, CLASM_SEV_ERROR, "unbalanced-bold", "core/haggle.yaml", 13, 11,
           "fallbacks[0].text: '**' has no closing '**' in its paragraph");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    rm_tree(dir);
    free(dir);
}

/* A core.alpha with fallbacks: the texts (each a block scalar line) given. */
static void alpha_with_fallbacks(const char *dir, int version1, const char *text1,
                                 const char *text2)
{
    char body[2048];
    int n = snprintf(body, sizeof body,
                     "id: core.alpha\nversion: 1\ntitle: alpha\ncategory: core\n" /* 1-4 */
                     "documents: [contract, eula]\naddresses: [product.alpha]\n"  /* 5-6 */
                     "fallbacks:\n"                                               /* 7 */
                     "  - version: %d\n"                                          /* 8 */
                     "    approver: contract-manager\n"
                     "    note: Longer.\n"
                     "    text: |\n"
                     "      %s\n", /* 12 */
                     version1, text1);
    if (text2)
        n += snprintf(body + n, sizeof body - (size_t)n,
                      "  - version: 1\n" /* 13 */
                      "    approver: counsel\n"
                      "    note: Longest.\n"
                      "    text: |\n"
                      "      %s\n", /* 17 */
                      text2);
    snprintf(body + n, sizeof body - (size_t)n,
             "text: |\n  Cure within {{ terms.cure_days }} days.\nguidance: [g]\n");
    write_file(dir, "core/alpha.yaml", body);
}

/* Each fallback is locked as its clause is: "ID/fallback-N VERSION HASH". */
static void test_fallback_lock(void **state)
{
    (void)state;
    char *dir = make_library();
    write_file(dir, "library.yaml", neg_settings);
    /* Coverage for every document, so that the library lints clean. */
    write_file(dir, "risks.yaml",
               "areas:\n  - id: product\n    title: Product\n"
               "tiers:\n  - id: baseline\n    min_score: 0\n  - id: high\n    min_score: 4\n"
               "risks:\n  - id: product.alpha\n    area: product\n    title: Alpha\n"
               "    description: A.\n    weight: 3\n    guidance: g\n"
               "    documents: [contract, eula]\n"
               "  - id: product.beta\n    area: product\n    title: Beta\n"
               "    description: B.\n    weight: 2\n    guidance: g\n    documents: [eula]\n");
    const char *weeks = "Cure within {{ terms.cure_days }} weeks.";
    alpha_with_fallbacks(dir, 1, weeks, NULL);
    clasm_diags d;
    clasm_lint_report *r = NULL;
    clasm_status st = run(dir, 1, 0, &r, &d);
    if (st != CLASM_OK)
        dump(&d);
    assert_int_equal(st, CLASM_OK);
    assert_true(r->lock_written);
    assert_int_equal(r->nchanges, 3);
    assert_string_equal(r->changes[0], "added core.alpha@1");
    assert_string_equal(r->changes[1], "added core.alpha/fallback-1@1");
    assert_string_equal(r->changes[2], "added core.beta@1");
    /* The line's hash is the SHA-256 of the fallback's text (its newline
     * included, as the block scalar reads). */
    char want[200], hex[65];
    char text[128];
    snprintf(text, sizeof text, "%s\n", weeks);
    sha256 *h = sha256_begin();
    sha256_add(h, text, strlen(text));
    assert_true(sha256_end(h, hex));
    snprintf(want, sizeof want, "\ncore.alpha/fallback-1 1 %s\ncore.beta 1 ", hex);
    char *lock = read_text(dir, "library.lock");
    assert_non_null(lock);
    assert_non_null(strstr(lock, want));
    assert_non_null(strstr(lock, "\"ID/fallback-N VERSION SHA256\""));
    free(lock);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_OK);
    assert_int_equal(clasm_diags_errors(&d), 0);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* The fallback's text changed at the same version: at its version. */
    alpha_with_fallbacks(dir, 1, "Cure within {{ terms.cure_days }} long weeks.", NULL);
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    expect(&d, CLASM_SEV_ERROR, "changed-without-version-bump", "core/alpha.yaml", 8, 14,
           "version: the title or text of core.alpha/fallback-1 changed but its version is "
           "still 1 (");
    expect(&d, CLASM_SEV_ERROR, "changed-without-version-bump", "core/alpha.yaml", 8, 14,
           "library.lock:6 records version 1 with a different text hash); bump version to 2");
    assert_int_equal(count_id(&d, "changed-without-version-bump"), 1); /* not the clause */
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    /* --update-lock does not bless it. */
    char *before = read_text(dir, "library.lock");
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_E_INPUT);
    assert_true(r->lock_refused);
    char *after = read_text(dir, "library.lock");
    assert_string_equal(before, after);
    free(before);
    free(after);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* Bumped: behind the lock (a warning), then recorded. */
    alpha_with_fallbacks(dir, 2, "Cure within {{ terms.cure_days }} long weeks.", NULL);
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_OK);
    expect(&d, CLASM_SEV_WARNING, "lock-outdated", "core/alpha.yaml", 8, 14,
           "core.alpha/fallback-1 is at version 2 but");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_OK);
    assert_int_equal(r->nchanges, 1);
    assert_string_equal(r->changes[0], "core.alpha/fallback-1: version 1 -> 2");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* A new fallback: not in the lock, said at the fallback. */
    alpha_with_fallbacks(dir, 2, "Cure within {{ terms.cure_days }} long weeks.",
                         "Cure within {{ terms.cure_days }} months.");
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    const clasm_diag *x = expect(&d, CLASM_SEV_ERROR, "lock-missing-clause", "core/alpha.yaml", 13,
                                 5, "library.lock; run `clasm lint --update-lock` to record it");
    const char *says = "fallback core.alpha/fallback-2 (version 1) is not in ";
    assert_true(strncmp(x->message, says, strlen(says)) == 0);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_OK);
    assert_int_equal(r->nchanges, 1);
    assert_string_equal(r->changes[0], "added core.alpha/fallback-2@1");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);

    /* The fallback dropped: its lock entry is stale. */
    alpha_with_fallbacks(dir, 2, "Cure within {{ terms.cure_days }} long weeks.", NULL);
    assert_int_equal(run(dir, 0, 0, &r, &d), CLASM_E_INPUT);
    x = expect(&d, CLASM_SEV_ERROR, "lock-stale-entry", "/library.lock", 7, 1,
               "the lock lists fallback core.alpha/fallback-2, which the library no longer has");
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    assert_int_equal(run(dir, 1, 0, &r, &d), CLASM_OK);
    assert_int_equal(r->nchanges, 1);
    assert_string_equal(r->changes[0], "removed core.alpha/fallback-2");
    lock = read_text(dir, "library.lock");
    assert_null(strstr(lock, "fallback-2"));
    free(lock);
    clasm_lint_report_free(r);
    clasm_diags_free(&d);
    rm_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_unit_repeated),
        cmocka_unit_test(test_clean_library_and_lock),
        cmocka_unit_test(test_text_problems_located),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_expr_constant),
        cmocka_unit_test(test_broken_library_still_linted),
        cmocka_unit_test(test_references_and_definitions),
        cmocka_unit_test(test_terms_in_when_and_titles),
        cmocka_unit_test(test_term_without_label),
        cmocka_unit_test(test_broken_catalogue),
        cmocka_unit_test(test_known_paths_match_deals),
        cmocka_unit_test(test_fallback_checks),
        cmocka_unit_test(test_fallback_lock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
