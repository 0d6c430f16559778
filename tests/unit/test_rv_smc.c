/* Self-modifying code (Ziccid) and the JIT's other promises, on both
 * engines (this file runs once with the default engine and once with
 * the other, through VM_TEST_ACCEL: tests/CMakeLists.txt): stores into code reach instruction fetch
 * without FENCE.I, from the same page or another, from another hart or
 * from a device (a non-hart write); stores next to code do not throw the
 * code away; two address spaces mapping one virtual address to different
 * code each run their own; an interrupt reaches a loop that never leaves. */
#include <pthread.h>
#include <time.h>

#include "rv_harness.h"
#include "vm/riscv.h"

#define SLLI_(rd, rs1, sh) enc_i(sh, rs1, 1, rd, 0x13)
#define ORI(rd, rs1, imm) enc_i(imm, rs1, 6, rd, 0x13)
#define BNEZ(rs1, off) BNE(rs1, 0, off)
#define RET JALR(0, 1, 0)
#define SFENCE_VMA 0x12000073u
#define LI_A0(v) LI(10, v)

static int setup(void **state)
{
    struct rv_machine *m = calloc(1, sizeof(*m));
    /* A bound for broken cases; the JIT runs a tight loop at billions of
     * instructions per second, so waits of tens of ms need a large one. */
    struct vm_vcpu_options opt = {.id = 0, .ebreak_exits = true, .max_insns = 100000000000ULL};
    machine_init_opt(m, &opt);
    *state = m;
    return 0;
}

static int teardown(void **state)
{
    machine_fini(*state);
    free(*state);
    return 0;
}

static uint64_t invalidations(const struct rv_machine *m)
{
    return __atomic_load_n(&m->h->plat->code.invalidations, __ATOMIC_RELAXED);
}

/* A loop that rewrites an instruction of its own body every time round,
 * without FENCE.I, 40 times (the interpreter used to give up watching a
 * page after 8 rewrites and then ran stale code forever), while also
 * storing data into the same page. Each round must run the instruction
 * the round before wrote. */
static void test_self_patching_loop(void **state)
{
    struct rv_machine *m = *state;
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(8, 0), LI(10, 0), LI(6, 40),
        /* 0x0c */ ADDI(11, 0, 7),                  /* rewritten: addi a1, zero, t1 */
        /* 0x10 */ ADD(10, 10, 11), SLLI_(7, 6, 20), ORI(7, 7, 0x593),
        /* 0x1c */ SW(7, 8, 0x0c), SW(6, 8, 0x700), ADDI(6, 6, -1),
        /* 0x28 */ BNEZ(6, -0x1c), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x2c);
    assert_int_equal(m->h->x[10], 7 + (40 * 41 / 2 - 1)); /* 7, then 40, 39, ..., 2 */
}

/* Stores to data that shares a page with code (not its 64-byte granules)
 * leave the code alone: nothing is invalidated, however many there are. */
static void test_data_next_to_code(void **state)
{
    struct rv_machine *m = *state;
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(8, 0), LI(6, 2000), LI(10, 0),
        /* 0x0c */ SW(6, 8, 0x700), SD(10, 8, 0x708), ADDI(10, 10, 3), ADDI(6, 6, -1),
        /* 0x1c */ BNEZ(6, -0x10), LW(11, 8, 0x700), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    uint64_t before = invalidations(m);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x24);
    assert_int_equal(m->h->x[10], 6000);
    assert_int_equal(m->h->x[11], 1);
    assert_int_equal(invalidations(m), before);
}

/* Code on one page rewrites a function on another page that already ran
 * (was decoded or translated), then calls it: the new code runs, without
 * FENCE.I; and again with FENCE.I. */
