/* The expression language: precedence, every parse error with its column,
 * the name check, globbing and evaluation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

static const char *const kinds[] = {"government-agency", "security-service", "state-linked",
                                    "private", NULL};
static const expr_fact_def facts[] = {
    {"document", EXPR_T_ENUM, NULL},
    {"customer.kind", EXPR_T_ENUM, kinds},
    {"customer.country", EXPR_T_TEXT, NULL},
    {"reseller", EXPR_T_PRESENCE, NULL},
    {"end_use", EXPR_T_TEXT, NULL},
    {"capabilities", EXPR_T_LIST, NULL},
    {"customer.country.country_groups", EXPR_T_LIST, NULL},
    {"reseller.country.country_groups", EXPR_T_LIST, NULL},
    {"tier", EXPR_T_TIER, NULL},
    {"score", EXPR_T_NUMBER, NULL},
};
static const char *const risks[] = {"regime.data-localization", "regime.weak-rule-of-law",
                                    "product.biometric-identification"};
static const char *const tiers[] = {"baseline", "elevated", "high", "severe"};
static const char *const terms[] = {"cure_period_days"};

static const expr_names names = {
    facts, sizeof facts / sizeof facts[0], risks, 3, tiers, 4, terms, 1, 0, NULL, 0, 0};

/* The environment: an on-premises deal through a reseller, tier high. */
static const expr_fact env_facts[] = {
    {"document", "eula"},
    {"customer.kind", "security-service"},
    {"customer.country", "AE"},
    {"reseller", "yes"},
    {"end_use", "unknown"},
    {"capabilities", NULL},
    {"customer.country.country_groups", NULL},
    {"reseller.country.country_groups", NULL},
    {"terms.cure_period_days", "30"},
};
/* A list of its own (a country profile's groups); the reseller's is empty. */
static const char *const groups[] = {"D:5", "E:1"};
static const expr_list env_lists[] = {{"customer.country.country_groups", groups, 2},
                                      {"reseller.country.country_groups", NULL, 0}};
static const char *const caps[] = {"biometric-identification", "data-analytics"};
static const char *const deal_risks[] = {"regime.data-localization"};
static const expr_env env = {env_facts,  sizeof env_facts / sizeof env_facts[0],
                             caps,       2,
                             deal_risks, 1,
                             tiers,      4,
                             2,          11,
                             env_lists,  2};

static int eval(const char *src)
{
    expr *e = NULL;
    char *err = NULL;
    int col = 0;
    if (expr_parse(src, &e, &err, &col) != 0) {
        fail_msg("parse of '%s' failed: %s", src, err);
    }
    if (expr_check(e, &names, &err, &col) != 0) {
        fail_msg("check of '%s' failed: %s", src, err);
    }
    int r = expr_eval(e, &env);
    expr_free(e);
    return r;
}

static void expect_parse_error(const char *src, const char *msg, int column)
{
    expr *e = (expr *)1;
    char *err = NULL;
    int col = 0;
    assert_int_equal(expr_parse(src, &e, &err, &col), -1);
    assert_null(e);
    assert_non_null(err);
    assert_string_equal(err, msg);
    assert_int_equal(col, column);
    free(err);
}

static void expect_check_error(const char *src, const char *msg, int column)
{
    expr *e = NULL;
    char *err = NULL;
    int col = 0;
    assert_int_equal(expr_parse(src, &e, &err, &col), 0);
    assert_int_equal(expr_check(e, &names, &err, &col), -1);
    assert_string_equal(err, msg);
    assert_int_equal(col, column);
    free(err);
    expr_free(e);
}

static void test_precedence(void **state)
{
    (void)state;
    /* and binds tighter than or: true or (false and false) */
    assert_true(eval("reseller or end_use == known and score > 100"));
    /* parentheses change it: (true or false) and false */
    assert_false(eval("(reseller or end_use == known) and score > 100"));
    /* not binds tighter than and */
    assert_false(eval("not reseller and reseller"));
    assert_true(eval("not (reseller and end_use == known)"));
    assert_true(eval("not not reseller"));
    /* or is left-associative and short-circuits cleanly */
    assert_true(eval("score < 1 or score < 2 or score == 11"));
}

