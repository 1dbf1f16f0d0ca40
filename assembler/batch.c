/* Many deals, one template, a pool of threads. Two passes: the first loads
 * every deal to learn where its draft goes (so clashes are found whatever
 * the order of work), the second selects and assembles. Each deal's work
 * holds only that deal, so memory does not grow with the batch. */
#include "clasm.h"

#include "diag.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char *name;   /* "<id>-<document>.docx", or NULL when the deal failed pass 1 */
    int document; /* the document drawn */
} deal_target;

typedef struct {
    const clasm_batch_options *opt;
    const char *const *deals;
    size_t n;
    deal_target *targets;
    int pass;    /* 1 or 2 */
    size_t next; /* next deal to take, under lock */
    size_t done; /* deals reported, under lock */
    clasm_batch_summary *summary;
    pthread_mutex_t lock; /* next, done, summary, and the report callback */
} batch_run;

/* Hands a finished deal to the report callback and counts it. */
static void finish_deal(batch_run *B, size_t i, const char *output, clasm_status status,
                        const clasm_diags *diags)
{
    pthread_mutex_lock(&B->lock);
    B->done++;
    if (status == CLASM_OK) {
        B->summary->written++;
        if (clasm_diags_warnings(diags) > 0)
            B->summary->warned++;
    } else {
        B->summary->failed++;
    }
    if (B->opt->report) {
        clasm_batch_result r = {i, B->deals[i], output, status, diags, B->done, B->n};
        B->opt->report(B->opt->ctx, &r);
    }
    pthread_mutex_unlock(&B->lock);
}

/* Pass 1: where does deal i's draft go? Failing deals are reported now. */
static void plan_target(batch_run *B, size_t i)
{
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_deal *deal = NULL;
    clasm_status s = clasm_deal_load(B->deals[i], &deal, &diags);
    if (s == CLASM_OK) {
        int doc = B->opt->document;
        clasm_document docs[CLASM_DOC_COUNT];
        size_t nd = clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
        if (doc < 0 && nd == 1) {
            doc = (int)docs[0];
        } else if (doc < 0) {
            diag_at(&diags, CLASM_SEV_ERROR, "batch-document", B->deals[i], 0, 0,
                    "the deal names %zu documents and the batch has one template; pass "
                    "--document to say which one the template is",
                    nd);
            s = CLASM_E_INPUT;
        }
        /* A document guessed from the template's name must be one the deal
         * asks for: a deal that names only a contract gets no EULA from a
         * template called eula.docx unless --document says so. */
        int named = !B->opt->document_guessed;
        for (size_t k = 0; s == CLASM_OK && k < nd && k < CLASM_DOC_COUNT; k++)
            named |= (int)docs[k] == doc;
        if (s == CLASM_OK && !named) {
            char list[96] = "";
            for (size_t k = 0; k < nd && k < CLASM_DOC_COUNT; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "",
                         clasm_document_name(docs[k]));
            diag_at(&diags, CLASM_SEV_ERROR, "batch-document", B->deals[i], 0, 0,
                    "the deal's documents are [%s]; the batch's template is for %s (by its "
                    "file name), which the deal does not ask for; pass --document %s to draft "
                    "it anyway",
                    list, clasm_document_name((clasm_document)doc),
                    clasm_document_name((clasm_document)doc));
            s = CLASM_E_INPUT;
        }
        if (s == CLASM_OK) {
            const char *id = clasm_deal_id(deal);
            const char *dn = clasm_document_name((clasm_document)doc);
            size_t len = strlen(id) + strlen(dn) + 8;
            char *name = malloc(len);
            if (!name) {
                s = CLASM_E_IO;
            } else {
                snprintf(name, len, "%s-%s.docx", id, dn);
                B->targets[i].name = name;
                B->targets[i].document = doc;
            }
        }
    }
    clasm_deal_free(deal);
    if (s != CLASM_OK)
        finish_deal(B, i, NULL, s, &diags);
    clasm_diags_free(&diags);
}

/* Pass 2: select and assemble deal i. */
static void assemble_deal(batch_run *B, size_t i)
{
    const clasm_batch_options *opt = B->opt;
    deal_target *t = &B->targets[i];
    if (!t->name)
        return; /* failed and reported in pass 1, or a clash reported then */
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_deal *deal = NULL;
    clasm_plan *plan = NULL;
    char *out = NULL;
    clasm_status s = clasm_deal_load(B->deals[i], &deal, &diags);
    if (s == CLASM_OK) {
        /* Its terms are the library's or the batch template's. */
        clasm_status ts = clasm_check_terms(opt->lib, deal, &opt->tpl, 1, &diags);
        s = clasm_select(opt->lib, deal, (clasm_document)t->document, &plan, &diags);
        if (s == CLASM_OK && ts != CLASM_OK) {
            s = ts;
            clasm_plan_free(plan);
            plan = NULL;
        }
    }
    if (s == CLASM_OK && opt->strict && clasm_diags_warnings(&diags) > 0) {
        clasm_diags_promote_warnings(&diags);
        s = CLASM_E_INPUT;
    }
    if (s == CLASM_OK) {
        size_t len = strlen(opt->out_dir) + strlen(t->name) + 2;
        out = malloc(len);
        if (!out)
            s = CLASM_E_IO;
        else
            snprintf(out, len, "%s/%s", opt->out_dir, t->name);
    }
    /* Under --strict a warning from the template (say, no insertion point)
     * fails the deal before its draft is written: an earlier draft of the
     * same name stays as it was. */
    if (s == CLASM_OK)
        s = clasm_assemble_flags(opt->tpl, opt->lib, deal, plan, out,
                                 opt->strict ? CLASM_ASSEMBLE_STRICT : 0, &diags);
    finish_deal(B, i, s == CLASM_OK ? out : NULL, s, &diags);
    free(out);
    clasm_plan_free(plan);
    clasm_deal_free(deal);
    clasm_diags_free(&diags);
}

