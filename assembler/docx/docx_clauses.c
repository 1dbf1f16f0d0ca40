/* Inserting clauses: styles, numbering, content controls, unique ids, and
 * repairs that keep parts valid. */
#include "docx_clauses.h"

#include "diag.h"
#include "docx_numbers.h"
#include "docx_text.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL_NUMBERING                                                                              \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
#define REL_STYLES "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
#define CT_NUMBERING "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
#define CT_STYLES "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"

struct docx_clauses {
    pkg_edit *e;
    const char *main_part;
    char *styles_part;
    xmlDocPtr styles;
    int styles_changed, styles_created;
    int styles_borrowed; /* styles is the template's tree, only read */
    char *numbering_part;
    xmlDocPtr numbering;
    int numbering_changed, numbering_created;
    const char *heading_style, *body_style, *list_style;
    long abstract_id; /* abstractNum of list items; -1 until needed */
    int list_needs_abstract;
    long next_num_id;
    long *ids; /* taken numeric w:id values */
    size_t nids, capids;
    int ids_sorted;
    long next_id;
};

/* ------------------------------------------------------------ helpers */

static xmlChar *wval(xmlNodePtr n, const char *attr)
{
    return xmlGetNsProp(n, BAD_CAST attr, BAD_CAST W_NS);
}

static xmlNsPtr w_ns(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNsPtr ns = root ? xmlSearchNsByHref(doc, root, BAD_CAST W_NS) : NULL;
    if (!ns && root)
        ns = xmlNewNs(root, BAD_CAST W_NS, BAD_CAST "w");
    return ns;
}

/* A new W element with an optional w:val, appended to parent. */
static xmlNodePtr add(xmlNodePtr parent, xmlNsPtr w, const char *local, const char *val)
{
    xmlNodePtr n = xmlNewChild(parent, w, BAD_CAST local, NULL);
    if (n && val && !xmlNewNsProp(n, w, BAD_CAST "val", BAD_CAST val))
        return NULL;
    return n;
}

static xmlNodePtr add_long(xmlNodePtr parent, xmlNsPtr w, const char *local, long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", v);
    return add(parent, w, local, buf);
}

static xmlDocPtr new_w_doc(const char *root_local)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    if (!doc)
        return NULL;
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST root_local, NULL);
    if (!root) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocSetRootElement(doc, root);
    xmlNsPtr w = xmlNewNs(root, BAD_CAST W_NS, BAD_CAST "w");
    xmlSetNs(root, w);
    doc->standalone = 1;
    return doc;
}

/* The paragraph style with styleId id, or NULL. */
static xmlNodePtr find_style(xmlDocPtr styles, const char *id)
{
    xmlNodePtr root = styles ? xmlDocGetRootElement(styles) : NULL;
    for (xmlNodePtr s = root ? root->children : NULL; s; s = s->next) {
        if (!docx_is_w(s, "style"))
            continue;
        xmlChar *sid = wval(s, "styleId");
        xmlChar *type = wval(s, "type");
        int match = sid && xmlStrcmp(sid, BAD_CAST id) == 0 &&
                    (!type || xmlStrcmp(type, BAD_CAST "paragraph") == 0);
        xmlFree(sid);
        xmlFree(type);
        if (match)
            return s;
    }
    return NULL;
}

/* The abstractNumId behind w:num numId, or -1. */
static long abstract_of(xmlDocPtr numbering, long num_id)
{
    xmlNodePtr root = numbering ? xmlDocGetRootElement(numbering) : NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
        if (docx_is_w(n, "num") && docx_w_attr_long(n, "numId", -1) == num_id) {
            xmlNodePtr a = docx_w_child(n, "abstractNumId");
            long id = a ? docx_w_attr_long(a, "val", -1) : -1;
            /* The abstractNum must exist. */
            for (xmlNodePtr m = root->children; m; m = m->next)
                if (docx_is_w(m, "abstractNum") && docx_w_attr_long(m, "abstractNumId", -2) == id)
                    return id;
            return -1;
        }
    return -1;
}

/* ------------------------------------------------------------ setup */

/* A part name in word/ that is not taken: word/NAME.xml, word/NAME2.xml... */
static char *free_part_name(pkg_edit *e, const char *name)
{
    char buf[128];
    snprintf(buf, sizeof buf, "word/%s.xml", name);
    for (int i = 2; pkg_edit_has(e, buf) && i < 1000; i++)
        snprintf(buf, sizeof buf, "word/%s%d.xml", name, i);
    return strdup(buf);
}

