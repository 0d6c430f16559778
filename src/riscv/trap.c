/* Traps and interrupts (privileged spec 1.12): delegation through
 * medeleg/mideleg, priorities, direct and vectored xtvec, xRET. */
#include <stdio.h>
#include <string.h>

#include "riscv/csr_defs.h"
#include "riscv/hart.h"
#include "riscv/mmu_access.h"
#include "vm/log.h"

void rv_update_mmu_context(struct rv_hart *h)
{
    vm_mmu_set_context(h->mmu, (enum vm_priv)h->priv, h->mstatus);
}

void rv_set_priv(struct rv_hart *h, unsigned priv)
{
    if (h->priv != priv) {
        if (__builtin_expect(h->hpm.active != 0, 0))
            rv_hpm_priv_change(h, priv); /* Sscofpmf's mode inhibits */
        h->priv = (uint8_t)priv;
        rv_vcache_flush_interp(h); /* fetch permissions depend on the privilege */
    }
    /* The JIT's jump cache keeps entries of every privilege, tagged. */
    h->jc_tag = (h->jc_tag & ~3ULL) | priv;
    rv_update_mmu_context(h);
    rv_trig_changed(h); /* also after traps and xRET, which change MIE/SIE */
}

static uint64_t set_field(uint64_t reg, uint64_t mask, uint64_t value)
{
    return (reg & ~mask) | ((value * (mask & -mask)) & mask);
}

static uint64_t get_field(uint64_t reg, uint64_t mask)
{
    return (reg & mask) / (mask & -mask);
}

/* -d int / guest_errors / unimp / mmu (vm/log.h): what the trap says,
 * before it is taken. QEMU's line for int, so that tools reading QEMU's
 * logs read these. */
static void log_trap(const struct rv_hart *h, uint64_t cause, uint64_t tval)
{
    static const char *const names[16] = {
        "exec (misaligned)", "exec (access fault)", "illegal instruction", "breakpoint",
        "load (misaligned)", "load (access fault)", "store (misaligned)", "store (access fault)",
        "user ecall", "supervisor ecall", "reserved", "machine ecall", "exec (page fault)",
        "load (page fault)", "reserved", "store (page fault)"};
    bool interrupt = cause >> 63;
    unsigned code = (unsigned)(cause & 63);
    const char *desc = interrupt ? "interrupt" : code < 16 ? names[code] : "reserved";
    unsigned long long hart = (unsigned long long)h->hartid;
    if (vm_log_enabled(VM_LOG_INT))
        vm_log("riscv_cpu_do_interrupt: hart:%llu, async:%d, cause:%016llx, epc:0x%016llx, "
               "tval:0x%016llx, desc=%s", hart, interrupt, (unsigned long long)cause,
               (unsigned long long)h->pc, (unsigned long long)tval, desc);
    if (interrupt)
        return;
    if (vm_log_enabled(VM_LOG_GUEST_ERRORS) &&
        (code == CAUSE_FETCH_ACCESS || code == CAUSE_LOAD_ACCESS || code == CAUSE_STORE_ACCESS))
        vm_log("hart %llu: %s at 0x%llx (pc 0x%llx): nothing there, or PMP forbids it", hart,
               desc, (unsigned long long)tval, (unsigned long long)h->pc);
    if (vm_log_enabled(VM_LOG_UNIMP) && code == CAUSE_ILLEGAL)
        vm_log("hart %llu: illegal instruction 0x%08llx at pc 0x%llx", hart,
               (unsigned long long)tval, (unsigned long long)h->pc);
    if (vm_log_enabled(VM_LOG_MMU) &&
        (code == CAUSE_FETCH_PAGE || code == CAUSE_LOAD_PAGE || code == CAUSE_STORE_PAGE))
        vm_log("hart %llu: %s at va 0x%llx (pc 0x%llx, satp 0x%llx)", hart, desc,
               (unsigned long long)tval, (unsigned long long)h->pc,
               (unsigned long long)h->satp);
}

