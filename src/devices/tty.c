/* Host terminal raw mode and its restoration (tty.h). */
#include "devices/tty.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static struct termios saved_tty;
static volatile sig_atomic_t tty_fd = -1; /* >= 0 while in raw mode */
/* Set while vm_tty_make_raw publishes tty_fd and makes the terminal raw
 * (with the signals blocked on its own thread): a handler running on
 * another thread then waits, or its restore could land before the raw
 * settings and the process would end with the terminal raw. */
static volatile sig_atomic_t tty_changing;
/* Every signal whose default action ends the process (and a few that are
 * usually handled): the terminal must be restored on each of them. */
static const int fatal_signals[] = {SIGINT,  SIGTERM, SIGHUP,    SIGQUIT,   SIGSEGV, SIGBUS,
                                    SIGFPE,  SIGILL,  SIGABRT,   SIGPIPE,   SIGUSR1, SIGUSR2,
                                    SIGALRM, SIGTRAP, SIGVTALRM, SIGPROF,   SIGXCPU, SIGXFSZ,
                                    SIGSYS,  SIGPWR,  SIGSTKFLT, SIGIO};
#define NR_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction old_actions[NR_FATAL];
static pthread_mutex_t tty_lock = PTHREAD_MUTEX_INITIALIZER;

static void restore_now(void)
{
    vm_tty_restore_now();
}

void vm_tty_restore_now(void)
{
    /* at most a second: never hang an ending process */
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0); /* async-signal-safe */
    while (tty_changing && clock_gettime(CLOCK_MONOTONIC, &t) == 0 && t.tv_sec - t0.tv_sec < 2)
        sched_yield();
    int fd = tty_fd;
    if (fd >= 0) {
        tcsetattr(fd, TCSANOW, &saved_tty); /* async-signal-safe */
        tty_fd = -1;
    }
}

static void fatal_signal_handler(int sig)
{
    restore_now();
    for (unsigned i = 0; i < NR_FATAL; i++) {
        if (fatal_signals[i] == sig) {
            sigaction(sig, &old_actions[i], NULL);
            break;
        }
    }
    raise(sig); /* delivered once this handler returns */
}

bool vm_tty_make_raw(int fd, bool signals)
{
    static bool hooks_installed;
    if (!isatty(fd))
        return false;
    pthread_mutex_lock(&tty_lock);
    if (tty_fd >= 0 || tcgetattr(fd, &saved_tty) < 0) {
        pthread_mutex_unlock(&tty_lock);
        return false;
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old); /* no handler on this thread meanwhile */
    tty_changing = 1;
    if (!hooks_installed) {
        hooks_installed = true;
        atexit(restore_now);
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = fatal_signal_handler;
        sigemptyset(&sa.sa_mask);
        for (unsigned i = 0; i < NR_FATAL; i++) {
            /* A signal ignored when vm started (`vm ... &` in a script
             * ignores SIGINT and SIGQUIT, nohup SIGHUP) stays ignored. */
            if (sigaction(fatal_signals[i], NULL, &old_actions[i]) == 0 &&
                old_actions[i].sa_handler != SIG_IGN)
                sigaction(fatal_signals[i], &sa, NULL);
        }
    }
    struct termios t = saved_tty;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST;
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
    if (!signals)
        t.c_lflag &= ~(tcflag_t)ISIG;
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tty_fd = fd;
    tcsetattr(fd, TCSANOW, &t);
    tty_changing = 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_mutex_unlock(&tty_lock);
    return true;
}

void vm_tty_restore(int fd)
{
    pthread_mutex_lock(&tty_lock);
    if (tty_fd == fd)
        restore_now();
    pthread_mutex_unlock(&tty_lock);
}
