/* Reading a draft back: which clauses of its manifest are still there as
 * written, which were changed (and how), removed, or are outdated against
 * the library, and which content controls nobody here knows.
 *
 * A clause is found by its content control (w:tag clasm:ID@VERSION) when the
 * draft still has it. Word keeps those; LibreOffice, on saving as DOCX,
 * turns a block content control into an inline one around the title and
 * drops its tag, so a clause is otherwise found by its title in a heading
 * paragraph, its body running to the next heading, clause or table; and a
 * clause whose title was also edited, by its body under an unclaimed
 * heading. */
#include "clasm.h"

#include "diag.h"
#include "docx_text.h"
#include "edit_distance.h"
#include "inspect_core.h"
#include "json_text.h"
#include "library.h"
#include "manifest.h"
#include "package.h"
#include "sha256.h"
#include "strbuf.h"
#include "word_diff.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"unchanged", "modified", "removed", "outdated"};

/* ---- the draft's paragraphs ---- */

typedef struct {
    xmlNodePtr node;
    char *text;
    char *tag;   /* tag of the nearest enclosing block w:sdt, or NULL */
    char *alias; /* alias of an inline w:sdt inside the paragraph, or NULL */
    int heading; /* styled as a heading (Title, Heading N, ClauseHeading) */
    int in_table;
    int used; /* already part of a clause */
} para;

static xmlNodePtr w_child(xmlNodePtr n, const char *local)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (docx_is_w(c, local))
            return c;
    return NULL;
}

/* The w:val of n into *out (NULL when n or its w:val is absent); -1 when
 * memory ran out. */
static int w_val(xmlNodePtr n, char **out)
{
    *out = NULL;
    if (!n || !xmlHasNsProp(n, BAD_CAST "val", BAD_CAST W_NS))
        return 0;
    xmlChar *v = xmlGetNsProp(n, BAD_CAST "val", BAD_CAST W_NS);
    *out = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return *out ? 0 : -1;
}

static int sdt_tag(xmlNodePtr sdt, char **out)
{
    return w_val(w_child(w_child(sdt, "sdtPr"), "tag"), out);
}

static int sdt_alias(xmlNodePtr sdt, char **out)
{
    return w_val(w_child(w_child(sdt, "sdtPr"), "alias"), out);
}

static int heading_style(const char *style)
{
    if (!style)
        return 0;
    if (strcmp(style, "Title") == 0 || strcmp(style, "ClauseHeading") == 0)
        return 1;
    return strncmp(style, "Heading", 7) == 0 && style[7] >= '1' && style[7] <= '9';
}

/* -1 when memory ran out: a paragraph without its text would pass for a
 * removed clause. */
static int fill_para(para *p, xmlNodePtr node)
{
    p->node = node;
    p->text = docx_paragraph_text_stable(node);
    if (!p->text)
        return -1;
    for (xmlNodePtr a = node->parent; a && a->type == XML_ELEMENT_NODE; a = a->parent) {
        if (docx_is_w(a, "tbl"))
            p->in_table = 1;
        if (!p->tag && docx_is_w(a, "sdt")) {
            char *t;
            if (sdt_tag(a, &t) != 0)
                return -1;
            if (t && strncmp(t, "clasm:", 6) == 0)
                p->tag = t;
            else
                free(t);
        }
    }
    char *style;
    if (w_val(w_child(w_child(node, "pPr"), "pStyle"), &style) != 0)
        return -1;
    p->heading = heading_style(style);
    free(style);
    xmlNodePtr inl = w_child(node, "sdt");
    return inl ? sdt_alias(inl, &p->alias) : 0;
}

static void free_paras(para *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].text);
        free(v[i].tag);
        free(v[i].alias);
    }
    free(v);
}

/* Visible text with runs of white space made one space and the ends trimmed,
 * so a title matches whatever spacing a round trip left. */
static char *squeeze(const char *s)
{
    char *out = malloc(strlen(s ? s : "") + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    int space = 0;
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || (unsigned char)*p == 0xa0) {
            space = n > 0;
            continue;
        }
        if ((unsigned char)*p == 0xc2 && (unsigned char)p[1] == 0xa0) {
            space = n > 0;
            p++;
            continue;
        }
        if (space)
            out[n++] = ' ';
        space = 0;
        out[n++] = *p;
    }
    out[n] = '\0';
    return out;
}

/* Past a run of white space as squeeze sees it. */
static const char *skip_space(const char *p)
{
    for (;;) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || (unsigned char)*p == 0xa0)
            p++;
        else if ((unsigned char)*p == 0xc2 && (unsigned char)p[1] == 0xa0)
            p += 2;
        else
            return p;
    }
}

/* squeeze(a) equals squeeze(b), compared in place: no allocation, so no
 * failure that would make a clause look removed. */
static int same_text(const char *a, const char *b)
{
    a = skip_space(a ? a : "");
    b = skip_space(b ? b : "");
    for (;;) {
        const char *x = skip_space(a), *y = skip_space(b);
        int gap_a = x != a, gap_b = y != b;
        a = x;
        b = y;
        if (!*a || !*b)
            return !*a && !*b; /* trailing space does not count */
        if (gap_a != gap_b || *a != *b)
            return 0;
        a++;
        b++;
    }
}

/* ---- locating one clause ---- */

typedef struct {
    const char **texts;
    size_t n;
    size_t first; /* the index of its first paragraph */
} found_text;

/* The paragraphs of the content control tagged clasm:ID@VERSION: the
 * first run of them in document order (a copy of the control elsewhere,
 * as Word's copy and paste makes, is not the clause: its paragraphs are
 * left to the text outside the clauses). */
