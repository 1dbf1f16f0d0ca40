/* The clasm manifest custom XML part: written at assembly, read by inspect. */
#include "manifest.h"

#include "diag.h"
#include "docx_clauses.h"
#include "docx_text.h"
#include "sha256.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL_CUSTOMXML                                                                              \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
#define REL_CUSTOMXML_PROPS                                                                        \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
#define CT_CUSTOMXML_PROPS "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
#define DS_NS "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
#define REL_NS "http://schemas.openxmlformats.org/package/2006/relationships"

/* ------------------------------------------------------------ hashing */

void manifest_clause_hash(const char *title, const char *const *paragraphs, size_t n, char out[65])
{
    sha256 *h = sha256_begin();
    sha256_add(h, title, strlen(title));
    for (size_t i = 0; i < n; i++) {
        sha256_add(h, "\n", 1);
        sha256_add(h, paragraphs[i], strlen(paragraphs[i]));
    }
    sha256_end(h, out);
}

typedef struct {
    char **texts;
    size_t n, cap;
    int failed;
} text_list;

/* Adds t (malloc'd, or NULL when out of memory) to l, which owns it. */
static void push_text(text_list *l, char *t)
{
    char **g = t ? array_grow(l->texts, &l->cap, l->n + 1, sizeof *g) : NULL;
    if (!g) {
        free(t);
        l->failed = 1;
        return;
    }
    l->texts = g;
    l->texts[l->n++] = t;
}

static void sdt_paragraphs(xmlNodePtr n, text_list *l)
{
    for (; n && !l->failed; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (docx_is_w(n, "p"))
            push_text(l, docx_paragraph_text_stable(n));
        sdt_paragraphs(n->children, l);
    }
}

/* The stable texts of the paragraphs of a clause content control's
 * w:sdtContent (its last), in document order. */
static text_list sdt_texts(xmlNodePtr sdt)
{
    xmlNodePtr content = NULL;
    for (xmlNodePtr c = sdt ? sdt->children : NULL; c; c = c->next)
        if (docx_is_w(c, "sdtContent"))
            content = c;
    text_list l = {0};
    if (content)
        sdt_paragraphs(content->children, &l);
    return l;
}

int manifest_sdt_hash(xmlNodePtr sdt, char out[65])
{
    text_list l = sdt_texts(sdt);
    int rc = -1;
    if (!l.failed && l.n > 0) {
        manifest_clause_hash(l.texts[0], (const char *const *)l.texts + 1, l.n - 1, out);
        rc = 0;
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.texts[i]);
    free(l.texts);
    return rc;
}

/* ------------------------------------------------------------ data */

void manifest_init(manifest *m)
{
    memset(m, 0, sizeof *m);
}

void manifest_free(manifest *m)
{
    free(m->deal);
    free(m->library);
    free(m->document);
    for (size_t i = 0; i < m->count; i++) {
        free(m->clauses[i].id);
        free(m->clauses[i].title);
        for (size_t j = 0; j < m->clauses[i].nparagraphs; j++)
            free(m->clauses[i].paragraphs[j]);
        free(m->clauses[i].paragraphs);
    }
    free(m->clauses);
    memset(m, 0, sizeof *m);
}

static int dup_into(char **dst, const char *s)
{
    free(*dst);
    *dst = NULL;
    if (!s)
        return 0;
    *dst = strdup(s);
    return *dst ? 0 : -1;
}

int manifest_set(manifest *m, const char *deal, const char *library, const char *document)
{
    if (dup_into(&m->deal, deal) || dup_into(&m->library, library) ||
        dup_into(&m->document, document))
        return -1;
    return 0;
}

int manifest_add(manifest *m, const char *id, int version, const char hash[65])
{
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        manifest_clause *g = realloc(m->clauses, cap * sizeof *g);
        if (!g)
            return -1;
        m->clauses = g;
        m->cap = cap;
    }
    manifest_clause *c = &m->clauses[m->count];
    memset(c, 0, sizeof *c);
    if (!(c->id = strdup(id)))
        return -1;
    c->version = version;
    memcpy(c->hash, hash, 64);
    c->hash[64] = '\0';
    m->count++;
    return 0;
}

