/* Loading the clause library: the test fixture loads with its lookups,
 * hashes and fingerprint; a broken library reports every problem at once,
 * each with its id, file and line. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ftw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "library.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/libraries"
#endif

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

/* Writes name (relative, folders created) under dir. */
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

static const clasm_diag *find_diag_msg(const clasm_diags *d, const char *id, const char *file_end,
                                       int line, const char *part)
{
    for (size_t i = 0; i < d->count; i++) {
        const clasm_diag *x = &d->items[i];
        size_t fl = x->file ? strlen(x->file) : 0, el = strlen(file_end);
        if (strcmp(x->id, id) == 0 && x->file && fl >= el &&
            strcmp(x->file + fl - el, file_end) == 0 && (line < 0 || x->line == line) &&
            (!part || strstr(x->message, part)))
            return x;
    }
    return NULL;
}

static const clasm_diag *find_diag(const clasm_diags *d, const char *id, const char *file_end,
                                   int line)
{
    return find_diag_msg(d, id, file_end, line, NULL);
}

static void dump(const clasm_diags *d)
{
    clasm_diags_print(stderr, d);
}

static const clasm_diag *expect_diag(const clasm_diags *d, const char *id, const char *file_end,
                                     int line, const char *message_part)
{
    const clasm_diag *x = find_diag_msg(d, id, file_end, line, message_part);
    if (!x) {
        dump(d);
        fail_msg("no '%s' diagnostic in %s at line %d saying \"%s\"", id, file_end, line,
                 message_part ? message_part : "");
    }
    assert_int_equal(x->severity, CLASM_SEV_ERROR);
    return x;
}

