#include "page_tables.h"

#include <stdio.h>
#include <stdlib.h>

void pt_init(struct pt_builder *b, struct vm_mem *mem, unsigned levels, uint64_t pool,
             uint64_t pool_size)
{
    b->mem = mem;
    b->levels = levels;
    b->next = pool + VM_PAGE_SIZE;
    b->end = pool + pool_size;
    b->root = pool;
}

static uint64_t *pte_at(struct pt_builder *b, uint64_t pa)
{
    uint64_t *p = vm_mem_ram_ptr(b->mem, pa, 8);
    if (!p) {
        fprintf(stderr, "bench: page table at 0x%llx outside RAM\n", (unsigned long long)pa);
        exit(1);
    }
    return p;
}

static void map_one(struct pt_builder *b, uint64_t va, uint64_t pa, unsigned shift)
{
    unsigned leaf_level = (shift - 12) / 9;
    uint64_t table = b->root;
    for (unsigned level = b->levels - 1; level > leaf_level; level--) {
        uint64_t *pte = pte_at(b, table + ((va >> (12 + 9 * level)) & 0x1ff) * 8);
        if (!(*pte & 1)) {
            if (b->next >= b->end) {
                fprintf(stderr, "bench: page-table pool exhausted\n");
                exit(1);
            }
            *pte = (b->next >> 12) << 10 | 1;
            b->next += VM_PAGE_SIZE;
        }
        table = (*pte >> 10) << 12;
    }
    uint64_t *leaf = pte_at(b, table + ((va >> (12 + 9 * leaf_level)) & 0x1ff) * 8);
    *leaf = (pa >> 12) << 10 | 0xcf; /* D A - - X W R V */
}

void pt_map(struct pt_builder *b, uint64_t va, uint64_t pa, uint64_t size, unsigned shift)
{
    for (uint64_t off = 0; off < size; off += 1ULL << shift)
        map_one(b, va + off, pa + off, shift);
}

uint64_t pt_satp(const struct pt_builder *b, uint16_t asid)
{
    static const uint64_t modes[] = {[3] = 8, [4] = 9, [5] = 10};
    return modes[b->levels] << 60 | (uint64_t)asid << 44 | b->root >> 12;
}
