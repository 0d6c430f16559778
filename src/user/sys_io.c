/* Waiting and messages: ppoll, pselect6 and epoll_pwait with their signal
 * masks, epoll (struct epoll_event is 12 bytes, packed, on x86-64 and 16 on
 * riscv64), sendmsg/recvmsg (msghdr has the same layout on both, but its
 * pointers are guest addresses; cmsg payloads are alike; sendmmsg/recvmmsg
 * are arrays of them), and the file
 * descriptors that carry events (eventfd, signalfd, timerfd: their structures
 * are alike). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "user/user_internal.h"

#define MAX_IOV 1024
#define MAX_EVENTS 4096 /* per call; a larger maxevents is served in part */

static void *gp(struct user_proc *p, uint64_t addr, uint64_t len)
{
    return user_gp(&p->as, addr, len);
}

/* The guest's 8-byte sigset at addr (size must be 8): 0 ok, else -errno. */
static int64_t read_mask(struct user_proc *p, uint64_t addr, uint64_t size, uint64_t *mask)
{
    if (size != 8)
        return -EINVAL;
    if (!user_as_check(&p->as, addr, 8, USER_PROT_R))
        return -EFAULT;
    memcpy(mask, user_g2h(&p->as, addr, 8), 8);
    return 0;
}

/* Run host call nr (6 arguments, the mask's place at index mi) under the
 * guest's temporary mask at maddr (0: none). */
static int64_t with_mask(struct user_proc *p, long nr, long args[6], int mi, uint64_t maddr,
                         uint64_t msize)
{
    if (!maddr) {
        args[mi] = 0;
        return user_block(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
    }
    uint64_t mask;
    int64_t r = read_mask(p, maddr, msize, &mask);
    if (r < 0)
        return r;
    sigset_t host;
    r = -EINTR;
    if (user_sigmask_begin(user_self, mask, &host)) {
        args[mi] = (long)&host;
        r = user_ret(syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]));
    }
    user_sigmask_end(user_self, r);
    return r;
}

static int64_t sys_ppoll(struct user_proc *p, const uint64_t a[6])
{
    long args[6] = {(long)user_out(p, a[0], a[1] * 8), (long)a[1], (long)gp(p, a[2], 16), 0, 8, 0};
    return with_mask(p, SYS_ppoll, args, 3, a[3], a[4]);
}

/* pselect6's 6th argument points at {const sigset_t *ss; size_t ss_len}. */
static int64_t sys_pselect6(struct user_proc *p, const uint64_t a[6])
{
    uint64_t ms[2] = {0, 8};
    if (a[5]) {
        if (!user_as_check(&p->as, a[5], 16, USER_PROT_R))
            return -EFAULT;
        memcpy(ms, user_g2h(&p->as, a[5], 16), 16);
    }
    struct { const sigset_t *ss; size_t len; } hm = {NULL, 8};
    long args[6] = {(long)a[0], (long)user_out(p, a[1], 128), (long)user_out(p, a[2], 128),
                    (long)user_out(p, a[3], 128), (long)user_out(p, a[4], 16), (long)&hm};
    if (!ms[0])
        return user_block(SYS_pselect6, args[0], args[1], args[2], args[3], args[4], &hm);
    uint64_t mask;
    int64_t r = read_mask(p, ms[0], ms[1], &mask);
    if (r < 0)
        return r;
    sigset_t host;
    r = -EINTR;
    if (user_sigmask_begin(user_self, mask, &host)) {
        hm.ss = &host;
        r = user_ret(syscall(SYS_pselect6, args[0], args[1], args[2], args[3], args[4], &hm));
    }
    user_sigmask_end(user_self, r);
    return r;
}

static int64_t sys_epoll_ctl(struct user_proc *p, const uint64_t a[6])
{
    struct epoll_event ev = {0}, *evp = NULL;
    if (a[3] && a[1] != EPOLL_CTL_DEL) {
        if (!user_as_check(&p->as, a[3], 16, USER_PROT_R))
            return -EFAULT;
        const uint8_t *g = user_g2h(&p->as, a[3], 16);
        memcpy(&ev.events, g, 4);
        memcpy(&ev.data.u64, g + 8, 8);
        evp = &ev;
    }
    return user_ret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], evp));
}

