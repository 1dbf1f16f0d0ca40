/* The compiled template: each part is parsed and scanned once, when the
 * template is opened, and every draft starts from a copy of that tree.
 * Drafts drawn one after another, in any order or from several threads at
 * once, from one opened template are byte for byte those of a template
 * opened for each draft; a part too large to keep (over 1 MiB) is parsed
 * again for each draft and gives the same document. */
#include "clasm.h"
#include "docx_fixture.h"
#include "docx_structure.h"
#include "library.h"
#include "xml_alloc_fail.h"
#include "package.h"
#include "template.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *root(void)
{
    const char *r = getenv("CLASM_SOURCE_DIR");
    return r ? r : ".";
}

/* One draft: a deal, one document of its pack and that document's plan. */
typedef struct {
    clasm_deal *deal;
    clasm_document doc;
    clasm_plan *plan;
    size_t tpl;         /* index into fixture.tpls */
    unsigned char *ref; /* the draft from a template opened for it alone */
    size_t ref_len;
} job;

#define MAX_JOBS 64

typedef struct {
    clasm_library *lib;
    const char *tpl_paths[8];
    clasm_template *tpls[8]; /* each opened once, shared by every job */
    size_t ntpls;
    job jobs[MAX_JOBS];
    size_t njobs;
} fixture;

static const char *const example_deals[] = {"addendum-biometric-police.yaml",
                                            "addendum-cloud-analytics-telecom.yaml",
                                            "all-risks.yaml",
                                            "cloud-analytics-state-telecom.yaml",
                                            "direct-biometric-security-service.yaml",
                                            "private-baseline.yaml",
                                            "reseller-unknown-end-use.yaml"};

static char *path_of(const char *fmt, const char *name)
{
    char *p = malloc(512);
    if (p)
        snprintf(p, 512, fmt, root(), name);
    return p;
}

static size_t template_index(fixture *fx, clasm_document doc, clasm_diags *d)
{
    const char *name = clasm_document_name(doc);
    for (size_t i = 0; i < fx->ntpls; i++)
        if (strstr(fx->tpl_paths[i], name))
            return i;
    char *p = path_of("%s/templates/%s.docx", name);
    assert_non_null(p);
    assert_int_equal(clasm_template_open(p, &fx->tpls[fx->ntpls], d), CLASM_OK);
    /* The shared templates have the library's clauses compiled, as batch
     * and serve have them; each reference is drawn without. */
    assert_int_equal(clasm_template_compile(fx->tpls[fx->ntpls], fx->lib, d), CLASM_OK);
    assert_true(template_compiled_clauses(fx->tpls[fx->ntpls]) > 0);
    fx->tpl_paths[fx->ntpls] = p;
    return fx->ntpls++;
}

/* The draft of j from the template at path, opened for it alone, then
 * freed. */
static unsigned char *draft_from(const char *path, const fixture *fx, const job *j, size_t *len)
{
    clasm_template *t = NULL;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_template_open(path, &t, &d), CLASM_OK);
    unsigned char *bytes = NULL;
    clasm_status s = clasm_assemble_buffer(t, fx->lib, j->deal, j->plan, 0, &bytes, len, &d);
    if (s != CLASM_OK)
        clasm_diags_print(stderr, &d);
    assert_int_equal(s, CLASM_OK);
    clasm_template_free(t);
    clasm_diags_free(&d);
    return bytes;
}