static void take_trap(struct rv_hart *h, uint64_t cause, uint64_t tval)
{
    if (__builtin_expect(__atomic_load_n(&vm_log_mask, __ATOMIC_RELAXED) != 0, 0))
        log_trap(h, cause, tval);
    bool interrupt = cause >> 63;
    unsigned code = (unsigned)(cause & 63);
    uint64_t deleg = interrupt ? h->mideleg : h->medeleg;
    uint64_t s = h->mstatus;
    if (__builtin_expect(h->trig.stepping, 0))
        rv_trig_icount_event(h, h->priv); /* icount counts traps too */
    if (h->priv <= VM_PRIV_S && ((deleg >> code) & 1)) {
        h->scause = cause;
        h->sepc = h->pc;
        h->stval = tval;
        s = set_field(s, MSTATUS_SPIE, get_field(s, MSTATUS_SIE));
        s = set_field(s, MSTATUS_SIE, 0);
        s = set_field(s, MSTATUS_SPP, h->priv);
        h->mstatus = s;
        uint64_t base = h->stvec & ~3ULL;
        h->pc = base + ((h->stvec & 1) && interrupt ? 4ULL * code : 0);
        rv_set_priv(h, VM_PRIV_S);
    } else {
        h->mcause = cause;
        h->mepc = h->pc;
        h->mtval = tval;
        s = set_field(s, MSTATUS_MPIE, get_field(s, MSTATUS_MIE));
        s = set_field(s, MSTATUS_MIE, 0);
        s = set_field(s, MSTATUS_MPP, h->priv);
        h->mstatus = s;
        uint64_t base = h->mtvec & ~3ULL;
        h->pc = base + ((h->mtvec & 1) && interrupt ? 4ULL * code : 0);
        rv_set_priv(h, VM_PRIV_M);
    }
}

/* A trap storm (see RV_TRAP_STORM_LIMIT) ends the run with an error exit
 * that says where the hart is stuck. Budgets are synced at every trap, so
 * the retired count is exact here. */
static void check_storm(struct rv_hart *h, uint64_t cause, uint64_t tval)
{
    uint64_t retired = h->total_insns + (uint64_t)(h->entry_budget - h->budget);
    if (retired != h->storm_retired || h->storm_count == 0) {
        h->storm_retired = retired;
        h->storm_count = 1;
        return;
    }
    if (++h->storm_count != RV_TRAP_STORM_LIMIT)
        return;
    struct vm_exit *e = &h->pending_exit;
    memset(e, 0, sizeof(*e));
    e->kind = VM_EXIT_ERROR;
    e->u.error.guest = true;
    snprintf(e->u.error.message, sizeof(e->u.error.message),
             "hart %llu: trap storm: %u traps without an instruction retired (%s %llu at pc "
             "0x%llx, tval 0x%llx; mtvec 0x%llx, stvec 0x%llx)",
             (unsigned long long)h->hartid, RV_TRAP_STORM_LIMIT,
             cause >> 63 ? "interrupt" : "exception", (unsigned long long)(cause & 63),
             (unsigned long long)h->pc, (unsigned long long)tval,
             (unsigned long long)h->mtvec, (unsigned long long)h->stvec);
    h->events |= RV_EV_EXIT;
}

void rv_raise(struct rv_hart *h, uint64_t cause, uint64_t tval)
{
    if (cause == VM_FAULT_WATCH) { /* a debugger's watchpoint, not a trap */
        rv_debug_watch_stop(h);
        return;
    }
    if (cause == VM_FAULT_TRIGGER) { /* the guest's load/store trigger */
        rv_trig_data_fire(h, tval);
        return;
    }
    if (cause == VM_FAULT_MMIO_EXIT) { /* the runner serves it; the instruction waits undone */
        struct vm_exit *e = &h->pending_exit;
        memset(e, 0, sizeof(*e));
        e->kind = VM_EXIT_MMIO;
        vm_mmu_mmio_exit(h->mmu, &e->u.mmio.addr, &e->u.mmio.size, &e->u.mmio.is_write,
                         &e->u.mmio.data);
        h->events |= RV_EV_EXIT;
        return;
    }
    if (h->opt.user_mode && h->priv == VM_PRIV_U && !(cause >> 63)) {
        /* User-mode emulation: no kernel to trap to; the caller turns the
         * exception into a signal (src/user). pc stays on the instruction. */
        struct vm_exit *e = &h->pending_exit;
        e->kind = VM_EXIT_EXCEPTION;
        e->u.exception.cause = cause;
        e->u.exception.tval = tval;
        e->u.exception.pc = h->pc;
        h->events |= RV_EV_EXIT;
        return;
    }
    check_storm(h, cause, tval);
    take_trap(h, cause, tval);
}

