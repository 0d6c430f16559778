/* The bzImage loader on Debian's real linux-image-amd64 bzImage: header
 * parsing, the zero page, e820, command line and initrd placement against
 * the Linux x86 boot protocol's rules, and corrupt or truncated images
 * refused with clear errors. The image comes from $VM_BZIMAGE, else from
 * the assets directory CMake was given (VM_X86_64_ASSETS, filled by
 * scripts/fetch-guest-x86_64.sh); without it the test skips (exit 77). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards/x86-microvm/bzimage.h"
#include "boards/x86-microvm/microvm_layout.h"
#include "vm/error.h"
#include "vm/mem.h"

#ifndef VM_X86_64_ASSETS
#define VM_X86_64_ASSETS ""
#endif

static uint8_t *image;
static size_t image_size;
static char image_path[512];

static uint64_t le(const uint8_t *p, size_t off, unsigned size)
{
    return vm_ld_le(p + off, size);
}

static int load_image(void)
{
    const char *env = getenv("VM_BZIMAGE");
    if (env && *env)
        snprintf(image_path, sizeof(image_path), "%s", env);
    else if (*VM_X86_64_ASSETS)
        snprintf(image_path, sizeof(image_path), "%s/bzImage", VM_X86_64_ASSETS);
    else
        return -1;
    FILE *f = fopen(image_path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    image = malloc((size_t)n);
    image_size = image && n > 0 ? fread(image, 1, (size_t)n, f) : 0;
    fclose(f);
    return image_size == (size_t)n && n > 0 ? 0 : -1;
}

static struct vm_mem *make_ram(uint64_t size)
{
    struct vm_mem *mem = vm_mem_create();
    assert_non_null(mem);
    uint64_t low = size < MICROVM_MMIO_HOLE_START ? size : MICROVM_MMIO_HOLE_START;
    assert_int_equal(vm_mem_add_ram(mem, 0, low, "ram-low"), 0);
    if (size > low)
        assert_int_equal(vm_mem_add_ram(mem, MICROVM_HIGH_RAM_START, size - low, "ram-high"), 0);
    return mem;
}

static void test_header_parsed(void **state)
{
    struct bzimage bz;
    assert_int_equal(bzimage_parse(image, image_size, image_path, &bz), 0);
    assert_int_equal(bz.version, le(image, BZ_VERSION, 2));
    assert_true(bz.version >= BZ_MIN_VERSION);
    assert_int_equal(bz.setup_sects, image[BZ_SETUP_SECTS] ? image[BZ_SETUP_SECTS] : 4);
    assert_int_equal(bz.kernel_offset, (bz.setup_sects + 1u) * 512u);
    assert_int_equal(bz.kernel_size, image_size - bz.kernel_offset);
    assert_true(bz.loadflags & BZ_LOADED_HIGH);
    assert_true(bz.xloadflags & BZ_XLF_KERNEL_64);
    assert_true(bz.relocatable); /* Debian builds CONFIG_RELOCATABLE */
    assert_int_equal(bz.kernel_alignment & (bz.kernel_alignment - 1), 0);
    assert_int_equal(bz.kernel_alignment, le(image, BZ_KERNEL_ALIGNMENT, 4));
    assert_int_equal(bz.cmdline_size, le(image, BZ_CMDLINE_SIZE, 4));
    assert_int_equal(bz.initrd_addr_max, le(image, BZ_INITRD_ADDR_MAX, 4));
    assert_true(bz.init_size >= bz.kernel_size);
    assert_int_equal(bz.header_end, 0x202u + image[0x201]);
    printf("bzImage: protocol %u.%02u, %u setup sectors, %zu KiB kernel, init_size %u KiB, "
           "alignment 0x%x\n", bz.version >> 8, bz.version & 0xff, bz.setup_sects,
           bz.kernel_size >> 10, bz.init_size >> 10, bz.kernel_alignment);
}

#define RAM (256ULL << 20)
#define INITRD_SIZE (3u << 20)
static const char cmdline[] = "console=ttyS0 reboot=k panic=1 quiet";

struct loaded {
    struct vm_mem *mem;
    struct bzimage bz;
    struct linux_boot_layout l;
    uint8_t bp[BP_SIZE];
    uint8_t *initrd;
};

