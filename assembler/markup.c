/* Clause markup to WordprocessingML paragraphs and runs. */
#include "markup.h"

#include "docx_text.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ strings */

typedef struct {
    char *s;
    size_t len, cap;
    int failed;
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *g = realloc(b->s, cap);
        if (!g) {
            b->failed = 1;
            return;
        }
        b->s = g;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_addc(sbuf *b, char c)
{
    sb_addn(b, &c, 1);
}

/* Takes the string (an empty one when nothing was added); NULL on failure. */
static char *sb_take(sbuf *b)
{
    if (b->failed) {
        free(b->s);
        b->s = NULL;
        return NULL;
    }
    if (!b->s)
        return strdup("");
    char *s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

int markup_is_escapable(char c)
{
    return c == '\\' || c == '*' || c == '_' || c == '(' || c == ')' || c == '{' || c == '}';
}

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

char *markup_escape(const char *value)
{
    sbuf b = {0};
    for (const char *p = value; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t') {
            sb_addc(&b, ' ');
            continue;
        }
        if (markup_is_escapable(*p))
            sb_addc(&b, '\\');
        sb_addc(&b, *p);
    }
    return sb_take(&b);
}

/* ------------------------------------------------------------ blocks */

int markup_roman_value(const char *s, size_t n)
{
    static const char *const ones[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"};
    static const char *const tens[] = {"", "x", "xx", "xxx"};
    for (size_t t = 0; t < 4; t++)
        for (size_t o = 0; o < 10; o++) {
            size_t lt = strlen(tens[t]), lo = strlen(ones[o]);
            if (lt + lo == n && n > 0 && strncmp(s, tens[t], lt) == 0 &&
                strncmp(s + lt, ones[o], lo) == 0)
                return (int)(t * 10 + o);
        }
    return 0;
}

int markup_list_label(const char *line, size_t n, char *last_letter, int *value, size_t *skip)
{
    if (n < 3 || line[0] != '(')
        return -1;
    size_t k = 1;
    while (k < n && line[k] >= 'a' && line[k] <= 'z')
        k++;
    if (k == 1 || k >= n || line[k] != ')')
        return -1;
    if (k + 1 < n && !is_blank(line[k + 1]))
        return -1;
    size_t len = k - 1;
    int letter = len == 1;
    int roman = markup_roman_value(line + 1, len);
    if (!letter && !roman)
        return -1;
    int level;
    if (letter && roman)
        level = (*last_letter && *last_letter + 1 == line[1]) ? 0 : 1;
    else
        level = letter ? 0 : 1;
    if (level == 0)
        *last_letter = line[1];
    if (value)
        *value = level == 0 ? line[1] : roman;
    size_t s = k + 1;
    while (s < n && is_blank(line[s]))
        s++;
    *skip = s;
    return level;
}

void markup_blocks_free(markup_block *blocks, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(blocks[i].text);
    free(blocks);
}

int markup_parse(const char *text, markup_block **out, size_t *count)
{
    markup_block *blocks = NULL;
    size_t n = 0, cap = 0;
    sbuf cur = {0};
    int cur_level = -1, open = 0;
    char last_letter = 0;
    *out = NULL;
    *count = 0;
    const char *p = text ? text : "";
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t ll = nl ? (size_t)(nl - p) : strlen(p);
        const char *line = p;
        while (ll > 0 && is_blank(*line)) {
            line++;
            ll--;
        }
        while (ll > 0 && is_blank(line[ll - 1]))
            ll--;
        size_t skip = 0;
        int level = ll ? markup_list_label(line, ll, &last_letter, NULL, &skip) : -1;
        /* A blank line or a list label closes the open block. */
        if (open && (ll == 0 || level >= 0)) {
            if (n == cap) {
                size_t c = cap ? cap * 2 : 8;
                markup_block *g = realloc(blocks, c * sizeof *g);
                if (!g)
                    goto oom;
                blocks = g;
                cap = c;
            }
            char *t = sb_take(&cur);
            if (!t)
                goto oom;
            blocks[n].level = cur_level;
            blocks[n].text = t;
            n++;
            open = 0;
        }
        if (ll > 0) {
            if (!open) {
                cur_level = level;
                open = 1;
                sb_addn(&cur, line + (level >= 0 ? skip : 0), ll - (level >= 0 ? skip : 0));
            } else {
                sb_addc(&cur, ' ');
                sb_addn(&cur, line, ll);
            }
            if (cur.failed)
                goto oom;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    if (open) {
        if (n == cap) {
            markup_block *g = realloc(blocks, (cap + 1) * sizeof *g);
            if (!g)
                goto oom;
            blocks = g;
        }
        char *t = sb_take(&cur);
        if (!t)
            goto oom;
        blocks[n].level = cur_level;
        blocks[n].text = t;
        n++;
    }
    *out = blocks;
    *count = n;
    return 0;
oom:
    free(cur.s);
    markup_blocks_free(blocks, n);
    return -1;
}

/* ------------------------------------------------------------ inline */

void markup_spans_free(markup_span *spans, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(spans[i].text);
    free(spans);
}

long markup_find_stars(const char *s, size_t i)
{
    for (; s[i]; i++) {
        if (s[i] == '\\' && markup_is_escapable(s[i + 1])) {
            i++;
            continue;
        }
        if (s[i] == '*' && s[i + 1] == '*')
            return (long)i;
    }
    return -1;
}

int markup_can_close_underscore(const char *s, size_t i)
{
    return i > 0 && !is_blank(s[i - 1]) && !is_alnum((unsigned char)s[i + 1]);
}

int markup_has_closing_underscore(const char *s, size_t i)
{
    for (i++; s[i]; i++) {
        if (s[i] == '\\' && markup_is_escapable(s[i + 1])) {
            i++;
            continue;
        }
        if (s[i] == '_' && markup_can_close_underscore(s, i))
            return 1;
    }
    return 0;
}

typedef struct {
    markup_span *spans;
    size_t n, cap;
    sbuf cur;
    int bold, italic;
    int failed;
} span_builder;

static void flush(span_builder *sb)
{
    if (sb->failed || sb->cur.len == 0) {
        if (sb->cur.failed)
            sb->failed = 1;
        return;
    }
    if (sb->n == sb->cap) {
        size_t c = sb->cap ? sb->cap * 2 : 4;
        markup_span *g = realloc(sb->spans, c * sizeof *g);
        if (!g) {
            sb->failed = 1;
            return;
        }
        sb->spans = g;
        sb->cap = c;
    }
    char *t = sb_take(&sb->cur);
    if (!t) {
        sb->failed = 1;
        return;
    }
    sb->spans[sb->n++] = (markup_span){t, sb->bold, sb->italic};
}

int markup_inline(const char *s, markup_span **out, size_t *count)
{
    span_builder sb = {0};
    *out = NULL;
    *count = 0;
    for (size_t i = 0; s[i] && !sb.failed; i++) {
        char c = s[i];
        if (c == '\\' && markup_is_escapable(s[i + 1])) {
            sb_addc(&sb.cur, s[++i]);
            continue;
        }
        if (c == '*' && s[i + 1] == '*') {
            if (sb.bold || markup_find_stars(s, i + 2) >= 0) {
                flush(&sb);
                sb.bold = !sb.bold;
                i++;
                continue;
            }
            sb_addn(&sb.cur, "**", 2);
            i++;
            continue;
        }
        if (c == '_') {
            if (sb.italic && markup_can_close_underscore(s, i)) {
                flush(&sb);
                sb.italic = 0;
                continue;
            }
            if (!sb.italic && (i == 0 || !is_alnum((unsigned char)s[i - 1])) && s[i + 1] &&
                !is_blank(s[i + 1]) && markup_has_closing_underscore(s, i)) {
                flush(&sb);
                sb.italic = 1;
                continue;
            }
        }
        sb_addc(&sb.cur, c);
    }
    flush(&sb);
    if (sb.failed || sb.cur.failed) {
        free(sb.cur.s);
        markup_spans_free(sb.spans, sb.n);
        return -1;
    }
    free(sb.cur.s);
    *out = sb.spans;
    *count = sb.n;
    return 0;
}

char *markup_plain(const char *text)
{
    markup_span *spans;
    size_t n;
    if (markup_inline(text, &spans, &n) != 0)
        return NULL;
    sbuf b = {0};
    for (size_t i = 0; i < n; i++)
        sb_addn(&b, spans[i].text, strlen(spans[i].text));
    markup_spans_free(spans, n);
    return sb_take(&b);
}

/* ------------------------------------------------------------ XML */

static xmlNodePtr child(xmlNodePtr parent, xmlNsPtr w, const char *name, const char *val)
{
    xmlNodePtr n = xmlNewChild(parent, w, BAD_CAST name, NULL);
    if (n && val && !xmlNewNsProp(n, w, BAD_CAST "val", BAD_CAST val))
        return NULL;
    return n;
}

xmlNodePtr markup_paragraph(xmlDocPtr doc, xmlNsPtr w, const markup_block *b,
                            const markup_style *style)
{
    markup_span *spans = NULL;
    size_t ns = 0;
    if (markup_inline(b->text, &spans, &ns) != 0)
        return NULL;
    xmlNodePtr p = xmlNewDocNode(doc, w, BAD_CAST "p", NULL);
    int ok = p != NULL;
    const char *pstyle = b->level >= 0 ? style->list_style : style->body_style;
    int numbered = b->level >= 0 && style->num_id > 0;
    if (ok && (pstyle || numbered)) {
        xmlNodePtr ppr = xmlNewChild(p, w, BAD_CAST "pPr", NULL);
        ok = ppr != NULL;
        if (ok && pstyle)
            ok = child(ppr, w, "pStyle", pstyle) != NULL;
        if (ok && numbered) {
            char lvl[16], num[16];
            snprintf(lvl, sizeof lvl, "%d", b->level);
            snprintf(num, sizeof num, "%d", style->num_id);
            xmlNodePtr numpr = xmlNewChild(ppr, w, BAD_CAST "numPr", NULL);
            ok = numpr && child(numpr, w, "ilvl", lvl) && child(numpr, w, "numId", num);
        }
    }
    for (size_t i = 0; ok && i < ns; i++) {
        xmlNodePtr r = xmlNewChild(p, w, BAD_CAST "r", NULL);
        ok = r != NULL;
        if (ok && (spans[i].bold || spans[i].italic)) {
            xmlNodePtr rpr = xmlNewChild(r, w, BAD_CAST "rPr", NULL);
            ok = rpr && (!spans[i].bold || child(rpr, w, "b", NULL)) &&
                 (!spans[i].italic || child(rpr, w, "i", NULL));
        }
        xmlNodePtr t = ok ? xmlNewChild(r, w, BAD_CAST "t", NULL) : NULL;
        xmlNodePtr txt = t ? xmlNewDocText(doc, BAD_CAST spans[i].text) : NULL;
        ok = txt != NULL;
        if (ok) {
            xmlAddChild(t, txt);
            docx_preserve_spaces(t, spans[i].text, strlen(spans[i].text));
        }
    }
    markup_spans_free(spans, ns);
    if (!ok) {
        xmlFreeNode(p);
        return NULL;
    }
    return p;
}
