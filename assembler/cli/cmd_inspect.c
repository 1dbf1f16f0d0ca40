/* clasm inspect: which clauses a (negotiated) draft still holds as written. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_inspect(int argc, char **argv)
{
    const char *as = NULL;
    int rc = take_option(&argc, argv, "--as", &as);
    if (rc != CLASM_OK)
        return rc;
    cli_options o;
    rc = parse_options(argc, argv, OPT_LIBRARY | OPT_FORMAT | OPT_DRAFT, &o);
    if (rc != CLASM_OK)
        return rc;
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_library *lib = NULL;
    int has_library = 0;
    rc = load_draft_library(&o, &lib, &has_library, &diags);
    clasm_inspection *I = NULL;
    if (rc == CLASM_OK)
        rc = clasm_inspect(o.deal, lib, &I, &diags);
    if (rc == CLASM_OK && as && clasm_inspection_set_authority(I, as) != 0) {
        fprintf(stderr, "clasm: --as %s: not a role of this draft's playbook", as);
        for (size_t i = 0; clasm_inspection_role(I, i); i++)
            fprintf(stderr, "%s%s", i ? ", " : " (its roles: ", clasm_inspection_role(I, i));
        fputs(clasm_inspection_role(I, 0) ? ")\n" : "; it records none)\n", stderr);
        rc = CLASM_E_USAGE;
    }
    /* Said only for a draft that was read: before a missing or broken
     * draft's own error it would only mislead. */
    if (rc == CLASM_OK && !has_library)
        fprintf(stderr, "clasm: no clause library found (pass --library DIR): outdated clauses "
                        "cannot be told\n");
    if (rc == CLASM_OK) {
        if (o.format && strcmp(o.format, "json") == 0) {
            char *json = clasm_inspection_json(I);
            if (json) {
                puts(json);
                free(json);
            } else {
                rc = CLASM_E_IO;
            }
        } else {
            clasm_inspection_print_text(stdout, I);
        }
    }
    clasm_inspection_free(I);
    clasm_library_free(lib);
    return finish(&diags, rc);
}
