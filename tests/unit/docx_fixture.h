/* Building DOCX fixtures for unit tests: tiny zip archives made with libzip
 * in memory or on disk, and minimal WordprocessingML documents.
 *
 *   fx_entry e[] = {{"word/document.xml", xml, 0, FX_DEFLATE}, ...};
 *   size_t len; unsigned char *zip = fx_zip(e, n, &len);   // free()
 *   unsigned char *docx = fx_docx(body_xml, &len);          // minimal package
 *   fx_write_file(path, zip, len);
 *
 * Header-only (static inline), so each test binary includes what it uses. */
#ifndef CLASM_DOCX_FIXTURE_H
#define CLASM_DOCX_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define FX_W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define FX_XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

enum { FX_DEFLATE = 0, FX_STORE = 1 };

typedef struct {
    const char *name;
    const void *data;
    size_t len; /* 0: strlen(data) */
    int method; /* FX_DEFLATE or FX_STORE */
} fx_entry;

/* A zip of the entries in order; malloc'd bytes, or NULL on failure. */
static inline unsigned char *fx_zip(const fx_entry *entries, size_t n, size_t *len)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &err);
    unsigned char *bytes = NULL;
    if (!mem)
        return NULL;
    zip_source_keep(mem);
    zip_t *za = zip_open_from_source(mem, ZIP_TRUNCATE, &err);
    if (!za)
        goto done;
    for (size_t i = 0; i < n; i++) {
        size_t l = entries[i].len ? entries[i].len : strlen((const char *)entries[i].data);
        zip_source_t *s = zip_source_buffer(za, entries[i].data, l, 0);
        zip_int64_t idx = s ? zip_file_add(za, entries[i].name, s, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            zip_source_free(s);
            zip_discard(za);
            goto done;
        }
        zip_set_file_compression(za, (zip_uint64_t)idx,
                                 entries[i].method == FX_STORE ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0);
        zip_file_set_dostime(za, (zip_uint64_t)idx, 0, 0x21, 0);
    }
    if (zip_close(za) != 0) {
        zip_discard(za);
        goto done;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(mem, &st) == 0 && zip_source_open(mem) == 0) {
        bytes = malloc(st.size ? st.size : 1);
        if (bytes && zip_source_read(mem, bytes, st.size) != (zip_int64_t)st.size) {
            free(bytes);
            bytes = NULL;
        }
        zip_source_close(mem);
        *len = st.size;
    }
done:
    zip_source_free(mem);
    zip_error_fini(&err);
    return bytes;
}

/* "<w:document ...><w:body>BODY</w:body></w:document>", malloc'd. */
static inline char *fx_document_xml(const char *body)
{
    const char *head = FX_XML_DECL "<w:document xmlns:w=\"" FX_W_NS "\" "
                                   "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/"
                                   "2006/relationships\"><w:body>";
    const char *tail = "</w:body></w:document>";
    size_t n = strlen(head) + strlen(body) + strlen(tail) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", head, body, tail);
    return s;
}

#define FX_CONTENT_TYPES                                                                           \
    FX_XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"   \
                "<Default Extension=\"rels\" "                                                     \
                "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"       \
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"                     \
                "<Override PartName=\"/word/document.xml\" "                                       \
                "ContentType=\"application/"                                                       \
                "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"         \
                "</Types>"

#define FX_ROOT_RELS                                                                               \
    FX_XML_DECL                                                                                    \
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"       \
    "<Relationship Id=\"rId1\" "                                                                   \
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" " \
    "Target=\"word/document.xml\"/></Relationships>"

/* A minimal package around a body (and, when not NULL, a header part
 * word/header1.xml related from the document). malloc'd bytes. */
static inline unsigned char *fx_docx_with_header(const char *body, const char *header_xml,
                                                 size_t *len)
{
    static const char doc_rels[] = FX_XML_DECL
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" "
        "Target=\"header1.xml\"/></Relationships>";
    char *doc = fx_document_xml(body);
    if (!doc)
        return NULL;
    fx_entry e[5] = {{"[Content_Types].xml", FX_CONTENT_TYPES, 0, FX_DEFLATE},
                     {"_rels/.rels", FX_ROOT_RELS, 0, FX_DEFLATE},
                     {"word/document.xml", doc, 0, FX_DEFLATE},
                     {"word/_rels/document.xml.rels", doc_rels, 0, FX_DEFLATE},
                     {"word/header1.xml", header_xml, 0, FX_DEFLATE}};
    unsigned char *z = fx_zip(e, header_xml ? 5 : 3, len);
    free(doc);
    return z;
}

static inline unsigned char *fx_docx(const char *body, size_t *len)
{
    return fx_docx_with_header(body, NULL, len);
}

/* Writes bytes to path; 0 on success. */
static inline int fx_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    return (fclose(f) == 0 && w == len) ? 0 : -1;
}

/* Reads a whole file; malloc'd bytes, or NULL. */
static inline unsigned char *fx_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            unsigned char *g = realloc(buf, cap);
            if (!g) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = g;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* One entry of an archive in memory, uncompressed; malloc'd NUL-terminated
 * bytes, or NULL when absent. */
static inline char *fx_zip_entry(const unsigned char *zipdata, size_t ziplen, const char *name,
                                 size_t *len)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(zipdata, ziplen, 0, &err);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &err) : NULL;
    char *out = NULL;
    if (!za) {
        zip_source_free(src);
        zip_error_fini(&err);
        return NULL;
    }
    zip_stat_t st;
    zip_file_t *zf;
    if (zip_stat(za, name, 0, &st) == 0 && (zf = zip_fopen(za, name, 0)) != NULL) {
        out = malloc(st.size + 1);
        if (out && zip_fread(zf, out, st.size) == (zip_int64_t)st.size) {
            out[st.size] = '\0';
            if (len)
                *len = st.size;
        } else {
            free(out);
            out = NULL;
        }
        zip_fclose(zf);
    }
    zip_discard(za);
    zip_error_fini(&err);
    return out;
}

#endif
