/* clasm serve's HTTP server on libmicrohttpd (see server.h). Each request
 * owns its body, deal, plans and draft; the library and templates are shared
 * read-only, so concurrent users never see each other's data. */
#include "server.h"

#include "server_guard.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_DEAL_LIMIT ((size_t)1 << 20)
#define DEFAULT_UPLOAD_LIMIT ((size_t)32 << 20)
#define DEFAULT_MAX_CONNECTIONS 128u
#define DEFAULT_PER_ADDRESS 64u
#define DEFAULT_TIMEOUT 60u
#define DEFAULT_REQUEST_SECONDS 30u
#define DEFAULT_GRACE_MS 2000u
/* Slots beyond max_connections for connections answered 503 or about to
 * replace a dropped one (server_guard.c); each is held for seconds at most. */
#define RESERVE_CONNECTIONS 16u
/* The watchdog's log: at most one line per this many seconds. */
#define SUMMARY_SECONDS 10.0
/* What a 503 asks the client to wait: a few seconds, time for slow
 * requests to pass the grace period and become replaceable. */
#define RETRY_AFTER "5"

#define DOCX_TYPE "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define JSON_TYPE "application/json; charset=utf-8"

#if defined(__GNUC__)
#define SERVER_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SERVER_PRINTF(a, b)
#endif

/* An error of the server or of a request (about no file), formatted. */
static void add_error(clasm_diags *d, const char *id, const char *fmt, ...) SERVER_PRINTF(3, 4);
static void add_error(clasm_diags *d, const char *id, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    clasm_diags_add(d, CLASM_SEV_ERROR, id, msg);
}

struct clasm_server {
    struct MHD_Daemon *daemon;
    server_options opt;
    server_guard *guard; /* who holds the connections, since when */
    /* The watchdog thread: shuts connections past their deadline, logs. */
    pthread_t watchdog;
    pthread_mutex_t wd_lock;
    pthread_cond_t wd_wake;
    int wd_stop;
    int wd_running;
    char *risks; /* GET /api/risks, built once */
    size_t risks_len;
    unsigned port;
    int loopback; /* bound to a loopback address */
    int wildcard; /* bound to 0.0.0.0 or :: (every address of the machine) */
    /* The bound address as a Host name ("192.0.2.7", "[2001:db8::1]"). */
    char bound_host[INET6_ADDRSTRLEN + 2];
    /* Folders taken off the paths in error messages, so that a reply names
     * "clauses/risks.yaml", not where the server keeps it: the parents of
     * the library and of the templates' folders. */
    char *strip[1 + CLASM_DOC_COUNT];
};

typedef enum {
    ROUTE_NONE,
    ROUTE_RISKS,
    ROUTE_SELECT,
    ROUTE_ASSEMBLE,
    ROUTE_INSPECT,
    ROUTE_MEMO,
    ROUTE_REDLINE
} route;

/* One request's body, collected over the handler's calls. */
typedef struct {
    route r;
    size_t limit;
    char *body;
    size_t len, cap;
    int too_large;
    int no_memory; /* the body could not be kept: answer 500 */
} request;

/* ---- responses ---- */

/* Optional headers of a reply. */
typedef struct {
    const char *disposition; /* a download */
    const char *allow;       /* 405 */
    const char *retry_after; /* 503; the connection is closed after it */
} extra_headers;

/* Every reply goes through here, so every one carries the security headers. */
static enum MHD_Result send_buffer(struct MHD_Connection *c, unsigned status, const char *type,
                                   void *data, size_t len, enum MHD_ResponseMemoryMode mode,
                                   const extra_headers *x)
{
    static const extra_headers none = {NULL, NULL, NULL};
    if (!x)
        x = &none;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, mode);
    if (!r) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free(data);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                            "base-uri 'none'; frame-ancestors 'none'; form-action 'none'");
    if (x->allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, x->allow);
    if (x->retry_after) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, x->retry_after);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    }
    if (x->disposition) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, x->disposition);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    } else if (strncmp(type, "application/json", 16) == 0) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    }
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* The answer when there is no memory left to build one. */
static enum MHD_Result send_out_of_memory(struct MHD_Connection *c)
{
    static const char oom[] = "{\"errors\":[{\"id\":\"out-of-memory\",\"message\":\"the server "
                              "ran out of memory\",\"line\":0,\"column\":0,\"severity\":"
                              "\"error\"}]}";
    return send_buffer(c, MHD_HTTP_INTERNAL_SERVER_ERROR, JSON_TYPE, (void *)oom, sizeof oom - 1,
                       MHD_RESPMEM_PERSISTENT, NULL);
}

/* json (owned; NULL: out of memory) with status. */
static enum MHD_Result send_json_x(struct MHD_Connection *c, unsigned status, char *json,
                                   const extra_headers *x)
{
    if (!json)
        return send_out_of_memory(c);
    return send_buffer(c, status, JSON_TYPE, json, strlen(json), MHD_RESPMEM_MUST_FREE, x);
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, char *json)
{
    return send_json_x(c, status, json, NULL);
}

/* {"errors": [...]} of d (clasm_diags_json), with paths relative to the
 * server's folders (srv may be NULL: as they are); NULL when out of memory. */
