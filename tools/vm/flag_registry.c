/* The table of `vm run` flags: registration, the parse loop, the check
 * against the chosen machine, and the help listing. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vm/error.h"

#define MAX_FLAGS 256

static struct {
    const struct vm_cli_flag *flag;
    unsigned seen; /* times given on this command line */
} table[MAX_FLAGS];
static unsigned nr_flags;

void vm_cli_register_flags(const struct vm_cli_flag *flags, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        if (nr_flags == MAX_FLAGS) {
            fprintf(stderr, "vm: too many flags registered (raise MAX_FLAGS)\n");
            abort();
        }
        table[nr_flags++].flag = &flags[i];
    }
}

/* "-name", "--name", "-name=VALUE" or "--name=VALUE" (the last two for
 * vm's own long options such as --timeout=5). *inline_value is set for the
 * '=' forms. */
static int lookup(const char *a, const char **inline_value)
{
    const char *s = a + 1 + (a[1] == '-');
    const char *eq = strchr(s, '=');
    size_t len = eq ? (size_t)(eq - s) : strlen(s);
    for (unsigned i = 0; i < nr_flags; i++) {
        const struct vm_cli_flag *f = table[i].flag;
        if ((strlen(f->name) == len && !strncmp(f->name, s, len)) ||
            (f->alias && strlen(f->alias) == len && !strncmp(f->alias, s, len))) {
            *inline_value = eq ? eq + 1 : NULL;
            return (int)i;
        }
    }
    return -1;
}

int vm_cli_parse(struct vm_cli *cli, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || !a[1]) {
            if (cli->positional)
                return vm_cli_error(VM_EXIT_USAGE, "run: more than one program given ('%s', "
                                    "'%s')", cli->positional, a);
            cli->positional = a;
            continue;
        }
        const char *value = NULL;
        int k = lookup(a, &value);
        if (k < 0)
            return vm_cli_error(VM_EXIT_USAGE, "run: unknown option '%s' (`vm help run` lists "
                                "them)", a);
        const struct vm_cli_flag *f = table[k].flag;
        if (f->arg && !value) {
            if (i + 1 >= argc)
                return vm_cli_error(VM_EXIT_USAGE, "run: %s needs an argument: %s %s", a, a,
                                    f->arg);
            value = argv[++i];
        } else if (!f->arg && value) {
            return vm_cli_error(VM_EXIT_USAGE, "run: -%s takes no argument ('%s')", f->name, a);
        }
        table[k].seen++;
        int rc = f->parse(cli, value);
        if (rc)
            return rc;
    }
    return 0;
}

int vm_cli_check_machine(const struct vm_cli *cli)
{
    for (unsigned i = 0; i < nr_flags; i++) {
        const struct vm_cli_flag *f = table[i].flag;
        if (table[i].seen && f->machines && !(f->machines & cli->machine->bit)) {
            char names[64];
            return vm_cli_error(VM_EXIT_USAGE, "run: -%s is not supported by the %s machine "
                                "(only by: %s)", f->name, cli->machine->name,
                                vm_cli_machine_names(f->machines, names, sizeof(names)));
        }
    }
    for (unsigned i = 0; i < cli->nr_devices; i++) {
        const struct vm_cli_device *d = cli->devices[i];
        if (d->machines && !(d->machines & cli->machine->bit)) {
            char names[64];
            return vm_cli_error(VM_EXIT_USAGE, "run: -device %s is not supported by the %s "
                                "machine (only by: %s)", d->name, cli->machine->name,
                                vm_cli_machine_names(d->machines, names, sizeof(names)));
        }
    }
    return 0;
}

static const char *const group_titles[VM_CLI_NR_GROUPS] = {
    [VM_CLI_GROUP_MACHINE] = "machine",
    [VM_CLI_GROUP_BOOT] = "boot images",
    [VM_CLI_GROUP_CPU] = "CPU and accelerator",
    [VM_CLI_GROUP_DEVICES] = "devices",
    [VM_CLI_GROUP_CONSOLE] = "console, monitor and display",
    [VM_CLI_GROUP_DEBUG] = "debugging and control",
    [VM_CLI_GROUP_RUN] = "run control",
};

#define HELP_COLUMN 29
#define HELP_WIDTH 79

