/* Deep recursion: 24 MiB of stack, more than the 8 MiB mapped at start.
 * Run with RLIMIT_STACK raised (ulimit -s 65536: the stack grows into it,
 * as Linux's does). */
#include <stdint.h>
#include <sys/resource.h>

#include "check.h"

static int deep(int n)
{
    volatile char frame[64 * 1024];
    frame[0] = (char)n;
    frame[sizeof(frame) - 1] = (char)n;
    if (n == 0)
        return frame[0];
    return deep(n - 1) + frame[sizeof(frame) - 1] - (char)n + 1;
}

int main(void)
{
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_STACK, &rl) == 0);
    printf("stack limit at least 32 MiB: %d\n",
           rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (32u << 20));
    int r = deep(384);
    printf("recursion 384 x 64 KiB: %d\n", r);
    CHECK(r == 384);
    return check_done();
}
