/* Values as a draft writes them: see values.h and clauses/README.md,
 * "Values in drafts". */
#include "values.h"

#include "deal.h"
#include "diag.h"
#include "isocodes.h"
#include "plan.h"
#include "strfmt.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DATE_FORMAT "D MMMM YYYY"
#define DEFAULT_EMPTY_LIST "none"
/* Longest periods a term may give: a hundred years. */
#define MAX_DAYS 36500ul
#define MAX_MONTHS 1200ul
/* Digits before the point of an amount (below 10^15: a double holds it). */
#define MAX_AMOUNT_DIGITS 15u

static const char *const kind_names[TERM_NKINDS + 1] = {"text", "number", "amount", "currency",
                                                        "days", "months", "date",   "country",
                                                        "url",  "email",  NULL};

/* The keys of values.words, by lib_words_group. */
static const char *const group_keys[WORDS_NGROUPS + 1] = {
    "document", "customer.kind", "deployment", "license", "end_use", "capabilities", NULL};

static const char *const month_names[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};

int values_kind_from_name(const char *name)
{
    for (int i = 0; name && i < TERM_NKINDS; i++)
        if (strcmp(kind_names[i], name) == 0)
            return i;
    return -1;
}

const char *values_kind_name(lib_term_kind kind)
{
    return (int)kind >= 0 && kind < TERM_NKINDS ? kind_names[kind] : "text";
}

const char *values_status_id(value_status s)
{
    switch (s) {
    case VALUE_OK:
        return NULL;
    case VALUE_ABSENT:
        return "unknown-value";
    case VALUE_NO_WORDS:
        return "no-words";
    case VALUE_INVALID:
        return "invalid-value";
    default:
        return "out-of-memory";
    }
}

/* The spellings the deal loader allows for a group (NULL: capabilities,
 * which are the library's own list). */
static const char *const *group_spellings(lib_words_group g)
{
    switch (g) {
    case WORDS_DOCUMENT:
        return deal_documents;
    case WORDS_CUSTOMER_KIND:
        return deal_customer_kinds;
    case WORDS_DEPLOYMENT:
        return deal_deployments;
    case WORDS_LICENSE:
        return deal_licenses;
    case WORDS_END_USE:
        return deal_end_uses;
    default:
        return NULL;
    }
}

static size_t count_list(const char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

/* ------------------------------------------------------------ formatting */

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Year, month, day of a valid YYYY-MM-DD; 0 when it is not one. */
static int parse_date(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 4) ||
        !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
        return 0;
    *y = atoi(s);
    *m = atoi(s + 5);
    *d = atoi(s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*m < 1 || *m > 12 || *d < 1)
        return 0;
    int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    return *d <= days[*m - 1] + (*m == 2 && leap);
}

typedef enum { TOK_NONE, TOK_YEAR, TOK_MONTH_NAME, TOK_MONTH2, TOK_MONTH, TOK_DAY2, TOK_DAY } tok;

/* The date token at s, and its length. */
static tok date_token(const char *s, size_t *len)
{
    static const struct {
        const char *text;
        tok t;
    } toks[] = {{"YYYY", TOK_YEAR}, {"MMMM", TOK_MONTH_NAME}, {"MM", TOK_MONTH2},
                {"M", TOK_MONTH},   {"DD", TOK_DAY2},         {"D", TOK_DAY}};
    for (size_t i = 0; i < sizeof toks / sizeof toks[0]; i++) {
        size_t n = strlen(toks[i].text);
        if (strncmp(s, toks[i].text, n) == 0) {
            *len = n;
            return toks[i].t;
        }
    }
    *len = 1;
    return TOK_NONE;
}

int values_check_date_format(const char *format, const char **why)
{
    int year = 0, month = 0, day = 0;
    *why = NULL;
    if (!format || !*format) {
        *why = "it is empty";
        return -1;
    }
    for (const char *p = format; *p;) {
        size_t n;
        tok t = date_token(p, &n);
        if (t == TOK_YEAR)
            year++;
        else if (t == TOK_MONTH_NAME || t == TOK_MONTH2 || t == TOK_MONTH)
            month++;
        else if (t == TOK_DAY2 || t == TOK_DAY)
            day++;
        else if (isalpha((unsigned char)*p)) {
            *why = "it holds a letter that is none of the tokens YYYY, MMMM, MM, M, DD and D";
            return -1;
        } else if ((unsigned char)*p < 0x20) {
            *why = "it holds a control character";
            return -1;
        }
        p += n;
    }
    if (year != 1 || month != 1 || day != 1) {
        *why = "it needs exactly one year (YYYY), one month (MMMM, MM or M) and one day (DD or D)";
        return -1;
    }
    return 0;
}

char *values_format_date(const char *iso, const char *format)
{
    int y, m, d;
    const char *why;
    if (!parse_date(iso, &y, &m, &d))
        return NULL;
    if (!format || values_check_date_format(format, &why) != 0)
        format = DEFAULT_DATE_FORMAT;
    size_t cap = strlen(format) * 2 + 32;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t len = 0;
    for (const char *p = format; *p;) {
        size_t n;
        char piece[16];
        const char *add = piece;
        switch (date_token(p, &n)) {
        case TOK_YEAR:
            snprintf(piece, sizeof piece, "%04d", y);
            break;
        case TOK_MONTH_NAME:
            add = month_names[m - 1];
            break;
        case TOK_MONTH2:
            snprintf(piece, sizeof piece, "%02d", m);
            break;
        case TOK_MONTH:
            snprintf(piece, sizeof piece, "%d", m);
            break;
        case TOK_DAY2:
            snprintf(piece, sizeof piece, "%02d", d);
            break;
        case TOK_DAY:
            snprintf(piece, sizeof piece, "%d", d);
            break;
        default:
            piece[0] = *p;
            piece[1] = '\0';
            break;
        }
        size_t an = strlen(add);
        if (len + an + 1 > cap) {
            cap = (len + an + 1) * 2;
            char *g = realloc(out, cap);
            if (!g) {
                free(out);
                return NULL;
            }
            out = g;
        }
        memcpy(out + len, add, an);
        len += an;
        p += n;
    }
    out[len] = '\0';
    return out;
}

