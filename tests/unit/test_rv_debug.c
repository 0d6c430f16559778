/* The soft hart under a debugger (vm_vcpu_set_debug, debug_access): single
 * step, breakpoints (entered by jumps, by falling through, resumed from),
 * write/read/access watchpoints on every access path, reads and writes of
 * guest memory, and the fast path back once debugging is off. */
#include <string.h>

#include "rv_harness.h"
#include "vm/riscv.h"

#define DATA (RAM_BASE + 0x10000) /* a page of variables */

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

static void set_debug(struct rv_machine *m, const struct vm_vcpu_debug *d)
{
    assert_int_equal(vm_vcpu_set_debug(m->vcpu, d), 0);
}

static struct vm_exit run(struct rv_machine *m)
{
    struct vm_exit ex;
    assert_int_equal(vm_vcpu_run(m->vcpu, &ex), 0);
    return ex;
}

static void assert_debug(const struct vm_exit *ex, enum vm_debug_reason why, uint64_t pc)
{
    assert_int_equal(ex->kind, VM_EXIT_DEBUG);
    assert_int_equal(ex->u.debug.reason, why);
    assert_int_equal(ex->u.debug.pc, pc);
}

/* t0 = DATA (LUI of DATA's upper bits; DATA is page aligned below 2^31
 * once sign-extended: 0x80010000 needs the LUI + a zero-extension). */
#define LOAD_DATA_ADDR(rd) LUI(rd, 0x80010), SLLI(rd, rd, 32), enc_i(32, rd, 5, rd, 0x13)

/* Single step: one instruction per run, through a taken branch, a jump,
 * a load and a store, with a pending interrupt held off. */
static void test_single_step(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        /* 0x00 */ LI(10, 1), BEQ(0, 0, 8),
        /* 0x08 */ LI(10, 99),
        /* 0x0c */ JAL(0, 0x100 - 0x0c),
    };
    const uint32_t far[] = {LOAD_DATA_ADDR(5), SD(10, 5, 0), LD(11, 5, 0), EBREAK};
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    load_code(m, RAM_BASE + 0x100, far, sizeof(far) / 4);
    /* a machine timer interrupt pending and enabled: not taken while stepping */
    h->mie = MIP_MTIP;
    h->mstatus |= MSTATUS_MIE;
    h->mtvec = RAM_BASE + 0x800;
    rv_hart_set_irq(h, MIP_MTIP, true);
    h->pc = RAM_BASE;
    struct vm_vcpu_debug d = {.single_step = true};
    set_debug(m, &d);
    const uint64_t expect[] = {0x04, 0x0c, 0x100, 0x104, 0x108, 0x10c, 0x110, 0x114};
    for (unsigned i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
        struct vm_exit ex = run(m);
        assert_debug(&ex, VM_DEBUG_STEP, RAM_BASE + expect[i]);
        assert_int_equal(h->pc, RAM_BASE + expect[i]);
    }
    assert_int_equal(h->x[10], 1);
    assert_int_equal(h->x[11], 1);
    assert_int_equal(h->x[5], DATA);
    /* stepping off: the interrupt is taken at once */
    d.single_step = false;
    set_debug(m, &d);
    h->mtvec = RAM_BASE + 0x800;
    const uint32_t handler[] = {EBREAK};
    load_code(m, RAM_BASE + 0x800, handler, sizeof(handler) / 4);
    struct vm_exit ex = run(m);
    assert_int_equal(ex.kind, VM_EXIT_DEBUG);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    assert_int_equal(ex.u.debug.pc, RAM_BASE + 0x800);
    rv_hart_set_irq(h, MIP_MTIP, false);
}

/* Breakpoints: reached by falling through into their page, by a call
 * from another breakpoint page, by a branch inside their page and by a
 * return from a decoded page; resuming from one runs it. */
