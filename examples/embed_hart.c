/* Embedding a RISC-V hart with libvm: guest RAM, an ELF loaded into it, a
 * soft hart started at its entry, and a run loop that serves the guest's
 * MMIO itself (the region exits to this loop, as KVM's MMIO exits do)
 * until the guest writes its exit code; then the hart's registers.
 *
 *   cc embed_hart.c $(pkg-config --cflags --libs libvm) -o embed_hart
 *   ./embed_hart guest.elf
 *
 * The guest (guest/hello.S) prints through the device, asks it for a
 * number and exits with that number + 2. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <vm/accel.h>
#include <vm/elf.h>
#include <vm/error.h>
#include <vm/mem.h>
#include <vm/riscv.h>

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1ULL << 20)
#define DEVICE 0x10000000ULL /* the MMIO device this program implements */
#define DEV_PUTC 0
#define DEV_NUMBER 8
#define DEV_EXIT 16

static int fail(const char *what)
{
    fprintf(stderr, "embed_hart: %s: %s\n", what, vm_error_message());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: embed_hart GUEST.elf\n");
        return 2;
    }
    /* Guest memory: RAM, and the device as a region that exits to us. */
    struct vm_mem *mem = vm_mem_create();
    if (!mem || vm_mem_add_ram(mem, RAM_BASE, RAM_SIZE, "ram") < 0 ||
        vm_mem_add_mmio_exit(mem, DEVICE, 0x1000, "device") < 0)
        return fail("memory");

    /* The program, at its physical addresses. */
    struct vm_elf *elf;
    if (vm_elf_open(argv[1], &elf) < 0 || vm_elf_check_machine(elf, VM_ELF_EM_RISCV) < 0 ||
        vm_elf_load_phys(elf, mem) < 0)
        return fail("loading the program");
    uint64_t entry = vm_elf_entry(elf);
    vm_elf_close(elf);

    /* One soft hart, in M-mode at the entry. */
    struct vm_accel_config ac = {
        .machine = "embed_hart", .arch = VM_ARCH_RISCV64, .mem = mem, .nr_vcpus = 1,
    };
    struct vm_accel *accel;
    struct vm_vcpu *vcpu;
    struct vm_vcpu_options opt = {.id = 0};
    struct vm_riscv_core_regs regs;
    if (vm_accel_create("soft", &ac, false, &accel) < 0 || vm_vcpu_create(accel, &opt, &vcpu) < 0 ||
        vm_vcpu_get_regs(vcpu, VM_REGSET_CORE, &regs) < 0)
        return fail("creating the hart");
    regs.pc = entry;
    regs.priv = 3;
    if (vm_vcpu_set_regs(vcpu, VM_REGSET_CORE, &regs) < 0)
        return fail("setting the registers");

    /* The run loop: serve the device until the guest exits. */
    struct vm_exit ex = {0};
    int code = -1;
    unsigned mmio_exits = 0;
    while (code < 0) {
        if (vm_vcpu_run(vcpu, &ex) < 0)
            return fail("running");
        if (ex.kind != VM_EXIT_MMIO) {
            fprintf(stderr, "embed_hart: unexpected exit '%s'\n", vm_exit_kind_name(ex.kind));
            return 1;
        }
        mmio_exits++;
        uint64_t off = ex.u.mmio.addr - DEVICE;
        if (ex.u.mmio.is_write && off == DEV_PUTC)
            putchar((int)ex.u.mmio.data);
        else if (ex.u.mmio.is_write && off == DEV_EXIT)
            code = (int)ex.u.mmio.data;
        else if (!ex.u.mmio.is_write && off == DEV_NUMBER)
            ex.u.mmio.data = 40; /* the load's value, taken by the next vm_vcpu_run */
        else
            fprintf(stderr, "embed_hart: %s of %u bytes at offset 0x%" PRIx64 ": ignored\n",
                    ex.u.mmio.is_write ? "write" : "read", ex.u.mmio.size, off);
    }

    /* The hart's state at the end, by name through the register map. */
    const struct vm_reg_map *map = vm_accel_reg_map(accel);
    const char *names[] = {"a0", "pc", "minstret", "priv"};
    for (unsigned i = 0; i < 4; i++) {
        uint64_t v;
        const struct vm_reg_desc *d = vm_reg_map_find(map, names[i]);
        if (!d || vm_vcpu_get_reg(vcpu, d->number, &v) < 0)
            return fail(names[i]);
        printf("%s = 0x%" PRIx64 "\n", names[i], v);
    }
    printf("exit code %d after %u MMIO exits\n", code, mmio_exits);
    vm_vcpu_destroy(vcpu);
    vm_accel_destroy(accel);
    vm_mem_destroy(mem);
    return code == 42 ? 0 : 1;
}
