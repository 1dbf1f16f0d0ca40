/* Deal loading: the deal file format of docs/deals.md (schemas/deal.schema.json), validated in one
 * pass that reports every problem of the file, and the values templates and clauses use. */
#include "deal.h"
#include "deal_fields.h"
#include "iso_time.h"

#include "diag.h"
#include "strfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const deal_customer_kinds[] = {"government-agency", "security-service", "state-linked",
                                           "private", NULL};
const char *const deal_deployments[] = {"cloud", "on-premises", "hybrid", NULL};
const char *const deal_licenses[] = {"perpetual", "subscription", NULL};
const char *const deal_end_uses[] = {"known", "unknown", NULL};

static const char *const top_keys[] = {
    "id",        "documents",  "date",      "seller",    "customer", "reseller",
    "product",   "deployment", "license",   "end_use",   "risks",    "terms",
    "positions", "dismissed",  "end_users", "screening", NULL};
static const char *const top_required[] = {"id",       "documents", "date",       "seller",
                                           "customer", "product",   "deployment", "license",
                                           "end_use",  NULL};
static const char *const seller_keys[] = {"name", "address", "jurisdiction", NULL};
static const char *const customer_keys[] = {"name",    "country",      "kind",
                                            "address", "jurisdiction", NULL};
static const char *const customer_required[] = {"name", "country", "kind", NULL};
static const char *const reseller_keys[] = {"name", "country", "address", "jurisdiction", NULL};
static const char *const name_required[] = {"name", NULL};
static const char *const product_keys[] = {"name", "capabilities", NULL};

typedef struct {
    yt_ctx ctx;
    int ok;
    int oom;
} loader;

/* An error at node n about the deal value at path ("customer.name",
 * "risks[2]"; clasm_diag's path). */
static void fail(loader *L, const yt_node *n, const char *path, const char *id, const char *fmt,
                 ...) CLASM_PRINTF(5, 6);

static void fail(loader *L, const yt_node *n, const char *path, const char *id, const char *fmt,
                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = str_vprintf(fmt, ap);
    va_end(ap);
    diag_field(L->ctx.diags, CLASM_SEV_ERROR, id, path, L->ctx.file, n ? n->line : 0,
               n ? n->column : 0, "%s", msg ? msg : "out of memory while reporting a problem");
    free(msg);
    L->ok = 0;
}

/* Most risks or capabilities a deal may list (fuzz/README.md "Limits"):
 * the catalogue has a few dozen risks; the duplicate checks are quadratic,
 * and a deal of 100 000 risk ids took two minutes. */
#define DEAL_MAX_LIST 1000u

/* 1 when seq (the list at key) is within DEAL_MAX_LIST; else an error. */
static int list_within_limit(loader *L, const yt_node *seq, const char *key)
{
    if (!seq || seq->count <= DEAL_MAX_LIST)
        return 1;
    fail(L, seq, key, "too-many-items", "%s: the list is longer than the limit of %u items", key,
         DEAL_MAX_LIST);
    return 0;
}

/* Deal ids end up in file names: letters, digits, '.', '_' and '-', not
 * starting with a dot, at most 100 characters. */
static int valid_deal_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 100 || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

/* A party mapping: checks its keys and reads its fields. */
static int load_party(loader *L, const yt_node *root, const char *key, const char *const *allowed,
                      const char *const *required, deal_party *out)
{
    const yt_node *m = yt_get(root, key);
    if (!m || !yt_expect(&L->ctx, m, YT_MAPPING, key)) {
        if (m)
            L->ok = 0;
        return 0;
    }
    if (!yt_check_keys(&L->ctx, m, key, allowed, NULL))
        L->ok = 0;
    out->name = yt_get_str(&L->ctx, m, "name", key, 1);
    if (!out->name)
        L->ok = 0;
    else if (!out->name[0]) {
        char path[64];
        snprintf(path, sizeof path, "%s.name", key);
        fail(L, yt_get(m, "name"), path, "empty-value",
             "%s is empty; the draft names the party with it", path);
    }
    out->address = yt_get_str(&L->ctx, m, "address", key, 0);
    out->jurisdiction = yt_get_str(&L->ctx, m, "jurisdiction", key, 0);
    int country_required = 0;
    for (size_t i = 0; required[i]; i++)
        country_required |= strcmp(required[i], "country") == 0;
    /* Whether the code is a country is checked against ISO 3166-1 when the
     * deal meets the library (values.c), which knows the list. */
    out->country = yt_get_str(&L->ctx, m, "country", key, country_required);
    const yt_node *cn = yt_get(m, "country");
    if (out->country && cn) {
        out->country_line = cn->line;
        out->country_column = cn->column;
    } else if (!out->country && country_required) {
        L->ok = 0;
    }
    return 1;
}

