/* The write floor of the benchmark: the least work that can produce clasm's
 * drafts. For each of clasm's drafts, its parts are read before timing; the
 * timed work is only what writing those exact bytes takes: the parts that
 * differ from the template deflated at clasm's level, the template's
 * unchanged parts copied still compressed (as clasm copies them), the
 * package built in memory with libzip, then written as clasm writes a draft
 * (an anonymous file in the output folder, synced, linked under its name).
 * No XML is parsed or built, no deal read, nothing selected or filled.
 *
 * usage: write_floor [-l LEVEL] TEMPLATE OUTDIR DRAFT...
 * Prints one line per document, "<seconds> <output>", and on stderr
 * "write_floor: N documents in S s (timed)": the loop alone, without the
 * reading of the drafts beforehand. */
#define _GNU_SOURCE /* O_TMPFILE, AT_EMPTY_PATH */
#include <zip.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FIXED_DOS_TIME 0
#define FIXED_DOS_DATE 33 /* 1980-01-01, as clasm writes */

typedef struct {
    const char *name;
    zip_int64_t tpl_index; /* >= 0: copied compressed from the template */
    unsigned char *data;   /* else: the part's bytes, deflated when written */
    size_t len;
} part;

typedef struct {
    char out[4096];
    part *parts;
    size_t n;
} draft;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The draft's parts: each one equal to the template's part of that name
 * (same size and CRC) is marked for a compressed copy; the others are read. */
static int load_draft(zip_t *tpl, const char *path, const char *outdir, draft *d)
{
    int err = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &err);
    if (!z)
        return -1;
    const char *base = strrchr(path, '/');
    snprintf(d->out, sizeof d->out, "%s/%s", outdir, base ? base + 1 : path);
    zip_int64_t n = zip_get_num_entries(z, 0);
    d->parts = calloc((size_t)n + 1, sizeof *d->parts);
    d->n = 0;
    int rc = d->parts ? 0 : -1;
    for (zip_int64_t i = 0; rc == 0 && i < n; i++) {
        zip_stat_t st, ts;
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0) {
            rc = -1;
            break;
        }
        part *p = &d->parts[d->n++];
        p->name = strdup(st.name);
        zip_int64_t ti = zip_name_locate(tpl, st.name, 0);
        if (ti >= 0 && zip_stat_index(tpl, (zip_uint64_t)ti, 0, &ts) == 0 && ts.size == st.size &&
            ts.crc == st.crc) {
            p->tpl_index = ti;
            continue;
        }
        p->tpl_index = -1;
        p->len = (size_t)st.size;
        p->data = malloc(p->len ? p->len : 1);
        zip_file_t *f = p->data ? zip_fopen_index(z, (zip_uint64_t)i, 0) : NULL;
        if (!f || zip_fread(f, p->data, st.size) != (zip_int64_t)st.size)
            rc = -1;
        if (f)
            zip_fclose(f);
    }
    zip_discard(z);
    return rc;
}

static int write_all(int fd, const unsigned char *b, size_t n)
{
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* As clasm's output.c: an anonymous file in the folder, synced, linked. */
static int publish(const char *path, const unsigned char *b, size_t n)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    int fd = open(slash ? dir : ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    int rc = write_all(fd, b, n) == 0 && fsync(fd) == 0 ? 0 : -1;
    if (rc == 0) {
        unlink(path);
        rc = linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH);
        if (rc != 0) { /* without CAP_DAC_READ_SEARCH: through /proc */
            char proc[64];
            snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
            rc = linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
        }
    }
    close(fd);
    return rc;
}

static int write_one(zip_t *tpl, const draft *d, zip_uint32_t level)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &err);
    if (!mem)
        return -1;
    zip_source_keep(mem);
    zip_t *out = zip_open_from_source(mem, ZIP_TRUNCATE, &err);
    int rc = out ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < d->n; i++) {
        const part *p = &d->parts[i];
        zip_source_t *src;
        zip_int32_t method = ZIP_CM_DEFLATE;
        zip_uint32_t flags = level;
        if (p->tpl_index >= 0) {
            zip_stat_t st;
            zip_stat_index(tpl, (zip_uint64_t)p->tpl_index, 0, &st);
            method = (zip_int32_t)st.comp_method;
            flags = 0;
            src = zip_source_zip(out, tpl, (zip_uint64_t)p->tpl_index, ZIP_FL_COMPRESSED, 0, -1);
        } else {
            src = zip_source_buffer(out, p->data, p->len, 0);
        }
        zip_int64_t idx = src ? zip_file_add(out, p->name, src, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            zip_source_free(src);
            rc = -1;
            break;
        }
        if (zip_set_file_compression(out, (zip_uint64_t)idx, method, flags) != 0 ||
            zip_file_set_dostime(out, (zip_uint64_t)idx, FIXED_DOS_TIME, FIXED_DOS_DATE, 0) != 0)
            rc = -1;
    }
    if (out && rc == 0 && zip_close(out) != 0)
        rc = -1;
    if (out && rc != 0)
        zip_discard(out);
    unsigned char *bytes = NULL;
    zip_stat_t st;
    zip_stat_init(&st);
    if (rc == 0 && (zip_source_stat(mem, &st) != 0 || zip_source_open(mem) != 0))
        rc = -1;
    if (rc == 0) {
        bytes = malloc(st.size ? (size_t)st.size : 1);
        if (!bytes || zip_source_read(mem, bytes, st.size) != (zip_int64_t)st.size)
            rc = -1;
        zip_source_close(mem);
    }
    zip_source_free(mem);
    if (rc == 0)
        rc = publish(d->out, bytes, (size_t)st.size);
    free(bytes);
    zip_error_fini(&err);
    return rc;
}

int main(int argc, char **argv)
{
    zip_uint32_t level = 0;
    if (argc > 2 && strcmp(argv[1], "-l") == 0) {
        level = (zip_uint32_t)atoi(argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc < 3 || level > 9) {
        fprintf(stderr, "usage: write_floor [-l LEVEL] TEMPLATE OUTDIR DRAFT...\n");
        return 2;
    }
    int err = 0;
    zip_t *tpl = zip_open(argv[1], ZIP_RDONLY, &err);
    if (!tpl) {
        fprintf(stderr, "write_floor: cannot open %s\n", argv[1]);
        return 3;
    }
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
        if (write_one(tpl, &drafts[i], level) != 0) {
            fprintf(stderr, "write_floor: cannot write %s\n", drafts[i].out);
            failed++;
            continue;
        }
        printf("%.6f %s\n", now() - t0, drafts[i].out);
    }
    double secs = now() - start;
    fprintf(stderr, "write_floor: %zu documents in %.6f s (timed)\n", n - (size_t)failed, secs);
    for (size_t i = 0; drafts && i < n; i++) {
        for (size_t k = 0; k < drafts[i].n; k++) {
            free((void *)drafts[i].parts[k].name);
            free(drafts[i].parts[k].data);
        }
        free(drafts[i].parts);
    }
    free(drafts);
    zip_close(tpl);
    return failed ? 3 : 0;
}
