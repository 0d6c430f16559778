/* Two harts on two host threads: AMOs and LR/SC loops on one counter must
 * not lose an update, and a store by the other hart breaks a reservation. */
#include <pthread.h>

#include "rv_harness.h"

#define ROUNDS 0x5000 /* per loop and hart: LUI-loadable */

struct smp {
    struct vm_mem *mem;
    struct vm_accel *accel;
    struct vm_vcpu *vcpu[2];
};

static void *run_hart(void *arg)
{
    struct vm_vcpu *v = arg;
    struct rv_hart *h = vm_vcpu_priv(v);
    h->pc = RAM_BASE;
    static __thread struct vm_exit ex;
    if (vm_vcpu_run(v, &ex) != 0 || stopped_at(&ex) == ~0ULL)
        return (void *)1;
    return NULL;
}

static void test_counter(void **state)
{
    (void)state;
    struct smp m;
    m.mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(m.mem, RAM_BASE, RAM_SIZE, "ram"), 0);
    struct vm_accel_config ac = {.machine = "test", .arch = VM_ARCH_RISCV64, .mem = m.mem,
                                 .nr_vcpus = 2};
    const char *accel = getenv("VM_TEST_ACCEL") ? getenv("VM_TEST_ACCEL") : "soft";
    assert_int_equal(vm_accel_create(accel, &ac, false, &m.accel), 0);
    for (unsigned i = 0; i < 2; i++) {
        struct vm_vcpu_options opt = {.id = i, .ebreak_exits = true, .max_insns = 100000000};
        assert_int_equal(vm_vcpu_create(m.accel, &opt, &m.vcpu[i]), 0);
    }
    /* t0 = &counter; ROUNDS x amoadd.d; ROUNDS x lr/sc increment; ebreak */
    const uint32_t code[] = {
        /* 0x00 */ AUIPC(5, 0x10), LUI(6, ROUNDS >> 12), NOP, LI(7, 1),
        /* 0x10 */ enc_r(0x00 << 2, 7, 5, 3, 0, 0x2f), ADDI(6, 6, -1), BNE(6, 0, -8), /* amoadd.d */
        /* 0x1c */ LUI(6, ROUNDS >> 12), NOP,
        /* 0x24 */ LR_D(8, 5), ADDI(8, 8, 1), SC_D(9, 8, 5), BNE(9, 0, -12),
        /* 0x34 */ ADDI(6, 6, -1), BNE(6, 0, -20), EBREAK,
    };
    assert_int_equal(vm_mem_write(m.mem, RAM_BASE, code, sizeof(code), NULL), 0);
    pthread_t t[2];
    for (unsigned i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, run_hart, m.vcpu[i]);
    void *r0, *r1;
    pthread_join(t[0], &r0);
    pthread_join(t[1], &r1);
    assert_null(r0);
    assert_null(r1);
    uint64_t counter;
    assert_int_equal(vm_mem_load(m.mem, RAM_BASE + 0x10000, 8, &counter), 0);
    assert_int_equal(counter, 4ULL * ROUNDS);
    for (unsigned i = 0; i < 2; i++)
        vm_vcpu_destroy(m.vcpu[i]);
    vm_accel_destroy(m.accel);
    vm_mem_destroy(m.mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
