/* The x86-64 microVM board: memory, kernel and boot structures, the kvm
 * accelerator with its in-kernel irqchip, COM1 and the i8042 reset on port
 * I/O. The board-run helper (boards/machine.h) runs it, one host thread per
 * vCPU, until the guest resets or powers off.
 *
 * Virtio devices will attach as on riscv-virt (a vm_mem MMIO region and an
 * interrupt line, here a GSI of the in-kernel irqchip), described to the
 * guest by a DSDT (LNRO0005) or behind PCI: add_devices() is the place. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards/x86-microvm/bzimage.h"
#include "boards/x86-microvm/i8042.h"
#include "boards/x86-microvm/microvm_layout.h"
#include "boards/x86-microvm/mptable.h"
#include "boards/x86-microvm/uart_pio.h"
#include "boards/x86-microvm/x86_boot.h"
#include "boards/machine.h"
#include "devices/uart16550.h"
#include "vm/accel.h"
#include "vm/elf.h"
#include "vm/error.h"
#include "vm/kvm.h"
#include "vm/microvm.h"
#include "vm/pio.h"

/* An ELF kernel (vmlinux) takes these limits, as the boot protocol's
 * defaults for a 64-bit kernel. */
#define ELF_CMDLINE_SIZE 2047
#define ELF_INITRD_ADDR_MAX 0x7fffffffu

struct microvm {
    const struct vm_microvm_config *cfg;
    struct vm_machine *machine;
    uint64_t ram_size;
    unsigned nr_vcpus;
    struct vm_mem *mem;
    struct vm_pio *pio;
    struct vm_accel *accel;
    struct vm_uart16550 *uart;
    struct vm_irq_line com1_irq;
    struct microvm_i8042 kbc;
    struct linux_boot_layout boot;
    uint8_t *kernel, *initrd;
    size_t kernel_size, initrd_size;
};

static void on_i8042_reset(void *opaque)
{
    struct microvm *m = opaque;
    vm_machine_stop(m->machine, VM_STOP_RESET, 0, NULL);
}

/* ---- building ---------------------------------------------------------- */

static int read_file(const char *path, const char *what, uint8_t **out, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return vm_error(errno == ENOENT ? VM_ENOENT : VM_EIO, "%s '%s': %s", what, path,
                        strerror(errno));
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return vm_error(VM_ENOMEM, "%s '%s': out of host memory", what, path);
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return vm_error(VM_EIO, "%s '%s': read error", what, path);
    }
    *out = buf;
    *size = len;
    return 0;
}

static int add_ram(struct microvm *m)
{
    uint64_t low = m->ram_size < MICROVM_MMIO_HOLE_START ? m->ram_size : MICROVM_MMIO_HOLE_START;
    int rc = vm_mem_add_ram(m->mem, 0, low, "ram-low");
    if (rc == 0 && m->ram_size > low)
        rc = vm_mem_add_ram(m->mem, MICROVM_HIGH_RAM_START, m->ram_size - low, "ram-high");
    return rc;
}

/* An x86-64 ELF (vmlinux, or a test program): PT_LOAD segments at their
 * physical addresses, entered at e_entry in 64-bit mode. */
static int load_elf_kernel(struct microvm *m)
{
    const char *path = m->cfg->kernel;
    struct vm_elf *elf;
    int rc = vm_elf_parse(m->kernel, m->kernel_size, path, &elf);
    if (rc < 0)
        return rc;
    if ((rc = vm_elf_check_machine(elf, VM_ELF_EM_X86_64)) < 0 ||
        (rc = vm_elf_load_phys(elf, m->mem)) < 0) {
        vm_elf_close(elf);
        return rc;
    }
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < vm_elf_load_count(elf); i++) {
        const struct vm_elf_segment *s = vm_elf_load_segment(elf, i);
        lo = s->paddr < lo ? s->paddr : lo;
        hi = s->paddr + s->memsz > hi ? s->paddr + s->memsz : hi;
    }
    m->boot.entry = vm_elf_entry(elf);
    vm_elf_close(elf);
    if (lo < MICROVM_HIMEM_START)
        return vm_error(VM_EFORMAT, "'%s': loads at 0x%" PRIx64 ", over the boot structures "
                        "below 1 MiB", path, lo);
    if (!vm_mem_ram_ptr(m->mem, m->boot.entry, 1))
        return vm_error(VM_EFORMAT, "'%s': entry point 0x%" PRIx64 " is outside guest RAM", path,
                        m->boot.entry);
    m->boot.kernel_addr = lo;
    m->boot.kernel_end = (hi + 0xfff) & ~0xfffULL;
    return linux_boot_setup(m->mem, m->ram_size, NULL, 0, ELF_CMDLINE_SIZE, ELF_INITRD_ADDR_MAX,
                            m->cfg->append, m->initrd, m->initrd_size, &m->boot);
}

