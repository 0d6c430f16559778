/* Futexes and robust futex lists. A guest futex is a host futex on the same
 * bytes (guest threads are host threads). A robust list holds guest
 * pointers, which the host kernel cannot walk, so vm keeps each thread's
 * list head (set_robust_list) and walks it when the thread dies, as
 * Linux's exit_robust_list/handle_futex_death do: every futex the dead
 * thread still owns gets FUTEX_OWNER_DIED and one waiter is woken (a robust
 * mutex's next locker then sees EOWNERDEAD). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "user/user_internal.h"

#define ROBUST_HEAD_BYTES 24 /* {next; long futex_offset; list_op_pending} */
#define ROBUST_LIST_LIMIT 2048 /* Linux's bound on a (maybe circular) list */

static void *gp(struct user_proc *p, uint64_t addr, uint64_t len)
{
    return user_gp(&p->as, addr, len);
}

static bool read_word(struct user_proc *p, uint64_t addr, uint64_t *v)
{
    if (!user_as_check(&p->as, addr, 8, USER_PROT_R))
        return false;
    memcpy(v, user_g2h(&p->as, addr, 8), 8);
    return true;
}

/* handle_futex_death: the futex at addr, maybe owned by the dead tid. */
static void futex_death(struct user_proc *p, uint64_t addr, int tid, bool pi, bool pending)
{
    if ((addr & 3) || !user_as_check(&p->as, addr, 4, USER_PROT_R | USER_PROT_W))
        return;
    uint32_t *w = user_g2h(&p->as, addr, 4);
    uint32_t v = __atomic_load_n(w, __ATOMIC_SEQ_CST);
    for (;;) {
        /* a lock that was being taken and is still free: a waiter may sleep on it */
        if (pending && !pi && v == 0) {
            syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
            return;
        }
        if ((v & FUTEX_TID_MASK) != (uint32_t)tid)
            return;
        uint32_t n = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (__atomic_compare_exchange_n(w, &v, n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    user_as_written(&p->as, addr, 4); /* an atomic update: user_put cannot do it */
    /* PI futexes: the host kernel hands the lock on when the host thread ends */
    if (!pi && (v & FUTEX_WAITERS))
        syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

void user_robust_exit(struct user_thread *t)
{
    struct user_proc *p = t->p;
    uint64_t head = t->robust_head, entry, offset, pending;
    t->robust_head = 0;
    if (!head || !read_word(p, head, &entry) || !read_word(p, head + 8, &offset) ||
        !read_word(p, head + 16, &pending))
        return;
    bool pending_pi = pending & 1;
    pending &= ~1ULL;
    for (unsigned limit = ROBUST_LIST_LIMIT; (entry & ~1ULL) != head && limit; limit--) {
        bool pi = entry & 1;
        uint64_t e = entry & ~1ULL, next;
        if (!read_word(p, e, &next)) /* read before the futex changes hands */
            return;
        if (e != pending)
            futex_death(p, e + offset, t->tid, pi, false);
        entry = next;
    }
    if (pending)
        futex_death(p, pending + offset, t->tid, pending_pi, true);
}

static int64_t get_robust_list(struct user_proc *p, const uint64_t a[6])
{
    struct user_thread *t = NULL;
    if (a[0] == 0) {
        t = user_self;
    } else {
        user_as_lock(&p->as);
        for (struct user_thread *x = p->threads; x; x = x->next)
            if (!x->done && x->tid == (int)a[0])
                t = x;
        user_as_unlock(&p->as);
        if (!t)
            return -ESRCH;
    }
    uint64_t len = ROBUST_HEAD_BYTES;
    if (user_put(p, a[1], &t->robust_head, 8) < 0 || user_put(p, a[2], &len, 8) < 0)
        return -EFAULT;
    return 0;
}

/* futex_waitv(waiters, n, flags, timeout, clockid): struct futex_waitv
 * {u64 val; u64 uaddr; u32 flags; u32 reserved} is alike; the addresses
 * become host ones in a copy. */
#define FUTEX_WAITV_MAX 128
static int64_t futex_waitv(struct user_proc *p, const uint64_t a[6])
{
    uint64_t n = (uint32_t)a[1], w[FUTEX_WAITV_MAX * 3];
    if (n == 0 || n > FUTEX_WAITV_MAX)
        return -EINVAL;
    if (!user_as_check(&p->as, a[0], n * 24, USER_PROT_R))
        return -EFAULT;
    memcpy(w, user_g2h(&p->as, a[0], n * 24), n * 24);
    for (uint64_t i = 0; i < n; i++)
        w[3 * i + 1] = (uint64_t)(uintptr_t)gp(p, w[3 * i + 1], 4);
    return user_block(SYS_futex_waitv, w, (unsigned)n, (unsigned)a[2], gp(p, a[3], 16),
                      (int)a[4]);
}

int64_t user_sys_futex(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    switch (nr) {
    case 98: /* futex on guest memory: host futexes on the same bytes */ {
        unsigned cmd = (unsigned)a[1] & 127;
        bool timeout = cmd == 0 || cmd == 6 || cmd == 9 || cmd == 11 || cmd == 13;
        bool addr2 = cmd == 3 || cmd == 4 || cmd == 5 || cmd == 11 || cmd == 12;
        /* the kernel writes the word of the PI operations, and WAKE_OP's second */
        bool pi = cmd == 6 || cmd == 7 || cmd == 8 || cmd == 11 || cmd == 12 || cmd == 13;
        return user_block(SYS_futex, pi ? user_out(p, a[0], 4) : gp(p, a[0], 4), (int)a[1],
                          (uint32_t)a[2], timeout ? gp(p, a[3], 16) : (void *)(uintptr_t)a[3],
                          !addr2 ? (void *)(uintptr_t)a[4]
                                 : cmd == 5 || cmd == 12 ? user_out(p, a[4], 4) : gp(p, a[4], 4),
                          (uint32_t)a[5]);
    }
    case 99: /* set_robust_list(head, len) */
        if (a[1] != ROBUST_HEAD_BYTES)
            return -EINVAL;
        user_self->robust_head = a[0];
        return 0;
    case 100: return get_robust_list(p, a);
    case 449: return futex_waitv(p, a);
    }
    return USER_UNKNOWN;
}
