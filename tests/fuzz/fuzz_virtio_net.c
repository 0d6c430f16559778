/* libFuzzer harness: virtio-net's transmit parser (header checks, frame
 * gather) and its receive path into guest-posted buffers (mergeable or
 * not, tiny and huge buffers, a malformed receive ring), with frames of
 * any size from the back end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/virtio_net.h"
#include "vm/mem.h"

#define RAM 0x80000000ULL
#define RAM_SIZE 0x40000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void nd_attach(struct vm_netdev *nd, const struct vm_net_frontend *fe) {}
static void nd_send(struct vm_netdev *nd, const uint8_t *f, size_t len) {}
static void nd_destroy(struct vm_netdev *nd) {}
static const struct vm_netdev_ops null_ops = {nd_attach, nd_send, nd_destroy};

struct rx {
    struct vm_virtio_net *n;
    const uint8_t *frame;
    size_t len;
};

static void rx_on_loop(void *opaque)
{
    struct rx *r = opaque;
    vm_virtio_net_receive(r->n, r->frame, r->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vm_mem *mem;
    static uint8_t *ram;
    static struct vm_event_loop *loop;
    static struct vm_netdev nd = {.ops = &null_ops};
    if (!mem) {
        mem = vm_mem_create();
        vm_mem_add_ram(mem, RAM, RAM_SIZE, "ram");
        ram = vm_mem_ram_ptr(mem, RAM, RAM_SIZE);
        loop = vm_event_loop_create("fuzz");
    }
    if (size < 8)
        return 0;
    /* Transmit: a chain of up to 4 readable buffers from the input. */
    {
        struct virtq_buf bufs[4];
        struct virtq_chain c = {.cap = 4, .bufs = bufs};
        unsigned n = data[0] % 4 + 1;
        size_t at = 1, per = (size - 1) / n;
        for (unsigned i = 0; i < n; i++) {
            bufs[i] = (struct virtq_buf){RAM + at, ram + at, (uint32_t)per};
            memcpy(ram + at, data + at, per);
            c.n_out++;
            c.out_len += per;
            at += per;
        }
        static uint8_t frame[VIRTIO_NET_MAX_FRAME];
        int len = vm_virtio_net_tx_frame(&c, frame, sizeof(frame), data[0] & 0x80);
        if (len > (int)c.out_len)
            __builtin_trap();
    }
    /* Receive: the input is the receive queue's RAM; a frame of the
     * input's length arrives. */
    static const uint8_t mac[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    struct vm_virtio_net *n = vm_virtio_net_create(mem, NULL, loop, &nd, mac, data[6] & 1 ? 1500 : 65520);
    struct vm_virtio *v = vm_virtio_net_core(n);
    memset(ram, 0, RAM_SIZE);
    memcpy(ram, data, size < RAM_SIZE ? size : RAM_SIZE);
    vm_virtio_write_status(v, 1);
    vm_virtio_write_status(v, 3);
    vm_virtio_driver_features(v, 0, vm_virtio_device_features(v, 0) & (data[1] | 0xffff00ffu));
    vm_virtio_driver_features(v, 1, 1);
    vm_virtio_write_status(v, 11);
    vm_virtio_queue_write(v, 0, VIRTIO_QREG_NUM, 1u << (data[2] % 9));
    vm_virtio_queue_write(v, 0, VIRTIO_QREG_DESC_LO, (uint32_t)RAM);
    vm_virtio_queue_write(v, 0, VIRTIO_QREG_DRIVER_LO, (uint32_t)RAM + 0x1000);
    vm_virtio_queue_write(v, 0, VIRTIO_QREG_DEVICE_LO, (uint32_t)RAM + 0x2000);
    vm_virtio_queue_write(v, 0, VIRTIO_QREG_READY, 1);
    vm_virtio_write_status(v, 15);
    size_t flen = ((size_t)data[3] << 8 | data[4]) * 2;
    static uint8_t frame[VIRTIO_NET_MAX_FRAME];
    memset(frame, data[5], flen < sizeof(frame) ? flen : sizeof(frame));
    struct rx r = {n, frame, flen < sizeof(frame) ? flen : sizeof(frame)};
    for (int i = 0; i < 4; i++) /* on the loop thread, as the back end delivers */
        vm_event_loop_call(loop, rx_on_loop, &r);
    vm_virtio_net_destroy(n);
    return 0;
}
