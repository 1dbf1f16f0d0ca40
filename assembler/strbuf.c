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
