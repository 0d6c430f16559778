/* C functions called from translated code, out of line: the memory slow
 * path (L1 miss, MMIO, page crossing, watched pages, faults) and the
 * generic fallback that runs one instruction through the interpreter.
 * Generated code has set h->pc to the instruction and h->budget to the
 * exact count before the call, so traps raised here are precise. */
#include "riscv/csr_defs.h"
#include "riscv/decode.h"
#include "riscv/jit/jit_internal.h"
#include "riscv/mmu_access.h"
#include "vm/mmu.h"

struct jit_ret jit_helper_load(struct rv_hart *h, uint64_t va, uint64_t how)
{
    unsigned size = JIT_HOW_SIZE(how);
    uint64_t v, tval;
    enum vm_fault f = vm_mmu_load(h->mmu, va, size, &v, &tval);
    if (f != VM_FAULT_NONE) {
        rv_raise(h, (uint64_t)f, tval);
        return (struct jit_ret){0, 1};
    }
    if ((how & JIT_HOW_SIGNED) && size < 8) {
        unsigned s = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << s) >> s);
    }
    return (struct jit_ret){v, 0};
}

struct jit_ret jit_helper_store(struct rv_hart *h, uint64_t va, uint64_t value, uint64_t how)
{
    uint64_t tval;
    enum vm_fault f = vm_mmu_store(h->mmu, va, JIT_HOW_SIZE(how), value, &tval);
    if (f != VM_FAULT_NONE) {
        rv_raise(h, (uint64_t)f, tval);
        return (struct jit_ret){0, 1};
    }
    if (h->events) { /* a watched range or code was written: retire and leave */
        h->pc += JIT_HOW_LEN(how);
        h->budget--;
        return (struct jit_ret){0, 1};
    }
    return (struct jit_ret){0, 0};
}

/* The slow paths' entries from the trampolines: pc and the exact budget
 * from the site word (r15 counts from the block's start), then the access. */
static uint64_t site_how(struct rv_hart *h, uint32_t site, int64_t r15)
{
    h->pc = h->jit_page + (site & 0xfff);
    h->budget = r15 - (int64_t)(site >> 12 & 0x7f);
    return (1u << (site >> 19 & 3)) | (site >> 21 & 1 ? JIT_HOW_SIGNED : 0) |
           (uint64_t)(site >> 22 & 1 ? 4 : 2) << 16;
}

struct jit_ret jit_slow_load(struct rv_hart *h, uint64_t va, uint32_t site, int64_t r15)
{
    return jit_helper_load(h, va, site_how(h, site, r15));
}

struct jit_ret jit_slow_store(struct rv_hart *h, uint64_t va, uint64_t value, uint32_t site,
                              int64_t r15)
{
    return jit_helper_store(h, va, value, site_how(h, site, r15));
}

struct jit_ret jit_helper_fallback(struct rv_hart *h, const struct rv_slot *s, uint64_t system)
{
    uint64_t pc = h->pc, fs = h->mstatus & MSTATUS_FS;
    int64_t budget = h->budget;
    rv_exec_one(h, s);
    /* System ops may change translation, privilege or interrupt state: go
     * back to the dispatcher after them, as the interpreter does, unless
     * the translator knew it was a harmless CSR access (`system` clear).
     * Translated FP code tests FS once per block: a change leaves too. */
    bool leave = system || h->events || h->budget == budget ||
                 h->pc != pc + RV_LEN_OF_STEP(s->step) || (h->mstatus & MSTATUS_FS) != fs;
    return (struct jit_ret){0, leave};
}

struct jit_ret jit_helper_fp(struct rv_hart *h, const struct rv_slot *s)
{
    if (rv_fp_exec(h, s) != 0) {
        rv_raise_illegal(h);
        return (struct jit_ret){0, 1};
    }
    return (struct jit_ret){0, 0};
}

struct jit_ret jit_helper_cross(struct rv_hart *h, struct jit_cross_cache *c)
{
    uint64_t lo, hi = 0, tval;
    enum vm_fault f = rv_fetch(h->mmu, h->pc, 2, &lo, &tval);
    if (f == VM_FAULT_NONE && (lo & 3) == 3)
        f = rv_fetch(h->mmu, h->pc + 2, 2, &hi, &tval);
    if (f != VM_FAULT_NONE) {
        rv_raise(h, (uint64_t)f, tval);
        return (struct jit_ret){0, 1};
    }
    uint32_t bits = (uint32_t)(lo & 0xffff) | (uint32_t)(hi & 0xffff) << 16;
    if (!c->valid || c->bits != bits) {
        struct rv_decoded d;
        rv_decode(bits, &h->isa, &d);
        rv_slot_fill(&c->slot, &d);
        c->bits = bits;
        c->valid = true;
    }
    int64_t budget = h->budget;
    rv_exec_one(h, &c->slot);
    /* Continue at h->pc (the next page, or where it jumped) unless it
     * trapped or raised an event. */
    return (struct jit_ret){0, h->events || h->budget == budget};
}
