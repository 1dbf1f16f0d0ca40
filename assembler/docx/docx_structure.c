/* Conditionals and insertion points in a WordprocessingML part. */
#include "docx_structure.h"

#include "diag.h"
#include "docx_text.h"
#include "expr.h"
#include "library.h"
#include "placeholder.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOWN_MAX 60

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char *trimmed(const char *s, size_t n)
{
    while (n > 0 && is_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_space(s[n - 1]))
        n--;
    return strndup(s, n);
}

void structure_markers_free(structure_markers *m)
{
    for (size_t i = 0; i < m->count; i++) {
        free(m->items[i].expr);
        for (size_t k = 0; k < m->items[i].ncategories; k++)
            free(m->items[i].categories[k]);
        free(m->items[i].categories);
    }
    free(m->items);
    m->items = NULL;
    m->count = 0;
}

int structure_markers_copy(const structure_markers *src, structure_markers *dst)
{
    dst->items = src->count ? calloc(src->count, sizeof *dst->items) : NULL;
    dst->count = 0;
    if (src->count && !dst->items)
        return -1;
    for (size_t i = 0; i < src->count; i++) {
        const structure_marker *a = &src->items[i];
        structure_marker *b = &dst->items[dst->count++];
        *b = *a;
        b->expr = NULL;
        b->categories = NULL;
        b->ncategories = 0;
        b->anchor = NULL;
        if (a->expr && !(b->expr = strdup(a->expr)))
            goto oom;
        if (a->ncategories && !(b->categories = calloc(a->ncategories, sizeof *b->categories)))
            goto oom;
        for (; b->ncategories < a->ncategories; b->ncategories++)
            if (!(b->categories[b->ncategories] = strdup(a->categories[b->ncategories])))
                goto oom;
    }
    return 0;
oom:
    structure_markers_free(dst);
    return -1;
}

typedef struct {
    xmlDocPtr doc;
    const char *file;
    const char *part;
    int is_main;
    structure_markers *out;
    size_t cap;
    clasm_diags *diags;
    int errors;
    int oom;
    int parno; /* number of the paragraph being scanned (document order) */
} scanner;

static structure_marker *push(scanner *s, structure_kind kind, xmlNodePtr node, int paragraph)
{
    structure_markers *m = s->out;
    if (m->count == s->cap) {
        size_t c = s->cap ? s->cap * 2 : 8;
        structure_marker *g = realloc(m->items, c * sizeof *g);
        if (!g) {
            s->oom = 1;
            return NULL;
        }
        m->items = g;
        s->cap = c;
    }
    structure_marker *mk = &m->items[m->count++];
    memset(mk, 0, sizeof *mk);
    mk->kind = kind;
    mk->node = node;
    mk->paragraph = paragraph;
    mk->partner = (size_t)-1;
    return mk;
}

static void err(scanner *s, const char *id, int paragraph, const char *fmt, ...) CLASM_PRINTF(4, 5);
static void err(scanner *s, const char *id, int paragraph, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_part(s->diags, CLASM_SEV_ERROR, id, s->file, s->part, paragraph, "%s", msg);
    s->errors++;
}

/* Parses "clauses" / "clauses: a, b" (inner text of the tag or a content
 * control's w:tag) into mk. Returns 0, or -1 with an error reported. */
static int parse_clauses(scanner *s, structure_marker *mk, const char *inner, int paragraph)
{
    const char *rest = inner + 7; /* after "clauses" */
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (*rest == '\0')
        return 0; /* the catch-all */
    if (*rest != ':') {
        err(s, "malformed-marker", paragraph,
            "the insertion point '%s' is not understood: write {{ clauses }} or {{ clauses: "
            "category, category }}",
            inner);
        return -1;
    }
    rest++;
    for (;;) {
        const char *comma = strchr(rest, ',');
        size_t n = comma ? (size_t)(comma - rest) : strlen(rest);
        char *cat = trimmed(rest, n);
        if (!cat) {
            s->oom = 1;
            return -1;
        }
        int bad = cat[0] == '\0';
        for (const char *c = cat; *c && !bad; c++)
            bad = is_space(*c);
        if (bad) {
            err(s, "malformed-marker", paragraph,
                "the insertion point '%s' has an empty or malformed category name: separate "
                "categories with commas, e.g. {{ clauses: export-control, data-handling }}",
                inner);
            free(cat);
            return -1;
        }
        char **g = realloc(mk->categories, (mk->ncategories + 1) * sizeof *g);
        if (!g) {
            free(cat);
            s->oom = 1;
            return -1;
        }
        mk->categories = g;
        mk->categories[mk->ncategories++] = cat;
        if (!comma)
            break;
        rest = comma + 1;
    }
    return 0;
}

