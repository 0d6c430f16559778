/* The virtio-mmio transport, version 2 (virtio 1.2 section 4.2): one
 * 0x200-byte register window (of a 0x1000 slot) per device, as on QEMU's
 * virt machine. A slot without a device answers with the magic, version 2
 * and device ID 0, as QEMU's empty transports do, so that a guest probing
 * every slot of the device tree skips it.
 *
 * Registers take aligned 32-bit accesses only (others read 0 and are
 * ignored, as in QEMU); the device configuration space from 0x100 takes
 * 1, 2, 4 and 8 bytes. */
#ifndef VM_DEVICES_VIRTIO_MMIO_H
#define VM_DEVICES_VIRTIO_MMIO_H

#include <stdint.h>

#include "devices/virtio/virtio_core.h"
#include "vm/mem.h"

#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_SEL 0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bc
#define VIRTIO_MMIO_QUEUE_RESET 0x0c0
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100
#define VIRTIO_MMIO_MAGIC 0x74726976 /* "virt" */
#define VIRTIO_MMIO_REGION_SIZE 0x200

struct vm_virtio_mmio;

/* Register the transport at base in mem. v (owned by the caller, may be
 * NULL for an empty slot) is the device behind it. */
struct vm_virtio_mmio *vm_virtio_mmio_create(struct vm_mem *mem, uint64_t base,
                                             struct vm_virtio *v);
/* The MMIO region stays in mem: destroy when no vCPU runs any more. */
void vm_virtio_mmio_destroy(struct vm_virtio_mmio *t);

/* The register model without a bus (tests, fuzzers). */
int vm_virtio_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
int vm_virtio_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);

#endif
