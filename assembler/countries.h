/* Country profiles (clauses/countries.yaml): per country code, facts about
 * its law and situation that counsel keep, each with its source and the
 * date it was last checked, so that risks are suggested from the
 * destination too. Expressions read them as customer.country.FACT and
 * reseller.country.FACT. The format is in clauses/README.md. */
#ifndef CLASM_COUNTRIES_H
#define CLASM_COUNTRIES_H

#include "clasm.h"
#include "yaml_tree.h"

/* Most facts, countries and list items a profile file may declare (limits
 * against a hostile library, fuzz/README.md "Limits"). */
#define COUNTRIES_MAX_FACTS 64u
#define COUNTRIES_MAX 400u
#define COUNTRIES_MAX_ITEMS 64u

typedef enum { COUNTRY_FLAG, COUNTRY_LIST } country_fact_kind;

/* A fact profiles may state: facts: {ID: {kind, description, values}}. */
typedef struct {
    const char *id, *description;
    country_fact_kind kind;
    const char **values; /* a list's allowed items, NULL-terminated; NULL: any */
    size_t nvalues;
} country_fact_def;

/* One stated fact of one country. Strings borrowed from the YAML tree. */
typedef struct {
    size_t def;         /* index into the declared facts */
    int flag;           /* COUNTRY_FLAG: true or false */
    const char **items; /* COUNTRY_LIST: its items */
    size_t nitems;
    const char *source, *as_of; /* as_of: YYYY-MM-DD */
    int line, column;           /* of its key */
} country_fact;

typedef struct {
    const char *code; /* ISO 3166-1 alpha-2, or a user-assigned code the library names */
    country_fact *facts;
    size_t nfacts;
    int line, column;
} country_profile;

typedef struct {
    const char *file; /* NULL: the library has no countries.yaml */
    long max_age_months;
    country_fact_def *defs;
    size_t ndefs;
    country_profile *profiles;
    size_t nprofiles;
} country_profiles;

/* Whether code names a country (the library's rule); *why (malloc'd, may
 * stay NULL) says why not. */
typedef int (*country_known_fn)(void *ctx, const char *code, char **why);

/* Reads the root mapping of countries.yaml (file names it in messages):
 * every problem reported (unknown keys, kinds, facts, codes, items, dates,
 * a missing source). Returns 0, or -1 when out of memory. */
int countries_read(country_profiles *out, const yt_node *root, const char *file,
                   country_known_fn known, void *ctx, clasm_diags *diags);
void countries_free(country_profiles *c);

const country_profile *countries_find(const country_profiles *c, const char *code);
/* The profile's date: the oldest as_of of its facts (every fact was
 * checked on or after it); NULL for no profile or one without facts. */
const char *countries_as_of(const country_profile *p);

/* The warnings of lint: each fact last checked more than max_age_months
 * before today (YYYY-MM-DD), and a date after today. */
void countries_lint(const country_profiles *c, const char *today, clasm_diags *diags);

#endif
