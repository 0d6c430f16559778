/* The host side of `vm run` (host.h): character devices, monitors and
 * the front end the machine attaches, with QEMU's rules for who gets
 * stdio. */
#include "host.h"

#include "daemon.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "boards/machine.h"
#include "core/event_loop.h"
#include "devices/chardev_fd.h"
#include "devices/chardev_mux.h"
#include "devices/chardev_open.h"
#include "monitor/monitor.h"
#include "vm/error.h"
#include "vm/sandbox.h"

#define MAX_ENTRIES (VM_CLI_MAX_CHARDEVS + VM_CLI_MAX_SERIALS + VM_CLI_MAX_MONITORS)

/* One back end and who uses it. */
struct entry {
    const char *id;        /* -chardev's id; NULL for a device string */
    struct vm_opts *opts;  /* -chardev's options, opened on first use */
    struct vm_chardev *backend;
    struct vm_chardev_mux *mux; /* mux=on, or a mon: device */
    unsigned users;
    bool stdio;
};

struct vm_cli_host {
    struct vm_event_loop *loop;
    struct entry entries[MAX_ENTRIES];
    unsigned nr_entries;
    struct vm_chardev *serial[VM_CLI_MAX_SERIALS];
    unsigned nr_serial;
    struct vm_monitor *monitors[VM_CLI_MAX_MONITORS];
    unsigned nr_monitors;
    const char *name;
    bool daemonize;
    bool sandbox;                  /* -sandbox on */
    const char *runas, *chroot_dir; /* -runas, -chroot */
    struct vm_machine_frontend fe;
    pthread_mutex_t lock; /* machine, quit_pending (Ctrl-A x may come early) */
    struct vm_machine *machine;
    bool quit_pending;
};

/* ---- the machine's front end ------------------------------------------------------- */

static void on_quit(void *opaque)
{
    struct vm_cli_host *h = opaque;
    pthread_mutex_lock(&h->lock);
    struct vm_machine *m = h->machine;
    h->quit_pending = !m;
    pthread_mutex_unlock(&h->lock);
    if (m)
        vm_machine_stop(m, VM_STOP_QUIT, 0, "Ctrl-A x");
}

static void attach(void *opaque, struct vm_machine *m)
{
    struct vm_cli_host *h = opaque;
    for (unsigned i = 0; i < h->nr_monitors; i++)
        vm_monitor_set_machine(h->monitors[i], m);
    pthread_mutex_lock(&h->lock);
    h->machine = m;
    bool quit = h->quit_pending;
    pthread_mutex_unlock(&h->lock);
    if (quit)
        vm_machine_stop(m, VM_STOP_QUIT, 0, "Ctrl-A x");
}

static void on_reset(void *opaque, bool by_host)
{
    struct vm_cli_host *h = opaque;
    for (unsigned i = 0; i < h->nr_monitors; i++)
        vm_monitor_reset_event(h->monitors[i], by_host);
}

/* Confinement once the machine runs (its images, disks, sockets, /dev/kvm
 * are open): -chroot, -runas, then -sandbox on. A failure ends vm: it must
 * not run less confined than asked. VM_SANDBOX_SELFTEST=forbidden-call
 * then makes a call the filter forbids (the sandbox test's hook). */
static void confine(struct vm_cli_host *h)
{
    if ((h->chroot_dir || h->runas) && vm_drop_privileges(h->chroot_dir, h->runas) < 0) {
        vm_cli_error(VM_EXIT_BAD, "%s", vm_error_message());
        exit(VM_EXIT_BAD);
    }
    if (h->sandbox && vm_sandbox_enter() < 0) {
        vm_cli_error(VM_EXIT_BAD, "%s", vm_error_message());
        exit(VM_EXIT_BAD);
    }
    const char *t = getenv("VM_SANDBOX_SELFTEST");
    if (h->sandbox && t && !strcmp(t, "forbidden-call"))
        syscall(SYS_acct, NULL); /* process accounting: never on the list */
}

static void on_started(void *opaque)
{
    struct vm_cli_host *h = opaque;
    vm_cli_daemon_ready();
    confine(h);
}

