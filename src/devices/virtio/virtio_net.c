/* virtio-net on a network back end, served on the event loop
 * (virtio_net.h). */
#include "devices/virtio/virtio_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/error.h"

#define RXQ 0
#define TXQ 1
#define MAX_RX_CHAINS 64 /* mergeable buffers one frame may take */
#define ETH_HLEN 14

struct frame {
    uint8_t *data;
    size_t len;
};

struct vm_virtio_net {
    struct vm_virtio *v;
    struct vm_virtio_device_ops ops;
    struct vm_event_loop *loop;
    struct vm_netdev *nd;
    uint8_t config[VIRTIO_NET_CFG_SIZE];
    struct vm_event_notifier *tx_kick, *rx_kick;
    bool running; /* atomic: started and not reset */

    /* the loop thread's */
    struct frame backlog[VIRTIO_NET_RX_BACKLOG];
    unsigned bl_head, bl_count;
    struct virtq_buf bufs[VIRTIO_NET_QUEUE_SIZE], first_bufs[VIRTIO_NET_QUEUE_SIZE];
    uint8_t tx_frame[VIRTIO_NET_MAX_FRAME];
};

struct net_hdr {
    uint8_t flags, gso_type;
    uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
};
#define VIRTIO_NET_HDR_GSO_NONE 0
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2

int vm_virtio_net_parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char end;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
               &end) != 6 || strlen(s) != 17)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    return (mac[0] & 1) ? -1 : 0; /* a NIC's address is unicast */
}

static bool running(struct vm_virtio_net *n)
{
    return __atomic_load_n(&n->running, __ATOMIC_ACQUIRE);
}

/* ---- transmit -------------------------------------------------------------- */

/* The Internet checksum the driver left to us (VIRTIO_NET_F_CSUM): the
 * one's-complement sum from csum_start to the end, stored at
 * csum_start + csum_offset, where the driver put the pseudo-header's sum.
 * 0 is sent as 0xffff, as Linux does. */
static int finish_checksum(uint8_t *f, size_t len, uint16_t start, uint16_t offset)
{
    if (start >= len || (size_t)start + offset + 2 > len)
        return -1;
    uint64_t sum = 0;
    size_t i = start;
    for (; i + 1 < len; i += 2)
        sum += (uint32_t)f[i] << 8 | f[i + 1];
    if (i < len)
        sum += (uint32_t)f[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t c = (uint16_t)~sum;
    if (c == 0)
        c = 0xffff;
    f[start + offset] = (uint8_t)(c >> 8);
    f[start + offset + 1] = (uint8_t)c;
    return 0;
}

int vm_virtio_net_tx_frame(const struct virtq_chain *c, uint8_t *buf, size_t cap, bool csum)
{
    struct net_hdr h;
    if (c->out_len < VIRTIO_NET_HDR_SIZE + ETH_HLEN || c->out_len - VIRTIO_NET_HDR_SIZE > cap)
        return -1;
    virtq_chain_read(c, 0, &h, VIRTIO_NET_HDR_SIZE);
    /* Segmentation was not offered; a checksum only with CSUM. */
    if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE || ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !csum))
        return -1;
    size_t len = c->out_len - VIRTIO_NET_HDR_SIZE;
    virtq_chain_read(c, VIRTIO_NET_HDR_SIZE, buf, len);
    if ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
        finish_checksum(buf, len, h.csum_start, h.csum_offset) < 0)
        return -1;
    return (int)len;
}

static void serve_tx(void *opaque)
{
    struct vm_virtio_net *n = opaque;
    struct virtq *q = vm_virtio_queue(n->v, TXQ);
    struct virtq_chain c = {.cap = VIRTIO_NET_QUEUE_SIZE, .bufs = n->bufs};
    while (running(n)) {
        virtq_disable_notify(q);
        int r, sent = 0;
        while ((r = virtq_pop(q, &c)) == VIRTQ_GOT) {
            int len = vm_virtio_net_tx_frame(&c, n->tx_frame, sizeof(n->tx_frame),
                                             vm_virtio_has_feature(n->v, VIRTIO_NET_F_CSUM));
            if (len > 0)
                vm_netdev_send(n->nd, n->tx_frame, (size_t)len);
            virtq_push(q, c.head, 0);
            if (++sent % 32 == 0)
                vm_virtio_used(n->v, q);
            if (!running(n))
                return;
        }
        if (sent)
            vm_virtio_used(n->v, q);
        if (r == VIRTQ_BROKEN) {
            vm_virtio_queue_broken(n->v, q);
            return;
        }
        if (!virtq_enable_notify(q))
            return;
    }
}

/* ---- receive ----------------------------------------------------------------- */

/* One frame into posted receive buffers (mergeable: as many as it takes).
 * Returns 1 delivered, 0 no room (nothing taken), -1 the ring broke. */
