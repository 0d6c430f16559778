/* vm: the command-line front end. Thin on purpose: parse flags, build a
 * machine through the library, run it, turn the result into an exit code.
 * Flag names follow QEMU where QEMU has one (-M, -m, -kernel, -bios, -accel).
 * Exit codes: the guest's status; 1 bad input or failure; 2 usage;
 * 124 a time or instruction bound stopped the guest. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/accel.h"
#include "vm/error.h"
#include "vm/microvm.h"
#include "vm/riscv_isa.h"
#include "vm/spike.h"
#include "vm/virt.h"

#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: vm COMMAND [ARGS]\n"
    "commands:\n"
    "  run [OPTIONS] [PROG.elf]   run a guest\n"
    "  help                       this text\n"
    "\n"
    "run options:\n"
    "  -M MACHINE          machine: virt (the default), spike, microvm; `-M help` lists them\n"
    "                      (virt also takes QEMU's `-M virt,dumpdtb=FILE`)\n"
    "  -m SIZE             guest RAM, QEMU syntax: 128M, 1G, 65536K (bare number: MiB)\n"
    "  -smp N              CPUs (virt: up to 8; microvm)\n"
    "  --accel NAME        accelerator: auto (default), soft, kvm (also -accel)\n"
    "  -cpu rv64[,EXT=on|off...]  RISC-V extensions, QEMU's names (virt, spike);\n"
    "                      `-cpu help` lists them\n"
    "  -bios FILE|none     virt: OpenSBI fw_dynamic/fw_jump (ELF or raw; default: Debian's\n"
    "                      opensbi package, else ~/.cache/vm/riscv64/fw_dynamic.bin);\n"
    "                      none: -kernel runs in M-mode. spike: only `none`\n"
    "  -kernel FILE        virt: Linux Image, U-Boot or ELF; spike: the program (or give it\n"
    "                      last); microvm: a bzImage\n"
    "  -initrd FILE        initial ramdisk (virt, microvm)\n"
    "  -append CMDLINE     kernel command line (virt, microvm)\n"
    "  -dumpdtb FILE       virt: write the device tree to FILE and exit\n"
    "  --max-insns N       stop after about N guest instructions (per hart; exit status 124)\n"
    "  --timeout S         stop after S seconds (exit status 124)\n"
    "  -nographic          accepted for QEMU compatibility (the console is the terminal)\n"
    "  -v, --verbose       explain choices (accelerator, image placement) and report speed\n"
    "\n"
    "virt: QEMU virt's memory map; the console is the terminal in raw mode:\n"
    "Ctrl-A x quits, Ctrl-A h helps. Exit status: the guest's power-off status\n"
    "(0, or its failure code), 0 after Ctrl-A x, 124 a bound stopped it, 125 a\n"
    "hart was stuck in a trap storm, 126 the guest kept resetting, 1 errors.\n"
    "\n"
    "spike: RAM at 0x80000000; the ELF's PT_LOAD segments are loaded at their\n"
    "physical addresses and the hart starts at its entry in M-mode. The program\n"
    "talks through HTIF (the `tohost`/`fromhost` symbols): writing (code << 1) | 1\n"
    "to tohost exits with status code; device 1 command 1 prints a character.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vm: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see `vm help`)\n");
    return EXIT_USAGE;
}

static void list_accels(FILE *f)
{
    for (unsigned i = 0; i < vm_accel_count(); i++)
        fprintf(f, "  %-6s %s\n", vm_accel_at(i)->name, vm_accel_at(i)->description);
}

static int help(void)
{
    fputs(usage_text, stdout);
    printf("\naccelerators:\n");
    list_accels(stdout);
    return 0;
}

/* QEMU's size syntax: a number with an optional K/M/G/T suffix (binary
 * units); without a suffix, MiB. */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    unsigned shift = 20;
    if (*end) {
        switch (*end) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        case 't': case 'T': shift = 40; break;
        case 'b': case 'B': shift = 0; break;
        default: return false;
        }
        if (end[1] && !((end[1] == 'i' || end[1] == 'B') && (!end[2] || (end[2] == 'B' && !end[3]))))
            return false;
    }
    if (v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static bool parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || v > 1e9)
        return false;
    *out = v;
    return true;
}

/* "--opt VALUE" or "--opt=VALUE"; also single-dash spellings (QEMU style). */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    const char *a = argv[*i];
    if (a[0] == '-' && a[1] == '-')
        a++;
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc)
        return "";
    return argv[++*i];
}

