/* virtio-blk through its transport, as a guest driver uses it
 * (vdriver.h), with the I/O thread serving a real image file: read,
 * write (in the file when completed), flush, get-id, discard,
 * write-zeroes, the configuration space, and the error statuses (range,
 * length, read-only, unknown types, missing header or status). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices/virtio/virtio_blk.h"
#include "vdriver.h"

#define SECTORS 128
#define F_V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

static struct vdrv d;
static char dir[64], img[128];
static struct vm_disk *disk;
static struct vm_virtio_blk *blk;
static struct vm_virtio_mmio *mmio;

static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(i * 13 + 5);
}

static void make_image(void)
{
    FILE *f = fopen(img, "wb");
    for (uint64_t i = 0; i < SECTORS * 512; i++)
        fputc(pattern(i), f);
    fclose(f);
}

/* A fresh machine: RAM, the device on the image, its transport. */
static void start(bool ro)
{
    vd_mem_init(&d);
    struct vm_disk_config c = {.path = img, .format = "raw", .readonly = ro, .unmap = true};
    assert_int_equal(vm_disk_open(&c, &disk), 0);
    struct vm_irq_line irq = vd_irq_line(&d);
    blk = vm_virtio_blk_create(d.mem, &irq, disk, "vm-serial-1");
    assert_non_null(blk);
    mmio = vm_virtio_mmio_create(d.mem, VD_MMIO_BASE, vm_virtio_blk_core(blk));
    uint64_t f = vd_device_features(&d);
    assert_int_equal(vd_negotiate(&d, f), 0xb);
    vd_setup_queue(&d, 0, 64);
    vd_driver_ok(&d);
}

static void stop(void)
{
    vm_virtio_blk_destroy(blk);
    vm_virtio_mmio_destroy(mmio);
    vm_disk_close(disk);
    vm_mem_destroy(d.mem);
    blk = NULL;
}

static int setup(void **state)
{
    snprintf(dir, sizeof(dir), "/tmp/vm-blk-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(img, sizeof(img), "%s/disk.img", dir);
    make_image();
    start(false);
    return 0;
}

static int teardown(void **state)
{
    if (blk)
        stop();
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd);
}

struct req {
    uint64_t hdr, data, status;
};

/* header (16 bytes) + optional data + status, as three descriptors. */
static uint8_t run(uint32_t type, uint64_t sector, uint64_t *data, uint32_t len, bool data_write,
                   uint32_t *used_len)
{
    uint64_t hdr = vd_alloc(&d, 16, 16), status = vd_alloc(&d, 1, 1);
    uint8_t *h = vd_host(&d, hdr);
    vm_st_le(h, 4, type);
    vm_st_le(h + 8, 8, sector);
    *vd_host(&d, status) = 0xee;
    unsigned n = 0;
    vd_desc(&d, n, hdr, 16, VIRTQ_DESC_F_NEXT, (uint16_t)(n + 1));
    n++;
    if (len) {
        if (!*data)
            *data = vd_alloc(&d, len, 512);
        vd_desc(&d, n, *data, len, VIRTQ_DESC_F_NEXT | (data_write ? VIRTQ_DESC_F_WRITE : 0),
                (uint16_t)(n + 1));
        n++;
    }
    vd_desc(&d, n, status, 1, VIRTQ_DESC_F_WRITE, 0);
    vd_submit(&d, 0, 0);
    uint32_t id = 0, l = 0;
    assert_true(vd_wait_used(&d, &id, &l));
    if (used_len)
        *used_len = l;
    return *vd_host(&d, status);
}

static void file_bytes(uint64_t off, void *buf, size_t len)
{
    FILE *f = fopen(img, "rb");
    fseek(f, (long)off, SEEK_SET);
    assert_int_equal(fread(buf, 1, len, f), len);
    fclose(f);
}

static void test_config(void **state)
{
    uint64_t cap = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t v;
        vm_mem_load(d.mem, VD_MMIO_BASE + 0x100 + i, 1, &v);
        cap |= v << (8 * i);
    }
    assert_int_equal(cap, SECTORS);
    uint64_t v;
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x100 + VIRTIO_BLK_CFG_BLK_SIZE, 4, &v);
    assert_int_equal(v, 512);
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x100 + VIRTIO_BLK_CFG_SEG_MAX, 4, &v);
    assert_int_equal(v, VIRTIO_BLK_SEG_MAX);
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x100 + VIRTIO_BLK_CFG_CAPACITY, 8, &v);
    assert_int_equal(v, SECTORS);
    /* Beyond the config space: 0. */
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x100 + VIRTIO_BLK_CFG_SIZE, 4, &v);
    assert_int_equal(v, 0);
    uint64_t f = vd_device_features(&d);
    assert_true(f & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
    assert_true(f & VIRTIO_BIT(VIRTIO_BLK_F_DISCARD));
    assert_false(f & VIRTIO_BIT(VIRTIO_BLK_F_RO));
    /* The write cache is on, and the driver may turn it off. */
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x100 + VIRTIO_BLK_CFG_WRITEBACK, 1, &v);
    assert_int_equal(v, 1);
    vm_mem_store(d.mem, VD_MMIO_BASE + 0x100 + VIRTIO_BLK_CFG_WRITEBACK, 1, 0);
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x100 + VIRTIO_BLK_CFG_WRITEBACK, 1, &v);
    assert_int_equal(v, 0);
    /* Other fields are read-only. */
    vm_mem_store(d.mem, VD_MMIO_BASE + 0x100, 4, 7);
    vm_mem_load(d.mem, VD_MMIO_BASE + 0x100, 8, &v);
    assert_int_equal(v, SECTORS);
}

