/* Conditionals and insertion points in a part: every marker found (split
 * runs, content controls, tables), every mistake reported with its id and
 * paragraph, conditionals evaluated over a real deal (nested, in tables,
 * spanning tables) and insertion points turned into anchors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "docx_fixture.h"
#include "docx_structure.h"
#include "docx_text.h"
#include "facts.h"
#include "package.h"
#include "plan.h"

static xmlDocPtr parse_body(const char *body)
{
    char *xml = fx_document_xml(body);
    clasm_diags d;
    clasm_diags_init(&d);
    xmlDocPtr doc = pkg_parse_xml_bytes((const unsigned char *)xml, strlen(xml), "t.docx",
                                        "word/document.xml", &d);
    assert_int_equal(d.count, 0);
    assert_non_null(doc);
    clasm_diags_free(&d);
    free(xml);
    return doc;
}

#define P(text) "<w:p><w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r></w:p>"
#define CELL(content)                                                                              \
    "<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>" content "</w:tc>"
#define TABLE(cells) "<w:tbl><w:tblPr/><w:tblGrid/><w:tr>" cells "</w:tr></w:tbl>"

/* Every paragraph's text joined by '|'. */
static char *all_text(xmlDocPtr doc)
{
    xmlNodePtr *ps = NULL;
    size_t n = docx_paragraphs(doc, &ps);
    size_t cap = 16, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char *t = docx_paragraph_text(ps[i]);
        size_t tl = strlen(t);
        while (len + tl + 2 > cap)
            out = realloc(out, cap *= 2);
        if (i)
            out[len++] = '|';
        memcpy(out + len, t, tl + 1);
        len += tl;
        free(t);
    }
    free(ps);
    return out;
}

static const clasm_diag *find_diag(const clasm_diags *d, const char *id, int paragraph)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0 && d->items[i].paragraph == paragraph)
            return &d->items[i];
    return NULL;
}

static void test_markers_found(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_body(
        P("Intro") "<w:p><w:r><w:t>{{ cla</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>uses: "
                   "export-control ,data-handling }}</w:t></w:r></w:p>" P("{{#if reseller}}")
                       TABLE(CELL(P("{{ clauses }}")))
                           P("{{/if}}") "<w:sdt><w:sdtPr><w:alias w:val=\"G\"/><w:tag "
                                        "w:val=\"clauses:grievance\"/>"
                                        "<w:id "
                                        "w:val=\"5\"/><w:showingPlcHdr/></"
                                        "w:sdtPr><w:sdtContent>" P(
                                            "Placeholder {{#if x}}") "</w:sdtContent></"
                                                                     "w:sdt>" P("{{ "
                                                                                "customer.name "
                                                                                "}}"));
    structure_markers m;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(structure_scan(doc, "t.docx", "word/document.xml", 1, &m, &d), 0);
    assert_int_equal(d.count, 0);
    assert_int_equal(m.count, 5);
    assert_int_equal(m.items[0].kind, STRUCT_CLAUSES);
    assert_int_equal(m.items[0].paragraph, 2);
    assert_int_equal(m.items[0].ncategories, 2);
    assert_string_equal(m.items[0].categories[0], "export-control");
    assert_string_equal(m.items[0].categories[1], "data-handling");
    assert_int_equal(m.items[1].kind, STRUCT_IF);
    assert_string_equal(m.items[1].expr, "reseller");
    assert_int_equal(m.items[1].partner, 3);
    assert_true(m.items[1].balanced);
    assert_int_equal(m.items[2].kind, STRUCT_CLAUSES);
    assert_int_equal(m.items[2].ncategories, 0);
    assert_int_equal(m.items[2].paragraph, 4);
    assert_int_equal(m.items[3].kind, STRUCT_ENDIF);
    assert_int_equal(m.items[4].kind, STRUCT_CLAUSES);
    assert_true(m.items[4].is_sdt);
    assert_int_equal(m.items[4].paragraph, 6);
    assert_string_equal(m.items[4].categories[0], "grievance");
    assert_int_equal(structure_check_insertion_points(&m, "t.docx", "word/document.xml", &d), 0);
    structure_markers_free(&m);
    clasm_diags_free(&d);
    xmlFreeDoc(doc);
}

