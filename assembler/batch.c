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
#include <sys/stat.h>
#include <unistd.h>

/* The document number of a deal's memo among its outputs. */
#define MEMO_OUTPUT (-1)

typedef struct {
    /* The files the deal gets: names "<id>-<document>.docx" and documents,
     * then "<id>-memo.docx" (document MEMO_OUTPUT) when the batch writes
     * memos; n is 0 when the deal failed pass 1. */
    char *names[CLASM_DOC_COUNT + 1];
    int documents[CLASM_DOC_COUNT + 1];
    size_t n;
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

static void free_target(deal_target *t)
{
    for (size_t k = 0; k < t->n; k++)
        free(t->names[k]);
    t->n = 0;
}

/* Hands a finished deal to the report callback and counts it. */
static void finish_deal(batch_run *B, size_t i, const clasm_deal *deal, char *const *outputs,
                        size_t noutputs, size_t skipped, clasm_plan *const *plans, size_t nplans,
                        clasm_status status, const clasm_diags *diags)
{
    pthread_mutex_lock(&B->lock);
    B->done++;
    int escalate = 0;
    for (size_t k = 0; k < nplans; k++)
        escalate |= plans[k] && clasm_plan_escalate(plans[k]);
    if (status == CLASM_OK) {
        if (noutputs && skipped == noutputs)
            B->summary->skipped++;
        else
            B->summary->written++;
        if (clasm_diags_warnings(diags) > 0)
            B->summary->warned++;
        if (escalate)
            B->summary->escalated++;
    } else {
        B->summary->failed++;
    }
    if (B->opt->report) {
        clasm_batch_result r = {i,
                                B->deals[i],
                                status == CLASM_OK && noutputs ? outputs[0] : NULL,
                                status,
                                diags,
                                B->done,
                                B->n,
                                deal ? clasm_deal_id(deal) : NULL,
                                status == CLASM_OK ? (const char *const *)outputs : NULL,
                                status == CLASM_OK ? noutputs : 0,
                                status == CLASM_OK ? skipped : 0,
                                (const clasm_plan *const *)plans,
                                nplans};
        B->opt->report(B->opt->ctx, &r);
    }
    pthread_mutex_unlock(&B->lock);
}

static clasm_status load_deal(batch_run *B, size_t i, clasm_deal **deal, clasm_diags *diags)
{
    if (B->opt->load)
        return B->opt->load(B->opt->load_ctx, i, deal, diags);
    return clasm_deal_load(B->deals[i], deal, diags);
}

/* Pass 1: where do deal i's drafts go? Failing deals are reported now. */
static void plan_target(batch_run *B, size_t i)
{
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_deal *deal = NULL;
    clasm_status s = load_deal(B, i, &deal, &diags);
    deal_target *t = &B->targets[i];
    int docs_out[CLASM_DOC_COUNT + 1];
    size_t nout = 0;
    if (s == CLASM_OK) {
        int doc = B->opt->document;
        clasm_document docs[CLASM_DOC_COUNT];
        size_t nd = clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
        if (!B->opt->tpl) {
            /* The whole pack, each document with its template. */
            for (size_t k = 0; k < nd && k < CLASM_DOC_COUNT; k++) {
                if (!B->opt->tpls[docs[k]]) {
                    diag_at(&diags, CLASM_SEV_ERROR, "batch-template", B->deals[i], 0, 0,
                            "the deal asks for the %s and the batch has no template for it; "
                            "pass -t TEMPLATE with --document %s",
                            clasm_document_name(docs[k]), clasm_document_name(docs[k]));
                    s = CLASM_E_INPUT;
                }
                docs_out[nout++] = (int)docs[k];
            }
        } else if (doc < 0 && nd == 1) {
            doc = (int)docs[0];
        } else if (doc < 0) {
            diag_at(&diags, CLASM_SEV_ERROR, "batch-document", B->deals[i], 0, 0,
                    "the deal names %zu documents and the batch has one template; pass "
                    "--document to say which one the template is",
                    nd);
            s = CLASM_E_INPUT;
        }
        if (B->opt->tpl) {
            /* A document guessed from the template's name must be one the
             * deal asks for: a deal that names only a contract gets no EULA
             * from a template called eula.docx unless --document says so. */
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
                        "file name), which the deal does not ask for; pass --document %s to "
                        "draft it anyway",
                        list, clasm_document_name((clasm_document)doc),
                        clasm_document_name((clasm_document)doc));
                s = CLASM_E_INPUT;
            }
            if (s == CLASM_OK)
                docs_out[nout++] = doc;
        }
        if (s == CLASM_OK && B->opt->memo)
            docs_out[nout++] = MEMO_OUTPUT;
        for (size_t k = 0; s == CLASM_OK && k < nout; k++) {
            const char *id = clasm_deal_id(deal);
            const char *dn = docs_out[k] == MEMO_OUTPUT
                                 ? "memo"
                                 : clasm_document_name((clasm_document)docs_out[k]);
            size_t len = strlen(id) + strlen(dn) + 8;
            char *name = malloc(len);
            if (!name) {
                s = CLASM_E_IO;
            } else {
                snprintf(name, len, "%s-%s.docx", id, dn);
                t->names[t->n] = name;
                t->documents[t->n++] = docs_out[k];
            }
        }
        if (s != CLASM_OK)
            free_target(t);
    }
    if (s != CLASM_OK)
        finish_deal(B, i, deal, NULL, 0, 0, NULL, 0, s, &diags);
    clasm_deal_free(deal);
    clasm_diags_free(&diags);
}

