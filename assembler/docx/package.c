/* A DOCX package: opened read-only with libzip, checked against limits,
 * parts parsed safely with libxml2; edits collected and written atomically
 * with fixed timestamps and entry order.
 *
 * The opened package keeps the archive's bytes, every entry uncompressed and
 * every relationship resolved; it is never changed after pkg_open, so threads
 * may share it. A write opens its own read-only libzip handle over the kept
 * archive bytes to copy unchanged entries without recompression. */
#include "package.h"

#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define W_MAIN_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define STRICT_NS_PREFIX "http://purl.oclc.org/ooxml/"
#define RELS_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define RATIO_MIN_BYTES (64u * 1024u)
/* The ratio limit applies to the package as a whole too, once its entries
 * add up to more than this uncompressed: thousands of entries just under
 * RATIO_MIN_BYTES each would otherwise expand a small upload a
 * thousandfold. Real Word files expand 3 to 8 times. */
#define RATIO_TOTAL_MIN_BYTES (1024u * 1024u)
/* XML problems reported for one part; past this, one more diagnostic says
 * how many more there were (libxml2 goes on after many errors, and a part
 * can hold millions of them). */
#define MAX_XML_ERRORS 20
/* Nodes in one part (fuzz/README.md "Limits"): elements, attributes, text,
 * comments, processing instructions, CDATA sections and entity references.
 * The DOM costs about 150 bytes a node and every pass walks it, so a part of
 * millions of tiny nodes (say empty comments, 7 bytes each), well inside
 * PKG_MAX_PART_BYTES, would take gigabytes and minutes. A long real contract
 * has a few hundred thousand. */
#define XML_MAX_NODES 1000000u
/* Nodes in all the XML parts of a package together: assembling holds the
 * trees of the document and of every header, footer and note part at once,
 * so twenty parts each just under XML_MAX_NODES would still take gigabytes.
 * Twice the limit of one part leaves a document at that limit its styles,
 * numbering and headers. */
#define XML_MAX_TOTAL_NODES 2000000u
/* libxml2's nesting limit without XML_PARSE_HUGE, which clasm never sets. */
#define XML_MAX_DEPTH 256
/* 1980-01-01 00:00:00 in MS-DOS date/time form. */
#define FIXED_DOS_DATE 0x21u
#define FIXED_DOS_TIME 0u

typedef struct {
    char *name;
    unsigned char *data; /* uncompressed; NULL for an empty entry */
    size_t len;
    int is_dir;
} pkg_entry;

typedef struct {
    char *source; /* part the .rels file belongs to ("" for the package) */
    char *type;
    char *target; /* resolved entry name as stored in the package */
} pkg_rel;

struct pkg {
    char *name;
    unsigned char *zipdata; /* the archive as read */
    size_t ziplen;
    pkg_entry *entries;
    size_t count;
    /* The entries sorted by name ignoring case (OPC part names are
     * case-insensitive and pkg_open refuses names that differ only in
     * case), so that a lookup is a binary search. */
    const pkg_entry **by_name;
    pkg_rel *rels;
    size_t nrels, rels_cap;
    const char *main_part; /* points into entries */
    int oom;               /* memory ran out while opening */
    int has_identity;
    dev_t dev;
    ino_t ino;
};

/* ---------------------------------------------------------------- XML */

static const pkg_entry *find_entry(const pkg *p, const char *part);
static char *resolve_target(const char *source, const char *target, int *oom);

/* One parse of a part: what it is for, and what it found. */
typedef struct {
    /* Set by the caller. */
    clasm_diags *diags;
    const char *file;
    const char *part;
    int tree;                /* build the DOM; else only check, count and collect */
    pkg *rels_pkg;           /* without the tree: the relationships of rels_source */
    const char *rels_source; /* go to rels_pkg (a .rels part being checked) */
    /* Found. */
    xmlParserCtxtPtr ctxt;
    int dtd_seen;
    int errors; /* XML errors seen; the first MAX_XML_ERRORS are reported */
    unsigned long nodes;
    int too_many;
    int oom;
    int last_text;        /* the last node was text (or CDATA): more of it is no new node */
    int depth;            /* of the element being parsed, the root's is 1 */
    int root_seen;        /* the root element: */
    int root_is_document; /* WordprocessingML's w:document */
    int root_strict;      /* in a Strict OOXML namespace */
    int own_strings;      /* XML_PARSE_NODICT: the tree shares no dictionary */
    char root_name[64];
    /* libxml2's own tree builder, which the counting callbacks call on. */
    startElementNsSAX2Func start_element;
    endElementNsSAX2Func end_element;
    charactersSAXFunc characters;
    ignorableWhitespaceSAXFunc whitespace;
    cdataBlockSAXFunc cdata;
    commentSAXFunc comment;
    processingInstructionSAXFunc pi;
    referenceSAXFunc reference;
} parse_state;

/* One libxml2 error of the part being parsed. Every error libxml2 raises
 * while the part is parsed comes here (the parser context's own errors
 * through sax->serror, the rest through this thread's structured handler,
 * see xml_quiet_begin), so libxml2 never prints anything itself. */
static void report_xml_error(parse_state *st, const xmlError *err)
{
    if (!err)
        return;
    if (err->code == XML_ERR_NO_MEMORY) {
        /* Whatever else this parse says is a consequence: one diagnostic,
         * given by pkg_parse_xml_bytes once the memory is back. */
        st->oom = 1;
        if (st->ctxt)
            xmlStopParser(st->ctxt);
        return;
    }
    if (st->dtd_seen || st->too_many || st->oom || err->level < XML_ERR_ERROR)
        return;
    if (st->errors++ >= MAX_XML_ERRORS)
        return;
    if (err->code == XML_ERR_INTERNAL_ERROR && err->message &&
        strncmp(err->message, "Excessive depth", 15) == 0) {
        /* libxml2's own nesting limit (no XML_PARSE_HUGE): say it as a limit
         * of clasm's, not as advice to use a parser flag. */
        diag_part(st->diags, CLASM_SEV_ERROR, "xml-too-deep", st->file, st->part, 0,
                  "%s nests elements more than %d deep (at line %d); clasm refuses parts "
                  "nested this deep",
                  st->part, XML_MAX_DEPTH, err->line);
        return;
    }
    char msg[256];
    snprintf(msg, sizeof msg, "%s", err->message ? err->message : "unknown error");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    diag_part(st->diags, CLASM_SEV_ERROR, "xml-malformed", st->file, st->part, 0,
              "%s is not well-formed XML at line %d, column %d: %s", st->part, err->line, err->int2,
              msg);
}

/* sax->serror: user is the parser context. */
static void on_xml_error(void *user, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = user;
    if (ctxt && ctxt->_private)
        report_xml_error(ctxt->_private, err);
}

/* The thread's structured handler while a part is parsed: user is the
 * parse_state. Errors raised outside the parser (the tree, buffers,
 * dictionaries), mostly allocation failures. */
static void on_thread_error(void *user, xmlErrorPtr err)
{
    if (user)
        report_xml_error(user, err);
}

/* Catches anything libxml2 would print through its generic handler. */
static void on_generic_error(void *user, const char *msg, ...)
{
    (void)user;
    (void)msg;
}

/* libxml2's error handlers of this thread (they are thread-local), saved
 * while clasm's are installed. */
typedef struct {
    xmlStructuredErrorFunc serror;
    void *serror_ctx;
    xmlGenericErrorFunc generic;
    void *generic_ctx;
} xml_handlers;

