/* riscv-virt boot ROM: the trampoline's encoding (against words from
 * riscv64-unknown-elf-as, and decoded field by field), fw_dynamic_info,
 * and QEMU's placement rules for kernel, initrd and FDT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "boards/riscv-virt/virt_layout.h"
#include "boards/riscv-virt/virt_rom.h"
#include "vm/error.h"
#include "vm/mem.h"

/* `riscv64-unknown-elf-as -march=rv64gc` with .option norvc of
 *   auipc t0,0; addi a2,t0,40; csrr a0,mhartid; ld a1,32(t0); ld t0,24(t0); jr t0
 * (the same words as QEMU's riscv_setup_rom_reset_vec). */
static const uint32_t expected_code[6] = {
    0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067,
};

static unsigned opcode(uint32_t w) { return w & 0x7f; }
static unsigned rd(uint32_t w) { return (w >> 7) & 0x1f; }
static unsigned funct3(uint32_t w) { return (w >> 12) & 7; }
static unsigned rs1(uint32_t w) { return (w >> 15) & 0x1f; }
static int32_t imm_i(uint32_t w) { return (int32_t)w >> 20; }

static void test_trampoline(void **state)
{
    (void)state;
    uint8_t rom[256];
    memset(rom, 0xee, sizeof(rom));
    struct virt_rom_params p = {
        .start_addr = 0x80000000ULL,
        .fdt_addr = 0x8fe00000ULL,
        .next_addr = 0x80200000ULL,
        .next_mode = VIRT_NEXT_MODE_S,
    };
    assert_int_equal(virt_rom_build(rom, sizeof(rom), &p), VIRT_ROM_USED_SIZE);
    uint32_t w[6];
    for (unsigned i = 0; i < 6; i++) {
        w[i] = (uint32_t)vm_ld_le(rom + 4 * i, 4);
        assert_int_equal(w[i], expected_code[i]);
    }
    /* auipc t0, 0 */
    assert_int_equal(opcode(w[0]), 0x17);
    assert_int_equal(rd(w[0]), 5);
    assert_int_equal(w[0] >> 12, 0);
    /* addi a2, t0, 40 -> fw_dynamic_info */
    assert_int_equal(opcode(w[1]), 0x13);
    assert_int_equal(rd(w[1]), 12);
    assert_int_equal(rs1(w[1]), 5);
    assert_int_equal(imm_i(w[1]), VIRT_ROM_FW_DYNAMIC_OFFSET);
    /* csrr a0, mhartid = csrrs a0, 0xf14, x0 */
    assert_int_equal(opcode(w[2]), 0x73);
    assert_int_equal(funct3(w[2]), 2);
    assert_int_equal(rd(w[2]), 10);
    assert_int_equal(rs1(w[2]), 0);
    assert_int_equal(w[2] >> 20, 0xf14);
    /* ld a1, 32(t0) -> FDT; ld t0, 24(t0) -> start */
    assert_int_equal(opcode(w[3]), 0x03);
    assert_int_equal(funct3(w[3]), 3);
    assert_int_equal(rd(w[3]), 11);
    assert_int_equal(imm_i(w[3]), VIRT_ROM_FDT_ADDR_OFFSET);
    assert_int_equal(rd(w[4]), 5);
    assert_int_equal(imm_i(w[4]), VIRT_ROM_START_ADDR_OFFSET);
    /* jalr x0, 0(t0) */
    assert_int_equal(opcode(w[5]), 0x67);
    assert_int_equal(rd(w[5]), 0);
    assert_int_equal(rs1(w[5]), 5);
    assert_int_equal(imm_i(w[5]), 0);

    assert_int_equal(vm_ld_le(rom + VIRT_ROM_START_ADDR_OFFSET, 8), 0x80000000ULL);
    assert_int_equal(vm_ld_le(rom + VIRT_ROM_FDT_ADDR_OFFSET, 8), 0x8fe00000ULL);
    const uint8_t *info = rom + VIRT_ROM_FW_DYNAMIC_OFFSET;
    assert_memory_equal(info, "OSBI", 4); /* magic 0x4942534f, little-endian */
    assert_int_equal(vm_ld_le(info, 8), VIRT_FW_DYNAMIC_MAGIC);
    assert_int_equal(vm_ld_le(info + 8, 8), 2);           /* version */
    assert_int_equal(vm_ld_le(info + 16, 8), 0x80200000); /* next_addr */
    assert_int_equal(vm_ld_le(info + 24, 8), 1);          /* next_mode S */
    assert_int_equal(vm_ld_le(info + 32, 8), 0);          /* options */
    assert_int_equal(vm_ld_le(info + 40, 8), 0);          /* boot_hart */
    for (size_t i = VIRT_ROM_USED_SIZE; i < sizeof(rom); i++)
        assert_int_equal(rom[i], 0);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    uint8_t rom[VIRT_ROM_USED_SIZE];
    struct virt_rom_params p = {.next_mode = VIRT_NEXT_MODE_M};
    assert_int_equal(virt_rom_build(rom, sizeof(rom), &p), VIRT_ROM_USED_SIZE);
    assert_int_equal(virt_rom_build(rom, sizeof(rom) - 1, &p), -VM_EINVAL);
    p.next_mode = (enum virt_next_mode)2;
    assert_int_equal(virt_rom_build(rom, sizeof(rom), &p), -VM_EINVAL);
    assert_int_equal(virt_rom_build(NULL, 100, &p), -VM_EINVAL);
    assert_true(VIRT_ROM_USED_SIZE <= VIRT_MROM_SIZE);
}

static void test_placement(void **state)
{
    (void)state;
    uint64_t a;
    assert_int_equal(virt_kernel_addr(VIRT_DRAM_BASE + 0x41000), VIRT_KERNEL_DEFAULT_ADDR);
    assert_int_equal(virt_kernel_addr(VIRT_DRAM_BASE + 0x200000), VIRT_DRAM_BASE + 0x200000);
    /* initrd: kernel + min(ram / 2, 128 MiB) */
    assert_int_equal(virt_initrd_addr(0x80200000, 256ULL << 20), 0x88200000);
    assert_int_equal(virt_initrd_addr(0x80200000, 64ULL << 20), 0x82200000);
    /* FDT: 2 MiB aligned below min(RAM end, 3 GiB) (QEMU 7.2 puts
     * 0x8fe00000 in the DTB it shows for -m 256M) */
    assert_int_equal(virt_fdt_addr(256ULL << 20, 0x2000, 0x88400000, &a), 0);
    assert_int_equal(a, 0x8fe00000);
    assert_int_equal(virt_fdt_addr(4ULL << 30, 0x2000, 0, &a), 0);
    assert_int_equal(a, 0xbfe00000);
    assert_int_equal(virt_fdt_addr(256ULL << 20, 0x2000, 0x8ff00000, &a), -VM_EINVAL);
    assert_int_equal(virt_fdt_addr(1ULL << 20, 0x200000, 0, &a), -VM_EINVAL);
    assert_int_equal(virt_fdt_addr(256ULL << 20, 0, 0, &a), -VM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trampoline),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_placement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
