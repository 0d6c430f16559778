/* Register maps: one declarative table per architecture (name, number,
 * size, offset into the register-set struct). Numbers are GDB's, so a GDB
 * stub can serve 'p'/'P' packets straight from the table. */
#include <stddef.h>
#include <string.h>

#include "accel/regmap_x86.h"
#include "vm/accel.h"
#include "vm/riscv.h"

#define CORE(name, alias, num, field) \
    {name, alias, num, 8, offsetof(struct vm_riscv_core_regs, field), VM_REGSET_CORE}
#define FPU(name, alias, num, field) \
    {name, alias, num, 8, offsetof(struct vm_riscv_fpu_regs, field), VM_REGSET_FPU}
/* GDB numbers RISC-V CSRs from 65, and the privilege level as 4161. */
#define CSR(name, csr) CORE(#name, NULL, 65 + (csr), name)

static const struct vm_reg_desc riscv64_regs[] = {
    CORE("zero", "x0", 0, x[0]),   CORE("ra", "x1", 1, x[1]),    CORE("sp", "x2", 2, x[2]),
    CORE("gp", "x3", 3, x[3]),     CORE("tp", "x4", 4, x[4]),    CORE("t0", "x5", 5, x[5]),
    CORE("t1", "x6", 6, x[6]),     CORE("t2", "x7", 7, x[7]),    CORE("fp", "x8", 8, x[8]),
    CORE("s1", "x9", 9, x[9]),     CORE("a0", "x10", 10, x[10]), CORE("a1", "x11", 11, x[11]),
    CORE("a2", "x12", 12, x[12]),  CORE("a3", "x13", 13, x[13]), CORE("a4", "x14", 14, x[14]),
    CORE("a5", "x15", 15, x[15]),  CORE("a6", "x16", 16, x[16]), CORE("a7", "x17", 17, x[17]),
    CORE("s2", "x18", 18, x[18]),  CORE("s3", "x19", 19, x[19]), CORE("s4", "x20", 20, x[20]),
    CORE("s5", "x21", 21, x[21]),  CORE("s6", "x22", 22, x[22]), CORE("s7", "x23", 23, x[23]),
    CORE("s8", "x24", 24, x[24]),  CORE("s9", "x25", 25, x[25]), CORE("s10", "x26", 26, x[26]),
    CORE("s11", "x27", 27, x[27]), CORE("t3", "x28", 28, x[28]), CORE("t4", "x29", 29, x[29]),
    CORE("t5", "x30", 30, x[30]),  CORE("t6", "x31", 31, x[31]),
    CORE("pc", NULL, 32, pc),

    FPU("ft0", "f0", 33, f[0]),    FPU("ft1", "f1", 34, f[1]),   FPU("ft2", "f2", 35, f[2]),
    FPU("ft3", "f3", 36, f[3]),    FPU("ft4", "f4", 37, f[4]),   FPU("ft5", "f5", 38, f[5]),
    FPU("ft6", "f6", 39, f[6]),    FPU("ft7", "f7", 40, f[7]),   FPU("fs0", "f8", 41, f[8]),
    FPU("fs1", "f9", 42, f[9]),    FPU("fa0", "f10", 43, f[10]), FPU("fa1", "f11", 44, f[11]),
    FPU("fa2", "f12", 45, f[12]),  FPU("fa3", "f13", 46, f[13]), FPU("fa4", "f14", 47, f[14]),
    FPU("fa5", "f15", 48, f[15]),  FPU("fa6", "f16", 49, f[16]), FPU("fa7", "f17", 50, f[17]),
    FPU("fs2", "f18", 51, f[18]),  FPU("fs3", "f19", 52, f[19]), FPU("fs4", "f20", 53, f[20]),
    FPU("fs5", "f21", 54, f[21]),  FPU("fs6", "f22", 55, f[22]), FPU("fs7", "f23", 56, f[23]),
    FPU("fs8", "f24", 57, f[24]),  FPU("fs9", "f25", 58, f[25]), FPU("fs10", "f26", 59, f[26]),
    FPU("fs11", "f27", 60, f[27]), FPU("ft8", "f28", 61, f[28]), FPU("ft9", "f29", 62, f[29]),
    FPU("ft10", "f30", 63, f[30]), FPU("ft11", "f31", 64, f[31]),
    FPU("fcsr", NULL, 65 + 0x003, fcsr),

    CSR(sstatus, 0x100),  CSR(sie, 0x104),        CSR(stvec, 0x105),   CSR(scounteren, 0x106),
    CSR(senvcfg, 0x10a),  CSR(sscratch, 0x140),   CSR(sepc, 0x141),    CSR(scause, 0x142),
    CSR(stval, 0x143),    CSR(sip, 0x144),        CSR(stimecmp, 0x14d), CSR(satp, 0x180),
    CSR(mstatus, 0x300),  CSR(misa, 0x301),       CSR(medeleg, 0x302), CSR(mideleg, 0x303),
    CSR(mie, 0x304),      CSR(mtvec, 0x305),      CSR(mcounteren, 0x306), CSR(menvcfg, 0x30a),
    CSR(mscratch, 0x340), CSR(mepc, 0x341),       CSR(mcause, 0x342),  CSR(mtval, 0x343),
    CSR(mip, 0x344),      CSR(mcycle, 0xb00),     CSR(minstret, 0xb02), CSR(mhartid, 0xf14),
    CORE("priv", NULL, 4161, priv),
};

static const struct vm_reg_map riscv64_map = {
    .arch = VM_ARCH_RISCV64,
    .set_size = {sizeof(struct vm_riscv_core_regs), sizeof(struct vm_riscv_fpu_regs)},
    .count = sizeof(riscv64_regs) / sizeof(riscv64_regs[0]),
    .regs = riscv64_regs,
};

const struct vm_reg_map *vm_reg_map_for(enum vm_arch arch)
{
    switch (arch) {
    case VM_ARCH_RISCV64: return &riscv64_map;
    case VM_ARCH_X86_64: return vm_reg_map_x86_64(); /* regmap_x86.c */
    }
    return NULL;
}

const struct vm_reg_desc *vm_reg_map_find(const struct vm_reg_map *map, const char *name)
{
    for (unsigned i = 0; i < map->count; i++) {
        const struct vm_reg_desc *d = &map->regs[i];
        if (!strcmp(d->name, name) || (d->alias && !strcmp(d->alias, name)))
            return d;
    }
    return NULL;
}

const struct vm_reg_desc *vm_reg_map_find_number(const struct vm_reg_map *map, unsigned number)
{
    for (unsigned i = 0; i < map->count; i++)
        if (map->regs[i].number == number)
            return &map->regs[i];
    return NULL;
}
