/* The visible text of WordprocessingML paragraphs, mapped back to the
 * elements it comes from. */
#include "docx_text.h"

#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

int docx_is_w(xmlNodePtr n, const char *local)
{
    /* The local name first: it differs far more often than the namespace,
     * and this test runs for every node of every walk (a third of the time
     * of a batch when the namespace came first). The C library's strcmp,
     * not xmlStrcmp's byte loop: 6% of a batch's instructions were that
     * loop. */
    return n && n->type == XML_ELEMENT_NODE && n->name &&
           strcmp((const char *)n->name, local) == 0 && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, W_NS) == 0;
}

xmlNodePtr docx_w_child(xmlNodePtr n, const char *local)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (docx_is_w(c, local))
            return c;
    return NULL;
}

long docx_w_attr_long(xmlNodePtr n, const char *name, long dflt)
{
    xmlChar *v = xmlGetNsProp(n, BAD_CAST name, BAD_CAST W_NS);
    if (!v)
        return dflt;
    char *end;
    long r = strtol((const char *)v, &end, 10);
    if (end == (char *)v || *end)
        r = dflt;
    xmlFree(v);
    return r;
}

static int is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void docx_preserve_spaces(xmlNodePtr t, const char *s, size_t n)
{
    int needed = n > 0 && (is_xml_space(s[0]) || is_xml_space(s[n - 1]));
    for (size_t i = 1; !needed && i < n; i++)
        needed = is_xml_space(s[i]) && is_xml_space(s[i - 1]);
    if (needed)
        xmlNodeSetSpacePreserve(t, 1);
}

static int is_w_any(xmlNodePtr n)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           xmlStrcmp(n->ns->href, BAD_CAST W_NS) == 0;
}

typedef struct {
    docx_ptext *t;
    size_t cap_text;
    size_t cap_pieces;
    int failed;
} builder;

static void add_piece(builder *b, xmlNodePtr node, xmlNodePtr run, const char *s, size_t n,
                      int is_text)
{
    docx_ptext *t = b->t;
    if (b->failed)
        return;
    docx_piece *pieces = array_grow(t->pieces, &b->cap_pieces, t->count + 1, sizeof *pieces);
    char *text = pieces ? array_grow(t->text, &b->cap_text, t->len + n + 1, 1) : NULL;
    if (pieces)
        t->pieces = pieces;
    if (!text) {
        b->failed = 1;
        return;
    }
    t->text = text;
    memcpy(t->text + t->len, s, n);
    docx_piece *p = &t->pieces[t->count++];
    p->node = node;
    p->run = run;
    p->start = t->len;
    p->len = n;
    p->is_text = is_text;
    t->len += n;
    t->text[t->len] = '\0';
}

/* Whether n has an element child. A w:t, w:tab, w:br or w:cr never has
 * one in WordprocessingML; one that does is not read as text, so that
 * the filler, which rewrites and removes those nodes, never frees what
 * they hold (a paragraph nested in a w:t would otherwise be freed while
 * still listed for filling). */
static int has_element_child(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return 1;
    return 0;
}

static void walk_run(builder *b, xmlNodePtr r)
{
    for (xmlNodePtr c = r->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || has_element_child(c))
            continue;
        if (docx_is_w(c, "t")) {
            xmlChar *s = xmlNodeGetContent(c);
            add_piece(b, c, r, s ? (const char *)s : "", s ? strlen((const char *)s) : 0, 1);
            xmlFree(s);
        } else if (docx_is_w(c, "tab")) {
            add_piece(b, c, r, "\t", 1, 0);
        } else if (docx_is_w(c, "br") || docx_is_w(c, "cr")) {
            add_piece(b, c, r, "\n", 1, 0);
        }
        /* Everything else in a run (w:instrText, w:delText, drawings, text
         * boxes, fields' w:fldChar, alternate content) is not its text. */
    }
}

