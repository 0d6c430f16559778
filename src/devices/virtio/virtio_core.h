/* One virtio device, independent of its transport: the device status
 * machine (reset, ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK,
 * DEVICE_NEEDS_RESET, FAILED), feature negotiation, the queues'
 * configuration, the interrupt status and config generation (virtio 1.2
 * sections 2.1-2.5, 3.1). A transport (virtio_mmio.c; PCI later) decodes
 * its registers into these calls; a device model (blk, net, rng) supplies
 * the ops and serves its queues.
 *
 * Threads: the transport calls come from vCPU threads and are serialised
 * by the core's lock; ops->start/notify/reset run under it. A device
 * serves its queues on its own thread(s) and calls vm_virtio_used,
 * vm_virtio_queue_broken and vm_virtio_config_changed from there: those
 * never take the core's lock, so ops->reset may wait for that thread. */
#ifndef VM_DEVICES_VIRTIO_CORE_H
#define VM_DEVICES_VIRTIO_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/virtio.h"
#include "devices/virtio/virtqueue.h"
#include "vm/irq.h"
#include "vm/mem.h"

#define VIRTIO_MAX_QUEUES 8

struct vm_virtio;

struct vm_virtio_device_ops {
    const char *name;     /* "virtio-blk", for messages */
    uint32_t device_id;   /* VIRTIO_ID_* */
    uint64_t features;    /* offered, besides VIRTIO_F_VERSION_1 (always) */
    unsigned num_queues;  /* 1..VIRTIO_MAX_QUEUES */
    uint16_t queue_max;   /* every queue's maximum size (a power of two) */
    uint32_t config_size; /* bytes of device configuration space */
    /* Bytes [offset, offset+len) of the configuration space (in range). */
    void (*config_read)(void *dev, uint32_t offset, void *buf, uint32_t len);
    /* Optional: the driver writes the configuration space (in range). */
    void (*config_write)(void *dev, uint32_t offset, const void *buf, uint32_t len);
    /* DRIVER_OK: the ready queues are started; serve them from now on. */
    void (*start)(void *dev, struct vm_virtio *v);
    /* The driver notified queue i (QueueNotify). Must not block. */
    void (*notify)(void *dev, unsigned queue);
    /* Stop using the queues and guest memory; return only when nothing is
     * in flight (also called before the device is destroyed). */
    void (*reset)(void *dev);
};

/* ---- for boards and transports ---- */
struct vm_virtio *vm_virtio_create(const struct vm_virtio_device_ops *ops, void *dev,
                                   struct vm_mem *mem, const struct vm_irq_line *irq);
/* Resets the device (ops->reset) and frees the core; not the device. */
void vm_virtio_destroy(struct vm_virtio *v);

uint32_t vm_virtio_device_id(const struct vm_virtio *v);
uint32_t vm_virtio_read_status(struct vm_virtio *v);
/* A driver's status write: 0 resets; otherwise only allowed transitions
 * (bits are added in order, never cleared) take effect. */
void vm_virtio_write_status(struct vm_virtio *v, uint32_t status);
uint32_t vm_virtio_device_features(struct vm_virtio *v, uint32_t sel);
void vm_virtio_driver_features(struct vm_virtio *v, uint32_t sel, uint32_t value);

enum vm_virtio_queue_reg {
    VIRTIO_QREG_NUM_MAX, VIRTIO_QREG_NUM, VIRTIO_QREG_READY,
    VIRTIO_QREG_DESC_LO, VIRTIO_QREG_DESC_HI, VIRTIO_QREG_DRIVER_LO, VIRTIO_QREG_DRIVER_HI,
    VIRTIO_QREG_DEVICE_LO, VIRTIO_QREG_DEVICE_HI,
};
uint32_t vm_virtio_queue_read(struct vm_virtio *v, uint32_t queue, enum vm_virtio_queue_reg r);
void vm_virtio_queue_write(struct vm_virtio *v, uint32_t queue, enum vm_virtio_queue_reg r,
                           uint32_t value);
void vm_virtio_queue_notify(struct vm_virtio *v, uint32_t queue);

uint32_t vm_virtio_isr_read(struct vm_virtio *v);
void vm_virtio_isr_ack(struct vm_virtio *v, uint32_t bits);
uint32_t vm_virtio_config_generation(struct vm_virtio *v);
/* len 1, 2, 4 or 8; out of range: reads 0, writes ignored. */
uint64_t vm_virtio_config_read(struct vm_virtio *v, uint32_t offset, unsigned len);
void vm_virtio_config_write(struct vm_virtio *v, uint32_t offset, unsigned len, uint64_t value);

/* ---- for device models (any thread) ---- */
struct virtq *vm_virtio_queue(struct vm_virtio *v, unsigned i);
struct vm_mem *vm_virtio_mem(struct vm_virtio *v);
/* Negotiated (valid from start on). */
bool vm_virtio_has_feature(struct vm_virtio *v, unsigned bit);
/* After pushes on q: interrupt the driver if it asked to be. */
void vm_virtio_used(struct vm_virtio *v, struct virtq *q);
/* q broke a rule (q->error): DEVICE_NEEDS_RESET and a config interrupt. */
void vm_virtio_queue_broken(struct vm_virtio *v, struct virtq *q);
/* The configuration space changed: new generation, config interrupt. */
void vm_virtio_config_changed(struct vm_virtio *v);
/* A device failure not tied to a queue: DEVICE_NEEDS_RESET. */
void vm_virtio_needs_reset(struct vm_virtio *v, const char *why);

#endif
