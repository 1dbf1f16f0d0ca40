/* Clause markup to a tree: see clause_tree.h. The rules of the markup live
 * here and only here (clauses/README.md "Clause markup"):
 * - blocks: paragraphs are separated by blank lines; a line starting "(a) "
 *   is a lettered list item, "(i) " a roman one (one level deeper); the
 *   lines of a block are joined by one space;
 * - inline: a backslash makes the next of \ * _ ( ) { } literal; **Term**
 *   is a use of a defined term and **"Term"** its definition; _text_ is
 *   italic (an underscore opens only at the start of a word and closes only
 *   at its end); {{ }} tags are values, references or the definitions list.
 */
#include "clause_tree.h"

#include "strbuf.h"
#include "strfmt.h"
#include "tags.h"

#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static int is_escapable(char c)
{
    return c == '\\' || c == '*' || c == '_' || c == '(' || c == ')' || c == '{' || c == '}';
}

/* ------------------------------------------------------------ the tree */

static void free_span(ct_span *s)
{
    free(s->text);
    free(s->alt);
}

void ct_free(ct_tree *t)
{
    if (!t)
        return;
    for (size_t b = 0; b < t->nblocks; b++) {
        for (size_t s = 0; s < t->blocks[b].nspans; s++)
            free_span(&t->blocks[b].spans[s]);
        free(t->blocks[b].spans);
    }
    free(t->blocks);
    for (size_t i = 0; i < t->nissues; i++)
        free(t->issues[i].message);
    free(t->issues);
    free(t);
}

typedef struct {
    ct_tree *t;
    size_t cap_blocks, cap_issues;
    int oom;
} parser;

static void issue(parser *P, const char *id, size_t offset, char *message)
{
    if (!message) {
        P->oom = 1;
        return;
    }
    ct_issue *g = array_grow(P->t->issues, &P->cap_issues, P->t->nissues + 1, sizeof *g);
    if (!g) {
        free(message);
        P->oom = 1;
        return;
    }
    P->t->issues = g;
    g[P->t->nissues++] = (ct_issue){CLASM_SEV_ERROR, id, message, offset, 0, 0};
}

/* ------------------------------------------------------------ lists */

static int roman_value(const char *s, size_t n)
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

static void roman_text(int v, char *buf, size_t size)
{
    static const char *const ones[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"};
    static const char *const tens[] = {"", "x", "xx", "xxx"};
    if (v < 1 || v > 39)
        snprintf(buf, size, "?");
    else
        snprintf(buf, size, "%s%s", tens[v / 10], ones[v % 10]);
}

/* When a trimmed line starts with a list label "(x) ", its level (0
 * letters, 1 roman numerals), the letter or roman number in *value and the
 * length of the label and the blanks after it in *skip; else -1. "(i)"
 * right after "(h)" is a letter. */
static int list_label(const char *line, size_t n, char *last_letter, int *value, size_t *skip)
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
    int roman = roman_value(line + 1, len);
    if (!letter && !roman)
        return -1;
    int level;
    if (letter && roman)
        level = (*last_letter && *last_letter + 1 == line[1]) ? 0 : 1;
    else
        level = letter ? 0 : 1;
    if (level == 0)
        *last_letter = line[1];
    *value = level == 0 ? line[1] : roman;
    size_t s = k + 1;
    while (s < n && is_blank(line[s]))
        s++;
    *skip = s;
    return level;
}

/* The order of list items: what Word will number them, against what the
 * text typed. */
typedef struct {
    int next_letter; /* the letter the next lettered item should have */
    int have_letter; /* a lettered item came before */
    int last_roman;  /* the last roman item since that lettered item */
    int letter_of_romans;
} list_order;

