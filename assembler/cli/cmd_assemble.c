/* clasm assemble: one draft per document of a deal, all or nothing. */
#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *default_output(const clasm_deal *deal, clasm_document doc)
{
    const char *id = clasm_deal_id(deal);
    const char *name = clasm_document_name(doc);
    size_t n = strlen(id) + strlen(name) + 8;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s-%s.docx", id, name);
    return s;
}

static char *default_template(clasm_document doc)
{
    char *dir = clasm_find_data("templates");
    if (!dir)
        return NULL;
    const char *name = clasm_document_name(doc);
    size_t n = strlen(dir) + strlen(name) + 8;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s.docx", dir, name);
    free(dir);
    return s;
}

/* 1 when both paths name one existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Whether clasm may write what (the draft or the report) at path. Refused,
 * exit 1, with the reason: the template, the deal file, another output of
 * this run (others[0..nothers)), or whatever clasm_output_check refuses (a
 * folder, a link, a device, a missing folder...; those go to diags). */
static clasm_status output_allowed(const char *what, const char *path, const char *tpath,
                                   const char *deal_path, char *const *others, size_t nothers,
                                   clasm_diags *diags)
{
    if (tpath && same_file(tpath, path)) {
        fprintf(stderr,
                "clasm: the %s %s is the template itself; the template is only read, choose "
                "another file [output-is-template]\n",
                what, path);
        return CLASM_E_INPUT;
    }
    if (same_file(deal_path, path)) {
        fprintf(stderr,
                "clasm: the %s %s is the deal file itself; the deal is only read, choose another "
                "file [output-is-input]\n",
                what, path);
        return CLASM_E_INPUT;
    }
    for (size_t i = 0; i < nothers; i++)
        if (others[i] && (strcmp(others[i], path) == 0 || same_file(others[i], path))) {
            fprintf(stderr,
                    "clasm: the %s %s is also the draft %s; give each its own file "
                    "[output-clash]\n",
                    what, path, others[i]);
            return CLASM_E_INPUT;
        }
    /* Folders, links, devices, missing folders, names too long: one rule
     * for every output, in clasm_output_check. */
    return clasm_output_check(path, diags);
}

/* The folder a path is in, for the sweep of stale temporary files. */
static void sweep_folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (dir)
        clasm_sweep_stale(dir);
    free(dir);
}

