/* x86-64 register sets as exchanged through the vCPU interface
 * (vm_vcpu_get_regs / set_regs); vm_reg_map_for(VM_ARCH_X86_64) describes
 * every field. GPRs are in GDB's amd64 order so that map numbers 0-17 are
 * GDB's register numbers. */
#ifndef VM_X86_H
#define VM_X86_H

#include <stdint.h>

/* A segment register with its hidden descriptor cache. */
struct vm_x86_segment {
    uint64_t base;
    uint32_t limit;    /* byte-granular limit (already scaled when g = 1) */
    uint16_t selector;
    uint8_t type;      /* descriptor type (4 bits) */
    uint8_t present, dpl, db, s, l, g, avl, unusable;
    uint8_t pad[3];
};

/* GDTR / IDTR. */
struct vm_x86_dtable {
    uint64_t base;
    uint16_t limit;
    uint16_t pad[3];
};

/* VM_REGSET_CORE */
struct vm_x86_core_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
    struct vm_x86_segment cs, ss, ds, es, fs, gs, tr, ldt;
    struct vm_x86_dtable gdt, idt;
    uint64_t cr0, cr2, cr3, cr4, cr8;
    uint64_t efer, apic_base;
};

/* VM_REGSET_FPU: the x87/SSE state of FXSAVE plus the AVX upper halves of
 * XSAVE (zero, and ignored on set, where the host has no AVX). */
struct vm_x86_fpu_regs {
    uint8_t st[8][16];   /* st0-st7: 80-bit values in 16-byte slots */
    uint8_t xmm[16][16]; /* xmm0-xmm15 */
    uint8_t ymmh[16][16];/* bits 255:128 of ymm0-ymm15 */
    uint32_t fcw, fsw;
    uint32_t ftw;        /* abridged tag word (FXSAVE format: 1 bit per register) */
    uint32_t fop;
    uint64_t fip, fdp;   /* last instruction and data pointers */
    uint32_t mxcsr;
    uint32_t pad;
    uint64_t xcr0;       /* read-only here: the guest's XCR0 */
};

#endif
