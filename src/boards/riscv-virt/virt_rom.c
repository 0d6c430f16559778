/* The riscv-virt reset trampoline and fw_dynamic_info. */
#include "boards/riscv-virt/virt_rom.h"

#include <string.h>

#include "boards/riscv-virt/virt_layout.h"
#include "vm/error.h"
#include "vm/mem.h"

/* RV64 encodings of the trampoline (checked against riscv64-unknown-elf-as
 * in tests/unit/test_virt_rom.c, which also decodes them field by field). */
#define RV_T0 5
#define RV_A0 10
#define RV_A1 11
#define RV_A2 12
#define RV_CSR_MHARTID 0xf14

static uint32_t enc_auipc(unsigned rd, uint32_t imm20)
{
    return (imm20 << 12) | (rd << 7) | 0x17;
}

static uint32_t enc_i(unsigned opcode, unsigned funct3, unsigned rd, unsigned rs1, int32_t imm)
{
    return ((uint32_t)(imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
}

static uint32_t enc_addi(unsigned rd, unsigned rs1, int32_t imm) { return enc_i(0x13, 0, rd, rs1, imm); }
static uint32_t enc_ld(unsigned rd, unsigned rs1, int32_t imm) { return enc_i(0x03, 3, rd, rs1, imm); }
static uint32_t enc_jalr(unsigned rd, unsigned rs1, int32_t imm) { return enc_i(0x67, 0, rd, rs1, imm); }
/* csrrs rd, csr, x0 */
static uint32_t enc_csrr(unsigned rd, unsigned csr) { return enc_i(0x73, 2, rd, 0, (int32_t)csr); }

int virt_rom_build(uint8_t *buf, size_t size, const struct virt_rom_params *p)
{
    if (!buf || !p || size < VIRT_ROM_USED_SIZE)
        return vm_error(VM_EINVAL, "boot ROM: buffer of %zu bytes, %d needed", size,
                        VIRT_ROM_USED_SIZE);
    if (p->next_mode != VIRT_NEXT_MODE_U && p->next_mode != VIRT_NEXT_MODE_S &&
        p->next_mode != VIRT_NEXT_MODE_M)
        return vm_error(VM_EINVAL, "boot ROM: next mode %d is not U (0), S (1) or M (3)",
                        (int)p->next_mode);
    const uint32_t code[6] = {
        enc_auipc(RV_T0, 0),
        enc_addi(RV_A2, RV_T0, VIRT_ROM_FW_DYNAMIC_OFFSET),
        enc_csrr(RV_A0, RV_CSR_MHARTID),
        enc_ld(RV_A1, RV_T0, VIRT_ROM_FDT_ADDR_OFFSET),
        enc_ld(RV_T0, RV_T0, VIRT_ROM_START_ADDR_OFFSET),
        enc_jalr(0, RV_T0, 0),
    };
    memset(buf, 0, size);
    for (unsigned i = 0; i < 6; i++)
        vm_st_le(buf + 4 * i, 4, code[i]);
    vm_st_le(buf + VIRT_ROM_START_ADDR_OFFSET, 8, p->start_addr);
    vm_st_le(buf + VIRT_ROM_FDT_ADDR_OFFSET, 8, p->fdt_addr);
    const uint64_t info[6] = {
        VIRT_FW_DYNAMIC_MAGIC, VIRT_FW_DYNAMIC_VERSION, p->next_addr,
        (uint64_t)p->next_mode, 0 /* options */, 0 /* boot_hart, as QEMU */
    };
    for (unsigned i = 0; i < 6; i++)
        vm_st_le(buf + VIRT_ROM_FW_DYNAMIC_OFFSET + 8 * i, 8, info[i]);
    return VIRT_ROM_USED_SIZE;
}

uint64_t virt_kernel_addr(uint64_t firmware_end)
{
    return (firmware_end + VIRT_KERNEL_ALIGN - 1) & ~(VIRT_KERNEL_ALIGN - 1);
}

uint64_t virt_initrd_addr(uint64_t kernel_addr, uint64_t ram_size)
{
    uint64_t off = ram_size / 2 < VIRT_INITRD_MAX_OFFSET ? ram_size / 2 : VIRT_INITRD_MAX_OFFSET;
    return kernel_addr + off;
}

int virt_fdt_addr(uint64_t ram_size, uint64_t fdt_size, uint64_t low_limit, uint64_t *addr)
{
    uint64_t end = VIRT_DRAM_BASE + ram_size;
    uint64_t top = end < VIRT_FDT_TOP_LIMIT ? end : VIRT_FDT_TOP_LIMIT;
    if (fdt_size == 0 || fdt_size > top - VIRT_DRAM_BASE)
        return vm_error(VM_EINVAL, "device tree of %llu bytes does not fit in RAM",
                        (unsigned long long)fdt_size);
    uint64_t a = (top - fdt_size) & ~(VIRT_FDT_ALIGN - 1);
    if (a < VIRT_DRAM_BASE || a < low_limit)
        return vm_error(VM_EINVAL,
                        "not enough RAM to place the device tree after the kernel/initrd "
                        "(they end at 0x%llx, the device tree would start at 0x%llx)",
                        (unsigned long long)low_limit, (unsigned long long)a);
    *addr = a;
    return 0;
}
