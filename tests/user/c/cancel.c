/* Signals 32 and 33, which glibc keeps for itself (SIGCANCEL, SIGSETXID)
 * and which vm forwards like any other: pthread_cancel of a thread blocked
 * in read(); setegid/setgroups from a threaded program reach every thread
 * (glibc signals each one, which then makes the per-thread call; the
 * threads blocked in read() go on reading: SA_RESTART); a SIGEV_THREAD
 * timer (glibc's helper thread waits for signal 32). */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define NT 3

static int cleanup_ran;
static void cleanup(void *arg) { (void)arg; cleanup_ran = 1; }

static void *blocked_reader(void *arg)
{
    int fd = *(int *)arg;
    char c;
    pthread_cleanup_push(cleanup, NULL);
    for (;;)
        if (read(fd, &c, 1) <= 0) /* a cancellation point */
            break;
    pthread_cleanup_pop(0);
    return NULL;
}

static void test_cancel(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, blocked_reader, &p[0]) == 0);
    /* whether it is in read() yet or not, cancel must end it there */
    CHECK(pthread_cancel(t) == 0);
    void *res = NULL;
    CHECK(pthread_join(t, &res) == 0);
    printf("cancel of a blocked reader: %s, cleanup %d\n",
           res == PTHREAD_CANCELED ? "canceled" : "not canceled", cleanup_ran);
    CHECK(res == PTHREAD_CANCELED && cleanup_ran == 1);
    close(p[0]);
    close(p[1]);
}

/* ---- setxid ---- */
static int pipes[NT][2];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int started;

static void *id_reader(void *arg)
{
    long i = (long)arg;
    pthread_mutex_lock(&mu);
    started++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    char c = 0;
    ssize_t n = read(pipes[i][0], &c, 1); /* SIGSETXID comes while blocked here */
    long egid = syscall(SYS_getegid);    /* this thread's own credentials */
    int ng = (int)syscall(SYS_getgroups, 0, NULL);
    return (void *)(n == 1 && c == 'x' ? egid << 8 | ng : -1);
}

static void test_setxid(void)
{
    pthread_t t[NT];
    for (long i = 0; i < NT; i++) {
        CHECK(pipe(pipes[i]) == 0);
        CHECK(pthread_create(&t[i], NULL, id_reader, (void *)i) == 0);
    }
    pthread_mutex_lock(&mu);
    while (started < NT)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    int root = geteuid() == 0;
    gid_t want = root ? 4242 : getegid();
    gid_t groups[2] = {4243, 4244};
    CHECK(setegid(want) == 0);
    if (root)
        CHECK(setgroups(2, groups) == 0);
    int ng = (int)syscall(SYS_getgroups, 0, NULL);
    int all = 1;
    for (int i = 0; i < NT; i++) {
        CHECK(write(pipes[i][1], "x", 1) == 1);
        void *r;
        pthread_join(t[i], &r);
        long v = (long)r;
        if (v != ((long)want << 8 | ng)) {
            printf("thread %d: egid %ld groups %ld\n", i, v >> 8, v & 255);
            all = 0;
        }
        close(pipes[i][0]);
        close(pipes[i][1]);
    }
    printf("setegid/setgroups from main reached %s threads (%s)\n", all ? "all" : "not all",
           root ? "root" : "not root: no change");
    CHECK(all);
    if (root) {
        CHECK(setegid(0) == 0);
        CHECK(setgroups(0, NULL) == 0);
    }
}

/* ---- SIGEV_THREAD timer ---- */
static pthread_mutex_t tmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tcv = PTHREAD_COND_INITIALIZER;
static int fired;
static void on_timer(union sigval v)
{
    pthread_mutex_lock(&tmu);
    fired = v.sival_int;
    pthread_cond_broadcast(&tcv);
    pthread_mutex_unlock(&tmu);
}

static void test_thread_timer(void)
{
    struct sigevent se;
    memset(&se, 0, sizeof(se));
    se.sigev_notify = SIGEV_THREAD;
    se.sigev_notify_function = on_timer;
    se.sigev_value.sival_int = 77;
    timer_t tm;
    CHECK(timer_create(CLOCK_MONOTONIC, &se, &tm) == 0);
    struct itimerspec its = {.it_value = {0, 1000000}};
    CHECK(timer_settime(tm, 0, &its, NULL) == 0);
    pthread_mutex_lock(&tmu);
    while (!fired)
        pthread_cond_wait(&tcv, &tmu);
    pthread_mutex_unlock(&tmu);
    printf("SIGEV_THREAD timer: %d\n", fired);
    CHECK(fired == 77);
    CHECK(timer_delete(tm) == 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_cancel();
    test_setxid();
    test_thread_timer();
    return check_done();
}
