/* A clause tree as WordprocessingML: see docx_render.h. */
#include "docx_render.h"

#include "docx_text.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* “ and ”: how the definition of a term is quoted. */
#define OPEN_QUOTE "\xE2\x80\x9C"
#define CLOSE_QUOTE "\xE2\x80\x9D"

void docx_fields_free(docx_fields *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->items[i].bookmark);
        for (int k = 0; k < 3; k++)
            free(f->items[i].texts[k]);
    }
    free(f->items);
    f->items = NULL;
    f->count = f->cap = 0;
}

void docx_ref_instruction(char *out, size_t size, const char *bookmark, int numbered)
{
    snprintf(out, size, numbered ? " REF %s \\w \\h " : " REF %s \\h ", bookmark);
}

long docx_fields_add_texts(docx_fields *f, const char *bookmark, int capital)
{
    docx_field *g = array_grow(f->items, &f->cap, f->count + 1, sizeof *g);
    if (!g)
        return -1;
    f->items = g;
    char instr[128];
    docx_ref_instruction(instr, sizeof instr, bookmark, 1);
    docx_field x = {NULL,
                    NULL,
                    NULL,
                    strdup(bookmark),
                    {strdup(capital ? "Clause " : "clause "), strdup(instr), strdup("?")}};
    if (!x.bookmark || !x.texts[0] || !x.texts[1] || !x.texts[2]) {
        free(x.bookmark);
        for (int k = 0; k < 3; k++)
            free(x.texts[k]);
        return -1;
    }
    g[f->count] = x;
    return (long)f->count++;
}

static xmlNodePtr field_node(const docx_field *f, docx_field_part part)
{
    return part == DOCX_FIELD_WORD ? f->prefix : part == DOCX_FIELD_INSTR ? f->instr : f->result;
}

char *docx_field_text(const docx_field *f, docx_field_part part)
{
    xmlNodePtr n = field_node(f, part);
    if (!n)
        return f->texts[part] ? strdup(f->texts[part]) : NULL;
    xmlChar *s = xmlNodeGetContent(n);
    char *out = s ? strdup((const char *)s) : NULL;
    xmlFree(s);
    return out;
}

int docx_field_set(docx_field *f, docx_field_part part, const char *text)
{
    xmlNodePtr n = field_node(f, part);
    if (!n) {
        char *copy = strdup(text);
        if (!copy)
            return -1;
        free(f->texts[part]);
        f->texts[part] = copy;
        return 0;
    }
    while (n->children) {
        xmlNodePtr c = n->children;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    /* Nothing for "": the element is then empty, <w:t/>. */
    xmlNodeAddContent(n, BAD_CAST text);
    return *text && !n->children ? -1 : 0;
}

static xmlNodePtr child(xmlNodePtr parent, xmlNsPtr w, const char *name, const char *val)
{
    xmlNodePtr n = xmlNewChild(parent, w, BAD_CAST name, NULL);
    if (n && val && !xmlNewNsProp(n, w, BAD_CAST "val", BAD_CAST val))
        return NULL;
    return n;
}

/* Runs of one paragraph: text is gathered while the formatting stays the
 * same and written as one run. */
typedef struct {
    xmlDocPtr doc;
    xmlNsPtr w;
    xmlNodePtr p;
    strbuf text;
    int italic, bold;
    int at_start; /* nothing written in the paragraph yet */
    int failed;
} runs;

static xmlNodePtr new_run(runs *R, int italic, int bold)
{
    xmlNodePtr r = xmlNewChild(R->p, R->w, BAD_CAST "r", NULL);
    if (r && (italic || bold)) {
        xmlNodePtr rpr = xmlNewChild(r, R->w, BAD_CAST "rPr", NULL);
        if (!rpr || (bold && !child(rpr, R->w, "b", NULL)) ||
            (italic && !child(rpr, R->w, "i", NULL)))
            return NULL;
    }
    return r;
}

/* A w:t holding s in run r. */
static xmlNodePtr add_t(runs *R, xmlNodePtr r, const char *s, size_t n)
{
    xmlNodePtr t = xmlNewChild(r, R->w, BAD_CAST "t", NULL);
    xmlNodePtr txt = t ? xmlNewDocTextLen(R->doc, BAD_CAST s, (int)n) : NULL;
    if (!txt)
        return NULL;
    xmlAddChild(t, txt);
    docx_preserve_spaces(t, s, n);
    return t;
}

static void flush(runs *R)
{
    if (R->text.failed)
        R->failed = 1;
    if (R->failed || R->text.len == 0)
        return;
    xmlNodePtr r = new_run(R, R->italic, R->bold);
    if (!r || !add_t(R, r, strbuf_str(&R->text), R->text.len))
        R->failed = 1;
    R->text.len = 0;
    R->at_start = 0;
}

/* Adds text in the given formatting; line breaks and tabs of values become
 * spaces (a value is one line of a sentence). */
static void add_text(runs *R, const char *s, int italic, int bold)
{
    if (italic != R->italic || bold != R->bold) {
        flush(R);
        R->italic = italic;
        R->bold = bold;
    }
    for (const char *c = s; *c; c++)
        strbuf_addc(&R->text, (*c == '\n' || *c == '\r' || *c == '\t') ? ' ' : *c);
}

/* 1 when text that ends a sentence precedes (or nothing does): the next
 * word takes a capital. */
static int sentence_start(const runs *R)
{
    const char *s = strbuf_str(&R->text);
    size_t n = R->text.len;
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n == 0)
        return R->at_start;
    return s[n - 1] == '.' || s[n - 1] == '?' || s[n - 1] == '!';
}

