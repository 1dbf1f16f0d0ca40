/* Compiled clause bodies: see docx_fragment.h. */
#include "docx_fragment.h"

#include "docx_text.h"
#include "utf8.h"

#include <libxml/xmlIO.h>
#include <libxml/xmlsave.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The marks rendered where a draft's text goes: characters of the
 * Private Use Area (U+F8F0..U+F8F3), and a list number. */
#define MARK_VALUE "\xEF\xA3\xB0"
#define MARK_WORD "\xEF\xA3\xB1"
#define MARK_INSTR "\xEF\xA3\xB2"
#define MARK_RESULT "\xEF\xA3\xB3"
#define MARK_NUM 987654321
#define MARK_NUM_TEXT "987654321"

typedef enum { HOLE_VALUE, HOLE_WORD, HOLE_INSTR, HOLE_RESULT, HOLE_NUM } hole_kind;

typedef struct {
    hole_kind kind;
    size_t index; /* the value's or the reference's number in the clause */
    size_t at;    /* where it goes in the literal text */
} hole;

/* A text cut at its marks: the text without them, and the holes. */
typedef struct {
    char *lit;
    size_t len;
    hole *holes;
    size_t nholes;
} cut;

struct docx_fragment {
    cut xml;    /* the body's paragraphs, serialized */
    cut *texts; /* each paragraph's stable text */
    size_t ntexts;
    docx_fragment_span *values, *refs;
    size_t nvalues, nrefs;
    unsigned char *capital; /* per reference */
    int list;
};

static void cut_free(cut *c)
{
    free(c->lit);
    free(c->holes);
    memset(c, 0, sizeof *c);
}

void docx_fragment_free(docx_fragment *f)
{
    if (!f)
        return;
    cut_free(&f->xml);
    for (size_t i = 0; i < f->ntexts; i++)
        cut_free(&f->texts[i]);
    free(f->texts);
    free(f->values);
    free(f->refs);
    free(f->capital);
    free(f);
}

int docx_fragment_has_list(const docx_fragment *f)
{
    return f->list;
}

const docx_fragment_span *docx_fragment_values(const docx_fragment *f, size_t *n)
{
    *n = f->nvalues;
    return f->values;
}

const docx_fragment_span *docx_fragment_refs(const docx_fragment *f, size_t *n)
{
    *n = f->nrefs;
    return f->refs;
}

int docx_fragment_ref_capital(const docx_fragment *f, size_t k)
{
    return k < f->nrefs && f->capital[k];
}

/* ------------------------------------------------------------ cutting */

/* The mark at s (n bytes left), its kind in *kind and its length; 0 when
 * none starts there. */
static size_t mark_at(const char *s, size_t n, hole_kind *kind)
{
    static const struct {
        const char *text;
        hole_kind kind;
    } marks[] = {{MARK_VALUE, HOLE_VALUE},
                 {MARK_WORD, HOLE_WORD},
                 {MARK_INSTR, HOLE_INSTR},
                 {MARK_RESULT, HOLE_RESULT},
                 {MARK_NUM_TEXT, HOLE_NUM}};
    if (*s != '\xEF' && *s != MARK_NUM_TEXT[0])
        return 0;
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        size_t len = strlen(marks[i].text);
        if (len <= n && memcmp(s, marks[i].text, len) == 0) {
            *kind = marks[i].kind;
            return len;
        }
    }
    return 0;
}

/* What a cut must find: the kinds of its holes in order, with their
 * numbers. */
typedef struct {
    hole *v;
    size_t n, cap;
} expected;

static int expect(expected *e, hole_kind kind, size_t index)
{
    hole *g = array_grow(e->v, &e->cap, e->n + 1, sizeof *g);
    if (!g)
        return -1;
    e->v = g;
    g[e->n++] = (hole){kind, index, 0};
    return 0;
}

/* Cuts s (n bytes) at its marks into out. 0; 1 when the marks found are
 * not exactly those expected (the clause's own text holds one); -1 when
 * out of memory. */
