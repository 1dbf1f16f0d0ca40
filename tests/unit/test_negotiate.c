/* Negotiation over a hand-built draft whose manifest records a playbook:
 * inspect's positions and summary, the redline's tracked changes and
 * comments, approvals on record, and the tracked-change editing of a
 * paragraph split over runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clasm.h"
#include "docx_fixture.h"
#include "docx_text.h"
#include "docx_track.h"
#include "manifest.h"

static const char content_types[] = FX_XML_DECL
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+"
    "xml\"/></Types>";

static const char root_rels[] = FX_XML_DECL
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";

#define AUDIT_STD "The Supplier may audit the Customer on site on thirty (30) days' notice."
#define AUDIT_FB1                                                                                  \
    "The Supplier may audit the Customer's records remotely on thirty (30) days' notice."
#define EXPORT_STD "Each party shall comply with the Export Control Laws."
#define TERM_STD "Either party may terminate for material breach."

static char *hash_of(const char *title, const char *body)
{
    const char *paras[1] = {body};
    char *out = malloc(65);
    manifest_clause_hash(title, paras, 1, out);
    return out;
}

static char *tagged(const char *id, const char *title, const char *body)
{
    char *s = malloc(2048);
    snprintf(s, 2048,
             "<w:sdt><w:sdtPr><w:alias w:val=\"%s\"/><w:tag w:val=\"clasm:%s@1\"/>"
             "<w:id w:val=\"%d\"/></w:sdtPr><w:sdtContent>"
             "<w:p><w:pPr><w:pStyle w:val=\"ClauseHeading\"/></w:pPr><w:r><w:t>%s</w:t></w:r></w:p>"
             "<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>"
             "</w:sdtContent></w:sdt>",
             title, id, (int)strlen(id), title, body);
    return s;
}

/* The draft as returned: the audit clause in its fallback with typographic
 * quotes, "shall" made "may" in the export clause, the termination clause
 * deleted. */
static unsigned char *returned_twice(size_t *len, int twice);

static unsigned char *returned(size_t *len)
{
    return returned_twice(len, 0);
}

/* With twice, the manifest lists the export clause a second time (a
 * crafted manifest: fuzz_inspect found it read past a paragraph array). */
static unsigned char *returned_twice(size_t *len, int twice)
{
    char *ha = hash_of("Audit", AUDIT_STD), *he = hash_of("Export", EXPORT_STD),
         *ht = hash_of("Termination", TERM_STD);
    char dup[256] = "";
    if (twice)
        snprintf(dup, sizeof dup,
                 "<clasm:clause id=\"export.compliance\" version=\"1\" hash=\"%s\"/>", he);
    char manifest_xml[8192];
    snprintf(manifest_xml, sizeof manifest_xml,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?><clasm:manifest "
             "xmlns:clasm=\"urn:clasm:manifest:1\" deal=\"Q-N-1\" library=\"00\" "
             "document=\"contract\"><clasm:roles deviations=\"counsel\">"
             "<clasm:role id=\"contract-manager\" title=\"the contract manager\"/>"
             "<clasm:role id=\"compliance-office\" title=\"the compliance office\"/>"
             "<clasm:role id=\"counsel\" title=\"counsel\"/></clasm:roles>"
             "<clasm:clause id=\"audit.on-site\" version=\"1\" hash=\"%s\">"
             "<clasm:title>Audit</clasm:title><clasm:p>" AUDIT_STD "</clasm:p>"
             "<clasm:text position=\"1\" version=\"1\" approver=\"compliance-office\">"
             "<clasm:note>Offer when on-site visits are refused.</clasm:note>"
             "<clasm:p>" AUDIT_FB1 "</clasm:p></clasm:text></clasm:clause>"
             "<clasm:clause id=\"export.compliance\" version=\"1\" hash=\"%s\" "
             "negotiable=\"false\"><clasm:title>Export</clasm:title><clasm:p>" EXPORT_STD
             "</clasm:p></clasm:clause>"
             "<clasm:clause id=\"termination.breach\" version=\"1\" hash=\"%s\">"
             "<clasm:title>Termination</clasm:title><clasm:p>" TERM_STD "</clasm:p>"
             "</clasm:clause>%s</clasm:manifest>",
             ha, he, ht, dup);
    free(ha);
    free(he);
    free(ht);
    char *a = tagged("audit.on-site", "Audit",
                     "The Supplier may audit the Customer\xe2\x80\x99s records remotely on "
                     "thirty (30) days\xe2\x80\x99 notice.");
    char *b = tagged("export.compliance", "Export",
                     "Each party may comply with the Export Control Laws.");
    char body[8192];
    snprintf(body, sizeof body,
             "<w:p><w:r><w:t>Recitals.</w:t></w:r></w:p>%s%s"
             "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>Signatures</w:t>"
             "</w:r></w:p>",
             a, b);
    free(a);
    free(b);
    char *doc = fx_document_xml(body);
    fx_entry e[] = {{"[Content_Types].xml", content_types, 0, FX_DEFLATE},
                    {"_rels/.rels", root_rels, 0, FX_DEFLATE},
                    {"word/document.xml", doc, 0, FX_DEFLATE},
                    {"customXml/item1.xml", manifest_xml, 0, FX_DEFLATE}};
    unsigned char *zip = fx_zip(e, 4, len);
    free(doc);
    return zip;
}

