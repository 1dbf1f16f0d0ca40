/* Values as drafts write them (values.c, isocodes.c): dates, number words,
 * periods, amounts, lists, ISO countries and currencies from iso-codes with
 * their suggestions, the display text of every placeholder path, the
 * library's defaults, the checks of a deal's values and term keys, and the
 * errors of library.yaml's new settings, each at its line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deal.h"
#include "isocodes.h"
#include "library.h"
#include "plan.h"
#include "values.h"

/* ------------------------------------------------------------ helpers */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char RISKS[] = "areas:\n"
                            "  - {id: product, title: Product}\n"
                            "tiers:\n"
                            "  - {id: baseline, min_score: 0}\n"
                            "  - {id: high, min_score: 5}\n"
                            "risks:\n"
                            "  - id: product.x\n"
                            "    area: product\n"
                            "    title: X\n"
                            "    description: X.\n"
                            "    weight: 1\n"
                            "    guidance: g\n";

/* Settings used by most tests: every value has words. */
static const char SETTINGS[] =
    "categories:\n"                       /* 1 */
    "  - {id: general, title: General}\n" /* 2 */
    "terms:\n"                            /* 3 */
    "  cure_period_days:\n"               /* 4 */
    "    {description: d, example: 30, kind: days, default: 30}\n"
    "  review_months:\n" /* 6 */
    "    {description: d, example: 12, kind: months}\n"
    "  fees:\n" /* 8 */
    "    {description: d, example: 1, kind: amount, currency: currency}\n"
    "  currency:\n" /* 10 */
    "    {description: d, example: USD, kind: currency, default: USD}\n"
    "  signed_on:\n" /* 12 */
    "    {description: d, example: 2026-01-01, kind: date}\n"
    "  venue:\n" /* 14 */
    "    {description: d, example: DE, kind: country}\n"
    "  site:\n" /* 16 */
    "    {description: d, example: https://x.example, kind: url}\n"
    "  mail:\n" /* 18 */
    "    {description: d, example: a@x.example, kind: email}\n"
    "  law:\n" /* 20 */
    "    {description: d, example: NY, default: State of New York}\n"
    "  count:\n" /* 22 */
    "    {description: d, example: 3, kind: number}\n"
    "values:\n"                     /* 24 */
    "  date_format: MMMM D, YYYY\n" /* 25 */
    "  periods: words-and-digits\n" /* 26 */
    "  empty_list: no listed capabilities\n"
    "  countries: {XA: Republic of Valmora}\n" /* 28 */
    "  words:\n"                               /* 29 */
    "    document: {contract: Master Agreement, eula: EULA text, reseller-agreement: RA, "
    "addendum: AD}\n"
    "    customer.kind: {government-agency: a government agency, security-service: a security "
    "service, state-linked: a state enterprise, private: a private company}\n"
    "    deployment: {cloud: as a hosted service, on-premises: on site, hybrid: both ways}\n"
    "    license: {perpetual: a perpetual license, subscription: a subscription}\n"
    "    end_use: {known: stated, unknown: not stated}\n"
    "    capabilities: {face-recognition: face recognition, data-analytics: data analytics, "
    "interception: interception of communications}\n";

typedef struct {
    char dir[64];
    clasm_library *lib;
    clasm_diags diags;
    clasm_status status;
} libfix;

/* Writes a library with settings as library.yaml (and clause, when not
 * NULL, as general/c.yaml) and loads it. */
static void load_lib(libfix *f, const char *settings, const char *clause)
{
    snprintf(f->dir, sizeof f->dir, "/tmp/clasm-values-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char p[128];
    snprintf(p, sizeof p, "%s/library.yaml", f->dir);
    write_file(p, settings);
    snprintf(p, sizeof p, "%s/risks.yaml", f->dir);
    write_file(p, RISKS);
    snprintf(p, sizeof p, "%s/general", f->dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/general/c.yaml", f->dir);
    write_file(p, clause ? clause
                         : "id: general.c\nversion: 1\ntitle: C\ncategory: general\n"
                           "documents: [contract, eula, reseller-agreement]\n"
                           "addresses: [product.x]\ntext: Text.\n");
    clasm_diags_init(&f->diags);
    f->status = library_load_all(f->dir, &f->lib, &f->diags);
}

static void free_lib(libfix *f)
{
    clasm_library_free(f->lib);
    clasm_diags_free(&f->diags);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
}

/* The first diagnostic with id, or NULL. */
static const clasm_diag *find_diag(const clasm_diags *d, const char *id)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0)
            return &d->items[i];
    return NULL;
}