static void load(struct loaded *x, uint64_t ram)
{
    assert_int_equal(bzimage_parse(image, image_size, image_path, &x->bz), 0);
    x->mem = make_ram(ram);
    x->initrd = malloc(INITRD_SIZE);
    assert_non_null(x->initrd);
    for (size_t i = 0; i < INITRD_SIZE; i++)
        x->initrd[i] = (uint8_t)(i * 31 + 7);
    int rc = bzimage_load(&x->bz, x->mem, ram, cmdline, x->initrd, INITRD_SIZE, &x->l);
    if (rc < 0)
        fail_msg("%s", vm_error_message());
    assert_int_equal(vm_mem_read(x->mem, x->l.zero_page, x->bp, BP_SIZE, NULL), 0);
}

static void unload(struct loaded *x)
{
    vm_mem_destroy(x->mem);
    free(x->initrd);
}

static void test_zero_page(void **state)
{
    struct loaded x;
    load(&x, RAM);
    /* the setup_header is the image's, except what the loader must fill */
    for (size_t off = BZ_SETUP_SECTS; off < x.bz.header_end; off++) {
        bool filled = off == BZ_TYPE_OF_LOADER || (off >= BZ_CODE32_START && off < BZ_CODE32_START + 4) ||
                      (off >= BZ_RAMDISK_IMAGE && off < BZ_RAMDISK_SIZE + 4) ||
                      (off >= BZ_CMD_LINE_PTR && off < BZ_CMD_LINE_PTR + 4);
        if (!filled && x.bp[off] != image[off])
            fail_msg("zero page byte 0x%zx differs from the image's header", off);
    }
    assert_int_equal(le(x.bp, BZ_BOOT_FLAG, 2), 0xaa55);
    assert_int_equal(le(x.bp, BZ_HEADER, 4), BZ_HDRS_MAGIC);
    assert_int_equal(x.bp[BZ_TYPE_OF_LOADER], 0xff);
    assert_int_equal(le(x.bp, BZ_CMD_LINE_PTR, 4), x.l.cmdline);
    assert_int_equal(le(x.bp, BZ_RAMDISK_IMAGE, 4), x.l.initrd);
    assert_int_equal(le(x.bp, BZ_RAMDISK_SIZE, 4), INITRD_SIZE);
    assert_int_equal(le(x.bp, BP_EXT_RAMDISK_IMAGE, 4), 0);
    assert_int_equal(le(x.bp, BP_EXT_CMD_LINE_PTR, 4), 0);
    /* nothing past the header and the fields a loader owns */
    for (size_t off = x.bz.header_end; off < BP_E820_TABLE; off++)
        assert_int_equal(x.bp[off], 0);
    /* the protected-mode kernel at its load address, the 64-bit entry at +0x200 */
    assert_int_equal(x.l.kernel_addr, MICROVM_KERNEL_ADDR);
    assert_int_equal(x.l.entry, x.l.kernel_addr + 0x200);
    void *k = vm_mem_ram_ptr(x.mem, x.l.kernel_addr, x.bz.kernel_size);
    assert_non_null(k);
    assert_memory_equal(k, image + x.bz.kernel_offset, x.bz.kernel_size);
    uint64_t aligned = (x.l.kernel_addr + x.bz.kernel_alignment - 1) & ~(uint64_t)(x.bz.kernel_alignment - 1);
    assert_int_equal(x.l.kernel_end, aligned + x.bz.init_size);
    /* boot structures stay clear of the kernel */
    assert_true(x.l.zero_page + BP_SIZE <= x.l.kernel_addr);
    assert_true(x.l.cmdline + x.bz.cmdline_size + 1 <= x.l.kernel_addr);
    unload(&x);
}

static bool inside_ram(const struct e820_entry *t, unsigned n, uint64_t a, uint64_t len)
{
    for (unsigned i = 0; i < n; i++)
        if (t[i].type == E820_RAM && a >= t[i].addr && a + len <= t[i].addr + t[i].size)
            return true;
    return false;
}

