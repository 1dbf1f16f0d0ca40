/* Restricted-party screening against the Consolidated Screening List: see
 * screen.h. The list's names are normalised once, when it is read, into a
 * pool of code points (each name, and its tokens sorted and joined) with
 * its tokens' places, ids in the list's vocabulary (its distinct tokens)
 * and weights. Screening compares each token of a party's name with the
 * vocabulary once, then aligns the party's tokens with each name's from
 * those similarities: no allocation per comparison, only per call and for
 * what it returns. */
#include "screen.h"

#include "csv.h"
#include "diag.h"
#include "sha256.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistd.h>
#include <unistr.h>

/* Counsel keep the real list in the library settings; this is where it
 * starts. Each is normalised like a name, so "S.A." is "sa" and
 * "Joint-Stock Company" "joint stock company"; the longest runs are set
 * aside first. Left out on purpose: words that are also ordinary words or
 * names in the lists' languages ("as", "ab", "se"), and trade words that
 * tell companies apart ("trading", "group", "holding", "international"). */
const char *const screen_default_legal_forms[] = {
    /* English */
    "Limited", "Ltd", "Company", "Co", "Corporation", "Corp", "Incorporated", "Inc", "LLC", "LLP",
    "LP", "PLC", "Public Limited Company", "Limited Liability Company",
    "Limited Liability Partnership", "Private Limited", "Pvt", "Pte", "Pty", "Proprietary",
    /* German, Dutch, Nordic */
    "GmbH", "mbH", "AG", "KG", "GmbH & Co KG", "OHG", "BV", "NV", "Oy", "Oyj", "AS", "ASA", "ApS",
    /* Romance languages */
    "SA", "SAS", "SARL", "SRL", "SpA", "SL", "SLU", "SAU", "Ltda", "SA de CV", "SAPI", "SC",
    /* Russian and CIS (transliterated) */
    "OOO", "OAO", "ZAO", "PAO", "AO", "JSC", "OJSC", "CJSC", "PJSC", "Joint Stock Company",
    "Open Joint Stock Company", "Closed Joint Stock Company", "Public Joint Stock Company",
    "Obshchestvo s Ogranichennoi Otvetstvennostyu", "Aktsionernoe Obshchestvo",
    "Otkrytoe Aktsionernoe Obshchestvo", "Zakrytoe Aktsionernoe Obshchestvo",
    "Publichnoe Aktsionernoe Obshchestvo", "TOO", "FGUP", "GUP", "MUP",
    /* Asia and the Gulf */
    "Sdn Bhd", "Bhd", "KK", "Co Ltd", "FZE", "FZCO", "FZC", "FZ LLC", "WLL", "Tbk", "PT", NULL};

/* Two tokens this similar (Jaro-Winkler) may be paired. */
#define PAIR_MIN 0.80
/* The share of its weight an unpaired token of the list's name counts (a
 * party's unpaired token counts in full): a listed name often says more
 * than a deal does ("Ivan Petrovich VOLKOV" for "Ivan Volkov"), while a
 * word of the party's that the listed name lacks points to another
 * party. */
#define BETA 0.25
#define MAX_BAD_ROWS 20

/* ---- growing arrays ---- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2 / size)
            return 0;
        c *= 2;
    }
    void *g = realloc(*p, c * size);
    if (!g)
        return 0;
    *p = g;
    *cap = c;
    return 1;
}

typedef struct {
    uint32_t *v;
    size_t n, cap;
} u32vec;

static int u32_push(u32vec *b, uint32_t c)
{
    if (!grow((void **)&b->v, &b->cap, b->n + 1, sizeof *b->v))
        return 0;
    b->v[b->n++] = c;
    return 1;
}

/* ---- names ---- */

/* A normalised name in a pool: its code points, the same tokens sorted and
 * joined, and its tokens. */
typedef struct {
    size_t text, sorted; /* offsets in the pool's cp; len code points each */
    size_t tok;          /* its first token in the pool's token arrays */
    size_t orig;         /* offset in the pool's str of the name as written */
    size_t entry;        /* its entry (the party, in a party pool) */
    uint32_t len, ntok;
} sname;

/* Names and strings; the arrays grow as names are added. */
typedef struct {
    char *str;
    size_t nstr, cstr;
    uint32_t *cp;
    size_t ncp, ccp;
    uint32_t *tstart, *tlen, *tid; /* each token: where in its name, length, vocabulary id */
    float *tw;                     /* each token's weight */
    size_t ntok, ctok;
    sname *names;
    size_t nnames, cnames;
    size_t max_len; /* the longest name, in code points */
    size_t max_tok; /* the most tokens of a name */
} pool;

static void pool_free(pool *p)
{
    free(p->str);
    free(p->cp);
    free(p->tstart);
    free(p->tlen);
    free(p->tid);
    free(p->tw);
    free(p->names);
    memset(p, 0, sizeof *p);
}

/* Adds a copy of s (n bytes) and a NUL; its offset, or SIZE_MAX when out of
 * memory. */
static size_t pool_str(pool *p, const char *s, size_t n)
{
    if (!grow((void **)&p->str, &p->cstr, p->nstr + n + 1, 1))
        return SIZE_MAX;
    size_t at = p->nstr;
    if (n)
        memcpy(p->str + at, s, n);
    p->str[at + n] = '\0';
    p->nstr += n + 1;
    return at;
}

static int pool_tokens(pool *p, size_t more)
{
    size_t c = p->ctok;
    if (!grow((void **)&p->tstart, &c, p->ntok + more, sizeof *p->tstart))
        return 0;
    c = p->ctok;
    if (!grow((void **)&p->tlen, &c, p->ntok + more, sizeof *p->tlen))
        return 0;
    c = p->ctok;
    if (!grow((void **)&p->tid, &c, p->ntok + more, sizeof *p->tid))
        return 0;
    c = p->ctok;
    if (!grow((void **)&p->tw, &c, p->ntok + more, sizeof *p->tw))
        return 0;
    p->ctok = c;
    return 1;
}

/* A legal form: its normalised code points (tokens separated by one
 * space). */
typedef struct {
    uint32_t *cp;
    size_t len, ntok;
} lform;

typedef struct {
    lform *v;
    size_t n;
} lforms;

/* Scratch space of the normaliser, kept between names. */
typedef struct {
    uint8_t *folded; /* u8_casefold's result buffer */
    size_t cfolded;
    char *clean; /* a copy of a name without its bytes that are not UTF-8 */
    size_t cclean;
    u32vec cps;    /* the normalised code points */
    u32vec toks;   /* (start, length) pairs into cps */
    u32vec keep;   /* indices of the tokens that are no legal form */
    u32vec sorted; /* the kept tokens' indices, sorted */
} normer;

