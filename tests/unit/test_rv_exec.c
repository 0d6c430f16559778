/* The interpreter: decoded-cache invalidation (self-modifying code,
 * FENCE.I), instructions that straddle pages, x0, misaligned accesses,
 * atomics, FP gating and boxing, counters, WFI with the Sstc timer, the
 * instruction limit and RAM write watches. */
#include <string.h>

#include "rv_harness.h"
#include "vm/riscv.h"

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

/* Store a new instruction over a later one in the same page, without
 * FENCE.I: the hart must run the new one (the decoded page is dropped). */
static void test_self_modifying_same_page(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t patched = LI(10, 42);
    const uint32_t code[] = {
        /* 0x00 */ LI(10, 1), JAL(0, 8),                       /* run 0x0c once, decoded */
        /* 0x08 */ EBREAK,
        /* 0x0c */ LI(10, 7), BNE(11, 0, 0x20),                /* second time: to 0x30 */
        /* 0x14 */ LI(11, 1), AUIPC(5, 0), LUI(6, patched >> 12),
        /* 0x20 */ ADDI(6, 6, (int32_t)(patched & 0xfff)), SW(6, 5, -0xc), JAL(0, -0x1c),
        /* 0x2c */ NOP, EBREAK,
    };
    /* patched & 0xfff may be >= 0x800: LUI must then take the carry */
    uint32_t code2[sizeof(code) / 4];
    memcpy(code2, code, sizeof(code));
    if (patched & 0x800)
        code2[7] = LUI(6, (patched >> 12) + 1);
    load_code(m, RAM_BASE, code2, sizeof(code2) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x30);
    assert_int_equal(h->x[10], 42);
}

/* Code in another page, decoded, then rewritten behind the hart's back
 * (as a device's DMA would): FENCE.I makes the new code run, which is what
 * the ISA guarantees. A store by the hart itself is seen even without it. */
static void test_fence_i(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint64_t F = RAM_BASE + 0x2000;
    const uint32_t f_old[] = {LI(10, 1), JALR(0, 1, 0)};
    const uint32_t f_new = LI(10, 2), f_newer = LI(10, 3);
    const uint32_t main_code[] = {
        /* 0x00 */ AUIPC(20, 2), JALR(1, 20, 0), EBREAK,          /* call F */
        /* 0x0c */ FENCE_I, AUIPC(20, 2), JALR(1, 20, -0x10), EBREAK,
        /* 0x1c */ LUI(6, f_newer >> 12), ADDI(6, 6, (int32_t)(f_newer & 0xfff)),
        /* 0x24 */ AUIPC(20, 2), SW(6, 20, -0x24), JALR(1, 20, -0x24), EBREAK,
    };
    load_code(m, F, f_old, 2);
    load_code(m, RAM_BASE, main_code, sizeof(main_code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x08);
    assert_int_equal(h->x[10], 1);
    assert_int_equal(vm_mem_write(m->mem, F, &f_new, 4, NULL), 0); /* no hook, no flush */
    ex = run_from(m, RAM_BASE + 0x0c);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x18);
    assert_int_equal(h->x[10], 2);
    ex = run_from(m, RAM_BASE + 0x1c);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x30);
    assert_int_equal(h->x[10], 3);
}

/* A 4-byte instruction whose halves are on two pages runs correctly. */
static void test_straddling_instruction(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint64_t at = RAM_BASE + 0x1000 - 2;
    uint32_t addi = ADDI(10, 0, 123);
    uint16_t c_nop = 0x0001;
    assert_int_equal(vm_mem_write(m->mem, at - 2, &c_nop, 2, NULL), 0);
    assert_int_equal(vm_mem_write(m->mem, at, &addi, 4, NULL), 0);
    uint32_t ebreak = EBREAK;
    assert_int_equal(vm_mem_write(m->mem, at + 4, &ebreak, 4, NULL), 0);
    rv_dcache_flush(h);
    struct vm_exit ex = run_from(m, at - 2);
    assert_int_equal(stopped_at(&ex), at + 4);
    assert_int_equal(h->x[10], 123);
}

