/* The connection guard of clasm serve (server_guard.c), without a server:
 * each "connection" is one end of a real socket pair and the clock is
 * passed in, so every decision is checked exactly: who is admitted, who is
 * marked busy, who is shut down (the other end reads end of stream) and
 * when. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_guard.h"

#define N 8

typedef struct {
    int server[N]; /* the end the guard may shut down */
    int client[N]; /* the end that sees it */
} pairs;

static int setup(void **state)
{
    pairs *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    for (int i = 0; i < N; i++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
            return -1;
        p->server[i] = sv[0];
        p->client[i] = sv[1];
        fcntl(sv[1], F_SETFL, O_NONBLOCK);
    }
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    pairs *p = *state;
    for (int i = 0; i < N; i++) {
        close(p->server[i]);
        close(p->client[i]);
    }
    free(p);
    return 0;
}

/* 1 when the client end of pair i reads end of stream (shut down), 0 when
 * it would block (still open). */
static int is_shut(const pairs *p, int i)
{
    char c;
    ssize_t got = recv(p->client[i], &c, 1, 0);
    if (got == 0)
        return 1;
    assert_true(got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
    return 0;
}

static server_guard *guard(unsigned limit, unsigned reserve)
{
    guard_options o = {limit, reserve, 30.0, 2.0};
    server_guard *g = guard_new(&o);
    assert_non_null(g);
    assert_int_equal(guard_capacity(g), limit + reserve);
    return g;
}

/* Up to the limit everyone is served; beyond it, with every request under
 * the grace, newcomers are busy (503) and take reserve slots; with the
 * reserve gone there is no slot at all. */
static void test_limit_and_reserve(void **state)
{
    pairs *p = *state;
    server_guard *g = guard(3, 2);
    guard_slot *s[N];
    for (int i = 0; i < 3; i++) {
        s[i] = guard_admit(g, p->server[i], 10.0 + 0.1 * i);
        assert_non_null(s[i]);
        assert_false(guard_busy(g, s[i]));
    }
    s[3] = guard_admit(g, p->server[3], 11.0); /* the oldest is 1 s old: under 2 */
    s[4] = guard_admit(g, p->server[4], 11.5);
    assert_true(guard_busy(g, s[3]) && guard_busy(g, s[4]));
    assert_null(guard_admit(g, p->server[5], 11.6));
    for (int i = 0; i < 6; i++)
        assert_false(is_shut(p, i));
    guard_counts c;
    guard_take_counts(g, &c);
    assert_int_equal(c.busy, 2);
    assert_int_equal(c.dropped, 0);
    guard_take_counts(g, &c);
    assert_int_equal(c.busy, 0);      /* taken means zeroed */
    assert_true(guard_busy(g, NULL)); /* no slot: answer 503 too */
    guard_free(g);
}

/* Full, and requests past the grace: each newcomer replaces the oldest
 * request still arriving (shut down), never one being answered, never a
 * busy one; the newcomer is served, not busy. */
static void test_oldest_slow_request_replaced(void **state)
{
    pairs *p = *state;
    server_guard *g = guard(3, 2);
    guard_slot *a = guard_admit(g, p->server[0], 0.0);
    guard_slot *b = guard_admit(g, p->server[1], 1.0);
    guard_slot *c = guard_admit(g, p->server[2], 2.0);
    guard_answering(g, a); /* the oldest is being answered: not a candidate */
    guard_slot *d = guard_admit(g, p->server[3], 5.0);
    assert_false(guard_busy(g, d));
    assert_false(is_shut(p, 0));
    assert_true(is_shut(p, 1)); /* b: the oldest still sending */
    assert_false(is_shut(p, 2));
    /* b is closing until libmicrohttpd says closed: it no longer counts. */
    guard_slot *e = guard_admit(g, p->server[4], 5.5);
    assert_false(guard_busy(g, e));
    assert_true(is_shut(p, 2)); /* c, 3.5 s old */
    /* Now a (answering), d and e (0.5 and 0 s old): nothing to drop. */
    guard_release(g, b);
    guard_release(g, c);
    guard_slot *f = guard_admit(g, p->server[5], 5.6);
    assert_true(guard_busy(g, f));
    assert_false(is_shut(p, 3) || is_shut(p, 4));
    /* A busy slot is never dropped for a newcomer, even past the grace. */
    guard_slot *h = guard_admit(g, p->server[6], 7.0); /* d 2 s old: dropped, not f */
    assert_false(guard_busy(g, h));
    assert_true(is_shut(p, 3));
    assert_false(is_shut(p, 5));
    guard_counts n;
    guard_take_counts(g, &n);
    assert_int_equal(n.dropped, 3);
    assert_int_equal(n.busy, 1);
    guard_free(g);
}

/* The deadline: a request not whole 30 s after it began is shut down; one
 * being answered is not; after an answer the next request's deadline runs
 * from the end of it; a busy connection has the grace (2 s) only. */
static void test_deadlines(void **state)
{
    pairs *p = *state;
    server_guard *g = guard(4, 2);
    guard_slot *slow = guard_admit(g, p->server[0], 100.0);
    guard_slot *work = guard_admit(g, p->server[1], 100.0);
    guard_slot *kept = guard_admit(g, p->server[2], 100.0);
    guard_answering(g, work);
    guard_answering(g, kept);
    guard_waiting(g, kept, 120.0); /* answered at 120: next request by 150 */
    assert_true(guard_expire(g, 110.0) == 130.0);
    assert_false(is_shut(p, 0));
    assert_true(guard_expire(g, 130.0) == 150.0);
    assert_true(is_shut(p, 0));
    assert_false(is_shut(p, 1) || is_shut(p, 2));
    guard_expire(g, 149.9);
    assert_false(is_shut(p, 2));
    assert_true(guard_expire(g, 1000.0) == 4600.0); /* nothing left to time */
    assert_true(is_shut(p, 2));
    assert_false(is_shut(p, 1)); /* answering: never timed */
    /* A shut slot stays shut: answering or waiting do not revive it. */
    guard_answering(g, slow);
    guard_waiting(g, slow, 1000.0);
    guard_expire(g, 2000.0);
    guard_counts n;
    guard_take_counts(g, &n);
    assert_int_equal(n.expired, 2);

    /* Busy: the grace, not the deadline; not counted as timed out. */
    guard_release(g, slow);
    guard_release(g, kept);
    guard_slot *s3 = guard_admit(g, p->server[3], 3000.0);
    guard_slot *s4 = guard_admit(g, p->server[4], 3000.0);
    guard_slot *s5 = guard_admit(g, p->server[5], 3000.0);
    guard_slot *busy = guard_admit(g, p->server[6], 3000.5);
    assert_non_null(s3);
    assert_non_null(s4);
    assert_non_null(s5);
    assert_true(guard_busy(g, busy));
    assert_true(guard_expire(g, 3001.0) == 3002.5);
    guard_expire(g, 3002.5);
    assert_true(is_shut(p, 6));
    assert_false(is_shut(p, 3));
    guard_take_counts(g, &n);
    assert_int_equal(n.expired, 0);
    assert_int_equal(n.busy, 1);
    guard_free(g);
}

/* A released slot is free for the next connection, and the counts of
 * libmicrohttpd's refusals add up. */
static void test_release_and_refused(void **state)
{
    pairs *p = *state;
    server_guard *g = guard(1, 0);
    guard_slot *a = guard_admit(g, p->server[0], 0.0);
    assert_null(guard_admit(g, p->server[1], 0.0));
    guard_release(g, a);
    guard_slot *b = guard_admit(g, p->server[1], 0.0);
    assert_true(a == b);
    assert_false(guard_busy(g, b));
    guard_release(g, NULL); /* no slot: nothing to do */
    guard_count_refused(g);
    guard_count_refused(g);
    guard_counts n;
    guard_take_counts(g, &n);
    assert_int_equal(n.refused, 2);
    guard_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_limit_and_reserve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oldest_slow_request_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release_and_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
