/* The board-run helper's state (machine.c), shared with its run control
 * (runctl.c). Private to src/boards. */
#ifndef VM_BOARDS_MACHINE_INTERNAL_H
#define VM_BOARDS_MACHINE_INTERNAL_H

#include <pthread.h>

#include "boards/machine.h"
#include "boards/runctl.h"

struct vm_chardev_mux;

struct vcpu_slot {
    struct vm_machine *m;
    unsigned index;
    struct vm_vcpu *vcpu; /* atomic: read by interrupt forwarders without the lock */
    pthread_t thread;
    bool started, running, parked; /* under the lock */
    int tid;                       /* the thread's id while it runs (atomic) */
    /* run control (runctl.c), under the lock */
    bool released;           /* runs although the machine is paused (a lone step) */
    unsigned dbg_gen;        /* the machine's debug state it has applied */
    bool armed;              /* its backend has a debug state (maybe empty now) */
    bool has_stop;           /* a debug stop not reported yet */
    struct vm_debug_stop stop;
};

/* Run control (runctl.c); under the machine's lock. */
struct runctl {
    enum vm_run_state state;
    bool user_pause; /* holds one pause_depth for stop/cont */
    bool waiting_debug; /* running since cont/step: the first debug stop is reported */
    unsigned gen;    /* bumped by every change of the debug state */
    int step_vcpu;   /* -1: none */
    struct vm_vcpu_debug dbg; /* breakpoints and watchpoints (single_step: per vCPU) */
    unsigned bp_refs[VM_DEBUG_MAX_BREAKPOINTS], wp_refs[VM_DEBUG_MAX_WATCHPOINTS];
    /* listeners: their own lock, held while they are called */
    pthread_mutex_t listen_lock;
    struct { vm_run_listener_fn fn; void *opaque; } listeners[VM_RUNCTL_MAX_LISTENERS];
    unsigned nlisteners;
};

/* A function to run on a parked vCPU's thread (vm_machine_vcpu_call). */
struct vcpu_call {
    unsigned target;
    int (*fn)(struct vm_vcpu *vcpu, void *arg);
    void *arg;
    int result;
    bool pending, done;
};

struct vm_machine {
    const struct vm_machine_ops *ops;
    void *board;
    struct vm_machine_config cfg;
    struct vm_event_loop *loop;
    bool own_loop;
    struct vm_chardev *console, *terminal; /* terminal: the default console's back end */
    struct vm_chardev_mux *mux;
    bool own_console;

    /* Held for writing around build() and teardown(), for reading while a
     * monitor looks at mem (vm_machine_hold_mem). */
    pthread_rwlock_t build_lock;
    struct vm_mem *mem;
    bool reset_by_host; /* the pending reset is vm_machine_reset's */
    bool halted;        /* -no-shutdown: powered off, waiting (under lock) */
    bool started_once;  /* on_started was called */

    pthread_mutex_t lock; /* guards everything below and the slots' flags */
    pthread_cond_t cond;  /* CLOCK_MONOTONIC (the time bound's clock) */
    enum vm_stop_reason stop;
    int status;
    char error[256];
    unsigned nr_vcpus;
    struct vcpu_slot vcpus[VM_MACHINE_MAX_VCPUS];
    unsigned running, parked; /* vCPU threads alive / waiting in park() */
    unsigned pause_depth;
    bool building; /* between the start of build() and the vCPU threads' start */
    struct vcpu_call *call;
    struct runctl rc;
    struct vm_gdb *gdb; /* the GDB stub, when asked for */
    /* Nonzero when a vCPU thread must look at the state above before it
     * runs again (a stop, a pause, a debug state to apply); read without
     * the lock. */
    int attention;
};


/* Lock held. */
void machine_update_attention(struct vm_machine *m);
void machine_kick_all(struct vm_machine *m);

/* runctl.c, called by machine.c */
void runctl_init(struct vm_machine *m, const struct vm_machine_config *cfg);
void runctl_fini(struct vm_machine *m);
/* Lock held: whether some vCPU has a debug state to apply. */
bool runctl_dirty(const struct vm_machine *m);
/* In park(), lock held (dropped and taken again inside): bring vCPU s's
 * debug state up to date. True if it did something (look again). */
bool runctl_apply(struct vcpu_slot *s);
/* A VM_EXIT_DEBUG from vCPU s (on its thread, lock not held). */
void runctl_debug_exit(struct vcpu_slot *s, const struct vm_debug_stop *stop);
/* The run is over (lock not held). */
void runctl_ended(struct vm_machine *m, enum vm_stop_reason why, int status);

#endif
