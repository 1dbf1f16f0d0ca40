/* clasm_batch_run over the real library and templates/eula.docx: the
 * report callback (once per deal, counted), failures that write nothing
 * (a bad deal, two deals of one id, a pack without a document), the
 * summary, bytes that do not depend on the number of threads, and calls
 * that cannot run. Needs CLASM_SOURCE_DIR (or the repo as the working
 * folder). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "clasm.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char dir[64];
    clasm_library *lib;
    clasm_template *tpl;
} fixture;

static const char *root(void)
{
    const char *r = getenv("CLASM_SOURCE_DIR");
    return r ? r : ".";
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

/* Writes dir/name: the example deal base with its id line and documents
 * line replaced. */
static void write_deal(const fixture *fx, const char *name, const char *base, const char *id,
                       const char *documents)
{
    char path[512];
    snprintf(path, sizeof path, "%s/examples/deals/%s", root(), base);
    char *text = read_file(path);
    assert_non_null(text);
    snprintf(path, sizeof path, "%s/%s", fx->dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "id:", 3) == 0)
            fprintf(f, "id: %s\n", id);
        else if (strncmp(line, "documents:", 10) == 0)
            fprintf(f, "documents: %s\n", documents);
        else
            fprintf(f, "%s\n", line);
    }
    fclose(f);
    free(text);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/clasm-test-batch-XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    char path[512];
    clasm_diags d;
    clasm_diags_init(&d);
    snprintf(path, sizeof path, "%s/clauses", root());
    clasm_status s = clasm_library_load(path, &fx->lib, &d);
    snprintf(path, sizeof path, "%s/templates/eula.docx", root());
    if (s == CLASM_OK)
        s = clasm_template_open(path, &fx->tpl, &d);
    if (s != CLASM_OK)
        clasm_diags_print(stderr, &d);
    clasm_diags_free(&d);
    *state = fx;
    return s == CLASM_OK ? 0 : -1;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    clasm_template_free(fx->tpl);
    clasm_library_free(fx->lib);
    remove_tree(fx->dir);
    free(fx);
    return 0;
}

/* What the callback saw. */
typedef struct {
    size_t calls;
    size_t seen[16]; /* times each index was reported */
    clasm_status status[16];
    char first_error_id[16][64]; /* the first error's id, per index */
    char first_error_file[16][256];
    int has_output[16];
    size_t last_done;
    int done_in_order; /* done goes 1, 2, 3 ... */
    size_t total;
} record;

static void on_deal(void *ctx, const clasm_batch_result *r)
{
    record *rec = ctx;
    rec->calls++;
    if (r->done != rec->last_done + 1)
        rec->done_in_order = 0;
    rec->last_done = r->done;
    rec->total = r->total;
    if (r->index >= 16)
        return;
    rec->seen[r->index]++;
    rec->status[r->index] = r->status;
    rec->has_output[r->index] = r->output != NULL;
    for (size_t i = 0; i < r->diags->count; i++) {
        const clasm_diag *g = &r->diags->items[i];
        if (g->severity == CLASM_SEV_ERROR) {
            snprintf(rec->first_error_id[r->index], 64, "%s", g->id);
            snprintf(rec->first_error_file[r->index], 256, "%s", g->file ? g->file : "");
            break;
        }
    }
}

