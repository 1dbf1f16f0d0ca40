/* A DOCX package: opened read-only with libzip, checked against limits,
 * parts parsed safely with libxml2; edits collected and written atomically
 * with fixed timestamps and entry order. */
#ifndef CLASM_PACKAGE_H
#define CLASM_PACKAGE_H

#include "clasm.h"

#include <libxml/tree.h>
#include <zip.h>

/* The deflate level of every part clasm writes new (libdeflate's, level 1
 * its fastest; package_deflate.c). */
#define CLASM_DEFLATE_LEVEL 1

/* Documented limits (README "Limits"). */
#define PKG_MAX_ENTRIES 2000u
#define PKG_MAX_PART_BYTES (32u * 1024u * 1024u)   /* one uncompressed entry */
#define PKG_MAX_TOTAL_BYTES (128u * 1024u * 1024u) /* all entries, uncompressed */
/* Uncompressed/compressed, for each entry over 64 KiB and for the package as
 * a whole once its entries add up to over 1 MiB. */
#define PKG_MAX_RATIO 100u

/* An opened template. Immutable after pkg_open: may be shared by threads
 * (each thread uses its own pkg_edit). pkg_open refuses, listing every
 * problem found, with these diagnostic ids: not-a-zip, no-main-part,
 * unsafe-entry-name (absolute, '..', backslash, duplicate), encrypted-entry,
 * package-too-large, zip-bomb, zip-entry-corrupt, xml-dtd-refused,
 * xml-malformed, xml-too-deep, xml-too-large (every .xml/.rels part is
 * parsed at open), and strict-ooxml-unsupported (CLASM_E_INPUT); io-error
 * when the file cannot be read and out-of-memory (CLASM_E_IO). */
typedef struct pkg pkg;

clasm_status pkg_open(const char *path, pkg **out, clasm_diags *diags);
clasm_status pkg_open_buffer(const void *data, size_t len, const char *name, pkg **out,
                             clasm_diags *diags);
void pkg_free(pkg *p);
const char *pkg_name(const pkg *p); /* the path/name used in diagnostics */
size_t pkg_entry_count(const pkg *p);
const char *pkg_entry_name(const pkg *p, size_t i);
int pkg_has(const pkg *p, const char *part);
/* The main document part, found through _rels/.rels (officeDocument). */
const char *pkg_main_part(const pkg *p);
/* Uncompressed bytes of a part, or NULL when absent. Owned by p. */
const unsigned char *pkg_bytes(const pkg *p, const char *part, size_t *len);
/* Targets (part names) of the relationships of source_part whose type ends
 * with "/" type_suffix (e.g. "header", "footer", "footnotes", "styles"),
 * in relationship order. Returns how many were stored in out. source_part
 * "" names the package (_rels/.rels). Targets are resolved against the
 * source's folder ("/word/x.xml" from the root); External targets and
 * targets that are not in the package are skipped. Strings owned by p. */
size_t pkg_related(const pkg *p, const char *source_part, const char *type_suffix, const char **out,
                   size_t max);

/* Parses XML bytes safely: XML_PARSE_NONET, no entity substitution, a DTD
 * or entity declaration is refused, at most a million nodes of any kind.
 * NULL and a diagnostic on failure: xml-malformed (at most 20 a part, then
 * one saying how many more), xml-dtd-refused, xml-too-deep, xml-too-large,
 * or out-of-memory (never a tree cut short by a failed allocation).
 * libxml2 prints nothing itself: its errors become these diagnostics. */
xmlDocPtr pkg_parse_xml_bytes(const unsigned char *data, size_t len, const char *file,
                              const char *part, clasm_diags *diags);
/* pkg_parse_xml_bytes, the tree owning every string (XML_PARSE_NODICT: no
 * dictionary, doc->dict NULL), for a tree that is kept and copied by
 * several threads at once: a copy then touches nothing of the original. */
xmlDocPtr pkg_parse_xml_owned(const unsigned char *data, size_t len, const char *file,
                              const char *part, clasm_diags *diags);

/* The status of a failure whose diagnostics are diags from index first on:
 * CLASM_E_IO when one of them is out-of-memory (memory that ran out says
 * nothing of the input), else CLASM_E_INPUT. */
clasm_status pkg_failure_status(const clasm_diags *diags, size_t first);

/* Edits over one opened package (one per draft). */
typedef struct pkg_edit pkg_edit;
pkg_edit *pkg_edit_new(const pkg *base);
void pkg_edit_free(pkg_edit *e);
const pkg *pkg_edit_base(const pkg_edit *e);
/* A fresh DOM of the part as it currently stands (edited or original);
 * caller frees. NULL and a diagnostic when absent or malformed. */