static void check_label(parser *P, list_order *o, int level, int value, size_t at)
{
    if (level == 0) {
        if (value != o->next_letter) {
            if (!o->have_letter)
                issue(P, "list-order", at,
                      str_printf("the first lettered item is (%c); expected (a) (Word numbers the "
                                 "items, so it would print as (a))",
                                 value));
            else
                issue(P, "list-order", at,
                      str_printf("list item (%c) follows (%c); expected (%c) (Word numbers the "
                                 "items, so it would print as (%c))",
                                 value, o->next_letter - 1, o->next_letter, o->next_letter));
        }
        o->next_letter = value + 1;
        o->have_letter = 1;
        o->last_roman = 0;
        o->letter_of_romans = value;
        return;
    }
    char label[16], want[16], prev[16];
    roman_text(value, label, sizeof label);
    roman_text(o->last_roman + 1, want, sizeof want);
    roman_text(o->last_roman, prev, sizeof prev);
    if (!o->have_letter)
        issue(P, "list-orphan", at,
              str_printf("list item (%s) comes before any lettered item; a roman sub-item "
                         "belongs under an (a), (b), ... item",
                         label));
    else if (value != o->last_roman + 1) {
        if (o->last_roman == 0)
            issue(P, "list-order", at,
                  str_printf("list item (%s) is the first sub-item of (%c); expected (i)", label,
                             o->letter_of_romans));
        else
            issue(P, "list-order", at,
                  str_printf("list item (%s) follows (%s); expected (%s)", label, prev, want));
    }
    o->last_roman = value;
}

/* ------------------------------------------------------------ inline */

/* One block's text, its lines joined, with the text offset of each byte. */
typedef struct {
    strbuf s;
    size_t *map;
    size_t cap;
} joined;

static void join_add(joined *j, const char *s, size_t n, size_t offset, int same_offset)
{
    size_t at = j->s.len;
    strbuf_add(&j->s, s, n);
    if (j->s.failed)
        return;
    size_t *g = array_grow(j->map, &j->cap, at + n + 1, sizeof *g);
    if (!g) {
        j->s.failed = 1;
        return;
    }
    j->map = g;
    for (size_t i = 0; i < n; i++)
        j->map[at + i] = same_offset ? offset : offset + i;
    j->map[at + n] = n ? j->map[at + n - 1] + 1 : offset;
}

typedef struct {
    parser *P;
    ct_block *b;
    size_t cap_spans;
    strbuf cur;        /* text of the span being built */
    size_t cur_offset; /* its offset in the clause text */
    int italic;
} inline_state;

static void add_span(inline_state *S, ct_kind kind, char *text, char *alt, size_t offset)
{
    if (!text) {
        free(alt);
        S->P->oom = 1;
        return;
    }
    ct_span *g = array_grow(S->b->spans, &S->cap_spans, S->b->nspans + 1, sizeof *g);
    if (!g) {
        free(text);
        free(alt);
        S->P->oom = 1;
        return;
    }
    S->b->spans = g;
    g[S->b->nspans++] = (ct_span){kind, text, alt, S->italic, offset, 0, 0};
}

static void flush_text(inline_state *S)
{
    if (S->cur.failed)
        S->P->oom = 1;
    if (S->cur.len == 0)
        return;
    add_span(S, CT_TEXT, strbuf_take(&S->cur), NULL, S->cur_offset);
}

static void add_text(inline_state *S, const char *s, size_t n, size_t offset)
{
    if (S->cur.len == 0)
        S->cur_offset = offset;
    strbuf_add(&S->cur, s, n);
}

/* Index of the next unescaped "**" in s at or after i, or -1. */
static long find_stars(const char *s, size_t i)
{
    for (; s[i]; i++) {
        if (s[i] == '\\' && is_escapable(s[i + 1])) {
            i++;
            continue;
        }
        if (s[i] == '*' && s[i + 1] == '*')
            return (long)i;
    }
    return -1;
}

static int can_close_underscore(const char *s, size_t i)
{
    return i > 0 && !is_blank(s[i - 1]) && !is_word((unsigned char)s[i + 1]);
}

static int has_closing_underscore(const char *s, size_t i)
{
    for (i++; s[i]; i++) {
        if (s[i] == '\\' && is_escapable(s[i + 1])) {
            i++;
            continue;
        }
        if (s[i] == '_' && can_close_underscore(s, i))
            return 1;
    }
    return 0;
}

