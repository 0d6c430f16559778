/* The riscv-virt boot ROM (at VIRT_MROM_BASE, where harts start), laid out
 * as QEMU's riscv_setup_rom_reset_vec does:
 *
 *   +0x00  auipc t0, 0          t0 = ROM base
 *   +0x04  addi  a2, t0, 40     a2 = &fw_dynamic_info (OpenSBI fw_dynamic)
 *   +0x08  csrr  a0, mhartid    a0 = hart id
 *   +0x0c  ld    a1, 32(t0)     a1 = FDT address
 *   +0x10  ld    t0, 24(t0)     t0 = start address (the firmware)
 *   +0x14  jr    t0
 *   +0x18  .dword start address
 *   +0x20  .dword FDT address
 *   +0x28  struct fw_dynamic_info (6 little-endian 64-bit words):
 *          magic "OSBI" 0x4942534f, version 2, next_addr (the stage
 *          OpenSBI starts after itself, e.g. the kernel), next_mode
 *          (1 = S), options 0, boot_hart 0
 *
 * So firmware starts with a0 = hartid, a1 = FDT, a2 = fw_dynamic_info: the
 * fw_dynamic convention, which fw_jump and a bare kernel ignore (beyond
 * a0/a1). The code is position-independent (auipc), so the same bytes work
 * at any ROM base. */
#ifndef VM_BOARDS_RISCV_VIRT_ROM_H
#define VM_BOARDS_RISCV_VIRT_ROM_H

#include <stddef.h>
#include <stdint.h>

#define VIRT_FW_DYNAMIC_MAGIC 0x4942534fULL /* "OSBI" */
#define VIRT_FW_DYNAMIC_VERSION 2
#define VIRT_ROM_START_ADDR_OFFSET 0x18
#define VIRT_ROM_FDT_ADDR_OFFSET 0x20
#define VIRT_ROM_FW_DYNAMIC_OFFSET 0x28
#define VIRT_ROM_FW_DYNAMIC_SIZE 48
#define VIRT_ROM_USED_SIZE (VIRT_ROM_FW_DYNAMIC_OFFSET + VIRT_ROM_FW_DYNAMIC_SIZE)

/* Privilege mode of the stage after OpenSBI (fw_dynamic_info.next_mode). */
enum virt_next_mode {
    VIRT_NEXT_MODE_U = 0,
    VIRT_NEXT_MODE_S = 1,
    VIRT_NEXT_MODE_M = 3,
};

struct virt_rom_params {
    uint64_t start_addr; /* where the trampoline jumps: the firmware */
    uint64_t fdt_addr;   /* passed in a1 */
    uint64_t next_addr;  /* fw_dynamic_info.next_addr */
    enum virt_next_mode next_mode;
};

/* Write the ROM image into buf (size bytes, at least VIRT_ROM_USED_SIZE;
 * the rest is zeroed). Returns the bytes used, or -VM_EINVAL. */
int virt_rom_build(uint8_t *buf, size_t size, const struct virt_rom_params *p);

/* QEMU's placement rules (see virt_layout.h). */
uint64_t virt_kernel_addr(uint64_t firmware_end);
uint64_t virt_initrd_addr(uint64_t kernel_addr, uint64_t ram_size);
/* The FDT address for a DTB of fdt_size bytes in RAM [VIRT_DRAM_BASE,
 * +ram_size); fails with a message if it would start below low_limit (the
 * end of what was loaded before it) or outside RAM. */
int virt_fdt_addr(uint64_t ram_size, uint64_t fdt_size, uint64_t low_limit, uint64_t *addr);

#endif
