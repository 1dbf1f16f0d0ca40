/* The write floor of the benchmark: the least work that can produce clasm's
 * drafts. For each of clasm's drafts, its parts are read before timing; the
 * timed work is only what writing those exact bytes takes, done by clasm's
 * own package and output code (the library archive): the parts that differ
 * from the template deflated as clasm deflates them, the template's
 * unchanged parts copied still compressed, the package built in memory,
 * then written as clasm writes a draft (an anonymous file in the output
 * folder, synced, linked under its name). No XML is parsed or built, no
 * deal read, nothing selected or filled.
 *
 * usage: write_floor TEMPLATE OUTDIR DRAFT...
 * Prints one line per document, "<seconds> <output>", and on stderr
 * "write_floor: N documents in S s (timed)": the loop alone, without the
 * reading of the drafts beforehand. */
#include "clasm.h"
#include "package.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const char *name; /* owned by the draft's package */
    unsigned char *data;
    size_t len;
} part;

typedef struct {
    char out[4096];
    pkg *p;
    part *parts; /* those that differ from the template's */
    size_t n;
} draft;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The draft's parts that differ from the template's, in the draft's order
 * (the order clasm added the new ones in). */
static int load_draft(const pkg *tpl, const char *path, const char *outdir, draft *d)
{
    clasm_diags diags;
    clasm_diags_init(&diags);
    int rc = pkg_open(path, &d->p, &diags) == CLASM_OK ? 0 : -1;
    clasm_diags_free(&diags);
    if (rc != 0)
        return -1;
    const char *base = strrchr(path, '/');
    snprintf(d->out, sizeof d->out, "%s/%s", outdir, base ? base + 1 : path);
    size_t n = pkg_entry_count(d->p);
    d->parts = calloc(n + 1, sizeof *d->parts);
    if (!d->parts)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *name = pkg_entry_name(d->p, i);
        size_t len = 0, tlen = 0;
        const unsigned char *bytes = pkg_bytes(d->p, name, &len);
        const unsigned char *tbytes = pkg_bytes(tpl, name, &tlen);
        if (!bytes || (tbytes && tlen == len && memcmp(tbytes, bytes, len) == 0))
            continue;
        part *p = &d->parts[d->n++];
        p->name = name;
        p->len = len;
        p->data = malloc(len ? len : 1);
        if (!p->data)
            return -1;
        memcpy(p->data, bytes, len);
    }
    return 0;
}

/* The package of the template with the draft's parts, written. The draft's
 * buffers go to the edit (each draft is written once). */
static int write_one(const pkg *tpl, draft *d)
{
    clasm_diags diags;
    clasm_diags_init(&diags);
    pkg_edit *e = pkg_edit_new(tpl);
    int rc = e ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < d->n; i++) {
        rc = pkg_edit_take_bytes(e, d->parts[i].name, d->parts[i].data, d->parts[i].len);
        d->parts[i].data = NULL;
    }
    unsigned char *bytes = NULL;
    size_t len = 0;
    if (rc == 0 && pkg_edit_bytes(e, &bytes, &len, d->out, &diags) != CLASM_OK)
        rc = -1;
    if (rc == 0 && clasm_write_file(d->out, bytes, len, &diags) != CLASM_OK)
        rc = -1;
    if (rc != 0)
        clasm_diags_print(stderr, &diags);
    free(bytes);
    pkg_edit_free(e);
    clasm_diags_free(&diags);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: write_floor TEMPLATE OUTDIR DRAFT...\n");
        return 2;
    }
    clasm_diags diags;
    clasm_diags_init(&diags);
    pkg *tpl = NULL;
    if (pkg_open(argv[1], &tpl, &diags) != CLASM_OK) {
        clasm_diags_print(stderr, &diags);
        return 3;
    }
    clasm_diags_free(&diags);
    size_t n = (size_t)(argc - 3);
    draft *drafts = calloc(n + 1, sizeof *drafts);
    for (size_t i = 0; drafts && i < n; i++)
        if (load_draft(tpl, argv[i + 3], argv[2], &drafts[i]) != 0) {
            fprintf(stderr, "write_floor: cannot read %s\n", argv[i + 3]);
            return 3;
        }
    int failed = 0;
    double start = now();
    for (size_t i = 0; drafts && i < n; i++) {
        double t0 = now();
        if (write_one(tpl, &drafts[i]) != 0) {
            fprintf(stderr, "write_floor: cannot write %s\n", drafts[i].out);
            failed++;
            continue;
        }
        printf("%.6f %s\n", now() - t0, drafts[i].out);
    }
    double secs = now() - start;
    fprintf(stderr, "write_floor: %zu documents in %.6f s (timed)\n", n - (size_t)failed, secs);
    for (size_t i = 0; drafts && i < n; i++) {
        for (size_t k = 0; k < drafts[i].n; k++)
            free(drafts[i].parts[k].data);
        free(drafts[i].parts);
        pkg_free(drafts[i].p);
    }
    free(drafts);
    pkg_free(tpl);
    return failed ? 3 : 0;
}
