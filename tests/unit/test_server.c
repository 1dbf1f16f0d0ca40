/* The HTTP server of clasm serve (server.c) over plain loopback sockets, on
 * an ephemeral port, with the fixture library tests/fixtures/libraries/basic
 * and a built contract template: every route, every error status with its
 * id, limits, the Host check, start failures and the temp folder's life. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "clasm.h"
#include "diag.h"
#include "docx_fixture.h"
#include "server.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/libraries"
#endif

#define DOCX_TYPE_TEXT "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define P(text) "<w:p><w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r></w:p>"

static const unsigned char page[] = "<!doctype html><title>t</title>";
static const server_asset assets[] = {
    {"/", "text/html; charset=utf-8", page, sizeof page - 1},
};

typedef struct {
    char dir[64]; /* scratch: template file and the server's temp parent */
    char tpl_path[96];
    clasm_library *lib;
    clasm_template *tpl;
    clasm_server *srv;
    unsigned port;
} fixture;

/* The deal of the tests, with line 6 the customer kind. */
static const char deal_ok[] = "{\n"
                              "  \"id\": \"T-7\",\n"
                              "  \"documents\": [\"contract\"],\n"
                              "  \"date\": \"2026-11-27\",\n"
                              "  \"seller\": {\"name\": \"Seller Inc\"},\n"
                              "  \"customer\": {\"name\": \"Agency\", \"country\": \"AE\", "
                              "\"kind\": \"security-service\"},\n"
                              "  \"product\": {\"name\": \"Eye\"},\n"
                              "  \"deployment\": \"on-premises\",\n"
                              "  \"license\": \"perpetual\",\n"
                              "  \"end_use\": \"known\",\n"
                              "  \"risks\": [\"product.biometric\"],\n"
                              "  \"terms\": {\"cure_period_days\": \"30\", \"fees\": \"10\"}\n"
                              "}\n";

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/clasm-test-server-XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    snprintf(f->tpl_path, sizeof f->tpl_path, "%s/contract.docx", f->dir);
    size_t len;
    unsigned char *docx = fx_docx(
        P("Agreement with {{ customer.name }} for fees of {{ terms.fees }}.") P("{{ clauses }}"),
        &len);
    if (!docx || fx_write_file(f->tpl_path, docx, len) != 0)
        return -1;
    free(docx);
    clasm_diags d;
    clasm_diags_init(&d);
    if (clasm_library_load(FIXTURES "/basic", &f->lib, &d) != CLASM_OK ||
        clasm_template_open(f->tpl_path, &f->tpl, &d) != CLASM_OK) {
        clasm_diags_print(stderr, &d);
        clasm_diags_free(&d);
        return -1;
    }
    server_options o;
    memset(&o, 0, sizeof o);
    o.lib = f->lib;
    o.tpl[CLASM_DOC_CONTRACT] = f->tpl;
    o.assets = assets;
    o.nassets = 1;
    o.deal_limit = 4096;
    o.upload_limit = 1 << 20;
    if (server_start(&o, &f->srv, &d) != CLASM_OK) {
        clasm_diags_print(stderr, &d);
        clasm_diags_free(&d);
        return -1;
    }
    clasm_diags_free(&d);
    f->port = server_port(f->srv);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    server_stop(f->srv);
    clasm_template_free(f->tpl);
    clasm_library_free(f->lib);
    unlink(f->tpl_path);
    rmdir(f->dir);
    free(f);
    return 0;
}

typedef struct {
    int status;
    char *head; /* the header block */
    char *body;
    size_t len;
} response;

static void response_free(response *r)
{
    free(r->head);
    free(r->body);
}

/* One request on a fresh connection; the server closes it after answering. */
static response http(const fixture *f, const char *method, const char *path, const char *extra,
                     const void *body, size_t blen)
{
    response r = {0, NULL, NULL, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)f->port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n%s"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, f->port, extra ? extra : "", blen);
    assert_int_equal(send(fd, head, (size_t)n, MSG_NOSIGNAL), n);
    if (blen)
        (void)send(fd, body, blen, MSG_NOSIGNAL); /* may be refused early (413) */
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        assert_non_null(buf);
        ssize_t got = recv(fd, buf + len, cap - len - 1, 0);
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    buf[len] = '\0';
    char *sep = strstr(buf, "\r\n\r\n");
    assert_non_null(sep);
    assert_int_equal(sscanf(buf, "HTTP/1.1 %d", &r.status), 1);
    r.head = strndup(buf, (size_t)(sep - buf) + 2);
    r.len = len - (size_t)(sep + 4 - buf);
    r.body = malloc(r.len + 1);
    memcpy(r.body, sep + 4, r.len);
    r.body[r.len] = '\0';
    free(buf);
    return r;
}

static response post(const fixture *f, const char *path, const char *body)
{
    return http(f, "POST", path, NULL, body, strlen(body));
}

/* The first error of an error answer: its id, and the whole object. */
static json_t *first_error(const response *r)
{
    json_t *j = json_loads(r->body, 0, NULL);
    assert_non_null(j);
    json_t *e = json_array_get(json_object_get(j, "errors"), 0);
    assert_non_null(e);
    json_incref(e);
    json_decref(j);
    return e;
}

/* The headers every reply carries, whatever its status. */
static void assert_security_headers(const response *r)
{
    assert_non_null(strstr(r->head, "\r\nContent-Security-Policy: default-src 'self'"));
    assert_non_null(strstr(r->head, "\r\nX-Content-Type-Options: nosniff\r\n"));
    assert_non_null(strstr(r->head, "\r\nX-Frame-Options: DENY\r\n"));
    assert_non_null(strstr(r->head, "\r\nReferrer-Policy: no-referrer\r\n"));
}

static void assert_error(const response *r, int status, const char *id, const char *in_message)
{
    assert_int_equal(r->status, status);
    assert_security_headers(r);
    assert_non_null(strstr(r->head, "Content-Type: application/json"));
    json_t *e = first_error(r);
    assert_string_equal(json_string_value(json_object_get(e, "id")), id);
    assert_string_equal(json_string_value(json_object_get(e, "severity")), "error");
    assert_non_null(json_object_get(e, "line"));
    assert_non_null(json_object_get(e, "column"));
    if (in_message)
        assert_non_null(strstr(json_string_value(json_object_get(e, "message")), in_message));
    json_decref(e);
}