static char *errors_json(const clasm_server *srv, const clasm_diags *d)
{
    size_t n = srv ? sizeof srv->strip / sizeof srv->strip[0] : 0;
    return clasm_diags_json(d, srv ? (const char *const *)srv->strip : NULL, n);
}

/* An error answer with the diagnostics of d. One without any (only when
 * adding one failed for lack of memory) is the out-of-memory answer. */
static enum MHD_Result send_diags(const clasm_server *srv, struct MHD_Connection *c,
                                  unsigned status, const clasm_diags *d)
{
    if (d->count == 0)
        return send_out_of_memory(c);
    return send_json(c, status, errors_json(srv, d));
}

/* One error of the request itself (not of its deal). */
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *id,
                                  const char *fmt, ...) SERVER_PRINTF(4, 5);
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *id,
                                  const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_diags_add(&d, CLASM_SEV_ERROR, id, msg);
    enum MHD_Result r = send_diags(NULL, c, status, &d);
    clasm_diags_free(&d);
    return r;
}

/* ---- deals and plans ---- */

unsigned server_failure_status(clasm_status s, clasm_diags *d)
{
    int errors = 0, oom = 0;
    for (size_t i = 0; i < d->count; i++) {
        errors += d->items[i].severity == CLASM_SEV_ERROR;
        oom |= d->items[i].id && strcmp(d->items[i].id, "out-of-memory") == 0;
    }
    if (!errors) {
        add_error(d, "internal-error",
                  "the server failed without saying why (status %d); this is a bug in clasm, "
                  "not in the request",
                  (int)s);
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
    if (s == CLASM_E_INPUT && !oom)
        return MHD_HTTP_BAD_REQUEST;
    return MHD_HTTP_INTERNAL_SERVER_ERROR;
}

/* The error answer of a request the library failed (s, d): see
 * server_failure_status. */
static enum MHD_Result status_diags(const clasm_server *srv, struct MHD_Connection *c,
                                    clasm_status s, clasm_diags *d)
{
    unsigned status = server_failure_status(s, d);
    return send_diags(srv, c, status, d);
}

/* The deal of the body and the documents to draw: ?document= or the deal's.
 * On failure the response has been queued (*sent set). */
static clasm_deal *request_deal(const clasm_server *srv, struct MHD_Connection *c,
                                const request *rq, clasm_diags *d,
                                clasm_document docs[CLASM_DOC_COUNT], size_t *ndocs,
                                enum MHD_Result *sent)
{
    *ndocs = 0;
    const char *want = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "document");
    if (want && clasm_document_from_name(want) < 0) {
        *sent = send_error(c, MHD_HTTP_BAD_REQUEST, "unknown-document",
                           "?document= is " CLASM_DOCUMENT_LIST ", not '%.100s'", want);
        return NULL;
    }
    if (rq->len == 0) {
        *sent = send_error(c, MHD_HTTP_BAD_REQUEST, "empty-body",
                           "the request body is empty; send the deal as JSON with the fields of a "
                           "deal file");
        return NULL;
    }
    clasm_deal *deal = NULL;
    clasm_status s = clasm_deal_load_string(rq->body, rq->len, "deal", &deal, d);
    if (s != CLASM_OK || !deal) {
        clasm_deal_free(deal);
        *sent = status_diags(srv, c, s, d);
        return NULL;
    }
    if (want) {
        docs[0] = (clasm_document)clasm_document_from_name(want);
        *ndocs = 1;
    } else {
        *ndocs = clasm_deal_documents(deal, docs, CLASM_DOC_COUNT);
    }
    return deal;
}

static void free_plans(clasm_plan **plans, size_t n)
{
    for (size_t i = 0; i < n; i++)
        clasm_plan_free(plans[i]);
}

/* POST /api/select: one plan object, or an array for a pack (as the CLI). */
static enum MHD_Result do_select(const clasm_server *srv, struct MHD_Connection *c,
                                 const request *rq)
{
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_document docs[CLASM_DOC_COUNT];
    size_t ndocs;
    enum MHD_Result sent = MHD_NO;
    clasm_deal *deal = request_deal(srv, c, rq, &d, docs, &ndocs, &sent);
    if (!deal) {
        clasm_diags_free(&d);
        return sent;
    }
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    /* The deal's terms: the library's and those of the templates of the
     * documents the deal names. */
    const clasm_template *tpls[CLASM_DOC_COUNT];
    clasm_document named[CLASM_DOC_COUNT];
    size_t nnamed = clasm_deal_documents(deal, named, CLASM_DOC_COUNT);
    for (size_t i = 0; i < nnamed && i < CLASM_DOC_COUNT; i++)
        tpls[i] = srv->opt.tpl[named[i]];
    clasm_status ts = clasm_check_terms(srv->opt.lib, deal, tpls, nnamed, &d);
    clasm_status s = clasm_select_pack(srv->opt.lib, deal, docs, ndocs, plans, &d);
    if (s == CLASM_OK && ts != CLASM_OK)
        s = ts;
    /* Values still to fill in do not fail the plan: it carries them in
     * "missing", with those of the document's template. */
    for (size_t i = 0; s == CLASM_OK && i < ndocs; i++)
        s = clasm_plan_add_template(plans[i], srv->opt.lib, deal, srv->opt.tpl[docs[i]]);
    clasm_screening *screening = NULL;
    if (s == CLASM_OK)
        s = clasm_screen_pack(srv->opt.lib, deal, srv->opt.lists, srv->opt.nlists, plans, ndocs,
                              CLASM_SEV_WARNING, &screening, &d);
    if (s != CLASM_OK) {
        sent = status_diags(srv, c, s, &d);
    } else if (ndocs == 1) {
        sent = send_json(c, MHD_HTTP_OK, clasm_plan_json(plans[0], NULL));
    } else {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < ndocs; i++) {
            char *one = clasm_plan_json(plans[i], NULL);
            json_t *v = one ? json_loads(one, 0, NULL) : NULL;
            free(one);
            if (!v) {
                json_decref(arr);
                arr = NULL;
                break;
            }
            json_array_append_new(arr, v);
        }
        char *s2 = arr ? json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(arr);
        sent = send_json(c, MHD_HTTP_OK, s2);
    }
    free_plans(plans, ndocs);
    clasm_screening_free(screening);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    return sent;
}