static void test_marker_errors(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_body(P("See {{ clauses }} here") /* 1 */
                               P("{{#if}}")                /* 2 */
                               P("{{#each x}}")            /* 3 */
                               P("{{ clauses: a,, b }}")   /* 4 */
                               P("{{#if tier >=}}")        /* 5 */
                               P("{{/if}}")                /* 6 */
                               P("{{/if}}")                /* 7 */
                               P("{{#if nosuchfact}}")     /* 8 */
                               TABLE(CELL(P("{{/if}}")))   /* 9 */
                               P("{{ clauses extra }}")    /* 10 */
                               P("{{/if reseller}}")       /* 11 */
                               P("{{#if reseller}}"));     /* 12 */
    structure_markers m;
    clasm_diags d;
    clasm_diags_init(&d);
    int errors = structure_scan(doc, "t.docx", "word/document.xml", 1, &m, &d);
    assert_int_equal(errors, (int)d.count);
    const clasm_diag *g;
    assert_non_null(g = find_diag(&d, "marker-not-alone", 1));
    assert_non_null(strstr(g->message, "{{ clauses }}"));
    assert_string_equal(g->part, "word/document.xml");
    assert_string_equal(g->file, "t.docx");
    assert_non_null(g = find_diag(&d, "malformed-marker", 2));
    assert_non_null(strstr(g->message, "no expression"));
    assert_non_null(find_diag(&d, "unknown-marker", 3));
    assert_non_null(g = find_diag(&d, "malformed-marker", 4));
    assert_non_null(strstr(g->message, "empty or malformed category"));
    assert_non_null(g = find_diag(&d, "malformed-condition", 5));
    assert_non_null(strstr(g->message, "column"));
    /* 5 pairs with 6; 7 has no partner. */
    assert_non_null(find_diag(&d, "unbalanced-condition", 7));
    assert_non_null(g = find_diag(&d, "malformed-condition", 8));
    assert_non_null(strstr(g->message, "nosuchfact"));
    /* 8 pairs with the {{/if}} in the table cell: not at the same level. */
    assert_non_null(g = find_diag(&d, "condition-crosses-structure", 8));
    assert_non_null(strstr(g->message, "paragraph 9"));
    assert_non_null(find_diag(&d, "malformed-marker", 10));
    assert_non_null(find_diag(&d, "malformed-marker", 11));
    assert_non_null(g = find_diag(&d, "unbalanced-condition", 12));
    assert_non_null(strstr(g->message, "never closed"));
    assert_int_equal(d.count, 11);
    structure_markers_free(&m);
    clasm_diags_free(&d);
    xmlFreeDoc(doc);
}

static void test_header_insertion_point(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_body(P("{{ clauses }}") P("{{#if reseller}}") P("x") P("{{/if}}"));
    structure_markers m;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(structure_scan(doc, "t.docx", "word/header1.xml", 0, &m, &d), 1);
    assert_string_equal(d.items[0].id, "insertion-point-outside-body");
    assert_string_equal(d.items[0].part, "word/header1.xml");
    assert_int_equal(d.items[0].paragraph, 1);
    assert_int_equal(m.count, 2); /* the conditional still counts */
    structure_markers_free(&m);
    clasm_diags_free(&d);
    xmlFreeDoc(doc);
}

static void test_duplicates(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_body(P("{{ clauses }}") P("{{ clauses: a, b }}") P("{{ clauses }}")
                                   P("{{ clauses: c, b }}"));
    structure_markers m;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(structure_scan(doc, "t.docx", "word/document.xml", 1, &m, &d), 0);
    assert_int_equal(structure_check_insertion_points(&m, "t.docx", "word/document.xml", &d), 2);
    assert_non_null(find_diag(&d, "duplicate-insertion-point", 3));
    const clasm_diag *g = find_diag(&d, "duplicate-insertion-point", 4);
    assert_non_null(g);
    assert_non_null(strstr(g->message, "'b'"));
    assert_non_null(strstr(g->message, "paragraph 2"));
    structure_markers_free(&m);
    clasm_diags_free(&d);
    xmlFreeDoc(doc);
}

