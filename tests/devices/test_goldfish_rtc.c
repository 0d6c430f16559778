/* Goldfish RTC: wall-clock time with the TIME_HIGH latch, setting the
 * time, the alarm (thread-fired and immediate), clearing, IRQ gating,
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

#include "devices/goldfish_rtc.h"
#include "vm/mem.h"

#define BASE 0x101000ULL
#define MS 1000000ULL

static atomic_bool irq_level;
static struct vm_mem *mem;
static struct vm_goldfish_rtc *rtc;

static void irq_set(void *opaque, unsigned n, bool level)
{
    atomic_store(&irq_level, level);
}

static int setup(void **state)
{
    atomic_store(&irq_level, false);
    mem = vm_mem_create();
    struct vm_irq_line line = {irq_set, NULL, 11};
    rtc = vm_goldfish_rtc_create(mem, BASE, &line);
    assert_non_null(rtc);
    return 0;
}

static int teardown(void **state)
{
    vm_goldfish_rtc_destroy(rtc);
    vm_mem_destroy(mem);
    return 0;
}

static uint32_t rd(uint64_t off)
{
    uint64_t v = 0xdead;
    assert_int_equal(vm_mem_load(mem, BASE + off, 4, &v), 0);
    return (uint32_t)v;
}

static void wr(uint64_t off, uint32_t v)
{
    assert_int_equal(vm_mem_store(mem, BASE + off, 4, v), 0);
}

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t rtc_time(void)
{
    uint64_t lo = rd(GOLDFISH_RTC_TIME_LOW); /* latches the high half */
    return ((uint64_t)rd(GOLDFISH_RTC_TIME_HIGH) << 32) | lo;
}

static void set_alarm(uint64_t at)
{
    wr(GOLDFISH_RTC_ALARM_HIGH, (uint32_t)(at >> 32));
    wr(GOLDFISH_RTC_ALARM_LOW, (uint32_t)at); /* arms */
}

static bool wait_irq(bool level, unsigned limit_ms)
{
    for (unsigned i = 0; i < limit_ms && atomic_load(&irq_level) != level; i++) {
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
    }
    return atomic_load(&irq_level) == level;
}

static void test_time(void **state)
{
    uint64_t before = host_ns();
    uint64_t t = rtc_time();
    uint64_t after = host_ns();
    assert_true(t >= before && t <= after);
    /* TIME_HIGH is the latched value, not a fresh read. */
    uint32_t lo = rd(GOLDFISH_RTC_TIME_LOW);
    (void)lo;
    uint32_t hi1 = rd(GOLDFISH_RTC_TIME_HIGH), hi2 = rd(GOLDFISH_RTC_TIME_HIGH);
    assert_int_equal(hi1, hi2);
}

static void test_set_time(void **state)
{
    const uint64_t target = 0x0123456789abcdefULL;
    wr(GOLDFISH_RTC_TIME_HIGH, (uint32_t)(target >> 32)); /* Linux's order */
    wr(GOLDFISH_RTC_TIME_LOW, (uint32_t)target);
    uint64_t t = rtc_time();
    assert_true(t >= target && t - target < 1000 * MS);
    /* The alarm uses the guest's clock. */
    wr(GOLDFISH_RTC_IRQ_ENABLED, 1);
    set_alarm(rtc_time() + 2 * MS);
    assert_true(wait_irq(true, 500));
}

static void test_alarm_fires(void **state)
{
    wr(GOLDFISH_RTC_IRQ_ENABLED, 1);
    assert_int_equal(rd(GOLDFISH_RTC_IRQ_ENABLED), 1);
    assert_int_equal(rd(GOLDFISH_RTC_ALARM_STATUS), 0);
    uint64_t at = rtc_time() + 100 * MS;
    set_alarm(at);
    assert_int_equal(rd(GOLDFISH_RTC_ALARM_STATUS), 1);
    assert_int_equal(rd(GOLDFISH_RTC_ALARM_LOW), (uint32_t)at);
    assert_int_equal(rd(GOLDFISH_RTC_ALARM_HIGH), (uint32_t)(at >> 32));
    assert_false(atomic_load(&irq_level));
    assert_true(wait_irq(true, 1000));
    assert_true(rtc_time() >= at);
    assert_int_equal(rd(GOLDFISH_RTC_ALARM_STATUS), 0); /* one-shot */
    wr(GOLDFISH_RTC_CLEAR_INTERRUPT, 1);
    assert_false(atomic_load(&irq_level));
}

