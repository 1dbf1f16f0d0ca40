/* Tracked changes and comments (docx_track.h).
 *
 * A paragraph's text is read into units, each a stretch of the text that
 * docx_paragraph_text_stable gives and the elements it comes from: the
 * text of one w:t (which may be split anywhere between characters), one
 * w:tab / w:br / w:cr, or a whole field (complex or w:fldSimple, never
 * split). The word-level difference with the target becomes, byte by byte,
 * deleted bytes and text inserted before a byte; a field touched by it is
 * deleted whole; the changed stretches (hunks) are then written right to
 * left, so that splitting runs for one hunk never moves the nodes an
 * earlier hunk points at (the left part of a split stays in the node it
 * was in). */
#include "docx_track.h"

#include "diag.h"
#include "docx_text.h"
#include "strbuf.h"
#include "utf8.h"

#include <libxml/parser.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMMENTS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
#define COMMENTS_TYPE "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"

/* The word-level comparison's table holds at most this many cells (4
 * bytes each); a larger change is one hunk between the words both texts
 * share at their ends. */
#define LCS_MAX_CELLS (4u * 1024u * 1024u)

/* ------------------------------------------------------------ characters */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ASCII punctuation: split off a word's edges, and "#" among them. */
static int is_punct(unsigned char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

/* Letters, digits and every byte of a non-ASCII character. */
static int is_word(unsigned char c)
{
    return !is_space(c) && !is_punct(c);
}

/* Whether a w:t holding s needs xml:space="preserve": docx_preserve_spaces's
 * rule, here so that a failure to set it can be told. */
static int needs_preserve(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (is_space((unsigned char)s[0]) || is_space((unsigned char)s[n - 1]))
        return 1;
    for (size_t i = 1; i < n; i++)
        if (is_space((unsigned char)s[i]) && is_space((unsigned char)s[i - 1]))
            return 1;
    return 0;
}

/* UTF-8 that an XML 1.0 part can hold: no control character but tab, line
 * feed and carriage return, no U+FFFE / U+FFFF. */
static int xml_text_ok(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        unsigned long cp = 0;
        size_t n = utf8_char(u, &cp);
        if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
            cp == 0xFFFF)
            return 0;
        u += n;
    }
    return 1;
}

/* ------------------------------------------------------------ the tree */

/* What new elements are made with. */
typedef struct {
    docx_track *t;
    xmlDocPtr doc;
    xmlNsPtr ns;      /* the w: namespace of new elements */
    xmlNsPtr ans;     /* the same with a prefix, for attributes */
    xmlNodePtr scope; /* where copies go (namespaces in scope there are reused) */
} ctx;

static int is_w_ns(const xmlNs *ns)
{
    return ns && ns->href && strcmp((const char *)ns->href, W_NS) == 0;
}

/* A declaration of W_NS with a prefix in scope at n (attributes cannot
 * use a default namespace), declared on the root when there is none. */
static xmlNsPtr prefixed_w(xmlNodePtr n)
{
    if (is_w_ns(n->ns) && n->ns->prefix)
        return n->ns;
    for (xmlNodePtr a = n; a && a->type == XML_ELEMENT_NODE; a = a->parent)
        for (xmlNsPtr d = a->nsDef; d; d = d->next)
            if (d->prefix && is_w_ns(d))
                return d;
    xmlNodePtr root = xmlDocGetRootElement(n->doc);
    xmlNsPtr d = root ? xmlNewNs(root, BAD_CAST W_NS, BAD_CAST "w") : NULL;
    return d ? d : root ? xmlNewNs(root, BAD_CAST W_NS, BAD_CAST "wclasm") : NULL;
}

static int ctx_init(ctx *c, xmlNodePtr n, xmlNodePtr scope, docx_track *t)
{
    c->t = t;
    c->doc = n->doc;
    c->scope = scope;
    c->ans = c->doc ? prefixed_w(n) : NULL;
    c->ns = is_w_ns(n->ns) ? n->ns : c->ans;
    return c->ans ? 0 : -1;
}

static xmlNodePtr el(ctx *c, const char *name)
{
    return xmlNewDocNode(c->doc, c->ns, BAD_CAST name, NULL);
}

static int attr(ctx *c, xmlNodePtr n, const char *name, const char *value)
{
    return xmlSetNsProp(n, c->ans, BAD_CAST name, BAD_CAST value) ? 0 : -1;
}

static int set_id(ctx *c, xmlNodePtr n, long id)
{
    char s[32];
    snprintf(s, sizeof s, "%ld", id);
    return attr(c, n, "id", s);
}

static const char *author_of(const docx_track *t)
{
    return t->author ? t->author : "clasm";
}

/* A new w:ins or w:del (name) with a fresh id, the author and the date. */
static xmlNodePtr change(ctx *c, const char *name)
{
    xmlNodePtr n = el(c, name);
    if (!n)
        return NULL;
    if (set_id(c, n, c->t->next_id) != 0 || attr(c, n, "author", author_of(c->t)) != 0 ||
        (c->t->date && attr(c, n, "date", c->t->date) != 0)) {
        xmlFreeNode(n);
        return NULL;
    }
    c->t->next_id++;
    return n;
}

static xmlNodePtr next_el(xmlNodePtr n)
{
    for (n = n->next; n && n->type != XML_ELEMENT_NODE; n = n->next)
        ;
    return n;
}

static xmlNodePtr prev_el(xmlNodePtr n)
{
    for (n = n->prev; n && n->type != XML_ELEMENT_NODE; n = n->prev)
        ;
    return n;
}

/* A copy of n (with its content when deep) for somewhere below c->scope,
 * reusing the namespace declarations in scope there. */
static xmlNodePtr clone(ctx *c, xmlNodePtr n, int deep)
{
    xmlNodePtr out = NULL;
    if (xmlDOMWrapCloneNode(NULL, n->doc, n, &out, c->doc, c->scope, deep, 0) != 0) {
        xmlFreeNode(out);
        return NULL;
    }
    return out;
}

static int set_preserve(xmlNodePtr t, const char *s, size_t n)
{
    if (!needs_preserve(s, n))
        return 0;
    xmlNodeSetSpacePreserve(t, 1);
    return xmlHasNsProp(t, BAD_CAST "space", XML_XML_NAMESPACE) ? 0 : -1;
}

/* Replaces the content of element n by the text s (len bytes, len > 0). */
static int set_text(ctx *c, xmlNodePtr n, const char *s, size_t len)
{
    if (len > INT_MAX)
        return -1;
    xmlNodePtr txt = xmlNewDocTextLen(c->doc, BAD_CAST s, (int)len);
    if (!txt)
        return -1;
    while (n->children) {
        xmlNodePtr k = n->children;
        xmlUnlinkNode(k);
        xmlFreeNode(k);
    }
    xmlAddChild(n, txt);
    return 0;
}

/* Appends s to run r: w:t for text, w:tab for "\t", w:br for "\n". */
static int add_text(ctx *c, xmlNodePtr r, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == '\t' || s[i] == '\n') {
            xmlNodePtr x = el(c, s[i] == '\t' ? "tab" : "br");
            if (!x)
                return -1;
            xmlAddChild(r, x);
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != '\t' && s[j] != '\n')
            j++;
        xmlNodePtr tn = el(c, "t");
        if (!tn || set_text(c, tn, s + i, j - i) != 0) {
            xmlFreeNode(tn);
            return -1;
        }
        xmlAddChild(r, tn);
        if (set_preserve(tn, s + i, j - i) != 0)
            return -1;
        i = j;
    }
    return 0;
}