static int cut_make(const char *s, size_t n, const expected *e, cut *out)
{
    memset(out, 0, sizeof *out);
    out->lit = malloc(n + 1);
    out->holes = malloc((e->n + 1) * sizeof *out->holes);
    if (!out->lit || !out->holes) {
        cut_free(out);
        return -1;
    }
    size_t found = 0;
    for (size_t i = 0; i < n;) {
        hole_kind kind;
        size_t len = mark_at(s + i, n - i, &kind);
        if (!len) {
            out->lit[out->len++] = s[i++];
            continue;
        }
        if (found == e->n || e->v[found].kind != kind) {
            cut_free(out);
            return 1;
        }
        out->holes[found] = e->v[found];
        out->holes[found].at = out->len;
        found++;
        i += len;
    }
    if (found != e->n) {
        cut_free(out);
        return 1;
    }
    out->nholes = found;
    out->lit[out->len] = '\0';
    return 0;
}

/* ------------------------------------------------------------ compiling */

static const char *mark_value(void *ctx, const ct_span *span)
{
    (void)ctx;
    (void)span;
    return MARK_VALUE;
}

static const char *mark_reference(void *ctx, const ct_span *span)
{
    (void)ctx;
    (void)span;
    return "clasm";
}

static int is_space_char(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* 1 when the word before reference span k of block b ("Clause" after the
 * end of a sentence) would depend on a value: a value is the last span
 * before it that prints more than spaces. */
static int word_follows_value(const ct_block *b, size_t k)
{
    for (size_t j = k; j-- > 0;) {
        const ct_span *s = &b->spans[j];
        if (s->kind == CT_VALUE)
            return 1;
        if (s->kind != CT_TEXT && s->kind != CT_TERM)
            return 0;
        for (const char *c = s->text; *c; c++)
            if (!is_space_char(*c))
                return 0;
    }
    return 0;
}

/* The spans of tree by kind, and whether the clause can be compiled. */
static int collect_spans(const ct_tree *tree, docx_fragment *f)
{
    size_t nv = 0, nr = 0;
    for (size_t b = 0; b < tree->nblocks; b++) {
        const ct_block *blk = &tree->blocks[b];
        if (blk->definitions)
            return 1;
        if (blk->level >= 0)
            f->list = 1;
        for (size_t k = 0; k < blk->nspans; k++) {
            if (blk->spans[k].kind == CT_VALUE)
                nv++;
            if (blk->spans[k].kind == CT_REF) {
                if (word_follows_value(blk, k))
                    return 1;
                nr++;
            }
        }
    }
    f->values = calloc(nv + 1, sizeof *f->values);
    f->refs = calloc(nr + 1, sizeof *f->refs);
    f->capital = calloc(nr + 1, 1);
    if (!f->values || !f->refs || !f->capital)
        return -1;
    for (size_t b = 0; b < tree->nblocks; b++)
        for (size_t k = 0; k < tree->blocks[b].nspans; k++) {
            ct_kind kind = tree->blocks[b].spans[k].kind;
            if (kind == CT_VALUE)
                f->values[f->nvalues++] = (docx_fragment_span){b, k};
            else if (kind == CT_REF)
                f->refs[f->nrefs++] = (docx_fragment_span){b, k};
        }
    return 0;
}

/* The holes of block b's text (text 1) or serialization (text 0), from
 * value *v and reference *r on. */
static int expect_block(const ct_block *blk, int text, int list_item, expected *e, size_t *v,
                        size_t *r)
{
    if (!text && list_item && expect(e, HOLE_NUM, 0) != 0)
        return -1;
    for (size_t k = 0; k < blk->nspans; k++) {
        if (blk->spans[k].kind == CT_VALUE && expect(e, HOLE_VALUE, (*v)++) != 0)
            return -1;
        if (blk->spans[k].kind == CT_REF) {
            size_t i = (*r)++;
            if (expect(e, HOLE_WORD, i) != 0 ||
                (!text && (expect(e, HOLE_INSTR, i) != 0 || expect(e, HOLE_RESULT, i) != 0)))
                return -1;
        }
    }
    return 0;
}

/* The stable text of each paragraph, cut. */
static int cut_texts(const ct_tree *tree, xmlNodePtr first, docx_fragment *f)
{
    f->texts = calloc(tree->nblocks + 1, sizeof *f->texts);
    if (!f->texts)
        return -1;
    size_t v = 0, r = 0;
    xmlNodePtr p = first;
    for (size_t b = 0; b < tree->nblocks; b++, p = p->next) {
        expected e = {0};
        char *t = docx_paragraph_text_stable(p);
        int rc = t ? expect_block(&tree->blocks[b], 1, 0, &e, &v, &r) : -1;
        if (rc == 0)
            rc = cut_make(t, strlen(t), &e, &f->texts[b]);
        free(t);
        free(e.v);
        if (rc != 0)
            return rc;
        f->ntexts++;
    }
    return 0;
}

/* 1 when s (n bytes) is UTF-8 throughout. */
static int utf8_valid(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t len = s[i] ? utf8_char((const unsigned char *)s + i, NULL) : 0;
        if (!len)
            return 0;
        i += len;
    }
    return 1;
}

