/* Signal delivery: siginfo, masks, SA_* flags, nested handlers, ucontext
 * (pc and FP state), sigsuspend, sigtimedwait, sigpending. */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "check.h"

static volatile int got[65], last_code, last_pid, depth, max_depth, order[8], norder;

static void on_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got[sig]++;
    last_code = si->si_code;
    last_pid = si->si_pid;
    CHECK(si->si_signo == sig);
}

static void on_plain(int sig)
{
    got[sig]++;
    if (norder < 8)
        order[norder++] = sig;
}

static void on_nested_outer(int sig)
{
    order[norder++] = sig;
    raise(SIGUSR2); /* a different signal: runs inside this handler */
    order[norder++] = -sig;
}

static void on_nodefer(int sig)
{
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (depth < 3)
        raise(sig); /* SA_NODEFER: runs again now, nested */
    depth--;
}

static void on_fp(int sig)
{
    (void)sig;
    /* clobber FP registers and the rounding mode */
    volatile double a = 1.0;
    double s = 0;
    for (int i = 1; i < 100; i++)
        s += a / i;
    fesetround(FE_DOWNWARD);
    got[SIGUSR1] = (int)s;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    /* raise = tgkill to self: SI_TKILL, runs before raise returns */
    set_info_handler(SIGUSR1, on_info, 0);
    CHECK(raise(SIGUSR1) == 0);
    printf("raise: got %d code %d pid-ok %d\n", got[SIGUSR1], last_code, last_pid == getpid());
    CHECK(got[SIGUSR1] == 1 && last_code == SI_TKILL);
    /* kill to self: SI_USER */
    set_info_handler(SIGUSR2, on_info, 0);
    CHECK(kill(getpid(), SIGUSR2) == 0);
    printf("kill: got %d code %d\n", got[SIGUSR2], last_code);
    CHECK(got[SIGUSR2] == 1 && last_code == SI_USER);
    /* sigqueue: SI_QUEUE with a value */
    union sigval v = {.sival_int = 42};
    CHECK(sigqueue(getpid(), SIGUSR2, v) == 0);
    printf("sigqueue: got %d code %d\n", got[SIGUSR2], last_code);
    CHECK(got[SIGUSR2] == 2 && last_code == SI_QUEUE);

    /* blocked: pending, then delivered on unblock */
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &s, &old) == 0);
    raise(SIGUSR1);
    sigset_t pend;
    sigpending(&pend);
    printf("blocked: got %d pending %d\n", got[SIGUSR1], sigismember(&pend, SIGUSR1));
    CHECK(got[SIGUSR1] == 1 && sigismember(&pend, SIGUSR1) == 1);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    printf("unblocked: got %d\n", got[SIGUSR1]);
    CHECK(got[SIGUSR1] == 2);

    /* the handler's own signal is blocked while it runs; SA_NODEFER lifts that */
    set_handler(SIGUSR1, on_nodefer, SA_NODEFER);
    raise(SIGUSR1);
    printf("nodefer: max depth %d\n", max_depth);
    CHECK(max_depth == 3);

    /* a different signal nests inside a handler */
    set_handler(SIGUSR1, on_nested_outer, 0);
    set_handler(SIGUSR2, on_plain, 0);
    norder = 0;
    raise(SIGUSR1);
    printf("nested: %d %d %d\n", order[0], order[1], order[2]);
    CHECK(order[0] == SIGUSR1 && order[1] == SIGUSR2 && order[2] == -SIGUSR1);

    /* two pending signals delivered on unblock, the lower number first */
    norder = 0;
    set_handler(SIGUSR1, on_plain, 0);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, NULL);
    raise(SIGUSR2);
    raise(SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    printf("two pending: %d %d\n", order[0], order[1]);
    CHECK(norder == 2);

    /* SA_RESETHAND: one run, then SIG_DFL */
    set_handler(SIGUSR1, on_plain, SA_RESETHAND);
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    printf("resethand: default now %d\n", now.sa_handler == SIG_DFL);
    CHECK(now.sa_handler == SIG_DFL);

    /* the handler's FP registers and rounding mode are the frame's, not ours */
    set_handler(SIGUSR1, on_fp, 0);
    fesetround(FE_UPWARD);
    volatile double x = 1.0, y = 3.0;
    double before = x / y;
    raise(SIGUSR1);
    double after = x / y;
    printf("fp: handler sum %d, rounding kept %d, same %d\n", got[SIGUSR1],
           fegetround() == FE_UPWARD, before == after);
    CHECK(fegetround() == FE_UPWARD && before == after);
    fesetround(FE_TONEAREST);

    /* sigsuspend: the handler runs under the temporary mask; the old one comes back */
    set_handler(SIGUSR1, on_plain, 0);
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, &old);
    int before_n = got[SIGUSR1];
    raise(SIGUSR1);
    sigset_t none;
    sigemptyset(&none);
    int r = sigsuspend(&none);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("sigsuspend: %d errno %d ran %d still blocked %d\n", r, errno,
           got[SIGUSR1] - before_n, sigismember(&cur, SIGUSR1));
    CHECK(r == -1 && errno == EINTR && got[SIGUSR1] == before_n + 1);

    /* sigtimedwait takes a blocked pending signal without its handler */
    raise(SIGUSR1);
    siginfo_t si;
    struct timespec ts = {1, 0};
    r = sigtimedwait(&s, &si, &ts);
    printf("sigtimedwait: %d code %d ran %d\n", r, si.si_code, got[SIGUSR1] - before_n);
    /* glibc folds SI_TKILL into SI_USER here */
    CHECK(r == SIGUSR1 && si.si_code == SI_USER && got[SIGUSR1] == before_n + 1);
    struct timespec short_ts = {0, 1000000};
    r = sigtimedwait(&s, &si, &short_ts);
    printf("sigtimedwait timeout: %d errno %d\n", r, errno);
    CHECK(r == -1 && errno == EAGAIN);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* ignored signals do nothing */
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("ignored: alive\n");
    return check_done();
}
