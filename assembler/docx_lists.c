/* Lists in a template (docx_lists.h): content controls whose table rows are
 * repeated from data. */
#include "docx_lists.h"

#include "diag.h"
#include "docx_text.h"
#include "tags.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void remove_node(xmlNodePtr n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

static int number_of(xmlNodePtr p)
{
    return (int)(intptr_t)p->_private;
}

/* A block sdt's w:sdtPr/w:tag value, or NULL (libxml2-owned: xmlFree). */
static xmlChar *sdt_tag(xmlNodePtr sdt)
{
    xmlNodePtr pr = docx_w_child(sdt, "sdtPr");
    xmlNodePtr tag = docx_w_child(pr, "tag");
    return tag ? xmlGetNsProp(tag, BAD_CAST "val", BAD_CAST W_NS) : NULL;
}

static int is_list(xmlNodePtr n, const char *prefix)
{
    if (!docx_is_w(n, "sdt"))
        return 0;
    xmlChar *tag = sdt_tag(n);
    int yes = tag && strncmp((const char *)tag, prefix, strlen(prefix)) == 0;
    xmlFree(tag);
    return yes;
}

/* The number of the first paragraph at or below n, or 0. */
static int first_number(xmlNodePtr n)
{
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs_below(n, &ps);
    int k = np ? number_of(ps[0]) : 0;
    free(ps);
    return k;
}

static int holds_list(xmlNodePtr n, const char *prefix)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (is_list(c, prefix) || holds_list(c, prefix)))
            return 1;
    return 0;
}

typedef struct {
    const char *prefix;
    int allowed;
    const char *file, *part;
    docx_list_slots *out;
    size_t cap;
    clasm_diags *diags;
    int errors;
    int oom;
} detacher;

static void take(detacher *D, xmlNodePtr sdt)
{
    xmlChar *tag = sdt_tag(sdt);
    const char *name = tag ? (const char *)tag + strlen(D->prefix) : "";
    int parno = first_number(sdt);
    int block = docx_is_w(sdt->parent, "body") || docx_is_w(sdt->parent, "tc") ||
                docx_is_w(sdt->parent, "sdtContent");
    if (!D->allowed) {
        diag_part(D->diags, CLASM_SEV_ERROR, "list-outside-body", D->file, D->part, parno,
                  "the list '%s' (a content control tagged %s%s) is not in the main document; "
                  "lists can only be printed in the document body",
                  name, D->prefix, name);
        D->errors++;
    } else if (!block) {
        diag_part(D->diags, CLASM_SEV_ERROR, "list-not-block-level", D->file, D->part, parno,
                  "the list '%s' is a content control inside a paragraph; a list must be a "
                  "block content control holding its table",
                  name);
        D->errors++;
    } else if (holds_list(sdt, D->prefix)) {
        diag_part(D->diags, CLASM_SEV_ERROR, "list-in-list", D->file, D->part, parno,
                  "the list '%s' holds another list; lists cannot be nested", name);
        D->errors++;
    }
    docx_list_slots *s = D->out;
    if (s->count == D->cap) {
        size_t cap = D->cap ? D->cap * 2 : 8;
        docx_list_slot *g = realloc(s->items, cap * sizeof *g);
        if (!g) {
            D->oom = 1;
            xmlFree(tag);
            return;
        }
        s->items = g;
        D->cap = cap;
    }
    docx_list_slot *slot = &s->items[s->count];
    memset(slot, 0, sizeof *slot);
    slot->name = strdup(name);
    slot->paragraph = parno;
    xmlFree(tag);
    xmlNodePtr anchor = xmlNewDocNode(sdt->doc, sdt->ns, BAD_CAST "p", NULL);
    if (!slot->name || !anchor) {
        free(slot->name);
        xmlFreeNode(anchor);
        D->oom = 1;
        return;
    }
    xmlReplaceNode(sdt, anchor);
    slot->sdt = sdt;
    slot->anchor = anchor;
    s->count++;
}

static void walk(detacher *D, xmlNodePtr n)
{
    for (xmlNodePtr c = n->children, next; c && !D->oom; c = next) {
        next = c->next;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_list(c, D->prefix))
            take(D, c); /* a list inside it is an error: not taken apart */
        else
            walk(D, c);
    }
}

int docx_lists_detach(xmlDocPtr doc, const char *prefix, int allowed, const char *file,
                      const char *part, docx_list_slots *out, clasm_diags *diags)
{
    out->items = NULL;
    out->count = 0;
    detacher D = {prefix, allowed, file, part, out, 0, diags, 0, 0};
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root)
        walk(&D, root);
    if (D.oom) {
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, part, 0,
                  "out of memory while reading the lists of %s", part);
        D.errors++;
    }
    return D.errors;
}