static int exists(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

static size_t count_files(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void test_good_bad_and_clashing(void **state)
{
    fixture *fx = *state;
    write_deal(fx, "a.yaml", "private-baseline.yaml", "T-a", "[eula]");
    write_deal(fx, "b.yaml", "direct-biometric-security-service.yaml", "T-b", "[eula]");
    write_deal(fx, "twin1.yaml", "private-baseline.yaml", "T-twin", "[eula]");
    write_deal(fx, "c.yaml", "cloud-analytics-state-telecom.yaml", "T-c", "[eula]");
    write_deal(fx, "twin2.yaml", "all-risks.yaml", "T-twin", "[eula]");
    write_deal(fx, "pack.yaml", "reseller-unknown-end-use.yaml", "T-pack",
               "[reseller-agreement, eula]");
    char paths[7][256], out[256];
    const char *names[] = {"a", "b", "twin1", "c", "twin2", "pack", "missing"};
    const char *deals[7];
    for (size_t i = 0; i < 7; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s.yaml", fx->dir, names[i]);
        deals[i] = paths[i];
    }
    snprintf(out, sizeof out, "%s/out", fx->dir);
    assert_int_equal(mkdir(out, 0777), 0);

    record rec = {.done_in_order = 1};
    clasm_batch_options opt = {.lib = fx->lib,
                               .tpl = fx->tpl,
                               .document = -1,
                               .document_guessed = 0,
                               .out_dir = out,
                               .jobs = 2,
                               .strict = 0,
                               .report = on_deal,
                               .ctx = &rec,
                               .cancelled = NULL};
    clasm_batch_summary sum;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_batch_run(&opt, deals, 7, &sum, &d), CLASM_E_INPUT);
    assert_int_equal(d.count, 0); /* deal problems go to the callback, not here */

    assert_int_equal(rec.calls, 7);
    assert_true(rec.done_in_order);
    assert_int_equal(rec.total, 7);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(rec.seen[i], 1);
    assert_int_equal(sum.written, 3);
    assert_int_equal(sum.failed, 4);
    assert_int_equal(sum.warned, 1); /* b escalates */

    const size_t ok[] = {0, 1, 3};
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(rec.status[ok[k]], CLASM_OK);
        assert_true(rec.has_output[ok[k]]);
    }
    assert_int_equal(rec.status[2], CLASM_E_INPUT);
    assert_string_equal(rec.first_error_id[2], "duplicate-output");
    assert_string_equal(rec.first_error_file[2], paths[2]);
    assert_string_equal(rec.first_error_id[4], "duplicate-output");
    assert_string_equal(rec.first_error_file[4], paths[4]);
    assert_string_equal(rec.first_error_id[5], "batch-document");
    assert_string_equal(rec.first_error_file[5], paths[5]);
    assert_int_not_equal(rec.status[6], CLASM_OK);
    assert_false(rec.has_output[6]);

    assert_true(exists(out, "T-a-eula.docx"));
    assert_true(exists(out, "T-b-eula.docx"));
    assert_true(exists(out, "T-c-eula.docx"));
    assert_false(exists(out, "T-twin-eula.docx"));
    assert_int_equal(count_files(out), 3); /* no temporary files left */
    clasm_diags_free(&d);
}

static int same_file(const char *a, const char *b)
{
    char *x = read_file(a), *y = read_file(b);
    struct stat sa, sb;
    int same = x && y && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_size == sb.st_size &&
               memcmp(x, y, (size_t)sa.st_size) == 0;
    free(x);
    free(y);
    return same;
}

static void test_threads_do_not_change_bytes(void **state)
{
    fixture *fx = *state;
    const char *bases[] = {"all-risks.yaml", "private-baseline.yaml",
                           "direct-biometric-security-service.yaml",
                           "cloud-analytics-state-telecom.yaml", "reseller-unknown-end-use.yaml"};
    char paths[10][256];
    const char *deals[10];
    for (size_t i = 0; i < 10; i++) {
        char name[32], id[32];
        snprintf(name, sizeof name, "d%zu.yaml", i);
        snprintf(id, sizeof id, "T-%zu", i);
        write_deal(fx, name, bases[i % 5], id, "[eula]");
        snprintf(paths[i], sizeof paths[i], "%s/%s", fx->dir, name);
        deals[i] = paths[i];
    }
    char out1[256], out3[256];
    snprintf(out1, sizeof out1, "%s/j1", fx->dir);
    snprintf(out3, sizeof out3, "%s/j3", fx->dir);
    mkdir(out1, 0777);
    mkdir(out3, 0777);
    clasm_batch_summary s1, s3;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_batch_options o1 = {.lib = fx->lib,
                              .tpl = fx->tpl,
                              .document = CLASM_DOC_EULA,
                              .document_guessed = 0,
                              .out_dir = out1,
                              .jobs = 1,
                              .strict = 0,
                              .report = NULL,
                              .ctx = NULL,
                              .cancelled = NULL};
    clasm_batch_options o3 = {.lib = fx->lib,
                              .tpl = fx->tpl,
                              .document = CLASM_DOC_EULA,
                              .document_guessed = 0,
                              .out_dir = out3,
                              .jobs = 3,
                              .strict = 0,
                              .report = NULL,
                              .ctx = NULL,
                              .cancelled = NULL};
    assert_int_equal(clasm_batch_run(&o1, deals, 10, &s1, &d), CLASM_OK);
    assert_int_equal(clasm_batch_run(&o3, deals, 10, &s3, &d), CLASM_OK);
    assert_int_equal(s1.written, 10);
    assert_int_equal(s3.written, 10);
    assert_int_equal(s1.warned, s3.warned);
    for (size_t i = 0; i < 10; i++) {
        char a[512], b[512];
        snprintf(a, sizeof a, "%s/T-%zu-eula.docx", out1, i);
        snprintf(b, sizeof b, "%s/T-%zu-eula.docx", out3, i);
        assert_true(same_file(a, b));
    }
    clasm_diags_free(&d);
}

