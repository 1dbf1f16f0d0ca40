/* Suggested risks: the catalogue's suggest_when read and checked when the
 * library loads (every mistake at its place), a deal's dismissals read, and
 * selection telling each suggestion's decision: listed (accepted),
 * dismissed with its reason and who decided, or undecided (a warning). */
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
#include "library.h"
#include "plan.h"

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

/* The basic fixture library, in a folder of its own, with these lines
 * added after the risk product.biometric and end-user.security-service. */
typedef struct {
    char dir[64];
    clasm_library *lib;
} fixture;

/* The same with a countries.yaml of this text (NULL: none). */
static clasm_status make_library_with(fixture *f, const char *biometric, const char *security,
                                      const char *countries, clasm_diags *d);

static clasm_status make_library(fixture *f, const char *biometric, const char *security,
                                 clasm_diags *d)
{
    return make_library_with(f, biometric, security, NULL, d);
}

static clasm_status make_library_with(fixture *f, const char *biometric, const char *security,
                                      const char *countries, clasm_diags *d)
{
    strcpy(f->dir, "/tmp/clasm-suggest-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cp -R %s/basic/. %s/", FIXTURES, f->dir);
    assert_int_equal(system(cmd), 0);
    char path[128];
    snprintf(path, sizeof path, "%s/risks.yaml", f->dir);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    /* Each insertion goes after its risk's guidance line. */
    const char *b = strstr(text, "    guidance: \"Product capabilities\"\n");
    const char *s = strstr(text, "    guidance: \"End-user record\"\n");
    assert_non_null(b);
    assert_non_null(s);
    const char *b_end = strchr(b, '\n') + 1, *s_end = strchr(s, '\n') + 1;
    fwrite(text, 1, (size_t)(b_end - text), out);
    fputs(biometric, out);
    fwrite(b_end, 1, (size_t)(s_end - b_end), out);
    fputs(security, out);
    fputs(s_end, out);
    fclose(out);
    if (countries) {
        snprintf(path, sizeof path, "%s/countries.yaml", f->dir);
        out = fopen(path, "w");
        assert_non_null(out);
        fputs(countries, out);
        fclose(out);
    }
    return clasm_library_load(f->dir, &f->lib, d);
}

static void drop_library(fixture *f)
{
    clasm_library_free(f->lib);
    f->lib = NULL;
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *const good_biometric =
    "    suggest_when: 'capabilities contains biometric-identification'\n"
    "    suggest_reason: the product identifies people from their faces\n";
static const char *const good_security = "    suggest_when: customer.kind == security-service\n"
                                         "    suggest_reason: the customer is a security service\n";

static const clasm_diag *find(const clasm_diags *d, const char *id)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0)
            return &d->items[i];
    return NULL;
}

static void test_library_reads_suggestions(void **state)
{
    (void)state;
    fixture f;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(make_library(&f, good_biometric, good_security, &d), CLASM_OK);
    const lib_risk *r = library_risk(f.lib, "product.biometric");
    assert_non_null(r->suggest);
    assert_string_equal(r->suggest_reason, "the product identifies people from their faces");
    assert_null(library_risk(f.lib, "product.analytics")->suggest);
    drop_library(&f);
    clasm_diags_free(&d);
}

static void test_library_refuses_bad_suggestions(void **state)
{
    (void)state;
    fixture f;
    clasm_diags d;
    clasm_diags_init(&d);
    /* A tier (which follows from the risks chosen), a reason alone, a
     * condition without its reason, and one that does not parse. */
    assert_int_equal(make_library(&f,
                                  "    suggest_when: tier >= high\n"
                                  "    suggest_reason: high\n",
                                  "    suggest_reason: no condition\n", &d),
                     CLASM_E_INPUT);
    const clasm_diag *x = find(&d, "unknown-name");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "product.biometric.suggest_when: "));
    assert_non_null(strstr(x->message, "not its tier, score or document"));
    assert_int_equal(x->line, 27);
    x = find(&d, "reason-without-suggest");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "there is no suggest_when"));
    drop_library(&f);
    clasm_diags_free(&d);

    clasm_diags_init(&d);
    assert_int_equal(make_library(&f, "    suggest_when: 'reseller and'\n",
                                  "    suggest_when: customer.kind == spy\n"
                                  "    suggest_reason: x\n",
                                  &d),
                     CLASM_E_INPUT);
    x = find(&d, "suggest-without-reason");
    assert_non_null(x);
    assert_int_equal(x->line, 27);
    x = find(&d, "bad-expression");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "at column"));
    x = find(&d, "unknown-name");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "end-user.security-service.suggest_when"));
    drop_library(&f);
    clasm_diags_free(&d);
}

