/* Tracked changes and comments (docx_track.h): paragraphs brought to a
 * target text with w:del / w:ins over split runs, fields deleted whole,
 * other authors' changes respected; paragraphs deleted and inserted;
 * comments in the comments part. Every result is read back "as accepted"
 * (docx_paragraph_text_stable) and "as rejected" (this author's changes
 * undone), checked for the structure Word needs and, when the OOXML
 * schemas are beside the repository ($CLASM_SHARED or ../shared), validated
 * against them. */
#include "docx_fixture.h"
#include "docx_text.h"
#include "docx_track.h"
#include "package.h"
#include "strbuf.h"
#include "xml_alloc_fail.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ME "Redliner"
#define DATE "2026-12-07T09:00:00Z"
#define MARKS "w:author=\"" ME "\" w:date=\"" DATE "\""
#define R(text) "<w:r><w:t>" text "</w:t></w:r>"
#define RS(text) "<w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r>"
#define RB(text) "<w:r><w:rPr><w:b/></w:rPr><w:t>" text "</w:t></w:r>"
#define RBS(text) "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">" text "</w:t></w:r>"
#define FLD(instr, result)                                                                         \
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"                                              \
    "<w:r><w:instrText xml:space=\"preserve\"> " instr " </w:instrText></w:r>"                     \
    "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"                                           \
    "<w:r><w:t>" result "</w:t></w:r>"                                                             \
    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
#define REF(result) FLD("REF _Ref1 \\h", result)
#define OTHER "w:author=\"Other\" w:date=\"2026-01-01T00:00:00Z\""
#define THEIR_INS(id, content) "<w:ins w:id=\"" id "\" " OTHER ">" content "</w:ins>"
#define THEIR_DEL(id, text)                                                                        \
    "<w:del w:id=\"" id "\" " OTHER "><w:r><w:delText xml:space=\"preserve\">" text                \
    "</w:delText></w:r></w:del>"

/* ---------------------------------------------------------------- helpers */

static xmlSchemaPtr g_schema; /* NULL when the schemas are not there */

static const char *shared_dir(void)
{
    const char *s = getenv("CLASM_SHARED");
    return s && *s ? s : "../shared";
}

static int load_schema(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/ooxml/xsd/local/wml-driver.xsd", shared_dir());
    struct stat st;
    if (stat(path, &st) != 0) {
        printf("SKIP schema validation: %s is absent (set CLASM_SHARED)\n", path);
        return 0;
    }
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
    g_schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaFreeParserCtxt(pc);
    if (!g_schema)
        printf("SKIP schema validation: %s did not compile\n", path);
    return 0;
}

static int free_schema(void **state)
{
    (void)state;
    xmlSchemaFree(g_schema);
    g_schema = NULL;
    return 0;
}

static char *node_xml(xmlNodePtr n)
{
    xmlBufferPtr b = xmlBufferCreate();
    assert_non_null(b);
    xmlNodeDump(b, n->doc, n, 0, 0);
    char *s = strdup((const char *)xmlBufferContent(b));
    xmlBufferFree(b);
    return s;
}

/* 0 when valid (or no schema); prints the errors otherwise. */
static int schema_errors(xmlDocPtr d)
{
    if (!g_schema)
        return 0;
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(g_schema);
    assert_non_null(vc);
    int rc = xmlSchemaValidateDoc(vc, d);
    xmlSchemaFreeValidCtxt(vc);
    return rc;
}

static void validate(xmlDocPtr d)
{
    if (schema_errors(d) != 0) {
        char *x = node_xml(xmlDocGetRootElement(d));
        printf("schema-invalid: %s\n", x);
        free(x);
        fail_msg("the part is not schema-valid");
    }
}

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

static xmlNodePtr nth_p(xmlDocPtr d, size_t i)
{
    xmlNodePtr *ps = NULL;
    size_t n = docx_paragraphs(d, &ps);
    assert_true(i < n);
    xmlNodePtr p = ps[i];
    free(ps);
    return p;
}

static int is_w(xmlNodePtr n, const char *name)
{
    return docx_is_w(n, name);
}

static int authored(xmlNodePtr n, const char *author)
{
    xmlChar *a = xmlGetNsProp(n, BAD_CAST "author", BAD_CAST FX_W_NS);
    int r = a && strcmp((const char *)a, author) == 0;
    xmlFree(a);
    return r;
}

static void collect(xmlNodePtr n, const char *name, const char *author, xmlNodePtr **v, size_t *k)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_w(c, name) && (!author || authored(c, author)) && !is_w(c->parent, "rPr")) {
            *v = realloc(*v, (*k + 1) * sizeof **v);
            (*v)[(*k)++] = c;
        }
        collect(c, name, author, v, k);
    }
}

static void rename_below(xmlNodePtr n, const char *from, const char *to)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (is_w(c, from))
            xmlNodeSetName(c, BAD_CAST to);
        rename_below(c, from, to);
    }
}

/* Undoes author's changes in the tree below n: their insertions go, their
 * deletions come back. */
static void reject_below(xmlNodePtr n, const char *author)
{
    xmlNodePtr *v = NULL;
    size_t k = 0;
    collect(n, "ins", author, &v, &k);
    for (size_t i = 0; i < k; i++) {
        xmlUnlinkNode(v[i]);
        xmlFreeNode(v[i]);
    }
    k = 0;
    collect(n, "del", author, &v, &k);
    for (size_t i = 0; i < k; i++) {
        rename_below(v[i], "delText", "t");
        rename_below(v[i], "delInstrText", "instrText");
        while (v[i]->children) {
            xmlNodePtr c = v[i]->children;
            xmlUnlinkNode(c);
            xmlAddPrevSibling(v[i], c);
        }
        xmlUnlinkNode(v[i]);
        xmlFreeNode(v[i]);
    }
    free(v);
}

/* p's text with author's changes rejected (p itself unchanged). */
static char *rejected_text(xmlNodePtr p, const char *author)
{
    xmlNodePtr cp = xmlDocCopyNode(p, p->doc, 1);
    assert_non_null(cp);
    reject_below(cp, author);
    char *s = docx_paragraph_text_stable(cp);
    xmlFreeNode(cp);
    assert_non_null(s);
    return s;
}

static char *rejected_plain_text(xmlNodePtr p, const char *author)
{
    xmlNodePtr cp = xmlDocCopyNode(p, p->doc, 1);
    reject_below(cp, author);
    char *s = docx_paragraph_text(cp);
    xmlFreeNode(cp);
    return s;
}

static void assert_text(xmlNodePtr p, const char *want)
{
    char *s = docx_paragraph_text_stable(p);
    assert_non_null(s);
    if (strcmp(s, want) != 0) {
        char *x = node_xml(p);
        printf("paragraph: %s\n", x);
        free(x);
    }
    assert_string_equal(s, want);
    free(s);
}

static void assert_rejected(xmlNodePtr p, const char *author, const char *want)
{
    char *s = rejected_text(p, author);
    if (strcmp(s, want) != 0) {
        char *x = node_xml(p);
        printf("paragraph: %s\n", x);
        free(x);
    }
    assert_string_equal(s, want);
    free(s);
}

static int has_ancestor_below_p(xmlNodePtr n, const char *a, const char *b)
{
    for (xmlNodePtr x = n->parent; x && x->type == XML_ELEMENT_NODE && !is_w(x, "p"); x = x->parent)
        if (is_w(x, a) || (b && is_w(x, b)))
            return 1;
    return 0;
}

typedef struct {
    long ids[4096];
    size_t nids;
    size_t empty_runs;
} shape_info;

static int only_rpr(xmlNodePtr r)
{
    for (xmlNodePtr c = r->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !is_w(c, "rPr"))
            return 0;
    return 1;
}

