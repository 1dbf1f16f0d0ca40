/* Restricted-party screening (screen.h): normalisation, Jaro-Winkler
 * against published values, the list in the Consolidated Screening List's
 * CSV layout and its errors, hits and near misses, countries, and running
 * out of memory.
 *
 * csv.c and screen.c are compiled into this suite with their malloc,
 * calloc, realloc and strdup counted (the library has no allocator hook),
 * so that every allocation can be made to fail in turn; the library's own
 * copies in libclasm.a are then not linked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long alloc_left = -1; /* allocations that still succeed; -1 for all */
static long alloc_failed;    /* allocations refused since the last reset */

static int alloc_fails(void)
{
    if (alloc_left == 0) {
        alloc_failed++;
        return 1;
    }
    if (alloc_left > 0)
        alloc_left--;
    return 0;
}

static void *counted_malloc(size_t n)
{
    return alloc_fails() ? NULL : malloc(n);
}

static void *counted_calloc(size_t n, size_t size)
{
    return alloc_fails() ? NULL : calloc(n, size);
}

static void *counted_realloc(void *p, size_t n)
{
    return alloc_fails() ? NULL : realloc(p, n);
}

static char *counted_strdup(const char *s)
{
    return alloc_fails() ? NULL : strdup(s);
}

#define malloc counted_malloc
#define calloc counted_calloc
#define realloc counted_realloc
#define strdup counted_strdup
#include "csv.c"
#include "screen.c"
#undef malloc
#undef calloc
#undef realloc
#undef strdup

#include "sha256.h"

/* The real file's header (data.trade.gov's consolidated.csv). */
#define HEADER                                                                                     \
    "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,"         \
    "start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type," \
    "gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,"     \
    "alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,"  \
    "ids\n"

/* A row of the real layout: 29 cells, those given filled. */
static void add_row(char *buf, size_t cap, const char *id, const char *source, const char *number,
                    const char *type, const char *programs, const char *name, const char *addresses,
                    const char *alt, const char *citizenships, const char *nationalities)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n,
             "\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"\",\"%s\",\"\",\"2020-01-01\",\"\","
             "\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"https://example.invalid\",\"%s\","
             "\"%s\",\"\",\"%s\",\"\",\"https://example.invalid\",\"\"\n",
             id, source, number, type, programs, name, addresses, alt, citizenships, nationalities);
}

static const char SDN[] = "Specially Designated Nationals (SDN) - Treasury Department";
static const char EL[] = "Entity List (EL) - Bureau of Industry and Security";

/* A small list of invented names. */
static char *small_list(void)
{
    size_t cap = 16384;
    char *b = malloc(cap);
    assert_non_null(b);
    strcpy(b, HEADER);
    add_row(b, cap, "1001", SDN, "1001", "Individual", "SDGT", "Mohammed Karim VELTRASKI",
            "12 Orlin Street, Norvask, 440012, AE", "Muhammad VELTRASKI; Mohamed Karim VELTRASKY",
            "", "AE");
    add_row(b, cap, "1002", SDN, "1002", "Individual", "RUSSIA-EO14024", "ZORVETSKIN, Aleksandr",
            "Moscow, RU", "", "RU", "");
    add_row(b, cap, "e3a1", EL, "", "", "", "Tervalon Trading LLC",
            "5 Quay Road, Larnaka, 6020, CY; and 9 Harbour Lane, Limassol, CY", "", "", "");
    add_row(b, cap, "e3a2", EL, "", "", "", "Kazmirova Petrochemical Industries JSC",
            "Ulitsa Lenina 3, Kazan, 420111, RU",
            "OOO Kazmirova Petrokhim; and Kazmirova Industrial Group", "", "");
    add_row(b, cap, "1005", SDN, "1005", "Entity", "IRAN", "BRASHTEN ENGINEERING CO., LTD.",
            "Tehran, IR", "", "", "");
    add_row(b, cap, "1006", SDN, "1006", "Individual", "SDGT", "Aleksandr PETROVSKY-BRUNN",
            "3037 S. 69TH DRIVE, PHOENIX, AZ, 85043", "", "", "");
    add_row(b, cap, "1007", SDN, "1007", "Individual", "GLOMAG", "José Quintarel MÜLLERSON",
            "Caracas, VE", "", "", "");
    add_row(b, cap, "1008", SDN, "1008", "Entity", "SDGT", "Orvandi Shipping FZE", "Dubai, AE",
            "Orvandi Marine Services", "", "");
    add_row(b, cap, "1009", SDN, "1009", "Individual", "SDGT", "Mohammed HALVORAN", "Beirut, LB",
            "", "", "");
    add_row(b, cap, "1010", SDN, "1010", "Individual", "SDGT", "Mohammed ALKESTRI", "Damascus, SY",
            "", "", "");
    add_row(b, cap, "1011", SDN, "1011", "Entity", "IRAN", "Delmarin Trading Company", "Tehran, IR",
            "", "", "");
    add_row(b, cap, "1012", SDN, "1012", "Entity", "IRAN", "Sepatrol Trading Co", "Isfahan, IR", "",
            "", "");
    return b;
}