static void normer_free(normer *z)
{
    free(z->folded);
    free(z->clean);
    free(z->cps.v);
    free(z->toks.v);
    free(z->keep.v);
    free(z->sorted.v);
}

static int is_apostrophe(ucs4_t c)
{
    return c == 0x27 || c == 0x60 || c == 0xB4 || c == 0x2018 || c == 0x2019 || c == 0x201B ||
           c == 0x2032 || c == 0x02BB || c == 0x02BC || c == 0x02B9 || c == 0xFF07;
}

/* Latin letters NFKD does not take apart, as ASCII (at most two letters);
 * 0 when c is none. */
static int fold_letter(ucs4_t c, char out[3])
{
    const char *s = NULL;
    switch (c) {
    case 0xF8: /* ø */
        s = "o";
        break;
    case 0x142: /* ł */
        s = "l";
        break;
    case 0x111: /* đ */
    case 0xF0:  /* ð */
        s = "d";
        break;
    case 0xFE: /* þ */
        s = "th";
        break;
    case 0xE6: /* æ */
        s = "ae";
        break;
    case 0x153: /* œ */
        s = "oe";
        break;
    case 0x131: /* ı */
        s = "i";
        break;
    default:
        return 0;
    }
    strcpy(out, s);
    return 1;
}

/* Normalises the n bytes of s (followed, at n or later, by a NUL) into
 * z->cps (tokens separated by one space) and z->toks. 1, or 0 when out of
 * memory. */
static int normalize_tokens(normer *z, const char *s, size_t n)
{
    z->cps.n = z->toks.n = 0;
    const uint8_t *in = (const uint8_t *)s;
    if (u8_check(in, n)) {
        /* Bytes that are not UTF-8 are left out. */
        if (!grow((void **)&z->clean, &z->cclean, n + 1, 1))
            return 0;
        size_t k = 0;
        for (size_t i = 0; i < n;) {
            size_t cl = utf8_char(in + i, NULL);
            if (!cl || cl > n - i) {
                i++;
                continue;
            }
            memcpy(z->clean + k, in + i, cl);
            k += cl;
            i += cl;
        }
        in = (const uint8_t *)z->clean;
        n = k;
    }
    if (n == 0)
        return 1;
    size_t flen = z->cfolded;
    uint8_t *f = u8_casefold(in, n, NULL, UNINORM_NFKD, z->folded, &flen);
    if (!f)
        return errno == ENOMEM ? 0 : 1;
    if (f != z->folded) {
        free(z->folded);
        z->folded = f;
        z->cfolded = flen;
    }
    int in_token = 0;
    size_t start = 0;
    for (size_t i = 0; i < flen;) {
        ucs4_t c;
        int cl = u8_mbtouc(&c, f + i, flen - i);
        i += cl > 0 ? (size_t)cl : 1;
        char ascii[3];
        int letter = 0;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            letter = 1;
        } else if (c < 0x80) {
            if (c == '\'' || c == '.' || c == '`')
                continue;
        } else if (uc_is_general_category(c, UC_CATEGORY_M) || is_apostrophe(c)) {
            continue;
        } else if (uc_is_general_category(c, UC_CATEGORY_L) ||
                   uc_is_general_category(c, UC_CATEGORY_N)) {
            letter = 1;
        }
        if (!letter) {
            if (in_token) {
                if (!u32_push(&z->toks, (uint32_t)start) ||
                    !u32_push(&z->toks, (uint32_t)(z->cps.n - start)))
                    return 0;
                in_token = 0;
            }
            continue;
        }
        if (!in_token) {
            if (z->cps.n && !u32_push(&z->cps, ' '))
                return 0;
            start = z->cps.n;
            in_token = 1;
        }
        if (c >= 0x80 && fold_letter(c, ascii)) {
            for (const char *a = ascii; *a; a++)
                if (!u32_push(&z->cps, (uint32_t)*a))
                    return 0;
        } else if (!u32_push(&z->cps, (uint32_t)c)) {
            return 0;
        }
    }
    if (in_token &&
        (!u32_push(&z->toks, (uint32_t)start) || !u32_push(&z->toks, (uint32_t)(z->cps.n - start))))
        return 0;
    return 1;
}

/* Marks in z->keep the tokens that are not part of a legal form (all of
 * them when every token is). 1, or 0 when out of memory. */
static int set_aside(normer *z, const lforms *lf)
{
    size_t ntok = z->toks.n / 2;
    z->keep.n = 0;
    for (size_t i = 0; i < ntok;) {
        size_t skip = 0;
        for (size_t f = 0; f < (lf ? lf->n : 0) && !skip; f++) {
            const lform *L = &lf->v[f];
            if (i + L->ntok > ntok)
                continue;
            size_t a = z->toks.v[2 * i];
            size_t last = i + L->ntok - 1;
            size_t b = z->toks.v[2 * last] + z->toks.v[2 * last + 1];
            if (b - a == L->len && memcmp(z->cps.v + a, L->cp, L->len * sizeof *L->cp) == 0)
                skip = L->ntok;
        }
        if (skip) {
            i += skip;
            continue;
        }
        if (!u32_push(&z->keep, (uint32_t)i))
            return 0;
        i++;
    }
    if (z->keep.n == 0)
        for (size_t i = 0; i < ntok; i++)
            if (!u32_push(&z->keep, (uint32_t)i))
                return 0;
    return 1;
}

static int cmp_cps(const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
    size_t n = la < lb ? la : lb;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return la < lb ? -1 : la > lb;
}

/* Adds the n bytes of the name s, normalised, to the pool for entry; orig
 * is where the pool holds the name as written (SIZE_MAX: nowhere). Returns
 * 1 (a name with no token is not added), or 0 when out of memory. */