/* Routes every libxml2 error of this thread to report_xml_error (st given)
 * or nowhere (st NULL) until xml_quiet_end: libxml2 never writes to stderr
 * itself, which under memory pressure was megabytes a request. */
static void xml_quiet_begin(xml_handlers *saved, parse_state *st)
{
    saved->serror = xmlStructuredError;
    saved->serror_ctx = xmlStructuredErrorContext;
    saved->generic = xmlGenericError;
    saved->generic_ctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(st, st ? on_thread_error : NULL);
    xmlSetGenericErrorFunc(NULL, on_generic_error);
}

/* Outside a parse, libxml2's tree functions (xmlGetProp, xmlNewNode...)
 * print "Memory allocation failed" through the generic handler of the
 * thread when an allocation fails; clasm sees the NULL they return and
 * reports out-of-memory itself. So the generic handler prints nothing, in
 * this thread and, as libxml2's default, in every thread started later (the
 * server's and batch's workers): set once when a package is opened, always
 * to the same function. */
static void xml_silence_library(void)
{
    xmlThrDefSetGenericErrorFunc(NULL, on_generic_error);
    xmlSetGenericErrorFunc(NULL, on_generic_error);
}

static void xml_quiet_end(const xml_handlers *saved)
{
    xmlStructuredError = saved->serror;
    xmlStructuredErrorContext = saved->serror_ctx;
    xmlGenericError = saved->generic;
    xmlGenericErrorContext = saved->generic_ctx;
}

static void on_internal_subset(void *user, const xmlChar *name, const xmlChar *ext_id,
                               const xmlChar *sys_id)
{
    (void)name;
    (void)ext_id;
    (void)sys_id;
    xmlParserCtxtPtr ctxt = user;
    parse_state *st = ctxt->_private;
    if (!st->dtd_seen) {
        st->dtd_seen = 1;
        diag_part(st->diags, CLASM_SEV_ERROR, "xml-dtd-refused", st->file, st->part, 0,
                  "%s has a document type declaration (DTD); DOCX parts never need one and "
                  "clasm refuses them so that no entity can be declared or loaded",
                  st->part);
    }
    xmlStopParser(ctxt);
}

static void on_entity_decl(void *user, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    (void)name;
    (void)type;
    (void)public_id;
    (void)system_id;
    (void)content;
    on_internal_subset(user, NULL, NULL, NULL);
}

/* Counts n more nodes; past XML_MAX_NODES stops the parser before the tree
 * grows any further and returns 0. */
static int count_nodes(xmlParserCtxtPtr ctxt, unsigned long n)
{
    parse_state *st = ctxt->_private;
    st->nodes += n;
    if (st->nodes <= XML_MAX_NODES)
        return 1;
    if (!st->too_many) {
        st->too_many = 1;
        diag_part(st->diags, CLASM_SEV_ERROR, "xml-too-large", st->file, st->part, 0,
                  "%s has more than %u XML nodes (elements, attributes, text, comments, "
                  "processing instructions); clasm refuses parts this large",
                  st->part, XML_MAX_NODES);
    }
    xmlStopParser(ctxt);
    return 0;
}

/* A value of an attribute as libxml2's SAX2 hands it over (not terminated,
 * or, when it held references, a copy in which '&' stays "&#38;"), decoded
 * as the tree builder does (xmlStringLenGetNodeList): character references
 * and the predefined entities. malloc'd; NULL when out of memory. */