static void load_documents(loader *L, const yt_node *root, clasm_deal *deal)
{
    const yt_node *seq = yt_get_str_list(&L->ctx, root, "documents", "", 0);
    if (!seq) {
        const yt_node *n = yt_get(root, "documents");
        if (n && yt_is_null(n))
            fail(L, n, "documents", "missing-value",
                 "documents has no value; name at least one of %s", CLASM_DOCUMENT_LIST);
        else if (n)
            L->ok = 0; /* yt_get_str_list said why */
        return;
    }
    if (seq->count == 0) {
        fail(L, seq, "documents", "empty-list", "%s is empty; name at least one of %s", "documents",
             CLASM_DOCUMENT_LIST);
        return;
    }
    for (size_t i = 0; i < seq->count; i++) {
        const yt_node *it = seq->items[i];
        int d = clasm_document_from_name(it->scalar);
        if (d < 0) {
            const char *near = yt_suggest(it->scalar, deal_documents, CLASM_DOC_COUNT);
            char path[32];
            snprintf(path, sizeof path, "documents[%zu]", i);
            if (near)
                fail(L, it, path, "invalid-value",
                     "%s: '%s' is not a document (one of: " CLASM_DOCUMENT_LIST
                     "); did you mean '%s'?",
                     path, it->scalar, near);
            else
                fail(L, it, path, "invalid-value",
                     "%s: '%s' is not a document (one of: " CLASM_DOCUMENT_LIST ")", path,
                     it->scalar);
            L->ok = 0;
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < deal->ndocuments; j++)
            dup |= deal->documents[j] == (clasm_document)d;
        if (dup) {
            char path[32];
            snprintf(path, sizeof path, "documents[%zu]", i);
            fail(L, it, path, "duplicate-document", "documents: '%s' is named twice", it->scalar);
            continue;
        }
        deal->documents[deal->ndocuments++] = (clasm_document)d;
    }
}

static void load_product(loader *L, const yt_node *root, clasm_deal *deal)
{
    const yt_node *m = yt_get(root, "product");
    if (!m)
        return;
    if (!yt_expect(&L->ctx, m, YT_MAPPING, "product")) {
        L->ok = 0;
        return;
    }
    if (!yt_check_keys(&L->ctx, m, "product", product_keys, NULL))
        L->ok = 0;
    deal->product_name = yt_get_str(&L->ctx, m, "name", "product", 1);
    if (!deal->product_name)
        L->ok = 0;
    else if (!deal->product_name[0])
        fail(L, yt_get(m, "name"), "product.name", "empty-value",
             "product.name is empty; the draft names the product with it");
    const yt_node *caps = yt_get_str_list(&L->ctx, m, "capabilities", "product", 0);
    if (!caps) {
        const yt_node *raw = yt_get(m, "capabilities");
        if (raw && !yt_is_null(raw))
            L->ok = 0;
    }
    if (!list_within_limit(L, caps, "product.capabilities"))
        return;
    size_t n = caps ? caps->count : 0;
    deal->capabilities = calloc(n + 1, sizeof *deal->capabilities);
    deal->capability_nodes = calloc(n + 1, sizeof *deal->capability_nodes);
    size_t joined_len = 1;
    for (size_t i = 0; i < n; i++)
        joined_len += caps->items[i]->scalar_len + 2;
    deal->capabilities_joined = malloc(joined_len);
    if (!deal->capabilities || !deal->capability_nodes || !deal->capabilities_joined) {
        L->oom = 1;
        return;
    }
    deal->capabilities_joined[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *c = caps->items[i]->scalar;
        int dup = 0;
        for (size_t j = 0; j < deal->ncapabilities; j++)
            dup |= strcmp(deal->capabilities[j], c) == 0;
        if (dup) {
            char path[48];
            snprintf(path, sizeof path, "product.capabilities[%zu]", i);
            fail(L, caps->items[i], path, "duplicate-capability",
                 "product.capabilities: '%s' is named twice", c);
            continue;
        }
        if (deal->ncapabilities)
            strcat(deal->capabilities_joined, ", ");
        strcat(deal->capabilities_joined, c);
        deal->capability_nodes[deal->ncapabilities] = caps->items[i];
        deal->capabilities[deal->ncapabilities++] = c;
    }
}

