/* QEMU's -daemonize and -pidfile. -daemonize forks before any thread
 * exists: the parent waits until the child says the machine has started
 * (then exits 0) or the child dies (then exits with its status, its error
 * already on the terminal); the child leaves the terminal (setsid, stdio
 * to /dev/null) once started. -pidfile writes the running vm's pid to a
 * locked file, removed at exit. */
#ifndef VM_TOOLS_DAEMON_H
#define VM_TOOLS_DAEMON_H

#include "cli.h"

/* Before any thread: fork (-daemonize; returns only in the child) and
 * write the pid file. 0, or an exit status after a message. */
int vm_cli_daemon_begin(const struct vm_cli *cli);
/* The machine runs: the parent may go; the child leaves the terminal. */
void vm_cli_daemon_ready(void);
/* At exit: remove the pid file. */
void vm_cli_daemon_end(void);

#endif
