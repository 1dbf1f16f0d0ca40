/* The static regions of a template part: see docx_static.h. */
#include "docx_static.h"

#include "docx_clauses.h"
#include "docx_numbers.h"
#include "docx_text.h"
#include "manifest.h"
#include "package.h"

#include <libxml/encoding.h>
#include <libxml/xmlIO.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI_NAME "clasm-static"
#define PI_OPEN "<?" PI_NAME " "

/* The block of the body n is in (n itself, or its ancestor that is a child
 * of body), or NULL when n is not below body. */
static xmlNodePtr body_block(xmlNodePtr body, xmlNodePtr n)
{
    for (; n && n->parent; n = n->parent)
        if (n->parent == body)
            return n;
    return NULL;
}

/* What decides whether a block is static. */
typedef struct {
    docx_numbering *numbering; /* NULL: the template has no numbering */
    int has_styles;
    /* The counters clause headings count in (their numbers are what
     * references print), when they are numbered: a paragraph numbered in
     * other counters changes no number a draft prints. */
    int headings_numbered;
    docx_counters headings;
} judge;

static int text_has_brace(xmlNodePtr t)
{
    for (xmlNodePtr c = t->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content &&
            strpbrk((const char *)c->content, "{}"))
            return 1;
    return 0;
}

static int is_block_element(xmlNodePtr n)
{
    return docx_is_w(n, "p") || docx_is_w(n, "tbl") || docx_is_w(n, "sdt") ||
           docx_is_w(n, "customXml") || docx_is_w(n, "altChunk");
}

/* 1 when a table cell ends with a paragraph (a draft's repair leaves it). */
static int cell_complete(xmlNodePtr tc)
{
    xmlNodePtr last = NULL;
    for (xmlNodePtr k = tc->children; k; k = k->next)
        if (is_block_element(k))
            last = k;
    return last && docx_is_w(last, "p");
}

static int node_static(const judge *J, xmlNodePtr n);

/* 1 when every node of the list from n on is static (node_static). */
static int list_static(const judge *J, xmlNodePtr n)
{
    for (; n; n = n->next)
        if (!node_static(J, n))
            return 0;
    return 1;
}

/* 1 when nothing in n (n included) is something a draft may change or
 * count: a tag's brace, an id, a bookmark or comment range, a content
 * control or field, a numbered paragraph, a style the template lacks, a
 * cell a draft repairs, a processing instruction. */
static int node_static(const judge *J, xmlNodePtr n)
{
    {
        if (n->type == XML_PI_NODE)
            return 0;
        if (n->type != XML_ELEMENT_NODE)
            return 1;
        if (!n->ns || !n->ns->href || strcmp((const char *)n->ns->href, W_NS) != 0)
            return list_static(J, n->children);
        const char *name = (const char *)n->name;
        if (strcmp(name, "id") == 0 || strcmp(name, "bookmarkStart") == 0 ||
            strcmp(name, "bookmarkEnd") == 0 || strcmp(name, "commentRangeStart") == 0 ||
            strcmp(name, "commentRangeEnd") == 0 || strcmp(name, "sdt") == 0 ||
            strcmp(name, "fldSimple") == 0 || strcmp(name, "fldChar") == 0)
            return 0;
        if (xmlHasNsProp(n, BAD_CAST "id", BAD_CAST W_NS))
            return 0;
        if ((strcmp(name, "t") == 0 || strcmp(name, "instrText") == 0) && text_has_brace(n))
            return 0;
        if (strcmp(name, "tc") == 0 && !cell_complete(n))
            return 0;
        if (strcmp(name, "p") == 0) {
            docx_counters c;
            if (J->numbering && J->headings_numbered == 1 &&
                docx_numbering_abstract(J->numbering, n, &c) == 1 &&
                c.missing_num == J->headings.missing_num && c.abstract == J->headings.abstract)
                return 0;
            xmlNodePtr ps = docx_w_child(docx_w_child(n, "pPr"), "pStyle");
            xmlChar *sid = ps ? xmlGetNsProp(ps, BAD_CAST "val", BAD_CAST W_NS) : NULL;
            int known = !sid || (J->has_styles && J->numbering &&
                                 docx_numbering_has_style(J->numbering, (const char *)sid));
            xmlFree(sid);
            if (!known)
                return 0;
        }
        return list_static(J, n->children);
    }
}

/* 1 when the part holds a processing instruction of the splice's name. */
static int has_own_pi(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type == XML_PI_NODE && n->name && strcmp((const char *)n->name, PI_NAME) == 0)
            return 1;
        if (n->type == XML_ELEMENT_NODE && has_own_pi(n->children))
            return 1;
    }
    return 0;
}

/* One run while it is made: its blocks, moved into a holder element, and
 * the instruction in their place. */
typedef struct {
    xmlNodePtr holder;
    xmlNodePtr pi;
} pending_run;

