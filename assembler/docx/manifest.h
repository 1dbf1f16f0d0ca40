/* The clasm manifest: a custom XML part of the draft recording the deal id,
 * the clause library's fingerprint and, for each inserted clause, its id,
 * version and the hash of its text as rendered. `inspect` reads it back.
 *
 *   customXml/itemN.xml:
 *   <clasm:manifest xmlns:clasm="urn:clasm:manifest:1" deal="Q-1" library="HEX"
 *                   document="contract">
 *     <clasm:clause id="end-use.authorized-purpose" version="2" hash="HEX">
 *       <clasm:title>Authorized End Use</clasm:title>
 *       <clasm:p>The Customer shall ...</clasm:p> (one per body paragraph)
 *     </clasm:clause>
 *   </clasm:manifest>
 *
 * plus customXml/itemPropsN.xml and customXml/_rels/itemN.xml.rels, an
 * Override for the itemProps part (and for the item when the package has no
 * xml Default) in [Content_Types].xml, and a customXml relationship from the
 * main document part. N is the first number no part of the template uses. */
#ifndef CLASM_MANIFEST_H
#define CLASM_MANIFEST_H

#include "clasm.h"
#include "package.h"

#include <stddef.h>

#include <libxml/tree.h>

#define MANIFEST_NS "urn:clasm:manifest:1"

/* The hash of a clause's text as rendered: SHA-256 (lowercase hex) of
 * title + "\n" + each body paragraph's visible text, joined with "\n"
 * (list labels are numbering, not text, so they are not included). */
void manifest_clause_hash(const char *title, const char *const *paragraphs, size_t n, char out[65]);

/* The same hash over a clause content control as it stands in a draft: its
 * first paragraph is the title, the others the body (docx_paragraph_text of
 * every w:p in its w:sdtContent, in document order). 0, or -1 when out of
 * memory or the control holds no paragraph. */
int manifest_sdt_hash(xmlNodePtr sdt, char out[65]);

/* An approved text of a clause that has a playbook: the standard
 * (position 0) or fallback N, as this draft would print it. */
typedef struct {
    int position;   /* 0 the standard, else the fallback's number */
    int version;    /* the fallback's own version; the clause's for the standard */
    char *approver; /* role id; NULL for the standard */
    char *note;     /* the playbook's note for the negotiator; may be NULL */
    char **paragraphs;
    size_t nparagraphs;
    char **refs; /* the bookmark each "#" of its paragraphs refers to, in order */
    size_t nrefs;
    signed char *levels; /* per paragraph: its list level, -1 not a list item; may be NULL */
} manifest_text;

/* An approval on record (clasm approve). */
typedef struct {
    char *role, *by, *at, *note; /* note may be NULL */
    char hash[65];               /* of the clause's text that was approved */
} manifest_approval;

typedef struct {
    char *id, *title;
} manifest_role;

/* A restricted-party list a draft's deal was screened against, and one hit
 * with its decision (all strings owned; date, id, reason, by and when may
 * be NULL). */
typedef struct {
    char *name, *sha256, *date, *entries;
} manifest_screen_list;
typedef struct {
    char *party, *name, *list, *entry, *id, *score, *decision, *reason, *by, *date;
} manifest_screen_hit;
/* manifest.c reads and writes them field by field as arrays of char *. */
_Static_assert(sizeof(manifest_screen_list) == 4 * sizeof(char *) &&
                   offsetof(manifest_screen_list, entries) == 3 * sizeof(char *),
               "manifest_screen_list is 4 strings");
_Static_assert(sizeof(manifest_screen_hit) == 10 * sizeof(char *) &&
                   offsetof(manifest_screen_hit, date) == 9 * sizeof(char *),
               "manifest_screen_hit is 10 strings");

/* A risk the deal's facts suggested (or one the deal dismissed), and the
 * decision recorded: the due-diligence record of the review. */
typedef struct {
    char *risk;
    char *decision;                 /* "accepted", "dismissed", "undecided" */
    int suggested;                  /* 0: dismissed though not suggested */
    char *reason;                   /* why the facts suggest it; NULL when not suggested */
    char *dismissal;                /* why it was dismissed; NULL otherwise */
    char *by, *date, *confirmed_by; /* who dismissed it, when, which counsel confirmed */
} manifest_suggestion;

typedef struct {
    char *id;
    int version;
    char hash[65];
    /* The playbook as the draft was made: the position drawn (0 the
     * standard, N fallback N), whether the clause may be negotiated, and
     * its approved texts (none for a clause without fallbacks drawn in its
     * standard text); the approvals given since. */
    int position;
    int negotiable;
    manifest_text *texts;
    size_t ntexts;
    manifest_approval *approvals;
    size_t napprovals;
    /* Where references point: the bookmark on its heading (NULL when no
     * reference points at it) and the bookmark each "#" of its text refers
     * to, in order, so that a redline restores references as references. */
    char *bookmark;
    char **refs;
    size_t nrefs;
    /* Per body paragraph: its list level ((a) 0, (i) 1), -1 for a body
     * paragraph; NULL when not recorded. */
    signed char *levels;
    /* The clause as rendered, so inspect can find it by its title when a
     * round trip lost the content control, and show what changed. */
    char *title;
    char **paragraphs; /* body paragraphs' visible text */
    size_t nparagraphs;
} manifest_clause;

