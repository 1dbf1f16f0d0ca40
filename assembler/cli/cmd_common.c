/* Shared pieces of the command-line client (see cmd.h). */
#include "cmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int usage_error(const char *fmt, const char *arg)
{
    fputs("clasm: ", stderr);
    fprintf(stderr, fmt, arg ? arg : "");
    fputs("\nRun 'clasm --help' for usage.\n", stderr);
    return CLASM_E_USAGE;
}

int no_data_error(const char *what, const char *option)
{
    int lib = strcmp(what, "clauses") == 0;
    const char *var = lib ? "CLASM_LIBRARY" : "CLASM_TEMPLATES";
    const char *env = getenv(var);
    if (env && *env)
        fprintf(stderr,
                "clasm: %s is set to %s, which is not a folder: fix it, unset it, or pass %s\n",
                var, env, option);
    else
        fprintf(stderr, "clasm: cannot find the %s: pass %s or set %s\n",
                lib ? "clause library" : "templates folder", option, var);
    return CLASM_E_IO;
}

static int has_docx_suffix(const char *s)
{
    size_t n = strlen(s);
    return n > 5 && strcasecmp(s + n - 5, ".docx") == 0;
}

int parse_options(int argc, char **argv, unsigned allowed, cli_options *o)
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
        else if (strcmp(a, "--memo") == 0)
            slot = &o->memo, flag = OPT_MEMO;
        else if (strcmp(a, "--strict") == 0) {
            if (!(allowed & OPT_STRICT))
                return usage_error("this command has no option %s", a);
            o->strict = 1;
            continue;
        } else if (strcmp(a, "--allow-unscreened") == 0) {
            if (!(allowed & OPT_ALLOW_UNSCREENED))
                return usage_error("this command has no option %s", a);
            o->allow_unscreened = 1;
            continue;
        } else if (strcmp(a, "--list") == 0) {
            if (!(allowed & OPT_LIST))
                return usage_error("this command has no option %s", a);
            int rc = take_list(o, argc, argv, &i);
            if (rc != CLASM_OK)
                return rc;
            continue;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option %s", a);
        } else {
            if (o->deal)
                return usage_error(allowed & OPT_DRAFT ? "one draft only (extra argument %s)"
                                                       : "one deal file only (extra argument %s)",
                                   a);
            o->deal = a;
            continue;
        }
        if (!(allowed & flag))
            return usage_error("this command has no option %s", a);
        if (i + 1 >= argc)
            return usage_error("option %s needs a value", a);
        if (argv[i + 1][0] == '\0')
            return usage_error("option %s needs a value, not an empty string", a);
        *slot = argv[++i];
    }
    if (!o->deal)
        return usage_error("%s is required",
                           allowed & OPT_DRAFT ? "a draft (.docx)" : "a deal file");
    if (o->format && strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)
        return usage_error("--format is text or json, not %s", o->format);
    if (o->memo && !has_docx_suffix(o->memo))
        return usage_error("--memo names a .docx file (the memo is a Word document), not %s",
                           o->memo);
    if (o->document && clasm_document_from_name(o->document) < 0)
        return usage_error("--document is " CLASM_DOCUMENT_LIST ", not %s", o->document);
    return CLASM_OK;
}

/* 1 when arg is an option that takes the next argument as its value. */
static int takes_value(const char *arg)
{
    static const char *const with_value[] = {
        "-t",         "--template", "-o",     "--output", "--library", "--report",
        "--document", "--format",   "--as",   "--by",     "--note",    "--clause",
        "--to",       "--author",   "--date", "--list",   NULL};
    for (size_t i = 0; with_value[i]; i++)
        if (strcmp(arg, with_value[i]) == 0)
            return 1;
    return 0;
}