/* The paragraphs from first on, serialized as a draft's part is, cut. */
static int cut_xml(const ct_tree *tree, xmlDocPtr doc, xmlNodePtr first, docx_fragment *f)
{
    expected e = {0};
    size_t v = 0, r = 0;
    for (size_t b = 0; b < tree->nblocks; b++)
        if (expect_block(&tree->blocks[b], 0, tree->blocks[b].level >= 0, &e, &v, &r) != 0) {
            free(e.v);
            return -1;
        }
    xmlOutputBufferPtr buf = xmlAllocOutputBuffer(NULL);
    int rc = -1;
    if (buf) {
        for (xmlNodePtr p = first; p; p = p->next)
            xmlNodeDumpOutput(buf, doc, p, 0, 0, "UTF-8");
        xmlOutputBufferFlush(buf);
        const char *s = (const char *)xmlOutputBufferGetContent(buf);
        size_t n = xmlOutputBufferGetSize(buf);
        /* Bytes that are not UTF-8 (a clause's text the loader let by)
         * are left to the draft's own serializer. */
        if (!buf->error && s)
            rc = utf8_valid(s, n) ? cut_make(s, n, &e, &f->xml) : 1;
        xmlOutputBufferClose(buf);
    }
    free(e.v);
    return rc;
}

docx_fragment *docx_fragment_compile(const ct_tree *tree, const docx_render_style *style, int *oom)
{
    *oom = 0;
    if (tree->nissues > 0)
        return NULL;
    docx_fragment *f = calloc(1, sizeof *f);
    if (!f) {
        *oom = 1;
        return NULL;
    }
    int rc = collect_spans(tree, f);
    xmlDocPtr doc = NULL;
    docx_fields fields = {0};
    if (rc != 0)
        goto done;
    rc = -1;
    doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "body", NULL) : NULL;
    if (!root)
        goto done;
    xmlDocSetRootElement(doc, root);
    doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
    xmlNsPtr w = xmlNewNs(root, BAD_CAST W_NS, BAD_CAST "w");
    if (!doc->encoding || !w)
        goto done;
    xmlSetNs(root, w);
    docx_render_style st = *style;
    st.num_id = f->list ? MARK_NUM : 0;
    docx_render_ctx mark = {NULL, mark_value, mark_reference, NULL, 0};
    if (docx_render_tree(root, doc, w, tree, &st, &mark, &fields) != 0)
        goto done;
    size_t np = 0;
    for (xmlNodePtr p = root->children; p; p = p->next)
        np++;
    if (np != tree->nblocks || fields.count != f->nrefs) {
        rc = 1;
        goto done;
    }
    /* The texts, with the word of each reference marked (its result is
     * "#" in a stable text whatever it holds). */
    for (size_t k = 0; k < fields.count; k++) {
        char *word = docx_field_text(&fields.items[k], DOCX_FIELD_WORD);
        if (!word || docx_field_set(&fields.items[k], DOCX_FIELD_WORD, MARK_WORD) != 0) {
            free(word);
            goto done;
        }
        f->capital[k] = word[0] == 'C';
        free(word);
    }
    rc = cut_texts(tree, root->children, f);
    if (rc != 0)
        goto done;
    rc = -1;
    for (size_t k = 0; k < fields.count; k++)
        if (docx_field_set(&fields.items[k], DOCX_FIELD_INSTR, MARK_INSTR) != 0 ||
            docx_field_set(&fields.items[k], DOCX_FIELD_RESULT, MARK_RESULT) != 0)
            goto done;
    rc = cut_xml(tree, doc, root->children, f);
