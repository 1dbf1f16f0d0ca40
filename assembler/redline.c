/* clasm redline: a returned draft with every clause that deviates from its
 * approved texts, or was removed, restored as Word tracked changes, and a
 * comment on each saying what the playbook says and who must approve.
 * Everything else in the draft is left as the other side wrote it. */
#include "clasm.h"

#include "diag.h"
#include "docx_numbers.h"
#include "docx_text.h"
#include "docx_track.h"
#include "inspect_core.h"
#include "iso_time.h"
#include "manifest.h"
#include "package.h"
#include "strbuf.h"
#include "strfmt.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The approved text of mc at position (the drafted one when it is the
 * drafted position): its paragraphs, or NULL when it has none. */
typedef struct {
    const char *const *paras;
    size_t n;
    const char *const *refs;
    size_t nrefs;
    const signed char *levels;
} approved;

static int approved_body(const manifest_clause *mc, int position, approved *out)
{
    memset(out, 0, sizeof *out);
    if (position == mc->position) {
        *out = (approved){(const char *const *)mc->paragraphs, mc->nparagraphs,
                          (const char *const *)mc->refs, mc->nrefs, mc->levels};
        return 1;
    }
    for (size_t t = 0; t < mc->ntexts; t++)
        if (mc->texts[t].position == position) {
            const manifest_text *x = &mc->texts[t];
            *out = (approved){(const char *const *)x->paragraphs, x->nparagraphs,
                              (const char *const *)x->refs, x->nrefs, x->levels};
            return 1;
        }
    return 0;
}

/* The references of the returned draft: each REF field's bookmark and the
 * result it shows, so that a reference restored shows the number the
 * draft shows for it; and whether references give numbers (\\w). */
typedef struct {
    char **bookmarks, **results;
    size_t n;
    int numbered;
} draft_refs;

static int read_draft_refs(xmlDocPtr doc, draft_refs *r)
{
    memset(r, 0, sizeof *r);
    r->numbered = 1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root)
        return 0;
    if (docx_ref_fields(root, &r->bookmarks, &r->results, &r->n) != 0)
        return -1;
    return 0;
}

static void draft_refs_free(draft_refs *r)
{
    docx_ref_bookmarks_free(r->bookmarks, r->n);
    docx_ref_bookmarks_free(r->results, r->n);
}

/* The result the draft shows for a reference to bookmark, or NULL. */
static const char *shown_result(const draft_refs *r, const char *bookmark)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->bookmarks[i], bookmark) == 0 && r->results[i] && *r->results[i])
            return r->results[i];
    return NULL;
}

/* Puts bookmark name around the content of paragraph p (a heading clasm
 * restored), so that references to it resolve again. 0, or -1. */
static int add_bookmark(xmlNodePtr p, const char *name, docx_track *t)
{
    xmlNsPtr w = xmlSearchNsByHref(p->doc, p, BAD_CAST W_NS);
    if (!w)
        return -1;
    char id[32];
    snprintf(id, sizeof id, "%ld", t->next_id++);
    xmlNodePtr start = xmlNewDocNode(p->doc, w, BAD_CAST "bookmarkStart", NULL);
    xmlNodePtr end = start ? xmlNewDocNode(p->doc, w, BAD_CAST "bookmarkEnd", NULL) : NULL;
    if (!end || !xmlNewNsProp(start, w, BAD_CAST "id", BAD_CAST id) ||
        !xmlNewNsProp(start, w, BAD_CAST "name", BAD_CAST name) ||
        !xmlNewNsProp(end, w, BAD_CAST "id", BAD_CAST id)) {
        xmlFreeNode(start);
        xmlFreeNode(end);
        return -1;
    }
    xmlNodePtr ppr = docx_w_child(p, "pPr");
    if (ppr)
        xmlAddNextSibling(ppr, start);
    else if (p->children)
        xmlAddPrevSibling(p->children, start);
    else
        xmlAddChild(p, start);
    xmlAddChild(p, end);
    return 0;
}

/* The references a redline made, to number them once every paragraph is
 * in place. */
typedef struct {
    xmlNodePtr *results; /* the w:t showing each one's result */
    const char **bookmarks;
    size_t n, cap;
} made_refs;

