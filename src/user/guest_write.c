/* Guest memory that vm's own code or the host kernel writes for the guest
 * (a system call's results, a signal frame) must reach the engine as a
 * guest store does: code decoded or translated from those bytes is dropped
 * (user_as_written). Every such write goes through here:
 *   - user_put: vm copies bytes into guest memory (guarded: -EFAULT if the
 *     page faults on the host, as Linux's copy_to_user);
 *   - user_out, user_out_count: a buffer handed to a host system call that
 *     writes it; the thread remembers it and user_syscall_guarded reports
 *     it once the call is over (after the write, never before: another
 *     hart could translate the old bytes again in between).
 * And user_get, the guarded copy the other way, for reads outside a
 * system call's -EFAULT net (a signal frame). */
#include <errno.h>

#include "core/guarded.h"
#include "user/user_internal.h"

static void *record(struct user_proc *p, uint64_t addr, uint64_t len, bool counted)
{
    void *h = user_gp(&p->as, addr, len);
    struct user_thread *t = user_self;
    if (!h || h == (void *)-4096L || len == 0 || !t)
        return h; /* nothing of the guest's can be written */
    if (t->nout < USER_OUTS) {
        t->out[t->nout++] = (struct user_out){addr, len, counted};
    } else { /* more than a call ever has: one range covering them */
        if (t->out_hi == 0 || addr < t->out_lo)
            t->out_lo = addr;
        if (addr + len > t->out_hi)
            t->out_hi = addr + len;
    }
    return h;
}

void *user_out(struct user_proc *p, uint64_t addr, uint64_t len)
{
    return record(p, addr, len, false);
}

void *user_out_count(struct user_proc *p, uint64_t addr, uint64_t len)
{
    return record(p, addr, len, true);
}

void user_outs_done(struct user_thread *t, int64_t r, bool faulted)
{
    for (unsigned i = 0; i < t->nout; i++) {
        uint64_t n = t->out[i].len;
        if (t->out[i].counted && !faulted)
            n = r <= 0 ? 0 : (uint64_t)r < n ? (uint64_t)r : n;
        else if (r < 0 && !faulted && n > USER_PAGE)
            n = 0; /* a failed call writes a small struct at most (nanosleep's rest):
                      a guest's huge length must not cost a walk of its code range */
        user_as_written(&t->p->as, t->out[i].addr, n);
    }
    if (t->out_hi > t->out_lo)
        user_as_written(&t->p->as, t->out_lo, t->out_hi - t->out_lo);
    t->nout = 0;
    t->out_lo = t->out_hi = 0;
}

int user_get(struct user_proc *p, uint64_t addr, void *dst, uint64_t len)
{
    const void *h = user_g2h(&p->as, addr, len);
    if (!h || !user_as_check(&p->as, addr, len, USER_PROT_R))
        return -EFAULT;
    return vm_guarded_copy(dst, h, len) < 0 ? -EFAULT : 0;
}

int user_put(struct user_proc *p, uint64_t addr, const void *src, uint64_t len)
{
    if (len == 0)
        return 0;
    void *h = user_g2h(&p->as, addr, len);
    if (!h || !user_as_check(&p->as, addr, len, USER_PROT_W))
        return -EFAULT;
    int rc = vm_guarded_copy(h, src, len) < 0 ? -EFAULT : 0;
    user_as_written(&p->as, addr, len); /* a faulted copy may have written some */
    return rc;
}
