/* List numbers as Word shows them: see docx_numbers.h. */
#include "docx_numbers.h"

#include "docx_text.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEVELS 9

typedef struct {
    long start;
    char fmt[24];
    char *text; /* lvlText */
    char *pstyle;
} level_def;

typedef struct {
    long id;
    level_def lvl[LEVELS];
    long count[LEVELS];
    int started[LEVELS];
} abstract_def;

typedef struct {
    long id;
    long abstract;
    long start_override[LEVELS]; /* -1: none */
    int applied;
} num_def;

typedef struct {
    char *id;
    char *based_on;
    long num_id; /* -1: none given */
    long ilvl;   /* -1: none given */
} style_def;

typedef struct {
    abstract_def *abstracts;
    size_t nabstracts, capa;
    num_def *nums;
    size_t nnums, capn;
    style_def *styles;
    size_t nstyles, caps;
    int oom;
} model;

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNsProp(n, BAD_CAST name, BAD_CAST W_NS);
    if (!v)
        return NULL;
    char *s = strdup((const char *)v);
    xmlFree(v);
    return s;
}

static long child_val(xmlNodePtr n, const char *local, long dflt)
{
    xmlNodePtr c = docx_w_child(n, local);
    return c ? docx_w_attr_long(c, "val", dflt) : dflt;
}

static void read_numbering(model *M, xmlDocPtr numbering)
{
    xmlNodePtr root = numbering ? xmlDocGetRootElement(numbering) : NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n && !M->oom; n = n->next) {
        if (docx_is_w(n, "abstractNum")) {
            abstract_def *g = array_grow(M->abstracts, &M->capa, M->nabstracts + 1, sizeof *g);
            if (!g) {
                M->oom = 1;
                return;
            }
            M->abstracts = g;
            abstract_def *a = &g[M->nabstracts++];
            memset(a, 0, sizeof *a);
            a->id = docx_w_attr_long(n, "abstractNumId", -1);
            for (int k = 0; k < LEVELS; k++) {
                a->lvl[k].start = 1;
                strcpy(a->lvl[k].fmt, "decimal");
            }
            for (xmlNodePtr l = n->children; l; l = l->next) {
                if (!docx_is_w(l, "lvl"))
                    continue;
                long k = docx_w_attr_long(l, "ilvl", -1);
                if (k < 0 || k >= LEVELS)
                    continue;
                level_def *d = &a->lvl[k];
                d->start = child_val(l, "start", 1);
                xmlNodePtr f = docx_w_child(l, "numFmt");
                char *fmt = f ? attr(f, "val") : NULL;
                if (fmt)
                    snprintf(d->fmt, sizeof d->fmt, "%s", fmt);
                free(fmt);
                xmlNodePtr t = docx_w_child(l, "lvlText");
                free(d->text);
                d->text = t ? attr(t, "val") : NULL;
                xmlNodePtr ps = docx_w_child(l, "pStyle");
                free(d->pstyle);
                d->pstyle = ps ? attr(ps, "val") : NULL;
            }
        } else if (docx_is_w(n, "num")) {
            num_def *g = array_grow(M->nums, &M->capn, M->nnums + 1, sizeof *g);
            if (!g) {
                M->oom = 1;
                return;
            }
            M->nums = g;
            num_def *u = &g[M->nnums++];
            memset(u, 0, sizeof *u);
            u->id = docx_w_attr_long(n, "numId", -1);
            u->abstract = child_val(n, "abstractNumId", -1);
            for (int k = 0; k < LEVELS; k++)
                u->start_override[k] = -1;
            for (xmlNodePtr o = n->children; o; o = o->next) {
                if (!docx_is_w(o, "lvlOverride"))
                    continue;
                long k = docx_w_attr_long(o, "ilvl", -1);
                if (k >= 0 && k < LEVELS)
                    u->start_override[k] = child_val(o, "startOverride", -1);
            }
        }
    }
}

static void read_styles(model *M, xmlDocPtr styles)
{
    xmlNodePtr root = styles ? xmlDocGetRootElement(styles) : NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n && !M->oom; n = n->next) {
        if (!docx_is_w(n, "style"))
            continue;
        style_def *g = array_grow(M->styles, &M->caps, M->nstyles + 1, sizeof *g);
        if (!g) {
            M->oom = 1;
            return;
        }
        M->styles = g;
        style_def *s = &g[M->nstyles++];
        s->id = attr(n, "styleId");
        xmlNodePtr b = docx_w_child(n, "basedOn");
        s->based_on = b ? attr(b, "val") : NULL;
        xmlNodePtr numpr = docx_w_child(docx_w_child(n, "pPr"), "numPr");
        s->num_id = numpr ? child_val(numpr, "numId", -1) : -1;
        s->ilvl = numpr ? child_val(numpr, "ilvl", -1) : -1;
    }
}

