/* The clause library as loaded from clauses/: categories, declared terms, the
 * risk catalogue (areas, tiers, risks) and the clauses. Formats:
 * clauses/README.md. All strings point into the YAML documents the library
 * owns; arrays of pointers are owned by the library. */
#ifndef CLASM_LIBRARY_H
#define CLASM_LIBRARY_H

#include "clasm.h"
#include "countries.h"
#include "clause_tree.h"
#include "deal_fields.h"
#include "expr.h"
#include "isocodes.h"
#include "yaml_tree.h"

#include <stddef.h>

/* A set of documents: bit (1u << clasm_document). */
typedef unsigned lib_docmask;
/* Documented limits (fuzz/README.md "Limits"): a real library has a few
 * hundred clauses and a few dozen risks. */
#define LIB_MAX_CLAUSES 5000u
#define LIB_MAX_RISKS 2000u

#define LIB_DOC_ALL ((1u << CLASM_DOC_COUNT) - 1u)

typedef struct {
    const char *id, *title;
} lib_category;

/* What a term holds, so that a draft can write it (values.c). */
typedef enum {
    TERM_TEXT = 0, /* printed as written */
    TERM_NUMBER,   /* a number, printed as written */
    TERM_AMOUNT,   /* a sum of money in the currency of another term: "USD 1,250,000" */
    TERM_CURRENCY, /* an ISO 4217 code: "USD" */
    TERM_DAYS,     /* a whole number of days: "thirty (30) days" */
    TERM_MONTHS,   /* a whole number of months: "twelve (12) months" */
    TERM_DATE,     /* YYYY-MM-DD, printed in the library's date format */
    TERM_COUNTRY,  /* an ISO 3166-1 alpha-2 code, printed as the country's name */
    TERM_URL,      /* an http(s) address */
    TERM_EMAIL,    /* an e-mail address */
    TERM_NKINDS
} lib_term_kind;

typedef struct {
    const char *key, *description, *example;
    const char *label; /* a short name ("Cure period"), or NULL */
    lib_term_kind kind;
    const char *currency;      /* TERM_AMOUNT: the key of its currency term */
    const char *default_value; /* counsel's standard position, or NULL */
    int for_templates;         /* used_by: templates (no clause text need use it) */
    int line, column;          /* of the key in library.yaml */
    const yt_node *kind_node, *currency_node, *default_node; /* NULL when absent */
} lib_term;

/* Words a draft prints for an enumerated value or a capability. */
typedef struct {
    const char *value, *words;
    int line, column; /* of the value's key in library.yaml */
} lib_word;

/* The value lists that have words, in library.yaml's values.words. */
typedef enum {
    WORDS_DOCUMENT = 0,
    WORDS_CUSTOMER_KIND,
    WORDS_DEPLOYMENT,
    WORDS_LICENSE,
    WORDS_END_USE,
    WORDS_CAPABILITIES,
    WORDS_NGROUPS
} lib_words_group;

typedef struct {
    lib_word *items; /* owned array; strings borrowed */
    size_t count;
    int present;      /* the group is in library.yaml */
    int line, column; /* of its key */
} lib_word_list;

/* library.yaml's values: how drafts write the deal's values. Defaults when
 * absent: "D MMMM YYYY", words and digits, "none". */
typedef struct {
    const char *date_format; /* tokens D DD M MM MMMM YYYY */
    int period_digits;       /* periods: digits ("30 days"), else words-and-digits */
    const char *empty_list;  /* the words of an empty list */
    lib_word *countries;     /* names of the user-assigned codes XA-XZ */
    size_t ncountries;
    lib_word_list words[WORDS_NGROUPS];
    const char **capability_ids; /* words[WORDS_CAPABILITIES] values, NULL-terminated, or NULL */
    int line, column;            /* of values: in library.yaml (0 when absent) */
} lib_values;

typedef struct {
    const char *id, *title, *description;
} lib_area;

typedef struct {
    const char *id;
    long min_score;
    int escalate;
    const char *description;
} lib_tier;

