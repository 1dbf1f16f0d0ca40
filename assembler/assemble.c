/* Templates and assembly: clasm_template_open checks a template once (its
 * markers, without a deal); clasm_assemble draws one draft from it:
 * conditionals, insertion points, values, clauses, styles and numbering,
 * the manifest, then one atomic write. The template object is immutable
 * after open, so drafts may be assembled from it concurrently. */
#include "clasm.h"

#include "clause_fragments.h"
#include "diag.h"
#include "docx_clauses.h"
#include "docx_numbers.h"
#include "docx_static.h"
#include "glossary.h"
#include "docx_structure.h"
#include "docx_text.h"
#include "facts.h"
#include "library.h"
#include "lint.h"
#include "manifest.h"
#include "package.h"
#include "placeholder.h"
#include "plan.h"
#include "screening.h"
#include "tags.h"
#include "template.h"
#include "values.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARTS 256
/* A part of at most this many bytes is kept parsed while the template is
 * open and each draft copies it; a larger one is parsed again for each
 * draft, so that it is never held in memory twice (README, "Limits on
 * untrusted templates"). Word's own documents are far smaller. */
#define KEEP_PART_BYTES (1u << 20)

/* A value placeholder of the template: its path, where it is (part index,
 * the template's 1-based paragraph number) and the conditionals whose
 * region holds it, all of which must be true for a draft to keep it. */
typedef struct {
    char *path;
    size_t part;
    int paragraph;
    size_t *conds;
    size_t nconds;
} tpl_use;

/* A structure marker of a template part: index is its place in the part's
 * markers, pos its node's place in document order (next_in_order). */
typedef struct {
    size_t pos;
    size_t index;
    const xmlNode *node;
} tpl_mark;

struct clasm_template {
    pkg *pkg;
    const char *parts[MAX_PARTS]; /* main part first; strings owned by pkg */
    size_t nparts;
    /* The terms.KEY keys its placeholders and conditionals use, once each,
     * in order of first appearance (owned). */
    char **term_keys;
    size_t nterm_keys;
    /* Compiled when opened, so that no draft parses the template to learn
     * what it needs: every value placeholder (in document order, part by
     * part) with the conditionals around it (indices into conds). */
    tpl_use *uses;
    size_t nuses;
    char **conds; /* the expressions of the balanced {{#if}}s (owned) */
    size_t nconds;
    /* Each of conds parsed once (NULL where it does not parse: a draft
     * parses it again to report why), and conds' indices sorted by text,
     * for a draft's conditionals to find theirs. */
    expr **cond_exprs;
    size_t *cond_order;
    /* Each part parsed once, when opened, its paragraphs numbered and its
     * structure markers found and checked: a draft starts from a copy of
     * them (copy_part), never from the part's bytes; docs[i] is NULL for a
     * part over KEEP_PART_BYTES, parsed for each draft. Parsed without a
     * dictionary (pkg_parse_xml_owned), so a copy shares no string with
     * them and threads may copy them at once: xmlCopyDoc only reads the
     * tree it copies. */
    xmlDocPtr docs[MAX_PARTS];
    structure_markers markers[MAX_PARTS];
    tpl_mark *marks[MAX_PARTS]; /* each part's markers by pos (owned) */
    /* The main part's static runs (docx_static.h): serialized once, left
     * in docs[0] as instructions that a draft's bytes replace. */
    docx_statics statics;
    /* The styles and numbering parts related to the main part, parsed once
     * without a dictionary (each draft copies them); NULL when absent. */
    xmlDocPtr styles, numbering;
    /* The clauses of a library compiled for this template
     * (clasm_template_compile); NULL when none is. */
    clause_fragments *fragments;
};

/* Adds KEY of a "terms.KEY" name to the template's keys once. Returns 0,
 * or -1 when out of memory. */
static int add_term_key(void *ctx, const char *name)
{
    clasm_template *tpl = ctx;
    if (strncmp(name, "terms.", 6) != 0 || !name[6])
        return 0;
    for (size_t i = 0; i < tpl->nterm_keys; i++)
        if (strcmp(tpl->term_keys[i], name + 6) == 0)
            return 0;
    char **v = realloc(tpl->term_keys, (tpl->nterm_keys + 1) * sizeof *v);
    if (!v)
        return -1;
    tpl->term_keys = v;
    if (!(v[tpl->nterm_keys] = strdup(name + 6)))
        return -1;
    tpl->nterm_keys++;
    return 0;
}

/* The terms.KEY of one part: value placeholders and conditionals. */
static int collect_term_keys(clasm_template *tpl, xmlDocPtr doc, const structure_markers *m)
{
    char **paths = NULL;
    size_t n = docx_list_placeholders(doc, &paths);
    if (n == (size_t)-1)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = add_term_key(tpl, paths[i]);
    docx_strings_free(paths, n);
    for (size_t k = 0; k < m->count && rc == 0; k++) {
        expr *e = NULL;
        char *err = NULL;
        int col = 0;
        if (m->items[k].kind != STRUCT_IF || !m->items[k].expr)
            continue;
        if (expr_parse(m->items[k].expr, &e, &err, &col) == 0)
            rc = expr_each_fact(e, add_term_key, tpl);
        expr_free(e);
        free(err);
    }
    return rc;
}

const char *const *clasm_template_terms(const clasm_template *tpl, size_t *count)
{
    *count = tpl ? tpl->nterm_keys : 0;
    return tpl ? (const char *const *)tpl->term_keys : NULL;
}

static void number_paragraphs(xmlDocPtr doc);

/* The node after n in document order: an element's (or the document's)
 * children first, then its next sibling or an ancestor's; attributes are
 * not visited. NULL after the last. */
static xmlNodePtr next_in_order(xmlNodePtr n)
{
    if ((n->type == XML_ELEMENT_NODE || n->type == XML_DOCUMENT_NODE) && n->children)
        return n->children;
    for (; n; n = n->parent)
        if (n->next)
            return n->next;
    return NULL;
}

static int mark_by_node(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const tpl_mark *)a)->node,
              y = (uintptr_t)((const tpl_mark *)b)->node;
    return x < y ? -1 : x > y;
}

