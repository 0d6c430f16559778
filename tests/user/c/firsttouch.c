/* Threads touching a fresh page at the same moment. Under vm user the
 * first access to a page through the MMU fills its PTE on the fault; when
 * two threads fault on the same page at once, the second finds the PTE
 * already filled by the first and must run its access again, not take the
 * guest SIGSEGV (dpkg-deb's liblzma threads met this on a contended mutex
 * in a fresh heap page once the JIT's plain loads and stores stopped
 * filling PTEs). Each round all threads meet at a barrier, then touch one
 * word of a page nobody touched before: an AMO, an LR/SC compare-and-swap,
 * or a plain store. */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>

#include "check.h"

#define NT 3
#define ROUNDS 6000
#define STRIDE (64 * 1024) /* past the PTEs vm fills around a fault */

static uint32_t *area;
static _Atomic unsigned arrived, phase;

/* Sense-reversing barrier; yields so it makes progress on a loaded host. */
static void barrier(void)
{
    unsigned my = phase;
    if (__atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL) == NT) {
        arrived = 0;
        __atomic_store_n(&phase, my + 1, __ATOMIC_RELEASE);
        return;
    }
    for (unsigned spins = 0; __atomic_load_n(&phase, __ATOMIC_ACQUIRE) == my; spins++)
        if (spins > 64)
            sched_yield();
}

static void touch(int self, int round)
{
    uint32_t *w = area + (size_t)round * (STRIDE / 4);
    switch (round % 3) {
    case 0: /* amoadd.w */
        __atomic_fetch_add(w, 1, __ATOMIC_SEQ_CST);
        break;
    case 1: { /* lr.w/sc.w */
        uint32_t old = __atomic_load_n(w, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(w, &old, old + 1, true, __ATOMIC_ACQ_REL,
                                            __ATOMIC_RELAXED))
            ;
        break;
    }
    default: /* sw, each thread its own word */
        w[1 + self] = 1;
    }
}

static void *run(void *arg)
{
    int self = (int)(intptr_t)arg;
    for (int r = 0; r < ROUNDS; r++) {
        barrier();
        touch(self, r);
    }
    return NULL;
}

int main(void)
{
    area = mmap(NULL, (size_t)ROUNDS * STRIDE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(area != MAP_FAILED);
    if (area == MAP_FAILED)
        return check_done();
    pthread_t th[NT];
    for (int i = 1; i < NT; i++)
        CHECK(pthread_create(&th[i], NULL, run, (void *)(intptr_t)i) == 0);
    run((void *)0);
    for (int i = 1; i < NT; i++)
        CHECK(pthread_join(th[i], NULL) == 0);
    int bad = 0;
    for (int r = 0; r < ROUNDS; r++) {
        const uint32_t *w = area + (size_t)r * (STRIDE / 4);
        if (r % 3 < 2)
            bad += w[0] != NT;
        else
            for (int i = 0; i < NT; i++)
                bad += w[1 + i] != 1;
    }
    CHECK(bad == 0);
    return check_done();
}