int take_option(int *argc, char **argv, const char *name, const char **value)
{
    for (int i = 0; i < *argc; i++) {
        /* Another option's value ("--note --as") is not an option. */
        if (i > 0 && takes_value(argv[i - 1]) && (i < 2 || !takes_value(argv[i - 2])))
            continue;
        if (strcmp(argv[i], name) != 0)
            continue;
        if (i + 1 >= *argc || argv[i + 1][0] == '\0')
            return usage_error("option %s needs a value", name);
        if (*value)
            return usage_error("option %s is given twice", name);
        *value = argv[i + 1];
        for (int k = i; k + 2 < *argc; k++)
            argv[k] = argv[k + 2];
        *argc -= 2;
        i--;
    }
    return CLASM_OK;
}

/* Prints the diagnostics and maps them to an exit status: errors are 1
 * (the input is wrong) unless the operation itself failed harder. */
int finish(clasm_diags *diags, int status)
{
    clasm_diags_print(stderr, diags);
    size_t errors = clasm_diags_errors(diags);
    clasm_diags_free(diags);
    if (status == CLASM_OK && errors > 0)
        status = CLASM_E_INPUT;
    return status;
}

int load_draft_library(const cli_options *o, clasm_library **lib, int *found, clasm_diags *diags)
{
    *lib = NULL;
    char *own = NULL;
    const char *dir = o->library ? o->library : (own = clasm_find_data("clauses"));
    *found = dir != NULL;
    int rc = dir ? clasm_library_load(dir, lib, diags) : CLASM_OK;
    free(own);
    return rc;
}

