/* Assembly end to end over small DOCX packages built here and over the real
 * templates and clause library: clauses at a catch-all, at category
 * insertion points and in content controls; nested conditionals in tables
 * and headers; styles and numbering taken from the template or added;
 * unique ids; the manifest; every error reported and nothing written. The
 * outputs are parsed strictly (no recovery) and, when the OOXML validator is
 * present, validated against the WordprocessingML schemas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "docx_clauses.h"
#include "docx_fixture.h"
#include "docx_text.h"
#include "manifest.h"
#include "package.h"
#include "plan.h"

/* The external OOXML schema validator (README "Building"):
 * $CLASM_SHARED/ooxml/validate_docx.py, else the folder shared beside the
 * project (make test runs in the project folder). Written into buf. */
static const char *validator_path(char *buf, size_t size)
{
    const char *shared = getenv("CLASM_SHARED");
    snprintf(buf, size, "%s/ooxml/validate_docx.py", shared && *shared ? shared : "../shared");
    return buf;
}

/* ------------------------------------------------------------ fixtures */

#define P(text) "<w:p><w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r></w:p>"
#define PS(style, text)                                                                            \
    "<w:p><w:pPr><w:pStyle w:val=\"" style "\"/></w:pPr><w:r><w:t xml:space=\"preserve\">" text    \
    "</w:t></w:r></w:p>"
#define CELL(content)                                                                              \
    "<w:tc><w:tcPr><w:tcW w:w=\"4000\" w:type=\"dxa\"/></w:tcPr>" content "</w:tc>"
#define TABLE(rows)                                                                                \
    "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid><w:gridCol "          \
    "w:w=\"4000\"/><w:gridCol w:w=\"4000\"/></w:tblGrid>" rows "</w:tbl>"
#define ROW(cells) "<w:tr>" cells "</w:tr>"
#define SECT "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr>"

#define W_DECL "xmlns:w=\"" FX_W_NS "\""

static const char STYLES_FULL[] = FX_XML_DECL
    "<w:styles " W_DECL ">"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
    "w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"ClauseHeading\"><w:name w:val=\"Clause "
    "Heading\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId "
    "w:val=\"1\"/></w:numPr></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"ClauseBody\"><w:name w:val=\"Clause "
    "Body\"/><w:basedOn w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"ClauseList\"><w:name w:val=\"Clause "
    "List\"/><w:basedOn w:val=\"ClauseBody\"/><w:pPr><w:numPr><w:numId "
    "w:val=\"2\"/></w:numPr></w:pPr></w:style>"
    "</w:styles>";

static const char STYLES_HEADING2[] =
    FX_XML_DECL "<w:styles " W_DECL ">"
                "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
                "w:val=\"Normal\"/></w:style>"
                "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading "
                "2\"/><w:basedOn w:val=\"Normal\"/></w:style>"
                "</w:styles>";

#define LVL(i, fmt, text)                                                                          \
    "<w:lvl w:ilvl=\"" i "\"><w:start w:val=\"1\"/><w:numFmt w:val=\"" fmt "\"/><w:lvlText "       \
    "w:val=\"" text "\"/><w:lvlJc w:val=\"left\"/></w:lvl>"

static const char NUMBERING_FULL[] = FX_XML_DECL
    "<w:numbering " W_DECL ">"
    "<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"multilevel\"/>" LVL(
        "0", "decimal", "%1.")
        LVL("1", "decimal",
            "%1.%2") "</w:abstractNum>"
                     "<w:abstractNum w:abstractNumId=\"1\"><w:multiLevelType "
                     "w:val=\"multilevel\"/>" LVL("0", "lowerLetter", "(%1)")
                         LVL("1", "lowerRoman",
                             "(%2)") "</w:abstractNum>"
                                     "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>"
                                     "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num>"
                                     "</w:numbering>";

typedef struct {
    const char *body;
    const char *header;     /* word/header1.xml body, or NULL */
    const char *styles;     /* NULL: no styles part */
    const char *numbering;  /* NULL: no numbering part */
    const char *extra_name; /* another part (e.g. an existing customXml item) */
    const char *extra_data;
} fx_opts;

static char *cat(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* A DOCX package from opts, written to path. */
static void build_docx(const char *path, const fx_opts *o)
{
    char ct[4096], rels[4096];
    snprintf(ct, sizeof ct,
             FX_XML_DECL
             "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
             "content-types\"><Default Extension=\"rels\" "
             "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
             "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
             "<Override PartName=\"/word/document.xml\" "
             "ContentType=\"application/"
             "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
             "%s%s%s</Types>",
             o->styles ? "<Override PartName=\"/word/styles.xml\" "
                         "ContentType=\"application/"
                         "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
                       : "",
             o->numbering ? "<Override PartName=\"/word/numbering.xml\" "
                            "ContentType=\"application/"
                            "vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>"
                          : "",
             o->header ? "<Override PartName=\"/word/header1.xml\" "
                         "ContentType=\"application/"
                         "vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
                       : "");
    snprintf(rels, sizeof rels,
             FX_XML_DECL "<Relationships "
                         "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                         "%s%s%s</Relationships>",
             o->styles ? "<Relationship Id=\"rId1\" "
                         "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                         "relationships/styles\" Target=\"styles.xml\"/>"
                       : "",
             o->numbering ? "<Relationship Id=\"rId2\" "
                            "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                            "relationships/numbering\" Target=\"numbering.xml\"/>"
                          : "",
             o->header ? "<Relationship Id=\"rId3\" "
                         "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                         "relationships/header\" Target=\"header1.xml\"/>"
                       : "");
    char *doc = fx_document_xml(o->body);
    char *hdr = o->header ? cat(FX_XML_DECL "<w:hdr " W_DECL ">", o->header, "</w:hdr>") : NULL;
    fx_entry e[8];
    size_t n = 0;
    e[n++] = (fx_entry){"[Content_Types].xml", ct, 0, FX_DEFLATE};
    e[n++] = (fx_entry){"_rels/.rels", FX_ROOT_RELS, 0, FX_DEFLATE};
    e[n++] = (fx_entry){"word/document.xml", doc, 0, FX_DEFLATE};
    e[n++] = (fx_entry){"word/_rels/document.xml.rels", rels, 0, FX_DEFLATE};
    if (o->styles)
        e[n++] = (fx_entry){"word/styles.xml", o->styles, 0, FX_DEFLATE};
    if (o->numbering)
        e[n++] = (fx_entry){"word/numbering.xml", o->numbering, 0, FX_DEFLATE};
    if (hdr)
        e[n++] = (fx_entry){"word/header1.xml", hdr, 0, FX_DEFLATE};
    if (o->extra_name)
        e[n++] = (fx_entry){o->extra_name, o->extra_data, 0, FX_DEFLATE};
    size_t len = 0;
    unsigned char *zip = fx_zip(e, n, &len);
    assert_non_null(zip);
    assert_int_equal(fx_write_file(path, zip, len), 0);
    free(zip);
    free(doc);
    free(hdr);
}

/* ------------------------------------------------------------ deal, plan */

static clasm_deal *load_deal(int reseller, const char *name)
{
    char text[1024];
    snprintf(text, sizeof text,
             "id: Q-7\ndocuments: [contract]\ndate: 2026-11-27\n"
             "seller: {name: Seller Inc, address: A, jurisdiction: J}\n"
             "customer: {name: '%s', country: XD, kind: private}\n"
             "%s"
             "product: {name: Lens, capabilities: [data-analytics]}\n"
             "deployment: cloud\nlicense: perpetual\nend_use: known\nrisks: []\n"
             "terms: {cure_period_days: 30}\n",
             name, reseller ? "reseller: {name: Resell GmbH, country: XD}\n" : "");
    clasm_deal *deal = NULL;
    clasm_diags d;
    clasm_diags_init(&d);
    if (clasm_deal_load_string(text, strlen(text), "deal.yaml", &deal, &d) != CLASM_OK) {
        clasm_diags_print(stderr, &d);
        fail();
    }
    clasm_diags_free(&d);
    return deal;
}

static plan_item ITEMS[] = {
    {"definitions.core", 2, "definitions", "Core Terms",
     "The **Customer** is {{ customer.name }}.\n\nTerms:\n(a) one;\n(b) a **bold** item\n"
     "(i) deeper; and\n(c) three.\n",
     NULL, 0, NULL, 0, NULL, 0, NULL, 0},
    {"export-control.compliance", 3, "export-control", "Export Compliance",
     "Each party shall comply.\n(a) first;\n(b) second.\n", NULL, 0, NULL, 0, NULL, 0, NULL, 0},
    {"audit.rights", 1, "audit", "Audit Rights",
     "The _Supplier_ may audit within {{ terms.cure_period_days }} days.", NULL, 0, NULL, 0, NULL,
     0, NULL, 0},
};

static clasm_plan make_plan(plan_item *items, size_t n)
{
    clasm_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.deal_id = "Q-7";
    plan.document = CLASM_DOC_CONTRACT;
    plan.tier = "elevated";
    plan.tier_rank = -1;
    plan.score = 7;
    plan.items = items;
    plan.nitems = n;
    plan.library_fingerprint = "f00d";
    return plan;
}

/* ------------------------------------------------------------ output */

typedef struct {
    unsigned char *zip;
    size_t len;
    xmlDocPtr doc; /* word/document.xml */
    xmlXPathContextPtr xp;
} output;

/* Parses a part strictly: any XML error fails the test. */
static xmlDocPtr strict_part(const output *o, const char *name)
{
    size_t len = 0;
    char *xml = fx_zip_entry(o->zip, o->len, name, &len);
    if (!xml)
        return NULL;
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    free(xml);
    if (!doc)
        fprintf(stderr, "%s is not well-formed\n", name);
    assert_non_null(doc);
    return doc;
}

static void open_output(output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->zip = fx_read_file(path, &o->len);
    assert_non_null(o->zip);
    /* Every XML part of the package parses strictly. */
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(o->zip, o->len, 0, &err);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &err);
    assert_non_null(za);
    for (zip_int64_t i = 0; i < zip_get_num_entries(za, 0); i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        size_t nl = strlen(name);
        if ((nl > 4 && strcmp(name + nl - 4, ".xml") == 0) ||
            (nl > 5 && strcmp(name + nl - 5, ".rels") == 0))
            xmlFreeDoc(strict_part(o, name));
    }
    zip_discard(za);
    zip_error_fini(&err);
    o->doc = strict_part(o, "word/document.xml");
    o->xp = xmlXPathNewContext(o->doc);
    xmlXPathRegisterNs(o->xp, BAD_CAST "w", BAD_CAST FX_W_NS);
}