/* POST /api/assemble: the draft of one document, assembled in memory. */
static enum MHD_Result do_assemble(const clasm_server *srv, struct MHD_Connection *c,
                                   const request *rq)
{
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_document docs[CLASM_DOC_COUNT];
    size_t ndocs;
    enum MHD_Result sent = MHD_NO;
    clasm_deal *deal = request_deal(srv, c, rq, &d, docs, &ndocs, &sent);
    if (!deal) {
        clasm_diags_free(&d);
        return sent;
    }
    if (ndocs != 1) {
        char names[128] = "";
        for (size_t i = 0; i < ndocs; i++) {
            if (i)
                strcat(names, ", ");
            strcat(names, clasm_document_name(docs[i]));
        }
        clasm_deal_free(deal);
        clasm_diags_free(&d);
        return send_error(c, MHD_HTTP_BAD_REQUEST, "document-required",
                          "the deal names %zu documents (%s); pick one with ?document=", ndocs,
                          names);
    }
    const clasm_template *tpl = srv->opt.tpl[docs[0]];
    if (!tpl) {
        clasm_deal_free(deal);
        clasm_diags_free(&d);
        return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no-template",
                          "the server has no %s template", clasm_document_name(docs[0]));
    }
    clasm_plan *plan = NULL;
    clasm_status ts = clasm_check_terms(srv->opt.lib, deal, &tpl, 1, &d);
    clasm_status s = clasm_select_pack(srv->opt.lib, deal, docs, 1, &plan, &d);
    if (s == CLASM_OK && ts != CLASM_OK)
        s = ts;
    /* The template's missing values join the clauses': assembly refuses
     * a plan with any, naming each. */
    if (s == CLASM_OK)
        s = clasm_plan_add_template(plan, srv->opt.lib, deal, tpl);
    /* Screened: an undecided hit stops the draft unless the request allows it. */
    const char *allow = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "allow_unscreened");
    int allowed = allow && strcmp(allow, "1") == 0;
    clasm_screening *screening = NULL;
    if (s == CLASM_OK)
        s = clasm_screen_pack(srv->opt.lib, deal, srv->opt.lists, srv->opt.nlists, &plan, 1,
                              allowed ? CLASM_SEV_WARNING : CLASM_SEV_ERROR, &screening, &d);
    /* Assembled in memory: nothing touches the disk. */
    unsigned char *docx = NULL;
    size_t len = 0;
    if (s == CLASM_OK)
        s = clasm_assemble_buffer(tpl, srv->opt.lib, deal, plan, 0, &docx, &len, &d);
    if (s != CLASM_OK) {
        sent = status_diags(srv, c, s, &d);
    } else {
        char disp[256];
        snprintf(disp, sizeof disp, "attachment; filename=\"%s-%s.docx\"", clasm_deal_id(deal),
                 clasm_document_name(docs[0]));
        extra_headers x = {disp, NULL, NULL};
        sent = send_buffer(c, MHD_HTTP_OK, DOCX_TYPE, (char *)docx, len, MHD_RESPMEM_MUST_FREE, &x);
        docx = NULL; /* the response owns it */
    }
    free(docx);
    clasm_plan_free(plan);
    clasm_screening_free(screening);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    return sent;
}

/* POST /api/memo: the rationale memo of the deal's documents (or of the
 * ?document= one), built in memory from the memo template. Values still to
 * fill in are listed in it, not refused, so the questionnaire can give the
 * memo of an unfinished deal. */