static const char *const ones[] = {"zero",    "one",     "two",       "three",    "four",
                                   "five",    "six",     "seven",     "eight",    "nine",
                                   "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                   "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
static const char *const tens[] = {"",      "",      "twenty",  "thirty", "forty",
                                   "fifty", "sixty", "seventy", "eighty", "ninety"};

/* Appends the words of n (1-999) to buf. */
static void words_below_1000(unsigned long n, char *buf, size_t size)
{
    size_t used = strlen(buf);
    if (n >= 100) {
        snprintf(buf + used, size - used, "%s hundred%s", ones[n / 100], n % 100 ? " " : "");
        n %= 100;
        used = strlen(buf);
    }
    if (n == 0)
        return;
    if (n < 20)
        snprintf(buf + used, size - used, "%s", ones[n]);
    else if (n % 10)
        snprintf(buf + used, size - used, "%s-%s", tens[n / 10], ones[n % 10]);
    else
        snprintf(buf + used, size - used, "%s", tens[n / 10]);
}

char *values_number_words(unsigned long n)
{
    if (n > 999999ul)
        return NULL;
    char buf[160] = "";
    if (n == 0)
        return strdup(ones[0]);
    if (n >= 1000) {
        words_below_1000(n / 1000, buf, sizeof buf);
        size_t used = strlen(buf);
        snprintf(buf + used, sizeof buf - used, " thousand%s", n % 1000 ? " " : "");
        n %= 1000;
    }
    if (n)
        words_below_1000(n, buf, sizeof buf);
    return strdup(buf);
}

/* A whole number without sign or leading zeros, at most max; 0 when not. */
static int parse_whole(const char *s, unsigned long max, unsigned long *out)
{
    size_t n = s ? strlen(s) : 0;
    if (!all_digits(s, n) || n > 9 || (n > 1 && s[0] == '0'))
        return 0;
    *out = strtoul(s, NULL, 10);
    return *out <= max;
}

char *values_format_period(const char *value, const char *unit, unsigned long max, int digits)
{
    unsigned long n;
    if (!parse_whole(value, max, &n))
        return NULL;
    const char *plural = n == 1 ? "" : "s";
    if (digits)
        return str_printf("%lu %s%s", n, unit, plural);
    char *w = values_number_words(n);
    char *s = w ? str_printf("%s (%lu) %s%s", w, n, unit, plural) : NULL;
    free(w);
    return s;
}

/* The digits of an amount's whole part and its decimals ("" or ".50"),
 * written "1250000", "1,250,000", "48000.5": 1 when it is one. */
static int parse_amount(const char *s, char *whole, size_t wsize, const char **decimals)
{
    const char *dot = strchr(s, '.');
    size_t ilen = dot ? (size_t)(dot - s) : strlen(s);
    size_t w = 0;
    int commas = memchr(s, ',', ilen) != NULL;
    for (size_t i = 0; i < ilen; i++) {
        if (s[i] == ',') {
            /* Every comma is followed by exactly three digits up to the
             * next comma or the end of the whole part. */
            size_t run = 0;
            while (i + 1 + run < ilen && s[i + 1 + run] >= '0' && s[i + 1 + run] <= '9')
                run++;
            if (run != 3 || w == 0)
                return 0;
            continue;
        }
        if (s[i] < '0' || s[i] > '9' || w + 1 >= wsize)
            return 0;
        whole[w++] = s[i];
    }
    whole[w] = '\0';
    if (w == 0 || w > MAX_AMOUNT_DIGITS || (w > 1 && whole[0] == '0'))
        return 0;
    if (commas) {
        /* The first group has one to three digits. */
        const char *c = memchr(s, ',', ilen);
        if ((size_t)(c - s) > 3)
            return 0;
    }
    *decimals = "";
    if (dot) {
        size_t dn = strlen(dot + 1);
        if (dn < 1 || dn > 3 || !all_digits(dot + 1, dn))
            return 0;
        *decimals = dot;
    }
    return 1;
}

char *values_format_amount(const char *amount, const char *currency)
{
    char whole[32];
    const char *decimals;
    if (!amount || !currency || !parse_amount(amount, whole, sizeof whole, &decimals))
        return NULL;
    char grouped[48];
    size_t n = strlen(whole), g = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[g++] = ',';
        grouped[g++] = whole[i];
    }
    grouped[g] = '\0';
    return str_printf("%s %s%s", currency, grouped, decimals);
}

char *values_join(const char *const *items, size_t n, const char *none)
{
    if (n == 0)
        return strdup(none ? none : DEFAULT_EMPTY_LIST);
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + 5;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(out, i + 1 == n ? " and " : ", ");
        strcat(out, items[i]);
    }
    return out;
}

/* ------------------------------------------------------------ lookups */

static const lib_term *find_term(const clasm_library *lib, const char *key)
{
    for (size_t i = 0; lib && i < lib->nterms; i++)
        if (strcmp(lib->terms[i].key, key) == 0)
            return &lib->terms[i];
    return NULL;
}

