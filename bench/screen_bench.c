/* Screening benchmark (bench/RESULTS.md, "Screening"): loads a list in the
 * Consolidated Screening List's CSV layout, screens the labelled queries of
 * tests/screen/gen_list.py one by one and five at a time, and prints the
 * times and the precision and recall at several thresholds.
 *
 *   screen_bench LIST.csv QUERIES.tsv [THRESHOLD...]
 *
 * A query of kind "hit" is found when the entry it names (its _id) is among
 * its hits; every other hit is a false one. Precision is found hits over
 * all hits; recall found hits over hit queries; "misses flagged" the near
 * misses with any hit. Each threshold is also shown with a different
 * country raising it (SCREEN_COUNTRY_RAISE's candidates). Not part of the
 * library: a program over its API. */
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char *line;
    const char *kind, *category, *name, *country, *expected;
} query;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The process's peak resident memory so far (VmHWM), in MiB; -1 when
 * /proc does not say. */
static double peak_mib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kib = atof(line + 6);
    if (f)
        fclose(f);
    return kib < 0 ? -1 : kib / 1024.0;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Tab-separated fields of line, in place; how many. */
static size_t split(char *line, const char **f, size_t max)
{
    size_t n = 0;
    char *s = line;
    while (n < max) {
        f[n++] = s;
        char *t = strchr(s, '\t');
        if (!t)
            break;
        *t = '\0';
        s = t + 1;
    }
    return n;
}

static query *read_queries(const char *path, size_t *count)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    query *q = NULL;
    size_t n = 0, cap = 0;
    char buf[4096];
    int header = 1;
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (header) {
            header = 0;
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            query *g = realloc(q, cap * sizeof *q);
            if (!g)
                exit(3);
            q = g;
        }
        char *line = strdup(buf);
        if (!line)
            exit(3);
        const char *fld[6] = {"", "", "", "", "", ""};
        if (split(line, fld, 6) < 6) {
            free(line);
            continue;
        }
        q[n++] = (query){line, fld[1], fld[2], fld[3], fld[4], fld[5]};
    }
    fclose(f);
    *count = n;
    return q;
}

/* Per query, the hits at the lowest threshold: entry _id, score, country. */
typedef struct {
    const char *id, *matched;
    double score;
    int country;
} qhit;

typedef struct {
    qhit *h;
    size_t n;
} qhits;

