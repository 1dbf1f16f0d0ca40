/* The rationale memo (memo.c) and the lists it prints (docx_lists.c): the
 * memo of real example deals over the real library and templates/memo.docx
 * (every risk title, every clause title, the escalation, the defaults the
 * drafts print and no other, the missing values, clauses grouped by the
 * documents that hold them, no engine ids), memo templates that are wrong
 * in each way the checks know, lists printed from data (groups, empty
 * lists, values never read again as placeholders), and writes that fail
 * without leaving a file. Needs CLASM_SOURCE_DIR (or the repo as the
 * working folder). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "clasm.h"
#include "deal.h"
#include "docx_fixture.h"
#include "docx_lists.h"
#include "docx_text.h"
#include "library.h"
#include "package.h"
#include "plan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root(void)
{
    const char *r = getenv("CLASM_SOURCE_DIR");
    return r ? r : ".";
}

typedef struct {
    clasm_library *lib;
    clasm_memo_template *memo;
    clasm_template *tpls[CLASM_DOC_COUNT]; /* by document */
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/clasm-test-memo-XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    char path[512];
    clasm_diags d;
    clasm_diags_init(&d);
    snprintf(path, sizeof path, "%s/clauses", root());
    clasm_status s = clasm_library_load(path, &fx->lib, &d);
    snprintf(path, sizeof path, "%s/templates/memo.docx", root());
    if (s == CLASM_OK)
        s = clasm_memo_template_open(path, &fx->memo, &d);
    for (int doc = 0; s == CLASM_OK && doc < CLASM_DOC_COUNT; doc++) {
        snprintf(path, sizeof path, "%s/templates/%s.docx", root(),
                 clasm_document_name((clasm_document)doc));
        s = clasm_template_open(path, &fx->tpls[doc], &d);
    }
    if (s != CLASM_OK)
        clasm_diags_print(stderr, &d);
    clasm_diags_free(&d);
    *state = fx;
    return s == CLASM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", fx->dir);
    clasm_library_free(fx->lib);
    clasm_memo_template_free(fx->memo);
    for (int doc = 0; doc < CLASM_DOC_COUNT; doc++)
        clasm_template_free(fx->tpls[doc]);
    free(fx);
    return 0;
}

static char *read_text(const char *path)
{
    size_t n = 0;
    unsigned char *b = fx_read_file(path, &n);
    if (!b)
        return NULL;
    char *s = realloc(b, n + 1);
    if (s)
        s[n] = '\0';
    return s;
}

/* The deal of examples/deals/NAME, with edit (a line to drop, by its start)
 * applied when not NULL. */
static clasm_deal *example(const char *name, const char *drop)
{
    char path[512];
    snprintf(path, sizeof path, "%s/examples/deals/%s", root(), name);
    char *text = read_text(path);
    assert_non_null(text);
    if (drop) {
        char *at = strstr(text, drop);
        assert_non_null(at);
        char *end = strchr(at, '\n');
        memmove(at, end + 1, strlen(end + 1) + 1);
    }
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *deal = NULL;
    assert_int_equal(clasm_deal_load_string(text, strlen(text), name, &deal, &d), CLASM_OK);
    clasm_diags_free(&d);
    free(text);
    return deal;
}

/* The deal's plans, as assemble and select make them (the templates'
 * missing values added). Returns the number of plans. */
static size_t plans_of(const fixture *fx, const clasm_deal *deal, clasm_plan **plans,
                       const clasm_template **drafts)
{
    clasm_document docs[CLASM_DOC_COUNT];
    size_t n = clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_select_pack(fx->lib, deal, docs, n, plans, &d), CLASM_OK);
    for (size_t i = 0; i < n; i++) {
        drafts[i] = fx->tpls[docs[i]];
        assert_int_equal(clasm_plan_add_template(plans[i], fx->lib, deal, drafts[i]), CLASM_OK);
    }
    clasm_diags_free(&d);
    return n;
}

