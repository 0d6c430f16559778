/* What a boot image file is, from its first bytes: ELF, a Linux boot
 * Image (RISC-V or arm64), an x86 bzImage, a Linux EFI zboot image, a
 * U-Boot legacy uImage, gzip and other compressed data, and things that
 * are no kernel at all (a cpio archive, a device tree, a disk image, a
 * text file, random data). Loaders use it to load what they can and to
 * refuse the rest with a sentence that says what the file is, before
 * anything runs. Architecture-neutral: the loader compares `arch` with its
 * machine's. */
#ifndef VM_CORE_IMAGE_PROBE_H
#define VM_CORE_IMAGE_PROBE_H

#include <stddef.h>
#include <stdint.h>

enum vm_image_kind {
    VM_IMAGE_RAW,        /* nothing recognised: a raw binary, perhaps */
    VM_IMAGE_ELF,
    VM_IMAGE_LINUX,      /* a Linux boot Image ("RSC\x05" riscv64, "ARM\x64" arm64) */
    VM_IMAGE_BZIMAGE,    /* an x86 Linux bzImage */
    VM_IMAGE_EFI_ZBOOT,  /* a Linux EFI zboot image: a compressed Image inside */
    VM_IMAGE_PE,         /* another PE/EFI application */
    VM_IMAGE_UIMAGE,     /* a U-Boot legacy image (mkimage) */
    VM_IMAGE_GZIP,
    VM_IMAGE_COMPRESSED, /* xz, zstd, bzip2, lz4, lzma: vm reads gzip only */
    VM_IMAGE_NOT_KERNEL, /* cpio, device tree, disk image, text, zeros */
    VM_IMAGE_NOISE,      /* random or compressed bytes in no known format */
};

struct vm_image_probe {
    enum vm_image_kind kind;
    const char *arch; /* "riscv64", "x86-64", "arm64", ...; NULL: unknown */
    char what[112];   /* "an x86-64 kernel (bzImage)", "a text file" */
};

/* The probe looks at most at this many bytes from the start. */
#define VM_IMAGE_PROBE_BYTES (64 * 1024)

/* buf: the file's first bytes (up to VM_IMAGE_PROBE_BYTES); file_size:
 * the whole file's. */
void vm_image_probe(const uint8_t *buf, size_t len, uint64_t file_size,
                    struct vm_image_probe *out);

/* ---- U-Boot legacy image header (include/image.h in U-Boot) -------------- */

#define VM_UIMAGE_MAGIC 0x27051956u
#define VM_UIMAGE_HEADER_SIZE 64
#define VM_UIMAGE_ARCH_RISCV 26
#define VM_UIMAGE_TYPE_KERNEL 2
#define VM_UIMAGE_TYPE_KERNEL_NOLOAD 14
#define VM_UIMAGE_COMP_NONE 0
#define VM_UIMAGE_COMP_GZIP 1

struct vm_uimage {
    uint32_t size, load, entry, data_crc;
    uint8_t os, arch, type, comp;
    char name[33];
};

/* Parse and check a uImage: header CRC, the data's length and CRC. 0, or
 * -VM_EFORMAT with "what 'path': ..." in vm_error_message(). */
int vm_uimage_parse(const uint8_t *buf, size_t len, const char *what, const char *path,
                    struct vm_uimage *out);
/* "RISC-V", "x86-64", ... for the header's architecture code. */
const char *vm_uimage_arch_name(unsigned arch);

/* ---- Linux EFI zboot (drivers/firmware/efi/libstub/zboot-header.S) ------- */

/* The compressed payload of a zboot image: [offset, offset + size) of the
 * file, and its compressor ("gzip", "zstd", ...). 0 or -VM_EFORMAT. */
int vm_efi_zboot_payload(const uint8_t *buf, size_t len, const char *what, const char *path,
                         uint64_t *offset, uint64_t *size, char comp[16]);

#endif
