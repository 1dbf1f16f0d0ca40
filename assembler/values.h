/* Values as a draft writes them (issue 13): dates as counsel writes them,
 * countries by name, enumerations and capabilities in the library's words,
 * amounts with their currency, periods in words and digits, empty lists as
 * the library's word for none, and the library's default for a term the
 * deal leaves out. One entry point, values_display, gives the text of every
 * placeholder, for template placeholders and clause texts alike. Raw values
 * (values_raw) stay what expressions and JSON outputs see: codes, ISO dates.
 *
 * The settings come from library.yaml (`values:` and each term's `kind`,
 * `currency`, `default`, `used_by`); the ISO lists from iso-codes
 * (isocodes.c). Formats: clauses/README.md, "Values in drafts". */
#ifndef CLASM_VALUES_H
#define CLASM_VALUES_H

#include "clasm.h"
#include "library.h"
#include "yaml_tree.h"

#include <stddef.h>

/* ---- the entry point ---- */

typedef enum {
    VALUE_OK = 0,   /* *text holds the display text */
    VALUE_ABSENT,   /* the deal has no value and the library no default (unknown-value) */
    VALUE_NO_WORDS, /* the library gives no words for this value (no-words) */
    VALUE_INVALID,  /* the value cannot be written as its kind says (invalid-value) */
    VALUE_OUT_OF_MEMORY
} value_status;

/* The text a draft prints for the placeholder path ("customer.country",
 * "terms.fees", "date", "tier", ...) of deal, with lib's settings; plan gives
 * tier, score and document (may be NULL: those paths are then absent). On
 * VALUE_OK, *text is malloc'd (the caller frees it). Otherwise *text is NULL
 * and, when why is not NULL, one diagnostic says why there is none, with
 * its id (values_status_id), file, line and column: the deal's value for an
 * invalid value, library.yaml for missing words. lib may be NULL: then no
 * value has words, no default and no country name. */
value_status values_display(const clasm_library *lib, const clasm_deal *deal,
                            const clasm_plan *plan, const char *path, char **text,
                            clasm_diags *why);

/* "unknown-value", "no-words", "invalid-value", "out-of-memory"; NULL for
 * VALUE_OK. */
const char *values_status_id(value_status s);

/* The raw value of path, as expressions and JSON see it: the deal's own
 * value, else for terms.KEY the library's default (*from_default then 1;
 * from_default may be NULL). product.capabilities is the codes joined with
 * ", ", "" for an empty list. NULL when there is none. Borrowed from the
 * deal or the library. */
const char *values_raw(const clasm_library *lib, const clasm_deal *deal, const char *path,
                       int *from_default);

/* ---- checking a deal against the library (selection runs these) ---- */

/* customer.country and reseller.country are ISO 3166-1 alpha-2 codes, or
 * user-assigned codes XA-XZ that library.yaml names (unknown-country, with
 * suggestions: iso_country_suggest); every capability has words when the
 * library lists capabilities (unknown-capability, with "did you mean");
 * each term the library declares holds what its kind asks (invalid-term),
 * and an amount's currency term has a value (missing-value). Every problem
 * at its line and column. Returns the number of errors added. */
/* The name of a country code: an ISO 3166-1 alpha-2 code, or a
 * user-assigned one the library names under values: countries. NULL when
 * it is none: *why (malloc'd, may stay NULL) then says why. */
const char *values_country_name(const clasm_library *lib, const char *code, char **why);

size_t values_check_deal(const clasm_library *lib, const clasm_deal *deal, clasm_diags *diags);

/* Every key under the deal's terms is declared by lib or is one of extra
 * (a template's own terms.KEY keys): otherwise unknown-term at the key,
 * with "did you mean" over both lists; where names the templates for the
 * message ("the template templates/contract.docx"; NULL: the library only).
 * Returns the number of errors added. */
size_t values_check_term_keys(const clasm_library *lib, const clasm_deal *deal,
                              const char *const *extra, size_t nextra, const char *where,
                              clasm_diags *diags);

/* ---- library.yaml (library.c and lint.c call these) ---- */

/* Reads `values:` (node may be NULL: the defaults) into out. Errors at
 * file:line:col. Returns the number of errors, or -1 when out of memory. */
int values_parse_settings(const yt_node *node, const char *file, lib_values *out,
                          clasm_diags *diags);
void values_settings_free(lib_values *v);
/* Reads a term declaration's kind, currency, default and used_by into term
 * (its key, description and example are the caller's). Returns the number
 * of errors. */
int values_parse_term(const yt_node *decl, const char *file, const char *path, lib_term *term,
                      clasm_diags *diags);
/* Checks what needs the whole of library.yaml and the ISO lists: an
 * amount's currency names a currency term; each default holds what its
 * kind asks; the names of user-assigned countries; words for a value no
 * deal can have (a misspelt enum value). Returns the number of errors. */
int values_check_library(const clasm_library *lib, clasm_diags *diags);
/* What `clasm lint` adds: every spelling of every enumeration the deal
 * loader allows, and every capability a clause's `when` names, has words
 * (missing-words, at the list in library.yaml or naming the key to add). */
void values_lint(const clasm_library *lib, clasm_diags *diags);

/* The term's kind by its name in library.yaml ("days"); -1 when none. */
int values_kind_from_name(const char *name);
const char *values_kind_name(lib_term_kind kind);

/* ---- formatting, one function per kind (for the unit tests too) ---- */

/* iso (YYYY-MM-DD) in format (tokens YYYY, MMMM month name, MM, M, DD, D;
 * every other character as written): "27 November 2026". Malloc'd; NULL
 * when iso is not a date or out of memory. */
char *values_format_date(const char *iso, const char *format);
/* 0 when format has one year, one month and one day token and no other
 * letters; else -1 and *why (static) says what is wrong. */
int values_check_date_format(const char *format, const char **why);
/* n in English words: "thirty-six", "one hundred and twenty". n <= 999999. */
char *values_number_words(unsigned long n);
/* A whole number of units ("day", "month") as "thirty (30) days" or, with
 * digits, "30 days"; one is singular. NULL when value is not a whole number
 * from 0 to max or out of memory. */
char *values_format_period(const char *value, const char *unit, unsigned long max, int digits);
/* "1250000" or "1,250,000" (commas every three digits), optional decimals
 * (one to three) as "USD 1,250,000" / "EUR 48,000.50". NULL when amount is
 * not an amount (at most 15 digits before the point) or out of memory. */
char *values_format_amount(const char *amount, const char *currency);
/* "a", "a and b", "a, b and c"; none when n is 0. Malloc'd. */
char *values_join(const char *const *items, size_t n, const char *none);

#endif
