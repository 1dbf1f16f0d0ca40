/* Word-level difference by longest common subsequence over the words that
 * remain once the common prefix and suffix are set aside. */
#include "word_diff.h"

#include "strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *start;
    size_t len;
} word;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Splits text into words; returns the count, *out malloc'd (NULL on OOM with -1). */
static long split(const char *text, word **out)
{
    size_t cap = 16, n = 0;
    word *v = malloc(cap * sizeof *v);
    if (!v)
        return -1;
    const char *p = text ? text : "";
    while (*p) {
        while (*p && is_space(*p))
            p++;
        if (!*p)
            break;
        const char *s = p;
        while (*p && !is_space(*p))
            p++;
        if (n == cap) {
            cap *= 2;
            word *w = realloc(v, cap * sizeof *w);
            if (!w) {
                free(v);
                return -1;
            }
            v = w;
        }
        v[n++] = (word){s, (size_t)(p - s)};
    }
    *out = v;
    return (long)n;
}

static int same(const word *a, const word *b)
{
    return a->len == b->len && memcmp(a->start, b->start, a->len) == 0;
}

/* One edit operation per word of the alignment. */
typedef enum { OP_KEEP, OP_DEL, OP_ADD } op_kind;
typedef struct {
    op_kind kind;
    const word *w;
} op;

static void put_word(strbuf *b, const word *w, int *need_space)
{
    if (*need_space)
        strbuf_addc(b, ' ');
    strbuf_add(b, w->start, w->len);
    *need_space = 1;
}

/* Renders ops: changes in [- -] / {+ +}, context words around them. */
static char *render(const op *ops, size_t n, size_t context)
{
    strbuf b = {0};
    /* Mark which kept words are within context of a change. */
    unsigned char *show = calloc(n ? n : 1, 1);
    if (!show)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (ops[i].kind == OP_KEEP)
            continue;
        show[i] = 1;
        size_t k = 0;
        for (size_t j = i; j > 0 && k < context; j--)
            if (ops[j - 1].kind == OP_KEEP) {
                show[j - 1] = 1;
                k++;
            } else {
                break;
            }
        k = 0;
        for (size_t j = i + 1; j < n && k < context && ops[j].kind == OP_KEEP; j++, k++)
            show[j] = 1;
    }
    int need_space = 0, any = 0;
    for (size_t i = 0; i < n;) {
        if (!show[i]) {
            size_t j = i;
            while (j < n && !show[j])
                j++;
            if (any || j < n) {
                if (need_space)
                    strbuf_addc(&b, ' ');
                strbuf_adds(&b, "...");
                need_space = 1;
            }
            i = j;
            continue;
        }
        any = 1;
        if (ops[i].kind == OP_KEEP) {
            put_word(&b, ops[i].w, &need_space);
            i++;
            continue;
        }
        /* A run of changes: deletions first, then additions. */
        size_t j = i;
        while (j < n && ops[j].kind != OP_KEEP)
            j++;
        int first = 1;
        for (size_t k = i; k < j; k++) {
            if (ops[k].kind != OP_DEL)
                continue;
            if (first) {
                if (need_space)
                    strbuf_addc(&b, ' ');
                strbuf_adds(&b, "[-");
                need_space = 0;
                first = 0;
            }
            put_word(&b, ops[k].w, &need_space);
        }
        if (!first)
            strbuf_adds(&b, "-]");
        first = 1;
        for (size_t k = i; k < j; k++) {
            if (ops[k].kind != OP_ADD)
                continue;
            if (first) {
                if (need_space || b.len)
                    strbuf_addc(&b, ' ');
                strbuf_adds(&b, "{+");
                need_space = 0;
                first = 0;
            }
            put_word(&b, ops[k].w, &need_space);
        }
        if (!first)
            strbuf_adds(&b, "+}");
        need_space = 1;
        i = j;
    }
    free(show);
    return strbuf_take(&b); /* "" when nothing was shown; NULL when out of memory */
}

char *word_diff(const char *before, const char *after, size_t context)
{
    word *a = NULL, *b = NULL;
    long na = split(before, &a), nb = split(after, &b);
    if (na < 0 || nb < 0) {
        free(a);
        free(b);
        return NULL;
    }
    size_t pre = 0;
    while (pre < (size_t)na && pre < (size_t)nb && same(&a[pre], &b[pre]))
        pre++;
    size_t suf = 0;
    while (suf < (size_t)na - pre && suf < (size_t)nb - pre &&
           same(&a[na - 1 - suf], &b[nb - 1 - suf]))
        suf++;
    size_t ma = (size_t)na - pre - suf, mb = (size_t)nb - pre - suf;
    op *ops = malloc(((size_t)na + (size_t)nb + 1) * sizeof *ops);
    if (!ops) {
        free(a);
        free(b);
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < pre; i++)
        ops[n++] = (op){OP_KEEP, &a[i]};
    const word *A = a + pre, *B = b + pre;
    uint32_t *L = NULL;
    if (ma && mb && ma <= WORD_DIFF_MAX_WORDS && mb <= WORD_DIFF_MAX_WORDS)
        L = calloc((ma + 1) * (mb + 1), sizeof *L);
    if (L) {
        /* L[i][j]: LCS length of A[i..] and B[j..]. */
        for (size_t i = ma; i-- > 0;)
            for (size_t j = mb; j-- > 0;) {
                uint32_t *cell = &L[i * (mb + 1) + j];
                if (same(&A[i], &B[j]))
                    *cell = L[(i + 1) * (mb + 1) + j + 1] + 1;
                else {
                    uint32_t down = L[(i + 1) * (mb + 1) + j], right = L[i * (mb + 1) + j + 1];
                    *cell = down >= right ? down : right;
                }
            }
        size_t i = 0, j = 0;
        while (i < ma && j < mb) {
            if (same(&A[i], &B[j])) {
                ops[n++] = (op){OP_KEEP, &A[i]};
                i++, j++;
            } else if (L[(i + 1) * (mb + 1) + j] >= L[i * (mb + 1) + j + 1]) {
                ops[n++] = (op){OP_DEL, &A[i++]};
            } else {
                ops[n++] = (op){OP_ADD, &B[j++]};
            }
        }
        while (i < ma)
            ops[n++] = (op){OP_DEL, &A[i++]};
        while (j < mb)
            ops[n++] = (op){OP_ADD, &B[j++]};
        free(L);
    } else {
        for (size_t i = 0; i < ma; i++)
            ops[n++] = (op){OP_DEL, &A[i]};
        for (size_t j = 0; j < mb; j++)
            ops[n++] = (op){OP_ADD, &B[j]};
    }
    for (size_t i = 0; i < suf; i++)
        ops[n++] = (op){OP_KEEP, &a[(size_t)na - suf + i]};
    char *out = ma || mb ? render(ops, n, context) : strdup("");
    free(ops);
    free(a);
    free(b);
    return out;
}
