/* Lists in a template (docx_lists.h): content controls whose table rows, or
 * paragraphs, are repeated from data. */
#include "docx_lists.h"

#include "diag.h"
#include "docx_text.h"
#include "tags.h"
#include "utf8.h"

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
    const char *at = strchr(name, '@');
    slot->name = at ? strndup(name, (size_t)(at - name)) : strdup(name);
    slot->part = slot->parts = 1;
    if (at && !(at[1] >= '1' && at[1] <= '9' && at[2] == '/' && at[3] >= '1' && at[3] <= '9' &&
                at[4] == '\0' && at[1] <= at[3])) {
        diag_part(D->diags, CLASM_SEV_ERROR, "list-bad-part", D->file, D->part, parno,
                  "the content control tagged %s%s names a part '%s' of a list; a part is "
                  "written NAME@K/N, the K-th of N parts, 1 <= K <= N <= 9 (e.g. %.*s@1/2)",
                  D->prefix, name, at, (int)(at - name), name);
        D->errors++;
    } else if (at) {
        slot->part = at[1] - '0';
        slot->parts = at[3] - '0';
    }
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
    /* The parts of a list: 1/N to N/N, each once. */
    for (size_t i = 0; !D.oom && i < out->count; i++) {
        const docx_list_slot *a = &out->items[i];
        int seen = 0, first = 1, consistent = 1;
        for (size_t j = 0; j < out->count; j++) {
            const docx_list_slot *b = &out->items[j];
            if (strcmp(a->name, b->name) != 0)
                continue;
            first &= j >= i;
            consistent &= b->parts == a->parts && !(seen & (1 << b->part));
            seen |= 1 << b->part;
        }
        if (first && (!consistent || seen != ((1 << (a->parts + 1)) - 2))) {
            diag_part(diags, CLASM_SEV_ERROR, "list-parts", file, part, a->paragraph,
                      "the parts of the list '%s' do not fit together: its content controls "
                      "must be tagged %s%s@1/N to %s%s@N/N, each once and with one N, or be "
                      "one control tagged %s%s",
                      a->name, prefix, a->name, prefix, a->name, prefix, a->name);
            D.errors++;
        }
    }
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

/* What holds a list's rows: its table's rows (w:tr), or, in a list without
 * a table, the control's paragraphs (w:p). NULL (and *unit NULL) for more
 * than one table. */
static xmlNodePtr rows_holder(const docx_list_slot *slot, const char **unit, int *ntables)
{
    xmlNodePtr table = table_of(slot, ntables);
    *unit = *ntables == 1 ? "tr" : *ntables == 0 ? "p" : NULL;
    return *ntables == 1 ? table : *ntables == 0 ? content_of(slot) : NULL;
}

/* The item and group rows (unit: "tr" or "p") of a list's holder (NULL
 * when absent). Returns 0, or -1 when out of memory. */
static int find_rows(xmlNodePtr holder, const char *unit, const char *item, xmlNodePtr *item_row,
                     xmlNodePtr *group_row)
{
    *item_row = *group_row = NULL;
    for (xmlNodePtr r = holder->children; r; r = r->next) {
        if (!docx_is_w(r, unit))
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
    const char *unit = NULL;
    xmlNodePtr holder = rows_holder(slot, &unit, &ntables);
    const char *name = slot->name;
    if (!holder) {
        diag_part(diags, CLASM_SEV_ERROR, "list-two-tables", file, part, slot->paragraph,
                  "the list '%s' holds %d tables; it may hold one, whose row with {{ %s.FIELD }} "
                  "placeholders is printed once per item (or, without a table, a paragraph with "
                  "them)",
                  name, ntables, item);
        return 1;
    }
    const char *what = ntables ? "row" : "paragraph";
    int errors = 0, nitem = 0, ngroup = 0;
    for (xmlNodePtr r = holder->children; r; r = r->next) {
        if (!docx_is_w(r, unit))
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
                      "a %s of the list '%s' names both {{ group.* }} and {{ %s.* }}; the group "
                      "%s and the item %s are separate",
                      what, name, item, what, what);
            errors++;
        } else if (k == ROW_ITEM && ++nitem == 2) {
            diag_part(diags, CLASM_SEV_ERROR, "list-two-item-rows", file, part, parno,
                      "the list '%s' has a second %s with {{ %s.* }} placeholders; one %s is "
                      "printed per item, so only one may name them",
                      name, what, item, what);
            errors++;
        } else if (k == ROW_GROUP && !groups) {
            diag_part(diags, CLASM_SEV_ERROR, "list-no-groups", file, part, parno,
                      "the list '%s' has no groups, so a %s with {{ group.* }} placeholders would "
                      "never be printed",
                      name, what);
            errors++;
        } else if (k == ROW_GROUP && ++ngroup == 2) {
            diag_part(diags, CLASM_SEV_ERROR, "list-two-group-rows", file, part, parno,
                      "the list '%s' has a second %s with {{ group.* }} placeholders; only one "
                      "may name them",
                      name, what);
            errors++;
        }
    }
    if (nitem == 0) {
        if (ntables)
            diag_part(diags, CLASM_SEV_ERROR, "list-no-item-row", file, part, slot->paragraph,
                      "the table of the list '%s' has no row with {{ %s.FIELD }} placeholders, "
                      "so no item would be printed",
                      name, item);
        else
            diag_part(diags, CLASM_SEV_ERROR, "list-no-item-row", file, part, slot->paragraph,
                      "the list '%s' has neither a table nor a paragraph with {{ %s.FIELD }} "
                      "placeholders, so no item would be printed",
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

/* The characters of UTF-8 text (a byte that starts none counts as one). */
static size_t chars_of(const char *text)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; n++) {
        size_t k = utf8_char(p, NULL);
        p += k ? k : 1;
    }
    return n;
}