static screen_list *load_small(void)
{
    char *csv = small_list();
    clasm_diags d;
    clasm_diags_init(&d);
    screen_list *l = NULL;
    assert_int_equal(
        screen_list_parse("lists/csl.csv", (const unsigned char *)csv, strlen(csv), NULL, &l, &d),
        CLASM_OK);
    assert_int_equal(d.count, 0);
    clasm_diags_free(&d);
    free(csv);
    return l;
}

static const clasm_diag *find(const clasm_diags *d, const char *id, size_t nth)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0 && nth-- == 0)
            return &d->items[i];
    return NULL;
}

static size_t count_id(const clasm_diags *d, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        n += strcmp(d->items[i].id, id) == 0;
    return n;
}

/* ---- Jaro-Winkler and normalisation ---- */

static void test_jaro_winkler(void **state)
{
    (void)state;
    /* Winkler's published examples. */
    assert_true(fabs(screen_jaro_winkler("MARTHA", "MARHTA") - 0.961) < 0.0005);
    assert_true(fabs(screen_jaro_winkler("DWAYNE", "DUANE") - 0.840) < 0.0005);
    assert_true(fabs(screen_jaro_winkler("DIXON", "DICKSONX") - 0.813) < 0.0005);
    /* Symmetric, 1 for the same, 0 for nothing in common. */
    assert_true(fabs(screen_jaro_winkler("MARHTA", "MARTHA") - 0.961) < 0.0005);
    assert_true(screen_jaro_winkler("volkov", "volkov") == 1.0);
    assert_true(screen_jaro_winkler("abc", "xyz") == 0.0);
    assert_true(screen_jaro_winkler("", "") == 1.0);
    assert_true(screen_jaro_winkler("a", "") == 0.0);
    /* By characters, not bytes: one letter of two bytes differs once. */
    assert_true(fabs(screen_jaro_winkler("mülle", "mulle") -
                     screen_jaro_winkler("mxlle", "mulle")) < 1e-12);
    /* Below a Jaro similarity of 0.7 no prefix boost: "ab" and "ac" share
     * a prefix, Jaro 2/3. */
    assert_true(fabs(screen_jaro_winkler("ab", "ac") - 2.0 / 3.0) < 1e-12);
    /* A byte that is not UTF-8 is one character (U+FFFD). */
    assert_true(screen_jaro_winkler("\xff", "a") == 0.0);
    assert_true(fabs(screen_jaro_winkler("ab\xff", "ab\xfe") - 1.0) < 1e-12);
}