/* ---- conditionals over a real deal ---- */

static clasm_deal *load_deal(int reseller)
{
    char text[1024];
    snprintf(text, sizeof text,
             "id: Q-1\ndocuments: [contract]\ndate: 2026-11-27\n"
             "seller: {name: S, address: A, jurisdiction: J}\n"
             "customer: {name: C, country: XD, kind: private}\n"
             "%s"
             "product: {name: P, capabilities: [data-analytics]}\n"
             "deployment: cloud\nlicense: perpetual\nend_use: known\nrisks: []\n"
             "terms: {governing_law: X}\n",
             reseller ? "reseller: {name: R, country: XD}\n" : "");
    clasm_deal *deal = NULL;
    clasm_diags d;
    clasm_diags_init(&d);
    if (clasm_deal_load_string(text, strlen(text), "deal.yaml", &deal, &d) != CLASM_OK) {
        fail();
    }
    clasm_diags_free(&d);
    return deal;
}

typedef struct {
    const clasm_deal *deal;
    const clasm_plan *plan;
} eval_ctx;

static int eval(void *ctx, const char *expr, char **err, int *col)
{
    eval_ctx *e = ctx;
    return facts_eval(NULL, e->deal, e->plan, expr, err, col);
}

static char *apply(const char *body, int reseller, int expect_errors)
{
    xmlDocPtr doc = parse_body(body);
    clasm_deal *deal = load_deal(reseller);
    clasm_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.document = CLASM_DOC_CONTRACT;
    plan.tier_rank = -1;
    eval_ctx ctx = {deal, &plan};
    structure_markers m;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(structure_scan(doc, "t.docx", "word/document.xml", 1, &m, &d), 0);
    assert_int_equal(
        structure_apply_conditionals(&m, "t.docx", "word/document.xml", eval, &ctx, &d),
        expect_errors);
    char *text = all_text(doc);
    structure_markers_free(&m);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    xmlFreeDoc(doc);
    return text;
}

static void test_conditionals_nested(void **state)
{
    (void)state;
    const char *body = P("a") P("{{#if reseller}}") P("b") P("{{#if deployment == cloud}}") P("c")
        P("{{/if}}") P("{{#if deployment == on-premises}}") P("d") P("{{/if}}") P("{{/if}}")
            P("{{#if not reseller}}") P("e") P("{{/if}}") P("f");
    char *t = apply(body, 1, 0);
    assert_string_equal(t, "a|b|c|f");
    free(t);
    t = apply(body, 0, 0);
    assert_string_equal(t, "a|e|f");
    free(t);
}

static void test_conditionals_tables(void **state)
{
    (void)state;
    /* A condition alone in a cell empties it (repaired later); a condition
     * around a whole table drops the table; markers in different cells of
     * one row each stay in their own cell. */
    const char *body = TABLE(CELL(P("{{#if reseller}}") P("R") P("{{/if}}"))
                                 CELL(P("x") P("{{#if not reseller}}") P("Direct") P("{{/if}}")))
        P("{{#if reseller}}") TABLE(CELL(P("in table"))) P("after") P("{{/if}}") P("end");
    char *t = apply(body, 0, 0);
    assert_string_equal(t, "x|Direct|end");
    free(t);
    t = apply(body, 1, 0);
    assert_string_equal(t, "R|x|in table|after|end");
    free(t);
}

/* The optional parts of the parties are facts: a template prints an
 * address only when the deal gives one (load_deal gives the seller's
 * address and jurisdiction, not the customer's or the reseller's). */