static const deal_term *deal_find_term(const clasm_deal *deal, const char *key)
{
    for (size_t i = 0; deal && i < deal->nterms; i++)
        if (strcmp(deal->terms[i].key, key) == 0)
            return &deal->terms[i];
    return NULL;
}

static const lib_word *find_word(const lib_word_list *l, const char *value)
{
    for (size_t i = 0; l && i < l->count; i++)
        if (strcmp(l->items[i].value, value) == 0)
            return &l->items[i];
    return NULL;
}

/* The name of a user-assigned code in library.yaml, or NULL. */
static const char *named_country(const clasm_library *lib, const char *code)
{
    for (size_t i = 0; lib && i < lib->values.ncountries; i++)
        if (strcmp(lib->values.countries[i].value, code) == 0)
            return lib->values.countries[i].words;
    return NULL;
}

/* What a country code is: its name, or NULL with *why (malloc'd) saying
 * why not. */
const char *values_country_name(const clasm_library *lib, const char *code, char **why)
{
    *why = NULL;
    const char *named = iso_user_assigned(code) ? named_country(lib, code) : NULL;
    if (named)
        return named;
    const iso_country *c =
        lib && lib->iso && !iso_user_assigned(code) ? iso_country_find(lib->iso, code) : NULL;
    if (c)
        return c->display;
    if (!lib || !lib->iso) {
        *why = str_printf("'%s' cannot be checked: no ISO country list is loaded", code);
        return NULL;
    }
    if (code[0] == 'X' && iso_user_assigned(code)) {
        *why = str_printf("'%s' is a user-assigned code (XA-XZ, for test and example deals) "
                          "that library.yaml does not name; add it under values: countries:",
                          code);
        return NULL;
    }
    if (iso_user_assigned(code)) {
        *why = str_printf("'%s' is a user-assigned code, not a country; of those only XA-XZ "
                          "may be used, with their names under values: countries: in "
                          "library.yaml",
                          code);
        return NULL;
    }
    const char *sugg[3];
    size_t ns = iso_country_suggest(lib->iso, code, sugg, 3);
    char list[256] = "";
    for (size_t i = 0; i < ns; i++) {
        const iso_country *s = iso_country_find(lib->iso, sugg[i]);
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s (%s)", i == 0 ? "" : " or ", sugg[i],
                 s ? s->display : "?");
    }
    *why = str_printf("'%s' is not an ISO 3166-1 alpha-2 country code%s%s%s", code,
                      ns ? "; did you mean " : " (two capital letters, such as DE or JP)",
                      ns ? list : "", ns ? "?" : "");
    return NULL;
}

/* The deal's value of terms.key, else the library's default. */
static const char *term_value(const clasm_library *lib, const clasm_deal *deal, const char *key,
                              int *from_default)
{
    const deal_term *t = deal_find_term(deal, key);
    if (t)
        return t->value;
    const lib_term *d = find_term(lib, key);
    if (d && d->default_value) {
        if (from_default)
            *from_default = 1;
        return d->default_value;
    }
    return NULL;
}

const char *values_raw(const clasm_library *lib, const clasm_deal *deal, const char *path,
                       int *from_default)
{
    if (from_default)
        *from_default = 0;
    if (!deal || !path)
        return NULL;
    if (strncmp(path, "terms.", 6) == 0)
        return term_value(lib, deal, path + 6, from_default);
    if (strcmp(path, "product.capabilities") == 0)
        return deal->capabilities_joined ? deal->capabilities_joined : "";
    return clasm_deal_value(deal, path);
}

/* ------------------------------------------------------------ checking values */

/* NULL when value holds what kind asks; else a malloc'd reason (the
 * message without the term's name). */
static char *check_kind(const clasm_library *lib, lib_term_kind kind, const char *value)
{
    unsigned long n;
    int y, m, d;
    char whole[32];
    const char *dec;
    switch (kind) {
    case TERM_NUMBER: {
        /* Decimal digits, a sign, a point, an exponent: not inf, nan or hex. */
        char *end;
        double d = strtod(value, &end);
        int ok = *value && !*end && !isspace((unsigned char)*value) && isfinite(d) &&
                 strspn(value, "0123456789+-.eE") == strlen(value);
        if (!ok)
            return str_printf("'%s' is not a number", value);
        return NULL;
    }
    case TERM_AMOUNT:
        if (!parse_amount(value, whole, sizeof whole, &dec))
            return str_printf("'%s' is not an amount: write digits, with commas between groups "
                              "of three if you like, and up to three decimals (1,250,000 or "
                              "48000.50), without the currency",
                              value);
        return NULL;
    case TERM_CURRENCY:
        if (lib && lib->iso && !iso_currency_known(lib->iso, value)) {
            const char *s = iso_currency_suggest(lib->iso, value);
            return str_printf("'%s' is not an ISO 4217 currency code%s%s%s", value,
                              s ? "; did you mean '" : " (three capital letters, such as EUR)",
                              s ? s : "", s ? "'?" : "");
        }
        return NULL;
    case TERM_DAYS:
    case TERM_MONTHS:
        if (!parse_whole(value, kind == TERM_DAYS ? MAX_DAYS : MAX_MONTHS, &n))
            return str_printf("'%s' is not a number of %s: write a whole number from 0 to %lu "
                              "(the draft writes the words)",
                              value, kind == TERM_DAYS ? "days" : "months",
                              kind == TERM_DAYS ? MAX_DAYS : MAX_MONTHS);
        return NULL;
    case TERM_DATE:
        if (!parse_date(value, &y, &m, &d))
            return str_printf("'%s' is not a calendar date in the form YYYY-MM-DD", value);
        return NULL;
    case TERM_COUNTRY: {
        char *why = NULL;
        if (!values_country_name(lib, value, &why))
            return why ? why : strdup("out of memory");
        return NULL;
    }
    case TERM_URL: {
        const char *rest = strncmp(value, "https://", 8) == 0  ? value + 8
                           : strncmp(value, "http://", 7) == 0 ? value + 7
                                                               : NULL;
        int bad = !rest || !*rest || *rest == '/';
        for (const char *p = value; !bad && *p; p++)
            bad = isspace((unsigned char)*p);
        if (bad)
            return str_printf("'%s' is not a web address (https://... without spaces)", value);
        return NULL;
    }
    case TERM_EMAIL: {
        const char *at = strchr(value, '@');
        int bad = !at || at == value || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
                  at[1] == '.' || value[strlen(value) - 1] == '.';
        for (const char *p = value; !bad && *p; p++)
            bad = isspace((unsigned char)*p);
        if (bad)
            return str_printf("'%s' is not an e-mail address (name@example.com)", value);
        return NULL;
    }
    default:
        return NULL;
    }
}

