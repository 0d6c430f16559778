/* hash: an open-addressing hash table (FNV-1a of 8-byte keys, linear
 * probing): inserts, hits and misses. */
#include "bench.h"

#define SLOTS (1 << 16)
#define KEYS (SLOTS / 2)
#define ROUNDS 320

static uint64_t keys[SLOTS];
static uint64_t vals[SLOTS];

static uint64_t fnv1a(uint64_t k)
{
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < 8; i++) {
        h ^= (k >> (8 * i)) & 0xff;
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t *lookup(uint64_t k, int insert)
{
    uint64_t i = fnv1a(k) & (SLOTS - 1);
    while (keys[i] != 0 && keys[i] != k)
        i = (i + 1) & (SLOTS - 1);
    if (keys[i] == 0) {
        if (!insert)
            return 0;
        keys[i] = k;
    }
    return &vals[i];
}

int main(void)
{
    uint64_t sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t seed = 0x9e3779b97f4a7c15ULL + r;
        for (int i = 0; i < SLOTS; i++)
            keys[i] = 0;
        for (int i = 0; i < KEYS; i++)
            *lookup(bench_rand(&seed) | 1, 1) += i;
        seed = 0x9e3779b97f4a7c15ULL + r;
        for (int i = 0; i < KEYS; i++) {
            uint64_t *v = lookup(bench_rand(&seed) | 1, 0);   /* hits */
            sum += v ? *v : 1000000;
            v = lookup((uint64_t)i << 1, 0);                  /* misses (even keys) */
            sum += v ? 7 : 0;
        }
    }
    bench_report("hash", sum);
    return 0;
}
