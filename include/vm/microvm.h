/* The x86-64 microVM machine (`-M microvm`, QEMU's name): KVM only, a
 * Linux bzImage (or an x86-64 ELF kernel) booted directly in 64-bit mode,
 * an MP table for -smp, COM1 (16550 on port 0x3f8, IRQ 4) and reset
 * through the i8042 (port 0x64). Guest addresses: microvm_layout.h. */
#ifndef VM_MICROVM_H
#define VM_MICROVM_H

#include <stdbool.h>
#include <stdint.h>

#define VM_MICROVM_TIMEOUT_STATUS 124 /* as timeout(1) */

struct vm_chardev;
struct vm_machine_frontend;

struct vm_microvm_config {
    const char *kernel;   /* bzImage, or an x86-64 ELF entered at e_entry in long mode */
    const char *initrd;   /* NULL: none */
    const char *append;   /* kernel command line; NULL: empty */
    uint64_t ram_size;    /* bytes; 0: 256 MiB */
    unsigned smp;         /* vCPUs; 0: 1 */
    const char *accel;    /* "auto", "kvm"; NULL: auto */
    bool verbose;
    double timeout;       /* seconds; 0: unbounded */
    unsigned nr_drives, nr_netdevs; /* -drive / -netdev given: refused until virtio lands */
    struct vm_chardev *console; /* COM1's back end; NULL: the terminal (stdin/stdout) */
    const struct vm_machine_frontend *frontend; /* the host side (boards/machine.h); NULL: none */
    const char *gdb;      /* GDB stub device (tcp:[HOST]:PORT, unix:PATH); NULL: none */
    bool start_paused;    /* -S: wait for a debugger's (or monitor's) continue */
};

/* Build the machine and run it until the guest resets or powers off (0),
 * a time bound stops it (VM_MICROVM_TIMEOUT_STATUS), or a negative
 * -VM_E... code with the message in vm_error_message() for bad input or a
 * failure (a vCPU error included). */
int vm_board_microvm_run(const struct vm_microvm_config *cfg);

#endif
