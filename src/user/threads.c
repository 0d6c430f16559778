/* Guest threads: clone with CLONE_VM is a host thread running a hart of its
 * own on the same accelerator, MMU and address space. Address-space
 * changes shoot down every hart's translations before the host side
 * changes (a hart running guest code is kicked and waited for; one in a
 * system call flushes before it runs again). Exited threads leave their
 * hart for the next clone (the soft accelerator has at most 64). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "user/user_internal.h"
#include "vm/error.h"
#include "vm/riscv.h"

#define CLONE_SETTLS_ 0x80000
#define CLONE_PARENT_SETTID_ 0x100000
#define CLONE_CHILD_CLEARTID_ 0x200000
#define CLONE_CHILD_SETTID_ 0x1000000
#define MAX_THREADS 64

__thread struct user_thread *user_self;

static void shootdown(void *opaque)
{
    struct user_proc *p = opaque;
    uint64_t g = __atomic_add_fetch(&p->flush_gen, 1, __ATOMIC_SEQ_CST);
    for (struct user_thread *t = p->threads; t; t = t->next) {
        if (t == user_self || t->done)
            continue;
        if (!__atomic_load_n(&t->in_guest, __ATOMIC_SEQ_CST) ||
            __atomic_load_n(&t->seen_gen, __ATOMIC_ACQUIRE) == g)
            continue;
        vm_vcpu_kick(t->vcpu);
        while (__atomic_load_n(&t->in_guest, __ATOMIC_SEQ_CST) &&
               __atomic_load_n(&t->seen_gen, __ATOMIC_ACQUIRE) != g)
            sched_yield();
    }
}

void user_threads_init(struct user_proc *p)
{
    struct user_thread *t = &p->main_thread;
    t->p = p;
    t->vcpu = p->vcpu;
    t->tid = (int)syscall(SYS_gettid);
    p->threads = t;
    p->live = 1;
    p->harts = 1;
    user_self = t;
    p->as.shootdown = shootdown;
    p->as.opaque = p;
    user_signals_init(p, t);
    user_host_fault_init(p);
}

void user_threads_after_fork(struct user_proc *p)
{
    struct user_thread *me = user_self;
    for (struct user_thread *t = p->threads; t; t = t->next)
        if (t != me)
            t->done = true; /* gone with the fork: never waited for */
    me->tid = (int)syscall(SYS_gettid);
    me->robust_head = 0; /* as Linux's copy_process: the child registers its own */
    p->live = 1;
    user_signals_after_fork(me);
    /* the parent's thread held the (recursive) lock: its owner id is not ours */
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&p->as.lock, &ma);
    pthread_mutexattr_destroy(&ma);
}

void user_threads_fini(struct user_proc *p)
{
    /* the process ended with one live thread; the others have left the
     * guest and are on their way out of thread_main */
    for (struct user_thread *t = p->threads, *next; t; t = next) {
        next = t->next;
        if (t == &p->main_thread)
            continue;
        while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
            sched_yield();
        user_as_lock(&p->as); /* thread_main unlocks after done: wait for that */
        user_as_unlock(&p->as);
        vm_vcpu_destroy(t->vcpu);
        free(t);
    }
    p->threads = NULL;
}

/* The signal and si_code a synchronous exception raises, as Linux's
 * do_trap_* and do_page_fault do (si_addr: the pc, or the faulting address
 * for page faults). */
static int exception_signal(struct user_proc *p, uint64_t cause, uint64_t tval, uint64_t pc,
                            int *code, uint64_t *addr)
{
    *addr = pc;
    switch (cause) {
    case 2: *code = 1; return SIGILL;              /* ILL_ILLOPC */
    case 3: *code = 1; return SIGTRAP;             /* TRAP_BRKPT */
    case 0: case 4: case 6: *code = 1; return SIGBUS; /* BUS_ADRALN */
    case 12: case 13: case 15:
        *addr = tval; /* SEGV_ACCERR where a mapping is, else SEGV_MAPERR */
        user_as_lock(&p->as);
        *code = user_as_find(&p->as, tval) ? 2 : 1;
        user_as_unlock(&p->as);
        return SIGSEGV;
    default: *code = 2; return SIGSEGV;            /* access faults: SEGV_ACCERR */
    }
}

/* The PTE of a page fault was filled already: another thread faulted on
 * the same page at the same moment and filled it first (the MMU raises a
 * fault on a PTE it read as empty; only the fill takes the lock). Run the
 * access again, after dropping this hart's TLB entries in case one older
 * than the PTE faulted. The same access faulting so a third time with no
 * PTE cleared meanwhile (that would make the page fresh again) is a fault
 * of its own after all: the guest gets its signal, never a loop. */
