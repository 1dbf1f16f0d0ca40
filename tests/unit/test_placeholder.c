/* Placeholders split by Word in every usual way, filled with plain text in
 * the formatting of the run where they start; every error with its id, part,
 * paragraph and tag; paragraph text and numbering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "docx_fixture.h"
#include "docx_text.h"
#include "package.h"
#include "placeholder.h"

typedef struct {
    const char *const *pairs; /* path, value, path, value, ..., NULL */
} table;

static const char *lookup(void *ctx, const char *path)
{
    const table *t = ctx;
    for (size_t i = 0; t->pairs[i]; i += 2)
        if (strcmp(t->pairs[i], path) == 0)
            return t->pairs[i + 1];
    return NULL;
}

static const char *const VALUES[] = {"customer.name",
                                     "ACME Corp",
                                     "x",
                                     "X-VALUE",
                                     "url",
                                     "https://example.org/?a=1&b=2",
                                     "multi",
                                     "line one\nline two",
                                     "esc",
                                     "A & B <c> \"q\" 'r'",
                                     "inject",
                                     "{{ x }}",
                                     "terms.cure_period_days",
                                     "30",
                                     "seller.name",
                                     "Lensmaker Ltd",
                                     "odd",
                                     "a\x01"
                                     "b\xFF\xC3\xA9\xED\xA0\x80\xF0\x9F\x98\x80\r\nc\td",
                                     NULL};

static xmlDocPtr parse_body(const char *body)
{
    char *xml = fx_document_xml(body);
    clasm_diags d;
    clasm_diags_init(&d);
    xmlDocPtr doc = pkg_parse_xml_bytes((const unsigned char *)xml, strlen(xml), "t.docx",
                                        "word/document.xml", &d);
    assert_int_equal(d.count, 0);
    assert_non_null(doc);
    free(xml);
    clasm_diags_free(&d);
    return doc;
}

static char *dump(xmlDocPtr doc)
{
    xmlChar *buf = NULL;
    int len = 0;
    xmlDocDumpMemoryEnc(doc, &buf, &len, "UTF-8");
    char *s = strdup((const char *)buf);
    xmlFree(buf);
    return s;
}

/* Text of the n-th (1-based) paragraph. */
static char *para_text(xmlDocPtr doc, size_t n)
{
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs(doc, &ps);
    assert_true(n >= 1 && n <= np);
    char *s = docx_paragraph_text(ps[n - 1]);
    free(ps);
    return s;
}

/* Fills body; expects no error; returns the document. */
static xmlDocPtr fill_ok(const char *body, size_t expect_filled)
{
    xmlDocPtr doc = parse_body(body);
    table t = {VALUES};
    docx_values v = {&t, lookup};
    clasm_diags d;
    clasm_diags_init(&d);
    size_t filled = 0;
    int errors = docx_fill_part_n(doc, "t.docx", "word/document.xml", &v, &d, &filled);
    if (d.count)
        clasm_diags_print(stderr, &d);
    assert_int_equal(errors, 0);
    assert_int_equal(d.count, 0);
    assert_int_equal(filled, expect_filled);
    clasm_diags_free(&d);
    return doc;
}

static void expect_text(xmlDocPtr doc, size_t para, const char *want)
{
    char *s = para_text(doc, para);
    assert_string_equal(s, want);
    free(s);
}

static void test_split_over_rsid_runs(void **state)
{
    (void)state;
    xmlDocPtr doc =
        fill_ok("<w:p><w:r w:rsidR=\"00A1\"><w:t xml:space=\"preserve\">Dear {{ cust</w:t>"
                "</w:r><w:r w:rsidR=\"00B2\"><w:t>omer.na</w:t></w:r>"
                "<w:r w:rsidR=\"00C3\"><w:t xml:space=\"preserve\">me }}, hello</w:t>"
                "</w:r></w:p>",
                1);
    expect_text(doc, 1, "Dear ACME Corp, hello");
    char *xml = dump(doc);
    /* The middle run held only placeholder text and is gone; the last keeps
     * its other text. */
    assert_non_null(strstr(xml, "<w:t xml:space=\"preserve\">Dear ACME Corp</w:t>"));
    assert_null(strstr(xml, "00B2"));
    assert_non_null(strstr(xml, "<w:r w:rsidR=\"00C3\"><w:t xml:space=\"preserve\">, hello</w:t>"));
    free(xml);
    xmlFreeDoc(doc);
}

