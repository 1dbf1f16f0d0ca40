/* The expression language of clause `when` conditions and template
 * {{#if EXPR}} conditionals (grammar in clauses/README.md): a hand-written
 * parser to an AST, a name check against the known facts, risks and tiers,
 * and evaluation over plain data. */
#ifndef CLASM_EXPR_H
#define CLASM_EXPR_H

#include <stddef.h>

typedef struct expr expr;

/* Longest expression accepted, in bytes. */
#define EXPR_MAX_LEN 4096u

/* Parses src. Returns 0 and sets *out (free with expr_free), or -1: *err is
 * then a malloc'd message that ends "at column N" and *col is N (1-based). */
int expr_parse(const char *src, expr **out, char **err, int *col);
void expr_free(expr *e);

/* Calls fn with the name of every fact e tests ("terms.fees", "reseller"),
 * in order, repeats included; risk globs are not facts. Stops at the first
 * call that returns non-zero and returns -1; else 0. */
int expr_each_fact(const expr *e, int (*fn)(void *ctx, const char *name), void *ctx);

/* What a fact is, for the name check and for evaluation. */
typedef enum {
    EXPR_T_TEXT,     /* free text: ==, !=, in; bare = present and non-empty */
    EXPR_T_ENUM,     /* one of values: the right-hand side must be one of them */
    EXPR_T_LIST,     /* a list: contains; bare = non-empty */
    EXPR_T_NUMBER,   /* a number: every comparison */
    EXPR_T_TIER,     /* a tier name: compares by tier order */
    EXPR_T_PRESENCE, /* bare only: true when present (e.g. reseller) */
} expr_type;

typedef struct {
    const char *name;
    expr_type type;
    const char *const *values; /* EXPR_T_ENUM: NULL-terminated spellings; EXPR_T_LIST: the
                                  items it may hold (NULL: any) */
} expr_fact_def;

/* The names an expression may use. A NULL list leaves that kind unchecked. */
typedef struct {
    const expr_fact_def *facts; /* known facts */
    size_t nfacts;
    const char *const *risks; /* catalogue risk ids (globs must match one) */
    size_t nrisks;
    const char *const *tiers; /* tier ids, ascending */
    size_t ntiers;
    const char *const *terms; /* declared terms keys (terms.KEY) */
    size_t nterms;
    int any_terms; /* 1: accept any terms.KEY (templates use their own keys) */
    /* Categories for clauses.CATEGORY ("the plan puts a clause in it"), which
     * only template conditionals may test; NULL refuses such names (a clause's
     * `when` cannot depend on the plan it is part of). */
    const char *const *categories;
    size_t ncategories;
    int any_categories; /* 1: accept any clauses.CATEGORY (a template checked without a library) */
} expr_names;

/* Checks every name, tier and enum value e uses. Returns 0, or -1 with
 * *err (malloc'd, ends "at column N") and *col set for the first problem. */
int expr_check(const expr *e, const expr_names *names, char **err, int *col);

/* The facts of one deal and document, as evaluation sees them. */
typedef struct {
    const char *name;
    const char *value; /* list facts: NULL (the list is in expr_env) */
} expr_fact;

/* A list fact other than the capabilities, with its items (the country
 * profiles' lists). */
typedef struct {
    const char *name;
    const char *const *items;
    size_t nitems;
} expr_list;

typedef struct {
    const expr_fact *facts; /* present facts only; an absent fact is false */
    size_t nfacts;
    const char *const *capabilities; /* the list behind capabilities */
    size_t ncapabilities;
    const char *const *risks; /* the deal's risk ids */
    size_t nrisks;
    const char *const *tiers; /* tier ids, ascending */
    size_t ntiers;
    int tier_rank; /* the deal's tier: index into tiers, or -1 */
    long score;
    /* The other lists: a list fact named here is read here; any other, as
     * the capabilities. */
    const expr_list *lists;
    size_t nlists;
} expr_env;

/* 1 true, 0 false. Run expr_check first: unknown names evaluate false. */
int expr_eval(const expr *e, const expr_env *env);

/* Shell-style match of a risk glob: '*' any run of characters, '?' one. */
int expr_glob_match(const char *glob, const char *s);
/* 1 when s holds a glob character. */
int expr_is_glob(const char *s);

#endif