static bool refault_again(struct user_thread *t, uint64_t pc, uint64_t addr)
{
    uint64_t gen = __atomic_load_n(&t->p->flush_gen, __ATOMIC_SEQ_CST);
    if (pc != t->refault_pc || addr != t->refault_addr || gen != t->refault_gen) {
        t->refault_pc = pc;
        t->refault_addr = addr;
        t->refault_gen = gen;
        t->refaults = 0;
    }
    if (++t->refaults > 2)
        return false;
    vm_riscv_vcpu_sfence(t->vcpu);
    return true;
}

static void handle_exception(struct user_thread *t, const struct vm_exit *e)
{
    struct user_proc *p = t->p;
    uint64_t cause = e->u.exception.cause, tval = e->u.exception.tval;
    int kind = cause == 12 ? 0 : cause == 13 ? 1 : cause == 15 ? 2 : -1;
    if (kind >= 0) {
        user_as_lock(&p->as);
        int filled = user_as_fault(&p->as, tval, kind);
        user_as_unlock(&p->as);
        if (filled == 1)
            return; /* demand-filled: run the instruction again */
        if (filled == 2 && refault_again(t, e->u.exception.pc, tval))
            return;
        if (filled < 0) {
            user_signal_fault(t, SIGBUS, 2 /* BUS_ADRERR */, tval);
            return;
        }
    }
    int code;
    uint64_t addr;
    int sig = exception_signal(p, cause, tval, e->u.exception.pc, &code, &addr);
    user_signal_fault(t, sig, code, addr);
}

int user_thread_loop(struct user_thread *t)
{
    struct user_proc *p = t->p;
    while (!t->exit_now) {
        __atomic_store_n(&t->in_guest, 1, __ATOMIC_SEQ_CST);
        uint64_t g = __atomic_load_n(&p->flush_gen, __ATOMIC_SEQ_CST);
        if (t->seen_gen != g) {
            vm_riscv_vcpu_sfence(t->vcpu);
            __atomic_store_n(&t->seen_gen, g, __ATOMIC_RELEASE);
        }
        struct vm_exit e;
        int rc = vm_vcpu_run(t->vcpu, &e);
        __atomic_store_n(&t->in_guest, 0, __ATOMIC_SEQ_CST);
        if (rc < 0)
            return rc;
        switch (e.kind) {
        case VM_EXIT_SYSCALL: {
            int64_t r = user_syscall_guarded(t, e.u.syscall.nr, e.u.syscall.args);
            if (!t->exit_now)
                vm_riscv_vcpu_set_x(t->vcpu, 10, (uint64_t)r);
            struct user_sc sc = {.nr = e.u.syscall.nr, .a0 = e.u.syscall.args[0], .ret = r};
            user_signal_deliver(t, &sc);
            break;
        }
        case VM_EXIT_EXCEPTION:
            handle_exception(t, &e);
            user_signal_deliver(t, NULL);
            break;
        case VM_EXIT_INTR: /* a kick: a signal, or a shootdown */
            user_signal_deliver(t, NULL);
            break;
        case VM_EXIT_ERROR:
            return vm_error(VM_EINVAL, "user: %s", e.u.error.message);
        default:
            return vm_error(VM_EINVAL, "user: unexpected %s exit from the hart",
                            vm_exit_kind_name(e.kind));
        }
    }
    return 0;
}

/* The whole process ends. With one thread, the main loop returns and
 * vm_user_run reports it; with others running, here and now, as the
 * kernel's exit_group would (a death by signal is passed on as such). */
void vm_user_die_of(int sig)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    user_host_default(sig);
    user_host_sigmask(SIG_UNBLOCK, 1ULL << (sig - 1), NULL);
    raise(sig);
}

void user_exit_group(struct user_proc *p, int status, int sig)
{
    user_as_lock(&p->as);
    /* every thread dies: its robust futexes (maybe shared with other processes) */
    for (struct user_thread *t = p->threads; t; t = t->next)
        if (!t->done)
            user_robust_exit(t);
    bool alone = p->live == 1 && user_self == &p->main_thread;
    user_as_unlock(&p->as);
    if (alone) {
        p->exited = true;
        p->exit_status = status;
        p->exit_signal = sig;
        user_self->exit_now = true;
        return;
    }
    fflush(stdout);
    fflush(stderr);
    if (sig) {
        vm_user_die_of(sig);
        status = 128 + sig;
    }
    syscall(SYS_exit_group, status);
}