static void test_split_by_proof_err_and_bookmarks(void **state)
{
    (void)state;
    xmlDocPtr doc = fill_ok("<w:p><w:r><w:t>{{</w:t></w:r><w:proofErr w:type=\"spellStart\"/>"
                            "<w:bookmarkStart w:id=\"0\" w:name=\"b\"/>"
                            "<w:r><w:t>customer</w:t></w:r><w:bookmarkEnd w:id=\"0\"/>"
                            "<w:commentRangeStart w:id=\"1\"/>"
                            "<w:r><w:t>.name</w:t></w:r><w:proofErr w:type=\"spellEnd\"/>"
                            "<w:r><w:t>}}</w:t></w:r></w:p>",
                            1);
    expect_text(doc, 1, "ACME Corp");
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "<w:bookmarkStart w:id=\"0\" w:name=\"b\"/>"));
    assert_null(strstr(xml, "customer"));
    free(xml);
    xmlFreeDoc(doc);
}

static void test_value_takes_first_run_formatting(void **state)
{
    (void)state;
    xmlDocPtr doc = fill_ok("<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Party: {{ customer.</w:t></w:r>"
                            "<w:r><w:rPr><w:i/></w:rPr><w:t>name</w:t></w:r>"
                            "<w:r><w:rPr><w:u w:val=\"single\"/></w:rPr><w:t>}} (the "
                            "Customer)</w:t></w:r></w:p>",
                            1);
    expect_text(doc, 1, "Party: ACME Corp (the Customer)");
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "<w:r><w:rPr><w:b/></w:rPr><w:t>Party: ACME Corp</w:t>"));
    assert_null(strstr(xml, "<w:i/>")); /* the run inside the name held nothing else */
    assert_non_null(strstr(xml, "<w:u w:val=\"single\"/></w:rPr><w:t xml:space=\"preserve\"> (the "
                                "Customer)</w:t>"));
    free(xml);
    xmlFreeDoc(doc);
}

static void test_insertions_included_deletions_excluded(void **state)
{
    (void)state;
    xmlDocPtr doc = fill_ok("<w:p><w:r><w:t>{{ </w:t></w:r>"
                            "<w:del w:id=\"1\" w:author=\"a\"><w:r><w:delText>old.path</w:delText>"
                            "</w:r></w:del>"
                            "<w:ins w:id=\"2\" w:author=\"a\"><w:r><w:t>x</w:t></w:r></w:ins>"
                            "<w:r><w:t> }}</w:t></w:r></w:p>",
                            1);
    expect_text(doc, 1, "X-VALUE");
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "<w:delText>old.path</w:delText>")); /* deleted text untouched */
    free(xml);
    xmlFreeDoc(doc);
}

static void test_hyperlink_sdt_field_smarttag_customxml(void **state)
{
    (void)state;
    xmlDocPtr doc =
        fill_ok("<w:p><w:hyperlink r:id=\"rId9\"><w:r><w:t>{{ u</w:t></w:r></w:hyperlink>"
                "<w:hyperlink r:id=\"rId9\"><w:r><w:t>rl }}</w:t></w:r></w:hyperlink></w:p>"
                "<w:p><w:sdt><w:sdtPr><w:alias w:val=\"{{ not.text }}\"/></w:sdtPr><w:sdtContent>"
                "<w:r><w:t>{{x}}</w:t></w:r></w:sdtContent></w:sdt></w:p>"
                "<w:p><w:fldSimple w:instr=\" DATE \"><w:r><w:t>{{ x }}</w:t></w:r></w:fldSimple>"
                "<w:smartTag w:uri=\"u\" w:element=\"e\"><w:r><w:t>/{{ x</w:t></w:r></w:smartTag>"
                "<w:customXml w:element=\"c\"><w:r><w:t>}}</w:t></w:r></w:customXml></w:p>",
                4);
    expect_text(doc, 1, "https://example.org/?a=1&b=2");
    expect_text(doc, 2, "X-VALUE");
    expect_text(doc, 3, "X-VALUE/X-VALUE");
    xmlFreeDoc(doc);
}

