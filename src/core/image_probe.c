/* Boot image formats, recognised from their first bytes (image_probe.h). */
#include "core/image_probe.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "vm/error.h"

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static bool at(const uint8_t *buf, size_t len, size_t off, const void *magic, size_t n)
{
    return len >= off + n && !memcmp(buf + off, magic, n);
}

static void set(struct vm_image_probe *p, enum vm_image_kind kind, const char *arch,
                const char *what)
{
    p->kind = kind;
    p->arch = arch;
    snprintf(p->what, sizeof(p->what), "%s", what);
}

/* ---- ELF --------------------------------------------------------------------- */

static const char *elf_arch(unsigned machine, bool is64)
{
    switch (machine) {
    case 243: return is64 ? "riscv64" : "riscv32";
    case 62: return "x86-64";
    case 3: return "x86";
    case 183: return "arm64";
    case 40: return "arm";
    case 8: return is64 ? "mips64" : "mips";
    case 21: return "ppc64";
    case 20: return "ppc";
    case 22: return "s390x";
    case 258: return "loongarch64";
    default: return NULL;
    }
}

static void probe_elf(const uint8_t *buf, size_t len, struct vm_image_probe *p)
{
    bool is64 = len > 4 && buf[4] == 2, big = len > 5 && buf[5] == 2;
    unsigned machine = len >= 0x14 ? (big ? (unsigned)(buf[0x12] << 8 | buf[0x13])
                                          : le16(buf + 0x12)) : 0;
    const char *arch = elf_arch(machine, is64);
    char what[96];
    if (arch)
        snprintf(what, sizeof(what), "an ELF for %s", arch);
    else
        snprintf(what, sizeof(what), "an ELF for machine %u", machine);
    set(p, VM_IMAGE_ELF, arch, what);
}

/* ---- PE / EFI ------------------------------------------------------------------ */

static const char *pe_arch(unsigned machine)
{
    switch (machine) {
    case 0x5064: return "riscv64";
    case 0x5032: return "riscv32";
    case 0x8664: return "x86-64";
    case 0x014c: return "x86";
    case 0xaa64: return "arm64";
    case 0x01c0: case 0x01c2: case 0x01c4: return "arm";
    case 0x6264: return "loongarch64";
    default: return NULL;
    }
}

/* The PE machine of an "MZ" file whose e_lfanew points at "PE\0\0"; 0 if none. */
static unsigned pe_machine(const uint8_t *buf, size_t len)
{
    if (!at(buf, len, 0, "MZ", 2) || len < 0x40)
        return 0;
    uint32_t off = le32(buf + 0x3c);
    if (off < 0x40 || !at(buf, len, off, "PE\0\0", 4) || len < (size_t)off + 6)
        return 0;
    return le16(buf + off + 4);
}

/* ---- not a kernel ------------------------------------------------------------------ */

/* Printable text (ASCII or UTF-8, with ordinary white space) and nothing else. */
static bool is_text(const uint8_t *buf, size_t len)
{
    if (len > 4096)
        len = 4096;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (c < 0x80) {
            if ((c < 0x20 && !strchr("\t\n\r\f\v\033", c)) || c == 0x7f || c == 0)
                return false;
            continue;
        }
        unsigned extra = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
        if (extra == 9 || c == 0xc0 || c == 0xc1)
            return false;
        for (unsigned k = 1; k <= extra; k++) {
            if (i + k >= len)
                return true; /* a character cut by the window's end */
            if ((buf[i + k] & 0xc0) != 0x80)
                return false;
        }
        i += extra;
    }
    return len > 0;
}

static bool all_zero(const uint8_t *buf, size_t len)
{
    if (len > 4096)
        len = 4096;
    for (size_t i = 0; i < len; i++)
        if (buf[i])
            return false;
    return true;
}

/* Random or compressed bytes have nearly 8 bits of entropy per byte;
 * machine code has 5.5 to 7.3 (U-Boot's first 64 KiB: 7.2, OpenSBI's:
 * 7.2, busybox: 7.2; random and gzip data: 7.99). The estimate from n
 * samples falls short of 8 by about 184/n bits, hence the threshold. */
static bool looks_random(const uint8_t *buf, size_t len)
{
    if (len < 4096)
        return false;
    unsigned count[256] = {0};
    for (size_t i = 0; i < len; i++)
        count[buf[i]]++;
    double h = 0;
    for (unsigned i = 0; i < 256; i++)
        if (count[i]) {
            double f = (double)count[i] / (double)len;
            h -= f * log2(f);
        }
    return h > 7.9 - 184.0 / (double)len;
}

