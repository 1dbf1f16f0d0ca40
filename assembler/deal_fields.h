/* The fields of a deal, in one table: the path by which deal files,
 * spreadsheets, placeholders and expressions name each, which of them may
 * name it, how expressions see it, how a draft prints it and what it is
 * for. Every module that knows a field by its name asks here. */
#ifndef CLASM_DEAL_FIELDS_H
#define CLASM_DEAL_FIELDS_H

#include "clasm.h"
#include "expr.h"

/* Who names a field (a field may have several). */
enum {
    DF_KEY = 1u << 0,   /* a key of a deal file, and a spreadsheet column */
    DF_VALUE = 1u << 1, /* a placeholder may print it */
    DF_FACT = 1u << 2,  /* an expression may test it (as fact_type) */
    DF_PLAN = 1u << 3,  /* the plan gives it, not the deal: tier, score, document */
    DF_LIST = 1u << 4,  /* a list (';'-separated in a spreadsheet cell) */
};

/* How a draft prints a field's value (values.c). */
typedef enum {
    DF_SHOW_RAW,          /* as the deal writes it */
    DF_SHOW_WORDS,        /* the library's words for the value (values.words) */
    DF_SHOW_DATE,         /* in the library's date format */
    DF_SHOW_COUNTRY,      /* the country's name for an ISO code */
    DF_SHOW_CAPABILITIES, /* the capabilities' words, joined */
} deal_field_show;

typedef struct {
    const char *path;             /* "customer.country" */
    unsigned uses;                /* DF_* */
    expr_type fact_type;          /* with DF_FACT */
    const char *const *spellings; /* an enum's values, NULL-terminated; else NULL */
    deal_field_show show;         /* with DF_VALUE */
    /* The deal's value, as written (NULL when it has none; a list's items
     * joined by ", "); NULL for the plan's fields and list facts. */
    const char *(*get)(const clasm_deal *deal);
    /* What it is for, where a deal may leave it out and a text needs it
     * (the plan's missing values); NULL for the fields every deal has. */
    const char *description;
} deal_field;

#define DEAL_NFIELDS 28
extern const deal_field deal_fields[DEAL_NFIELDS];

/* The field named path, or NULL. */
const deal_field *deal_field_find(const char *path);
/* 1 when path names a field with any of uses. */
int deal_field_has(const char *path, unsigned uses);
/* The paths of the fields with any of uses, in the table's order, into out
 * (room for DEAL_NFIELDS); returns how many. */
size_t deal_field_paths(unsigned uses, const char **out);
/* The facts expressions know, into out (room for DEAL_NFIELDS): each with
 * its type and spellings, the list facts with capabilities (the library's
 * capability ids, NULL-terminated; NULL when unknown). Returns how many. */
size_t deal_fact_defs(expr_fact_def *out, const char *const *capabilities);

/* The value of one of the plan's fields (tier, score, document) as the
 * deal's values are written: the tier's id, the score in digits, the
 * document's name; NULL for another path or no plan. buf holds the score. */
const char *plan_field_value(const clasm_plan *plan, const char *path, char buf[24]);

#endif