static void close_output(output *o)
{
    xmlXPathFreeContext(o->xp);
    xmlFreeDoc(o->doc);
    free(o->zip);
}

static double xnum(xmlXPathContextPtr xp, const char *expr)
{
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, xp);
    assert_non_null(r);
    double v = xmlXPathCastToNumber(r);
    xmlXPathFreeObject(r);
    return v;
}

static char *xstr(xmlXPathContextPtr xp, const char *expr)
{
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, xp);
    assert_non_null(r);
    xmlChar *s = xmlXPathCastToString(r);
    xmlXPathFreeObject(r);
    char *out = strdup((const char *)s);
    xmlFree(s);
    return out;
}

#define ASSERT_XNUM(xp, expr, n) assert_int_equal((int)xnum(xp, expr), n)
#define ASSERT_XSTR(xp, expr, s)                                                                   \
    do {                                                                                           \
        char *got_ = xstr(xp, expr);                                                               \
        if (strcmp(got_, s) != 0)                                                                  \
            fprintf(stderr, "%s: got '%s', want '%s'\n", expr, got_, s);                           \
        assert_string_equal(got_, s);                                                              \
        free(got_);                                                                                \
    } while (0)

/* Every paragraph's visible text, joined by '|'. */
static char *all_text(xmlDocPtr doc)
{
    xmlNodePtr *ps = NULL;
    size_t n = docx_paragraphs(doc, &ps);
    size_t cap = 64, len = 0;
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

static const clasm_diag *find_diag(const clasm_diags *d, const char *id)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0)
            return &d->items[i];
    return NULL;
}

/* Runs the OOXML schema validator on path when it is installed. */
static void validate(const char *path)
{
    char validator[512];
    if (access(validator_path(validator, sizeof validator), R_OK) != 0 ||
        access("/usr/bin/python3", X_OK) != 0)
        return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' %s >/dev/null 2>&1", validator, path);
    int rc = system(cmd);
    if (rc != 0) {
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' %s | grep -v ': ok$' >&2", validator,
                 path);
        (void)system(cmd);
    }
    assert_int_equal(rc, 0);
}

typedef struct {
    char dir[64];
    char tpl[128];
    char out[128];
} paths;

