/* Value placeholders {{ path }} in WordprocessingML parts: found over the
 * visible text of each paragraph (docx_text), so a placeholder Word split
 * over several runs is still one placeholder, and filled in the run where it
 * starts so the value keeps that run's formatting. */
#include "placeholder.h"
#include "utf8.h"

#include "diag.h"
#include "docx_text.h"

#include <stdlib.h>
#include <string.h>

#define SHOWN_MAX 60
/* Longest placeholder path accepted (fuzz/README.md "Limits"); real paths
 * ("terms.reassessment_interval_months") are a few dozen bytes. */
#define PATH_MAX_LEN 256

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

char *docx_paragraph_sole_tag(xmlNodePtr p)
{
    char *text = docx_paragraph_text(p);
    if (!text)
        return NULL;
    char *a = text, *b = text + strlen(text);
    while (a < b && (is_space(*a) || *a == '\n'))
        a++;
    while (b > a && (is_space(b[-1]) || b[-1] == '\n'))
        b--;
    *b = '\0';
    char *inner = NULL;
    tag *tags = NULL;
    size_t n = tags_scan(a, &tags);
    if (n == 1 && tags[0].kind != TAG_UNCLOSED && tags[0].start == 0 &&
        tags[0].end == (size_t)(b - a))
        inner = strdup(tags[0].path);
    if (n != (size_t)-1)
        tags_free(tags, n);
    free(text);
    return inner;
}

/* ------------------------------------------------------------ editing */

static void set_text(xmlNodePtr t, const char *s, size_t n)
{
    while (t->children) {
        xmlNodePtr c = t->children;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    if (n > 0) {
        /* A text node holds raw text: libxml2 escapes it when saving, and
         * nothing in it is read as markup or entity references. */
        xmlNodePtr txt = xmlNewDocTextLen(t->doc, BAD_CAST s, (int)n);
        if (txt)
            xmlAddChild(t, txt);
    }
    docx_preserve_spaces(t, s, n);
}

/* Whether n holds a w:p anywhere below it. */
static int holds_paragraph(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (docx_is_w(c, "p") || holds_paragraph(c)))
            return 1;
    return 0;
}

/* A run left with nothing but its properties, which can go. Properties
 * that (in a malformed part) hold a paragraph keep the run: that
 * paragraph is in the list being filled and must not be freed. */
static int run_is_empty(xmlNodePtr r)
{
    for (xmlNodePtr c = r->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (!docx_is_w(c, "rPr") || holds_paragraph(c)))
            return 0;
    return 1;
}

