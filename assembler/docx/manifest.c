/* The clasm manifest custom XML part: written at assembly, read by inspect. */
#include "manifest.h"

#include "diag.h"
#include "docx_clauses.h"
#include "docx_text.h"
#include "sha256.h"
#include "strbuf.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL_CUSTOMXML                                                                              \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
#define REL_CUSTOMXML_PROPS                                                                        \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
#define CT_CUSTOMXML_PROPS "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
#define DS_NS "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
#define REL_NS "http://schemas.openxmlformats.org/package/2006/relationships"

/* ------------------------------------------------------------ hashing */

void manifest_clause_hash(const char *title, const char *const *paragraphs, size_t n, char out[65])
{
    sha256 *h = sha256_begin();
    sha256_add(h, title, strlen(title));
    for (size_t i = 0; i < n; i++) {
        sha256_add(h, "\n", 1);
        sha256_add(h, paragraphs[i], strlen(paragraphs[i]));
    }
    sha256_end(h, out);
}

typedef struct {
    char **texts;
    size_t n, cap;
    int failed;
} text_list;

/* Adds t (malloc'd, or NULL when out of memory) to l, which owns it. */
static void push_text(text_list *l, char *t)
{
    char **g = t ? array_grow(l->texts, &l->cap, l->n + 1, sizeof *g) : NULL;
    if (!g) {
        free(t);
        l->failed = 1;
        return;
    }
    l->texts = g;
    l->texts[l->n++] = t;
}

static void sdt_paragraphs(xmlNodePtr n, text_list *l)
{
    for (; n && !l->failed; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (docx_is_w(n, "p"))
            push_text(l, docx_paragraph_text_stable(n));
        sdt_paragraphs(n->children, l);
    }
}

/* The stable texts of the paragraphs of a clause content control's
 * w:sdtContent (its last), in document order. */
static text_list sdt_texts(xmlNodePtr sdt)
{
    xmlNodePtr content = NULL;
    for (xmlNodePtr c = sdt ? sdt->children : NULL; c; c = c->next)
        if (docx_is_w(c, "sdtContent"))
            content = c;
    text_list l = {0};
    if (content)
        sdt_paragraphs(content->children, &l);
    return l;
}

int manifest_sdt_hash(xmlNodePtr sdt, char out[65])
{
    text_list l = sdt_texts(sdt);
    int rc = -1;
    if (!l.failed && l.n > 0) {
        manifest_clause_hash(l.texts[0], (const char *const *)l.texts + 1, l.n - 1, out);
        rc = 0;
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.texts[i]);
    free(l.texts);
    return rc;
}

/* ------------------------------------------------------------ data */

void manifest_init(manifest *m)
{
    memset(m, 0, sizeof *m);
    m->deviation_rank = -1;
}

static void free_strings(char **v, size_t n)
{
    for (size_t j = 0; j < n; j++)
        free(v[j]);
    free(v);
}

void manifest_free(manifest *m)
{
    free(m->deal);
    free(m->library);
    free(m->document);
    free(m->part);
    free(m->outside);
    for (size_t i = 0; i < m->nroles; i++) {
        free(m->roles[i].id);
        free(m->roles[i].title);
    }
    free(m->roles);
    for (size_t i = 0; i < m->count; i++) {
        manifest_clause *c = &m->clauses[i];
        free(c->id);
        free(c->title);
        free_strings(c->paragraphs, c->nparagraphs);
        for (size_t t = 0; t < c->ntexts; t++) {
            free(c->texts[t].approver);
            free(c->texts[t].note);
            free_strings(c->texts[t].paragraphs, c->texts[t].nparagraphs);
            free_strings(c->texts[t].refs, c->texts[t].nrefs);
            free(c->texts[t].levels);
        }
        free(c->levels);
        free(c->bookmark);
        free_strings(c->refs, c->nrefs);
        free(c->texts);
        for (size_t a = 0; a < c->napprovals; a++) {
            free(c->approvals[a].role);
            free(c->approvals[a].by);
            free(c->approvals[a].at);
            free(c->approvals[a].note);
        }
        free(c->approvals);
    }
    free(m->clauses);
    for (size_t i = 0; i < m->nsuggestions; i++) {
        manifest_suggestion *g = &m->suggestions[i];
        free(g->risk);
        free(g->decision);
        free(g->reason);
        free(g->dismissal);
        free(g->by);
        free(g->date);
        free(g->confirmed_by);
    }
    free(m->suggestions);
    for (size_t i = 0; i < m->nscreen_lists; i++) {
        free(m->screen_lists[i].name);
        free(m->screen_lists[i].sha256);
        free(m->screen_lists[i].date);
        free(m->screen_lists[i].entries);
    }
    free(m->screen_lists);
    for (size_t i = 0; i < m->nscreen_hits; i++) {
        char **f = (char **)&m->screen_hits[i];
        for (size_t k = 0; k < sizeof m->screen_hits[i] / sizeof *f; k++)
            free(f[k]);
    }
    free(m->screen_hits);
    memset(m, 0, sizeof *m);
    m->deviation_rank = -1;
}

static int dup_into(char **dst, const char *s)
{
    free(*dst);
    *dst = NULL;
    if (!s)
        return 0;
    *dst = strdup(s);
    return *dst ? 0 : -1;
}

int manifest_set(manifest *m, const char *deal, const char *library, const char *document)
{
    if (dup_into(&m->deal, deal) || dup_into(&m->library, library) ||
        dup_into(&m->document, document))
        return -1;
    return 0;
}

int manifest_add(manifest *m, const char *id, int version, const char hash[65])
{
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        manifest_clause *g = realloc(m->clauses, cap * sizeof *g);
        if (!g)
            return -1;
        m->clauses = g;
        m->cap = cap;
    }
    manifest_clause *c = &m->clauses[m->count];
    memset(c, 0, sizeof *c);
    if (!(c->id = strdup(id)))
        return -1;
    c->version = version;
    c->negotiable = 1;
    memcpy(c->hash, hash, 64);
    c->hash[64] = '\0';
    m->count++;
    return 0;
}