static int find_by_tag(para *P, size_t np, const manifest_clause *mc, found_text *out)
{
    char want[512];
    snprintf(want, sizeof want, "clasm:%s@%d", mc->id, mc->version);
    size_t first = np;
    /* Not a paragraph another entry already took (a manifest may list a
     * clause twice). */
    for (size_t i = 0; i < np && first == np; i++)
        if (P[i].tag && !P[i].used && strcmp(P[i].tag, want) == 0)
            first = i;
    if (first == np)
        return 0;
    size_t end = first;
    while (end < np && P[end].tag && strcmp(P[end].tag, want) == 0 && !P[end].used)
        end++;
    out->texts = calloc(end - first, sizeof *out->texts);
    if (!out->texts)
        return -1;
    out->first = first;
    for (size_t i = first; i < end; i++) {
        out->texts[out->n++] = P[i].text;
        P[i].used = 1;
    }
    return 1;
}

/* 1 when paragraph i starts the clause titled title: its text is the title,
 * and it is a heading or carries the title as a content-control alias. */
static int starts_clause(const para *p, const char *title)
{
    if (p->used || p->in_table || !same_text(p->text, title))
        return 0;
    return p->heading || (p->alias && same_text(p->alias, title));
}

static int is_any_title(const para *p, const manifest *m)
{
    for (size_t k = 0; k < m->count; k++)
        if (m->clauses[k].title && starts_clause(p, m->clauses[k].title))
            return 1;
    return 0;
}

static size_t body_end(const para *P, size_t np, const manifest *m, size_t start);

static int find_by_heading(para *P, size_t np, const manifest *m, const manifest_clause *mc,
                           found_text *out)
{
    if (!mc->title)
        return 0;
    size_t start = np;
    for (size_t i = 0; i < np && start == np; i++)
        if (!P[i].tag && starts_clause(&P[i], mc->title))
            start = i;
    if (start == np)
        return 0;
    size_t end = body_end(P, np, m, start);
    out->texts = calloc(end - start, sizeof *out->texts);
    if (!out->texts)
        return -1;
    out->first = start;
    for (size_t i = start; i < end; i++) {
        out->texts[out->n++] = P[i].text;
        P[i].used = 1;
    }
    return 1;
}

/* Where a clause's body runs from its heading at start: to the next
 * heading, clause, table or used paragraph; trailing empty paragraphs are
 * spacing, not clause text. */
static size_t body_end(const para *P, size_t np, const manifest *m, size_t start)
{
    size_t end = start + 1;
    while (end < np && !P[end].used && !P[end].tag && !P[end].heading && !P[end].in_table &&
           !is_any_title(&P[end], m))
        end++;
    while (end > start + 1 && P[end - 1].text && P[end - 1].text[0] == '\0')
        end--;
    return end;
}

/* The last resort, for a clause whose title was edited after its tag was
 * lost (LibreOffice drops tags; a retitled clause is then under a heading
 * nobody knows): the unclaimed heading whose body holds most of the
 * clause's paragraphs word for word, if at least half of them. A heading
 * whose inline control still carries the title as its alias wins outright. */
static int find_by_body(para *P, size_t np, const manifest *m, const manifest_clause *mc,
                        found_text *out)
{
    size_t best = np, best_score = 0;
    size_t need = mc->nparagraphs ? (mc->nparagraphs + 1) / 2 : 1;
    for (size_t i = 0; i < np; i++) {
        const para *h = &P[i];
        if (h->used || h->tag || h->in_table || !(h->heading || h->alias) || is_any_title(h, m))
            continue;
        size_t score = 0;
        if (h->alias && mc->title && same_text(h->alias, mc->title)) {
            score = mc->nparagraphs + 1;
        } else {
            size_t end = body_end(P, np, m, i);
            for (size_t j = 0; j < mc->nparagraphs; j++)
                for (size_t x = i + 1; x < end; x++)
                    if (same_text(P[x].text, mc->paragraphs[j])) {
                        score++;
                        break;
                    }
        }
        if (score >= need && score > best_score) {
            best = i;
            best_score = score;
        }
    }
    if (best == np)
        return 0;
    size_t end = body_end(P, np, m, best);
    out->texts = calloc(end - best, sizeof *out->texts);
    if (!out->texts)
        return -1;
    out->first = best;
    for (size_t i = best; i < end; i++) {
        out->texts[out->n++] = P[i].text;
        P[i].used = 1;
    }
    return 1;
}

static char *join_lines(const char *first, const char *const *rest, size_t n)
{
    size_t len = strlen(first ? first : "") + 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(rest[i] ? rest[i] : "") + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    char *at = s;
    size_t k = strlen(first ? first : "");
    memcpy(at, first ? first : "", k);
    at += k;
    for (size_t i = 0; i < n; i++) {
        *at++ = '\n';
        k = strlen(rest[i] ? rest[i] : "");
        memcpy(at, rest[i] ? rest[i] : "", k);
        at += k;
    }
    *at = '\0';
    return s;
}

/* ---- unknown content controls ---- */