/* Every paragraph of the memo's document.xml, one a line. */
/* The text of one part of a memo, a paragraph a line. */
static char *memo_part_text(const unsigned char *docx, size_t len, const char *part)
{
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(pkg_open_buffer(docx, len, "memo.docx", &p, &d), CLASM_OK);
    size_t xl = 0;
    const unsigned char *xml = pkg_bytes(p, part, &xl);
    assert_non_null(xml);
    xmlDocPtr doc = pkg_parse_xml_bytes(xml, xl, "memo.docx", part, &d);
    assert_non_null(doc);
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs(doc, &ps);
    size_t cap = 1024, n = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (size_t i = 0; i < np; i++) {
        char *t = docx_paragraph_text(ps[i]);
        size_t tl = strlen(t);
        while (n + tl + 2 > cap)
            out = realloc(out, cap *= 2);
        memcpy(out + n, t, tl);
        n += tl;
        out[n++] = '\n';
        out[n] = '\0';
        free(t);
    }
    free(ps);
    xmlFreeDoc(doc);
    pkg_free(p);
    clasm_diags_free(&d);
    return out;
}

static char *memo_text(const unsigned char *docx, size_t len)
{
    return memo_part_text(docx, len, "word/document.xml");
}

/* The memo of a deal as text; *bytes (may be NULL) gets the DOCX. */
static char *memo_of(const fixture *fx, const clasm_deal *deal, unsigned char **bytes,
                     size_t *nbytes)
{
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    const clasm_template *drafts[CLASM_DOC_COUNT] = {0};
    size_t n = plans_of(fx, deal, plans, drafts);
    clasm_diags d;
    clasm_diags_init(&d);
    unsigned char *docx = NULL;
    size_t len = 0;
    clasm_status s = clasm_memo_buffer(fx->memo, fx->lib, deal, (const clasm_plan *const *)plans, n,
                                       &docx, &len, &d);
    if (s != CLASM_OK)
        clasm_diags_print(stderr, &d);
    assert_int_equal(s, CLASM_OK);
    assert_int_equal(clasm_diags_errors(&d), 0);
    clasm_diags_free(&d);
    char *text = memo_text(docx, len);
    for (size_t i = 0; i < n; i++)
        clasm_plan_free(plans[i]);
    if (bytes) {
        *bytes = docx;
        *nbytes = len;
    } else {
        free(docx);
    }
    return text;
}

static void assert_has(const char *text, const char *what)
{
    if (!strstr(text, what))
        fail_msg("the memo lacks \"%s\"", what);
}

static void assert_lacks(const char *text, const char *what)
{
    if (strstr(text, what))
        fail_msg("the memo holds \"%s\"", what);
}

/* A severe deal of one document: its risks by title and number, its clauses
 * by title with reasons in words, the escalation and the tier's words, the
 * defaults its drafts print (and not a default no text of it prints), no
 * placeholder left and no engine id. */