static size_t check_country(const clasm_library *lib, const clasm_deal *deal, const deal_party *p,
                            const char *who, clasm_diags *diags)
{
    if (!p->country)
        return 0;
    char *why = NULL;
    if (values_country_name(lib, p->country, &why))
        return 0;
    char path[32];
    snprintf(path, sizeof path, "%s.country", who);
    diag_field(diags, CLASM_SEV_ERROR, "unknown-country", path, deal->file, p->country_line,
               p->country_column, "%s: %s", path, why ? why : "out of memory");
    free(why);
    return 1;
}

size_t values_check_deal(const clasm_library *lib, const clasm_deal *deal, clasm_diags *diags)
{
    size_t errors = 0;
    if (!lib || !deal)
        return 0;
    errors += check_country(lib, deal, &deal->customer, "customer", diags);
    if (deal->has_reseller)
        errors += check_country(lib, deal, &deal->reseller, "reseller", diags);
    const lib_word_list *caps = &lib->values.words[WORDS_CAPABILITIES];
    for (size_t i = 0; caps->present && i < deal->ncapabilities; i++) {
        if (find_word(caps, deal->capabilities[i]))
            continue;
        const yt_node *n = deal->capability_nodes ? deal->capability_nodes[i] : NULL;
        const char *s =
            lib->values.capability_ids
                ? yt_suggest(deal->capabilities[i], lib->values.capability_ids, caps->count)
                : NULL;
        char path[48];
        snprintf(path, sizeof path, "product.capabilities[%zu]", i);
        diag_field(diags, CLASM_SEV_ERROR, "unknown-capability", path, deal->file, n ? n->line : 0,
                   n ? n->column : 0,
                   "%s: '%s' is not a capability the library knows (%s, values: words: "
                   "capabilities)%s%s%s",
                   path, deal->capabilities[i],
                   lib->settings_file ? lib->settings_file : "library.yaml",
                   s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
        errors++;
    }
    for (size_t i = 0; i < deal->nterms; i++) {
        const deal_term *t = &deal->terms[i];
        const lib_term *decl = find_term(lib, t->key);
        if (!decl)
            continue;
        char *why = check_kind(lib, decl->kind, t->value);
        char path[256];
        snprintf(path, sizeof path, "terms.%s", t->key);
        if (why) {
            diag_field(diags, CLASM_SEV_ERROR, "invalid-term", path, deal->file, t->value_line,
                       t->value_column, "terms.%s (kind %s in library.yaml): %s", t->key,
                       values_kind_name(decl->kind), why);
            free(why);
            errors++;
            continue;
        }
        if (decl->kind == TERM_AMOUNT && decl->currency) {
            if (!term_value(lib, deal, decl->currency, NULL)) {
                /* About the currency, which is what the deal must add. */
                snprintf(path, sizeof path, "terms.%s", decl->currency);
                diag_field(diags, CLASM_SEV_ERROR, "missing-value", path, deal->file, t->line,
                           t->column,
                           "terms.%s is an amount in the currency of terms.%s, which the deal does "
                           "not give and the library has no default for; add %s under terms:",
                           t->key, decl->currency, decl->currency);
                errors++;
            }
        }
    }
    return errors;
}

static int in_list(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] && strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

size_t values_check_term_keys(const clasm_library *lib, const clasm_deal *deal,
                              const char *const *extra, size_t nextra, const char *where,
                              clasm_diags *diags)
{
    if (!deal)
        return 0;
    size_t nlib = lib ? lib->nterms : 0;
    const char **known = calloc(nlib + nextra + 1, sizeof *known);
    if (!known) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", deal->file, 0, 0,
                "out of memory while checking the deal's terms");
        return 1;
    }
    size_t nk = 0;
    for (size_t i = 0; i < nlib; i++)
        known[nk++] = lib->terms[i].key;
    for (size_t i = 0; i < nextra; i++)
        if (extra[i] && !in_list(known, nk, extra[i]))
            known[nk++] = extra[i];
    size_t errors = 0;
    for (size_t i = 0; i < deal->nterms; i++) {
        const deal_term *t = &deal->terms[i];
        if (in_list(known, nk, t->key))
            continue;
        const char *s = yt_suggest(t->key, known, nk);
        char path[256];
        snprintf(path, sizeof path, "terms.%s", t->key);
        diag_field(diags, CLASM_SEV_ERROR, "unknown-term", path, deal->file, t->line, t->column,
                   "terms.%s: %sthe library (%s)%s%s %s this key, so its value would go "
                   "nowhere%s%s%s",
                   t->key, where ? "neither " : "",
                   lib && lib->settings_file ? lib->settings_file : "library.yaml",
                   where ? " nor " : "", where ? where : "", where ? "uses" : "does not use",
                   s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
        errors++;
    }
    free(known);
    return errors;
}