static void test_risks(void **state)
{
    fixture *f = *state;
    response r = http(f, "GET", "/api/risks", NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_security_headers(&r);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_array_size(json_object_get(j, "areas")), 4);
    json_t *risk = json_array_get(json_object_get(j, "risks"), 0);
    assert_string_equal(json_string_value(json_object_get(risk, "id")), "product.biometric");
    assert_string_equal(json_string_value(json_object_get(risk, "area")), "product");
    assert_int_equal(json_integer_value(json_object_get(risk, "weight")), 4);
    assert_int_equal(json_array_size(json_object_get(j, "tiers")), 4);
    json_t *terms = json_object_get(j, "terms");
    assert_int_equal(json_array_size(terms), 3);
    json_t *t0 = json_array_get(terms, 0), *t1 = json_array_get(terms, 1);
    json_t *t2 = json_array_get(terms, 2);
    assert_string_equal(json_string_value(json_object_get(t0, "key")), "cure_period_days");
    assert_null(json_object_get(t0, "template_only"));
    assert_string_equal(json_string_value(json_object_get(t0, "kind")), "text");
    assert_true(json_is_null(json_object_get(t0, "default")));
    /* A term with a kind and counsel's default: the page shows it. */
    assert_string_equal(json_string_value(json_object_get(t1, "key")), "notice_days");
    assert_string_equal(json_string_value(json_object_get(t1, "kind")), "days");
    assert_string_equal(json_string_value(json_object_get(t1, "default")), "10");
    /* The template's own term, found in the template file. */
    assert_string_equal(json_string_value(json_object_get(t2, "key")), "fees");
    assert_true(json_is_true(json_object_get(t2, "template_only")));
    assert_string_equal(json_string_value(json_object_get(t2, "kind")), "text");
    assert_string_equal(json_string_value(json_array_get(json_object_get(t2, "documents"), 0)),
                        "contract");
    /* The fixture library lists no capabilities. */
    assert_int_equal(json_array_size(json_object_get(j, "capabilities")), 0);
    json_decref(j);
    response_free(&r);
}

static void test_page_and_unknown_paths(void **state)
{
    fixture *f = *state;
    response r = http(f, "GET", "/", NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, (const char *)page);
    assert_security_headers(&r);
    response_free(&r);
    static const char *const missing[] = {"/nope", "/api/", "/../Makefile", "/index.html"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        r = http(f, "GET", missing[i], NULL, NULL, 0);
        assert_error(&r, 404, "not-found", "nothing at");
        response_free(&r);
    }
}

static void test_wrong_methods(void **state)
{
    fixture *f = *state;
    response r = http(f, "GET", "/api/select", NULL, NULL, 0);
    assert_error(&r, 405, "method-not-allowed", "GET is not allowed on /api/select; use POST");
    assert_non_null(strstr(r.head, "Allow: POST"));
    response_free(&r);
    r = post(f, "/api/risks", "{}");
    assert_error(&r, 405, "method-not-allowed", "use GET");
    assert_non_null(strstr(r.head, "Allow: GET"));
    response_free(&r);
    r = http(f, "PUT", "/", NULL, "x", 1);
    assert_error(&r, 405, "method-not-allowed", NULL);
    response_free(&r);
}

static void test_select(void **state)
{
    fixture *f = *state;
    response r = post(f, "/api/select", deal_ok);
    assert_int_equal(r.status, 200);
    assert_security_headers(&r);
    /* The same JSON the library gives for the same deal. */
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *deal = NULL;
    clasm_plan *plan = NULL;
    assert_int_equal(clasm_deal_load_string(deal_ok, strlen(deal_ok), "deal", &deal, &d), CLASM_OK);
    assert_int_equal(clasm_select(f->lib, deal, CLASM_DOC_CONTRACT, &plan, &d), CLASM_OK);
    char *want = clasm_plan_json(plan, NULL);
    assert_string_equal(r.body, want);
    free(want);
    clasm_plan_free(plan);
    clasm_deal_free(deal);
    clasm_diags_free(&d);
    response_free(&r);
}

/* A deal that lacks a value the template needs still gets its plan, with
 * the value in "missing" (key, description, used_by), not an error. */
static void test_select_missing(void **state)
{
    fixture *f = *state;
    char *nofees = strdup(deal_ok);
    char *t = strstr(nofees, ", \"fees\": \"10\"");
    memmove(t, t + 14, strlen(t + 14) + 1);
    response r = post(f, "/api/select", nofees);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    assert_true(json_array_size(json_object_get(j, "clauses")) > 0);
    json_t *m = json_object_get(j, "missing");
    assert_int_equal(json_array_size(m), 1);
    json_t *one = json_array_get(m, 0);
    assert_string_equal(json_string_value(json_object_get(one, "key")), "terms.fees");
    assert_true(json_is_null(json_object_get(one, "description")) ||
                json_is_string(json_object_get(one, "description")));
    json_t *used = json_object_get(one, "used_by");
    assert_int_equal(json_array_size(used), 1);
    assert_non_null(strstr(json_string_value(json_array_get(used, 0)), ".docx"));
    json_decref(j);
    response_free(&r);
    free(nofees);
}

static void test_wrong_deal(void **state)
{
    fixture *f = *state;
    char bad[sizeof deal_ok + 16];
    snprintf(bad, sizeof bad, "%s", deal_ok);
    char *k = strstr(bad, "security-service");
    memcpy(k, "secret-services!", 16);
    response r = post(f, "/api/select", bad);
    assert_int_equal(r.status, 400);
    json_t *e = first_error(&r);
    /* Exactly what the loader says for the same text. */
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_deal *deal = NULL;
    assert_int_equal(clasm_deal_load_string(bad, strlen(bad), "deal", &deal, &d), CLASM_E_INPUT);
    assert_string_equal(json_string_value(json_object_get(e, "id")), d.items[0].id);
    assert_string_equal(json_string_value(json_object_get(e, "message")), d.items[0].message);
    assert_int_equal(json_integer_value(json_object_get(e, "line")), 6);
    assert_int_equal(json_integer_value(json_object_get(e, "column")),
                     (int)(strstr(bad, "\"secret") - strstr(bad, "  \"customer")) + 1);
    /* The field's deal path, so that a form needs no line numbers. */
    assert_string_equal(json_string_value(json_object_get(e, "path")), "customer.kind");
    clasm_diags_free(&d);
    json_decref(e);
    response_free(&r);

    /* An unknown country (checked against the library) names its field too;
     * an error about no one field (a syntax error) has no path. */
    char *country = strdup(deal_ok);
    memcpy(strstr(country, "\"AE\""), "\"ae\"", 4);
    r = post(f, "/api/select", country);
    assert_error(&r, 400, "unknown-country", "'ae'");
    e = first_error(&r);
    assert_string_equal(json_string_value(json_object_get(e, "path")), "customer.country");
    json_decref(e);
    response_free(&r);
    free(country);
    r = post(f, "/api/select", "{\"id\": [}");
    assert_int_equal(r.status, 400);
    e = first_error(&r);
    assert_null(json_object_get(e, "path"));
    json_decref(e);
    response_free(&r);

    r = post(f, "/api/select", "");
    assert_error(&r, 400, "empty-body", "the request body is empty");
    response_free(&r);
    r = post(f, "/api/select?document=memo", deal_ok);
    assert_error(&r, 400, "unknown-document", "not 'memo'");
    response_free(&r);
}