done:
    docx_fields_free(&fields);
    xmlFreeDoc(doc);
    if (rc != 0) {
        *oom = rc < 0;
        docx_fragment_free(f);
        return NULL;
    }
    return f;
}

/* ------------------------------------------------------------ filling */

int docx_fragment_value_fits(const char *v)
{
    if (!v || !*v)
        return 0;
    const unsigned char *s = (const unsigned char *)v;
    int prev_space = 1; /* none at the start */
    while (*s) {
        size_t len = utf8_char(s, NULL);
        if (!len)
            return 0;
        int space = is_space_char((char)*s);
        if (space && prev_space)
            return 0;
        prev_space = space;
        s += len;
    }
    return !prev_space;
}

/* The n bytes at s, escaped as docx_fragment_escape escapes. */
static void escape_n(strbuf *out, const char *s, size_t n)
{
    const char *run = s, *end = s + n;
    for (; s < end; s++) {
        const char *ent = *s == '&'    ? "&amp;"
                          : *s == '<'  ? "&lt;"
                          : *s == '>'  ? "&gt;"
                          : *s == '\r' ? "&#13;"
                                       : NULL;
        if (!ent)
            continue;
        strbuf_add(out, run, (size_t)(s - run));
        strbuf_adds(out, ent);
        run = s + 1;
    }
    strbuf_add(out, run, (size_t)(s - run));
}

void docx_fragment_escape(strbuf *out, const char *s)
{
    escape_n(out, s, strlen(s));
}

/* A value as a draft prints it: line breaks and tabs as spaces; escaped
 * for the serialization (xml 1) or as it is for the text. */
static void add_value(strbuf *out, const char *v, int xml)
{
    for (;;) {
        size_t n = strcspn(v, "\n\r\t");
        if (xml)
            escape_n(out, v, n);
        else
            strbuf_add(out, v, n);
        if (!v[n])
            return;
        strbuf_addc(out, ' ');
        v += n + 1;
    }
}

static void cut_write(const cut *c, const char *const *values, const docx_field *const *fields,
                      long num, int xml, strbuf *out)
{
    size_t pos = 0;
    for (size_t i = 0; i < c->nholes; i++) {
        const hole *h = &c->holes[i];
        strbuf_add(out, c->lit + pos, h->at - pos);
        pos = h->at;
        switch (h->kind) {
        case HOLE_VALUE:
            add_value(out, values[h->index], xml);
            break;
        case HOLE_NUM:
            strbuf_addf(out, "%ld", num);
            break;
        default: {
            const char *t = fields[h->index]->texts[h->kind - HOLE_WORD];
            t = t ? t : "";
            static const char open[] = "<w:t>", close[] = "</w:t>";
            const size_t no = sizeof open - 1, nc = sizeof close - 1;
            if (xml && !*t && out->len >= no && memcmp(out->s + out->len - no, open, no) == 0 &&
                c->len - pos >= nc && memcmp(c->lit + pos, close, nc) == 0) {
                /* An empty result: libxml2 writes an element without
                 * content as <w:t/>. */
                out->len -= no;
                strbuf_adds(out, "<w:t/>");
                pos += nc;
            } else if (xml) {
                docx_fragment_escape(out, t);
            } else {
                strbuf_adds(out, t);
            }
        }
        }
    }
    strbuf_add(out, c->lit + pos, c->len - pos);
}

int docx_fragment_write(const docx_fragment *f, const char *const *values,
                        const docx_field *const *fields, long num, strbuf *xml, char ***texts,
                        size_t *ntexts)
{
    *texts = NULL;
    *ntexts = 0;
    cut_write(&f->xml, values, fields, num, 1, xml);
    char **t = calloc(f->ntexts + 1, sizeof *t);
    if (!t || xml->failed) {
        free(t);
        return -1;
    }
    for (size_t i = 0; i < f->ntexts; i++) {
        strbuf b = {0};
        cut_write(&f->texts[i], values, fields, num, 0, &b);
        if (!(t[i] = strbuf_take(&b))) {
            while (i-- > 0)
                free(t[i]);
            free(t);
            return -1;
        }
    }
    *texts = t;
    *ntexts = f->ntexts;
    return 0;
}
