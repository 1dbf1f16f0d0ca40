/* ISO 3166-1 and ISO 4217 from Debian's iso-codes JSON files (isocodes.h). */
#include "isocodes.h"

#include "diag.h"
#include "strfmt.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#ifndef CLASM_ISO_CODES_DIR
#define CLASM_ISO_CODES_DIR "/usr/share/iso-codes/json"
#endif

#define COUNTRIES_FILE "iso_3166-1.json"
#define CURRENCIES_FILE "iso_4217.json"

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int holds_countries(const char *dir)
{
    char *p = str_printf("%s/%s", dir, COUNTRIES_FILE);
    int ok = p && is_file(p);
    free(p);
    return ok;
}

/* Appends ", dir" (or "dir") to *list; keeps NULL once memory ran out. */
static void add_tried(char **list, const char *dir, int first)
{
    if (!*list && !first)
        return;
    char *s = str_printf("%s%s%s", *list ? *list : "", *list ? ", " : "", dir);
    free(*list);
    *list = s;
}

char *iso_codes_find(char **tried)
{
    *tried = NULL;
    const char *env = getenv("CLASM_ISO_CODES");
    if (env && *env) {
        if (holds_countries(env))
            return strdup(env);
        *tried = str_printf("%s (from CLASM_ISO_CODES)", env);
        return NULL;
    }
    static const char *const dirs[] = {CLASM_ISO_CODES_DIR, "/usr/share/iso-codes/json",
                                       "/usr/local/share/iso-codes/json"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= strcmp(dirs[i], dirs[j]) == 0;
        if (seen)
            continue;
        if (holds_countries(dirs[i]))
            return strdup(dirs[i]);
        add_tried(tried, dirs[i], i == 0);
    }
    return NULL;
}

void iso_codes_free(iso_codes *iso)
{
    if (!iso)
        return;
    for (size_t i = 0; i < iso->ncountries; i++) {
        free(iso->countries[i].name);
        free(iso->countries[i].common);
        free(iso->countries[i].official);
        free(iso->countries[i].display);
    }
    free(iso->countries);
    for (size_t i = 0; i < iso->ncurrencies; i++)
        free(iso->currencies[i].name);
    free(iso->currencies);
    free(iso->dir);
    free(iso);
}

static int all_upper(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return 1;
}

/* "the State of Palestine" -> "State of Palestine" (the caller's sentence
 * gives its own article). */
static const char *without_the(const char *s)
{
    return strncmp(s, "the ", 4) == 0 ? s + 4 : s;
}

char *iso_display_name(const char *name, const char *common, const char *official)
{
    if (common && *common)
        return strdup(common);
    const char *comma = name ? strstr(name, ", ") : NULL;
    if (comma) {
        const char *tail = comma + 2;
        size_t tn = strlen(tail);
        int inverted = (tn >= 3 && strcmp(tail + tn - 3, " of") == 0) ||
                       (tn >= 7 && strcmp(tail + tn - 7, " of the") == 0) ||
                       (tn >= 2 && strcmp(tail, "of") == 0);
        if (official && *official && strstr(official, ", ") == NULL)
            return strdup(without_the(official));
        if (inverted)
            return str_printf("%s %.*s", tail, (int)(comma - name), name);
    }
    return strdup(name ? name : "");
}

/* Reads dir/file as JSON and returns the array under key; diagnostics on
 * failure (*oom set when memory ran out). */
static json_t *read_list(const char *dir, const char *file, const char *key, json_t **root,
                         clasm_diags *diags, int *oom)
{
    *root = NULL;
    char *path = str_printf("%s/%s", dir, file);
    if (!path) {
        *oom = 1;
        return NULL;
    }
    if (!is_file(path)) {
        diag_at(diags, CLASM_SEV_ERROR, "iso-codes-missing", path, 0, 0,
                "the iso-codes file %s is missing; install Debian's iso-codes package (make "
                "deps) or set CLASM_ISO_CODES to the folder that holds %s and %s",
                file, COUNTRIES_FILE, CURRENCIES_FILE);
        free(path);
        return NULL;
    }
    json_error_t err;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        if (strstr(err.text, "memory"))
            *oom = 1;
        else
            diag_at(diags, CLASM_SEV_ERROR, "iso-codes-invalid", path, err.line, err.column,
                    "the iso-codes file cannot be read as JSON: %s", err.text);
        free(path);
        return NULL;
    }
    json_t *list = json_object_get(j, key);
    if (!json_is_array(list)) {
        diag_at(diags, CLASM_SEV_ERROR, "iso-codes-invalid", path, 0, 0,
                "the iso-codes file has no list \"%s\"; is it iso-codes' own file?", key);
        json_decref(j);
        free(path);
        return NULL;
    }
    free(path);
    *root = j;
    return list;
}

