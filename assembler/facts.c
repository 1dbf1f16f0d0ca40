/* How expressions see a deal: the fact table (names, types, enum spellings)
 * and the evaluation environment of one deal, document, tier and score. */
#include "facts.h"
#include "deal.h"
#include "deal_fields.h"
#include "library.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    size_t ncountry = lib ? 2 * lib->countries.ndefs : 0;
    size_t max = DEAL_NFIELDS + deal->nterms + nlib + ncountry;
    fe->facts = calloc(max, sizeof *fe->facts);
    fe->lists = calloc(ncountry + 1, sizeof *fe->lists);
    fe->risks = calloc(deal->nrisks + 1, sizeof *fe->risks);
    fe->term_names = calloc(deal->nterms + nlib + 1, sizeof *fe->term_names);
    if (!fe->facts || !fe->risks || !fe->term_names || !fe->lists) {
        facts_env_free(fe);
        return -1;
    }
    /* The deal's facts (the reseller's only in a deal with one); list
     * facts carry no value: the list is env.capabilities. */
    for (size_t i = 0; i < DEAL_NFIELDS; i++) {
        const deal_field *f = &deal_fields[i];
        if (!(f->uses & DF_FACT) || (f->uses & DF_PLAN))
            continue;
        if (f->fact_type == EXPR_T_LIST)
            fe->facts[fe->env.nfacts++] = (expr_fact){f->path, NULL};
        else
            put(fe, f->path, f->get(deal));
    }
    /* The plan's document; its tier and score are env.tier_rank and score. */
    if ((int)doc >= 0 && doc < CLASM_DOC_COUNT)
        put(fe, "document", deal_documents[doc]);
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
    /* The country profiles of the customer's and the reseller's countries:
     * a flag is present when true, a list is there with its items. */
    const deal_party *parties[] = {&deal->customer, deal->has_reseller ? &deal->reseller : NULL};
    for (size_t p = 0; p < 2 && lib; p++) {
        const country_profile *cp =
            parties[p] ? countries_find(&lib->countries, parties[p]->country) : NULL;
        for (size_t j = 0; cp && j < cp->nfacts; j++) {
            const country_fact *f = &cp->facts[j];
            const char *name = lib->country_fact_names[2 * f->def + p];
            if (lib->countries.defs[f->def].kind == COUNTRY_FLAG) {
                if (f->flag)
                    put(fe, name, "yes");
                continue;
            }
            fe->facts[fe->env.nfacts++] = (expr_fact){name, NULL};
            fe->lists[fe->env.nlists++] = (expr_list){name, f->items, f->nitems};
        }
    }
    fe->env.lists = fe->lists;
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
    free(fe->lists);
    free(fe->risks);
    for (size_t i = 0; i < fe->nterm_names; i++)
        free(fe->term_names[i]);
    free(fe->term_names);
    memset(fe, 0, sizeof *fe);
}

/* What a template's conditionals see of one deal and plan: the names an
 * expression may use and the facts it is evaluated over, built once. */
struct facts_ctx {
    expr_names names;
    expr_fact_def defs[DEAL_NFIELDS]; /* the names' facts, without a library */
    const char **categories;
    facts_env fe;
    expr_fact *facts; /* fe's facts and clauses.CATEGORY */
    char **cat_names;
    size_t ncat;
};

void facts_ctx_free(facts_ctx *fc)
{
    if (!fc)
        return;
    for (size_t c = 0; fc->cat_names && c < fc->ncat; c++)
        free(fc->cat_names[c]);
    free(fc->cat_names);
    free(fc->facts);
    free(fc->categories);
    facts_env_free(&fc->fe);
    free(fc);
}

facts_ctx *facts_ctx_new(const clasm_library *lib, const clasm_deal *deal, const clasm_plan *plan)
{
    facts_ctx *fc = calloc(1, sizeof *fc);
    if (!fc)
        return NULL;
    if (lib) {
        library_expr_names(lib, &fc->names, 1);
        /* Templates may ask whether the plan puts a clause in a category. */
        fc->categories = calloc(lib->ncategories + 1, sizeof *fc->categories);
        if (!fc->categories) {
            free(fc);
            return NULL;
        }
        for (size_t i = 0; i < lib->ncategories; i++)
            fc->categories[i] = lib->categories[i].id;
        fc->names.categories = fc->categories;
        fc->names.ncategories = lib->ncategories;
    } else {
        fc->names.nfacts = deal_fact_defs(fc->defs, NULL);
        fc->names.facts = fc->defs;
        fc->names.any_terms = 1;
        fc->names.any_categories = 1;
    }
    if (facts_env_init(&fc->fe, lib, deal, plan ? plan->document : CLASM_DOC_COUNT,
                       plan ? plan->tier_rank : -1, plan ? plan->score : 0) != 0) {
        free(fc->categories);
        free(fc);
        return NULL;
    }
    /* clauses.CATEGORY: present when the plan has a clause of that category. */
    fc->ncat = lib && plan ? lib->ncategories : 0;
    fc->facts = calloc(fc->fe.env.nfacts + fc->ncat + 1, sizeof *fc->facts);
    fc->cat_names = calloc(fc->ncat + 1, sizeof *fc->cat_names);
    if (!fc->facts || !fc->cat_names) {
        facts_ctx_free(fc);
        return NULL;
    }
    memcpy(fc->facts, fc->fe.env.facts, fc->fe.env.nfacts * sizeof *fc->facts);
    size_t nfacts = fc->fe.env.nfacts;
    for (size_t c = 0; c < fc->ncat; c++) {
        int used = 0;
        for (size_t i = 0; i < plan->nitems && !used; i++)
            used = strcmp(plan->items[i].category, lib->categories[c].id) == 0;
        if (!used)
            continue;
        size_t len = strlen(lib->categories[c].id) + 9;
        fc->cat_names[c] = malloc(len);
        if (!fc->cat_names[c]) {
            facts_ctx_free(fc);
            return NULL;
        }
        snprintf(fc->cat_names[c], len, "clauses.%s", lib->categories[c].id);
        fc->facts[nfacts++] = (expr_fact){fc->cat_names[c], "yes"};
    }
    fc->fe.env.facts = fc->facts;
    fc->fe.env.nfacts = nfacts;
    return fc;
}

int facts_ctx_eval_parsed(const facts_ctx *fc, const expr *e, char **err, int *column)
{
    *err = NULL;
    *column = 0;
    int r = expr_check(e, &fc->names, err, column) != 0 ? -1 : expr_eval(e, &fc->fe.env);
    if (r < 0 && !*err)
        *err = strdup("out of memory");
    return r;
}

int facts_ctx_eval(const facts_ctx *fc, const char *src, char **err, int *column)
{
    expr *e = NULL;
    *err = NULL;
    *column = 0;
    if (expr_parse(src, &e, err, column) != 0)
        return -1;
    int r = facts_ctx_eval_parsed(fc, e, err, column);
    expr_free(e);
    return r;
}

int facts_eval(const clasm_library *lib, const clasm_deal *deal, const clasm_plan *plan,
               const char *src, char **err, int *column)
{
    *err = NULL;
    *column = 0;
    facts_ctx *fc = facts_ctx_new(lib, deal, plan);
    if (!fc) {
        *err = strdup("out of memory");
        return -1;
    }
    int r = facts_ctx_eval(fc, src, err, column);
    facts_ctx_free(fc);
    return r;
}
