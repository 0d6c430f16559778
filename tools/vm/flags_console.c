/* Console, monitors and display: -serial, -chardev, -monitor, -mon, -qmp,
 * -qmp-pretty, -nographic, -display. They are only recorded here; host.c
 * opens them (and applies QEMU's defaults) when the machine runs. */
#include <string.h>

#include "cli.h"

static int flag_nographic(struct vm_cli *cli, const char *arg)
{
    cli->nographic = true;
    return 0;
}

/* vm has no graphical display: the serial console is the only one. */
static int flag_display(struct vm_cli *cli, const char *arg)
{
    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        printf("Available display backend types:\nnone\n");
        return VM_CLI_DONE;
    }
    if (strcmp(arg, "none") != 0 && strncmp(arg, "none,", 5) != 0)
        return vm_cli_error(VM_EXIT_USAGE, "run: -display '%s': vm has no graphical display; "
                            "only -display none", arg);
    cli->display_none = true;
    return 0;
}

static int flag_serial(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -serial needs a device (stdio, mon:stdio, "
                            "pty, null, none, file:PATH, unix:PATH, tcp:HOST:PORT, chardev:ID)");
    if (cli->nr_serials == VM_CLI_MAX_SERIALS)
        return vm_cli_error(VM_EXIT_USAGE, "run: at most %d -serial", VM_CLI_MAX_SERIALS);
    cli->serials[cli->nr_serials++] = arg;
    if (!strncmp(arg, "mon:", 4))
        cli->monitor_given = true; /* QEMU: the monitor is on that serial line */
    return 0;
}

static int flag_chardev(struct vm_cli *cli, const char *arg)
{
    struct vm_opts *o = vm_cli_opts(cli, "-chardev", arg, "backend");
    if (!o)
        return VM_EXIT_USAGE;
    const char *id = vm_opts_get(o, "id");
    if (!id || !*id)
        return vm_cli_error(VM_EXIT_USAGE, "run: -chardev '%s': needs id=ID", arg);
    for (unsigned i = 0; i < cli->nr_chardevs; i++)
        if (!strcmp(vm_opts_get(cli->chardevs[i], "id"), id))
            return vm_cli_error(VM_EXIT_USAGE, "run: -chardev: id '%s' given twice", id);
    if (cli->nr_chardevs == VM_CLI_MAX_CHARDEVS)
        return vm_cli_error(VM_EXIT_USAGE, "run: at most %d -chardev", VM_CLI_MAX_CHARDEVS);
    cli->chardevs[cli->nr_chardevs++] = o;
    return 0;
}

static int add_monitor(struct vm_cli *cli, const char *flag, const char *dev, const char *chardev,
                       bool qmp, bool pretty)
{
    cli->monitor_given = true;
    if (dev && !strcmp(dev, "none"))
        return 0;
    if (cli->nr_monitors == VM_CLI_MAX_MONITORS)
        return vm_cli_error(VM_EXIT_USAGE, "run: at most %d monitors", VM_CLI_MAX_MONITORS);
    cli->monitors[cli->nr_monitors++] = (struct vm_cli_monitor){dev, chardev, qmp, pretty};
    return 0;
}

static int flag_monitor(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -monitor needs a device (stdio, none, "
                            "unix:PATH,server=on,wait=off, tcp:HOST:PORT,server=on, ...)");
    return add_monitor(cli, "-monitor", arg, NULL, false, false);
}

static int flag_qmp(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -qmp needs a device "
                            "(unix:PATH,server=on,wait=off, tcp:HOST:PORT,server=on,wait=off)");
    return add_monitor(cli, "-qmp", arg, NULL, true, false);
}

static int flag_qmp_pretty(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -qmp-pretty needs a device");
    return add_monitor(cli, "-qmp-pretty", arg, NULL, true, true);
}

/* -mon chardev=ID[,mode=readline|control][,pretty=on|off] */
static int flag_mon(struct vm_cli *cli, const char *arg)
{
    struct vm_opts *o = vm_cli_opts(cli, "-mon", arg, "chardev");
    if (!o)
        return VM_EXIT_USAGE;
    static const char *const known[] = {"chardev", "mode", "pretty", NULL};
    int rc = vm_cli_check_keys(o, "-mon", known);
    if (rc)
        return rc;
    const char *id = vm_opts_get(o, "chardev"), *mode = vm_opts_get(o, "mode");
    bool pretty = false;
    if (!id || !*id)
        return vm_cli_error(VM_EXIT_USAGE, "run: -mon '%s': needs chardev=ID", arg);
    if (mode && strcmp(mode, "readline") && strcmp(mode, "control"))
        return vm_cli_error(VM_EXIT_USAGE, "run: -mon mode='%s': readline or control", mode);
    const char *p = vm_opts_get(o, "pretty");
    if (p && !vm_cli_parse_bool(p, &pretty))
        return vm_cli_error(VM_EXIT_USAGE, "run: -mon pretty='%s': on or off", p);
    return add_monitor(cli, "-mon", NULL, id, mode && !strcmp(mode, "control"), pretty);
}

#define CONSOLE_MACHINES (VM_CLI_VIRT | VM_CLI_MICROVM)

static const struct vm_cli_flag console_flags[] = {
    {"nographic", NULL, NULL,
     "no display: serial and monitor on this terminal (Ctrl-A c switches, Ctrl-A x quits); "
     "vm's default", VM_CLI_GROUP_CONSOLE, VM_CLI_ALL_MACHINES, flag_nographic},
    {"display", NULL, "none", "no display (vm has no graphical one; without -nographic, QEMU's "
     "default serial and monitor go nowhere)", VM_CLI_GROUP_CONSOLE, VM_CLI_ALL_MACHINES,
     flag_display},
    {"serial", NULL, "DEV", "the serial port's back end: stdio, mon:stdio, pty, null, none, "
     "file:PATH, pipe:PATH, unix:PATH[,server=on,wait=off], tcp:[HOST]:PORT[,server=on,"
     "wait=off], chardev:ID", VM_CLI_GROUP_CONSOLE, CONSOLE_MACHINES, flag_serial},
    {"chardev", NULL, "BACKEND,id=ID[,mux=on][,...]", "a character device: stdio[,signal=off], "
     "null, pty, file,path=P, pipe,path=P, socket,path=P|host=H,port=N[,server=on][,wait=off]",
     VM_CLI_GROUP_CONSOLE, CONSOLE_MACHINES, flag_chardev},
    {"monitor", NULL, "DEV", "QEMU's human monitor (HMP) on DEV (as -serial); none: no monitor",
     VM_CLI_GROUP_CONSOLE, CONSOLE_MACHINES, flag_monitor},
    {"mon", NULL, "chardev=ID[,mode=readline|control][,pretty=on]",
     "a monitor (HMP, or QMP with mode=control) on a -chardev", VM_CLI_GROUP_CONSOLE,
     CONSOLE_MACHINES, flag_mon},
    {"qmp", NULL, "DEV", "QEMU's machine protocol (QMP) on DEV: unix:PATH,server=on,wait=off "
     "or tcp:[HOST]:PORT,server=on,wait=off", VM_CLI_GROUP_DEBUG, CONSOLE_MACHINES, flag_qmp},
    {"qmp-pretty", NULL, "DEV", "as -qmp, with pretty-printed JSON", VM_CLI_GROUP_DEBUG,
     CONSOLE_MACHINES, flag_qmp_pretty},
};
VM_CLI_FLAGS(console_flags)