int manifest_set_playbook(manifest *m, int position, int negotiable)
{
    if (!m->count)
        return -1;
    m->clauses[m->count - 1].position = position;
    m->clauses[m->count - 1].negotiable = negotiable;
    return 0;
}

static char **copy_strings(const char *const *v, size_t n)
{
    char **out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++)
        if (!(out[i] = strdup(v[i]))) {
            free_strings(out, i);
            return NULL;
        }
    return out;
}

int manifest_set_levels(manifest *m, int text, const signed char *levels, size_t n)
{
    if (!m->count)
        return -1;
    manifest_clause *c = &m->clauses[m->count - 1];
    if (text && !c->ntexts)
        return -1;
    size_t want = text ? c->texts[c->ntexts - 1].nparagraphs : c->nparagraphs;
    if (n != want)
        return 0; /* not this text's paragraphs: no levels */
    signed char *v = malloc(n + 1);
    if (!v)
        return -1;
    memcpy(v, levels, n);
    signed char **slot = text ? &c->texts[c->ntexts - 1].levels : &c->levels;
    free(*slot);
    *slot = v;
    return 0;
}

int manifest_set_refs(manifest *m, const char *bookmark, const char *const *refs, size_t n)
{
    if (!m->count)
        return -1;
    manifest_clause *c = &m->clauses[m->count - 1];
    if (dup_into(&c->bookmark, bookmark))
        return -1;
    free_strings(c->refs, c->nrefs);
    c->refs = copy_strings(refs, n);
    c->nrefs = c->refs ? n : 0;
    return c->refs ? 0 : -1;
}

int manifest_add_text(manifest *m, int position, int version, const char *approver,
                      const char *note, const char *const *paragraphs, size_t n,
                      const char *const *refs, size_t nrefs)
{
    if (!m->count)
        return -1;
    manifest_clause *c = &m->clauses[m->count - 1];
    manifest_text *g = realloc(c->texts, (c->ntexts + 1) * sizeof *g);
    if (!g)
        return -1;
    c->texts = g;
    manifest_text *t = &c->texts[c->ntexts];
    memset(t, 0, sizeof *t);
    t->position = position;
    t->version = version;
    t->paragraphs = copy_strings(paragraphs, n);
    t->nparagraphs = n;
    t->refs = copy_strings(refs, nrefs);
    t->nrefs = nrefs;
    if (!t->paragraphs || !t->refs || dup_into(&t->approver, approver) ||
        dup_into(&t->note, note)) {
        free(t->approver);
        free(t->note);
        free_strings(t->paragraphs, t->paragraphs ? n : 0);
        free_strings(t->refs, t->refs ? nrefs : 0);
        return -1;
    }
    c->ntexts++;
    return 0;
}

int manifest_add_role(manifest *m, const char *id, const char *title)
{
    manifest_role *g = realloc(m->roles, (m->nroles + 1) * sizeof *g);
    if (!g)
        return -1;
    m->roles = g;
    manifest_role *r = &m->roles[m->nroles];
    r->id = strdup(id);
    r->title = strdup(title);
    if (!r->id || !r->title) {
        free(r->id);
        free(r->title);
        return -1;
    }
    m->nroles++;
    return 0;
}

int manifest_add_suggestion(manifest *m, const char *risk, const char *decision, int suggested,
                            const char *reason, const char *dismissal, const char *by,
                            const char *date, const char *confirmed_by)
{
    manifest_suggestion *g = realloc(m->suggestions, (m->nsuggestions + 1) * sizeof *g);
    if (!g)
        return -1;
    m->suggestions = g;
    manifest_suggestion *x = &m->suggestions[m->nsuggestions];
    memset(x, 0, sizeof *x);
    x->suggested = suggested;
    if (dup_into(&x->risk, risk) || dup_into(&x->decision, decision) ||
        dup_into(&x->reason, reason) || dup_into(&x->dismissal, dismissal) ||
        dup_into(&x->by, by) || dup_into(&x->date, date) ||
        dup_into(&x->confirmed_by, confirmed_by) || !x->risk || !x->decision) {
        free(x->risk);
        free(x->decision);
        free(x->reason);
        free(x->dismissal);
        free(x->by);
        free(x->date);
        free(x->confirmed_by);
        return -1;
    }
    m->nsuggestions++;
    m->has_review = 1;
    return 0;
}

/* Copies n strings (NULL ones stay NULL) into dst; 0, or -1 with
 * nothing kept. */
static int copy_fields(char **dst, const char *const *src, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        dst[k] = src[k] ? strdup(src[k]) : NULL;
        if (src[k] && !dst[k]) {
            for (size_t j = 0; j < k; j++)
                free(dst[j]);
            return -1;
        }
    }
    return 0;
}

int manifest_add_screen_list(manifest *m, const char *const v[4])
{
    manifest_screen_list *g = realloc(m->screen_lists, (m->nscreen_lists + 1) * sizeof *g);
    if (!g)
        return -1;
    m->screen_lists = g;
    if (copy_fields((char **)&g[m->nscreen_lists], v, 4) != 0)
        return -1;
    m->nscreen_lists++;
    m->has_screening = 1;
    return 0;
}

int manifest_add_screen_hit(manifest *m, const char *const v[10])
{
    manifest_screen_hit *g = realloc(m->screen_hits, (m->nscreen_hits + 1) * sizeof *g);
    if (!g)
        return -1;
    m->screen_hits = g;
    if (copy_fields((char **)&g[m->nscreen_hits], v, 10) != 0)
        return -1;
    m->nscreen_hits++;
    m->has_screening = 1;
    return 0;
}