static int pool_name(pool *p, normer *z, const lforms *lf, const char *s, size_t n, size_t orig,
                     size_t entry)
{
    if (!normalize_tokens(z, s, n) || !set_aside(z, lf))
        return 0;
    size_t nk = z->keep.n < SCREEN_MAX_NAME_TOKENS ? z->keep.n : SCREEN_MAX_NAME_TOKENS;
    if (nk == 0)
        return 1;
    /* The kept tokens, in order and sorted (insertion sort: names have a
     * few tokens). */
    z->sorted.n = 0;
    for (size_t k = 0; k < nk; k++) {
        uint32_t t = z->keep.v[k];
        if (!u32_push(&z->sorted, t))
            return 0;
        size_t j = z->sorted.n - 1;
        while (j > 0) {
            uint32_t u = z->sorted.v[j - 1];
            if (cmp_cps(z->cps.v + z->toks.v[2 * u], z->toks.v[2 * u + 1],
                        z->cps.v + z->toks.v[2 * t], z->toks.v[2 * t + 1]) <= 0)
                break;
            z->sorted.v[j] = u;
            j--;
        }
        z->sorted.v[j] = t;
    }
    size_t len = nk - 1;
    for (size_t k = 0; k < nk; k++)
        len += z->toks.v[2 * z->keep.v[k] + 1];
    if (len > UINT32_MAX / 4 || !grow((void **)&p->cp, &p->ccp, p->ncp + 2 * len, sizeof *p->cp) ||
        !pool_tokens(p, nk) ||
        !grow((void **)&p->names, &p->cnames, p->nnames + 1, sizeof *p->names))
        return 0;
    sname *nm = &p->names[p->nnames++];
    memset(nm, 0, sizeof *nm);
    nm->orig = orig;
    nm->entry = entry;
    nm->len = (uint32_t)len;
    nm->ntok = (uint32_t)nk;
    nm->text = p->ncp;
    nm->sorted = p->ncp + len;
    nm->tok = p->ntok;
    uint32_t *t = p->cp + nm->text, *o = p->cp + nm->sorted;
    size_t at = 0, ot = 0;
    for (size_t k = 0; k < nk; k++) {
        uint32_t i = z->keep.v[k], u = z->sorted.v[k];
        if (k) {
            t[at++] = ' ';
            o[ot++] = ' ';
        }
        p->tstart[p->ntok] = (uint32_t)at;
        p->tlen[p->ntok] = z->toks.v[2 * i + 1];
        p->tid[p->ntok] = UINT32_MAX;
        p->tw[p->ntok] = 1.0f;
        p->ntok++;
        memcpy(t + at, z->cps.v + z->toks.v[2 * i], z->toks.v[2 * i + 1] * sizeof *t);
        at += z->toks.v[2 * i + 1];
        memcpy(o + ot, z->cps.v + z->toks.v[2 * u], z->toks.v[2 * u + 1] * sizeof *o);
        ot += z->toks.v[2 * u + 1];
    }
    p->ncp += 2 * len;
    if (len > p->max_len)
        p->max_len = len;
    if (nk > p->max_tok)
        p->max_tok = nk;
    return 1;
}
static void lforms_free(lforms *lf)
{
    for (size_t i = 0; i < lf->n; i++)
        free(lf->v[i].cp);
    free(lf->v);
    lf->v = NULL;
    lf->n = 0;
}

static int lform_order(const void *a, const void *b)
{
    const lform *x = a, *y = b;
    if (x->ntok != y->ntok)
        return x->ntok < y->ntok ? 1 : -1;
    return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

/* The legal forms, normalised, longest first. 1, or 0 when out of
 * memory. */
static int lforms_make(lforms *lf, normer *z, const char *const *forms)
{
    lf->v = NULL;
    lf->n = 0;
    size_t n = 0;
    while (forms && forms[n])
        n++;
    if (n == 0)
        return 1;
    lf->v = calloc(n, sizeof *lf->v);
    if (!lf->v)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!normalize_tokens(z, forms[i], strlen(forms[i]))) {
            lforms_free(lf);
            return 0;
        }
        if (z->cps.n == 0)
            continue;
        lform *L = &lf->v[lf->n];
        L->cp = malloc(z->cps.n * sizeof *L->cp);
        if (!L->cp) {
            lforms_free(lf);
            return 0;
        }
        memcpy(L->cp, z->cps.v, z->cps.n * sizeof *L->cp);
        L->len = z->cps.n;
        L->ntok = z->toks.n / 2;
        lf->n++;
    }
    qsort(lf->v, lf->n, sizeof *lf->v, lform_order);
    return 1;
}

char *screen_normalize(const char *name, const char *const *legal_forms)
{
    normer z = {0};
    lforms lf;
    char *out = NULL;
    if (!lforms_make(&lf, &z, legal_forms))
        goto done;
    if (!name)
        name = "";
    if (!normalize_tokens(&z, name, strlen(name)) || !set_aside(&z, &lf))
        goto done;
    /* The kept tokens, joined, as UTF-8. */
    u32vec j = {0};
    int ok = 1;
    for (size_t k = 0; ok && k < z.keep.n; k++) {
        uint32_t i = z.keep.v[k];
        if (k)
            ok = u32_push(&j, ' ');
        for (uint32_t c = 0; ok && c < z.toks.v[2 * i + 1]; c++)
            ok = u32_push(&j, z.cps.v[z.toks.v[2 * i] + c]);
    }
    if (ok) {
        size_t olen = 0;
        uint8_t *u = j.n ? u32_to_u8(j.v, j.n, NULL, &olen) : NULL;
        if (j.n == 0 || u) {
            out = malloc(olen + 1);
            if (out) {
                if (olen)
                    memcpy(out, u, olen);
                out[olen] = '\0';
            }
        }
        free(u);
    }
    free(j.v);
done:
    lforms_free(&lf);
    normer_free(&z);
    return out;
}

/* ---- Jaro-Winkler ---- */

/* fa, fb: scratch of la and lb bytes. */
static double jaro_winkler(const uint32_t *a, size_t la, const uint32_t *b, size_t lb,
                           unsigned char *fa, unsigned char *fb)
{
    if (la == 0 && lb == 0)
        return 1.0;
    if (la == 0 || lb == 0)
        return 0.0;
    size_t big = la > lb ? la : lb;
    size_t win = big / 2 > 0 ? big / 2 - 1 : 0;
    memset(fa, 0, la);
    memset(fb, 0, lb);
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > win ? i - win : 0;
        size_t hi = i + win + 1 < lb ? i + win + 1 : lb;
        for (size_t j = lo; j < hi; j++)
            if (!fb[j] && a[i] == b[j]) {
                fa[i] = fb[j] = 1;
                m++;
                break;
            }
    }
    if (m == 0)
        return 0.0;
    size_t t = 0, k = 0;
    for (size_t i = 0; i < la; i++) {
        if (!fa[i])
            continue;
        while (!fb[k])
            k++;
        if (a[i] != b[k])
            t++;
        k++;
    }
    double dm = (double)m;
    double jaro = (dm / (double)la + dm / (double)lb + (dm - (double)t / 2.0) / dm) / 3.0;
    if (jaro <= 0.7)
        return jaro;
    size_t p = 0;
    while (p < 4 && p < la && p < lb && a[p] == b[p])
        p++;
    return jaro + (double)p * 0.1 * (1.0 - jaro);
}

double screen_jaro_winkler(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    uint32_t *ua = u8_to_u32((const uint8_t *)a, strlen(a), NULL, &la);
    uint32_t *ub = u8_to_u32((const uint8_t *)b, strlen(b), NULL, &lb);
    unsigned char *f = malloc(la + lb + 1);
    double r = -1;
    if ((ua || !la) && (ub || !lb) && f)
        r = jaro_winkler(ua, la, ub, lb, f, f + la);
    free(ua);
    free(ub);
    free(f);
    return r;
}
/* ---- the vocabulary: the list's distinct tokens ---- */

