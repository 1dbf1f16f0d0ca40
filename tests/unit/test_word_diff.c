/* Word-level differences for clasm inspect. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "word_diff.h"

static void expect(const char *before, const char *after, size_t context, const char *want)
{
    char *got = word_diff(before, after, context);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_same_words_is_no_change(void **state)
{
    (void)state;
    expect("The Customer shall notify", "The  Customer\nshall notify ", 3, "");
    expect("", "", 3, "");
}

static void test_replacement_with_context(void **state)
{
    (void)state;
    expect("one two three four five six seven eight nine",
           "one two three four FIVE six seven eight nine", 2,
           "... three four [-five-] {+FIVE+} six seven ...");
}

static void test_insertion_and_deletion(void **state)
{
    (void)state;
    expect("a b c", "a b x c", 1, "... b {+x+} c");
    expect("a b x c", "a b c", 1, "... b [-x-] c");
    expect("a b c", "z a b c", 1, "{+z+} a ...");
    expect("a b c", "a b c z", 1, "... c {+z+}");
}

static void test_two_changes_far_apart_are_elided_between(void **state)
{
    (void)state;
    expect("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10", "W1 w2 w3 w4 w5 w6 w7 w8 w9 W10", 1,
           "[-w1-] {+W1+} w2 ... w9 [-w10-] {+W10+}");
}

static void test_everything_replaced(void **state)
{
    (void)state;
    expect("old text", "new words here", 3, "[-old text-] {+new words here+}");
    expect("only before", "", 3, "[-only before-]");
    expect("", "only after", 3, "{+only after+}");
}

static void test_realistic_clause_edit(void **state)
{
    (void)state;
    expect("The Customer shall notify the Supplier within 5 days of becoming aware of any "
           "Misuse.",
           "The Customer shall notify the Supplier within 30 business days of becoming aware of "
           "any Misuse.",
           3, "... the Supplier within [-5-] {+30 business+} days of becoming ...");
}

static void test_long_texts_fall_back_to_prefix_and_suffix(void **state)
{
    (void)state;
    size_t n = WORD_DIFF_MAX_WORDS + 10;
    char *a = malloc(n * 4 + 16), *b = malloc(n * 4 + 16);
    assert_non_null(a);
    assert_non_null(b);
    a[0] = b[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strcat(a, i % 2 ? "x " : "y ");
        strcat(b, i % 2 ? "y " : "x ");
    }
    char *got = word_diff(a, b, 2);
    assert_non_null(got);
    assert_non_null(strstr(got, "[-y x"));
    assert_non_null(strstr(got, "{+x y"));
    free(got);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_words_is_no_change),
        cmocka_unit_test(test_replacement_with_context),
        cmocka_unit_test(test_insertion_and_deletion),
        cmocka_unit_test(test_two_changes_far_apart_are_elided_between),
        cmocka_unit_test(test_everything_replaced),
        cmocka_unit_test(test_realistic_clause_edit),
        cmocka_unit_test(test_long_texts_fall_back_to_prefix_and_suffix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