int manifest_role_rank(const manifest *m, const char *id)
{
    for (size_t i = 0; id && i < m->nroles; i++)
        if (strcmp(m->roles[i].id, id) == 0)
            return (int)i;
    return -1;
}

int manifest_add_approval(manifest *m, size_t k, const char *role, const char *by, const char *at,
                          const char *note, const char hash[65])
{
    if (k >= m->count)
        return -1;
    manifest_clause *c = &m->clauses[k];
    manifest_approval *g = realloc(c->approvals, (c->napprovals + 1) * sizeof *g);
    if (!g)
        return -1;
    c->approvals = g;
    manifest_approval *a = &c->approvals[c->napprovals];
    memset(a, 0, sizeof *a);
    if (dup_into(&a->role, role) || dup_into(&a->by, by) || dup_into(&a->at, at) ||
        dup_into(&a->note, note)) {
        free(a->role);
        free(a->by);
        free(a->at);
        free(a->note);
        return -1;
    }
    memcpy(a->hash, hash, 64);
    a->hash[64] = '\0';
    c->napprovals++;
    return 0;
}

/* Takes ownership of texts[1..n) as the body and texts[0] as the title. */
static int set_text(manifest_clause *c, char **texts, size_t n)
{
    c->paragraphs = n > 1 ? malloc((n - 1) * sizeof *c->paragraphs) : NULL;
    if (n > 1 && !c->paragraphs)
        return -1; /* the texts are still the caller's */
    c->title = texts[0];
    for (size_t i = 1; i < n; i++)
        c->paragraphs[i - 1] = texts[i];
    c->nparagraphs = n - 1;
    return 0;
}

/* Records the clause with the texts of l (title first), which it takes. */
static int add_text_list(manifest *m, const char *id, int version, text_list l)
{
    int rc = -1;
    if (!l.failed && l.n > 0) {
        char hash[65];
        manifest_clause_hash(l.texts[0], (const char *const *)l.texts + 1, l.n - 1, hash);
        if (manifest_add(m, id, version, hash) == 0 &&
            set_text(&m->clauses[m->count - 1], l.texts, l.n) == 0) {
            free(l.texts);
            return 0;
        }
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.texts[i]);
    free(l.texts);
    return rc;
}

int manifest_add_sdt(manifest *m, const char *id, int version, xmlNodePtr sdt)
{
    return add_text_list(m, id, version, sdt_texts(sdt));
}

int manifest_add_texts(manifest *m, const char *id, int version, const char *title,
                       const char *const *paragraphs, size_t n)
{
    text_list l = {0};
    push_text(&l, strdup(title));
    for (size_t i = 0; i < n && !l.failed; i++)
        push_text(&l, strdup(paragraphs[i]));
    return add_text_list(m, id, version, l);
}

int manifest_paragraph_key(xmlNodePtr p, char out[17])
{
    char *t = docx_paragraph_text_stable(p);
    if (!t)
        return -1;
    /* White space squeezed: editors re-space; no text, no key. */
    size_t n = 0;
    int space = 0;
    for (const char *q = t; *q; q++) {
        int ws = *q == ' ' || *q == '\t' || *q == '\n' || *q == '\r';
        if (ws) {
            space = n > 0;
            continue;
        }
        if (space)
            t[n++] = ' ';
        space = 0;
        t[n++] = *q;
    }
    t[n] = '\0';
    if (!n) {
        free(t);
        return 0;
    }
    /* FNV-1a, 64 bits: a paragraph's identity among a few hundred, not a
     * seal (the clauses' hashes are SHA-256). */
    uint64_t h = 0xcbf29ce484222325u;
    for (const unsigned char *q = (const unsigned char *)t; *q; q++) {
        h ^= *q;
        h *= 0x100000001b3u;
    }
    free(t);
    snprintf(out, 17, "%016" PRIx64, h);
    return 1;
}

int manifest_add_outside(manifest *m, const char key[17])
{
    if (m->noutside == m->capoutside) {
        size_t cap = m->capoutside ? m->capoutside * 2 : 64;
        char(*g)[17] = realloc(m->outside, cap * sizeof *g);
        if (!g)
            return -1;
        m->outside = g;
        m->capoutside = cap;
    }
    memcpy(m->outside[m->noutside++], key, 17);
    m->has_outside = 1;
    return 0;
}

/* ------------------------------------------------------------ writing */

static xmlDocPtr new_doc(void)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    if (doc)
        doc->standalone = 1;
    return doc;
}

/* <clasm:p list="N">text</clasm:p>: a body paragraph, with its list
 * level when it is a list item. 1, or 0 when out of memory. */
static int add_p(xmlNodePtr parent, xmlNsPtr ns, const char *text, const signed char *levels,
                 size_t j)
{
    xmlNodePtr p = xmlNewTextChild(parent, ns, BAD_CAST "p", BAD_CAST text);
    if (!p)
        return 0;
    if (levels && levels[j] >= 0) {
        char v[8];
        snprintf(v, sizeof v, "%d", levels[j]);
        return xmlNewProp(p, BAD_CAST "list", BAD_CAST v) != NULL;
    }
    return 1;
}

/* refs="a b c": bookmark names, which hold no space. 1, or 0. */
static int set_refs_attr(xmlNodePtr el, const char *const *refs, size_t n)
{
    strbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_addc(&b, ' ');
        strbuf_adds(&b, refs[i]);
    }
    int ok = !b.failed && xmlNewProp(el, BAD_CAST "refs", BAD_CAST strbuf_str(&b)) != NULL;
    strbuf_free(&b);
    return ok;
}

/* A clause's position, negotiability, approved texts and approvals:
 * attributes and children of its entry. 1, or 0 when out of memory. */
