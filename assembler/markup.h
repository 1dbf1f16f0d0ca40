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

#endif