static void free_model(model *M)
{
    for (size_t i = 0; i < M->nabstracts; i++)
        for (int k = 0; k < LEVELS; k++) {
            free(M->abstracts[i].lvl[k].text);
            free(M->abstracts[i].lvl[k].pstyle);
        }
    free(M->abstracts);
    free(M->nums);
    for (size_t i = 0; i < M->nstyles; i++) {
        free(M->styles[i].id);
        free(M->styles[i].based_on);
    }
    free(M->styles);
}

static const style_def *find_style(const model *M, const char *id)
{
    for (size_t i = 0; id && i < M->nstyles; i++)
        if (M->styles[i].id && strcmp(M->styles[i].id, id) == 0)
            return &M->styles[i];
    return NULL;
}

static num_def *find_num(model *M, long id)
{
    for (size_t i = 0; i < M->nnums; i++)
        if (M->nums[i].id == id)
            return &M->nums[i];
    return NULL;
}

static abstract_def *find_abstract(model *M, long id)
{
    for (size_t i = 0; i < M->nabstracts; i++)
        if (M->abstracts[i].id == id)
            return &M->abstracts[i];
    return NULL;
}

/* The numbering of a paragraph: its own numPr, else its style's (through
 * basedOn); a style without ilvl takes the level its id is linked to. */
/* The numbering of a paragraph of style sid whose own w:numPr gives
 * *num_id and *ilvl (-1 where it gives none): what it lacks from the
 * style chain (w:basedOn), a level from the level linked to the style. 1
 * when numbered. */
static int style_numbering(model *M, const char *sid, long *num_id, long *ilvl)
{
    const char *linked = NULL;
    const style_def *s = find_style(M, sid);
    for (int depth = 0; s && depth < 32 && (*num_id < 0 || *ilvl < 0); depth++) {
        if (*num_id < 0 && s->num_id >= 0) {
            *num_id = s->num_id;
            linked = s->id;
        }
        if (*ilvl < 0 && s->ilvl >= 0 && *num_id == s->num_id)
            *ilvl = s->ilvl;
        s = find_style(M, s->based_on);
    }
    if (*num_id > 0 && *ilvl < 0 && linked) {
        num_def *u = find_num(M, *num_id);
        abstract_def *a = u ? find_abstract(M, u->abstract) : NULL;
        for (int k = 0; a && k < LEVELS && *ilvl < 0; k++)
            if (a->lvl[k].pstyle && strcmp(a->lvl[k].pstyle, linked) == 0)
                *ilvl = k;
    }
    if (*ilvl < 0)
        *ilvl = 0;
    return *num_id > 0 && *ilvl < LEVELS;
}

static int paragraph_numbering(model *M, xmlNodePtr p, long *num_id, long *ilvl)
{
    xmlNodePtr ppr = docx_w_child(p, "pPr");
    xmlNodePtr numpr = docx_w_child(ppr, "numPr");
    *num_id = numpr ? child_val(numpr, "numId", -1) : -1;
    *ilvl = numpr ? child_val(numpr, "ilvl", -1) : -1;
    xmlNodePtr ps = docx_w_child(ppr, "pStyle");
    char *sid = ps ? attr(ps, "val") : NULL;
    int numbered = style_numbering(M, sid, num_id, ilvl);
    free(sid);
    return numbered;
}

struct docx_numbering {
    model M;
};

docx_numbering *docx_numbering_new(xmlDocPtr styles, xmlDocPtr numbering)
{
    docx_numbering *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    read_numbering(&n->M, numbering);
    read_styles(&n->M, styles);
    if (n->M.oom) {
        docx_numbering_free(n);
        return NULL;
    }
    return n;
}

void docx_numbering_free(docx_numbering *n)
{
    if (!n)
        return;
    free_model(&n->M);
    free(n);
}

int docx_numbering_numbered(docx_numbering *n, xmlNodePtr p)
{
    long num_id, ilvl;
    return paragraph_numbering(&n->M, p, &num_id, &ilvl);
}

/* The counters of numbering instance num_id. */
static docx_counters counters_of(model *M, long num_id)
{
    num_def *u = find_num(M, num_id);
    /* A numbering instance that does not exist: counted apart, as its own. */
    return u ? (docx_counters){0, u->abstract} : (docx_counters){num_id, 0};
}

int docx_numbering_abstract(docx_numbering *n, xmlNodePtr p, docx_counters *out)
{
    long num_id, ilvl;
    if (!paragraph_numbering(&n->M, p, &num_id, &ilvl))
        return 0;
    *out = counters_of(&n->M, num_id);
    return 1;
}

int docx_numbering_style_abstract(docx_numbering *n, const char *style, docx_counters *out)
{
    long num_id = -1, ilvl = -1;
    if (!style_numbering(&n->M, style, &num_id, &ilvl))
        return 0;
    *out = counters_of(&n->M, num_id);
    return 1;
}

