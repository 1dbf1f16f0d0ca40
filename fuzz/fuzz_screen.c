/* libFuzzer harness: restricted-party screening (screen.c) on arbitrary
 * bytes as a list in the Consolidated Screening List's CSV layout. A list
 * that loads is read back (every entry, every alternative name) and
 * screened: fixed parties and, from the list itself, its first and middle
 * entries' own names, at a low threshold and at the default, once with
 * max_hits.
 *
 * Oracles: status and result agree (fuzz_check_status); every score and
 * string_score is in [0, 1] and every hit at least its threshold; every
 * hit's party and entry are in range, its borrowed strings are the list's
 * entry's, its tokens are reported; hits come by party, best first; an
 * entry's own name scores 1 against it. */
#include "clasm.h"
#include "fuzz_util.h"
#include "screen.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static void check_hits(const screen_list *l, size_t np, const screen_options *o,
                       const screen_hit *h, size_t nh)
{
    size_t count = screen_list_count(l);
    for (size_t i = 0; i < nh; i++) {
        const screen_hit *x = &h[i];
        if (x->party >= np || x->entry >= count)
            abort();
        if (!(x->score >= 0.0 && x->score <= 1.0) || x->score < o->threshold)
            abort();
        if (!(x->string_score >= 0.0 && x->string_score <= 1.0))
            abort();
        if (x->country < -1 || x->country > 1 || !x->matched_tokens || !x->matched_name)
            abort();
        screen_entry e;
        if (!screen_list_entry(l, x->entry, &e) || x->entry_name != e.name || x->id != e.id ||
            x->source != e.source || x->countries != e.countries)
            abort();
        if (i > 0) {
            const screen_hit *w = &h[i - 1];
            if (w->party > x->party || (w->party == x->party && w->score < x->score))
                abort();
        }
    }
    if (o->max_hits)
        for (size_t i = 0; i < nh;) {
            size_t k = i;
            while (k < nh && h[k].party == h[i].party)
                k++;
            if (k - i > o->max_hits)
                abort();
            i = k;
        }
}

static void screen_and_check(const screen_list *l, const screen_party *p, size_t np,
                             const screen_options *o)
{
    screen_hit *h = NULL;
    size_t nh = 0;
    if (screen_parties(l, p, np, o, &h, &nh) != 0) {
        if (h || nh)
            abort();
        return; /* out of memory */
    }
    if ((nh == 0) != (h == NULL))
        abort();
    check_hits(l, np, o, h, nh);
    screen_hits_free(h, nh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clasm_diags d;
    clasm_diags_init(&d);
    screen_list *l = NULL;
    clasm_status st = screen_list_parse("fuzz.csv", data, size, NULL, &l, &d);
    fuzz_check_status(st, l, &d);
    if (l) {
        size_t n = screen_list_count(l);
        if (n == 0 || strlen(screen_list_sha256(l)) != 64 || screen_list_date(l))
            abort();
        for (size_t i = 0; i < n; i++) {
            screen_entry e;
            if (!screen_list_entry(l, i, &e))
                abort();
            for (size_t k = 0; k < e.nalt; k++)
                if (!screen_list_alt_name(l, i, k))
                    abort();
            if (screen_list_alt_name(l, i, e.nalt))
                abort();
        }
        screen_entry first, middle;
        screen_list_entry(l, 0, &first);
        screen_list_entry(l, n / 2, &middle);
        screen_party p[] = {
            {"customer", "Mohammed Karim Veltraski", "AE"},
            {"reseller", "Tervalon Trading LLC", NULL},
            {"end user",
             "\xc3\x9cmit \xc3\x87"
             "elik GmbH & Co. KG",
             "de"},
            {"end user", "", "XX"},
            {"end user", first.name, NULL},
            {"end user", middle.name, middle.countries[0] ? "ZZ" : NULL},
        };
        size_t np = sizeof p / sizeof *p;
        screen_options low = {0.5, 0}, def = screen_default_options(), one = {0.3, 1};
        screen_and_check(l, p, np, &low);
        screen_and_check(l, p, np, &def);
        screen_and_check(l, p, np, &one);
        /* An entry's own name scores 1 against it. */
        screen_options top = {0.999999, 0};
        screen_hit *h = NULL;
        size_t nh = 0;
        if (screen_parties(l, &p[4], 1, &top, &h, &nh) == 0) {
            char *norm = screen_normalize(first.name, NULL);
            int has_token = norm && norm[0];
            int found = 0;
            for (size_t i = 0; i < nh; i++)
                found |= h[i].entry == 0;
            if (norm && has_token != found)
                abort();
            free(norm);
            screen_hits_free(h, nh);
        }
    }
    screen_list_free(l);
    clasm_diags_free(&d);
    return 0;
}
