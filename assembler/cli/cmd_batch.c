/* clasm batch: many deals, one template, every core; progress on a
 * terminal, one line per deal otherwise, a summary at the end. */
#include "cmd.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
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

/* One row of the results file (--report): what became of one deal. */
typedef struct {
    int used;
    char *deal, *id;
    const char *status; /* "written", "skipped", "failed" */
    char **outputs;
    size_t noutputs;
    char *tier; /* NULL when no plan */
    long score;
    int escalate;
    char **missing;
    size_t nmissing;
    char **errors;
    size_t nerrors;
} result_row;

typedef struct {
    result_row *rows; /* by deal index */
    size_t n;
    int oom;
} results;

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_results(results *R)
{
    for (size_t i = 0; i < R->n; i++) {
        result_row *r = &R->rows[i];
        free(r->deal);
        free(r->id);
        free_strings(r->outputs, r->noutputs);
        free(r->tier);
        free_strings(r->missing, r->nmissing);
        free_strings(r->errors, r->nerrors);
    }
    free(R->rows);
}

/* Appends a copy of s to a list unless it is there; 0 when out of memory. */
static int add_string(char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0)
            return 1;
    char **g = realloc(*v, (*n + 1) * sizeof *g);
    if (!g)
        return 0;
    *v = g;
    if (!(g[*n] = strdup(s)))
        return 0;
    (*n)++;
    return 1;
}

/* A diagnostic as one line: "file:line:col: message [id]". */
static char *diag_line(const clasm_diag *g)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    clasm_diag_print(f, g);
    fclose(f);
    if (buf && len && buf[len - 1] == '\n')
        buf[len - 1] = '\0';
    return buf;
}

static void record_result(results *R, const clasm_batch_result *r)
{
    if (!R || r->index >= R->n)
        return;
    result_row *row = &R->rows[r->index];
    row->used = 1;
    int ok = (row->deal = strdup(r->deal_path)) != NULL;
    if (r->deal_id)
        ok &= (row->id = strdup(r->deal_id)) != NULL;
    row->status = r->status != CLASM_OK                      ? "failed"
                  : r->noutputs && r->skipped == r->noutputs ? "skipped"
                                                             : "written";
    for (size_t k = 0; ok && k < r->noutputs; k++)
        ok = add_string(&row->outputs, &row->noutputs, r->outputs[k]);
    for (size_t k = 0; ok && k < r->nplans; k++) {
        const clasm_plan *p = r->plans[k];
        if (k == 0) {
            ok = (row->tier = strdup(clasm_plan_tier(p))) != NULL;
            row->score = clasm_plan_score(p);
        }
        row->escalate |= clasm_plan_escalate(p);
        const clasm_missing *m = NULL;
        size_t nm = clasm_plan_missing(p, &m);
        for (size_t j = 0; ok && j < nm; j++)
            ok = add_string(&row->missing, &row->nmissing, m[j].key);
    }
    for (size_t k = 0; ok && k < r->diags->count; k++) {
        const clasm_diag *g = &r->diags->items[k];
        if (g->severity != CLASM_SEV_ERROR)
            continue;
        char *line = diag_line(g);
        ok = line && add_string(&row->errors, &row->nerrors, line);
        free(line);
    }
    if (!ok)
        R->oom = 1;
}

/* A CSV field (RFC 4180): quoted when it holds a comma, a quote, a line
 * break or leading/trailing space. */
static void csv_field(FILE *f, const char *s)
{
    int quote = s[0] == ' ' || (s[0] && s[strlen(s) - 1] == ' ') || strpbrk(s, ",\"\r\n");
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static void csv_list(FILE *f, char *const *v, size_t n, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + strlen(sep);
    char *s = malloc(len);
    if (!s)
        return;
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(s, sep);
        strcat(s, v[i]);
    }
    csv_field(f, s);
    free(s);
}