/* Change marks a copied w:rPr / w:pPr must not take along. */
static int is_change_mark(xmlNodePtr n)
{
    static const char *const names[] = {"ins", "del", "moveFrom", "moveTo", "rPrChange"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (docx_is_w(n, names[i]))
            return 1;
    return 0;
}

/* A copy of rpr (a run's or a paragraph mark's w:rPr) for a new run:
 * its formatting without change marks. *out NULL when rpr is NULL or
 * holds nothing else. 0 or -1. */
static int copy_rpr(ctx *c, xmlNodePtr rpr, xmlNodePtr *out)
{
    *out = NULL;
    if (!rpr)
        return 0;
    xmlNodePtr cp = clone(c, rpr, 1);
    if (!cp)
        return -1;
    int any = 0;
    for (xmlNodePtr k = cp->children, next; k; k = next) {
        next = k->next;
        if (is_change_mark(k)) {
            xmlUnlinkNode(k);
            xmlFreeNode(k);
        } else if (k->type == XML_ELEMENT_NODE) {
            any = 1;
        }
    }
    if (any)
        *out = cp;
    else
        xmlFreeNode(cp);
    return 0;
}

/* A new run formatted by a copy of rpr, holding s. */
static xmlNodePtr new_run(ctx *c, xmlNodePtr rpr, const char *s, size_t n)
{
    xmlNodePtr r = el(c, "r"), cp = NULL;
    if (!r || copy_rpr(c, rpr, &cp) != 0) {
        xmlFreeNode(r);
        return NULL;
    }
    if (cp)
        xmlAddChild(r, cp);
    if (add_text(c, r, s, n) != 0) {
        xmlFreeNode(r);
        return NULL;
    }
    return r;
}

/* <w:ins><w:r>(copy of rpr) s</w:r></w:ins>, not linked. */
static xmlNodePtr new_ins(ctx *c, xmlNodePtr rpr, const char *s, size_t n)
{
    xmlNodePtr r = new_run(c, rpr, s, n);
    xmlNodePtr ins = r ? change(c, "ins") : NULL;
    if (!ins) {
        xmlFreeNode(r);
        return NULL;
    }
    xmlAddChild(ins, r);
    return ins;
}

/* Elements below a paragraph whose content is not its text: the list
 * docx_text.c's reading skips. */
static int skipped(xmlNodePtr n)
{
    return docx_not_paragraph_text(n);
}

static int w_element(xmlNodePtr n)
{
    return n && n->type == XML_ELEMENT_NODE && is_w_ns(n->ns);
}

static int has_element_child(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return 1;
    return 0;
}

/* A growing list of nodes. */
typedef struct {
    xmlNodePtr *v;
    size_t n, cap;
    int failed;
} nodes;

static void push(nodes *s, xmlNodePtr x)
{
    xmlNodePtr *g = s->failed ? NULL : array_grow(s->v, &s->cap, s->n + 1, sizeof *g);
    if (!g) {
        s->failed = 1;
        return;
    }
    s->v = g;
    g[s->n++] = x;
}

static int in_nodes(const nodes *s, xmlNodePtr x)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == x)
            return 1;
    return 0;
}

/* The runs of the paragraph's text in document order: those the reading
 * of docx_text.c walks through (not in w:del, w:moveFrom, nested
 * paragraphs, ...). */
static void visible_runs(nodes *s, xmlNodePtr parent)
{
    for (xmlNodePtr c = parent->children; c && !s->failed; c = c->next) {
        if (!w_element(c) || skipped(c))
            continue;
        if (docx_is_w(c, "r"))
            push(s, c);
        else
            visible_runs(s, c);
    }
}

/* The first run of the text below parent, or NULL. */
static xmlNodePtr first_run(xmlNodePtr parent)
{
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (!w_element(c) || skipped(c))
            continue;
        xmlNodePtr r = docx_is_w(c, "r") ? c : first_run(c);
        if (r)
            return r;
    }
    return NULL;
}

/* The first w:fldSimple the reading walks into, or NULL. */
static xmlNodePtr first_simple_field(xmlNodePtr parent)
{
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (!w_element(c) || skipped(c) || docx_is_w(c, "r"))
            continue;
        if (docx_is_w(c, "fldSimple"))
            return c;
        xmlNodePtr f = first_simple_field(c);
        if (f)
            return f;
    }
    return NULL;
}

/* The next node after n in document order below root. */
static xmlNodePtr preorder_next(xmlNodePtr n, xmlNodePtr root)
{
    if (n->children && n->type == XML_ELEMENT_NODE)
        return n->children;
    while (n && n != root) {
        if (n->next)
            return n->next;
        n = n->parent;
    }
    return NULL;
}

/* ------------------------------------------------------------ the text's units */

typedef enum {
    U_TEXT,   /* the text of one w:t */
    U_CHAR,   /* a w:tab, w:br or w:cr */
    U_FIELD,  /* a complex field, w:fldChar begin .. end */
    U_SIMPLE, /* a w:fldSimple */
    U_HEAD,   /* the end of a field begun in an earlier paragraph (and all before it) */
    U_TAIL    /* a field that ends in a later paragraph (from its begin on) */
} ukind;

typedef struct {
    ukind kind;
    size_t start, len; /* bytes of the stable text */
    xmlNodePtr node;   /* U_TEXT, U_CHAR: the element; U_SIMPLE: the w:fldSimple */
    xmlNodePtr begin;  /* U_FIELD, U_TAIL: the begin w:fldChar */
    xmlNodePtr end;    /* U_FIELD, U_HEAD: the end w:fldChar */
} unit;

typedef struct {
    unit *u;
    size_t n, cap;
    strbuf text; /* the stable text, unit after unit */
    nodes refs;  /* the w:t of REF results, as docx_paragraph_text_stable finds them */
    nodes firsts;
    int depth;   /* complex fields open */
    long field;  /* the U_FIELD being read, or -1 */
    long simple; /* the U_SIMPLE being read, or -1 */
    int odd;     /* fields nested in a way this does not follow */
    int failed;
} model;

/* The REF results, found as docx_paragraph_text_stable finds them. */
static void find_refs(model *m, xmlNodePtr p)
{
    if (docx_ref_result_texts(p, &m->refs.v, &m->refs.n, &m->firsts.v, &m->firsts.n) != 0) {
        m->failed = 1;
        return;
    }
    m->refs.cap = m->refs.n;
    m->firsts.cap = m->firsts.n;
}

static long new_unit(model *m, ukind k)
{
    unit *g = m->failed ? NULL : array_grow(m->u, &m->cap, m->n + 1, sizeof *g);
    if (!g) {
        m->failed = 1;
        return -1;
    }
    m->u = g;
    unit *u = &g[m->n];
    memset(u, 0, sizeof *u);
    u->kind = k;
    u->start = m->text.len;
    return (long)m->n++;
}

/* One piece of text: its own unit, or part of the field being read. */
static void add_piece(model *m, xmlNodePtr node, const char *s, size_t n, ukind k)
{
    long host = m->simple >= 0 ? m->simple : m->field;
    long u = host >= 0 ? host : new_unit(m, k);
    if (u < 0)
        return;
    if (host < 0)
        m->u[u].node = node;
    strbuf_add(&m->text, s, n);
    if (m->text.failed)
        m->failed = 1;
    m->u[u].len += n;
}

static void read_fldchar(model *m, xmlNodePtr c)
{
    xmlChar *v = xmlGetNsProp(c, BAD_CAST "fldCharType", BAD_CAST W_NS);
    const char *type = v ? (const char *)v : "";
    if (strcmp(type, "begin") == 0) {
        if (m->depth++ == 0 && m->simple < 0) {
            m->field = new_unit(m, U_FIELD);
            if (m->field >= 0)
                m->u[m->field].begin = c;
        }
    } else if (strcmp(type, "end") == 0) {
        if (m->depth > 0) {
            if (--m->depth == 0 && m->field >= 0) {
                m->u[m->field].end = c;
                m->field = -1;
            }
        } else if (m->simple >= 0) {
            m->odd = 1;
        } else {
            /* A field begun in an earlier paragraph ends here: everything
             * before this is its result. */
            m->n = 0;
            long u = new_unit(m, U_HEAD);
            if (u >= 0) {
                m->u[u].start = 0;
                m->u[u].len = m->text.len;
                m->u[u].end = c;
            }
        }
    }
    xmlFree(v);
}

static void read_run(model *m, xmlNodePtr r)
{
    for (xmlNodePtr c = r->children; c && !m->failed; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (docx_is_w(c, "fldChar")) {
            read_fldchar(m, c);
            continue;
        }
        if (has_element_child(c))
            continue;
        if (docx_is_w(c, "t")) {
            xmlChar *s = xmlNodeGetContent(c);
            if (!s) {
                m->failed = 1;
                return;
            }
            const char *txt = (const char *)s;
            if ((m->simple >= 0 || m->field >= 0) && in_nodes(&m->refs, c))
                txt = in_nodes(&m->firsts, c) ? "#" : "";
            add_piece(m, c, txt, strlen(txt), U_TEXT);
            xmlFree(s);
        } else if (docx_is_w(c, "tab")) {
            add_piece(m, c, "\t", 1, U_CHAR);
        } else if (docx_is_w(c, "br") || docx_is_w(c, "cr")) {
            add_piece(m, c, "\n", 1, U_CHAR);
        }
    }
}

