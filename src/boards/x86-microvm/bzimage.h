/* Linux x86 bzImage: parsing and checking the real-mode header (the
 * setup_header of the Linux x86 boot protocol), and laying out a 64-bit
 * direct boot: kernel, zero page (boot_params) with the header copied, an
 * e820 map, the command line and the initrd, each where the protocol's
 * limits allow. Guest addresses come from microvm_layout.h. */
#ifndef VM_MICROVM_BZIMAGE_H
#define VM_MICROVM_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/mem.h"

/* setup_header fields, at their bzImage (and boot_params) offsets */
#define BZ_SETUP_SECTS 0x1f1
#define BZ_BOOT_FLAG 0x1fe      /* 0xaa55 */
#define BZ_JUMP 0x200           /* the header ends at 0x202 + byte 0x201 */
#define BZ_HEADER 0x202         /* "HdrS" */
#define BZ_VERSION 0x206
#define BZ_TYPE_OF_LOADER 0x210
#define BZ_LOADFLAGS 0x211
#define BZ_CODE32_START 0x214
#define BZ_RAMDISK_IMAGE 0x218
#define BZ_RAMDISK_SIZE 0x21c
#define BZ_CMD_LINE_PTR 0x228
#define BZ_INITRD_ADDR_MAX 0x22c
#define BZ_KERNEL_ALIGNMENT 0x230
#define BZ_RELOCATABLE 0x234
#define BZ_XLOADFLAGS 0x236
#define BZ_CMDLINE_SIZE 0x238
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24c
#define BZ_PREF_ADDRESS 0x258
#define BZ_INIT_SIZE 0x260

#define BZ_HDRS_MAGIC 0x53726448u /* "HdrS" */
#define BZ_LOADED_HIGH 0x01       /* loadflags: protected-mode code at 1 MiB (bzImage) */
#define BZ_XLF_KERNEL_64 0x01     /* xloadflags: has the 64-bit entry at +0x200 */
#define BZ_MIN_VERSION 0x020c     /* 2.12: xloadflags, the 64-bit entry */
#define BZ_ENTRY_64_OFFSET 0x200

/* boot_params (the zero page) */
#define BP_SIZE 4096
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE 0x2d0
#define BP_E820_MAX 128
#define E820_RAM 1
#define E820_RESERVED 2

struct bzimage {
    char name[256];        /* for messages */
    const uint8_t *data;   /* the whole file (not owned) */
    size_t size;
    uint16_t version;      /* 0x020f = 2.15 */
    uint8_t setup_sects;   /* 512-byte sectors of real-mode setup after the boot sector */
    uint8_t loadflags;
    uint16_t xloadflags;
    bool relocatable;
    uint32_t kernel_alignment, init_size, initrd_addr_max, cmdline_size;
    uint64_t pref_address;
    size_t header_end;     /* offset just past the setup_header */
    size_t kernel_offset;  /* the protected-mode kernel: (setup_sects + 1) * 512 */
    size_t kernel_size;
};

/* Check the header; every failure names the file and what is wrong
 * ("'x': not a bzImage (no HdrS header)", "... truncated ..."). */
int bzimage_parse(const void *data, size_t size, const char *name, struct bzimage *out);

struct e820_entry {
    uint64_t addr, size;
    uint32_t type;
};

/* The microVM's memory map for ram_size bytes of RAM: low RAM below the
 * EBDA, the reserved EBDA/BIOS area, RAM from 1 MiB to the MMIO hole and
 * the rest above 4 GiB. Returns the number of entries (<= max). */
unsigned microvm_e820(uint64_t ram_size, struct e820_entry *table, unsigned max);

struct linux_boot_layout {
    uint64_t kernel_addr;  /* protected-mode kernel */
    uint64_t entry;        /* 64-bit entry: kernel_addr + 0x200 */
    uint64_t zero_page, cmdline, initrd, initrd_size;
    uint64_t kernel_end;   /* end of the memory the kernel claims (aligned load + init_size) */
};

/* Place the kernel, zero page, command line and initrd (may be NULL) in
 * guest RAM of ram_size bytes (as microvm_e820 maps it) and fill the zero
 * page. Refuses RAM too small for the kernel's init_size, a command line
 * longer than the kernel accepts, an initrd that fits nowhere below
 * initrd_addr_max. */
int bzimage_load(const struct bzimage *bz, struct vm_mem *mem, uint64_t ram_size,
                 const char *cmdline, const void *initrd, size_t initrd_size,
                 struct linux_boot_layout *out);

/* The common part of a 64-bit Linux boot, once the kernel is in place
 * (l->kernel_addr and l->kernel_end set): the command line, the initrd
 * and the zero page, with the setup_header copied from image (bytes
 * 0x1f1..header_end) or, for an ELF kernel (image NULL), a minimal one. */
int linux_boot_setup(struct vm_mem *mem, uint64_t ram_size, const uint8_t *image,
                     size_t header_end, uint32_t cmdline_size, uint32_t initrd_addr_max,
                     const char *cmdline, const void *initrd, size_t initrd_size,
                     struct linux_boot_layout *l);

#endif