static void on_halt(void *opaque)
{
    struct vm_cli_host *h = opaque;
    for (unsigned i = 0; i < h->nr_monitors; i++)
        vm_monitor_halt_event(h->monitors[i]);
}

static void detach(void *opaque, struct vm_machine *m)
{
    struct vm_cli_host *h = opaque;
    pthread_mutex_lock(&h->lock);
    h->machine = NULL;
    pthread_mutex_unlock(&h->lock);
    for (unsigned i = 0; i < h->nr_monitors; i++)
        vm_monitor_set_machine(h->monitors[i], NULL);
}

/* ---- back ends ----------------------------------------------------------------------- */

static struct entry *new_entry(struct vm_cli_host *h)
{
    return &h->entries[h->nr_entries++]; /* MAX_ENTRIES covers every flag */
}

static bool stdio_taken(struct vm_cli_host *h)
{
    for (unsigned i = 0; i < h->nr_entries; i++)
        if (h->entries[i].stdio && h->entries[i].backend)
            return true;
    return false;
}

/* Open e's back end (once). A mux in front when asked (mon:, mux=on). */
static int open_entry(struct vm_cli_host *h, struct entry *e, const char *dev, const char *label,
                      bool want_mux)
{
    if (e->backend)
        return 0;
    struct vm_chardev_env env = {h->loop, label};
    const char *backend = e->opts ? vm_opts_get(e->opts, "backend") : dev;
    e->stdio = backend && !strcmp(backend, "stdio");
    if (e->stdio && h->daemonize)
        return vm_cli_error(VM_EXIT_BAD, "%s: cannot use stdio with -daemonize (give the serial "
                            "port and monitors other devices, or -display none)", label);
    if (e->stdio && stdio_taken(h))
        return vm_cli_error(VM_EXIT_BAD, "cannot use stdio by multiple character devices");
    int rc;
    if (e->stdio && want_mux && !e->opts) {
        /* QEMU's mon:stdio: Ctrl-C goes to the guest, Ctrl-A x quits */
        rc = (e->backend = vm_chardev_stdio_create(false)) ? 0 : -VM_EIO;
    } else if (e->opts) {
        rc = vm_chardev_open_opts(e->opts, &env, &e->backend);
    } else {
        rc = vm_chardev_open(dev, &env, &e->backend);
    }
    if (rc < 0)
        return vm_cli_error(VM_EXIT_BAD, "%s", vm_error_message());
    if (want_mux) {
        struct vm_chardev_mux_config mc = {.on_quit = on_quit, .opaque = h};
        if (!(e->mux = vm_chardev_mux_create(e->backend, &mc)))
            return vm_cli_error(VM_EXIT_BAD, "%s", vm_error_message());
    }
    return 0;
}

/* A front end's character device on e: a mux port, or e itself (once). */
static int use_entry(struct entry *e, const char *who, struct vm_chardev **out)
{
    if (e->mux) {
        if (!(*out = vm_chardev_mux_add_port(e->mux)))
            return vm_cli_error(VM_EXIT_BAD, "%s: %s", who, vm_error_message());
    } else if (e->users) {
        return vm_cli_error(VM_EXIT_BAD, "%s: chardev '%s' is already in use (give it mux=on "
                            "to share it)", who, e->id ? e->id : "?");
    } else {
        *out = e->backend;
    }
    e->users++;
    return 0;
}

static int chardev_by_id(struct vm_cli_host *h, const char *id, const char *label,
                         struct entry **out)
{
    for (unsigned i = 0; i < h->nr_entries; i++) {
        struct entry *e = &h->entries[i];
        if (e->id && !strcmp(e->id, id)) {
            bool mux = false;
            if (vm_opts_bool(e->opts, "mux", label, &mux) < 0)
                return vm_cli_error(VM_EXIT_BAD, "%s", vm_error_message());
            vm_opts_get(e->opts, "id");
            *out = e;
            return open_entry(h, e, NULL, id, mux);
        }
    }
    return vm_cli_error(VM_EXIT_BAD, "%s: no -chardev with id '%s'", label, id);
}