typedef struct {
    char *deal;
    char *library;
    char *document; /* may be NULL */
    /* Who may approve, lowest authority first, and the rank of the role
     * that approves a deviation (-1: none declared). */
    manifest_role *roles;
    size_t nroles;
    int deviation_rank;
    char *part; /* manifest_read: the part it was read from */
    /* The paragraphs of the main part outside every clause (not those of
     * text boxes inside them), as keys (manifest_paragraph_key), in
     * document order, so that inspect can
     * tell text added or changed outside the clauses; has_outside is 0 for
     * a draft made before this was recorded. */
    char (*outside)[17];
    size_t noutside, capoutside;
    int has_outside;
    manifest_clause *clauses;
    size_t count;
    size_t cap;
    /* The review behind the draft: has_review is 0 for a draft made before
     * it was recorded. */
    int has_review;
    manifest_suggestion *suggestions;
    size_t nsuggestions;
    /* The restricted-party screening behind the draft (has_screening 0:
     * none was made). */
    int has_screening;
    manifest_screen_list *screen_lists;
    size_t nscreen_lists;
    manifest_screen_hit *screen_hits;
    size_t nscreen_hits;
} manifest;

void manifest_init(manifest *m);
void manifest_free(manifest *m);
/* Copies the strings. 0, or -1 when out of memory. */
int manifest_set(manifest *m, const char *deal, const char *library, const char *document);
int manifest_add(manifest *m, const char *id, int version, const char hash[65]);
/* Records the clause content control sdt as inserted: the hash of
 * manifest_sdt_hash, its title (first paragraph) and body paragraphs. */
int manifest_add_sdt(manifest *m, const char *id, int version, xmlNodePtr sdt);
/* The same for a clause written from its compiled pieces, outside the
 * tree: its title and its body paragraphs' stable texts as written. */
int manifest_add_texts(manifest *m, const char *id, int version, const char *title,
                       const char *const *paragraphs, size_t n);

/* Sets the playbook of the clause last added: its position, whether it is
 * negotiable; manifest_add_text then records each approved text. 0 or -1. */
int manifest_set_playbook(manifest *m, int position, int negotiable);
/* Records an approved text of the clause last added; copies everything. */
int manifest_add_text(manifest *m, int position, int version, const char *approver,
                      const char *note, const char *const *paragraphs, size_t n,
                      const char *const *refs, size_t nrefs);
/* Sets the list levels of the body paragraphs of the clause last added
 * (n of them), or of its approved text last added (text 1). 0 or -1. */
int manifest_set_levels(manifest *m, int text, const signed char *levels, size_t n);
/* Sets the heading bookmark (may be NULL) and the references of the clause
 * last added; copies them. 0 or -1. */
int manifest_set_refs(manifest *m, const char *bookmark, const char *const *refs, size_t n);
/* Records the roles (copied) and the deviation approver's rank. */
int manifest_add_role(manifest *m, const char *id, const char *title);
/* Records an approval of clause k; copies the strings. */
int manifest_add_approval(manifest *m, size_t k, const char *role, const char *by, const char *at,
                          const char *note, const char hash[65]);
/* Records a suggestion and its decision (copies the strings; reason,
 * dismissal, by, date and confirmed_by may be NULL) and sets has_review. 0 or -1. */
int manifest_add_suggestion(manifest *m, const char *risk, const char *decision, int suggested,
                            const char *reason, const char *dismissal, const char *by,
                            const char *date, const char *confirmed_by);
/* Record a screened list, a screening hit (copies; NULL strings stay
 * NULL) and set has_screening. 0 or -1. */
int manifest_add_screen_list(manifest *m, const char *const v[4]);
int manifest_add_screen_hit(manifest *m, const char *const v[10]);
/* The rank of role id among m's roles, or -1. */
int manifest_role_rank(const manifest *m, const char *id);

/* The key of a paragraph outside the clauses: the 64-bit FNV-1a hash of
 * its stable text with white space squeezed, as 16 hex digits. 1 and out
 * set; 0 for a paragraph with no text (not recorded: editors add and drop
 * empty paragraphs); -1 when out of memory. */
int manifest_paragraph_key(xmlNodePtr p, char out[17]);
/* Records key as the next paragraph outside the clauses. 0 or -1. */
int manifest_add_outside(manifest *m, const char key[17]);

/* Adds the manifest parts to the draft and registers them. CLASM_E_IO and a
 * diagnostic when a part cannot be stored. */
clasm_status manifest_write(pkg_edit *e, const manifest *m, clasm_diags *diags);

/* Replaces the manifest part a draft's manifest was read from (m->part)
 * with m, for clasm approve. */
clasm_status manifest_rewrite(pkg_edit *e, const manifest *m, clasm_diags *diags);

/* Finds and reads the manifest of a package (a custom XML part whose root is
 * MANIFEST_NS manifest). CLASM_OK and *m filled; CLASM_E_INPUT with
 * no-manifest (or manifest-malformed) when there is none or it is wrong. */
clasm_status manifest_read(const pkg *p, manifest *m, clasm_diags *diags);

#endif