static void test_fixture_loads(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    clasm_status st = clasm_library_load(FIXTURES "/basic", &lib, &d);
    if (st != CLASM_OK)
        dump(&d);
    assert_int_equal(st, CLASM_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(lib->ncategories, 4);
    assert_string_equal(lib->categories[2].id, "data");
    assert_int_equal(lib->nterms, 2);
    assert_string_equal(lib->terms[0].key, "cure_period_days");
    assert_string_equal(lib->terms[0].example, "30");
    assert_string_equal(lib->terms[0].label, "Cure period"); /* memos list it by its label */
    assert_int_equal(lib->terms[0].kind, TERM_TEXT);         /* no kind: text */
    assert_null(lib->terms[0].default_value);
    assert_string_equal(lib->terms[1].key, "notice_days");
    assert_int_equal(lib->terms[1].kind, TERM_DAYS);
    assert_string_equal(lib->terms[1].default_value, "10");
    assert_true(lib->terms[1].for_templates);
    assert_int_equal(lib->nareas, 4);
    assert_int_equal(lib->ntiers, 4);
    assert_int_equal(library_tier_rank(lib, "high"), 2);
    assert_int_equal(library_tier_rank(lib, "nope"), -1);
    assert_true(lib->tiers[3].escalate);
    assert_false(lib->tiers[2].escalate);
    assert_int_equal(lib->tiers[3].min_score, 10);
    assert_int_equal(lib->nrisks, 7);
    const lib_risk *r = library_risk(lib, "regime.data-localization");
    assert_non_null(r);
    assert_int_equal(r->weight, 2);
    assert_int_equal(r->documents, (1u << CLASM_DOC_CONTRACT) | (1u << CLASM_DOC_EULA));
    assert_int_equal(library_risk(lib, "product.biometric")->documents, LIB_DOC_ALL);
    assert_null(library_risk(lib, "product.none"));

    assert_int_equal(lib->nclauses, 11);
    for (size_t i = 1; i < lib->nclauses; i++) /* sorted by id */
        assert_true(strcmp(lib->clauses[i - 1].id, lib->clauses[i].id) < 0);
    const lib_clause *c = library_clause(lib, "end-use.enhanced-purpose");
    assert_non_null(c);
    assert_int_equal(c->version, 3);
    assert_int_equal(c->min_tier, 2);
    assert_int_equal(c->category_index, 1);
    assert_int_equal(c->nreplaces, 1);
    assert_string_equal(c->replaces[0], "end-use.basic-purpose");
    assert_int_equal(c->order, 10);
    assert_int_equal(c->line, 1);
    assert_non_null(strstr(c->file, "end-use/enhanced-purpose.yaml"));
    const lib_clause *w = library_clause(lib, "data.unknown-end-use");
    assert_non_null(w->when);
    assert_string_equal(w->when_src, "reseller and end_use == \"unknown\"");
    assert_int_equal(w->min_tier, -1);
    assert_true(library_clause(lib, "reseller.flow-down")->flows_down);
    assert_null(library_clause(lib, "reseller.nope"));

    /* The text hash: SHA-256 over title, NUL, text. */
    unsigned char md[32];
    unsigned n = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, c->title, strlen(c->title) + 1);
    EVP_DigestUpdate(ctx, c->text, strlen(c->text));
    EVP_DigestFinal_ex(ctx, md, &n);
    EVP_MD_CTX_free(ctx);
    char hex[65];
    for (unsigned i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    assert_string_equal(c->text_hash, hex);
    assert_int_equal(strlen(lib->fingerprint), 64);

    /* Same files, same fingerprint. */
    clasm_library *again = NULL;
    assert_int_equal(clasm_library_load(FIXTURES "/basic", &again, &d), CLASM_OK);
    assert_string_equal(lib->fingerprint, again->fingerprint);
    clasm_library_free(again);
    clasm_library_free(lib);
    clasm_diags_free(&d);
}

/* dir (a mkdtemp template): made, and given a copy of the basic library. */
static void copy_basic(char *dir)
{
    assert_non_null(mkdtemp(dir));
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cp -R %s/basic/. %s/", FIXTURES, dir);
    assert_int_equal(system(cmd), 0);
}

/* A copy of the fixture with one clause changed gives another fingerprint. */
static void test_fingerprint_follows_text(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-lib-XXXXXX";
    copy_basic(dir);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *a = NULL, *b = NULL;
    assert_int_equal(clasm_library_load(dir, &a, &d), CLASM_OK);
    write_file(dir, "definitions/core.yaml",
               "id: definitions.core\nversion: 2\ntitle: Definitions\ncategory: definitions\n"
               "documents: [contract, eula, reseller-agreement]\norder: 10\n"
               "text: \"**Product** means the product.\"\n");
    assert_int_equal(clasm_library_load(dir, &b, &d), CLASM_OK);
    assert_string_not_equal(a->fingerprint, b->fingerprint);
    assert_string_not_equal(library_clause(a, "definitions.core")->text_hash,
                            library_clause(b, "definitions.core")->text_hash);
    assert_string_equal(library_clause(a, "data.localization")->text_hash,
                        library_clause(b, "data.localization")->text_hash);
    clasm_library_free(a);
    clasm_library_free(b);
    clasm_diags_free(&d);
    rm_tree(dir);
}

static const char *const good_settings = "categories:\n"
                                         "  - id: end-use\n"
                                         "    title: End Use\n"
                                         "  - id: data\n"
                                         "    title: Data\n"
                                         "terms:\n"
                                         "  cure_period_days:\n"
                                         "    description: Days.\n"
                                         "    example: 30\n";

static const char *const good_risks = "areas:\n"
                                      "  - id: product\n"
                                      "    title: Product\n"
                                      "  - id: regime\n"
                                      "    title: Regime\n"
                                      "tiers:\n"
                                      "  - id: baseline\n"
                                      "    min_score: 0\n"
                                      "  - id: high\n"
                                      "    min_score: 5\n"
                                      "risks:\n"
                                      "  - id: product.biometric\n"
                                      "    area: product\n"
                                      "    title: T\n"
                                      "    description: D\n"
                                      "    weight: 3\n"
                                      "    guidance: G\n"
                                      "  - id: regime.data-localization\n"
                                      "    area: regime\n"
                                      "    title: T\n"
                                      "    description: D\n"
                                      "    weight: 2\n"
                                      "    guidance: G\n";

static void test_every_problem_at_once(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-lib-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "library.yaml", good_settings);
    write_file(dir, "risks.yaml",
               "areas:\n"
               "  - id: product\n"
               "    title: Product\n"
               "tiers:\n"
               "  - id: baseline\n"
               "    min_score: 0\n"
               "  - id: high\n"
               "    min_score: 0\n"
               "risks:\n"
               "  - id: product.biometric\n" /* 10 */
               "    area: product\n"
               "    title: T\n"
               "    description: D\n"
               "    weight: 6\n" /* 14: out of range */
               "    guidance: G\n"
               "  - id: product.biometric\n" /* 16: duplicate */
               "    area: product\n"
               "    title: T\n"
               "    description: D\n"
               "    weight: 2\n"
               "    guidance: G\n"
               "  - id: regime.x\n" /* 22 */
               "    area: regime\n" /* 23: unknown area */
               "    title: T\n"
               "    description: D\n"
               "    weight: 2\n"
               "    guidance: G\n");
    /* Three clause files with different problems. */
    write_file(dir, "end-use/a.yaml",
               "id: end-use.a\n"
               "version: 0\n" /* 2: below 1 */
               "title: A\n"
               "category: data\n" /* 4: not its folder */
               "documents: [contract, eula]\n"
               "addresses: [product.biometrc, regime.*]\n" /* 6: unknown risk */
               "when: 'reseller and end_use =='\n"         /* 7: bad expression */
               "min_tier: hihg\n"                          /* 8: unknown tier */
               "requires: [end-use.b, end-use.nope]\n"     /* 9: unknown clause */
               "colour: blue\n"                            /* 10: unknown key */
               "text: A\n");
    write_file(dir, "end-use/b.yaml",
               "id: end-use.b\n"
               "version: 1\n"
               "title: B\n"
               "category: end-use\n"
               "documents: [contract, eula]\n"
               "requires: [end-use.c]\n"  /* 6: cycle b -> c -> b */
               "flows_down: true\n"       /* 7: no reseller-agreement */
               "when: 'tier >= severe'\n" /* 8: unknown tier in when */
               "text: B\n");
    write_file(dir, "end-use/c.yaml",
               "id: end-use.c\n"
               "version: 1\n"
               "title: C\n"
               "category: end-use\n"
               "documents: [contract, eula, brochure]\n" /* 5: not a document */
               "requires: [end-use.b]\n"
               "text: C\n");
    write_file(dir, "end-use/d.yaml", /* claims c's id */
               "id: end-use.c\n"
               "version: 1\n"
               "title: D\n"
               "category: end-use\n"
               "documents: [contract]\n"
               "text: D\n");
    write_file(dir, "marketing/e.yaml", "id: marketing.e\n");
    write_file(dir, "stray.yaml", "id: stray\n");
    write_file(dir, "data/README.md", "not a clause\n");

    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = (clasm_library *)1;
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_E_INPUT);
    assert_null(lib);

    expect_diag(&d, "tier-order", "risks.yaml", 8, "tiers must ascend");
    expect_diag(&d, "duplicate-id", "risks.yaml", 16, "risk 'product.biometric' is declared twice");
    expect_diag(&d, "unknown-area", "risks.yaml", 23, "'regime'");
    expect_diag(&d, "out-of-range", "risks.yaml", 14, "it must be between 1 and 5");

    expect_diag(&d, "category-mismatch", "end-use/a.yaml", 4, "must be 'end-use'");
    expect_diag(&d, "bad-expression", "end-use/a.yaml", 7,
                "when: expected a value after '==', found the end of the expression at column "
                "24");
    const clasm_diag *x = find_diag(&d, "bad-expression", "end-use/a.yaml", 7);
    assert_int_equal(x->column, 8 + 23); /* after the quote, column 24 of the expression */
    expect_diag(&d, "unknown-tier", "end-use/a.yaml", 8, "unknown tier 'hihg'");
    expect_diag(&d, "unknown-clause", "end-use/a.yaml", 9,
                "requires[1]: unknown clause 'end-use.nope'");
    x = find_diag(&d, "unknown-clause", "end-use/a.yaml", 9);
    assert_int_equal(x->column, 23);
    assert_non_null(find_diag(&d, "unknown-key", "end-use/a.yaml", 10));

    expect_diag(&d, "requires-cycle", "end-use/c.yaml", 6, "end-use.b -> end-use.c -> end-use.b");
    expect_diag(&d, "flows-down-documents", "end-use/b.yaml", 7, "reseller-agreement");
    expect_diag(&d, "unknown-name", "end-use/b.yaml", 8, "unknown tier 'severe'");
    expect_diag(&d, "invalid-value", "end-use/c.yaml", 5, "'brochure' is not a document");
    expect_diag(&d, "clause-id-mismatch", "end-use/d.yaml", 1, "must be 'end-use.d'");
    expect_diag(&d, "duplicate-id", "end-use/d.yaml", 1, "end-use/c.yaml");
    expect_diag(&d, "unknown-category", "marketing/e.yaml", -1, "'marketing' is not a category");
    expect_diag(&d, "unexpected-file", "stray.yaml", -1, "category folder");
    /* README.md files are not clauses. */
    assert_null(find_diag(&d, "unknown-key", "README.md", -1));
    clasm_diags_free(&d);
    rm_tree(dir);
}

