/* The accelerator: -accel NAME[,PROP=VALUE...] (also --accel, -machine
 * accel=NAME) and -enable-kvm. QEMU's tcg is vm's soft engine; kvm is
 * KVM; vm's own names soft and auto (KVM when it can, else soft) work too.
 * Several -accel are tried in order, as in QEMU: `-accel kvm -accel tcg`
 * is auto. Add an -accel property: a line in accel_props. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int vm_cli_set_accel(struct vm_cli *cli, const char *name, const char *flag)
{
    const char *vm_name;
    if (!strcmp(name, "tcg") || !strcmp(name, "soft"))
        vm_name = "soft";
    else if (!strcmp(name, "kvm"))
        vm_name = "kvm";
    else if (!strcmp(name, "auto") || !strcmp(name, "kvm:tcg"))
        vm_name = "auto";
    else if (!strcmp(name, "help") || !strcmp(name, "?")) {
        printf("Accelerators supported in vm:\ntcg (vm's soft engine; also -accel soft)\nkvm\n"
               "auto (kvm when available, else tcg)\n");
        return VM_CLI_DONE;
    } else
        return vm_cli_error(VM_EXIT_USAGE, "run: %s '%s': unknown accelerator (tcg, kvm, soft, "
                            "auto)", flag, name);
    /* A second choice is a fallback for the first: only kvm then tcg means more than the
     * first alone. */
    if (cli->accel_given && !strcmp(cli->accel, "kvm") && !strcmp(vm_name, "soft"))
        cli->accel = "auto";
    else if (!cli->accel_given)
        cli->accel = vm_name;
    cli->accel_given = true;
    return 0;
}

static int prop_thread(struct vm_cli *cli, const char *v)
{
    if (!strcmp(v, "multi"))
        return 0;
    if (!strcmp(v, "single"))
        return vm_cli_error(VM_EXIT_USAGE, "run: -accel tcg,thread=single: vm runs every hart "
                            "on its own host thread (thread=multi) only");
    return vm_cli_error(VM_EXIT_USAGE, "run: -accel thread='%s': single or multi", v);
}

/* The soft engine's own properties, handed to the accelerator as they are
 * (it checks them): jit=on|off, tb-size=MiB, jit-hot=N, dcache-pages=N, perfmap=on|off,
 * mmu=PRESET, l1-hits=on|off. */
static int append_prop(struct vm_cli *cli, const char *key, const char *v)
{
    size_t n = strlen(cli->accel_props);
    int w = snprintf(cli->accel_props + n, sizeof(cli->accel_props) - n, "%s%s=%s",
                     n ? "," : "", key, v);
    if (w < 0 || (size_t)w >= sizeof(cli->accel_props) - n)
        return vm_cli_error(VM_EXIT_USAGE, "run: -accel: too many properties");
    return 0;
}

static int prop_tb_size(struct vm_cli *cli, const char *v)
{
    uint64_t mib;
    if (!vm_cli_parse_u64(v, &mib) || mib < 1 || mib > 2047)
        return vm_cli_error(VM_EXIT_USAGE, "run: -accel tcg,tb-size='%s': MiB of translated "
                            "code per hart, 1 to 2047", v);
    return append_prop(cli, "tb-size", v);
}

/* The decoded-instruction cache's pages per hart: the accelerator checks
 * the range and that it is a power of two. */
static int prop_dcache_pages(struct vm_cli *cli, const char *v)
{
    uint64_t n;
    if (!vm_cli_parse_u64(v, &n))
        return vm_cli_error(VM_EXIT_USAGE, "run: -accel tcg,dcache-pages='%s': a number of "
                            "decoded pages per hart", v);
    return append_prop(cli, "dcache-pages", v);
}

/* Runs of a block in the interpreter before it is translated (docs/JIT.md). */
static int prop_jit_hot(struct vm_cli *cli, const char *v)
{
    uint64_t n;
    if (!vm_cli_parse_u64(v, &n) || n > 1000000)
        return vm_cli_error(VM_EXIT_USAGE, "run: -accel tcg,jit-hot='%s': runs of a block in "
                            "the interpreter before it is translated, 0 to 1000000", v);
    return append_prop(cli, "jit-hot", v);
}

/* perfmap=on|off, l1-hits=on|off: switches handed on as they are. */
static int prop_switch(struct vm_cli *cli, const char *key, const char *v)
{
    if (strcmp(v, "on") && strcmp(v, "off"))
        return vm_cli_error(VM_EXIT_USAGE, "run: -accel tcg,%s='%s': on or off", key, v);
    return append_prop(cli, key, v);
}

