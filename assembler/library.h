/* The clause library as loaded from clauses/: categories, declared terms, the
 * risk catalogue (areas, tiers, risks) and the clauses. Formats:
 * clauses/README.md. All strings point into the YAML documents the library
 * owns; arrays of pointers are owned by the library. */
#ifndef CLASM_LIBRARY_H
#define CLASM_LIBRARY_H

#include "clasm.h"
#include "clause_tree.h"
#include "expr.h"
#include "yaml_tree.h"

#include <stddef.h>

/* A set of documents: bit (1u << clasm_document). */
typedef unsigned lib_docmask;
/* Documented limits (fuzz/README.md "Limits"): a real library has a few
 * hundred clauses and a few dozen risks. */
#define LIB_MAX_CLAUSES 5000u
#define LIB_MAX_RISKS 2000u

#define LIB_DOC_ALL ((1u << CLASM_DOC_COUNT) - 1u)

typedef struct {
    const char *id, *title;
} lib_category;

typedef struct {
    const char *key, *description, *example;
} lib_term;

typedef struct {
    const char *id, *title, *description;
} lib_area;

typedef struct {
    const char *id;
    long min_score;
    int escalate;
    const char *description;
} lib_tier;

typedef struct {
    const char *id, *area, *title, *description, *guidance;
    int weight; /* 1-5 */
    lib_docmask documents;
    const char *file;
    int line, column;
} lib_risk;

/* A term a clause defines for the draft's list of definitions
 * ({{ definitions }}): defines: {Term: "means ..."} in the clause file. */
typedef struct {
    const char *term;
    const char *text; /* the definition's markup, after the quoted term */
    ct_tree *tree;    /* text, parsed */
    int line, column; /* of the term in the clause file */
} lib_definition;

typedef struct lib_clause {
    const char *file; /* the clause's YAML file */
    int line, column; /* of its id */
    const char *id;
    int version;
    const char *title;
    const char *category;
    size_t category_index; /* position in the library's category order */
    lib_docmask documents;
    const char **addresses; /* risk ids or globs */
    size_t naddresses;
    const char *when_src; /* NULL when absent */
    expr *when;           /* parsed when_src */
    int when_line, when_column;
    int min_tier; /* tier rank, or -1 */
    const char **requires;
    size_t nrequires;
    const char **excludes;
    size_t nexcludes;
    const char **replaces;
    size_t nreplaces;
    int flows_down;
    long order;
    const char **guidance;
    size_t nguidance;
    const char *text;
    ct_tree *tree; /* text, parsed when the library loads (never NULL once loaded) */
    lib_definition *defines;
    size_t ndefines;
    /* The YAML nodes of the lists, for diagnostics (may be NULL). */
    const yt_node *requires_node, *excludes_node, *replaces_node, *addresses_node;
    /* SHA-256 (lowercase hex) over title, one NUL byte, then text; when the
     * clause defines terms, then for each (in file order) a NUL byte, the
     * term, a NUL byte and its definition. */
    char text_hash[65];
} lib_clause;

struct clasm_library {
    char *dir;
    yt_doc **docs; /* every YAML document read; owns the strings */
    size_t ndocs;
    lib_category *categories; /* document order */
    size_t ncategories;
    lib_term *terms;
    size_t nterms;
    /* Terms the templates define themselves (the parties): library.yaml's
     * template_terms. Borrowed strings. */
    const char **template_terms;
    size_t ntemplate_terms;
    lib_area *areas;
    size_t nareas;
    lib_tier *tiers; /* ascending */
    size_t ntiers;
    lib_risk *risks; /* catalogue order */
    size_t nrisks;
    lib_clause *clauses; /* sorted by id */
    size_t nclauses;
    /* SHA-256 (hex) over each clause's id, version and text hash, in id
     * order: "id\0version\0hash\n" for every clause. */
    char fingerprint[65];
    /* Name lists for expr_check (borrowed strings). */
    const char **risk_ids;
    const char **tier_ids;
    const char **term_keys;
};

/* Like clasm_library_load, but on CLASM_E_INPUT *out still holds what did
 * load (every clause, risk and term without an error of its own), for
 * `clasm lint` to check further; *out is NULL only when nothing could be read
 * (missing files, I/O, out of memory). Free with clasm_library_free. */
clasm_status library_load_all(const char *dir, clasm_library **out, clasm_diags *diags);

/* Lookups; NULL / -1 when absent. */
const lib_clause *library_clause(const clasm_library *lib, const char *id);
const lib_risk *library_risk(const clasm_library *lib, const char *id);
int library_tier_rank(const clasm_library *lib, const char *id);

/* The names expressions may use with this library (facts of facts.c). */
void library_expr_names(const clasm_library *lib, expr_names *out, int any_terms);

/* ---- facts.c ---- */
/* The facts every expression may name (document, customer.kind, ...,
 * tier, score); terms.KEY are checked separately. */
extern const expr_fact_def facts_defs[];
extern const size_t facts_ndefs;

/* The evaluation environment of a deal for one document at a tier and score.
 * Owns its arrays; strings are borrowed from the deal and library. */
typedef struct {
    expr_env env;
    expr_fact *facts;
    const char **risks;
    char **term_names; /* "terms.KEY" for each deal term */
    size_t nterm_names;
} facts_env;

int facts_env_init(facts_env *fe, const clasm_library *lib, const clasm_deal *deal,
                   clasm_document doc, int tier_rank, long score);
void facts_env_free(facts_env *fe);

#endif