static json_t *inspect_bytes(const unsigned char *zip, size_t len, const char *as)
{
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_inspection *I = NULL;
    assert_int_equal(clasm_inspect_buffer(zip, len, "draft.docx", NULL, &I, &d), CLASM_OK);
    if (as)
        assert_int_equal(clasm_inspection_set_authority(I, as), 0);
    assert_int_equal(clasm_inspection_set_authority(I, "nobody"), -1);
    char *s = clasm_inspection_json(I);
    json_t *j = json_loads(s, 0, NULL);
    assert_non_null(j);
    free(s);
    clasm_inspection_free(I);
    clasm_diags_free(&d);
    return j;
}

static json_t *clause(json_t *root, const char *id)
{
    json_t *arr = json_object_get(root, "clauses");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *c = json_array_get(arr, i);
        if (strcmp(json_string_value(json_object_get(c, "id")), id) == 0)
            return c;
    }
    fail_msg("no entry %s", id);
    return NULL;
}

static const char *field(json_t *root, const char *id, const char *key)
{
    return json_string_value(json_object_get(clause(root, id), key));
}

static void test_positions_and_summary(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *zip = returned(&len);
    json_t *j = inspect_bytes(zip, len, NULL);
    /* The fallback, pasted in with typographic apostrophes. */
    assert_string_equal(field(j, "audit.on-site", "status"), "modified");
    assert_string_equal(field(j, "audit.on-site", "position"), "fallback 1");
    assert_string_equal(field(j, "audit.on-site", "approver"), "compliance-office");
    assert_string_equal(field(j, "audit.on-site", "note"),
                        "Offer when on-site visits are refused.");
    assert_string_equal(field(j, "export.compliance", "position"), "deviation");
    assert_string_equal(field(j, "export.compliance", "approver"), "counsel");
    assert_true(json_is_true(json_object_get(clause(j, "export.compliance"), "not_negotiable")));
    assert_string_equal(field(j, "termination.breach", "status"), "removed");
    assert_string_equal(field(j, "termination.breach", "position"), "deviation");
    assert_null(json_object_get(clause(j, "termination.breach"), "not_negotiable"));
    assert_string_equal(json_string_value(json_object_get(j, "summary_text")),
                        "3 changes: 1 needs the compliance office, 2 need counsel (1 not "
                        "negotiable)");
    json_decref(j);
    j = inspect_bytes(zip, len, "compliance-office");
    assert_string_equal(json_string_value(json_object_get(j, "summary_text")),
                        "3 changes: 1 within your authority, 2 need counsel (1 not negotiable)");
    json_decref(j);
    free(zip);
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p++)
        n++;
    return n;
}

