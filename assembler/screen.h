/* Restricted-party screening: the parties of a deal (customer, reseller,
 * named end users) against the U.S. government's Consolidated Screening
 * List (CSL), in the layout of its CSV download, which the user fetches
 * themselves (clasm fetches nothing).
 *
 * The list. The header names the columns, in any order, other columns
 * allowed; source, name, alt_names, addresses, programs and type are
 * required, _id, entity_number, citizenships and nationalities read when
 * present. alt_names holds names separated by "; " (a leading "and " of one,
 * as the Entity List writes its last, is left out); addresses holds
 * addresses separated by "; ", each ending, when its country is known, in
 * the country's ISO 3166-1 alpha-2 code ("..., Moscow, 115035, RU"), which
 * is kept as it is (an address that ends in anything else, a postal code
 * or a state, gives no country); citizenships and nationalities hold
 * alpha-2 codes.
 * Every name is normalised once, when the list is read.
 *
 * Normalisation, as screening tools do: case folding and Unicode NFKD
 * (libunistring), combining marks (diacritics) dropped, the Latin letters
 * NFKD leaves whole folded (ø o, ł l, đ d, ð d, þ th, æ ae, œ oe, ı i),
 * apostrophes and full stops dropped ("O'Brien" obrien, "S.A." sa), every
 * other character that is no letter or digit a space, spaces collapsed, and
 * legal forms set aside: a run of tokens equal to a legal form (itself
 * normalised: "Joint-Stock Company" is "joint stock company"), anywhere in
 * the name, longest first, unless it is the whole name.
 *
 * Matching. A party's name against each name of an entry (its name and
 * every alternative name); the entry's score is its best name's. Tokens
 * are compared by Jaro-Winkler (prefix scale 0.1, at most 4 characters of
 * common prefix, Winkler's boost only above a Jaro similarity of 0.7) and
 * paired, most similar first, each at most once, a pair only at 0.80 or
 * more; each token weighs its rarity in the list (ln(1 + entries / entries
 * that have it): "mohammed", "trading" or "research" weigh little, a
 * surname or a company's own word much). The score is the pairs'
 * similarities weighted by their tokens' weights, over the weights of all
 * the party's tokens, the paired tokens of the entry's name and a quarter
 * of its unpaired ones (a listed name may carry a middle name or a
 * descriptor the party's lacks; a party's own token left unpaired counts
 * in full). So word order, legal forms and spelling variants cost little,
 * a shared common word alone little, a different surname or company word
 * much. Jaro-Winkler of the whole normalised names and of their sorted
 * tokens (the better) is given beside each hit as string_score: measured
 * as the score itself on the fixture, it let a shared long trade word or
 * first name carry a different company or person over any threshold that
 * kept the recall (bench/RESULTS.md, "Screening"). Each vocabulary token
 * is compared with a party's tokens once per call, behind a cheap upper
 * bound of Jaro-Winkler (shared characters by bucket), and an entry name
 * none of whose tokens pairs is skipped.
 *
 * Countries. When both the party and the entry have countries (the
 * entry's: address countries, citizenships and nationalities), the hit
 * says whether the party's is one of them; an entry none of whose
 * countries is the party's needs SCREEN_COUNTRY_RAISE more than the
 * threshold, and is still reported, marked, when it has it. */
#ifndef CLASM_SCREEN_H
#define CLASM_SCREEN_H

#include "clasm.h"

#include <stddef.h>

/* Limits of a list file (the real CSL has about 13 000 entries). */
#define SCREEN_MAX_BYTES (64u * 1024u * 1024u)
#define SCREEN_MAX_ROWS 200000u
#define SCREEN_MAX_COLUMNS 256u
/* A name's first tokens compared, the list's and a party's; the rest are
 * left out (names have a few; this bounds the work a hostile list makes). */
#define SCREEN_MAX_NAME_TOKENS 32u

/* The default threshold: on the fixture (tests/screen/gen_list.py) it
 * finds 99.3% of the parties written another way, 95% of its hits right;
 * 0.88 finds two more in 800 for three times the false hits, 0.92 six
 * fewer (bench/RESULTS.md, "Screening"). */
#define SCREEN_DEFAULT_THRESHOLD 0.90
/* A hit whose entry has countries none of which is the party's needs a
 * score this much higher than the threshold: on the fixture it took out
 * half the false hits for one true hit in 800 (bench/RESULTS.md,
 * "Screening"). Listed parties do trade from other countries: a different
 * country never drops a clear hit. */
#define SCREEN_COUNTRY_RAISE 0.03

/* Legal forms a name may carry (Ltd, GmbH, OOO, Joint Stock Company, ...),
 * NULL-terminated: a default for the library settings, which counsel
 * maintain. */
