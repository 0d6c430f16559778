/* QEMU's human monitor (HMP) commands on a machine (boards/machine.h):
 *   help, info status|registers [-a]|cpus|mtree|mmu|version|name,
 *   x|xp /FMT ADDR, cpu N, stop, cont (c), system_reset,
 *   system_powerdown, quit (q)
 * QEMU's spellings and output shapes, so that scripts written for QEMU's
 * monitor read vm's. Used by the monitor on a character device
 * (monitor.h), by QMP's human-monitor-command and by a debugger's
 * `monitor CMD`. */
#ifndef VM_MONITOR_HMP_H
#define VM_MONITOR_HMP_H

#include <stdbool.h>

struct vm_machine;
struct vm_strbuf;

/* What one monitor remembers between its commands. */
struct vm_hmp_session {
    unsigned cpu;     /* `cpu N`: the CPU info registers and x look at */
    const char *name; /* -name, for info name (NULL: none) */
    /* system_powerdown: tell whoever listens (QMP's POWERDOWN); may be NULL */
    void (*on_powerdown)(struct vm_machine *m);
};

/* Run one command line; everything it prints, errors included, goes to
 * out. Returns 0, or -1 for an unknown command or bad arguments. m may be
 * NULL (before the machine exists): commands that need it say so. */
int vm_hmp_run(struct vm_machine *m, struct vm_hmp_session *s, const char *line,
               struct vm_strbuf *out);

/* info mmu's figures as text (also QMP's x-query-mmu has them as data). */
void vm_hmp_info_mmu(struct vm_machine *m, struct vm_strbuf *out);

#endif