/* A deal whose customer is a security service buying face recognition;
 * extra goes at the end (risks, dismissed). */
static clasm_deal *deal_with(const char *extra, clasm_diags *d)
{
    char text[2048];
    snprintf(text, sizeof text,
             "id: T-1\n"
             "documents: [contract]\n"
             "date: 2026-11-27\n"
             "seller: { name: Seller Inc }\n"
             "customer: { name: Agency, country: AE, kind: security-service }\n"
             "product: { name: Eye, capabilities: [biometric-identification] }\n"
             "deployment: on-premises\n"
             "license: perpetual\n"
             "end_use: known\n"
             "terms: { cure_period_days: 30 }\n"
             "%s",
             extra);
    clasm_deal *out = NULL;
    clasm_deal_load_string(text, strlen(text), "deal.yaml", &out, d);
    return out;
}

static void test_select_decisions(void **state)
{
    (void)state;
    fixture f;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(make_library(&f, good_biometric, good_security, &d), CLASM_OK);

    /* Neither listed nor dismissed: both undecided, warned. */
    clasm_deal *dl = deal_with("risks: []\n", &d);
    assert_non_null(dl);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(f.lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_int_equal(p->nsuggestions, 2);
    assert_string_equal(p->suggestions[0].risk, "product.biometric");
    assert_int_equal(p->suggestions[0].decision, SUGGEST_UNDECIDED);
    assert_int_equal(p->suggestions[1].decision, SUGGEST_UNDECIDED);
    assert_int_equal(clasm_diags_warnings(&d), 2);
    const clasm_diag *w = find(&d, "risk-suggested");
    assert_non_null(w);
    assert_string_equal(w->message,
                        "the deal's facts suggest the risk 'product.biometric' (Biometric "
                        "identification): the product identifies people from their faces; list it "
                        "under risks, or dismiss it under dismissed with a reason and who decided");
    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_diags_free(&d);

    /* One listed, one dismissed, and a dismissal the facts do not suggest:
     * no warning, every decision on record. */
    clasm_diags_init(&d);
    dl = deal_with("risks: [product.biometric]\n"
                   "dismissed:\n"
                   "  - risk: end-user.security-service\n"
                   "    reason: a customs unit, not an intelligence service\n"
                   "    by: Ana Reyes, compliance office\n"
                   "    date: 2026-11-20\n"
                   "  - risk: regime.weak-oversight\n"
                   "    reason: courts review each warrant\n"
                   "    by: Ana Reyes\n"
                   "    date: 2026-11-20\n",
                   &d);
    assert_non_null(dl);
    assert_int_equal(dl->ndismissed, 2);
    assert_int_equal(dl->dismissed[0].line, 13);
    assert_int_equal(clasm_select(f.lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    /* The dismissals keep a deal of score 4 from 11, the severe tier that
     * escalates: counsel must confirm them. */
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "dismissal-avoids-escalation");
    assert_string_equal(d.items[0].message,
                        "with the risks it dismisses the deal would score 11, tier 'severe', which "
                        "escalates to counsel; the dismissals keep it at 'elevated': counsel must "
                        "confirm each one (confirmed_by), and 2 of 2 are not confirmed");
    assert_int_equal(d.items[0].line, 13);
    assert_int_equal(p->score_with_dismissed, 11);
    assert_string_equal(p->tier_with_dismissed_id, "severe");
    assert_int_equal(p->nsuggestions, 3);
    assert_int_equal(p->suggestions[0].decision, SUGGEST_ACCEPTED);
    assert_null(p->suggestions[0].by);
    assert_int_equal(p->suggestions[1].decision, SUGGEST_DISMISSED);
    assert_string_equal(p->suggestions[1].dismissal, "a customs unit, not an intelligence service");
    assert_string_equal(p->suggestions[1].by, "Ana Reyes, compliance office");
    assert_string_equal(p->suggestions[1].date, "2026-11-20");
    assert_null(p->suggestions[1].confirmed_by);
    assert_int_equal(p->suggestions[1].suggested, 1);
    assert_string_equal(p->suggestions[2].risk, "regime.weak-oversight");
    assert_int_equal(p->suggestions[2].suggested, 0);
    assert_int_equal(p->suggestions[2].decision, SUGGEST_DISMISSED);
    char *json = clasm_plan_json(p, NULL);
    assert_non_null(strstr(json, "\"suggestions\": [\n    {\n      \"risk\": "
                                 "\"product.biometric\",\n"));
    assert_non_null(strstr(json, "\"decision\": \"dismissed\",\n      \"dismissal\": \"a customs "
                                 "unit, not an intelligence service\",\n      \"by\": \"Ana "
                                 "Reyes, compliance office\",\n      \"date\": \"2026-11-20\",\n"
                                 "      \"confirmed_by\": null\n"));
    assert_non_null(strstr(json, "  \"score_with_dismissed\": 11,\n  \"tier_with_dismissed\": "
                                 "\"severe\""));
    free(json);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    clasm_plan_print_text(out, p);
    fclose(out);
    assert_non_null(strstr(buf, "suggested risks:\n  Biometric identification  "
                                "[product.biometric]: accepted (listed under risks)\n"
                                "      suggested because: the product identifies people from "
                                "their faces\n"));
    assert_non_null(strstr(buf, "      not suggested by this deal's facts\n"
                                "      dismissed by Ana Reyes on 2026-11-20: courts review each "
                                "warrant\n"));
    assert_non_null(strstr(buf, "with the dismissed risks: score 11, tier severe\n"));
    free(buf);
    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_diags_free(&d);

    /* Confirmed by counsel, each: no warning; one unconfirmed is enough
     * for it. */
    static const char *const confirmations[2][2] = {{"Dee Okafor, counsel", "Dee Okafor, counsel"},
                                                    {"Dee Okafor, counsel", NULL}};
    for (int k = 0; k < 2; k++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "risks: [product.biometric]\n"
                 "dismissed:\n"
                 "  - risk: end-user.security-service\n"
                 "    reason: a customs unit\n"
                 "    by: Ana Reyes\n"
                 "    date: 2026-11-20\n"
                 "    confirmed_by: %s\n"
                 "  - risk: regime.weak-oversight\n"
                 "    reason: courts review each warrant\n"
                 "    by: Ana Reyes\n"
                 "    date: 2026-11-21\n"
                 "%s%s%s",
                 confirmations[k][0], confirmations[k][1] ? "    confirmed_by: " : "",
                 confirmations[k][1] ? confirmations[k][1] : "", confirmations[k][1] ? "\n" : "");
        clasm_diags_init(&d);
        dl = deal_with(text, &d);
        assert_non_null(dl);
        assert_int_equal(clasm_select(f.lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
        assert_int_equal(d.count, (size_t)k);
        if (k == 1)
            assert_non_null(strstr(d.items[0].message, "and 1 of 2 are not confirmed"));
        assert_string_equal(p->suggestions[1].confirmed_by, "Dee Okafor, counsel");
        clasm_plan_free(p);
        clasm_deal_free(dl);
        clasm_diags_free(&d);
    }
    drop_library(&f);
}

static void test_select_refuses_bad_dismissals(void **state)
{
    (void)state;
    fixture f;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(make_library(&f, good_biometric, good_security, &d), CLASM_OK);
    clasm_deal *dl = deal_with("risks: [product.biometric]\n"
                               "dismissed:\n"
                               "  - risk: product.biometric\n"
                               "    reason: r\n"
                               "    by: b\n"
                               "    date: 2026-11-20\n"
                               "  - risk: end-user.security-servce\n"
                               "    reason: r\n"
                               "    by: b\n"
                               "    date: 2026-11-20\n",
                               &d);
    assert_non_null(dl);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(f.lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_E_INPUT);
    assert_null(p);
    const clasm_diag *x = find(&d, "dismissed-and-listed");
    assert_non_null(x);
    assert_string_equal(x->message, "dismissed[0]: 'product.biometric' is also listed under risks "
                                    "(line 11); a risk is either carried or dismissed, not both");
    assert_int_equal(x->line, 13);
    x = find(&d, "unknown-risk");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "dismissed[1]: 'end-user.security-servce' is not a risk"));
    assert_non_null(strstr(x->message, "did you mean 'end-user.security-service'?"));
    clasm_deal_free(dl);
    clasm_diags_free(&d);
    drop_library(&f);
}

static void test_deal_refuses_bad_dismissals(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *dl = deal_with("dismissed:\n"
                               "  - risk: product.biometric\n"
                               "    reason: ''\n"
                               "    by: b\n"
                               "    date: 2026-11-20\n"
                               "  - risk: product.analytics\n"
                               "    by: b\n"
                               "    date: 2026-11-20\n"
                               "  - risk: product.biometric\n"
                               "    reason: again\n"
                               "    by: b\n"
                               "    date: 2026-11-20\n"
                               "  - risk: regime.weak-oversight\n"
                               "    reason: r\n"
                               "    by: b\n"
                               "    date: 2026-11-20\n"
                               "    when: 2026-12-01\n",
                               &d);
    assert_null(dl);
    const clasm_diag *x = find(&d, "missing-value");
    assert_non_null(x);
    assert_string_equal(x->message, "dismissed[0].reason is empty: a dismissal records which risk, "
                                    "why it does not apply and who decided");
    x = find(&d, "missing-key");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "dismissed[1].reason"));
    assert_non_null(find(&d, "unknown-key"));
    /* The first dismissal was refused, so the third is no duplicate; two
     * kept entries for one risk would be. */
    assert_null(find(&d, "duplicate-dismissal"));
    clasm_diags_free(&d);

    clasm_diags_init(&d);
    dl = deal_with("dismissed:\n"
                   "  - risk: product.biometric\n"
                   "    reason: r\n"
                   "    by: b\n"
                   "    date: 2026-11-20\n"
                   "  - risk: product.biometric\n"
                   "    reason: again\n"
                   "    by: c\n"
                   "    date: 2026-11-20\n",
                   &d);
    assert_null(dl);
    x = find(&d, "duplicate-dismissal");
    assert_non_null(x);
    assert_string_equal(x->message, "dismissed: 'product.biometric' is dismissed twice (first at "
                                    "line 12); keep one reason");
    assert_int_equal(x->line, 16);
    clasm_diags_free(&d);

    clasm_diags_init(&d);
    dl = deal_with("dismissed:\n"
                   "  - risk: product.biometric\n"
                   "    reason: r\n"
                   "    by: b\n"
                   "    date: 2026-02-30\n",
                   &d);
    assert_null(dl);
    x = find(&d, "invalid-date");
    assert_non_null(x);
    assert_string_equal(x->message, "dismissed[0].date: '2026-02-30' is not a date; write the day "
                                    "of the decision as YYYY-MM-DD");
    clasm_diags_free(&d);

    /* Screening decisions and end users: each mistake named. */
    clasm_diags_init(&d);
    dl = deal_with("end_users:\n"
                   "  - name: ''\n"
                   "  - name: Harbor Ltd\n"
                   "    country: XD\n"
                   "screening:\n"
                   "  - party: customer\n"
                   "    entry: '77'\n"
                   "    decision: maybe\n"
                   "    reason: r\n"
                   "    by: b\n"
                   "    date: 2026-12-01\n"
                   "  - party: customer\n"
                   "    entry: '78'\n"
                   "    decision: cleared\n"
                   "    reason: r\n"
                   "    by: b\n"
                   "    date: 1.12.2026\n"
                   "  - party: customer\n"
                   "    decision: cleared\n"
                   "    reason: r\n"
                   "    by: b\n"
                   "    date: 2026-12-01\n",
                   &d);
    assert_null(dl);
    x = find(&d, "empty-value");
    assert_non_null(x);
    assert_string_equal(x->message, "end_users[0].name is empty");
    x = find(&d, "invalid-value");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "screening[0].decision"));
    x = find(&d, "invalid-date");
    assert_non_null(x);
    assert_string_equal(x->message, "screening[1].date: '1.12.2026' is not a date; write the day "
                                    "of the decision as YYYY-MM-DD");
    x = find(&d, "missing-key");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "screening[2].entry"));
    clasm_diags_free(&d);

    clasm_diags_init(&d);
    dl = deal_with("dismissed: product.biometric\n", &d);
    assert_null(dl);
    assert_non_null(find(&d, "wrong-type"));
    clasm_diags_free(&d);
}

