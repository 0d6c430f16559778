/* A process that exits while an interval timer keeps signalling it: the
 * signals that come while vm tears the process down must not reach a hart
 * that is gone (vm once used the freed vCPU there: ASan saw it, a release
 * build could crash on the way out). 20 children each take a few SIGALRMs
 * of a 5 ms timer and exit with the timer still running. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static volatile int ticks;
static void on_alarm(int sig)
{
    (void)sig;
    ticks++;
}

int main(void)
{
    int good = 0;
    for (int i = 0; i < 20; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            set_handler(SIGALRM, on_alarm, SA_RESTART);
            struct itimerval it = {{0, 5000}, {0, 5000}};
            setitimer(ITIMER_REAL, &it, NULL);
            while (ticks < 3)
                ;
            _exit(7); /* the timer still runs */
        }
        int st = 0;
        CHECK(waitpid(pid, &st, 0) == pid);
        good += WIFEXITED(st) && WEXITSTATUS(st) == 7;
        if (!(WIFEXITED(st) && WEXITSTATUS(st) == 7))
            fprintf(stderr, "child %d: status 0x%x\n", i, st);
    }
    printf("children that exited 7 with their timer running: %d of 20\n", good);
    CHECK(good == 20);
    return check_done();
}