static void test_strict_fails_warned_deals(void **state)
{
    fixture *fx = *state;
    write_deal(fx, "s1.yaml", "direct-biometric-security-service.yaml", "S-1", "[eula]");
    write_deal(fx, "s2.yaml", "private-baseline.yaml", "S-2", "[eula]");
    char p1[256], p2[256], out[256];
    snprintf(p1, sizeof p1, "%s/s1.yaml", fx->dir);
    snprintf(p2, sizeof p2, "%s/s2.yaml", fx->dir);
    snprintf(out, sizeof out, "%s/strict", fx->dir);
    mkdir(out, 0777);
    const char *deals[] = {p1, p2};
    record rec = {.done_in_order = 1};
    clasm_batch_options opt = {.lib = fx->lib,
                               .tpl = fx->tpl,
                               .document = CLASM_DOC_EULA,
                               .document_guessed = 0,
                               .out_dir = out,
                               .jobs = 2,
                               .strict = 1,
                               .report = on_deal,
                               .ctx = &rec,
                               .cancelled = NULL};
    clasm_batch_summary sum;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_batch_run(&opt, deals, 2, &sum, &d), CLASM_E_INPUT);
    assert_int_equal(sum.written, 1);
    assert_int_equal(sum.failed, 1);
    assert_string_equal(rec.first_error_id[0], "escalate");
    assert_false(exists(out, "S-1-eula.docx"));
    assert_true(exists(out, "S-2-eula.docx"));
    clasm_diags_free(&d);
}

static void test_cannot_run(void **state)
{
    fixture *fx = *state;
    clasm_batch_summary sum = {7, 7, 7, 7, 7, 7};
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_batch_options opt = {.lib = fx->lib,
                               .tpl = fx->tpl,
                               .document = CLASM_DOC_EULA,
                               .document_guessed = 0,
                               .out_dir = NULL,
                               .jobs = 1,
                               .strict = 0,
                               .report = NULL,
                               .ctx = NULL,
                               .cancelled = NULL};
    assert_int_equal(clasm_batch_run(&opt, NULL, 0, &sum, &d), CLASM_E_USAGE);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].id, "batch-usage");
    assert_int_equal(sum.written + sum.failed + sum.warned + sum.not_started, 0);
    clasm_diags_free(&d);

    /* No deals: nothing to do, and that is fine. */
    clasm_diags_init(&d);
    opt.out_dir = fx->dir;
    assert_int_equal(clasm_batch_run(&opt, NULL, 0, &sum, &d), CLASM_OK);
    assert_int_equal(sum.written + sum.failed, 0);
    assert_int_equal(d.count, 0);
    clasm_diags_free(&d);
}

/* The batch's cancelled callback over an atomic flag. */
static int flag_set(void *flag)
{
    return atomic_load((atomic_int *)flag) != 0;
}

/* A cancelled batch starts no deal: nothing is written, every deal is
 * counted as not started, and the status is not success. A deal whose
 * documents do not include a document guessed from the template's name is
 * not drafted; asked for explicitly, it is. */
