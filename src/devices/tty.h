/* The host terminal in raw mode, restored on every way out: at exit(), on
 * destroy, and on the fatal signals SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT (the handler restores the
 * terminal, then re-raises with the previous action). One terminal per
 * process. */
#ifndef VM_DEVICES_TTY_H
#define VM_DEVICES_TTY_H

#include <stdbool.h>

/* QEMU's settings: bytes in as typed, no echo, no line editing; output
 * post-processing kept so "\n" still starts a new line. signals: keep
 * Ctrl-C/Ctrl-Z/Ctrl-\ as signals to vm (QEMU's stdio,signal=on); off:
 * they go to the guest. Returns true if fd is now raw (it is a terminal
 * and no other fd is raw). */
bool vm_tty_make_raw(int fd, bool signals);
/* Restore fd if vm_tty_make_raw made it raw. */
void vm_tty_restore(int fd);

#endif
