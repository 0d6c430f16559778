/* Linux user-mode emulation: run a riscv64 Linux program on this host,
 * translating its system calls (what qemu-riscv64 does). The program runs
 * on the soft accelerator's hart in U-mode, over an address space that
 * src/user builds (docs/USER.md). */
#ifndef VM_USER_H
#define VM_USER_H

#include <stdbool.h>

struct vm_user_config {
    const char *prog;    /* host path of the riscv64 ELF program */
    char *const *argv;   /* the guest's argv (NULL-terminated; argv[0] as given) */
    char *const *envp;   /* the guest's environment (NULL-terminated) */
    const char *sysroot; /* -L: the ELF interpreter and absolute paths are looked
                            up under it first; NULL: none */
    const char *accel_props; /* the soft engine's properties ("jit=off"); NULL: defaults */
    bool strace;         /* -d strace: every system call on stderr, as QEMU prints them */
    bool unimp;          /* -d unimp: each unimplemented system call once */
    bool verbose;        /* -v: the engine and, at exit, its statistics on stderr */
    /* A `vm` binary that execve runs riscv64 programs with (`vm user ...`
     * with this configuration's options); NULL: their execve fails with
     * ENOEXEC (host programs still run). */
    const char *self;
};

/* The way the guest ended: an exit status, or death by a signal. */
struct vm_user_result {
    int status; /* 0-255 when signal == 0 */
    int signal; /* the signal that killed it, or 0 */
};

/* End this host process as the guest ended: by signal sig (SIG_DFL, no
 * core dump of vm), as a native program's death reaches its parent.
 * Returns only if the signal did not end it. */
void vm_user_die_of(int sig);

/* Load and run the program to its end. Returns 0 with *res filled, or a
 * negative -VM_E... code (the message is in vm_error_message()). The host
 * signal actions stay vm's and the calling thread returns with every
 * signal blocked (a guest's timer may still be signalling the process). */
int vm_user_run(const struct vm_user_config *cfg, struct vm_user_result *res);

#endif