static void test_read(void **state)
{
    uint64_t data = 0;
    uint32_t used;
    assert_int_equal(run(VIRTIO_BLK_T_IN, 3, &data, 2048, true, &used), VIRTIO_BLK_S_OK);
    assert_int_equal(used, 2048 + 1);
    const uint8_t *b = vd_host(&d, data);
    for (int i = 0; i < 2048; i++)
        assert_int_equal(b[i], pattern(3 * 512 + (uint64_t)i));
}

static void test_write_then_file(void **state)
{
    uint64_t data = vd_alloc(&d, 1024, 512);
    memset(vd_host(&d, data), 0xc3, 1024);
    uint32_t used;
    assert_int_equal(run(VIRTIO_BLK_T_OUT, 5, &data, 1024, false, &used), VIRTIO_BLK_S_OK);
    assert_int_equal(used, 1);
    /* Completed means in the host file. */
    uint8_t b[1536];
    file_bytes(5 * 512 - 256, b, sizeof(b));
    for (int i = 0; i < 256; i++)
        assert_int_equal(b[i], pattern(5 * 512 - 256 + (uint64_t)i));
    for (int i = 256; i < 1280; i++)
        assert_int_equal(b[i], 0xc3);
    assert_int_equal(run(VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false, NULL), VIRTIO_BLK_S_OK);
}

static void test_get_id(void **state)
{
    uint64_t data = 0;
    uint32_t used;
    assert_int_equal(run(VIRTIO_BLK_T_GET_ID, 0, &data, 20, true, &used), VIRTIO_BLK_S_OK);
    assert_string_equal((const char *)vd_host(&d, data), "vm-serial-1");
    assert_int_equal(used, strlen("vm-serial-1") + 1 + 1);
}

static void test_discard_and_write_zeroes(void **state)
{
    uint64_t seg = vd_alloc(&d, 16, 8);
    uint8_t *s = vd_host(&d, seg);
    vm_st_le(s, 8, 8);     /* sector */
    vm_st_le(s + 8, 4, 8); /* sectors */
    vm_st_le(s + 12, 4, 0);
    assert_int_equal(run(VIRTIO_BLK_T_WRITE_ZEROES, 0, &seg, 16, false, NULL), VIRTIO_BLK_S_OK);
    uint8_t b[4096];
    file_bytes(8 * 512, b, sizeof(b));
    for (int i = 0; i < 4096; i++)
        assert_int_equal(b[i], 0);
    vm_st_le(s, 8, 32);
    assert_int_equal(run(VIRTIO_BLK_T_DISCARD, 0, &seg, 16, false, NULL), VIRTIO_BLK_S_OK);
    /* Discard takes no flags; write-zeroes only UNMAP. */
    vm_st_le(s + 12, 4, 1);
    assert_int_equal(run(VIRTIO_BLK_T_DISCARD, 0, &seg, 16, false, NULL), VIRTIO_BLK_S_UNSUPP);
    vm_st_le(s + 12, 4, 2);
    assert_int_equal(run(VIRTIO_BLK_T_WRITE_ZEROES, 0, &seg, 16, false, NULL),
                     VIRTIO_BLK_S_UNSUPP);
    /* Beyond the end. */
    vm_st_le(s + 12, 4, 0);
    vm_st_le(s, 8, SECTORS - 4);
    assert_int_equal(run(VIRTIO_BLK_T_WRITE_ZEROES, 0, &seg, 16, false, NULL),
                     VIRTIO_BLK_S_IOERR);
}