/* A distinct token of the list's names: where its first occurrence is in
 * the pool's code points, and how many entries have it. */
typedef struct {
    uint32_t off, len, df, last; /* last: the last entry counted, plus 1 */
} vtok;

/* Characters counted by bucket (code point modulo NB: the letters a-z
 * apart), for the bound of Jaro-Winkler in match_vocab. */
#define NB 32
typedef struct {
    unsigned char n[NB]; /* saturated at 255 */
} vhist;

static void hist_of(vhist *h, const uint32_t *s, size_t n)
{
    memset(h, 0, sizeof *h);
    for (size_t i = 0; i < n; i++)
        if (h->n[s[i] % NB] < 255)
            h->n[s[i] % NB]++;
}

/* The distinct tokens, found by an open-addressing table of their ids. */
typedef struct {
    vtok *v;
    vhist *h; /* each token's characters */
    size_t n;
    uint32_t *slot; /* id + 1, 0 for an empty slot */
    uint32_t *hash; /* the slot's token's hash */
    size_t cap;     /* a power of two; 0 when there is no token */
    size_t nentries;
} vocab;

static void vocab_free(vocab *vc)
{
    free(vc->v);
    free(vc->h);
    free(vc->slot);
    free(vc->hash);
    memset(vc, 0, sizeof *vc);
}

static uint32_t tok_hash(const uint32_t *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 16777619u;
    }
    return h;
}

/* The slot of the token s (n code points) in the table: its own, or the
 * empty one where it would go. */
static size_t vocab_slot(const vocab *vc, const uint32_t *base, const uint32_t *s, size_t n,
                         uint32_t h)
{
    for (size_t i = h & (vc->cap - 1);; i = (i + 1) & (vc->cap - 1)) {
        uint32_t id = vc->slot[i];
        if (!id)
            return i;
        const vtok *t = &vc->v[id - 1];
        if (vc->hash[i] == h && t->len == n && memcmp(base + t->off, s, n * sizeof *s) == 0)
            return i;
    }
}

/* The weight of a token that df of the n entries have (0: none has it,
 * weighed as the rarest): its inverse document frequency, ln(1 + n / df).
 * A given name or a trade word shared by hundreds of entries weighs far
 * less than a surname or a company's own word. */
static float tok_weight(size_t df, size_t n)
{
    return (float)log(1.0 + (double)(n ? n : 1) / (double)(df ? df : 1));
}

/* The list's vocabulary: every token of its names gets its id and weight.
 * 1, or 0 when out of memory. */
static int vocab_build(vocab *vc, pool *p, size_t nentries)
{
    size_t cap = 16;
    while (cap < p->ntok + p->ntok / 2 + 1)
        cap *= 2;
    vc->slot = calloc(cap, sizeof *vc->slot);
    vc->hash = calloc(cap, sizeof *vc->hash);
    vc->v = malloc((p->ntok ? p->ntok : 1) * sizeof *vc->v);
    if (!vc->slot || !vc->hash || !vc->v)
        return 0;
    vc->cap = cap;
    vc->nentries = nentries;
    for (size_t m = 0; m < p->nnames; m++) {
        const sname *nm = &p->names[m];
        for (size_t k = nm->tok; k < nm->tok + nm->ntok; k++) {
            uint32_t off = (uint32_t)(nm->text + p->tstart[k]), len = p->tlen[k];
            uint32_t h = tok_hash(p->cp + off, len);
            size_t i = vocab_slot(vc, p->cp, p->cp + off, len, h);
            if (!vc->slot[i]) {
                vc->v[vc->n] = (vtok){off, len, 0, 0};
                vc->slot[i] = (uint32_t)++vc->n;
                vc->hash[i] = h;
            }
            vtok *t = &vc->v[vc->slot[i] - 1];
            if (t->last != (uint32_t)nm->entry + 1) {
                t->df++;
                t->last = (uint32_t)nm->entry + 1;
            }
            p->tid[k] = vc->slot[i] - 1;
        }
    }
    for (size_t k = 0; k < p->ntok; k++)
        p->tw[k] = tok_weight(vc->v[p->tid[k]].df, nentries);
    vc->h = malloc((vc->n ? vc->n : 1) * sizeof *vc->h);
    if (!vc->h)
        return 0;
    for (size_t d = 0; d < vc->n; d++)
        hist_of(&vc->h[d], p->cp + vc->v[d].off, vc->v[d].len);
    return 1;
}

/* Ids (UINT32_MAX for a token the list does not have) and weights of a
 * party pool's tokens. */
static void vocab_weigh(const vocab *vc, const pool *lp, pool *p)
{
    for (size_t m = 0; m < p->nnames; m++) {
        const sname *nm = &p->names[m];
        for (size_t k = nm->tok; k < nm->tok + nm->ntok; k++) {
            const uint32_t *s = p->cp + nm->text + p->tstart[k];
            uint32_t id = UINT32_MAX;
            if (vc->cap) {
                size_t i = vocab_slot(vc, lp->cp, s, p->tlen[k], tok_hash(s, p->tlen[k]));
                if (vc->slot[i])
                    id = vc->slot[i] - 1;
            }
            p->tid[k] = id;
            p->tw[k] = tok_weight(id == UINT32_MAX ? 0 : vc->v[id].df, vc->nentries);
        }
    }
}

/* ---- the list ---- */

typedef struct {
    size_t id, source, entity_number, type, programs, name, countries; /* offsets in str */
    size_t first, nnames;   /* its names in the pool: the name (when it has one) first */
    size_t alt_first, nalt; /* its alternative names as written (offsets in alts) */
} sentry;

struct screen_list {
    char *name;
    char sha256[65];
    char date[11];
    int has_date;
    pool p;
    sentry *entries;
    size_t nentries, centries;
    size_t *alts; /* offsets in p.str of the alternative names, entry by entry */
    size_t nalts, calts;
    lforms lf;
    vocab vc;
};

void screen_list_free(screen_list *l)
{
    if (!l)
        return;
    free(l->name);
    pool_free(&l->p);
    free(l->entries);
    free(l->alts);
    lforms_free(&l->lf);
    vocab_free(&l->vc);
    free(l);
}

size_t screen_list_count(const screen_list *l)
{
    return l ? l->nentries : 0;
}

const char *screen_list_name(const screen_list *l)
{
    return l ? l->name : NULL;
}

const char *screen_list_sha256(const screen_list *l)
{
    return l ? l->sha256 : NULL;
}

