/* The hart's only doors to memory. Everything the interpreter loads, stores
 * or fetches goes through these wrappers, so switching to the MMU's inline
 * fast path (src/mmu/mmu_fast.h) is a change in this file alone. */
#ifndef VM_RISCV_MMU_ACCESS_H
#define VM_RISCV_MMU_ACCESS_H

#include "vm/mmu.h"

#if defined(__has_include)
#if __has_include("mmu/mmu_fast.h")
#include "mmu/mmu_fast.h"
#define RV_MMU_FAST 1
#endif
#endif

static inline enum vm_fault rv_load(struct vm_mmu_hart *m, uint64_t va, unsigned size,
                                    uint64_t *value, uint64_t *tval)
{
#ifdef RV_MMU_FAST
    return vm_mmu_load_fast(m, va, size, value, tval);
#else
    return vm_mmu_load(m, va, size, value, tval);
#endif
}

static inline enum vm_fault rv_store(struct vm_mmu_hart *m, uint64_t va, unsigned size,
                                     uint64_t value, uint64_t *tval)
{
#ifdef RV_MMU_FAST
    return vm_mmu_store_fast(m, va, size, value, tval);
#else
    return vm_mmu_store(m, va, size, value, tval);
#endif
}

static inline enum vm_fault rv_fetch(struct vm_mmu_hart *m, uint64_t va, unsigned size,
                                     uint64_t *value, uint64_t *tval)
{
#ifdef RV_MMU_FAST
    return vm_mmu_fetch_fast(m, va, size, value, tval);
#else
    return vm_mmu_fetch(m, va, size, value, tval);
#endif
}

#endif
