/* libFuzzer harness: virtio-blk's request parser (vm_virtio_blk_serve) on
 * a small image file. The input describes one chain: a count of buffers,
 * then for each a length and a readable/writable flag, then the bytes of
 * the readable ones (the request header and data). Each request must give
 * a status or nothing, never write outside its writable buffers, never
 * touch the image outside its size. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio/virtio_blk.h"
#include "vm/mem.h"

#define RAM 0x80000000ULL
#define RAM_SIZE 0x40000ULL
#define SECTORS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vm_mem *mem;
static uint8_t *ram;
static struct vm_virtio_blk *blk;
static struct vm_disk *disk;

static void setup(void)
{
    char path[] = "/tmp/vm-fuzz-blk-XXXXXX";
    int fd = mkstemp(path);
    uint8_t zero[512] = {0};
    for (int i = 0; i < SECTORS; i++)
        if (write(fd, zero, sizeof(zero)) != (ssize_t)sizeof(zero))
            abort();
    close(fd);
    struct vm_disk_config c = {.path = path, .format = "raw", .cache = VM_DISK_CACHE_UNSAFE,
                               .unmap = true};
    if (vm_disk_open(&c, &disk) < 0)
        abort();
    unlink(path); /* the open file stays */
    mem = vm_mem_create();
    vm_mem_add_ram(mem, RAM, RAM_SIZE, "ram");
    ram = vm_mem_ram_ptr(mem, RAM, RAM_SIZE);
    blk = vm_virtio_blk_create(mem, NULL, disk, "fuzz");
    /* Negotiate every offered feature (FLUSH, DISCARD, WRITE_ZEROES...). */
    struct vm_virtio *v = vm_virtio_blk_core(blk);
    vm_virtio_write_status(v, 1);
    vm_virtio_write_status(v, 3);
    vm_virtio_driver_features(v, 0, vm_virtio_device_features(v, 0));
    vm_virtio_driver_features(v, 1, vm_virtio_device_features(v, 1));
    vm_virtio_write_status(v, 11);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!blk)
        setup();
    if (size < 1)
        return 0;
    unsigned n = data[0] % 8 + 1, at = 1;
    struct virtq_buf bufs[8];
    struct virtq_chain c = {.cap = 8, .bufs = bufs};
    uint64_t pa = RAM;
    memset(ram, 0, RAM_SIZE);
    for (unsigned i = 0; i < n; i++) {
        if (at + 3 > size)
            return 0;
        uint32_t len = ((uint32_t)data[at] | (uint32_t)data[at + 1] << 8) % 0x4000 + 1;
        bool writable = data[at + 2] & 1;
        at += 3;
        if (!writable && c.n_in)
            writable = true; /* the walker never yields readable after writable */
        bufs[i] = (struct virtq_buf){pa, vm_mem_ram_ptr(mem, pa, len), len};
        if (writable) {
            c.n_in++;
            c.in_len += len;
        } else {
            c.n_out++;
            c.out_len += len;
            size_t k = size - at < len ? size - at : len;
            memcpy(bufs[i].host, data + at, k);
            at += (unsigned)k;
        }
        pa += len;
    }
    /* Guard bytes after the chain: they must stay untouched. */
    memset(ram + (pa - RAM), 0x5c, 64);
    struct virtq q = {.mem = mem};
    uint32_t written = vm_virtio_blk_serve(blk, &q, &c);
    if (written > c.in_len)
        __builtin_trap();
    for (int i = 0; i < 64; i++)
        if (ram[pa - RAM + (uint64_t)i] != 0x5c)
            __builtin_trap();
    return 0;
}