static void check_e820(const struct e820_entry *t, unsigned n, uint64_t ram)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < n; i++) {
        assert_true(t[i].size > 0);
        if (i)
            assert_true(t[i].addr >= t[i - 1].addr + t[i - 1].size); /* sorted, disjoint */
        if (t[i].type == E820_RAM) {
            total += t[i].size;
            /* RAM never in the MMIO hole */
            assert_true(t[i].addr + t[i].size <= MICROVM_MMIO_HOLE_START ||
                        t[i].addr >= MICROVM_MMIO_HOLE_END);
        }
    }
    assert_int_equal(total + (MICROVM_HIMEM_START - MICROVM_EBDA_START), ram);
    assert_int_equal(t[0].addr, 0);
    assert_int_equal(t[0].type, E820_RAM);
    assert_int_equal(t[1].addr, MICROVM_EBDA_START);
    assert_int_equal(t[1].type, E820_RESERVED); /* EBDA (MP table) and BIOS area */
}

static void test_e820(void **state)
{
    struct loaded x;
    load(&x, RAM);
    unsigned n = x.bp[BP_E820_ENTRIES];
    assert_true(n >= 3 && n <= BP_E820_MAX);
    struct e820_entry t[BP_E820_MAX] = {{0, 0, 0}};
    for (unsigned i = 0; i < n; i++) {
        t[i].addr = le(x.bp, BP_E820_TABLE + i * 20, 8);
        t[i].size = le(x.bp, BP_E820_TABLE + i * 20 + 8, 8);
        t[i].type = (uint32_t)le(x.bp, BP_E820_TABLE + i * 20 + 16, 4);
    }
    check_e820(t, n, RAM);
    assert_true(inside_ram(t, n, x.l.kernel_addr, x.l.kernel_end - x.l.kernel_addr));
    assert_true(inside_ram(t, n, x.l.zero_page, BP_SIZE));
    assert_true(inside_ram(t, n, x.l.cmdline, sizeof(cmdline)));
    assert_true(inside_ram(t, n, x.l.initrd, INITRD_SIZE));
    unload(&x);
    /* more RAM than fits below the hole continues at 4 GiB */
    struct e820_entry big[8];
    n = microvm_e820(5ULL << 30, big, 8);
    check_e820(big, n, 5ULL << 30);
    assert_int_equal(big[n - 1].addr, MICROVM_HIGH_RAM_START);
    assert_int_equal(big[n - 1].size, (5ULL << 30) - MICROVM_MMIO_HOLE_START);
}

static void test_cmdline(void **state)
{
    struct loaded x;
    load(&x, RAM);
    char got[sizeof(cmdline)];
    assert_int_equal(vm_mem_read(x.mem, x.l.cmdline, got, sizeof(got), NULL), 0);
    assert_string_equal(got, cmdline); /* NUL included */
    /* exactly cmdline_size bytes is fine, one more is refused */
    size_t max = x.bz.cmdline_size;
    char *s = malloc(max + 2);
    assert_non_null(s);
    memset(s, 'x', max + 1);
    s[max] = '\0';
    struct linux_boot_layout l;
    assert_int_equal(bzimage_load(&x.bz, x.mem, RAM, s, NULL, 0, &l), 0);
    s[max] = 'x';
    s[max + 1] = '\0';
    assert_int_equal(bzimage_load(&x.bz, x.mem, RAM, s, NULL, 0, &l), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "command line"));
    free(s);
    unload(&x);
}

static void test_initrd_placement(void **state)
{
    struct loaded x;
    load(&x, RAM);
    assert_int_equal(x.l.initrd % 4096, 0);
    assert_true(x.l.initrd + INITRD_SIZE <= (uint64_t)x.bz.initrd_addr_max + 1);
    assert_true(x.l.initrd + INITRD_SIZE <= RAM);
    assert_true(x.l.initrd >= x.l.kernel_end); /* clear of the kernel's init_size */
    assert_true(RAM - (x.l.initrd + INITRD_SIZE) < 4096); /* as high as it goes */
    void *p = vm_mem_ram_ptr(x.mem, x.l.initrd, INITRD_SIZE);
    assert_non_null(p);
    assert_memory_equal(p, x.initrd, INITRD_SIZE);

    /* an initrd that only fits over the kernel is refused */
    struct linux_boot_layout l;
    size_t too_big = (size_t)(RAM - x.l.kernel_end) + 4096;
    uint8_t *big = calloc(1, too_big);
    assert_non_null(big);
    assert_int_equal(bzimage_load(&x.bz, x.mem, RAM, "", big, too_big, &l), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "initrd"));
    free(big);
    unload(&x);

    /* RAM smaller than the kernel's init_size is refused, naming -m */
    struct vm_mem *small = make_ram(32ULL << 20);
    assert_int_equal(bzimage_load(&x.bz, small, 32ULL << 20, "", NULL, 0, &l), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "-m"));
    vm_mem_destroy(small);
}

