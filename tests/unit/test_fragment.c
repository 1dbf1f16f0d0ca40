/* Compiled clause bodies (docx_fragment.h): the pieces of a clause filled
 * with a deal's values and the references' texts are byte for byte what
 * rendering the clause into a tree and serializing it gives, and so are
 * the paragraphs' stable texts; a clause whose bytes could differ is not
 * compiled, a value whose run could differ does not fit. */
#include "docx_fragment.h"
#include "docx_text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libxml/xmlIO.h>
#include <libxml/xmlsave.h>
#include <stdlib.h>
#include <string.h>

/* The nodes from first on, serialized as a draft's part is (UTF-8). */
static char *serialize(xmlDocPtr doc, xmlNodePtr first)
{
    xmlOutputBufferPtr buf = xmlAllocOutputBuffer(NULL);
    assert_non_null(buf);
    for (xmlNodePtr n = first; n; n = n->next)
        xmlNodeDumpOutput(buf, doc, n, 0, 0, "UTF-8");
    xmlOutputBufferFlush(buf);
    char *s = strdup((const char *)xmlOutputBufferGetContent(buf));
    xmlOutputBufferClose(buf);
    return s;
}

static xmlDocPtr new_doc(xmlNodePtr *root, xmlNsPtr *w)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    *root = xmlNewDocNode(doc, NULL, BAD_CAST "body", NULL);
    xmlDocSetRootElement(doc, *root);
    *w = xmlNewNs(*root, BAD_CAST W_NS, BAD_CAST "w");
    xmlSetNs(*root, *w);
    return doc;
}

/* The values of a render, given in span order. */
typedef struct {
    const char *const *values;
    size_t v;
} answers;

static const char *next_value(void *ctx, const ct_span *s)
{
    (void)s;
    answers *a = ctx;
    return a->values[a->v++];
}

static const char *bookmark(void *ctx, const ct_span *s)
{
    (void)ctx;
    return strcmp(s->text, "x") == 0 ? "_RefClasm0003" : "_RefClasm0011";
}

/* How a reference ends up: numbered (headed 0), or naming its heading
 * (1), or an empty heading (2). */
static void finish_field(docx_field *f, int headed)
{
    if (!headed) {
        assert_int_equal(docx_field_set(f, DOCX_FIELD_RESULT, "3.2"), 0);
        return;
    }
    char *word = docx_field_text(f, DOCX_FIELD_WORD);
    char instr[128];
    docx_ref_instruction(instr, sizeof instr, f->bookmark, 0);
    assert_int_equal(docx_field_set(f, DOCX_FIELD_WORD,
                                    word[0] == 'C' ? "The clause headed " : "the clause headed "),
                     0);
    assert_int_equal(docx_field_set(f, DOCX_FIELD_INSTR, instr), 0);
    assert_int_equal(
        docx_field_set(f, DOCX_FIELD_RESULT, headed == 1 ? "Audit & <Records>\tRights" : ""), 0);
    free(word);
}

/* markup filled with values (one per value span, in order) both ways. */
static void check_same(const char *markup, const char *const *values, int headed)
{
    ct_tree *t = ct_parse(markup);
    assert_non_null(t);
    docx_render_style st = {"ClauseBody", "ClauseList", 0};
    int oom = 1;
    docx_fragment *f = docx_fragment_compile(t, &st, &oom);
    assert_int_equal(oom, 0);
    if (!f)
        fail_msg("not compiled: %s", markup);
    size_t nv, nr;
    docx_fragment_values(f, &nv);
    const docx_fragment_span *refs = docx_fragment_refs(f, &nr);
    for (size_t k = 0; k < nv; k++)
        assert_true(docx_fragment_value_fits(values[k]));

    /* The tree: rendered with the values, its references finished. */
    xmlNodePtr root;
    xmlNsPtr w;
    xmlDocPtr doc = new_doc(&root, &w);
    answers a = {values, 0};
    docx_render_ctx rc = {&a, next_value, bookmark, NULL, 0};
    docx_fields tree_fields = {0};
    st.num_id = 42;
    assert_int_equal(docx_render_tree(root, doc, w, t, &st, &rc, &tree_fields), 0);
    assert_int_equal(tree_fields.count, nr);
    for (size_t k = 0; k < nr; k++)
        finish_field(&tree_fields.items[k], headed);
    char *want = serialize(doc, root->children);

    /* The pieces: the same values, fields without nodes. */
    docx_fields own = {0};
    const docx_field *fields[16];
    for (size_t k = 0; k < nr; k++) {
        const ct_span *s = &t->blocks[refs[k].block].spans[refs[k].span];
        assert_int_equal(
            docx_fields_add_texts(&own, bookmark(NULL, s), docx_fragment_ref_capital(f, k)),
            (long)k);
    }
    for (size_t k = 0; k < nr; k++) {
        finish_field(&own.items[k], headed);
        fields[k] = &own.items[k];
    }
    strbuf xml = {0};
    char **texts = NULL;
    size_t ntexts = 0;
    assert_int_equal(docx_fragment_write(f, values, fields, 42, &xml, &texts, &ntexts), 0);
    assert_string_equal(strbuf_str(&xml), want);
    assert_int_equal(ntexts, t->nblocks);
    size_t i = 0;
    for (xmlNodePtr p = root->children; p; p = p->next, i++) {
        char *stable = docx_paragraph_text_stable(p);
        assert_string_equal(texts[i], stable);
        free(stable);
        free(texts[i]);
    }
    free(texts);
    strbuf_free(&xml);
    free(want);
    docx_fields_free(&own);
    docx_fields_free(&tree_fields);
    xmlFreeDoc(doc);
    docx_fragment_free(f);
    ct_free(t);
}