/* because: as cases: each {if, words}, its if checked as a when is, every
 * problem at its place. */
static void test_because_cases(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-lib-XXXXXX";
    copy_basic(dir);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    /* the fixture's regime review words its when as two cases */
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_OK);
    const lib_clause *c = library_clause(lib, "data.regime-review");
    assert_non_null(c);
    assert_null(c->because);
    assert_int_equal(c->nbecause_cases, 2);
    assert_string_equal(c->because_cases[1].words,
                        "weak oversight of the authorities, from the elevated tier");
    assert_string_equal(c->because_cases[1].if_src, "risk regime.weak-oversight");
    assert_non_null(c->because_cases[1].cond);
    clasm_library_free(lib);
    write_file(dir, "data/cases.yaml",
               "id: data.cases\nversion: 1\ntitle: Cases\ncategory: data\n" /* 1-4 */
               "documents: [contract]\nwhen: 'reseller'\n"                  /* 5-6 */
               "because:\n"                                                 /* 7 */
               "  - if: 'reseller and ('\n"                                 /* 8 */
               "    words: broken\n"                                        /* 9 */
               "  - if: 'tier >= hgh'\n"                                    /* 10 */
               "    words: unknown tier\n"                                  /* 11 */
               "  - if: reseller\n"                                         /* 12 */
               "  - just words\n"                                           /* 13 */
               "text: Plain.\n");
    write_file(dir, "data/empty.yaml",
               "id: data.empty\nversion: 1\ntitle: Empty\ncategory: data\n"
               "documents: [contract]\nwhen: 'reseller'\nbecause: []\ntext: Plain.\n");
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_E_INPUT);
    expect_diag(&d, "bad-expression", "data/cases.yaml", 8, "because[0].if: ");
    expect_diag(&d, "unknown-name", "data/cases.yaml", 10, "because[1].if: ");
    expect_diag(&d, "missing-key", "data/cases.yaml", 12, "words");
    expect_diag(&d, "wrong-type", "data/cases.yaml", 13, "because[3]");
    expect_diag(&d, "empty-because", "data/empty.yaml", 7, "an empty list");
    clasm_diags_free(&d);
    rm_tree(dir);
}