static void *worker(void *arg)
{
    batch_run *B = arg;
    for (;;) {
        if (B->opt->cancel && atomic_load(B->opt->cancel))
            break;
        pthread_mutex_lock(&B->lock);
        size_t i = B->next++;
        pthread_mutex_unlock(&B->lock);
        if (i >= B->n)
            break;
        if (B->pass == 1)
            plan_target(B, i);
        else
            assemble_deal(B, i);
    }
    return NULL;
}

typedef struct {
    size_t index;
    const char *name;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Deals that would write the same file all fail, so the result does not
 * depend on which one a thread reached first. */
static int report_clashes(batch_run *B)
{
    size_t count = 0;
    for (size_t i = 0; i < B->n; i++)
        count += B->targets[i].name != NULL;
    named *v = malloc((count ? count : 1) * sizeof *v);
    if (!v)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < B->n; i++)
        if (B->targets[i].name)
            v[k++] = (named){i, B->targets[i].name};
    qsort(v, count, sizeof *v, cmp_named);
    for (size_t a = 0; a < count;) {
        size_t b = a + 1;
        while (b < count && strcmp(v[a].name, v[b].name) == 0)
            b++;
        if (b - a > 1) {
            for (size_t j = a; j < b; j++) {
                size_t other = v[j == a ? a + 1 : a].index;
                clasm_diags diags;
                clasm_diags_init(&diags);
                if (b - a > 2)
                    diag_at(&diags, CLASM_SEV_ERROR, "duplicate-output", B->deals[v[j].index], 0, 0,
                            "%s, %s and %zu more deals would all write %s; give each deal its "
                            "own id",
                            B->deals[v[j].index], B->deals[other], b - a - 2, v[j].name);
                else
                    diag_at(&diags, CLASM_SEV_ERROR, "duplicate-output", B->deals[v[j].index], 0, 0,
                            "%s and %s would both write %s; give each deal its own id",
                            B->deals[v[j].index], B->deals[other], v[j].name);
                finish_deal(B, v[j].index, NULL, CLASM_E_INPUT, &diags);
                clasm_diags_free(&diags);
            }
            /* v[].name points into targets: free them after the messages. */
            for (size_t j = a; j < b; j++) {
                size_t idx = v[j].index;
                free(B->targets[idx].name);
                B->targets[idx].name = NULL;
            }
        }
        a = b;
    }
    free(v);
    return 1;
}

static clasm_status run_pass(batch_run *B, int pass, unsigned jobs, clasm_diags *diags)
{
    B->pass = pass;
    B->next = 0;
    pthread_t *threads = calloc(jobs, sizeof *threads);
    if (!threads) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", NULL, 0, 0, "out of memory");
        return CLASM_E_IO;
    }
    unsigned started = 0;
    for (; started < jobs; started++)
        if (pthread_create(&threads[started], NULL, worker, B) != 0)
            break;
    if (started == 0)
        worker(B); /* no thread could start: do the work here */
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    free(threads);
    return CLASM_OK;
}

clasm_status clasm_batch_run(const clasm_batch_options *opt, const char *const *deals, size_t n,
                             clasm_batch_summary *summary, clasm_diags *diags)
{
    memset(summary, 0, sizeof *summary);
    if (!opt || !opt->lib || !opt->tpl || !opt->out_dir) {
        diag_at(diags, CLASM_SEV_ERROR, "batch-usage", NULL, 0, 0,
                "a batch needs a library, a template and an output folder");
        return CLASM_E_USAGE;
    }
    unsigned jobs = opt->jobs;
    if (jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = cores > 0 ? (unsigned)cores : 1;
    }
    if (jobs > 256)
        jobs = 256;
    if (n > 0 && jobs > n)
        jobs = (unsigned)n;
    batch_run B = {.opt = opt, .deals = deals, .n = n, .summary = summary};
    B.targets = calloc(n ? n : 1, sizeof *B.targets);
    if (!B.targets) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", NULL, 0, 0, "out of memory");
        return CLASM_E_IO;
    }
    pthread_mutex_init(&B.lock, NULL);
    /* Temporary files that an earlier run killed outright left behind. */
    clasm_sweep_stale(opt->out_dir);
    clasm_status s = run_pass(&B, 1, jobs, diags);
    if (s == CLASM_OK && !report_clashes(&B)) {
        diag_at(diags, CLASM_SEV_ERROR, "out-of-memory", NULL, 0, 0, "out of memory");
        s = CLASM_E_IO;
    }
    int cancelled = opt->cancel && atomic_load(opt->cancel);
    if (s == CLASM_OK && !cancelled)
        s = run_pass(&B, 2, jobs, diags);
    if (s == CLASM_OK && opt->cancel && atomic_load(opt->cancel))
        summary->not_started = n - B.done;
    pthread_mutex_destroy(&B.lock);
    for (size_t i = 0; i < n; i++)
        free(B.targets[i].name);
    free(B.targets);
    if (s != CLASM_OK)
        return s;
    return summary->failed || summary->not_started ? CLASM_E_INPUT : CLASM_OK;
}
