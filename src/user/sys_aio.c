/* Linux native AIO (io_setup, io_submit, io_getevents, ...: libaio). The
 * structures are alike, but an iocb holds guest addresses (its buffer, an
 * iovec array) and the host kernel reports each completion with the address
 * of the iocb it was given. So each submitted iocb is a host copy with its
 * buffer translated, kept until its completion is reaped, when the event's
 * obj becomes the guest's iocb again and the bytes a read wrote are
 * reported to the engine (guest_write.c: they may hold code).
 * The guest's context id is the address of a zero page of its own (libaio
 * reads the ring's magic there and, finding none, makes system calls); the
 * host's id is kept beside it. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/aio_abi.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "user/user_internal.h"

#define MAX_CTX 64
#define MAX_IOV 1024

/* An iocb in flight: the host's copy, and what its completion must tell. */
struct aio_op {
    struct iocb cb;   /* first: the host reports &cb as the event's obj */
    uint64_t guest;   /* the guest's iocb */
    uint64_t written; /* a read: its buffer (PREAD) or a copy of its iovecs */
    struct aio_op *next;
    uint64_t niov;    /* PREADV: the guest iovecs ({base, len} pairs after this struct) */
    uint64_t iov[];
};

static struct aio_ctx {
    uint64_t guest, host;
    struct aio_op *ops;
} ctxs[MAX_CTX];

static struct aio_ctx *find_ctx(uint64_t guest)
{
    for (unsigned i = 0; guest && i < MAX_CTX; i++)
        if (ctxs[i].guest == guest)
            return &ctxs[i];
    return NULL;
}

static void free_ops(struct aio_ctx *c)
{
    while (c->ops) {
        struct aio_op *o = c->ops;
        c->ops = o->next;
        free(o);
    }
}

static int64_t aio_setup(struct user_proc *p, const uint64_t a[6])
{
    uint64_t cur;
    if (!user_as_check(&p->as, a[1], 8, USER_PROT_R | USER_PROT_W))
        return -EFAULT;
    memcpy(&cur, user_g2h(&p->as, a[1], 8), 8);
    if (cur)
        return -EINVAL; /* as Linux: *ctxp must be 0 */
    struct aio_ctx *c = find_ctx(0);
    for (unsigned i = 0; !c && i < MAX_CTX; i++)
        if (!ctxs[i].guest)
            c = &ctxs[i];
    if (!c)
        return -EAGAIN;
    aio_context_t host = 0;
    int64_t r = user_ret(syscall(SYS_io_setup, (unsigned)a[0], &host));
    if (r < 0)
        return r;
    uint64_t at = user_as_find_free(&p->as, 0, USER_PAGE);
    if (!at || user_as_map(&p->as, at, USER_PAGE, USER_PROT_R, false, -1, 0, "[aio]") < 0) {
        syscall(SYS_io_destroy, host);
        return -ENOMEM;
    }
    if (user_put(p, a[1], &at, 8) < 0) {
        user_as_unmap(&p->as, at, USER_PAGE);
        syscall(SYS_io_destroy, host);
        return -EFAULT;
    }
    *c = (struct aio_ctx){.guest = at, .host = host};
    return 0;
}

/* io_destroy waits for the operations in flight: without the lock. */
static int64_t aio_destroy(struct user_proc *p, struct aio_ctx *c)
{
    struct aio_ctx gone = *c;
    *c = (struct aio_ctx){0};
    user_as_unmap(&p->as, gone.guest, USER_PAGE);
    user_as_unlock(&p->as);
    int64_t r = user_ret(syscall(SYS_io_destroy, (aio_context_t)gone.host));
    free_ops(&gone);
    user_as_lock(&p->as);
    return r;
}

