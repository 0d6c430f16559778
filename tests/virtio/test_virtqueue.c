/* The split virtqueue walker (devices/virtio/virtqueue.c): chains with
 * direct and indirect descriptors, the used ring, notification
 * suppression (flags and EVENT_IDX), and one test per rule a driver can
 * break (each makes the queue broken, with a reason). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "devices/virtio/virtqueue.h"
#include "vm/error.h"
#include "vm/mem.h"

#define RAM 0x80000000ULL
#define RAM_SIZE (1ULL << 20)
#define QSIZE 8
#define DESC (RAM + 0x1000)
#define AVAIL (RAM + 0x2000)
#define USED (RAM + 0x3000)
#define BUF (RAM + 0x10000)
#define TABLE (RAM + 0x8000)

static struct vm_mem *mem;
static struct virtq q;
static struct virtq_buf bufs[64];
static struct virtq_chain chain = {.cap = 64, .bufs = bufs};
static uint16_t avail_idx;

static uint8_t *host(uint64_t pa)
{
    return vm_mem_ram_ptr(mem, pa, 1);
}

static void desc_at(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                    uint16_t next)
{
    struct virtq_desc d = {addr, len, flags, next};
    memcpy(host(table + 16ULL * i), &d, 16);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    desc_at(DESC, i, addr, len, flags, next);
}

static void post(uint16_t head)
{
    uint16_t *ring = (uint16_t *)host(AVAIL);
    ring[2 + avail_idx % QSIZE] = head;
    ring[1] = ++avail_idx;
}

static int setup(void **state)
{
    mem = vm_mem_create();
    vm_mem_add_ram(mem, RAM, RAM_SIZE, "ram");
    virtq_reset(&q, QSIZE);
    q.desc_pa = DESC;
    q.avail_pa = AVAIL;
    q.used_pa = USED;
    assert_int_equal(virtq_check(&q, mem), 0);
    virtq_start(&q, mem, false, true);
    avail_idx = 0;
    return 0;
}

static int teardown(void **state)
{
    vm_mem_destroy(mem);
    return 0;
}

static void expect_broken(const char *why)
{
    assert_int_equal(virtq_pop(&q, &chain), VIRTQ_BROKEN);
    assert_true(q.broken);
    if (!strstr(q.error, why))
        fail_msg("error '%s' does not say '%s'", q.error, why);
    /* Broken stays broken until a reset. */
    assert_int_equal(virtq_pop(&q, &chain), VIRTQ_BROKEN);
    assert_false(virtq_has_work(&q));
}

/* ---- configuration checks ---- */

static void test_check(void **state)
{
    struct virtq c = q;
    c.size = 6;
    assert_int_equal(virtq_check(&c, mem), -VM_EINVAL); /* not a power of two */
    c.size = 0;
    assert_int_equal(virtq_check(&c, mem), -VM_EINVAL);
    c.size = 16;
    assert_int_equal(virtq_check(&c, mem), -VM_EINVAL); /* above the maximum */
    c = q;
    c.desc_pa = DESC + 8;
    assert_int_equal(virtq_check(&c, mem), -VM_EINVAL); /* misaligned */
    c = q;
    c.used_pa = USED + 2;
    assert_int_equal(virtq_check(&c, mem), -VM_EINVAL);
    c = q;
    c.avail_pa = AVAIL + 1;
    assert_int_equal(virtq_check(&c, mem), -VM_EINVAL);
    c = q;
    c.desc_pa = 0x1000; /* not RAM */
    assert_int_equal(virtq_check(&c, mem), -VM_EINVAL);
    c = q;
    c.used_pa = RAM + RAM_SIZE - 8; /* runs off the end of RAM */
    assert_int_equal(virtq_check(&c, mem), -VM_EINVAL);
    c = q;
    c.avail_pa = UINT64_MAX - 1; /* wraps */
    assert_int_equal(virtq_check(&c, mem), -VM_EINVAL);
}

/* ---- chains ---- */

