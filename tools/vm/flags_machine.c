/* Machine, memory, harts and boot images: -M, -m, -smp, -bios, -kernel,
 * -initrd, -append, -dumpdtb. */
#include <string.h>

#include "cli.h"

static int flag_machine(struct vm_cli *cli, const char *arg)
{
    struct vm_opts *o = vm_cli_opts(cli, "-M", arg, "type");
    if (!o)
        return VM_EXIT_USAGE;
    for (unsigned i = 0; i < o->count; i++) {
        const char *k = o->items[i].key, *v = o->items[i].value;
        if (!strcmp(k, "type")) {
            if (!strcmp(v, "help") || !strcmp(v, "?")) {
                printf("Supported machines are:\n");
                vm_cli_print_machines(stdout);
                return VM_CLI_DONE;
            }
            if (!*v)
                return vm_cli_error(VM_EXIT_USAGE, "run: -M needs a machine name (-M help "
                                    "lists them)");
            cli->machine_name = v;
        } else {
            /* Applied once the machine is known (several -M merge, as in QEMU). */
            if (cli->nr_machine_props == sizeof(cli->machine_props) / sizeof(cli->machine_props[0]))
                return vm_cli_error(VM_EXIT_USAGE, "run: too many -M properties");
            cli->machine_props[cli->nr_machine_props++] = o->items[i];
        }
    }
    return 0;
}

/* -m [size=]N[,slots=N,maxmem=SIZE]: a bare number is MiB, as in QEMU. */
static int flag_memory(struct vm_cli *cli, const char *arg)
{
    struct vm_opts *o = vm_cli_opts(cli, "-m", arg, "size");
    if (!o)
        return VM_EXIT_USAGE;
    static const char *const known[] = {"size", "slots", "maxmem", NULL};
    int rc = vm_cli_check_keys(o, "-m", known);
    if (rc)
        return rc;
    const char *size = vm_opts_get(o, "size");
    if (!size || !vm_cli_parse_size(size, 20, &cli->ram_size) || !cli->ram_size)
        return vm_cli_error(VM_EXIT_USAGE, "run: -m '%s': bad memory size (try 128M or 1G)",
                            arg);
    if (vm_opts_get(o, "slots") || vm_opts_get(o, "maxmem"))
        return vm_cli_error(VM_EXIT_USAGE, "run: -m '%s': vm has no memory hot-plug (slots=, "
                            "maxmem=)", arg);
    return 0;
}

/* -smp [cpus=]N[,maxcpus=,sockets=,dies=,clusters=,cores=,threads=], as
 * QEMU computes it: missing parts of the topology are derived, and their
 * product must be maxcpus. vm has no CPU hot-plug, so maxcpus is cpus. */
static int flag_smp(struct vm_cli *cli, const char *arg)
{
    struct vm_opts *o = vm_cli_opts(cli, "-smp", arg, "cpus");
    if (!o)
        return VM_EXIT_USAGE;
    static const char *const known[] = {"cpus",  "maxcpus", "sockets", "dies",
                                        "clusters", "cores", "threads", NULL};
    int rc = vm_cli_check_keys(o, "-smp", known);
    if (rc)
        return rc;
    uint64_t v[7] = {0};
    for (unsigned i = 0; known[i]; i++) {
        const char *s = vm_opts_get(o, known[i]);
        if (s && (!vm_cli_parse_u64(s, &v[i]) || v[i] == 0 || v[i] > 4096))
            return vm_cli_error(VM_EXIT_USAGE, "run: -smp '%s': bad %s '%s' (a number, "
                                "1 or more)", arg, known[i], s);
    }
    uint64_t cpus = v[0], maxcpus = v[1], sockets = v[2], dies = v[3] ? v[3] : 1,
             clusters = v[4] ? v[4] : 1, cores = v[5], threads = v[6] ? v[6] : 1;
    uint64_t per_socket_known = dies * clusters * threads;
    if (!cpus && !maxcpus && !sockets && !cores)
        return vm_cli_error(VM_EXIT_USAGE, "run: -smp '%s': how many CPUs?", arg);
    if (!maxcpus)
        maxcpus = cpus;
    if (!sockets && !cores) {
        sockets = 1;
        cores = maxcpus ? maxcpus / per_socket_known : 1;
    } else if (!sockets) {
        sockets = maxcpus ? maxcpus / (per_socket_known * cores) : 1;
    } else if (!cores) {
        cores = maxcpus ? maxcpus / (per_socket_known * sockets) : 1;
    }
    if (!sockets || !cores)
        return vm_cli_error(VM_EXIT_USAGE, "run: -smp '%s': the topology does not divide %llu "
                            "CPUs", arg, (unsigned long long)maxcpus);
    uint64_t product = sockets * dies * clusters * cores * threads;
    if (!maxcpus)
        maxcpus = product;
    if (!cpus)
        cpus = maxcpus;
    if (product != maxcpus)
        return vm_cli_error(VM_EXIT_USAGE, "run: -smp '%s': sockets (%llu) * dies (%llu) * "
                            "clusters (%llu) * cores (%llu) * threads (%llu) != maxcpus "
                            "(%llu)", arg, (unsigned long long)sockets,
                            (unsigned long long)dies, (unsigned long long)clusters,
                            (unsigned long long)cores, (unsigned long long)threads,
                            (unsigned long long)maxcpus);
    if (cpus > maxcpus)
        return vm_cli_error(VM_EXIT_USAGE, "run: -smp '%s': cpus (%llu) > maxcpus (%llu)", arg,
                            (unsigned long long)cpus, (unsigned long long)maxcpus);
    if (cpus != maxcpus)
        return vm_cli_error(VM_EXIT_USAGE, "run: -smp '%s': vm has no CPU hot-plug: maxcpus "
                            "must equal cpus", arg);
    if (sockets > 1)
        return vm_cli_error(VM_EXIT_USAGE, "run: -smp '%s': vm's machines have one socket",
                            arg);
    if (cpus > 255)
        return vm_cli_error(VM_EXIT_USAGE, "run: -smp '%s': at most 255 CPUs", arg);
    cli->smp = (unsigned)cpus;
    return 0;
}

