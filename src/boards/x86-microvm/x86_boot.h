/* Entering an x86-64 guest directly in long mode: a flat GDT, identity
 * page tables for the low 4 GiB (2 MiB pages), and the register state of
 * the Linux 64-bit boot protocol. Shared by the microVM board and the
 * tiny-guest tests. */
#ifndef VM_MICROVM_X86_BOOT_H
#define VM_MICROVM_X86_BOOT_H

#include <stdint.h>

#include "vm/accel.h"
#include "vm/mem.h"

/* GDT selectors: the Linux boot protocol's __BOOT_CS and __BOOT_DS */
#define X86_BOOT_CS 0x10
#define X86_BOOT_DS 0x18
#define X86_BOOT_TSS 0x20

/* Write the GDT, empty IDT and page tables at their microvm_layout.h
 * addresses (RAM must cover them). */
int x86_boot_write_tables(struct vm_mem *mem);

/* Put a vCPU in 64-bit mode (CPL 0, paging on) at rip with rsp, and rsi
 * (the zero page, for Linux); other GPRs are zeroed. */
int x86_boot_enter_long_mode(struct vm_vcpu *vcpu, uint64_t rip, uint64_t rsp, uint64_t rsi);

#endif