/* A message naming a library file names it from the library's folder, not
 * where the server keeps it. */
static void test_relative_paths(void **state)
{
    fixture *f = *state;
    char *deal = strdup(deal_ok);
    char *r0 = strstr(deal, "product.biometric");
    memcpy(r0, "product.biometrix", 17);
    response r = post(f, "/api/select", deal);
    assert_error(&r, 400, "unknown-risk", "(basic/risks.yaml)");
    json_t *e = first_error(&r);
    const char *msg = json_string_value(json_object_get(e, "message"));
    assert_null(strstr(msg, FIXTURES));
    assert_null(strstr(msg, "libraries/"));
    json_decref(e);
    response_free(&r);
    free(deal);
}

static void test_too_large(void **state)
{
    fixture *f = *state;
    size_t n = 5000;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[n] = '\0';
    response r = post(f, "/api/select", big);
    assert_error(&r, 413, "body-too-large", "over the limit of 4096 bytes");
    response_free(&r);
    free(big);
}

/* The status of a GET of /api/risks with this Host header, sent by hand
 * (the helper above always sends the right one) to addr (IPv4, host order). */
static int status_at(uint32_t addr, unsigned port, const char *host)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    char req[256];
    int n = snprintf(req, sizeof req,
                     "GET /api/risks HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host);
    assert_int_equal(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
    char buf[8192];
    ssize_t got, len = 0;
    while (len < (ssize_t)sizeof buf - 1 &&
           (got = recv(fd, buf + len, sizeof buf - 1 - (size_t)len, 0)) > 0)
        len += got;
    close(fd);
    buf[len] = '\0';
    int status = 0;
    assert_int_equal(sscanf(buf, "HTTP/1.1 %d", &status), 1);
    if (status == 403)
        assert_non_null(strstr(buf, "\"host-not-allowed\""));
    return status;
}

static int status_with_host(unsigned port, const char *host)
{
    return status_at(INADDR_LOOPBACK, port, host);
}

static void test_foreign_host(void **state)
{
    fixture *f = *state;
    char h[64];
    assert_int_equal(status_with_host(f->port, "rebind.example"), 403);
    /* The whole name, then nothing or ':' and this server's port. */
    static const char *const bad[] = {
        "127.0.0.1:%u@evil.example", "localhost:x", "localhost:",      "localhost.evil.example",
        "127.0.0.1.evil.example:%u", "[::1]:%u0",   "localhost:%u:%u", "127.0.0.1:+%u"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(h, sizeof h, bad[i], f->port, f->port);
        if (status_with_host(f->port, h) != 403)
            fail_msg("Host: %s was served", h);
    }
    static const char *const good[] = {"127.0.0.1:%u", "localhost:%u", "[::1]:%u", "localhost",
                                       "LocalHost:%u"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        snprintf(h, sizeof h, good[i], f->port);
        if (status_with_host(f->port, h) != 200)
            fail_msg("Host: %s was refused", h);
    }
}

/* Bound to every address, the server is not loopback-only (clasm serve
 * warns), yet still answers only to loopback names and the address a
 * connection came in on: a foreign Host is refused, not let through. */
static void test_bind_all(void **state)
{
    fixture *f = *state;
    assert_int_equal(server_loopback(f->srv), 1);
    server_options o;
    memset(&o, 0, sizeof o);
    o.lib = f->lib;
    o.bind = "0.0.0.0";
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_server *srv = NULL;
    assert_int_equal(server_start(&o, &srv, &d), CLASM_OK);
    clasm_diags_free(&d);
    assert_int_equal(server_loopback(srv), 0);
    unsigned port = server_port(srv);
    char h[64];
    assert_int_equal(status_with_host(port, "rebind.example"), 403);
    snprintf(h, sizeof h, "rebind.example:%u", port);
    assert_int_equal(status_with_host(port, h), 403);
    snprintf(h, sizeof h, "127.0.0.1:%u@rebind.example", port);
    assert_int_equal(status_with_host(port, h), 403);
    snprintf(h, sizeof h, "localhost:%u", port);
    assert_int_equal(status_with_host(port, h), 200);
    /* Came in on 127.0.0.2: that address is this server's name too. */
    snprintf(h, sizeof h, "127.0.0.2:%u", port);
    assert_int_equal(status_at(0x7f000002, port, h), 200);
    snprintf(h, sizeof h, "127.0.0.3:%u", port);
    assert_int_equal(status_at(0x7f000002, port, h), 403);
    server_stop(srv);
}

/* A client that sends half a request and waits is closed after the idle
 * timeout (1 s here; 60 s in clasm serve), not held forever. */
static void test_idle_timeout(void **state)
{
    fixture *f = *state;
    server_options o;
    memset(&o, 0, sizeof o);
    o.lib = f->lib;
    o.timeout_seconds = 1;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_server *srv = NULL;
    assert_int_equal(server_start(&o, &srv, &d), CLASM_OK);
    clasm_diags_free(&d);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)server_port(srv));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    const char half[] =
        "POST /api/select HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{";
    assert_int_equal(send(fd, half, sizeof half - 1, MSG_NOSIGNAL), (ssize_t)(sizeof half - 1));
    struct timeval tv = {10, 0}; /* a bound on the test, well over the timeout */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char buf[512];
    ssize_t got = recv(fd, buf, sizeof buf, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    close(fd);
    server_stop(srv); /* before any check, so a failure leaves no server behind */
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(got <= 0); /* closed (or reset), no answer */
    if (secs < 0.5 || secs > 5)
        fail_msg("closed after %.2f s, the timeout is 1 s", secs);
}