int docx_not_paragraph_text(xmlNodePtr n)
{
    static const char *const names[] = {"p",       "del",         "moveFrom",   "pPr",
                                        "rPr",     "sdtPr",       "sdtEndPr",   "instrText",
                                        "delText", "txbxContent", "drawing",    "pict",
                                        "object",  "customXmlPr", "smartTagPr", "fldData"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (docx_is_w(n, names[i]))
            return 1;
    return 0;
}

static void walk(builder *b, xmlNodePtr parent)
{
    for (xmlNodePtr c = parent->children; c && !b->failed; c = c->next) {
        if (!is_w_any(c) || docx_not_paragraph_text(c))
            continue;
        if (docx_is_w(c, "r"))
            walk_run(b, c);
        else
            walk(b, c); /* hyperlink, smartTag, ins, moveTo, sdt, sdtContent,
                           fldSimple, customXml, dir, bdo ... */
    }
}

void docx_ptext_free(docx_ptext *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->pieces);
    memset(t, 0, sizeof *t);
}

int docx_paragraph_pieces(xmlNodePtr p, docx_ptext *out)
{
    memset(out, 0, sizeof *out);
    builder b = {out, 0, 0, 0};
    if (p)
        walk(&b, p);
    if (!b.failed && !out->text) {
        out->text = malloc(1);
        if (out->text)
            out->text[0] = '\0';
        else
            b.failed = 1;
    }
    if (b.failed) {
        docx_ptext_free(out);
        return -1;
    }
    return 0;
}

char *docx_paragraph_text(xmlNodePtr p)
{
    docx_ptext t;
    if (docx_paragraph_pieces(p, &t) != 0)
        return NULL;
    char *s = t.text;
    t.text = NULL;
    docx_ptext_free(&t);
    return s;
}

/* The w:t nodes of p that hold the shown result of a REF field (every one,
 * and the first of each field). */
typedef struct {
    xmlNodePtr *nodes;
    size_t n, cap;
    xmlNodePtr *firsts; /* the first result node of each such field */
    size_t nf, capf;
    /* With names: each field's instruction (per first) and, per node, the
     * field it shows (its index in firsts). */
    int want_names;
    char **instrs;
    size_t ni, capi;
    size_t *field_of;
    size_t nfo, capfo;
    int failed;
} ref_results;

static void ref_results_free(ref_results *r)
{
    free(r->nodes);
    free(r->firsts);
    for (size_t i = 0; i < r->ni; i++)
        free(r->instrs[i]);
    free(r->instrs);
    free(r->field_of);
}

static void push_node(xmlNodePtr **v, size_t *n, size_t *cap, xmlNodePtr x, int *failed)
{
    xmlNodePtr *g = array_grow(*v, cap, *n + 1, sizeof *g);
    if (!g) {
        *failed = 1;
        return;
    }
    *v = g;
    g[(*n)++] = x;
}

static int in_list(xmlNodePtr *v, size_t n, xmlNodePtr x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

static xmlNodePtr next_below(xmlNodePtr n, xmlNodePtr root);

static void find_ref_results(xmlNodePtr p, ref_results *r)
{
    strbuf instr = {0};
    int state = 0; /* 0 outside, 1 instruction, 2 result of a REF, 3 result of another field */
    int first = 0;
    for (xmlNodePtr c = p->children ? p->children : NULL; c && !r->failed; c = next_below(c, p)) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (docx_is_w(c, "fldChar")) {
            xmlChar *t = xmlGetNsProp(c, BAD_CAST "fldCharType", BAD_CAST W_NS);
            const char *type = t ? (const char *)t : "";
            if (strcmp(type, "begin") == 0) {
                state = 1;
                instr.len = 0;
                if (instr.s)
                    instr.s[0] = '\0';
            } else if (strcmp(type, "separate") == 0 && state == 1) {
                const char *i = strbuf_str(&instr);
                while (*i == ' ')
                    i++;
                state = strncmp(i, "REF ", 4) == 0 ? 2 : 3;
                first = 1;
            } else if (strcmp(type, "end") == 0) {
                state = 0;
            }
            xmlFree(t);
        } else if (docx_is_w(c, "instrText") && state == 1) {
            xmlChar *t = xmlNodeGetContent(c);
            if (t)
                strbuf_adds(&instr, (const char *)t);
            xmlFree(t);
        } else if (docx_is_w(c, "t") && state == 2) {
            push_node(&r->nodes, &r->n, &r->cap, c, &r->failed);
            if (first)
                push_node(&r->firsts, &r->nf, &r->capf, c, &r->failed);
            if (r->want_names && !r->failed) {
                if (first) {
                    char *copy = strdup(strbuf_str(&instr));
                    char **g = copy ? array_grow(r->instrs, &r->capi, r->ni + 1, sizeof *g) : NULL;
                    if (!g) {
                        free(copy);
                        r->failed = 1;
                    } else {
                        r->instrs = g;
                        r->instrs[r->ni++] = copy;
                    }
                }
                size_t *h =
                    r->failed ? NULL : array_grow(r->field_of, &r->capfo, r->nfo + 1, sizeof *h);
                if (!h)
                    r->failed = 1;
                else {
                    r->field_of = h;
                    r->field_of[r->nfo++] = r->nf - 1;
                }
            }
            first = 0;
        }
    }
    if (instr.failed)
        r->failed = 1;
    strbuf_free(&instr);
}

