/* Run control of a machine (boards/machine.h): what a debugger, QMP and
 * the monitor share. QEMU's run states; stop and cont at an instruction
 * boundary of every vCPU; a single step of one vCPU; breakpoints and
 * watchpoints on guest virtual addresses, kept across resets and applied
 * to every vCPU through the accelerator's set_debug; and listeners told of
 * every change of state.
 *
 * Nothing here costs anything while running: the vCPU threads only look
 * at the machine's `attention` word between runs, and a vCPU without
 * breakpoints, watchpoints or a step has no debug state at all.
 *
 * All calls are thread-safe and may be made from any thread but a vCPU's
 * (they wait for vCPUs). While the machine is stopped, vm_machine_vcpu_call
 * runs code on a vCPU's own thread (registers, memory). */
#ifndef VM_BOARDS_RUNCTL_H
#define VM_BOARDS_RUNCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/accel.h"

struct vm_machine;
enum vm_stop_reason;

enum vm_run_state {
    VM_RUN_RUNNING = 0,
    VM_RUN_PRELAUNCH, /* started paused (-S): built, no instruction run yet */
    VM_RUN_PAUSED,    /* stopped on request (QMP/HMP stop, a debugger's Ctrl-C) */
    VM_RUN_DEBUG,     /* a breakpoint, watchpoint or step stopped it */
    VM_RUN_ENDED,     /* the run is over: power-off, quit, error, bound */
};
/* QEMU's names: "running", "prelaunch", "paused", "debug", "shutdown". */
const char *vm_run_state_name(enum vm_run_state state);

/* A change of state. For DEBUG: the vCPU and its stop; for ENDED: why and
 * the exit status vm_machine_run() returns. */
struct vm_run_event {
    enum vm_run_state state;
    int vcpu; /* -1 when no vCPU in particular */
    struct vm_debug_stop debug;
    int end_reason; /* enum vm_stop_reason, for ENDED */
    int status;
};

/* Listeners run on the thread that changed the state (a vCPU thread for a
 * breakpoint), with no lock held: keep them short and never call back into
 * the run control from them. At most VM_RUNCTL_MAX_LISTENERS. */
#define VM_RUNCTL_MAX_LISTENERS 8
typedef void (*vm_run_listener_fn)(void *opaque, const struct vm_run_event *ev);
int vm_runctl_listen(struct vm_machine *m, vm_run_listener_fn fn, void *opaque);
void vm_runctl_unlisten(struct vm_machine *m, vm_run_listener_fn fn, void *opaque);

enum vm_run_state vm_runctl_state(struct vm_machine *m);

/* Stop every vCPU at an instruction boundary and wait until all are
 * parked (VM_RUN_PAUSED; nothing happens when already stopped or ended). */
void vm_runctl_stop(struct vm_machine *m);
/* Run every vCPU (QMP cont, gdb continue). A debug stop that another vCPU
 * hit while the machine was stopping is reported first instead (as a new
 * DEBUG event, without running anything). */
void vm_runctl_cont(struct vm_machine *m);
/* Run vCPU i alone (gdb's `vCont;c:N` under scheduler-locking): the
 * others stay parked until the next stop. */
int vm_runctl_cont_one(struct vm_machine *m, unsigned i);
/* Execute one instruction on vCPU i (interrupts held off), then stop the
 * machine with a DEBUG event (reason STEP, or the breakpoint/watchpoint
 * met). others_run: the other vCPUs run meanwhile (gdb's `vCont;s:N;c`),
 * else they stay parked. Returns at once; -VM_EINVAL for a bad i. */
int vm_runctl_step(struct vm_machine *m, unsigned i, bool others_run);
/* Wait until every vCPU is parked (or the run ended); the state then. */
enum vm_run_state vm_runctl_wait_stopped(struct vm_machine *m);

/* Breakpoints (GDB Z0/Z1) and watchpoints (Z2-Z4) of the whole machine,
 * at guest virtual addresses. Inserting what is there already counts it
 * twice; removing what is not there is -VM_ENOENT. Errors of the backend
 * (-VM_ENOTSUP, too many) come back from insert. */
int vm_runctl_insert_breakpoint(struct vm_machine *m, uint64_t addr);
int vm_runctl_remove_breakpoint(struct vm_machine *m, uint64_t addr);
int vm_runctl_insert_watchpoint(struct vm_machine *m, uint64_t addr, uint64_t len,
                                enum vm_watch_kind kind);
int vm_runctl_remove_watchpoint(struct vm_machine *m, uint64_t addr, uint64_t len,
                                enum vm_watch_kind kind);
/* Drop every breakpoint and watchpoint (a debugger detaches). */
void vm_runctl_clear_debug(struct vm_machine *m);

#endif
