/* Just enough of the PC keyboard controller for a guest to reset the
 * machine: writing 0xfe (pulse the reset line) to port 0x64 calls
 * on_reset. Status reads say "no data, input buffer empty", so Linux's
 * probe finds no keyboard and its reboot=k path works. */
#ifndef VM_MICROVM_I8042_H
#define VM_MICROVM_I8042_H

#include "vm/pio.h"

struct microvm_i8042 {
    void (*on_reset)(void *opaque);
    void *opaque;
};

/* Claims ports 0x60 (data) and 0x64 (command/status). */
int microvm_i8042_bind(struct vm_pio *pio, struct microvm_i8042 *kbc);

#endif
