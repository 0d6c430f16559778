/* The riscv-virt machine's state, shared by its two halves:
 *   virt.c      builds one boot of the machine (memory, devices, images,
 *               device tree, ROM, harts) and tears it down again
 *   virt_run.c  runs it through the board-run helper (boards/machine.h):
 *               hart threads, stops, the time bound, resets
 * A reset tears the machine down and builds it again; the machine helper
 * (console, event loop, stop state) outlives it. */
#ifndef VM_BOARDS_RISCV_VIRT_MACHINE_H
#define VM_BOARDS_RISCV_VIRT_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boards/device_set.h"
#include "boards/machine.h"
#include "boards/riscv-virt/virt_layout.h"
#include "boards/riscv-virt/virt_load.h"
#include "vm/accel.h"
#include "vm/mmu.h"
#include "vm/riscv_isa.h"
#include "vm/virt.h"

struct virt;

/* One hart, as an interrupt forwarder's opaque: its vCPU is the
 * machine's vCPU `index` (vm_machine_vcpu). */
struct virt_hart {
    struct virt *m;
    unsigned index;
};

struct virt {
    const struct vm_virt_config *cfg;
    uint64_t ram_size;
    unsigned nr_harts;
    const char *firmware; /* path, or NULL for -bios none */
    struct vm_riscv_isa isa; /* every hart's extensions (-cpu) */
    char firmware_buf[4096];

    /* one boot of the machine (virt_build / virt_teardown) */
    struct vm_mem *mem;
    struct vm_accel *accel;
    struct vm_clint *clint;
    uint64_t mtime_offset; /* the CLINT's mtime and every hart's time CSR: timebase + this */
    struct vm_plic *plic;
    struct vm_uart16550 *uart;
    struct vm_goldfish_rtc *rtc;
    struct vm_syscon *syscon;
    struct vm_virtio_mmio *virtio[VIRT_VIRTIO_COUNT];
    struct virt_hart harts[VM_VIRT_MAX_HARTS];
    struct virt_image fw, kernel, initrd;
    uint64_t fdt_addr, start_addr, next_addr;
    uint64_t insns; /* retired by all harts, summed over boots */
    struct vm_mmu_stats mmu[VM_VIRT_MAX_HARTS]; /* each hart's MMU, summed over boots */
    char mmu_policy[VM_VIRT_MAX_HARTS][96];      /* its policy at the end of the last boot */

    /* outlives resets */
    struct vm_machine *machine; /* NULL for -dumpdtb */
    struct vm_device_set *devices; /* back ends (disks, networks); NULL for -dumpdtb */
};

/* virt.c */
/* Check cfg and fill ram_size, nr_harts and firmware; before any thread. */
int virt_check_config(struct virt *m);
/* One boot (the machine helper's build/teardown); with cfg->dumpdtb, build
 * writes the device tree and creates no harts. */
int virt_build(void *board, struct vm_machine *machine);
void virt_teardown(void *board, struct vm_machine *machine);
/* -v's report at exit: the MMU figures per hart and summed. */
void virt_report_mmu(const struct virt *m);

#endif
