/* Internal helpers for building diagnostic lists. */
#ifndef CLASM_DIAG_H
#define CLASM_DIAG_H

#include "clasm.h"

#if defined(__GNUC__)
#define CLASM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLASM_PRINTF(a, b)
#endif

/* A problem at file:line:col (line/col 0 when unknown). */
void diag_at(clasm_diags *diags, clasm_severity sev, const char *id, const char *file, int line,
             int column, const char *fmt, ...) CLASM_PRINTF(7, 8);
/* A problem in a DOCX part, at a paragraph (0 when not applicable). */
void diag_part(clasm_diags *diags, clasm_severity sev, const char *id, const char *file,
               const char *part, int paragraph, const char *fmt, ...) CLASM_PRINTF(7, 8);

/* A problem with the value at key path `path` ("customer.country",
 * "risks[2]"; clasm_diag's path), at file:line:col. path may be NULL. */
void diag_field(clasm_diags *diags, clasm_severity sev, const char *id, const char *path,
                const char *file, int line, int column, const char *fmt, ...) CLASM_PRINTF(8, 9);
/* Sets the path of diags->items[i] (a copy); nothing when i is past the
 * end or out of memory (the diagnostic stays, without a path). */
void diag_set_path(clasm_diags *diags, size_t i, const char *path);

/* Appending lists: clasm_diags_append (clasm.h). */

#endif
