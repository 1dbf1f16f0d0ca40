/* JSON strings from text that may not be UTF-8: see json_text.h. */
#include "json_text.h"

#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *utf8_escape_invalid(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(4 * len + 1); /* at most \xNN for each byte */
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_char(p + i, NULL); /* jansson's rule too */
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