static void test_cross_page_patch(void **state)
{
    struct rv_machine *m = *state;
    const uint64_t F = RAM_BASE + 0x3000;
    const uint32_t f[] = {LI_A0(1), RET};
    const uint32_t v2 = LI_A0(2), v3 = LI_A0(3);
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(20, 3), JALR(1, 20, 0), ADD(18, 0, 10),          /* call F: s2 = 1 */
        /* 0x0c */ LUI(7, v2 >> 12), ADDI(7, 7, (int32_t)(v2 & 0xfff)), SW(7, 20, 0),
        /* 0x18 */ JALR(1, 20, 0), ADD(19, 0, 10),                        /* s3 = 2 */
        /* 0x20 */ LUI(7, v3 >> 12), ADDI(7, 7, (int32_t)(v3 & 0xfff)), SW(7, 20, 0),
        /* 0x2c */ FENCE_I, JALR(1, 20, 0), EBREAK,                       /* a0 = 3 */
    };
    load_code(m, F, f, 2);
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x34);
    assert_int_equal(m->h->x[18], 1);
    assert_int_equal(m->h->x[19], 2);
    assert_int_equal(m->h->x[10], 3);
}

/* ---- code rewritten by another hart, and by a device ---- */

struct two_harts {
    struct vm_mem *mem;
    struct vm_accel *accel;
    struct vm_vcpu *vcpu[2];
};

static const char *engine(void)
{
    return getenv("VM_TEST_ACCEL") ? getenv("VM_TEST_ACCEL") : "soft";
}

static void two_harts_init(struct two_harts *t, unsigned n)
{
    t->mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(t->mem, RAM_BASE, RAM_SIZE, "ram"), 0);
    struct vm_accel_config ac = {.machine = "test", .arch = VM_ARCH_RISCV64, .mem = t->mem,
                                 .nr_vcpus = n};
    assert_int_equal(vm_accel_create(engine(), &ac, false, &t->accel), 0);
    for (unsigned i = 0; i < n; i++) {
        struct vm_vcpu_options opt = {.id = i, .ebreak_exits = true,
                                      .max_insns = 100000000000ULL};
        assert_int_equal(vm_vcpu_create(t->accel, &opt, &t->vcpu[i]), 0);
    }
}

static void two_harts_fini(struct two_harts *t, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        vm_vcpu_destroy(t->vcpu[i]);
    vm_accel_destroy(t->accel);
    vm_mem_destroy(t->mem);
}

struct hart_run {
    struct vm_vcpu *vcpu;
    uint64_t pc;
    struct vm_exit ex;
};

static void *run_hart(void *arg)
{
    struct hart_run *r = arg;
    struct rv_hart *h = vm_vcpu_priv(r->vcpu);
    h->pc = r->pc;
    if (vm_vcpu_run(r->vcpu, &r->ex) != 0)
        r->ex.kind = VM_EXIT_ERROR;
    return NULL;
}

/* Hart 1 calls F in a loop until it returns 2; hart 0 waits a little, then
 * rewrites F (no FENCE.I anywhere). Hart 1 must see it (not run into its
 * instruction limit). */
