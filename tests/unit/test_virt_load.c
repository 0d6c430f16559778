/* riscv-virt image loading: raw and ELF firmware (a position-independent
 * ELF linked at 0 goes to the RAM base, as OpenSBI 1.6's do), the Linux
 * Image header (image_size counts in the kernel's end), raw kernels, and
 * clear messages for missing, empty or oversized images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "boards/riscv-virt/virt_layout.h"
#include "boards/riscv-virt/virt_load.h"
#include "boards/riscv-virt/virt_rom.h"
#include "elf_builder.h"
#include "vm/elf.h"
#include "vm/error.h"

#define RAM (64ULL << 20)

static int setup(void **state)
{
    struct vm_mem *mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(mem, VIRT_DRAM_BASE, RAM, "ram"), 0);
    *state = mem;
    return 0;
}

static int teardown(void **state)
{
    vm_mem_destroy(*state);
    return 0;
}

static void write_temp(const void *data, size_t size, char path[64])
{
    eb_write_temp(data, size, path);
}

static void test_raw_firmware(void **state)
{
    struct vm_mem *mem = *state;
    uint8_t fw[5000];
    for (size_t i = 0; i < sizeof(fw); i++)
        fw[i] = (uint8_t)(i * 7);
    char path[64];
    write_temp(fw, sizeof(fw), path);
    struct virt_image img;
    assert_int_equal(virt_load_firmware(mem, path, &img), 0);
    unlink(path);
    assert_int_equal(img.kind, VIRT_IMAGE_RAW);
    assert_int_equal(img.start, VIRT_DRAM_BASE);
    assert_int_equal(img.end, VIRT_DRAM_BASE + sizeof(fw));
    assert_int_equal(img.entry, VIRT_DRAM_BASE);
    assert_memory_equal(vm_mem_ram_ptr(mem, VIRT_DRAM_BASE, sizeof(fw)), fw, sizeof(fw));
    assert_int_equal(virt_kernel_addr(img.end), VIRT_KERNEL_DEFAULT_ADDR);
}

/* Position-independent (ET_DYN) ELF linked at 0: moved to the RAM base,
 * entry with it. */
static void test_pic_elf_firmware(void **state)
{
    struct vm_mem *mem = *state;
    static uint8_t buf[16384];
    const uint8_t a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
    const struct eb_segment segs[] = {{0x0, a, 4, 4}, {0x40000, b, 4, 0x100}};
    struct eb_layout lay;
    size_t n = eb_build(buf, VM_ELF_EM_RISCV, 0x10, segs, 2, NULL, 0, &lay);
    eb_put(buf + 16, 3, 2); /* ET_DYN */
    char path[64];
    write_temp(buf, n, path);
    struct virt_image img;
    assert_int_equal(virt_load_firmware(mem, path, &img), 0);
    unlink(path);
    assert_int_equal(img.kind, VIRT_IMAGE_ELF);
    assert_int_equal(img.start, VIRT_DRAM_BASE);
    assert_int_equal(img.end, VIRT_DRAM_BASE + 0x40100);
    assert_int_equal(img.entry, VIRT_DRAM_BASE + 0x10);
    assert_memory_equal(vm_mem_ram_ptr(mem, VIRT_DRAM_BASE, 4), a, 4);
    assert_memory_equal(vm_mem_ram_ptr(mem, VIRT_DRAM_BASE + 0x40000, 4), b, 4);
}

/* A fixed-address ELF (ET_EXEC) loads where it is linked. */
static void test_exec_elf_kernel(void **state)
{
    struct vm_mem *mem = *state;
    static uint8_t buf[16384];
    const uint8_t a[] = {0x13, 0, 0, 0};
    const struct eb_segment segs[] = {{VIRT_DRAM_BASE + 0x300000, a, 4, 4}};
    struct eb_layout lay;
    size_t n = eb_build(buf, VM_ELF_EM_RISCV, VIRT_DRAM_BASE + 0x300000, segs, 1, NULL, 0, &lay);
    char path[64];
    write_temp(buf, n, path);
    struct virt_image img;
    assert_int_equal(virt_load_kernel(mem, path, VIRT_KERNEL_DEFAULT_ADDR, &img), 0);
    unlink(path);
    assert_int_equal(img.kind, VIRT_IMAGE_ELF);
    assert_int_equal(img.entry, VIRT_DRAM_BASE + 0x300000);
}