/* ---- slow clients (server_guard.h) ---- */

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A server like the fixture's, with the connection options of o. */
static clasm_server *start_with(const fixture *f, server_options *o)
{
    o->lib = f->lib;
    /* The template too: the deal's terms.fees is the template's own key. */
    if (!o->tpl[CLASM_DOC_CONTRACT])
        o->tpl[CLASM_DOC_CONTRACT] = f->tpl;
    o->assets = assets;
    o->nassets = 1;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_server *srv = NULL;
    assert_int_equal(server_start(o, &srv, &d), CLASM_OK);
    clasm_diags_free(&d);
    return srv;
}

/* A connection to the server from source address src (IPv4, host order:
 * any 127.x.y.z is this machine). */
static int connect_from(uint32_t src, unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(src);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    struct timeval tv = {10, 0}; /* a bound on every test, well over its timings */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void send_text(int fd, const char *s)
{
    assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* Half a request: the headers never end. */
static const char half_request[] = "GET /api/risks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

/* Everything the server sends until it closes fd (NUL-terminated; "" when
 * it closes without a word); *secs: how long that took. */
static char *read_to_close(int fd, double *secs)
{
    double t0 = mono();
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    ssize_t got;
    while ((got = recv(fd, buf + len, cap - len - 1, 0)) > 0) {
        len += (size_t)got;
        if (len + 1 >= cap) {
            buf = realloc(buf, cap *= 2);
            assert_non_null(buf);
        }
    }
    buf[len] = '\0';
    if (secs)
        *secs = mono() - t0;
    return buf;
}

/* The status of the answer to GET /api/risks from src on a new connection
 * (0: closed without an answer); the whole answer in *answer if asked. */
static int get_from(uint32_t src, unsigned port, char **answer)
{
    int fd = connect_from(src, port);
    char req[128];
    snprintf(req, sizeof req,
             "GET /api/risks HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n", port);
    int status = 0;
    if (send(fd, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req)) {
        char *buf = read_to_close(fd, NULL);
        if (sscanf(buf, "HTTP/1.1 %d", &status) != 1)
            status = 0;
        if (answer)
            *answer = buf;
        else
            free(buf);
    } else if (answer) {
        *answer = strdup("");
    }
    close(fd);
    return status;
}

/* The status of GET /api/risks from src once it is want, tried for up to
 * 5 s: the server frees a slot once it has seen a client's close. */
static int get_until(uint32_t src, unsigned port, int want)
{
    int status = 0;
    for (int i = 0; i < 50 && (status = get_from(src, port, NULL)) != want; i++)
        usleep(100000);
    return status;
}

/* One answer with a Content-Length on a kept-alive connection: its status
 * (0: closed first). */
static int read_answer(int fd)
{
    char buf[65536];
    buf[0] = '\0';
    size_t len = 0;
    char *end = NULL;
    while (!(end = strstr(buf, "\r\n\r\n"))) {
        ssize_t got = len + 1 < sizeof buf ? recv(fd, buf + len, sizeof buf - 1 - len, 0) : -1;
        if (got <= 0)
            return 0;
        len += (size_t)got;
        buf[len] = '\0';
    }
    int status = 0;
    size_t body = 0;
    const char *cl = strstr(buf, "Content-Length: ");
    if (sscanf(buf, "HTTP/1.1 %d", &status) != 1 || !cl || sscanf(cl + 16, "%zu", &body) != 1)
        return 0;
    size_t have = len - (size_t)(end + 4 - buf);
    while (have < body) {
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        if (got <= 0)
            return 0;
        have += (size_t)got;
    }
    return status;
}

/* 1 when the server closed fd within secs, without sending anything. */
static int closed_within(int fd, double secs)
{
    struct timeval tv = {(time_t)secs, (suseconds_t)((secs - (double)(time_t)secs) * 1e6)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char c;
    ssize_t got = recv(fd, &c, 1, 0);
    return got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* Every connection taken by requests younger than the grace: a new one is
 * answered 503 server-busy at once, with Retry-After, closed after, and
 * with the security headers; once a slot frees, requests are served again. */
static void test_busy_503(void **state)
{
    fixture *f = *state;
    server_options o;
    memset(&o, 0, sizeof o);
    o.max_connections = 2;
    o.grace_ms = 60000; /* nothing is old enough to be dropped */
    clasm_server *srv = start_with(f, &o);
    unsigned port = server_port(srv);
    int a = connect_from(INADDR_LOOPBACK, port), b = connect_from(INADDR_LOOPBACK, port);
    send_text(a, half_request);
    send_text(b, half_request);
    usleep(100000); /* both accepted */
    double t0 = mono();
    char *answer = NULL;
    int status = get_from(INADDR_LOOPBACK, port, &answer);
    double secs = mono() - t0;
    response r = {status, NULL, NULL, 0};
    char *sep = strstr(answer, "\r\n\r\n");
    assert_non_null(sep);
    r.head = strndup(answer, (size_t)(sep - answer) + 2);
    r.body = strdup(sep + 4);
    assert_error(&r, 503, "server-busy", "all of its 2 connections are taken");
    assert_non_null(strstr(r.head, "\r\nRetry-After: 5\r\n"));
    assert_non_null(strstr(r.head, "\r\nConnection: close\r\n"));
    if (secs > 3)
        fail_msg("the 503 took %.2f s", secs);
    response_free(&r);
    free(answer);
    /* The half requests are untouched, and a freed slot serves again. */
    assert_false(closed_within(a, 0.2));
    close(a);
    assert_int_equal(get_until(INADDR_LOOPBACK, port, 200), 200);
    close(b);
    server_stop(srv);
}

/* Every connection taken, the oldest request older than the grace: it is
 * closed to serve the new connection; the younger one stays. */
static void test_slow_request_replaced(void **state)
{
    fixture *f = *state;
    server_options o;
    memset(&o, 0, sizeof o);
    o.max_connections = 2;
    o.grace_ms = 300;
    clasm_server *srv = start_with(f, &o);
    unsigned port = server_port(srv);
    int old = connect_from(INADDR_LOOPBACK, port);
    send_text(old, half_request);
    usleep(100000);
    int young = connect_from(INADDR_LOOPBACK, port);
    send_text(young, half_request);
    usleep(300000); /* old: 0.4 s, past the grace; young: 0.3 s, just at it */
    assert_int_equal(get_from(INADDR_LOOPBACK, port, NULL), 200);
    assert_true(closed_within(old, 2));
    assert_false(closed_within(young, 0.1));
    close(old);
    close(young);
    server_stop(srv);
}

/* A request must arrive whole within the deadline (1 s here), however
 * steadily its bytes come (each resets libmicrohttpd's idle timeout), in
 * the headers or in the body; on a kept-alive connection the deadline
 * starts again after each answer. */
static void test_request_deadline(void **state)
{
    fixture *f = *state;
    server_options o;
    memset(&o, 0, sizeof o);
    o.request_seconds = 1;
    clasm_server *srv = start_with(f, &o);
    unsigned port = server_port(srv);

    int heads = connect_from(INADDR_LOOPBACK, port);
    int body = connect_from(INADDR_LOOPBACK, port);
    double t0 = mono();
    send_text(heads, half_request);
    send_text(body, "POST /api/select HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{");
    double closed[2] = {0, 0};
    int fds[2] = {heads, body};
    while (mono() - t0 < 6 && (!closed[0] || !closed[1])) {
        usleep(100000);
        for (int i = 0; i < 2; i++) {
            if (closed[i])
                continue;
            if (send(fds[i], " ", 1, MSG_NOSIGNAL) != 1 || closed_within(fds[i], 0.001))
                closed[i] = mono() - t0;
        }
    }
    for (int i = 0; i < 2; i++) {
        close(fds[i]);
        if (closed[i] < 0.8 || closed[i] > 3)
            fail_msg("trickler %d closed after %.2f s; the deadline is 1 s", i, closed[i]);
    }

    /* Kept alive (libmicrohttpd keeps a connection open after an answer
     * given once the body is read, as for a POST): answers at 0, 0.7 and
     * 1.4 s, past 1 s from the accept, then idle: closed about 1 s after
     * the last answer. */
    int k = connect_from(INADDR_LOOPBACK, port);
    char req[256];
    snprintf(req, sizeof req,
             "POST /api/select HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
             "Content-Length: %zu\r\n\r\n",
             port, strlen(deal_ok));
    for (int i = 0; i < 3; i++) {
        if (i)
            usleep(700000);
        send_text(k, req);
        send_text(k, deal_ok);
        if (read_answer(k) != 200)
            fail_msg("request %d on the kept-alive connection: no 200", i + 1);
    }
    double secs = 0;
    char *rest = read_to_close(k, &secs);
    assert_string_equal(rest, "");
    free(rest);
    close(k);
    server_stop(srv);
    if (secs < 0.7 || secs > 3)
        fail_msg("the idle kept-alive connection closed %.2f s after its last answer", secs);
}

/* A third connection from one address is refused at once (limit 2 here),
 * unanswered; other addresses are served. */
static void test_per_address(void **state)
{
    fixture *f = *state;
    server_options o;
    memset(&o, 0, sizeof o);
    o.max_per_address = 2;
    clasm_server *srv = start_with(f, &o);
    unsigned port = server_port(srv);
    int a = connect_from(0x7f000002, port), b = connect_from(0x7f000002, port);
    send_text(a, half_request);
    send_text(b, half_request);
    usleep(100000);
    double t0 = mono();
    assert_int_equal(get_from(0x7f000002, port, NULL), 0);
    if (mono() - t0 > 3)
        fail_msg("the refusal took %.2f s", mono() - t0);
    assert_int_equal(get_from(0x7f000003, port, NULL), 200);
    assert_int_equal(get_from(INADDR_LOOPBACK, port, NULL), 200);
    close(a);
    assert_int_equal(get_until(0x7f000002, port, 200), 200); /* one fewer: room again */
    close(b);
    server_stop(srv);
}

/* The HTTP status of a failure: 400 only for wrong input that says why;
 * out of memory and I/O are the server's (500); a failure without an error
 * gets an internal-error, never an empty list. */
static void test_failure_status(void **state)
{
    (void)state;
    clasm_diags d;
    clasm_diags_init(&d);
    diag_at(&d, CLASM_SEV_ERROR, "unknown-risk", "deal", 3, 4, "no such risk");
    assert_int_equal(server_failure_status(CLASM_E_INPUT, &d), 400);
    assert_int_equal(d.count, 1);
    assert_int_equal(server_failure_status(CLASM_E_IO, &d), 500);
    assert_int_equal(server_failure_status(CLASM_E_USAGE, &d), 500);
    assert_int_equal(d.count, 1);
    clasm_diags_free(&d);

    /* out-of-memory is the server's, whatever the status says */
    clasm_diags_init(&d);
    diag_at(&d, CLASM_SEV_ERROR, "out-of-memory", NULL, 0, 0, "out of memory");
    assert_int_equal(server_failure_status(CLASM_E_INPUT, &d), 500);
    assert_int_equal(server_failure_status(CLASM_E_IO, &d), 500);
    assert_int_equal(d.count, 1);
    clasm_diags_free(&d);

    /* nothing, or only warnings: internal-error added, 500 */
    static const clasm_status statuses[] = {CLASM_E_INPUT, CLASM_E_IO, CLASM_OK};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        clasm_diags_init(&d);
        if (i == 1)
            diag_at(&d, CLASM_SEV_WARNING, "uncovered-risk", NULL, 0, 0, "a warning");
        assert_int_equal(server_failure_status(statuses[i], &d), 500);
        assert_int_equal(d.count, i == 1 ? 2u : 1u);
        const clasm_diag *g = &d.items[d.count - 1];
        assert_string_equal(g->id, "internal-error");
        assert_int_equal(g->severity, CLASM_SEV_ERROR);
        assert_non_null(strstr(g->message, "without saying why"));
        clasm_diags_free(&d);
    }
}

static void test_foreign_origin(void **state)
{
    fixture *f = *state;
    response r =
        http(f, "POST", "/api/select", "Origin: http://evil.example\r\n", deal_ok, strlen(deal_ok));
    assert_error(&r, 403, "origin-not-allowed", "another site");
    response_free(&r);
    char same[64];
    snprintf(same, sizeof same, "Origin: http://127.0.0.1:%u\r\n", f->port);
    r = http(f, "POST", "/api/select", same, deal_ok, strlen(deal_ok));
    assert_int_equal(r.status, 200);
    response_free(&r);
}

/* Files in the scratch folder besides the template: drafts are assembled in
 * memory, so the server writes nothing, anywhere. */
static int temp_files(const fixture *f)
{
    DIR *dp = opendir(f->dir);
    assert_non_null(dp);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(dp)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
             strcmp(e->d_name, "contract.docx") != 0;
    closedir(dp);
    return n;
}

static void test_assemble_and_inspect(void **state)
{
    fixture *f = *state;
    response r = post(f, "/api/assemble", deal_ok);
    assert_int_equal(r.status, 200);
    assert_security_headers(&r);
    assert_non_null(
        strstr(r.head, "Content-Disposition: attachment; filename=\"T-7-contract.docx\""));
    assert_non_null(strstr(r.head, "wordprocessingml.document"));
    assert_true(r.len > 100 && memcmp(r.body, "PK", 2) == 0);
    char *xml = fx_zip_entry((unsigned char *)r.body, r.len, "word/document.xml", NULL);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "Agreement with Agency for fees of 10."));
    assert_non_null(strstr(xml, "clasm:definitions.core@"));
    free(xml);
    assert_int_equal(temp_files(f), 0);

    /* The draft read back: every clause unchanged. */
    response i = http(f, "POST", "/api/inspect", NULL, r.body, r.len);
    assert_int_equal(i.status, 200);
    json_t *j = json_loads(i.body, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "deal")), "T-7");
    json_t *c;
    size_t k;
    json_array_foreach(json_object_get(j, "clauses"), k, c)
        assert_string_equal(json_string_value(json_object_get(c, "status")), "unchanged");
    assert_true(k > 0);
    json_decref(j);
    response_free(&i);
    response_free(&r);

    i = post(f, "/api/inspect", "not a zip");
    assert_int_equal(i.status, 400);
    response_free(&i);
    i = post(f, "/api/inspect", "");
    assert_error(&i, 400, "empty-body", "DOCX");
    response_free(&i);
}

