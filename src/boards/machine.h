/* Running a machine, the same way on every board: one host thread per
 * vCPU, one stop state (power-off, reset, quit, time bound, errors), pause
 * and resume at an instruction boundary, the reset policy (boot again, with
 * a guard against reset loops, or end the run), the machine's event loop
 * and its console, and the exit status.
 *
 * A board supplies build/teardown (one boot of the machine) and, if it
 * has exits the helper does not know (port I/O, HTIF watches, debug), an
 * exit handler:
 *
 *   struct vm_machine *m = vm_machine_create(&my_ops, board, &cfg);
 *   int rc = vm_machine_run(m);     // builds, runs, resets, returns status
 *   vm_machine_destroy(m);
 *
 * build() creates memory, devices and vCPUs and registers each vCPU with
 * vm_machine_add_vcpu() (in id order); teardown() runs after every vCPU
 * thread has been joined: it stops devices that have threads first, then
 * takes the vCPUs back with vm_machine_remove_vcpu() and destroys them.
 * A reset tears the machine down and builds it again; the event loop, the
 * console and anything the board created before vm_machine_run() (disk
 * and network back ends) outlive it.
 *
 * Threads: vm_machine_stop/pause/resume/vm_machine_vcpu may be called from
 * any thread (devices, the event loop, the console, a monitor). pause and
 * resume must not be called from a vCPU thread. */
#ifndef VM_BOARDS_MACHINE_H
#define VM_BOARDS_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event_loop.h"
#include "vm/accel.h"

/* Exit statuses of vm_machine_run() besides the guest's own. */
#define VM_MACHINE_TIMEOUT_STATUS 124    /* the time or instruction bound (as timeout(1)) */
#define VM_MACHINE_TRAP_STORM_STATUS 125 /* a vCPU trapped again and again without progress */
#define VM_MACHINE_RESET_LOOP_STATUS 126 /* the guest kept resetting the machine */

#define VM_MACHINE_MAX_VCPUS 64

enum vm_stop_reason {
    VM_RUNNING = 0,
    VM_STOP_RESET,      /* the guest asked for a reset */
    VM_STOP_POWEROFF,   /* status = the guest's */
    VM_STOP_QUIT,       /* Ctrl-A x, a monitor's quit */
    VM_STOP_TIMEOUT,    /* the time bound */
    VM_STOP_INSN_LIMIT, /* a vCPU's instruction bound */
    VM_STOP_TRAP_STORM, /* a vCPU's error exit blamed the guest */
    VM_STOP_ERROR,      /* a host failure; message given */
};

/* What happens when the guest resets the machine. */
enum vm_reset_action {
    VM_RESET_REBOOT = 0, /* tear down, build and boot again (QEMU's default) */
    VM_RESET_EXIT,       /* end the run with status 0 (QEMU's -no-reboot) */
};

struct vm_machine;
struct vm_chardev;

struct vm_machine_ops {
    const char *name; /* "virt", for messages */
    int (*build)(void *board, struct vm_machine *m);
    void (*teardown)(void *board, struct vm_machine *m);
    /* Optional: an exit the helper does not handle (anything but INTR,
     * ERROR and SHUTDOWN). Runs on the vCPU's thread. Return 0 to run on;
     * a negative code stops the machine with the error message. Without
     * it, such exits stop the machine with an error. */
    int (*handle_exit)(void *board, struct vm_machine *m, unsigned vcpu, struct vm_exit *ex);
};

/* The host side of a run (tools/vm, an embedder): the event loop its
 * character devices already use, and who wants the machine (a monitor,
 * QMP) from its creation to its end. */
struct vm_machine_frontend {
    struct vm_event_loop *loop; /* the machine's event loop; NULL: it makes its own */
    /* After the machine is created (before the first build), and before it
     * is destroyed (after the run); on the creating thread. */
    void (*attach)(void *opaque, struct vm_machine *m);
    void (*detach)(void *opaque, struct vm_machine *m);
    /* A reset is about to build the machine again (QMP's RESET event);
     * by_host: vm_machine_reset, else the guest's. On the run's thread. */
    void (*on_reset)(void *opaque, bool by_host);
    /* With no_shutdown: the guest powered off and the machine now waits
     * (QMP's SHUTDOWN event; query-status says "shutdown"). */
    void (*on_halt)(void *opaque);
    /* The first boot is built and its vCPUs start (-daemonize's "ready"). */
    void (*on_started)(void *opaque);
    void *opaque;
    bool no_reboot;   /* QEMU's -no-reboot: a guest reset ends the run (VM_RESET_EXIT) */
    bool no_shutdown; /* QEMU's -no-shutdown: a guest power-off stops the machine, and
                       * only a reset (vm_machine_reset) or a quit ends the wait */
};