/* The children of holder serialized as the part's tree serializes them. */
static unsigned char *serialize_run(xmlDocPtr doc, xmlNodePtr holder, size_t *len)
{
    xmlCharEncodingHandlerPtr utf8 = xmlFindCharEncodingHandler("UTF-8");
    xmlOutputBufferPtr ob = xmlAllocOutputBuffer(utf8);
    if (!ob)
        return NULL;
    for (xmlNodePtr n = holder->children; n; n = n->next)
        xmlNodeDumpOutput(ob, doc, n, 0, 0, "UTF-8");
    unsigned char *out = NULL;
    /* As xmlDocDumpMemoryEnc takes its result: the converted bytes when
     * the buffer has an encoder. */
    if (xmlOutputBufferFlush(ob) >= 0 && !ob->error) {
        const xmlChar *content = ob->conv ? xmlBufContent(ob->conv) : xmlBufContent(ob->buffer);
        size_t n = ob->conv ? xmlBufUse(ob->conv) : xmlBufUse(ob->buffer);
        out = malloc(n ? n : 1);
        if (out && content) {
            memcpy(out, content, n);
            *len = n;
        } else if (out && n == 0) {
            *len = 0;
        } else {
            free(out);
            out = NULL;
        }
    }
    xmlOutputBufferClose(ob);
    return out;
}

/* Puts the blocks of each run back in place of its instruction. */
static void undo_runs(pending_run *runs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pending_run *r = &runs[i];
        if (r->pi) {
            while (r->holder && r->holder->children) {
                xmlNodePtr b = r->holder->children;
                xmlUnlinkNode(b);
                xmlAddPrevSibling(r->pi, b);
            }
            xmlUnlinkNode(r->pi);
            xmlFreeNode(r->pi);
        }
        xmlFreeNode(r->holder);
        r->pi = r->holder = NULL;
    }
}

void docx_statics_free(docx_statics *s)
{
    for (size_t i = 0; s && i < s->count; i++) {
        free(s->runs[i].text);
        free(s->runs[i].keys);
    }
    if (s) {
        free(s->runs);
        memset(s, 0, sizeof *s);
    }
}

/* The first occurrence of needle (n bytes) in hay, or NULL. */
static const unsigned char *find(const unsigned char *hay, size_t len, const char *needle, size_t n)
{
    while (len >= n) {
        const unsigned char *lt = memchr(hay, needle[0], len - n + 1);
        if (!lt)
            return NULL;
        if (memcmp(lt, needle, n) == 0)
            return lt;
        len -= (size_t)(lt - hay) + 1;
        hay = lt + 1;
    }
    return NULL;
}

xmlNodePtr docx_statics_instruction(xmlDocPtr doc, size_t n)
{
    char data[24];
    snprintf(data, sizeof data, "%zu", n);
    return xmlNewDocPI(doc, BAD_CAST PI_NAME, BAD_CAST data);
}

unsigned char *docx_statics_splice(const docx_statics *s, const docx_statics *more,
                                   const unsigned char *xml, size_t len, size_t *out_len)
{
    static const char open[] = PI_OPEN;
    const size_t olen = sizeof open - 1;
    size_t nmore = more ? more->count : 0, room = len + s->bytes + (more ? more->bytes : 0);
    unsigned char *out = malloc(room + 1);
    if (!out)
        return NULL;
    size_t o = 0, i = 0;
    while (i < len) {
        const unsigned char *hit = find(xml + i, len - i, open, olen);
        size_t upto = hit ? (size_t)(hit - xml) : len;
        memcpy(out + o, xml + i, upto - i);
        o += upto - i;
        if (!hit)
            break;
        /* "<?clasm-static N?>" */
        size_t k = upto + olen, n = 0;
        int digits = 0;
        while (k < len && xml[k] >= '0' && xml[k] <= '9' && digits < 9) {
            n = n * 10 + (size_t)(xml[k++] - '0');
            digits++;
        }
        const docx_static_run *run = !digits                ? NULL
                                     : n < s->count         ? &s->runs[n]
                                     : n - s->count < nmore ? &more->runs[n - s->count]
                                                            : NULL;
        if (!run || k + 1 >= len || xml[k] != '?' || xml[k + 1] != '>' || o + run->len > room) {
            free(out);
            return NULL;
        }
        memcpy(out + o, run->text, run->len);
        o += run->len;
        i = k + 2;
    }
    *out_len = o;
    return out;
}

/* The keys of the paragraphs of a run's blocks (in holder). 0, or -1. */
static int run_keys(xmlNodePtr holder, docx_static_run *r)
{
    xmlNodePtr *ps = NULL;
    size_t n = docx_paragraphs_below(holder, &ps);
    if (n && !ps)
        return -1;
    r->keys = calloc(n + 1, sizeof *r->keys);
    int rc = r->keys ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (docx_paragraph_nested(ps[i]))
            continue; /* a text box's: not recorded (manifest.h) */
        int k = manifest_paragraph_key(ps[i], r->keys[r->nkeys]);
        if (k < 0)
            rc = -1;
        else
            r->nkeys += (size_t)k;
    }
    free(ps);
    return rc;
}