static void check_norm(const char *in, const char *const *forms, const char *want)
{
    char *s = screen_normalize(in, forms);
    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

static void test_normalize(void **state)
{
    (void)state;
    const char *const *lf = screen_default_legal_forms;
    /* Case and diacritics. */
    check_norm("Ümit ÇELİK", NULL, "umit celik");
    check_norm("José Quintarel MÜLLERSON", NULL, "jose quintarel mullerson");
    check_norm("Łódź Øresund Straße Þór Æsir Œuvre", NULL,
               "lodz oresund strasse thor aesir oeuvre");
    /* Compatibility forms (NFKD): full-width letters, ligatures. */
    check_norm("ＡＢＣ ﬁnance", NULL, "abc finance");
    /* Punctuation is space, apostrophes and full stops are dropped. */
    check_norm("O'Brien-Smith,  (A.P.)   Holdings", NULL, "obrien smith ap holdings");
    check_norm("Qar\xe2\x80\x99"
               "awi",
               NULL, "qarawi");
    check_norm("  \t ", NULL, "");
    /* Legal forms set aside, anywhere, the longest first. */
    check_norm("Tervalon Trading LLC", lf, "tervalon trading");
    check_norm("OOO \"Kazmirova\"", lf, "kazmirova");
    check_norm("Joint-Stock Company SME Bank", lf, "sme bank");
    check_norm("BRASHTEN ENGINEERING CO., LTD.", lf, "brashten engineering");
    check_norm("Orvandi S.A.", lf, "orvandi");
    check_norm("Helm GmbH & Co. KG", lf, "helm");
    /* Not a legal form as part of a word. */
    check_norm("Cobalt Agro", lf, "cobalt agro");
    /* A name that is nothing but legal forms keeps them. */
    check_norm("Company Limited", lf, "company limited");
    /* Without legal forms nothing is set aside. */
    check_norm("Tervalon Trading LLC", NULL, "tervalon trading llc");
    /* Bytes that are not UTF-8 are left out. */
    check_norm("Ter\xffvalon", NULL, "tervalon");
    check_norm(NULL, NULL, "");
}

/* ---- the list ---- */

static void test_list_read(void **state)
{
    (void)state;
    screen_list *l = load_small();
    assert_int_equal(screen_list_count(l), 12);
    assert_string_equal(screen_list_name(l), "csl.csv");
    assert_null(screen_list_date(l));
    char *csv = small_list();
    char hex[65];
    sha256 *h = sha256_begin();
    sha256_add(h, csv, strlen(csv));
    assert_true(sha256_end(h, hex));
    assert_string_equal(screen_list_sha256(l), hex);
    free(csv);

    screen_entry e;
    assert_true(screen_list_entry(l, 0, &e));
    assert_string_equal(e.id, "1001");
    assert_string_equal(e.source, SDN);
    assert_string_equal(e.entity_number, "1001");
    assert_string_equal(e.type, "Individual");
    assert_string_equal(e.programs, "SDGT");
    assert_string_equal(e.name, "Mohammed Karim VELTRASKI");
    assert_string_equal(e.countries, "AE"); /* the address's and the nationality, once */
    assert_int_equal(e.nalt, 2);
    assert_string_equal(screen_list_alt_name(l, 0, 0), "Muhammad VELTRASKI");
    assert_string_equal(screen_list_alt_name(l, 0, 1), "Mohamed Karim VELTRASKY");
    assert_null(screen_list_alt_name(l, 0, 2));
    /* Two addresses, the second after "; and ". */
    assert_true(screen_list_entry(l, 2, &e));
    assert_string_equal(e.countries, "CY");
    assert_string_equal(e.entity_number, "");
    /* "; and " before an alternative name is left out. */
    assert_true(screen_list_entry(l, 3, &e));
    assert_int_equal(e.nalt, 2);
    assert_string_equal(screen_list_alt_name(l, 3, 1), "Kazmirova Industrial Group");
    /* Citizenship and address. */
    assert_true(screen_list_entry(l, 1, &e));
    assert_string_equal(e.countries, "RU");
    /* An address that ends in no country code ("AZ, 85043"). */
    assert_true(screen_list_entry(l, 5, &e));
    assert_string_equal(e.countries, "");
    assert_false(screen_list_entry(l, 12, &e));
    screen_list_free(l);
}

static void test_list_layout(void **state)
{
    (void)state;
    /* Any order, other columns, only the required ones, a byte-order mark,
     * CRLF, several countries. */
    const char *csv = "\xEF\xBB\xBF"
                      "extra,type,name,programs,addresses,alt_names,source\r\n"
                      "x,Entity,Delvaro Holding,IRAN,\"Tehran, IR; Baku, AZ; 1 Road, Tehran, IR\","
                      "Delvaro Group,EL\r\n";
    clasm_diags d;
    clasm_diags_init(&d);
    screen_list *l = NULL;
    assert_int_equal(
        screen_list_parse("l.csv", (const unsigned char *)csv, strlen(csv), NULL, &l, &d),
        CLASM_OK);
    assert_int_equal(d.count, 0);
    screen_entry e;
    assert_true(screen_list_entry(l, 0, &e));
    assert_string_equal(e.name, "Delvaro Holding");
    assert_string_equal(e.source, "EL");
    assert_string_equal(e.id, "");
    assert_string_equal(e.countries, "IR AZ");
    assert_string_equal(screen_list_alt_name(l, 0, 0), "Delvaro Group");
    screen_list_free(l);
    clasm_diags_free(&d);
}

static clasm_status parse(const char *csv, screen_list **l, clasm_diags *d)
{
    return screen_list_parse("csl.csv", (const unsigned char *)csv, strlen(csv), NULL, l, d);
}

static void test_list_errors(void **state)
{
    (void)state;
    clasm_diags d;
    screen_list *l = NULL;
    const clasm_diag *g;

    /* Required columns missing: one error each, on the header. */
    clasm_diags_init(&d);
    assert_int_equal(parse("source,name,addresses,programs,extra\nEL,A,,,\n", &l, &d),
                     CLASM_E_INPUT);
    assert_null(l);
    assert_int_equal(count_id(&d, "list-missing-column"), 2);
    g = find(&d, "list-missing-column", 0);
    assert_string_equal(g->file, "csl.csv");
    assert_int_equal(g->line, 1);
    assert_int_equal(g->column, 1);
    assert_non_null(strstr(g->message, "no column 'alt_names'"));
    assert_non_null(strstr(g->message, "Consolidated Screening List's CSV download"));
    assert_non_null(strstr(find(&d, "list-missing-column", 1)->message, "no column 'type'"));
    clasm_diags_free(&d);

    /* Not UTF-8: where. */
    clasm_diags_init(&d);
    assert_int_equal(parse(HEADER "\"1\",\"EL\",\"\",\"\",\"\",\"Caf\xe9 Trading\"", &l, &d),
                     CLASM_E_INPUT);
    g = find(&d, "list-bad-encoding", 0);
    assert_non_null(g);
    assert_int_equal(g->line, 2);
    assert_int_equal(g->column, 23);
    assert_non_null(strstr(g->message, "not UTF-8 here"));
    clasm_diags_free(&d);

    /* Empty, and a header without entries. */
    clasm_diags_init(&d);
    assert_int_equal(parse("", &l, &d), CLASM_E_INPUT);
    g = find(&d, "list-empty", 0);
    assert_non_null(g);
    assert_int_equal(g->line, 1);
    assert_non_null(strstr(g->message, "the file is empty"));
    clasm_diags_free(&d);
    clasm_diags_init(&d);
    assert_int_equal(parse(HEADER "\n\n", &l, &d), CLASM_E_INPUT);
    g = find(&d, "list-empty", 0);
    assert_non_null(g);
    assert_int_equal(g->line, 2);
    assert_non_null(strstr(g->message, "no entries"));
    clasm_diags_free(&d);

    /* Rows of another length: each, with the missing column too. */
    clasm_diags_init(&d);
    assert_int_equal(parse("source,name,alt_names,addresses,programs\n"
                           "EL,A,,,\n"
                           "EL,B,,\n"
                           "EL,C,,,\n"
                           "EL,\"D\nE\",,,,,\n",
                           &l, &d),
                     CLASM_E_INPUT);
    assert_int_equal(count_id(&d, "list-missing-column"), 1);
    assert_int_equal(count_id(&d, "list-bad-row"), 2);
    g = find(&d, "list-bad-row", 0);
    assert_int_equal(g->line, 3);
    assert_int_equal(g->column, 1);
    assert_non_null(strstr(g->message, "4 cells and the header 5"));
    assert_int_equal(find(&d, "list-bad-row", 1)->line, 5);
    clasm_diags_free(&d);

    /* CSV syntax. */
    clasm_diags_init(&d);
    assert_int_equal(parse("source,name\n\"EL,A\n", &l, &d), CLASM_E_INPUT);
    g = find(&d, "list-syntax", 0);
    assert_non_null(g);
    assert_int_equal(g->line, 2);
    assert_int_equal(g->column, 1);
    clasm_diags_free(&d);

    /* Too large: refused before a byte is read. */
    clasm_diags_init(&d);
    assert_int_equal(screen_list_parse("big.csv", (const unsigned char *)"", SCREEN_MAX_BYTES + 1u,
                                       NULL, &l, &d),
                     CLASM_E_INPUT);
    g = find(&d, "list-too-large", 0);
    assert_non_null(g);
    assert_non_null(strstr(g->message, "64 MiB"));
    clasm_diags_free(&d);

    /* Too many rows. */
    size_t rows = SCREEN_MAX_ROWS + 1;
    const char *hd = "source,name,alt_names,addresses,programs,type\n";
    size_t cap = strlen(hd) + rows * 12 + 1;
    char *big = malloc(cap);
    assert_non_null(big);
    strcpy(big, hd);
    size_t n = strlen(big);
    for (size_t i = 0; i < rows; i++) {
        memcpy(big + n, "EL,A,,,,E\n", 10);
        n += 10;
    }
    big[n] = '\0';
    clasm_diags_init(&d);
    assert_int_equal(parse(big, &l, &d), CLASM_E_INPUT);
    g = find(&d, "list-too-many-rows", 0);
    assert_non_null(g);
    assert_int_equal(g->line, (int)rows + 1);
    assert_non_null(strstr(g->message, "limit of 200000 entries"));
    clasm_diags_free(&d);
    /* One fewer loads. */
    big[n - 10] = '\0';
    clasm_diags_init(&d);
    assert_int_equal(parse(big, &l, &d), CLASM_OK);
    assert_int_equal(screen_list_count(l), SCREEN_MAX_ROWS);
    screen_list_free(l);
    clasm_diags_free(&d);
    free(big);
}

static void test_list_load(void **state)
{
    (void)state;
    char dir[] = "/tmp/clasm-screen-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/consolidated.csv", dir);
    char *csv = small_list();
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(csv, f);
    fclose(f);
    clasm_diags d;
    clasm_diags_init(&d);
    screen_list *l = NULL;
    assert_int_equal(screen_list_load(path, NULL, &l, &d), CLASM_OK);
    assert_string_equal(screen_list_name(l), "consolidated.csv");
    const char *date = screen_list_date(l);
    assert_non_null(date);
    assert_int_equal(strlen(date), 10);
    assert_true(date[4] == '-' && date[7] == '-');
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    char want[11];
    struct tm tm;
    time_t t = sb.st_mtime;
    strftime(want, sizeof want, "%Y-%m-%d", gmtime_r(&t, &tm));
    assert_string_equal(date, want);
    char hex[65];
    sha256 *h = sha256_begin();
    sha256_add(h, csv, strlen(csv));
    assert_true(sha256_end(h, hex));
    assert_string_equal(screen_list_sha256(l), hex);
    screen_list_free(l);
    /* A file that is not there, a folder. */
    assert_int_equal(screen_list_load("/nonexistent/csl.csv", NULL, &l, &d), CLASM_E_IO);
    assert_null(l);
    assert_non_null(find(&d, "io", 0));
    assert_int_equal(screen_list_load(dir, NULL, &l, &d), CLASM_E_IO);
    assert_non_null(strstr(find(&d, "io", 1)->message, "not a regular file"));
    clasm_diags_free(&d);
    unlink(path);
    rmdir(dir);
    free(csv);
}

