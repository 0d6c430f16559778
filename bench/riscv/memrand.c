/* memrand: random read-modify-writes over a 32 MiB array: memory-bound,
 * mostly TLB and cache misses in the guest and the host. */
#include "bench.h"

#define WORDS (32u << 20) / 8
#define OPS 16000000

static uint64_t a[WORDS];

int main(void)
{
    uint64_t seed = 0x2545f4914f6cdd1dULL, sum = 0;
    for (uint64_t i = 0; i < WORDS; i += 512)     /* touch every page once */
        a[i] = i;
    for (long i = 0; i < OPS; i++) {
        uint64_t k = bench_rand(&seed) & (WORDS - 1);
        sum += a[k];
        a[k] = sum ^ k;
    }
    bench_report("memrand", sum);
    return 0;
}
