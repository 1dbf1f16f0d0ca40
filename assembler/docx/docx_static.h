/* The static regions of a template part: the runs of body-level blocks
 * that no draft changes (no placeholder, conditional or insertion point in
 * them, nothing numbered, no bookmark or id, no table cell a draft would
 * repair). When a template is opened each run is serialized once and left
 * in the part's tree as one processing instruction, <?clasm-static N?>; a
 * draft copies, changes and serializes only the rest, and its part's bytes
 * are those with each instruction replaced by its run's bytes: the same
 * bytes a draft of the whole tree has, for a fraction of the copying,
 * serializing and freeing. */
#ifndef CLASM_DOCX_STATIC_H
#define CLASM_DOCX_STATIC_H

#include <libxml/tree.h>
#include <stddef.h>

typedef struct {
    unsigned char *text; /* the run's blocks, serialized (UTF-8) */
    size_t len;
    /* The keys of its paragraphs that have text (manifest_paragraph_key),
     * in document order: a draft's record of the text outside its
     * clauses. */
    char (*keys)[17];
    size_t nkeys;
} docx_static_run;

typedef struct {
    docx_static_run *runs;
    size_t count;
    size_t bytes; /* of every run */
    /* 1 when the part was checked and holds no clasm-static instruction
     * of its own: a draft may add instructions of its own (more, in
     * docx_statics_splice), numbered after the runs. */
    int clean;
} docx_statics;

/* Finds the static runs of doc's body and replaces each by its processing
 * instruction, keeping its bytes in out. keep lists nodes whose body-level
 * blocks must stay (the part's structure markers); styles and numbering
 * (may be NULL) tell which paragraphs are numbered. Checked before it is
 * kept: the spliced serialization of the changed tree must be byte for
 * byte the serialization of the tree as it was; when it is not (or the
 * part holds a clasm-static instruction of its own), doc is left as it was
 * and out is empty. Returns 0, or -1 when out of memory (doc as it was). */
int docx_statics_make(xmlDocPtr doc, xmlNodePtr const *keep, size_t nkeep, xmlDocPtr styles,
                      xmlDocPtr numbering, docx_statics *out);
void docx_statics_free(docx_statics *s);

/* The instruction <?clasm-static N?> of run n, in doc; NULL when out of
 * memory. */
xmlNodePtr docx_statics_instruction(xmlDocPtr doc, size_t n);

/* xml (a serialized part) with each <?clasm-static N?> replaced by run N
 * of s, or run N - s->count of more (may be NULL): a malloc'd buffer and
 * *out_len, or NULL when out of memory or an instruction names no run. */
unsigned char *docx_statics_splice(const docx_statics *s, const docx_statics *more,
                                   const unsigned char *xml, size_t len, size_t *out_len);

#endif