static int load_kernel(struct microvm *m)
{
    const struct vm_microvm_config *cfg = m->cfg;
    int rc = read_file(cfg->kernel, "kernel", &m->kernel, &m->kernel_size);
    if (rc < 0)
        return rc;
    if (cfg->initrd && (rc = read_file(cfg->initrd, "initrd", &m->initrd, &m->initrd_size)) < 0)
        return rc;
    if (m->kernel_size >= 4 && !memcmp(m->kernel, "\177ELF", 4))
        return load_elf_kernel(m);
    struct bzimage bz;
    if ((rc = bzimage_parse(m->kernel, m->kernel_size, cfg->kernel, &bz)) < 0)
        return rc;
    return bzimage_load(&bz, m->mem, m->ram_size, cfg->append, m->initrd, m->initrd_size,
                        &m->boot);
}

static int add_devices(struct microvm *m)
{
    if (!(m->pio = vm_pio_create()))
        return -VM_ENOMEM;
    int rc = vm_kvm_set_pio(m->accel, m->pio);
    if (rc < 0)
        return rc;
    m->com1_irq = (struct vm_irq_line){.set = vm_kvm_irq_set, .opaque = m->accel,
                                       .n = MICROVM_COM1_IRQ};
    if (!(m->uart = vm_uart16550_create(NULL, 0, vm_machine_console(m->machine),
                                        &m->com1_irq)))
        return -VM_ENOMEM;
    if ((rc = microvm_uart_pio_bind(m->pio, MICROVM_COM1_PORT, m->uart, "com1")) < 0)
        return rc;
    m->kbc = (struct microvm_i8042){.on_reset = on_i8042_reset, .opaque = m};
    return microvm_i8042_bind(m->pio, &m->kbc);
}