static void test_comparisons(void **state)
{
    (void)state;
    assert_true(eval("end_use == unknown"));
    assert_true(eval("end_use == \"unknown\""));
    assert_true(eval("end_use == 'unknown'"));
    assert_false(eval("end_use != unknown"));
    assert_true(eval("customer.kind in [government-agency, security-service]"));
    assert_false(eval("customer.kind in [private]"));
    assert_true(eval("score >= 11"));
    assert_false(eval("score > 11"));
    assert_true(eval("score <= 11.5"));
    assert_true(eval("terms.cure_period_days >= 30"));
    assert_true(eval("terms.cure_period_days == 30.0"));
    /* tiers compare by catalogue order, not alphabetically */
    assert_true(eval("tier >= elevated"));
    assert_true(eval("tier >= high"));
    assert_false(eval("tier >= severe"));
    assert_true(eval("tier < severe"));
    assert_true(eval("tier == high"));
    assert_true(eval("tier in [high, severe]"));
    /* absent facts: false, and only != holds */
    assert_false(eval("customer.country == FR"));
    assert_true(eval("document == eula"));
}

static void test_lists_and_risks(void **state)
{
    (void)state;
    assert_true(eval("capabilities contains biometric-identification"));
    assert_true(eval("capabilities contains \"data-analytics\""));
    assert_false(eval("capabilities contains \"weapons\""));
    /* Lists of their own are read from env.lists, not the capabilities. */
    assert_true(eval("customer.country.country_groups contains D:5"));
    assert_true(eval("customer.country.country_groups"));
    assert_false(eval("customer.country.country_groups contains biometric-identification"));
    assert_false(eval("reseller.country.country_groups"));
    assert_false(eval("reseller.country.country_groups contains D:5"));
    assert_true(eval("capabilities"));
    assert_true(eval("risk regime.*"));
    assert_true(eval("risk regime.data-localization"));
    assert_false(eval("risk product.*"));
    assert_false(eval("risk regime.weak-rule-of-law"));
    assert_true(eval("risk *.data-*"));
}

static void test_glob(void **state)
{
    (void)state;
    assert_true(expr_glob_match("regime.*", "regime.data-localization"));
    assert_false(expr_glob_match("regime.*", "product.regime"));
    assert_true(expr_glob_match("*", "anything"));
    assert_true(expr_glob_match("*", ""));
    assert_true(expr_glob_match("a?c", "abc"));
    assert_false(expr_glob_match("a?c", "ac"));
    assert_true(expr_glob_match("*.*-*", "end-user.security-service"));
    assert_true(expr_glob_match("a*b*c", "aXXbYYbc"));
    assert_false(expr_glob_match("a*b*c", "aXXbYYb"));
    assert_true(expr_glob_match("exact", "exact"));
    assert_false(expr_glob_match("exact", "exactly"));
    assert_true(expr_is_glob("regime.*"));
    assert_false(expr_is_glob("regime.x"));
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_parse_error("", "empty expression at column 1", 1);
    expect_parse_error("   ", "empty expression at column 1", 1);
    expect_parse_error("end_use == ",
                       "expected a value after '==', found the end of the expression at "
                       "column 12",
                       12);
    expect_parse_error("reseller and end_use ==",
                       "expected a value after '==', found the end of the expression at "
                       "column 24",
                       24);
    expect_parse_error("end_use == and",
                       "expected a value after '==', found the keyword 'and' (quote it to use "
                       "it as text) at column 12",
                       12);
    expect_parse_error("(reseller",
                       "expected ')' to close the '(' at column 1, found the end of the "
                       "expression at column 10",
                       10);
    expect_parse_error("reseller)", "unexpected ')' (a ')' without its '(') at column 9", 9);
    expect_parse_error("reseller and",
                       "expected a condition after 'and', found the end of the expression at "
                       "column 13",
                       13);
    expect_parse_error("reseller or or x",
                       "expected a condition after 'or', found 'or' at column 13", 13);
    expect_parse_error("not",
                       "expected a condition after 'not', found the end of the "
                       "expression at column 4",
                       4);
    expect_parse_error("reseller end_use",
                       "unexpected 'end_use'; join conditions with 'and' or 'or' at column 10", 10);
    expect_parse_error("end_use = unknown",
                       "unexpected '=' (comparisons are ==, !=, >=, <=, >, <) at column 9", 9);
    expect_parse_error("end_use == \"unknown", "unterminated string starting at column 12", 12);
    expect_parse_error("risk",
                       "expected a risk id or glob after 'risk', found the end of the "
                       "expression at column 5",
                       5);
    expect_parse_error("customer.kind in private",
                       "expected '[' after 'in', found 'private' at column 18", 18);
    expect_parse_error("customer.kind in [private",
                       "expected ',' or ']' to close the list opened at column 18, found the "
                       "end of the expression at column 26",
                       26);
    expect_parse_error("customer.kind in [a,]",
                       "expected a value after ',', found ']' at column 21", 21);
    expect_parse_error("customer.kind in []", "expected a value after '[', found ']' at column 19",
                       19);
    expect_parse_error("capabilities contains",
                       "expected a value after 'contains', found the end of the expression at "
                       "column 22",
                       22);
    expect_parse_error("reseller & x", "unexpected character '&' at column 10", 10);
    expect_parse_error("== x", "expected a fact name, 'risk', 'not' or '(', found '==' at column 1",
                       1);
    expect_parse_error("reseller and ()",
                       "expected a fact name, 'risk', 'not' or '(', found ')' at column 15", 15);
}