static char *attr_value(const xmlChar *v, const xmlChar *end)
{
    size_t n = (size_t)(end - v);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int copied = *end == '\0'; /* references are only in a copy */
    for (size_t i = 0; i < n;) {
        const char *c = (const char *)v + i;
        size_t semi = 0;
        if (copied && c[0] == '&')
            for (size_t k = 1; k < 12 && i + k < n; k++)
                if (c[k] == ';') {
                    semi = k;
                    break;
                }
        unsigned long cp = 0;
        int known = 0;
        if (semi > 2 && c[1] == '#') {
            char *stop = NULL;
            cp = c[2] == 'x' ? strtoul(c + 3, &stop, 16) : strtoul(c + 2, &stop, 10);
            known = stop == c + semi && cp > 0 && cp <= 0x10FFFF;
        } else if (semi) {
            static const struct {
                const char *name;
                char ch;
            } pre[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
            for (size_t k = 0; k < sizeof pre / sizeof *pre && !known; k++)
                if (strlen(pre[k].name) == semi - 1 && strncmp(c + 1, pre[k].name, semi - 1) == 0) {
                    cp = (unsigned char)pre[k].ch;
                    known = 1;
                }
        }
        if (!known) {
            out[o++] = c[0];
            i++;
            continue;
        }
        /* UTF-8, never longer than the reference it replaces. */
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xC0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[o++] = (char)(0xE0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = (char)(0xF0 | (cp >> 18));
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
        i += semi + 1;
    }
    out[o] = '\0';
    return out;
}

/* The first attribute named name (in any namespace, as xmlGetProp finds
 * it) into *out, NULL when there is none; -1 when out of memory. */
static int sax_attr(int nb_attributes, const xmlChar **attributes, const char *name, char **out)
{
    *out = NULL;
    for (int i = 0; i < nb_attributes; i++)
        if (xmlStrcmp(attributes[i * 5], BAD_CAST name) == 0) {
            *out = attr_value(attributes[i * 5 + 3], attributes[i * 5 + 4]);
            return *out ? 0 : -1;
        }
    return 0;
}

/* Adds one relationship (a Relationship element under the root of a .rels
 * part) whose target is in the package; -1 when out of memory. */
static int add_relationship(pkg *p, const char *source, int nb_attributes,
                            const xmlChar **attributes)
{
    char *type = NULL, *target = NULL, *mode = NULL;
    int rc = -(sax_attr(nb_attributes, attributes, "Type", &type) != 0 ||
               sax_attr(nb_attributes, attributes, "Target", &target) != 0 ||
               sax_attr(nb_attributes, attributes, "TargetMode", &mode) != 0);
    int external = mode && strcasecmp(mode, "External") == 0;
    const pkg_entry *e = NULL;
    if (rc == 0 && type && target && !external) {
        int oom = 0;
        char *resolved = resolve_target(source, target, &oom);
        e = resolved ? find_entry(p, resolved) : NULL;
        free(resolved);
        rc = -oom;
    }
    if (e && p->nrels == p->rels_cap) {
        size_t cap = p->rels_cap ? p->rels_cap * 2 : 16;
        pkg_rel *grown = realloc(p->rels, cap * sizeof *grown);
        if (grown) {
            p->rels = grown;
            p->rels_cap = cap;
        }
    }
    if (e && p->nrels < p->rels_cap) {
        pkg_rel *rel = &p->rels[p->nrels];
        rel->source = strdup(source);
        rel->type = type;
        rel->target = strdup(e->name);
        type = NULL;
        if (rel->source && rel->target) {
            p->nrels++;
        } else {
            free(rel->source);
            free(rel->type);
            free(rel->target);
            rc = -1;
        }
    } else if (e) {
        rc = -1;
    }
    free(type);
    free(target);
    free(mode);
    return rc;
}

static void on_start_element(void *user, const xmlChar *localname, const xmlChar *prefix,
                             const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                             int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = user;
    parse_state *st = ctxt->_private;
    st->last_text = 0;
    if (!count_nodes(ctxt, 1u + (unsigned long)(nb_attributes > 0 ? nb_attributes : 0) +
                               (unsigned long)(nb_namespaces > 0 ? nb_namespaces : 0)))
        return;
    st->depth++;
    if (!st->root_seen) {
        st->root_seen = 1;
        const char *ns = uri ? (const char *)uri : "";
        st->root_is_document =
            strcmp(ns, W_MAIN_NS) == 0 && xmlStrcmp(localname, BAD_CAST "document") == 0;
        st->root_strict = strncmp(ns, STRICT_NS_PREFIX, strlen(STRICT_NS_PREFIX)) == 0;
        snprintf(st->root_name, sizeof st->root_name, "%s", (const char *)localname);
    }
    if (st->tree && st->start_element) {
        st->start_element(user, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
    } else if (st->rels_pkg && st->depth == 2 &&
               xmlStrcmp(localname, BAD_CAST "Relationship") == 0 &&
               add_relationship(st->rels_pkg, st->rels_source, nb_attributes, attributes) != 0) {
        st->oom = 1;
        xmlStopParser(ctxt);
    }
}

static void on_end_element(void *user, const xmlChar *localname, const xmlChar *prefix,
                           const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = user;
    parse_state *st = ctxt->_private;
    st->last_text = 0;
    st->depth--;
    if (st->tree && st->end_element)
        st->end_element(user, localname, prefix, uri);
}

/* Text right after text is appended to the same text node (libxml2 hands
 * long text and references over in pieces): no new node. Returns whether
 * the tree builder is to be called. */
static int count_text(xmlParserCtxtPtr ctxt, int kind)
{
    parse_state *st = ctxt->_private;
    int again = st->last_text == kind;
    st->last_text = kind;
    return count_nodes(ctxt, again ? 0u : 1u) && st->tree;
}

static void on_characters(void *user, const xmlChar *ch, int len)
{
    parse_state *st = ((xmlParserCtxtPtr)user)->_private;
    if (count_text(user, 1) && st->characters)
        st->characters(user, ch, len);
}

static void on_whitespace(void *user, const xmlChar *ch, int len)
{
    parse_state *st = ((xmlParserCtxtPtr)user)->_private;
    if (count_text(user, 1) && st->whitespace)
        st->whitespace(user, ch, len);
}

static void on_cdata(void *user, const xmlChar *value, int len)
{
    parse_state *st = ((xmlParserCtxtPtr)user)->_private;
    if (count_text(user, 2) && st->cdata)
        st->cdata(user, value, len);
}

/* A node of its own (comment, PI, entity reference): 1 when the tree
 * builder is to be called. */
static int count_other(xmlParserCtxtPtr ctxt)
{
    parse_state *st = ctxt->_private;
    st->last_text = 0;
    return count_nodes(ctxt, 1) && st->tree;
}

static void on_comment(void *user, const xmlChar *value)
{
    parse_state *st = ((xmlParserCtxtPtr)user)->_private;
    if (count_other(user) && st->comment)
        st->comment(user, value);
}

static void on_pi(void *user, const xmlChar *target, const xmlChar *data)
{
    parse_state *st = ((xmlParserCtxtPtr)user)->_private;
    if (count_other(user) && st->pi)
        st->pi(user, target, data);
}

static void on_reference(void *user, const xmlChar *name)
{
    parse_state *st = ((xmlParserCtxtPtr)user)->_private;
    if (count_other(user) && st->reference)
        st->reference(user, name);
}

/* Puts the counting callbacks in front of each tree-building callback the
 * context has (and, without the tree, in their place). */
static void count_every_node(xmlSAXHandlerPtr sax, parse_state *st)
{
    st->start_element = sax->startElementNs;
    st->end_element = sax->endElementNs;
    st->characters = sax->characters;
    st->whitespace = sax->ignorableWhitespace;
    st->cdata = sax->cdataBlock;
    st->comment = sax->comment;
    st->pi = sax->processingInstruction;
    st->reference = sax->reference;
    sax->startElementNs = on_start_element;
    sax->endElementNs = on_end_element;
    sax->characters = on_characters;
    sax->ignorableWhitespace = on_whitespace;
    sax->cdataBlock = on_cdata;
    sax->comment = on_comment;
    sax->processingInstruction = on_pi;
    sax->reference = on_reference;
}

static void report_oom(clasm_diags *diags, const char *file, const char *part)
{
    diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, part, 0,
              "out of memory while parsing %s", part ? part : "an XML part");
}

/* Parses data as st says (st->tree: the DOM, returned; else only checked:
 * NULL). Returns whether the part is well-formed and within the limits;
 * st->oom is set when memory ran out. */
static int parse_xml(const unsigned char *data, size_t len, parse_state *st, xmlDocPtr *out)
{
    const char *file = st->file, *part = st->part;
    clasm_diags *diags = st->diags;
    *out = NULL;
    if (len > INT_MAX) {
        diag_part(diags, CLASM_SEV_ERROR, "package-too-large", file, part, 0,
                  "%s is too large to parse", part);
        return 0;
    }
    xml_handlers saved;
    xml_quiet_begin(&saved, st);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt || !ctxt->sax) {
        xmlFreeParserCtxt(ctxt);
        xml_quiet_end(&saved);
        st->oom = 1;
        report_oom(diags, file, part);
        return 0;
    }
    st->ctxt = ctxt;
    ctxt->_private = st;
    /* libxml2 hands some of the tree builder's errors to sax->serror with
     * the generic handler's context as its user data. */
    xmlSetGenericErrorFunc(ctxt, on_generic_error);
    count_every_node(ctxt->sax, st);
    ctxt->sax->serror = on_xml_error;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->externalSubset = on_internal_subset;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    /* Never XML_PARSE_NOENT or XML_PARSE_DTDLOAD: no entity is expanded and
     * nothing is loaded. CDATA is kept as it is. */
    int opts = XML_PARSE_NONET | XML_PARSE_NOWARNING | (st->own_strings ? XML_PARSE_NODICT : 0);
    xmlDocPtr doc =
        xmlCtxtReadMemory(ctxt, (const char *)data, (int)len, part ? part : "part.xml", NULL, opts);
    /* libxml2 leaves wellFormed set when only memory ran out: such a tree
     * is cut short and must never pass for the document. */
    if (ctxt->errNo == XML_ERR_NO_MEMORY)
        st->oom = 1;
    int ok = ctxt->wellFormed && !st->dtd_seen && !st->too_many && !st->oom && st->root_seen;
    if (doc && (doc->intSubset || doc->extSubset) && !st->dtd_seen && !st->oom) {
        st->dtd_seen = 1;
        diag_part(diags, CLASM_SEV_ERROR, "xml-dtd-refused", file, part, 0,
                  "%s has a document type declaration (DTD); clasm refuses them", part);
        ok = 0;
    }
    if (!ok || !st->tree || !xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    ok = ok && (doc || !st->tree);
    xmlFreeParserCtxt(ctxt);
    xml_quiet_end(&saved);
    /* Reported once the part's memory is back. */
    if (st->oom)
        report_oom(diags, file, part);
    else if (st->errors > MAX_XML_ERRORS)
        diag_part(diags, CLASM_SEV_ERROR, "xml-malformed", file, part, 0,
                  "%s has %d more XML errors", part, st->errors - MAX_XML_ERRORS);
    else if (!ok && !st->dtd_seen && !st->too_many && st->errors == 0)
        diag_part(diags, CLASM_SEV_ERROR, "xml-malformed", file, part, 0,
                  "%s is not well-formed XML", part);
    *out = doc;
    return ok;
}

xmlDocPtr pkg_parse_xml_bytes(const unsigned char *data, size_t len, const char *file,
                              const char *part, clasm_diags *diags)
{
    parse_state st;
    memset(&st, 0, sizeof st);
    st.diags = diags;
    st.file = file;
    st.part = part;
    st.tree = 1;
    xmlDocPtr doc;
    parse_xml(data, len, &st, &doc);
    return doc;
}

xmlDocPtr pkg_parse_xml_owned(const unsigned char *data, size_t len, const char *file,
                              const char *part, clasm_diags *diags)
{
    parse_state st;
    memset(&st, 0, sizeof st);
    st.diags = diags;
    st.file = file;
    st.part = part;
    st.tree = 1;
    st.own_strings = 1;
    xmlDocPtr doc;
    parse_xml(data, len, &st, &doc);
    return doc;
}

clasm_status pkg_failure_status(const clasm_diags *diags, size_t first)
{
    for (size_t i = first; diags && i < diags->count; i++)
        if (diags->items[i].id && strcmp(diags->items[i].id, "out-of-memory") == 0)
            return CLASM_E_IO;
    return CLASM_E_INPUT;
}

/* ---------------------------------------------------------------- names */

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Why an entry name is unsafe, or NULL when it is fine. */
static const char *unsafe_reason(const char *name)
{
    if (name[0] == '\0')
        return "it is empty";
    if (name[0] == '/')
        return "it is absolute";
    if (strchr(name, '\\'))
        return "it contains a backslash";
    const char *seg = name;
    int first = 1;
    for (;;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return "it has a '.' or '..' segment that could leave the package";
        if (first && n >= 2 && seg[n - 1] == ':')
            return "it starts with a drive letter";
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)seg[i] < 0x20)
                return "it contains a control character";
        if (!end)
            break;
        if (n == 0 && end[1] != '\0')
            return "it has an empty segment";
        seg = end + 1;
        first = 0;
    }
    return NULL;
}