static int mark_by_pos(const void *a, const void *b)
{
    const tpl_mark *x = a, *y = b;
    if (x->pos != y->pos)
        return x->pos < y->pos ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* tpl->marks[i]: where each marker of part i is in document order, so that
 * a copy's markers are found in one walk. 0, or -1 when out of memory. */
static int index_marks(clasm_template *tpl, size_t i)
{
    const structure_markers *m = &tpl->markers[i];
    if (m->count == 0)
        return 0;
    tpl_mark *marks = malloc(m->count * sizeof *marks);
    if (!marks)
        return -1;
    for (size_t k = 0; k < m->count; k++)
        marks[k] = (tpl_mark){SIZE_MAX, k, m->items[k].node};
    qsort(marks, m->count, sizeof *marks, mark_by_node);
    size_t pos = 0;
    for (xmlNodePtr n = next_in_order((xmlNodePtr)tpl->docs[i]); n; n = next_in_order(n), pos++) {
        tpl_mark key = {0, 0, n};
        tpl_mark *hit = bsearch(&key, marks, m->count, sizeof *marks, mark_by_node);
        if (!hit)
            continue;
        while (hit > marks && hit[-1].node == n)
            hit--;
        for (; hit < marks + m->count && hit->node == n; hit++)
            hit->pos = pos;
    }
    /* A marker not found stays last (SIZE_MAX): copy_part then refuses. */
    qsort(marks, m->count, sizeof *marks, mark_by_pos);
    tpl->marks[i] = marks;
    return 0;
}

/* A draft's own copy of part i: the tree (xmlCopyDoc), each node with its
 * original's application pointer (the template's paragraph numbers) and,
 * when m is not NULL, the part's markers pointing into the copy. 0, or -1
 * when out of memory: libxml2 may leave a copy short of the nodes whose
 * allocation failed, so a copy that is not node for node the template's
 * shape is that too. */
static int copy_part(const clasm_template *tpl, size_t i, xmlDocPtr *out, structure_markers *m)
{
    *out = NULL;
    xmlDocPtr src = tpl->docs[i];
    xmlDocPtr doc = xmlCopyDoc(src, 1);
    if (!doc)
        return -1;
    if (m && structure_markers_copy(&tpl->markers[i], m) != 0) {
        xmlFreeDoc(doc);
        return -1;
    }
    const tpl_mark *marks = m ? tpl->marks[i] : NULL;
    size_t nmarks = m ? m->count : 0, next = 0, pos = 0;
    xmlNodePtr s = next_in_order((xmlNodePtr)src), c = next_in_order((xmlNodePtr)doc);
    for (; s && c && s->type == c->type; s = next_in_order(s), c = next_in_order(c), pos++) {
        c->_private = s->_private;
        for (; next < nmarks && marks[next].pos == pos; next++)
            m->items[marks[next].index].node = c;
    }
    if (s || c || next < nmarks) {
        xmlFreeDoc(doc);
        if (m)
            structure_markers_free(m);
        return -1;
    }
    *out = doc;
    return 0;
}

/* Calls fn for every value placeholder a draft of tpl for this deal and
 * plan prints that want (NULL: every one) asks for: each part's
 * conditionals are applied as assembly applies them, so a placeholder in a
 * region the deal drops (say, the reseller's name in a direct deal) is not
 * visited. tier, score and document are skipped (the plan always has them).
 * Each conditional is evaluated once, and only for a placeholder asked
 * for. Stops at the first fn that does not return 0 and returns its value;
 * -1 when out of memory. */
int template_each_value(const clasm_template *tpl, const clasm_library *lib, const clasm_deal *deal,
                        const clasm_plan *plan, template_value_want want, template_value_fn fn,
                        void *ctx)
{
    /* The facts a template's conditionals see, for the plan being drawn:
     * built when a first conditional needs them. */
    facts_ctx *facts = NULL;
    /* -2 not yet evaluated, 0 false, 1 true (an evaluation error keeps the
     * region, as assembly does). */
    int *truth = malloc((tpl->nconds + 1) * sizeof *truth);
    if (!truth)
        return -1;
    for (size_t c = 0; c < tpl->nconds; c++)
        truth[c] = -2;
    int rc = 0;
    for (size_t u = 0; rc == 0 && u < tpl->nuses; u++) {
        const tpl_use *use = &tpl->uses[u];
        const char *p = use->path;
        if (deal_field_has(p, DF_PLAN) || (want && !want(ctx, p)))
            continue;
        int kept = 1;
        for (size_t k = 0; k < use->nconds && kept; k++) {
            size_t c = use->conds[k];
            if (truth[c] == -2) {
                if (!facts && !(facts = facts_ctx_new(lib, deal, plan))) {
                    free(truth);
                    return -1;
                }
                char *err = NULL;
                int col = 0;
                const expr *parsed = tpl->cond_exprs ? tpl->cond_exprs[c] : NULL;
                truth[c] = (parsed ? facts_ctx_eval_parsed(facts, parsed, &err, &col)
                                   : facts_ctx_eval(facts, tpl->conds[c], &err, &col)) == 0
                               ? 0
                               : 1;
                free(err);
            }
            kept = truth[c] != 0;
        }
        if (kept)
            rc = fn(ctx, p, tpl->parts[use->part], use->paragraph);
    }
    facts_ctx_free(facts);
    free(truth);
    return rc;
}

typedef struct {
    clasm_plan *plan;
    const clasm_library *lib;
    const clasm_deal *deal;
    const char *file, *base, *first;
} missing_in_template;

/* The values the walk reports: the library's terms (a default printed)
 * and whatever the deal lacks. */
static int term_or_lacking(void *ctx, const char *path)
{
    const missing_in_template *M = ctx;
    return strncmp(path, "terms.", 6) == 0 || values_raw(M->lib, M->deal, path, NULL) == NULL;
}

static int add_missing(void *ctx, const char *path, const char *part, int paragraph)
{
    missing_in_template *M = ctx;
    plan_default_printed(M->plan, M->lib, path);
    if (values_raw(M->lib, M->deal, path, NULL) != NULL)
        return 0;
    return plan_add_missing(M->plan, M->lib, path, M->base, M->first, M->file, 0, part,
                            paragraph) != 0
               ? -1
               : 0;
}

/* The values a draft of tpl for this deal and plan fills in: what it
 * prints (after its conditionals) and has no value is missing; a default
 * it prints is marked printed. */
clasm_status clasm_plan_add_template(clasm_plan *plan, const clasm_library *lib,
                                     const clasm_deal *deal, const clasm_template *tpl)
{
    if (!plan || !lib || !deal || !tpl)
        return CLASM_OK;
    const char *name = pkg_name(tpl->pkg);
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    char first[300];
    snprintf(first, sizeof first, "the template %.250s, which draws the", base);
    missing_in_template M = {plan, lib, deal, name, base, first};
    return template_each_value(tpl, lib, deal, plan, term_or_lacking, add_missing, &M) == 0
               ? CLASM_OK
               : CLASM_E_IO;
}

/* Records the value placeholders of part i (doc, numbered by
 * number_paragraphs) with the balanced conditionals around each: a
 * paragraph is in a conditional's region when it lies between its two
 * marker paragraphs, which share a parent. 0, or -1 when out of memory. */
static int compile_uses(clasm_template *tpl, size_t part, xmlDocPtr doc, const structure_markers *m)
{
    size_t first_cond = tpl->nconds;
    int *lo = calloc(m->count + 1, sizeof *lo), *hi = calloc(m->count + 1, sizeof *hi);
    int rc = lo && hi ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < m->count; k++) {
        const structure_marker *mk = &m->items[k];
        if (mk->kind != STRUCT_IF || !mk->balanced || !mk->expr || !mk->node ||
            mk->partner >= m->count || !m->items[mk->partner].node)
            continue;
        char **v = realloc(tpl->conds, (tpl->nconds + 1) * sizeof *v);
        if (!v || !(v[tpl->nconds] = strdup(mk->expr))) {
            if (v)
                tpl->conds = v;
            rc = -1;
            break;
        }
        tpl->conds = v;
        lo[tpl->nconds - first_cond] = (int)(intptr_t)mk->node->_private;
        hi[tpl->nconds - first_cond] = (int)(intptr_t)m->items[mk->partner].node->_private;
        tpl->nconds++;
    }
    xmlNodePtr *ps = NULL;
    size_t np = rc == 0 ? docx_paragraphs(doc, &ps) : 0;
    for (size_t k = 0; rc == 0 && k < np; k++) {
        char *text = docx_paragraph_text(ps[k]);
        tag *tags = NULL;
        size_t nt = text && strstr(text, "{{") ? tags_scan(text, &tags) : 0;
        if (!text || nt == (size_t)-1) {
            rc = -1;
            nt = 0;
        }
        int para = (int)(intptr_t)ps[k]->_private;
        for (size_t j = 0; j < nt && rc == 0; j++) {
            if (tags[j].kind != TAG_VALUE)
                continue;
            tpl_use *v = realloc(tpl->uses, (tpl->nuses + 1) * sizeof *v);
            if (!v) {
                rc = -1;
                break;
            }
            tpl->uses = v;
            tpl_use *use = &v[tpl->nuses];
            memset(use, 0, sizeof *use);
            use->part = part;
            use->paragraph = para;
            use->path = strdup(tags[j].path);
            use->conds = calloc(tpl->nconds - first_cond + 1, sizeof *use->conds);
            tpl->nuses++;
            if (!use->path || !use->conds) {
                rc = -1;
                break;
            }
            for (size_t c = first_cond; c < tpl->nconds; c++)
                if (lo[c - first_cond] < para && para < hi[c - first_cond])
                    use->conds[use->nconds++] = c;
        }
        tags_free(tags, nt);
        free(text);
    }
    free(ps);
    free(lo);
    free(hi);
    return rc;
}

clasm_status clasm_check_terms(const clasm_library *lib, const clasm_deal *deal,
                               const clasm_template *const *tpls, size_t ntpls, clasm_diags *diags)
{
    size_t nkeys = 0, ntpl = 0;
    for (size_t i = 0; i < ntpls; i++)
        if (tpls[i]) {
            nkeys += tpls[i]->nterm_keys;
            ntpl++;
        }
    const char **keys = calloc(nkeys + 1, sizeof *keys);
    size_t wlen = 32;
    for (size_t i = 0; i < ntpls; i++)
        wlen += tpls[i] ? strlen(pkg_name(tpls[i]->pkg)) + 8 : 0;
    char *where = ntpl ? malloc(wlen) : NULL;
    if (!keys || (ntpl && !where)) {
        free(keys);
        free(where);
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", NULL, 0, 0,
                "out of memory while checking the deal's terms");
        return CLASM_E_IO;
    }
    size_t k = 0, seen = 0;
    if (where)
        snprintf(where, wlen, "the template%s ", ntpl > 1 ? "s" : "");
    for (size_t i = 0; i < ntpls; i++) {
        if (!tpls[i])
            continue;
        for (size_t j = 0; j < tpls[i]->nterm_keys; j++)
            keys[k++] = tpls[i]->term_keys[j];
        seen++;
        strcat(where, pkg_name(tpls[i]->pkg));
        if (seen + 1 < ntpl)
            strcat(where, ", ");
        else if (seen + 1 == ntpl)
            strcat(where, " and ");
    }
    size_t bad = values_check_term_keys(lib, deal, keys, k, where, diags);
    free(keys);
    free(where);
    return bad ? CLASM_E_INPUT : CLASM_OK;
}

/* Without a deal, a path may have a value when some deal could give it
 * one: any deal term (terms.NAME), or one of the paths every deal or draft
 * has (lint's list, the one clause text is checked against). A path no deal
 * can have is an error when the template is opened, with the template's
 * other mistakes, not only once a deal is filled in. */
static const char *any_value(void *ctx, const char *path)
{
    (void)ctx;
    return strncmp(path, "terms.", 6) == 0 || lint_known_path(path) ? "" : NULL;
}

/* The placeholder mistakes of a part that need no deal: malformed and
 * unclosed tags, and paths no deal can have (the filler's own checks, run on
 * a scratch copy). Structural tags are the scan's business. Returns the
 * number of errors added. */
static int check_placeholders(xmlDocPtr doc, const char *file, const char *part, clasm_diags *diags)
{
    docx_values values = {NULL, any_value};
    clasm_diags found;
    clasm_diags_init(&found);
    docx_fill_part(doc, file, part, &values, &found);
    int errors = 0;
    for (size_t i = 0; i < found.count; i++) {
        const clasm_diag *g = &found.items[i];
        if (strcmp(g->id, "misplaced-structural-tag") == 0)
            continue;
        diag_part(diags, g->severity, g->id, g->file, g->part, g->paragraph, "%s", g->message);
        errors += g->severity == CLASM_SEV_ERROR;
    }
    clasm_diags_free(&found);
    return errors;
}

/* The styles and numbering parts of the main part, parsed once, kept in
 * tpl. A part that is absent or does not parse is left NULL (a draft then
 * reads it and reports why). 0, or -1 when out of memory. */
static int keep_styles(clasm_template *tpl)
{
    static const char *const kinds[2] = {"styles", "numbering"};
    xmlDocPtr *slots[2] = {&tpl->styles, &tpl->numbering};
    for (int k = 0; k < 2; k++) {
        const char *found[1];
        if (pkg_related(tpl->pkg, tpl->parts[0], kinds[k], found, 1) != 1)
            continue;
        size_t len = 0;
        const unsigned char *bytes = pkg_bytes(tpl->pkg, found[0], &len);
        clasm_diags problems;
        clasm_diags_init(&problems);
        *slots[k] =
            bytes ? pkg_parse_xml_owned(bytes, len, pkg_name(tpl->pkg), found[0], &problems) : NULL;
        /* A part that does not parse is the draft's to report; memory
         * that ran out is not. */
        int oom = problems.count > 0 && pkg_failure_status(&problems, 0) == CLASM_E_IO;
        clasm_diags_free(&problems);
        if (oom)
            return -1;
    }
    return 0;
}

/* The static runs of the main part (docx_statics_make), judged with the
 * template's styles and numbering. 0, or -1 when out of memory. */
static int make_statics(clasm_template *tpl, xmlDocPtr doc, const structure_markers *m)
{
    xmlNodePtr *keep = calloc(m->count + 1, sizeof *keep);
    if (!keep)
        return -1;
    for (size_t k = 0; k < m->count; k++)
        keep[k] = m->items[k].node;
    int rc = docx_statics_make(doc, keep, m->count, tpl->styles, tpl->numbering, &tpl->statics);
    free(keep);
    return rc;
}

