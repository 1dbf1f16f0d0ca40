/* clasm screen: a deal's parties against restricted-party lists (the U.S.
 * Consolidated Screening List's CSV download, which the user fetches), each
 * hit with the deal's decision on it. Exit 1 while a hit is undecided. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_screen(int argc, char **argv)
{
    cli_options o;
    int rc = parse_options(argc, argv, OPT_LIBRARY | OPT_FORMAT | OPT_LIST, &o);
    if (rc != CLASM_OK)
        return rc;
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_library *lib = NULL;
    clasm_deal *deal = NULL;
    rc = load_inputs(&o, &lib, &deal, &diags);
    if (rc == CLASM_OK && !o.nlists && !clasm_library_screen_list(lib)) {
        clasm_deal_free(deal);
        clasm_library_free(lib);
        clasm_diags_free(&diags);
        return usage_error("%sscreen needs a list: --list FILE (the Consolidated Screening List's "
                           "CSV download), or a default list in the library (library.yaml "
                           "screening.list)",
                           "");
    }
    clasm_screen_list *lists[CLI_MAX_LISTS] = {0};
    size_t nlists = 0;
    if (rc == CLASM_OK)
        rc = load_lists(&o, lib, lists, &nlists, &diags);
    clasm_screening *s = NULL;
    if (rc == CLASM_OK)
        rc = clasm_screen_pack(lib, deal, (const clasm_screen_list *const *)lists, nlists, NULL, 0,
                               CLASM_SEV_ERROR, &s, &diags);
    if (s) {
        if (o.format && strcmp(o.format, "json") == 0) {
            char *json = clasm_screening_json(s);
            if (json)
                puts(json);
            else if (rc == CLASM_OK)
                rc = CLASM_E_IO;
            free(json);
        } else {
            clasm_screening_print_text(stdout, s);
        }
        if (rc == CLASM_OK && clasm_screening_undisposed(s))
            rc = CLASM_E_INPUT;
    }
    clasm_screening_free(s);
    free_lists(lists, nlists);
    clasm_deal_free(deal);
    clasm_library_free(lib);
    return finish(&diags, rc);
}
