/* Inserting clauses into a draft: the template's own styles (or fallbacks
 * added to styles.xml), lettered list numbering restarted in every clause
 * (a w:num per clause over one abstractNum in numbering.xml), each clause
 * wrapped in a block content control with a unique id; and the repairs that
 * keep a part valid after conditionals (empty table cells, orphaned
 * bookmark and comment range ends). Also the package registration helpers
 * (relationships, content types) other parts use. */
#ifndef CLASM_DOCX_CLAUSES_H
#define CLASM_DOCX_CLAUSES_H

#include "clasm.h"
#include "docx_render.h"
#include "package.h"

#include <libxml/tree.h>

typedef struct docx_clauses docx_clauses;

/* The style clause headings take in a template with these styles:
 * ClauseHeading, else Heading2; NULL when it has neither (a draft then
 * adds ClauseHeading, unnumbered). */
const char *docx_heading_style(xmlDocPtr styles);

/* The styles a draft's clauses take in a template with these styles (may
 * be NULL), as docx_clauses_new decides them: heading as
 * docx_heading_style, else ClauseHeading (which the draft adds); body
 * ClauseBody, else Normal, else none (NULL); list items ClauseList, else
 * the body's. */
typedef struct {
    const char *heading, *body, *list;
} docx_clause_styles;
docx_clause_styles docx_clause_styles_of(xmlDocPtr styles);

/* Reads the draft's styles and numbering parts (related to the main part)
 * and decides the styles: heading ClauseHeading, else Heading2, else a
 * ClauseHeading style is added; body ClauseBody, else Normal; list items
 * ClauseList (its numbering's abstractNum), else the body style with a
 * lettered abstractNum "(a)" / "(i)" added to numbering.xml (created when
 * the template has none). styles and numbering, when not NULL, are the
 * template's trees of those parts (parsed when it was opened, without a
 * dictionary), copied instead of parsed again; styles is only read, not
 * copied, when it has the clause heading style (no style is added). They
 * must outlive the result. NULL and a diagnostic on failure. */
docx_clauses *docx_clauses_new(pkg_edit *e, const char *file, xmlDocPtr styles, xmlDocPtr numbering,
                               clasm_diags *diags);
void docx_clauses_free(docx_clauses *c);

/* The style ids chosen (for tests and reports). */
const char *docx_clauses_heading_style(const docx_clauses *c);
const char *docx_clauses_body_style(const docx_clauses *c);
const char *docx_clauses_list_style(const docx_clauses *c);

/* Marks every numeric id (w:id attributes and w:id/@w:val of content
 * controls, bookmarks, comments, revisions) of doc as taken, so new content
 * control ids never collide. Call for every part of the draft. */
void docx_clauses_reserve_ids(docx_clauses *c, xmlDocPtr doc);

/* A new block content control (not linked) for one clause in doc:
 * w:sdtPr (alias = title, tag = "clasm:ID@VERSION", a fresh unique id) and
 * w:sdtContent holding the heading paragraph (title, inside a bookmark
 * named bookmark when not NULL) and the paragraphs of tree (docx_render);
 * list items get a new w:num restarting at (a) / (i). NULL when out of
 * memory. */
xmlNodePtr docx_clauses_build(docx_clauses *c, xmlDocPtr doc, const char *id, int version,
                              const char *title, const ct_tree *tree, const char *bookmark,
                              const docx_render_ctx *rc, docx_fields *fields);

/* The content control of docx_clauses_build without the clause's body
 * (the same ids, taken in the same order): *content is its w:sdtContent,
 * holding the heading, for the body to follow; *num is the w:num of the
 * body's list items when list, else 0. NULL when out of memory. */
xmlNodePtr docx_clauses_shell(docx_clauses *c, xmlDocPtr doc, const char *id, int version,
                              const char *title, const char *bookmark, int list,
                              xmlNodePtr *content, long *num);

/* 1 when the elements docx_clauses_build adds to doc are written with the
 * prefix w (doc's root declares the WordprocessingML namespace as w). */
int docx_clauses_w_prefixed(xmlDocPtr doc);

/* Sets the cached result of every reference field to the number the
 * paragraph holding its bookmark has in doc (docx_numbers.c), as Word and
 * LibreOffice show it. Where that paragraph has no number (a template whose
 * headings are not numbered), the reference names the heading instead:
 * "the clause headed TITLE", a REF field to the bookmark's text. Returns how
 * many references had no number, or -1 when out of memory. */
int docx_clauses_number_fields(docx_clauses *c, xmlDocPtr doc, docx_fields *fields);

/* Stores styles.xml / numbering.xml when changed, creating numbering.xml
 * with its relationship and content type when needed. */
clasm_status docx_clauses_finish(docx_clauses *c, clasm_diags *diags);

/* Repairs a part after structural edits: every table cell ends with a
 * paragraph (one is added to a cell left empty or ending with a table), and
 * bookmark / comment range starts and ends without their partner are
 * removed. Returns the number of repairs. */
int docx_repair_part(xmlDocPtr doc);

#endif
