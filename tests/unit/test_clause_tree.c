/* The clause tree (clause_tree.c): blocks and list items (nesting, (i) after
 * (h), continuation lines), spans (text, values, references, term uses and
 * inline definitions, italics), escapes, every markup problem with its id
 * and offset, and the WordprocessingML a tree becomes (docx_render.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "clause_tree.h"
#include "docx_render.h"
#include "docx_text.h"
#include "strbuf.h"

/* The visible text of a block, values and references shown as written. */
static char *block_text(const ct_block *b)
{
    strbuf s = {0};
    for (size_t i = 0; i < b->nspans; i++) {
        const ct_span *sp = &b->spans[i];
        switch (sp->kind) {
        case CT_TEXT:
        case CT_TERM:
            strbuf_adds(&s, sp->text);
            break;
        case CT_TERM_DEF:
            strbuf_addf(&s, "\"%s\"", sp->text);
            break;
        case CT_VALUE:
            strbuf_addf(&s, "{%s}", sp->text);
            break;
        case CT_REF:
            strbuf_addf(&s, "[%s|%s]", sp->text, sp->alt ? sp->alt : "");
            break;
        }
    }
    return strbuf_take(&s);
}

static const ct_issue *find_issue(const ct_tree *t, const char *id, size_t offset)
{
    for (size_t i = 0; i < t->nissues; i++)
        if (strcmp(t->issues[i].id, id) == 0 && t->issues[i].offset == offset)
            return &t->issues[i];
    return NULL;
}

static void test_blocks(void **state)
{
    (void)state;
    const char *text = "First line\ncontinues here.\n\n"
                       "Lead-in:\n"
                       "(a) one;\n"
                       "(b) two, with\n  a second line:\n"
                       "  (i) deeper;\n"
                       "  (ii) deeper still; and\n"
                       "(c) three.\n"
                       "\n\n  \n"
                       "Last paragraph.\n";
    ct_tree *t = ct_parse(text);
    assert_non_null(t);
    assert_int_equal(t->nblocks, 8);
    assert_int_equal(t->nissues, 0);
    const int levels[] = {-1, -1, 0, 0, 1, 1, 0, -1};
    const char *texts[] = {"First line continues here.",
                           "Lead-in:",
                           "one;",
                           "two, with a second line:",
                           "deeper;",
                           "deeper still; and",
                           "three.",
                           "Last paragraph."};
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(t->blocks[i].level, levels[i]);
        char *s = block_text(&t->blocks[i]);
        assert_string_equal(s, texts[i]);
        free(s);
    }
    /* Offsets point into the text: a list item's block starts at its label. */
    assert_int_equal(t->blocks[2].offset, (size_t)(strstr(text, "(a)") - text));
    assert_int_equal(t->blocks[2].spans[0].offset, (size_t)(strstr(text, "one;") - text));
    ct_free(t);
    /* The last block closes at the end of the text even without a blank. */
    t = ct_parse("A\n\nB");
    assert_int_equal(t->nblocks, 2);
    ct_free(t);
    t = ct_parse("");
    assert_int_equal(t->nblocks, 0);
    ct_free(t);
}

static void test_letter_i_after_h(void **state)
{
    (void)state;
    ct_tree *t = ct_parse("(a) a\n(b) b\n(c) c\n(d) d\n(e) e\n(f) f\n(g) g\n(h) h\n(i) letter i\n"
                          "(j) j\n(i) roman one\n(ii) roman two\n(k) k\n(i) roman five\n");
    assert_int_equal(t->nblocks, 14);
    const int levels[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1};
    for (size_t i = 0; i < t->nblocks; i++)
        assert_int_equal(t->blocks[i].level, levels[i]);
    assert_int_equal(t->nissues, 0);
    ct_free(t);
}

static void test_not_labels(void **state)
{
    (void)state;
    /* Words in brackets, labels without a following blank and upper case
     * are text, joined to the paragraph. */
    ct_tree *t = ct_parse("Start\n(see below) more\n(a)b\n(A) upper\n(abc) word");
    assert_int_equal(t->nblocks, 1);
    assert_int_equal(t->blocks[0].level, CT_BODY);
    char *s = block_text(&t->blocks[0]);
    assert_string_equal(s, "Start (see below) more (a)b (A) upper (abc) word");
    free(s);
    ct_free(t);
    /* An escaped label is text too. */
    t = ct_parse("\\(a) literal");
    assert_int_equal(t->nblocks, 1);
    assert_int_equal(t->blocks[0].level, CT_BODY);
    s = block_text(&t->blocks[0]);
    assert_string_equal(s, "(a) literal");
    free(s);
    ct_free(t);
}

