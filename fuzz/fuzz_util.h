/* Helpers shared by the libFuzzer harnesses (fuzz/README.md). Harness code,
 * not library code: a harness may keep per-process scratch state, since
 * libFuzzer calls it over and over in one process. */
#ifndef CLASM_FUZZ_UTIL_H
#define CLASM_FUZZ_UTIL_H

#include "clasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
/* The status and the result agree: success gives an object, a refusal gives
 * none and at least one error saying why. */
static inline void fuzz_check_status(clasm_status st, const void *obj, const clasm_diags *d)
{
    if (st == CLASM_OK && !obj)
        abort();
    if (st != CLASM_OK && obj)
        abort();
    if (st == CLASM_E_INPUT && clasm_diags_errors(d) == 0)
        abort();
    fuzz_check_diags(d);
}

#endif

/* A NUL-terminated copy of the input (the harnesses' text entry points want
 * C strings); NULL when out of memory. */
static inline char *fuzz_cstr(const unsigned char *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s) {
        if (size)
            memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

/* Writes bytes to path; 0 on success. */
static inline int fuzz_write(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, size, f) == size;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* Reads a whole file; malloc'd, or NULL. */
static inline unsigned char *fuzz_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            unsigned char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    if (len)
        *len = n;
    return buf;
}

/* Reads a whole file of the project (path relative to the repository). */
static inline unsigned char *fuzz_read_project(const char *rel, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", FUZZ_ROOT, rel);
    return fuzz_read_file(path, len);
}

/* Every diagnostic must be complete: an id and a message, both non-empty,
 * and printing it must work. A harness aborts otherwise, so that a
 * half-built diagnostic is found as a crash. */
static inline void fuzz_check_diags(const clasm_diags *d)
{
    FILE *null = fopen("/dev/null", "w");
    for (size_t i = 0; i < d->count; i++) {
        const clasm_diag *g = &d->items[i];
        if (!g->id || !g->id[0] || !g->message || !g->message[0])
            abort();
        for (const char *c = g->id; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
                abort(); /* ids are stable kebab-case */
        if (null)
            clasm_diag_print(null, g);
    }
    if (null)
        fclose(null);
}

/* The status and the result agree: success gives an object, a refusal gives
 * none and at least one error saying why. */
static inline void fuzz_check_status(clasm_status st, const void *obj, const clasm_diags *d)
{
    if (st == CLASM_OK && !obj)
        abort();
    if (st != CLASM_OK && obj)
        abort();
    if (st == CLASM_E_INPUT && clasm_diags_errors(d) == 0)
        abort();
    fuzz_check_diags(d);
}

#endif
