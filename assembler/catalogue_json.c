/* The library's catalogue as JSON, for a form that writes deals
 * (clasm_catalogue_json in clasm.h; clasm serve's GET /api/risks). */
#include "clasm.h"
#include "library.h"
#include "values.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *doc_names(lib_docmask m)
{
    json_t *a = json_array();
    for (int d = 0; a && d < CLASM_DOC_COUNT; d++)
        if (m & (1u << d))
            json_array_append_new(a, json_string(clasm_document_name((clasm_document)d)));
    return a;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* json_array_append_new and json_object_set_new that remember a failure
 * (out of memory: a NULL value or a refused append) in *bad. */
static void append(json_t *a, json_t *v, int *bad)
{
    if (!a || json_array_append_new(a, v) != 0)
        *bad = 1;
}

static void put(json_t *o, const char *key, json_t *v, int *bad)
{
    if (!o || json_object_set_new(o, key, v) != 0)
        *bad = 1;
}

static int declared_term(const clasm_library *lib, const char *key)
{
    for (size_t t = 0; t < lib->nterms; t++)
        if (strcmp(lib->terms[t].key, key) == 0)
            return 1;
    return 0;
}

/* The terms.KEY keys of the templates that the library does not declare
 * (templates may use their own keys, e.g. fees), each with the documents
 * whose template uses it, appended to terms in order of first appearance. */
static void add_template_terms(const clasm_library *lib, const clasm_template *const *tpls,
                               json_t *terms, int *bad)
{
    json_t *seen = json_object(); /* key -> documents array */
    if (!seen)
        *bad = 1;
    for (int d = 0; seen && tpls && d < CLASM_DOC_COUNT; d++) {
        size_t n = 0;
        const char *const *keys = clasm_template_terms(tpls[d], &n);
        const char *name = clasm_document_name((clasm_document)d);
        for (size_t k = 0; k < n; k++) {
            if (declared_term(lib, keys[k]))
                continue;
            json_t *docs = json_object_get(seen, keys[k]);
            if (!docs) {
                docs = json_array();
                put(seen, keys[k], docs, bad);
                append(terms,
                       json_pack("{s:s,s:n,s:s,s:n,s:s,s:n,s:b,s:O}", "key", keys[k], "label",
                                 "description", "A value the template uses (not a library term).",
                                 "example", "kind", "text", "default", "template_only", 1,
                                 "documents", docs),
                       bad);
            }
            /* Each template names a key once (clasm_template_terms). */
            append(docs, json_string(name), bad);
        }
    }
    json_decref(seen);
}

char *clasm_catalogue_json(const clasm_library *lib, const clasm_template *const *tpls)
{
    json_t *root = lib ? json_object() : NULL;
    if (!root)
        return NULL;
    int bad = 0;
    put(root, "library", str_or_null(lib->fingerprint), &bad);
    json_t *docs = json_array();
    for (int d = 0; docs && d < CLASM_DOC_COUNT; d++)
        append(docs, json_string(clasm_document_name((clasm_document)d)), &bad);
    put(root, "documents", docs, &bad);
    json_t *areas = json_array();
    for (size_t i = 0; areas && i < lib->nareas; i++)
        append(areas,
               json_pack("{s:o,s:o,s:o}", "id", str_or_null(lib->areas[i].id), "title",
                         str_or_null(lib->areas[i].title), "description",
                         str_or_null(lib->areas[i].description)),
               &bad);
    put(root, "areas", areas, &bad);
    json_t *risks = json_array();
    for (size_t i = 0; risks && i < lib->nrisks; i++) {
        const lib_risk *k = &lib->risks[i];
        append(risks,
               json_pack("{s:o,s:o,s:o,s:o,s:i,s:o,s:o}", "id", str_or_null(k->id), "area",
                         str_or_null(k->area), "title", str_or_null(k->title), "description",
                         str_or_null(k->description), "weight", k->weight, "guidance",
                         str_or_null(k->guidance), "documents", doc_names(k->documents)),
               &bad);
    }
    put(root, "risks", risks, &bad);
    json_t *tiers = json_array();
    for (size_t i = 0; tiers && i < lib->ntiers; i++) {
        const lib_tier *t = &lib->tiers[i];
        append(tiers,
               json_pack("{s:o,s:I,s:b,s:o}", "id", str_or_null(t->id), "min_score",
                         (json_int_t)t->min_score, "escalate", t->escalate, "description",
                         str_or_null(t->description)),
               &bad);
    }
    put(root, "tiers", tiers, &bad);
    json_t *terms = json_array();
    for (size_t i = 0; terms && i < lib->nterms; i++) {
        /* kind and default: the page shows what a term left empty becomes. */
        const lib_term *t = &lib->terms[i];
        json_t *one = json_pack(
            "{s:o,s:o,s:o,s:o,s:s,s:o}", "key", str_or_null(t->key), "label", str_or_null(t->label),
            "description", str_or_null(t->description), "example", str_or_null(t->example), "kind",
            values_kind_name(t->kind), "default", str_or_null(t->default_value));
        if (one && t->kind == TERM_AMOUNT && t->currency)
            put(one, "currency", json_string(t->currency), &bad);
        append(terms, one, &bad);
    }
    if (terms)
        add_template_terms(lib, tpls, terms, &bad);
    put(root, "terms", terms, &bad);
    json_t *cats = json_array();
    for (size_t i = 0; cats && i < lib->ncategories; i++)
        append(cats,
               json_pack("{s:o,s:o}", "id", str_or_null(lib->categories[i].id), "title",
                         str_or_null(lib->categories[i].title)),
               &bad);
    put(root, "categories", cats, &bad);
    /* The capabilities a deal may name, with the words drafts print. */
    const lib_word_list *cl = &lib->values.words[WORDS_CAPABILITIES];
    json_t *caps = json_array();
    for (size_t i = 0; caps && i < cl->count; i++)
        append(caps,
               json_pack("{s:o,s:o}", "id", str_or_null(cl->items[i].value), "words",
                         str_or_null(cl->items[i].words)),
               &bad);
    put(root, "capabilities", caps, &bad);
    char *s = bad ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}
