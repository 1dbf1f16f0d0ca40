/* Diagnostic lists: every problem an input has, each with where it is. */
#include "diag.h"
#include "strfmt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void clasm_diags_init(clasm_diags *diags)
{
    diags->items = NULL;
    diags->count = 0;
    diags->capacity = 0;
}

void clasm_diags_free(clasm_diags *diags)
{
    for (size_t i = 0; i < diags->count; i++) {
        free(diags->items[i].id);
        free(diags->items[i].message);
        free(diags->items[i].file);
        free(diags->items[i].part);
        free(diags->items[i].path);
    }
    free(diags->items);
    clasm_diags_init(diags);
}

static size_t count_severity(const clasm_diags *diags, clasm_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < diags->count; i++)
        if (diags->items[i].severity == sev)
            n++;
    return n;
}

size_t clasm_diags_errors(const clasm_diags *diags)
{
    return count_severity(diags, CLASM_SEV_ERROR);
}

size_t clasm_diags_warnings(const clasm_diags *diags)
{
    return count_severity(diags, CLASM_SEV_WARNING);
}

void clasm_diags_promote_warnings(clasm_diags *diags)
{
    for (size_t i = 0; i < diags->count; i++)
        diags->items[i].severity = CLASM_SEV_ERROR;
}

/* Adds one item; on allocation failure the item is dropped (the caller's
 * status still reports the failure). */
static clasm_diag *push(clasm_diags *diags)
{
    if (diags->count == diags->capacity) {
        size_t cap = diags->capacity ? diags->capacity * 2 : 8;
        clasm_diag *items = realloc(diags->items, cap * sizeof *items);
        if (!items)
            return NULL;
        diags->items = items;
        diags->capacity = cap;
    }
    clasm_diag *d = &diags->items[diags->count++];
    memset(d, 0, sizeof *d);
    return d;
}

static void add(clasm_diags *diags, clasm_severity sev, const char *id, const char *file,
                const char *part, const char *path, int line, int column, int paragraph,
                const char *fmt, va_list ap)
{
    if (!diags)
        return;
    clasm_diag *d = push(diags);
    if (!d)
        return;
    d->severity = sev;
    d->id = dup_or_null(id);
    d->message = str_vprintf(fmt, ap);
    d->file = dup_or_null(file);
    d->part = dup_or_null(part);
    d->path = dup_or_null(path);
    d->line = line;
    d->column = column;
    d->paragraph = paragraph;
}

void diag_at(clasm_diags *diags, clasm_severity sev, const char *id, const char *file, int line,
             int column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(diags, sev, id, file, NULL, NULL, line, column, 0, fmt, ap);
    va_end(ap);
}

void diag_field(clasm_diags *diags, clasm_severity sev, const char *id, const char *path,
                const char *file, int line, int column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(diags, sev, id, file, NULL, path, line, column, 0, fmt, ap);
    va_end(ap);
}

void diag_set_path(clasm_diags *diags, size_t i, const char *path)
{
    if (!diags || i >= diags->count)
        return;
    free(diags->items[i].path);
    diags->items[i].path = dup_or_null(path);
}

void diag_part(clasm_diags *diags, clasm_severity sev, const char *id, const char *file,
               const char *part, int paragraph, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(diags, sev, id, file, part, NULL, 0, 0, paragraph, fmt, ap);
    va_end(ap);
}

void clasm_diags_add(clasm_diags *diags, clasm_severity sev, const char *id, const char *message)
{
    diag_at(diags, sev, id, NULL, 0, 0, "%s", message ? message : "");
}

void clasm_diags_append(clasm_diags *dst, const clasm_diags *src)
{
    for (size_t i = 0; i < src->count; i++) {
        const clasm_diag *s = &src->items[i];
        clasm_diag *d = push(dst);
        if (!d)
            return;
        d->severity = s->severity;
        d->id = dup_or_null(s->id);
        d->message = dup_or_null(s->message);
        d->file = dup_or_null(s->file);
        d->part = dup_or_null(s->part);
        d->path = dup_or_null(s->path);
        d->line = s->line;
        d->column = s->column;
        d->paragraph = s->paragraph;
    }
}

void clasm_diag_print(FILE *out, const clasm_diag *d)
{
    const char *sev = d->severity == CLASM_SEV_ERROR ? "error" : "warning";
    if (d->file)
        fputs(d->file, out);
    if (d->file && d->line > 0) {
        fprintf(out, ":%d", d->line);
        if (d->column > 0)
            fprintf(out, ":%d", d->column);
    }
    if (d->part) {
        fprintf(out, "%s%s", d->file ? ": " : "", d->part);
        if (d->paragraph > 0)
            fprintf(out, ", paragraph %d", d->paragraph);
    }
    fprintf(out, "%s%s: %s", (d->file || d->part) ? ": " : "", sev,
            d->message ? d->message : "(out of memory)");
    if (d->id)
        fprintf(out, " [%s]", d->id);
    fputc('\n', out);
}

void clasm_diags_print(FILE *out, const clasm_diags *diags)
{
    for (size_t i = 0; i < diags->count; i++)
        clasm_diag_print(out, &diags->items[i]);
}