/* Fails unless diags has id at line:col whose message holds text. */
static void expect_diag(const clasm_diags *d, const char *id, int line, int col, const char *text)
{
    for (size_t i = 0; i < d->count; i++) {
        const clasm_diag *g = &d->items[i];
        if (strcmp(g->id, id) == 0 && g->line == line && g->column == col &&
            (!text || strstr(g->message, text)))
            return;
    }
    clasm_diags_print(stderr, d);
    fail_msg("no %s at %d:%d with \"%s\"", id, line, col, text ? text : "");
}

/* A deal: lines 1-9 fixed (country on line 5 at column 35), line 10 the
 * reseller when asked, then terms from line 11 (line 10 without reseller
 * gives "terms:" on line 10 and the first term on line 11). */
typedef struct {
    const char *country; /* NULL: XA */
    int caps;            /* three capabilities, else [] */
    int reseller;        /* a reseller in DE */
} deal_opts;

static clasm_deal *load_deal_opts(deal_opts o, const char *terms, clasm_diags *d)
{
    char text[4096];
    snprintf(text, sizeof text,
             "id: T-1\n"                                              /* 1 */
             "documents: [contract]\n"                                /* 2 */
             "date: 2026-11-27\n"                                     /* 3 */
             "seller: {name: Seller Inc}\n"                           /* 4 */
             "customer: {name: Agency, country: %s, kind: private}\n" /* 5 */
             "product: {name: Eye, capabilities: %s}\n"               /* 6 */
             "deployment: cloud\n"                                    /* 7 */
             "license: subscription\n"                                /* 8 */
             "end_use: unknown\n"                                     /* 9 */
             "%s"
             "terms:\n%s",
             o.country ? o.country : "XA",
             o.caps ? "[face-recognition, data-analytics, interception]" : "[]",
             o.reseller ? "reseller: {name: Res GmbH, country: DE}\n" : "",
             terms ? terms : "  fees: 48000\n");
    clasm_deal *deal = NULL;
    clasm_status s = clasm_deal_load_string(text, strlen(text), "deal.yaml", &deal, d);
    if (s != CLASM_OK) {
        clasm_diags_print(stderr, d);
        fail_msg("the test deal does not load");
    }
    return deal;
}

static clasm_deal *load_deal(const char *terms, clasm_diags *d)
{
    deal_opts o = {NULL, 0, 0};
    return load_deal_opts(o, terms, d);
}

static char *show(const libfix *f, const clasm_deal *deal, const clasm_plan *plan, const char *path)
{
    char *text = NULL;
    clasm_diags why;
    clasm_diags_init(&why);
    value_status s = values_display(f->lib, deal, plan, path, &text, &why);
    if (s != VALUE_OK) {
        clasm_diags_print(stderr, &why);
        fail_msg("%s: status %d", path, (int)s);
    }
    clasm_diags_free(&why);
    return text;
}

#define EXPECT_SHOW(f, deal, plan, path, want)                                                     \
    do {                                                                                           \
        char *got_ = show(f, deal, plan, path);                                                    \
        assert_string_equal(got_, want);                                                           \
        free(got_);                                                                                \
    } while (0)

/* ------------------------------------------------------------ formatting */

