/* The {{ }} tag language of templates and clause texts: where each tag is in
 * a text and what kind it is. Knows nothing of DOCX or of clauses: the
 * template filler (placeholder.c) and the clause parser (clause_tree.c) both
 * read text through it, so a tag is one thing everywhere. */
#ifndef CLASM_TAGS_H
#define CLASM_TAGS_H

#include <stddef.h>

typedef enum {
    TAG_VALUE = 0,      /* {{ path }} */
    TAG_STRUCTURAL = 1, /* {{#...}}, {{/...}}, {{ clauses }}, {{ clauses: a, b }} */
    TAG_MALFORMED = 2,  /* {{ }}, {{ a b }}, {{ 1x }} */
    TAG_UNCLOSED = 3,   /* {{ with no }} before the text ends or another {{ opens */
    TAG_REFERENCE = 4   /* {{ clause ID }}, {{ clause ID or "text" }}: clause text only */
} tag_kind;

typedef struct {
    tag_kind kind;
    size_t start; /* byte offsets in the text: [start, end) */
    size_t end;
    char *path; /* VALUE: the path; others: the trimmed inner text */
} tag;

/* Finds the tags of a text. Single braces are not tags. Returns the count
 * and a malloc'd array (free with tags_free), or (size_t)-1 when out of
 * memory. */
size_t tags_scan(const char *text, tag **out);
void tags_free(tag *tags, size_t count);

/* 1 when path is a valid value path: [A-Za-z_][A-Za-z0-9_.-]*. */
int tag_valid_path(const char *path);

#endif
