/* Processes: clone with fork flags (a host fork of vm: the child carries
 * on with a copy of the hart and of the guest's memory, MAP_SHARED
 * mappings staying shared), vfork as fork (QEMU does the same), execve
 * (a riscv64 program or #! script through vm again, a host program
 * natively), wait4 and waitid (the children are host processes whose
 * status is the guest's). Threads (CLONE_VM without CLONE_VFORK): threads.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user/user_internal.h"
#include "vm/error.h"
#include "vm/riscv.h"

#define CLONE_VM_ 0x100
#define CLONE_VFORK_ 0x4000
#define CLONE_SETTLS_ 0x80000
#define CLONE_PARENT_SETTID_ 0x100000
#define CLONE_CHILD_CLEARTID_ 0x200000
#define CLONE_CHILD_SETTID_ 0x1000000
#define CLONE_THREAD_ 0x10000
#define MAX_ARGS 65536

static void put_tid(struct user_proc *p, uint64_t addr, pid_t tid)
{
    if (addr)
        user_put(p, addr, &tid, 4);
}

/* clone(flags, newsp, parent_tid, tls, child_tid): riscv64's order. */
static int64_t sys_clone(struct user_proc *p, const uint64_t a[6])
{
    uint64_t flags = a[0];
    if ((flags & CLONE_VM_) && !(flags & CLONE_VFORK_))
        return user_thread_clone(p, a);
    if (flags & CLONE_THREAD_)
        return -EINVAL;
    fflush(stdout);
    fflush(stderr);
    user_as_lock(&p->as); /* no other thread holds it across the fork */
    pid_t pid = (flags & 0xff) == SIGCHLD ? fork()
                                          : (pid_t)syscall(SYS_clone, flags & 0xff, NULL, NULL,
                                                           NULL, 0);
    if (pid == 0)
        user_threads_after_fork(p); /* and a fresh lock: this thread's id changed */
    else
        user_as_unlock(&p->as);
    if (pid < 0)
        return -errno;
    if (pid > 0) {
        if (flags & CLONE_PARENT_SETTID_)
            put_tid(p, a[2], pid);
        return pid;
    }
    /* the child: its own code cache, stack and thread pointer */
    pid_t me = getpid();
    if (vm_riscv_vcpu_after_fork(user_self->vcpu) < 0) {
        fprintf(stderr, "vm user: fork: %s\n", vm_error_message());
        _exit(127);
    }
    if (a[1])
        vm_riscv_vcpu_set_x(user_self->vcpu, 2, a[1]);
    if (flags & CLONE_SETTLS_)
        vm_riscv_vcpu_set_x(user_self->vcpu, 4, a[3]);
    if (flags & CLONE_CHILD_SETTID_)
        put_tid(p, a[4], me);
    if (flags & CLONE_CHILD_CLEARTID_)
        user_self->clear_tid = a[4];
    if (flags & CLONE_PARENT_SETTID_)
        put_tid(p, a[2], me);
    return 0;
}

/* clone3(args, size): struct clone_args {flags, pidfd, child_tid,
 * parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
 * cgroup}, all 64-bit. glibc 2.34+ tries it first for threads and
 * posix_spawn (CLONE_CLEAR_SIGHAND | CLONE_VM | CLONE_VFORK). Done as clone
 * with the same effect; set_tid and cgroups (namespaces, privileges) are
 * refused as an unprivileged Linux process would see them. */
