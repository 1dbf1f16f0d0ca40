/* clasm redline: a returned draft with its deviations undone as Word
 * tracked changes, for counsel to accept or reject. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* DRAFT.docx -> DRAFT-redline.docx beside it. Malloc'd. */
static char *default_output(const char *draft)
{
    size_t n = strlen(draft);
    if (n > 5 && strcmp(draft + n - 5, ".docx") == 0)
        n -= 5;
    char *s = malloc(n + sizeof "-redline.docx");
    if (s) {
        memcpy(s, draft, n);
        strcpy(s + n, "-redline.docx");
    }
    return s;
}

int cmd_redline(int argc, char **argv)
{
    const char *to = NULL, *author = NULL, *date = NULL;
    int rc = take_option(&argc, argv, "--to", &to);
    if (rc == CLASM_OK)
        rc = take_option(&argc, argv, "--author", &author);
    if (rc == CLASM_OK)
        rc = take_option(&argc, argv, "--date", &date);
    if (rc != CLASM_OK)
        return rc;
    clasm_redline_options ro = {author, date, 0, 0};
    /* --outgoing: comments for the other side, not our playbook. */
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--outgoing") == 0) {
            ro.outgoing = 1;
            for (int k = i; k + 1 < argc; k++)
                argv[k] = argv[k + 1];
            argc--;
            i--;
        }
    ro.to_fallback = clasm_redline_target(to);
    if (ro.to_fallback < 0)
        return usage_error("--to is standard or fallback:N (N a fallback's number, 1 to 999), "
                           "not %s",
                           to);
    cli_options o;
    rc = parse_options(argc, argv, OPT_LIBRARY | OPT_O | OPT_DRAFT, &o);
    if (rc != CLASM_OK)
        return rc;
    char *out = o.output ? NULL : default_output(o.deal);
    const char *dest = o.output ? o.output : out;
    if (!dest)
        return CLASM_E_IO;
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_library *lib = NULL;
    int has_library = 0;
    rc = load_draft_library(&o, &lib, &has_library, &diags);
    if (rc == CLASM_OK)
        rc = clasm_redline(o.deal, lib, &ro, dest, &diags);
    if (rc == CLASM_OK)
        printf("wrote %s\n", dest);
    free(out);
    clasm_library_free(lib);
    return finish(&diags, rc);
}
