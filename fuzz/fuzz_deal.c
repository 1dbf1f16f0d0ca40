/* libFuzzer harness: the deal loader (YAML layer and deal checks) on
 * arbitrary bytes, then every accessor of a loaded deal, and selection of
 * each of its documents against the project's clause library (loaded once
 * per process) with the plan's JSON and text. */
#include "clasm.h"
#include "fuzz_util.h"

#include <stddef.h>
#include <stdint.h>

static const char *const paths[] = {
    "id",
    "date",
    "customer.name",
    "customer.country",
    "customer.kind",
    "seller.name",
    "reseller.name",
    "product.name",
    "product.capabilities",
    "deployment",
    "license",
    "end_use",
    "terms.governing_law",
    "terms.cure_period_days",
    "terms.",
    "terms",
    "",
    "customer",
    "nonexistent.x",
    "terms.a.b",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *deal = NULL;
    clasm_status st = clasm_deal_load_string((const char *)data, size, "fuzz.yaml", &deal, &d);
    fuzz_check_status(st, deal, &d);
    if (deal) {
        const char *id = clasm_deal_id(deal);
        if (!id)
            abort();
        clasm_document docs[CLASM_DOC_COUNT + 1];
        size_t n = clasm_deal_documents(deal, docs, CLASM_DOC_COUNT + 1);
        for (size_t i = 0; i < n; i++)
            if (!clasm_document_name(docs[i]))
                abort();
        for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
            const char *v = clasm_deal_value(deal, paths[i]);
            if (v)
                (void)strlen(v);
        }
        static clasm_library *lib;
        static int tried;
        if (!tried) {
            tried = 1;
            clasm_diags ld;
            clasm_diags_init(&ld);
            if (clasm_library_load(FUZZ_ROOT "/clauses", &lib, &ld) != CLASM_OK)
                abort(); /* the project's own library must load */
            clasm_diags_free(&ld);
        }
        for (size_t i = 0; i < n; i++) {
            clasm_plan *plan = NULL;
            clasm_diags sd;
            clasm_diags_init(&sd);
            clasm_status ss = clasm_select(lib, deal, docs[i], &plan, &sd);
            fuzz_check_status(ss, plan, &sd);
            if (plan) {
                char *json = clasm_plan_json(plan, "out.docx");
                free(json);
                FILE *null = fopen("/dev/null", "w");
                if (null) {
                    clasm_plan_print_text(null, plan);
                    fclose(null);
                }
                clasm_plan_free(plan);
            }
            clasm_diags_free(&sd);
        }
        clasm_deal_free(deal);
    }
    clasm_diags_free(&d);
    return 0;
}