static void test_cancel_and_document_not_asked(void **state)
{
    fixture *fx = *state;
    write_deal(fx, "k1.yaml", "private-baseline.yaml", "K-1", "[eula]");
    write_deal(fx, "k2.yaml", "private-baseline.yaml", "K-2", "[contract]");
    char p1[256], p2[256], out[256];
    snprintf(p1, sizeof p1, "%s/k1.yaml", fx->dir);
    snprintf(p2, sizeof p2, "%s/k2.yaml", fx->dir);
    snprintf(out, sizeof out, "%s/cancel", fx->dir);
    mkdir(out, 0777);
    const char *deals[] = {p1, p2};
    atomic_int cancel;
    atomic_init(&cancel, 1);
    record rec = {.done_in_order = 1};
    clasm_batch_options opt = {.lib = fx->lib,
                               .tpl = fx->tpl,
                               .document = CLASM_DOC_EULA,
                               .document_guessed = 1,
                               .out_dir = out,
                               .jobs = 2,
                               .strict = 0,
                               .report = on_deal,
                               .ctx = &rec,
                               .cancelled = flag_set,
                               .cancel_ctx = &cancel};
    clasm_batch_summary sum;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_batch_run(&opt, deals, 2, &sum, &d), CLASM_E_INPUT);
    assert_int_equal(sum.not_started, 2);
    assert_int_equal(sum.written + sum.failed, 0);
    assert_int_equal(rec.calls, 0);
    assert_int_equal(count_files(out), 0);

    atomic_store(&cancel, 0);
    assert_int_equal(clasm_batch_run(&opt, deals, 2, &sum, &d), CLASM_E_INPUT);
    assert_int_equal(sum.not_started, 0);
    assert_int_equal(sum.written, 1);
    assert_int_equal(sum.failed, 1);
    assert_string_equal(rec.first_error_id[1], "batch-document");
    assert_true(exists(out, "K-1-eula.docx"));
    assert_int_equal(count_files(out), 1);
    opt.document_guessed = 0;
    assert_int_equal(clasm_batch_run(&opt, deals, 2, &sum, &d), CLASM_OK);
    assert_int_equal(sum.written, 2);
    assert_true(exists(out, "K-2-eula.docx"));
    assert_int_equal(d.count, 0);
    clasm_diags_free(&d);
}

/* What the pack test's callback keeps of each deal. */
typedef struct {
    size_t noutputs[8], skipped[8], nplans[8], nmissing[8];
    int escalate[8];
    clasm_status status[8];
} pack_record;

static void on_pack_deal(void *ctx, const clasm_batch_result *r)
{
    pack_record *p = ctx;
    if (r->index >= 8)
        return;
    p->status[r->index] = r->status;
    p->noutputs[r->index] = r->noutputs;
    p->skipped[r->index] = r->skipped;
    p->nplans[r->index] = r->nplans;
    p->escalate[r->index] = r->nplans && clasm_plan_escalate(r->plans[0]);
    size_t m = 0;
    for (size_t k = 0; k < r->nplans; k++)
        m += clasm_plan_missing(r->plans[k], NULL);
    p->nmissing[r->index] = m;
}

static clasm_status row_loader(void *ctx, size_t i, clasm_deal **out, clasm_diags *d)
{
    return clasm_deal_table_deal(ctx, i, out, d);
}

/* Whole packs (tpl NULL, tpls by document), deals from a loader (the rows
 * of a spreadsheet), a deal with a value missing failing with its plans
 * reported, and skip_existing leaving finished drafts alone. */