static int note_made(void *ctx, xmlNodePtr result, const char *bookmark)
{
    made_refs *m = ctx;
    if (!result || !bookmark)
        return 0;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        xmlNodePtr *r = realloc(m->results, cap * sizeof *r);
        if (!r)
            return -1;
        m->results = r;
        const char **b = realloc(m->bookmarks, cap * sizeof *b);
        if (!b)
            return -1;
        m->bookmarks = b;
        m->cap = cap;
    }
    m->results[m->n] = result;
    m->bookmarks[m->n++] = bookmark;
    return 0;
}

static int cmp_label(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const docx_label *)a)->p, y = (uintptr_t)((const docx_label *)b)->p;
    return x < y ? -1 : x > y;
}

/* A part related to the main part (styles, numbering), parsed; NULL when
 * there is none. */
static xmlDocPtr related_doc(const pkg *p, const char *main_part, const char *type)
{
    const char *found[1];
    if (!pkg_related(p, main_part, type, found, 1))
        return NULL;
    const char *part = found[0][0] == '/' ? found[0] + 1 : found[0];
    size_t len = 0;
    const unsigned char *bytes = pkg_bytes(p, part, &len);
    clasm_diags quiet;
    clasm_diags_init(&quiet);
    xmlDocPtr doc = bytes ? pkg_parse_xml_bytes(bytes, len, pkg_name(p), part, &quiet) : NULL;
    clasm_diags_free(&quiet);
    return doc;
}

/* The references made show the numbers of their clauses' headings as the
 * draft now numbers them (the changes accepted), where the heading is
 * numbered. 0, or -1 when out of memory. */
static int number_made(const pkg *p, const char *main_part, xmlDocPtr doc, const made_refs *m)
{
    if (!m->n)
        return 0;
    xmlDocPtr styles = related_doc(p, main_part, "styles");
    xmlDocPtr numbering = related_doc(p, main_part, "numbering");
    docx_label *labels = NULL;
    size_t nl = docx_number_labels(doc, styles, numbering, &labels);
    docx_bookmark *bm = NULL;
    size_t nbm = 0;
    int rc = nl == (size_t)-1 ? -1 : docx_bookmarks(xmlDocGetRootElement(doc), &bm, &nbm);
    /* Both looked up by search: a draft may hold thousands of each. */
    if (rc == 0 && nl)
        qsort(labels, nl, sizeof *labels, cmp_label);
    for (size_t i = 0; rc == 0 && i < m->n; i++) {
        const docx_bookmark *b = docx_bookmark_find(bm, nbm, m->bookmarks[i]);
        docx_label lk = {b ? b->p : NULL, NULL};
        const docx_label *l =
            b && b->p && nl ? bsearch(&lk, labels, nl, sizeof *labels, cmp_label) : NULL;
        if (l) {
            char num[64];
            docx_label_for_reference(l->label, num, sizeof num);
            xmlNodeSetContent(m->results[i], NULL);
            xmlNodeAddContent(m->results[i], BAD_CAST num);
        }
    }
    docx_bookmarks_free(bm, nbm);
    if (nl != (size_t)-1)
        docx_labels_free(labels, nl);
    xmlFreeDoc(styles);
    xmlFreeDoc(numbering);
    return rc;
}

/* The draft's numbering part, kept by the edit once a restored list needs
 * numbers of its own. */
typedef struct {
    pkg_edit *e;
    const char *main_part;
    int tried;
    char *part;
    xmlDocPtr doc;
    long next_id;
} numbering_edit;

/* The numbering part, once (NULL when the draft has none). */
static xmlDocPtr numbering_doc(numbering_edit *ne)
{
    if (ne->tried)
        return ne->doc;
    ne->tried = 1;
    const char *found[1];
    if (!pkg_related(pkg_edit_base(ne->e), ne->main_part, "numbering", found, 1))
        return NULL;
    ne->part = strdup(found[0][0] == '/' ? found[0] + 1 : found[0]);
    if (!ne->part)
        return NULL;
    clasm_diags quiet;
    clasm_diags_init(&quiet);
    ne->doc = pkg_edit_xml(ne->e, ne->part, &quiet);
    clasm_diags_free(&quiet);
    xmlNodePtr root = ne->doc ? xmlDocGetRootElement(ne->doc) : NULL;
    for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next)
        if (docx_is_w(c, "num")) {
            long id = docx_w_attr_long(c, "numId", 0);
            if (id >= ne->next_id)
                ne->next_id = id + 1;
        }
    if (ne->next_id < 1)
        ne->next_id = 1;
    return ne->doc;
}

/* A new w:num over the same abstract numbering as num like, restarting
 * levels 0 and 1: the restored clause's list counts (a), (b), ... again.
 * Its id, 0 when it cannot be made (no numbering part, no such num), -1
 * when out of memory. */