static void add_clause_heading_style(docx_clauses *c)
{
    xmlNodePtr root = xmlDocGetRootElement(c->styles);
    xmlNsPtr w = w_ns(c->styles);
    xmlNodePtr s = add(root, w, "style", NULL);
    if (!s)
        return;
    xmlNewNsProp(s, w, BAD_CAST "type", BAD_CAST "paragraph");
    xmlNewNsProp(s, w, BAD_CAST "customStyle", BAD_CAST "1");
    xmlNewNsProp(s, w, BAD_CAST "styleId", BAD_CAST "ClauseHeading");
    add(s, w, "name", "Clause Heading");
    if (find_style(c->styles, "Normal"))
        add(s, w, "basedOn", "Normal");
    if (c->body_style)
        add(s, w, "next", c->body_style);
    add(s, w, "qFormat", NULL);
    xmlNodePtr ppr = add(s, w, "pPr", NULL);
    if (ppr) {
        add(ppr, w, "keepNext", NULL);
        add(ppr, w, "keepLines", NULL);
        xmlNodePtr sp = add(ppr, w, "spacing", NULL);
        if (sp) {
            xmlNewNsProp(sp, w, BAD_CAST "before", BAD_CAST "240");
            xmlNewNsProp(sp, w, BAD_CAST "after", BAD_CAST "80");
        }
        add(ppr, w, "outlineLvl", "1");
    }
    xmlNodePtr rpr = add(s, w, "rPr", NULL);
    if (rpr)
        add(rpr, w, "b", NULL);
    c->styles_changed = 1;
}

docx_clause_styles docx_clause_styles_of(xmlDocPtr styles)
{
    const char *heading = docx_heading_style(styles);
    const char *body = find_style(styles, "ClauseBody") ? "ClauseBody"
                       : find_style(styles, "Normal")   ? "Normal"
                                                        : NULL;
    return (docx_clause_styles){heading ? heading : "ClauseHeading", body,
                                find_style(styles, "ClauseList") ? "ClauseList" : body};
}

const char *docx_heading_style(xmlDocPtr styles)
{
    return find_style(styles, "ClauseHeading") ? "ClauseHeading"
           : find_style(styles, "Heading2")    ? "Heading2"
                                               : NULL;
}

/* The part's tree for this draft: a copy of the template's (kept), else
 * parsed from the edit. NULL and a diagnostic on failure. */
static xmlDocPtr part_tree(pkg_edit *e, const char *part, xmlDocPtr kept, clasm_diags *diags)
{
    if (!kept)
        return pkg_edit_parse(e, part, diags);
    xmlDocPtr copy = xmlCopyDoc(kept, 1);
    if (!copy)
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", pkg_name(pkg_edit_base(e)), part, 0,
                  "out of memory while copying %s", part);
    return copy;
}