static char *dup_opt(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? strdup(s) : NULL;
}

static int load_countries(iso_codes *iso, json_t *list, clasm_diags *diags, int *oom)
{
    size_t n = json_array_size(list);
    iso->countries = calloc(n + 1, sizeof *iso->countries);
    if (!iso->countries) {
        *oom = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(list, i);
        const char *a2 = json_string_value(json_object_get(e, "alpha_2"));
        const char *a3 = json_string_value(json_object_get(e, "alpha_3"));
        const char *name = json_string_value(json_object_get(e, "name"));
        if (!a2 || !all_upper(a2, 2) || !a3 || !all_upper(a3, 3) || !name || !*name) {
            diag_at(diags, CLASM_SEV_ERROR, "iso-codes-invalid", iso->dir, 0, 0,
                    "%s: entry %zu has no alpha_2, alpha_3 or name; is it iso-codes' own file?",
                    COUNTRIES_FILE, i + 1);
            return 0;
        }
        iso_country *c = &iso->countries[iso->ncountries++];
        memcpy(c->alpha2, a2, 3);
        memcpy(c->alpha3, a3, 4);
        c->name = strdup(name);
        c->common = dup_opt(e, "common_name");
        c->official = dup_opt(e, "official_name");
        c->display = iso_display_name(c->name, c->common, c->official);
        if (!c->name || !c->display || (json_object_get(e, "common_name") && !c->common) ||
            (json_object_get(e, "official_name") && !c->official)) {
            *oom = 1;
            return 0;
        }
    }
    return 1;
}

static int load_currencies(iso_codes *iso, json_t *list, clasm_diags *diags, int *oom)
{
    size_t n = json_array_size(list);
    iso->currencies = calloc(n + 1, sizeof *iso->currencies);
    if (!iso->currencies) {
        *oom = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(list, i);
        const char *code = json_string_value(json_object_get(e, "alpha_3"));
        const char *name = json_string_value(json_object_get(e, "name"));
        if (!code || !all_upper(code, 3) || !name) {
            diag_at(diags, CLASM_SEV_ERROR, "iso-codes-invalid", iso->dir, 0, 0,
                    "%s: entry %zu has no alpha_3 or name; is it iso-codes' own file?",
                    CURRENCIES_FILE, i + 1);
            return 0;
        }
        iso_currency *c = &iso->currencies[iso->ncurrencies++];
        memcpy(c->code, code, 4);
        c->name = strdup(name);
        if (!c->name) {
            *oom = 1;
            return 0;
        }
    }
    return 1;
}

clasm_status iso_codes_load_dir(const char *dir, iso_codes **out, clasm_diags *diags)
{
    *out = NULL;
    iso_codes *iso = calloc(1, sizeof *iso);
    int oom = !iso || !(iso->dir = strdup(dir));
    int ok = !oom;
    json_t *croot = NULL, *mroot = NULL;
    json_t *countries = ok ? read_list(dir, COUNTRIES_FILE, "3166-1", &croot, diags, &oom) : NULL;
    json_t *currencies = ok ? read_list(dir, CURRENCIES_FILE, "4217", &mroot, diags, &oom) : NULL;
    ok = countries && currencies;
    if (ok)
        ok = load_countries(iso, countries, diags, &oom) &&
             load_currencies(iso, currencies, diags, &oom);
    json_decref(croot);
    json_decref(mroot);
    if (oom)
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", dir, 0, 0,
                "out of memory while reading the iso-codes files");
    if (!ok || oom) {
        iso_codes_free(iso);
        return CLASM_E_IO;
    }
    *out = iso;
    return CLASM_OK;
}

clasm_status iso_codes_load(iso_codes **out, clasm_diags *diags)
{
    *out = NULL;
    char *tried = NULL;
    char *dir = iso_codes_find(&tried);
    if (!dir) {
        const char *env = getenv("CLASM_ISO_CODES");
        diag_at(diags, CLASM_SEV_ERROR, "iso-codes-missing", NULL, 0, 0,
                "cannot find the ISO country and currency lists (%s from Debian's iso-codes "
                "package) in %s; %s",
                COUNTRIES_FILE, tried ? tried : "the usual folders",
                env && *env ? "CLASM_ISO_CODES must name the folder that holds it"
                            : "install iso-codes (make deps) or set CLASM_ISO_CODES to the "
                              "folder that holds it");
        free(tried);
        return CLASM_E_IO;
    }
    clasm_status s = iso_codes_load_dir(dir, out, diags);
    free(dir);
    return s;
}

