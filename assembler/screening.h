/* What a draft's manifest records of a deal's screening (screening.c):
 * the lists and every hit with its decision. */
#ifndef CLASM_SCREENING_H
#define CLASM_SCREENING_H

#include "clasm.h"

typedef struct {
    const char *party, *name, *list, *entry, *id;
    double score;
    const char *decision;           /* "undecided", "cleared", "confirmed" */
    const char *reason, *by, *date; /* NULL when undecided */
} screening_hit_record;

size_t screening_list_count(const clasm_screening *s);
void screening_list_info(const clasm_screening *s, size_t i, const char **name, const char **sha256,
                         const char **date, size_t *entries);
/* Hit i into *out (strings borrowed from s); 0 when there is none. */
int screening_hit_info(const clasm_screening *s, size_t i, screening_hit_record *out);

#endif