static json_t *json_strings(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

/* The results file as bytes: CSV (a header, one row per deal that ended)
 * or JSON (an array of objects). Malloc'd; NULL when out of memory. */
static char *results_text(const results *R, int as_json, size_t *len)
{
    char *buf = NULL;
    *len = 0;
    if (as_json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < R->n; i++) {
            const result_row *r = &R->rows[i];
            if (!r->used)
                continue;
            json_t *o = json_object();
            json_object_set_new(o, "deal", json_string(r->deal));
            json_object_set_new(o, "id", r->id ? json_string(r->id) : json_null());
            json_object_set_new(o, "status", json_string(r->status));
            json_object_set_new(o, "outputs", json_strings(r->outputs, r->noutputs));
            json_object_set_new(o, "tier", r->tier ? json_string(r->tier) : json_null());
            json_object_set_new(o, "score", r->tier ? json_integer(r->score) : json_null());
            json_object_set_new(o, "escalate", json_boolean(r->escalate));
            json_object_set_new(o, "missing", json_strings(r->missing, r->nmissing));
            json_object_set_new(o, "errors", json_strings(r->errors, r->nerrors));
            json_array_append_new(arr, o);
        }
        buf = arr ? json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(arr);
        if (!buf)
            return NULL;
        *len = strlen(buf);
        buf[*len] = '\n'; /* the NUL becomes the final newline */
        (*len)++;
        return buf;
    }
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    fputs("deal,id,status,outputs,tier,score,escalate,missing,errors\r\n", f);
    for (size_t i = 0; i < R->n; i++) {
        const result_row *r = &R->rows[i];
        if (!r->used)
            continue;
        csv_field(f, r->deal);
        fputc(',', f);
        csv_field(f, r->id ? r->id : "");
        fprintf(f, ",%s,", r->status);
        csv_list(f, r->outputs, r->noutputs, ";");
        fputc(',', f);
        csv_field(f, r->tier ? r->tier : "");
        if (r->tier)
            fprintf(f, ",%ld,", r->score);
        else
            fputs(",,", f);
        fputs(r->escalate ? "yes," : "no,", f);
        csv_list(f, r->missing, r->nmissing, ";");
        fputc(',', f);
        csv_list(f, r->errors, r->nerrors, "\n");
        fputs("\r\n", f);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
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
    size_t failed, escalated; /* so far, for the bar */
    results *results;         /* --report, or NULL */
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
    fprintf(stderr, "\r[%s] %zu/%zu  %.1f deals/s  %d:%02d left  failed %zu  escalate %zu ", bar,
            done, total, rate, (int)left / 60, (int)left % 60, P->failed, P->escalated);
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

/* "tier severe, ESCALATE TO COUNSEL" of the deal's first plan. */
static int result_escalates(const clasm_batch_result *r)
{
    for (size_t k = 0; k < r->nplans; k++)
        if (clasm_plan_escalate(r->plans[k]))
            return 1;
    return 0;
}

static void print_outputs(FILE *f, const clasm_batch_result *r)
{
    for (size_t k = 0; k < r->noutputs; k++)
        fprintf(f, "%s%s", k ? ", " : "", r->outputs[k]);
}

static void on_deal(void *ctx, const clasm_batch_result *r)
{
    progress *P = ctx;
    record_result(P->results, r);
    int failed = r->status != CLASM_OK;
    int escalate = !failed && result_escalates(r);
    int skipped = !failed && r->noutputs && r->skipped == r->noutputs;
    P->failed += failed;
    P->escalated += escalate;
    FILE *spool = failed ? P->failures : P->tty ? P->warnings : NULL;
    if (spool && r->diags->count) {
        clasm_diags_print(spool, r->diags);
        if (failed)
            P->nfailures++;
        else
            P->nwarnings++;
    }
    if (P->tty) {
        /* Failures and escalations show as they happen, above the bar. */
        if (failed || escalate) {
            fputs("\r\033[K", stderr);
            if (failed)
                fprintf(stderr, "failed    %s (errors listed at the end)\n", r->deal_path);
            else
                fprintf(stderr, "ESCALATE  %s (tier %s): counsel must decide before signing\n",
                        r->deal_path, clasm_plan_tier(r->plans[0]));
        }
        if (r->diags->count && (failed ? !P->failures : !P->warnings)) {
            /* No spool (no temporary file could be made): print now, above
             * the bar. */
            fputs("\r\033[K", stderr);
            clasm_diags_print(stderr, r->diags);
        }
        draw_bar(P, r->done, r->total);
        return;
    }
    if (failed) {
        printf("failed  %s\n", r->deal_path);
    } else if (skipped) {
        printf("skipped %s (", r->deal_path);
        print_outputs(stdout, r);
        printf(" exist%s)\n", r->noutputs == 1 ? "s" : "");
    } else {
        printf("ok      %s -> ", r->deal_path);
        print_outputs(stdout, r);
        if (escalate)
            printf(" ESCALATE (tier %s)", clasm_plan_tier(r->plans[0]));
        printf("%s\n", clasm_diags_warnings(r->diags) ? " (with warnings)" : "");
    }
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

/* 1 when both paths name one existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

/* The loader of a spreadsheet batch: row i of the table. */
static clasm_status table_loader(void *ctx, size_t index, clasm_deal **out, clasm_diags *diags)
{
    return clasm_deal_table_deal(ctx, index, out, diags);
}

int cmd_batch(int argc, char **argv)
{
    const char *tpath = NULL, *out_dir = NULL, *library = NULL, *document = NULL;
    const char *report = NULL, *csv = NULL, *base = NULL;
    unsigned jobs = 0;
    int strict = 0, skip_existing = 0, want_memo = 0;
    cli_options lo = {0}; /* its --list options (load_lists) */
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
        else if (strcmp(a, "--report") == 0)
            slot = &report;
        else if (strcmp(a, "--deals") == 0)
            slot = &csv;
        else if (strcmp(a, "--base") == 0)
            slot = &base;
        else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
            if (i + 1 >= argc)
                rc = usage_error("option %s needs a value", a);
            else if (!parse_jobs(argv[++i], &jobs))
                rc = usage_error("--jobs is a number from 1 to 256, not %s", argv[i]);
            continue;
        } else if (strcmp(a, "--strict") == 0) {
            strict = 1;
            continue;
        } else if (strcmp(a, "--skip-existing") == 0) {
            skip_existing = 1;
            continue;
        } else if (strcmp(a, "--memo") == 0) {
            want_memo = 1;
            continue;
        } else if (strcmp(a, "--allow-unscreened") == 0) {
            lo.allow_unscreened = 1;
            continue;
        } else if (strcmp(a, "--list") == 0) {
            rc = take_list(&lo, argc, argv, &i);
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
        else if (argv[i + 1][0] == '\0')
            rc = usage_error("option %s needs a value, not an empty string", a);
        else
            *slot = argv[++i];
    }
    if (rc == CLASM_OK && (csv || base)) {
        if (!csv || !base)
            rc = usage_error("--deals CSV and --base DEAL go together: the spreadsheet's rows "
                             "each change the base deal%s",
                             NULL);
        else if (deals.n || empty.n)
            rc =
                usage_error("--deals takes the place of deal files; give one or the other%s", NULL);
    }
    /* A folder without deals: an error when it leaves the batch empty, a
     * warning otherwise. */
    for (size_t i = 0; rc == CLASM_OK && i < empty.n; i++)
        fprintf(stderr, "clasm: %s: the folder %s holds no deal files (*.yaml, *.yml)\n",
                deals.n ? "warning" : "error", empty.v[i]);
    if (rc == CLASM_OK && deals.n == 0 && empty.n > 0)
        rc = CLASM_E_INPUT;
    if (rc == CLASM_OK && deals.n == 0 && !csv)
        rc = usage_error("no deals given (files, folders of .yaml files, or --deals CSV --base "
                         "DEAL)%s",
                         NULL);
    free_paths(&empty);
    if (rc == CLASM_OK)
        drop_repeats(&deals);
    if (rc == CLASM_OK && !out_dir)
        rc = usage_error("-o DIR is required: the folder the drafts go to%s", NULL);
    if (rc == CLASM_OK && report && !has_suffix(report, ".csv") && !has_suffix(report, ".json"))
        rc = usage_error("--report names a .csv or a .json file, not %s", report);
    int doc = -1;
    if (rc == CLASM_OK && document) {
        doc = clasm_document_from_name(document);
        if (doc < 0)
            rc = usage_error("--document is " CLASM_DOCUMENT_LIST ", not %s", document);
    }
    char *owned_tpath = NULL;
    char *tdir = NULL; /* the templates folder, for the default templates */
    if (rc == CLASM_OK && !tpath) {
        tdir = clasm_find_data("templates");
        if (!tdir) {
            rc = no_data_error("templates", "-t TEMPLATE");
        } else if (doc >= 0) {
            size_t len = strlen(tdir) + 40;
            owned_tpath = malloc(len);
            if (owned_tpath)
                snprintf(owned_tpath, len, "%s/%s.docx", tdir, document);
            else
                rc = CLASM_E_IO;
            tpath = owned_tpath;
        }
    }
    /* A template named after a document type says which plan it takes. */
    int guessed = 0;
    if (rc == CLASM_OK && tpath && doc < 0) {
        const char *b = strrchr(tpath, '/');
        b = b ? b + 1 : tpath;
        char name[64];
        snprintf(name, sizeof name, "%s", b);
        char *dot = strrchr(name, '.');
        if (dot)
            *dot = '\0';
        doc = clasm_document_from_name(name);
        guessed = doc >= 0;
    }
    clasm_diags diags;
    clasm_diags_init(&diags);
    /* The results file is checked before any work: a path clasm may not
     * write, or one of the run's inputs, fails the run with nothing
     * written. */
    if (rc == CLASM_OK && report) {
        const char *input = same_file(report, csv) ? csv : same_file(report, base) ? base : NULL;
        for (size_t i = 0; !input && i < deals.n; i++)
            if (same_file(report, deals.v[i]))
                input = deals.v[i];
        if (input) {
            fprintf(stderr,
                    "clasm: error: the results file %s is the input %s; the inputs are only "
                    "read, choose another file [output-is-input]\n",
                    report, input);
            rc = CLASM_E_INPUT;
        }
    }
    if (rc == CLASM_OK && report)
        rc = clasm_output_check(report, &diags);
    if (rc != CLASM_OK) {
        free(owned_tpath);
        free(tdir);
        free_paths(&deals);
        return finish(&diags, rc);
    }
    /* The spreadsheet: its header and rows are read now (a header naming
     * no deal key fails the run); each row's deal is built and checked
     * when its turn comes, like a deal file. */
    clasm_deal_table *table = NULL;
    if (csv) {
        rc = clasm_deal_table_load(csv, base, &table, &diags);
        if (rc == CLASM_OK) {
            for (size_t i = 0; i < clasm_deal_table_rows(table); i++)
                if (!push_path(&deals, clasm_deal_table_row_name(table, i)))
                    rc = CLASM_E_IO;
            if (rc == CLASM_OK && deals.n == 0) {
                fprintf(stderr, "clasm: error: %s has a header and no rows: no deal to draft\n",
                        csv);
                rc = CLASM_E_INPUT;
            }
        }
        if (rc != CLASM_OK) {
            clasm_deal_table_free(table);
            free(owned_tpath);
            free(tdir);
            free_paths(&deals);
            return finish(&diags, rc);
        }
    }
    struct stat ost;
    if (stat(out_dir, &ost) == 0 && !S_ISDIR(ost.st_mode)) {
        fprintf(stderr,
                "clasm: error: the output folder %s is a file, not a folder; give -o a folder "
                "(it is made when missing)\n",
                out_dir);
        rc = CLASM_E_INPUT;
    } else if (make_dirs(out_dir) != 0) {
        fprintf(stderr, "clasm: cannot create the output folder %s: %s\n", out_dir,
                strerror(errno));
        rc = CLASM_E_IO;
    }
    if (rc != CLASM_OK) {
        clasm_deal_table_free(table);
        free(owned_tpath);
        free(tdir);
        free_paths(&deals);
        clasm_diags_free(&diags);
        return rc;
    }

    clasm_library *lib = NULL;
    clasm_template *tpl = NULL;
    clasm_template *tpls[CLASM_DOC_COUNT] = {0};
    clasm_memo_template *memo = NULL;
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
    if (rc == CLASM_OK && tpath) {
        rc = clasm_template_open(tpath, &tpl, &diags);
    } else if (rc == CLASM_OK) {
        /* Whole packs: each document's bundled template, where there is
         * one (a deal asking for a document without one fails). */
        for (int d = 0; rc == CLASM_OK && d < CLASM_DOC_COUNT; d++) {
            size_t len = strlen(tdir) + 40;
            char *p = malloc(len);
            if (!p) {
                rc = CLASM_E_IO;
                break;
            }
            snprintf(p, len, "%s/%s.docx", tdir, clasm_document_name((clasm_document)d));
            struct stat st;
            if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
                rc = clasm_template_open(p, &tpls[d], &diags);
            free(p);
        }
    }
    /* Every draft of the run fills the same clauses: compiled once. */
    if (rc == CLASM_OK && tpl)
        rc = clasm_template_compile(tpl, lib, &diags);
    for (int d = 0; rc == CLASM_OK && d < CLASM_DOC_COUNT; d++)
        if (tpls[d])
            rc = clasm_template_compile(tpls[d], lib, &diags);
    /* --memo: the memo template, templates/memo.docx, checked with the rest. */
    if (rc == CLASM_OK && want_memo)
        rc = open_memo_template(&memo, NULL, &diags);
    /* The restricted-party lists, read once for every deal. */
    clasm_screen_list *lists[CLI_MAX_LISTS] = {0};
    size_t nlists = 0;
    if (rc == CLASM_OK)
        rc = load_lists(&lo, lib, lists, &nlists, &diags);
    free(found);
    free(owned_tpath);
    free(tdir);
    if (rc != CLASM_OK) {
        free_lists(lists, nlists);
        clasm_memo_template_free(memo);
        for (int d = 0; d < CLASM_DOC_COUNT; d++)
            clasm_template_free(tpls[d]);
        clasm_library_free(lib);
        clasm_deal_table_free(table);
        free_paths(&deals);
        return finish(&diags, rc);
    }
    clasm_diags_print(stderr, &diags); /* template warnings, once */
    clasm_diags_free(&diags);
    clasm_diags_init(&diags);

    results R = {0};
    if (report) {
        R.n = deals.n;
        R.rows = calloc(deals.n ? deals.n : 1, sizeof *R.rows);
        if (!R.rows)
            R.oom = 1;
    }
    progress P = {.tty = isatty(STDERR_FILENO), .results = report && R.rows ? &R : NULL};
    P.failures = tmpfile();
    P.warnings = P.tty ? tmpfile() : NULL;
    clock_gettime(CLOCK_MONOTONIC, &P.start);
    /* SIGINT, SIGTERM, SIGHUP: the deals in progress finish, the rest are
     * not started, the summary says so, then the signal ends clasm. */
    interrupt_watch iw;
    int watching = interrupt_watch_start(&iw) == 0;
    clasm_batch_options opt = {.lib = lib,
                               .tpl = tpl,
                               .document = tpl ? doc : -1,
                               .document_guessed = guessed,
                               .out_dir = out_dir,
                               .jobs = jobs,
                               .strict = strict,
                               .report = on_deal,
                               .ctx = &P,
                               .cancelled = watching ? interrupt_stopped : NULL,
                               .cancel_ctx = &iw,
                               .skip_existing = skip_existing,
                               .load = table ? table_loader : NULL,
                               .load_ctx = table,
                               .memo = memo,
                               .lists = (const clasm_screen_list *const *)lists,
                               .nlists = nlists,
                               .allow_unscreened = lo.allow_unscreened};
    for (int d = 0; d < CLASM_DOC_COUNT; d++)
        opt.tpls[d] = tpls[d];
    clasm_batch_summary sum;
    rc = clasm_batch_run(&opt, (const char *const *)deals.v, deals.n, &sum, &diags);
    if (watching)
        interrupt_watch_stop(&iw);
    double secs = seconds_since(&P.start);
    size_t ended = sum.written + sum.failed + sum.skipped;
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
    if (sum.skipped)
        printf("skipped %zu deal%s whose drafts exist (--skip-existing)\n", sum.skipped,
               sum.skipped == 1 ? "" : "s");
    if (sum.escalated)
        printf("escalate %zu deal%s to counsel before signing\n", sum.escalated,
               sum.escalated == 1 ? "" : "s");
    fflush(stdout);
    /* The results file: one row per deal that ended (all of them unless
     * the run was stopped), written whole or not at all. */
    if (report && rc != CLASM_E_IO && rc != CLASM_E_USAGE) {
        size_t len = 0;
        char *text = R.oom ? NULL : results_text(&R, has_suffix(report, ".json"), &len);
        clasm_diags rd;
        clasm_diags_init(&rd);
        int ws = text ? clasm_write_file(report, text, len, &rd) : CLASM_E_IO;
        if (!text)
            fprintf(stderr, "clasm: out of memory while writing the results file %s\n", report);
        clasm_diags_print(stderr, &rd);
        clasm_diags_free(&rd);
        if (ws == CLASM_OK)
            printf("results: %s\n", report);
        else
            rc = ws;
        free(text);
        fflush(stdout);
    }
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
                "were finished, no partial file is left; run again with --skip-existing to "
                "draft the rest\n",
                atomic_load(&iw.signal), sum.not_started, sum.not_started == 1 ? "" : "s");
    free_results(&R);
    clasm_memo_template_free(memo);
    clasm_template_free(tpl);
    for (int d = 0; d < CLASM_DOC_COUNT; d++)
        clasm_template_free(tpls[d]);
    free_lists(lists, nlists);
    clasm_library_free(lib);
    clasm_deal_table_free(table);
    free_paths(&deals);
    /* diags holds only batch-level problems; deal problems were reported. */
    clasm_diags_print(stderr, &diags);
    clasm_diags_free(&diags);
    if (watching)
        interrupt_reraise(&iw);
    return rc;
}
