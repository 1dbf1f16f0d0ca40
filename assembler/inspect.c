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
#include "json_text.h"
#include "library.h"
#include "manifest.h"
#include "package.h"
#include "word_diff.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { ST_UNCHANGED, ST_MODIFIED, ST_REMOVED, ST_OUTDATED } clause_state;

static const char *const state_names[] = {"unchanged", "modified", "removed", "outdated"};

typedef struct {
    char *id;
    int version;
    char *title;
    clause_state state;
    int latest_version;   /* the library's version; 0 when not in the library or no library */
    int in_library;       /* -1 no library given, 0 no, 1 yes */
    char *diff;           /* modified: the word-level change */
    const char *found_by; /* "content-control", "heading", "body" or NULL */
} insp_clause;

typedef struct {
    char *tag;   /* may be NULL */
    char *alias; /* may be NULL */
    char *text;  /* the control's text, shortened */
} insp_unknown;

struct clasm_inspection {
    char *file;
    char *deal, *document, *library;
    int library_matches; /* -1 no library given */
    insp_clause *clauses;
    size_t nclauses;
    insp_unknown *unknown;
    size_t nunknown;
};

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
} found_text;

/* The paragraphs of the content control tagged clasm:ID@VERSION. */
static int find_by_tag(para *P, size_t np, const manifest_clause *mc, found_text *out)
{
    char want[512];
    snprintf(want, sizeof want, "clasm:%s@%d", mc->id, mc->version);
    size_t count = 0;
    for (size_t i = 0; i < np; i++)
        count += P[i].tag && strcmp(P[i].tag, want) == 0;
    if (count == 0)
        return 0;
    out->texts = calloc(count, sizeof *out->texts);
    if (!out->texts)
        return -1;
    for (size_t i = 0; i < np; i++)
        if (P[i].tag && strcmp(P[i].tag, want) == 0) {
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
    strcpy(s, first ? first : "");
    for (size_t i = 0; i < n; i++) {
        strcat(s, "\n");
        strcat(s, rest[i] ? rest[i] : "");
    }
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

static clasm_status inspect_package(const pkg *p, const clasm_library *lib, clasm_inspection **out,
                                    clasm_diags *diags)
{
    const char *file = pkg_name(p);
    size_t first = diags ? diags->count : 0;
    manifest m;
    clasm_status s = manifest_read(p, &m, diags);
    if (s != CLASM_OK)
        return s;
    const char *main_part = pkg_main_part(p);
    size_t len = 0;
    const unsigned char *bytes = main_part ? pkg_bytes(p, main_part, &len) : NULL;
    xmlDocPtr doc = bytes ? pkg_parse_xml_bytes(bytes, len, file, main_part, diags) : NULL;
    if (!doc) {
        /* Out of memory, no report: an empty one would say every clause
         * was removed. */
        manifest_free(&m);
        return pkg_failure_status(diags, first);
    }
    clasm_inspection *I = calloc(1, sizeof *I);
    xmlNodePtr *nodes = NULL;
    size_t np = docx_paragraphs(doc, &nodes);
    para *P = calloc(np ? np : 1, sizeof *P);
    int oom = !I || !P || (np && !nodes);
    for (size_t i = 0; !oom && i < np; i++)
        oom = fill_para(&P[i], nodes[i]) != 0;
    free(nodes);
    if (!oom) {
        I->file = strdup(file);
        I->deal = dup_or_null(m.deal);
        I->document = dup_or_null(m.document);
        I->library = dup_or_null(m.library);
        I->library_matches = lib ? strcmp(lib->fingerprint, m.library ? m.library : "") == 0 : -1;
        I->clauses = calloc(m.count ? m.count : 1, sizeof *I->clauses);
        oom = !I->file || !I->clauses;
    }
    /* Tagged controls first, so titles are only searched where no tag is. */
    found_text *found = calloc(m.count ? m.count : 1, sizeof *found);
    const char **how = calloc(m.count ? m.count : 1, sizeof *how);
    oom |= !found || !how;
    for (size_t k = 0; !oom && k < m.count; k++) {
        int r = find_by_tag(P, np, &m.clauses[k], &found[k]);
        oom = r < 0;
        if (r > 0)
            how[k] = "content-control";
    }
    for (size_t k = 0; !oom && k < m.count; k++) {
        if (how[k])
            continue;
        int r = find_by_heading(P, np, &m, &m.clauses[k], &found[k]);
        oom = r < 0;
        if (r > 0)
            how[k] = "heading";
    }
    /* Only then the clauses whose title changed, by their body. */
    for (size_t k = 0; !oom && k < m.count; k++) {
        if (how[k])
            continue;
        int r = find_by_body(P, np, &m, &m.clauses[k], &found[k]);
        oom = r < 0;
        if (r > 0)
            how[k] = "body";
    }
    for (size_t k = 0; !oom && k < m.count; k++) {
        const manifest_clause *mc = &m.clauses[k];
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
        if (c->state == ST_UNCHANGED && c->latest_version > c->version)
            c->state = ST_OUTDATED;
        oom |= !c->id;
    }
    for (size_t k = 0; found && k < m.count; k++)
        free(found[k].texts);
    free(found);
    free(how);
    if (!oom)
        oom = collect_unknown(xmlDocGetRootElement(doc), &m, I) != 0;
    free_paras(P, np);
    xmlFreeDoc(doc);
    manifest_free(&m);
    if (oom) {
        clasm_inspection_free(I);
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", file, 0, 0,
                "out of memory while inspecting the draft");
        return CLASM_E_IO;
    }
    *out = I;
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
        if (c->diff)
            fprintf(out, "             %s\n", c->diff);
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
    if (I->library_matches == 0)
        fputs("note: the clause library has changed since this draft was assembled\n", out);
}
