/* Deals from a spreadsheet: a CSV file (RFC 4180) whose header names deal
 * paths, one row per deal, each row changing a base deal. The CSV is read
 * once; each row's deal is built in memory from the parsed base and the
 * row's cells (yt_overlay), then checked exactly as a deal file is
 * (deal_load_doc): no YAML text is written and parsed again. */
#include "clasm.h"

#include "csv.h"
#include "deal.h"
#include "deal_fields.h"
#include "diag.h"
#include "yaml_tree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Limits against hostile input (fuzz/README.md "Limits"). */
#define CSV_MAX_BYTES (16u * 1024u * 1024u)
#define CSV_MAX_ROWS 100000u
#define CSV_MAX_COLUMNS 256u

typedef struct {
    char *path; /* the header's deal path, trimmed */
    int list;
} csv_column;

struct clasm_deal_table {
    char *csv_name;
    yt_doc *base;
    csv_column *columns;
    size_t ncolumns;
    csv_row *rows; /* data rows (the header is not one) */
    size_t nrows;
    char **names; /* "deals.csv row 3" */
};

void clasm_deal_table_free(clasm_deal_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows; i++) {
        csv_row_free(&t->rows[i]);
        if (t->names)
            free(t->names[i]);
    }
    free(t->rows);
    free(t->names);
    for (size_t i = 0; i < t->ncolumns; i++)
        free(t->columns[i].path);
    free(t->columns);
    yt_free(t->base);
    free(t->csv_name);
    free(t);
}

size_t clasm_deal_table_rows(const clasm_deal_table *t)
{
    return t ? t->nrows : 0;
}

const char *clasm_deal_table_row_name(const clasm_deal_table *t, size_t i)
{
    return t && i < t->nrows ? t->names[i] : NULL;
}

/* The reader's limits, ids and words for a spreadsheet of deals. */
static const csv_options deal_csv_options = {
    .max_rows = CSV_MAX_ROWS,
    .max_columns = CSV_MAX_COLUMNS,
    .syntax_id = "csv-syntax",
    .encoding_id = "csv-encoding",
    .columns_id = "csv-too-many-columns",
    .rows_id = "csv-too-many-rows",
    .encoding_advice = "save the spreadsheet as CSV UTF-8",
    .control_advice = "a deal value holds text",
    .rows_what = "rows of deals; split it",
};

/* ---- the header ---- */

static char *trimmed(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return strndup(s, n);
}

/* Checks each column's path; all problems reported. Returns 1 when none. */
static int check_header(clasm_deal_table *t, const csv_row *h, clasm_diags *diags, int *oom)
{
    int ok = 1;
    const char *paths[DEAL_NFIELDS];
    size_t npaths = deal_field_paths(DF_KEY, paths);
    t->columns = calloc(h->n + 1, sizeof *t->columns);
    if (!t->columns) {
        *oom = 1;
        return 0;
    }
    for (size_t i = 0; i < h->n; i++) {
        const csv_cell *c = &h->cells[i];
        char *p = trimmed(c->text);
        if (!p) {
            *oom = 1;
            return 0;
        }
        t->columns[t->ncolumns++] = (csv_column){p, deal_field_has(p, DF_LIST)};
        int known = deal_field_has(p, DF_KEY);
        if (!known && strncmp(p, "terms.", 6) == 0 && deal_valid_term_key(p + 6))
            known = 1;
        if (!p[0]) {
            diag_at(diags, CLASM_SEV_ERROR, "csv-empty-column", t->csv_name, c->line, c->column,
                    "column %zu of the header is empty; name the deal key it gives (such as "
                    "customer.name), or delete the column",
                    i + 1);
            ok = 0;
        } else if (!known) {
            const char *near = yt_suggest(p, paths, npaths);
            diag_at(diags, CLASM_SEV_ERROR, "csv-unknown-column", t->csv_name, c->line, c->column,
                    "column %zu of the header, '%s', names no deal key%s%s%s (columns are deal "
                    "paths such as id, customer.name, risks or terms.fees)",
                    i + 1, p, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
            ok = 0;
        }
        for (size_t k = 0; k < i && p[0]; k++)
            if (strcmp(t->columns[k].path, p) == 0) {
                diag_at(diags, CLASM_SEV_ERROR, "csv-duplicate-column", t->csv_name, c->line,
                        c->column, "column %zu of the header, '%s', is column %zu too", i + 1, p,
                        k + 1);
                ok = 0;
                break;
            }
    }
    return ok;
}

clasm_status clasm_deal_table_load_string(const char *csv, size_t csv_len, const char *csv_name,
                                          const char *base, size_t base_len, const char *base_name,
                                          clasm_deal_table **out, clasm_diags *diags)
{
    *out = NULL;
    clasm_deal_table *t = calloc(1, sizeof *t);
    if (!t || !(t->csv_name = strdup(csv_name ? csv_name : "(deals)"))) {
        free(t);
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", csv_name, 0, 0,
                "out of memory while reading the deals");
        return CLASM_E_IO;
    }
    clasm_status st = CLASM_OK;
    /* The base: a deal file's mapping, checked with each row. */
    size_t before = diags->count;
    t->base = yt_load_string(base, base_len, base_name ? base_name : "(base)", diags);
    if (!t->base) {
        st = CLASM_E_INPUT;
        for (size_t i = before; i < diags->count; i++)
            if (strcmp(diags->items[i].id, "out-of-memory") == 0)
                st = CLASM_E_IO;
    } else if (yt_root(t->base) && yt_root(t->base)->kind != YT_MAPPING) {
        yt_ctx ctx = {yt_name(t->base), diags};
        yt_expect(&ctx, yt_root(t->base), YT_MAPPING, "(top level of the base deal)");
        st = CLASM_E_INPUT;
    }
    if (csv_len > CSV_MAX_BYTES) {
        diag_at(diags, CLASM_SEV_ERROR, "csv-too-large", t->csv_name, 0, 0,
                "the file is larger than the limit of %u MiB; split it", CSV_MAX_BYTES >> 20);
        clasm_deal_table_free(t);
        return CLASM_E_INPUT;
    }
    csv_row *rows = NULL;
    size_t nrows = 0;
    clasm_status cs = csv_parse(t->csv_name, csv, csv_len, &deal_csv_options, &rows, &nrows, diags);
    if (cs != CLASM_OK) {
        clasm_deal_table_free(t);
        if (cs == CLASM_E_IO)
            diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", csv_name, 0, 0,
                    "out of memory while reading the deals");
        return cs;
    }
    if (nrows == 0) {
        diag_at(diags, CLASM_SEV_ERROR, "csv-empty", t->csv_name, 1, 1,
                "the file is empty; its first row names the deal keys of the columns (such as "
                "id,customer.name,risks), each further row is a deal");
        free(rows);
        clasm_deal_table_free(t);
        return CLASM_E_INPUT;
    }
    int oom = 0;
    if (!check_header(t, &rows[0], diags, &oom))
        st = oom ? CLASM_E_IO : st == CLASM_OK ? CLASM_E_INPUT : st;
    csv_row_free(&rows[0]);
    t->nrows = nrows - 1;
    t->rows = rows;
    memmove(t->rows, rows + 1, t->nrows * sizeof *rows);
    t->names = calloc(t->nrows + 1, sizeof *t->names);
    if (!t->names)
        st = CLASM_E_IO;
    for (size_t i = 0; t->names && i < t->nrows; i++) {
        size_t len = strlen(t->csv_name) + 32;
        if ((t->names[i] = malloc(len)) != NULL)
            snprintf(t->names[i], len, "%s row %zu", t->csv_name, i + 2);
        else
            st = CLASM_E_IO;
    }
    if (st != CLASM_OK) {
        clasm_deal_table_free(t);
        return st;
    }
    *out = t;
    return CLASM_OK;
}

