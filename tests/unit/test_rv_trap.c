/* Traps and interrupts: priorities, delegation, global enables per
 * privilege, direct and vectored xtvec, xRET, and running code that traps
 * between M, S and U. */
#include <string.h>

#include "rv_harness.h"

static int setup(void **state)
{
    struct rv_machine *m = calloc(1, sizeof(*m));
    machine_init(m);
    *state = m;
    return 0;
}

static int teardown(void **state)
{
    machine_fini(*state);
    free(*state);
    return 0;
}

static void test_priority(void **state)
{
    struct rv_hart *h = ((struct rv_machine *)*state)->h;
    h->priv = VM_PRIV_M;
    h->mstatus = MSTATUS_MIE;
    h->mideleg = 0;
    h->mie = MIP_ALL;
    assert_int_equal(rv_pending_interrupt(h, MIP_ALL), IRQ_MEI);
    assert_int_equal(rv_pending_interrupt(h, MIP_ALL & ~MIP_MEIP), IRQ_MSI);
    assert_int_equal(rv_pending_interrupt(h, MIP_MTIP | MIP_S_MASK), IRQ_MTI);
    assert_int_equal(rv_pending_interrupt(h, MIP_S_MASK), IRQ_SEI);
    assert_int_equal(rv_pending_interrupt(h, MIP_SSIP | MIP_STIP), IRQ_SSI);
    assert_int_equal(rv_pending_interrupt(h, MIP_STIP), IRQ_STI);
    assert_int_equal(rv_pending_interrupt(h, 0), -1);
    /* pending but not enabled in mie */
    h->mie = MIP_MTIP;
    assert_int_equal(rv_pending_interrupt(h, MIP_MEIP), -1);
    assert_int_equal(rv_pending_interrupt(h, MIP_MEIP | MIP_MTIP), IRQ_MTI);
}

static void test_global_enables(void **state)
{
    struct rv_hart *h = ((struct rv_machine *)*state)->h;
    h->mie = MIP_ALL;
    h->mideleg = MIP_S_MASK;
    /* M-mode: M interrupts need MIE; delegated ones are never taken */
    h->priv = VM_PRIV_M;
    h->mstatus = 0;
    assert_int_equal(rv_pending_interrupt(h, MIP_MTIP), -1);
    h->mstatus = MSTATUS_MIE | MSTATUS_SIE;
    assert_int_equal(rv_pending_interrupt(h, MIP_MTIP), IRQ_MTI);
    assert_int_equal(rv_pending_interrupt(h, MIP_STIP | MIP_SSIP), -1);
    /* S-mode: M interrupts regardless of MIE; S ones need SIE */
    h->priv = VM_PRIV_S;
    h->mstatus = 0;
    assert_int_equal(rv_pending_interrupt(h, MIP_MTIP), IRQ_MTI);
    assert_int_equal(rv_pending_interrupt(h, MIP_STIP), -1);
    h->mstatus = MSTATUS_SIE;
    assert_int_equal(rv_pending_interrupt(h, MIP_STIP), IRQ_STI);
    /* M-level beats S-level whatever the numbers */
    assert_int_equal(rv_pending_interrupt(h, MIP_SEIP | MIP_MTIP), IRQ_MTI);
    /* U-mode: everything enabled regardless of SIE/MIE */
    h->priv = VM_PRIV_U;
    h->mstatus = 0;
    assert_int_equal(rv_pending_interrupt(h, MIP_SSIP), IRQ_SSI);
    /* not delegated: an S-level interrupt goes to M */
    h->mideleg = 0;
    h->priv = VM_PRIV_S;
    assert_int_equal(rv_pending_interrupt(h, MIP_SSIP), IRQ_SSI);
    h->priv = VM_PRIV_M;
    h->mstatus = 0;
    assert_int_equal(rv_pending_interrupt(h, MIP_SSIP), -1);
}

