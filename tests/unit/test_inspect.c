/* inspect over hand-built drafts: a manifest and a body holding clauses in
 * tagged content controls (as clasm and Word leave them), one only under its
 * title (as LibreOffice leaves them), edited, missing, and foreign controls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "clasm.h"
#include "docx_fixture.h"
#include "manifest.h"
#include "xml_alloc_fail.h"

#define FIXTURE_LIBRARY "tests/fixtures/libraries/basic"

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

static char *hash_of(const char *title, const char *body)
{
    const char *paras[1] = {body};
    char *out = malloc(65);
    manifest_clause_hash(title, paras, 1, out);
    return out;
}

/* A clause entry of the manifest with its rendered text. */
static void entry(char *buf, size_t size, const char *id, int version, const char *title,
                  const char *body)
{
    char *h = hash_of(title, body);
    size_t used = strlen(buf);
    snprintf(buf + used, size - used,
             "<clasm:clause id=\"%s\" version=\"%d\" hash=\"%s\"><clasm:title>%s</clasm:title>"
             "<clasm:p>%s</clasm:p></clasm:clause>",
             id, version, h, title, body);
    free(h);
}

static char *tagged(const char *id, int version, const char *title, const char *body)
{
    char *s = malloc(2048);
    snprintf(s, 2048,
             "<w:sdt><w:sdtPr><w:alias w:val=\"%s\"/><w:tag w:val=\"clasm:%s@%d\"/>"
             "<w:id w:val=\"%d\"/></w:sdtPr><w:sdtContent>"
             "<w:p><w:pPr><w:pStyle w:val=\"ClauseHeading\"/></w:pPr><w:r><w:t>%s</w:t></w:r></w:p>"
             "<w:p><w:r><w:t xml:space=\"preserve\">%s</w:t></w:r></w:p>"
             "</w:sdtContent></w:sdt>",
             title, id, version, (int)strlen(id) + version, title, body);
    return s;
}

/* The draft: core (unchanged), data-terms (edited), basic-purpose (gone),
 * enhanced-purpose (untagged, found by its title), plus a foreign control,
 * an insertion-point control, and text around them. */
static unsigned char *draft(size_t *len, int with_manifest)
{
    static const char core_body[] = "Terms in bold have these meanings.";
    static const char data_body[] = "Collected Data stays in the agreed country.";
    static const char basic_body[] = "Use only for the authorized purpose.";
    static const char enh_body[] = "Use only for the authorized purpose, and report misuse.";
    char manifest_xml[8192] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><clasm:manifest "
        "xmlns:clasm=\"urn:clasm:manifest:1\" deal=\"Q-T-1\" library=\"00\" document=\"eula\">";
    entry(manifest_xml, sizeof manifest_xml, "definitions.core", 1, "Definitions", core_body);
    entry(manifest_xml, sizeof manifest_xml, "definitions.data-terms", 1, "Data Terms", data_body);
    entry(manifest_xml, sizeof manifest_xml, "end-use.basic-purpose", 1, "Authorized Purpose",
          basic_body);
    entry(manifest_xml, sizeof manifest_xml, "end-use.enhanced-purpose", 3, "Enhanced Purpose",
          enh_body);
    entry(manifest_xml, sizeof manifest_xml, "grievance.public-reporting", 1, "Public Reporting",
          "Nothing here limits a report to a regulator.");
    strcat(manifest_xml, "</clasm:manifest>");

    char *a = tagged("definitions.core", 1, "Definitions", core_body);
    char *b = tagged("definitions.data-terms", 1, "Data Terms",
                     "Collected Data stays in the agreed country for 90 days.");
    char body[8192];
    snprintf(body, sizeof body,
             "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>Definitions and "
             "Interpretation</w:t></w:r></w:p>%s%s"
             "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>End Use</w:t></w:r>"
             "</w:p>"
             "<w:p><w:pPr><w:pStyle w:val=\"ClauseHeading\"/></w:pPr><w:sdt><w:sdtPr>"
             "<w:id w:val=\"5\"/><w:alias w:val=\"Enhanced Purpose\"/></w:sdtPr><w:sdtContent>"
             "<w:r><w:t>Enhanced Purpose</w:t></w:r></w:sdtContent></w:sdt></w:p>"
             "<w:p><w:r><w:t>Use only for the authorized purpose, </w:t></w:r>"
             "<w:r><w:t>and report misuse.</w:t></w:r></w:p>"
             "<w:p/>"
             "<w:sdt><w:sdtPr><w:alias w:val=\"Grievance clauses\"/><w:tag "
             "w:val=\"clauses:grievance\"/><w:id w:val=\"6\"/></w:sdtPr><w:sdtContent><w:p/>"
             "</w:sdtContent></w:sdt>"
             "<w:p><w:pPr><w:pStyle w:val=\"ClauseHeading\"/></w:pPr><w:r><w:t>Public "
             "Reporting and Disclosure</w:t></w:r></w:p>"
             "<w:p><w:r><w:t>Nothing here limits a report to a regulator.</w:t></w:r></w:p>"
             "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>General</w:t></w:r>"
             "</w:p>"
             "<w:sdt><w:sdtPr><w:alias w:val=\"Side letter\"/><w:tag w:val=\"acme:side\"/>"
             "<w:id w:val=\"7\"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Side terms</w:t></w:r>"
             "</w:p></w:sdtContent></w:sdt>",
             a, b);
    free(a);
    free(b);
    char *doc = fx_document_xml(body);
    fx_entry e[] = {{"[Content_Types].xml", content_types, 0, FX_DEFLATE},
                    {"_rels/.rels", root_rels, 0, FX_DEFLATE},
                    {"word/document.xml", doc, 0, FX_DEFLATE},
                    {"customXml/item1.xml", manifest_xml, 0, FX_DEFLATE}};
    unsigned char *zip = fx_zip(e, with_manifest ? 4 : 3, len);
    free(doc);
    return zip;
}