static long restart_num(numbering_edit *ne, long like)
{
    xmlDocPtr doc = numbering_doc(ne);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root)
        return 0;
    long abstract = -1;
    xmlNodePtr last_num = NULL, cleanup = NULL;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (docx_is_w(c, "num")) {
            last_num = c;
            if (docx_w_attr_long(c, "numId", -1) == like)
                abstract = docx_w_attr_long(docx_w_child(c, "abstractNumId"), "val", -1);
        } else if (docx_is_w(c, "numIdMacAtCleanup")) {
            cleanup = c;
        }
    }
    xmlNsPtr w = xmlSearchNsByHref(doc, root, BAD_CAST W_NS);
    if (abstract < 0 || !w)
        return 0;
    long id = ne->next_id++;
    char buf[32];
    xmlNodePtr num = xmlNewDocNode(doc, w, BAD_CAST "num", NULL);
    int ok = num != NULL;
    snprintf(buf, sizeof buf, "%ld", id);
    ok = ok && xmlNewNsProp(num, w, BAD_CAST "numId", BAD_CAST buf);
    xmlNodePtr an = ok ? xmlNewChild(num, w, BAD_CAST "abstractNumId", NULL) : NULL;
    snprintf(buf, sizeof buf, "%ld", abstract);
    ok = an && xmlNewNsProp(an, w, BAD_CAST "val", BAD_CAST buf);
    for (int l = 0; ok && l < 2; l++) {
        xmlNodePtr o = xmlNewChild(num, w, BAD_CAST "lvlOverride", NULL);
        xmlNodePtr so = o ? xmlNewChild(o, w, BAD_CAST "startOverride", NULL) : NULL;
        snprintf(buf, sizeof buf, "%d", l);
        ok = so && xmlNewNsProp(o, w, BAD_CAST "ilvl", BAD_CAST buf) &&
             xmlNewNsProp(so, w, BAD_CAST "val", BAD_CAST "1");
    }
    if (!ok || pkg_edit_changed(ne->e, ne->part) != 0) {
        xmlFreeNode(num);
        return -1;
    }
    if (cleanup)
        xmlAddPrevSibling(cleanup, num);
    else if (last_num)
        xmlAddNextSibling(last_num, num);
    else
        xmlAddChild(root, num);
    return id;
}

/* A clause's approved text with where its references point, and what its
 * restored paragraphs look like. */
typedef struct {
    const char *const *want; /* title, then the body paragraphs */
    size_t n;
    const char *const *refs;
    size_t nrefs;
    const signed char *levels; /* per body paragraph; NULL: all body text */
    const draft_refs *shown;
    made_refs *made;
    xmlNodePtr list_like, body_like; /* a clause list item and body paragraph of the draft */
    numbering_edit *numbering;
    long restart;               /* the restored list's numbering: 0 until made */
    size_t *refs_before;        /* per target paragraph: the references before it (prepare_refs) */
    const char **results;       /* per reference: the result the draft shows, or NULL */
    xmlNodePtr head_like;       /* a clause heading of the draft */
    xmlNodePtr own_list;        /* a list item of this clause as returned, or NULL */
    const char *bookmark;       /* its heading's bookmark, to restore when the draft lost it */
    const docx_bookmark *marks; /* the draft's bookmarks as returned (docx_bookmarks) */
    size_t nmarks;
    size_t unrestored; /* paragraphs that could not be changed (a field across paragraphs) */
} target_text;

/* The references of target paragraph j on, showing what the draft shows
 * (prepare_refs). */
static docx_track_refs refs_from(const target_text *tt, size_t j)
{
    docx_track_refs r = {tt->refs,  tt->results, tt->nrefs, tt->refs_before[j], tt->shown->numbered,
                         note_made, tt->made};
    return r;
}

/* A clause's references before each of its target paragraphs, and the
 * result each shows in the draft: worked out once per clause. 0, or -1. */
static int prepare_refs(target_text *tt)
{
    tt->refs_before = calloc(tt->n + 1, sizeof *tt->refs_before);
    tt->results = calloc(tt->nrefs + 1, sizeof *tt->results);
    if (!tt->refs_before || !tt->results)
        return -1;
    for (size_t k = 0; k < tt->n; k++) {
        size_t here = 0;
        for (const char *q = tt->want[k]; (q = docx_track_next_ref(tt->want[k], q)) != NULL; q++)
            here++;
        tt->refs_before[k + 1] = tt->refs_before[k] + here;
    }
    for (size_t k = 0; k < tt->nrefs; k++)
        tt->results[k] = shown_result(tt->shown, tt->refs[k]);
    return 0;
}

