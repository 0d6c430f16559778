/* Signals (docs/USER.md "Signals"): the guest's dispositions, per-thread
 * masks, alternate stacks, and delivery with Linux riscv64's rt_sigframe
 * (arch/riscv/kernel/signal.c): siginfo, then a ucontext whose mcontext
 * holds pc + x1..x31, the D-extension state and an END __riscv_ctx_hdr.
 *
 * Guest threads are host threads, so the host kernel keeps what Linux
 * keeps: a signal the guest handles has vm's host handler installed, the
 * host thread's mask is the guest thread's, and process-directed signals
 * reach a thread that does not block them. The host handler only records
 * the signal on its thread, holds it blocked on the host until the guest
 * takes it, and kicks the hart, which leaves translated code at the next
 * block boundary; the run loop then writes the frame. Ignored and default
 * dispositions are the host's own (a default SIGTERM kills vm the native
 * way). Guest faults are delivered directly, as Linux forces them. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "user/user_internal.h"
#include "vm/riscv.h"

/* riscv64's (asm-generic) sa_flags and ss_flags */
#define G_SA_NOCLDSTOP 0x1u
#define G_SA_NOCLDWAIT 0x2u
#define G_SA_SIGINFO 0x4u
#define G_SA_ONSTACK 0x08000000u
#define G_SA_RESTART 0x10000000u
#define G_SA_NODEFER 0x40000000u
#define G_SA_RESETHAND 0x80000000u
#define G_SS_ONSTACK 1
#define G_SS_DISABLE 2
#define G_SS_AUTODISARM (1u << 31)
#define G_MINSIGSTKSZ 2048

#define BIT(sig) (1ULL << ((sig) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))
/* Raised by the hart itself; never blocked on the host (a real fault of vm
 * with them blocked would hang or mislead). */
#define SYNC_SIGS (BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) | BIT(SIGFPE) | BIT(SIGTRAP))
/* Signals 32 and 33 are the host glibc's SIGCANCEL and SIGSETXID, which
 * vm never uses (no pthread_cancel, no set*id() of its own: the guest's
 * set*id calls are raw per-thread ones), and the guest's glibc uses the
 * same numbers for the same jobs. So they are forwarded like the others,
 * through raw system calls: glibc's sigaction, sigaddset and
 * pthread_sigmask refuse or drop them. */

/* struct rt_sigframe { siginfo_t info; struct ucontext uc; } */
#define SI_BYTES 128
#define UC_STACK 16   /* stack_t: ss_sp, ss_flags (+pad), ss_size */
#define UC_SIGMASK 40 /* 8 bytes, then room to 128 */
#define UC_MCONTEXT 176 /* struct sigcontext, 16-byte aligned */
#define MC_FPREGS 256   /* after sc_regs: pc, x1..x31 */
#define MC_FCSR (MC_FPREGS + 256)
#define MC_EXT_RESERVED (MC_FPREGS + 516) /* sc_extdesc.reserved: must be 0 */
#define MC_EXT_HDR (MC_FPREGS + 520)      /* __riscv_ctx_hdr {magic, size}: END = 0, 0 */
#define UC_BYTES (UC_MCONTEXT + 256 + 528)
#define FRAME_BYTES (SI_BYTES + UC_BYTES) /* 1088 */

/* li a7, 139 (rt_sigreturn); ecall: the code of Linux's vdso trampoline,
 * which libgcc's unwinder recognises as a signal frame. */
static const uint32_t sigtramp_code[2] = {0x08b00893, 0x00000073};

static void host_handler(int sig, siginfo_t *si, void *ucv);
extern const char user_safe_syscall_start[], user_safe_syscall_end[], user_safe_syscall_eintr[];

/* ---- the host's side --------------------------------------------------------- */

/* x86-64's rt_sigreturn, for actions installed with the raw call (the
 * kernel wants SA_RESTORER there). */
void user_host_restorer(void);
__asm__(".text\n"
        ".globl user_host_restorer\n"
        ".type user_host_restorer, @function\n"
        "user_host_restorer:\n"
        "    mov $15, %rax\n" /* SYS_rt_sigreturn */
        "    syscall\n"
        ".size user_host_restorer, .-user_host_restorer\n");

struct host_kaction { /* the x86-64 kernel's struct sigaction */
    void *handler;
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};
#define HOST_SA_RESTORER 0x04000000UL