/* Takes ownership of texts[1..n) as the body and texts[0] as the title. */
static int set_text(manifest_clause *c, char **texts, size_t n)
{
    c->paragraphs = n > 1 ? malloc((n - 1) * sizeof *c->paragraphs) : NULL;
    if (n > 1 && !c->paragraphs)
        return -1; /* the texts are still the caller's */
    c->title = texts[0];
    for (size_t i = 1; i < n; i++)
        c->paragraphs[i - 1] = texts[i];
    c->nparagraphs = n - 1;
    return 0;
}

/* Records the clause with the texts of l (title first), which it takes. */
static int add_text_list(manifest *m, const char *id, int version, text_list l)
{
    int rc = -1;
    if (!l.failed && l.n > 0) {
        char hash[65];
        manifest_clause_hash(l.texts[0], (const char *const *)l.texts + 1, l.n - 1, hash);
        if (manifest_add(m, id, version, hash) == 0 &&
            set_text(&m->clauses[m->count - 1], l.texts, l.n) == 0) {
            free(l.texts);
            return 0;
        }
    }
    for (size_t i = 0; i < l.n; i++)
        free(l.texts[i]);
    free(l.texts);
    return rc;
}

int manifest_add_sdt(manifest *m, const char *id, int version, xmlNodePtr sdt)
{
    return add_text_list(m, id, version, sdt_texts(sdt));
}

int manifest_add_texts(manifest *m, const char *id, int version, const char *title,
                       const char *const *paragraphs, size_t n)
{
    text_list l = {0};
    push_text(&l, strdup(title));
    for (size_t i = 0; i < n && !l.failed; i++)
        push_text(&l, strdup(paragraphs[i]));
    return add_text_list(m, id, version, l);
}

/* ------------------------------------------------------------ writing */

static xmlDocPtr new_doc(void)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    if (doc)
        doc->standalone = 1;
    return doc;
}

static xmlDocPtr manifest_doc(const manifest *m)
{
    xmlDocPtr doc = new_doc();
    xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "manifest", NULL) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocSetRootElement(doc, root);
    xmlNsPtr ns = xmlNewNs(root, BAD_CAST MANIFEST_NS, BAD_CAST "clasm");
    xmlSetNs(root, ns);
    int ok = xmlNewProp(root, BAD_CAST "deal", BAD_CAST(m->deal ? m->deal : "")) &&
             xmlNewProp(root, BAD_CAST "library", BAD_CAST(m->library ? m->library : ""));
    if (ok && m->document)
        ok = xmlNewProp(root, BAD_CAST "document", BAD_CAST m->document) != NULL;
    for (size_t i = 0; ok && i < m->count; i++) {
        char v[32];
        snprintf(v, sizeof v, "%d", m->clauses[i].version);
        xmlNodePtr c = xmlNewChild(root, ns, BAD_CAST "clause", NULL);
        ok = c && xmlNewProp(c, BAD_CAST "id", BAD_CAST m->clauses[i].id) &&
             xmlNewProp(c, BAD_CAST "version", BAD_CAST v) &&
             xmlNewProp(c, BAD_CAST "hash", BAD_CAST m->clauses[i].hash);
        /* xmlNewTextChild escapes the text. */
        if (ok && m->clauses[i].title)
            ok = xmlNewTextChild(c, ns, BAD_CAST "title", BAD_CAST m->clauses[i].title) != NULL;
        for (size_t j = 0; ok && j < m->clauses[i].nparagraphs; j++)
            ok = xmlNewTextChild(c, ns, BAD_CAST "p", BAD_CAST m->clauses[i].paragraphs[j]) != NULL;
    }
    if (!ok) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* A GUID made from the manifest's content, so that the same draft has the
 * same bytes. */