/* {{ clause ID }} or {{ clause ID or "text" }} (single quotes too). */
static int parse_reference(const char *inner, char **id, char **alt)
{
    *id = *alt = NULL;
    const char *p = inner + 6; /* past "clause" */
    while (is_blank(*p))
        p++;
    const char *a = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
           *p == '_')
        p++;
    if (p == a || *a == '.' || *a == '-' || p[-1] == '.')
        return -1;
    size_t idlen = (size_t)(p - a);
    while (is_blank(*p))
        p++;
    if (*p) {
        if (strncmp(p, "or", 2) != 0 || !is_blank(p[2]))
            return -1;
        p += 2;
        while (is_blank(*p))
            p++;
        char q = *p;
        if (q != '"' && q != '\'')
            return -1;
        const char *s = ++p;
        while (*p && *p != q)
            p++;
        if (*p != q || p == s)
            return -1;
        const char *e = p++;
        while (is_blank(*p))
            p++;
        if (*p)
            return -1;
        *alt = strndup(s, (size_t)(e - s));
        if (!*alt)
            return -2;
    }
    *id = strndup(a, idlen);
    if (!*id) {
        free(*alt);
        *alt = NULL;
        return -2;
    }
    return 0;
}

/* A tag met in a block's text. */
static void inline_tag(inline_state *S, const tag *t, const char *text)
{
    parser *P = S->P;
    switch (t->kind) {
    case TAG_VALUE:
        flush_text(S);
        add_span(S, CT_VALUE, strdup(t->path), NULL, t->start);
        return;
    case TAG_REFERENCE: {
        char *id, *alt;
        int r = parse_reference(t->path, &id, &alt);
        if (r == -2) {
            P->oom = 1;
            return;
        }
        if (r != 0) {
            issue(P, "malformed-reference", t->start,
                  str_printf("{{ %s }} is not a reference: write {{ clause ID }} or "
                             "{{ clause ID or \"text for a draft without that clause\" }}, ID "
                             "being a clause id or a category",
                             t->path));
            return;
        }
        flush_text(S);
        add_span(S, CT_REF, id, alt, t->start);
        return;
    }
    case TAG_UNCLOSED:
        issue(P, "unclosed-tag", t->start,
              str_printf("'{{' is never closed with '}}' (at \"%.30s\"); a placeholder is "
                         "written {{ path }}",
                         text + t->start));
        return;
    case TAG_STRUCTURAL:
        issue(P, "malformed-tag", t->start,
              str_printf("{{ %s }} is a template tag; clause text may only use value "
                         "placeholders {{ path }}, references {{ clause ID }} and "
                         "{{ definitions }}",
                         t->path));
        return;
    case TAG_MALFORMED:
        if (!*t->path)
            issue(P, "malformed-tag", t->start,
                  str_printf("empty placeholder {{ }}; write the value's path, e.g. "
                             "{{ customer.name }}"));
        else
            issue(P, "malformed-tag", t->start,
                  str_printf("{{ %s }} is not a placeholder: a path is letters, digits, '_', "
                             "'-' and '.', e.g. {{ customer.name }}",
                             t->path));
        return;
    }
}

/* The term between ** and **: **Term** uses it, **"Term"** defines it. */
static void close_term(inline_state *S, strbuf *term, size_t offset, int had_tag)
{
    parser *P = S->P;
    char *t = strbuf_take(term);
    if (!t) {
        P->oom = 1;
        return;
    }
    size_t n = strlen(t);
    int def = 0;
    const char *a = t, *e = t + n;
    if (n >= 2 && t[0] == '"' && t[n - 1] == '"') {
        def = 1;
        a++;
        e--;
    } else if (n >= 6 && strncmp(t, "\xE2\x80\x9C", 3) == 0 &&
               strcmp(t + n - 3, "\xE2\x80\x9D") == 0) {
        def = 1;
        a += 3;
        e -= 3;
    }
    if (had_tag || a == e || is_blank(*a) || is_blank(e[-1])) {
        issue(P, "malformed-term", offset,
              str_printf("**%s** is not a defined term: between ** and ** goes the term itself, "
                         "plain text without placeholders or spaces at its ends (**Term** uses "
                         "it, **\"Term\"** defines it)",
                         t));
        free(t);
        return;
    }
    char *name = strndup(a, (size_t)(e - a));
    free(t);
    flush_text(S);
    add_span(S, def ? CT_TERM_DEF : CT_TERM, name, NULL, offset);
}