/* One corruption: copy the image, change it, expect -VM_EFORMAT and a
 * message with `words` in it. */
static void expect_refused(size_t size, void (*corrupt)(uint8_t *), const char *words)
{
    uint8_t *copy = malloc(image_size);
    assert_non_null(copy);
    memcpy(copy, image, image_size);
    if (corrupt)
        corrupt(copy);
    struct bzimage bz;
    int rc = bzimage_parse(copy, size, "bad.bzImage", &bz);
    if (rc != -VM_EFORMAT || !strstr(vm_error_message(), words) ||
        !strstr(vm_error_message(), "bad.bzImage"))
        fail_msg("expected a refusal with '%s', got %d: %s", words, rc, vm_error_message());
    free(copy);
}

static void no_magic(uint8_t *p) { memcpy(p + BZ_HEADER, "HdrX", 4); }
static void no_boot_flag(uint8_t *p) { p[BZ_BOOT_FLAG] = 0; }
static void old_protocol(uint8_t *p) { vm_st_le(p + BZ_VERSION, 2, 0x0204); }
static void zimage(uint8_t *p) { p[BZ_LOADFLAGS] &= (uint8_t)~BZ_LOADED_HIGH; }
static void no_64bit(uint8_t *p) { vm_st_le(p + BZ_XLOADFLAGS, 2, 0); }
static void short_header(uint8_t *p) { p[BZ_JUMP + 1] = 0x10; }
static void bad_alignment(uint8_t *p) { vm_st_le(p + BZ_KERNEL_ALIGNMENT, 4, 0x3000); }
static void huge_setup(uint8_t *p) { p[BZ_SETUP_SECTS] = 0xff; }
static void small_init_size(uint8_t *p) { vm_st_le(p + BZ_INIT_SIZE, 4, 0x1000); }

static void test_corrupt_refused(void **state)
{
    expect_refused(image_size, no_magic, "not a bzImage");
    expect_refused(image_size, no_boot_flag, "not a bzImage");
    expect_refused(image_size, old_protocol, "too old");
    expect_refused(image_size, zimage, "zImage");
    expect_refused(image_size, no_64bit, "64-bit");
    expect_refused(image_size, short_header, "header length");
    expect_refused(image_size, bad_alignment, "power of two");
    expect_refused(image_size, small_init_size, "init_size");
    expect_refused(600, NULL, "too short");
    expect_refused(image_size / 2, NULL, "truncated");
    /* one byte short of what syssize (0x1f4, in 16-byte units) promises */
    size_t setup = ((size_t)(image[BZ_SETUP_SECTS] ? image[BZ_SETUP_SECTS] : 4) + 1) * 512;
    expect_refused(setup + le(image, 0x1f4, 4) * 16 - 1, NULL, "truncated");
    expect_refused(40000, huge_setup, "truncated");
}

int main(void)
{
    if (load_image() < 0) {
        printf("SKIP: no x86-64 bzImage (set VM_BZIMAGE, or run scripts/fetch-guest-x86_64.sh "
               "and reconfigure with -DVM_X86_64_ASSETS=DIR)%s%s\n",
               *image_path ? ": cannot read " : "", image_path);
        return 77;
    }
    printf("bzImage: %s (%zu bytes)\n", image_path, image_size);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_parsed),
        cmocka_unit_test(test_zero_page),
        cmocka_unit_test(test_e820),
        cmocka_unit_test(test_cmdline),
        cmocka_unit_test(test_initrd_placement),
        cmocka_unit_test(test_corrupt_refused),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(image);
    return failed;
}