static int flag_bios(struct vm_cli *cli, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: -bios needs a file, 'default' or 'none'");
    cli->bios = strcmp(arg, "default") ? arg : NULL; /* QEMU's "default": the machine's own */
    return 0;
}

static int flag_file(const char **dst, const char *flag, const char *arg)
{
    if (!*arg)
        return vm_cli_error(VM_EXIT_USAGE, "run: %s needs a file", flag);
    *dst = arg;
    return 0;
}

static int flag_kernel(struct vm_cli *cli, const char *arg)
{
    return flag_file(&cli->kernel, "-kernel", arg);
}

static int flag_initrd(struct vm_cli *cli, const char *arg)
{
    return flag_file(&cli->initrd, "-initrd", arg);
}

static int flag_dumpdtb(struct vm_cli *cli, const char *arg)
{
    return flag_file(&cli->dumpdtb, "-dumpdtb", arg);
}

static int flag_append(struct vm_cli *cli, const char *arg)
{
    cli->append = arg;
    return 0;
}

static const struct vm_cli_flag machine_flags[] = {
    {"M", "machine", "[type=]NAME[,PROP=VALUE...]",
     "the machine (default virt); -M help lists them, -M NAME,help their properties",
     VM_CLI_GROUP_MACHINE, VM_CLI_ALL_MACHINES, flag_machine},
    {"m", NULL, "[size=]N[K|M|G]", "guest RAM (a bare number is MiB)", VM_CLI_GROUP_MACHINE,
     VM_CLI_ALL_MACHINES, flag_memory},
    {"smp", NULL, "[cpus=]N[,cores=,threads=,sockets=1,maxcpus=N]",
     "harts (virt: up to 8) or vCPUs (microvm)", VM_CLI_GROUP_MACHINE,
     VM_CLI_VIRT | VM_CLI_MICROVM, flag_smp},
    {"bios", NULL, "FILE|default|none",
     "firmware: OpenSBI (default: Debian's); none: -kernel runs in M-mode (spike: none only)",
     VM_CLI_GROUP_BOOT, VM_CLI_VIRT | VM_CLI_SPIKE, flag_bios},
    {"kernel", NULL, "FILE", "kernel: Linux Image (gzipped too), U-Boot, ELF; microvm: bzImage",
     VM_CLI_GROUP_BOOT, VM_CLI_ALL_MACHINES, flag_kernel},
    {"initrd", NULL, "FILE", "initial ramdisk", VM_CLI_GROUP_BOOT, VM_CLI_VIRT | VM_CLI_MICROVM,
     flag_initrd},
    {"append", NULL, "CMDLINE", "kernel command line", VM_CLI_GROUP_BOOT,
     VM_CLI_VIRT | VM_CLI_MICROVM, flag_append},
    {"dumpdtb", NULL, "FILE", "write the device tree to FILE and exit (also -M virt,dumpdtb=F)",
     VM_CLI_GROUP_BOOT, VM_CLI_VIRT, flag_dumpdtb},
};
VM_CLI_FLAGS(machine_flags)