static void read_below(model *m, xmlNodePtr parent)
{
    for (xmlNodePtr c = parent->children; c && !m->failed; c = c->next) {
        if (!w_element(c) || skipped(c))
            continue;
        if (docx_is_w(c, "r")) {
            read_run(m, c);
        } else if (docx_is_w(c, "fldSimple") && m->simple < 0 && m->depth == 0) {
            m->simple = new_unit(m, U_SIMPLE);
            if (m->simple < 0)
                return;
            m->u[m->simple].node = c;
            read_below(m, c);
            if (m->depth != 0)
                m->odd = 1;
            m->simple = -1;
        } else {
            read_below(m, c);
        }
    }
}

static void model_free(model *m)
{
    free(m->u);
    strbuf_free(&m->text);
    free(m->refs.v);
    free(m->firsts.v);
}

/* Reads p's units. 0, or -1 when out of memory. */
static int model_read(model *m, xmlNodePtr p)
{
    memset(m, 0, sizeof *m);
    m->field = m->simple = -1;
    find_refs(m, p);
    if (!m->failed)
        read_below(m, p);
    if (!m->failed && m->depth > 0 && m->field >= 0)
        m->u[m->field].kind = U_TAIL;
    if (!m->failed && !m->text.s) {
        strbuf_add(&m->text, "", 0);
        m->failed = m->text.failed;
    }
    return m->failed ? -1 : 0;
}

static int has_partial_field(const model *m)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->u[i].kind == U_HEAD || m->u[i].kind == U_TAIL)
            return 1;
    return m->odd;
}

/* The unit holding byte k of the text (skipping units of no text). */
static size_t unit_at(const model *m, size_t k)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->u[i].len && m->u[i].start <= k && k < m->u[i].start + m->u[i].len)
            return i;
    return SIZE_MAX;
}

/* ------------------------------------------------------------ the difference */

typedef struct {
    size_t start, len;
} tok;

/* Words with the white space after them; ASCII punctuation at a word's
 * edges a word of its own; white space at the start one token. */
static int tokenize(const char *s, size_t n, tok **out, size_t *count)
{
    tok *v = NULL;
    size_t k = 0, cap = 0;
    size_t i = 0;
#define PUSH(a, l)                                                                                 \
    do {                                                                                           \
        tok *g_ = array_grow(v, &cap, k + 1, sizeof *g_);                                          \
        if (!g_) {                                                                                 \
            free(v);                                                                               \
            return -1;                                                                             \
        }                                                                                          \
        v = g_;                                                                                    \
        v[k].start = (a);                                                                          \
        v[k++].len = (l);                                                                          \
    } while (0)
    if (i < n && is_space((unsigned char)s[i])) {
        size_t j = i;
        while (j < n && is_space((unsigned char)s[j]))
            j++;
        PUSH(i, j - i);
        i = j;
    }
    while (i < n) {
        size_t w = i;
        while (w < n && !is_space((unsigned char)s[w]))
            w++;
        size_t c0 = i, c1 = w;
        while (c0 < w && is_punct((unsigned char)s[c0]))
            c0++;
        while (c1 > c0 && is_punct((unsigned char)s[c1 - 1]))
            c1--;
        for (size_t x = i; x < c0; x++)
            PUSH(x, 1);
        if (c1 > c0)
            PUSH(c0, c1 - c0);
        for (size_t x = c1; x < w; x++)
            PUSH(x, 1);
        size_t e = w;
        while (e < n && is_space((unsigned char)s[e]))
            e++;
        v[k - 1].len += e - w;
        i = e;
    }
#undef PUSH
    *out = v;
    *count = k;
    return 0;
}

/* The edits, byte by byte: del[i] when byte i of s goes; ins[i] the text
 * inserted before byte i (ins[n]: at the end). */
typedef struct {
    const char *s, *t;
    size_t n, m;
    unsigned char *del;
    strbuf *ins;
    int failed;
} edits;

/* Whether a hunk may end at x of text X (length L): not between two
 * characters of one word. */
static int cut_ok(const char *X, size_t L, size_t x)
{
    return x == 0 || x >= L || !is_word((unsigned char)X[x - 1]) || !is_word((unsigned char)X[x]);
}

static void insert_at(edits *e, size_t at, const char *s, size_t n)
{
    if (n == 0)
        return;
    strbuf_add(&e->ins[at], s, n);
    if (e->ins[at].failed)
        e->failed = 1;
}

/* s[a0..a1) becomes t[b0..b1), narrowed by what both share at their ends
 * up to a word's edge. */
static void add_hunk(edits *e, size_t a0, size_t a1, size_t b0, size_t b1)
{
    size_t k = 0;
    while (a0 + k < a1 && b0 + k < b1 && e->s[a0 + k] == e->t[b0 + k])
        k++;
    while (k > 0 && !(cut_ok(e->s, e->n, a0 + k) && cut_ok(e->t, e->m, b0 + k)))
        k--;
    a0 += k;
    b0 += k;
    k = 0;
    while (a1 - k > a0 && b1 - k > b0 && e->s[a1 - 1 - k] == e->t[b1 - 1 - k])
        k++;
    while (k > 0 && !(cut_ok(e->s, e->n, a1 - k) && cut_ok(e->t, e->m, b1 - k)))
        k--;
    a1 -= k;
    b1 -= k;
    if (a1 > a0)
        memset(e->del + a0, 1, a1 - a0);
    insert_at(e, a0, e->t + b0, b1 - b0);
}

static int same_tok(const edits *e, const tok *a, const tok *b)
{
    return a->len == b->len && memcmp(e->s + a->start, e->t + b->start, a->len) == 0;
}

/* The word-level difference of e->s and e->t into e. 0 or -1. */
static int diff(edits *e)
{
    tok *A = NULL, *B = NULL;
    size_t na = 0, nb = 0;
    if (tokenize(e->s, e->n, &A, &na) != 0 || tokenize(e->t, e->m, &B, &nb) != 0) {
        free(A);
        return -1;
    }
    size_t pre = 0, suf = 0;
    while (pre < na && pre < nb && same_tok(e, &A[pre], &B[pre]))
        pre++;
    while (suf < na - pre && suf < nb - pre && same_tok(e, &A[na - 1 - suf], &B[nb - 1 - suf]))
        suf++;
    size_t ma = na - pre - suf, mb = nb - pre - suf;
#define SPOS(i) ((i) < na ? A[i].start : e->n)
#define TPOS(j) ((j) < nb ? B[j].start : e->m)
    int rc = 0;
    uint32_t *L = NULL;
    if (ma && mb && mb + 1 <= LCS_MAX_CELLS / (ma + 1)) {
        L = calloc((ma + 1) * (mb + 1), sizeof *L);
        if (!L)
            rc = -1;
    }
    if (rc == 0 && !L) {
        add_hunk(e, SPOS(pre), SPOS(na - suf), TPOS(pre), TPOS(nb - suf));
    } else if (rc == 0) {
        const tok *a = A + pre, *b = B + pre;
        size_t w = mb + 1;
        for (size_t i = ma; i-- > 0;)
            for (size_t j = mb; j-- > 0;)
                L[i * w + j] = same_tok(e, &a[i], &b[j])
                                   ? L[(i + 1) * w + j + 1] + 1
                                   : (L[(i + 1) * w + j] >= L[i * w + j + 1] ? L[(i + 1) * w + j]
                                                                             : L[i * w + j + 1]);
        size_t i = 0, j = 0, hi = 0, hj = 0;
        int open = 0;
        while (i < ma || j < mb) {
            if (i < ma && j < mb && same_tok(e, &a[i], &b[j])) {
                if (open)
                    add_hunk(e, SPOS(pre + hi), SPOS(pre + i), TPOS(pre + hj), TPOS(pre + j));
                open = 0;
                i++;
                j++;
                continue;
            }
            if (!open) {
                open = 1;
                hi = i;
                hj = j;
            }
            if (j >= mb || (i < ma && L[(i + 1) * w + j] >= L[i * w + j + 1]))
                i++;
            else
                j++;
        }
        if (open)
            add_hunk(e, SPOS(pre + hi), SPOS(pre + i), TPOS(pre + hj), TPOS(pre + j));
    }
#undef SPOS
#undef TPOS
    free(L);
    free(A);
    free(B);
    return rc == 0 && !e->failed ? 0 : -1;
}