/* The template's conditionals parsed once, and found by their text. */
static int compile_conds(clasm_template *tpl)
{
    tpl->cond_exprs = calloc(tpl->nconds + 1, sizeof *tpl->cond_exprs);
    tpl->cond_order = calloc(tpl->nconds + 1, sizeof *tpl->cond_order);
    if (!tpl->cond_exprs || !tpl->cond_order)
        return -1;
    for (size_t c = 0; c < tpl->nconds; c++) {
        char *err = NULL;
        int column = 0;
        if (expr_parse(tpl->conds[c], &tpl->cond_exprs[c], &err, &column) != 0)
            tpl->cond_exprs[c] = NULL;
        free(err);
        /* insertion into the order by text (a template has tens) */
        size_t at = c;
        while (at > 0 && strcmp(tpl->conds[tpl->cond_order[at - 1]], tpl->conds[c]) > 0) {
            tpl->cond_order[at] = tpl->cond_order[at - 1];
            at--;
        }
        tpl->cond_order[at] = c;
    }
    return 0;
}

/* The template's parse of conditional src, or NULL when it has none. */
static const expr *template_cond(const clasm_template *tpl, const char *src)
{
    size_t lo = 0, hi = tpl->cond_order ? tpl->nconds : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(tpl->conds[tpl->cond_order[mid]], src);
        if (c == 0)
            return tpl->cond_exprs[tpl->cond_order[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static clasm_status open_template(const char *path, int statics, clasm_template **out,
                                  clasm_diags *diags)
{
    *out = NULL;
    size_t first = diags ? diags->count : 0;
    clasm_template *tpl = calloc(1, sizeof *tpl);
    if (!tpl) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", path, 0, 0,
                "out of memory while opening the template");
        return CLASM_E_IO;
    }
    clasm_status st = pkg_open(path, &tpl->pkg, diags);
    if (st != CLASM_OK) {
        free(tpl);
        return st;
    }
    const char *file = pkg_name(tpl->pkg);
    size_t ctlen = 0;
    if (!pkg_bytes(tpl->pkg, "[Content_Types].xml", &ctlen)) {
        /* Every OPC package has one; the draft's new parts are registered
         * in it. */
        diag_part(diags, CLASM_SEV_ERROR, "no-content-types", file, NULL, 0,
                  "the package has no [Content_Types].xml, which every Word document has; "
                  "save it again from Word or LibreOffice");
        clasm_template_free(tpl);
        return CLASM_E_INPUT;
    }
    tpl->nparts = docx_fill_parts(tpl->pkg, tpl->parts, MAX_PARTS);
    if (tpl->nparts == 0) {
        diag_part(diags, CLASM_SEV_ERROR, "no-main-part", file, NULL, 0,
                  "the template has no main document part");
        clasm_template_free(tpl);
        return CLASM_E_INPUT;
    }
    if (tpl->nparts == MAX_PARTS) {
        /* The parts past the cap would keep their placeholders unfilled. */
        diag_part(diags, CLASM_SEV_ERROR, "too-many-parts", file, NULL, 0,
                  "the template has %u or more headers, footers, footnotes and endnotes "
                  "parts; at most %u are accepted",
                  MAX_PARTS, MAX_PARTS - 1);
        clasm_template_free(tpl);
        return CLASM_E_INPUT;
    }
    int errors = 0;
    for (size_t i = 0; i < tpl->nparts; i++) {
        size_t len = 0;
        const unsigned char *bytes = pkg_bytes(tpl->pkg, tpl->parts[i], &len);
        int keep = len <= KEEP_PART_BYTES;
        xmlDocPtr doc = !bytes ? NULL
                        : keep ? pkg_parse_xml_owned(bytes, len, file, tpl->parts[i], diags)
                               : pkg_parse_xml_bytes(bytes, len, file, tpl->parts[i], diags);
        if (!doc) {
            if (!bytes)
                diag_part(diags, CLASM_SEV_ERROR, "missing-part", file, tpl->parts[i], 0,
                          "the template names the part %s but does not hold it", tpl->parts[i]);
            errors++;
            continue;
        }
        number_paragraphs(doc);
        structure_markers *m = &tpl->markers[i];
        errors += structure_scan(doc, file, tpl->parts[i], i == 0, m, diags);
        /* The placeholder checks fill the tree they check: a kept part is
         * checked on a scratch copy. */
        xmlDocPtr scratch = keep ? NULL : doc;
        if (keep)
            tpl->docs[i] = doc;
        if (collect_term_keys(tpl, doc, m) != 0 || compile_uses(tpl, i, doc, m) != 0 ||
            (keep && copy_part(tpl, i, &scratch, NULL) != 0)) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, tpl->parts[i], 0,
                      "out of memory while opening the template");
            errors++;
        }
        if (scratch)
            errors += check_placeholders(scratch, file, tpl->parts[i], diags);
        xmlFreeDoc(scratch);
        /* The main part's static runs leave the tree a draft copies; then
         * where its markers are in it. */
        if (keep && errors == 0 &&
            ((i == 0 && keep_styles(tpl) != 0) ||
             (i == 0 && statics && make_statics(tpl, doc, m) != 0) || index_marks(tpl, i) != 0)) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, tpl->parts[i], 0,
                      "out of memory while opening the template");
            errors++;
        }
        if (!keep)
            structure_markers_free(m);
    }
    if (!errors && compile_conds(tpl) != 0) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", file, 0, 0,
                "out of memory while opening the template");
        errors++;
    }
    if (errors) {
        clasm_template_free(tpl);
        return pkg_failure_status(diags, first);
    }
    *out = tpl;
    return CLASM_OK;
}

clasm_status clasm_template_open(const char *path, clasm_template **out, clasm_diags *diags)
{
    return open_template(path, 1, out, diags);
}

clasm_status template_open_whole(const char *path, clasm_template **out, clasm_diags *diags)
{
    return open_template(path, 0, out, diags);
}

size_t template_static_runs(const clasm_template *tpl)
{
    return tpl ? tpl->statics.count : 0;
}

/* 1 when numbering (may be NULL) has the abstractNum id. */
static int abstract_exists(xmlDocPtr numbering, long id)
{
    xmlNodePtr root = numbering ? xmlDocGetRootElement(numbering) : NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
        if (docx_is_w(n, "abstractNum") && docx_w_attr_long(n, "abstractNumId", -1) == id)
            return 1;
    return 0;
}

/* 1 when clause bodies may be left out of a draft's tree: no body
 * paragraph (a body or list style's numbering) counts in the counters of
 * the clause headings, whose numbers references print. 0 when one may,
 * -1 when out of memory. */
static int bodies_number_apart(const clasm_template *tpl, const docx_clause_styles *st)
{
    if (!tpl->styles && !tpl->numbering)
        return 1;
    docx_numbering *J = docx_numbering_new(tpl->styles, tpl->numbering);
    if (!J)
        return -1;
    docx_counters h, b = {0, -1}, l = {0, -1};
    const char *body = st->body, *list = st->list;
    int hn = docx_numbering_style_abstract(J, st->heading, &h);
    int bn = hn == 1 && body ? docx_numbering_style_abstract(J, body, &b) : 0;
    int ln = hn == 1 && list ? docx_numbering_style_abstract(J, list, &l) : 0;
    docx_numbering_free(J);
    if (hn < 0 || bn < 0 || ln < 0)
        return -1;
    if (hn == 0)
        return 1;
    /* Numbering a draft adds (a w:num, the lettered abstractNum) takes
     * ids the template lacks: a style numbered by one it lacks may count
     * with the list items once the draft has it. */
    if (h.missing_num || !abstract_exists(tpl->numbering, h.abstract) ||
        (bn == 1 && b.missing_num) || (ln == 1 && l.missing_num))
        return 0;
    int same_b = bn == 1 && b.abstract == h.abstract;
    int same_l = ln == 1 && l.abstract == h.abstract;
    return !same_b && !same_l;
}

clasm_status clasm_template_compile(clasm_template *tpl, const clasm_library *lib,
                                    clasm_diags *diags)
{
    if (!tpl || !lib)
        return CLASM_E_USAGE;
    clause_fragments_free(tpl->fragments);
    tpl->fragments = NULL;
    /* Only a main part kept parsed and checked for the splice (no
     * instruction of its own), whose elements are written w:. */
    if (!tpl->docs[0] || !tpl->statics.clean || !docx_clauses_w_prefixed(tpl->docs[0]))
        return CLASM_OK;
    const char *file = pkg_name(tpl->pkg);
    /* The styles a draft's clauses take (docx_clauses_new decides alike). */
    docx_clause_styles st = docx_clause_styles_of(tpl->styles);
    int apart = bodies_number_apart(tpl, &st);
    if (apart == 1) {
        docx_render_style style = {st.body, st.list, 0};
        tpl->fragments = clause_fragments_new(lib, &style, file, diags);
        return tpl->fragments ? CLASM_OK : CLASM_E_IO;
    }
    if (apart < 0) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", file, 0, 0,
                "out of memory while compiling the clauses for the template");
        return CLASM_E_IO;
    }
    return CLASM_OK;
}

size_t template_parsed_conditionals(const clasm_template *tpl, size_t *total)
{
    size_t n = 0;
    *total = tpl->nconds;
    for (size_t c = 0; tpl->cond_exprs && c < tpl->nconds; c++)
        n += tpl->cond_exprs[c] != NULL;
    return n;
}

size_t template_compiled_clauses(const clasm_template *tpl)
{
    return tpl ? clause_fragments_count(tpl->fragments) : 0;
}

void clasm_template_free(clasm_template *tpl)
{
    if (!tpl)
        return;
    docx_statics_free(&tpl->statics);
    clause_fragments_free(tpl->fragments);
    xmlFreeDoc(tpl->styles);
    xmlFreeDoc(tpl->numbering);
    for (size_t i = 0; i < tpl->nterm_keys; i++)
        free(tpl->term_keys[i]);
    free(tpl->term_keys);
    for (size_t i = 0; i < tpl->nuses; i++) {
        free(tpl->uses[i].path);
        free(tpl->uses[i].conds);
    }
    free(tpl->uses);
    for (size_t i = 0; i < tpl->nconds; i++) {
        free(tpl->conds[i]);
        if (tpl->cond_exprs)
            expr_free(tpl->cond_exprs[i]);
    }
    free(tpl->conds);
    free(tpl->cond_exprs);
    free(tpl->cond_order);
    for (size_t i = 0; i < tpl->nparts; i++) {
        xmlFreeDoc(tpl->docs[i]);
        structure_markers_free(&tpl->markers[i]);
        free(tpl->marks[i]);
    }
    pkg_free(tpl->pkg);
    free(tpl);
}