static void test_spans(void **state)
{
    (void)state;
    const char *text = "The **Customer** shall _not_ use {{ terms.days }} days, see "
                       "{{ clause termination.cure }} and {{ clause grievance or \"the "
                       "grievance terms\" }}; a **\"Defined Term\"** and _the **Product**_.";
    ct_tree *t = ct_parse(text);
    assert_non_null(t);
    assert_int_equal(t->nissues, 0);
    assert_int_equal(t->nblocks, 1);
    const ct_block *b = &t->blocks[0];
    const struct {
        ct_kind kind;
        const char *text;
        int italic;
    } want[] = {{CT_TEXT, "The ", 0},        {CT_TERM, "Customer", 0},
                {CT_TEXT, " shall ", 0},     {CT_TEXT, "not", 1},
                {CT_TEXT, " use ", 0},       {CT_VALUE, "terms.days", 0},
                {CT_TEXT, " days, see ", 0}, {CT_REF, "termination.cure", 0},
                {CT_TEXT, " and ", 0},       {CT_REF, "grievance", 0},
                {CT_TEXT, "; a ", 0},        {CT_TERM_DEF, "Defined Term", 0},
                {CT_TEXT, " and ", 0},       {CT_TEXT, "the ", 1},
                {CT_TERM, "Product", 1},     {CT_TEXT, ".", 0}};
    assert_int_equal(b->nspans, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < b->nspans; i++) {
        assert_int_equal(b->spans[i].kind, want[i].kind);
        assert_string_equal(b->spans[i].text, want[i].text);
        assert_int_equal(b->spans[i].italic, want[i].italic);
    }
    assert_null(b->spans[7].alt);
    assert_string_equal(b->spans[9].alt, "the grievance terms");
    assert_int_equal(b->spans[5].offset, (size_t)(strstr(text, "{{ terms") - text));
    assert_int_equal(b->spans[1].offset, (size_t)(strstr(text, "**Customer") - text));
    ct_free(t);

    /* Unpaired markers and word-internal underscores stay literal; a
     * backslash escapes markup characters only. */
    t = ct_parse("2 \\*\\* 3 and snake_case_name and a_b plus \\_open C:\\dir \\\\");
    char *s = block_text(&t->blocks[0]);
    assert_string_equal(s, "2 ** 3 and snake_case_name and a_b plus _open C:\\dir \\");
    free(s);
    assert_int_equal(t->nissues, 0);
    ct_free(t);
    /* Curly quotes define a term too. */
    t = ct_parse("the **\xE2\x80\x9C"
                 "Effective Date\xE2\x80\x9D**");
    assert_int_equal(t->blocks[0].spans[1].kind, CT_TERM_DEF);
    assert_string_equal(t->blocks[0].spans[1].text, "Effective Date");
    ct_free(t);
}

static void test_definitions_block(void **state)
{
    (void)state;
    ct_tree *t = ct_parse("Intro.\n\n{{ definitions }}\n\nAfter {{ definitions }} here.");
    assert_int_equal(t->nblocks, 3);
    assert_false(t->blocks[0].definitions);
    assert_true(t->blocks[1].definitions);
    assert_false(t->blocks[2].definitions);
    assert_int_equal(t->nissues, 1);
    assert_string_equal(t->issues[0].id, "misplaced-definitions");
    ct_free(t);
}

