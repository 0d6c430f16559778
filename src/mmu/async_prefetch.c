/* Asynchronous prefetch: harts post prefetch targets to a worker thread,
 * which walks them and fills the shared L3. A hart never waits for it: if
 * the queue is full or busy, the request is dropped. Measured against the
 * synchronous prefetcher in docs/MMU.md. */
#include <stdlib.h>

#include "vm/error.h"
#include "mmu/mmu_internal.h"

#define ASYNC_QUEUE 256

struct async_req {
    uint64_t satp, va;
};

struct async_prefetch {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct async_req q[ASYNC_QUEUE];
    unsigned head, count;
    bool stop;
    struct vm_mmu_hart *walker; /* private: its own walk cache and stats */
};

static void *worker(void *arg)
{
    struct vm_mmu *mmu = arg;
    struct async_prefetch *a = mmu->async;
    pthread_mutex_lock(&a->lock);
    for (;;) {
        while (!a->count && !a->stop)
            pthread_cond_wait(&a->cond, &a->lock);
        if (a->stop)
            break;
        struct async_req r = a->q[a->head];
        a->head = (a->head + 1) % ASYNC_QUEUE;
        a->count--;
        pthread_mutex_unlock(&a->lock);
        pf_walk_and_install(mmu, a->walker, r.satp, r.va);
        pthread_mutex_lock(&a->lock);
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

int async_prefetch_start(struct vm_mmu *mmu)
{
    struct async_prefetch *a = calloc(1, sizeof(*a));
    if (!a)
        return vm_error(VM_ENOMEM, "async prefetch: out of memory");
    a->walker = mmu_hart_create_private(mmu);
    if (!a->walker) {
        free(a);
        return -VM_ENOMEM;
    }
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->cond, NULL);
    mmu->async = a;
    if (pthread_create(&a->thread, NULL, worker, mmu) != 0) {
        mmu->async = NULL;
        mmu_hart_destroy_private(a->walker);
        free(a);
        return vm_error(VM_ENOMEM, "async prefetch: cannot start the worker thread");
    }
    return 0;
}

void async_prefetch_stop(struct vm_mmu *mmu)
{
    struct async_prefetch *a = mmu->async;
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    a->stop = true;
    pthread_cond_signal(&a->cond);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->thread, NULL);
    mmu_hart_destroy_private(a->walker);
    pthread_mutex_destroy(&a->lock);
    pthread_cond_destroy(&a->cond);
    free(a);
    mmu->async = NULL;
}

bool async_prefetch_post(struct vm_mmu *mmu, uint64_t satp, uint64_t va)
{
    struct async_prefetch *a = mmu->async;
    if (!a || pthread_mutex_trylock(&a->lock) != 0)
        return false;
    bool ok = a->count < ASYNC_QUEUE;
    if (ok) {
        a->q[(a->head + a->count) % ASYNC_QUEUE] = (struct async_req){.satp = satp, .va = va};
        a->count++;
        pthread_cond_signal(&a->cond);
    }
    pthread_mutex_unlock(&a->lock);
    return ok;
}