/* The draft of j from its template opened for it alone. */
static unsigned char *draft_alone(const fixture *fx, const job *j, size_t *len)
{
    return draft_from(fx->tpl_paths[j->tpl], fx, j, len);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    clasm_diags d;
    clasm_diags_init(&d);
    char *lib = path_of("%s/%s", "clauses");
    assert_int_equal(clasm_library_load(lib, &fx->lib, &d), CLASM_OK);
    free(lib);
    for (size_t i = 0; i < sizeof example_deals / sizeof *example_deals; i++) {
        char *p = path_of("%s/examples/deals/%s", example_deals[i]);
        clasm_deal *deal = NULL;
        assert_int_equal(clasm_deal_load(p, &deal, &d), CLASM_OK);
        free(p);
        clasm_document docs[8];
        size_t n = clasm_deal_documents(deal, docs, 8);
        assert_true(n > 0);
        for (size_t k = 0; k < n && fx->njobs < MAX_JOBS; k++) {
            job *j = &fx->jobs[fx->njobs++];
            j->doc = docs[k];
            assert_int_equal(clasm_select(fx->lib, deal, docs[k], &j->plan, &d), CLASM_OK);
            j->tpl = template_index(fx, docs[k], &d);
        }
        /* Every job of this deal uses it. */
        for (size_t k = fx->njobs - n; k < fx->njobs; k++)
            fx->jobs[k].deal = deal;
    }
    for (size_t i = 0; i < fx->njobs; i++)
        fx->jobs[i].ref = draft_alone(fx, &fx->jobs[i], &fx->jobs[i].ref_len);
    clasm_diags_free(&d);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < fx->njobs; i++) {
        clasm_plan_free(fx->jobs[i].plan);
        free(fx->jobs[i].ref);
        if (i + 1 == fx->njobs || fx->jobs[i + 1].deal != fx->jobs[i].deal)
            clasm_deal_free(fx->jobs[i].deal);
    }
    for (size_t i = 0; i < fx->ntpls; i++) {
        clasm_template_free(fx->tpls[i]);
        free((char *)fx->tpl_paths[i]);
    }
    clasm_library_free(fx->lib);
    free(fx);
    return 0;
}

/* Job i's draft from the shared template equals its reference. */
static int same_as_alone(const fixture *fx, size_t i)
{
    const job *j = &fx->jobs[i];
    clasm_diags d;
    clasm_diags_init(&d);
    unsigned char *bytes = NULL;
    size_t len = 0;
    clasm_status s =
        clasm_assemble_buffer(fx->tpls[j->tpl], fx->lib, j->deal, j->plan, 0, &bytes, &len, &d);
    int same = s == CLASM_OK && len == j->ref_len && memcmp(bytes, j->ref, len) == 0;
    free(bytes);
    clasm_diags_free(&d);
    return same;
}

/* Every example deal's every document, drawn one after another from one
 * opened template per document (its clauses compiled), forwards and then backwards (so each
 * draft follows other deals' drafts, whose conditionals dropped other
 * regions, and the same deal's draft), is the draft of a template opened
 * for it alone: a draft never changes the template it copies. */
static void test_drafts_in_any_order_from_one_template(void **state)
{
    fixture *fx = *state;
    assert_true(fx->njobs >= 10);
    assert_true(fx->ntpls >= 3);
    for (size_t i = 0; i < fx->njobs; i++)
        assert_true(same_as_alone(fx, i));
    for (size_t i = fx->njobs; i-- > 0;) {
        assert_true(same_as_alone(fx, i));
        assert_true(same_as_alone(fx, i));
    }
}

/* The main part's static runs (docx_static.h) change no byte: every
 * example draft equals the draft of its template opened whole, where each
 * draft copies and serializes the whole tree. */
static void test_static_runs_change_no_byte(void **state)
{
    fixture *fx = *state;
    clasm_template *whole[8] = {0};
    clasm_diags d;
    clasm_diags_init(&d);
    for (size_t t = 0; t < fx->ntpls; t++) {
        assert_true(template_static_runs(fx->tpls[t]) > 0);
        assert_int_equal(template_open_whole(fx->tpl_paths[t], &whole[t], &d), CLASM_OK);
        assert_int_equal(template_static_runs(whole[t]), 0);
    }
    for (size_t i = 0; i < fx->njobs; i++) {
        const job *j = &fx->jobs[i];
        unsigned char *bytes = NULL;
        size_t len = 0;
        assert_int_equal(
            clasm_assemble_buffer(whole[j->tpl], fx->lib, j->deal, j->plan, 0, &bytes, &len, &d),
            CLASM_OK);
        if (len != j->ref_len || memcmp(bytes, j->ref, len) != 0)
            fail_msg("job %zu (%s): the draft with static runs differs from the whole tree's", i,
                     clasm_document_name(j->doc));
        free(bytes);
    }
    for (size_t t = 0; t < fx->ntpls; t++)
        clasm_template_free(whole[t]);
    clasm_diags_free(&d);
}

/* Every conditional of the example templates is parsed once, when the
 * template is opened (a draft finds its parse by the text); and a
 * template whose conditional does not parse reports it at each draft as
 * before (tests/e2e). */
static void test_conditionals_parsed_once(void **state)
{
    fixture *fx = *state;
    for (size_t t = 0; t < fx->ntpls; t++) {
        size_t total = 0;
        size_t n = template_parsed_conditionals(fx->tpls[t], &total);
        assert_true(total > 10);
        assert_int_equal(n, total);
    }
}

