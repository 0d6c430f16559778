/* MMU statistics: per hart, summed on demand, as text for people. */
#include <inttypes.h>
#include <stdio.h>

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

static double ratio(uint64_t a, uint64_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

size_t vm_mmu_report(char *buf, size_t size, const char *in, const struct vm_mmu_stats *s,
                     const char *policy)
{
    uint64_t l1_hits = s->l1_hits[0] + s->l1_hits[1] + s->l1_hits[2];
    char l1[128];
    if (l1_hits)
        snprintf(l1, sizeof(l1), "hits %" PRIu64 "/%" PRIu64 "/%" PRIu64 ", ", s->l1_hits[0],
                 s->l1_hits[1], s->l1_hits[2]);
    else
        snprintf(l1, sizeof(l1), "hits not counted (-accel tcg,l1-hits=on counts them), ");
    return (size_t)snprintf(
        buf, size,
        "%spolicy: %s\n"
        "%sL1 (fetch/load/store): %smisses %" PRIu64 "/%" PRIu64 "/%" PRIu64 "\n"
        "%sL2: hits %" PRIu64 ", misses %" PRIu64 " (%.1f%% hit)\n"
        "%sL3 (shared): hits %" PRIu64 ", misses %" PRIu64 " (%.1f%% hit)\n"
        "%swalks: %" PRIu64 ", PTE reads %" PRIu64 " (%.2f per walk), faults %" PRIu64 "\n"
        "%swalk cache: hits %" PRIu64 ", misses %" PRIu64 " (%.1f%% hit)\n"
        "%sprefetch: issued %" PRIu64 ", useful %" PRIu64 ", wasted %" PRIu64
        ", PTE reads %" PRIu64 "\n"
        "%sflushes: %" PRIu64 " (for other harts %" PRIu64 "), L1 tables resized %" PRIu64 "; adaptive kept prefetch off %" PRIu64
        " times, skipped levels %" PRIu64 " times\n",
        in, policy ? policy : "-", in, l1, s->l1_misses[0], s->l1_misses[1], s->l1_misses[2], in,
        s->l2_hits, s->l2_misses, 100 * ratio(s->l2_hits, s->l2_hits + s->l2_misses), in,
        s->l3_hits, s->l3_misses, 100 * ratio(s->l3_hits, s->l3_hits + s->l3_misses), in,
        s->walks, s->pte_reads, ratio(s->pte_reads, s->walks), s->faults, in, s->ptc_hits,
        s->ptc_misses, 100 * ratio(s->ptc_hits, s->ptc_hits + s->ptc_misses), in,
        s->prefetch_issued, s->prefetch_useful, s->prefetch_wasted, s->prefetch_walk_reads, in,
        s->flushes, s->remote_flushes, s->l1_resizes, s->adaptive_prefetch_off, s->adaptive_level_skips);
}