static void test_complex_field_instruction_ignored(void **state)
{
    (void)state;
    xmlDocPtr doc = fill_ok("<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
                            "<w:r><w:instrText> DOCPROPERTY {{ x }} </w:instrText></w:r>"
                            "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
                            "<w:r><w:t>{{ x }}</w:t></w:r>"
                            "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>",
                            1);
    expect_text(doc, 1, "X-VALUE");
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "DOCPROPERTY {{ x }}"));
    free(xml);
    xmlFreeDoc(doc);
}

static void test_tables_and_text_boxes(void **state)
{
    (void)state;
    xmlDocPtr doc = fill_ok(
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{{ seller.</w:t></w:r><w:r><w:t>name }}</w:t></w:r>"
        "</w:p></w:tc><w:tc><w:p><w:r><w:t>{{ terms.cure_period_days }} days</w:t></w:r></w:p>"
        "</w:tc></w:tr></w:tbl>"
        "<w:p><w:r><w:t>Before </w:t></w:r><w:r><w:drawing><wp:inline "
        "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\">"
        "<w:txbxContent><w:p><w:r><w:t>{{ cus</w:t></w:r><w:r><w:t>tomer.name }}</w:t></w:r>"
        "</w:p></w:txbxContent></wp:inline></w:drawing></w:r><w:r><w:t>after</w:t></w:r></w:p>",
        3);
    expect_text(doc, 1, "Lensmaker Ltd");
    expect_text(doc, 2, "30 days");
    /* The text box is its own paragraph (number 4, after its container). */
    expect_text(doc, 3, "Before after");
    expect_text(doc, 4, "ACME Corp");
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs(doc, &ps);
    assert_int_equal(np, 4);
    assert_int_equal(docx_paragraph_number(ps[3]), 4);
    assert_int_equal(docx_paragraph_number(ps[0]), 1);
    free(ps);
    xmlFreeDoc(doc);
}

/* Malformed parts (found by fuzzing): a paragraph nested where
 * WordprocessingML has none, inside a w:t or a run's properties. The filler
 * rewrites and removes w:t nodes and emptied runs; it must never free a
 * paragraph that is still listed for filling (run under ASan in make asan). */
static void test_paragraph_nested_in_text_or_run_properties(void **state)
{
    (void)state;
    xmlDocPtr doc = fill_ok("<w:p><w:r><w:t>{{ x }}<w:p><w:r><w:t>{{ x }}</w:t></w:r></w:p>"
                            "</w:t></w:r></w:p>",
                            1);
    /* A w:t holding elements is not text; the nested paragraph is filled. */
    expect_text(doc, 1, "");
    expect_text(doc, 2, "X-VALUE");
    xmlFreeDoc(doc);

    doc = fill_ok("<w:p><w:r><w:t>{{ cus</w:t></w:r><w:r><w:rPr><w:p><w:r><w:t>{{ x }}</w:t>"
                  "</w:r></w:p></w:rPr><w:t>tomer.name }}</w:t></w:r>"
                  "<w:r><w:br><w:p/></w:br><w:t>.</w:t></w:r></w:p>",
                  2);
    expect_text(doc, 1, "ACME Corp.");
    expect_text(doc, 2, "X-VALUE");
    xmlFreeDoc(doc);
}

