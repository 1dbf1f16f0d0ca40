/* Diagnostic lists: counting, promotion, appending, and the printed form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_location_format),
        cmocka_unit_test(test_part_location_format),
        cmocka_unit_test(test_counts_promotion_and_append),
        cmocka_unit_test(test_null_list_is_ignored),
        cmocka_unit_test(test_field_path),
    };
    return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