/* A device string for one front end: mon:DEV, chardev:ID, none, or a back end. */
static int open_dev(struct vm_cli_host *h, const char *dev, const char *label,
                    struct vm_chardev **chr, struct entry **muxed)
{
    struct entry *e;
    int rc;
    *muxed = NULL;
    if (!strncmp(dev, "chardev:", 8)) {
        if ((rc = chardev_by_id(h, dev + 8, label, &e)))
            return rc;
        return use_entry(e, label, chr);
    }
    e = new_entry(h);
    if (!strcmp(dev, "none")) {
        e->backend = vm_chardev_null_create();
        return use_entry(e, label, chr);
    }
    bool mon = !strncmp(dev, "mon:", 4);
    if ((rc = open_entry(h, e, mon ? dev + 4 : dev, label, mon)))
        return rc;
    if (mon)
        *muxed = e;
    return use_entry(e, label, chr);
}

static int add_monitor(struct vm_cli_host *h, struct vm_chardev *chr, bool qmp, bool pretty,
                       bool muxed)
{
    struct vm_monitor_config mc = {.chr = chr, .qmp = qmp, .pretty = pretty, .muxed = muxed,
                                   .name = h->name};
    struct vm_monitor *mon = vm_monitor_create(&mc);
    if (!mon)
        return vm_cli_error(VM_EXIT_BAD, "%s", vm_error_message());
    h->monitors[h->nr_monitors++] = mon;
    return 0;
}

/* ---- QEMU's defaults and the whole set-up --------------------------------------------------- */

static int open_all(struct vm_cli *cli, const char *machine, unsigned nr_ports,
                    struct vm_cli_host *h)
{
    for (unsigned i = 0; i < cli->nr_chardevs; i++) {
        struct entry *e = new_entry(h);
        e->opts = cli->chardevs[i];
        e->id = vm_opts_get(e->opts, "id");
    }
    /* vm has no display: without -display none it behaves as QEMU's
     * -nographic (serial and monitor share stdio behind Ctrl-A); with
     * -display none alone, QEMU's default serial and monitor go to a
     * console nobody sees. */
    const char *serials[VM_CLI_MAX_SERIALS];
    unsigned nr = cli->nr_serials;
    memcpy(serials, cli->serials, sizeof(serials));
    bool default_serial = nr == 0, default_monitor = !cli->monitor_given;
    bool monitor_on_stdio = false;
    if (cli->display_none && !cli->nographic) {
        if (default_serial)
            serials[nr++] = "null";
    } else if (default_serial && default_monitor) {
        serials[nr++] = "mon:stdio";
    } else {
        if (default_serial)
            serials[nr++] = "stdio";
        /* QEMU's -nographic puts the monitor on stdio; without it, QEMU
         * puts it on a graphical console, which vm does not have. */
        monitor_on_stdio = default_monitor && (cli->nographic || default_serial);
    }
    unsigned used = 0;
    for (unsigned i = 0; i < nr; i++)
        used += strcmp(serials[i], "none") != 0;
    if (used > nr_ports)
        return vm_cli_error(VM_EXIT_USAGE, "run: the %s machine has %u serial port%s; -serial "
                            "given %u times", machine, nr_ports, nr_ports == 1 ? "" : "s", used);
    for (unsigned i = 0; i < nr; i++) {
        char label[32];
        snprintf(label, sizeof(label), "serial%u", i);
        struct entry *muxed;
        int rc = open_dev(h, serials[i], label, &h->serial[i], &muxed);
        if (rc)
            return rc;
        h->nr_serial = i + 1;
        if (muxed) { /* mon:DEV: the monitor behind the same Ctrl-A */
            struct vm_chardev *port;
            if ((rc = use_entry(muxed, label, &port)) || (rc = add_monitor(h, port, false, false,
                                                                            true)))
                return rc;
        }
    }
    if (monitor_on_stdio) {
        struct vm_chardev *chr;
        struct entry *muxed;
        int rc = open_dev(h, "stdio", "monitor0", &chr, &muxed);
        if (rc || (rc = add_monitor(h, chr, false, false, false)))
            return rc;
    }
    for (unsigned i = 0; i < cli->nr_monitors; i++) {
        const struct vm_cli_monitor *mc = &cli->monitors[i];
        char label[32];
        snprintf(label, sizeof(label), "%s%u", mc->qmp ? "qmp" : "monitor", i);
        struct vm_chardev *chr;
        struct entry *e, *muxed = NULL;
        int rc;
        if (mc->chardev) {
            if ((rc = chardev_by_id(h, mc->chardev, label, &e)) || (rc = use_entry(e, label, &chr)))
                return rc;
            muxed = e->mux ? e : NULL;
        } else if ((rc = open_dev(h, mc->dev, label, &chr, &muxed))) {
            return rc;
        }
        if ((rc = add_monitor(h, chr, mc->qmp, mc->pretty, muxed != NULL)))
            return rc;
    }
    for (unsigned i = 0; i < h->nr_entries; i++)
        if (h->entries[i].id && !h->entries[i].backend) /* -chardev nobody uses: QEMU opens it */
            if (open_entry(h, &h->entries[i], NULL, h->entries[i].id, false))
                return VM_EXIT_BAD;
    return 0;
}

