/* How expressions see a deal: the fact table (names, types, enum spellings)
 * and the evaluation environment of one deal, document, tier and score. */
#include "facts.h"
#include "deal.h"
#include "library.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const expr_fact_def facts_defs[] = {
    {"document", EXPR_T_ENUM, deal_documents},
    {"customer.kind", EXPR_T_ENUM, deal_customer_kinds},
    {"customer.name", EXPR_T_TEXT, NULL},
    {"customer.country", EXPR_T_TEXT, NULL},
    {"customer.address", EXPR_T_TEXT, NULL},
    {"customer.jurisdiction", EXPR_T_TEXT, NULL},
    {"reseller", EXPR_T_PRESENCE, NULL},
    {"reseller.name", EXPR_T_TEXT, NULL},
    {"reseller.country", EXPR_T_TEXT, NULL},
    {"reseller.address", EXPR_T_TEXT, NULL},
    {"reseller.jurisdiction", EXPR_T_TEXT, NULL},
    {"seller.address", EXPR_T_TEXT, NULL},
    {"seller.jurisdiction", EXPR_T_TEXT, NULL},
    {"product.name", EXPR_T_TEXT, NULL},
    {"deployment", EXPR_T_ENUM, deal_deployments},
    {"license", EXPR_T_ENUM, deal_licenses},
    {"end_use", EXPR_T_ENUM, deal_end_uses},
    {"capabilities", EXPR_T_LIST, NULL},
    {"product.capabilities", EXPR_T_LIST, NULL},
    {"tier", EXPR_T_TIER, NULL},
    {"score", EXPR_T_NUMBER, NULL},
};
const size_t facts_ndefs = sizeof facts_defs / sizeof facts_defs[0];

static void put(facts_env *fe, const char *name, const char *value)
{
    if (!value)
        return;
    expr_fact *f = &fe->facts[fe->env.nfacts++];
    f->name = name;
    f->value = value;
}

int facts_env_init(facts_env *fe, const clasm_library *lib, const clasm_deal *deal,
                   clasm_document doc, int tier_rank, long score)
{
    memset(fe, 0, sizeof *fe);
    size_t nlib = lib ? lib->nterms : 0;
    size_t max = facts_ndefs + deal->nterms + nlib;
    fe->facts = calloc(max, sizeof *fe->facts);
    fe->risks = calloc(deal->nrisks + 1, sizeof *fe->risks);
    fe->term_names = calloc(deal->nterms + nlib + 1, sizeof *fe->term_names);
    if (!fe->facts || !fe->risks || !fe->term_names) {
        facts_env_free(fe);
        return -1;
    }
    if ((int)doc >= 0 && doc < CLASM_DOC_COUNT)
        put(fe, "document", deal_documents[doc]);
    put(fe, "customer.kind", deal_customer_kinds[deal->customer_kind]);
    put(fe, "customer.name", deal->customer.name);
    put(fe, "customer.country", deal->customer.country);
    /* The optional parts of the parties, so that a template can print a
     * party's address only when the deal gives one. */
    put(fe, "customer.address", deal->customer.address);
    put(fe, "customer.jurisdiction", deal->customer.jurisdiction);
    if (deal->has_reseller) {
        put(fe, "reseller", "yes");
        put(fe, "reseller.name", deal->reseller.name);
        put(fe, "reseller.country", deal->reseller.country);
        put(fe, "reseller.address", deal->reseller.address);
        put(fe, "reseller.jurisdiction", deal->reseller.jurisdiction);
    }
    put(fe, "seller.address", deal->seller.address);
    put(fe, "seller.jurisdiction", deal->seller.jurisdiction);
    put(fe, "product.name", deal->product_name);
    put(fe, "deployment", deal_deployments[deal->deployment]);
    put(fe, "license", deal_licenses[deal->license]);
    put(fe, "end_use", deal_end_uses[deal->end_use]);
    /* List facts carry no value: the list is env.capabilities. */
    fe->facts[fe->env.nfacts++] = (expr_fact){"capabilities", NULL};
    fe->facts[fe->env.nfacts++] = (expr_fact){"product.capabilities", NULL};
    /* The deal's terms, then the library's defaults for those it leaves
     * out: a `when` sees the value the draft prints. */
    for (size_t i = 0; i < deal->nterms + nlib; i++) {
        const char *key, *value;
        if (i < deal->nterms) {
            key = deal->terms[i].key;
            value = deal->terms[i].value;
        } else {
            const lib_term *t = &lib->terms[i - deal->nterms];
            int given = 0;
            for (size_t k = 0; k < deal->nterms && !given; k++)
                given = strcmp(deal->terms[k].key, t->key) == 0;
            if (given || !t->default_value)
                continue;
            key = t->key;
            value = t->default_value;
        }
        size_t n = strlen(key) + 7;
        char *name = malloc(n);
        if (!name) {
            facts_env_free(fe);
            return -1;
        }
        snprintf(name, n, "terms.%s", key);
        fe->term_names[fe->nterm_names++] = name;
        put(fe, name, value);
    }
    for (size_t i = 0; i < deal->nrisks; i++)
        fe->risks[i] = deal->risks[i].id;
    fe->env.facts = fe->facts;
    fe->env.capabilities = (const char *const *)deal->capabilities;
    fe->env.ncapabilities = deal->ncapabilities;
    fe->env.risks = fe->risks;
    fe->env.nrisks = deal->nrisks;
    fe->env.tiers = lib ? lib->tier_ids : NULL;
    fe->env.ntiers = lib ? lib->ntiers : 0;
    fe->env.tier_rank = tier_rank;
    fe->env.score = score;
    return 0;
}

