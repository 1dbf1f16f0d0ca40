/* Lists in a template: content repeated from data, built with libxml2 from
 * the template's own rows, the way clauses are built into insertion points.
 *
 * A list is a block content control whose tag is PREFIX NAME (say
 * "memo:risks") holding one table and, optionally, other content:
 *   - the table's item row, the row whose placeholders name the list's
 *     items ({{ risk.title }}), is printed once per item, in its place;
 *   - its group row ({{ group.title }}), when the list has one, once before
 *     the items of each group;
 *   - every other row (a heading row) is kept as it is;
 *   - the rest of the control (the words for an empty list: "None.") is
 *     printed only when the list has no item, and the table then is not.
 * A control without a table is a list of paragraphs: its item paragraph
 * and group paragraph are its rows, printed as above in the control's
 * place, and its other paragraphs the words for an empty list.
 * A tag PREFIX NAME@K/N (say "memo:defaults@2/2") is the K-th of N parts of
 * the list NAME: it prints the K-th of N runs of its rows, split by count,
 * so that two controls side by side (the cells of a layout table) print a
 * long list in two columns. Each part prints its words for an empty list
 * only when the whole list is empty.
 * The control itself is not kept: what it prints takes its place. A row's
 * placeholders are the item's (or group's) fields and every other value the
 * part may print. Knows nothing of what the lists hold. */
#ifndef CLASM_DOCX_LISTS_H
#define CLASM_DOCX_LISTS_H

#include "clasm.h"
#include "placeholder.h"

#include <libxml/tree.h>

/* The rows of one list: groups and items, in print order. */
typedef struct {
    void *ctx;
    size_t nrows;
    /* 1 when row is a group (printed with the group row), 0 for an item. */
    int (*is_group)(void *ctx, size_t row);
    /* The text of the field path ("risk.title", "group.title") of row, or
     * NULL when the row has no such field. */
    const char *(*value)(void *ctx, size_t row, const char *path);
} docx_list;

typedef struct {
    char *name;        /* the tag after the prefix, without a part's @K/N */
    int part, parts;   /* the K-th of N parts (1 of 1 for a whole list) */
    xmlNodePtr sdt;    /* the control, taken out of its part (owned) */
    xmlNodePtr anchor; /* the empty paragraph left in its place, or NULL */
    int paragraph;     /* the template's number of its first paragraph, or 0 */
} docx_list_slot;

typedef struct {
    docx_list_slot *items; /* document order */
    size_t count;
} docx_list_slots;

/* Takes every list control (tag starting with prefix) out of doc, leaving an
 * empty paragraph in its place, so that filling the rest of the part never
 * reaches its rows. Errors (file, part, paragraph): list-not-block-level (a
 * control inside a paragraph), list-in-list, list-outside-body (allowed 0:
 * a part where lists may not be, such as a header), list-bad-part (an @K/N
 * that is not 1 <= K <= N <= 9), list-parts (the parts of one list are not
 * each of 1/N to N/N once, with one N). Paragraph numbers are
 * those stored in each w:p's _private, when set. Returns the number of
 * errors; *out is filled even then (free with docx_list_slots_free). */
int docx_lists_detach(xmlDocPtr doc, const char *prefix, int allowed, const char *file,
                      const char *part, docx_list_slots *out, clasm_diags *diags);

/* The shape of a list: at most one table (list-two-tables), with one item
 * row, the row whose placeholders name item.FIELD (list-no-item-row,
 * list-two-item-rows), at most one group row (group.*; list-two-group-rows,
 * or list-no-groups when groups is 0), and no row that names both
 * (list-mixed-row); without a table, the same of its paragraphs. Returns
 * the number of errors. */
int docx_list_check(const docx_list_slot *slot, const char *item, int groups, const char *file,
                    const char *part, clasm_diags *diags);

/* Prints a list checked by docx_list_check in its slot's place and removes
 * the anchor: the item and group rows once per row of list (a group row's
 * copy only when the template has a group row), filled with the row's
 * fields (item.* and group.* paths) and global's values (any other path);
 * the rest of the control, filled with global's values, only when list has
 * no item. Errors as docx_fill_part (unknown-value, ...). Returns the
 * number of errors, or -1 when out of memory. */
int docx_list_expand(docx_list_slot *slot, const docx_list *list, const char *item,
                     const docx_values *global, const char *file, const char *part,
                     clasm_diags *diags);

void docx_list_slots_free(docx_list_slots *s);

#endif