/* ---- hits ---- */

/* The hits of one party, by entry id; the count. */
static size_t screen_one(const screen_list *l, const char *name, const char *country,
                         const screen_options *o, screen_hit **hits)
{
    screen_party p = {"customer", name, country};
    size_t n = 0;
    assert_int_equal(screen_parties(l, &p, 1, o, hits, &n), 0);
    for (size_t i = 0; i < n; i++) {
        assert_true((*hits)[i].score >= (o ? o->threshold : SCREEN_DEFAULT_THRESHOLD));
        assert_true((*hits)[i].score <= 1.0);
        assert_true((*hits)[i].string_score >= 0 && (*hits)[i].string_score <= 1.0);
        assert_int_equal((*hits)[i].party, 0);
        if (i)
            assert_true((*hits)[i - 1].score >= (*hits)[i].score);
    }
    return n;
}

static int hits_entry(const screen_hit *h, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].id, id) == 0)
            return 1;
    return 0;
}

static void expect_hit(const screen_list *l, const char *name, const char *id)
{
    screen_hit *h = NULL;
    size_t n = screen_one(l, name, NULL, NULL, &h);
    if (!hits_entry(h, n, id))
        fail_msg("'%s' should hit entry %s", name, id);
    screen_hits_free(h, n);
}

static void expect_none(const screen_list *l, const char *name)
{
    screen_hit *h = NULL;
    size_t n = screen_one(l, name, NULL, NULL, &h);
    if (n)
        fail_msg("'%s' should hit nothing, hits '%s' (%.3f)", name, h[0].matched_name, h[0].score);
    screen_hits_free(h, n);
}

