/* Guest physical memory map of the spike machine (as QEMU's `spike` and the
 * Spike simulator): every guest address of the board is named here. */
#ifndef VM_BOARDS_SPIKE_LAYOUT_H
#define VM_BOARDS_SPIKE_LAYOUT_H

#define SPIKE_CLINT_BASE 0x02000000ULL /* msip, mtimecmp, mtime (devices/clint.h) */
#define SPIKE_RAM_BASE 0x80000000ULL
#define SPIKE_RAM_DEFAULT_SIZE (128ULL << 20) /* QEMU's default for -M spike */
#define SPIKE_RAM_MIN_SIZE (4ULL << 10)
#define SPIKE_RAM_MAX_SIZE (64ULL << 30)
#define SPIKE_BOOT_HART 0

#endif