void docx_list_slots_free(docx_list_slots *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->items[i].name);
        xmlFreeNode(s->items[i].sdt);
        if (s->items[i].anchor)
            remove_node(s->items[i].anchor);
    }
    free(s->items);
    s->items = NULL;
    s->count = 0;
}

/* ------------------------------------------------------------ shape */

enum { ROW_FIXED = 0, ROW_ITEM = 1, ROW_GROUP = 2, ROW_MIXED = 3, ROW_OOM = 4 };

/* What a table row is, by the placeholders it holds. */
static int row_kind(xmlNodePtr tr, const char *item)
{
    size_t ilen = strlen(item);
    int kind = ROW_FIXED;
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs_below(tr, &ps);
    for (size_t i = 0; i < np; i++) {
        char *text = docx_paragraph_text(ps[i]);
        tag *tags = NULL;
        size_t nt = text && strstr(text, "{{") ? tags_scan(text, &tags) : 0;
        if (!text || nt == (size_t)-1) {
            free(text);
            free(ps);
            return ROW_OOM;
        }
        for (size_t k = 0; k < nt; k++) {
            const char *p = tags[k].path;
            if (tags[k].kind != TAG_VALUE)
                continue;
            if (strncmp(p, "group.", 6) == 0)
                kind |= ROW_GROUP;
            else if (strncmp(p, item, ilen) == 0 && p[ilen] == '.')
                kind |= ROW_ITEM;
        }
        tags_free(tags, nt);
        free(text);
    }
    free(ps);
    return kind;
}

static xmlNodePtr content_of(const docx_list_slot *slot)
{
    return docx_w_child(slot->sdt, "sdtContent");
}

static xmlNodePtr table_of(const docx_list_slot *slot, int *ntables)
{
    xmlNodePtr table = NULL;
    *ntables = 0;
    for (xmlNodePtr c = content_of(slot) ? content_of(slot)->children : NULL; c; c = c->next)
        if (docx_is_w(c, "tbl")) {
            if (!table)
                table = c;
            (*ntables)++;
        }
    return table;
}

/* The item and group rows of a list's table (NULL when absent). Returns 0,
 * or -1 when out of memory. */
static int find_rows(xmlNodePtr table, const char *item, xmlNodePtr *item_row,
                     xmlNodePtr *group_row)
{
    *item_row = *group_row = NULL;
    for (xmlNodePtr r = table->children; r; r = r->next) {
        if (!docx_is_w(r, "tr"))
            continue;
        int k = row_kind(r, item);
        if (k == ROW_OOM)
            return -1;
        if (k == ROW_ITEM && !*item_row)
            *item_row = r;
        else if (k == ROW_GROUP && !*group_row)
            *group_row = r;
    }
    return 0;
}

int docx_list_check(const docx_list_slot *slot, const char *item, int groups, const char *file,
                    const char *part, clasm_diags *diags)
{
    int ntables = 0;
    xmlNodePtr table = table_of(slot, &ntables);
    const char *name = slot->name;
    if (ntables != 1) {
        diag_part(diags, CLASM_SEV_ERROR, ntables ? "list-two-tables" : "list-no-table", file, part,
                  slot->paragraph,
                  "the list '%s' holds %d tables; it must hold one, whose row with {{ %s.FIELD }} "
                  "placeholders is printed once per item",
                  name, ntables, item);
        return 1;
    }
    int errors = 0, nitem = 0, ngroup = 0;
    for (xmlNodePtr r = table->children; r; r = r->next) {
        if (!docx_is_w(r, "tr"))
            continue;
        int k = row_kind(r, item);
        int parno = first_number(r);
        if (k == ROW_OOM) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, part, parno,
                      "out of memory while reading the list '%s'", name);
            return errors + 1;
        }
        if (k == ROW_MIXED) {
            diag_part(diags, CLASM_SEV_ERROR, "list-mixed-row", file, part, parno,
                      "a row of the list '%s' names both {{ group.* }} and {{ %s.* }}; the group "
                      "row and the item row are separate rows",
                      name, item);
            errors++;
        } else if (k == ROW_ITEM && ++nitem == 2) {
            diag_part(diags, CLASM_SEV_ERROR, "list-two-item-rows", file, part, parno,
                      "the list '%s' has a second row with {{ %s.* }} placeholders; one row is "
                      "printed per item, so only one may name them",
                      name, item);
            errors++;
        } else if (k == ROW_GROUP && !groups) {
            diag_part(diags, CLASM_SEV_ERROR, "list-no-groups", file, part, parno,
                      "the list '%s' has no groups, so a row with {{ group.* }} placeholders would "
                      "never be printed",
                      name);
            errors++;
        } else if (k == ROW_GROUP && ++ngroup == 2) {
            diag_part(diags, CLASM_SEV_ERROR, "list-two-group-rows", file, part, parno,
                      "the list '%s' has a second row with {{ group.* }} placeholders; only one "
                      "may name them",
                      name);
            errors++;
        }
    }
    if (nitem == 0) {
        diag_part(diags, CLASM_SEV_ERROR, "list-no-item-row", file, part, slot->paragraph,
                  "the table of the list '%s' has no row with {{ %s.FIELD }} placeholders, so "
                  "no item would be printed",
                  name, item);
        errors++;
    }
    return errors;
}