/* The host copy of the guest's iocb at addr (NULL: -errno in *err). */
static struct aio_op *op_in(struct user_proc *p, uint64_t addr, int64_t *err)
{
    struct iocb g;
    *err = -EFAULT;
    if (!user_as_check(&p->as, addr, sizeof(g), USER_PROT_R))
        return NULL;
    memcpy(&g, user_g2h(&p->as, addr, sizeof(g)), sizeof(g));
    bool vec = g.aio_lio_opcode == IOCB_CMD_PREADV || g.aio_lio_opcode == IOCB_CMD_PWRITEV;
    uint64_t niov = vec ? g.aio_nbytes : 0;
    *err = -EINVAL;
    if (niov > MAX_IOV)
        return NULL;
    struct aio_op *o = calloc(1, sizeof(*o) + niov * 16);
    struct iovec *hiov = vec ? calloc(niov ? niov : 1, sizeof(*hiov)) : NULL;
    *err = -ENOMEM;
    if (!o || (vec && !hiov)) {
        free(o);
        free(hiov);
        return NULL;
    }
    o->cb = g;
    o->guest = addr;
    switch (g.aio_lio_opcode) {
    case IOCB_CMD_PREAD: case IOCB_CMD_PWRITE:
        o->cb.aio_buf = (uint64_t)(uintptr_t)user_gp(&p->as, g.aio_buf, g.aio_nbytes);
        if (g.aio_lio_opcode == IOCB_CMD_PREAD)
            o->written = g.aio_buf;
        break;
    case IOCB_CMD_PREADV: case IOCB_CMD_PWRITEV: {
        /* the host reads the iovecs at submission: a copy for then, and
         * the guest's own for the completion of a read */
        const void *gv = user_iov(p, g.aio_buf, niov, hiov);
        if (!gv && niov) {
            free(o);
            free(hiov);
            *err = -EFAULT;
            return NULL;
        }
        o->cb.aio_buf = (uint64_t)(uintptr_t)hiov;
        if (g.aio_lio_opcode == IOCB_CMD_PREADV) {
            o->niov = niov;
            memcpy(o->iov, gv, niov * 16);
        }
        break;
    }
    }
    return o;
}

static int64_t aio_submit(struct user_proc *p, struct aio_ctx *c, const uint64_t a[6])
{
    int64_t n = (int64_t)a[1], done = 0, err = 0;
    if (n < 0)
        return -EINVAL;
    if (n > 65536)
        n = 65536; /* Linux takes at most the ring's size; the host says EAGAIN past it */
    if (!user_as_check(&p->as, a[2], (uint64_t)n * 8, USER_PROT_R))
        return -EFAULT;
    for (; done < n; done++) {
        uint64_t addr;
        memcpy(&addr, user_g2h(&p->as, a[2] + (uint64_t)done * 8, 8), 8);
        struct aio_op *o = op_in(p, addr, &err);
        if (!o)
            break;
        struct iocb *cb = &o->cb;
        bool vec = o->cb.aio_lio_opcode == IOCB_CMD_PREADV ||
                   o->cb.aio_lio_opcode == IOCB_CMD_PWRITEV;
        err = user_ret(syscall(SYS_io_submit, (aio_context_t)c->host, 1L, &cb));
        if (vec)
            free((void *)(uintptr_t)o->cb.aio_buf);
        if (err < 0) {
            free(o);
            break;
        }
        uint32_t key = 0; /* KIOCB_KEY, which Linux writes into the iocb */
        user_put(p, addr + 8, &key, 4);
        o->next = c->ops;
        c->ops = o;
    }
    return done ? done : err;
}

/* The guest's event for a host one; the bytes a read wrote are reported. */
static void event_out(struct user_proc *p, struct aio_ctx *c, struct io_event *e)
{
    for (struct aio_op **q = &c->ops; *q; q = &(*q)->next) {
        struct aio_op *o = *q;
        if ((uintptr_t)&o->cb != e->obj)
            continue;
        e->obj = o->guest;
        uint64_t left = e->res > 0 ? (uint64_t)e->res : 0;
        if (o->written)
            user_as_written(&p->as, o->written, left);
        for (uint64_t i = 0; i < o->niov && left; i++) {
            uint64_t len = o->iov[2 * i + 1] < left ? o->iov[2 * i + 1] : left;
            user_as_written(&p->as, o->iov[2 * i], len);
            left -= len;
        }
        *q = o->next;
        free(o);
        return;
    }
}

