/* Boot image recognition (src/core/image_probe.c): each format from its
 * first bytes, with the architecture it is for, and the non-kernels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "core/image_probe.h"
#include "vm/error.h"

static uint8_t buf[0x10000];

static void probe(size_t len, enum vm_image_kind kind, const char *arch, const char *what)
{
    struct vm_image_probe p;
    vm_image_probe(buf, len, len, &p);
    assert_int_equal(p.kind, kind);
    if (arch)
        assert_string_equal(p.arch, arch);
    else
        assert_null(p.arch);
    assert_non_null(strstr(p.what, what));
}

static void kernels(void **state)
{
    memset(buf, 0x13, sizeof(buf)); /* nops: code-like, not text, not random */
    memcpy(buf, "\177ELF\2\1\1", 7);
    buf[0x12] = 243, buf[0x13] = 0;
    probe(4096, VM_IMAGE_ELF, "riscv64", "ELF for riscv64");
    buf[0x12] = 62;
    probe(4096, VM_IMAGE_ELF, "x86-64", "ELF for x86-64");

    memset(buf, 0x13, sizeof(buf));
    memcpy(buf + 0x38, "RSC\x05", 4);
    probe(4096, VM_IMAGE_LINUX, "riscv64", "riscv64 Linux Image");
    memset(buf, 0x13, sizeof(buf));
    memcpy(buf + 0x30, "RISCV\0\0\0", 8); /* only the deprecated magic */
    probe(4096, VM_IMAGE_LINUX, "riscv64", "Linux Image");
    memset(buf, 0x13, sizeof(buf));
    memcpy(buf + 0x38, "ARM\x64", 4);
    probe(4096, VM_IMAGE_LINUX, "arm64", "arm64 Linux Image");

    memset(buf, 0x13, sizeof(buf));
    buf[0x1fe] = 0x55, buf[0x1ff] = 0xaa;
    memcpy(buf + 0x202, "HdrS", 4);
    buf[0x206] = 0x0f, buf[0x207] = 0x02, buf[0x236] = 1;
    probe(4096, VM_IMAGE_BZIMAGE, "x86-64", "x86-64 kernel (bzImage)");
    buf[0x236] = 0; /* not XLF_KERNEL_64 */
    probe(4096, VM_IMAGE_BZIMAGE, "x86", "an x86 kernel");

    memset(buf, 0x13, sizeof(buf));
    memcpy(buf, "MZ", 2);
    memcpy(buf + 0x3c, "\x80\0\0\0", 4); /* e_lfanew */
    memcpy(buf + 0x80, "PE\0\0\x64\xaa", 6);
    probe(4096, VM_IMAGE_PE, "arm64", "EFI application (PE) for arm64");
    memcpy(buf + 4, "zimg", 4);
    probe(4096, VM_IMAGE_EFI_ZBOOT, "arm64", "EFI zboot image for arm64");
}

