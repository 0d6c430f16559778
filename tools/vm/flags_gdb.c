/* Debugging: -gdb DEV, -s (= -gdb tcp::1234), -S (start stopped, until a
 * debugger's or the monitor's continue). The stub itself: src/gdb. */
#include <string.h>

#include "cli.h"

static int flag_gdb(struct vm_cli *cli, const char *arg)
{
    if (!strcmp(arg, "none")) {
        cli->gdb = NULL;
        return 0;
    }
    if (strncmp(arg, "tcp:", 4) && strncmp(arg, "unix:", 5))
        return vm_cli_error(VM_EXIT_USAGE, "run: -gdb '%s': give tcp:[HOST]:PORT, "
                            "unix:PATH or none", arg);
    cli->gdb = arg;
    return 0;
}

static int flag_s(struct vm_cli *cli, const char *arg)
{
    cli->gdb = "tcp::1234";
    return 0;
}

static int flag_S(struct vm_cli *cli, const char *arg)
{
    cli->start_paused = true;
    return 0;
}

static const struct vm_cli_flag gdb_flags[] = {
    {"gdb", NULL, "DEV", "serve gdb on DEV: tcp:[HOST]:PORT (HOST default 127.0.0.1), unix:PATH",
     VM_CLI_GROUP_DEBUG, VM_CLI_ALL_MACHINES, flag_gdb},
    {"s", NULL, NULL, "shorthand for -gdb tcp::1234", VM_CLI_GROUP_DEBUG, VM_CLI_ALL_MACHINES,
     flag_s},
    {"S", NULL, NULL, "do not start the CPUs until a debugger (or monitor) says continue",
     VM_CLI_GROUP_DEBUG, VM_CLI_ALL_MACHINES, flag_S},
};
VM_CLI_FLAGS(gdb_flags)
