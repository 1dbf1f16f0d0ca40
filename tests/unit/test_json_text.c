/* json_text: file names that are not UTF-8 reach the JSON outputs escaped,
 * where json_string refused them (and the key was left out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "json_text.h"

/* The escaped rendering of s, checked against want, and json_text's value. */
static void expect_text(const char *s, const char *want)
{
    char *e = utf8_escape_invalid(s);
    assert_non_null(e);
    assert_string_equal(e, want);
    free(e);
    json_t *j = json_text(s);
    assert_non_null(j);
    assert_true(json_is_string(j));
    assert_string_equal(json_string_value(j), want);
    json_decref(j);
}

static void test_valid_kept(void **state)
{
    (void)state;
    expect_text("", "");
    expect_text("draft.docx", "draft.docx");
    /* Two-, three- and four-byte characters, and a literal backslash. */
    expect_text("Entw\xC3\xBCrfe/\xE5\xA5\x91\xE7\xB4\x84 \xF0\x9F\x93\x84 a\\xFF.docx",
                "Entw\xC3\xBCrfe/\xE5\xA5\x91\xE7\xB4\x84 \xF0\x9F\x93\x84 a\\xFF.docx");
    /* Control characters are valid UTF-8: JSON escapes them itself. */
    json_t *j = json_text("a\tb\x01");
    char *dump = json_dumps(j, JSON_ENCODE_ANY);
    assert_string_equal(dump, "\"a\\tb\\u0001\"");
    free(dump);
    json_decref(j);
}

static void test_invalid_escaped(void **state)
{
    (void)state;
    /* The case of the issue: byte 0xFF in a draft's name. json_string
     * refuses it; json_text writes \xFF. */
    assert_null(json_string("dr\xFF"
                            "aft.docx"));
    expect_text("dr\xFF"
                "aft.docx",
                "dr\\xFFaft.docx");
    /* Latin-1 e-acute, then valid UTF-8 after it. */
    expect_text("Caf\xE9 \xC3\xA9t\xC3\xA9", "Caf\\xE9 \xC3\xA9t\xC3\xA9");
    /* Overlong, surrogate, above U+10FFFF, a lone continuation byte, a
     * sequence cut short by the end and one cut short by another
     * character: each byte on its own. */
    expect_text("\xC0\xAF", "\\xC0\\xAF");
    expect_text("\xE0\x80\xAF", "\\xE0\\x80\\xAF");
    expect_text("\xED\xA0\x80", "\\xED\\xA0\\x80");
    expect_text("\xF4\x90\x80\x80", "\\xF4\\x90\\x80\\x80");
    expect_text("\xF5\x80", "\\xF5\\x80");
    expect_text("a\x80z", "a\\x80z");
    expect_text("end\xE2\x82", "end\\xE2\\x82");
    expect_text("\xE2\x82x", "\\xE2\\x82x");

    /* In a document, the string is valid JSON a parser reads back. */
    json_t *o = json_object();
    json_object_set_new(o, "draft",
                        json_text("dr\xFF"
                                  "aft.docx"));
    char *dump = json_dumps(o, 0);
    assert_string_equal(dump, "{\"draft\": \"dr\\\\xFFaft.docx\"}");
    json_t *back = json_loads(dump, 0, NULL);
    assert_non_null(back);
    assert_string_equal(json_string_value(json_object_get(back, "draft")), "dr\\xFFaft.docx");
    json_decref(back);
    free(dump);
    json_decref(o);
}

static void test_null(void **state)
{
    (void)state;
    json_t *j = json_text(NULL);
    assert_true(json_is_null(j));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_kept),
        cmocka_unit_test(test_invalid_escaped),
        cmocka_unit_test(test_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
