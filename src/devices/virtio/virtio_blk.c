/* virtio-blk on a raw disk image, served on an I/O thread (virtio_blk.h). */
#define _GNU_SOURCE /* pthread_setname_np */
#include "devices/virtio/virtio_blk.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "vm/error.h"

#define SECTOR 512

struct vm_virtio_blk {
    struct vm_virtio *v;
    struct vm_disk *disk;
    char serial[VIRTIO_BLK_ID_BYTES];
    uint8_t config[VIRTIO_BLK_CFG_SIZE];
    struct vm_virtio_device_ops ops;

    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool running; /* started and not reset; also read without the lock */
    bool kick, busy, quit;
    bool wce;     /* the guest's write cache setting (CONFIG_WCE) */

    struct virtq_buf bufs[VIRTIO_BLK_QUEUE_SIZE];
    struct iovec iov[VIRTIO_BLK_QUEUE_SIZE];
};

struct blk_req_hdr {
    uint32_t type, ioprio;
    uint64_t sector;
};

struct blk_seg {
    uint64_t sector;
    uint32_t num_sectors, flags;
};
#define VIRTIO_BLK_WZ_F_UNMAP 1

/* ---- requests ----------------------------------------------------------- */

/* iov for `len` bytes of the chain's buffers [first, first+count) from
 * byte `skip`; returns the entry count. */
static int build_iov(struct vm_virtio_blk *b, const struct virtq_chain *c, unsigned first,
                     unsigned count, uint64_t skip, uint64_t len)
{
    int n = 0;
    for (unsigned i = first; i < first + count && len; i++) {
        const struct virtq_buf *buf = &c->bufs[i];
        if (skip >= buf->len) {
            skip -= buf->len;
            continue;
        }
        uint64_t k = buf->len - skip < len ? buf->len - skip : len;
        b->iov[n++] = (struct iovec){buf->host + skip, (size_t)k};
        len -= k;
        skip = 0;
    }
    return n;
}

static bool range_ok(const struct vm_virtio_blk *b, uint64_t sector, uint64_t bytes)
{
    uint64_t size = vm_disk_size(b->disk);
    return sector <= size / SECTOR && bytes <= size - sector * SECTOR;
}

/* Writes are durable before completion when the driver cannot flush. */
static bool writethrough(struct vm_virtio_blk *b)
{
    return !vm_virtio_has_feature(b->v, VIRTIO_BLK_F_FLUSH) || !b->wce;
}

static uint8_t do_rw(struct vm_virtio_blk *b, const struct virtq_chain *c,
                     const struct blk_req_hdr *h, uint32_t *data_len)
{
    bool write = h->type == VIRTIO_BLK_T_OUT;
    uint64_t len = write ? c->out_len - sizeof(*h) : c->in_len - 1;
    if (write && vm_disk_readonly(b->disk))
        return VIRTIO_BLK_S_IOERR;
    if (len % SECTOR || !range_ok(b, h->sector, len))
        return VIRTIO_BLK_S_IOERR;
    int n = write ? build_iov(b, c, 0, c->n_out, sizeof(*h), len)
                  : build_iov(b, c, c->n_out, c->n_in, 0, len);
    uint64_t off = h->sector * SECTOR;
    int rc = write ? vm_disk_pwritev(b->disk, b->iov, n, off)
                   : vm_disk_preadv(b->disk, b->iov, n, off);
    if (rc == 0 && write && writethrough(b))
        rc = vm_disk_flush(b->disk);
    if (rc < 0)
        return VIRTIO_BLK_S_IOERR;
    if (!write) {
        *data_len = (uint32_t)len;
        for (unsigned i = c->n_out; i < c->n_out + c->n_in; i++)
            virtq_ram_written(vm_virtio_mem(b->v), c->bufs[i].pa, c->bufs[i].len);
    }
    return VIRTIO_BLK_S_OK;
}

