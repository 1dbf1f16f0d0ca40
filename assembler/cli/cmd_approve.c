/* clasm approve: an approval of a clause's negotiated text, on record in
 * the draft. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_approve(int argc, char **argv)
{
    clasm_approval a = {0};
    int rc = take_option(&argc, argv, "--clause", &a.clause);
    if (rc == CLASM_OK)
        rc = take_option(&argc, argv, "--as", &a.role);
    if (rc == CLASM_OK)
        rc = take_option(&argc, argv, "--by", &a.by);
    if (rc == CLASM_OK)
        rc = take_option(&argc, argv, "--note", &a.note);
    if (rc != CLASM_OK)
        return rc;
    cli_options o;
    rc = parse_options(argc, argv, OPT_O | OPT_DRAFT, &o);
    if (rc != CLASM_OK)
        return rc;
    if (!a.clause || !a.role || !a.by)
        return usage_error("%s", "--clause ID, --as ROLE and --by NAME are required");
    clasm_diags diags;
    clasm_diags_init(&diags);
    rc = clasm_approve(o.deal, &a, o.output, &diags);
    if (rc == CLASM_OK)
        printf("recorded: %s approved by %s as %s in %s\n", a.clause, a.by, a.role,
               o.output ? o.output : o.deal);
    return finish(&diags, rc);
}
