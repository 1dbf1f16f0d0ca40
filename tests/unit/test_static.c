/* The static runs of a template part (docx_static.h): which body-level
 * blocks a draft may leave as they are, the instruction each run leaves,
 * the check that the spliced tree is the part as it was, and the splice. */
#include "docx_fixture.h"
#include "docx_static.h"
#include "manifest.h"
#include "package.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#define P(text) "<w:p><w:r><w:t>" text "</w:t></w:r></w:p>"
#define PS(style, text)                                                                            \
    "<w:p><w:pPr><w:pStyle w:val=\"" style "\"/></w:pPr><w:r><w:t>" text "</w:t></w:r></w:p>"
#define NUMBERED(num, text)                                                                        \
    "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"" num "\"/></w:numPr></w:pPr>"     \
    "<w:r><w:t>" text "</w:t></w:r></w:p>"

static xmlDocPtr parse(const char *xml)
{
    xmlDocPtr d = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
    assert_non_null(d);
    return d;
}

static xmlDocPtr body_doc(const char *body)
{
    char *xml = fx_document_xml(body);
    xmlDocPtr d = parse(xml);
    free(xml);
    return d;
}

static const char styles_xml[] =
    "<w:styles xmlns:w=\"" FX_W_NS "\">"
    "<w:style w:type=\"paragraph\" w:styleId=\"Normal\"/>"
    "<w:style w:type=\"paragraph\" w:styleId=\"ClauseHeading\"><w:basedOn w:val=\"Normal\"/>"
    "<w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>"
    "</w:styles>";

static const char numbering_xml[] =
    "<w:numbering xmlns:w=\"" FX_W_NS "\">"
    "<w:abstractNum w:abstractNumId=\"10\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>"
    "<w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl></w:abstractNum>"
    "<w:abstractNum w:abstractNumId=\"20\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>"
    "<w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"(%1)\"/></w:lvl></w:abstractNum>"
    "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"10\"/></w:num>"
    "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"20\"/></w:num>"
    "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"10\"/></w:num>"
    "</w:numbering>";

static char *serialized(xmlDocPtr d, size_t *len)
{
    int n = 0;
    xmlChar *x = pkg_serialize_xml(d, &n);
    assert_non_null(x);
    char *s = malloc((size_t)n + 1);
    memcpy(s, x, (size_t)n);
    s[n] = '\0';
    xmlFree(x);
    *len = (size_t)n;
    return s;
}

/* The body's children after the split, as a string of letters: P for a
 * paragraph left, T for a table, S for an instruction, X for the rest. */
static void shape(xmlDocPtr d, char *out, size_t size)
{
    xmlNodePtr body = xmlDocGetRootElement(d)->children;
    size_t o = 0;
    for (xmlNodePtr n = body->children; n && o + 1 < size; n = n->next)
        out[o++] = n->type == XML_PI_NODE                      ? 'S'
                   : strcmp((const char *)n->name, "p") == 0   ? 'P'
                   : strcmp((const char *)n->name, "tbl") == 0 ? 'T'
                                                               : 'X';
    out[o] = '\0';
}