/* A field the edits touch (a byte of it deleted, or text inserted inside
 * it) is deleted whole, the part of it that stays inserted as text. */
static void widen_fields(edits *e, const model *m)
{
    for (size_t k = 0; k < m->n && !e->failed; k++) {
        const unit *u = &m->u[k];
        if ((u->kind != U_FIELD && u->kind != U_SIMPLE) || u->len == 0)
            continue;
        size_t f0 = u->start, f1 = u->start + u->len;
        int touched = 0;
        for (size_t i = f0; i < f1 && !touched; i++)
            touched = e->del[i] || (i > f0 && e->ins[i].len);
        if (!touched)
            continue;
        strbuf kept = {0};
        for (size_t i = f0; i < f1; i++) {
            if (i > f0 && e->ins[i].len) {
                strbuf_add(&kept, e->ins[i].s, e->ins[i].len);
                strbuf_free(&e->ins[i]);
            }
            if (!e->del[i])
                strbuf_addc(&kept, e->s[i]);
            e->del[i] = 1;
        }
        if (kept.failed)
            e->failed = 1;
        insert_at(e, f0, kept.s, kept.len);
        strbuf_free(&kept);
    }
}

typedef struct {
    size_t a, b; /* the text's bytes [a, b) deleted (a == b: none) */
    char *text;  /* inserted there */
    size_t len;
} hunk;

typedef struct {
    hunk *v;
    size_t n, cap;
} hunks;

static void hunks_free(hunks *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->v[i].text);
    free(h->v);
}

/* The stretches of deleted bytes and inserted text, separated by bytes
 * that stay. 0 or -1. */
static int collect_hunks(const edits *e, hunks *out)
{
    size_t i = 0;
    while (i <= e->n) {
        if (!(i < e->n && e->del[i]) && !e->ins[i].len) {
            i++;
            continue;
        }
        strbuf b = {0};
        size_t a = i;
        strbuf_add(&b, e->ins[i].s, e->ins[i].len);
        while (i < e->n && e->del[i]) {
            i++;
            strbuf_add(&b, e->ins[i].s, e->ins[i].len);
        }
        hunk *g = array_grow(out->v, &out->cap, out->n + 1, sizeof *g);
        size_t len = b.len;
        char *text = g ? strbuf_take(&b) : NULL;
        if (!text) {
            strbuf_free(&b);
            return -1;
        }
        out->v = g;
        g[out->n++] = (hunk){a, i, text, len};
        i++;
    }
    return 0;
}

static int continuation(const char *s, size_t n, size_t k)
{
    return k < n && ((unsigned char)s[k] & 0xC0) == 0x80;
}

/* Whether every hunk can be written: none inside a field that begins or
 * ends in another paragraph, none splitting a character. */
static int hunks_writable(const model *m, const hunks *h)
{
    const char *s = m->text.s;
    size_t n = m->text.len;
    int any_text = 0;
    for (size_t i = 0; i < m->n; i++)
        any_text |= m->u[i].len > 0;
    for (size_t k = 0; k < h->n; k++) {
        const hunk *x = &h->v[k];
        if (continuation(s, n, x->a) || continuation(s, n, x->b))
            return 0;
        if (x->a < x->b) {
            size_t ia = unit_at(m, x->a), ib = unit_at(m, x->b - 1);
            if (ia == SIZE_MAX || ib == SIZE_MAX)
                return 0;
            for (size_t i = ia; i <= ib; i++)
                if (m->u[i].kind == U_HEAD || m->u[i].kind == U_TAIL)
                    return 0;
        } else if (!any_text) {
            if (has_partial_field(m))
                return 0;
        } else if (x->a > 0) {
            size_t u = unit_at(m, x->a - 1);
            if (u == SIZE_MAX || m->u[u].kind == U_TAIL ||
                (m->u[u].kind == U_HEAD && x->a < m->u[u].start + m->u[u].len))
                return 0;
        } else {
            size_t u = unit_at(m, 0);
            if (u == SIZE_MAX || m->u[u].kind == U_HEAD)
                return 0;
        }
    }
    return 1;
}

/* ------------------------------------------------------------ writing */

static size_t text_len(xmlNodePtr t)
{
    xmlChar *s = xmlNodeGetContent(t);
    size_t n = s ? strlen((const char *)s) : 0;
    xmlFree(s);
    return n;
}

/* Splits the w:t t at byte off (0 < off < its length): t keeps the text
 * before, a new w:t right after it the rest. Returns the new one. */
static xmlNodePtr split_text(ctx *c, xmlNodePtr t, size_t off)
{
    xmlChar *s = xmlNodeGetContent(t);
    if (!s)
        return NULL;
    const char *txt = (const char *)s;
    size_t n = strlen(txt);
    xmlNodePtr nt = off > 0 && off < n ? el(c, "t") : NULL;
    xmlNodePtr left = nt ? xmlNewDocTextLen(c->doc, BAD_CAST txt, (int)off) : NULL;
    if (!left || set_text(c, nt, txt + off, n - off) != 0 ||
        set_preserve(nt, txt + off, n - off) != 0) {
        xmlFreeNode(left);
        xmlFreeNode(nt);
        xmlFree(s);
        return NULL;
    }
    while (t->children) {
        xmlNodePtr k = t->children;
        xmlUnlinkNode(k);
        xmlFreeNode(k);
    }
    xmlAddChild(t, left);
    xmlAddNextSibling(t, nt);
    int rc = set_preserve(t, txt, off);
    xmlFree(s);
    return rc == 0 ? nt : NULL;
}

/* Moves what follows child (a node of a w:r) into a new run right after
 * that run, a copy of it with its w:rPr. Nothing when no element follows.
 * 0 or -1. */
static int split_run_after(ctx *c, xmlNodePtr child)
{
    xmlNodePtr run = child->parent;
    if (!next_el(child))
        return 0;
    xmlNodePtr nr = clone(c, run, 0);
    xmlNodePtr rpr = docx_w_child(run, "rPr");
    xmlNodePtr cp = nr && rpr ? clone(c, rpr, 1) : NULL;
    if (!nr || (rpr && !cp)) {
        xmlFreeNode(nr);
        return -1;
    }
    if (cp)
        xmlAddChild(nr, cp);
    for (xmlNodePtr x = child->next, next; x; x = next) {
        next = x->next;
        if (x == rpr)
            continue;
        xmlUnlinkNode(x);
        xmlAddChild(nr, x);
    }
    xmlAddNextSibling(run, nr);
    return 0;
}

/* Moves child (a node of a w:r) and what follows it into a new run when
 * anything but the w:rPr comes before it. */
static int split_run_before(ctx *c, xmlNodePtr child)
{
    for (xmlNodePtr x = child->prev; x; x = x->prev)
        if (x->type == XML_ELEMENT_NODE && !docx_is_w(x, "rPr"))
            return split_run_after(c, child->prev);
    return 0;
}

/* Splits so that a run boundary falls right before byte off of unit u;
 * returns the node that starts there (the w:t holding the rest, the tab,
 * the field's begin, the w:fldSimple itself), NULL when out of memory. */
static xmlNodePtr cut_before(ctx *c, const unit *u, size_t off)
{
    xmlNodePtr n;
    switch (u->kind) {
    case U_TEXT:
        n = off > 0 ? split_text(c, u->node, off) : u->node;
        break;
    case U_CHAR:
        n = u->node;
        break;
    case U_FIELD:
    case U_TAIL:
        n = u->begin;
        break;
    case U_SIMPLE:
        return u->node;
    default:
        return NULL;
    }
    return n && split_run_before(c, n) == 0 ? n : NULL;
}

/* Splits so that a run boundary falls right after the first off bytes of
 * unit u; returns the node that ends there. */
static xmlNodePtr cut_after(ctx *c, const unit *u, size_t off)
{
    xmlNodePtr n;
    switch (u->kind) {
    case U_TEXT:
        n = u->node;
        if (off < text_len(n) && !split_text(c, n, off))
            return NULL;
        break;
    case U_CHAR:
        n = u->node;
        break;
    case U_FIELD:
    case U_HEAD:
        n = u->end;
        break;
    case U_SIMPLE:
        return u->node;
    default:
        return NULL;
    }
    return split_run_after(c, n) == 0 ? n : NULL;
}

/* The run a unit's boundary node is in (the w:fldSimple for one). */
static xmlNodePtr run_of(xmlNodePtr n)
{
    return docx_is_w(n, "fldSimple") ? n : n->parent;
}

