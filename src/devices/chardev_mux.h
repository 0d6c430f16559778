/* QEMU's character multiplexer: one back end (the terminal, a socket)
 * shared by several front ends (the serial port and the monitor), with
 * Ctrl-A commands read from the input:
 *   Ctrl-A c        give the keyboard to the next front end (serial <-> monitor)
 *   Ctrl-A x        quit (the on_quit callback; it must only signal the board)
 *   Ctrl-A h, ?     print the commands
 *   Ctrl-A Ctrl-A   send one Ctrl-A
 * other keys after Ctrl-A are dropped. The front end with the keyboard
 * hears VM_CHARDEV_FOCUS (the first, when it attaches). Output from every front end goes to
 * the back end, whichever has the keyboard (as in QEMU).
 *
 * Input reaches only the front end with the keyboard; when it is full, the
 * rest waits in the back end (no loss). The mux is the back end's front
 * end: destroy the mux's front ends, then the mux, then the back end. */
#ifndef VM_DEVICES_CHARDEV_MUX_H
#define VM_DEVICES_CHARDEV_MUX_H

#include <stdbool.h>

#include "devices/chardev.h"

#define VM_CHARDEV_MUX_MAX_PORTS 4

struct vm_chardev_mux;

struct vm_chardev_mux_config {
    void (*on_quit)(void *opaque); /* Ctrl-A x; NULL: Ctrl-A x is ignored */
    void *opaque;
};

struct vm_chardev_mux *vm_chardev_mux_create(struct vm_chardev *backend,
                                             const struct vm_chardev_mux_config *cfg);
/* A new port: a chardev for one front end (the first has the keyboard).
 * NULL when all VM_CHARDEV_MUX_MAX_PORTS are taken. The mux owns it. */
struct vm_chardev *vm_chardev_mux_add_port(struct vm_chardev_mux *mux);
/* Point Ctrl-A x somewhere else (any time). */
void vm_chardev_mux_set_quit(struct vm_chardev_mux *mux, void (*on_quit)(void *), void *opaque);
bool vm_chardev_mux_quit_requested(struct vm_chardev_mux *mux);
void vm_chardev_mux_destroy(struct vm_chardev_mux *mux);

#endif