static void test_conditionals_party_details(void **state)
{
    (void)state;
    const char *body = P("{{#if seller.address}}") P("S") P("{{/if}}")
        P("{{#if seller.jurisdiction == J}}") P("J") P("{{/if}}") P("{{#if customer.address}}")
            P("C") P("{{/if}}") P("{{#if not customer.address}}") P("no C") P("{{/if}}")
                P("{{#if customer.jurisdiction}}") P("CJ") P("{{/if}}")
                    P("{{#if reseller.address or reseller.jurisdiction}}") P("R") P("{{/if}}")
                        P("{{#if reseller and not reseller.address}}") P("no R") P("{{/if}}");
    char *t = apply(body, 1, 0);
    assert_string_equal(t, "S|J|no C|no R");
    free(t);
    t = apply(body, 0, 0);
    assert_string_equal(t, "S|J|no C");
    free(t);
}

static void test_condition_eval_error(void **state)
{
    (void)state;
    /* With no library every tier name is unknown at evaluation. */
    xmlDocPtr doc = parse_body(P("{{#if tier >= high}}") P("kept") P("{{/if}}"));
    clasm_deal *deal = load_deal(0);
    clasm_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.tier_rank = -1;
    eval_ctx ctx = {deal, &plan};
    structure_markers m;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(structure_scan(doc, "t.docx", "word/document.xml", 1, &m, &d), 0);
    int errors = structure_apply_conditionals(&m, "t.docx", "word/document.xml", eval, &ctx, &d);
    if (errors) {
        assert_string_equal(d.items[0].id, "condition-error");
        assert_int_equal(d.items[0].paragraph, 1);
    }
    char *t = all_text(doc);
    assert_true(strcmp(t, "kept") == 0 || strcmp(t, "") == 0);
    free(t);
    structure_markers_free(&m);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    xmlFreeDoc(doc);
}

