/* A tiny board for the board-run helper's tests: RAM and soft harts that
 * start in M-mode at RAM_BASE running a small program (by default a
 * counting loop: t0 counts). Header-only: each test includes it once. */
#ifndef VM_TESTS_MACHINE_TEST_BOARD_H
#define VM_TESTS_MACHINE_TEST_BOARD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boards/machine.h"
#include "vm/error.h"
#include "vm/mem.h"
#include "vm/riscv.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1ULL << 20)

struct board {
    unsigned harts;
    const uint32_t *prog; /* NULL: counting (or ebreak_prog with `ebreak`) */
    size_t prog_size;     /* bytes */
    uint64_t max_insns;
    bool ebreak;        /* the program is a single ebreak (exits to the board) */
    bool fail_build;
    bool reset_in_build; /* a guest that resets at once, forever */
    struct vm_mem *mem;
    struct vm_accel *accel;
    atomic_int builds, teardowns, exits;
};

/* loop: addi t0, t0, 1; j loop */
static const uint32_t counting[] = {0x00128293, 0xffdff06f};
static const uint32_t ebreak_prog[] = {0x00100073};

static int build(void *opaque, struct vm_machine *m)
{
    struct board *b = opaque;
    atomic_fetch_add(&b->builds, 1);
    if (b->fail_build)
        return vm_error(VM_EINVAL, "test: refused to build");
    b->mem = vm_mem_create();
    int rc = vm_mem_add_ram(b->mem, RAM_BASE, RAM_SIZE, "ram");
    if (rc < 0)
        return rc;
    const uint32_t *prog = b->prog ? b->prog : b->ebreak ? ebreak_prog : counting;
    size_t size = b->prog ? b->prog_size : b->ebreak ? sizeof(ebreak_prog) : sizeof(counting);
    if ((rc = vm_mem_write(b->mem, RAM_BASE, prog, size, NULL)) < 0)
        return rc;
    struct vm_accel_config ac = {
        .machine = "test", .arch = VM_ARCH_RISCV64, .mem = b->mem, .nr_vcpus = b->harts,
    };
    if ((rc = vm_accel_create("soft", &ac, false, &b->accel)) < 0)
        return rc;
    for (unsigned h = 0; h < b->harts; h++) {
        struct vm_vcpu_options opt = {.id = h, .max_insns = b->max_insns,
                                      .ebreak_exits = b->ebreak};
        struct vm_vcpu *v;
        struct vm_riscv_core_regs regs;
        if ((rc = vm_vcpu_create(b->accel, &opt, &v)) < 0)
            return rc;
        if ((rc = vm_machine_add_vcpu(m, v)) < 0)
            return rc;
        vm_vcpu_get_regs(v, VM_REGSET_CORE, &regs);
        regs.pc = RAM_BASE;
        regs.priv = 3;
        vm_vcpu_set_regs(v, VM_REGSET_CORE, &regs);
    }
    if (b->reset_in_build)
        vm_machine_stop(m, VM_STOP_RESET, 0, NULL);
    return 0;
}

static void teardown(void *opaque, struct vm_machine *m)
{
    struct board *b = opaque;
    atomic_fetch_add(&b->teardowns, 1);
    for (unsigned h = 0; h < vm_machine_vcpu_count(m); h++)
        vm_vcpu_destroy(vm_machine_remove_vcpu(m, h));
    vm_accel_destroy(b->accel);
    vm_mem_destroy(b->mem);
    b->accel = NULL;
    b->mem = NULL;
}

static int board_exit(void *opaque, struct vm_machine *m, unsigned vcpu, struct vm_exit *ex)
{
    struct board *b = opaque;
    if (ex->kind != VM_EXIT_DEBUG)
        return vm_error(VM_EINVAL, "test: exit %s", vm_exit_kind_name(ex->kind));
    if (atomic_fetch_add(&b->exits, 1) + 1 >= 10)
        return vm_error(VM_EINVAL, "test: ten breakpoints are enough");
    return 0;
}

static const struct vm_machine_ops ops = {
    .name = "test", .build = build, .teardown = teardown, .handle_exit = board_exit,
};

#endif
