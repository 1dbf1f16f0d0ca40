/* libFuzzer harness: the assembly pipeline on fuzzed WordprocessingML. The
 * input becomes word/document.xml of the project's contract template (the
 * rest of the package is kept: styles, numbering, headers), which is then
 * opened and assembled with the project's library and an example deal for
 * each document type. fuzz_assemble mutates whole zip files, which rarely
 * get past the package checks; this one reaches conditionals, insertion
 * points, clause insertion, styles, numbering, the manifest and the write. */
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
    clasm_deal *deals[NDEALS];
} fixture;

static fixture *fixture_get(void)
{
    static fixture f;
    static int ready;
    if (ready)
        return &f;
    ready = 1;
    snprintf(f.dir, sizeof f.dir, "/tmp/clasm-fuzz-tpl-XXXXXX");
    if (!mkdtemp(f.dir))
        abort();
    snprintf(f.tpl, sizeof f.tpl, "%s/template.docx", f.dir);
    snprintf(f.out, sizeof f.out, "%s/draft.docx", f.dir);
    f.base = fuzz_read_project("templates/contract.docx", &f.base_len);
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
    clasm_diags_free(&d);
    return &f;
}

/* The base template with word/document.xml replaced by data (stored). */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fixture *f = fixture_get();
    if (make_template(f, data, size) != 0)
        return 0;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_template *tpl = NULL;
    clasm_status st = clasm_template_open(f->tpl, &tpl, &d);
    fuzz_check_status(st, tpl, &d);
    clasm_diags_free(&d);
    if (!tpl)
        return 0;
    clasm_deal *deal = f->deals[size % NDEALS];
    clasm_document docs[CLASM_DOC_COUNT];
    size_t nd = clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
    for (size_t i = 0; i < nd; i++) {
        clasm_diags ad;
        clasm_diags_init(&ad);
        clasm_plan *plan = NULL;
        if (clasm_select(f->lib, deal, docs[i], &plan, &ad) != CLASM_OK)
            abort();
        /* The values the template needs for this plan (its conditionals
         * applied) agree with what assembly finds missing: a value listed
         * means assembly fails, and assembly failing on a template value
         * with no value means one is listed. */
        clasm_plan *listed = NULL;
        clasm_diags md;
        clasm_diags_init(&md);
        if (clasm_select(f->lib, deal, docs[i], &listed, &md) != CLASM_OK ||
            clasm_plan_add_template(listed, f->lib, deal, tpl) != CLASM_OK)
            abort();
        const clasm_missing *miss = NULL;
        size_t nmiss = clasm_plan_missing(listed, &miss);
        for (size_t k = 0; k < nmiss; k++)
            if (!miss[k].key || !miss[k].nused_by || !miss[k].first_use)
                abort();
        clasm_diags_free(&md);
        unlink(f->out);
        st = clasm_assemble(tpl, f->lib, deal, plan, f->out, &ad);
        fuzz_check_diags(&ad);
        int unknown = 0;
        for (size_t k = 0; k < ad.count; k++)
            unknown |= strcmp(ad.items[k].id, "unknown-value") == 0 && ad.items[k].part;
        if ((nmiss > 0 && st == CLASM_OK) || (unknown && nmiss == 0))
            abort();
        clasm_plan_free(listed);
        struct stat sb;
        int exists = stat(f->out, &sb) == 0;
        if ((st == CLASM_OK) != exists)
            abort(); /* a draft exactly when assembly succeeds */
        if (st == CLASM_E_INPUT && clasm_diags_errors(&ad) == 0)
            abort();
        if (exists) {
            clasm_diags rd;
            clasm_diags_init(&rd);
            clasm_inspection *ins = NULL;
            if (clasm_inspect(f->out, f->lib, &ins, &rd) != CLASM_OK)
                abort(); /* a draft clasm wrote must read back */
            clasm_inspection_free(ins);
            clasm_diags_free(&rd);
            clasm_template *again = NULL;
            clasm_diags od;
            clasm_diags_init(&od);
            /* A draft is a package clasm itself accepts. */
            clasm_status os = clasm_template_open(f->out, &again, &od);
            if (os == CLASM_E_IO)
                abort();
            clasm_template_free(again);
            clasm_diags_free(&od);
            unlink(f->out);
        }
        clasm_plan_free(plan);
        clasm_diags_free(&ad);
    }
    clasm_template_free(tpl);
    return 0;
}
