/* The GDB remote stub of a machine (docs/GDB.md): one thread that listens
 * on a socket, serves one debugger at a time and drives the machine through
 * its run control (boards/runctl.h); registers and memory are reached on
 * each vCPU's own thread (vm_machine_vcpu_call). Harts/vCPUs are GDB
 * threads 1..N; `monitor CMD` runs the human monitor's commands. */
#ifndef VM_GDB_GDB_H
#define VM_GDB_GDB_H

#include <stddef.h>

struct vm_machine;
struct vm_gdb;

/* Listen on dev (QEMU's -gdb: tcp:[HOST]:PORT, unix:PATH) for machine m.
 * NULL with a message (bad device, port in use). The stub runs until
 * vm_gdb_stop; when the run ends, a connected debugger is told (W/X). */
struct vm_gdb *vm_gdb_start(struct vm_machine *m, const char *dev);
void vm_gdb_stop(struct vm_gdb *g);
/* What the stub listens on ("tcp:127.0.0.1:1234"). */
const char *vm_gdb_address(const struct vm_gdb *g);

#endif
