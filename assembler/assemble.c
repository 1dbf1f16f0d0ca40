/* Templates and assembly: clasm_template_open checks a template once (its
 * markers, without a deal); clasm_assemble draws one draft from it:
 * conditionals, insertion points, values, clauses, styles and numbering,
 * the manifest, then one atomic write. The template object is immutable
 * after open, so drafts may be assembled from it concurrently. */
#include "clasm.h"

#include "diag.h"
#include "docx_clauses.h"
#include "docx_structure.h"
#include "docx_text.h"
#include "facts.h"
#include "library.h"
#include "lint.h"
#include "manifest.h"
#include "markup.h"
#include "package.h"
#include "placeholder.h"
#include "plan.h"
#include "values.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARTS 256

struct clasm_template {
    pkg *pkg;
    const char *parts[MAX_PARTS]; /* main part first; strings owned by pkg */
    size_t nparts;
    /* The terms.KEY keys its placeholders and conditionals use, once each,
     * in order of first appearance (owned). */
    char **term_keys;
    size_t nterm_keys;
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

clasm_status clasm_template_open(const char *path, clasm_template **out, clasm_diags *diags)
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
        xmlDocPtr doc = bytes ? pkg_parse_xml_bytes(bytes, len, file, tpl->parts[i], diags) : NULL;
        if (!doc) {
            if (!bytes)
                diag_part(diags, CLASM_SEV_ERROR, "missing-part", file, tpl->parts[i], 0,
                          "the template names the part %s but does not hold it", tpl->parts[i]);
            errors++;
            continue;
        }
        structure_markers m;
        errors += structure_scan(doc, file, tpl->parts[i], i == 0, &m, diags);
        if (collect_term_keys(tpl, doc, &m) != 0) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, tpl->parts[i], 0,
                      "out of memory while opening the template");
            errors++;
        }
        structure_markers_free(&m);
        errors += check_placeholders(doc, file, tpl->parts[i], diags);
        xmlFreeDoc(doc);
    }
    if (errors) {
        clasm_template_free(tpl);
        return pkg_failure_status(diags, first);
    }
    *out = tpl;
    return CLASM_OK;
}

void clasm_template_free(clasm_template *tpl)
{
    if (!tpl)
        return;
    for (size_t i = 0; i < tpl->nterm_keys; i++)
        free(tpl->term_keys[i]);
    free(tpl->term_keys);
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
} draft_values;

static void draft_values_free(draft_values *v)
{
    for (size_t i = 0; i < v->nshown; i++) {
        free(v->shown[i].path);
        free(v->shown[i].text);
    }
    free(v->shown);
    v->shown = NULL;
    v->nshown = 0;
}

/* The raw value (codes, ISO dates; the library's default for a term the
 * deal leaves out). */
static const char *draft_value(void *ctx, const char *path)
{
    draft_values *v = ctx;
    if (strcmp(path, "tier") == 0)
        return v->plan->tier;
    if (strcmp(path, "score") == 0)
        return v->score;
    if (strcmp(path, "document") == 0)
        return clasm_document_name(v->plan->document);
    return values_raw(v->lib, v->deal, path, NULL);
}

/* What a template placeholder prints: values_display, the words and
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

static int draft_eval(void *ctx, const char *expr, char **err, int *column)
{
    draft_values *v = ctx;
    return facts_eval(v->lib, v->deal, v->plan, expr, err, column);
}

/* Where a clause's diagnostics point: its YAML file when the library knows
 * it. */
static void clause_where(const clasm_library *lib, const plan_item *it, const char **file,
                         int *line)
{
    const lib_clause *c = lib ? library_clause(lib, it->id) : NULL;
    *file = c ? c->file : NULL;
    *line = c ? c->line : 0;
}

/* The clause text with every {{ path }} replaced by its value, escaped so
 * that markup reads it as text. NULL when a placeholder has no value or is
 * wrong (reported, all of them) or when out of memory. */
