/* -M microvm: x86-64 Linux on KVM (vm_board_microvm_run). */
#include <string.h>

#include "cli.h"
#include "host.h"
#include "vm/microvm.h"

static int prop_acpi(struct vm_cli *cli, const char *v)
{
    bool on;
    if (!strcmp(v, "auto") || (vm_cli_parse_bool(v, &on) && !on))
        return 0;
    return vm_cli_error(VM_EXIT_USAGE, "run: -M microvm,acpi=%s is not supported by vm's "
                        "microvm machine (an MP table, no ACPI; only acpi=off)", v);
}

static const struct vm_cli_machine_prop microvm_props[] = {
    {"acpi", "off|auto", "ACPI tables (vm's microvm has an MP table: off)", prop_acpi},
};

static int run_microvm(struct vm_cli *cli)
{
    if (cli->positional)
        return vm_cli_error(VM_EXIT_USAGE, "run: the microvm machine takes its kernel with "
                            "-kernel, not '%s'", cli->positional);
    if (!cli->kernel)
        return vm_cli_error(VM_EXIT_USAGE, "run: the microvm machine needs -kernel bzImage");
    if (!strcmp(cli->accel, "soft"))
        return vm_cli_error(VM_EXIT_USAGE, "run: -accel tcg is not supported by the microvm "
                            "machine (it runs on kvm only)");
    struct vm_cli_host *host = NULL;
    int rc = vm_cli_host_open(cli, "microvm", 1, &host);
    if (rc) {
        vm_cli_host_close(host);
        return rc;
    }
    struct vm_microvm_config cfg = {
        .kernel = cli->kernel, .initrd = cli->initrd, .append = cli->append,
        .ram_size = cli->ram_size, .smp = cli->smp, .accel = cli->accel,
        .verbose = cli->verbose, .timeout = cli->timeout,
        .nr_drives = cli->nr_dev_args[0] + cli->nr_dev_args[1],
        .nr_netdevs = cli->nr_dev_args[2] + cli->nr_dev_args[3],
        .console = vm_cli_host_serial(host, 0), .frontend = vm_cli_host_frontend(host),
        .gdb = cli->gdb, .start_paused = cli->start_paused,
    };
    rc = vm_cli_exit_status(vm_board_microvm_run(&cfg));
    vm_cli_host_close(host);
    return rc;
}

static const struct vm_cli_machine microvm_machine = {
    .name = "microvm",
    .description = "x86-64 microVM on KVM: Linux bzImage, COM1, i8042 reset",
    .bit = VM_CLI_MICROVM,
    .props = microvm_props,
    .nr_props = sizeof(microvm_props) / sizeof(microvm_props[0]),
    .devices = "16550 COM1 (port 0x3f8, IRQ 4), i8042 (reset), in-kernel irqchip",
    .run = run_microvm,
};

__attribute__((constructor)) static void register_microvm(void)
{
    vm_cli_register_machine(&microvm_machine);
}
