/* -cpu rv64[,EXT=on|off...]: the RISC-V hart's extensions (QEMU's property
 * names; vm/riscv_isa.h parses them when the board builds the harts).
 * -cpu help lists them. (The isa-ext helper's flag.) */
#include <string.h>

#include "cli.h"
#include "vm/riscv_isa.h"

static int flag_cpu(struct vm_cli *cli, const char *arg)
{
    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        vm_riscv_cpu_help(stdout);
        return VM_CLI_DONE;
    }
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -cpu needs a CPU model (rv64; -cpu help)");
    cli->cpu = arg;
    return 0;
}

static const struct vm_cli_flag cpu_flags[] = {
    {"cpu", NULL, "rv64[,EXT=on|off...]", "RISC-V extensions, QEMU's names; -cpu help lists them",
     VM_CLI_GROUP_CPU, VM_CLI_VIRT | VM_CLI_SPIKE, flag_cpu},
};
VM_CLI_FLAGS(cpu_flags)