static void test_packs_loader_and_skip(void **state)
{
    fixture *fx = *state;
    char base_path[512];
    snprintf(base_path, sizeof base_path, "%s/examples/deals/reseller-unknown-end-use.yaml",
             root());
    char *base = read_file(base_path);
    assert_non_null(base);
    char *id = strstr(base, "id: ");
    memcpy(id, "#  ", 3); /* the rows give the id */
    const char *csv = "id,terms.fees\n"
                      "P-1,100\n"
                      "P-2,\n"; /* no fee: the base's stays */
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal_table *t = NULL;
    assert_int_equal(clasm_deal_table_load_string(csv, strlen(csv), "deals.csv", base, strlen(base),
                                                  "base.yaml", &t, &d),
                     CLASM_OK);
    free(base);
    char path[512];
    clasm_template *tpls[CLASM_DOC_COUNT] = {0};
    snprintf(path, sizeof path, "%s/templates/reseller-agreement.docx", root());
    assert_int_equal(clasm_template_open(path, &tpls[CLASM_DOC_RESELLER], &d), CLASM_OK);
    char out[128];
    snprintf(out, sizeof out, "%s/packs", fx->dir);
    assert_int_equal(mkdir(out, 0777), 0);
    const char *names[] = {clasm_deal_table_row_name(t, 0), clasm_deal_table_row_name(t, 1)};
    pack_record rec;
    memset(&rec, 0, sizeof rec);
    clasm_batch_options opt = {.lib = fx->lib,
                               .document = -1,
                               .out_dir = out,
                               .jobs = 2,
                               .report = on_pack_deal,
                               .ctx = &rec,
                               .load = row_loader,
                               .load_ctx = t};
    opt.tpls[CLASM_DOC_EULA] = fx->tpl;
    opt.tpls[CLASM_DOC_RESELLER] = tpls[CLASM_DOC_RESELLER];
    clasm_batch_summary sum;
    assert_int_equal(clasm_batch_run(&opt, names, 2, &sum, &d), CLASM_OK);
    assert_int_equal(sum.written, 2);
    assert_int_equal(count_files(out), 4);
    assert_true(exists(out, "P-1-reseller-agreement.docx"));
    assert_true(exists(out, "P-1-eula.docx"));
    assert_true(exists(out, "P-2-eula.docx"));
    assert_int_equal(rec.noutputs[0], 2);
    assert_int_equal(rec.nplans[0], 2);
    assert_int_equal(rec.nmissing[0], 0);

    /* Again with skip_existing: P-1's drafts stay (same inode), P-2's
     * reseller agreement, removed, is written again. */
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/P-1-eula.docx", out);
    snprintf(p2, sizeof p2, "%s/P-2-reseller-agreement.docx", out);
    struct stat before, after;
    assert_int_equal(stat(p1, &before), 0);
    assert_int_equal(unlink(p2), 0);
    memset(&rec, 0, sizeof rec);
    opt.skip_existing = 1;
    assert_int_equal(clasm_batch_run(&opt, names, 2, &sum, &d), CLASM_OK);
    assert_int_equal(sum.skipped, 1);
    assert_int_equal(sum.written, 1);
    assert_int_equal(rec.skipped[0], 2);
    assert_int_equal(rec.skipped[1], 1);
    assert_int_equal(rec.noutputs[1], 2);
    assert_int_equal(stat(p1, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino);
    assert_true(exists(out, "P-2-reseller-agreement.docx"));

    /* Without a template for the reseller agreement, the pack fails
     * whole; a EULA-only deal would not. */
    char out2[128];
    snprintf(out2, sizeof out2, "%s/packs2", fx->dir);
    assert_int_equal(mkdir(out2, 0777), 0);
    opt.out_dir = out2;
    opt.skip_existing = 0;
    opt.tpls[CLASM_DOC_RESELLER] = NULL;
    memset(&rec, 0, sizeof rec);
    clasm_diags_free(&d);
    clasm_diags_init(&d);
    assert_int_equal(clasm_batch_run(&opt, names, 2, &sum, &d), CLASM_E_INPUT);
    assert_int_equal(sum.failed, 2);
    assert_int_equal(count_files(out2), 0);
    assert_int_equal(rec.status[0], CLASM_E_INPUT);

    clasm_template_free(tpls[CLASM_DOC_RESELLER]);
    clasm_deal_table_free(t);
    clasm_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_bad_and_clashing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads_do_not_change_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strict_fails_warned_deals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cannot_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_and_document_not_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_packs_loader_and_skip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