static void evaluate(const query *q, const qhits *res, size_t nq, double t, double raise,
                     const char *label)
{
    size_t hitq = 0, found = 0, all = 0, right = 0, missq = 0, flagged = 0;
    size_t cat_n[16] = {0}, cat_found[16] = {0};
    const char *cats[16];
    size_t ncats = 0;
    for (size_t i = 0; i < nq; i++) {
        int is_hit = strcmp(q[i].kind, "hit") == 0;
        int got = 0, any = 0;
        for (size_t k = 0; k < res[i].n; k++) {
            const qhit *h = &res[i].h[k];
            double need = t + (h->country < 0 ? raise : 0);
            if (h->score < need)
                continue;
            any = 1;
            all++;
            if (is_hit && strcmp(h->id, q[i].expected) == 0) {
                got = 1;
                right++;
            }
        }
        if (is_hit) {
            hitq++;
            found += got;
            size_t c = 0;
            while (c < ncats && strcmp(cats[c], q[i].category) != 0)
                c++;
            if (c == ncats && ncats < 16)
                cats[ncats++] = q[i].category;
            if (c < 16) {
                cat_n[c]++;
                cat_found[c] += got;
            }
        } else {
            missq++;
            flagged += any;
        }
    }
    printf("| %.2f | %s | %.3f | %.3f | %zu/%zu | %zu | %zu/%zu |", t, label,
           all ? (double)right / (double)all : 1.0, hitq ? (double)found / (double)hitq : 1.0,
           found, hitq, all - right, flagged, missq);
    for (size_t c = 0; c < ncats; c++)
        printf(" %s %zu/%zu", cats[c], cat_found[c], cat_n[c]);
    printf(" |\n");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: screen_bench LIST.csv QUERIES.tsv [THRESHOLD...]\n");
        return 2;
    }
    clasm_diags d;
    clasm_diags_init(&d);
    screen_list *l = NULL;
    double t0 = now();
    clasm_status st = screen_list_load(argv[1], NULL, &l, &d);
    double t1 = now();
    clasm_diags_print(stderr, &d);
    clasm_diags_free(&d);
    if (st != CLASM_OK)
        return (int)st;
    size_t nq = 0;
    query *q = read_queries(argv[2], &nq);
    if (!q || nq == 0) {
        fprintf(stderr, "screen_bench: no queries in %s\n", argv[2]);
        return 1;
    }
    printf("list: %s, %zu entries, sha256 %.12s..., loaded in %.3f s, peak RSS %.1f MiB\n",
           screen_list_name(l), screen_list_count(l), screen_list_sha256(l), t1 - t0, peak_mib());

    /* Each query alone at the lowest threshold shown, timed. */
    double lowest = 0.80;
    for (int a = 3; a < argc; a++)
        if (atof(argv[a]) < lowest)
            lowest = atof(argv[a]);
    screen_options o = screen_default_options();
    o.threshold = lowest;
    qhits *res = calloc(nq, sizeof *res);
    double *ms = calloc(nq, sizeof *ms);
    if (!res || !ms)
        return 3;
    for (size_t i = 0; i < nq; i++) {
        screen_party p = {"customer", q[i].name, q[i].country[0] ? q[i].country : NULL};
        screen_hit *h = NULL;
        size_t nh = 0;
        double a = now();
        if (screen_parties(l, &p, 1, &o, &h, &nh) != 0)
            return 3;
        ms[i] = (now() - a) * 1000.0;
        res[i].h = calloc(nh + 1, sizeof *res[i].h);
        if (!res[i].h)
            return 3;
        for (size_t k = 0; k < nh; k++)
            res[i].h[k] = (qhit){h[k].id, h[k].matched_name, h[k].score, h[k].country};
        res[i].n = nh;
        screen_hits_free(h, nh);
    }
    double total = 0;
    for (size_t i = 0; i < nq; i++)
        total += ms[i];
    qsort(ms, nq, sizeof *ms, by_double);
    printf("queries: %zu, one at a time at threshold %.2f: total %.3f s, mean %.2f ms, median "
           "%.2f ms, p99 %.2f ms, max %.2f ms\n",
           nq, lowest, total / 1000.0, total / (double)nq, ms[nq / 2], ms[nq * 99 / 100],
           ms[nq - 1]);

    /* Five parties in one call, at the default threshold. */
    screen_options def = screen_default_options();
    double best5 = 1e9;
    for (size_t i = 0; i + 5 <= nq && i < 100; i += 5) {
        screen_party p[5];
        for (size_t k = 0; k < 5; k++)
            p[k] = (screen_party){"customer", q[i + k].name,
                                  q[i + k].country[0] ? q[i + k].country : NULL};
        screen_hit *h = NULL;
        size_t nh = 0;
        double a = now();
        if (screen_parties(l, p, 5, &def, &h, &nh) != 0)
            return 3;
        double el = now() - a;
        if (el < best5)
            best5 = el;
        screen_hits_free(h, nh);
    }
    double worst5 = 0;
    for (size_t i = 0; i + 5 <= nq && i < 100; i += 5) {
        screen_party p[5];
        for (size_t k = 0; k < 5; k++)
            p[k] = (screen_party){"customer", q[i + k].name,
                                  q[i + k].country[0] ? q[i + k].country : NULL};
        screen_hit *h = NULL;
        size_t nh = 0;
        double a = now();
        if (screen_parties(l, p, 5, &def, &h, &nh) != 0)
            return 3;
        double el = now() - a;
        if (el > worst5)
            worst5 = el;
        screen_hits_free(h, nh);
    }
    printf("five parties in one call at %.2f: fastest %.1f ms, slowest %.1f ms (20 calls); peak "
           "RSS %.1f MiB\n",
           def.threshold, best5 * 1000, worst5 * 1000, peak_mib());

    printf("\n| threshold | a different country | precision | recall | found | false hits | "
           "misses flagged | found by category |\n| ---: | --- | ---: | ---: | ---: | ---: | "
           "---: | --- |\n");
    int nt = argc - 3;
    double dflt[] = {0.85, 0.88, 0.90, 0.92, 0.95};
    for (int a = 0; a < (nt ? nt : 5); a++) {
        double t = nt ? atof(argv[3 + a]) : dflt[a];
        evaluate(q, res, nq, t, 0.0, "kept, marked");
        evaluate(q, res, nq, t, 0.02, "threshold +0.02");
        evaluate(q, res, nq, t, 0.03, "threshold +0.03");
        evaluate(q, res, nq, t, 0.05, "threshold +0.05");
        evaluate(q, res, nq, t, 1.0, "dropped");
    }
    if (getenv("SCREEN_BENCH_MISSES")) {
        /* Each false hit and each query not found, to see why. */
        for (size_t i = 0; i < nq; i++) {
            int is_hit = strcmp(q[i].kind, "hit") == 0;
            double t = atof(getenv("SCREEN_BENCH_MISSES"));
            int got = 0;
            for (size_t k = 0; k < res[i].n; k++) {
                if (res[i].h[k].score < t)
                    continue;
                if (is_hit && strcmp(res[i].h[k].id, q[i].expected) == 0)
                    got = 1;
                else
                    printf("FALSE %s [%s] %s -> %s %.3f\n", q[i].kind, q[i].category, q[i].name,
                           res[i].h[k].matched, res[i].h[k].score);
            }
            if (is_hit && !got)
                printf("NOT FOUND [%s] %s (%s)\n", q[i].category, q[i].name, q[i].expected);
        }
    }
    for (size_t i = 0; i < nq; i++) {
        free(res[i].h);
        free(q[i].line);
    }
    free(res);
    free(ms);
    free(q);
    screen_list_free(l);
    return 0;
}
