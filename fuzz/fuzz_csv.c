/* libFuzzer harness: deals from a spreadsheet (deal_csv.c) on arbitrary
 * bytes. The input is the CSV; when it holds a line "#~base", what follows
 * is the base deal instead of the fixed one. Every row's deal is built (the
 * first 64) and checked like a deal file; a loaded deal's values are read.
 * Status and result must agree (fuzz_check_status). */
#include "clasm.h"
#include "fuzz_util.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static const char BASE[] = "documents: [contract]\n"
                           "date: 2026-11-27\n"
                           "seller: { name: Seller Inc }\n"
                           "customer: { name: Base Customer, country: DE, kind: private }\n"
                           "product: { name: Eye, capabilities: [video-analytics] }\n"
                           "deployment: cloud\n"
                           "license: perpetual\n"
                           "end_use: known\n"
                           "terms: { fees: '100' }\n";

static const char *const paths[] = {
    "id",         "customer.name", "customer.country", "reseller.name", "product.capabilities",
    "terms.fees", "date",          "terms.x"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *csv = (const char *)data;
    size_t csv_len = size;
    const char *base = BASE;
    size_t base_len = sizeof BASE - 1;
    static const char mark[] = "\n#~base\n";
    for (size_t i = 0; i + sizeof mark - 1 <= size; i++)
        if (memcmp(data + i, mark, sizeof mark - 1) == 0) {
            csv_len = i + 1;
            base = (const char *)data + i + sizeof mark - 1;
            base_len = size - i - (sizeof mark - 1);
            break;
        }
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal_table *t = NULL;
    clasm_status st =
        clasm_deal_table_load_string(csv, csv_len, "fuzz.csv", base, base_len, "base.yaml", &t, &d);
    fuzz_check_status(st, t, &d);
    size_t rows = clasm_deal_table_rows(t);
    for (size_t r = 0; t && r < rows && r < 64; r++) {
        if (!clasm_deal_table_row_name(t, r))
            abort();
        clasm_diags rd;
        clasm_diags_init(&rd);
        clasm_deal *deal = NULL;
        clasm_status ds = clasm_deal_table_deal(t, r, &deal, &rd);
        fuzz_check_status(ds, deal, &rd);
        for (size_t k = 0; deal && k < sizeof paths / sizeof *paths; k++) {
            const char *v = clasm_deal_value(deal, paths[k]);
            if (v)
                (void)strlen(v);
        }
        if (deal && !clasm_deal_id(deal))
            abort();
        clasm_deal_free(deal);
        clasm_diags_free(&rd);
    }
    if (t && clasm_deal_table_row_name(t, rows))
        abort();
    clasm_deal_table_free(t);
    clasm_diags_free(&d);
    return 0;
}
