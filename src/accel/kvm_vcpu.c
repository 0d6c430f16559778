/* kvm vCPUs: creation, the KVM_RUN loop and the mapping of its exits onto
 * the common exit type, and kicks from other threads.
 *
 * Port I/O and MMIO that a handler claims are completed here, without
 * leaving vm_vcpu_run(); the rest go to the caller (see vm/kvm.h). */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/kvm_internal.h"
#include "vm/error.h"

/* ---- kicks ------------------------------------------------------------ */

/* The signal only has to interrupt KVM_RUN (which then returns EINTR);
 * its handler does nothing. */
static void kick_handler(int sig)
{
    (void)sig;
}

static pthread_once_t kick_once = PTHREAD_ONCE_INIT;

static int kick_signal(void)
{
    return SIGRTMIN;
}

static void install_kick_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = kick_handler;
    sa.sa_flags = SA_RESTART; /* other system calls carry on */
    sigemptyset(&sa.sa_mask);
    sigaction(kick_signal(), &sa, NULL);
}

void kvm_vcpu_kick(struct vm_vcpu *vcpu)
{
    struct kvm_vcpu *kv = vm_vcpu_priv(vcpu);
    __atomic_store_n(&kv->kicked, 1, __ATOMIC_SEQ_CST);
    /* Set before the signal: if the thread is between its last check and
     * KVM_RUN, KVM_RUN returns at once. */
    __atomic_store_n(&kv->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&kv->kick_lock);
    if (kv->in_run)
        pthread_kill(kv->thread, kick_signal());
    pthread_mutex_unlock(&kv->kick_lock);
}

static void set_in_run(struct kvm_vcpu *kv, bool on)
{
    pthread_mutex_lock(&kv->kick_lock);
    kv->in_run = on;
    if (on)
        kv->thread = pthread_self();
    pthread_mutex_unlock(&kv->kick_lock);
}

/* ---- creation --------------------------------------------------------- */

int kvm_vcpu_init(struct vm_vcpu *vcpu, const struct vm_vcpu_options *opt)
{
    struct kvm_accel *ka = vm_accel_priv(vm_vcpu_accel(vcpu));
    struct kvm_vcpu *kv = vm_vcpu_priv(vcpu);
    kv->fd = -1;
    kv->id = opt->id;
    if (opt->max_insns)
        return vm_error(VM_ENOTSUP, "kvm: an instruction limit is not supported");
    if (opt->user_mode)
        return vm_error(VM_ENOTSUP, "kvm: user-mode system call exits are not supported");
    if (opt->ebreak_exits)
        return vm_error(VM_ENOTSUP, "kvm: breakpoint exits are not supported");
    if (ka->vcpus_created >= ka->nr_vcpus)
        return vm_error(VM_EINVAL, "kvm: vCPU %u: the machine was created for %u vCPUs", opt->id,
                        ka->nr_vcpus);
    pthread_once(&kick_once, install_kick_handler);
    pthread_mutex_init(&kv->kick_lock, NULL);
    kv->fd = ioctl(ka->vm_fd, KVM_CREATE_VCPU, (unsigned long)opt->id);
    if (kv->fd < 0) {
        int e = errno;
        pthread_mutex_destroy(&kv->kick_lock);
        return vm_error(VM_EIO, "kvm: KVM_CREATE_VCPU %u: %s", opt->id, strerror(e));
    }
    kv->run = mmap(NULL, (size_t)ka->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, kv->fd, 0);
    if (kv->run == MAP_FAILED) {
        int e = errno;
        kv->run = NULL;
        close(kv->fd);
        pthread_mutex_destroy(&kv->kick_lock);
        return vm_error(VM_EIO, "kvm: vCPU %u: cannot map kvm_run: %s", opt->id, strerror(e));
    }
    int rc = kvm_cpuid_setup(ka, kv);
    if (rc == 0)
        rc = kvm_msrs_setup(kv);
    if (rc < 0) {
        munmap(kv->run, (size_t)ka->run_size);
        close(kv->fd);
        pthread_mutex_destroy(&kv->kick_lock);
        return rc;
    }
    ka->vcpus_created++;
    return 0;
}

void kvm_vcpu_fini(struct vm_vcpu *vcpu)
{
    struct kvm_accel *ka = vm_accel_priv(vm_vcpu_accel(vcpu));
    struct kvm_vcpu *kv = vm_vcpu_priv(vcpu);
    if (kv->run)
        munmap(kv->run, (size_t)ka->run_size);
    if (kv->fd >= 0)
        close(kv->fd);
    pthread_mutex_destroy(&kv->kick_lock);
}