static void test_breakpoints(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint64_t L = RAM_BASE + 0x0ff0;
    const uint32_t loop[] = {
        /* 0x0ff0 */ LI(10, 0), LI(11, 3), NOP, NOP,
        /* 0x1000 */ JAL(1, 0x1100),             /* call 0x2100 */
        /* 0x1004 */ ADDI(11, 11, -1), BNE(11, 0, -8), EBREAK,
    };
    const uint32_t fn[] = {ADDI(10, 10, 1), JALR(0, 1, 0)};
    load_code(m, L, loop, sizeof(loop) / 4);
    load_code(m, RAM_BASE + 0x2100, fn, sizeof(fn) / 4);
    /* once without breakpoints: every page decoded and cached */
    struct vm_exit ex = run_from(m, L);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    assert_int_equal(h->x[10], 3);

    struct vm_vcpu_debug d = {.nr_breakpoints = 2,
                              .breakpoints = {RAM_BASE + 0x2100, RAM_BASE + 0x1000}};
    set_debug(m, &d);
    h->pc = L;
    ex = run(m); /* fell through from 0x0ffc */
    assert_debug(&ex, VM_DEBUG_BREAKPOINT, RAM_BASE + 0x1000);
    assert_int_equal(h->x[11], 3);
    for (int i = 0; i < 3; i++) {
        ex = run(m); /* resumed at 0x1000: the call runs, the function stops */
        assert_debug(&ex, VM_DEBUG_BREAKPOINT, RAM_BASE + 0x2100);
        assert_int_equal(h->x[10], (uint64_t)i); /* before its first instruction */
        ex = run(m);
        if (i < 2) /* by the branch back, inside the page */
            assert_debug(&ex, VM_DEBUG_BREAKPOINT, RAM_BASE + 0x1000);
    }
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    assert_int_equal(h->x[10], 3);

    /* on the return address: reached by JALR from the function's page */
    d.nr_breakpoints = 1;
    d.breakpoints[0] = RAM_BASE + 0x1004;
    set_debug(m, &d);
    h->pc = L;
    for (int i = 1; i <= 3; i++) {
        ex = run(m);
        assert_debug(&ex, VM_DEBUG_BREAKPOINT, RAM_BASE + 0x1004);
        assert_int_equal(h->x[10], (uint64_t)i);
    }
    ex = run(m);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);

    /* breakpoints off: straight through again */
    d.nr_breakpoints = 0;
    set_debug(m, &d);
    ex = run_from(m, L);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    assert_int_equal(h->x[10], 3);
}

/* A breakpoint where the hart was merely kicked is not skipped. */
static void test_breakpoint_after_kick(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {LI(10, 5), EBREAK};
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_vcpu_debug d = {.nr_breakpoints = 1, .breakpoints = {RAM_BASE}};
    set_debug(m, &d);
    h->pc = RAM_BASE;
    vm_vcpu_kick(m->vcpu);
    struct vm_exit ex = run(m);
    assert_int_equal(ex.kind, VM_EXIT_INTR);
    ex = run(m);
    assert_debug(&ex, VM_DEBUG_BREAKPOINT, RAM_BASE);
    assert_int_equal(h->x[10], 0);
    ex = run(m);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    assert_int_equal(h->x[10], 5);
}

static void watch(struct rv_machine *m, uint64_t addr, uint64_t len, enum vm_watch_kind kind)
{
    struct vm_vcpu_debug d = {.nr_watchpoints = 1, .watchpoints = {{addr, len, kind}}};
    set_debug(m, &d);
}

static void assert_watch(const struct vm_exit *ex, uint64_t pc, uint64_t addr,
                         enum vm_watch_kind kind)
{
    assert_debug(ex, VM_DEBUG_WATCH, pc);
    assert_int_equal(ex->u.debug.watch_addr, addr);
    assert_int_equal(ex->u.debug.watch_kind, kind);
}

/* Write watch: stores elsewhere in the page and loads pass; a store to the
 * variable stops before it is done, and the next run lets it through. */
static void test_write_watch(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        /* 0x00 */ LOAD_DATA_ADDR(5), LI(6, 7),
        /* 0x10 */ SD(6, 5, 0x100), LD(7, 5, 0x108), SD(6, 5, 0x110),
        /* 0x1c */ SW(6, 5, 0x108), LI(12, 1), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    watch(m, DATA + 0x108, 8, VM_WATCH_WRITE);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_watch(&ex, RAM_BASE + 0x1c, DATA + 0x108, VM_WATCH_WRITE);
    uint32_t v;
    assert_int_equal(vm_mem_read(m->mem, DATA + 0x108, &v, 4, NULL), 0);
    assert_int_equal(v, 0); /* not done yet */
    ex = run(m);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    assert_int_equal(vm_mem_read(m->mem, DATA + 0x108, &v, 4, NULL), 0);
    assert_int_equal(v, 7);
    assert_int_equal(h->x[12], 1);
}

