/* The library's catalogue as JSON (clasm_catalogue_json): what a form that
 * writes deals reads. The library's terms first, then the keys only the
 * templates use, each once, with every document whose template uses it,
 * whether in a placeholder or in a conditional. */
#include "clasm.h"
#include "docx_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/libraries"
#endif

#define P(text) "<w:p><w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r></w:p>"

/* A template of body, written to a temporary file and opened. */
static clasm_template *open_body(const char *body, char *path, size_t size)
{
    snprintf(path, size, "/tmp/clasm-catalogue-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    size_t len = 0;
    unsigned char *z = fx_docx(body, &len);
    assert_non_null(z);
    assert_int_equal(fx_write_file(path, z, len), 0);
    free(z);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_template *tpl = NULL;
    if (clasm_template_open(path, &tpl, &d) != CLASM_OK)
        clasm_diags_print(stderr, &d);
    clasm_diags_free(&d);
    assert_non_null(tpl);
    return tpl;
}

static clasm_library *basic(void)
{
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = NULL;
    if (clasm_library_load(FIXTURES "/basic", &lib, &d) != CLASM_OK)
        clasm_diags_print(stderr, &d);
    clasm_diags_free(&d);
    assert_non_null(lib);
    return lib;
}

static json_t *term(json_t *cat, const char *key)
{
    json_t *terms = json_object_get(cat, "terms");
    for (size_t i = 0; i < json_array_size(terms); i++) {
        json_t *t = json_array_get(terms, i);
        if (strcmp(json_string_value(json_object_get(t, "key")), key) == 0)
            return t;
    }
    return NULL;
}

static size_t count_key(json_t *cat, const char *key)
{
    json_t *terms = json_object_get(cat, "terms");
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(terms); i++)
        n += strcmp(json_string_value(json_object_get(json_array_get(terms, i), "key")), key) == 0;
    return n;
}

static void test_library_only(void **state)
{
    (void)state;
    clasm_library *lib = basic();
    char *s = clasm_catalogue_json(lib, NULL);
    assert_non_null(s);
    json_t *cat = json_loads(s, 0, NULL);
    assert_non_null(cat);
    assert_true(json_is_string(json_object_get(cat, "library")));
    assert_int_equal(json_array_size(json_object_get(cat, "documents")), CLASM_DOC_COUNT);
    assert_int_equal(json_array_size(json_object_get(cat, "areas")), 4);
    assert_int_equal(json_array_size(json_object_get(cat, "tiers")), 4);
    assert_int_equal(json_array_size(json_object_get(cat, "categories")), 4);
    /* The library's terms alone, in its order, with kind and default. */
    json_t *terms = json_object_get(cat, "terms");
    assert_int_equal(json_array_size(terms), 2);
    json_t *t = json_array_get(terms, 1);
    assert_string_equal(json_string_value(json_object_get(t, "key")), "notice_days");
    assert_string_equal(json_string_value(json_object_get(t, "label")), "Notice period");
    assert_string_equal(json_string_value(json_object_get(t, "kind")), "days");
    assert_string_equal(json_string_value(json_object_get(t, "default")), "10");
    assert_null(json_object_get(t, "template_only"));
    json_decref(cat);
    free(s);
    assert_null(clasm_catalogue_json(NULL, NULL));
    clasm_library_free(lib);
}

static void test_template_terms(void **state)
{
    (void)state;
    clasm_library *lib = basic();
    char p1[64], p2[64];
    /* The contract's template prints fees and tests region; the EULA's
     * prints fees and a library term, which is not listed again. */
    clasm_template *contract = open_body(P("Fees: {{ terms.fees }}") P("{{#if terms.region}}")
                                             P("In the region.") P("{{/if}}"),
                                         p1, sizeof p1);
    clasm_template *eula =
        open_body(P("{{ terms.fees }} within {{ terms.notice_days }} days"), p2, sizeof p2);
    const clasm_template *tpls[CLASM_DOC_COUNT] = {0};
    tpls[CLASM_DOC_CONTRACT] = contract;
    tpls[CLASM_DOC_EULA] = eula;
    char *s = clasm_catalogue_json(lib, tpls);
    assert_non_null(s);
    json_t *cat = json_loads(s, 0, NULL);
    assert_non_null(cat);
    assert_int_equal(json_array_size(json_object_get(cat, "terms")), 4);
    assert_int_equal(count_key(cat, "fees"), 1);
    assert_int_equal(count_key(cat, "notice_days"), 1);
    json_t *fees = term(cat, "fees");
    assert_non_null(fees);
    assert_true(json_is_true(json_object_get(fees, "template_only")));
    assert_string_equal(json_string_value(json_object_get(fees, "kind")), "text");
    json_t *docs = json_object_get(fees, "documents");
    assert_int_equal(json_array_size(docs), 2);
    assert_string_equal(json_string_value(json_array_get(docs, 0)), "contract");
    assert_string_equal(json_string_value(json_array_get(docs, 1)), "eula");
    /* A key only a conditional tests is one the deal may give too. */
    json_t *region = term(cat, "region");
    assert_non_null(region);
    assert_int_equal(json_array_size(json_object_get(region, "documents")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(region, "documents"), 0)),
                        "contract");
    json_decref(cat);
    free(s);
    clasm_template_free(contract);
    clasm_template_free(eula);
    unlink(p1);
    unlink(p2);
    clasm_library_free(lib);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_only),
        cmocka_unit_test(test_template_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