static void test_trap_entry(void **state)
{
    struct rv_hart *h = ((struct rv_machine *)*state)->h;
    /* exception from U delegated to S */
    h->priv = VM_PRIV_U;
    h->mstatus = MSTATUS_SIE;
    h->medeleg = 1ULL << CAUSE_ECALL_U;
    h->stvec = 0x80002001; /* vectored: exceptions still go to the base */
    h->pc = 0x1000;
    rv_raise(h, CAUSE_ECALL_U, 0);
    assert_int_equal(h->priv, VM_PRIV_S);
    assert_int_equal(h->pc, 0x80002000);
    assert_int_equal(h->sepc, 0x1000);
    assert_int_equal(h->scause, CAUSE_ECALL_U);
    assert_false(h->mstatus & MSTATUS_SIE);
    assert_true(h->mstatus & MSTATUS_SPIE);
    assert_false(h->mstatus & MSTATUS_SPP);
    /* an interrupt from S to M, vectored */
    h->mtvec = 0x80003001;
    h->mstatus = MSTATUS_MIE | MSTATUS_SIE;
    h->mideleg = 0;
    h->pc = 0x2000;
    rv_raise(h, CAUSE_INTERRUPT | IRQ_MTI, 0);
    assert_int_equal(h->priv, VM_PRIV_M);
    assert_int_equal(h->pc, 0x80003000 + 4 * IRQ_MTI);
    assert_int_equal(h->mepc, 0x2000);
    assert_int_equal(h->mcause, CAUSE_INTERRUPT | IRQ_MTI);
    assert_int_equal((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, VM_PRIV_S);
    assert_true(h->mstatus & MSTATUS_MPIE);
    assert_false(h->mstatus & MSTATUS_MIE);
    /* exceptions in M are never delegated */
    h->medeleg = MEDELEG_WRITABLE;
    h->pc = 0x3000;
    rv_raise(h, CAUSE_ILLEGAL, 0x1234);
    assert_int_equal(h->priv, VM_PRIV_M);
    assert_int_equal(h->mtval, 0x1234);
    assert_int_equal(h->pc, 0x80003000);
}

static void test_xret(void **state)
{
    struct rv_hart *h = ((struct rv_machine *)*state)->h;
    h->priv = VM_PRIV_M;
    h->mstatus = MSTATUS_MPIE | MSTATUS_MPRV | (1ULL << MSTATUS_MPP_SHIFT);
    h->mepc = 0x4000;
    rv_mret(h);
    assert_int_equal(h->priv, VM_PRIV_S);
    assert_int_equal(h->pc, 0x4000);
    assert_true(h->mstatus & MSTATUS_MIE);
    assert_true(h->mstatus & MSTATUS_MPIE);
    assert_false(h->mstatus & MSTATUS_MPRV); /* left M: MPRV clears */
    assert_int_equal(h->mstatus & MSTATUS_MPP, 0);
    h->mstatus = MSTATUS_SPIE | MSTATUS_SPP;
    h->sepc = 0x5000;
    rv_sret(h);
    assert_int_equal(h->priv, VM_PRIV_S);
    assert_true(h->mstatus & MSTATUS_SIE);
    assert_false(h->mstatus & MSTATUS_SPP);
    h->mstatus = 0;
    rv_sret(h);
    assert_int_equal(h->priv, VM_PRIV_U);
}

/* M sets up delegation and drops to S, S drops to U, U does an ECALL
 * (delegated: S sees it), an illegal compressed instruction (not
 * delegated: M sees its 16-bit parcel), then a load page... of a missing
 * address: an access fault with tval. */
static void test_run_privilege_switches(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint64_t S = RAM_BASE + 0x100, U = RAM_BASE + 0x200, SH = RAM_BASE + 0x300,
                   MH = RAM_BASE + 0x400;
    const uint32_t mcode[] = {
        LI(5, 1 << CAUSE_ECALL_U), CSRW(CSR_MEDELEG, 5),
        AUIPC(5, 0), ADDI(5, 5, 0x400 - 0x08), CSRW(CSR_MTVEC, 5), /* MH */
        AUIPC(5, 0), ADDI(5, 5, 0x300 - 0x14), CSRW(CSR_STVEC, 5), /* SH */
        LI(5, 1), SLLI(5, 5, 11), CSRW(CSR_MSTATUS, 5),             /* MPP = S */
        AUIPC(5, 0), ADDI(5, 5, 0x100 - 0x2c), CSRW(CSR_MEPC, 5), MRET,
    };
    const uint32_t scode[] = {
        CSRW(CSR_SSTATUS, 0),                                       /* SPP = U */
        AUIPC(5, 0), ADDI(5, 5, 0x100 - 0x04), CSRW(CSR_SEPC, 5), SRET,
    };
    /* U: ecall, then a reserved compressed parcel, then a load from nowhere */
    const uint32_t ucode[] = {ECALL, 0x00014002u /* c.lwsp x0 (reserved), c.nop */,
                              LUI(6, 0x10), LD(7, 6, 8), EBREAK};
    /* S handler: record scause/sepc, skip the instruction, return */
    const uint32_t shandler[] = {CSRR(20, CSR_SCAUSE), CSRR(21, CSR_SEPC), ADDI(21, 21, 4),
                                 CSRW(CSR_SEPC, 21), SRET};
    /* M handler: record cause/tval/epc and priv (MPP), skip, return */
    const uint32_t mhandler[] = {
        CSRR(22, CSR_MCAUSE), CSRR(23, CSR_MTVAL), CSRR(24, CSR_MEPC), CSRR(25, CSR_MSTATUS),
        LI(26, 2), BNE(22, 26, 8), ADDI(24, 24, 2), /* illegal: 2-byte parcel */
        BEQ(22, 26, 8), ADDI(24, 24, 4), CSRW(CSR_MEPC, 24),
        ADDI(27, 27, 1), LI(26, 2), BNE(27, 26, 8), EBREAK, MRET,
    };
    load_code(m, RAM_BASE, mcode, sizeof(mcode) / 4);
    load_code(m, S, scode, sizeof(scode) / 4);
    load_code(m, U, ucode, sizeof(ucode) / 4);
    load_code(m, SH, shandler, sizeof(shandler) / 4);
    load_code(m, MH, mhandler, sizeof(mhandler) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(ex.kind, VM_EXIT_DEBUG);
    /* the ECALL went to S */
    assert_int_equal(h->x[20], CAUSE_ECALL_U);
    assert_int_equal(h->x[21], U + 4);
    /* the second trap (the load access fault) is the last one M recorded */
    assert_int_equal(h->x[22], CAUSE_LOAD_ACCESS);
    assert_int_equal(h->x[23], 0x10008);
    assert_int_equal(h->x[24], U + 12 + 4);
    assert_int_equal((h->x[25] & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, VM_PRIV_U);
    assert_int_equal(h->x[27], 2);
}

/* The illegal 16-bit parcel: mtval holds just those 16 bits. */
static void test_illegal_tval(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        AUIPC(5, 0), ADDI(5, 5, 0x20), CSRW(CSR_MTVEC, 5), 0x00014002u, EBREAK, NOP, NOP, NOP,
        /* 0x20 */ CSRR(10, CSR_MTVAL), CSRR(11, CSR_MCAUSE), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x28);
    assert_int_equal(h->x[10], 0x4002);
    assert_int_equal(h->x[11], CAUSE_ILLEGAL);
}

/* A software interrupt raised by writing mip.SSIP is taken at once,
 * vectored, once enabled. */
static void test_run_software_interrupt(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(5, 0), ADDI(5, 5, 0x101), CSRW(CSR_MTVEC, 5), /* vectored at 0x100 */
        /* 0x0c */ LI(5, MIP_SSIP), CSRW(CSR_MIE, 5), CSRW(CSR_MIP, 5),
        /* 0x18 */ LI(6, 8), CSRRS(0, CSR_MSTATUS, 6), /* MIE: taken right after */
        /* 0x20 */ LI(10, 1), EBREAK,
    };
    const uint32_t vec[] = {EBREAK, LI(11, 7), CSRR(12, CSR_MCAUSE), CSRR(13, CSR_MEPC), EBREAK};
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    load_code(m, RAM_BASE + 0x100, vec, sizeof(vec) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x110);
    assert_int_equal(h->x[11], 7);
    assert_int_equal(h->x[12], CAUSE_INTERRUPT | IRQ_SSI);
    assert_int_equal(h->x[13], RAM_BASE + 0x20); /* right after the enabling CSR write */
    assert_int_equal(h->x[10], 0);
}

/* A trap vector that faults itself traps forever without retiring an
 * instruction: the run ends with an error exit blamed on the guest. */
static void test_trap_storm(void **state)
{
    struct rv_machine *m = *state;
    const uint32_t code[] = {CSRW(CSR_MTVEC, 0), 0x00000000u /* illegal */, EBREAK};
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(ex.kind, VM_EXIT_ERROR);
    assert_true(ex.u.error.guest);
    assert_non_null(strstr(ex.u.error.message, "trap storm"));
    assert_non_null(strstr(ex.u.error.message, "exception 1 at pc 0x0")); /* fetch access */
}

/* Many traps, each with a handler that retires instructions, are no storm. */
static void test_many_traps_no_storm(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(5, 0), ADDI(5, 5, 0x100), CSRW(CSR_MTVEC, 5),
        /* 0x0c */ LI(10, 2000),
        /* 0x10 */ ECALL, ADDI(10, 10, -1), BNE(10, 0, -8), EBREAK,
    };
    const uint32_t handler[] = {CSRR(6, CSR_MEPC), ADDI(6, 6, 4), CSRW(CSR_MEPC, 6), MRET};
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    load_code(m, RAM_BASE + 0x100, handler, sizeof(handler) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x1c);
    assert_int_equal(h->x[10], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_priority, setup, teardown),
        cmocka_unit_test_setup_teardown(test_global_enables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trap_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_xret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_privilege_switches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_illegal_tval, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_software_interrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trap_storm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_traps_no_storm, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