#define CLONE_PIDFD_ 0x1000ULL
#define CLONE_CLEAR_SIGHAND_ 0x100000000ULL
#define CLONE_INTO_CGROUP_ 0x200000000ULL
#define CLONE_SIGHAND_ 0x800ULL
static int64_t sys_clone3(struct user_proc *p, const uint64_t a[6])
{
    uint64_t c[11] = {0}, size = a[1];
    if (size < 64)
        return -EINVAL;
    if (size > 4096)
        return -E2BIG;
    if (!user_as_check(&p->as, a[0], size, USER_PROT_R))
        return -EFAULT;
    const uint8_t *g = user_g2h(&p->as, a[0], size);
    memcpy(c, g, size < sizeof(c) ? size : sizeof(c));
    for (uint64_t i = sizeof(c); i < size; i++)
        if (g[i])
            return -E2BIG;
    uint64_t flags = c[0];
    if (c[4] > 64 || (flags & 0xff) || (!!c[5] != !!c[6]) ||
        ((flags & CLONE_CLEAR_SIGHAND_) && (flags & CLONE_SIGHAND_)))
        return -EINVAL;
    if (c[8] || c[9] || (flags & CLONE_INTO_CGROUP_) || (flags >> 32 & ~1ULL))
        return c[8] || c[9] ? -EPERM : -EINVAL; /* set_tid needs CAP_SYS_ADMIN */
    if ((flags & CLONE_PIDFD_) && ((flags & CLONE_THREAD_) ||
                                   !user_as_check(&p->as, c[1], 4, USER_PROT_W)))
        return (flags & CLONE_THREAD_) ? -EINVAL : -EFAULT;
    uint64_t b[6] = {(flags & 0xffffffffULL & ~CLONE_PIDFD_) | c[4], c[5] ? c[5] + c[6] : 0,
                     c[3], c[7], c[2], 0};
    int64_t r = sys_clone(p, b);
    if (r == 0 && (flags & CLONE_CLEAR_SIGHAND_))
        user_signals_clear_handlers(p);
    if (r > 0 && (flags & CLONE_PIDFD_)) {
        int fd = (int)syscall(SYS_pidfd_open, (pid_t)r, 0);
        user_put(p, c[1], &fd, 4);
    }
    return r;
}

/* A NULL-terminated guest array of strings; NULL (errno set) if unreadable. */
static char **guest_strv(struct user_proc *p, uint64_t addr)
{
    size_t n = 0, cap = 16;
    char **v = malloc(cap * sizeof(char *));
    if (!v)
        return NULL;
    for (;; n++) {
        uint64_t ptr;
        if (addr == 0)
            ptr = 0;
        else if (n >= MAX_ARGS || !user_as_check(&p->as, addr + n * 8, 8, USER_PROT_R))
            goto bad;
        else
            memcpy(&ptr, user_g2h(&p->as, addr + n * 8, 8), 8);
        if (n + 1 >= cap) {
            cap *= 2;
            char **nv = realloc(v, cap * sizeof(char *));
            if (!nv)
                goto bad;
            v = nv;
        }
        if (ptr == 0) {
            v[n] = NULL;
            return v;
        }
        const char *s = user_str(p, ptr);
        if (!s)
            goto bad;
        v[n] = (char *)s;
    }
bad:
    free(v);
    errno = EFAULT;
    return NULL;
}

enum kind { RISCV_ELF, HOST_PROGRAM, SCRIPT };

/* What the file is: a riscv64 ELF, a #! script (interpreter and its one
 * optional argument into interp/arg), or something the host runs. */
static int classify(const char *path, char *interp, size_t isize, char **arg)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    char buf[256];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    if (n >= 20 && !memcmp(buf, "\177ELF", 4))
        return (uint8_t)buf[18] == 243 && buf[19] == 0 ? RISCV_ELF : HOST_PROGRAM;
    if (n >= 2 && buf[0] == '#' && buf[1] == '!') {
        char *s = buf + 2, *nl = strchr(s, '\n');
        if (!nl)
            return -ENOEXEC;
        *nl = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        char *e = s;
        while (*e && *e != ' ' && *e != '\t')
            e++;
        char *rest = *e ? e + 1 : e;
        *e = '\0';
        while (*rest == ' ' || *rest == '\t')
            rest++;
        size_t rl = strlen(rest);
        while (rl && (rest[rl - 1] == ' ' || rest[rl - 1] == '\t'))
            rest[--rl] = '\0';
        if (!*s || strlen(s) >= isize)
            return -ENOEXEC;
        strcpy(interp, s);
        *arg = rl ? strdup(rest) : NULL;
        return SCRIPT;
    }
    return HOST_PROGRAM;
}

/* Runs vm (self) on a riscv64 program. Inside a chroot (a binfmt_misc
 * handler building a foreign root file system) self's path is usually not
 * there: /proc/self/exe still opens vm when it is self, and without /proc
 * the program itself is run, as qemu-user does, through the kernel's
 * registered handler (vm's own options other than VM_USER_* are lost then).
 * Returns only on failure, with errno set. */