static void test_addresses_and_version(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-lib-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "library.yaml", good_settings);
    write_file(dir, "risks.yaml", good_risks);
    write_file(dir, "data/a.yaml",
               "id: data.a\n"
               "version: 0\n"
               "title: A\n"
               "category: data\n"
               "documents: [contract]\n"
               "addresses: [product.biometrc, end-user.*]\n"
               "when: 'terms.cure_period > 3'\n"
               "text: A\n");
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_E_INPUT);
    expect_diag(&d, "unknown-risk", "data/a.yaml", 6,
                "addresses[0]: unknown risk 'product.biometrc' (did you mean "
                "'product.biometric'?)");
    expect_diag(&d, "unknown-risk", "data/a.yaml", 6,
                "addresses[1]: no risk in the catalogue matches 'end-user.*'");
    expect_diag(&d, "unknown-name", "data/a.yaml", 7, "unknown terms key 'cure_period'");
    expect_diag(&d, "out-of-range", "data/a.yaml", 2, "version is 0");
    clasm_diags_free(&d);
    rm_tree(dir);
}

static void test_bad_characters_in_clause_files(void **state)
{
    (void)state;
    /* Clause files go through the same loader as deals: an escape that
     * decodes to a control character or U+FFFE is refused at the value's
     * line:column (every such value of a file), and a raw byte libyaml's
     * reader refuses is reported where it is, not at 1:1. */
    char dir[] = "/tmp/clasm-lib-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "library.yaml", good_settings);
    write_file(dir, "risks.yaml", good_risks);
    write_file(dir, "end-use/a.yaml",
               "id: end-use.a\n"
               "version: 1\n"
               "title: \"Title\\0 hidden\"\n" /* 3 */
               "category: end-use\n"
               "documents: [contract]\n"
               "guidance: ok\n"
               "text: \"The Customer shall\\x01 not\\uFFFE.\"\n"); /* 7 */
    write_file(dir, "end-use/b.yaml",
               "id: end-use.b\n"
               "version: 1\n"
               "title: B\n"
               "category: end-use\n"
               "documents: [contract]\n"
               "text: Caf\xE9 au lait\n"); /* 6: Latin-1, not UTF-8 */
    write_file(dir, "end-use/c.yaml",
               "id: end-use.c\n"
               "version: 1\n"
               "title: C\n"
               "category: end-use\n"
               "documents: [contract]\n"
               "# a comment\n"
               "text: \xC3\xA9t\xC3\xA9\x01\n"); /* 7 */
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = (clasm_library *)1;
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_E_INPUT);
    assert_null(lib);
    const clasm_diag *x = expect_diag(&d, "invalid-value", "end-use/a.yaml", 3,
                                      "title holds U+0000 (NUL, a control character) at "
                                      "character 6 of its value");
    assert_int_equal(x->column, 8);
    x = expect_diag(&d, "invalid-value", "end-use/a.yaml", 7,
                    "text holds U+0001 (a control character) at character 19 of its value (and "
                    "1 more such character)");
    assert_int_equal(x->column, 7);
    x = expect_diag(&d, "yaml-syntax", "end-use/b.yaml", 6,
                    "invalid trailing UTF-8 octet (bytes 0xE9 0x20); the file must be UTF-8");
    assert_int_equal(x->column, 10);
    x = expect_diag(&d, "yaml-syntax", "end-use/c.yaml", 7,
                    "control characters are not allowed (U+0001)");
    assert_int_equal(x->column, 10);
    clasm_diags_free(&d);
    rm_tree(dir);
}

static void test_missing_files(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    assert_int_equal(clasm_library_load("/nonexistent/clasm-lib", &lib, &d), CLASM_E_IO);
    assert_string_equal(d.items[0].id, "library-not-found");
    clasm_diags_free(&d);

    char dir[] = "/tmp/clasm-lib-XXXXXX";
    assert_non_null(mkdtemp(dir));
    clasm_diags_init(&d);
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_E_INPUT);
    assert_int_equal(d.count, 2); /* both files named */
    assert_string_equal(d.items[0].id, "missing-file");
    assert_non_null(strstr(d.items[0].file, "library.yaml"));
    assert_non_null(strstr(d.items[1].file, "risks.yaml"));
    clasm_diags_free(&d);
    rm_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_loads),
        cmocka_unit_test(test_fingerprint_follows_text),
        cmocka_unit_test(test_every_problem_at_once),
        cmocka_unit_test(test_because_cases),
        cmocka_unit_test(test_addresses_and_version),
        cmocka_unit_test(test_bad_characters_in_clause_files),
        cmocka_unit_test(test_missing_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