/* 1 when path names a regular file (a finished draft: drafts appear whole). */
static int draft_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Pass 2: select and assemble deal i: every draft of it, or none. */
static void assemble_deal(batch_run *B, size_t i)
{
    const clasm_batch_options *opt = B->opt;
    deal_target *t = &B->targets[i];
    if (t->n == 0)
        return; /* failed and reported in pass 1, or a clash reported then */
    clasm_diags diags;
    clasm_diags_init(&diags);
    clasm_deal *deal = NULL;
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    const clasm_template *tpls[CLASM_DOC_COUNT] = {0};
    char *outs[CLASM_DOC_COUNT + 1] = {0};
    int skip[CLASM_DOC_COUNT + 1] = {0};
    size_t nskipped = 0;
    clasm_document docs[CLASM_DOC_COUNT];
    /* The drafts come first; the memo, when there is one, is last. */
    size_t ndrafts = 0;
    for (size_t k = 0; k < t->n; k++) {
        if (t->documents[k] == MEMO_OUTPUT)
            continue;
        docs[ndrafts] = (clasm_document)t->documents[k];
        tpls[ndrafts] = opt->tpl ? opt->tpl : opt->tpls[docs[ndrafts]];
        ndrafts++;
    }
    int memo_at = ndrafts < t->n ? (int)ndrafts : -1;
    clasm_status s = CLASM_OK;
    for (size_t k = 0; s == CLASM_OK && k < t->n; k++) {
        size_t len = strlen(opt->out_dir) + strlen(t->names[k]) + 2;
        outs[k] = malloc(len);
        if (!outs[k]) {
            s = CLASM_E_IO;
            break;
        }
        snprintf(outs[k], len, "%s/%s", opt->out_dir, t->names[k]);
        if (opt->skip_existing && draft_exists(outs[k])) {
            skip[k] = 1;
            nskipped++;
        }
    }
    if (s == CLASM_OK)
        s = load_deal(B, i, &deal, &diags);
    if (s == CLASM_OK) {
        /* Its terms are the library's or the batch templates'. */
        clasm_status ts = clasm_check_terms(opt->lib, deal, tpls, ndrafts, &diags);
        if (ndrafts == 1)
            s = clasm_select(opt->lib, deal, docs[0], &plans[0], &diags);
        else
            s = clasm_select_pack(opt->lib, deal, docs, ndrafts, plans, &diags);
        if (s == CLASM_OK && ts != CLASM_OK)
            s = ts;
    }
    /* Screening: every plan records it; an undecided hit fails the deal
     * unless the batch allows it. */
    clasm_screening *screening = NULL;
    if (s == CLASM_OK)
        s = clasm_screen_pack(opt->lib, deal, opt->lists, opt->nlists, plans, ndrafts,
                              opt->allow_unscreened ? CLASM_SEV_WARNING : CLASM_SEV_ERROR,
                              &screening, &diags);
    /* Values still missing fail the deal, each named; the plans stay for
     * the results (tier, score, the missing list). */
    for (size_t k = 0; s == CLASM_OK && k < ndrafts; k++)
        if (clasm_plan_add_template(plans[k], opt->lib, deal, tpls[k]) != CLASM_OK)
            s = CLASM_E_IO;
    if (s == CLASM_OK || s == CLASM_E_INPUT) {
        size_t missing = 0;
        for (size_t k = 0; k < ndrafts; k++)
            if (plans[k])
                missing += clasm_plan_missing_diags(plans[k], deal, CLASM_SEV_ERROR, &diags);
        if (missing)
            s = CLASM_E_INPUT;
    }
    if (s == CLASM_OK && opt->strict && clasm_diags_warnings(&diags) > 0) {
        clasm_diags_promote_warnings(&diags);
        s = CLASM_E_INPUT;
    }
    /* Each draft in memory, then all of the deal's put in place together.
     * Under --strict a warning from the template (say, no insertion point)
     * fails the deal before anything is written: earlier drafts of the
     * same names stay as they were. */
    clasm_outputs *set = NULL;
    if (s == CLASM_OK && nskipped < t->n)
        s = clasm_outputs_new(&set, 0, &diags);
    for (size_t k = 0; s == CLASM_OK && k < ndrafts; k++) {
        if (skip[k])
            continue;
        unsigned char *bytes = NULL;
        size_t len = 0;
        s = clasm_assemble_buffer(tpls[k], opt->lib, deal, plans[k],
                                  opt->strict ? CLASM_ASSEMBLE_STRICT : 0, &bytes, &len, &diags);
        if (s == CLASM_OK)
            s = clasm_outputs_add(set, outs[k], bytes, len, &diags);
        free(bytes);
    }
    /* The memo of the same plans, put in place with the drafts. */
    if (s == CLASM_OK && memo_at >= 0 && !skip[memo_at]) {
        unsigned char *bytes = NULL;
        size_t len = 0;
        s = clasm_memo_buffer(opt->memo, opt->lib, deal, (const clasm_plan *const *)plans, ndrafts,
                              &bytes, &len, &diags);
        if (s == CLASM_OK)
            s = clasm_outputs_add(set, outs[memo_at], bytes, len, &diags);
        free(bytes);
    }
    if (s == CLASM_OK && set)
        s = clasm_outputs_commit(set, &diags);
    clasm_outputs_free(set);
    size_t nplans = 0;
    for (size_t k = 0; k < ndrafts; k++)
        nplans += plans[k] != NULL;
    finish_deal(B, i, deal, outs, t->n, nskipped, plans, nplans == ndrafts ? ndrafts : 0, s,
                &diags);
    for (size_t k = 0; k < t->n; k++)
        free(outs[k]);
    for (size_t k = 0; k < ndrafts; k++)
        clasm_plan_free(plans[k]);
    clasm_screening_free(screening);
    clasm_deal_free(deal);
    clasm_diags_free(&diags);
}

