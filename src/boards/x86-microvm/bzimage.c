/* Linux x86 boot protocol: bzImage header checks and the 64-bit direct
 * boot layout (see bzimage.h and Documentation/arch/x86/boot.rst). */
#include "boards/x86-microvm/bzimage.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "boards/x86-microvm/microvm_layout.h"
#include "vm/error.h"

static uint32_t rd(const uint8_t *p, size_t off, unsigned size)
{
    return (uint32_t)vm_ld_le(p + off, size);
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
    return vm_ld_le(p + off, 8);
}

/* The last header field this loader reads, and the protocol's largest
 * header (2.15: up to kernel_info_offset at 0x268). */
#define BZ_MIN_HEADER_END (BZ_INIT_SIZE + 4)
#define BZ_MAX_HEADER_END 0x290

int bzimage_parse(const void *data, size_t size, const char *name, struct bzimage *out)
{
    const uint8_t *p = data;
    memset(out, 0, sizeof(*out));
    snprintf(out->name, sizeof(out->name), "%s", name ? name : "bzImage");
    name = out->name;
    if (size < 1024)
        return vm_error(VM_EFORMAT, "'%s': %zu bytes: truncated, too short for a bzImage", name,
                        size);
    if (rd(p, BZ_BOOT_FLAG, 2) != 0xaa55)
        return vm_error(VM_EFORMAT, "'%s': not a bzImage (no 0xaa55 boot sector signature)", name);
    if (rd(p, BZ_HEADER, 4) != BZ_HDRS_MAGIC)
        return vm_error(VM_EFORMAT, "'%s': not a bzImage (no 'HdrS' setup header)", name);
    out->version = (uint16_t)rd(p, BZ_VERSION, 2);
    if (out->version < BZ_MIN_VERSION)
        return vm_error(VM_EFORMAT,
                        "'%s': boot protocol %u.%02u is too old: 64-bit direct boot needs 2.12",
                        name, out->version >> 8, out->version & 0xff);
    out->header_end = 0x202 + (size_t)p[BZ_JUMP + 1];
    if (out->header_end < BZ_MIN_HEADER_END || out->header_end > BZ_MAX_HEADER_END)
        return vm_error(VM_EFORMAT, "'%s': setup header length 0x%zx is impossible for protocol %u.%02u",
                        name, out->header_end - 0x1f1, out->version >> 8, out->version & 0xff);
    out->setup_sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4; /* 0 means 4 */
    out->kernel_offset = ((size_t)out->setup_sects + 1) * 512;
    if (out->kernel_offset >= size)
        return vm_error(VM_EFORMAT, "'%s': truncated: %u setup sectors but only %zu bytes", name,
                        out->setup_sects, size);
    out->kernel_size = size - out->kernel_offset;
    uint64_t syssize = (uint64_t)rd(p, 0x1f4, 4) * 16;
    uint64_t payload_end = (uint64_t)rd(p, BZ_PAYLOAD_OFFSET, 4) + rd(p, BZ_PAYLOAD_LENGTH, 4);
    if (syssize > out->kernel_size || payload_end > out->kernel_size)
        return vm_error(VM_EFORMAT,
                        "'%s': truncated: the header promises %" PRIu64 " bytes of kernel, the "
                        "file has %zu", name, syssize > payload_end ? syssize : payload_end,
                        out->kernel_size);
    out->loadflags = p[BZ_LOADFLAGS];
    if (!(out->loadflags & BZ_LOADED_HIGH))
        return vm_error(VM_EFORMAT, "'%s': a zImage (loaded low): only bzImages are supported", name);
    out->xloadflags = (uint16_t)rd(p, BZ_XLOADFLAGS, 2);
    if (!(out->xloadflags & BZ_XLF_KERNEL_64))
        return vm_error(VM_EFORMAT, "'%s': no 64-bit entry point (a 32-bit kernel?)", name);
    out->relocatable = p[BZ_RELOCATABLE] != 0;
    out->kernel_alignment = rd(p, BZ_KERNEL_ALIGNMENT, 4);
    out->initrd_addr_max = rd(p, BZ_INITRD_ADDR_MAX, 4);
    out->cmdline_size = rd(p, BZ_CMDLINE_SIZE, 4);
    out->pref_address = rd64(p, BZ_PREF_ADDRESS);
    out->init_size = rd(p, BZ_INIT_SIZE, 4);
    uint32_t a = out->kernel_alignment;
    if (out->relocatable && (a < 4096 || (a & (a - 1))))
        return vm_error(VM_EFORMAT, "'%s': kernel_alignment 0x%x is not a power of two >= 4 KiB",
                        name, a);
    if (!out->relocatable && (out->pref_address < MICROVM_HIMEM_START || out->pref_address % 4096))
        return vm_error(VM_EFORMAT, "'%s': not relocatable, and pref_address 0x%" PRIx64
                        " is not a page above 1 MiB", name, out->pref_address);
    if (out->init_size < out->kernel_size)
        return vm_error(VM_EFORMAT, "'%s': init_size 0x%x is smaller than the kernel (0x%zx bytes)",
                        name, out->init_size, out->kernel_size);
    if (out->cmdline_size == 0)
        return vm_error(VM_EFORMAT, "'%s': cmdline_size is 0", name);
    out->data = p;
    out->size = size;
    return 0;
}