/* Makes restored paragraph np (a copy of a list item's properties) item
 * of level of the clause's own list. 0, or -1 when out of memory. */
static int make_item(target_text *tt, xmlNodePtr np, int level, int own)
{
    xmlNodePtr numpr = docx_w_child(docx_w_child(np, "pPr"), "numPr");
    xmlNodePtr ilvl = docx_w_child(numpr, "ilvl"), numid = docx_w_child(numpr, "numId");
    if (!ilvl || !numid)
        return 0;
    if (own)
        tt->restart = -2; /* the clause's own list: its numbering as it is */
    if (!tt->restart) {
        long r = restart_num(tt->numbering, docx_w_attr_long(numid, "val", -1));
        if (r < 0)
            return -1;
        tt->restart = r ? r : -2; /* -2: none can be made; keep the copied one */
    }
    xmlNsPtr w = numpr->ns;
    char buf[32];
    snprintf(buf, sizeof buf, "%d", level);
    if (!xmlSetNsProp(ilvl, w, BAD_CAST "val", BAD_CAST buf))
        return -1;
    if (tt->restart > 0) {
        snprintf(buf, sizeof buf, "%ld", tt->restart);
        if (!xmlSetNsProp(numid, w, BAD_CAST "val", BAD_CAST buf))
            return -1;
    }
    return 0;
}

/* Inserts target paragraph j of tt after at (before it when before), as
 * a tracked insertion: a list item of its level in the clause's own list,
 * a body paragraph, or the heading (like). NULL when out of memory. */
static xmlNodePtr put_target(target_text *tt, xmlNodePtr at, int before, size_t j, xmlNodePtr like,
                             docx_track *t)
{
    int level = j > 0 && tt->levels ? tt->levels[j - 1] : -1;
    xmlNodePtr use = like;
    if (j == 0 && tt->head_like)
        use = tt->head_like;
    else if (j > 0 && level >= 0 && tt->own_list)
        use = tt->own_list; /* an item of the clause's own list, counted with it */
    else if (j > 0 && level >= 0 && tt->list_like)
        use = tt->list_like;
    else if (j > 0 && level < 0 && tt->body_like)
        use = tt->body_like;
    docx_track_refs r = refs_from(tt, j);
    xmlNodePtr np = before ? docx_track_insert_paragraph_before_refs(at, use, tt->want[j], &r, t)
                           : docx_track_insert_paragraph_refs(at, use, tt->want[j], &r, t);
    if (np && level >= 0 && (use == tt->list_like || use == tt->own_list) &&
        make_item(tt, np, level, use == tt->own_list) != 0)
        return NULL;
    /* The heading back: with its bookmark when the draft lost it, so that
     * the references to it resolve again. */
    if (np && j == 0 && tt->bookmark && !docx_bookmark_find(tt->marks, tt->nmarks, tt->bookmark) &&
        add_bookmark(np, tt->bookmark, t) != 0)
        return NULL;
    return np;
}

/* What the comment says to our own counsel and negotiator (the default:
 * counsel open the redline, accept or reject, and send it on without the
 * comments): what the playbook says and who must approve. Malloc'd. */
static char *internal_comment(const clasm_inspection *I, const insp_clause *c,
                              const manifest_clause *mc, int target, int pending)
{
    int removed = c->state == ST_REMOVED;
    const char *who = inspect_role_title(I, c->approver);
    strbuf b = {0};
    strbuf_addf(&b, "Playbook note for our side; delete before sending.\n");
    if (!c->negotiable)
        strbuf_addf(&b,
                    "Not negotiable. %s. Only %s may approve %s, and only for a compelling "
                    "reason recorded with the approval.",
                    removed ? "Reinstated in full" : "Restored to the standard text", who,
                    removed ? "deleting it" : "any change");
    else if (removed)
        strbuf_addf(&b, "Deleted. Reinstated%s; only %s may approve the deletion.",
                    target != c->drafted ? " as the fallback shown" : "", who);
    else if (target != c->drafted)
        strbuf_addf(&b,
                    "Deviation. The other side's text needs approval by %s. Restored to "
                    "approved fallback %d.",
                    who, target);
    else
        strbuf_addf(&b,
                    "Deviation. The other side's text needs approval by %s. Restored to the "
                    "text the draft was made with.",
                    who);
    for (size_t t = 0; c->negotiable && t < mc->ntexts; t++) {
        const manifest_text *x = &mc->texts[t];
        if (!x->position || x->position == target)
            continue;
        strbuf_addf(&b, "\nFallback %d (%s may agree)%s%s", x->position,
                    inspect_role_title(I, manifest_role_rank(&I->m, x->approver)),
                    x->note ? ": " : ".", x->note ? x->note : "");
    }
    if (pending)
        strbuf_addf(&b, "\nThe other side's own tracked changes were left in and read as their "
                        "proposal: accept or reject them before sending.");
    char *s = strbuf_take(&b);
    strbuf_free(&b);
    return s;
}