static bool probe_not_kernel(const uint8_t *buf, size_t len, struct vm_image_probe *p)
{
    static const struct {
        size_t off;
        const char *magic;
        size_t n;
        const char *what;
    } magics[] = {
        {0, "070701", 6, "an initramfs (cpio archive): give it with -initrd"},
        {0, "070702", 6, "an initramfs (cpio archive): give it with -initrd"},
        {0, "070707", 6, "a cpio archive"},
        {0, "\xd0\x0d\xfe\xed", 4, "a device tree blob"},
        {0, "QFI\xfb", 4, "a qcow2 disk image: give it with -drive"},
        {0, "hsqs", 4, "a squashfs image: give it with -drive"},
        {512, "EFI PART", 8, "a disk image (GPT): give it with -drive"},
        {0x438, "\x53\xef", 2, "an ext2/3/4 file system image: give it with -drive"},
        {0x8001, "CD001", 5, "an ISO 9660 image"},
        {0, NULL, 0, NULL},
    };
    for (unsigned i = 0; magics[i].what; i++)
        if (at(buf, len, magics[i].off, magics[i].magic, magics[i].n)) {
            set(p, VM_IMAGE_NOT_KERNEL, NULL, magics[i].what);
            return true;
        }
    if (is_text(buf, len)) {
        set(p, VM_IMAGE_NOT_KERNEL, NULL, "a text file");
        return true;
    }
    if (all_zero(buf, len)) {
        set(p, VM_IMAGE_NOT_KERNEL, NULL, "all zero bytes");
        return true;
    }
    if (looks_random(buf, len)) {
        set(p, VM_IMAGE_NOISE, NULL,
            "random or compressed data in no format vm knows (not machine code)");
        return true;
    }
    return false;
}

/* ---- the probe ------------------------------------------------------------------------- */

void vm_image_probe(const uint8_t *buf, size_t len, uint64_t file_size,
                    struct vm_image_probe *p)
{
    if (len > VM_IMAGE_PROBE_BYTES)
        len = VM_IMAGE_PROBE_BYTES;
    set(p, VM_IMAGE_RAW, NULL, "a raw binary");
    if (at(buf, len, 0, "\177ELF", 4)) {
        probe_elf(buf, len, p);
        return;
    }
    /* x86 boot protocol: the boot sector's signature and "HdrS". */
    if (at(buf, len, 0x1fe, "\x55\xaa", 2) && at(buf, len, 0x202, "HdrS", 4)) {
        bool x86_64 = len >= 0x238 && le16(buf + 0x206) >= 0x20c && (buf[0x236] & 1);
        set(p, VM_IMAGE_BZIMAGE, x86_64 ? "x86-64" : "x86",
            x86_64 ? "an x86-64 kernel (bzImage)" : "an x86 kernel (bzImage)");
        return;
    }
    if (at(buf, len, 0x38, "RSC\x05", 4) || at(buf, len, 0x30, "RISCV\0\0\0", 8)) {
        set(p, VM_IMAGE_LINUX, "riscv64", "a riscv64 Linux Image");
        return;
    }
    if (at(buf, len, 0x38, "ARM\x64", 4)) {
        set(p, VM_IMAGE_LINUX, "arm64", "an arm64 Linux Image");
        return;
    }
    if (at(buf, len, 0, "MZ", 2) && at(buf, len, 4, "zimg", 4)) {
        const char *arch = pe_arch(pe_machine(buf, len));
        char what[96];
        snprintf(what, sizeof(what), "a Linux EFI zboot image%s%s", arch ? " for " : "",
                 arch ? arch : "");
        set(p, VM_IMAGE_EFI_ZBOOT, arch, what);
        return;
    }
    unsigned pe = pe_machine(buf, len);
    if (pe) {
        const char *arch = pe_arch(pe);
        char what[96];
        snprintf(what, sizeof(what), "an EFI application (PE) for %s%s", arch ? arch : "machine ",
                 arch ? "" : "?");
        set(p, VM_IMAGE_PE, arch, what);
        return;
    }
    if (len >= VM_UIMAGE_HEADER_SIZE && be32(buf) == VM_UIMAGE_MAGIC) {
        const char *arch = vm_uimage_arch_name(buf[29]);
        char what[96];
        snprintf(what, sizeof(what), "a U-Boot image (uImage) for %s", arch);
        set(p, VM_IMAGE_UIMAGE, arch, what);
        return;
    }
    if (at(buf, len, 0, "\x1f\x8b", 2)) {
        set(p, VM_IMAGE_GZIP, NULL, "gzip-compressed data");
        return;
    }
    static const struct {
        const char *magic;
        size_t n;
        const char *what;
    } compressed[] = {
        {"\xfd" "7zXZ\0", 6, "xz-compressed data"},
        {"\x28\xb5\x2f\xfd", 4, "zstd-compressed data"},
        {"BZh", 3, "bzip2-compressed data"},
        {"\x04\x22\x4d\x18", 4, "lz4-compressed data"},
        {"\x02\x21\x4c\x18", 4, "lz4-compressed data (legacy)"},
        {"\x89LZO\0\r\n\x1a\n", 9, "lzop-compressed data"},
        {"\x5d\0\0", 3, "lzma-compressed data"},
        {NULL, 0, NULL},
    };
    for (unsigned i = 0; compressed[i].magic; i++)
        if (at(buf, len, 0, compressed[i].magic, compressed[i].n)) {
            set(p, VM_IMAGE_COMPRESSED, NULL, compressed[i].what);
            return;
        }
    (void)file_size;
    probe_not_kernel(buf, len, p);
}