static int known_control(const manifest *m, const char *tag, const char *alias)
{
    if (tag && (strcmp(tag, "clauses") == 0 || strncmp(tag, "clauses:", 8) == 0))
        return 1; /* an insertion point of the template */
    if (tag && strncmp(tag, "clasm:", 6) == 0) {
        for (size_t k = 0; k < m->count; k++) {
            char want[512];
            snprintf(want, sizeof want, "clasm:%s@%d", m->clauses[k].id, m->clauses[k].version);
            if (strcmp(want, tag) == 0)
                return 1;
        }
        return 0;
    }
    if (!tag && alias) /* a clause control after a LibreOffice round trip */
        for (size_t k = 0; k < m->count; k++)
            if (m->clauses[k].title && same_text(alias, m->clauses[k].title))
                return 1;
    return 0;
}

static int collect_unknown(xmlNodePtr n, const manifest *m, clasm_inspection *I)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (docx_is_w(n, "sdt")) {
            char *tag = NULL, *alias = NULL;
            if (sdt_tag(n, &tag) != 0 || sdt_alias(n, &alias) != 0) {
                free(tag);
                free(alias);
                return -1;
            }
            if (!known_control(m, tag, alias)) {
                insp_unknown *v = realloc(I->unknown, (I->nunknown + 1) * sizeof *v);
                if (!v) {
                    free(tag);
                    free(alias);
                    return -1;
                }
                I->unknown = v;
                xmlNodePtr body = w_child(n, "sdtContent");
                xmlChar *content = xmlNodeGetContent(body);
                char *text =
                    body && !content ? NULL : squeeze(content ? (const char *)content : "");
                xmlFree(content);
                if (!text) {
                    free(tag);
                    free(alias);
                    return -1;
                }
                if (strlen(text) > 80)
                    strcpy(text + 77, "...");
                I->unknown[I->nunknown++] = (insp_unknown){tag, alias, text};
            } else {
                free(tag);
                free(alias);
            }
        }
        if (collect_unknown(n->children, m, I) != 0)
            return -1;
    }
    return 0;
}

/* ---- the whole draft ---- */

void clasm_inspection_free(clasm_inspection *I)
{
    if (!I)
        return;
    for (size_t i = 0; i < I->nclauses; i++) {
        free(I->clauses[i].id);
        free(I->clauses[i].title);
        free(I->clauses[i].diff);
    }
    free(I->clauses);
    for (size_t i = 0; i < I->nunknown; i++) {
        free(I->unknown[i].tag);
        free(I->unknown[i].alias);
        free(I->unknown[i].text);
    }
    free(I->unknown);
    for (size_t i = 0; i < I->noutside; i++)
        free(I->outside[i]);
    free(I->outside);
    manifest_free(&I->m);
    free(I->file);
    free(I->deal);
    free(I->document);
    free(I->library);
    free(I);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* 1 when n holds tracked changes (w:ins, w:del) below it. */
static int has_tracked(xmlNodePtr n)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (docx_is_w(c, "ins") || docx_is_w(c, "del") || docx_is_w(c, "moveFrom") ||
            docx_is_w(c, "moveTo") || has_tracked(c))
            return 1;
    return 0;
}

/* ---- the playbook ---- */

/* Texts as the playbook compares them: typographic quotes, dashes and
 * spaces as their plain forms, white space squeezed, paragraphs joined by
 * one space. NULL when out of memory. */
static char *normal_text(const char *const *paras, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(paras[i] ? paras[i] : "") + 1;
    char *raw = malloc(len);
    if (!raw)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        for (const unsigned char *q = (const unsigned char *)(paras[i] ? paras[i] : ""); *q; q++) {
            unsigned cp = 0;
            if (q[0] == 0xe2 && q[1] == 0x80 && q[2]) {
                cp = 0x2000u + (unsigned)(q[2] & 0x3f);
            } else if (q[0] == 0xe2 && q[1] == 0x88 && q[2] == 0x92) {
                cp = 0x2212;
            }
            char plain = 0;
            if (cp == 0x2018 || cp == 0x2019 || cp == 0x201a || cp == 0x201b || cp == 0x2032)
                plain = '\'';
            else if (cp == 0x201c || cp == 0x201d || cp == 0x201e || cp == 0x2033)
                plain = '"';
            else if (cp == 0x2010 || cp == 0x2011 || cp == 0x2012 || cp == 0x2013 || cp == 0x2014 ||
                     cp == 0x2212)
                plain = '-';
            else if (cp == 0x2009 || cp == 0x200a || cp == 0x202f || cp == 0x2002 || cp == 0x2003)
                plain = ' ';
            if (plain) {
                raw[k++] = plain;
                q += 2;
            } else {
                raw[k++] = (char)*q;
            }
        }
        raw[k++] = ' ';
    }
    raw[k] = '\0';
    char *out = squeeze(raw);
    free(raw);
    return out;
}

/* normal_text of title followed by paras. NULL when out of memory. */
static char *normal_titled(const char *title, const char *const *paras, size_t n)
{
    const char **all = malloc((n + 1) * sizeof *all);
    if (!all)
        return NULL;
    all[0] = title ? title : "";
    for (size_t i = 0; i < n; i++)
        all[i + 1] = paras[i];
    char *s = normal_text(all, n + 1);
    free(all);
    return s;
}

/* The approved texts of manifest clause mc: the one drafted (its
 * paragraphs), then every other one the manifest records. */
typedef struct {
    int position;
    const char *const *paras;
    size_t n;
    int approver; /* rank, -1 nobody */
    const char *note;
} approved_text;

