/* The ELF loader: a good image loads and its symbols resolve; every kind
 * of malformed input is refused with a message; random corruption never
 * crashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "elf_builder.h"
#include "vm/elf.h"
#include "vm/error.h"
#include "vm/mem.h"

#define RAM 0x80000000ULL
static uint8_t image[16384];
static const uint8_t payload[] = {0x13, 0x05, 0x10, 0x00, 0x73, 0x00, 0x10, 0x00};

static size_t good_image(struct eb_layout *layout)
{
    struct eb_segment seg[2] = {{RAM, payload, sizeof(payload), 16},
                                {RAM + 0x1000, payload, 4, 4}};
    struct eb_symbol syms[2] = {{"tohost", RAM + 0x1000}, {"fromhost", RAM + 0x1040}};
    return eb_build(image, VM_ELF_EM_RISCV, RAM, seg, 2, syms, 2, layout);
}

/* Parsing must fail with `code` and a message containing `text`. */
static void expect_refused(size_t size, int code, const char *text)
{
    struct vm_elf *e = (struct vm_elf *)1;
    int rc = vm_elf_parse(image, size, "x.elf", &e);
    if (rc != -code)
        fail_msg("parse returned %d (%s), expected %d", rc, vm_error_message(), -code);
    assert_null(e);
    if (!strstr(vm_error_message(), text))
        fail_msg("message '%s' lacks '%s'", vm_error_message(), text);
    assert_non_null(strstr(vm_error_message(), "x.elf"));
}

static void test_good_image(void **state)
{
    (void)state;
    size_t size = good_image(NULL);
    struct vm_elf *e;
    assert_int_equal(vm_elf_parse(image, size, "good.elf", &e), 0);
    assert_int_equal(vm_elf_machine(e), VM_ELF_EM_RISCV);
    assert_int_equal(vm_elf_check_machine(e, VM_ELF_EM_RISCV), 0);
    assert_int_equal(vm_elf_entry(e), RAM);
    assert_int_equal(vm_elf_load_count(e), 2);
    assert_int_equal(vm_elf_load_segment(e, 0)->memsz, 16);
    assert_null(vm_elf_load_segment(e, 2));
    uint64_t v;
    assert_int_equal(vm_elf_symbol(e, "tohost", &v), 0);
    assert_int_equal(v, RAM + 0x1000);
    assert_int_equal(vm_elf_symbol(e, "fromhost", &v), 0);
    assert_int_equal(v, RAM + 0x1040);
    assert_int_equal(vm_elf_symbol(e, "nothere", &v), -VM_ENOENT);
    assert_int_equal(vm_elf_symbol(e, "", &v), 0); /* the null symbol's empty name */

    struct vm_mem *mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(mem, RAM, 1 << 20, "ram"), 0);
    uint8_t junk[16];
    memset(junk, 0xaa, sizeof(junk));
    vm_mem_write(mem, RAM, junk, sizeof(junk), NULL);
    assert_int_equal(vm_elf_load_phys(e, mem), 0);
    uint8_t got[16];
    vm_mem_read(mem, RAM, got, sizeof(got), NULL);
    assert_memory_equal(got, payload, sizeof(payload));
    for (unsigned i = sizeof(payload); i < 16; i++)
        assert_int_equal(got[i], 0); /* zero-filled up to memsz */
    vm_mem_destroy(mem);
    vm_elf_close(e);
}

static void test_outside_ram(void **state)
{
    (void)state;
    struct eb_segment seg = {0x1000, payload, sizeof(payload), sizeof(payload)};
    size_t size = eb_build(image, VM_ELF_EM_RISCV, 0x1000, &seg, 1, NULL, 0, NULL);
    struct vm_elf *e;
    assert_int_equal(vm_elf_parse(image, size, "low.elf", &e), 0);
    struct vm_mem *mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(mem, RAM, 1 << 20, "ram"), 0);
    assert_int_equal(vm_elf_load_phys(e, mem), -VM_EFAULT);
    assert_non_null(strstr(vm_error_message(), "outside guest RAM"));
    assert_non_null(strstr(vm_error_message(), "0x80000000"));
    vm_elf_close(e);
    /* a segment running past the end of RAM */
    seg.paddr = RAM + (1 << 20) - 4;
    size = eb_build(image, VM_ELF_EM_RISCV, RAM, &seg, 1, NULL, 0, NULL);
    assert_int_equal(vm_elf_parse(image, size, "end.elf", &e), 0);
    assert_int_equal(vm_elf_load_phys(e, mem), -VM_EFAULT);
    vm_elf_close(e);
    vm_mem_destroy(mem);
}

static void test_wrong_machine(void **state)
{
    (void)state;
    struct eb_segment seg = {RAM, payload, sizeof(payload), sizeof(payload)};
    size_t size = eb_build(image, VM_ELF_EM_X86_64, RAM, &seg, 1, NULL, 0, NULL);
    struct vm_elf *e;
    assert_int_equal(vm_elf_parse(image, size, "x86.elf", &e), 0);
    assert_int_equal(vm_elf_check_machine(e, VM_ELF_EM_RISCV), -VM_EFORMAT);
    assert_non_null(strstr(vm_error_message(), "x86-64"));
    vm_elf_close(e);
}

