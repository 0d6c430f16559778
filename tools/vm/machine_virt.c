/* -M virt: the RISC-V board with QEMU virt's memory map (vm_board_virt_run). */
#include <string.h>

#include "cli.h"
#include "host.h"
#include "vm/virt.h"

static int prop_dumpdtb(struct vm_cli *cli, const char *v)
{
    if (!*v)
        return vm_cli_error(VM_EXIT_USAGE, "run: -M virt,dumpdtb= needs a file");
    cli->dumpdtb = v;
    return 0;
}

/* QEMU virt properties for hardware vm's virt does not have: only the
 * value that means "without it" is accepted. */
static int only_value(const char *prop, const char *v, const char *accepted, const char *why)
{
    bool b, a;
    if (!strcmp(v, accepted) ||
        (vm_cli_parse_bool(v, &b) && vm_cli_parse_bool(accepted, &a) && a == b))
        return 0;
    return vm_cli_error(VM_EXIT_USAGE, "run: -M virt,%s=%s is not supported by vm's virt "
                        "machine (%s; only %s=%s)", prop, v, why, prop, accepted);
}

static int prop_acpi(struct vm_cli *cli, const char *v)
{
    if (!strcmp(v, "auto"))
        return 0; /* QEMU's default; auto is off without ACPI tables */
    return only_value("acpi", v, "off", "it is described by a device tree, no ACPI tables");
}

static int prop_aclint(struct vm_cli *cli, const char *v)
{
    return only_value("aclint", v, "off", "it has a SiFive CLINT, not an ACLINT");
}

static int prop_aia(struct vm_cli *cli, const char *v)
{
    return only_value("aia", v, "none", "it has a PLIC, no APLIC or IMSIC");
}

static const struct vm_cli_machine_prop virt_props[] = {
    {"dumpdtb", "FILE", "write the device tree to FILE and exit", prop_dumpdtb},
    {"acpi", "off|auto", "ACPI tables (vm's virt has none: off)", prop_acpi},
    {"aclint", "off", "ACLINT instead of the CLINT (vm's virt: off)", prop_aclint},
    {"aia", "none", "AIA interrupt controllers (vm's virt: none, a PLIC)", prop_aia},
};

static int run_virt(struct vm_cli *cli)
{
    if (cli->positional)
        return vm_cli_error(VM_EXIT_USAGE, "run: the virt machine takes its kernel with "
                            "-kernel, not '%s'", cli->positional);
    if (!strcmp(cli->accel, "kvm"))
        return vm_cli_error(VM_EXIT_USAGE, "run: -accel kvm is not supported by the virt "
                            "machine: KVM here runs x86-64 guests (-M microvm); virt runs on "
                            "tcg");
    struct vm_cli_host *host = NULL;
    int rc = 0;
    if (!cli->dumpdtb && (rc = vm_cli_host_open(cli, "virt", 1, &host))) {
        vm_cli_host_close(host);
        return rc;
    }
    struct vm_virt_config cfg = {
        .bios = cli->bios, .kernel = cli->kernel, .initrd = cli->initrd, .append = cli->append,
        .dumpdtb = cli->dumpdtb, .ram_size = cli->ram_size, .smp = cli->smp,
        .accel = vm_cli_accel_spec(cli), .verbose = cli->verbose, .timeout = cli->timeout,
        .max_insns = cli->max_insns,
        .cpu = cli->cpu, .devices = vm_cli_device_args(cli),
        .console = host ? vm_cli_host_serial(host, 0) : NULL,
        .frontend = host ? vm_cli_host_frontend(host) : NULL,
        .gdb = cli->gdb, .start_paused = cli->start_paused,
    };
    rc = vm_cli_exit_status(vm_board_virt_run(&cfg));
    vm_cli_host_close(host);
    return rc;
}

static const struct vm_cli_machine virt_machine = {
    .name = "virt",
    .description = "RISC-V VirtIO board: QEMU virt's map; OpenSBI, Linux, U-Boot",
    .bit = VM_CLI_VIRT,
    .props = virt_props,
    .nr_props = sizeof(virt_props) / sizeof(virt_props[0]),
    .devices = "ns16550a UART, CLINT, PLIC, goldfish RTC, sifive,test (power-off/reset), "
               "8 virtio-mmio slots",
    .run = run_virt,
};

__attribute__((constructor)) static void register_virt(void)
{
    vm_cli_register_machine(&virt_machine);
}