void rv_raise_illegal(struct rv_hart *h)
{
    /* mtval gets the instruction bits: fetch them again (rare path). */
    uint64_t lo = 0, hi = 0, tval;
    if (rv_fetch(h->mmu, h->pc, 2, &lo, &tval) == VM_FAULT_NONE && (lo & 3) == 3 &&
        rv_fetch(h->mmu, h->pc + 2, 2, &hi, &tval) != VM_FAULT_NONE)
        hi = 0;
    uint64_t bits = (lo & 3) == 3 ? (lo & 0xffff) | (hi & 0xffff) << 16 : lo & 0xffff;
    rv_raise(h, CAUSE_ILLEGAL, bits);
}

uint64_t rv_read_mip(const struct rv_hart *h)
{
    uint64_t mip = h->mip | __atomic_load_n(&h->mip_ext, __ATOMIC_ACQUIRE);
    if (h->menvcfg & MENVCFG_STCE) {
        mip &= ~MIP_STIP;
        if (rv_time(h) >= h->stimecmp)
            mip |= MIP_STIP;
    }
    return mip;
}

int rv_pending_interrupt(const struct rv_hart *h, uint64_t mip)
{
    uint64_t pending = mip & h->mie;
    if (!pending)
        return -1;
    bool m_enabled = h->priv < VM_PRIV_M || (h->mstatus & MSTATUS_MIE);
    bool s_enabled = h->priv < VM_PRIV_S || (h->priv == VM_PRIV_S && (h->mstatus & MSTATUS_SIE));
    uint64_t m_pending = m_enabled ? pending & ~h->mideleg : 0;
    uint64_t s_pending = s_enabled ? pending & h->mideleg : 0;
    static const int order[] = {IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI, IRQ_LCOFI};
    /* Interrupts for M-mode come before those for S-mode. */
    for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (m_pending & (1ULL << order[i]))
            return order[i];
    for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (s_pending & (1ULL << order[i]))
            return order[i];
    return -1;
}

void rv_mret(struct rv_hart *h)
{
    uint64_t s = h->mstatus;
    unsigned mpp = (unsigned)get_field(s, MSTATUS_MPP);
    s = set_field(s, MSTATUS_MIE, get_field(s, MSTATUS_MPIE));
    s = set_field(s, MSTATUS_MPIE, 1);
    s = set_field(s, MSTATUS_MPP, VM_PRIV_U);
    if (mpp != VM_PRIV_M)
        s &= ~MSTATUS_MPRV;
    h->mstatus = s;
    h->pc = h->mepc;
    vm_mmu_clear_reservation(h->mmu);
    rv_set_priv(h, mpp);
}

void rv_sret(struct rv_hart *h)
{
    uint64_t s = h->mstatus;
    unsigned spp = (unsigned)get_field(s, MSTATUS_SPP);
    s = set_field(s, MSTATUS_SIE, get_field(s, MSTATUS_SPIE));
    s = set_field(s, MSTATUS_SPIE, 1);
    s = set_field(s, MSTATUS_SPP, VM_PRIV_U);
    s &= ~MSTATUS_MPRV; /* SPP is never M */
    h->mstatus = s;
    h->pc = h->sepc;
    vm_mmu_clear_reservation(h->mmu);
    rv_set_priv(h, spp);
}