static void make_paths(paths *p)
{
    snprintf(p->dir, sizeof p->dir, "/tmp/clasm-insert-XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    snprintf(p->tpl, sizeof p->tpl, "%s/template.docx", p->dir);
    snprintf(p->out, sizeof p->out, "%s/draft.docx", p->dir);
}

static void remove_paths(paths *p)
{
    unlink(p->tpl);
    unlink(p->out);
    rmdir(p->dir);
}

/* Opens the template at p->tpl and assembles plan into p->out. */
static clasm_status run(paths *p, const clasm_deal *deal, const clasm_plan *plan,
                        const clasm_library *lib, clasm_diags *d)
{
    clasm_template *tpl = NULL;
    clasm_status st = clasm_template_open(p->tpl, &tpl, d);
    if (st != CLASM_OK)
        return st;
    st = clasm_assemble(tpl, lib, deal, plan, p->out, d);
    clasm_template_free(tpl);
    return st;
}

/* ------------------------------------------------------------ tests */

static void test_catch_all(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    fx_opts o = {PS("Heading1", "General") P("{{ clauses }}") P("Signed for {{ customer.name }} "
                                                                "({{ tier }}, {{ score }})") SECT,
                 NULL,
                 STYLES_FULL,
                 NUMBERING_FULL,
                 NULL,
                 NULL};
    build_docx(p.tpl, &o);
    clasm_deal *deal = load_deal(0, "ACME <&> **Corp** _x_");
    clasm_plan plan = make_plan(ITEMS, 3);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_status st = run(&p, deal, &plan, NULL, &d);
    assert_int_equal(st, CLASM_OK);
    assert_int_equal(d.count, 0);

    output out;
    open_output(&out, p.out);
    xmlXPathContextPtr xp = out.xp;
    /* Three clauses in plan order, where the marker was, which is gone. */
    ASSERT_XNUM(xp, "count(/w:document/w:body/w:sdt)", 3);
    ASSERT_XSTR(xp, "/w:document/w:body/w:sdt[1]/w:sdtPr/w:tag/@w:val", "clasm:definitions.core@2");
    ASSERT_XSTR(xp, "/w:document/w:body/w:sdt[1]/w:sdtPr/w:alias/@w:val", "Core Terms");
    ASSERT_XSTR(xp, "/w:document/w:body/w:sdt[2]/w:sdtPr/w:tag/@w:val",
                "clasm:export-control.compliance@3");
    ASSERT_XSTR(xp, "/w:document/w:body/w:sdt[3]/w:sdtPr/w:tag/@w:val", "clasm:audit.rights@1");
    ASSERT_XSTR(xp, "name(/w:document/w:body/*[2])", "w:sdt");
    ASSERT_XNUM(xp, "count(//w:sdt/w:sdtPr/w:id[@w:val = preceding::w:sdt/w:sdtPr/w:id/@w:val])",
                0);
    /* Heading and body in the template's styles. */
    ASSERT_XSTR(xp, "//w:sdt[1]/w:sdtContent/w:p[1]/w:pPr/w:pStyle/@w:val", "ClauseHeading");
    ASSERT_XSTR(xp, "//w:sdt[1]/w:sdtContent/w:p[1]", "Core Terms");
    ASSERT_XSTR(xp, "//w:sdt[1]/w:sdtContent/w:p[2]/w:pPr/w:pStyle/@w:val", "ClauseBody");
    /* The value stays text: markup characters in it are not read. */
    ASSERT_XSTR(xp, "//w:sdt[1]/w:sdtContent/w:p[2]", "The Customer is ACME <&> **Corp** _x_.");
    /* A use of a defined term is plain text, in the run with its words. */
    ASSERT_XNUM(xp, "count(//w:sdt[1]/w:sdtContent/w:p[2]/w:r)", 1);
    ASSERT_XNUM(xp, "count(//w:sdt[1]/w:sdtContent/w:p[2]/w:r/w:rPr/w:b)", 0);
    /* List items: ClauseList, real numbering, no typed labels. */
    ASSERT_XSTR(xp, "//w:sdt[1]/w:sdtContent/w:p[4]/w:pPr/w:pStyle/@w:val", "ClauseList");
    ASSERT_XSTR(xp, "//w:sdt[1]/w:sdtContent/w:p[4]", "one;");
    ASSERT_XSTR(xp, "//w:sdt[1]/w:sdtContent/w:p[4]/w:pPr/w:numPr/w:ilvl/@w:val", "0");
    ASSERT_XSTR(xp, "//w:sdt[1]/w:sdtContent/w:p[5]", "a bold item");
    ASSERT_XNUM(xp, "count(//w:sdt[1]/w:sdtContent/w:p[5]//w:b)", 0);
    ASSERT_XSTR(xp, "//w:sdt[1]/w:sdtContent/w:p[6]/w:pPr/w:numPr/w:ilvl/@w:val", "1");
    ASSERT_XSTR(xp, "//w:sdt[1]/w:sdtContent/w:p[7]/w:pPr/w:numPr/w:ilvl/@w:val", "0");
    /* Each clause with a list has its own w:num; clause 3 has none. */
    char *num1 = xstr(xp, "//w:sdt[1]//w:p[4]/w:pPr/w:numPr/w:numId/@w:val");
    char *num2 = xstr(xp, "//w:sdt[2]//w:p[3]/w:pPr/w:numPr/w:numId/@w:val");
    assert_string_equal(num1, "3");
    assert_string_equal(num2, "4");
    ASSERT_XNUM(xp, "count(//w:sdt[1]//w:numId[@w:val != '3'])", 0);
    ASSERT_XNUM(xp, "count(//w:sdt[3]//w:numPr)", 0);
    free(num1);
    free(num2);
    ASSERT_XSTR(xp, "//w:sdt[3]/w:sdtContent/w:p[2]", "The Supplier may audit within 30 days.");
    ASSERT_XNUM(xp, "count(//w:sdt[3]/w:sdtContent/w:p[2]/w:r[2]/w:rPr/w:i)", 1);
    /* Template values, including the plan's tier and score. */
    ASSERT_XSTR(xp, "/w:document/w:body/w:p[2]", "Signed for ACME <&> **Corp** _x_ (elevated, 7)");
    char *text = all_text(out.doc);
    assert_null(strstr(text, "{{"));
    free(text);

    /* numbering.xml: the new nums restart both levels over abstractNum 1,
     * and every abstractNum still comes before every num. */
    xmlDocPtr num = strict_part(&out, "word/numbering.xml");
    xmlXPathContextPtr nx = xmlXPathNewContext(num);
    xmlXPathRegisterNs(nx, BAD_CAST "w", BAD_CAST FX_W_NS);
    ASSERT_XNUM(nx, "count(/w:numbering/w:num)", 4);
    ASSERT_XSTR(nx, "/w:numbering/w:num[@w:numId='3']/w:abstractNumId/@w:val", "1");
    ASSERT_XNUM(
        nx, "count(/w:numbering/w:num[@w:numId='3']/w:lvlOverride/w:startOverride[@w:val='1'])", 2);
    ASSERT_XNUM(nx, "count(/w:numbering/w:num[@w:numId='4']/w:lvlOverride)", 2);
    ASSERT_XNUM(nx, "count(/w:numbering/w:abstractNum)", 2);
    ASSERT_XNUM(nx, "count(/w:numbering/w:num[1]/following-sibling::w:abstractNum)", 0);
    xmlXPathFreeContext(nx);
    xmlFreeDoc(num);

    /* The manifest: deal, library, and each clause's hash of its text as
     * rendered (title, then paragraphs without list labels). */
    pkg *pk = NULL;
    assert_int_equal(pkg_open(p.out, &pk, &d), CLASM_OK);
    manifest m;
    assert_int_equal(manifest_read(pk, &m, &d), CLASM_OK);
    assert_string_equal(m.deal, "Q-7");
    assert_string_equal(m.library, "f00d");
    assert_string_equal(m.document, "contract");
    assert_int_equal(m.count, 3);
    assert_string_equal(m.clauses[0].id, "definitions.core");
    assert_int_equal(m.clauses[0].version, 2);
    const char *paras[] = {"The Customer is ACME <&> **Corp** _x_.",
                           "Terms:",
                           "one;",
                           "a bold item",
                           "deeper; and",
                           "three."};
    char want[65];
    manifest_clause_hash("Core Terms", paras, 6, want);
    assert_string_equal(m.clauses[0].hash, want);
    const char *audit[] = {"The Supplier may audit within 30 days."};
    manifest_clause_hash("Audit Rights", audit, 1, want);
    assert_string_equal(m.clauses[2].hash, want);
    manifest_free(&m);
    pkg_free(pk);
    /* Registered: content type of the item props and the document's
     * relationship to the item. */
    char *ct = fx_zip_entry(out.zip, out.len, "[Content_Types].xml", NULL);
    assert_non_null(strstr(ct, "PartName=\"/customXml/itemProps1.xml\""));
    free(ct);
    char *rels = fx_zip_entry(out.zip, out.len, "word/_rels/document.xml.rels", NULL);
    assert_non_null(strstr(rels, "Target=\"../customXml/item1.xml\""));
    free(rels);
    char *irels = fx_zip_entry(out.zip, out.len, "customXml/_rels/item1.xml.rels", NULL);
    assert_non_null(strstr(irels, "Target=\"itemProps1.xml\""));
    free(irels);
    close_output(&out);
    validate(p.out);

    /* Same inputs, same bytes. */
    size_t l1 = 0, l2 = 0;
    unsigned char *b1 = fx_read_file(p.out, &l1);
    unlink(p.out);
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_OK);
    unsigned char *b2 = fx_read_file(p.out, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);
    free(b1);
    free(b2);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    remove_paths(&p);
}

/* A value the library has no words for is never printed as its code: the
 * draft fails (no-words, naming library.yaml), and nothing is written. */
static void test_values_need_words(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    fx_opts o = {PS("Heading1", "General") P("{{ clauses }}") P("The {{ document }} of "
                                                                "{{ customer.name }}") SECT,
                 NULL,
                 STYLES_FULL,
                 NUMBERING_FULL,
                 NULL,
                 NULL};
    build_docx(p.tpl, &o);
    clasm_deal *deal = load_deal(0, "ACME");
    clasm_plan plan = make_plan(ITEMS, 3);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_E_INPUT);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "no-words");
    assert_non_null(strstr(d.items[0].message, "no words for document 'contract'"));
    assert_int_equal(access(p.out, F_OK), -1);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    remove_paths(&p);
}