static int cmp_key_name_ci(const void *key, const void *elem)
{
    const pkg_entry *const *e = elem;
    return strcasecmp(key, (*e)->name);
}

/* The entry named part, compared ignoring case as OPC does: O(log n), as a
 * package's relationships (hundreds of thousands of them) each look one
 * up. */
static const pkg_entry *find_entry(const pkg *p, const char *part)
{
    if (!part || !p->by_name)
        return NULL;
    const pkg_entry **hit =
        bsearch(part, p->by_name, p->count, sizeof *p->by_name, cmp_key_name_ci);
    return hit ? *hit : NULL;
}

/* Resolves a relationship target against the folder of source ("" for the
 * package root); NULL when it leaves the package or (*oom set) when out of
 * memory. */
static char *resolve_target(const char *source, const char *target, int *oom)
{
    size_t cap = strlen(source) + strlen(target) + 2;
    char *joined = malloc(cap);
    if (!joined) {
        *oom = 1;
        return NULL;
    }
    if (target[0] == '/') {
        snprintf(joined, cap, "%s", target + 1);
    } else {
        const char *slash = strrchr(source, '/');
        size_t dir = slash ? (size_t)(slash - source) + 1 : 0;
        memcpy(joined, source, dir);
        snprintf(joined + dir, cap - dir, "%s", target);
    }
    /* Drop a query or fragment. */
    joined[strcspn(joined, "#?")] = '\0';
    /* Normalize '.' and '..' segments in place. */
    char *out = malloc(cap);
    if (!out) {
        free(joined);
        *oom = 1;
        return NULL;
    }
    size_t o = 0;
    char *save = NULL;
    for (char *seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            if (o == 0) {
                free(joined);
                free(out);
                return NULL;
            }
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            continue;
        }
        if (o > 0)
            out[o++] = '/';
        size_t n = strlen(seg);
        memcpy(out + o, seg, n);
        o += n;
    }
    out[o] = '\0';
    free(joined);
    return out;
}

/* ---------------------------------------------------------------- open */

void pkg_free(pkg *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++) {
        free(p->entries[i].name);
        free(p->entries[i].data);
    }
    free(p->entries);
    free(p->by_name);
    for (size_t i = 0; i < p->nrels; i++) {
        free(p->rels[i].source);
        free(p->rels[i].type);
        free(p->rels[i].target);
    }
    free(p->rels);
    free(p->zipdata);
    free(p->name);
    free(p);
}

static int cmp_names_ci(const void *a, const void *b)
{
    const pkg_entry *const *x = a;
    const pkg_entry *const *y = b;
    return strcasecmp((*x)->name, (*y)->name);
}

/* Reads every entry of za into p, checking names and limits. Returns the
 * number of problems found. */
