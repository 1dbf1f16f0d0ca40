/* What the library's other modules may ask of an opened template
 * (assemble.c owns its structure). */
#ifndef CLASM_TEMPLATE_H
#define CLASM_TEMPLATE_H

#include "clasm.h"

/* Called with a value path a draft prints, its part and its paragraph in
 * the template; 0 goes on, anything else stops the walk. */
typedef int (*template_value_fn)(void *ctx, const char *path, const char *part, int paragraph);
/* Whether the walk asks about a path at all (its conditionals are then
 * evaluated): 1 yes, 0 no. */
typedef int (*template_value_want)(void *ctx, const char *path);

/* Calls fn for every value placeholder a draft of tpl for this deal and
 * plan prints, after the template's conditionals, among those want (NULL:
 * all) asks about (tier, score and document are skipped). Returns 0, what
 * fn returned to stop, or -1 when out of memory. */
int template_each_value(const clasm_template *tpl, const clasm_library *lib, const clasm_deal *deal,
                        const clasm_plan *plan, template_value_want want, template_value_fn fn,
                        void *ctx);

/* clasm_template_open without the main part's static runs
 * (docx_static.h): each draft copies and serializes the whole tree. The
 * reference that drafts with static runs must equal byte for byte. */
clasm_status template_open_whole(const char *path, clasm_template **out, clasm_diags *diags);
/* How many static runs the template's main part has. */
size_t template_static_runs(const clasm_template *tpl);
/* How many of the template's conditionals were parsed when it was opened
 * (*total: how many it has). */
size_t template_parsed_conditionals(const clasm_template *tpl, size_t *total);
/* How many clauses clasm_template_compile compiled for the template. */
size_t template_compiled_clauses(const clasm_template *tpl);

#endif
