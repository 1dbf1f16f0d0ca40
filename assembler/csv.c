/* The RFC 4180 CSV reader of csv.h. */
#include "csv.h"

#include "diag.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    const char *s;
    size_t len, pos;
    int line, column; /* of pos; column counts characters */
    const char *name;
    const csv_options *o;
    clasm_diags *diags;
    int oom;
} reader;

void csv_row_free(csv_row *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->cells[i].text);
    free(r->cells);
}

void csv_rows_free(csv_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        csv_row_free(&rows[i]);
    free(rows);
}

static void advance(reader *R)
{
    unsigned char c = (unsigned char)R->s[R->pos++];
    if (c == '\n') {
        R->line++;
        R->column = 1;
    } else if ((c & 0xC0) != 0x80) {
        R->column++;
    }
}

static int push_cell(csv_row *row, char *text, int line, int column)
{
    if (row->n == row->cap) {
        size_t cap = row->cap ? row->cap * 2 : 8;
        csv_cell *v = realloc(row->cells, cap * sizeof *v);
        if (!v)
            return 0;
        row->cells = v;
        row->cap = cap;
    }
    row->cells[row->n++] = (csv_cell){text, line, column};
    return 1;
}

/* One cell at R->pos; the bytes are checked (UTF-8, and no control
 * character but tab and line breaks unless the options allow them).
 * Returns the malloc'd text, or NULL on a syntax error (reported) or out of
 * memory (R->oom). */
static char *read_cell(reader *R)
{
    int line = R->line, column = R->column;
    size_t cap = 16, n = 0;
    char *out = malloc(cap);
    if (!out) {
        R->oom = 1;
        return NULL;
    }
    int quoted = R->pos < R->len && R->s[R->pos] == '"';
    if (quoted)
        advance(R);
    for (;;) {
        if (R->pos >= R->len) {
            if (quoted) {
                diag_at(R->diags, CLASM_SEV_ERROR, R->o->syntax_id, R->name, line, column,
                        "this quoted cell has no closing quote (\"); a quote inside a cell is "
                        "written twice (\"\")");
                free(out);
                return NULL;
            }
            break;
        }
        char c = R->s[R->pos];
        if (quoted && c == '"') {
            if (R->pos + 1 < R->len && R->s[R->pos + 1] == '"') {
                advance(R);
            } else {
                advance(R);
                if (R->pos < R->len && R->s[R->pos] != ',' && R->s[R->pos] != '\n' &&
                    R->s[R->pos] != '\r') {
                    diag_at(R->diags, CLASM_SEV_ERROR, R->o->syntax_id, R->name, R->line, R->column,
                            "text after the closing quote of a cell; put the whole cell in "
                            "quotes and write a quote inside it twice (\"\")");
                    free(out);
                    return NULL;
                }
                break;
            }
        } else if (!quoted && (c == ',' || c == '\n' || c == '\r')) {
            break;
        } else if (!quoted && c == '"') {
            diag_at(R->diags, CLASM_SEV_ERROR, R->o->syntax_id, R->name, R->line, R->column,
                    "a quote (\") inside a cell that does not start with one; put the whole "
                    "cell in quotes and write the quote twice (\"\")");
            free(out);
            return NULL;
        }
        unsigned char u = (unsigned char)R->s[R->pos];
        size_t clen = 1;
        if (u >= 0x80) {
            /* utf8_char reads a NUL-terminated string; the input is not
             * one: at most 4 bytes, copied. */
            unsigned char seq[5] = {0};
            size_t avail = R->len - R->pos < 4 ? R->len - R->pos : 4;
            memcpy(seq, R->s + R->pos, avail);
            unsigned long cp;
            clen = utf8_char(seq, &cp);
            if (clen == 0 || clen > avail) {
                diag_at(R->diags, CLASM_SEV_ERROR, R->o->encoding_id, R->name, R->line, R->column,
                        "the file is not UTF-8 here; %s", R->o->encoding_advice);
                free(out);
                return NULL;
            }
        } else if (u == 0 && !R->o->control_advice) {
            diag_at(R->diags, CLASM_SEV_ERROR, R->o->syntax_id, R->name, R->line, R->column,
                    "a NUL byte (0x00) in a cell; a CSV file holds text");
            free(out);
            return NULL;
        } else if (R->o->control_advice &&
                   ((u < 0x20 && u != '\t' && u != '\n' && u != '\r') || u == 0x7F)) {
            diag_at(R->diags, CLASM_SEV_ERROR, R->o->syntax_id, R->name, R->line, R->column,
                    "a control character (byte 0x%02X) in a cell; %s", u, R->o->control_advice);
            free(out);
            return NULL;
        }
        if (n + clen + 1 > cap) {
            while (n + clen + 1 > cap)
                cap *= 2;
            char *g = realloc(out, cap);
            if (!g) {
                free(out);
                R->oom = 1;
                return NULL;
            }
            out = g;
        }
        for (size_t k = 0; k < clen; k++) {
            out[n++] = R->s[R->pos];
            advance(R);
        }
    }
    out[n] = '\0';
    return out;
}

