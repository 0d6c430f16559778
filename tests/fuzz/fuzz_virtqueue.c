/* libFuzzer harness: the split-virtqueue walker (virtqueue.c). The input
 * is 4 bytes of parameters and then guest RAM holding the descriptor
 * table, avail ring, used ring and anything descriptors point at; the
 * device side takes chains until the queue is empty or broken, reads and
 * writes through them and hands them back, as a device would. Nothing may
 * touch host memory outside guest RAM. */
#include <stdint.h>
#include <string.h>

#include "devices/virtio/virtqueue.h"
#include "vm/mem.h"

#define RAM 0x80000000ULL
#define RAM_SIZE 0x10000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vm_mem *mem;
    static uint8_t *ram;
    if (!mem) {
        mem = vm_mem_create();
        vm_mem_add_ram(mem, RAM, RAM_SIZE, "ram");
        ram = vm_mem_ram_ptr(mem, RAM, RAM_SIZE);
    }
    if (size < 4)
        return 0;
    uint8_t p0 = data[0], p1 = data[1];
    memset(ram, 0, RAM_SIZE);
    memcpy(ram, data + 4, size - 4 < RAM_SIZE ? size - 4 : RAM_SIZE);

    struct virtq q;
    virtq_reset(&q, 256);
    q.size = (uint16_t)(1u << (p0 % 9));            /* 1 .. 256 */
    q.desc_pa = RAM + (uint64_t)(p1 & 0x0f) * 0x1000; /* anywhere in RAM, aligned */
    q.avail_pa = RAM + (uint64_t)(p1 >> 4) * 0x1000 + 0x800;
    q.used_pa = RAM + (uint64_t)(data[2] & 0x0f) * 0x1000 + 0x400;
    if (virtq_check(&q, mem) != 0)
        return 0;
    virtq_start(&q, mem, data[3] & 1, data[3] & 2);
    struct virtq_buf bufs[256];
    struct virtq_chain c = {.cap = (data[3] & 4) ? 4 : 256, .bufs = bufs};
    uint8_t scratch[512];
    for (int i = 0; i < 64; i++) {
        int r = virtq_pop(&q, &c);
        if (r != VIRTQ_GOT)
            break;
        uint64_t got = virtq_chain_read(&c, i, scratch, sizeof(scratch));
        memset(scratch, 0xa5, sizeof(scratch));
        uint64_t put = virtq_chain_write(&q, &c, i % 7, scratch, sizeof(scratch));
        if (got > c.out_len || put > c.in_len)
            __builtin_trap(); /* copied more than the chain holds */
        if (i % 3 == 0) {
            virtq_push(&q, c.head, (uint32_t)put);
        } else {
            virtq_fill(&q, 0, c.head, (uint32_t)put);
            virtq_flush(&q, 1);
        }
        virtq_should_notify(&q);
        if (i % 5 == 4) {
            virtq_unpop(&q, 1);
            virtq_pop(&q, &c);
        }
    }
    virtq_enable_notify(&q);
    virtq_disable_notify(&q);
    return 0;
}