static int prop_jit(struct vm_cli *cli, const char *v)
{
    return prop_switch(cli, "jit", v);
}

static int prop_perfmap(struct vm_cli *cli, const char *v)
{
    return prop_switch(cli, "perfmap", v);
}

/* Count the MMU's L1 hits (info mmu, x-query-mmu, -v): off by default, it
 * costs an increment per memory access. */
static int prop_l1_hits(struct vm_cli *cli, const char *v)
{
    return prop_switch(cli, "l1-hits", v);
}

/* The MMU's levels fixed (for measurements; default: adaptive). */
static int prop_mmu(struct vm_cli *cli, const char *v)
{
    if (strcmp(v, "adaptive") && strcmp(v, "all") && strcmp(v, "l1l2") && strcmp(v, "l1"))
        return vm_cli_error(VM_EXIT_USAGE, "run: -accel tcg,mmu='%s': adaptive, all, l1l2 or l1",
                            v);
    return append_prop(cli, "mmu", v);
}

const char *vm_cli_accel_spec(struct vm_cli *cli)
{
    static char spec[160];
    if (!cli->accel_props[0])
        return cli->accel;
    snprintf(spec, sizeof(spec), "%s,%s", cli->accel, cli->accel_props);
    return spec;
}

struct accel_prop {
    const char *key;
    const char *accel; /* the accelerator it belongs to (vm's name) */
    int (*parse)(struct vm_cli *cli, const char *value);
};

static const struct accel_prop accel_props[] = {
    {"thread", "soft", prop_thread},
    {"jit", "soft", prop_jit},
    {"tb-size", "soft", prop_tb_size},
    {"jit-hot", "soft", prop_jit_hot},
    {"dcache-pages", "soft", prop_dcache_pages},
    {"perfmap", "soft", prop_perfmap},
    {"mmu", "soft", prop_mmu},
    {"l1-hits", "soft", prop_l1_hits},
};
#define NR_PROPS (sizeof(accel_props) / sizeof(accel_props[0]))

static int flag_accel(struct vm_cli *cli, const char *arg)
{
    struct vm_opts *o = vm_cli_opts(cli, "-accel", arg, "accel");
    if (!o)
        return VM_EXIT_USAGE;
    const char *name = vm_opts_get(o, "accel");
    if (!name || !*name)
        return vm_cli_error(VM_EXIT_USAGE, "run: -accel '%s': which accelerator? (tcg, kvm)",
                            arg);
    int rc = vm_cli_set_accel(cli, name, "-accel");
    if (rc)
        return rc;
    const char *vm_name = !strcmp(name, "tcg") ? "soft" : name;
    for (unsigned i = 0; i < o->count; i++) {
        const char *k = o->items[i].key;
        if (!strcmp(k, "accel"))
            continue;
        unsigned p = 0;
        while (p < NR_PROPS && (strcmp(accel_props[p].key, k) ||
                                strcmp(accel_props[p].accel, vm_name)))
            p++;
        if (p == NR_PROPS)
            return vm_cli_error(VM_EXIT_USAGE, "run: -accel %s: no property '%s' for this "
                                "accelerator", name, k);
        if ((rc = accel_props[p].parse(cli, o->items[i].value)))
            return rc;
    }
    return 0;
}

static int flag_enable_kvm(struct vm_cli *cli, const char *arg)
{
    return vm_cli_set_accel(cli, "kvm", "-enable-kvm");
}

static const struct vm_cli_flag accel_flags[] = {
    {"accel", NULL, "NAME[,jit=on|off][,tb-size=MiB][,jit-hot=N][,perfmap=on][,mmu=P]",
     "accelerator: tcg (vm's soft engine: JIT or interpreter), kvm; auto: kvm if it can, else tcg; "
     "jit-hot=N interprets a block N times before translating it (default 0; vm user 16); "
     "mmu=l1|l1l2|all fixes the soft MMU's levels (default adaptive); l1-hits=on counts L1 hits",
     VM_CLI_GROUP_CPU, VM_CLI_ALL_MACHINES, flag_accel},
    {"enable-kvm", NULL, NULL, "as -accel kvm", VM_CLI_GROUP_CPU, VM_CLI_ALL_MACHINES,
     flag_enable_kvm},
};
VM_CLI_FLAGS(accel_flags)
