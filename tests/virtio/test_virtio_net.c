/* virtio-net through its transport with a recording back end on a real
 * event loop: transmitted frames reach the back end without their header;
 * received frames land in posted buffers (one buffer, or several with
 * MRG_RXBUF and num_buffers set), wait in the backlog while the guest
 * posts none and arrive in order once it does; malformed transmit chains
 * are handed back and dropped; a reset drops the backlog. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>

#include "devices/virtio/virtio_net.h"
#include "vdriver.h"

#define F_V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_MRG VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)
#define QS 16

struct recorder {
    struct vm_netdev nd;
    struct vm_net_frontend fe;
    bool has_fe;
    pthread_mutex_t lock;
    uint8_t last[2048];
    size_t last_len;
    atomic_int sent;
};

static void rec_attach(struct vm_netdev *nd, const struct vm_net_frontend *fe)
{
    struct recorder *r = (struct recorder *)nd;
    pthread_mutex_lock(&r->lock);
    r->has_fe = fe != NULL;
    if (fe)
        r->fe = *fe;
    pthread_mutex_unlock(&r->lock);
}

static void rec_send(struct vm_netdev *nd, const uint8_t *frame, size_t len)
{
    struct recorder *r = (struct recorder *)nd;
    pthread_mutex_lock(&r->lock);
    r->last_len = len < sizeof(r->last) ? len : sizeof(r->last);
    memcpy(r->last, frame, r->last_len);
    pthread_mutex_unlock(&r->lock);
    atomic_fetch_add(&r->sent, 1);
}

static void rec_destroy(struct vm_netdev *nd)
{
}

static const struct vm_netdev_ops rec_ops = {rec_attach, rec_send, rec_destroy};

static struct vdrv d;
static struct vm_event_loop *loop;
static struct recorder rec;
static struct vm_virtio_net *net;
static struct vm_virtio_mmio *mmio;
/* The receive queue, apart from vdriver's single queue (transmit). */
static uint64_t rx_desc, rx_avail, rx_used;
static uint16_t rx_avail_idx, rx_used_seen;

struct inject {
    const uint8_t *frame;
    size_t len;
};

static void inject_on_loop(void *opaque)
{
    struct inject *in = opaque;
    pthread_mutex_lock(&rec.lock);
    struct vm_net_frontend fe = rec.fe;
    bool has = rec.has_fe;
    pthread_mutex_unlock(&rec.lock);
    if (has)
        fe.receive(fe.opaque, in->frame, in->len);
}

/* A frame from the network, delivered on the loop thread as a back end does. */
static void inject(const uint8_t *frame, size_t len)
{
    struct inject in = {frame, len};
    vm_event_loop_call(loop, inject_on_loop, &in);
}

static void up(uint64_t features)
{
    assert_int_equal(vd_negotiate(&d, F_V1 | features), 0xb);
    rx_desc = vd_alloc(&d, 16 * QS, 16);
    rx_avail = vd_alloc(&d, 6 + 2 * QS, 2);
    rx_used = vd_alloc(&d, 6 + 8 * QS, 4);
    rx_avail_idx = rx_used_seen = 0;
    vd_queue_regs(&d, 0, QS, rx_desc, rx_avail, rx_used);
    vd_setup_queue(&d, 1, QS); /* vdriver's queue: transmit */
    vd_driver_ok(&d);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_STATUS), 0xf);
}

static int setup(void **state)
{
    vd_mem_init(&d);
    loop = vm_event_loop_create("test");
    memset(&rec, 0, sizeof(rec));
    rec.nd.ops = &rec_ops;
    rec.nd.frames_checksummed = true; /* as libslirp's */
    pthread_mutex_init(&rec.lock, NULL);
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x99};
    struct vm_irq_line irq = vd_irq_line(&d);
    net = vm_virtio_net_create(d.mem, &irq, loop, &rec.nd, mac, 1500);
    assert_non_null(net);
    mmio = vm_virtio_mmio_create(d.mem, VD_MMIO_BASE, vm_virtio_net_core(net));
    return 0;
}