static void test_other_hart_patches_code(void **state)
{
    (void)state;
    struct two_harts t;
    two_harts_init(&t, 2);
    const uint64_t F = RAM_BASE + 0x3000, H1 = RAM_BASE + 0x2000;
    const uint32_t f[] = {LI_A0(1), RET};
    const uint32_t v2 = LI_A0(2);
    const uint32_t hart1[] = {
        /* 0x00 */ AUIPC(20, 1), LI(18, 2),                      /* s4 = F */
        /* 0x08 */ JALR(1, 20, 0), BNE(10, 18, -4), EBREAK,
    };
    const uint32_t hart0[] = {
        /* 0x00 */ AUIPC(20, 3), LUI(6, 64), ADDI(6, 6, -1), BNEZ(6, -4),  /* spin a while */
        /* 0x10 */ LUI(7, v2 >> 12), ADDI(7, 7, (int32_t)(v2 & 0xfff)), SW(7, 20, 0), EBREAK,
    };
    assert_int_equal(vm_mem_write(t.mem, F, f, sizeof(f), NULL), 0);
    assert_int_equal(vm_mem_write(t.mem, H1, hart1, sizeof(hart1), NULL), 0);
    assert_int_equal(vm_mem_write(t.mem, RAM_BASE, hart0, sizeof(hart0), NULL), 0);
    struct hart_run r[2] = {{t.vcpu[0], RAM_BASE, {0}}, {t.vcpu[1], H1, {0}}};
    pthread_t th[2];
    for (unsigned i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, run_hart, &r[i]);
    for (unsigned i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(stopped_at(&r[0].ex), RAM_BASE + 0x1c);
    assert_int_equal(r[1].ex.kind, VM_EXIT_DEBUG); /* not the instruction limit */
    assert_int_equal(stopped_at(&r[1].ex), H1 + 0x10);
    assert_int_equal(((struct rv_hart *)vm_vcpu_priv(t.vcpu[1]))->x[10], 2);
    two_harts_fini(&t, 2);
}

struct dma_write {
    struct vm_mem *mem;
    uint64_t pa;
    uint32_t insn;
};

static void *dma_later(void *arg)
{
    struct dma_write *w = arg;
    struct timespec ts = {0, 30 * 1000 * 1000};
    nanosleep(&ts, NULL);
    vm_mem_write(w->mem, w->pa, &w->insn, 4, NULL); /* as a device's DMA would */
    return NULL;
}

/* A hart calls F in a loop; a device (another thread, through vm_mem)
 * rewrites F: the hart runs the new code without FENCE.I. */
static void test_device_patches_code(void **state)
{
    struct rv_machine *m = *state;
    const uint64_t F = RAM_BASE + 0x3000;
    const uint32_t f[] = {LI_A0(1), RET};
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(20, 3), LI(18, 1),
        /* 0x08 */ JALR(1, 20, 0), BEQ(10, 18, -4), EBREAK,
    };
    load_code(m, F, f, 2);
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct dma_write w = {m->mem, F, LI_A0(5)};
    pthread_t th;
    pthread_create(&th, NULL, dma_later, &w);
    struct vm_exit ex = run_from(m, RAM_BASE);
    pthread_join(th, NULL);
    assert_int_equal(ex.kind, VM_EXIT_DEBUG);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x10);
    assert_int_equal(m->h->x[10], 5);
}

/* ---- two address spaces, one virtual address, different code ---- */

#define PTE_V 1u
#define PTE_R 2u
#define PTE_W 4u
#define PTE_X 8u
#define PTE_A 0x40u
#define PTE_D 0x80u

static void wr64(struct rv_machine *m, uint64_t pa, uint64_t v)
{
    assert_int_equal(vm_mem_write(m->mem, pa, &v, 8, NULL), 0);
}

/* Root at `root` (3 pages: L2, L1, L0): RAM identity-mapped by a 1 GiB
 * page, and VA 0x40000000 -> code_pa. */
static uint64_t address_space(struct rv_machine *m, uint64_t root, uint64_t code_pa)
{
    wr64(m, root + 2 * 8, (RAM_BASE >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    wr64(m, root + 1 * 8, ((root + 0x1000) >> 12) << 10 | PTE_V);
    wr64(m, root + 0x1000, ((root + 0x2000) >> 12) << 10 | PTE_V);
    wr64(m, root + 0x2000, (code_pa >> 12) << 10 | PTE_V | PTE_R | PTE_X | PTE_A);
    return 8ULL << 60 | root >> 12;
}

/* S-mode code calls VA 0x40000000 under satp A (-> 1), then B (-> 2),
 * then A again (-> 1): translated code is keyed by physical address, so
 * each space runs its own, and coming back to A translates nothing. */
static void test_satp_switch_same_va(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint64_t P1 = RAM_BASE + 0x8000, P2 = RAM_BASE + 0x9000;
    const uint32_t f1[] = {LI_A0(1), RET}, f2[] = {LI_A0(2), RET};
    load_code(m, P1, f1, 2);
    load_code(m, P2, f2, 2);
    uint64_t sa = address_space(m, RAM_BASE + 0x10000, P1);
    uint64_t sb = address_space(m, RAM_BASE + 0x20000, P2);
    /* s0 = satp A, s1 = satp B (set below), t0 = 0x40000000 */
    const uint32_t code[] = {
        /* 0x00 */ CSRW(CSR_SATP, 8), SFENCE_VMA, LUI(5, 0x40000), JALR(1, 5, 0), EBREAK,
        /* 0x14 */ CSRW(CSR_SATP, 9), SFENCE_VMA, JALR(1, 5, 0), EBREAK,
        /* 0x24 */ CSRW(CSR_SATP, 8), SFENCE_VMA, JALR(1, 5, 0), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    h->x[8] = sa;
    h->x[9] = sb;
    rv_set_priv(h, VM_PRIV_S);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x10);
    assert_int_equal(h->x[10], 1);
    ex = run_from(m, RAM_BASE + 0x14);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x20);
    assert_int_equal(h->x[10], 2);
    /* A again, the very path of the first run: nothing new to translate. */
    struct rv_jit_stats s0, s1;
    rv_jit_get_stats(h, &s0);
    ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x10);
    assert_int_equal(h->x[10], 1);
    rv_jit_get_stats(h, &s1);
    assert_int_equal(s1.blocks, s0.blocks);
}

