/* Deep recursion: 24 MiB of stack, more than the 8 MiB mapped at start.
 * Run with RLIMIT_STACK raised (ulimit -s 65536: the stack grows into it,
 * as Linux's does). At the bottom a signal comes with sp just above the
 * lowest page the stack has: its frame grows the stack (Linux's frame
 * write faults and expands it), the handler runs. */
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"

static volatile int handled;
static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

/* kill(getpid(), SIGUSR1) with sp = at: the frame goes right below it */
static void kill_self_with_sp(uintptr_t at)
{
    register long a0 __asm__("a0") = getpid();
    register long a1 __asm__("a1") = SIGUSR1;
    register long a7 __asm__("a7") = 129;
    register uintptr_t t0 __asm__("t0") = at;
    __asm__ volatile("mv t1, sp\n\tmv sp, t0\n\tecall\n\tmv sp, t1"
                     : "+r"(a0) : "r"(a1), "r"(a7), "r"(t0) : "t1", "memory");
}

static int deep(int n)
{
    volatile char frame[64 * 1024];
    frame[0] = (char)n;
    frame[sizeof(frame) - 1] = (char)n;
    if (n == 0) {
        /* nothing below frame[0]'s page was ever touched */
        kill_self_with_sp(((uintptr_t)&frame[0] & ~(uintptr_t)4095) + 64);
        return frame[0];
    }
    return deep(n - 1) + frame[sizeof(frame) - 1] - (char)n + 1;
}

int main(void)
{
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_STACK, &rl) == 0);
    printf("stack limit at least 32 MiB: %d\n",
           rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (32u << 20));
    set_handler(SIGUSR1, on_usr1, 0);
    int r = deep(384);
    printf("recursion 384 x 64 KiB: %d, handler ran at the bottom: %d\n", r, handled);
    CHECK(r == 384 && handled == 1);
    return check_done();
}