static void test_depth_limit(void **state)
{
    (void)state;
    char src[400];
    memset(src, '(', 200);
    strcpy(src + 200, "reseller");
    expr *e = NULL;
    char *err = NULL;
    int col = 0;
    assert_int_equal(expr_parse(src, &e, &err, &col), -1);
    assert_non_null(strstr(err, "nested too deeply"));
    assert_true(col > 60 && col < 70);
    free(err);
}

static void test_check_errors(void **state)
{
    (void)state;
    expect_check_error("resller", "unknown fact 'resller' (did you mean 'reseller'?) at column 1",
                       1);
    expect_check_error("reseller and wibble == 3", "unknown fact 'wibble' at column 14", 14);
    expect_check_error("tier >= hgh",
                       "unknown tier 'hgh' (did you mean 'high'?); the tiers are baseline, "
                       "elevated, high, severe at column 9",
                       9);
    expect_check_error("customer.kind == securty-service",
                       "'securty-service' is not a value of customer.kind (did you mean "
                       "'security-service'?); it is one of government-agency, security-service, "
                       "state-linked, private at column 18",
                       18);
    expect_check_error("risk regme.*", "no risk in the catalogue matches 'regme.*' at column 6", 6);
    expect_check_error("risk regime.data-localisation",
                       "unknown risk 'regime.data-localisation' (did you mean "
                       "'regime.data-localization'?) at column 6",
                       6);
    expect_check_error("end_use contains x",
                       "'contains' needs a list fact; end_use is not a list at column 1", 1);
    expect_check_error("capabilities == x",
                       "capabilities is a list; use 'capabilities contains VALUE' at column 1", 1);
    expect_check_error("end_use >= x",
                       "'>=' compares numbers and tiers; end_use is text at column 1", 1);
    expect_check_error("tier", "tier needs a comparison, e.g. 'tier >= high' at column 1", 1);
    expect_check_error("score > lots", "score is a number; 'lots' is not at column 9", 9);
    expect_check_error("reseller == x",
                       "reseller can only be tested on its own (present or not) at column 1", 1);
    expect_check_error("terms.cure_period_dys == 3",
                       "unknown terms key 'cure_period_dys' (did you mean 'cure_period_days'?); "
                       "declare it in library.yaml at column 1",
                       1);
}

