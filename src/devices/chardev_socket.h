/* Character back end on a stream socket (QEMU's -chardev socket and the
 * unix:/tcp: device strings), served by the machine's event loop.
 *
 * As a server it listens on a unix path or a TCP address and serves one
 * client at a time (others wait in the backlog, as QEMU); wait=on blocks
 * creation until the first client connects ("waiting for connection").
 * As a client it connects at creation. Output while nobody is connected
 * is dropped; input is read only while the front end is there and has
 * room (no loss).
 * The front end hears VM_CHARDEV_OPENED / CLOSED as clients come and go. */
#ifndef VM_DEVICES_CHARDEV_SOCKET_H
#define VM_DEVICES_CHARDEV_SOCKET_H

#include <stdbool.h>

#include "core/event_loop.h"
#include "devices/chardev.h"

struct vm_chardev_socket_config {
    const char *path;       /* a unix socket; or NULL and host/port */
    const char *host;       /* TCP; NULL or "": every address (server), localhost (client) */
    const char *port;
    bool server, wait, nodelay;
    const char *label;      /* for messages: "serial0", "monitor", "qmp" */
    struct vm_event_loop *loop;
};

/* NULL with a message (bad address, address in use, connection refused). */
struct vm_chardev *vm_chardev_socket_create(const struct vm_chardev_socket_config *cfg);

#endif