static int write_playbook(xmlNodePtr c, xmlNsPtr ns, const manifest_clause *mc)
{
    char v[32];
    int ok = 1;
    if (mc->position) {
        snprintf(v, sizeof v, "%d", mc->position);
        ok = xmlNewProp(c, BAD_CAST "position", BAD_CAST v) != NULL;
    }
    if (ok && !mc->negotiable)
        ok = xmlNewProp(c, BAD_CAST "negotiable", BAD_CAST "false") != NULL;
    if (ok && mc->bookmark)
        ok = xmlNewProp(c, BAD_CAST "bookmark", BAD_CAST mc->bookmark) != NULL;
    if (ok && mc->nrefs)
        ok = set_refs_attr(c, (const char *const *)mc->refs, mc->nrefs);
    for (size_t t = 0; ok && t < mc->ntexts; t++) {
        const manifest_text *x = &mc->texts[t];
        xmlNodePtr el = xmlNewChild(c, ns, BAD_CAST "text", NULL);
        snprintf(v, sizeof v, "%d", x->position);
        ok = el && xmlNewProp(el, BAD_CAST "position", BAD_CAST v);
        snprintf(v, sizeof v, "%d", x->version);
        ok = ok && xmlNewProp(el, BAD_CAST "version", BAD_CAST v);
        if (ok && x->approver)
            ok = xmlNewProp(el, BAD_CAST "approver", BAD_CAST x->approver) != NULL;
        if (ok && x->nrefs)
            ok = set_refs_attr(el, (const char *const *)x->refs, x->nrefs);
        if (ok && x->note)
            ok = xmlNewTextChild(el, ns, BAD_CAST "note", BAD_CAST x->note) != NULL;
        for (size_t j = 0; ok && j < x->nparagraphs; j++)
            ok = add_p(el, ns, x->paragraphs[j], x->levels, j);
    }
    for (size_t a = 0; ok && a < mc->napprovals; a++) {
        const manifest_approval *x = &mc->approvals[a];
        xmlNodePtr el = xmlNewChild(c, ns, BAD_CAST "approval", NULL);
        ok = el && xmlNewProp(el, BAD_CAST "role", BAD_CAST x->role) &&
             xmlNewProp(el, BAD_CAST "by", BAD_CAST x->by) &&
             xmlNewProp(el, BAD_CAST "at", BAD_CAST x->at) &&
             xmlNewProp(el, BAD_CAST "hash", BAD_CAST x->hash);
        if (ok && x->note)
            ok = xmlNewTextChild(el, ns, BAD_CAST "note", BAD_CAST x->note) != NULL;
    }
    return ok;
}

static xmlDocPtr manifest_doc(const manifest *m)
{
    xmlDocPtr doc = new_doc();
    xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "manifest", NULL) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocSetRootElement(doc, root);
    xmlNsPtr ns = xmlNewNs(root, BAD_CAST MANIFEST_NS, BAD_CAST "clasm");
    xmlSetNs(root, ns);
    int ok = xmlNewProp(root, BAD_CAST "deal", BAD_CAST(m->deal ? m->deal : "")) &&
             xmlNewProp(root, BAD_CAST "library", BAD_CAST(m->library ? m->library : ""));
    if (ok && m->document)
        ok = xmlNewProp(root, BAD_CAST "document", BAD_CAST m->document) != NULL;
    if (ok && m->nroles) {
        xmlNodePtr roles = xmlNewChild(root, ns, BAD_CAST "roles", NULL);
        ok = roles != NULL;
        if (ok && m->deviation_rank >= 0 && (size_t)m->deviation_rank < m->nroles)
            ok = xmlNewProp(roles, BAD_CAST "deviations",
                            BAD_CAST m->roles[m->deviation_rank].id) != NULL;
        for (size_t i = 0; ok && i < m->nroles; i++) {
            xmlNodePtr r = xmlNewChild(roles, ns, BAD_CAST "role", NULL);
            ok = r && xmlNewProp(r, BAD_CAST "id", BAD_CAST m->roles[i].id) &&
                 xmlNewProp(r, BAD_CAST "title", BAD_CAST m->roles[i].title);
        }
    }
    if (ok && m->has_outside) {
        char *keys = malloc(m->noutside * 17 + 1);
        ok = keys != NULL;
        if (ok) {
            char *at = keys;
            *at = '\0';
            for (size_t i = 0; i < m->noutside; i++) {
                if (i)
                    *at++ = ' ';
                memcpy(at, m->outside[i], 16);
                at += 16;
            }
            *at = '\0';
            ok = xmlNewTextChild(root, ns, BAD_CAST "outside", BAD_CAST keys) != NULL;
        }
        free(keys);
    }
    if (ok && m->has_review) {
        /* The review: each suggestion and the decision on it. */
        xmlNodePtr review = xmlNewChild(root, ns, BAD_CAST "review", NULL);
        ok = review != NULL;
        for (size_t i = 0; ok && i < m->nsuggestions; i++) {
            const manifest_suggestion *g = &m->suggestions[i];
            xmlNodePtr el = xmlNewChild(review, ns, BAD_CAST "suggestion", NULL);
            ok = el && xmlNewProp(el, BAD_CAST "risk", BAD_CAST g->risk) &&
                 xmlNewProp(el, BAD_CAST "decision", BAD_CAST g->decision) &&
                 xmlNewProp(el, BAD_CAST "suggested", BAD_CAST(g->suggested ? "yes" : "no"));
            if (ok && g->by)
                ok = xmlNewProp(el, BAD_CAST "by", BAD_CAST g->by) != NULL;
            if (ok && g->date)
                ok = xmlNewProp(el, BAD_CAST "date", BAD_CAST g->date) != NULL;
            if (ok && g->confirmed_by)
                ok = xmlNewProp(el, BAD_CAST "confirmed-by", BAD_CAST g->confirmed_by) != NULL;
            if (ok && g->reason)
                ok = xmlNewTextChild(el, ns, BAD_CAST "reason", BAD_CAST g->reason) != NULL;
            if (ok && g->dismissal)
                ok = xmlNewTextChild(el, ns, BAD_CAST "dismissal", BAD_CAST g->dismissal) != NULL;
        }
    }
    if (ok && m->has_screening) {
        /* The screening: the lists and each hit with its decision. */
        static const char *const list_attrs[] = {"name", "sha256", "date", "entries"};
        static const char *const hit_attrs[] = {"party", "name",     "list", "entry", "id",
                                                "score", "decision", NULL,   "by",    "date"};
        xmlNodePtr sc = xmlNewChild(root, ns, BAD_CAST "screening", NULL);
        ok = sc != NULL;
        for (size_t i = 0; ok && i < m->nscreen_lists; i++) {
            const char *const *f = (const char *const *)&m->screen_lists[i];
            xmlNodePtr el = xmlNewChild(sc, ns, BAD_CAST "list", NULL);
            ok = el != NULL;
            for (size_t k = 0; ok && k < 4; k++)
                if (f[k])
                    ok = xmlNewProp(el, BAD_CAST list_attrs[k], BAD_CAST f[k]) != NULL;
        }
        for (size_t i = 0; ok && i < m->nscreen_hits; i++) {
            const char *const *f = (const char *const *)&m->screen_hits[i];
            xmlNodePtr el = xmlNewChild(sc, ns, BAD_CAST "hit", NULL);
            ok = el != NULL;
            for (size_t k = 0; ok && k < 10; k++)
                if (f[k] && hit_attrs[k])
                    ok = xmlNewProp(el, BAD_CAST hit_attrs[k], BAD_CAST f[k]) != NULL;
            if (ok && m->screen_hits[i].reason)
                ok = xmlNewTextChild(el, ns, BAD_CAST "reason",
                                     BAD_CAST m->screen_hits[i].reason) != NULL;
        }
    }
    for (size_t i = 0; ok && i < m->count; i++) {
        char v[32];
        snprintf(v, sizeof v, "%d", m->clauses[i].version);
        xmlNodePtr c = xmlNewChild(root, ns, BAD_CAST "clause", NULL);
        ok = c && xmlNewProp(c, BAD_CAST "id", BAD_CAST m->clauses[i].id) &&
             xmlNewProp(c, BAD_CAST "version", BAD_CAST v) &&
             xmlNewProp(c, BAD_CAST "hash", BAD_CAST m->clauses[i].hash);
        /* xmlNewTextChild escapes the text. */
        if (ok && m->clauses[i].title)
            ok = xmlNewTextChild(c, ns, BAD_CAST "title", BAD_CAST m->clauses[i].title) != NULL;
        for (size_t j = 0; ok && j < m->clauses[i].nparagraphs; j++)
            ok = add_p(c, ns, m->clauses[i].paragraphs[j], m->clauses[i].levels, j);
        if (ok)
            ok = write_playbook(c, ns, &m->clauses[i]);
    }
    if (!ok) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* A GUID made from the manifest's content, so that the same draft has the
 * same bytes. */