void user_thread_exit(struct user_proc *p, int status)
{
    struct user_thread *t = user_self;
    user_signals_thread_exit(t);
    user_robust_exit(t); /* before clear_tid, as Linux's mm_release */
    if (t->clear_tid && user_as_check(&p->as, t->clear_tid, 4, USER_PROT_W)) {
        uint32_t *w = user_g2h(&p->as, t->clear_tid, 4);
        __atomic_store_n(w, 0, __ATOMIC_SEQ_CST);
        user_as_written(&p->as, t->clear_tid, 4); /* atomic: user_put cannot do it */
        syscall(SYS_futex, w, 1 /* FUTEX_WAKE, shared: glibc's join waits shared */, 1, NULL, NULL, 0);
    }
    user_as_lock(&p->as);
    bool last = p->live == 1;
    if (!last)
        p->live--;
    user_as_unlock(&p->as);
    if (last) { /* the process ends with its last thread */
        user_exit_group(p, status, 0);
        return;
    }
    t->exit_now = true;
}

struct start {
    struct user_thread *t;
    uint64_t parent_tid_addr, child_tid_addr;
    uint64_t flags;
    uint64_t blocked; /* the creator's signal mask */
    int ready; /* 1: tid published, 2: failed */
};

static void *thread_main(void *arg)
{
    struct start *s = arg;
    struct user_thread *t = s->t;
    struct user_proc *p = t->p;
    user_self = t;
    t->tid = (int)syscall(SYS_gettid);
    user_signals_thread_start(t, s->blocked);
    if (s->flags & CLONE_PARENT_SETTID_)
        user_put(p, s->parent_tid_addr, &t->tid, 4);
    if (s->flags & CLONE_CHILD_SETTID_)
        user_put(p, s->child_tid_addr, &t->tid, 4);
    __atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE); /* s is the parent's: not used after */
    int rc = user_thread_loop(t);
    if (rc < 0) {
        fprintf(stderr, "vm: %s\n", vm_error_message());
        user_exit_group(p, 1, 0);
    }
    user_as_lock(&p->as);
    t->exit_now = false;
    __atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
    user_as_unlock(&p->as);
    return NULL;
}

int64_t user_thread_clone(struct user_proc *p, const uint64_t a[6])
{
    struct user_thread *me = user_self, *t = NULL;
    struct vm_riscv_core_regs regs;
    struct vm_riscv_fpu_regs fregs;
    if (vm_vcpu_get_regs(me->vcpu, VM_REGSET_CORE, &regs) < 0 ||
        vm_vcpu_get_regs(me->vcpu, VM_REGSET_FPU, &fregs) < 0)
        return -EAGAIN;
    user_as_lock(&p->as);
    for (struct user_thread *x = p->threads; x; x = x->next)
        if (x->done && x != &p->main_thread) {
            t = x;
            break;
        }
    if (!t) {
        if (p->harts == MAX_THREADS || !(t = calloc(1, sizeof(*t)))) {
            user_as_unlock(&p->as);
            return -EAGAIN;
        }
        struct vm_vcpu_options opt = {.id = p->harts, .user_mode = true};
        if (vm_vcpu_create(p->accel, &opt, &t->vcpu) < 0) {
            free(t);
            user_as_unlock(&p->as);
            return -EAGAIN;
        }
        if (vm_riscv_vcpu_set_flat(t->vcpu, &p->as.flat) < 0) {
            vm_vcpu_destroy(t->vcpu);
            free(t);
            user_as_unlock(&p->as);
            return -EAGAIN;
        }
        p->harts++;
        t->p = p;
        t->next = p->threads;
        p->threads = t;
    }
    t->done = false;
    t->exit_now = false;
    t->in_guest = 0;
    t->seen_gen = ~0ULL; /* flush before its first instruction */
    t->clear_tid = a[0] & CLONE_CHILD_CLEARTID_ ? a[4] : 0;
    t->robust_head = 0;
    regs.x[2] = a[1];
    if (a[0] & CLONE_SETTLS_)
        regs.x[4] = a[3];
    regs.x[10] = 0; /* clone returns 0 in the new thread, which goes on after the ecall */
    int rc = vm_vcpu_set_regs(t->vcpu, VM_REGSET_CORE, &regs);
    if (rc == 0)
        rc = vm_vcpu_set_regs(t->vcpu, VM_REGSET_FPU, &fregs);
    struct start s = {.t = t, .parent_tid_addr = a[2], .child_tid_addr = a[4], .flags = a[0],
                      .blocked = me->sig_blocked};
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* the new thread starts with every host signal blocked (a signal it took
     * before it knows its user_thread would be lost) and sets its own mask */
    uint64_t old;
    user_host_sigmask(SIG_SETMASK, ~0ULL, &old);
    if (rc == 0 && pthread_create(&th, &attr, thread_main, &s) != 0)
        rc = -1;
    user_signals_host_thread_made(p);
    user_host_sigmask(SIG_SETMASK, old, NULL);
    pthread_attr_destroy(&attr);
    if (rc < 0) {
        t->done = true;
        user_as_unlock(&p->as);
        return -EAGAIN;
    }
    p->live++;
    user_as_unlock(&p->as);
    while (!__atomic_load_n(&s.ready, __ATOMIC_ACQUIRE))
        sched_yield();
    return t->tid;
}