/* Text from HELP_COLUMN on, wrapped at word boundaries to HELP_WIDTH. */
static void print_wrapped(FILE *f, const char *text)
{
    int col = HELP_COLUMN;
    while (*text) {
        const char *sp = strchr(text, ' ');
        int word = sp ? (int)(sp - text) : (int)strlen(text);
        if (col > HELP_COLUMN && col + 1 + word > HELP_WIDTH) {
            fprintf(f, "\n%*s", HELP_COLUMN, "");
            col = HELP_COLUMN;
        } else if (col > HELP_COLUMN) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", word, text);
        col += word;
        text += word;
        while (*text == ' ')
            text++;
    }
    fputc('\n', f);
}

void vm_cli_print_flags(FILE *f)
{
    for (unsigned g = 0; g < VM_CLI_NR_GROUPS; g++) {
        bool any = false;
        for (unsigned i = 0; i < nr_flags; i++) {
            const struct vm_cli_flag *fl = table[i].flag;
            if (fl->group != g)
                continue;
            if (!any)
                fprintf(f, "\n%s:\n", group_titles[g]);
            any = true;
            char head[160];
            snprintf(head, sizeof(head), "  -%s%s%s%s%s", fl->name, fl->alias ? ", -" : "",
                     fl->alias ? fl->alias : "", fl->arg ? " " : "", fl->arg ? fl->arg : "");
            char text[512], names[64];
            snprintf(text, sizeof(text), "%s%s%s%s", fl->help, fl->machines ? " (" : "",
                     fl->machines ? vm_cli_machine_names(fl->machines, names, sizeof(names))
                                  : "", fl->machines ? " only)" : "");
            if ((int)strlen(head) < HELP_COLUMN - 1)
                fprintf(f, "%-*s", HELP_COLUMN, head);
            else
                fprintf(f, "%s\n%*s", head, HELP_COLUMN, "");
            print_wrapped(f, text);
        }
    }
}

void vm_cli_visit_flags(FILE *f, void (*fn)(FILE *f, const struct vm_cli_flag *fl,
                                            const char *machines))
{
    for (unsigned g = 0; g < VM_CLI_NR_GROUPS; g++) {
        bool any = false;
        for (unsigned i = 0; i < nr_flags; i++) {
            const struct vm_cli_flag *fl = table[i].flag;
            if (fl->group != g)
                continue;
            if (!any)
                fprintf(f, ".SS %c%s\n", group_titles[g][0] - ('a' <= group_titles[g][0] &&
                        group_titles[g][0] <= 'z' ? 32 : 0), group_titles[g] + 1);
            any = true;
            char names[64] = "";
            if (fl->machines)
                vm_cli_machine_names(fl->machines, names, sizeof(names));
            fn(f, fl, names);
        }
    }
}

struct vm_cli_kept {
    struct vm_opts opts;
    struct vm_cli_kept *next;
};

struct vm_opts *vm_cli_opts(struct vm_cli *cli, const char *flag, const char *arg,
                             const char *implied_key)
{
    struct vm_cli_kept *k = calloc(1, sizeof(*k));
    if (!k) {
        vm_cli_error(VM_EXIT_BAD, "out of memory");
        return NULL;
    }
    if (vm_opts_parse(arg, implied_key, flag, &k->opts) < 0) {
        free(k);
        vm_cli_error(VM_EXIT_USAGE, "run: %s", vm_error_message());
        return NULL;
    }
    k->next = cli->kept;
    cli->kept = k;
    return &k->opts;
}

int vm_cli_check_keys(const struct vm_opts *o, const char *flag, const char *const *known)
{
    const char *bad = NULL;
    for (unsigned i = 0; i < o->count && !bad; i++) {
        const char *const *k = known;
        while (*k && strcmp(*k, o->items[i].key))
            k++;
        if (!*k)
            bad = o->items[i].key;
    }
    if (!bad)
        return 0;
    char list[256] = "";
    for (const char *const *k = known; *k; k++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", list[0] ? ", " : "",
                 *k);
    return vm_cli_error(VM_EXIT_USAGE, "run: %s: unknown property '%s' (known: %s)", flag, bad,
                        list);
}

void vm_cli_free(struct vm_cli *cli)
{
    while (cli->kept) {
        struct vm_cli_kept *k = cli->kept;
        cli->kept = k->next;
        vm_opts_free(&k->opts);
        free(k);
    }
}
