/* ISO 3166-1 countries and ISO 4217 currencies, read from Debian's
 * iso-codes package (/usr/share/iso-codes/json/iso_3166-1.json and
 * iso_4217.json) with jansson: the real lists, not a table typed into
 * clasm. The data is read once with the clause library and owned by it. */
#ifndef CLASM_ISOCODES_H
#define CLASM_ISOCODES_H

#include "clasm.h"

#include <stddef.h>

typedef struct {
    char alpha2[3];
    char alpha3[4];
    char *name;     /* iso-codes' name: "Korea, Republic of" */
    char *common;   /* common_name, or NULL: "South Korea" */
    char *official; /* official_name, or NULL */
    char *display;  /* what a draft prints; see iso_display_name */
} iso_country;

typedef struct {
    char code[4];
    char *name; /* "US Dollar" */
} iso_currency;

typedef struct {
    char *dir; /* the folder the files were read from */
    iso_country *countries;
    size_t ncountries;
    iso_currency *currencies;
    size_t ncurrencies;
} iso_codes;

/* The folder that holds iso-codes' JSON files: $CLASM_ISO_CODES when set
 * (then only it), else the folder found when clasm was built (pkg-config
 * iso-codes), else /usr/share/iso-codes/json, else
 * /usr/local/share/iso-codes/json: the first that holds iso_3166-1.json.
 * Returns a malloc'd path, or NULL when none does; *tried (malloc'd, may be
 * NULL when out of memory) then lists the places looked at. */
char *iso_codes_find(char **tried);

/* Finds and reads both files. A missing or unreadable file is
 * iso-codes-missing, a file that is not iso-codes' JSON iso-codes-invalid:
 * both CLASM_E_IO (an installation problem, not a wrong input). */
clasm_status iso_codes_load(iso_codes **out, clasm_diags *diags);
/* The same from the folder dir. */
clasm_status iso_codes_load_dir(const char *dir, iso_codes **out, clasm_diags *diags);
void iso_codes_free(iso_codes *iso);

/* The country of an alpha-2 code (exact, upper case), or NULL. */
const iso_country *iso_country_find(const iso_codes *iso, const char *alpha2);
/* The name a draft prints for a country: iso-codes' common name when it
 * gives one ("Bolivia"); else, for a short name written backwards ("Micronesia,
 * Federated States of"), the official name without a leading "the", or the
 * two halves turned round when there is none ("The Democratic Republic of
 * the Congo"); else the name. Malloc'd; NULL when out of memory. */
char *iso_display_name(const char *name, const char *common, const char *official);

/* Countries a mistyped value may have meant, best first, at most max (each
 * an alpha-2 code owned by iso): the value in other letter case ("de"); an
 * alpha-3 code ("DEU"); a country's name, common or official name in any
 * case ("germany"); the initials of the capitalized words of one of its
 * names, "The" left out ("UK" for United Kingdom, "UAE" for United Arab
 * Emirates, "DRC"). Returns how many. */
size_t iso_country_suggest(const iso_codes *iso, const char *value, const char **out, size_t max);

/* 1 when code is an ISO 4217 currency code (exact, upper case). */
int iso_currency_known(const iso_codes *iso, const char *code);
/* A currency a mistyped value may have meant: the code in other letter case
 * ("usd") or a currency's name in any case ("euro"). NULL when none. */
const char *iso_currency_suggest(const iso_codes *iso, const char *value);

/* 1 for the user-assigned codes ISO 3166-1 keeps out of its list for
 * private use: AA, QM-QZ, XA-XZ and ZZ. */
int iso_user_assigned(const char *code);

#endif
