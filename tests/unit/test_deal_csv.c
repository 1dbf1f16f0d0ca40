/* Deals from a spreadsheet (deal_csv.c): the RFC 4180 reader (quoted cells
 * with commas, quotes and line breaks, CRLF, a byte-order mark, blank
 * lines), the header's deal paths (unknown with a suggestion, twice,
 * empty), syntax errors at their line and column, rows of the wrong length,
 * and each row's deal built from the base: cells override, empty cells
 * keep the base's value, lists split at ';', mappings made where missing,
 * and the deal checked like a deal file, at the cell's line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clasm.h"
#include "deal.h"

static const char BASE[] = "documents: [contract]\n"
                           "date: 2026-11-27\n"
                           "seller: { name: Seller Inc }\n"
                           "customer: { name: Base Customer, country: DE, kind: private }\n"
                           "product: { name: Eye, capabilities: [video-analytics] }\n"
                           "deployment: cloud\n"
                           "license: perpetual\n"
                           "end_use: known\n"
                           "terms: { fees: '100' }\n";

static clasm_status load(const char *csv, clasm_deal_table **t, clasm_diags *d)
{
    return clasm_deal_table_load_string(csv, strlen(csv), "deals.csv", BASE, strlen(BASE),
                                        "base.yaml", t, d);
}

static const clasm_diag *find(const clasm_diags *d, const char *id)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0)
            return &d->items[i];
    return NULL;
}

static void test_rfc4180(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal_table *t = NULL;
    const char *csv = "\xEF\xBB\xBF"
                      "id,customer.name,terms.fees\r\n"
                      "A-1,\"Acme, Inc.\",\"1,000\"\r\n"
                      "\r\n"
                      "A-2,\"Quote \"\"Q\"\" Ltd\",2\r\n"
                      "A-3,\"Two\r\nLines\",3\n"
                      "A-4,,4"; /* no final line break */
    assert_int_equal(load(csv, &t, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(clasm_deal_table_rows(t), 4);
    /* Rows as a spreadsheet numbers them: the header is row 1, a blank
     * line is no row. */
    assert_string_equal(clasm_deal_table_row_name(t, 0), "deals.csv row 2");
    assert_string_equal(clasm_deal_table_row_name(t, 3), "deals.csv row 5");
    assert_null(clasm_deal_table_row_name(t, 4));
    static const char *const names[] = {"Acme, Inc.", "Quote \"Q\" Ltd", "Two\r\nLines",
                                        "Base Customer"};
    static const char *const fees[] = {"1,000", "2", "3", "4"};
    for (size_t i = 0; i < 4; i++) {
        clasm_deal *deal = NULL;
        assert_int_equal(clasm_deal_table_deal(t, i, &deal, &d), CLASM_OK);
        assert_string_equal(clasm_deal_value(deal, "customer.name"), names[i]);
        assert_string_equal(clasm_deal_value(deal, "terms.fees"), fees[i]);
        /* The base's other values stay. */
        assert_string_equal(clasm_deal_value(deal, "customer.country"), "DE");
        assert_string_equal(clasm_deal_value(deal, "seller.name"), "Seller Inc");
        clasm_deal_free(deal);
    }
    assert_int_equal(d.count, 0);
    clasm_deal_table_free(t);
    clasm_diags_free(&d);
}

static void test_lists_and_new_mappings(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal_table *t = NULL;
    const char *csv = "id,documents,risks,product.capabilities,reseller.name,reseller.country\n"
                      "L-1, reseller-agreement ; eula ,a.b;;c.d ,face-recognition,Res GmbH,FR\n";
    assert_int_equal(load(csv, &t, &d), CLASM_OK);
    clasm_deal *deal = NULL;
    assert_int_equal(clasm_deal_table_deal(t, 0, &deal, &d), CLASM_OK);
    clasm_document docs[CLASM_DOC_COUNT];
    assert_int_equal(clasm_deal_documents(deal, docs, CLASM_DOC_COUNT), 2);
    assert_int_equal(docs[0], CLASM_DOC_RESELLER);
    assert_int_equal(docs[1], CLASM_DOC_EULA);
    assert_int_equal(deal->nrisks, 2);
    assert_string_equal(deal->risks[0].id, "a.b");
    assert_string_equal(deal->risks[1].id, "c.d");
    /* Risks keep their cell's place for messages. */
    assert_int_equal(deal->risks[1].line, 2);
    assert_int_equal(deal->risks[1].column, 33);
    assert_string_equal(clasm_deal_value(deal, "product.capabilities"), "face-recognition");
    /* The base has no reseller: the row makes one. */
    assert_true(deal->has_reseller);
    assert_string_equal(clasm_deal_value(deal, "reseller.name"), "Res GmbH");
    assert_string_equal(clasm_deal_value(deal, "reseller.country"), "FR");
    clasm_deal_free(deal);
    clasm_deal_table_free(t);
    clasm_diags_free(&d);
}

static void test_header_errors(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal_table *t = NULL;
    assert_int_equal(load("id,customer.contry, ,id,terms.9bad,seller\nX,DE,,X,1,2\n", &t, &d),
                     CLASM_E_INPUT);
    assert_null(t);
    /* Every problem of the header, at its column. */
    assert_int_equal(d.count, 5);
    const clasm_diag *g = &d.items[0];
    assert_string_equal(g->id, "csv-unknown-column");
    assert_string_equal(g->file, "deals.csv");
    assert_int_equal(g->line, 1);
    assert_int_equal(g->column, 4);
    assert_string_equal(g->message,
                        "column 2 of the header, 'customer.contry', names no deal key; did you "
                        "mean 'customer.country'? (columns are deal paths such as id, "
                        "customer.name, risks or terms.fees)");
    assert_string_equal(d.items[1].id, "csv-empty-column");
    assert_int_equal(d.items[1].column, 20);
    assert_string_equal(d.items[2].id, "csv-duplicate-column");
    assert_string_equal(d.items[2].message, "column 4 of the header, 'id', is column 1 too");
    assert_string_equal(d.items[3].id, "csv-unknown-column");
    assert_non_null(strstr(d.items[3].message, "'terms.9bad'"));
    assert_string_equal(d.items[4].id, "csv-unknown-column");
    assert_non_null(strstr(d.items[4].message, "'seller'"));
    clasm_diags_free(&d);
}

static void expect_syntax_n(const char *csv, size_t len, const char *id, int line, int column,
                            const char *msg)
{
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal_table *t = NULL;
    assert_int_equal(clasm_deal_table_load_string(csv, len, "deals.csv", BASE, strlen(BASE),
                                                  "base.yaml", &t, &d),
                     CLASM_E_INPUT);
    assert_null(t);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, id);
    assert_int_equal(d.items[0].line, line);
    assert_int_equal(d.items[0].column, column);
    assert_non_null(strstr(d.items[0].message, msg));
    clasm_diags_free(&d);
}