static int read_entries(pkg *p, zip_t *za, clasm_diags *diags)
{
    const char *file = p->name;
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (n < 0)
        n = 0;
    if ((zip_uint64_t)n > PKG_MAX_ENTRIES) {
        diag_part(diags, CLASM_SEV_ERROR, "package-too-large", file, NULL, 0,
                  "the package has %lld entries; at most %u are accepted", (long long)n,
                  PKG_MAX_ENTRIES);
        return 1;
    }
    p->entries = calloc(n ? (size_t)n : 1, sizeof *p->entries);
    if (!p->entries) {
        p->oom = 1;
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, NULL, 0,
                  "out of memory while reading the package");
        return 1;
    }
    int problems = 0;
    uint64_t total = 0, total_comp = 0;
    for (zip_uint64_t i = 0; i < (zip_uint64_t)n; i++) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(za, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
            diag_part(diags, CLASM_SEV_ERROR, "zip-entry-corrupt", file, NULL, 0,
                      "entry %llu of the package cannot be read: %s", (unsigned long long)i + 1,
                      zip_strerror(za));
            problems++;
            continue;
        }
        pkg_entry *e = &p->entries[p->count++];
        e->name = strdup(st.name);
        if (!e->name) {
            p->oom = 1;
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, NULL, 0,
                      "out of memory while reading the package");
            return problems + 1;
        }
        const char *why = unsafe_reason(st.name);
        if (why) {
            diag_part(diags, CLASM_SEV_ERROR, "unsafe-entry-name", file, st.name, 0,
                      "the package entry '%s' is refused because %s", st.name, why);
            problems++;
            continue;
        }
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
            diag_part(diags, CLASM_SEV_ERROR, "encrypted-entry", file, st.name, 0,
                      "the package entry '%s' is encrypted; clasm reads only unencrypted "
                      "documents",
                      st.name);
            problems++;
            continue;
        }
        e->is_dir = ends_with(st.name, "/");
        if (e->is_dir)
            continue;
        if (st.size > PKG_MAX_PART_BYTES) {
            diag_part(diags, CLASM_SEV_ERROR, "package-too-large", file, st.name, 0,
                      "the package entry '%s' is %llu bytes uncompressed; at most %u are "
                      "accepted",
                      st.name, (unsigned long long)st.size, PKG_MAX_PART_BYTES);
            problems++;
            continue;
        }
        if (st.size > RATIO_MIN_BYTES &&
            (st.comp_size == 0 || st.size / st.comp_size > PKG_MAX_RATIO)) {
            diag_part(diags, CLASM_SEV_ERROR, "zip-bomb", file, st.name, 0,
                      "the package entry '%s' expands from %llu to %llu bytes, a ratio above "
                      "%u: refused as a possible zip bomb",
                      st.name, (unsigned long long)st.comp_size, (unsigned long long)st.size,
                      PKG_MAX_RATIO);
            problems++;
            continue;
        }
        total += st.size;
        total_comp += st.comp_size;
        if (total > PKG_MAX_TOTAL_BYTES) {
            diag_part(diags, CLASM_SEV_ERROR, "package-too-large", file, NULL, 0,
                      "the package's entries add up to more than %u bytes uncompressed",
                      PKG_MAX_TOTAL_BYTES);
            return problems + 1;
        }
        if (st.size == 0)
            continue;
        e->data = malloc((size_t)st.size);
        zip_file_t *zf = e->data ? zip_fopen_index(za, i, 0) : NULL;
        zip_int64_t got = -1;
        if (e->data && zf) {
            got = 0;
            while ((zip_uint64_t)got < st.size) {
                zip_int64_t r = zip_fread(zf, e->data + got, st.size - (zip_uint64_t)got);
                if (r <= 0) {
                    if (r < 0)
                        got = -1;
                    break;
                }
                got += r;
            }
            char extra;
            if (got >= 0 && zip_fread(zf, &extra, 1) != 0)
                got = -1;
        }
        zip_error_t *ze = zf ? zip_file_get_error(zf) : zip_get_error(za);
        if (!e->data || (ze && zip_error_code_zip(ze) == ZIP_ER_MEMORY)) {
            p->oom = 1;
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, st.name, 0,
                      "out of memory while reading the package entry '%s'", st.name);
            if (zf)
                zip_fclose(zf);
            return problems + 1;
        }
        if (got < 0 || (zip_uint64_t)got != st.size) {
            /* libzip has no error to give when the data merely ends early or
             * runs on past the size the entry's header declares. */
            const char *why = ze && zip_error_code_zip(ze) != ZIP_ER_OK
                                  ? zip_error_strerror(ze)
                                  : "its data does not match the size its header declares";
            diag_part(diags, CLASM_SEV_ERROR, "zip-entry-corrupt", file, st.name, 0,
                      "the package entry '%s' cannot be read: %s", st.name, why);
            problems++;
        }
        if (zf)
            zip_fclose(zf);
        e->len = (size_t)st.size;
    }
    /* The package as a whole: many entries each under RATIO_MIN_BYTES. */
    if (total > RATIO_TOTAL_MIN_BYTES && (total_comp == 0 || total / total_comp > PKG_MAX_RATIO)) {
        diag_part(diags, CLASM_SEV_ERROR, "zip-bomb", file, NULL, 0,
                  "the package's entries expand from %llu to %llu bytes in all, a ratio above "
                  "%u: refused as a possible zip bomb",
                  (unsigned long long)total_comp, (unsigned long long)total, PKG_MAX_RATIO);
        problems++;
    }
    /* The index find_entry searches; duplicate names (compared as OPC does,
     * ignoring case) are refused. */
    p->by_name = malloc((p->count ? p->count : 1) * sizeof *p->by_name);
    if (!p->by_name) {
        p->oom = 1;
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", file, NULL, 0,
                  "out of memory while reading the package");
        return problems + 1;
    }
    for (size_t i = 0; i < p->count; i++)
        p->by_name[i] = &p->entries[i];
    qsort(p->by_name, p->count, sizeof *p->by_name, cmp_names_ci);
    for (size_t i = 1; i < p->count; i++) {
        if (strcasecmp(p->by_name[i]->name, p->by_name[i - 1]->name) == 0) {
            diag_part(diags, CLASM_SEV_ERROR, "unsafe-entry-name", file, p->by_name[i]->name, 0,
                      "the package holds the entry '%s' more than once", p->by_name[i]->name);
            problems++;
        }
    }
    return problems;
}

/* NULL when rels_name is no .rels part, or (*oom set) out of memory. */
static char *rels_source_of(const char *rels_name, int *oom)
{
    /* "_rels/.rels" -> ""; "word/_rels/document.xml.rels" -> "word/document.xml" */
    const char *r = strstr(rels_name, "_rels/");
    if (!r || (r != rels_name && r[-1] != '/') || !ends_with(rels_name, ".rels"))
        return NULL;
    const char *base = r + 6;
    size_t dir = (size_t)(r - rels_name);
    size_t blen = strlen(base) - 5;
    char *src = malloc(dir + blen + 1);
    if (!src) {
        *oom = 1;
        return NULL;
    }
    memcpy(src, rels_name, dir);
    memcpy(src + dir, base, blen);
    src[dir + blen] = '\0';
    return src;
}

static int is_xml_name(const char *name)
{
    size_t n = strlen(name);
    return (n >= 4 && strcasecmp(name + n - 4, ".xml") == 0) ||
           (n >= 5 && strcasecmp(name + n - 5, ".rels") == 0);
}

/* Checks one XML part without building its tree (which at open only
 * cost time: three .rels parts of 120,000 relationships took a second to
 * build and free), collecting the relationships of a .rels part. Returns
 * whether it is well-formed and within the limits; st has the root. */
static int check_part(pkg *p, const pkg_entry *e, clasm_diags *diags, parse_state *st)
{
    memset(st, 0, sizeof *st);
    st->diags = diags;
    st->file = p->name;
    st->part = e->name;
    int oom = 0;
    char *source = ends_with(e->name, ".rels") ? rels_source_of(e->name, &oom) : NULL;
    if (oom) {
        p->oom = 1;
        report_oom(diags, p->name, e->name);
        return 0;
    }
    st->rels_pkg = source ? p : NULL;
    st->rels_source = source;
    xmlDocPtr none;
    int ok = parse_xml(e->data, e->len, st, &none);
    free(source);
    if (st->oom)
        p->oom = 1;
    return ok;
}

/* Checks every XML part (refusing DTDs and malformed XML), gathers the
 * relationships and finds the main part. Returns the number of problems. */
static int check_parts(pkg *p, clasm_diags *diags)
{
    int problems = 0;
    parse_state st;
    unsigned long total = 0;
    for (size_t i = 0; i < p->count; i++) {
        pkg_entry *e = &p->entries[i];
        if (e->is_dir || !is_xml_name(e->name))
            continue;
        if (!check_part(p, e, diags, &st)) {
            problems++;
            if (p->oom)
                return problems; /* the parts after it would fail alike */
            continue;
        }
        total += st.nodes;
        if (total > XML_MAX_TOTAL_NODES) {
            diag_part(diags, CLASM_SEV_ERROR, "xml-too-large", p->name, NULL, 0,
                      "the package's XML parts have more than %u XML nodes in all (at %s); "
                      "clasm refuses packages this large",
                      XML_MAX_TOTAL_NODES, e->name);
            return problems + 1;
        }
    }
    if (problems)
        return problems;

    int strict = 0;
    for (size_t i = 0; i < p->nrels; i++) {
        if (p->rels[i].source[0] == '\0' && ends_with(p->rels[i].type, "/officeDocument")) {
            p->main_part = find_entry(p, p->rels[i].target)->name;
            strict = strncmp(p->rels[i].type, STRICT_NS_PREFIX, strlen(STRICT_NS_PREFIX)) == 0;
            break;
        }
    }
    if (!p->main_part) {
        const pkg_entry *e = find_entry(p, "word/document.xml");
        if (e)
            p->main_part = e->name;
    }
    if (!p->main_part) {
        diag_part(diags, CLASM_SEV_ERROR, "no-main-part", p->name, NULL, 0,
                  "the package has no main document part: _rels/.rels names no "
                  "officeDocument part that exists and there is no word/document.xml; "
                  "is this a Word document?");
        return 1;
    }
    /* Its root (a main part need not be named .xml: checked here if not). */
    const pkg_entry *m = find_entry(p, p->main_part);
    if (!check_part(p, m, diags, &st))
        return 1;
    if (strict || st.root_strict) {
        diag_part(diags, CLASM_SEV_ERROR, "strict-ooxml-unsupported", p->name, m->name, 0,
                  "the document is saved as Strict Open XML (ISO/IEC 29500 Strict), which "
                  "clasm does not support; save it as a regular Word document (.docx, "
                  "Transitional) and try again");
        problems++;
    } else if (!st.root_is_document) {
        diag_part(diags, CLASM_SEV_ERROR, "no-main-part", p->name, m->name, 0,
                  "the main part %s is not a WordprocessingML document (its root is <%s>)", m->name,
                  st.root_name);
        problems++;
    }
    return problems;
}