static void shape_walk(xmlNodePtr n, shape_info *s)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_w(c, "t") || is_w(c, "instrText"))
            assert_false(has_ancestor_below_p(c, "del", "moveFrom"));
        if (is_w(c, "delText") || is_w(c, "delInstrText"))
            assert_true(has_ancestor_below_p(c, "del", "moveFrom"));
        if (is_w(c, "del") && !is_w(c->parent, "rPr"))
            assert_false(has_ancestor_below_p(c, "del", NULL));
        if (is_w(c, "ins") || is_w(c, "del") || is_w(c, "comment")) {
            long id = docx_w_attr_long(c, "id", -1);
            assert_true(id >= 0);
            for (size_t i = 0; i < s->nids; i++)
                assert_true(s->ids[i] != id);
            assert_true(s->nids < 4096);
            s->ids[s->nids++] = id;
        }
        if (is_w(c, "r") && only_rpr(c))
            s->empty_runs++;
        if (is_w(c, "p")) {
            xmlNodePtr ppr = docx_w_child(c, "pPr");
            if (ppr) {
                xmlNodePtr first = c->children;
                while (first && first->type != XML_ELEMENT_NODE)
                    first = first->next;
                assert_ptr_equal(first, ppr);
            }
        }
        if (is_w(c, "pPr")) {
            int seen_rpr = 0;
            for (xmlNodePtr k = c->children; k; k = k->next) {
                if (k->type != XML_ELEMENT_NODE)
                    continue;
                if (seen_rpr)
                    assert_true(is_w(k, "sectPr") || is_w(k, "pPrChange"));
                seen_rpr |= is_w(k, "rPr");
            }
        }
        if (is_w(c, "rPr") && is_w(c->parent, "pPr")) {
            int other = 0;
            for (xmlNodePtr k = c->children; k; k = k->next) {
                if (k->type != XML_ELEMENT_NODE)
                    continue;
                int mark =
                    is_w(k, "ins") || is_w(k, "del") || is_w(k, "moveFrom") || is_w(k, "moveTo");
                assert_false(mark && other);
                other |= !mark;
            }
        }
        shape_walk(c, s);
    }
}

/* Checks what the schema cannot: deleted text only in deletions, no
 * deletion in a deletion, unique change ids; and the orders the schema
 * checks too. Returns the number of runs with no content. */
static size_t check_structure(xmlDocPtr d)
{
    shape_info *s = calloc(1, sizeof *s);
    shape_walk(xmlDocGetRootElement(d), s);
    size_t n = s->empty_runs;
    free(s);
    return n;
}

/* The serialized w:del elements of author Other, in order. */
static char *their_deletions(xmlNodePtr p)
{
    xmlNodePtr *v = NULL;
    size_t k = 0;
    collect(p, "del", "Other", &v, &k);
    strbuf b = {0};
    for (size_t i = 0; i < k; i++) {
        char *x = node_xml(v[i]);
        strbuf_adds(&b, x);
        strbuf_addc(&b, '|');
        free(x);
    }
    free(v);
    return strbuf_take(&b);
}

typedef struct {
    char *xml;   /* the paragraph after */
    int changes; /* docx_track_paragraph's result */
} redlined;

/* Brings the first paragraph of body to target, checks both readings, the
 * structure and the schema; returns the paragraph's XML. */
static redlined redline(const char *body, const char *target)
{
    xmlDocPtr d = body_doc(body);
    validate(d);
    size_t empty = check_structure(d);
    xmlNodePtr p = nth_p(d, 0);
    char *before = docx_paragraph_text_stable(p);
    char *theirs = their_deletions(p);
    docx_track t = {ME, DATE, 100};
    redlined out = {NULL, docx_track_paragraph(p, target, &t)};
    if (out.changes >= 0) {
        assert_text(p, target);
        assert_rejected(p, ME, before);
        char *after = their_deletions(p);
        assert_string_equal(after, theirs);
        free(after);
        assert_int_equal(check_structure(d), empty);
        validate(d);
        docx_track again = {ME, DATE, t.next_id};
        assert_int_equal(docx_track_paragraph(p, target, &again), 0);
    }
    out.xml = node_xml(p);
    free(before);
    free(theirs);
    xmlFreeDoc(d);
    return out;
}

static void expect(const char *body, const char *target, int changes, const char *xml)
{
    redlined r = redline(body, target);
    if (xml && strcmp(r.xml, xml) != 0)
        printf("got:  %s\nwant: %s\n", r.xml, xml);
    assert_int_equal(r.changes, changes);
    if (xml)
        assert_string_equal(r.xml, xml);
    free(r.xml);
}

#define COMMENTS_CT_TEST                                                                           \
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
#define DR(text) "<w:r><w:delText>" text "</w:delText></w:r>"
#define DRS(text) "<w:r><w:delText xml:space=\"preserve\">" text "</w:delText></w:r>"
#define DRB(text) "<w:r><w:rPr><w:b/></w:rPr><w:delText>" text "</w:delText></w:r>"
#define DEL(id) "<w:del w:id=\"" id "\" " MARKS ">"
#define INS(id) "<w:ins w:id=\"" id "\" " MARKS ">"

/* ---------------------------------------------------------------- paragraphs */

static void test_one_word_replaced(void **state)
{
    (void)state;
    expect("<w:p>" R("The Supplier shall pay.") "</w:p>", "The Customer shall pay.", 1,
           "<w:p>" RS("The ")
               DEL("100") "<w:r><w:delText>Supplier</w:delText></w:r></w:del>" INS("101")
                   R("Customer") "</w:ins>" RS(" shall pay.") "</w:p>");
    /* Nothing to do: no change, no id taken. */
    expect("<w:p>" R("Same.") "</w:p>", "Same.", 0, "<w:p>" R("Same.") "</w:p>");
    /* Only punctuation: "5." to "5;" keeps the number. */
    expect("<w:p>" R("within 5.") "</w:p>", "within 5;", 1,
           "<w:p>" R("within 5") DEL("100") "<w:r><w:delText>.</w:delText></w:r></w:del>" INS("101")
               R(";") "</w:ins></w:p>");
    /* A word changed at its end is replaced whole. */
    expect("<w:p>" R("it shall approve it") "</w:p>", "it shall approves it", 1,
           "<w:p>" RS("it shall ")
               DEL("100") "<w:r><w:delText>approve</w:delText></w:r></w:del>" INS("101")
                   R("approves") "</w:ins>" RS(" it") "</w:p>");
}

static void test_formatted_runs(void **state)
{
    (void)state;
    /* A deletion across a bold term. */
    expect("<w:p>" RS("The quick ") RB("brown") RS(" fox jumps") "</w:p>", "The fox jumps", 1,
           "<w:p>" RS("The ") DEL("100") DRS("quick ") DRB("brown")
               DRS(" ") "</w:del>" R("fox jumps") "</w:p>");
    /* An insertion after the bold run takes its formatting. */
    expect(
        "<w:p>" RS("The ") RB("Supplier") RS(" shall pay.") "</w:p>", "The Supplier, shall pay.", 1,
        "<w:p>" RS("The ") RB("Supplier") INS("100") RB(",") "</w:ins>" RS(" shall pay.") "</w:p>");
    /* After the white space that follows it: that run's. */
    expect("<w:p>" RS("The ") RB("Supplier") RS(" shall pay.") "</w:p>",
           "The Supplier promptly shall pay.", 1,
           "<w:p>" RS("The ") RB("Supplier") RS(" ") INS("100")
               RS("promptly ") "</w:ins>" R("shall pay.") "</w:p>");
    /* At the very start: the run after it. */
    expect("<w:p>" RB("Supplier") RS(" shall pay.") "</w:p>", "The Supplier shall pay.", 1,
           "<w:p>" INS("100") RBS("The ") "</w:ins>" RB("Supplier") RS(" shall pay.") "</w:p>");
    /* Replacing the bold term: bold, as the text it replaces. */
    expect("<w:p>" RS("The ") RB("Supplier") RS(" shall pay.") "</w:p>", "The Customer shall pay.",
           1,
           "<w:p>" RS("The ") DEL("100") "<w:r><w:rPr><w:b/></w:rPr><w:delText>Supplier</w:delText>"
                                         "</w:r></w:del>" INS("101")
                                             RB("Customer") "</w:ins>" RS(" shall pay.") "</w:p>");
    /* Two hunks in one run: written right to left, ids in that order. */
    expect("<w:p>" R("one two three four five") "</w:p>", "one 2 three four 5", 2, NULL);
}

