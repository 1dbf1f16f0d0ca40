/* libFuzzer harness: the expression language of clause `when` and template
 * {{#if}} conditions: parse, check names against the facts (with and without
 * risk, tier, term and category lists, and with the capability facts
 * limited to a library's capabilities), list the facts it names, evaluate
 * over a small deal. */
#include "expr.h"
#include "fuzz_util.h"
#include "library.h"

#include <stdint.h>

static const char *const risks[] = {"product.biometric-identification", "regime.data-localization",
                                    "end-user.security-service-misuse"};
static const char *const tiers[] = {"baseline", "elevated", "high", "severe"};
static const char *const terms[] = {"governing_law", "cure_period_days"};
static const char *const categories[] = {"definitions", "end-use", "export-control"};
static const char *const caps[] = {"biometric-identification", "data-analytics"};

/* expr_each_fact's callback: every name is a non-empty fact name. */
static int count_fact(void *ctx, const char *name)
{
    if (!name || !*name)
        abort();
    (*(size_t *)ctx)++;
    return 0;
}

static int stop_at_first(void *ctx, const char *name)
{
    (void)name;
    (*(size_t *)ctx)++;
    return 1;
}

static void check_error(const char *err, int col, size_t len)
{
    /* A refusal says where: "... at column N" with N inside the text (or
     * just past it). */
    if (!err || !strstr(err, "at column ") || col < 1 || (size_t)col > len + 2)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = fuzz_cstr(data, size);
    if (!src)
        return 0;
    size_t len = strlen(src);
    /* "GLOB\nTEXT": the risk glob matcher must answer, and quickly. */
    char *nl = strchr(src, '\n');
    if (nl) {
        *nl = '\0';
        int m = expr_glob_match(src, nl + 1);
        if ((m != 0 && m != 1) || (expr_is_glob(src) == 0 && m != (strcmp(src, nl + 1) == 0)))
            abort();
        *nl = '\n';
    }
    expr *e = NULL;
    char *err = NULL;
    int col = 0;
    if (expr_parse(src, &e, &err, &col) != 0) {
        check_error(err, col, len);
        free(err);
        free(src);
        return 0;
    }
    expr_fact_def defs[DEAL_NFIELDS];
    size_t ndefs = deal_fact_defs(defs, NULL);
    expr_names strict = {defs, ndefs, risks, 3, tiers, 4, terms, 2, 0, NULL, 0, 0};
    expr_names loose = {defs, ndefs, NULL, 0, NULL, 0, NULL, 0, 1, categories, 3, 1};
    /* A library that lists its capabilities: `contains` must name one. */
    static const char *const cap_list[] = {"biometric-identification", "data-analytics", NULL};
    expr_fact_def with_caps[DEAL_NFIELDS];
    deal_fact_defs(with_caps, cap_list);
    expr_names capped = strict;
    capped.facts = with_caps;
    const expr_names *names[] = {&strict, &loose, &capped};
    size_t nfacts = 0, stopped = 0;
    if (expr_each_fact(e, count_fact, &nfacts) != 0)
        abort();
    if (expr_each_fact(e, stop_at_first, &stopped) != (nfacts ? -1 : 0) || stopped != (nfacts > 0))
        abort();
    for (size_t i = 0; i < 3; i++) {
        err = NULL;
        col = 0;
        if (expr_check(e, names[i], &err, &col) != 0) {
            if (!err || !strstr(err, "at column ") || col < 1)
                abort();
            free(err);
        }
    }
    expr_fact facts[] = {{"document", "contract"},        {"customer.kind", "security-service"},
                         {"customer.country", "AE"},      {"deployment", "cloud"},
                         {"end_use", "unknown"},          {"reseller", "Acme"},
                         {"terms.cure_period_days", "30"}};
    expr_env env = {facts, sizeof facts / sizeof *facts, caps, 2, risks, 3, tiers, 4, 2, 17, NULL,
                    0};
    int v = expr_eval(e, &env);
    if (v != 0 && v != 1)
        abort();
    expr_env empty = {NULL, 0, NULL, 0, NULL, 0, NULL, 0, -1, 0, NULL, 0};
    v = expr_eval(e, &empty);
    if (v != 0 && v != 1)
        abort();
    expr_free(e);
    free(src);
    return 0;
}
