/* MMU statistics: per hart, summed on demand. */
#include "mmu/mmu_internal.h"

void vm_mmu_get_stats(const struct vm_mmu_hart *h, struct vm_mmu_stats *out)
{
    *out = h->stats;
}

void vm_mmu_stats_add(struct vm_mmu_stats *sum, const struct vm_mmu_stats *s)
{
    /* Every field is a uint64_t counter: add them as an array. */
    uint64_t *d = (uint64_t *)sum;
    const uint64_t *a = (const uint64_t *)s;
    for (size_t i = 0; i < sizeof(*s) / sizeof(uint64_t); i++)
        d[i] += a[i];
}

void vm_mmu_reset_stats(struct vm_mmu_hart *h)
{
    h->stats = (struct vm_mmu_stats){0};
    h->ad.snap = h->stats;
}
