/* Control and status registers: access rules, read and write with their
 * WARL legalisation. An unknown CSR is illegal, never a silent zero. */
#include "riscv/csr_defs.h"
#include "riscv/hart.h"
#include "riscv/isa_ext.h"

enum { OK = 0, ILLEGAL = -1 };

int rv_csr_check(const struct rv_hart *h, unsigned csr, bool write)
{
    if (csr > 0xfff)
        return ILLEGAL;
    if (h->priv < ((csr >> 8) & 3))
        return ILLEGAL; /* csr[9:8] is the lowest privilege allowed */
    if (write && (csr >> 10) == 3)
        return ILLEGAL; /* csr[11:10] = 3: read-only */
    if (csr == CSR_SEED && !write)
        return ILLEGAL; /* seed is read only by read-write instructions */
    return OK;
}

/* seed from S needs mseccfg.SSEED, from U mseccfg.USEED (Zkr). */
static bool seed_allowed(const struct rv_hart *h)
{
    if (!rv_isa_has(&h->isa, RV_EXT_ZKR))
        return false;
    return h->priv == VM_PRIV_M ||
           (h->mseccfg & (h->priv == VM_PRIV_S ? MSECCFG_SSEED : MSECCFG_USEED));
}

/* cycle, time, instret, hpmcounterN from S or U need mcounteren (and
 * scounteren for U) to allow them. */
static bool counter_allowed(const struct rv_hart *h, unsigned index)
{
    if (h->priv == VM_PRIV_M)
        return true;
    if (!((h->mcounteren >> index) & 1))
        return false;
    return h->priv == VM_PRIV_S || ((h->scounteren >> index) & 1);
}

static bool fp_allowed(const struct rv_hart *h)
{
    return (h->mstatus & MSTATUS_FS) != 0;
}

static bool stimecmp_allowed(const struct rv_hart *h)
{
    if (h->priv == VM_PRIV_M)
        return true;
    return (h->menvcfg & MENVCFG_STCE) && (h->mcounteren & 2);
}

/* The S-level interrupts (delegable): SSI, STI, SEI, and LCOFI with Sscofpmf. */
static uint64_t s_irqs(const struct rv_hart *h)
{
    return MIP_S_MASK | (rv_isa_has(&h->isa, RV_EXT_SSCOFPMF) ? MIP_LCOFIP : 0);
}

/* menvcfg (machine) or senvcfg: the fields the hart's extensions give. */
static uint64_t envcfg_writable(const struct rv_hart *h, bool machine)
{
    uint64_t m = MENVCFG_FIOM;
    if (rv_isa_has(&h->isa, RV_EXT_ZICBOM))
        m |= MENVCFG_CBIE | MENVCFG_CBCFE;
    if (rv_isa_has(&h->isa, RV_EXT_ZICBOZ))
        m |= MENVCFG_CBZE;
    if (machine) {
        m |= MENVCFG_STCE;
        if (rv_isa_has(&h->isa, RV_EXT_SVPBMT))
            m |= MENVCFG_PBMTE;
        if (rv_isa_has(&h->isa, RV_EXT_SVADU))
            m |= MENVCFG_ADUE;
    }
    return m;
}

static uint64_t envcfg_write(const struct rv_hart *h, uint64_t old, uint64_t val, bool machine)
{
    uint64_t m = envcfg_writable(h, machine);
    uint64_t v = (old & ~m) | (val & m);
    if ((v & MENVCFG_CBIE) == (2ULL << MENVCFG_CBIE_SHIFT)) /* reserved: the field keeps its value */
        v = (v & ~MENVCFG_CBIE) | (old & MENVCFG_CBIE);
    return v;
}

void rv_envcfg_changed(struct rv_hart *h)
{
    struct vm_mmu_pte_rules r = {
        .hw_ad_update = h->menvcfg & MENVCFG_ADUE,
        .pbmt = h->menvcfg & MENVCFG_PBMTE,
        .napot = rv_isa_has(&h->isa, RV_EXT_SVNAPOT),
    };
    vm_mmu_set_pte_rules(h->mmu, &r);
}

static uint64_t with_sd(uint64_t mstatus)
{
    mstatus &= ~MSTATUS_SD;
    if ((mstatus & MSTATUS_FS) == MSTATUS_FS_DIRTY)
        mstatus |= MSTATUS_SD;
    return mstatus;
}

