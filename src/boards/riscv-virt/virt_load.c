/* riscv-virt image loading: firmware, kernel, initrd. */
#include "boards/riscv-virt/virt_load.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boards/riscv-virt/virt_layout.h"
#include "core/gunzip.h"
#include "core/image_probe.h"
#include "vm/elf.h"
#include "vm/error.h"
#include "vm/virt.h"

#define MAX_IMAGE_SIZE (1ULL << 32)

static int ram_end(struct vm_mem *mem, uint64_t *end)
{
    const struct vm_mem_region *r = vm_mem_find(mem, VIRT_DRAM_BASE);
    if (!r || !r->host)
        return vm_error(VM_EINVAL, "riscv-virt: no RAM at 0x%llx", VIRT_DRAM_BASE);
    *end = r->base + r->size;
    return 0;
}

static int too_big(struct vm_mem *mem, const char *what, const char *path, uint64_t addr,
                   uint64_t size)
{
    uint64_t end = 0;
    ram_end(mem, &end);
    return vm_error(VM_EINVAL,
                    "%s '%s' (%" PRIu64 " bytes at 0x%" PRIx64 ") does not fit in guest RAM "
                    "[0x%llx-0x%" PRIx64 "): give more memory with -m",
                    what, path, size, addr, VIRT_DRAM_BASE, end);
}

