/* virtio-rng fed by getrandom(), served on the event loop (virtio_rng.h). */
#include "devices/virtio/virtio_rng.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "vm/error.h"

struct vm_virtio_rng {
    struct vm_virtio *v;
    struct vm_event_loop *loop;
    struct vm_event_notifier *kick;
    bool running; /* read on the loop thread; atomic */
    struct virtq_buf bufs[VIRTIO_RNG_QUEUE_SIZE];
};

static bool fill(uint8_t *p, uint32_t len)
{
    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        len -= (uint32_t)n;
    }
    return true;
}

uint32_t vm_virtio_rng_serve(struct vm_virtio_rng *r, struct virtq *q, const struct virtq_chain *c)
{
    uint32_t done = 0;
    for (unsigned i = c->n_out; i < c->n_out + c->n_in && done < VIRTIO_RNG_MAX_REQUEST; i++) {
        const struct virtq_buf *b = &c->bufs[i];
        uint32_t n = b->len < VIRTIO_RNG_MAX_REQUEST - done ? b->len
                                                            : VIRTIO_RNG_MAX_REQUEST - done;
        if (!fill(b->host, n))
            break;
        virtq_ram_written(vm_virtio_mem(r->v), b->pa, n);
        done += n;
    }
    return done;
}

/* On the loop thread. */
static void serve(void *opaque)
{
    struct vm_virtio_rng *r = opaque;
    struct virtq *q = vm_virtio_queue(r->v, 0);
    struct virtq_chain c = {.cap = VIRTIO_RNG_QUEUE_SIZE, .bufs = r->bufs};
    while (__atomic_load_n(&r->running, __ATOMIC_ACQUIRE)) {
        int got = virtq_pop(q, &c);
        if (got == VIRTQ_BROKEN) {
            vm_virtio_queue_broken(r->v, q);
            return;
        }
        if (got == VIRTQ_EMPTY) {
            if (!virtq_enable_notify(q))
                return;
            continue;
        }
        virtq_push(q, c.head, vm_virtio_rng_serve(r, q, &c));
        vm_virtio_used(r->v, q);
    }
}

static void rng_start(void *dev, struct vm_virtio *v)
{
    struct vm_virtio_rng *r = dev;
    __atomic_store_n(&r->running, true, __ATOMIC_RELEASE);
    vm_event_notify(r->kick);
}

static void rng_notify(void *dev, unsigned queue)
{
    vm_event_notify(((struct vm_virtio_rng *)dev)->kick);
}

static void nothing(void *opaque)
{
}

static void rng_reset(void *dev)
{
    struct vm_virtio_rng *r = dev;
    __atomic_store_n(&r->running, false, __ATOMIC_RELEASE);
    vm_event_loop_call(r->loop, nothing, NULL); /* a serve() under way has ended */
}

static void rng_config_read(void *dev, uint32_t offset, void *buf, uint32_t len)
{
}

static const struct vm_virtio_device_ops rng_ops = {
    .name = "virtio-rng", .device_id = VIRTIO_ID_RNG,
    .features = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX),
    .num_queues = 1, .queue_max = VIRTIO_RNG_QUEUE_SIZE, .config_size = 0,
    .config_read = rng_config_read, .start = rng_start, .notify = rng_notify, .reset = rng_reset,
};

struct vm_virtio_rng *vm_virtio_rng_create(struct vm_mem *mem, const struct vm_irq_line *irq,
                                           struct vm_event_loop *loop)
{
    struct vm_virtio_rng *r = calloc(1, sizeof(*r));
    if (!r) {
        vm_error(VM_ENOMEM, "virtio-rng: out of host memory");
        return NULL;
    }
    r->loop = loop;
    if (!(r->kick = vm_event_notifier_create(loop, serve, r)) ||
        !(r->v = vm_virtio_create(&rng_ops, r, mem, irq))) {
        vm_event_notifier_destroy(r->kick);
        free(r);
        return NULL;
    }
    return r;
}

void vm_virtio_rng_destroy(struct vm_virtio_rng *r)
{
    if (!r)
        return;
    vm_virtio_destroy(r->v);
    vm_event_notifier_destroy(r->kick);
    free(r);
}

struct vm_virtio *vm_virtio_rng_core(struct vm_virtio_rng *r)
{
    return r->v;
}
