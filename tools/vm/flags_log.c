/* QEMU's -d ITEMS (-d help) and -D LOGFILE (vm/log.h). */
#include <string.h>

#include "cli.h"
#include "vm/error.h"
#include "vm/log.h"

static int flag_d(struct vm_cli *cli, const char *arg)
{
    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        vm_log_help(stdout);
        return VM_CLI_DONE;
    }
    if (vm_log_set_items(arg) < 0)
        return vm_cli_error(VM_EXIT_USAGE, "run: %s", vm_error_message());
    return 0;
}

static int flag_D(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -D needs a file");
    if (vm_log_set_file(arg) < 0)
        return vm_cli_error(VM_EXIT_BAD, "%s", vm_error_message());
    return 0;
}

static const struct vm_cli_flag log_flags[] = {
    {"d", NULL, "ITEM,...", "log what the machine does (int, guest_errors, unimp, mmu, "
     "cpu_reset, in_asm, out_asm); -d help lists the items", VM_CLI_GROUP_DEBUG,
     VM_CLI_VIRT | VM_CLI_SPIKE, flag_d},
    {"D", NULL, "LOGFILE", "write the -d log to LOGFILE instead of stderr", VM_CLI_GROUP_DEBUG,
     VM_CLI_VIRT | VM_CLI_SPIKE, flag_D},
};
VM_CLI_FLAGS(log_flags)
