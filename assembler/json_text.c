/* JSON strings from text that may not be UTF-8: see json_text.h. */
#include "json_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s, or 0 when the byte at s does
 * not start one. The rules are jansson's (RFC 3629): no overlong forms, no
 * surrogates, nothing above U+10FFFF. */
static size_t utf8_valid_len(const unsigned char *s)
{
    size_t n;
    unsigned long c;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
        c = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        c = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        c = s[0] & 0x07u;
    } else {
        return 0;
    }
    /* A NUL ends the string before a continuation byte is missed. */
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return n;
}

char *utf8_escape_invalid(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(4 * len + 1); /* at most \xNN for each byte */
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_valid_len(p + i);
        if (n == 0) {
            snprintf(out + o, 5, "\\x%02X", p[i]);
            o += 4;
            i++;
        } else {
            memcpy(out + o, p + i, n);
            o += n;
            i += n;
        }
    }
    out[o] = '\0';
    return out;
}

json_t *json_text(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *escaped = utf8_escape_invalid(s);
    if (!escaped)
        return NULL;
    j = json_string(escaped);
    free(escaped);
    return j;
}
