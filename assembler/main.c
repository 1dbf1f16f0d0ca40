/* clasm command line: a thin client of clasm.h.
 * Exit codes: 0 success, 1 wrong input, 2 usage, 3 I/O or internal failure. */
#include "clasm.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CLASM_VERSION "0.1.0"

static const char usage_text[] =
    "usage: clasm COMMAND [ARGS]\n"
    "\n"
    "  assemble DEAL [-t TEMPLATE] [-o OUT] [--library DIR] [--report FILE] [--strict]\n"
    "      write one draft per document the deal names\n"
    "  select DEAL [--library DIR] [--document D] [--format text|json] [--strict]\n"
    "      show the plan: which clauses, why, what is uncovered, the tier\n"
    "\n"
    "  --library DIR   the clause library (default: $CLASM_LIBRARY, then the one\n"
    "                  beside the binary, then the installed one)\n"
    "  -t TEMPLATE     the template (default: templates/<document>.docx)\n"
    "  -o OUT          the output (default: <deal id>-<document>.docx here)\n"
    "  --strict        treat warnings (uncovered risks, escalation) as errors\n"
    "\n"
    "Exit: 0 ok, 1 the input is wrong, 2 usage, 3 I/O or internal failure.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("clasm: ", stderr);
    fprintf(stderr, fmt, arg ? arg : "");
    fputs("\nRun 'clasm --help' for usage.\n", stderr);
    return CLASM_E_USAGE;
}

/* Options shared by the commands; each command accepts a subset. */
typedef struct {
    const char *deal;
    const char *template_path;
    const char *output;
    const char *library;
    const char *report;
    const char *document;
    const char *format;
    int strict;
} cli_options;

enum {
    OPT_T = 1,
    OPT_O = 2,
    OPT_LIBRARY = 4,
    OPT_REPORT = 8,
    OPT_DOCUMENT = 16,
    OPT_FORMAT = 32,
    OPT_STRICT = 64
};

static int parse_options(int argc, char **argv, unsigned allowed, cli_options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        unsigned flag = 0;
        if (strcmp(a, "-t") == 0 || strcmp(a, "--template") == 0)
            slot = &o->template_path, flag = OPT_T;
        else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
            slot = &o->output, flag = OPT_O;
        else if (strcmp(a, "--library") == 0)
            slot = &o->library, flag = OPT_LIBRARY;
        else if (strcmp(a, "--report") == 0)
            slot = &o->report, flag = OPT_REPORT;
        else if (strcmp(a, "--document") == 0)
            slot = &o->document, flag = OPT_DOCUMENT;
        else if (strcmp(a, "--format") == 0)
            slot = &o->format, flag = OPT_FORMAT;
        else if (strcmp(a, "--strict") == 0) {
            if (!(allowed & OPT_STRICT))
                return usage_error("this command has no option %s", a);
            o->strict = 1;
            continue;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option %s", a);
        } else {
            if (o->deal)
                return usage_error("one deal file only (extra argument %s)", a);
            o->deal = a;
            continue;
        }
        if (!(allowed & flag))
            return usage_error("this command has no option %s", a);
        if (i + 1 >= argc)
            return usage_error("option %s needs a value", a);
        *slot = argv[++i];
    }
    if (!o->deal)
        return usage_error("a deal file is required%s", NULL);
    if (o->format && strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)
        return usage_error("--format is text or json, not %s", o->format);
    if (o->document && clasm_document_from_name(o->document) < 0)
        return usage_error("--document is contract, eula or reseller-agreement, not %s",
                           o->document);
    return CLASM_OK;
}

/* Prints the diagnostics and maps them to an exit status: errors are 1
 * (the input is wrong) unless the operation itself failed harder. */
static int finish(clasm_diags *diags, int status)
{
    clasm_diags_print(stderr, diags);
    size_t errors = clasm_diags_errors(diags);
    clasm_diags_free(diags);
    if (status == CLASM_OK && errors > 0)
        status = CLASM_E_INPUT;
    return status;
}

