/* The defined terms of a draft: which of the library's definitions
 * (clauses' `defines`) a set of clauses uses, directly or through other
 * definitions, for the draft's list of definitions ({{ definitions }}) and
 * for the values that list needs. */
#ifndef CLASM_GLOSSARY_H
#define CLASM_GLOSSARY_H

#include "library.h"

#include <stddef.h>

typedef struct {
    const lib_definition *def;
    const lib_clause *owner; /* the clause whose defines hold it */
} glossary_use;

/* Called for a use of a term that nothing defines for these clauses: no
 * definition of the library, no inline definition in one of the clauses
 * and no template term. file and who (e.g. "the clause x.y") say where; it
 * is called once per text and term. */
typedef void (*glossary_undefined)(void *ctx, const char *file, const char *who,
                                   const ct_span *use);

/* Which definitions each use of a term names, in every clause's text and
 * every definition's, worked out once for a library (library.c keeps it
 * in lib->glossary): a draft's list then costs a look-up per use. NULL
 * when out of memory. */
glossary_index *glossary_index_new(const clasm_library *lib);
void glossary_index_free(glossary_index *g);

/* The definitions the clauses (their trees) use, alphabetically by term.
 * Returns a malloc'd array (count in *count; never NULL unless out of
 * memory). undefined may be NULL. */
glossary_use *glossary_for(const clasm_library *lib, const lib_clause *const *clauses, size_t n,
                           size_t *count, glossary_undefined undefined, void *ctx);

#endif
