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

/* A folder stands for its *.yaml / *.yml files, in name order. A folder
 * that holds none is added to empty. */
static int add_deals(path_list *l, path_list *empty, const char *arg)
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
    if (l->n > first)
        qsort(l->v + first, l->n - first, sizeof *l->v, cmp_str);
    if (ok && l->n == first)
        ok = push_path(empty, arg);
    return ok;
}

/* The same deal file named twice (a folder and a file in it, or two
 * spellings of one path) is drafted once: later mentions are dropped, with
 * a note. */
static void drop_repeats(path_list *l)
{
    char **real = calloc(l->n ? l->n : 1, sizeof *real);
    if (!real)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++) {
        char *r = realpath(l->v[i], NULL);
        size_t j = 0;
        while (r && j < kept && !(real[j] && strcmp(real[j], r) == 0))
            j++;
        if (r && j < kept) {
            fprintf(stderr, "clasm: %s is the same deal file as %s; it is drafted once\n", l->v[i],
                    l->v[j]);
            free(r);
            free(l->v[i]);
            continue;
        }
        real[kept] = r;
        l->v[kept++] = l->v[i];
    }
    for (size_t i = 0; i < kept; i++)
        free(real[i]);
    free(real);
    l->n = kept;
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

/* Each deal's messages are printed as it ends (under the progress bar on a
 * terminal, which hides them, they are kept for the end). What the summary
 * repeats at the end is spooled to unnamed temporary files, not kept in
 * memory, so memory stays flat however many deals warn or fail. */
typedef struct {
    int tty;
    struct timespec start;
    FILE *failures; /* the errors of failed deals, for the summary */
    FILE *warnings; /* on a terminal: the warnings of written deals */
    size_t nfailures, nwarnings;
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

/* Copies a spool to out and closes it. */
static void replay(FILE *spool, FILE *out)
{
    if (!spool)
        return;
    rewind(spool);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, spool)) > 0)
        fwrite(buf, 1, n, out);
    fclose(spool);
}

static void on_deal(void *ctx, const clasm_batch_result *r)
{
    progress *P = ctx;
    int failed = r->status != CLASM_OK;
    FILE *spool = failed ? P->failures : P->tty ? P->warnings : NULL;
    if (spool && r->diags->count) {
        clasm_diags_print(spool, r->diags);
        if (failed)
            P->nfailures++;
        else
            P->nwarnings++;
    }
    if (P->tty) {
        if (r->diags->count && (failed ? !P->failures : !P->warnings)) {
            /* No spool (no temporary file could be made): print now, above
             * the bar. */
            fputs("\r\033[K", stderr);
            clasm_diags_print(stderr, r->diags);
        }
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
    path_list deals = {0}, empty = {0};
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
            if (!add_deals(&deals, &empty, a))
                rc = CLASM_E_IO;
            continue;
        }
        if (i + 1 >= argc)
            rc = usage_error("option %s needs a value", a);
        else
            *slot = argv[++i];
    }
    /* A folder without deals: an error when it leaves the batch empty, a
     * warning otherwise. */
    for (size_t i = 0; rc == CLASM_OK && i < empty.n; i++)
        fprintf(stderr, "clasm: %s: the folder %s holds no deal files (*.yaml, *.yml)\n",
                deals.n ? "warning" : "error", empty.v[i]);
    if (rc == CLASM_OK && deals.n == 0 && empty.n > 0)
        rc = CLASM_E_INPUT;
    if (rc == CLASM_OK && deals.n == 0)
        rc = usage_error("no deals given (files, or folders of .yaml files)%s", NULL);
    free_paths(&empty);
    if (rc == CLASM_OK)
        drop_repeats(&deals);
    if (rc == CLASM_OK && !out_dir)
        rc = usage_error("-o DIR is required: the folder the drafts go to%s", NULL);
    int doc = -1;
    if (rc == CLASM_OK && document) {
        doc = clasm_document_from_name(document);
        if (doc < 0)
            rc = usage_error("--document is " CLASM_DOCUMENT_LIST ", not %s", document);
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
                rc = no_data_error("templates", "-t TEMPLATE");
            }
            tpath = owned_tpath;
        }
    }
    /* A template named after a document type says which plan it takes. */
    int guessed = 0;
    if (rc == CLASM_OK && doc < 0) {
        const char *base = strrchr(tpath, '/');
        base = base ? base + 1 : tpath;
        char name[64];
        snprintf(name, sizeof name, "%s", base);
        char *dot = strrchr(name, '.');
        if (dot)
            *dot = '\0';
        doc = clasm_document_from_name(name);
        guessed = doc >= 0;
    }
    if (rc != CLASM_OK) {
        free(owned_tpath);
        free_paths(&deals);
        return rc;
    }
    struct stat ost;
    if (stat(out_dir, &ost) == 0 && !S_ISDIR(ost.st_mode)) {
        fprintf(stderr,
                "clasm: error: the output folder %s is a file, not a folder; give -o a folder "
                "(it is made when missing)\n",
                out_dir);
        free(owned_tpath);
        free_paths(&deals);
        return CLASM_E_INPUT;
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
        rc = no_data_error("clauses", "--library DIR");
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
    P.failures = tmpfile();
    P.warnings = P.tty ? tmpfile() : NULL;
    clock_gettime(CLOCK_MONOTONIC, &P.start);
    /* SIGINT, SIGTERM, SIGHUP: the deals in progress finish, the rest are
     * not started, the summary says so, then the signal ends clasm. */
    interrupt_watch iw;
    int watching = interrupt_watch_start(&iw) == 0;
    clasm_batch_options opt = {.lib = lib,
                               .tpl = tpl,
                               .document = doc,
                               .document_guessed = guessed,
                               .out_dir = out_dir,
                               .jobs = jobs,
                               .strict = strict,
                               .report = on_deal,
                               .ctx = &P,
                               .cancel = watching ? &iw.stop : NULL};
    clasm_batch_summary sum;
    rc = clasm_batch_run(&opt, (const char *const *)deals.v, deals.n, &sum, &diags);
    if (watching)
        interrupt_watch_stop(&iw);
    double secs = seconds_since(&P.start);
    size_t ended = sum.written + sum.failed;
    if (P.tty)
        fputc('\n', stderr);
    /* On a terminal the bar hid each deal's messages: list them now. */
    if (P.nwarnings) {
        fputs("warnings:\n", stderr);
        replay(P.warnings, stderr);
    } else if (P.warnings) {
        fclose(P.warnings);
    }
    fflush(stdout);
    printf("written %zu, failed %zu, with warnings %zu, in %.2f s (%.1f deals/s)\n", sum.written,
           sum.failed, sum.warned, secs, secs > 0 ? (double)ended / secs : 0.0);
    fflush(stdout);
    /* The failed deals and their errors close the run, piped or not. */
    if (P.nfailures) {
        fprintf(stderr, "errors (%zu failed deal%s):\n", sum.failed, sum.failed == 1 ? "" : "s");
        replay(P.failures, stderr);
    } else if (P.failures) {
        fclose(P.failures);
    }
    if (sum.not_started)
        fprintf(stderr,
                "clasm: interrupted (signal %d): %zu deal%s not started; the drafts in progress "
                "were finished, no partial file is left\n",
                atomic_load(&iw.signal), sum.not_started, sum.not_started == 1 ? "" : "s");
    clasm_template_free(tpl);
    clasm_library_free(lib);
    free_paths(&deals);
    /* diags holds only batch-level problems; deal problems were reported. */
    clasm_diags_print(stderr, &diags);
    clasm_diags_free(&diags);
    if (watching)
        interrupt_reraise(&iw);
    return rc;
}
