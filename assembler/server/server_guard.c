/* Connection slots of clasm serve (see server_guard.h).
 *
 * Why this policy. A slow client costs the server a thread and a slot but
 * almost no work, so slots are what an attacker exhausts. The deadline
 * bounds how long any one request can hold a slot, whatever its pace; it
 * alone still lets 128 clients hold every slot for a whole deadline, again
 * and again. So when a connection arrives and every slot is taken, the
 * oldest connection that has spent more than the grace period on its
 * request is shut to make room: a trickler has, by construction, been at it
 * for long, while a client that sends its request at network speed needs
 * well under a second and is not dropped. The oldest goes first because it
 * has had the most time, and because it is the attacker's steady state; a
 * request being answered is never dropped (the server's own work is not
 * thrown away). When nothing can be dropped (every slot is answering, or
 * only just started), the newcomer is not left waiting in the listen queue,
 * which would look like a dead server: it is taken into a reserve slot and
 * answered 503 with Retry-After as soon as its request arrives, and it gets
 * only the grace period to send it. The reserve is small and its slots are
 * held for seconds at most; if it is full too, libmicrohttpd stops
 * accepting until a slot frees (within the grace period). */
#include "server_guard.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

typedef enum {
    SLOT_FREE = 0,
    SLOT_RECEIVING, /* the request is on its way: deadline from since */
    SLOT_ANSWERING, /* the request is in: being answered */
    SLOT_CLOSING    /* shut down here, libmicrohttpd has yet to close it */
} slot_state;

struct guard_slot {
    slot_state state;
    int busy; /* admitted over the limit: answer 503, deadline is the grace */
    int fd;
    double since; /* when the current request began */
};

struct server_guard {
    pthread_mutex_t lock;
    guard_options opt;
    unsigned nslots;
    guard_slot *slots;
    guard_counts counts;
};

server_guard *guard_new(const guard_options *opt)
{
    server_guard *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->opt = *opt;
    if (g->opt.limit == 0)
        g->opt.limit = 1;
    g->nslots = g->opt.limit + g->opt.reserve;
    g->slots = calloc(g->nslots, sizeof *g->slots);
    if (!g->slots || pthread_mutex_init(&g->lock, NULL) != 0) {
        free(g->slots);
        free(g);
        return NULL;
    }
    return g;
}

void guard_free(server_guard *g)
{
    if (!g)
        return;
    pthread_mutex_destroy(&g->lock);
    free(g->slots);
    free(g);
}

unsigned guard_capacity(const server_guard *g)
{
    return g->nslots;
}

/* Under the lock. */
static void shut(guard_slot *s)
{
    (void)shutdown(s->fd, SHUT_RDWR); /* ENOTCONN when the client has gone: fine */
    s->state = SLOT_CLOSING;
}

guard_slot *guard_admit(server_guard *g, int fd, double now)
{
    pthread_mutex_lock(&g->lock);
    guard_slot *free_slot = NULL, *oldest = NULL;
    unsigned served = 0;
    for (unsigned i = 0; i < g->nslots; i++) {
        guard_slot *s = &g->slots[i];
        if (s->state == SLOT_FREE) {
            if (!free_slot)
                free_slot = s;
            continue;
        }
        if (s->busy || s->state == SLOT_CLOSING)
            continue;
        served++;
        if (s->state == SLOT_RECEIVING && now - s->since >= g->opt.grace &&
            (!oldest || s->since < oldest->since))
            oldest = s;
    }
    if (free_slot) {
        int busy = 0;
        if (served >= g->opt.limit) {
            if (oldest) {
                shut(oldest);
                g->counts.dropped++;
            } else {
                busy = 1;
                g->counts.busy++;
            }
        }
        free_slot->state = SLOT_RECEIVING;
        free_slot->busy = busy;
        free_slot->fd = fd;
        free_slot->since = now;
    }
    pthread_mutex_unlock(&g->lock);
    return free_slot;
}

int guard_busy(server_guard *g, const guard_slot *s)
{
    if (!s)
        return 1;
    pthread_mutex_lock(&g->lock);
    int busy = s->busy;
    pthread_mutex_unlock(&g->lock);
    return busy;
}

void guard_answering(server_guard *g, guard_slot *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&g->lock);
    if (s->state == SLOT_RECEIVING) /* not one already shut */
        s->state = SLOT_ANSWERING;
    pthread_mutex_unlock(&g->lock);
}

void guard_waiting(server_guard *g, guard_slot *s, double now)
{
    if (!s)
        return;
    pthread_mutex_lock(&g->lock);
    if (s->state == SLOT_ANSWERING) {
        s->state = SLOT_RECEIVING;
        s->since = now;
    }
    pthread_mutex_unlock(&g->lock);
}

void guard_release(server_guard *g, guard_slot *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&g->lock);
    s->state = SLOT_FREE;
    s->busy = 0;
    s->fd = -1;
    pthread_mutex_unlock(&g->lock);
}

double guard_expire(server_guard *g, double now)
{
    double next = now + 3600;
    pthread_mutex_lock(&g->lock);
    for (unsigned i = 0; i < g->nslots; i++) {
        guard_slot *s = &g->slots[i];
        if (s->state != SLOT_RECEIVING)
            continue;
        double due = s->since + (s->busy ? g->opt.grace : g->opt.deadline);
        if (due <= now) {
            shut(s);
            if (!s->busy)
                g->counts.expired++;
        } else if (due < next) {
            next = due;
        }
    }
    pthread_mutex_unlock(&g->lock);
    return next;
}

void guard_count_refused(server_guard *g)
{
    pthread_mutex_lock(&g->lock);
    g->counts.refused++;
    pthread_mutex_unlock(&g->lock);
}

void guard_take_counts(server_guard *g, guard_counts *out)
{
    pthread_mutex_lock(&g->lock);
    *out = g->counts;
    g->counts = (guard_counts){0, 0, 0, 0};
    pthread_mutex_unlock(&g->lock);
}
