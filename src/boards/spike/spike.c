/* The spike machine: builds memory, loads the ELF, creates the hart through
 * the accelerator interface and serves HTIF until the program exits; run by
 * the board-run helper (boards/machine.h) like every board, so it has the
 * time bound, -S and the GDB stub too.
 *
 * tohost is watched with the accelerator's RAM write watch: the soft MMU
 * reports every store to the watched page (any width, misaligned, AMO,
 * SC), and the hart leaves right after that instruction, so the board sees
 * each request before the guest runs on. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boards/machine.h"
#include "boards/spike/htif.h"
#include "boards/spike/spike_layout.h"
#include "devices/clint.h"
#include "vm/accel.h"
#include "vm/elf.h"
#include "vm/error.h"
#include "vm/riscv.h"
#include "vm/riscv_isa.h"
#include "vm/spike.h"

struct spike {
    const struct vm_spike_config *cfg;
    struct vm_elf *elf;
    struct vm_mem *mem;
    struct vm_clint *clint;
    uint64_t mtime_offset; /* the CLINT's mtime = the hart's time CSR: timebase + this */
    struct vm_accel *accel;
    struct vm_vcpu *vcpu; /* read by the CLINT's thread: atomic access */
    struct htif htif;
    uint64_t retired; /* minstret when the run ended, for -v */
};

/* The CLINT's lines reach the hart through the board: the CLINT must be in
 * the memory map before the accelerator (and its MMU) exists, the hart
 * only after. n is the interrupt number (MSI or MTI). */
static void spike_irq(void *opaque, unsigned n, bool level)
{
    struct spike *m = opaque;
    struct vm_vcpu *vcpu = __atomic_load_n(&m->vcpu, __ATOMIC_ACQUIRE);
    if (vcpu)
        vm_riscv_hart_irq(vcpu, n, level);
}

static int check_ram_size(uint64_t size)
{
    if (size < SPIKE_RAM_MIN_SIZE || size > SPIKE_RAM_MAX_SIZE || size % 4096)
        return vm_error(VM_EINVAL,
                        "RAM size %" PRIu64 " bytes: must be a multiple of 4 KiB between 4 KiB and %llu GiB",
                        size, SPIKE_RAM_MAX_SIZE >> 30);
    return 0;
}

static int find_htif(struct spike *m)
{
    const char *path = m->cfg->kernel;
    uint64_t tohost, fromhost;
    if (vm_elf_symbol(m->elf, "tohost", &tohost) < 0)
        return vm_error(VM_EFORMAT,
                        "'%s': no 'tohost' symbol: the spike machine needs one (HTIF)", path);
    if (tohost % 8 || !vm_mem_ram_ptr(m->mem, tohost, 8))
        return vm_error(VM_EFORMAT, "'%s': tohost at 0x%" PRIx64 " is not an aligned word in RAM",
                        path, tohost);
    m->htif.has_fromhost = vm_elf_symbol(m->elf, "fromhost", &fromhost) == 0;
    if (m->htif.has_fromhost && (fromhost % 8 || !vm_mem_ram_ptr(m->mem, fromhost, 8)))
        return vm_error(VM_EFORMAT,
                        "'%s': fromhost at 0x%" PRIx64 " is not an aligned word in RAM", path,
                        fromhost);
    m->htif.mem = m->mem;
    m->htif.tohost = tohost;
    m->htif.fromhost = m->htif.has_fromhost ? fromhost : 0;
    m->htif.out = m->cfg->console ? m->cfg->console : stdout;
    m->htif.verbose = m->cfg->verbose;
    return 0;
}

/* M-mode at the entry, a0 = hart id, a1 = 0 (no device tree). */
static int boot_hart(struct spike *m)
{
    struct vm_riscv_core_regs regs;
    int rc = vm_vcpu_get_regs(m->vcpu, VM_REGSET_CORE, &regs);
    if (rc < 0)
        return rc;
    regs.pc = vm_elf_entry(m->elf);
    regs.priv = 3;
    regs.x[10] = SPIKE_BOOT_HART;
    regs.x[11] = 0;
    return vm_vcpu_set_regs(m->vcpu, VM_REGSET_CORE, &regs);
}

