/* Split virtqueues (virtio 1.2, 2.7), the device side: checking a queue's
 * configuration, walking descriptor chains (with indirect tables), handing
 * buffers back through the used ring, and notification suppression
 * (EVENT_IDX or the flags).
 *
 * Every guest-controlled value is checked, by the rules Firecracker and
 * crosvm enforce:
 *   - the size is a non-zero power of two no larger than the maximum, the
 *     rings are aligned (16/2/4) and lie inside guest RAM (virtq_check);
 *   - avail.idx may not run more than the size ahead of what the device
 *     has taken;
 *   - head and next indices are below the size (the table's length for an
 *     indirect table); an indirect table is a whole number of descriptors,
 *     in RAM, not nested and not chained with NEXT;
 *   - a chain is no longer than the queue (or its table), so a loop ends;
 *   - no device-readable buffer follows a device-writable one;
 *   - flags other than NEXT, WRITE and INDIRECT (INDIRECT only when
 *     negotiated) are refused;
 *   - every buffer lies inside one RAM region.
 * A violation makes the queue broken (virtq_pop returns VIRTQ_BROKEN with
 * the reason in q->error): the device then sets DEVICE_NEEDS_RESET and
 * stops using the queue until the driver resets it.
 *
 * Memory ordering: the driver runs on other host threads. avail.idx is
 * read with acquire before the ring entries it covers; used entries are
 * written before used.idx is stored; publishing used.idx (or avail_event)
 * and then reading the driver's suppression fields (or avail.idx again)
 * are seq_cst accesses, which order the store before the load (a full
 * barrier, virtio's mb(); TSan understands them, unlike fences).
 *
 * One thread at a time uses a queue (the device's worker); the transport
 * configures it only while the device is not using it. */
#ifndef VM_DEVICES_VIRTIO_VIRTQUEUE_H
#define VM_DEVICES_VIRTIO_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/mem.h"

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY 1
#define VIRTQ_MAX_SIZE 32768 /* the spec's limit on Queue Size */

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

/* One buffer of a chain: its guest address, host pointer and length. */
struct virtq_buf {
    uint64_t pa;
    uint8_t *host;
    uint32_t len;
};

/* A descriptor chain taken from the avail ring: the device-readable
 * buffers first (out), then the device-writable ones (in). bufs has room
 * for `cap` entries (the queue's maximum size is enough). */
struct virtq_chain {
    uint16_t head;
    unsigned n_out, n_in; /* bufs[0 .. n_out) readable, then n_in writable */
    uint64_t out_len, in_len;
    unsigned cap;
    struct virtq_buf *bufs;
};

struct virtq {
    /* driver-written configuration (the transport's registers) */
    uint16_t size, max_size;
    uint64_t desc_pa, avail_pa, used_pa;
    bool ready;

    /* set by virtq_start */
    struct vm_mem *mem;
    bool event_idx, indirect;
    struct virtq_desc *desc;
    uint16_t *avail; /* flags, idx, ring[size], used_event */
    uint8_t *used;   /* flags, idx, ring[size] of {u32 id, u32 len}, avail_event */
    uint16_t last_avail, used_idx, signalled_used;
    bool signalled_valid, broken;
    char error[96];
};

/* Reset to the power-on state (not ready, size = max_size). */
void virtq_reset(struct virtq *q, uint16_t max_size);
/* 0 if the configuration is usable, else -VM_EINVAL with the reason. */
int virtq_check(const struct virtq *q, struct vm_mem *mem);
/* Begin using a checked, ready queue with the negotiated features. */
void virtq_start(struct virtq *q, struct vm_mem *mem, bool event_idx, bool indirect);

#define VIRTQ_EMPTY 0
#define VIRTQ_GOT 1
#define VIRTQ_BROKEN (-1)
/* Take the next chain. VIRTQ_EMPTY: nothing available; VIRTQ_BROKEN: the
 * driver broke a rule (q->broken is set, q->error says which). */
int virtq_pop(struct virtq *q, struct virtq_chain *c);
/* Hand a chain back with `written` bytes written into its in buffers. */
void virtq_push(struct virtq *q, uint16_t head, uint32_t written);
/* Several chains handed back at once (one frame over mergeable buffers):
 * fill used elements i = 0..n-1, then publish them with one flush. */
void virtq_fill(struct virtq *q, unsigned i, uint16_t head, uint32_t written);
void virtq_flush(struct virtq *q, unsigned n);
/* Give back the last n chains taken and not yet used (they stay the
 * driver's, to be taken again). */
void virtq_unpop(struct virtq *q, unsigned n);
/* After pushes: whether the driver wants an interrupt now. */
bool virtq_should_notify(struct virtq *q);
/* Driver notifications: ask for them (returns true when more chains came
 * meanwhile, so the device must look again before sleeping) or not. */
bool virtq_enable_notify(struct virtq *q);
void virtq_disable_notify(struct virtq *q);
/* Chains available and not yet taken (0 for a broken queue). */
bool virtq_has_work(struct virtq *q);

/* Copy from/to a chain's readable/writable buffers, starting `offset`
 * bytes into them; return the bytes copied. */
uint64_t virtq_chain_read(const struct virtq_chain *c, uint64_t offset, void *dst,
                          uint64_t len);
uint64_t virtq_chain_write(struct virtq *q, const struct virtq_chain *c, uint64_t offset,
                           const void *src, uint64_t len);

/* Guest RAM [pa, pa+len) as a host pointer, or NULL unless it all lies
 * in one RAM region. len 0 is checked as 1 byte. */
void *virtq_ram(struct vm_mem *mem, uint64_t pa, uint64_t len);
/* Record a device write into guest RAM (dirty log; code invalidation). */
void virtq_ram_written(struct vm_mem *mem, uint64_t pa, uint64_t len);

#endif