static size_t approved_texts(const manifest *m, const manifest_clause *mc, approved_text *out,
                             size_t cap)
{
    size_t n = 0;
    int drafted_rank = -1;
    const char *drafted_note = NULL;
    for (size_t t = 0; t < mc->ntexts; t++)
        if (mc->texts[t].position == mc->position && mc->position) {
            drafted_rank = manifest_role_rank(m, mc->texts[t].approver);
            drafted_note = mc->texts[t].note;
        }
    out[n++] = (approved_text){mc->position, (const char *const *)mc->paragraphs, mc->nparagraphs,
                               drafted_rank, drafted_note};
    for (size_t t = 0; t < mc->ntexts && n < cap; t++) {
        const manifest_text *x = &mc->texts[t];
        if (x->position == mc->position)
            continue;
        out[n++] = (approved_text){x->position, (const char *const *)x->paragraphs, x->nparagraphs,
                                   x->position ? manifest_role_rank(m, x->approver) : -1, x->note};
    }
    return n;
}

#define CLASSIFY_MAX_CELLS 4000000u

/* Classifies clause c (manifest entry mc) from the body it has now
 * (body[0..n), or none when removed): its position, who must approve, the
 * approval that covers it, and for a deviation the diff against the
 * nearest approved text. 0, or -1 when out of memory. */
static int classify(const manifest *m, const manifest_clause *mc, insp_clause *c,
                    const char *const *found, size_t nfound, int removed)
{
    c->drafted = mc->position;
    c->negotiable = mc->negotiable;
    c->approval = -1;
    c->approver = -1;
    c->nearest = mc->position;
    if (removed)
        manifest_clause_hash("", NULL, 0, c->hash);
    else
        manifest_clause_hash(found[0], found + 1, nfound - 1, c->hash);
    approved_text texts[64];
    size_t nt = approved_texts(m, mc, texts, 64);
    if (!removed && strcmp(c->hash, mc->hash) == 0) {
        c->position = mc->position;
    } else {
        c->position = INSP_DEVIATION;
        /* The title counts: a clause retitled is not the approved text. */
        char *now = removed ? NULL : normal_text(found, nfound);
        if (!removed && !now)
            return -1;
        size_t best = (size_t)-1;
        for (size_t t = 0; !removed && t < nt; t++) {
            char *x = normal_titled(mc->title, texts[t].paras, texts[t].n);
            if (!x) {
                free(now);
                return -1;
            }
            if (strcmp(x, now) == 0 && c->position == INSP_DEVIATION) {
                c->position = texts[t].position;
                c->note = texts[t].note;
            }
            /* Levenshtein on texts of a few thousand bytes; past that (a
             * crafted draft), the difference of lengths. */
            size_t lx = strlen(x), ln = strlen(now);
            size_t d = nt < 2                                     ? 0
                       : (lx + 1) > CLASSIFY_MAX_CELLS / (ln + 1) ? (lx > ln ? lx - ln : ln - lx)
                                                                  : edit_distance(x, now);
            if (d == SIZE_MAX) {
                free(x);
                free(now);
                return -1;
            }
            if (best == (size_t)-1 || d < best) {
                best = d;
                c->nearest = texts[t].position;
            }
            free(x);
        }
        free(now);
    }
    if (c->position == INSP_DEVIATION) {
        /* Counsel by default: a draft whose library declares no roles
         * still needs someone to approve a deviation. */
        c->approver = m->deviation_rank >= 0 ? m->deviation_rank
                      : m->nroles            ? (int)m->nroles - 1
                                             : 0;
    } else if (c->position != 0 && c->position != mc->position) {
        for (size_t t = 0; t < nt; t++)
            if (texts[t].position == c->position)
                c->approver = texts[t].approver;
    }
    for (size_t a = 0; a < mc->napprovals && c->approver >= 0; a++) {
        const manifest_approval *x = &mc->approvals[a];
        if (strcmp(x->hash, c->hash) == 0 && manifest_role_rank(m, x->role) >= c->approver)
            c->approval = (int)a;
    }
    /* A deviation's diff is against the approved text nearest to it. */
    if (c->position == INSP_DEVIATION && !removed && c->nearest != mc->position) {
        for (size_t t = 0; t < nt; t++)
            if (texts[t].position == c->nearest) {
                char *before = join_lines(mc->title, texts[t].paras, texts[t].n);
                char *after = join_lines(found[0], found + 1, nfound - 1);
                free(c->diff);
                c->diff = before && after ? word_diff(before, after, 4) : NULL;
                free(before);
                free(after);
                if (!c->diff)
                    return -1;
            }
    }
    return 0;
}

const char *inspect_role_title(const clasm_inspection *I, int rank)
{
    if (rank >= 0 && (size_t)rank < I->m.nroles)
        return I->m.roles[rank].title;
    return "counsel";
}

const char *clasm_inspection_role(const clasm_inspection *I, size_t i)
{
    return i < I->m.nroles ? I->m.roles[i].id : NULL;
}

int clasm_inspection_set_authority(clasm_inspection *I, const char *role)
{
    int r = manifest_role_rank(&I->m, role);
    if (r < 0)
        return -1;
    I->as_rank = r;
    return 0;
}

/* How many references of paragraphs P[first..first+n) name a bookmark
 * the draft no longer has (Word and LibreOffice then show an error). */
static long broken_refs(const para *P, size_t first, size_t n, const docx_bookmark *bm, size_t nbm)
{
    long broken = 0;
    for (size_t i = first; i < first + n; i++) {
        char **refs = NULL;
        size_t nr = 0;
        if (docx_ref_bookmarks(P[i].node, &refs, &nr) != 0)
            return -1;
        for (size_t k = 0; k < nr; k++)
            if (!docx_bookmark_find(bm, nbm, refs[k]))
                broken++;
        docx_ref_bookmarks_free(refs, nr);
    }
    return broken;
}

