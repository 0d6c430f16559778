/* loop: a tight integer loop, for raw guest instructions per second. */
#include "bench.h"

#define ITERS 2400000000ULL

int main(void)
{
    uint64_t acc = 1;
    for (uint64_t i = 0; i < ITERS; i++)
        acc += i ^ (acc >> 3);
    bench_report("loop", acc);
    return 0;
}