typedef struct {
    const char *id, *area, *title, *description, *guidance;
    int weight;   /* 1-5 */
    int escalate; /* a deal carrying it escalates to counsel whatever its tier */
    lib_docmask documents;
    const char *file;
    int line, column;
    /* suggest_when: the deal facts that suggest this risk (NULL: none), its
     * source and counsel's sentence of reasoning (suggest_reason). */
    expr *suggest;
    const char *suggest_src, *suggest_reason;
    const yt_node *suggest_node;
} lib_risk;

/* A term a clause defines for the draft's list of definitions
 * ({{ definitions }}): defines: {Term: "means ..."} in the clause file. */
typedef struct {
    const char *term;
    const char *text; /* the definition's markup, after the quoted term */
    ct_tree *tree;    /* text, parsed */
    int line, column; /* of the term in the clause file */
} lib_definition;

/* A role that may approve a change in negotiation (library.yaml's
 * negotiation.roles), lowest authority first: a role may approve what any
 * role before it may. */
typedef struct {
    const char *id, *title; /* title: as a sentence names it ("the compliance office") */
    int line, column;
} lib_role;

/* An approved alternative text of a clause, offered in negotiation: fallback
 * n (1-based, the file's order) of its clause. */
typedef struct {
    int version;
    const char *approver;       /* a role id */
    int approver_rank;          /* its index in lib->roles, -1 when unknown */
    const char *approver_title; /* the role's title, or the id when unknown */
    int max_tier;               /* tier rank above which it may not be agreed, or -1 */
    const char *max_tier_id;
    const char *note; /* for the negotiator: when to offer it, what it gives up */
    const char *text;
    ct_tree *tree;    /* text, parsed (never NULL once loaded) */
    int line, column; /* of the list item */
    const yt_node *node, *approver_node, *max_tier_node;
    char text_hash[65]; /* SHA-256 (hex) of the text */
} lib_fallback;

typedef struct lib_clause {
    const char *file; /* the clause's YAML file */
    int line, column; /* of its id */
    const char *id;
    int version;
    const char *title;
    const char *category;
    size_t category_index; /* position in the library's category order */
    lib_docmask documents;
    const char **addresses; /* risk ids or globs */
    size_t naddresses;
    const char *when_src; /* NULL when absent */
    expr *when;           /* parsed when_src */
    int when_line, when_column;
    /* Counsel's wording of when, as a plan gives it as the clause's reason
     * ("standard from the high tier"); NULL when absent, or when given as
     * cases: */
    const char *because;
    /* the wording of each case of a compound when ("the Supplier hosts
     * data"), with the condition under which it is the reason: a plan
     * gives the words of the cases that hold for the deal. */
    struct lib_because_case *because_cases;
    size_t nbecause_cases;
    int min_tier; /* tier rank, or -1 */
    const char **requires;
    size_t nrequires;
    const char **excludes;
    size_t nexcludes;
    const char **replaces;
    size_t nreplaces;
    int flows_down;
    long order;
    const char **guidance;
    size_t nguidance;
    const char *text;
    ct_tree *tree; /* text, parsed when the library loads (never NULL once loaded) */
    /* The playbook: 0 when the library says negotiable: false; the approved
     * fallbacks, in order. */
    int negotiable;
    const yt_node *negotiable_node; /* NULL when absent */
    lib_fallback *fallbacks;
    size_t nfallbacks;
    lib_definition *defines;
    size_t ndefines;
    /* The YAML nodes of the lists, for diagnostics (may be NULL). */
    const yt_node *requires_node, *excludes_node, *replaces_node, *addresses_node;
    /* SHA-256 (lowercase hex) over title, one NUL byte, then text; when the
     * clause defines terms, then for each (in file order) a NUL byte, the
     * term, a NUL byte and its definition. */
    char text_hash[65];
} lib_clause;

typedef struct glossary_index glossary_index;