static int cmp_key(const void *a, const void *b)
{
    return memcmp(a, b, 16);
}

/* The paragraphs no clause holds, against the draft's record of the text
 * outside its clauses: those it did not have are listed (added or
 * changed), and those of the record not found counted. 0, or -1. */
static int find_outside(clasm_inspection *I, const para *P, size_t np)
{
    const manifest *m = &I->m;
    I->outside_removed = -1;
    if (!m->has_outside)
        return 0;
    size_t nr = m->noutside;
    char(*rec)[17] = malloc((nr + 1) * sizeof *rec);
    /* For each run of equal keys, the next one not yet matched (at the
     * run's first index): each lookup is a search, never a scan. */
    size_t *start = malloc((nr + 1) * sizeof *start), *next = malloc((nr + 1) * sizeof *next);
    int rc = rec && start && next ? 0 : -1;
    if (rc == 0 && nr) {
        memcpy(rec, m->outside, nr * sizeof *rec);
        qsort(rec, nr, sizeof *rec, cmp_key);
        for (size_t i = 0; i < nr; i++) {
            start[i] = i > 0 && memcmp(rec[i - 1], rec[i], 16) == 0 ? start[i - 1] : i;
            next[i] = i;
        }
    }
    size_t matched = 0;
    for (size_t i = 0; rc == 0 && i < np; i++) {
        if (P[i].used || docx_paragraph_nested(P[i].node))
            continue;
        char key[17];
        int k = manifest_paragraph_key(P[i].node, key);
        if (k <= 0) {
            rc = k;
            continue;
        }
        char(*hit)[17] = nr ? bsearch(key, rec, nr, sizeof *rec, cmp_key) : NULL;
        if (hit) {
            size_t s0 = start[hit - rec];
            if (next[s0] < nr && memcmp(rec[next[s0]], key, 16) == 0) {
                next[s0]++;
                matched++;
                continue;
            }
        }
        char **g = realloc(I->outside, (I->noutside + 1) * sizeof *g);
        if (!g || !(g[I->noutside] = squeeze(P[i].text))) {
            if (g)
                I->outside = g;
            rc = -1;
            break;
        }
        I->outside = g;
        I->noutside++;
    }
    I->outside_removed = (long)(nr - matched);
    free(rec);
    free(start);
    free(next);
    return rc;
}

void inspect_located_free(inspect_located *L)
{
    clasm_inspection_free(L->I);
    xmlFreeDoc(L->doc);
    free(L->nodes);
    free(L->first);
    free(L->count);
    memset(L, 0, sizeof *L);
}