/* Read while the vCPU is not running (the counters are plain). */
int vm_kvm_vcpu_stats(struct vm_vcpu *vcpu, struct vm_kvm_vcpu_stats *out)
{
    if (!kvm_accel_of(vm_vcpu_accel(vcpu), "vCPU statistics"))
        return -VM_EINVAL;
    *out = ((struct kvm_vcpu *)vm_vcpu_priv(vcpu))->stats;
    return 0;
}

/* ---- exits ------------------------------------------------------------ */

static int exit_error(struct vm_exit *exit, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int exit_error(struct vm_exit *exit, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    exit->kind = VM_EXIT_ERROR;
    vsnprintf(exit->u.error.message, sizeof(exit->u.error.message), fmt, ap);
    va_end(ap);
    return 0;
}

static uint64_t vcpu_rip(const struct kvm_vcpu *kv)
{
    struct kvm_regs r;
    return ioctl(kv->fd, KVM_GET_REGS, &r) == 0 ? r.rip : ~0ULL;
}

/* Returns true when the exit goes to the caller. */
static bool handle_io(struct kvm_accel *ka, struct kvm_vcpu *kv, struct vm_exit *exit)
{
    struct kvm_run *run = kv->run;
    unsigned size = run->io.size;
    bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    kv->stats.io++;
    for (uint32_t i = 0; i < run->io.count; i++, data += size) {
        uint32_t v = 0;
        int rc;
        if (is_write) {
            memcpy(&v, data, size);
            rc = vm_pio_write(ka->pio, run->io.port, size, v);
        } else {
            rc = vm_pio_read(ka->pio, run->io.port, size, &v);
            memcpy(data, &v, size); /* all-ones when nobody claims the port */
        }
        /* An unclaimed single access goes to the caller; string I/O to an
         * empty port just reads all-ones. */
        if (rc == -VM_ENOENT && run->io.count == 1) {
            exit->kind = VM_EXIT_IO;
            exit->u.io.port = run->io.port;
            exit->u.io.size = size;
            exit->u.io.is_write = is_write;
            exit->u.io.data = v;
            if (!is_write)
                kv->pending_read = VM_EXIT_IO;
            return true;
        }
    }
    return false;
}

static bool handle_mmio(struct kvm_accel *ka, struct kvm_vcpu *kv, struct vm_exit *exit)
{
    struct kvm_run *run = kv->run;
    uint64_t pa = run->mmio.phys_addr;
    unsigned len = run->mmio.len;
    bool is_write = run->mmio.is_write;
    kv->stats.mmio++;
    if (len > 8)
        len = 8;
    if (vm_mem_find(ka->mem, pa)) {
        /* A device that refuses the access: reads see all-ones, writes are
         * dropped (x86 has no bus error to report). */
        if (len == 1 || len == 2 || len == 4 || len == 8) {
            uint64_t v = 0;
            if (is_write) {
                memcpy(&v, run->mmio.data, len);
                vm_mem_store(ka->mem, pa, len, v);
            } else {
                if (vm_mem_load(ka->mem, pa, len, &v) < 0)
                    v = ~0ULL;
                memcpy(run->mmio.data, &v, len);
            }
        } else if (is_write) {
            vm_mem_write(ka->mem, pa, run->mmio.data, len, NULL);
        } else if (vm_mem_read(ka->mem, pa, run->mmio.data, len, NULL) < 0) {
            memset(run->mmio.data, 0xff, len);
        }
        return false;
    }
    exit->kind = VM_EXIT_MMIO;
    exit->u.mmio.addr = pa;
    exit->u.mmio.size = len;
    exit->u.mmio.is_write = is_write;
    exit->u.mmio.data = 0;
    if (is_write) {
        memcpy(&exit->u.mmio.data, run->mmio.data, len);
    } else {
        memset(run->mmio.data, 0xff, len);
        memcpy(&exit->u.mmio.data, run->mmio.data, len);
        kv->pending_read = VM_EXIT_MMIO;
    }
    return true;
}

/* The data a caller supplied for an unclaimed read (see vm/kvm.h). */
static void complete_pending_read(struct kvm_vcpu *kv, const struct vm_exit *exit)
{
    struct kvm_run *run = kv->run;
    if (kv->pending_read == VM_EXIT_IO && exit->kind == VM_EXIT_IO && !exit->u.io.is_write &&
        run->exit_reason == KVM_EXIT_IO)
        memcpy((uint8_t *)run + run->io.data_offset, &exit->u.io.data, run->io.size);
    if (kv->pending_read == VM_EXIT_MMIO && exit->kind == VM_EXIT_MMIO &&
        !exit->u.mmio.is_write && run->exit_reason == KVM_EXIT_MMIO)
        memcpy(run->mmio.data, &exit->u.mmio.data, run->mmio.len > 8 ? 8 : run->mmio.len);
    kv->pending_read = VM_EXIT_NONE;
}

static void internal_error(struct kvm_vcpu *kv, struct vm_exit *exit)
{
    struct kvm_run *run = kv->run;
    char bytes[64] = "";
    if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION && run->internal.ndata >= 3 &&
        (run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
        unsigned n = run->emulation_failure.insn_size;
        size_t pos = snprintf(bytes, sizeof(bytes), ", instruction");
        for (unsigned i = 0; i < n && i < 15 && pos + 4 < sizeof(bytes); i++)
            pos += snprintf(bytes + pos, sizeof(bytes) - pos, " %02x",
                            run->emulation_failure.insn_bytes[i]);
    }
    static const char *const kinds[] = {"", "emulation failure", "exception during exception",
                                        "event delivery failure", "unexpected exit reason"};
    unsigned sub = run->internal.suberror;
    exit_error(exit, "KVM internal error %u (%s) at rip 0x%" PRIx64 "%s", sub,
               sub < 5 ? kinds[sub] : "unknown", vcpu_rip(kv), bytes);
}

/* Map one KVM exit; returns true when vcpu_run should return it. */
static bool map_exit(struct kvm_accel *ka, struct kvm_vcpu *kv, struct vm_exit *exit)
{
    struct kvm_run *run = kv->run;
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        return handle_io(ka, kv, exit);
    case KVM_EXIT_MMIO:
        return handle_mmio(ka, kv, exit);
    case KVM_EXIT_HLT:
        kv->stats.halt++;
        exit->kind = VM_EXIT_HALT;
        return true;
    case KVM_EXIT_SHUTDOWN: /* triple fault: a PC resets */
        exit->kind = VM_EXIT_SHUTDOWN;
        exit->u.shutdown.kind = VM_SHUTDOWN_RESET;
        exit->u.shutdown.status = 0;
        return true;
    case KVM_EXIT_SYSTEM_EVENT:
        switch (run->system_event.type) {
        case KVM_SYSTEM_EVENT_SHUTDOWN:
            exit->kind = VM_EXIT_SHUTDOWN;
            exit->u.shutdown.kind = VM_SHUTDOWN_POWEROFF;
            exit->u.shutdown.status = 0;
            return true;
        case KVM_SYSTEM_EVENT_RESET:
            exit->kind = VM_EXIT_SHUTDOWN;
            exit->u.shutdown.kind = VM_SHUTDOWN_RESET;
            exit->u.shutdown.status = 0;
            return true;
        case KVM_SYSTEM_EVENT_CRASH:
            exit_error(exit, "the guest crashed (KVM system event)");
            return true;
        default:
            return false; /* wake-up and suspend: nothing to do here */
        }
    case KVM_EXIT_FAIL_ENTRY:
        exit_error(exit, "KVM could not enter the guest: hardware reason 0x%llx",
                   (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        return true;
    case KVM_EXIT_INTERNAL_ERROR:
        internal_error(kv, exit);
        return true;
    case KVM_EXIT_DEBUG:
        kvm_debug_exit(kv, &run->debug.arch, exit);
        return true;
    case KVM_EXIT_INTR:
    case KVM_EXIT_IRQ_WINDOW_OPEN:
        return false;
    default:
        exit_error(exit, "unexpected KVM exit reason %u at rip 0x%" PRIx64, run->exit_reason,
                   vcpu_rip(kv));
        return true;
    }
}

static bool take_kick(struct kvm_vcpu *kv, struct vm_exit *exit)
{
    if (!__atomic_exchange_n(&kv->kicked, 0, __ATOMIC_SEQ_CST))
        return false;
    __atomic_store_n(&kv->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
    kv->stats.intr++;
    exit->kind = VM_EXIT_INTR;
    exit->u.intr.reason = VM_INTR_KICK;
    return true;
}

int kvm_vcpu_run(struct vm_vcpu *vcpu, struct vm_exit *exit)
{
    struct kvm_accel *ka = vm_accel_priv(vm_vcpu_accel(vcpu));
    struct kvm_vcpu *kv = vm_vcpu_priv(vcpu);
    if (kv->pending_read != VM_EXIT_NONE)
        complete_pending_read(kv, exit);
    memset(exit, 0, sizeof(*exit));
    kvm_debug_before_run(kv);
    set_in_run(kv, true);
    int rc = 0;
    for (;;) {
        if (take_kick(kv, exit))
            break;
        kv->stats.runs++;
        if (ioctl(kv->fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue; /* a kick (seen at the top) or a stray signal */
            rc = vm_error(VM_EIO, "kvm: vCPU %u: KVM_RUN: %s", kv->id, strerror(errno));
            break;
        }
        if (map_exit(ka, kv, exit))
            break;
    }
    set_in_run(kv, false);
    return rc;
}
