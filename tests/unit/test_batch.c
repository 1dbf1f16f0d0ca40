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
                               .cancel = NULL};
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
                              .cancel = NULL};
    clasm_batch_options o3 = {.lib = fx->lib,
                              .tpl = fx->tpl,
                              .document = CLASM_DOC_EULA,
                              .document_guessed = 0,
                              .out_dir = out3,
                              .jobs = 3,
                              .strict = 0,
                              .report = NULL,
                              .ctx = NULL,
                              .cancel = NULL};
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
                               .cancel = NULL};
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
                               .cancel = NULL};
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
                               .cancel = &cancel};
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_bad_and_clashing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads_do_not_change_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strict_fails_warned_deals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cannot_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_and_document_not_asked, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