static const char *const MARKUP =
    "The **Customer** shall, within {{ terms.days }} days of {{ terms.event }}, do what "
    "{{ clause x }} says.\n"
    "(a) an item for {{ customer.name }}, _in italics {{ terms.days }} and {{ clause y }}_;\n"
    "(i) a sub-item **\"Term\"** of {{ terms.event }}\n"
    "(b) {{ clause x }} applies. {{ clause y }} too.\n"
    "\n"
    "A last paragraph, without values.";

static void test_fill_equals_render(void **state)
{
    (void)state;
    static const char *const plain[] = {"30", "the Effective Date", "ACME Corp", "30",
                                        "the Effective Date"};
    static const char *const marked[] = {"3 & <4>", "a \"quoted\" 'event' > x",
                                         "Ärger \xE2\x80\x94 \xE2\x80\x9CKestova\xE2\x80\x9D",
                                         "line\nbreak", "tab\tand\rreturn"};
    for (int headed = 0; headed < 3; headed++) {
        check_same(MARKUP, plain, headed);
        check_same(MARKUP, marked, headed);
    }
    static const char *const none[] = {NULL};
    check_same("Plain text only.", none, 0);
    check_same("{{ clause x }} first.", none, 1);
}

static void check_not_compiled(const char *markup)
{
    ct_tree *t = ct_parse(markup);
    docx_render_style st = {"ClauseBody", NULL, 0};
    int oom = 1;
    docx_fragment *f = docx_fragment_compile(t, &st, &oom);
    if (f)
        fail_msg("compiled: %s", markup);
    assert_int_equal(oom, 0);
    ct_free(t);
}

static void test_what_is_not_compiled(void **state)
{
    (void)state;
    /* A draft's own list of definitions. */
    check_not_compiled("Meanings:\n\n{{ definitions }}");
    /* "Clause" or "clause": the value before the reference decides. */
    check_not_compiled("It ends with {{ terms.x }} {{ clause x }} here.");
    /* A mark in the clause's own text: U+F8F0, or the list number. */
    check_not_compiled("A private character \xEF\xA3\xB0 here.");
    check_not_compiled("(a) item number 987654321");
    /* Markup problems: lint reports them, the draft fails. */
    check_not_compiled("**unbalanced");
    /* The list number in a clause without list items is text. */
    ct_tree *t = ct_parse("Number 987654321 and \xEF\xA3\xB4.");
    docx_render_style st = {"ClauseBody", NULL, 0};
    int oom = 0;
    docx_fragment *f = docx_fragment_compile(t, &st, &oom);
    assert_null(f); /* 987654321 is read as a number mark: not compiled */
    ct_free(t);
}

static void test_value_fits(void **state)
{
    (void)state;
    static const char *const fit[] = {"a", "ACME & Co", "line\nbreak", "3", "\xC3\xA9t\xC3\xA9"};
    static const char *const misfit[] = {"",       " a",  "a ",    "a  b",
                                         "a\n\nb", "\tx", "\xC3(", "\xED\xA0\x80"};
    assert_false(docx_fragment_value_fits(NULL));
    for (size_t i = 0; i < sizeof fit / sizeof *fit; i++)
        assert_true(docx_fragment_value_fits(fit[i]));
    for (size_t i = 0; i < sizeof misfit / sizeof *misfit; i++)
        if (docx_fragment_value_fits(misfit[i]))
            fail_msg("fits: \"%s\"", misfit[i]);
}

/* The escape is libxml2's for text content: every ASCII byte, and UTF-8. */
static void test_escape_as_libxml2(void **state)
{
    (void)state;
    char all[200];
    size_t n = 0;
    for (int c = 1; c < 128; c++)
        all[n++] = (char)c;
    strcpy(all + n, "\xC3\xA9\xE2\x80\x94\xF0\x9F\x98\x80");
    const char *const cases[] = {all, "&amp; already", "]]>", "a\r\nb", ""};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        xmlNodePtr root;
        xmlNsPtr w;
        xmlDocPtr doc = new_doc(&root, &w);
        xmlNodePtr t = xmlNewChild(root, w, BAD_CAST "t", NULL);
        xmlAddChild(t, xmlNewDocText(doc, BAD_CAST cases[i]));
        char *want = serialize(doc, t);
        strbuf got = {0};
        strbuf_adds(&got, "<w:t>");
        docx_fragment_escape(&got, cases[i]);
        strbuf_adds(&got, "</w:t>");
        assert_string_equal(strbuf_str(&got), want);
        strbuf_free(&got);
        free(want);
        xmlFreeDoc(doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_equals_render),
        cmocka_unit_test(test_what_is_not_compiled),
        cmocka_unit_test(test_value_fits),
        cmocka_unit_test(test_escape_as_libxml2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