/* The share of the library's clauses compiled for each example template:
 * all but those a draft must build (the list of definitions, a reference
 * after a value). */
static void test_most_clauses_compiled(void **state)
{
    fixture *fx = *state;
    size_t nclauses = fx->lib->nclauses;
    for (size_t t = 0; t < fx->ntpls; t++) {
        size_t n = template_compiled_clauses(fx->tpls[t]);
        if (n * 10 < nclauses * 9)
            fail_msg("%s: %zu of %zu clauses compiled", fx->tpl_paths[t], n, nclauses);
    }
}

/* A deal whose values are written into the clauses with characters to
 * escape, line breaks, spaces at the ends, two in a row, or nothing: the
 * draft of a template with its clauses compiled (values that fit the
 * pieces, and values that do not, whose clauses are built as before) is
 * the draft of the template without. */
static void test_compiled_values_change_no_byte(void **state)
{
    fixture *fx = *state;
    static const char *const laws[] = {/* YAML double-quoted: \" \n \t \u are its escapes. */
                                       "the law of A & B <Kestova> \\\"quoted\\\"",
                                       "  leading and trailing  ",
                                       "two  spaces",
                                       "line\\nbreak and\\ttab",
                                       "\\u00c4rger \\u2014 \\u201cq\\u201d \\r",
                                       ""};
    char *src = path_of("%s/examples/deals/%s", "reseller-unknown-end-use.yaml");
    FILE *in = fopen(src, "r");
    assert_non_null(in);
    char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    free(src);
    text[n] = '\0';
    /* The governing law, which a clause prints, is set. */
    char *at = strstr(text, "\nterms:\n");
    assert_non_null(at);
    at += strlen("\nterms:\n");
    clasm_diags d;
    clasm_diags_init(&d);
    for (size_t i = 0; i < sizeof laws / sizeof *laws; i++) {
        char path[] = "/tmp/clasm-compiled-XXXXXX.yaml";
        int fd = mkstemps(path, 5);
        assert_true(fd >= 0);
        FILE *out = fdopen(fd, "w");
        fprintf(out, "%.*s  governing_law: \"%s\"\n%s", (int)(at - text), text, laws[i], at);
        fclose(out);
        clasm_deal *deal = NULL;
        clasm_plan *plan = NULL;
        clasm_status ls = clasm_deal_load(path, &deal, &d);
        if (ls != CLASM_OK)
            clasm_diags_print(stderr, &d);
        assert_int_equal(ls, CLASM_OK);
        unlink(path);
        clasm_document doc = CLASM_DOC_RESELLER;
        assert_int_equal(clasm_select(fx->lib, deal, doc, &plan, &d), CLASM_OK);
        job j = {deal, doc, plan, template_index(fx, doc, &d), NULL, 0};
        j.ref = draft_alone(fx, &j, &j.ref_len);
        unsigned char *bytes = NULL;
        size_t len = 0;
        assert_int_equal(
            clasm_assemble_buffer(fx->tpls[j.tpl], fx->lib, deal, plan, 0, &bytes, &len, &d),
            CLASM_OK);
        if (len != j.ref_len || memcmp(bytes, j.ref, len) != 0)
            fail_msg("governing law \"%s\": the compiled draft differs", laws[i]);
        free(bytes);
        free(j.ref);
        clasm_plan_free(plan);
        clasm_deal_free(deal);
    }
    clasm_diags_free(&d);
}

/* A template whose heading style is numbered by a numbering instance it
 * lacks (its numbering part is gone): the first w:num a draft adds for a
 * clause's list items takes that id, and the headings then count with the
 * list items. Its clauses are not compiled (the list items must stay in
 * the tree for the numbers references print), and the drafts are the
 * same. (A fuzz_assemble input.) */
