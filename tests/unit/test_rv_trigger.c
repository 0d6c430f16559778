/* The trigger module seen by a host debugger (vm_riscv_trigger): Debug
 * Mode rights set dmode and action 1, such a trigger stops the vCPU with
 * VM_EXIT_DEBUG (reason VM_DEBUG_TRIGGER) before the instruction, and the
 * guest's M-mode cannot change it; a plain one raises the guest's own
 * breakpoint exception instead. */
#include "rv_harness.h"
#include "vm/riscv.h"

#define TYPE6 (6ULL << 60)
#define DMODE (1ULL << 59)
#define EXEC 4
#define STORE 2
#define TM (1 << 6)
#define ACTION1 (1 << 12)
#define HIT0 (1 << 22)

static int setup(void **state)
{
    struct rv_machine *m = calloc(1, sizeof(*m));
    machine_init(m);
    *state = m;
    return 0;
}

static int teardown(void **state)
{
    struct rv_machine *m = *state;
    machine_fini(m);
    free(m);
    return 0;
}

static void test_debug_mode_trigger(void **state)
{
    struct rv_machine *m = *state;
    const uint64_t target = RAM_BASE + 8;
    const uint32_t code[] = {
        LI(10, 1), LI(11, 2), LI(12, 3),        /* the trigger is on the third */
        LI(5, 0), CSRW(0x7a0, 5),               /* M-mode: tselect = 0 ... */
        CSRW(0x7a1, 0),                         /* ... tdata1 = 0: ignored (dmode) */
        CSRR(13, 0x7a1), EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    uint64_t t1 = TYPE6 | DMODE | ACTION1 | TM | EXEC, t2 = target;
    assert_int_equal(vm_riscv_trigger(m->vcpu, 0, &t1, &t2, true), 0);
    assert_int_equal(t1, TYPE6 | DMODE | ACTION1 | TM | EXEC);
    assert_int_equal(t2, target);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(ex.kind, VM_EXIT_DEBUG);
    assert_int_equal(ex.u.debug.reason, VM_DEBUG_TRIGGER);
    assert_int_equal(ex.u.debug.pc, target);
    assert_int_equal(ex.u.debug.watch_addr, target);
    assert_int_equal(m->h->x[11], 2);
    assert_int_equal(m->h->x[12], 0); /* not executed */
    assert_int_equal(vm_riscv_trigger(m->vcpu, 0, &t1, &t2, false), 0);
    assert_true(t1 & HIT0);
    /* the debugger takes it away and resumes: M-mode cannot touch it */
    t1 = TYPE6 | DMODE | TM | STORE, t2 = 0;
    assert_int_equal(vm_riscv_trigger(m->vcpu, 0, &t1, &t2, true), 0);
    ex = run_from(m, target);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 7 * 4);
    assert_int_equal(m->h->x[13], TYPE6 | DMODE | TM | STORE);
    /* errors */
    assert_int_equal(vm_riscv_trigger(m->vcpu, 4, &t1, &t2, false), -VM_EINVAL);
}

static void test_guest_trigger_is_a_breakpoint(void **state)
{
    struct rv_machine *m = *state;
    /* without dmode, action 1 is not legal: the write disables it */
    uint64_t t1 = TYPE6 | ACTION1 | TM | EXEC, t2 = RAM_BASE;
    assert_int_equal(vm_riscv_trigger(m->vcpu, 1, &t1, &t2, true), 0);
    assert_int_equal(t1 >> 60, 15);
    /* action 0 from the debugger: the guest's breakpoint exception (MIE=1) */
    const uint32_t code[] = {
        LI(5, 8), CSRRS(0, CSR_MSTATUS, 5),
        AUIPC(6, 0), ADDI(6, 6, 16), CSRW(CSR_MTVEC, 6), /* handler: the EBREAK below */
        LI(10, 7),                                    /* the trigger is here */
        EBREAK, EBREAK,
    };
    load_code(m, RAM_BASE, code, sizeof(code) / 4);
    t1 = TYPE6 | TM | EXEC, t2 = RAM_BASE + 5 * 4;
    assert_int_equal(vm_riscv_trigger(m->vcpu, 1, &t1, &t2, true), 0);
    struct vm_exit ex = run_from(m, RAM_BASE);
    assert_int_equal(stopped_at(&ex), RAM_BASE + 6 * 4); /* in the handler */
    assert_int_equal(m->h->mcause, CAUSE_BREAKPOINT);
    assert_int_equal(m->h->mepc, RAM_BASE + 5 * 4);
    assert_int_equal(m->h->mtval, RAM_BASE + 5 * 4);
    assert_int_equal(m->h->x[10], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_debug_mode_trigger, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guest_trigger_is_a_breakpoint, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
