/* A tiny virtio-mmio driver for tests: guest RAM in a vm_mem, the device's
 * registers through vm_mem_load/store (as a hart would reach them), one
 * split queue laid out in RAM, and helpers to build descriptor chains and
 * wait for the used ring. Header-only: include once per test. */
#ifndef VM_TESTS_VDRIVER_H
#define VM_TESTS_VDRIVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/virtio/virtio.h"
#include "devices/virtio/virtio_mmio.h"
#include "devices/virtio/virtqueue.h"
#include "vm/mem.h"

#define VD_RAM_BASE 0x80000000ULL
#define VD_RAM_SIZE (8ULL << 20)
#define VD_MMIO_BASE 0x10001000ULL

struct vdrv {
    struct vm_mem *mem;
    uint64_t mmio;
    atomic_bool irq;      /* the device's interrupt line */
    atomic_int irq_edges; /* rising edges seen */
    uint16_t qsize;
    uint64_t desc, avail, used;
    uint16_t avail_idx, used_seen;
    uint64_t next_free; /* bump allocator in RAM */
};

static inline void vd_irq_set(void *opaque, unsigned n, bool level)
{
    struct vdrv *d = opaque;
    if (level && !atomic_exchange(&d->irq, true))
        atomic_fetch_add(&d->irq_edges, 1);
    if (!level)
        atomic_store(&d->irq, false);
}

static inline struct vm_irq_line vd_irq_line(struct vdrv *d)
{
    return (struct vm_irq_line){vd_irq_set, d, 0};
}

/* RAM at VD_RAM_BASE; the caller creates the device and its transport at
 * VD_MMIO_BASE. */
static inline void vd_mem_init(struct vdrv *d)
{
    memset(d, 0, sizeof(*d));
    d->mem = vm_mem_create();
    vm_mem_add_ram(d->mem, VD_RAM_BASE, VD_RAM_SIZE, "ram");
    d->mmio = VD_MMIO_BASE;
    d->next_free = VD_RAM_BASE + 0x100000;
}

static inline uint32_t vd_read(struct vdrv *d, uint64_t off)
{
    uint64_t v = 0;
    vm_mem_load(d->mem, d->mmio + off, 4, &v);
    return (uint32_t)v;
}

static inline void vd_write(struct vdrv *d, uint64_t off, uint32_t v)
{
    vm_mem_store(d->mem, d->mmio + off, 4, v);
}

static inline uint8_t *vd_host(struct vdrv *d, uint64_t pa)
{
    return vm_mem_ram_ptr(d->mem, pa, 1);
}

static inline uint64_t vd_alloc(struct vdrv *d, uint64_t size, uint64_t align)
{
    uint64_t p = (d->next_free + align - 1) / align * align;
    d->next_free = p + size;
    memset(vd_host(d, p), 0, size);
    return p;
}

static inline uint64_t vd_device_features(struct vdrv *d)
{
    vd_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t lo = vd_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
    vd_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    return lo | (uint64_t)vd_read(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

/* Reset, ACKNOWLEDGE, DRIVER, the features, FEATURES_OK; returns the
 * status read back. */
static inline uint32_t vd_negotiate(struct vdrv *d, uint64_t features)
{
    vd_write(d, VIRTIO_MMIO_STATUS, 0);
    vd_write(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    vd_write(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    vd_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vd_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    vd_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vd_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    vd_write(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                        VIRTIO_STATUS_FEATURES_OK);
    return vd_read(d, VIRTIO_MMIO_STATUS);
}

static inline void vd_queue_regs(struct vdrv *d, unsigned q, uint16_t size, uint64_t desc,
                                 uint64_t avail, uint64_t used)
{
    vd_write(d, VIRTIO_MMIO_QUEUE_SEL, q);
    vd_write(d, VIRTIO_MMIO_QUEUE_NUM, size);
    vd_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    vd_write(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    vd_write(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    vd_write(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    vd_write(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    vd_write(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    vd_write(d, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* A fresh, well-formed queue q of `size` entries in RAM. */
static inline void vd_setup_queue(struct vdrv *d, unsigned q, uint16_t size)
{
    d->qsize = size;
    d->desc = vd_alloc(d, 16ULL * size, 16);
    d->avail = vd_alloc(d, 6 + 2ULL * size, 2);
    d->used = vd_alloc(d, 6 + 8ULL * size, 4);
    d->avail_idx = d->used_seen = 0;
    vd_queue_regs(d, q, size, d->desc, d->avail, d->used);
}

static inline void vd_driver_ok(struct vdrv *d)
{
    vd_write(d, VIRTIO_MMIO_STATUS, vd_read(d, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

/* Descriptor i of the table at `table` (the queue's by default). */
static inline void vd_desc_at(struct vdrv *d, uint64_t table, unsigned i, uint64_t addr,
                              uint32_t len, uint16_t flags, uint16_t next)
{
    struct virtq_desc x = {addr, len, flags, next};
    memcpy(vd_host(d, table + 16ULL * i), &x, sizeof(x));
}

static inline void vd_desc(struct vdrv *d, unsigned i, uint64_t addr, uint32_t len,
                           uint16_t flags, uint16_t next)
{
    vd_desc_at(d, d->desc, i, addr, len, flags, next);
}

static inline uint16_t *vd_avail_field(struct vdrv *d, unsigned i)
{
    return (uint16_t *)vd_host(d, d->avail + 2ULL * i);
}

/* Put head on the avail ring (without notifying). */
static inline void vd_post(struct vdrv *d, uint16_t head)
{
    *vd_avail_field(d, 2 + d->avail_idx % d->qsize) = head;
    d->avail_idx++;
    __atomic_store_n(vd_avail_field(d, 1), d->avail_idx, __ATOMIC_RELEASE);
}

static inline void vd_notify(struct vdrv *d, unsigned q)
{
    vd_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static inline void vd_submit(struct vdrv *d, unsigned q, uint16_t head)
{
    vd_post(d, head);
    vd_notify(d, q);
}

static inline uint16_t vd_used_idx(struct vdrv *d)
{
    return __atomic_load_n((uint16_t *)vd_host(d, d->used + 2), __ATOMIC_ACQUIRE);
}

/* Wait up to ~5 s for the next used element; false on timeout. */
static inline bool vd_wait_used(struct vdrv *d, uint32_t *id, uint32_t *len)
{
    for (int i = 0; i < 50000; i++) {
        if (vd_used_idx(d) != d->used_seen) {
            const uint8_t *e = vd_host(d, d->used + 4 + 8ULL * (d->used_seen % d->qsize));
            memcpy(id, e, 4);
            memcpy(len, e + 4, 4);
            d->used_seen++;
            return true;
        }
        usleep(100);
    }
    return false;
}

/* Wait up to ~5 s for a status bit. */
static inline bool vd_wait_status(struct vdrv *d, uint32_t bit)
{
    for (int i = 0; i < 50000; i++) {
        if (vd_read(d, VIRTIO_MMIO_STATUS) & bit)
            return true;
        usleep(100);
    }
    return false;
}

#endif