static void test_categories(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    fx_opts o = {PS("Heading1", "Definitions") P("{{ clauses: definitions }}")
                     PS("Heading1", "Controls") P("{{ clauses: export-control, end-use }}")
                         PS("Heading1", "Data") P("{{ clauses: data-handling }}")
                             PS("Heading1", "General") P("{{ clauses }}") P("end") SECT,
                 NULL,
                 STYLES_FULL,
                 NUMBERING_FULL,
                 NULL,
                 NULL};
    build_docx(p.tpl, &o);
    clasm_deal *deal = load_deal(0, "ACME");
    clasm_plan plan = make_plan(ITEMS, 3);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    output out;
    open_output(&out, p.out);
    xmlXPathContextPtr xp = out.xp;
    /* Each clause follows its article heading; the empty point is gone. */
    ASSERT_XSTR(
        xp, "/w:document/w:body/w:p[.='Definitions']/following-sibling::*[1]/w:sdtPr/w:tag/@w:val",
        "clasm:definitions.core@2");
    ASSERT_XSTR(xp,
                "/w:document/w:body/w:p[.='Controls']/following-sibling::*[1]/w:sdtPr/w:tag/@w:val",
                "clasm:export-control.compliance@3");
    ASSERT_XSTR(xp, "name(/w:document/w:body/w:p[.='Data']/following-sibling::*[1])", "w:p");
    ASSERT_XSTR(xp, "/w:document/w:body/w:p[.='Data']/following-sibling::*[1]", "General");
    ASSERT_XSTR(xp,
                "/w:document/w:body/w:p[.='General']/following-sibling::*[1]/w:sdtPr/w:tag/@w:val",
                "clasm:audit.rights@1");
    ASSERT_XNUM(xp, "count(/w:document/w:body/w:p[.=''])", 0);
    close_output(&out);
    validate(p.out);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    remove_paths(&p);
}

static void test_content_controls(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    fx_opts o = {
        PS("Heading1",
           "Audit") "<w:sdt><w:sdtPr><w:alias w:val=\"Audit clauses\"/><w:tag "
                    "w:val=\"clauses:audit\"/><w:id "
                    "w:val=\"1000\"/><w:showingPlcHdr/></w:sdtPr>"
                    "<w:sdtContent>" P("Audit clauses go here.") "</w:sdtContent></w:sdt>" PS(
                        "Heading1",
                        "Data") "<w:sdt><w:sdtPr><w:tag w:val=\"clauses:data-handling\"/>"
                                "<w:id w:val=\"1001\"/></w:sdtPr><w:sdtContent>" P(
                                    "Data "
                                    "clauses.") "</w:sdtContent></w:sdt>" PS("Heading1",
                                                                             "Rest") "<w:sdt><w:"
                                                                                     "sdtPr><w:"
                                                                                     "tag "
                                                                                     "w:val="
                                                                                     "\"clauses\""
                                                                                     "/></"
                                                                                     "w:sdtPr>"
                                                                                     "<w:"
                                                                                     "sdtContent"
                                                                                     ">" P(
                                                                                         "Every"
                                                                                         "thing"
                                                                                         " else"
                                                                                         ".") "</"
                                                                                              "w:"
                                                                                              "sdtC"
                                                                                              "onte"
                                                                                              "nt><"
                                                                                              "/w:"
                                                                                              "sdt>"
                                                                                              "<w:"
                                                                                              "p><"
                                                                                              "w:"
                                                                                              "book"
                                                                                              "mark"
                                                                                              "Star"
                                                                                              "t "
                                                                                              "w:"
                                                                                              "id="
                                                                                              "\"10"
                                                                                              "02\""
                                                                                              " "
                                                                                              "w:"
                                                                                              "name"
                                                                                              "=\"b"
                                                                                              "\"/"
                                                                                              "><w:"
                                                                                              "r><"
                                                                                              "w:t>"
                                                                                              "x</"
                                                                                              "w:t>"
                                                                                              "</"
                                                                                              "w:r>"
                                                                                              "<w:"
                                                                                              "book"
                                                                                              "mark"
                                                                                              "End "
                                                                                              "w:"
                                                                                              "id="
                                                                                              "\"10"
                                                                                              "02\""
                                                                                              "/></"
                                                                                              "w:"
                                                                                              "p"
                                                                                              ">" SECT,
        NULL,
        STYLES_FULL,
        NUMBERING_FULL,
        NULL,
        NULL};
    build_docx(p.tpl, &o);
    clasm_deal *deal = load_deal(0, "ACME");
    clasm_plan plan = make_plan(ITEMS, 3);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    output out;
    open_output(&out, p.out);
    xmlXPathContextPtr xp = out.xp;
    /* The audit control keeps its properties, loses its placeholder, and
     * holds the audit clause. */
    ASSERT_XSTR(xp, "/w:document/w:body/w:sdt[1]/w:sdtPr/w:alias/@w:val", "Audit clauses");
    ASSERT_XNUM(xp, "count(/w:document/w:body/w:sdt[1]/w:sdtPr/w:showingPlcHdr)", 0);
    ASSERT_XNUM(xp, "count(/w:document/w:body/w:sdt[1]/w:sdtContent/*)", 1);
    ASSERT_XSTR(xp, "/w:document/w:body/w:sdt[1]/w:sdtContent/w:sdt/w:sdtPr/w:tag/@w:val",
                "clasm:audit.rights@1");
    /* The data control got nothing: it is gone with its placeholder. */
    ASSERT_XNUM(xp, "count(//w:sdt[w:sdtPr/w:tag/@w:val='clauses:data-handling'])", 0);
    char *text = all_text(out.doc);
    assert_null(strstr(text, "Data clauses."));
    assert_null(strstr(text, "Audit clauses go here."));
    assert_null(strstr(text, "Everything else."));
    free(text);
    /* The catch-all control holds the other two, in plan order. */
    ASSERT_XSTR(
        xp, "//w:sdt[w:sdtPr/w:tag/@w:val='clauses']/w:sdtContent/w:sdt[1]/w:sdtPr/w:tag/@w:val",
        "clasm:definitions.core@2");
    ASSERT_XSTR(
        xp, "//w:sdt[w:sdtPr/w:tag/@w:val='clauses']/w:sdtContent/w:sdt[2]/w:sdtPr/w:tag/@w:val",
        "clasm:export-control.compliance@3");
    /* New ids avoid 1000 (content control) and 1002 (bookmark). */
    ASSERT_XNUM(xp, "count(//w:sdtPr/w:id[@w:val='1000'])", 1);
    ASSERT_XNUM(xp, "count(//w:sdtPr/w:id[@w:val='1002'])", 0);
    ASSERT_XNUM(xp, "count(//w:sdt/w:sdtPr/w:id[@w:val = preceding::w:sdt/w:sdtPr/w:id/@w:val])",
                0);
    close_output(&out);
    validate(p.out);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    remove_paths(&p);
}

static const char COND_BODY[] = P("{{#if reseller}}") TABLE(
    ROW(CELL(P("Reseller")) CELL(P("{{#if reseller}}") P("{{ reseller.name }}") P(
        "{{#if deployment == cloud}}") P("hosted") P("{{/if}}") P("{{/if}}")))
        ROW(CELL(P("{{#if not reseller}}") P("Direct") P("{{/if}}")) CELL(P("x")))) P("{{/if}}")
    TABLE(ROW(CELL(P("{{#if reseller}}") P("{{ reseller.name }}") P("{{/if}}")) CELL(
        "<w:p><w:bookmarkStart w:id=\"5\" w:name=\"k\"/></w:p>" P("{{#if not reseller}}")
            P("{{/if}}") "<w:p><w:r><w:t>kept</w:t></w:r><w:bookmarkEnd w:id=\"5\"/></w:p>")))
        P("{{ clauses }}") SECT;