static int deliver(struct vm_virtio_net *n, const uint8_t *frame, size_t len)
{
    struct virtq *q = vm_virtio_queue(n->v, RXQ);
    bool mrg = vm_virtio_has_feature(n->v, VIRTIO_NET_F_MRG_RXBUF);
    struct net_hdr h = {.gso_type = VIRTIO_NET_HDR_GSO_NONE, .num_buffers = 1};
    /* The back end's frames carry correct checksums (libslirp makes them):
     * the guest need not check them again. A TAP's frames may come from
     * anywhere: the guest checks them. */
    if (n->nd->frames_checksummed && vm_virtio_has_feature(n->v, VIRTIO_NET_F_GUEST_CSUM))
        h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
    struct virtq_chain first = {.cap = VIRTIO_NET_QUEUE_SIZE, .bufs = n->first_bufs},
                       c = {.cap = VIRTIO_NET_QUEUE_SIZE, .bufs = n->bufs};
    size_t total = VIRTIO_NET_HDR_SIZE + len, done = 0;
    unsigned used = 0;
    while (done < total) {
        struct virtq_chain *cur = used == 0 ? &first : &c;
        if (used == MAX_RX_CHAINS) { /* tiny buffers: the frame is dropped */
            virtq_unpop(q, used);
            return 1;
        }
        int r = virtq_pop(q, cur);
        if (r != VIRTQ_GOT) {
            virtq_unpop(q, used);
            return r == VIRTQ_BROKEN ? -1 : 0;
        }
        if (!mrg && cur->in_len < total) {
            /* Too small for the frame without mergeable buffers: the
             * frame is dropped, the buffer stays the driver's. */
            virtq_unpop(q, 1);
            return 1;
        }
        size_t n_written = 0;
        if (used == 0) {
            n_written = virtq_chain_write(q, cur, 0, &h, VIRTIO_NET_HDR_SIZE);
            if (n_written < VIRTIO_NET_HDR_SIZE) { /* a buffer too small for a header */
                virtq_unpop(q, 1);
                return 1;
            }
            done = VIRTIO_NET_HDR_SIZE;
        }
        size_t k = virtq_chain_write(q, cur, n_written, frame + (done - VIRTIO_NET_HDR_SIZE),
                                     total - done);
        done += k;
        virtq_fill(q, used, cur->head, (uint32_t)(n_written + k));
        used++;
    }
    if (used > 1) {
        uint16_t nb = (uint16_t)used;
        virtq_chain_write(q, &first, 10, &nb, 2); /* num_buffers */
    }
    virtq_flush(q, used);
    return 1;
}

static void drop_backlog(struct vm_virtio_net *n)
{
    while (n->bl_count) {
        free(n->backlog[n->bl_head].data);
        n->bl_head = (n->bl_head + 1) % VIRTIO_NET_RX_BACKLOG;
        n->bl_count--;
    }
}

/* Deliver what waits, in order, as far as buffers go. Out of buffers,
 * ask the driver to notify when it posts more (otherwise, with EVENT_IDX,
 * it would not: avail_event would still name an old index). */
static void flush_backlog(struct vm_virtio_net *n)
{
    bool any = false;
    struct virtq *q = vm_virtio_queue(n->v, RXQ);
    while (n->bl_count && running(n)) {
        struct frame *f = &n->backlog[n->bl_head];
        int r = deliver(n, f->data, f->len);
        if (r < 0) {
            vm_virtio_queue_broken(n->v, q);
            drop_backlog(n);
            return;
        }
        if (r == 0) {
            if (virtq_enable_notify(q))
                continue; /* buffers came meanwhile */
            break;
        }
        any = true;
        free(f->data);
        n->bl_head = (n->bl_head + 1) % VIRTIO_NET_RX_BACKLOG;
        n->bl_count--;
    }
    if (any)
        vm_virtio_used(n->v, vm_virtio_queue(n->v, RXQ));
}

/* From the back end, on the loop thread. */
void vm_virtio_net_receive(struct vm_virtio_net *n, const uint8_t *frame, size_t len)
{
    if (!running(n) || len > VIRTIO_NET_MAX_FRAME || len < ETH_HLEN)
        return;
    if (n->bl_count)
        flush_backlog(n); /* in order: what waits goes first */
    if (n->bl_count == 0) {
        struct virtq *q = vm_virtio_queue(n->v, RXQ);
        int r = deliver(n, frame, len);
        if (r == 0 && virtq_enable_notify(q))
            r = deliver(n, frame, len); /* buffers came meanwhile */
        if (r > 0) {
            vm_virtio_used(n->v, q);
            return;
        }
        if (r < 0) {
            vm_virtio_queue_broken(n->v, q);
            return;
        }
    }
    if (n->bl_count == VIRTIO_NET_RX_BACKLOG)
        return; /* full: dropped, as a NIC without buffers would (TCP resends) */
    uint8_t *copy = malloc(len);
    if (!copy)
        return;
    memcpy(copy, frame, len);
    n->backlog[(n->bl_head + n->bl_count) % VIRTIO_NET_RX_BACKLOG] = (struct frame){copy, len};
    n->bl_count++;
}