static void test_fields(void **state)
{
    (void)state;
    const char *body = "<w:p>" RS("as set out in clause ") REF("5") RS(" above.") "</w:p>";
    /* Text around the field: the field stays. */
    expect(body, "as set out in clause # below.", 1,
           "<w:p>" RS("as set out in clause ") REF("5") RS(" ")
               DEL("100") "<w:r><w:delText>above</w:delText></w:r></w:del>" INS("101")
                   R("below") "</w:ins>" R(".") "</w:p>");
    /* A hunk over the "#": the whole field goes, runs and all. */
    redlined r = redline(body, "as set out in Schedule 2 above.");
    assert_int_equal(r.changes, 1);
    assert_non_null(strstr(r.xml, "<w:delInstrText xml:space=\"preserve\"> REF _Ref1 \\h "
                                  "</w:delInstrText>"));
    assert_null(strstr(r.xml, "<w:instrText"));
    free(r.xml);
    /* Punctuation beside the field does not take the field with it. */
    expect("<w:p>" RS("see clause ") REF("5") R(".") "</w:p>", "see clause #, and more.", 1, NULL);
    r = redline("<w:p>" RS("see clause ") REF("5") R(".") "</w:p>", "see clause #, and more.");
    assert_non_null(strstr(r.xml, "<w:instrText"));
    free(r.xml);
    /* An inserted "#" is a literal. */
    r = redline("<w:p>" R("see below") "</w:p>", "see clause # below");
    assert_int_equal(r.changes, 1);
    assert_non_null(strstr(r.xml, "<w:t xml:space=\"preserve\">clause # </w:t>"));
    free(r.xml);
    /* Text inserted inside another field's result: the field is replaced by
     * the text it showed, changed. */
    r = redline("<w:p>" RS("Page ") FLD("PAGE", "12 of 30") "</w:p>", "Page 12 of 31");
    assert_int_equal(r.changes, 1);
    assert_non_null(strstr(r.xml, "<w:t>12 of 31</w:t>"));
    free(r.xml);
    /* A result in two runs: "#" once; the field goes whole. */
    expect("<w:p>" RS("clause ") "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
                                 "<w:r><w:instrText> REF _Ref2 \\w \\h </w:instrText></w:r>"
                                 "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>" R("1")
                                     R("2") "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>" R(
                                         " applies") "</w:p>",
           "clause 7 applies", 1, NULL);
    /* A field in the middle of a run's children. */
    expect("<w:p><w:r><w:t xml:space=\"preserve\">see </w:t><w:fldChar w:fldCharType=\"begin\"/>"
           "<w:instrText> REF _Ref3 \\h </w:instrText><w:fldChar w:fldCharType=\"separate\"/>"
           "<w:t>4</w:t><w:fldChar w:fldCharType=\"end\"/><w:t xml:space=\"preserve\"> now</w:t>"
           "</w:r></w:p>",
           "see 4(a) now", 1, NULL);
    /* Nested fields: one unit. */
    expect(
        "<w:p>" RS(
            "x ") "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
                  "<w:r><w:instrText>IF </w:instrText></w:r>" FLD(
                      "PAGE",
                      "1") "<w:r><w:instrText> = 1 \"a\" \"b\"</w:instrText></w:r>"
                           "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>" R(
                               "a") "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>" RS(" y") "</"
                                                                                             "w:p>",
        "x b y", 1, NULL);
    /* A w:fldSimple deleted becomes a complex field, deleted. */
    r = redline("<w:p>" RS("page ") "<w:fldSimple w:instr=\" PAGE \">" R("3") "</w:fldSimple>" RS(
                    " of the text") "</w:p>",
                "page three of the text");
    assert_int_equal(r.changes, 1);
    assert_null(strstr(r.xml, "fldSimple"));
    assert_non_null(
        strstr(r.xml, "<w:delInstrText xml:space=\"preserve\"> PAGE </w:delInstrText>"));
    free(r.xml);
    /* A REF w:fldSimple reads as its result; unfolded it reads "#", so
     * compare what rejecting shows. */
    xmlDocPtr d = body_doc("<w:p>" RS("see ") "<w:fldSimple w:instr=\" REF _Ref9 \\h \">" R(
        "7") "</w:fldSimple>" RS(" below") "</w:p>");
    xmlNodePtr p = nth_p(d, 0);
    docx_track t = {ME, DATE, 10};
    assert_int_equal(docx_track_paragraph(p, "see 8 below", &t), 1);
    assert_text(p, "see 8 below");
    char *s = rejected_plain_text(p, ME);
    assert_string_equal(s, "see 7 below");
    free(s);
    validate(d);
    xmlFreeDoc(d);
}

static void test_wrappers(void **state)
{
    (void)state;
    /* Inside a hyperlink: the w:del and w:ins inside it too. */
    expect("<w:p>" RS("see ") "<w:hyperlink w:anchor=\"a\">" R("Annex A") "</w:hyperlink>" RS(
               " here") "</w:p>",
           "see Annex B here", 1,
           "<w:p>" RS("see ") "<w:hyperlink w:anchor=\"a\">" RS("Annex ")
               DEL("100") "<w:r><w:delText>A</w:delText></w:r></w:del>" INS("101")
                   R("B") "</w:ins></w:hyperlink>" RS(" here") "</w:p>");
    /* A deletion from outside into a content control and out again. */
    expect("<w:p>" RS("one two ") "<w:sdt><w:sdtPr/><w:sdtContent>" RS(
               "three four ") "</w:sdtContent></w:sdt>" R("five") "</w:p>",
           "one four five", 1,
           "<w:p>" RS("one ") DEL("100")
               DRS("two ") "</w:del><w:sdt><w:sdtPr/><w:sdtContent>" DEL("101") DRS(
                   "three ") "</w:del>" RS("four ") "</w:sdtContent></w:sdt>" R("five") "</w:p>");
    /* A smart tag. */
    expect("<w:p>" RS("in ") "<w:smartTag w:element=\"place\">" R("Paris") "</w:smartTag>" RS(
               " today") "</w:p>",
           "in Lyon today", 1, NULL);
    /* Runs with several pieces, a tab and a break. */
    expect("<w:p><w:r><w:t>a</w:t><w:tab/><w:t xml:space=\"preserve\">b c</w:t><w:br/>"
           "<w:t>d</w:t></w:r></w:p>",
           "a\tb x\nd", 1,
           "<w:p><w:r><w:t>a</w:t><w:tab/><w:t xml:space=\"preserve\">b </w:t></w:r>" DEL(
               "100") "<w:r><w:delText>c</w:delText></w:r></w:del>" INS("101")
               R("x") "</w:ins>"
                      "<w:r><w:br/><w:t>d</w:t></w:r></w:p>");
    /* A tab inserted and one deleted. */
    expect("<w:p>" R("a\tb") "</w:p>", "a b", 1, NULL);
    expect("<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r></w:p>", "a\t\tb", 1, NULL);
    expect("<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r></w:p>", "a b", 1, NULL);
}

static void test_other_authors(void **state)
{
    (void)state;
    /* Their deletion is not text: left as it is. */
    expect("<w:p>" RS("pay ") THEIR_DEL("901", "not ") R("promptly") "</w:p>", "pay at once", 1,
           "<w:p>" RS("pay ") THEIR_DEL("901", "not ")
               DEL("100") "<w:r><w:delText>promptly</w:delText></w:r></w:del>" INS("101")
                   R("at once") "</w:ins></w:p>");
    /* Their insertion is text: deleted inside it. */
    expect("<w:p>" RS("pay ") THEIR_INS("901", RS("within 90 days ")) R("promptly") "</w:p>",
           "pay promptly", 1,
           "<w:p>" RS("pay ") THEIR_INS("901", DEL("100") DRS("within 90 days ") "</w:del>")
               R("promptly") "</w:p>");
    /* Ours inside theirs: their insertion split around ours. */
    expect("<w:p>" RS("pay ") THEIR_INS("901", R("within ninety days")) "</w:p>",
           "pay within ninety calendar days", 1,
           "<w:p>" RS("pay ") THEIR_INS("901", RS("within ninety ")) INS("100")
               RS("calendar ") "</w:ins><w:ins w:id=\"101\" " OTHER ">" R("days") "</w:ins></w:p>");
    /* At the end of theirs: right after it, no split. */
    expect("<w:p>" RS("pay ") THEIR_INS("901", RS("soon ")) R("now") "</w:p>", "pay soon, now", 1,
           NULL);
    /* A replacement ending inside theirs. */
    expect("<w:p>" RS("pay the ") THEIR_INS("901", R("full fee")) RS(" today") "</w:p>",
           "pay a fee today", 1, NULL);
    /* Their moved text is text too. */
    expect("<w:p>" RS("pay ") "<w:moveTo w:id=\"903\" " OTHER
                              ">" RS("at once ") "</w:moveTo>" R("now") "</w:p>",
           "pay at twice now", 1, NULL);
    /* At the start of theirs, at the start of the paragraph. */
    expect("<w:p>" THEIR_INS("901", R("Soon")) RS(" pay") "</w:p>", "Very soon pay", 1, NULL);
    expect("<w:p>" THEIR_INS("901", RS("Soon pay")) "</w:p>", "Now: Soon pay", 1, NULL);
}

