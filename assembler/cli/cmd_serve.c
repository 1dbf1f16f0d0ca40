/* clasm serve: the questionnaire in a browser. Loads the library and the
 * templates (the drafts' and the memo's) once, serves the embedded page and the JSON API (server.c)
 * on 127.0.0.1 until SIGINT or SIGTERM, and prints the URL on stdout. */
#include "cmd.h"
#include "server.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The page, generated from web/ at build time (web/embed.c). */
extern const server_asset clasm_web_assets[];
extern const size_t clasm_web_nassets;

static int parse_number(const char *opt, const char *s, unsigned long min, unsigned long max,
                        unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max) {
        fprintf(stderr, "clasm: %s needs a number from %lu to %lu, not %s\n", opt, min, max, s);
        fputs("Run 'clasm serve --help' for usage.\n", stderr);
        return CLASM_E_USAGE;
    }
    *out = v;
    return CLASM_OK;
}

static char *template_path(const char *dir, clasm_document doc)
{
    const char *name = clasm_document_name(doc);
    size_t n = strlen(dir) + strlen(name) + 8;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s.docx", dir, name);
    return s;
}

int cmd_serve(int argc, char **argv)
{
    const char *bind = "127.0.0.1", *library = NULL, *templates = NULL;
    cli_options lo = {0}; /* its --list options (load_lists) */
    unsigned long port = 8080, max_mib = 32, request_timeout = 30, per_address = 64;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int known = strcmp(a, "--port") == 0 || strcmp(a, "--bind") == 0 ||
                    strcmp(a, "--library") == 0 || strcmp(a, "--templates") == 0 ||
                    strcmp(a, "--max-upload-mib") == 0 || strcmp(a, "--request-timeout") == 0 ||
                    strcmp(a, "--max-per-address") == 0 || strcmp(a, "--list") == 0;
        if (!known)
            return usage_error(a[0] == '-' ? "serve has no option %s" : "serve takes no file (%s)",
                               a);
        if (strcmp(a, "--list") == 0) {
            int rc = take_list(&lo, argc, argv, &i);
            if (rc != CLASM_OK)
                return rc;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("option %s needs a value", a);
        const char *v = argv[++i];
        int rc = CLASM_OK;
        if (strcmp(a, "--port") == 0)
            rc = parse_number(a, v, 0, 65535, &port);
        else if (strcmp(a, "--max-upload-mib") == 0)
            rc = parse_number(a, v, 1, 1024, &max_mib);
        else if (strcmp(a, "--request-timeout") == 0)
            rc = parse_number(a, v, 1, 3600, &request_timeout);
        else if (strcmp(a, "--max-per-address") == 0)
            rc = parse_number(a, v, 1, 128, &per_address);
        else if (strcmp(a, "--bind") == 0)
            bind = v;
        else if (strcmp(a, "--library") == 0)
            library = v;
        else
            templates = v;
        if (rc != CLASM_OK)
            return rc;
    }

    clasm_diags diags;
    clasm_diags_init(&diags);
    int rc = CLASM_OK;
    char *libdir = library ? strdup(library) : clasm_find_data("clauses");
    char *tpldir = templates ? strdup(templates) : clasm_find_data("templates");
    clasm_library *lib = NULL;
    clasm_template *tpl[CLASM_DOC_COUNT] = {0};
    if (!libdir) {
        fprintf(stderr, "clasm: cannot find the clause library: pass --library DIR or set "
                        "CLASM_LIBRARY\n");
        rc = CLASM_E_IO;
    } else if (!tpldir) {
        fprintf(stderr, "clasm: cannot find the templates folder: pass --templates DIR or set "
                        "CLASM_TEMPLATES\n");
        rc = CLASM_E_IO;
    } else {
        rc = clasm_library_load(libdir, &lib, &diags);
    }
    int found = libdir && tpldir;
    /* Every template is opened (and checked) now, so a broken one stops the
     * server before anyone fills in the form. */
    char *tpaths[CLASM_DOC_COUNT] = {0};
    for (int d = 0; found && d < CLASM_DOC_COUNT; d++) {
        tpaths[d] = template_path(tpldir, (clasm_document)d);
        clasm_status s = tpaths[d] ? clasm_template_open(tpaths[d], &tpl[d], &diags) : CLASM_E_IO;
        if (s != CLASM_OK && (rc == CLASM_OK || s == CLASM_E_IO))
            rc = s;
    }
    /* Every request fills the library's clauses: compiled once. */
    for (int d = 0; found && rc == CLASM_OK && d < CLASM_DOC_COUNT; d++)
        if (tpl[d])
            rc = clasm_template_compile(tpl[d], lib, &diags);
    /* The rationale memo's template, from the same folder. */
    clasm_memo_template *memo = NULL;
    if (found) {
        char *mpath = malloc(strlen(tpldir) + 16);
        clasm_status s = CLASM_E_IO;
        if (mpath) {
            sprintf(mpath, "%s/memo.docx", tpldir);
            s = clasm_memo_template_open(mpath, &memo, &diags);
        }
        free(mpath);
        if (s != CLASM_OK && (rc == CLASM_OK || s == CLASM_E_IO))
            rc = s;
    }
    free(libdir);
    free(tpldir);
    /* The restricted-party lists (--list, else the library's default):
     * read once, every deal screened against them. */
    clasm_screen_list *lists[CLI_MAX_LISTS] = {0};
    size_t nlists = 0;
    if (rc == CLASM_OK)
        rc = load_lists(&lo, lib, lists, &nlists, &diags);

    /* Block the stop signals before the server's threads start, so they
     * inherit the mask and only sigwait below sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    clasm_server *srv = NULL;
    if (rc == CLASM_OK) {
        pthread_sigmask(SIG_BLOCK, &stop, NULL);
        server_options opt;
        memset(&opt, 0, sizeof opt);
        opt.bind = bind;
        opt.port = (unsigned)port;
        opt.lib = lib;
        for (int d = 0; d < CLASM_DOC_COUNT; d++)
            opt.tpl[d] = tpl[d];
        opt.assets = clasm_web_assets;
        opt.nassets = clasm_web_nassets;
        opt.upload_limit = (size_t)max_mib << 20;
        opt.request_seconds = (unsigned)request_timeout;
        opt.max_per_address = (unsigned)per_address;
        opt.memo = memo;
        opt.lists = (const clasm_screen_list *const *)lists;
        opt.nlists = nlists;
        rc = server_start(&opt, &srv, &diags);
    }
    if (rc == CLASM_OK) {
        int v6 = strchr(bind, ':') != NULL;
        printf("clasm serve: listening on http://%s%s%s:%u/ (Ctrl-C to stop)\n", v6 ? "[" : "",
               bind, v6 ? "]" : "", server_port(srv));
        fflush(stdout);
        if (!server_loopback(srv))
            fprintf(stderr,
                    "clasm serve: warning: --bind %s is not a loopback address: anyone who can "
                    "reach it on port %u can use the questionnaire and its API, without "
                    "authentication or encryption (read the clause library and risk catalogue, "
                    "assemble drafts, upload documents); bind to 127.0.0.1 unless this network "
                    "is trusted\n",
                    bind, server_port(srv));
        int sig = 0;
        sigwait(&stop, &sig);
        fprintf(stderr, "clasm serve: stopping (signal %d)\n", sig);
        server_stop(srv);
    }
    for (int d = 0; d < CLASM_DOC_COUNT; d++) {
        clasm_template_free(tpl[d]);
        free(tpaths[d]);
    }
    clasm_memo_template_free(memo);
    free_lists(lists, nlists);
    clasm_library_free(lib);
    return finish(&diags, rc);
}
