/* System calls on files, directories, pipes, terminals and sockets. The
 * guest's file descriptors are the host's; flags, errno values and most
 * structures (dirent64, statx, statfs, iovec, timespec, termios, flock,
 * sockaddr) have the same layout on riscv64 and x86-64, so buffers go to
 * the host kernel in place, which checks them (host protections mirror the
 * guest's: a bad pointer is EFAULT). struct stat differs: layouts.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "user/layouts.h"
#include "user/user_internal.h"
#include "vm/riscv_isa.h"

#define AT_FDCWD_G (-100)
#define MAX_IOV 1024

static void *gp(struct user_proc *p, uint64_t addr, uint64_t len)
{
    return user_gp(&p->as, addr, len);
}

const char *user_str(struct user_proc *p, uint64_t addr)
{
    const char *r = NULL;
    user_as_lock(&p->as);
    const struct user_vma *v = user_as_find(&p->as, addr);
    uint64_t at = addr; /* (a host pointer only once a mapping holds it) */
    /* scan mapping by mapping: the string must end inside readable memory */
    while (v && (v->prot & USER_PROT_R)) {
        if (memchr(p->as.host + at, 0, (size_t)(v->end - at))) {
            r = (const char *)p->as.host + addr;
            break;
        }
        at = v->end;
        v = user_as_find(&p->as, at);
    }
    user_as_unlock(&p->as);
    return r;
}

const char *user_path(struct user_proc *p, const char *guest, char *buf, size_t size)
{
    /* -L: an absolute path is looked for in the sysroot first (QEMU's rule) */
    if (p->cfg->sysroot && guest[0] == '/') {
        int n = snprintf(buf, size, "%s%s", p->cfg->sysroot, guest);
        if (n > 0 && (size_t)n < size && faccessat(AT_FDCWD, buf, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
            return buf;
    }
    return guest;
}

/* A guest path argument, translated; NULL with *err set if unreadable. */
static const char *path_arg(struct user_proc *p, uint64_t addr, char *buf, size_t size)
{
    const char *g = user_str(p, addr);
    return g ? user_path(p, g, buf, size) : NULL;
}

static bool is_self(const char *path, const char *what)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "/proc/self/%s", what);
    if (!strcmp(path, buf))
        return true;
    snprintf(buf, sizeof(buf), "/proc/%d/%s", (int)getpid(), what);
    return !strcmp(path, buf);
}

/* /proc/cpuinfo as Linux riscv64 prints it (arch/riscv/kernel/cpu.c), one
 * entry per host CPU (guest threads run on them) for the default hart. */
static char *cpuinfo_text(void)
{
    struct vm_riscv_isa isa;
    char s[1024];
    vm_riscv_isa_default(&isa);
    vm_riscv_isa_string(&isa, s, sizeof(s));
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    size_t cap = (size_t)(n > 0 ? n : 1) * (2 * sizeof(s) + 160), len = 0;
    char *text = malloc(cap);
    for (long i = 0; text && i < (n > 0 ? n : 1); i++)
        len += (size_t)snprintf(text + len, cap - len,
                                "processor\t: %ld\nhart\t\t: %ld\nisa\t\t: %s\nmmu\t\t: sv48\n"
                                "mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\n"
                                "hart isa\t: %s\n\n", i, i, s, s);
    return text;
}