static void remove_node(xmlNodePtr n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* Inserts after `after` a new W element named local holding text (when
 * text is not NULL). Returns the new node, or NULL. */
static xmlNodePtr insert_after(xmlNodePtr after, const char *local, const char *text, size_t n)
{
    xmlNodePtr el = xmlNewDocNode(after->doc, after->ns, BAD_CAST local, NULL);
    if (!el)
        return NULL;
    if (!xmlAddNextSibling(after, el)) {
        xmlFreeNode(el);
        return NULL;
    }
    if (text)
        set_text(el, text, n);
    return el;
}

/* Length of the UTF-8 sequence at s that encodes a character XML allows
 * (no surrogates, U+FFFE or U+FFFF), or 0 when it is not one. */
static size_t xml_utf8_len(const unsigned char *s)
{
    unsigned long cp = 0;
    size_t n = utf8_char(s, &cp);
    return cp == 0xFFFE || cp == 0xFFFF ? 0 : n;
}

/* Writes value into w:t node t between prefix and suffix. Line breaks become
 * w:br, tabs w:tab, other control characters (not allowed in XML) are
 * dropped and bytes that are not UTF-8 become U+FFFD. Returns 0, or -1 when
 * out of memory. */
static int write_value(xmlNodePtr t, const char *prefix, size_t plen, const char *value,
                       const char *suffix, size_t slen)
{
    size_t vlen = strlen(value);
    char *buf = malloc(plen + 3 * vlen + slen + 1);
    if (!buf)
        return -1;
    memcpy(buf, prefix, plen);
    size_t b = plen;
    xmlNodePtr cur = t;
    int first = 1;
    for (size_t i = 0; i <= vlen; i++) {
        unsigned char c = (unsigned char)value[i];
        int end = i == vlen;
        if (!end && c >= 0x80) {
            size_t n = xml_utf8_len((const unsigned char *)value + i);
            if (n == 0) {
                memcpy(buf + b, "\xEF\xBF\xBD", 3);
                b += 3;
            } else {
                memcpy(buf + b, value + i, n);
                b += n;
                i += n - 1;
            }
            continue;
        }
        if (!end && c >= 0x20) {
            buf[b++] = (char)c;
            continue;
        }
        if (!end && c != '\n' && c != '\r' && c != '\t')
            continue; /* other control characters are not allowed in XML */
        if (end) {
            memcpy(buf + b, suffix, slen);
            b += slen;
        }
        if (first) {
            set_text(t, buf, b);
            first = 0;
        } else if (b > 0 || end) {
            if (!(cur = insert_after(cur, "t", buf, b))) {
                free(buf);
                return -1;
            }
        }
        b = 0;
        if (end)
            break;
        if (c == '\r' && value[i + 1] == '\n')
            i++;
        if (!(cur = insert_after(cur, c == '\t' ? "tab" : "br", NULL, 0))) {
            free(buf);
            return -1;
        }
    }
    free(buf);
    return 0;
}

/* Replaces text[s, e) of the paragraph with value. */
static int replace_span(docx_ptext *pt, size_t s, size_t e, const char *value)
{
    /* The text piece holding byte s. Pieces are in text order, so search
     * for the last that starts at or before s and step back over empty
     * ones (a scan from the start made a paragraph of thousands of split
     * placeholders quadratic). */
    size_t lo = 0, hi = pt->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pt->pieces[mid].start <= s)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t first = pt->count;
    for (size_t k = lo; k-- > 0;) {
        const docx_piece *p = &pt->pieces[k];
        if (p->is_text && p->start <= s && s < p->start + p->len)
            first = k;
        else if (p->len > 0 && p->start + p->len <= s)
            break;
    }
    if (first == pt->count)
        return -1;
    /* Remove the tag's text from the pieces after the first. */
    for (size_t k = first + 1; k < pt->count; k++) {
        const docx_piece *p = &pt->pieces[k];
        if (p->start >= e)
            break;
        if (p->len == 0)
            continue;
        xmlNodePtr run = p->run;
        if (!p->is_text) {
            remove_node(p->node);
        } else {
            xmlChar *c = xmlNodeGetContent(p->node);
            const char *cs = c ? (const char *)c : "";
            size_t clen = strlen(cs);
            size_t cut = e - p->start < clen ? e - p->start : clen;
            if (cut >= clen) {
                remove_node(p->node);
            } else {
                set_text(p->node, cs + cut, clen - cut);
            }
            xmlFree(c);
        }
        if (run_is_empty(run))
            remove_node(run);
    }
    const docx_piece *p = &pt->pieces[first];
    xmlChar *c = xmlNodeGetContent(p->node);
    const char *cs = c ? (const char *)c : "";
    size_t clen = strlen(cs);
    size_t ls = s - p->start;
    size_t le = e - p->start;
    if (ls > clen)
        ls = clen;
    const char *suffix = le < clen ? cs + le : "";
    int rc = write_value(p->node, cs, ls, value, suffix, strlen(suffix));
    xmlFree(c);
    return rc;
}

static void shown(char *buf, size_t size, const char *text, const tag *t)
{
    size_t n = t->end - t->start;
    int cut = n > SHOWN_MAX;
    if (cut)
        n = SHOWN_MAX;
    snprintf(buf, size, "%.*s%s", (int)n, text + t->start, cut ? "..." : "");
    for (char *q = buf; *q; q++)
        if (*q == '\n' || *q == '\t')
            *q = ' ';
}

