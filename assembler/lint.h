/* `clasm lint`: the checks a clause library gets beyond loading
 * (library.c): placeholders no deal can supply, markup errors, coverage of
 * the risk catalogue per document, clauses no deal can select, and the lock
 * file of clause versions and text hashes (clauses/library.lock). The
 * pieces are separate functions so that each can be tested on its own. */
#ifndef CLASM_LINT_H
#define CLASM_LINT_H

#include "clasm.h"
#include "expr.h"
#include "library.h"

#include <stddef.h>

/* One problem found in a clause text, at a byte offset of the text. */
typedef struct {
    clasm_severity severity;
    const char *id;   /* static */
    size_t offset;    /* byte offset in the text */
    int line, column; /* in the clause file; 0 when the place cannot be told */
    char *message;    /* malloc'd */
} lint_issue;

void lint_issues_free(lint_issue *issues, size_t count);

/* Problems of one parsed text (a clause's text or a definition): the
 * markup problems the parser found (clause_tree.h), {{ path }} that no deal
 * can supply (unknown-placeholder; terms.KEY must be declared in
 * library.yaml), {{ clause ID }} naming neither a clause nor a category
 * (unknown-reference), **Term** that nothing defines (undefined-term, with
 * "did you mean"). When term_used is not NULL, term_used[k] is set for each
 * declared terms key k the text uses. Returns 0, or -1 when out of memory. */
int lint_tree_check(const clasm_library *lib, const ct_tree *t, unsigned char *term_used,
                    lint_issue **out, size_t *count);

/* 1 when some clause's when tests terms.KEY for the library's k-th
 * declared term; 0 when none does; -1 when out of memory. */
int lint_when_uses_term(const clasm_library *lib, size_t k);

/* 1 when path is a value every deal may carry (id, customer.name, ...):
 * the paths of clasm_deal_value and of the plan (tier, score, document),
 * terms.* excluded. */
int lint_known_path(const char *path);

/* What an expression is for every deal drawing document doc: 0 false for
 * all of them, 1 true for all of them, -1 it depends (or it uses facts this
 * analysis does not enumerate: risks, text, lists, terms). Decided by
 * evaluating it over every combination of the enumerable facts (customer
 * kind, deployment, license, end use, reseller, every score the catalogue
 * allows and its tier). Returns -2 when out of memory. */
int lint_expr_constant(const clasm_library *lib, const expr *e, clasm_document doc);
/* The same over the deals of one tier only (tier: its rank; -1 all). */
int lint_expr_constant_at(const clasm_library *lib, const expr *e, clasm_document doc, int tier);

/* The lock file: one entry per clause. */
typedef struct {
    char *id;
    int version;
    char hash[65];
    int line; /* in the lock file */
} lint_lock_entry;

/* Reads a lock file. Returns 0 (entries in file order), 1 when the file
 * does not exist (no entries), -1 when some lines are wrong (each reported
 * as bad-lock-line at file:line; the good ones are returned), -2 when it
 * cannot be read (lock-io) or memory ran out.
 * Free with lint_lock_free. */
int lint_lock_read(const char *path, lint_lock_entry **out, size_t *count, clasm_diags *diags);
void lint_lock_free(lint_lock_entry *entries, size_t count);
/* The lock text for a library: a comment header, then "id version hash"
 * per clause in id order. malloc'd, NULL when out of memory. */
char *lint_lock_text(const clasm_library *lib);

/* Coverage of one document type. */
typedef struct {
    size_t covered, total;
    const char **uncovered; /* risk ids, borrowed from the library */
    size_t nuncovered;
} lint_coverage;

struct clasm_lint_report {
    char *dir;
    size_t files, clauses, risks;
    int loaded; /* the library could be read at all */
    lint_coverage coverage[CLASM_DOC_COUNT];
    /* --update-lock: what changed ("added ID@V", "ID: version A -> B",
     * "removed ID"), and whether the lock was written. */
    char **changes;
    size_t nchanges;
    int lock_written;
    int lock_current;   /* --update-lock found the lock already up to date */
    int lock_refused;   /* --update-lock asked, but the library has errors */
    clasm_library *lib; /* owned; NULL when nothing loaded */
};

#endif
