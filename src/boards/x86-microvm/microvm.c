/* The x86-64 microVM board: memory, kernel and boot structures, the kvm
 * accelerator with its in-kernel irqchip, COM1 and the i8042 reset on port
 * I/O, and one host thread per vCPU until the guest resets or powers off. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boards/x86-microvm/bzimage.h"
#include "boards/x86-microvm/i8042.h"
#include "boards/x86-microvm/microvm_layout.h"
#include "boards/x86-microvm/mptable.h"
#include "boards/x86-microvm/uart_pio.h"
#include "boards/x86-microvm/x86_boot.h"
#include "devices/chardev_stdio.h"
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

enum stop_reason { RUNNING = 0, STOP_RESET, STOP_POWEROFF, STOP_QUIT, STOP_TIMEOUT, STOP_ERROR };

struct microvm;

struct vcpu_thread {
    struct microvm *m;
    struct vm_vcpu *vcpu;
    pthread_t thread;
    bool started;
};

struct microvm {
    const struct vm_microvm_config *cfg;
    uint64_t ram_size;
    unsigned nr_vcpus;
    struct vm_mem *mem;
    struct vm_pio *pio;
    struct vm_accel *accel;
    struct vcpu_thread vcpus[MICROVM_MAX_VCPUS];
    struct vm_chardev *chr;
    bool own_chr;
    struct vm_uart16550 *uart;
    struct vm_irq_line com1_irq;
    struct microvm_i8042 kbc;
    struct linux_boot_layout boot;
    uint8_t *kernel, *initrd;
    size_t kernel_size, initrd_size;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    enum stop_reason stop; /* under lock */
    char error[256];
};

/* ---- stopping ---------------------------------------------------------- */

static void machine_stop(struct microvm *m, enum stop_reason why, const char *msg)
{
    pthread_mutex_lock(&m->lock);
    if (m->stop == RUNNING) {
        m->stop = why;
        if (msg)
            snprintf(m->error, sizeof(m->error), "%s", msg);
        pthread_cond_broadcast(&m->cond);
    }
    pthread_mutex_unlock(&m->lock);
    for (unsigned i = 0; i < m->nr_vcpus; i++)
        if (m->vcpus[i].vcpu)
            vm_vcpu_kick(m->vcpus[i].vcpu);
}

static bool stopped(struct microvm *m)
{
    pthread_mutex_lock(&m->lock);
    bool s = m->stop != RUNNING;
    pthread_mutex_unlock(&m->lock);
    return s;
}

static void on_i8042_reset(void *opaque)
{
    machine_stop(opaque, STOP_RESET, NULL);
}

static void on_console_quit(void *opaque)
{
    machine_stop(opaque, STOP_QUIT, NULL);
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
    const struct vm_microvm_config *cfg = m->cfg;
    if (!(m->pio = vm_pio_create()))
        return -VM_ENOMEM;
    int rc = vm_kvm_set_pio(m->accel, m->pio);
    if (rc < 0)
        return rc;
    m->chr = cfg->console;
    if (!m->chr) {
        struct vm_chardev_stdio_config sc = {
            .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO, .escape = true,
            .on_quit = on_console_quit, .opaque = m,
        };
        if (!(m->chr = vm_chardev_stdio_create(&sc)))
            return -VM_EIO;
        m->own_chr = true;
    }
    m->com1_irq = (struct vm_irq_line){.set = vm_kvm_irq_set, .opaque = m->accel,
                                       .n = MICROVM_COM1_IRQ};
    if (!(m->uart = vm_uart16550_create(NULL, 0, m->chr, &m->com1_irq)))
        return -VM_ENOMEM;
    if ((rc = microvm_uart_pio_bind(m->pio, MICROVM_COM1_PORT, m->uart, "com1")) < 0)
        return rc;
    m->kbc = (struct microvm_i8042){.on_reset = on_i8042_reset, .opaque = m};
    return microvm_i8042_bind(m->pio, &m->kbc);
}

static int build(struct microvm *m)
{
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
        if ((rc = vm_vcpu_create(m->accel, &opt, &m->vcpus[i].vcpu)) < 0)
            return rc;
        m->vcpus[i].m = m;
    }
    /* The BSP starts at the kernel; the others wait for INIT/SIPI in KVM. */
    return x86_boot_enter_long_mode(m->vcpus[0].vcpu, m->boot.entry, MICROVM_BOOT_STACK,
                                    m->boot.zero_page);
}

/* ---- running ----------------------------------------------------------- */

