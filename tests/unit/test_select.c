/* Selection over the fixture library tests/fixtures/libraries/basic: reasons,
 * requires, replaces, excludes, min_tier, when, ordering, tiers, coverage,
 * escalation, unknown deal risks, the flow-down check and the JSON shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deal.h"
#include "docx_fixture.h"
#include "facts.h"
#include "library.h"
#include "package.h"
#include "plan.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/libraries"
#endif

typedef struct {
    clasm_library *lib;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    clasm_diags d;
    clasm_diags_init(&d);
    if (clasm_library_load(FIXTURES "/basic", &f->lib, &d) != CLASM_OK) {
        clasm_diags_print(stderr, &d);
        clasm_diags_free(&d);
        free(f);
        return -1;
    }
    clasm_diags_free(&d);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    clasm_library_free(f->lib);
    free(f);
    return 0;
}

/* A deal with the given documents, extra lines (reseller, end_use...) and
 * risks, one per line from line 12 on. */
static clasm_deal *deal(const char *documents, const char *extra, const char *const *risks,
                        size_t nrisks)
{
    char text[2048];
    int n = snprintf(text, sizeof text,
                     "id: T-1\n"                      /* 1 */
                     "documents: [%s]\n"              /* 2 */
                     "date: 2026-11-27\n"             /* 3 */
                     "seller: { name: Seller Inc }\n" /* 4 */
                     "customer: { name: Agency, country: AE, kind: security-service }\n"
                     "product: { name: Eye, capabilities: [biometric-identification] }\n"
                     "deployment: on-premises\n" /* 7 */
                     "license: perpetual\n"      /* 8 */
                     "%s"                        /* 9, 10 */
                     "risks:%s\n",               /* 11 */
                     documents, extra, nrisks ? "" : " []");
    for (size_t i = 0; i < nrisks; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "  - %s\n", risks[i]);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *out = NULL;
    if (clasm_deal_load_string(text, strlen(text), "deal.yaml", &out, &d) != CLASM_OK) {
        clasm_diags_print(stderr, &d);
        fail_msg("the test deal does not load");
    }
    clasm_diags_free(&d);
    return out;
}

#define KNOWN "end_use: known\nterms: { cure_period_days: 30 }\n"

static void expect_items(const clasm_plan *p, const char *const *ids, size_t n)
{
    if (p->nitems != n) {
        for (size_t i = 0; i < p->nitems; i++)
            fprintf(stderr, "  have %s\n", p->items[i].id);
    }
    assert_int_equal(p->nitems, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(p->items[i].id, ids[i]);
}

static const plan_item *item(const clasm_plan *p, const char *id)
{
    for (size_t i = 0; i < p->nitems; i++)
        if (strcmp(p->items[i].id, id) == 0)
            return &p->items[i];
    return NULL;
}

static const clasm_diag *find(const clasm_diags *d, const char *id)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0)
            return &d->items[i];
    return NULL;
}

static void test_reasons_and_requires(void **state)
{
    fixture *f = *state;
    static const char *const risks[] = {"product.biometric"};
    clasm_deal *dl = deal("contract", KNOWN, risks, 1);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    static const char *const want[] = {"definitions.core", "end-use.basic-purpose"};
    expect_items(p, want, 2);
    assert_int_equal(p->items[0].nreasons, 1);
    assert_string_equal(p->items[0].reasons[0], "required by end-use.basic-purpose");
    assert_int_equal(p->items[0].version, 2);
    assert_string_equal(p->items[0].category, "definitions");
    assert_string_equal(p->items[0].title, "Definitions");
    assert_string_equal(p->items[1].reasons[0], "product.biometric");
    /* The same reasons in words: the risk's title; the title of the clause
     * the definitions support. */
    assert_int_equal(p->items[0].nbecause, 0);
    assert_int_equal(p->items[0].nsupports, 1);
    assert_string_equal(p->items[0].supports[0], "Authorized Purpose");
    assert_int_equal(p->items[1].nbecause, 1);
    assert_string_equal(p->items[1].because[0], "Biometric identification");
    assert_int_equal(p->items[1].nsupports, 0);
    char *why = plan_item_why(&p->items[0], 0);
    assert_string_equal(why, "supports: Authorized Purpose");
    free(why);
    why = plan_item_why(&p->items[1], 0);
    assert_string_equal(why, "because: Biometric identification");
    free(why);
    assert_string_equal(p->tier, "elevated");
    assert_int_equal(p->tier_rank, 1);
    assert_int_equal(p->score, 4);
    assert_false(p->escalate);
    assert_int_equal(p->nuncovered, 0);
    assert_int_equal(p->nnotes, 0);
    assert_string_equal(p->deal_id, "T-1");
    assert_string_equal(p->library_fingerprint, f->lib->fingerprint);
    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_diags_free(&d);
}