/* xml:space="preserve" exactly where a value leaves spaces at an end of a
 * w:t or two in a row; the template's own attribute is kept. */
static void test_space_preserved_where_needed(void **state)
{
    (void)state;
    xmlDocPtr doc = fill_ok("<w:p><w:r><w:t>{{ x }}</w:t></w:r></w:p>"
                            "<w:p><w:r><w:t>Name:{{ x }}</w:t></w:r><w:r><w:t>, for</w:t></w:r>"
                            "<w:r><w:t>{{ x }}  and</w:t></w:r></w:p>"
                            "<w:p><w:r><w:t xml:space=\"preserve\">{{ x }}</w:t></w:r></w:p>",
                            4);
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "<w:p><w:r><w:t>X-VALUE</w:t></w:r></w:p>"));
    assert_non_null(strstr(xml, "<w:t>Name:X-VALUE</w:t>"));
    assert_non_null(strstr(xml, "<w:t xml:space=\"preserve\">X-VALUE  and</w:t>"));
    assert_non_null(strstr(xml, "<w:p><w:r><w:t xml:space=\"preserve\">X-VALUE</w:t>"));
    free(xml);
    xmlFreeDoc(doc);
    doc = fill_ok("<w:p><w:r><w:t>A{{ multi }}</w:t></w:r></w:p>", 1);
    xml = dump(doc);
    assert_non_null(strstr(xml, "<w:t>Aline one</w:t><w:br/><w:t>line two</w:t>"));
    free(xml);
    xmlFreeDoc(doc);
    doc = fill_ok("<w:p><w:r><w:t>{{ x }} </w:t></w:r><w:r><w:t>{{ x }}</w:t></w:r></w:p>", 2);
    xml = dump(doc);
    assert_non_null(strstr(xml, "<w:t xml:space=\"preserve\">X-VALUE </w:t>"));
    free(xml);
    xmlFreeDoc(doc);
}

static void test_newline_becomes_break(void **state)
{
    (void)state;
    xmlDocPtr doc =
        fill_ok("<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>A: {{ multi }}.</w:t></w:r></w:p>", 1);
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "<w:r><w:rPr><w:b/></w:rPr><w:t>A: line "
                                "one</w:t><w:br/><w:t>line two.</w:t></w:r>"));
    free(xml);
    expect_text(doc, 1, "A: line one\nline two.");
    xmlFreeDoc(doc);
}

static void test_values_are_escaped_text(void **state)
{
    (void)state;
    xmlDocPtr doc = fill_ok("<w:p><w:r><w:t>{{esc}}</w:t></w:r></w:p>", 1);
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "A &amp; B &lt;c&gt; \"q\" 'r'"));
    free(xml);
    expect_text(doc, 1, "A & B <c> \"q\" 'r'");
    xmlFreeDoc(doc);
}

static void test_value_made_valid_xml_text(void **state)
{
    (void)state;
    /* A control character is dropped, bytes that are not UTF-8 (a stray
     * byte, an encoded surrogate) become U+FFFD, CR LF one break, a tab a
     * w:tab; valid multi-byte characters stay. */
    xmlDocPtr doc = fill_ok("<w:p><w:r><w:t>{{ odd }}</w:t></w:r></w:p>", 1);
    expect_text(doc, 1,
                "ab\xEF\xBF\xBD\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                "\xF0\x9F\x98\x80\nc\td");
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "<w:br/><w:t>c</w:t><w:tab/>"));
    free(xml);
    xmlFreeDoc(doc);
}

static void test_value_never_expanded_again(void **state)
{
    (void)state;
    xmlDocPtr doc = fill_ok("<w:p><w:r><w:t>{{ inject }} and {{ x }}</w:t></w:r></w:p>", 2);
    expect_text(doc, 1, "{{ x }} and X-VALUE");
    xmlFreeDoc(doc);
}

