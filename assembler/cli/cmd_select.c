/* clasm select: the plan for a deal, for people (text) or tools (JSON). */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 1 when both paths name one existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int cmd_select(int argc, char **argv)
{
    cli_options o;
    int rc = parse_options(
        argc, argv, OPT_LIBRARY | OPT_DOCUMENT | OPT_FORMAT | OPT_STRICT | OPT_MEMO | OPT_LIST, &o);
    if (rc != CLASM_OK)
        return rc;
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_library *lib;
    clasm_deal *deal;
    rc = load_inputs(&o, &lib, &deal, &diags);
    clasm_document docs[CLASM_DOC_COUNT];
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    clasm_template *tpls[CLASM_DOC_COUNT] = {0};
    size_t ndocs = 0, ntpls = 0;
    const clasm_template *by_plan[CLASM_DOC_COUNT] = {0};
    clasm_memo_template *memo = NULL;
    char *memo_path = NULL;
    clasm_screen_list *lists[CLI_MAX_LISTS] = {0};
    size_t nlists = 0;
    clasm_screening *screening = NULL;
    if (rc == CLASM_OK)
        rc = load_lists(&o, lib, lists, &nlists, &diags);
    if (rc == CLASM_OK && o.memo) {
        /* The memo's destination and template are checked with the deal. */
        rc = open_memo_template(&memo, &memo_path, &diags);
        if (rc == CLASM_OK && same_file(o.memo, o.deal)) {
            fprintf(stderr,
                    "clasm: the memo %s is the deal file itself; the deal is only read, choose "
                    "another file [output-is-input]\n",
                    o.memo);
            rc = CLASM_E_INPUT;
        }
        if (rc == CLASM_OK && same_file(o.memo, memo_path)) {
            fprintf(stderr,
                    "clasm: the memo %s is the memo template itself; the template is only read, "
                    "choose another file [output-is-template]\n",
                    o.memo);
            rc = CLASM_E_INPUT;
        }
        if (rc == CLASM_OK)
            rc = clasm_output_check(o.memo, &diags);
    }
    if (rc == CLASM_OK) {
        ndocs = documents_to_draw(&o, deal, docs);
        /* The deal's terms may be the library's or those of the templates
         * that will draw its documents: the default ones, when found. */
        ntpls = default_templates(deal, tpls);
        int st = clasm_check_terms(lib, deal, (const clasm_template *const *)tpls, ntpls, &diags);
        rc = make_plans(lib, deal, docs, ndocs, plans, 0, &diags);
        if (rc == CLASM_OK && st != CLASM_OK)
            rc = st;
        /* Values still missing do not stop the plan: they are listed
         * beside it, and warned about (errors under --strict). */
        clasm_document named[CLASM_DOC_COUNT];
        size_t nnamed = clasm_deal_documents(deal, named, CLASM_DOC_COUNT);
        for (size_t i = 0; i < ndocs; i++)
            for (size_t k = 0; k < nnamed && k < ntpls; k++)
                if (named[k] == docs[i])
                    by_plan[i] = tpls[k];
        if (rc == CLASM_OK)
            rc = plans_missing(plans, ndocs, by_plan, lib, deal, CLASM_SEV_WARNING, &diags);
        /* Screening: undecided hits are warned about (errors under --strict). */
        if (rc == CLASM_OK)
            rc = clasm_screen_pack(lib, deal, (const clasm_screen_list *const *)lists, nlists,
                                   plans, ndocs, CLASM_SEV_WARNING, &screening, &diags);
        if (o.strict)
            clasm_diags_promote_warnings(&diags);
        if (rc == CLASM_OK && clasm_diags_errors(&diags) > 0)
            rc = CLASM_E_INPUT;
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
    /* The memo of the plan, missing values listed in it: written whole or
     * not at all. */
    if (rc == CLASM_OK && o.memo) {
        rc = clasm_memo_write(memo, lib, deal, (const clasm_plan *const *)plans, ndocs, o.memo,
                              &diags);
        if (rc == CLASM_OK)
            fprintf(stderr, "clasm: wrote %s (rationale memo)\n", o.memo);
    }
    clasm_memo_template_free(memo);
    free(memo_path);
    free_plans(plans, ndocs);
    clasm_screening_free(screening);
    free_lists(lists, nlists);
    for (size_t i = 0; i < ntpls; i++)
        clasm_template_free(tpls[i]);
    clasm_deal_free(deal);
    clasm_library_free(lib);
    return finish(&diags, rc);
}