static int build(void *board, struct vm_machine *machine)
{
    struct spike *m = board;
    const struct vm_spike_config *cfg = m->cfg;
    uint64_t ram = cfg->ram_size ? cfg->ram_size : SPIKE_RAM_DEFAULT_SIZE;
    int rc = check_ram_size(ram);
    if (rc < 0)
        return rc;
    struct vm_riscv_isa isa;
    if ((rc = vm_riscv_isa_parse(cfg->cpu, &isa)) < 0)
        return rc;
    if (!cfg->kernel)
        return vm_error(VM_EINVAL, "the spike machine needs a program (ELF) to run");
    if ((rc = vm_elf_open(cfg->kernel, &m->elf)) < 0)
        return rc;
    if ((rc = vm_elf_check_machine(m->elf, VM_ELF_EM_RISCV)) < 0)
        return rc;
    if (!(m->mem = vm_mem_create()))
        return -VM_ENOMEM;
    if ((rc = vm_mem_add_ram(m->mem, SPIKE_RAM_BASE, ram, "ram")) < 0)
        return rc;
    const struct vm_irq_line msip = {spike_irq, m, VM_RISCV_IRQ_MSI},
                             mtip = {spike_irq, m, VM_RISCV_IRQ_MTI};
    if (!(m->clint = vm_clint_create(m->mem, SPIKE_CLINT_BASE, 1, &msip, &mtip, &m->mtime_offset)))
        return -VM_ENOMEM;
    if ((rc = vm_elf_load_phys(m->elf, m->mem)) < 0 || (rc = find_htif(m)) < 0)
        return rc;
    uint64_t entry = vm_elf_entry(m->elf);
    if (!vm_mem_ram_ptr(m->mem, entry, 2))
        return vm_error(VM_EFORMAT, "'%s': entry point 0x%" PRIx64 " is outside guest RAM",
                        cfg->kernel, entry);

    struct vm_accel_config ac = {
        .machine = "spike", .arch = VM_ARCH_RISCV64, .mem = m->mem, .nr_vcpus = 1,
        .riscv_time_offset = &m->mtime_offset,
    };
    if ((rc = vm_accel_create(cfg->accel, &ac, cfg->verbose, &m->accel)) < 0)
        return rc;
    struct vm_vcpu_options opt = {.id = SPIKE_BOOT_HART, .max_insns = cfg->max_insns,
                                  .riscv_isa = &isa};
    struct vm_vcpu *vcpu;
    if ((rc = vm_vcpu_create(m->accel, &opt, &vcpu)) < 0)
        return rc;
    __atomic_store_n(&m->vcpu, vcpu, __ATOMIC_RELEASE);
    if ((rc = vm_accel_watch_writes(m->accel, m->htif.tohost, 8)) < 0 ||
        (rc = boot_hart(m)) < 0)
        return rc;
    return vm_machine_add_vcpu(machine, vcpu);
}

static void teardown(void *board, struct vm_machine *machine)
{
    struct spike *m = board;
    vm_clint_destroy(m->clint); /* its thread stops before the hart goes */
    m->clint = NULL;
    struct vm_vcpu *vcpu = m->vcpu;
    __atomic_store_n(&m->vcpu, NULL, __ATOMIC_RELEASE);
    if (vcpu) {
        const struct vm_reg_desc *d = vm_reg_map_find(vm_accel_reg_map(m->accel), "minstret");
        if (!d || vm_vcpu_get_reg(vcpu, d->number, &m->retired) < 0)
            m->retired = 0;
        if (vm_machine_vcpu_count(machine))
            vm_machine_remove_vcpu(machine, 0);
        vm_vcpu_destroy(vcpu);
    }
    vm_accel_destroy(m->accel);
    m->accel = NULL;
    vm_mem_destroy(m->mem);
    m->mem = NULL;
    vm_elf_close(m->elf);
    m->elf = NULL;
}

/* A store reached tohost: serve HTIF; the program's exit ends the run. */
static int handle_exit(void *board, struct vm_machine *machine, unsigned vcpu,
                       struct vm_exit *ex)
{
    struct spike *m = board;
    if (ex->kind != VM_EXIT_WATCH)
        return vm_error(VM_EINVAL, "unexpected exit '%s' from the hart",
                        vm_exit_kind_name(ex->kind));
    int status = 0, rc = htif_serve(&m->htif, &status);
    if (rc == HTIF_EXIT)
        vm_machine_stop(machine, VM_STOP_POWEROFF, status, NULL);
    return rc < 0 ? rc : 0;
}

static const struct vm_machine_ops spike_ops = {
    .name = "spike", .build = build, .teardown = teardown, .handle_exit = handle_exit,
};

static double now_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int vm_spike_run(const struct vm_spike_config *cfg)
{
    struct spike m = {.cfg = cfg};
    if (!cfg->kernel)
        return vm_error(VM_EINVAL, "the spike machine needs a program (ELF) to run");
    struct vm_machine_config mc = {
        .timeout = cfg->timeout, .max_insns = cfg->max_insns, .verbose = cfg->verbose,
        .on_reset = VM_RESET_EXIT, .no_console = true, /* HTIF writes to cfg->console */
        .gdb = cfg->gdb, .start_paused = cfg->start_paused,
    };
    struct vm_machine *machine = vm_machine_create(&spike_ops, &m, &mc);
    if (!machine)
        return -VM_EIO;
    double wall0 = now_seconds(CLOCK_MONOTONIC), cpu0 = now_seconds(CLOCK_PROCESS_CPUTIME_ID);
    int rc = vm_machine_run(machine);
    vm_machine_destroy(machine);
    if (cfg->verbose && rc >= 0) {
        double wall = now_seconds(CLOCK_MONOTONIC) - wall0,
               cpu = now_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
        fprintf(stderr, "vm: %" PRIu64 " instructions in %.3f s (%.1f MIPS); CPU %.3f s "
                "(%.1f MIPS)\n", m.retired, wall, wall > 0 ? (double)m.retired / wall / 1e6 : 0.0,
                cpu, cpu > 0 ? (double)m.retired / cpu / 1e6 : 0.0);
    }
    return rc;
}
