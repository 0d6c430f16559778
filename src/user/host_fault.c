/* Host SIGSEGV and SIGBUS while vm user runs. A guest page can be a host
 * file page that a truncate cut off (SIGBUS) while the guest's page tables
 * and the TLBs still map it, and the JIT may let host protections check a
 * guest load. A host fault is therefore, in order:
 *   - a translated access: the JIT sends it to its slow path
 *     (vm_riscv_host_fault, when the JIT provides it);
 *   - a guarded access of the MMU or the interpreter (core/guarded.h): it
 *     returns the guest's page fault, which user_as_fault then makes a
 *     SIGBUS (BUS_ADRERR) for a page past the end of its file, as Linux;
 *   - vm's system-call code touching guest memory: the call returns
 *     -EFAULT, as Linux's copy_from_user/copy_to_user would;
 *   - anything else is vm's own fault: the action from before (SIG_DFL,
 *     or ASan's) is put back and the access faults again.
 * A SIGSEGV/SIGBUS sent by kill() or tgkill() is the guest's signal. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <ucontext.h>

#include "core/guarded.h"
#include "user/user_internal.h"

/* The JIT's, once it has one: true if rip was a translated access and the
 * context now resumes in that access's slow path. */
bool vm_riscv_host_fault(int sig, void *siginfo, void *ucontext) __attribute__((weak));

static struct sigaction before[2]; /* SIGSEGV's, SIGBUS's */
static struct user_proc *fault_proc;

static void host_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    struct user_thread *t = user_self;
    if (si->si_code <= 0) { /* kill(), tgkill(), sigqueue(): the guest's signal */
        user_signal_sent(sig, si, ucv);
        return;
    }
    if (vm_riscv_host_fault && vm_riscv_host_fault(sig, si, ucv))
        return;
    greg_t *rip = &uc->uc_mcontext.gregs[REG_RIP];
    void *fix = vm_guarded_fixup((uintptr_t)*rip);
    if (fix) {
        *rip = (greg_t)fix;
        return;
    }
    struct user_proc *p = fault_proc;
    uintptr_t a = (uintptr_t)si->si_addr;
    if (t && t->in_syscall && p && a - (uintptr_t)p->as.host < p->as.size)
        siglongjmp(t->syscall_jmp, 1);
    sigaction(sig, &before[sig == SIGBUS], NULL);
}

void user_host_fault_init(struct user_proc *p)
{
    fault_proc = p;
    vm_guarded_active = true;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = host_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &before[0]);
    sigaction(SIGBUS, &sa, &before[1]);
}

int64_t user_syscall_guarded(struct user_thread *t, uint64_t nr, const uint64_t a[6])
{
    if (sigsetjmp(t->syscall_jmp, 0)) {
        /* a host fault on guest memory inside the call: what it held is let go */
        t->in_syscall = false;
        while (pthread_mutex_unlock(&t->p->as.lock) == 0)
            ;
        user_signals_restore_mask(t); /* the handler's (all blocked) was kept */
        user_outs_done(t, -EFAULT, true);
        return -EFAULT;
    }
    t->in_syscall = true;
    int64_t r = user_syscall(t->p, nr, a);
    t->in_syscall = false;
    user_outs_done(t, r, false);
    return r;
}
