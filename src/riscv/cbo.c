/* Cache-block operations (Zicbom, Zicboz; unprivileged spec, "CMO"): the
 * menvcfg/senvcfg enables, then the access checks. Memory is coherent for
 * every agent here, so clean, flush and invalidate have nothing to write
 * back or drop: what remains is whether the access is allowed. */
#include "riscv/csr_defs.h"
#include "riscv/hart.h"
#include "vm/riscv.h"

/* Below M-mode, menvcfg's bit (and for U also senvcfg's) must allow it. */
static bool enabled(const struct rv_hart *h, uint64_t bits)
{
    if (h->priv != VM_PRIV_M && !(h->menvcfg & bits))
        return false;
    return h->priv != VM_PRIV_U || (h->senvcfg & bits);
}

int rv_cbo_exec(struct rv_hart *h, unsigned op, uint64_t addr, uint64_t *tval)
{
    enum vm_fault f;
    *tval = addr; /* faults report rs1, not the block's base */
    if (op == 4) { /* cbo.zero */
        if (!enabled(h, MENVCFG_CBZE))
            return -1;
        /* A store of the whole block: translated once (store rules, A and
         * D, PMP on the 64 bytes, code watch, dirty log), RAM only. */
        uint64_t tv;
        uint64_t size = h->isa.cboz_block; /* -cpu cboz_blocksize: a power of two, <= 4096 */
        f = vm_mmu_zero(h->mmu, addr & ~(size - 1), size, &tv);
        if (f == VM_FAULT_TRIGGER)
            *tval = tv; /* a trigger reports the address it matched */
        if (f != VM_FAULT_NONE)
            return (int)f;
        h->used.cbo_zero++;
        return 0;
    }
    /* cbo.inval needs CBIE != 00 (01: it flushes, 11: it invalidates; the
     * same here); clean and flush need CBCFE. */
    if (!enabled(h, op == 0 ? MENVCFG_CBIE : MENVCFG_CBCFE))
        return -1;
    /* Debug triggers see it as a store to the block (Sdtrig). */
    uint64_t size = h->isa.cbom_block;
    f = vm_mmu_check_triggers(h->mmu, addr & ~(size - 1), size, VM_MMU_WATCH_WRITE, tval);
    if (f != VM_FAULT_NONE)
        return (int)f;
    *tval = addr;
    /* Allowed when a load or a store would be; W implies R in PTEs and in
     * the PMP, so the load rules decide (A is set, D is not looked at).
     * Faults are reported as store faults. */
    struct vm_mmu_result r = vm_mmu_translate(h->mmu, addr, VM_ACCESS_LOAD);
    if (r.fault == VM_FAULT_NONE) {
        h->used.cbo_mgmt++;
        return 0;
    }
    return r.fault == VM_FAULT_LOAD_PAGE ? VM_FAULT_STORE_PAGE : VM_FAULT_STORE_ACCESS;
}