clasm_status inspect_locate(const pkg *p, const clasm_library *lib, inspect_located *out,
                            clasm_diags *diags)
{
    memset(out, 0, sizeof *out);
    const char *file = pkg_name(p);
    size_t first_diag = diags ? diags->count : 0;
    clasm_inspection *I = calloc(1, sizeof *I);
    if (!I) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", file, 0, 0,
                "out of memory while inspecting the draft");
        return CLASM_E_IO;
    }
    clasm_status s = manifest_read(p, &I->m, diags);
    if (s != CLASM_OK) {
        free(I);
        return s;
    }
    manifest *m = &I->m;
    const char *main_part = pkg_main_part(p);
    size_t len = 0;
    const unsigned char *bytes = main_part ? pkg_bytes(p, main_part, &len) : NULL;
    xmlDocPtr doc = bytes ? pkg_parse_xml_bytes(bytes, len, file, main_part, diags) : NULL;
    if (!doc) {
        /* Out of memory, no report: an empty one would say every clause
         * was removed. */
        clasm_inspection_free(I);
        return pkg_failure_status(diags, first_diag);
    }
    xmlNodePtr *nodes = NULL;
    size_t np = docx_paragraphs(doc, &nodes);
    para *P = calloc(np ? np : 1, sizeof *P);
    int oom = !P || (np && !nodes);
    for (size_t i = 0; !oom && i < np; i++)
        oom = fill_para(&P[i], nodes[i]) != 0;
    if (!oom) {
        I->file = strdup(file);
        I->deal = dup_or_null(m->deal);
        I->document = dup_or_null(m->document);
        I->library = dup_or_null(m->library);
        I->library_matches = lib ? strcmp(lib->fingerprint, m->library ? m->library : "") == 0 : -1;
        I->clauses = calloc(m->count ? m->count : 1, sizeof *I->clauses);
        oom = !I->file || !I->clauses;
    }
    /* Tagged controls first, so titles are only searched where no tag is. */
    found_text *found = calloc(m->count ? m->count : 1, sizeof *found);
    const char **how = calloc(m->count ? m->count : 1, sizeof *how);
    out->first = calloc(m->count + 1, sizeof *out->first);
    out->count = calloc(m->count + 1, sizeof *out->count);
    oom |= !found || !how || !out->first || !out->count;
    for (size_t k = 0; !oom && k < m->count; k++) {
        int r = find_by_tag(P, np, &m->clauses[k], &found[k]);
        oom = r < 0;
        if (r > 0)
            how[k] = "content-control";
    }
    for (size_t k = 0; !oom && k < m->count; k++) {
        if (how[k])
            continue;
        int r = find_by_heading(P, np, m, &m->clauses[k], &found[k]);
        oom = r < 0;
        if (r > 0)
            how[k] = "heading";
    }
    /* Only then the clauses whose title changed, by their body. */
    for (size_t k = 0; !oom && k < m->count; k++) {
        if (how[k])
            continue;
        int r = find_by_body(P, np, m, &m->clauses[k], &found[k]);
        oom = r < 0;
        if (r > 0)
            how[k] = "body";
    }
    for (size_t k = 0; !oom && k < m->count; k++) {
        manifest_clause *mc = &m->clauses[k];
        /* The manifest is the other side's to edit: with the library it
         * was made with, a clause the library does not let be negotiated
         * is not negotiable, whatever the manifest says. */
        const lib_clause *known =
            lib && I->library_matches == 1 ? library_clause(lib, mc->id) : NULL;
        if (known && !known->negotiable)
            mc->negotiable = 0;
        insp_clause *c = &I->clauses[I->nclauses++];
        c->id = strdup(mc->id);
        c->version = mc->version;
        c->title = dup_or_null(mc->title);
        c->found_by = how[k];
        c->in_library = -1;
        if (lib) {
            const lib_clause *lc = library_clause(lib, mc->id);
            c->in_library = lc != NULL;
            c->latest_version = lc ? (int)lc->version : 0;
        }
        if (!how[k]) {
            c->state = ST_REMOVED;
        } else {
            out->first[k] = found[k].first;
            out->count[k] = found[k].n;
            for (size_t j = 0; j < found[k].n && !c->pending; j++)
                c->pending = has_tracked(P[found[k].first + j].node);
            char hash[65];
            manifest_clause_hash(found[k].texts[0], found[k].texts + 1, found[k].n - 1, hash);
            if (strcmp(hash, mc->hash) == 0) {
                c->state = ST_UNCHANGED;
            } else {
                c->state = ST_MODIFIED;
                char *before =
                    join_lines(mc->title, (const char *const *)mc->paragraphs, mc->nparagraphs);
                char *after = join_lines(found[k].texts[0], found[k].texts + 1, found[k].n - 1);
                c->diff = before && after ? word_diff(before, after, 4) : NULL;
                free(before);
                free(after);
                oom |= !c->diff;
            }
        }
        if (!oom)
            oom = classify(m, mc, c, found[k].texts, found[k].n, !how[k]) != 0;
        if (c->state == ST_UNCHANGED && c->latest_version > c->version)
            c->state = ST_OUTDATED;
        oom |= !c->id;
    }
    docx_bookmark *bm = NULL;
    size_t nbm = 0;
    if (!oom)
        oom = docx_bookmarks(xmlDocGetRootElement(doc), &bm, &nbm) != 0;
    for (size_t k = 0; !oom && k < m->count && k < I->nclauses; k++) {
        long b = how[k] ? broken_refs(P, found[k].first, found[k].n, bm, nbm) : 0;
        oom = b < 0;
        I->clauses[k].broken_refs = b > 0 ? (size_t)b : 0;
    }
    docx_bookmarks_free(bm, nbm);
    for (size_t k = 0; found && k < m->count; k++)
        free(found[k].texts);
    free(found);
    free(how);
    if (!oom)
        oom = find_outside(I, P, np) != 0;
    if (!oom)
        oom = collect_unknown(xmlDocGetRootElement(doc), m, I) != 0;
    free_paras(P, np);
    out->I = I;
    out->doc = doc;
    out->nodes = nodes;
    out->np = np;
    if (oom) {
        inspect_located_free(out);
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", file, 0, 0,
                "out of memory while inspecting the draft");
        return CLASM_E_IO;
    }
    return CLASM_OK;
}

static clasm_status inspect_package(const pkg *p, const clasm_library *lib, clasm_inspection **out,
                                    clasm_diags *diags)
{
    inspect_located L;
    clasm_status s = inspect_locate(p, lib, &L, diags);
    if (s != CLASM_OK)
        return s;
    *out = L.I;
    L.I = NULL;
    inspect_located_free(&L);
    return CLASM_OK;
}

clasm_status clasm_inspect(const char *path, const clasm_library *lib, clasm_inspection **out,
                           clasm_diags *diags)
{
    *out = NULL;
    pkg *p = NULL;
    clasm_status s = pkg_open(path, &p, diags);
    if (s != CLASM_OK)
        return s;
    s = inspect_package(p, lib, out, diags);
    pkg_free(p);
    return s;
}

clasm_status clasm_inspect_buffer(const void *data, size_t len, const char *name,
                                  const clasm_library *lib, clasm_inspection **out,
                                  clasm_diags *diags)
{
    *out = NULL;
    pkg *p = NULL;
    clasm_status s = pkg_open_buffer(data, len, name, &p, diags);
    if (s != CLASM_OK)
        return s;
    s = inspect_package(p, lib, out, diags);
    pkg_free(p);
    return s;
}

/* ---- output ---- */

/* The position's words: "standard", "fallback N", "deviation". */
static void position_words(const insp_clause *c, char out[32])
{
    if (c->position == INSP_DEVIATION)
        snprintf(out, 32, "deviation");
    else if (c->position == 0)
        snprintf(out, 32, "standard");
    else
        snprintf(out, 32, "fallback %d", c->position);
}

