/* Builds Sv39/Sv48/Sv57 page tables in guest RAM for the benchmark. */
#ifndef BENCH_PAGE_TABLES_H
#define BENCH_PAGE_TABLES_H

#include <stdint.h>

#include "vm/mem.h"

struct pt_builder {
    struct vm_mem *mem;
    unsigned levels;   /* 3, 4, 5 */
    uint64_t next, end; /* page-table page allocator */
    uint64_t root;
};

void pt_init(struct pt_builder *b, struct vm_mem *mem, unsigned levels, uint64_t pool,
             uint64_t pool_size);
/* Maps [va, va+size) to [pa, ...) with pages of 1 << shift (12 or 21),
 * leaves R|W|X|A|D|V, not global. */
void pt_map(struct pt_builder *b, uint64_t va, uint64_t pa, uint64_t size, unsigned shift);
uint64_t pt_satp(const struct pt_builder *b, uint16_t asid);

#endif
