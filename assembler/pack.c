/* Plans for a deal pack: one plan per document from one deal, the deal's
 * own problems (a misspelled risk id, say) reported once rather than once
 * per document, and flow-down checked across the pack. The CLI, batch and
 * the server all plan this way. */
#include "clasm.h"

#include "deal.h"
#include "diag.h"
#include "plan.h"

#include <string.h>

/* A position for a clause that none of the pack's documents has: it has
 * no effect, which the deal's author should know. */
static void check_positions_used(const clasm_deal *deal, clasm_plan *const *plans, size_t n,
                                 clasm_diags *diags)
{
    for (size_t i = 0; i < deal->npositions; i++) {
        const deal_position *p = &deal->positions[i];
        int used = 0;
        for (size_t d = 0; d < n && !used; d++)
            for (size_t k = 0; plans[d] && k < plans[d]->nitems && !used; k++)
                used = strcmp(plans[d]->items[k].id, p->clause) == 0;
        if (!used)
            diag_at(diags, CLASM_SEV_WARNING, "position-unused", deal->file, p->line, p->column,
                    "positions: no document of this deal has the clause %s, so its fallback is "
                    "not drawn; remove the entry or check the clause id",
                    p->clause);
    }
}

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
    /* Only over the whole pack: a clause may be in a document not drawn. */
    if (status == CLASM_OK && ndocs == deal->ndocuments)
        check_positions_used(deal, plans, ndocs, diags);
    if (status == CLASM_OK && clasm_diags_errors(diags) > 0)
        status = CLASM_E_INPUT;
    return status;
}
