/* The DOCX package: every refusal with its id, relationships, and writes that
 * are atomic, reproducible, never onto the template, and copy unchanged
 * entries as they were. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docx_fixture.h"
#include "package.h"
#include "placeholder.h"
#include "xml_alloc_fail.h"

#define DOC_RELS_PATH "word/_rels/document.xml.rels"

static char *body_doc(void)
{
    return fx_document_xml("<w:p><w:r><w:t>Hello</w:t></w:r></w:p>");
}

/* Opens the entries as a package; returns the status, diagnostics in d. */
static clasm_status open_entries(const fx_entry *e, size_t n, pkg **p, clasm_diags *d)
{
    size_t len = 0;
    unsigned char *z = fx_zip(e, n, &len);
    assert_non_null(z);
    clasm_status st = pkg_open_buffer(z, len, "t.docx", p, d);
    free(z);
    return st;
}

static size_t count_id(const clasm_diags *d, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0)
            n++;
    return n;
}

static const clasm_diag *first_id(const clasm_diags *d, const char *id)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->items[i].id, id) == 0)
            return &d->items[i];
    return NULL;
}

/* Expects the entries to be refused with exactly `count` diagnostics of id. */
static void expect_refused(const fx_entry *e, size_t n, const char *id, size_t count)
{
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = (pkg *)1;
    clasm_status st = open_entries(e, n, &p, &d);
    if (count_id(&d, id) != count)
        clasm_diags_print(stderr, &d);
    assert_int_equal(st, CLASM_E_INPUT);
    assert_null(p);
    assert_int_equal(count_id(&d, id), count);
    assert_string_equal(d.items[0].file, "t.docx");
    clasm_diags_free(&d);
}

static void test_not_a_zip(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    const char text[] = "This is a plain text file, not a Word document at all.";
    assert_int_equal(pkg_open_buffer(text, sizeof text, "notes.docx", &p, &d), CLASM_E_INPUT);
    assert_null(p);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "not-a-zip");
    assert_non_null(strstr(d.items[0].message, "notes.docx is not a DOCX file"));
    clasm_diags_free(&d);
    assert_int_equal(pkg_open_buffer("", 0, "empty.docx", &p, &d), CLASM_E_INPUT);
    assert_string_equal(d.items[0].id, "not-a-zip");
    clasm_diags_free(&d);
    /* A missing file is an input error naming it. */
    assert_int_equal(pkg_open("/nonexistent/clasm/t.docx", &p, &d), CLASM_E_IO);
    assert_string_equal(d.items[0].id, "io-error");
    assert_non_null(strstr(d.items[0].message, "/nonexistent/clasm/t.docx"));
    clasm_diags_free(&d);
}