static void test_several_in_one_run_and_shared_runs(void **state)
{
    (void)state;
    xmlDocPtr doc = fill_ok("<w:p><w:r><w:t>{{x}}-{{ x</w:t></w:r><w:r><w:t> }}+{{ seller.name "
                            "}}</w:t></w:r><w:r><w:tab/><w:t>{{ x }}</w:t></w:r></w:p>",
                            4);
    expect_text(doc, 1, "X-VALUE-X-VALUE+Lensmaker Ltd\tX-VALUE");
    xmlFreeDoc(doc);
}

static void test_single_braces_untouched(void **state)
{
    (void)state;
    const char *body = "<w:p><w:r><w:t>{tag} {#loop}{name}{/loop} {-w:p x} { {</w:t></w:r></w:p>";
    xmlDocPtr doc = fill_ok(body, 0);
    expect_text(doc, 1, "{tag} {#loop}{name}{/loop} {-w:p x} { {");
    xmlFreeDoc(doc);
}

static const clasm_diag *find(const clasm_diags *d, const char *id, int para)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0 && d->items[i].paragraph == para)
            return &d->items[i];
    return NULL;
}

static void test_errors_all_in_one_run(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_body(
        "<w:p><w:r><w:t>Dear {{ customer.nme }} and {{ x }}</w:t></w:r></w:p>"           /* 1 */
        "<w:p><w:r><w:t>Open {{ customer.</w:t></w:r></w:p>"                             /* 2 */
        "<w:p><w:r><w:t>name }}</w:t></w:r></w:p>"                                       /* 3 */
        "<w:p><w:r><w:t>{{ }} {{ a b }} {{ 1x }}</w:t></w:r></w:p>"                      /* 4 */
        "<w:p><w:r><w:t>{{ clauses }}</w:t></w:r></w:p>"                                 /* 5 */
        "<w:p><w:r><w:t>{{#if reseller}}</w:t></w:r><w:r><w:t>{{/if}}</w:t></w:r></w:p>" /* 6 */
        "<w:p><w:r><w:t>{{ clauses: export-control }} text</w:t></w:r></w:p>");          /* 7 */
    table t = {VALUES};
    docx_values v = {&t, lookup};
    clasm_diags d;
    clasm_diags_init(&d);
    int errors = docx_fill_part(doc, "t.docx", "word/footer2.xml", &v, &d);
    assert_int_equal(errors, 9);
    assert_int_equal(d.count, 9);
    for (size_t i = 0; i < d.count; i++) {
        assert_string_equal(d.items[i].file, "t.docx");
        assert_string_equal(d.items[i].part, "word/footer2.xml");
    }
    const clasm_diag *g = find(&d, "unknown-value", 1);
    assert_non_null(g);
    assert_non_null(strstr(g->message, "{{ customer.nme }}"));
    assert_non_null(strstr(g->message, "'customer.nme'"));
    g = find(&d, "unclosed-tag", 2);
    assert_non_null(g);
    assert_non_null(strstr(g->message, "{{ customer."));
    assert_null(find(&d, "unclosed-tag", 3));
    int malformed = 0;
    for (size_t i = 0; i < d.count; i++)
        if (strcmp(d.items[i].id, "malformed-tag") == 0) {
            assert_int_equal(d.items[i].paragraph, 4);
            malformed++;
        }
    assert_int_equal(malformed, 3);
    assert_non_null(strstr(find(&d, "malformed-tag", 4)->message, "{{ }}"));
    assert_non_null(find(&d, "misplaced-structural-tag", 5));
    assert_non_null(strstr(find(&d, "misplaced-structural-tag", 5)->message, "{{ clauses }}"));
    assert_non_null(find(&d, "misplaced-structural-tag", 6));
    assert_non_null(find(&d, "misplaced-structural-tag", 7));
    /* The printed form names file, part and paragraph. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    clasm_diag_print(f, find(&d, "unknown-value", 1));
    fclose(f);
    assert_non_null(strstr(buf, "t.docx: word/footer2.xml, paragraph 1: error: "));
    assert_non_null(strstr(buf, "[unknown-value]"));
    free(buf);
    /* The placeholder with a value was still filled. */
    expect_text(doc, 1, "Dear {{ customer.nme }} and X-VALUE");
    clasm_diags_free(&d);
    xmlFreeDoc(doc);
}