/* The host sigset_t (the kernel's layout: bit sig-1 of the first word). */
void user_host_sigset(void *s, uint64_t bits)
{
    memset(s, 0, sizeof(sigset_t));
    memcpy(s, &bits, 8);
}

void user_host_sigmask(int how, uint64_t set, uint64_t *old)
{
    syscall(SYS_rt_sigprocmask, how, &set, old, 8);
}

static int host_sigaction(int sig, const struct host_kaction *act, struct host_kaction *old)
{
    return (int)syscall(SYS_rt_sigaction, sig, act, old, 8);
}

void user_host_default(int sig)
{
    struct host_kaction sa = {.handler = (void *)SIG_DFL};
    host_sigaction(sig, &sa, NULL);
}

/* The host mask of thread t: its guest mask, and the signals its handler
 * took that the guest has not yet (they wait on the host). */
static uint64_t host_mask_bits(const struct user_thread *t, uint64_t guest)
{
    uint64_t held = __atomic_load_n(&t->sig_pending, __ATOMIC_SEQ_CST);
    return (guest | held) & ~(SYNC_SIGS | UNBLOCKABLE);
}

static void apply_host_mask(struct user_thread *t)
{
    user_host_sigmask(SIG_BLOCK, ~0ULL, NULL); /* no handler between computing and setting */
    user_host_sigmask(SIG_SETMASK, host_mask_bits(t, t->sig_blocked), NULL);
}

/* The host action for guest signal sig after its guest action changed. */
static void mirror_action(struct user_proc *p, int sig)
{
    if (sig == SIGKILL || sig == SIGSTOP || sig == SIGSEGV || sig == SIGBUS)
        return; /* SIGSEGV, SIGBUS: host_fault.c's handler, always */
    const struct user_sigaction *ga = &p->sigact[sig];
    struct host_kaction sa = {.mask = ~0ULL, .flags = HOST_SA_RESTORER,
                              .restorer = user_host_restorer};
    if (ga->handler > 1) {
        sa.handler = (void *)host_handler;
        sa.flags |= SA_SIGINFO; /* no SA_RESTART: a blocking call must return to deliver */
    } else if (BIT(sig) & SYNC_SIGS) {
        sa.handler = (void *)SIG_DFL; /* a guest fault is never a host one; kill() kills */
    } else {
        sa.handler = (void *)(ga->handler == 1 ? SIG_IGN : SIG_DFL);
    }
    if (sig == SIGCHLD)
        sa.flags |= ga->flags & (G_SA_NOCLDSTOP | G_SA_NOCLDWAIT);
    if (sig == 32 || sig == 33) {
        host_sigaction(sig, &sa, NULL);
        return;
    }
    /* the others through glibc: a sanitizer (TSan) must see the handler to
     * run it at a safe point, not inside its own runtime */
    struct sigaction gsa;
    memset(&gsa, 0, sizeof(gsa));
    sigfillset(&gsa.sa_mask);
    gsa.sa_flags = (int)(sa.flags & ~HOST_SA_RESTORER);
    if (sa.flags & SA_SIGINFO)
        gsa.sa_sigaction = host_handler;
    else
        gsa.sa_handler = (void (*)(int))sa.handler;
    sigaction(sig, &gsa, NULL);
}

/* The host glibc installs its own SIGSETXID handler at the process's first
 * pthread_create (late_init): the guest's action for 32 and 33 again. */
void user_signals_host_thread_made(struct user_proc *p)
{
    user_as_lock(&p->as);
    mirror_action(p, 32);
    mirror_action(p, 33);
    user_as_unlock(&p->as);
}

/* On the thread the host delivered sig to. */
static void host_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    struct user_thread *t = user_self;
    if ((BIT(sig) & SYNC_SIGS) && si->si_code > 0) {
        /* vm itself faulted (kill() and tgkill() give si_code <= 0): die of it */
        signal(sig, SIG_DFL);
        return;
    }
    if (!t || !t->vcpu)
        return;
    memcpy(t->sig_info[sig], si, SI_BYTES);
    __atomic_or_fetch(&t->sig_pending, BIT(sig), __ATOMIC_SEQ_CST);
    ((uint64_t *)(void *)&uc->uc_sigmask)[0] |= BIT(sig); /* held on the host until the guest takes it */
    if (!(BIT(sig) & t->sig_blocked)) {
        /* a blocking call about to start returns -EINTR instead (safe_syscall.c) */
        __atomic_store_n(&t->sig_interrupt, 1, __ATOMIC_SEQ_CST);
        greg_t *rip = &uc->uc_mcontext.gregs[REG_RIP];
        if (*rip >= (greg_t)user_safe_syscall_start && *rip < (greg_t)user_safe_syscall_end)
            *rip = (greg_t)user_safe_syscall_eintr;
    }
    vm_riscv_vcpu_kick_async(t->vcpu);
}

