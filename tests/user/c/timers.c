/* Signals that come from outside: alarm() and pause(), a repeating
 * ITIMER_REAL interrupting a blocking read (EINTR without SA_RESTART, the
 * read restarted with it), nanosleep cut short, SIGCHLD from a child, and a
 * default-action death (SIGTERM from kill). Every wait is for an event, not
 * for a time: the output is the same on a loaded machine. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile int ticks, chld, chld_status, chld_pid_ok, wfd = -1;
static pid_t child;

static void on_alrm(int sig)
{
    (void)sig;
    ticks++;
    if (wfd >= 0 && ticks == 3)
        CHECK(write(wfd, "x", 1) == 1);
}

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld++;
    chld_status = si->si_status;
    chld_pid_ok = si->si_pid == child && si->si_code == CLD_EXITED;
}

static void every(long usec)
{
    struct itimerval it = {{0, usec}, {0, usec}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    /* alarm + pause */
    set_handler(SIGALRM, on_alrm, 0);
    alarm(1);
    while (ticks == 0)
        pause();
    printf("alarm: ticks %d\n", ticks);

    /* a blocking read without SA_RESTART: EINTR (the timer repeats, so a
     * tick before the read started only means a later one interrupts it) */
    int fds[2];
    CHECK(pipe(fds) == 0);
    char c;
    every(20000);
    ssize_t n = read(fds[0], &c, 1);
    int e = errno;
    every(0);
    printf("read without SA_RESTART: %zd errno %d\n", n, e);
    CHECK(n == -1 && e == EINTR);

    /* with SA_RESTART: the read goes on across ticks until the third tick's
     * handler writes a byte */
    set_handler(SIGALRM, on_alrm, SA_RESTART);
    ticks = 0;
    wfd = fds[1];
    every(20000);
    n = read(fds[0], &c, 1);
    every(0);
    wfd = -1;
    printf("read with SA_RESTART: %zd '%c' ticks>=3 %d\n", n, n == 1 ? c : '?', ticks >= 3);
    CHECK(n == 1 && c == 'x' && ticks >= 3);

    /* nanosleep is never restarted: EINTR with the time left */
    set_handler(SIGALRM, on_alrm, SA_RESTART);
    every(20000);
    struct timespec req = {30, 0}, rem = {0, 0};
    int r = nanosleep(&req, &rem);
    e = errno;
    every(0);
    printf("nanosleep: %d errno %d rem-ok %d\n", r, e, rem.tv_sec > 0 && rem.tv_sec <= 30);
    CHECK(r == -1 && e == EINTR);

    /* SIGCHLD with siginfo: wait for it with sigsuspend */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    sigprocmask(SIG_BLOCK, &s, &old);
    child = fork();
    if (child == 0)
        _exit(7);
    while (!chld)
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    int st;
    CHECK(waitpid(child, &st, 0) == child);
    printf("sigchld: %d status %d info-ok %d exit %d\n", chld, chld_status, chld_pid_ok,
           WEXITSTATUS(st));
    CHECK(chld == 1 && chld_status == 7 && chld_pid_ok);

    /* default actions: SIGTERM kills the child, SIGCHLD's default ignores */
    signal(SIGCHLD, SIG_DFL);
    pid_t pid = fork();
    if (pid == 0) {
        kill(getpid(), SIGTERM);
        _exit(0);
    }
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("sigterm: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    return check_done();
}
