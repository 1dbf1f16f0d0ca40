/* The {{ }} tag scanner: see tags.h. */
#include "tags.h"

#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

int tag_valid_path(const char *path)
{
    const unsigned char *s = (const unsigned char *)path;
    if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.' || *s == '-'))
            return 0;
    return 1;
}

static int is_structural(const char *inner, size_t n)
{
    if (n > 0 && (inner[0] == '#' || inner[0] == '/'))
        return 1;
    if (n < 7 || strncmp(inner, "clauses", 7) != 0)
        return 0;
    return n == 7 || inner[7] == ':' || is_space(inner[7]);
}

static int is_reference(const char *inner, size_t n)
{
    return n >= 6 && strncmp(inner, "clause", 6) == 0 && (n == 6 || is_space(inner[6]));
}

void tags_free(tag *tags, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(tags[i].path);
    free(tags);
}

static int push_tag(tag **tags, size_t *n, size_t *cap, tag_kind kind, size_t start, size_t end,
                    const char *inner, size_t inner_len)
{
    tag *grown = array_grow(*tags, cap, *n + 1, sizeof **tags);
    if (!grown)
        return -1;
    *tags = grown;
    char *path = strndup(inner, inner_len);
    if (!path)
        return -1;
    tag *t = &(*tags)[(*n)++];
    t->kind = kind;
    t->start = start;
    t->end = end;
    t->path = path;
    return 0;
}

size_t tags_scan(const char *text, tag **out)
{
    tag *tags = NULL;
    size_t n = 0, cap = 0;
    size_t len = strlen(text);
    size_t i = 0;
    *out = NULL;
    while (i + 1 < len) {
        const char *open = strstr(text + i, "{{");
        if (!open)
            break;
        size_t s = (size_t)(open - text);
        const char *close = strstr(open + 2, "}}");
        const char *reopen = strstr(open + 2, "{{");
        if (!close || (reopen && reopen < close)) {
            /* No closing braces before the text ends or another tag
             * opens: this one is unclosed. */
            size_t e = reopen ? (size_t)(reopen - text) : len;
            if (push_tag(&tags, &n, &cap, TAG_UNCLOSED, s, e, open + 2, e - s - 2) != 0)
                goto oom;
            i = e;
            continue;
        }
        size_t e = (size_t)(close - text) + 2;
        const char *a = open + 2, *b = close;
        while (a < b && is_space(*a))
            a++;
        while (b > a && is_space(b[-1]))
            b--;
        size_t ilen = (size_t)(b - a);
        if (push_tag(&tags, &n, &cap, TAG_MALFORMED, s, e, a, ilen) != 0)
            goto oom;
        tag *t = &tags[n - 1];
        t->kind = is_structural(a, ilen)    ? TAG_STRUCTURAL
                  : is_reference(a, ilen)   ? TAG_REFERENCE
                  : tag_valid_path(t->path) ? TAG_VALUE
                                            : TAG_MALFORMED;
        i = e;
    }
    *out = tags;
    return n;
oom:
    tags_free(tags, n);
    return (size_t)-1;
}