static int is_block_parent(xmlNodePtr parent)
{
    return docx_is_w(parent, "body") || docx_is_w(parent, "tc") ||
           docx_is_w(parent, "sdtContent") || docx_is_w(parent, "hdr") ||
           docx_is_w(parent, "ftr") || docx_is_w(parent, "footnote") ||
           docx_is_w(parent, "endnote") || docx_is_w(parent, "comment");
}

/* A block sdt's w:sdtPr/w:tag value (malloc'd), or NULL. */
static char *sdt_tag(xmlNodePtr sdt)
{
    for (xmlNodePtr c = sdt->children; c; c = c->next) {
        if (!docx_is_w(c, "sdtPr"))
            continue;
        for (xmlNodePtr t = c->children; t; t = t->next)
            if (docx_is_w(t, "tag")) {
                xmlChar *v = xmlGetNsProp(t, BAD_CAST "val", BAD_CAST W_NS);
                char *r = v ? trimmed((const char *)v, strlen((const char *)v)) : NULL;
                xmlFree(v);
                return r;
            }
    }
    return NULL;
}

/* How many w:p elements n holds (itself included). */
static int count_paragraphs(xmlNodePtr n)
{
    int k = docx_is_w(n, "p");
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            k += count_paragraphs(c);
    return k;
}

static int starts_clauses(const char *inner)
{
    return strncmp(inner, "clauses", 7) == 0 &&
           (inner[7] == '\0' || inner[7] == ':' || inner[7] == ' ' || inner[7] == '\t');
}

