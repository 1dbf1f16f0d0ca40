/* The floor of the benchmark: what any DOCX generator must at least do per
 * document. For each deal it copies the template's package to
 * OUTDIR/<id>-<document>.docx with word/document.xml parsed by libxml2,
 * serialized again and deflated; every other part is copied still
 * compressed. Nothing is read from the deal but its file name, nothing is
 * filled. The template is opened once, as clasm batch does.
 *
 * usage: floor [-l LEVEL] TEMPLATE OUTDIR DEAL...
 * -l sets the deflate level of document.xml (libzip's default, 0, is its
 * strongest, 9); for measuring what the level costs.
 * Prints one line per document: "<seconds> <output>" (the time that
 * document took), so latency percentiles come from the same run. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The output name: OUTDIR/<deal file name without .yaml>.docx. The floor
 * does not read deals, so it names outputs after their files. */
static void output_name(char *buf, size_t len, const char *outdir, const char *deal)
{
    const char *base = strrchr(deal, '/');
    base = base ? base + 1 : deal;
    size_t n = strcspn(base, ".");
    snprintf(buf, len, "%s/%.*s.docx", outdir, (int)n, base);
}

static int copy_one(zip_t *tpl, zip_int64_t doc_index, zip_uint32_t level,
                    const unsigned char *doc_xml, size_t doc_len, const char *out_path)
{
    xmlDocPtr doc = xmlReadMemory((const char *)doc_xml, (int)doc_len, "document.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOCDATA);
    if (!doc)
        return -1;
    xmlChar *ser = NULL;
    int ser_len = 0;
    xmlDocDumpMemoryEnc(doc, &ser, &ser_len, "UTF-8");
    xmlFreeDoc(doc);
    if (!ser)
        return -1;

    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", out_path);
    int err = 0;
    zip_t *out = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!out) {
        xmlFree(ser);
        return -1;
    }
    int rc = 0;
    zip_int64_t n = zip_get_num_entries(tpl, 0);
    for (zip_int64_t i = 0; i < n && rc == 0; i++) {
        const char *name = zip_get_name(tpl, (zip_uint64_t)i, 0);
        zip_source_t *src;
        zip_int32_t method = ZIP_CM_DEFLATE;
        zip_uint32_t flags = 0;
        if (i == doc_index) {
            flags = level;
            src = zip_source_buffer(out, ser, (zip_uint64_t)ser_len, 0);
        } else {
            zip_stat_t st;
            zip_stat_index(tpl, (zip_uint64_t)i, 0, &st);
            method = (zip_int32_t)st.comp_method;
            src = zip_source_zip(out, tpl, (zip_uint64_t)i, ZIP_FL_COMPRESSED, 0, -1);
        }
        zip_int64_t idx = src ? zip_file_add(out, name, src, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            zip_source_free(src);
            rc = -1;
            break;
        }
        if (zip_set_file_compression(out, (zip_uint64_t)idx, method, flags) != 0 ||
            zip_file_set_mtime(out, (zip_uint64_t)idx, 315532800, 0) != 0)
            rc = -1;
    }
    if (rc == 0 && zip_close(out) != 0)
        rc = -1;
    if (rc != 0)
        zip_discard(out);
    xmlFree(ser); /* zip_close has read the buffer */
    if (rc == 0 && rename(tmp, out_path) != 0)
        rc = -1;
    if (rc != 0)
        remove(tmp);
    return rc;
}

int main(int argc, char **argv)
{
    zip_uint32_t level = 0;
    if (argc > 2 && strcmp(argv[1], "-l") == 0) {
        level = (zip_uint32_t)atoi(argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc < 3 || level > 9) {
        fprintf(stderr, "usage: floor [-l LEVEL] TEMPLATE OUTDIR DEAL...\n");
        return 2;
    }
    int err = 0;
    zip_t *tpl = zip_open(argv[1], ZIP_RDONLY, &err);
    if (!tpl) {
        fprintf(stderr, "floor: cannot open %s\n", argv[1]);
        return 3;
    }
    zip_int64_t di = zip_name_locate(tpl, "word/document.xml", 0);
    zip_stat_t st;
    if (di < 0 || zip_stat_index(tpl, (zip_uint64_t)di, 0, &st) != 0) {
        fprintf(stderr, "floor: %s has no word/document.xml\n", argv[1]);
        zip_close(tpl);
        return 3;
    }
    unsigned char *xml = malloc(st.size ? st.size : 1);
    zip_file_t *f = xml ? zip_fopen_index(tpl, (zip_uint64_t)di, 0) : NULL;
    if (!f || zip_fread(f, xml, st.size) != (zip_int64_t)st.size) {
        fprintf(stderr, "floor: cannot read word/document.xml\n");
        if (f)
            zip_fclose(f);
        free(xml);
        zip_close(tpl);
        return 3;
    }
    zip_fclose(f);
    int failed = 0;
    double start = now();
    for (int i = 3; i < argc; i++) {
        char out[4096];
        output_name(out, sizeof out, argv[2], argv[i]);
        double t0 = now();
        if (copy_one(tpl, di, level, xml, st.size, out) != 0) {
            fprintf(stderr, "floor: cannot write %s\n", out);
            failed++;
            continue;
        }
        printf("%.6f %s\n", now() - t0, out);
    }
    double secs = now() - start;
    fprintf(stderr, "floor: %d documents in %.3f s\n", argc - 3 - failed, secs);
    free(xml);
    zip_close(tpl);
    xmlCleanupParser();
    return failed ? 3 : 0;
}
