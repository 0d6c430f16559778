/* L2 TLB: per hart, set-associative, tagged by ASID; holds L1 victims.
 * A set is probed once per page size that the level currently holds. */
#include <stdlib.h>

#include "vm/error.h"
#include "mmu/mmu_internal.h"

static unsigned set_of(const struct tlb_l2 *l2, uint64_t va, unsigned shift)
{
    uint64_t vpn = va >> shift;
    return (unsigned)((vpn ^ (vpn >> 17) ^ shift) & (l2->sets - 1));
}

static bool matches(const struct tlb_entry *e, uint64_t va, uint16_t asid)
{
    return e->va == (va & ~((1ULL << e->shift) - 1)) &&
           ((e->flags & PTE_G) || satp_asid(e->satp) == asid);
}

int l2_init(struct tlb_l2 *l2, unsigned sets, unsigned ways)
{
    *l2 = (struct tlb_l2){.sets = sets, .ways = ways};
    if (!sets)
        return 0;
    l2->e = malloc((size_t)sets * ways * sizeof(*l2->e));
    l2->next_victim = calloc(sets, 1);
    if (!l2->e || !l2->next_victim) {
        l2_fini(l2);
        return vm_error(VM_ENOMEM, "L2 TLB of %u x %u entries: out of memory", sets, ways);
    }
    for (size_t i = 0; i < (size_t)sets * ways; i++)
        l2->e[i].va = TLBE_INVALID_VA;
    return 0;
}

void l2_fini(struct tlb_l2 *l2)
{
    free(l2->e);
    free(l2->next_victim);
    l2->e = NULL;
    l2->next_victim = NULL;
}

struct tlb_entry *l2_lookup(struct tlb_l2 *l2, uint64_t va, uint16_t asid)
{
    for (unsigned m = l2->shifts_present; m; m &= m - 1) {
        unsigned shift = 12 + 9 * (unsigned)__builtin_ctz(m);
        struct tlb_entry *set = &l2->e[(size_t)set_of(l2, va, shift) * l2->ways];
        for (unsigned w = 0; w < l2->ways; w++)
            if (set[w].shift == shift && matches(&set[w], va, asid))
                return &set[w];
    }
    return NULL;
}

bool l2_contains(struct tlb_l2 *l2, uint64_t va, uint16_t asid)
{
    return l2_lookup(l2, va, asid) != NULL;
}

bool l2_insert(struct tlb_l2 *l2, const struct tlb_entry *e, struct tlb_entry *victim)
{
    struct tlb_entry *set = &l2->e[(size_t)set_of(l2, e->va, e->shift) * l2->ways];
    unsigned s = set_of(l2, e->va, e->shift);
    struct tlb_entry *slot = NULL;
    for (unsigned w = 0; w < l2->ways && !slot; w++) /* same translation: refresh */
        if (set[w].va == e->va && set[w].shift == e->shift &&
            satp_asid(set[w].satp) == satp_asid(e->satp))
            slot = &set[w];
    for (unsigned w = 0; w < l2->ways && !slot; w++)
        if (set[w].va == TLBE_INVALID_VA)
            slot = &set[w];
    bool evicted = false;
    if (!slot) {
        slot = &set[l2->next_victim[s]];
        l2->next_victim[s] = (uint8_t)((l2->next_victim[s] + 1) % l2->ways);
        *victim = *slot;
        evicted = true;
    }
    *slot = *e;
    l2->shifts_present |= 1u << ((e->shift - 12) / 9);
    return evicted;
}

static bool flush_matches(const struct tlb_entry *e, bool has_va, uint64_t va, bool has_asid,
                          uint16_t asid)
{
    if (e->va == TLBE_INVALID_VA)
        return false;
    if (has_va && e->va != (va & ~((1ULL << e->shift) - 1)))
        return false;
    if (has_asid && ((e->flags & PTE_G) || satp_asid(e->satp) != asid))
        return false;
    return true;
}

unsigned l2_flush(struct tlb_l2 *l2, bool has_va, uint64_t va, bool has_asid, uint16_t asid)
{
    unsigned wasted = 0;
    if (!l2->sets)
        return 0;
    if (has_va) { /* only the sets va can live in */
        for (unsigned m = l2->shifts_present; m; m &= m - 1) {
            unsigned shift = 12 + 9 * (unsigned)__builtin_ctz(m);
            struct tlb_entry *set = &l2->e[(size_t)set_of(l2, va, shift) * l2->ways];
            for (unsigned w = 0; w < l2->ways; w++)
                if (set[w].shift == shift && flush_matches(&set[w], true, va, has_asid, asid)) {
                    wasted += !!(set[w].flags & TLBE_PREFETCHED);
                    set[w].va = TLBE_INVALID_VA;
                }
        }
        return wasted;
    }
    size_t n = (size_t)l2->sets * l2->ways;
    for (size_t i = 0; i < n; i++)
        if (flush_matches(&l2->e[i], false, 0, has_asid, asid)) {
            wasted += !!(l2->e[i].flags & TLBE_PREFETCHED);
            l2->e[i].va = TLBE_INVALID_VA;
        }
    if (!has_asid)
        l2->shifts_present = 0;
    return wasted;
}