/* ------------------------------------------------------------ display */

static value_status no_words(const clasm_library *lib, lib_words_group g, const char *value,
                             clasm_diags *why)
{
    const lib_word_list *l = lib ? &lib->values.words[g] : NULL;
    int line = l && l->present ? l->line : lib ? lib->values.line : 0;
    int col = l && l->present ? l->column : lib ? lib->values.column : 0;
    diag_at(why, CLASM_SEV_ERROR, "no-words", lib ? lib->settings_file : NULL, line, col,
            "library.yaml gives no words for %s '%s', so a draft cannot print it; add '%s: ...' "
            "under values: words: %s:",
            group_keys[g], value, value, group_keys[g]);
    return VALUE_NO_WORDS;
}

/* The words of value in group g (an enumeration). */
static value_status words_of(const clasm_library *lib, lib_words_group g, const char *value,
                             char **text, clasm_diags *why)
{
    const lib_word *w = lib ? find_word(&lib->values.words[g], value) : NULL;
    if (!w)
        return no_words(lib, g, value, why);
    *text = strdup(w->words);
    return *text ? VALUE_OK : VALUE_OUT_OF_MEMORY;
}

static value_status capabilities_text(const clasm_library *lib, const clasm_deal *deal, char **text,
                                      clasm_diags *why)
{
    const char **words = calloc(deal->ncapabilities + 1, sizeof *words);
    if (!words)
        return VALUE_OUT_OF_MEMORY;
    for (size_t i = 0; i < deal->ncapabilities; i++) {
        const lib_word *w =
            lib ? find_word(&lib->values.words[WORDS_CAPABILITIES], deal->capabilities[i]) : NULL;
        if (!w) {
            free(words);
            return no_words(lib, WORDS_CAPABILITIES, deal->capabilities[i], why);
        }
        words[i] = w->words;
    }
    *text =
        values_join(words, deal->ncapabilities,
                    lib && lib->values.empty_list ? lib->values.empty_list : DEFAULT_EMPTY_LIST);
    free(words);
    return *text ? VALUE_OK : VALUE_OUT_OF_MEMORY;
}

/* Where the deal writes path's value, for an invalid value. */
static void value_where(const clasm_deal *deal, const char *path, int *line, int *col)
{
    *line = *col = 0;
    if (strncmp(path, "terms.", 6) == 0) {
        const deal_term *t = deal_find_term(deal, path + 6);
        if (t) {
            *line = t->value_line;
            *col = t->value_column;
        }
    } else if (strcmp(path, "customer.country") == 0) {
        *line = deal->customer.country_line;
        *col = deal->customer.country_column;
    } else if (strcmp(path, "reseller.country") == 0) {
        *line = deal->reseller.country_line;
        *col = deal->reseller.country_column;
    }
}

static value_status invalid(const clasm_library *lib, const clasm_deal *deal, const char *path,
                            int from_default, char *reason, clasm_diags *why)
{
    int line = 0, col = 0;
    const char *file = deal->file;
    const lib_term *decl =
        strncmp(path, "terms.", 6) == 0 && from_default ? find_term(lib, path + 6) : NULL;
    if (decl && decl->default_node) {
        file = lib->settings_file;
        line = decl->default_node->line;
        col = decl->default_node->column;
    } else {
        value_where(deal, path, &line, &col);
    }
    diag_field(why, CLASM_SEV_ERROR, "invalid-value", path, file, line, col, "{{ %s }}: %s", path,
               reason ? reason : "out of memory");
    free(reason);
    return VALUE_INVALID;
}

static value_status country_text(const clasm_library *lib, const clasm_deal *deal, const char *path,
                                 const char *code, int from_default, char **text, clasm_diags *why)
{
    char *reason = NULL;
    const char *name = values_country_name(lib, code, &reason);
    if (!name)
        return invalid(lib, deal, path, from_default, reason, why);
    *text = strdup(name);
    return *text ? VALUE_OK : VALUE_OUT_OF_MEMORY;
}

static value_status term_text(const clasm_library *lib, const clasm_deal *deal, const char *path,
                              char **text, clasm_diags *why)
{
    int from_default = 0;
    const char *raw = values_raw(lib, deal, path, &from_default);
    if (!raw) {
        diag_field(why, CLASM_SEV_ERROR, "unknown-value", path, deal->file, 0, 0,
                   "the deal gives no %s and the library has no default for it", path);
        return VALUE_ABSENT;
    }
    const lib_term *decl = find_term(lib, path + 6);
    lib_term_kind kind = decl ? decl->kind : TERM_TEXT;
    char *reason = kind == TERM_TEXT ? NULL : check_kind(lib, kind, raw);
    if (reason)
        return invalid(lib, deal, path, from_default, reason, why);
    switch (kind) {
    case TERM_AMOUNT: {
        const char *cur = decl->currency ? term_value(lib, deal, decl->currency, NULL) : NULL;
        if (!cur) {
            diag_field(why, CLASM_SEV_ERROR, "unknown-value", path, deal->file, 0, 0,
                       "%s is an amount in the currency of terms.%s, which the deal does not give",
                       path, decl->currency ? decl->currency : "?");
            return VALUE_ABSENT;
        }
        *text = values_format_amount(raw, cur);
        break;
    }
    case TERM_DAYS:
    case TERM_MONTHS:
        *text = values_format_period(raw, kind == TERM_DAYS ? "day" : "month",
                                     kind == TERM_DAYS ? MAX_DAYS : MAX_MONTHS,
                                     lib->values.period_digits);
        break;
    case TERM_DATE:
        *text = values_format_date(raw, lib->values.date_format);
        break;
    case TERM_COUNTRY:
        return country_text(lib, deal, path, raw, from_default, text, why);
    default:
        *text = strdup(raw);
        break;
    }
    return *text ? VALUE_OK : VALUE_OUT_OF_MEMORY;
}