static void test_conditionals_in_tables(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    fx_opts o = {
        COND_BODY,   P("{{#if reseller}}") P("via {{ reseller.name }}") P("{{/if}}") P("{{ id }}"),
        STYLES_FULL, NUMBERING_FULL,
        NULL,        NULL};
    build_docx(p.tpl, &o);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_plan plan = make_plan(ITEMS + 2, 1);

    /* With a reseller: the outer table stays, inner conditions apply. */
    clasm_deal *deal = load_deal(1, "ACME");
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    output out;
    open_output(&out, p.out);
    char *text = all_text(out.doc);
    assert_string_equal(text, "Reseller|Resell GmbH|hosted||x|Resell GmbH||kept|Audit Rights|"
                              "The Supplier may audit within 30 days.");
    free(text);
    /* The cell whose only content was a false condition keeps a paragraph. */
    ASSERT_XNUM(out.xp, "count(//w:tc[not(w:p)])", 0);
    ASSERT_XNUM(out.xp, "count(//w:tbl)", 2);
    close_output(&out);
    size_t hl = 0;
    unsigned char *zip = fx_read_file(p.out, &hl);
    char *hdr = fx_zip_entry(zip, hl, "word/header1.xml", NULL);
    assert_non_null(strstr(hdr, "via Resell GmbH"));
    assert_null(strstr(hdr, "{{"));
    free(hdr);
    free(zip);
    validate(p.out);
    unlink(p.out);
    clasm_deal_free(deal);

    /* Without: the whole first table goes, the second keeps its cells. */
    deal = load_deal(0, "ACME");
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    open_output(&out, p.out);
    text = all_text(out.doc);
    assert_string_equal(text, "||kept|Audit Rights|The Supplier may audit within 30 days.");
    free(text);
    ASSERT_XNUM(out.xp, "count(//w:tbl)", 1);
    ASSERT_XNUM(out.xp, "count(//w:tc[not(w:p)])", 0);
    /* The bookmark survives whole: start and end. */
    ASSERT_XNUM(out.xp, "count(//w:bookmarkStart[@w:id='5'])", 1);
    ASSERT_XNUM(out.xp, "count(//w:bookmarkEnd[@w:id='5'])", 1);
    close_output(&out);
    zip = fx_read_file(p.out, &hl);
    hdr = fx_zip_entry(zip, hl, "word/header1.xml", NULL);
    assert_null(strstr(hdr, "via"));
    assert_non_null(strstr(hdr, "Q-7"));
    free(hdr);
    free(zip);
    validate(p.out);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    remove_paths(&p);
}

static void test_orphan_bookmark_repaired(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    /* The bookmark starts inside a dropped region and ends outside it. */
    fx_opts o = {
        P("{{#if reseller}}") "<w:p><w:bookmarkStart w:id=\"9\" w:name=\"r\"/><w:r><w:t>"
                              "R</w:t></w:r></w:p>" P(
                                  "{{/if}}") "<w:p><w:r><w:t>after</w:t></w:r><w:bookmarkEnd "
                                             "w:id=\"9\"/></w:p>" P("{{ clauses }}") SECT,
        NULL,
        STYLES_FULL,
        NUMBERING_FULL,
        NULL,
        NULL};
    build_docx(p.tpl, &o);
    clasm_deal *deal = load_deal(0, "ACME");
    clasm_plan plan = make_plan(ITEMS, 0);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_OK);
    output out;
    open_output(&out, p.out);
    ASSERT_XNUM(out.xp, "count(//w:bookmarkEnd)", 0);
    ASSERT_XNUM(out.xp, "count(//w:bookmarkStart)", 0);
    char *text = all_text(out.doc);
    assert_string_equal(text, "after");
    free(text);
    close_output(&out);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    remove_paths(&p);
}

static void test_fallback_styles_and_new_numbering(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    /* No styles part and no numbering part at all. */
    fx_opts o = {P("{{ clauses }}") SECT, NULL, NULL, NULL, NULL, NULL};
    build_docx(p.tpl, &o);
    clasm_deal *deal = load_deal(0, "ACME");
    clasm_plan plan = make_plan(ITEMS, 2);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    output out;
    open_output(&out, p.out);
    ASSERT_XSTR(out.xp, "//w:sdt[1]/w:sdtContent/w:p[1]/w:pPr/w:pStyle/@w:val", "ClauseHeading");
    /* Body paragraphs have no style to name; list items are numbered. */
    ASSERT_XNUM(out.xp, "count(//w:sdt[1]/w:sdtContent/w:p[2]/w:pPr)", 0);
    ASSERT_XSTR(out.xp, "//w:sdt[1]/w:sdtContent/w:p[4]/w:pPr/w:numPr/w:numId/@w:val", "1");
    ASSERT_XSTR(out.xp, "//w:sdt[2]/w:sdtContent/w:p[3]/w:pPr/w:numPr/w:numId/@w:val", "2");
    xmlDocPtr st = strict_part(&out, "word/styles.xml");
    xmlXPathContextPtr sx = xmlXPathNewContext(st);
    xmlXPathRegisterNs(sx, BAD_CAST "w", BAD_CAST FX_W_NS);
    ASSERT_XNUM(sx, "count(/w:styles/w:style[@w:styleId='ClauseHeading'])", 1);
    xmlXPathFreeContext(sx);
    xmlFreeDoc(st);
    xmlDocPtr num = strict_part(&out, "word/numbering.xml");
    xmlXPathContextPtr nx = xmlXPathNewContext(num);
    xmlXPathRegisterNs(nx, BAD_CAST "w", BAD_CAST FX_W_NS);
    ASSERT_XSTR(nx, "/w:numbering/w:abstractNum/w:lvl[@w:ilvl='0']/w:numFmt/@w:val", "lowerLetter");
    ASSERT_XSTR(nx, "/w:numbering/w:abstractNum/w:lvl[@w:ilvl='0']/w:lvlText/@w:val", "(%1)");
    ASSERT_XSTR(nx, "/w:numbering/w:abstractNum/w:lvl[@w:ilvl='1']/w:numFmt/@w:val", "lowerRoman");
    ASSERT_XNUM(nx, "count(/w:numbering/w:num)", 2);
    xmlXPathFreeContext(nx);
    xmlFreeDoc(num);
    char *ct = fx_zip_entry(out.zip, out.len, "[Content_Types].xml", NULL);
    assert_non_null(strstr(ct, "PartName=\"/word/numbering.xml\""));
    assert_non_null(strstr(ct, "PartName=\"/word/styles.xml\""));
    free(ct);
    char *rels = fx_zip_entry(out.zip, out.len, "word/_rels/document.xml.rels", NULL);
    assert_non_null(strstr(rels, "relationships/numbering\" Target=\"numbering.xml\""));
    assert_non_null(strstr(rels, "relationships/styles\" Target=\"styles.xml\""));
    free(rels);
    close_output(&out);
    validate(p.out);
    unlink(p.out);

    /* Heading2 and Normal when the template has no clause styles. */
    fx_opts o2 = {P("{{ clauses }}") SECT, NULL, STYLES_HEADING2, NUMBERING_FULL, NULL, NULL};
    build_docx(p.tpl, &o2);
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_OK);
    open_output(&out, p.out);
    ASSERT_XSTR(out.xp, "//w:sdt[1]/w:sdtContent/w:p[1]/w:pPr/w:pStyle/@w:val", "Heading2");
    ASSERT_XSTR(out.xp, "//w:sdt[1]/w:sdtContent/w:p[2]/w:pPr/w:pStyle/@w:val", "Normal");
    ASSERT_XSTR(out.xp, "//w:sdt[1]/w:sdtContent/w:p[4]/w:pPr/w:pStyle/@w:val", "Normal");
    /* A lettered abstractNum was added (id 2) and the nums use it. */
    xmlDocPtr num2 = strict_part(&out, "word/numbering.xml");
    xmlXPathContextPtr nx2 = xmlXPathNewContext(num2);
    xmlXPathRegisterNs(nx2, BAD_CAST "w", BAD_CAST FX_W_NS);
    ASSERT_XNUM(nx2, "count(/w:numbering/w:abstractNum)", 3);
    ASSERT_XSTR(nx2, "/w:numbering/w:num[@w:numId='3']/w:abstractNumId/@w:val", "2");
    ASSERT_XNUM(nx2, "count(/w:numbering/w:num[1]/following-sibling::w:abstractNum)", 0);
    xmlXPathFreeContext(nx2);
    xmlFreeDoc(num2);
    close_output(&out);
    validate(p.out);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    remove_paths(&p);
}

