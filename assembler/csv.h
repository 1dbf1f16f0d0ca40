/* An RFC 4180 CSV reader for the library's tables: deals from a spreadsheet
 * (deal_csv.c) and restricted-party screening lists (screen.c).
 *
 * Quoted cells (commas, doubled quotes and line breaks inside), CRLF, LF or
 * a lone CR between records, a leading byte-order mark, blank lines (no
 * row), a missing final line break. Every cell is checked as it is read:
 * UTF-8 (utf8.h's rule) and, unless the caller allows them, no control
 * character but tab and line breaks. Each cell keeps where it starts (line
 * and column, 1-based, columns counted in characters), so that a caller can
 * point at it.
 *
 * The reader stops at the first syntax or encoding error or limit, reported
 * as a diagnostic at its file, line and column with the caller's id; what
 * the rows mean (a header, their lengths) is the caller's to check. */
#ifndef CLASM_CSV_H
#define CLASM_CSV_H

#include "clasm.h"

#include <time.h>

#include <stddef.h>

typedef struct {
    char *text;       /* the cell's text, unquoted, NUL-terminated */
    int line, column; /* where the cell starts, 1-based */
} csv_cell;

typedef struct {
    csv_cell *cells;
    size_t n, cap;
    int line; /* where the record starts */
} csv_row;

/* Limits, diagnostic ids and the words messages use for one kind of table. */
typedef struct {
    size_t max_rows;         /* records after the first (the header); more is refused */
    size_t max_columns;      /* cells in one record */
    const char *syntax_id;   /* "csv-syntax": quotes, control characters */
    const char *encoding_id; /* "csv-encoding": bytes that are not UTF-8 */
    const char *columns_id;  /* "csv-too-many-columns" */
    const char *rows_id;     /* "csv-too-many-rows" */
    /* "save the spreadsheet as CSV UTF-8": what to do about bytes that are
     * not UTF-8, after "the file is not UTF-8 here; ". */
    const char *encoding_advice;
    /* "a deal value holds text": after "a control character (byte 0xNN) in
     * a cell; ". NULL allows control characters (a NUL byte is still
     * refused, with syntax_id). */
    const char *control_advice;
    /* "rows of deals; split it": after "the file has more than the limit
     * of N ". */
    const char *rows_what;
} csv_options;

/* Every record of the len bytes of data (which need not end in a NUL), the
 * header first, as *rows (malloc'd, *nrows of them; NULL when none).
 * name is the file messages name. Returns CLASM_OK; CLASM_E_INPUT after a
 * syntax or encoding error or a limit, reported in diags; CLASM_E_IO when
 * out of memory, not reported (the caller says what it was reading). On
 * failure *rows is NULL and *nrows 0. */
clasm_status csv_parse(const char *name, const char *data, size_t len, const csv_options *o,
                       csv_row **rows, size_t *nrows, clasm_diags *diags);

/* Called with each record in turn, the header first; the row's cells are
 * the callback's (to keep, or to free with csv_row_free), also when it
 * fails. Returns 1 to go on, 0 when out of memory. */
typedef int (*csv_row_fn)(void *ctx, csv_row *row);

/* The same reading as csv_parse, each record given to fn as it is read
 * instead of kept: a caller that keeps a few columns holds no more. Returns
 * CLASM_OK; CLASM_E_INPUT after a syntax or encoding error or a limit
 * (reported; the records before it were given); CLASM_E_IO when fn ran out
 * of memory or the reader did (not reported). */
clasm_status csv_each(const char *name, const char *data, size_t len, const csv_options *o,
                      csv_row_fn fn, void *ctx, clasm_diags *diags);

/* Frees one row's cells (not the row itself). */
void csv_row_free(csv_row *r);
/* Frees n rows and the array. */
void csv_rows_free(csv_row *rows, size_t n);

/* A whole regular file of at most max bytes, NUL-terminated (malloc'd; *len
 * its bytes, *mtime its modification time, when not NULL). NULL when it
 * cannot be read (io, *st CLASM_E_IO), memory runs out (out-of-memory,
 * CLASM_E_IO) or it is larger (too_large_id with too_large_message, which
 * takes the limit in MiB as its %zu; CLASM_E_INPUT). */
char *csv_read_file(const char *path, size_t max, const char *too_large_id,
                    const char *too_large_message, size_t *len, time_t *mtime, clasm_status *st,
                    clasm_diags *diags);

#endif