int docx_fill_paragraphs(xmlNodePtr *paras, const int *numbers, size_t np, const char *file,
                         const char *part, const docx_values *values, clasm_diags *diags,
                         size_t *filled)
{
    int errors = 0;
    size_t done = 0;
    for (size_t pi = 0; pi < np; pi++) {
        int parno = numbers ? numbers[pi] : (int)pi + 1;
        docx_ptext pt;
        if (docx_paragraph_pieces(paras[pi], &pt) != 0) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, part, parno,
                      "out of memory while reading the paragraph");
            errors++;
            continue;
        }
        if (!strstr(pt.text, "{{")) {
            docx_ptext_free(&pt);
            continue;
        }
        tag *tags = NULL;
        size_t nt = tags_scan(pt.text, &tags);
        if (nt == (size_t)-1) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, part, parno,
                      "out of memory while reading the paragraph");
            errors++;
            docx_ptext_free(&pt);
            continue;
        }
        const char **vals = calloc(nt ? nt : 1, sizeof *vals);
        for (size_t i = 0; i < nt && vals; i++) {
            char what[SHOWN_MAX + 8];
            shown(what, sizeof what, pt.text, &tags[i]);
            switch (tags[i].kind) {
            case TAG_VALUE:
                if (strlen(tags[i].path) > PATH_MAX_LEN) {
                    diag_part(diags, CLASM_SEV_ERROR, "placeholder-too-long", file, part, parno,
                              "the placeholder %s has a name of %zu bytes; at most %d are "
                              "accepted",
                              what, strlen(tags[i].path), PATH_MAX_LEN);
                    errors++;
                    break;
                }
                vals[i] = values && values->value ? values->value(values->ctx, tags[i].path) : NULL;
                if (!vals[i]) {
                    diag_part(diags, CLASM_SEV_ERROR, "unknown-value", file, part, parno,
                              "the placeholder %s names '%s', which has no value", what,
                              tags[i].path);
                    errors++;
                }
                break;
            case TAG_STRUCTURAL:
                diag_part(diags, CLASM_SEV_ERROR, "misplaced-structural-tag", file, part, parno,
                          "the tag %s is an insertion point or a condition marker; it must "
                          "stand alone in its own paragraph of the document body (conditions "
                          "need a matching {{/if}})",
                          what);
                errors++;
                break;
            case TAG_MALFORMED:
                diag_part(diags, CLASM_SEV_ERROR, "malformed-tag", file, part, parno,
                          "the tag %s is not a placeholder: write {{ name }} or "
                          "{{ name.part }} with letters, digits, '_', '.' and '-', starting "
                          "with a letter or '_'",
                          what);
                errors++;
                break;
            case TAG_REFERENCE:
                diag_part(diags, CLASM_SEV_ERROR, "misplaced-reference", file, part, parno,
                          "the tag %s refers to a clause by number, which only clause text "
                          "can do; in a template, write the text itself",
                          what);
                errors++;
                break;
            case TAG_UNCLOSED:
                diag_part(diags, CLASM_SEV_ERROR, "unclosed-tag", file, part, parno,
                          "the tag %s has no closing '}}' in the same paragraph; a placeholder "
                          "cannot cross paragraphs",
                          what);
                errors++;
                break;
            }
        }
        if (!vals) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, part, parno,
                      "out of memory while filling the paragraph");
            errors++;
        } else {
            /* From the last tag to the first, so that the offsets of the
             * earlier ones stay valid and no value is scanned again. */
            for (size_t i = nt; i-- > 0;) {
                if (!vals[i])
                    continue;
                if (replace_span(&pt, tags[i].start, tags[i].end, vals[i]) != 0) {
                    diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, part, parno,
                              "could not fill the placeholder {{ %s }}", tags[i].path);
                    errors++;
                } else {
                    done++;
                }
            }
        }
        free(vals);
        tags_free(tags, nt);
        docx_ptext_free(&pt);
    }
    if (filled)
        *filled = done;
    return errors;
}

int docx_fill_part_n(xmlDocPtr doc, const char *file, const char *part, const docx_values *values,
                     clasm_diags *diags, size_t *filled)
{
    xmlNodePtr *paras = NULL;
    size_t np = docx_paragraphs(doc, &paras);
    int errors = docx_fill_paragraphs(paras, NULL, np, file, part, values, diags, filled);
    free(paras);
    return errors;
}

