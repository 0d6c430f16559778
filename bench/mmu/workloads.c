#include "workloads.h"

#include <stdlib.h>

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* A random single cycle through the pages of the working set, one 8-byte
 * node per page at a random offset: every step is a dependent load. */
static void build_chase(const struct workload *w, struct vm_mem *mem, uint64_t *va,
                        uint64_t *seed)
{
    size_t pages = w->ws / VM_PAGE_SIZE;
    uint64_t *order = malloc(pages * sizeof(*order));
    for (size_t i = 0; i < pages; i++)
        order[i] = i;
    for (size_t i = pages - 1; i > 0; i--) {
        size_t j = xorshift(seed) % (i + 1);
        uint64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    uint64_t *node_va = malloc(pages * sizeof(*node_va));
    for (size_t i = 0; i < pages; i++)
        node_va[i] = BENCH_VA_4K + order[i] * VM_PAGE_SIZE + (xorshift(seed) % 512) * 8;
    for (size_t i = 0; i < pages; i++) {
        uint64_t next = node_va[(i + 1) % pages];
        uint64_t pa = BENCH_DATA_PA + (node_va[i] - BENCH_VA_4K);
        vm_mem_store(mem, pa, 8, next);
    }
    va[0] = node_va[0];
    free(order);
    free(node_va);
}

void workload_addresses(const struct workload *w, struct vm_mem *mem, uint64_t *va, size_t n,
                        uint64_t seed)
{
    uint64_t s = seed | 1;
    switch (w->kind) {
    case WL_SEQ:
        for (size_t i = 0; i < n; i++)
            va[i] = BENCH_VA_4K + (i * 64) % w->ws;
        break;
    case WL_STRIDE:
        for (size_t i = 0; i < n; i++)
            va[i] = BENCH_VA_4K + (i * 4 * VM_PAGE_SIZE + 64) % w->ws;
        break;
    case WL_CHASE:
        build_chase(w, mem, va, &s);
        break;
    case WL_MIXED:
        for (size_t i = 0; i < n; i++)
            va[i] = BENCH_VA_MIXED + (xorshift(&s) % w->ws & ~7ULL);
        break;
    case WL_RANDOM:
    case WL_THREADS:
        for (size_t i = 0; i < n; i++)
            va[i] = BENCH_VA_4K + (xorshift(&s) % w->ws & ~7ULL);
        break;
    }
}
