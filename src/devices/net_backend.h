/* A network back end (QEMU's -netdev): where a virtual NIC's Ethernet
 * frames go and come from. User networking (libslirp, net_slirp.h) is one;
 * TAP (net_tap.h) is another behind the same ops.
 *
 * Threads: a back end runs on the machine's event loop. send() and the
 * front end's receive() are called there; attach() may be called from any
 * thread and, when it returns, the old front end's receive() will not run
 * again. A back end outlives guest resets; front ends (NICs) are attached
 * for one boot each. */
#ifndef VM_DEVICES_NET_BACKEND_H
#define VM_DEVICES_NET_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm_net_frontend {
    /* A frame for the guest (on the loop thread). The NIC copies it or
     * drops it; it must not block. */
    void (*receive)(void *opaque, const uint8_t *frame, size_t len);
    void *opaque;
};

struct vm_netdev;

struct vm_netdev_ops {
    /* Install a copy of *fe, or with NULL remove the current one. */
    void (*attach)(struct vm_netdev *nd, const struct vm_net_frontend *fe);
    /* A frame from the guest (on the loop thread). */
    void (*send)(struct vm_netdev *nd, const uint8_t *frame, size_t len);
    void (*destroy)(struct vm_netdev *nd);
};

struct vm_netdev {
    const struct vm_netdev_ops *ops;
    char id[32]; /* -netdev id= */
    /* Every frame it delivers has correct checksums, made on this host
     * (libslirp): the NIC may tell the guest not to check them again. */
    bool frames_checksummed;
};

/* For back ends: the attached front end, kept on the loop thread. attach()
 * is vm_net_frontend_slot_set(); frames go through ..._deliver(). */
struct vm_event_loop;
struct vm_net_frontend_slot {
    struct vm_event_loop *loop;
    struct vm_net_frontend fe; /* loop thread only */
    bool set;
};

/* Install a copy of *fe (NULL: none) on the loop thread; returns when done. */
void vm_net_frontend_slot_set(struct vm_net_frontend_slot *s, const struct vm_net_frontend *fe);

/* A frame to the front end, if there is one (on the loop thread). */
static inline void vm_net_frontend_slot_deliver(struct vm_net_frontend_slot *s,
                                                const uint8_t *frame, size_t len)
{
    if (s->set)
        s->fe.receive(s->fe.opaque, frame, len);
}

static inline void vm_netdev_attach(struct vm_netdev *nd, const struct vm_net_frontend *fe)
{
    nd->ops->attach(nd, fe);
}

static inline void vm_netdev_send(struct vm_netdev *nd, const uint8_t *frame, size_t len)
{
    nd->ops->send(nd, frame, len);
}

static inline void vm_netdev_destroy(struct vm_netdev *nd)
{
    if (nd)
        nd->ops->destroy(nd);
}

#endif