static void test_scan_kinds(void **state)
{
    (void)state;
    tag *tags = NULL;
    size_t n = tags_scan("a {{ b.c-d_e }} {{#if x}} {{/if}} {{clauses:a, b}} {{ x y }} "
                         "{{ z {{ w }}",
                         &tags);
    assert_int_equal(n, 7);
    assert_int_equal(tags[0].kind, TAG_VALUE);
    assert_string_equal(tags[0].path, "b.c-d_e");
    assert_int_equal(tags[0].start, 2);
    assert_int_equal(tags[0].end, 15);
    assert_int_equal(tags[1].kind, TAG_STRUCTURAL);
    assert_string_equal(tags[1].path, "#if x");
    assert_int_equal(tags[2].kind, TAG_STRUCTURAL);
    assert_int_equal(tags[3].kind, TAG_STRUCTURAL);
    assert_int_equal(tags[4].kind, TAG_MALFORMED);
    assert_int_equal(tags[5].kind, TAG_UNCLOSED);
    assert_int_equal(tags[6].kind, TAG_VALUE);
    assert_string_equal(tags[6].path, "w");
    tags_free(tags, n);
    assert_true(tag_valid_path("_a.b-1"));
    assert_false(tag_valid_path("1x"));
    assert_false(tag_valid_path(""));
    assert_false(tag_valid_path("a b"));
    assert_false(tag_valid_path("clauses!"));
}

static void test_sole_tag_paragraphs(void **state)
{
    (void)state;
    xmlDocPtr doc =
        parse_body("<w:p><w:r><w:t xml:space=\"preserve\"> {{ cla</w:t></w:r><w:proofErr/>"
                   "<w:r><w:t>uses }}  </w:t></w:r></w:p>"
                   "<w:p><w:r><w:t>{{#if reseller and end_use == \"unknown\"}}</w:t></w:r></w:p>"
                   "<w:p><w:r><w:t>{{/if}}</w:t></w:r></w:p>"
                   "<w:p><w:r><w:t>Text {{ clauses }}</w:t></w:r></w:p>"
                   "<w:p><w:r><w:t>{{ a }}{{ b }}</w:t></w:r></w:p>"
                   "<w:p><w:r><w:t>{{ clauses: export-control, data-handling }}</w:t></w:r></w:p>"
                   "<w:p><w:r><w:t>{{ open</w:t></w:r></w:p><w:p/>");
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs(doc, &ps);
    assert_int_equal(np, 8);
    const char *want[] = {"clauses", "#if reseller and end_use == \"unknown\"", "/if", NULL,
                          NULL,      "clauses: export-control, data-handling",  NULL,  NULL};
    for (size_t i = 0; i < np; i++) {
        char *got = docx_paragraph_sole_tag(ps[i]);
        if (want[i])
            assert_string_equal(got, want[i]);
        else
            assert_null(got);
        free(got);
    }
    free(ps);
    xmlFreeDoc(doc);
}

static void test_list_placeholders(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_body("<w:p><w:r><w:t>{{ b }} {{a}} {{#if c}} {{ 1x }}</w:t></w:r></w:p>"
                               "<w:p><w:r><w:t>{{ b</w:t></w:r><w:r><w:t> }} {{ d.e }}</w:t></w:r>"
                               "</w:p>");
    char **paths = NULL;
    size_t n = docx_list_placeholders(doc, &paths);
    assert_int_equal(n, 3);
    assert_string_equal(paths[0], "b");
    assert_string_equal(paths[1], "a");
    assert_string_equal(paths[2], "d.e");
    docx_strings_free(paths, n);
    xmlFreeDoc(doc);
}