static void exec_self(const char *self, const char *path, char **nv, char **argv, char **envp)
{
    execve(self, nv, envp);
    if (errno != ENOENT && errno != ENOTDIR)
        return;
    char me[4096];
    ssize_t n = readlink("/proc/self/exe", me, sizeof(me) - 1);
    size_t sl = strlen(self);
    if (n > 0 && (size_t)n >= sl && !memcmp(me, self, sl) &&
        ((size_t)n == sl || (n - sl == 10 && !memcmp(me + sl, " (deleted)", 10)))) {
        execve("/proc/self/exe", nv, envp);
        if (errno != ENOENT && errno != ENOTDIR)
            return;
    }
    execve(path, argv, envp);
}

/* execve and execveat: run the program at host path (the guest named it
 * g) with the guest's argv and envp arrays. */
static int64_t exec_program(struct user_proc *p, const char *g, const char *path, uint64_t gargv,
                            uint64_t genvp)
{
    char ibuf[4096], interp[256];
    if (access(path, X_OK) < 0)
        return -errno;
    char **argv = guest_strv(p, gargv), **envp = guest_strv(p, genvp);
    if (!argv || !envp) {
        free(argv);
        free(envp);
        return -EFAULT;
    }
    char *sarg = NULL;
    int kind = classify(path, interp, sizeof(interp), &sarg);
    const char *prog = path, *argv0 = argv[0] ? argv[0] : g;
    size_t argc = 0;
    while (argv[argc])
        argc++;
    int64_t r;
    if (kind == SCRIPT) { /* the interpreter is a guest path too */
        prog = user_path(p, interp, ibuf, sizeof(ibuf));
        if (access(prog, X_OK) < 0) {
            r = -errno;
            goto out;
        }
        char i2[256], *a2 = NULL;
        int k2 = classify(prog, i2, sizeof(i2), &a2);
        free(a2);
        if (k2 < 0 || k2 == SCRIPT) {
            r = k2 < 0 ? k2 : -ENOEXEC;
            goto out;
        }
        kind = k2;
        argv0 = interp;
    }
    if (kind < 0) {
        r = kind;
        goto out;
    }
    /* argv of the new image: vm's own flags first for a riscv64 one */
    size_t cap = argc + 24, k = 0;
    char **nv = calloc(cap, sizeof(char *));
    if (!nv) {
        r = -ENOMEM;
        goto out;
    }
    char accel[160];
    if (kind == RISCV_ELF) {
        if (!p->cfg->self) {
            free(nv);
            r = -ENOEXEC;
            goto out;
        }
        nv[k++] = (char *)p->cfg->self;
        nv[k++] = "user";
        if (p->cfg->sysroot) {
            nv[k++] = "-L";
            nv[k++] = (char *)p->cfg->sysroot;
        }
        if (p->strace || p->unimp) {
            nv[k++] = "-d";
            nv[k++] = p->strace && p->unimp ? "strace,unimp" : p->strace ? "strace" : "unimp";
        }
        if (p->cfg->accel_props && *p->cfg->accel_props) {
            snprintf(accel, sizeof(accel), "tcg,%s", p->cfg->accel_props);
            nv[k++] = "-accel";
            nv[k++] = accel;
        }
        nv[k++] = "-0";
        nv[k++] = (char *)argv0;
        nv[k++] = "--";
        nv[k++] = (char *)prog;
    } else {
        nv[k++] = (char *)argv0;
    }
    if (kind == RISCV_ELF || kind == HOST_PROGRAM) {
        if (prog != path) { /* a script: interpreter [arg] script args... */
            if (sarg)
                nv[k++] = sarg;
            nv[k++] = (char *)g;
        }
        for (size_t i = 1; i < argc; i++)
            nv[k++] = argv[i];
    }
    nv[k] = NULL;
    fflush(stdout);
    fflush(stderr);
    user_signals_before_exec(user_self);
    if (kind == RISCV_ELF)
        exec_self(p->cfg->self, path, nv, argv, envp);
    else
        execve(prog, nv, envp);
    r = -errno;
    user_signals_after_exec_failed(user_self);
    free(nv);
out:
    free(sarg);
    free(argv);
    free(envp);
    return r;
}

