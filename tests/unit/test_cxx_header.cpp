// The public API from C++: clasm.h must compile in a C++ translation unit
// (extern "C", no C-only types such as C11 atomics), and a C++ client can
// load the library, select and assemble a draft into memory through it.
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <cmocka.h>
}

#include "clasm.h"

static void test_select_and_assemble_from_cxx(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_library *lib = nullptr;
    assert_int_equal(clasm_library_load("clauses", &lib, &d), CLASM_OK);
    clasm_deal *deal = nullptr;
    assert_int_equal(
        clasm_deal_load("examples/deals/direct-biometric-security-service.yaml", &deal, &d),
        CLASM_OK);
    clasm_plan *plan = nullptr;
    assert_int_equal(clasm_select(lib, deal, CLASM_DOC_CONTRACT, &plan, &d), CLASM_OK);
    assert_string_equal(clasm_plan_tier(plan), "severe");
    assert_true(clasm_plan_escalate(plan));
    assert_true(clasm_plan_clause_count(plan) > 10);
    char *json = clasm_plan_json(plan, nullptr);
    assert_non_null(json);
    assert_non_null(std::strstr(json, "\"because\""));
    std::free(json);

    clasm_template *tpl = nullptr;
    assert_int_equal(clasm_template_open("templates/contract.docx", &tpl, &d), CLASM_OK);
    unsigned char *data = nullptr;
    size_t len = 0;
    assert_int_equal(clasm_assemble_buffer(tpl, lib, deal, plan, 0, &data, &len, &d), CLASM_OK);
    assert_true(len > 1000);
    assert_memory_equal(data, "PK", 2); /* a ZIP package */
    std::free(data);
    assert_int_equal(clasm_diags_errors(&d), 0);

    clasm_template_free(tpl);
    clasm_plan_free(plan);
    clasm_deal_free(deal);
    clasm_library_free(lib);
    clasm_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_and_assemble_from_cxx),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
