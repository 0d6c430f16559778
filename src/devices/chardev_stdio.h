/* Character back end on the host terminal (stdin/stdout), or on any pair of
 * file descriptors.
 *
 * When the input is a terminal it is put in raw mode (no echo, no line
 * editing, no signals from Ctrl-C: those keys go to the guest) and is
 * restored on every way out: destroy, exit(), and the fatal signals SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT (the
 * handler restores the terminal, then re-raises with the previous action).
 *
 * With `escape` on, Ctrl-A starts a command as in QEMU: Ctrl-A x quits (the
 * on_quit callback runs on the reader thread and quit_requested turns true),
 * Ctrl-A h prints help, Ctrl-A Ctrl-A sends one Ctrl-A; other keys after
 * Ctrl-A are dropped. A reader thread pushes input into the front end and
 * waits when it is full, so nothing typed is lost. EOF ends the input.
 * on_quit must only signal the board (set a flag, kick the harts): it runs
 * on the reader thread, which destroy joins.
 *
 * Destroy the front end (the UART) before its back end. */
#ifndef VM_DEVICES_CHARDEV_STDIO_H
#define VM_DEVICES_CHARDEV_STDIO_H

#include <stdbool.h>

#include "devices/chardev.h"

struct vm_chardev_stdio_config {
    int in_fd, out_fd;  /* e.g. STDIN_FILENO, STDOUT_FILENO */
    bool escape;        /* Ctrl-A commands */
    void (*on_quit)(void *opaque);
    void *opaque;
};

/* cfg == NULL: stdin/stdout with escapes on and no callback. */
struct vm_chardev *vm_chardev_stdio_create(const struct vm_chardev_stdio_config *cfg);
bool vm_chardev_stdio_quit_requested(struct vm_chardev *c);

#endif
