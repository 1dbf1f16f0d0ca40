/* Stop signals for a long command (batch): SIGINT, SIGTERM and SIGHUP are
 * blocked in every thread and taken by one watcher thread with sigwait, which
 * sets a flag the work checks between items. Work in progress finishes, so
 * no half-written file is left; the command then reports and re-raises the
 * signal, so its caller sees how it ended. Signals ignored when the command
 * started (nohup, a background job of a shell) stay ignored. */
#include "cmd.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static void *watch(void *arg)
{
    interrupt_watch *w = arg;
    int sig = 0;
    if (sigwait(&w->set, &sig) == 0) {
        atomic_store(&w->signal, sig);
        atomic_store(&w->stop, 1);
    }
    return NULL;
}

int interrupt_watch_start(interrupt_watch *w)
{
    memset(w, 0, sizeof *w);
    atomic_init(&w->stop, 0);
    atomic_init(&w->signal, 0);
    sigemptyset(&w->set);
    sigaddset(&w->set, SIGINT);
    sigaddset(&w->set, SIGTERM);
    sigaddset(&w->set, SIGHUP);
    /* Threads started after this inherit the mask: only the watcher sees
     * the signals. */
    if (pthread_sigmask(SIG_BLOCK, &w->set, &w->old) != 0)
        return -1;
    if (pthread_create(&w->thread, NULL, watch, w) != 0) {
        pthread_sigmask(SIG_SETMASK, &w->old, NULL);
        return -1;
    }
    w->running = 1;
    return 0;
}

void interrupt_watch_stop(interrupt_watch *w)
{
    if (!w->running)
        return;
    /* sigwait is a cancellation point: a watcher still waiting ends here. */
    pthread_cancel(w->thread);
    pthread_join(w->thread, NULL);
    w->running = 0;
    pthread_sigmask(SIG_SETMASK, &w->old, NULL);
}

void interrupt_reraise(const interrupt_watch *w)
{
    int sig = atomic_load(&w->signal);
    if (!sig)
        return;
    fflush(stdout);
    fflush(stderr);
    signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    raise(sig);
}