static void scan_paragraph(scanner *s, xmlNodePtr p)
{
    char *inner = docx_paragraph_sole_tag(p);
    if (!inner) {
        /* Not a marker paragraph: a structural tag here is misplaced. */
        char *text = docx_paragraph_text(p);
        if (!text) {
            s->oom = 1;
            return;
        }
        if (strstr(text, "{{")) {
            tag *tags = NULL;
            size_t nt = tags_scan(text, &tags);
            if (nt == (size_t)-1) {
                s->oom = 1;
            } else {
                for (size_t i = 0; i < nt; i++) {
                    if (tags[i].kind != TAG_STRUCTURAL)
                        continue;
                    char shown[SHOWN_MAX + 8];
                    size_t n = tags[i].end - tags[i].start;
                    snprintf(shown, sizeof shown, "%.*s%s", (int)(n > SHOWN_MAX ? SHOWN_MAX : n),
                             text + tags[i].start, n > SHOWN_MAX ? "..." : "");
                    err(s, "marker-not-alone", s->parno,
                        "the tag %s shares its paragraph with other text; insertion points and "
                        "condition markers must be alone in their own paragraph",
                        shown);
                }
                tags_free(tags, nt);
            }
        }
        free(text);
        return;
    }
    int is_marker = inner[0] == '#' || inner[0] == '/' || starts_clauses(inner);
    if (!is_marker) {
        free(inner);
        return; /* a paragraph that is one value placeholder */
    }
    int parno = s->parno;
    if (count_paragraphs(p) > 1) {
        /* A marker paragraph is removed or replaced, and what it holds with
         * it: markers in its text box would be left pointing at freed nodes
         * and the user's text would vanish. */
        err(s, "marker-holds-content", parno,
            "the marker {{ %s }} holds a text box or other nested paragraphs, which would be "
            "removed with it; move that content out of the marker's paragraph",
            inner);
        free(inner);
        return;
    }
    if (!is_block_parent(p->parent)) {
        err(s, "marker-not-block-level", parno,
            "the marker {{ %s }} is inside a text box or other nested content; insertion points "
            "and condition markers must be paragraphs of the body, a table cell or a content "
            "control",
            inner);
        free(inner);
        return;
    }
    if (starts_clauses(inner)) {
        if (!s->is_main) {
            err(s, "insertion-point-outside-body", parno,
                "the insertion point {{ %s }} is not in the main document; clauses can only be "
                "inserted into the document body",
                inner);
        } else {
            structure_marker *mk = push(s, STRUCT_CLAUSES, p, parno);
            if (mk && parse_clauses(s, mk, inner, parno) != 0) {
                for (size_t k = 0; k < mk->ncategories; k++)
                    free(mk->categories[k]);
                free(mk->categories);
                s->out->count--;
            }
        }
    } else if (strncmp(inner, "#if", 3) == 0 && (inner[3] == '\0' || is_space(inner[3]))) {
        char *e = trimmed(inner + 3, strlen(inner + 3));
        if (!e) {
            s->oom = 1;
        } else if (!*e) {
            err(s, "malformed-marker", parno,
                "the condition {{#if}} has no expression: write {{#if reseller}} or "
                "{{#if tier >= high}}");
            free(e);
        } else {
            expr *x = NULL;
            char *msg = NULL;
            int col = 0;
            int bad = expr_parse(e, &x, &msg, &col) != 0;
            if (!bad) {
                expr_names names;
                memset(&names, 0, sizeof names);
                expr_fact_def defs[DEAL_NFIELDS];
                names.nfacts = deal_fact_defs(defs, NULL);
                names.facts = defs;
                names.any_terms = 1;
                names.any_categories = 1;
                bad = expr_check(x, &names, &msg, &col) != 0;
            }
            expr_free(x);
            if (bad)
                err(s, "malformed-condition", parno, "the condition {{#if %s}} is wrong: %s", e,
                    msg ? msg : "out of memory");
            free(msg);
            /* Pushed even when wrong, so that its {{/if}} still pairs. */
            structure_marker *mk = push(s, STRUCT_IF, p, parno);
            if (mk)
                mk->expr = e;
            else
                free(e);
        }
    } else if (strcmp(inner, "/if") == 0) {
        push(s, STRUCT_ENDIF, p, parno);
    } else if (strncmp(inner, "/if", 3) == 0 && is_space(inner[3])) {
        err(s, "malformed-marker", parno,
            "the marker {{ %s }} is not understood: a condition ends with {{/if}} alone", inner);
    } else {
        err(s, "unknown-marker", parno,
            "the marker {{ %s }} is not known: the markers are {{#if EXPR}}, {{/if}}, "
            "{{ clauses }} and {{ clauses: category, ... }}",
            inner);
    }
    free(inner);
}

static void walk(scanner *s, xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c && !s->oom; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (docx_is_w(c, "sdt")) {
            char *tag = sdt_tag(c);
            if (tag && starts_clauses(tag)) {
                /* Its number: that of its first paragraph, if any. */
                int inside = count_paragraphs(c);
                int parno = inside ? s->parno + 1 : 0;
                s->parno += inside;
                int block = is_block_parent(c->parent);
                if (!s->is_main) {
                    err(s, "insertion-point-outside-body", parno,
                        "the content control tagged '%s' is not in the main document; clauses "
                        "can only be inserted into the document body",
                        tag);
                } else if (!block) {
                    err(s, "marker-not-block-level", parno,
                        "the content control tagged '%s' is inside a paragraph; an insertion "
                        "point must be a block content control holding whole paragraphs",
                        tag);
                } else {
                    structure_marker *mk = push(s, STRUCT_CLAUSES, c, parno);
                    if (mk) {
                        mk->is_sdt = 1;
                        if (parse_clauses(s, mk, tag, parno) != 0) {
                            for (size_t k = 0; k < mk->ncategories; k++)
                                free(mk->categories[k]);
                            free(mk->categories);
                            s->out->count--;
                        }
                    }
                }
                free(tag);
                continue; /* its placeholder content is not scanned */
            }
            free(tag);
        }
        if (docx_is_w(c, "p")) {
            s->parno++;
            scan_paragraph(s, c);
            /* Paragraphs nested in this one (text boxes) come next. */
        }
        walk(s, c);
    }
}