static void test_manifest_beside_existing_custom_xml(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    fx_opts o = {P("{{ clauses }}") SECT,
                 NULL,
                 STYLES_FULL,
                 NUMBERING_FULL,
                 "customXml/item1.xml",
                 FX_XML_DECL "<b:Sources xmlns:b=\"urn:other\"/>"};
    build_docx(p.tpl, &o);
    clasm_deal *deal = load_deal(0, "ACME");
    clasm_plan plan = make_plan(ITEMS + 2, 1);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_OK);
    output out;
    open_output(&out, p.out);
    char *old = fx_zip_entry(out.zip, out.len, "customXml/item1.xml", NULL);
    assert_non_null(strstr(old, "urn:other"));
    free(old);
    char *item = fx_zip_entry(out.zip, out.len, "customXml/item2.xml", NULL);
    assert_non_null(item);
    assert_non_null(strstr(item, "urn:clasm:manifest:1"));
    free(item);
    close_output(&out);
    pkg *pk = NULL;
    assert_int_equal(pkg_open(p.out, &pk, &d), CLASM_OK);
    manifest m;
    assert_int_equal(manifest_read(pk, &m, &d), CLASM_OK);
    assert_int_equal(m.count, 1);
    assert_string_equal(m.clauses[0].id, "audit.rights");
    manifest_free(&m);
    pkg_free(pk);
    /* The template has no manifest. */
    assert_int_equal(pkg_open(p.tpl, &pk, &d), CLASM_OK);
    assert_int_equal(manifest_read(pk, &m, &d), CLASM_E_INPUT);
    assert_non_null(find_diag(&d, "no-manifest"));
    pkg_free(pk);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    remove_paths(&p);
}

static void test_errors_write_nothing(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    /* No catch-all: the audit clause has no place. A clause uses a value
     * the deal lacks. A template value is unknown. */
    plan_item items[] = {
        {"definitions.core", 2, "definitions", "Core", "Hello {{ terms.nope }}.", NULL, 0, NULL, 0,
         NULL, 0, NULL, 0},
        {"audit.rights", 1, "audit", "Audit", "Audit.", NULL, 0, NULL, 0, NULL, 0, NULL, 0},
    };
    fx_opts o = {P("{{ clauses: definitions }}") P("{{ terms.nickname }}") SECT,
                 NULL,
                 STYLES_FULL,
                 NUMBERING_FULL,
                 NULL,
                 NULL};
    build_docx(p.tpl, &o);
    clasm_deal *deal = load_deal(0, "ACME");
    clasm_plan plan = make_plan(items, 2);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_E_INPUT);
    const clasm_diag *g = find_diag(&d, "clause-without-place");
    assert_non_null(g);
    assert_non_null(strstr(g->message, "audit.rights"));
    assert_non_null(strstr(g->message, p.tpl));
    g = find_diag(&d, "unknown-value");
    assert_non_null(g);
    int clause_value = 0, template_value = 0;
    for (size_t i = 0; i < d.count; i++) {
        if (strcmp(d.items[i].id, "unknown-value") != 0)
            continue;
        if (strstr(d.items[i].message, "definitions.core") &&
            strstr(d.items[i].message, "terms.nope"))
            clause_value = 1;
        if (strstr(d.items[i].message, "terms.nickname") && d.items[i].paragraph == 2 &&
            strcmp(d.items[i].part, "word/document.xml") == 0)
            template_value = 1;
    }
    assert_true(clause_value);
    assert_true(template_value);
    assert_int_equal(access(p.out, F_OK), -1);
    clasm_diags_free(&d);

    /* Template-level mistakes are found at open, all of them. */
    clasm_diags_init(&d);
    fx_opts o2 = {P("{{#if reseller}}") P("text {{ clauses }}") P("{{ bad name }} and {{ open")
                      P("{{ customer.nmae }} for {{ terms.any_term }}") SECT,
                  P("{{ clauses }}"),
                  STYLES_FULL,
                  NUMBERING_FULL,
                  NULL,
                  NULL};
    build_docx(p.tpl, &o2);
    clasm_template *tpl = NULL;
    assert_int_equal(clasm_template_open(p.tpl, &tpl, &d), CLASM_E_INPUT);
    assert_null(tpl);
    assert_non_null(g = find_diag(&d, "unbalanced-condition"));
    assert_int_equal(g->paragraph, 1);
    assert_non_null(g = find_diag(&d, "marker-not-alone"));
    assert_int_equal(g->paragraph, 2);
    assert_non_null(g = find_diag(&d, "insertion-point-outside-body"));
    assert_string_equal(g->part, "word/header1.xml");
    /* Placeholder mistakes that need no deal, each once. */
    assert_non_null(g = find_diag(&d, "malformed-tag"));
    assert_int_equal(g->paragraph, 3);
    assert_non_null(strstr(g->message, "{{ bad name }}"));
    assert_non_null(g = find_diag(&d, "unclosed-tag"));
    assert_int_equal(g->paragraph, 3);
    assert_null(find_diag(&d, "misplaced-structural-tag"));
    /* A path no deal can have is found at open too; a deal term may be in
     * some deal, so it waits for one. */
    assert_non_null(g = find_diag(&d, "unknown-value"));
    assert_int_equal(g->paragraph, 4);
    assert_non_null(strstr(g->message, "customer.nmae"));
    assert_null(strstr(g->message, "terms.any_term"));
    assert_int_equal(d.count, 6);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    remove_paths(&p);
}

static void test_no_insertion_point_warns(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    fx_opts o = {P("Just text for {{ customer.name }}.") SECT,
                 NULL,
                 STYLES_FULL,
                 NUMBERING_FULL,
                 NULL,
                 NULL};
    build_docx(p.tpl, &o);
    clasm_deal *deal = load_deal(0, "ACME");
    clasm_plan plan = make_plan(ITEMS, 3);
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(run(&p, deal, &plan, NULL, &d), CLASM_OK);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.items[0].severity, CLASM_SEV_WARNING);
    assert_string_equal(d.items[0].id, "no-insertion-point");
    output out;
    open_output(&out, p.out);
    ASSERT_XNUM(out.xp, "count(//w:sdt)", 0);
    ASSERT_XSTR(out.xp, "//w:p[1]", "Just text for ACME.");
    close_output(&out);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    remove_paths(&p);
}

/* ---- random templates: never a crash, never a broken or partial draft */

