/* The virtio-mmio transport and the device status machine, driven through
 * the registers as a guest driver would (tests/virtio/vdriver.h), with the
 * virtio-rng device behind it (served on an event loop thread): register
 * identity, feature negotiation, the order of status bits, queue set-up
 * rules, DEVICE_NEEDS_RESET with its config interrupt, working again after
 * a reset, the interrupt status, EVENT_IDX, an empty slot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/event_loop.h"
#include "devices/virtio/virtio_rng.h"
#include "vdriver.h"

static struct vdrv d;
static struct vm_event_loop *loop;
static struct vm_virtio_rng *rng;
static struct vm_virtio_mmio *mmio;

#define ST_ACK VIRTIO_STATUS_ACKNOWLEDGE
#define ST_DRV VIRTIO_STATUS_DRIVER
#define ST_FOK VIRTIO_STATUS_FEATURES_OK
#define ST_DOK VIRTIO_STATUS_DRIVER_OK
#define ST_NR VIRTIO_STATUS_DEVICE_NEEDS_RESET
#define F_V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_EVIDX VIRTIO_BIT(VIRTIO_F_EVENT_IDX)
#define F_INDIRECT VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)

static int setup(void **state)
{
    vd_mem_init(&d);
    loop = vm_event_loop_create("test");
    struct vm_irq_line irq = vd_irq_line(&d);
    rng = vm_virtio_rng_create(d.mem, &irq, loop);
    mmio = vm_virtio_mmio_create(d.mem, VD_MMIO_BASE, vm_virtio_rng_core(rng));
    assert_non_null(mmio);
    return 0;
}

static int teardown(void **state)
{
    vm_virtio_rng_destroy(rng);
    vm_virtio_mmio_destroy(mmio);
    vm_event_loop_destroy(loop);
    vm_mem_destroy(d.mem);
    return 0;
}

/* A working device: negotiate, one queue, DRIVER_OK. */
static void bring_up(uint64_t features)
{
    assert_int_equal(vd_negotiate(&d, features | F_V1), ST_ACK | ST_DRV | ST_FOK);
    vd_setup_queue(&d, 0, 16);
    vd_driver_ok(&d);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_STATUS), ST_ACK | ST_DRV | ST_FOK | ST_DOK);
}

/* One request for n random bytes; returns the used length. */
static uint32_t request(unsigned n)
{
    uint64_t buf = vd_alloc(&d, n, 8);
    vd_desc(&d, 0, buf, n, VIRTQ_DESC_F_WRITE, 0);
    vd_submit(&d, 0, 0);
    uint32_t id = 99, len = 0;
    assert_true(vd_wait_used(&d, &id, &len));
    assert_int_equal(id, 0);
    return len;
}

static void test_identity(void **state)
{
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_VERSION), 2);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_VENDOR_ID), VIRTIO_VENDOR_QEMU);
    uint64_t f = vd_device_features(&d);
    assert_true(f & F_V1);
    assert_true(f & F_EVIDX);
    assert_true(f & F_INDIRECT);
    vd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 0);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_RNG_QUEUE_SIZE);
    vd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 1); /* no such queue */
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
    /* No shared memory regions. */
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffffu);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffffu);
    /* Registers take aligned 32-bit accesses only. */
    uint64_t v = 1;
    assert_int_equal(vm_mem_load(d.mem, VD_MMIO_BASE + 1, 1, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(vm_mem_load(d.mem, VD_MMIO_BASE + 0, 2, &v), 0);
    assert_int_equal(v, 0);
}

static void test_empty_slot(void **state)
{
    struct vm_virtio_mmio *empty = vm_virtio_mmio_create(d.mem, VD_MMIO_BASE + 0x1000, NULL);
    uint64_t v;
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x1000 + VIRTIO_MMIO_MAGIC_VALUE, 4, &v);
    assert_int_equal(v, 0x74726976);
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x1000 + VIRTIO_MMIO_DEVICE_ID, 4, &v);
    assert_int_equal(v, 0);
    vm_mem_store(d.mem, VD_MMIO_BASE + 0x1000 + VIRTIO_MMIO_STATUS, 4, 1);
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x1000 + VIRTIO_MMIO_STATUS, 4, &v);
    assert_int_equal(v, 0);
    vm_virtio_mmio_destroy(empty);
}

