/* Levenshtein distance, for the "did you mean" of every diagnostic. */
#ifndef CLASM_EDIT_DISTANCE_H
#define CLASM_EDIT_DISTANCE_H

#include <stddef.h>

/* Insertions, deletions and substitutions turning a into b (bytes);
 * SIZE_MAX when out of memory. */
size_t edit_distance(const char *a, const char *b);

#endif
