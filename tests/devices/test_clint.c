/* CLINT: mtime, msip, mtimecmp (64-bit and halves), MTIP raised by the
 * timer thread within a bounded time and lowered at once, mtime writes,
 * hostile accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "core/timebase.h"
#include "devices/clint.h"
#include "vm/error.h"
#include "vm/mem.h"

#define BASE 0x2000000ULL
#define HARTS 2

struct fixture {
    atomic_bool msip[HARTS], mtip[HARTS];
    atomic_uint mtip_changes;
    struct vm_mem *mem;
    struct vm_clint *c;
};

static struct fixture fx;

static void msip_set(void *opaque, unsigned n, bool level)
{
    atomic_store(&fx.msip[n], level);
}

static void mtip_set(void *opaque, unsigned n, bool level)
{
    atomic_store(&fx.mtip[n], level);
    atomic_fetch_add(&fx.mtip_changes, 1);
}

static int setup(void **state)
{
    memset(&fx, 0, sizeof(fx));
    fx.mem = vm_mem_create();
    struct vm_irq_line msip[HARTS], mtip[HARTS];
    for (unsigned h = 0; h < HARTS; h++) {
        msip[h] = (struct vm_irq_line){msip_set, NULL, h};
        mtip[h] = (struct vm_irq_line){mtip_set, NULL, h};
    }
    fx.c = vm_clint_create(fx.mem, BASE, HARTS, msip, mtip, NULL);
    assert_non_null(fx.c);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    vm_clint_destroy(fx.c);
    vm_mem_destroy(fx.mem);
    return 0;
}

static uint64_t rd(uint64_t off, unsigned size)
{
    uint64_t v = 0xdead;
    assert_int_equal(vm_mem_load(fx.mem, BASE + off, size, &v), 0);
    return v;
}

static void wr(uint64_t off, unsigned size, uint64_t v)
{
    assert_int_equal(vm_mem_store(fx.mem, BASE + off, size, v), 0);
}

static uint64_t mtimecmp(unsigned h) { return CLINT_MTIMECMP_OFFSET + 8 * h; }

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* Wait up to limit_ms for MTIP of hart h to reach level. */
static bool wait_mtip(unsigned h, bool level, unsigned limit_ms)
{
    for (unsigned i = 0; i < limit_ms; i++) {
        if (atomic_load(&fx.mtip[h]) == level)
            return true;
        sleep_ms(1);
    }
    return atomic_load(&fx.mtip[h]) == level;
}

static void test_mtime_runs_at_10mhz(void **state)
{
    uint64_t tb0 = vm_timebase_now();
    uint64_t t0 = rd(CLINT_MTIME_OFFSET, 8);
    sleep_ms(5);
    uint64_t t1 = rd(CLINT_MTIME_OFFSET, 8);
    uint64_t tb1 = vm_timebase_now();
    assert_true(t1 - t0 >= 5 * 10000);  /* at least 5 ms of 100 ns ticks */
    assert_true(t1 - t0 <= tb1 - tb0); /* and no more than elapsed */
    uint64_t m = vm_clint_mtime(fx.c);
    assert_true(m >= t1 && m - t1 < 10000000);
    /* The 32-bit halves read the same counter. */
    uint32_t hi = (uint32_t)rd(CLINT_MTIME_OFFSET + 4, 4);
    assert_int_equal(hi, (uint32_t)(vm_clint_mtime(fx.c) >> 32));
    assert_true(rd(CLINT_MTIME_OFFSET, 4) <= 0xffffffffULL);
}

static void test_msip(void **state)
{
    assert_int_equal(rd(CLINT_MSIP_OFFSET, 4), 0);
    wr(CLINT_MSIP_OFFSET + 4, 4, 1);
    assert_true(atomic_load(&fx.msip[1]));
    assert_false(atomic_load(&fx.msip[0]));
    assert_int_equal(rd(CLINT_MSIP_OFFSET + 4, 4), 1);
    wr(CLINT_MSIP_OFFSET + 4, 4, 0xfffffffe); /* only bit 0 exists */
    assert_false(atomic_load(&fx.msip[1]));
    assert_int_equal(rd(CLINT_MSIP_OFFSET + 4, 4), 0);
    wr(CLINT_MSIP_OFFSET, 4, 0xffffffff);
    assert_true(atomic_load(&fx.msip[0]));
    assert_int_equal(rd(CLINT_MSIP_OFFSET, 4), 1);
    wr(CLINT_MSIP_OFFSET, 4, 0);
    assert_false(atomic_load(&fx.msip[0]));
}

static void test_timer_fires_and_rearms(void **state)
{
    assert_int_equal(rd(mtimecmp(0), 8), UINT64_MAX); /* reset value: MTIP low */
    assert_false(atomic_load(&fx.mtip[0]));
    uint64_t now = vm_clint_mtime(fx.c);
    wr(mtimecmp(0), 8, now + 10000); /* 1 ms ahead */
    assert_true(wait_mtip(0, true, 10000)); /* bounds for a loaded machine */
    assert_false(atomic_load(&fx.mtip[1]));
    /* Moving mtimecmp to the future lowers MTIP before the write returns. */
    wr(mtimecmp(0), 8, vm_clint_mtime(fx.c) + 100000000ULL); /* 10 s */
    assert_false(atomic_load(&fx.mtip[0]));
    /* And re-arms the thread for an earlier deadline. (MTIP read before
     * the time: if this thread stalled past the deadline, which a loaded
     * machine can do, high is right and there is nothing to check.) */
    uint64_t cmp = vm_clint_mtime(fx.c) + 500000; /* 50 ms */
    wr(mtimecmp(0), 8, cmp);
    bool high = atomic_load(&fx.mtip[0]);
    if (vm_clint_mtime(fx.c) < cmp)
        assert_false(high);
    assert_true(wait_mtip(0, true, 10000));
    /* A deadline in the past raises MTIP synchronously. */
    wr(mtimecmp(1), 8, 0);
    assert_true(atomic_load(&fx.mtip[1]));
    wr(mtimecmp(1), 8, UINT64_MAX);
    assert_false(atomic_load(&fx.mtip[1]));
}