/* What the comment says to the other side's counsel (--outgoing): why the
 * clause is back, never the playbook. Malloc'd. */
static char *outgoing_comment(const insp_clause *c, int target, int pending)
{
    int removed = c->state == ST_REMOVED;
    strbuf b = {0};
    if (!c->negotiable)
        strbuf_addf(&b, removed ? "We cannot agree to delete this clause. It is part of the "
                                  "export-control and human-rights safeguards that we do not vary "
                                  "in any agreement, so we have reinstated it in full."
                                : "We cannot accept this change. This clause is part of the "
                                  "export-control and human-rights safeguards that we do not vary "
                                  "in any agreement, so we have restored the original wording.");
    else if (target != c->drafted)
        strbuf_addf(&b, removed ? "We cannot agree to delete this clause. To meet the concern "
                                  "behind the deletion, we propose the wording shown instead."
                                : "We cannot accept this change as drafted. To meet the concern "
                                  "behind it, we propose the wording shown instead.");
    else
        strbuf_addf(&b, removed ? "We cannot agree to delete this clause and have reinstated it "
                                  "in full. We are glad to discuss any concern about it."
                                : "We cannot accept this change as drafted and have restored the "
                                  "original wording. We are glad to discuss the concern behind "
                                  "it.");
    if (pending)
        strbuf_addf(&b, "\nWe have read your tracked changes in this clause as your proposal; "
                        "our own tracked changes show the wording we can agree.");
    char *s = strbuf_take(&b);
    strbuf_free(&b);
    return s;
}

#define ALIGN_MAX_CELLS 4000000u

/* Longest common subsequence of a[0..na) and b[0..nb) by equal text:
 * match[i] is the index in b paired with a[i], or -1. 0, or -1 when out of
 * memory. */
static int align(char **a, size_t na, const char *const *b, size_t nb, long *match)
{
    if ((na + 1) > ALIGN_MAX_CELLS / (nb + 1)) {
        /* Too many paragraphs to align (a clause runs on for thousands):
         * paired in order, the rest deleted or inserted. */
        for (size_t i = 0; i < na; i++)
            match[i] = -1;
        return 0;
    }
    size_t *L = calloc((na + 1) * (nb + 1), sizeof *L);
    if (!L)
        return -1;
#define AT(i, j) L[(i) * (nb + 1) + (j)]
    for (size_t i = na; i-- > 0;)
        for (size_t j = nb; j-- > 0;)
            AT(i, j) = strcmp(a[i], b[j]) == 0       ? AT(i + 1, j + 1) + 1
                       : AT(i + 1, j) > AT(i, j + 1) ? AT(i + 1, j)
                                                     : AT(i, j + 1);
    for (size_t i = 0; i < na; i++)
        match[i] = -1;
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        if (strcmp(a[i], b[j]) == 0) {
            match[i++] = (long)j++;
        } else if (AT(i + 1, j) >= AT(i, j + 1)) {
            i++;
        } else {
            j++;
        }
    }
#undef AT
    free(L);
    return 0;
}

/* Restores the paragraphs nodes[0..n) of a clause to target[0..nt) (title
 * first) with tracked changes. like: a body paragraph whose properties new
 * body paragraphs take. Sets *last to the clause's last paragraph. 0, or -1
 * when out of memory. */
