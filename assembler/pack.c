/* Plans for a deal pack: one plan per document from one deal, the deal's
 * own problems (a misspelled risk id, say) reported once rather than once
 * per document, and flow-down checked across the pack. The CLI, batch and
 * the server all plan this way. */
#include "clasm.h"

#include <string.h>

/* 1 when diags already holds a problem with b's message at b's place. */
static int already_said(const clasm_diags *diags, const clasm_diag *b)
{
    for (size_t j = 0; j < diags->count; j++) {
        const clasm_diag *a = &diags->items[j];
        if (a->message && b->message && strcmp(a->message, b->message) == 0 && a->line == b->line &&
            a->column == b->column)
            return 1;
    }
    return 0;
}

clasm_status clasm_select_pack(const clasm_library *lib, const clasm_deal *deal,
                               const clasm_document *docs, size_t ndocs, clasm_plan **plans,
                               clasm_diags *diags)
{
    clasm_status status = CLASM_OK;
    for (size_t i = 0; i < ndocs; i++) {
        plans[i] = NULL;
        clasm_diags one;
        clasm_diags_init(&one);
        clasm_status s = clasm_select(lib, deal, docs[i], &plans[i], &one);
        for (size_t k = 0; k < one.count; k++) {
            if (already_said(diags, &one.items[k]))
                continue;
            clasm_diags single = {&one.items[k], 1, 1};
            clasm_diags_append(diags, &single);
        }
        clasm_diags_free(&one);
        if (s != CLASM_OK && status == CLASM_OK)
            status = s;
    }
    if (status == CLASM_OK && ndocs > 1)
        status = clasm_check_flow_down(lib, plans, ndocs, diags);
    if (status == CLASM_OK && clasm_diags_errors(diags) > 0)
        status = CLASM_E_INPUT;
    return status;
}