/* A SIGSEGV/SIGBUS sent by a process (host_fault.c saw si_code <= 0). */
void user_signal_sent(int sig, siginfo_t *si, void *uc)
{
    struct user_thread *t = user_self;
    uint64_t h = t ? t->p->sigact[sig].handler : 0;
    if (h > 1) {
        host_handler(sig, si, uc);
    } else if (h == 0) { /* SIG_DFL: die of it once the handler returns */
        user_host_default(sig);
        raise(sig);
    }
}

void user_signals_restore_mask(struct user_thread *t)
{
    apply_host_mask(t);
}

void user_signals_init(struct user_proc *p, struct user_thread *t)
{
    uint64_t cur = 0;
    user_host_sigmask(SIG_BLOCK, 0, &cur); /* inherited across execve, as Linux's */
    t->sig_blocked = cur & ~UNBLOCKABLE;
    for (int sig = 1; sig <= 64; sig++) {
        struct host_kaction old;
        if (host_sigaction(sig, NULL, &old) == 0 && old.handler == (void *)SIG_IGN)
            p->sigact[sig].handler = 1; /* ignored stays ignored across execve */
    }
}

void user_signals_thread_start(struct user_thread *t, uint64_t blocked)
{
    t->sig_blocked = blocked;
    __atomic_store_n(&t->sig_pending, 0, __ATOMIC_SEQ_CST);
    t->ss_sp = t->ss_size = 0;
    t->ss_flags = 0;
    t->sig_tmp_valid = false;
    apply_host_mask(t);
}

/* A thread's exit, first thing (Linux's exit_signals): it takes no more
 * signals, and the process-directed ones its handler took but the guest
 * has not run go back to the process for another thread (tgkill's stay
 * with it, as a dying thread's private ones do). */
void user_signals_thread_exit(struct user_thread *t)
{
    user_host_sigmask(SIG_SETMASK, ~0ULL, NULL);
    uint64_t held = __atomic_exchange_n(&t->sig_pending, 0, __ATOMIC_SEQ_CST);
    for (int sig = 1; sig <= 64; sig++) {
        int32_t code;
        memcpy(&code, t->sig_info[sig] + 8, 4);
        if ((held & BIT(sig)) && code != SI_TKILL)
            syscall(SYS_rt_sigqueueinfo, getpid(), sig, t->sig_info[sig]);
    }
}

/* A fork child: pending signals are the parent's, not the child's. */
void user_signals_after_fork(struct user_thread *t)
{
    __atomic_store_n(&t->sig_pending, 0, __ATOMIC_SEQ_CST);
    apply_host_mask(t);
}

void user_signals_clear_handlers(struct user_proc *p)
{
    for (int sig = 1; sig <= 64; sig++)
        if (p->sigact[sig].handler > 1) {
            p->sigact[sig] = (struct user_sigaction){0};
            mirror_action(p, sig);
        }
}

/* Before execve: the new program's mask is the guest's, no held signals. */
void user_signals_before_exec(struct user_thread *t)
{
    user_host_sigmask(SIG_SETMASK, t->sig_blocked & ~(SYNC_SIGS | UNBLOCKABLE), NULL);
}

void user_signals_after_exec_failed(struct user_thread *t)
{
    apply_host_mask(t);
}

int user_sigtramp_map(struct user_proc *p)
{
    uint64_t at = user_as_find_free(&p->as, 0, USER_PAGE);
    if (!at)
        return -ENOMEM;
    int rc = user_as_map(&p->as, at, USER_PAGE, USER_PROT_R | USER_PROT_W, false, -1, 0,
                         "[sigpage]");
    if (rc < 0)
        return rc;
    rc = user_put(p, at, sigtramp_code, sizeof(sigtramp_code));
    if (rc == 0)
        rc = user_as_protect(&p->as, at, USER_PAGE, USER_PROT_R | USER_PROT_X);
    p->sigtramp = at;
    return rc;
}