static enum MHD_Result do_memo(const clasm_server *srv, struct MHD_Connection *c, const request *rq)
{
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_document docs[CLASM_DOC_COUNT];
    size_t ndocs;
    enum MHD_Result sent = MHD_NO;
    clasm_deal *deal = request_deal(srv, c, rq, &d, docs, &ndocs, &sent);
    if (!deal) {
        clasm_diags_free(&d);
        return sent;
    }
    if (!srv->opt.memo) {
        clasm_deal_free(deal);
        clasm_diags_free(&d);
        return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no-template",
                          "the server has no memo template");
    }
    clasm_plan *plans[CLASM_DOC_COUNT] = {0};
    const clasm_template *tpls[CLASM_DOC_COUNT] = {0}, *named_tpls[CLASM_DOC_COUNT] = {0};
    clasm_document named[CLASM_DOC_COUNT];
    size_t nnamed = clasm_deal_documents(deal, named, CLASM_DOC_COUNT);
    for (size_t i = 0; i < nnamed && i < CLASM_DOC_COUNT; i++)
        named_tpls[i] = srv->opt.tpl[named[i]];
    for (size_t i = 0; i < ndocs; i++)
        tpls[i] = srv->opt.tpl[docs[i]];
    clasm_status ts = clasm_check_terms(srv->opt.lib, deal, named_tpls, nnamed, &d);
    clasm_status s = clasm_select_pack(srv->opt.lib, deal, docs, ndocs, plans, &d);
    if (s == CLASM_OK && ts != CLASM_OK)
        s = ts;
    for (size_t i = 0; s == CLASM_OK && i < ndocs; i++)
        s = clasm_plan_add_template(plans[i], srv->opt.lib, deal, tpls[i]);
    clasm_screening *screening = NULL;
    if (s == CLASM_OK)
        s = clasm_screen_pack(srv->opt.lib, deal, srv->opt.lists, srv->opt.nlists, plans, ndocs,
                              CLASM_SEV_WARNING, &screening, &d);
    unsigned char *docx = NULL;
    size_t len = 0;
    if (s == CLASM_OK)
        s = clasm_memo_buffer(srv->opt.memo, srv->opt.lib, deal, (const clasm_plan *const *)plans,
                              ndocs, &docx, &len, &d);
    if (s != CLASM_OK) {
        sent = status_diags(srv, c, s, &d);
    } else {
        char disp[256];
        snprintf(disp, sizeof disp, "attachment; filename=\"%s-memo.docx\"", clasm_deal_id(deal));
        extra_headers x = {disp, NULL, NULL};
        sent = send_buffer(c, MHD_HTTP_OK, DOCX_TYPE, (char *)docx, len, MHD_RESPMEM_MUST_FREE, &x);
        docx = NULL; /* the response owns it */
    }
    free(docx);
    free_plans(plans, ndocs);
    clasm_screening_free(screening);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    return sent;
}

/* POST /api/inspect: the body is the DOCX, checked like any package. */
static enum MHD_Result do_inspect(const clasm_server *srv, struct MHD_Connection *c,
                                  const request *rq)
{
    if (rq->len == 0)
        return send_error(c, MHD_HTTP_BAD_REQUEST, "empty-body",
                          "the request body is empty; send the draft's DOCX bytes");
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_inspection *insp = NULL;
    clasm_status s =
        clasm_inspect_buffer(rq->body, rq->len, "upload.docx", srv->opt.lib, &insp, &d);
    enum MHD_Result sent;
    if (s != CLASM_OK || !insp)
        sent = status_diags(srv, c, s, &d);
    else
        sent = send_json(c, MHD_HTTP_OK, clasm_inspection_json(insp));
    clasm_inspection_free(insp);
    clasm_diags_free(&d);
    return sent;
}

/* POST /api/redline: the body is a negotiated draft's DOCX, read as
 * /api/inspect reads it; the answer is the same draft with every change to
 * a clause undone as tracked changes (to the standard, or to fallback N
 * with ?to=fallback:N), signed by ?author= (else "clasm"). */
static enum MHD_Result do_redline(const clasm_server *srv, struct MHD_Connection *c,
                                  const request *rq)
{
    const char *to = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "to");
    const char *author = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "author");
    int target = clasm_redline_target(to);
    if (target < 0)
        return send_error(c, MHD_HTTP_BAD_REQUEST, "invalid-position",
                          "?to= is standard or fallback:N (N a whole number from 1 to 999), not "
                          "'%.100s'",
                          to);
    if (rq->len == 0)
        return send_error(c, MHD_HTTP_BAD_REQUEST, "empty-body",
                          "the request body is empty; send the draft's DOCX bytes");
    const char *comments = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "comments");
    if (comments && strcmp(comments, "internal") != 0 && strcmp(comments, "outgoing") != 0)
        return send_error(c, MHD_HTTP_BAD_REQUEST, "invalid-comments",
                          "?comments= is internal (for our counsel: the playbook, who must "
                          "approve) or outgoing (for the other side: why), not '%.100s'",
                          comments);
    clasm_redline_options opt = {author, NULL, target,
                                 comments && strcmp(comments, "outgoing") == 0};
    clasm_diags d;
    clasm_diags_init(&d);
    unsigned char *docx = NULL;
    size_t len = 0;
    clasm_status s =
        clasm_redline_buffer(rq->body, rq->len, "upload.docx", srv->opt.lib, &opt, &docx, &len, &d);
    enum MHD_Result sent;
    if (s != CLASM_OK || !docx) {
        sent = status_diags(srv, c, s, &d); /* OK without a DOCX: internal-error */
    } else {
        extra_headers x = {"attachment; filename=\"redline.docx\"", NULL, NULL};
        sent = send_buffer(c, MHD_HTTP_OK, DOCX_TYPE, docx, len, MHD_RESPMEM_MUST_FREE, &x);
        docx = NULL; /* the response owns it */
    }
    free(docx);
    clasm_diags_free(&d);
    return sent;
}

/* ---- routing ---- */

