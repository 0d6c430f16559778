/* Confinement of a running vm (QEMU's -sandbox on, -runas, -chroot), for
 * after set-up: the images, disks, sockets and /dev/kvm are open. */
#ifndef VM_SANDBOX_H
#define VM_SANDBOX_H

#include <stdbool.h>

/* A seccomp-bpf allow-list (libseccomp) on every thread of the process,
 * present and future: the system calls that the run loop, the vCPUs, the
 * devices, the event loop, the consoles and monitors, libslirp and guest
 * reboots need. Files may still be opened read-only (a reboot reloads the
 * firmware and kernel), never created or opened for writing. Any other
 * call ends vm: its SIGSYS handler restores the terminal, writes
 * "vm: -sandbox on: forbidden system call NAME (NR)" on stderr and
 * re-raises SIGSYS. 0, or a negative code with a message. */
int vm_sandbox_enter(void);
/* Whether vm was built with libseccomp (otherwise vm_sandbox_enter fails). */
bool vm_sandbox_available(void);

/* -chroot DIR then -runas USER (either may be NULL): chroot and chdir("/"),
 * then the user's groups, gid and uid, checked to be irreversible. 0, or a
 * negative code with a message. */
int vm_drop_privileges(const char *chroot_dir, const char *user);

#endif
