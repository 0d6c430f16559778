/* One virtio device, transport-independent (virtio_core.h). */
#include "devices/virtio/virtio_core.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/error.h"

#define ISR_USED 1
#define ISR_CONFIG 2

struct vm_virtio {
    const struct vm_virtio_device_ops *ops;
    void *dev;
    struct vm_mem *mem;
    struct vm_irq_line irq;

    pthread_mutex_t lock; /* the driver's side: status transitions, features, queue config */
    uint32_t status;      /* atomic: NEEDS_RESET is OR-ed in by device threads */
    uint64_t offered, driver_features;
    uint64_t features; /* negotiated at FEATURES_OK; atomic (read by device threads) */
    struct virtq queues[VIRTIO_MAX_QUEUES];

    pthread_mutex_t irq_lock; /* isr and the line; never held around ops */
    uint32_t isr;
    bool level;
    uint32_t generation; /* atomic */
    bool reported;       /* one message per device about a broken driver */
};

static void set_isr(struct vm_virtio *v, uint32_t set, uint32_t clear)
{
    pthread_mutex_lock(&v->irq_lock);
    v->isr = (v->isr | set) & ~clear;
    bool level = v->isr != 0;
    if (level != v->level) {
        v->level = level;
        vm_irq_set(&v->irq, level);
    }
    pthread_mutex_unlock(&v->irq_lock);
}

struct vm_virtio *vm_virtio_create(const struct vm_virtio_device_ops *ops, void *dev,
                                   struct vm_mem *mem, const struct vm_irq_line *irq)
{
    if (ops->num_queues == 0 || ops->num_queues > VIRTIO_MAX_QUEUES || !ops->queue_max ||
        (ops->queue_max & (ops->queue_max - 1))) {
        vm_error(VM_EINVAL, "%s: bad queue layout", ops->name);
        return NULL;
    }
    struct vm_virtio *v = calloc(1, sizeof(*v));
    if (!v) {
        vm_error(VM_ENOMEM, "%s: out of host memory", ops->name);
        return NULL;
    }
    v->ops = ops;
    v->dev = dev;
    v->mem = mem;
    if (irq)
        v->irq = *irq;
    v->offered = ops->features | VIRTIO_BIT(VIRTIO_F_VERSION_1);
    pthread_mutex_init(&v->lock, NULL);
    pthread_mutex_init(&v->irq_lock, NULL);
    for (unsigned i = 0; i < ops->num_queues; i++)
        virtq_reset(&v->queues[i], ops->queue_max);
    return v;
}

/* The driver reset the device (status 0), or it is going away. Lock held. */
static void reset_locked(struct vm_virtio *v)
{
    v->ops->reset(v->dev);
    for (unsigned i = 0; i < v->ops->num_queues; i++)
        virtq_reset(&v->queues[i], v->ops->queue_max);
    v->driver_features = 0;
    __atomic_store_n(&v->features, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&v->status, 0, __ATOMIC_RELEASE);
    set_isr(v, 0, ~0u);
}

void vm_virtio_destroy(struct vm_virtio *v)
{
    if (!v)
        return;
    pthread_mutex_lock(&v->lock);
    reset_locked(v);
    pthread_mutex_unlock(&v->lock);
    pthread_mutex_destroy(&v->lock);
    pthread_mutex_destroy(&v->irq_lock);
    free(v);
}

uint32_t vm_virtio_device_id(const struct vm_virtio *v)
{
    return v->ops->device_id;
}

uint32_t vm_virtio_read_status(struct vm_virtio *v)
{
    return __atomic_load_n(&v->status, __ATOMIC_ACQUIRE);
}

/* Set DEVICE_NEEDS_RESET; tell the driver once it is running (2.1.2). */
static void needs_reset(struct vm_virtio *v, const char *why)
{
    uint32_t old = __atomic_fetch_or(&v->status, VIRTIO_STATUS_DEVICE_NEEDS_RESET,
                                     __ATOMIC_ACQ_REL);
    if (!__atomic_exchange_n(&v->reported, true, __ATOMIC_RELAXED))
        fprintf(stderr, "vm: %s: the driver broke the virtio rules (%s); the device needs a "
                "reset\n", v->ops->name, why);
    if ((old & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
        vm_virtio_config_changed(v);
}

void vm_virtio_needs_reset(struct vm_virtio *v, const char *why)
{
    needs_reset(v, why);
}

/* FEATURES_OK: what the driver took must be offered, and be modern. */
static bool features_acceptable(const struct vm_virtio *v)
{
    return !(v->driver_features & ~v->offered) &&
           (v->driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1));
}

/* DRIVER_OK: start every ready queue, then the device. */
static void start_device(struct vm_virtio *v)
{
    bool event_idx = v->features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX),
         indirect = v->features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
    for (unsigned i = 0; i < v->ops->num_queues; i++)
        if (v->queues[i].ready)
            virtq_start(&v->queues[i], v->mem, event_idx, indirect);
    v->ops->start(v->dev, v);
}