clasm_status clasm_deal_table_load(const char *csv_path, const char *base_path,
                                   clasm_deal_table **out, clasm_diags *diags)
{
    *out = NULL;
    size_t clen = 0, blen = 0;
    clasm_status cs, bs;
    static const char too_large[] = "the file is larger than the limit of %zu MiB; split it";
    char *csv =
        csv_read_file(csv_path, CSV_MAX_BYTES, "csv-too-large", too_large, &clen, NULL, &cs, diags);
    char *base = csv_read_file(base_path, YT_MAX_FILE_BYTES, "csv-too-large", too_large, &blen,
                               NULL, &bs, diags);
    clasm_status st = cs != CLASM_OK ? cs : bs;
    if (st == CLASM_OK)
        st = clasm_deal_table_load_string(csv, clen, csv_path, base, blen, base_path, out, diags);
    free(csv);
    free(base);
    return st;
}

clasm_status clasm_deal_table_deal(const clasm_deal_table *t, size_t i, clasm_deal **out,
                                   clasm_diags *diags)
{
    *out = NULL;
    if (!t || i >= t->nrows)
        return CLASM_E_USAGE;
    const csv_row *row = &t->rows[i];
    if (row->n != t->ncolumns) {
        diag_at(diags, CLASM_SEV_ERROR, "csv-row-length", t->names[i], row->line, 1,
                "row %zu has %zu cell%s and the header has %zu columns; a cell with a comma in "
                "it goes in quotes (\"...\")",
                i + 2, row->n, row->n == 1 ? "" : "s", t->ncolumns);
        return CLASM_E_INPUT;
    }
    yt_override *ov = calloc(row->n + 1, sizeof *ov);
    if (!ov) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", t->names[i], 0, 0,
                "out of memory while building the deal of the row");
        return CLASM_E_IO;
    }
    size_t n = 0;
    for (size_t k = 0; k < row->n; k++) {
        if (!row->cells[k].text[0])
            continue; /* an empty cell keeps the base's value */
        ov[n++] = (yt_override){t->columns[k].path, row->cells[k].text, t->columns[k].list,
                                row->cells[k].line, row->cells[k].column};
    }
    yt_doc *doc = yt_overlay(yt_root(t->base), t->names[i], ov, n);
    free(ov);
    if (!doc) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", t->names[i], 0, 0,
                "out of memory while building the deal of the row");
        return CLASM_E_IO;
    }
    return deal_load_doc(doc, out, diags);
}