static void test_working(void **state)
{
    bring_up(F_EVIDX | F_INDIRECT);
    assert_int_equal(request(64), 64);
    assert_true(atomic_load(&d.irq));
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS), 1);
    vd_write(&d, VIRTIO_MMIO_INTERRUPT_ACK, 1);
    assert_false(atomic_load(&d.irq));
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
    /* Several requests queued before one notification. */
    for (unsigned i = 0; i < 4; i++) {
        uint64_t buf = vd_alloc(&d, 32, 8);
        vd_desc(&d, i, buf, 32, VIRTQ_DESC_F_WRITE, 0);
        vd_post(&d, (uint16_t)i);
    }
    vd_notify(&d, 0);
    for (unsigned i = 0; i < 4; i++) {
        uint32_t id, len;
        assert_true(vd_wait_used(&d, &id, &len));
        assert_int_equal(id, i);
        assert_int_equal(len, 32);
    }
}

static void test_random_bytes_differ(void **state)
{
    bring_up(0);
    uint64_t a = vd_alloc(&d, 32, 8), b = vd_alloc(&d, 32, 8);
    vd_desc(&d, 0, a, 32, VIRTQ_DESC_F_WRITE, 0);
    vd_submit(&d, 0, 0);
    uint32_t id, len;
    assert_true(vd_wait_used(&d, &id, &len));
    vd_desc(&d, 1, b, 32, VIRTQ_DESC_F_WRITE, 0);
    vd_submit(&d, 0, 1);
    assert_true(vd_wait_used(&d, &id, &len));
    assert_memory_not_equal(vd_host(&d, a), vd_host(&d, b), 32);
}

static void test_status_order(void **state)
{
    /* DRIVER without ACKNOWLEDGE, FEATURES_OK without DRIVER, DRIVER_OK
     * without FEATURES_OK, unknown bits: ignored. */
    vd_write(&d, VIRTIO_MMIO_STATUS, ST_DRV);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_STATUS), 0);
    vd_write(&d, VIRTIO_MMIO_STATUS, ST_ACK);
    vd_write(&d, VIRTIO_MMIO_STATUS, ST_ACK | ST_FOK);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_STATUS), ST_ACK);
    vd_write(&d, VIRTIO_MMIO_STATUS, ST_ACK | ST_DOK);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_STATUS), ST_ACK);
    vd_write(&d, VIRTIO_MMIO_STATUS, ST_ACK | 0x10);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_STATUS), ST_ACK);
    /* Clearing a bit is not allowed (only a reset clears). */
    vd_write(&d, VIRTIO_MMIO_STATUS, ST_ACK | ST_DRV);
    vd_write(&d, VIRTIO_MMIO_STATUS, ST_DRV);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_STATUS), ST_ACK | ST_DRV);
    /* The driver cannot set DEVICE_NEEDS_RESET. */
    vd_write(&d, VIRTIO_MMIO_STATUS, ST_ACK | ST_DRV | ST_NR);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_STATUS), ST_ACK | ST_DRV);
    vd_write(&d, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_STATUS), 0);
}

static void test_features(void **state)
{
    /* Without VERSION_1 (a legacy driver), FEATURES_OK does not stick. */
    assert_int_equal(vd_negotiate(&d, F_EVIDX), ST_ACK | ST_DRV);
    /* Nor with a feature the device did not offer. */
    assert_int_equal(vd_negotiate(&d, F_V1 | VIRTIO_BIT(VIRTIO_F_RING_PACKED)), ST_ACK | ST_DRV);
    assert_int_equal(vd_negotiate(&d, F_V1), ST_ACK | ST_DRV | ST_FOK);
    /* After FEATURES_OK the features are fixed. */
    vd_write(&d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vd_write(&d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)F_EVIDX);
    vd_setup_queue(&d, 0, 16);
    vd_driver_ok(&d);
    /* No EVENT_IDX: the avail flags rule interrupts. */
    *vd_avail_field(&d, 0) = VIRTQ_AVAIL_F_NO_INTERRUPT;
    assert_int_equal(request(8), 8);
    assert_false(atomic_load(&d.irq));
}

static void test_queue_rules(void **state)
{
    /* Queue registers before FEATURES_OK are ignored. */
    vd_write(&d, VIRTIO_MMIO_STATUS, ST_ACK);
    vd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 0);
    vd_write(&d, VIRTIO_MMIO_QUEUE_NUM, 4);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_QUEUE_NUM), VIRTIO_RNG_QUEUE_SIZE);
    assert_int_equal(vd_negotiate(&d, F_V1), ST_ACK | ST_DRV | ST_FOK);
    vd_setup_queue(&d, 0, 16);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_QUEUE_READY), 1);
    /* A ready queue keeps its registers. */
    vd_write(&d, VIRTIO_MMIO_QUEUE_NUM, 4);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_QUEUE_NUM), 16);
    vd_driver_ok(&d);
    /* After DRIVER_OK too. */
    vd_write(&d, VIRTIO_MMIO_QUEUE_READY, 0);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_QUEUE_READY), 1);
    /* Notifications of queues that do not exist are ignored. */
    vd_notify(&d, 7);
    vd_notify(&d, 0xffffffffu);
    assert_int_equal(request(4), 4);
}