/* ---- the guest's alternate stack ----------------------------------------------- */

static bool on_altstack(const struct user_thread *t, uint64_t sp)
{
    if (t->ss_flags & G_SS_AUTODISARM)
        return false;
    return sp > t->ss_sp && sp - t->ss_sp <= t->ss_size;
}

static uint32_t altstack_flags(const struct user_thread *t, uint64_t sp)
{
    if (!t->ss_size)
        return G_SS_DISABLE;
    return on_altstack(t, sp) ? G_SS_ONSTACK : 0;
}

/* do_sigaltstack: new (guest stack_t, may be NULL) at the guest's sp. */
static int64_t set_altstack(struct user_thread *t, const uint8_t *new, uint64_t sp)
{
    uint64_t ss_sp, ss_size;
    uint32_t flags;
    memcpy(&ss_sp, new, 8);
    memcpy(&flags, new + 8, 4);
    memcpy(&ss_size, new + 16, 8);
    if (on_altstack(t, sp))
        return -EPERM;
    uint32_t mode = flags & ~G_SS_AUTODISARM;
    if (mode != G_SS_DISABLE && mode != G_SS_ONSTACK && mode != 0)
        return -EINVAL;
    if (mode == G_SS_DISABLE) {
        ss_sp = ss_size = 0;
    } else if (ss_size < G_MINSIGSTKSZ) {
        return -ENOMEM;
    }
    t->ss_sp = ss_sp;
    t->ss_size = ss_size;
    t->ss_flags = flags & G_SS_AUTODISARM;
    return 0;
}

static void put_altstack(const struct user_thread *t, uint8_t *out, uint64_t sp)
{
    uint32_t flags = altstack_flags(t, sp) | (uint32_t)t->ss_flags, pad = 0;
    memcpy(out, &t->ss_sp, 8);
    memcpy(out + 8, &flags, 4);
    memcpy(out + 12, &pad, 4);
    memcpy(out + 16, &t->ss_size, 8);
}

static int64_t sys_sigaltstack(struct user_proc *p, const uint64_t a[6])
{
    struct user_thread *t = user_self;
    uint64_t sp = 0;
    vm_riscv_vcpu_get_x(t->vcpu, 2, &sp);
    uint8_t old[24];
    put_altstack(t, old, sp);
    if (a[0]) {
        if (!user_as_check(&p->as, a[0], 24, USER_PROT_R))
            return -EFAULT;
        int64_t r = set_altstack(t, user_g2h(&p->as, a[0], 24), sp);
        if (r < 0)
            return r;
    }
    return a[1] ? user_put(p, a[1], old, 24) : 0;
}

/* ---- dispositions and masks -------------------------------------------------------- */

/* riscv64's struct sigaction is {handler, flags, mask} (no restorer). */
static int64_t sys_sigaction(struct user_proc *p, const uint64_t a[6])
{
    int sig = (int)a[0];
    if (sig < 1 || sig > 64 || a[3] != 8)
        return -EINVAL;
    if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (a[2] && !user_as_check(&p->as, a[2], 24, USER_PROT_W))
        return -EFAULT;
    if (a[1] && !user_as_check(&p->as, a[1], 24, USER_PROT_R))
        return -EFAULT;
    user_as_lock(&p->as); /* one change at a time with the host's action */
    struct user_sigaction old = p->sigact[sig];
    if (a[1]) {
        memcpy(&p->sigact[sig], user_g2h(&p->as, a[1], 24), 24);
        p->sigact[sig].mask &= ~UNBLOCKABLE;
        mirror_action(p, sig);
    }
    user_as_unlock(&p->as);
    return a[2] ? user_put(p, a[2], &old, 24) : 0;
}

static int64_t sys_sigprocmask(struct user_proc *p, const uint64_t a[6])
{
    struct user_thread *t = user_self;
    if (a[3] != 8)
        return -EINVAL;
    uint64_t old = t->sig_blocked;
    if (a[1]) {
        if (!user_as_check(&p->as, a[1], 8, USER_PROT_R))
            return -EFAULT;
        uint64_t set, m = t->sig_blocked;
        memcpy(&set, user_g2h(&p->as, a[1], 8), 8);
        switch (a[0]) {
        case SIG_BLOCK: m |= set; break;
        case SIG_UNBLOCK: m &= ~set; break;
        case SIG_SETMASK: m = set; break;
        default: return -EINVAL;
        }
        t->sig_blocked = m & ~UNBLOCKABLE;
        apply_host_mask(t);
    }
    return a[2] ? user_put(p, a[2], &old, 8) : 0;
}

