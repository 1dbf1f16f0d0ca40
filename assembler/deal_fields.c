/* The table of a deal's fields (deal_fields.h). */
#include "deal_fields.h"
#include "deal.h"
#include "plan.h"

#include <stdio.h>
#include <string.h>

static const char *get_id(const clasm_deal *d)
{
    return d->id;
}
static const char *get_date(const clasm_deal *d)
{
    return d->date;
}
static const char *get_seller_name(const clasm_deal *d)
{
    return d->seller.name;
}
static const char *get_seller_address(const clasm_deal *d)
{
    return d->seller.address;
}
static const char *get_seller_jurisdiction(const clasm_deal *d)
{
    return d->seller.jurisdiction;
}
static const char *get_customer_name(const clasm_deal *d)
{
    return d->customer.name;
}
static const char *get_customer_country(const clasm_deal *d)
{
    return d->customer.country;
}
static const char *get_customer_kind(const clasm_deal *d)
{
    return deal_customer_kinds[d->customer_kind];
}
static const char *get_customer_address(const clasm_deal *d)
{
    return d->customer.address;
}
static const char *get_customer_jurisdiction(const clasm_deal *d)
{
    return d->customer.jurisdiction;
}
/* The reseller's fields exist only in a deal with a reseller. */
static const char *get_reseller(const clasm_deal *d)
{
    return d->has_reseller ? "yes" : NULL;
}
static const char *get_reseller_name(const clasm_deal *d)
{
    return d->has_reseller ? d->reseller.name : NULL;
}
static const char *get_reseller_country(const clasm_deal *d)
{
    return d->has_reseller ? d->reseller.country : NULL;
}
static const char *get_reseller_address(const clasm_deal *d)
{
    return d->has_reseller ? d->reseller.address : NULL;
}
static const char *get_reseller_jurisdiction(const clasm_deal *d)
{
    return d->has_reseller ? d->reseller.jurisdiction : NULL;
}
static const char *get_product_name(const clasm_deal *d)
{
    return d->product_name;
}
static const char *get_capabilities(const clasm_deal *d)
{
    return d->ncapabilities ? d->capabilities_joined : NULL;
}
static const char *get_deployment(const clasm_deal *d)
{
    return deal_deployments[d->deployment];
}
static const char *get_license(const clasm_deal *d)
{
    return deal_licenses[d->license];
}
static const char *get_end_use(const clasm_deal *d)
{
    return deal_end_uses[d->end_use];
}

#define KV (DF_KEY | DF_VALUE)
#define KVF (DF_KEY | DF_VALUE | DF_FACT)

/* The deal's keys in the order a deal file has them, then what only
 * expressions and the plan name. */