static void test_alarm_in_the_past_and_gating(void **state)
{
    set_alarm(rtc_time() - 1000 * MS); /* IRQ disabled: pending only */
    assert_int_equal(rd(GOLDFISH_RTC_ALARM_STATUS), 0);
    assert_false(atomic_load(&irq_level));
    wr(GOLDFISH_RTC_IRQ_ENABLED, 0xffffffff); /* bit 0 only */
    assert_int_equal(rd(GOLDFISH_RTC_IRQ_ENABLED), 1);
    assert_true(atomic_load(&irq_level));
    wr(GOLDFISH_RTC_IRQ_ENABLED, 0);
    assert_false(atomic_load(&irq_level));
    wr(GOLDFISH_RTC_IRQ_ENABLED, 1);
    assert_true(atomic_load(&irq_level));
    wr(GOLDFISH_RTC_CLEAR_INTERRUPT, 0);
    assert_false(atomic_load(&irq_level));
}

static void test_clear_alarm(void **state)
{
    wr(GOLDFISH_RTC_IRQ_ENABLED, 1);
    set_alarm(rtc_time() + 30 * MS);
    wr(GOLDFISH_RTC_CLEAR_ALARM, 1);
    /* If this thread stalled for 30 ms the alarm fired before the clear:
     * nothing to check then. */
    bool fired_first = atomic_load(&irq_level);
    assert_int_equal(rd(GOLDFISH_RTC_ALARM_STATUS), 0);
    struct timespec ts = {0, 60 * 1000000L};
    nanosleep(&ts, NULL);
    if (!fired_first)
        assert_false(atomic_load(&irq_level));
    /* An alarm far ahead stays armed; destroy must still join quickly. */
    set_alarm(rtc_time() + 3600ULL * 1000 * MS);
    assert_int_equal(rd(GOLDFISH_RTC_ALARM_STATUS), 1);
}

static void test_hostile_accesses(void **state)
{
    uint64_t v;
    wr(GOLDFISH_RTC_IRQ_ENABLED, 1);
    assert_int_equal(vm_mem_store(mem, BASE + GOLDFISH_RTC_ALARM_LOW, 8, 0), 0); /* ignored */
    assert_int_equal(vm_mem_store(mem, BASE + GOLDFISH_RTC_ALARM_LOW + 1, 4, 0), 0);
    assert_int_equal(vm_mem_store(mem, BASE + GOLDFISH_RTC_TIME_LOW, 2, 0), 0);
    assert_int_equal(rd(GOLDFISH_RTC_ALARM_STATUS), 0);
    assert_int_equal(vm_mem_load(mem, BASE + GOLDFISH_RTC_TIME_LOW, 8, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(vm_mem_load(mem, BASE + GOLDFISH_RTC_TIME_LOW, 1, &v), 0);
    assert_int_equal(v, 0);
    for (uint64_t off = 0x20; off < GOLDFISH_RTC_SIZE; off += 0x124) {
        wr(off, 0xffffffff);
        assert_int_equal(rd(off), 0);
    }
    assert_int_equal(rd(GOLDFISH_RTC_CLEAR_ALARM), 0); /* write-only registers */
    assert_int_equal(rd(GOLDFISH_RTC_CLEAR_INTERRUPT), 0);
    assert_false(atomic_load(&irq_level));
    uint64_t t = rtc_time();
    assert_true(t - host_ns() < 1000 * MS || host_ns() - t < 1000 * MS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alarm_fires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alarm_in_the_past_and_gating, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clear_alarm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_accesses, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
