/* Zihpm: mhpmcounter3-31 and mhpmevent3-31. A counter holds what was
 * written and, while its event is one of those below and mcountinhibit
 * does not stop it, counts that event. Nothing runs per instruction: each
 * counter keeps a base value and the event source's value at that moment,
 * and a read adds what the source did since (instructions are counted in
 * bulk anyway; the TLB events are the MMU's own L1-miss statistics).
 *
 * Events are SBI PMU event indices, which OpenSBI writes to mhpmevent by
 * default (and the device tree's riscv,pmu node maps to counters):
 *   0x00001 cycles (one per instruction here), 0x00002 instructions,
 *   0x10019 / 0x1001b data TLB read / write misses, 0x10021 instruction TLB
 *   misses. Any other value is not kept (mhpmevent reads 0: no event).
 * No Sscofpmf: no overflow interrupt, no mode filtering. */
#include "riscv/csr_defs.h"
#include "riscv/hart.h"
#include "riscv/isa_ext.h"
#include "vm/riscv.h"

#define EV_CYCLES 0x1
#define EV_INSTRUCTIONS 0x2
#define EV_DTLB_READ_MISS 0x10019
#define EV_DTLB_WRITE_MISS 0x1001b
#define EV_ITLB_MISS 0x10021

#define HPM_ALL 0xfffffff8u /* mhpmcounter3-31 */
const struct vm_riscv_hpm_event vm_riscv_hpm_events[VM_RISCV_HPM_EVENTS] = {
    {EV_CYCLES, HPM_ALL | 1u}, /* mcycle too */
    {EV_INSTRUCTIONS, HPM_ALL | 4u}, /* minstret too */
    {EV_DTLB_READ_MISS, HPM_ALL},
    {EV_DTLB_WRITE_MISS, HPM_ALL},
    {EV_ITLB_MISS, HPM_ALL},
};

static bool event_known(uint64_t e)
{
    for (unsigned i = 0; i < VM_RISCV_HPM_EVENTS; i++)
        if (vm_riscv_hpm_events[i].event == e)
            return true;
    return false;
}

/* The running total of an event's source. */
static uint64_t source(struct rv_hart *h, uint64_t event)
{
    struct vm_mmu_stats s;
    switch (event) {
    case EV_CYCLES:
    case EV_INSTRUCTIONS: return rv_retired(h);
    case EV_DTLB_READ_MISS: vm_mmu_get_stats(h->mmu, &s); return s.l1_misses[VM_ACCESS_LOAD];
    case EV_DTLB_WRITE_MISS: vm_mmu_get_stats(h->mmu, &s); return s.l1_misses[VM_ACCESS_STORE];
    case EV_ITLB_MISS: vm_mmu_get_stats(h->mmu, &s); return s.l1_misses[VM_ACCESS_FETCH];
    }
    return 0;
}

static bool counting(const struct rv_hart *h, unsigned i)
{
    return h->hpm.event[i] && !((h->mcountinhibit >> (i + 3)) & 1);
}

uint64_t rv_hpm_read(struct rv_hart *h, unsigned i)
{
    if (!counting(h, i))
        return h->hpm.base[i];
    return h->hpm.base[i] + (source(h, h->hpm.event[i]) - h->hpm.at[i]);
}

/* Counter i goes on from its current value (before its event or
 * inhibit bit changes, and after). */
static void rebase(struct rv_hart *h, unsigned i)
{
    h->hpm.base[i] = rv_hpm_read(h, i);
    h->hpm.at[i] = source(h, h->hpm.event[i]);
}

void rv_hpm_write(struct rv_hart *h, unsigned i, uint64_t value)
{
    if (!rv_isa_has(&h->isa, RV_EXT_ZIHPM))
        return; /* without Zihpm the counters are read-only zero */
    h->hpm.at[i] = source(h, h->hpm.event[i]);
    /* The writing instruction retires after the write: an instruction
     * counter would count it, so the next instruction sees `value`. */
    bool per_insn = h->hpm.event[i] == EV_CYCLES || h->hpm.event[i] == EV_INSTRUCTIONS;
    h->hpm.base[i] = value - (counting(h, i) && per_insn);
}

void rv_hpm_set_event(struct rv_hart *h, unsigned i, uint64_t event)
{
    if (!rv_isa_has(&h->isa, RV_EXT_ZIHPM))
        return;
    rebase(h, i);
    h->hpm.event[i] = event_known(event) ? event : 0;
    h->hpm.at[i] = source(h, h->hpm.event[i]);
}

void rv_hpm_set_inhibit(struct rv_hart *h, uint64_t inhibit)
{
    uint64_t bits = inhibit & 0xfffffff8ULL;
    for (unsigned i = 0; i < RV_HPM_COUNTERS; i++)
        if (((h->mcountinhibit ^ bits) >> (i + 3)) & 1) {
            h->hpm.base[i] = rv_hpm_read(h, i);
            h->mcountinhibit ^= 1ULL << (i + 3);
            h->hpm.at[i] = source(h, h->hpm.event[i]);
        }
}