static void test_spaces_and_utf8(void **state)
{
    (void)state;
    /* Spaces at the ends of split text keep xml:space. */
    redlined r = redline("<w:p>" R("a b c") "</w:p>", "a  b c");
    assert_int_equal(r.changes, 1);
    free(r.xml);
    expect("<w:p>" R("a b c") "</w:p>", "a b", 1,
           "<w:p>" R("a b") DEL("100") "<w:r><w:delText xml:space=\"preserve\"> c</w:delText>"
                                       "</w:r></w:del></w:p>");
    expect("<w:p>" RS(" lead") "</w:p>", "lead", 1, NULL);
    /* Deleted text gets xml:space when it needs it. */
    expect("<w:p><w:r><w:t>a  b</w:t></w:r><w:r><w:t> c</w:t></w:r></w:p>", "c", 1,
           "<w:p>" DEL("100") DRS("a  b") DRS(" ") "</w:del>" R("c") "</w:p>");
    expect("<w:p>" R("x") "</w:p>", "  x  ", 1, NULL);
    /* Multi-byte characters are never split. */
    expect("<w:p>" R("Grüße an café") "</w:p>", "Grüße an cafè", 1,
           "<w:p>" RS("Grüße an ")
               DEL("100") "<w:r><w:delText>café</w:delText></w:r></w:del>" INS("101")
                   R("cafè") "</w:ins></w:p>");
    expect("<w:p>" R("日本の契約") "</w:p>", "日本の合意", 1, NULL);
    expect("<w:p>" R("naïve—text") "</w:p>", "naïve—texts", 1, NULL);
    /* From nothing and to nothing. */
    expect("<w:p/>", "Brand new.", 1, "<w:p>" INS("100") R("Brand new.") "</w:ins></w:p>");
    expect("<w:p><w:pPr><w:rPr><w:ins w:id=\"5\" " OTHER "/><w:i/></w:rPr></w:pPr></w:p>", "x", 1,
           "<w:p><w:pPr><w:rPr><w:ins w:id=\"5\" " OTHER "/><w:i/></w:rPr></w:pPr>" INS(
               "100") "<w:r><w:rPr><w:i/></w:rPr><w:t>x</w:t></w:r></w:ins></w:p>");
    expect("<w:p>" RS("all ") RB("of it") "</w:p>", "", 1,
           "<w:p>" DEL("100") DRS("all ") "<w:r><w:rPr><w:b/></w:rPr><w:delText>of it</w:delText>"
                                          "</w:r></w:del></w:p>");
    expect("<w:p>" R("old") "</w:p>", "completely\tnew\ntext", 1, NULL);
}

static void test_refused(void **state)
{
    (void)state;
    /* A field that goes on into the next paragraph. */
    const char *body = "<w:p>" RS(
        "intro ") "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
                  "<w:r><w:instrText> TOC </w:instrText></w:r>"
                  "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>" R(
                      "entry") "</w:p>"
                               "<w:p>" R("more") "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>" RS(
                                   " after") "</w:p>";
    xmlDocPtr d = body_doc(body);
    xmlNodePtr p = nth_p(d, 0), q = nth_p(d, 1);
    char *before = node_xml(xmlDocGetRootElement(d));
    docx_track t = {ME, DATE, 10};
    assert_int_equal(docx_track_paragraph(p, "intro entries", &t), -2);
    assert_int_equal(docx_track_paragraph(p, "intro entry and", &t), -2);
    assert_int_equal(docx_track_paragraph(q, "mo after", &t), -2);
    assert_int_equal(docx_track_paragraph(q, "As more after", &t), -2);
    assert_int_equal(docx_track_delete_paragraph(p, &t), -2);
    assert_int_equal(docx_track_delete_paragraph(q, &t), -2);
    /* Not a paragraph; a target XML cannot hold. */
    assert_int_equal(docx_track_paragraph(xmlDocGetRootElement(d), "x", &t), -2);
    assert_int_equal(docx_track_paragraph(p, "bad \xff byte", &t), -2);
    assert_int_equal(docx_track_paragraph(p, "bad \x01 char", &t), -2);
    assert_null(docx_track_insert_paragraph(p, NULL, "\x02", &t));
    char *after = node_xml(xmlDocGetRootElement(d));
    assert_string_equal(before, after);
    assert_int_equal(t.next_id, 10);
    /* A field read differently than docx_paragraph_text_stable reads it
     * (its start in a deletion, its instruction not): refused. */
    xmlDocPtr d2 = body_doc("<w:p>" RS(
        "x ") "<w:del w:id=\"1\" " OTHER "><w:r><w:fldChar "
              "w:fldCharType=\"begin\"/></w:r></w:del><w:r><w:instrText> REF a "
              "</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>" R(
                  "5") "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>" RS(" y") "</w:p>");
    assert_text(nth_p(d2, 0), "x # y");
    assert_int_equal(docx_track_paragraph(nth_p(d2, 0), "x # z", &t), -2);
    xmlFreeDoc(d2);
    /* Away from the field both can change. */
    assert_int_equal(docx_track_paragraph(p, "Intro entry", &t), 1);
    assert_text(p, "Intro entry");
    assert_int_equal(docx_track_paragraph(q, "more before", &t), 1);
    assert_text(q, "more before");
    assert_int_equal(docx_track_paragraph(q, "more before and", &t), 1);
    assert_text(q, "more before and");
    validate(d);
    free(before);
    free(after);
    xmlFreeDoc(d);
}

static void test_two_rounds(void **state)
{
    (void)state;
    xmlDocPtr d = body_doc("<w:p>" RS("The Supplier shall ") RB("promptly") RS(" pay the ") REF("4")
                               RS(" fee.") "</w:p>");
    xmlNodePtr p = nth_p(d, 0);
    docx_track a = {ME, DATE, docx_track_max_id(d) + 1};
    assert_true(docx_track_paragraph(p, "The Customer shall pay the whole fee.", &a) > 0);
    docx_track b = {"Second", DATE, a.next_id};
    assert_true(docx_track_paragraph(p, "The Customer shall never pay the fee now.", &b) > 0);
    assert_text(p, "The Customer shall never pay the fee now.");
    assert_rejected(p, "Second", "The Customer shall pay the whole fee.");
    xmlNodePtr cp = xmlDocCopyNode(p, d, 1);
    reject_below(cp, "Second");
    reject_below(cp, ME);
    char *s = docx_paragraph_text_stable(cp);
    assert_string_equal(s, "The Supplier shall promptly pay the # fee.");
    free(s);
    xmlFreeNode(cp);
    check_structure(d);
    validate(d);
    xmlFreeDoc(d);
}

/* ---------------------------------------------------------------- random paragraphs */

static unsigned long long g_rng;

static unsigned rnd(unsigned n)
{
    g_rng = g_rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((g_rng >> 33) % n);
}

static const char *const words[] = {"the",    "Supplier", "shall",    "pay",    "within", "30",
                                    "days",   "café",     "Grüße",    "日本",   "naïve",  "(a)",
                                    "clause", "fee",      "1,000.00", "it's",   "—",      "“x”",
                                    "Annex",  "#",        "b.",       "(iii);", "and/or", "x"};

static void gen_text(strbuf *b)
{
    unsigned n = 1 + rnd(3);
    if (rnd(8) == 0)
        strbuf_adds(b, rnd(2) ? " " : "  ");
    for (unsigned i = 0; i < n; i++) {
        if (i)
            strbuf_adds(b, rnd(10) == 0 ? "  " : " ");
        strbuf_adds(b, words[rnd(sizeof words / sizeof words[0])]);
        if (rnd(6) == 0)
            strbuf_adds(b, rnd(2) ? "." : ",");
    }
    if (rnd(3) == 0)
        strbuf_adds(b, " ");
}

static void gen_t(strbuf *b)
{
    strbuf_adds(b, "<w:t xml:space=\"preserve\">");
    gen_text(b);
    strbuf_adds(b, "</w:t>");
}

static void gen_run(strbuf *b)
{
    static const char *const rprs[] = {"", "<w:rPr><w:b/></w:rPr>", "<w:rPr><w:i/></w:rPr>",
                                       ("<w:rPr><w:u w:val=\"single\"/><w:lang w:val=\"fr-FR\"/>"
                                        "</w:rPr>")};
    strbuf_addf(b, "<w:r>%s", rprs[rnd(4)]);
    gen_t(b);
    switch (rnd(6)) {
    case 0:
        strbuf_adds(b, "<w:tab/>");
        gen_t(b);
        break;
    case 1:
        strbuf_adds(b, "<w:br/>");
        break;
    case 2:
        strbuf_adds(b, "<w:lastRenderedPageBreak/>");
        gen_t(b);
        break;
    default:
        break;
    }
    strbuf_adds(b, "</w:r>");
}