static void expect_syntax(const char *csv, const char *id, int line, int column, const char *msg)
{
    expect_syntax_n(csv, strlen(csv), id, line, column, msg);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_syntax("id,customer.name\nA,\"open\n\n", "csv-syntax", 2, 3,
                  "this quoted cell has no closing quote");
    expect_syntax("id,customer.name\nA,mid\"quote\n", "csv-syntax", 2, 6,
                  "a quote (\") inside a cell that does not start with one");
    expect_syntax("id,customer.name\nA,\"closed\" after\n", "csv-syntax", 2, 11,
                  "text after the closing quote of a cell");
    expect_syntax("id,customer.name\nA,b\x01\n", "csv-syntax", 2, 4,
                  "a control character (byte 0x01)");
    expect_syntax("id,customer.name\nA,caf\xC3\n", "csv-encoding", 2, 6, "not UTF-8");
    expect_syntax_n("id,customer.name\nA,b\x00z\n", 22, "csv-syntax", 2, 4, "byte 0x00");
    expect_syntax("", "csv-empty", 1, 1, "the file is empty");
    /* A UTF-8 lead byte as the last byte of an input that has no NUL after
     * it (fuzz/regressions/csv/utf8-at-end-of-input): reported, nothing
     * read past the end (ASan builds check). */
    char *tail = malloc(4);
    memcpy(tail, "id\n\xEC", 4);
    expect_syntax_n(tail, 4, "csv-encoding", 2, 1, "not UTF-8");
    free(tail);
    /* Column counts are characters, not bytes. */
    expect_syntax("id,customer.name\n\xC3\xA9t\xC3\xA9,x\"\n", "csv-syntax", 2, 6, "a quote");
}