static void manifest_guid(const manifest *m, char out[39])
{
    char h[65];
    const char *parts[2] = {m->library ? m->library : "", m->document ? m->document : ""};
    manifest_clause_hash(m->deal ? m->deal : "", parts, 2, h);
    for (char *p = h; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    snprintf(out, 39, "{%.8s-%.4s-%.4s-%.4s-%.12s}", h, h + 8, h + 12, h + 16, h + 20);
}

static xmlDocPtr props_doc(const manifest *m)
{
    xmlDocPtr doc = new_doc();
    xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "datastoreItem", NULL) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocSetRootElement(doc, root);
    xmlNsPtr ds = xmlNewNs(root, BAD_CAST DS_NS, BAD_CAST "ds");
    xmlSetNs(root, ds);
    char guid[39];
    manifest_guid(m, guid);
    xmlNodePtr refs = NULL, ref = NULL;
    int ok = xmlNewNsProp(root, ds, BAD_CAST "itemID", BAD_CAST guid) &&
             (refs = xmlNewChild(root, ds, BAD_CAST "schemaRefs", NULL)) &&
             (ref = xmlNewChild(refs, ds, BAD_CAST "schemaRef", NULL)) &&
             xmlNewNsProp(ref, ds, BAD_CAST "uri", BAD_CAST MANIFEST_NS);
    if (!ok) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

static xmlDocPtr item_rels_doc(int n)
{
    xmlDocPtr doc = new_doc();
    xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "Relationships", NULL) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocSetRootElement(doc, root);
    xmlNsPtr ns = xmlNewNs(root, BAD_CAST REL_NS, NULL);
    xmlSetNs(root, ns);
    char target[64];
    snprintf(target, sizeof target, "itemProps%d.xml", n);
    xmlNodePtr r = xmlNewChild(root, ns, BAD_CAST "Relationship", NULL);
    if (!r || !xmlNewProp(r, BAD_CAST "Id", BAD_CAST "rId1") ||
        !xmlNewProp(r, BAD_CAST "Type", BAD_CAST REL_CUSTOMXML_PROPS) ||
        !xmlNewProp(r, BAD_CAST "Target", BAD_CAST target)) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

static int store_doc(pkg_edit *e, const char *part, xmlDocPtr doc, clasm_diags *diags)
{
    int rc = doc ? pkg_edit_adopt_xml(e, part, doc) : -1; /* the edit owns doc */
    if (rc != 0)
        diag_part(diags, CLASM_SEV_ERROR, "io-error", pkg_name(pkg_edit_base(e)), part, 0,
                  "could not store the manifest part %s (out of memory)", part);
    return rc;
}

clasm_status manifest_write(pkg_edit *e, const manifest *m, clasm_diags *diags)
{
    const char *file = pkg_name(pkg_edit_base(e));
    const char *main_part = pkg_main_part(pkg_edit_base(e));
    char item[64], props[64], rels[64];
    int n = 1;
    for (; n < 100000; n++) {
        snprintf(item, sizeof item, "customXml/item%d.xml", n);
        snprintf(props, sizeof props, "customXml/itemProps%d.xml", n);
        snprintf(rels, sizeof rels, "customXml/_rels/item%d.xml.rels", n);
        if (!pkg_edit_has(e, item) && !pkg_edit_has(e, props) && !pkg_edit_has(e, rels))
            break;
    }
    if (store_doc(e, item, manifest_doc(m), diags) != 0 ||
        store_doc(e, props, props_doc(m), diags) != 0 ||
        store_doc(e, rels, item_rels_doc(n), diags) != 0)
        return CLASM_E_IO;
    /* The main part's relationship to the item, relative to its folder. */
    char target[256];
    size_t up = 0;
    for (const char *p = main_part; *p; p++)
        up += *p == '/';
    target[0] = '\0';
    for (size_t i = 0; i < up && i < 32; i++)
        strcat(target, "../");
    strcat(target, item);
    if (pkg_add_relationship(e, main_part, REL_CUSTOMXML, target, NULL, diags) != 0 ||
        pkg_add_override(e, props, CT_CUSTOMXML_PROPS, diags) != 0 ||
        (!pkg_has_default(e, "xml", diags) &&
         pkg_add_override(e, item, "application/xml", diags) != 0)) {
        diag_part(diags, CLASM_SEV_ERROR, "io-error", file, item, 0,
                  "could not register the manifest part %s", item);
        return CLASM_E_IO;
    }
    return CLASM_OK;
}

/* ------------------------------------------------------------ reading */

static int is_item_name(const char *name)
{
    if (strncmp(name, "customXml/item", 14) != 0)
        return 0;
    const char *p = name + 14;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return strcmp(p, ".xml") == 0;
}

/* The attribute's value (NULL when absent); *oom set when it is there but
 * memory ran out. */
static char *attr(xmlNodePtr n, const char *name, int *oom)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    if (!s && xmlHasProp(n, BAD_CAST name))
        *oom = 1;
    return s;
}

