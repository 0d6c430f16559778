/* MMIO that exits to the run loop (vm_mem_add_mmio_exit) on the soft hart:
 * a store exits with its address, size and data; a load exits, and the
 * value the runner puts in the exit struct is what the instruction loads
 * when it runs again; the instruction is not retired until then (run
 * again without serving it: the same exit). Other accesses to the region
 * fail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vm/accel.h"
#include "vm/error.h"
#include "vm/mem.h"
#include "vm/riscv.h"

#define RAM 0x80000000ULL
#define DEV 0x10000000ULL

static void exits_on(const char *accel_name)
{
    struct vm_mem *mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(mem, RAM, 0x10000, "ram"), 0);
    assert_int_equal(vm_mem_add_mmio_exit(mem, DEV, 0x1000, "dev"), 0);
    static const uint32_t prog[] = {
        0x100002b7, /* lui t0, 0x10000     */
        0x0062a023, /* sw  t1, 0(t0)       */
        0x0082b503, /* ld  a0, 8(t0)       */
        0x00a28823, /* sb  a0, 16(t0)      */
        0x0000006f, /* j .                 */
    };
    assert_int_equal(vm_mem_write(mem, RAM, prog, sizeof(prog), NULL), 0);
    uint64_t v;
    assert_int_equal(vm_mem_load(mem, DEV, 4, &v), -VM_EFAULT); /* only a vCPU's loop serves it */

    struct vm_accel_config ac = {.machine = "test", .arch = VM_ARCH_RISCV64, .mem = mem,
                                 .nr_vcpus = 1};
    struct vm_accel *accel;
    struct vm_vcpu *vcpu;
    struct vm_vcpu_options opt = {.id = 0, .max_insns = 1000};
    assert_int_equal(vm_accel_create(accel_name, &ac, false, &accel), 0);
    assert_int_equal(vm_vcpu_create(accel, &opt, &vcpu), 0);
    struct vm_riscv_core_regs r;
    assert_int_equal(vm_vcpu_get_regs(vcpu, VM_REGSET_CORE, &r), 0);
    r.pc = RAM;
    r.priv = 3;
    r.x[6] = 0xfeed1234; /* t1 */
    assert_int_equal(vm_vcpu_set_regs(vcpu, VM_REGSET_CORE, &r), 0);

    struct vm_exit ex = {0};
    assert_int_equal(vm_vcpu_run(vcpu, &ex), 0);
    assert_int_equal(ex.kind, VM_EXIT_MMIO);
    assert_true(ex.u.mmio.is_write);
    assert_int_equal(ex.u.mmio.addr, DEV);
    assert_int_equal(ex.u.mmio.size, 4);
    assert_int_equal(ex.u.mmio.data, 0xfeed1234);

    assert_int_equal(vm_vcpu_run(vcpu, &ex), 0); /* the store done: on to the load */
    assert_int_equal(ex.kind, VM_EXIT_MMIO);
    assert_false(ex.u.mmio.is_write);
    assert_int_equal(ex.u.mmio.addr, DEV + 8);
    assert_int_equal(ex.u.mmio.size, 8);
    /* not served (a fresh struct): the load is still undone, and exits again */
    struct vm_exit fresh = {0};
    assert_int_equal(vm_vcpu_run(vcpu, &fresh), 0);
    assert_int_equal(fresh.kind, VM_EXIT_MMIO);
    assert_int_equal(fresh.u.mmio.addr, DEV + 8);
    uint64_t pc;
    assert_int_equal(vm_vcpu_get_regs(vcpu, VM_REGSET_CORE, &r), 0);
    pc = r.pc;
    assert_int_equal(pc, RAM + 8); /* still at the load */

    fresh.u.mmio.data = 0x1122334455667788ULL;
    assert_int_equal(vm_vcpu_run(vcpu, &fresh), 0); /* served: a0 gets it; then the sb */
    assert_int_equal(fresh.kind, VM_EXIT_MMIO);
    assert_true(fresh.u.mmio.is_write);
    assert_int_equal(fresh.u.mmio.addr, DEV + 16);
    assert_int_equal(fresh.u.mmio.size, 1);
    assert_int_equal(fresh.u.mmio.data, 0x88);
    assert_int_equal(vm_vcpu_get_regs(vcpu, VM_REGSET_CORE, &r), 0);
    assert_int_equal(r.x[10], 0x1122334455667788ULL);

    assert_int_equal(vm_vcpu_run(vcpu, &fresh), 0); /* then `j .` until the bound */
    assert_int_equal(fresh.kind, VM_EXIT_INTR);
    vm_vcpu_destroy(vcpu);
    vm_accel_destroy(accel);
    vm_mem_destroy(mem);
}

/* The interpreter, and the JIT (its generic path must end the same way). */
static void interpreter(void **state)
{
    exits_on("soft,jit=off");
}

static void jit(void **state)
{
    exits_on("soft,jit=on");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(interpreter), cmocka_unit_test(jit)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