/* /proc files that must show the guest's view: a memory file with it. */
static int open_proc_view(struct user_proc *p, const char *path)
{
    const void *data = NULL;
    char *text = NULL;
    size_t len = 0;
    if (is_self(path, "maps")) {
        text = user_as_maps_text(&p->as);
        data = text;
        len = text ? strlen(text) : 0;
    } else if (!strcmp(path, "/proc/cpuinfo")) {
        text = cpuinfo_text();
        data = text;
        len = text ? strlen(text) : 0;
    } else if (is_self(path, "auxv")) {
        data = user_g2h(&p->as, p->auxv_addr, p->auxv_len);
        len = p->auxv_len;
    } else {
        return -2;
    }
    int fd = memfd_create("vm-user-proc", MFD_CLOEXEC);
    if (fd < 0) {
        free(text);
        return -errno;
    }
    if (len && write(fd, data, len) != (ssize_t)len) {
        free(text);
        close(fd);
        return -EIO;
    }
    free(text);
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* openat, and openat2 (how: its struct open_how, the same on both ABIs;
 * the RESOLVE_* flags go to the host with the translated path). */
static int64_t open_at(struct user_proc *p, int dirfd, uint64_t gpath, uint64_t flags,
                       uint64_t mode, const struct open_how *how)
{
    char buf[4096];
    const char *g = user_str(p, gpath);
    if (!g)
        return -EFAULT;
    if (is_self(g, "exe"))
        g = p->exe_path;
    else if (!strncmp(g, "/proc/", 6)) {
        int fd = open_proc_view(p, g);
        if (fd != -2) {
            if (fd >= 0 && (flags & O_CLOEXEC) == 0)
                fcntl(fd, F_SETFD, 0);
            return fd;
        }
    }
    const char *path = user_path(p, g, buf, sizeof(buf));
    if (how)
        return user_ret(syscall(SYS_openat2, dirfd, path, how, sizeof(*how)));
    return user_ret(syscall(SYS_openat, dirfd, path, (int)flags, (mode_t)mode));
}

/* openat2(dirfd, path, how, size): size as Linux checks it (an older
 * struct is too small, a newer one may only add zeroes: E2BIG else). */
static int64_t sys_openat2(struct user_proc *p, const uint64_t a[6])
{
    struct open_how how;
    uint64_t size = a[3];
    if (size < sizeof(how))
        return -EINVAL;
    if (size > USER_PAGE)
        return -E2BIG;
    if (!user_as_check(&p->as, a[2], size, USER_PROT_R))
        return -EFAULT;
    const uint8_t *g = user_g2h(&p->as, a[2], size);
    memcpy(&how, g, sizeof(how));
    for (uint64_t i = sizeof(how); i < size; i++)
        if (g[i])
            return -E2BIG;
    return open_at(p, (int)a[0], a[1], how.flags, how.mode, &how);
}

static int64_t sys_readlinkat(struct user_proc *p, const uint64_t a[6])
{
    char buf[4096];
    const char *g = user_str(p, a[1]);
    if (!g)
        return -EFAULT;
    if (is_self(g, "exe")) {
        size_t n = strlen(p->exe_path);
        if (n > a[3])
            n = a[3];
        int rc = user_put(p, a[2], p->exe_path, n);
        return rc < 0 ? rc : (int64_t)n;
    }
    return user_ret(syscall(SYS_readlinkat, (int)a[0], user_path(p, g, buf, sizeof(buf)),
                            user_out_count(p, a[2], a[3]), (size_t)a[3]));
}

/* (the guest's array may be misaligned, as Linux allows: copied, not loaded) */
const void *user_iov(struct user_proc *p, uint64_t addr, uint64_t cnt, struct iovec *iov)
{
    if (!user_as_check(&p->as, addr, cnt * 16, USER_PROT_R))
        return NULL;
    const uint8_t *g = user_g2h(&p->as, addr, cnt * 16);
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t e[2];
        memcpy(e, g + 16 * i, 16);
        iov[i].iov_base = gp(p, e[0], e[1]);
        iov[i].iov_len = e[1];
    }
    return g;
}

void user_iov_written(struct user_proc *p, const void *g, const struct iovec *iov,
                      uint64_t cnt, int64_t r)
{
    for (uint64_t i = 0, left = r > 0 ? (uint64_t)r : 0; i < cnt && left; i++) {
        uint64_t n = iov[i].iov_len < left ? iov[i].iov_len : left, base;
        memcpy(&base, (const uint8_t *)g + 16 * i, 8);
        user_as_written(&p->as, base, n);
        left -= n;
    }
}

/* readv/writev/preadv/pwritev: the iovec array is read from the guest. */
static int64_t sys_vec(struct user_proc *p, long host_nr, const uint64_t a[6], bool reading)
{
    uint64_t cnt = a[2];
    if (cnt > MAX_IOV)
        return -EINVAL;
    struct iovec iov[cnt ? cnt : 1];
    const void *g = user_iov(p, a[1], cnt, iov);
    if (!g)
        return -EFAULT;
    int64_t r = user_block(host_nr, (int)a[0], iov, cnt, a[3], a[4], (int)a[5]); /* preadv2: flags */
    if (reading)
        user_iov_written(p, g, iov, cnt, r);
    return r;
}

static int64_t sys_stat(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    struct stat st;
    char buf[4096];
    int r;
    if (nr == 80) {
        r = fstat((int)a[0], &st);
        if (r == 0)
            return user_put_stat(p, a[1], &st);
        return -errno;
    }
    const char *g = user_str(p, a[1]);
    if (!g)
        return -EFAULT;
    if (is_self(g, "exe") && !(a[3] & AT_SYMLINK_NOFOLLOW))
        g = p->exe_path;
    r = fstatat((int)a[0], user_path(p, g, buf, sizeof(buf)), &st, (int)a[3]);
    if (r < 0)
        return -errno;
    return user_put_stat(p, a[2], &st);
}

