/* Descriptor and file operations whose structures are plain bytes or
 * alike on both ABIs: extended attributes, inotify, advice and syncs,
 * memfd_create, copy_file_range, splice/tee/vmsplice, close_range (which
 * keeps vm's own descriptors of file mappings open). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "user/user_internal.h"

static void *gp(struct user_proc *p, uint64_t addr, uint64_t len)
{
    return user_gp(&p->as, addr, len);
}

/* The xattr calls: 5-7 set, 8-10 get, 11-13 list, 14-16 remove; in each
 * triple the path, the link itself (l*), the descriptor (f*). */
static int64_t sys_xattr(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    static const long host[12] = {SYS_setxattr,    SYS_lsetxattr,    SYS_fsetxattr,
                                  SYS_getxattr,    SYS_lgetxattr,    SYS_fgetxattr,
                                  SYS_listxattr,   SYS_llistxattr,   SYS_flistxattr,
                                  SYS_removexattr, SYS_lremovexattr, SYS_fremovexattr};
    unsigned op = (unsigned)(nr - 5) / 3, how = (unsigned)(nr - 5) % 3;
    char buf[4096];
    long target = (long)a[0];
    if (how != 2) {
        const char *g = user_str(p, a[0]);
        if (!g)
            return -EFAULT;
        target = (long)user_path(p, g, buf, sizeof(buf));
    }
    const char *name = NULL;
    if (op != 2 && !(name = user_str(p, a[1])))
        return -EFAULT;
    switch (op) {
    case 0: return user_ret(syscall(host[nr - 5], target, name, gp(p, a[2], a[3]), a[3], (int)a[4]));
    case 1: return user_ret(syscall(host[nr - 5], target, name, user_out_count(p, a[2], a[3]), a[3]));
    case 2: return user_ret(syscall(host[nr - 5], target, user_out_count(p, a[1], a[2]), a[2]));
    default: return user_ret(syscall(host[nr - 5], target, name));
    }
}

static int cmp_fd(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* close_range(first, last, flags) around vm's own descriptors (the files of
 * mappings, which a SIGBUS past the end needs), as if the guest had none
 * of those numbers. */
static int64_t sys_close_range(struct user_proc *p, const uint64_t a[6])
{
    unsigned first = (unsigned)a[0], last = (unsigned)a[1];
    if (first > last)
        return -EINVAL;
    user_as_lock(&p->as);
    int *own = malloc((p->as.nvma + 1) * sizeof(int));
    unsigned n = 0;
    for (unsigned i = 0; own && i < p->as.nvma; i++)
        if (p->as.vma[i].file)
            own[n++] = p->as.vma[i].file->fd;
    int64_t r = own ? 0 : -ENOMEM;
    if (own) {
        qsort(own, n, sizeof(int), cmp_fd);
        unsigned from = first;
        for (unsigned i = 0; i < n && r == 0; i++) {
            unsigned fd = (unsigned)own[i];
            if (fd < from || fd > last)
                continue;
            if (fd > from)
                r = user_ret(syscall(SYS_close_range, from, fd - 1, (unsigned)a[2]));
            from = fd + 1;
        }
        if (r == 0 && from <= last && from >= first)
            r = user_ret(syscall(SYS_close_range, from, last, (unsigned)a[2]));
    }
    user_as_unlock(&p->as);
    free(own);
    return r;
}

int64_t user_sys_fdops(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    switch (nr) {
    case 5: case 6: case 7: case 8: case 9: case 10:
    case 11: case 12: case 13: case 14: case 15: case 16:
        return sys_xattr(p, nr, a);
    case 26: return user_ret(syscall(SYS_inotify_init1, (int)a[0]));
    case 27: {
        char buf[4096];
        const char *g = user_str(p, a[1]);
        if (!g)
            return -EFAULT;
        return user_ret(syscall(SYS_inotify_add_watch, (int)a[0], user_path(p, g, buf, sizeof(buf)),
                                (uint32_t)a[2]));
    }
    case 28: return user_ret(syscall(SYS_inotify_rm_watch, (int)a[0], (int)a[1]));
    case 223: return user_ret(syscall(SYS_fadvise64, (int)a[0], (long)a[1], (long)a[2], (int)a[3]));
    case 213: return user_ret(syscall(SYS_readahead, (int)a[0], (long)a[1], (size_t)a[2]));
    case 84: return user_ret(syscall(SYS_sync_file_range, (int)a[0], (long)a[1], (long)a[2],
                                     (unsigned)a[3]));
    case 267: return user_ret(syscall(SYS_syncfs, (int)a[0]));
    case 279: {
        const char *name = user_str(p, a[0]);
        return name ? user_ret(syscall(SYS_memfd_create, name, (unsigned)a[1])) : -EFAULT;
    }
    case 285: return user_block(SYS_copy_file_range, (int)a[0], user_out(p, a[1], 8), (int)a[2],
                                user_out(p, a[3], 8), (size_t)a[4], (unsigned)a[5]);
    case 76: return user_block(SYS_splice, (int)a[0], user_out(p, a[1], 8), (int)a[2],
                               user_out(p, a[3], 8), (size_t)a[4], (unsigned)a[5]);
    case 77: return user_block(SYS_tee, (int)a[0], (int)a[1], (size_t)a[2], (unsigned)a[3]);
    case 75: { /* vmsplice: the iovec array is the guest's */
        if (a[2] > 1024)
            return -EINVAL;
        struct iovec iov[a[2] ? a[2] : 1];
        const void *g = user_iov(p, a[1], a[2], iov);
        if (!g && a[2])
            return -EFAULT;
        return user_block(SYS_vmsplice, (int)a[0], iov, a[2], (unsigned)a[3]);
    }
    case 436: return sys_close_range(p, a);
    case 264: { /* name_to_handle_at: struct file_handle {u32 bytes; int type; u8 handle[]} */
        char buf[4096];
        uint32_t bytes = 0;
        const char *g = user_str(p, a[1]);
        if (!g)
            return -EFAULT;
        if (user_as_check(&p->as, a[2], 4, USER_PROT_R))
            memcpy(&bytes, user_g2h(&p->as, a[2], 4), 4);
        return user_ret(syscall(SYS_name_to_handle_at, (int)a[0], user_path(p, g, buf, sizeof(buf)),
                                user_out(p, a[2], 8 + (bytes < 128 ? bytes : 128)),
                                user_out(p, a[3], 4), (int)a[4]));
    }
    case 265: return user_ret(syscall(SYS_open_by_handle_at, (int)a[0], gp(p, a[1], 8 + 128),
                                      (int)a[2]));
    }
    return USER_UNKNOWN;
}