static void manifest_guid(const manifest *m, char out[39])
{
    char h[65];
    const char *parts[2] = {m->library ? m->library : "", m->document ? m->document : ""};
    manifest_clause_hash(m->deal ? m->deal : "", parts, 2, h);
    for (char *p = h; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    snprintf(out, 39, "{%.8s-%.4s-%.4s-%.4s-%.12s}", h, h + 8, h + 12, h + 16, h + 20);
}

static xmlDocPtr props_doc(const manifest *m)
{
    xmlDocPtr doc = new_doc();
    xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "datastoreItem", NULL) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocSetRootElement(doc, root);
    xmlNsPtr ds = xmlNewNs(root, BAD_CAST DS_NS, BAD_CAST "ds");
    xmlSetNs(root, ds);
    char guid[39];
    manifest_guid(m, guid);
    xmlNodePtr refs = NULL, ref = NULL;
    int ok = xmlNewNsProp(root, ds, BAD_CAST "itemID", BAD_CAST guid) &&
             (refs = xmlNewChild(root, ds, BAD_CAST "schemaRefs", NULL)) &&
             (ref = xmlNewChild(refs, ds, BAD_CAST "schemaRef", NULL)) &&
             xmlNewNsProp(ref, ds, BAD_CAST "uri", BAD_CAST MANIFEST_NS);
    if (!ok) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

static xmlDocPtr item_rels_doc(int n)
{
    xmlDocPtr doc = new_doc();
    xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "Relationships", NULL) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocSetRootElement(doc, root);
    xmlNsPtr ns = xmlNewNs(root, BAD_CAST REL_NS, NULL);
    xmlSetNs(root, ns);
    char target[64];
    snprintf(target, sizeof target, "itemProps%d.xml", n);
    xmlNodePtr r = xmlNewChild(root, ns, BAD_CAST "Relationship", NULL);
    if (!r || !xmlNewProp(r, BAD_CAST "Id", BAD_CAST "rId1") ||
        !xmlNewProp(r, BAD_CAST "Type", BAD_CAST REL_CUSTOMXML_PROPS) ||
        !xmlNewProp(r, BAD_CAST "Target", BAD_CAST target)) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

static int store_doc(pkg_edit *e, const char *part, xmlDocPtr doc, clasm_diags *diags)
{
    int rc = doc ? pkg_edit_adopt_xml(e, part, doc) : -1; /* the edit owns doc */
    if (rc != 0)
        diag_part(diags, CLASM_SEV_ERROR, "io-error", pkg_name(pkg_edit_base(e)), part, 0,
                  "could not store the manifest part %s (out of memory)", part);
    return rc;
}

clasm_status manifest_write(pkg_edit *e, const manifest *m, clasm_diags *diags)
{
    const char *file = pkg_name(pkg_edit_base(e));
    const char *main_part = pkg_main_part(pkg_edit_base(e));
    char item[64], props[64], rels[64];
    int n = 1;
    for (; n < 100000; n++) {
        snprintf(item, sizeof item, "customXml/item%d.xml", n);
        snprintf(props, sizeof props, "customXml/itemProps%d.xml", n);
        snprintf(rels, sizeof rels, "customXml/_rels/item%d.xml.rels", n);
        if (!pkg_edit_has(e, item) && !pkg_edit_has(e, props) && !pkg_edit_has(e, rels))
            break;
    }
    if (store_doc(e, item, manifest_doc(m), diags) != 0 ||
        store_doc(e, props, props_doc(m), diags) != 0 ||
        store_doc(e, rels, item_rels_doc(n), diags) != 0)
        return CLASM_E_IO;
    /* The main part's relationship to the item, relative to its folder. */
    char target[256];
    size_t up = 0;
    for (const char *p = main_part; *p; p++)
        up += *p == '/';
    target[0] = '\0';
    for (size_t i = 0; i < up && i < 32; i++)
        strcat(target, "../");
    strcat(target, item);
    if (pkg_add_relationship(e, main_part, REL_CUSTOMXML, target, NULL, diags) != 0 ||
        pkg_add_override(e, props, CT_CUSTOMXML_PROPS, diags) != 0 ||
        (!pkg_has_default(e, "xml", diags) &&
         pkg_add_override(e, item, "application/xml", diags) != 0)) {
        diag_part(diags, CLASM_SEV_ERROR, "io-error", file, item, 0,
                  "could not register the manifest part %s", item);
        return CLASM_E_IO;
    }
    return CLASM_OK;
}

clasm_status manifest_rewrite(pkg_edit *e, const manifest *m, clasm_diags *diags)
{
    if (!m->part)
        return CLASM_E_USAGE;
    return store_doc(e, m->part, manifest_doc(m), diags) == 0 ? CLASM_OK : CLASM_E_IO;
}

/* ------------------------------------------------------------ reading */

/* What a manifest may hold (a draft's holds a few of each; more is a
 * crafted part, refused as damaged rather than worked through). */
#define MANIFEST_MAX_ROLES 64u
#define MANIFEST_MAX_TEXTS 64u
#define MANIFEST_MAX_APPROVALS 1024u
#define MANIFEST_MAX_REFS 10000u
#define MANIFEST_MAX_OUTSIDE 500000u
#define MANIFEST_MAX_CLAUSES 5000u

static int is_item_name(const char *name)
{
    if (strncmp(name, "customXml/item", 14) != 0)
        return 0;
    const char *p = name + 14;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return strcmp(p, ".xml") == 0;
}

/* The attribute's value (NULL when absent); *oom set when it is there but
 * memory ran out. */
static char *attr(xmlNodePtr n, const char *name, int *oom)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    if (!s && xmlHasProp(n, BAD_CAST name))
        *oom = 1;
    return s;
}