static int restore(xmlNodePtr *nodes, size_t n, target_text *tt, docx_track *t, xmlNodePtr *last)
{
    const char *const *target = tt->want;
    size_t nt = tt->n;
    char **now = calloc(n + 1, sizeof *now);
    long *match = calloc(n + 1, sizeof *match);
    int rc = now && match ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!(now[i] = docx_paragraph_text_stable(nodes[i])))
            rc = -1;
    if (rc == 0)
        rc = align(now, n, target, nt, match);
    xmlNodePtr like = n > 1 ? nodes[1] : n ? nodes[0] : NULL;
    for (size_t k = 1; k < n && !tt->own_list; k++)
        if (docx_w_child(docx_w_child(nodes[k], "pPr"), "numPr"))
            tt->own_list = nodes[k];
    size_t i = 0, j = 0;
    xmlNodePtr prev = NULL;
    while (rc == 0 && (i < n || j < nt)) {
        /* The unmatched run before the next pair: paired in order, the
         * rest deleted or inserted. */
        size_t ie = i, je = j;
        while (ie < n && match[ie] < 0)
            ie++;
        je = ie < n ? (size_t)match[ie] : nt;
        while (rc == 0 && i < ie && j < je) {
            int k = docx_track_paragraph(nodes[i], target[j], t);
            prev = nodes[i];
            if (k == -2) {
                /* A paragraph that cannot be edited word by word (a field
                 * that runs on into another paragraph): struck out whole,
                 * the approved text inserted after it; when even that is
                 * refused, left for counsel (said in a warning). */
                int del = docx_track_delete_paragraph(nodes[i], t);
                xmlNodePtr np = del == 0 ? put_target(tt, nodes[i], 0, j, nodes[i], t) : NULL;
                if (np)
                    prev = np;
                else if (del == -2)
                    tt->unrestored++;
                else
                    rc = -1;
            } else if (k < 0) {
                rc = -1;
            }
            i++;
            j++;
        }
        while (rc == 0 && i < ie) {
            int del = docx_track_delete_paragraph(nodes[i], t);
            if (del == -1)
                rc = -1;
            else if (del == -2)
                tt->unrestored++;
            prev = nodes[i++];
        }
        while (rc == 0 && j < je) {
            /* Nothing of the clause placed yet: before its first paragraph. */
            xmlNodePtr p = prev ? put_target(tt, prev, 0, j, j == 0 ? nodes[0] : like, t)
                                : put_target(tt, nodes[0], 1, j, j == 0 ? nodes[0] : like, t);
            if (!p)
                rc = -1;
            prev = p;
            j++;
        }
        if (i < n) { /* the pair itself, unchanged */
            prev = nodes[i];
            i++;
            j++;
        }
    }
    *last = prev ? prev : n ? nodes[n - 1] : NULL;
    for (size_t k = 0; now && k < n; k++)
        free(now[k]);
    free(now);
    free(match);
    return rc;
}

/* The most bytes of an author's name, written into every change. */
#define REDLINE_AUTHOR_MAX 200

/* The draft itself as the output: refused, it is only read. */
static int redline_output_is_input(const pkg *p, const char *out_path, clasm_diags *diags)
{
    if (!out_path || !pkg_is_file(p, out_path))
        return 0;
    diag_at(diags, CLASM_SEV_ERROR, "output-is-input", out_path, 0, 0,
            "the output %s is the draft being read; write the redline to another file", out_path);
    return 1;
}