static char *clause_text(const plan_item *it, draft_values *v, const char *tfile,
                         clasm_diags *diags, int *errors)
{
    const char *text = it->text ? it->text : "";
    const char *cfile;
    int cline;
    clause_where(v->lib, it, &cfile, &cline);
    docx_tag *tags = NULL;
    size_t nt = docx_scan_tags(text, &tags);
    if (nt == (size_t)-1) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", tfile, 0, 0,
                "out of memory while filling clause %s", it->id);
        (*errors)++;
        return NULL;
    }
    size_t cap = strlen(text) + 1, len = 0;
    char *out = malloc(cap);
    int bad = out == NULL;
    size_t pos = 0;
    for (size_t i = 0; i <= nt && !bad; i++) {
        size_t upto = i < nt ? tags[i].start : strlen(text);
        char *piece = NULL;
        const char *add = NULL;
        if (i < nt) {
            if (tags[i].kind == DOCX_TAG_VALUE) {
                const char *val = draft_value(v, tags[i].path);
                if (!val) {
                    diag_at(diags, CLASM_SEV_ERROR, "unknown-value", cfile ? cfile : tfile, cline,
                            0,
                            "the clause %s uses the placeholder {{ %s }}, which has no value "
                            "for this deal",
                            it->id, tags[i].path);
                    (*errors)++;
                } else {
                    add = piece = markup_escape(val);
                    bad = piece == NULL;
                }
            } else if (tags[i].kind == DOCX_TAG_UNCLOSED) {
                /* The scanner's path of an unclosed tag is the rest of the
                 * text: show where it starts, not a tag that is not there. */
                diag_at(diags, CLASM_SEV_ERROR, "unclosed-tag", cfile ? cfile : tfile, cline, 0,
                        "the clause %s has a '{{' that is never closed with '}}' (at \"%.30s\"); "
                        "clasm lint gives its line and column",
                        it->id, text + tags[i].start);
                (*errors)++;
            } else {
                diag_at(diags, CLASM_SEV_ERROR, "malformed-tag", cfile ? cfile : tfile, cline, 0,
                        "the clause %s holds the tag {{ %s }}, which is not a value "
                        "placeholder: clause text may only use {{ path }}",
                        it->id, tags[i].path);
                (*errors)++;
            }
        }
        size_t need = len + (upto - pos) + (add ? strlen(add) : 0) + 1;
        if (!bad && need > cap) {
            while (cap < need)
                cap *= 2;
            char *g = realloc(out, cap);
            if (!g)
                bad = 1;
            else
                out = g;
        }
        if (!bad) {
            memcpy(out + len, text + pos, upto - pos);
            len += upto - pos;
            if (add) {
                memcpy(out + len, add, strlen(add));
                len += strlen(add);
            }
            out[len] = '\0';
        }
        free(piece);
        if (i < nt)
            pos = tags[i].end;
    }
    docx_tags_free(tags, nt);
    if (bad) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", tfile, 0, 0,
                "out of memory while filling clause %s", it->id);
        (*errors)++;
    }
    return out;
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
    size_t *place; /* per plan item: marker index in the main part, or -1 */
    docx_clauses *dc;
    manifest man;
} draft;