/* epoll_pwait (timeout in ms) and epoll_pwait2 (a timespec). */
static int64_t sys_epoll_wait(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    int max = (int)a[2];
    if (max <= 0)
        return -EINVAL;
    if (max > MAX_EVENTS)
        max = MAX_EVENTS;
    if (!user_as_check(&p->as, a[1], (uint64_t)max * 16, USER_PROT_W))
        return -EFAULT;
    struct epoll_event *ev = calloc((size_t)max, sizeof(*ev));
    if (!ev)
        return -ENOMEM;
    long timeout = nr == 22 ? (long)(int)a[3] : (long)gp(p, a[3], 16);
    long args[6] = {(long)a[0], (long)ev, max, timeout, 0, 8};
    int64_t r = with_mask(p, nr == 22 ? SYS_epoll_pwait : 441 /* epoll_pwait2 */, args, 4,
                          a[4], a[5]);
    uint8_t *g = r > 0 ? calloc((size_t)r, 16) : NULL;
    for (int64_t i = 0; g && i < r; i++) {
        memcpy(g + i * 16, &ev[i].events, 4);
        memcpy(g + i * 16 + 8, &ev[i].data.u64, 8);
    }
    if (r > 0 && (!g || user_put(p, a[1], g, (uint64_t)r * 16) < 0))
        r = g ? -EFAULT : -ENOMEM; /* (events taken are lost then, as Linux's EFAULT loses them) */
    free(g);
    free(ev);
    return r;
}

/* The guest msghdr at addr as a host one (iov: room for MAX_IOV). */
struct g_msghdr {
    uint64_t name;
    uint32_t namelen, pad0;
    uint64_t iov, iovlen, control, controllen;
    int32_t flags;
    uint32_t pad1;
};

static int64_t msg_in(struct user_proc *p, uint64_t addr, struct g_msghdr *g, struct msghdr *h,
                      struct iovec *iov, const void **giov, bool recv)
{
    void *(*name_buf)(struct user_proc *, uint64_t, uint64_t) = recv ? user_out : gp;
    if (!user_as_check(&p->as, addr, sizeof(*g), USER_PROT_R))
        return -EFAULT;
    memcpy(g, user_g2h(&p->as, addr, sizeof(*g)), sizeof(*g));
    if (g->iovlen > MAX_IOV)
        return -EMSGSIZE;
    *giov = user_iov(p, g->iov, g->iovlen, iov);
    if (!*giov && g->iovlen)
        return -EFAULT;
    memset(h, 0, sizeof(*h));
    h->msg_name = g->name ? name_buf(p, g->name, g->namelen) : NULL;
    h->msg_namelen = g->namelen;
    h->msg_iov = iov;
    h->msg_iovlen = g->iovlen;
    h->msg_control = g->control ? name_buf(p, g->control, g->controllen) : NULL;
    h->msg_controllen = g->controllen;
    h->msg_flags = g->flags;
    return 0;
}

/* What recvmsg changed in the guest's msghdr at addr (and the bytes read). */
static int64_t msg_out(struct user_proc *p, uint64_t addr, struct g_msghdr *g,
                       const struct msghdr *h, const void *giov, int64_t got)
{
    user_iov_written(p, giov, h->msg_iov, g->iovlen, got);
    g->namelen = h->msg_namelen;
    g->controllen = h->msg_controllen;
    g->flags = h->msg_flags;
    return user_put(p, addr, g, sizeof(*g));
}

static int64_t sys_msg(struct user_proc *p, bool recv, const uint64_t a[6])
{
    struct g_msghdr g;
    struct msghdr h;
    struct iovec *iov = malloc(MAX_IOV * sizeof(*iov));
    if (!iov)
        return -ENOMEM;
    const void *giov = NULL;
    int64_t r = msg_in(p, a[1], &g, &h, iov, &giov, recv);
    if (r == 0) {
        r = user_block(recv ? SYS_recvmsg : SYS_sendmsg, (int)a[0], &h, (int)a[2]);
        if (recv && r >= 0 && msg_out(p, a[1], &g, &h, giov, r) < 0)
            r = -EFAULT;
    }
    free(iov);
    return r;
}