/* A server with a restricted-party list on which the deal's customer
 * ("Agency") is listed: a draft is refused until the hit is decided, or
 * with ?allow_unscreened=1, and then records the screening; a plan
 * suggests the restricted-party risk... when the library has it (the
 * fixture's has not: the plan is as before). */
static void test_screening(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/csl.csv", f->dir);
    const char *csv = "_id,source,entity_number,type,programs,name,title,addresses,alt_names\n"
                      "77,Entity List (EL) - Bureau of Industry and Security,,Entity,EAR,"
                      "Agency LLC,,\"1 Road, Town, AE\",\n"
                      "78,Entity List (EL) - Bureau of Industry and Security,,Entity,EAR,"
                      "Harbor Freight Unrelated,,,\n";
    assert_int_equal(fx_write_file(path, (const unsigned char *)csv, strlen(csv)), 0);
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_screen_list *list = NULL;
    assert_int_equal(clasm_screen_list_load(f->lib, path, &list, &d), CLASM_OK);
    server_options o;
    memset(&o, 0, sizeof o);
    const clasm_screen_list *lists[] = {list};
    o.lists = lists;
    o.nlists = 1;
    fixture g = *f;
    clasm_server *srv = start_with(f, &o);
    g.port = server_port(srv);

    response r = post(&g, "/api/assemble", deal_ok);
    assert_error(&r, 400, "unscreened-hit",
                 "the customer, Agency, matches 'Agency LLC' on csl.csv");
    response_free(&r);
    r = post(&g, "/api/assemble?allow_unscreened=1", deal_ok);
    assert_int_equal(r.status, 200);
    char *man = fx_zip_entry((unsigned char *)r.body, r.len, "customXml/item1.xml", NULL);
    assert_non_null(man);
    assert_non_null(strstr(man, "<clasm:list name=\"csl.csv\""));
    assert_non_null(strstr(man, "entry=\"Agency LLC\" id=\"77\" score=\"1.000\" "
                                "decision=\"undecided\"/>"));
    free(man);
    response_free(&r);
    /* Decided: drafted without asking. */
    char decided[2048];
    snprintf(decided, sizeof decided,
             "%.*s,\n  \"screening\": [{\"party\": \"customer\", "
             "\"entry\": \"77\", \"decision\": \"cleared\", "
             "\"reason\": \"another company\", \"by\": \"M. Ilves\", "
             "\"date\": \"2026-12-01\"}]\n}\n",
             (int)(strrchr(deal_ok, '}') - deal_ok - 1), deal_ok);
    r = post(&g, "/api/assemble", decided);
    assert_int_equal(r.status, 200);
    response_free(&r);
    server_stop(srv);
    clasm_screen_list_free(list);
    clasm_diags_free(&d);
    unlink(path);
}

