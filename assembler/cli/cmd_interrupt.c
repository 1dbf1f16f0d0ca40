/* Stop signals for a long command (batch): SIGINT, SIGTERM and SIGHUP are
 * blocked in every thread and taken by one watcher thread with sigtimedwait, which
 * sets a flag the work checks between items. Work in progress finishes, so
 * no half-written file is left; the command then reports and re-raises the
 * signal, so its caller sees how it ended. Signals ignored when the command
 * started (nohup, a background job of a shell) stay ignored. */
#include "cmd.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Waits in slices of 100 ms so that interrupt_watch_stop can end it with
 * a flag (cancelling a thread in sigwait upsets AddressSanitizer). */
static void *watch(void *arg)
{
    interrupt_watch *w = arg;
    struct timespec slice = {0, 100000000L};
    while (!atomic_load(&w->done)) {
        int sig = sigtimedwait(&w->set, NULL, &slice);
        if (sig > 0) {
            atomic_store(&w->signal, sig);
            atomic_store(&w->stop, 1);
            break;
        }
    }
    return NULL;
}

int interrupt_watch_start(interrupt_watch *w)
{
    memset(w, 0, sizeof *w);
    atomic_init(&w->stop, 0);
    atomic_init(&w->signal, 0);
    atomic_init(&w->done, 0);
    sigemptyset(&w->set);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        /* A signal ignored when clasm started (nohup, a background job of a
         * script) stays ignored: blocked, it would still be taken. */
        struct sigaction sa;
        if (sigaction(sigs[i], NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
            continue;
        sigaddset(&w->set, sigs[i]);
    }
    /* Threads started after this inherit the mask: only the watcher takes
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

int interrupt_stopped(void *w)
{
    return atomic_load(&((interrupt_watch *)w)->stop) != 0;
}

void interrupt_watch_stop(interrupt_watch *w)
{
    if (!w->running)
        return;
    atomic_store(&w->done, 1);
    pthread_join(w->thread, NULL);
    w->running = 0;
    /* A signal still pending (a second Ctrl-C) would end clasm before its
     * summary once unblocked: take it now; the first one decides. */
    struct timespec zero = {0, 0};
    int sig;
    while ((sig = sigtimedwait(&w->set, NULL, &zero)) > 0)
        if (!atomic_load(&w->signal)) {
            atomic_store(&w->signal, sig);
            atomic_store(&w->stop, 1);
        }
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