/* sendmmsg/recvmmsg(fd, msgvec, vlen, flags[, timeout]): struct mmsghdr is
 * a msghdr and the unsigned msg_len (64 bytes on both ABIs); each message's
 * pointers are translated as sendmsg's. vlen is capped at UIO_MAXIOV, as
 * Linux caps it. */
#define G_MMSG 64
static int64_t sys_mmsg(struct user_proc *p, bool recv, const uint64_t a[6])
{
    unsigned vlen = (unsigned)a[2] > MAX_IOV ? MAX_IOV : (unsigned)a[2];
    if (vlen == 0)
        return 0;
    if (!user_as_check(&p->as, a[1], (uint64_t)vlen * G_MMSG, USER_PROT_R | USER_PROT_W))
        return -EFAULT;
    struct mmsghdr *hm = calloc(vlen, sizeof(*hm));
    struct g_msghdr *g = calloc(vlen, sizeof(*g));
    const void **giov = calloc(vlen, sizeof(*giov));
    struct iovec **iov = calloc(vlen, sizeof(*iov));
    int64_t r = hm && g && giov && iov ? 0 : -ENOMEM;
    for (unsigned i = 0; i < vlen && r == 0; i++) {
        uint64_t at = a[1] + (uint64_t)i * G_MMSG;
        uint64_t n;
        memcpy(&n, user_g2h(&p->as, at + 24, 8), 8); /* msg_iovlen */
        if (n > MAX_IOV)
            r = -EMSGSIZE;
        else if (!(iov[i] = malloc((n ? n : 1) * sizeof(struct iovec))))
            r = -ENOMEM;
        else
            r = msg_in(p, at, &g[i], &hm[i].msg_hdr, iov[i], &giov[i], recv);
    }
    if (r == 0)
        r = recv ? user_block(SYS_recvmmsg, (int)a[0], hm, vlen, (int)a[3], gp(p, a[4], 16))
                 : user_block(SYS_sendmmsg, (int)a[0], hm, vlen, (int)a[3]);
    for (int64_t i = 0; i < r; i++) {
        uint64_t at = a[1] + (uint64_t)i * G_MMSG;
        if (recv)
            msg_out(p, at, &g[i], &hm[i].msg_hdr, giov[i], hm[i].msg_len);
        user_put(p, at + 56, &hm[i].msg_len, 4);
    }
    for (unsigned i = 0; iov && i < vlen; i++)
        free(iov[i]);
    free(iov);
    free(giov);
    free(g);
    free(hm);
    return r;
}

int64_t user_sys_io(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    switch (nr) {
    case 72: return sys_pselect6(p, a);
    case 73: return sys_ppoll(p, a);
    case 20: return user_ret(epoll_create1((int)a[0]));
    case 21: return sys_epoll_ctl(p, a);
    case 22: case 441: return sys_epoll_wait(p, nr, a);
    case 211: return sys_msg(p, false, a);
    case 212: return sys_msg(p, true, a);
    case 269: return sys_mmsg(p, false, a);
    case 243: return sys_mmsg(p, true, a);
    case 19: return user_ret(syscall(SYS_eventfd2, (unsigned)a[0], (int)a[1]));
    case 74: { /* signalfd4: the signals are blocked on the host as in the guest */
        uint64_t mask;
        int64_t r = read_mask(p, a[1], a[2], &mask);
        if (r < 0)
            return r;
        return user_ret(syscall(SYS_signalfd4, (int)a[0], &mask, 8, (int)a[3]));
    }
    case 85: return user_ret(syscall(SYS_timerfd_create, (int)a[0], (int)a[1]));
    case 86: return user_ret(syscall(SYS_timerfd_settime, (int)a[0], (int)a[1],
                                     gp(p, a[2], 32), user_out(p, a[3], 32)));
    case 87: return user_ret(syscall(SYS_timerfd_gettime, (int)a[0], user_out(p, a[1], 32)));
    }
    return USER_UNKNOWN;
}