struct vm_machine_config {
    double timeout;         /* seconds over all boots; 0: unbounded */
    uint64_t max_insns;     /* per vCPU (for messages; the board sets it on its vCPUs) */
    bool verbose;
    enum vm_reset_action on_reset;
    /* The console: a given back end, or (NULL) the terminal behind a
     * Ctrl-A multiplexer (chardev_mux.h) whose Ctrl-A x stops the machine
     * (VM_STOP_QUIT). */
    struct vm_chardev *console;
    bool no_console; /* no terminal at all (e.g. -dumpdtb) */
    /* QEMU's -S: vCPUs are built and parked before their first
     * instruction until the run control's cont (boards/runctl.h). */
    bool start_paused;
    const struct vm_machine_frontend *frontend; /* NULL: none */
    /* QEMU's -gdb: serve a GDB remote stub on this device (tcp:[HOST]:PORT,
     * unix:PATH; src/gdb/gdb.h) for the machine's whole life; NULL: none. */
    const char *gdb;
};

struct vm_machine *vm_machine_create(const struct vm_machine_ops *ops, void *board,
                                     const struct vm_machine_config *cfg);
void vm_machine_destroy(struct vm_machine *m);

/* Build and run until a final stop, booting again after guest resets.
 * Returns the guest's power-off status, 0 after a quit (or a reset with
 * VM_RESET_EXIT), one of the VM_MACHINE_*_STATUS codes (with a message on
 * stderr), or a negative -VM_E... code with the message in
 * vm_error_message(). */
int vm_machine_run(struct vm_machine *m);

/* Ask the machine to stop (thread-safe). The first reason wins, except
 * that anything overrides a pending reset. msg: for VM_STOP_ERROR and
 * VM_STOP_TRAP_STORM (copied), and who asked for VM_STOP_QUIT ("Ctrl-A
 * x": "vm: terminated by Ctrl-A x"); status: for VM_STOP_POWEROFF. */
void vm_machine_stop(struct vm_machine *m, enum vm_stop_reason why, int status,
                     const char *msg);
/* QEMU's system_reset from the host (a monitor, QMP): the guest is reset
 * as if it had asked, and the reset is reported as the host's. */
void vm_machine_reset(struct vm_machine *m);
/* The guest powered off under no_shutdown and the machine waits. */
bool vm_machine_halted(struct vm_machine *m);
/* The stop reason so far (VM_RUNNING while running). */
enum vm_stop_reason vm_machine_stop_reason(struct vm_machine *m);

/* Pause every vCPU at an instruction boundary and wait until all are
 * parked (returns at once when the machine is stopping or between boots;
 * vCPUs of a boot being built park as their threads start);
 * resume lets them go again. Pauses nest: each pause needs a resume.
 * Devices, timers and the event loop keep running while paused. */
void vm_machine_pause(struct vm_machine *m);
void vm_machine_resume(struct vm_machine *m);
bool vm_machine_paused(struct vm_machine *m);

/* Run fn(vcpu, arg) on vCPU i's own thread while the machine is paused
 * (for single steps and register access through a debugger); returns fn's
 * result, or -VM_EINVAL when i has no parked thread. */
int vm_machine_vcpu_call(struct vm_machine *m, unsigned i,
                         int (*fn)(struct vm_vcpu *vcpu, void *arg), void *arg);

/* For build/teardown: publish vCPU i (i = the count so far) so that stops
 * kick it and it gets a thread; take it back (unpublished; the caller
 * destroys it). */
int vm_machine_add_vcpu(struct vm_machine *m, struct vm_vcpu *vcpu);
struct vm_vcpu *vm_machine_remove_vcpu(struct vm_machine *m, unsigned i);
/* vCPU i, or NULL when there is none (now): for interrupt forwarders on
 * any thread. Lock-free. */
struct vm_vcpu *vm_machine_vcpu(struct vm_machine *m, unsigned i);
unsigned vm_machine_vcpu_count(struct vm_machine *m);

/* Wait (at most `seconds`) until the first boot has its vCPUs, or the run
 * is over: a monitor attached at creation answers as if the machine had
 * always been there. */
void vm_machine_wait_built(struct vm_machine *m, double seconds);

/* The host thread id of vCPU i's thread (as QEMU's query-cpus-fast
 * reports it), or 0 when it has none now. */
int vm_machine_vcpu_thread_id(struct vm_machine *m, unsigned i);

/* The guest's memory, for monitors (info mtree, xp): the board publishes
 * it from build() (vm_machine_set_mem); vm_machine_hold_mem returns it (or
 * NULL between boots) and keeps the machine from being torn down or built
 * until vm_machine_release_mem. Do not pause or stop while holding it. */
void vm_machine_set_mem(struct vm_machine *m, struct vm_mem *mem);
struct vm_mem *vm_machine_hold_mem(struct vm_machine *m);
void vm_machine_release_mem(struct vm_machine *m);

/* The machine's event loop (created with the machine, running until it is
 * destroyed, across resets) and console back end. */
struct vm_event_loop *vm_machine_loop(struct vm_machine *m);
struct vm_chardev *vm_machine_console(struct vm_machine *m);
const struct vm_machine_config *vm_machine_config_of(struct vm_machine *m);

#endif