static int build(void *board, struct vm_machine *machine)
{
    struct microvm *m = board;
    const struct vm_microvm_config *cfg = m->cfg;
    m->ram_size = cfg->ram_size ? cfg->ram_size : MICROVM_RAM_DEFAULT;
    unsigned smp = cfg->smp ? cfg->smp : 1;
    if (m->ram_size < MICROVM_RAM_MIN || m->ram_size > MICROVM_RAM_MAX || m->ram_size % 4096)
        return vm_error(VM_EINVAL, "microvm: RAM of %" PRIu64 " bytes: must be a multiple of "
                        "4 KiB from %llu MiB to %llu GiB", m->ram_size, MICROVM_RAM_MIN >> 20,
                        MICROVM_RAM_MAX >> 30);
    if (smp > MICROVM_MAX_VCPUS)
        return vm_error(VM_EINVAL, "microvm: -smp %u: at most %d vCPUs", smp, MICROVM_MAX_VCPUS);
    m->nr_vcpus = smp;
    if (cfg->nr_drives || cfg->nr_netdevs)
        return vm_error(VM_ENOTSUP, "microvm: -drive and -netdev need virtio devices, which this "
                        "machine does not have yet");
    if (!cfg->kernel)
        return vm_error(VM_EINVAL, "microvm: no kernel given (-kernel bzImage)");
    if (!(m->mem = vm_mem_create()))
        return -VM_ENOMEM;
    int rc;
    if ((rc = add_ram(m)) < 0 || (rc = load_kernel(m)) < 0 ||
        (rc = x86_boot_write_tables(m->mem)) < 0 ||
        (rc = microvm_mptable_write(m->mem, m->nr_vcpus)) < 0)
        return rc;

    struct vm_accel_config ac = {
        .machine = "microvm", .arch = VM_ARCH_X86_64, .mem = m->mem, .nr_vcpus = m->nr_vcpus,
    };
    if ((rc = vm_accel_create(cfg->accel ? cfg->accel : "auto", &ac, cfg->verbose, &m->accel)) < 0)
        return rc;
    if (!vm_accel_is_kvm(m->accel))
        return vm_error(VM_ENOTSUP, "microvm: runs on the kvm accelerator only");
    if ((rc = vm_kvm_create_irqchip(m->accel)) < 0 || (rc = add_devices(m)) < 0)
        return rc;
    for (unsigned i = 0; i < m->nr_vcpus; i++) {
        struct vm_vcpu_options opt = {.id = i};
        struct vm_vcpu *vcpu;
        if ((rc = vm_vcpu_create(m->accel, &opt, &vcpu)) < 0)
            return rc;
        if ((rc = vm_machine_add_vcpu(machine, vcpu)) < 0) {
            vm_vcpu_destroy(vcpu);
            return rc;
        }
    }
    if (cfg->verbose)
        fprintf(stderr, "vm: microvm: %u vCPU(s), %" PRIu64 " MiB; kernel at 0x%" PRIx64
                ", entry 0x%" PRIx64 ", initrd at 0x%" PRIx64 " (%" PRIu64 " bytes)\n",
                m->nr_vcpus, m->ram_size >> 20, m->boot.kernel_addr, m->boot.entry,
                m->boot.initrd, m->boot.initrd_size);
    /* The BSP starts at the kernel; the others wait for INIT/SIPI in KVM. */
    return x86_boot_enter_long_mode(vm_machine_vcpu(machine, 0), m->boot.entry,
                                    MICROVM_BOOT_STACK, m->boot.zero_page);
}

/* ---- running ----------------------------------------------------------- */

/* Port I/O and MMIO that no device claimed: reads see all-ones, writes go
 * nowhere (the backend has completed them). */
static int handle_exit(void *board, struct vm_machine *machine, unsigned vcpu, struct vm_exit *ex)
{
    if (ex->kind == VM_EXIT_IO || ex->kind == VM_EXIT_MMIO)
        return 0;
    return vm_error(VM_EINVAL, "unexpected exit '%s'", vm_exit_kind_name(ex->kind));
}

static void teardown(void *board, struct vm_machine *machine)
{
    struct microvm *m = board;
    for (unsigned i = 0; i < m->nr_vcpus; i++)
        vm_vcpu_destroy(vm_machine_remove_vcpu(machine, i));
    if (m->uart)
        vm_uart16550_destroy(m->uart);
    vm_accel_destroy(m->accel);
    vm_pio_destroy(m->pio);
    vm_mem_destroy(m->mem);
    free(m->kernel);
    free(m->initrd);
    m->uart = NULL, m->accel = NULL, m->pio = NULL, m->mem = NULL;
    m->kernel = NULL, m->initrd = NULL;
}

static const struct vm_machine_ops microvm_ops = {
    .name = "microvm", .build = build, .teardown = teardown, .handle_exit = handle_exit,
};

_Static_assert(VM_MICROVM_TIMEOUT_STATUS == VM_MACHINE_TIMEOUT_STATUS,
               "the board's exit status is the machine helper's");

int vm_board_microvm_run(const struct vm_microvm_config *cfg)
{
    struct microvm *m = calloc(1, sizeof(*m));
    if (!m)
        return vm_error(VM_ENOMEM, "microvm: out of host memory");
    m->cfg = cfg;
    /* No ACPI power-off: guests end with a reset (i8042), which ends the run. */
    struct vm_machine_config mc = {
        .timeout = cfg->timeout, .verbose = cfg->verbose, .on_reset = VM_RESET_EXIT,
        .console = cfg->console, .frontend = cfg->frontend,
        .gdb = cfg->gdb, .start_paused = cfg->start_paused,
    };
    int rc = -VM_EIO;
    if ((m->machine = vm_machine_create(&microvm_ops, m, &mc))) {
        rc = vm_machine_run(m->machine);
        vm_machine_destroy(m->machine);
    }
    free(m);
    return rc;
}