static route api_route(const char *url)
{
    if (strcmp(url, "/api/risks") == 0)
        return ROUTE_RISKS;
    if (strcmp(url, "/api/select") == 0)
        return ROUTE_SELECT;
    if (strcmp(url, "/api/assemble") == 0)
        return ROUTE_ASSEMBLE;
    if (strcmp(url, "/api/inspect") == 0)
        return ROUTE_INSPECT;
    if (strcmp(url, "/api/memo") == 0)
        return ROUTE_MEMO;
    if (strcmp(url, "/api/redline") == 0)
        return ROUTE_REDLINE;
    return ROUTE_NONE;
}

static const server_asset *find_asset(const clasm_server *srv, const char *url)
{
    for (size_t i = 0; i < srv->opt.nassets; i++)
        if (strcmp(srv->opt.assets[i].path, url) == 0)
            return &srv->opt.assets[i];
    return NULL;
}

static enum MHD_Result method_not_allowed(struct MHD_Connection *c, const char *method,
                                          const char *url, const char *allow)
{
    char msg[400];
    snprintf(msg, sizeof msg, "%.100s is not allowed on %.200s; use %s", method, url, allow);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_diags_add(&d, CLASM_SEV_ERROR, "method-not-allowed", msg);
    char *json = errors_json(NULL, &d);
    clasm_diags_free(&d);
    extra_headers x = {NULL, allow, NULL};
    return send_json_x(c, MHD_HTTP_METHOD_NOT_ALLOWED, json, &x);
}

/* 1 when the Host header value is name, alone or followed by ':' and this
 * server's port: not a prefix ("127.0.0.1:8080@evil", "localhost:x"). */
static int host_is(const char *host, const char *name, unsigned port)
{
    size_t n = strlen(name);
    if (strncasecmp(host, name, n) != 0)
        return 0;
    if (host[n] == '\0')
        return 1;
    char want[16];
    snprintf(want, sizeof want, ":%u", port);
    return strcmp(host + n, want) == 0;
}

/* The local address a connection came in on, as a Host name, for a
 * server bound to every address. Empty when it cannot be told. */
static void local_host(struct MHD_Connection *c, char *out, size_t size)
{
    out[0] = '\0';
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (!ci || getsockname(ci->connect_fd, (struct sockaddr *)&ss, &len) != 0)
        return;
    char a[INET6_ADDRSTRLEN];
    if (ss.ss_family == AF_INET) {
        if (inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof a))
            snprintf(out, size, "%s", a);
    } else if (ss.ss_family == AF_INET6) {
        const struct in6_addr *x = &((struct sockaddr_in6 *)&ss)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(x)) {
            if (inet_ntop(AF_INET, &x->s6_addr[12], a, sizeof a))
                snprintf(out, size, "%s", a);
        } else if (inet_ntop(AF_INET6, x, a, sizeof a)) {
            snprintf(out, size, "[%s]", a);
        }
    }
}

/* The server answers only to loopback host names and the address it
 * listens on (for 0.0.0.0 or ::, the one the connection came in on), so a
 * web page elsewhere cannot reach it through DNS rebinding. */
static int host_allowed(const clasm_server *srv, struct MHD_Connection *c)
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (!host)
        return 1; /* HTTP/1.0 without Host */
    static const char *const ok[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (host_is(host, ok[i], srv->port))
            return 1;
    if (srv->loopback)
        return 0;
    char here[INET6_ADDRSTRLEN + 2];
    if (srv->wildcard)
        local_host(c, here, sizeof here);
    else
        snprintf(here, sizeof here, "%s", srv->bound_host);
    return here[0] && host_is(host, here, srv->port);
}

/* A browser says where a request comes from in Origin. Only the page
 * itself may call the API from a browser: another site's page cannot make
 * this server work for it (no CSRF), even though it could not read the
 * answer. Requests without Origin (curl, integrations) are not browsers'. */
static int origin_allowed(struct MHD_Connection *c)
{
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!origin)
        return 1;
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *rest = strncmp(origin, "http://", 7) == 0 ? origin + 7 : NULL;
    return host && rest && strcmp(rest, host) == 0;
}

/* The 503 of a connection admitted while every slot was taken
 * (server_guard.c): at once, without reading a body, and closed after. */
static enum MHD_Result send_busy(const clasm_server *srv, struct MHD_Connection *c)
{
    clasm_diags d;
    clasm_diags_init(&d);
    add_error(&d, "server-busy",
              "the server is busy: all of its %u connections are taken; try again in a few "
              "seconds",
              srv->opt.max_connections);
    extra_headers x = {NULL, NULL, RETRY_AFTER};
    enum MHD_Result r =
        d.count ? send_json_x(c, MHD_HTTP_SERVICE_UNAVAILABLE, errors_json(NULL, &d), &x)
                : send_out_of_memory(c);
    clasm_diags_free(&d);
    return r;
}

