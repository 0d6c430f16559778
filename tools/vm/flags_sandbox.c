/* Confinement: -sandbox on|off, -runas USER, -chroot DIR (QEMU's flags).
 * Applied once the machine has started (host.c: images, disks, sockets
 * and /dev/kvm are open): chroot, then the user, then the seccomp filter. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int flag_sandbox(struct vm_cli *cli, const char *arg)
{
    struct vm_opts *o = vm_cli_opts(cli, "-sandbox", arg, "enable");
    if (!o)
        return VM_EXIT_USAGE;
    static const char *const known[] = {"enable", NULL};
    int rc = vm_cli_check_keys(o, "-sandbox", known);
    if (rc) /* QEMU's obsolete=, elevateprivileges=, spawn=, resourcecontrol=: not here */
        return rc;
    const char *v = vm_opts_get(o, "enable");
    bool on;
    if (!v || !vm_cli_parse_bool(v, &on))
        return vm_cli_error(VM_EXIT_USAGE, "run: -sandbox '%s': on or off", arg);
    cli->sandbox = on;
    return 0;
}

static int flag_runas(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -runas needs a user");
    char *end;
    strtoul(arg, &end, 10);
    if (*end && !getpwnam(arg)) /* a name must exist now, not only once the guest runs */
        return vm_cli_error(VM_EXIT_BAD, "run: -runas: no user '%s'", arg);
    cli->runas = arg;
    return 0;
}

static int flag_chroot(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -chroot needs a directory");
    cli->chroot_dir = arg;
    return 0;
}

static const struct vm_cli_flag sandbox_flags[] = {
    {"sandbox", NULL, "on|off", "once the machine runs, allow only the system calls vm needs "
     "(seccomp); any other ends vm with a message", VM_CLI_GROUP_RUN,
     VM_CLI_VIRT | VM_CLI_MICROVM, flag_sandbox},
    {"runas", NULL, "USER", "once the machine runs, become USER (name or uid)",
     VM_CLI_GROUP_RUN, VM_CLI_VIRT | VM_CLI_MICROVM, flag_runas},
    {"chroot", NULL, "DIR", "once the machine runs, chroot to DIR (a guest reboot reloads "
     "its images: their paths must then exist inside DIR)", VM_CLI_GROUP_RUN,
     VM_CLI_VIRT | VM_CLI_MICROVM, flag_chroot},
};
VM_CLI_FLAGS(sandbox_flags)
