/* A deal as loaded from its YAML file: the facts selection and templates use. */
#ifndef CLASM_DEAL_H
#define CLASM_DEAL_H

#include "clasm.h"
#include "yaml_tree.h"

typedef enum {
    CUSTOMER_GOVERNMENT_AGENCY,
    CUSTOMER_SECURITY_SERVICE,
    CUSTOMER_STATE_LINKED,
    CUSTOMER_PRIVATE
} deal_customer_kind;
typedef enum { DEPLOY_CLOUD, DEPLOY_ON_PREMISES, DEPLOY_HYBRID } deal_deployment;
typedef enum { LICENSE_PERPETUAL, LICENSE_SUBSCRIPTION } deal_license;
typedef enum { END_USE_KNOWN, END_USE_UNKNOWN } deal_end_use;

/* Enumeration spellings, NULL-terminated, indexed by the enums above. */
extern const char *const deal_documents[]; /* indexed by clasm_document */
extern const char *const deal_customer_kinds[];
extern const char *const deal_deployments[];
extern const char *const deal_licenses[];
extern const char *const deal_end_uses[];

typedef struct {
    const char *name, *address, *jurisdiction, *country;
    int country_line, country_column; /* where country is written */
} deal_party;

typedef struct {
    const char *id; /* as written; line/column for diagnostics */
    int line, column;
} deal_risk;

typedef struct {
    const char *key, *value;
    int line, column;             /* of the key */
    int value_line, value_column; /* of the value */
} deal_term;

/* A fallback the deal chooses up front for a clause: positions: {ID: N}. */
typedef struct {
    const char *clause;
    int fallback;     /* 1-based */
    int line, column; /* of the clause id */
} deal_position;

/* A suggested risk the deal's reviewer dismissed: dismissed: [{risk,
 * reason, by, date, confirmed_by}]. Whether the risk exists, and is suggested, is for the
 * library (select.c). */
typedef struct {
    const char *risk, *reason, *by;
    const char *date;         /* YYYY-MM-DD: when it was decided */
    const char *confirmed_by; /* counsel who confirmed it; NULL when not given */
    int line, column;         /* of the risk id */
} deal_dismissal;

/* An end user the deal names (end_users: [{name, country}]): screened
 * with the customer and the reseller. */
typedef struct {
    const char *name, *country; /* country may be NULL */
    int line, column;           /* of the name */
} deal_end_user;

/* The disposition of a restricted-party screening hit: screening: [{party,
 * entry, decision, reason, by, date}]. party is customer, reseller or an
 * end user's name; entry the list entry's _id or its name. */
typedef struct {
    const char *party, *entry, *reason, *by, *date;
    int confirmed;    /* decision: confirmed (1) or cleared (0) */
    int line, column; /* of the party */
} deal_disposition;

/* All strings point into the YAML tree the deal owns. */
struct clasm_deal {
    yt_doc *doc;
    const char *file;
    const char *id;
    clasm_document documents[CLASM_DOC_COUNT];
    size_t ndocuments;
    const char *date;
    deal_party seller;
    deal_party customer;
    deal_customer_kind customer_kind;
    int has_reseller;
    deal_party reseller;
    const char *product_name;
    const char **capabilities;
    const yt_node **capability_nodes; /* where each is written */
    size_t ncapabilities;
    char *capabilities_joined; /* "a, b" for the product.capabilities placeholder */
    deal_deployment deployment;
    deal_license license;
    deal_end_use end_use;
    deal_risk *risks;
    size_t nrisks;
    deal_term *terms;
    size_t nterms;
    deal_position *positions;
    size_t npositions;
    deal_dismissal *dismissed;
    size_t ndismissed;
    deal_end_user *end_users;
    size_t nend_users;
    deal_disposition *dispositions;
    size_t ndispositions;
};

/* Checks a document built in memory as a deal file and makes the deal of
 * it (which then owns doc; on failure doc is freed). */
clasm_status deal_load_doc(yt_doc *doc, clasm_deal **out, clasm_diags *diags);

/* The deal's fields by name: deal_fields.h. */
/* 1 when s may be a term key (letters, digits, '_', '-', a letter first). */
int deal_valid_term_key(const char *s);

#endif
