/* Split virtqueues, device side (virtqueue.h). */
#include "devices/virtio/virtqueue.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vm/error.h"

#define AVAIL_FLAGS 0
#define AVAIL_IDX 1
#define AVAIL_RING 2 /* in uint16_t units */
#define USED_RING 4  /* byte offset of ring[0] */

void *virtq_ram(struct vm_mem *mem, uint64_t pa, uint64_t len)
{
    return vm_mem_ram_ptr(mem, pa, len ? len : 1);
}

static void *virtq_ram_writable(struct vm_mem *mem, uint64_t pa, uint64_t len)
{
    return vm_mem_ram_ptr_writable(mem, pa, len ? len : 1); /* not the boot ROM */
}

void virtq_ram_written(struct vm_mem *mem, uint64_t pa, uint64_t len)
{
    if (!len)
        return;
    /* Decoded or translated code on these pages is stale now (a module or
     * a program read from disk, then run). */
    vm_mem_notify_write(mem, pa, len);
    const struct vm_mem_region *r = vm_mem_find(mem, pa);
    if (!r || !r->dirty)
        return;
    for (uint64_t p = pa & ~(VM_PAGE_SIZE - 1); p < pa + len; p += VM_PAGE_SIZE)
        vm_mem_mark_dirty(r, p);
}

void virtq_reset(struct virtq *q, uint16_t max_size)
{
    memset(q, 0, sizeof(*q));
    q->max_size = max_size;
    q->size = max_size;
}

int virtq_check(const struct virtq *q, struct vm_mem *mem)
{
    uint64_t n = q->size;
    if (n == 0 || (n & (n - 1)) || n > q->max_size)
        return vm_error(VM_EINVAL, "queue size %u: not a power of two from 1 to %u", q->size,
                        q->max_size);
    if (q->desc_pa % 16 || q->avail_pa % 2 || q->used_pa % 4)
        return vm_error(VM_EINVAL, "misaligned ring (descriptors 0x%llx, avail 0x%llx, used 0x%llx)",
                        (unsigned long long)q->desc_pa, (unsigned long long)q->avail_pa,
                        (unsigned long long)q->used_pa);
    if (!virtq_ram(mem, q->desc_pa, 16 * n))
        return vm_error(VM_EINVAL, "descriptor table at 0x%llx is not in RAM",
                        (unsigned long long)q->desc_pa);
    if (!virtq_ram(mem, q->avail_pa, 6 + 2 * n))
        return vm_error(VM_EINVAL, "avail ring at 0x%llx is not in RAM",
                        (unsigned long long)q->avail_pa);
    if (!virtq_ram_writable(mem, q->used_pa, 6 + 8 * n))
        return vm_error(VM_EINVAL, "used ring at 0x%llx is not in RAM",
                        (unsigned long long)q->used_pa);
    return 0;
}

void virtq_start(struct virtq *q, struct vm_mem *mem, bool event_idx, bool indirect)
{
    q->mem = mem;
    q->event_idx = event_idx;
    q->indirect = indirect;
    q->desc = virtq_ram(mem, q->desc_pa, 16ULL * q->size);
    q->avail = virtq_ram(mem, q->avail_pa, 6 + 2ULL * q->size);
    q->used = virtq_ram(mem, q->used_pa, 6 + 8ULL * q->size);
    q->last_avail = q->used_idx = q->signalled_used = 0;
    q->signalled_valid = false;
    q->broken = false;
    q->error[0] = '\0';
}

