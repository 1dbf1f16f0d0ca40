/* The structure markers of a WordprocessingML part: conditional paragraphs
 * {{#if EXPR}} ... {{/if}} and insertion points ({{ clauses }},
 * {{ clauses: a, b }} paragraphs and block content controls tagged
 * `clauses` / `clauses:CATEGORY`). Found, checked, conditionals applied and
 * insertion points turned into anchors where clauses go. */
#ifndef CLASM_DOCX_STRUCTURE_H
#define CLASM_DOCX_STRUCTURE_H

#include "clasm.h"

#include <libxml/tree.h>

typedef enum {
    STRUCT_IF = 0,      /* {{#if EXPR}} */
    STRUCT_ENDIF = 1,   /* {{/if}} */
    STRUCT_CLAUSES = 2, /* an insertion point */
} structure_kind;

typedef struct {
    structure_kind kind;
    xmlNodePtr node;   /* the marker paragraph or w:sdt; NULL once removed */
    int paragraph;     /* 1-based paragraph number in the part as scanned */
    int is_sdt;        /* an insertion point that is a block content control */
    char *expr;        /* IF: the expression */
    char **categories; /* CLAUSES: the categories named; none = catch-all */
    size_t ncategories;
    size_t partner;    /* IF / ENDIF: index of the matching marker */
    int balanced;      /* IF / ENDIF: has a partner with the same parent */
    int removed;       /* dropped with a conditional or already applied */
    xmlNodePtr anchor; /* CLAUSES: where clauses go (structure_anchor) */
} structure_marker;

typedef struct {
    structure_marker *items; /* document order */
    size_t count;
} structure_markers;

/* Finds the markers of doc in document order and checks them. Errors (each
 * naming file, part and paragraph): marker-not-alone (a structural tag
 * sharing its paragraph with other text), marker-not-block-level (in a text
 * box or other nested content), malformed-marker ({{#if}} without an
 * expression, {{/if x}}, {{ clauses x }}, an empty category),
 * unknown-marker ({{#each}}, ...), malformed-condition (the expression does
 * not parse or names an unknown fact, with its column), unbalanced-condition
 * ({{/if}} without {{#if}} or the reverse), condition-crosses-structure (the
 * two markers of a pair are not in the same body, table cell or content
 * control), insertion-point-outside-body (an insertion point in a part other
 * than the main one: is_main 0). Returns the number of errors; *out is
 * filled even when there are errors (free with structure_markers_free). */
int structure_scan(xmlDocPtr doc, const char *file, const char *part, int is_main,
                   structure_markers *out, clasm_diags *diags);
void structure_markers_free(structure_markers *m);

/* A copy of src's markers that owns its strings, in the same order, their
 * nodes still src's (the caller points them at its copy of the tree) and no
 * anchors. 0, or -1 when out of memory (dst then empty). */
int structure_markers_copy(const structure_markers *src, structure_markers *dst);

/* Evaluates a condition: 1 true, 0 false, -1 error (*err malloc'd, *column
 * 1-based in expr). */
typedef int (*structure_eval_fn)(void *ctx, const char *expr, char **err, int *column);

/* Applies the balanced conditionals of m (outermost first): a true one loses
 * its two marker paragraphs, a false one everything from its {{#if}} to its
 * {{/if}}; markers inside a dropped region are marked removed. An evaluation
 * error is condition-error (part, paragraph, column) and the region is kept.
 * Returns the number of errors. */
int structure_apply_conditionals(structure_markers *m, const char *file, const char *part,
                                 structure_eval_fn eval, void *ctx, clasm_diags *diags);

/* Checks the insertion points that survived the conditionals: two catch-alls,
 * or one category named by two points, is duplicate-insertion-point.
 * Returns the number of errors. */
int structure_check_insertion_points(const structure_markers *m, const char *file, const char *part,
                                     clasm_diags *diags);

/* Turns a surviving insertion point into an anchor: a marker paragraph is
 * replaced by an empty w:p; a content control keeps its properties (without
 * w:showingPlcHdr) and its placeholder content is replaced by the empty w:p.
 * Sets mk->anchor. Returns 0, or -1 when out of memory. */
int structure_anchor(structure_marker *mk);

/* Removes the anchor once clauses were inserted before it; a content
 * control left with no content is removed as a whole. */
void structure_remove_anchor(structure_marker *mk);

#endif
