/* libFuzzer harness: the rationale memo on fuzzed WordprocessingML. The
 * input becomes word/document.xml of the project's memo template (the rest
 * of the package is kept: styles, header, footer), which is opened (the
 * memo's checks: markers, lists, their shapes and fields) and, when it
 * opens, filled with the plans of example deals: a severe deal, a pack of
 * two documents, a baseline deal with no risk and one with a value still
 * missing. Reaches list detaching, row copies and their values, the empty
 * lists' text, conditionals and the write. */
#include "clasm.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

static const char *const deal_files[] = {
    "examples/deals/direct-biometric-security-service.yaml",
    "examples/deals/reseller-unknown-end-use.yaml",
    "examples/deals/private-baseline.yaml",
};
#define NDEALS (sizeof deal_files / sizeof *deal_files)

typedef struct {
    char dir[256], tpl[300], out[300];
    unsigned char *base;
    size_t base_len;
    clasm_library *lib;
    clasm_deal *deals[NDEALS + 1]; /* the last: private-baseline without fees */
    clasm_template *drafts[CLASM_DOC_COUNT];
} fixture;

static fixture *fixture_get(void)
{
    static fixture f;
    static int ready;
    if (ready)
        return &f;
    ready = 1;
    snprintf(f.dir, sizeof f.dir, "/tmp/clasm-fuzz-memo-XXXXXX");
    if (!mkdtemp(f.dir))
        abort();
    snprintf(f.tpl, sizeof f.tpl, "%s/memo.docx", f.dir);
    snprintf(f.out, sizeof f.out, "%s/out.docx", f.dir);
    f.base = fuzz_read_project("templates/memo.docx", &f.base_len);
    if (!f.base)
        abort();
    clasm_diags d;
    clasm_diags_init(&d);
    if (clasm_library_load(FUZZ_ROOT "/clauses", &f.lib, &d) != CLASM_OK)
        abort();
    for (size_t i = 0; i < NDEALS; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", FUZZ_ROOT, deal_files[i]);
        if (clasm_deal_load(path, &f.deals[i], &d) != CLASM_OK)
            abort();
    }
    size_t len = 0;
    unsigned char *raw = fuzz_read_project("examples/deals/private-baseline.yaml", &len);
    char *text = raw ? fuzz_cstr(raw, len) : NULL;
    free(raw);
    char *fees = text ? strstr(text, "  fees:") : NULL;
    char *end = fees ? strchr(fees, '\n') : NULL;
    if (!end)
        abort();
    memmove(fees, end + 1, strlen(end + 1) + 1);
    if (clasm_deal_load_string(text, strlen(text), "nofees.yaml", &f.deals[NDEALS], &d) != CLASM_OK)
        abort();
    free(text);
    for (int doc = 0; doc < CLASM_DOC_COUNT; doc++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/templates/%s.docx", FUZZ_ROOT,
                 clasm_document_name((clasm_document)doc));
        if (clasm_template_open(path, &f.drafts[doc], &d) != CLASM_OK)
            abort();
    }
    clasm_diags_free(&d);
    return &f;
}

/* The memo template with word/document.xml replaced by data (stored). */
static int make_template(const fixture *f, const uint8_t *data, size_t size)
{
    if (fuzz_write(f->tpl, f->base, f->base_len) != 0)
        return -1;
    int err = 0;
    zip_t *za = zip_open(f->tpl, 0, &err);
    if (!za)
        return -1;
    zip_source_t *src = zip_source_buffer(za, data, size, 0);
    zip_int64_t idx = src ? zip_file_add(za, "word/document.xml", src, ZIP_FL_OVERWRITE) : -1;
    if (idx < 0) {
        zip_source_free(src);
        zip_discard(za);
        return -1;
    }
    zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    return zip_close(za) == 0 ? 0 : -1;
}

/* 1 when xml holds a content control tagged memo:...: a w:tag of that
 * value inside a w:sdtPr. */
