/* Makes libxml2's allocations fail after a given number, through its own
 * allocator hooks (xmlMemSetup), to test how a parse that runs out of memory
 * is reported. Single-threaded tests only; always end with xaf_end. */
#ifndef CLASM_TEST_XML_ALLOC_FAIL_H
#define CLASM_TEST_XML_ALLOC_FAIL_H

#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long xaf_left = -1; /* allocations that still succeed; -1 for all */
static long xaf_calls;     /* allocations asked for since xaf_begin */

static int xaf_fails(void)
{
    xaf_calls++;
    if (xaf_left == 0)
        return 1;
    if (xaf_left > 0)
        xaf_left--;
    return 0;
}

static void *xaf_malloc(size_t n)
{
    return xaf_fails() ? NULL : malloc(n);
}

static void *xaf_realloc(void *p, size_t n)
{
    return xaf_fails() ? NULL : realloc(p, n);
}

static char *xaf_strdup(const char *s)
{
    return xaf_fails() ? NULL : strdup(s);
}

/* libxml2's allocations from now on: the first `succeed` work, the rest
 * fail (-1: none fails, only counted). */
static void xaf_begin(long succeed)
{
    xmlInitParser();
    xaf_left = succeed;
    xaf_calls = 0;
    xmlMemSetup(free, xaf_malloc, xaf_realloc, xaf_strdup);
}

static void xaf_end(void)
{
    xmlMemSetup(free, malloc, realloc, strdup);
    xaf_left = -1;
}

/* Sends fd 2 to a temporary file until xaf_stderr_bytes, which restores
 * it and returns how many bytes were written to it meanwhile. */
static int xaf_stderr_capture(char path[64])
{
    strcpy(path, "/tmp/clasm-stderr-XXXXXX");
    int fd = mkstemp(path);
    if (getenv("XAF_KEEP_STDERR")) /* to debug a failing test */
        return close(fd), dup(2);
    int saved = dup(2);
    if (fd < 0 || saved < 0 || dup2(fd, 2) < 0)
        return -1;
    close(fd);
    return saved;
}

static long xaf_stderr_bytes(int saved, const char *path)
{
    struct stat st;
    long n = stat(path, &st) == 0 ? (long)st.st_size : -1;
    dup2(saved, 2);
    close(saved);
    unlink(path);
    return n;
}

#endif
