/* virtio-net (virtio 1.2 section 5.1): one receive and one transmit
 * queue, on a network back end (net_backend.h). Offered: MAC, STATUS (link
 * up), MRG_RXBUF, CSUM (the device finishes the checksums the guest leaves
 * partial), GUEST_CSUM (received frames are marked DATA_VALID: the back
 * end's checksums are right), MTU (when not 1500: by default 65520, so
 * that TCP moves 64 KiB per frame instead of 1.5 KiB, with no segmentation
 * offload needed), INDIRECT_DESC, EVENT_IDX. Both queues are served on the
 * machine's event loop, where the back end runs: a transmit notification
 * wakes the loop, frames from the back end go into posted receive buffers
 * (or wait in a bounded queue until the guest posts some). */
#ifndef VM_DEVICES_VIRTIO_NET_H
#define VM_DEVICES_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event_loop.h"
#include "devices/net_backend.h"
#include "devices/virtio/virtio_core.h"

#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_HOST_TSO4 11
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_F_CTRL_VQ 17

#define VIRTIO_NET_S_LINK_UP 1
#define VIRTIO_NET_HDR_SIZE 12 /* struct virtio_net_hdr_v1, num_buffers included */
#define VIRTIO_NET_QUEUE_SIZE 256
#define VIRTIO_NET_MAX_FRAME 65562 /* 64 KiB of IP + Ethernet and VLAN headers */
#define VIRTIO_NET_RX_BACKLOG 512  /* frames held while the guest posts no buffers */

#define VIRTIO_NET_CFG_MAC 0
#define VIRTIO_NET_CFG_STATUS 6
#define VIRTIO_NET_CFG_MAX_PAIRS 8
#define VIRTIO_NET_CFG_MTU 10
#define VIRTIO_NET_CFG_SIZE 12
#define VIRTIO_NET_MIN_MTU 68
#define VIRTIO_NET_MAX_MTU 65520 /* libslirp's largest */
#define VIRTIO_NET_DEFAULT_MTU VIRTIO_NET_MAX_MTU

struct vm_virtio_net;

/* mac: 6 bytes; mtu: the link's (1500: F_MTU not offered, as QEMU's
 * default). The back end stays the caller's. */
struct vm_virtio_net *vm_virtio_net_create(struct vm_mem *mem, const struct vm_irq_line *irq,
                                           struct vm_event_loop *loop, struct vm_netdev *nd,
                                           const uint8_t *mac, unsigned mtu);
void vm_virtio_net_destroy(struct vm_virtio_net *n);
struct vm_virtio *vm_virtio_net_core(struct vm_virtio_net *n);

/* "52:54:00:12:34:56" -> 6 bytes; -1 if malformed or multicast. */
int vm_virtio_net_parse_mac(const char *s, uint8_t mac[6]);

/* What the back end calls with a frame for the guest (the event loop
 * thread only; exposed for tests and the fuzzer). */
void vm_virtio_net_receive(struct vm_virtio_net *n, const uint8_t *frame, size_t len);

/* For tests and the fuzzer: the frame of one transmit chain (header
 * checked and stripped, the checksum finished when csum (CSUM negotiated)
 * and asked for) into buf; returns its length or -1 (malformed). */
int vm_virtio_net_tx_frame(const struct virtq_chain *c, uint8_t *buf, size_t cap, bool csum);

#endif