int structure_scan(xmlDocPtr doc, const char *file, const char *part, int is_main,
                   structure_markers *out, clasm_diags *diags)
{
    scanner s = {doc, file, part, is_main, out, 0, diags, 0, 0, 0};
    out->items = NULL;
    out->count = 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root)
        walk(&s, root);
    /* Pair the conditionals. */
    size_t *stack = malloc((out->count + 1) * sizeof *stack);
    size_t depth = 0;
    if (!stack)
        s.oom = 1;
    for (size_t i = 0; stack && i < out->count; i++) {
        structure_marker *mk = &out->items[i];
        if (mk->kind == STRUCT_IF) {
            stack[depth++] = i;
        } else if (mk->kind == STRUCT_ENDIF) {
            if (depth == 0) {
                err(&s, "unbalanced-condition", mk->paragraph,
                    "this {{/if}} has no matching {{#if}} before it");
                continue;
            }
            structure_marker *open = &out->items[stack[--depth]];
            open->partner = i;
            mk->partner = stack[depth];
            if (open->node->parent != mk->node->parent) {
                err(&s, "condition-crosses-structure", open->paragraph,
                    "the condition {{#if %s}} ends with the {{/if}} of paragraph %d, which is "
                    "not in the same body, table cell or content control; put both markers at "
                    "the same level (a condition may hold whole tables)",
                    open->expr, mk->paragraph);
            } else {
                open->balanced = mk->balanced = 1;
            }
        }
    }
    while (stack && depth > 0) {
        structure_marker *open = &out->items[stack[--depth]];
        err(&s, "unbalanced-condition", open->paragraph,
            "the condition {{#if %s}} is never closed: add a {{/if}} paragraph after the "
            "content it controls",
            open->expr);
    }
    free(stack);
    if (s.oom) {
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, part, 0,
                  "out of memory while reading the structure of %s", part);
        s.errors++;
    }
    return s.errors;
}