/* Loads the library and the deal, reporting the problems of both. */
static int load_inputs(const cli_options *o, clasm_library **lib, clasm_deal **deal,
                       clasm_diags *diags)
{
    *lib = NULL;
    *deal = NULL;
    char *found = NULL;
    const char *dir = o->library;
    if (!dir) {
        found = clasm_find_data("clauses");
        if (!found) {
            fprintf(stderr, "clasm: cannot find the clause library: pass --library DIR or set "
                            "CLASM_LIBRARY\n");
            return CLASM_E_IO;
        }
        dir = found;
    }
    clasm_status ls = clasm_library_load(dir, lib, diags);
    free(found);
    clasm_status ds = clasm_deal_load(o->deal, deal, diags);
    if (ls == CLASM_E_IO || ds == CLASM_E_IO)
        return CLASM_E_IO;
    if (ls != CLASM_OK || ds != CLASM_OK)
        return CLASM_E_INPUT;
    return CLASM_OK;
}

/* The documents to draw: the --document one, or every one the deal names. */
static size_t documents_to_draw(const cli_options *o, const clasm_deal *deal,
                                clasm_document docs[CLASM_DOC_COUNT])
{
    if (o->document) {
        docs[0] = (clasm_document)clasm_document_from_name(o->document);
        return 1;
    }
    return clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
}

/* Plans for docs; all problems collected. On success plans[i] are set. */
static int make_plans(const clasm_library *lib, const clasm_deal *deal, const clasm_document *docs,
                      size_t ndocs, clasm_plan **plans, int strict, clasm_diags *diags)
{
    int status = CLASM_OK;
    for (size_t i = 0; i < ndocs; i++) {
        plans[i] = NULL;
        /* Risk-id problems are the deal's and would repeat per document. */
        clasm_diags one;
        clasm_diags_init(&one);
        clasm_status s = clasm_select(lib, deal, docs[i], &plans[i], &one);
        for (size_t k = 0; k < one.count; k++) {
            const clasm_diag *b = &one.items[k];
            int dup = 0;
            for (size_t j = 0; j < diags->count && !dup; j++) {
                const clasm_diag *a = &diags->items[j];
                dup = a->message && b->message && strcmp(a->message, b->message) == 0 &&
                      a->line == b->line && a->column == b->column;
            }
            if (!dup) {
                clasm_diags single = {(clasm_diag *)b, 1, 1};
                clasm_diags_append(diags, &single);
            }
        }
        clasm_diags_free(&one);
        if (s != CLASM_OK && status == CLASM_OK)
            status = s;
    }
    if (status == CLASM_OK && ndocs > 1)
        status = clasm_check_flow_down(lib, plans, ndocs, diags);
    if (strict)
        clasm_diags_promote_warnings(diags);
    if (status == CLASM_OK && clasm_diags_errors(diags) > 0)
        status = CLASM_E_INPUT;
    return status;
}

static void free_plans(clasm_plan **plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        clasm_plan_free(plans[i]);
}