static int64_t sys_ioctl(struct user_proc *p, const uint64_t a[6])
{
    unsigned long req = (unsigned long)(uint32_t)a[1];
    switch (req) {
    case 0x5401: case 0x5402: case 0x5403: case 0x5404: /* TCGETS, TCSETS[WF]: same termios */
    case 0x5413: case 0x5414:                           /* TIOCGWINSZ, TIOCSWINSZ */
    case 0x540f: case 0x5410: case 0x5429:              /* TIOCGPGRP, TIOCSPGRP, TIOCGSID */
    case 0x541b: case 0x5421: case 0x5452:              /* FIONREAD, FIONBIO, FIOASYNC */
        /* (the getters write; the setters' buffers are reported too: harmless) */
        return user_ret(syscall(SYS_ioctl, (int)a[0], req, user_out(p, a[2], 64)));
    case 0x5409: case 0x540a: case 0x540b:              /* TCSBRK, TCXONC, TCFLSH: ints */
    case 0x540e: case 0x5422:                           /* TIOCSCTTY, TIOCNOTTY */
    case 0x5450: case 0x5451:                           /* FIONCLEX, FIOCLEX */
    case 0x40049409:                                    /* FICLONE: a descriptor */
        return user_ret(syscall(SYS_ioctl, (int)a[0], req, (unsigned long)a[2]));
    case 0x80086601:                                    /* FS_IOC_GETFLAGS: an int */
        return user_ret(syscall(SYS_ioctl, (int)a[0], req, user_out(p, a[2], 4)));
    case 0x40086602:                                    /* FS_IOC_SETFLAGS */
    case 0x4020940d:                                    /* FICLONERANGE: same struct */
        return user_ret(syscall(SYS_ioctl, (int)a[0], req, gp(p, a[2], 32)));
    case 0xc020660b: /* FS_IOC_FIEMAP: struct fiemap (32 bytes) + 56 per extent asked for */ {
        if (!user_as_check(&p->as, a[2], 32, USER_PROT_R | USER_PROT_W))
            return -EFAULT;
        uint32_t count;
        memcpy(&count, (char *)p->as.host + a[2] + 24, 4); /* fm_extent_count */
        uint64_t len = 32 + 56 * (uint64_t)count;
        return user_ret(syscall(SYS_ioctl, (int)a[0], req, user_out(p, a[2], len)));
    }
    }
    if (p->unimp)
        fprintf(stderr, "vm user: unsupported ioctl 0x%lx on fd %d\n", req, (int)a[0]);
    return -ENOTTY;
}

static int64_t sys_fcntl(struct user_proc *p, const uint64_t a[6])
{
    int cmd = (int)a[1];
    switch (cmd) {
    case F_GETLK: case F_SETLK: case F_SETLKW:  /* struct flock: same layout */
    case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
    case F_GETOWN_EX: case F_SETOWN_EX:
        return user_block(SYS_fcntl, (int)a[0], cmd, user_out(p, a[2], 32)); /* SETLKW waits; GETLK writes */
    case F_DUPFD: case F_DUPFD_CLOEXEC: case F_GETFD: case F_SETFD: case F_GETFL:
    case F_SETFL: case F_GETOWN: case F_SETOWN: case F_GETSIG: case F_SETSIG:
    case F_SETPIPE_SZ: case F_GETPIPE_SZ: case F_ADD_SEALS: case F_GET_SEALS:
    case F_SETLEASE: case F_GETLEASE: case F_NOTIFY:
        return user_ret(syscall(SYS_fcntl, (int)a[0], cmd, (unsigned long)a[2]));
    }
    return -EINVAL;
}

/* Calls that take (dirfd, path, ...) with the path translated. */
static int64_t at_path(struct user_proc *p, long host_nr, const uint64_t a[6], uint64_t x2,
                       uint64_t x3, uint64_t x4)
{
    char buf[4096];
    const char *path = path_arg(p, a[1], buf, sizeof(buf));
    if (!path)
        return -EFAULT;
    return user_ret(syscall(host_nr, (int)a[0], path, x2, x3, x4));
}