static void test_x0_and_misaligned(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        LI(0, 5), ADD(10, 0, 0),                               /* x0 stays 0 */
        AUIPC(5, 0x10), ADDI(5, 5, 3), LI(6, -2), SD(6, 5, 0),  /* misaligned store */
        LD(11, 5, 0), LW(12, 5, 2), LD(0, 5, 0), EBREAK,        /* and loads */
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(ex.kind, VM_EXIT_DEBUG);
    assert_int_equal(h->x[0], 0);
    assert_int_equal(h->x[10], 0);
    assert_int_equal(h->x[11], (uint64_t)-2);
    assert_int_equal(h->x[12], (uint64_t)-1);
}

static void test_atomics(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        AUIPC(5, 0x10), LI(6, 0x55), SD(6, 5, 0),
        LI(7, 0x0f), AMOSWAP_D(10, 7, 5),        /* a0 = 0x55, mem = 0x0f */
        LI(7, 0x30), AMOOR_W(11, 7, 5),          /* a1 = 0x0f, mem = 0x3f */
        LR_D(12, 5), ADDI(12, 12, 1), SC_D(13, 12, 5), /* sc succeeds: a3 = 0 */
        SC_D(14, 12, 5),                         /* no reservation: a4 = 1 */
        LD(15, 5, 0),
        ADDI(28, 5, 4), AMOSWAP_D(16, 7, 28),    /* misaligned AMO: traps */
        EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    h->mtvec = RAM_BASE + 0x100;
    uint32_t handler[] = {CSRR(17, CSR_MCAUSE), EBREAK};
    load_code(m, RAM_BASE + 0x100, handler, 2);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x104);
    assert_int_equal(h->x[10], 0x55);
    assert_int_equal(h->x[11], 0x0f);
    assert_int_equal(h->x[13], 0);
    assert_int_equal(h->x[14], 1);
    assert_int_equal(h->x[15], 0x40);
    assert_int_equal(h->x[17], CAUSE_STORE_MISALIGNED);
}

/* FS = Off: FP loads and arithmetic are illegal. FS on: loads NaN-box. */
static void test_fp_gating(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t flw = enc_i(0, 5, 2, 1, 0x07); /* flw f1, 0(t0) */
    const uint32_t code[] = {
        AUIPC(5, 0x10), flw, EBREAK, NOP,
        /* 0x10: handler */ CSRR(10, CSR_MCAUSE), CSRR(11, CSR_MTVAL), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    h->mtvec = RAM_BASE + 0x10;
    h->mstatus &= ~MSTATUS_FS;
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x18);
    assert_int_equal(h->x[10], CAUSE_ILLEGAL);
    assert_int_equal(h->x[11], flw);
    /* now with FS = Initial: the load works, boxes, and dirties FS */
    uint32_t v = 0x3f800000;
    vm_mem_write(m->mem, RAM_BASE + 0x10000, &v, 4, NULL);
    h->mstatus |= 1ULL << MSTATUS_FS_SHIFT;
    ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 8);
    assert_int_equal(h->f[1], 0xffffffff3f800000ULL);
    assert_int_equal(h->mstatus & MSTATUS_FS, MSTATUS_FS_DIRTY);
    assert_true(h->mstatus & MSTATUS_SD);
}

/* A DYN rounding mode with an invalid frm is illegal. */
static void test_fp_rounding_mode(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        FMV_D_X(1, 0), FADD_D(2, 1, 1, 7), EBREAK, NOP,
        /* 0x10 */ CSRR(10, CSR_MCAUSE), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    h->mtvec = RAM_BASE + 0x10;
    h->mstatus |= 1ULL << MSTATUS_FS_SHIFT;
    h->frm = 5;
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x14);
    assert_int_equal(h->x[10], CAUSE_ILLEGAL);
    h->frm = 0;
    ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 8);
}

