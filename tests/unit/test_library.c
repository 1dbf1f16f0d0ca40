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

/* Appends text to dir/name; returns how many lines the file had before, so
 * the appended text starts at that line + 1. */
static int append_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int lines = 0, ch, last = '\n';
    while ((ch = fgetc(f)) != EOF) {
        lines += ch == '\n';
        last = ch;
    }
    fclose(f);
    assert_int_equal(last, '\n');
    f = fopen(path, "a");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return lines;
}

/* SHA-256 of len bytes as lowercase hex. */
static void sha_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned n = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_non_null(ctx);
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, data, len);
    EVP_DigestFinal_ex(ctx, md, &n);
    EVP_MD_CTX_free(ctx);
    for (unsigned i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static const char *const roles_yaml = "negotiation:\n"
                                      "  roles:\n"
                                      "    - id: contract-manager\n"
                                      "      title: the contract manager\n"
                                      "    - id: compliance-office\n"
                                      "      title: the compliance office\n"
                                      "    - id: counsel\n"
                                      "      title: counsel\n"
                                      "  deviations: counsel\n";

#define PURPOSE_HEAD                                                                               \
    "id: end-use.basic-purpose\n"                                                       /* 1 */    \
    "version: 1\n"                                                                      /* 2 */    \
    "title: Authorized Purpose\n"                                                       /* 3 */    \
    "category: end-use\n"                                                               /* 4 */    \
    "documents: [contract, eula, reseller-agreement]\n"                                 /* 5 */    \
    "addresses: [product.*]\n"                                                          /* 6 */    \
    "requires: [definitions.core]\n"                                                    /* 7 */    \
    "order: 10\n"                                                                       /* 8 */    \
    "text: |\n"                                                                         /* 9 */    \
    "  The **Customer** shall use the **Product** solely for the authorized purpose.\n" /* 10 */

#define PURPOSE_FB1_TEXT                                                                           \
    "The **Customer** shall use the **Product** mainly for the agreed purpose.\n"

/* end-use.basic-purpose with two fallbacks (the second counsel's, up to
 * max_tier), its first fallback's text fb1. */
static void write_playbook(const char *dir, const char *fb1, const char *approver2)
{
    char body[2048];
    snprintf(body, sizeof body,
             PURPOSE_HEAD "fallbacks:\n"     /* 11 */
                          "  - version: 1\n" /* 12 */
                          "    approver: contract-manager\n"
                          "    note: Offer when the customer wants room.\n"
                          "    text: |\n"      /* 15 */
                          "      %s"           /* 16 */
                          "  - version: 2\n"   /* 17 */
                          "    approver: %s\n" /* 18 */
                          "    max_tier: baseline\n"
                          "    note: Only for the smallest deals.\n"
                          "    text: The **Customer** may use the **Product** as it sees fit.\n",
             fb1, approver2);
    write_file(dir, "end-use/basic-purpose.yaml", body);
}

/* library.yaml's negotiation and a clause's fallbacks and negotiable:
 * every field as written, the roles ranked lowest first. */
static void test_negotiation_playbook(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-lib-XXXXXX";
    copy_basic(dir);
    int at = append_file(dir, "library.yaml", roles_yaml);
    write_playbook(dir, PURPOSE_FB1_TEXT, "counsel");
    append_file(dir, "end-use/security-limits.yaml", "negotiable: false\n");
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    clasm_status st = clasm_library_load(dir, &lib, &d);
    if (st != CLASM_OK)
        dump(&d);
    assert_int_equal(st, CLASM_OK);
    assert_int_equal(d.count, 0);

    assert_int_equal(lib->nroles, 3);
    assert_string_equal(lib->roles[0].id, "contract-manager");
    assert_string_equal(lib->roles[0].title, "the contract manager");
    assert_string_equal(lib->roles[1].id, "compliance-office");
    assert_string_equal(lib->roles[2].title, "counsel");
    assert_int_equal(lib->roles[0].line, at + 3);
    assert_int_equal(lib->roles[0].column, 11);
    assert_int_equal(library_role_rank(lib, "contract-manager"), 0);
    assert_int_equal(library_role_rank(lib, "counsel"), 2);
    assert_int_equal(library_role_rank(lib, "Counsel"), -1);
    assert_int_equal(library_role_rank(lib, "nobody"), -1);
    assert_int_equal(lib->deviation_rank, 2);

    const lib_clause *c = library_clause(lib, "end-use.basic-purpose");
    assert_non_null(c);
    assert_true(c->negotiable);
    assert_null(c->negotiable_node);
    assert_int_equal(c->nfallbacks, 2);
    const lib_fallback *f = &c->fallbacks[0];
    assert_int_equal(f->version, 1);
    assert_string_equal(f->approver, "contract-manager");
    assert_int_equal(f->approver_rank, 0);
    assert_string_equal(f->approver_title, "the contract manager");
    assert_int_equal(f->max_tier, -1);
    assert_null(f->max_tier_id);
    assert_string_equal(f->note, "Offer when the customer wants room.");
    assert_string_equal(f->text, PURPOSE_FB1_TEXT);
    assert_non_null(f->tree);
    assert_int_equal(f->line, 12);
    assert_int_equal(f->column, 5);
    /* A fallback's lock hash is of its text alone. */
    char hex[65];
    sha_hex(f->text, strlen(f->text), hex);
    assert_string_equal(f->text_hash, hex);
    f = &c->fallbacks[1];
    assert_int_equal(f->version, 2);
    assert_int_equal(f->approver_rank, 2);
    assert_string_equal(f->approver_title, "counsel");
    assert_int_equal(f->max_tier, library_tier_rank(lib, "baseline"));
    assert_string_equal(f->max_tier_id, "baseline");
    assert_string_equal(f->text, "The **Customer** may use the **Product** as it sees fit.");
    assert_int_equal(f->line, 17);

    c = library_clause(lib, "end-use.security-limits");
    assert_false(c->negotiable);
    assert_non_null(c->negotiable_node);
    assert_int_equal(c->nfallbacks, 0);
    c = library_clause(lib, "data.localization"); /* no playbook: negotiable, no fallback */
    assert_true(c->negotiable);
    assert_int_equal(c->nfallbacks, 0);
    clasm_library_free(lib);
    clasm_diags_free(&d);
    rm_tree(dir);

    /* Without negotiation: no roles, no deviation approver. */
    clasm_diags_init(&d);
    assert_int_equal(clasm_library_load(FIXTURES "/basic", &lib, &d), CLASM_OK);
    assert_int_equal(lib->nroles, 0);
    assert_int_equal(lib->deviation_rank, -1);
    clasm_library_free(lib);
    clasm_diags_free(&d);
}

/* Every mistake in the roles and the fallbacks at once, each at its place. */
static void test_negotiation_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-lib-XXXXXX";
    copy_basic(dir);
    int at = append_file(dir, "library.yaml",
                         "negotiation:\n"               /* +1 */
                         "  roles:\n"                   /* +2 */
                         "    - id: contract-manager\n" /* +3 */
                         "      title: the contract manager\n"
                         "    - id: counsel\n" /* +5 */
                         "      title: counsel\n"
                         "    - id: counsel\n" /* +7: twice */
                         "      title: counsel again\n"
                         "    - title: no id\n" /* +9: no id */
                         "    - id: Big Boss\n" /* +10: not an id */
                         "      title: the boss\n"
                         "  deviations: lawyers\n" /* +12: not a role */
                         "  chair: someone\n");    /* +13: not a key */
    write_file(dir, "end-use/basic-purpose.yaml",
               PURPOSE_HEAD "fallbacks:\n"                    /* 11 */
                            "  - version: 1\n"                /* 12 */
                            "    approver: contract-manger\n" /* 13 */
                            "    max_tier: hihg\n"            /* 14 */
                            "    note: n\n"                   /* 15 */
                            "    text: \"\"\n"                /* 16 */
                            "  - approver: counsel\n"         /* 17: no version, note, text */
                            "  - just words\n"                /* 18 */
                            "  - version: 0\n"                /* 19 */
                            "    approver: counsel\n"
                            "    note: n\n"
                            "    text: t\n"
                            "    colour: red\n"); /* 23 */
    append_file(dir, "end-use/security-limits.yaml",
                "negotiable: false\n" /* 10 */
                "fallbacks:\n"        /* 11 */
                "  - version: 1\n"
                "    approver: counsel\n"
                "    note: n\n"
                "    text: Something else.\n");
    append_file(dir, "data/localization.yaml", "fallbacks: []\n");         /* 11 */
    append_file(dir, "data/offshore-hosting.yaml", "negotiable: maybe\n"); /* 11 */
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = (clasm_library *)1;
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_E_INPUT);
    assert_null(lib);

    const clasm_diag *x =
        expect_diag(&d, "duplicate-id", "library.yaml", at + 7, "role 'counsel' is declared twice");
    assert_int_equal(x->column, 11);
    x = expect_diag(&d, "missing-key", "library.yaml", at + 9,
                    "missing required key 'negotiation.roles[3].id'");
    assert_int_equal(x->column, 7);
    expect_diag(&d, "invalid-id", "library.yaml", at + 10,
                "negotiation.roles[4].id: 'Big Boss' is not a valid role id");
    x = expect_diag(&d, "unknown-role", "library.yaml", at + 12,
                    "negotiation.deviations: 'lawyers' is not one of negotiation.roles");
    assert_int_equal(x->column, 15);
    expect_diag(&d, "unknown-key", "library.yaml", at + 13, "negotiation.chair");

    x = expect_diag(&d, "unknown-role", "end-use/basic-purpose.yaml", 13,
                    "fallbacks[0].approver: 'contract-manger' is not a role of library.yaml's "
                    "negotiation.roles (did you mean 'contract-manager'?)");
    assert_int_equal(x->column, 15);
    x = expect_diag(&d, "unknown-tier", "end-use/basic-purpose.yaml", 14,
                    "fallbacks[0].max_tier: unknown tier 'hihg' (did you mean 'high'?)");
    assert_int_equal(x->column, 15);
    x = expect_diag(&d, "empty-text", "end-use/basic-purpose.yaml", 16,
                    "fallbacks[0].text is empty");
    assert_int_equal(x->column, 11);
    static const char *const missing[] = {"'fallbacks[1].version'", "'fallbacks[1].note'",
                                          "'fallbacks[1].text'"};
    for (size_t i = 0; i < 3; i++) {
        x = expect_diag(&d, "missing-key", "end-use/basic-purpose.yaml", 17, missing[i]);
        assert_int_equal(x->column, 5);
    }
    assert_null(find_diag_msg(&d, "missing-key", "end-use/basic-purpose.yaml", 17, "approver"));
    expect_diag(&d, "wrong-type", "end-use/basic-purpose.yaml", 18, "fallbacks[2]");
    expect_diag(&d, "out-of-range", "end-use/basic-purpose.yaml", 19, "fallbacks[3].version");
    expect_diag(&d, "unknown-key", "end-use/basic-purpose.yaml", 23, "fallbacks[3].colour");

    x = expect_diag(&d, "fallback-not-negotiable", "end-use/security-limits.yaml", 12,
                    "the clause says negotiable: false, so it can have no approved fallback");
    x = expect_diag(&d, "empty-list", "data/localization.yaml", 11,
                    "fallbacks is empty; list the approved alternatives or leave the key out");
    assert_int_equal(x->column, 12);
    expect_diag(&d, "wrong-type", "data/offshore-hosting.yaml", 11, "negotiable");
    clasm_diags_free(&d);

    /* No roles at all: said once, and the deviation approver is unknown. */
    write_file(dir, "library.yaml",
               "categories:\n"
               "  - id: definitions\n    title: D\n  - id: end-use\n    title: E\n"
               "  - id: data\n    title: D\n  - id: reseller\n    title: R\n" /* 1-9 */
               "template_terms: [Supplier, Customer, Reseller]\n"             /* 10 */
               "terms:\n  cure_period_days:\n    description: d\n    example: 1\n"
               "  notice_days:\n    description: d\n    example: 1\n" /* 11-17 */
               "negotiation:\n"                                       /* 18 */
               "  roles: []\n"                                        /* 19 */
               "  deviations: counsel\n");                            /* 20 */
    write_playbook(dir, PURPOSE_FB1_TEXT, "counsel");
    write_file(dir, "end-use/security-limits.yaml",
               "id: end-use.security-limits\nversion: 1\ntitle: S\ncategory: end-use\n"
               "documents: [contract]\ntext: t\n");
    write_file(dir, "data/localization.yaml",
               "id: data.localization\nversion: 1\ntitle: L\ncategory: data\n"
               "documents: [contract]\ntext: t\n");
    write_file(dir, "data/offshore-hosting.yaml",
               "id: data.offshore-hosting\nversion: 1\ntitle: O\ncategory: data\n"
               "documents: [contract]\ntext: t\n");
    clasm_diags_init(&d);
    lib = (clasm_library *)1;
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_E_INPUT);
    assert_null(lib);
    x = expect_diag(&d, "empty-list", "library.yaml", 19,
                    "negotiation.roles is empty; list who may approve changes, lowest authority "
                    "first");
    assert_int_equal(x->column, 10);
    expect_diag(&d, "unknown-role", "library.yaml", 20,
                "'counsel' is not one of negotiation.roles");
    /* Each fallback's approver is then unknown too, with nothing to suggest. */
    x = expect_diag(&d, "unknown-role", "end-use/basic-purpose.yaml", 13, "'contract-manager'");
    assert_null(strstr(x->message, "did you mean"));
    expect_diag(&d, "unknown-role", "end-use/basic-purpose.yaml", 18, "'counsel'");
    clasm_diags_free(&d);

    /* negotiation must be a mapping. */
    write_file(dir, "library.yaml",
               "categories:\n"
               "  - id: definitions\n    title: D\n  - id: end-use\n    title: E\n"
               "  - id: data\n    title: D\n  - id: reseller\n    title: R\n"
               "template_terms: [Supplier, Customer, Reseller]\n"
               "terms:\n  cure_period_days:\n    description: d\n    example: 1\n"
               "  notice_days:\n    description: d\n    example: 1\n"
               "negotiation: [counsel]\n"); /* 18 */
    clasm_diags_init(&d);
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_E_INPUT);
    expect_diag(&d, "wrong-type", "library.yaml", 18, "negotiation");
    clasm_diags_free(&d);
    rm_tree(dir);
}