const char *screen_list_date(const screen_list *l)
{
    return l && l->has_date ? l->date : NULL;
}

int screen_list_entry(const screen_list *l, size_t i, screen_entry *out)
{
    if (!l || i >= l->nentries)
        return 0;
    const sentry *e = &l->entries[i];
    const char *s = l->p.str;
    *out = (screen_entry){s + e->id,       s + e->source, s + e->entity_number, s + e->type,
                          s + e->programs, s + e->name,   s + e->countries,     e->nalt};
    return 1;
}

const char *screen_list_alt_name(const screen_list *l, size_t i, size_t k)
{
    if (!l || i >= l->nentries || k >= l->entries[i].nalt)
        return NULL;
    return l->p.str + l->alts[l->entries[i].alt_first + k];
}

/* The columns screen.c reads; the first six are required. */
enum { C_SOURCE, C_NAME, C_ALT, C_ADDR, C_PROGRAMS, C_TYPE, C_ID, C_NUMBER, C_CIT, C_NAT, C_N };
static const char *const column_names[C_N] = {
    "source", "name", "alt_names",     "addresses",    "programs",
    "type",   "_id",  "entity_number", "citizenships", "nationalities"};
#define C_REQUIRED 6

static const csv_options list_csv_options = {
    .max_rows = SCREEN_MAX_ROWS,
    .max_columns = SCREEN_MAX_COLUMNS,
    .syntax_id = "list-syntax",
    .encoding_id = "list-bad-encoding",
    .columns_id = "list-too-many-columns",
    .rows_id = "list-too-many-rows",
    .encoding_advice = "the Consolidated Screening List's CSV download is UTF-8: download it "
                       "again, or save it from a spreadsheet as CSV UTF-8",
    .control_advice = NULL, /* the lists' remarks may hold any text */
    .rows_what = "entries (the Consolidated Screening List has about 13 000)",
};

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* s without the spaces at either end: *n bytes from the result. */
static const char *trim(const char *s, size_t *n)
{
    size_t len = *n;
    while (len && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        s++;
        len--;
    }
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    *n = len;
    return s;
}

static int is_code(const char *s, size_t n)
{
    return n == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* Appends the code s[0..1] to the space-separated codes in buf (8 bytes
 * more than it holds), once. */
static void add_code(char *buf, size_t *n, size_t cap, const char *s)
{
    for (size_t i = 0; i + 1 < *n; i += 3)
        if (buf[i] == s[0] && buf[i + 1] == s[1])
            return;
    if (*n + 3 >= cap)
        return;
    if (*n)
        buf[(*n)++] = ' ';
    buf[(*n)++] = s[0];
    buf[(*n)++] = s[1];
    buf[*n] = '\0';
}

/* The countries of an entry: the code that ends each address (the last
 * comma-separated part of each "; "-separated one), and the codes of its
 * citizenships and nationalities. */
static void entry_countries(const char *addresses, const char *cit, const char *nat, char *buf,
                            size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (const char *s = addresses; s && *s;) {
        const char *end = strchr(s, ';');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        const char *last = s;
        for (size_t i = 0; i < len; i++)
            if (s[i] == ',')
                last = s + i + 1;
        size_t ln = len - (size_t)(last - s);
        const char *c = trim(last, &ln);
        if (is_code(c, ln))
            add_code(buf, &n, cap, c);
        s = end ? end + 1 : s + len;
    }
    const char *lists[2] = {cit, nat};
    for (int k = 0; k < 2; k++)
        for (const char *s = lists[k]; s && *s;) {
            size_t len = strcspn(s, ";,");
            size_t ln = len;
            const char *c = trim(s, &ln);
            if (is_code(c, ln))
                add_code(buf, &n, cap, c);
            s += len;
            if (*s)
                s++;
        }
}

static clasm_status too_large(clasm_diags *diags, const char *name)
{
    diag_at(diags, CLASM_SEV_ERROR, "list-too-large", name, 0, 0,
            "the file is larger than the limit of %u MiB for a screening list",
            SCREEN_MAX_BYTES >> 20);
    return CLASM_E_INPUT;
}

static clasm_status oom(clasm_diags *diags, const char *name)
{
    diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", name, 0, 0,
            "out of memory while reading the screening list");
    return CLASM_E_IO;
}

/* Adds the entry of a checked row to l. 1, or 0 when out of memory. */
static int add_entry(screen_list *l, const csv_row *row, const int *col, normer *z)
{
    if (!grow((void **)&l->entries, &l->centries, l->nentries + 1, sizeof *l->entries))
        return 0;
    sentry *e = &l->entries[l->nentries];
    memset(e, 0, sizeof *e);
    const char *cell[C_N];
    for (int c = 0; c < C_N; c++)
        cell[c] = col[c] >= 0 ? row->cells[col[c]].text : "";
    size_t *fields[] = {&e->source, &e->name, &e->id, &e->programs, &e->entity_number, &e->type};
    const int which[] = {C_SOURCE, C_NAME, C_ID, C_PROGRAMS, C_NUMBER, C_TYPE};
    for (size_t k = 0; k < sizeof which / sizeof *which; k++) {
        size_t n = strlen(cell[which[k]]);
        const char *t = trim(cell[which[k]], &n);
        if ((*fields[k] = pool_str(&l->p, t, n)) == SIZE_MAX)
            return 0;
    }
    char countries[256];
    entry_countries(cell[C_ADDR], cell[C_CIT], cell[C_NAT], countries, sizeof countries);
    if ((e->countries = pool_str(&l->p, countries, strlen(countries))) == SIZE_MAX)
        return 0;
    e->first = l->p.nnames;
    size_t nlen = strlen(cell[C_NAME]);
    const char *nt = trim(cell[C_NAME], &nlen);
    if (!pool_name(&l->p, z, &l->lf, nt, nlen, e->name, l->nentries))
        return 0;
    e->alt_first = l->nalts;
    for (const char *s = cell[C_ALT]; *s;) {
        const char *end = strchr(s, ';');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        const char *t = trim(s, &len);
        if (len > 4 && strncasecmp(t, "and ", 4) == 0) {
            t += 4;
            len -= 4;
            t = trim(t, &len);
        }
        if (len) {
            size_t at = pool_str(&l->p, t, len);
            if (at == SIZE_MAX ||
                !grow((void **)&l->alts, &l->calts, l->nalts + 1, sizeof *l->alts))
                return 0;
            l->alts[l->nalts++] = at;
            e->nalt++;
            if (!pool_name(&l->p, z, &l->lf, t, len, at, l->nentries))
                return 0;
        }
        s = end ? end + 1 : s + strlen(s);
    }
    e->nnames = l->p.nnames - e->first;
    l->nentries++;
    return 1;
}