static void test_hits(void **state)
{
    (void)state;
    screen_list *l = load_small();
    /* Spelling variants of a given name, a surname's. */
    expect_hit(l, "Muhammad Karim Veltraski", "1001");
    expect_hit(l, "Mohamed VELTRASKY", "1001");
    expect_hit(l, "Alexander Zorvetskin", "1002");
    /* Order, commas, case. */
    expect_hit(l, "Zorvetskin Aleksandr", "1002");
    expect_hit(l, "aleksandr, ZORVETSKIN", "1002");
    /* Legal forms added, removed, changed. */
    expect_hit(l, "Tervalon Trading", "e3a1");
    expect_hit(l, "Tervalon Trading GmbH", "e3a1");
    expect_hit(l, "OOO Tervalon Trading", "e3a1");
    expect_hit(l, "Brashten Engineering Limited", "1005");
    /* Accents added or left out. */
    expect_hit(l, "Jose Quintarel Mullerson", "1007");
    expect_hit(l, "Tërvalón Trâding", "e3a1");
    /* Punctuation. */
    expect_hit(l, "BRASHTEN-ENGINEERING (CO.)", "1005");
    /* An alternative name only. */
    expect_hit(l, "Orvandi Marine Services", "1008");
    expect_hit(l, "Kazmirova Petrokhim", "e3a2");
    /* A middle name left out; a descriptor left out. */
    expect_hit(l, "Jose Mullerson", "1007");
    expect_hit(l, "Kazmirova Petrochemical", "e3a2");

    /* Near misses: a shared given name, a shared trade word, a company
     * word that looks alike. */
    expect_none(l, "Mohammed Trelvani");
    expect_none(l, "Aleksandr Kuznarov");
    expect_none(l, "Halvinor Trading LLC");
    expect_none(l, "Brastok Logistics");
    expect_none(l, "Halvinor Petrochemical Industries");
    expect_none(l, "");

    /* What matched, how, and where from. */
    screen_hit *h = NULL;
    size_t n = screen_one(l, "Muhammad Veltraskiy", "AE", NULL, &h);
    assert_true(n >= 1);
    assert_string_equal(h[0].id, "1001");
    assert_int_equal(h[0].entry, 0);
    assert_string_equal(h[0].entry_name, "Mohammed Karim VELTRASKI");
    assert_string_equal(h[0].matched_name, "Muhammad VELTRASKI");
    assert_string_equal(h[0].matched_tokens, "muhammad = muhammad, veltraskiy ~ veltraski");
    assert_string_equal(h[0].source, SDN);
    assert_string_equal(h[0].programs, "SDGT");
    assert_string_equal(h[0].type, "Individual");
    assert_string_equal(h[0].entity_number, "1001");
    assert_string_equal(h[0].countries, "AE");
    assert_int_equal(h[0].country, 1);
    screen_hits_free(h, n);
    /* An unpaired party token is said so. */
    screen_options lo = {0.5, 0};
    n = screen_one(l, "Tervalon Nordic Trading", NULL, &lo, &h);
    assert_true(n >= 1);
    assert_string_equal(h[0].id, "e3a1");
    assert_string_equal(h[0].matched_tokens,
                        "tervalon = tervalon, nordic (none), trading = trading");
    screen_hits_free(h, n);

    /* Several parties: by party, best first; max_hits. */
    screen_party ps[3] = {{"customer", "Mohammed Halvoran", "LB"},
                          {"reseller", "Nothing Alike Whatsoever", NULL},
                          {"end user", "Mohammed Alkestri", NULL}};
    screen_options o = screen_default_options();
    assert_true(o.threshold == SCREEN_DEFAULT_THRESHOLD);
    n = 0;
    assert_int_equal(screen_parties(l, ps, 3, &o, &h, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(h[0].party, 0);
    assert_string_equal(h[0].id, "1009");
    assert_int_equal(h[1].party, 2);
    assert_string_equal(h[1].id, "1010");
    screen_hits_free(h, n);
    o.threshold = 0.3;
    assert_int_equal(screen_parties(l, ps, 1, &o, &h, &n), 0);
    size_t all = n;
    assert_true(all >= 2); /* the other Mohammeds, low */
    for (size_t i = 1; i < n; i++)
        assert_true(h[i - 1].score >= h[i].score);
    screen_hits_free(h, n);
    o.max_hits = 1;
    assert_int_equal(screen_parties(l, ps, 1, &o, &h, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(h[0].id, "1009");
    screen_hits_free(h, n);
    /* No parties, no list. */
    assert_int_equal(screen_parties(l, ps, 0, NULL, &h, &n), 0);
    assert_null(h);
    assert_int_equal(n, 0);
    assert_int_equal(screen_parties(NULL, ps, 1, NULL, &h, &n), 0);
    assert_int_equal(n, 0);
    screen_list_free(l);
}

static void test_countries(void **state)
{
    (void)state;
    screen_list *l = load_small();
    screen_hit *h = NULL;
    /* Compared when both have one. */
    size_t n = screen_one(l, "Orvandi Shipping", "AE", NULL, &h);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].country, 1);
    screen_hits_free(h, n);
    n = screen_one(l, "Orvandi Shipping", "ae", NULL, &h);
    assert_int_equal(h[0].country, 1);
    screen_hits_free(h, n);
    n = screen_one(l, "Orvandi Shipping", NULL, NULL, &h);
    assert_int_equal(h[0].country, 0);
    screen_hits_free(h, n);
    n = screen_one(l, "Orvandi Shipping", "ARE", NULL, &h); /* not alpha-2: not compared */
    assert_int_equal(h[0].country, 0);
    screen_hits_free(h, n);
    /* A clear hit in another country stays, marked. */
    n = screen_one(l, "Orvandi Shipping", "DE", NULL, &h);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].country, -1);
    screen_hits_free(h, n);
    /* An entry without a country: not compared. */
    n = screen_one(l, "Aleksandr Petrovsky-Brunn", "US", NULL, &h);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].country, 0);
    screen_hits_free(h, n);
    /* Just over the threshold: another country needs SCREEN_COUNTRY_RAISE
     * more. */
    n = screen_one(l, "Orvandi Shipmarine", NULL, &(screen_options){0.3, 0}, &h);
    assert_true(n >= 1);
    double s = h[0].score;
    screen_hits_free(h, n);
    screen_options o = {s - SCREEN_COUNTRY_RAISE / 2, 0};
    n = screen_one(l, "Orvandi Shipmarine", "AE", &o, &h);
    assert_int_equal(n, 1);
    screen_hits_free(h, n);
    n = screen_one(l, "Orvandi Shipmarine", NULL, &o, &h);
    assert_int_equal(n, 1);
    screen_hits_free(h, n);
    n = screen_one(l, "Orvandi Shipmarine", "FR", &o, &h);
    assert_int_equal(n, 0);
    screen_hits_free(h, n);
    o.threshold = s - SCREEN_COUNTRY_RAISE - 0.001;
    n = screen_one(l, "Orvandi Shipmarine", "FR", &o, &h);
    assert_int_equal(n, 1);
    assert_int_equal(h[0].country, -1);
    screen_hits_free(h, n);
    screen_list_free(l);
}

