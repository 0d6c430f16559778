/* Word loops the JIT translates once called a few times (direct.c,
 * direct-vm.c): their loads and stores are then translated accesses. */
#ifndef LOOPS_H
#define LOOPS_H
#include <stdint.h>

__attribute__((noinline, unused)) static uint64_t sum64(const volatile uint64_t *p, int n)
{
    uint64_t s = 0;
    for (int i = 0; i < n; i++)
        s += p[i];
    return s;
}

__attribute__((noinline, unused)) static void fill64(volatile uint64_t *p, int n, uint64_t v)
{
    for (int i = 0; i < n; i++)
        p[i] = v + (uint64_t)i;
}
#endif
