/* virtio-blk (virtio 1.2 section 5.2) on a raw disk image: read, write,
 * flush, get-id, discard and write-zeroes; FLUSH, CONFIG_WCE, SEG_MAX,
 * BLK_SIZE, RO (readonly images), DISCARD and WRITE_ZEROES (writable
 * ones), INDIRECT_DESC and EVENT_IDX are offered.
 *
 * Requests run on the device's own I/O thread, never on a vCPU: a queue
 * notification only wakes it. A request completes (used ring, interrupt)
 * only after its data is in the host file; a flush is an fdatasync (except
 * cache=unsafe); without a negotiated FLUSH, or with the guest's write
 * cache turned off (CONFIG_WCE), every write is made durable before it
 * completes. A driver reset waits for the request in flight.
 *
 * A request the device cannot serve gets VIRTIO_BLK_S_IOERR (bad range or
 * length, host I/O error, a write to a read-only disk) or
 * VIRTIO_BLK_S_UNSUPP (unknown type, bad discard flags); a ring that
 * breaks the virtio rules sets DEVICE_NEEDS_RESET (virtqueue.h). */
#ifndef VM_DEVICES_VIRTIO_BLK_H
#define VM_DEVICES_VIRTIO_BLK_H

#include <stdint.h>

#include "devices/disk_image.h"
#include "devices/virtio/virtio_core.h"

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_GET_LIFETIME 10
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_T_SECURE_ERASE 14

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_QUEUE_SIZE 256 /* QEMU's default queue-size */
#define VIRTIO_BLK_SEG_MAX (VIRTIO_BLK_QUEUE_SIZE - 2)
#define VIRTIO_BLK_MAX_DISCARD_SECTORS 0x3fffff /* QEMU's: INT_MAX >> 9 */

/* The configuration space (5.2.4), little-endian. */
#define VIRTIO_BLK_CFG_CAPACITY 0
#define VIRTIO_BLK_CFG_SEG_MAX 12
#define VIRTIO_BLK_CFG_BLK_SIZE 20
#define VIRTIO_BLK_CFG_WRITEBACK 32
#define VIRTIO_BLK_CFG_NUM_QUEUES 34
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG 40
#define VIRTIO_BLK_CFG_DISCARD_ALIGN 44
#define VIRTIO_BLK_CFG_MAX_WZ_SECTORS 48
#define VIRTIO_BLK_CFG_MAX_WZ_SEG 52
#define VIRTIO_BLK_CFG_WZ_MAY_UNMAP 56
#define VIRTIO_BLK_CFG_SIZE 60

struct vm_virtio_blk;

/* The disk stays the caller's (it outlives resets of the machine). serial:
 * GET_ID's answer (up to 20 bytes; NULL: empty). */
struct vm_virtio_blk *vm_virtio_blk_create(struct vm_mem *mem, const struct vm_irq_line *irq,
                                           struct vm_disk *disk, const char *serial);
/* Stops the I/O thread (after the request in flight). */
void vm_virtio_blk_destroy(struct vm_virtio_blk *b);
struct vm_virtio *vm_virtio_blk_core(struct vm_virtio_blk *b);

/* One request, as the I/O thread serves it (also for tests and the fuzzer):
 * returns the bytes written into the chain's writable buffers, the status
 * byte included, or 0 when the chain has no room for a status byte. */
uint32_t vm_virtio_blk_serve(struct vm_virtio_blk *b, struct virtq *q,
                             const struct virtq_chain *c);

#endif