/* Country profiles: AE with a data-localization law and two export
 * groups, DE without. */
static const char *const good_countries =
    "max_age_months: 5\n"
    "facts:\n"
    "  data_localization_law:\n"
    "    kind: flag\n"
    "    description: Data must stay in the country.\n"
    "  country_groups:\n"
    "    kind: list\n"
    "    description: Export groups.\n"
    "    values: [B, D:1, D:5, E:1]\n"
    "countries:\n"
    "  AE:\n"
    "    data_localization_law: {value: true, source: Counsel's note 12, as_of: 2026-10-01}\n"
    "    country_groups: {value: [B, D:5], source: EAR Supp. 1 to part 740, as_of: "
    "2026-03-01}\n"
    "  DE:\n"
    "    data_localization_law: {value: false, source: Counsel's note 7, as_of: 2026-10-01}\n";

static void test_country_profiles_suggest(void **state)
{
    (void)state;
    fixture f;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(make_library_with(&f,
                                       "    suggest_when: customer.country.data_localization_law\n"
                                       "    suggest_reason: the law keeps data in the country\n",
                                       "    suggest_when: 'customer.country.country_groups "
                                       "contains D:5 or reseller.country.country_groups "
                                       "contains E:1'\n"
                                       "    suggest_reason: an arms-embargoed destination\n",
                                       good_countries, &d),
                     CLASM_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(f.lib->countries.nprofiles, 2);
    /* AE: both suggested (a flag that is true, a list that holds D:5). */
    clasm_deal *dl = deal_with("risks: []\n", &d);
    clasm_plan *p = NULL;
    assert_int_equal(clasm_select(f.lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
    assert_int_equal(p->nsuggestions, 2);
    assert_string_equal(p->suggestions[0].reason, "the law keeps data in the country");
    clasm_plan_free(p);
    clasm_deal_free(dl);
    clasm_diags_free(&d);
    /* DE: a flag that is false, no groups; a country without a profile
     * suggests nothing either. */
    static const char *const others[] = {"DE", "FR"};
    for (int i = 0; i < 2; i++) {
        char extra[128];
        snprintf(extra, sizeof extra, "risks: []\n");
        clasm_diags_init(&d);
        dl = deal_with(extra, &d);
        dl->customer.country = others[i];
        assert_int_equal(clasm_select(f.lib, dl, CLASM_DOC_CONTRACT, &p, &d), CLASM_OK);
        assert_int_equal(p->nsuggestions, 0);
        clasm_plan_free(p);
        clasm_deal_free(dl);
        clasm_diags_free(&d);
    }

    /* lint: a fact older than max_age_months, and one after today. */
    clasm_diags_init(&d);
    clasm_lint_options opt = {0, 0, "2026-09-15"};
    clasm_lint_report *report = NULL;
    clasm_lint(f.dir, &opt, &report, &d);
    const clasm_diag *x = find(&d, "country-fact-stale");
    assert_non_null(x);
    assert_string_equal(x->message,
                        "countries.AE.country_groups was last checked on 2026-03-01, "
                        "6 months ago (more than the 5 of max_age_months): check it "
                        "against its source (EAR Supp. 1 to part 740) and update as_of");
    x = find(&d, "country-fact-future");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "countries.AE.data_localization_law: as_of 2026-10-01 is "
                                       "after today (2026-09-15)"));
    clasm_lint_report_free(report);
    clasm_diags_free(&d);
    clasm_diags_init(&d);
    opt.today = "2026-08-01"; /* exactly five months: not yet stale */
    clasm_lint(f.dir, &opt, &report, &d);
    assert_null(find(&d, "country-fact-stale"));
    clasm_lint_report_free(report);
    clasm_diags_free(&d);
    drop_library(&f);
}

static void test_country_profiles_refused(void **state)
{
    (void)state;
    fixture f;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(
        make_library_with(&f,
                          "    suggest_when: customer.country.country_group contains B\n"
                          "    suggest_reason: r\n",
                          "",
                          "facts:\n"
                          "  data_localization_law: {kind: flag, description: d, values: [a]}\n"
                          "  country_groups: {kind: list, description: g, values: [B, D:5]}\n"
                          "  Bad-Name: {kind: flag, description: x}\n"
                          "  odd: {kind: switch, description: x}\n"
                          "countries:\n"
                          "  AE:\n"                                                         /* 6 */
                          "    country_group: {value: [B], source: s, as_of: 2026-01-01}\n" /* 8 */
                          "    country_groups: {value: [B, D5], source: s, as_of: 2026-02-30}\n"
                          "  QQ:\n" /* 10 */
                          "    country_groups: {value: [B], source: '', as_of: 2026-01-01}\n"
                          "  DE:\n"
                          "    country_groups: {value: [B], as_of: 2026-01-01}\n",
                          &d),
        CLASM_E_INPUT);
    const clasm_diag *x = find(&d, "values-not-list");
    assert_non_null(x);
    assert_int_equal(x->line, 2);
    assert_non_null(find(&d, "invalid-id"));
    assert_non_null(strstr(find(&d, "invalid-value")->message, "kind"));
    x = find(&d, "unknown-fact");
    assert_non_null(x);
    assert_string_equal(x->message, "countries.AE.country_group: no such fact is declared under "
                                    "facts; did you mean country_groups");
    assert_int_equal(x->line, 8);
    int saw_item = 0, saw_date = 0;
    for (size_t i = 0; i < d.count; i++) {
        saw_item |= strstr(d.items[i].message, "'D5' is not one of the values facts.country_groups "
                                               "declares; did you mean 'D:5'?") != NULL;
        saw_date |= strcmp(d.items[i].id, "invalid-date") == 0 && d.items[i].line == 9;
    }
    assert_true(saw_item);
    assert_true(saw_date);
    x = find(&d, "unknown-country");
    assert_non_null(x);
    assert_int_equal(x->line, 10);
    assert_non_null(strstr(find(&d, "missing-key")->message, "countries.DE.country_groups.source"));
    /* The suggestion's misspelt fact, with the name it meant. */
    x = find(&d, "unknown-name");
    assert_non_null(x);
    assert_non_null(strstr(x->message, "customer.country.country_groups"));
    drop_library(&f);
    clasm_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_reads_suggestions),
        cmocka_unit_test(test_library_refuses_bad_suggestions),
        cmocka_unit_test(test_select_decisions),
        cmocka_unit_test(test_select_refuses_bad_dismissals),
        cmocka_unit_test(test_deal_refuses_bad_dismissals),
        cmocka_unit_test(test_country_profiles_suggest),
        cmocka_unit_test(test_country_profiles_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
