/* clasm select: the plan for a deal, for people (text) or tools (JSON). */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_select(int argc, char **argv)
{
    cli_options o;
    int rc = parse_options(argc, argv, OPT_LIBRARY | OPT_DOCUMENT | OPT_FORMAT | OPT_STRICT, &o);
    if (rc != CLASM_OK)
        return rc;
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_library *lib;
    clasm_deal *deal;
    rc = load_inputs(&o, &lib, &deal, &diags);
    clasm_document docs[CLASM_DOC_COUNT];
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    size_t ndocs = 0;
    if (rc == CLASM_OK) {
        ndocs = documents_to_draw(&o, deal, docs);
        rc = make_plans(lib, deal, docs, ndocs, plans, o.strict, &diags);
    }
    if (rc == CLASM_OK) {
        if (o.format && strcmp(o.format, "json") == 0) {
            char *json = plans_json(plans, ndocs, NULL, NULL);
            if (json) {
                puts(json);
                free(json);
            } else {
                rc = CLASM_E_IO;
            }
        } else {
            for (size_t i = 0; i < ndocs; i++) {
                if (i > 0)
                    putchar('\n');
                clasm_plan_print_text(stdout, plans[i]);
            }
        }
    }
    free_plans(plans, ndocs);
    clasm_deal_free(deal);
    clasm_library_free(lib);
    return finish(&diags, rc);
}