static void gen_runs(strbuf *b)
{
    for (unsigned i = 1 + rnd(2); i > 0; i--)
        gen_run(b);
}

static void gen_item(strbuf *b, int *ids)
{
    switch (rnd(22)) {
    case 0:
        strbuf_adds(b, rnd(2) ? REF("5") : REF("12(a)"));
        break;
    case 1:
        strbuf_adds(b, FLD("PAGE", "3"));
        break;
    case 2:
        strbuf_adds(b, "<w:hyperlink w:anchor=\"x\">");
        gen_runs(b);
        strbuf_adds(b, "</w:hyperlink>");
        break;
    case 3:
        strbuf_adds(b, "<w:sdt><w:sdtPr/><w:sdtContent>");
        gen_runs(b);
        strbuf_adds(b, "</w:sdtContent></w:sdt>");
        break;
    case 4:
        strbuf_adds(b, "<w:smartTag w:element=\"place\">");
        gen_runs(b);
        strbuf_adds(b, "</w:smartTag>");
        break;
    case 5:
        strbuf_addf(b, "<w:ins w:id=\"%d\" " OTHER ">", (*ids)++);
        gen_runs(b);
        strbuf_adds(b, "</w:ins>");
        break;
    case 6:
        strbuf_addf(b,
                    "<w:del w:id=\"%d\" " OTHER "><w:r><w:delText xml:space=\"preserve\">gone "
                    "</w:delText></w:r></w:del>",
                    (*ids)++);
        break;
    case 7:
        strbuf_addf(b, "<w:bookmarkStart w:id=\"%d\" w:name=\"b%d\"/>", *ids, *ids);
        gen_run(b);
        strbuf_addf(b, "<w:bookmarkEnd w:id=\"%d\"/>", (*ids)++);
        break;
    case 8:
        strbuf_adds(b, "<w:fldSimple w:instr=\" PAGE \">");
        gen_run(b);
        strbuf_adds(b, "</w:fldSimple>");
        break;
    case 9:
        strbuf_adds(b, "<w:r><w:tab/></w:r>");
        break;
    case 10:
        strbuf_adds(b, "<w:proofErr w:type=\"spellStart\"/>");
        break;
    case 11:
        strbuf_adds(b, "<w:r><w:rPr><w:i/></w:rPr></w:r>");
        break;
    case 12:
        strbuf_addf(b, "<w:hyperlink w:anchor=\"y\"><w:ins w:id=\"%d\" " OTHER ">", (*ids)++);
        gen_runs(b);
        strbuf_adds(b, "</w:ins></w:hyperlink>");
        break;
    case 13:
        strbuf_addf(b, "<w:moveTo w:id=\"%d\" " OTHER ">", (*ids)++);
        gen_run(b);
        strbuf_adds(b, "</w:moveTo>");
        break;
    case 14:
        strbuf_addf(b, "<w:ins w:id=\"%d\" " OTHER ">" REF("8") "</w:ins>", (*ids)++);
        break;
    case 15:
        strbuf_adds(b, "<w:sdt><w:sdtPr/><w:sdtContent><w:hyperlink w:anchor=\"z\">");
        gen_runs(b);
        strbuf_adds(b, "</w:hyperlink></w:sdtContent></w:sdt>");
        break;
    case 16:
        strbuf_adds(b, "<w:r><w:t xml:space=\"preserve\">see </w:t><w:fldChar "
                       "w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> REF _Ref7 \\h "
                       "</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
                       "<w:r><w:t>9</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/>"
                       "<w:t xml:space=\"preserve\"> ok </w:t></w:r>");
        break;
    case 17:
        strbuf_adds(b, "<w:r><w:t/></w:r>");
        break;
    case 18:
        strbuf_addf(b,
                    "<w:moveFrom w:id=\"%d\" " OTHER "><w:r><w:delText>moved</w:delText>"
                    "</w:r></w:moveFrom>",
                    (*ids)++);
        break;
    default:
        gen_run(b);
        break;
    }
}

static char *gen_paragraph(void)
{
    strbuf b = {0};
    int ids = 900;
    strbuf_adds(&b, "<w:p>");
    if (rnd(3) == 0)
        strbuf_adds(&b, "<w:pPr><w:jc w:val=\"both\"/><w:rPr><w:b/></w:rPr></w:pPr>");
    for (unsigned n = rnd(9); n > 0; n--)
        gen_item(&b, &ids);
    strbuf_adds(&b, "</w:p>");
    return strbuf_take(&b);
}

/* A char boundary of s at or after k. */
static size_t boundary(const char *s, size_t k)
{
    while (s[k] && ((unsigned char)s[k] & 0xC0) == 0x80)
        k++;
    return k;
}

/* A target made from s by a few random edits. */
static char *gen_target(const char *s)
{
    static const char *const snippets[] = {"new ", " ",    "  ",    "#",       "# ",
                                           "\t",   "\n",   "é",     "clause ", "Customer",
                                           ".",    "(b) ", "日本 ", "x"};
    char *cur = strdup(s);
    unsigned ops = rnd(8) == 0 ? 0 : 1 + rnd(4);
    if (rnd(12) == 0) {
        free(cur);
        strbuf b = {0};
        if (rnd(2))
            gen_text(&b);
        else
            strbuf_adds(&b, "");
        return strbuf_take(&b);
    }
    for (unsigned i = 0; i < ops; i++) {
        size_t n = strlen(cur);
        size_t a = boundary(cur, n ? rnd((unsigned)n + 1) : 0);
        size_t len = 0;
        unsigned kind = rnd(3);
        if (kind != 1 && a < n) {
            len = rnd((unsigned)(n - a > 12 ? 12 : n - a) + 1);
            len = boundary(cur, a + len) - a;
        }
        const char *ins = kind == 0 ? "" : snippets[rnd(sizeof snippets / sizeof snippets[0])];
        strbuf b = {0};
        strbuf_add(&b, cur, a);
        strbuf_adds(&b, ins);
        strbuf_adds(&b, cur + a + len);
        free(cur);
        cur = strbuf_take(&b);
    }
    return cur;
}

static void random_case(unsigned seed_i)
{
    char *body = gen_paragraph();
    xmlDocPtr d = body_doc(body);
    if (schema_errors(d) != 0)
        fail_msg("generated fixture invalid: %s", body);
    size_t empty = check_structure(d);
    xmlNodePtr p = nth_p(d, 0);
    char *orig = docx_paragraph_text_stable(p);
    char *theirs = their_deletions(p);
    char *target = gen_target(orig);
    docx_track t = {ME, DATE, docx_track_max_id(d) + 1};
    int rc = docx_track_paragraph(p, target, &t);
    if (rc < 0 || (rc == 0) != (strcmp(orig, target) == 0))
        printf("case %u: rc %d\nbody: %s\ntarget: [%s]\n", seed_i, rc, body, target);
    assert_true(rc >= 0);
    assert_int_equal(rc == 0, strcmp(orig, target) == 0);
    assert_text(p, target);
    assert_rejected(p, ME, orig);
    char *after = their_deletions(p);
    assert_string_equal(after, theirs);
    free(after);
    assert_int_equal(check_structure(d), empty);
    if (schema_errors(d) != 0)
        fail_msg("case %u invalid after: %s -> [%s]", seed_i, body, target);
    docx_track again = {ME, DATE, t.next_id};
    assert_int_equal(docx_track_paragraph(p, target, &again), 0);
    /* A second author on top. */
    char *target2 = gen_target(target);
    docx_track t2 = {"Second", DATE, t.next_id};
    rc = docx_track_paragraph(p, target2, &t2);
    assert_true(rc >= 0);
    assert_text(p, target2);
    assert_rejected(p, "Second", target);
    xmlNodePtr cp = xmlDocCopyNode(p, d, 1);
    reject_below(cp, "Second");
    reject_below(cp, ME);
    char *back = docx_paragraph_text_stable(cp);
    assert_string_equal(back, orig);
    free(back);
    xmlFreeNode(cp);
    check_structure(d);
    if (schema_errors(d) != 0)
        fail_msg("case %u invalid after round 2: %s", seed_i, body);
    /* Serialized and read again, the same text. */
    int len = 0;
    xmlChar *bytes = pkg_serialize_xml(d, &len);
    xmlDocPtr d2 = xmlReadMemory((const char *)bytes, len, NULL, NULL, 0);
    assert_text(nth_p(d2, 0), target2);
    xmlFreeDoc(d2);
    xmlFree(bytes);
    free(target2);
    free(target);
    free(theirs);
    free(orig);
    xmlFreeDoc(d);
    free(body);
}

