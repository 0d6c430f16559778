/* L1 TLB: per hart, direct-mapped {tag, addend} tables, one per access kind
 * and translation context. A shadow array keeps the full translation behind
 * each slot, for flushes and for handing victims to L2.
 *
 * With cfg.l1_max_entries set, each table sizes itself to its working set
 * (as QEMU's dynamic TLB): one that refills more than twice its size
 * between clears grows four times, and a full flush that finds it mostly
 * unused shrinks it, so clearing stays proportional to what was filled.
 * Every table owns a slot of l1_cap entries in one reservation that is
 * touched only as far as the table has grown. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vm/error.h"
#include "mmu/mmu_internal.h"

static size_t table_index(const struct vm_mmu_hart *h, unsigned kind, unsigned ctx)
{
    return ((size_t)kind * L1_CONTEXTS + ctx) * h->l1_cap;
}

static unsigned table_size(const struct vm_mmu_hart *h, unsigned kind, unsigned ctx)
{
    return __atomic_load_n(&h->l1_size[kind][ctx], __ATOMIC_ACQUIRE);
}

/* Clear a table and give it `entries` slots (the ones past them are not
 * read again until it grows, which clears them first). */
static void reset_table(struct vm_mmu_hart *h, unsigned kind, unsigned ctx, unsigned entries)
{
    struct l1_entry *t = &h->l1[table_index(h, kind, ctx)];
    for (unsigned i = 0; i < entries; i++)
        l1_set_tag(&t[i], L1_INVALID);
    /* Released after the clear: a thread that reads the new size sees
     * the slots invalid (l1_drop_store_host). */
    __atomic_store_n(&h->l1_size[kind][ctx], entries, __ATOMIC_RELEASE);
    h->l1_fills[kind][ctx] = 0;
}

static void *reserve(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int l1_init(struct vm_mmu_hart *h)
{
    const struct vm_mmu_config *cfg = &h->mmu->cfg;
    h->l1_min = cfg->l1_entries;
    h->l1_cap = cfg->l1_max_entries > cfg->l1_entries ? cfg->l1_max_entries : cfg->l1_entries;
    h->l1 = reserve(l1_total_entries(h) * sizeof(*h->l1));
    h->shadow = reserve(l1_total_entries(h) * sizeof(*h->shadow));
    if (!h->l1 || !h->shadow) {
        l1_fini(h);
        return vm_error(VM_ENOMEM, "L1 TLB: out of memory");
    }
    for (unsigned k = 0; k < VM_ACCESS_KINDS; k++) {
        for (unsigned c = 0; c < L1_CONTEXTS; c++)
            reset_table(h, k, c, h->l1_min);
        __atomic_store_n(&h->l1_used[k], 0, __ATOMIC_RELAXED);
    }
    h->super_lo = ~0ULL;
    h->super_hi = 0;
    return 0;
}

void l1_fini(struct vm_mmu_hart *h)
{
    if (h->l1)
        munmap(h->l1, l1_total_entries(h) * sizeof(*h->l1));
    if (h->shadow)
        munmap(h->shadow, l1_total_entries(h) * sizeof(*h->shadow));
    h->l1 = NULL;
    h->shadow = NULL;
}

/* cur[] and cur_mask[] (and their copies) for the current contexts. */
static void publish_current(struct vm_mmu_hart *h)
{
    for (unsigned k = 0; k < VM_ACCESS_KINDS; k++) {
        h->cur[k] = &h->l1[table_index(h, k, h->ctx[k])];
        h->cur_mask[k] = (uint64_t)(h->l1_size[k][h->ctx[k]] - 1) << 4;
    }
    if (h->cur_copy)
        memcpy(h->cur_copy, h->cur, sizeof(h->cur));
    if (h->cur_mask_copy)
        memcpy(h->cur_mask_copy, h->cur_mask, sizeof(h->cur_mask));
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
    }
    publish_current(h);
}

/* A table refilled more than twice its size since it was cleared is too
 * small for the working set: four times larger, cleared (its entries would
 * sit in the wrong slots). The clear costs 16 bytes per slot against the
 * 2 x size misses that led here. */
static void maybe_grow(struct vm_mmu_hart *h, enum vm_access acc, unsigned ctx)
{
    unsigned size = h->l1_size[acc][ctx];
    if (++h->l1_fills[acc][ctx] <= 2 * size || size >= h->l1_cap)
        return;
    unsigned grown = size * 4 < h->l1_cap ? size * 4 : h->l1_cap;
    reset_table(h, acc, ctx, grown);
    h->stats.l1_resizes++;
    publish_current(h);
}

void l1_fill(struct vm_mmu_hart *h, enum vm_access acc, uint64_t va, const struct tlb_entry *e,
             uint8_t *host_page)
{
    uint64_t page = va & ~0xfffULL;
    maybe_grow(h, acc, h->ctx[acc]);
    unsigned slot = (unsigned)(page >> 12) & (h->l1_size[acc][h->ctx[acc]] - 1);
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
            unsigned size = h->l1_size[k][ctx];
            if (!has_va && !has_asid) {
                /* Mostly unused since the last clear: shrink to four
                 * times what was filled, so clearing costs what filling did. */
                unsigned fills = h->l1_fills[k][ctx], keep = size;
                while (keep > h->l1_min && keep / 2 >= 4 * fills)
                    keep /= 2;
                if (keep != size)
                    h->stats.l1_resizes++;
                reset_table(h, k, ctx, keep);
                continue;
            }
            unsigned first = 0, n = size;
            if (!scan_all) {
                first = (unsigned)(va >> 12) & (size - 1);
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
        publish_current(h);
    }
}

void l1_drop_store_host(struct vm_mmu_hart *h, uintptr_t host_page)
{
    uint32_t used = __atomic_load_n(&h->l1_used[VM_ACCESS_STORE], __ATOMIC_RELAXED);
    for (uint32_t m = used; m; m &= m - 1) {
        unsigned ctx = (unsigned)__builtin_ctz(m), size = table_size(h, VM_ACCESS_STORE, ctx);
        struct l1_entry *t = &h->l1[table_index(h, VM_ACCESS_STORE, ctx)];
        for (unsigned i = 0; i < size; i++) {
            uint64_t tag = l1_tag(&t[i]);
            if (tag != L1_INVALID &&
                tag + __atomic_load_n(&t[i].addend, __ATOMIC_RELAXED) == host_page)
                l1_set_tag(&t[i], L1_INVALID);
        }
    }
}
