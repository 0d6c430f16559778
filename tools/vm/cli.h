/* The `vm` command line: what `vm run` was asked (struct vm_cli), the
 * table of run flags and the table of machines.
 *
 * Flags and machines register themselves from their own files (a
 * constructor calls vm_cli_register_flags / vm_cli_register_machine), so
 * that adding a flag is adding a file, or a line to an area's file, and
 * `vm help` lists it without anyone editing a central list. The way to
 * add one is in tools/vm/README.md. */
#ifndef VM_TOOLS_CLI_H
#define VM_TOOLS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/opts.h"
#include "values.h"
#include "vm/devices.h"

#define VM_EXIT_USAGE 2 /* a malformed command line */
#define VM_EXIT_BAD 1   /* bad input (a missing file) or a failure */
/* Returned by a parse handler that printed what was asked (`-M help`):
 * vm exits with status 0 without running anything. */
#define VM_CLI_DONE (-1)

/* ---- what `vm run` was asked -------------------------------------------- */

struct vm_cli_machine;
struct vm_cli_kept;
struct vm_cli_device;

struct vm_cli {
    /* machine and boot (flags_machine.c) */
    const char *machine_name;       /* -M's type; "virt" by default */
    struct vm_opt machine_props[32]; /* -M's other properties, in order (strings kept) */
    unsigned nr_machine_props;
    const struct vm_cli_machine *machine; /* resolved after parsing */
    const char *kernel, *initrd, *append, *bios, *dumpdtb;
    const char *positional;         /* a program given last (spike) */
    uint64_t ram_size;              /* 0: the machine's default */
    unsigned smp;                   /* 0: 1 */
    /* CPU (flags_cpu.c; the isa-ext helper's) */
    const char *cpu;                /* -cpu rv64[,EXT=on|off...]; NULL: every extension */
    /* accelerator (flags_accel.c) */
    const char *accel;              /* vm's name: "auto", "soft", "kvm" */
    bool accel_given;
    char accel_props[128];          /* the soft engine's properties: "jit=on,tb-size=64" */
    /* run control and reporting (flags_run.c) */
    const char *name;   /* -name */
    bool no_reboot;     /* -no-reboot */
    bool no_shutdown;   /* -no-shutdown */
    bool daemonize;     /* -daemonize */
    const char *pidfile; /* -pidfile */
    /* confinement (flags_sandbox.c; host.c applies it once the machine runs) */
    bool sandbox;           /* -sandbox on */
    const char *runas;      /* -runas USER */
    const char *chroot_dir; /* -chroot DIR */
    uint64_t max_insns;
    double timeout;
    bool verbose;
    /* console, monitors and display (flags_console.c; host.c opens them) */
    bool nographic, display_none;
#define VM_CLI_MAX_SERIALS 4
    const char *serials[VM_CLI_MAX_SERIALS]; /* -serial DEV, in order */
    unsigned nr_serials;
#define VM_CLI_MAX_CHARDEVS 16
    struct vm_opts *chardevs[VM_CLI_MAX_CHARDEVS]; /* -chardev BACKEND,id=ID,... */
    unsigned nr_chardevs;
#define VM_CLI_MAX_MONITORS 8
    struct vm_cli_monitor {
        const char *dev;     /* a device string, or NULL and chardev */
        const char *chardev; /* -mon chardev=ID */
        bool qmp, pretty;
    } monitors[VM_CLI_MAX_MONITORS];
    unsigned nr_monitors;
    bool monitor_given; /* -monitor, -mon, -qmp or a mon: serial: no default monitor */
    /* debugging (flags_gdb.c) */
    const char *gdb;   /* -gdb / -s: the stub's device; NULL: none */
    bool start_paused; /* -S */
    /* devices (flags_devices.c; the virtio helper's): -drive, -device,
     * -netdev, -nic as given, in order, for the board (vm_cli_device_args) */
#define VM_CLI_MAX_DEVICES 64
    const char *dev_args[4][VM_CLI_MAX_DEVICES];
    unsigned nr_dev_args[4];
    const struct vm_cli_device *devices[VM_CLI_MAX_DEVICES]; /* -device, in order */
    unsigned nr_devices;

    /* option lists parsed with vm_cli_opts(), freed by vm_cli_free() */
    struct vm_cli_kept *kept;
};

/* Parse a flag's QEMU-style argument (core/opts.h); the result (and its
 * strings) lives until vm_cli_free(). NULL: a one-line error was printed. */
struct vm_opts *vm_cli_opts(struct vm_cli *cli, const char *flag, const char *arg,
                             const char *implied_key);
/* Refuse keys not in the NULL-terminated list: 0 or VM_EXIT_USAGE. */
int vm_cli_check_keys(const struct vm_opts *o, const char *flag, const char *const *known);
void vm_cli_free(struct vm_cli *cli);

/* ---- flags ----------------------------------------------------------------- */

/* Sections of `vm help`, in this order. */
enum vm_cli_group {
    VM_CLI_GROUP_MACHINE,
    VM_CLI_GROUP_BOOT,
    VM_CLI_GROUP_CPU,
    VM_CLI_GROUP_DEVICES,
    VM_CLI_GROUP_CONSOLE,
    VM_CLI_GROUP_DEBUG,
    VM_CLI_GROUP_RUN,
    VM_CLI_NR_GROUPS
};