static void test_replaces_at_high_tier(void **state)
{
    fixture *f = *state;
    static const char *const risks[] = {"product.biometric", "regime.data-localization"};
    clasm_deal *dl = deal("contract", KNOWN, risks, 2);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_string_equal(p->tier, "high");
    assert_int_equal(p->score, 6);
    /* category order, then order (data-terms 5 before core 10), then id */
    static const char *const want[] = {"definitions.data-terms", "definitions.core",
                                       "end-use.enhanced-purpose", "data.localization",
                                       "data.regime-review"};
    expect_items(p, want, 5);
    assert_string_equal(p->items[0].reasons[0], "required by data.localization");
    /* core: required by the clause using its list of definitions, and by
     * the clause whose definitions it lists. */
    assert_int_equal(p->items[1].nreasons, 2);
    assert_true(strcmp(p->items[1].reasons[0], "required by end-use.enhanced-purpose") == 0 ||
                strcmp(p->items[1].reasons[1], "required by end-use.enhanced-purpose") == 0);
    assert_int_equal(p->items[2].version, 3);
    assert_string_equal(p->items[4].reasons[0], "when: risk regime.* and tier >= elevated");
    /* counsel's wording of the when: of its cases, the one that holds */
    assert_int_equal(p->items[4].nbecause, 1);
    assert_string_equal(p->items[4].because[0], "data localization law, from the elevated tier");
    /* core supports two clauses: both titles, the last after "and" */
    assert_int_equal(p->items[1].nsupports, 2);
    char *why = plan_item_why(&p->items[1], 0);
    assert_non_null(strstr(why, "supports: "));
    assert_non_null(strstr(why, " and "));
    free(why);
    why = plan_item_why(&p->items[1], 1);
    assert_non_null(strstr(why, " and 1 more"));
    free(why);
    why = plan_item_why(&p->items[0], 0);
    assert_string_equal(why, "supports: Local Data Storage");
    free(why);
    assert_int_equal(p->nnotes, 1);
    assert_string_equal(p->notes[0], "end-use.basic-purpose replaced by end-use.enhanced-purpose");
    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_diags_free(&d);
}

/* Tier boundaries: a score equal to a tier's min_score is in that tier, and
 * min_tier holds a clause back until the deal reaches it. */
static void test_tier_thresholds(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *risks[3];
        size_t n;
        long score;
        const char *tier;
        const char *purpose;
    } cases[] = {
        {{"product.analytics"}, 1, 1, "baseline", "end-use.basic-purpose"},
        {{"product.analytics", "stakeholder.unaddressed", "stakeholder.reseller"},
         3,
         3,
         "elevated",
         "end-use.basic-purpose"},
        {{"product.biometric", "product.analytics", "stakeholder.unaddressed"},
         3,
         6,
         "high",
         "end-use.enhanced-purpose"},
        {{"end-user.security-service", "product.biometric", "product.analytics"},
         3,
         10,
         "severe",
         "end-use.enhanced-purpose"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        clasm_deal *dl = deal("contract", KNOWN, cases[k].risks, cases[k].n);
        clasm_diags d;
        clasm_diags_init(&d);
        clasm_plan *p = NULL;
        assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
        assert_int_equal(p->score, cases[k].score);
        assert_string_equal(p->tier, cases[k].tier);
        assert_int_equal(p->escalate, strcmp(cases[k].tier, "severe") == 0);
        assert_non_null(item(p, cases[k].purpose));
        /* exactly one of the two purpose clauses */
        assert_true((item(p, "end-use.basic-purpose") != NULL) !=
                    (item(p, "end-use.enhanced-purpose") != NULL));
        clasm_plan_free(p);
        clasm_deal_free(dl);
        clasm_diags_free(&d);
    }
}

static void test_excludes_conflict(void **state)
{
    fixture *f = *state;
    static const char *const risks[] = {"regime.data-localization", "regime.weak-oversight"};
    clasm_deal *dl = deal("contract", KNOWN, risks, 2);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = (clasm_plan *)1;
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_E_INPUT);
    assert_null(p);
    const clasm_diag *x = find(&d, "clause-conflict");
    assert_non_null(x);
    assert_int_equal(x->severity, CLASM_SEV_ERROR);
    assert_string_equal(x->message,
                        "data.offshore-hosting excludes data.localization, but both were chosen "
                        "for the contract: data.offshore-hosting because regime.weak-oversight; "
                        "data.localization because regime.data-localization");
    assert_non_null(strstr(x->file, "data/offshore-hosting.yaml"));
    assert_int_equal(x->line, 7);
    assert_int_equal(x->column, 12);
    clasm_deal_free(dl);
    clasm_diags_free(&d);
}

static void test_coverage_per_document(void **state)
{
    fixture *f = *state;
    static const char *const risks[] = {"stakeholder.unaddressed", "regime.data-localization",
                                        "stakeholder.reseller"};
    clasm_deal *dl =
        deal("reseller-agreement", "reseller: { name: R, country: AE }\n" KNOWN, risks, 3);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_RESELLER, &p, &d), CLASM_OK);
    assert_int_equal(p->score, 4);
    /* regime.data-localization does not matter in a reseller agreement, and
     * data.localization may not appear in one; the unaddressed risk is
     * listed and warned about at its line. */
    assert_int_equal(p->nuncovered, 1);
    assert_string_equal(p->uncovered[0], "stakeholder.unaddressed");
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "uncovered-risk");
    assert_int_equal(d.items[0].severity, CLASM_SEV_WARNING);
    assert_string_equal(d.items[0].file, "deal.yaml");
    assert_int_equal(d.items[0].line, 13);
    assert_int_equal(d.items[0].column, 5);
    assert_non_null(strstr(d.items[0].message, "'stakeholder.unaddressed' is not addressed by "
                                               "any clause chosen for the reseller-agreement"));
    static const char *const want[] = {"data.regime-review", "reseller.flow-down"};
    expect_items(p, want, 2);
    clasm_plan_free(p);

    /* In the contract, data.localization covers its risk. */
    clasm_diags_free(&d);
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_int_equal(p->nuncovered, 1);
    assert_non_null(item(p, "data.localization"));
    assert_null(item(p, "reseller.flow-down"));
    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_diags_free(&d);
}

static void test_escalate(void **state)
{
    fixture *f = *state;
    static const char *const risks[] = {"end-user.security-service", "product.biometric",
                                        "product.analytics"};
    clasm_deal *dl = deal("contract", KNOWN, risks, 3);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_int_equal(p->score, 10);
    assert_string_equal(p->tier, "severe");
    assert_true(p->escalate);
    const clasm_diag *x = find(&d, "escalate");
    assert_non_null(x);
    assert_int_equal(x->severity, CLASM_SEV_WARNING);
    assert_non_null(strstr(x->message, "ESCALATE TO COUNSEL BEFORE SIGNING"));
    assert_non_null(strstr(x->message, "scores 10"));
    /* both product risks are reasons of the one clause, in deal order */
    const plan_item *it = item(p, "end-use.enhanced-purpose");
    assert_non_null(it);
    assert_int_equal(it->nreasons, 2);
    assert_string_equal(it->reasons[0], "product.biometric");
    assert_string_equal(it->reasons[1], "product.analytics");
    assert_string_equal(item(p, "end-use.security-limits")->reasons[0],
                        "end-user.security-service");
    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_diags_free(&d);
}

