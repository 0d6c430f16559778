/* A character back end (host terminal, pipe, socket, test buffer) for a
 * serial device, the front end.
 *
 * Output: the front end calls vm_chardev_write(); it returns once the bytes
 * are handed to the host (no buffering in between).
 * Input: the back end pushes bytes into the front end's receive callback,
 * which takes what fits and returns the count. When it takes fewer, the
 * back end holds the rest (no loss) until the front end calls
 * vm_chardev_accept_input() to say it has room again.
 *
 * Locking: the back end never holds a lock of its own that accept_input
 * needs while it calls receive, so a front end may call write and
 * accept_input with its own lock held. */
#ifndef VM_DEVICES_CHARDEV_H
#define VM_DEVICES_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

enum vm_chardev_event {
    VM_CHARDEV_FOCUS,  /* a multiplexer gave this front end the keyboard (Ctrl-A c) */
    VM_CHARDEV_OPENED, /* the other side is there: at attach for a back end that is
                        * open already (a terminal, a connected socket), and when a
                        * socket client connects */
    VM_CHARDEV_CLOSED, /* the client went away */
};

struct vm_chardev_frontend {
    /* Take up to len bytes; return how many were taken (0 when full). */
    size_t (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
    /* Optional: called on the back end's input thread, as receive is. */
    void (*event)(void *opaque, enum vm_chardev_event ev);
};

struct vm_chardev;

struct vm_chardev_ops {
    void (*write)(struct vm_chardev *c, const uint8_t *buf, size_t len);
    /* Install (a copy of *fe) or, with NULL, remove the front end. Removing
     * waits for a receive call in progress, so the front end may be freed
     * afterwards. */
    void (*attach)(struct vm_chardev *c, const struct vm_chardev_frontend *fe);
    void (*accept_input)(struct vm_chardev *c);
    void (*destroy)(struct vm_chardev *c);
};

struct vm_chardev {
    const struct vm_chardev_ops *ops;
};

static inline void vm_chardev_write(struct vm_chardev *c, const uint8_t *buf, size_t len)
{
    if (c && c->ops->write)
        c->ops->write(c, buf, len);
}

static inline void vm_chardev_attach(struct vm_chardev *c, const struct vm_chardev_frontend *fe)
{
    if (c && c->ops->attach)
        c->ops->attach(c, fe);
}

static inline void vm_chardev_accept_input(struct vm_chardev *c)
{
    if (c && c->ops->accept_input)
        c->ops->accept_input(c);
}

static inline void vm_chardev_destroy(struct vm_chardev *c)
{
    if (c && c->ops->destroy)
        c->ops->destroy(c);
}

#endif