int docx_numbering_has_style(const docx_numbering *n, const char *id)
{
    return find_style(&n->M, id) != NULL;
}

static void roman(strbuf *b, long v, int upper)
{
    static const struct {
        long v;
        const char *s;
    } table[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"},
                 {90, "xc"},  {50, "l"},   {40, "xl"}, {10, "x"},   {9, "ix"},
                 {5, "v"},    {4, "iv"},   {1, "i"}};
    if (v <= 0 || v > 3999) {
        strbuf_addf(b, "%ld", v);
        return;
    }
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        while (v >= table[i].v) {
            for (const char *c = table[i].s; *c; c++)
                strbuf_addc(b, upper ? (char)(*c - 'a' + 'A') : *c);
            v -= table[i].v;
        }
}

/* a..z, then aa..zz, as Word letters lists. */
static void letters(strbuf *b, long v, int upper)
{
    if (v <= 0) {
        strbuf_addf(b, "%ld", v);
        return;
    }
    char c = (char)((upper ? 'A' : 'a') + (v - 1) % 26);
    for (long k = 0; k <= (v - 1) / 26; k++)
        strbuf_addc(b, c);
}

static void format_number(strbuf *b, long v, const char *fmt)
{
    if (strcmp(fmt, "lowerLetter") == 0)
        letters(b, v, 0);
    else if (strcmp(fmt, "upperLetter") == 0)
        letters(b, v, 1);
    else if (strcmp(fmt, "lowerRoman") == 0)
        roman(b, v, 0);
    else if (strcmp(fmt, "upperRoman") == 0)
        roman(b, v, 1);
    else if (strcmp(fmt, "decimalZero") == 0)
        strbuf_addf(b, "%02ld", v);
    else if (strcmp(fmt, "none") == 0 || strcmp(fmt, "bullet") == 0)
        ;
    else
        strbuf_addf(b, "%ld", v);
}

/* Counts paragraph p at level k of its list and gives its label. */
static char *label_of(model *M, long num_id, long k)
{
    num_def *u = find_num(M, num_id);
    abstract_def *a = u ? find_abstract(M, u->abstract) : NULL;
    if (!a)
        return NULL;
    if (!u->applied) {
        /* A restart where this instance is first used. */
        u->applied = 1;
        for (int l = 0; l < LEVELS; l++)
            if (u->start_override[l] >= 0) {
                a->count[l] = u->start_override[l] - 1;
                a->started[l] = 1;
            }
    }
    if (!a->started[k]) {
        a->count[k] = a->lvl[k].start - 1;
        a->started[k] = 1;
    }
    a->count[k]++;
    for (int l = (int)k + 1; l < LEVELS; l++)
        a->started[l] = 0;
    const char *t = a->lvl[k].text ? a->lvl[k].text : "";
    strbuf b = {0};
    for (const char *c = t; *c; c++) {
        if (c[0] == '%' && c[1] >= '1' && c[1] <= '9') {
            int l = c[1] - '1';
            long v = a->started[l] ? a->count[l] : a->lvl[l].start;
            format_number(&b, v, a->lvl[l].fmt);
            c++;
        } else {
            strbuf_addc(&b, *c);
        }
    }
    return strbuf_take(&b);
}

void docx_labels_free(docx_label *labels, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(labels[i].label);
    free(labels);
}

size_t docx_number_labels(xmlDocPtr doc, xmlDocPtr styles, xmlDocPtr numbering, docx_label **out)
{
    *out = NULL;
    model M = {0};
    read_numbering(&M, numbering);
    read_styles(&M, styles);
    xmlNodePtr *ps = NULL;
    size_t np = M.oom ? 0 : docx_paragraphs(doc, &ps);
    docx_label *labels = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < np && !M.oom; i++) {
        long num_id, ilvl;
        if (!paragraph_numbering(&M, ps[i], &num_id, &ilvl))
            continue;
        char *label = label_of(&M, num_id, ilvl);
        if (!label)
            continue;
        docx_label *g = array_grow(labels, &cap, n + 1, sizeof *g);
        if (!g) {
            free(label);
            M.oom = 1;
            break;
        }
        labels = g;
        labels[n++] = (docx_label){ps[i], label};
    }
    free(ps);
    free_model(&M);
    if (M.oom) {
        docx_labels_free(labels, n);
        return (size_t)-1;
    }
    *out = labels;
    return n;
}

void docx_label_for_reference(const char *label, char *out, size_t size)
{
    snprintf(out, size, "%s", label);
    size_t n = strlen(out);
    while (n > 0 && (out[n - 1] == '.' || out[n - 1] == ' '))
        out[--n] = '\0';
}
