/* Value placeholders {{ path }} in WordprocessingML parts: found even when
 * Word split them over several runs, and filled with plain text values. */
#ifndef CLASM_PLACEHOLDER_H
#define CLASM_PLACEHOLDER_H

#include "clasm.h"
#include "package.h"
#include "tags.h"

#include <libxml/tree.h>

/* Where values come from: value(ctx, "customer.name") returns the text
 * (owned by the callee, valid until the fill returns) or NULL when there is
 * no value. */
typedef struct {
    void *ctx;
    const char *(*value)(void *ctx, const char *path);
} docx_values;

/* When paragraph p's visible text is one tag and nothing else but spaces
 * ("{{ clauses }}", "{{#if reseller}}", "{{/if}}"), its trimmed inner text
 * ("clauses", "#if reseller", "/if") as a malloc'd string; else NULL. For
 * finding insertion points and condition markers. */
char *docx_paragraph_sole_tag(xmlNodePtr p);

/* Fills every value placeholder of doc (one part) from values. Errors, all
 * of the part, each naming file, part and paragraph and quoting the tag:
 * unknown-value, unclosed-tag, malformed-tag, misplaced-structural-tag.
 * Placeholders with a value are filled even when others have errors.
 * Returns the number of errors added. */
int docx_fill_part(xmlDocPtr doc, const char *file, const char *part, const docx_values *values,
                   clasm_diags *diags);
/* The same, also telling how many placeholders were replaced (filled may be
 * NULL). */
int docx_fill_part_n(xmlDocPtr doc, const char *file, const char *part, const docx_values *values,
                     clasm_diags *diags, size_t *filled);

/* The same over the paragraphs paras[0..np) (of one part; a paragraph in
 * the list must not hold another), each reported as paragraph numbers[i]
 * (numbers may be NULL: i + 1). */
int docx_fill_paragraphs(xmlNodePtr *paras, const int *numbers, size_t np, const char *file,
                         const char *part, const docx_values *values, clasm_diags *diags,
                         size_t *filled);

/* The distinct value paths of doc in order of first appearance (structural
 * and malformed tags are not listed). Returns the count and a malloc'd array
 * of malloc'd strings (free with docx_strings_free); (size_t)-1 when out of
 * memory. */
size_t docx_list_placeholders(xmlDocPtr doc, char ***out);
void docx_strings_free(char **strings, size_t count);

/* The parts a draft fills: the main part, then every header, footer,
 * footnotes and endnotes part related to it, in relationship order, without
 * repeats. Returns the count stored in out (at most max). */
size_t docx_fill_parts(const pkg *p, const char **out, size_t max);

/* Fills the placeholders of every part docx_fill_parts names, storing a
 * part back into e only when something in it changed. CLASM_E_INPUT when
 * any placeholder problem was found (all listed), CLASM_E_IO when a part
 * could not be stored. */
clasm_status docx_fill_package(pkg_edit *e, const char *file, const docx_values *values,
                               clasm_diags *diags);

#endif