/* Reading a list: each record as the CSV reader gives it. */
typedef struct {
    screen_list *l;
    const char *name;
    clasm_diags *diags;
    normer z;
    int header;   /* 1 once the header is read */
    int col[C_N]; /* the columns read, by their place; -1 when absent */
    size_t ncols; /* the header's cells */
    int line;     /* the header's line */
    int missing;  /* a required column is missing */
    size_t nrows; /* entries read */
    size_t nbad;  /* rows of another length */
} loader;

static int on_row(void *ctx, csv_row *row)
{
    loader *L = ctx;
    int ok = 1;
    if (!L->header) {
        /* The header: the columns read, by name, in any order. */
        L->header = 1;
        L->ncols = row->n;
        L->line = row->line;
        for (int c = 0; c < C_N; c++) {
            L->col[c] = -1;
            for (size_t i = 0; i < row->n && L->col[c] < 0; i++) {
                size_t n = strlen(row->cells[i].text);
                const char *t = trim(row->cells[i].text, &n);
                if (n == strlen(column_names[c]) && strncasecmp(t, column_names[c], n) == 0)
                    L->col[c] = (int)i;
            }
        }
        for (int c = 0; c < C_REQUIRED; c++)
            if (L->col[c] < 0) {
                diag_at(L->diags, CLASM_SEV_ERROR, "list-missing-column", L->name, row->line, 1,
                        "the header has no column '%s'; a screening list is the Consolidated "
                        "Screening List's CSV download, whose header names its columns "
                        "(source, entity_number, type, programs, name, addresses, alt_names "
                        "and others)",
                        column_names[c]);
                L->missing = 1;
            }
    } else if (row->n != L->ncols) {
        L->nrows++;
        if (++L->nbad <= MAX_BAD_ROWS)
            diag_at(L->diags, CLASM_SEV_ERROR, "list-bad-row", L->name, row->line, 1,
                    "this entry has %zu cell%s and the header %zu; a cell with a comma in it "
                    "is in quotes (\"...\"), a quote in one written twice (\"\")",
                    row->n, row->n == 1 ? "" : "s", L->ncols);
    } else {
        L->nrows++;
        /* After a problem the rest is only checked. */
        if (!L->missing && !L->nbad)
            ok = add_entry(L->l, row, L->col, &L->z);
    }
    csv_row_free(row);
    return ok;
}

clasm_status screen_list_parse(const char *name, const unsigned char *data, size_t len,
                               const char *const *legal_forms, screen_list **out,
                               clasm_diags *diags)
{
    *out = NULL;
    if (!name)
        name = "(screening list)";
    if (len > SCREEN_MAX_BYTES)
        return too_large(diags, name);
    screen_list *l = calloc(1, sizeof *l);
    if (!l || !(l->name = strdup(base_name(name)))) {
        free(l);
        return oom(diags, name);
    }
    sha256 *h = sha256_begin();
    if (h)
        sha256_add(h, data, len);
    loader L = {.l = l, .name = name, .diags = diags};
    if (!sha256_end(h, l->sha256) ||
        !lforms_make(&l->lf, &L.z, legal_forms ? legal_forms : screen_default_legal_forms)) {
        normer_free(&L.z);
        screen_list_free(l);
        return oom(diags, name);
    }
    clasm_status st = csv_each(name, (const char *)data, len, &list_csv_options, on_row, &L, diags);
    normer_free(&L.z);
    if (st == CLASM_OK && !L.header) {
        diag_at(diags, CLASM_SEV_ERROR, "list-empty", name, 1, 1,
                "the file is empty; a screening list is the Consolidated Screening List's CSV "
                "download, a header naming its columns and a row for each entry");
        st = CLASM_E_INPUT;
    } else if (st == CLASM_OK && L.nrows == 0) {
        diag_at(diags, CLASM_SEV_ERROR, "list-empty", name, L.line + 1, 1,
                "the file has a header and no entries; a screening list is the Consolidated "
                "Screening List's CSV download, a row for each entry");
        st = CLASM_E_INPUT;
    }
    if (st != CLASM_E_IO && L.nbad > MAX_BAD_ROWS)
        diag_at(diags, CLASM_SEV_ERROR, "list-bad-row", name, 0, 0,
                "%zu more entries have a number of cells other than the header's",
                L.nbad - MAX_BAD_ROWS);
    if (st == CLASM_OK && (L.missing || L.nbad))
        st = CLASM_E_INPUT;
    if (st == CLASM_OK && !vocab_build(&l->vc, &l->p, l->nentries))
        st = CLASM_E_IO;
    if (st != CLASM_OK) {
        screen_list_free(l);
        return st == CLASM_E_IO ? oom(diags, name) : st;
    }
    *out = l;
    return CLASM_OK;
}

clasm_status screen_list_load(const char *path, const char *const *legal_forms, screen_list **out,
                              clasm_diags *diags)
{
    *out = NULL;
    size_t n = 0;
    time_t mtime = 0;
    clasm_status st = CLASM_OK;
    char *buf = csv_read_file(path, SCREEN_MAX_BYTES, "list-too-large",
                              "the file is larger than the limit of %zu MiB for a screening list",
                              &n, &mtime, &st, diags);
    if (!buf)
        return st;
    st = screen_list_parse(path, (const unsigned char *)buf, n, legal_forms, out, diags);
    free(buf);
    if (st == CLASM_OK) {
        struct tm tm;
        if (gmtime_r(&mtime, &tm) && strftime((*out)->date, sizeof(*out)->date, "%Y-%m-%d", &tm))
            (*out)->has_date = 1;
    }
    return st;
}
/* ---- screening ---- */

screen_options screen_default_options(void)
{
    return (screen_options){SCREEN_DEFAULT_THRESHOLD, 0};
}

/* 1 when the party's country is one of the entry's, -1 when not, 0 when
 * either has none. */
