/* Memory system calls: brk, mmap, munmap, mprotect, mremap, madvise, msync,
 * mincore, mlock*. The mmap flags and protections have the same numbers on
 * riscv64 and x86-64 (asm-generic). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mempolicy.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "user/user_internal.h"

static int64_t sys_brk(struct user_proc *p, uint64_t want)
{
    uint64_t cur = USER_ALIGN_UP(p->brk_cur), next = USER_ALIGN_UP(want);
    if (want < p->brk_start || want > p->as.size)
        return (int64_t)p->brk_cur;
    if (next > cur) {
        if (user_as_find_free(&p->as, cur, next - cur) != cur)
            return (int64_t)p->brk_cur; /* something is in the way */
        if (user_as_map(&p->as, cur, next - cur, USER_PROT_R | USER_PROT_W, false, -1, 0,
                        "[heap]") < 0)
            return (int64_t)p->brk_cur;
    } else if (next < cur) {
        user_as_unmap(&p->as, next, cur - next);
    }
    p->brk_cur = want;
    return (int64_t)want;
}

static int64_t sys_mmap(struct user_proc *p, const uint64_t a[6])
{
    uint64_t addr = a[0], len = a[1], off = a[5];
    int prot = (int)a[2] & 7, flags = (int)a[3], fd = (int)a[4];
    int type = flags & MAP_TYPE;
    if (len == 0 || off & USER_PAGE_MASK || (type != MAP_PRIVATE && type != MAP_SHARED &&
                                             type != MAP_SHARED_VALIDATE))
        return -EINVAL;
    bool anon = flags & MAP_ANONYMOUS;
    if (!anon && (fd < 0 || fcntl(fd, F_GETFD) < 0))
        return -EBADF; /* before anything is replaced (user_as_map takes fd < 0 as anonymous) */
    len = USER_ALIGN_UP(len);
    if (len == 0)
        return -ENOMEM;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr & USER_PAGE_MASK)
            return -EINVAL;
        if (!user_g2h(&p->as, addr, len))
            return -ENOMEM;
        if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
            user_as_find_free(&p->as, addr, len) != addr)
            return -EEXIST;
    } else {
        addr = user_as_find_free(&p->as, addr, len);
        if (!addr)
            return -ENOMEM;
    }
    int rc = user_as_map(&p->as, addr, len, prot, type != MAP_PRIVATE, anon ? -1 : fd,
                         anon ? 0 : off, NULL);
    return rc < 0 ? rc : (int64_t)addr;
}

static int64_t sys_mem(struct user_proc *p, uint64_t nr, const uint64_t a[6]);

int64_t user_sys_mem(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    user_as_lock(&p->as);
    int64_t r = sys_mem(p, nr, a);
    user_as_unlock(&p->as);
    return r;
}

static int64_t sys_mem(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    switch (nr) {
    case 214: return sys_brk(p, a[0]);
    case 222: return sys_mmap(p, a);
    case 215: /* munmap */
        if (a[0] & USER_PAGE_MASK || a[1] == 0)
            return -EINVAL;
        return user_as_unmap(&p->as, a[0], a[1]);
    case 226: /* mprotect (PROT_GROWSDOWN/UP ignored) */
        if ((a[2] & ~(uint64_t)(7 | PROT_GROWSDOWN | PROT_GROWSUP)) != 0)
            return -EINVAL;
        return user_as_protect(&p->as, a[0], a[1], (int)a[2] & 7);
    case 216: return user_as_remap(&p->as, a[0], a[1], a[2], (int)a[3], a[4]);
    case 233: /* madvise: DONTNEED and FREE drop pages as they would natively */ {
        if (a[0] & USER_PAGE_MASK)
            return -EINVAL;
        uint64_t len = USER_ALIGN_UP(a[1]);
        void *h = user_g2h(&p->as, a[0], len);
        if (!h)
            return -ENOMEM;
        int adv = (int)a[2];
        if (adv == MADV_DONTNEED || adv == MADV_FREE) {
            if (!user_as_check(&p->as, a[0], len, 0))
                return -ENOMEM;
            int64_t r = user_ret(madvise(h, len, adv));
            user_as_written(&p->as, a[0], len); /* anonymous pages read as zeroes again */
            return r;
        }
        return 0; /* advice only */
    }
    case 227: { /* msync */
        void *h = user_g2h(&p->as, a[0], a[1]);
        return h ? user_ret(msync(h, a[1], (int)a[2])) : -ENOMEM;
    }
    case 232: { /* mincore */
        void *h = user_g2h(&p->as, a[0], a[1]);
        if (!h || !user_as_check(&p->as, a[2], (a[1] + USER_PAGE_MASK) / USER_PAGE, USER_PROT_W))
            return -ENOMEM;
        return user_ret(mincore(h, a[1], user_out(p, a[2], (a[1] + USER_PAGE_MASK) / USER_PAGE)));
    }
    case 228: case 229: case 230: case 231: case 284: /* mlock, munlock, mlockall, munlockall, mlock2 */
        return 0;
    /* NUMA policies: node masks are arrays of longs on both; the range is the host's too */
    case 235: { /* mbind(addr, len, mode, nodemask, maxnode, flags) */
        void *h = user_g2h(&p->as, a[0], a[1]);
        if (!h || !user_as_check(&p->as, a[0], a[1], 0))
            return -EFAULT;
        return user_ret(syscall(SYS_mbind, h, a[1], (int)a[2], user_gp(&p->as, a[3], (a[4] + 7) / 8),
                                a[4], (unsigned)a[5]));
    }
    case 236: { /* get_mempolicy(mode, nodemask, maxnode, addr, flags) */
        void *addr = (a[4] & MPOL_F_ADDR) ? user_gp(&p->as, a[3], 1) : (void *)(uintptr_t)a[3];
        return user_ret(syscall(SYS_get_mempolicy, user_out(p, a[0], 4),
                                user_out(p, a[1], (a[2] + 7) / 8), a[2], addr, a[4]));
    }
    case 237: return user_ret(syscall(SYS_set_mempolicy, (int)a[0],
                                      user_gp(&p->as, a[1], (a[2] + 7) / 8), a[2]));
    }
    return USER_UNKNOWN;
}