static int64_t sys_sigpending(struct user_proc *p, const uint64_t a[6])
{
    struct user_thread *t = user_self;
    if (a[1] != 8)
        return -EINVAL;
    uint64_t host = 0;
    syscall(SYS_rt_sigpending, &host, 8);
    uint64_t bits = (__atomic_load_n(&t->sig_pending, __ATOMIC_SEQ_CST) | host) & t->sig_blocked;
    return user_put(p, a[0], &bits, 8);
}

bool user_sigmask_begin(struct user_thread *t, uint64_t tmp, void *host_sigset)
{
    user_host_sigmask(SIG_BLOCK, ~0ULL, NULL); /* a signal now waits for the host call */
    tmp &= ~UNBLOCKABLE;
    t->sig_tmp = tmp;
    t->sig_tmp_valid = true;
    if (__atomic_load_n(&t->sig_pending, __ATOMIC_SEQ_CST) & ~tmp)
        return false;
    user_host_sigset(host_sigset, host_mask_bits(t, tmp));
    return true;
}

void user_sigmask_end(struct user_thread *t, int64_t ret)
{
    if (ret != -EINTR) /* as Linux: the old mask is back before any delivery */
        t->sig_tmp_valid = false;
    apply_host_mask(t);
}

/* rt_sigsuspend: wait with a temporary mask; the handler runs under it and
 * rt_sigreturn restores the mask of before (the frame keeps that one). */
static int64_t sys_sigsuspend(struct user_proc *p, const uint64_t a[6])
{
    struct user_thread *t = user_self;
    if (a[1] != 8)
        return -EINVAL;
    if (!user_as_check(&p->as, a[0], 8, USER_PROT_R))
        return -EFAULT;
    uint64_t tmp;
    memcpy(&tmp, user_g2h(&p->as, a[0], 8), 8);
    sigset_t wait;
    if (user_sigmask_begin(t, tmp, &wait))
        syscall(SYS_rt_sigsuspend, &wait, 8);
    user_sigmask_end(t, -EINTR);
    return -EINTR;
}

/* rt_sigtimedwait: a signal this thread took already, else the host's wait
 * (the set is blocked on the host as in the guest; siginfo is alike). */
static int64_t sys_sigtimedwait(struct user_proc *p, const uint64_t a[6])
{
    struct user_thread *t = user_self;
    if (a[3] != 8)
        return -EINVAL;
    if (!user_as_check(&p->as, a[0], 8, USER_PROT_R))
        return -EFAULT;
    uint64_t set;
    memcpy(&set, user_g2h(&p->as, a[0], 8), 8);
    set &= ~UNBLOCKABLE;
    uint64_t got = __atomic_load_n(&t->sig_pending, __ATOMIC_SEQ_CST) & set;
    if (got) {
        int sig = __builtin_ctzll(got) + 1;
        if (a[1] && user_put(p, a[1], t->sig_info[sig], SI_BYTES) < 0)
            return -EFAULT;
        __atomic_and_fetch(&t->sig_pending, ~BIT(sig), __ATOMIC_SEQ_CST);
        apply_host_mask(t);
        return sig;
    }
    sigset_t hs;
    user_host_sigset(&hs, set);
    return user_block(SYS_rt_sigtimedwait, &hs, user_out(p, a[1], SI_BYTES),
                      user_gp(&p->as, a[2], 16), 8);
}

/* ---- delivery ---------------------------------------------------------------------- */

/* Calls Linux never restarts after a handler, SA_RESTART or not
 * (-ERESTARTNOHAND, -ERESTART_RESTARTBLOCK; signal(7)). */
static bool never_restarted(uint64_t nr)
{
    switch (nr) {
    case 4: case 292:            /* io_getevents, io_pgetevents */
    case 22: case 441:           /* epoll_pwait, epoll_pwait2 */
    case 72: case 73:            /* pselect6, ppoll */
    case 101: case 115:          /* nanosleep, clock_nanosleep */
    case 133: case 137:          /* rt_sigsuspend, rt_sigtimedwait */
    case 188: case 189:          /* msgrcv, msgsnd */
    case 192: case 193:          /* semtimedop, semop */
        return true;
    }
    return false;
}