static void test_markup_problems(void **state)
{
    (void)state;
    const char *t1 = "The **Customer shall pay.\n"
                     "\n"
                     "A **term** and _an open italic\n"
                     "\n"
                     "Closed **here** and **not there.";
    ct_tree *t = ct_parse(t1);
    assert_int_equal(t->nissues, 3);
    const ct_issue *x = find_issue(t, "unbalanced-bold", 4);
    assert_non_null(x);
    assert_int_equal(x->severity, CLASM_SEV_ERROR);
    assert_non_null(strstr(x->message, "'**' has no closing '**' in its paragraph"));
    x = find_issue(t, "unbalanced-italic", (size_t)(strstr(t1, "_an") - t1));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "'_' opens italics but nothing closes it"));
    assert_non_null(find_issue(t, "unbalanced-bold", (size_t)(strstr(t1, "**not") - t1)));
    ct_free(t);
    /* Bold does not pair across a blank line: both halves are wrong. */
    t = ct_parse("**one\n\ntwo**");
    assert_int_equal(t->nissues, 2);
    assert_non_null(find_issue(t, "unbalanced-bold", 0));
    assert_non_null(find_issue(t, "unbalanced-bold", 10));
    ct_free(t);
    /* Markers inside tags are not markup. */
    t = ct_parse("Pay {{ terms._x }} and {{ a**b }} now.");
    assert_int_equal(t->nissues, 1);
    assert_string_equal(t->issues[0].id, "malformed-tag");
    ct_free(t);
    /* Tags: one id for each mistake, the same as in templates. */
    const char *t2 = "{{ }} and {{#if reseller}} and {{ a b }} and {{ clause }} and "
                     "{{ clause x.y or }} and **{{ customer.name }}** and ** ** and {{ unclosed";
    t = ct_parse(t2);
    x = find_issue(t, "malformed-tag", (size_t)(strstr(t2, "{{ }}") - t2));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "empty placeholder"));
    x = find_issue(t, "malformed-tag", (size_t)(strstr(t2, "{{#if") - t2));
    assert_non_null(strstr(x->message, "is a template tag"));
    assert_non_null(find_issue(t, "malformed-tag", (size_t)(strstr(t2, "{{ a b") - t2)));
    assert_non_null(
        find_issue(t, "malformed-reference", (size_t)(strstr(t2, "{{ clause }}") - t2)));
    x = find_issue(t, "malformed-reference", (size_t)(strstr(t2, "{{ clause x.y") - t2));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "{{ clause ID or \"text"));
    assert_non_null(find_issue(t, "malformed-term", (size_t)(strstr(t2, "**{{") - t2)));
    assert_non_null(find_issue(t, "malformed-term", (size_t)(strstr(t2, "** **") - t2)));
    x = find_issue(t, "unclosed-tag", (size_t)(strstr(t2, "{{ unclosed") - t2));
    assert_non_null(x);
    assert_non_null(strstr(x->message, "never closed"));
    assert_int_equal(t->nissues, 8);
    ct_free(t);
}

static void test_list_problems(void **state)
{
    (void)state;
    const char *text = "(i) orphan\n"
                       "(b) first is b\n"
                       "(ii) first roman is ii\n"
                       "(iii) fine\n"
                       "(v) gap\n"
                       "(c) next\n"
                       "(e) skipped d\n";
    ct_tree *t = ct_parse(text);
    assert_int_equal(t->nissues, 5);
    const ct_issue *x = find_issue(t, "list-orphan", 0);
    assert_non_null(x);
    assert_string_equal(x->message, "list item (i) comes before any lettered item; a roman "
                                    "sub-item belongs under an (a), (b), ... item");
    x = find_issue(t, "list-order", (size_t)(strstr(text, "(b)") - text));
    assert_non_null(strstr(x->message, "the first lettered item is (b); expected (a)"));
    x = find_issue(t, "list-order", (size_t)(strstr(text, "(ii)") - text));
    assert_string_equal(x->message, "list item (ii) is the first sub-item of (b); expected (i)");
    x = find_issue(t, "list-order", (size_t)(strstr(text, "(v)") - text));
    assert_string_equal(x->message, "list item (v) follows (iii); expected (iv)");
    x = find_issue(t, "list-order", (size_t)(strstr(text, "(e)") - text));
    assert_non_null(strstr(x->message, "list item (e) follows (c); expected (d)"));
    ct_free(t);
}

static void test_term_matches(void **state)
{
    (void)state;
    assert_true(ct_term_matches("Authorized User", "Authorized User"));
    assert_true(ct_term_matches("Authorized Users", "Authorized User"));
    assert_true(ct_term_matches("Credible Complaints", "Credible Complaint"));
    assert_true(ct_term_matches("Businesses", "Business"));
    assert_false(ct_term_matches("Authorized Userx", "Authorized User"));
    assert_false(ct_term_matches("Authorized", "Authorized User"));
    assert_false(ct_term_matches("product", "Product"));
}

/* ------------------------------------------------------------ rendering */

static char *serialize(xmlNodePtr n)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlNodeDump(buf, n->doc, n, 0, 0);
    char *s = strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return s;
}

static const char *value_of(void *ctx, const ct_span *s)
{
    (void)ctx;
    if (strcmp(s->text, "customer.name") == 0)
        return "ACME <&> **Corp**\nline";
    return NULL;
}

static const char *bookmark_of(void *ctx, const ct_span *s)
{
    (void)ctx;
    return strcmp(s->text, "there") == 0 ? "_RefClasm0007" : NULL;
}