/* "clause " and a REF field to bookmark, its result to be set when the
 * numbers are known: begin, instruction, separate, result, end, each a
 * run. */
static void add_field(runs *R, const char *bookmark, int italic, docx_fields *fields)
{
    const char *word = sentence_start(R) ? "Clause " : "clause ";
    flush(R);
    if (R->failed)
        return;
    char instr[128];
    docx_ref_instruction(instr, sizeof instr, bookmark, 1);
    static const char *const chars[] = {NULL, "begin", NULL, "separate", NULL, "end"};
    xmlNodePtr prefix = NULL, instr_node = NULL, result = NULL;
    for (int k = 0; k < 6; k++) {
        xmlNodePtr r = new_run(R, italic, 0);
        if (!r) {
            R->failed = 1;
            return;
        }
        if (k == 0) {
            prefix = add_t(R, r, word, strlen(word));
            if (!prefix) {
                R->failed = 1;
                return;
            }
        } else if (k == 2) {
            instr_node = xmlNewChild(r, R->w, BAD_CAST "instrText", NULL);
            xmlNodePtr txt = instr_node ? xmlNewDocText(R->doc, BAD_CAST instr) : NULL;
            if (!txt) {
                R->failed = 1;
                return;
            }
            xmlAddChild(instr_node, txt);
            docx_preserve_spaces(instr_node, instr, strlen(instr));
        } else if (k == 4) {
            /* Filled with the number once the draft is complete. */
            result = add_t(R, r, "?", 1);
            if (!result) {
                R->failed = 1;
                return;
            }
        } else {
            xmlNodePtr fc = xmlNewChild(r, R->w, BAD_CAST "fldChar", NULL);
            if (!fc || !xmlNewNsProp(fc, R->w, BAD_CAST "fldCharType", BAD_CAST chars[k])) {
                R->failed = 1;
                return;
            }
        }
    }
    R->at_start = 0;
    docx_field *g = array_grow(fields->items, &fields->cap, fields->count + 1, sizeof *g);
    char *name = strdup(bookmark);
    if (!g || !name) {
        free(name);
        R->failed = 1;
        return;
    }
    fields->items = g;
    g[fields->count++] = (docx_field){prefix, instr_node, result, name, {NULL, NULL, NULL}};
}

/* The spans of one block into the paragraph's runs. */
static void add_spans(runs *R, const ct_block *b, const docx_render_ctx *rc, docx_fields *fields)
{
    for (size_t i = 0; i < b->nspans && !R->failed; i++) {
        const ct_span *s = &b->spans[i];
        switch (s->kind) {
        case CT_TEXT:
        case CT_TERM:
            add_text(R, s->text, s->italic, 0);
            break;
        case CT_TERM_DEF:
            add_text(R, OPEN_QUOTE, s->italic, 1);
            add_text(R, s->text, s->italic, 1);
            add_text(R, CLOSE_QUOTE, s->italic, 1);
            break;
        case CT_VALUE: {
            const char *v = rc->value ? rc->value(rc->ctx, s) : NULL;
            if (v)
                add_text(R, v, s->italic, 0);
            break;
        }
        case CT_REF: {
            const char *bm = rc->reference ? rc->reference(rc->ctx, s) : NULL;
            if (bm) {
                if (s->italic != R->italic || R->bold) {
                    flush(R);
                    R->italic = s->italic;
                    R->bold = 0;
                }
                add_field(R, bm, s->italic, fields);
            } else if (s->alt) {
                add_text(R, s->alt, s->italic, 0);
            }
            break;
        }
        }
    }
}