static json_t *inspect_json(const clasm_library *lib, int with_manifest, clasm_status want)
{
    size_t len = 0;
    unsigned char *zip = draft(&len, with_manifest);
    assert_non_null(zip);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_inspection *I = NULL;
    assert_int_equal(clasm_inspect_buffer(zip, len, "draft.docx", lib, &I, &d), want);
    free(zip);
    json_t *j = NULL;
    if (want == CLASM_OK) {
        char *s = clasm_inspection_json(I);
        assert_non_null(s);
        j = json_loads(s, 0, NULL);
        free(s);
        assert_non_null(j);
    } else {
        assert_null(I);
        assert_int_equal(d.count, 1);
        assert_string_equal(d.items[0].id, "no-manifest");
    }
    clasm_inspection_free(I);
    clasm_diags_free(&d);
    return j;
}

static json_t *clause(json_t *root, const char *id)
{
    json_t *arr = json_object_get(root, "clauses");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *c = json_array_get(arr, i);
        const char *cid = json_string_value(json_object_get(c, "id"));
        if (cid && strcmp(cid, id) == 0)
            return c;
    }
    fail_msg("no entry %s", id);
    return NULL;
}

static const char *status(json_t *root, const char *id)
{
    return json_string_value(json_object_get(clause(root, id), "status"));
}

static void test_statuses_without_library(void **state)
{
    (void)state;
    json_t *j = inspect_json(NULL, 1, CLASM_OK);
    assert_string_equal(json_string_value(json_object_get(j, "deal")), "Q-T-1");
    assert_string_equal(json_string_value(json_object_get(j, "document")), "eula");
    assert_string_equal(status(j, "definitions.core"), "unchanged");
    assert_string_equal(
        json_string_value(json_object_get(clause(j, "definitions.core"), "found_by")),
        "content-control");
    assert_string_equal(status(j, "definitions.data-terms"), "modified");
    assert_string_equal(
        json_string_value(json_object_get(clause(j, "definitions.data-terms"), "diff")),
        "... stays in the agreed [-country.-] {+country for 90 days.+}");
    assert_string_equal(status(j, "end-use.basic-purpose"), "removed");
    /* Untagged, under its title, text split over runs: still unchanged. */
    assert_string_equal(status(j, "end-use.enhanced-purpose"), "unchanged");
    assert_string_equal(
        json_string_value(json_object_get(clause(j, "end-use.enhanced-purpose"), "found_by")),
        "heading");
    /* Retitled and untagged (a LibreOffice round trip): found by its body,
     * modified, not removed. */
    assert_string_equal(status(j, "grievance.public-reporting"), "modified");
    assert_string_equal(
        json_string_value(json_object_get(clause(j, "grievance.public-reporting"), "found_by")),
        "body");
    assert_string_equal(
        json_string_value(json_object_get(clause(j, "grievance.public-reporting"), "diff")),
        "Public Reporting {+and Disclosure+} Nothing here limits a ...");
    /* One foreign control; the insertion point and the untagged clause are known. */
    json_t *arr = json_object_get(j, "clauses");
    size_t unknown = 0;
    for (size_t i = 0; i < json_array_size(arr); i++)
        unknown += strcmp(json_string_value(json_object_get(json_array_get(arr, i), "status")),
                          "unknown") == 0;
    assert_int_equal(unknown, 1);
    assert_string_equal(status(j, "acme:side"), "unknown");
    assert_string_equal(json_string_value(json_object_get(clause(j, "acme:side"), "text")),
                        "Side terms");
    assert_null(json_object_get(j, "library_unchanged"));
    json_decref(j);
}

