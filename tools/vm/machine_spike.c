/* -M spike: one hart, RAM at 0x80000000, HTIF console and exit
 * (vm_spike_run); bare-metal tests and benchmarks. */
#include <string.h>

#include "cli.h"
#include "vm/spike.h"

static int run_spike(struct vm_cli *cli)
{
    if (cli->bios && strcmp(cli->bios, "none") != 0)
        return vm_cli_error(VM_EXIT_USAGE, "run: -bios '%s' is not supported by the spike "
                            "machine (only -bios none)", cli->bios);
    if (cli->kernel && cli->positional)
        return vm_cli_error(VM_EXIT_USAGE, "run: give the program once (-kernel or last "
                            "argument), not both");
    struct vm_spike_config cfg = {
        .accel = vm_cli_accel_spec(cli), .kernel = cli->kernel ? cli->kernel : cli->positional,
        .ram_size = cli->ram_size, .max_insns = cli->max_insns, .timeout = cli->timeout,
        .verbose = cli->verbose,
        .cpu = cli->cpu,
        .gdb = cli->gdb, .start_paused = cli->start_paused,
    };
    if (!cfg.kernel)
        return vm_cli_error(VM_EXIT_USAGE, "run: no program given (-M spike PROG.elf)");
    return vm_cli_exit_status(vm_spike_run(&cfg));
}

static const struct vm_cli_machine spike_machine = {
    .name = "spike",
    .description = "RISC-V spike: RAM at 0x80000000, HTIF console and exit (bare metal)",
    .bit = VM_CLI_SPIKE,
    .devices = "HTIF (tohost/fromhost)",
    .run = run_spike,
};

__attribute__((constructor)) static void register_spike(void)
{
    vm_cli_register_machine(&spike_machine);
}
