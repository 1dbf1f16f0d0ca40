/* Clause markup (clauses/README.md "Clause markup") parsed once, when the
 * library loads, into a small tree that lint, selection (which values a
 * plan needs) and the DOCX writer all read:
 *
 *   tree -> blocks (a body paragraph, a lettered or roman list item, or the
 *           list of definitions) -> spans (text, a deal value, a reference to
 *           another clause, a use or an inline definition of a term)
 *
 * Each block and span knows its byte offset in the clause text, and, once
 * the library has located it (ct_locate), its line and column in the clause
 * file. Problems of the markup are kept with the tree (ct_issue), every one
 * with its offset, so lint reports them all and assembly reports those of
 * the clauses it draws. */
#ifndef CLASM_CLAUSE_TREE_H
#define CLASM_CLAUSE_TREE_H

#include "clasm.h"

#include <stddef.h>

typedef enum {
    CT_TEXT,     /* text (escapes resolved) */
    CT_VALUE,    /* {{ path }}: a deal value; text is the path */
    CT_REF,      /* {{ clause ID }}: the number of another clause; text is ID */
    CT_TERM,     /* **Term**: a use of a defined term, printed plain; text is the term */
    CT_TERM_DEF, /* **"Term"**: the term defined here, printed bold and quoted */
} ct_kind;

typedef struct {
    ct_kind kind;
    char *text;
    /* CT_REF: what to print when the clause referred to is not in the draft
     * ({{ clause ID or "text" }}); NULL when the reference gives none. */
    char *alt;
    int italic;
    size_t offset;    /* in the clause text */
    int line, column; /* in the clause file; 0 until located */
} ct_span;

typedef enum {
    CT_BODY = -1,   /* a body paragraph */
    CT_ITEM = 0,    /* (a), (b), ... */
    CT_SUBITEM = 1, /* (i), (ii), ... */
} ct_level;

typedef struct {
    int level;       /* a ct_level */
    int definitions; /* 1: the paragraph {{ definitions }}: the defined terms go here */
    ct_span *spans;
    size_t nspans;
    size_t offset;
    int line, column;
} ct_block;

typedef struct {
    clasm_severity severity;
    const char *id; /* static */
    char *message;
    size_t offset;
    int line, column;
} ct_issue;

typedef struct {
    ct_block *blocks;
    size_t nblocks;
    ct_issue *issues; /* markup problems, in text order */
    size_t nissues;
} ct_tree;

/* Parses clause markup. Never fails on bad markup (the problems go to
 * tree->issues, and the tree holds what could be read); NULL only when out
 * of memory. Problems: unbalanced-bold, unbalanced-italic, list-order,
 * list-orphan, unclosed-tag, malformed-tag (also a template tag such as
 * {{#if}} or {{ clauses }}), malformed-reference, malformed-term (a term
 * that is not plain text), misplaced-definitions ({{ definitions }} not
 * alone in its paragraph). */
ct_tree *ct_parse(const char *text);
void ct_free(ct_tree *tree);

/* Sets the line and column of every block, span and issue, from where
 * offsets of the text lie in the file: locate(ctx, offset, &line, &col)
 * returns 1 when it knows. */
void ct_locate(ct_tree *tree, int (*locate)(void *ctx, size_t offset, int *line, int *col),
               void *ctx);

/* 1 when a use of a term (as written, "Authorized Users") names the defined
 * term (\"Authorized User\"): the same words, or the term with a plural s. */
int ct_term_matches(const char *use, const char *term);

#endif