docx_clauses *docx_clauses_new(pkg_edit *e, const char *file, xmlDocPtr styles, xmlDocPtr numbering,
                               clasm_diags *diags)
{
    docx_clauses *c = calloc(1, sizeof *c);
    if (!c)
        goto oom;
    c->e = e;
    c->abstract_id = -1;
    c->next_id = 1000;
    const pkg *base = pkg_edit_base(e);
    c->main_part = pkg_main_part(base);
    const char *found[1];
    if (pkg_related(base, c->main_part, "styles", found, 1) == 1) {
        c->styles_part = strdup(found[0]);
        if (!c->styles_part)
            goto oom;
        /* A template with a clause heading style: a draft changes no style,
         * and reads the template's tree. */
        c->styles_borrowed = styles && docx_heading_style(styles) != NULL;
        c->styles = c->styles_borrowed ? styles : part_tree(e, found[0], styles, diags);
        if (!c->styles) {
            docx_clauses_free(c);
            return NULL;
        }
    }
    if (pkg_related(base, c->main_part, "numbering", found, 1) == 1) {
        c->numbering_part = strdup(found[0]);
        if (!c->numbering_part)
            goto oom;
        c->numbering = part_tree(e, found[0], numbering, diags);
        if (!c->numbering) {
            docx_clauses_free(c);
            return NULL;
        }
    }
    /* Styles. */
    docx_clause_styles st = docx_clause_styles_of(c->styles);
    c->body_style = st.body;
    c->list_style = st.list;
    c->heading_style = docx_heading_style(c->styles);
    if (!c->heading_style) {
        if (!c->styles) {
            c->styles_part = free_part_name(e, "styles");
            c->styles = new_w_doc("styles");
            c->styles_created = 1;
            if (!c->styles || !c->styles_part)
                goto oom;
        }
        add_clause_heading_style(c);
        c->heading_style = "ClauseHeading";
    }
    xmlNodePtr list = find_style(c->styles, "ClauseList");
    if (list) {
        xmlNodePtr numid = docx_w_child(docx_w_child(docx_w_child(list, "pPr"), "numPr"), "numId");
        if (numid)
            c->abstract_id = abstract_of(c->numbering, docx_w_attr_long(numid, "val", -1));
    }
    c->list_needs_abstract = c->abstract_id < 0;
    /* The next w:num id. */
    c->next_num_id = 1;
    xmlNodePtr root = c->numbering ? xmlDocGetRootElement(c->numbering) : NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
        if (docx_is_w(n, "num")) {
            long id = docx_w_attr_long(n, "numId", 0);
            if (id >= c->next_num_id && id < INT_MAX)
                c->next_num_id = id + 1;
        }
    return c;
oom:
    diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, NULL, 0,
              "out of memory while reading the template's styles and numbering");
    docx_clauses_free(c);
    return NULL;
}

void docx_clauses_free(docx_clauses *c)
{
    if (!c)
        return;
    free(c->styles_part);
    free(c->numbering_part);
    if (!c->styles_borrowed)
        xmlFreeDoc(c->styles);
    xmlFreeDoc(c->numbering);
    free(c->ids);
    free(c);
}

const char *docx_clauses_heading_style(const docx_clauses *c)
{
    return c->heading_style;
}

const char *docx_clauses_body_style(const docx_clauses *c)
{
    return c->body_style;
}

const char *docx_clauses_list_style(const docx_clauses *c)
{
    return c->list_style;
}

/* ------------------------------------------------------------ ids */

static void take_id(docx_clauses *c, long id)
{
    if (c->nids == c->capids) {
        size_t cap = c->capids ? c->capids * 2 : 64;
        long *g = realloc(c->ids, cap * sizeof *g);
        if (!g) {
            /* Without room to remember ids, only ids above every id seen
             * are safe. */
            if (id >= c->next_id && id < LONG_MAX)
                c->next_id = id + 1;
            return;
        }
        c->ids = g;
        c->capids = cap;
    }
    c->ids[c->nids++] = id;
    c->ids_sorted = 0;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static int id_taken(docx_clauses *c, long id)
{
    if (!c->ids_sorted) {
        if (c->nids)
            qsort(c->ids, c->nids, sizeof *c->ids, cmp_long);
        c->ids_sorted = 1;
    }
    size_t lo = 0, hi = c->nids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nids && c->ids[lo] == id;
}

static void reserve_walk(docx_clauses *c, xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        /* w:id="N" on bookmarks, comments, revisions; w:id w:val="N" in
         * content control properties. */
        long v = docx_w_attr_long(n, "id", LONG_MIN);
        if (v != LONG_MIN)
            take_id(c, v);
        if (docx_is_w(n, "id")) {
            v = docx_w_attr_long(n, "val", LONG_MIN);
            if (v != LONG_MIN)
                take_id(c, v);
        }
        reserve_walk(c, n->children);
    }
}

void docx_clauses_reserve_ids(docx_clauses *c, xmlDocPtr doc)
{
    reserve_walk(c, xmlDocGetRootElement(doc));
}

static long fresh_id(docx_clauses *c)
{
    /* Fresh ids only grow, so an id handed out is never handed out again. */
    while (id_taken(c, c->next_id))
        c->next_id++;
    return c->next_id++;
}

/* ------------------------------------------------------------ numbering */

static xmlNodePtr numbering_root(docx_clauses *c)
{
    if (!c->numbering) {
        c->numbering_part = free_part_name(c->e, "numbering");
        c->numbering = new_w_doc("numbering");
        c->numbering_created = 1;
        if (!c->numbering || !c->numbering_part)
            return NULL;
    }
    return xmlDocGetRootElement(c->numbering);
}

/* Inserts node into the numbering root before the first child named one of
 * the locals given (NULL-terminated), else at the end. */
