/* Real Word files written by other projects (../shared/corpus): each opens,
 * has our placeholders filled in every part a draft fills, is written and
 * reopened with every XML part parsed strictly, and keeps everything that is
 * not ours (other engines' single-brace tags, unchanged parts byte for
 * byte); or it is refused with a clear reason (Strict OOXML). Skips visibly
 * when ../shared is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clasm.h"
#include "docx_fixture.h"
#include "docx_text.h"
#include "package.h"
#include "placeholder.h"
#include "template.h"

typedef struct {
    char **items;
    size_t count;
} file_list;

static void collect(const char *dir, file_list *list)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        size_t n = strlen(de->d_name);
        if (S_ISDIR(st.st_mode)) {
            collect(path, list);
        } else if (n > 5 && strcmp(de->d_name + n - 5, ".docx") == 0) {
            list->items = realloc(list->items, (list->count + 1) * sizeof *list->items);
            list->items[list->count++] = strdup(path);
        }
    }
    closedir(d);
}

/* The corpus folder (../shared/corpus, or $CLASM_SHARED/corpus) into out;
 * the test is skipped, visibly, when it is absent. */
static void corpus_dir(char *out, size_t size)
{
    const char *shared = getenv("CLASM_SHARED");
    snprintf(out, size, "%s/corpus", shared && *shared ? shared : "../shared");
    struct stat st;
    if (stat(out, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("SKIP corpus: %s is absent (set CLASM_SHARED to the shared folder)\n", out);
        skip();
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every value asked for gets one, with characters that need escaping. */
typedef struct {
    char buf[64][160];
    size_t used;
} answers;

static const char *answer(void *ctx, const char *path)
{
    answers *a = ctx;
    if (a->used == 64)
        return "V";
    char *s = a->buf[a->used++];
    snprintf(s, 160, "<%s> & \"done\"", path);
    return s;
}

/* The single-brace tokens "{...}" (no nested braces) of every paragraph of
 * a part, concatenated in order. */
static char *single_brace_tokens(xmlDocPtr doc)
{
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs(doc, &ps);
    size_t cap = 256, len = 0;
    char *out = calloc(1, cap);
    for (size_t i = 0; i < np; i++) {
        char *t = docx_paragraph_text(ps[i]);
        for (char *o = strchr(t, '{'); o; o = strchr(o + 1, '{')) {
            if (o[1] == '{' || (o > t && o[-1] == '{'))
                continue;
            size_t n = strcspn(o + 1, "{}");
            if (o[1 + n] != '}')
                continue;
            while (len + n + 4 > cap)
                out = realloc(out, cap *= 2);
            memcpy(out + len, o, n + 2);
            len += n + 2;
            out[len++] = '|';
            out[len] = '\0';
        }
        free(t);
    }
    free(ps);
    return out;
}

/* With CLASM_CORPUS_KEEP=DIR, outputs are kept there (as NAME.out.docx and
 * NAME.filled.docx) for tests/fixtures/docx/validate-corpus.sh; otherwise
 * removed. */
static void keep_output(const char *out, const char *base, const char *tag)
{
    const char *keep = getenv("CLASM_CORPUS_KEEP");
    if (keep && *keep) {
        char dest[1024];
        snprintf(dest, sizeof dest, "%s/%.*s%s.docx", keep, (int)(strlen(base) - 5), base,
                 tag[0] ? tag : ".out");
        assert_int_equal(rename(out, dest), 0);
    } else {
        unlink(out);
    }
}

static void check_one(const char *path, const char *outdir, int *opened, int *refused)
{
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    const char *base = strrchr(path, '/') + 1;
    clasm_status st = pkg_open(path, &p, &d);
    if (st != CLASM_OK) {
        /* Only Strict OOXML is expected to be refused, with its reason. */
        assert_int_equal(st, CLASM_E_INPUT);
        assert_true(d.count > 0);
        printf("  refused %s: %s [%s]\n", base, d.items[0].message, d.items[0].id);
        assert_string_equal(base, "strict-format.docx");
        assert_string_equal(d.items[0].id, "strict-ooxml-unsupported");
        (*refused)++;
        clasm_diags_free(&d);
        return;
    }
    const char *parts[64];
    size_t nparts = docx_fill_parts(p, parts, 64);
    assert_true(nparts >= 1);
    /* Before: our placeholders and the other engines' tags, per part. */
    char *tokens_before[64];
    size_t ours = 0;
    for (size_t i = 0; i < nparts; i++) {
        size_t len = 0;
        const unsigned char *b = pkg_bytes(p, parts[i], &len);
        xmlDocPtr doc = pkg_parse_xml_bytes(b, len, path, parts[i], &d);
        assert_non_null(doc);
        char **paths = NULL;
        size_t n = docx_list_placeholders(doc, &paths);
        ours += n;
        docx_strings_free(paths, n);
        tokens_before[i] = single_brace_tokens(doc);
        xmlFreeDoc(doc);
    }
    pkg_edit *e = pkg_edit_new(p);
    answers *a = calloc(1, sizeof *a);
    docx_values v = {a, answer};
    int tag_refused = 0;
    st = docx_fill_package(e, path, &v, &d);
    if (st != CLASM_OK) {
        /* Other engines' double-brace syntax that is not a value of ours
         * (easy-template-x's {{>> loop}}) is refused, every tag named. */
        assert_int_equal(st, CLASM_E_INPUT);
        assert_true(d.count > 0);
        for (size_t i = 0; i < d.count; i++) {
            const char *id = d.items[i].id;
            assert_true(strcmp(id, "malformed-tag") == 0 ||
                        strcmp(id, "misplaced-structural-tag") == 0 ||
                        strcmp(id, "unclosed-tag") == 0);
            assert_non_null(d.items[i].part);
            assert_true(d.items[i].paragraph > 0);
        }
        printf("  refused %s: %zu tag problem(s), first: %s, paragraph %d: %s [%s]\n", base,
               d.count, d.items[0].part, d.items[0].paragraph, d.items[0].message, d.items[0].id);
        (*refused)++;
        /* A clasm draft would stop here; the rest still checks that the
         * values of ours among those tags were filled and the package
         * written from the filled parts is sound. */
        clasm_diags_free(&d);
        clasm_diags_init(&d);
        tag_refused = 1;
    }
    assert_int_equal(d.count, 0);
    assert_int_equal(a->used, ours);
    if (ours)
        printf("  %s: filled %zu placeholder(s) of ours\n", base, a->used);
    /* After: none of ours left, values present, other tags untouched. */
    for (size_t i = 0; i < nparts; i++) {
        xmlDocPtr doc = pkg_edit_parse(e, parts[i], &d);
        assert_non_null(doc);
        char **paths = NULL;
        size_t n = docx_list_placeholders(doc, &paths);
        assert_int_equal(n, 0);
        docx_strings_free(paths, n);
        char *after = single_brace_tokens(doc);
        assert_string_equal(tokens_before[i], after);
        free(after);
        free(tokens_before[i]);
        xmlFreeDoc(doc);
    }
    char out[1024];
    snprintf(out, sizeof out, "%s/out.docx", outdir);
    assert_int_equal(pkg_edit_write(e, out, &d), CLASM_OK);
    /* Reopening parses every XML part strictly again. */
    pkg *o = NULL;
    st = pkg_open(out, &o, &d);
    if (st != CLASM_OK)
        clasm_diags_print(stderr, &d);
    assert_int_equal(st, CLASM_OK);
    assert_int_equal(pkg_entry_count(o), pkg_entry_count(p));
    for (size_t i = 0; i < pkg_entry_count(p); i++) {
        const char *name = pkg_entry_name(p, i);
        assert_string_equal(pkg_entry_name(o, i), name);
        if (pkg_edit_has(e, name) && !pkg_has(p, name))
            continue;
        size_t l1 = 0, l2 = 0;
        const unsigned char *b1 = pkg_bytes(p, name, &l1);
        const unsigned char *b2 = pkg_bytes(o, name, &l2);
        int filled_part = 0;
        for (size_t k = 0; k < nparts; k++)
            filled_part |= strcmp(parts[k], name) == 0;
        if (!filled_part || a->used == 0) {
            assert_int_equal(l1, l2);
            assert_memory_equal(b1, b2, l1);
        }
    }
    if (a->used > 0) {
        size_t len = 0;
        int found = 0;
        for (size_t k = 0; k < nparts && !found; k++) {
            const char *x = (const char *)pkg_bytes(o, parts[k], &len);
            found = strstr(x, "&amp; \"done\"") != NULL;
        }
        assert_true(found);
    }
    pkg_free(o);
    keep_output(out, base, "");
    if (!tag_refused)
        (*opened)++;
    free(a);
    pkg_edit_free(e);
    pkg_free(p);
    clasm_diags_free(&d);
}

static void test_corpus_passes_through(void **state)
{
    (void)state;
    char corpus[1024];
    corpus_dir(corpus, sizeof corpus);
    file_list list = {NULL, 0};
    collect(corpus, &list);
    if (list.count == 0) {
        printf("SKIP corpus: no .docx under %s\n", corpus);
        skip();
    }
    qsort(list.items, list.count, sizeof *list.items, cmp_str);
    char outdir[] = "/tmp/clasm-corpus-XXXXXX";
    assert_non_null(mkdtemp(outdir));
    int opened = 0, refused = 0;
    for (size_t i = 0; i < list.count; i++) {
        check_one(list.items[i], outdir, &opened, &refused);
        free(list.items[i]);
    }
    free(list.items);
    rmdir(outdir);
    printf("  corpus: %d passed through, %d refused with a reason\n", opened, refused);
    assert_true(opened > 0);
}

/* Turns every "{" / "}" of the w:t text of a part into "{{" / "}}", so the
 * other engines' tags, split over runs exactly as Word split them, become
 * placeholders of ours. */
static void double_braces(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (docx_is_w(n, "t")) {
            xmlChar *c = xmlNodeGetContent(n);
            size_t len = strlen((const char *)c);
            char *d = malloc(2 * len + 1);
            size_t o = 0;
            for (size_t i = 0; i < len; i++) {
                d[o++] = (char)c[i];
                if (c[i] == '{' || c[i] == '}')
                    d[o++] = (char)c[i];
            }
            d[o] = '\0';
            while (n->children) {
                xmlNodePtr k = n->children;
                xmlUnlinkNode(k);
                xmlFreeNode(k);
            }
            xmlAddChild(n, xmlNewDocText(n->doc, BAD_CAST d));
            free(d);
            xmlFree(c);
        } else if (n->type == XML_ELEMENT_NODE) {
            double_braces(n->children);
        }
    }
}

/* The paragraph texts of a part, each with its value tags replaced by what
 * answer() gives (computed on the text, not on the XML). */
static char **expected_texts(xmlDocPtr doc, size_t *count)
{
    xmlNodePtr *ps = NULL;
    size_t np = docx_paragraphs(doc, &ps);
    char **out = calloc(np ? np : 1, sizeof *out);
    for (size_t i = 0; i < np; i++) {
        char *t = docx_paragraph_text(ps[i]);
        tag *tags = NULL;
        size_t nt = tags_scan(t, &tags);
        size_t cap = strlen(t) + 1 + nt * 200, o = 0, at = 0;
        char *x = malloc(cap);
        for (size_t k = 0; k < nt; k++) {
            if (tags[k].kind != TAG_VALUE)
                continue;
            memcpy(x + o, t + at, tags[k].start - at);
            o += tags[k].start - at;
            o += (size_t)snprintf(x + o, cap - o, "<%s> & \"done\"", tags[k].path);
            at = tags[k].end;
        }
        snprintf(x + o, cap - o, "%s", t + at);
        out[i] = x;
        tags_free(tags, nt);
        free(t);
    }
    free(ps);
    *count = np;
    return out;
}

static void check_split(const char *path, const char *outdir, int *filled_files, int *tag_refused)
{
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    if (pkg_open(path, &p, &d) != CLASM_OK) {
        clasm_diags_free(&d);
        return; /* refusals are checked by the other test */
    }
    const char *parts[64];
    size_t nparts = docx_fill_parts(p, parts, 64);
    pkg_edit *e = pkg_edit_new(p);
    char **want[64];
    size_t nwant[64];
    for (size_t i = 0; i < nparts; i++) {
        xmlDocPtr doc = pkg_edit_parse(e, parts[i], &d);
        assert_non_null(doc);
        double_braces(xmlDocGetRootElement(doc));
        assert_int_equal(pkg_edit_set_xml(e, parts[i], doc), 0);
        want[i] = expected_texts(doc, &nwant[i]);
        xmlFreeDoc(doc);
    }
    answers *a = calloc(1, sizeof *a);
    docx_values v = {a, answer};
    clasm_status st = docx_fill_package(e, path, &v, &d);
    if (st != CLASM_OK) {
        for (size_t i = 0; i < d.count; i++) {
            const char *id = d.items[i].id;
            assert_true(strcmp(id, "malformed-tag") == 0 ||
                        strcmp(id, "misplaced-structural-tag") == 0 ||
                        strcmp(id, "unclosed-tag") == 0);
        }
        (*tag_refused)++;
    } else if (a->used > 0) {
        (*filled_files)++;
        /* The filled package is written and reopens with every part sound. */
        char out[1024];
        snprintf(out, sizeof out, "%s/filled.docx", outdir);
        assert_int_equal(pkg_edit_write(e, out, &d), CLASM_OK);
        pkg *o = NULL;
        assert_int_equal(pkg_open(out, &o, &d), CLASM_OK);
        pkg_free(o);
        keep_output(out, strrchr(path, '/') + 1, ".filled");
    }
    /* Whatever was refused, every value tag was filled in place. */
    for (size_t i = 0; i < nparts; i++) {
        xmlDocPtr doc = pkg_edit_parse(e, parts[i], &d);
        assert_non_null(doc);
        xmlNodePtr *ps = NULL;
        size_t np = docx_paragraphs(doc, &ps);
        assert_int_equal(np, nwant[i]);
        for (size_t k = 0; k < np; k++) {
            char *t = docx_paragraph_text(ps[k]);
            if (strcmp(t, want[i][k]) != 0)
                fprintf(stderr, "%s %s paragraph %zu:\n got  %s\n want %s\n", path, parts[i], k + 1,
                        t, want[i][k]);
            assert_string_equal(t, want[i][k]);
            free(t);
            free(want[i][k]);
        }
        free(want[i]);
        free(ps);
        xmlFreeDoc(doc);
    }
    free(a);
    pkg_edit_free(e);
    pkg_free(p);
    clasm_diags_free(&d);
}

static void test_corpus_split_tags_as_ours(void **state)
{
    (void)state;
    char corpus[1024];
    corpus_dir(corpus, sizeof corpus);
    file_list list = {NULL, 0};
    collect(corpus, &list);
    qsort(list.items, list.count, sizeof *list.items, cmp_str);
    int filled = 0, refused = 0;
    char outdir[] = "/tmp/clasm-corpus-XXXXXX";
    assert_non_null(mkdtemp(outdir));
    for (size_t i = 0; i < list.count; i++) {
        check_split(list.items[i], outdir, &filled, &refused);
        free(list.items[i]);
    }
    free(list.items);
    rmdir(outdir);
    printf("  corpus tags as ours: %d file(s) filled cleanly, %d with loop/odd tags refused\n",
           filled, refused);
    assert_true(filled > 0);
}

/* file with an insertion point ({{ clauses }}) added at the end of its
 * main part's body, written to out. 0, or -1 when the file is not a
 * package clasm opens. */
static int with_insertion_point(const char *file, const char *out)
{
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    int rc = -1;
    if (pkg_open(file, &p, &d) == CLASM_OK) {
        pkg_edit *e = pkg_edit_new(p);
        const char *main_part = pkg_main_part(p);
        xmlDocPtr doc = main_part ? pkg_edit_xml(e, main_part, &d) : NULL;
        xmlNodePtr body = doc ? docx_w_child(xmlDocGetRootElement(doc), "body") : NULL;
        if (body) {
            xmlNsPtr w = xmlSearchNsByHref(doc, body, BAD_CAST W_NS);
            xmlNodePtr para = xmlNewDocNode(doc, w, BAD_CAST "p", NULL);
            xmlNodePtr r = xmlNewChild(para, w, BAD_CAST "r", NULL);
            xmlNewTextChild(r, w, BAD_CAST "t", BAD_CAST "{{ clauses }}");
            xmlNodePtr last = xmlGetLastChild(body);
            if (last && docx_is_w(last, "sectPr"))
                xmlAddPrevSibling(last, para);
            else
                xmlAddChild(body, para);
            if (pkg_edit_changed(e, main_part) == 0 && pkg_edit_write(e, out, &d) == CLASM_OK)
                rc = 0;
        }
        pkg_edit_free(e);
    }
    pkg_free(p);
    clasm_diags_free(&d);
    return rc;
}

/* The draft of plan from tpl: its status, and its bytes in *bytes. */
static clasm_status draft(const clasm_template *tpl, const clasm_library *lib,
                          const clasm_deal *deal, const clasm_plan *plan, unsigned char **bytes,
                          size_t *len)
{
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_status s = clasm_assemble_buffer(tpl, lib, deal, plan, 0, bytes, len, &d);
    clasm_diags_free(&d);
    return s;
}

/* Every corpus file as a template, with an insertion point added: opened
 * with its static runs, opened whole (each draft copying the whole tree),
 * and with the library's clauses compiled, the drafts of every document of
 * an example deal are byte for byte the same (or fail alike). Real
 * documents' styles, numbering and namespaces, not only the project's
 * templates. */
static void test_corpus_static_and_compiled_change_no_byte(void **state)
{
    (void)state;
    char corpus[1024];
    corpus_dir(corpus, sizeof corpus);
    const char *root = getenv("CLASM_SOURCE_DIR");
    char lib_dir[1024], deal_path[1024];
    snprintf(lib_dir, sizeof lib_dir, "%s/clauses", root ? root : ".");
    snprintf(deal_path, sizeof deal_path, "%s/examples/deals/all-risks.yaml", root ? root : ".");
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    clasm_deal *deal = NULL;
    assert_int_equal(clasm_library_load(lib_dir, &lib, &d), CLASM_OK);
    assert_int_equal(clasm_deal_load(deal_path, &deal, &d), CLASM_OK);
    clasm_document docs[CLASM_DOC_COUNT];
    size_t nd = clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    for (size_t k = 0; k < nd; k++)
        assert_int_equal(clasm_select(lib, deal, docs[k], &plans[k], &d), CLASM_OK);
    file_list list = {NULL, 0};
    collect(corpus, &list);
    qsort(list.items, list.count, sizeof *list.items, cmp_str);
    char dir[] = "/tmp/clasm-corpus-drafts-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char tpl_path[1100];
    snprintf(tpl_path, sizeof tpl_path, "%s/template.docx", dir);
    int drafted = 0, compiled = 0, with_statics = 0;
    for (size_t i = 0; i < list.count; i++) {
        if (with_insertion_point(list.items[i], tpl_path) != 0) {
            free(list.items[i]);
            continue;
        }
        clasm_template *stat_t = NULL, *whole = NULL;
        clasm_status s1 = clasm_template_open(tpl_path, &stat_t, &d);
        clasm_status s2 = template_open_whole(tpl_path, &whole, &d);
        assert_int_equal(s1, s2);
        if (s1 == CLASM_OK) {
            with_statics += template_static_runs(stat_t) > 0;
            for (size_t k = 0; k < nd; k++) {
                unsigned char *a = NULL, *b = NULL, *c = NULL;
                size_t la = 0, lb = 0, lc = 0;
                clasm_status ra = draft(stat_t, lib, deal, plans[k], &a, &la);
                clasm_status rb = draft(whole, lib, deal, plans[k], &b, &lb);
                if (k == 0) {
                    assert_int_equal(clasm_template_compile(stat_t, lib, &d), CLASM_OK);
                    compiled += template_compiled_clauses(stat_t) > 0;
                }
                clasm_status rc = draft(stat_t, lib, deal, plans[k], &c, &lc);
                if (ra != rb || ra != rc)
                    fail_msg("%s (%s): status %d / %d / %d", list.items[i],
                             clasm_document_name(docs[k]), ra, rb, rc);
                if (ra == CLASM_OK) {
                    drafted++;
                    if (la != lb || memcmp(a, b, la) != 0)
                        fail_msg("%s (%s): the static runs changed the draft", list.items[i],
                                 clasm_document_name(docs[k]));
                    if (la != lc || memcmp(a, c, la) != 0)
                        fail_msg("%s (%s): the compiled clauses changed the draft", list.items[i],
                                 clasm_document_name(docs[k]));
                }
                free(a);
                free(b);
                free(c);
            }
        }
        clasm_template_free(stat_t);
        clasm_template_free(whole);
        unlink(tpl_path);
        free(list.items[i]);
    }
    free(list.items);
    rmdir(dir);
    printf("  corpus drafts: %d drafted alike three ways; %d template(s) with static runs, %d with "
           "clauses compiled\n",
           drafted, with_statics, compiled);
    assert_true(drafted > 0);
    for (size_t k = 0; k < nd; k++)
        clasm_plan_free(plans[k]);
    clasm_deal_free(deal);
    clasm_library_free(lib);
    clasm_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_passes_through),
        cmocka_unit_test(test_corpus_split_tags_as_ours),
        cmocka_unit_test(test_corpus_static_and_compiled_change_no_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