static void test_when_uses_deal_facts(void **state)
{
    fixture *f = *state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = NULL;
    clasm_deal *dl = deal("eula", "reseller: { name: R }\nend_use: unknown\n", NULL, 0);
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_EULA, &p, &d), CLASM_OK);
    static const char *const want[] = {"data.unknown-end-use"};
    expect_items(p, want, 1);
    assert_string_equal(p->items[0].reasons[0], "when: reseller and end_use == \"unknown\"");
    assert_string_equal(p->tier, "baseline");
    clasm_plan_free(p);
    /* the contract is not among its documents */
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_int_equal(p->nitems, 0);
    clasm_plan_free(p);
    clasm_deal_free(dl);

    dl = deal("eula", "end_use: unknown\n", NULL, 0); /* no reseller */
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_EULA, &p, &d), CLASM_OK);
    assert_int_equal(p->nitems, 0);
    clasm_plan_free(p);
    clasm_deal_free(dl);
    assert_int_equal(d.count, 0);
    clasm_diags_free(&d);
}

static void test_unknown_deal_risk(void **state)
{
    fixture *f = *state;
    static const char *const risks[] = {"product.biometric", "product.biometrc", "regime.nothing"};
    clasm_deal *dl = deal("contract", KNOWN, risks, 3);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = (clasm_plan *)1;
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_E_INPUT);
    assert_null(p);
    assert_int_equal(d.count, 2);
    assert_string_equal(d.items[0].id, "unknown-risk");
    assert_int_equal(d.items[0].line, 13);
    assert_int_equal(d.items[0].column, 5);
    assert_non_null(
        strstr(d.items[0].message, "'product.biometrc' is not a risk in the catalogue"));
    assert_non_null(strstr(d.items[0].message, "did you mean 'product.biometric'?"));
    assert_int_equal(d.items[1].line, 14);
    assert_null(strstr(d.items[1].message, "did you mean"));
    clasm_deal_free(dl);
    clasm_diags_free(&d);
}

static void test_order_is_stable(void **state)
{
    fixture *f = *state;
    static const char *const a[] = {"regime.data-localization", "product.biometric",
                                    "end-user.security-service"};
    static const char *const b[] = {"end-user.security-service", "regime.data-localization",
                                    "product.biometric"};
    clasm_deal *da = deal("eula", KNOWN, a, 3), *db = deal("eula", KNOWN, b, 3);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *pa = NULL, *pb = NULL, *pa2 = NULL;
    assert_int_equal(clasm_select(f->lib, da, CLASM_DOC_EULA, &pa, &d), CLASM_OK);
    assert_int_equal(clasm_select(f->lib, db, CLASM_DOC_EULA, &pb, &d), CLASM_OK);
    assert_int_equal(clasm_select(f->lib, da, CLASM_DOC_EULA, &pa2, &d), CLASM_OK);
    assert_int_equal(pa->nitems, pb->nitems);
    for (size_t i = 0; i < pa->nitems; i++)
        assert_string_equal(pa->items[i].id, pb->items[i].id);
    /* end-use.enhanced-purpose (order 10) before end-use.security-limits (20) */
    static const char *const want[] = {"definitions.data-terms",   "definitions.core",
                                       "end-use.enhanced-purpose", "end-use.security-limits",
                                       "data.localization",        "data.regime-review"};
    expect_items(pa, want, 6);
    char *ja = clasm_plan_json(pa, NULL), *ja2 = clasm_plan_json(pa2, NULL);
    assert_string_equal(ja, ja2);
    free(ja);
    free(ja2);
    clasm_plan_free(pa);
    clasm_plan_free(pb);
    clasm_plan_free(pa2);
    clasm_deal_free(da);
    clasm_deal_free(db);
    clasm_diags_free(&d);
}

static void test_flow_down(void **state)
{
    fixture *f = *state;
    static const char *const risks[] = {"stakeholder.reseller"};
    const char *extra[] = {
        "reseller: { name: R }\nend_use: known\nterms: { cure_period_days: 30 }\n",
        "reseller: { name: R }\nend_use: known\nterms: { cure_period_days: 90 }\n"};
    for (int k = 0; k < 2; k++) {
        clasm_deal *dl = deal("reseller-agreement, eula", extra[k], risks, 1);
        clasm_diags d;
        clasm_diags_init(&d);
        clasm_plan *plans[2] = {NULL, NULL};
        assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_RESELLER, &plans[0], &d), CLASM_OK);
        assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_EULA, &plans[1], &d), CLASM_OK);
        assert_non_null(item(plans[0], "reseller.flow-down"));
        assert_non_null(item(plans[1], "reseller.flow-down"));
        size_t before = d.count;
        clasm_status st = clasm_check_flow_down(f->lib, plans, 2, &d);
        if (k == 0) {
            assert_int_equal(st, CLASM_OK);
            assert_int_equal(d.count, before);
        } else {
            /* the long cure period is only drawn into the reseller agreement */
            assert_non_null(item(plans[0], "reseller.long-cure"));
            assert_null(item(plans[1], "reseller.long-cure"));
            assert_int_equal(st, CLASM_E_INPUT);
            assert_int_equal(d.count, before + 1);
            const clasm_diag *x = &d.items[before];
            assert_string_equal(x->id, "flow-down-gap");
            assert_string_equal(x->message,
                                "deal T-1: the reseller-agreement has reseller.long-cure@4, which "
                                "the reseller must flow down to its customers, but the eula of "
                                "the same pack lacks it");
            assert_non_null(strstr(x->file, "reseller/long-cure.yaml"));
        }
        clasm_plan_free(plans[0]);
        clasm_plan_free(plans[1]);
        clasm_deal_free(dl);
        clasm_diags_free(&d);
    }
}