static void test_assemble_errors(void **state)
{
    fixture *f = *state;
    /* A missing template value: 400, nothing left behind. */
    char *nofees = strdup(deal_ok);
    char *t = strstr(nofees, ", \"fees\": \"10\"");
    memmove(t, t + 14, strlen(t + 14) + 1);
    response r = post(f, "/api/assemble", nofees);
    assert_error(&r, 400, "missing-value",
                 "fills in {{ terms.fees }}, which this deal does not give");
    json_t *e = first_error(&r);
    assert_string_equal(json_string_value(json_object_get(e, "path")), "terms.fees");
    json_decref(e);
    assert_int_equal(temp_files(f), 0);
    response_free(&r);
    free(nofees);
    /* No template for the EULA on this server. */
    r = post(f, "/api/assemble?document=eula", deal_ok);
    assert_error(&r, 500, "no-template", "no eula template");
    response_free(&r);
    /* A pack needs ?document=. */
    char *pack = strdup(deal_ok);
    char *d = strstr(pack, "[\"contract\"]");
    char *grown = malloc(strlen(pack) + 16);
    snprintf(grown, strlen(pack) + 16, "%.*s[\"contract\", \"eula\"]%s", (int)(d - pack), pack,
             d + 12);
    r = post(f, "/api/assemble", grown);
    assert_error(&r, 400, "document-required",
                 "the deal names 2 documents (contract, eula); pick one with ?document=");
    response_free(&r);
    free(grown);
    free(pack);
}