static void test_severe_deal(void **state)
{
    fixture *fx = *state;
    clasm_deal *deal = example("direct-biometric-security-service.yaml", NULL);
    unsigned char *docx = NULL;
    size_t docx_len = 0;
    char *text = memo_of(fx, deal, &docx, &docx_len);
    assert_lacks(text, "{{");
    for (size_t r = 0; r < deal->nrisks; r++) {
        const lib_risk *risk = library_risk(fx->lib, deal->risks[r].id);
        assert_has(text, risk->title);
        assert_lacks(text, risk->id);
    }
    clasm_document doc = CLASM_DOC_CONTRACT;
    clasm_plan *plan = NULL;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_select(fx->lib, deal, doc, &plan, &d), CLASM_OK);
    for (size_t i = 0; i < plan->nitems; i++) {
        assert_has(text, plan->items[i].title);
        assert_lacks(text, plan->items[i].id);
    }
    assert_has(text, "ESCALATION TO COUNSEL BEFORE THE DRAFTS GO OUT");
    assert_has(text, "The severe tier (score 29) escalates: before the drafts go to the other "
                     "party, counsel must decide");
    assert_has(text, fx->lib->tiers[plan->tier_rank].description);
    assert_has(text, "Master License and Supply Agreement\n"); /* the clauses' group row */
    /* the reasons name the risks by number, three or more in a row as a range */
    assert_has(text, "Because: risks 1\xe2\x80\x93"
                     "7; standard at the high tier or above");
    assert_has(text, "Because: risks 1 and 3\n");
    assert_has(text, "Because: risks 1\xe2\x80\x93"
                     "3 and 5\xe2\x80\x93"
                     "7\n"); /* two runs */
    /* a clause others rely on: by how many, or by their titles */
    assert_has(text, "\nDefinitions\nSupports: ");
    assert_has(text, " other clauses\n");
    assert_lacks(text, "when:");
    assert_lacks(text, "required by");
    /* The deal at a glance, in words. */
    assert_has(text, "Republic of Valmora");
    assert_has(text, "a security service");
    assert_has(text, "27 November 2026");
    /* Defaults: what the contract and its clauses print... */
    assert_has(text, "the State of New York");
    assert_has(text,
               "\nCure period, curable safeguards breach: thirty (30) days\n"); /* by its label */
    /* an amount prints its currency, so a default currency is listed */
    assert_has(text, "\nCurrency of the fees: USD\n");
    /* ...and not what only a hosted deal's clause prints. */
    assert_lacks(text, "Moving legally localized data in-country");
    /* clauses with one reason share a row, their titles a line each after a bullet */
    assert_has(text, "\n\xe2\x80\xa2 Export Control and Sanctions Compliance\n\xe2\x80\xa2 "
                     "Anti-Corruption\n\xe2\x80\xa2 Public Reporting\nBecause: standard in every "
                     "agreement\n");
    /* the waiver of immunity is asked of a state buyer for a reason */
    assert_has(text, "could otherwise plead immunity");
    /* the sites limit the licence: the committee sees them; the library's
     * fingerprint is a closing note, not the author */
    assert_has(text, "Authorized sites: ");
    assert_has(text, "From\nContract management\n");
    char *header = memo_part_text(docx, docx_len, "word/header1.xml");
    char want[64];
    snprintf(want, sizeof want, "Q-2026-0117 \xc2\xb7 clause library %.12s\t",
             fx->lib->fingerprint);
    assert_has(header, want);
    free(header);
    free(docx);
    assert_has(text, "None: the deal gives every value its drafts need.");
    clasm_plan_free(plan);
    clasm_diags_free(&d);
    free(text);
    clasm_deal_free(deal);
}

/* A pack: each clause once, under the documents that hold it. */
static void test_pack_groups(void **state)
{
    fixture *fx = *state;
    clasm_deal *deal = example("reseller-unknown-end-use.yaml", NULL);
    char *text = memo_of(fx, deal, NULL, NULL);
    assert_has(text, "\nIn the Reseller Agreement and the End User License Agreement\n");
    assert_has(text, "\nOnly in the Reseller Agreement\n");
    assert_has(text, "\nOnly in the End User License Agreement\n");
    assert_has(text, "Reseller Agreement and End User License Agreement"); /* memo.documents */
    /* Definitions is in both: printed once. */
    const char *first = strstr(text, "\nDefinitions\n");
    assert_non_null(first);
    assert_null(strstr(first + 1, "\nDefinitions\n"));
    assert_has(text, "No escalation to counsel: at the elevated tier the drafts may go out without "
                     "counsel's decision");
    assert_lacks(text, "ESCALATION TO COUNSEL");
    assert_has(text, "Brightwater Distribution GmbH, Kingdom of Daressa");
    /* The suggested risks it dismissed: what they would have made of the
     * tier, then each with who, when, counsel's confirmation and why; the
     * suggestions it accepted are among its risks, not here. */
    assert_has(text, "\nDismissed after review. Had the deal carried these risks it would score "
                     "14, in the severe tier, which escalates to counsel.\n"
                     "Analyzes datasets to derive sensitive insights about identifiable people "
                     "(weight 4). Dismissed by Maris Ilves, compliance office on 2026-11-27, "
                     "confirmed by Dana Whitfield, counsel: The suite counts people");
    assert_has(text, "\nRisk of diversion to an unauthorized end-user (weight 4). Dismissed by "
                     "Maris Ilves, compliance office on 2026-11-27, confirmed by Dana Whitfield, "
                     "counsel: The suite runs only with licence keys");
    assert_lacks(text, "(weight 3). Dismissed"); /* the accepted ones */
    free(text);
    clasm_deal_free(deal);

    /* An addendum's memo names the agreement it amends. */
    deal = example("addendum-biometric-police.yaml", NULL);
    text = memo_of(fx, deal, NULL, NULL);
    assert_has(text, "Amending the Master Purchase Agreement");
    assert_has(text, "The end use is stated by the Customer.");
    free(text);
    clasm_deal_free(deal);

    /* An unknown end use is said to be unverified, not "not yet stated"
     * above a stated purpose. */
    deal = example("reseller-unknown-end-use.yaml", NULL);
    text = memo_of(fx, deal, NULL, NULL);
    assert_has(text, "Not verified at the time of sale");
    assert_lacks(text, "The end use is not yet stated");
    free(text);
    clasm_deal_free(deal);

    /* A clause and its reseller variant share a title: one row, in every
     * document, not "Only in" twice. */
    deal = example("all-risks.yaml", NULL);
    text = memo_of(fx, deal, NULL, NULL);
    first = strstr(text, "\nSurvival of Safeguards\n");
    assert_non_null(first);
    assert_null(strstr(first + 1, "\nSurvival of Safeguards\n"));
    const char *all = strstr(text, "\nIn the Master License and Supply Agreement, the End User "
                                   "License Agreement and the Reseller Agreement\n");
    assert_non_null(all);
    assert_true(all < first);
    const char *only = strstr(text, "\nOnly in ");
    assert_true(!only || first < only);
    free(text);
    clasm_deal_free(deal);
}