static void insert_before_first(xmlNodePtr root, xmlNodePtr node, const char *const *locals)
{
    for (xmlNodePtr k = root->children; k; k = k->next)
        for (size_t i = 0; locals[i]; i++)
            if (docx_is_w(k, locals[i])) {
                xmlAddPrevSibling(k, node);
                return;
            }
    xmlAddChild(root, node);
}

static int add_lvl(xmlNodePtr an, xmlNsPtr w, int ilvl, const char *fmt, const char *text,
                   const char *left)
{
    xmlNodePtr lvl = add(an, w, "lvl", NULL);
    if (!lvl)
        return -1;
    char buf[8];
    snprintf(buf, sizeof buf, "%d", ilvl);
    xmlNewNsProp(lvl, w, BAD_CAST "ilvl", BAD_CAST buf);
    add(lvl, w, "start", "1");
    add(lvl, w, "numFmt", fmt);
    add(lvl, w, "lvlText", text);
    add(lvl, w, "lvlJc", "left");
    xmlNodePtr ppr = add(lvl, w, "pPr", NULL);
    xmlNodePtr ind = ppr ? add(ppr, w, "ind", NULL) : NULL;
    if (!ind)
        return -1;
    xmlNewNsProp(ind, w, BAD_CAST "left", BAD_CAST left);
    xmlNewNsProp(ind, w, BAD_CAST "hanging", BAD_CAST "567");
    return 0;
}

/* Adds the lettered abstractNum: (a) lowerLetter, (i) lowerRoman. */
static int add_lettered_abstract(docx_clauses *c)
{
    xmlNodePtr root = numbering_root(c);
    if (!root)
        return -1;
    xmlNsPtr w = w_ns(c->numbering);
    long id = 0;
    for (xmlNodePtr n = root->children; n; n = n->next)
        if (docx_is_w(n, "abstractNum")) {
            long v = docx_w_attr_long(n, "abstractNumId", -1);
            if (v >= id)
                id = v + 1;
        }
    xmlNodePtr an = xmlNewDocNode(c->numbering, w, BAD_CAST "abstractNum", NULL);
    if (!an)
        return -1;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", id);
    xmlNewNsProp(an, w, BAD_CAST "abstractNumId", BAD_CAST buf);
    snprintf(buf, sizeof buf, "C1A5%04lX", (unsigned long)id & 0xFFFFu);
    add(an, w, "nsid", buf);
    add(an, w, "multiLevelType", "multilevel");
    add(an, w, "name", "Clause Lettered List");
    if (add_lvl(an, w, 0, "lowerLetter", "(%1)", "1276") != 0 ||
        add_lvl(an, w, 1, "lowerRoman", "(%2)", "1843") != 0) {
        xmlFreeNode(an);
        return -1;
    }
    static const char *const before[] = {"num", "numIdMacAtCleanup", NULL};
    insert_before_first(root, an, before);
    c->abstract_id = id;
    c->numbering_changed = 1;
    return 0;
}

/* A new w:num over the list abstractNum, restarting levels 0 and 1.
 * Returns its numId, or -1. */
static long new_restart_num(docx_clauses *c)
{
    if (c->abstract_id < 0 && add_lettered_abstract(c) != 0)
        return -1;
    xmlNodePtr root = numbering_root(c);
    if (!root)
        return -1;
    xmlNsPtr w = w_ns(c->numbering);
    long id = c->next_num_id++;
    xmlNodePtr num = xmlNewDocNode(c->numbering, w, BAD_CAST "num", NULL);
    if (!num)
        return -1;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", id);
    xmlNewNsProp(num, w, BAD_CAST "numId", BAD_CAST buf);
    add_long(num, w, "abstractNumId", c->abstract_id);
    for (int l = 0; l < 2; l++) {
        xmlNodePtr o = add(num, w, "lvlOverride", NULL);
        if (!o) {
            xmlFreeNode(num);
            return -1;
        }
        snprintf(buf, sizeof buf, "%d", l);
        xmlNewNsProp(o, w, BAD_CAST "ilvl", BAD_CAST buf);
        add(o, w, "startOverride", "1");
    }
    static const char *const before[] = {"numIdMacAtCleanup", NULL};
    insert_before_first(root, num, before);
    c->numbering_changed = 1;
    return id;
}

/* ------------------------------------------------------------ clauses */