static void test_dates(void **state)
{
    (void)state;
    const struct {
        const char *iso, *fmt, *want;
    } cases[] = {
        {"2026-11-27", "D MMMM YYYY", "27 November 2026"},
        {"2026-11-27", "MMMM D, YYYY", "November 27, 2026"},
        {"2026-01-05", "DD/MM/YYYY", "05/01/2026"},
        {"2026-01-05", "D.M.YYYY", "5.1.2026"},
        {"2024-02-29", "D MMMM YYYY", "29 February 2024"},
        {"2026-03-01", NULL, "1 March 2026"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = values_format_date(cases[i].iso, cases[i].fmt);
        assert_non_null(s);
        assert_string_equal(s, cases[i].want);
        free(s);
    }
    assert_null(values_format_date("2026-02-29", "D MMMM YYYY"));
    assert_null(values_format_date("2026-13-01", "D MMMM YYYY"));
    assert_null(values_format_date("27 November 2026", "D MMMM YYYY"));
    const char *why;
    assert_int_equal(values_check_date_format("D MMMM YYYY", &why), 0);
    assert_int_equal(values_check_date_format("MMMM D, YYYY", &why), 0);
    assert_int_equal(values_check_date_format("D MMMM", &why), -1);
    assert_non_null(strstr(why, "exactly one year"));
    assert_int_equal(values_check_date_format("D MMM YYYY", &why), -1); /* MM + M */
    assert_int_equal(values_check_date_format("Do MMMM YYYY", &why), -1);
    assert_non_null(strstr(why, "letter"));
    assert_int_equal(values_check_date_format("", &why), -1);
}

static void test_number_words(void **state)
{
    (void)state;
    const struct {
        unsigned long n;
        const char *want;
    } cases[] = {{0, "zero"},
                 {1, "one"},
                 {5, "five"},
                 {15, "fifteen"},
                 {20, "twenty"},
                 {21, "twenty-one"},
                 {45, "forty-five"},
                 {100, "one hundred"},
                 {180, "one hundred eighty"},
                 {365, "three hundred sixty-five"},
                 {1000, "one thousand"},
                 {1001, "one thousand one"},
                 {36500, "thirty-six thousand five hundred"},
                 {999999, "nine hundred ninety-nine thousand nine hundred ninety-nine"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = values_number_words(cases[i].n);
        assert_non_null(s);
        assert_string_equal(s, cases[i].want);
        free(s);
    }
    assert_null(values_number_words(1000000));
}

static void test_periods(void **state)
{
    (void)state;
    char *s = values_format_period("30", "day", 36500, 0);
    assert_string_equal(s, "thirty (30) days");
    free(s);
    s = values_format_period("1", "day", 36500, 0);
    assert_string_equal(s, "one (1) day");
    free(s);
    s = values_format_period("30", "day", 36500, 1);
    assert_string_equal(s, "30 days");
    free(s);
    s = values_format_period("1", "month", 1200, 1);
    assert_string_equal(s, "1 month");
    free(s);
    s = values_format_period("0", "day", 36500, 0);
    assert_string_equal(s, "zero (0) days");
    free(s);
    const char *bad[] = {"thirty", "030", "-5", "36501", "3.5", "", " 30", "30 days"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(values_format_period(bad[i], "day", 36500, 0));
}

static void test_amounts(void **state)
{
    (void)state;
    const struct {
        const char *in, *cur, *want;
    } ok[] = {{"1250000", "USD", "USD 1,250,000"},
              {"1,250,000", "USD", "USD 1,250,000"},
              {"48000.50", "EUR", "EUR 48,000.50"},
              {"999", "JPY", "JPY 999"},
              {"0", "USD", "USD 0"},
              {"1000.125", "BHD", "BHD 1,000.125"},
              {"123456789012345", "USD", "USD 123,456,789,012,345"}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *s = values_format_amount(ok[i].in, ok[i].cur);
        assert_non_null(s);
        assert_string_equal(s, ok[i].want);
        free(s);
    }
    const char *bad[] = {"1,25,000", "12,3456", ",100",   "1.2345",           "abc",
                         "",         "01",      "1 000",  "1234567890123456", "1,000,",
                         "1.",       "-5",      "1,0000", "USD 100"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (values_format_amount(bad[i], "USD"))
            fail_msg("'%s' was taken for an amount", bad[i]);
}

static void test_join(void **state)
{
    (void)state;
    const char *v[] = {"a", "b", "c"};
    char *s = values_join(v, 0, "none");
    assert_string_equal(s, "none");
    free(s);
    s = values_join(v, 1, "none");
    assert_string_equal(s, "a");
    free(s);
    s = values_join(v, 2, "none");
    assert_string_equal(s, "a and b");
    free(s);
    s = values_join(v, 3, "none");
    assert_string_equal(s, "a, b and c");
    free(s);
}

/* ------------------------------------------------------------ iso-codes */

static void test_iso(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    iso_codes *iso = NULL;
    assert_int_equal(iso_codes_load(&iso, &d), CLASM_OK);
    assert_true(iso->ncountries >= 240);
    assert_true(iso->ncurrencies >= 150);
    const struct {
        const char *code, *name;
    } names[] = {{"DE", "Germany"},
                 {"GB", "United Kingdom"},
                 {"BO", "Bolivia"},
                 {"KR", "South Korea"},
                 {"FM", "Federated States of Micronesia"},
                 {"PS", "State of Palestine"},
                 {"CD", "The Democratic Republic of the Congo"},
                 {"VG", "British Virgin Islands"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const iso_country *c = iso_country_find(iso, names[i].code);
        assert_non_null(c);
        assert_string_equal(c->display, names[i].name);
    }
    assert_null(iso_country_find(iso, "UK"));
    assert_null(iso_country_find(iso, "XA"));
    const struct {
        const char *value, *first;
    } sugg[] = {{"UK", "GB"},      {"uk", "GB"},  {"DEU", "DE"}, {"de", "DE"},
                {"germany", "DE"}, {"UAE", "AE"}, {"DRC", "CD"}, {"the United Kingdom", "GB"},
                {"USA", "US"}};
    for (size_t i = 0; i < sizeof sugg / sizeof sugg[0]; i++) {
        const char *out[3];
        size_t n = iso_country_suggest(iso, sugg[i].value, out, 3);
        if (n == 0 || strcmp(out[0], sugg[i].first) != 0)
            fail_msg("%s: suggested %s, not %s", sugg[i].value, n ? out[0] : "nothing",
                     sugg[i].first);
    }
    const char *out[3];
    assert_int_equal(iso_country_suggest(iso, "QQQQ", out, 3), 0);
    assert_true(iso_currency_known(iso, "USD"));
    assert_true(iso_currency_known(iso, "EUR"));
    assert_false(iso_currency_known(iso, "usd"));
    assert_false(iso_currency_known(iso, "XYZ"));
    assert_string_equal(iso_currency_suggest(iso, "usd"), "USD");
    assert_string_equal(iso_currency_suggest(iso, "euro"), "EUR");
    assert_null(iso_currency_suggest(iso, "dollars"));
    assert_true(iso_user_assigned("XA"));
    assert_true(iso_user_assigned("QM"));
    assert_true(iso_user_assigned("AA"));
    assert_true(iso_user_assigned("ZZ"));
    assert_false(iso_user_assigned("QL"));
    assert_false(iso_user_assigned("DE"));
    iso_codes_free(iso);
    assert_int_equal(d.count, 0);
    clasm_diags_free(&d);
}

static void test_iso_missing(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    iso_codes *iso = NULL;
    assert_int_equal(iso_codes_load_dir("/nonexistent-iso", &iso, &d), CLASM_E_IO);
    assert_null(iso);
    const clasm_diag *g = find_diag(&d, "iso-codes-missing");
    assert_non_null(g);
    assert_string_equal(g->file, "/nonexistent-iso/iso_3166-1.json");
    clasm_diags_free(&d);

    /* $CLASM_ISO_CODES names the folder; a wrong one is said to be wrong,
     * and a library cannot load without the lists (exit 3). */
    clasm_diags_init(&d);
    setenv("CLASM_ISO_CODES", "/nonexistent-iso", 1);
    assert_int_equal(iso_codes_load(&iso, &d), CLASM_E_IO);
    g = find_diag(&d, "iso-codes-missing");
    assert_non_null(g);
    assert_non_null(strstr(g->message, "/nonexistent-iso (from CLASM_ISO_CODES)"));
    assert_non_null(strstr(g->message, "CLASM_ISO_CODES must name the folder"));
    clasm_diags_free(&d);
    libfix f;
    load_lib(&f, SETTINGS, NULL);
    assert_int_equal(f.status, CLASM_E_IO);
    assert_null(f.lib);
    assert_non_null(find_diag(&f.diags, "iso-codes-missing"));
    free_lib(&f);
    unsetenv("CLASM_ISO_CODES");
}

static void test_iso_invalid(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-iso-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[96];
    snprintf(p, sizeof p, "%s/iso_3166-1.json", dir);
    write_file(p, "{\"3166-1\": [{\"alpha_2\": \"DE\"");
    snprintf(p, sizeof p, "%s/iso_4217.json", dir);
    write_file(p, "{\"4217\": []}");
    clasm_diags d;
    clasm_diags_init(&d);
    iso_codes *iso = NULL;
    assert_int_equal(iso_codes_load_dir(dir, &iso, &d), CLASM_E_IO);
    assert_non_null(find_diag(&d, "iso-codes-invalid"));
    clasm_diags_free(&d);
    /* The right shape without the fields. */
    snprintf(p, sizeof p, "%s/iso_3166-1.json", dir);
    write_file(p, "{\"3166-1\": [{\"alpha_2\": \"DE\"}]}");
    clasm_diags_init(&d);
    assert_int_equal(iso_codes_load_dir(dir, &iso, &d), CLASM_E_IO);
    const clasm_diag *g = find_diag(&d, "iso-codes-invalid");
    assert_non_null(g);
    assert_non_null(strstr(g->message, "entry 1"));
    clasm_diags_free(&d);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ------------------------------------------------------------ display */

static void test_display(void **state)
{
    (void)state;
    libfix f;
    load_lib(&f, SETTINGS, NULL);
    assert_int_equal(f.status, CLASM_OK);
    clasm_diags d;
    clasm_diags_init(&d);
    deal_opts o = {NULL, 1, 1}; /* three capabilities, a reseller in DE */
    clasm_deal *deal = load_deal_opts(o,
                                      "  fees: \"1,250,000\"\n"
                                      "  review_months: 36\n"
                                      "  signed_on: 2027-01-02\n"
                                      "  venue: GB\n"
                                      "  site: https://ethics.example.com\n"
                                      "  mail: speak@example.com\n"
                                      "  count: 3\n",
                                      &d);
    clasm_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.tier = "high";
    plan.score = 9;
    plan.document = CLASM_DOC_EULA;
    EXPECT_SHOW(&f, deal, &plan, "date", "November 27, 2026");
    EXPECT_SHOW(&f, deal, &plan, "customer.country", "Republic of Valmora");
    EXPECT_SHOW(&f, deal, &plan, "reseller.country", "Germany");
    EXPECT_SHOW(&f, deal, &plan, "customer.kind", "a private company");
    EXPECT_SHOW(&f, deal, &plan, "deployment", "as a hosted service");
    EXPECT_SHOW(&f, deal, &plan, "license", "a subscription");
    EXPECT_SHOW(&f, deal, &plan, "end_use", "not stated");
    EXPECT_SHOW(&f, deal, &plan, "product.capabilities",
                "face recognition, data analytics and interception of communications");
    EXPECT_SHOW(&f, deal, &plan, "terms.fees", "USD 1,250,000");
    EXPECT_SHOW(&f, deal, &plan, "terms.currency", "USD");
    EXPECT_SHOW(&f, deal, &plan, "terms.cure_period_days", "thirty (30) days");
    EXPECT_SHOW(&f, deal, &plan, "terms.review_months", "thirty-six (36) months");
    EXPECT_SHOW(&f, deal, &plan, "terms.signed_on", "January 2, 2027");
    EXPECT_SHOW(&f, deal, &plan, "terms.venue", "United Kingdom");
    EXPECT_SHOW(&f, deal, &plan, "terms.site", "https://ethics.example.com");
    EXPECT_SHOW(&f, deal, &plan, "terms.mail", "speak@example.com");
    EXPECT_SHOW(&f, deal, &plan, "terms.count", "3");
    EXPECT_SHOW(&f, deal, &plan, "terms.law", "State of New York");
    EXPECT_SHOW(&f, deal, &plan, "tier", "high");
    EXPECT_SHOW(&f, deal, &plan, "score", "9");
    EXPECT_SHOW(&f, deal, &plan, "document", "EULA text");
    EXPECT_SHOW(&f, deal, &plan, "customer.name", "Agency");
    EXPECT_SHOW(&f, deal, &plan, "id", "T-1");
    /* Raw values stay codes, with the library's defaults. */
    int from_default = 0;
    assert_string_equal(values_raw(f.lib, deal, "customer.country", &from_default), "XA");
    assert_int_equal(from_default, 0);
    assert_string_equal(values_raw(f.lib, deal, "terms.cure_period_days", &from_default), "30");
    assert_int_equal(from_default, 1);
    assert_string_equal(values_raw(f.lib, deal, "terms.fees", &from_default), "1,250,000");
    assert_int_equal(from_default, 0);
    assert_string_equal(values_raw(f.lib, deal, "date", NULL), "2026-11-27");
    assert_null(values_raw(f.lib, deal, "terms.nothing", NULL));
    /* Absent: no value and no default; no plan for tier. */
    char *text = (char *)"x";
    clasm_diags why;
    clasm_diags_init(&why);
    assert_int_equal(values_display(f.lib, deal, &plan, "terms.nothing", &text, &why),
                     VALUE_ABSENT);
    assert_null(text);
    assert_string_equal(why.items[0].id, "unknown-value");
    assert_int_equal(values_display(f.lib, deal, NULL, "tier", &text, NULL), VALUE_ABSENT);
    assert_int_equal(values_display(f.lib, deal, NULL, "seller.address", &text, NULL),
                     VALUE_ABSENT);
    assert_string_equal(values_status_id(VALUE_NO_WORDS), "no-words");
    clasm_diags_free(&why);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    free_lib(&f);
}

/* An empty list is a value: the library's words for none. */
static void test_empty_list(void **state)
{
    (void)state;
    libfix f;
    load_lib(&f, SETTINGS, NULL);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *deal = load_deal(NULL, &d);
    EXPECT_SHOW(&f, deal, NULL, "product.capabilities", "no listed capabilities");
    assert_string_equal(values_raw(f.lib, deal, "product.capabilities", NULL), "");
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    free_lib(&f);
}

/* A value without words: no draft prints the code; why names library.yaml. */
static void test_no_words(void **state)
{
    (void)state;
    libfix f;
    /* customer.kind without private; no words for deployment at all. */
    char settings[4096];
    snprintf(settings, sizeof settings, "%s", SETTINGS);
    char *p = strstr(settings, ", private: a private company");
    memmove(p, p + strlen(", private: a private company"),
            strlen(p + strlen(", private: a private company")) + 1);
    p = strstr(settings, "    deployment:");
    char *e = strchr(p, '\n') + 1;
    memmove(p, e, strlen(e) + 1);
    load_lib(&f, settings, NULL);
    assert_int_equal(f.status, CLASM_OK);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *deal = load_deal(NULL, &d);
    char *text = NULL;
    clasm_diags why;
    clasm_diags_init(&why);
    assert_int_equal(values_display(f.lib, deal, NULL, "customer.kind", &text, &why),
                     VALUE_NO_WORDS);
    assert_null(text);
    expect_diag(&why, "no-words", 31, 5, "no words for customer.kind 'private'");
    assert_non_null(strstr(why.items[0].file, "library.yaml"));
    assert_int_equal(values_display(f.lib, deal, NULL, "deployment", &text, &why), VALUE_NO_WORDS);
    expect_diag(&why, "no-words", 24, 1, "deployment 'cloud'"); /* at values: */
    clasm_diags_free(&why);
    /* lint names every spelling without words. */
    clasm_diags lint;
    clasm_diags_init(&lint);
    values_lint(f.lib, &lint);
    expect_diag(&lint, "missing-words", 31, 5, "no words for 'private'");
    expect_diag(&lint, "missing-words", 24, 1, "no values: words: deployment:");
    assert_int_equal(lint.count, 2);
    clasm_diags_free(&lint);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    free_lib(&f);
}

/* ------------------------------------------------------------ checking deals */

static void test_check_countries(void **state)
{
    (void)state;
    libfix f;
    load_lib(&f, SETTINGS, NULL);
    const struct {
        const char *code, *text;
    } cases[] = {
        {"UK", "'UK' is not an ISO 3166-1 alpha-2 country code; did you mean GB (United Kingdom)?"},
        {"DEU", "did you mean DE (Germany)?"},
        {"de", "did you mean DE (Germany)?"},
        {"XB", "'XB' is a user-assigned code (XA-XZ, for test and example deals) that "
               "library.yaml does not name"},
        {"QM", "'QM' is a user-assigned code, not a country"},
        {"JJ", "(two capital letters, such as DE or JP)"},
        {"\"\"", "'' is not an ISO 3166-1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        clasm_diags d;
        clasm_diags_init(&d);
        deal_opts o = {cases[i].code, 0, 0};
        clasm_deal *deal = load_deal_opts(o, NULL, &d);
        assert_int_equal(values_check_deal(f.lib, deal, &d), 1);
        expect_diag(&d, "unknown-country", 5, 35, cases[i].text);
        assert_string_equal(d.items[d.count - 1].path, "customer.country");
        clasm_deal_free(deal);
        clasm_diags_free(&d);
    }
    clasm_diags d;
    clasm_diags_init(&d);
    deal_opts o = {"XA", 0, 1};
    clasm_deal *deal = load_deal_opts(o, NULL, &d);
    assert_int_equal(values_check_deal(f.lib, deal, &d), 0); /* XA named, DE real */
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    free_lib(&f);
}

static void test_check_capabilities(void **state)
{
    (void)state;
    libfix f;
    load_lib(&f, SETTINGS, NULL);
    clasm_diags d;
    clasm_diags_init(&d);
    const char *text = "id: T-1\ndocuments: [contract]\ndate: 2026-11-27\nseller: {name: S}\n"
                       "customer: {name: A, country: XA, kind: private}\n"
                       "product:\n"
                       "  name: Eye\n"
                       "  capabilities: [data-analytics, face-recogniton, teleportation]\n"
                       "deployment: cloud\nlicense: perpetual\nend_use: known\n";
    clasm_deal *deal = NULL;
    assert_int_equal(clasm_deal_load_string(text, strlen(text), "deal.yaml", &deal, &d), CLASM_OK);
    assert_int_equal(values_check_deal(f.lib, deal, &d), 2);
    /* "  capabilities: [data-analytics, face-recogniton, teleportation]" */
    expect_diag(&d, "unknown-capability", 8, 34,
                "'face-recogniton' is not a capability the library knows");
    expect_diag(&d, "unknown-capability", 8, 34, "did you mean 'face-recognition'?");
    expect_diag(&d, "unknown-capability", 8, 51, "'teleportation'");
    /* Each names its item of the list (clasm_diag's path). */
    assert_string_equal(d.items[d.count - 2].path, "product.capabilities[1]");
    assert_string_equal(d.items[d.count - 1].path, "product.capabilities[2]");
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    free_lib(&f);
}

static void test_check_terms(void **state)
{
    (void)state;
    libfix f;
    load_lib(&f, SETTINGS, NULL);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *deal = load_deal("  cure_period_days: thirty\n" /* 11 */
                                 "  review_months: 13.5\n"      /* 12 */
                                 "  fees: 1,25,000\n"           /* 13 */
                                 "  currency: usd\n"            /* 14 */
                                 "  signed_on: 2027-02-30\n"    /* 15 */
                                 "  venue: UK\n"                /* 16 */
                                 "  site: ethics.example.com\n" /* 17 */
                                 "  mail: speak at example\n"   /* 18 */
                                 "  count: many\n",             /* 19 */
                                 &d);
    assert_int_equal(values_check_deal(f.lib, deal, &d), 9);
    expect_diag(&d, "invalid-term", 11, 21, "terms.cure_period_days (kind days in library.yaml)");
    expect_diag(&d, "invalid-term", 11, 21, "'thirty' is not a number of days");
    expect_diag(&d, "invalid-term", 12, 18, "'13.5' is not a number of months");
    expect_diag(&d, "invalid-term", 13, 9, "'1,25,000' is not an amount");
    expect_diag(&d, "invalid-term", 14, 13,
                "'usd' is not an ISO 4217 currency code; did you "
                "mean 'USD'?");
    expect_diag(&d, "invalid-term", 15, 14, "not a calendar date");
    expect_diag(&d, "invalid-term", 16, 10, "did you mean GB (United Kingdom)?");
    expect_diag(&d, "invalid-term", 17, 9, "is not a web address");
    expect_diag(&d, "invalid-term", 18, 9, "is not an e-mail address");
    expect_diag(&d, "invalid-term", 19, 10, "'many' is not a number");
    assert_string_equal(d.items[d.count - 9].path, "terms.cure_period_days");
    assert_string_equal(d.items[d.count - 1].path, "terms.count");
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    /* Numbers are decimal: not inf, nan or hex; a sign and an exponent are. */
    const char *numbers[] = {"  count: inf\n", "  count: nan\n", "  count: 0x10\n",
                             "  count: -2.5e3\n"};
    for (size_t i = 0; i < 4; i++) {
        clasm_diags_init(&d);
        deal = load_deal(numbers[i], &d);
        assert_int_equal(values_check_deal(f.lib, deal, &d), i < 3 ? 1 : 0);
        clasm_deal_free(deal);
        clasm_diags_free(&d);
    }
    clasm_diags_init(&d);
    deal = load_deal(NULL, &d);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    free_lib(&f);
}

/* An amount whose currency term has no value and no default. */
static void test_amount_without_currency(void **state)
{
    (void)state;
    libfix f;
    char settings[4096];
    snprintf(settings, sizeof settings, "%s", SETTINGS);
    char *p = strstr(settings, ", default: USD");
    memmove(p, p + 14, strlen(p + 14) + 1);
    load_lib(&f, settings, NULL);
    assert_int_equal(f.status, CLASM_OK);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *deal = load_deal("  fees: 100\n", &d);
    assert_int_equal(values_check_deal(f.lib, deal, &d), 1);
    expect_diag(&d, "missing-value", 11, 3,
                "terms.fees is an amount in the currency of "
                "terms.currency");
    /* The value to add is the currency: its field, not the fees'. */
    assert_string_equal(d.items[d.count - 1].path, "terms.currency");
    char *text = NULL;
    assert_int_equal(values_display(f.lib, deal, NULL, "terms.fees", &text, NULL), VALUE_ABSENT);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    free_lib(&f);
}

static void test_term_keys(void **state)
{
    (void)state;
    libfix f;
    load_lib(&f, SETTINGS, NULL);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *deal =
        load_deal("  fees: 1\n  la: x\n  discount_pct: 5\n  cure_perod_days: 3\n", &d);
    assert_int_equal(values_check_term_keys(f.lib, deal, NULL, 0, NULL, &d), 3);
    expect_diag(&d, "unknown-term", 12, 3, "terms.la: the library (");
    expect_diag(&d, "unknown-term", 12, 3,
                ") does not use this key, so its value would go nowhere");
    expect_diag(&d, "unknown-term", 12, 3, "did you mean 'law'?");
    expect_diag(&d, "unknown-term", 13, 3, "terms.discount_pct");
    expect_diag(&d, "unknown-term", 14, 3, "did you mean 'cure_period_days'?");
    clasm_diags_free(&d);
    /* A template's own keys are known too. */
    clasm_diags_init(&d);
    const char *extra[] = {"discount_pct"};
    assert_int_equal(
        values_check_term_keys(f.lib, deal, extra, 1, "the template contract.docx", &d), 2);
    expect_diag(&d, "unknown-term", 12, 3, "nor the template contract.docx uses this key");
    for (size_t i = 0; i < d.count; i++)
        assert_null(strstr(d.items[i].message, "terms.discount_pct"));
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    free_lib(&f);
}

/* ------------------------------------------------------------ library.yaml */

static void test_settings_errors(void **state)
{
    (void)state;
    libfix f;
    load_lib(&f,
             "categories:\n"                                                     /* 1 */
             "  - {id: general, title: General}\n"                               /* 2 */
             "terms:\n"                                                          /* 3 */
             "  a: {description: d, example: 1, kind: dayz}\n"                   /* 4 */
             "  b: {description: d, example: 1, kind: amount}\n"                 /* 5 */
             "  c: {description: d, example: 1, kind: days, currency: x}\n"      /* 6 */
             "  d: {description: d, example: 1, kind: amount, currency: e}\n"    /* 7 */
             "  e: {description: d, example: 1, kind: text}\n"                   /* 8 */
             "  f: {description: d, example: 1, kind: days, default: thirty}\n"  /* 9 */
             "  g: {description: d, example: 1, kind: currency, default: usd}\n" /* 10 */
             "  h: {description: d, example: 1, default: [1]}\n"                 /* 11 */
             "  i: {description: d, example: 1, used_by: everyone}\n"            /* 12 */
             "  j: {description: d, example: 1, kind: amount, currency: gg}\n"   /* 13 */
             "values:\n"                                                         /* 14 */
             "  date_format: D MMM YYYY\n"                                       /* 15 */
             "  periods: spelled\n"                                              /* 16 */
             "  countries: {DE: Germany, XA: \"\"}\n"                            /* 17 */
             "  words:\n"                                                        /* 18 */
             "    customer.kind: {goverment-agency: a government agency}\n"      /* 19 */
             "    deploymnt: {cloud: hosted}\n"                                  /* 20 */
             "    capabilities: {Face: face}\n"                                  /* 21 */
             "  extra: 1\n",                                                     /* 22 */
             NULL);
    assert_int_equal(f.status, CLASM_E_INPUT);
    const clasm_diags *d = &f.diags;
    expect_diag(d, "invalid-value", 4, 41, "'dayz' is not allowed");
    expect_diag(d, "invalid-value", 4, 41, "did you mean 'days'?");
    expect_diag(d, "missing-key", 5, 41, "an amount needs currency: KEY");
    expect_diag(d, "invalid-key", 6, 57, "only a term of kind amount names a currency term");
    expect_diag(d, "unknown-term", 7, 59, "'e' is not a term of kind currency");
    expect_diag(d, "invalid-default", 9, 56, "'thirty' is not a number of days");
    expect_diag(d, "invalid-default", 10, 60, "'usd' is not an ISO 4217 currency code");
    expect_diag(d, "wrong-type", 11, 44, "terms.h.default must be a single value");
    expect_diag(d, "invalid-value", 12, 44, "'everyone' is not allowed");
    expect_diag(d, "unknown-term", 13, 59,
                "'gg' is not a term declared in library.yaml; did you "
                "mean 'g'?");
    expect_diag(d, "invalid-value", 15, 16, "is not a date format");
    expect_diag(d, "invalid-value", 16, 12, "'spelled' is not allowed");
    expect_diag(d, "invalid-key", 17, 15, "'DE' is not a user-assigned code XA-XZ");
    expect_diag(d, "empty-value", 17, 32, "values.countries.XA is empty");
    expect_diag(d, "invalid-value", 19, 21, "'goverment-agency' is not a value a deal can give");
    expect_diag(d, "invalid-value", 19, 21, "did you mean 'government-agency'?");
    expect_diag(d, "unknown-key", 20, 5, "did you mean 'deployment'?");
    expect_diag(d, "invalid-key", 21, 20, "'Face' is not a capability id");
    expect_diag(d, "unknown-key", 22, 3, "values.extra");
    free_lib(&f);
}

/* `capabilities contains X` in a when names one the library has words for. */
static void test_when_capability(void **state)
{
    (void)state;
    libfix f;
    load_lib(&f, SETTINGS,
             "id: general.c\nversion: 1\ntitle: C\ncategory: general\n"
             "documents: [contract]\n"
             "when: 'capabilities contains face-recogniton'\n"
             "text: Text.\n");
    assert_int_equal(f.status, CLASM_E_INPUT);
    expect_diag(&f.diags, "unknown-name", 6, 30,
                "'face-recogniton' is not a value of capabilities");
    expect_diag(&f.diags, "unknown-name", 6, 30, "did you mean 'face-recognition'");
    free_lib(&f);
    load_lib(&f, SETTINGS,
             "id: general.c\nversion: 1\ntitle: C\ncategory: general\n"
             "documents: [contract]\n"
             "when: 'product.capabilities contains interception'\n"
             "text: Text.\n");
    assert_int_equal(f.status, CLASM_OK);
    free_lib(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_number_words),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_amounts),
        cmocka_unit_test(test_join),
        cmocka_unit_test(test_iso),
        cmocka_unit_test(test_iso_missing),
        cmocka_unit_test(test_iso_invalid),
        cmocka_unit_test(test_display),
        cmocka_unit_test(test_empty_list),
        cmocka_unit_test(test_no_words),
        cmocka_unit_test(test_check_countries),
        cmocka_unit_test(test_check_capabilities),
        cmocka_unit_test(test_check_terms),
        cmocka_unit_test(test_amount_without_currency),
        cmocka_unit_test(test_term_keys),
        cmocka_unit_test(test_settings_errors),
        cmocka_unit_test(test_when_capability),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
