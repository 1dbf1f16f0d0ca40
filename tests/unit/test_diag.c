/* Diagnostic lists: counting, promotion, appending, and the printed form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

#include <jansson.h>

static char *print_all(const clasm_diags *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    clasm_diags_print(f, d);
    fclose(f);
    return buf;
}

static void test_yaml_location_format(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    diag_at(&d, CLASM_SEV_ERROR, "unknown-key", "deal.yaml", 4, 7, "unknown key '%s'", "kindd");
    char *s = print_all(&d);
    assert_string_equal(s, "deal.yaml:4:7: error: unknown key 'kindd' [unknown-key]\n");
    free(s);
    clasm_diags_free(&d);
}

static void test_part_location_format(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    diag_part(&d, CLASM_SEV_WARNING, "no-insertion-point", "t.docx", "word/document.xml", 3,
              "no place for clauses");
    char *s = print_all(&d);
    assert_string_equal(s, "t.docx: word/document.xml, paragraph 3: warning: no place for clauses "
                           "[no-insertion-point]\n");
    free(s);
    clasm_diags_free(&d);
}

static void test_counts_promotion_and_append(void **state)
{
    (void)state;
    clasm_diags a, b;
    clasm_diags_init(&a);
    clasm_diags_init(&b);
    for (int i = 0; i < 20; i++)
        diag_at(&a, i % 2 ? CLASM_SEV_WARNING : CLASM_SEV_ERROR, "x", "f", i + 1, 1, "n%d", i);
    assert_int_equal(clasm_diags_errors(&a), 10);
    assert_int_equal(clasm_diags_warnings(&a), 10);
    clasm_diags_append(&b, &a);
    assert_int_equal(b.count, 20);
    assert_string_equal(b.items[19].message, "n19");
    assert_int_equal(b.items[19].line, 20);
    clasm_diags_promote_warnings(&b);
    assert_int_equal(clasm_diags_errors(&b), 20);
    assert_int_equal(clasm_diags_warnings(&a), 10);
    clasm_diags_free(&a);
    clasm_diags_free(&b);
    assert_int_equal(a.count, 0);
}

static void test_null_list_is_ignored(void **state)
{
    (void)state;
    diag_at(NULL, CLASM_SEV_ERROR, "x", NULL, 0, 0, "dropped");
    clasm_diags d;
    clasm_diags_init(&d);
    diag_at(&d, CLASM_SEV_ERROR, "io", NULL, 0, 0, "cannot read");
    char *s = print_all(&d);
    assert_string_equal(s, "error: cannot read [io]\n");
    free(s);
    clasm_diags_free(&d);
}

/* A problem about one value carries its key path; copies keep it; the
 * printed form does not change (line:column say where). */
static void test_field_path(void **state)
{
    (void)state;
    clasm_diags a, b;
    clasm_diags_init(&a);
    clasm_diags_init(&b);
    diag_field(&a, CLASM_SEV_ERROR, "unknown-country", "customer.country", "deal", 5, 35,
               "customer.country: '%s' is not a country", "xa");
    diag_at(&a, CLASM_SEV_ERROR, "syntax", "deal", 1, 2, "not JSON");
    diag_field(&a, CLASM_SEV_ERROR, "x", NULL, NULL, 0, 0, "no path");
    assert_string_equal(a.items[0].path, "customer.country");
    assert_null(a.items[1].path);
    assert_null(a.items[2].path);
    char *s = print_all(&a);
    assert_string_equal(s, "deal:5:35: error: customer.country: 'xa' is not a country "
                           "[unknown-country]\n"
                           "deal:1:2: error: not JSON [syntax]\n"
                           "error: no path [x]\n");
    free(s);
    clasm_diags_append(&b, &a);
    assert_string_equal(b.items[0].path, "customer.country");
    assert_ptr_not_equal(b.items[0].path, a.items[0].path);
    assert_null(b.items[1].path);
    diag_set_path(&b, 1, "terms.fees");
    diag_set_path(&b, 0, "customer.name");
    diag_set_path(&b, 7, "nowhere"); /* past the end: nothing */
    assert_string_equal(b.items[1].path, "terms.fees");
    assert_string_equal(b.items[0].path, "customer.name");
    assert_string_equal(a.items[0].path, "customer.country");
    clasm_diags_free(&a);
    clasm_diags_free(&b);
}

/* clasm_diags_add: a problem about no file, its message as given. */
static void test_add(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_diags_add(&d, CLASM_SEV_WARNING, "server-busy", "try again in 5% of a minute");
    clasm_diags_add(NULL, CLASM_SEV_ERROR, "ignored", "no list");
    assert_int_equal(d.count, 1);
    assert_int_equal(clasm_diags_warnings(&d), 1);
    assert_null(d.items[0].file);
    char *s = print_all(&d);
    assert_string_equal(s, "warning: try again in 5% of a minute [server-busy]\n");
    free(s);
    clasm_diags_free(&d);
}

/* clasm_diags_json: every problem in order with its place, the folders
 * taken out of messages, bytes that are not UTF-8 shown as \xNN. */
static void test_json(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    diag_field(&d, CLASM_SEV_ERROR, "unknown-country", "customer.country", "/srv/deals/d.yaml", 3,
               12, "in /srv/deals/d.yaml: 'Atlantis' is not a country");
    diag_part(&d, CLASM_SEV_WARNING, "unnumbered-reference", "/srv/tpl/t.docx", "word/document.xml",
              7, "the template /srv/tpl/t.docx has \xff");
    const char *strip[] = {"/srv/deals/", NULL, "", "/srv/"};
    char *s = clasm_diags_json(&d, strip, 4);
    assert_non_null(s);
    json_t *j = json_loads(s, 0, NULL);
    assert_non_null(j);
    json_t *errs = json_object_get(j, "errors");
    assert_int_equal(json_array_size(errs), 2);
    json_t *e0 = json_array_get(errs, 0), *e1 = json_array_get(errs, 1);
    assert_string_equal(json_string_value(json_object_get(e0, "id")), "unknown-country");
    assert_string_equal(json_string_value(json_object_get(e0, "message")),
                        "in d.yaml: 'Atlantis' is not a country");
    assert_int_equal(json_integer_value(json_object_get(e0, "line")), 3);
    assert_int_equal(json_integer_value(json_object_get(e0, "column")), 12);
    assert_string_equal(json_string_value(json_object_get(e0, "severity")), "error");
    assert_string_equal(json_string_value(json_object_get(e0, "path")), "customer.country");
    assert_null(json_object_get(e0, "part"));
    assert_string_equal(json_string_value(json_object_get(e1, "severity")), "warning");
    assert_string_equal(json_string_value(json_object_get(e1, "part")), "word/document.xml");
    assert_int_equal(json_integer_value(json_object_get(e1, "paragraph")), 7);
    assert_null(json_object_get(e1, "path"));
    assert_string_equal(json_string_value(json_object_get(e1, "message")),
                        "the template tpl/t.docx has \\xFF");
    json_decref(j);
    free(s);
    /* Without folders to take out, and with no problem at all. */
    s = clasm_diags_json(&d, NULL, 0);
    assert_non_null(strstr(s, "/srv/deals/d.yaml"));
    free(s);
    clasm_diags_free(&d);
    s = clasm_diags_json(&d, NULL, 0);
    j = json_loads(s, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(j, "errors")), 0);
    json_decref(j);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_location_format),
        cmocka_unit_test(test_part_location_format),
        cmocka_unit_test(test_counts_promotion_and_append),
        cmocka_unit_test(test_null_list_is_ignored),
        cmocka_unit_test(test_field_path),
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