static void *vcpu_main(void *arg)
{
    struct vcpu_thread *t = arg;
    struct microvm *m = t->m;
    struct vm_exit ex;
    memset(&ex, 0, sizeof(ex));
    char msg[256];
    while (!stopped(m)) {
        if (vm_vcpu_run(t->vcpu, &ex) < 0) {
            snprintf(msg, sizeof(msg), "%s", vm_error_message());
            machine_stop(m, STOP_ERROR, msg);
            break;
        }
        switch (ex.kind) {
        case VM_EXIT_IO:
        case VM_EXIT_MMIO:
        case VM_EXIT_INTR:
            break; /* nobody's I/O: reads see all-ones; kicks: look at stop */
        case VM_EXIT_SHUTDOWN:
            machine_stop(m, ex.u.shutdown.kind == VM_SHUTDOWN_RESET ? STOP_RESET : STOP_POWEROFF,
                         NULL);
            break;
        case VM_EXIT_ERROR:
            machine_stop(m, STOP_ERROR, ex.u.error.message);
            break;
        default:
            snprintf(msg, sizeof(msg), "unexpected exit '%s'", vm_exit_kind_name(ex.kind));
            machine_stop(m, STOP_ERROR, msg);
            break;
        }
    }
    return NULL;
}

static void wait_for_stop(struct microvm *m)
{
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double t = m->cfg->timeout;
    end.tv_sec += (time_t)t;
    end.tv_nsec += (long)((t - (double)(time_t)t) * 1e9);
    if (end.tv_nsec >= 1000000000L) {
        end.tv_sec++;
        end.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m->lock);
    bool timed_out = false;
    while (m->stop == RUNNING && !timed_out) {
        if (t > 0)
            timed_out = pthread_cond_timedwait(&m->cond, &m->lock, &end) == ETIMEDOUT;
        else
            pthread_cond_wait(&m->cond, &m->lock);
    }
    pthread_mutex_unlock(&m->lock);
    if (timed_out)
        machine_stop(m, STOP_TIMEOUT, NULL);
}

static int run(struct microvm *m)
{
    int rc = 0;
    for (unsigned i = 0; i < m->nr_vcpus && rc == 0; i++) {
        if (pthread_create(&m->vcpus[i].thread, NULL, vcpu_main, &m->vcpus[i]) != 0)
            rc = vm_error(VM_ENOMEM, "microvm: cannot start the thread of vCPU %u", i);
        else
            m->vcpus[i].started = true;
    }
    if (rc == 0)
        wait_for_stop(m);
    else
        machine_stop(m, STOP_ERROR, vm_error_message());
    for (unsigned i = 0; i < m->nr_vcpus; i++)
        if (m->vcpus[i].started)
            pthread_join(m->vcpus[i].thread, NULL);
    if (rc < 0)
        return rc;
    switch (m->stop) {
    case STOP_TIMEOUT:
        fprintf(stderr, "vm: stopped after the time limit (%g s)\n", m->cfg->timeout);
        return VM_MICROVM_TIMEOUT_STATUS;
    case STOP_ERROR:
        return vm_error(VM_EIO, "microvm: %s", m->error);
    default:
        if (m->cfg->verbose)
            fprintf(stderr, "vm: guest %s\n", m->stop == STOP_RESET ? "reset" : "stopped");
        return 0;
    }
}

static void destroy(struct microvm *m)
{
    for (unsigned i = 0; i < m->nr_vcpus; i++)
        vm_vcpu_destroy(m->vcpus[i].vcpu);
    if (m->uart)
        vm_uart16550_destroy(m->uart);
    if (m->own_chr)
        vm_chardev_destroy(m->chr);
    vm_accel_destroy(m->accel);
    vm_pio_destroy(m->pio);
    vm_mem_destroy(m->mem);
    free(m->kernel);
    free(m->initrd);
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

int vm_board_microvm_run(const struct vm_microvm_config *cfg)
{
    struct microvm *m = calloc(1, sizeof(*m));
    if (!m)
        return vm_error(VM_ENOMEM, "microvm: out of host memory");
    m->cfg = cfg;
    pthread_mutex_init(&m->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* the time bound's clock */
    pthread_cond_init(&m->cond, &ca);
    pthread_condattr_destroy(&ca);
    int rc = build(m);
    if (rc >= 0) {
        if (cfg->verbose)
            fprintf(stderr, "vm: microvm: %u vCPU(s), %" PRIu64 " MiB; kernel at 0x%" PRIx64
                    ", entry 0x%" PRIx64 ", initrd at 0x%" PRIx64 " (%" PRIu64 " bytes)\n",
                    m->nr_vcpus, m->ram_size >> 20, m->boot.kernel_addr, m->boot.entry,
                    m->boot.initrd, m->boot.initrd_size);
        rc = run(m);
    }
    destroy(m);
    return rc;
}