static void test_redline(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *zip = returned(&len);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_redline_options o = {"Northwind Legal", "2026-12-07T09:00:00Z", 0, 1};
    unsigned char *out = NULL;
    size_t olen = 0;
    clasm_status rs = clasm_redline_buffer(zip, len, "draft.docx", NULL, &o, &out, &olen, &d);
    if (rs != CLASM_OK)
        clasm_diags_print(stderr, &d);
    assert_int_equal(rs, CLASM_OK);
    assert_int_equal(d.count, 0);
    char *doc = fx_zip_entry(out, olen, "word/document.xml", NULL);
    char *comments = fx_zip_entry(out, olen, "word/comments.xml", NULL);
    char *types = fx_zip_entry(out, olen, "[Content_Types].xml", NULL);
    char *rels = fx_zip_entry(out, olen, "word/_rels/document.xml.rels", NULL);
    assert_non_null(doc);
    assert_non_null(comments);
    /* "may" deleted and "shall" inserted in the export clause; the
     * termination clause's heading and paragraph inserted; the audit
     * fallback left alone. */
    if (getenv("DUMP"))
        fprintf(stderr, "%s\n", doc);
    assert_non_null(strstr(doc, "<w:delText>may</w:delText>"));
    assert_non_null(strstr(doc, "<w:t>shall</w:t>"));
    assert_null(strstr(doc, " xmlns:w=\"" W_NS "\"/>")); /* copies use the part's declaration */
    assert_null(strstr(doc, "<w:r xmlns:w="));
    assert_null(strstr(doc, "<w:rPr xmlns:w="));
    assert_non_null(strstr(doc, "Either party may terminate for material breach."));
    assert_int_equal(count(doc, "<w:del "), 1);
    /* the word, the two paragraphs and their marks, and the comment
     * reference on the inserted paragraph, which goes with it */
    assert_int_equal(count(doc, "<w:ins "), 6);
    assert_non_null(strstr(doc, "w:author=\"Northwind Legal\""));
    assert_int_equal(count(doc, "<w:commentReference "), 2);
    assert_int_equal(count(comments, "<w:comment "), 2);
    /* The comments go to the other side: why, never the playbook. */
    assert_non_null(strstr(comments, "We cannot accept this change."));
    assert_non_null(strstr(comments, "We cannot agree to delete this clause"));
    assert_null(strstr(comments, "fallback"));
    assert_null(strstr(comments, "counsel"));
    assert_null(strstr(comments, "approv"));
    assert_non_null(strstr(types, "/word/comments.xml"));
    assert_non_null(strstr(rels, "relationships/comments"));
    assert_null(strstr(doc, "remotely on thirty (30) days</w:delText>"));
    /* Read back: the changes as proposed restore the standard. */
    /* For our own counsel (the default): the playbook and who approves. */
    clasm_redline_options mine = {"Northwind Legal", "2026-12-07T09:00:00Z", 0, 0};
    unsigned char *out2 = NULL;
    size_t olen2 = 0;
    assert_int_equal(clasm_redline_buffer(zip, len, "draft.docx", NULL, &mine, &out2, &olen2, &d),
                     CLASM_OK);
    char *notes = fx_zip_entry(out2, olen2, "word/comments.xml", NULL);
    assert_non_null(notes);
    assert_non_null(strstr(notes, "delete before sending"));
    assert_non_null(strstr(notes, "Not negotiable. Restored to the standard text. Only counsel may "
                                  "approve any change"));
    assert_non_null(strstr(notes, "Deleted. Reinstated; only counsel may approve the deletion."));
    free(notes);
    free(out2);
    json_t *j = inspect_bytes(out, olen, NULL);
    assert_string_equal(field(j, "export.compliance", "position"), "standard");
    assert_string_equal(field(j, "termination.breach", "position"), "standard");
    assert_string_equal(field(j, "audit.on-site", "position"), "fallback 1");
    json_decref(j);
    free(doc);
    free(comments);
    free(types);
    free(rels);
    free(out);
    free(zip);
    clasm_diags_free(&d);
}

static void test_approve(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *zip = returned(&len);
    char path[] = "/tmp/clasm-approve-XXXXXX.docx";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(fx_write_file(path, zip, len), 0);
    clasm_diags d;
    clasm_diags_init(&d);
    /* The contract manager may not approve a deviation from a clause that
     * is not negotiable: refused, the file as it was. */
    clasm_approval bad = {"export.compliance", "contract-manager", "K. Osei", NULL, NULL};
    assert_int_equal(clasm_approve(path, &bad, NULL, &d), CLASM_E_INPUT);
    assert_string_equal(d.items[0].id, "approval-not-allowed");
    assert_non_null(strstr(d.items[0].message, "it needs counsel"));
    size_t flen = 0;
    unsigned char *same = fx_read_file(path, &flen);
    assert_int_equal(flen, len);
    assert_memory_equal(same, zip, len);
    free(same);
    clasm_diags_free(&d);
    clasm_diags_init(&d);
    clasm_approval none = {"export.compliance", "auditor", "K. Osei", NULL, NULL};
    assert_int_equal(clasm_approve(path, &none, NULL, &d), CLASM_E_INPUT);
    assert_string_equal(d.items[0].id, "unknown-role");
    clasm_diags_free(&d);
    clasm_diags_init(&d);
    clasm_approval ok = {"audit.on-site", "compliance-office", "A. Rivera", "remote is enough",
                         "2026-12-07T10:00:00Z"};
    assert_int_equal(clasm_approve(path, &ok, NULL, &d), CLASM_OK);
    unsigned char *now = fx_read_file(path, &flen);
    json_t *j = inspect_bytes(now, flen, NULL);
    json_t *ap = json_object_get(clause(j, "audit.on-site"), "approved");
    assert_non_null(ap);
    assert_string_equal(json_string_value(json_object_get(ap, "by")), "A. Rivera");
    assert_string_equal(json_string_value(json_object_get(ap, "at")), "2026-12-07T10:00:00Z");
    assert_string_equal(json_string_value(json_object_get(j, "summary_text")),
                        "3 changes: 1 approved, 2 need counsel (1 not negotiable)");
    json_decref(j);
    free(now);
    unlink(path);
    free(zip);
    clasm_diags_free(&d);
}

