/* TAP networking (-netdev tap): the guest's Ethernet frames go to and come
 * from a host TAP interface (/dev/net/tun, IFF_TAP | IFF_NO_PI), on the
 * machine's event loop. vm creates or attaches the interface by name (a
 * persistent one made with `ip tuntap add dev NAME mode tap [user USER]`
 * needs no privileges); it runs no scripts: the host side (address,
 * bridge, up) is configured beforehand, as with QEMU's script=no. */
#ifndef VM_DEVICES_NET_TAP_H
#define VM_DEVICES_NET_TAP_H

#include "core/event_loop.h"
#include "devices/net_backend.h"

struct vm_net_tap_config {
    const char *id;
    const char *ifname; /* NULL: the kernel picks tapN */
};

/* NULL with a message (no /dev/net/tun, no permission, a bad name). */
struct vm_netdev *vm_net_tap_create(const struct vm_net_tap_config *cfg,
                                    struct vm_event_loop *loop);

#endif
