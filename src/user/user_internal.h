/* Linux user-mode emulation: the state of one emulated process and the
 * interfaces between src/user's files (docs/USER.md). */
#ifndef VM_USER_INTERNAL_H
#define VM_USER_INTERNAL_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/accel.h"
#include "vm/riscv.h"
#include "vm/user.h"

#define USER_PAGE 4096ULL
#define USER_PAGE_MASK (USER_PAGE - 1)
#define USER_ALIGN_UP(x) (((x) + USER_PAGE_MASK) & ~USER_PAGE_MASK)
#define USER_ALIGN_DOWN(x) ((x) & ~USER_PAGE_MASK)

/* ---- the guest address space (addr_space.c) ------------------------------ */

/* Guest protections, as mmap's PROT_* (the same numbers on both ABIs). */
#define USER_PROT_R 1
#define USER_PROT_W 2
#define USER_PROT_X 4

/* A mapped file, shared by the records of its mapping's pieces. */
struct user_file {
    int fd; /* vm's own descriptor (close-on-exec, >= 512) */
    unsigned refs;
};

/* One mapping, as /proc/self/maps shows it. */
struct user_vma {
    uint64_t start, end; /* [start, end), page aligned */
    int prot;            /* USER_PROT_* */
    bool shared;
    uint64_t offset;     /* file offset of start */
    uint64_t dev, ino;   /* 0 for anonymous memory */
    char *name;          /* file path, "[stack]", "[heap]" or NULL (owned) */
    struct user_file *file; /* file mappings: NULL if it could not be kept */
    bool shm;               /* a System V segment (shmid) attached at start - offset */
    int shmid;
    uint64_t shm_size;      /* the attachment's length (shmdt's reach) */
};

/* Guest virtual = guest physical = offset into one host reservation. The
 * hart translates through Sv48 page tables that this file builds, in a RAM
 * region of their own above the guest's range, filled on demand (a page
 * fault on a page the mappings allow fills its PTE and resumes). */
struct user_as {
    struct vm_mem *mem;
    uint8_t *host;  /* guest address 0 */
    uint64_t size;  /* guest addresses are [0, size) */
    uint8_t *pt_host;
    uint64_t pt_base, pt_size, pt_used; /* page-table pages, bump-allocated */
    uint64_t root;                      /* physical address of the root table */
    struct user_vma *vma;               /* sorted, disjoint */
    unsigned nvma, cap;
    uint64_t mmap_top;                  /* top-down placement starts below it */
    bool flush;                         /* PTEs were removed (shootdown called) */
    /* Called with the lock held after PTEs were removed and before the
     * host side changes: every hart must drop its translations first. */
    void (*shootdown)(void *opaque);
    void *opaque;
    pthread_mutex_t lock; /* recursive: changes, fills and look-ups */
    uint64_t code_lo, code_hi;          /* range ever mapped executable (code drops) */
    /* What every hart's translated loads read directly (vm_riscv_vcpu_set_flat):
     * [0, size) at host, whose host protections are the guest's; size 0
     * once the guest maps execute-only memory (host-readable). */
    struct vm_riscv_flat flat;
};

int user_as_init(struct user_as *as, struct vm_mem *mem);
/* Threads: changes (and syscalls made of several) hold the lock. */
void user_as_lock(struct user_as *as);
void user_as_unlock(struct user_as *as);
void user_as_fini(struct user_as *as);
uint64_t user_as_satp(const struct user_as *as);
/* Host pointer of guest [addr, addr+len), or NULL if outside the range
 * (protection is not checked: the host's own protection mirrors the guest's,
 * so the host kernel reports EFAULT on a syscall's bad buffer). */
void *user_g2h(const struct user_as *as, uint64_t addr, uint64_t len);
/* A guest pointer for the host kernel: NULL stays NULL (the kernel decides
 * what NULL means); one outside the guest's range becomes an address every
 * host process has unmapped (EFAULT), never host memory. */
void *user_gp(const struct user_as *as, uint64_t addr, uint64_t len);
/* True if [addr, addr+len) is mapped with every bit of prot. */
bool user_as_check(struct user_as *as, uint64_t addr, uint64_t len, int prot);
const struct user_vma *user_as_find(const struct user_as *as, uint64_t addr);
/* vm's own descriptors (the files of mappings, >= 512) are not the guest's:
 * close leaves them open (close_range too: sys_fdops.c). */
bool user_as_owns_fd(struct user_as *as, int fd);
/* Map [addr, addr+len) (page aligned) afresh: anonymous zeroes, or the host
 * file fd at offset (fd < 0: anonymous). Replaces what was there. Returns 0
 * or a negative errno. name may be NULL. */