static int is_manifest_el(xmlNodePtr n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           xmlStrcmp(n->ns->href, BAD_CAST MANIFEST_NS) == 0 &&
           xmlStrcmp(n->name, BAD_CAST local) == 0;
}

/* The title and body paragraphs of a clause entry (absent in older drafts). */
static int read_text(xmlNodePtr el, manifest_clause *c)
{
    size_t n = 0;
    for (xmlNodePtr k = el->children; k; k = k->next)
        n += is_manifest_el(k, "p");
    c->paragraphs = n ? calloc(n, sizeof *c->paragraphs) : NULL;
    if (n && !c->paragraphs)
        return -1;
    for (xmlNodePtr k = el->children; k; k = k->next) {
        if (!is_manifest_el(k, "title") && !is_manifest_el(k, "p"))
            continue;
        xmlChar *t = xmlNodeGetContent(k);
        char *s = strdup(t ? (const char *)t : "");
        xmlFree(t);
        if (!s)
            return -1;
        if (is_manifest_el(k, "title")) {
            free(c->title);
            c->title = s;
        } else {
            c->paragraphs[c->nparagraphs++] = s;
        }
    }
    return 0;
}

clasm_status manifest_read(const pkg *p, manifest *m, clasm_diags *diags)
{
    const char *file = pkg_name(p);
    manifest_init(m);
    for (size_t i = 0; i < pkg_entry_count(p); i++) {
        const char *name = pkg_entry_name(p, i);
        if (!is_item_name(name))
            continue;
        size_t len = 0;
        const unsigned char *bytes = pkg_bytes(p, name, &len);
        if (!bytes)
            continue;
        clasm_diags quiet;
        clasm_diags_init(&quiet);
        xmlDocPtr doc = pkg_parse_xml_bytes(bytes, len, file, name, &quiet);
        int oom = !doc && pkg_failure_status(&quiet, 0) == CLASM_E_IO;
        clasm_diags_free(&quiet);
        if (oom) {
            /* Not "no manifest": memory ran out. */
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, name, 0,
                      "out of memory while parsing %s", name);
            return CLASM_E_IO;
        }
        xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
        if (!is_manifest_el(root, "manifest")) {
            xmlFreeDoc(doc);
            continue;
        }
        m->deal = attr(root, "deal", &oom);
        m->library = attr(root, "library", &oom);
        m->document = attr(root, "document", &oom);
        int bad = !m->deal || !m->library;
        for (xmlNodePtr c = root->children; c && !bad && !oom; c = c->next) {
            if (!is_manifest_el(c, "clause"))
                continue;
            char *id = attr(c, "id", &oom), *ver = attr(c, "version", &oom),
                 *hash = attr(c, "hash", &oom);
            char *end = NULL;
            long v = ver ? strtol(ver, &end, 10) : 0;
            bad = !id || !ver || !hash || *end || v < 0 || v > 1000000 || strlen(hash) != 64;
            if (!bad && !oom)
                oom = manifest_add(m, id, (int)v, hash) != 0 ||
                      read_text(c, &m->clauses[m->count - 1]) != 0;
            free(id);
            free(ver);
            free(hash);
        }
        xmlFreeDoc(doc);
        if (oom) {
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, name, 0,
                      "out of memory while reading the clasm manifest %s", name);
            manifest_free(m);
            return CLASM_E_IO;
        }
        if (bad) {
            diag_part(diags, CLASM_SEV_ERROR, "manifest-malformed", file, name, 0,
                      "the clasm manifest %s is damaged: a clause entry lacks its id, version "
                      "or hash, or the deal or library is missing",
                      name);
            manifest_free(m);
            return CLASM_E_INPUT;
        }
        return CLASM_OK;
    }
    diag_part(diags, CLASM_SEV_ERROR, "no-manifest", file, NULL, 0,
              "the document has no clasm manifest: it was not assembled by clasm, or the "
              "manifest part was removed");
    return CLASM_E_INPUT;
}