/* SIG_DFL for a signal the host handler took (its action changed since). */
static void default_action(struct user_proc *p, int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
        return;
    case SIGTSTP: case SIGTTIN: case SIGTTOU:
        raise(SIGSTOP);
        return;
    }
    user_exit_group(p, 0, sig);
}

/* Whether the frame at [frame, +FRAME_BYTES) may be written: as Linux's
 * copy to the user stack, a page below the stack grows it first. */
static bool frame_room(struct user_proc *p, uint64_t frame)
{
    if (user_as_check(&p->as, frame, FRAME_BYTES, USER_PROT_W))
        return true;
    user_as_lock(&p->as);
    for (uint64_t a = USER_ALIGN_DOWN(frame); a < frame + FRAME_BYTES; a += USER_PAGE)
        if (user_g2h(&p->as, a, USER_PAGE) && !user_as_find(&p->as, a))
            user_as_fault(&p->as, a, 2);
    user_as_unlock(&p->as);
    return user_as_check(&p->as, frame, FRAME_BYTES, USER_PROT_W);
}

static bool write_frame(struct user_proc *p, struct user_thread *t, int sig, const uint8_t *info,
                        const struct user_sigaction *act, uint64_t saved_mask)
{
    uint64_t x[33];
    for (unsigned i = 1; i <= 32; i++)
        vm_riscv_vcpu_get_x(t->vcpu, i, &x[i]);
    struct vm_riscv_fpu_regs fr;
    if (vm_vcpu_get_regs(t->vcpu, VM_REGSET_FPU, &fr) < 0)
        return false;
    uint64_t sp = x[2];
    if (on_altstack(t, sp) && !on_altstack(t, sp - FRAME_BYTES))
        return false; /* the alternate stack overflows: Linux kills with SIGSEGV */
    uint64_t top = sp;
    if ((act->flags & G_SA_ONSTACK) && t->ss_size && !on_altstack(t, sp))
        top = t->ss_sp + t->ss_size;
    uint64_t frame = (top - FRAME_BYTES) & ~15ULL;
    if (frame > top || !frame_room(p, frame))
        return false;
    uint8_t f[FRAME_BYTES];
    memset(f, 0, FRAME_BYTES);
    memcpy(f, info, SI_BYTES);
    uint8_t *uc = f + SI_BYTES;
    put_altstack(t, uc + UC_STACK, sp);
    if (t->ss_flags & G_SS_AUTODISARM)
        t->ss_sp = t->ss_size = 0, t->ss_flags = 0;
    memcpy(uc + UC_SIGMASK, &saved_mask, 8);
    uint8_t *mc = uc + UC_MCONTEXT;
    memcpy(mc, &x[32], 8);          /* sc_regs.pc */
    memcpy(mc + 8, &x[1], 31 * 8); /* ra .. t6 */
    memcpy(mc + MC_FPREGS, fr.f, 256);
    uint32_t fcsr = (uint32_t)fr.fcsr;
    memcpy(mc + MC_FCSR, &fcsr, 4);
    /* MC_EXT_RESERVED and MC_EXT_HDR stay 0: no extension state follows */
    if (user_put(p, frame, f, FRAME_BYTES) < 0)
        return false; /* a host fault (a file page cut off by a truncate) */
    vm_riscv_vcpu_set_x(t->vcpu, VM_RISCV_REG_PC, act->handler);
    vm_riscv_vcpu_set_x(t->vcpu, 1, p->sigtramp);
    vm_riscv_vcpu_set_x(t->vcpu, 2, frame);
    vm_riscv_vcpu_set_x(t->vcpu, 10, (uint64_t)sig);
    vm_riscv_vcpu_set_x(t->vcpu, 11, frame);
    vm_riscv_vcpu_set_x(t->vcpu, 12, frame + SI_BYTES);
    return true;
}

/* Run the guest's handler for sig next. mask is the mask it was deliverable
 * under (a temporary one of sigsuspend, else the thread's). */