static unsigned rnd(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) & 0x7fffu;
}

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    while (*len + n + 1 > *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

static void random_blocks(unsigned *seed, int depth, char **buf, size_t *len, size_t *cap)
{
    /* Well-formed pieces (conditions may still pair up wrongly)... */
    static const char *const good[] = {
        P("text"),
        P("{{#if reseller}}"),
        P("{{/if}}"),
        P("{{#if deployment == cloud}}"),
        P("{{/if}}"),
        P("{{#if not reseller}}"),
        P("{{ clauses: audit }}"),
        P("{{ customer.name }}"),
        "<w:p><w:bookmarkStart w:id=\"7\" w:name=\"b\"/></w:p>",
        "<w:p><w:bookmarkEnd w:id=\"7\"/></w:p>",
    };
    /* ...and mistakes, less often. */
    static const char *const bad[] = {
        P("{{ nope.value }}"),
        P("a {{ clauses }} b"),
        P("{{#if}}"),
        P("{{ clauses: }}"),
        P("{{ clauses }}"), /* a second catch-all is a mistake */
        "<w:sdt><w:sdtPr><w:tag w:val=\"clauses:audit\"/></w:sdtPr><w:sdtContent>" P(
            "ph") "</w:sdtContent></w:sdt>", /* audit named twice */
    };
    int n = 1 + (int)(rnd(seed) % 6);
    for (int i = 0; i < n; i++) {
        unsigned k = rnd(seed) % 32;
        if (k >= 28 && depth < 2) {
            append(buf, len, cap,
                   "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w=\"4000\"/>"
                   "</w:tblGrid><w:tr><w:tc>");
            random_blocks(seed, depth + 1, buf, len, cap);
            append(buf, len, cap, "</w:tc></w:tr></w:tbl>");
        } else if (k == 27) {
            append(buf, len, cap, bad[rnd(seed) % 6]);
        } else {
            append(buf, len, cap, good[k % 10]);
        }
    }
}

static void test_random_templates(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    clasm_deal *deals[2] = {load_deal(0, "ACME"), load_deal(1, "ACME")};
    clasm_plan plan = make_plan(ITEMS, 3);
    int ok = 0, refused = 0;
    for (unsigned iter = 0; iter < 300; iter++) {
        unsigned seed = iter * 2654435761u + 1u;
        char *body = NULL;
        size_t len = 0, cap = 0;
        random_blocks(&seed, 0, &body, &len, &cap);
        append(&body, &len, &cap, P("{{ clauses }}") SECT);
        fx_opts o = {body, NULL, STYLES_FULL, NUMBERING_FULL, NULL, NULL};
        build_docx(p.tpl, &o);
        free(body);
        clasm_diags d;
        clasm_diags_init(&d);
        clasm_status st = run(&p, deals[iter % 2], &plan, NULL, &d);
        if (st == CLASM_OK) {
            ok++;
            assert_int_equal(clasm_diags_errors(&d), 0);
            output out;
            open_output(&out, p.out);
            ASSERT_XNUM(out.xp, "count(//w:tc[not(w:p)])", 0);
            ASSERT_XNUM(out.xp, "count(//w:tc[*[last()][self::w:tbl]])", 0);
            char *text = all_text(out.doc);
            assert_null(strstr(text, "{{"));
            free(text);
            /* Every clause is in the draft once. */
            ASSERT_XNUM(out.xp, "count(//w:sdt[starts-with(w:sdtPr/w:tag/@w:val, 'clasm:')])",
                        d.count ? 0 : 3);
            close_output(&out);
            unlink(p.out);
        } else {
            refused++;
            assert_int_equal(st, CLASM_E_INPUT);
            assert_true(clasm_diags_errors(&d) > 0);
            for (size_t i = 0; i < d.count; i++) {
                assert_non_null(d.items[i].id);
                assert_non_null(d.items[i].message);
            }
            assert_int_equal(access(p.out, F_OK), -1);
        }
        clasm_diags_free(&d);
    }
    /* Both outcomes happen. */
    assert_true(ok > 30);
    assert_true(refused > 30);
    clasm_deal_free(deals[0]);
    clasm_deal_free(deals[1]);
    remove_paths(&p);
}

/* The schema errors the validator finds in path, one per line with line
 * numbers removed (malloc'd, "" when none); NULL when no validator. */
static char *schema_errors(const char *path)
{
    char validator[512];
    if (access(validator_path(validator, sizeof validator), R_OK) != 0 ||
        access("/usr/bin/python3", X_OK) != 0)
        return NULL;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 '%s' %s 2>&1 | grep '^    ' | sed 's/:[0-9]*: /: /' | sort -u",
             validator, path);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char *out = NULL;
    size_t len = 0, cap = 0;
    char line[4096];
    while (fgets(line, sizeof line, f))
        append(&out, &len, &cap, line);
    pclose(f);
    if (!out)
        out = strdup("");
    return out;
}

/* Every schema error of the draft was already in the template. */
static void validate_against(const char *tpl, const char *draft)
{
    char *before = schema_errors(tpl), *after = schema_errors(draft);
    if (before && after) {
        for (char *l = after; *l;) {
            char *nl = strchr(l, '\n');
            size_t n = nl ? (size_t)(nl - l + 1) : strlen(l);
            char *one = strndup(l, n);
            if (!strstr(before, one))
                fprintf(stderr, "new schema error: %s", one);
            assert_non_null(strstr(before, one));
            free(one);
            l += n;
        }
    }
    free(before);
    free(after);
}

static void test_libreoffice_template(void **state)
{
    (void)state;
    const char *root = getenv("CLASM_SOURCE_DIR");
    char tpl_path[512];
    snprintf(tpl_path, sizeof tpl_path, "%s/tests/fixtures/insert/libreoffice-template.docx",
             root ? root : ".");
    if (access(tpl_path, R_OK) != 0)
        skip();
    paths p;
    make_paths(&p);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_template *tpl = NULL;
    assert_int_equal(clasm_template_open(tpl_path, &tpl, &d), CLASM_OK);
    clasm_plan plan = make_plan(ITEMS, 3);
    for (int reseller = 0; reseller < 2; reseller++) {
        clasm_deal *deal = load_deal(reseller, "ACME");
        assert_int_equal(clasm_assemble(tpl, NULL, deal, &plan, p.out, &d), CLASM_OK);
        assert_int_equal(d.count, 0);
        output out;
        open_output(&out, p.out);
        /* LibreOffice's Heading2 and Normal; audit under its article. */
        ASSERT_XSTR(out.xp, "//w:sdt[1]/w:sdtContent/w:p[1]/w:pPr/w:pStyle/@w:val", "Heading2");
        ASSERT_XSTR(out.xp, "//w:sdt[1]/w:sdtPr/w:tag/@w:val", "clasm:audit.rights@1");
        ASSERT_XNUM(out.xp, "count(//w:sdt)", 3);
        char *text = all_text(out.doc);
        assert_null(strstr(text, "{{"));
        assert_non_null(strstr(text, "Between Seller Inc and ACME."));
        if (reseller) {
            assert_non_null(strstr(text, "Reseller Channel"));
            assert_null(strstr(text, "Direct sale"));
        } else {
            assert_null(strstr(text, "Reseller Channel"));
            assert_non_null(strstr(text, "Direct sale"));
        }
        free(text);
        ASSERT_XNUM(out.xp, "count(//w:tc[not(w:p)])", 0);
        close_output(&out);
        validate_against(tpl_path, p.out);
        unlink(p.out);
        clasm_deal_free(deal);
    }
    clasm_template_free(tpl);
    clasm_diags_free(&d);
    remove_paths(&p);
}

/* ---- one template, many drafts at once (batch) */

typedef struct {
    const clasm_template *tpl;
    const clasm_deal *deal;
    const clasm_plan *plan;
    char out[160];
    clasm_status st;
} job;

static void *assemble_job(void *arg)
{
    job *j = arg;
    clasm_diags d;
    clasm_diags_init(&d);
    j->st = clasm_assemble(j->tpl, NULL, j->deal, j->plan, j->out, &d);
    clasm_diags_free(&d);
    return NULL;
}