/* bytes (a zip) with its entry name's text replaced by text: the
 * package rebuilt in memory, every other entry as it was. malloc'd. */
static unsigned char *with_entry(const void *bytes, size_t len, const char *name, const char *text,
                                 size_t *out_len)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
    assert_non_null(src);
    zip_source_keep(src);
    /* libzip edits a source in place: start from a copy of the bytes. */
    assert_int_equal(zip_source_begin_write(src), 0);
    assert_int_equal(zip_source_write(src, bytes, len), (zip_int64_t)len);
    assert_int_equal(zip_source_commit_write(src), 0);
    zip_t *za = zip_open_from_source(src, 0, &err);
    assert_non_null(za);
    zip_source_t *part = zip_source_buffer(za, text, strlen(text), 0);
    assert_non_null(part);
    zip_int64_t idx = zip_name_locate(za, name, 0);
    assert_true(idx >= 0);
    assert_int_equal(zip_file_replace(za, (zip_uint64_t)idx, part, 0), 0);
    assert_int_equal(zip_close(za), 0);
    zip_stat_t st;
    zip_stat_init(&st);
    assert_int_equal(zip_source_stat(src, &st), 0);
    assert_int_equal(zip_source_open(src), 0);
    unsigned char *out = malloc(st.size);
    assert_non_null(out);
    assert_int_equal(zip_source_read(src, out, st.size), (zip_int64_t)st.size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&err);
    *out_len = st.size;
    return out;
}

/* A draft of the tests' deal whose purpose clause the other side edited
 * ("solely" became "mainly"): a deviation. malloc'd, in *len. */
static unsigned char *negotiated_draft(const fixture *f, size_t *len)
{
    response r = post(f, "/api/assemble", deal_ok);
    assert_int_equal(r.status, 200);
    char *xml = fx_zip_entry((unsigned char *)r.body, r.len, "word/document.xml", NULL);
    assert_non_null(xml);
    char *at = strstr(xml, "solely for the authorized purpose");
    assert_non_null(at);
    memcpy(at, "mainly", 6); /* as long as "solely" */
    unsigned char *docx = with_entry(r.body, r.len, "word/document.xml", xml, len);
    free(xml);
    response_free(&r);
    return docx;
}

/* POST /api/redline: the negotiated draft back with the edit undone as
 * tracked changes signed by ?author=, commented for our counsel or, with
 * ?comments=outgoing, for the other side; ?to=, ?author= and ?comments=
 * checked first; the body read and refused like /api/inspect's. */