/* The fingerprint over each clause's id, version and text hash, as before
 * the playbook: a library without fallbacks or negotiable: false keeps it
 * (roles alone do not change it); a fallback's text, approver or the clause's
 * negotiable change it; the same files give the same one. */
static void test_fingerprint_and_playbook(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *plain = NULL;
    assert_int_equal(clasm_library_load(FIXTURES "/basic", &plain, &d), CLASM_OK);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_non_null(ctx);
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; i < plain->nclauses; i++) {
        const lib_clause *c = &plain->clauses[i];
        char version[24];
        int vn = snprintf(version, sizeof version, "%d", c->version);
        EVP_DigestUpdate(ctx, c->id, strlen(c->id) + 1);
        EVP_DigestUpdate(ctx, version, (size_t)vn + 1);
        EVP_DigestUpdate(ctx, c->text_hash, 64);
        EVP_DigestUpdate(ctx, "\n", 1);
    }
    unsigned char md[32];
    unsigned n = 0;
    EVP_DigestFinal_ex(ctx, md, &n);
    EVP_MD_CTX_free(ctx);
    char want[65];
    for (unsigned i = 0; i < n; i++)
        snprintf(want + 2 * i, 3, "%02x", md[i]);
    assert_string_equal(plain->fingerprint, want);

    char dir[] = "/tmp/clasm-lib-XXXXXX";
    copy_basic(dir);
    append_file(dir, "library.yaml", roles_yaml);
    clasm_library *a = NULL, *b = NULL;
    assert_int_equal(clasm_library_load(dir, &a, &d), CLASM_OK);
    assert_string_equal(a->fingerprint, plain->fingerprint);
    clasm_library_free(a);

    write_playbook(dir, PURPOSE_FB1_TEXT, "counsel");
    assert_int_equal(clasm_library_load(dir, &a, &d), CLASM_OK);
    assert_int_equal(clasm_library_load(dir, &b, &d), CLASM_OK);
    assert_string_equal(a->fingerprint, b->fingerprint);
    assert_string_not_equal(a->fingerprint, plain->fingerprint);
    /* The standard text's own hash is not the playbook's. */
    assert_string_equal(library_clause(a, "end-use.basic-purpose")->text_hash,
                        library_clause(plain, "end-use.basic-purpose")->text_hash);
    clasm_library_free(b);

    /* A fallback's text changed: its hash and the fingerprint follow. */
    write_playbook(dir,
                   "The **Customer** shall use the **Product** mostly for the agreed purpose.\n",
                   "counsel");
    assert_int_equal(clasm_library_load(dir, &b, &d), CLASM_OK);
    assert_string_not_equal(a->fingerprint, b->fingerprint);
    const lib_clause *ca = library_clause(a, "end-use.basic-purpose"),
                     *cb = library_clause(b, "end-use.basic-purpose");
    assert_string_not_equal(ca->fallbacks[0].text_hash, cb->fallbacks[0].text_hash);
    assert_string_equal(ca->fallbacks[1].text_hash, cb->fallbacks[1].text_hash);
    assert_string_equal(ca->text_hash, cb->text_hash);
    clasm_library_free(b);

    /* Another approver, the same texts. */
    write_playbook(dir, PURPOSE_FB1_TEXT, "compliance-office");
    assert_int_equal(clasm_library_load(dir, &b, &d), CLASM_OK);
    assert_string_not_equal(a->fingerprint, b->fingerprint);
    clasm_library_free(b);

    /* negotiable: false on a clause without fallbacks. */
    write_playbook(dir, PURPOSE_FB1_TEXT, "counsel");
    append_file(dir, "end-use/security-limits.yaml", "negotiable: false\n");
    assert_int_equal(clasm_library_load(dir, &b, &d), CLASM_OK);
    assert_string_not_equal(a->fingerprint, b->fingerprint);
    clasm_library_free(b);
    assert_int_equal(d.count, 0);

    clasm_library_free(a);
    clasm_library_free(plain);
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
        cmocka_unit_test(test_negotiation_playbook),
        cmocka_unit_test(test_negotiation_errors),
        cmocka_unit_test(test_fingerprint_and_playbook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