/* ------------------------------------------------------------ values */

/* A placeholder's display text, kept until the draft is done (the filler
 * borrows it). */
typedef struct {
    char *path, *text; /* text NULL: no value (reported once) */
} shown_value;

typedef struct {
    const clasm_deal *deal;
    const clasm_plan *plan;
    const clasm_library *lib;
    char score[32];
    shown_value *shown;
    size_t nshown;
    clasm_diags *diags; /* why a value cannot be shown */
    int oom;
    facts_ctx *facts;          /* what the conditionals see: built at the first one */
    const clasm_template *tpl; /* whose conditionals are parsed already */
} draft_values;

static void draft_values_free(draft_values *v)
{
    facts_ctx_free(v->facts);
    v->facts = NULL;
    for (size_t i = 0; i < v->nshown; i++) {
        free(v->shown[i].path);
        free(v->shown[i].text);
    }
    free(v->shown);
    v->shown = NULL;
    v->nshown = 0;
}

/* What a placeholder prints, in a template or a clause: values_display, the words and
 * formats of the library (values.h). A value that has none for a reason
 * other than being absent (no words in library.yaml, an invalid value) is
 * reported here, once, and filled with nothing: the draft fails anyway. An
 * absent value is left to the filler, which names the placeholder. */
static const char *draft_display(void *ctx, const char *path)
{
    draft_values *v = ctx;
    for (size_t i = 0; i < v->nshown; i++)
        if (strcmp(v->shown[i].path, path) == 0)
            return v->shown[i].text ? v->shown[i].text : "";
    shown_value *g = realloc(v->shown, (v->nshown + 1) * sizeof *g);
    if (!g) {
        v->oom = 1;
        return "";
    }
    v->shown = g;
    shown_value *sv = &v->shown[v->nshown];
    sv->path = strdup(path);
    sv->text = NULL;
    if (!sv->path) {
        v->oom = 1;
        return "";
    }
    v->nshown++;
    clasm_diags why;
    clasm_diags_init(&why);
    value_status st = values_display(v->lib, v->deal, v->plan, path, &sv->text, &why);
    if (st == VALUE_ABSENT) {
        v->nshown--; /* asked again, it is absent again */
        free(sv->path);
        clasm_diags_free(&why);
        return NULL;
    }
    if (st == VALUE_OUT_OF_MEMORY)
        v->oom = 1;
    else if (st != VALUE_OK)
        clasm_diags_append(v->diags, &why);
    clasm_diags_free(&why);
    return sv->text ? sv->text : "";
}

static int draft_eval(void *ctx, const char *src, char **err, int *column)
{
    draft_values *v = ctx;
    if (!v->facts && !(v->facts = facts_ctx_new(v->lib, v->deal, v->plan))) {
        *err = strdup("out of memory");
        *column = 0;
        return -1;
    }
    const expr *parsed = v->tpl ? template_cond(v->tpl, src) : NULL;
    return parsed ? facts_ctx_eval_parsed(v->facts, parsed, err, column)
                  : facts_ctx_eval(v->facts, src, err, column);
}

/* ------------------------------------------------------------ assembly */

/* Numbers every paragraph of doc as the template has it (in the node's
 * application pointer), so that diagnostics found after conditionals removed
 * paragraphs still name the template's paragraph. */
static void number_paragraphs(xmlDocPtr doc)
{
    xmlNodePtr *ps = NULL;
    size_t n = docx_paragraphs(doc, &ps);
    for (size_t i = 0; i < n; i++)
        ps[i]->_private = (void *)(intptr_t)(i + 1);
    free(ps);
}

/* docx_fill_part_n, with paragraph numbers mapped back to the template's. */
static int fill_part(xmlDocPtr doc, const char *file, const char *part, const docx_values *values,
                     clasm_diags *diags, size_t *filled)
{
    xmlNodePtr *ps = NULL;
    size_t n = docx_paragraphs(doc, &ps);
    clasm_diags found;
    clasm_diags_init(&found);
    int errors = docx_fill_part_n(doc, file, part, values, &found, filled);
    for (size_t i = 0; i < found.count; i++) {
        int k = found.items[i].paragraph;
        if (k > 0 && (size_t)k <= n && ps[k - 1]->_private)
            found.items[i].paragraph = (int)(intptr_t)ps[k - 1]->_private;
    }
    clasm_diags_append(diags, &found);
    clasm_diags_free(&found);
    free(ps);
    return errors;
}

static int names_category(const structure_marker *mk, const char *category)
{
    for (size_t k = 0; k < mk->ncategories; k++)
        if (strcmp(mk->categories[k], category) == 0)
            return 1;
    return 0;
}

static int known_category(const clasm_library *lib, const char *id)
{
    if (!lib)
        return 1;
    for (size_t i = 0; i < lib->ncategories; i++)
        if (strcmp(lib->categories[i].id, id) == 0)
            return 1;
    return 0;
}

typedef struct {
    const clasm_template *tpl;
    const char *file;
    pkg_edit *e;
    xmlDocPtr docs[MAX_PARTS];
    structure_markers markers[MAX_PARTS];
    int changed[MAX_PARTS];
    size_t *place;    /* per plan item: marker index in the main part, or -1 */
    xmlNodePtr *sdts; /* per plan item: its content control in the draft, or NULL */
    docx_clauses *dc;
    docx_fields fields; /* references waiting for their numbers */
    manifest man;
    /* Clauses whose bodies are filled from their compiled pieces: each
     * body is an instruction in its content control, numbered after the
     * template's static runs, and its bytes (own.runs[k] for fills[k])
     * are written once the numbers are known. */
    struct draft_fill *fills;
    size_t nfills, capfills;
    docx_statics own;
    /* Per plan item: the approved texts of its playbook as this draft
     * prints them, for the manifest (none for a clause without one). */
    struct draft_alts *alts;
    size_t nalts;
    char (*bookmarks)[40]; /* per plan item: its heading's bookmark, "" when none */
} draft;

/* One approved text of a clause, rendered: 0 the standard, N fallback N. */
typedef struct {
    int position, version;
    const char *approver, *note; /* borrowed from the library */
    char **texts;                /* the body paragraphs' stable texts */
    size_t n;
    char **refs; /* the bookmark of each "#" of texts, in order */
    size_t nrefs;
} draft_alt;

struct draft_alts {
    draft_alt *items;
    size_t n;
};

static void draft_alts_free(struct draft_alts *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        for (size_t k = 0; k < a[i].n; k++) {
            for (size_t j = 0; j < a[i].items[k].n; j++)
                free(a[i].items[k].texts[j]);
            free(a[i].items[k].texts);
            docx_ref_bookmarks_free(a[i].items[k].refs, a[i].items[k].nrefs);
        }
        free(a[i].items);
    }
    free(a);
}

/* One clause filled from its compiled body. */
typedef struct draft_fill {
    const docx_fragment *frag;
    size_t item;   /* in the plan */
    char **values; /* per value hole (copies) */
    size_t nvalues;
    size_t *fields; /* per reference: its field in the draft's */
    size_t nfields;
    long num;     /* the w:num of its list items */
    char **texts; /* its paragraphs' stable texts, once written */
    size_t ntexts;
} draft_fill;

static void draft_fill_free(draft_fill *f)
{
    for (size_t i = 0; i < f->nvalues; i++)
        free(f->values[i]);
    free(f->values);
    free(f->fields);
    for (size_t i = 0; i < f->ntexts; i++)
        free(f->texts[i]);
    free(f->texts);
}

static void draft_free(draft *d)
{
    for (size_t i = 0; i < d->tpl->nparts; i++) {
        xmlFreeDoc(d->docs[i]);
        structure_markers_free(&d->markers[i]);
    }
    free(d->place);
    free(d->sdts);
    docx_fields_free(&d->fields);
    docx_clauses_free(d->dc);
    manifest_free(&d->man);
    for (size_t i = 0; i < d->nfills; i++)
        draft_fill_free(&d->fills[i]);
    free(d->fills);
    docx_statics_free(&d->own);
    draft_alts_free(d->alts, d->nalts);
    free(d->bookmarks);
    pkg_edit_free(d->e);
}

/* The list levels of n paragraphs rendered from tree t, for the clause
 * the manifest recorded last (text 0) or its approved text last added
 * (text 1): the tree's blocks when each is one paragraph. 0, or -1. */
static int record_tree_levels(manifest *man, int text, const ct_tree *t, size_t n)
{
    if (!t || t->nblocks != n)
        return 0;
    signed char *v = malloc(n + 1);
    if (!v)
        return -1;
    for (size_t j = 0; j < n; j++) {
        if (t->blocks[j].definitions) {
            free(v);
            return 0; /* its paragraphs are the list's: not one a block */
        }
        v[j] = (signed char)(t->blocks[j].level < 0 ? -1 : t->blocks[j].level);
    }
    int rc = manifest_set_levels(man, text, v, n);
    free(v);
    return rc;
}

/* The list levels of a clause drawn into the tree, from its paragraphs'
 * numbering (w:numPr/w:ilvl), for one whose tree does not map block by
 * block (a list of definitions). 0, or -1. */
static int record_sdt_levels(manifest *man, xmlNodePtr sdt)
{
    xmlNodePtr *ps = NULL;
    size_t n = docx_paragraphs_below(sdt, &ps);
    if (n && !ps)
        return -1;
    signed char *v = n > 1 ? malloc(n) : NULL;
    int rc = n > 1 && !v ? -1 : 0;
    for (size_t j = 1; v && j < n; j++) {
        xmlNodePtr numpr = docx_w_child(docx_w_child(ps[j], "pPr"), "numPr");
        long lvl = numpr ? docx_w_attr_long(docx_w_child(numpr, "ilvl"), "val", 0) : -1;
        v[j - 1] = (signed char)(lvl < 0 || lvl > 8 ? -1 : lvl);
    }
    if (v)
        rc = manifest_set_levels(man, 0, v, n - 1);
    free(v);
    free(ps);
    return rc;
}