void vm_virtio_write_status(struct vm_virtio *v, uint32_t value)
{
    pthread_mutex_lock(&v->lock);
    if (value == 0) {
        reset_locked(v);
        pthread_mutex_unlock(&v->lock);
        return;
    }
    uint32_t old = __atomic_load_n(&v->status, __ATOMIC_ACQUIRE);
    uint32_t want = value & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET; /* the device's bit */
    uint32_t have = old & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    uint32_t added = want & ~have;
    bool ok = (want & have) == have; /* bits are never cleared but by a reset */
    if (added & VIRTIO_STATUS_DRIVER)
        ok &= (want & VIRTIO_STATUS_ACKNOWLEDGE) != 0;
    if (added & VIRTIO_STATUS_FEATURES_OK)
        ok &= (want & VIRTIO_STATUS_DRIVER) && features_acceptable(v);
    if (added & VIRTIO_STATUS_DRIVER_OK)
        ok &= (want & VIRTIO_STATUS_FEATURES_OK) != 0;
    if (added & ~(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                  VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FAILED))
        ok = false;
    if (ok && added) {
        if (added & VIRTIO_STATUS_FEATURES_OK)
            __atomic_store_n(&v->features, v->driver_features, __ATOMIC_RELAXED);
        __atomic_fetch_or(&v->status, added, __ATOMIC_ACQ_REL);
        if ((added & VIRTIO_STATUS_DRIVER_OK) &&
            !(old & (VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED)))
            start_device(v);
    }
    pthread_mutex_unlock(&v->lock);
}

uint32_t vm_virtio_device_features(struct vm_virtio *v, uint32_t sel)
{
    return sel < 2 ? (uint32_t)(v->offered >> (32 * sel)) : 0;
}

void vm_virtio_driver_features(struct vm_virtio *v, uint32_t sel, uint32_t value)
{
    pthread_mutex_lock(&v->lock);
    uint32_t st = __atomic_load_n(&v->status, __ATOMIC_ACQUIRE);
    /* Only while negotiating (3.1.1 steps 4-5). */
    if (sel < 2 && (st & VIRTIO_STATUS_DRIVER) && !(st & VIRTIO_STATUS_FEATURES_OK)) {
        uint64_t mask = 0xffffffffULL << (32 * sel);
        v->driver_features = (v->driver_features & ~mask) | ((uint64_t)value << (32 * sel));
    }
    pthread_mutex_unlock(&v->lock);
}

static void set_half(uint64_t *field, bool high, uint32_t value)
{
    *field = high ? (*field & 0xffffffffULL) | (uint64_t)value << 32
                  : (*field & ~0xffffffffULL) | value;
}

uint32_t vm_virtio_queue_read(struct vm_virtio *v, uint32_t queue, enum vm_virtio_queue_reg r)
{
    if (queue >= v->ops->num_queues)
        return 0;
    pthread_mutex_lock(&v->lock);
    const struct virtq *q = &v->queues[queue];
    uint32_t val = 0;
    switch (r) {
    case VIRTIO_QREG_NUM_MAX: val = q->max_size; break;
    case VIRTIO_QREG_NUM: val = q->size; break;
    case VIRTIO_QREG_READY: val = q->ready; break;
    case VIRTIO_QREG_DESC_LO: val = (uint32_t)q->desc_pa; break;
    case VIRTIO_QREG_DESC_HI: val = (uint32_t)(q->desc_pa >> 32); break;
    case VIRTIO_QREG_DRIVER_LO: val = (uint32_t)q->avail_pa; break;
    case VIRTIO_QREG_DRIVER_HI: val = (uint32_t)(q->avail_pa >> 32); break;
    case VIRTIO_QREG_DEVICE_LO: val = (uint32_t)q->used_pa; break;
    case VIRTIO_QREG_DEVICE_HI: val = (uint32_t)(q->used_pa >> 32); break;
    }
    pthread_mutex_unlock(&v->lock);
    return val;
}

