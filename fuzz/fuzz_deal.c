/* libFuzzer harness: the deal loader (YAML layer and deal checks) on
 * arbitrary bytes, then every accessor of a loaded deal, selection of each
 * of its documents against the project's clause library (loaded once per
 * process) with the plan's JSON and text, the deal's terms keys checked,
 * and every value written as a draft would (values_display: words, ISO
 * country names, dates, amounts, periods) for the fixed paths and for each
 * of the deal's own terms. */
#include "clasm.h"
#include "deal.h"
#include "fuzz_util.h"
#include "values.h"

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
    "reseller.country",
    "tier",
    "score",
    "document",
    "terms.fees",
    "terms.currency",
    "terms.payment_days",
    "terms.initial_term_months",
    "terms.grievance_url",
    "terms.grievance_email",
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
        clasm_diags td;
        clasm_diags_init(&td);
        clasm_status ts = clasm_check_terms(lib, deal, NULL, 0, &td);
        if ((ts == CLASM_OK) != (clasm_diags_errors(&td) == 0))
            abort();
        fuzz_check_diags(&td);
        clasm_diags_free(&td);
        for (size_t i = 0; i < n; i++) {
            clasm_plan *plan = NULL;
            clasm_diags sd;
            clasm_diags_init(&sd);
            clasm_status ss = clasm_select(lib, deal, docs[i], &plan, &sd);
            fuzz_check_status(ss, plan, &sd);
            /* Every value as a draft writes it: a text exactly when the
             * status says so, a reason otherwise. */
            for (size_t k = 0; k < sizeof paths / sizeof *paths + deal->nterms; k++) {
                char path[300];
                if (k < sizeof paths / sizeof *paths)
                    snprintf(path, sizeof path, "%s", paths[k]);
                else
                    snprintf(path, sizeof path, "terms.%.250s",
                             deal->terms[k - sizeof paths / sizeof *paths].key);
                char *text = NULL;
                clasm_diags why;
                clasm_diags_init(&why);
                value_status vs = values_display(lib, deal, plan, path, &text, &why);
                if ((vs == VALUE_OK) != (text != NULL) || (vs != VALUE_OK && why.count == 0))
                    abort();
                const char *raw = values_raw(lib, deal, path, NULL);
                if (text && strstr(text, "{{") && !(raw && strstr(raw, "{{")))
                    abort(); /* a value never grows placeholders of its own */
                free(text);
                clasm_diags_free(&why);
            }
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