void docx_ref_bookmarks_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* The bookmark of a REF instruction ("REF name \\h"), malloc'd; NULL with
 * *oom 0 when it is no REF. */
static char *ref_name(const char *instr, int *oom)
{
    while (*instr == ' ')
        instr++;
    if (strncmp(instr, "REF ", 4) != 0)
        return NULL;
    instr += 4;
    while (*instr == ' ')
        instr++;
    size_t n = strcspn(instr, " \\");
    if (!n)
        return NULL;
    char *s = strndup(instr, n);
    *oom = !s;
    return s;
}

int docx_ref_bookmarks(xmlNodePtr node, char ***out, size_t *count)
{
    return docx_ref_fields(node, out, NULL, count);
}

int docx_ref_fields(xmlNodePtr node, char ***out, char ***results, size_t *count)
{
    *out = NULL;
    if (results)
        *results = NULL;
    *count = 0;
    ref_results r = {0};
    r.want_names = 1;
    find_ref_results(node, &r);
    char **v = r.failed ? NULL : calloc(r.nf + 1, sizeof *v);
    char **res = !v || !results ? NULL : calloc(r.nf + 1, sizeof *res);
    int oom = !v || (results && !res);
    size_t n = 0, i = 0; /* the nodes come field after field */
    for (size_t k = 0; !oom && k < r.nf; k++) {
        strbuf shown = {0};
        for (; i < r.nfo && r.field_of[i] == k; i++) {
            if (!results)
                continue;
            xmlChar *t = xmlNodeGetContent(r.nodes[i]);
            strbuf_adds(&shown, t ? (const char *)t : "");
            xmlFree(t);
        }
        char *name = ref_name(r.instrs[k], &oom);
        if (name && results) {
            res[n] = shown.failed ? NULL : strdup(strbuf_str(&shown));
            oom |= !res[n];
        }
        strbuf_free(&shown);
        if (name) /* "REF" with no name is no reference */
            v[n++] = name;
    }
    ref_results_free(&r);
    if (oom) {
        docx_ref_bookmarks_free(v, n);
        docx_ref_bookmarks_free(res, n);
        return -1;
    }
    *out = v;
    if (results)
        *results = res;
    *count = n;
    return 0;
}

int docx_ref_result_texts(xmlNodePtr p, xmlNodePtr **texts, size_t *n, xmlNodePtr **firsts,
                          size_t *nfirsts)
{
    ref_results r = {0};
    find_ref_results(p, &r);
    if (r.failed) {
        free(r.nodes);
        free(r.firsts);
        *texts = *firsts = NULL;
        *n = *nfirsts = 0;
        return -1;
    }
    *texts = r.nodes;
    *n = r.n;
    *firsts = r.firsts;
    *nfirsts = r.nf;
    return 0;
}

char *docx_paragraph_text_stable(xmlNodePtr p)
{
    ref_results r = {0};
    find_ref_results(p, &r);
    docx_ptext t;
    char *out = NULL;
    if (!r.failed && docx_paragraph_pieces(p, &t) == 0) {
        strbuf b = {0};
        for (size_t i = 0; i < t.count; i++) {
            const docx_piece *pc = &t.pieces[i];
            if (in_list(r.nodes, r.n, pc->node)) {
                if (in_list(r.firsts, r.nf, pc->node))
                    strbuf_addc(&b, '#');
                continue;
            }
            strbuf_add(&b, t.text + pc->start, pc->len);
        }
        out = strbuf_take(&b);
        docx_ptext_free(&t);
    }
    free(r.nodes);
    free(r.firsts);
    return out;
}