static int open_image(const char *what, const char *path, FILE **f, uint64_t *size)
{
    *f = fopen(path, "rb");
    if (!*f)
        return vm_error(errno == ENOENT ? VM_ENOENT : VM_EIO, "%s '%s': %s", what, path,
                        strerror(errno));
    struct stat st;
    if (fstat(fileno(*f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(*f);
        return vm_error(VM_EIO, "%s '%s': not a regular file", what, path);
    }
    if (st.st_size == 0 || (uint64_t)st.st_size > MAX_IMAGE_SIZE) {
        fclose(*f);
        return vm_error(VM_EFORMAT, "%s '%s': %s", what, path,
                        st.st_size == 0 ? "the file is empty" : "larger than 4 GiB");
    }
    *size = (uint64_t)st.st_size;
    return 0;
}

/* The whole file into RAM at addr. */
static int load_raw(struct vm_mem *mem, const char *what, const char *path, uint64_t addr,
                    struct virt_image *out)
{
    FILE *f = NULL;
    uint64_t size = 0;
    int rc = open_image(what, path, &f, &size);
    if (rc < 0)
        return rc;
    uint8_t *dst = vm_mem_ram_ptr(mem, addr, size);
    if (!dst) {
        fclose(f);
        return too_big(mem, what, path, addr, size);
    }
    size_t n = fread(dst, 1, size, f);
    fclose(f);
    if (n != size)
        return vm_error(VM_EIO, "%s '%s': read error", what, path);
    *out = (struct virt_image){.kind = VIRT_IMAGE_RAW, .start = addr, .end = addr + size,
                               .entry = addr, .file_size = size};
    snprintf(out->desc, sizeof(out->desc), "raw");
    return 0;
}

/* The whole file in host memory. */
static int read_whole(const char *what, const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = NULL;
    uint64_t size = 0;
    int rc = open_image(what, path, &f, &size);
    if (rc < 0)
        return rc;
    if (!(*buf = malloc(size))) {
        fclose(f);
        return vm_error(VM_ENOMEM, "%s '%s': out of host memory (%" PRIu64 " bytes)", what, path,
                        size);
    }
    size_t n = fread(*buf, 1, size, f);
    fclose(f);
    if (n != size) {
        free(*buf);
        return vm_error(VM_EIO, "%s '%s': read error", what, path);
    }
    *len = size;
    return 0;
}

/* An ELF at its physical addresses; a position-independent one moved so
 * that its lowest segment starts at pic_base. */
static int load_elf(struct vm_mem *mem, const char *what, const char *path, const uint8_t *data,
                    size_t len, uint64_t pic_base, struct virt_image *out)
{
    struct vm_elf *elf;
    int rc = vm_elf_parse(data, len, path, &elf);
    if (rc < 0)
        return rc;
    if ((rc = vm_elf_check_machine(elf, VM_ELF_EM_RISCV)) < 0)
        goto done;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned i = 0; i < vm_elf_load_count(elf); i++) {
        const struct vm_elf_segment *s = vm_elf_load_segment(elf, i);
        if (s->memsz == 0)
            continue;
        lo = s->paddr < lo ? s->paddr : lo;
        hi = s->paddr + s->memsz > hi ? s->paddr + s->memsz : hi;
    }
    if (lo > hi) {
        rc = vm_error(VM_EFORMAT, "%s '%s': no loadable segments", what, path);
        goto done;
    }
    uint64_t bias = vm_elf_is_pic(elf) ? pic_base - lo : 0;
    if ((rc = vm_elf_load_phys_at(elf, mem, bias)) < 0)
        goto done;
    uint64_t entry = vm_elf_entry(elf) + bias;
    if (!vm_mem_ram_ptr(mem, entry, 2)) {
        rc = vm_error(VM_EFORMAT, "%s '%s': entry point 0x%" PRIx64 " is outside guest RAM", what,
                      path, entry);
        goto done;
    }
    *out = (struct virt_image){.kind = VIRT_IMAGE_ELF, .start = lo + bias, .end = hi + bias,
                               .entry = entry, .file_size = len};
    snprintf(out->desc, sizeof(out->desc), "ELF");
done:
    vm_elf_close(elf);
    return rc;
}

/* data[0, len) into RAM at addr. */
static int copy_in(struct vm_mem *mem, const char *what, const char *path, const uint8_t *data,
                   size_t len, uint64_t addr)
{
    uint8_t *dst = vm_mem_ram_ptr(mem, addr, len);
    if (!dst)
        return too_big(mem, what, path, addr, len);
    memcpy(dst, data, len);
    return 0;
}

/* With the EFI stub, the PE header says exactly how long the file is:
 * the end of the last section's raw data. (The Image header's image_size
 * counts the bss too, so a whole file is always shorter than that.) */
static int check_pe_length(const char *path, const uint8_t *h, size_t len)
{
    uint64_t pe = vm_ld_le(h + 0x3c, 4);
    if (h[0] != 'M' || h[1] != 'Z' || pe < VIRT_IMAGE_HEADER_SIZE || pe + 24 > len ||
        memcmp(h + pe, "PE\0\0", 4) != 0)
        return 0; /* no EFI stub */
    uint64_t nsec = vm_ld_le(h + pe + 6, 2), opt = vm_ld_le(h + pe + 20, 2);
    uint64_t table = pe + 24 + opt, need = table + 40 * nsec;
    if (need > len)
        return vm_error(VM_EFORMAT, "kernel '%s': truncated Linux Image: %zu bytes, shorter "
                        "than its own PE header", path, len);
    for (uint64_t i = 0; i < nsec; i++) {
        const uint8_t *sec = h + table + 40 * i;
        uint64_t end = vm_ld_le(sec + 16, 4) + vm_ld_le(sec + 20, 4);
        need = end > need ? end : need;
    }
    if (need > len)
        return vm_error(VM_EFORMAT, "kernel '%s': truncated Linux Image: its PE header says "
                        "%" PRIu64 " bytes, the file has %zu", path, need, len);
    return 0;
}

/* A RISC-V Linux Image (Documentation/arch/riscv/boot-image-header.rst) at
 * addr; its end includes the kernel's bss (image_size). */
static int load_linux_image(struct vm_mem *mem, const char *path, const uint8_t *h, size_t len,
                            uint64_t addr, struct virt_image *out)
{
    if (len < VIRT_IMAGE_HEADER_SIZE)
        return vm_error(VM_EFORMAT, "kernel '%s': truncated Linux Image: %zu bytes, shorter than "
                        "its header", path, len);
    uint64_t image_size = vm_ld_le(h + VIRT_IMAGE_SIZE, 8),
             flags = vm_ld_le(h + VIRT_IMAGE_FLAGS, 8);
    if (flags & 1)
        return vm_error(VM_EFORMAT, "kernel '%s': a big-endian RISC-V Image", path);
    if (image_size > MAX_IMAGE_SIZE)
        return vm_error(VM_EFORMAT, "kernel '%s': Image header says %" PRIu64 " bytes", path,
                        image_size);
    int rc = check_pe_length(path, h, len);
    if (rc < 0 || (rc = copy_in(mem, "kernel", path, h, len, addr)) < 0)
        return rc;
    uint64_t end = addr + (image_size > len ? image_size : len);
    if (!vm_mem_ram_ptr(mem, addr, end - addr))
        return too_big(mem, "kernel", path, addr, end - addr);
    *out = (struct virt_image){.kind = VIRT_IMAGE_LINUX, .start = addr, .end = end,
                               .entry = addr, .file_size = len};
    snprintf(out->desc, sizeof(out->desc), "Linux Image");
    return 0;
}

/* A U-Boot legacy image: its data at the header's load address (or at
 * addr for a "kernel_noload" image), entered at the header's entry. */
static int load_uimage(struct vm_mem *mem, const char *path, const uint8_t *buf, size_t len,
                       uint64_t addr, struct virt_image *out)
{
    struct vm_uimage u;
    int rc = vm_uimage_parse(buf, len, "kernel", path, &u);
    if (rc < 0)
        return rc;
    if (u.arch != VM_UIMAGE_ARCH_RISCV)
        return vm_error(VM_EFORMAT, "kernel '%s': a U-Boot image for %s; this is a riscv64 "
                        "machine", path, vm_uimage_arch_name(u.arch));
    if (u.type != VM_UIMAGE_TYPE_KERNEL && u.type != VM_UIMAGE_TYPE_KERNEL_NOLOAD)
        return vm_error(VM_EFORMAT, "kernel '%s': a U-Boot image of type %u, not a kernel", path,
                        u.type);
    const uint8_t *data = buf + VM_UIMAGE_HEADER_SIZE;
    uint8_t *unpacked = NULL;
    size_t size = u.size;
    if (u.comp == VM_UIMAGE_COMP_GZIP) {
        if ((rc = vm_gunzip(data, size, VM_GUNZIP_MAX, "kernel", path, &unpacked, &size)) < 0)
            return rc;
        data = unpacked;
    } else if (u.comp != VM_UIMAGE_COMP_NONE) {
        return vm_error(VM_EFORMAT, "kernel '%s': a U-Boot image compressed with method %u: vm "
                        "reads uncompressed and gzip ones only", path, u.comp);
    }
    uint64_t load = u.type == VM_UIMAGE_TYPE_KERNEL ? u.load : addr;
    uint64_t entry = load + ((uint64_t)u.entry - u.load);
    if (u.entry < u.load || u.entry - u.load >= size) {
        free(unpacked);
        return vm_error(VM_EFORMAT, "kernel '%s': U-Boot image entry 0x%x is outside its data "
                        "(0x%x, %zu bytes)", path, u.entry, u.load, size);
    }
    rc = copy_in(mem, "kernel", path, data, size, load);
    free(unpacked);
    if (rc < 0)
        return rc;
    *out = (struct virt_image){.kind = VIRT_IMAGE_UIMAGE, .start = load, .end = load + size,
                               .entry = entry, .file_size = len};
    snprintf(out->desc, sizeof(out->desc), "U-Boot image '%s'%s", u.name,
             u.comp == VM_UIMAGE_COMP_GZIP ? ", gzip-compressed" : "");
    return 0;
}

static int load_kernel_data(struct vm_mem *mem, const char *path, const uint8_t *buf,
                            size_t len, uint64_t addr, unsigned depth, struct virt_image *out);

/* gzip (a Linux Image.gz) or a Linux EFI zboot image's gzip payload:
 * decompressed, as QEMU does, then loaded as what it holds. */
static int load_gzipped(struct vm_mem *mem, const char *path, const uint8_t *data, size_t len,
                        uint64_t addr, unsigned depth, const char *how, struct virt_image *out)
{
    if (depth > 0)
        return vm_error(VM_EFORMAT, "kernel '%s': compressed twice", path);
    uint8_t *unpacked;
    size_t size;
    int rc = vm_gunzip(data, len, VM_GUNZIP_MAX, "kernel", path, &unpacked, &size);
    if (rc < 0)
        return rc;
    rc = load_kernel_data(mem, path, unpacked, size, addr, depth + 1, out);
    free(unpacked);
    if (rc == 0) {
        size_t n = strlen(out->desc);
        snprintf(out->desc + n, sizeof(out->desc) - n, ", %s", how);
    }
    return rc;
}

static int load_kernel_data(struct vm_mem *mem, const char *path, const uint8_t *buf,
                            size_t len, uint64_t addr, unsigned depth, struct virt_image *out)
{
    struct vm_image_probe p;
    vm_image_probe(buf, len, len, &p);
    if (p.arch && strcmp(p.arch, "riscv64") != 0)
        return vm_error(VM_EFORMAT, "kernel '%s': %s; this is a riscv64 machine", path, p.what);
    switch (p.kind) {
    case VM_IMAGE_ELF:
        return load_elf(mem, "kernel", path, buf, len, addr, out);
    case VM_IMAGE_LINUX:
        return load_linux_image(mem, path, buf, len, addr, out);
    case VM_IMAGE_UIMAGE:
        return load_uimage(mem, path, buf, len, addr, out);
    case VM_IMAGE_GZIP:
        return load_gzipped(mem, path, buf, len, addr, depth, "gzip-compressed", out);
    case VM_IMAGE_EFI_ZBOOT: {
        uint64_t off, size;
        char comp[16];
        int rc = vm_efi_zboot_payload(buf, len, "kernel", path, &off, &size, comp);
        if (rc < 0)
            return rc;
        if (strcmp(comp, "gzip") != 0)
            return vm_error(VM_EFORMAT, "kernel '%s': a Linux EFI zboot image compressed with "
                            "%s: vm decompresses gzip only, as QEMU", path, comp);
        return load_gzipped(mem, path, buf + off, size, addr, depth, "from an EFI zboot image",
                            out);
    }
    case VM_IMAGE_PE:
        return vm_error(VM_EFORMAT, "kernel '%s': %s, not a Linux Image: vm has no UEFI "
                        "firmware to run it (boot it from U-Boot)", path, p.what);
    case VM_IMAGE_COMPRESSED:
        return vm_error(VM_EFORMAT, "kernel '%s': %s: vm decompresses gzip only, as QEMU; "
                        "decompress it first", path, p.what);
    case VM_IMAGE_NOT_KERNEL:
    case VM_IMAGE_NOISE:
        return vm_error(VM_EFORMAT, "kernel '%s' is not a kernel: %s", path, p.what);
    case VM_IMAGE_BZIMAGE: /* always a foreign architecture: refused above */
    case VM_IMAGE_RAW:
        break;
    }
    /* Nothing matched: a raw binary (U-Boot's u-boot.bin, a bare-metal
     * program), entered at its first byte, which must not be one of the
     * encodings RISC-V reserves as illegal (all zeros, all ones). */
    unsigned first = len >= 2 ? (unsigned)(buf[0] | buf[1] << 8) : 0;
    if (first == 0x0000 || first == 0xffff)
        return vm_error(VM_EFORMAT, "kernel '%s' is not a kernel: no known format (ELF, Linux "
                        "Image, U-Boot image, gzip), and as a raw binary its first instruction "
                        "would be illegal (0x%04x)", path, first);
    int rc = copy_in(mem, "kernel", path, buf, len, addr);
    if (rc < 0)
        return rc;
    *out = (struct virt_image){.kind = VIRT_IMAGE_RAW, .start = addr, .end = addr + len,
                               .entry = addr, .file_size = len};
    snprintf(out->desc, sizeof(out->desc), "raw binary: no ELF, Linux Image, U-Boot or gzip "
             "header");
    return 0;
}

/* Firmware (-bios): a RISC-V ELF, else a raw binary, as QEMU; files that
 * are recognisably something else are refused (only the kernel is judged
 * by its entropy too). */
int virt_load_firmware(struct vm_mem *mem, const char *path, struct virt_image *out)
{
    uint8_t *buf = NULL;
    size_t len = 0; /* gcc -O3 cannot see read_whole() sets both */
    int rc = read_whole("firmware", path, &buf, &len);
    if (rc < 0)
        return rc;
    struct vm_image_probe p;
    vm_image_probe(buf, len, len, &p);
    if (p.arch && strcmp(p.arch, "riscv64") != 0) {
        rc = vm_error(VM_EFORMAT, "firmware '%s': %s; this is a riscv64 machine", path, p.what);
    } else if (p.kind == VM_IMAGE_ELF) {
        rc = load_elf(mem, "firmware", path, buf, len, VIRT_FIRMWARE_ADDR, out);
    } else if (p.kind == VM_IMAGE_NOT_KERNEL || p.kind == VM_IMAGE_GZIP ||
               p.kind == VM_IMAGE_COMPRESSED) {
        rc = vm_error(VM_EFORMAT, "firmware '%s' is not firmware: %s", path, p.what);
    } else if ((rc = copy_in(mem, "firmware", path, buf, len, VIRT_FIRMWARE_ADDR)) == 0) {
        *out = (struct virt_image){.kind = VIRT_IMAGE_RAW, .start = VIRT_FIRMWARE_ADDR,
                                   .end = VIRT_FIRMWARE_ADDR + len, .entry = VIRT_FIRMWARE_ADDR,
                                   .file_size = len};
        snprintf(out->desc, sizeof(out->desc), "raw");
    }
    free(buf);
    return rc;
}

int virt_load_kernel(struct vm_mem *mem, const char *path, uint64_t addr,
                     struct virt_image *out)
{
    uint64_t end = 0;
    int rc = ram_end(mem, &end);
    if (rc < 0)
        return rc;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && addr < end &&
        (uint64_t)st.st_size > end - addr)
        return too_big(mem, "kernel", path, addr, (uint64_t)st.st_size);
    uint8_t *buf = NULL;
    size_t len = 0;
    if ((rc = read_whole("kernel", path, &buf, &len)) < 0)
        return rc;
    rc = load_kernel_data(mem, path, buf, len, addr, 0, out);
    free(buf);
    return rc;
}