static void test_json_shape(void **state)
{
    fixture *f = *state;
    static const char *const risks[] = {"product.biometric", "stakeholder.unaddressed"};
    clasm_deal *dl = deal("contract", KNOWN, risks, 2);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    char *s = clasm_plan_json(p, "out/T-1-contract.docx");
    assert_non_null(s);
    char expected[4096];
    snprintf(expected, sizeof expected,
             "{\n"
             "  \"deal\": \"T-1\",\n"
             "  \"document\": \"contract\",\n"
             "  \"tier\": \"elevated\",\n"
             "  \"score\": 5,\n"
             "  \"escalate\": false,\n"
             "  \"clauses\": [\n"
             "    {\n"
             "      \"id\": \"definitions.core\",\n"
             "      \"version\": 2,\n"
             "      \"category\": \"definitions\",\n"
             "      \"title\": \"Definitions\",\n"
             "      \"reasons\": [\n"
             "        \"required by end-use.basic-purpose\"\n"
             "      ],\n"
             "      \"because\": [],\n"
             "      \"supports\": [\n"
             "        \"Authorized Purpose\"\n"
             "      ],\n"
             "      \"why\": \"supports: Authorized Purpose\"\n"
             "    },\n"
             "    {\n"
             "      \"id\": \"end-use.basic-purpose\",\n"
             "      \"version\": 1,\n"
             "      \"category\": \"end-use\",\n"
             "      \"title\": \"Authorized Purpose\",\n"
             "      \"reasons\": [\n"
             "        \"product.biometric\"\n"
             "      ],\n"
             "      \"because\": [\n"
             "        \"Biometric identification\"\n"
             "      ],\n"
             "      \"supports\": [],\n"
             "      \"why\": \"because: Biometric identification\"\n"
             "    }\n"
             "  ],\n"
             "  \"uncovered\": [\n"
             "    \"stakeholder.unaddressed\"\n"
             "  ],\n"
             "  \"notes\": [],\n"
             "  \"defaults\": [\n"
             "    {\n"
             "      \"key\": \"notice_days\",\n"
             "      \"value\": \"10\",\n"
             "      \"label\": \"Notice period\",\n"
             /* only a template prints it, and none was added */
             "      \"printed\": false\n"
             "    }\n"
             "  ],\n"
             "  \"missing\": [],\n"
             "  \"suggestions\": [],\n"
             "  \"library\": \"%s\",\n"
             "  \"output\": \"out/T-1-contract.docx\"\n"
             "}",
             f->lib->fingerprint);
    assert_string_equal(s, expected);
    free(s);
    s = clasm_plan_json(p, NULL);
    assert_null(strstr(s, "\"output\""));
    free(s);

    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    clasm_plan_print_text(out, p);
    fclose(out);
    assert_non_null(strstr(buf, "tier: elevated (score 5)\n"));
    /* the title first, the id behind it; reasons in words */
    assert_non_null(strstr(buf, "   1. Definitions  [definitions.core@2]\n"
                                "        supports: Authorized Purpose\n"
                                "   2. Authorized Purpose  [end-use.basic-purpose@1]\n"
                                "        because: Biometric identification\n"));
    assert_non_null(strstr(buf, "uncovered:\n  stakeholder.unaddressed\n"));
    free(buf);
    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_diags_free(&d);
}