/* A field's value in the library's words: the words group is keyed by
 * the field's path (document, customer.kind, deployment, ...). */
static value_status field_words(const clasm_library *lib, const char *path, const char *raw,
                                char **text, clasm_diags *why)
{
    for (int g = 0; g < WORDS_NGROUPS; g++)
        if (strcmp(group_keys[g], path) == 0)
            return words_of(lib, (lib_words_group)g, raw, text, why);
    *text = strdup(raw); /* a field the library has no words group for */
    return *text ? VALUE_OK : VALUE_OUT_OF_MEMORY;
}

value_status values_display(const clasm_library *lib, const clasm_deal *deal,
                            const clasm_plan *plan, const char *path, char **text, clasm_diags *why)
{
    *text = NULL;
    clasm_diags scratch;
    clasm_diags_init(&scratch);
    if (!why)
        why = &scratch; /* the reasons go somewhere; dropped below */
    size_t before = why->count;
    value_status s = VALUE_ABSENT;
    const deal_field *f = NULL;
    const char *raw = NULL;
    if (!deal || !path) {
        s = VALUE_ABSENT;
    } else if (deal_field_has(path, DF_PLAN)) {
        char buf[24];
        const char *pv = plan_field_value(plan, path, buf);
        if (pv && deal_field_find(path)->show == DF_SHOW_WORDS)
            s = field_words(lib, path, pv, text, why);
        else if (pv && deal_field_find(path)->show == DF_SHOW_DATE) {
            *text = values_format_date(pv, lib ? lib->values.date_format : NULL);
            s = *text ? VALUE_OK : VALUE_OUT_OF_MEMORY;
        } else if (pv) {
            *text = strdup(pv);
            s = *text ? VALUE_OK : VALUE_OUT_OF_MEMORY;
        }
    } else if (strncmp(path, "terms.", 6) == 0 && path[6]) {
        s = term_text(lib, deal, path, text, why);
    } else if ((f = deal_field_find(path)) && f->show == DF_SHOW_CAPABILITIES) {
        if (deal->product_name)
            s = capabilities_text(lib, deal, text, why);
    } else if (f && f->show != DF_SHOW_RAW && (raw = clasm_deal_value(deal, path))) {
        if (f->show == DF_SHOW_DATE) {
            *text = values_format_date(raw, lib ? lib->values.date_format : NULL);
            s = *text ? VALUE_OK : VALUE_OUT_OF_MEMORY;
        } else if (f->show == DF_SHOW_WORDS) {
            s = field_words(lib, path, raw, text, why);
        } else {
            s = country_text(lib, deal, path, raw, 0, text, why);
        }
    } else {
        raw = clasm_deal_value(deal, path);
        if (raw) {
            *text = strdup(raw);
            s = *text ? VALUE_OK : VALUE_OUT_OF_MEMORY;
        }
    }
    if (s == VALUE_OK && !*text)
        s = VALUE_OUT_OF_MEMORY;
    if (s != VALUE_OK) {
        free(*text);
        *text = NULL;
    }
    if (s == VALUE_ABSENT && why->count == before)
        diag_field(why, CLASM_SEV_ERROR, "unknown-value", path, deal ? deal->file : NULL, 0, 0,
                   "the deal has no value for %s", path ? path : "(no path)");
    if (s == VALUE_OUT_OF_MEMORY)
        diag_at(why, CLASM_SEV_ERROR, "out-of-memory", deal ? deal->file : NULL, 0, 0,
                "out of memory while writing %s", path ? path : "a value");
    clasm_diags_free(&scratch);
    return s;
}

/* ------------------------------------------------------------ library.yaml */

void values_settings_free(lib_values *v)
{
    if (!v)
        return;
    free(v->countries);
    for (int g = 0; g < WORDS_NGROUPS; g++)
        free(v->words[g].items);
    free(v->capability_ids);
    memset(v, 0, sizeof *v);
}