static void test_mtimecmp_halves(void **state)
{
    wr(mtimecmp(1), 4, 0x89abcdef);
    assert_int_equal(rd(mtimecmp(1), 8), 0xffffffff89abcdefULL);
    wr(mtimecmp(1) + 4, 4, 0x01234567);
    assert_int_equal(rd(mtimecmp(1), 8), 0x0123456789abcdefULL);
    assert_int_equal(rd(mtimecmp(1), 4), 0x89abcdef);
    assert_int_equal(rd(mtimecmp(1) + 4, 4), 0x01234567);
    assert_false(atomic_load(&fx.mtip[1])); /* far in the future */
    /* The usual RV32 sequence: high = max, low, high. */
    wr(mtimecmp(1) + 4, 4, 0xffffffff);
    wr(mtimecmp(1), 4, 0);
    wr(mtimecmp(1) + 4, 4, 0);
    assert_true(atomic_load(&fx.mtip[1])); /* 0 is in the past */
}

static void test_mtime_write(void **state)
{
    wr(CLINT_MTIME_OFFSET, 8, 0x100000000000ULL);
    uint64_t m = rd(CLINT_MTIME_OFFSET, 8);
    assert_true(m >= 0x100000000000ULL && m < 0x100000000000ULL + 10000000);
    /* mtimecmp below the new mtime: due. */
    wr(mtimecmp(0), 8, 0x100000000000ULL - 1);
    assert_true(atomic_load(&fx.mtip[0]));
    /* Moving mtime back makes it pending in the future again. */
    wr(CLINT_MTIME_OFFSET, 8, 0);
    assert_false(atomic_load(&fx.mtip[0]));
    /* High half write. */
    wr(CLINT_MTIME_OFFSET + 4, 4, 0x7);
    assert_int_equal(rd(CLINT_MTIME_OFFSET + 4, 4), 0x7);
    assert_false(atomic_load(&fx.mtip[0])); /* 0x7_xxxxxxxx is still below mtimecmp */
}

static void test_hostile_accesses(void **state)
{
    uint64_t before = rd(mtimecmp(0), 8);
    /* msip of harts that do not exist, wrong sizes, misaligned. */
    wr(CLINT_MSIP_OFFSET + 4 * HARTS, 4, 1);
    assert_int_equal(rd(CLINT_MSIP_OFFSET + 4 * HARTS, 4), 0);
    wr(CLINT_MSIP_OFFSET, 1, 1);
    wr(CLINT_MSIP_OFFSET, 8, 1);
    wr(CLINT_MSIP_OFFSET + 2, 4, 1);
    assert_false(atomic_load(&fx.msip[0]));
    assert_int_equal(rd(CLINT_MSIP_OFFSET, 1), 0);
    /* mtimecmp: wrong sizes and misaligned, harts that do not exist. */
    wr(mtimecmp(0), 2, 0);
    wr(mtimecmp(0) + 2, 4, 0);
    wr(mtimecmp(0) + 4, 8, 0);
    wr(mtimecmp(HARTS), 8, 0);
    wr(mtimecmp(CLINT_MAX_HARTS - 1), 8, 0);
    assert_int_equal(rd(mtimecmp(0), 8), before);
    assert_int_equal(rd(mtimecmp(HARTS), 8), 0);
    assert_int_equal(rd(mtimecmp(0), 1), 0);
    /* Past mtime, the rest of the window. */
    assert_int_equal(rd(0xc000, 8), 0);
    wr(0xc000, 8, 0);
    assert_int_equal(rd(CLINT_SIZE - 8, 8), 0);
    wr(CLINT_MTIME_OFFSET + 2, 4, 0);
    assert_int_equal(rd(CLINT_MTIME_OFFSET + 2, 2), 0);
}

static void test_create_rejects_bad_harts(void **state)
{
    (void)state;
    assert_null(vm_clint_create(NULL, 0, 0, NULL, NULL, NULL));
    assert_non_null(strstr(vm_error_message(), "harts"));
    assert_null(vm_clint_create(NULL, 0, CLINT_MAX_HARTS + 1, NULL, NULL, NULL));
    struct vm_mem *mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(mem, BASE, 0x1000, "ram"), 0);
    assert_null(vm_clint_create(mem, BASE, 1, NULL, NULL, NULL)); /* overlap */
    assert_non_null(strstr(vm_error_message(), "overlaps"));
    vm_mem_destroy(mem);
    /* Unconnected lines are fine. */
    struct vm_clint *c = vm_clint_create(NULL, 0, 1, NULL, NULL, NULL);
    assert_non_null(c);
    vm_clint_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mtime_runs_at_10mhz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_msip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_fires_and_rearms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mtimecmp_halves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mtime_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_accesses, setup, teardown),
        cmocka_unit_test(test_create_rejects_bad_harts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