/* dir (a mkdtemp template): made, and given a copy of the basic library. */
static void copy_basic(char *dir)
{
    assert_non_null(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp -R %s/basic/. %s/", FIXTURES, dir);
    assert_int_equal(system(cmd), 0);
}

/* The library in dir, which must load (its problems printed otherwise). */
static clasm_library *load_copy(const char *dir)
{
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    if (clasm_library_load(dir, &lib, &d) != CLASM_OK)
        clasm_diags_print(stderr, &d);
    assert_non_null(lib);
    clasm_diags_free(&d);
    return lib;
}

/* Values a chosen clause needs and the deal lacks do not stop the plan:
 * they are its missing list (key, the library's description, the clauses
 * that use them), once per key, a value with a default is not missing,
 * and assembling the plan is refused naming each. */
static void test_missing_list(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-missing-XXXXXX";
    copy_basic(dir);
    char cmd[512];
    static const char *const texts[] = {
        "id: end-use.sites\nversion: 1\ntitle: Sites\ncategory: end-use\n"
        "documents: [contract]\nwhen: 'document == contract'\norder: 30\ntext: |\n"
        "  Used at {{ customer.address }} for {{ terms.cure_period_days }} days, "
        "notice {{ terms.notice_days }}.\n",
        "id: end-use.cure-again\nversion: 1\ntitle: Cure Again\ncategory: end-use\n"
        "documents: [contract]\nwhen: 'document == contract'\norder: 40\ntext: |\n"
        "  Again {{ terms.cure_period_days }} days.\n"};
    static const char *const names[] = {"sites", "cure-again"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "%s/end-use/%s.yaml", dir, names[i]);
        FILE *fp = fopen(cmd, "w");
        assert_non_null(fp);
        fputs(texts[i], fp);
        fclose(fp);
    }
    clasm_library *lib = load_copy(dir);
    clasm_diags d;
    clasm_diags_init(&d);
    static const char *const risks[] = {"product.biometric"};
    clasm_deal *dl = deal("contract", "end_use: known\n", risks, 1);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_non_null(p);
    assert_int_equal(clasm_diags_errors(&d), 0);
    assert_null(find(&d, "missing-value")); /* data, not a diagnostic */
    const clasm_missing *m = NULL;
    assert_int_equal(clasm_plan_missing(p, &m), 2);
    assert_string_equal(m[0].key, "customer.address");
    assert_non_null(m[0].description);
    assert_int_equal(m[0].nused_by, 1);
    assert_string_equal(m[0].used_by[0], "end-use.sites");
    assert_string_equal(m[1].key, "terms.cure_period_days");
    assert_string_equal(m[1].description, "Days to cure a breach.");
    assert_int_equal(m[1].nused_by, 2);
    assert_string_equal(m[1].used_by[0], "end-use.sites");
    assert_string_equal(m[1].used_by[1], "end-use.cure-again");
    assert_non_null(strstr(m[1].file, "end-use/sites.yaml"));
    assert_int_equal(m[1].line, 9);
    /* A when without counsel's wording (lint warns): the condition itself. */
    const plan_item *sites = item(p, "end-use.sites");
    assert_int_equal(sites->nbecause, 1);
    assert_string_equal(sites->because[0], "the condition 'document == contract' holds");

    /* The JSON carries it; the text lists it beside the plan. */
    char *js = clasm_plan_json(p, NULL);
    json_t *j = json_loads(js, 0, NULL);
    free(js);
    json_t *mj = json_object_get(j, "missing");
    assert_int_equal(json_array_size(mj), 2);
    json_t *one = json_array_get(mj, 1);
    assert_string_equal(json_string_value(json_object_get(one, "key")), "terms.cure_period_days");
    assert_string_equal(json_string_value(json_object_get(one, "description")),
                        "Days to cure a breach.");
    assert_int_equal(json_array_size(json_object_get(one, "used_by")), 2);
    json_decref(j);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    clasm_plan_print_text(out, p);
    fclose(out);
    assert_non_null(strstr(buf, "still to fill in (2; the draft needs them):\n"
                                "  customer.address: "));
    assert_non_null(strstr(buf, "  terms.cure_period_days: Days to cure a breach.\n"
                                "      used by Sites, Cure Again\n"));
    free(buf);

    /* As diagnostics: one per value, of the severity asked. */
    clasm_diags w;
    clasm_diags_init(&w);
    assert_int_equal(clasm_plan_missing_diags(p, dl, CLASM_SEV_WARNING, &w), 2);
    assert_int_equal(clasm_diags_warnings(&w), 2);
    assert_string_equal(w.items[1].id, "missing-value");
    assert_non_null(strstr(w.items[1].message,
                           "the clause end-use.sites, chosen for the contract, fills in {{ "
                           "terms.cure_period_days }}, which this deal does not give (under "
                           "terms:); add it to the deal (at "));
    assert_non_null(strstr(w.items[1].message, "; 2 texts use it; what it is: Days to cure"));
    clasm_diags_free(&w);

    /* Assembly refuses the plan, whatever the template. */
    clasm_diags_init(&w);
    unsigned char *bytes = NULL;
    size_t n = 0;
    clasm_template *tpl = NULL;
    assert_int_equal(clasm_template_open("templates/contract.docx", &tpl, &w), CLASM_OK);
    assert_int_equal(clasm_assemble_buffer(tpl, lib, dl, p, 0, &bytes, &n, &w), CLASM_E_INPUT);
    assert_null(bytes);
    assert_int_equal(clasm_diags_errors(&w), 2);
    clasm_template_free(tpl);
    clasm_diags_free(&w);

    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_library_free(lib);
    clasm_diags_free(&d);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* A copy of the basic library whose data.regime-review words its when as
 * the cases given (YAML lines), in dir. */
static clasm_library *library_with_cases(char *dir, const char *cases)
{
    copy_basic(dir);
    char path[256];
    snprintf(path, sizeof path, "%s/data/regime-review.yaml", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp,
            "id: data.regime-review\nversion: 1\ntitle: Regime Review\ncategory: data\n"
            "documents: [contract, eula, reseller-agreement]\n"
            "when: 'risk regime.* and tier >= elevated'\nbecause:\n%sorder: 30\ntext: |\n"
            "  The parties review the destination's laws each year.\n",
            cases);
    fclose(fp);
    return load_copy(dir);
}

static const char *regime_reason(const clasm_library *lib, const clasm_deal *dl)
{
    static char out[512];
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = NULL;
    if (clasm_select(lib, dl, CLASM_DOC_CONTRACT, &p, &d) != CLASM_OK)
        clasm_diags_print(stderr, &d);
    assert_non_null(p);
    out[0] = '\0';
    /* each case that holds is a reason of its own */
    for (size_t i = 0; i < p->nitems; i++)
        if (strcmp(p->items[i].id, "data.regime-review") == 0)
            for (size_t r = 0; r < p->items[i].nbecause; r++)
                snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", r ? " | " : "",
                         p->items[i].because[r]);
    clasm_plan_free(p);
    clasm_diags_free(&d);
    return out;
}

/* A when worded as cases: the words of every case that holds, in order;
 * when none holds (cases that do not cover the when), every case's words,
 * as alternatives. */
static void test_because_cases(void **state)
{
    (void)state;
    static const char *const risks[] = {"product.biometric", "regime.data-localization"};
    clasm_deal *dl = deal("contract", KNOWN, risks, 2); /* the high tier */
    char dir[] = "/tmp/clasm-cases-XXXXXX";
    clasm_library *lib = library_with_cases(dir, "  - if: 'risk regime.data-localization'\n"
                                                 "    words: data localization law\n"
                                                 "  - if: 'risk regime.weak-oversight'\n"
                                                 "    words: weak oversight\n"
                                                 "  - if: 'tier >= high'\n"
                                                 "    words: from the high tier\n");
    assert_string_equal(regime_reason(lib, dl), "data localization law | from the high tier");
    clasm_library_free(lib);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    char dir2[] = "/tmp/clasm-cases-XXXXXX";
    lib = library_with_cases(dir2, "  - if: 'document == addendum'\n"
                                   "    words: data localization law\n"
                                   "  - if: 'customer.kind == private'\n"
                                   "    words: weak oversight\n");
    assert_string_equal(regime_reason(lib, dl), "data localization law; or weak oversight");
    clasm_library_free(lib);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir2);
    assert_int_equal(system(cmd), 0);
    clasm_deal_free(dl);
}