const deal_field deal_fields[] = {
    {"id", KV, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_id, NULL},
    {"date", KV, EXPR_T_TEXT, NULL, DF_SHOW_DATE, get_date, NULL},
    {"seller.name", KV, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_seller_name, NULL},
    {"seller.address", KVF, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_seller_address,
     "The seller's address, as the parties block of the draft gives it."},
    {"seller.jurisdiction", KVF, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_seller_jurisdiction,
     "The law under which the seller is organised."},
    {"customer.name", KVF, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_customer_name, NULL},
    {"customer.country", KVF, EXPR_T_TEXT, NULL, DF_SHOW_COUNTRY, get_customer_country, NULL},
    {"customer.kind", KVF, EXPR_T_ENUM, deal_customer_kinds, DF_SHOW_WORDS, get_customer_kind,
     NULL},
    {"customer.address", KVF, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_customer_address,
     "The customer's address, as the parties block gives it."},
    {"customer.jurisdiction", KVF, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_customer_jurisdiction,
     "The law under which the customer is organised."},
    {"reseller.name", KVF, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_reseller_name,
     "The reseller's legal name."},
    {"reseller.country", KVF, EXPR_T_TEXT, NULL, DF_SHOW_COUNTRY, get_reseller_country,
     "The reseller's country, an ISO 3166-1 code."},
    {"reseller.address", KVF, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_reseller_address,
     "The reseller's address, as the parties block gives it."},
    {"reseller.jurisdiction", KVF, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_reseller_jurisdiction,
     "The law under which the reseller is organised."},
    {"product.name", KVF, EXPR_T_TEXT, NULL, DF_SHOW_RAW, get_product_name, NULL},
    {"product.capabilities", KVF | DF_LIST, EXPR_T_LIST, NULL, DF_SHOW_CAPABILITIES,
     get_capabilities, "What the product can do (the library's capability words)."},
    {"deployment", KVF, EXPR_T_ENUM, deal_deployments, DF_SHOW_WORDS, get_deployment, NULL},
    {"license", KVF, EXPR_T_ENUM, deal_licenses, DF_SHOW_WORDS, get_license, NULL},
    {"end_use", KVF, EXPR_T_ENUM, deal_end_uses, DF_SHOW_WORDS, get_end_use, NULL},
    {"documents", DF_KEY | DF_LIST, EXPR_T_LIST, NULL, DF_SHOW_RAW, NULL, NULL},
    {"risks", DF_KEY | DF_LIST, EXPR_T_LIST, NULL, DF_SHOW_RAW, NULL, NULL},
    /* Expressions only: a deal with a reseller; the capabilities' short name. */
    {"reseller", DF_FACT, EXPR_T_PRESENCE, NULL, DF_SHOW_RAW, get_reseller, NULL},
    {"capabilities", DF_FACT, EXPR_T_LIST, NULL, DF_SHOW_RAW, NULL, NULL},
    /* The plan's. */
    {"document", DF_PLAN | DF_VALUE | DF_FACT, EXPR_T_ENUM, deal_documents, DF_SHOW_WORDS, NULL,
     NULL},
    {"tier", DF_PLAN | DF_VALUE | DF_FACT, EXPR_T_TIER, NULL, DF_SHOW_RAW, NULL, NULL},
    {"score", DF_PLAN | DF_VALUE | DF_FACT, EXPR_T_NUMBER, NULL, DF_SHOW_RAW, NULL, NULL},
    /* The date of the country profile of the customer's or the reseller's
     * country (countries.yaml): the oldest as_of of its facts, so a
     * reassessment clause can say how current the review's facts are. */
    {"customer.country.as_of", DF_PLAN | DF_VALUE, EXPR_T_TEXT, NULL, DF_SHOW_DATE, NULL, NULL},
    {"reseller.country.as_of", DF_PLAN | DF_VALUE, EXPR_T_TEXT, NULL, DF_SHOW_DATE, NULL, NULL},
};

_Static_assert(sizeof deal_fields / sizeof deal_fields[0] == DEAL_NFIELDS,
               "DEAL_NFIELDS is the length of deal_fields");

const deal_field *deal_field_find(const char *path)
{
    for (size_t i = 0; path && i < DEAL_NFIELDS; i++)
        if (strcmp(deal_fields[i].path, path) == 0)
            return &deal_fields[i];
    return NULL;
}

int deal_field_has(const char *path, unsigned uses)
{
    const deal_field *f = deal_field_find(path);
    return f && (f->uses & uses) != 0;
}

size_t deal_field_paths(unsigned uses, const char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < DEAL_NFIELDS; i++)
        if (deal_fields[i].uses & uses)
            out[n++] = deal_fields[i].path;
    return n;
}

size_t deal_fact_defs(expr_fact_def *out, const char *const *capabilities)
{
    size_t n = 0;
    for (size_t i = 0; i < DEAL_NFIELDS; i++) {
        const deal_field *f = &deal_fields[i];
        if (!(f->uses & DF_FACT))
            continue;
        out[n++] = (expr_fact_def){f->path, f->fact_type,
                                   f->fact_type == EXPR_T_LIST ? capabilities : f->spellings};
    }
    return n;
}

const char *plan_field_value(const clasm_plan *plan, const char *path, char buf[24])
{
    if (!plan || !path)
        return NULL;
    if (strcmp(path, "tier") == 0)
        return plan->tier ? plan->tier : "";
    if (strcmp(path, "score") == 0) {
        snprintf(buf, 24, "%ld", plan->score);
        return buf;
    }
    if (strcmp(path, "document") == 0)
        return clasm_document_name(plan->document);
    if (strcmp(path, "customer.country.as_of") == 0)
        return plan->customer_profile_as_of;
    if (strcmp(path, "reseller.country.as_of") == 0)
        return plan->reseller_profile_as_of;
    return NULL;
}