static void load_risks(loader *L, const yt_node *root, clasm_deal *deal)
{
    const yt_node *seq = yt_get_str_list(&L->ctx, root, "risks", "", 0);
    if (!seq) {
        const yt_node *raw = yt_get(root, "risks");
        if (raw && !yt_is_null(raw))
            L->ok = 0;
        return;
    }
    if (!list_within_limit(L, seq, "risks"))
        return;
    deal->risks = calloc(seq->count + 1, sizeof *deal->risks);
    if (!deal->risks) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < seq->count; i++) {
        const yt_node *it = seq->items[i];
        const deal_risk *first = NULL;
        for (size_t j = 0; j < deal->nrisks && !first; j++)
            if (strcmp(deal->risks[j].id, it->scalar) == 0)
                first = &deal->risks[j];
        if (first) {
            char path[32];
            snprintf(path, sizeof path, "risks[%zu]", i);
            fail(L, it, path, "duplicate-risk", "risks: '%s' is listed twice (first at line %d)",
                 it->scalar, first->line);
            continue;
        }
        deal->risks[deal->nrisks++] = (deal_risk){it->scalar, it->line, it->column};
    }
}

static int valid_term_key(const char *s)
{
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static void load_terms(loader *L, const yt_node *root, clasm_deal *deal)
{
    const yt_node *m = yt_get(root, "terms");
    if (!m || yt_is_null(m))
        return;
    if (!yt_expect(&L->ctx, m, YT_MAPPING, "terms")) {
        L->ok = 0;
        return;
    }
    deal->terms = calloc(m->count + 1, sizeof *deal->terms);
    if (!deal->terms) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < m->count; i++) {
        const yt_node *k = m->pairs[i].key, *v = m->pairs[i].value;
        char path[256];
        snprintf(path, sizeof path, "terms.%s", k->scalar);
        if (!valid_term_key(k->scalar)) {
            fail(L, k, path, "invalid-key",
                 "terms.%s: a term name may use letters, digits, '_' and '-' and must start "
                 "with a letter",
                 k->scalar);
            continue;
        }
        if (v->kind != YT_SCALAR) {
            fail(L, v, path, "wrong-type",
                 "%s must be a single value (text, number or date), not a %s", path,
                 v->kind == YT_MAPPING ? "mapping" : "list");
            continue;
        }
        if (yt_is_null(v)) {
            fail(L, v, path, "missing-value", "terms.%s has no value", k->scalar);
            continue;
        }
        deal->terms[deal->nterms++] =
            (deal_term){k->scalar, v->scalar, k->line, k->column, v->line, v->column};
    }
}

/* positions: {CLAUSE-ID: N}: the approved fallback N the deal takes for
 * that clause instead of the standard text. Whether the clause has one is
 * for the library (select.c). */
