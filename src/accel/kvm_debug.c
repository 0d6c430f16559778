/* Debugging KVM vCPUs (the accelerator's set_debug and debug_access):
 * breakpoints and watchpoints in the x86 debug registers through
 * KVM_SET_GUEST_DEBUG (at most four together; no int3 written into guest
 * memory: the kernels this host runs refuse it, and a debugger's code
 * changes would show), single steps with the trap flag KVM sets, and guest
 * memory through KVM_TRANSLATE. x86 data breakpoints trap after the
 * access, which is what GDB expects of x86. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "accel/kvm_internal.h"
#include "vm/error.h"
#include "vm/x86.h"

#define DR6_BS (1u << 14) /* single step */
#define DR7_FIXED 0x600   /* GE and the reserved bit 10, as QEMU sets them */
#define RFLAGS_RF (1ULL << 16)

/* DR7 condition and length codes. */
enum { DR_EXEC = 0, DR_WRITE = 1, DR_ACCESS = 3 };

static int len_code(uint64_t addr, uint64_t len)
{
    if ((len != 1 && len != 2 && len != 4 && len != 8) || (addr & (len - 1)))
        return -1;
    return len == 1 ? 0 : len == 2 ? 1 : len == 4 ? 3 : 2;
}

int kvm_set_debug(struct vm_vcpu *vcpu, const struct vm_vcpu_debug *d)
{
    struct kvm_vcpu *kv = vm_vcpu_priv(vcpu);
    struct kvm_guest_debug g;
    memset(&g, 0, sizeof(g));
    if (d->nr_breakpoints + d->nr_watchpoints > 4)
        return vm_error(VM_ENOTSUP, "kvm: at most 4 breakpoints and watchpoints together "
                        "(the x86 debug registers)");
    uint64_t dr7 = DR7_FIXED;
    unsigned n = 0;
    for (unsigned i = 0; i < d->nr_breakpoints; i++, n++) {
        g.arch.debugreg[n] = d->breakpoints[i];
        dr7 |= 2ULL << (n * 2); /* global enable; condition exec, length 1 */
        kv->dr[n] = (struct kvm_dr_use){.watch = false, .addr = d->breakpoints[i]};
    }
    for (unsigned i = 0; i < d->nr_watchpoints; i++, n++) {
        const struct vm_watchpoint *w = &d->watchpoints[i];
        int lc = len_code(w->addr, w->len);
        if (lc < 0)
            return vm_error(VM_ENOTSUP, "kvm: an x86 watchpoint covers 1, 2, 4 or 8 bytes "
                            "aligned to its size (not 0x%llx+%llu)",
                            (unsigned long long)w->addr, (unsigned long long)w->len);
        if (w->kind == VM_WATCH_READ)
            return vm_error(VM_ENOTSUP, "kvm: x86 has no read-only watchpoints (use awatch)");
        g.arch.debugreg[n] = w->addr;
        unsigned cond = w->kind == VM_WATCH_WRITE ? DR_WRITE : DR_ACCESS;
        dr7 |= 2ULL << (n * 2) | (uint64_t)cond << (16 + n * 4) | (uint64_t)lc << (18 + n * 4);
        kv->dr[n] = (struct kvm_dr_use){.watch = true, .addr = w->addr, .kind = w->kind};
    }
    kv->ndr = n;
    if (n) {
        g.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
        g.arch.debugreg[7] = dr7;
    }
    if (d->single_step)
        g.control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
    if (ioctl(kv->fd, KVM_SET_GUEST_DEBUG, &g) < 0)
        return vm_error(VM_ENOTSUP, "kvm: vCPU %u: KVM_SET_GUEST_DEBUG: %s", kv->id,
                        strerror(errno));
    return 0;
}

/* A KVM_EXIT_DEBUG as the common debug stop; pc is where the vCPU is. */
void kvm_debug_exit(struct kvm_vcpu *kv, const struct kvm_debug_exit_arch *arch,
                    struct vm_exit *exit)
{
    exit->kind = VM_EXIT_DEBUG;
    exit->u.debug.pc = arch->pc;
    exit->u.debug.reason = VM_DEBUG_STEP;
    for (unsigned i = 0; i < kv->ndr; i++) {
        if (!(arch->dr6 & (1u << i)))
            continue;
        if (kv->dr[i].watch) {
            exit->u.debug.reason = VM_DEBUG_WATCH;
            exit->u.debug.watch_addr = kv->dr[i].addr;
            exit->u.debug.watch_kind = kv->dr[i].kind == VM_WATCH_WRITE ? VM_WATCH_WRITE
                                                                        : VM_WATCH_READ;
        } else {
            exit->u.debug.reason = VM_DEBUG_BREAKPOINT;
            kv->resume_rf = true; /* the next run passes this breakpoint once */
        }
        return;
    }
    if (!(arch->dr6 & DR6_BS))
        exit->u.debug.reason = VM_DEBUG_EBREAK; /* not ours: an int3 or icebp */
}

/* Before a run after a breakpoint stop: RF, so that the instruction the
 * stop was reported at runs once through its breakpoint (as x86 debuggers
 * resume). Only when rip is still there. */
void kvm_debug_before_run(struct kvm_vcpu *kv)
{
    if (!kv->resume_rf)
        return;
    kv->resume_rf = false;
    struct kvm_regs r;
    if (ioctl(kv->fd, KVM_GET_REGS, &r) < 0)
        return;
    for (unsigned i = 0; i < kv->ndr; i++)
        if (!kv->dr[i].watch && kv->dr[i].addr == r.rip) {
            r.rflags |= RFLAGS_RF;
            ioctl(kv->fd, KVM_SET_REGS, &r);
            return;
        }
}

long kvm_debug_access(struct vm_vcpu *vcpu, uint64_t va, void *buf, size_t len, bool write)
{
    struct kvm_accel *ka = vm_accel_priv(vm_vcpu_accel(vcpu));
    struct kvm_vcpu *kv = vm_vcpu_priv(vcpu);
    size_t done = 0;
    while (done < len) {
        uint64_t a = va + done;
        size_t n = 4096 - (a & 4095);
        if (n > len - done)
            n = len - done;
        struct kvm_translation t = {.linear_address = a};
        if (ioctl(kv->fd, KVM_TRANSLATE, &t) < 0 || !t.valid)
            break;
        uint8_t *host = vm_mem_ram_ptr(ka->mem, t.physical_address, n);
        if (!host)
            break; /* MMIO or nothing: never a device access for a debugger */
        if (write) {
            memcpy(host, (const uint8_t *)buf + done, n);
            vm_mem_notify_write(ka->mem, t.physical_address, n);
        } else {
            memcpy((uint8_t *)buf + done, host, n);
        }
        done += n;
    }
    return (long)done;
}
