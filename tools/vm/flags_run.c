/* Run control and reporting: -no-reboot, -no-shutdown, -name, -pidfile,
 * -daemonize, -v, --timeout, --max-insns, -h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "cli.h"

static int flag_verbose(struct vm_cli *cli, const char *arg)
{
    cli->verbose = true;
    return 0;
}

static int flag_timeout(struct vm_cli *cli, const char *arg)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v > 0) || v > 1e9)
        return vm_cli_error(VM_EXIT_USAGE, "run: bad timeout '%s' (seconds, > 0)", arg);
    cli->timeout = v;
    return 0;
}

static int flag_max_insns(struct vm_cli *cli, const char *arg)
{
    if (!vm_cli_parse_u64(arg, &cli->max_insns) || cli->max_insns == 0)
        return vm_cli_error(VM_EXIT_USAGE, "run: bad instruction count '%s'", arg);
    return 0;
}

static int flag_help(struct vm_cli *cli, const char *arg)
{
    vm_cli_print_run_help(stdout);
    return VM_CLI_DONE;
}

static int flag_no_reboot(struct vm_cli *cli, const char *arg)
{
    cli->no_reboot = true;
    return 0;
}

static int flag_no_shutdown(struct vm_cli *cli, const char *arg)
{
    cli->no_shutdown = true;
    return 0;
}

static int flag_daemonize(struct vm_cli *cli, const char *arg)
{
    cli->daemonize = true;
    return 0;
}

static int flag_pidfile(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -pidfile needs a file");
    cli->pidfile = arg;
    return 0;
}

/* -name [guest=]NAME[,process=PROCNAME][,debug-threads=on|off] */
static int flag_name(struct vm_cli *cli, const char *arg)
{
    struct vm_opts *o = vm_cli_opts(cli, "-name", arg, "guest");
    if (!o)
        return VM_EXIT_USAGE;
    static const char *const known[] = {"guest", "process", "debug-threads", NULL};
    int rc = vm_cli_check_keys(o, "-name", known);
    if (rc)
        return rc;
    const char *dt = vm_opts_get(o, "debug-threads"), *proc = vm_opts_get(o, "process");
    bool b;
    if (dt && !vm_cli_parse_bool(dt, &b))
        return vm_cli_error(VM_EXIT_USAGE, "run: -name debug-threads='%s': on or off", dt);
    cli->name = vm_opts_get(o, "guest");
    if (proc) /* the name ps and top show (threads are always named: vcpuN, ...) */
        prctl(PR_SET_NAME, proc, 0, 0, 0);
    return 0;
}

static const struct vm_cli_flag run_flags[] = {
    {"no-reboot", NULL, NULL, "a guest reset ends vm (status 0) instead of booting again",
     VM_CLI_GROUP_RUN, VM_CLI_VIRT | VM_CLI_MICROVM, flag_no_reboot},
    {"no-shutdown", NULL, NULL, "a guest power-off stops the machine (QMP status 'shutdown') "
     "instead of ending vm; system_reset boots it again, quit ends it", VM_CLI_GROUP_RUN,
     VM_CLI_VIRT | VM_CLI_MICROVM, flag_no_shutdown},
    {"name", NULL, "[guest=]NAME[,process=PROC]", "the guest's name (info name, query-name); "
     "process= names vm's process", VM_CLI_GROUP_RUN, VM_CLI_ALL_MACHINES, flag_name},
    {"pidfile", NULL, "FILE", "write vm's pid to FILE (locked; removed at exit)",
     VM_CLI_GROUP_RUN, VM_CLI_VIRT | VM_CLI_MICROVM, flag_pidfile},
    {"daemonize", NULL, NULL, "run in the background once the machine has started (no stdio: "
     "give -serial/-monitor/-qmp other devices, or -display none)", VM_CLI_GROUP_RUN,
     VM_CLI_VIRT | VM_CLI_MICROVM, flag_daemonize},
    {"h", "help", NULL, "this help (also `vm help run`)", VM_CLI_GROUP_RUN, VM_CLI_ALL_MACHINES,
     flag_help},
    {"v", "verbose", NULL, "explain choices (accelerator, image placement), report speed",
     VM_CLI_GROUP_RUN, VM_CLI_ALL_MACHINES, flag_verbose},
    {"timeout", NULL, "SECONDS", "stop after SECONDS (exit status 124)", VM_CLI_GROUP_RUN,
     VM_CLI_ALL_MACHINES, flag_timeout},
    {"max-insns", NULL, "N", "stop after about N guest instructions per hart (status 124)",
     VM_CLI_GROUP_RUN, VM_CLI_VIRT | VM_CLI_SPIKE, flag_max_insns},
};
VM_CLI_FLAGS(run_flags)
