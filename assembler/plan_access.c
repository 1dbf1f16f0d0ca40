/* Read access to a plan for clients of the public API. */
#include "plan.h"

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