int user_as_map(struct user_as *as, uint64_t addr, uint64_t len, int prot, bool shared, int fd,
                uint64_t offset, const char *name);
/* Attach System V segment shmid (host shmat; shmflg's SHM_RDONLY) at
 * [addr, addr+len), replacing what was there; as user_as_map. */
int user_as_shmat(struct user_as *as, uint64_t addr, uint64_t len, int prot, int shmid,
                  int shmflg, const char *name);
/* shmdt(addr): the segment attached at addr leaves (0, or -EINVAL if none). */
int user_as_shmdt(struct user_as *as, uint64_t addr);
/* A free range of len bytes, top-down below mmap_top (or at hint when free);
 * 0 if none. */
uint64_t user_as_find_free(const struct user_as *as, uint64_t hint, uint64_t len);
int user_as_unmap(struct user_as *as, uint64_t addr, uint64_t len);
int user_as_protect(struct user_as *as, uint64_t addr, uint64_t len, int prot);
/* mremap: returns the new address or a negative errno. */
int64_t user_as_remap(struct user_as *as, uint64_t old, uint64_t old_len, uint64_t new_len,
                      int flags, uint64_t new_addr);
/* A page fault at addr for an access of kind (0 fetch, 1 load, 2 store):
 * 1 if the mappings allow it (its PTEs are filled now: run again), 2 if
 * they allow it and its PTE was filled already (another thread faulted on
 * the same page at the same time and filled it first: run again too), 0
 * if not (SIGSEGV), -1 for a file mapping's page past the end of its file
 * (SIGBUS). */
int user_as_fault(struct user_as *as, uint64_t addr, int kind);
/* Bytes the guest's code may live in were rewritten by the host (read()
 * into them, a new mapping): drop translated code of them. */
void user_as_written(struct user_as *as, uint64_t addr, uint64_t len);
/* /proc/self/maps text of the guest (malloc'd, NUL-terminated). */
char *user_as_maps_text(const struct user_as *as);

/* ---- the process ------------------------------------------------------------ */

struct user_sigaction {
    uint64_t handler, flags, mask;
};

/* A buffer a host system call writes for the guest (guest_write.c). */
struct user_out {
    uint64_t addr, len;
    bool counted; /* only the call's result's count of bytes */
};
#define USER_OUTS 8

/* One guest thread: a host thread running its own hart (threads.c). */
struct user_thread {
    struct user_proc *p;
    struct vm_vcpu *vcpu;
    int tid;
    uint64_t clear_tid;   /* CLONE_CHILD_CLEARTID / set_tid_address */
    uint64_t robust_head; /* set_robust_list (futex.c) */
    uint64_t seen_gen;    /* the flush generation its hart has applied */
    int in_guest;         /* running guest code now (atomic) */
    bool done;            /* exited: the struct and hart wait for reuse */
    /* threads.c: faults in a row of one access on a PTE filled already */
    uint64_t refault_pc, refault_addr, refault_gen;
    unsigned refaults;
    bool exit_now;        /* its loop must end (exit, or a fatal signal) */
    struct user_thread *next;
    /* signals (signal.c) */
    uint64_t sig_blocked;   /* the guest's mask (bit sig-1) */
    uint64_t sig_pending;   /* taken by the host handler, not yet delivered (atomic) */
    uint64_t sig_tmp;       /* rt_sigsuspend's mask, until a delivery */
    bool sig_tmp_valid;
    bool sig_returned;      /* the last syscall was rt_sigreturn */
    int sig_interrupt;      /* a signal to deliver came: blocking calls return -EINTR */
    uint64_t ss_sp, ss_size; /* sigaltstack */
    uint32_t ss_flags;       /* SS_AUTODISARM */
    uint8_t sig_info[65][128]; /* siginfo of each pending signal */
    /* host_fault.c: a host fault on guest memory in a system call ends it */
    bool in_syscall;
    sigjmp_buf syscall_jmp;
    /* guest_write.c: what the current system call's host calls write */
    struct user_out out[USER_OUTS];
    unsigned nout;
    uint64_t out_lo, out_hi; /* past USER_OUTS: one range covering the rest */
};
/* The thread this host thread runs. */
extern __thread struct user_thread *user_self;

