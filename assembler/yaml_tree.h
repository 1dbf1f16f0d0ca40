/* A YAML document as a tree with line/column marks, built on libyaml, and
 * typed accessors that record diagnostics (with file:line:col and the key
 * path) instead of failing silently. */
#ifndef CLASM_YAML_TREE_H
#define CLASM_YAML_TREE_H

#include "clasm.h"

#include <stddef.h>

typedef enum { YT_SCALAR, YT_SEQUENCE, YT_MAPPING } yt_kind;

typedef struct yt_node yt_node;
typedef struct {
    const yt_node *key; /* always a scalar */
    const yt_node *value;
} yt_pair;

struct yt_node {
    yt_kind kind;
    int line;   /* 1-based */
    int column; /* 1-based */
    /* YT_SCALAR */
    const char *scalar; /* NUL-terminated text */
    size_t scalar_len;
    int plain; /* 1 when unquoted (so null, ~, true, numbers are recognized) */
    /* YT_SEQUENCE: items; YT_MAPPING: pairs (document order, keys unique) */
    size_t count;
    const yt_node **items;
    const yt_pair *pairs;
};

/* Owns every node of one document. */
typedef struct yt_doc yt_doc;

/* Limits against hostile input. */
#define YT_MAX_FILE_BYTES (4u * 1024u * 1024u)
#define YT_MAX_NODES 200000u /* after alias expansion */
#define YT_MAX_DEPTH 64u
#define YT_MAX_SCALAR_BYTES (1024u * 1024u) /* one value; the file may hold several */

/* Parses a file / a buffer holding exactly one YAML document (an empty
 * document gives a NULL root). Returns NULL and records diagnostics on syntax
 * errors, duplicate keys, merge keys (refused), alias bombs, too deep nesting. */
yt_doc *yt_load_file(const char *path, clasm_diags *diags);
yt_doc *yt_load_string(const char *text, size_t len, const char *name, clasm_diags *diags);
/* The same, but a document whose only errors leave the tree whole (a
 * duplicate key keeps its first value; a merge key or a non-scalar key is
 * left out) is returned with yt_flawed true, so that the caller can report
 * the file's other problems in the same run. The caller must still refuse
 * a flawed document. */
yt_doc *yt_load_file_lenient(const char *path, clasm_diags *diags);
yt_doc *yt_load_string_lenient(const char *text, size_t len, const char *name, clasm_diags *diags);
int yt_flawed(const yt_doc *doc);
/* Where byte offset of a scalar's value lies in the file the document was
 * read from: works for plain, quoted and block (| and >) scalars by
 * aligning the value's characters with the source. Returns 1 and sets
 * *line, *col (1-based, column in characters), or 0 when the position
 * cannot be told exactly (an escape in a double-quoted scalar). */
int yt_locate(const yt_doc *doc, const yt_node *scalar, size_t offset, int *line, int *col);
/* yt_locate for many offsets of one scalar: each call goes on from where
 * the one before stopped when its offset is not smaller, so that offsets
 * in increasing order cost one pass over the scalar. Set it up with
 * yt_locator_init; it holds no memory. */
typedef struct {
    const yt_doc *doc;
    const yt_node *scalar;
    char style;    /* 0 (plain), '"', '\'', '|' or '>' */
    size_t start;  /* where the value starts in the source */
    size_t i, j;   /* value offset i is at source offset j */
    size_t k;      /* the source offset line and col are of */
    int line, col; /* of k */
    int ok;        /* 0: the scalar cannot be located */
} yt_locator;
void yt_locator_init(yt_locator *loc, const yt_doc *doc, const yt_node *scalar);
int yt_locator_at(yt_locator *loc, size_t offset, int *line, int *col);
void yt_free(yt_doc *doc);
const yt_node *yt_root(const yt_doc *doc);
const char *yt_name(const yt_doc *doc); /* the file name used in diagnostics */

/* Context for the typed accessors: where diagnostics go and which file they name. */
typedef struct {
    const char *file;
    clasm_diags *diags;
} yt_ctx;

/* Value of key in a mapping, or NULL (also NULL when map is not a mapping). */
const yt_node *yt_get(const yt_node *map, const char *key);
/* 1 for a plain null/~ scalar or an empty plain scalar. */
int yt_is_null(const yt_node *node);

/* Each check records an error naming path ("customer.kind", "risks[2]") and
 * returns 1 when the node is what is asked, 0 otherwise. */
int yt_expect(yt_ctx *ctx, const yt_node *node, yt_kind kind, const char *path);
/* Unknown keys (with "did you mean") and missing required keys; both lists
 * NULL-terminated; required may be NULL. Returns 1 when no problem. */
int yt_check_keys(yt_ctx *ctx, const yt_node *map, const char *path, const char *const *allowed,
                  const char *const *required);

/* Typed getters on map[key]. path is the map's own path ("" at the root).
 * A missing key is an error only when required. On any problem they record a
 * diagnostic and return NULL / 0. */
const char *yt_get_str(yt_ctx *ctx, const yt_node *map, const char *key, const char *path,
                       int required);
int yt_get_int(yt_ctx *ctx, const yt_node *map, const char *key, const char *path, int required,
               long min, long max, long *out);
int yt_get_bool(yt_ctx *ctx, const yt_node *map, const char *key, const char *path, int required,
                int *out);
/* One of values (NULL-terminated): returns the index, or -1 (missing or wrong,
 * the wrong value is an error listing the allowed ones). */
int yt_get_enum(yt_ctx *ctx, const yt_node *map, const char *key, const char *path, int required,
                const char *const *values);
/* A sequence of scalars; a single scalar is not accepted. Returns the
 * sequence node (its items are the scalars), or NULL. */
const yt_node *yt_get_str_list(yt_ctx *ctx, const yt_node *map, const char *key, const char *path,
                               int required);

/* ---- building a document in memory (deal_csv.c) ---- */
typedef struct {
    const char *path;  /* dotted: "customer.name", "terms.fees" */
    const char *value; /* the text; for a list, items separated by ';' */
    int list;          /* 1: a sequence of the value's items (trimmed, empty ones dropped) */
    int line, column;  /* where the value is written, for diagnostics */
} yt_override;
/* A new document named name: a copy of base (which may be NULL; the copy
 * has no positions, line 0) in which each override's path holds its value;
 * mappings are made along the path where missing, and anything else in the
 * way is replaced by one. A later override of the same path wins. NULL
 * when out of memory. */
yt_doc *yt_overlay(const yt_node *base, const char *name, const yt_override *ov, size_t n);

/* Damerau-free Levenshtein distance, for "did you mean". */
size_t yt_edit_distance(const char *a, const char *b);
/* The candidate closest to word, when close enough to suggest; else NULL. */
const char *yt_suggest(const char *word, const char *const *candidates, size_t n);

#endif
