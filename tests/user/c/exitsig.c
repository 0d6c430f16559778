/* Process-directed signals while threads end: a thread that is exiting
 * takes no more of them, and one its host handler had already taken goes
 * to another thread (Linux's exit_signals), so none is lost. Main blocks
 * SIGUSR1; a catcher thread does not; each round a short-lived thread
 * unblocks it and ends while main sends kill(getpid(), SIGUSR1) and waits
 * for the handler to have run (on whichever thread) before the next. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define ROUNDS 300

static _Atomic int caught, stop;

static void on_usr1(int sig)
{
    (void)sig;
    atomic_fetch_add(&caught, 1);
}

static void *unblock_and_end(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    return NULL;
}

static void *catcher(void *arg)
{
    (void)arg;
    unblock_and_end(NULL);
    while (!atomic_load(&stop))
        sched_yield();
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    set_handler(SIGUSR1, on_usr1, SA_RESTART);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, NULL); /* main and (inherited) every new thread */
    pthread_t c;
    CHECK(pthread_create(&c, NULL, catcher, NULL) == 0);
    int lost = 0;
    for (int r = 0; r < ROUNDS && !lost; r++) {
        pthread_t t;
        CHECK(pthread_create(&t, NULL, unblock_and_end, NULL) == 0);
        int want = atomic_load(&caught) + 1;
        CHECK(kill(getpid(), SIGUSR1) == 0);
        long spins = 0;
        while (atomic_load(&caught) < want)
            if (++spins > 200000000L) { /* minutes: a lost signal */
                lost = 1;
                break;
            } else {
                sched_yield();
            }
        pthread_join(t, NULL);
    }
    atomic_store(&stop, 1);
    pthread_join(c, NULL);
    printf("signals to a process whose threads end: caught %d of %d, lost %d\n",
           atomic_load(&caught), ROUNDS, lost);
    CHECK(atomic_load(&caught) == ROUNDS && !lost);
    return check_done();
}