int cmd_assemble(int argc, char **argv)
{
    cli_options o;
    int rc = parse_options(argc, argv,
                           OPT_T | OPT_O | OPT_LIBRARY | OPT_REPORT | OPT_DOCUMENT | OPT_STRICT |
                               OPT_MEMO | OPT_LIST | OPT_ALLOW_UNSCREENED,
                           &o);
    if (rc != CLASM_OK)
        return rc;
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_library *lib;
    clasm_deal *deal;
    rc = load_inputs(&o, &lib, &deal, &diags);
    clasm_document docs[CLASM_DOC_COUNT];
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    char *outputs[CLASM_DOC_COUNT] = {0};
    char hashes[CLASM_DOC_COUNT][65];
    char *hash_of[CLASM_DOC_COUNT] = {0};
    size_t ndocs = 0;
    clasm_outputs *set = NULL;
    clasm_template *tpls[CLASM_DOC_COUNT] = {0};
    char *tpaths[CLASM_DOC_COUNT] = {0};
    clasm_memo_template *memo = NULL;
    char *memo_path = NULL;
    clasm_screen_list *lists[CLI_MAX_LISTS] = {0};
    size_t nlists = 0;
    clasm_screening *screening = NULL;
    if (rc == CLASM_OK) {
        ndocs = documents_to_draw(&o, deal, docs);
        if (ndocs > 1 && (o.template_path || o.output)) {
            fprintf(stderr,
                    "clasm: -t and -o need one document; %s names %zu: pick one with "
                    "--document\n",
                    o.deal, ndocs);
            rc = CLASM_E_USAGE;
        }
    }
    /* The templates first: the deal's terms may use their keys, and every
     * problem of the deal (its terms, its risks, its values) is reported in
     * one run. */
    for (size_t i = 0; rc == CLASM_OK && i < ndocs; i++) {
        tpaths[i] = o.template_path ? strdup(o.template_path) : default_template(docs[i]);
        if (!tpaths[i])
            rc = no_data_error("templates", "-t TEMPLATE");
    }
    if (rc == CLASM_OK) {
        int st = CLASM_OK;
        for (size_t i = 0; i < ndocs; i++) {
            int s1 = clasm_template_open(tpaths[i], &tpls[i], &diags);
            if (s1 != CLASM_OK && (st == CLASM_OK || s1 == CLASM_E_IO))
                st = s1;
        }
        /* The memo's template with the drafts': all their problems at once. */
        int s1 = o.memo ? open_memo_template(&memo, &memo_path, &diags) : CLASM_OK;
        if (s1 != CLASM_OK && (st == CLASM_OK || s1 == CLASM_E_IO))
            st = s1;
        int s1b = load_lists(&o, lib, lists, &nlists, &diags);
        if (s1b != CLASM_OK && (st == CLASM_OK || s1b == CLASM_E_IO))
            st = s1b;
        int s2 = clasm_check_terms(lib, deal, (const clasm_template *const *)tpls, ndocs, &diags);
        int s3 = make_plans(lib, deal, docs, ndocs, plans, o.strict, &diags);
        /* Screening: an undecided hit stops the drafts unless
         * --allow-unscreened (then a warning, an error under --strict). */
        if (s3 == CLASM_OK && st == CLASM_OK) {
            s3 = clasm_screen_pack(
                lib, deal, (const clasm_screen_list *const *)lists, nlists, plans, ndocs,
                o.allow_unscreened ? CLASM_SEV_WARNING : CLASM_SEV_ERROR, &screening, &diags);
            if (o.strict)
                clasm_diags_promote_warnings(&diags);
        }
        /* Values still to fill in, of the clauses and the templates: each
         * is an error here, and nothing is drafted. */
        int s4 = s3 == CLASM_OK ? plans_missing(plans, ndocs, (const clasm_template *const *)tpls,
                                                lib, deal, CLASM_SEV_ERROR, &diags)
                                : CLASM_OK;
        rc = st != CLASM_OK ? st : s2 != CLASM_OK ? s2 : s3 != CLASM_OK ? s3 : s4;
        if (rc == CLASM_OK && clasm_diags_errors(&diags) > 0)
            rc = CLASM_E_INPUT;
    }
    if (rc == CLASM_OK)
        rc = clasm_outputs_new(&set, 0, &diags);
    /* Every draft of the pack and the report are staged, then put in place
     * together: a failing document leaves none of the pack behind. */
    for (size_t i = 0; rc == CLASM_OK && i < ndocs; i++) {
        const char *tpath = tpaths[i];
        outputs[i] = o.output ? strdup(o.output) : default_output(deal, docs[i]);
        if (!outputs[i]) {
            fprintf(stderr, "clasm: out of memory\n");
            rc = CLASM_E_IO;
        } else {
            rc = output_allowed("output", outputs[i], tpath, o.deal, NULL, 0, &diags);
            if (rc == CLASM_OK && o.report)
                rc = output_allowed("report", o.report, tpath, o.deal, outputs, i + 1, &diags);
        }
        if (rc != CLASM_OK)
            break;
        sweep_folder_of(outputs[i]);
        unsigned char *bytes = NULL;
        size_t len = 0;
        rc = clasm_assemble_buffer(tpls[i], lib, deal, plans[i],
                                   o.strict ? CLASM_ASSEMBLE_STRICT : 0, &bytes, &len, &diags);
        if (rc == CLASM_OK && clasm_sha256_hex(bytes, len, hashes[i]))
            hash_of[i] = hashes[i];
        if (rc == CLASM_OK)
            rc = clasm_outputs_add(set, outputs[i], bytes, len, &diags);
        free(bytes);
    }
    /* The rationale memo, put in place with the drafts or not at all. */
    if (rc == CLASM_OK && o.memo) {
        rc = output_allowed("memo", o.memo, memo_path, o.deal, outputs, ndocs, &diags);
        if (rc == CLASM_OK && o.report &&
            (strcmp(o.report, o.memo) == 0 || same_file(o.report, o.memo))) {
            fprintf(stderr,
                    "clasm: the memo %s is also the report; give each its own file "
                    "[output-clash]\n",
                    o.memo);
            rc = CLASM_E_INPUT;
        }
        if (rc == CLASM_OK) {
            sweep_folder_of(o.memo);
            rc = stage_memo(set, o.memo, memo, lib, deal, plans, ndocs, &diags);
        }
    }
    if (rc == CLASM_OK && o.report) {
        sweep_folder_of(o.report);
        /* The report names each draft and its hash: a report and a draft
         * from different runs can be told apart. */
        char *report = plans_json(plans, ndocs, outputs, hash_of);
        if (!report) {
            fprintf(stderr, "clasm: out of memory while writing the report\n");
            rc = CLASM_E_IO;
        } else {
            size_t n = strlen(report);
            report[n] = '\n'; /* the terminating NUL becomes the final newline */
            rc = clasm_outputs_add(set, o.report, report, n + 1, &diags);
            free(report);
        }
    }
    if (rc == CLASM_OK)
        rc = clasm_outputs_commit(set, &diags);
    clasm_outputs_free(set);
    if (rc == CLASM_OK) {
        for (size_t i = 0; i < ndocs; i++)
            printf("wrote %s (%s, tier %s)\n", outputs[i], clasm_document_name(docs[i]),
                   clasm_plan_tier(plans[i]));
        if (o.memo)
            printf("wrote %s (rationale memo)\n", o.memo);
    }
    for (size_t i = 0; i < CLASM_DOC_COUNT; i++) {
        free(outputs[i]);
        free(tpaths[i]);
        clasm_template_free(tpls[i]);
    }
    clasm_memo_template_free(memo);
    free(memo_path);
    free_plans(plans, ndocs);
    clasm_screening_free(screening);
    free_lists(lists, nlists);
    clasm_deal_free(deal);
    clasm_library_free(lib);
    return finish(&diags, rc);
}