static void load_positions(loader *L, const yt_node *root, clasm_deal *deal)
{
    const yt_node *m = yt_get(root, "positions");
    if (!m || yt_is_null(m))
        return;
    if (!yt_expect(&L->ctx, m, YT_MAPPING, "positions")) {
        L->ok = 0;
        return;
    }
    if (m->count > DEAL_MAX_LIST) {
        fail(L, m, "positions", "too-many", "positions: more than %u entries", DEAL_MAX_LIST);
        return;
    }
    deal->positions = calloc(m->count + 1, sizeof *deal->positions);
    if (!deal->positions) {
        L->oom = 1;
        return;
    }
    for (size_t i = 0; i < m->count; i++) {
        const yt_node *k = m->pairs[i].key, *v = m->pairs[i].value;
        char path[300];
        snprintf(path, sizeof path, "positions.%.200s", k->scalar);
        char *end = NULL;
        long n = v->kind == YT_SCALAR && !yt_is_null(v) ? strtol(v->scalar, &end, 10) : 0;
        if (!end || *end || end == v->scalar || n < 1 || n > 1000) {
            fail(L, v, path, "invalid-position",
                 "%s must be the number of an approved fallback of the clause (1 for the "
                 "first)",
                 path);
            continue;
        }
        deal->positions[deal->npositions++] =
            (deal_position){k->scalar, (int)n, k->line, k->column};
    }
}

/* The list of records under key (dismissed, end_users, screening): its
 * node, with *out calloc'd for its items (size bytes each); NULL when the
 * key is absent or empty, or wrong (reported). */
static const yt_node *record_list(loader *L, const yt_node *root, const char *key, size_t size,
                                  void **out)
{
    const yt_node *seq = yt_get(root, key);
    if (!seq || yt_is_null(seq))
        return NULL;
    if (!yt_expect(&L->ctx, seq, YT_SEQUENCE, key)) {
        L->ok = 0;
        return NULL;
    }
    if (!list_within_limit(L, seq, key))
        return NULL;
    *out = calloc(seq->count + 1, size);
    if (!*out) {
        L->oom = 1;
        return NULL;
    }
    return seq;
}

/* One record of such a list: a mapping of the keys allowed (others
 * reported). 1 when it is a mapping. */
static int record_item(loader *L, const yt_node *it, const char *path, const char *const *keys)
{
    if (!yt_expect(&L->ctx, it, YT_MAPPING, path)) {
        L->ok = 0;
        return 0;
    }
    if (!yt_check_keys(&L->ctx, it, path, keys, NULL))
        L->ok = 0;
    return 1;
}

/* A record's date, the day of a decision: 1 when it is one, else reported. */
static int record_date(loader *L, const yt_node *it, const char *path, const char *date)
{
    if (iso_date_ok(date))
        return 1;
    fail(L, yt_get(it, "date"), path, "invalid-date",
         "%s.date: '%s' is not a date; write the day of the decision as YYYY-MM-DD", path, date);
    return 0;
}

/* dismissed: [{risk: ID, reason: TEXT, by: NAME, date: YYYY-MM-DD,
 * confirmed_by: NAME}]: a suggested risk the reviewer decided the deal
 * does not carry, with why, who decided and when, and the counsel who
 * confirmed it (needed when it keeps the deal from escalating). */
static void load_dismissed(loader *L, const yt_node *root, clasm_deal *deal)
{
    void *v = NULL;
    const yt_node *seq = record_list(L, root, "dismissed", sizeof(deal_dismissal), &v);
    if (!seq)
        return;
    deal->dismissed = v;
    static const char *const keys[] = {"risk", "reason", "by", "date", "confirmed_by", NULL};
    for (size_t i = 0; i < seq->count; i++) {
        const yt_node *it = seq->items[i];
        char path[32];
        snprintf(path, sizeof path, "dismissed[%zu]", i);
        if (!record_item(L, it, path, keys))
            continue;
        const char *risk = yt_get_str(&L->ctx, it, "risk", path, 1);
        const char *reason = yt_get_str(&L->ctx, it, "reason", path, 1);
        const char *by = yt_get_str(&L->ctx, it, "by", path, 1);
        const char *date = yt_get_str(&L->ctx, it, "date", path, 1);
        const char *confirmed = yt_get_str(&L->ctx, it, "confirmed_by", path, 0);
        const yt_node *rn = yt_get(it, "risk");
        if (!risk || !reason || !by || !date || !rn) {
            L->ok = 0;
            continue;
        }
        if (!record_date(L, it, path, date))
            continue;
        const char *blank = !*risk                     ? "risk"
                            : !*reason                 ? "reason"
                            : !*by                     ? "by"
                            : confirmed && !*confirmed ? "confirmed_by"
                                                       : NULL;
        if (blank) {
            fail(L, yt_get(it, blank), path, "missing-value",
                 "%s.%s is empty: a dismissal records which risk, why it does not apply and who "
                 "decided",
                 path, blank);
            continue;
        }
        const deal_dismissal *first = NULL;
        for (size_t j = 0; j < deal->ndismissed && !first; j++)
            if (strcmp(deal->dismissed[j].risk, risk) == 0)
                first = &deal->dismissed[j];
        if (first) {
            fail(L, rn, path, "duplicate-dismissal",
                 "dismissed: '%s' is dismissed twice (first at line %d); keep one reason", risk,
                 first->line);
            continue;
        }
        deal->dismissed[deal->ndismissed++] =
            (deal_dismissal){risk, reason, by, date, confirmed, rn->line, rn->column};
    }
}

