/* The MMU's hit path, inlined into the CPU: one direct-mapped L1 probe.
 *
 * The compare value keeps the low (size - 1) bits of the address, so a
 * misaligned access (which might cross a page) never matches a tag, whose
 * low 12 bits are zero; invalid tags are all ones. Permissions, the
 * privilege context, MMIO and watched code pages were decided when the
 * entry was filled, so one compare decides. Everything else is in
 * vm_mmu_load/store/fetch. The host access itself is guarded
 * (core/guarded.h): a host page cut off under the guest's mapping (vm user:
 * a truncated file) is the guest's page fault, not vm's crash. */
#ifndef VM_MMU_FAST_H
#define VM_MMU_FAST_H

#include "core/guarded.h"
#include "mmu/mmu_internal.h"

#define VM_LIKELY(x) __builtin_expect(!!(x), 1)

/* Hits are counted only when asked for (config.count_l1_hits): off, this
 * is a test of a flag on a cache line the probe has just read. */
#define VM_MMU_COUNT_HIT(h, kind)                                                                 \
    do {                                                                                          \
        if (__builtin_expect((h)->count_hits, 0))                                                 \
            (h)->stats.l1_hits[kind]++;                                                           \
    } while (0)

static inline const struct l1_entry *vm_mmu_l1_slot(const struct vm_mmu_hart *h,
                                                    enum vm_access kind, uint64_t va)
{
    return (const struct l1_entry *)((const char *)h->cur[kind] + ((va >> 8) & h->cur_mask[kind]));
}

/* Host pointer for a size-byte access at va, or NULL (take the slow path). */
static inline void *vm_mmu_l1_host(const struct vm_mmu_hart *h, enum vm_access kind, uint64_t va,
                                   unsigned size)
{
    const struct l1_entry *e = vm_mmu_l1_slot(h, kind, va);
    if (VM_LIKELY(l1_tag(e) == (va & (~0xfffULL | (size - 1)))))
        return (void *)(e->addend + (uintptr_t)va);
    return NULL;
}

static inline enum vm_fault vm_mmu_load_fast(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                             uint64_t *value, uint64_t *tval)
{
    void *p = vm_mmu_l1_host(h, VM_ACCESS_LOAD, va, size);
    if (VM_LIKELY(p != NULL)) {
        VM_MMU_COUNT_HIT(h, VM_ACCESS_LOAD);
        if (__builtin_expect(!vm_guarded_ld(p, size, value), 0)) {
            *tval = va;
            return VM_FAULT_LOAD_PAGE;
        }
        return VM_FAULT_NONE;
    }
    return vm_mmu_load(h, va, size, value, tval);
}

static inline enum vm_fault vm_mmu_store_fast(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                              uint64_t value, uint64_t *tval)
{
    void *p = vm_mmu_l1_host(h, VM_ACCESS_STORE, va, size);
    if (VM_LIKELY(p != NULL)) {
        VM_MMU_COUNT_HIT(h, VM_ACCESS_STORE);
        if (__builtin_expect(!vm_guarded_st(p, size, value), 0)) {
            *tval = va;
            return VM_FAULT_STORE_PAGE;
        }
        return VM_FAULT_NONE;
    }
    return vm_mmu_store(h, va, size, value, tval);
}

static inline enum vm_fault vm_mmu_fetch_fast(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                              uint64_t *value, uint64_t *tval)
{
    void *p = vm_mmu_l1_host(h, VM_ACCESS_FETCH, va, size);
    if (VM_LIKELY(p != NULL)) {
        VM_MMU_COUNT_HIT(h, VM_ACCESS_FETCH);
        if (__builtin_expect(!vm_guarded_ld(p, size, value), 0)) {
            *tval = va;
            return VM_FAULT_FETCH_PAGE;
        }
        return VM_FAULT_NONE;
    }
    return vm_mmu_fetch(h, va, size, value, tval);
}

#endif
