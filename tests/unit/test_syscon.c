/* sifive,test: pass, fail with a code, reset; everything else ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "devices/syscon.h"
#include "vm/mem.h"

#define BASE 0x100000ULL

struct events {
    unsigned count;
    enum vm_syscon_event last;
    int status;
};

static void on_event(void *opaque, enum vm_syscon_event ev, int status)
{
    struct events *e = opaque;
    e->count++;
    e->last = ev;
    e->status = status;
}

static void test_events(void **state)
{
    (void)state;
    struct events e = {0};
    struct vm_mem *mem = vm_mem_create();
    struct vm_syscon *s = vm_syscon_create(mem, BASE, on_event, &e);
    assert_non_null(s);

    assert_int_equal(vm_mem_store(mem, BASE, 4, 0x5555), 0);
    assert_int_equal(e.count, 1);
    assert_int_equal(e.last, VM_SYSCON_POWEROFF);
    assert_int_equal(e.status, 0);

    assert_int_equal(vm_mem_store(mem, BASE, 4, (42u << 16) | 0x3333), 0);
    assert_int_equal(e.count, 2);
    assert_int_equal(e.last, VM_SYSCON_POWEROFF_FAIL);
    assert_int_equal(e.status, 42);

    assert_int_equal(vm_mem_store(mem, BASE, 4, 0xffff3333u), 0);
    assert_int_equal(e.status, 0xffff);

    assert_int_equal(vm_mem_store(mem, BASE, 4, 0x7777), 0);
    assert_int_equal(e.count, 4);
    assert_int_equal(e.last, VM_SYSCON_RESET);

    assert_int_equal(vm_mem_store(mem, BASE, 2, 0x5555), 0); /* QEMU takes 16-bit too */
    assert_int_equal(e.count, 5);
    assert_int_equal(e.last, VM_SYSCON_POWEROFF);
    vm_syscon_destroy(s);
    vm_mem_destroy(mem);
}

static void test_ignored(void **state)
{
    (void)state;
    struct events e = {0};
    struct vm_mem *mem = vm_mem_create();
    struct vm_syscon *s = vm_syscon_create(mem, BASE, on_event, &e);
    uint64_t v = 1;
    assert_int_equal(vm_mem_store(mem, BASE, 4, 0x1234), 0);
    assert_int_equal(vm_mem_store(mem, BASE, 4, 0x5556), 0);
    assert_int_equal(vm_mem_store(mem, BASE + 4, 4, 0x5555), 0);
    assert_int_equal(vm_mem_store(mem, BASE + 0xffc, 4, 0x7777), 0);
    assert_int_equal(vm_mem_store(mem, BASE, 1, 0x55), 0);
    assert_int_equal(vm_mem_store(mem, BASE, 8, 0x5555), 0);
    assert_int_equal(e.count, 0);
    assert_int_equal(vm_mem_load(mem, BASE, 4, &v), 0);
    assert_int_equal(v, 0);
    vm_syscon_destroy(s);

    /* No callback: requests are dropped. */
    s = vm_syscon_create(mem, BASE + SYSCON_SIZE, NULL, NULL);
    assert_non_null(s);
    assert_int_equal(vm_mem_store(mem, BASE + SYSCON_SIZE, 4, 0x5555), 0);
    vm_syscon_destroy(s);
    vm_mem_destroy(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
