/* clasm lint [DIR] [--format text|json] [--update-lock] [--strict]: checks a
 * clause library for counsel (lint.c does the work). */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_lint(int argc, char **argv)
{
    const char *dir_arg = NULL, *format = "text";
    clasm_lint_options opt = {0, 0, NULL};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--update-lock") == 0) {
            opt.update_lock = 1;
        } else if (strcmp(a, "--strict") == 0) {
            opt.strict = 1;
        } else if (strcmp(a, "--format") == 0) {
            if (i + 1 >= argc)
                return usage_error("option %s needs a value", a);
            format = argv[++i];
            if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
                return usage_error("--format is text or json, not %s", format);
        } else if (strcmp(a, "--library") == 0) {
            if (i + 1 >= argc)
                return usage_error("option %s needs a value", a);
            if (dir_arg)
                return usage_error("one library folder only (extra argument %s)", argv[i + 1]);
            dir_arg = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option %s", a);
        } else {
            if (dir_arg)
                return usage_error("one library folder only (extra argument %s)", a);
            dir_arg = a;
        }
    }
    char *found = NULL;
    const char *dir = dir_arg ? dir_arg : (found = clasm_find_data("clauses"));
    if (!dir) {
        fprintf(stderr, "clasm: no clause library found; pass its folder: clasm lint DIR\n");
        return CLASM_E_IO;
    }
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_lint_report *report = NULL;
    int rc = clasm_lint(dir, &opt, &report, &diags);
    free(found);
    int json = strcmp(format, "json") == 0;
    if (json) {
        char *s = report ? clasm_lint_json(report, &diags) : NULL;
        if (s) {
            puts(s);
            free(s);
        } else {
            clasm_diags_print(stderr, &diags);
            if (rc == CLASM_OK)
                rc = CLASM_E_IO;
        }
    } else {
        clasm_diags_print(stderr, &diags);
        if (report)
            clasm_lint_print_text(stdout, report, &diags);
    }
    if (rc == CLASM_OK && clasm_diags_errors(&diags) > 0)
        rc = CLASM_E_INPUT;
    clasm_lint_report_free(report);
    clasm_diags_free(&diags);
    return rc;
}