int vm_cli_host_open(struct vm_cli *cli, const char *machine, unsigned nr_serial_ports,
                     struct vm_cli_host **out)
{
    struct vm_cli_host *h = calloc(1, sizeof(*h));
    if (!h)
        return vm_cli_error(VM_EXIT_BAD, "out of host memory");
    pthread_mutex_init(&h->lock, NULL);
    h->name = cli->name;
    h->daemonize = cli->daemonize;
    h->sandbox = cli->sandbox;
    h->runas = cli->runas;
    h->chroot_dir = cli->chroot_dir;
    h->fe = (struct vm_machine_frontend){.attach = attach, .detach = detach, .on_reset = on_reset, .on_halt = on_halt, .on_started = on_started,
                                         .opaque = h, .no_reboot = cli->no_reboot,
                                         .no_shutdown = cli->no_shutdown};
    *out = h;
    int rc = vm_cli_daemon_begin(cli); /* before any thread */
    if (rc)
        return rc;
    if (!(h->loop = vm_event_loop_create("vm-events")))
        return vm_cli_error(VM_EXIT_BAD, "%s", vm_error_message());
    h->fe.loop = h->loop;
    if ((rc = open_all(cli, machine, nr_serial_ports, h)))
        return rc;
    for (unsigned i = h->nr_serial; i < nr_serial_ports && i < VM_CLI_MAX_SERIALS; i++) {
        struct entry *e = new_entry(h); /* ports without -serial: QEMU leaves them unconnected */
        if (!(e->backend = vm_chardev_null_create()))
            return vm_cli_error(VM_EXIT_BAD, "out of host memory");
        h->serial[h->nr_serial++] = e->backend;
    }
    return 0;
}

struct vm_chardev *vm_cli_host_serial(struct vm_cli_host *h, unsigned i)
{
    return i < h->nr_serial ? h->serial[i] : NULL;
}

const struct vm_machine_frontend *vm_cli_host_frontend(struct vm_cli_host *h)
{
    return &h->fe;
}

void vm_cli_host_close(struct vm_cli_host *h)
{
    if (!h)
        return;
    /* Front ends first (the UARTs went with the machine), then muxes, back
     * ends, and the loop the sockets ran on. */
    for (unsigned i = 0; i < h->nr_monitors; i++)
        vm_monitor_destroy(h->monitors[i]);
    for (unsigned i = 0; i < h->nr_entries; i++)
        vm_chardev_mux_destroy(h->entries[i].mux);
    for (unsigned i = 0; i < h->nr_entries; i++)
        vm_chardev_destroy(h->entries[i].backend);
    if (h->loop)
        vm_event_loop_destroy(h->loop);
    vm_cli_daemon_end();
    pthread_mutex_destroy(&h->lock);
    free(h);
}
