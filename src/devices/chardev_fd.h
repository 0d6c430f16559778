/* Character back end on host file descriptors: the terminal (stdio), a
 * pseudo-terminal's master side (pty), a file (output only), a pair of
 * FIFOs (pipe), or any fds a program hands over.
 *
 * A reader thread pushes input into the front end and waits when it is
 * full, so nothing typed is lost; EOF ends the input (but a pty's other
 * side may come and go: with reopen_on_hangup the reader waits for it).
 * Output is written before write() returns, except that with
 * drop_when_blocked output nobody reads (a pty nobody opened) is dropped
 * after a short wait, as QEMU drops it, instead of stopping the guest.
 *
 * Ctrl-A escapes are not here: a multiplexer (chardev_mux.h) in front of
 * this back end provides them. */
#ifndef VM_DEVICES_CHARDEV_FD_H
#define VM_DEVICES_CHARDEV_FD_H

#include <stdbool.h>

#include "devices/chardev.h"

struct vm_chardev_fd_config {
    int in_fd, out_fd;      /* -1: no input / output discarded */
    bool raw_tty;           /* in_fd is the terminal: raw mode while open (tty.h) */
    bool signals;           /* with raw_tty: Ctrl-C stays a signal to vm (QEMU's signal=on) */
    bool close_fds;         /* close in_fd and out_fd on destroy */
    bool reopen_on_hangup;  /* a pty master: wait for the other side, do not end the input */
    bool drop_when_blocked; /* drop output that cannot be written within 50 ms */
};

/* NULL with a message when an fd is not open or a thread cannot start. */
struct vm_chardev *vm_chardev_fd_create(const struct vm_chardev_fd_config *cfg);

/* The terminal: stdin/stdout in raw mode (signals as given). */
struct vm_chardev *vm_chardev_stdio_create(bool signals);

#endif