/* The request's answer: routes, checks, collects the body (see handle). */
static enum MHD_Result serve_request(const clasm_server *srv, struct MHD_Connection *c,
                                     const char *url, const char *method, const char *upload_data,
                                     size_t *upload_data_size, void **con_cls)
{
    request *rq = *con_cls;
    if (!rq) {
        /* First call: headers only. Route, check method and size. */
        if (!host_allowed(srv, c))
            return send_error(c, MHD_HTTP_FORBIDDEN, "host-not-allowed",
                              "this server answers only to 127.0.0.1, localhost, [::1] or the "
                              "address it listens on, with its port");
        if (!origin_allowed(c))
            return send_error(c, MHD_HTTP_FORBIDDEN, "origin-not-allowed",
                              "only the questionnaire's own page may call this server from a "
                              "browser, not a page from another site");
        int get =
            strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
        int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
        route r = api_route(url);
        if (r == ROUTE_RISKS) {
            if (!get)
                return method_not_allowed(c, method, url, "GET");
            return send_buffer(c, MHD_HTTP_OK, JSON_TYPE, srv->risks, srv->risks_len,
                               MHD_RESPMEM_PERSISTENT, NULL);
        }
        if (r == ROUTE_NONE) {
            const server_asset *a = find_asset(srv, url);
            if (!a)
                return send_error(c, MHD_HTTP_NOT_FOUND, "not-found", "nothing at %.200s", url);
            if (!get)
                return method_not_allowed(c, method, url, "GET");
            return send_buffer(c, MHD_HTTP_OK, a->content_type, (void *)a->data, a->len,
                               MHD_RESPMEM_PERSISTENT, NULL);
        }
        if (!post)
            return method_not_allowed(c, method, url, "POST");
        size_t limit =
            r == ROUTE_INSPECT || r == ROUTE_REDLINE ? srv->opt.upload_limit : srv->opt.deal_limit;
        const char *cl =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno != 0 || n > limit)
                return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "body-too-large",
                                  "the request body (%.30s bytes) is over the limit of %zu "
                                  "bytes for %s",
                                  cl, limit, url);
        }
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return send_out_of_memory(c);
        rq->r = r;
        rq->limit = limit;
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (rq->too_large || rq->no_memory)
            return MHD_YES; /* read and drop the rest, then say why */
        if (n > rq->limit - rq->len) {
            rq->too_large = 1;
            return MHD_YES;
        }
        if (rq->len + n + 1 > rq->cap) {
            size_t cap = rq->cap ? rq->cap : 8192;
            while (cap < rq->len + n + 1)
                cap *= 2;
            char *nb = realloc(rq->body, cap);
            if (!nb) {
                rq->no_memory = 1;
                return MHD_YES;
            }
            rq->body = nb;
            rq->cap = cap;
        }
        memcpy(rq->body + rq->len, upload_data, n);
        rq->len += n;
        rq->body[rq->len] = '\0';
        return MHD_YES;
    }
    if (rq->too_large)
        return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "body-too-large",
                          "the request body is over the limit of %zu bytes for %.200s", rq->limit,
                          url);
    if (rq->no_memory)
        return send_out_of_memory(c);
    switch (rq->r) {
    case ROUTE_SELECT:
        return do_select(srv, c, rq);
    case ROUTE_ASSEMBLE:
        return do_assemble(srv, c, rq);
    case ROUTE_INSPECT:
        return do_inspect(srv, c, rq);
    case ROUTE_MEMO:
        return do_memo(srv, c, rq);
    case ROUTE_REDLINE:
        return do_redline(srv, c, rq);
    default:
        return MHD_NO;
    }
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The connection's slot in the guard (set when it started; NULL if none). */
static guard_slot *connection_slot(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* libmicrohttpd calls this with the headers (*con_cls NULL), then with each
 * piece of the body, then once more with none: the request is whole. The
 * guard's deadline runs until the request is whole, or answered early. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    (void)version;
    const clasm_server *srv = cls;
    guard_slot *slot = connection_slot(c);
    if (!*con_cls && guard_busy(srv->guard, slot)) {
        guard_answering(srv->guard, slot);
        return send_busy(srv, c);
    }
    if (*con_cls && *upload_data_size == 0)
        guard_answering(srv->guard, slot); /* before the work, which the deadline must not cut */
    enum MHD_Result r = serve_request(srv, c, url, method, upload_data, upload_data_size, con_cls);
    if (!*con_cls)
        guard_answering(srv->guard, slot); /* answered from the headers alone */
    return r;
}

/* A request is over (answered, or its connection closed): the next one on
 * the connection, if any, starts its deadline now. */
static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    const clasm_server *srv = cls;
    request *rq = *con_cls;
    if (rq) {
        free(rq->body);
        free(rq);
        *con_cls = NULL;
    }
    guard_waiting(srv->guard, connection_slot(c), now_seconds());
}

/* libmicrohttpd's "started" comes right after the accept, on its listening
 * thread; "closed" comes before it closes the socket (daemon.c, 0.9.75), so
 * the guard never shuts a reused descriptor. */
static void connection_event(void *cls, struct MHD_Connection *c, void **socket_context,
                             enum MHD_ConnectionNotificationCode code)
{
    clasm_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? guard_admit(srv->guard, ci->connect_fd, now_seconds()) : NULL;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        guard_release(srv->guard, *socket_context);
        *socket_context = NULL;
    }
}

/* One line "clasm serve: msg" on stderr, written with one call so that
 * lines from concurrent threads never run together. */
static void log_line(const char *msg)
{
    char line[1024];
    int len = snprintf(line, sizeof line, "clasm serve: %s\n", msg);
    if (len > 0)
        fwrite(line, 1, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1, stderr);
}

/* libmicrohttpd's messages, one whole line each. A client that goes away
 * (closes, resets, stops mid-request) is routine, not news; so is one the
 * guard shut down (it reads as a close by the client). */