static int64_t sys_execve(struct user_proc *p, const uint64_t a[6])
{
    char pbuf[4096];
    const char *g = user_str(p, a[0]);
    if (!g)
        return -EFAULT;
    if (!strcmp(g, "/proc/self/exe"))
        g = p->exe_path;
    return exec_program(p, g, user_path(p, g, pbuf, sizeof(pbuf)), a[1], a[2]);
}

/* A host path naming what descriptor fd names (and rel under it, a
 * directory then) that the new image can open after the exec: the path fd
 * was opened by while it still names the same file, else /proc/self/fd/N,
 * with a copy of fd (*keep) that the exec does not close (a memfd, a file
 * deleted since: the new vm opens the program after the exec). */
static int64_t fd_path(int fd, const char *rel, char *buf, size_t size, int *keep)
{
    struct stat a, b;
    char link[64];
    if (fstat(fd, &a) < 0)
        return -errno;
    if (rel && !S_ISDIR(a.st_mode))
        return -ENOTDIR;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, size - 1);
    if (n > 0)
        buf[n] = '\0';
    if (n <= 0 || buf[0] != '/' || stat(buf, &b) < 0 || b.st_dev != a.st_dev ||
        b.st_ino != a.st_ino) {
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0 && (flags & FD_CLOEXEC) && (*keep = dup(fd)) < 0)
            return -errno;
        snprintf(buf, size, "/proc/self/fd/%d", *keep >= 0 ? *keep : fd);
    }
    size_t len = strlen(buf);
    if (rel && (size_t)snprintf(buf + len, size - len, "/%s", rel) >= size - len)
        return -ENAMETOOLONG;
    return 0;
}

/* execveat(dirfd, path, argv, envp, flags): a path relative to dirfd, or
 * with AT_EMPTY_PATH and "" the file dirfd is (glibc's fexecve). */
#define AT_FDCWD_G (-100)
#define AT_SYMLINK_NOFOLLOW_G 0x100
#define AT_EMPTY_PATH_G 0x1000
static int64_t sys_execveat(struct user_proc *p, const uint64_t a[6])
{
    char pbuf[4096];
    int dirfd = (int)a[0], flags = (int)a[4], keep = -1;
    if (flags & ~(AT_SYMLINK_NOFOLLOW_G | AT_EMPTY_PATH_G))
        return -EINVAL;
    const char *g = user_str(p, a[1]), *path = pbuf;
    if (!g)
        return -EFAULT;
    int64_t r = 0;
    if (!*g && !(flags & AT_EMPTY_PATH_G))
        return -ENOENT;
    if (*g == '/' || (*g && dirfd == AT_FDCWD_G))
        path = user_path(p, strcmp(g, "/proc/self/exe") ? g : p->exe_path, pbuf, sizeof(pbuf));
    else
        r = fd_path(dirfd, *g ? g : NULL, pbuf, sizeof(pbuf), &keep);
    struct stat st;
    if (r == 0 && (flags & AT_SYMLINK_NOFOLLOW_G) && *g &&
        fstatat(dirfd, *g == '/' ? path : g, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        r = -ELOOP;
    if (r == 0) /* the script's name for its interpreter is the host path too */
        r = exec_program(p, path == pbuf && *g != '/' ? path : g, path, a[2], a[3]);
    if (keep >= 0)
        close(keep);
    return r;
}

int64_t user_sys_exec(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    switch (nr) {
    case 220: return sys_clone(p, a);
    case 435: return sys_clone3(p, a);
    case 221: return sys_execve(p, a);
    case 281: return sys_execveat(p, a);
    case 260: /* wait4: status and rusage have the same layout */
        return user_block(SYS_wait4, (pid_t)a[0], user_out(p, a[1], 4), (int)a[2],
                          user_out(p, a[3], 144));
    case 95: /* waitid: siginfo has the same layout */
        return user_block(SYS_waitid, (int)a[0], (pid_t)a[1], user_out(p, a[2], 128),
                          (int)a[3], user_out(p, a[4], 144));
    }
    return USER_UNKNOWN;
}
