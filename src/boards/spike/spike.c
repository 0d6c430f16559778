/* The spike machine: builds memory, loads the ELF, creates the hart through
 * the accelerator interface and serves HTIF until the program exits.
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

#include "boards/spike/htif.h"
#include "boards/spike/spike_layout.h"
#include "devices/clint.h"
#include "vm/accel.h"
#include "vm/elf.h"
#include "vm/error.h"
#include "vm/riscv.h"
#include "vm/riscv_isa.h"
#include "vm/spike.h"

/* A thread that kicks the vCPU once the time bound has passed. */
struct watchdog {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop, fired, started;
    double seconds;
    struct vm_vcpu *vcpu;
};

static void *watchdog_main(void *arg)
{
    struct watchdog *w = arg;
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double whole = (double)(time_t)w->seconds;
    end.tv_sec += (time_t)w->seconds;
    end.tv_nsec += (long)((w->seconds - whole) * 1e9);
    if (end.tv_nsec >= 1000000000L) {
        end.tv_sec++;
        end.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        if (pthread_cond_timedwait(&w->cond, &w->lock, &end) == ETIMEDOUT) {
            w->fired = true;
            vm_vcpu_kick(w->vcpu);
            break;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static int watchdog_start(struct watchdog *w, struct vm_vcpu *vcpu, double seconds)
{
    memset(w, 0, sizeof(*w));
    w->vcpu = vcpu;
    w->seconds = seconds;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cond, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&w->lock, NULL);
    if (pthread_create(&w->thread, NULL, watchdog_main, w) != 0)
        return vm_error(VM_ENOMEM, "cannot start the timeout thread");
    w->started = true;
    return 0;
}

static bool watchdog_fired(struct watchdog *w)
{
    if (!w->started)
        return false;
    pthread_mutex_lock(&w->lock);
    bool fired = w->fired;
    pthread_mutex_unlock(&w->lock);
    return fired;
}

static void watchdog_stop(struct watchdog *w)
{
    if (!w->started)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    w->started = false;
}

struct spike {
    const struct vm_spike_config *cfg;
    struct vm_elf *elf;
    struct vm_mem *mem;
    struct vm_clint *clint;
    uint64_t mtime_offset; /* the CLINT's mtime = the hart's time CSR: timebase + this */
    struct vm_accel *accel;
    struct vm_vcpu *vcpu; /* read by the CLINT's thread: atomic access */
    struct htif htif;
    struct watchdog wd;
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

static int build(struct spike *m)
{
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
    if ((rc = vm_accel_watch_writes(m->accel, m->htif.tohost, 8)) < 0)
        return rc;
    return boot_hart(m);
}

static int run(struct spike *m)
{
    const struct vm_spike_config *cfg = m->cfg;
    int status = 0, rc;
    if (cfg->timeout > 0 && (rc = watchdog_start(&m->wd, m->vcpu, cfg->timeout)) < 0)
        return rc;
    for (;;) {
        struct vm_exit ex;
        if ((rc = vm_vcpu_run(m->vcpu, &ex)) < 0)
            return rc;
        switch (ex.kind) {
        case VM_EXIT_WATCH:
            rc = htif_serve(&m->htif, &status);
            if (rc < 0)
                return rc;
            if (rc == HTIF_EXIT)
                return status;
            break;
        case VM_EXIT_INTR:
            /* a last look: the program may have finished just now */
            if ((rc = htif_serve(&m->htif, &status)) != HTIF_CONTINUE)
                return rc < 0 ? rc : status;
            if (ex.u.intr.reason == VM_INTR_INSN_LIMIT) {
                fprintf(stderr, "vm: stopped after the instruction limit (%" PRIu64 ")\n",
                        cfg->max_insns);
                return VM_SPIKE_TIMEOUT_STATUS;
            }
            if (watchdog_fired(&m->wd)) {
                fprintf(stderr, "vm: stopped after the time limit (%g s)\n", cfg->timeout);
                return VM_SPIKE_TIMEOUT_STATUS;
            }
            break;
        case VM_EXIT_ERROR:
            return vm_error(VM_EINVAL, "hart error: %s", ex.u.error.message);
        default:
            return vm_error(VM_EINVAL, "spike: unexpected exit '%s' from the hart",
                            vm_exit_kind_name(ex.kind));
        }
    }
}

/* Wall time and this thread's CPU time (the hart runs on it): on a busy
 * host the second is the better measure of the interpreter. */
struct run_clock {
    struct timespec wall, cpu;
};

static void run_clock_now(struct run_clock *c)
{
    clock_gettime(CLOCK_MONOTONIC, &c->wall);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c->cpu);
}

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

static void report_speed(struct spike *m, const struct run_clock *t0, const struct run_clock *t1)
{
    uint64_t n;
    const struct vm_reg_desc *d = vm_reg_map_find(vm_accel_reg_map(m->accel), "minstret");
    if (!d || vm_vcpu_get_reg(m->vcpu, d->number, &n) < 0)
        return;
    double wall = seconds_between(&t0->wall, &t1->wall), cpu = seconds_between(&t0->cpu, &t1->cpu);
    fprintf(stderr, "vm: %" PRIu64 " instructions in %.3f s (%.1f MIPS); CPU %.3f s (%.1f MIPS)\n",
            n, wall, wall > 0 ? (double)n / wall / 1e6 : 0.0, cpu,
            cpu > 0 ? (double)n / cpu / 1e6 : 0.0);
}

int vm_spike_run(const struct vm_spike_config *cfg)
{
    struct spike m = {.cfg = cfg};
    int rc = build(&m);
    if (rc >= 0) {
        struct run_clock t0, t1;
        run_clock_now(&t0);
        rc = run(&m);
        run_clock_now(&t1);
        if (cfg->verbose)
            report_speed(&m, &t0, &t1);
    }
    watchdog_stop(&m.wd);
    vm_clint_destroy(m.clint); /* its thread stops before the hart goes */
    struct vm_vcpu *vcpu = m.vcpu;
    __atomic_store_n(&m.vcpu, NULL, __ATOMIC_RELEASE);
    vm_vcpu_destroy(vcpu);
    vm_accel_destroy(m.accel);
    vm_mem_destroy(m.mem);
    vm_elf_close(m.elf);
    return rc;
}