static bool is_flag(const char *arg, const char *name)
{
    if (arg[0] == '-' && arg[1] == '-')
        arg++;
    return !strcmp(arg, name);
}

/* Everything `vm run` understands, whatever the machine. */
struct run_options {
    const char *machine, *kernel, *initrd, *append, *bios, *accel, *positional, *dumpdtb, *cpu;
    uint64_t ram_size, max_insns;
    unsigned smp, drives, netdevs;
    double timeout;
    bool verbose;
};

static int parse_run(int argc, char **argv, struct run_options *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (a[0] != '-' || !a[1]) {
            if (o->positional)
                return usage_error("run: more than one program given ('%s')", a);
            o->positional = a;
        } else if (is_flag(a, "-v") || is_flag(a, "-verbose")) {
            o->verbose = true;
        } else if (is_flag(a, "-nographic")) {
            /* the console is always the terminal */
        } else if ((v = option_value(argc, argv, &i, "-M")) ||
                   (v = option_value(argc, argv, &i, "-machine"))) {
            if (!*v)
                return usage_error("run: %s needs a machine name", a);
            o->machine = v;
        } else if ((v = option_value(argc, argv, &i, "-m"))) {
            if (!parse_size(v, &o->ram_size))
                return usage_error("run: bad memory size '%s' (try 128M or 1G)", v);
        } else if ((v = option_value(argc, argv, &i, "-smp"))) {
            uint64_t n;
            if (!parse_u64(v, &n) || n == 0 || n > 255)
                return usage_error("run: bad -smp '%s' (a number of CPUs, 1..255)", v);
            o->smp = (unsigned)n;
        } else if ((v = option_value(argc, argv, &i, "-accel"))) {
            if (!*v)
                return usage_error("run: %s needs a name (auto, soft, kvm)", a);
            o->accel = v;
        } else if ((v = option_value(argc, argv, &i, "-cpu"))) {
            if (!*v)
                return usage_error("run: %s needs a CPU model (rv64; `-cpu help`)", a);
            o->cpu = v;
        } else if ((v = option_value(argc, argv, &i, "-kernel"))) {
            if (!*v)
                return usage_error("run: %s needs a file", a);
            o->kernel = v;
        } else if ((v = option_value(argc, argv, &i, "-initrd"))) {
            if (!*v)
                return usage_error("run: %s needs a file", a);
            o->initrd = v;
        } else if ((v = option_value(argc, argv, &i, "-append"))) {
            o->append = v;
        } else if ((v = option_value(argc, argv, &i, "-bios"))) {
            if (!*v)
                return usage_error("run: %s needs a file or 'none'", a);
            o->bios = v;
        } else if ((v = option_value(argc, argv, &i, "-dumpdtb"))) {
            if (!*v)
                return usage_error("run: %s needs a file", a);
            o->dumpdtb = v;
        } else if ((v = option_value(argc, argv, &i, "-drive"))) {
            if (!*v)
                return usage_error("run: %s needs a specification", a);
            o->drives++;
        } else if ((v = option_value(argc, argv, &i, "-netdev"))) {
            if (!*v)
                return usage_error("run: %s needs a specification", a);
            o->netdevs++;
        } else if ((v = option_value(argc, argv, &i, "-max-insns"))) {
            if (!parse_u64(v, &o->max_insns) || o->max_insns == 0)
                return usage_error("run: bad instruction count '%s'", v);
        } else if ((v = option_value(argc, argv, &i, "-timeout"))) {
            if (!parse_seconds(v, &o->timeout))
                return usage_error("run: bad timeout '%s' (seconds, > 0)", v);
        } else {
            return usage_error("run: unknown option '%s'", a);
        }
    }
    return 0;
}

/* A library result as an exit status: errors are 1 with their message. */
static int exit_status(int rc)
{
    if (rc < 0) {
        fprintf(stderr, "vm: %s\n", vm_error_message());
        return 1;
    }
    if (rc > 255) {
        fprintf(stderr, "vm: guest exit code %d does not fit an exit status; exiting with 255\n",
                rc);
        rc = 255;
    }
    return rc;
}

static int run_spike(const struct run_options *o)
{
    if (o->bios && strcmp(o->bios, "none") != 0)
        return usage_error("run: -bios '%s': the spike machine takes only -bios none", o->bios);
    if (o->initrd || o->append || o->drives || o->netdevs || o->smp > 1)
        return usage_error("run: the spike machine takes one ELF program and no "
                           "-initrd, -append, -drive, -netdev or -smp%s", "");
    if (o->kernel && o->positional)
        return usage_error("run: give the program once (-kernel or last argument), not both%s", "");
    struct vm_spike_config cfg = {
        .accel = o->accel, .cpu = o->cpu, .kernel = o->kernel ? o->kernel : o->positional,
        .ram_size = o->ram_size, .max_insns = o->max_insns, .timeout = o->timeout,
        .verbose = o->verbose,
    };
    if (!cfg.kernel)
        return usage_error("run: no program given%s", "");
    return exit_status(vm_spike_run(&cfg));
}