static void draft_free(draft *d)
{
    for (size_t i = 0; i < d->tpl->nparts; i++) {
        xmlFreeDoc(d->docs[i]);
        structure_markers_free(&d->markers[i]);
    }
    free(d->place);
    docx_clauses_free(d->dc);
    manifest_free(&d->man);
    pkg_edit_free(d->e);
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

static int insert_clauses(draft *d, const clasm_plan *plan, draft_values *v, clasm_diags *diags)
{
    int errors = 0;
    structure_markers *m = &d->markers[0];
    xmlDocPtr doc = d->docs[0];
    for (size_t i = 0; i < plan->nitems; i++) {
        if (d->place[i] == (size_t)-1)
            continue;
        const plan_item *it = &plan->items[i];
        char *text = clause_text(it, v, d->file, diags, &errors);
        if (!text)
            continue;
        markup_block *blocks = NULL;
        size_t nb = 0;
        xmlNodePtr sdt = NULL;
        if (markup_parse(text, &blocks, &nb) == 0)
            sdt = docx_clauses_build(d->dc, doc, it->id, it->version, it->title ? it->title : "",
                                     blocks, nb);
        markup_blocks_free(blocks, nb);
        free(text);
        if (!sdt || !xmlAddPrevSibling(m->items[d->place[i]].anchor, sdt) ||
            manifest_add_sdt(&d->man, it->id, it->version, sdt) != 0) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d->file, d->tpl->parts[0], 0,
                      "out of memory while inserting clause %s", it->id);
            errors++;
        }
    }
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
    size_t first_diag = diags->count;
    draft d;
    memset(&d, 0, sizeof d);
    d.tpl = tpl;
    d.file = pkg_name(tpl->pkg);
    manifest_init(&d.man);
    d.e = pkg_edit_new(tpl->pkg);
    d.place = calloc(plan->nitems + 1, sizeof *d.place);
    draft_values v = {deal, plan, lib, {0}, NULL, 0, diags, 0};
    snprintf(v.score, sizeof v.score, "%ld", plan->score);
    int errors = 0;
    size_t errors_before = clasm_diags_errors(diags);
    clasm_status io = CLASM_OK;
    if (!d.e || !d.place ||
        manifest_set(&d.man, plan->deal_id ? plan->deal_id : clasm_deal_id(deal),
                     plan->library_fingerprint, clasm_document_name(plan->document)) != 0) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, 0, 0,
                "out of memory while assembling");
        draft_free(&d);
        return CLASM_E_IO;
    }
    /* 1. Conditionals in every part; insertion points found in the main. */
    for (size_t i = 0; i < tpl->nparts; i++) {
        d.docs[i] = pkg_edit_parse(d.e, tpl->parts[i], diags);
        if (!d.docs[i]) {
            errors++;
            continue;
        }
        number_paragraphs(d.docs[i]);
        errors += structure_scan(d.docs[i], d.file, tpl->parts[i], i == 0, &d.markers[i], diags);
        errors += structure_apply_conditionals(&d.markers[i], d.file, tpl->parts[i], draft_eval, &v,
                                               diags);
        d.changed[i] = d.markers[i].count > 0 || i == 0;
    }
    if (!d.docs[0]) {
        draft_free(&d);
        return pkg_failure_status(diags, first_diag);
    }
    d.dc = docx_clauses_new(d.e, d.file, diags);
    if (!d.dc) {
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
    draft_values_free(&v); /* the parts hold copies of the text now */
    if (v.oom) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, 0, 0,
                "out of memory while writing the deal's values");
        errors++;
    }
    /* 4. The clauses, then the anchors go. */
    errors += insert_clauses(&d, plan, &v, diags);
    for (size_t k = 0; k < d.markers[0].count; k++)
        structure_remove_anchor(&d.markers[0].items[k]);
    for (size_t i = 0; i < tpl->nparts; i++)
        if (d.docs[i] && docx_repair_part(d.docs[i]) > 0)
            d.changed[i] = 1;
    if ((flags & CLASM_ASSEMBLE_STRICT) && promote_own_warnings(diags, first_diag) > 0)
        errors++;
    if (errors > 0 || clasm_diags_errors(diags) > errors_before) {
        draft_free(&d);
        /* Memory that ran out is no fault of the input (exit 3). */
        return pkg_failure_status(diags, first_diag);
    }
    /* 5. Store the parts, styles and numbering, the manifest; write. */
    for (size_t i = 0; i < tpl->nparts && io == CLASM_OK; i++)
        if (d.changed[i] && pkg_edit_set_xml(d.e, tpl->parts[i], d.docs[i]) != 0) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", d.file, tpl->parts[i], 0,
                      "out of memory while storing %s", tpl->parts[i]);
            io = CLASM_E_IO;
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