static void test_heading_numbered_by_a_draft_num(void **state)
{
    fixture *fx = *state;
    char *p = path_of("%s/fuzz/regressions/assemble/%s", "heading-numbered-by-a-draft-num");
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_template *compiled = NULL;
    assert_int_equal(clasm_template_open(p, &compiled, &d), CLASM_OK);
    assert_int_equal(clasm_template_compile(compiled, fx->lib, &d), CLASM_OK);
    assert_int_equal(template_compiled_clauses(compiled), 0);
    for (size_t i = 0; i < fx->njobs; i++) {
        job j = fx->jobs[i];
        if (j.doc != CLASM_DOC_CONTRACT)
            continue;
        j.ref = draft_from(p, fx, &j, &j.ref_len);
        unsigned char *bytes = NULL;
        size_t len = 0;
        assert_int_equal(
            clasm_assemble_buffer(compiled, fx->lib, j.deal, j.plan, 0, &bytes, &len, &d),
            CLASM_OK);
        assert_true(len == j.ref_len && memcmp(bytes, j.ref, len) == 0);
        free(bytes);
        free(j.ref);
    }
    clasm_template_free(compiled);
    clasm_diags_free(&d);
    free(p);
}

/* Compiling the clauses when libxml2's memory runs out, at points spread
 * over the whole compile: CLASM_E_IO with one out-of-memory diagnostic
 * and nothing compiled, or the whole library compiled; either way the
 * template's drafts are the same as before (under ASan and valgrind:
 * nothing leaked or freed twice). */
static void test_compile_out_of_memory(void **state)
{
    fixture *fx = *state;
    const job *j = &fx->jobs[0];
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_template *t = NULL;
    assert_int_equal(clasm_template_open(fx->tpl_paths[j->tpl], &t, &d), CLASM_OK);
    xaf_begin(-1);
    assert_int_equal(clasm_template_compile(t, fx->lib, &d), CLASM_OK);
    long total = xaf_calls;
    xaf_end();
    size_t all = template_compiled_clauses(t);
    assert_true(total > 100 && all > 0);
    int failed = 0;
    char err_path[64];
    int saved = xaf_stderr_capture(err_path); /* libxml2's own messages */
    assert_true(saved >= 0);
    for (long k = 0; k <= 40; k++) {
        clasm_diags_free(&d);
        clasm_diags_init(&d);
        xaf_begin(total * k / 40 - (k == 40));
        clasm_status s = clasm_template_compile(t, fx->lib, &d);
        xaf_end();
        if (s == CLASM_OK) {
            assert_int_equal(template_compiled_clauses(t), all);
            continue;
        }
        failed++;
        assert_int_equal(s, CLASM_E_IO);
        assert_int_equal(clasm_diags_errors(&d), 1);
        assert_string_equal(d.items[0].id, "out-of-memory");
        assert_int_equal(template_compiled_clauses(t), 0);
        unsigned char *bytes = NULL;
        size_t len = 0;
        assert_int_equal(clasm_assemble_buffer(t, fx->lib, j->deal, j->plan, 0, &bytes, &len, &d),
                         CLASM_OK);
        assert_true(len == j->ref_len && memcmp(bytes, j->ref, len) == 0);
        free(bytes);
    }
    xaf_stderr_bytes(saved, err_path);
    assert_true(failed >= 30);
    clasm_template_free(t);
    clasm_diags_free(&d);
}

typedef struct {
    fixture *fx;
    size_t first;
    size_t differing; /* drafts not equal to their reference */
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (size_t round = 0; round < 3; round++)
        for (size_t k = 0; k < w->fx->njobs; k++)
            if (!same_as_alone(w->fx, (w->first + k) % w->fx->njobs))
                w->differing++;
    return NULL;
}

/* Four threads copy the same opened templates at once (batch --jobs 4
 * shares them read-only), each starting at a different deal: every draft is
 * its reference. Under ASan and valgrind this also checks that the copies
 * share nothing a thread frees or writes. */
static void test_threads_share_one_template(void **state)
{
    fixture *fx = *state;
    pthread_t th[4];
    worker w[4];
    for (size_t i = 0; i < 4; i++) {
        w[i] = (worker){fx, i * 3, 0};
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].differing, 0);
    }
}

/* The bytes of entry name of a zip in memory (malloc'd), or NULL. */
static char *zip_entry(const unsigned char *zip, size_t len, const char *name, size_t *out_len)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(zip, len, 0, &err);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &err) : NULL;
    if (!za) {
        zip_source_free(src);
        return NULL;
    }
    zip_stat_t st;
    char *data = NULL;
    zip_file_t *f = zip_stat(za, name, 0, &st) == 0 ? zip_fopen(za, name, 0) : NULL;
    if (f && (data = malloc(st.size + 1)) && zip_fread(f, data, st.size) == (zip_int64_t)st.size) {
        data[st.size] = '\0';
        *out_len = st.size;
    } else {
        free(data);
        data = NULL;
    }
    if (f)
        zip_fclose(f);
    zip_close(za);
    return data;
}