/* The paragraph's text with our deletions dropped (accepted) or our
 * insertions dropped and deletions kept (rejected). */
static void text_of(xmlNodePtr n, int accept, char *out, size_t size)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if ((accept && docx_is_w(n, "del")) || (!accept && docx_is_w(n, "ins")) ||
            docx_is_w(n, "pPr"))
            continue;
        if (docx_is_w(n, "t") || docx_is_w(n, "delText")) {
            xmlChar *c = xmlNodeGetContent(n);
            strncat(out, (const char *)c, size - strlen(out) - 1);
            xmlFree(c);
        }
        text_of(n->children, accept, out, size);
    }
}

static void test_track_paragraph(void **state)
{
    (void)state;
    static const char *const edits[][2] = {
        {"The Customer shall keep records.", "The Customer may keep records."},
        {"The Customer shall keep records.", "The Customer shall keep complete records."},
        {"The Customer shall keep records.", "Records are kept."},
        {"The Customer shall keep records.", "The Customer shall keep records."},
        {"The Customer shall keep records.", ""},
    };
    for (size_t e = 0; e < sizeof edits / sizeof edits[0]; e++) {
        const char *xml =
            "<w:document xmlns:w=\"" W_NS "\"><w:body><w:p><w:r><w:t xml:space=\"preserve\">The "
            "</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Customer</w:t><w:t xml:space="
            "\"preserve\"> shall keep</w:t></w:r><w:r><w:t xml:space=\"preserve\"> records."
            "</w:t></w:r></w:p></w:body></w:document>";
        xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
        assert_non_null(doc);
        xmlNodePtr p = xmlDocGetRootElement(doc)->children->children;
        docx_track t = {"clasm", "2026-12-07T09:00:00Z", docx_track_max_id(doc) + 1};
        int n = docx_track_paragraph(p, edits[e][1], &t);
        assert_true(n >= 0);
        assert_int_equal(n == 0, strcmp(edits[e][0], edits[e][1]) == 0);
        char accepted[256] = "", rejected[256] = "";
        text_of(p->children, 1, accepted, sizeof accepted);
        text_of(p->children, 0, rejected, sizeof rejected);
        assert_string_equal(accepted, edits[e][1]);
        assert_string_equal(rejected, edits[e][0]);
        char *stable = docx_paragraph_text_stable(p);
        assert_string_equal(stable, edits[e][1]);
        free(stable);
        xmlFreeDoc(doc);
    }
}

static void test_clause_listed_twice(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *zip = returned_twice(&len, 1);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_inspection *I = NULL;
    assert_int_equal(clasm_inspect_buffer(zip, len, "draft.docx", NULL, &I, &d), CLASM_OK);
    /* The second entry finds nothing left: removed, not a read past the end. */
    char *js = clasm_inspection_json(I);
    json_t *j = json_loads(js, 0, NULL);
    free(js);
    json_t *arr = json_object_get(j, "clauses");
    size_t removed = 0, seen = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *c = json_array_get(arr, i);
        if (strcmp(json_string_value(json_object_get(c, "id")), "export.compliance") != 0)
            continue;
        seen++;
        removed += strcmp(json_string_value(json_object_get(c, "status")), "removed") == 0;
    }
    assert_int_equal(seen, 2);
    assert_int_equal(removed, 1);
    json_decref(j);
    unsigned char *out = NULL;
    size_t olen = 0;
    clasm_redline_options o = {NULL, "2026-12-07T09:00:00Z", 0, 0};
    assert_int_equal(clasm_redline_buffer(zip, len, "draft.docx", NULL, &o, &out, &olen, &d),
                     CLASM_OK);
    free(out);
    clasm_inspection_free(I);
    clasm_diags_free(&d);
    free(zip);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clause_listed_twice),
        cmocka_unit_test(test_positions_and_summary),
        cmocka_unit_test(test_redline),
        cmocka_unit_test(test_approve),
        cmocka_unit_test(test_track_paragraph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
