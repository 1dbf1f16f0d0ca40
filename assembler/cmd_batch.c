/* clasm batch: many deals, one template, every core; progress on a
 * terminal, one line per deal otherwise, a summary at the end. */
#include "cmd.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char **v;
    size_t n, cap;
} path_list;

static int push_path(path_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return 0;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n] = strdup(s);
    return l->v[l->n++] != NULL;
}

static void free_paths(path_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && ((n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
                              (n > 4 && strcmp(name + n - 4, ".yml") == 0));
}

/* A folder stands for its *.yaml / *.yml files, in name order. */
static int add_deals(path_list *l, const char *arg)
{
    struct stat st;
    if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode))
        return push_path(l, arg);
    DIR *d = opendir(arg);
    if (!d) {
        fprintf(stderr, "clasm: cannot read the folder %s: %s\n", arg, strerror(errno));
        return 0;
    }
    size_t first = l->n;
    struct dirent *e;
    int ok = 1;
    while (ok && (e = readdir(d)) != NULL) {
        if (!has_yaml_suffix(e->d_name))
            continue;
        size_t len = strlen(arg) + strlen(e->d_name) + 2;
        char *p = malloc(len);
        if (!p) {
            ok = 0;
            break;
        }
        snprintf(p, len, "%s/%s", arg, e->d_name);
        ok = push_path(l, p);
        free(p);
    }
    closedir(d);
    qsort(l->v + first, l->n - first, sizeof *l->v, cmp_str);
    return ok;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

typedef struct {
    int tty;
    struct timespec start;
    clasm_diags failures; /* the errors of failed deals, for the summary */
    clasm_diags warnings; /* the warnings of written deals, for the summary */
    size_t last_width;
} progress;

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void draw_bar(progress *P, size_t done, size_t total)
{
    double secs = seconds_since(&P->start);
    double rate = secs > 0 ? (double)done / secs : 0;
    double left = rate > 0 ? (double)(total - done) / rate : 0;
    enum { WIDTH = 30 };
    size_t fill = total ? done * WIDTH / total : WIDTH;
    char bar[WIDTH + 1];
    for (size_t i = 0; i < WIDTH; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu  %.1f deals/s  %d:%02d left ", bar, done, total, rate,
            (int)left / 60, (int)left % 60);
    fflush(stderr);
}

static void on_deal(void *ctx, const clasm_batch_result *r)
{
    progress *P = ctx;
    if (r->status != CLASM_OK)
        clasm_diags_append(&P->failures, r->diags);
    else if (P->tty)
        clasm_diags_append(&P->warnings, r->diags);
    if (P->tty) {
        draw_bar(P, r->done, r->total);
        return;
    }
    if (r->status == CLASM_OK)
        printf("ok      %s -> %s%s\n", r->deal_path, r->output,
               clasm_diags_warnings(r->diags) ? " (with warnings)" : "");
    else
        printf("failed  %s\n", r->deal_path);
    clasm_diags_print(stderr, r->diags);
    fflush(stdout);
}

static int parse_jobs(const char *s, unsigned *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 1 || v > 256)
        return 0;
    *out = (unsigned)v;
    return 1;
}

