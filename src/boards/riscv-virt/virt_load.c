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
                               .entry = addr};
    return 0;
}

static bool file_starts_with(const char *path, const char *magic, size_t len)
{
    char buf[16];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(buf, 1, len, f);
    fclose(f);
    return n == len && memcmp(buf, magic, len) == 0;
}

/* An ELF at its physical addresses; a position-independent one moved so
 * that its lowest segment starts at pic_base. */
static int load_elf(struct vm_mem *mem, const char *what, const char *path, uint64_t pic_base,
                    struct virt_image *out)
{
    struct vm_elf *elf;
    int rc = vm_elf_open(path, &elf);
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
                               .entry = entry};
done:
    vm_elf_close(elf);
    return rc;
}

int virt_load_firmware(struct vm_mem *mem, const char *path, struct virt_image *out)
{
    if (file_starts_with(path, "\177ELF", 4))
        return load_elf(mem, "firmware", path, VIRT_FIRMWARE_ADDR, out);
    return load_raw(mem, "firmware", path, VIRT_FIRMWARE_ADDR, out);
}

static uint64_t le64(const uint8_t *p)
{
    return vm_ld_le(p, 8);
}

/* A raw load that turns out to carry the Image header: check it and count
 * the kernel's bss (image_size) in its end. */
static int check_linux_image(struct vm_mem *mem, const char *path, struct virt_image *img)
{
    uint64_t len = img->end - img->start;
    const uint8_t *h = vm_mem_ram_ptr(mem, img->start, VIRT_IMAGE_HEADER_SIZE);
    if (len < VIRT_IMAGE_HEADER_SIZE || !h || memcmp(h + VIRT_IMAGE_MAGIC2, "RSC\x05", 4) != 0)
        return 0; /* not a Linux Image: a raw binary (U-Boot, a test program) */
    uint64_t image_size = le64(h + VIRT_IMAGE_SIZE), flags = le64(h + VIRT_IMAGE_FLAGS);
    if (flags & 1)
        return vm_error(VM_EFORMAT, "kernel '%s': a big-endian RISC-V Image", path);
    if (image_size > MAX_IMAGE_SIZE)
        return vm_error(VM_EFORMAT, "kernel '%s': Image header says %" PRIu64 " bytes", path,
                        image_size);
    img->kind = VIRT_IMAGE_LINUX;
    if (image_size > len) {
        if (!vm_mem_ram_ptr(mem, img->start, image_size))
            return too_big(mem, "kernel", path, img->start, image_size);
        img->end = img->start + image_size;
    }
    return 0;
}

int virt_load_kernel(struct vm_mem *mem, const char *path, uint64_t addr,
                     struct virt_image *out)
{
    if (file_starts_with(path, "\177ELF", 4))
        return load_elf(mem, "kernel", path, addr, out);
    int rc = load_raw(mem, "kernel", path, addr, out);
    if (rc < 0)
        return rc;
    return check_linux_image(mem, path, out);
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