/* Opens the archive held in p->zipdata. */
static zip_t *open_archive(const unsigned char *data, size_t len, zip_error_t *err)
{
    zip_source_t *src = zip_source_buffer_create(data, len, 0, err);
    if (!src)
        return NULL;
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, err);
    if (!za)
        zip_source_free(src);
    return za;
}

/* Takes ownership of data (malloc'd). */
static clasm_status open_owned(unsigned char *data, size_t len, const char *name, pkg **out,
                               clasm_diags *diags, const struct stat *identity)
{
    *out = NULL;
    /* libxml2 initializes itself once; doing it here, where a template is
     * opened before any thread shares it, keeps later parses thread-safe. */
    xmlInitParser();
    xml_silence_library();
    pkg *p = calloc(1, sizeof *p);
    if (!p || !(p->name = strdup(name ? name : "(template)"))) {
        free(p);
        free(data);
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", name, NULL, 0,
                  "out of memory while opening the template");
        return CLASM_E_IO;
    }
    p->zipdata = data;
    p->ziplen = len;
    if (identity) {
        p->has_identity = 1;
        p->dev = identity->st_dev;
        p->ino = identity->st_ino;
    }
    zip_error_t err;
    zip_error_init(&err);
    zip_t *za = len >= 22 ? open_archive(data, len, &err) : NULL;
    if (!za && zip_error_code_zip(&err) == ZIP_ER_MEMORY) {
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", p->name, NULL, 0,
                  "out of memory while opening the template");
        zip_error_fini(&err);
        pkg_free(p);
        return CLASM_E_IO;
    }
    if (!za) {
        diag_part(diags, CLASM_SEV_ERROR, "not-a-zip", p->name, NULL, 0,
                  "%s is not a DOCX file: it is not a zip archive (%s)", p->name,
                  len < 22 ? "too short" : zip_error_strerror(&err));
        zip_error_fini(&err);
        pkg_free(p);
        return CLASM_E_INPUT;
    }
    zip_error_fini(&err);
    int problems = read_entries(p, za, diags);
    zip_discard(za);
    if (!problems)
        problems = check_parts(p, diags);
    if (problems) {
        /* Memory that ran out says nothing of the template: an I/O failure
         * (exit 3), not the user's input. */
        clasm_status st = p->oom ? CLASM_E_IO : CLASM_E_INPUT;
        pkg_free(p);
        return st;
    }
    *out = p;
    return CLASM_OK;
}

clasm_status pkg_open_buffer(const void *data, size_t len, const char *name, pkg **out,
                             clasm_diags *diags)
{
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy) {
        *out = NULL;
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", name, NULL, 0,
                  "out of memory while opening the template");
        return CLASM_E_IO;
    }
    if (len)
        memcpy(copy, data, len);
    return open_owned(copy, len, name, out, diags, NULL);
}

clasm_status pkg_open(const char *path, pkg **out, clasm_diags *diags)
{
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is then
     * refused below as not a regular file); reads of a regular file are
     * unaffected. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        /* A file that cannot be opened is an I/O failure (exit 3), as for deals. */
        int saved = errno;
        if (fd >= 0)
            close(fd);
        diag_part(diags, CLASM_SEV_ERROR, "io-error", path, NULL, 0, "cannot open %s: %s", path,
                  strerror(saved));
        return CLASM_E_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        diag_part(diags, CLASM_SEV_ERROR, "not-a-zip", path, NULL, 0,
                  "%s is not a DOCX file: it is not a regular file", path);
        return CLASM_E_INPUT;
    }
    if ((uint64_t)st.st_size > PKG_MAX_TOTAL_BYTES) {
        close(fd);
        diag_part(diags, CLASM_SEV_ERROR, "package-too-large", path, NULL, 0,
                  "%s is %lld bytes; templates of at most %u bytes are accepted", path,
                  (long long)st.st_size, PKG_MAX_TOTAL_BYTES);
        return CLASM_E_INPUT;
    }
    size_t len = (size_t)st.st_size;
    unsigned char *data = malloc(len ? len : 1);
    size_t got = 0;
    while (data && got < len) {
        ssize_t r = read(fd, data + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    int saved = errno;
    close(fd);
    if (!data || got != len) {
        free(data);
        diag_part(diags, CLASM_SEV_ERROR, "io-error", path, NULL, 0, "cannot read %s: %s", path,
                  data ? strerror(saved) : "out of memory");
        return CLASM_E_IO;
    }
    return open_owned(data, len, path, out, diags, &st);
}

const char *pkg_name(const pkg *p)
{
    return p->name;
}

size_t pkg_entry_count(const pkg *p)
{
    return p->count;
}

const char *pkg_entry_name(const pkg *p, size_t i)
{
    return i < p->count ? p->entries[i].name : NULL;
}

int pkg_has(const pkg *p, const char *part)
{
    return find_entry(p, part) != NULL;
}

const char *pkg_main_part(const pkg *p)
{
    return p->main_part;
}

const unsigned char *pkg_bytes(const pkg *p, const char *part, size_t *len)
{
    const pkg_entry *e = find_entry(p, part);
    if (len)
        *len = e ? e->len : 0;
    if (!e)
        return NULL;
    return e->data ? e->data : (const unsigned char *)"";
}

size_t pkg_related(const pkg *p, const char *source_part, const char *type_suffix, const char **out,
                   size_t max)
{
    const pkg_entry *src = find_entry(p, source_part);
    const char *source = src ? src->name : source_part;
    size_t n = 0;
    size_t slen = strlen(type_suffix);
    for (size_t i = 0; i < p->nrels && n < max; i++) {
        const pkg_rel *r = &p->rels[i];
        if (strcasecmp(r->source, source) != 0)
            continue;
        size_t tlen = strlen(r->type);
        if (tlen > slen && r->type[tlen - slen - 1] == '/' &&
            strcmp(r->type + tlen - slen, type_suffix) == 0)
            out[n++] = r->target;
    }
    return n;
}

/* ---------------------------------------------------------------- edits */

typedef struct {
    char *name;
    unsigned char *data; /* the part's bytes; NULL while kept as doc */
    size_t len;
    /* The part kept parsed (owned): edits change it in place, and it is
     * serialized once, when the package is written, if written is set
     * (a tree only read leaves the part as it was). */
    xmlDocPtr doc;
    int written;
    long base; /* index of the base entry it replaces, or -1 when added */
} pkg_change;

struct pkg_edit {
    const pkg *base;
    pkg_change *changes;
    size_t count;
};

pkg_edit *pkg_edit_new(const pkg *base)
{
    pkg_edit *e = calloc(1, sizeof *e);
    if (e)
        e->base = base;
    return e;
}

void pkg_edit_free(pkg_edit *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->count; i++) {
        free(e->changes[i].name);
        free(e->changes[i].data);
        xmlFreeDoc(e->changes[i].doc);
    }
    free(e->changes);
    free(e);
}