static int teardown(void **state)
{
    vm_virtio_net_destroy(net);
    vm_virtio_mmio_destroy(mmio);
    vm_event_loop_destroy(loop);
    vm_mem_destroy(d.mem);
    pthread_mutex_destroy(&rec.lock);
    return 0;
}

static void post_rx(unsigned i, uint32_t len)
{
    uint64_t buf = vd_alloc(&d, len, 8);
    vd_desc_at(&d, rx_desc, i, buf, len, VIRTQ_DESC_F_WRITE, 0);
    uint16_t *ring = (uint16_t *)vd_host(&d, rx_avail);
    ring[2 + rx_avail_idx % QS] = (uint16_t)i;
    rx_avail_idx++;
    __atomic_store_n(&ring[1], rx_avail_idx, __ATOMIC_RELEASE);
    vd_notify(&d, 0);
}

/* As a driver with EVENT_IDX does: notify only when the device's
 * avail_event asks for it (vring_need_event). */
static void post_rx_evidx(unsigned i, uint32_t len)
{
    uint64_t buf = vd_alloc(&d, len, 8);
    vd_desc_at(&d, rx_desc, i, buf, len, VIRTQ_DESC_F_WRITE, 0);
    uint16_t *ring = (uint16_t *)vd_host(&d, rx_avail);
    ring[2 + rx_avail_idx % QS] = (uint16_t)i;
    uint16_t old = rx_avail_idx, now = ++rx_avail_idx;
    __atomic_store_n(&ring[1], now, __ATOMIC_SEQ_CST);
    uint16_t event = __atomic_load_n((uint16_t *)vd_host(&d, rx_used + 4 + 8 * QS),
                                     __ATOMIC_SEQ_CST);
    if ((uint16_t)(now - event - 1) < (uint16_t)(now - old))
        vd_notify(&d, 0);
}

static uint16_t rx_used_idx(void)
{
    return __atomic_load_n((uint16_t *)vd_host(&d, rx_used + 2), __ATOMIC_ACQUIRE);
}

/* The next received element: descriptor id and length. */
static bool rx_wait(uint32_t *id, uint32_t *len)
{
    for (int i = 0; i < 50000; i++) {
        if (rx_used_idx() != rx_used_seen) {
            const uint8_t *e = vd_host(&d, rx_used + 4 + 8ULL * (rx_used_seen % QS));
            memcpy(id, e, 4);
            memcpy(len, e + 4, 4);
            rx_used_seen++;
            return true;
        }
        usleep(100);
    }
    return false;
}

static uint8_t *rx_buf(uint32_t id)
{
    struct virtq_desc x;
    memcpy(&x, vd_host(&d, rx_desc + 16ULL * id), 16);
    return vd_host(&d, x.addr);
}

static void make_frame(uint8_t *f, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++)
        f[i] = (uint8_t)(seed + i * 7);
}

static void test_config(void **state)
{
    uint64_t v;
    uint8_t mac[6];
    for (int i = 0; i < 6; i++) {
        vm_mem_load(d.mem, VD_MMIO_BASE + 0x100 + i, 1, &v);
        mac[i] = (uint8_t)v;
    }
    assert_int_equal(mac[5], 0x99);
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x100 + VIRTIO_NET_CFG_STATUS, 2, &v);
    assert_int_equal(v, VIRTIO_NET_S_LINK_UP);
    uint64_t f = vd_device_features(&d);
    assert_true(f & VIRTIO_BIT(VIRTIO_NET_F_MAC));
    assert_true(f & F_MRG);
    assert_true(f & VIRTIO_BIT(VIRTIO_NET_F_CSUM));
    assert_true(f & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM));
    assert_false(f & VIRTIO_BIT(VIRTIO_NET_F_MTU)); /* this one was made with MTU 1500 */
    assert_false(f & VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4)); /* no segmentation offload */
}

