/* Devices: -drive, -netdev (counted until virtio lands: the machines
 * refuse them with a message) and -device help. */
#include <string.h>

#include "cli.h"

static int flag_drive(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -drive needs a specification");
    cli->drives++;
    return 0;
}

static int flag_netdev(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -netdev needs a specification");
    cli->netdevs++;
    return 0;
}

static int flag_device(struct vm_cli *cli, const char *arg)
{
    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        vm_cli_print_devices(stdout);
        return VM_CLI_DONE;
    }
    const struct qemu_opts *o = vm_cli_opts(cli, "-device", arg, "driver");
    if (!o)
        return VM_EXIT_USAGE;
    const char *driver = qemu_opts_get(o, "driver");
    const struct vm_cli_device *d = driver ? vm_cli_find_device(driver) : NULL;
    if (!d)
        return vm_cli_error(VM_EXIT_USAGE, "run: -device '%s': no such device in vm (-device "
                            "help lists them)", driver ? driver : arg);
    if (cli->nr_devices == VM_CLI_MAX_DEVICES)
        return vm_cli_error(VM_EXIT_USAGE, "run: more than %d -device", VM_CLI_MAX_DEVICES);
    cli->devices[cli->nr_devices++] = d; /* checked against the machine */
    return d->add(cli, o);
}

static const struct vm_cli_flag device_flags[] = {
    {"device", NULL, "DRIVER[,PROP=VALUE...]", "add a device; -device help lists them",
     VM_CLI_GROUP_DEVICES, VM_CLI_ALL_MACHINES, flag_device},
    {"drive", NULL, "SPEC", "a disk (virtio: not yet)", VM_CLI_GROUP_DEVICES,
     VM_CLI_ALL_MACHINES, flag_drive},
    {"netdev", NULL, "SPEC", "a network back end (virtio: not yet)", VM_CLI_GROUP_DEVICES,
     VM_CLI_ALL_MACHINES, flag_netdev},
};
VM_CLI_FLAGS(device_flags)