static void test_errors(void **state)
{
    uint64_t data = 0;
    /* Past the end, straddling the end, a huge sector (overflow). */
    assert_int_equal(run(VIRTIO_BLK_T_IN, SECTORS, &data, 512, true, NULL), VIRTIO_BLK_S_IOERR);
    data = 0;
    assert_int_equal(run(VIRTIO_BLK_T_IN, SECTORS - 1, &data, 1024, true, NULL),
                     VIRTIO_BLK_S_IOERR);
    data = 0;
    assert_int_equal(run(VIRTIO_BLK_T_OUT, UINT64_MAX / 256, &data, 512, false, NULL),
                     VIRTIO_BLK_S_IOERR);
    /* Not a whole number of sectors. */
    data = 0;
    assert_int_equal(run(VIRTIO_BLK_T_IN, 0, &data, 100, true, NULL), VIRTIO_BLK_S_IOERR);
    /* Unknown and unoffered types. */
    assert_int_equal(run(99, 0, NULL, 0, false, NULL), VIRTIO_BLK_S_UNSUPP);
    assert_int_equal(run(VIRTIO_BLK_T_GET_LIFETIME, 0, NULL, 0, false, NULL),
                     VIRTIO_BLK_S_UNSUPP);
    /* A header shorter than 16 bytes. */
    uint64_t status = vd_alloc(&d, 1, 1), hdr = vd_alloc(&d, 8, 8);
    vd_desc(&d, 0, hdr, 8, VIRTQ_DESC_F_NEXT, 1);
    vd_desc(&d, 1, status, 1, VIRTQ_DESC_F_WRITE, 0);
    vd_submit(&d, 0, 0);
    uint32_t id, len;
    assert_true(vd_wait_used(&d, &id, &len));
    assert_int_equal(*vd_host(&d, status), VIRTIO_BLK_S_IOERR);
    /* No status byte at all: handed back with nothing written. */
    vd_desc(&d, 0, hdr, 8, 0, 0);
    vd_submit(&d, 0, 0);
    assert_true(vd_wait_used(&d, &id, &len));
    assert_int_equal(len, 0);
    /* The device still works. */
    data = 0;
    assert_int_equal(run(VIRTIO_BLK_T_IN, 0, &data, 512, true, NULL), VIRTIO_BLK_S_OK);
}

static void test_readonly(void **state)
{
    stop();
    start(true);
    uint64_t f = vd_device_features(&d);
    assert_true(f & VIRTIO_BIT(VIRTIO_BLK_F_RO));
    assert_false(f & VIRTIO_BIT(VIRTIO_BLK_F_DISCARD));
    uint64_t data = vd_alloc(&d, 512, 512);
    assert_int_equal(run(VIRTIO_BLK_T_OUT, 0, &data, 512, false, NULL), VIRTIO_BLK_S_IOERR);
    assert_int_equal(run(VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false, NULL), VIRTIO_BLK_S_OK);
    uint64_t seg = vd_alloc(&d, 16, 8);
    assert_int_equal(run(VIRTIO_BLK_T_DISCARD, 0, &seg, 16, false, NULL), VIRTIO_BLK_S_UNSUPP);
    uint8_t b[512];
    file_bytes(0, b, sizeof(b));
    for (int i = 0; i < 512; i++)
        assert_int_equal(b[i], pattern((uint64_t)i));
}

/* Many requests in flight, then a reset in the middle: afterwards nothing
 * more lands in guest memory. */
static void test_reset_under_load(void **state)
{
    for (int round = 0; round < 20; round++) {
        for (unsigned i = 0; i < 16; i++) {
            uint64_t hdr = vd_alloc(&d, 16, 16), data = vd_alloc(&d, 4096, 512),
                     status = vd_alloc(&d, 1, 1);
            vm_st_le(vd_host(&d, hdr), 4, VIRTIO_BLK_T_IN);
            vd_desc(&d, 3 * i, hdr, 16, VIRTQ_DESC_F_NEXT, (uint16_t)(3 * i + 1));
            vd_desc(&d, 3 * i + 1, data, 4096, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE,
                    (uint16_t)(3 * i + 2));
            vd_desc(&d, 3 * i + 2, status, 1, VIRTQ_DESC_F_WRITE, 0);
            vd_post(&d, (uint16_t)(3 * i));
        }
        vd_notify(&d, 0);
        vd_write(&d, VIRTIO_MMIO_STATUS, 0);
        uint16_t used = vd_used_idx(&d);
        usleep(2000);
        assert_int_equal(vd_used_idx(&d), used);
        d.next_free = VD_RAM_BASE + 0x100000;
        assert_int_equal(vd_negotiate(&d, vd_device_features(&d)), 0xb);
        vd_setup_queue(&d, 0, 64);
        vd_driver_ok(&d);
    }
    uint64_t data = 0;
    assert_int_equal(run(VIRTIO_BLK_T_IN, 1, &data, 512, true, NULL), VIRTIO_BLK_S_OK);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_config), T(test_read), T(test_write_then_file), T(test_get_id),
        T(test_discard_and_write_zeroes), T(test_errors), T(test_readonly),
        T(test_reset_under_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
