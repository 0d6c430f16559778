/* Run bounds and reporting: -v, --timeout, --max-insns. */
#include <errno.h>
#include <stdlib.h>

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

static const struct vm_cli_flag run_flags[] = {
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