static void test_transmit(void **state)
{
    up(0);
    uint8_t frame[12 + 60];
    memset(frame, 0, 12);
    make_frame(frame + 12, 60, 3);
    uint64_t a = vd_alloc(&d, 20, 8), b = vd_alloc(&d, 52, 8);
    memcpy(vd_host(&d, a), frame, 20); /* the header and 8 bytes of frame */
    memcpy(vd_host(&d, b), frame + 20, 52);
    vd_desc(&d, 0, a, 20, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(&d, 1, b, 52, 0, 0);
    vd_submit(&d, 1, 0);
    uint32_t id, len;
    assert_true(vd_wait_used(&d, &id, &len));
    assert_int_equal(atomic_load(&rec.sent), 1);
    assert_int_equal(rec.last_len, 60);
    assert_memory_equal(rec.last, frame + 12, 60);
    /* Too short, and a segmentation request: handed back, not sent. */
    vd_desc(&d, 2, a, 10, 0, 0);
    vd_submit(&d, 1, 2);
    assert_true(vd_wait_used(&d, &id, &len));
    vd_host(&d, a)[1] = 1; /* gso_type TCPv4 */
    vd_desc(&d, 3, a, 20, VIRTQ_DESC_F_NEXT, 1);
    vd_submit(&d, 1, 3);
    assert_true(vd_wait_used(&d, &id, &len));
    assert_int_equal(atomic_load(&rec.sent), 1);
    assert_false(vd_read(&d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static void test_receive_one_buffer(void **state)
{
    up(0);
    post_rx(0, 1526);
    uint8_t frame[1514];
    make_frame(frame, sizeof(frame), 9);
    inject(frame, sizeof(frame));
    uint32_t id, len;
    assert_true(rx_wait(&id, &len));
    assert_int_equal(id, 0);
    assert_int_equal(len, 12 + 1514);
    uint8_t *b = rx_buf(0);
    assert_int_equal(b[10] | b[11] << 8, 1); /* num_buffers */
    assert_memory_equal(b + 12, frame, sizeof(frame));
    /* A buffer too small for the frame: the frame is dropped, the
     * buffer stays posted for the next one. */
    post_rx(1, 100);
    inject(frame, sizeof(frame));
    uint8_t small[60];
    make_frame(small, sizeof(small), 1);
    inject(small, sizeof(small));
    assert_true(rx_wait(&id, &len));
    assert_int_equal(id, 1);
    assert_int_equal(len, 72);
    assert_memory_equal(rx_buf(1) + 12, small, 60);
}

static void test_receive_mergeable(void **state)
{
    up(F_MRG);
    for (unsigned i = 0; i < 4; i++)
        post_rx(i, 512);
    uint8_t frame[1500];
    make_frame(frame, sizeof(frame), 5);
    inject(frame, sizeof(frame));
    uint32_t id, len, total = 0;
    uint8_t got[2048];
    for (unsigned i = 0; i < 3; i++) { /* 12 + 1500 bytes in 512-byte buffers */
        assert_true(rx_wait(&id, &len));
        assert_int_equal(id, i);
        memcpy(got + total, rx_buf(id), len);
        total += len;
    }
    assert_int_equal(total, 12 + 1500);
    assert_int_equal(got[10] | got[11] << 8, 3);
    assert_memory_equal(got + 12, frame, sizeof(frame));
}

static void test_backlog_in_order(void **state)
{
    up(0);
    uint8_t f[3][100];
    for (int i = 0; i < 3; i++) {
        make_frame(f[i], 100, (uint8_t)(40 * i));
        inject(f[i], 100); /* no buffers yet: they wait */
    }
    assert_int_equal(rx_used_idx(), 0);
    for (unsigned i = 0; i < 3; i++)
        post_rx(i, 200);
    for (int i = 0; i < 3; i++) {
        uint32_t id, len;
        assert_true(rx_wait(&id, &len));
        assert_memory_equal(rx_buf(id) + 12, f[i], 100);
    }
    /* A reset drops what waits. */
    inject(f[0], 100);
    vd_write(&d, VIRTIO_MMIO_STATUS, 0);
    d.next_free = VD_RAM_BASE + 0x100000;
    up(0);
    post_rx(0, 200);
    usleep(20000);
    assert_int_equal(rx_used_idx(), 0);
}

/* With CSUM the device finishes a checksum the driver left partial: the
 * receiver's check (the sum over [csum_start, end) plus the pseudo-header's
 * sum) comes out as all ones. */
static void test_transmit_checksum(void **state)
{
    up(VIRTIO_BIT(VIRTIO_NET_F_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM));
    uint8_t pkt[12 + 14 + 20 + 8 + 37];
    memset(pkt, 0, sizeof(pkt));
    make_frame(pkt + 12, sizeof(pkt) - 12, 17);
    pkt[0] = 1;                     /* NEEDS_CSUM */
    vm_st_le(pkt + 6, 2, 14 + 20);  /* csum_start: the UDP header */
    vm_st_le(pkt + 8, 2, 6);        /* csum_offset: its checksum field */
    pkt[12 + 14 + 20 + 6] = 0x12;   /* the pseudo-header's sum, as a driver leaves it */
    pkt[12 + 14 + 20 + 7] = 0x34;
    uint64_t a = vd_alloc(&d, sizeof(pkt), 8);
    memcpy(vd_host(&d, a), pkt, sizeof(pkt));
    vd_desc(&d, 0, a, sizeof(pkt), 0, 0);
    vd_submit(&d, 1, 0);
    uint32_t id, len;
    assert_true(vd_wait_used(&d, &id, &len));
    assert_int_equal(atomic_load(&rec.sent), 1);
    assert_int_equal(rec.last_len, sizeof(pkt) - 12);
    uint32_t sum = 0x1234; /* the pseudo-header */
    const uint8_t *u = rec.last + 14 + 20;
    size_t n = rec.last_len - 14 - 20;
    for (size_t i = 0; i < n; i += 2)
        sum += (uint32_t)u[i] << 8 | (i + 1 < n ? u[i + 1] : 0);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    assert_int_equal(sum, 0xffff);
    /* The rest of the frame is untouched. */
    assert_memory_equal(rec.last, pkt + 12, 14 + 20 + 6);
    /* A checksum field beyond the frame: dropped. */
    vm_st_le(vd_host(&d, a) + 8, 2, 1000);
    vd_submit(&d, 1, 0);
    assert_true(vd_wait_used(&d, &id, &len));
    assert_int_equal(atomic_load(&rec.sent), 1);
    /* Received frames say their checksums are valid. */
    post_rx(0, 200);
    uint8_t f[60];
    make_frame(f, sizeof(f), 2);
    inject(f, sizeof(f));
    assert_true(rx_wait(&id, &len));
    assert_int_equal(rx_buf(0)[0], 2); /* VIRTIO_NET_HDR_F_DATA_VALID */
    /* Not from a back end that makes the checksums itself (a TAP): the
     * guest checks them. */
    rec.nd.frames_checksummed = false;
    post_rx(1, 200);
    inject(f, sizeof(f));
    assert_true(rx_wait(&id, &len));
    assert_int_equal(id, 1);
    assert_int_equal(rx_buf(1)[0], 0);
}

/* The receive ring runs dry with EVENT_IDX: frames wait, and the device
 * must have asked (avail_event) to hear of new buffers. */
static void test_receive_refill_event_idx(void **state)
{
    up(VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
    post_rx_evidx(0, 200);
    uint8_t f[3][100];
    for (int i = 0; i < 3; i++)
        make_frame(f[i], 100, (uint8_t)(70 * i));
    for (int i = 0; i < 3; i++)
        inject(f[i], 100); /* one buffer: two frames wait */
    uint32_t id, len;
    assert_true(rx_wait(&id, &len));
    assert_memory_equal(rx_buf(id) + 12, f[0], 100);
    for (unsigned i = 1; i < 3; i++)
        post_rx_evidx(i, 200);
    for (int i = 1; i < 3; i++) {
        assert_true(rx_wait(&id, &len));
        assert_memory_equal(rx_buf(id) + 12, f[i], 100);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_config), T(test_transmit), T(test_receive_one_buffer),
        T(test_receive_mergeable), T(test_backlog_in_order),
        T(test_receive_refill_event_idx), T(test_transmit_checksum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