/* end_users: [{name, country}]: the end users the deal names, screened
 * with the customer and the reseller. */
static void load_end_users(loader *L, const yt_node *root, clasm_deal *deal)
{
    void *v = NULL;
    const yt_node *seq = record_list(L, root, "end_users", sizeof(deal_end_user), &v);
    if (!seq)
        return;
    deal->end_users = v;
    static const char *const keys[] = {"name", "country", NULL};
    for (size_t i = 0; i < seq->count; i++) {
        const yt_node *it = seq->items[i];
        char path[32];
        snprintf(path, sizeof path, "end_users[%zu]", i);
        if (!record_item(L, it, path, keys))
            continue;
        const char *name = yt_get_str(&L->ctx, it, "name", path, 1);
        const char *country = yt_get_str(&L->ctx, it, "country", path, 0);
        const yt_node *nn = yt_get(it, "name");
        if (!name || !nn || (yt_get(it, "country") && !country)) {
            L->ok = 0;
            continue;
        }
        if (!*name) {
            fail(L, nn, path, "empty-value", "%s.name is empty", path);
            continue;
        }
        /* Screening decisions name a party by its name: each must be one. */
        if (strcmp(name, "customer") == 0 || strcmp(name, "reseller") == 0) {
            fail(L, nn, path, "invalid-value",
                 "%s.name: '%s' names the deal's %s in screening decisions; write the end "
                 "user's own name",
                 path, name, name);
            continue;
        }
        const deal_end_user *twin = NULL;
        for (size_t k = 0; k < deal->nend_users && !twin; k++)
            if (strcmp(deal->end_users[k].name, name) == 0)
                twin = &deal->end_users[k];
        if (twin) {
            fail(L, nn, path, "duplicate-end-user",
                 "%s: '%s' is named twice (first at line %d); name each end user once", path, name,
                 twin->line);
            continue;
        }
        deal->end_users[deal->nend_users++] = (deal_end_user){name, country, nn->line, nn->column};
    }
}

/* screening: [{party, entry, decision: cleared|confirmed, reason, by,
 * date}]: what the review decided about each restricted-party hit. */
static void load_dispositions(loader *L, const yt_node *root, clasm_deal *deal)
{
    void *v = NULL;
    const yt_node *seq = record_list(L, root, "screening", sizeof(deal_disposition), &v);
    if (!seq)
        return;
    deal->dispositions = v;
    static const char *const keys[] = {"party", "entry", "decision", "reason", "by", "date", NULL};
    static const char *const decisions[] = {"cleared", "confirmed", NULL};
    for (size_t i = 0; i < seq->count; i++) {
        const yt_node *it = seq->items[i];
        char path[32];
        snprintf(path, sizeof path, "screening[%zu]", i);
        if (!record_item(L, it, path, keys))
            continue;
        const char *party = yt_get_str(&L->ctx, it, "party", path, 1);
        const char *entry = yt_get_str(&L->ctx, it, "entry", path, 1);
        int decision = yt_get_enum(&L->ctx, it, "decision", path, 1, decisions);
        const char *reason = yt_get_str(&L->ctx, it, "reason", path, 1);
        const char *by = yt_get_str(&L->ctx, it, "by", path, 1);
        const char *date = yt_get_str(&L->ctx, it, "date", path, 1);
        const yt_node *pn = yt_get(it, "party");
        if (!party || !entry || decision < 0 || !reason || !by || !date || !pn) {
            L->ok = 0;
            continue;
        }
        if (!record_date(L, it, path, date))
            continue;
        const char *blank = !*party    ? "party"
                            : !*entry  ? "entry"
                            : !*reason ? "reason"
                            : !*by     ? "by"
                                       : NULL;
        if (blank) {
            fail(L, yt_get(it, blank), path, "missing-value",
                 "%s.%s is empty: a screening decision records the party, the list entry, the "
                 "decision, why, who decided and when",
                 path, blank);
            continue;
        }
        deal->dispositions[deal->ndispositions++] =
            (deal_disposition){party, entry, reason, by, date, decision == 1, pn->line, pn->column};
    }
}