/* The formatting of what sits at a boundary: a run's w:rPr, a
 * w:fldSimple's first run's. */
static xmlNodePtr rpr_of(xmlNodePtr r)
{
    if (docx_is_w(r, "fldSimple"))
        r = first_run(r);
    return r ? docx_w_child(r, "rPr") : NULL;
}

/* Deleted text: w:t -> w:delText, w:instrText -> w:delInstrText, with
 * xml:space="preserve" where its white space needs it. */
static int mark_deleted_run(xmlNodePtr r)
{
    for (xmlNodePtr k = r->children; k; k = k->next) {
        const char *to = docx_is_w(k, "t")           ? "delText"
                         : docx_is_w(k, "instrText") ? "delInstrText"
                                                     : NULL;
        if (!to)
            continue;
        xmlNodeSetName(k, BAD_CAST to);
        if (!k->name || strcmp((const char *)k->name, to) != 0)
            return -1;
        xmlChar *s = xmlNodeGetContent(k);
        int rc = s ? set_preserve(k, (const char *)s, strlen((const char *)s)) : -1;
        xmlFree(s);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Wraps the runs v[0..n) (in document order) in w:del elements, one for
 * each stretch of sibling runs. *first: the first w:del; *anchor: the last
 * one beside it (same parent), where the insertion goes. 0 or -1. */
static int wrap_deleted(ctx *c, xmlNodePtr *v, size_t n, xmlNodePtr *first, xmlNodePtr *anchor)
{
    *first = *anchor = NULL;
    size_t k = 0;
    while (k < n) {
        size_t g = k;
        while (g + 1 < n && next_el(v[g]) == v[g + 1])
            g++;
        xmlNodePtr d = change(c, "del");
        if (!d)
            return -1;
        xmlAddPrevSibling(v[k], d);
        xmlNodePtr stop = v[g]->next;
        for (xmlNodePtr x = v[k], next; x && x != stop; x = next) {
            next = x->next;
            xmlUnlinkNode(x);
            xmlAddChild(d, x);
        }
        for (size_t i = k; i <= g; i++)
            if (mark_deleted_run(v[i]) != 0)
                return -1;
        if (!*first)
            *first = d;
        if (d->parent == (*first)->parent)
            *anchor = d;
        k = g + 1;
    }
    return 0;
}

static int is_tracked_ins(xmlNodePtr n)
{
    return docx_is_w(n, "ins") || docx_is_w(n, "moveTo");
}

/* An empty copy of the tracked insertion ins, with a fresh id, placed
 * right after it. */
static xmlNodePtr split_off(ctx *c, xmlNodePtr ins)
{
    xmlNodePtr half = clone(c, ins, 0);
    if (!half)
        return NULL;
    if (set_id(c, half, c->t->next_id) != 0) {
        xmlFreeNode(half);
        return NULL;
    }
    c->t->next_id++;
    xmlAddNextSibling(ins, half);
    return half;
}

/* Places node right after at; out of another insertion (w:ins, w:moveTo)
 * by splitting it there. 0, or -1 (node then not placed). */
static int place_after(ctx *c, xmlNodePtr at, xmlNodePtr node)
{
    while (is_tracked_ins(at->parent)) {
        xmlNodePtr ins = at->parent;
        if (next_el(at)) {
            xmlNodePtr half = split_off(c, ins);
            if (!half)
                return -1;
            while (at->next) {
                xmlNodePtr x = at->next;
                xmlUnlinkNode(x);
                xmlAddChild(half, x);
            }
        }
        at = ins;
    }
    xmlAddNextSibling(at, node);
    return 0;
}

/* Places node right before at, the same way. */
static int place_before(ctx *c, xmlNodePtr at, xmlNodePtr node)
{
    while (is_tracked_ins(at->parent)) {
        xmlNodePtr ins = at->parent;
        if (prev_el(at)) {
            xmlNodePtr half = split_off(c, ins);
            if (!half)
                return -1;
            for (xmlNodePtr x = at, next; x; x = next) {
                next = x->next;
                xmlUnlinkNode(x);
                xmlAddChild(half, x);
            }
            at = half;
        } else {
            at = ins;
        }
    }
    xmlAddPrevSibling(at, node);
    return 0;
}

/* Rewrites the w:fldSimple fs as the complex field it stands for (begin,
 * instruction, separate, its content as the result, end), so that it can
 * be deleted run by run. *rb, *re: the begin and end runs. 0 or -1
 * (nothing changed). */
static int unfold_simple(ctx *c, xmlNodePtr fs, xmlNodePtr *rb, xmlNodePtr *re)
{
    xmlNodePtr rpr = rpr_of(fs);
    xmlChar *instr = NULL;
    if (xmlHasNsProp(fs, BAD_CAST "instr", BAD_CAST W_NS) &&
        !(instr = xmlGetNsProp(fs, BAD_CAST "instr", BAD_CAST W_NS)))
        return -1;
    const char *is = instr ? (const char *)instr : "";
    static const char *const types[] = {"begin", NULL, "separate", "end"};
    static const char *const copied[] = {"fldLock", "dirty"};
    xmlNodePtr r[4] = {NULL, NULL, NULL, NULL}, begin = NULL;
    int ok = 1;
    for (int k = 0; k < 4 && ok; k++) {
        ok = (r[k] = new_run(c, rpr, "", 0)) != NULL;
        xmlNodePtr x = ok ? el(c, k == 1 ? "instrText" : "fldChar") : NULL;
        ok = x != NULL;
        if (x)
            xmlAddChild(r[k], x);
        if (ok && k == 1)
            ok = !*is ||
                 (set_text(c, x, is, strlen(is)) == 0 && set_preserve(x, is, strlen(is)) == 0);
        else if (ok)
            ok = attr(c, x, "fldCharType", types[k]) == 0;
        if (ok && k == 0) {
            begin = x;
            for (size_t i = 0; ok && i < 2; i++) {
                xmlChar *v = xmlGetNsProp(fs, BAD_CAST copied[i], BAD_CAST W_NS);
                if (v)
                    ok = attr(c, x, copied[i], (const char *)v) == 0;
                xmlFree(v);
            }
        }
    }
    xmlFree(instr);
    if (!ok) {
        for (int k = 0; k < 4; k++)
            xmlFreeNode(r[k]);
        return -1;
    }
    for (int k = 0; k < 3; k++)
        xmlAddPrevSibling(fs, r[k]);
    for (xmlNodePtr x = fs->children, next; x; x = next) {
        next = x->next;
        xmlUnlinkNode(x);
        if (docx_is_w(x, "fldData"))
            xmlAddChild(begin, x);
        else
            xmlAddPrevSibling(fs, x);
    }
    xmlAddPrevSibling(fs, r[3]);
    xmlUnlinkNode(fs);
    xmlFreeNode(fs);
    *rb = r[0];
    *re = r[3];
    return 0;
}

/* The runs of p's text from `from` to `to` (both included). */
static int runs_between(xmlNodePtr p, xmlNodePtr from, xmlNodePtr to, nodes *out)
{
    nodes all = {0};
    visible_runs(&all, p);
    size_t i = 0, j = 0;
    while (i < all.n && all.v[i] != from)
        i++;
    for (j = i; j < all.n && all.v[j] != to;)
        j++;
    int rc = all.failed || j >= all.n ? -1 : 0;
    for (size_t k = i; rc == 0 && k <= j; k++)
        push(out, all.v[k]);
    free(all.v);
    return rc == 0 && !out->failed ? 0 : -1;
}

/* Writes one hunk. 0 or -1. */
static int write_hunk(ctx *c, const model *m, xmlNodePtr p, const hunk *h, int any_text)
{
    xmlNodePtr ins = NULL;
    if (h->a < h->b) {
        size_t ia = unit_at(m, h->a), ib = unit_at(m, h->b - 1);
        const unit *ua = &m->u[ia], *ub = &m->u[ib];
        xmlNodePtr last = cut_after(c, ub, h->b - ub->start);
        xmlNodePtr first = last ? cut_before(c, ua, h->a - ua->start) : NULL;
        if (!first)
            return -1;
        if (ia == ib && ua->kind == U_TEXT)
            last = first; /* the w:t split at both ends: its middle */
        xmlNodePtr from = run_of(first), to = run_of(last);
        for (size_t k = ia; k <= ib; k++) {
            if (m->u[k].kind != U_SIMPLE)
                continue;
            xmlNodePtr rb, re;
            if (unfold_simple(c, m->u[k].node, &rb, &re) != 0)
                return -1;
            if (k == ia)
                from = rb;
            if (k == ib)
                to = re;
        }
        nodes v = {0};
        xmlNodePtr d1 = NULL, anchor = NULL;
        int rc = runs_between(p, from, to, &v);
        if (rc == 0)
            rc = wrap_deleted(c, v.v, v.n, &d1, &anchor);
        free(v.v);
        /* Formatted as the first deleted character, after the deletion. */
        if (rc == 0 && h->len && !(ins = new_ins(c, docx_w_child(from, "rPr"), h->text, h->len)))
            rc = -1;
        if (rc == 0 && ins && (!anchor || place_after(c, anchor, ins) != 0))
            rc = -1;
        if (rc != 0)
            xmlFreeNode(ins);
        return rc;
    }
    if (!any_text) {
        /* An empty paragraph: formatted as its mark, at its end. */
        ins = new_ins(c, docx_w_child(docx_w_child(p, "pPr"), "rPr"), h->text, h->len);
        if (!ins)
            return -1;
        xmlAddChild(p, ins);
        return 0;
    }
    int after = h->a > 0;
    size_t k = unit_at(m, after ? h->a - 1 : 0);
    const unit *u = &m->u[k];
    xmlNodePtr n = after ? cut_after(c, u, h->a - u->start) : cut_before(c, u, 0);
    xmlNodePtr at = n ? run_of(n) : NULL;
    ins = at ? new_ins(c, rpr_of(at), h->text, h->len) : NULL;
    if (!ins)
        return -1;
    if ((after ? place_after(c, at, ins) : place_before(c, at, ins)) != 0) {
        xmlFreeNode(ins);
        return -1;
    }
    return 0;
}

int docx_track_paragraph(xmlNodePtr p, const char *target, docx_track *t)
{
    if (!docx_is_w(p, "p") || !p->doc || !target || !t || !xml_text_ok(target) ||
        strlen(target) > INT_MAX)
        return -2;
    char *now = docx_paragraph_text_stable(p);
    if (!now)
        return -1;
    if (strcmp(now, target) == 0) {
        free(now);
        return 0;
    }
    model m;
    int rc = model_read(&m, p);
    if (rc == 0 && (m.odd || strcmp(m.text.s, now) != 0))
        rc = -2;
    free(now);
    edits e = {m.text.s, target, m.text.len, strlen(target), NULL, NULL, 0};
    hunks h = {0};
    if (rc == 0) {
        e.del = calloc(e.n + 1, 1);
        e.ins = calloc(e.n + 1, sizeof *e.ins);
        if (!e.del || !e.ins || diff(&e) != 0)
            rc = -1;
    }
    if (rc == 0) {
        widen_fields(&e, &m);
        if (e.failed || collect_hunks(&e, &h) != 0)
            rc = -1;
    }
    if (rc == 0 && !hunks_writable(&m, &h))
        rc = -2;
    ctx c;
    if (rc == 0 && ctx_init(&c, p, p, t) != 0)
        rc = -1;
    if (rc == 0) {
        int any_text = 0;
        for (size_t i = 0; i < m.n; i++)
            any_text |= m.u[i].len > 0;
        for (size_t i = h.n; rc == 0 && i-- > 0;)
            if (write_hunk(&c, &m, p, &h.v[i], any_text) != 0)
                rc = -1;
    }
    if (rc == 0)
        rc = h.n > INT_MAX ? INT_MAX : (int)h.n;
    for (size_t i = 0; e.ins && i <= e.n; i++)
        strbuf_free(&e.ins[i]);
    free(e.ins);
    free(e.del);
    hunks_free(&h);
    model_free(&m);
    return rc;
}

/* ------------------------------------------------------------ paragraph marks */

/* The w:rPr of p's mark, made (with the w:pPr) when missing: w:pPr first
 * in p, w:rPr before w:sectPr and w:pPrChange. */
static xmlNodePtr mark_rpr(ctx *c, xmlNodePtr p)
{
    xmlNodePtr ppr = docx_w_child(p, "pPr");
    if (!ppr) {
        if (!(ppr = el(c, "pPr")))
            return NULL;
        if (p->children)
            xmlAddPrevSibling(p->children, ppr);
        else
            xmlAddChild(p, ppr);
    }
    xmlNodePtr rpr = docx_w_child(ppr, "rPr");
    if (rpr)
        return rpr;
    if (!(rpr = el(c, "rPr")))
        return NULL;
    xmlNodePtr before = NULL;
    for (xmlNodePtr x = ppr->children; x && !before; x = x->next)
        if (docx_is_w(x, "sectPr") || docx_is_w(x, "pPrChange"))
            before = x;
    if (before)
        xmlAddPrevSibling(before, rpr);
    else
        xmlAddChild(ppr, rpr);
    return rpr;
}

/* Puts mark (a w:ins or w:del) into the mark's w:rPr in schema order:
 * w:ins, w:del, w:moveFrom, w:moveTo first. */
static void put_mark(xmlNodePtr rpr, xmlNodePtr mark)
{
    xmlNodePtr ins = docx_is_w(mark, "del") ? docx_w_child(rpr, "ins") : NULL;
    if (ins)
        xmlAddNextSibling(ins, mark);
    else if (rpr->children)
        xmlAddPrevSibling(rpr->children, mark);
    else
        xmlAddChild(rpr, mark);
}

int docx_track_delete_paragraph(xmlNodePtr p, docx_track *t)
{
    if (!docx_is_w(p, "p") || !p->doc || !t)
        return -2;
    model m;
    int rc = model_read(&m, p);
    if (rc == 0 && has_partial_field(&m))
        rc = -2;
    model_free(&m);
    ctx c;
    if (rc == 0 && ctx_init(&c, p, p, t) != 0)
        rc = -1;
    for (xmlNodePtr fs; rc == 0 && (fs = first_simple_field(p));) {
        xmlNodePtr rb, re;
        rc = unfold_simple(&c, fs, &rb, &re);
    }
    if (rc == 0) {
        nodes v = {0};
        visible_runs(&v, p);
        xmlNodePtr first, anchor;
        rc = v.failed ? -1 : wrap_deleted(&c, v.v, v.n, &first, &anchor);
        free(v.v);
    }
    xmlNodePtr rpr = rc == 0 ? mark_rpr(&c, p) : NULL;
    if (rc == 0 && !rpr)
        rc = -1;
    if (rc == 0 && !docx_w_child(rpr, "del")) {
        xmlNodePtr d = change(&c, "del");
        if (d)
            put_mark(rpr, d);
        else
            rc = -1;
    }
    return rc;
}

/* A new paragraph (not linked): like's properties, its mark inserted,
 * text in an inserted run. */
/* A run of a field: a w:fldChar of type, formatted by a copy of rpr. */
static xmlNodePtr field_char_run(ctx *c, xmlNodePtr rpr, const char *type, int dirty)
{
    xmlNodePtr r = new_run(c, rpr, "", 0);
    xmlNodePtr f = r ? el(c, "fldChar") : NULL;
    if (!f || attr(c, f, "fldCharType", type) != 0 || (dirty && attr(c, f, "dirty", "true"))) {
        xmlFreeNode(f);
        xmlFreeNode(r);
        return NULL;
    }
    xmlAddChild(r, f);
    return r;
}

/* Appends to ins the runs of a REF field to bookmark showing result. */
static int add_ref_field(ctx *c, xmlNodePtr ins, xmlNodePtr rpr, const char *bookmark,
                         const char *result, const docx_track_refs *refs)
{
    int numbered = refs->numbered;
    char instr[256];
    snprintf(instr, sizeof instr, numbered ? " REF %s \\w \\h " : " REF %s \\h ", bookmark);
    xmlNodePtr runs[5] = {field_char_run(c, rpr, "begin", 1), new_run(c, rpr, "", 0),
                          field_char_run(c, rpr, "separate", 0),
                          new_run(c, rpr, result, strlen(result)),
                          field_char_run(c, rpr, "end", 0)};
    xmlNodePtr it = runs[1] ? el(c, "instrText") : NULL;
    int ok = it && set_text(c, it, instr, strlen(instr)) == 0;
    if (ok) {
        xmlAddChild(runs[1], it);
        ok = set_preserve(it, instr, strlen(instr)) == 0;
    } else {
        xmlFreeNode(it);
    }
    for (size_t k = 0; k < 5; k++)
        ok &= runs[k] != NULL;
    for (size_t k = 0; k < 5; k++) {
        if (ok)
            xmlAddChild(ins, runs[k]);
        else
            xmlFreeNode(runs[k]);
    }
    if (ok && refs->made)
        ok = refs->made(refs->ctx, docx_w_child(runs[3], "t"), bookmark) == 0;
    return ok ? 0 : -1;
}

/* <w:ins> holding text, its "#" made REF fields by refs. */
const char *docx_track_next_ref(const char *text, const char *from)
{
    for (const char *h = strchr(from, '#'); h; h = strchr(h + 1, '#'))
        if ((size_t)(h - text) >= 7 &&
            (strncmp(h - 7, "clause ", 7) == 0 || strncmp(h - 7, "Clause ", 7) == 0))
            return h;
    return NULL;
}

static xmlNodePtr new_ins_refs(ctx *c, xmlNodePtr rpr, const char *text, docx_track_refs *refs)
{
    xmlNodePtr ins = change(c, "ins");
    if (!ins)
        return NULL;
    const char *q = text;
    while (*q) {
        const char *h = docx_track_next_ref(text, q);
        if (h && refs->next >= refs->n)
            h = NULL; /* no reference left: the rest is text */
        size_t n = h ? (size_t)(h - q) : strlen(q);
        if (n) {
            xmlNodePtr r = new_run(c, rpr, q, n);
            if (!r) {
                xmlFreeNode(ins);
                return NULL;
            }
            xmlAddChild(ins, r);
        }
        if (!h)
            break;
        const char *res =
            refs->results && refs->results[refs->next] ? refs->results[refs->next] : "?";
        if (add_ref_field(c, ins, rpr, refs->bookmarks[refs->next], res, refs) != 0) {
            xmlFreeNode(ins);
            return NULL;
        }
        refs->next++;
        q = h + 1;
    }
    return ins;
}

static xmlNodePtr new_paragraph(ctx *c, xmlNodePtr like, const char *text, docx_track_refs *refs)
{
    xmlNodePtr p = el(c, "p");
    if (!p)
        return NULL;
    xmlNodePtr lppr = like ? docx_w_child(like, "pPr") : NULL;
    if (lppr) {
        xmlNodePtr ppr = clone(c, lppr, 1);
        if (!ppr) {
            xmlFreeNode(p);
            return NULL;
        }
        xmlAddChild(p, ppr);
        for (xmlNodePtr x = ppr->children, next; x; x = next) {
            next = x->next;
            if (docx_is_w(x, "sectPr") || docx_is_w(x, "pPrChange")) {
                xmlUnlinkNode(x);
                xmlFreeNode(x);
            } else if (docx_is_w(x, "rPr")) {
                for (xmlNodePtr y = x->children, ynext; y; y = ynext) {
                    ynext = y->next;
                    if (is_change_mark(y)) {
                        xmlUnlinkNode(y);
                        xmlFreeNode(y);
                    }
                }
            }
        }
    }
    xmlNodePtr rpr = mark_rpr(c, p);
    xmlNodePtr mark = rpr ? change(c, "ins") : NULL;
    if (!mark) {
        xmlFreeNode(p);
        return NULL;
    }
    put_mark(rpr, mark);
    if (*text) {
        xmlNodePtr r = like ? first_run(like) : NULL;
        xmlNodePtr rpr = r ? docx_w_child(r, "rPr") : NULL;
        xmlNodePtr ins =
            refs ? new_ins_refs(c, rpr, text, refs) : new_ins(c, rpr, text, strlen(text));
        if (!ins) {
            xmlFreeNode(p);
            return NULL;
        }
        xmlAddChild(p, ins);
    }
    return p;
}

static xmlNodePtr insert_paragraph(xmlNodePtr at, int after, xmlNodePtr like, const char *text,
                                   docx_track_refs *refs, docx_track *t)
{
    if (!at || !at->doc || !t || !text || !xml_text_ok(text) || strlen(text) > INT_MAX)
        return NULL;
    ctx c;
    if (ctx_init(&c, at, at->parent ? at->parent : at, t) != 0)
        return NULL;
    xmlNodePtr p = new_paragraph(&c, like, text, refs);
    if (p) {
        if (after)
            xmlAddNextSibling(at, p);
        else
            xmlAddPrevSibling(at, p);
    }
    return p;
}

xmlNodePtr docx_track_insert_paragraph(xmlNodePtr after, xmlNodePtr like, const char *text,
                                       docx_track *t)
{
    return insert_paragraph(after, 1, like, text, NULL, t);
}

xmlNodePtr docx_track_insert_paragraph_refs(xmlNodePtr after, xmlNodePtr like, const char *text,
                                            docx_track_refs *refs, docx_track *t)
{
    return insert_paragraph(after, 1, like, text, refs, t);
}

xmlNodePtr docx_track_insert_paragraph_before_refs(xmlNodePtr before, xmlNodePtr like,
                                                   const char *text, docx_track_refs *refs,
                                                   docx_track *t)
{
    return insert_paragraph(before, 0, like, text, refs, t);
}

xmlNodePtr docx_track_insert_paragraph_before(xmlNodePtr before, xmlNodePtr like, const char *text,
                                              docx_track *t)
{
    return insert_paragraph(before, 0, like, text, NULL, t);
}

long docx_track_max_id(xmlDocPtr doc)
{
    long max = 0;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNodePtr n = root; n; n = preorder_next(n, root)) {
        if (n->type != XML_ELEMENT_NODE || !n->properties)
            continue;
        long v = docx_w_attr_long(n, "id", -1);
        if (v > max)
            max = v;
    }
    return max;
}

/* ------------------------------------------------------------ comments */

/* An attribute's value (no namespace): *out malloc'd, NULL when absent.
 * 0, or -1 when out of memory. */
static int get_attr(xmlNodePtr n, const char *name, xmlChar **out)
{
    *out = NULL;
    if (!xmlHasProp(n, BAD_CAST name))
        return 0;
    *out = xmlGetProp(n, BAD_CAST name);
    return *out ? 0 : -1;
}

/* The part a relationship target names, from source_part's folder:
 * "comments.xml" -> "word/comments.xml", "/word/x.xml" -> "word/x.xml",
 * ".." steps resolved. malloc'd, NULL when out of memory. */
static char *resolve_target(const char *source_part, const char *target)
{
    strbuf path = {0};
    if (target[0] == '/') {
        target++;
    } else {
        const char *slash = strrchr(source_part, '/');
        if (slash)
            strbuf_add(&path, source_part, (size_t)(slash - source_part + 1));
    }
    strbuf_adds(&path, target);
    char *s = strbuf_take(&path);
    if (!s)
        return NULL;
    /* Segment by segment, dropping "." and a segment followed by "..". */
    size_t o = 0;
    for (size_t i = 0; s[i];) {
        size_t j = i;
        while (s[j] && s[j] != '/')
            j++;
        size_t len = j - i;
        if ((len == 1 && s[i] == '.') || len == 0) {
            /* nothing */
        } else if (len == 2 && s[i] == '.' && s[i + 1] == '.') {
            while (o > 0 && s[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            if (o > 0 && s[o - 1] != '/')
                s[o++] = '/';
            memmove(s + o, s + i, len);
            o += len;
        }
        i = s[j] ? j + 1 : j;
    }
    s[o] = '\0';
    return s;
}

static void oom(pkg_edit *e, const char *part, clasm_diags *diags)
{
    diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", pkg_name(pkg_edit_base(e)), part, 0,
              "out of memory while adding a comment to %s", part);
}

/* The comments part of main_part through the edit's relationships: *part
 * malloc'd, NULL when there is none. 0 or -1. */
static int related_comments(pkg_edit *e, const char *main_part, char **part, clasm_diags *diags)
{
    *part = NULL;
    char *rels = pkg_rels_part(main_part);
    if (!rels) {
        oom(e, main_part, diags);
        return -1;
    }
    int rc = 0;
    if (pkg_edit_has(e, rels)) {
        xmlDocPtr doc = pkg_edit_xml(e, rels, diags);
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        rc = doc ? 0 : -1;
        for (xmlNodePtr r = root ? root->children : NULL; rc == 0 && r && !*part; r = r->next) {
            if (r->type != XML_ELEMENT_NODE || strcmp((const char *)r->name, "Relationship") != 0)
                continue;
            xmlChar *type = NULL, *mode = NULL, *target = NULL;
            rc = get_attr(r, "Type", &type) || get_attr(r, "TargetMode", &mode) ||
                         get_attr(r, "Target", &target)
                     ? -1
                     : 0;
            if (rc == 0 && type && target && strcmp((const char *)type, COMMENTS_REL) == 0 &&
                !(mode && strcmp((const char *)mode, "External") == 0) &&
                !(*part = resolve_target(main_part, (const char *)target)))
                rc = -1;
            xmlFree(type);
            xmlFree(mode);
            xmlFree(target);
            if (rc != 0 && doc)
                oom(e, rels, diags);
        }
    }
    free(rels);
    return rc;
}

/* Runs a package call that may fail without saying why: out-of-memory is
 * reported when it added no diagnostic. */
static int checked(int rc, pkg_edit *e, const char *part, clasm_diags *diags, size_t before)
{
    if (rc != 0 && diags && diags->count == before)
        oom(e, part, diags);
    return rc;
}

/* The comments part's tree, found or created (with its content type and,
 * when there was none, its relationship). *part malloc'd. */
static xmlDocPtr comments_doc(pkg_edit *e, const char *main_part, char **part, clasm_diags *diags)
{
    if (related_comments(e, main_part, part, diags) != 0)
        return NULL;
    int related = *part != NULL;
    if (related && pkg_edit_has(e, *part))
        return pkg_edit_xml(e, *part, diags);
    if (!related) {
        const char *slash = strrchr(main_part, '/');
        int dir = slash ? (int)(slash - main_part + 1) : 0;
        for (int k = 1; k < 1000; k++) {
            free(*part);
            strbuf b = {0};
            if (k == 1)
                strbuf_addf(&b, "%.*scomments.xml", dir, main_part);
            else
                strbuf_addf(&b, "%.*scomments%d.xml", dir, main_part, k);
            if (!(*part = strbuf_take(&b)) || !pkg_edit_has(e, *part))
                break;
        }
        if (!*part || pkg_edit_has(e, *part)) {
            oom(e, main_part, diags);
            return NULL;
        }
    }
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "comments", NULL) : NULL;
    xmlNsPtr ns = root ? xmlNewNs(root, BAD_CAST W_NS, BAD_CAST "w") : NULL;
    if (!ns) {
        xmlFreeNode(root);
        xmlFreeDoc(doc);
        oom(e, *part, diags);
        return NULL;
    }
    xmlSetNs(root, ns);
    xmlDocSetRootElement(doc, root);
    doc->standalone = 1;
    size_t before = diags ? diags->count : 0;
    if (pkg_edit_store(e, *part, doc, diags) != 0 ||
        checked(pkg_add_override(e, *part, COMMENTS_TYPE, diags), e, *part, diags, before) != 0)
        return NULL;
    const char *slash = strrchr(*part, '/');
    if (!related && checked(pkg_add_relationship(e, main_part, COMMENTS_REL,
                                                 slash ? slash + 1 : *part, NULL, diags),
                            e, main_part, diags, before) != 0)
        return NULL;
    return doc;
}

/* The first character of each word of author. malloc'd. */
static char *initials(const char *author)
{
    strbuf b = {0};
    const unsigned char *s = (const unsigned char *)author;
    int at_start = 1;
    while (*s) {
        if (is_space(*s)) {
            at_start = 1;
            s++;
            continue;
        }
        size_t n = utf8_char(s, NULL);
        if (n && at_start)
            strbuf_add(&b, (const char *)s, n);
        at_start = 0;
        s += n ? n : 1;
    }
    return strbuf_take(&b);
}

/* The w:comment element (not linked): one paragraph a line, the first
 * starting with the annotation mark. */
static xmlNodePtr new_comment(ctx *c, long id, const char *text)
{
    xmlNodePtr cm = el(c, "comment");
    char *ini = initials(author_of(c->t));
    int ok = cm && ini && set_id(c, cm, id) == 0 && attr(c, cm, "author", author_of(c->t)) == 0 &&
             (!c->t->date || attr(c, cm, "date", c->t->date) == 0) &&
             (!*ini || attr(c, cm, "initials", ini) == 0);
    free(ini);
    for (const char *line = text; ok;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        xmlNodePtr p = el(c, "p");
        ok = p != NULL;
        if (p)
            xmlAddChild(cm, p);
        if (ok && line == text) {
            xmlNodePtr r = el(c, "r"), mark = r ? el(c, "annotationRef") : NULL;
            ok = mark != NULL;
            if (r)
                xmlAddChild(p, r);
            if (mark)
                xmlAddChild(r, mark);
        }
        if (ok && len) {
            xmlNodePtr r = new_run(c, NULL, line, len);
            ok = r != NULL;
            if (r)
                xmlAddChild(p, r);
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    if (!ok) {
        xmlFreeNode(cm);
        return NULL;
    }
    return cm;
}

/* An element name with w:id id. */
static xmlNodePtr id_el(ctx *c, const char *name, long id)
{
    xmlNodePtr n = el(c, name);
    if (n && set_id(c, n, id) != 0) {
        xmlFreeNode(n);
        n = NULL;
    }
    return n;
}

int docx_track_comment(pkg_edit *e, const char *main_part, xmlNodePtr first, xmlNodePtr last,
                       const char *text, docx_track *t, clasm_diags *diags)
{
    const char *file = pkg_name(pkg_edit_base(e));
    if (!text || !xml_text_ok(text) || !xml_text_ok(author_of(t)) ||
        (t->date && !xml_text_ok(t->date))) {
        diag_part(diags, CLASM_SEV_ERROR, "comment-text-invalid", file, main_part,
                  docx_paragraph_number(first),
                  "a comment's text, author or date is not UTF-8 text a DOCX part can hold");
        return -1;
    }
    char *part = NULL;
    xmlDocPtr cdoc = comments_doc(e, main_part, &part, diags);
    xmlNodePtr root = cdoc ? xmlDocGetRootElement(cdoc) : NULL;
    int rc = cdoc ? 0 : -1;
    if (rc == 0 && !docx_is_w(root, "comments")) {
        diag_part(diags, CLASM_SEV_ERROR, "comments-part-unexpected", file, part, 0,
                  "the comments part %s is not a w:comments part", part);
        rc = -1;
    }
    /* Above every comment id the part has. */
    for (xmlNodePtr x = rc == 0 ? root->children : NULL; x; x = x->next) {
        long v = docx_is_w(x, "comment") ? docx_w_attr_long(x, "id", -1) : -1;
        if (v >= t->next_id)
            t->next_id = v + 1;
    }
    ctx cc, cm;
    if (rc == 0 && (ctx_init(&cc, root, root, t) != 0 || ctx_init(&cm, first, first, t) != 0 ||
                    pkg_edit_changed(e, part) != 0)) {
        oom(e, part, diags);
        rc = -1;
    }
    long id = t->next_id;
    xmlNodePtr comment = NULL, start = NULL, end = NULL, ref = NULL, refr = NULL, wrap = NULL;
    if (rc == 0) {
        t->next_id++;
        comment = new_comment(&cc, id, text);
        start = id_el(&cm, "commentRangeStart", id);
        end = id_el(&cm, "commentRangeEnd", id);
        refr = el(&cm, "r");
        ref = refr ? id_el(&cm, "commentReference", id) : NULL;
        if (ref)
            xmlAddChild(refr, ref);
        xmlNodePtr mrpr = docx_w_child(docx_w_child(last, "pPr"), "rPr");
        const char *how = docx_w_child(mrpr, "del")   ? "del"
                          : docx_w_child(mrpr, "ins") ? "ins"
                                                      : NULL;
        wrap = how && ref ? change(&cm, how) : NULL;
        if (wrap)
            xmlAddChild(wrap, refr);
        if (!comment || !start || !end || !ref || (how && !wrap)) {
            xmlFreeNode(comment);
            xmlFreeNode(start);
            xmlFreeNode(end);
            xmlFreeNode(wrap ? wrap : refr);
            oom(e, part, diags);
            rc = -1;
        }
    }
    if (rc == 0) {
        xmlAddChild(root, comment);
        xmlNodePtr ppr = docx_w_child(first, "pPr");
        if (ppr)
            xmlAddNextSibling(ppr, start);
        else if (first->children)
            xmlAddPrevSibling(first->children, start);
        else
            xmlAddChild(first, start);
        xmlAddChild(last, end);
        xmlAddChild(last, wrap ? wrap : refr);
    }
    free(part);
    return rc;
}