struct user_proc {
    const struct vm_user_config *cfg;
    struct vm_mem *mem;
    struct vm_accel *accel;
    struct vm_vcpu *vcpu; /* the main thread's */
    struct user_thread main_thread;
    struct user_thread *threads; /* every thread ever made (under as.lock) */
    unsigned live, harts;
    uint64_t flush_gen;
    struct user_as as;
    uint64_t brk_start, brk_cur; /* program break */
    uint64_t entry, interp_base;
    char *exe_path;   /* absolute host path of the program (/proc/self/exe) */
    uint64_t auxv_addr, auxv_len; /* the auxiliary vector on the stack (/proc/self/auxv) */
    bool exited;
    int exit_status, exit_signal;
    struct user_sigaction sigact[65]; /* under as.lock */
    uint64_t sigtramp; /* the rt_sigreturn trampoline's page */
    bool strace, unimp;
    uint64_t unimp_seen[8]; /* one bit per syscall number < 512 reported */
};

/* elf_load.c: load the program (and its interpreter) into p->as; fills
 * entry points and the values the stack's auxv needs. */
struct user_image {
    uint64_t entry;      /* where the program starts (the interpreter's entry if any) */
    uint64_t prog_entry; /* AT_ENTRY */
    uint64_t phdr, phent, phnum; /* AT_PHDR, AT_PHENT, AT_PHNUM */
    uint64_t interp_base;        /* AT_BASE (0: none) */
    uint64_t brk;                /* end of the program's highest segment */
};
int user_load_elf(struct user_proc *p, const char *path, struct user_image *img);

/* stack.c: map the stack and lay out argc, argv, envp and auxv; returns the
 * initial sp or 0 (message set). */
uint64_t user_setup_stack(struct user_proc *p, const struct user_image *img,
                          char *const *argv, char *const *envp, const char *execfn);

/* threads.c */
void user_threads_init(struct user_proc *p);
/* The run loop of a thread's hart: returns when the thread exits (the
 * process's end is in p) or on an error (< 0). */
int user_thread_loop(struct user_thread *t);
/* clone with CLONE_VM: a new thread; its tid or -errno. */
int64_t user_thread_clone(struct user_proc *p, const uint64_t a[6]);
/* exit (one thread) and exit_group; a death by signal sig. */
void user_thread_exit(struct user_proc *p, int status);
void user_exit_group(struct user_proc *p, int status, int sig);
/* At the end of vm_user_run: free the threads other than main. */
void user_threads_fini(struct user_proc *p);
/* In a fork()ed child: only the calling thread is left. */
void user_threads_after_fork(struct user_proc *p);

/* signal.c */
/* What a run loop knows of the system call it just ran. */
struct user_sc {
    uint64_t nr, a0; /* the call and its first argument (a restart's a0) */
    int64_t ret;
};
void user_signals_init(struct user_proc *p, struct user_thread *t);
/* A new thread's state (mask inherited from its creator). */
void user_signals_thread_start(struct user_thread *t, uint64_t blocked);
void user_signals_after_fork(struct user_thread *t);
void user_signals_thread_exit(struct user_thread *t);
void user_signals_before_exec(struct user_thread *t);
/* clone3's CLONE_CLEAR_SIGHAND in the child: handled signals back to SIG_DFL. */
void user_signals_clear_handlers(struct user_proc *p);
void user_signals_after_exec_failed(struct user_thread *t);
/* Host signal masks by raw calls (glibc's drop signals 32 and 33, which the
 * guest's glibc uses and vm forwards): set/old in the kernel's layout. */
void user_host_sigmask(int how, uint64_t set, uint64_t *old);
void user_host_sigset(void *sigset, uint64_t bits);
void user_host_default(int sig); /* SIG_DFL, for any signal */
void user_signals_host_thread_made(struct user_proc *p); /* after a host pthread_create */
/* Map the page with the rt_sigreturn trampoline (handlers return to it). */
int user_sigtramp_map(struct user_proc *p);
/* After each exit of the hart (sc: the syscall it ran, or NULL): run the
 * handlers of signals the thread took and does not block. */
void user_signal_deliver(struct user_thread *t, const struct user_sc *sc);
/* A guest fault raising sig (code, address as siginfo has them). */
void user_signal_fault(struct user_thread *t, int sig, int code, uint64_t addr);

/* host_fault.c: host SIGSEGV/SIGBUS handling for the whole run (once);
 * a system call run so that a host fault on guest memory inside it makes
 * it return -EFAULT. */
void user_host_fault_init(struct user_proc *p);
int64_t user_syscall_guarded(struct user_thread *t, uint64_t nr, const uint64_t a[6]);
/* signal.c: a SIGSEGV/SIGBUS some process sent (the guest's to handle);
 * the thread's host mask again after a jump out of a handler. */
void user_signal_sent(int sig, siginfo_t *si, void *uc);
void user_signals_restore_mask(struct user_thread *t);