static int run_microvm(const struct run_options *o)
{
    if (o->positional)
        return usage_error("run: microvm takes its kernel with -kernel, not '%s'", o->positional);
    if (o->bios)
        return usage_error("run: microvm boots the kernel directly and takes no -bios ('%s')",
                           o->bios);
    if (o->max_insns)
        return usage_error("run: --max-insns is for the soft accelerator; microvm runs on kvm%s",
                           "");
    if (o->cpu)
        return usage_error("run: -cpu '%s': microvm runs the host's CPU under kvm", o->cpu);
    if (!o->kernel)
        return usage_error("run: microvm needs -kernel bzImage%s", "");
    struct vm_microvm_config cfg = {
        .kernel = o->kernel, .initrd = o->initrd, .append = o->append,
        .ram_size = o->ram_size, .smp = o->smp, .accel = o->accel, .verbose = o->verbose,
        .timeout = o->timeout, .nr_drives = o->drives, .nr_netdevs = o->netdevs,
    };
    return exit_status(vm_board_microvm_run(&cfg));
}

/* -M virt[,dumpdtb=FILE]: QEMU's machine properties (only dumpdtb here). */
static int virt_machine_options(const char *props, struct run_options *o)
{
    while (props && *props) {
        const char *next = strchr(props, ',');
        size_t len = next ? (size_t)(next - props) : strlen(props);
        if (len > 8 && !strncmp(props, "dumpdtb=", 8)) {
            static char path[4096];
            if (len - 8 >= sizeof(path))
                return usage_error("run: -M virt: dumpdtb path too long%s", "");
            memcpy(path, props + 8, len - 8);
            path[len - 8] = '\0';
            o->dumpdtb = path;
        } else {
            return usage_error("run: -M virt: unknown property '%s' (only dumpdtb=FILE)", props);
        }
        props = next ? next + 1 : NULL;
    }
    return 0;
}

static int run_virt(struct run_options *o, const char *props)
{
    int rc = virt_machine_options(props, o);
    if (rc)
        return rc;
    if (o->positional)
        return usage_error("run: virt takes its kernel with -kernel, not '%s'", o->positional);
    if (o->drives || o->netdevs)
        return usage_error("run: virt has no virtio devices yet (-drive, -netdev)%s", "");
    struct vm_virt_config cfg = {
        .bios = o->bios, .kernel = o->kernel, .initrd = o->initrd, .append = o->append,
        .dumpdtb = o->dumpdtb, .ram_size = o->ram_size, .smp = o->smp, .accel = o->accel,
        .cpu = o->cpu,
        .verbose = o->verbose, .timeout = o->timeout, .max_insns = o->max_insns,
    };
    return exit_status(vm_board_virt_run(&cfg));
}

static int cmd_run(int argc, char **argv)
{
    struct run_options o = {.machine = "virt", .accel = "auto"};
    int rc = parse_run(argc, argv, &o);
    if (rc)
        return rc;
    if (o.cpu && (!strcmp(o.cpu, "help") || !strcmp(o.cpu, "?"))) {
        vm_riscv_cpu_help(stdout);
        return 0;
    }
    if (!strcmp(o.machine, "help") || !strcmp(o.machine, "?")) {
        printf("machines:\n"
               "  virt     RISC-V board with QEMU virt's map: OpenSBI, Linux, U-Boot (default)\n"
               "  spike    RAM at 0x80000000, HTIF console and exit (bare-metal tests)\n"
               "  microvm  x86-64 Linux bzImage on KVM, COM1, i8042 reset\n");
        return 0;
    }
    if (!strcmp(o.machine, "virt") || !strncmp(o.machine, "virt,", 5))
        return run_virt(&o, o.machine[4] ? o.machine + 5 : NULL);
    if (o.dumpdtb)
        return usage_error("run: -dumpdtb is for the virt machine, not '%s'", o.machine);
    if (!strcmp(o.machine, "spike"))
        return run_spike(&o);
    if (!strcmp(o.machine, "microvm"))
        return run_microvm(&o);
    return usage_error("run: unknown machine '%s' (available: virt, spike, microvm)", o.machine);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
        return help();
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd);
}