extern const char *const screen_default_legal_forms[];

typedef struct screen_list screen_list;

/* Reads a list from the len bytes of data (need not end in a NUL); name is
 * the file messages name (its base name is the list's name). legal_forms
 * (NULL-terminated) are set aside from the list's names and the parties';
 * NULL for screen_default_legal_forms. Problems are reported at their line
 * and column: list-missing-column (each), list-bad-row (each row, the
 * first 20 and how many more), list-empty, list-too-large; and, where the
 * reading stops, list-bad-encoding, list-syntax, list-too-many-rows,
 * list-too-many-columns.
 * Returns CLASM_OK and *out, CLASM_E_INPUT, or CLASM_E_IO (out-of-memory).
 * The list's SHA-256 is of data; it has no date. */
clasm_status screen_list_parse(const char *name, const unsigned char *data, size_t len,
                               const char *const *legal_forms, screen_list **out,
                               clasm_diags *diags);
/* The same from a file (io when it cannot be read), which also records the
 * file's modification date. */
clasm_status screen_list_load(const char *path, const char *const *legal_forms, screen_list **out,
                              clasm_diags *diags);
void screen_list_free(screen_list *l);

size_t screen_list_count(const screen_list *l);       /* entries */
const char *screen_list_name(const screen_list *l);   /* the file's base name */
const char *screen_list_sha256(const screen_list *l); /* 64 lowercase hex digits */
/* YYYY-MM-DD (UTC) of the file's modification; NULL for a parsed list. */
const char *screen_list_date(const screen_list *l);

/* One entry, as the list writes it (strings owned by the list; "" when the
 * list has no such column or the cell is empty). */
typedef struct {
    const char *id; /* _id */
    const char *source, *entity_number, *type, *programs, *name;
    const char *countries; /* alpha-2 codes, space-separated, each once: "CN KP" */
    size_t nalt;           /* alternative names */
} screen_entry;

/* Entry i (0-based, in the file's order); 0 when there is none. */
int screen_list_entry(const screen_list *l, size_t i, screen_entry *out);
/* Its alternative name k (0-based), or NULL. */
const char *screen_list_alt_name(const screen_list *l, size_t i, size_t k);

typedef struct {
    double threshold; /* 0..1: a hit scores at least this */
    size_t max_hits;  /* per party, best first; 0 for all */
} screen_options;

/* threshold SCREEN_DEFAULT_THRESHOLD, all hits. */
screen_options screen_default_options(void);

typedef struct {
    const char *role;    /* "customer", "reseller", "end user": not read */
    const char *name;    /* UTF-8; bytes that are not are left out */
    const char *country; /* ISO 3166-1 alpha-2, or NULL */
} screen_party;

typedef struct {
    size_t party; /* index into the parties */
    size_t entry; /* index into the list */
    double score; /* 0..1 */
    /* Borrowed from the list: */
    const char *entry_name, *matched_name, *source, *programs, *type, *entity_number, *id;
    const char *countries; /* the entry's, as screen_entry's */
    /* "volkov ~ volkoff, trading = trading, petrov (none)": each token of
     * the party's normalised name and the matched name's token paired with
     * it, "=" when the same, "~" when only similar, "(none)" when none is.
     * Malloc'd. */
    char *matched_tokens;
    int country; /* 1 the party's country is the entry's, 0 not compared, -1 differs */
    /* The better of the Jaro-Winkler similarities of the two whole
     * normalised names and of their sorted tokens: shown beside the score,
     * which it does not change (see "Matching" above). */
    double string_score;
} screen_hit;

/* Screens n parties against the list: every entry whose score reaches the
 * threshold (see SCREEN_COUNTRY_RAISE) is a hit; the hits are by party,
 * best first (then in the list's order). o may be NULL for the defaults.
 * *hits is malloc'd (NULL when there are none). Returns 0, or -1 when out
 * of memory (then *hits is NULL and *nhits 0). */
int screen_parties(const screen_list *l, const screen_party *parties, size_t n,
                   const screen_options *o, screen_hit **hits, size_t *nhits);
void screen_hits_free(screen_hit *h, size_t n);

/* The normalised form of a name (see above): tokens separated by one space,
 * legal_forms (NULL-terminated; NULL for none) set aside. Malloc'd; NULL
 * when out of memory. */
char *screen_normalize(const char *name, const char *const *legal_forms);
/* Jaro-Winkler similarity of two UTF-8 strings, by characters (a byte
 * that is not UTF-8 is one, U+FFFD), as screening compares tokens; -1 when
 * out of memory. */
double screen_jaro_winkler(const char *a, const char *b);

#endif