static void test_no_main_part(void **state)
{
    (void)state;
    fx_entry e[] = {{"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE},
                    {"docProps/app.xml", "<Properties/>", 0, FX_DEFLATE}};
    expect_refused(e, 2, "no-main-part", 1);
    /* A relationship to a part that is not there, and no fallback. */
    fx_entry e2[] = {{"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE},
                     {"_rels/.rels", FX_ROOT_RELS, 0, FX_DEFLATE}};
    expect_refused(e2, 2, "no-main-part", 1);
}

static void test_main_part_through_rels(void **state)
{
    (void)state;
    char *doc = body_doc();
    const char *rels =
        FX_XML_DECL "<Relationships "
                    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
                    "officeDocument/2006/relationships/officeDocument\" "
                    "Target=\"/word/document2.xml\"/></Relationships>";
    fx_entry e[] = {{"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE},
                    {"_rels/.rels", rels, 0, FX_DEFLATE},
                    {"word/document2.xml", doc, 0, FX_DEFLATE}};
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(open_entries(e, 3, &p, &d), CLASM_OK);
    assert_string_equal(pkg_main_part(p), "word/document2.xml");
    assert_int_equal(pkg_entry_count(p), 3);
    assert_string_equal(pkg_entry_name(p, 1), "_rels/.rels");
    assert_null(pkg_entry_name(p, 3));
    assert_true(pkg_has(p, "word/document2.xml"));
    assert_true(pkg_has(p, "WORD/Document2.xml")); /* part names ignore case */
    assert_false(pkg_has(p, "word/document.xml"));
    size_t len = 0;
    const unsigned char *b = pkg_bytes(p, "word/document2.xml", &len);
    assert_int_equal(len, strlen(doc));
    assert_memory_equal(b, doc, len);
    assert_null(pkg_bytes(p, "word/none.xml", &len));
    assert_string_equal(pkg_name(p), "t.docx");
    pkg_free(p);
    free(doc);
    clasm_diags_free(&d);
}

static void test_unsafe_names_all_reported(void **state)
{
    (void)state;
    char *doc = body_doc();
    fx_entry e[] = {{"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE},
                    {"word/document.xml", doc, 0, FX_DEFLATE},
                    {"../evil.xml", "<a/>", 0, FX_DEFLATE},
                    {"/etc/abs.xml", "<a/>", 0, FX_DEFLATE},
                    {"word\\back.xml", "<a/>", 0, FX_DEFLATE},
                    {"word/../../up.xml", "<a/>", 0, FX_DEFLATE},
                    {"WORD/Document.xml", doc, 0, FX_DEFLATE}};
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(open_entries(e, 7, &p, &d), CLASM_E_INPUT);
    assert_null(p);
    assert_int_equal(count_id(&d, "unsafe-entry-name"), 5);
    assert_string_equal(d.items[0].part, "../evil.xml");
    assert_non_null(strstr(d.items[0].message, "'../evil.xml'"));
    assert_non_null(strstr(d.items[1].message, "absolute"));
    assert_non_null(strstr(d.items[2].message, "backslash"));
    assert_non_null(strstr(d.items[4].message, "more than once"));
    clasm_diags_free(&d);
    free(doc);
}

/* Two entries with the very same name (libzip will not write that, so the
 * name of the second is patched in the bytes). */
static void test_exact_duplicate_entry(void **state)
{
    (void)state;
    char *doc = body_doc();
    fx_entry e[] = {{"word/document.xml", doc, 0, FX_DEFLATE},
                    {"word/documenX.xml", doc, 0, FX_DEFLATE}};
    size_t len = 0;
    unsigned char *z = fx_zip(e, 2, &len);
    assert_non_null(z);
    int patched = 0;
    for (size_t i = 0; i + 17 <= len; i++)
        if (memcmp(z + i, "word/documenX.xml", 17) == 0) {
            z[i + 12] = 't';
            patched++;
        }
    assert_int_equal(patched, 2); /* local header and central directory */
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(pkg_open_buffer(z, len, "t.docx", &p, &d), CLASM_E_INPUT);
    assert_int_equal(count_id(&d, "unsafe-entry-name"), 1);
    assert_non_null(strstr(d.items[0].message, "more than once"));
    clasm_diags_free(&d);
    free(z);
    free(doc);
}

static void test_too_many_entries(void **state)
{
    (void)state;
    size_t n = PKG_MAX_ENTRIES + 1;
    fx_entry *e = calloc(n, sizeof *e);
    char(*names)[32] = calloc(n, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "word/media/f%zu.txt", i);
        e[i].name = names[i];
        e[i].data = "x";
        e[i].method = FX_STORE;
    }
    expect_refused(e, n, "package-too-large", 1);
    free(names);
    free(e);
}

static void test_zip_bomb_and_large_part(void **state)
{
    (void)state;
    char *doc = body_doc();
    size_t big = 4u * 1024u * 1024u;
    char *zeros = calloc(1, big);
    fx_entry e[] = {{"word/document.xml", doc, 0, FX_DEFLATE},
                    {"word/media/zeros.bin", zeros, big, FX_DEFLATE}};
    expect_refused(e, 2, "zip-bomb", 1);
    size_t huge = PKG_MAX_PART_BYTES + 1;
    char *more = calloc(1, huge);
    fx_entry e2[] = {{"word/document.xml", doc, 0, FX_DEFLATE},
                     {"word/media/huge.bin", more, huge, FX_STORE}};
    expect_refused(e2, 2, "package-too-large", 1);
    free(more);
    free(zeros);
    free(doc);
}

static void test_dtd_and_entities_refused(void **state)
{
    (void)state;
    const char *internal =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n"
        "<w:document xmlns:w=\"" FX_W_NS "\"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>"
        "</w:body></w:document>";
    fx_entry e[] = {{"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE},
                    {"word/document.xml", internal, 0, FX_DEFLATE}};
    expect_refused(e, 2, "xml-dtd-refused", 1);
    const char *external = "<?xml version=\"1.0\"?>\n<!DOCTYPE w:document SYSTEM "
                           "\"http://example.invalid/evil.dtd\">\n"
                           "<w:document xmlns:w=\"" FX_W_NS "\"><w:body/></w:document>";
    char *doc = body_doc();
    fx_entry e2[] = {{"word/document.xml", doc, 0, FX_DEFLATE},
                     {"word/styles.xml", external, 0, FX_DEFLATE}};
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(open_entries(e2, 2, &p, &d), CLASM_E_INPUT);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "xml-dtd-refused");
    assert_string_equal(d.items[0].part, "word/styles.xml");
    assert_non_null(strstr(d.items[0].message, "word/styles.xml"));
    clasm_diags_free(&d);
    free(doc);
}

static void test_malformed_xml_with_line(void **state)
{
    (void)state;
    const char *bad = "<?xml version=\"1.0\"?>\n<w:document xmlns:w=\"" FX_W_NS "\">\n<w:body>\n"
                      "<w:p></w:r>\n</w:body></w:document>";
    const char *bad2 = "<a><b></a>";
    fx_entry e[] = {{"word/document.xml", bad, 0, FX_DEFLATE},
                    {"word/settings.xml", bad2, 0, FX_DEFLATE}};
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(open_entries(e, 2, &p, &d), CLASM_E_INPUT);
    const clasm_diag *g = first_id(&d, "xml-malformed");
    assert_non_null(g);
    assert_string_equal(g->part, "word/document.xml");
    assert_non_null(strstr(g->message, "at line 4"));
    /* Both parts are reported. */
    int settings = 0;
    for (size_t i = 0; i < d.count; i++)
        settings |= strcmp(d.items[i].part, "word/settings.xml") == 0;
    assert_true(settings);
    clasm_diags_free(&d);
}

static void test_strict_ooxml_refused(void **state)
{
    (void)state;
    const char *strict = FX_XML_DECL "<w:document "
                                     "xmlns:w=\"http://purl.oclc.org/ooxml/wordprocessingml/main\">"
                                     "<w:body><w:p/></w:body></w:document>";
    const char *rels = FX_XML_DECL
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" "
        "Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument\" "
        "Target=\"word/document.xml\"/></Relationships>";
    fx_entry e[] = {{"_rels/.rels", rels, 0, FX_DEFLATE},
                    {"word/document.xml", strict, 0, FX_DEFLATE}};
    expect_refused(e, 2, "strict-ooxml-unsupported", 1);
    /* Without the relationship, the namespace alone tells. */
    fx_entry e2[] = {{"word/document.xml", strict, 0, FX_DEFLATE}};
    expect_refused(e2, 1, "strict-ooxml-unsupported", 1);
}

static void test_bom_and_cdata_accepted(void **state)
{
    (void)state;
    const char *doc = "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                      "<w:document xmlns:w=\"" FX_W_NS "\"><w:body><w:p><w:r><w:t><![CDATA[a<b]]>"
                      "</w:t></w:r></w:p></w:body></w:document>";
    fx_entry e[] = {{"word/document.xml", doc, 0, FX_DEFLATE}};
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(open_entries(e, 1, &p, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    pkg_free(p);
}

static void test_encrypted_entry_refused(void **state)
{
    (void)state;
    char *doc = body_doc();
    fx_entry e[] = {{"word/document.xml", doc, 0, FX_DEFLATE}};
    size_t len = 0;
    unsigned char *z = fx_zip(e, 1, &len);
    /* Re-create with the entry encrypted. */
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &err);
    zip_source_keep(mem);
    zip_t *za = zip_open_from_source(mem, ZIP_TRUNCATE, &err);
    zip_int64_t idx =
        zip_file_add(za, "word/document.xml", zip_source_buffer(za, doc, strlen(doc), 0), 0);
    if (zip_file_set_encryption(za, (zip_uint64_t)idx, ZIP_EM_AES_256, "secret") != 0) {
        zip_discard(za);
        zip_source_free(mem);
        free(z);
        free(doc);
        skip();
    }
    assert_int_equal(zip_close(za), 0);
    zip_stat_t st;
    zip_source_stat(mem, &st);
    unsigned char *enc = malloc(st.size);
    zip_source_open(mem);
    assert_int_equal(zip_source_read(mem, enc, st.size), (zip_int64_t)st.size);
    zip_source_close(mem);
    zip_source_free(mem);
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(pkg_open_buffer(enc, st.size, "t.docx", &p, &d), CLASM_E_INPUT);
    assert_int_equal(count_id(&d, "encrypted-entry"), 1);
    clasm_diags_free(&d);
    free(enc);
    free(z);
    free(doc);
}

static void test_related_parts(void **state)
{
    (void)state;
    char *doc = body_doc();
    const char *rels =
        FX_XML_DECL "<Relationships "
                    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
                    "officeDocument/2006/relationships/header\" Target=\"header2.xml\"/>"
                    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"
                    "officeDocument/2006/relationships/hyperlink\" Target=\"http://x.org/\" "
                    "TargetMode=\"External\"/>"
                    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/"
                    "officeDocument/2006/relationships/header\" Target=\"/word/header1.xml\"/>"
                    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/"
                    "officeDocument/2006/relationships/footer\" Target=\"../word/./footer1.xml\"/>"
                    "<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/"
                    "officeDocument/2006/relationships/header\" Target=\"missing.xml\"/>"
                    "<Relationship Id=\"rId6\" Type=\"http://example.org/myheader\" "
                    "Target=\"header1.xml\"/>"
                    "</Relationships>";
    const char *hdr = FX_XML_DECL "<w:hdr xmlns:w=\"" FX_W_NS "\"><w:p/></w:hdr>";
    const char *ftr = FX_XML_DECL "<w:ftr xmlns:w=\"" FX_W_NS "\"><w:p/></w:ftr>";
    fx_entry e[] = {
        {"_rels/.rels", FX_ROOT_RELS, 0, FX_DEFLATE}, {"word/document.xml", doc, 0, FX_DEFLATE},
        {DOC_RELS_PATH, rels, 0, FX_DEFLATE},         {"word/header1.xml", hdr, 0, FX_DEFLATE},
        {"word/header2.xml", hdr, 0, FX_DEFLATE},     {"word/footer1.xml", ftr, 0, FX_DEFLATE}};
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(open_entries(e, 6, &p, &d), CLASM_OK);
    const char *out[8];
    assert_int_equal(pkg_related(p, "word/document.xml", "header", out, 8), 2);
    assert_string_equal(out[0], "word/header2.xml");
    assert_string_equal(out[1], "word/header1.xml");
    assert_int_equal(pkg_related(p, "word/document.xml", "header", out, 1), 1);
    assert_int_equal(pkg_related(p, "word/document.xml", "footer", out, 8), 1);
    assert_string_equal(out[0], "word/footer1.xml");
    assert_int_equal(pkg_related(p, "word/document.xml", "hyperlink", out, 8), 0);
    assert_int_equal(pkg_related(p, "word/header1.xml", "header", out, 8), 0);
    assert_int_equal(pkg_related(p, "", "officeDocument", out, 8), 1);
    assert_string_equal(out[0], "word/document.xml");
    pkg_free(p);
    clasm_diags_free(&d);
    free(doc);
}

/* ---------------------------------------------------------------- writing */

typedef struct {
    char dir[64];
} tmpdir;

static void make_dir(tmpdir *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/clasm-pkg-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
}

static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void remove_dir(tmpdir *t)
{
    DIR *d = opendir(t->dir);
    struct dirent *de;
    char path[512];
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", t->dir, de->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(t->dir);
}

/* A template on disk: content types, rels, document, a stored image and a
 * styles part deflated at level 1 (so a recompression would show). */
static pkg *template_on_disk(tmpdir *t, char *path, size_t size, clasm_diags *d)
{
    char *doc = body_doc();
    static char image[3000];
    for (size_t i = 0; i < sizeof image; i++)
        image[i] = (char)(i * 7 + i / 13);
    static char styles[8000];
    size_t o = (size_t)snprintf(styles, sizeof styles, "%s<w:styles xmlns:w=\"%s\">", FX_XML_DECL,
                                FX_W_NS);
    for (int i = 0; o < sizeof styles - 200; i++)
        o += (size_t)snprintf(styles + o, sizeof styles - o,
                              "<w:style w:styleId=\"S%d\"><w:name w:val=\"Style %d\"/></w:style>",
                              i, i * 31);
    snprintf(styles + o, sizeof styles - o, "</w:styles>");
    fx_entry e[] = {{"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE},
                    {"_rels/.rels", FX_ROOT_RELS, 0, FX_DEFLATE},
                    {"word/document.xml", doc, 0, FX_DEFLATE},
                    {"word/media/image1.bin", image, sizeof image, FX_STORE},
                    {"word/styles.xml", styles, 0, FX_DEFLATE}};
    size_t len = 0;
    unsigned char *z = fx_zip(e, 5, &len);
    assert_non_null(z);
    snprintf(path, size, "%s/template.docx", t->dir);
    assert_int_equal(fx_write_file(path, z, len), 0);
    free(z);
    free(doc);
    pkg *p = NULL;
    assert_int_equal(pkg_open(path, &p, d), CLASM_OK);
    return p;
}

static void test_write_reproducible_and_ordered(void **state)
{
    (void)state;
    tmpdir t;
    make_dir(&t);
    clasm_diags d;
    clasm_diags_init(&d);
    char tpl[128], out1[128], out2[128];
    pkg *p = template_on_disk(&t, tpl, sizeof tpl, &d);
    pkg_edit *e = pkg_edit_new(p);
    assert_ptr_equal(pkg_edit_base(e), p);
    xmlDocPtr doc = pkg_edit_parse(e, "word/document.xml", &d);
    assert_non_null(doc);
    xmlNodePtr t_node = xmlDocGetRootElement(doc)->children->children->children->children;
    xmlNodeSetContent(t_node, BAD_CAST "Changed");
    assert_int_equal(pkg_edit_set_xml(e, "word/document.xml", doc), 0);
    xmlFreeDoc(doc);
    assert_int_equal(pkg_edit_set_bytes(e, "customXml/clasm.json", "{\"a\":1}", 7), 0);
    assert_int_equal(pkg_edit_set_bytes(e, "customXml/b.xml", "<b/>", 4), 0);
    assert_int_equal(pkg_edit_set_bytes(e, "customXml/b.xml", "<b>2</b>", 8), 0); /* replaced */
    assert_int_not_equal(pkg_edit_set_bytes(e, "../x.xml", "<b/>", 4), 0);
    assert_true(pkg_edit_has(e, "customXml/b.xml"));
    assert_true(pkg_edit_has(e, "word/styles.xml"));
    assert_false(pkg_edit_has(e, "word/none.xml"));
    snprintf(out1, sizeof out1, "%s/out1.docx", t.dir);
    snprintf(out2, sizeof out2, "%s/out2.docx", t.dir);
    assert_int_equal(pkg_edit_write(e, out1, &d), CLASM_OK);
    assert_int_equal(pkg_edit_write(e, out2, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    assert_int_equal(dir_entries(t.dir), 3); /* no temporary file left */
    size_t l1 = 0, l2 = 0, lt = 0;
    unsigned char *b1 = fx_read_file(out1, &l1);
    unsigned char *b2 = fx_read_file(out2, &l2);
    unsigned char *bt = fx_read_file(tpl, &lt);
    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);
    /* Entry order: base order, then the added ones in the order added. */
    pkg *o = NULL;
    assert_int_equal(pkg_open(out1, &o, &d), CLASM_OK);
    const char *want[] = {"[Content_Types].xml",   "_rels/.rels",     "word/document.xml",
                          "word/media/image1.bin", "word/styles.xml", "customXml/clasm.json",
                          "customXml/b.xml"};
    assert_int_equal(pkg_entry_count(o), 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(pkg_entry_name(o, i), want[i]);
    size_t len = 0;
    const char *x = (const char *)pkg_bytes(o, "word/document.xml", &len);
    assert_non_null(strstr(x, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"));
    assert_non_null(strstr(x, "Changed"));
    x = (const char *)pkg_bytes(o, "customXml/b.xml", &len);
    assert_int_equal(len, 8);
    pkg_free(o);
    /* Unchanged entries: the same compressed bytes and method; fixed times. */
    zip_error_t err;
    zip_error_init(&err);
    zip_t *zin = zip_open_from_source(zip_source_buffer_create(bt, lt, 0, &err), ZIP_RDONLY, &err);
    zip_t *zout = zip_open_from_source(zip_source_buffer_create(b1, l1, 0, &err), ZIP_RDONLY, &err);
    assert_non_null(zin);
    assert_non_null(zout);
    const char *same[] = {"word/media/image1.bin", "word/styles.xml", "_rels/.rels"};
    for (size_t i = 0; i < 3; i++) {
        zip_stat_t si, so;
        assert_int_equal(zip_stat(zin, same[i], 0, &si), 0);
        assert_int_equal(zip_stat(zout, same[i], 0, &so), 0);
        assert_int_equal(si.comp_method, so.comp_method);
        assert_int_equal(si.comp_size, so.comp_size);
        assert_int_equal(si.crc, so.crc);
        unsigned char *ci = malloc(si.comp_size), *co = malloc(so.comp_size);
        zip_file_t *fi = zip_fopen(zin, same[i], ZIP_FL_COMPRESSED);
        zip_file_t *fo = zip_fopen(zout, same[i], ZIP_FL_COMPRESSED);
        assert_int_equal(zip_fread(fi, ci, si.comp_size), (zip_int64_t)si.comp_size);
        assert_int_equal(zip_fread(fo, co, so.comp_size), (zip_int64_t)so.comp_size);
        assert_memory_equal(ci, co, si.comp_size);
        zip_fclose(fi);
        zip_fclose(fo);
        free(ci);
        free(co);
    }
    for (zip_uint64_t i = 0; i < 7; i++) {
        zip_stat_t so;
        zip_stat_index(zout, i, 0, &so);
        struct tm tm;
        localtime_r(&so.mtime, &tm);
        assert_int_equal(tm.tm_year, 80);
        assert_int_equal(tm.tm_mon, 0);
        assert_int_equal(tm.tm_mday, 1);
    }
    zip_discard(zin);
    zip_discard(zout);
    zip_error_fini(&err);
    free(b1);
    free(b2);
    free(bt);
    pkg_edit_free(e);
    pkg_free(p);
    clasm_diags_free(&d);
    remove_dir(&t);
}

static void test_write_refuses_template(void **state)
{
    (void)state;
    tmpdir t;
    make_dir(&t);
    clasm_diags d;
    clasm_diags_init(&d);
    char tpl[128], alias[160], hard[160];
    pkg *p = template_on_disk(&t, tpl, sizeof tpl, &d);
    size_t before_len = 0;
    unsigned char *before = fx_read_file(tpl, &before_len);
    pkg_edit *e = pkg_edit_new(p);
    assert_int_equal(pkg_edit_set_bytes(e, "word/document.xml", "<x/>", 4), 0);
    assert_int_equal(pkg_edit_write(e, tpl, &d), CLASM_E_INPUT);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "output-is-template");
    assert_non_null(strstr(d.items[0].message, tpl));
    /* The same file by another name, and through a hard link. */
    snprintf(alias, sizeof alias, "%s/../%s/template.docx", t.dir, strrchr(t.dir, '/') + 1);
    assert_int_equal(pkg_edit_write(e, alias, &d), CLASM_E_INPUT);
    snprintf(hard, sizeof hard, "%s/hardlink.docx", t.dir);
    assert_int_equal(link(tpl, hard), 0);
    assert_int_equal(pkg_edit_write(e, hard, &d), CLASM_E_INPUT);
    assert_int_equal(count_id(&d, "output-is-template"), 3);
    size_t after_len = 0;
    unsigned char *after = fx_read_file(tpl, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, after_len);
    assert_int_equal(dir_entries(t.dir), 2); /* template and its link, nothing else */
    free(before);
    free(after);
    pkg_edit_free(e);
    pkg_free(p);
    clasm_diags_free(&d);
    remove_dir(&t);
}

static void test_write_errors_leave_nothing(void **state)
{
    (void)state;
    tmpdir t;
    make_dir(&t);
    clasm_diags d;
    clasm_diags_init(&d);
    char tpl[128], out[192];
    pkg *p = template_on_disk(&t, tpl, sizeof tpl, &d);
    pkg_edit *e = pkg_edit_new(p);
    snprintf(out, sizeof out, "%s/no-such-folder/draft.docx", t.dir);
    assert_int_equal(pkg_edit_write(e, out, &d), CLASM_E_INPUT);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "output-folder-missing");
    assert_non_null(strstr(d.items[0].message, "no-such-folder"));
    /* An output that is a folder. */
    snprintf(out, sizeof out, "%s/sub", t.dir);
    assert_int_equal(mkdir(out, 0755), 0);
    assert_int_equal(pkg_edit_write(e, out, &d), CLASM_E_INPUT);
    assert_int_equal(d.count, 2);
    assert_string_equal(d.items[1].id, "output-is-folder");
    assert_int_equal(dir_entries(out), 0);
    rmdir(out);
    assert_int_equal(dir_entries(t.dir), 1); /* only the template */
    /* An edit naming an absent part cannot be parsed. */
    assert_null(pkg_edit_parse(e, "word/none.xml", &d));
    assert_string_equal(d.items[2].id, "missing-part");
    pkg_edit_free(e);
    pkg_free(p);
    clasm_diags_free(&d);
    remove_dir(&t);
}

/* Several threads write drafts from one shared package at once: each gets
 * its own edit; all outputs are the same bytes as a single-threaded one. */
typedef struct {
    const pkg *p;
    char out[160];
    clasm_status status;
} draft_job;

static const char *thread_value(void *ctx, const char *path)
{
    (void)ctx;
    return strcmp(path, "customer.name") == 0 ? "ACME & Sons" : NULL;
}

static void *write_draft(void *arg)
{
    draft_job *j = arg;
    clasm_diags d;
    clasm_diags_init(&d);
    pkg_edit *e = pkg_edit_new(j->p);
    docx_values v = {NULL, thread_value};
    j->status = docx_fill_package(e, "t.docx", &v, &d);
    if (j->status == CLASM_OK)
        j->status = pkg_edit_write(e, j->out, &d);
    pkg_edit_free(e);
    clasm_diags_free(&d);
    return NULL;
}

static void test_threads_share_one_package(void **state)
{
    (void)state;
    tmpdir t;
    make_dir(&t);
    size_t len = 0;
    unsigned char *z = fx_docx(
        "<w:p><w:r><w:t>Dear {{ customer.</w:t></w:r><w:r><w:t>name }}</w:t></w:r></w:p>", &len);
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(pkg_open_buffer(z, len, "t.docx", &p, &d), CLASM_OK);
    free(z);
    enum { N = 6 };
    draft_job jobs[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        jobs[i].p = p;
        snprintf(jobs[i].out, sizeof jobs[i].out, "%s/draft%d.docx", t.dir, i);
        assert_int_equal(pthread_create(&th[i], NULL, write_draft, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    size_t l0 = 0;
    unsigned char *b0 = fx_read_file(jobs[0].out, &l0);
    assert_non_null(b0);
    char *doc = fx_zip_entry(b0, l0, "word/document.xml", NULL);
    assert_non_null(strstr(doc, "Dear ACME &amp; Sons"));
    free(doc);
    for (int i = 0; i < N; i++) {
        assert_int_equal(jobs[i].status, CLASM_OK);
        size_t li = 0;
        unsigned char *bi = fx_read_file(jobs[i].out, &li);
        assert_int_equal(li, l0);
        assert_memory_equal(bi, b0, l0);
        free(bi);
    }
    free(b0);
    pkg_free(p);
    clasm_diags_free(&d);
    remove_dir(&t);
}

static void test_parse_xml_bytes_direct(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    const char *ok = "<a><b>x</b></a>";
    xmlDocPtr doc =
        pkg_parse_xml_bytes((const unsigned char *)ok, strlen(ok), "f.docx", "p.xml", &d);
    assert_non_null(doc);
    xmlFreeDoc(doc);
    const char *ent = "<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>";
    assert_null(
        pkg_parse_xml_bytes((const unsigned char *)ent, strlen(ent), "f.docx", "p.xml", &d));
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "xml-dtd-refused");
    const char *bad = "<a>\n<b>\n</a>";
    assert_null(
        pkg_parse_xml_bytes((const unsigned char *)bad, strlen(bad), "f.docx", "p.xml", &d));
    assert_string_equal(d.items[1].id, "xml-malformed");
    assert_non_null(strstr(d.items[1].message, "line 3"));
    assert_string_equal(d.items[1].file, "f.docx");
    assert_string_equal(d.items[1].part, "p.xml");
    clasm_diags_free(&d);
}

/* Parses text as a part; returns the document (or NULL) and fills d. */
static xmlDocPtr parse_text(const char *text, size_t len, clasm_diags *d)
{
    return pkg_parse_xml_bytes((const unsigned char *)text, len, "f.docx", "word/document.xml", d);
}

/* A root element around n repetitions of unit. */
static char *repeat_in_root(const char *unit, size_t n, const char *tail, size_t *len)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(3 + u * n + t + 5);
    assert_non_null(s);
    memcpy(s, "<a>", 3);
    size_t o = 3;
    for (size_t i = 0; i < n; i++, o += u)
        memcpy(s + o, unit, u);
    memcpy(s + o, tail, t);
    o += t;
    memcpy(s + o, "</a>", 5);
    *len = o + 4;
    return s;
}

/* Every kind of node counts against the million a part, not only elements
 * and attributes: 3.5 million empty comments once cost 800 MB. */
static void test_every_node_counted(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    size_t len = 0;
    /* The root, then 999 999 comments, PIs, CDATA sections and elements
     * with text between them: exactly the limit, accepted. Each unit is
     * 2 + 1 + 2 + 2 + 2 + 1 nodes: comment, text, PI, text, CDATA, element
     * with an attribute... */
    const char *unit = "<!---->x<?p?>y<![CDATA[z]]><b c=\"1\"/>";
    /* comment, text, PI, text, CDATA, element, attribute: 7 nodes. */
    size_t units = 999999 / 7; /* 142857 units, 999 999 nodes */
    char *s = repeat_in_root(unit, units, "", &len);
    xmlDocPtr doc = parse_text(s, len, &d);
    if (!doc)
        clasm_diags_print(stderr, &d);
    assert_non_null(doc);
    assert_int_equal(d.count, 0);
    xmlFreeDoc(doc);
    free(s);
    /* One node more: refused, once, with the limit named. */
    s = repeat_in_root(unit, units, "<!---->", &len);
    assert_null(parse_text(s, len, &d));
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "xml-too-large");
    assert_string_equal(d.items[0].part, "word/document.xml");
    assert_non_null(strstr(d.items[0].message, "more than 1000000 XML nodes"));
    free(s);
    clasm_diags_free(&d);
    /* Comments alone, and processing instructions alone. */
    const char *only[] = {"<!---->", "<?x?>", "<![CDATA[]]><b/>"};
    for (size_t k = 0; k < 3; k++) {
        s = repeat_in_root(only[k], 1000001, "", &len);
        assert_null(parse_text(s, len, &d));
        assert_int_equal(d.count, 1);
        assert_string_equal(d.items[0].id, "xml-too-large");
        clasm_diags_free(&d);
        free(s);
    }
    /* Text libxml2 hands over in pieces (long runs, entity references) is
     * one text node: 2 million references in one text are 2 nodes. */
    s = repeat_in_root("&amp;", 2000000, "", &len);
    doc = parse_text(s, len, &d);
    assert_non_null(doc);
    assert_int_equal(d.count, 0);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_non_null(root->children);
    assert_null(root->children->next);
    xmlFreeDoc(doc);
    free(s);
    clasm_diags_free(&d);
}

/* libxml2 goes on past some errors (an undeclared namespace prefix): at
 * most 20 diagnostics a part, then one that says how many more. */
static void test_xml_errors_capped(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    size_t len = 0;
    char *s = repeat_in_root("<x:b/>", 5000, "", &len);
    char path[64];
    int saved = xaf_stderr_capture(path);
    assert_true(saved >= 0);
    xmlDocPtr doc = parse_text(s, len, &d);
    assert_int_equal(xaf_stderr_bytes(saved, path), 0); /* libxml2 printed nothing */
    xmlFreeDoc(doc);
    assert_int_equal(d.count, 21);
    for (size_t i = 0; i < d.count; i++)
        assert_string_equal(d.items[i].id, "xml-malformed");
    assert_non_null(strstr(d.items[0].message, "line 1"));
    assert_string_equal(d.items[20].message, "word/document.xml has 4980 more XML errors");
    free(s);
    clasm_diags_free(&d);
}

/* Allocation k of libxml2 fails, for every k a parse makes: the part is
 * either parsed whole or refused with one out-of-memory diagnostic, never
 * a tree cut short, never a message printed by libxml2 itself. */
static void test_parse_out_of_memory(void **state)
{
    (void)state;
    const char *xml = "<?xml version=\"1.0\"?>\n<w:document xmlns:w=\"" FX_W_NS "\"><w:body>"
                      "<!-- c --><w:p w:rsidR=\"00A1\"><w:r><w:t xml:space=\"preserve\">Dear "
                      "&amp; sons</w:t></w:r></w:p><?pi x?><w:p><w:r><w:t><![CDATA[<b>]]>"
                      "</w:t></w:r></w:p></w:body></w:document>";
    clasm_diags d;
    clasm_diags_init(&d);
    xaf_begin(-1);
    xmlDocPtr doc = parse_text(xml, strlen(xml), &d);
    long total = xaf_calls;
    xaf_end();
    assert_non_null(doc);
    xmlFreeDoc(doc);
    assert_true(total > 20);
    char path[64];
    int saved = xaf_stderr_capture(path);
    assert_true(saved >= 0);
    long failed = 0;
    for (long k = 0; k <= total; k++) {
        xaf_begin(k);
        doc = parse_text(xml, strlen(xml), &d);
        xaf_end();
        if (doc) {
            assert_int_equal(d.count, 0);
            xmlNodePtr body = xmlDocGetRootElement(doc)->children;
            assert_non_null(body);
            assert_non_null(body->last); /* the whole tree */
            xmlFreeDoc(doc);
        } else {
            failed++;
            if (d.count != 1 || strcmp(d.items[0].id, "out-of-memory") != 0) {
                dup2(saved, 2);
                fprintf(stderr, "allocation %ld failing:\n", k);
                clasm_diags_print(stderr, &d);
            }
            assert_int_equal(d.count, 1);
            assert_string_equal(d.items[0].id, "out-of-memory");
            assert_string_equal(d.items[0].message,
                                "out of memory while parsing word/document.xml");
        }
        clasm_diags_free(&d);
    }
    assert_int_equal(xaf_stderr_bytes(saved, path), 0);
    assert_true(failed > total / 2);
}

/* The same for a whole package: CLASM_E_IO and out-of-memory, nothing
 * that blames the template. */
static void test_open_out_of_memory(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *z = fx_docx_with_header(
        "<w:p><w:r><w:t>Body</w:t></w:r></w:p>",
        FX_XML_DECL "<w:hdr xmlns:w=\"" FX_W_NS "\"><w:p><w:r><w:t>Head</w:t></w:r></w:p></w:hdr>",
        &len);
    assert_non_null(z);
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    xaf_begin(-1);
    assert_int_equal(pkg_open_buffer(z, len, "t.docx", &p, &d), CLASM_OK);
    long total = xaf_calls;
    xaf_end();
    assert_int_equal(d.count, 0);
    pkg_free(p);
    char path[64];
    int saved = xaf_stderr_capture(path);
    assert_true(saved >= 0);
    for (long k = 0; k < total; k += 1 + total / 300) {
        xaf_begin(k);
        clasm_status st = pkg_open_buffer(z, len, "t.docx", &p, &d);
        xaf_end();
        if (st == CLASM_OK) {
            assert_int_equal(d.count, 0);
            pkg_free(p);
        } else {
            if (d.count != 1)
                clasm_diags_print(stdout, &d);
            assert_int_equal(st, CLASM_E_IO);
            assert_null(p);
            assert_int_equal(d.count, 1);
            assert_string_equal(d.items[0].id, "out-of-memory");
        }
        clasm_diags_free(&d);
    }
    assert_int_equal(xaf_stderr_bytes(saved, path), 0);
    free(z);
}

/* Entries just under the size at which one entry's ratio is checked: the
 * package as a whole is checked too, once over 1 MiB uncompressed. */
static void test_zip_bomb_of_small_entries(void **state)
{
    (void)state;
    char *doc = body_doc();
    size_t sz = 64u * 1024u;
    char *zeros = calloc(1, sz);
    enum { N = 20 };
    fx_entry e[N + 1];
    char names[N][32];
    e[0] = (fx_entry){"word/document.xml", doc, 0, FX_DEFLATE};
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "word/media/z%02zu.bin", i);
        e[i + 1] = (fx_entry){names[i], zeros, sz, FX_DEFLATE};
    }
    /* 20 x 64 KiB = 1.25 MiB from a few kilobytes. */
    expect_refused(e, N + 1, "zip-bomb", 1);
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    open_entries(e, N + 1, &p, &d);
    assert_null(d.items[0].part); /* the package, not one entry */
    assert_non_null(strstr(d.items[0].message, "the package's entries expand from"));
    assert_non_null(strstr(d.items[0].message, "a ratio above 100"));
    clasm_diags_free(&d);
    /* 15 of them are under 1 MiB in all: accepted, as small as it is. */
    assert_int_equal(open_entries(e, 16, &p, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    pkg_free(p);
    free(zeros);
    free(doc);
}

/* Lookups among many entries (a sorted index): every name is found in any
 * case, names not there are not; relationships to missing parts skipped. */
static void test_lookup_among_many_entries(void **state)
{
    (void)state;
    char *doc = body_doc();
    enum { N = 1500 };
    fx_entry *e = calloc(N + 4, sizeof *e);
    char(*names)[40] = calloc(N, sizeof *names);
    e[0] = (fx_entry){"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE};
    e[1] = (fx_entry){"word/document.xml", doc, 0, FX_DEFLATE};
    for (size_t i = 0; i < N; i++) {
        /* Mixed case, so that the order ignoring case is not byte order. */
        snprintf(names[i], sizeof names[i],
                 i % 2 ? "word/Media/F%04zu.png" : "word/media/f%04zu.png", (N - i) * 7 % 10007);
        e[i + 2] = (fx_entry){names[i], "x", 1, FX_STORE};
    }
    char rels[4096] = FX_XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/"
                                  "package/2006/relationships\">";
    for (int i = 0; i < 20; i++) {
        char one[256];
        snprintf(one, sizeof one,
                 "<Relationship Id=\"r%d\" Type=\"http://schemas.openxmlformats.org/"
                 "officeDocument/2006/relationships/image\" Target=\"%s\"/>",
                 i, i % 2 ? "media/missing.png" : names[i] + 5);
        strcat(rels, one);
    }
    strcat(rels, "</Relationships>");
    e[N + 2] = (fx_entry){DOC_RELS_PATH, rels, 0, FX_DEFLATE};
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(open_entries(e, N + 3, &p, &d), CLASM_OK);
    for (size_t i = 0; i < N; i++) {
        assert_true(pkg_has(p, names[i]));
        char upper[40];
        for (size_t k = 0; k < sizeof upper; k++)
            upper[k] =
                (char)(names[i][k] >= 'a' && names[i][k] <= 'z' ? names[i][k] - 32 : names[i][k]);
        assert_true(pkg_has(p, upper));
        size_t n = 0;
        const unsigned char *b = pkg_bytes(p, upper, &n);
        assert_int_equal(n, 1);
        assert_int_equal(b[0], 'x');
    }
    assert_false(pkg_has(p, "word/media/f99999.png"));
    assert_false(pkg_has(p, ""));
    assert_false(pkg_has(p, "zzzz"));
    const char *out[32];
    assert_int_equal(pkg_related(p, "word/document.xml", "image", out, 32), 10);
    for (size_t i = 0; i < 10; i++)
        assert_string_equal(out[i], names[2 * i]);
    pkg_free(p);
    clasm_diags_free(&d);
    free(names);
    free(e);
    free(doc);
}

/* A name that only starts with two dots has no '..' segment: accepted (the
 * fuzz harness once called it traversal; fuzz/regressions/package/). */
static void test_dots_inside_a_segment_accepted(void **state)
{
    (void)state;
    char *doc = body_doc();
    fx_entry e[] = {{"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE},
                    {"word/document.xml", doc, 0, FX_DEFLATE},
                    {"..rd/_rels/document.xml.rels", "<Relationships/>", 0, FX_DEFLATE},
                    {"word/..x/...xml", "<a/>", 0, FX_DEFLATE}};
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(open_entries(e, 4, &p, &d), CLASM_OK);
    assert_true(pkg_has(p, "..rd/_rels/document.xml.rels"));
    assert_true(pkg_has(p, "word/..x/...xml"));
    pkg_free(p);
    clasm_diags_free(&d);
    free(doc);
}

/* Relationships are read at open without a tree: their attributes are
 * decoded as the tree builder decodes them (character references and the
 * predefined entities), and found by local name as xmlGetProp finds them. */
static void test_relationship_attributes_decoded(void **state)
{
    (void)state;
    char *doc = body_doc();
    const char *rels = FX_XML_DECL
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"r1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/header\" Target=\"h&amp;1.xml\"/>"
        "<Relationship Id=\"r2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/header\" Target=\"&#104;&#x32;.xml\"/>"
        "<Relationship Id=\"r3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/header\" Target=\"h3.xml\" TargetMode=\"&#69;xternal\"/>"
        "<Relationship Id=\"r4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/header\" Target=\"h&#233;.xml\"/>"
        "<x><Relationship Id=\"r5\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
        "2006/relationships/header\" Target=\"h3.xml\"/></x>"
        "</Relationships>";
    const char *hdr = FX_XML_DECL "<w:hdr xmlns:w=\"" FX_W_NS "\"><w:p/></w:hdr>";
    fx_entry e[] = {{"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE},
                    {"word/document.xml", doc, 0, FX_DEFLATE},
                    {DOC_RELS_PATH, rels, 0, FX_DEFLATE},
                    {"word/h&1.xml", hdr, 0, FX_DEFLATE},
                    {"word/h2.xml", hdr, 0, FX_DEFLATE},
                    {"word/h3.xml", hdr, 0, FX_DEFLATE},
                    {"word/h\xc3\xa9.xml", hdr, 0, FX_DEFLATE}};
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    assert_int_equal(open_entries(e, 7, &p, &d), CLASM_OK);
    const char *out[8];
    /* r3 is External, r5 is not a child of the root. */
    assert_int_equal(pkg_related(p, "word/document.xml", "header", out, 8), 3);
    assert_string_equal(out[0], "word/h&1.xml");
    assert_string_equal(out[1], "word/h2.xml");
    assert_string_equal(out[2], "word/h\xc3\xa9.xml");
    pkg_free(p);
    clasm_diags_free(&d);
    free(doc);
}

/* A template on disk (template_on_disk) opened, for the tests of edits. */
typedef struct {
    tmpdir t;
    clasm_diags d;
    char tpl[128];
    pkg *p;
} on_disk;

static int on_disk_setup(void **state)
{
    on_disk *o = calloc(1, sizeof *o);
    assert_non_null(o);
    make_dir(&o->t);
    clasm_diags_init(&o->d);
    o->p = template_on_disk(&o->t, o->tpl, sizeof o->tpl, &o->d);
    *state = o;
    return 0;
}

static int on_disk_teardown(void **state)
{
    on_disk *o = *state;
    pkg_free(o->p);
    clasm_diags_free(&o->d);
    remove_dir(&o->t);
    free(o);
    return 0;
}

/* The text of part in the package written from e (malloc'd). */
static char *written_part(pkg_edit *e, const char *part, clasm_diags *d)
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    assert_int_equal(pkg_edit_bytes(e, &bytes, &len, "out.docx", d), CLASM_OK);
    char *text = fx_zip_entry(bytes, len, part, NULL);
    free(bytes);
    return text;
}

/* Trees the edit keeps: parsed once, changed in place, written only when
 * marked changed, serialized when the package is written. */
static void test_kept_trees(void **state)
{
    on_disk *o = *state;
    clasm_diags *d = &o->d;
    const pkg *p = o->p;
    pkg_edit *e = pkg_edit_new(p);
    xmlDocPtr styles = pkg_edit_xml(e, "word/styles.xml", d);
    assert_non_null(styles);
    assert_ptr_equal(pkg_edit_xml(e, "word/styles.xml", d), styles); /* parsed once */
    /* Changed in place but not marked: the part is written as it was. */
    xmlNodePtr added = xmlNewChild(xmlDocGetRootElement(styles), NULL, BAD_CAST "kept", NULL);
    assert_non_null(added);
    char *text = written_part(e, "word/styles.xml", d);
    assert_null(strstr(text, "kept"));
    free(text);
    /* A fresh copy holds the change, and is the caller's. */
    xmlDocPtr copy = pkg_edit_parse(e, "word/styles.xml", d);
    assert_non_null(copy);
    assert_ptr_not_equal(copy, styles);
    xmlFreeDoc(copy);
    /* Marked: written, with the change. */
    assert_int_equal(pkg_edit_changed(e, "word/styles.xml"), 0);
    text = written_part(e, "word/styles.xml", d);
    assert_non_null(strstr(text, "<w:kept/>")); /* in its parent's namespace */
    free(text);
    assert_int_equal(pkg_edit_changed(e, "word/document.xml"), -1); /* none kept */
    /* Content types: one tree for every override; an override added once. */
    assert_int_equal(pkg_add_override(e, "customXml/item1.xml", "application/xml", d), 0);
    xmlDocPtr types = pkg_edit_xml(e, "[Content_Types].xml", d);
    assert_non_null(types);
    assert_int_equal(pkg_add_override(e, "customXml/item1.xml", "application/xml", d), 0);
    assert_ptr_equal(pkg_edit_xml(e, "[Content_Types].xml", d), types);
    assert_true(pkg_has_default(e, "xml", d));
    assert_false(pkg_has_default(e, "png", d));
    text = written_part(e, "[Content_Types].xml", d);
    char *first = strstr(text, "/customXml/item1.xml");
    assert_non_null(first);
    assert_null(strstr(first + 1, "/customXml/item1.xml"));
    free(text);
    /* A relationships part created, then added to in place. */
    char *rid = NULL;
    assert_int_equal(pkg_add_relationship(e, "word/document.xml", "urn:t/a", "a.xml", &rid, d), 0);
    assert_string_equal(rid, "rIdClasm1");
    free(rid);
    assert_int_equal(pkg_add_relationship(e, "word/document.xml", "urn:t/b", "b.xml", &rid, d), 0);
    assert_string_equal(rid, "rIdClasm2");
    free(rid);
    text = written_part(e, "word/_rels/document.xml.rels", d);
    assert_non_null(strstr(text, "Target=\"a.xml\""));
    assert_non_null(strstr(text, "Target=\"b.xml\""));
    free(text);
    /* Adopted trees are written; bytes set later win; an unsafe name is
     * refused (the tree is freed all the same). */
    xmlDocPtr own = xmlReadMemory("<n>adopted</n>", 14, NULL, NULL, XML_PARSE_NONET);
    assert_int_equal(pkg_edit_adopt_xml(e, "customXml/item1.xml", own), 0);
    text = written_part(e, "customXml/item1.xml", d);
    assert_non_null(strstr(text, "adopted"));
    free(text);
    assert_int_equal(pkg_edit_set_bytes(e, "customXml/item1.xml", "<n>bytes</n>", 12), 0);
    text = written_part(e, "customXml/item1.xml", d);
    assert_string_equal(text, "<n>bytes</n>");
    free(text);
    xmlDocPtr bad = xmlReadMemory("<n/>", 4, NULL, NULL, XML_PARSE_NONET);
    assert_int_equal(pkg_edit_adopt_xml(e, "../evil.xml", bad), -1);
    assert_int_equal(d->count, 0);
    /* A part the package does not have. */
    assert_null(pkg_edit_xml(e, "word/none.xml", d));
    assert_int_equal(d->count, 1);
    assert_string_equal(d->items[0].id, "missing-part");
    pkg_edit_free(e);
}

/* Parts written new are deflated (libdeflate, package_deflate.c) and
 * stored by libzip as they are: method deflate, CRC and size right (libzip
 * checks both when reading), the bytes back as set; an empty part too. */
static void test_new_parts_deflated(void **state)
{
    on_disk *o = *state;
    clasm_diags *d = &o->d;
    const pkg *p = o->p;
    pkg_edit *e = pkg_edit_new(p);
    /* A main part of ~200 KB, as a long draft's. */
    size_t cap = 260000, big_len = 0;
    unsigned char *big = malloc(cap);
    big_len += (size_t)snprintf((char *)big, cap, "<w:document xmlns:w=\"%s\"><w:body>", FX_W_NS);
    for (unsigned i = 0; big_len < 200000; i++)
        big_len += (size_t)snprintf((char *)big + big_len, cap - big_len,
                                    "<w:p><w:r><w:t>Clause %u, item %u.</w:t></w:r></w:p>", i,
                                    i * 7919u % 1000u);
    big_len += (size_t)snprintf((char *)big + big_len, cap - big_len, "</w:body></w:document>");
    assert_int_equal(pkg_edit_set_bytes(e, "word/document.xml", big, big_len), 0);
    assert_int_equal(pkg_edit_set_bytes(e, "customXml/empty.bin", "", 0), 0);
    unsigned char *bytes = NULL;
    size_t len = 0;
    assert_int_equal(pkg_edit_bytes(e, &bytes, &len, "out.docx", d), CLASM_OK);
    assert_true(len < big_len / 4);
    zip_error_t err;
    zip_error_init(&err);
    zip_t *z =
        zip_open_from_source(zip_source_buffer_create(bytes, len, 0, &err), ZIP_RDONLY, &err);
    assert_non_null(z);
    const char *names[] = {"word/document.xml", "customXml/empty.bin"};
    const size_t sizes[] = {big_len, 0};
    for (size_t k = 0; k < 2; k++) {
        zip_stat_t st;
        assert_int_equal(zip_stat(z, names[k], 0, &st), 0);
        assert_int_equal(st.comp_method, ZIP_CM_DEFLATE);
        assert_int_equal(st.size, sizes[k]);
        unsigned char *back = malloc(sizes[k] + 1);
        zip_file_t *f = zip_fopen(z, names[k], 0);
        assert_non_null(f);
        assert_int_equal(zip_fread(f, back, sizes[k] + 1), (zip_int64_t)sizes[k]);
        zip_fclose(f);
        if (sizes[k])
            assert_memory_equal(back, big, big_len);
        free(back);
    }
    zip_close(z);
    zip_error_fini(&err);
    /* And clasm reads its own package back. */
    pkg *again = NULL;
    if (pkg_open_buffer(bytes, len, "out.docx", &again, d) != CLASM_OK)
        clasm_diags_print(stderr, d);
    assert_non_null(again);
    size_t n = 0;
    assert_non_null(pkg_bytes(again, "customXml/empty.bin", &n));
    assert_int_equal(n, 0);
    pkg_free(again);
    free(bytes);
    free(big);
    pkg_edit_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_a_zip),
        cmocka_unit_test(test_no_main_part),
        cmocka_unit_test(test_main_part_through_rels),
        cmocka_unit_test(test_unsafe_names_all_reported),
        cmocka_unit_test(test_exact_duplicate_entry),
        cmocka_unit_test(test_too_many_entries),
        cmocka_unit_test(test_zip_bomb_and_large_part),
        cmocka_unit_test(test_dtd_and_entities_refused),
        cmocka_unit_test(test_malformed_xml_with_line),
        cmocka_unit_test(test_strict_ooxml_refused),
        cmocka_unit_test(test_bom_and_cdata_accepted),
        cmocka_unit_test(test_encrypted_entry_refused),
        cmocka_unit_test(test_related_parts),
        cmocka_unit_test(test_write_reproducible_and_ordered),
        cmocka_unit_test(test_write_refuses_template),
        cmocka_unit_test(test_write_errors_leave_nothing),
        cmocka_unit_test(test_parse_xml_bytes_direct),
        cmocka_unit_test(test_every_node_counted),
        cmocka_unit_test(test_xml_errors_capped),
        cmocka_unit_test(test_parse_out_of_memory),
        cmocka_unit_test(test_open_out_of_memory),
        cmocka_unit_test(test_zip_bomb_of_small_entries),
        cmocka_unit_test(test_lookup_among_many_entries),
        cmocka_unit_test(test_dots_inside_a_segment_accepted),
        cmocka_unit_test(test_relationship_attributes_decoded),
        cmocka_unit_test(test_threads_share_one_package),
        cmocka_unit_test_setup_teardown(test_kept_trees, on_disk_setup, on_disk_teardown),
        cmocka_unit_test_setup_teardown(test_new_parts_deflated, on_disk_setup, on_disk_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