static void test_concurrent_drafts(void **state)
{
    (void)state;
    paths p;
    make_paths(&p);
    fx_opts o = {COND_BODY, P("{{ id }}"), STYLES_FULL, NUMBERING_FULL, NULL, NULL};
    build_docx(p.tpl, &o);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_template *tpl = NULL;
    assert_int_equal(clasm_template_open(p.tpl, &tpl, &d), CLASM_OK);
    clasm_deal *deal = load_deal(1, "ACME");
    clasm_plan plan = make_plan(ITEMS, 3);
    enum { N = 4 };
    job jobs[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (job){tpl, deal, &plan, {0}, CLASM_E_IO};
        snprintf(jobs[i].out, sizeof jobs[i].out, "%s/draft%d.docx", p.dir, i);
        assert_int_equal(pthread_create(&th[i], NULL, assemble_job, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    size_t l0 = 0;
    unsigned char *b0 = fx_read_file(jobs[0].out, &l0);
    assert_non_null(b0);
    for (int i = 0; i < N; i++) {
        assert_int_equal(jobs[i].st, CLASM_OK);
        size_t li = 0;
        unsigned char *bi = fx_read_file(jobs[i].out, &li);
        assert_int_equal(li, l0);
        assert_memory_equal(bi, b0, l0);
        free(bi);
        unlink(jobs[i].out);
    }
    free(b0);
    clasm_template_free(tpl);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    remove_paths(&p);
}

/* With a library: insertion points must name its categories, and
 * conditions are checked against its tiers when the draft is made. */
static void test_library_checks(void **state)
{
    (void)state;
    const char *root = getenv("CLASM_SOURCE_DIR");
    char lib_dir[512];
    snprintf(lib_dir, sizeof lib_dir, "%s/tests/fixtures/libraries/basic", root ? root : ".");
    if (access(lib_dir, R_OK) != 0)
        skip();
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    assert_int_equal(clasm_library_load(lib_dir, &lib, &d), CLASM_OK);
    paths p;
    make_paths(&p);
    fx_opts o = {P("{{ clauses: definitions, dat }}") P("{{#if tier >= extreme}}") P("x")
                     P("{{/if}}") P("{{ clauses }}") SECT,
                 NULL,
                 STYLES_FULL,
                 NUMBERING_FULL,
                 NULL,
                 NULL};
    build_docx(p.tpl, &o);
    clasm_deal *deal = load_deal(0, "ACME");
    clasm_plan plan = make_plan(ITEMS, 1);
    assert_int_equal(run(&p, deal, &plan, lib, &d), CLASM_E_INPUT);
    const clasm_diag *g = find_diag(&d, "unknown-category");
    assert_non_null(g);
    assert_int_equal(g->paragraph, 1);
    assert_non_null(strstr(g->message, "'dat'"));
    g = find_diag(&d, "condition-error");
    assert_non_null(g);
    assert_int_equal(g->paragraph, 2);
    assert_non_null(strstr(g->message, "extreme"));
    assert_int_equal(access(p.out, F_OK), -1);
    clasm_diags_free(&d);
    clasm_deal_free(deal);
    clasm_library_free(lib);
    remove_paths(&p);
}

/* The real clause library, an example deal and the reseller agreement
 * template with its content-control insertion point. */
static void test_real_template(void **state)
{
    (void)state;
    const char *root = getenv("CLASM_SOURCE_DIR");
    char lib_dir[512], deal_path[512], tpl_path[512];
    snprintf(lib_dir, sizeof lib_dir, "%s/clauses", root ? root : ".");
    snprintf(deal_path, sizeof deal_path, "%s/examples/deals/all-risks.yaml", root ? root : ".");
    snprintf(tpl_path, sizeof tpl_path, "%s/templates/reseller-agreement.docx", root ? root : ".");
    if (access(lib_dir, R_OK) != 0 || access(deal_path, R_OK) != 0) {
        skip();
    }
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    clasm_deal *deal = NULL;
    clasm_plan *plan = NULL;
    assert_int_equal(clasm_library_load(lib_dir, &lib, &d), CLASM_OK);
    assert_int_equal(clasm_deal_load(deal_path, &deal, &d), CLASM_OK);
    assert_int_equal(clasm_select(lib, deal, CLASM_DOC_RESELLER, &plan, &d), CLASM_OK);
    assert_true(plan->nitems > 10);
    paths p;
    make_paths(&p);
    clasm_template *tpl = NULL;
    assert_int_equal(clasm_template_open(tpl_path, &tpl, &d), CLASM_OK);
    clasm_diags_free(&d);
    clasm_diags_init(&d);
    assert_int_equal(clasm_assemble(tpl, lib, deal, plan, p.out, &d), CLASM_OK);
    assert_int_equal(clasm_diags_errors(&d), 0);
    clasm_template_free(tpl);

    output out;
    open_output(&out, p.out);
    char expr[256];
    snprintf(expr, sizeof expr, "count(//w:sdt[starts-with(w:sdtPr/w:tag/@w:val, 'clasm:')])");
    ASSERT_XNUM(out.xp, expr, (int)plan->nitems);
    /* The grievance clauses sit in the template's grievance control. */
    ASSERT_XNUM(out.xp,
                "count(//w:sdt[w:sdtPr/w:tag/@w:val='clauses:grievance']/w:sdtContent/w:sdt"
                "[not(starts-with(w:sdtPr/w:tag/@w:val, 'clasm:grievance.'))])",
                0);
    assert_true(xnum(out.xp, "count(//w:sdt[w:sdtPr/w:tag/@w:val='clauses:grievance']"
                             "/w:sdtContent/w:sdt)") >= 1);
    char *text = all_text(out.doc);
    assert_null(strstr(text, "{{"));
    assert_null(strstr(text, "inserted here"));
    free(text);
    /* Each manifest hash matches the content control in the draft. */
    pkg *pk = NULL;
    assert_int_equal(pkg_open(p.out, &pk, &d), CLASM_OK);
    manifest m;
    assert_int_equal(manifest_read(pk, &m, &d), CLASM_OK);
    assert_int_equal(m.count, plan->nitems);
    assert_string_equal(m.library, plan->library_fingerprint);
    for (size_t i = 0; i < m.count; i++) {
        assert_string_equal(m.clauses[i].id, plan->items[i].id);
        char x[256];
        snprintf(x, sizeof x, "//w:sdt[w:sdtPr/w:tag/@w:val='clasm:%s@%d']", m.clauses[i].id,
                 m.clauses[i].version);
        xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST x, out.xp);
        assert_int_equal(r->nodesetval ? r->nodesetval->nodeNr : 0, 1);
        char h[65];
        assert_int_equal(manifest_sdt_hash(r->nodesetval->nodeTab[0], h), 0);
        assert_string_equal(h, m.clauses[i].hash);
        xmlXPathFreeObject(r);
    }
    manifest_free(&m);
    pkg_free(pk);
    close_output(&out);
    validate(p.out);
    clasm_diags_free(&d);
    clasm_plan_free(plan);
    clasm_deal_free(deal);
    clasm_library_free(lib);
    remove_paths(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catch_all),
        cmocka_unit_test(test_values_need_words),
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_content_controls),
        cmocka_unit_test(test_conditionals_in_tables),
        cmocka_unit_test(test_orphan_bookmark_repaired),
        cmocka_unit_test(test_fallback_styles_and_new_numbering),
        cmocka_unit_test(test_manifest_beside_existing_custom_xml),
        cmocka_unit_test(test_errors_write_nothing),
        cmocka_unit_test(test_no_insertion_point_warns),
        cmocka_unit_test(test_library_checks),
        cmocka_unit_test(test_random_templates),
        cmocka_unit_test(test_concurrent_drafts),
        cmocka_unit_test(test_libreoffice_template),
        cmocka_unit_test(test_real_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
