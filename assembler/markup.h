/* Clause markup (clauses/README.md "Clause markup") to WordprocessingML:
 * paragraphs separated by blank lines, **bold** (defined terms), _italic_,
 * lines starting (a), (b), ... as list items and (i), (ii), ... one level
 * deeper. A backslash before one of  \ * _ ( { }  makes it literal, which is
 * how values substituted into clause text stay text (markup_escape). */
#ifndef CLASM_MARKUP_H
#define CLASM_MARKUP_H

#include <stddef.h>

#include <libxml/tree.h>

/* One block of a clause: a body paragraph (level -1) or a list item at
 * level 0 ((a), (b), ...) or 1 ((i), (ii), ...). text is the inline markup
 * with the typed label removed and continuation lines joined by a space. */
typedef struct {
    int level;
    char *text;
} markup_block;

/* Splits clause markup into blocks. Returns 0, or -1 when out of memory.
 * Free with markup_blocks_free. */
int markup_parse(const char *text, markup_block **out, size_t *count);
void markup_blocks_free(markup_block *blocks, size_t count);

/* One run of inline text: plain text with its formatting. */
typedef struct {
    char *text;
    int bold;
    int italic;
} markup_span;

/* Splits inline markup into runs: **x** bold, _x_ italic (an underscore
 * opens only at the start of a word and closes only at its end), escapes
 * resolved. A ** or _ without its partner is literal text. Returns 0, or -1
 * when out of memory. Free with markup_spans_free. */
int markup_inline(const char *text, markup_span **out, size_t *count);
void markup_spans_free(markup_span *spans, size_t count);

/* The visible text of inline markup (markers and escapes removed),
 * malloc'd; NULL when out of memory. */
char *markup_plain(const char *text);

/* Escapes value so that markup reads it as literal text: a backslash before
 * each of \ * _ ( ) { } and line breaks (CR, LF, tabs) as spaces. malloc'd;
 * NULL when out of memory. */
char *markup_escape(const char *value);

/* How blocks become paragraphs. */
typedef struct {
    const char *body_style; /* pStyle of body paragraphs, or NULL for none */
    const char *list_style; /* pStyle of list items, or NULL for none */
    int num_id;             /* w:numId of list items (0: no numbering) */
} markup_style;

/* A new w:p (namespace w of doc) for block b: pPr with pStyle and, for a
 * list item, numPr (ilvl = level, numId = style->num_id); then one w:r per
 * span with w:b / w:i and a w:t with xml:space="preserve". Text is stored
 * as text nodes, so libxml2 escapes it. NULL when out of memory. */
xmlNodePtr markup_paragraph(xmlDocPtr doc, xmlNsPtr w, const markup_block *b,
                            const markup_style *style);

/* ---- the scanning rules, shared with lint so the two cannot drift ---- */
/* 1 for a character that a backslash escapes: \ * _ ( ) { } */
int markup_is_escapable(char c);
/* The value of a lowercase roman numeral from i to xxxix in s[0, n), or 0. */
int markup_roman_value(const char *s, size_t n);
/* When a trimmed line starts with a list label "(x) ", its level (0 letters,
 * 1 roman numerals) and in *skip the length of the label and the blanks
 * after it; else -1. *last_letter is the letter of the last level-0 label, so
 * that (i) after (h) stays a letter; *value (may be NULL) gets the letter or
 * the roman number. */
int markup_list_label(const char *line, size_t n, char *last_letter, int *value, size_t *skip);
/* Index of the next unescaped "**" at or after i, or -1. */
long markup_find_stars(const char *s, size_t i);
/* 1 when the underscore at i may close italic: text before it is not blank
 * and no word character follows. */
int markup_can_close_underscore(const char *s, size_t i);
/* 1 when an unescaped underscore after i can close italic. */
int markup_has_closing_underscore(const char *s, size_t i);

#endif