/* The lines a printed row takes, about: its text over an assumed column
 * of 48 characters, at least one. */
static size_t row_lines(xmlNodePtr row)
{
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs_below(row, &ps), lines = 0;
    for (size_t i = 0; i < np; i++) {
        char *text = docx_paragraph_text(ps[i]);
        size_t n = text ? chars_of(text) : 0;
        lines += n ? (n + 47) / 48 : 1;
        free(text);
    }
    free(ps);
    return lines ? lines : 1;
}

/* The rows [*from, *to) of a list that its part (K of N) prints: the rows
 * split in N runs of about the same length in lines (each row filled once
 * to measure it; what filling reports is reported when the part's own rows
 * are). Returns 0, or -1 when out of memory. */
static int part_range(const docx_list_slot *slot, const docx_list *list, const char *item,
                      const docx_values *global, xmlNodePtr item_row, xmlNodePtr group_row,
                      size_t *from, size_t *to)
{
    size_t n = list->nrows, total = 0;
    size_t *lines = calloc(n + 1, sizeof *lines);
    if (!lines)
        return -1;
    int oom = 0;
    clasm_diags scratch;
    clasm_diags_init(&scratch);
    for (size_t r = 0; r < n && !oom; r++) {
        xmlNodePtr proto = list->is_group(list->ctx, r) ? group_row : item_row;
        xmlNodePtr copy = proto ? copy_row(proto) : NULL;
        if (proto && !copy) {
            oom = 1;
            break;
        }
        if (copy) {
            row_values R = {list, r, item, global};
            docx_values values = {&R, row_value};
            fill_below(copy, NULL, NULL, &values, "", "", &scratch, &oom);
            lines[r] = row_lines(copy);
            xmlFreeNode(copy);
        }
        total += lines[r];
    }
    clasm_diags_free(&scratch);
    /* A row belongs to the part its first line falls in (so the first
     * part is the longer, as newspaper columns fill). */
    size_t parts = (size_t)slot->parts, want = (size_t)slot->part - 1, before = 0;
    *from = *to = n;
    for (size_t r = 0; r < n && !oom; r++) {
        size_t in = total ? before * parts / total : 0;
        if (in >= parts)
            in = parts - 1;
        if (in == want && *from == n)
            *from = r;
        if (in == want)
            *to = r + 1;
        before += lines[r];
    }
    if (*from == n)
        *from = *to = 0;
    free(lines);
    return oom ? -1 : 0;
}

int docx_list_expand(docx_list_slot *slot, const docx_list *list, const char *item,
                     const docx_values *global, const char *file, const char *part,
                     clasm_diags *diags)
{
    int ntables = 0, oom = 0, errors = 0;
    const char *unit = NULL;
    xmlNodePtr holder = rows_holder(slot, &unit, &ntables);
    xmlNodePtr table = ntables == 1 ? holder : NULL;
    xmlNodePtr content = content_of(slot);
    xmlNodePtr item_row = NULL, group_row = NULL;
    if (!holder || !content || !slot->anchor)
        return 0; /* docx_list_check said why */
    if (find_rows(holder, unit, item, &item_row, &group_row) != 0)
        oom = 1;
    size_t nitems = 0;
    for (size_t r = 0; r < list->nrows; r++)
        nitems += !list->is_group(list->ctx, r);
    size_t from = 0, to = list->nrows;
    if (!oom && item_row && slot->parts > 1 &&
        part_range(slot, list, item, global, item_row, group_row, &from, &to) != 0)
        oom = 1;
    /* The control's own text (heading rows, the words for an empty list). */
    if (!oom)
        errors += fill_below(content, item_row, group_row, global, file, part, diags, &oom);
    if (!oom && item_row && nitems > 0) {
        /* A table's rows go where its item (or group) row stands; a list of
         * paragraphs is printed in the control's place, without the words
         * for an empty list. */
        xmlNodePtr first = slot->anchor;
        for (xmlNodePtr r = table ? table->children : NULL; r; r = r->next)
            if (r == item_row || r == group_row) {
                first = r;
                break;
            }
        for (size_t r = from; r < to && !oom; r++) {
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
        if (table) {
            xmlUnlinkNode(table);
            xmlAddPrevSibling(slot->anchor, table);
        }
    } else if (!oom) {
        /* No item: the control's other content, without the table (or
         * the item and group paragraphs). */
        if (table)
            remove_node(table);
        if (!table && item_row)
            remove_node(item_row);
        if (!table && group_row)
            remove_node(group_row);
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