/* A new paragraph for a block, with its style and list numbering. */
static xmlNodePtr new_paragraph(xmlDocPtr doc, xmlNsPtr w, int level,
                                const docx_render_style *style)
{
    xmlNodePtr p = xmlNewDocNode(doc, w, BAD_CAST "p", NULL);
    if (!p)
        return NULL;
    const char *pstyle = level >= 0 ? style->list_style : style->body_style;
    int numbered = level >= 0 && style->num_id > 0;
    if (pstyle || numbered) {
        xmlNodePtr ppr = xmlNewChild(p, w, BAD_CAST "pPr", NULL);
        int ok = ppr != NULL;
        if (ok && pstyle)
            ok = child(ppr, w, "pStyle", pstyle) != NULL;
        if (ok && numbered) {
            char lvl[16], num[16];
            snprintf(lvl, sizeof lvl, "%d", level);
            snprintf(num, sizeof num, "%d", style->num_id);
            xmlNodePtr numpr = xmlNewChild(ppr, w, BAD_CAST "numPr", NULL);
            ok = numpr && child(numpr, w, "ilvl", lvl) && child(numpr, w, "numId", num);
        }
        if (!ok) {
            xmlFreeNode(p);
            return NULL;
        }
    }
    return p;
}

/* Renders blocks [from, n) of tree; the first one may continue an open
 * paragraph (a definition's text after its term). */
static int render_blocks(xmlNodePtr parent, runs *R, const ct_tree *tree, size_t from,
                         const docx_render_style *style, const docx_render_ctx *rc,
                         docx_fields *fields, int in_definition)
{
    for (size_t i = from; i < tree->nblocks && !R->failed; i++) {
        const ct_block *b = &tree->blocks[i];
        if (b->definitions && in_definition)
            continue; /* a list of definitions inside a definition: nothing (lint says so) */
        if (b->definitions) {
            for (size_t d = 0; d < rc->ndefinitions && !R->failed; d++) {
                const docx_definition *def = &rc->definitions[d];
                R->p = new_paragraph(R->doc, R->w, CT_BODY, style);
                if (!R->p || !xmlAddChild(parent, R->p)) {
                    xmlFreeNode(R->p);
                    return -1;
                }
                R->italic = R->bold = 0;
                R->at_start = 0;
                add_text(R, OPEN_QUOTE, 0, 1);
                add_text(R, def->term, 0, 1);
                add_text(R, CLOSE_QUOTE, 0, 1);
                add_text(R, " ", 0, 0);
                if (def->tree->nblocks > 0)
                    add_spans(R, &def->tree->blocks[0], rc, fields);
                flush(R);
                if (render_blocks(parent, R, def->tree, 1, style, rc, fields, 1) != 0)
                    return -1;
            }
            continue;
        }
        R->p = new_paragraph(R->doc, R->w, b->level, style);
        if (!R->p || !xmlAddChild(parent, R->p)) {
            xmlFreeNode(R->p);
            return -1;
        }
        R->italic = R->bold = 0;
        R->at_start = 1;
        add_spans(R, b, rc, fields);
        flush(R);
    }
    return R->failed ? -1 : 0;
}

int docx_render_tree(xmlNodePtr parent, xmlDocPtr doc, xmlNsPtr w, const ct_tree *tree,
                     const docx_render_style *style, const docx_render_ctx *rc, docx_fields *fields)
{
    runs R = {.doc = doc, .w = w};
    int rc_ = render_blocks(parent, &R, tree, 0, style, rc, fields, 0);
    strbuf_free(&R.text);
    return rc_;
}

xmlNodePtr docx_render_heading(xmlDocPtr doc, xmlNsPtr w, const char *style, const char *text,
                               const char *bookmark, long bookmark_id)
{
    xmlNodePtr p = xmlNewDocNode(doc, w, BAD_CAST "p", NULL);
    xmlNodePtr ppr = p ? xmlNewChild(p, w, BAD_CAST "pPr", NULL) : NULL;
    int ok = ppr && child(ppr, w, "pStyle", style);
    char id[32];
    snprintf(id, sizeof id, "%ld", bookmark_id);
    if (ok && bookmark) {
        xmlNodePtr bs = xmlNewChild(p, w, BAD_CAST "bookmarkStart", NULL);
        ok = bs && xmlNewNsProp(bs, w, BAD_CAST "id", BAD_CAST id) &&
             xmlNewNsProp(bs, w, BAD_CAST "name", BAD_CAST bookmark);
    }
    xmlNodePtr r = ok ? xmlNewChild(p, w, BAD_CAST "r", NULL) : NULL;
    xmlNodePtr t = r ? xmlNewChild(r, w, BAD_CAST "t", NULL) : NULL;
    xmlNodePtr txt = t ? xmlNewDocText(doc, BAD_CAST text) : NULL;
    ok = txt != NULL;
    if (ok) {
        xmlAddChild(t, txt);
        docx_preserve_spaces(t, text, strlen(text));
    }
    if (ok && bookmark) {
        xmlNodePtr be = xmlNewChild(p, w, BAD_CAST "bookmarkEnd", NULL);
        ok = be && xmlNewNsProp(be, w, BAD_CAST "id", BAD_CAST id);
    }
    if (!ok) {
        xmlFreeNode(p);
        return NULL;
    }
    return p;
}