int docx_fill_part(xmlDocPtr doc, const char *file, const char *part, const docx_values *values,
                   clasm_diags *diags)
{
    return docx_fill_part_n(doc, file, part, values, diags, NULL);
}

void docx_strings_free(char **strings, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(strings[i]);
    free(strings);
}

size_t docx_list_placeholders(xmlDocPtr doc, char ***out)
{
    char **list = NULL;
    size_t n = 0, cap = 0;
    int failed = 0;
    xmlNodePtr *paras = NULL;
    size_t np = docx_paragraphs(doc, &paras);
    *out = NULL;
    for (size_t pi = 0; pi < np && !failed; pi++) {
        char *text = docx_paragraph_text(paras[pi]);
        if (!text) {
            failed = 1;
            break;
        }
        tag *tags = NULL;
        size_t nt = strstr(text, "{{") ? tags_scan(text, &tags) : 0;
        if (nt == (size_t)-1) {
            failed = 1;
            nt = 0;
        }
        for (size_t i = 0; i < nt && !failed; i++) {
            if (tags[i].kind != TAG_VALUE)
                continue;
            int seen = 0;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(list[j], tags[i].path) == 0;
            if (seen)
                continue;
            if (n == cap) {
                size_t c = cap ? cap * 2 : 8;
                char **grown = realloc(list, c * sizeof *grown);
                if (!grown) {
                    failed = 1;
                    break;
                }
                list = grown;
                cap = c;
            }
            if (!(list[n] = strdup(tags[i].path)))
                failed = 1;
            else
                n++;
        }
        tags_free(tags, nt);
        free(text);
    }
    free(paras);
    if (failed) {
        docx_strings_free(list, n);
        return (size_t)-1;
    }
    *out = list;
    return n;
}

size_t docx_fill_parts(const pkg *p, const char **out, size_t max)
{
    static const char *const kinds[] = {"header", "footer", "footnotes", "endnotes"};
    const char *main_part = pkg_main_part(p);
    size_t n = 0;
    if (!main_part || max == 0)
        return 0;
    out[n++] = main_part;
    /* Every related part, however many (a fixed 64 here once left the 65th
     * header's placeholders unfilled without a word); the caller's max is
     * the only cap, and a caller that gets max back must say so. */
    size_t cap = max + 1;
    const char **found = malloc(cap * sizeof *found);
    if (!found)
        return 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t nf = pkg_related(p, main_part, kinds[k], found, cap);
        for (size_t i = 0; i < nf && n < max; i++) {
            int seen = 0;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(out[j], found[i]) == 0;
            if (!seen)
                out[n++] = found[i];
        }
    }
    free(found);
    return n;
}

clasm_status docx_fill_package(pkg_edit *e, const char *file, const docx_values *values,
                               clasm_diags *diags)
{
    const char *parts[256];
    size_t np = docx_fill_parts(pkg_edit_base(e), parts, 256);
    clasm_status status = CLASM_OK;
    if (np == 0) {
        diag_part(diags, CLASM_SEV_ERROR, "no-main-part", file, NULL, 0,
                  "the package has no main document part to fill");
        return CLASM_E_INPUT;
    }
    for (size_t i = 0; i < np; i++) {
        size_t first = diags ? diags->count : 0;
        xmlDocPtr doc = pkg_edit_parse(e, parts[i], diags);
        if (!doc) {
            if (pkg_failure_status(diags, first) == CLASM_E_IO)
                status = CLASM_E_IO;
            else if (status == CLASM_OK)
                status = CLASM_E_INPUT;
            continue;
        }
        size_t filled = 0;
        if (docx_fill_part_n(doc, file, parts[i], values, diags, &filled) > 0 && status == CLASM_OK)
            status = CLASM_E_INPUT;
        if (filled > 0 && pkg_edit_set_xml(e, parts[i], doc) != 0) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, parts[i], 0,
                      "out of memory while storing the filled part %s", parts[i]);
            status = CLASM_E_IO;
        }
        xmlFreeDoc(doc);
    }
    return status;
}