int64_t user_sys_file(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    char b1[4096], b2[4096];
    switch (nr) {
    case 63: return user_block(SYS_read, (int)a[0], user_out_count(p, a[1], a[2]), a[2]);
    case 64: return user_block(SYS_write, (int)a[0], gp(p, a[1], a[2]), a[2]);
    case 67: return user_block(SYS_pread64, (int)a[0], user_out_count(p, a[1], a[2]), a[2], a[3]);
    case 68: return user_block(SYS_pwrite64, (int)a[0], gp(p, a[1], a[2]), a[2], a[3]);
    case 65: return sys_vec(p, SYS_readv, a, true);
    case 66: return sys_vec(p, SYS_writev, a, false);
    case 69: return sys_vec(p, SYS_preadv, a, true);
    case 70: return sys_vec(p, SYS_pwritev, a, false);
    case 286: return sys_vec(p, SYS_preadv2, a, true);
    case 287: return sys_vec(p, SYS_pwritev2, a, false);
    case 56: return open_at(p, (int)a[0], a[1], a[2], a[3], NULL);
    case 437: return sys_openat2(p, a);
    case 57: return user_as_owns_fd(&p->as, (int)a[0]) ? -EBADF : user_ret(close((int)a[0]));
    case 62: return user_ret(lseek((int)a[0], (off_t)a[1], (int)a[2]));
    case 79: case 80: return sys_stat(p, nr, a);
    case 291: /* statx: the same structure everywhere */ {
        const char *g = user_str(p, a[1]);
        if (!g)
            return -EFAULT;
        if (is_self(g, "exe"))
            g = p->exe_path;
        return user_ret(syscall(SYS_statx, (int)a[0], user_path(p, g, b1, sizeof(b1)),
                                (int)a[2], (unsigned)a[3], user_out(p, a[4], 256)));
    }
    case 61: /* getdents64: the same records */
        return user_ret(syscall(SYS_getdents64, (int)a[0], user_out_count(p, a[1], a[2]), a[2]));
    case 25: return sys_fcntl(p, a);
    case 23: return user_ret(dup((int)a[0]));
    case 24: return user_ret(dup3((int)a[0], (int)a[1], (int)a[2]));
    case 59: return user_ret(pipe2(user_out(p, a[0], 8), (int)a[1]));
    case 29: return sys_ioctl(p, a);
    case 17: /* getcwd */
        return user_ret(syscall(SYS_getcwd, user_out_count(p, a[0], a[1]), (size_t)a[1]));
    case 49: /* chdir */ {
        const char *path = path_arg(p, a[0], b1, sizeof(b1));
        return path ? user_ret(chdir(path)) : -EFAULT;
    }
    case 50: return user_ret(fchdir((int)a[0]));
    case 78: return sys_readlinkat(p, a);
    case 34: return at_path(p, SYS_mkdirat, a, a[2], 0, 0);
    case 33: return at_path(p, SYS_mknodat, a, a[2], a[3], 0);
    case 35: return at_path(p, SYS_unlinkat, a, a[2], 0, 0);
    case 48: return at_path(p, SYS_faccessat, a, a[2], 0, 0);
    case 439: return at_path(p, SYS_faccessat2, a, a[2], a[3], 0);
    case 53: return at_path(p, SYS_fchmodat, a, a[2], 0, 0);
    case 54: return at_path(p, SYS_fchownat, a, a[2], a[3], a[4]);
    case 88: /* utimensat: a NULL path is allowed (the fd itself) */
        if (a[1] == 0)
            return user_ret(syscall(SYS_utimensat, (int)a[0], NULL, gp(p, a[2], 32), (int)a[3]));
        return at_path(p, SYS_utimensat, a, (uint64_t)(uintptr_t)gp(p, a[2], 32), a[3], 0);
    case 36: /* symlinkat(target, newdirfd, linkpath): the target is stored as given */ {
        const char *target = user_str(p, a[0]);
        const char *link = path_arg(p, a[2], b1, sizeof(b1));
        if (!target || !link)
            return -EFAULT;
        return user_ret(symlinkat(target, (int)a[1], link));
    }
    case 37: case 276: /* linkat, renameat2 */ {
        const char *from = path_arg(p, a[1], b1, sizeof(b1));
        const char *to = path_arg(p, a[3], b2, sizeof(b2));
        if (!from || !to)
            return -EFAULT;
        return user_ret(syscall(nr == 37 ? SYS_linkat : SYS_renameat2, (int)a[0], from,
                                (int)a[2], to, (unsigned)a[4]));
    }
    case 43: /* statfs: same layout (every field a 64-bit word on both) */ {
        const char *path = path_arg(p, a[0], b1, sizeof(b1));
        return path ? user_ret(syscall(SYS_statfs, path, user_out(p, a[1], 120))) : -EFAULT;
    }
    case 44: return user_ret(syscall(SYS_fstatfs, (int)a[0], user_out(p, a[1], 120)));
    case 45: {
        const char *path = path_arg(p, a[0], b1, sizeof(b1));
        return path ? user_ret(truncate(path, (off_t)a[1])) : -EFAULT;
    }
    case 46: return user_ret(ftruncate((int)a[0], (off_t)a[1]));
    case 47: return user_ret(fallocate((int)a[0], (int)a[1], (off_t)a[2], (off_t)a[3]));
    case 52: return user_ret(fchmod((int)a[0], (mode_t)a[1]));
    case 55: return user_ret(fchown((int)a[0], (uid_t)a[1], (gid_t)a[2]));
    case 81: sync(); return 0;
    case 452: return at_path(p, 452 /* fchmodat2 */, a, a[2], a[3], 0);
    case 51: /* chroot: the guest's root is the host's (-L's sysroot aside) */ {
        const char *path = path_arg(p, a[0], b1, sizeof(b1));
        return path ? user_ret(chroot(path)) : -EFAULT;
    }
    case 40: { /* mount(source, target, fstype, flags, data): paths translated, data as is */
        const char *src = a[0] ? path_arg(p, a[0], b1, sizeof(b1)) : NULL;
        const char *dst = path_arg(p, a[1], b2, sizeof(b2));
        const char *type = a[2] ? user_str(p, a[2]) : NULL;
        if ((a[0] && !src) || !dst || (a[2] && !type))
            return -EFAULT;
        return user_ret(syscall(SYS_mount, src, dst, type, a[3], gp(p, a[4], 1)));
    }
    case 39: { /* umount2 */
        const char *path = path_arg(p, a[0], b1, sizeof(b1));
        return path ? user_ret(syscall(SYS_umount2, path, (int)a[1])) : -EFAULT;
    }
    case 41: { /* pivot_root(new_root, put_old) */
        const char *root = path_arg(p, a[0], b1, sizeof(b1)), *old = path_arg(p, a[1], b2, sizeof(b2));
        return root && old ? user_ret(syscall(SYS_pivot_root, root, old)) : -EFAULT;
    }
    case 82: return user_ret(fsync((int)a[0]));
    case 83: return user_ret(fdatasync((int)a[0]));
    case 32: return user_block(SYS_flock, (int)a[0], (int)a[1]);
    case 166: return (int64_t)umask((mode_t)a[0]);
    case 71: /* sendfile */
        return user_ret(syscall(SYS_sendfile, (int)a[0], (int)a[1], user_out(p, a[2], 8), a[3]));
    /* sockets: sockaddr and the option values are the same on both */
    case 198: return user_ret(syscall(SYS_socket, (int)a[0], (int)a[1], (int)a[2]));
    case 199: return user_ret(syscall(SYS_socketpair, (int)a[0], (int)a[1], (int)a[2],
                                      user_out(p, a[3], 8)));
    case 200: return user_ret(syscall(SYS_bind, (int)a[0], gp(p, a[1], a[2]), (int)a[2]));
    case 201: return user_ret(syscall(SYS_listen, (int)a[0], (int)a[1]));
    case 202: case 242:
        return user_block(SYS_accept4, (int)a[0], user_out(p, a[1], 128), user_out(p, a[2], 4),
                          nr == 242 ? (int)a[3] : 0);
    case 203: return user_block(SYS_connect, (int)a[0], gp(p, a[1], a[2]), (int)a[2]);
    case 204: case 205:
        return user_ret(syscall(nr == 204 ? SYS_getsockname : SYS_getpeername, (int)a[0],
                                user_out(p, a[1], 128), user_out(p, a[2], 4)));
    case 206: return user_block(SYS_sendto, (int)a[0], gp(p, a[1], a[2]), a[2], (int)a[3],
                                gp(p, a[4], a[5]), (int)a[5]);
    case 207: return user_block(SYS_recvfrom, (int)a[0], user_out_count(p, a[1], a[2]), a[2],
                                (int)a[3], user_out(p, a[4], 128), user_out(p, a[5], 4));
    case 208: return user_ret(syscall(SYS_setsockopt, (int)a[0], (int)a[1], (int)a[2],
                                      gp(p, a[3], a[4]), (int)a[4]));
    case 209: return user_ret(syscall(SYS_getsockopt, (int)a[0], (int)a[1], (int)a[2],
                                      user_out(p, a[3], 256), user_out(p, a[4], 4)));
    case 210: return user_ret(syscall(SYS_shutdown, (int)a[0], (int)a[1]));
    }
    return USER_UNKNOWN;
}