const pkg *pkg_edit_base(const pkg_edit *e)
{
    return e->base;
}

static pkg_change *find_change(const pkg_edit *e, const char *part)
{
    for (size_t i = 0; i < e->count; i++)
        if (strcasecmp(e->changes[i].name, part) == 0)
            return &e->changes[i];
    return NULL;
}

int pkg_edit_has(const pkg_edit *e, const char *part)
{
    return find_change(e, part) != NULL || pkg_has(e->base, part);
}

/* The part's bytes as they stand: a change's, else the base's; NULL (and
 * *len 0) when absent or kept as a tree. */
static const unsigned char *current_bytes(const pkg_edit *e, const pkg_change *c, const char *part,
                                          size_t *len)
{
    *len = 0;
    if (c && c->doc)
        return NULL;
    if (c && (c->data || c->written)) {
        *len = c->len;
        return c->data ? c->data : (const unsigned char *)"";
    }
    return pkg_bytes(e->base, part, len);
}

xmlDocPtr pkg_edit_parse(pkg_edit *e, const char *part, clasm_diags *diags)
{
    const pkg_change *c = find_change(e, part);
    if (c && c->doc) {
        xmlDocPtr copy = xmlCopyDoc(c->doc, 1);
        if (!copy)
            diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", e->base->name, part, 0,
                      "out of memory while copying the part %s", part);
        return copy;
    }
    size_t len = 0;
    const unsigned char *data = current_bytes(e, c, part, &len);
    if (!data) {
        diag_part(diags, CLASM_SEV_ERROR, "missing-part", e->base->name, part, 0,
                  "the package has no part %s", part);
        return NULL;
    }
    return pkg_parse_xml_bytes(data, len, e->base->name, part, diags);
}

/* The change of part, added (for the base's entry of that name, or a new
 * part) when there is none. NULL when out of memory or the name is unsafe. */
