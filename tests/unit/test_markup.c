/* Clause markup: paragraphs and list items (nesting, (i) after (h),
 * continuation lines), bold and italic spans (inside list items, unpaired
 * markers literal, underscores inside words), escapes, and the
 * WordprocessingML paragraphs they become. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "docx_text.h"
#include "markup.h"

static void test_blocks(void **state)
{
    (void)state;
    const char *text = "First line\ncontinues here.\n\n"
                       "Lead-in:\n"
                       "(a) one;\n"
                       "(b) two, with\n  a second line:\n"
                       "  (i) deeper;\n"
                       "  (ii) deeper still; and\n"
                       "(c) three.\n"
                       "\n\n  \n"
                       "Last paragraph.\n";
    markup_block *b;
    size_t n;
    assert_int_equal(markup_parse(text, &b, &n), 0);
    assert_int_equal(n, 8);
    const int levels[] = {-1, -1, 0, 0, 1, 1, 0, -1};
    const char *texts[] = {"First line continues here.",
                           "Lead-in:",
                           "one;",
                           "two, with a second line:",
                           "deeper;",
                           "deeper still; and",
                           "three.",
                           "Last paragraph."};
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(b[i].level, levels[i]);
        assert_string_equal(b[i].text, texts[i]);
    }
    markup_blocks_free(b, n);
    /* The last block closes at the end of the text even without a blank. */
    assert_int_equal(markup_parse("A\n\nB", &b, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(b[1].text, "B");
    markup_blocks_free(b, n);
    assert_int_equal(markup_parse("", &b, &n), 0);
    assert_int_equal(n, 0);
    markup_blocks_free(b, n);
}

static void test_letter_i_after_h(void **state)
{
    (void)state;
    const char *text = "(g) g\n(h) h\n(i) letter i\n(j) j\n(i) roman one\n(ii) roman two\n"
                       "(k) k\n(v) roman five\n";
    markup_block *b;
    size_t n;
    assert_int_equal(markup_parse(text, &b, &n), 0);
    assert_int_equal(n, 8);
    const int levels[] = {0, 0, 0, 0, 1, 1, 0, 1};
    for (size_t i = 0; i < n; i++)
        assert_int_equal(b[i].level, levels[i]);
    markup_blocks_free(b, n);
}

static void test_not_labels(void **state)
{
    (void)state;
    /* Words in brackets, labels without a following blank and upper case
     * are text, joined to the paragraph. */
    const char *text = "Start\n(see below) more\n(a)b\n(A) upper\n(abc) word";
    markup_block *b;
    size_t n;
    assert_int_equal(markup_parse(text, &b, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(b[0].level, -1);
    assert_string_equal(b[0].text, "Start (see below) more (a)b (A) upper (abc) word");
    markup_blocks_free(b, n);
    /* An escaped label is text too. */
    assert_int_equal(markup_parse("\\(a) literal", &b, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(b[0].level, -1);
    char *plain = markup_plain(b[0].text);
    assert_string_equal(plain, "(a) literal");
    free(plain);
    markup_blocks_free(b, n);
}

static void test_inline(void **state)
{
    (void)state;
    markup_span *s;
    size_t n;
    assert_int_equal(markup_inline("The **Customer** shall _not_ sell.", &s, &n), 0);
    assert_int_equal(n, 5);
    assert_string_equal(s[0].text, "The ");
    assert_false(s[0].bold);
    assert_string_equal(s[1].text, "Customer");
    assert_true(s[1].bold);
    assert_false(s[1].italic);
    assert_string_equal(s[2].text, " shall ");
    assert_string_equal(s[3].text, "not");
    assert_true(s[3].italic);
    assert_false(s[3].bold);
    assert_string_equal(s[4].text, " sell.");
    markup_spans_free(s, n);

    /* Bold inside italic. */
    assert_int_equal(markup_inline("_the **Product** here_", &s, &n), 0);
    assert_int_equal(n, 3);
    assert_true(s[0].italic);
    assert_false(s[0].bold);
    assert_true(s[1].italic);
    assert_true(s[1].bold);
    assert_string_equal(s[1].text, "Product");
    assert_string_equal(s[2].text, " here");
    markup_spans_free(s, n);

    /* Unpaired markers and word-internal underscores stay literal. */
    char *p = markup_plain("2 ** 3 and snake_case_name and a_b plus _open");
    assert_string_equal(p, "2 ** 3 and snake_case_name and a_b plus _open");
    free(p);
    /* Escapes: backslash before a markup character; other backslashes stay. */
    p = markup_plain("\\*\\*not bold\\*\\* \\_x\\_ C:\\dir \\\\");
    assert_string_equal(p, "**not bold** _x_ C:\\dir \\");
    free(p);
}

static void test_escape_roundtrip(void **state)
{
    (void)state;
    const char *value = "**Evil** _x_ (a) {{ id }} back\\slash\nnext\tline";
    char *esc = markup_escape(value);
    assert_non_null(esc);
    markup_span *s;
    size_t n;
    assert_int_equal(markup_inline(esc, &s, &n), 0);
    assert_int_equal(n, 1);
    assert_false(s[0].bold);
    assert_false(s[0].italic);
    assert_string_equal(s[0].text, "**Evil** _x_ (a) {{ id }} back\\slash next line");
    markup_spans_free(s, n);
    /* A value at the start of a line is never a list label. */
    markup_block *b;
    assert_int_equal(markup_parse(esc, &b, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(b[0].level, -1);
    markup_blocks_free(b, n);
    free(esc);
}

static char *serialize(xmlNodePtr n)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlNodeDump(buf, n->doc, n, 0, 0);
    char *s = strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return s;
}

static void test_paragraph_xml(void **state)
{
    (void)state;
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "body", NULL);
    xmlDocSetRootElement(doc, root);
    xmlNsPtr w = xmlNewNs(root, BAD_CAST W_NS, BAD_CAST "w");
    xmlSetNs(root, w);
    markup_style st = {"ClauseBody", "ClauseList", 7};

    markup_block item = {1, "a **bold** term & <tag>"};
    xmlNodePtr p = markup_paragraph(doc, w, &item, &st);
    assert_non_null(p);
    xmlAddChild(root, p);
    char *xml = serialize(p);
    assert_string_equal(xml, "<w:p><w:pPr><w:pStyle w:val=\"ClauseList\"/><w:numPr><w:ilvl "
                             "w:val=\"1\"/><w:numId w:val=\"7\"/></w:numPr></w:pPr>"
                             "<w:r><w:t xml:space=\"preserve\">a </w:t></w:r>"
                             "<w:r><w:rPr><w:b/></w:rPr><w:t>bold</w:t></w:r>"
                             "<w:r><w:t xml:space=\"preserve\"> term &amp; &lt;tag&gt;</w:t></w:r>"
                             "</w:p>");
    free(xml);
    /* Its visible text is the plain text: no label typed, no markers. */
    char *text = docx_paragraph_text(p);
    assert_string_equal(text, "a bold term & <tag>");
    free(text);

    markup_block para = {-1, "_Italic_ text"};
    st.body_style = NULL;
    p = markup_paragraph(doc, w, &para, &st);
    xmlAddChild(root, p);
    xml = serialize(p);
    /* xml:space="preserve" only where the text has spaces at an end. */
    assert_string_equal(xml, "<w:p><w:r><w:rPr><w:i/></w:rPr><w:t>Italic</w:t></w:r><w:r><w:t "
                             "xml:space=\"preserve\"> text</w:t></w:r></w:p>");
    free(xml);

    /* No numbering: a list item keeps its style but gets no numPr. */
    st.num_id = 0;
    markup_block item0 = {0, "x"};
    p = markup_paragraph(doc, w, &item0, &st);
    xmlAddChild(root, p);
    xml = serialize(p);
    assert_non_null(strstr(xml, "<w:pStyle w:val=\"ClauseList\"/></w:pPr>"));
    assert_null(strstr(xml, "numPr"));
    free(xml);
    xmlFreeDoc(doc);
}

static void test_real_clause_shape(void **state)
{
    (void)state;
    /* The shape of clauses/export-control/compliance.yaml: a lead-in line
     * directly followed by lettered items, no blank between. */
    const char *text = "Unless licensed, no party shall:\n"
                       "(a) to any embargoed country;\n"
                       "(b) to any **listed person**; or\n"
                       "(c) for a prohibited end use.\n\n"
                       "Each party shall keep records.\n";
    markup_block *b;
    size_t n;
    assert_int_equal(markup_parse(text, &b, &n), 0);
    assert_int_equal(n, 5);
    assert_int_equal(b[0].level, -1);
    assert_int_equal(b[1].level, 0);
    assert_int_equal(b[2].level, 0);
    assert_string_equal(b[2].text, "to any **listed person**; or");
    assert_int_equal(b[3].level, 0);
    assert_int_equal(b[4].level, -1);
    markup_blocks_free(b, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_letter_i_after_h),
        cmocka_unit_test(test_not_labels),
        cmocka_unit_test(test_inline),
        cmocka_unit_test(test_escape_roundtrip),
        cmocka_unit_test(test_paragraph_xml),
        cmocka_unit_test(test_real_clause_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