static void test_which_blocks_stay(void **state)
{
    (void)state;
    xmlDocPtr styles = parse(styles_xml), numbering = parse(numbering_xml);
    xmlDocPtr d = body_doc(
        /* 0-1: a run of two */
        PS("Normal", "Title") P("Plain text.")
        /* 2: a placeholder's brace */
        P("Dear {{ customer.name }},")
        /* 3: static; 4: a bookmark */
        P("More text.") "<w:p><w:bookmarkStart w:id=\"5\" w:name=\"b\"/><w:r><w:t>x</w:t></w:r>"
                        "<w:bookmarkEnd w:id=\"5\"/></w:p>"
        /* 5: a heading's numbering; 6: another list's; 7: the headings' abstract again */
        PS("ClauseHeading", "Heading") NUMBERED("2", "(a) item") NUMBERED("3", "shares 10")
        /* 8: a style the template lacks; 9: a complete table; 10: a cell a draft repairs */
        PS("Missing", "Odd") "<w:tbl><w:tr><w:tc>" P(
            "cell") "</w:tc></w:tr></w:tbl>"
                    "<w:tbl><w:tr><w:tc><w:tcPr/></w:tc></w:tr></w:tbl>"
                    /* 11: a content control; 12: kept by a marker; 13: static; 14: the section */
                    "<w:sdt><w:sdtContent>" P("cc") "</w:sdtContent></w:sdt>" P("marker")
                        P("last") "<w:sectPr/>");
    size_t before_len = 0;
    char *before = serialized(d, &before_len);
    xmlNodePtr body = xmlDocGetRootElement(d)->children;
    xmlNodePtr marker = body->children;
    for (int i = 0; i < 12; i++)
        marker = marker->next;
    xmlNodePtr keep[] = {marker->children->children}; /* its w:t, inside the block */
    docx_statics s;
    assert_int_equal(docx_statics_make(d, keep, 1, styles, numbering, &s), 0);
    char got[64];
    shape(d, got, sizeof got);
    /* 0-1 | 2 | 3 | 4 5 | 6 | 7 8 | 9 | 10 11 12 | 13 | 14 */
    assert_string_equal(got, "SPSPPSPPSTXPSX");
    assert_int_equal(s.count, 5);
    /* The skeleton spliced is the part as it was. */
    size_t after_len = 0, spliced_len = 0;
    char *after = serialized(d, &after_len);
    unsigned char *spliced =
        docx_statics_splice(&s, NULL, (const unsigned char *)after, after_len, &spliced_len);
    assert_non_null(spliced);
    assert_int_equal(spliced_len, before_len);
    assert_memory_equal(spliced, before, before_len);
    assert_non_null(strstr(after, "<?clasm-static 0?>"));
    assert_null(strstr(after, "Plain text."));
    assert_non_null(strstr((const char *)s.runs[0].text, "Plain text."));
    /* Each run keeps the keys of its paragraphs with text, for a draft's
     * record of the text outside its clauses. */
    size_t keys = 0;
    for (size_t i = 0; i < s.count; i++)
        keys += s.runs[i].nkeys;
    assert_true(keys >= s.count);
    char plain[17];
    xmlDocPtr probe = body_doc(P("Plain text."));
    assert_int_equal(manifest_paragraph_key(xmlDocGetRootElement(probe)->children->children, plain),
                     1);
    int found = 0;
    for (size_t k = 0; k < s.runs[0].nkeys; k++)
        found |= memcmp(s.runs[0].keys[k], plain, 17) == 0;
    assert_true(found);
    xmlFreeDoc(probe);
    free(spliced);
    free(after);
    free(before);
    docx_statics_free(&s);
    assert_int_equal(s.count, 0);
    xmlFreeDoc(d);
    xmlFreeDoc(styles);
    xmlFreeDoc(numbering);
}

/* A part holding an instruction of the splice's own name keeps its tree. */
static void test_own_instruction(void **state)
{
    (void)state;
    xmlDocPtr d = body_doc(P("a") "<?clasm-static 0?>" P("b"));
    size_t l1 = 0, l2 = 0;
    char *before = serialized(d, &l1);
    docx_statics s;
    assert_int_equal(docx_statics_make(d, NULL, 0, NULL, NULL, &s), 0);
    assert_int_equal(s.count, 0);
    char *after = serialized(d, &l2);
    assert_string_equal(before, after);
    free(before);
    free(after);
    xmlFreeDoc(d);
    /* The instruction's text anywhere else: before the root, or as it is
     * in a comment (which the splice would take for an instruction). */
    static const char *const elsewhere[] = {
        "<?clasm-static 1.0?><w:document xmlns:w=\"" FX_W_NS "\"><w:body>" P("a")
            P("b") "</w:body></w:document>",
        "<w:document xmlns:w=\"" FX_W_NS
        "\"><w:body>" P("a") "<!-- <?clasm-static 7?> -->" P("b") "<w:p/></w:body></w:document>"};
    for (size_t k = 0; k < 2; k++) {
        d = parse(elsewhere[k]);
        before = serialized(d, &l1);
        assert_int_equal(docx_statics_make(d, NULL, 0, NULL, NULL, &s), 0);
        assert_int_equal(s.count, 0);
        after = serialized(d, &l2);
        assert_string_equal(before, after);
        free(before);
        free(after);
        xmlFreeDoc(d);
    }
    /* Without styles or numbering: no numbered paragraph counts. */
    d = body_doc(P("a") NUMBERED("1", "b") PS("Any", "c"));
    assert_int_equal(docx_statics_make(d, NULL, 0, NULL, NULL, &s), 0);
    char got[16];
    shape(d, got, sizeof got);
    assert_string_equal(got, "SP"); /* a style the template lacks stays */
    docx_statics_free(&s);
    xmlFreeDoc(d);
}