static void *worker(void *arg)
{
    batch_run *B = arg;
    for (;;) {
        if (B->opt->cancelled && B->opt->cancelled(B->opt->cancel_ctx))
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
        count += B->targets[i].n;
    named *v = malloc((count ? count : 1) * sizeof *v);
    char *clash = calloc(B->n ? B->n : 1, 1);
    if (!v || !clash) {
        free(v);
        free(clash);
        return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < B->n; i++)
        for (size_t d = 0; d < B->targets[i].n; d++)
            v[k++] = (named){i, B->targets[i].names[d]};
    qsort(v, count, sizeof *v, cmp_named);
    for (size_t a = 0; a < count;) {
        size_t b = a + 1;
        while (b < count && strcmp(v[a].name, v[b].name) == 0)
            b++;
        if (b - a > 1) {
            for (size_t j = a; j < b; j++) {
                size_t idx = v[j].index;
                if (clash[idx])
                    continue; /* one message per deal */
                clash[idx] = 1;
                size_t other = v[j == a ? a + 1 : a].index;
                clasm_diags diags;
                clasm_diags_init(&diags);
                if (b - a > 2)
                    diag_at(&diags, CLASM_SEV_ERROR, "duplicate-output", B->deals[idx], 0, 0,
                            "%s, %s and %zu more deals would all write %s; give each deal its "
                            "own id",
                            B->deals[idx], B->deals[other], b - a - 2, v[j].name);
                else
                    diag_at(&diags, CLASM_SEV_ERROR, "duplicate-output", B->deals[idx], 0, 0,
                            "%s and %s would both write %s; give each deal its own id",
                            B->deals[idx], B->deals[other], v[j].name);
                finish_deal(B, idx, NULL, NULL, 0, 0, NULL, 0, CLASM_E_INPUT, &diags);
                clasm_diags_free(&diags);
            }
        }
        a = b;
    }
    /* v[].name points into targets: free them after the messages. */
    for (size_t i = 0; i < B->n; i++)
        if (clash[i])
            free_target(&B->targets[i]);
    free(v);
    free(clash);
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
    int any_tpl = opt && opt->tpl;
    for (size_t d = 0; opt && d < CLASM_DOC_COUNT; d++)
        any_tpl |= opt->tpls[d] != NULL;
    if (!opt || !opt->lib || !any_tpl || !opt->out_dir) {
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
    int cancelled = opt->cancelled && opt->cancelled(opt->cancel_ctx);
    if (s == CLASM_OK && !cancelled)
        s = run_pass(&B, 2, jobs, diags);
    if (s == CLASM_OK && opt->cancelled && opt->cancelled(opt->cancel_ctx))
        summary->not_started = n - B.done;
    pthread_mutex_destroy(&B.lock);
    for (size_t i = 0; i < n; i++)
        free_target(&B.targets[i]);
    free(B.targets);
    if (s != CLASM_OK)
        return s;
    return summary->failed || summary->not_started ? CLASM_E_INPUT : CLASM_OK;
}
