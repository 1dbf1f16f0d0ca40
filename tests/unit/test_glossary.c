/* The glossary index (glossary.h): with the library's term uses worked
 * out when it loads, a draft's list of definitions and its undefined-term
 * reports are exactly those of matching every use against every
 * definition. */
#include "clasm.h"
#include "glossary.h"
#include "library.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *root(void)
{
    const char *r = getenv("CLASM_SOURCE_DIR");
    return r ? r : ".";
}

typedef struct {
    char calls[8192];
    size_t len;
} undefined_log;

static void log_undefined(void *ctx, const char *file, const char *who, const ct_span *use)
{
    undefined_log *l = ctx;
    int n = snprintf(l->calls + l->len, sizeof l->calls - l->len, "%s|%s|%s|%d:%d\n", file, who,
                     use->text, use->line, use->column);
    if (n > 0 && (size_t)n < sizeof l->calls - l->len)
        l->len += (size_t)n;
}

/* glossary_for with the index and without: the same uses, the same
 * reports. */
static size_t check_same(clasm_library *lib, const lib_clause *const *clauses, size_t n)
{
    undefined_log a = {{0}, 0}, b = {{0}, 0};
    size_t na = 0, nb = 0;
    assert_non_null(lib->glossary);
    glossary_use *ga = glossary_for(lib, clauses, n, &na, log_undefined, &a);
    glossary_index *saved = lib->glossary;
    lib->glossary = NULL;
    glossary_use *gb = glossary_for(lib, clauses, n, &nb, log_undefined, &b);
    lib->glossary = saved;
    assert_non_null(ga);
    assert_non_null(gb);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_ptr_equal(ga[i].def, gb[i].def);
        assert_ptr_equal(ga[i].owner, gb[i].owner);
    }
    assert_string_equal(a.calls, b.calls);
    free(ga);
    free(gb);
    return na; /* definitions used */
}

static void test_index_matches_every_definition(void **state)
{
    (void)state;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/clauses", root());
    clasm_library *lib = NULL;
    clasm_diags d;
    clasm_diags_init(&d);
    assert_int_equal(clasm_library_load(dir, &lib, &d), CLASM_OK);
    const lib_clause **all = calloc(lib->nclauses + 1, sizeof *all);
    size_t used = 0, found = 0;
    /* Each clause alone (terms defined inline by another clause are
     * reported), then every clause, then every other one. */
    for (size_t i = 0; i < lib->nclauses; i++) {
        const lib_clause *one = &lib->clauses[i];
        found += check_same(lib, &one, 1) > 0;
        all[i] = one;
    }
    assert_true(found > 10);
    check_same(lib, all, lib->nclauses);
    for (size_t i = 0; i < lib->nclauses; i += 2)
        all[used++] = &lib->clauses[i];
    check_same(lib, all, used);
    free(all);
    clasm_library_free(lib);
    clasm_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_matches_every_definition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