static void put_playbook(json_t *o, const clasm_inspection *I, const insp_clause *c)
{
    char pos[32];
    position_words(c, pos);
    json_object_set_new(o, "position", json_string(pos));
    if (c->drafted)
        json_object_set_new(o, "drafted_position", json_integer(c->drafted));
    if (c->approver >= 0) {
        json_object_set_new(
            o, "approver",
            json_text((size_t)c->approver < I->m.nroles ? I->m.roles[c->approver].id : ""));
        json_object_set_new(o, "approver_title", json_text(inspect_role_title(I, c->approver)));
    }
    if (!c->negotiable)
        json_object_set_new(o, "negotiable", json_false());
    if (c->position == INSP_DEVIATION && !c->negotiable)
        json_object_set_new(o, "not_negotiable", json_true());
    if (c->position == INSP_DEVIATION && c->nearest != c->position) {
        char near[32];
        insp_clause tmp = *c;
        tmp.position = c->nearest;
        position_words(&tmp, near);
        json_object_set_new(o, "compared_with", json_string(near));
    }
    if (c->note)
        json_object_set_new(o, "note", json_text(c->note));
    /* The playbook's fallbacks for this draft (its tier), for the negotiator. */
    const manifest_clause *mc = &I->m.clauses[c - I->clauses];
    json_t *fbs = NULL;
    for (size_t t = 0; t < mc->ntexts; t++) {
        const manifest_text *x = &mc->texts[t];
        if (!x->position)
            continue;
        if (!fbs)
            fbs = json_array();
        json_t *f = json_object();
        int rank = manifest_role_rank(&I->m, x->approver);
        json_object_set_new(f, "position", json_integer(x->position));
        json_object_set_new(f, "approver", json_text(x->approver ? x->approver : ""));
        json_object_set_new(f, "approver_title", json_text(inspect_role_title(I, rank)));
        if (x->note)
            json_object_set_new(f, "note", json_text(x->note));
        json_array_append_new(fbs, f);
    }
    if (fbs)
        json_object_set_new(o, "fallbacks", fbs);
    if (c->pending)
        json_object_set_new(o, "pending_changes", json_true());
    if (c->broken_refs)
        json_object_set_new(o, "broken_references", json_integer((json_int_t)c->broken_refs));
    if (c->approval >= 0) {
        const manifest_approval *a = &I->m.clauses[c - I->clauses].approvals[c->approval];
        json_t *ap = json_object();
        json_object_set_new(ap, "role", json_text(a->role));
        json_object_set_new(ap, "by", json_text(a->by));
        json_object_set_new(ap, "at", json_text(a->at));
        if (a->note)
            json_object_set_new(ap, "note", json_text(a->note));
        json_object_set_new(o, "approved", ap);
    }
}

/* "3 changes: 1 within your authority, 1 needs the compliance office, 1
 * needs counsel (not negotiable)", counted against I->as_rank. Malloc'd. */
static char *summary_text(const clasm_inspection *I)
{
    size_t changes = 0, within = 0, approved = 0;
    size_t nr = I->m.nroles ? I->m.nroles : 1;
    size_t *need = calloc(nr, sizeof *need), *fixed = calloc(nr, sizeof *fixed);
    if (!need || !fixed) {
        free(need);
        free(fixed);
        return NULL;
    }
    for (size_t i = 0; i < I->nclauses; i++) {
        const insp_clause *c = &I->clauses[i];
        if (c->approver < 0)
            continue;
        changes++;
        if (c->approval >= 0)
            approved++;
        else if (c->approver <= I->as_rank)
            within++;
        else {
            size_t r = (size_t)c->approver < nr ? (size_t)c->approver : nr - 1;
            need[r]++;
            fixed[r] += c->position == INSP_DEVIATION && !c->negotiable;
        }
    }
    strbuf b = {0};
    if (!changes)
        strbuf_addf(&b, "no changes that need an approval");
    else
        strbuf_addf(&b, "%zu change%s: ", changes, changes == 1 ? "" : "s");
    const char *sep = "";
    if (approved) {
        strbuf_addf(&b, "%zu approved", approved);
        sep = ", ";
    }
    if (within) {
        strbuf_addf(&b, "%s%zu within your authority", sep, within);
        sep = ", ";
    }
    for (size_t r = 0; r < nr; r++) {
        if (!need[r])
            continue;
        strbuf_addf(&b, "%s%zu need%s %s", sep, need[r], need[r] == 1 ? "s" : "",
                    inspect_role_title(I, (int)r));
        if (fixed[r] == need[r])
            strbuf_addf(&b, " (not negotiable)");
        else if (fixed[r])
            strbuf_addf(&b, " (%zu not negotiable)", fixed[r]);
        sep = ", ";
    }
    if (I->noutside)
        strbuf_addf(&b, "; %zu paragraph%s outside the clauses added or changed", I->noutside,
                    I->noutside == 1 ? "" : "s");
    free(need);
    free(fixed);
    char *s = strbuf_take(&b);
    strbuf_free(&b);
    return s;
}

