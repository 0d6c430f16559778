/* Console and display: -nographic, -display. */
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
    return 0;
}

static const struct vm_cli_flag console_flags[] = {
    {"nographic", NULL, NULL, "no display; the serial console is this terminal (the default)",
     VM_CLI_GROUP_CONSOLE, VM_CLI_ALL_MACHINES, flag_nographic},
    {"display", NULL, "none", "no display (vm has no graphical one)", VM_CLI_GROUP_CONSOLE,
     VM_CLI_ALL_MACHINES, flag_display},
};
VM_CLI_FLAGS(console_flags)