/* The RISC-V Image header (with an EFI stub's "MZ" in code0): recognised,
 * and the kernel's end is start + image_size, past the file's end. */
static void test_linux_image(void **state)
{
    struct vm_mem *mem = *state;
    uint8_t img_file[4096] = {'M', 'Z'};
    eb_put(img_file + VIRT_IMAGE_TEXT_OFFSET, 0x200000, 8);
    eb_put(img_file + VIRT_IMAGE_SIZE, 0x180000, 8);
    memcpy(img_file + VIRT_IMAGE_MAGIC, "RISCV\0\0\0", 8);
    memcpy(img_file + VIRT_IMAGE_MAGIC2, "RSC\x05", 4);
    char path[64];
    write_temp(img_file, sizeof(img_file), path);
    struct virt_image img;
    assert_int_equal(virt_load_kernel(mem, path, VIRT_KERNEL_DEFAULT_ADDR, &img), 0);
    assert_int_equal(img.kind, VIRT_IMAGE_LINUX);
    assert_int_equal(img.start, VIRT_KERNEL_DEFAULT_ADDR);
    assert_int_equal(img.end, VIRT_KERNEL_DEFAULT_ADDR + 0x180000);
    assert_int_equal(img.entry, VIRT_KERNEL_DEFAULT_ADDR);

    /* an image_size beyond RAM is refused with a message */
    eb_put(img_file + VIRT_IMAGE_SIZE, RAM, 8);
    write_temp(img_file, sizeof(img_file), path);
    assert_int_equal(virt_load_kernel(mem, path, VIRT_KERNEL_DEFAULT_ADDR, &img), -VM_EINVAL);
    unlink(path);
    assert_non_null(strstr(vm_error_message(), "does not fit in guest RAM"));
}

/* Without the header: a raw binary (U-Boot), entered at its start. */
static void test_raw_kernel(void **state)
{
    struct vm_mem *mem = *state;
    uint8_t bin[256] = {0x6f};
    char path[64];
    write_temp(bin, sizeof(bin), path);
    struct virt_image img;
    assert_int_equal(virt_load_kernel(mem, path, VIRT_KERNEL_DEFAULT_ADDR, &img), 0);
    unlink(path);
    assert_int_equal(img.kind, VIRT_IMAGE_RAW);
    assert_int_equal(img.end, VIRT_KERNEL_DEFAULT_ADDR + sizeof(bin));
}

static void test_bad_files(void **state)
{
    struct vm_mem *mem = *state;
    struct virt_image img;
    assert_int_equal(virt_load_firmware(mem, "/nonexistent/fw.bin", &img), -VM_ENOENT);
    assert_non_null(strstr(vm_error_message(), "firmware '/nonexistent/fw.bin'"));

    char path[64];
    write_temp("", 0, path);
    assert_int_equal(virt_load_initrd(mem, path, VIRT_DRAM_BASE + 0x1000000, &img), -VM_EFORMAT);
    assert_non_null(strstr(vm_error_message(), "the file is empty"));
    unlink(path);

    /* an initrd placed too close to the end of RAM */
    uint8_t data[8192] = {0};
    write_temp(data, sizeof(data), path);
    assert_int_equal(virt_load_initrd(mem, path, VIRT_DRAM_BASE + RAM - 4096, &img), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "initrd"));
    assert_non_null(strstr(vm_error_message(), "-m"));

    /* a truncated ELF is refused by the ELF parser, naming the file */
    write_temp("\177ELF\2\1\1", 7, path);
    assert_true(virt_load_kernel(mem, path, VIRT_KERNEL_DEFAULT_ADDR, &img) < 0);
    assert_non_null(strstr(vm_error_message(), path));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_raw_firmware, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pic_elf_firmware, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exec_elf_kernel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linux_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw_kernel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