/* Reads one block's joined text into spans. tags are the text's tags
 * (offsets in the clause text), *next the first not yet passed. */
static void parse_inline(parser *P, ct_block *b, const joined *j, const char *text, const tag *tags,
                         size_t ntags, size_t *next)
{
    inline_state S = {.P = P, .b = b};
    const char *s = strbuf_str(&j->s);
    const size_t *map = j->map;
    int bold = 0, bold_tag = 0;
    size_t bold_at = 0;
    strbuf term = {0};
    for (size_t i = 0; s[i] && !P->oom; i++) {
        size_t off = map[i];
        /* Tags: whole, whatever they hold. */
        while (*next < ntags && tags[*next].end <= off)
            (*next)++;
        if (*next < ntags && tags[*next].start <= off) {
            const tag *t = &tags[*next];
            if (t->start == off) {
                if (bold) {
                    bold_tag = 1;
                    if (t->kind != TAG_UNCLOSED)
                        continue;
                }
                inline_tag(&S, t, text);
            }
            continue; /* inside a tag */
        }
        char c = s[i];
        if (c == '\\' && is_escapable(s[i + 1])) {
            if (bold)
                strbuf_addc(&term, s[i + 1]);
            else
                add_text(&S, s + i + 1, 1, map[i + 1]);
            i++;
            continue;
        }
        if (c == '*' && s[i + 1] == '*') {
            if (bold) {
                close_term(&S, &term, bold_at, bold_tag);
                bold = 0;
                i++;
                continue;
            }
            if (find_stars(s, i + 2) >= 0) {
                bold = 1;
                bold_tag = 0;
                bold_at = off;
                i++;
                continue;
            }
            issue(P, "unbalanced-bold", off,
                  str_printf("'**' has no closing '**' in its paragraph, so it would print as "
                             "two asterisks; close it or write \\*\\*"));
            add_text(&S, "**", 2, off);
            i++;
            continue;
        }
        if (c == '_' && !bold) {
            if (S.italic && can_close_underscore(s, i)) {
                flush_text(&S);
                S.italic = 0;
                continue;
            }
            if (!S.italic && (i == 0 || !is_word((unsigned char)s[i - 1])) && s[i + 1] &&
                !is_blank(s[i + 1])) {
                if (has_closing_underscore(s, i)) {
                    flush_text(&S);
                    S.italic = 1;
                    continue;
                }
                issue(P, "unbalanced-italic", off,
                      str_printf("'_' opens italics but nothing closes it in its paragraph, so "
                                 "it would print as an underscore; close it at the end of a word "
                                 "or write \\_"));
            }
        }
        if (bold)
            strbuf_addc(&term, c);
        else
            add_text(&S, &c, 1, off);
    }
    strbuf_free(&term);
    flush_text(&S);
    strbuf_free(&S.cur);
    /* {{ definitions }} is a paragraph of its own. */
    for (size_t k = 0; k < b->nspans; k++)
        if (b->spans[k].kind == CT_VALUE && strcmp(b->spans[k].text, "definitions") == 0) {
            if (b->nspans == 1 && b->level == CT_BODY)
                b->definitions = 1;
            else
                issue(P, "misplaced-definitions", b->spans[k].offset,
                      str_printf("{{ definitions }} must be a paragraph of its own: the defined "
                                 "terms of the draft are listed there"));
        }
}

