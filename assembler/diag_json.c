/* A list of diagnostics as JSON: the server's error answers
 * (clasm_diags_json in clasm.h). */
#include "clasm.h"
#include "json_text.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* msg without any of the strip strings: paths relative to those folders. */
static char *without_folders(const char *msg, const char *const *strip, size_t nstrip)
{
    char *out = strdup(msg);
    for (size_t i = 0; out && strip && i < nstrip; i++) {
        const char *p = strip[i];
        size_t n = p ? strlen(p) : 0;
        if (n == 0)
            continue;
        char *at = out;
        while ((at = strstr(at, p)) != NULL)
            memmove(at, at + n, strlen(at + n) + 1);
    }
    return out;
}

/* One diagnostic as {id, message, line, column, severity[, part,
 * paragraph][, path]}; NULL when out of memory. */
static json_t *diag_json(const clasm_diag *g, const char *const *strip, size_t nstrip)
{
    char *msg = without_folders(g->message ? g->message : "", strip, nstrip);
    json_t *e = msg ? json_object() : NULL;
    int bad = !e;
    if (e) {
        bad |= json_object_set_new(e, "id", json_string(g->id ? g->id : "error"));
        bad |= json_object_set_new(e, "message", json_text(msg));
        bad |= json_object_set_new(e, "line", json_integer(g->line));
        bad |= json_object_set_new(e, "column", json_integer(g->column));
        bad |= json_object_set_new(
            e, "severity", json_string(g->severity == CLASM_SEV_ERROR ? "error" : "warning"));
        if (g->part) {
            bad |= json_object_set_new(e, "part", json_text(g->part));
            bad |= json_object_set_new(e, "paragraph", json_integer(g->paragraph));
        }
        /* The deal path of the field the problem is about ("customer.country"),
         * so that a form shows it there without reading the message. */
        if (g->path)
            bad |= json_object_set_new(e, "path", json_text(g->path));
    }
    free(msg);
    if (bad) {
        json_decref(e);
        return NULL;
    }
    return e;
}

char *clasm_diags_json(const clasm_diags *diags, const char *const *strip, size_t nstrip)
{
    json_t *root = json_object();
    json_t *arr = json_array();
    int bad = !root || !arr;
    for (size_t i = 0; !bad && diags && i < diags->count; i++)
        bad = json_array_append_new(arr, diag_json(&diags->items[i], strip, nstrip)) != 0;
    if (!bad)
        bad = json_object_set_new(root, "errors", arr) != 0;
    else
        json_decref(arr);
    char *s = bad ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}