const iso_country *iso_country_find(const iso_codes *iso, const char *alpha2)
{
    for (size_t i = 0; iso && alpha2 && i < iso->ncountries; i++)
        if (strcmp(iso->countries[i].alpha2, alpha2) == 0)
            return &iso->countries[i];
    return NULL;
}

int iso_currency_known(const iso_codes *iso, const char *code)
{
    for (size_t i = 0; iso && code && i < iso->ncurrencies; i++)
        if (strcmp(iso->currencies[i].code, code) == 0)
            return 1;
    return 0;
}

int iso_user_assigned(const char *c)
{
    if (!all_upper(c, 2))
        return 0;
    return strcmp(c, "AA") == 0 || strcmp(c, "ZZ") == 0 || (c[0] == 'Q' && c[1] >= 'M') ||
           c[0] == 'X';
}

/* The initials of the capitalized words of s, "The" left out: "United
 * Kingdom" -> "UK", "Congo, The Democratic Republic of the" -> "CDR". At most
 * size - 1 letters; 0 when there are more. */
static int initials(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    const char *p = s;
    while (p && *p) {
        while (*p && !isalpha((unsigned char)*p))
            p++;
        const char *w = p;
        while (*p && (isalpha((unsigned char)*p) || *p == '\''))
            p++;
        if (p == w)
            continue;
        if (!isupper((unsigned char)*w) || (p - w == 3 && strncmp(w, "The", 3) == 0))
            continue;
        if (n + 1 >= size)
            return 0;
        buf[n++] = *w;
    }
    buf[n] = '\0';
    return n >= 2;
}

static void add_suggestion(const char **out, size_t *n, size_t max, const char *code)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(out[i], code) == 0)
            return;
    if (*n < max)
        out[(*n)++] = code;
}

size_t iso_country_suggest(const iso_codes *iso, const char *value, const char **out, size_t max)
{
    size_t n = 0;
    if (!iso || !value || max == 0)
        return 0;
    size_t len = strlen(value);
    char up[8];
    int short_word = len <= 6;
    for (size_t i = 0; short_word && i < len; i++)
        up[i] = (char)toupper((unsigned char)value[i]);
    if (short_word)
        up[len] = '\0';
    for (size_t i = 0; i < iso->ncountries; i++) {
        const iso_country *c = &iso->countries[i];
        if (short_word && len == 2 && strcmp(up, c->alpha2) == 0)
            add_suggestion(out, &n, max, c->alpha2);
        if (short_word && len == 3 && strcmp(up, c->alpha3) == 0)
            add_suggestion(out, &n, max, c->alpha2);
    }
    for (size_t i = 0; i < iso->ncountries; i++) {
        const iso_country *c = &iso->countries[i];
        const char *names[] = {c->name, c->common, c->official, c->display};
        for (size_t k = 0; k < 4; k++)
            if (names[k] && strcasecmp(without_the(names[k]), without_the(value)) == 0)
                add_suggestion(out, &n, max, c->alpha2);
    }
    if (short_word && len >= 2) {
        for (size_t i = 0; i < iso->ncountries; i++) {
            const iso_country *c = &iso->countries[i];
            const char *names[] = {c->name, c->common, c->official, c->display};
            char ini[8];
            for (size_t k = 0; k < 4; k++)
                if (names[k] && initials(names[k], ini, sizeof ini) && strcmp(ini, up) == 0 &&
                    strcmp(up, c->alpha2) != 0)
                    add_suggestion(out, &n, max, c->alpha2);
        }
    }
    return n;
}

const char *iso_currency_suggest(const iso_codes *iso, const char *value)
{
    if (!iso || !value)
        return NULL;
    for (size_t i = 0; i < iso->ncurrencies; i++)
        if (strcasecmp(iso->currencies[i].code, value) == 0)
            return iso->currencies[i].code;
    for (size_t i = 0; i < iso->ncurrencies; i++)
        if (strcasecmp(iso->currencies[i].name, value) == 0)
            return iso->currencies[i].code;
    return NULL;
}
