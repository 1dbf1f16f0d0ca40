/* Read access to a plan for clients of the public API. */
#include "plan.h"

#include "library.h"
#include "strbuf.h"

#include <string.h>

const char *clasm_plan_tier(const clasm_plan *plan)
{
    return plan->tier;
}

long clasm_plan_score(const clasm_plan *plan)
{
    return plan->score;
}

int clasm_plan_escalate(const clasm_plan *plan)
{
    return plan->escalate;
}

size_t clasm_plan_clause_count(const clasm_plan *plan)
{
    return plan->nitems;
}

clasm_document clasm_plan_document(const clasm_plan *plan)
{
    return plan->document;
}

char *plan_item_why(const plan_item *it, size_t max_supports)
{
    strbuf b = {0};
    if (it->nbecause) {
        strbuf_adds(&b, "because: ");
        for (size_t i = 0; i < it->nbecause; i++) {
            if (i)
                strbuf_adds(&b, "; ");
            strbuf_adds(&b, it->because[i]);
        }
    }
    size_t shown = it->nsupports;
    if (max_supports && shown > max_supports)
        shown = max_supports;
    if (shown) {
        strbuf_adds(&b, it->nbecause ? "; supports: " : "supports: ");
        for (size_t i = 0; i < shown; i++) {
            if (i)
                strbuf_adds(&b, i + 1 == shown && shown == it->nsupports ? " and " : ", ");
            strbuf_adds(&b, it->supports[i]);
        }
        if (shown < it->nsupports)
            strbuf_addf(&b, " and %zu more", it->nsupports - shown);
    }
    return strbuf_take(&b);
}

static void mark_default(clasm_plan *plan, const char *key)
{
    for (size_t i = 0; i < plan->ndefaults; i++)
        if (strcmp(plan->defaults[i].key, key) == 0)
            plan->defaults[i].printed = 1;
}

void plan_default_printed(clasm_plan *plan, const clasm_library *lib, const char *path)
{
    if (!plan || strncmp(path, "terms.", 6) != 0)
        return;
    mark_default(plan, path + 6);
    /* An amount prints its currency ("USD 1,250,000"). */
    for (size_t t = 0; lib && t < lib->nterms; t++)
        if (strcmp(lib->terms[t].key, path + 6) == 0 && lib->terms[t].kind == TERM_AMOUNT &&
            lib->terms[t].currency)
            mark_default(plan, lib->terms[t].currency);
}