static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    clasm_server *srv = cls;
    static const char *const routine[] = {
        "Connection was closed by remote side",
        "Socket has been disconnected",
        "The connection was forcibly closed by remote peer",
        "Connection socket is closed when reading request",
    };
    char msg[900];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    for (size_t i = 0; i < sizeof routine / sizeof routine[0]; i++)
        if (strncmp(msg, routine[i], strlen(routine[i])) == 0)
            return;
    /* A connection over the per-address (or the total) limit, closed at
     * once: counted, and summed up in the watchdog's line, not one line each. */
    if (strncmp(msg, "Server reached connection limit", 31) == 0) {
        guard_count_refused(srv->guard);
        return;
    }
    for (size_t i = 0; i < n; i++) /* one line, whatever the message holds */
        if (msg[i] == '\n' || msg[i] == '\r')
            msg[i] = ' ';
    log_line(msg);
}

/* ---- the watchdog ---- */

/* One line of what the guard did since the last one, if anything: under a
 * slow-client attack the log grows by a line per SUMMARY_SECONDS, not a line
 * per connection or per byte. */
static void log_summary(clasm_server *srv, double seconds)
{
    guard_counts n;
    guard_take_counts(srv->guard, &n);
    if (!n.expired && !n.dropped && !n.busy && !n.refused)
        return;
    char msg[600];
    int len =
        snprintf(msg, sizeof msg, "connections in the last %.0f s:", seconds < 1 ? 1.0 : seconds);
    const char *sep = "";
    if (n.expired && len > 0 && (size_t)len < sizeof msg) {
        len += snprintf(msg + len, sizeof msg - (size_t)len,
                        " %lu timed out (no whole request within %u s)", n.expired,
                        srv->opt.request_seconds);
        sep = ",";
    }
    if (n.dropped && len > 0 && (size_t)len < sizeof msg) {
        len +=
            snprintf(msg + len, sizeof msg - (size_t)len,
                     "%s %lu replaced (slow requests, closed for new connections)", sep, n.dropped);
        sep = ",";
    }
    if (n.busy && len > 0 && (size_t)len < sizeof msg) {
        len += snprintf(msg + len, sizeof msg - (size_t)len, "%s %lu answered 503 (all %u taken)",
                        sep, n.busy, srv->opt.max_connections);
        sep = ",";
    }
    if (n.refused && len > 0 && (size_t)len < sizeof msg)
        snprintf(msg + len, sizeof msg - (size_t)len, "%s %lu refused (over %u per address)", sep,
                 n.refused, srv->opt.max_per_address);
    log_line(msg);
}

static struct timespec monotonic_at(double t)
{
    struct timespec ts;
    ts.tv_sec = (time_t)t;
    ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Shuts down connections past their deadline (at most a quarter second
 * late) and logs the summary, until server_stop. */
static void *watchdog_main(void *arg)
{
    clasm_server *srv = arg;
    double last = now_seconds();
    pthread_mutex_lock(&srv->wd_lock);
    while (!srv->wd_stop) {
        double t = now_seconds();
        double wake = guard_expire(srv->guard, t);
        if (t - last >= SUMMARY_SECONDS) {
            log_summary(srv, t - last);
            last = t;
        }
        if (wake > t + 0.25)
            wake = t + 0.25; /* new connections' deadlines are picked up soon */
        struct timespec ts = monotonic_at(wake);
        pthread_cond_timedwait(&srv->wd_wake, &srv->wd_lock, &ts);
    }
    pthread_mutex_unlock(&srv->wd_lock);
    log_summary(srv, now_seconds() - last);
    return NULL;
}

static int watchdog_start(clasm_server *srv)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0)
        return -1;
    int bad = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
              pthread_cond_init(&srv->wd_wake, &ca) != 0;
    pthread_condattr_destroy(&ca);
    if (bad)
        return -1;
    if (pthread_mutex_init(&srv->wd_lock, NULL) != 0) {
        pthread_cond_destroy(&srv->wd_wake);
        return -1;
    }
    if (pthread_create(&srv->watchdog, NULL, watchdog_main, srv) != 0) {
        pthread_mutex_destroy(&srv->wd_lock);
        pthread_cond_destroy(&srv->wd_wake);
        return -1;
    }
    srv->wd_running = 1;
    return 0;
}

static void watchdog_stop(clasm_server *srv)
{
    if (!srv->wd_running)
        return;
    pthread_mutex_lock(&srv->wd_lock);
    srv->wd_stop = 1;
    pthread_cond_signal(&srv->wd_wake);
    pthread_mutex_unlock(&srv->wd_lock);
    pthread_join(srv->watchdog, NULL);
    pthread_mutex_destroy(&srv->wd_lock);
    pthread_cond_destroy(&srv->wd_wake);
    srv->wd_running = 0;
}

/* ---- start and stop ---- */

/* The folder `levels` up from path, with its final '/' ("/a/b/c", 1 ->
 * "/a/b/"); NULL when there is none or it is just "/". */
static char *parent_folder(const char *path, int levels)
{
    if (!path)
        return NULL;
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    for (int i = 0; i < levels; i++) {
        while (n > 0 && path[n - 1] != '/')
            n--;
        if (n <= 1)
            return NULL;
        if (i + 1 < levels)
            n--; /* past this '/', to the next one up */
    }
    return strndup(path, n);
}