/* templates/eula.docx with a comment of over 1 MiB before the body's
 * section properties: its document.xml is too large to keep parsed, so
 * each draft parses it again. Written to path; the comment in *comment. */
static void write_big_eula(const char *path, char **comment)
{
    char *eula = path_of("%s/templates/%s", "eula.docx");
    FILE *f = fopen(eula, "rb");
    free(eula);
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *bytes = malloc((size_t)n);
    assert_int_equal(fread(bytes, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(bytes, (size_t)n, 0, &err);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &err);
    assert_non_null(za);
    zip_int64_t count = zip_get_num_entries(za, 0);
    fx_entry *e = calloc((size_t)count, sizeof *e);
    char **data = calloc((size_t)count, sizeof *data);
    size_t body = 1200 * 1024;
    *comment = malloc(body + 8);
    memcpy(*comment, "<!--", 4);
    for (size_t i = 0; i < body; i++)
        (*comment)[4 + i] = "clasm "[i % 6];
    memcpy(*comment + 4 + body, "-->", 4);
    for (zip_int64_t i = 0; i < count; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        size_t len = 0;
        data[i] = zip_entry(bytes, (size_t)n, name, &len);
        assert_non_null(data[i]);
        if (strcmp(name, "word/document.xml") == 0) {
            char *sect = strstr(data[i], "<w:sectPr");
            for (char *next; sect && (next = strstr(sect + 1, "<w:sectPr"));)
                sect = next;
            assert_non_null(sect);
            size_t at = (size_t)(sect - data[i]), clen = strlen(*comment);
            char *big = malloc(len + clen + 1);
            memcpy(big, data[i], at);
            memcpy(big + at, *comment, clen);
            memcpy(big + at + clen, data[i] + at, len - at + 1);
            free(data[i]);
            data[i] = big;
            len += clen;
        }
        e[i] = (fx_entry){strdup(name), data[i], len, FX_DEFLATE};
    }
    zip_close(za);
    size_t zlen = 0;
    unsigned char *zip = fx_zip(e, (size_t)count, &zlen);
    assert_non_null(zip);
    fx_write_file(path, zip, zlen);
    free(zip);
    for (zip_int64_t i = 0; i < count; i++) {
        free((char *)e[i].name);
        free(data[i]);
    }
    free(e);
    free(data);
    free(bytes);
}

/* A part over 1 MiB is not kept but parsed for each draft: its drafts are
 * the kept template's, the comment aside, and the same twice running. */
static void test_large_part_parsed_for_each_draft(void **state)
{
    fixture *fx = *state;
    const job *j = NULL;
    for (size_t i = 0; i < fx->njobs && !j; i++)
        if (fx->jobs[i].doc == CLASM_DOC_EULA)
            j = &fx->jobs[i];
    assert_non_null(j);
    char path[] = "/tmp/clasm-test-compiled-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char *comment = NULL;
    write_big_eula(path, &comment);
    clasm_template *big = NULL;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_template_open(path, &big, &d), CLASM_OK);
    unsigned char *one = NULL, *two = NULL;
    size_t n1 = 0, n2 = 0;
    assert_int_equal(clasm_assemble_buffer(big, fx->lib, j->deal, j->plan, 0, &one, &n1, &d),
                     CLASM_OK);
    assert_int_equal(clasm_assemble_buffer(big, fx->lib, j->deal, j->plan, 0, &two, &n2, &d),
                     CLASM_OK);
    assert_int_equal(n1, n2);
    assert_memory_equal(one, two, n1);
    size_t blen = 0, klen = 0;
    char *bdoc = zip_entry(one, n1, "word/document.xml", &blen);
    char *kdoc = zip_entry(j->ref, j->ref_len, "word/document.xml", &klen);
    assert_non_null(bdoc);
    assert_non_null(kdoc);
    char *at = strstr(bdoc, comment);
    assert_non_null(at);
    size_t clen = strlen(comment);
    memmove(at, at + clen, strlen(at + clen) + 1);
    assert_int_equal(blen - clen, klen);
    assert_string_equal(bdoc, kdoc);
    free(bdoc);
    free(kdoc);
    free(one);
    free(two);
    free(comment);
    clasm_template_free(big);
    clasm_diags_free(&d);
    unlink(path);
}