struct clasm_library {
    char *dir;
    yt_doc **docs; /* every YAML document read; owns the strings */
    size_t ndocs;
    lib_category *categories; /* document order */
    size_t ncategories;
    lib_term *terms;
    size_t nterms;
    /* Terms the templates define themselves (the parties): library.yaml's
     * template_terms. Borrowed strings. */
    const char **template_terms;
    size_t ntemplate_terms;
    lib_area *areas;
    size_t nareas;
    lib_tier *tiers; /* ascending */
    size_t ntiers;
    lib_risk *risks; /* catalogue order */
    /* library.yaml's negotiation: the roles, lowest authority first, and
     * the role that approves any text that is neither the standard nor an
     * approved fallback (-1 when the library declares no roles). */
    lib_role *roles;
    size_t nroles;
    int deviation_rank;
    size_t nrisks;
    lib_clause *clauses; /* sorted by id */
    size_t nclauses;
    /* SHA-256 (hex) over each clause's id, version and text hash, in id
     * order: "id\0version\0hash\n" for every clause. */
    char fingerprint[65];
    /* Name lists for expr_check (borrowed strings). */
    const char **risk_ids;
    const char **tier_ids;
    const char **term_keys;
    /* library.yaml's file name (for diagnostics), values and the ISO lists. */
    const char *settings_file;
    lib_values values;
    iso_codes *iso;
    /* The facts expressions may name (deal_fact_defs), the capability
     * facts' values set to the library's capabilities (when
     * values.words.capabilities is given). */
    expr_fact_def *fact_defs;
    size_t nfact_defs;
    /* screening: in library.yaml: the threshold a restricted-party hit
     * must reach, the legal forms names are compared without
     * (NULL-terminated, borrowed; NULL: the built-in list) and the list
     * file select, assemble and batch screen against by default (owned,
     * resolved against the library's folder; NULL: none). */
    double screen_threshold;
    const char **legal_forms;
    char *screen_list;
    /* countries.yaml (countries.h): file NULL when the library has none.
     * Expressions read its facts as customer.country.FACT and
     * reseller.country.FACT: their names (owned), two per declared fact. */
    country_profiles countries;
    char **country_fact_names;
    /* The definitions each term use names (glossary.h); NULL until the
     * library has loaded. */
    glossary_index *glossary;
};

/* Like clasm_library_load, but on CLASM_E_INPUT *out still holds what did
 * load (every clause, risk and term without an error of its own), for
 * `clasm lint` to check further; *out is NULL only when nothing could be read
 * (missing files, I/O, out of memory). Free with clasm_library_free. */
clasm_status library_load_all(const char *dir, clasm_library **out, clasm_diags *diags);

/* Lookups; NULL / -1 when absent. */
const lib_clause *library_clause(const clasm_library *lib, const char *id);
const lib_risk *library_risk(const clasm_library *lib, const char *id);
int library_role_rank(const clasm_library *lib, const char *id);
int library_tier_rank(const clasm_library *lib, const char *id);

/* The names expressions may use with this library (facts of facts.c). */
void library_expr_names(const clasm_library *lib, expr_names *out, int any_terms);

/* ---- facts.c ---- */
/* The evaluation environment of a deal for one document at a tier and score.
 * Owns its arrays; strings are borrowed from the deal and library. */
/* One case of a clause's because: its words and the condition (if:) under
 * which they are the reason. */
typedef struct lib_because_case {
    const char *words, *if_src; /* borrowed from the YAML document */
    expr *cond;                 /* parsed if_src; NULL when it did not parse */
    int line, column;           /* of if_src */
} lib_because_case;

typedef struct {
    expr_env env;
    expr_fact *facts;
    const char **risks;
    char **term_names; /* "terms.KEY" for each deal term */
    size_t nterm_names;
    expr_list *lists; /* the country profiles' list facts */
} facts_env;

int facts_env_init(facts_env *fe, const clasm_library *lib, const clasm_deal *deal,
                   clasm_document doc, int tier_rank, long score);
void facts_env_free(facts_env *fe);

#endif