/* 1 when tree (or, for its {{ definitions }}, a definition) has list items. */
static int has_list(const ct_tree *tree, const docx_render_ctx *rc)
{
    for (size_t i = 0; i < tree->nblocks; i++) {
        if (tree->blocks[i].level >= 0)
            return 1;
        if (tree->blocks[i].definitions)
            for (size_t d = 0; d < rc->ndefinitions; d++)
                if (has_list(rc->definitions[d].tree, rc))
                    return 1;
    }
    return 0;
}

xmlNodePtr docx_clauses_shell(docx_clauses *c, xmlDocPtr doc, const char *id, int version,
                              const char *title, const char *bookmark, int list,
                              xmlNodePtr *content, long *num)
{
    *content = NULL;
    *num = 0;
    xmlNsPtr w = w_ns(doc);
    xmlNodePtr sdt = xmlNewDocNode(doc, w, BAD_CAST "sdt", NULL);
    if (!sdt)
        return NULL;
    size_t tlen = strlen(id) + 32;
    char *tag = malloc(tlen);
    xmlNodePtr pr = add(sdt, w, "sdtPr", NULL);
    int ok = tag && pr;
    if (ok) {
        snprintf(tag, tlen, "clasm:%s@%d", id, version);
        ok = add(pr, w, "alias", title) && add(pr, w, "tag", tag) &&
             add_long(pr, w, "id", fresh_id(c));
    }
    free(tag);
    xmlNodePtr body = ok ? add(sdt, w, "sdtContent", NULL) : NULL;
    ok = body != NULL;
    /* The heading: the title in the heading style (numbered by it), with
     * the bookmark references to this clause point at. */
    if (ok) {
        xmlNodePtr p = docx_render_heading(doc, w, c->heading_style, title, bookmark,
                                           bookmark ? fresh_id(c) : 0);
        ok = p && xmlAddChild(body, p);
    }
    if (ok && list) {
        *num = new_restart_num(c);
        ok = *num > 0;
    }
    if (!ok) {
        xmlFreeNode(sdt);
        *num = 0;
        return NULL;
    }
    *content = body;
    return sdt;
}

xmlNodePtr docx_clauses_build(docx_clauses *c, xmlDocPtr doc, const char *id, int version,
                              const char *title, const ct_tree *tree, const char *bookmark,
                              const docx_render_ctx *rc, docx_fields *fields)
{
    xmlNodePtr content;
    long num;
    xmlNodePtr sdt = docx_clauses_shell(c, doc, id, version, title, bookmark, has_list(tree, rc),
                                        &content, &num);
    if (!sdt)
        return NULL;
    docx_render_style st = {c->body_style, c->list_style, (int)num};
    if (docx_render_tree(content, doc, w_ns(doc), tree, &st, rc, fields) != 0) {
        xmlFreeNode(sdt);
        return NULL;
    }
    return sdt;
}

int docx_clauses_w_prefixed(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNsPtr ns = root ? xmlSearchNsByHref(doc, root, BAD_CAST W_NS) : NULL;
    return ns && ns->prefix && strcmp((const char *)ns->prefix, "w") == 0;
}

/* The bookmarks of a part, by name, with the paragraph that holds each
 * start: one walk of the part, then a search per cross-reference. */
typedef struct {
    xmlChar *name; /* libxml2-owned: xmlFree */
    xmlNodePtr p;
    size_t order; /* in the part */
} bookmark_at;

typedef struct {
    bookmark_at *v;
    size_t n, cap;
    int oom;
} bookmark_map;

static void collect_bookmarks(xmlNodePtr n, bookmark_map *m)
{
    for (; n && !m->oom; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (docx_is_w(n, "bookmarkStart")) {
            xmlNodePtr p = n->parent;
            while (p && !docx_is_w(p, "p"))
                p = p->parent;
            xmlChar *name = xmlGetNsProp(n, BAD_CAST "name", BAD_CAST W_NS);
            if (name && m->n == m->cap) {
                size_t cap = m->cap ? m->cap * 2 : 64;
                bookmark_at *g = realloc(m->v, cap * sizeof *g);
                if (!g) {
                    xmlFree(name);
                    m->oom = 1;
                    return;
                }
                m->v = g;
                m->cap = cap;
            }
            if (name)
                m->v[m->n] = (bookmark_at){name, p, m->n}, m->n++;
            continue; /* a bookmarkStart holds nothing */
        }
        collect_bookmarks(n->children, m);
    }
}

