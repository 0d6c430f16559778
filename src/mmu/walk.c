/* The page-table walker (privileged spec 1.12, 4.3.2, for Sv39/48/57),
 * with the walk cache for non-leaf PTEs and Svadu/Svade A/D handling. */
#include "mmu/mmu_internal.h"

unsigned mmu_va_bits(uint64_t satp)
{
    switch (satp_mode(satp)) {
    case VM_SATP_SV39: return 39;
    case VM_SATP_SV48: return 48;
    case VM_SATP_SV57: return 57;
    default: return 64;
    }
}

bool mmu_va_canonical(uint64_t va, unsigned bits)
{
    if (bits >= 64)
        return true;
    int64_t top = (int64_t)va >> (bits - 1);
    return top == 0 || top == -1;
}

bool mmu_perm_ok(uint16_t flags, enum vm_access acc, enum vm_priv priv, bool sum, bool mxr)
{
    if (flags & TLBE_BARE)
        return true;
    if (priv == VM_PRIV_U) {
        if (!(flags & PTE_U))
            return false;
    } else if (flags & PTE_U) {
        /* S-mode: never executes user pages; loads/stores need SUM. */
        if (acc == VM_ACCESS_FETCH || !sum)
            return false;
    }
    switch (acc) {
    case VM_ACCESS_FETCH: return flags & PTE_X;
    case VM_ACCESS_LOAD: return (flags & PTE_R) || (mxr && (flags & PTE_X));
    default: return flags & PTE_W;
    }
}

static unsigned levels_of(uint64_t satp)
{
    return (mmu_va_bits(satp) - 12) / 9;
}

static unsigned vpn_index(uint64_t va, unsigned level)
{
    return (unsigned)(va >> (12 + 9 * level)) & 0x1ff;
}

/* PTEs live in RAM; anything else is an access fault, and so is a PTE the
 * PMP does not let S-mode read (or, for an A/D update, write). */
static uint64_t *pte_ptr(struct vm_mmu_hart *h, uint64_t pte_pa, enum vm_access how)
{
    if (!pmp_allows(&h->pmp, pte_pa, 8, how, VM_PRIV_S))
        return NULL;
    return vm_mem_ram_ptr(h->mmu->mem, pte_pa, 8);
}