/* ---- interrupts reach a loop that never leaves ---- */

static void *raise_mei(void *arg)
{
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    vm_riscv_hart_irq(arg, IRQ_MEI, true);
    return NULL;
}

/* `j .` with machine interrupts on: a device line raised from another
 * thread is taken (the loop's translated code sees the poke at its next
 * block entry: its own jump back). */
static void test_irq_reaches_tight_loop(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(5, 0), ADDI(5, 5, 0x40), CSRW(CSR_MTVEC, 5),
        /* 0x0c */ LI(5, 1), SLLI_(5, 5, 11), CSRW(CSR_MIE, 5), LI(5, 8), CSRRS(0, CSR_MSTATUS, 5),
        /* 0x20 */ JAL(0, 0),
        /* 0x24 */ NOP, NOP, NOP, NOP, NOP, NOP, NOP,
        /* 0x40 */ CSRR(10, CSR_MCAUSE), CSRR(11, CSR_MEPC), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    pthread_t th;
    pthread_create(&th, NULL, raise_mei, m->vcpu);
    struct vm_exit ex = run_from(m, RAM_BASE);
    pthread_join(th, NULL);
    if (ex.kind != VM_EXIT_DEBUG)
        fail_msg("exit %s (%d), pc 0x%llx", vm_exit_kind_name(ex.kind),
                 ex.kind == VM_EXIT_INTR ? (int)ex.u.intr.reason : -1,
                 (unsigned long long)h->pc);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x48);
    assert_int_equal(h->x[10], CAUSE_INTERRUPT | IRQ_MEI);
    assert_int_equal(h->x[11], RAM_BASE + 0x20);
    vm_riscv_hart_irq(m->vcpu, IRQ_MEI, false);
}

/* The Sstc timer, which nothing outside the hart raises, in a loop that
 * never leaves: taken within a bounded time after its deadline (slices of
 * at most RV_SLICE instructions end in the interrupt check). */
static void test_timer_reaches_tight_loop(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(5, 0), ADDI(5, 5, 0x40), CSRW(CSR_MTVEC, 5),
        /* 0x0c */ LI(5, 1), SLLI_(5, 5, 63), CSRW(CSR_MENVCFG, 5),          /* STCE */
        /* 0x18 */ LI(5, MIP_STIP), CSRW(CSR_MIE, 5),
        /* 0x20 */ CSRR(6, CSR_TIME), ADDI(6, 6, 1000), CSRW(CSR_STIMECMP, 6), /* +100 us */
        /* 0x2c */ LI(5, 8), CSRRS(0, CSR_MSTATUS, 5),
        /* 0x34 */ ADDI(7, 7, 1), JAL(0, -4),                                /* count forever */
        /* 0x3c */ NOP,
        /* 0x40 */ CSRR(10, CSR_MCAUSE), CSRR(11, CSR_TIME), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    h->x[7] = 0;
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 0x48);
    assert_int_equal(h->x[10], CAUSE_INTERRUPT | IRQ_STI);
    assert_true(h->x[11] >= h->x[6]);
    /* taken soon after the deadline: well under a second (a 10 MHz clock) */
    assert_true(h->x[11] - h->x[6] < 5000000);
    assert_true(h->x[7] > 0); /* the loop did run */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_self_patching_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_next_to_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_page_patch, setup, teardown),
        cmocka_unit_test(test_other_hart_patches_code),
        cmocka_unit_test_setup_teardown(test_device_patches_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_satp_switch_same_va, setup, teardown),
        cmocka_unit_test_setup_teardown(test_irq_reaches_tight_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_reaches_tight_loop, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