unsigned microvm_e820(uint64_t ram_size, struct e820_entry *t, unsigned max)
{
    uint64_t low_end = ram_size < MICROVM_MMIO_HOLE_START ? ram_size : MICROVM_MMIO_HOLE_START;
    struct e820_entry all[4] = {
        {0, MICROVM_EBDA_START, E820_RAM},
        {MICROVM_EBDA_START, MICROVM_HIMEM_START - MICROVM_EBDA_START, E820_RESERVED},
        {MICROVM_HIMEM_START, low_end - MICROVM_HIMEM_START, E820_RAM},
        {MICROVM_HIGH_RAM_START, ram_size - low_end, E820_RAM},
    };
    unsigned n = 0;
    for (unsigned i = 0; i < 4 && n < max; i++)
        if (all[i].size)
            t[n++] = all[i];
    return n;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static int write_guest(struct vm_mem *mem, uint64_t pa, const void *src, size_t len,
                       const char *what)
{
    uint64_t fail;
    if (vm_mem_write(mem, pa, src, len, &fail) < 0)
        return vm_error(VM_EFAULT, "%s at 0x%" PRIx64 " (%zu bytes): guest address 0x%" PRIx64
                        " is not RAM", what, pa, len, fail);
    return 0;
}

static void put(uint8_t *bp, size_t off, unsigned size, uint64_t v)
{
    vm_st_le(bp + off, size, v);
}

int linux_boot_setup(struct vm_mem *mem, uint64_t ram_size, const uint8_t *image,
                     size_t header_end, uint32_t cmdline_size, uint32_t initrd_addr_max,
                     const char *cmdline, const void *initrd, size_t initrd_size,
                     struct linux_boot_layout *l)
{
    uint64_t low_end = ram_size < MICROVM_MMIO_HOLE_START ? ram_size : MICROVM_MMIO_HOLE_START;
    int rc;
    /* the command line, NUL-terminated, within the kernel's cmdline_size */
    cmdline = cmdline ? cmdline : "";
    size_t len = strlen(cmdline);
    size_t limit = cmdline_size;
    if (limit > MICROVM_CMDLINE_MAX - 1)
        limit = MICROVM_CMDLINE_MAX - 1;
    if (len > limit)
        return vm_error(VM_EINVAL, "kernel command line of %zu bytes: the kernel accepts at most %zu",
                        len, limit);
    l->cmdline = MICROVM_CMDLINE_ADDR;
    if ((rc = write_guest(mem, l->cmdline, cmdline, len + 1, "command line")) < 0)
        return rc;

    /* the initrd: as high as initrd_addr_max and low RAM allow, above the kernel */
    l->initrd = l->initrd_size = 0;
    if (initrd && initrd_size) {
        uint64_t max_end = (uint64_t)initrd_addr_max + 1;
        if (max_end > low_end)
            max_end = low_end;
        if (initrd_size > max_end || ((max_end - initrd_size) & ~0xfffULL) < l->kernel_end)
            return vm_error(VM_EINVAL,
                            "initrd of %zu KiB does not fit between the kernel (ends at 0x%" PRIx64
                            ") and 0x%" PRIx64 " (the kernel's initrd_addr_max or the end of "
                            "low RAM); give the machine more memory (-m)",
                            initrd_size >> 10, l->kernel_end, max_end);
        l->initrd = (max_end - initrd_size) & ~0xfffULL;
        l->initrd_size = initrd_size;
        if ((rc = write_guest(mem, l->initrd, initrd, initrd_size, "initrd")) < 0)
            return rc;
    }

    /* the zero page: the image's setup_header (or a minimal one), then
     * what the loader fills */
    uint8_t bp[BP_SIZE];
    memset(bp, 0, sizeof(bp));
    if (image) {
        memcpy(bp + BZ_SETUP_SECTS, image + BZ_SETUP_SECTS, header_end - BZ_SETUP_SECTS);
    } else {
        put(bp, BZ_BOOT_FLAG, 2, 0xaa55);
        put(bp, BZ_HEADER, 4, BZ_HDRS_MAGIC);
        put(bp, BZ_VERSION, 2, 0x020f);
        bp[BZ_LOADFLAGS] = BZ_LOADED_HIGH;
        put(bp, BZ_CMDLINE_SIZE, 4, cmdline_size);
        put(bp, BZ_INITRD_ADDR_MAX, 4, initrd_addr_max);
    }
    bp[BZ_TYPE_OF_LOADER] = 0xff; /* undefined loader */
    put(bp, BZ_CODE32_START, 4, l->kernel_addr);
    put(bp, BZ_CMD_LINE_PTR, 4, l->cmdline);
    put(bp, BZ_RAMDISK_IMAGE, 4, l->initrd);
    put(bp, BZ_RAMDISK_SIZE, 4, l->initrd_size);
    struct e820_entry e820[BP_E820_MAX];
    unsigned n = microvm_e820(ram_size, e820, BP_E820_MAX);
    bp[BP_E820_ENTRIES] = (uint8_t)n;
    for (unsigned i = 0; i < n; i++) {
        put(bp, BP_E820_TABLE + i * 20, 8, e820[i].addr);
        put(bp, BP_E820_TABLE + i * 20 + 8, 8, e820[i].size);
        put(bp, BP_E820_TABLE + i * 20 + 16, 4, e820[i].type);
    }
    l->zero_page = MICROVM_ZERO_PAGE_ADDR;
    return write_guest(mem, l->zero_page, bp, sizeof(bp), "zero page");
}

int bzimage_load(const struct bzimage *bz, struct vm_mem *mem, uint64_t ram_size,
                 const char *cmdline, const void *initrd, size_t initrd_size,
                 struct linux_boot_layout *out)
{
    const char *name = bz->name;
    uint64_t low_end = ram_size < MICROVM_MMIO_HOLE_START ? ram_size : MICROVM_MMIO_HOLE_START;
    memset(out, 0, sizeof(*out));

    /* the kernel: at 1 MiB when relocatable (it moves itself to an aligned
     * address and uses init_size bytes from there), else at pref_address */
    out->kernel_addr = bz->relocatable ? MICROVM_KERNEL_ADDR : bz->pref_address;
    uint64_t run_addr = bz->relocatable ? align_up(out->kernel_addr, bz->kernel_alignment)
                                        : out->kernel_addr;
    out->kernel_end = run_addr + bz->init_size;
    out->entry = out->kernel_addr + BZ_ENTRY_64_OFFSET;
    if (out->kernel_end > low_end)
        return vm_error(VM_EINVAL,
                        "'%s': the kernel needs RAM up to 0x%" PRIx64 " (%" PRIu64 " MiB) below "
                        "the MMIO hole; the machine has %" PRIu64 " MiB there (use -m)",
                        name, out->kernel_end, (out->kernel_end + (1 << 20) - 1) >> 20,
                        low_end >> 20);
    int rc = write_guest(mem, out->kernel_addr, bz->data + bz->kernel_offset, bz->kernel_size,
                         "kernel");
    if (rc < 0)
        return rc;
    rc = linux_boot_setup(mem, ram_size, bz->data, bz->header_end, bz->cmdline_size,
                          bz->initrd_addr_max, cmdline, initrd, initrd_size, out);
    if (rc < 0 && strstr(vm_error_message(), "command line")) {
        char why[256];
        snprintf(why, sizeof(why), "%s", vm_error_message());
        return vm_error(VM_EINVAL, "'%s': %s", name, why);
    }
    return rc;
}
