/* libFuzzer harness: inspect (reading a draft back) and redline (its
 * deviations undone as tracked changes) on fuzzed parts of a real draft. At start the harness
 * assembles the contract template with an example deal into a draft; each input then replaces one
 * part of it: the manifest (customXml/item1.xml) when the input's first byte is odd, else
 * word/document.xml (where the clauses' content controls are). The draft
 * is inspected against the library; the result prints as JSON and text.
 * Then its redline is made (to the standard, or to fallback 1 when the
 * first byte has bit 1): a draft inspect reads must give a redline (or
 * run out of memory), and that redline must read back with inspect.
 *
 * With FUZZ_WRITE_SEEDS=DIR set, the first run writes the draft's two parts
 * to DIR as seeds (a first byte prepended to select the part) and exits:
 * fuzz/run.sh does this, since the seeds come from a draft, not a fixture. */
#include "clasm.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <unistd.h>
#include <zip.h>

#define MANIFEST "customXml/item1.xml"
#define MAIN "word/document.xml"

typedef struct {
    char dir[256], draft[300], work[300];
    unsigned char *base;
    size_t base_len;
    clasm_library *lib;
} fixture;

static void write_seed(const char *dir, const char *name, char selector, const unsigned char *b,
                       size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *s = malloc(n + 1);
    if (!s)
        return;
    s[0] = (unsigned char)selector;
    memcpy(s + 1, b, n);
    if (fuzz_write(path, s, n + 1) != 0)
        abort();
    free(s);
}

/* The bytes of one entry of the zip at path; malloc'd, or NULL. */
static unsigned char *entry(const char *path, const char *name, size_t *len)
{
    int err = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &err);
    if (!za)
        return NULL;
    zip_stat_t st;
    unsigned char *b = NULL;
    zip_file_t *zf = NULL;
    if (zip_stat(za, name, 0, &st) == 0 && (zf = zip_fopen(za, name, 0)) != NULL &&
        (b = malloc(st.size + 1)) != NULL && zip_fread(zf, b, st.size) != (zip_int64_t)st.size) {
        free(b);
        b = NULL;
    }
    if (zf)
        zip_fclose(zf);
    zip_discard(za);
    *len = b ? (size_t)st.size : 0;
    return b;
}

static fixture *fixture_get(void)
{
    static fixture f;
    static int ready;
    if (ready)
        return &f;
    ready = 1;
    snprintf(f.dir, sizeof f.dir, "/tmp/clasm-fuzz-insp-XXXXXX");
    if (!mkdtemp(f.dir))
        abort();
    snprintf(f.draft, sizeof f.draft, "%s/draft.docx", f.dir);
    snprintf(f.work, sizeof f.work, "%s/work.docx", f.dir);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *deal = NULL;
    clasm_template *tpl = NULL;
    clasm_plan *plan = NULL;
    if (clasm_library_load(FUZZ_ROOT "/clauses", &f.lib, &d) != CLASM_OK ||
        clasm_deal_load(FUZZ_ROOT "/examples/deals/direct-biometric-security-service.yaml", &deal,
                        &d) != CLASM_OK ||
        clasm_template_open(FUZZ_ROOT "/templates/contract.docx", &tpl, &d) != CLASM_OK ||
        clasm_select(f.lib, deal, CLASM_DOC_CONTRACT, &plan, &d) != CLASM_OK ||
        clasm_assemble(tpl, f.lib, deal, plan, f.draft, &d) != CLASM_OK)
        abort();
    clasm_plan_free(plan);
    clasm_template_free(tpl);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    f.base = fuzz_read_file(f.draft, &f.base_len);
    if (!f.base)
        abort();
    const char *seeds = getenv("FUZZ_WRITE_SEEDS");
    if (seeds) {
        size_t n = 0;
        unsigned char *m = entry(f.draft, MANIFEST, &n);
        if (!m)
            abort(); /* the manifest moved: update MANIFEST */
        write_seed(seeds, "manifest", 1, m, n);
        free(m);
        m = entry(f.draft, MAIN, &n);
        if (!m)
            abort();
        write_seed(seeds, "document", 0, m, n);
        free(m);
        exit(0);
    }
    return &f;
}

/* Builds the draft before the first input (and writes the seeds, when
 * asked, before libFuzzer starts watching for exits). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fixture_get();
    return 0;
}

/* The redline of the work draft, which inspect read with status st. */
static void redline(fixture *f, uint8_t selector, clasm_status st)
{
    size_t len = 0;
    unsigned char *in = fuzz_read_file(f->work, &len);
    if (!in)
        return;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_redline_options o = {"Fuzz Counsel", "2026-01-01T00:00:00Z", (selector & 2) ? 1 : 0,
                               (selector & 4) ? 1 : 0};
    unsigned char *out = NULL;
    size_t olen = 0;
    clasm_status rs = clasm_redline_buffer(in, len, "work.docx", f->lib, &o, &out, &olen, &d);
    fuzz_check_status(rs, out, &d);
    if (st == CLASM_OK && rs != CLASM_OK && rs != CLASM_E_IO) {
        clasm_diags_print(stderr, &d);
        abort(); /* inspect read it, so it can be redlined */
    }
    clasm_diags_free(&d);
    if (rs == CLASM_OK) {
        clasm_diags_init(&d);
        clasm_inspection *again = NULL;
        clasm_status is = clasm_inspect_buffer(out, olen, "redline.docx", f->lib, &again, &d);
        if (is != CLASM_OK && is != CLASM_E_IO) {
            clasm_diags_print(stderr, &d);
            abort(); /* a redline inspect cannot read back */
        }
        clasm_inspection_free(again);
        clasm_diags_free(&d);
    }
    free(out);
    free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fixture *f = fixture_get();
    if (size < 1)
        return 0;
    const char *part = (data[0] & 1) ? MANIFEST : MAIN;
    if (fuzz_write(f->work, f->base, f->base_len) != 0)
        return 0;
    int err = 0;
    zip_t *za = zip_open(f->work, 0, &err);
    if (!za)
        return 0;
    zip_source_t *src = zip_source_buffer(za, data + 1, size - 1, 0);
    zip_int64_t idx = src ? zip_file_add(za, part, src, ZIP_FL_OVERWRITE) : -1;
    if (idx < 0) {
        zip_source_free(src);
        zip_discard(za);
        return 0;
    }
    zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
    if (zip_close(za) != 0) {
        zip_discard(za);
        return 0;
    }
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_inspection *ins = NULL;
    clasm_status st = clasm_inspect(f->work, f->lib, &ins, &d);
    fuzz_check_status(st, ins, &d);
    if (ins) {
        free(clasm_inspection_json(ins));
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            clasm_inspection_print_text(null, ins);
            fclose(null);
        }
        clasm_inspection_free(ins);
    }
    clasm_diags_free(&d);
    redline(f, data[0], st);
    return 0;
}