/* A deal without risks, and one whose fees are not given yet: the memo is
 * made all the same and lists the missing value. */
static void test_no_risks_and_missing_value(void **state)
{
    fixture *fx = *state;
    clasm_deal *deal = example("private-baseline.yaml", "  fees:");
    char *text = memo_of(fx, deal, NULL, NULL);
    assert_has(text, "The deal lists no risk: the compliance review found no red flag.");
    assert_lacks(text, "Each risk the compliance review found");
    assert_has(text, "No escalation to counsel: at the baseline tier");
    assert_has(text, "terms.fees\n");
    assert_has(text, "The fees for the product, without the currency");
    assert_has(text, "the template of the Master License and Supply Agreement");
    assert_lacks(text, "None: the deal gives every value its drafts need.");
    assert_has(text, "None: the Supplier sells to the Customer directly");
    free(text);
    clasm_deal_free(deal);
}

/* The same inputs give the same bytes. */
static void test_same_bytes(void **state)
{
    fixture *fx = *state;
    clasm_deal *deal = example("all-risks.yaml", NULL);
    unsigned char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    free(memo_of(fx, deal, &a, &na));
    free(memo_of(fx, deal, &b, &nb));
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
    clasm_deal_free(deal);
}

/* ------------------------------------------------------------ templates */

#define P(text) "<w:p><w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r></w:p>"
#define CELL(content)                                                                              \
    "<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>" content "</w:tc>"
#define ROW(cells) "<w:tr>" cells "</w:tr>"
#define TABLE(rows)                                                                                \
    "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w=\"2000\"/></w:tblGrid>" rows "</w:tbl>"
#define LIST(name, content)                                                                        \
    "<w:sdt><w:sdtPr><w:tag w:val=\"memo:" name "\"/><w:id w:val=\"7\"/></w:sdtPr>"                \
    "<w:sdtContent>" content "</w:sdtContent></w:sdt>"
#define GOOD_RISKS                                                                                 \
    LIST("risks", TABLE(ROW(CELL(P("Risk"))) ROW(CELL(P("{{ group.title }}")))                     \
                            ROW(CELL(P("{{ risk.number }}. {{ risk.title }}")))) P("None."))

/* Opens a memo template made of body (and header, when not NULL). */
static clasm_status open_body(const fixture *fx, const char *body, const char *header,
                              clasm_diags *d)
{
    char path[128];
    snprintf(path, sizeof path, "%s/t.docx", fx->dir);
    size_t len = 0;
    unsigned char *z = fx_docx_with_header(body, header, &len);
    assert_non_null(z);
    assert_int_equal(fx_write_file(path, z, len), 0);
    free(z);
    clasm_memo_template *t = NULL;
    clasm_status s = clasm_memo_template_open(path, &t, d);
    assert_true((s == CLASM_OK) == (t != NULL));
    clasm_memo_template_free(t);
    return s;
}