/* ------------------------------------------------------------ blocks */

static ct_block *new_block(parser *P, int level, size_t offset)
{
    ct_block *g = array_grow(P->t->blocks, &P->cap_blocks, P->t->nblocks + 1, sizeof *g);
    if (!g) {
        P->oom = 1;
        return NULL;
    }
    P->t->blocks = g;
    ct_block *b = &g[P->t->nblocks++];
    memset(b, 0, sizeof *b);
    b->level = level;
    b->offset = offset;
    return b;
}

ct_tree *ct_parse(const char *text)
{
    parser P = {0};
    P.t = calloc(1, sizeof *P.t);
    if (!P.t)
        return NULL;
    if (!text)
        text = "";
    tag *tags = NULL;
    size_t ntags = tags_scan(text, &tags);
    if (ntags == (size_t)-1) {
        ct_free(P.t);
        return NULL;
    }
    joined j = {0};
    int open = 0, level = CT_BODY;
    size_t block_at = 0, next_tag = 0;
    char last_letter = 0;
    list_order order = {.next_letter = 'a'};
    const char *p = text;
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
        size_t at = (size_t)(line - text);
        /* A list label inside a tag that spans lines is the tag's text. */
        int in_tag = 0;
        for (size_t k = next_tag; k < ntags && !in_tag; k++)
            in_tag = tags[k].start < at && at < tags[k].end;
        size_t skip = 0;
        int value = 0;
        int lv = ll && !in_tag ? list_label(line, ll, &last_letter, &value, &skip) : -1;
        /* A blank line or a list label closes the open block. */
        if (open && (ll == 0 || lv >= 0)) {
            ct_block *b = new_block(&P, level, block_at);
            if (b && !j.s.failed)
                parse_inline(&P, b, &j, text, tags, ntags, &next_tag);
            j.s.len = 0;
            open = 0;
        }
        if (lv >= 0)
            check_label(&P, &order, lv, value, at);
        if (ll > 0) {
            if (!open) {
                open = 1;
                level = lv >= 0 ? lv : CT_BODY;
                block_at = at;
                size_t s = lv >= 0 ? skip : 0;
                join_add(&j, line + s, ll - s, at + s, 0);
            } else {
                join_add(&j, " ", 1, at, 1);
                join_add(&j, line, ll, at, 0);
            }
        }
        if (j.s.failed)
            P.oom = 1;
        if (!nl || P.oom)
            break;
        p = nl + 1;
    }
    if (open && !P.oom) {
        ct_block *b = new_block(&P, level, block_at);
        if (b)
            parse_inline(&P, b, &j, text, tags, ntags, &next_tag);
    }
    strbuf_free(&j.s);
    free(j.map);
    tags_free(tags, ntags);
    if (P.oom) {
        ct_free(P.t);
        return NULL;
    }
    return P.t;
}

void ct_locate(ct_tree *t, int (*locate)(void *ctx, size_t offset, int *line, int *col), void *ctx)
{
    for (size_t b = 0; b < t->nblocks; b++) {
        ct_block *bl = &t->blocks[b];
        if (!locate(ctx, bl->offset, &bl->line, &bl->column))
            bl->line = bl->column = 0;
        for (size_t s = 0; s < bl->nspans; s++) {
            ct_span *sp = &bl->spans[s];
            if (!locate(ctx, sp->offset, &sp->line, &sp->column))
                sp->line = sp->column = 0;
        }
    }
    for (size_t i = 0; i < t->nissues; i++)
        if (!locate(ctx, t->issues[i].offset, &t->issues[i].line, &t->issues[i].column))
            t->issues[i].line = t->issues[i].column = 0;
}

int ct_term_matches(const char *use, const char *term)
{
    size_t n = strlen(term);
    if (strncmp(use, term, n) != 0)
        return 0;
    return use[n] == '\0' || (use[n] == 's' && use[n + 1] == '\0') ||
           (use[n] == 'e' && use[n + 1] == 's' && use[n + 2] == '\0');
}