/* Read and access watches on every kind of access: plain, misaligned
 * across the page end, FP, AMO, LR/SC. */
static void test_read_and_access_watch(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {
        /* 0x00 */ LOAD_DATA_ADDR(5), LI(6, 3),
        /* 0x10 */ SD(6, 5, 0x200), LD(10, 5, 0x200), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    watch(m, DATA + 0x204, 2, VM_WATCH_READ);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_watch(&ex, RAM_BASE + 0x14, DATA + 0x204, VM_WATCH_READ);
    assert_int_equal(h->x[10], 0); /* the load is not done */
    ex = run(m);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    assert_int_equal(h->x[10], 3);

    /* a misaligned 8-byte load whose second half is in the next page */
    const uint32_t cross[] = {LOAD_DATA_ADDR(5), ADDI(5, 5, 0x7fe), ADDI(5, 5, 0x7fe),
                              LD(10, 5, 0), EBREAK};
    load_code(m, RAM_BASE, cross, sizeof(cross) / 4);
    watch(m, DATA + 0x1000, 1, VM_WATCH_READ);
    ex = run_from(m, RAM_BASE);
    assert_watch(&ex, RAM_BASE + 0x14, DATA + 0x1000, VM_WATCH_READ);

    /* AMOs and SC hit a write watch as writes, LR and AMOs a read watch as reads */
    const uint32_t atomics[] = {
        /* 0x00 */ LOAD_DATA_ADDR(5), LI(6, 9),
        /* 0x10 */ AMOSWAP_D(10, 6, 5), LR_D(11, 5), SC_D(12, 6, 5), EBREAK,
    };
    load_code(m, RAM_BASE, atomics, sizeof(atomics) / 4);
    watch(m, DATA, 8, VM_WATCH_WRITE);
    ex = run_from(m, RAM_BASE);
    assert_watch(&ex, RAM_BASE + 0x10, DATA, VM_WATCH_WRITE);
    ex = run(m);
    assert_watch(&ex, RAM_BASE + 0x18, DATA, VM_WATCH_WRITE); /* the SC, not the LR */
    h->x[12] = 5;
    ex = run(m);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    assert_int_equal(h->x[12], 0); /* the SC ran then, and succeeded */
    watch(m, DATA, 8, VM_WATCH_READ);
    ex = run_from(m, RAM_BASE);
    assert_watch(&ex, RAM_BASE + 0x10, DATA, VM_WATCH_READ);
    ex = run(m);
    assert_watch(&ex, RAM_BASE + 0x14, DATA, VM_WATCH_READ); /* the LR */
    ex = run(m);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    watch(m, DATA, 8, VM_WATCH_ACCESS);
    ex = run_from(m, RAM_BASE);
    assert_watch(&ex, RAM_BASE + 0x10, DATA, VM_WATCH_WRITE);

    /* FP load */
    const uint32_t fp[] = {LOAD_DATA_ADDR(5), FLD(1, 5, 0), EBREAK};
    load_code(m, RAM_BASE, fp, sizeof(fp) / 4);
    h->mstatus |= MSTATUS_FS;
    watch(m, DATA, 8, VM_WATCH_ACCESS);
    ex = run_from(m, RAM_BASE);
    assert_watch(&ex, RAM_BASE + 0xc, DATA, VM_WATCH_READ);
    assert_int_equal(h->f[1], 0);
    ex = run(m);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    assert_int_equal(h->f[1], 9);
}

/* A single step onto a watched access reports the watch before it; the
 * next step runs it. */
static void test_step_onto_watch(void **state)
{
    struct rv_machine *m = *state;
    const uint32_t code[] = {LOAD_DATA_ADDR(5), SD(5, 5, 8), EBREAK};
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_vcpu_debug d = {.single_step = true, .nr_watchpoints = 1,
                              .watchpoints = {{DATA + 8, 8, VM_WATCH_WRITE}}};
    set_debug(m, &d);
    m->h->pc = RAM_BASE;
    for (int i = 0; i < 3; i++)
        run(m);
    struct vm_exit ex = run(m);
    assert_watch(&ex, RAM_BASE + 0xc, DATA + 8, VM_WATCH_WRITE);
    uint64_t v;
    assert_int_equal(vm_mem_read(m->mem, DATA + 8, &v, 8, NULL), 0);
    assert_int_equal(v, 0);
    ex = run(m);
    assert_debug(&ex, VM_DEBUG_STEP, RAM_BASE + 0x10);
    assert_int_equal(vm_mem_read(m->mem, DATA + 8, &v, 8, NULL), 0);
    assert_int_equal(v, DATA);
}

/* Watched pages leave L1; once the watch is gone, loads hit L1 again. */
static void test_fast_path_restored(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    /* 64 loads from the data page in a loop */
    const uint32_t code[] = {
        /* 0x00 */ LOAD_DATA_ADDR(5), LI(6, 64),
        /* 0x10 */ LD(7, 5, 0x400), ADDI(6, 6, -1), BNE(6, 0, -8), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_mmu_stats s0, s1, s2;
    watch(m, DATA + 0x10, 8, VM_WATCH_READ); /* the page, not the loaded word */
    vm_mmu_get_stats(h->mmu, &s0);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    vm_mmu_get_stats(h->mmu, &s1);
    assert_true(s1.l1_misses[VM_ACCESS_LOAD] - s0.l1_misses[VM_ACCESS_LOAD] >= 64);
    struct vm_vcpu_debug none = {0};
    set_debug(m, &none);
    ex = run_from(m, RAM_BASE);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    vm_mmu_get_stats(h->mmu, &s2);
    assert_true(s2.l1_misses[VM_ACCESS_LOAD] - s1.l1_misses[VM_ACCESS_LOAD] <= 1);
}

/* Memory through the hart's view; writes reach code already decoded. */
static void test_debug_access(void **state)
{
    struct rv_machine *m = *state;
    struct rv_hart *h = m->h;
    const uint32_t code[] = {LI(10, 1), EBREAK};
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_EBREAK);
    assert_int_equal(h->x[10], 1);
    uint32_t patched = LI(10, 2), back = 0;
    assert_int_equal(vm_vcpu_debug_access(m->vcpu, RAM_BASE, &patched, 4, true), 4);
    assert_int_equal(vm_vcpu_debug_access(m->vcpu, RAM_BASE, &back, 4, false), 4);
    assert_int_equal(back, patched);
    ex = run_from(m, RAM_BASE);
    assert_int_equal(h->x[10], 2);
    /* a read running off the end of RAM stops there */
    uint8_t buf[32];
    assert_int_equal(vm_vcpu_debug_access(m->vcpu, RAM_BASE + RAM_SIZE - 16, buf, 32, false), 16);
    assert_int_equal(vm_vcpu_debug_access(m->vcpu, 0x1000, buf, 4, false), 0);
}

/* Bad debug states are refused. */
static void test_bad_debug_state(void **state)
{
    struct rv_machine *m = *state;
    struct vm_vcpu_debug d = {.nr_watchpoints = 1, .watchpoints = {{~0ULL - 2, 8, VM_WATCH_WRITE}}};
    assert_true(vm_vcpu_set_debug(m->vcpu, &d) < 0);
    d.watchpoints[0] = (struct vm_watchpoint){DATA, 0, VM_WATCH_WRITE};
    assert_true(vm_vcpu_set_debug(m->vcpu, &d) < 0);
    d.nr_watchpoints = VM_DEBUG_MAX_WATCHPOINTS + 1;
    assert_true(vm_vcpu_set_debug(m->vcpu, &d) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_single_step, setup, teardown),
        cmocka_unit_test_setup_teardown(test_breakpoints, setup, teardown),
        cmocka_unit_test_setup_teardown(test_breakpoint_after_kick, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_watch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_and_access_watch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_step_onto_watch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fast_path_restored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debug_access, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_debug_state, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