static void test_simple_chain(void **state)
{
    assert_int_equal(virtq_pop(&q, &chain), VIRTQ_EMPTY);
    memcpy(host(BUF), "hello", 5);
    desc(3, BUF, 5, VIRTQ_DESC_F_NEXT, 5);
    desc(5, BUF + 0x100, 100, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    desc(1, BUF + 0x200, 1, VIRTQ_DESC_F_WRITE, 0);
    post(3);
    assert_true(virtq_has_work(&q));
    assert_int_equal(virtq_pop(&q, &chain), VIRTQ_GOT);
    assert_int_equal(chain.head, 3);
    assert_int_equal(chain.n_out, 1);
    assert_int_equal(chain.n_in, 2);
    assert_int_equal(chain.out_len, 5);
    assert_int_equal(chain.in_len, 101);
    char b[8] = {0};
    assert_int_equal(virtq_chain_read(&chain, 1, b, 10), 4);
    assert_string_equal(b, "ello");
    /* Writes spill from one writable buffer into the next. */
    uint8_t data[101];
    memset(data, 0xab, sizeof(data));
    assert_int_equal(virtq_chain_write(&q, &chain, 0, data, sizeof(data)), 101);
    assert_int_equal(host(BUF + 0x200)[0], 0xab);
    assert_int_equal(virtq_pop(&q, &chain), VIRTQ_EMPTY);
    /* Used: the element, then the index. */
    virtq_push(&q, 3, 101);
    uint32_t id, len;
    memcpy(&id, host(USED + 4), 4);
    memcpy(&len, host(USED + 8), 4);
    assert_int_equal(id, 3);
    assert_int_equal(len, 101);
    assert_int_equal(*(uint16_t *)host(USED + 2), 1);
}

static void test_indirect_chain(void **state)
{
    desc_at(TABLE, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
    desc_at(TABLE, 2, BUF + 0x100, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    desc_at(TABLE, 1, BUF + 0x400, 1, VIRTQ_DESC_F_WRITE, 0);
    desc(0, TABLE, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    post(0);
    assert_int_equal(virtq_pop(&q, &chain), VIRTQ_GOT);
    assert_int_equal(chain.n_out, 1);
    assert_int_equal(chain.n_in, 2);
    assert_int_equal(chain.in_len, 513);
    assert_int_equal(chain.bufs[2].pa, BUF + 0x400);
}

static void test_zero_length_buffers_skipped(void **state)
{
    desc(0, BUF, 0, VIRTQ_DESC_F_NEXT, 1);
    desc(1, 0x1234, 0, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2); /* len 0: address unused */
    desc(2, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
    post(0);
    assert_int_equal(virtq_pop(&q, &chain), VIRTQ_GOT);
    assert_int_equal(chain.n_out + chain.n_in, 1);
}

/* ---- broken rules ---- */

static void test_rule_head_out_of_range(void **state)
{
    post(QSIZE);
    expect_broken("out of range");
}

static void test_rule_next_out_of_range(void **state)
{
    desc(0, BUF, 4, VIRTQ_DESC_F_NEXT, QSIZE + 3);
    post(0);
    expect_broken("next index");
}

static void test_rule_loop(void **state)
{
    desc(0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
    desc(1, BUF, 4, VIRTQ_DESC_F_NEXT, 0);
    post(0);
    expect_broken("longer than");
}

static void test_rule_indirect_loop(void **state)
{
    desc_at(TABLE, 0, BUF, 4, VIRTQ_DESC_F_NEXT, 1);
    desc_at(TABLE, 1, BUF, 4, VIRTQ_DESC_F_NEXT, 0);
    desc(0, TABLE, 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
    post(0);
    expect_broken("longer than");
}

static void test_rule_readable_after_writable(void **state)
{
    desc(0, BUF, 4, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
    desc(1, BUF, 4, 0, 0);
    post(0);
    expect_broken("device-readable after device-writable");
}

static void test_rule_unknown_flags(void **state)
{
    desc(0, BUF, 4, 0x8, 0);
    post(0);
    expect_broken("unknown flags");
}

static void test_rule_indirect_not_negotiated(void **state)
{
    q.indirect = false;
    desc(0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
    post(0);
    expect_broken("not negotiated");
}

static void test_rule_nested_indirect(void **state)
{
    desc_at(TABLE, 0, TABLE + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
    desc(0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
    post(0);
    expect_broken("nested");
}

static void test_rule_indirect_with_next(void **state)
{
    desc(0, TABLE, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
    post(0);
    expect_broken("NEXT");
}

static void test_rule_indirect_bad_size(void **state)
{
    desc(0, TABLE, 20, VIRTQ_DESC_F_INDIRECT, 0);
    post(0);
    expect_broken("indirect table of 20 bytes");
}

static void test_rule_indirect_outside_ram(void **state)
{
    desc(0, RAM + RAM_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
    post(0);
    expect_broken("outside RAM");
}

static void test_rule_buffer_outside_ram(void **state)
{
    desc(0, RAM + RAM_SIZE - 4, 8, 0, 0);
    post(0);
    expect_broken("outside RAM");
}

static void test_rule_buffer_wraps(void **state)
{
    desc(0, UINT64_MAX - 2, 16, VIRTQ_DESC_F_WRITE, 0);
    post(0);
    expect_broken("outside RAM");
}

static void test_rule_avail_too_far_ahead(void **state)
{
    desc(0, BUF, 4, 0, 0);
    *(uint16_t *)host(AVAIL + 2) = QSIZE + 1;
    expect_broken("ahead");
}

static void test_avail_wraps_around(void **state)
{
    /* 16-bit indices wrap: 65535 -> 0 is one entry, not a broken driver. */
    q.last_avail = 0xffff;
    q.used_idx = 0xffff;
    desc(0, BUF, 4, 0, 0);
    uint16_t *ring = (uint16_t *)host(AVAIL);
    ring[2 + 0xffff % QSIZE] = 0;
    ring[1] = 0;
    assert_int_equal(virtq_pop(&q, &chain), VIRTQ_GOT);
    virtq_push(&q, 0, 0);
    assert_int_equal(*(uint16_t *)host(USED + 2), 0);
}

/* ---- notification suppression ---- */

static void test_notify_flags(void **state)
{
    virtq_push(&q, 0, 0);
    assert_true(virtq_should_notify(&q));
    *(uint16_t *)host(AVAIL) = VIRTQ_AVAIL_F_NO_INTERRUPT;
    virtq_push(&q, 0, 0);
    assert_false(virtq_should_notify(&q));
    virtq_disable_notify(&q);
    assert_int_equal(*(uint16_t *)host(USED), VIRTQ_USED_F_NO_NOTIFY);
    assert_false(virtq_enable_notify(&q));
    assert_int_equal(*(uint16_t *)host(USED), 0);
    post(0);
    assert_true(virtq_enable_notify(&q)); /* work arrived: look again */
}

static void test_notify_event_idx(void **state)
{
    virtq_start(&q, mem, true, true);
    uint16_t *used_event = (uint16_t *)host(AVAIL + 4 + 2 * QSIZE);
    /* The driver wants an interrupt when used.idx passes 2. */
    *used_event = 2;
    virtq_push(&q, 0, 0); /* used 1: first check always notifies */
    assert_true(virtq_should_notify(&q));
    virtq_push(&q, 0, 0); /* used 2: event 2 not crossed (needs idx > 2) */
    assert_false(virtq_should_notify(&q));
    virtq_push(&q, 0, 0); /* used 3 crosses it */
    assert_true(virtq_should_notify(&q));
    virtq_push(&q, 0, 0);
    assert_false(virtq_should_notify(&q));
    /* avail_event tells the driver where we are. */
    desc(0, BUF, 4, 0, 0);
    post(0);
    assert_int_equal(virtq_pop(&q, &chain), VIRTQ_GOT);
    assert_false(virtq_enable_notify(&q));
    assert_int_equal(*(uint16_t *)host(USED + 4 + 8 * QSIZE), 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_check),
        T(test_simple_chain),
        T(test_indirect_chain),
        T(test_zero_length_buffers_skipped),
        T(test_rule_head_out_of_range),
        T(test_rule_next_out_of_range),
        T(test_rule_loop),
        T(test_rule_indirect_loop),
        T(test_rule_readable_after_writable),
        T(test_rule_unknown_flags),
        T(test_rule_indirect_not_negotiated),
        T(test_rule_nested_indirect),
        T(test_rule_indirect_with_next),
        T(test_rule_indirect_bad_size),
        T(test_rule_indirect_outside_ram),
        T(test_rule_buffer_outside_ram),
        T(test_rule_buffer_wraps),
        T(test_rule_avail_too_far_ahead),
        T(test_avail_wraps_around),
        T(test_notify_flags),
        T(test_notify_event_idx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