/* ---- out of memory ---- */

static void test_out_of_memory(void **state)
{
    (void)state;
    char *csv = small_list();
    /* Every allocation of reading the list fails in turn: out-of-memory,
     * nothing returned (valgrind and ASan check nothing leaks). */
    int loaded = 0;
    for (long k = 0; !loaded && k < 100000; k++) {
        clasm_diags d;
        clasm_diags_init(&d);
        screen_list *l = NULL;
        alloc_left = k;
        alloc_failed = 0;
        clasm_status st =
            screen_list_parse("csl.csv", (const unsigned char *)csv, strlen(csv), NULL, &l, &d);
        long failed = alloc_failed;
        alloc_left = -1;
        if (failed == 0) {
            assert_int_equal(st, CLASM_OK);
            loaded = 1;
        } else {
            assert_int_equal(st, CLASM_E_IO);
            assert_null(l);
            assert_non_null(find(&d, "out-of-memory", 0));
        }
        screen_list_free(l);
        clasm_diags_free(&d);
    }
    assert_true(loaded);
    /* Screening: -1, no hits. */
    screen_list *l = load_small();
    screen_party ps[2] = {{"customer", "Muhammad Veltraski", "AE"},
                          {"reseller", "Tervalon Nordic Trading", NULL}};
    screen_options o = {0.5, 0};
    int done = 0;
    for (long k = 0; !done && k < 100000; k++) {
        screen_hit *h = (screen_hit *)1;
        size_t n = 7;
        alloc_left = k;
        alloc_failed = 0;
        int r = screen_parties(l, ps, 2, &o, &h, &n);
        long failed = alloc_failed;
        alloc_left = -1;
        if (failed == 0) {
            assert_int_equal(r, 0);
            assert_true(n >= 2);
            done = 1;
        } else {
            assert_int_equal(r, -1);
            assert_null(h);
            assert_int_equal(n, 0);
        }
        screen_hits_free(h, n);
    }
    assert_true(done);
    /* Normalising. */
    alloc_left = 0;
    char *s = screen_normalize("Tervalon Trading LLC", screen_default_legal_forms);
    alloc_left = -1;
    assert_null(s);
    screen_list_free(l);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jaro_winkler),  cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_list_read),     cmocka_unit_test(test_list_layout),
        cmocka_unit_test(test_list_errors),   cmocka_unit_test(test_list_load),
        cmocka_unit_test(test_hits),          cmocka_unit_test(test_countries),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
