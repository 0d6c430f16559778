/* The table of machines `vm run -M` knows, and the -M properties every
 * machine takes (QEMU's generic machine properties that vm implements). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_MACHINES 8

static const struct vm_cli_machine *machines[MAX_MACHINES];
static unsigned nr_machines;

void vm_cli_register_machine(const struct vm_cli_machine *m)
{
    if (nr_machines == MAX_MACHINES) {
        fprintf(stderr, "vm: too many machines registered (raise MAX_MACHINES)\n");
        abort();
    }
    machines[nr_machines++] = m;
}

const struct vm_cli_machine *vm_cli_find_machine(const char *name)
{
    for (unsigned i = 0; i < nr_machines; i++)
        if (!strcmp(machines[i]->name, name))
            return machines[i];
    return NULL;
}

void vm_cli_print_machines(FILE *f)
{
    for (unsigned i = 0; i < nr_machines; i++)
        fprintf(f, "  %-10s %s%s\n", machines[i]->name, machines[i]->description,
                !strcmp(machines[i]->name, "virt") ? " (default)" : "");
}

void vm_cli_print_machine_devices(FILE *f)
{
    for (unsigned i = 0; i < nr_machines; i++)
        fprintf(f, "  %-10s %s\n", machines[i]->name, machines[i]->devices);
}

const char *vm_cli_machine_names(unsigned bits, char *buf, size_t size)
{
    buf[0] = '\0';
    for (unsigned i = 0; i < nr_machines; i++)
        if (bits & machines[i]->bit)
            snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? ", " : "",
                     machines[i]->name);
    return buf;
}

/* ---- properties every machine takes ------------------------------------------ */

static int prop_kernel(struct vm_cli *cli, const char *v)
{
    cli->kernel = v;
    return 0;
}

static int prop_initrd(struct vm_cli *cli, const char *v)
{
    cli->initrd = v;
    return 0;
}

static int prop_append(struct vm_cli *cli, const char *v)
{
    cli->append = v;
    return 0;
}

static int prop_firmware(struct vm_cli *cli, const char *v)
{
    cli->bios = v;
    return 0;
}

static int prop_graphics(struct vm_cli *cli, const char *v)
{
    bool on;
    if (!vm_cli_parse_bool(v, &on))
        return vm_cli_error(VM_EXIT_USAGE, "run: -M graphics='%s': on or off", v);
    if (on)
        return vm_cli_error(VM_EXIT_USAGE, "run: -M graphics=on: vm has no graphical display "
                            "(its console is a serial line)");
    cli->nographic = true;
    return 0;
}

static int prop_accel(struct vm_cli *cli, const char *v)
{
    return vm_cli_set_accel(cli, v, "-M accel");
}

static const struct vm_cli_machine_prop common_props[] = {
    {"accel", "NAME", "as -accel NAME", prop_accel},
    {"kernel", "FILE", "as -kernel FILE", prop_kernel},
    {"initrd", "FILE", "as -initrd FILE", prop_initrd},
    {"append", "CMDLINE", "as -append CMDLINE", prop_append},
    {"firmware", "FILE", "as -bios FILE", prop_firmware},
    {"graphics", "off", "no graphical display (vm has none)", prop_graphics},
};
#define NR_COMMON (sizeof(common_props) / sizeof(common_props[0]))

static void print_props(const struct vm_cli_machine *m)
{
    printf("%s options (-M %s,KEY=VALUE):\n", m->name, m->name);
    for (unsigned i = 0; i < m->nr_props; i++)
        printf("  %-22s %s\n", m->props[i].key, m->props[i].help);
    for (unsigned i = 0; i < NR_COMMON; i++)
        printf("  %-22s %s\n", common_props[i].key, common_props[i].help);
}

static const struct vm_cli_machine_prop *find_prop(const struct vm_cli_machine *m,
                                                   const char *key)
{
    for (unsigned i = 0; i < m->nr_props; i++)
        if (!strcmp(m->props[i].key, key))
            return &m->props[i];
    for (unsigned i = 0; i < NR_COMMON; i++)
        if (!strcmp(common_props[i].key, key))
            return &common_props[i];
    return NULL;
}

int vm_cli_apply_machine_props(struct vm_cli *cli)
{
    const struct vm_cli_machine *m = cli->machine;
    for (unsigned i = 0; i < cli->nr_machine_props; i++) {
        const struct vm_opt *o = &cli->machine_props[i];
        if (!strcmp(o->key, "help")) {
            print_props(m);
            return VM_CLI_DONE;
        }
        const struct vm_cli_machine_prop *p = find_prop(m, o->key);
        if (!p)
            return vm_cli_error(VM_EXIT_USAGE, "run: -M %s: the %s machine has no property "
                                "'%s' (-M %s,help lists them)", m->name, m->name, o->key,
                                m->name);
        int rc = p->parse(cli, o->value);
        if (rc)
            return rc;
    }
    return 0;
}