/* ---- U-Boot legacy images ----------------------------------------------------------------- */

const char *vm_uimage_arch_name(unsigned arch)
{
    switch (arch) {
    case VM_UIMAGE_ARCH_RISCV: return "riscv64";
    case 2: return "arm";
    case 3: return "x86";
    case 5: return "mips";
    case 7: return "ppc";
    case 22: return "arm64";
    case 24: return "x86-64";
    default: return "another architecture";
    }
}

int vm_uimage_parse(const uint8_t *buf, size_t len, const char *what, const char *path,
                    struct vm_uimage *u)
{
    if (len < VM_UIMAGE_HEADER_SIZE || be32(buf) != VM_UIMAGE_MAGIC)
        return vm_error(VM_EFORMAT, "%s '%s': not a U-Boot image", what, path);
    uint8_t h[VM_UIMAGE_HEADER_SIZE];
    memcpy(h, buf, sizeof(h));
    uint32_t hcrc = be32(h + 4);
    memset(h + 4, 0, 4);
    if (crc32(0, h, sizeof(h)) != hcrc)
        return vm_error(VM_EFORMAT, "%s '%s': U-Boot image header checksum mismatch (corrupt)",
                        what, path);
    *u = (struct vm_uimage){
        .size = be32(buf + 12), .load = be32(buf + 16), .entry = be32(buf + 20),
        .data_crc = be32(buf + 24), .os = buf[28], .arch = buf[29], .type = buf[30],
        .comp = buf[31],
    };
    memcpy(u->name, buf + 32, 32);
    u->name[32] = '\0';
    if (u->size > len - VM_UIMAGE_HEADER_SIZE)
        return vm_error(VM_EFORMAT, "%s '%s': truncated U-Boot image: the header says %u bytes "
                        "of data, the file has %zu", what, path, u->size,
                        len - VM_UIMAGE_HEADER_SIZE);
    if (crc32(0, buf + VM_UIMAGE_HEADER_SIZE, u->size) != u->data_crc)
        return vm_error(VM_EFORMAT, "%s '%s': U-Boot image data checksum mismatch (corrupt)",
                        what, path);
    return 0;
}

/* ---- EFI zboot -------------------------------------------------------------------------------- */

int vm_efi_zboot_payload(const uint8_t *buf, size_t len, const char *what, const char *path,
                         uint64_t *offset, uint64_t *size, char comp[16])
{
    if (len < 0x40 || !at(buf, len, 4, "zimg", 4))
        return vm_error(VM_EFORMAT, "%s '%s': not an EFI zboot image", what, path);
    *offset = le32(buf + 8);
    *size = le32(buf + 12);
    snprintf(comp, 16, "%.15s", (const char *)buf + 24);
    if (*offset > len || *size > len - *offset)
        return vm_error(VM_EFORMAT, "%s '%s': truncated EFI zboot image: the payload ends at "
                        "%llu, the file at %zu", what, path,
                        (unsigned long long)(*offset + *size), len);
    return 0;
}