static uint16_t load16(const uint16_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static uint16_t avail_idx(const struct virtq *q)
{
    return __atomic_load_n(&q->avail[AVAIL_IDX], __ATOMIC_ACQUIRE);
}

static uint16_t *used_flags(const struct virtq *q)
{
    return (uint16_t *)q->used;
}

static uint16_t *used_idx_field(const struct virtq *q)
{
    return (uint16_t *)(q->used + 2);
}

static uint16_t *avail_event(const struct virtq *q)
{
    return (uint16_t *)(q->used + USED_RING + 8 * (size_t)q->size);
}

static int broken(struct virtq *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int broken(struct virtq *q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->error, sizeof(q->error), fmt, ap);
    va_end(ap);
    q->broken = true;
    return VIRTQ_BROKEN;
}

bool virtq_has_work(struct virtq *q)
{
    return !q->broken && q->avail && avail_idx(q) != q->last_avail;
}

/* Copy one descriptor once: the driver may change it while we look. */
static void read_desc(const struct virtq_desc *table, unsigned i, struct virtq_desc *d)
{
    memcpy(d, &table[i], sizeof(*d));
}

int virtq_pop(struct virtq *q, struct virtq_chain *c)
{
    if (q->broken)
        return VIRTQ_BROKEN;
    if (!q->avail)
        return VIRTQ_EMPTY;
    uint16_t idx = avail_idx(q), pending = (uint16_t)(idx - q->last_avail);
    if (pending == 0)
        return VIRTQ_EMPTY;
    if (pending > q->size)
        return broken(q, "avail.idx is %u entries ahead of the device (queue size %u)", pending,
                      q->size);
    uint16_t head = load16(&q->avail[AVAIL_RING + q->last_avail % q->size]);
    if (head >= q->size)
        return broken(q, "avail ring: descriptor index %u out of range (queue size %u)", head,
                      q->size);

    const struct virtq_desc *table = q->desc;
    unsigned limit = q->size, count = 0, i = head;
    bool in_table = false;
    c->head = head;
    c->n_out = c->n_in = 0;
    c->out_len = c->in_len = 0;
    for (;;) {
        struct virtq_desc d;
        read_desc(table, i, &d);
        if (++count > limit)
            return broken(q, "descriptor chain from %u is longer than %u (a loop?)", head,
                          limit);
        if (d.flags & ~(VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT))
            return broken(q, "descriptor %u: unknown flags 0x%x", i, d.flags);
        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            if (!q->indirect)
                return broken(q, "descriptor %u: indirect table, not negotiated", i);
            if (in_table)
                return broken(q, "descriptor %u: nested indirect table", i);
            if (d.flags & VIRTQ_DESC_F_NEXT)
                return broken(q, "descriptor %u: indirect table with NEXT set", i);
            if (d.len == 0 || d.len % 16 || d.len / 16 > q->size)
                return broken(q, "descriptor %u: indirect table of %u bytes", i, d.len);
            if (!(table = virtq_ram(q->mem, d.addr, d.len)))
                return broken(q, "descriptor %u: indirect table outside RAM", i);
            in_table = true;
            limit = d.len / 16;
            count = 0;
            i = 0;
            continue;
        }
        bool write = d.flags & VIRTQ_DESC_F_WRITE;
        if (!write && c->n_in)
            return broken(q, "descriptor %u: device-readable after device-writable", i);
        if (d.len) {
            uint8_t *host = write ? virtq_ram_writable(q->mem, d.addr, d.len)
                                  : virtq_ram(q->mem, d.addr, d.len);
            if (!host)
                return broken(q, "descriptor %u: buffer of %u bytes outside RAM", i, d.len);
            if (c->n_out + c->n_in >= c->cap)
                return broken(q, "descriptor chain from %u has more than %u buffers", head,
                              c->cap);
            c->bufs[c->n_out + c->n_in] = (struct virtq_buf){d.addr, host, d.len};
            if (write) {
                c->n_in++;
                c->in_len += d.len;
            } else {
                c->n_out++;
                c->out_len += d.len;
            }
        }
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            break;
        if (d.next >= limit)
            return broken(q, "descriptor %u: next index %u out of range", i, d.next);
        i = d.next;
    }
    q->last_avail++;
    return VIRTQ_GOT;
}

