/* A short word-level difference between two texts, for `clasm inspect`:
 * "... shall [-promptly-] {+within 30 days+} notify ...". */
#ifndef CLASM_WORD_DIFF_H
#define CLASM_WORD_DIFF_H

#include <stddef.h>

/* The words that changed from before to after, each change with up to
 * context words of unchanged text on each side; runs of unchanged text
 * between changes are elided as "...". Words are split on white space, so
 * a change of spacing alone is no change. Returns a malloc'd string ("" when
 * the words are the same), or NULL when out of memory. Texts with more than
 * WORD_DIFF_MAX_WORDS words are compared by their common prefix and suffix
 * only (the middle is shown as one replacement). */
#define WORD_DIFF_MAX_WORDS 1500u
char *word_diff(const char *before, const char *after, size_t context);

#endif