static void test_anchors(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_body(
        P("{{ clauses }}") "<w:sdt><w:sdtPr><w:tag w:val=\"clauses:grievance\"/><w:id w:val=\"5\"/>"
                           "<w:showingPlcHdr/></w:sdtPr><w:sdtContent>" P(
                               "Placeholder") "</w:sdtContent></w:sdt>"
                                              "<w:sdt><w:sdtPr><w:tag w:val=\"clauses: "
                                              "audit\"/></w:sdtPr>"
                                              "<w:sdtContent>" P(
                                                  "Other") "</w:sdtContent></w:sdt>" P("end"));
    structure_markers m;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(structure_scan(doc, "t.docx", "word/document.xml", 1, &m, &d), 0);
    assert_int_equal(m.count, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(structure_anchor(&m.items[i]), 0);
    char *t = all_text(doc);
    assert_string_equal(t, "|||end");
    free(t);
    /* The sdt keeps its id and tag, loses showingPlcHdr. */
    xmlNodePtr sdt = m.items[1].node;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlNodeDump(buf, doc, sdt, 0, 0);
    const char *x = (const char *)xmlBufferContent(buf);
    assert_non_null(strstr(x, "<w:id w:val=\"5\"/>"));
    assert_null(strstr(x, "showingPlcHdr"));
    assert_null(strstr(x, "Placeholder"));
    xmlBufferFree(buf);
    /* Something goes before the second anchor; nothing before the others. */
    xmlNodePtr np = xmlNewDocNode(doc, m.items[1].anchor->ns, BAD_CAST "p", NULL);
    xmlAddPrevSibling(m.items[1].anchor, np);
    for (size_t i = 0; i < 3; i++)
        structure_remove_anchor(&m.items[i]);
    t = all_text(doc);
    assert_string_equal(t, "|end");
    free(t);
    /* The empty content control went away; the filled one stayed. */
    assert_null(m.items[2].node);
    assert_non_null(m.items[1].node);
    structure_markers_free(&m);
    clasm_diags_free(&d);
    xmlFreeDoc(doc);
}

static void test_text_box_marker(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_body(P("a") "<w:p><w:r><w:txbxContent>" P(
        "{{#if reseller}}") "</w:txbxContent></w:r></w:p>" P("b"));
    structure_markers m;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(structure_scan(doc, "t.docx", "word/document.xml", 1, &m, &d), 1);
    assert_string_equal(d.items[0].id, "marker-not-block-level");
    assert_int_equal(d.items[0].paragraph, 3);
    assert_int_equal(m.count, 0);
    structure_markers_free(&m);
    clasm_diags_free(&d);
    xmlFreeDoc(doc);
}

/* A marker paragraph holding a text box with markers of its own: applying the
 * outer condition would free the inner markers' paragraphs (found by
 * fuzz_placeholder). It is refused; the inner markers still pair. */
static void test_marker_holding_markers(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_body(
        P("a") "<w:p><w:r><w:t>{{#if reseller}}</w:t></w:r><w:r>"
               "<w:txbxContent><w:sdt><w:sdtContent>" P("{{#if reseller}}") P("in the box")
                   P("{{/if}}") "</w:sdtContent></w:sdt>"
                                "</w:txbxContent></w:r></w:p>" P("b") P("{{/if}}") P("c"));
    structure_markers m;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(structure_scan(doc, "t.docx", "word/document.xml", 1, &m, &d), 2);
    const clasm_diag *held = find_diag(&d, "marker-holds-content", 2);
    assert_non_null(held);
    assert_non_null(strstr(held->message, "{{ #if reseller }} holds a text box"));
    assert_non_null(find_diag(&d, "unbalanced-condition", 7));
    /* Applying what was found touches only live nodes (ASan checks). */
    clasm_deal *deal = load_deal(1);
    clasm_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.tier_rank = -1;
    eval_ctx ctx = {deal, &plan};
    structure_apply_conditionals(&m, "t.docx", "word/document.xml", eval, &ctx, &d);
    char *t = all_text(doc);
    assert_non_null(strstr(t, "in the box"));
    free(t);
    structure_markers_free(&m);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    xmlFreeDoc(doc);
}

static void test_section_break_kept(void **state)
{
    (void)state;
    /* Marker paragraphs that end a section keep the section. */
    const char *sect = "<w:pPr><w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:pPr>";
    char body[2048];
    snprintf(body, sizeof body,
             P("{{#if reseller}}")
                 P("R") "<w:p>%s<w:r><w:t>{{/if}}</w:t></w:r></w:p>"
                        "<w:p>%s<w:r><w:t>{{ clauses }}</w:t></w:r></w:p>" P("end"),
             sect, sect);
    xmlDocPtr doc = parse_body(body);
    clasm_deal *deal = load_deal(0);
    clasm_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.tier_rank = -1;
    eval_ctx ctx = {deal, &plan};
    structure_markers m;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(structure_scan(doc, "t.docx", "word/document.xml", 1, &m, &d), 0);
    assert_int_equal(
        structure_apply_conditionals(&m, "t.docx", "word/document.xml", eval, &ctx, &d), 0);
    assert_int_equal(structure_anchor(&m.items[2]), 0);
    structure_remove_anchor(&m.items[2]);
    char *t = all_text(doc);
    assert_string_equal(t, "||end");
    free(t);
    xmlNodePtr *ps = NULL;
    size_t n = docx_paragraphs(doc, &ps);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < 2; i++) {
        xmlNodePtr ppr = ps[i]->children;
        assert_non_null(ppr);
        assert_string_equal((const char *)ppr->name, "pPr");
        assert_string_equal((const char *)ppr->children->name, "sectPr");
        assert_null(ppr->next);
    }
    free(ps);
    structure_markers_free(&m);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    xmlFreeDoc(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markers_found),
        cmocka_unit_test(test_marker_errors),
        cmocka_unit_test(test_header_insertion_point),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_conditionals_nested),
        cmocka_unit_test(test_conditionals_tables),
        cmocka_unit_test(test_conditionals_party_details),
        cmocka_unit_test(test_condition_eval_error),
        cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_text_box_marker),
        cmocka_unit_test(test_marker_holding_markers),
        cmocka_unit_test(test_section_break_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
