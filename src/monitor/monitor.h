/* A monitor on a character device: QEMU's human monitor (HMP: a prompt,
 * line editing with history, hmp.h's commands) or QMP (qmp.h), for one
 * machine. Input is read on the back end's thread; commands run on the
 * monitor's own thread (they may wait for vCPUs), in order; the machine's
 * run-control events become QMP events.
 *
 * The monitor may exist before its machine (the character devices are
 * made first): vm_monitor_set_machine attaches it when the machine exists
 * and detaches it (NULL) before the machine goes, after every event has
 * been sent. */
#ifndef VM_MONITOR_MONITOR_H
#define VM_MONITOR_MONITOR_H

#include <stdbool.h>

struct vm_chardev;
struct vm_machine;
struct vm_monitor;

struct vm_monitor_config {
    struct vm_chardev *chr; /* the monitor attaches to it as its front end */
    bool qmp;               /* QMP; else HMP */
    bool pretty;            /* QMP: pretty-printed JSON */
    bool muxed;             /* HMP behind a Ctrl-A multiplexer: greet on first focus */
    const char *name;       /* -name, for info name / query-name */
};

struct vm_monitor *vm_monitor_create(const struct vm_monitor_config *cfg);
void vm_monitor_set_machine(struct vm_monitor *mon, struct vm_machine *m);
/* The machine is being reset (QMP's RESET event). */
void vm_monitor_reset_event(struct vm_monitor *mon, bool by_host);
/* The guest powered off and the machine waits (-no-shutdown): SHUTDOWN, STOP. */
void vm_monitor_halt_event(struct vm_monitor *mon);
void vm_monitor_destroy(struct vm_monitor *mon);

#endif