static void test_random_paragraphs(void **state)
{
    (void)state;
    g_rng = 20261207;
    unsigned n = g_schema ? 3000 : 6000;
    for (unsigned i = 0; i < n; i++)
        random_case(i);
}

/* ---------------------------------------------------------------- deleting and inserting */

static void test_delete_paragraph(void **state)
{
    (void)state;
    xmlDocPtr d =
        body_doc("<w:p><w:pPr><w:pStyle w:val=\"Body\"/><w:sectPr/><w:pPrChange w:id=\"3\" " OTHER
                 "><w:pPr/></w:pPrChange></w:pPr>" RS("one ") "<w:hyperlink w:anchor=\"a\">" R(
                     "two") "</w:hyperlink>" THEIR_DEL("4", " gone") THEIR_INS("5", RS(" three"))
                     RS(" page ") "<w:fldSimple w:instr=\" PAGE \">" R("9") "</w:fldSimple>" REF(
                         "2") "</w:p>"
                              "<w:p><w:pPr><w:rPr><w:ins w:id=\"6\" " OTHER
                              "/><w:b/></w:rPr></w:pPr>" R("theirs") "</w:p>"
                                                                     "<w:p>" R("last") "</w:p>");
    validate(d);
    xmlNodePtr p = nth_p(d, 0), q = nth_p(d, 1);
    char *before = docx_paragraph_text(p);
    docx_track t = {ME, DATE, docx_track_max_id(d) + 1};
    assert_int_equal(t.next_id, 7);
    assert_int_equal(docx_track_delete_paragraph(p, &t), 0);
    assert_text(p, "");
    char *back = rejected_plain_text(p, ME);
    assert_string_equal(back, before);
    free(back);
    char *x = node_xml(p);
    assert_non_null(strstr(x, "<w:pPr><w:pStyle w:val=\"Body\"/><w:rPr><w:del w:id=\""));
    assert_non_null(strstr(x, "\" " MARKS "/></w:rPr><w:sectPr/><w:pPrChange"));
    assert_null(strstr(x, "fldSimple"));
    assert_non_null(strstr(x, "<w:hyperlink w:anchor=\"a\">" DEL("8")));
    assert_non_null(strstr(x, THEIR_DEL("4", " gone")));
    free(x);
    /* Their inserted paragraph: our deletion after their mark. */
    assert_int_equal(docx_track_delete_paragraph(q, &t), 0);
    x = node_xml(q);
    assert_non_null(strstr(x, "<w:rPr><w:ins w:id=\"6\" " OTHER "/><w:del "));
    free(x);
    /* Deleted twice: the mark once. */
    long id = t.next_id;
    assert_int_equal(docx_track_delete_paragraph(q, &t), 0);
    assert_int_equal(t.next_id, id);
    check_structure(d);
    validate(d);
    /* An empty paragraph without properties. */
    xmlNodePtr last = nth_p(d, 2);
    assert_int_equal(docx_track_delete_paragraph(last, &t), 0);
    x = node_xml(last);
    assert_non_null(strstr(x, "<w:p><w:pPr><w:rPr><w:del "));
    free(x);
    validate(d);
    free(before);
    xmlFreeDoc(d);
}

static void test_insert_paragraph(void **state)
{
    (void)state;
    xmlDocPtr d = body_doc(
        "<w:p><w:pPr><w:pStyle w:val=\"Body\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"2\"/>"
        "</w:numPr><w:rPr><w:ins w:id=\"3\" " OTHER "/><w:b/></w:rPr><w:sectPr/>"
        "<w:pPrChange w:id=\"4\" " OTHER "><w:pPr/></w:pPrChange></w:pPr>"
        "<w:r><w:rPr><w:i/><w:rPrChange w:id=\"5\" " OTHER "><w:rPr/></w:rPrChange></w:rPr>"
        "<w:t>like</w:t></w:r></w:p>"
        "<w:tbl><w:tblPr/><w:tblGrid/><w:tr><w:tc><w:p>" R("cell") "</w:p></w:tc></w:tr></w:tbl>");
    validate(d);
    xmlNodePtr like = nth_p(d, 0);
    xmlNodePtr tbl = like->next;
    docx_track t = {ME, DATE, docx_track_max_id(d) + 1};
    xmlNodePtr p = docx_track_insert_paragraph(like, like, "New\ttext \"quoted\"", &t);
    assert_non_null(p);
    assert_ptr_equal(like->next, p);
    char *x = node_xml(p);
    assert_string_equal(
        x,
        "<w:p><w:pPr><w:pStyle w:val=\"Body\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId "
        "w:val=\"2\"/></w:numPr><w:rPr><w:ins w:id=\"6\" " MARKS "/><w:b/></w:rPr></w:pPr>" INS(
            "7") "<w:r><w:rPr><w:i/></w:rPr><w:t>New</w:t><w:tab/><w:t>text \"quoted\"</w:t></w:r>"
                 "</w:ins></w:p>");
    free(x);
    assert_text(p, "New\ttext \"quoted\"");
    /* After a table, no properties, no text. */
    xmlNodePtr q = docx_track_insert_paragraph(tbl, NULL, "", &t);
    x = node_xml(q);
    assert_string_equal(x,
                        "<w:p><w:pPr><w:rPr><w:ins w:id=\"8\" " MARKS "/></w:rPr></w:pPr></w:p>");
    free(x);
    /* Before the first paragraph. */
    xmlNodePtr b = docx_track_insert_paragraph_before(like, NULL, "First", &t);
    assert_ptr_equal(xmlDocGetRootElement(d)->children->children, b);
    assert_text(b, "First");
    check_structure(d);
    validate(d);
    xmlFreeDoc(d);
}

static void test_max_id(void **state)
{
    (void)state;
    xmlDocPtr d = body_doc("<w:p><w:bookmarkStart w:id=\"12\" w:name=\"a\"/>" THEIR_INS(
        "40", R("x")) "<w:bookmarkEnd w:id=\"12\"/></w:p><w:sdt><w:sdtPr><w:id w:val=\"99999\"/>"
                      "</w:sdtPr><w:sdtContent>"
                      "<w:p/></w:sdtContent></w:sdt>");
    assert_int_equal(docx_track_max_id(d), 40);
    xmlFreeDoc(d);
    d = body_doc("<w:p/>");
    assert_int_equal(docx_track_max_id(d), 0);
    xmlFreeDoc(d);
}

/* ---------------------------------------------------------------- comments */

static pkg *open_pkg(const unsigned char *z, size_t len)
{
    clasm_diags diags;
    clasm_diags_init(&diags);
    pkg *p = NULL;
    assert_int_equal(pkg_open_buffer(z, len, "t.docx", &p, &diags), CLASM_OK);
    clasm_diags_free(&diags);
    return p;
}

static char *entry(const unsigned char *z, size_t len, const char *name)
{
    return fx_zip_entry(z, len, name, NULL);
}

static void validate_bytes(const char *xml)
{
    assert_non_null(xml);
    xmlDocPtr d = parse(xml);
    validate(d);
    xmlFreeDoc(d);
}