/* The playbook of the clause the manifest recorded last. 0, or -1. */
static int record_playbook(manifest *man, const plan_item *it, const struct draft_alts *a)
{
    const lib_clause *c = it->clause;
    if (!c || !a || (c->negotiable && !a->n))
        return 0;
    if (manifest_set_playbook(man, it->position, c->negotiable) != 0)
        return -1;
    for (size_t k = 0; k < a->n; k++) {
        const draft_alt *x = &a->items[k];
        if (manifest_add_text(man, x->position, x->version, x->approver, x->note,
                              (const char *const *)x->texts, x->n, (const char *const *)x->refs,
                              x->nrefs) != 0)
            return -1;
        const ct_tree *t = x->position ? c->fallbacks[x->position - 1].tree : c->tree;
        if (record_tree_levels(man, 1, t, x->n) != 0)
            return -1;
    }
    return 0;
}

/* Where the references of plan item i point, and its heading's bookmark,
 * for the clause the manifest recorded last. 0, or -1. */
static int record_refs(draft *d, size_t i)
{
    const char *bookmark = d->bookmarks && d->bookmarks[i][0] ? d->bookmarks[i] : NULL;
    for (size_t k = 0; k < d->nfills; k++) {
        const draft_fill *f = &d->fills[k];
        if (f->item != i)
            continue;
        /* A compiled body: its fields, in text order. */
        const char **refs = calloc(f->nfields + 1, sizeof *refs);
        if (!refs)
            return -1;
        for (size_t j = 0; j < f->nfields; j++)
            refs[j] = d->fields.items[f->fields[j]].bookmark;
        int rc = manifest_set_refs(&d->man, bookmark, refs, f->nfields);
        free(refs);
        return rc;
    }
    char **refs = NULL;
    size_t n = 0;
    if (docx_ref_bookmarks(d->sdts[i], &refs, &n) != 0)
        return -1;
    int rc = manifest_set_refs(&d->man, bookmark, (const char *const *)refs, n);
    docx_ref_bookmarks_free(refs, n);
    return rc;
}

/* 1 when n is the content control of one of the draft's clauses. */
static int is_clause_sdt(const draft *d, size_t nitems, xmlNodePtr n)
{
    for (size_t i = 0; i < nitems; i++)
        if (d->sdts[i] == n)
            return 1;
    return 0;
}

static int outside_below(draft *d, size_t nitems, xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type == XML_PI_NODE && xmlStrEqual(n->name, BAD_CAST "clasm-static")) {
            /* A static run of the template: its keys, worked out once. */
            long k = strtol(n->content ? (const char *)n->content : "", NULL, 10);
            if (k >= 0 && (size_t)k < d->tpl->statics.count) {
                const docx_static_run *r = &d->tpl->statics.runs[k];
                for (size_t j = 0; j < r->nkeys; j++)
                    if (manifest_add_outside(&d->man, r->keys[j]) != 0)
                        return -1;
            }
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (docx_is_w(n, "sdt") && is_clause_sdt(d, nitems, n))
            continue;
        if (docx_is_w(n, "p")) {
            char key[17];
            int k = manifest_paragraph_key(n, key);
            if (k < 0 || (k > 0 && manifest_add_outside(&d->man, key) != 0))
                return -1;
            continue; /* a text box's paragraphs in it are not recorded */
        }
        if (outside_below(d, nitems, n->children) != 0)
            return -1;
    }
    return 0;
}

/* The paragraphs of the main part outside the clauses, for the manifest:
 * inspect tells text the other side added or changed there. 0, or -1. */
static int record_outside(draft *d, size_t nitems)
{
    d->man.has_outside = 1;
    xmlNodePtr root = d->docs[0] ? xmlDocGetRootElement(d->docs[0]) : NULL;
    return outside_below(d, nitems, root ? root->children : NULL);
}

/* The library's roles, for the manifest. 0, or -1. */
static int record_roles(manifest *man, const clasm_library *lib)
{
    for (size_t i = 0; lib && i < lib->nroles; i++)
        if (manifest_add_role(man, lib->roles[i].id, lib->roles[i].title) != 0)
            return -1;
    man->deviation_rank = lib ? lib->deviation_rank : -1;
    return 0;
}

/* The review behind the plan: each suggested risk and the decision on it.
 * 0, or -1. */
static int record_review(manifest *man, const clasm_plan *plan)
{
    man->has_review = 1;
    for (size_t i = 0; i < plan->nsuggestions; i++) {
        const plan_suggestion *g = &plan->suggestions[i];
        if (manifest_add_suggestion(man, g->risk, plan_decisions[g->decision], g->suggested,
                                    g->suggested ? g->reason : NULL, g->dismissal, g->by, g->date,
                                    g->confirmed_by) != 0)
            return -1;
    }
    return 0;
}

/* The plan's screening: each list and each hit with its decision. 0, or
 * -1. */
static int record_screening(manifest *man, const clasm_plan *plan)
{
    const clasm_screening *s = plan->screening;
    if (!s)
        return 0;
    man->has_screening = 1;
    for (size_t i = 0; i < screening_list_count(s); i++) {
        const char *v[4];
        size_t entries = 0;
        char n[32];
        screening_list_info(s, i, &v[0], &v[1], &v[2], &entries);
        snprintf(n, sizeof n, "%zu", entries);
        v[3] = n;
        if (manifest_add_screen_list(man, v) != 0)
            return -1;
    }
    screening_hit_record h;
    for (size_t i = 0; screening_hit_info(s, i, &h); i++) {
        char score[16];
        snprintf(score, sizeof score, "%.3f", h.score);
        const char *v[10] = {h.party, h.name,     h.list,   h.entry, h.id,
                             score,   h.decision, h.reason, h.by,    h.date};
        if (manifest_add_screen_hit(man, v) != 0)
            return -1;
    }
    return 0;
}

/* Decides which insertion point takes each clause of the plan. */
static int place_clauses(draft *d, const clasm_plan *plan, const clasm_library *lib,
                         clasm_diags *diags)
{
    int errors = 0;
    structure_markers *m = &d->markers[0];
    const char *main_part = d->tpl->parts[0];
    size_t points = 0, catch_all = (size_t)-1;
    for (size_t k = 0; k < m->count; k++) {
        structure_marker *mk = &m->items[k];
        if (mk->kind != STRUCT_CLAUSES || mk->removed)
            continue;
        points++;
        if (mk->ncategories == 0 && catch_all == (size_t)-1)
            catch_all = k;
        for (size_t c = 0; c < mk->ncategories; c++)
            if (!known_category(lib, mk->categories[c])) {
                diag_part(diags, CLASM_SEV_ERROR, "unknown-category", d->file, main_part,
                          mk->paragraph,
                          "the insertion point names the category '%s', which the clause "
                          "library does not have",
                          mk->categories[c]);
                errors++;
            }
    }
    errors += structure_check_insertion_points(m, d->file, main_part, diags);
    if (points == 0) {
        diag_part(diags, CLASM_SEV_WARNING, "no-insertion-point", d->file, NULL, 0,
                  "the template has no insertion point ({{ clauses }} or a content control "
                  "tagged 'clauses'), so no clause was inserted");
        for (size_t i = 0; i < plan->nitems; i++)
            d->place[i] = (size_t)-1;
        return errors;
    }
    for (size_t i = 0; i < plan->nitems; i++) {
        const plan_item *it = &plan->items[i];
        size_t at = (size_t)-1;
        for (size_t k = 0; k < m->count && at == (size_t)-1; k++) {
            structure_marker *mk = &m->items[k];
            if (mk->kind == STRUCT_CLAUSES && !mk->removed && it->category &&
                names_category(mk, it->category))
                at = k;
        }
        if (at == (size_t)-1)
            at = catch_all;
        if (at == (size_t)-1) {
            diag_part(diags, CLASM_SEV_ERROR, "clause-without-place", d->file, NULL, 0,
                      "the clause %s (category %s) has no place in the template %s: add "
                      "{{ clauses: %s }} or a catch-all {{ clauses }}",
                      it->id, it->category ? it->category : "?", d->file,
                      it->category ? it->category : "CATEGORY");
            errors++;
        }
        d->place[i] = at;
    }
    return errors;
}

/* ------------------------------------------------------------ clause text */

/* What rendering one clause needs: the deal's values, where references
 * point, and where to report what is missing. */
typedef struct {
    draft *d;
    draft_values *v;
    const clasm_plan *plan;
    const plan_item *it;   /* the clause being written */
    char (*bookmarks)[40]; /* per plan item: its heading's bookmark, "" when none */
    clasm_diags *diags;
    int errors;
} clause_ctx;

static const char *clause_file(const clause_ctx *C)
{
    const lib_clause *c = C->it->clause;
    return c ? c->file : C->d->file;
}

static const char *span_value(void *ctx, const ct_span *s)
{
    clause_ctx *C = ctx;
    const char *v = draft_display(C->v, s->text);
    if (!v) {
        diag_at(C->diags, CLASM_SEV_ERROR, "unknown-value", clause_file(C), s->line, s->column,
                "the clause %s uses the placeholder {{ %s }}, which has no value for this deal",
                C->it->id, s->text);
        C->errors++;
    }
    return v;
}

/* The plan item a reference names: the clause with that id, or the first
 * clause of that category, placed in the draft; -1 when none is. */
static long ref_target(const draft *d, const clasm_plan *plan, const char *target)
{
    int category = strchr(target, '.') == NULL;
    for (size_t i = 0; i < plan->nitems; i++) {
        const plan_item *it = &plan->items[i];
        if (d->place[i] == (size_t)-1)
            continue;
        if (category ? (it->category && strcmp(it->category, target) == 0)
                     : strcmp(it->id, target) == 0)
            return (long)i;
    }
    return -1;
}

static const char *span_reference(void *ctx, const ct_span *s)
{
    clause_ctx *C = ctx;
    long i = ref_target(C->d, C->plan, s->text);
    if (i >= 0)
        return C->bookmarks[i];
    if (!s->alt) {
        diag_at(C->diags, CLASM_SEV_ERROR, "unresolved-reference", clause_file(C), s->line,
                s->column,
                "the clause %s refers to {{ clause %s }}, which this draft does not have, and "
                "gives no text for that case; write {{ clause %s or \"...\" }} or make the "
                "clause require it",
                C->it->id, s->text, s->text);
        C->errors++;
    }
    return NULL;
}

