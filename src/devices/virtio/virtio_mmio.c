/* The virtio-mmio transport, version 2 (virtio_mmio.h). */
#include "devices/virtio/virtio_mmio.h"

#include <pthread.h>
#include <stdlib.h>

#include "vm/error.h"

struct vm_virtio_mmio {
    struct vm_virtio *v; /* NULL: an empty slot */
    pthread_mutex_t lock; /* the selectors */
    uint32_t device_features_sel, driver_features_sel, queue_sel, shm_sel;
};

static uint32_t selector(struct vm_virtio_mmio *t, uint32_t *sel)
{
    pthread_mutex_lock(&t->lock);
    uint32_t s = *sel;
    pthread_mutex_unlock(&t->lock);
    return s;
}

static int queue_reg(uint64_t offset, enum vm_virtio_queue_reg *r)
{
    switch (offset) {
    case VIRTIO_MMIO_QUEUE_NUM_MAX: *r = VIRTIO_QREG_NUM_MAX; return 1;
    case VIRTIO_MMIO_QUEUE_NUM: *r = VIRTIO_QREG_NUM; return 1;
    case VIRTIO_MMIO_QUEUE_READY: *r = VIRTIO_QREG_READY; return 1;
    case VIRTIO_MMIO_QUEUE_DESC_LOW: *r = VIRTIO_QREG_DESC_LO; return 1;
    case VIRTIO_MMIO_QUEUE_DESC_HIGH: *r = VIRTIO_QREG_DESC_HI; return 1;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW: *r = VIRTIO_QREG_DRIVER_LO; return 1;
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: *r = VIRTIO_QREG_DRIVER_HI; return 1;
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW: *r = VIRTIO_QREG_DEVICE_LO; return 1;
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: *r = VIRTIO_QREG_DEVICE_HI; return 1;
    default: return 0;
    }
}

int vm_virtio_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct vm_virtio_mmio *t = opaque;
    struct vm_virtio *v = t->v;
    *value = 0;
    if (offset >= VIRTIO_MMIO_CONFIG) {
        if (v)
            *value = vm_virtio_config_read(v, (uint32_t)(offset - VIRTIO_MMIO_CONFIG), size);
        return 0;
    }
    if (size != 4 || offset % 4)
        return 0;
    enum vm_virtio_queue_reg qr;
    switch (offset) {
    case VIRTIO_MMIO_MAGIC_VALUE: *value = VIRTIO_MMIO_MAGIC; return 0;
    case VIRTIO_MMIO_VERSION: *value = 2; return 0;
    case VIRTIO_MMIO_DEVICE_ID: *value = v ? vm_virtio_device_id(v) : 0; return 0;
    case VIRTIO_MMIO_VENDOR_ID: *value = VIRTIO_VENDOR_QEMU; return 0;
    default: break;
    }
    if (!v)
        return 0;
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_FEATURES:
        *value = vm_virtio_device_features(v, selector(t, &t->device_features_sel));
        break;
    case VIRTIO_MMIO_INTERRUPT_STATUS: *value = vm_virtio_isr_read(v); break;
    case VIRTIO_MMIO_STATUS: *value = vm_virtio_read_status(v); break;
    case VIRTIO_MMIO_CONFIG_GENERATION: *value = vm_virtio_config_generation(v); break;
    /* No shared memory regions: length ~0 says "none" (4.2.2). */
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW:
    case VIRTIO_MMIO_SHM_BASE_HIGH: *value = 0xffffffffu; break;
    default:
        if (queue_reg(offset, &qr))
            *value = vm_virtio_queue_read(v, selector(t, &t->queue_sel), qr);
        break; /* write-only and reserved registers read 0 */
    }
    return 0;
}

int vm_virtio_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct vm_virtio_mmio *t = opaque;
    struct vm_virtio *v = t->v;
    if (!v)
        return 0;
    if (offset >= VIRTIO_MMIO_CONFIG) {
        vm_virtio_config_write(v, (uint32_t)(offset - VIRTIO_MMIO_CONFIG), size, value);
        return 0;
    }
    if (size != 4 || offset % 4)
        return 0;
    uint32_t val = (uint32_t)value;
    enum vm_virtio_queue_reg qr;
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
    case VIRTIO_MMIO_QUEUE_SEL:
    case VIRTIO_MMIO_SHM_SEL:
        pthread_mutex_lock(&t->lock);
        if (offset == VIRTIO_MMIO_DEVICE_FEATURES_SEL)
            t->device_features_sel = val;
        else if (offset == VIRTIO_MMIO_DRIVER_FEATURES_SEL)
            t->driver_features_sel = val;
        else if (offset == VIRTIO_MMIO_QUEUE_SEL)
            t->queue_sel = val;
        else
            t->shm_sel = val;
        pthread_mutex_unlock(&t->lock);
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        vm_virtio_driver_features(v, selector(t, &t->driver_features_sel), val);
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY: vm_virtio_queue_notify(v, val); break;
    case VIRTIO_MMIO_INTERRUPT_ACK: vm_virtio_isr_ack(v, val); break;
    case VIRTIO_MMIO_STATUS:
        vm_virtio_write_status(v, val);
        if (val == 0) { /* a reset also clears the transport's selectors */
            pthread_mutex_lock(&t->lock);
            t->device_features_sel = t->driver_features_sel = t->queue_sel = t->shm_sel = 0;
            pthread_mutex_unlock(&t->lock);
        }
        break;
    default:
        if (queue_reg(offset, &qr))
            vm_virtio_queue_write(v, selector(t, &t->queue_sel), qr, val);
        break; /* read-only and reserved registers ignore writes */
    }
    return 0;
}

static const struct vm_mmio_ops mmio_ops = {
    .read = vm_virtio_mmio_read,
    .write = vm_virtio_mmio_write,
};

struct vm_virtio_mmio *vm_virtio_mmio_create(struct vm_mem *mem, uint64_t base,
                                             struct vm_virtio *v)
{
    struct vm_virtio_mmio *t = calloc(1, sizeof(*t));
    if (!t) {
        vm_error(VM_ENOMEM, "virtio-mmio: out of host memory");
        return NULL;
    }
    t->v = v;
    pthread_mutex_init(&t->lock, NULL);
    if (mem && vm_mem_add_mmio(mem, base, VIRTIO_MMIO_REGION_SIZE, &mmio_ops, t,
                               "virtio-mmio") < 0) {
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    return t;
}

void vm_virtio_mmio_destroy(struct vm_virtio_mmio *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t);
}
