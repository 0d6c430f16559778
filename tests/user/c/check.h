/* Self-checking helpers for the C test programs: each line printed is
 * compared with qemu-riscv64's; CHECK also fails the program on its own. */
#ifndef CHECK_H
#define CHECK_H
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                   \
            check_failures++;                                                        \
        }                                                                            \
    } while (0)
static inline int check_done(void)
{
    printf(check_failures ? "FAILED %d\n" : "ok\n", check_failures);
    return check_failures ? 1 : 0;
}

/* Where Debian's qemu-riscv64 (7.2) is wrong or lacks a call, a test
 * tolerates its answer only outside vm: prog-diff.sh runs vm with
 * VM_USER_TEST=1 in the environment (qemu without), and what differs goes
 * to stderr, which is not compared. */
static inline int under_vm(void)
{
    const char *v = getenv("VM_USER_TEST");
    return v && *v == '1';
}

/* sigaction(sig) with a plain handler, or a SA_SIGINFO one */
static inline void set_handler(int sig, void (*h)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = h;
    sa.sa_flags = flags;
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

static inline void set_info_handler(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    CHECK(sigaction(sig, &sa, NULL) == 0);
}
#endif
