/* Guest physical memory: regions, lookup, LE access, bulk copies, dirty log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vm/error.h"
#include "vm/mem.h"

struct dev {
    uint64_t last_off, last_val;
    unsigned last_size, reads, writes;
};

static int dev_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    struct dev *d = opaque;
    d->reads++;
    d->last_off = off;
    d->last_size = size;
    *value = 0x1122334455667788ULL;
    return 0;
}

static int dev_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct dev *d = opaque;
    d->writes++;
    d->last_off = off;
    d->last_size = size;
    d->last_val = value;
    return off >= 0x100 ? -VM_EFAULT : 0; /* refuses the top of its window */
}

static const struct vm_mmio_ops dev_ops = {dev_read, dev_write};

static void test_overlap_and_zero_refused(void **state)
{
    (void)state;
    struct vm_mem *m = vm_mem_create();
    struct dev d = {0};
    assert_int_equal(vm_mem_add_ram(m, 0x80000000, 0x100000, "ram"), 0);
    assert_int_equal(vm_mem_add_ram(m, 0x800ff000, 0x2000, "clash"), -VM_EOVERLAP);
    assert_non_null(strstr(vm_error_message(), "overlaps 'ram'"));
    assert_int_equal(vm_mem_add_mmio(m, 0x7ffff000, 0x1001, &dev_ops, &d, "edge"), -VM_EOVERLAP);
    assert_int_equal(vm_mem_add_mmio(m, 0x1000, 0, &dev_ops, &d, "empty"), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "size is zero"));
    assert_int_equal(vm_mem_add_ram(m, 0x1000, 0x123, "odd"), -VM_EINVAL);
    assert_int_equal(vm_mem_add_mmio(m, ~0ULL - 0xff, 0x1000, &dev_ops, &d, "wrap"), -VM_EINVAL);
    assert_int_equal(vm_mem_add_mmio(m, 0x10000000, 0x1000, &dev_ops, &d, "uart"), 0);
    assert_int_equal(vm_mem_region_count(m), 2);
    vm_mem_destroy(m);
}

static void test_lookup(void **state)
{
    (void)state;
    struct vm_mem *m = vm_mem_create();
    struct dev d = {0};
    /* Added out of order: the table must stay sorted. */
    assert_int_equal(vm_mem_add_ram(m, 0x80000000, 0x10000, "ram"), 0);
    assert_int_equal(vm_mem_add_mmio(m, 0x2000000, 0x10000, &dev_ops, &d, "clint"), 0);
    assert_int_equal(vm_mem_add_ram(m, 0x1000, 0x1000, "rom"), 0);
    assert_string_equal(vm_mem_find(m, 0x1fff)->name, "rom");
    assert_string_equal(vm_mem_find(m, 0x200ffff)->name, "clint");
    assert_string_equal(vm_mem_find(m, 0x80000000)->name, "ram");
    assert_string_equal(vm_mem_find(m, 0x8000ffff)->name, "ram");
    assert_null(vm_mem_find(m, 0x80010000));
    assert_null(vm_mem_find(m, 0x0));
    assert_null(vm_mem_find(m, 0x2000));
    assert_null(vm_mem_ram_ptr(m, 0x8000fffc, 8)); /* runs off the end */
    assert_non_null(vm_mem_ram_ptr(m, 0x8000fff8, 8));
    assert_null(vm_mem_ram_ptr(m, 0x2000000, 4)); /* MMIO has no host pointer */
    vm_mem_destroy(m);
}

static void test_le_access_and_mmio(void **state)
{
    (void)state;
    struct vm_mem *m = vm_mem_create();
    struct dev d = {0};
    assert_int_equal(vm_mem_add_ram(m, 0x80000000, 0x10000, "ram"), 0);
    assert_int_equal(vm_mem_add_mmio(m, 0x10000000, 0x1000, &dev_ops, &d, "dev"), 0);
    assert_int_equal(vm_mem_store(m, 0x80000001, 8, 0x0102030405060708ULL), 0);
    uint8_t *p = vm_mem_ram_ptr(m, 0x80000000, 16);
    assert_int_equal(p[1], 0x08); /* little-endian */
    assert_int_equal(p[8], 0x01);
    uint64_t v;
    assert_int_equal(vm_mem_load(m, 0x80000003, 2, &v), 0);
    assert_int_equal(v, 0x0506);
    assert_int_equal(vm_mem_load(m, 0x10000010, 4, &v), 0);
    assert_int_equal(v, 0x55667788); /* truncated to the access size */
    assert_int_equal(d.last_off, 0x10);
    assert_int_equal(d.last_size, 4);
    assert_int_equal(vm_mem_store(m, 0x10000020, 2, 0xbeef), 0);
    assert_int_equal(d.last_val, 0xbeef);
    assert_int_equal(vm_mem_store(m, 0x10000200, 4, 1), -VM_EFAULT); /* device refused */
    assert_int_equal(vm_mem_load(m, 0x90000000, 4, &v), -VM_EFAULT);
    vm_mem_destroy(m);
}

static void test_bulk_crosses_regions(void **state)
{
    (void)state;
    struct vm_mem *m = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(m, 0x80000000, 0x1000, "a"), 0);
    assert_int_equal(vm_mem_add_ram(m, 0x80001000, 0x1000, "b"), 0);
    uint8_t buf[0x100], back[0x100];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 7 + 1);
    uint64_t fail = 0;
    assert_int_equal(vm_mem_write(m, 0x80000f80, buf, sizeof(buf), &fail), 0);
    assert_int_equal(vm_mem_read(m, 0x80000f80, back, sizeof(back), &fail), 0);
    assert_memory_equal(buf, back, sizeof(buf));
    /* Runs past the end of "b": the first unbacked address is reported. */
    assert_int_equal(vm_mem_write(m, 0x80001f80, buf, sizeof(buf), &fail), -VM_EFAULT);
    assert_int_equal(fail, 0x80002000);
    assert_int_equal(vm_mem_read(m, 0x7ffffff0, back, 0x20, &fail), -VM_EFAULT);
    assert_int_equal(fail, 0x7ffffff0);
    vm_mem_destroy(m);
}

static void test_dirty_log(void **state)
{
    (void)state;
    struct vm_mem *m = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(m, 0x80000000, 0x100000, "ram"), 0);
    uint64_t bm[4];
    assert_int_equal(vm_mem_dirty_get_and_clear(m, 0x80000000, bm, 4), -VM_ENOENT);
    assert_int_equal(vm_mem_dirty_log(m, 0x80000000, true), 0);
    assert_int_equal(vm_mem_store(m, 0x80003ffe, 4, 0xffffffff), 0); /* pages 3 and 4 */
    uint8_t b[0x2000] = {0};
    assert_int_equal(vm_mem_write(m, 0x80010000, b, sizeof(b), NULL), 0); /* pages 16, 17 */
    assert_int_equal(vm_mem_dirty_get_and_clear(m, 0x80000000, bm, 1), -VM_EINVAL);
    assert_int_equal(vm_mem_dirty_get_and_clear(m, 0x80000000, bm, 4), 0);
    assert_int_equal(bm[0], (1ULL << 3) | (1ULL << 4) | (1ULL << 16) | (1ULL << 17));
    assert_int_equal(bm[1] | bm[2] | bm[3], 0);
    assert_int_equal(vm_mem_dirty_get_and_clear(m, 0x80000000, bm, 4), 0);
    assert_int_equal(bm[0], 0); /* cleared */
    vm_mem_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overlap_and_zero_refused),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_le_access_and_mmio),
        cmocka_unit_test(test_bulk_crosses_regions),
        cmocka_unit_test(test_dirty_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