static void test_outdated_against_the_library(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    assert_int_equal(clasm_library_load(FIXTURE_LIBRARY, &lib, &d), CLASM_OK);
    json_t *j = inspect_json(lib, 1, CLASM_OK);
    /* definitions.core is at version 2 in the library, 1 in the draft. */
    assert_string_equal(status(j, "definitions.core"), "outdated");
    assert_int_equal(
        json_integer_value(json_object_get(clause(j, "definitions.core"), "library_version")), 2);
    /* enhanced-purpose is at 3 in both: unchanged. */
    assert_string_equal(status(j, "end-use.enhanced-purpose"), "unchanged");
    /* modified stays modified even when the library has moved on. */
    assert_string_equal(status(j, "definitions.data-terms"), "modified");
    assert_false(json_is_true(json_object_get(j, "library_unchanged")));
    json_decref(j);
    clasm_library_free(lib);
    clasm_diags_free(&d);
}

static void test_no_manifest(void **state)
{
    (void)state;
    assert_null(inspect_json(NULL, 0, CLASM_E_INPUT));
}

/* libxml2's allocation k fails, for k sampled over all an inspection
 * makes: either the very report of a run with memory enough, or CLASM_E_IO,
 * an out-of-memory diagnostic and no report at all (a draft that could not
 * be read for lack of memory once read as one whose every clause was
 * removed). libxml2 prints nothing. */
static void test_out_of_memory_gives_no_report(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *zip = draft(&len, 1);
    assert_non_null(zip);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_inspection *I = NULL;
    xaf_begin(-1);
    assert_int_equal(clasm_inspect_buffer(zip, len, "draft.docx", NULL, &I, &d), CLASM_OK);
    long total = xaf_calls;
    xaf_end();
    char *want = clasm_inspection_json(I);
    assert_non_null(want);
    clasm_inspection_free(I);
    clasm_diags_free(&d);
    char path[64];
    int saved = xaf_stderr_capture(path);
    assert_true(saved >= 0);
    long failed = 0;
    for (long k = 0; k < total; k += 1 + total / 400) {
        I = NULL;
        xaf_begin(k);
        clasm_status st = clasm_inspect_buffer(zip, len, "draft.docx", NULL, &I, &d);
        xaf_end();
        if (st == CLASM_OK) {
            char *got = clasm_inspection_json(I);
            assert_string_equal(got, want);
            free(got);
            clasm_inspection_free(I);
        } else {
            failed++;
            assert_int_equal(st, CLASM_E_IO);
            assert_null(I);
            assert_true(d.count >= 1);
            assert_string_equal(d.items[d.count - 1].id, "out-of-memory");
            for (size_t i = 0; i < d.count; i++)
                assert_string_not_equal(d.items[i].id, "no-manifest");
        }
        clasm_diags_free(&d);
    }
    assert_int_equal(xaf_stderr_bytes(saved, path), 0);
    assert_true(failed > 0);
    free(want);
    free(zip);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses_without_library),
        cmocka_unit_test(test_outdated_against_the_library),
        cmocka_unit_test(test_no_manifest),
        cmocka_unit_test(test_out_of_memory_gives_no_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