static pkg_change *change_of(pkg_edit *e, const char *part)
{
    if (!part || unsafe_reason(part))
        return NULL;
    pkg_change *c = find_change(e, part);
    if (c)
        return c;
    pkg_change *grown = realloc(e->changes, (e->count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    e->changes = grown;
    const pkg_entry *be = find_entry(e->base, part);
    char *name = strdup(be ? be->name : part);
    if (!name)
        return NULL;
    c = &e->changes[e->count++];
    memset(c, 0, sizeof *c);
    c->name = name;
    c->base = be ? (long)(be - e->base->entries) : -1;
    return c;
}

xmlDocPtr pkg_edit_xml(pkg_edit *e, const char *part, clasm_diags *diags)
{
    pkg_change *c = find_change(e, part);
    if (c && c->doc)
        return c->doc;
    size_t len = 0;
    const unsigned char *data = current_bytes(e, c, part, &len);
    if (!data) {
        diag_part(diags, CLASM_SEV_ERROR, "missing-part", e->base->name, part, 0,
                  "the package has no part %s", part);
        return NULL;
    }
    xmlDocPtr doc = pkg_parse_xml_bytes(data, len, e->base->name, part, diags);
    if (!doc)
        return NULL;
    int was_written = c && c->written;
    if (!c)
        c = change_of(e, part);
    if (!c) {
        xmlFreeDoc(doc);
        diag_part(diags, CLASM_SEV_ERROR, "out-of-memory", e->base->name, part, 0,
                  "out of memory while reading the part %s", part);
        return NULL;
    }
    /* Bytes the edit set stay the part's until the tree is written. */
    free(c->data);
    c->data = NULL;
    c->len = 0;
    c->doc = doc;
    c->written = was_written;
    return doc;
}

int pkg_edit_changed(pkg_edit *e, const char *part)
{
    pkg_change *c = find_change(e, part);
    if (!c || !c->doc)
        return -1;
    c->written = 1;
    return 0;
}

int pkg_edit_adopt_xml(pkg_edit *e, const char *part, xmlDocPtr doc)
{
    pkg_change *c = change_of(e, part);
    if (!c) {
        xmlFreeDoc(doc);
        return -1;
    }
    if (c->doc != doc)
        xmlFreeDoc(c->doc);
    free(c->data);
    c->data = NULL;
    c->len = 0;
    c->doc = doc;
    c->written = 1;
    return 0;
}

int pkg_edit_take_bytes(pkg_edit *e, const char *part, unsigned char *data, size_t len)
{
    pkg_change *c = data ? change_of(e, part) : NULL;
    if (!c) {
        free(data);
        return -1;
    }
    xmlFreeDoc(c->doc);
    c->doc = NULL;
    free(c->data);
    c->data = data;
    c->len = len;
    c->written = 1;
    return 0;
}

int pkg_edit_set_bytes(pkg_edit *e, const char *part, const void *data, size_t len)
{
    unsigned char *copy = malloc(len ? len : 1);
    if (copy && len)
        memcpy(copy, data, len);
    return pkg_edit_take_bytes(e, part, copy, len);
}

xmlChar *pkg_serialize_xml(xmlDocPtr doc, int *len)
{
    xmlChar *buf = NULL;
    *len = 0;
    /* Out of memory, libxml2 would print its error: the caller reports. */
    xml_handlers saved;
    xml_quiet_begin(&saved, NULL);
    xmlDocDumpMemoryEnc(doc, &buf, len, "UTF-8");
    xml_quiet_end(&saved);
    if (buf && *len < 0) {
        xmlFree(buf);
        buf = NULL;
    }
    return buf;
}

int pkg_edit_set_xml(pkg_edit *e, const char *part, xmlDocPtr doc)
{
    int len = 0;
    xmlChar *buf = pkg_serialize_xml(doc, &len);
    if (!buf)
        return -1;
    int rc = pkg_edit_set_bytes(e, part, buf, (size_t)len);
    xmlFree(buf);
    return rc;
}

/* ---------------------------------------------------------------- write */

/* The written change of base entry index (its number among the changes in
 * *k), or NULL when the entry is copied as it is. */
static const pkg_change *change_for_base(const pkg_edit *e, size_t index, size_t *k)
{
    for (size_t i = 0; i < e->count; i++)
        if (e->changes[i].base == (long)index) {
            *k = i;
            return e->changes[i].written ? &e->changes[i] : NULL;
        }
    return NULL;
}

/* The bytes of each written change, its kept tree serialized now (once);
 * bufs[i] is what serializing change i gave (xmlFree it), NULL for one
 * held as bytes. -1 when out of memory (*failed names the part). */
static int serialize_kept(const pkg_edit *e, xmlChar **bufs, int *lens, const char **failed)
{
    for (size_t i = 0; i < e->count; i++) {
        const pkg_change *c = &e->changes[i];
        if (!c->doc || !c->written)
            continue;
        if (!(bufs[i] = pkg_serialize_xml(c->doc, &lens[i]))) {
            *failed = c->name;
            return -1;
        }
    }
    return 0;
}

/* Adds src as name, stored with method (the entry's own method for a raw
 * copy, ZIP_CM_DEFLATE for a new part) and the fixed timestamp. */
static int add_entry(zip_t *out, const char *name, zip_source_t *src, zip_int32_t method,
                     const char **failed)
{
    if (!src) {
        *failed = name;
        return -1;
    }
    zip_int64_t idx = zip_file_add(out, name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        *failed = name;
        return -1;
    }
    /* A new part's source is deflated already (package_deflate.c): with
     * the entry's method deflate, libzip stores it as it is. */
    zip_uint32_t level = method == ZIP_CM_DEFLATE ? CLASM_DEFLATE_LEVEL : 0;
    if (zip_set_file_compression(out, (zip_uint64_t)idx, method, level) != 0 ||
        zip_file_set_dostime(out, (zip_uint64_t)idx, FIXED_DOS_TIME, FIXED_DOS_DATE, 0) != 0) {
        *failed = name;
        return -1;
    }
    return 0;
}

/* Builds the output archive in memory. Returns 0 and malloc'd bytes. */
static int build_archive(const pkg_edit *e, unsigned char **bytes, size_t *blen,
                         const char **failed, char *why, size_t why_len)
{
    const pkg *p = e->base;
    zip_error_t err;
    zip_error_init(&err);
    *failed = NULL;
    zip_t *base = open_archive(p->zipdata, p->ziplen, &err);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &err);
    zip_t *out = NULL;
    int rc = -1;
    xmlChar **bufs = calloc(e->count + 1, sizeof *bufs);
    int *lens = calloc(e->count + 1, sizeof *lens);
    pkg_deflater *dc = pkg_deflater_new();
    if (!base || !mem || !bufs || !lens || !dc)
        goto done;
    if (serialize_kept(e, bufs, lens, failed) != 0) {
        snprintf(why, why_len, "out of memory");
        goto done;
    }
    zip_source_keep(mem);
    out = zip_open_from_source(mem, ZIP_TRUNCATE, &err);
    if (!out)
        goto done;
    for (size_t i = 0; i < p->count; i++) {
        const pkg_entry *be = &p->entries[i];
        size_t k = 0;
        const pkg_change *c = change_for_base(e, i, &k);
        if (be->is_dir && !c) {
            zip_int64_t idx = zip_dir_add(out, be->name, ZIP_FL_ENC_UTF_8);
            if (idx < 0 ||
                zip_file_set_dostime(out, (zip_uint64_t)idx, FIXED_DOS_TIME, FIXED_DOS_DATE, 0))
                goto fail_entry;
            continue;
        }
        zip_source_t *src;
        zip_int32_t method = ZIP_CM_DEFLATE;
        if (c) {
            src = bufs[k] ? pkg_deflated_source(out, dc, bufs[k], (size_t)lens[k])
                          : pkg_deflated_source(out, dc, c->data, c->len);
        } else {
            /* The compressed data is copied as it is, with its method: no
             * recompression. Entry i of the base archive is entry i here. */
            zip_stat_t bst;
            zip_stat_init(&bst);
            if (zip_stat_index(base, i, 0, &bst) != 0 || strcmp(bst.name, be->name) != 0)
                goto fail_entry;
            method =
                (bst.valid & ZIP_STAT_COMP_METHOD) ? (zip_int32_t)bst.comp_method : ZIP_CM_DEFLATE;
            src = zip_source_zip(out, base, i, ZIP_FL_COMPRESSED, 0, -1);
        }
        if (add_entry(out, be->name, src, method, failed) != 0)
            goto fail_entry;
        continue;
    fail_entry:
        *failed = be->name;
        goto done;
    }
    for (size_t i = 0; i < e->count; i++) {
        const pkg_change *c = &e->changes[i];
        if (c->base >= 0 || !c->written)
            continue;
        zip_source_t *src = bufs[i] ? pkg_deflated_source(out, dc, bufs[i], (size_t)lens[i])
                                    : pkg_deflated_source(out, dc, c->data, c->len);
        if (add_entry(out, c->name, src, ZIP_CM_DEFLATE, failed) != 0)
            goto done;
    }
    if (zip_close(out) != 0) {
        snprintf(why, why_len, "%s", zip_strerror(out));
        zip_discard(out);
        out = NULL;
        goto done;
    }
    out = NULL;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(mem, &st) != 0 || zip_source_open(mem) != 0)
        goto done;
    *bytes = malloc(st.size ? (size_t)st.size : 1);
    zip_int64_t got = *bytes ? zip_source_read(mem, *bytes, st.size) : -1;
    zip_source_close(mem);
    if (got < 0 || (zip_uint64_t)got != st.size) {
        free(*bytes);
        *bytes = NULL;
        goto done;
    }
    *blen = (size_t)st.size;
    rc = 0;
done:
    if (rc != 0 && !why[0])
        snprintf(why, why_len, "%s", out ? zip_strerror(out) : zip_error_strerror(&err));
    if (out)
        zip_discard(out);
    if (mem)
        zip_source_free(mem);
    if (base)
        zip_discard(base);
    zip_error_fini(&err);
    for (size_t i = 0; bufs && i < e->count; i++)
        xmlFree(bufs[i]);
    free(bufs);
    free(lens);
    pkg_deflater_free(dc);
    return rc;
}

clasm_status pkg_edit_bytes(const pkg_edit *e, unsigned char **bytes, size_t *len, const char *name,
                            clasm_diags *diags)
{
    *bytes = NULL;
    *len = 0;
    const char *failed = NULL;
    char why[256] = "";
    if (build_archive(e, bytes, len, &failed, why, sizeof why) == 0)
        return CLASM_OK;
    if (failed)
        diag_part(diags, CLASM_SEV_ERROR, "io-error", name, failed, 0,
                  "cannot write the entry %s of %s: %s", failed, name, why);
    else
        diag_part(diags, CLASM_SEV_ERROR, "io-error", name, NULL, 0,
                  "cannot build the package %s: %s", name, why);
    return CLASM_E_IO;
}

int pkg_is_file(const pkg *p, const char *path)
{
    struct stat st;
    return p->has_identity && stat(path, &st) == 0 && st.st_dev == p->dev && st.st_ino == p->ino;
}

clasm_status pkg_check_destination(const pkg *p, const char *out_path, clasm_diags *diags)
{
    if (out_path && out_path[0] && pkg_is_file(p, out_path)) {
        diag_part(diags, CLASM_SEV_ERROR, "output-is-template", out_path, NULL, 0,
                  "the output %s is the template itself; the template is only read, "
                  "choose another output file",
                  out_path);
        return CLASM_E_INPUT;
    }
    return clasm_output_check(out_path, diags);
}

clasm_status pkg_edit_write(const pkg_edit *e, const char *out_path, clasm_diags *diags)
{
    /* The destination is checked before the work of building the package. */
    clasm_status s = pkg_check_destination(e->base, out_path, diags);
    if (s != CLASM_OK)
        return s;
    unsigned char *bytes;
    size_t blen;
    s = pkg_edit_bytes(e, &bytes, &blen, out_path, diags);
    if (s == CLASM_OK)
        s = clasm_write_file(out_path, bytes, blen, diags);
    free(bytes);
    return s;
}