/* Clause headings numbered by an instance numbering.xml lacks: their
 * counters are that instance's own, not an error. */
static void test_headings_on_a_missing_instance(void **state)
{
    (void)state;
    xmlDocPtr styles = parse("<w:styles xmlns:w=\"" FX_W_NS "\">"
                             "<w:style w:type=\"paragraph\" w:styleId=\"ClauseHeading\">"
                             "<w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>"
                             "</w:styles>");
    xmlDocPtr numbering = parse(numbering_xml);
    xmlNodePtr root = xmlDocGetRootElement(numbering);
    for (xmlNodePtr n = root->children, next; n; n = next) { /* numId 1 goes */
        next = n->next;
        xmlChar *id = xmlGetProp(n, BAD_CAST "numId");
        if (id && strcmp((const char *)id, "1") == 0) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
        xmlFree(id);
    }
    xmlDocPtr d = body_doc(P("a") NUMBERED("1", "counts with the headings") NUMBERED("2", "apart"));
    docx_statics s;
    assert_int_equal(docx_statics_make(d, NULL, 0, styles, numbering, &s), 0);
    char got[16];
    shape(d, got, sizeof got);
    assert_string_equal(got, "SPS");
    docx_statics_free(&s);
    xmlFreeDoc(d);
    xmlFreeDoc(styles);
    xmlFreeDoc(numbering);
}

static void test_splice(void **state)
{
    (void)state;
    docx_static_run runs[2] = {{(unsigned char *)"<a/>", 4, NULL, 0},
                               {(unsigned char *)"<b>x</b>", 8, NULL, 0}};
    docx_statics s = {runs, 2, 12, 1};
    const char *in = "X<?clasm-static 1?>Y<?clasm-static 0?><?clasm-static 1?>";
    size_t n = 0;
    unsigned char *out = docx_statics_splice(&s, NULL, (const unsigned char *)in, strlen(in), &n);
    assert_non_null(out);
    assert_int_equal(n, 22);
    assert_memory_equal(out, "X<b>x</b>Y<a/><b>x</b>", 22);
    free(out);
    /* Nothing to splice: the same bytes; "<?" of another kind is left. */
    in = "<w:p>a &lt;?clasm-static 0?&gt;<?other 0?></w:p>";
    out = docx_statics_splice(&s, NULL, (const unsigned char *)in, strlen(in), &n);
    assert_non_null(out);
    assert_int_equal(n, strlen(in));
    assert_memory_equal(out, in, n);
    free(out);
    /* An instruction that names no run, or is cut short, fails. */
    static const char *const bad[] = {"<?clasm-static 2?>", "<?clasm-static ?>", "<?clasm-static 1",
                                      "<?clasm-static 1?", "<?clasm-static 12345678901?>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(
            docx_statics_splice(&s, NULL, (const unsigned char *)bad[i], strlen(bad[i]), &n));
    /* A draft's own runs follow the template's: 2 is the first of more. */
    docx_static_run own[1] = {{(unsigned char *)"<c/>", 4, NULL, 0}};
    docx_statics more = {own, 1, 4, 0};
    in = "<?clasm-static 2?>-<?clasm-static 0?>";
    out = docx_statics_splice(&s, &more, (const unsigned char *)in, strlen(in), &n);
    assert_non_null(out);
    assert_int_equal(n, 9);
    assert_memory_equal(out, "<c/>-<a/>", 9);
    free(out);
    in = "<?clasm-static 3?>";
    assert_null(docx_statics_splice(&s, &more, (const unsigned char *)in, strlen(in), &n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_which_blocks_stay),
        cmocka_unit_test(test_own_instruction),
        cmocka_unit_test(test_headings_on_a_missing_instance),
        cmocka_unit_test(test_splice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
