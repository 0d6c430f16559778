/* Guest physical memory map of the riscv-virt board: QEMU's `virt` machine
 * (hw/riscv/virt.c), so that firmware and kernels built for it run
 * unmodified. Every guest address of the board is named here. */
#ifndef VM_BOARDS_RISCV_VIRT_LAYOUT_H
#define VM_BOARDS_RISCV_VIRT_LAYOUT_H

#include <stdint.h>

/* Boot ROM: the reset trampoline and OpenSBI's fw_dynamic_info
 * (virt_rom.h). Harts start at VIRT_MROM_BASE. */
#define VIRT_MROM_BASE 0x1000ULL
#define VIRT_MROM_SIZE 0xf000ULL
#define VIRT_RESET_VECTOR VIRT_MROM_BASE

/* sifive,test finisher (poweroff/reboot syscon). */
#define VIRT_TEST_BASE 0x100000ULL
#define VIRT_TEST_SIZE 0x1000ULL

/* Goldfish RTC. */
#define VIRT_RTC_BASE 0x101000ULL
#define VIRT_RTC_SIZE 0x1000ULL
#define VIRT_RTC_IRQ 11

/* CLINT (ACLINT MSWI + MTIMER). */
#define VIRT_CLINT_BASE 0x2000000ULL
#define VIRT_CLINT_SIZE 0x10000ULL

/* PLIC: 2 contexts per hart (M then S), 95 sources. */
#define VIRT_PLIC_BASE 0xc000000ULL
#define VIRT_PLIC_SIZE 0x600000ULL
#define VIRT_PLIC_NDEV 95
#define VIRT_PLIC_CONTEXT_M(hart) (2 * (hart))
#define VIRT_PLIC_CONTEXT_S(hart) (2 * (hart) + 1)

/* NS16550A UART. */
#define VIRT_UART0_BASE 0x10000000ULL
#define VIRT_UART0_SIZE 0x100ULL
#define VIRT_UART0_IRQ 10
#define VIRT_UART0_CLOCK_HZ 3686400

/* virtio-mmio transports: slot i at BASE + i * SIZE, interrupt 1 + i. */
#define VIRT_VIRTIO_BASE 0x10001000ULL
#define VIRT_VIRTIO_SIZE 0x1000ULL
#define VIRT_VIRTIO_COUNT 8
#define VIRT_VIRTIO_IRQ_BASE 1
#define VIRT_VIRTIO_SLOT_BASE(i) (VIRT_VIRTIO_BASE + (uint64_t)(i) * VIRT_VIRTIO_SIZE)
#define VIRT_VIRTIO_SLOT_IRQ(i) (VIRT_VIRTIO_IRQ_BASE + (i))

/* Main memory. */
#define VIRT_DRAM_BASE 0x80000000ULL
#define VIRT_DRAM_DEFAULT_SIZE (128ULL << 20) /* QEMU's default -m */

/* The machine's timebase (CLINT mtime, the time CSR): 10 MHz. */
#define VIRT_TIMEBASE_HZ 10000000

/* ---- Boot-time placement (QEMU's hw/riscv/boot.c choices) ----
 *
 * Firmware (-bios, OpenSBI fw_dynamic/fw_jump) is loaded at VIRT_DRAM_BASE.
 *
 * The next stage (-kernel: a Linux Image or U-Boot) goes at the first
 * 2 MiB boundary after the firmware's end (riscv_calc_kernel_start_addr):
 * for Debian's OpenSBI (< 2 MiB) that is VIRT_KERNEL_DEFAULT_ADDR, which
 * is also where OpenSBI fw_jump jumps (FW_JUMP_ADDR = base + 0x200000). */
#define VIRT_FIRMWARE_ADDR VIRT_DRAM_BASE
#define VIRT_KERNEL_ALIGN (2ULL << 20)
#define VIRT_KERNEL_DEFAULT_ADDR (VIRT_DRAM_BASE + 0x200000ULL)

/* The initrd starts at kernel_entry + min(ram_size / 2, 128 MiB)
 * (riscv_load_initrd): far enough that the kernel's image and early
 * allocations do not clobber it, low enough to stay in lowmem. */
#define VIRT_INITRD_MAX_OFFSET (128ULL << 20)

/* The FDT goes to the top of RAM, its start aligned down to 2 MiB
 * (riscv_compute_fdt_addr): QEMU 7.2 uses min(dram_end, 3 GiB) as the top
 * (so 32-bit code can reach it); QEMU >= 9.2 uses dram_end on RV64. Below
 * 2 GiB of RAM both agree; we follow QEMU 7.2 (the peer on these hosts),
 * which keeps the DTB reachable for 32-bit-addressing firmware too.
 *   fdt_addr = ALIGN_DOWN(min(dram_end, VIRT_FDT_TOP_LIMIT) - fdt_size, 2 MiB)
 * OpenSBI copies the FDT elsewhere itself; Linux reserves it. */
#define VIRT_FDT_ALIGN (2ULL << 20)
#define VIRT_FDT_TOP_LIMIT 0xc0000000ULL /* 3 GiB */
#define VIRT_FDT_MAX_SIZE (1ULL << 20)   /* our DTBs are a few KiB */

#endif