clasm_status csv_each(const char *name, const char *data, size_t len, const csv_options *o,
                      csv_row_fn fn, void *ctx, clasm_diags *diags)
{
    reader Rd = {data, len, 0, 1, 1, name, o, diags, 0};
    reader *R = &Rd;
    size_t nrows = 0;
    int ok = 1;
    /* A byte-order mark, as spreadsheets write one. */
    if (R->len >= 3 && memcmp(R->s, "\xEF\xBB\xBF", 3) == 0)
        R->pos = 3;
    while (ok && R->pos < R->len) {
        csv_row row = {NULL, 0, 0, R->line};
        for (;;) {
            int line = R->line, column = R->column;
            char *text = read_cell(R);
            if (!text || !push_cell(&row, text, line, column)) {
                if (text)
                    R->oom = 1;
                free(text);
                ok = 0;
                break;
            }
            if (row.n > o->max_columns) {
                diag_at(R->diags, CLASM_SEV_ERROR, o->columns_id, R->name, line, column,
                        "a row has more than the limit of %zu cells", o->max_columns);
                ok = 0;
                break;
            }
            if (R->pos < R->len && R->s[R->pos] == ',') {
                advance(R);
                continue;
            }
            /* The end of the record: CRLF, LF, a lone CR, or the end. */
            if (R->pos < R->len && R->s[R->pos] == '\r') {
                R->pos++;
                if (R->pos < R->len && R->s[R->pos] == '\n')
                    R->pos++;
                R->line++;
                R->column = 1;
            } else if (R->pos < R->len) {
                advance(R); /* '\n' */
            }
            break;
        }
        if (!ok) {
            csv_row_free(&row);
            break;
        }
        /* A blank line is not a row. */
        if (row.n == 1 && row.cells[0].text[0] == '\0') {
            csv_row_free(&row);
            continue;
        }
        if (nrows >= o->max_rows + 1) {
            diag_at(R->diags, CLASM_SEV_ERROR, o->rows_id, R->name, row.line, 1,
                    "the file has more than the limit of %zu %s", o->max_rows, o->rows_what);
            csv_row_free(&row);
            ok = 0;
            break;
        }
        nrows++;
        if (!fn(ctx, &row)) {
            R->oom = 1;
            ok = 0;
        }
    }
    if (!ok)
        return R->oom ? CLASM_E_IO : CLASM_E_INPUT;
    return CLASM_OK;
}

typedef struct {
    csv_row *rows;
    size_t n, cap;
} collected;

static int collect(void *ctx, csv_row *row)
{
    collected *c = ctx;
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        csv_row *g = realloc(c->rows, ncap * sizeof *g);
        if (!g) {
            csv_row_free(row);
            return 0;
        }
        c->rows = g;
        c->cap = ncap;
    }
    c->rows[c->n++] = *row;
    return 1;
}

clasm_status csv_parse(const char *name, const char *data, size_t len, const csv_options *o,
                       csv_row **rows_out, size_t *nrows_out, clasm_diags *diags)
{
    collected c = {NULL, 0, 0};
    *rows_out = NULL;
    *nrows_out = 0;
    clasm_status st = csv_each(name, data, len, o, collect, &c, diags);
    if (st != CLASM_OK) {
        csv_rows_free(c.rows, c.n);
        return st;
    }
    *rows_out = c.rows;
    *nrows_out = c.n;
    return CLASM_OK;
}

char *csv_read_file(const char *path, size_t max, const char *too_large_id,
                    const char *too_large_message, size_t *len, time_t *mtime, clasm_status *st,
                    clasm_diags *diags)
{
    *st = CLASM_E_IO;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        diag_at(diags, CLASM_SEV_ERROR, "io", path, 0, 0, "cannot read %s: %s", path,
                strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        diag_at(diags, CLASM_SEV_ERROR, "io", path, 0, 0, "cannot read %s: not a regular file",
                path);
        close(fd);
        return NULL;
    }
    if ((unsigned long long)sb.st_size > max) {
        diag_at(diags, CLASM_SEV_ERROR, too_large_id, path, 0, 0, too_large_message, max >> 20);
        close(fd);
        *st = CLASM_E_INPUT;
        return NULL;
    }
    size_t cap = (size_t)sb.st_size + 1, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            if (cap > max + 1) {
                diag_at(diags, CLASM_SEV_ERROR, too_large_id, path, 0, 0, too_large_message,
                        max >> 20);
                free(buf);
                close(fd);
                *st = CLASM_E_INPUT;
                return NULL;
            }
            char *g = realloc(buf, cap * 2);
            if (!g) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = g;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            diag_at(diags, CLASM_SEV_ERROR, "io", path, 0, 0, "cannot read %s: %s", path,
                    strerror(errno));
            free(buf);
            close(fd);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (!buf) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", path, 0, 0,
                "out of memory while reading %s", path);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    if (mtime)
        *mtime = sb.st_mtime;
    *st = CLASM_OK;
    return buf;
}