/* Loads the library and the deal, reporting the problems of both. */
int load_inputs(const cli_options *o, clasm_library **lib, clasm_deal **deal, clasm_diags *diags)
{
    *lib = NULL;
    *deal = NULL;
    char *found = NULL;
    const char *dir = o->library;
    if (!dir) {
        found = clasm_find_data("clauses");
        if (!found) {
            return no_data_error("clauses", "--library DIR");
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
size_t documents_to_draw(const cli_options *o, const clasm_deal *deal,
                         clasm_document docs[CLASM_DOC_COUNT])
{
    if (o->document) {
        docs[0] = (clasm_document)clasm_document_from_name(o->document);
        return 1;
    }
    return clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
}

/* Plans for docs; all problems collected. On success plans[i] are set. */
int make_plans(const clasm_library *lib, const clasm_deal *deal, const clasm_document *docs,
               size_t ndocs, clasm_plan **plans, int strict, clasm_diags *diags)
{
    int status = clasm_select_pack(lib, deal, docs, ndocs, plans, diags);
    if (strict)
        clasm_diags_promote_warnings(diags);
    if (status == CLASM_OK && clasm_diags_errors(diags) > 0)
        status = CLASM_E_INPUT;
    return status;
}

int take_list(cli_options *o, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc || argv[*i + 1][0] == '\0')
        return usage_error("option %s needs a value (a list file, as the Consolidated Screening "
                           "List's CSV download)",
                           argv[*i]);
    if (o->nlists == CLI_MAX_LISTS)
        return usage_error("at most 16 lists (--list %s)", argv[*i + 1]);
    o->lists[o->nlists++] = argv[++*i];
    return CLASM_OK;
}

int load_lists(const cli_options *o, const clasm_library *lib, clasm_screen_list **lists, size_t *n,
               clasm_diags *diags)
{
    *n = 0;
    const char *fallback = clasm_library_screen_list(lib);
    size_t want = o->nlists ? o->nlists : fallback ? 1 : 0;
    int rc = CLASM_OK;
    for (size_t i = 0; i < want; i++) {
        const char *path = o->nlists ? o->lists[i] : fallback;
        clasm_screen_list *l = NULL;
        int s = clasm_screen_list_load(lib, path, &l, diags);
        if (s == CLASM_OK)
            lists[(*n)++] = l;
        else if (rc == CLASM_OK || s == CLASM_E_IO)
            rc = s;
    }
    return rc;
}

void free_lists(clasm_screen_list **lists, size_t n)
{
    for (size_t i = 0; i < n; i++)
        clasm_screen_list_free(lists[i]);
}

void free_plans(clasm_plan **plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        clasm_plan_free(plans[i]);
}

int plans_missing(clasm_plan **plans, size_t n, const clasm_template *const *tpls,
                  const clasm_library *lib, const clasm_deal *deal, clasm_severity sev,
                  clasm_diags *diags)
{
    size_t missing = 0;
    for (size_t i = 0; i < n; i++) {
        if (!plans[i])
            continue;
        if (tpls && tpls[i] && clasm_plan_add_template(plans[i], lib, deal, tpls[i]) != CLASM_OK) {
            fprintf(stderr, "clasm: out of memory\n");
            return CLASM_E_IO;
        }
        missing += clasm_plan_missing_diags(plans[i], deal, sev, diags);
    }
    return missing && sev == CLASM_SEV_ERROR ? CLASM_E_INPUT : CLASM_OK;
}

/* The plans as JSON: one object, or an array for a deal pack. outputs and
 * hashes (each draft's SHA-256) may be NULL. */
char *plans_json(clasm_plan **plans, size_t n, char **outputs, char **hashes)
{
    if (n == 1)
        return clasm_plan_report_json(plans[0], outputs ? outputs[0] : NULL,
                                      hashes ? hashes[0] : NULL);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        char *s = clasm_plan_report_json(plans[i], outputs ? outputs[i] : NULL,
                                         hashes ? hashes[i] : NULL);
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

size_t default_templates(const clasm_deal *deal, clasm_template *tpls[CLASM_DOC_COUNT])
{
    clasm_document docs[CLASM_DOC_COUNT];
    size_t n = clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
    char *dir = clasm_find_data("templates");
    for (size_t i = 0; i < CLASM_DOC_COUNT; i++)
        tpls[i] = NULL;
    for (size_t i = 0; dir && i < n && i < CLASM_DOC_COUNT; i++) {
        char *path = malloc(strlen(dir) + 32);
        struct stat st;
        if (!path)
            break;
        sprintf(path, "%s/%s.docx", dir, clasm_document_name(docs[i]));
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            clasm_diags ignored; /* a broken template is assemble's business */
            clasm_diags_init(&ignored);
            if (clasm_template_open(path, &tpls[i], &ignored) != CLASM_OK)
                tpls[i] = NULL;
            clasm_diags_free(&ignored);
        }
        free(path);
    }
    free(dir);
    return n < CLASM_DOC_COUNT ? n : CLASM_DOC_COUNT;
}

int open_memo_template(clasm_memo_template **out, char **path_out, clasm_diags *diags)
{
    *out = NULL;
    if (path_out)
        *path_out = NULL;
    char *dir = clasm_find_data("templates");
    if (!dir) {
        const char *env = getenv("CLASM_TEMPLATES");
        if (env && *env)
            fprintf(stderr,
                    "clasm: CLASM_TEMPLATES is set to %s, which is not a folder: fix it or unset "
                    "it (the memo template is memo.docx there)\n",
                    env);
        else
            fprintf(stderr, "clasm: cannot find the templates folder, which holds the memo "
                            "template memo.docx: set CLASM_TEMPLATES\n");
        return CLASM_E_IO;
    }
    size_t n = strlen(dir) + 16;
    char *path = malloc(n);
    if (!path) {
        free(dir);
        fprintf(stderr, "clasm: out of memory\n");
        return CLASM_E_IO;
    }
    snprintf(path, n, "%s/memo.docx", dir);
    free(dir);
    int rc = clasm_memo_template_open(path, out, diags);
    if (path_out && rc == CLASM_OK)
        *path_out = path;
    else
        free(path);
    return rc;
}

int stage_memo(clasm_outputs *set, const char *path, const clasm_memo_template *memo,
               const clasm_library *lib, const clasm_deal *deal, clasm_plan *const *plans, size_t n,
               clasm_diags *diags)
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    int rc = clasm_memo_buffer(memo, lib, deal, (const clasm_plan *const *)plans, n, &bytes, &len,
                               diags);
    if (rc == CLASM_OK)
        rc = clasm_outputs_add(set, path, bytes, len, diags);
    free(bytes);
    return rc;
}