static void test_comments(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *z =
        fx_docx("<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr>" R("first") "</w:p><w:p>" R(
                    "second") "</w:p><w:p>" R("third") "</w:p>",
                &len);
    pkg *base = open_pkg(z, len);
    pkg_edit *e = pkg_edit_new(base);
    clasm_diags diags;
    clasm_diags_init(&diags);
    xmlDocPtr doc = pkg_edit_xml(e, "word/document.xml", &diags);
    assert_non_null(doc);
    xmlNodePtr p0 = nth_p(doc, 0), p1 = nth_p(doc, 1), p2 = nth_p(doc, 2);
    docx_track t = {"Jane van Doe", DATE, docx_track_max_id(doc) + 1};
    assert_int_equal(docx_track_delete_paragraph(p2, &t), 0);
    assert_int_equal(docx_track_comment(e, "word/document.xml", p0, p1,
                                        "Restored.\nSee\tthe playbook.", &t, &diags),
                     0);
    assert_int_equal(docx_track_comment(e, "word/document.xml", p2, p2, "Removed.", &t, &diags), 0);
    assert_int_equal(diags.count, 0);
    assert_int_equal(pkg_edit_changed(e, "word/document.xml"), 0);
    char *x = node_xml(p0);
    assert_string_equal(x, "<w:p><w:pPr><w:jc w:val=\"left\"/></w:pPr><w:commentRangeStart "
                           "w:id=\"3\"/>" R("first") "</w:p>");
    free(x);
    x = node_xml(p1);
    assert_string_equal(x, "<w:p>" R("second") "<w:commentRangeEnd w:id=\"3\"/><w:r>"
                                               "<w:commentReference w:id=\"3\"/></w:r></w:p>");
    free(x);
    x = node_xml(p2);
    assert_non_null(strstr(x, "</w:pPr><w:commentRangeStart w:id=\"4\"/><w:del w:id=\"1\""));
    assert_non_null(strstr(x, "<w:commentRangeEnd w:id=\"4\"/><w:del w:id=\"5\" w:author=\"Jane "
                              "van Doe\" w:date=\"" DATE "\"><w:r><w:commentReference w:id=\"4\"/>"
                              "</w:r></w:del></w:p>"));
    free(x);
    unsigned char *out = NULL;
    size_t out_len = 0;
    assert_int_equal(pkg_edit_bytes(e, &out, &out_len, "t.docx", &diags), CLASM_OK);
    pkg_edit_free(e);
    pkg_free(base);
    char *comments = entry(out, out_len, "word/comments.xml");
    assert_non_null(comments);
    assert_non_null(strstr(
        comments,
        "<w:comment w:id=\"3\" w:author=\"Jane van Doe\" w:date=\"" DATE "\" w:initials=\"JvD\">"
        "<w:p><w:r><w:annotationRef/></w:r><w:r><w:t>Restored.</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>See</w:t><w:tab/><w:t>the playbook.</w:t></w:r></w:p></w:comment>"));
    assert_non_null(strstr(comments, "<w:comment w:id=\"4\" "));
    validate_bytes(comments);
    char *types = entry(out, out_len, "[Content_Types].xml");
    assert_non_null(
        strstr(types, "<Override PartName=\"/word/comments.xml\" ContentType=\"" COMMENTS_CT_TEST));
    char *rels = entry(out, out_len, "word/_rels/document.xml.rels");
    assert_non_null(rels);
    assert_non_null(strstr(rels, "relationships/comments\" Target=\"comments.xml\""));
    char *document = entry(out, out_len, "word/document.xml");
    validate_bytes(document);
    /* The output opens again, and a third comment goes in the same part. */
    base = open_pkg(out, out_len);
    e = pkg_edit_new(base);
    doc = pkg_edit_xml(e, "word/document.xml", &diags);
    docx_track t2 = {"Bob", NULL, docx_track_max_id(doc) + 1};
    assert_int_equal(
        docx_track_comment(e, "word/document.xml", nth_p(doc, 1), nth_p(doc, 1), "", &t2, &diags),
        0);
    assert_int_equal(t2.next_id, 7);
    unsigned char *out2 = NULL;
    size_t out2_len = 0;
    assert_int_equal(pkg_edit_bytes(e, &out2, &out2_len, "t.docx", &diags), CLASM_OK);
    char *comments2 = entry(out2, out2_len, "word/comments.xml");
    assert_non_null(strstr(comments2, "<w:comment w:id=\"6\" w:author=\"Bob\" w:initials=\"B\">"
                                      "<w:p><w:r><w:annotationRef/></w:r></w:p></w:comment>"));
    char *rels2 = entry(out2, out2_len, "word/_rels/document.xml.rels");
    const char *rel = strstr(rels2, "relationships/comments\"");
    assert_non_null(rel);
    assert_null(strstr(rel + 1, "relationships/comments\""));
    assert_null(entry(out2, out2_len, "word/comments2.xml"));
    validate_bytes(comments2);
    free(comments2);
    free(rels2);
    free(out2);
    pkg_edit_free(e);
    pkg_free(base);
    free(document);
    free(rels);
    free(types);
    free(comments);
    free(out);
    free(z);
    clasm_diags_free(&diags);
}

