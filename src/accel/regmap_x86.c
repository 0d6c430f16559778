/* The x86-64 register map over struct vm_x86_core_regs / vm_x86_fpu_regs
 * (vm/x86.h). Numbers 0-56 are GDB's amd64 numbers. Map entries are at
 * most 8 bytes, so wider registers appear in 8-byte parts: st0-st7 as
 * their 64-bit significand (GDB's number) plus "stN.exp" (sign and
 * exponent), xmm0-xmm15 as their low half (GDB's number) plus "xmmN.hi",
 * the AVX upper halves as "ymmN.h0"/"ymmN.h1". Numbers from 100 are ours. */
#include <stddef.h>

#include "accel/regmap_x86.h"
#include "vm/x86.h"

#define CORE(name, num, field)                                                              \
    {name, NULL, num, sizeof(((struct vm_x86_core_regs *)0)->field),                        \
     offsetof(struct vm_x86_core_regs, field), VM_REGSET_CORE}
#define FPU(name, num, field)                                                               \
    {name, NULL, num, sizeof(((struct vm_x86_fpu_regs *)0)->field),                         \
     offsetof(struct vm_x86_fpu_regs, field), VM_REGSET_FPU}
#define FPU8(name, num, field, plus)                                                        \
    {name, NULL, num, 8, offsetof(struct vm_x86_fpu_regs, field) + (plus), VM_REGSET_FPU}
#define ST(i) FPU8("st" #i, 24 + (i), st[i], 0), \
    {"st" #i ".exp", NULL, 120 + (i), 2, offsetof(struct vm_x86_fpu_regs, st[i]) + 8, VM_REGSET_FPU}
#define XMM(i) FPU8("xmm" #i, 40 + (i), xmm[i], 0), FPU8("xmm" #i ".hi", 128 + (i), xmm[i], 8), \
    FPU8("ymm" #i ".h0", 144 + 2 * (i), ymmh[i], 0), FPU8("ymm" #i ".h1", 145 + 2 * (i), ymmh[i], 8)

static const struct vm_reg_desc x86_64_regs[] = {
    CORE("rax", 0, rax),   CORE("rbx", 1, rbx),   CORE("rcx", 2, rcx),   CORE("rdx", 3, rdx),
    CORE("rsi", 4, rsi),   CORE("rdi", 5, rdi),   CORE("rbp", 6, rbp),   CORE("rsp", 7, rsp),
    CORE("r8", 8, r8),     CORE("r9", 9, r9),     CORE("r10", 10, r10),  CORE("r11", 11, r11),
    CORE("r12", 12, r12),  CORE("r13", 13, r13),  CORE("r14", 14, r14),  CORE("r15", 15, r15),
    CORE("rip", 16, rip),  CORE("eflags", 17, rflags),
    CORE("cs", 18, cs.selector), CORE("ss", 19, ss.selector), CORE("ds", 20, ds.selector),
    CORE("es", 21, es.selector), CORE("fs", 22, fs.selector), CORE("gs", 23, gs.selector),
    ST(0), ST(1), ST(2), ST(3), ST(4), ST(5), ST(6), ST(7),
    FPU("fctrl", 32, fcw), FPU("fstat", 33, fsw), FPU("ftag", 34, ftw),
    FPU("fioff", 36, fip), FPU("fooff", 38, fdp), FPU("fop", 39, fop),
    XMM(0), XMM(1), XMM(2),   XMM(3),   XMM(4),   XMM(5),   XMM(6),   XMM(7),
    XMM(8), XMM(9), XMM(10),  XMM(11),  XMM(12),  XMM(13),  XMM(14),  XMM(15),
    FPU("mxcsr", 56, mxcsr),
    CORE("fs_base", 58, fs.base), CORE("gs_base", 59, gs.base),
    CORE("cr0", 100, cr0), CORE("cr2", 101, cr2), CORE("cr3", 102, cr3), CORE("cr4", 103, cr4),
    CORE("cr8", 104, cr8), CORE("efer", 105, efer), CORE("apic_base", 106, apic_base),
    CORE("gdtr_base", 107, gdt.base), CORE("gdtr_limit", 108, gdt.limit),
    CORE("idtr_base", 109, idt.base), CORE("idtr_limit", 110, idt.limit),
    CORE("tr", 111, tr.selector), CORE("ldtr", 112, ldt.selector),
    FPU("xcr0", 180, xcr0),
};

static const struct vm_reg_map x86_64_map = {
    .arch = VM_ARCH_X86_64,
    .set_size = {sizeof(struct vm_x86_core_regs), sizeof(struct vm_x86_fpu_regs)},
    .count = sizeof(x86_64_regs) / sizeof(x86_64_regs[0]),
    .regs = x86_64_regs,
};

const struct vm_reg_map *vm_reg_map_x86_64(void)
{
    return &x86_64_map;
}
