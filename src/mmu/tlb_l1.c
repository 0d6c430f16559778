/* L1 TLB: per hart, direct-mapped {tag, addend} tables, one per access kind
 * and translation context. A shadow array keeps the full translation behind
 * each slot, for flushes and for handing victims to L2. */
#include <stdlib.h>
#include <string.h>

#include "vm/error.h"
#include "mmu/mmu_internal.h"

static size_t table_index(const struct vm_mmu_hart *h, unsigned kind, unsigned ctx)
{
    return ((size_t)kind * L1_CONTEXTS + ctx) * h->l1_entries;
}

static void invalidate_table(struct vm_mmu_hart *h, unsigned kind, unsigned ctx)
{
    struct l1_entry *t = &h->l1[table_index(h, kind, ctx)];
    for (unsigned i = 0; i < h->l1_entries; i++)
        l1_set_tag(&t[i], L1_INVALID);
}

int l1_init(struct vm_mmu_hart *h)
{
    h->l1_entries = h->mmu->cfg.l1_entries;
    h->l1_offset_mask = (uint64_t)(h->l1_entries - 1) << 4;
    h->l1 = aligned_alloc(64, l1_total_entries(h) * sizeof(*h->l1));
    h->shadow = malloc(l1_total_entries(h) * sizeof(*h->shadow));
    if (!h->l1 || !h->shadow) {
        l1_fini(h);
        return vm_error(VM_ENOMEM, "L1 TLB: out of memory");
    }
    for (unsigned k = 0; k < VM_ACCESS_KINDS; k++) {
        for (unsigned c = 0; c < L1_CONTEXTS; c++)
            invalidate_table(h, k, c);
        __atomic_store_n(&h->l1_used[k], 0, __ATOMIC_RELAXED);
    }
    h->super_lo = ~0ULL;
    h->super_hi = 0;
    return 0;
}

void l1_fini(struct vm_mmu_hart *h)
{
    free(h->l1);
    free(h->shadow);
    h->l1 = NULL;
    h->shadow = NULL;
}

/* The context decides which permissions an L1 entry stands for. */
void l1_update_context(struct vm_mmu_hart *h)
{
    bool bare = satp_mode(h->satp) == VM_SATP_BARE;
    enum vm_priv data_priv = h->priv;
    if (h->priv == VM_PRIV_M && (h->mstatus & VM_MSTATUS_MPRV))
        data_priv = (enum vm_priv)((h->mstatus >> VM_MSTATUS_MPP_SHIFT) & 3);
    for (unsigned k = 0; k < VM_ACCESS_KINDS; k++) {
        enum vm_priv p = k == VM_ACCESS_FETCH ? h->priv : data_priv;
        unsigned ctx;
        if (p == VM_PRIV_M) {
            ctx = CTX_BARE;
        } else if (bare) {
            ctx = CTX_BARE_SU;
        } else {
            ctx = p == VM_PRIV_U ? CTX_U : CTX_S;
            if (k != VM_ACCESS_FETCH && p == VM_PRIV_S && (h->mstatus & VM_MSTATUS_SUM))
                ctx |= CTX_SUM;
            if (k == VM_ACCESS_LOAD && (h->mstatus & VM_MSTATUS_MXR))
                ctx |= CTX_MXR;
        }
        h->ctx[k] = ctx;
        h->cur[k] = &h->l1[table_index(h, k, ctx)];
    }
    if (h->cur_copy)
        memcpy(h->cur_copy, h->cur, sizeof(h->cur));
}

void l1_fill(struct vm_mmu_hart *h, enum vm_access acc, uint64_t va, const struct tlb_entry *e,
             uint8_t *host_page)
{
    uint64_t page = va & ~0xfffULL;
    unsigned slot = (unsigned)(page >> 12) & (h->l1_entries - 1);
    size_t base = table_index(h, acc, h->ctx[acc]);
    struct l1_entry *le = &h->l1[base + slot];
    struct tlb_entry *sh = &h->shadow[base + slot];
    if (l1_tag(le) != L1_INVALID && !(sh->flags & TLBE_BARE) && use_l2(h) &&
        (sh->va != e->va || sh->shift != e->shift)) {
        struct tlb_entry victim;
        if (l2_insert(&h->l2, sh, &victim) && (victim.flags & TLBE_PREFETCHED))
            h->stats.prefetch_wasted++;
    }
    *sh = *e;
    l1_set_tag(le, L1_INVALID); /* never a new tag with the old addend */
    __atomic_store_n(&le->addend, (uintptr_t)host_page - (uintptr_t)page, __ATOMIC_RELAXED);
    l1_set_tag(le, page);
    __atomic_store_n(&h->l1_used[acc], h->l1_used[acc] | 1u << h->ctx[acc], __ATOMIC_RELAXED);
    if (e->shift > 12) {
        if (e->va < h->super_lo)
            h->super_lo = e->va;
        uint64_t end = e->va + (1ULL << e->shift) - 1;
        if (end > h->super_hi)
            h->super_hi = end;
    }
}

static bool shadow_matches(const struct tlb_entry *e, bool has_va, uint64_t va, bool has_asid,
                           uint16_t asid)
{
    if (has_va && e->va != (va & ~((1ULL << e->shift) - 1)))
        return false;
    if (has_asid && ((e->flags & (PTE_G | TLBE_BARE)) || satp_asid(e->satp) != asid))
        return false;
    return true;
}

void l1_flush(struct vm_mmu_hart *h, bool has_va, uint64_t va, bool has_asid, uint16_t asid)
{
    /* An address flush touches one slot per table, unless va may lie in a
     * superpage, whose 4 KiB pieces sit in many slots. */
    bool scan_all = !has_va || (va >= h->super_lo && va <= h->super_hi);
    for (unsigned k = 0; k < VM_ACCESS_KINDS; k++) {
        for (uint32_t m = h->l1_used[k]; m; m &= m - 1) {
            unsigned ctx = (unsigned)__builtin_ctz(m);
            size_t base = table_index(h, k, ctx);
            if (!has_va && !has_asid) {
                invalidate_table(h, k, ctx);
                continue;
            }
            unsigned first = 0, n = h->l1_entries;
            if (!scan_all) {
                first = (unsigned)(va >> 12) & (h->l1_entries - 1);
                n = 1;
            }
            for (unsigned i = first; i < first + n; i++)
                if (l1_tag(&h->l1[base + i]) != L1_INVALID &&
                    shadow_matches(&h->shadow[base + i], has_va, va, has_asid, asid))
                    l1_set_tag(&h->l1[base + i], L1_INVALID);
        }
        if (!has_va && !has_asid)
            __atomic_store_n(&h->l1_used[k], 0, __ATOMIC_RELAXED);
    }
    if (!has_va && !has_asid) {
        h->super_lo = ~0ULL;
        h->super_hi = 0;
    }
}

void l1_drop_store_host(struct vm_mmu_hart *h, uintptr_t host_page)
{
    uint32_t used = __atomic_load_n(&h->l1_used[VM_ACCESS_STORE], __ATOMIC_RELAXED);
    for (uint32_t m = used; m; m &= m - 1) {
        struct l1_entry *t =
            &h->l1[table_index(h, VM_ACCESS_STORE, (unsigned)__builtin_ctz(m))];
        for (unsigned i = 0; i < h->l1_entries; i++) {
            uint64_t tag = l1_tag(&t[i]);
            if (tag != L1_INVALID &&
                tag + __atomic_load_n(&t[i].addend, __ATOMIC_RELAXED) == host_page)
                l1_set_tag(&t[i], L1_INVALID);
        }
    }
}