static void test_malformed_headers(void **state)
{
    (void)state;
    struct eb_layout l;
    size_t size;

    expect_refused(0, VM_EFORMAT, "not an ELF");
    memcpy(image, "#!/bin/sh\necho hi\n", 18);
    expect_refused(18, VM_EFORMAT, "not an ELF");
    size = good_image(&l);
    expect_refused(20, VM_EFORMAT, "truncated");
    image[4] = 1;
    expect_refused(size, VM_EFORMAT, "32-bit");
    size = good_image(&l);
    image[5] = 2;
    expect_refused(size, VM_EFORMAT, "little-endian");
    size = good_image(&l);
    image[16] = 1; /* ET_REL */
    expect_refused(size, VM_EFORMAT, "not an executable");
    size = good_image(&l);
    image[56] = 0; /* phnum */
    expect_refused(size, VM_EFORMAT, "no program headers");
    size = good_image(&l);
    image[54] = 32; /* phentsize */
    expect_refused(size, VM_EFORMAT, "program header size");
    size = good_image(&l);
    eb_put(image + 32, size - 8, 8); /* phoff near the end */
    expect_refused(size, VM_EFORMAT, "program headers extend");
    size = good_image(&l);
    eb_put(image + 64 + 8, size, 8); /* segment 0 offset at EOF, filesz 8 */
    expect_refused(size, VM_EFORMAT, "past the end of the file");
    size = good_image(&l);
    eb_put(image + 64 + 32, 1ULL << 62, 8); /* huge filesz */
    expect_refused(size, VM_EFORMAT, "past the end of the file");
    size = good_image(&l);
    eb_put(image + 64 + 40, 2, 8); /* memsz < filesz */
    expect_refused(size, VM_EFORMAT, "file size larger");
    size = good_image(&l);
    eb_put(image + 64 + 24, ~0ULL - 4, 8); /* paddr wraps */
    expect_refused(size, VM_EFORMAT, "wraps");
    size = good_image(&l);
    eb_put(image + 64, 4, 4);      /* PT_NOTE */
    eb_put(image + 64 + 56, 6, 4); /* PT_PHDR */
    expect_refused(size, VM_EFORMAT, "no loadable");
    size = good_image(&l);
    eb_put(image + l.shoff + 64 + 56, 16, 8); /* symtab entsize */
    expect_refused(size, VM_EFORMAT, "symbol table");
    size = good_image(&l);
    eb_put(image + l.shoff + 128 + 32, 1 << 20, 8); /* strtab size */
    expect_refused(size, VM_EFORMAT, "string table");
    size = good_image(&l);
    eb_put(image + 40, size, 8); /* shoff at EOF */
    expect_refused(size, VM_EFORMAT, "section headers");
}

/* A name that runs off the end of the string table is not a match. */
static void test_unterminated_symbol(void **state)
{
    (void)state;
    struct eb_layout l;
    size_t size = good_image(&l);
    /* shrink strtab so that "fromhost" loses its terminator */
    uint64_t strsize = 1 + 7 + 8; /* "" + "tohost\0" + "fromhost" */
    eb_put(image + l.shoff + 128 + 32, strsize, 8);
    struct vm_elf *e;
    assert_int_equal(vm_elf_parse(image, size, "x.elf", &e), 0);
    uint64_t v;
    assert_int_equal(vm_elf_symbol(e, "tohost", &v), 0);
    assert_int_equal(vm_elf_symbol(e, "fromhost", &v), -VM_ENOENT);
    vm_elf_close(e);
}

static void test_files(void **state)
{
    (void)state;
    struct vm_elf *e;
    assert_int_equal(vm_elf_open("/nonexistent/x.elf", &e), -VM_ENOENT);
    assert_non_null(strstr(vm_error_message(), "/nonexistent/x.elf"));
    assert_int_equal(vm_elf_open("/tmp", &e), -VM_EFORMAT);
    assert_non_null(strstr(vm_error_message(), "not a regular file"));
    char path[64];
    size_t size = good_image(NULL);
    eb_write_temp(image, size, path);
    assert_int_equal(vm_elf_open(path, &e), 0);
    vm_elf_close(e);
    unlink(path);
    eb_write_temp(image, 30, path); /* truncated file */
    assert_int_equal(vm_elf_open(path, &e), -VM_EFORMAT);
    unlink(path);
}

/* Random byte corruption: parse, load and look up symbols; any result is
 * fine as long as nothing crashes or reads out of bounds (run under ASan). */
static void test_corruption_never_crashes(void **state)
{
    (void)state;
    struct vm_mem *mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(mem, RAM, 1 << 20, "ram"), 0);
    uint64_t seed = 12345;
    for (int round = 0; round < 3000; round++) {
        size_t size = good_image(NULL);
        int flips = 1 + round % 4;
        for (int i = 0; i < flips; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t pos = (seed >> 33) % (round % 2 ? 64 + 112 : size);
            image[pos] = (uint8_t)(seed >> 17);
        }
        if (round % 7 == 0)
            size = (seed >> 40) % size;
        struct vm_elf *e;
        if (vm_elf_parse(image, size, "fuzz", &e) == 0) {
            uint64_t v;
            vm_elf_load_phys(e, mem);
            vm_elf_symbol(e, "tohost", &v);
            vm_elf_close(e);
        }
    }
    vm_mem_destroy(mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_image),
        cmocka_unit_test(test_outside_ram),
        cmocka_unit_test(test_wrong_machine),
        cmocka_unit_test(test_malformed_headers),
        cmocka_unit_test(test_unterminated_symbol),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_corruption_never_crashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
