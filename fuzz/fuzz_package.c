/* libFuzzer harness: a DOCX package from raw bytes: open with its limits and
 * name checks, relationships, every part through the safe XML parser, then
 * the package read back as a draft (inspect: manifest, content controls). */
#include "clasm.h"
#include "fuzz_util.h"
#include "package.h"
#include "placeholder.h"

#include <stdint.h>

static const char *const kinds[] = {"officeDocument", "header", "footer",    "footnotes",
                                    "endnotes",       "styles", "numbering", "customXml"};

/* 1 when name is one package.c must refuse: absolute, a backslash, or a
 * whole path segment that is "." or ".." (a name merely starting with dots,
 * "..rd/_rels/document.xml.rels", is a legal part name). */
static int unsafe_name(const char *name)
{
    if (!name || name[0] == '\0' || name[0] == '/' || strchr(name, '\\'))
        return 1;
    for (const char *seg = name;;) {
        size_t n = strcspn(seg, "/");
        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return 1;
        if (!seg[n])
            return 0;
        seg += n + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clasm_diags d;
    clasm_diags_init(&d);
    pkg *p = NULL;
    clasm_status st = pkg_open_buffer(data, size, "fuzz.docx", &p, &d);
    fuzz_check_status(st, p, &d);
    if (p) {
        if (!pkg_main_part(p) || !pkg_has(p, pkg_main_part(p)))
            abort();
        for (size_t i = 0; i < pkg_entry_count(p); i++) {
            if (unsafe_name(pkg_entry_name(p, i)))
                abort(); /* an unsafe name got through */
        }
        const char *rel[64];
        for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
            size_t n = pkg_related(p, pkg_main_part(p), kinds[k], rel, 64);
            for (size_t i = 0; i < n; i++)
                if (!pkg_has(p, rel[i]))
                    abort(); /* related parts are in the package */
            pkg_related(p, "", kinds[k], rel, 64);
        }
        const char *parts[64];
        size_t n = docx_fill_parts(p, parts, 64);
        for (size_t i = 0; i < n; i++) {
            size_t len = 0;
            const unsigned char *b = pkg_bytes(p, parts[i], &len);
            xmlDocPtr doc = b ? pkg_parse_xml_bytes(b, len, "fuzz.docx", parts[i], &d) : NULL;
            xmlFreeDoc(doc);
        }
        pkg_free(p);
    }
    fuzz_check_diags(&d);
    clasm_diags_free(&d);

    clasm_diags di;
    clasm_diags_init(&di);
    clasm_inspection *ins = NULL;
    st = clasm_inspect_buffer(data, size, "fuzz.docx", NULL, &ins, &di);
    fuzz_check_status(st, ins, &di);
    if (ins) {
        free(clasm_inspection_json(ins));
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            clasm_inspection_print_text(null, ins);
            fclose(null);
        }
        clasm_inspection_free(ins);
    }
    clasm_diags_free(&di);
    return 0;
}
