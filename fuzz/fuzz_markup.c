/* libFuzzer harness: clause markup to a clause tree (clause_tree.c) and the
 * tree to WordprocessingML (docx_render.c), also as a definition in a
 * {{ definitions }} list; every span is whole and every paragraph built
 * must serialize to XML that parses again. When the tree compiles
 * (docx_fragment.c), its pieces filled with values and references are
 * byte for byte the tree rendered and serialized, and so are the
 * paragraphs' stable texts. */
#include "clause_tree.h"
#include "docx_fragment.h"
#include "docx_render.h"
#include "docx_text.h"
#include "fuzz_util.h"
#include "package.h"

#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlsave.h>
#include <stdint.h>

#define W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

/* 1 when s is UTF-8 of XML 1.0 characters only (what the YAML loader lets
 * through to clause text). */
static int xml_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p, need = 0, cp;
        if (c < 0x80) {
            cp = c;
        } else if (c >= 0xC2 && c <= 0xDF) {
            cp = c & 0x1F;
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            cp = c & 0x0F;
            need = 2;
        } else if (c >= 0xF0 && c <= 0xF4) {
            cp = c & 0x07;
            need = 3;
        } else {
            return 0;
        }
        p++;
        for (unsigned i = 0; i < need; i++, p++) {
            if ((*p & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (*p & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        if (cp < 0x20 ? (cp != 0x9 && cp != 0xA && cp != 0xD)
                      : ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF))
            return 0;
    }
    return 1;
}

/* Values, references and the definitions list, as a draft gives them: a
 * value holds markup-like text, one reference has a target, one not. */
static const char *value_of(void *ctx, const ct_span *s)
{
    (void)ctx;
    return strlen(s->text) % 2 ? "**v** _x_ {{ y }} (a) <&>" : NULL;
}

static const char *bookmark_of(void *ctx, const ct_span *s)
{
    (void)ctx;
    return strlen(s->text) % 2 ? "_RefClasm0001" : NULL;
}

/* Every span is whole: text where text belongs, offsets inside the input. */
static void check_tree(const ct_tree *t, size_t size)
{
    for (size_t b = 0; b < t->nblocks; b++) {
        const ct_block *bl = &t->blocks[b];
        if (bl->level < -1 || bl->level > 1 || bl->offset > size)
            abort();
        for (size_t k = 0; k < bl->nspans; k++) {
            const ct_span *sp = &bl->spans[k];
            if (!sp->text || sp->offset > size || (sp->kind != CT_TEXT && !*sp->text))
                abort();
            if (sp->kind != CT_REF && sp->alt)
                abort();
        }
    }
    for (size_t i = 0; i < t->nissues; i++)
        if (!t->issues[i].id || !t->issues[i].message || !*t->issues[i].message ||
            t->issues[i].offset > size)
            abort();
}

/* The compiled oracle: every value is fill, every reference has its
 * clause. */
typedef struct {
    const char *fill;
} all_ctx;

static const char *every_value(void *ctx, const ct_span *s)
{
    (void)s;
    return ((all_ctx *)ctx)->fill;
}

static const char *every_bookmark(void *ctx, const ct_span *s)
{
    (void)ctx;
    (void)s;
    return "_RefClasm0002";
}

static void finish(docx_field *f, int how)
{
    if (how == 0) {
        if (docx_field_set(f, DOCX_FIELD_RESULT, "4.1") != 0)
            abort();
        return;
    }
    char *word = docx_field_text(f, DOCX_FIELD_WORD);
    char instr[128];
    docx_ref_instruction(instr, sizeof instr, f->bookmark, 0);
    if (!word || docx_field_set(f, DOCX_FIELD_WORD, word[0] == 'C' ? "The x " : "the x ") != 0 ||
        docx_field_set(f, DOCX_FIELD_INSTR, instr) != 0 ||
        docx_field_set(f, DOCX_FIELD_RESULT, how == 1 ? "A & <B>" : "") != 0)
        abort();
    free(word);
}

static void check_compiled(const ct_tree *tree, const docx_render_style *style, const char *fill,
                           int how)
{
    int oom = 0;
    docx_fragment *f = docx_fragment_compile(tree, style, &oom);
    if (!f)
        return;
    if (!docx_fragment_value_fits(fill))
        abort(); /* the harness's values fit */
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "body", NULL);
    xmlDocSetRootElement(doc, root);
    xmlNsPtr w = xmlNewNs(root, BAD_CAST W, BAD_CAST "w");
    xmlSetNs(root, w);
    all_ctx a = {fill};
    docx_render_ctx rc = {&a, every_value, every_bookmark, NULL, 0};
    docx_render_style st = *style;
    st.num_id = 13;
    docx_fields tf = {0}, own = {0};
    if (docx_render_tree(root, doc, w, tree, &st, &rc, &tf) != 0)
        abort();
    size_t nv, nr;
    docx_fragment_values(f, &nv);
    docx_fragment_refs(f, &nr);
    if (tf.count != nr)
        abort();
    const char **values = calloc(nv + 1, sizeof *values);
    const docx_field **fields = calloc(nr + 1, sizeof *fields);
    for (size_t k = 0; k < nv; k++)
        values[k] = fill;
    for (size_t k = 0; k < nr; k++)
        if (docx_fields_add_texts(&own, "_RefClasm0002", docx_fragment_ref_capital(f, k)) < 0)
            abort();
    for (size_t k = 0; k < nr; k++) {
        finish(&tf.items[k], how);
        finish(&own.items[k], how);
        fields[k] = &own.items[k];
    }
    xmlOutputBufferPtr buf = xmlAllocOutputBuffer(NULL);
    for (xmlNodePtr p = root->children; p; p = p->next)
        xmlNodeDumpOutput(buf, doc, p, 0, 0, "UTF-8");
    xmlOutputBufferFlush(buf);
    strbuf xml = {0};
    char **texts = NULL;
    size_t ntexts = 0;
    if (docx_fragment_write(f, values, fields, 13, &xml, &texts, &ntexts) != 0)
        abort();
    const char *want = (const char *)xmlOutputBufferGetContent(buf);
    if (xml.len != xmlOutputBufferGetSize(buf) || memcmp(strbuf_str(&xml), want, xml.len) != 0)
        abort(); /* the pieces are not the tree's bytes */
    size_t i = 0;
    for (xmlNodePtr p = root->children; p; p = p->next, i++) {
        char *stable = docx_paragraph_text_stable(p);
        if (i >= ntexts || !stable || strcmp(stable, texts[i]) != 0)
            abort(); /* nor its texts */
        free(stable);
    }
    if (i != ntexts)
        abort();
    for (i = 0; i < ntexts; i++)
        free(texts[i]);
    free(texts);
    strbuf_free(&xml);
    xmlOutputBufferClose(buf);
    free(values);
    free(fields);
    docx_fields_free(&tf);
    docx_fields_free(&own);
    xmlFreeDoc(doc);
    docx_fragment_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    if (!text)
        return 0;
    ct_tree *tree = ct_parse(text);
    if (!tree) {
        free(text);
        return 0;
    }
    check_tree(tree, size);
    static const docx_render_style compiled[] = {{"ClauseBody", "ClauseList", 0}, {NULL, NULL, 0}};
    check_compiled(tree, &compiled[size % 2], "**v** _x_ {{ y }} (a) <&> \xC3\xA9",
                   (int)(size % 3));
    /* The input is also its own definition, listed by a {{ definitions }}. */
    ct_tree *list = ct_parse("Terms:\n\n{{ definitions }}");
    docx_definition defs[] = {{"Term", tree}};
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "document", NULL);
    xmlDocSetRootElement(doc, root);
    xmlNsPtr w = xmlNewNs(root, BAD_CAST W, BAD_CAST "w");
    xmlSetNs(root, w);
    xmlNodePtr body = xmlNewChild(root, w, BAD_CAST "body", NULL);
    docx_render_style styles[] = {{"BodyText", "ListParagraph", 7}, {NULL, NULL, 0}};
    docx_render_ctx rc = {NULL, value_of, bookmark_of, defs, 1};
    docx_fields fields = {0};
    docx_render_tree(body, doc, w, tree, &styles[size % 2], &rc, &fields);
    if (list)
        docx_render_tree(body, doc, w, list, &styles[0], &rc, &fields);
    for (size_t i = 0; i < fields.count; i++)
        if (!fields.items[i].result || strcmp(fields.items[i].bookmark, "_RefClasm0001") != 0)
            abort();
    docx_fields_free(&fields);
    ct_free(list);
    ct_free(tree);
    xmlChar *out = NULL;
    int outlen = 0;
    xmlDocDumpMemoryEnc(doc, &out, &outlen, "UTF-8");
    xmlFreeDoc(doc);
    if (!out)
        abort();
    clasm_diags d;
    clasm_diags_init(&d);
    xmlDocPtr again = pkg_parse_xml_bytes(out, (size_t)outlen, "fuzz", "markup.xml", &d);
    /* Text that is not valid UTF-8 or holds control characters cannot be
     * XML: libxml2 refuses to serialize it faithfully, which is the
     * loader's business, not the converter's. */
    if (!again && xml_chars(text))
        abort();
    xmlFreeDoc(again);
    xmlFree(out);
    clasm_diags_free(&d);
    free(text);
    return 0;
}
