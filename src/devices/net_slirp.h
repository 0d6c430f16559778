/* User networking (-netdev user): Debian's libslirp, run on the machine's
 * event loop, as QEMU's net/slirp.c does. The guest's network is
 * 10.0.2.0/24 by default: gateway and host 10.0.2.2, DNS 10.0.2.3, DHCP
 * from 10.0.2.15; IPv6 fec0::/64. Outbound TCP/UDP (and ping where the host
 * allows it) go through host sockets; hostfwd=tcp::HOSTPORT-:GUESTPORT
 * forwards host ports into the guest. No privileges needed. */
#ifndef VM_DEVICES_NET_SLIRP_H
#define VM_DEVICES_NET_SLIRP_H

#include <stdbool.h>

#include "core/event_loop.h"
#include "devices/net_backend.h"

struct vm_net_slirp_config {
    const char *id;
    const char *net;        /* "10.0.2.0/24" (QEMU's net=); NULL: that */
    const char *host;       /* the host's address in it; NULL: .2 */
    const char *dns;        /* NULL: .3 */
    const char *dhcpstart;  /* NULL: .15 */
    const char *hostname;   /* DHCP's host name; NULL: none */
    bool restrict_;         /* restrict=on: no connections out of the guest network */
    bool ipv4, ipv6;        /* QEMU's defaults: both on */
    /* hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, as QEMU */
    const char *const *hostfwd;
    unsigned nr_hostfwd;
};

/* NULL with a message (bad address, a host port already taken). */
struct vm_netdev *vm_net_slirp_create(const struct vm_net_slirp_config *cfg,
                                      struct vm_event_loop *loop);

#endif