/* instret counts retired instructions exactly (EBREAK does not retire). */
static void test_instret(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        CSRR(5, CSR_MINSTRET), LI(10, 100), ADDI(10, 10, -1), BNE(10, 0, -4),
        CSRR(6, CSR_MINSTRET), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(ex.kind, VM_EXIT_DEBUG);
    assert_int_equal(h->x[6] - h->x[5], 1 + 1 + 200);
}

/* WFI sleeps until the Sstc timer fires; the interrupt is then taken. */
static void test_wfi_timer(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(5, 0), ADDI(5, 5, 0x40), CSRW(CSR_MTVEC, 5),
        /* 0x0c */ LI(5, 1), SLLI(5, 5, 63), CSRW(CSR_MENVCFG, 5),   /* STCE */
        /* 0x18 */ LI(5, MIP_STIP), CSRW(CSR_MIE, 5),
        /* 0x20 */ CSRR(6, CSR_TIME), ADDI(6, 6, 2000), CSRW(CSR_STIMECMP, 6), /* +200 us */
        /* 0x2c: MIE = 0, so WFI just wakes; the trap comes with MIE */
        /* 0x2c */ WFI, LI(7, 8), CSRRS(0, CSR_MSTATUS, 7), EBREAK,
        /* 0x3c */ NOP,
        /* 0x40 */ CSRR(10, CSR_MCAUSE), CSRR(11, CSR_TIME), CSRR(12, CSR_MEPC), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x4c);
    assert_int_equal(h->x[10], CAUSE_INTERRUPT | IRQ_STI);
    assert_true(h->x[11] >= h->x[6]);
    assert_int_equal(h->x[12], RAM_BASE + 0x38); /* right after MIE is set */
}

/* An external line (as a CLINT would drive it) wakes WFI from a thread. */
static void *raise_mtip(void *arg)
{
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    vm_riscv_hart_irq(arg, IRQ_MTI, true);
    return NULL;
}

static void test_wfi_external_line(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {LI(5, MIP_MTIP), CSRW(CSR_MIE, 5), WFI, CSRR(10, CSR_MIP), EBREAK};
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    pthread_t t;
    pthread_create(&t, NULL, raise_mtip, m->vcpu);
    struct vm_exit ex = run_from(m, RAM_BASE); /* MIE = 0: no trap, just wake */
    pthread_join(t, NULL);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x10);
    assert_true(h->x[10] & MIP_MTIP);
    vm_riscv_hart_irq(m->vcpu, IRQ_MTI, false);
    assert_false(rv_read_mip(h) & MIP_MTIP);
}

static void test_insn_limit_and_kick(void **state)
{
    struct rv_machine m;
    struct vm_vcpu_options opt = {.id = 0, .max_insns = 100000};
    machine_init_opt(&m, &opt);
    const uint32_t code[] = {JAL(0, 0)}; /* spin forever */
    load_code(&m, RAM_BASE, code, 1);
    struct vm_exit ex = run_from(&m, RAM_BASE);
    assert_int_equal(ex.kind, VM_EXIT_INTR);
    assert_int_equal(ex.u.intr.reason, VM_INTR_INSN_LIMIT);
    assert_true(m.h->instret >= 100000 && m.h->instret < 100000 + 4096);
    /* a kick before run makes it return at once */
    vm_vcpu_kick(m.vcpu);
    assert_int_equal(vm_vcpu_run(m.vcpu, &ex), 0);
    assert_int_equal(ex.kind, VM_EXIT_INTR);
    machine_fini(&m);
}

