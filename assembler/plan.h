/* The plan: plain data that selection produces and assembly consumes.
 * Selection knows nothing of DOCX; the DOCX code knows nothing of risks. */
#ifndef CLASM_PLAN_H
#define CLASM_PLAN_H

#include "clasm.h"
#include "clause_tree.h"

struct lib_clause;

typedef struct {
    /* Borrowed from the library, which outlives the plan. */
    const char *id;
    int version;
    const char *category;
    const char *title;
    const char *text; /* clause markup with {{ placeholders }} */
    /* Owned: why it was chosen, e.g. "regime.data-localization",
     * "when: reseller and end_use == \"unknown\"", "required by end-use.limits",
     * in the order found. */
    char **reasons;
    size_t nreasons;
    /* Owned: the same reasons in plain English, for people: the titles of
     * the risks it answers and counsel's wording of its `when` (clause key
     * `because`), in the order found. */
    char **because;
    size_t nbecause;
    /* Borrowed from the library: the titles of the clauses that require
     * it ("supports: Authorized End Use, Prohibited Uses"). */
    const char **supports;
    size_t nsupports;
    /* Borrowed: the library's clause (its parsed text, its file); NULL in a
     * plan made by hand (tests), whose text is then parsed when drawn. */
    const struct lib_clause *clause;
    /* The text drawn: 0 the standard, N the clause's approved fallback N
     * (the deal's positions). */
    int position;
} plan_item;

/* A term the deal leaves out, whose value is the library's default
 * (counsel's standard position). Strings borrowed from the library. */
typedef struct {
    const char *key, *value;
    const char *label; /* the library's short name, or NULL */
    /* 1 when the draft prints it: a chosen clause or a definition it uses
     * (clasm_select), or the template (clasm_plan_add_template) fills in
     * {{ terms.KEY }}, or an amount it prints names it as its currency. */
    int printed;
} plan_default;

/* A risk the deal's facts suggest (the catalogue's suggest_when), or one
 * the deal dismissed, and what the deal decided. risk, title and reason
 * are borrowed from the library; dismissal and by are owned copies of the
 * deal's dismissal. */
typedef enum { SUGGEST_UNDECIDED, SUGGEST_ACCEPTED, SUGGEST_DISMISSED } plan_decision;
typedef struct {
    const char *risk, *title, *reason;
    int suggested; /* 0: dismissed though the facts do not suggest it */
    int weight;    /* the risk's weight */
    plan_decision decision;
    char *dismissal, *by, *date, *confirmed_by; /* confirmed_by may be NULL */
    char *owned_reason; /* reason, when the plan made it (a screening hit) */
} plan_suggestion;

extern const char *const plan_decisions[]; /* "undecided", "accepted", "dismissed" */

struct clasm_plan {
    char *deal_id;
    clasm_document document;
    char *tier;    /* "baseline", "elevated", ... */
    int tier_rank; /* 0-based position of tier in the catalogue */
    long score;
    int escalate;
    plan_item *items; /* document order */
    size_t nitems;
    char **uncovered; /* deal risk ids no chosen clause addresses */
    size_t nuncovered;
    char **notes; /* e.g. "end-use.standard replaced by end-use.enhanced" */
    size_t nnotes;
    char *library_fingerprint; /* hex hash over the library's clauses */
    plan_default *defaults;    /* library.yaml order */
    size_t ndefaults;
    clasm_missing *missing; /* values still to fill in */
    size_t nmissing;
    plan_suggestion *suggestions; /* catalogue order, then dismissals not suggested */
    size_t nsuggestions;
    /* What the deal would score, and its tier, had it carried the risks it
     * dismissed (score and tier_rank when it dismisses none). */
    long score_with_dismissed;
    int tier_with_dismissed;
    const char *tier_with_dismissed_id; /* borrowed from the library */
    /* The deal's restricted-party screening (clasm_plan_add_screening),
     * borrowed; NULL when none was made. */
    const clasm_screening *screening;
    /* The dates of the country profiles of the customer's and the
     * reseller's countries (the oldest as_of of their facts), borrowed from
     * the library; NULL when there is none. */
    const char *customer_profile_as_of, *reseller_profile_as_of;
};

/* The item's reasons as one line for people: "because: A; B; supports: C,
 * D and E", at most max_supports supporting titles (0: all; the rest
 * counted, "and 20 more"). Malloc'd; NULL when out of memory. */
char *plan_item_why(const plan_item *it, size_t max_supports);

/* The parsed text the item draws: its fallback's when the deal chose one,
 * else the clause's; NULL for a plan made by hand. */
const ct_tree *plan_item_tree(const plan_item *it);

/* Marks the plan's default for the value path (terms.KEY) printed, and the
 * default currency of an amount; any other path is ignored. */
void plan_default_printed(clasm_plan *plan, const clasm_library *lib, const char *path);

/* Records that who (a clause id or a template name) needs the value at
 * path, which the deal lacks; first_use, file and line (or, in a template,
 * part and paragraph; part may be NULL) say where, for the first user. 0, or -1 when out of memory.
 */
int plan_add_missing(clasm_plan *plan, const clasm_library *lib, const char *path, const char *who,
                     const char *first_use, const char *file, int line, const char *part,
                     int paragraph);

#endif