int rv_csr_read(struct rv_hart *h, unsigned csr, uint64_t *value)
{
    uint64_t v;
    switch (csr) {
    case CSR_FFLAGS: if (!fp_allowed(h)) return ILLEGAL; v = h->fflags; break;
    case CSR_FRM: if (!fp_allowed(h)) return ILLEGAL; v = h->frm; break;
    case CSR_FCSR: if (!fp_allowed(h)) return ILLEGAL; v = (uint64_t)h->frm << 5 | h->fflags; break;
    case CSR_CYCLE: case CSR_TIME: case CSR_INSTRET:
    case CSR_HPMCOUNTER3 ... CSR_HPMCOUNTER31:
        if (!counter_allowed(h, csr - CSR_CYCLE))
            return ILLEGAL;
        rv_sync_counters(h);
        v = csr == CSR_CYCLE ? h->cycle : csr == CSR_TIME ? rv_time(h)
          : csr == CSR_INSTRET ? h->instret : rv_hpm_read(h, csr - CSR_HPMCOUNTER3);
        break;

    case CSR_SEED:
        if (!seed_allowed(h))
            return ILLEGAL;
        v = rv_seed_read(h);
        break;

    case CSR_SSTATUS: v = h->mstatus & SSTATUS_VISIBLE; break;
    case CSR_SIE: v = h->mie & h->mideleg; break;
    case CSR_SIP: v = rv_read_mip(h) & h->mideleg; break;
    case CSR_STVEC: v = h->stvec; break;
    case CSR_SCOUNTEREN: v = h->scounteren; break;
    case CSR_SENVCFG: v = h->senvcfg; break;
    case CSR_SSCRATCH: v = h->sscratch; break;
    case CSR_SEPC: v = h->sepc; break;
    case CSR_SCAUSE: v = h->scause; break;
    case CSR_STVAL: v = h->stval; break;
    case CSR_STIMECMP: if (!stimecmp_allowed(h)) return ILLEGAL; v = h->stimecmp; break;
    case CSR_SCOUNTOVF: /* Sscofpmf: the counters' OF bits, as far as mcounteren shows them */
        if (!rv_isa_has(&h->isa, RV_EXT_SSCOFPMF))
            return ILLEGAL;
        rv_sync_counters(h);
        rv_hpm_check(h);
        v = rv_hpm_overflows(h) & (h->priv == VM_PRIV_M ? ~0ULL : h->mcounteren);
        break;
    case CSR_SATP:
        if (h->priv == VM_PRIV_S && (h->mstatus & MSTATUS_TVM))
            return ILLEGAL;
        v = h->satp;
        break;

    case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MCONFIGPTR: v = 0; break;
    case CSR_MHARTID: v = h->hartid; break;
    case CSR_MSTATUS: v = h->mstatus; break;
    case CSR_MISA: v = MISA_VALUE; break;
    case CSR_MEDELEG: v = h->medeleg; break;
    case CSR_MIDELEG: v = h->mideleg; break;
    case CSR_MIE: v = h->mie; break;
    case CSR_MTVEC: v = h->mtvec; break;
    case CSR_MCOUNTEREN: v = h->mcounteren; break;
    case CSR_MENVCFG: v = h->menvcfg; break;
    case CSR_MCOUNTINHIBIT: v = h->mcountinhibit; break;
    case CSR_MHPMEVENT3 ... CSR_MHPMEVENT31: v = h->hpm.event[csr - CSR_MHPMEVENT3]; break;
    case CSR_MSCRATCH: v = h->mscratch; break;
    case CSR_MSECCFG:
        if (!rv_isa_has(&h->isa, RV_EXT_ZKR))
            return ILLEGAL; /* neither Zkr nor Smepmp: no mseccfg */
        v = h->mseccfg;
        break;
    case CSR_MEPC: v = h->mepc; break;
    case CSR_MCAUSE: v = h->mcause; break;
    case CSR_MTVAL: v = h->mtval; break;
    case CSR_MIP: v = rv_read_mip(h); break;
    case CSR_TSELECT ... CSR_TINFO:
        return rv_trig_csr_read(h, csr, value);
    case CSR_PMPCFG0 ... CSR_PMPCFG15:
        if (csr & 1)
            return ILLEGAL; /* odd pmpcfg registers do not exist on RV64 */
        v = vm_mmu_pmp_read_cfg(h->mmu, (csr - CSR_PMPCFG0) * 4, 8);
        break;
    case CSR_PMPADDR0 ... CSR_PMPADDR63: v = vm_mmu_pmp_read_addr(h->mmu, csr - CSR_PMPADDR0); break;
    case CSR_MCYCLE: rv_sync_counters(h); v = h->cycle; break;
    case CSR_MINSTRET: rv_sync_counters(h); v = h->instret; break;
    case CSR_MHPMCOUNTER3 ... CSR_MHPMCOUNTER31:
        rv_sync_counters(h);
        v = rv_hpm_read(h, csr - CSR_MHPMCOUNTER3);
        break;
    default:
        return ILLEGAL;
    }
    *value = v;
    return OK;
}