static clasm_status load(yt_doc *doc, clasm_deal **out, clasm_diags *diags)
{
    *out = NULL;
    clasm_deal *deal = calloc(1, sizeof *deal);
    if (!deal) {
        yt_free(doc);
        return CLASM_E_IO;
    }
    deal->doc = doc;
    deal->file = yt_name(doc);
    /* A flawed document (say, a duplicate key) already has its errors; the
     * rest of the deal is still checked so that all are reported at once. */
    loader L = {{deal->file, diags}, !yt_flawed(doc), 0};
    const yt_node *root = yt_root(doc);
    if (!root) {
        diag_at(diags, CLASM_SEV_ERROR, "empty-file", deal->file, 1, 1,
                "the deal file is empty; expected keys such as id, documents and customer");
        clasm_deal_free(deal);
        return CLASM_E_INPUT;
    }
    if (!yt_expect(&L.ctx, root, YT_MAPPING, "(top level)")) {
        clasm_deal_free(deal);
        return CLASM_E_INPUT;
    }
    if (!yt_check_keys(&L.ctx, root, "", top_keys, top_required))
        L.ok = 0;

    const yt_node *idn = yt_get(root, "id");
    if (idn && !yt_is_null(idn) && idn->kind == YT_SCALAR) {
        if (valid_deal_id(idn->scalar))
            deal->id = idn->scalar;
        else
            fail(&L, idn, "id", "invalid-id",
                 "id: '%s' cannot name output files; use letters, digits, '.', '_' and '-' "
                 "(not first), at most 100 characters",
                 idn->scalar);
    } else if (idn) {
        yt_get_str(&L.ctx, root, "id", "", 1);
        L.ok = 0;
    }

    load_documents(&L, root, deal);

    const yt_node *daten = yt_get(root, "date");
    if (daten) {
        deal->date = yt_get_str(&L.ctx, root, "date", "", 1);
        if (deal->date && !iso_date_ok(deal->date)) {
            fail(&L, daten, "date", "invalid-date",
                 "date: '%s' is not a calendar date in the form %s", deal->date, "YYYY-MM-DD");
            deal->date = NULL;
        } else if (!deal->date) {
            L.ok = 0;
        }
    }

    if (yt_get(root, "seller"))
        load_party(&L, root, "seller", seller_keys, name_required, &deal->seller);
    if (yt_get(root, "customer")) {
        load_party(&L, root, "customer", customer_keys, customer_required, &deal->customer);
        const yt_node *cm = yt_get(root, "customer");
        if (cm->kind == YT_MAPPING) {
            int k = yt_get_enum(&L.ctx, cm, "kind", "customer", 1, deal_customer_kinds);
            if (k < 0)
                L.ok = 0;
            else
                deal->customer_kind = (deal_customer_kind)k;
        }
    }
    const yt_node *rn = yt_get(root, "reseller");
    if (rn && !yt_is_null(rn))
        deal->has_reseller =
            load_party(&L, root, "reseller", reseller_keys, name_required, &deal->reseller);

    load_product(&L, root, deal);

    int v;
    if (yt_get(root, "deployment")) {
        v = yt_get_enum(&L.ctx, root, "deployment", "", 1, deal_deployments);
        if (v < 0)
            L.ok = 0;
        else
            deal->deployment = (deal_deployment)v;
    }
    if (yt_get(root, "license")) {
        v = yt_get_enum(&L.ctx, root, "license", "", 1, deal_licenses);
        if (v < 0)
            L.ok = 0;
        else
            deal->license = (deal_license)v;
    }
    if (yt_get(root, "end_use")) {
        v = yt_get_enum(&L.ctx, root, "end_use", "", 1, deal_end_uses);
        if (v < 0)
            L.ok = 0;
        else
            deal->end_use = (deal_end_use)v;
    }

    load_risks(&L, root, deal);
    load_terms(&L, root, deal);
    load_positions(&L, root, deal);
    load_dismissed(&L, root, deal);
    load_end_users(&L, root, deal);
    load_dispositions(&L, root, deal);

    if (L.oom) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", deal->file, 0, 0,
                "out of memory while loading the deal");
        clasm_deal_free(deal);
        return CLASM_E_IO;
    }
    if (!L.ok) {
        clasm_deal_free(deal);
        return CLASM_E_INPUT;
    }
    *out = deal;
    return CLASM_OK;
}