static void test_facts_eval(void **state)
{
    fixture *f = *state;
    static const char *const risks[] = {"product.biometric", "regime.data-localization"};
    clasm_deal *dl = deal("eula", "reseller: { name: R, country: FR }\n" KNOWN, risks, 2);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(f->lib, dl, CLASM_DOC_EULA, &p, &d), CLASM_OK);
    char *err = NULL;
    int col = 0;
    assert_int_equal(facts_eval(f->lib, dl, p, "tier >= high and document == eula", &err, &col), 1);
    assert_int_equal(facts_eval(f->lib, dl, p, "reseller.country == FR", &err, &col), 1);
    assert_int_equal(facts_eval(f->lib, dl, p, "customer.kind in [private]", &err, &col), 0);
    assert_int_equal(
        facts_eval(f->lib, dl, p, "capabilities contains biometric-identification", &err, &col), 1);
    assert_int_equal(facts_eval(f->lib, dl, p, "terms.cure_period_days == 30", &err, &col), 1);
    assert_int_equal(facts_eval(f->lib, dl, p, "terms.template_own", &err, &col), 0);
    assert_int_equal(facts_eval(f->lib, dl, p, "risk product.*", &err, &col), 1);
    assert_int_equal(
        facts_eval(f->lib, dl, p, "score == 6 and deployment == on-premises", &err, &col), 1);
    assert_int_equal(facts_eval(f->lib, dl, p, "license == perptual", &err, &col), -1);
    assert_non_null(strstr(err, "'perptual' is not a value of license (did you mean "
                                "'perpetual'?)"));
    assert_int_equal(col, 12);
    free(err);
    assert_int_equal(facts_eval(f->lib, dl, p, "reseller and (", &err, &col), -1);
    assert_int_equal(col, 15);
    free(err);
    /* Templates may ask whether the plan put a clause in a category (to drop
     * an article that would stay empty); a clause's when may not. */
    int has_data = 0;
    for (size_t i = 0; i < p->nitems; i++)
        has_data |= strcmp(p->items[i].category, "data") == 0;
    assert_true(has_data);
    assert_int_equal(facts_eval(f->lib, dl, p, "clauses.data", &err, &col), 1);
    assert_int_equal(facts_eval(f->lib, dl, p, "not clauses.reseller", &err, &col), 1);
    assert_int_equal(facts_eval(f->lib, dl, p, "clauses.dta", &err, &col), -1);
    assert_non_null(strstr(err, "unknown category 'dta' (did you mean 'data'?)"));
    assert_int_equal(col, 1);
    free(err);
    /* One context for the many conditionals of a draft: the same answers,
     * its errors as facts_eval's, and still usable after one. */
    facts_ctx *fc = facts_ctx_new(f->lib, dl, p);
    assert_non_null(fc);
    static const char *const exprs[] = {"tier >= high and document == eula",
                                        "clauses.data",
                                        "customer.kind in [private]",
                                        "license == perptual",
                                        "risk product.*",
                                        "reseller and ("};
    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        char *e1 = NULL, *e2 = NULL;
        int c1 = 0, c2 = 0;
        assert_int_equal(facts_ctx_eval(fc, exprs[i], &e1, &c1),
                         facts_eval(f->lib, dl, p, exprs[i], &e2, &c2));
        assert_int_equal(c1, c2);
        assert_true((e1 == NULL) == (e2 == NULL));
        if (e1)
            assert_string_equal(e1, e2);
        free(e1);
        free(e2);
    }
    facts_ctx_free(fc);
    expr *when = NULL;
    assert_int_equal(expr_parse("clauses.data", &when, &err, &col), 0);
    expr_names names;
    library_expr_names(f->lib, &names, 0);
    assert_int_equal(expr_check(when, &names, &err, &col), -1);
    assert_non_null(strstr(err, "clauses.data can only be tested in a template conditional"));
    free(err);
    expr_free(when);
    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_diags_free(&d);
}

/* A copy of the basic library with a playbook: roles; end-use.basic-purpose
 * with two fallbacks (the second counsel's, only up to the baseline tier);
 * end-use.enhanced-purpose with one; end-use.security-limits not
 * negotiable. */