char *clasm_inspection_json(const clasm_inspection *I)
{
    json_t *root = json_object();
    json_t *arr = json_array();
    if (!root || !arr) {
        json_decref(root);
        json_decref(arr);
        return NULL;
    }
    /* The draft's name as given: a name that is not UTF-8 is escaped
     * (json_text.h), never left out. */
    json_object_set_new(root, "draft", json_text(I->file));
    json_object_set_new(root, "deal", json_text(I->deal));
    json_object_set_new(root, "document", json_text(I->document));
    json_object_set_new(root, "library", json_text(I->library));
    if (I->library_matches >= 0)
        json_object_set_new(root, "library_unchanged", json_boolean(I->library_matches));
    for (size_t i = 0; i < I->nclauses; i++) {
        const insp_clause *c = &I->clauses[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_text(c->id));
        json_object_set_new(o, "version", json_integer(c->version));
        json_object_set_new(o, "status", json_string(state_names[c->state]));
        if (c->title)
            json_object_set_new(o, "title", json_text(c->title));
        if (c->found_by)
            json_object_set_new(o, "found_by", json_text(c->found_by));
        if (c->in_library == 1)
            json_object_set_new(o, "library_version", json_integer(c->latest_version));
        else if (c->in_library == 0)
            json_object_set_new(o, "library_version", json_null());
        if (c->diff)
            json_object_set_new(o, "diff", json_text(c->diff));
        put_playbook(o, I, c);
        json_array_append_new(arr, o);
    }
    for (size_t i = 0; i < I->nunknown; i++) {
        const insp_unknown *u = &I->unknown[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_text(u->tag));
        json_object_set_new(o, "version", json_null());
        json_object_set_new(o, "status", json_string("unknown"));
        if (u->alias)
            json_object_set_new(o, "title", json_text(u->alias));
        json_object_set_new(o, "text", json_text(u->text ? u->text : ""));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "clauses", arr);
    if (I->outside_removed >= 0) {
        json_t *outside = json_array();
        for (size_t i = 0; outside && i < I->noutside; i++)
            json_array_append_new(outside, json_text(I->outside[i]));
        json_object_set_new(root, "outside_clauses", outside);
        json_object_set_new(root, "outside_removed", json_integer(I->outside_removed));
    }
    char *summary = summary_text(I);
    json_object_set_new(root, "summary_text", json_text(summary ? summary : ""));
    free(summary);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}

void clasm_inspection_print_text(FILE *out, const clasm_inspection *I)
{
    fprintf(out, "draft %s: deal %s, %s, %zu clauses\n", I->file, I->deal ? I->deal : "?",
            I->document ? I->document : "?", I->nclauses);
    size_t count[4] = {0};
    for (size_t i = 0; i < I->nclauses; i++) {
        const insp_clause *c = &I->clauses[i];
        count[c->state]++;
        fprintf(out, "  %-9s  %s@%d  %s", state_names[c->state], c->id, c->version,
                c->title ? c->title : "");
        if (c->state == ST_OUTDATED)
            fprintf(out, "  (the library has version %d)", c->latest_version);
        else if (c->in_library == 0)
            fputs("  (no longer in the library)", out);
        else if (c->latest_version > c->version)
            fprintf(out, "  (the library has version %d)", c->latest_version);
        fputc('\n', out);
        /* A clause in an approved fallback is that text: no diff. */
        int in_fallback = c->position > 0 && c->position != c->drafted;
        if (c->diff && !in_fallback)
            fprintf(out, "             %s%s\n",
                    c->position == INSP_DEVIATION && c->nearest != c->drafted
                        ? "against the nearest approved text: "
                        : "",
                    c->diff);
        if (c->approver >= 0 || c->drafted) {
            char pos[32];
            position_words(c, pos);
            fprintf(out, "             position: %s", pos);
            if (c->position == INSP_DEVIATION && !c->negotiable)
                fputs(" (not negotiable)", out);
            if (c->approval >= 0) {
                const manifest_approval *a = &I->m.clauses[i].approvals[c->approval];
                fprintf(out, "; approved by %s (%s) on %s", a->by, a->role, a->at);
            } else if (c->approver >= 0) {
                fprintf(out, "; needs %s", inspect_role_title(I, c->approver));
            }
            fputc('\n', out);
            if (c->note)
                fprintf(out, "             playbook: %s\n", c->note);
            /* A deviation: what the negotiator may offer instead. */
            const manifest_clause *mc = &I->m.clauses[i];
            for (size_t t = 0; c->position == INSP_DEVIATION && t < mc->ntexts; t++) {
                const manifest_text *x = &mc->texts[t];
                if (x->position)
                    fprintf(out, "             fallback %d (%s may agree): %s\n", x->position,
                            inspect_role_title(I, manifest_role_rank(&I->m, x->approver)),
                            x->note ? x->note : "");
            }
        }
        if (c->pending)
            fputs("             holds tracked changes not yet accepted: read as the other "
                  "side's proposal\n",
                  out);
        if (c->broken_refs)
            fprintf(out,
                    "             %zu reference%s to a clause no longer in the draft (Word and "
                    "LibreOffice show an error there)\n",
                    c->broken_refs, c->broken_refs == 1 ? "" : "s");
    }
    if (I->nunknown) {
        fputs("content controls clasm does not know:\n", out);
        for (size_t i = 0; i < I->nunknown; i++)
            fprintf(out, "  unknown    tag %s, alias %s: %s\n",
                    I->unknown[i].tag ? I->unknown[i].tag : "(none)",
                    I->unknown[i].alias ? I->unknown[i].alias : "(none)",
                    I->unknown[i].text ? I->unknown[i].text : "");
    }
    fprintf(out, "%zu unchanged, %zu modified, %zu removed, %zu outdated, %zu unknown\n",
            count[ST_UNCHANGED], count[ST_MODIFIED], count[ST_REMOVED], count[ST_OUTDATED],
            I->nunknown);
    if (I->noutside) {
        fputs("text outside the clauses that the draft did not have (added or changed):\n", out);
        for (size_t i = 0; i < I->noutside; i++)
            fprintf(out, "  %s\n", I->outside[i]);
    }
    if (I->outside_removed > 0)
        fprintf(out, "%ld paragraph%s outside the clauses %s deleted or changed\n",
                I->outside_removed, I->outside_removed == 1 ? "" : "s",
                I->outside_removed == 1 ? "was" : "were");
    char *summary = summary_text(I);
    if (summary)
        fprintf(out, "negotiation: %s\n", summary);
    free(summary);
    if (I->library_matches == 0)
        fputs("note: the clause library has changed since this draft was assembled\n", out);
}