static void receive(void *opaque, const uint8_t *frame, size_t len)
{
    vm_virtio_net_receive(opaque, frame, len);
}

static void serve_rx(void *opaque)
{
    flush_backlog(opaque);
}

/* ---- device ops ----------------------------------------------------------------- */

static void net_config_read(void *dev, uint32_t offset, void *buf, uint32_t len)
{
    memcpy(buf, ((struct vm_virtio_net *)dev)->config + offset, len);
}

static void net_start(void *dev, struct vm_virtio *v)
{
    struct vm_virtio_net *n = dev;
    __atomic_store_n(&n->running, true, __ATOMIC_RELEASE);
    vm_event_notify(n->tx_kick);
    vm_event_notify(n->rx_kick);
}

static void net_notify(void *dev, unsigned queue)
{
    struct vm_virtio_net *n = dev;
    vm_event_notify(queue == TXQ ? n->tx_kick : n->rx_kick);
}

static void reset_on_loop(void *opaque)
{
    drop_backlog(opaque); /* and no queue work is under way any more */
}

static void net_reset(void *dev)
{
    struct vm_virtio_net *n = dev;
    __atomic_store_n(&n->running, false, __ATOMIC_RELEASE);
    vm_event_loop_call(n->loop, reset_on_loop, n);
}

struct vm_virtio_net *vm_virtio_net_create(struct vm_mem *mem, const struct vm_irq_line *irq,
                                           struct vm_event_loop *loop, struct vm_netdev *nd,
                                           const uint8_t *mac, unsigned mtu)
{
    if (mtu < VIRTIO_NET_MIN_MTU || mtu > VIRTIO_NET_MAX_MTU) {
        vm_error(VM_EINVAL, "virtio-net: MTU %u: from %d to %d", mtu, VIRTIO_NET_MIN_MTU,
                 VIRTIO_NET_MAX_MTU);
        return NULL;
    }
    struct vm_virtio_net *n = calloc(1, sizeof(*n));
    if (!n) {
        vm_error(VM_ENOMEM, "virtio-net: out of host memory");
        return NULL;
    }
    n->loop = loop;
    n->nd = nd;
    memcpy(n->config + VIRTIO_NET_CFG_MAC, mac, 6);
    vm_st_le(n->config + VIRTIO_NET_CFG_STATUS, 2, VIRTIO_NET_S_LINK_UP);
    vm_st_le(n->config + VIRTIO_NET_CFG_MAX_PAIRS, 2, 1);
    vm_st_le(n->config + VIRTIO_NET_CFG_MTU, 2, mtu);
    n->ops = (struct vm_virtio_device_ops){
        .name = "virtio-net", .device_id = VIRTIO_ID_NET,
        .features = VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS) |
                    VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) | VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
                    VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |
                    (mtu != 1500 ? VIRTIO_BIT(VIRTIO_NET_F_MTU) : 0) |
                    VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
                    VIRTIO_BIT(VIRTIO_F_EVENT_IDX),
        .num_queues = 2, .queue_max = VIRTIO_NET_QUEUE_SIZE, .config_size = VIRTIO_NET_CFG_SIZE,
        .config_read = net_config_read, .start = net_start, .notify = net_notify,
        .reset = net_reset,
    };
    if (!(n->tx_kick = vm_event_notifier_create(loop, serve_tx, n)) ||
        !(n->rx_kick = vm_event_notifier_create(loop, serve_rx, n)) ||
        !(n->v = vm_virtio_create(&n->ops, n, mem, irq))) {
        vm_event_notifier_destroy(n->tx_kick);
        vm_event_notifier_destroy(n->rx_kick);
        free(n);
        return NULL;
    }
    struct vm_net_frontend fe = {.receive = receive, .opaque = n};
    vm_netdev_attach(nd, &fe);
    return n;
}

void vm_virtio_net_destroy(struct vm_virtio_net *n)
{
    if (!n)
        return;
    vm_netdev_attach(n->nd, NULL);
    vm_virtio_destroy(n->v); /* resets: the loop holds no frame of ours */
    vm_event_notifier_destroy(n->tx_kick);
    vm_event_notifier_destroy(n->rx_kick);
    free(n);
}

struct vm_virtio *vm_virtio_net_core(struct vm_virtio_net *n)
{
    return n->v;
}
