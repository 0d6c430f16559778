/* Address streams for the MMU benchmark. */
#ifndef BENCH_WORKLOADS_H
#define BENCH_WORKLOADS_H

#include <stddef.h>
#include <stdint.h>

#include "vm/mem.h"

/* Guest layout of the benchmark machine. */
#define BENCH_RAM_BASE 0x80000000ULL
#define BENCH_PT_POOL_SIZE (64ULL << 20)
#define BENCH_DATA_PA (BENCH_RAM_BASE + BENCH_PT_POOL_SIZE)
#define BENCH_DATA_SIZE (1ULL << 30)
#define BENCH_RAM_SIZE (BENCH_PT_POOL_SIZE + BENCH_DATA_SIZE)
#define BENCH_VA_4K 0x1000000000ULL    /* 1 GiB of 4 KiB pages */
#define BENCH_VA_MIXED 0x2000000000ULL /* 512 MiB: 4 KiB pages, then 2 MiB pages */
#define BENCH_MIXED_SIZE (512ULL << 20)

enum workload_kind { WL_SEQ, WL_RANDOM, WL_STRIDE, WL_CHASE, WL_MIXED, WL_THREADS };

struct workload {
    const char *name;
    enum workload_kind kind;
    uint64_t ws; /* working set in bytes */
    unsigned threads;
};

/* Fills va[0..n) for the workload; seed makes it repeatable. For WL_CHASE
 * it writes the chain into guest memory and returns its start in va[0]. */
void workload_addresses(const struct workload *w, struct vm_mem *mem, uint64_t *va, size_t n,
                        uint64_t seed);

#endif