/* Every reference of a tree, to mark the clauses that need a bookmark. */
static void mark_targets(const draft *d, const clasm_plan *plan, const ct_tree *t, char *marked)
{
    for (size_t b = 0; t && b < t->nblocks; b++)
        for (size_t k = 0; k < t->blocks[b].nspans; k++) {
            const ct_span *s = &t->blocks[b].spans[k];
            long i = s->kind == CT_REF ? ref_target(d, plan, s->text) : -1;
            if (i >= 0)
                marked[i] = 1;
        }
}

/* ------------------------------------------------------------ definitions */

typedef struct {
    clasm_diags *diags;
    int errors;
} undefined_ctx;

static void report_undefined(void *ctx, const char *file, const char *who, const ct_span *use)
{
    undefined_ctx *U = ctx;
    diag_at(U->diags, CLASM_SEV_ERROR, "undefined-term", file, use->line, use->column,
            "%s uses the defined term **%s**, which nothing in this draft defines (clasm lint "
            "names where it is defined, if anywhere)",
            who, use->text);
    U->errors++;
}

/* The draft's list of definitions: every term of the library's
 * definitions that a placed clause (or a definition listed) uses,
 * alphabetically. Returns the errors found (terms nothing defines, a list
 * with no place), or -1 when out of memory. */
static int draft_definitions(draft *d, const clasm_plan *plan, const clasm_library *lib,
                             docx_definition **out, size_t *nout, clasm_diags *diags)
{
    *out = NULL;
    *nout = 0;
    const lib_clause **placed = calloc(plan->nitems + 1, sizeof *placed);
    if (!placed)
        return -1;
    size_t np = 0;
    int has_list = 0;
    for (size_t i = 0; i < plan->nitems; i++) {
        const lib_clause *c = plan->items[i].clause;
        if (d->place[i] == (size_t)-1 || !c || !c->tree)
            continue;
        placed[np++] = c;
        for (size_t b = 0; b < c->tree->nblocks; b++)
            has_list |= c->tree->blocks[b].definitions;
    }
    undefined_ctx U = {diags, 0};
    size_t n = 0;
    glossary_use *g =
        lib ? glossary_for(lib, placed, np, &n, report_undefined, &U) : calloc(1, sizeof *g);
    free(placed);
    docx_definition *defs = g ? calloc(n + 1, sizeof *defs) : NULL;
    if (!defs) {
        free(g);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        defs[i] = (docx_definition){g[i].def->term, g[i].def->tree};
    if (n > 0 && !has_list) {
        diag_at(diags, CLASM_SEV_ERROR, "no-definitions-list", d->file, 0, 0,
                "the draft uses %zu defined terms (such as **%s**) but none of its clauses has "
                "the list of definitions ({{ definitions }}); the clauses using them should "
                "require the clause that has it",
                n, g[0].def->term);
        U.errors++;
    }
    free(g);
    *out = defs;
    *nout = n;
    return U.errors;
}

/* ------------------------------------------------------------ compiled clauses */

/* The answers for a clause's values and references, asked once, given
 * again in the same order when its body is rendered after all. */
typedef struct {
    const char **values, **refs;
    size_t nvalues, nrefs, v, r;
} replay;

static const char *replay_value(void *ctx, const ct_span *s)
{
    (void)s;
    replay *R = ctx;
    return R->v < R->nvalues ? R->values[R->v++] : NULL;
}

static const char *replay_reference(void *ctx, const ct_span *s)
{
    (void)s;
    replay *R = ctx;
    return R->r < R->nrefs ? R->refs[R->r++] : NULL;
}

static const ct_span *fragment_span(const ct_tree *tree, docx_fragment_span at)
{
    return &tree->blocks[at.block].spans[at.span];
}

/* The content control of plan item i, its body an instruction for the
 * compiled pieces (filled once the numbers are known); the values and
 * references are R's. NULL when out of memory. */
static xmlNodePtr fill_compiled(draft *d, const plan_item *it, size_t i, const docx_fragment *frag,
                                const replay *R, const char *bookmark)
{
    draft_fill *g = array_grow(d->fills, &d->capfills, d->nfills + 1, sizeof *g);
    if (!g)
        return NULL;
    d->fills = g;
    draft_fill *f = &g[d->nfills];
    memset(f, 0, sizeof *f);
    f->frag = frag;
    f->item = i;
    f->values = calloc(R->nvalues + 1, sizeof *f->values);
    f->fields = calloc(R->nrefs + 1, sizeof *f->fields);
    int ok = f->values && f->fields;
    for (size_t k = 0; ok && k < R->nvalues; k++, f->nvalues++)
        ok = (f->values[k] = strdup(R->values[k])) != NULL;
    for (size_t k = 0; ok && k < R->nrefs; k++, f->nfields++) {
        long at = docx_fields_add_texts(&d->fields, R->refs[k], docx_fragment_ref_capital(frag, k));
        ok = at >= 0;
        f->fields[k] = (size_t)at;
    }
    xmlNodePtr content = NULL, sdt = NULL;
    if (ok)
        sdt = docx_clauses_shell(d->dc, d->docs[0], it->id, it->version, it->title ? it->title : "",
                                 bookmark, docx_fragment_has_list(frag), &content, &f->num);
    xmlNodePtr pi =
        sdt ? docx_statics_instruction(d->docs[0], d->tpl->statics.count + d->nfills) : NULL;
    if (!pi || !xmlAddChild(content, pi)) {
        xmlFreeNode(pi);
        xmlFreeNode(sdt);
        draft_fill_free(f);
        return NULL;
    }
    d->nfills++;
    return sdt;
}

/* Plan item i from its compiled body: its values and references asked of
 * C once (which reports what is missing), then, when every value fits
 * the pieces and every reference has its clause, the content control
 * with the body to fill; else the body rendered into the tree from the
 * same answers. NULL when out of memory. */
static xmlNodePtr build_compiled(draft *d, clause_ctx *C, size_t i, const docx_fragment *frag,
                                 const ct_tree *tree, const char *bookmark)
{
    const plan_item *it = C->it;
    size_t nv, nr;
    const docx_fragment_span *vs = docx_fragment_values(frag, &nv);
    const docx_fragment_span *rs = docx_fragment_refs(frag, &nr);
    replay R = {calloc(nv + 1, sizeof(char *)), calloc(nr + 1, sizeof(char *)), nv, nr, 0, 0};
    xmlNodePtr sdt = NULL;
    if (R.values && R.refs) {
        int fits = 1;
        for (size_t k = 0; k < nv; k++) {
            R.values[k] = span_value(C, fragment_span(tree, vs[k]));
            fits = fits && docx_fragment_value_fits(R.values[k]);
        }
        for (size_t k = 0; k < nr; k++) {
            R.refs[k] = span_reference(C, fragment_span(tree, rs[k]));
            fits = fits && R.refs[k];
        }
        if (fits) {
            sdt = fill_compiled(d, it, i, frag, &R, bookmark);
        } else {
            docx_render_ctx rc = {&R, replay_value, replay_reference, NULL, 0};
            sdt = docx_clauses_build(d->dc, d->docs[0], it->id, it->version,
                                     it->title ? it->title : "", tree, bookmark, &rc, &d->fields);
        }
    }
    free(R.values);
    free(R.refs);
    return sdt;
}

/* The bytes and texts of every filled body, now that the references have
 * their numbers. 0, or -1 when out of memory. */
static int write_fills(draft *d)
{
    d->own.runs = calloc(d->nfills + 1, sizeof *d->own.runs);
    if (!d->own.runs)
        return -1;
    for (size_t k = 0; k < d->nfills; k++) {
        draft_fill *f = &d->fills[k];
        const docx_field **fields = calloc(f->nfields + 1, sizeof *fields);
        if (!fields)
            return -1;
        for (size_t j = 0; j < f->nfields; j++)
            fields[j] = &d->fields.items[f->fields[j]];
        strbuf xml = {0};
        int rc = docx_fragment_write(f->frag, (const char *const *)f->values, fields, f->num, &xml,
                                     &f->texts, &f->ntexts);
        free(fields);
        size_t len = xml.len;
        char *bytes = rc == 0 ? strbuf_take(&xml) : NULL;
        strbuf_free(&xml);
        if (!bytes)
            return -1;
        d->own.runs[k] = (docx_static_run){(unsigned char *)bytes, len, NULL, 0};
        d->own.count++;
        d->own.bytes += len;
    }
    return 0;
}

/* The stable texts of plan item i's filled body, or NULL (*n 0). */
static const char *const *fill_texts(const draft *d, size_t i, size_t *n)
{
    for (size_t k = 0; k < d->nfills; k++)
        if (d->fills[k].item == i) {
            *n = d->fills[k].ntexts;
            return (const char *const *)d->fills[k].texts;
        }
    *n = 0;
    return NULL;
}

/* The callbacks for a clause's other approved texts: the same values and
 * references, but nothing is reported (the library's lint checks those
 * texts, and the draft does not print them). */
static const char *quiet_value(void *ctx, const ct_span *s)
{
    clause_ctx *C = ctx;
    return draft_display(C->v, s->text);
}

static const char *quiet_reference(void *ctx, const ct_span *s)
{
    clause_ctx *C = ctx;
    long i = ref_target(C->d, C->plan, s->text);
    return i >= 0 && C->bookmarks[i][0] ? C->bookmarks[i] : NULL;
}

/* Renders one text of item i's playbook apart from the draft and keeps its
 * paragraphs' stable texts. 0, or -1 when out of memory. */
/* An approved text from its compiled pieces (docx_fragment_write into a
 * scratch buffer, for the texts alone): its stable texts and where its
 * references point. 1 when done, 0 when a value or reference does not
 * fit the pieces (the text is then rendered), -1 when out of memory. */
static int alt_from_fragment(clause_ctx *C, const docx_fragment *frag, const ct_tree *tree,
                             draft_alt *alt)
{
    size_t nv, nr;
    const docx_fragment_span *vs = docx_fragment_values(frag, &nv);
    const docx_fragment_span *rs = docx_fragment_refs(frag, &nr);
    const char **values = calloc(nv + 1, sizeof *values);
    const char **marks = calloc(nr + 1, sizeof *marks);
    const docx_field **fp = calloc(nr + 1, sizeof *fp);
    docx_fields fields = {0};
    int rc = values && marks && fp ? 1 : -1;
    for (size_t k = 0; rc == 1 && k < nv; k++) {
        values[k] = quiet_value(C, fragment_span(tree, vs[k]));
        if (!docx_fragment_value_fits(values[k]))
            rc = 0;
    }
    for (size_t k = 0; rc == 1 && k < nr; k++) {
        marks[k] = quiet_reference(C, fragment_span(tree, rs[k]));
        if (!marks[k])
            rc = 0;
        else if (docx_fields_add_texts(&fields, marks[k], docx_fragment_ref_capital(frag, k)) < 0)
            rc = -1;
    }
    for (size_t k = 0; rc == 1 && k < nr; k++)
        fp[k] = &fields.items[k];
    strbuf scratch = {0};
    if (rc == 1 && docx_fragment_write(frag, values, fp, 1, &scratch, &alt->texts, &alt->n) != 0)
        rc = -1;
    if (rc == 1 && nr) {
        alt->refs = calloc(nr, sizeof *alt->refs);
        for (size_t k = 0; alt->refs && k < nr; k++)
            if ((alt->refs[alt->nrefs] = strdup(marks[k])))
                alt->nrefs++;
        if (!alt->refs || alt->nrefs != nr)
            rc = -1;
    }
    strbuf_free(&scratch);
    docx_fields_free(&fields);
    free(values);
    free(marks);
    free(fp);
    return rc;
}

static int render_alt(draft *d, clause_ctx *C, size_t i, const ct_tree *tree, int position,
                      int version, const char *approver, const char *note,
                      const docx_render_style *style, const docx_render_ctx *rc)
{
    /* Compiled for the template: filled, not rendered. */
    const docx_fragment *frag = C->it->clause ? clause_text_fragment(d->tpl->fragments, C->v->lib,
                                                                     C->it->clause, position, style)
                                              : NULL;
    if (frag) {
        struct draft_alts *a = &d->alts[i];
        draft_alt *g = realloc(a->items, (a->n + 1) * sizeof *g);
        if (!g)
            return -1;
        a->items = g;
        draft_alt *alt = &g[a->n];
        *alt = (draft_alt){position, version, approver, note, NULL, 0, NULL, 0};
        int r = alt_from_fragment(C, frag, tree, alt);
        if (r == 1) {
            a->n++;
            return 0;
        }
        for (size_t k = 0; k < alt->n; k++)
            free(alt->texts[k]);
        free(alt->texts);
        docx_ref_bookmarks_free(alt->refs, alt->nrefs);
        if (r < 0)
            return -1;
    }
    xmlDocPtr doc = d->docs[0];
    xmlNsPtr w = xmlSearchNsByHref(doc, xmlDocGetRootElement(doc), BAD_CAST W_NS);
    xmlNodePtr scratch = w ? xmlNewDocNode(doc, w, BAD_CAST "sdtContent", NULL) : NULL;
    docx_fields fields = {0};
    clause_ctx quiet = *C;
    docx_render_ctx qrc = {&quiet, quiet_value, quiet_reference, rc->definitions, rc->ndefinitions};
    int rc_ = scratch ? docx_render_tree(scratch, doc, w, tree, style, &qrc, &fields) : -1;
    docx_fields_free(&fields);
    struct draft_alts *a = &d->alts[i];
    draft_alt *g = rc_ == 0 ? realloc(a->items, (a->n + 1) * sizeof *g) : NULL;
    if (g) {
        a->items = g;
        draft_alt *alt = &g[a->n];
        *alt = (draft_alt){position, version, approver, note, NULL, 0, NULL, 0};
        size_t np = 0;
        for (xmlNodePtr p = scratch->children; p; p = p->next)
            np += docx_is_w(p, "p");
        alt->texts = calloc(np + 1, sizeof *alt->texts);
        for (xmlNodePtr p = scratch->children; alt->texts && p; p = p->next)
            if (docx_is_w(p, "p") && !(alt->texts[alt->n++] = docx_paragraph_text_stable(p))) {
                alt->n--;
                g = NULL;
                break;
            }
        if (!alt->texts || docx_ref_bookmarks(scratch, &alt->refs, &alt->nrefs) != 0)
            g = NULL;
        a->n++; /* owned by the draft from here on, even when incomplete */
    }
    xmlFreeNode(scratch);
    return g ? 0 : -1;
}

/* Item i's playbook: its fallbacks, and the standard when the deal drew a
 * fallback. 0, or -1 when out of memory. */
static int render_playbook(draft *d, clause_ctx *C, size_t i, const docx_render_style *style,
                           const docx_render_ctx *rc)
{
    const plan_item *it = C->it;
    const lib_clause *c = it->clause;
    if (!c || (!c->nfallbacks && !it->position))
        return 0;
    if (it->position && render_alt(d, C, i, c->tree, 0, c->version, NULL, NULL, style, rc) != 0)
        return -1;
    for (size_t f = 0; f < c->nfallbacks; f++) {
        const lib_fallback *fb = &c->fallbacks[f];
        /* Not in this draft's playbook above its tier: the other side's
         * pasting it in is a deviation, and a redline never offers it. */
        if (fb->max_tier >= 0 && C->plan->tier_rank > fb->max_tier)
            continue;
        if (render_alt(d, C, i, fb->tree, (int)f + 1, fb->version, fb->approver, fb->note, style,
                       rc) != 0)
            return -1;
    }
    return 0;
}

static int insert_clauses(draft *d, const clasm_plan *plan, draft_values *v, clasm_diags *diags)
{
    int errors = 0;
    structure_markers *m = &d->markers[0];
    xmlDocPtr doc = d->docs[0];
    char(*bookmarks)[40] = calloc(plan->nitems + 1, sizeof *bookmarks);
    char *marked = calloc(plan->nitems + 1, 1);
    d->alts = calloc(plan->nitems + 1, sizeof *d->alts);
    d->nalts = d->alts ? plan->nitems : 0;
    if (!d->alts) {
        free(bookmarks);
        bookmarks = NULL;
    }
    docx_definition *defs = NULL;
    size_t ndefs = 0;
    int derr = bookmarks && marked ? draft_definitions(d, plan, v->lib, &defs, &ndefs, diags) : -1;
    if (derr < 0) {
        free(bookmarks);
        free(marked);
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d->file, d->tpl->parts[0], 0,
                  "out of memory while inserting clauses");
        return 1;
    }
    errors += derr;
    /* Bookmarks on the headings that references point at. */
    for (size_t i = 0; i < plan->nitems; i++)
        if (d->place[i] != (size_t)-1 && plan->items[i].clause) {
            const lib_clause *c = plan->items[i].clause;
            mark_targets(d, plan, c->tree, marked);
            /* The playbook's texts name clauses too, and are recorded with
             * their numbers. */
            for (size_t f = 0; f < c->nfallbacks; f++)
                mark_targets(d, plan, c->fallbacks[f].tree, marked);
        }
    for (size_t e = 0; e < ndefs; e++)
        mark_targets(d, plan, defs[e].tree, marked);
    for (size_t i = 0; i < plan->nitems; i++)
        if (marked[i])
            snprintf(bookmarks[i], sizeof bookmarks[i], "_RefClasm%04zu", i + 1);
    docx_render_style style = {docx_clauses_body_style(d->dc), docx_clauses_list_style(d->dc), 0};
    for (size_t i = 0; i < plan->nitems; i++) {
        if (d->place[i] == (size_t)-1)
            continue;
        const plan_item *it = &plan->items[i];
        const ct_tree *tree = plan_item_tree(it);
        ct_tree *own = NULL;
        if (!tree) /* a plan made without the library's clause (tests) */
            tree = own = ct_parse(it->text ? it->text : "");
        clause_ctx C = {d, v, plan, it, bookmarks, diags, 0};
        docx_render_ctx rc = {&C, span_value, span_reference, defs, ndefs};
        /* Markup problems of the clause (clasm lint lists them too). */
        for (size_t k = 0; tree && k < tree->nissues; k++) {
            diag_at(diags, CLASM_SEV_ERROR, tree->issues[k].id, clause_file(&C),
                    tree->issues[k].line, tree->issues[k].column, "the clause %s: %s", it->id,
                    tree->issues[k].message);
            errors++;
        }
        /* A fallback the deal drew is rendered into the tree: only the
         * standard texts are compiled. */
        const docx_fragment *frag =
            own || it->position ? NULL
                                : clause_fragment(d->tpl->fragments, v->lib, it->clause, &style);
        xmlNodePtr sdt =
            frag   ? build_compiled(d, &C, i, frag, tree, marked[i] ? bookmarks[i] : NULL)
            : tree ? docx_clauses_build(d->dc, doc, it->id, it->version, it->title ? it->title : "",
                                        tree, marked[i] ? bookmarks[i] : NULL, &rc, &d->fields)
                   : NULL;
        ct_free(own);
        errors += C.errors;
        if (sdt && render_playbook(d, &C, i, &style, &rc) != 0) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d->file, d->tpl->parts[0], 0,
                      "out of memory while recording the playbook of clause %s", it->id);
            errors++;
        }
        d->sdts[i] = sdt;
        if (!sdt || !xmlAddPrevSibling(m->items[d->place[i]].anchor, sdt)) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d->file, d->tpl->parts[0], 0,
                      "out of memory while inserting clause %s", it->id);
            errors++;
        }
    }
    free(defs);
    free(marked);
    d->bookmarks = bookmarks; /* the manifest records them */
    return errors;
}