static clasm_status redline_package(const pkg *p, const clasm_library *lib,
                                    const clasm_redline_options *opt, unsigned char **out,
                                    size_t *out_len, clasm_diags *diags)
{
    const char *file = pkg_name(p);
    if (opt && opt->date && !iso_time_ok(opt->date)) {
        diag_at(diags, CLASM_SEV_ERROR, "invalid-date", file, 0, 0,
                "the date of the changes, %s, is not a UTC time such as 2026-12-07T09:00:00Z",
                opt->date);
        return CLASM_E_INPUT;
    }
    if (opt && opt->author && !iso_text_ok(opt->author, REDLINE_AUTHOR_MAX, 0)) {
        diag_at(diags, CLASM_SEV_ERROR, "invalid-author", file, 0, 0,
                "the author of the changes must be 1 to %d bytes of UTF-8 text without control "
                "characters",
                REDLINE_AUTHOR_MAX);
        return CLASM_E_INPUT;
    }
    if (opt && opt->to_fallback < 0)
        return CLASM_E_USAGE;
    inspect_located L;
    clasm_status s = inspect_locate(p, lib, &L, diags);
    if (s != CLASM_OK)
        return s;
    clasm_inspection *I = L.I;
    const manifest *m = &I->m;
    char now[32];
    iso_time_now(now);
    docx_track t = {opt && opt->author ? opt->author : "clasm", opt && opt->date ? opt->date : now,
                    docx_track_max_id(L.doc) + 1};
    const char *main_part = pkg_main_part(p);
    pkg_edit *e = pkg_edit_new(p);
    draft_refs shown = {0};
    made_refs made = {0};
    /* The draft's bookmarks as returned: a heading restored gets its own
     * back only when the draft lost it. */
    docx_bookmark *marks = NULL;
    size_t nmarks = 0;
    int oom = !e || read_draft_refs(L.doc, &shown) != 0 ||
              docx_bookmarks(xmlDocGetRootElement(L.doc), &marks, &nmarks) != 0;
    size_t first_diag = diags ? diags->count : 0;
    numbering_edit numbering = {e, main_part, 0, NULL, NULL, 0};
    size_t offered = 0, without = 0; /* deviating clauses with, without fallback N */
    /* What restored paragraphs look like: a list item and a body paragraph
     * of the draft's clauses. */
    xmlNodePtr list_like = NULL, body_like = NULL, head_like = NULL;
    /* Where each clause ends in the redline (restored ones included): a
     * clause restored after it goes after that. */
    xmlNodePtr *ends = calloc(I->nclauses + 1, sizeof *ends);
    oom |= !ends;
    for (size_t k = 0; ends && k < I->nclauses; k++)
        ends[k] = L.count[k] ? L.nodes[L.first[k] + L.count[k] - 1] : NULL;
    for (size_t k = 0; k < I->nclauses; k++)
        if (L.count[k] && !head_like)
            head_like = L.nodes[L.first[k]];
    for (size_t k = 0; k < I->nclauses && (!list_like || !body_like); k++)
        for (size_t j = 1; j < L.count[k]; j++) {
            xmlNodePtr q = L.nodes[L.first[k] + j];
            int item = docx_w_child(docx_w_child(q, "pPr"), "numPr") != NULL;
            if (item && !list_like)
                list_like = q;
            else if (!item && !body_like)
                body_like = q;
        }
    int failed = 0; /* a part of the package could not be edited (reported) */
    for (size_t k = 0; !oom && !failed && k < I->nclauses; k++) {
        const insp_clause *c = &I->clauses[k];
        const manifest_clause *mc = &m->clauses[k];
        if (c->position != INSP_DEVIATION)
            continue;
        int target = mc->position;
        approved a;
        if (opt && opt->to_fallback && approved_body(mc, opt->to_fallback, &a)) {
            target = opt->to_fallback;
            offered++;
        } else if (opt && opt->to_fallback) {
            without++;
        }
        approved_body(mc, target, &a);
        size_t nb = a.n;
        const char **want = calloc(nb + 2, sizeof *want);
        if (!want) {
            oom = 1;
            break;
        }
        want[0] = mc->title ? mc->title : "";
        for (size_t j = 0; j < nb; j++)
            want[j + 1] = a.paras[j];
        target_text tt = {want,      nb + 1,       a.refs,     a.nrefs, a.levels, &shown, &made,
                          list_like, body_like,    &numbering, 0,       NULL,     NULL,   head_like,
                          NULL,      mc->bookmark, marks,      nmarks,  0};
        if (prepare_refs(&tt) != 0) {
            free(tt.refs_before);
            free(tt.results);
            free(want);
            oom = 1;
            break;
        }
        xmlNodePtr first = NULL, last = NULL;
        int pending = 0;
        if (L.count[k]) {
            xmlNodePtr *nodes = &L.nodes[L.first[k]];
            pending = c->pending; /* inspect read the clause's own changes */
            first = nodes[0];
            oom = restore(nodes, L.count[k], &tt, &t, &last) != 0;
        } else {
            /* A removed clause goes back after the clause before it in
             * the draft, or else before the one after it. */
            xmlNodePtr at = NULL, like_head = NULL, like_body = NULL;
            int before = 0;
            for (size_t b = k; b-- > 0 && !at;)
                if (ends[b]) {
                    at = ends[b];
                    like_head = L.nodes[L.first[b]];
                    like_body = L.count[b] > 1 ? L.nodes[L.first[b] + 1] : like_head;
                }
            for (size_t b = k + 1; b < I->nclauses && !at; b++)
                if (L.count[b]) {
                    at = L.nodes[L.first[b]];
                    like_head = at;
                    like_body = L.count[b] > 1 ? L.nodes[L.first[b] + 1] : like_head;
                    before = 1;
                }
            /* Not inside another clause's content control: beside it. */
            while (at && at->parent &&
                   (docx_is_w(at->parent, "sdtContent") || docx_is_w(at->parent, "sdt")))
                at = at->parent;
            for (size_t j = 0; at && !oom && j < nb + 1; j++) {
                xmlNodePtr np =
                    put_target(&tt, at, j == 0 && before, j, j ? like_body : like_head, &t);
                oom = !np;
                if (!first)
                    first = np;
                at = last = np;
            }
        }
        free(want);
        free(tt.refs_before);
        free(tt.results);
        if (last)
            ends[k] = last;
        if (tt.unrestored)
            diag_at(diags, CLASM_SEV_WARNING, "clause-not-restorable", file, 0, 0,
                    "the clause %s: %zu paragraph%s hold%s a field that runs into another "
                    "paragraph and could not be changed; restore %s by hand",
                    c->id, tt.unrestored, tt.unrestored == 1 ? "" : "s",
                    tt.unrestored == 1 ? "s" : "", tt.unrestored == 1 ? "it" : "them");
        if (!oom && first && last) {
            char *text = opt && opt->outgoing ? outgoing_comment(c, target, pending)
                                              : internal_comment(I, c, mc, target, pending);
            oom = !text;
            if (text && docx_track_comment(e, main_part, first, last, text, &t, diags) != 0)
                failed = 1;
            free(text);
        }
    }
    draft_refs_free(&shown);
    docx_bookmarks_free(marks, nmarks);
    free(ends);
    free(numbering.part);
    if (without && !oom && !failed)
        diag_at(diags, CLASM_SEV_WARNING, "fallback-not-offered", file, 0, 0,
                "%zu deviating clause%s %s no approved fallback %d at this deal's tier, so %s "
                "restored to the text the draft was made with%s",
                without, without == 1 ? "" : "s", without == 1 ? "has" : "have", opt->to_fallback,
                without == 1 ? "it is" : "they are",
                offered ? "" : " (no clause was offered the fallback)");
    if (!oom && !failed)
        oom = number_made(p, main_part, L.doc, &made) != 0;
    free(made.results);
    free(made.bookmarks);
    if (failed) {
        s = pkg_failure_status(diags, first_diag);
        oom = 0;
    }
    if (!oom && s == CLASM_OK) {
        oom = pkg_edit_adopt_xml(e, main_part, L.doc) != 0;
        L.doc = NULL; /* the edit owns it now, or freed it */
    }
    if (oom) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", file, 0, 0,
                "out of memory while writing the redline");
        s = CLASM_E_IO;
    }
    if (s == CLASM_OK)
        s = pkg_edit_bytes(e, out, out_len, file, diags);
    pkg_edit_free(e);
    inspect_located_free(&L);
    return s;
}