static void deliver(struct user_proc *p, struct user_thread *t, int sig, const uint8_t *info,
                    uint64_t mask)
{
    user_as_lock(&p->as);
    struct user_sigaction act = p->sigact[sig];
    if ((act.flags & G_SA_RESETHAND) && act.handler > 1) {
        p->sigact[sig].handler = 0;
        p->sigact[sig].flags &= ~G_SA_SIGINFO;
        mirror_action(p, sig);
    }
    user_as_unlock(&p->as);
    if (p->strace)
        fprintf(stderr, "--- SIGNAL %d (handler 0x%llx) ---\n", sig,
                (unsigned long long)act.handler);
    if (!write_frame(p, t, sig, info, &act, t->sig_blocked)) {
        user_exit_group(p, 0, SIGSEGV); /* no room for the frame: force_sigsegv */
        return;
    }
    uint64_t m = mask | act.mask;
    if (!(act.flags & G_SA_NODEFER))
        m |= BIT(sig);
    t->sig_blocked = m & ~UNBLOCKABLE;
    t->sig_tmp_valid = false;
    apply_host_mask(t);
}

void user_signal_deliver(struct user_thread *t, const struct user_sc *sc)
{
    struct user_proc *p = t->p;
    bool from_syscall = sc && !t->sig_returned;
    t->sig_returned = false;
    __atomic_store_n(&t->sig_interrupt, 0, __ATOMIC_SEQ_CST); /* a later signal sets it again */
    if (from_syscall && sc->ret == -USER_ERESTART) {
        /* the call did not start: the handler first, then the call again */
        uint64_t pc;
        vm_riscv_vcpu_get_x(t->vcpu, VM_RISCV_REG_PC, &pc);
        vm_riscv_vcpu_set_x(t->vcpu, VM_RISCV_REG_PC, pc - 4);
        vm_riscv_vcpu_set_x(t->vcpu, 10, sc->a0);
        from_syscall = false;
    }
    for (;;) {
        if (t->exit_now)
            return;
        uint64_t mask = t->sig_tmp_valid ? t->sig_tmp : t->sig_blocked;
        uint64_t ready = __atomic_load_n(&t->sig_pending, __ATOMIC_SEQ_CST) & ~mask;
        if (!ready)
            break;
        int sig = ready & SYNC_SIGS ? __builtin_ctzll(ready & SYNC_SIGS) + 1
                                    : __builtin_ctzll(ready) + 1;
        uint8_t info[SI_BYTES];
        memcpy(info, t->sig_info[sig], SI_BYTES);
        __atomic_and_fetch(&t->sig_pending, ~BIT(sig), __ATOMIC_SEQ_CST);
        uint64_t h = p->sigact[sig].handler;
        if (h <= 1) {
            apply_host_mask(t); /* no longer held */
            if (h == 0)
                default_action(p, sig);
            continue;
        }
        if (from_syscall && sc->ret == -EINTR) {
            if (!never_restarted(sc->nr) && (p->sigact[sig].flags & G_SA_RESTART)) {
                uint64_t pc;
                vm_riscv_vcpu_get_x(t->vcpu, VM_RISCV_REG_PC, &pc);
                vm_riscv_vcpu_set_x(t->vcpu, VM_RISCV_REG_PC, pc - 4);
                vm_riscv_vcpu_set_x(t->vcpu, 10, sc->a0);
            }
        }
        from_syscall = false;
        deliver(p, t, sig, info, mask);
    }
    if (t->sig_tmp_valid) { /* sigsuspend ended with nothing to run: back to the mask */
        t->sig_tmp_valid = false;
        apply_host_mask(t);
    }
}

/* A guest fault: the handler runs now, unless the signal is blocked or not
 * handled, when the process dies of it (Linux's force_sig_fault). */
void user_signal_fault(struct user_thread *t, int sig, int code, uint64_t addr)
{
    struct user_proc *p = t->p;
    if (p->sigact[sig].handler <= 1 || (t->sig_blocked & BIT(sig))) {
        if (p->strace)
            fprintf(stderr, "--- SIGNAL %d (code %d, address 0x%llx): fatal ---\n", sig, code,
                    (unsigned long long)addr);
        user_exit_group(p, 0, sig);
        return;
    }
    uint8_t info[SI_BYTES];
    memset(info, 0, sizeof(info));
    int32_t head[3] = {sig, 0, code};
    memcpy(info, head, sizeof(head));
    memcpy(info + 16, &addr, 8);
    deliver(p, t, sig, info, t->sig_blocked);
}