static int compare_country(const char *party, const char *entry)
{
    if (!party || !entry[0])
        return 0;
    char up[2];
    for (int i = 0; i < 2; i++) {
        char c = party[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return 0;
        up[i] = c;
    }
    if (party[2])
        return 0;
    for (const char *s = entry; s[0] && s[1]; s += s[2] ? 3 : 2)
        if (s[0] == up[0] && s[1] == up[1])
            return 1;
    return -1;
}

/* A party token similar to a vocabulary token: the similarities of one
 * party's tokens, kept as a list for each vocabulary token that has any. */
typedef struct {
    uint32_t ptok; /* the party token, 0-based within its name */
    uint32_t next; /* the next match of the same vocabulary token, plus 1 */
    float sim;
} vmatch;

typedef struct {
    uint32_t ptok, etok; /* 0-based within their names */
    float sim;
} tpair;

/* Scratch space of one call, sized once. */
typedef struct {
    uint32_t *head; /* per vocabulary token: its first match, plus 1 */
    vmatch *m;
    size_t nm, cm;
    uint32_t *touched; /* vocabulary tokens with matches */
    size_t ntouched, ctouched;
    tpair *pairs;
    size_t cpairs;
    unsigned char *pused, *eused; /* tokens paired */
    int32_t *pair_of;             /* per party token: its entry token, or -1 */
    unsigned char *fa, *fb;       /* Jaro-Winkler's flags */
} scratch;

static void scratch_free(scratch *sc)
{
    free(sc->head);
    free(sc->m);
    free(sc->touched);
    free(sc->pairs);
    free(sc->pused);
    free(sc->eused);
    free(sc->pair_of);
    free(sc->fa);
    free(sc->fb);
}

/* The similarities of the party name p's tokens with every vocabulary
 * token, those of PAIR_MIN or more kept. 1, or 0 when out of memory. */
static int match_vocab(const screen_list *l, const pool *pp, const sname *p, scratch *sc)
{
    for (size_t k = 0; k < sc->ntouched; k++)
        sc->head[sc->touched[k]] = 0;
    sc->ntouched = sc->nm = 0;
    const vocab *vc = &l->vc;
    for (uint32_t i = 0; i < p->ntok; i++) {
        const uint32_t *a = pp->cp + p->text + pp->tstart[p->tok + i];
        size_t la = pp->tlen[p->tok + i];
        vhist ha;
        hist_of(&ha, a, la);
        for (size_t d = 0; d < vc->n; d++) {
            const vtok *t = &vc->v[d];
            /* The most characters the two can match: those they share, by
             * bucket; then Jaro at best (no transposition) and Winkler's
             * boost at best (4 characters of prefix). Most of the
             * vocabulary is skipped here. */
            if (la <= 255 && t->len <= 255) {
                unsigned m = 0;
                for (unsigned b = 0; b < NB; b++)
                    m += ha.n[b] < vc->h[d].n[b] ? ha.n[b] : vc->h[d].n[b];
                double j = ((double)m / (double)la + (double)m / (double)t->len + 1.0) / 3.0;
                if ((j <= 0.7 ? j : j + 0.4 * (1.0 - j)) < PAIR_MIN)
                    continue;
            }
            double s = jaro_winkler(a, la, l->p.cp + t->off, t->len, sc->fa, sc->fb);
            if (s < PAIR_MIN)
                continue;
            if (!grow((void **)&sc->m, &sc->cm, sc->nm + 1, sizeof *sc->m))
                return 0;
            if (!sc->head[d]) {
                if (!grow((void **)&sc->touched, &sc->ctouched, sc->ntouched + 1,
                          sizeof *sc->touched))
                    return 0;
                sc->touched[sc->ntouched++] = (uint32_t)d;
            }
            sc->m[sc->nm] = (vmatch){i, sc->head[d], (float)s};
            sc->head[d] = (uint32_t)++sc->nm;
        }
    }
    return 1;
}

static int pair_order(const void *pa, const void *pb)
{
    const tpair *a = pa, *b = pb;
    if (a->sim != b->sim)
        return a->sim > b->sim ? -1 : 1;
    if (a->ptok != b->ptok)
        return a->ptok < b->ptok ? -1 : 1;
    return a->etok < b->etok ? -1 : a->etok > b->etok;
}

/* The score of the party name p against the list's name e: their tokens
 * paired, most similar first, each at most once, a pair only when its
 * tokens' Jaro-Winkler similarity is PAIR_MIN or more; each pair's
 * similarity weighted by its two tokens' weights, over the weights of the
 * party's tokens, the entry's paired tokens and BETA of its others. The
 * pairing is left in sc->pair_of. 0 when no token
 * pairs. */
static double align(const screen_list *l, const pool *pp, const sname *p, const sname *e,
                    scratch *sc)
{
    size_t np = 0;
    for (uint32_t j = 0; j < e->ntok; j++) {
        uint32_t id = l->p.tid[e->tok + j];
        for (uint32_t k = sc->head[id]; k; k = sc->m[k - 1].next)
            sc->pairs[np++] = (tpair){sc->m[k - 1].ptok, j, sc->m[k - 1].sim};
    }
    if (np > 1)
        qsort(sc->pairs, np, sizeof *sc->pairs, pair_order);
    for (uint32_t i = 0; i < p->ntok; i++) {
        sc->pair_of[i] = -1;
        sc->pused[i] = 0;
    }
    if (np == 0)
        return 0.0;
    memset(sc->eused, 0, e->ntok);
    const float *wp = pp->tw + p->tok, *we = l->p.tw + e->tok;
    double num = 0, den = 0;
    for (size_t k = 0; k < np; k++) {
        const tpair *t = &sc->pairs[k];
        if (sc->pused[t->ptok] || sc->eused[t->etok])
            continue;
        sc->pused[t->ptok] = sc->eused[t->etok] = 1;
        sc->pair_of[t->ptok] = (int32_t)t->etok;
        double w = (double)wp[t->ptok] + (double)we[t->etok];
        num += (double)t->sim * w;
        den += w;
    }
    for (uint32_t i = 0; i < p->ntok; i++)
        if (!sc->pused[i])
            den += wp[i];
    for (uint32_t j = 0; j < e->ntok; j++)
        if (!sc->eused[j])
            den += BETA * (double)we[j];
    double s = den > 0 ? num / den : 0.0;
    return s > 1.0 ? 1.0 : s;
}

/* The better of the whole names' and the sorted tokens' Jaro-Winkler. */
static double string_score(const screen_list *l, const pool *pp, const sname *p, const sname *e,
                           scratch *sc)
{
    const uint32_t *a = pp->cp, *b = l->p.cp;
    double w = jaro_winkler(a + p->text, p->len, b + e->text, e->len, sc->fa, sc->fb);
    double s = jaro_winkler(a + p->sorted, p->len, b + e->sorted, e->len, sc->fa, sc->fb);
    return w > s ? w : s;
}

static int append(char **buf, size_t *n, size_t *cap, const char *s)
{
    size_t len = strlen(s);
    if (!grow((void **)buf, cap, *n + len + 1, 1))
        return 0;
    memcpy(*buf + *n, s, len + 1);
    *n += len;
    return 1;
}

static int append_cps(char **buf, size_t *n, size_t *cap, const uint32_t *s, size_t len)
{
    if (!grow((void **)buf, cap, *n + 4 * len + 1, 1))
        return 0;
    for (size_t i = 0; i < len; i++) {
        int k = u8_uctomb((uint8_t *)*buf + *n, s[i], 4);
        if (k > 0)
            *n += (size_t)k;
    }
    (*buf)[*n] = '\0';
    return 1;
}

/* "volkov ~ volkoff, trading = trading, petrov (none)": the pairing align
 * left in sc, as text. Malloc'd, or NULL when out of memory. */
static char *token_report(const screen_list *l, const pool *pp, const sname *p, const sname *e,
                          const scratch *sc)
{
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (!append(&buf, &n, &cap, ""))
        return NULL;
    for (uint32_t i = 0; i < p->ntok; i++) {
        const uint32_t *a = pp->cp + p->text + pp->tstart[p->tok + i];
        size_t la = pp->tlen[p->tok + i];
        int ok = (!i || append(&buf, &n, &cap, ", ")) && append_cps(&buf, &n, &cap, a, la);
        if (ok && sc->pair_of[i] < 0) {
            ok = append(&buf, &n, &cap, " (none)");
        } else if (ok) {
            uint32_t j = e->tok + (uint32_t)sc->pair_of[i];
            const uint32_t *b = l->p.cp + e->text + l->p.tstart[j];
            size_t lb = l->p.tlen[j];
            int same = la == lb && memcmp(a, b, la * sizeof *a) == 0;
            ok = append(&buf, &n, &cap, same ? " = " : " ~ ") && append_cps(&buf, &n, &cap, b, lb);
        }
        if (!ok) {
            free(buf);
            return NULL;
        }
    }
    return buf;
}

static int hit_order(const void *a, const void *b)
{
    const screen_hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

void screen_hits_free(screen_hit *h, size_t n)
{
    for (size_t i = 0; h && i < n; i++)
        free(h[i].matched_tokens);
    free(h);
}

/* A hit while screening, with the name that matched. */
typedef struct {
    screen_hit hit;
    size_t name;
} cand;

static int cand_order(const void *a, const void *b)
{
    return hit_order(&((const cand *)a)->hit, &((const cand *)b)->hit);
}

/* Sizes the scratch space for the parties' and the list's names. 1, or 0
 * when out of memory. */
static int scratch_make(scratch *sc, const screen_list *l, const pool *pp)
{
    size_t pt = pp->max_tok + 1, et = l->p.max_tok + 1;
    size_t len = (pp->max_len > l->p.max_len ? pp->max_len : l->p.max_len) + 1;
    sc->head = calloc(l->vc.n + 1, sizeof *sc->head);
    sc->pused = malloc(pt);
    sc->eused = malloc(et);
    sc->pair_of = malloc(pt * sizeof *sc->pair_of);
    sc->fa = malloc(len);
    sc->fb = malloc(len);
    /* A name's pairs: each of its tokens with each party token at most. */
    sc->cpairs = pt * et;
    sc->pairs = malloc(sc->cpairs * sizeof *sc->pairs);
    return sc->head && sc->pused && sc->eused && sc->pair_of && sc->fa && sc->fb && sc->pairs;
}

int screen_parties(const screen_list *l, const screen_party *parties, size_t n,
                   const screen_options *o, screen_hit **hits_out, size_t *nhits_out)
{
    *hits_out = NULL;
    *nhits_out = 0;
    screen_options opt = o ? *o : screen_default_options();
    if (!l || !parties || n == 0)
        return 0;
    pool pp = {0};
    normer z = {0};
    scratch sc = {0};
    screen_hit *hits = NULL;
    size_t nh = 0, ch = 0;
    cand *cs = NULL;
    size_t ccs = 0;
    int ok = 1;
    /* The parties' names, normalised and weighed like the list's. */
    for (size_t i = 0; ok && i < n; i++) {
        const char *nm = parties[i].name ? parties[i].name : "";
        ok = pool_name(&pp, &z, &l->lf, nm, strlen(nm), SIZE_MAX, i);
    }
    normer_free(&z);
    if (ok) {
        vocab_weigh(&l->vc, &l->p, &pp);
        ok = scratch_make(&sc, l, &pp);
    }
    const char *str = l->p.str;
    for (size_t m = 0; ok && m < pp.nnames; m++) {
        const sname *p = &pp.names[m];
        size_t i = p->entry; /* the party */
        if (!match_vocab(l, &pp, p, &sc)) {
            ok = 0;
            break;
        }
        size_t nc = 0;
        for (size_t k = 0; k < l->nentries; k++) {
            const sentry *e = &l->entries[k];
            int country = compare_country(parties[i].country, str + e->countries);
            double need = opt.threshold + (country < 0 ? SCREEN_COUNTRY_RAISE : 0.0);
            double best = 0;
            size_t bestname = SIZE_MAX;
            for (size_t nmi = e->first; nmi < e->first + e->nnames; nmi++) {
                double s = align(l, &pp, p, &l->p.names[nmi], &sc);
                if (s > best) {
                    best = s;
                    bestname = nmi;
                }
            }
            if (bestname == SIZE_MAX || best < need)
                continue;
            if (!grow((void **)&cs, &ccs, nc + 1, sizeof *cs)) {
                ok = 0;
                break;
            }
            cs[nc].hit = (screen_hit){.party = i,
                                      .entry = k,
                                      .score = best,
                                      .entry_name = str + e->name,
                                      .matched_name = str + l->p.names[bestname].orig,
                                      .source = str + e->source,
                                      .programs = str + e->programs,
                                      .type = str + e->type,
                                      .entity_number = str + e->entity_number,
                                      .id = str + e->id,
                                      .countries = str + e->countries,
                                      .matched_tokens = NULL,
                                      .country = country};
            cs[nc].name = bestname;
            nc++;
        }
        if (!ok)
            break;
        /* Best first; then, for the hits kept, which tokens matched. */
        if (nc > 1)
            qsort(cs, nc, sizeof *cs, cand_order);
        if (opt.max_hits && nc > opt.max_hits)
            nc = opt.max_hits;
        if (!grow((void **)&hits, &ch, nh + nc, sizeof *hits)) {
            ok = 0;
            break;
        }
        for (size_t h = 0; ok && h < nc; h++) {
            const sname *e = &l->p.names[cs[h].name];
            hits[nh] = cs[h].hit;
            align(l, &pp, p, e, &sc);
            hits[nh].string_score = string_score(l, &pp, p, e, &sc);
            hits[nh].matched_tokens = token_report(l, &pp, p, e, &sc);
            if (!hits[nh].matched_tokens)
                ok = 0;
            else
                nh++;
        }
    }
    free(cs);
    scratch_free(&sc);
    pool_free(&pp);
    if (!ok) {
        screen_hits_free(hits, nh);
        return -1;
    }
    if (nh == 0) {
        free(hits);
        hits = NULL;
    }
    *hits_out = hits;
    *nhits_out = nh;
    return 0;
}