static clasm_library *library_with_playbook(char *dir)
{
    copy_basic(dir);
    char path[256];
    snprintf(path, sizeof path, "%s/library.yaml", dir);
    FILE *fp = fopen(path, "a");
    assert_non_null(fp);
    fputs("negotiation:\n  roles:\n"
          "    - id: contract-manager\n      title: the contract manager\n"
          "    - id: counsel\n      title: counsel\n"
          "  deviations: counsel\n",
          fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/end-use/basic-purpose.yaml", dir);
    fp = fopen(path, "a");
    assert_non_null(fp);
    fputs("fallbacks:\n"
          "  - version: 1\n    approver: contract-manager\n    note: Room to move.\n"
          "    text: The **Customer** shall use the **Product** mainly for the agreed purpose.\n"
          "  - version: 1\n    approver: counsel\n    max_tier: baseline\n    note: Small deals.\n"
          "    text: The **Customer** may use the **Product** as it sees fit.\n",
          fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/end-use/enhanced-purpose.yaml", dir);
    fp = fopen(path, "a");
    assert_non_null(fp);
    fputs("fallbacks:\n"
          "  - version: 1\n    approver: counsel\n    note: Without the log.\n"
          "    text: The **Customer** shall use the **Product** solely for the authorized "
          "purpose.\n",
          fp);
    fclose(fp);
    snprintf(path, sizeof path, "%s/end-use/security-limits.yaml", dir);
    fp = fopen(path, "a");
    assert_non_null(fp);
    fputs("negotiable: false\n", fp);
    fclose(fp);
    return load_copy(dir);
}

static void rm_dir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The diagnostic with id at line:col of deal.yaml whose message holds part. */
static void expect_at(const clasm_diags *d, const char *id, int line, int col, const char *part)
{
    for (size_t i = 0; i < d->count; i++) {
        const clasm_diag *x = &d->items[i];
        if (strcmp(x->id, id) == 0 && x->line == line && x->column == col &&
            strcmp(x->file, "deal.yaml") == 0 && strstr(x->message, part)) {
            assert_int_equal(x->severity, CLASM_SEV_ERROR);
            return;
        }
    }
    clasm_diags_print(stderr, d);
    fail_msg("no '%s' at deal.yaml:%d:%d saying \"%s\"", id, line, col, part);
}

/* A deal's positions that the library refuses: each at the deal's line and
 * column of the clause id, and no plan. */
static void test_positions_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-positions-XXXXXX";
    clasm_library *lib = library_with_playbook(dir);
    static const char *const risks[] = {"product.biometric"}; /* elevated */
    clasm_deal *dl = deal("contract",
                          KNOWN "positions:\n"                     /* 11 */
                                "  end-use.basic-purpse: 1\n"      /* 12 */
                                "  end-use.security-limits: 1\n"   /* 13 */
                                "  data.localization: 1\n"         /* 14 */
                                "  end-use.basic-purpose: 3\n"     /* 15 */
                                "  end-use.enhanced-purpose: 2\n", /* 16 */
                          risks, 1);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = (clasm_plan *)1;
    assert_int_equal(clasm_select(lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_E_INPUT);
    assert_null(p);
    expect_at(&d, "unknown-clause", 12, 3,
              "positions: the library has no clause 'end-use.basic-purpse' (did you mean "
              "'end-use.basic-purpose'?)");
    expect_at(&d, "not-negotiable", 13, 3,
              "positions: the clause end-use.security-limits (Security Service Limits) is not "
              "negotiable, so the deal can only take its standard text");
    expect_at(&d, "not-negotiable", 14, 3,
              "positions: the clause data.localization (Local Data Storage) has no approved "
              "fallback, so the deal can only take its standard text");
    expect_at(&d, "unknown-fallback", 15, 3,
              "positions: the clause end-use.basic-purpose has 2 approved fallbacks, not 3");
    expect_at(&d, "unknown-fallback", 16, 3,
              "positions: the clause end-use.enhanced-purpose has 1 approved fallback, not 2");
    assert_int_equal(clasm_diags_errors(&d), 5);
    clasm_diags_free(&d);
    clasm_deal_free(dl);

    /* Above the fallback's max_tier. */
    dl = deal("contract", KNOWN "positions: {end-use.basic-purpose: 2}\n", risks, 1);
    clasm_diags_init(&d);
    assert_int_equal(clasm_select(lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_E_INPUT);
    assert_null(p);
    expect_at(&d, "position-not-allowed", 11, 13,
              "positions: fallback 2 of end-use.basic-purpose may not be agreed above the "
              "baseline tier, and this deal is at the elevated tier; draw the standard text or a "
              "fallback allowed there");
    assert_int_equal(clasm_diags_errors(&d), 1);
    clasm_diags_free(&d);
    clasm_deal_free(dl);

    /* At the baseline tier the same fallback is allowed. */
    static const char *const small[] = {"product.analytics"};
    dl = deal("contract", KNOWN "positions: {end-use.basic-purpose: 2}\n", small, 1);
    clasm_diags_init(&d);
    assert_int_equal(clasm_select(lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_string_equal(p->tier, "baseline");
    assert_int_equal(item(p, "end-use.basic-purpose")->position, 2);
    clasm_plan_free(p);
    clasm_diags_free(&d);
    clasm_deal_free(dl);
    clasm_library_free(lib);
    rm_dir(dir);
}

/* The part of a package holding the clasm manifest. */
static const char *manifest_xml(const pkg *p, size_t *len)
{
    for (size_t i = 0; i < pkg_entry_count(p); i++) {
        const char *name = pkg_entry_name(p, i);
        if (strncmp(name, "customXml/item", 14) != 0)
            continue;
        const char *b = (const char *)pkg_bytes(p, name, len);
        if (b && strstr(b, "urn:clasm:manifest:1"))
            return b;
    }
    fail_msg("the draft has no manifest");
    return NULL;
}

/* The start tag of the manifest's entry for clause id, as a string. */
static char *manifest_clause_tag(const char *xml, const char *id)
{
    char open[128];
    snprintf(open, sizeof open, "<clasm:clause id=\"%s\"", id);
    const char *at = strstr(xml, open);
    assert_non_null(at);
    const char *end = strchr(at, '>');
    assert_non_null(end);
    return strndup(at, (size_t)(end - at + 1));
}

/* A valid position: the plan's item has it, the plan shows it, and the
 * draft prints the fallback (compiled or not) and records it. */
static void test_position_drawn(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-positions-XXXXXX";
    clasm_library *lib = library_with_playbook(dir);
    static const char *const risks[] = {"product.biometric"};
    clasm_deal *dl = deal("contract", KNOWN "positions: {end-use.basic-purpose: 1}\n", risks, 1);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_int_equal(clasm_diags_errors(&d), 0);
    assert_int_equal(item(p, "end-use.basic-purpose")->position, 1);
    assert_int_equal(item(p, "definitions.core")->position, 0);

    char *js = clasm_plan_json(p, NULL);
    json_t *j = json_loads(js, 0, NULL);
    assert_non_null(j);
    free(js);
    json_t *cs = json_object_get(j, "clauses");
    int seen = 0;
    for (size_t i = 0; i < json_array_size(cs); i++) {
        json_t *c = json_array_get(cs, i);
        const char *id = json_string_value(json_object_get(c, "id"));
        if (strcmp(id, "end-use.basic-purpose") == 0) {
            assert_int_equal(json_integer_value(json_object_get(c, "position")), 1);
            assert_string_equal(json_string_value(json_object_get(c, "approver")),
                                "contract-manager");
            seen = 1;
        } else {
            assert_null(json_object_get(c, "position"));
            assert_null(json_object_get(c, "approver"));
        }
    }
    assert_true(seen);
    json_decref(j);
    char *buf = NULL;
    size_t blen = 0;
    FILE *out = open_memstream(&buf, &blen);
    clasm_plan_print_text(out, p);
    fclose(out);
    /* Said under the clause: the fallback and who approves it. */
    const char *at = strstr(buf, "[end-use.basic-purpose@1]\n");
    assert_non_null(at);
    const char *next = strstr(at, "uncovered:"); /* after the last clause */
    const char *fb = strstr(at, "fallback 1");
    const char *who = strstr(at, "(the contract manager approves it)");
    assert_true(fb && who && (!next || (fb < next && who < next)));
    free(buf);

    /* The draft: the fallback's words, not the standard's, and the manifest
     * records the position and the playbook. */
    char tpl_path[128];
    snprintf(tpl_path, sizeof tpl_path, "%s/contract.docx", dir);
    size_t zlen = 0;
    unsigned char *z =
        fx_docx("<w:p><w:r><w:t>Agreement with {{ customer.name }}.</w:t></w:r></w:p>"
                "<w:p><w:r><w:t>{{ clauses }}</w:t></w:r></w:p>",
                &zlen);
    assert_non_null(z);
    assert_int_equal(fx_write_file(tpl_path, z, zlen), 0);
    free(z);
    clasm_template *tpl = NULL;
    assert_int_equal(clasm_template_open(tpl_path, &tpl, &d), CLASM_OK);
    unsigned char *bytes = NULL, *again = NULL;
    size_t n = 0, n2 = 0;
    clasm_status st = clasm_assemble_buffer(tpl, lib, dl, p, 0, &bytes, &n, &d);
    if (st != CLASM_OK)
        clasm_diags_print(stderr, &d);
    assert_int_equal(st, CLASM_OK);
    pkg *pk = NULL;
    assert_int_equal(pkg_open_buffer(bytes, n, "draft.docx", &pk, &d), CLASM_OK);
    size_t len = 0;
    const unsigned char *doc = pkg_bytes(pk, "word/document.xml", &len);
    assert_non_null(doc);
    char *text = strndup((const char *)doc, len);
    assert_non_null(strstr(text, "mainly for the agreed purpose"));
    assert_null(strstr(text, "solely for the authorized purpose"));
    free(text);
    const char *man = manifest_xml(pk, &len);
    char *mtext = strndup(man, len);
    char *tag = manifest_clause_tag(mtext, "end-use.basic-purpose");
    assert_non_null(strstr(tag, " position=\"1\""));
    free(tag);
    tag = manifest_clause_tag(mtext, "definitions.core");
    assert_null(strstr(tag, "position="));
    free(tag);
    assert_non_null(strstr(mtext, "<clasm:roles deviations=\"counsel\">"));
    free(mtext);
    pkg_free(pk);

    /* Compiled clauses draw it alike, byte for byte. */
    assert_int_equal(clasm_template_compile(tpl, lib, &d), CLASM_OK);
    assert_int_equal(clasm_assemble_buffer(tpl, lib, dl, p, 0, &again, &n2, &d), CLASM_OK);
    assert_int_equal(n, n2);
    assert_memory_equal(bytes, again, n);
    free(bytes);
    free(again);

    /* Without the position the same deal prints the standard text. */
    clasm_plan_free(p);
    clasm_deal_free(dl);
    dl = deal("contract", KNOWN, risks, 1);
    assert_int_equal(clasm_select(lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_int_equal(clasm_assemble_buffer(tpl, lib, dl, p, 0, &bytes, &n, &d), CLASM_OK);
    assert_int_equal(pkg_open_buffer(bytes, n, "draft.docx", &pk, &d), CLASM_OK);
    doc = pkg_bytes(pk, "word/document.xml", &len);
    text = strndup((const char *)doc, len);
    assert_null(strstr(text, "mainly for the agreed purpose"));
    assert_non_null(strstr(text, "solely for the authorized purpose"));
    free(text);
    pkg_free(pk);
    free(bytes);
    assert_int_equal(clasm_diags_errors(&d), 0);

    clasm_template_free(tpl);
    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_diags_free(&d);
    clasm_library_free(lib);
    rm_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reasons_and_requires),
        cmocka_unit_test(test_replaces_at_high_tier),
        cmocka_unit_test(test_excludes_conflict),
        cmocka_unit_test(test_tier_thresholds),
        cmocka_unit_test(test_coverage_per_document),
        cmocka_unit_test(test_escalate),
        cmocka_unit_test(test_when_uses_deal_facts),
        cmocka_unit_test(test_unknown_deal_risk),
        cmocka_unit_test(test_order_is_stable),
        cmocka_unit_test(test_flow_down),
        cmocka_unit_test(test_json_shape),
        cmocka_unit_test(test_missing_list),
        cmocka_unit_test(test_because_cases),
        cmocka_unit_test(test_facts_eval),
        cmocka_unit_test(test_positions_refused),
        cmocka_unit_test(test_position_drawn),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