/* Machines as bits, for vm_cli_flag.machines. */
#define VM_CLI_VIRT (1u << 0)
#define VM_CLI_SPIKE (1u << 1)
#define VM_CLI_MICROVM (1u << 2)
#define VM_CLI_ALL_MACHINES 0u /* the flag means something on every machine */

struct vm_cli_flag {
    const char *name;  /* without the dash: "serial" (given as -serial or --serial) */
    const char *alias; /* another spelling ("machine" for "M"), or NULL */
    const char *arg;   /* the argument's shape for help ("FILE", "[size=]N"); NULL: none */
    const char *help;  /* one line */
    enum vm_cli_group group;
    unsigned machines; /* VM_CLI_* bits of machines that take it; 0: all */
    /* Store the argument (NULL for a flag without one) in cli. Return 0,
     * VM_CLI_DONE after printing a list asked for (`help`), or print one
     * line with vm_cli_error() and return its status. */
    int (*parse)(struct vm_cli *cli, const char *arg);
};

/* Add flags to the table (from a constructor, before main). */
void vm_cli_register_flags(const struct vm_cli_flag *flags, unsigned count);

#define VM_CLI_CONCAT_(a, b) a##b
#define VM_CLI_CONCAT(a, b) VM_CLI_CONCAT_(a, b)
/* VM_CLI_FLAGS(array): register a static array of flags at start-up. */
#define VM_CLI_FLAGS(array)                                                              \
    __attribute__((constructor)) static void VM_CLI_CONCAT(vm_cli_register_, array)(void) \
    {                                                                                    \
        vm_cli_register_flags(array, sizeof(array) / sizeof(array[0]));                  \
    }

/* Parse `vm run`'s arguments into cli: flags by the table, one positional
 * program allowed. Returns 0 or an exit status (a message was printed). */
int vm_cli_parse(struct vm_cli *cli, int argc, char **argv);
/* After the machine is known: one line naming flag and machine for each
 * flag the machine does not take. */
int vm_cli_check_machine(const struct vm_cli *cli);
/* The flags' help, grouped (`vm help run`). */
void vm_cli_print_flags(FILE *f);
/* Each flag in help order, a group title (".SS title") before each group;
 * machines: "virt, spike" for a flag only some machines take, else "". */
void vm_cli_visit_flags(FILE *f, void (*fn)(FILE *f, const struct vm_cli_flag *fl,
                                            const char *machines));
/* man.c: `vm help --man`, the manual page. */
void vm_cli_print_man(FILE *f);

/* `vm user` (cmd_user.c): its own options, then the program and its
 * arguments; returns the exit status. */
int vm_cli_cmd_user(int argc, char **argv);
void vm_cli_print_user_help(FILE *f);

/* "vm: <message>\n" on stderr; returns status (VM_EXIT_USAGE, VM_EXIT_BAD). */
int vm_cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- machines ----------------------------------------------------------------- */

/* A property of -M NAME,KEY=VALUE the machine understands. */
struct vm_cli_machine_prop {
    const char *key;
    const char *arg;  /* shape for help: "FILE", "on|off" */
    const char *help;
    int (*parse)(struct vm_cli *cli, const char *value);
};

struct vm_cli_machine {
    const char *name;
    const char *description;
    unsigned bit; /* VM_CLI_* */
    const struct vm_cli_machine_prop *props;
    unsigned nr_props;
    const char *devices; /* its built-in devices, for -device help */
    /* Build the machine's configuration from cli and run it; the exit status. */
    int (*run)(struct vm_cli *cli);
};

void vm_cli_register_machine(const struct vm_cli_machine *m);
const struct vm_cli_machine *vm_cli_find_machine(const char *name);
/* `-M help`: the machines, one a line. */
void vm_cli_print_machines(FILE *f);
/* ---- devices -device can add ---------------------------------------------- */

struct vm_cli_device {
    const char *name;  /* QEMU's driver name: "virtio-blk-device" */
    const char *bus;   /* for help: "virtio-mmio" */
    const char *help;
    unsigned machines; /* VM_CLI_* bits; 0: all */
    /* The -device's properties (driver= included) into cli. */
    int (*add)(struct vm_cli *cli, struct vm_opts *o);
};

void vm_cli_register_device(const struct vm_cli_device *d);
const struct vm_cli_device *vm_cli_find_device(const char *name);
/* -device help: what -device can add, and each machine's own devices. */
void vm_cli_print_devices(FILE *f);
/* Each machine's built-in devices, one machine a line. */
void vm_cli_print_machine_devices(FILE *f);
/* "virt, spike" for a VM_CLI_* mask. */
const char *vm_cli_machine_names(unsigned bits, char *buf, size_t size);
/* Apply cli->machine_props through the machine's table (and the
 * properties every machine takes). */
int vm_cli_apply_machine_props(struct vm_cli *cli);

/* flags_devices.c: the device option strings for the board's config. */
struct vm_device_args vm_cli_device_args(const struct vm_cli *cli);

/* flags_accel.c: -accel's name (QEMU's tcg, kvm; vm's soft, kvm, auto). */
int vm_cli_set_accel(struct vm_cli *cli, const char *name, const char *flag);
/* What the board passes to vm_accel_create(): the name and its properties
 * ("soft,jit=off"); lives as long as cli. */
const char *vm_cli_accel_spec(struct vm_cli *cli);

/* A library result as an exit status: errors print vm_error_message(). */
int vm_cli_exit_status(int rc);

/* main.c: `vm help run` */
void vm_cli_print_run_help(FILE *f);

/* version.c */
void vm_cli_print_version(FILE *f);

#endif