xmlDocPtr pkg_edit_parse(pkg_edit *e, const char *part, clasm_diags *diags);
/* The part's tree kept by the edit (parsed once, the first time; owned by
 * the edit): edits change it in place, and pkg_edit_changed marks it to be
 * written. It is serialized once, when the package is written. NULL and a
 * diagnostic when absent or malformed, or out of memory. */
xmlDocPtr pkg_edit_xml(pkg_edit *e, const char *part, clasm_diags *diags);
/* Marks the kept tree of part (pkg_edit_xml) to be written. 0, or -1 when
 * none is kept. */
int pkg_edit_changed(pkg_edit *e, const char *part);
/* Replaces or adds a part with doc, which the edit owns from now on (also
 * when this fails), kept and serialized when the package is written. 0, or
 * -1 when out of memory or the name is unsafe. */
int pkg_edit_adopt_xml(pkg_edit *e, const char *part, xmlDocPtr doc);
/* Replaces or adds a part; the bytes are copied / the DOM serialized now
 * (UTF-8, keeping the standalone declaration). 0 on success, -1 when out of
 * memory or the name is unsafe. Setting a part twice keeps the last. */
int pkg_edit_set_xml(pkg_edit *e, const char *part, xmlDocPtr doc);
int pkg_edit_set_bytes(pkg_edit *e, const char *part, const void *data, size_t len);
/* pkg_edit_set_bytes taking data (malloc'd), which the edit owns from now
 * on, also when this fails. */
int pkg_edit_take_bytes(pkg_edit *e, const char *part, unsigned char *data, size_t len);
/* doc as the bytes of a part: UTF-8, keeping the standalone declaration,
 * as the edit writes a tree. NULL when out of memory; free with xmlFree. */
xmlChar *pkg_serialize_xml(xmlDocPtr doc, int *len);
int pkg_edit_has(const pkg_edit *e, const char *part);
/* The package (base + edits) as zip bytes, built in memory: unchanged
 * entries are copied without recompression; new entries follow in the
 * order they were added. Same edits, same bytes: fixed 1980-01-01
 * timestamps and entry order. *bytes is malloc'd; name is for messages. */
clasm_status pkg_edit_bytes(const pkg_edit *e, unsigned char **bytes, size_t *len, const char *name,
                            clasm_diags *diags);
/* 1 when path names the file the package was opened from. */
int pkg_is_file(const pkg *p, const char *path);
/* Whether a draft of p may be written at out_path: not the template itself
 * (output-is-template, also through a link), and whatever
 * clasm_output_check refuses. */
clasm_status pkg_check_destination(const pkg *p, const char *out_path, clasm_diags *diags);
/* pkg_edit_bytes, written to out_path by clasm_write_file (atomically, on
 * any error nothing appears). Refuses the template itself
 * (output-is-template) and every destination clasm_output_check refuses. */
clasm_status pkg_edit_write(const pkg_edit *e, const char *out_path, clasm_diags *diags);

/* ---- the parts written new (package_deflate.c) ---- */
/* A compressor for the parts of one package (not shared by threads). */
typedef struct pkg_deflater pkg_deflater;
pkg_deflater *pkg_deflater_new(void);
void pkg_deflater_free(pkg_deflater *c);
/* A libzip source of data deflated now (CLASM_DEFLATE_LEVEL), which libzip
 * stores as it is when its entry's method is ZIP_CM_DEFLATE; NULL when out
 * of memory. data need not outlive the call. */
zip_source_t *pkg_deflated_source(zip_t *za, pkg_deflater *c, const void *data, size_t len);

/* ---- relationships and content types (package_rels.c) ---- */
/* Stores doc as part of the edit, which owns it from now on (also on
 * failure; pkg_edit_adopt_xml): serialized once, when the package is
 * written. Out-of-memory is reported, naming the package and the part.
 * 0 or -1. */
int pkg_edit_store(pkg_edit *e, const char *part, xmlDocPtr doc, clasm_diags *diags);
/* The relationships part of a part: "word/document.xml" ->
 * "word/_rels/document.xml.rels"; "" -> "_rels/.rels". malloc'd. */
char *pkg_rels_part(const char *part);
/* Adds a relationship of source_part (type a full URI, target relative to
 * the source's folder) to its .rels part (created when absent), with an Id
 * not yet used; *rid (when not NULL) receives it, malloc'd. 0 or -1. */
int pkg_add_relationship(pkg_edit *e, const char *source_part, const char *type, const char *target,
                         char **rid, clasm_diags *diags);
/* Registers part in [Content_Types].xml with an Override (no-op when an
 * Override for it exists). 0 or -1. */
int pkg_add_override(pkg_edit *e, const char *part, const char *content_type, clasm_diags *diags);
/* 1 when [Content_Types].xml has a Default for the extension (no dot). */
int pkg_has_default(pkg_edit *e, const char *extension, clasm_diags *diags);

#endif