static int is_manifest_el(xmlNodePtr n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           xmlStrcmp(n->ns->href, BAD_CAST MANIFEST_NS) == 0 &&
           xmlStrcmp(n->name, BAD_CAST local) == 0;
}

/* Records in *levels (allocated for n paragraphs on first need) the list
 * level of paragraph j, read from its list attribute (absent: -1). */
static int level_of(xmlNodePtr p, signed char **levels, size_t j, size_t n)
{
    xmlChar *v = xmlGetProp(p, BAD_CAST "list");
    if (!v)
        return xmlHasProp(p, BAD_CAST "list") ? -1 : 0;
    if (!*levels) {
        *levels = malloc(n + 1);
        if (!*levels) {
            xmlFree(v);
            return -1;
        }
        memset(*levels, -1, n + 1);
    }
    (*levels)[j] = (signed char)(v[0] >= '0' && v[0] <= '8' && !v[1] ? v[0] - '0' : -1);
    xmlFree(v);
    return 0;
}

/* The title and body paragraphs of a clause entry (absent in older drafts). */
static int read_text(xmlNodePtr el, manifest_clause *c)
{
    size_t n = 0;
    for (xmlNodePtr k = el->children; k; k = k->next)
        n += is_manifest_el(k, "p");
    c->paragraphs = n ? calloc(n, sizeof *c->paragraphs) : NULL;
    if (n && !c->paragraphs)
        return -1;
    for (xmlNodePtr k = el->children; k; k = k->next) {
        if (!is_manifest_el(k, "title") && !is_manifest_el(k, "p"))
            continue;
        xmlChar *t = xmlNodeGetContent(k);
        char *s = strdup(t ? (const char *)t : "");
        xmlFree(t);
        if (!s)
            return -1;
        if (is_manifest_el(k, "title")) {
            free(c->title);
            c->title = s;
        } else {
            if (level_of(k, &c->levels, c->nparagraphs, n) != 0) {
                free(s);
                return -1;
            }
            c->paragraphs[c->nparagraphs++] = s;
        }
    }
    return 0;
}

static char *content(xmlNodePtr n, int *oom)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = strdup(t ? (const char *)t : "");
    xmlFree(t);
    if (!s)
        *oom = 1;
    return s;
}

/* The number in attribute name, or dflt when absent or not a number in
 * [0, 1000000]; *bad set when present and wrong. */
static int int_attr(xmlNodePtr n, const char *name, int dflt, int *bad, int *oom)
{
    char *v = attr(n, name, oom);
    if (!v)
        return dflt;
    char *end = NULL;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < 0 || x > 1000000)
        *bad = 1;
    free(v);
    return (int)x;
}

/* The names of a refs attribute (absent: none). */
static void read_refs(xmlNodePtr el, char ***out, size_t *n, int *bad, int *oom)
{
    char *v = attr(el, "refs", oom);
    *out = NULL;
    *n = 0;
    if (!v)
        return;
    size_t cap = 1;
    for (const char *q = v; *q; q++)
        cap += *q == ' ';
    if (cap > MANIFEST_MAX_REFS) {
        free(v);
        *bad = 1;
        return;
    }
    char **r = calloc(cap + 1, sizeof *r);
    if (!r) {
        free(v);
        *oom = 1;
        return;
    }
    size_t k = 0;
    char *save = NULL;
    for (char *tok = strtok_r(v, " ", &save); tok && k < cap; tok = strtok_r(NULL, " ", &save))
        if (!(r[k++] = strdup(tok))) {
            *oom = 1;
            break;
        }
    free(v);
    *out = r;
    *n = k;
}

