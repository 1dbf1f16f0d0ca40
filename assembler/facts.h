/* Deal facts for the expression language: how clause `when` conditions and
 * template {{#if EXPR}} conditionals see a deal. Implemented with expr.c. */
#ifndef CLASM_FACTS_H
#define CLASM_FACTS_H

#include "clasm.h"
#include "expr.h"

/* Evaluates a template conditional over the deal, the plan's tier, score and
 * document. Returns 1 (true) or 0 (false); -1 when the expression does not
 * parse or names something unknown: *err is then a malloc'd message and
 * *column the 1-based column in expr. */
int facts_eval(const clasm_library *lib, const clasm_deal *deal, const clasm_plan *plan,
               const char *expr, char **err, int *column);

/* The same for many conditionals of one deal and plan: the names and facts
 * built once (facts_ctx_new; NULL when out of memory), each expression
 * then parsed, checked and evaluated (facts_ctx_eval, as facts_eval). The
 * context borrows lib, deal and plan. */
typedef struct facts_ctx facts_ctx;
facts_ctx *facts_ctx_new(const clasm_library *lib, const clasm_deal *deal, const clasm_plan *plan);
int facts_ctx_eval(const facts_ctx *fc, const char *expr, char **err, int *column);
/* facts_ctx_eval of an expression parsed already (expr_parse): checked and
 * evaluated. */
int facts_ctx_eval_parsed(const facts_ctx *fc, const expr *e, char **err, int *column);
void facts_ctx_free(facts_ctx *fc);

#endif
