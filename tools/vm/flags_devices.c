/* Devices: -drive, -device, -netdev, -nic. The option strings are kept as
 * given, in order, and handed to the board, which parses and checks them
 * (vm/devices.h, src/boards/device_set.c); -device names are checked here
 * against the devices registered below (-device help lists them). */
#include <string.h>

#include "cli.h"
#include "vm/devices.h"

enum { ARG_DRIVE, ARG_DEVICE, ARG_NETDEV, ARG_NIC };

static int keep(struct vm_cli *cli, unsigned kind, const char *flag, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: %s needs a specification", flag);
    if (cli->nr_dev_args[kind] == VM_CLI_MAX_DEVICES)
        return vm_cli_error(VM_EXIT_USAGE, "run: more than %d %s", VM_CLI_MAX_DEVICES, flag);
    cli->dev_args[kind][cli->nr_dev_args[kind]++] = arg;
    return 0;
}

static int flag_drive(struct vm_cli *cli, const char *arg)
{
    return keep(cli, ARG_DRIVE, "-drive", arg);
}

static int flag_netdev(struct vm_cli *cli, const char *arg)
{
    return keep(cli, ARG_NETDEV, "-netdev", arg);
}

static int flag_nic(struct vm_cli *cli, const char *arg)
{
    return keep(cli, ARG_NIC, "-nic", arg);
}

static int flag_device(struct vm_cli *cli, const char *arg)
{
    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        vm_cli_print_devices(stdout);
        return VM_CLI_DONE;
    }
    struct vm_opts *o = vm_cli_opts(cli, "-device", arg, "driver");
    if (!o)
        return VM_EXIT_USAGE;
    const char *driver = vm_opts_get(o, "driver");
    const struct vm_cli_device *d = driver ? vm_cli_find_device(driver) : NULL;
    if (!d)
        return vm_cli_error(VM_EXIT_USAGE, "run: -device '%s': no such device in vm (-device "
                            "help lists them)", driver ? driver : arg);
    if (cli->nr_devices == VM_CLI_MAX_DEVICES)
        return vm_cli_error(VM_EXIT_USAGE, "run: more than %d -device", VM_CLI_MAX_DEVICES);
    cli->devices[cli->nr_devices++] = d; /* checked against the machine */
    int rc = keep(cli, ARG_DEVICE, "-device", arg);
    return rc ? rc : d->add(cli, o);
}

struct vm_device_args vm_cli_device_args(const struct vm_cli *cli)
{
    return (struct vm_device_args){
        .drives = cli->dev_args[ARG_DRIVE], .nr_drives = cli->nr_dev_args[ARG_DRIVE],
        .devices = cli->dev_args[ARG_DEVICE], .nr_devices = cli->nr_dev_args[ARG_DEVICE],
        .netdevs = cli->dev_args[ARG_NETDEV], .nr_netdevs = cli->nr_dev_args[ARG_NETDEV],
        .nics = cli->dev_args[ARG_NIC], .nr_nics = cli->nr_dev_args[ARG_NIC],
    };
}

static const struct vm_cli_flag device_flags[] = {
    {"device", NULL, "DRIVER[,PROP=VALUE...]", "add a device; -device help lists them",
     VM_CLI_GROUP_DEVICES, VM_CLI_ALL_MACHINES, flag_device},
    {"drive", NULL, "file=IMG[,format=raw][,if=virtio|none][,id=ID][,readonly=on]"
     "[,cache=MODE][,discard=unmap]",
     "a raw disk image: if=virtio is a virtio disk, if=none,id=ID one for -device "
     "virtio-blk-device,drive=ID (MODE: writeback, none, writethrough, directsync, unsafe)",
     VM_CLI_GROUP_DEVICES, VM_CLI_VIRT, flag_drive},
    {"netdev", NULL, "user,id=ID[,hostfwd=tcp::HOSTPORT-:GUESTPORT...]|tap,id=ID,ifname=NAME",
     "a network back end for -device virtio-net-device,netdev=ID", VM_CLI_GROUP_DEVICES,
     VM_CLI_VIRT, flag_netdev},
    {"nic", NULL, "user[,hostfwd=...][,mac=MAC]|tap,ifname=NAME[,mac=MAC]",
     "a network back end and its virtio-net device",
     VM_CLI_GROUP_DEVICES, VM_CLI_VIRT, flag_nic},
};
VM_CLI_FLAGS(device_flags)

/* The virtio devices: their properties are checked by the board. */
static int add_virtio(struct vm_cli *cli, struct vm_opts *o)
{
    return 0;
}

static const struct vm_cli_device virtio_devices[] = {
    {"virtio-blk-device", "virtio-mmio", "virtio disk: drive=ID[,serial=STR]", VM_CLI_VIRT,
     add_virtio},
    {"virtio-net-device", "virtio-mmio", "virtio network card: netdev=ID[,mac=MAC]",
     VM_CLI_VIRT, add_virtio},
    {"virtio-rng-device", "virtio-mmio", "virtio entropy source (the host's getrandom)",
     VM_CLI_VIRT, add_virtio},
};

__attribute__((constructor)) static void register_virtio_devices(void)
{
    for (unsigned i = 0; i < sizeof(virtio_devices) / sizeof(virtio_devices[0]); i++)
        vm_cli_register_device(&virtio_devices[i]);
}