static void test_any_terms(void **state)
{
    (void)state;
    expr_names open = names;
    open.any_terms = 1;
    expr *e = NULL;
    char *err = NULL;
    int col = 0;
    assert_int_equal(expr_parse("terms.own_key", &e, &err, &col), 0);
    assert_int_equal(expr_check(e, &open, &err, &col), 0);
    assert_false(expr_eval(e, &env)); /* absent */
    expr_free(e);
}

/* Random inputs built from the language's own pieces never crash, and every
 * error names a column inside the input (or just past its end). */
static void test_random_inputs(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "and ",      "or ",   "not ",          "(",    ")",         "risk ",  "regime.* ",
        "reseller ", "tier ", ">= ",           "== ",  "high ",     "in ",    "[",
        "]",         ", ",    "\"x\" ",        "'y' ", "contains ", "score ", "3 ",
        "!",         "=",     "capabilities ", "\"",   "end_use "};
    unsigned seed = 12345;
    char src[256];
    int ok = 0, bad = 0;
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int n = 1 + (int)((seed >> 16) % 9);
        for (int k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            size_t pl = strlen(p);
            memcpy(src + len, p, pl);
            len += pl;
        }
        src[len] = '\0';
        expr *e = NULL;
        char *err = NULL;
        int col = 0;
        if (expr_parse(src, &e, &err, &col) == 0) {
            ok++;
            assert_null(err);
            if (expr_check(e, &names, &err, &col) == 0)
                (void)expr_eval(e, &env);
            else
                free(err);
            expr_free(e);
        } else {
            bad++;
            assert_null(e);
            assert_non_null(err);
            assert_true(col >= 1 && (size_t)col <= len + 1);
            free(err);
        }
    }
    assert_true(ok > 100);
    assert_true(bad > 100);
}

/* expr_each_fact's callbacks: collect the names; stop at the first. */
typedef struct {
    char names[8][32];
    size_t n;
} seen_facts;

static int collect(void *ctx, const char *name)
{
    seen_facts *s = ctx;
    if (s->n < 8)
        snprintf(s->names[s->n], sizeof s->names[0], "%s", name);
    s->n++;
    return 0;
}

static int stop(void *ctx, const char *name)
{
    (void)name;
    (*(size_t *)ctx)++;
    return 7; /* any non-zero stops */
}

/* The facts an expression names, for the terms.KEY a template uses. The
 * fuzz_expr input "k" (fuzz/regressions/expr/each-fact-stop-13fbd79c) once
 * got the callback's own value back for a lone fact instead of -1. */
static void test_each_fact(void **state)
{
    (void)state;
    expr *e = NULL;
    char *err = NULL;
    int col = 0;
    assert_int_equal(
        expr_parse("terms.a == 1 and (risk product.* or not reseller) or capabilities contains x",
                   &e, &err, &col),
        0);
    seen_facts s = {.n = 0};
    assert_int_equal(expr_each_fact(e, collect, &s), 0);
    assert_int_equal(s.n, 3); /* the risk glob is no fact */
    assert_string_equal(s.names[0], "terms.a");
    assert_string_equal(s.names[1], "reseller");
    assert_string_equal(s.names[2], "capabilities");
    size_t calls = 0;
    assert_int_equal(expr_each_fact(e, stop, &calls), -1);
    assert_int_equal(calls, 1);
    expr_free(e);
    assert_int_equal(expr_parse("k", &e, &err, &col), 0);
    calls = 0;
    assert_int_equal(expr_each_fact(e, stop, &calls), -1);
    assert_int_equal(calls, 1);
    expr_free(e);
    assert_int_equal(expr_parse("risk a.*", &e, &err, &col), 0);
    calls = 0;
    assert_int_equal(expr_each_fact(e, stop, &calls), 0);
    assert_int_equal(calls, 0);
    expr_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence),      cmocka_unit_test(test_comparisons),
        cmocka_unit_test(test_lists_and_risks), cmocka_unit_test(test_glob),
        cmocka_unit_test(test_parse_errors),    cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_check_errors),    cmocka_unit_test(test_any_terms),
        cmocka_unit_test(test_random_inputs),   cmocka_unit_test(test_each_fact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
