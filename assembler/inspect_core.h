/* What inspect and redline share: a draft read back, its clauses found in
 * its paragraphs and classified against the playbook its manifest
 * records. Internal to the library. */
#ifndef CLASM_INSPECT_CORE_H
#define CLASM_INSPECT_CORE_H

#include "clasm.h"
#include "manifest.h"
#include "package.h"

#include <libxml/tree.h>

typedef enum { ST_UNCHANGED, ST_MODIFIED, ST_REMOVED, ST_OUTDATED } clause_state;

#define INSP_DEVIATION (-1)

typedef struct {
    char *id;
    int version;
    char *title;
    clause_state state;
    /* The playbook: the text the clause now has (0 the standard, N
     * fallback N, INSP_DEVIATION anything else), the text it was drafted
     * with, the approved text a deviation is nearest to, who must approve
     * the change (-1 nobody), whether the clause may be negotiated at all,
     * and the approval on record that covers the text (-1 none). */
    int position, drafted, nearest;
    int approver;
    int negotiable;
    int approval;
    const char *note;     /* the playbook's note on the fallback it matches */
    int pending;          /* holds tracked changes not yet accepted: read as proposed */
    size_t broken_refs;   /* its references to a heading no longer in the draft */
    char hash[65];        /* of its text now ("" when removed) */
    int latest_version;   /* the library's version; 0 when not in the library or no library */
    int in_library;       /* -1 no library given, 0 no, 1 yes */
    char *diff;           /* modified: the word-level change */
    const char *found_by; /* "content-control", "heading", "body" or NULL */
} insp_clause;

typedef struct {
    char *tag;   /* may be NULL */
    char *alias; /* may be NULL */
    char *text;  /* the control's text, shortened */
} insp_unknown;

struct clasm_inspection {
    /* Text outside the clauses that the draft did not have: the added or
     * changed paragraphs (squeezed text), and how many of the draft's own
     * are gone or changed; -1 when the draft recorded none. */
    char **outside;
    size_t noutside;
    long outside_removed;
    manifest m;  /* the draft's record: roles, approved texts, approvals */
    int as_rank; /* whose authority the summary counts: a role's rank */
    char *file;
    char *deal, *document, *library;
    int library_matches; /* -1 no library given */
    insp_clause *clauses;
    size_t nclauses;
    insp_unknown *unknown;
    size_t nunknown;
};

/* A draft's main part with its clauses found: for manifest clause k, its
 * paragraphs nodes[first[k] .. first[k] + count[k]) (count 0: removed). */
typedef struct {
    clasm_inspection *I;
    xmlDocPtr doc;
    xmlNodePtr *nodes;
    size_t np;
    size_t *first, *count;
} inspect_located;

/* Reads, finds and classifies. CLASM_OK and *out filled (free with
 * inspect_located_free), or a status and diagnostics. */
clasm_status inspect_locate(const pkg *p, const clasm_library *lib, inspect_located *out,
                            clasm_diags *diags);
void inspect_located_free(inspect_located *L);

/* The title of role rank r in the draft's manifest, or "counsel"-like
 * fallback text when the manifest has none. */
const char *inspect_role_title(const clasm_inspection *I, int rank);

#endif