int docx_statics_make(xmlDocPtr doc, xmlNodePtr const *keep, size_t nkeep, xmlDocPtr styles,
                      xmlDocPtr numbering, docx_statics *out)
{
    memset(out, 0, sizeof *out);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr body = docx_w_child(root, "body");
    if (!body || has_own_pi(doc->children))
        return 0;
    judge J = {NULL, styles != NULL, 0, {0, 0}};
    if ((styles || numbering) && !(J.numbering = docx_numbering_new(styles, numbering)))
        return -1;
    const char *heading = docx_heading_style(styles);
    if (J.numbering && heading &&
        (J.headings_numbered = docx_numbering_style_abstract(J.numbering, heading, &J.headings)) <
            0) {
        docx_numbering_free(J.numbering);
        return -1;
    }
    size_t nblocks = 0;
    for (xmlNodePtr b = body->children; b; b = b->next)
        nblocks++;
    /* Which blocks stay: those holding a marker, and all that are not
     * static paragraphs or tables. */
    xmlNodePtr *blocks = calloc(nblocks + 1, sizeof *blocks);
    char *stays = calloc(nblocks + 1, 1);
    pending_run *runs = calloc(nblocks / 2 + 2, sizeof *runs);
    int rc = -1;
    size_t nruns = 0;
    xmlChar *before = NULL, *after = NULL;
    if (!blocks || !stays || !runs)
        goto done;
    size_t idx = 0;
    for (xmlNodePtr b = body->children; b; b = b->next, idx++) {
        blocks[idx] = b;
        stays[idx] = !(docx_is_w(b, "p") || docx_is_w(b, "tbl")) || !node_static(&J, b);
    }
    for (size_t k = 0; k < nkeep; k++) {
        xmlNodePtr kb = body_block(body, keep[k]);
        for (size_t i = 0; kb && i < nblocks; i++)
            if (blocks[i] == kb)
                stays[i] = 1;
    }
    /* The whole part serialized, to check the splice against. */
    int blen = 0;
    before = pkg_serialize_xml(doc, &blen);
    if (before && find(before, (size_t)blen, PI_OPEN, sizeof PI_OPEN - 1)) {
        /* The instruction's text is in the part already (a comment or a
         * CDATA section holds it as it is): the splice would take it for
         * one. No statics. */
        rc = 1;
        goto done;
    }
    out->runs = before ? calloc(nblocks / 2 + 2, sizeof *out->runs) : NULL;
    if (!out->runs)
        goto done;
    /* Each run of static blocks: moved into a holder, serialized, and one
     * instruction in its place. */
    for (size_t i = 0; i < nblocks;) {
        if (stays[i]) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < nblocks && !stays[j + 1])
            j++;
        pending_run *p = &runs[nruns];
        p->pi = docx_statics_instruction(doc, nruns);
        p->holder = xmlNewDocNode(doc, NULL, BAD_CAST "holder", NULL);
        if (!p->pi || !p->holder || !xmlAddPrevSibling(blocks[i], p->pi)) {
            xmlFreeNode(p->pi);
            xmlFreeNode(p->holder);
            p->pi = p->holder = NULL;
            goto done;
        }
        nruns++;
        for (size_t k = i; k <= j; k++) {
            xmlUnlinkNode(blocks[k]);
            xmlAddChild(p->holder, blocks[k]);
        }
        docx_static_run *r = &out->runs[out->count];
        if (!(r->text = serialize_run(doc, p->holder, &r->len)))
            goto done;
        out->count++;
        out->bytes += r->len;
        i = j + 1;
    }
    /* The check: the spliced skeleton is the part as it was. */
    int alen = 0;
    after = pkg_serialize_xml(doc, &alen);
    if (!after)
        goto done;
    size_t slen = 0;
    unsigned char *spliced = docx_statics_splice(out, NULL, after, (size_t)alen, &slen);
    if (!spliced)
        goto done;
    int same = slen == (size_t)blen && memcmp(spliced, before, slen) == 0;
    free(spliced);
    if (!same) {
        /* Not what a draft of the whole tree would have: no statics. */
        rc = 1;
        goto done;
    }
    for (size_t i = 0; i < nruns; i++)
        if (run_keys(runs[i].holder, &out->runs[i]) != 0)
            goto done;
    for (size_t i = 0; i < nruns; i++) {
        xmlFreeNode(runs[i].holder); /* the blocks with it */
        runs[i].holder = runs[i].pi = NULL;
    }
    out->clean = 1;
    rc = 0;
done:
    if (rc != 0) {
        /* Every run back in place: the tree as it was. */
        undo_runs(runs, nruns);
        docx_statics_free(out);
        rc = rc == 1 ? 0 : -1;
    }
    xmlFree(before);
    xmlFree(after);
    free(runs);
    free(stays);
    free(blocks);
    docx_numbering_free(J.numbering);
    return rc;
}