/* syscall.c: run one system call; returns the value for a0. */
int64_t user_syscall(struct user_proc *p, uint64_t nr, const uint64_t a[6]);
const char *user_syscall_name(uint64_t nr);

/* The syscall groups: each returns USER_UNKNOWN for numbers it does not know. */
#define USER_UNKNOWN INT64_MIN
int64_t user_sys_file(struct user_proc *p, uint64_t nr, const uint64_t a[6]);
int64_t user_sys_mem(struct user_proc *p, uint64_t nr, const uint64_t a[6]);
int64_t user_sys_proc(struct user_proc *p, uint64_t nr, const uint64_t a[6]);
int64_t user_sys_exec(struct user_proc *p, uint64_t nr, const uint64_t a[6]);
int64_t user_sys_signal(struct user_proc *p, uint64_t nr, const uint64_t a[6]);
int64_t user_sys_io(struct user_proc *p, uint64_t nr, const uint64_t a[6]);
int64_t user_sys_ipc(struct user_proc *p, uint64_t nr, const uint64_t a[6]);
int64_t user_sys_fdops(struct user_proc *p, uint64_t nr, const uint64_t a[6]);
int64_t user_sys_futex(struct user_proc *p, uint64_t nr, const uint64_t a[6]);
int64_t user_sys_aio(struct user_proc *p, uint64_t nr, const uint64_t a[6]);

/* futex.c: at thread t's death, the futexes on its robust list that it
 * still owns get FUTEX_OWNER_DIED and a waiter is woken (Linux's
 * exit_robust_list); the list is forgotten. */
void user_robust_exit(struct user_thread *t);

/* guest_write.c: guest memory written for the guest must reach the engine
 * as its own stores do (code translated from it is dropped). user_put
 * copies src to guest [addr, addr+len): 0, or -EFAULT (not writable, or a
 * host fault: guarded). user_out is user_gp for a buffer a host call
 * writes (user_out_count: only as many bytes as the call returns); the
 * thread reports them when its system call is over (user_outs_done). */
int user_put(struct user_proc *p, uint64_t addr, const void *src, uint64_t len);
/* ... and user_get the other way: 0, or -EFAULT (not readable, or a host fault). */
int user_get(struct user_proc *p, uint64_t addr, void *dst, uint64_t len);
void *user_out(struct user_proc *p, uint64_t addr, uint64_t len);
void *user_out_count(struct user_proc *p, uint64_t addr, uint64_t len);
void user_outs_done(struct user_thread *t, int64_t r, bool faulted);

/* A host call's result as the guest sees it: -errno on failure (the
 * errno numbers are the same on x86-64 and riscv64: both asm-generic). */
int64_t user_ret(int64_t r);

/* A guest iovec array as host iovecs (cnt <= 1024); the guest's array, or
 * NULL if it is not readable. After a read of r bytes into them:
 * user_iov_written (translated code of those bytes is dropped). */
struct iovec;
const void *user_iov(struct user_proc *p, uint64_t addr, uint64_t cnt, struct iovec *iov);
void user_iov_written(struct user_proc *p, const void *g, const struct iovec *iov,
                      uint64_t cnt, int64_t r);
/* Calls with a temporary signal mask (ppoll, pselect6, epoll_pwait; signal.c):
 * begin returns false if a signal is deliverable under it already (the
 * call returns -EINTR at once), else *host is the mask for the host call;
 * end with the call's result (-EINTR: the handler runs under the mask). */
bool user_sigmask_begin(struct user_thread *t, uint64_t tmp, void *host_sigset);
void user_sigmask_end(struct user_thread *t, int64_t ret);

/* A blocking host call a signal interrupts (safe_syscall.c): the raw
 * result, or -USER_ERESTART if a signal came before it started (the run
 * loop runs the handler, then the call again). user_block(SYS_x, args...). */
#define USER_ERESTART 513 /* Linux's ERESTARTNOINTR */
long user_safe_syscall(const int *interrupt, long nr, long a1, long a2, long a3, long a4, long a5,
                       long a6);
#define USER_BLOCK_(nr, a1, a2, a3, a4, a5, a6, ...)                                          \
    user_safe_syscall(&user_self->sig_interrupt, (nr), (long)(a1), (long)(a2), (long)(a3),     \
                      (long)(a4), (long)(a5), (long)(a6))
#define user_block(...) USER_BLOCK_(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)

/* Path translation (-L): the host path for a guest path, in buf. */
const char *user_path(struct user_proc *p, const char *guest, char *buf, size_t size);
/* A NUL-terminated guest string, checked readable; NULL if it is not. */
const char *user_str(struct user_proc *p, uint64_t addr);

#endif
