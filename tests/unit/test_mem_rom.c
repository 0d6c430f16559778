/* ROM regions (vm_mem_add_rom, issue 12): what CPUs and devices store
 * there is dropped; loaders still fill it; a device may not DMA into it
 * (a virtqueue's used ring there is refused). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/virtio/virtqueue.h"
#include "vm/mem.h"

#define ROM 0x1000ULL
#define RAM 0x80000000ULL

static struct vm_mem *make(void)
{
    struct vm_mem *mem = vm_mem_create();
    assert_non_null(mem);
    assert_int_equal(vm_mem_add_rom(mem, ROM, 0x1000, "rom"), 0);
    assert_int_equal(vm_mem_add_ram(mem, RAM, 0x10000, "ram"), 0);
    return mem;
}

static void stores_are_dropped(void **state)
{
    (void)state;
    struct vm_mem *mem = make();
    static const uint8_t code[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(vm_mem_write(mem, ROM, code, sizeof(code), NULL), 0); /* a loader */
    uint64_t v;
    assert_int_equal(vm_mem_store(mem, ROM, 8, 0xdeadbeefcafef00dULL), 0); /* no fault */
    assert_int_equal(vm_mem_store(mem, ROM + 2, 2, 0xffff), 0);
    assert_int_equal(vm_mem_store(mem, ROM + 0xffc, 4, 0xffffffff), 0); /* its last word */
    assert_true(vm_mem_store(mem, ROM + 0xffe, 4, 0) < 0); /* past its end: unbacked */
    assert_int_equal(vm_mem_load(mem, ROM, 8, &v), 0);
    assert_int_equal(v, 0x0807060504030201ULL);
    assert_int_equal(vm_mem_store(mem, RAM, 8, 42), 0); /* RAM still takes stores */
    assert_int_equal(vm_mem_load(mem, RAM, 8, &v), 0);
    assert_int_equal(v, 42);
    assert_non_null(vm_mem_ram_ptr(mem, ROM, 8));
    assert_null(vm_mem_ram_ptr_writable(mem, ROM, 8));
    assert_non_null(vm_mem_ram_ptr_writable(mem, RAM, 8));
    assert_true(vm_mem_find(mem, ROM)->readonly);
    assert_false(vm_mem_find(mem, RAM)->readonly);
    vm_mem_destroy(mem);
}

static void no_used_ring_in_rom(void **state)
{
    (void)state;
    struct vm_mem *mem = make();
    struct virtq q;
    virtq_reset(&q, 16);
    q.desc_pa = RAM, q.avail_pa = RAM + 0x1000, q.used_pa = RAM + 0x2000;
    assert_int_equal(virtq_check(&q, mem), 0);
    q.used_pa = ROM;
    assert_true(virtq_check(&q, mem) < 0); /* the device would write the ROM */
    q.used_pa = RAM + 0x2000, q.desc_pa = ROM; /* reading from ROM is fine */
    assert_int_equal(virtq_check(&q, mem), 0);
    vm_mem_destroy(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stores_are_dropped),
        cmocka_unit_test(no_used_ring_in_rom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