/* io_getevents and io_pgetevents (usig: {const sigset_t *, size_t}): the
 * wait is made without the lock. */
static int64_t aio_getevents(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    int64_t min = (int64_t)a[1], max = (int64_t)a[2];
    if (min < 0 || max < min)
        return -EINVAL;
    if (max > 65536)
        max = 65536; /* served in part, as the ring would */
    user_as_lock(&p->as);
    struct aio_ctx *c = find_ctx(a[0]);
    uint64_t host = c ? c->host : 0;
    user_as_unlock(&p->as);
    if (!c)
        return -EINVAL;
    uint64_t us[2] = {0, 8}, mask = 0;
    if (nr == 292 && a[5]) {
        if (!user_as_check(&p->as, a[5], 16, USER_PROT_R))
            return -EFAULT;
        memcpy(us, user_g2h(&p->as, a[5], 16), 16);
        if (us[0] && us[1] != 8)
            return -EINVAL;
        if (us[0] && !user_as_check(&p->as, us[0], 8, USER_PROT_R))
            return -EFAULT;
        if (us[0])
            memcpy(&mask, user_g2h(&p->as, us[0], 8), 8);
    }
    struct io_event *ev = calloc(max ? (size_t)max : 1, sizeof(*ev));
    if (!ev)
        return -ENOMEM;
    void *ts = user_gp(&p->as, a[4], 16);
    int64_t r;
    if (!us[0]) {
        r = user_block(SYS_io_getevents, (aio_context_t)host, min, max, ev, ts);
    } else {
        sigset_t hm;
        r = -EINTR;
        if (user_sigmask_begin(user_self, mask, &hm)) {
            struct { const sigset_t *ss; size_t len; } hs = {&hm, 8};
            r = user_ret(syscall(SYS_io_pgetevents, (aio_context_t)host, min, max, ev, ts, &hs));
        }
        user_sigmask_end(user_self, r);
    }
    user_as_lock(&p->as);
    c = find_ctx(a[0]);
    for (int64_t i = 0; c && i < r; i++)
        event_out(p, c, &ev[i]);
    user_as_unlock(&p->as);
    if (r > 0 && user_put(p, a[3], ev, (uint64_t)r * sizeof(*ev)) < 0)
        r = -EFAULT;
    free(ev);
    return r;
}

static int64_t aio_cancel(struct user_proc *p, struct aio_ctx *c, const uint64_t a[6])
{
    for (struct aio_op *o = c->ops; o; o = o->next)
        if (o->guest == a[1]) {
            struct io_event e;
            int64_t r = user_ret(syscall(SYS_io_cancel, (aio_context_t)c->host, &o->cb, &e));
            if (r == 0) { /* (no file system cancels today: EINVAL) */
                event_out(p, c, &e);
                r = user_put(p, a[2], &e, sizeof(e));
            }
            return r;
        }
    return -EINVAL;
}

int64_t user_sys_aio(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    if (nr > 4 && nr != 292)
        return USER_UNKNOWN;
    if (nr == 4 || nr == 292)
        return aio_getevents(p, nr, a);
    /* the context table and the operations in flight are under the
     * address space's lock */
    user_as_lock(&p->as);
    int64_t r;
    struct aio_ctx *c = nr ? find_ctx(a[0]) : NULL;
    if (nr == 0)
        r = aio_setup(p, a);
    else if (!c)
        r = -EINVAL;
    else if (nr == 1)
        r = aio_destroy(p, c);
    else if (nr == 2)
        r = aio_submit(p, c, a);
    else
        r = aio_cancel(p, c, a);
    user_as_unlock(&p->as);
    return r;
}