void virtq_fill(struct virtq *q, unsigned i, uint16_t head, uint32_t written)
{
    uint8_t *e = q->used + USED_RING + 8 * (size_t)((uint16_t)(q->used_idx + i) % q->size);
    uint32_t id = head;
    __atomic_store_n((uint32_t *)e, id, __ATOMIC_RELAXED);
    __atomic_store_n((uint32_t *)(e + 4), written, __ATOMIC_RELAXED);
}

void virtq_flush(struct virtq *q, unsigned n)
{
    /* The elements first, then the index that publishes them. seq_cst:
     * also ordered before the reads of the driver's suppression fields in
     * virtq_should_notify (a full barrier, as virtio's mb()). */
    q->used_idx = (uint16_t)(q->used_idx + n);
    __atomic_store_n(used_idx_field(q), q->used_idx, __ATOMIC_SEQ_CST);
    virtq_ram_written(q->mem, q->used_pa, 6 + 8ULL * q->size);
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t written)
{
    virtq_fill(q, 0, head, written);
    virtq_flush(q, 1);
}

void virtq_unpop(struct virtq *q, unsigned n)
{
    q->last_avail = (uint16_t)(q->last_avail - n);
}

bool virtq_should_notify(struct virtq *q)
{
    /* seq_cst loads after virtq_push's seq_cst store of used.idx: the
     * driver's choice is read only once our index is visible. */
    if (!q->event_idx)
        return !(__atomic_load_n(&q->avail[AVAIL_FLAGS], __ATOMIC_SEQ_CST) &
                 VIRTQ_AVAIL_F_NO_INTERRUPT);
    uint16_t event = __atomic_load_n(&q->avail[AVAIL_RING + q->size], __ATOMIC_SEQ_CST);
    uint16_t old = q->signalled_used, now = q->used_idx;
    bool valid = q->signalled_valid;
    q->signalled_used = now;
    q->signalled_valid = true;
    /* vring_need_event: the driver's used_event lies in [old, now). */
    return !valid || (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

bool virtq_enable_notify(struct virtq *q)
{
    if (!q->avail || q->broken)
        return false;
    /* seq_cst store then seq_cst load: our request is visible before we
     * look at avail.idx again (virtio's mb()). */
    if (q->event_idx)
        __atomic_store_n(avail_event(q), q->last_avail, __ATOMIC_SEQ_CST);
    else
        __atomic_store_n(used_flags(q), 0, __ATOMIC_SEQ_CST);
    return __atomic_load_n(&q->avail[AVAIL_IDX], __ATOMIC_SEQ_CST) != q->last_avail;
}

void virtq_disable_notify(struct virtq *q)
{
    if (q->avail && !q->event_idx)
        __atomic_store_n(used_flags(q), VIRTQ_USED_F_NO_NOTIFY, __ATOMIC_RELAXED);
}

uint64_t virtq_chain_read(const struct virtq_chain *c, uint64_t offset, void *dst, uint64_t len)
{
    uint8_t *out = dst;
    uint64_t done = 0;
    for (unsigned i = 0; i < c->n_out && done < len; i++) {
        const struct virtq_buf *b = &c->bufs[i];
        if (offset >= b->len) {
            offset -= b->len;
            continue;
        }
        uint64_t n = b->len - offset;
        if (n > len - done)
            n = len - done;
        memcpy(out + done, b->host + offset, n);
        done += n;
        offset = 0;
    }
    return done;
}

uint64_t virtq_chain_write(struct virtq *q, const struct virtq_chain *c, uint64_t offset,
                           const void *src, uint64_t len)
{
    const uint8_t *in = src;
    uint64_t done = 0;
    for (unsigned i = c->n_out; i < c->n_out + c->n_in && done < len; i++) {
        const struct virtq_buf *b = &c->bufs[i];
        if (offset >= b->len) {
            offset -= b->len;
            continue;
        }
        uint64_t n = b->len - offset;
        if (n > len - done)
            n = len - done;
        memcpy(b->host + offset, in + done, n);
        virtq_ram_written(q->mem, b->pa + offset, n);
        done += n;
        offset = 0;
    }
    return done;
}
