/* The host terminal in raw mode, restored on every way out: at exit(), on
 * destroy, and on every signal whose default action ends the process
 * (INT, TERM, HUP, QUIT, PIPE, USR1, USR2, ALRM, SEGV, ABRT, ...: the
 * handler restores the terminal, then re-raises with the previous action).
 * A signal that was ignored when the terminal was made raw stays ignored.
 * One terminal per process. */
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
/* Restore the raw terminal, if any, now: async-signal-safe, for handlers
 * that end the process (the sandbox's SIGSYS). */
void vm_tty_restore_now(void);

#endif