/* Stores of any kind to a watched range exit right after the store. */
static void test_watch_writes(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint64_t W = RAM_BASE + 0x8000;
    assert_int_equal(vm_accel_watch_writes(m->accel, W, 8), 0);
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(5, 8), LI(6, 3), SB(6, 5, 0),            /* byte store */
        /* 0x0c */ AMOSWAP_D(0, 6, 5),                            /* AMO */
        /* 0x10 */ ADDI(7, 5, -4), SD(6, 7, 0),                   /* misaligned, overlapping */
        /* 0x18 */ SD(6, 5, 64),                                  /* same page, outside: ignored */
        /* 0x1c */ EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(ex.kind, VM_EXIT_WATCH);
    assert_int_equal(ex.u.watch.addr, W);
    assert_int_equal(h->pc, RAM_BASE + 0x0c); /* the store retired, nothing after it */
    assert_int_equal(vm_vcpu_run(m->vcpu, &ex), 0);
    assert_int_equal(ex.kind, VM_EXIT_WATCH);
    assert_int_equal(h->pc, RAM_BASE + 0x10);
    assert_int_equal(vm_vcpu_run(m->vcpu, &ex), 0);
    assert_int_equal(ex.kind, VM_EXIT_WATCH);
    assert_int_equal(h->pc, RAM_BASE + 0x18);
    /* a store elsewhere in the watched page is reported too (the watch is
     * per page); the board then finds nothing new at tohost */
    assert_int_equal(vm_vcpu_run(m->vcpu, &ex), 0);
    if (ex.kind == VM_EXIT_WATCH)
        assert_int_equal(vm_vcpu_run(m->vcpu, &ex), 0);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x1c);
}

/* Registers through the generic interface and the register map. */
static void test_registers(void **state)
{
    struct rv_machine *m = *state;
    const struct vm_reg_map *map = vm_accel_reg_map(m->accel);
    const struct vm_reg_desc *a0 = vm_reg_map_find(map, "a0");
    assert_non_null(a0);
    assert_ptr_equal(vm_reg_map_find(map, "x10"), a0);
    assert_int_equal(a0->number, 10);
    assert_int_equal(vm_vcpu_set_reg(m->vcpu, 10, 0x1234), 0);
    assert_int_equal(m->h->x[10], 0x1234);
    uint64_t v;
    assert_int_equal(vm_vcpu_set_reg(m->vcpu, 0, 99), 0); /* x0 stays zero */
    assert_int_equal(vm_vcpu_get_reg(m->vcpu, 0, &v), 0);
    assert_int_equal(v, 0);
    const struct vm_reg_desc *pc = vm_reg_map_find(map, "pc");
    assert_int_equal(vm_vcpu_set_reg(m->vcpu, pc->number, RAM_BASE + 6), 0);
    assert_int_equal(m->h->pc, RAM_BASE + 6);
    const struct vm_reg_desc *f3 = vm_reg_map_find(map, "f3");
    assert_int_equal(f3->set, VM_REGSET_FPU);
    assert_int_equal(vm_vcpu_set_reg(m->vcpu, f3->number, 0x400921fb54442d18ULL), 0);
    assert_int_equal(m->h->f[3], 0x400921fb54442d18ULL);
    const struct vm_reg_desc *mtvec = vm_reg_map_find(map, "mtvec");
    assert_int_equal(mtvec->number, 65 + CSR_MTVEC);
    assert_int_equal(vm_vcpu_set_reg(m->vcpu, mtvec->number, RAM_BASE + 0x102), 0);
    assert_int_equal(m->h->mtvec, RAM_BASE + 0x100); /* legalised as a CSR write */
    const struct vm_reg_desc *priv = vm_reg_map_find(map, "priv");
    assert_int_equal(vm_vcpu_set_reg(m->vcpu, priv->number, 2), -VM_EINVAL);
    assert_int_equal(vm_vcpu_set_reg(m->vcpu, priv->number, 1), 0);
    assert_int_equal(m->h->priv, VM_PRIV_S);
    assert_int_equal(vm_vcpu_get_reg(m->vcpu, 9999, &v), -VM_ENOENT);
    for (unsigned i = 0; i < map->count; i++) /* every entry lies inside its set */
        assert_true(map->regs[i].offset + map->regs[i].size <= map->set_size[map->regs[i].set]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_self_modifying_same_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fence_i, setup, teardown),
        cmocka_unit_test_setup_teardown(test_straddling_instruction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_x0_and_misaligned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_atomics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fp_gating, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fp_rounding_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_instret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wfi_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wfi_external_line, setup, teardown),
        cmocka_unit_test(test_insn_limit_and_kick),
        cmocka_unit_test_setup_teardown(test_watch_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