/* Next node in document order (preorder) below root. */
static xmlNodePtr next_below(xmlNodePtr n, xmlNodePtr root)
{
    if (n->children && n->type == XML_ELEMENT_NODE)
        return n->children;
    while (n && n != root) {
        if (n->next)
            return n->next;
        n = n->parent;
        if (n == root)
            return NULL;
    }
    return NULL;
}

typedef struct {
    docx_bookmark *v;
    size_t n, cap;
} bookmark_list;

static int bookmarks_below(xmlNodePtr n, bookmark_list *l)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (docx_is_w(n, "bookmarkStart")) {
            xmlChar *v = xmlGetNsProp(n, BAD_CAST "name", BAD_CAST W_NS);
            if (!v && xmlHasNsProp(n, BAD_CAST "name", BAD_CAST W_NS))
                return -1; /* memory ran out reading it */
            if (v) {
                char *name = strdup((const char *)v);
                xmlFree(v);
                docx_bookmark *g = name ? array_grow(l->v, &l->cap, l->n + 1, sizeof *g) : NULL;
                if (!g) {
                    free(name);
                    return -1;
                }
                l->v = g;
                xmlNodePtr p = n->parent;
                while (p && !docx_is_w(p, "p"))
                    p = p->parent;
                l->v[l->n++] = (docx_bookmark){name, p};
            }
        }
        if (bookmarks_below(n->children, l) != 0)
            return -1;
    }
    return 0;
}

static int cmp_bookmark(const void *a, const void *b)
{
    return strcmp(((const docx_bookmark *)a)->name, ((const docx_bookmark *)b)->name);
}

int docx_bookmarks(xmlNodePtr root, docx_bookmark **out, size_t *n)
{
    bookmark_list l = {0};
    *out = NULL;
    *n = 0;
    if (root && bookmarks_below(root->children, &l) != 0) {
        docx_bookmarks_free(l.v, l.n);
        return -1;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_bookmark);
    *out = l.v;
    *n = l.n;
    return 0;
}

void docx_bookmarks_free(docx_bookmark *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].name);
    free(v);
}

const docx_bookmark *docx_bookmark_find(const docx_bookmark *v, size_t n, const char *name)
{
    docx_bookmark key = {(char *)name, NULL};
    return v && n && name ? bsearch(&key, v, n, sizeof *v, cmp_bookmark) : NULL;
}

int docx_paragraph_nested(xmlNodePtr p)
{
    for (xmlNodePtr a = p ? p->parent : NULL; a && a->type == XML_ELEMENT_NODE; a = a->parent)
        if (docx_is_w(a, "p"))
            return 1;
    return 0;
}

int docx_paragraph_number(xmlNodePtr p)
{
    if (!docx_is_w(p, "p") || !p->doc)
        return 0;
    xmlNodePtr root = xmlDocGetRootElement(p->doc);
    int n = 0;
    for (xmlNodePtr c = root; c; c = next_below(c, root)) {
        if (docx_is_w(c, "p")) {
            n++;
            if (c == p)
                return n;
        }
    }
    return 0;
}

size_t docx_paragraphs(xmlDocPtr doc, xmlNodePtr **out)
{
    *out = NULL;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    return root ? docx_paragraphs_below(root, out) : 0;
}

size_t docx_paragraphs_below(xmlNodePtr node, xmlNodePtr **out)
{
    *out = NULL;
    size_t n = 0, cap = 0;
    xmlNodePtr *list = NULL;
    for (xmlNodePtr c = node; c; c = next_below(c, node)) {
        if (!docx_is_w(c, "p"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            xmlNodePtr *grown = realloc(list, cap * sizeof *grown);
            if (!grown) {
                free(list);
                return 0;
            }
            list = grown;
        }
        list[n++] = c;
    }
    *out = list;
    return n;
}
