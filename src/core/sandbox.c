/* -sandbox on (seccomp allow-list, libseccomp), -chroot and -runas. */
#define _GNU_SOURCE
#include "vm/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "devices/tty.h"
#include "vm/error.h"

#ifdef VM_HAVE_SECCOMP
#include <seccomp.h>

/* Everything a running vm calls (strace -f -c of Linux boots with
 * virtio-blk, virtio-net/libslirp, the consoles, HMP/QMP/gdb sockets,
 * reboots, both engines), and what glibc and the sanitizers' runtimes
 * call underneath. */
static const char *const allowed[] = {
    /* I/O on open descriptors */
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
    "preadv2", "pwritev2", "lseek", "close", "fsync", "fdatasync", "fallocate", "ftruncate",
    "fstat", "newfstatat", "statx", "fstatfs", "statfs", "readlink", "readlinkat", "access",
    "faccessat", "faccessat2", "getdents64", "ioctl", "fcntl", "dup", "dup3", "pipe2",
    "eventfd2", "sendfile", "copy_file_range", "fadvise64", "sync_file_range", "flock",
    "unlink", "unlinkat", /* -pidfile's removal at exit */
    /* memory */
    "mmap", "munmap", "mprotect", "madvise", "mremap", "brk", "membarrier", "mincore",
    /* threads, signals, time */
    "futex", "clone", "clone3", "set_robust_list", "get_robust_list", "rseq",
    "set_tid_address", "exit", "exit_group", "gettid", "getpid", "getppid", "tgkill",
    "tkill", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait",
    "sigaltstack", "sched_yield", "sched_getaffinity", "sched_setaffinity", "getpriority",
    "nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres", "gettimeofday", "time",
    "getrusage", "times", "prlimit64", "getrlimit", "prctl", "uname", "sysinfo",
    "getuid", "geteuid", "getgid", "getegid", "getrandom", "restart_syscall",
    /* the event loop, consoles, monitors, libslirp */
    "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "poll",
    "ppoll", "select", "pselect6", "timerfd_create", "timerfd_settime", "timerfd_gettime",
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "shutdown",
    "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "setsockopt",
    "getsockopt", "getsockname", "getpeername",
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    /* sanitizer builds: LeakSanitizer stops the world with ptrace at exit */
    "ptrace", "wait4", "waitid", "process_vm_readv", "kill", "getdents",
#endif
};

static const char *syscall_names[512]; /* for the SIGSYS handler: no allocation there */

/* Appends s to the message being built in buf (len bytes so far, cap in all). */
static size_t append(char *buf, size_t len, size_t cap, const char *s)
{
    while (*s && len + 1 < cap)
        buf[len++] = *s++;
    buf[len] = '\0';
    return len;
}

static void on_sigsys(int sig, siginfo_t *si, void *uctx)
{
    (void)uctx;
    vm_tty_restore_now();
    int nr = si->si_syscall;
    char num[16];
    int n = 0;
    unsigned v = nr < 0 ? 0 : (unsigned)nr;
    char rev[16];
    do
        rev[n++] = (char)('0' + v % 10);
    while (v /= 10);
    for (int i = 0; i < n; i++)
        num[i] = rev[n - 1 - i];
    num[n] = '\0';
    /* One write() of the whole line: other threads (the console) keep
     * writing to the same terminal or pipe, and a line written in pieces
     * came out with their characters inside it. */
    char msg[160];
    size_t len = 0;
    len = append(msg, len, sizeof(msg), "vm: -sandbox on: forbidden system call ");
    len = append(msg, len, sizeof(msg),
                 nr >= 0 && nr < 512 && syscall_names[nr] ? syscall_names[nr] : "?");
    len = append(msg, len, sizeof(msg), " (");
    len = append(msg, len, sizeof(msg), num);
    len = append(msg, len, sizeof(msg), "); ending vm\n");
    ssize_t ignored = write(2, msg, len);
    (void)ignored;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    raise(sig);
}

bool vm_sandbox_available(void)
{
    return true;
}

int vm_sandbox_enter(void)
{
    for (int nr = 0; nr < 512; nr++)
        if (!syscall_names[nr])
            syscall_names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL) < 0)
        return vm_error(VM_EIO, "-sandbox on: cannot handle SIGSYS: %s", strerror(errno));
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
    if (!ctx)
        return vm_error(VM_ENOMEM, "-sandbox on: cannot create a seccomp filter");
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1); /* every thread, now */
    for (unsigned i = 0; rc == 0 && i < sizeof(allowed) / sizeof(allowed[0]); i++) {
        int nr = seccomp_syscall_resolve_name(allowed[i]);
        if (nr == __NR_SCMP_ERROR)
            continue; /* not a call on this architecture */
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    }
    /* Files: read-only opens only (a reboot reloads its images). */
    const uint64_t wmask = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND;
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                              SCMP_A2(SCMP_CMP_MASKED_EQ, wmask, O_RDONLY));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(open), 1,
                              SCMP_A1(SCMP_CMP_MASKED_EQ, wmask, O_RDONLY));
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0)
        return vm_error(VM_EIO, "-sandbox on: cannot install the seccomp filter: %s",
                        strerror(-rc));
    return 0;
}

#else

bool vm_sandbox_available(void)
{
    return false;
}

int vm_sandbox_enter(void)
{
    return vm_error(VM_ENOTSUP, "-sandbox on: vm was built without libseccomp "
                                "(scripts/install-deps.sh installs libseccomp-dev)");
}

#endif

int vm_drop_privileges(const char *chroot_dir, const char *user)
{
    struct passwd pw_buf, *pw = NULL;
    char buf[4096];
    if (user) { /* look the user up before chroot: /etc/passwd is outside */
        int e = getpwnam_r(user, &pw_buf, buf, sizeof(buf), &pw);
        if (!pw) {
            char *end;
            unsigned long uid = strtoul(user, &end, 10);
            if (*user && !*end) { /* QEMU also takes uid:gid; a bare number is a uid */
                pw_buf = (struct passwd){.pw_name = (char *)user, .pw_uid = (uid_t)uid,
                                         .pw_gid = (gid_t)uid};
                pw = &pw_buf;
            } else {
                return vm_error(VM_EINVAL, "-runas: no user '%s'%s%s", user, e ? ": " : "",
                                e ? strerror(e) : "");
            }
        }
    }
    if (chroot_dir) {
        if (chroot(chroot_dir) < 0)
            return vm_error(VM_EIO, "-chroot %s: %s", chroot_dir, strerror(errno));
        if (chdir("/") < 0)
            return vm_error(VM_EIO, "-chroot %s: chdir /: %s", chroot_dir, strerror(errno));
    }
    if (pw) {
        gid_t gid = pw->pw_gid;
        if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(pw->pw_uid) < 0)
            return vm_error(VM_EIO, "-runas %s: cannot become uid %u gid %u: %s", user,
                            (unsigned)pw->pw_uid, (unsigned)gid, strerror(errno));
        if (pw->pw_uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
            return vm_error(VM_EIO, "-runas %s: root could be regained; refusing to run", user);
    }
    return 0;
}