clasm_status deal_load_doc(yt_doc *doc, clasm_deal **out, clasm_diags *diags)
{
    *out = NULL;
    if (!doc)
        return CLASM_E_IO;
    return load(doc, out, diags);
}

int deal_valid_term_key(const char *s)
{
    return valid_term_key(s);
}

clasm_status clasm_deal_load(const char *path, clasm_deal **out, clasm_diags *diags)
{
    *out = NULL;
    size_t before = diags ? diags->count : 0;
    yt_doc *doc = yt_load_file_lenient(path, diags);
    if (!doc) {
        /* An unreadable file is an I/O failure; a broken one is wrong input. */
        for (size_t i = before; diags && i < diags->count; i++)
            if (strcmp(diags->items[i].id, "io") == 0 ||
                strcmp(diags->items[i].id, "out-of-memory") == 0)
                return CLASM_E_IO;
        return CLASM_E_INPUT;
    }
    return load(doc, out, diags);
}

clasm_status clasm_deal_load_string(const char *text, size_t len, const char *name,
                                    clasm_deal **out, clasm_diags *diags)
{
    *out = NULL;
    size_t before = diags ? diags->count : 0;
    yt_doc *doc = yt_load_string_lenient(text, len, name ? name : "(deal)", diags);
    if (!doc) {
        for (size_t i = before; diags && i < diags->count; i++)
            if (strcmp(diags->items[i].id, "out-of-memory") == 0)
                return CLASM_E_IO;
        return CLASM_E_INPUT;
    }
    return load(doc, out, diags);
}

void clasm_deal_free(clasm_deal *deal)
{
    if (!deal)
        return;
    free(deal->capabilities);
    free(deal->capability_nodes);
    free(deal->capabilities_joined);
    free(deal->risks);
    free(deal->terms);
    free(deal->positions);
    free(deal->dismissed);
    free(deal->end_users);
    free(deal->dispositions);
    yt_free(deal->doc);
    free(deal);
}

const char *clasm_deal_id(const clasm_deal *deal)
{
    return deal ? deal->id : NULL;
}

const char *clasm_deal_file(const clasm_deal *deal)
{
    return deal ? deal->file : NULL;
}

size_t clasm_deal_documents(const clasm_deal *deal, clasm_document *out, size_t max)
{
    size_t n = 0;
    for (; deal && n < deal->ndocuments && n < max; n++)
        out[n] = deal->documents[n];
    return deal ? deal->ndocuments : 0;
}

const char *clasm_deal_value(const clasm_deal *deal, const char *path)
{
    if (!deal || !path)
        return NULL;
    const deal_field *f = deal_field_find(path);
    if (f)
        return f->get && (f->uses & DF_VALUE) ? f->get(deal) : NULL;
    if (strncmp(path, "terms.", 6) == 0) {
        for (size_t i = 0; i < deal->nterms; i++)
            if (strcmp(deal->terms[i].key, path + 6) == 0)
                return deal->terms[i].value;
    }
    return NULL;
}