static const clasm_diag *find(const clasm_diags *d, const char *id)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0)
            return &d->items[i];
    return NULL;
}

/* Each mistake a memo template can hold is refused with its id, its
 * paragraph and a message that says what to do. */
static void test_template_errors(void **state)
{
    fixture *fx = *state;
    static const char hdr[] =
        FX_XML_DECL "<w:hdr xmlns:w=\"" FX_W_NS
                    "\">" LIST("risks", TABLE(ROW(CELL(P("{{ risk.title }}"))))) "</w:hdr>";
    static const struct {
        const char *body, *header, *id, *says;
    } cases[] = {
        {GOOD_RISKS P("{{ id }} {{ memo.documents }} {{ terms.fees }} {{ tier }}"), NULL, NULL,
         NULL},
        {P("{{ clauses }}"), NULL, "memo-insertion-point", "memo:clauses"},
        {LIST("risk", TABLE(ROW(CELL(P("{{ risk.title }}"))))), NULL, "unknown-list",
         "risks, clauses, defaults, missing, uncovered, escalation"},
        /* a list of paragraphs, and a list in two parts */
        {GOOD_RISKS LIST("defaults", P("{{ default.label }}: {{ default.value }}") P("None.")),
         NULL, NULL, NULL},
        {GOOD_RISKS LIST("defaults@1/2", P("{{ default.label }}"))
             LIST("defaults@2/2", P("{{ default.label }}")),
         NULL, NULL, NULL},
        {LIST("risks", P("Risk")), NULL, "list-no-item-row", "neither a table nor a paragraph"},
        {LIST("risks", P("{{ risk.title }}") P("{{ risk.weight }}")), NULL, "list-two-item-rows",
         "one paragraph is printed per item"},
        {LIST("defaults@1/2", P("{{ default.label }}")), NULL, "list-parts",
         "memo:defaults@1/N to memo:defaults@N/N"},
        {LIST("defaults@1/2", P("{{ default.label }}"))
             LIST("defaults@2/3", P("{{ default.label }}")),
         NULL, "list-parts", "with one N"},
        {LIST("defaults@0/2", P("{{ default.label }}")), NULL, "list-bad-part", "defaults@1/2"},
        {LIST("defaults@3/2", P("{{ default.label }}")), NULL, "list-bad-part", "1 <= K <= N"},
        {LIST("defaults@2/2", P("{{ default.labl }}"))
             LIST("defaults@1/2", P("{{ default.label }}")),
         NULL, "unknown-value", "default.labl"},
        {LIST("risks", TABLE(ROW(CELL(P("{{ risk.title }}")))) TABLE(ROW(CELL(P("x"))))), NULL,
         "list-two-tables", "holds 2 tables"},
        {LIST("risks", TABLE(ROW(CELL(P("Risk"))))), NULL, "list-no-item-row", "{{ risk.FIELD }}"},
        {LIST("risks", TABLE(ROW(CELL(P("{{ risk.title }}"))) ROW(CELL(P("{{ risk.weight }}"))))),
         NULL, "list-two-item-rows", "one row is printed per item"},
        {LIST("defaults",
              TABLE(ROW(CELL(P("{{ group.title }}"))) ROW(CELL(P("{{ default.value }}"))))),
         NULL, "list-no-groups", "no groups"},
        {LIST("risks", TABLE(ROW(CELL(P("{{ group.title }}")) CELL(P("{{ risk.title }}"))))), NULL,
         "list-mixed-row", "are separate"},
        {LIST("risks", TABLE(ROW(CELL(P("{{ group.title }}"))) ROW(CELL(P("{{ group.title }}")))
                                 ROW(CELL(P("{{ risk.title }}"))))),
         NULL, "list-two-group-rows", "only one"},
        {LIST("risks", TABLE(ROW(CELL(P("{{ risk.titel }}"))))), NULL, "unknown-value",
         "risk.titel"},
        {LIST("risks", TABLE(ROW(CELL(P("{{ risk.title }} {{ risk.wieght }}"))))), NULL,
         "unknown-value", "risk.number, risk.title, risk.area, risk.weight"},
        {P("{{ memo.nothing }}"), NULL, "unknown-value", "memo.nothing"},
        {P("{{ customer.nmae }}"), NULL, "unknown-value", "customer.nmae"},
        {LIST("risks", TABLE(ROW(CELL(GOOD_RISKS)))), NULL, "list-in-list", "nested"},
        {"<w:p><w:sdt><w:sdtPr><w:tag w:val=\"memo:risks\"/></w:sdtPr><w:sdtContent><w:r><w:t>x"
         "</w:t></w:r></w:sdtContent></w:sdt></w:p>",
         NULL, "list-not-block-level", "inside a paragraph"},
        {P("x"), hdr, "list-outside-body", "document body"},
        {P("{{#if reseller}}"), NULL, "unbalanced-condition", NULL},
        {LIST("risks",
              TABLE(ROW(CELL(P("{{ risk.title }}")))) P("{{#if nonsense ==}}") P("{{/if}}")),
         NULL, "malformed-condition", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        clasm_diags d;
        clasm_diags_init(&d);
        clasm_status s = open_body(fx, cases[i].body, cases[i].header, &d);
        if (!cases[i].id) {
            if (s != CLASM_OK)
                clasm_diags_print(stderr, &d);
            assert_int_equal(s, CLASM_OK);
        } else {
            const clasm_diag *g = find(&d, cases[i].id);
            if (!g) {
                clasm_diags_print(stderr, &d);
                fail_msg("case %zu: no %s", i, cases[i].id);
            }
            assert_int_equal(s, CLASM_E_INPUT);
            assert_non_null(g->part);
            if (cases[i].says && !strstr(g->message, cases[i].says))
                fail_msg("case %zu: \"%s\" does not say \"%s\"", i, g->message, cases[i].says);
        }
        clasm_diags_free(&d);
    }
}

/* ------------------------------------------------------------ lists */

typedef struct {
    const char *rows[8][3]; /* group?, first field, second field */
    size_t n;
} test_list;

static int tl_is_group(void *ctx, size_t row)
{
    const test_list *L = ctx;
    return L->rows[row][0][0] == 'g';
}

static const char *tl_value(void *ctx, size_t row, const char *path)
{
    const test_list *L = ctx;
    if (strcmp(path, "group.title") == 0 || strcmp(path, "item.a") == 0)
        return L->rows[row][1];
    if (strcmp(path, "item.b") == 0)
        return L->rows[row][2];
    return NULL;
}

static int global_calls;

static const char *tl_global(void *ctx, const char *path)
{
    (void)ctx;
    global_calls++;
    return strcmp(path, "id") == 0 ? "Q-1" : NULL;
}

static char *print_list(const char *body, const test_list *L, int *errors)
{
    char *xml = fx_document_xml(body);
    clasm_diags d;
    clasm_diags_init(&d);
    xmlDocPtr doc = pkg_parse_xml_bytes((const unsigned char *)xml, strlen(xml), "t.docx",
                                        "word/document.xml", &d);
    assert_non_null(doc);
    docx_list_slots slots;
    assert_int_equal(docx_lists_detach(doc, "memo:", 1, "t.docx", "word/document.xml", &slots, &d),
                     0);
    assert_true(slots.count >= 1);
    docx_list list = {(void *)L, L->n, tl_is_group, tl_value};
    docx_values global = {NULL, tl_global};
    *errors = 0;
    for (size_t k = 0; k < slots.count; k++) {
        assert_int_equal(
            docx_list_check(&slots.items[k], "item", 1, "t.docx", "word/document.xml", &d), 0);
        *errors += docx_list_expand(&slots.items[k], &list, "item", &global, "t.docx",
                                    "word/document.xml", &d);
    }
    docx_list_slots_free(&slots);
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs(doc, &ps);
    char *out = calloc(1, 4096);
    for (size_t i = 0; i < np; i++) {
        char *t = docx_paragraph_text(ps[i]);
        strcat(out, t);
        strcat(out, "|");
        free(t);
    }
    free(ps);
    xmlChar *dump = NULL;
    int dl = 0;
    xmlDocDumpMemory(doc, &dump, &dl);
    assert_null(strstr((const char *)dump, "w:sdt")); /* the control is not kept */
    xmlFree(dump);
    xmlFreeDoc(doc);
    clasm_diags_free(&d);
    free(xml);
    return out;
}

#define LIST_BODY                                                                                  \
    P("before")                                                                                    \
    LIST("things", TABLE(ROW(CELL(P("Head {{ id }}"))) ROW(CELL(P("[{{ group.title }}]"))) ROW(    \
                       CELL(P("{{ item.a }}: {{ item.b }} ({{ id }})")))) P("None for {{ id }}.")) \
    P("after")

/* Rows in order, a group row before each group's items, heading rows kept,
 * the empty-list text dropped; a value that looks like a placeholder is
 * printed as it is, never filled again. */
static void test_list_rows(void **state)
{
    (void)state;
    test_list L = {{{"g", "G1", ""},
                    {"i", "a1", "b1"},
                    {"i", "a2", "{{ id }}"},
                    {"g", "G2", ""},
                    {"i", "a3", "b3"}},
                   5};
    int errors = -1;
    char *text = print_list(LIST_BODY, &L, &errors);
    assert_int_equal(errors, 0);
    assert_string_equal(text, "before|Head Q-1|[G1]|a1: b1 (Q-1)|a2: {{ id }} (Q-1)|[G2]|a3: b3 "
                              "(Q-1)|after|");
    free(text);
}

/* No item: the table goes, the control's other text stays, filled. */
static void test_list_empty(void **state)
{
    (void)state;
    test_list L = {{{"g", "lonely group", ""}}, 1};
    int errors = -1;
    char *text = print_list(LIST_BODY, &L, &errors);
    assert_int_equal(errors, 0);
    assert_string_equal(text, "before|None for Q-1.|after|");
    free(text);
}

/* A group row the template does not have is not printed; a field the row
 * lacks is reported (unknown-value), as any placeholder without a value. */
static void test_list_without_group_row(void **state)
{
    (void)state;
    test_list L = {{{"g", "G1", ""}, {"i", "a1", "b1"}}, 2};
    int errors = -1;
    char *text = print_list(P("x") LIST("things", TABLE(ROW(CELL(P("{{ item.a }} {{ item.c }}"))))),
                            &L, &errors);
    assert_int_equal(errors, 1);
    assert_string_equal(text, "x|a1 {{ item.c }}|");
    free(text);
}

/* A list of paragraphs: its group and item paragraphs printed per row in
 * the control's place, its other paragraphs only when it is empty. */
static void test_list_paragraphs(void **state)
{
    (void)state;
    const char *body = P("before")
        LIST("things", P("[{{ group.title }}]") P("{{ item.a }}: {{ item.b }}") P("None."))
            P("after");
    test_list L = {{{"g", "G1", ""}, {"i", "a1", "b1"}, {"g", "G2", ""}, {"i", "a2", "b2"}}, 4};
    int errors = -1;
    char *text = print_list(body, &L, &errors);
    assert_int_equal(errors, 0);
    assert_string_equal(text, "before|[G1]|a1: b1|[G2]|a2: b2|after|");
    free(text);
    test_list empty = {{{"g", "G1", ""}}, 1};
    text = print_list(body, &empty, &errors);
    assert_int_equal(errors, 0);
    assert_string_equal(text, "before|None.|after|");
    free(text);
}

/* A list in two parts (two controls, things@1/2 and things@2/2): the rows
 * split in two runs of about the same length in lines, in order; the
 * words for an empty list only when the whole list is empty. */
static void test_list_parts(void **state)
{
    (void)state;
    const char *body = P("before") LIST("things@1/2", P("{{ item.a }}") P("None.")) P("mid")
        LIST("things@2/2", P("{{ item.a }}")) P("after");
    int errors = -1;
    test_list even = {{{"i", "a1", ""}, {"i", "a2", ""}, {"i", "a3", ""}, {"i", "a4", ""}}, 4};
    char *text = print_list(body, &even, &errors);
    assert_int_equal(errors, 0);
    assert_string_equal(text, "before|a1|a2|mid|a3|a4|after|");
    free(text);
    /* a row of three lines weighs three: the first part holds it alone */
    static const char long_row[] = "long long long long long long long long long long long long "
                                   "long long long long long long long long long long long long";
    test_list uneven = {{{"i", long_row, ""}, {"i", "a2", ""}, {"i", "a3", ""}, {"i", "a4", ""}},
                        4};
    text = print_list(body, &uneven, &errors);
    assert_int_equal(errors, 0);
    char want[512];
    snprintf(want, sizeof want, "before|%s|mid|a2|a3|a4|after|", long_row);
    assert_string_equal(text, want);
    free(text);
    test_list one = {{{"i", "a1", ""}}, 1};
    text = print_list(body, &one, &errors);
    assert_string_equal(text, "before|a1|mid|after|");
    free(text);
    test_list none = {{{"g", "G", ""}}, 1};
    text = print_list(body, &none, &errors);
    assert_string_equal(text, "before|None.|mid|after|");
    free(text);
}

/* ------------------------------------------------------------ writing */

/* A memo that cannot be written leaves no file: a missing folder, a folder,
 * the memo template itself. */
static void test_write_errors(void **state)
{
    fixture *fx = *state;
    clasm_deal *deal = example("private-baseline.yaml", NULL);
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    const clasm_template *drafts[CLASM_DOC_COUNT] = {0};
    size_t n = plans_of(fx, deal, plans, drafts);
    char missing[128], memo_tpl[512];
    snprintf(missing, sizeof missing, "%s/no/such/folder/m.docx", fx->dir);
    snprintf(memo_tpl, sizeof memo_tpl, "%s/templates/memo.docx", root());
    struct {
        const char *path, *id;
    } cases[] = {{missing, "output-folder-missing"},
                 {fx->dir, "output-is-folder"},
                 {memo_tpl, "output-is-template"}};
    struct stat before;
    assert_int_equal(stat(memo_tpl, &before), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        clasm_diags d;
        clasm_diags_init(&d);
        clasm_status s = clasm_memo_write(fx->memo, fx->lib, deal, (const clasm_plan *const *)plans,
                                          n, cases[i].path, &d);
        assert_int_equal(s, CLASM_E_INPUT);
        assert_non_null(find(&d, cases[i].id));
        clasm_diags_free(&d);
    }
    struct stat after, st;
    assert_int_equal(stat(memo_tpl, &after), 0);
    assert_int_equal(before.st_size, after.st_size);
    assert_int_equal(before.st_mtime, after.st_mtime);
    assert_int_not_equal(stat(missing, &st), 0);
    /* And one that can is complete. */
    char good[128];
    snprintf(good, sizeof good, "%s/m.docx", fx->dir);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(
        clasm_memo_write(fx->memo, fx->lib, deal, (const clasm_plan *const *)plans, n, good, &d),
        CLASM_OK);
    size_t len = 0;
    unsigned char *bytes = fx_read_file(good, &len);
    assert_non_null(bytes);
    char *text = memo_text(bytes, len);
    assert_has(text, "Larkspur Home Goods Co.");
    free(text);
    free(bytes);
    /* Calls that cannot run. */
    unsigned char *out = NULL;
    assert_int_equal(clasm_memo_buffer(fx->memo, fx->lib, deal, (const clasm_plan *const *)plans, 0,
                                       &out, &len, &d),
                     CLASM_E_USAGE);
    assert_null(out);
    clasm_diags_free(&d);
    for (size_t i = 0; i < n; i++)
        clasm_plan_free(plans[i]);
    clasm_deal_free(deal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_severe_deal),
        cmocka_unit_test(test_pack_groups),
        cmocka_unit_test(test_no_risks_and_missing_value),
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_template_errors),
        cmocka_unit_test(test_list_rows),
        cmocka_unit_test(test_list_empty),
        cmocka_unit_test(test_list_without_group_row),
        cmocka_unit_test(test_list_paragraphs),
        cmocka_unit_test(test_list_parts),
        cmocka_unit_test(test_write_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
