/* The riscv-virt machine (`-M virt`, QEMU's name and memory map): RISC-V
 * harts on the soft accelerator, a boot ROM, CLINT, PLIC, NS16550A UART,
 * goldfish RTC, the sifive,test syscon and 8 virtio-mmio slots, described
 * to the guest by a generated device tree. Boots OpenSBI (fw_dynamic or fw_jump, ELF or raw)
 * and then a Linux Image or U-Boot, unmodified. Guest addresses:
 * src/boards/riscv-virt/virt_layout.h. */
#ifndef VM_VIRT_H
#define VM_VIRT_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/devices.h"

#define VM_VIRT_MAX_HARTS 8

/* Exit statuses of vm_board_virt_run() besides the guest's own. */
#define VM_VIRT_TIMEOUT_STATUS 124    /* --timeout or --max-insns stopped it (as timeout(1)) */
#define VM_VIRT_TRAP_STORM_STATUS 125 /* a hart trapped again and again without progress */
#define VM_VIRT_RESET_LOOP_STATUS 126 /* the guest kept resetting the machine */

/* Where the machine looks for OpenSBI when no -bios is given (in order):
 * Debian's opensbi package, then the project's fetched cache
 * (${XDG_CACHE_HOME:-~/.cache}/vm/riscv64, scripts/fetch-guest-riscv64.sh). */
#define VM_VIRT_DEBIAN_OPENSBI "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"

struct vm_chardev;
struct vm_machine_frontend;

struct vm_virt_config {
    const char *bios;     /* OpenSBI (ELF or raw); "none": -kernel runs in M-mode; NULL: default */
    const char *kernel;   /* Linux Image (with or without EFI stub), ELF, or raw (U-Boot); NULL: none */
    const char *initrd;   /* NULL: none */
    const char *append;   /* kernel command line (/chosen/bootargs); NULL: none */
    const char *dumpdtb;  /* write the device tree here and return 0 without running */
    uint64_t ram_size;    /* bytes; 0: 128 MiB (QEMU's default) */
    unsigned smp;         /* harts, 1..VM_VIRT_MAX_HARTS; 0: 1 */
    const char *accel;    /* "auto", "soft"; NULL: auto */
    const char *cpu;      /* -cpu rv64[,EXT=on|off...] (vm/riscv_isa.h); NULL: every extension */
    bool verbose;         /* placement, choices and speed on stderr */
    double timeout;       /* seconds; 0: unbounded */
    uint64_t max_insns;   /* per hart; 0: unbounded */
    struct vm_chardev *console; /* UART back end; NULL: the terminal (stdin/stdout, Ctrl-A) */
    /* The host side (event loop, monitors, QMP, -no-reboot): boards/machine.h; NULL: none */
    const struct vm_machine_frontend *frontend;
    /* -drive/-device/-netdev/-nic: virtio-mmio devices in QEMU's 8 slots
     * (the first device in the highest slot, as QEMU places them) */
    struct vm_device_args devices;
    const char *gdb;      /* GDB stub device (tcp:[HOST]:PORT, unix:PATH); NULL: none */
    bool start_paused;    /* -S: wait for a debugger's (or monitor's) continue */
};

/* Build the machine and run it until the guest powers off (its status: 0,
 * or the code of a failed power-off), Ctrl-A x (0), a bound
 * (VM_VIRT_TIMEOUT_STATUS), a trap storm or reset loop (the statuses
 * above, with a message on stderr); a reset rebuilds the machine and boots
 * again. Bad input or a host failure: a negative -VM_E... code with the
 * message in vm_error_message(). */
int vm_board_virt_run(const struct vm_virt_config *cfg);

#endif