/* ------------------------------------------------------------ printing */

typedef struct {
    const docx_list *list;
    size_t row;
    const char *item;
    const docx_values *global;
} row_values;

static const char *row_value(void *ctx, const char *path)
{
    const row_values *R = ctx;
    size_t ilen = strlen(R->item);
    if (strncmp(path, "group.", 6) == 0 || (strncmp(path, R->item, ilen) == 0 && path[ilen] == '.'))
        return R->list->value(R->list->ctx, R->row, path);
    return R->global && R->global->value ? R->global->value(R->global->ctx, path) : NULL;
}

/* Fills the paragraphs of node (but those below skip_a and skip_b) with
 * values, reporting the template's paragraph numbers. */
static int fill_below(xmlNodePtr node, xmlNodePtr skip_a, xmlNodePtr skip_b,
                      const docx_values *values, const char *file, const char *part,
                      clasm_diags *diags, int *oom)
{
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs_below(node, &ps);
    int *numbers = calloc(np + 1, sizeof *numbers);
    if (!numbers) {
        free(ps);
        *oom = 1;
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < np; i++) {
        int skip = 0;
        for (xmlNodePtr a = ps[i]; a && !skip; a = a->parent)
            skip = a == skip_a || a == skip_b;
        if (skip)
            continue;
        ps[k] = ps[i];
        numbers[k++] = number_of(ps[i]);
    }
    int errors = docx_fill_paragraphs(ps, numbers, k, file, part, values, diags, NULL);
    free(numbers);
    free(ps);
    return errors;
}

/* A copy of row proto for doc, its paragraphs numbered as the template's. */
static xmlNodePtr copy_row(xmlNodePtr proto)
{
    xmlNodePtr copy = xmlDocCopyNode(proto, proto->doc, 1);
    if (!copy)
        return NULL;
    xmlNodePtr *a = NULL, *b = NULL;
    size_t na = docx_paragraphs_below(proto, &a);
    size_t nb = docx_paragraphs_below(copy, &b);
    for (size_t i = 0; i < na && i < nb; i++)
        b[i]->_private = a[i]->_private;
    free(a);
    free(b);
    return copy;
}

int docx_list_expand(docx_list_slot *slot, const docx_list *list, const char *item,
                     const docx_values *global, const char *file, const char *part,
                     clasm_diags *diags)
{
    int ntables = 0, oom = 0, errors = 0;
    xmlNodePtr table = table_of(slot, &ntables);
    xmlNodePtr content = content_of(slot);
    xmlNodePtr item_row = NULL, group_row = NULL;
    if (!table || !content || !slot->anchor)
        return 0; /* docx_list_check said why */
    if (find_rows(table, item, &item_row, &group_row) != 0)
        oom = 1;
    size_t nitems = 0;
    for (size_t r = 0; r < list->nrows; r++)
        nitems += !list->is_group(list->ctx, r);
    /* The control's own text (heading rows, the words for an empty list). */
    if (!oom)
        errors += fill_below(content, item_row, group_row, global, file, part, diags, &oom);
    if (!oom && item_row && nitems > 0) {
        xmlNodePtr first = item_row;
        for (xmlNodePtr r = table->children; r; r = r->next)
            if (r == item_row || r == group_row) {
                first = r;
                break;
            }
        for (size_t r = 0; r < list->nrows && !oom; r++) {
            xmlNodePtr proto = list->is_group(list->ctx, r) ? group_row : item_row;
            if (!proto)
                continue; /* groups the template does not print */
            xmlNodePtr copy = copy_row(proto);
            if (!copy || !xmlAddPrevSibling(first, copy)) {
                xmlFreeNode(copy);
                oom = 1;
                break;
            }
            row_values R = {list, r, item, global};
            docx_values values = {&R, row_value};
            errors += fill_below(copy, NULL, NULL, &values, file, part, diags, &oom);
        }
        remove_node(item_row);
        if (group_row)
            remove_node(group_row);
        xmlUnlinkNode(table);
        xmlAddPrevSibling(slot->anchor, table);
    } else if (!oom) {
        /* No item: the control's other content, without the table. */
        remove_node(table);
        while (content->children) {
            xmlNodePtr c = content->children;
            xmlUnlinkNode(c);
            xmlAddPrevSibling(slot->anchor, c);
        }
    }
    if (oom) {
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, part, slot->paragraph,
                  "out of memory while printing the list '%s'", slot->name);
        errors++;
    }
    remove_node(slot->anchor);
    slot->anchor = NULL;
    return errors;
}
