/* The host side of `vm run`: the event loop, the character devices of
 * -serial/-chardev/-monitor/-mon/-qmp (with QEMU's defaults: the serial
 * port and the monitor share this terminal behind Ctrl-A), the monitors,
 * and the machine's front end that attaches them. */
#ifndef VM_TOOLS_HOST_H
#define VM_TOOLS_HOST_H

#include "cli.h"

struct vm_chardev;
struct vm_machine_frontend;
struct vm_cli_host;

/* Open everything cli asks for; 0, or an exit status after a one-line
 * message. nr_serial_ports: the machine's UARTs (extra -serial refused). */
int vm_cli_host_open(struct vm_cli *cli, const char *machine, unsigned nr_serial_ports,
                     struct vm_cli_host **out);
/* Serial port i's back end (a null one when it has none). */
struct vm_chardev *vm_cli_host_serial(struct vm_cli_host *h, unsigned i);
const struct vm_machine_frontend *vm_cli_host_frontend(struct vm_cli_host *h);
void vm_cli_host_close(struct vm_cli_host *h);

#endif
