/* CSR access rules (privilege, read-only, counters, FS, TVM, Sstc) and the
 * WARL legalisation of writes. */
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

/* A CSR instruction from privilege `priv`: 0 if allowed, -1 if illegal. */
static int csr_access(struct rv_hart *h, unsigned priv, unsigned csr, bool write)
{
    uint8_t saved = h->priv;
    h->priv = (uint8_t)priv;
    uint64_t v = 0;
    int rc = rv_csr_check(h, csr, write);
    if (rc == 0)
        rc = write ? rv_csr_write(h, csr, 0) : rv_csr_read(h, csr, &v);
    h->priv = saved;
    return rc;
}

static void test_privilege_and_read_only(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    assert_int_equal(csr_access(h, VM_PRIV_U, CSR_MSTATUS, false), -1);
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_MSTATUS, false), -1);
    assert_int_equal(csr_access(h, VM_PRIV_M, CSR_MSTATUS, false), 0);
    assert_int_equal(csr_access(h, VM_PRIV_U, CSR_SSTATUS, false), -1);
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_SSTATUS, false), 0);
    /* read-only by number */
    assert_int_equal(csr_access(h, VM_PRIV_M, CSR_MHARTID, true), -1);
    assert_int_equal(csr_access(h, VM_PRIV_M, CSR_MVENDORID, true), -1);
    assert_int_equal(csr_access(h, VM_PRIV_M, CSR_CYCLE, true), -1);
    assert_int_equal(csr_access(h, VM_PRIV_M, CSR_MHARTID, false), 0);
    /* not implemented: illegal, never a silent zero */
    static const unsigned missing[] = {0x7c0, 0x5c0, 0x800, 0x7a5 /* tcontrol */, 0x7a8 /* mcontext */, 0x7b0 /* dcsr: Debug Mode only */,
                                       0x3a1 /* pmpcfg1: RV32 only */, 0x310 /* mstatush */,
                                       0x15d /* stimecmph */, 0x600 /* hstatus */, 0xfff};
    for (unsigned i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        uint64_t v;
        h->priv = VM_PRIV_M;
        if (rv_csr_check(h, missing[i], false) == 0 && rv_csr_read(h, missing[i], &v) == 0)
            fail_msg("CSR 0x%x reads without a trap", missing[i]);
    }
}

static void test_counters(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    h->mcounteren = 0;
    h->scounteren = 0;
    assert_int_equal(csr_access(h, VM_PRIV_M, CSR_CYCLE, false), 0);
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_CYCLE, false), -1);
    assert_int_equal(csr_access(h, VM_PRIV_U, CSR_TIME, false), -1);
    h->mcounteren = 1 | 2 | 4;
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_CYCLE, false), 0);
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_INSTRET, false), 0);
    assert_int_equal(csr_access(h, VM_PRIV_U, CSR_INSTRET, false), -1); /* scounteren too */
    h->scounteren = 4;
    assert_int_equal(csr_access(h, VM_PRIV_U, CSR_INSTRET, false), 0);
    assert_int_equal(csr_access(h, VM_PRIV_U, CSR_TIME, false), -1);
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_HPMCOUNTER3, false), -1);
}