static void test_row_errors(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal_table *t = NULL;
    const char *csv = "id,customer.country,customer.kind\n"
                      "R-1,DE\n"               /* row 2: too short */
                      "R-2,DE,private,extra\n" /* row 3: too long */
                      "R-3,DE,charity\n"       /* row 4: a bad value */
                      "bad id!,DE,private\n";  /* row 5: a bad id */
    assert_int_equal(load(csv, &t, &d), CLASM_OK);
    assert_int_equal(clasm_deal_table_rows(t), 4);
    clasm_deal *deal = NULL;
    assert_int_equal(clasm_deal_table_deal(t, 0, &deal, &d), CLASM_E_INPUT);
    assert_null(deal);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "csv-row-length");
    assert_string_equal(d.items[0].file, "deals.csv row 2");
    assert_int_equal(d.items[0].line, 2);
    assert_string_equal(d.items[0].message,
                        "row 2 has 2 cells and the header has 3 columns; a cell with a comma in "
                        "it goes in quotes (\"...\")");
    assert_int_equal(clasm_deal_table_deal(t, 1, &deal, &d), CLASM_E_INPUT);
    assert_non_null(strstr(d.items[1].message, "row 3 has 4 cells"));
    /* A bad value: the row's name, the cell's line and column. */
    assert_int_equal(clasm_deal_table_deal(t, 2, &deal, &d), CLASM_E_INPUT);
    const clasm_diag *g = &d.items[2];
    assert_string_equal(g->file, "deals.csv row 4");
    assert_int_equal(g->line, 4);
    assert_int_equal(g->column, 8);
    assert_non_null(strstr(g->message, "customer.kind"));
    assert_non_null(strstr(g->message, "charity"));
    assert_int_equal(clasm_deal_table_deal(t, 3, &deal, &d), CLASM_E_INPUT);
    g = find(&d, "invalid-id");
    assert_non_null(g);
    assert_string_equal(g->file, "deals.csv row 5");
    assert_int_equal(g->line, 5);
    assert_int_equal(g->column, 1);
    assert_int_equal(clasm_deal_table_deal(t, 4, &deal, &d), CLASM_E_USAGE);
    clasm_deal_table_free(t);
    clasm_diags_free(&d);
}

static void test_base_errors(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal_table *t = NULL;
    const char *list = "- a\n- b\n";
    assert_int_equal(clasm_deal_table_load_string("id\nX\n", 4, "deals.csv", list, strlen(list),
                                                  "base.yaml", &t, &d),
                     CLASM_E_INPUT);
    assert_null(t);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, "base.yaml");
    assert_int_equal(d.items[0].line, 1);
    const char *broken = "id: [x\n";
    clasm_diags_free(&d);
    clasm_diags_init(&d);
    assert_int_equal(clasm_deal_table_load_string("id\nX\n", 4, "deals.csv", broken, strlen(broken),
                                                  "base.yaml", &t, &d),
                     CLASM_E_INPUT);
    assert_true(d.count >= 1);
    assert_string_equal(d.items[0].file, "base.yaml");
    clasm_diags_free(&d);
    /* An empty base: every key comes from the row, the rest is missing. */
    clasm_diags_init(&d);
    assert_int_equal(
        clasm_deal_table_load_string("id\nX\n", 4, "deals.csv", "", 0, "base.yaml", &t, &d),
        CLASM_OK);
    clasm_deal *deal = NULL;
    assert_int_equal(clasm_deal_table_deal(t, 0, &deal, &d), CLASM_E_INPUT);
    const clasm_diag *g = find(&d, "missing-key");
    assert_non_null(g);
    assert_string_equal(g->file, "deals.csv row 2");
    clasm_deal_table_free(t);
    clasm_diags_free(&d);
    /* Files: a missing one is an I/O error naming it. */
    clasm_diags_init(&d);
    assert_int_equal(clasm_deal_table_load("no/such.csv", "no/base.yaml", &t, &d), CLASM_E_IO);
    assert_non_null(strstr(d.items[0].message, "cannot read no/such.csv"));
    clasm_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4180),       cmocka_unit_test(test_lists_and_new_mappings),
        cmocka_unit_test(test_header_errors), cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_row_errors),    cmocka_unit_test(test_base_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