/* The plans as JSON: one object, or an array for a deal pack. outputs may be NULL. */
static char *plans_json(clasm_plan **plans, size_t n, char **outputs)
{
    if (n == 1)
        return clasm_plan_json(plans[0], outputs ? outputs[0] : NULL);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        char *s = clasm_plan_json(plans[i], outputs ? outputs[i] : NULL);
        json_t *obj = s ? json_loads(s, JSON_PRESERVE_ORDER, NULL) : NULL;
        free(s);
        if (!obj || json_array_append_new(arr, obj) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    char *out = arr ? json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(arr);
    return out;
}

static int cmd_select(int argc, char **argv)
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
            char *json = plans_json(plans, ndocs, NULL);
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

/* A staging name beside out: drafts of a pack are staged, then renamed
 * together, so a failing document leaves none of the pack behind. */
static char *staging_path(const char *out, size_t index)
{
    const char *slash = strrchr(out, '/');
    size_t dirlen = slash ? (size_t)(slash - out) + 1 : 0;
    size_t n = strlen(out) + 64;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%.*s.clasm-stage-%ld-%zu.docx", (int)dirlen, out, (long)getpid(), index);
    return s;
}

/* 1 when both paths name one existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static int write_report(const char *path, const char *json)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return CLASM_E_IO;
    snprintf(tmp, n, "%s.clasm-tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int ok = f && fputs(json, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "clasm: cannot write report %s: %s\n", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok ? CLASM_OK : CLASM_E_IO;
}

static int cmd_assemble(int argc, char **argv)
{
    cli_options o;
    int rc = parse_options(argc, argv, OPT_T | OPT_O | OPT_LIBRARY | OPT_REPORT | OPT_STRICT, &o);
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
    char *staged[CLASM_DOC_COUNT] = {0};
    size_t ndocs = 0, nstaged = 0;
    if (rc == CLASM_OK) {
        ndocs = documents_to_draw(&o, deal, docs);
        if (ndocs > 1 && (o.template_path || o.output)) {
            fprintf(stderr, "clasm: -t and -o need a deal naming one document; %s names %zu\n",
                    o.deal, ndocs);
            rc = CLASM_E_USAGE;
        }
    }
    if (rc == CLASM_OK)
        rc = make_plans(lib, deal, docs, ndocs, plans, o.strict, &diags);
    for (size_t i = 0; rc == CLASM_OK && i < ndocs; i++) {
        char *tpath = o.template_path ? strdup(o.template_path) : default_template(docs[i]);
        outputs[i] = o.output ? strdup(o.output) : default_output(deal, docs[i]);
        if (!tpath) {
            fprintf(stderr, "clasm: cannot find the templates folder: pass -t TEMPLATE or set "
                            "CLASM_TEMPLATES\n");
            rc = CLASM_E_IO;
            break;
        }
        if (same_file(tpath, outputs[i])) {
            fprintf(stderr, "clasm: the output %s is the template itself; choose another -o\n",
                    outputs[i]);
            free(tpath);
            rc = CLASM_E_USAGE;
            break;
        }
        clasm_template *tpl = NULL;
        rc = clasm_template_open(tpath, &tpl, &diags);
        free(tpath);
        if (rc != CLASM_OK)
            break;
        staged[i] = staging_path(outputs[i], i);
        nstaged = i + 1;
        rc = clasm_assemble(tpl, lib, deal, plans[i], staged[i], &diags);
        clasm_template_free(tpl);
        if (rc == CLASM_OK && o.strict && clasm_diags_errors(&diags) == 0 &&
            clasm_diags_warnings(&diags) > 0) {
            clasm_diags_promote_warnings(&diags);
            rc = CLASM_E_INPUT;
        }
    }
    char *report = NULL;
    if (rc == CLASM_OK && o.report) {
        report = plans_json(plans, ndocs, outputs);
        if (!report)
            rc = CLASM_E_IO;
    }
    /* Everything is staged: move the drafts into place, then the report. */
    for (size_t i = 0; rc == CLASM_OK && i < ndocs; i++) {
        if (rename(staged[i], outputs[i]) != 0) {
            fprintf(stderr, "clasm: cannot write %s: %s\n", outputs[i], strerror(errno));
            rc = CLASM_E_IO;
        }
    }
    if (rc == CLASM_OK && report)
        rc = write_report(o.report, report);
    if (rc == CLASM_OK) {
        for (size_t i = 0; i < ndocs; i++)
            printf("wrote %s (%s, tier %s)\n", outputs[i], clasm_document_name(docs[i]),
                   clasm_plan_tier(plans[i]));
    } else {
        for (size_t i = 0; i < nstaged; i++)
            if (staged[i])
                unlink(staged[i]);
    }
    free(report);
    for (size_t i = 0; i < CLASM_DOC_COUNT; i++) {
        free(outputs[i]);
        free(staged[i]);
    }
    free_plans(plans, ndocs);
    clasm_deal_free(deal);
    clasm_library_free(lib);
    return finish(&diags, rc);
}

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
    return usage_error("unknown command %s", cmd);
}