/* Ids of capabilities: lowercase letters, digits, '-' and '_'. */
static int valid_value_id(const char *s)
{
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

/* A mapping of value: words into *items. Returns errors, -1 out of memory. */
static int parse_word_map(const yt_node *m, const char *file, const char *path,
                          int (*key_ok)(const char *), const char *key_rule, lib_word **items,
                          size_t *count, clasm_diags *diags)
{
    yt_ctx ctx = {file, diags};
    if (!yt_expect(&ctx, m, YT_MAPPING, path))
        return 1;
    *items = calloc(m->count + 1, sizeof **items);
    if (!*items)
        return -1;
    int errors = 0;
    for (size_t i = 0; i < m->count; i++) {
        const yt_node *k = m->pairs[i].key, *v = m->pairs[i].value;
        char p[256];
        snprintf(p, sizeof p, "%s.%.120s", path, k->scalar);
        if (key_ok && !key_ok(k->scalar)) {
            diag_at(diags, CLASM_SEV_ERROR, "invalid-key", file, k->line, k->column, "%s: '%s' %s",
                    path, k->scalar, key_rule);
            errors++;
            continue;
        }
        if (v->kind != YT_SCALAR || yt_is_null(v)) {
            diag_at(diags, CLASM_SEV_ERROR, v->kind != YT_SCALAR ? "wrong-type" : "missing-value",
                    file, v->line, v->column, "%s must be the words a draft prints, as text", p);
            errors++;
            continue;
        }
        if (!v->scalar[0] || strspn(v->scalar, " \t\n") == strlen(v->scalar)) {
            diag_at(diags, CLASM_SEV_ERROR, "empty-value", file, v->line, v->column,
                    "%s is empty; give the words a draft prints", p);
            errors++;
            continue;
        }
        (*items)[(*count)++] = (lib_word){k->scalar, v->scalar, k->line, k->column};
    }
    return errors;
}

static int user_assigned_x(const char *s)
{
    return strlen(s) == 2 && s[0] == 'X' && s[1] >= 'A' && s[1] <= 'Z';
}

int values_parse_settings(const yt_node *node, const char *file, lib_values *out,
                          clasm_diags *diags)
{
    memset(out, 0, sizeof *out);
    out->date_format = DEFAULT_DATE_FORMAT;
    out->empty_list = DEFAULT_EMPTY_LIST;
    if (!node || yt_is_null(node))
        return 0;
    yt_ctx ctx = {file, diags};
    out->line = node->line;
    out->column = node->column;
    if (!yt_expect(&ctx, node, YT_MAPPING, "values"))
        return 1;
    int errors = 0;
    static const char *const keys[] = {"date_format", "periods", "empty_list",
                                       "countries",   "words",   NULL};
    if (!yt_check_keys(&ctx, node, "values", keys, NULL))
        errors++;
    const char *fmt = yt_get_str(&ctx, node, "date_format", "values", 0);
    if (!fmt && yt_get(node, "date_format"))
        errors++; /* not text: yt_get_str said so */
    if (fmt) {
        const char *why;
        if (values_check_date_format(fmt, &why) != 0) {
            const yt_node *n = yt_get(node, "date_format");
            diag_at(diags, CLASM_SEV_ERROR, "invalid-value", file, n->line, n->column,
                    "values.date_format: '%s' is not a date format: %s (\"D MMMM YYYY\" "
                    "writes 27 November 2026, \"MMMM D, YYYY\" November 27, 2026)",
                    fmt, why);
            errors++;
        } else {
            out->date_format = fmt;
        }
    }
    static const char *const periods[] = {"words-and-digits", "digits", NULL};
    if (yt_get(node, "periods")) {
        int p = yt_get_enum(&ctx, node, "periods", "values", 1, periods);
        if (p < 0)
            errors++;
        else
            out->period_digits = p == 1;
    }
    const char *none = yt_get_str(&ctx, node, "empty_list", "values", 0);
    if (!none && yt_get(node, "empty_list"))
        errors++;
    if (none && !*none) {
        const yt_node *n = yt_get(node, "empty_list");
        diag_at(diags, CLASM_SEV_ERROR, "empty-value", file, n->line, n->column,
                "values.empty_list is empty; give the words a draft prints for an empty list, "
                "such as none");
        errors++;
    } else if (none) {
        out->empty_list = none;
    }
    const yt_node *countries = yt_get(node, "countries");
    if (countries && !yt_is_null(countries)) {
        int e = parse_word_map(countries, file, "values.countries", user_assigned_x,
                               "is not a user-assigned code XA-XZ; ISO 3166-1 countries take "
                               "their names from iso-codes",
                               &out->countries, &out->ncountries, diags);
        if (e < 0)
            return -1;
        errors += e;
    }
    const yt_node *words = yt_get(node, "words");
    if (words && !yt_is_null(words) && yt_expect(&ctx, words, YT_MAPPING, "values.words")) {
        if (!yt_check_keys(&ctx, words, "values.words", group_keys, NULL))
            errors++;
        for (int g = 0; g < WORDS_NGROUPS; g++) {
            const yt_node *m = yt_get(words, group_keys[g]);
            if (!m)
                continue;
            lib_word_list *l = &out->words[g];
            l->present = 1;
            for (size_t i = 0; i < words->count; i++)
                if (words->pairs[i].value == m) {
                    l->line = words->pairs[i].key->line;
                    l->column = words->pairs[i].key->column;
                }
            char path[64];
            snprintf(path, sizeof path, "values.words.%s", group_keys[g]);
            int e = parse_word_map(m, file, path, g == WORDS_CAPABILITIES ? valid_value_id : NULL,
                                   "is not a capability id (lowercase letters, digits, '-' and "
                                   "'_')",
                                   &l->items, &l->count, diags);
            if (e < 0)
                return -1;
            errors += e;
        }
    } else if (words && !yt_is_null(words)) {
        errors++;
    }
    const lib_word_list *caps = &out->words[WORDS_CAPABILITIES];
    if (caps->present) {
        out->capability_ids = calloc(caps->count + 1, sizeof *out->capability_ids);
        if (!out->capability_ids)
            return -1;
        for (size_t i = 0; i < caps->count; i++)
            out->capability_ids[i] = caps->items[i].value;
    }
    return errors;
}

int values_parse_term(const yt_node *decl, const char *file, const char *path, lib_term *term,
                      clasm_diags *diags)
{
    yt_ctx ctx = {file, diags};
    int errors = 0;
    term->kind = TERM_TEXT;
    term->kind_node = yt_get(decl, "kind");
    if (term->kind_node) {
        int k = yt_get_enum(&ctx, decl, "kind", path, 1, kind_names);
        if (k < 0)
            errors++;
        else
            term->kind = (lib_term_kind)k;
    }
    term->currency_node = yt_get(decl, "currency");
    if (term->currency_node) {
        term->currency = yt_get_str(&ctx, decl, "currency", path, 1);
        if (!term->currency) {
            errors++;
        } else if (term->kind != TERM_AMOUNT) {
            diag_at(diags, CLASM_SEV_ERROR, "invalid-key", file, term->currency_node->line,
                    term->currency_node->column,
                    "%s.currency: only a term of kind amount names a currency term; this one is "
                    "%s",
                    path, values_kind_name(term->kind));
            errors++;
        }
    } else if (term->kind == TERM_AMOUNT && term->kind_node) {
        diag_at(diags, CLASM_SEV_ERROR, "missing-key", file, term->kind_node->line,
                term->kind_node->column,
                "%s: an amount needs currency: KEY, the term that holds its currency (a term of "
                "kind currency)",
                path);
        errors++;
    }
    term->default_node = yt_get(decl, "default");
    if (term->default_node) {
        const yt_node *n = term->default_node;
        if (n->kind != YT_SCALAR) {
            diag_at(diags, CLASM_SEV_ERROR, "wrong-type", file, n->line, n->column,
                    "%s.default must be a single value (text, number or date), not a %s", path,
                    n->kind == YT_MAPPING ? "mapping" : "list");
            errors++;
        } else if (yt_is_null(n)) {
            diag_at(diags, CLASM_SEV_ERROR, "missing-value", file, n->line, n->column,
                    "%s.default has no value; give counsel's standard value or leave the key out",
                    path);
            errors++;
        } else {
            term->default_value = n->scalar;
        }
    }
    static const char *const used_by[] = {"clauses", "templates", NULL};
    if (yt_get(decl, "used_by")) {
        int u = yt_get_enum(&ctx, decl, "used_by", path, 1, used_by);
        if (u < 0)
            errors++;
        else
            term->for_templates = u == 1;
    }
    return errors;
}

int values_check_library(const clasm_library *lib, clasm_diags *diags)
{
    int errors = 0;
    const char *file = lib->settings_file;
    for (size_t i = 0; i < lib->nterms; i++) {
        const lib_term *t = &lib->terms[i];
        if (t->kind == TERM_AMOUNT && t->currency) {
            const lib_term *c = find_term(lib, t->currency);
            if (!c || c->kind != TERM_CURRENCY) {
                const char *s = yt_suggest(t->currency, lib->term_keys, lib->nterms);
                diag_at(diags, CLASM_SEV_ERROR, "unknown-term", file, t->currency_node->line,
                        t->currency_node->column, "terms.%s.currency: '%s' %s%s%s%s", t->key,
                        t->currency,
                        c ? "is not a term of kind currency"
                          : "is not a term declared in library.yaml",
                        s && !c ? "; did you mean '" : "", s && !c ? s : "", s && !c ? "'?" : "");
                errors++;
            }
        }
        if (t->default_value) {
            char *why = check_kind(lib, t->kind, t->default_value);
            if (why) {
                diag_at(diags, CLASM_SEV_ERROR, "invalid-default", file, t->default_node->line,
                        t->default_node->column, "terms.%s.default: %s (kind %s)", t->key, why,
                        values_kind_name(t->kind));
                free(why);
                errors++;
            }
        }
    }
    for (int g = 0; g < WORDS_NGROUPS; g++) {
        const char *const *spellings = group_spellings((lib_words_group)g);
        const lib_word_list *l = &lib->values.words[g];
        size_t n = count_list(spellings);
        for (size_t i = 0; spellings && i < l->count; i++) {
            if (in_list(spellings, n, l->items[i].value))
                continue;
            const char *s = yt_suggest(l->items[i].value, spellings, n);
            char *all = values_join(spellings, n, "");
            diag_at(diags, CLASM_SEV_ERROR, "invalid-value", file, l->items[i].line,
                    l->items[i].column,
                    "values.words.%s: '%s' is not a value a deal can give (%s)%s%s%s",
                    group_keys[g], l->items[i].value, all ? all : "?", s ? "; did you mean '" : "",
                    s ? s : "", s ? "'?" : "");
            free(all);
            errors++;
        }
    }
    return errors;
}

void values_lint(const clasm_library *lib, clasm_diags *diags)
{
    const char *file = lib->settings_file;
    for (int g = 0; g < WORDS_NGROUPS; g++) {
        const lib_word_list *l = &lib->values.words[g];
        const char *const *spellings = group_spellings((lib_words_group)g);
        if (!l->present) {
            diag_at(diags, CLASM_SEV_ERROR, "missing-words", file, lib->values.line,
                    lib->values.column,
                    "library.yaml has no values: words: %s:, so a draft cannot print %s; add the "
                    "words for %s",
                    group_keys[g], group_keys[g],
                    spellings ? "each of its values" : "each capability deals may name");
            continue;
        }
        for (size_t i = 0; spellings && spellings[i]; i++)
            if (!find_word(l, spellings[i]))
                diag_at(diags, CLASM_SEV_ERROR, "missing-words", file, l->line, l->column,
                        "values.words.%s gives no words for '%s', which a deal may give; add "
                        "'%s: ...' (the words a draft prints)",
                        group_keys[g], spellings[i], spellings[i]);
    }
}