static void test_redline(void **state)
{
    fixture *f = *state;
    size_t len;
    unsigned char *draft = negotiated_draft(f, &len);

    /* What the page shows first: the clause deviates. */
    response r = http(f, "POST", "/api/inspect", NULL, draft, len);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    json_t *c, *edited = NULL;
    size_t k;
    json_array_foreach(json_object_get(j, "clauses"), k, c)
    {
        const char *id = json_string_value(json_object_get(c, "id"));
        if (id && strcmp(id, "end-use.basic-purpose") == 0)
            edited = c;
    }
    assert_non_null(edited);
    const char *status = json_string_value(json_object_get(edited, "status"));
    const char *position = json_string_value(json_object_get(edited, "position"));
    assert_non_null(status);
    assert_string_equal(status, "modified");
    assert_non_null(position);
    assert_string_equal(position, "deviation");
    assert_true(json_is_string(json_object_get(j, "summary_text")));
    json_decref(j);
    response_free(&r);

    r = http(f, "POST", "/api/redline?author=Counsel+Bot", NULL, draft, len);
    assert_int_equal(r.status, 200);
    assert_security_headers(&r);
    assert_non_null(strstr(r.head, "\r\nContent-Type: " DOCX_TYPE_TEXT "\r\n"));
    assert_non_null(
        strstr(r.head, "\r\nContent-Disposition: attachment; filename=\"redline.docx\"\r\n"));
    assert_non_null(strstr(r.head, "\r\nCache-Control: no-store\r\n"));
    assert_true(r.len > 100 && memcmp(r.body, "PK", 2) == 0);
    char *xml = fx_zip_entry((unsigned char *)r.body, r.len, "word/document.xml", NULL);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<w:del "));
    assert_non_null(strstr(xml, "<w:ins "));
    assert_non_null(strstr(xml, "w:author=\"Counsel Bot\""));
    free(xml);
    assert_int_equal(temp_files(f), 0);
    response_free(&r);
    r = http(f, "POST", "/api/redline?to=standard", NULL, draft, len);
    assert_int_equal(r.status, 200);
    xml = fx_zip_entry((unsigned char *)r.body, r.len, "word/document.xml", NULL);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "w:author=\"clasm\""));
    free(xml);
    response_free(&r);
    r = http(f, "POST", "/api/redline?to=fallback:1", NULL, draft, len);
    assert_int_equal(r.status, 200);
    response_free(&r);

    /* ?comments=: for our counsel by default (the playbook), for the other
     * side with outgoing (why the clause is back, never the playbook). */
    static const char *const internal[] = {"/api/redline", "/api/redline?comments=internal"};
    for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++) {
        r = http(f, "POST", internal[i], NULL, draft, len);
        assert_int_equal(r.status, 200);
        xml = fx_zip_entry((unsigned char *)r.body, r.len, "word/comments.xml", NULL);
        assert_non_null(xml);
        assert_non_null(strstr(xml, "Playbook note for our side; delete before sending."));
        assert_null(strstr(xml, "We cannot accept this change"));
        free(xml);
        response_free(&r);
    }
    r = http(f, "POST", "/api/redline?comments=outgoing&author=Counsel+Bot", NULL, draft, len);
    assert_int_equal(r.status, 200);
    assert_true(r.len > 100 && memcmp(r.body, "PK", 2) == 0);
    xml = fx_zip_entry((unsigned char *)r.body, r.len, "word/comments.xml", NULL);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "We cannot accept this change"));
    assert_null(strstr(xml, "Playbook note"));
    assert_null(strstr(xml, "may agree"));
    free(xml);
    xml = fx_zip_entry((unsigned char *)r.body, r.len, "word/document.xml", NULL);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "w:author=\"Counsel Bot\""));
    free(xml);
    assert_int_equal(temp_files(f), 0);
    response_free(&r);
    static const char *const bad_comments[][2] = {
        {"bogus", "bogus"}, {"", ""}, {"Outgoing", "Outgoing"}, {"outgoing+", "outgoing "}};
    for (size_t i = 0; i < sizeof bad_comments / sizeof bad_comments[0]; i++) {
        char path[128], want[64];
        snprintf(path, sizeof path, "/api/redline?comments=%s", bad_comments[i][0]);
        snprintf(want, sizeof want, "not '%s'", bad_comments[i][1]);
        r = http(f, "POST", path, NULL, draft, len);
        assert_error(&r, 400, "invalid-comments", want);
        assert_error(&r, 400, "invalid-comments", "?comments= is internal");
        response_free(&r);
    }

    /* A position that is not one, a name the draft cannot carry: 400, named. */
    /* Each as sent, then as the message quotes it (decoded: '+' is a space). */
    static const char *const bad_to[][2] = {{"counsel", "counsel"},
                                            {"fallback", "fallback"},
                                            {"fallback:", "fallback:"},
                                            {"fallback:0", "fallback:0"},
                                            {"fallback:01", "fallback:01"},
                                            {"fallback:-1", "fallback:-1"},
                                            {"fallback:%2B1", "fallback:+1"},
                                            {"fallback:+1", "fallback: 1"},
                                            {"fallback:1000", "fallback:1000"},
                                            {"fallback:1x", "fallback:1x"},
                                            {"Fallback:1", "Fallback:1"},
                                            {"", ""}};
    for (size_t i = 0; i < sizeof bad_to / sizeof bad_to[0]; i++) {
        char path[128], want[64];
        snprintf(path, sizeof path, "/api/redline?to=%s", bad_to[i][0]);
        snprintf(want, sizeof want, "not '%s'", bad_to[i][1]);
        r = http(f, "POST", path, NULL, draft, len);
        assert_error(&r, 400, "invalid-position", want);
        assert_error(&r, 400, "invalid-position", "?to= is standard or fallback:N");
        response_free(&r);
    }
    static const char *const bad_author[] = {"", "a%01b", "%FF", "a%0Ab", "%C0%AF"};
    for (size_t i = 0; i < sizeof bad_author / sizeof bad_author[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/redline?author=%s", bad_author[i]);
        r = http(f, "POST", path, NULL, draft, len);
        assert_error(&r, 400, "invalid-author", "the author of the changes must be 1 to 200 bytes");
        response_free(&r);
    }
    char longname[300] = "/api/redline?author=";
    memset(longname + strlen(longname), 'a', 201);
    r = http(f, "POST", longname, NULL, draft, len);
    assert_error(&r, 400, "invalid-author", "1 to 200 bytes");
    response_free(&r);
    free(draft);

    /* The body as /api/inspect takes it. */
    r = post(f, "/api/redline", "not a zip");
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.head, "Content-Type: application/json"));
    response_free(&r);
    r = post(f, "/api/redline", "");
    assert_error(&r, 400, "empty-body", "DOCX");
    response_free(&r);
    r = http(f, "GET", "/api/redline", NULL, NULL, 0);
    assert_error(&r, 405, "method-not-allowed", "use POST");
    response_free(&r);
    /* Drafts may be larger than deals: the upload limit (1 MiB here). */
    size_t big = (1u << 20) + 1;
    char *huge = calloc(1, big);
    assert_non_null(huge);
    r = http(f, "POST", "/api/redline", NULL, huge, big);
    assert_error(&r, 413, "body-too-large", "1048576 bytes");
    response_free(&r);
    r = http(f, "POST", "/api/redline", NULL, huge, 8192); /* over a deal's, within a draft's */
    assert_int_equal(r.status, 400);
    response_free(&r);
    free(huge);
}

static void test_start_failures(void **state)
{
    fixture *f = *state;
    server_options o;
    memset(&o, 0, sizeof o);
    o.lib = f->lib;
    clasm_diags d;
    clasm_diags_init(&d);
    clasm_server *srv = NULL;
    o.bind = "not-an-address";
    assert_int_equal(server_start(&o, &srv, &d), CLASM_E_USAGE);
    assert_null(srv);
    assert_string_equal(d.items[0].id, "serve-start");
    assert_non_null(strstr(d.items[0].message, "--bind not-an-address"));
    clasm_diags_free(&d);
    clasm_diags_init(&d);
    o.bind = NULL;
    o.port = f->port; /* taken by the fixture's server */
    assert_int_equal(server_start(&o, &srv, &d), CLASM_E_IO);
    assert_null(srv);
    assert_string_equal(d.items[0].id, "serve-start");
    char want[64];
    snprintf(want, sizeof want, "cannot listen on 127.0.0.1 port %u", f->port);
    assert_non_null(strstr(d.items[0].message, want));
    clasm_diags_free(&d);
    /* Neither failed start left anything behind. */
    assert_int_equal(temp_files(f), 0);

    /* A second server on a free port starts and stops beside the first. */
    clasm_diags_init(&d);
    o.port = 0;
    assert_int_equal(server_start(&o, &srv, &d), CLASM_OK);
    assert_int_equal(d.count, 0);
    assert_true(server_port(srv) > 0 && server_port(srv) != f->port);
    server_stop(srv);
    assert_int_equal(temp_files(f), 0);
    clasm_diags_free(&d);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_risks),
        cmocka_unit_test(test_page_and_unknown_paths),
        cmocka_unit_test(test_wrong_methods),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_select_missing),
        cmocka_unit_test(test_wrong_deal),
        cmocka_unit_test(test_relative_paths),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_foreign_host),
        cmocka_unit_test(test_bind_all),
        cmocka_unit_test(test_idle_timeout),
        cmocka_unit_test(test_busy_503),
        cmocka_unit_test(test_slow_request_replaced),
        cmocka_unit_test(test_request_deadline),
        cmocka_unit_test(test_per_address),
        cmocka_unit_test(test_failure_status),
        cmocka_unit_test(test_foreign_origin),
        cmocka_unit_test(test_assemble_and_inspect),
        cmocka_unit_test(test_screening),
        cmocka_unit_test(test_assemble_errors),
        cmocka_unit_test(test_redline),
        cmocka_unit_test(test_start_failures),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, setup, teardown);
}