static void test_paragraph_text_rules(void **state)
{
    (void)state;
    xmlDocPtr doc = parse_body(
        "<w:p><w:pPr><w:rPr><w:b/></w:rPr></w:pPr><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t>"
        "<w:br/><w:instrText>no</w:instrText></w:r><w:del><w:r><w:t>gone</w:t></w:r></w:del>"
        "<w:moveFrom><w:r><w:t>moved</w:t></w:r></w:moveFrom><w:moveTo><w:r><w:t>c</w:t></w:r>"
        "</w:moveTo></w:p><w:p/>");
    expect_text(doc, 1, "a\tb\nc");
    expect_text(doc, 2, "");
    docx_ptext pt;
    xmlNodePtr *ps = NULL;
    assert_int_equal(docx_paragraphs(doc, &ps), 2);
    assert_int_equal(docx_paragraph_pieces(ps[0], &pt), 0);
    assert_int_equal(pt.count, 5);
    assert_true(pt.pieces[0].is_text);
    assert_false(pt.pieces[1].is_text);
    assert_int_equal(pt.pieces[4].start, 4);
    assert_true(docx_is_w(pt.pieces[4].node, "t"));
    assert_true(docx_is_w(pt.pieces[4].run, "r"));
    docx_ptext_free(&pt);
    assert_int_equal(docx_paragraph_number(xmlDocGetRootElement(doc)), 0);
    free(ps);
    xmlFreeDoc(doc);
}

