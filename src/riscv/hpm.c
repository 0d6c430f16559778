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
 * Counters from pmu-num on (-cpu rv64,pmu-num=N) are not implemented:
 * read-only zero, no event, their mcountinhibit bit read-only zero. */
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

/* Counter i (mhpmcounter3 + i) exists (-cpu zihpm, pmu-num). */
static bool implemented(const struct rv_hart *h, unsigned i)
{
    return rv_isa_has(&h->isa, RV_EXT_ZIHPM) && i < h->isa.pmu_num;
}

static bool event_known(uint64_t e)
{
    for (unsigned i = 0; i < VM_RISCV_HPM_EVENTS; i++)
        if (vm_riscv_hpm_events[i].event == e)
            return true;
    return false;
}

/* The event field of mhpmevent (Sscofpmf's bits are above it). */
#define EV_FIELD ((1ULL << 58) - 1)
#define EV_OF (1ULL << 63)
#define EV_MINH (1ULL << 62)
#define EV_SINH (1ULL << 61)
#define EV_UINH (1ULL << 60)

static uint64_t code_of(const struct rv_hart *h, unsigned i)
{
    return h->hpm.event[i] & EV_FIELD;
}

/* The running total of an event's source. */
static uint64_t source(struct rv_hart *h, uint64_t code)
{
    struct vm_mmu_stats s;
    switch (code) {
    case EV_CYCLES:
    case EV_INSTRUCTIONS: return rv_retired(h);
    case EV_DTLB_READ_MISS: vm_mmu_get_stats(h->mmu, &s); return s.l1_misses[VM_ACCESS_LOAD];
    case EV_DTLB_WRITE_MISS: vm_mmu_get_stats(h->mmu, &s); return s.l1_misses[VM_ACCESS_STORE];
    case EV_ITLB_MISS: vm_mmu_get_stats(h->mmu, &s); return s.l1_misses[VM_ACCESS_FETCH];
    }
    return 0;
}

static uint64_t inhibit_bit(unsigned priv)
{
    return priv == VM_PRIV_M ? EV_MINH : priv == VM_PRIV_S ? EV_SINH : EV_UINH;
}

/* Does counter i count now, in privilege priv? */
static bool counting_in(const struct rv_hart *h, unsigned i, unsigned priv)
{
    return code_of(h, i) && !((h->mcountinhibit >> (i + 3)) & 1) &&
           !(h->hpm.event[i] & inhibit_bit(priv));
}

static bool counting(const struct rv_hart *h, unsigned i)
{
    return counting_in(h, i, h->priv);
}

static bool per_insn(const struct rv_hart *h, unsigned i)
{
    return code_of(h, i) == EV_CYCLES || code_of(h, i) == EV_INSTRUCTIONS;
}

/* Counter i goes on from what it counted so far; a wrap since its base
 * sets OF, and raises LCOFI if OF was clear. */
static void settle(struct rv_hart *h, unsigned i, bool was_counting)
{
    uint64_t src = source(h, code_of(h, i));
    if (was_counting) {
        uint64_t delta = src - h->hpm.at[i], base = h->hpm.base[i];
        h->hpm.base[i] = base + delta;
        if (delta > ~base && !(h->hpm.event[i] & EV_OF) &&
            rv_isa_has(&h->isa, RV_EXT_SSCOFPMF)) {
            h->hpm.event[i] |= EV_OF;
            h->mip |= MIP_LCOFIP;
            h->events |= RV_EV_IRQ;
        }
    }
    h->hpm.at[i] = src;
}

uint64_t rv_hpm_read(struct rv_hart *h, unsigned i)
{
    settle(h, i, counting(h, i));
    return h->hpm.base[i];
}

static void note_active(struct rv_hart *h, unsigned i)
{
    if (code_of(h, i))
        h->hpm.active |= 1u << i;
    else
        h->hpm.active &= ~(1u << i);
}

void rv_hpm_write(struct rv_hart *h, unsigned i, uint64_t value)
{
    if (!implemented(h, i))
        return; /* read-only zero */
    h->hpm.at[i] = source(h, code_of(h, i));
    /* The writing instruction retires after the write: an instruction
     * counter would count it, so the next instruction sees `value`. */
    h->hpm.base[i] = value - (counting(h, i) && per_insn(h, i));
}

void rv_hpm_set_event(struct rv_hart *h, unsigned i, uint64_t event)
{
    if (!implemented(h, i))
        return;
    settle(h, i, counting(h, i));
    uint64_t code = event & EV_FIELD;
    uint64_t flags = rv_isa_has(&h->isa, RV_EXT_SSCOFPMF)
                         ? event & (EV_OF | EV_MINH | EV_SINH | EV_UINH) : 0;
    h->hpm.event[i] = (event_known(code) ? code : 0) | flags;
    h->hpm.at[i] = source(h, code_of(h, i));
    note_active(h, i);
}

void rv_hpm_set_inhibit(struct rv_hart *h, uint64_t inhibit)
{
    uint64_t bits = inhibit & 0xfffffff8ULL;
    for (unsigned i = 0; i < RV_HPM_COUNTERS; i++)
        if (((h->mcountinhibit ^ bits) >> (i + 3)) & 1 && implemented(h, i)) {
            settle(h, i, counting(h, i));
            h->mcountinhibit ^= 1ULL << (i + 3);
            h->hpm.at[i] = source(h, code_of(h, i));
        }
}

void rv_hpm_priv_change(struct rv_hart *h, unsigned to)
{
    for (uint32_t m = h->hpm.active; m; m &= m - 1) {
        unsigned i = (unsigned)__builtin_ctz(m);
        bool before = counting(h, i), after = counting_in(h, i, to);
        if (before != after)
            settle(h, i, before);
    }
}

void rv_hpm_check(struct rv_hart *h)
{
    for (uint32_t m = h->hpm.active; m; m &= m - 1) {
        unsigned i = (unsigned)__builtin_ctz(m);
        settle(h, i, counting(h, i));
    }
}

int64_t rv_hpm_slice(struct rv_hart *h, int64_t slice)
{
    for (uint32_t m = h->hpm.active; m; m &= m - 1) {
        unsigned i = (unsigned)__builtin_ctz(m);
        if (!per_insn(h, i) || !counting(h, i) || (h->hpm.event[i] & EV_OF))
            continue;
        uint64_t left = 0 - rv_hpm_read(h, i); /* instructions until it wraps */
        if (left && left < (uint64_t)slice)
            slice = (int64_t)left;
    }
    return slice;
}

uint64_t rv_hpm_overflows(const struct rv_hart *h)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < RV_HPM_COUNTERS; i++)
        if (h->hpm.event[i] & EV_OF)
            v |= 1ULL << (i + 3);
    return v;
}
