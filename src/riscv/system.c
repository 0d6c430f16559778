/* System instructions, run out of line with the hart's state synced: CSR
 * access, ECALL/EBREAK, xRET, WFI, SFENCE.VMA and FENCE.I. Each either
 * retires (pc to the next instruction) or raises a trap. */
#include "riscv/csr_defs.h"
#include "riscv/hart.h"
#include "riscv/ops.h"

static void retire(struct rv_hart *h, const struct rv_slot *s)
{
    h->pc += RV_LEN_OF_STEP(s->step);
    h->budget--; /* counted by the next rv_sync_counters() */
}

static void csr_op(struct rv_hart *h, const struct rv_slot *s, unsigned op, unsigned csr)
{
    bool imm_form = op >= RV_OP_CSRRWI;
    unsigned kind = op - (imm_form ? RV_OP_CSRRWI : RV_OP_CSRRW); /* 0 W, 1 S, 2 C */
    uint64_t src = imm_form ? s->rs1 : h->x[s->rs1];
    bool write = kind == 0 || s->rs1 != 0; /* CSRRS/C with x0 or uimm 0 only read */
    bool read = kind != 0 || s->rd != 32;  /* CSRRW with rd = x0 does not read */
    uint64_t old = 0;
    if (rv_csr_check(h, csr, write) != 0)
        goto illegal;
    if (read && rv_csr_read(h, csr, &old) != 0)
        goto illegal;
    if (write) {
        uint64_t base = old;
        if (csr == CSR_MIP) /* set/clear act on the software-written SEIP only */
            base = (old & ~MIP_SEIP) | (h->mip & MIP_SEIP);
        uint64_t nv = kind == 0 ? src : kind == 1 ? base | src : base & ~src;
        if (rv_csr_write(h, csr, nv) != 0)
            goto illegal;
    }
    h->x[s->rd] = old;
    retire(h, s);
    return;
illegal:
    rv_raise_illegal(h);
}

static void exit_with(struct rv_hart *h, enum vm_exit_kind kind)
{
    h->pending_exit.kind = kind;
    h->events |= RV_EV_EXIT;
}

void rv_system_exec(struct rv_hart *h, const struct rv_slot *s)
{
    unsigned op = (unsigned)s->imm & 0xff;
    unsigned csr = ((unsigned)s->imm >> 8) & 0xfff;
    rv_sync_counters(h);
    switch (op) {
    case RV_OP_CSRRW: case RV_OP_CSRRS: case RV_OP_CSRRC:
    case RV_OP_CSRRWI: case RV_OP_CSRRSI: case RV_OP_CSRRCI:
        csr_op(h, s, op, csr);
        return;
    case RV_OP_ECALL:
        if (h->opt.user_mode && h->priv == VM_PRIV_U) {
            exit_with(h, VM_EXIT_SYSCALL);
            h->pending_exit.u.syscall.nr = h->x[17];
            for (unsigned i = 0; i < 6; i++)
                h->pending_exit.u.syscall.args[i] = h->x[10 + i];
            retire(h, s);
            return;
        }
        rv_raise(h, h->priv == VM_PRIV_M ? CAUSE_ECALL_M
                    : h->priv == VM_PRIV_S ? CAUSE_ECALL_S : CAUSE_ECALL_U, 0);
        return;
    case RV_OP_EBREAK:
        if (h->opt.ebreak_exits) {
            exit_with(h, VM_EXIT_DEBUG);
            h->pending_exit.u.debug.pc = h->pc;
            h->pending_exit.u.debug.reason = VM_DEBUG_EBREAK;
            return;
        }
        rv_raise(h, CAUSE_BREAKPOINT, h->pc);
        return;
    case RV_OP_MRET:
        if (h->priv != VM_PRIV_M)
            break;
        h->budget--; /* retires; pc comes from mepc */
        rv_mret(h);
        h->events |= RV_EV_IRQ;
        return;
    case RV_OP_SRET:
        if (h->priv == VM_PRIV_U || (h->priv == VM_PRIV_S && (h->mstatus & MSTATUS_TSR)))
            break;
        h->budget--;
        rv_sret(h);
        h->events |= RV_EV_IRQ;
        return;
    case RV_OP_WFI:
        /* U-mode always and S-mode with TW trap at once (a time limit of 0). */
        if (h->priv == VM_PRIV_U || (h->priv == VM_PRIV_S && (h->mstatus & MSTATUS_TW)))
            break;
        retire(h, s);
        h->events |= RV_EV_WFI;
        return;
    case RV_OP_SFENCE_VMA:
        if (h->priv == VM_PRIV_U || (h->priv == VM_PRIV_S && (h->mstatus & MSTATUS_TVM)))
            break;
        vm_mmu_sfence(h->mmu, s->rs1 != 0, h->x[s->rs1], s->rs2 != 0,
                      (uint16_t)(h->x[s->rs2] & SATP_ASID_MASK));
        if (s->rs1 != 0) /* one page (of one address space or all): only its look-ups */
            rv_vcache_flush_page(h, h->x[s->rs1]);
        else
            rv_vcache_flush(h);
        retire(h, s);
        return;
    case RV_OP_SFENCE_INVAL:
        /* Svinval: SINVAL.VMA invalidates at once, so SFENCE.W.INVAL and
         * SFENCE.INVAL.IR have only their ordering to do. Not TVM-trapped. */
        if (h->priv == VM_PRIV_U)
            break;
        rv_fence(h);
        h->used.sfence_inval++;
        retire(h, s);
        return;
    case RV_OP_FENCE_I:
        /* Stores into code were caught as they happened (code_watch.c);
         * what other harts wrote is in the log: take it now. */
        rv_fence(h);
        rv_code_sync(h);
        rv_dcache_flush(h);
        retire(h, s);
        return;
    }
    rv_raise_illegal(h);
}
