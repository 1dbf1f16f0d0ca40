/* Who holds clasm serve's connections, and since when (server.c).
 *
 * libmicrohttpd gives each connection a thread and closes it only after an
 * idle timeout, which every byte received starts again: clients that send
 * one byte now and then (slowloris) hold every connection for as long as
 * they like, and everyone else waits, unanswered. The guard keeps a slot per
 * connection, from libmicrohttpd's "started" notification to its "closed"
 * one, with the time its current request began (the accept, or the end of
 * the previous answer on a kept-alive connection), and ends a connection by
 * shutdown() of its socket: libmicrohttpd's thread sees the end of the
 * stream and closes the connection itself. The socket is never closed here.
 *
 * Policy (why: see server_guard.c):
 *  - a request must arrive whole (headers and body) within `deadline`
 *    seconds, however steadily its bytes come, or its connection is shut;
 *  - at most `limit` connections are served at once; a new connection
 *    beyond that takes the place of the oldest one still sending its
 *    request after `grace` seconds (that one is shut), and when there is
 *    none, it is marked busy: its request is answered 503 at once. A busy
 *    connection has `grace` seconds to send its request;
 *  - `reserve` slots beyond `limit` hold such connections for that moment
 *    (libmicrohttpd's own connection limit is limit + reserve).
 *
 * All functions are thread-safe (one mutex over the table and every
 * shutdown()). A slot is released by libmicrohttpd's "closed" notification,
 * which comes before it closes the socket (daemon.c of 0.9.75,
 * MHD_cleanup_connections and new_connection_process_), so the guard never
 * shuts down a descriptor number that has been reused. */
#ifndef CLASM_SERVER_GUARD_H
#define CLASM_SERVER_GUARD_H

#include <stddef.h>

typedef struct server_guard server_guard;
typedef struct guard_slot guard_slot;

typedef struct {
    unsigned limit;   /* connections served at once (>= 1) */
    unsigned reserve; /* slots beyond limit, for busy and replaced connections */
    double deadline;  /* seconds for a whole request to arrive */
    double grace;     /* seconds before a slow request may be dropped for a newcomer */
} guard_options;

/* What the guard did since the last guard_take_counts (for the log). */
typedef struct {
    unsigned long expired; /* connections shut at the request deadline */
    unsigned long dropped; /* slow requests shut to serve a new connection */
    unsigned long busy;    /* connections marked to be answered 503 */
    unsigned long refused; /* connections libmicrohttpd refused at its limits */
} guard_counts;

/* NULL when out of memory or a thread primitive cannot be set up. */
server_guard *guard_new(const guard_options *opt);
void guard_free(server_guard *g);
/* limit + reserve: every connection libmicrohttpd may hold. */
unsigned guard_capacity(const server_guard *g);

/* A new connection on socket fd at time now (seconds, CLOCK_MONOTONIC):
 * its slot, or NULL when every slot, reserve included, is held. May shut
 * down the oldest slow request to make room. */
guard_slot *guard_admit(server_guard *g, int fd, double now);
/* 1 when the connection is to be answered 503 (admitted while full); also
 * 1 for no slot (NULL). */
int guard_busy(server_guard *g, const guard_slot *s);
/* The request arrived whole: no deadline while it is answered. */
void guard_answering(server_guard *g, guard_slot *s);
/* The answer is done; the next request on the connection starts now. */
void guard_waiting(server_guard *g, guard_slot *s, double now);
/* The connection is closed (before its socket is): the slot is free. */
void guard_release(server_guard *g, guard_slot *s);
/* Shuts down every connection past its deadline at time now; returns the
 * time of the next deadline (now + 3600 when none). */
double guard_expire(server_guard *g, double now);
/* libmicrohttpd refused a connection (over a limit): counted for the log. */
void guard_count_refused(server_guard *g);
/* The counts since the last call, and zero them. */
void guard_take_counts(server_guard *g, guard_counts *out);

#endif
