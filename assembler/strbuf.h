/* Growing buffers: one string builder and one array-growth rule for every
 * module, instead of a hand-written realloc loop in each. */
#ifndef CLASM_STRBUF_H
#define CLASM_STRBUF_H

#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__)
#define STRBUF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define STRBUF_PRINTF(a, b)
#endif

/* A NUL-terminated string that grows as text is added. Zero-initialize it
 * (strbuf b = {0}). After an allocation fails, adding does nothing and
 * `failed` is set: check once, at the end. */
typedef struct {
    char *s; /* NULL until something is added */
    size_t len, cap;
    int failed;
} strbuf;

void strbuf_add(strbuf *b, const char *s, size_t n);
void strbuf_adds(strbuf *b, const char *s);
void strbuf_addc(strbuf *b, char c);
void strbuf_addf(strbuf *b, const char *fmt, ...) STRBUF_PRINTF(2, 3);
/* Appends what is left of f, at most limit + 1 bytes (one byte past the
 * limit is enough to know a file is too large: never more is held). 0, or
 * -1 on a read error (errno kept) or when out of memory (failed set). */
int strbuf_read(strbuf *b, FILE *f, size_t limit);
/* The text so far ("" when nothing was added); valid until the next add. */
const char *strbuf_str(const strbuf *b);
/* Hands over the string (malloc'd; "" when nothing was added) and empties
 * the buffer; NULL when an allocation failed (the buffer is freed). */
char *strbuf_take(strbuf *b);
void strbuf_free(strbuf *b);

/* Room for at least need items of size bytes in the array items (capacity
 * *cap, doubled as needed): returns the array, moved or not, with *cap
 * updated, or NULL when out of memory (items and *cap unchanged, still the
 * caller's). Use: T *g = array_grow(v, &cap, n + 1, sizeof *v); if (!g) ...;
 * v = g; */
void *array_grow(void *items, size_t *cap, size_t need, size_t size);

#endif