enum vm_fault mmu_walk(struct vm_mmu_hart *h, uint64_t satp, uint64_t va,
                       const struct walk_ctx *wc, struct tlb_entry *out)
{
    struct walk_cache *ptc = &h->ptc;
    bool use_ptc = wc->use_ptc && ptc->enabled;
    unsigned levels = levels_of(satp);

    if (wc->count)
        h->stats.walks++;
restart:;
    uint64_t base = satp_root(satp);
    for (int level = (int)levels - 1; level >= 0; level--) {
        unsigned idx = vpn_index(va, (unsigned)level);
        uint64_t pte;
        uint64_t *p = NULL;
        bool cached = false;
        if (use_ptc && level > 0) {
            uint64_t gen;
            cached = ptc_lookup(ptc, base, (unsigned)level, idx, &pte, &gen) &&
                     gen >= wc->fresh_gen;
            if (wc->count)
                cached ? h->stats.ptc_hits++ : h->stats.ptc_misses++;
        }
        if (!cached) {
            p = pte_ptr(h, base + idx * 8, VM_ACCESS_LOAD);
            if (!p)
                return mmu_access_fault(wc->acc);
            pte = __atomic_load_n(p, __ATOMIC_ACQUIRE);
            if (wc->count)
                h->stats.pte_reads++;
            else
                h->stats.prefetch_walk_reads++;
        }
        if (!(pte & PTE_V) || ((pte & PTE_W) && !(pte & PTE_R)) || (pte & PTE_RESERVED_MASK))
            return mmu_page_fault(wc->acc);
        uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
        if (!(pte & (PTE_R | PTE_X))) {
            /* Non-leaf: A, D, U, N and PBMT are reserved and must be zero. */
            if (level == 0 || (pte & (PTE_A | PTE_D | PTE_U | PTE_N | PTE_PBMT)))
                return mmu_page_fault(wc->acc);
            if (use_ptc && !cached)
                ptc_insert(ptc, base, (unsigned)level, idx, pte, wc->fresh_gen);
            base = ppn << 12;
            continue;
        }
        /* Leaf. PBMT (Svpbmt) only states a memory type, which changes
         * nothing here (every memory is coherent); a reserved type, or any
         * type while PBMT is off, faults. */
        unsigned pbmt = (unsigned)((pte & PTE_PBMT) >> PTE_PBMT_SHIFT);
        if (pbmt && (!h->rules.pbmt || pbmt == 3))
            return mmu_page_fault(wc->acc);
        if (wc->count && pbmt)
            pbmt == 1 ? h->stats.walk_pbmt_nc++ : h->stats.walk_pbmt_io++;
        if (pte & PTE_N) {
            /* Svnapot: only 64 KiB (PPN[3:0] = 1000) at level 0 exists.
             * Cached as the 4 KiB page of va: PPN[3:0] come from va. */
            if (!h->rules.napot || level != 0 || (ppn & 0xf) != 8)
                return mmu_page_fault(wc->acc);
            ppn = (ppn & ~0xfULL) | ((va >> 12) & 0xf);
            if (wc->count)
                h->stats.walk_napot++;
        }
        uint16_t flags = (uint16_t)(pte & 0xff);
        if (!wc->speculative && !mmu_perm_ok(flags, wc->acc, wc->priv, wc->sum, wc->mxr))
            return mmu_page_fault(wc->acc);
        unsigned shift = 12 + 9 * (unsigned)level;
        if (ppn & ((1ULL << (shift - 12)) - 1)) /* misaligned superpage */
            return mmu_page_fault(wc->acc);
        bool need_a = !(pte & PTE_A);
        bool need_d = wc->acc == VM_ACCESS_STORE && !(pte & PTE_D);
        if (need_a || need_d) {
            if (wc->speculative || !h->rules.hw_ad_update)
                return mmu_page_fault(wc->acc);
            uint64_t want = pte | PTE_A | (need_d ? PTE_D : 0);
            /* The update is a store to the PTE, checked by the PMP (a
             * dry run too: it reports what the access would get). */
            p = pte_ptr(h, base + idx * 8, VM_ACCESS_STORE);
            if (!p)
                return mmu_access_fault(wc->acc);
            const struct vm_mem_region *r = vm_mem_find(h->mmu->mem, base + idx * 8);
            if (!wc->dry_run && !r->readonly) { /* a PTE in ROM: the update is dropped */
                if (!__atomic_compare_exchange_n(p, &pte, want, false, __ATOMIC_ACQ_REL,
                                                 __ATOMIC_ACQUIRE))
                    goto restart; /* the PTE changed under us: walk again */
            }
            pte = want; /* a dry run reports what the access would get */
            flags = (uint16_t)(pte & 0xff);
        }
        uint64_t page_mask = (1ULL << shift) - 1;
        out->va = va & ~page_mask;
        out->pa = (ppn << 12) & ~page_mask;
        out->satp = satp;
        out->flags = flags;
        out->shift = (uint8_t)shift;
        return VM_FAULT_NONE;
    }
    return mmu_page_fault(wc->acc); /* not reached: level 0 non-leaf faults above */
}

void mmu_ptc_forget_path(struct vm_mmu_hart *h, uint64_t satp, uint64_t va)
{
    if (!h->ptc.enabled || satp_mode(satp) == VM_SATP_BARE)
        return;
    uint64_t base = satp_root(satp);
    for (int level = (int)levels_of(satp) - 1; level > 0; level--) {
        unsigned idx = vpn_index(va, (unsigned)level);
        uint64_t pte, gen;
        if (!ptc_lookup(&h->ptc, base, (unsigned)level, idx, &pte, &gen))
            return;
        ptc_remove(&h->ptc, base, (unsigned)level, idx);
        base = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
    }
}