static void remove_node(xmlNodePtr n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* 1 when paragraph p ends a section (w:pPr/w:sectPr). */
static int ends_section(xmlNodePtr p)
{
    for (xmlNodePtr c = p->children; c; c = c->next)
        if (docx_is_w(c, "pPr"))
            for (xmlNodePtr k = c->children; k; k = k->next)
                if (docx_is_w(k, "sectPr"))
                    return 1;
    return 0;
}

/* Removes a marker paragraph; one that ends a section keeps its properties
 * (and so the section) and loses only its content. */
static void remove_marker(xmlNodePtr p)
{
    if (!docx_is_w(p, "p") || !ends_section(p)) {
        remove_node(p);
        return;
    }
    for (xmlNodePtr c = p->children, next; c; c = next) {
        next = c->next;
        if (!docx_is_w(c, "pPr"))
            remove_node(c);
    }
}

int structure_apply_conditionals(structure_markers *m, const char *file, const char *part,
                                 structure_eval_fn eval, void *ctx, clasm_diags *diags)
{
    int errors = 0;
    for (size_t i = 0; i < m->count; i++) {
        structure_marker *mk = &m->items[i];
        if (mk->kind != STRUCT_IF || mk->removed || !mk->balanced)
            continue;
        structure_marker *end = &m->items[mk->partner];
        char *msg = NULL;
        int col = 0;
        int r = eval(ctx, mk->expr, &msg, &col);
        if (r < 0) {
            diag_part(diags, CLASM_SEV_ERROR, "condition-error", file, part, mk->paragraph,
                      "the condition {{#if %s}} cannot be evaluated: %s", mk->expr,
                      msg ? msg : "out of memory");
            errors++;
            r = 1;
        }
        free(msg);
        if (r) {
            remove_marker(mk->node);
            remove_marker(end->node);
        } else {
            xmlNodePtr n = mk->node;
            for (;;) {
                xmlNodePtr next = n->next;
                int last = n == end->node;
                if (last)
                    remove_marker(n);
                else
                    remove_node(n);
                if (last || !next)
                    break;
                n = next;
            }
            for (size_t k = i + 1; k < mk->partner; k++) {
                m->items[k].removed = 1;
                m->items[k].node = NULL;
            }
        }
        mk->removed = end->removed = 1;
        mk->node = end->node = NULL;
    }
    return errors;
}

int structure_check_insertion_points(const structure_markers *m, const char *file, const char *part,
                                     clasm_diags *diags)
{
    int errors = 0;
    for (size_t i = 0; i < m->count; i++) {
        const structure_marker *a = &m->items[i];
        if (a->kind != STRUCT_CLAUSES || a->removed)
            continue;
        for (size_t j = 0; j < i; j++) {
            const structure_marker *b = &m->items[j];
            if (b->kind != STRUCT_CLAUSES || b->removed)
                continue;
            if (a->ncategories == 0 && b->ncategories == 0) {
                diag_part(diags, CLASM_SEV_ERROR, "duplicate-insertion-point", file, part,
                          a->paragraph,
                          "a second catch-all insertion point {{ clauses }}: the one in "
                          "paragraph %d already receives every clause placed nowhere else",
                          b->paragraph);
                errors++;
                break;
            }
            int dup = 0;
            for (size_t x = 0; x < a->ncategories && !dup; x++)
                for (size_t y = 0; y < b->ncategories && !dup; y++)
                    if (strcmp(a->categories[x], b->categories[y]) == 0) {
                        diag_part(diags, CLASM_SEV_ERROR, "duplicate-insertion-point", file, part,
                                  a->paragraph,
                                  "the category '%s' already has its insertion point in "
                                  "paragraph %d; each category may be named by one insertion "
                                  "point only",
                                  a->categories[x], b->paragraph);
                        errors++;
                        dup = 1;
                    }
            if (dup)
                break;
        }
    }
    return errors;
}

int structure_anchor(structure_marker *mk)
{
    xmlNodePtr n = mk->node;
    xmlNodePtr anchor = xmlNewDocNode(n->doc, n->ns, BAD_CAST "p", NULL);
    if (!anchor)
        return -1;
    if (!mk->is_sdt) {
        if (ends_section(n)) {
            /* Clauses go before the paragraph that keeps the section. */
            xmlAddPrevSibling(n, anchor);
            remove_marker(n);
        } else {
            xmlReplaceNode(n, anchor);
            xmlFreeNode(n);
        }
        mk->node = NULL;
        mk->anchor = anchor;
        return 0;
    }
    xmlNodePtr content = NULL;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (docx_is_w(c, "sdtPr")) {
            for (xmlNodePtr t = c->children, next; t; t = next) {
                next = t->next;
                if (docx_is_w(t, "showingPlcHdr"))
                    remove_node(t);
            }
        } else if (docx_is_w(c, "sdtContent")) {
            content = c;
        }
    }
    if (!content) {
        content = xmlNewChild(n, n->ns, BAD_CAST "sdtContent", NULL);
        if (!content) {
            xmlFreeNode(anchor);
            return -1;
        }
    }
    while (content->children)
        remove_node(content->children);
    xmlAddChild(content, anchor);
    mk->anchor = anchor;
    return 0;
}

void structure_remove_anchor(structure_marker *mk)
{
    if (!mk->anchor)
        return;
    xmlNodePtr content = mk->anchor->parent;
    remove_node(mk->anchor);
    mk->anchor = NULL;
    if (mk->is_sdt && mk->node) {
        int empty = 1;
        for (xmlNodePtr c = content ? content->children : NULL; c && empty; c = c->next)
            empty = c->type != XML_ELEMENT_NODE;
        if (empty) {
            remove_node(mk->node);
            mk->node = NULL;
        }
    }
}