static int cmp_bookmark(const void *a, const void *b)
{
    const bookmark_at *x = a, *y = b;
    int c = strcmp((const char *)x->name, (const char *)y->name);
    /* the first in document order among equal names, as a walk finds */
    return c ? c : (x->order < y->order ? -1 : x->order > y->order);
}

static void bookmarks_free(bookmark_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        xmlFree(m->v[i].name);
    free(m->v);
}

/* The paragraph holding the first start of bookmark name, or NULL. */
static xmlNodePtr bookmarked_paragraph(const bookmark_map *m, const char *name)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp((const char *)m->v[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n && strcmp((const char *)m->v[lo].name, name) == 0 ? m->v[lo].p : NULL;
}

int docx_clauses_number_fields(docx_clauses *c, xmlDocPtr doc, docx_fields *fields)
{
    docx_label *labels = NULL;
    size_t n = docx_number_labels(doc, c->styles, c->numbering, &labels);
    if (n == (size_t)-1)
        return -1;
    int unnumbered = 0, failed = 0;
    bookmark_map marks = {0};
    if (fields->count)
        collect_bookmarks(xmlDocGetRootElement(doc), &marks);
    if (marks.oom) {
        bookmarks_free(&marks);
        docx_labels_free(labels, n);
        return -1;
    }
    /* sorted by name, equal names in document order (the array's) */
    qsort(marks.v, marks.n, sizeof *marks.v, cmp_bookmark);
    for (size_t i = 0; i < fields->count; i++) {
        docx_field *f = &fields->items[i];
        xmlNodePtr p = bookmarked_paragraph(&marks, f->bookmark);
        const char *label = NULL;
        for (size_t k = 0; p && k < n && !label; k++)
            if (labels[k].p == p)
                label = labels[k].label;
        if (label && *label) {
            char number[64];
            docx_label_for_reference(label, number, sizeof number);
            if (docx_field_set(f, DOCX_FIELD_RESULT, number) != 0)
                failed = 1;
            continue;
        }
        /* No number to give: the reference names the heading, a REF field
         * to the bookmark's text ("the clause headed Audit Rights"). */
        unnumbered++;
        char *heading = p ? docx_paragraph_text(p) : NULL;
        char instr[128];
        docx_ref_instruction(instr, sizeof instr, f->bookmark, 0);
        char *word = docx_field_text(f, DOCX_FIELD_WORD);
        int capital = word && word[0] == 'C';
        free(word);
        if ((p && !heading) ||
            docx_field_set(f, DOCX_FIELD_WORD,
                           capital ? "The clause headed " : "the clause headed ") != 0 ||
            docx_field_set(f, DOCX_FIELD_INSTR, instr) != 0 ||
            docx_field_set(f, DOCX_FIELD_RESULT, heading ? heading : "") != 0)
            failed = 1;
        free(heading);
    }
    bookmarks_free(&marks);
    docx_labels_free(labels, n);
    return failed ? -1 : unnumbered;
}

/* ------------------------------------------------------------ package */

/* The target of a part relative to the main part's folder. */
static const char *relative_to_main(const docx_clauses *c, const char *part)
{
    const char *slash = strrchr(c->main_part, '/');
    size_t dir = slash ? (size_t)(slash - c->main_part + 1) : 0;
    if (strncmp(part, c->main_part, dir) == 0)
        return part + dir;
    return part;
}

clasm_status docx_clauses_finish(docx_clauses *c, clasm_diags *diags)
{
    if (c->styles_changed) {
        /* The edit owns the tree from here on. */
        int stored = pkg_edit_store(c->e, c->styles_part, c->styles, diags);
        c->styles = NULL;
        if (stored != 0)
            return CLASM_E_IO;
        if (c->styles_created &&
            (pkg_add_relationship(c->e, c->main_part, REL_STYLES,
                                  relative_to_main(c, c->styles_part), NULL, diags) != 0 ||
             pkg_add_override(c->e, c->styles_part, CT_STYLES, diags) != 0))
            return CLASM_E_IO;
    }
    if (c->numbering_changed) {
        int stored = pkg_edit_store(c->e, c->numbering_part, c->numbering, diags);
        c->numbering = NULL;
        if (stored != 0)
            return CLASM_E_IO;
        if (c->numbering_created &&
            (pkg_add_relationship(c->e, c->main_part, REL_NUMBERING,
                                  relative_to_main(c, c->numbering_part), NULL, diags) != 0 ||
             pkg_add_override(c->e, c->numbering_part, CT_NUMBERING, diags) != 0))
            return CLASM_E_IO;
    }
    return CLASM_OK;
}

/* ------------------------------------------------------------ repairs */

static int is_block(xmlNodePtr n)
{
    return docx_is_w(n, "p") || docx_is_w(n, "tbl") || docx_is_w(n, "sdt") ||
           docx_is_w(n, "customXml") || docx_is_w(n, "altChunk");
}

static int repair_cells(xmlNodePtr n)
{
    int fixes = 0;
    for (xmlNodePtr c = n; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        fixes += repair_cells(c->children);
        if (!docx_is_w(c, "tc"))
            continue;
        xmlNodePtr last = NULL;
        for (xmlNodePtr k = c->children; k; k = k->next)
            if (is_block(k))
                last = k;
        if (!last || !docx_is_w(last, "p")) {
            /* A cell must hold a paragraph, and end with one. */
            xmlNodePtr p = xmlNewDocNode(c->doc, c->ns, BAD_CAST "p", NULL);
            if (p) {
                xmlAddChild(c, p);
                fixes++;
            }
        }
    }
    return fixes;
}

typedef struct {
    xmlNodePtr *nodes;
    size_t n, cap;
    int failed;
} node_list;

static void collect(xmlNodePtr n, const char *local, node_list *out)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (docx_is_w(n, local)) {
            if (out->n == out->cap) {
                size_t cap = out->cap ? out->cap * 2 : 16;
                xmlNodePtr *g = realloc(out->nodes, cap * sizeof *g);
                if (!g) {
                    out->failed = 1;
                    return;
                }
                out->nodes = g;
                out->cap = cap;
            }
            out->nodes[out->n++] = n;
        }
        collect(n->children, local, out);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The w:id values of the nodes, sorted (missing ids are ""). NULL when out
 * of memory. */
static char **sorted_ids(const node_list *l)
{
    char **ids = calloc(l->n + 1, sizeof *ids);
    for (size_t i = 0; ids && i < l->n; i++) {
        xmlChar *v = wval(l->nodes[i], "id");
        ids[i] = strdup(v ? (const char *)v : "");
        xmlFree(v);
        if (!ids[i]) {
            for (size_t k = 0; k < i; k++)
                free(ids[k]);
            free(ids);
            return NULL;
        }
    }
    if (ids && l->n)
        qsort(ids, l->n, sizeof *ids, cmp_str);
    return ids;
}

static void free_ids(char **ids, size_t n)
{
    for (size_t i = 0; ids && i < n; i++)
        free(ids[i]);
    free(ids);
}

/* Removes the nodes of from whose id is not among ids (sorted). */
static int drop_unpaired(const node_list *from, char **ids, size_t n)
{
    int fixes = 0;
    for (size_t i = 0; i < from->n; i++) {
        xmlChar *v = wval(from->nodes[i], "id");
        const char *key = v ? (const char *)v : "";
        if (!bsearch(&key, ids, n, sizeof *ids, cmp_str)) {
            xmlUnlinkNode(from->nodes[i]);
            xmlFreeNode(from->nodes[i]);
            fixes++;
        }
        xmlFree(v);
    }
    return fixes;
}

/* Removes starts without an end and ends without a start. */
static int repair_pairs(xmlNodePtr root, const char *start, const char *end)
{
    node_list s = {0}, e = {0};
    collect(root, start, &s);
    collect(root, end, &e);
    int fixes = 0;
    char **sids = sorted_ids(&s), **eids = sorted_ids(&e);
    if (sids && eids && !s.failed && !e.failed) {
        fixes += drop_unpaired(&s, eids, e.n);
        fixes += drop_unpaired(&e, sids, s.n);
    }
    free_ids(sids, s.n);
    free_ids(eids, e.n);
    free(s.nodes);
    free(e.nodes);
    return fixes;
}

int docx_repair_part(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root)
        return 0;
    int fixes = repair_cells(root);
    fixes += repair_pairs(root, "bookmarkStart", "bookmarkEnd");
    fixes += repair_pairs(root, "commentRangeStart", "commentRangeEnd");
    return fixes;
}