/* A clause entry's playbook: position, negotiable, texts, approvals. */
static void read_playbook(xmlNodePtr el, manifest_clause *c, int *bad, int *oom)
{
    c->position = int_attr(el, "position", 0, bad, oom);
    c->bookmark = attr(el, "bookmark", oom);
    read_refs(el, &c->refs, &c->nrefs, bad, oom);
    char *neg = attr(el, "negotiable", oom);
    c->negotiable = !(neg && strcmp(neg, "false") == 0);
    free(neg);
    for (xmlNodePtr k = el->children; k && !*bad && !*oom; k = k->next) {
        if (is_manifest_el(k, "text")) {
            if (c->ntexts >= MANIFEST_MAX_TEXTS) {
                *bad = 1;
                return;
            }
            manifest_text *g = realloc(c->texts, (c->ntexts + 1) * sizeof *g);
            if (!g) {
                *oom = 1;
                return;
            }
            c->texts = g;
            manifest_text *t = &c->texts[c->ntexts++];
            memset(t, 0, sizeof *t);
            t->position = int_attr(k, "position", -1, bad, oom);
            t->version = int_attr(k, "version", 0, bad, oom);
            t->approver = attr(k, "approver", oom);
            read_refs(k, &t->refs, &t->nrefs, bad, oom);
            *bad |= t->position < 0;
            size_t n = 0;
            for (xmlNodePtr q = k->children; q; q = q->next)
                n += is_manifest_el(q, "p");
            t->paragraphs = calloc(n + 1, sizeof *t->paragraphs);
            if (!t->paragraphs) {
                *oom = 1;
                return;
            }
            for (xmlNodePtr q = k->children; q && !*oom; q = q->next) {
                if (is_manifest_el(q, "p")) {
                    char *s = content(q, oom);
                    if (s && level_of(q, &t->levels, t->nparagraphs, n) != 0)
                        *oom = 1;
                    if (s)
                        t->paragraphs[t->nparagraphs++] = s;
                } else if (is_manifest_el(q, "note")) {
                    free(t->note);
                    t->note = content(q, oom);
                }
            }
        } else if (is_manifest_el(k, "approval")) {
            if (c->napprovals >= MANIFEST_MAX_APPROVALS) {
                *bad = 1;
                return;
            }
            char *role = attr(k, "role", oom), *by = attr(k, "by", oom), *at = attr(k, "at", oom),
                 *hash = attr(k, "hash", oom), *note = NULL;
            for (xmlNodePtr q = k->children; q && !*oom; q = q->next)
                if (is_manifest_el(q, "note")) {
                    free(note);
                    note = content(q, oom);
                }
            if (!*oom && (!role || !by || !at || !hash || strlen(hash) != 64))
                *bad = 1;
            manifest_approval *g =
                *bad || *oom ? NULL : realloc(c->approvals, (c->napprovals + 1) * sizeof *g);
            if (g) {
                c->approvals = g;
                manifest_approval *a = &c->approvals[c->napprovals++];
                a->role = role;
                a->by = by;
                a->at = at;
                a->note = note;
                memcpy(a->hash, hash, 65);
                role = by = at = note = NULL;
            } else if (!*bad) {
                *oom = 1;
            }
            free(role);
            free(by);
            free(at);
            free(hash);
            free(note);
        }
    }
}

/* The outside element: keys of 16 hex digits, one space apart. */
static void read_outside(xmlNodePtr el, manifest *m, int *bad, int *oom)
{
    char *v = content(el, oom);
    if (!v)
        return;
    m->has_outside = 1;
    const char *q = v;
    while (*q && !*oom && !*bad) {
        while (*q == ' ')
            q++;
        if (!*q)
            break;
        size_t n = strspn(q, "0123456789abcdef");
        if (n != 16 || (q[n] && q[n] != ' ')) {
            *bad = 1;
            break;
        }
        if (m->noutside >= MANIFEST_MAX_OUTSIDE) {
            *bad = 1;
            break;
        }
        char key[17];
        memcpy(key, q, 16);
        key[16] = '\0';
        *oom |= manifest_add_outside(m, key) != 0;
        q += n;
    }
    free(v);
}

#define MANIFEST_MAX_SUGGESTIONS 4096u

/* The review element of a manifest. */
static void read_review(xmlNodePtr el, manifest *m, int *bad, int *oom)
{
    m->has_review = 1;
    for (xmlNodePtr k = el->children; k && !*oom && !*bad; k = k->next) {
        if (!is_manifest_el(k, "suggestion"))
            continue;
        if (m->nsuggestions >= MANIFEST_MAX_SUGGESTIONS) {
            *bad = 1;
            break;
        }
        char *risk = attr(k, "risk", oom), *decision = attr(k, "decision", oom),
             *suggested = attr(k, "suggested", oom), *by = attr(k, "by", oom),
             *date = attr(k, "date", oom), *confirmed = attr(k, "confirmed-by", oom);
        char *reason = NULL, *dismissal = NULL;
        for (xmlNodePtr t = k->children; t && !*oom; t = t->next) {
            if (is_manifest_el(t, "reason") && !reason)
                reason = content(t, oom);
            else if (is_manifest_el(t, "dismissal") && !dismissal)
                dismissal = content(t, oom);
        }
        if (risk && decision && suggested)
            *oom |= manifest_add_suggestion(m, risk, decision, strcmp(suggested, "yes") == 0,
                                            reason, dismissal, by, date, confirmed) != 0;
        else
            *bad |= !*oom;
        free(risk);
        free(decision);
        free(suggested);
        free(by);
        free(date);
        free(confirmed);
        free(reason);
        free(dismissal);
    }
}