int cmd_batch(int argc, char **argv)
{
    const char *tpath = NULL, *out_dir = NULL, *library = NULL, *document = NULL;
    unsigned jobs = 0;
    int strict = 0;
    path_list deals = {0};
    int rc = CLASM_OK;
    for (int i = 0; rc == CLASM_OK && i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(a, "-t") == 0 || strcmp(a, "--template") == 0)
            slot = &tpath;
        else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
            slot = &out_dir;
        else if (strcmp(a, "--library") == 0)
            slot = &library;
        else if (strcmp(a, "--document") == 0)
            slot = &document;
        else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
            if (i + 1 >= argc)
                rc = usage_error("option %s needs a value", a);
            else if (!parse_jobs(argv[++i], &jobs))
                rc = usage_error("--jobs is a number from 1 to 256, not %s", argv[i]);
            continue;
        } else if (strcmp(a, "--strict") == 0) {
            strict = 1;
            continue;
        } else if (a[0] == '-' && a[1]) {
            rc = usage_error("unknown option %s", a);
            continue;
        } else {
            if (!add_deals(&deals, a))
                rc = CLASM_E_IO;
            continue;
        }
        if (i + 1 >= argc)
            rc = usage_error("option %s needs a value", a);
        else
            *slot = argv[++i];
    }
    if (rc == CLASM_OK && deals.n == 0)
        rc = usage_error("no deals given (files, or folders of .yaml files)%s", NULL);
    if (rc == CLASM_OK && !out_dir)
        rc = usage_error("-o DIR is required: the folder the drafts go to%s", NULL);
    int doc = -1;
    if (rc == CLASM_OK && document) {
        doc = clasm_document_from_name(document);
        if (doc < 0)
            rc =
                usage_error("--document is contract, eula or reseller-agreement, not %s", document);
    }
    char *owned_tpath = NULL;
    if (rc == CLASM_OK && !tpath) {
        if (doc < 0) {
            rc = usage_error("-t TEMPLATE is required (or --document, for the bundled "
                             "template)%s",
                             NULL);
        } else {
            char *dir = clasm_find_data("templates");
            if (dir) {
                size_t len = strlen(dir) + 40;
                owned_tpath = malloc(len);
                if (owned_tpath)
                    snprintf(owned_tpath, len, "%s/%s.docx", dir, document);
                free(dir);
            }
            if (!owned_tpath) {
                fprintf(stderr, "clasm: cannot find the templates folder: pass -t TEMPLATE or "
                                "set CLASM_TEMPLATES\n");
                rc = CLASM_E_IO;
            }
            tpath = owned_tpath;
        }
    }
    /* A template named after a document type says which plan it takes. */
    if (rc == CLASM_OK && doc < 0) {
        const char *base = strrchr(tpath, '/');
        base = base ? base + 1 : tpath;
        char name[64];
        snprintf(name, sizeof name, "%s", base);
        char *dot = strrchr(name, '.');
        if (dot)
            *dot = '\0';
        doc = clasm_document_from_name(name);
    }
    if (rc != CLASM_OK) {
        free(owned_tpath);
        free_paths(&deals);
        return rc;
    }
    if (make_dirs(out_dir) != 0) {
        fprintf(stderr, "clasm: cannot create the output folder %s: %s\n", out_dir,
                strerror(errno));
        free(owned_tpath);
        free_paths(&deals);
        return CLASM_E_IO;
    }

    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_library *lib = NULL;
    clasm_template *tpl = NULL;
    char *found = NULL;
    if (!library) {
        found = clasm_find_data("clauses");
        library = found;
    }
    if (!library) {
        fprintf(stderr, "clasm: cannot find the clause library: pass --library DIR or set "
                        "CLASM_LIBRARY\n");
        rc = CLASM_E_IO;
    } else {
        rc = clasm_library_load(library, &lib, &diags);
    }
    if (rc == CLASM_OK)
        rc = clasm_template_open(tpath, &tpl, &diags);
    free(found);
    free(owned_tpath);
    if (rc != CLASM_OK) {
        clasm_library_free(lib);
        free_paths(&deals);
        return finish(&diags, rc);
    }
    clasm_diags_print(stderr, &diags); /* template warnings, once */
    clasm_diags_free(&diags);
    clasm_diags_init(&diags);

    progress P = {.tty = isatty(STDERR_FILENO)};
    clasm_diags_init(&P.failures);
    clasm_diags_init(&P.warnings);
    clock_gettime(CLOCK_MONOTONIC, &P.start);
    clasm_batch_options opt = {lib, tpl, doc, out_dir, jobs, strict, on_deal, &P};
    clasm_batch_summary sum;
    rc = clasm_batch_run(&opt, (const char *const *)deals.v, deals.n, &sum, &diags);
    double secs = seconds_since(&P.start);
    if (P.tty)
        fputc('\n', stderr);
    /* On a terminal the bar hid each deal's messages: list them now. */
    if (P.tty && P.warnings.count) {
        fputs("warnings:\n", stderr);
        clasm_diags_print(stderr, &P.warnings);
    }
    if (P.tty && P.failures.count) {
        fputs("errors:\n", stderr);
        clasm_diags_print(stderr, &P.failures);
    }
    printf("written %zu, failed %zu, with warnings %zu, in %.2f s (%.1f deals/s)\n", sum.written,
           sum.failed, sum.warned, secs, secs > 0 ? (double)deals.n / secs : 0.0);
    clasm_diags_free(&P.failures);
    clasm_diags_free(&P.warnings);
    clasm_template_free(tpl);
    clasm_library_free(lib);
    free_paths(&deals);
    /* diags holds only batch-level problems; deal problems were reported. */
    clasm_diags_print(stderr, &diags);
    clasm_diags_free(&diags);
    return rc;
}