static void test_render(void **state)
{
    (void)state;
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "body", NULL);
    xmlDocSetRootElement(doc, root);
    xmlNsPtr w = xmlNewNs(root, BAD_CAST W_NS, BAD_CAST "w");
    xmlSetNs(root, w);
    ct_tree *t = ct_parse("The **Customer** is {{ customer.name }} & <x>, see {{ clause there }} "
                          "or {{ clause gone or \"the terms\" }} and {{ clause lost }}.\n"
                          "(a) an _italic_ **\"Term\"**\n");
    assert_int_equal(t->nissues, 0);
    docx_render_style st = {"ClauseBody", "ClauseList", 7};
    docx_render_ctx rc = {NULL, value_of, bookmark_of, NULL, 0};
    docx_fields fields = {0};
    assert_int_equal(docx_render_tree(root, doc, w, t, &st, &rc, &fields), 0);
    char *xml = serialize(root->children);
    /* Text, the term and the value in one run: a value is text (its markup
     * characters stay, its line break is a space). The reference is the
     * word "clause" (a run of its own, for a template without numbers) and a
     * REF field whose result waits for its number. */
    assert_string_equal(
        xml, "<w:p><w:pPr><w:pStyle w:val=\"ClauseBody\"/></w:pPr>"
             "<w:r><w:t xml:space=\"preserve\">The Customer is ACME &lt;&amp;&gt; **Corp** line "
             "&amp; &lt;x&gt;, see </w:t></w:r><w:r><w:t xml:space=\"preserve\">clause </w:t></w:r>"
             "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
             "<w:r><w:instrText xml:space=\"preserve\"> REF _RefClasm0007 \\w \\h </w:instrText>"
             "</w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
             "<w:r><w:t>?</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
             "<w:r><w:t xml:space=\"preserve\"> or the terms and .</w:t></w:r></w:p>");
    free(xml);
    assert_int_equal(fields.count, 1);
    assert_string_equal(fields.items[0].bookmark, "_RefClasm0007");
    docx_fields_free(&fields);
    /* At the start of a sentence the word takes a capital. */
    ct_tree *cap =
        ct_parse("{{ clause there }} applies. {{ clause there }} too; {{ clause there }}.");
    xmlNodePtr capp = xmlNewChild(root, w, BAD_CAST "holder", NULL);
    assert_int_equal(docx_render_tree(capp, doc, w, cap, &st, &rc, &fields), 0);
    char *ctext = docx_paragraph_text(capp->children);
    assert_string_equal(ctext, "Clause ? applies. Clause ? too; clause ?.");
    free(ctext);
    /* As clauses are compared, a reference's number is "#": renumbering is
     * not a change of the clause. */
    ctext = docx_paragraph_text_stable(capp->children);
    assert_string_equal(ctext, "Clause # applies. Clause # too; clause #.");
    free(ctext);
    ct_free(cap);
    xml = serialize(root->children->next);
    assert_string_equal(xml, "<w:p><w:pPr><w:pStyle w:val=\"ClauseList\"/><w:numPr><w:ilvl "
                             "w:val=\"0\"/><w:numId w:val=\"7\"/></w:numPr></w:pPr>"
                             "<w:r><w:t xml:space=\"preserve\">an </w:t></w:r>"
                             "<w:r><w:rPr><w:i/></w:rPr><w:t>italic</w:t></w:r>"
                             "<w:r><w:t xml:space=\"preserve\"> </w:t></w:r>"
                             "<w:r><w:rPr><w:b/></w:rPr><w:t>\xE2\x80\x9CTerm\xE2\x80\x9D</w:t>"
                             "</w:r></w:p>");
    free(xml);
    docx_fields_free(&fields);
    ct_free(t);

    /* The list of definitions: each term bold and quoted, then its text. */
    xmlNodePtr holder = xmlNewChild(root, w, BAD_CAST "holder", NULL);
    ct_tree *list = ct_parse("Meanings:\n\n{{ definitions }}");
    ct_tree *d1 = ct_parse("means the goods.");
    ct_tree *d2 = ct_parse("means every **Product** update.");
    docx_definition defs[] = {{"Product", d1}, {"Update", d2}};
    docx_render_ctx rc2 = {NULL, value_of, bookmark_of, defs, 2};
    st.body_style = NULL;
    assert_int_equal(docx_render_tree(holder, doc, w, list, &st, &rc2, &fields), 0);
    char *p2 = docx_paragraph_text(holder->children->next);
    assert_string_equal(p2, "\xE2\x80\x9CProduct\xE2\x80\x9D means the goods.");
    free(p2);
    p2 = docx_paragraph_text(holder->children->next->next);
    assert_string_equal(p2, "\xE2\x80\x9CUpdate\xE2\x80\x9D means every Product update.");
    free(p2);
    xml = serialize(holder->children->next);
    assert_non_null(strstr(xml, "<w:r><w:rPr><w:b/></w:rPr><w:t>\xE2\x80\x9CProduct"));
    free(xml);
    ct_free(list);
    ct_free(d1);
    ct_free(d2);
    docx_fields_free(&fields);
    xmlFreeDoc(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_letter_i_after_h),
        cmocka_unit_test(test_not_labels),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_definitions_block),
        cmocka_unit_test(test_markup_problems),
        cmocka_unit_test(test_list_problems),
        cmocka_unit_test(test_term_matches),
        cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