static int memo_control_left(const char *xml)
{
    static const char tag[] = "<w:tag w:val=\"memo:";
    for (const char *at = strstr(xml, tag); at; at = strstr(at + 1, tag)) {
        const char *open = NULL, *close = NULL;
        for (const char *q = strstr(xml, "<w:sdtPr>"); q && q < at; q = strstr(q + 1, "<w:sdtPr>"))
            open = q;
        for (const char *q = open ? strstr(open, "</w:sdtPr>") : NULL; q && q < at;
             q = strstr(q + 1, "</w:sdtPr>"))
            close = q;
        if (open && !close)
            return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fixture *f = fixture_get();
    if (make_template(f, data, size) != 0)
        return 0;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_memo_template *memo = NULL;
    clasm_status st = clasm_memo_template_open(f->tpl, &memo, &d);
    fuzz_check_status(st, memo, &d);
    clasm_diags_free(&d);
    if (!memo)
        return 0;
    clasm_deal *deal = f->deals[size % (NDEALS + 1)];
    clasm_document docs[CLASM_DOC_COUNT];
    size_t nd = clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    const clasm_template *drafts[CLASM_DOC_COUNT] = {0};
    clasm_diags sd;
    clasm_diags_init(&sd);
    if (clasm_select_pack(f->lib, deal, docs, nd, plans, &sd) != CLASM_OK)
        abort();
    for (size_t i = 0; i < nd; i++) {
        drafts[i] = f->drafts[docs[i]];
        if (clasm_plan_add_template(plans[i], f->lib, deal, drafts[i]) != CLASM_OK)
            abort();
    }
    clasm_diags_free(&sd);
    /* A memo exactly when the call succeeds; on failure, an error says why
     * and no file appears. */
    clasm_diags md;
    clasm_diags_init(&md);
    unlink(f->out);
    st = clasm_memo_write(memo, f->lib, deal, (const clasm_plan *const *)plans, nd, f->out, &md);
    fuzz_check_diags(&md);
    struct stat sb;
    int exists = stat(f->out, &sb) == 0;
    if ((st == CLASM_OK) != exists)
        abort();
    if (st != CLASM_OK && clasm_diags_errors(&md) == 0)
        abort();
    if (exists) {
        /* Every list was printed (no memo: control is left), and the memo
         * is a package clasm itself accepts. */
        size_t len = 0;
        unsigned char *bytes = fuzz_read_file(f->out, &len);
        if (!bytes)
            abort();
        zip_error_t ze;
        zip_error_init(&ze);
        zip_source_t *zs = zip_source_buffer_create(bytes, len, 0, &ze);
        zip_t *za = zs ? zip_open_from_source(zs, ZIP_RDONLY, &ze) : NULL;
        if (!za)
            abort();
        zip_stat_t zst;
        zip_file_t *zf = zip_stat(za, "word/document.xml", 0, &zst) == 0
                             ? zip_fopen(za, "word/document.xml", 0)
                             : NULL;
        char *xml = zf ? malloc(zst.size + 1) : NULL;
        if (!xml || zip_fread(zf, xml, zst.size) != (zip_int64_t)zst.size)
            abort();
        xml[zst.size] = '\0';
        /* A list left would be its control's tag (in a w:sdtPr); text may
         * hold anything (a fuzzed paragraph can read w:val="memo:..."), but
         * never '<', and a w:tag elsewhere (a fuzzed w:tblPr can hold one)
         * is no control. */
        if (memo_control_left(xml))
            abort();
        free(xml);
        zip_fclose(zf);
        zip_close(za);
        zip_error_fini(&ze);
        free(bytes);
        clasm_template *again = NULL;
        clasm_diags od;
        clasm_diags_init(&od);
        if (clasm_template_open(f->out, &again, &od) == CLASM_E_IO)
            abort();
        clasm_template_free(again);
        clasm_diags_free(&od);
        unlink(f->out);
    }
    clasm_diags_free(&md);
    for (size_t i = 0; i < nd; i++)
        clasm_plan_free(plans[i]);
    clasm_memo_template_free(memo);
    return 0;
}
