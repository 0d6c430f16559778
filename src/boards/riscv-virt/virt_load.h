/* Loading the riscv-virt boot images into guest RAM, as QEMU's
 * hw/riscv/boot.c places them (virt_layout.h, virt_rom.h):
 *   firmware (-bios)  ELF at its addresses, or position-independent ELF /
 *                     raw binary at the RAM base
 *   kernel (-kernel)  recognised before loading (core/image_probe.h): a
 *                     RISC-V ELF; a Linux Image (header magic; with the EFI
 *                     stub, a file shorter than its PE sections is refused
 *                     as truncated); gzip (Image.gz) and Linux EFI zboot
 *                     images, decompressed as QEMU does; a U-Boot uImage
 *                     (checksums, arch); kernels for other architectures
 *                     (x86 bzImage, arm64 Image, foreign ELF), other
 *                     compressors and non-kernels (text, cpio, disk images,
 *                     random data) refused with what they are; else a raw
 *                     binary (U-Boot's u-boot.bin). Linux Image and raw
 *                     binaries go at the first 2 MiB boundary after the
 *                     firmware
 *   initrd (-initrd)  raw, at the address the caller computed
 * Every image is checked to fit in RAM; bad files get a message naming
 * them. */
#ifndef VM_BOARDS_RISCV_VIRT_LOAD_H
#define VM_BOARDS_RISCV_VIRT_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "vm/mem.h"

/* The RISC-V Linux Image header (Documentation/arch/riscv/boot-image-header.rst). */
#define VIRT_IMAGE_TEXT_OFFSET 0x08
#define VIRT_IMAGE_SIZE 0x10
#define VIRT_IMAGE_FLAGS 0x18
#define VIRT_IMAGE_MAGIC 0x30  /* "RISCV\0\0\0" (deprecated, still written) */
#define VIRT_IMAGE_MAGIC2 0x38 /* "RSC\x05" */
#define VIRT_IMAGE_HEADER_SIZE 0x40

enum virt_image_kind { VIRT_IMAGE_RAW, VIRT_IMAGE_ELF, VIRT_IMAGE_LINUX, VIRT_IMAGE_UIMAGE };

/* What was loaded: [start, end) in guest RAM and where to enter it. */
struct virt_image {
    enum virt_image_kind kind;
    uint64_t start, end, entry;
    uint64_t file_size; /* bytes in the file (a Linux Image's end adds its bss) */
    char desc[96];      /* for -v: "Linux Image, gzip-compressed", "raw binary: ..." */
};

int virt_load_firmware(struct vm_mem *mem, const char *path, struct virt_image *out);
/* addr: where a raw image or a Linux Image goes (2 MiB aligned). A Linux
 * Image's end includes its image_size (bss), so nothing is placed over it. */
int virt_load_kernel(struct vm_mem *mem, const char *path, uint64_t addr,
                     struct virt_image *out);
int virt_load_initrd(struct vm_mem *mem, const char *path, uint64_t addr,
                     struct virt_image *out);

/* The default firmware when -bios is not given: Debian's OpenSBI, else the
 * project's fetched copy. Writes the path to buf (size bytes) and returns
 * 0, or fails with a message that says what to install or run. */
int virt_default_firmware(char *buf, size_t size);

#endif