/* A package whose comments part is named otherwise and has comments. */
static void test_comments_existing_part(void **state)
{
    (void)state;
    char *doc_xml = fx_document_xml("<w:p>" R("only") "</w:p>");
    static const char rels[] = FX_XML_DECL
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/comments\" Target=\"./notes/../notes/remarks.xml\"/></Relationships>";
    static const char remarks[] =
        FX_XML_DECL "<w:comments xmlns:w=\"" FX_W_NS "\">"
                    "<w:comment w:id=\"17\" w:author=\"A\"><w:p/></w:comment>"
                    "</w:comments>";
    fx_entry en[] = {{"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE},
                     {"_rels/.rels", FX_ROOT_RELS, 0, FX_DEFLATE},
                     {"word/document.xml", doc_xml, 0, FX_DEFLATE},
                     {"word/_rels/document.xml.rels", rels, 0, FX_DEFLATE},
                     {"word/notes/remarks.xml", remarks, 0, FX_DEFLATE}};
    size_t len = 0;
    unsigned char *z = fx_zip(en, 5, &len);
    pkg *base = open_pkg(z, len);
    pkg_edit *e = pkg_edit_new(base);
    clasm_diags diags;
    clasm_diags_init(&diags);
    xmlDocPtr doc = pkg_edit_xml(e, "word/document.xml", &diags);
    docx_track t = {"Ann", DATE, 3};
    xmlNodePtr p = nth_p(doc, 0);
    assert_int_equal(docx_track_comment(e, "word/document.xml", p, p, "Note", &t, &diags), 0);
    assert_int_equal(t.next_id, 19);
    unsigned char *out = NULL;
    size_t out_len = 0;
    pkg_edit_changed(e, "word/document.xml");
    assert_int_equal(pkg_edit_bytes(e, &out, &out_len, "t.docx", &diags), CLASM_OK);
    char *c = entry(out, out_len, "word/notes/remarks.xml");
    assert_non_null(strstr(c, "<w:comment w:id=\"18\" w:author=\"Ann\""));
    assert_null(entry(out, out_len, "word/comments.xml"));
    free(c);
    /* Text XML cannot hold. */
    assert_int_equal(docx_track_comment(e, "word/document.xml", p, p, "\x01", &t, &diags), -1);
    assert_string_equal(diags.items[diags.count - 1].id, "comment-text-invalid");
    /* A comments part that is something else. */
    pkg_edit *e2 = pkg_edit_new(base);
    static const char not_comments[] = "<w:document xmlns:w=\"" FX_W_NS "\"/>";
    assert_int_equal(
        pkg_edit_set_bytes(e2, "word/notes/remarks.xml", not_comments, strlen(not_comments)), 0);
    xmlDocPtr doc2 = pkg_edit_xml(e2, "word/document.xml", &diags);
    assert_int_equal(docx_track_comment(e2, "word/document.xml", nth_p(doc2, 0), nth_p(doc2, 0),
                                        "x", &t, &diags),
                     -1);
    assert_string_equal(diags.items[diags.count - 1].id, "comments-part-unexpected");
    pkg_edit_free(e2);
    free(out);
    pkg_edit_free(e);
    pkg_free(base);
    free(z);
    free(doc_xml);
    clasm_diags_free(&diags);
}

/* ---------------------------------------------------------------- out of memory */

static const char oom_body[] = "<w:p>" RS("The ") RB("Supplier") RS(" shall pay ")
    THEIR_INS("901", RS("within ninety days ")) THEIR_DEL("902", "never ") RS("the fee in clause ")
        REF("4") RS(" page ") "<w:fldSimple w:instr=\" PAGE \">" R(
            "3") "</w:fldSimple>"
                 "<w:hyperlink w:anchor=\"a\">" RS(" Annex A") "</w:hyperlink></w:p>"
                                                               "<w:p>" R("second") "</w:p>";

static void test_out_of_memory(void **state)
{
    (void)state;
    static const char target[] =
        "The Customer shall pay within ninety calendar days the fee in Schedule 2 page 4 Annex B";
    char err_path[64];
    int saved = xaf_stderr_capture(err_path);
    int done = 0;
    long failures = 0;
    for (long k = 0; !done && k < 100000; k++) {
        xmlDocPtr d = body_doc(oom_body);
        xmlNodePtr p = nth_p(d, 0), q = nth_p(d, 1);
        docx_track t = {ME, DATE, 1000};
        xaf_begin(k);
        int rc = docx_track_paragraph(p, target, &t);
        int rd = rc >= 0 ? docx_track_delete_paragraph(q, &t) : -1;
        xmlNodePtr np = rd == 0 ? docx_track_insert_paragraph(q, p, "added\ttext", &t) : NULL;
        xaf_end();
        if (np) {
            done = 1;
            assert_true(rc > 0);
            assert_text(p, target);
            assert_rejected(p, ME,
                            "The Supplier shall pay within ninety days the fee in clause "
                            "# page 3 Annex A");
        } else {
            failures++;
            assert_true(rc == -1 || rc > 0);
            assert_true(rd == -1 || rd == 0);
        }
        /* Whatever happened, the tree is whole. */
        int len = 0;
        xmlChar *bytes = pkg_serialize_xml(d, &len);
        assert_non_null(bytes);
        xmlDocPtr d2 = xmlReadMemory((const char *)bytes, len, NULL, NULL, 0);
        assert_non_null(d2);
        xmlFreeDoc(d2);
        xmlFree(bytes);
        xmlFreeDoc(d);
    }
    xaf_stderr_bytes(saved, err_path);
    assert_true(done);
    assert_true(failures > 20);
}

static void test_comment_out_of_memory(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *z = fx_docx("<w:p>" R("a") "</w:p><w:p>" R("b") "</w:p>", &len);
    pkg *base = open_pkg(z, len);
    char err_path[64];
    int saved = xaf_stderr_capture(err_path);
    int done = 0;
    for (long k = 0; !done && k < 100000; k++) {
        pkg_edit *e = pkg_edit_new(base);
        clasm_diags diags;
        clasm_diags_init(&diags);
        xmlDocPtr doc = pkg_edit_xml(e, "word/document.xml", &diags);
        assert_non_null(doc);
        docx_track t = {"A B", DATE, 1};
        xaf_begin(k);
        int rc = docx_track_comment(e, "word/document.xml", nth_p(doc, 0), nth_p(doc, 1), "x\ny",
                                    &t, &diags);
        xaf_end();
        if (rc == 0) {
            done = 1;
            assert_int_equal(diags.count, 0);
        } else {
            assert_true(diags.count > 0);
        }
        unsigned char *out = NULL;
        size_t out_len = 0;
        pkg_edit_changed(e, "word/document.xml");
        assert_int_equal(pkg_edit_bytes(e, &out, &out_len, "t.docx", &diags), CLASM_OK);
        free(out);
        clasm_diags_free(&diags);
        pkg_edit_free(e);
    }
    xaf_stderr_bytes(saved, err_path);
    assert_true(done);
    pkg_free(base);
    free(z);
}

/* ---------------------------------------------------------------- the corpus */

/* Drops what the transitional schemas do not know (markup compatibility,
 * Word 2010+ extensions), as the validator's pre-pass does, roughly. */
static int known_ns(const xmlNs *ns)
{
    static const char *const known[] = {
        FX_W_NS,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        "http://schemas.openxmlformats.org/drawingml/2006/main",
        "http://schemas.openxmlformats.org/drawingml/2006/picture",
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
        "urn:schemas-microsoft-com:vml",
        "urn:schemas-microsoft-com:office:office",
        "urn:schemas-microsoft-com:office:word",
        "http://www.w3.org/XML/1998/namespace"};
    if (!ns)
        return 1;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (ns->href && strcmp((const char *)ns->href, known[i]) == 0)
            return 1;
    return 0;
}

static void strip_unknown(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children, next; c; c = next) {
        next = c->next;
        if (c->type == XML_ELEMENT_NODE && !known_ns(c->ns)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        for (xmlAttrPtr a = c->properties, an; a; a = an) {
            an = a->next;
            if (!known_ns(a->ns))
                xmlRemoveProp(a);
        }
        strip_unknown(c);
    }
}

static int stripped_valid(xmlDocPtr d)
{
    xmlDocPtr cp = xmlCopyDoc(d, 1);
    xmlNodePtr root = xmlDocGetRootElement(cp);
    for (xmlAttrPtr a = root->properties, an; a; a = an) {
        an = a->next;
        if (!known_ns(a->ns))
            xmlRemoveProp(a);
    }
    strip_unknown(root);
    int ok = schema_errors(cp) == 0;
    xmlFreeDoc(cp);
    return ok;
}

typedef struct {
    size_t files, edited, refused, deleted, inserted, validated;
} corpus_counts;

static void corpus_file(const char *path, corpus_counts *k)
{
    clasm_diags diags;
    clasm_diags_init(&diags);
    pkg *p = NULL;
    if (pkg_open(path, &p, &diags) != CLASM_OK) {
        clasm_diags_free(&diags);
        return;
    }
    const char *main_part = pkg_main_part(p);
    size_t len = 0;
    const unsigned char *bytes = main_part ? pkg_bytes(p, main_part, &len) : NULL;
    xmlDocPtr d = bytes ? pkg_parse_xml_bytes(bytes, len, path, main_part, &diags) : NULL;
    if (!d) {
        pkg_free(p);
        clasm_diags_free(&diags);
        return;
    }
    int valid_before = g_schema && stripped_valid(d);
    xmlNodePtr *ps = NULL;
    size_t n = docx_paragraphs(d, &ps);
    docx_track t = {ME, DATE, docx_track_max_id(d) + 1};
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr q = ps[i];
        char *orig = docx_paragraph_text_stable(q);
        assert_non_null(orig);
        if (i % 11 == 5) {
            int rc = docx_track_delete_paragraph(q, &t);
            assert_true(rc == 0 || rc == -2);
            if (rc == 0) {
                k->deleted++;
                assert_text(q, "");
                char *back = rejected_text(q, ME);
                assert_string_equal(back, orig);
                free(back);
            }
            free(orig);
            continue;
        }
        char *target = gen_target(orig);
        int rc = docx_track_paragraph(q, target, &t);
        if (rc == -2) {
            k->refused++;
        } else {
            if (rc < 0)
                printf("%s paragraph %zu: %d\n", path, i, rc);
            assert_true(rc >= 0);
            k->edited++;
            assert_text(q, target);
            assert_rejected(q, ME, orig);
        }
        if (i % 13 == 7 && q->parent) {
            xmlNodePtr np = docx_track_insert_paragraph(q, q, "An inserted paragraph.", &t);
            assert_non_null(np);
            assert_text(np, "An inserted paragraph.");
            k->inserted++;
        }
        free(target);
        free(orig);
    }
    check_structure(d);
    if (valid_before && !stripped_valid(d))
        fail_msg("%s: schema-valid before the edits, not after", path);
    k->validated += valid_before;
    free(ps);
    xmlFreeDoc(d);
    pkg_free(p);
    clasm_diags_free(&diags);
}

static void corpus_dir(const char *dir, corpus_counts *k)
{
    DIR *dd = opendir(dir);
    if (!dd)
        return;
    char **names = NULL;
    size_t count = 0;
    for (struct dirent *de; (de = readdir(dd));) {
        if (de->d_name[0] == '.')
            continue;
        names = realloc(names, (count + 1) * sizeof *names);
        names[count++] = strdup(de->d_name);
    }
    closedir(dd);
    for (size_t i = 0; i < count; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            corpus_dir(path, k);
        } else {
            size_t n = strlen(names[i]);
            if (n > 5 && strcmp(names[i] + n - 5, ".docx") == 0) {
                k->files++;
                corpus_file(path, k);
            }
        }
        free(names[i]);
    }
    free(names);
}

static void test_corpus(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpus", shared_dir());
    struct stat st;
    if (stat(dir, &st) != 0) {
        printf("SKIP corpus: %s is absent (set CLASM_SHARED)\n", dir);
        skip();
    }
    g_rng = 77;
    corpus_counts k = {0};
    corpus_dir(dir, &k);
    printf("corpus: %zu files (%zu schema-checked), paragraphs: %zu redlined, %zu refused, %zu "
           "deleted, %zu inserted\n",
           k.files, k.validated, k.edited, k.refused, k.deleted, k.inserted);
    assert_true(k.files > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_word_replaced),
        cmocka_unit_test(test_formatted_runs),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_wrappers),
        cmocka_unit_test(test_other_authors),
        cmocka_unit_test(test_spaces_and_utf8),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_two_rounds),
        cmocka_unit_test(test_random_paragraphs),
        cmocka_unit_test(test_delete_paragraph),
        cmocka_unit_test(test_insert_paragraph),
        cmocka_unit_test(test_max_id),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_comments_existing_part),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_comment_out_of_memory),
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, load_schema, free_schema);
}
