/* libFuzzer harness: a document.xml part through the safe XML parser, the
 * tag scanner, the structure markers (conditionals applied, insertion points
 * anchored) and the value filler, with values that look like markup. The
 * filled part must serialize to well-formed XML that parses again. */
#include "docx_clauses.h"
#include "docx_structure.h"
#include "docx_text.h"
#include "expr.h"
#include "fuzz_util.h"
#include "library.h"
#include "package.h"
#include "placeholder.h"

#include <libxml/parser.h>
#include <stdint.h>

static const char *value(void *ctx, const char *path)
{
    (void)ctx;
    if (strcmp(path, "customer.name") == 0)
        return "Ministry </w:t></w:r><w:r><w:t>{{ other }} & <b>\"'";
    if (strcmp(path, "empty") == 0)
        return "";
    if (strncmp(path, "terms.", 6) == 0)
        return "{{#if reseller}}\n\t\xe2\x80\x9cquoted\xe2\x80\x9d";
    if (strlen(path) % 3 == 0)
        return NULL; /* unknown-value */
    return path;
}

static int eval(void *ctx, const char *src, char **err, int *column)
{
    (void)ctx;
    expr *e = NULL;
    if (expr_parse(src, &e, err, column) != 0)
        return -1;
    expr_fact_def defs[DEAL_NFIELDS];
    size_t ndefs = deal_fact_defs(defs, NULL);
    expr_names names = {defs, ndefs, NULL, 0, NULL, 0, NULL, 0, 1, NULL, 0, 1};
    if (expr_check(e, &names, err, column) != 0) {
        expr_free(e);
        return -1;
    }
    expr_fact facts[] = {{"document", "eula"}, {"reseller", "R"}, {"end_use", "unknown"}};
    expr_env env = {facts, 3, NULL, 0, NULL, 0, NULL, 0, -1, 3, NULL, 0};
    int v = expr_eval(e, &env);
    expr_free(e);
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The scanner on the raw text too: every tag lies inside it. */
    char *text = fuzz_cstr(data, size);
    if (!text)
        return 0;
    tag *tags = NULL;
    size_t nt = tags_scan(text, &tags);
    size_t tlen = strlen(text);
    if (nt != (size_t)-1) {
        for (size_t i = 0; i < nt; i++)
            if (tags[i].start >= tags[i].end || tags[i].end > tlen || !tags[i].path ||
                (tags[i].kind == TAG_VALUE && !tag_valid_path(tags[i].path)))
                abort();
        tags_free(tags, nt);
    }
    free(text);

    clasm_diags d;
    clasm_diags_init(&d);
    xmlDocPtr doc = pkg_parse_xml_bytes(data, size, "fuzz.docx", "word/document.xml", &d);
    if (!doc) {
        if (clasm_diags_errors(&d) == 0)
            abort();
        fuzz_check_diags(&d);
        clasm_diags_free(&d);
        return 0;
    }
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs(doc, &ps);
    for (size_t i = 0; i < np; i++) {
        free(docx_paragraph_sole_tag(ps[i]));
        free(docx_paragraph_text(ps[i]));
    }
    free(ps);
    char **paths = NULL;
    size_t npaths = docx_list_placeholders(doc, &paths);
    if (npaths != (size_t)-1)
        docx_strings_free(paths, npaths);

    structure_markers m;
    structure_scan(doc, "fuzz.docx", "word/document.xml", 1, &m, &d);
    structure_apply_conditionals(&m, "fuzz.docx", "word/document.xml", eval, NULL, &d);
    structure_check_insertion_points(&m, "fuzz.docx", "word/document.xml", &d);
    for (size_t k = 0; k < m.count; k++)
        if (m.items[k].kind == STRUCT_CLAUSES && !m.items[k].removed)
            structure_anchor(&m.items[k]);
    docx_values values = {NULL, value};
    size_t filled = 0;
    docx_fill_part_n(doc, "fuzz.docx", "word/document.xml", &values, &d, &filled);
    for (size_t k = 0; k < m.count; k++)
        structure_remove_anchor(&m.items[k]);
    structure_markers_free(&m);
    docx_repair_part(doc);
    fuzz_check_diags(&d);

    xmlChar *out = NULL;
    int outlen = 0;
    xmlDocDumpMemoryEnc(doc, &out, &outlen, "UTF-8");
    if (!out)
        abort();
    clasm_diags d2;
    clasm_diags_init(&d2);
    xmlDocPtr again = pkg_parse_xml_bytes(out, (size_t)outlen, "fuzz.docx", "again.xml", &d2);
    if (!again)
        abort(); /* the filler wrote XML that does not parse */
    xmlFreeDoc(again);
    xmlFree(out);
    clasm_diags_free(&d2);
    xmlFreeDoc(doc);
    clasm_diags_free(&d);
    return 0;
}
