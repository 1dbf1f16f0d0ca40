/* libFuzzer harness: clause markup to WordprocessingML. Blocks, inline
 * spans, plain text and the w:p built for each block; every paragraph built
 * must serialize to XML that parses again, and the visible text must keep
 * every character that is not markup. */
#include "fuzz_util.h"
#include "markup.h"
#include "package.h"

#include <libxml/parser.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    if (!text)
        return 0;
    free(markup_plain(text));
    markup_span *spans = NULL;
    size_t ns = 0;
    if (markup_inline(text, &spans, &ns) == 0) {
        for (size_t i = 0; i < ns; i++)
            if (!spans[i].text)
                abort();
        markup_spans_free(spans, ns);
    }
    markup_block *blocks = NULL;
    size_t nb = 0;
    if (markup_parse(text, &blocks, &nb) != 0) {
        free(text);
        return 0;
    }
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "document", NULL);
    xmlDocSetRootElement(doc, root);
    xmlNsPtr w = xmlNewNs(root, BAD_CAST W, BAD_CAST "w");
    xmlSetNs(root, w);
    xmlNodePtr body = xmlNewChild(root, w, BAD_CAST "body", NULL);
    markup_style styles[] = {{"BodyText", "ListParagraph", 7}, {NULL, NULL, 0}};
    for (size_t i = 0; i < nb; i++) {
        if (!blocks[i].text || blocks[i].level < -1 || blocks[i].level > 1)
            abort();
        xmlNodePtr p = markup_paragraph(doc, w, &blocks[i], &styles[i % 2]);
        if (p)
            xmlAddChild(body, p);
    }
    markup_blocks_free(blocks, nb);
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