/* Discard and write-zeroes: one segment, as QEMU takes. */
static uint8_t do_discard_wz(struct vm_virtio_blk *b, const struct virtq_chain *c,
                             const struct blk_req_hdr *h)
{
    bool wz = h->type == VIRTIO_BLK_T_WRITE_ZEROES;
    unsigned feature = wz ? VIRTIO_BLK_F_WRITE_ZEROES : VIRTIO_BLK_F_DISCARD;
    struct blk_seg seg;
    if (!vm_virtio_has_feature(b->v, feature) || c->out_len - sizeof(*h) != sizeof(seg))
        return VIRTIO_BLK_S_UNSUPP;
    virtq_chain_read(c, sizeof(*h), &seg, sizeof(seg));
    if (wz ? (seg.flags & ~VIRTIO_BLK_WZ_F_UNMAP) : seg.flags)
        return VIRTIO_BLK_S_UNSUPP;
    uint64_t bytes = (uint64_t)seg.num_sectors * SECTOR;
    if (vm_disk_readonly(b->disk) || seg.num_sectors > VIRTIO_BLK_MAX_DISCARD_SECTORS ||
        !range_ok(b, seg.sector, bytes))
        return VIRTIO_BLK_S_IOERR;
    int rc = wz ? vm_disk_write_zeroes(b->disk, seg.sector * SECTOR, bytes,
                                       seg.flags & VIRTIO_BLK_WZ_F_UNMAP)
                : vm_disk_discard(b->disk, seg.sector * SECTOR, bytes);
    if (rc == 0 && wz && writethrough(b))
        rc = vm_disk_flush(b->disk);
    return rc < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

uint32_t vm_virtio_blk_serve(struct vm_virtio_blk *b, struct virtq *q, const struct virtq_chain *c)
{
    if (c->n_in == 0)
        return 0; /* nowhere to say anything */
    const struct virtq_buf *last = &c->bufs[c->n_out + c->n_in - 1];
    uint8_t status = VIRTIO_BLK_S_IOERR;
    uint32_t data_len = 0;
    struct blk_req_hdr h;
    if (c->out_len >= sizeof(h)) {
        virtq_chain_read(c, 0, &h, sizeof(h));
        switch (h.type) {
        case VIRTIO_BLK_T_IN:
        case VIRTIO_BLK_T_OUT:
            status = do_rw(b, c, &h, &data_len);
            break;
        case VIRTIO_BLK_T_FLUSH:
            status = vm_disk_flush(b->disk) < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
            break;
        case VIRTIO_BLK_T_GET_ID: {
            /* The serial and a NUL, as far as they fit (as QEMU). */
            size_t n = strnlen(b->serial, sizeof(b->serial)) + 1;
            if (n > VIRTIO_BLK_ID_BYTES)
                n = VIRTIO_BLK_ID_BYTES;
            if (n > c->in_len - 1)
                n = c->in_len - 1;
            char id[VIRTIO_BLK_ID_BYTES + 1] = {0};
            memcpy(id, b->serial, strnlen(b->serial, sizeof(b->serial)));
            data_len = (uint32_t)virtq_chain_write(q, c, 0, id, n);
            status = VIRTIO_BLK_S_OK;
            break;
        }
        case VIRTIO_BLK_T_DISCARD:
        case VIRTIO_BLK_T_WRITE_ZEROES:
            status = do_discard_wz(b, c, &h);
            break;
        default:
            status = VIRTIO_BLK_S_UNSUPP;
            break;
        }
    }
    /* The status is the chain's last byte. */
    last->host[last->len - 1] = status;
    virtq_ram_written(vm_virtio_mem(b->v), last->pa + last->len - 1, 1);
    return data_len + 1;
}

/* ---- the I/O thread ------------------------------------------------------- */

static bool still_running(struct vm_virtio_blk *b)
{
    return __atomic_load_n(&b->running, __ATOMIC_ACQUIRE);
}

static void serve_queue(struct vm_virtio_blk *b)
{
    struct virtq *q = vm_virtio_queue(b->v, 0);
    struct virtq_chain c = {.cap = VIRTIO_BLK_QUEUE_SIZE, .bufs = b->bufs};
    for (;;) {
        virtq_disable_notify(q);
        int r = VIRTQ_EMPTY;
        while (still_running(b) && (r = virtq_pop(q, &c)) == VIRTQ_GOT) {
            virtq_push(q, c.head, vm_virtio_blk_serve(b, q, &c));
            vm_virtio_used(b->v, q);
        }
        if (!still_running(b))
            return;
        if (r == VIRTQ_BROKEN) {
            vm_virtio_queue_broken(b->v, q);
            return;
        }
        if (!virtq_enable_notify(q))
            return;
    }
}

static void *io_main(void *arg)
{
    struct vm_virtio_blk *b = arg;
    /* itself (prctl): naming it from outside opens /proc/self/task/TID/comm
     * for writing, which -sandbox on forbids (a reboot makes a new one) */
    pthread_setname_np(pthread_self(), "virtio-blk");
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->quit && !(b->running && b->kick))
            pthread_cond_wait(&b->cond, &b->lock);
        if (b->quit)
            break;
        b->kick = false;
        b->busy = true;
        pthread_mutex_unlock(&b->lock);
        serve_queue(b);
        pthread_mutex_lock(&b->lock);
        b->busy = false;
        pthread_cond_broadcast(&b->cond);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* ---- device ops ----------------------------------------------------------------- */

static void blk_config_read(void *dev, uint32_t offset, void *buf, uint32_t len)
{
    struct vm_virtio_blk *b = dev;
    pthread_mutex_lock(&b->lock);
    b->config[VIRTIO_BLK_CFG_WRITEBACK] = b->wce;
    memcpy(buf, b->config + offset, len);
    pthread_mutex_unlock(&b->lock);
}

static void blk_config_write(void *dev, uint32_t offset, const void *buf, uint32_t len)
{
    struct vm_virtio_blk *b = dev;
    /* Only the writeback byte is writable, with CONFIG_WCE (5.2.5). */
    if (offset <= VIRTIO_BLK_CFG_WRITEBACK && offset + len > VIRTIO_BLK_CFG_WRITEBACK &&
        vm_virtio_has_feature(b->v, VIRTIO_BLK_F_CONFIG_WCE)) {
        pthread_mutex_lock(&b->lock);
        b->wce = ((const uint8_t *)buf)[VIRTIO_BLK_CFG_WRITEBACK - offset] & 1;
        pthread_mutex_unlock(&b->lock);
    }
}

static void blk_start(void *dev, struct vm_virtio *v)
{
    struct vm_virtio_blk *b = dev;
    pthread_mutex_lock(&b->lock);
    __atomic_store_n(&b->running, true, __ATOMIC_RELEASE);
    b->kick = true;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
}

static void blk_notify(void *dev, unsigned queue)
{
    struct vm_virtio_blk *b = dev;
    pthread_mutex_lock(&b->lock);
    b->kick = true;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
}

static void blk_reset(void *dev)
{
    struct vm_virtio_blk *b = dev;
    pthread_mutex_lock(&b->lock);
    __atomic_store_n(&b->running, false, __ATOMIC_RELEASE);
    while (b->busy)
        pthread_cond_wait(&b->cond, &b->lock);
    b->kick = false;
    b->wce = vm_disk_write_cache(b->disk);
    pthread_mutex_unlock(&b->lock);
}

static void put32(uint8_t *p, uint32_t v) { vm_st_le(p, 4, v); }

struct vm_virtio_blk *vm_virtio_blk_create(struct vm_mem *mem, const struct vm_irq_line *irq,
                                           struct vm_disk *disk, const char *serial)
{
    struct vm_virtio_blk *b = calloc(1, sizeof(*b));
    if (!b) {
        vm_error(VM_ENOMEM, "virtio-blk: out of host memory");
        return NULL;
    }
    b->disk = disk;
    if (serial)
        memcpy(b->serial, serial, strnlen(serial, sizeof(b->serial)));
    bool ro = vm_disk_readonly(disk);
    b->wce = vm_disk_write_cache(disk);
    uint64_t features = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
                        VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_CONFIG_WCE) |
                        VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
    features |= ro ? VIRTIO_BIT(VIRTIO_BLK_F_RO)
                   : VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
    vm_st_le(b->config + VIRTIO_BLK_CFG_CAPACITY, 8, vm_disk_size(disk) / SECTOR);
    put32(b->config + VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_BLK_SEG_MAX);
    put32(b->config + VIRTIO_BLK_CFG_BLK_SIZE, SECTOR);
    vm_st_le(b->config + VIRTIO_BLK_CFG_NUM_QUEUES, 2, 1);
    put32(b->config + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, VIRTIO_BLK_MAX_DISCARD_SECTORS);
    put32(b->config + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 1);
    put32(b->config + VIRTIO_BLK_CFG_DISCARD_ALIGN, 1);
    put32(b->config + VIRTIO_BLK_CFG_MAX_WZ_SECTORS, VIRTIO_BLK_MAX_DISCARD_SECTORS);
    put32(b->config + VIRTIO_BLK_CFG_MAX_WZ_SEG, 1);
    b->config[VIRTIO_BLK_CFG_WZ_MAY_UNMAP] = 1;
    b->ops = (struct vm_virtio_device_ops){
        .name = "virtio-blk", .device_id = VIRTIO_ID_BLOCK, .features = features,
        .num_queues = 1, .queue_max = VIRTIO_BLK_QUEUE_SIZE, .config_size = VIRTIO_BLK_CFG_SIZE,
        .config_read = blk_config_read, .config_write = blk_config_write, .start = blk_start,
        .notify = blk_notify, .reset = blk_reset,
    };
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->cond, NULL);
    if (!(b->v = vm_virtio_create(&b->ops, b, mem, irq)))
        goto fail;
    int rc = pthread_create(&b->thread, NULL, io_main, b);
    if (rc != 0) {
        vm_error(VM_ENOMEM, "virtio-blk: cannot start its I/O thread");
        vm_virtio_destroy(b->v);
        goto fail;
    }
    return b;
fail:
    pthread_cond_destroy(&b->cond);
    pthread_mutex_destroy(&b->lock);
    free(b);
    return NULL;
}

void vm_virtio_blk_destroy(struct vm_virtio_blk *b)
{
    if (!b)
        return;
    vm_virtio_destroy(b->v); /* resets: waits for the request in flight */
    pthread_mutex_lock(&b->lock);
    b->quit = true;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->thread, NULL);
    pthread_cond_destroy(&b->cond);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

struct vm_virtio *vm_virtio_blk_core(struct vm_virtio_blk *b)
{
    return b->v;
}
