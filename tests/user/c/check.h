/* Self-checking helpers for the C test programs: each line printed is
 * compared with qemu-riscv64's; CHECK also fails the program on its own. */
#ifndef CHECK_H
#define CHECK_H
#include <stdio.h>
#include <stdlib.h>

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
#endif