static void write_mstatus(struct rv_hart *h, uint64_t val, uint64_t writable)
{
    uint64_t s = (h->mstatus & ~writable) | (val & writable);
    if (((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
        s = (s & ~MSTATUS_MPP) | (h->mstatus & MSTATUS_MPP); /* no H-mode: keep */
    uint64_t old = h->mstatus;
    h->mstatus = with_sd(s);
    rv_update_mmu_context(h);
    rv_trig_changed(h); /* MIE/SIE decide when breakpoint triggers match */
    /* Only the global enables decide whether a pending interrupt is taken:
     * a SUM or MPRV change (uaccess) need not go past the interrupt check. */
    if ((old ^ h->mstatus) & (MSTATUS_MIE | MSTATUS_SIE))
        h->events |= RV_EV_IRQ;
}

static void fp_dirty(struct rv_hart *h)
{
    h->mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD;
}

static uint64_t counter_write_value(const struct rv_hart *h, uint64_t val, unsigned inhibit_bit)
{
    /* The writing instruction retires after the write: compensate its
     * increment so the next instruction sees exactly `val`. */
    return val - !((h->mcountinhibit >> inhibit_bit) & 1);
}

int rv_csr_write(struct rv_hart *h, unsigned csr, uint64_t val)
{
    switch (csr) {
    case CSR_FFLAGS:
        if (!fp_allowed(h)) return ILLEGAL;
        h->fflags = val & 0x1f;
        fp_dirty(h);
        break;
    case CSR_FRM:
        if (!fp_allowed(h)) return ILLEGAL;
        h->frm = val & 7;
        fp_dirty(h);
        break;
    case CSR_FCSR:
        if (!fp_allowed(h)) return ILLEGAL;
        h->fflags = val & 0x1f;
        h->frm = (val >> 5) & 7;
        fp_dirty(h);
        break;

    case CSR_SSTATUS: write_mstatus(h, val, SSTATUS_WRITABLE); break;
    case CSR_SIE: {
        uint64_t m = h->mideleg & s_irqs(h);
        h->mie = (h->mie & ~m) | (val & m);
        h->events |= RV_EV_IRQ;
        break;
    }
    case CSR_SIP: {
        uint64_t m = h->mideleg & (MIP_SSIP | MIP_LCOFIP);
        h->mip = (h->mip & ~m) | (val & m);
        h->events |= RV_EV_IRQ;
        break;
    }
    case CSR_STVEC: h->stvec = val & ~2ULL; break; /* modes 2, 3 -> 0, 1 */
    case CSR_SCOUNTEREN: h->scounteren = val & 0xffffffffULL; break;
    case CSR_SENVCFG: h->senvcfg = envcfg_write(h, h->senvcfg, val, false); break;
    case CSR_SSCRATCH: h->sscratch = val; break;
    case CSR_SEPC: h->sepc = val & ~1ULL; break;
    case CSR_SCAUSE: h->scause = val; break;
    case CSR_STVAL: h->stval = val; break;
    case CSR_STIMECMP:
        if (!stimecmp_allowed(h)) return ILLEGAL;
        h->stimecmp = val;
        h->events |= RV_EV_IRQ;
        break;
    case CSR_SATP: {
        if (h->priv == VM_PRIV_S && (h->mstatus & MSTATUS_TVM))
            return ILLEGAL;
        uint64_t mode = val >> SATP_MODE_SHIFT;
        if (mode != VM_SATP_BARE && mode != VM_SATP_SV39 && mode != VM_SATP_SV48 &&
            mode != VM_SATP_SV57)
            break; /* unsupported MODE: the whole write has no effect */
        h->satp = val;
        vm_mmu_set_satp(h->mmu, val);
        rv_vcache_flush(h);
        break;
    }

    case CSR_MSTATUS: write_mstatus(h, val, MSTATUS_WRITABLE); break;
    case CSR_MISA: break; /* WARL, fixed */
    case CSR_MEDELEG:
        h->medeleg = val & MEDELEG_WRITABLE;
        rv_trig_changed(h); /* delegated breakpoints change when S triggers match */
        break;
    case CSR_MIDELEG: h->mideleg = val & s_irqs(h); h->events |= RV_EV_IRQ; break;
    case CSR_MIE: h->mie = val & (MIP_ALL | s_irqs(h)); h->events |= RV_EV_IRQ; break;
    case CSR_MTVEC: h->mtvec = val & ~2ULL; break;
    case CSR_MCOUNTEREN: h->mcounteren = val & 0xffffffffULL; break;
    case CSR_MENVCFG:
        h->menvcfg = envcfg_write(h, h->menvcfg, val, true);
        rv_envcfg_changed(h);
        h->events |= RV_EV_IRQ;
        break;
    case CSR_MCOUNTINHIBIT:
        rv_sync_counters(h);
        rv_hpm_set_inhibit(h, val);
        h->mcountinhibit = (h->mcountinhibit & ~5ULL) | (val & 5); /* CY, IR; TM does not exist */
        break;
    case CSR_MHPMEVENT3 ... CSR_MHPMEVENT31:
        rv_sync_counters(h);
        rv_hpm_set_event(h, csr - CSR_MHPMEVENT3, val);
        break;
    case CSR_MSCRATCH: h->mscratch = val; break;
    case CSR_TSELECT ... CSR_TINFO:
        return rv_trig_csr_write(h, csr, val);
    case CSR_SEED:
        if (!seed_allowed(h))
            return ILLEGAL;
        break; /* the value written is ignored */
    case CSR_MSECCFG:
        if (!rv_isa_has(&h->isa, RV_EXT_ZKR))
            return ILLEGAL;
        h->mseccfg = val & (MSECCFG_USEED | MSECCFG_SSEED);
        break;
    case CSR_MEPC: h->mepc = val & ~1ULL; break;
    case CSR_MCAUSE: h->mcause = val; break;
    case CSR_MTVAL: h->mtval = val; break;
    case CSR_MIP: {
        uint64_t m = MIP_SSIP | MIP_SEIP | ((h->menvcfg & MENVCFG_STCE) ? 0 : MIP_STIP) |
                     (s_irqs(h) & MIP_LCOFIP);
        h->mip = (h->mip & ~m) | (val & m);
        h->events |= RV_EV_IRQ;
        break;
    }
    /* PMP: the MMU keeps the entries (WARL, locks) and checks them. Cached
     * pages of code were allowed by the old entries: forget them. */
    case CSR_PMPCFG0 ... CSR_PMPCFG15:
        if (csr & 1)
            return ILLEGAL;
        vm_mmu_pmp_write_cfg(h->mmu, (csr - CSR_PMPCFG0) * 4, 8, val);
        rv_vcache_flush(h);
        break;
    case CSR_PMPADDR0 ... CSR_PMPADDR63:
        vm_mmu_pmp_write_addr(h->mmu, csr - CSR_PMPADDR0, val);
        rv_vcache_flush(h);
        break;
    case CSR_MCYCLE:
        rv_sync_counters(h);
        h->cycle = counter_write_value(h, val, 0);
        break;
    case CSR_MINSTRET:
        rv_sync_counters(h);
        h->instret = counter_write_value(h, val, 2);
        break;
    case CSR_MHPMCOUNTER3 ... CSR_MHPMCOUNTER31:
        rv_sync_counters(h);
        rv_hpm_write(h, csr - CSR_MHPMCOUNTER3, val);
        break;
    default:
        return ILLEGAL; /* including every read-only CSR reaching here */
    }
    return OK;
}
