/* virtio-rng (virtio 1.2 section 5.4): the guest's entropy source, fed by
 * the host's getrandom(). One request queue; every device-writable buffer
 * of a request is filled. Requests are served on the machine's event loop,
 * never on a vCPU thread. */
#ifndef VM_DEVICES_VIRTIO_RNG_H
#define VM_DEVICES_VIRTIO_RNG_H

#include "core/event_loop.h"
#include "devices/virtio/virtio_core.h"

#define VIRTIO_RNG_QUEUE_SIZE 64
#define VIRTIO_RNG_MAX_REQUEST (64u << 10) /* bytes filled per request at most */

struct vm_virtio_rng;

struct vm_virtio_rng *vm_virtio_rng_create(struct vm_mem *mem, const struct vm_irq_line *irq,
                                           struct vm_event_loop *loop);
void vm_virtio_rng_destroy(struct vm_virtio_rng *r);
struct vm_virtio *vm_virtio_rng_core(struct vm_virtio_rng *r);

/* One request: returns the bytes written (for tests and the fuzzer). */
uint32_t vm_virtio_rng_serve(struct vm_virtio_rng *r, struct virtq *q,
                             const struct virtq_chain *c);

#endif