static void test_fill_package_header_and_body(void **state)
{
    (void)state;
    const char *header = FX_XML_DECL "<w:hdr xmlns:w=\"" FX_W_NS "\"><w:p><w:r><w:t>{{ seller"
                                     "</w:t></w:r><w:r><w:t>.name }}</w:t></w:r></w:p></w:hdr>";
    size_t len = 0;
    unsigned char *z = fx_docx_with_header(
        "<w:p><w:r><w:t>To {{ customer.name }}</w:t></w:r></w:p>", header, &len);
    assert_non_null(z);
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(pkg_open_buffer(z, len, "h.docx", &p, &d), CLASM_OK);
    const char *parts[8];
    assert_int_equal(docx_fill_parts(p, parts, 8), 2);
    assert_string_equal(parts[0], "word/document.xml");
    assert_string_equal(parts[1], "word/header1.xml");
    pkg_edit *e = pkg_edit_new(p);
    table t = {VALUES};
    docx_values v = {&t, lookup};
    assert_int_equal(docx_fill_package(e, "h.docx", &v, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    xmlDocPtr h = pkg_edit_parse(e, "word/header1.xml", &d);
    expect_text(h, 1, "Lensmaker Ltd");
    xmlFreeDoc(h);
    xmlDocPtr b = pkg_edit_parse(e, "word/document.xml", &d);
    expect_text(b, 1, "To ACME Corp");
    xmlFreeDoc(b);
    /* A missing value in the header is an error naming the header. */
    const char *const none[] = {NULL};
    table t2 = {none};
    docx_values v2 = {&t2, lookup};
    pkg_edit *e2 = pkg_edit_new(p);
    assert_int_equal(docx_fill_package(e2, "h.docx", &v2, &d), CLASM_E_INPUT);
    assert_int_equal(d.count, 2);
    assert_string_equal(d.items[1].part, "word/header1.xml");
    assert_int_equal(d.items[1].paragraph, 1);
    assert_string_equal(d.items[1].id, "unknown-value");
    pkg_edit_free(e2);
    pkg_edit_free(e);
    pkg_free(p);
    free(z);
    clasm_diags_free(&d);
}

/* A template LibreOffice wrote (tests/fixtures/docx/split-placeholders.docx,
 * from the .fodt beside it): placeholders in body, table, header, footer
 * and footnote, one split over bold/italic runs, an insertion point left in
 * place and other engines' single-brace tags. */
static const char *const LO_VALUES[] = {"customer.name",
                                        "Ministry of Examples",
                                        "seller.name",
                                        "Lensmaker Ltd",
                                        "deal.id",
                                        "Q-2026-0117",
                                        "terms.governing_law",
                                        "the State of New York",
                                        "customer.country",
                                        "AE",
                                        NULL};

static void test_libreoffice_template(void **state)
{
    (void)state;
    const char *path = "tests/fixtures/docx/split-placeholders.docx";
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(pkg_open(path, &p, &d), CLASM_OK);
    const char *parts[8];
    size_t np = docx_fill_parts(p, parts, 8);
    assert_int_equal(np, 4);
    assert_string_equal(parts[0], "word/document.xml");
    assert_string_equal(parts[1], "word/header1.xml");
    assert_string_equal(parts[2], "word/footer1.xml");
    assert_string_equal(parts[3], "word/footnotes.xml");
    pkg_edit *e = pkg_edit_new(p);
    table t = {LO_VALUES};
    docx_values v = {&t, lookup};
    /* The insertion point was not handled by anyone: the only error. */
    assert_int_equal(docx_fill_package(e, path, &v, &d), CLASM_E_INPUT);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "misplaced-structural-tag");
    assert_string_equal(d.items[0].part, "word/document.xml");
    assert_int_equal(d.items[0].paragraph, 4);
    xmlDocPtr doc = pkg_edit_parse(e, "word/document.xml", &d);
    expect_text(doc, 1, "This agreement is made between Lensmaker Ltd and Ministry of Examples.");
    expect_text(doc, 3, "AE");
    expect_text(doc, 5, "Single braces stay: {tag} and {#loop}{/loop}.");
    char *xml = dump(doc);
    assert_non_null(strstr(xml, "<w:b/></w:rPr><w:t>Lensmaker Ltd</w:t>"));
    assert_null(strstr(xml, "<w:i/>"));
    free(xml);
    xmlFreeDoc(doc);
    doc = pkg_edit_parse(e, "word/footer1.xml", &d);
    expect_text(doc, 1, "Deal Q-2026-0117 page footer");
    xmlFreeDoc(doc);
    doc = pkg_edit_parse(e, "word/header1.xml", &d);
    expect_text(doc, 1, "Agreement with Ministry of Examples");
    xmlFreeDoc(doc);
    doc = pkg_edit_parse(e, "word/footnotes.xml", &d);
    char **paths = NULL;
    assert_int_equal(docx_list_placeholders(doc, &paths), 0);
    free(paths);
    xmlFreeDoc(doc);
    assert_int_equal(d.count, 1);
    pkg_edit_free(e);
    pkg_free(p);
    clasm_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_over_rsid_runs),
        cmocka_unit_test(test_split_by_proof_err_and_bookmarks),
        cmocka_unit_test(test_value_takes_first_run_formatting),
        cmocka_unit_test(test_insertions_included_deletions_excluded),
        cmocka_unit_test(test_hyperlink_sdt_field_smarttag_customxml),
        cmocka_unit_test(test_complex_field_instruction_ignored),
        cmocka_unit_test(test_tables_and_text_boxes),
        cmocka_unit_test(test_paragraph_nested_in_text_or_run_properties),
        cmocka_unit_test(test_space_preserved_where_needed),
        cmocka_unit_test(test_newline_becomes_break),
        cmocka_unit_test(test_values_are_escaped_text),
        cmocka_unit_test(test_value_made_valid_xml_text),
        cmocka_unit_test(test_value_never_expanded_again),
        cmocka_unit_test(test_several_in_one_run_and_shared_runs),
        cmocka_unit_test(test_single_braces_untouched),
        cmocka_unit_test(test_errors_all_in_one_run),
        cmocka_unit_test(test_scan_kinds),
        cmocka_unit_test(test_sole_tag_paragraphs),
        cmocka_unit_test(test_list_placeholders),
        cmocka_unit_test(test_paragraph_text_rules),
        cmocka_unit_test(test_fill_package_header_and_body),
        cmocka_unit_test(test_libreoffice_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