static void compressed_and_uimage(void **state)
{
    memset(buf, 0x13, sizeof(buf));
    memcpy(buf, "\x1f\x8b\x08", 3);
    probe(4096, VM_IMAGE_GZIP, NULL, "gzip");
    memcpy(buf, "\x28\xb5\x2f\xfd", 4);
    probe(4096, VM_IMAGE_COMPRESSED, NULL, "zstd");
    memcpy(buf, "BZh9", 4);
    probe(4096, VM_IMAGE_COMPRESSED, NULL, "bzip2");

    /* A uImage: the header's CRC and the data's are checked. */
    memset(buf, 0, sizeof(buf));
    uint8_t *h = buf, *data = buf + VM_UIMAGE_HEADER_SIZE;
    memset(data, 0x13, 256);
    uint32_t dcrc = (uint32_t)crc32(0, data, 256);
    const uint32_t fields[] = {VM_UIMAGE_MAGIC, 0, 0, 256, 0x80200000, 0x80200000, dcrc};
    for (unsigned i = 0; i < 7; i++)
        for (unsigned b = 0; b < 4; b++)
            h[4 * i + b] = (uint8_t)(fields[i] >> (24 - 8 * b));
    h[28] = 5, h[29] = VM_UIMAGE_ARCH_RISCV, h[30] = VM_UIMAGE_TYPE_KERNEL, h[31] = 0;
    memcpy(h + 32, "test", 4);
    uint32_t hcrc = (uint32_t)crc32(0, h, VM_UIMAGE_HEADER_SIZE);
    for (unsigned b = 0; b < 4; b++)
        h[4 + b] = (uint8_t)(hcrc >> (24 - 8 * b));
    probe(VM_UIMAGE_HEADER_SIZE + 256, VM_IMAGE_UIMAGE, "riscv64", "U-Boot image");
    struct vm_uimage u;
    assert_int_equal(vm_uimage_parse(buf, VM_UIMAGE_HEADER_SIZE + 256, "kernel", "k", &u), 0);
    assert_int_equal(u.load, 0x80200000);
    assert_int_equal(u.size, 256);
    assert_string_equal(u.name, "test");
    assert_int_equal(vm_uimage_parse(buf, VM_UIMAGE_HEADER_SIZE + 200, "kernel", "k", &u),
                     -VM_EFORMAT);
    assert_non_null(strstr(vm_error_message(), "truncated U-Boot image"));
    data[10] ^= 1;
    assert_int_equal(vm_uimage_parse(buf, VM_UIMAGE_HEADER_SIZE + 256, "kernel", "k", &u),
                     -VM_EFORMAT);
    assert_non_null(strstr(vm_error_message(), "data checksum mismatch"));
    h[40] ^= 1;
    assert_int_equal(vm_uimage_parse(buf, VM_UIMAGE_HEADER_SIZE + 256, "kernel", "k", &u),
                     -VM_EFORMAT);
    assert_non_null(strstr(vm_error_message(), "header checksum mismatch"));
}

static void not_kernels(void **state)
{
    memset(buf, 0, sizeof(buf));
    memcpy(buf, "070701", 6);
    probe(4096, VM_IMAGE_NOT_KERNEL, NULL, "give it with -initrd");
    memcpy(buf, "\xd0\x0d\xfe\xed", 4);
    probe(4096, VM_IMAGE_NOT_KERNEL, NULL, "device tree");
    memset(buf, 0, sizeof(buf));
    probe(4096, VM_IMAGE_NOT_KERNEL, NULL, "all zero bytes");
    for (unsigned i = 0; i < 4096; i++)
        buf[i] = "Hello, world.\n"[i % 14];
    probe(4096, VM_IMAGE_NOT_KERNEL, NULL, "a text file");
    memcpy(buf + 100, "\xc3\xa9t\xc3\xa9", 5); /* UTF-8 is text too */
    probe(4096, VM_IMAGE_NOT_KERNEL, NULL, "a text file");
    /* Random bytes (a fixed generator, so the test is repeatable). */
    uint64_t x = 88172645463325252ULL;
    for (unsigned i = 0; i < sizeof(buf); i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
    probe(sizeof(buf), VM_IMAGE_NOISE, NULL, "random or compressed data");
    probe(4096, VM_IMAGE_NOISE, NULL, "random or compressed data");
    /* Too little of it to judge: a raw binary. */
    probe(1024, VM_IMAGE_RAW, NULL, "raw binary");
    /* Code-like bytes (a few opcodes repeated) are a raw binary. */
    for (unsigned i = 0; i < sizeof(buf); i += 4)
        memcpy(buf + i, (const uint8_t[][4]){{0x13, 0, 0, 0}, {0x93, 0x87, 0x17, 0}, {0x6f, 0, 0, 0x80},
                                          {0x23, 0x30, 0xa1, 0}}[(i / 4) % 4], 4);
    probe(sizeof(buf), VM_IMAGE_RAW, NULL, "raw binary");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kernels),
        cmocka_unit_test(compressed_and_uimage),
        cmocka_unit_test(not_kernels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