int clasm_redline_target(const char *to)
{
    if (!to || strcmp(to, "standard") == 0)
        return 0;
    if (strncmp(to, "fallback:", 9) != 0)
        return -1;
    const char *d = to + 9;
    size_t n = strspn(d, "0123456789");
    if (n == 0 || n > 3 || d[n] != '\0' || d[0] == '0')
        return -1;
    return atoi(d);
}

clasm_status clasm_redline_buffer(const void *data, size_t len, const char *name,
                                  const clasm_library *lib, const clasm_redline_options *opt,
                                  unsigned char **out, size_t *out_len, clasm_diags *diags)
{
    *out = NULL;
    *out_len = 0;
    pkg *p = NULL;
    clasm_status s = pkg_open_buffer(data, len, name, &p, diags);
    if (s != CLASM_OK)
        return s;
    s = redline_package(p, lib, opt, out, out_len, diags);
    pkg_free(p);
    return s;
}

clasm_status clasm_redline(const char *path, const clasm_library *lib,
                           const clasm_redline_options *opt, const char *out_path,
                           clasm_diags *diags)
{
    pkg *p = NULL;
    clasm_status s = pkg_open(path, &p, diags);
    if (s != CLASM_OK)
        return s;
    s = redline_output_is_input(p, out_path, diags) ? CLASM_E_INPUT
                                                    : pkg_check_destination(p, out_path, diags);
    unsigned char *bytes = NULL;
    size_t len = 0;
    if (s == CLASM_OK)
        s = redline_package(p, lib, opt, &bytes, &len, diags);
    if (s == CLASM_OK)
        s = clasm_write_file(out_path, bytes, len, diags);
    free(bytes);
    pkg_free(p);
    return s;
}
