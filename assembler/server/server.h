/* The questionnaire's HTTP server (clasm serve): a thin client of clasm.h
 * on libmicrohttpd. Routes:
 *   GET  /api/risks     the catalogue, categories, declared terms, documents
 *   POST /api/select    a deal as JSON -> the plan JSON of `clasm select`
 *   POST /api/assemble  a deal as JSON -> the DOCX (?document= for a pack)
 *   POST /api/inspect   a DOCX -> the inspect JSON
 *   POST /api/redline   a DOCX (?to=standard|fallback:N, ?author=NAME) -> the redline DOCX
 *   POST /api/memo      a deal as JSON -> the rationale memo DOCX (?document=)
 *   GET  /, /<asset>    the embedded page and its assets
 * Errors are {"errors":[{id, message, line, column, severity}]} with 400
 * (wrong deal or upload), 403 (a Host other than the loopback names or the
 * bound address, a foreign Origin), 404, 405, 413 (body over the limit), 500
 * (an internal failure, out of memory), 503 (every connection taken).
 * Connections are bounded as server_guard.h explains: a whole request within
 * a deadline, a limit per client address, 503 at once when full.
 * No request path reaches the filesystem: drafts are assembled in memory.
 * The server uses the library through clasm.h alone. */
#ifndef CLASM_SERVER_H
#define CLASM_SERVER_H

#include "clasm.h"

#include <stddef.h>

/* One file of the page, served at path ("/", "/app.js", ...). */
typedef struct {
    const char *path;
    const char *content_type;
    const unsigned char *data;
    size_t len;
} server_asset;

typedef struct {
    const char *bind;                           /* address; NULL means 127.0.0.1 */
    unsigned port;                              /* 0: the system picks a free one */
    const clasm_library *lib;                   /* shared, read-only */
    const clasm_template *tpl[CLASM_DOC_COUNT]; /* per document; NULL: cannot assemble it */
    const server_asset *assets;
    size_t nassets;
    size_t deal_limit;        /* bytes of a deal body; 0 means 1 MiB */
    size_t upload_limit;      /* bytes of an uploaded draft; 0 means 32 MiB */
    unsigned max_connections; /* served at once; 0 means 128 */
    unsigned max_per_address; /* connections from one client address; 0 means 64 */
    unsigned timeout_seconds; /* idle connection timeout; 0 means 60 */
    /* Seconds from a connection's accept (or the end of the previous answer
     * on it) until its request has arrived whole, headers and body; past it
     * the connection is closed without an answer. 0 means 30. */
    unsigned request_seconds;
    /* Milliseconds a request may take before it can be dropped for a new
     * connection when all are taken, and that a connection answered 503
     * has to send its request; 0 means 2000. */
    unsigned grace_ms;
    /* The rationale memo's template (POST /api/memo); NULL: that route
     * answers 500 no-template. Shared, read-only. */
    const clasm_memo_template *memo;
    /* Restricted-party lists every deal is screened against (shared,
     * read-only; nlists 0: none): /api/assemble refuses a deal with an
     * undecided hit (unscreened-hit) unless ?allow_unscreened=1; every plan
     * and draft records the screening. */
    const clasm_screen_list *const *lists;
    size_t nlists;
} server_options;

typedef struct clasm_server clasm_server;

/* Starts serving on its own threads. On failure (address in use, no
 * temporary folder) returns CLASM_E_IO with a diagnostic "serve-start". */
clasm_status server_start(const server_options *opt, clasm_server **out, clasm_diags *diags);
/* The port actually bound (useful with port 0). */
unsigned server_port(const clasm_server *srv);
/* 1 when bound to a loopback address (127.0.0.0/8, ::1): only this machine
 * can connect. Otherwise the API, which has no authentication, is open to
 * whoever can reach the address. */
int server_loopback(const clasm_server *srv);
/* Stops accepting and waits for running requests. */
void server_stop(clasm_server *srv);

/* The HTTP status of a request the library failed with status s and
 * diagnostics d: 500 for CLASM_E_IO, for an "out-of-memory" diagnostic and
 * for any other status but CLASM_E_INPUT; 400 for CLASM_E_INPUT. A failure
 * without an error diagnostic is the server's: 500, and an "internal-error"
 * is added to d, so that no answer says "wrong input" without saying why. */
unsigned server_failure_status(clasm_status s, clasm_diags *d);

#endif
