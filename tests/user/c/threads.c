/* Threads and signals: a signal sent to each thread (pthread_kill) runs
 * the handler on that thread, masks are per thread, a process-directed
 * signal goes to the one thread that does not block it, and a stress loop
 * of signals to threads that sleep on futexes (condition variables) and
 * spin. Every step waits for an acknowledgement, so the counts are exact. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#define NT 4
#define ROUNDS 200

static _Atomic int hits[NT], wrong_thread, usr2_tid, stop;
static __thread int my_index = -1;
static pthread_t th[NT];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;

static void on_usr1(int sig)
{
    (void)sig;
    if (my_index < 0)
        atomic_fetch_add(&wrong_thread, 1);
    else
        atomic_fetch_add(&hits[my_index], 1);
}

static void on_usr2(int sig)
{
    (void)sig;
    atomic_store(&usr2_tid, (int)syscall(SYS_gettid));
}

static void *worker(void *arg)
{
    my_index = (int)(long)arg;
    pthread_mutex_lock(&mu);
    ready++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    /* half sleep in futex waits (EINTR/restart inside glibc), half spin */
    while (!atomic_load(&stop)) {
        if (my_index & 1) {
            pthread_mutex_lock(&mu);
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 1000000;
            if (ts.tv_nsec >= 1000000000)
                ts.tv_sec++, ts.tv_nsec -= 1000000000;
            pthread_cond_timedwait(&cv, &mu, &ts);
            pthread_mutex_unlock(&mu);
        }
    }
    return (void *)(long)syscall(SYS_gettid);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    sa.sa_handler = on_usr2;
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    /* the workers block SIGUSR2 (inherited mask); main unblocks it after */
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    for (long i = 0; i < NT; i++)
        CHECK(pthread_create(&th[i], NULL, worker, (void *)i) == 0);
    pthread_mutex_lock(&mu);
    while (ready < NT)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);

    /* each signal to one thread, acknowledged before the next */
    int lost = 0;
    for (int r = 0; r < ROUNDS; r++)
        for (int i = 0; i < NT; i++) {
            int want = atomic_load(&hits[i]) + 1;
            CHECK(pthread_kill(th[i], SIGUSR1) == 0);
            long spins = 0;
            while (atomic_load(&hits[i]) < want)
                if (++spins > 2000000000L) {
                    lost++;
                    break;
                }
                else
                    sched_yield();
        }
    for (int i = 0; i < NT; i++) {
        printf("thread %d: %d signals\n", i, atomic_load(&hits[i]));
        CHECK(atomic_load(&hits[i]) == ROUNDS);
    }
    printf("wrong thread %d lost %d\n", atomic_load(&wrong_thread), lost);
    CHECK(atomic_load(&wrong_thread) == 0 && lost == 0);

    /* process-directed: only main leaves SIGUSR2 unblocked */
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    kill(getpid(), SIGUSR2);
    while (!atomic_load(&usr2_tid))
        sched_yield();
    printf("kill went to main: %d\n", atomic_load(&usr2_tid) == getpid());
    CHECK(atomic_load(&usr2_tid) == getpid());

    atomic_store(&stop, 1);
    for (int i = 0; i < NT; i++)
        CHECK(pthread_join(th[i], NULL) == 0);
    return check_done();
}