static void server_free(clasm_server *srv)
{
    if (!srv)
        return;
    free(srv->risks);
    for (size_t i = 0; i < sizeof srv->strip / sizeof srv->strip[0]; i++)
        free(srv->strip[i]);
    guard_free(srv->guard);
    free(srv);
}

clasm_status server_start(const server_options *opt, clasm_server **out, clasm_diags *diags)
{
    *out = NULL;
    if (!opt->lib) {
        add_error(diags, "serve-start", "the server needs a clause library");
        return CLASM_E_USAGE;
    }
    clasm_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return CLASM_E_IO;
    srv->opt = *opt;
    if (!srv->opt.bind)
        srv->opt.bind = "127.0.0.1";
    if (!srv->opt.deal_limit)
        srv->opt.deal_limit = DEFAULT_DEAL_LIMIT;
    if (!srv->opt.upload_limit)
        srv->opt.upload_limit = DEFAULT_UPLOAD_LIMIT;
    if (!srv->opt.max_connections)
        srv->opt.max_connections = DEFAULT_MAX_CONNECTIONS;
    if (!srv->opt.timeout_seconds)
        srv->opt.timeout_seconds = DEFAULT_TIMEOUT;
    if (!srv->opt.max_per_address)
        srv->opt.max_per_address = DEFAULT_PER_ADDRESS;
    if (!srv->opt.request_seconds)
        srv->opt.request_seconds = DEFAULT_REQUEST_SECONDS;
    if (!srv->opt.grace_ms)
        srv->opt.grace_ms = DEFAULT_GRACE_MS;
    if (opt->port > 65535) {
        add_error(diags, "serve-start", "port %u is not a TCP port (0 to 65535)", opt->port);
        server_free(srv);
        return CLASM_E_USAGE;
    }

    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    struct sockaddr *addr;
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, srv->opt.bind, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)opt->port);
        addr = (struct sockaddr *)&a4;
        srv->loopback = (ntohl(a4.sin_addr.s_addr) >> 24) == 127;
        srv->wildcard = a4.sin_addr.s_addr == htonl(INADDR_ANY);
        inet_ntop(AF_INET, &a4.sin_addr, srv->bound_host, sizeof srv->bound_host);
    } else if (inet_pton(AF_INET6, srv->opt.bind, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)opt->port);
        addr = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
        srv->loopback = IN6_IS_ADDR_LOOPBACK(&a6.sin6_addr);
        srv->wildcard = IN6_IS_ADDR_UNSPECIFIED(&a6.sin6_addr);
        char a[INET6_ADDRSTRLEN];
        if (inet_ntop(AF_INET6, &a6.sin6_addr, a, sizeof a))
            snprintf(srv->bound_host, sizeof srv->bound_host, "[%s]", a);
    } else {
        add_error(diags, "serve-start", "--bind %.100s is not an IPv4 or IPv6 address",
                  srv->opt.bind);
        server_free(srv);
        return CLASM_E_USAGE;
    }

    srv->strip[0] = parent_folder(clasm_library_dir(opt->lib), 1);
    for (int d = 0; d < CLASM_DOC_COUNT; d++)
        srv->strip[1 + d] = parent_folder(clasm_template_path(opt->tpl[d]), 2);

    srv->risks = clasm_catalogue_json(opt->lib, opt->tpl);
    if (!srv->risks) {
        server_free(srv);
        return CLASM_E_IO;
    }
    srv->risks_len = strlen(srv->risks);

    guard_options g = {srv->opt.max_connections, RESERVE_CONNECTIONS,
                       (double)srv->opt.request_seconds, (double)srv->opt.grace_ms / 1000.0};
    srv->guard = guard_new(&g);
    if (!srv->guard) {
        server_free(srv);
        return CLASM_E_IO;
    }
    errno = 0;
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)opt->port, NULL, NULL, handle, srv, MHD_OPTION_EXTERNAL_LOGGER, log_mhd,
        srv, MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_CONNECTION_LIMIT, guard_capacity(srv->guard),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)srv->opt.max_per_address,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv->opt.timeout_seconds,
        MHD_OPTION_NOTIFY_COMPLETED, completed, srv, MHD_OPTION_NOTIFY_CONNECTION, connection_event,
        srv, MHD_OPTION_END);
    if (!srv->daemon) {
        int err = errno;
        add_error(diags, "serve-start", "cannot listen on %s port %u%s%s", srv->opt.bind, opt->port,
                  err ? ": " : "", err ? strerror(err) : "");
        server_free(srv);
        return CLASM_E_IO;
    }
    if (watchdog_start(srv) != 0) {
        add_error(diags, "serve-start", "cannot start the thread that times requests out");
        MHD_stop_daemon(srv->daemon);
        server_free(srv);
        return CLASM_E_IO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : opt->port;
    *out = srv;
    return CLASM_OK;
}

unsigned server_port(const clasm_server *srv)
{
    return srv->port;
}

int server_loopback(const clasm_server *srv)
{
    return srv->loopback;
}

void server_stop(clasm_server *srv)
{
    if (!srv)
        return;
    /* The daemon first: it closes every connection (each "closed" frees its
     * slot); the watchdog may shut one meanwhile, safely, under the guard's
     * lock. */
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    watchdog_stop(srv);
    server_free(srv);
}