void vm_virtio_queue_write(struct vm_virtio *v, uint32_t queue, enum vm_virtio_queue_reg r,
                           uint32_t value)
{
    if (queue >= v->ops->num_queues)
        return;
    pthread_mutex_lock(&v->lock);
    struct virtq *q = &v->queues[queue];
    uint32_t st = __atomic_load_n(&v->status, __ATOMIC_ACQUIRE);
    /* Queues are set up after FEATURES_OK and before DRIVER_OK (3.1.1),
     * and a ready queue's registers stay as they are (4.2.3.2). */
    bool setup = (st & VIRTIO_STATUS_FEATURES_OK) &&
                 !(st & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FAILED));
    if (!setup || (q->ready && r != VIRTIO_QREG_READY)) {
        pthread_mutex_unlock(&v->lock);
        return;
    }
    switch (r) {
    case VIRTIO_QREG_NUM_MAX: break;
    case VIRTIO_QREG_NUM: q->size = (uint16_t)(value > 0xffff ? 0 : value); break;
    case VIRTIO_QREG_DESC_LO: set_half(&q->desc_pa, false, value); break;
    case VIRTIO_QREG_DESC_HI: set_half(&q->desc_pa, true, value); break;
    case VIRTIO_QREG_DRIVER_LO: set_half(&q->avail_pa, false, value); break;
    case VIRTIO_QREG_DRIVER_HI: set_half(&q->avail_pa, true, value); break;
    case VIRTIO_QREG_DEVICE_LO: set_half(&q->used_pa, false, value); break;
    case VIRTIO_QREG_DEVICE_HI: set_half(&q->used_pa, true, value); break;
    case VIRTIO_QREG_READY:
        if (!value) {
            q->ready = false;
        } else if (!q->ready) {
            if (virtq_check(q, v->mem) == 0) {
                q->ready = true;
            } else {
                char why[160];
                snprintf(why, sizeof(why), "queue %u: %s", queue, vm_error_message());
                needs_reset(v, why);
            }
        }
        break;
    }
    pthread_mutex_unlock(&v->lock);
}

void vm_virtio_queue_notify(struct vm_virtio *v, uint32_t queue)
{
    /* Only a running device with that queue hears it. */
    uint32_t st = __atomic_load_n(&v->status, __ATOMIC_ACQUIRE);
    if (queue >= v->ops->num_queues || !(st & VIRTIO_STATUS_DRIVER_OK) ||
        (st & (VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED)))
        return;
    pthread_mutex_lock(&v->lock); /* not during a reset or start */
    st = __atomic_load_n(&v->status, __ATOMIC_ACQUIRE);
    if ((st & VIRTIO_STATUS_DRIVER_OK) && v->queues[queue].ready)
        v->ops->notify(v->dev, queue);
    pthread_mutex_unlock(&v->lock);
}

uint32_t vm_virtio_isr_read(struct vm_virtio *v)
{
    pthread_mutex_lock(&v->irq_lock);
    uint32_t isr = v->isr;
    pthread_mutex_unlock(&v->irq_lock);
    return isr;
}

void vm_virtio_isr_ack(struct vm_virtio *v, uint32_t bits)
{
    set_isr(v, 0, bits);
}

uint32_t vm_virtio_config_generation(struct vm_virtio *v)
{
    return __atomic_load_n(&v->generation, __ATOMIC_ACQUIRE);
}

uint64_t vm_virtio_config_read(struct vm_virtio *v, uint32_t offset, unsigned len)
{
    uint8_t buf[8] = {0};
    if (len > 8 || offset > v->ops->config_size || len > v->ops->config_size - offset)
        return 0;
    v->ops->config_read(v->dev, offset, buf, len);
    return vm_ld_le(buf, len);
}

void vm_virtio_config_write(struct vm_virtio *v, uint32_t offset, unsigned len, uint64_t value)
{
    uint8_t buf[8];
    if (!v->ops->config_write || len > 8 || offset > v->ops->config_size ||
        len > v->ops->config_size - offset)
        return;
    vm_st_le(buf, len, value);
    pthread_mutex_lock(&v->lock);
    v->ops->config_write(v->dev, offset, buf, len);
    pthread_mutex_unlock(&v->lock);
}

struct virtq *vm_virtio_queue(struct vm_virtio *v, unsigned i)
{
    return i < v->ops->num_queues ? &v->queues[i] : NULL;
}

struct vm_mem *vm_virtio_mem(struct vm_virtio *v)
{
    return v->mem;
}

bool vm_virtio_has_feature(struct vm_virtio *v, unsigned bit)
{
    return bit < 64 && (__atomic_load_n(&v->features, __ATOMIC_RELAXED) >> bit & 1);
}

void vm_virtio_used(struct vm_virtio *v, struct virtq *q)
{
    if (virtq_should_notify(q))
        set_isr(v, ISR_USED, 0);
}

void vm_virtio_queue_broken(struct vm_virtio *v, struct virtq *q)
{
    char why[160];
    snprintf(why, sizeof(why), "queue %u: %s", (unsigned)(q - v->queues), q->error);
    needs_reset(v, why);
}

void vm_virtio_config_changed(struct vm_virtio *v)
{
    __atomic_fetch_add(&v->generation, 1, __ATOMIC_ACQ_REL);
    set_isr(v, ISR_CONFIG, 0);
}
