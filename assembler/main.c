/* clasm command line: a thin client of clasm.h. Each command lives in its
 * own cmd_<name>.c. Exit codes: 0 success, 1 wrong input, 2 usage, 3 I/O or
 * internal failure. */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#define CLASM_VERSION "0.1.0"

static const char usage_text[] =
    "usage: clasm COMMAND [ARGS]\n"
    "\n"
    "  assemble DEAL [-t TEMPLATE] [-o OUT] [--library DIR] [--report FILE] [--strict]\n"
    "      write one draft per document the deal names\n"
    "  select DEAL [--library DIR] [--document D] [--format text|json] [--strict]\n"
    "      show the plan: which clauses, why, what is uncovered, the tier\n"
    "  batch DEAL... -o DIR [-t TEMPLATE] [--document D] [--jobs N] [--library DIR] [--strict]\n"
    "      many deals (files or folders of .yaml files), one template, every core\n"
    "\n"
    "  --library DIR   the clause library (default: $CLASM_LIBRARY, then the one\n"
    "                  beside the binary, then the installed one)\n"
    "  -t TEMPLATE     the template (default: templates/<document>.docx)\n"
    "  -o OUT          the output (default: <deal id>-<document>.docx here)\n"
    "  --strict        treat warnings (uncovered risks, escalation) as errors\n"
    "\n"
    "Exit: 0 ok, 1 the input is wrong, 2 usage, 3 I/O or internal failure.\n";

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("a command is required%s", NULL);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return CLASM_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("clasm " CLASM_VERSION);
        return CLASM_OK;
    }
    if (strcmp(cmd, "assemble") == 0)
        return cmd_assemble(argc - 2, argv + 2);
    if (strcmp(cmd, "select") == 0)
        return cmd_select(argc - 2, argv + 2);
    if (strcmp(cmd, "batch") == 0)
        return cmd_batch(argc - 2, argv + 2);
    return usage_error("unknown command %s", cmd);
}