/* rt_sigreturn: the frame is at sp. Returns a0 as the frame has it. */
static int64_t sys_sigreturn(struct user_proc *p)
{
    struct user_thread *t = user_self;
    uint64_t frame = 0;
    vm_riscv_vcpu_get_x(t->vcpu, 2, &frame);
    uint8_t f[FRAME_BYTES];
    uint32_t reserved = 1;
    /* (a guarded copy: a frame on a file page cut off by a truncate is a bad frame too) */
    if (user_get(p, frame, f, FRAME_BYTES) == 0)
        memcpy(&reserved, f + SI_BYTES + UC_MCONTEXT + MC_EXT_RESERVED, 4);
    if (reserved != 0) { /* Linux: force_sig(SIGSEGV) */
        user_exit_group(p, 0, SIGSEGV);
        return 0;
    }
    const uint8_t *uc = f + SI_BYTES;
    const uint8_t *mc = uc + UC_MCONTEXT;
    uint64_t x[32], mask;
    memcpy(x, mc, sizeof(x)); /* pc, x1..x31 */
    vm_riscv_vcpu_set_x(t->vcpu, VM_RISCV_REG_PC, x[0]);
    for (unsigned i = 1; i < 32; i++)
        vm_riscv_vcpu_set_x(t->vcpu, i, x[i]);
    struct vm_riscv_fpu_regs fr;
    uint32_t fcsr;
    memcpy(fr.f, mc + MC_FPREGS, 256);
    memcpy(&fcsr, mc + MC_FCSR, 4);
    fr.fcsr = fcsr & 0xff;
    vm_vcpu_set_regs(t->vcpu, VM_REGSET_FPU, &fr);
    memcpy(&mask, uc + UC_SIGMASK, 8);
    t->sig_blocked = mask & ~UNBLOCKABLE;
    set_altstack(t, uc + UC_STACK, frame); /* errors ignored, as restore_altstack's */
    apply_host_mask(t);
    t->sig_returned = true;
    return (int64_t)x[10];
}

int64_t user_sys_signal(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    switch (nr) {
    case 132: return sys_sigaltstack(p, a);
    case 133: return sys_sigsuspend(p, a);
    case 134: return sys_sigaction(p, a);
    case 135: return sys_sigprocmask(p, a);
    case 136: return sys_sigpending(p, a);
    case 137: return sys_sigtimedwait(p, a);
    case 139: return sys_sigreturn(p);
    case 129: return user_ret(kill((pid_t)a[0], (int)a[1]));
    case 130: return user_ret(syscall(SYS_tkill, (pid_t)a[0], (int)a[1]));
    case 131: return user_ret(syscall(SYS_tgkill, (pid_t)a[0], (pid_t)a[1], (int)a[2]));
    case 138: /* rt_sigqueueinfo: siginfo is alike on both ABIs */
        return user_ret(syscall(SYS_rt_sigqueueinfo, (pid_t)a[0], (int)a[1],
                                user_gp(&p->as, a[2], SI_BYTES)));
    case 240:
        return user_ret(syscall(SYS_rt_tgsigqueueinfo, (pid_t)a[0], (pid_t)a[1], (int)a[2],
                                user_gp(&p->as, a[3], SI_BYTES)));
    /* timers that signal: itimerval, sigevent and itimerspec are alike */
    case 102: return user_ret(syscall(SYS_getitimer, (int)a[0], user_out(p, a[1], 32)));
    case 103: return user_ret(syscall(SYS_setitimer, (int)a[0], user_gp(&p->as, a[1], 32),
                                      user_out(p, a[2], 32)));
    case 107: return user_ret(syscall(SYS_timer_create, (clockid_t)a[0],
                                      user_gp(&p->as, a[1], 64), user_out(p, a[2], 4)));
    case 108: return user_ret(syscall(SYS_timer_gettime, (int)a[0], user_out(p, a[1], 32)));
    case 109: return user_ret(syscall(SYS_timer_getoverrun, (int)a[0]));
    case 110: return user_ret(syscall(SYS_timer_settime, (int)a[0], (int)a[1],
                                      user_gp(&p->as, a[2], 32), user_out(p, a[3], 32)));
    case 111: return user_ret(syscall(SYS_timer_delete, (int)a[0]));
    }
    return USER_UNKNOWN;
}