/* A kept part is parsed without a dictionary: no copy shares one with it
 * (a dictionary is not safe to use from two threads at once). */
static void test_kept_parts_have_no_dictionary(void **state)
{
    (void)state;
    const char *xml =
        FX_XML_DECL "<w:document xmlns:w=\"" FX_W_NS "\"><w:body><w:p><w:r><w:t "
                    "xml:space=\"preserve\">a b</w:t></w:r></w:p></w:body></w:document>";
    clasm_diags d;
    clasm_diags_init(&d);
    xmlDocPtr owned = pkg_parse_xml_owned((const unsigned char *)xml, strlen(xml), "t.docx",
                                          "word/document.xml", &d);
    xmlDocPtr shared = pkg_parse_xml_bytes((const unsigned char *)xml, strlen(xml), "t.docx",
                                           "word/document.xml", &d);
    assert_non_null(owned);
    assert_non_null(shared);
    assert_null(owned->dict);
    assert_non_null(shared->dict); /* the default, which per-draft trees keep */
    xmlDocPtr copy = xmlCopyDoc(owned, 1);
    assert_non_null(copy);
    assert_null(copy->dict);
    assert_string_equal((const char *)xmlDocGetRootElement(copy)->name, "document");
    xmlFreeDoc(copy);
    xmlFreeDoc(owned);
    xmlFreeDoc(shared);
    assert_int_equal(d.count, 0);
    clasm_diags_free(&d);
}

/* structure_markers_copy: the same markers with strings of their own. */
static void test_markers_copy(void **state)
{
    (void)state;
    const char *xml =
        FX_XML_DECL "<w:document xmlns:w=\"" FX_W_NS "\"><w:body>"
                    "<w:p><w:r><w:t>{{#if reseller}}</w:t></w:r></w:p>"
                    "<w:p><w:r><w:t>text</w:t></w:r></w:p>"
                    "<w:p><w:r><w:t>{{/if}}</w:t></w:r></w:p>"
                    "<w:p><w:r><w:t>{{ clauses: export-control, data-handling }}</w:t></w:r></w:p>"
                    "</w:body></w:document>";
    clasm_diags d;
    clasm_diags_init(&d);
    xmlDocPtr doc = pkg_parse_xml_owned((const unsigned char *)xml, strlen(xml), "t.docx",
                                        "word/document.xml", &d);
    assert_non_null(doc);
    structure_markers m, c;
    assert_int_equal(structure_scan(doc, "t.docx", "word/document.xml", 1, &m, &d), 0);
    assert_int_equal(m.count, 3);
    assert_int_equal(structure_markers_copy(&m, &c), 0);
    assert_int_equal(c.count, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(c.items[i].kind, m.items[i].kind);
        assert_ptr_equal(c.items[i].node, m.items[i].node);
        assert_int_equal(c.items[i].paragraph, m.items[i].paragraph);
        assert_int_equal(c.items[i].partner, m.items[i].partner);
        assert_int_equal(c.items[i].balanced, m.items[i].balanced);
        assert_int_equal(c.items[i].ncategories, m.items[i].ncategories);
        assert_null(c.items[i].anchor);
    }
    assert_string_equal(c.items[0].expr, "reseller");
    assert_ptr_not_equal(c.items[0].expr, m.items[0].expr);
    assert_int_equal(c.items[2].ncategories, 2);
    assert_string_equal(c.items[2].categories[1], "data-handling");
    assert_ptr_not_equal(c.items[2].categories[1], m.items[2].categories[1]);
    structure_markers_free(&m);
    assert_string_equal(c.items[2].categories[0], "export-control"); /* its own */
    structure_markers_free(&c);
    xmlFreeDoc(doc);
    clasm_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drafts_in_any_order_from_one_template),
        cmocka_unit_test(test_static_runs_change_no_byte),
        cmocka_unit_test(test_most_clauses_compiled),
        cmocka_unit_test(test_conditionals_parsed_once),
        cmocka_unit_test(test_compiled_values_change_no_byte),
        cmocka_unit_test(test_heading_numbered_by_a_draft_num),
        cmocka_unit_test(test_compile_out_of_memory),
        cmocka_unit_test(test_threads_share_one_template),
        cmocka_unit_test(test_large_part_parsed_for_each_draft),
    };
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(test_kept_parts_have_no_dictionary),
        cmocka_unit_test(test_markers_copy),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    return failed + cmocka_run_group_tests(plain, NULL, NULL);
}