clasm_status clasm_assemble(const clasm_template *tpl, const clasm_library *lib,
                            const clasm_deal *deal, const clasm_plan *plan, const char *out_path,
                            clasm_diags *diags)
{
    return clasm_assemble_flags(tpl, lib, deal, plan, out_path, 0, diags);
}

/* Under CLASM_ASSEMBLE_STRICT: the warnings this assembly added (from index
 * first on) become errors. Returns how many. */
static size_t promote_own_warnings(clasm_diags *diags, size_t first)
{
    size_t n = 0;
    for (size_t i = first; i < diags->count; i++)
        if (diags->items[i].severity == CLASM_SEV_WARNING) {
            diags->items[i].severity = CLASM_SEV_ERROR;
            n++;
        }
    return n;
}

clasm_status clasm_assemble_buffer(const clasm_template *tpl, const clasm_library *lib,
                                   const clasm_deal *deal, const clasm_plan *plan, unsigned flags,
                                   unsigned char **out, size_t *len, clasm_diags *diags)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!tpl || !deal || !plan || !out || !len)
        return CLASM_E_USAGE;
    /* A plan with values still to fill in is not drafted: each is named,
     * with its key as the diagnostic's path (one diagnostic per missing
     * value, in the plan's order). */
    size_t missing_from = diags->count;
    size_t nmissing = clasm_plan_missing_diags(plan, deal, CLASM_SEV_ERROR, diags);
    if (nmissing > 0) {
        const clasm_missing *m = NULL;
        size_t n = clasm_plan_missing(plan, &m);
        /* (A diagnostic dropped for lack of memory would shift them: then none.) */
        for (size_t i = 0; n == nmissing && diags->count - missing_from == n && i < n; i++)
            diag_set_path(diags, missing_from + i, m[i].key);
        return CLASM_E_INPUT;
    }
    size_t first_diag = diags->count;
    draft d;
    memset(&d, 0, sizeof d);
    d.tpl = tpl;
    d.file = pkg_name(tpl->pkg);
    manifest_init(&d.man);
    d.e = pkg_edit_new(tpl->pkg);
    d.place = calloc(plan->nitems + 1, sizeof *d.place);
    d.sdts = calloc(plan->nitems + 1, sizeof *d.sdts);
    draft_values v = {deal, plan, lib, {0}, NULL, 0, diags, 0, NULL, tpl};
    snprintf(v.score, sizeof v.score, "%ld", plan->score);
    int errors = 0;
    size_t errors_before = clasm_diags_errors(diags);
    clasm_status io = CLASM_OK;
    if (!d.e || !d.place || !d.sdts ||
        manifest_set(&d.man, plan->deal_id ? plan->deal_id : clasm_deal_id(deal),
                     plan->library_fingerprint, clasm_document_name(plan->document)) != 0 ||
        record_roles(&d.man, lib) != 0 || record_review(&d.man, plan) != 0 ||
        record_screening(&d.man, plan) != 0) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, 0, 0,
                "out of memory while assembling");
        draft_free(&d);
        return CLASM_E_IO;
    }
    /* 1. Conditionals in every part, on copies of the template's parsed
     * parts and their markers (checked when the template was opened);
     * insertion points in the main. */
    for (size_t i = 0; i < tpl->nparts; i++) {
        if (!tpl->docs[i]) {
            /* A part too large to keep (KEEP_PART_BYTES): parsed and
             * scanned again, as when the template was opened. */
            d.docs[i] = pkg_edit_parse(d.e, tpl->parts[i], diags);
            if (!d.docs[i]) {
                errors++;
                continue;
            }
            number_paragraphs(d.docs[i]);
            errors +=
                structure_scan(d.docs[i], d.file, tpl->parts[i], i == 0, &d.markers[i], diags);
        } else if (copy_part(tpl, i, &d.docs[i], &d.markers[i]) != 0) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, tpl->parts[i], 0,
                      "out of memory while copying %s", tpl->parts[i]);
            errors++;
            continue;
        }
        errors += structure_apply_conditionals(&d.markers[i], d.file, tpl->parts[i], draft_eval, &v,
                                               diags);
        d.changed[i] = d.markers[i].count > 0 || i == 0;
    }
    if (!d.docs[0]) {
        draft_values_free(&v);
        draft_free(&d);
        return pkg_failure_status(diags, first_diag);
    }
    d.dc = docx_clauses_new(d.e, d.file, tpl->styles, tpl->numbering, diags);
    if (!d.dc) {
        draft_values_free(&v);
        draft_free(&d);
        return pkg_failure_status(diags, first_diag);
    }
    for (size_t i = 0; i < tpl->nparts; i++)
        if (d.docs[i])
            docx_clauses_reserve_ids(d.dc, d.docs[i]);
    /* 2. Where each clause goes; anchors for the insertion points. */
    errors += place_clauses(&d, plan, lib, diags);
    for (size_t k = 0; k < d.markers[0].count; k++) {
        structure_marker *mk = &d.markers[0].items[k];
        if (mk->kind == STRUCT_CLAUSES && !mk->removed && structure_anchor(mk) != 0) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, tpl->parts[0], mk->paragraph,
                      "out of memory at an insertion point");
            errors++;
        }
    }
    /* 3. Values in every part (the anchors hold no text), as the library
     * writes them. */
    docx_values values = {&v, draft_display};
    for (size_t i = 0; i < tpl->nparts; i++) {
        if (!d.docs[i])
            continue;
        size_t filled = 0;
        errors += fill_part(d.docs[i], d.file, tpl->parts[i], &values, diags, &filled);
        if (filled)
            d.changed[i] = 1;
    }
    /* 4. The clauses (their values written as in the template), then the
     * anchors go. */
    errors += insert_clauses(&d, plan, &v, diags);
    draft_values_free(&v); /* the parts hold copies of the text now */
    if (v.oom) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, 0, 0,
                "out of memory while writing the deal's values");
        errors++;
    }
    for (size_t k = 0; k < d.markers[0].count; k++)
        structure_remove_anchor(&d.markers[0].items[k]);
    for (size_t i = 0; i < tpl->nparts; i++)
        if (d.docs[i] && docx_repair_part(d.docs[i]) > 0)
            d.changed[i] = 1;
    /* 5. References show the numbers of the clauses they name. */
    int unnumbered = d.fields.count ? docx_clauses_number_fields(d.dc, d.docs[0], &d.fields) : 0;
    if (unnumbered < 0) {
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, tpl->parts[0], 0,
                  "out of memory while numbering references");
        errors++;
    } else if (unnumbered > 0) {
        diag_part(diags, CLASM_SEV_WARNING, "unnumbered-reference", d.file, tpl->parts[0], 0,
                  "the template does not number its clause headings (style %s), so %d "
                  "reference%s to other clauses name%s the heading instead of a number (\"the "
                  "clause headed ...\")",
                  docx_clauses_heading_style(d.dc), unnumbered, unnumbered == 1 ? "" : "s",
                  unnumbered == 1 ? "s" : "");
    }
    if (errors == 0 && d.nfills > 0 && write_fills(&d) != 0) {
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, tpl->parts[0], 0,
                  "out of memory while writing the clauses");
        errors++;
    }
    if ((flags & CLASM_ASSEMBLE_STRICT) && promote_own_warnings(diags, first_diag) > 0)
        errors++;
    if (errors > 0 || clasm_diags_errors(diags) > errors_before) {
        draft_free(&d);
        /* Memory that ran out is no fault of the input (exit 3). */
        return pkg_failure_status(diags, first_diag);
    }
    /* The manifest records each clause as it stands now, numbers included. */
    for (size_t i = 0; i < plan->nitems && io == CLASM_OK; i++) {
        const plan_item *it = &plan->items[i];
        size_t nbody = 0;
        const char *const *body = fill_texts(&d, i, &nbody);
        /* A clause filled from its pieces: its texts as written. */
        int rc = !d.sdts[i] ? 0
                 : body     ? manifest_add_texts(&d.man, it->id, it->version,
                                             it->title ? it->title : "", body, nbody)
                            : manifest_add_sdt(&d.man, it->id, it->version, d.sdts[i]);
        if (rc == 0 && d.sdts[i])
            rc = record_refs(&d, i);
        if (rc == 0 && d.sdts[i]) {
            size_t np = d.man.clauses[d.man.count - 1].nparagraphs;
            const ct_tree *t = plan_item_tree(it);
            rc = record_tree_levels(&d.man, 0, t, np);
            if (rc == 0 && !d.man.clauses[d.man.count - 1].levels && !body)
                rc = record_sdt_levels(&d.man, d.sdts[i]);
        }
        if (rc == 0 && d.sdts[i])
            rc = record_playbook(&d.man, it, i < d.nalts ? &d.alts[i] : NULL);
        if (rc != 0) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, tpl->parts[0], 0,
                      "out of memory while recording clause %s", plan->items[i].id);
            io = CLASM_E_IO;
        }
    }
    if (io == CLASM_OK && record_outside(&d, plan->nitems) != 0) {
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, tpl->parts[0], 0,
                  "out of memory while recording the text outside the clauses");
        io = CLASM_E_IO;
    }
    /* 6. Store the parts, styles and numbering, the manifest. */
    for (size_t i = 0; i < tpl->nparts && io == CLASM_OK; i++) {
        if (!d.changed[i])
            continue;
        /* The edit owns the part's tree from here on: serialized once,
         * when the package is written; the main part now, to splice its
         * static runs in. */
        int stored;
        if (i == 0 && (tpl->statics.count > 0 || d.own.count > 0) && tpl->docs[0]) {
            int xlen = 0;
            xmlChar *xml = pkg_serialize_xml(d.docs[0], &xlen);
            size_t blen = 0;
            unsigned char *bytes =
                xml ? docx_statics_splice(&tpl->statics, &d.own, xml, (size_t)xlen, &blen) : NULL;
            xmlFree(xml);
            xmlFreeDoc(d.docs[0]);
            stored = pkg_edit_take_bytes(d.e, tpl->parts[0], bytes, blen);
        } else {
            stored = pkg_edit_adopt_xml(d.e, tpl->parts[i], d.docs[i]);
        }
        d.docs[i] = NULL;
        if (stored != 0) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, tpl->parts[i], 0,
                      "out of memory while storing %s", tpl->parts[i]);
            io = CLASM_E_IO;
        }
    }
    if (io == CLASM_OK)
        io = docx_clauses_finish(d.dc, diags);
    if (io == CLASM_OK)
        io = manifest_write(d.e, &d.man, diags);
    if (io == CLASM_OK)
        io = pkg_edit_bytes(d.e, out, len, d.file, diags);
    draft_free(&d);
    return io;
}

clasm_status clasm_assemble_flags(const clasm_template *tpl, const clasm_library *lib,
                                  const clasm_deal *deal, const clasm_plan *plan,
                                  const char *out_path, unsigned flags, clasm_diags *diags)
{
    if (!tpl || !deal || !plan || !out_path)
        return CLASM_E_USAGE;
    /* A destination that cannot be written is found before the work. */
    clasm_status s = pkg_check_destination(tpl->pkg, out_path, diags);
    if (s != CLASM_OK)
        return s;
    unsigned char *bytes;
    size_t len;
    s = clasm_assemble_buffer(tpl, lib, deal, plan, flags, &bytes, &len, diags);
    if (s == CLASM_OK)
        s = clasm_write_file(out_path, bytes, len, diags);
    free(bytes);
    return s;
}

const char *clasm_template_path(const clasm_template *tpl)
{
    return tpl ? pkg_name(tpl->pkg) : NULL;
}