/* A ring set-up the device refuses: DEVICE_NEEDS_RESET, then a reset and
 * a good set-up work. */
static void bad_setup(uint16_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
    assert_int_equal(vd_negotiate(&d, F_V1), ST_ACK | ST_DRV | ST_FOK);
    vd_queue_regs(&d, 0, size, desc, avail, used);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_QUEUE_READY), 0);
    assert_true(vd_read(&d, VIRTIO_MMIO_STATUS) & ST_NR);
    vd_driver_ok(&d); /* not started */
    vd_write(&d, VIRTIO_MMIO_STATUS, 0);
    assert_int_equal(vd_read(&d, VIRTIO_MMIO_STATUS), 0);
    bring_up(0);
    assert_int_equal(request(16), 16);
}

static void test_bad_size(void **state)
{
    uint64_t r = vd_alloc(&d, 4096, 4096);
    bad_setup(3, r, r + 1024, r + 2048);
    bad_setup(0, r, r + 1024, r + 2048);
    bad_setup(2 * VIRTIO_RNG_QUEUE_SIZE, r, r + 1024, r + 2048);
}

static void test_bad_ring_addresses(void **state)
{
    uint64_t r = vd_alloc(&d, 4096, 4096);
    bad_setup(16, r + 8, r + 1024, r + 2048);           /* misaligned descriptors */
    bad_setup(16, r, r + 1025, r + 2048);               /* misaligned avail */
    bad_setup(16, r, r + 1024, r + 2050);               /* misaligned used */
    bad_setup(16, 0x1000, r + 1024, r + 2048);          /* not RAM */
    bad_setup(16, r, r + 1024, VD_RAM_BASE + VD_RAM_SIZE - 16); /* off the end */
    bad_setup(16, r, 0xfffffffffffffff0ULL, r + 2048);  /* wraps */
}

/* A driver breaking a ring rule after DRIVER_OK: the device sets
 * DEVICE_NEEDS_RESET and raises a config interrupt; reset; it works. */
static void test_broken_ring_needs_reset(void **state)
{
    bring_up(0);
    uint32_t gen = vd_read(&d, VIRTIO_MMIO_CONFIG_GENERATION);
    vd_desc(&d, 0, VD_RAM_BASE + 0x200000, 16, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
    vd_submit(&d, 0, 0); /* a chain that loops on itself */
    for (int i = 0; i < 50000 && !(vd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS) & 2); i++)
        usleep(100); /* the config interrupt */
    assert_true(vd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS) & 2);
    assert_true(vd_read(&d, VIRTIO_MMIO_STATUS) & ST_NR); /* set before the interrupt */
    assert_true(atomic_load(&d.irq));
    assert_int_not_equal(vd_read(&d, VIRTIO_MMIO_CONFIG_GENERATION), gen);
    assert_int_equal(vd_used_idx(&d), 0);
    /* Notifications to a device needing a reset are ignored. */
    vd_notify(&d, 0);
    vd_write(&d, VIRTIO_MMIO_STATUS, 0);
    assert_false(atomic_load(&d.irq)); /* a reset clears the interrupt */
    bring_up(0);
    assert_int_equal(request(16), 16);
}

static void test_event_idx_suppresses(void **state)
{
    bring_up(F_EVIDX);
    uint16_t *used_event = vd_avail_field(&d, 2 + 16);
    *used_event = 0;
    assert_int_equal(request(8), 8); /* used 0 -> 1 crosses 0 */
    assert_int_equal(atomic_load(&d.irq_edges), 1);
    vd_write(&d, VIRTIO_MMIO_INTERRUPT_ACK, 1);
    *used_event = 100; /* far away: no interrupt */
    assert_int_equal(request(8), 8);
    usleep(20000);
    assert_int_equal(atomic_load(&d.irq_edges), 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_identity),     T(test_empty_slot),           T(test_working),
        T(test_random_bytes_differ), T(test_status_order),  T(test_features),
        T(test_queue_rules),  T(test_bad_size),             T(test_bad_ring_addresses),
        T(test_broken_ring_needs_reset), T(test_event_idx_suppresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