#define MANIFEST_MAX_SCREEN 4096u

/* The screening element of a manifest. */
static void read_screening(xmlNodePtr el, manifest *m, int *bad, int *oom)
{
    static const char *const list_attrs[] = {"name", "sha256", "date", "entries"};
    static const char *const hit_attrs[] = {"party", "name",     "list", "entry", "id",
                                            "score", "decision", NULL,   "by",    "date"};
    m->has_screening = 1;
    for (xmlNodePtr k = el->children; k && !*oom && !*bad; k = k->next) {
        int is_list = is_manifest_el(k, "list"), is_hit = is_manifest_el(k, "hit");
        if (!is_list && !is_hit)
            continue;
        if (m->nscreen_lists + m->nscreen_hits >= MANIFEST_MAX_SCREEN) {
            *bad = 1;
            break;
        }
        char *v[10] = {0};
        size_t n = is_list ? 4 : 10;
        for (size_t i = 0; i < n; i++) {
            const char *name = is_list ? list_attrs[i] : hit_attrs[i];
            if (name)
                v[i] = attr(k, name, oom);
        }
        if (is_hit)
            for (xmlNodePtr t = k->children; t && !*oom && !v[7]; t = t->next)
                if (is_manifest_el(t, "reason"))
                    v[7] = content(t, oom);
        if (!*oom && !v[0])
            *bad = 1;
        else if (!*oom)
            *oom |= (is_list ? manifest_add_screen_list(m, (const char *const *)v)
                             : manifest_add_screen_hit(m, (const char *const *)v)) != 0;
        for (size_t i = 0; i < n; i++)
            free(v[i]);
    }
}

/* The roles element of a manifest. */
static void read_roles(xmlNodePtr el, manifest *m, int *bad, int *oom)
{
    char *dev = attr(el, "deviations", oom);
    for (xmlNodePtr k = el->children; k && !*oom; k = k->next) {
        if (!is_manifest_el(k, "role"))
            continue;
        if (m->nroles >= MANIFEST_MAX_ROLES) {
            *bad = 1;
            break;
        }
        char *id = attr(k, "id", oom), *title = attr(k, "title", oom);
        if (id && title)
            *oom |= manifest_add_role(m, id, title) != 0;
        else
            *bad |= !*oom;
        free(id);
        free(title);
    }
    m->deviation_rank = manifest_role_rank(m, dev);
    free(dev);
}

clasm_status manifest_read(const pkg *p, manifest *m, clasm_diags *diags)
{
    const char *file = pkg_name(p);
    manifest_init(m);
    for (size_t i = 0; i < pkg_entry_count(p); i++) {
        const char *name = pkg_entry_name(p, i);
        if (!is_item_name(name))
            continue;
        size_t len = 0;
        const unsigned char *bytes = pkg_bytes(p, name, &len);
        if (!bytes)
            continue;
        clasm_diags quiet;
        clasm_diags_init(&quiet);
        xmlDocPtr doc = pkg_parse_xml_bytes(bytes, len, file, name, &quiet);
        int oom = !doc && pkg_failure_status(&quiet, 0) == CLASM_E_IO;
        clasm_diags_free(&quiet);
        if (oom) {
            /* Not "no manifest": memory ran out. */
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, name, 0,
                      "out of memory while parsing %s", name);
            return CLASM_E_IO;
        }
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (!is_manifest_el(root, "manifest")) {
            xmlFreeDoc(doc);
            continue;
        }
        m->deal = attr(root, "deal", &oom);
        m->library = attr(root, "library", &oom);
        m->document = attr(root, "document", &oom);
        m->part = strdup(name);
        oom |= !m->part;
        int bad = !m->deal || !m->library;
        for (xmlNodePtr c = root->children; c && !bad && !oom; c = c->next) {
            if (is_manifest_el(c, "roles"))
                read_roles(c, m, &bad, &oom);
            if (is_manifest_el(c, "outside"))
                read_outside(c, m, &bad, &oom);
            if (is_manifest_el(c, "review"))
                read_review(c, m, &bad, &oom);
            if (is_manifest_el(c, "screening"))
                read_screening(c, m, &bad, &oom);
            if (!is_manifest_el(c, "clause"))
                continue;
            if (m->count >= MANIFEST_MAX_CLAUSES) {
                bad = 1;
                break;
            }
            char *id = attr(c, "id", &oom), *ver = attr(c, "version", &oom),
                 *hash = attr(c, "hash", &oom);
            char *end = NULL;
            long v = ver ? strtol(ver, &end, 10) : 0;
            bad = !id || !ver || !hash || *end || v < 0 || v > 1000000 || strlen(hash) != 64;
            if (!bad && !oom)
                oom = manifest_add(m, id, (int)v, hash) != 0 ||
                      read_text(c, &m->clauses[m->count - 1]) != 0;
            if (!bad && !oom)
                read_playbook(c, &m->clauses[m->count - 1], &bad, &oom);
            free(id);
            free(ver);
            free(hash);
        }
        xmlFreeDoc(doc);
        if (oom) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, name, 0,
                      "out of memory while reading the clasm manifest %s", name);
            manifest_free(m);
            return CLASM_E_IO;
        }
        if (bad) {
            diag_part(diags, CLASM_SEV_ERROR, "manifest-malformed", file, name, 0,
                      "the clasm manifest %s is damaged: a clause entry lacks its id, version "
                      "or hash, or the deal or library is missing",
                      name);
            manifest_free(m);
            return CLASM_E_INPUT;
        }
        return CLASM_OK;
    }
    diag_part(diags, CLASM_SEV_ERROR, "no-manifest", file, NULL, 0,
              "the document has no clasm manifest: it was not assembled by clasm, or the "
              "manifest part was removed");
    return CLASM_E_INPUT;
}