int virt_load_initrd(struct vm_mem *mem, const char *path, uint64_t addr,
                     struct virt_image *out)
{
    return load_raw(mem, "initrd", path, addr, out);
}

static bool readable(const char *path)
{
    return access(path, R_OK) == 0;
}

int virt_default_firmware(char *buf, size_t size)
{
    if (readable(VM_VIRT_DEBIAN_OPENSBI)) {
        snprintf(buf, size, "%s", VM_VIRT_DEBIAN_OPENSBI);
        return 0;
    }
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char cached[4096] = "";
    if (xdg && *xdg)
        snprintf(cached, sizeof(cached), "%s/vm/riscv64/fw_dynamic.bin", xdg);
    else if (home && *home)
        snprintf(cached, sizeof(cached), "%s/.cache/vm/riscv64/fw_dynamic.bin", home);
    if (*cached && readable(cached)) {
        snprintf(buf, size, "%s", cached);
        return 0;
    }
    return vm_error(VM_ENOENT,
                    "no firmware: OpenSBI is not at %s (install Debian's 'opensbi' package) "
                    "nor at %s (run scripts/fetch-guest-riscv64.sh); or give -bios FILE, "
                    "or -bios none to run -kernel in M-mode",
                    VM_VIRT_DEBIAN_OPENSBI, *cached ? cached : "~/.cache/vm/riscv64");
}