static void test_warl(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    uint64_t v;
    h->priv = VM_PRIV_M;
    rv_csr_write(h, CSR_MISA, 0);
    rv_csr_read(h, CSR_MISA, &v);
    assert_int_equal(v, MISA_VALUE);
    assert_int_equal(v >> 62, 2); /* RV64 */
    rv_csr_write(h, CSR_MTVEC, 0x80001002); /* mode 2 is reserved */
    assert_int_equal(h->mtvec, 0x80001000);
    rv_csr_write(h, CSR_MTVEC, 0x80001003);
    assert_int_equal(h->mtvec, 0x80001001);
    rv_csr_write(h, CSR_MEPC, 0x80000003);
    assert_int_equal(h->mepc, 0x80000002);
    rv_csr_write(h, CSR_MEDELEG, ~0ULL);
    assert_int_equal(h->medeleg, MEDELEG_WRITABLE);
    assert_int_equal((h->medeleg >> CAUSE_ECALL_M) & 1, 0);
    rv_csr_write(h, CSR_MIDELEG, ~0ULL);
    assert_int_equal(h->mideleg, MIP_S_MASK | MIP_LCOFIP); /* LCOFI: Sscofpmf */
    /* satp: an unsupported mode leaves it unchanged */
    rv_csr_write(h, CSR_SATP, 8ULL << 60 | 0x1234);
    assert_int_equal(h->satp, 8ULL << 60 | 0x1234);
    rv_csr_write(h, CSR_SATP, 5ULL << 60 | 0x5678);
    assert_int_equal(h->satp, 8ULL << 60 | 0x1234);
    rv_csr_write(h, CSR_SATP, 0);
    /* mstatus: MPP=2 keeps the old MPP; UXL/SXL stay 64-bit */
    rv_csr_write(h, CSR_MSTATUS, 1ULL << MSTATUS_MPP_SHIFT);
    rv_csr_write(h, CSR_MSTATUS, 2ULL << MSTATUS_MPP_SHIFT);
    assert_int_equal((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, 1);
    assert_int_equal((h->mstatus >> 32) & 0xf, 0xa);
    /* sstatus is a view of mstatus */
    rv_csr_write(h, CSR_MSTATUS, MSTATUS_MIE | MSTATUS_SIE | MSTATUS_SUM);
    rv_csr_read(h, CSR_SSTATUS, &v);
    assert_int_equal(v & (MSTATUS_MIE | MSTATUS_SIE | MSTATUS_SUM), MSTATUS_SIE | MSTATUS_SUM);
    rv_csr_write(h, CSR_SSTATUS, MSTATUS_MXR);
    assert_true(h->mstatus & MSTATUS_MIE); /* untouched by sstatus writes */
    assert_true(h->mstatus & MSTATUS_MXR);
    assert_false(h->mstatus & MSTATUS_SIE);
    /* sie/sip reach only delegated bits */
    rv_csr_write(h, CSR_MIDELEG, MIP_SSIP);
    rv_csr_write(h, CSR_MIE, 0);
    rv_csr_write(h, CSR_SIE, ~0ULL);
    assert_int_equal(h->mie, MIP_SSIP);
    rv_csr_write(h, CSR_MIP, 0);
    rv_csr_write(h, CSR_SIP, ~0ULL);
    assert_int_equal(h->mip, MIP_SSIP);
    rv_csr_write(h, CSR_MIP, ~0ULL); /* MSIP/MTIP/MEIP come from devices only; LCOFIP is software's too */
    assert_int_equal(h->mip, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_LCOFIP);
    rv_csr_write(h, CSR_MIP, 0);
    rv_csr_write(h, CSR_MIDELEG, 0);
    /* PMP: 16 entries, pmpaddr holds bits 55:2; entries 16-63 are
     * read-only zero; odd pmpcfg do not exist on RV64; reserved cfg bits
     * read 0 and R=0 W=1 is not written (the harness opened entry 0) */
    assert_int_equal(rv_csr_write(h, CSR_PMPADDR0 + 1, ~0ULL), 0);
    rv_csr_read(h, CSR_PMPADDR0 + 1, &v);
    assert_int_equal(v, 0x3fffffffffffffULL);
    assert_int_equal(rv_csr_write(h, CSR_PMPADDR0 + 16, ~0ULL), 0);
    rv_csr_read(h, CSR_PMPADDR0 + 16, &v);
    assert_int_equal(v, 0);
    assert_int_equal(rv_csr_write(h, CSR_PMPCFG0, 0x6000000000061fULL), 0);
    rv_csr_read(h, CSR_PMPCFG0, &v);
    assert_int_equal(v, 0x1f);
    assert_int_equal(rv_csr_write(h, CSR_PMPCFG0 + 2, 0xff01ULL), 0);
    rv_csr_read(h, CSR_PMPCFG0 + 2, &v);
    assert_int_equal(v, 0x9f01ULL);
    assert_int_equal(rv_csr_write(h, CSR_PMPCFG0 + 4, ~0ULL), 0);
    rv_csr_read(h, CSR_PMPCFG0 + 4, &v);
    assert_int_equal(v, 0);
    assert_int_equal(rv_csr_read(h, CSR_PMPCFG0 + 1, &v), -1);
}

static void test_fp_state(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    uint64_t v;
    h->priv = VM_PRIV_M;
    rv_csr_write(h, CSR_MSTATUS, 0); /* FS = Off */
    assert_int_equal(rv_csr_read(h, CSR_FCSR, &v), -1);
    assert_int_equal(rv_csr_write(h, CSR_FRM, 1), -1);
    rv_csr_write(h, CSR_MSTATUS, 1ULL << MSTATUS_FS_SHIFT); /* Initial */
    assert_false(h->mstatus & MSTATUS_SD);
    assert_int_equal(rv_csr_write(h, CSR_FCSR, 0xff), 0);
    assert_int_equal(h->mstatus & MSTATUS_FS, MSTATUS_FS_DIRTY);
    assert_true(h->mstatus & MSTATUS_SD);
    rv_csr_read(h, CSR_FRM, &v);
    assert_int_equal(v, 7);
    rv_csr_read(h, CSR_FFLAGS, &v);
    assert_int_equal(v, 0x1f);
    rv_csr_write(h, CSR_MSTATUS, 2ULL << MSTATUS_FS_SHIFT); /* Clean: SD clears */
    assert_false(h->mstatus & MSTATUS_SD);
}

static void test_tvm_and_sstc(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    h->priv = VM_PRIV_M;
    rv_csr_write(h, CSR_MSTATUS, MSTATUS_TVM);
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_SATP, false), -1);
    assert_int_equal(csr_access(h, VM_PRIV_M, CSR_SATP, false), 0);
    rv_csr_write(h, CSR_MSTATUS, 0);
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_SATP, false), 0);
    /* stimecmp from S needs menvcfg.STCE and mcounteren.TM */
    h->menvcfg = 0;
    h->mcounteren = 2;
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_STIMECMP, false), -1);
    h->menvcfg = MENVCFG_STCE;
    h->mcounteren = 0;
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_STIMECMP, false), -1);
    h->mcounteren = 2;
    assert_int_equal(csr_access(h, VM_PRIV_S, CSR_STIMECMP, false), 0);
    assert_int_equal(csr_access(h, VM_PRIV_M, CSR_STIMECMP, false), 0);
    /* with STCE, STIP follows stimecmp and is not writable */
    h->priv = VM_PRIV_M;
    rv_csr_write(h, CSR_STIMECMP, 0);
    assert_true(rv_read_mip(h) & MIP_STIP);
    rv_csr_write(h, CSR_STIMECMP, ~0ULL);
    rv_csr_write(h, CSR_MIP, MIP_STIP);
    assert_false(rv_read_mip(h) & MIP_STIP);
    h->menvcfg = 0;
}

/* Run CSR instructions: the illegal ones trap with mtval = the bits, and
 * minstret written by an instruction is what the next one reads. */
static void test_csr_instructions(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t bad = CSRR(10, 0x7c0);
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(5, 0), ADDI(5, 5, 0x40), CSRW(CSR_MTVEC, 5),
        /* 0x0c */ LI(6, 100), CSRW(CSR_MINSTRET, 6), CSRR(7, CSR_MINSTRET),
        /* 0x18 */ CSRRWI(0, CSR_MSCRATCH, 9), CSRR(8, CSR_MSCRATCH),
        /* 0x20 */ bad, EBREAK, NOP, NOP, NOP, NOP, NOP, NOP,
        /* 0x40: trap handler */ CSRR(11, CSR_MCAUSE), CSRR(12, CSR_MTVAL),
        CSRR(13, CSR_MEPC), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x4c);
    assert_int_equal(h->x[7], 100);
    assert_int_equal(h->x[8], 9);
    assert_int_equal(h->x[11], CAUSE_ILLEGAL);
    assert_int_equal(h->x[12], bad);
    assert_int_equal(h->x[13], RAM_BASE + 0x20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_privilege_and_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fp_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tvm_and_sstc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csr_instructions, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