void facts_env_free(facts_env *fe)
{
    free(fe->facts);
    free(fe->risks);
    for (size_t i = 0; i < fe->nterm_names; i++)
        free(fe->term_names[i]);
    free(fe->term_names);
    memset(fe, 0, sizeof *fe);
}

int facts_eval(const clasm_library *lib, const clasm_deal *deal, const clasm_plan *plan,
               const char *src, char **err, int *column)
{
    expr *e = NULL;
    *err = NULL;
    *column = 0;
    if (expr_parse(src, &e, err, column) != 0)
        return -1;
    expr_names names;
    const char **categories = NULL;
    if (lib) {
        library_expr_names(lib, &names, 1);
        /* Templates may ask whether the plan puts a clause in a category. */
        categories = calloc(lib->ncategories + 1, sizeof *categories);
        if (!categories) {
            expr_free(e);
            *err = strdup("out of memory");
            return -1;
        }
        for (size_t i = 0; i < lib->ncategories; i++)
            categories[i] = lib->categories[i].id;
        names.categories = categories;
        names.ncategories = lib->ncategories;
    } else {
        memset(&names, 0, sizeof names);
        names.facts = facts_defs;
        names.nfacts = facts_ndefs;
        names.any_terms = 1;
        names.any_categories = 1;
    }
    if (expr_check(e, &names, err, column) != 0) {
        free(categories);
        expr_free(e);
        return -1;
    }
    facts_env fe;
    if (facts_env_init(&fe, lib, deal, plan ? plan->document : CLASM_DOC_COUNT,
                       plan ? plan->tier_rank : -1, plan ? plan->score : 0) != 0) {
        free(categories);
        expr_free(e);
        *err = strdup("out of memory");
        return -1;
    }
    /* clauses.CATEGORY: present when the plan has a clause of that category. */
    size_t ncat = lib && plan ? lib->ncategories : 0;
    expr_fact *facts = calloc(fe.env.nfacts + ncat + 1, sizeof *facts);
    char **cat_names = calloc(ncat + 1, sizeof *cat_names);
    int r = -1;
    if (facts && cat_names) {
        memcpy(facts, fe.env.facts, fe.env.nfacts * sizeof *facts);
        size_t nfacts = fe.env.nfacts;
        int oom = 0;
        for (size_t c = 0; c < ncat && !oom; c++) {
            int used = 0;
            for (size_t i = 0; i < plan->nitems && !used; i++)
                used = strcmp(plan->items[i].category, lib->categories[c].id) == 0;
            if (!used)
                continue;
            size_t len = strlen(lib->categories[c].id) + 9;
            cat_names[c] = malloc(len);
            if (!cat_names[c]) {
                oom = 1;
                break;
            }
            snprintf(cat_names[c], len, "clauses.%s", lib->categories[c].id);
            facts[nfacts++] = (expr_fact){cat_names[c], "yes"};
        }
        if (!oom) {
            fe.env.facts = facts;
            fe.env.nfacts = nfacts;
            r = expr_eval(e, &fe.env);
        }
    }
    if (r < 0)
        *err = strdup("out of memory");
    for (size_t c = 0; cat_names && c < ncat; c++)
        free(cat_names[c]);
    free(cat_names);
    free(facts);
    free(categories);
    facts_env_free(&fe);
    expr_free(e);
    return r;
}
