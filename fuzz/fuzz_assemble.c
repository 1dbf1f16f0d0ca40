/* libFuzzer harness: whole-package open and assemble from raw bytes. The
 * input is written to a scratch template file, opened with
 * clasm_template_open and, when accepted, assembled with the project's
 * clause library and example deals (one per document type, loaded once per
 * process). A draft exists exactly when assembly succeeds, opens again as a
 * package and reads back with inspect; the template file is unchanged.
 * Then the library's clauses are compiled for the template
 * (clasm_template_compile) and each document drawn again: the same status,
 * and byte for byte the same draft. */
#include "clasm.h"
#include "fuzz_util.h"
#include "package.h"

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const deal_files[] = {
    "examples/deals/direct-biometric-security-service.yaml",
    "examples/deals/reseller-unknown-end-use.yaml",
    "examples/deals/all-risks.yaml",
};
#define NDEALS (sizeof deal_files / sizeof *deal_files)

typedef struct {
    char dir[256], tpl[300], out[300];
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
    snprintf(f.dir, sizeof f.dir, "/tmp/clasm-fuzz-asm-XXXXXX");
    if (!mkdtemp(f.dir))
        abort();
    snprintf(f.tpl, sizeof f.tpl, "%s/template.docx", f.dir);
    snprintf(f.out, sizeof f.out, "%s/draft.docx", f.dir);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fixture *f = fixture_get();
    if (fuzz_write(f->tpl, data, size) != 0)
        return 0;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_template *tpl = NULL;
    clasm_status st = clasm_template_open(f->tpl, &tpl, &d);
    fuzz_check_status(st, tpl, &d);
    clasm_diags_free(&d);
    if (!tpl)
        return 0;
    /* One deal per input, picked by its size, so each run stays short. */
    clasm_deal *deal = f->deals[size % NDEALS];
    clasm_document docs[CLASM_DOC_COUNT];
    size_t nd = clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    clasm_status status[CLASM_DOC_COUNT];
    unsigned char *drafts[CLASM_DOC_COUNT] = {0};
    size_t lens[CLASM_DOC_COUNT] = {0};
    for (size_t i = 0; i < nd; i++) {
        clasm_diags ad;
        clasm_diags_init(&ad);
        clasm_plan *plan = NULL;
        if (clasm_select(f->lib, deal, docs[i], &plan, &ad) != CLASM_OK)
            abort(); /* the example deals select cleanly */
        plans[i] = plan;
        unlink(f->out);
        st = clasm_assemble(tpl, f->lib, deal, plan, f->out, &ad);
        fuzz_check_diags(&ad);
        struct stat sb;
        int exists = stat(f->out, &sb) == 0;
        if (st == CLASM_OK && !exists)
            abort();
        if (st != CLASM_OK && exists)
            abort(); /* partial output */
        if (st == CLASM_E_INPUT && clasm_diags_errors(&ad) == 0)
            abort();
        status[i] = st;
        if (exists) {
            drafts[i] = fuzz_read_file(f->out, &lens[i]);
            clasm_diags rd;
            clasm_diags_init(&rd);
            clasm_inspection *ins = NULL;
            if (clasm_inspect(f->out, f->lib, &ins, &rd) != CLASM_OK)
                abort(); /* a draft clasm wrote must read back */
            clasm_inspection_free(ins);
            clasm_diags_free(&rd);
            unlink(f->out);
        }
        clasm_diags_free(&ad);
    }
    /* The same drafts with the clauses compiled. */
    clasm_diags cd;
    clasm_diags_init(&cd);
    if (clasm_template_compile(tpl, f->lib, &cd) != CLASM_OK)
        abort(); /* only memory could fail it */
    clasm_diags_free(&cd);
    for (size_t i = 0; i < nd; i++) {
        clasm_diags_init(&cd);
        unsigned char *bytes = NULL;
        size_t len = 0;
        st = clasm_assemble_buffer(tpl, f->lib, deal, plans[i], 0, &bytes, &len, &cd);
        if (st != status[i] || (st == CLASM_OK && (!drafts[i] || len != lens[i] ||
                                                   memcmp(bytes, drafts[i], len) != 0)))
            abort(); /* compiled clauses changed the draft */
        free(bytes);
        free(drafts[i]);
        clasm_plan_free(plans[i]);
        clasm_diags_free(&cd);
    }
    clasm_template_free(tpl);
    size_t len = 0;
    unsigned char *after = fuzz_read_file(f->tpl, &len);
    if (after && (len != size || (size && memcmp(after, data, size) != 0)))
        abort(); /* the template was touched */
    free(after);
    return 0;
}
