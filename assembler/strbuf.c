/* Growing buffers: see strbuf.h. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *array_grow(void *items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap && items)
        return items;
    size_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return NULL;
        c *= 2;
    }
    if (size && c > SIZE_MAX / size)
        return NULL;
    void *grown = realloc(items, c * size > 0 ? c * size : 1);
    if (!grown)
        return NULL;
    *cap = c;
    return grown;
}

void strbuf_add(strbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    char *g = n > SIZE_MAX - b->len - 1 ? NULL : array_grow(b->s, &b->cap, b->len + n + 1, 1);
    if (!g) {
        b->failed = 1;
        return;
    }
    b->s = g;
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void strbuf_adds(strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

void strbuf_addc(strbuf *b, char c)
{
    strbuf_add(b, &c, 1);
}

void strbuf_addf(strbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *g = n < 0 ? NULL : array_grow(b->s, &b->cap, b->len + (size_t)n + 1, 1);
    if (!g) {
        b->failed = 1;
    } else {
        b->s = g;
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

int strbuf_read(strbuf *b, FILE *f, size_t limit)
{
    size_t start = b->len;
    while (!b->failed && b->len - start <= limit) {
        size_t room = b->cap > b->len + 1 ? b->cap - b->len - 1 : 0;
        if (room == 0) {
            size_t want = b->cap ? b->cap * 2 : 64 * 1024;
            if (want - start > limit + 2)
                want = start + limit + 2;
            char *g = array_grow(b->s, &b->cap, want, 1);
            if (!g) {
                b->failed = 1;
                return -1;
            }
            b->s = g;
            continue;
        }
        size_t left = limit + 1 - (b->len - start);
        size_t got = fread(b->s + b->len, 1, room < left ? room : left, f);
        b->len += got;
        b->s[b->len] = '\0';
        if (got == 0)
            break;
    }
    return b->failed || ferror(f) ? -1 : 0;
}

const char *strbuf_str(const strbuf *b)
{
    return b->s ? b->s : "";
}

char *strbuf_take(strbuf *b)
{
    if (b->failed) {
        strbuf_free(b);
        return NULL;
    }
    char *s = b->s ? b->s : strdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void strbuf_free(strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}
