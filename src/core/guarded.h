/* Host accesses to guest memory that may fault. Under `vm user` a guest
 * page can be a host file page that a truncate cut off (SIGBUS on the
 * host) even though the guest's page tables and TLBs still map it. Each
 * access that may meet one is a single instruction listed in the section
 * `vm_guarded` as a pair (the access, where to go if it faults), pc-relative
 * as Linux's exception tables; the host fault handler (src/user/host_fault.c)
 * asks vm_guarded_fixup(rip) and moves rip there, so the access returns a
 * fault the caller turns into the guest's page fault. Without a fault they
 * cost what the plain access does. */
#ifndef VM_CORE_GUARDED_H
#define VM_CORE_GUARDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Set while guest memory can fault on the host (vm user): the slow paths
 * that take a host pointer probe it first (atomics, cache-block zero). */
extern bool vm_guarded_active;

#define VM_GUARD_ENTRY(label)                                                                      \
    ".pushsection vm_guarded,\"a\"\n\t.balign 4\n\t.long 1b - .\n\t.long %l[" #label "] - .\n\t" \
    ".popsection\n\t"

/* *v = the size-byte little-endian value at p (zero-extended); false if
 * the access faulted. (No asm goto outputs: GCC 12 miscompiles them in
 * loops; the value goes through *v.) */
static inline bool vm_guarded_ld(const void *p, unsigned size, uint64_t *v)
{
#define VM_GUARDED_LD_(insn)                                                                       \
    __asm__ goto("1: " insn " (%0), %%ecx\n\t" VM_GUARD_ENTRY(fault) "movq %%rcx, (%1)"          \
                 : : "r"(p), "r"(v) : "rcx", "memory" : fault)
    switch (size) {
    case 1: VM_GUARDED_LD_("movzbl"); break;
    case 2: VM_GUARDED_LD_("movzwl"); break;
    case 4: VM_GUARDED_LD_("movl"); break;
    default:
        __asm__ goto("1: movq (%0), %%rcx\n\t" VM_GUARD_ENTRY(fault) "movq %%rcx, (%1)"
                     : : "r"(p), "r"(v) : "rcx", "memory" : fault);
        break;
    }
#undef VM_GUARDED_LD_
    return true;
fault:
    return false;
}

static inline bool vm_guarded_st(void *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: __asm__ goto("1: movb %b0, (%1)\n\t" VM_GUARD_ENTRY(fault) : : "r"(v), "r"(p) : "memory" : fault); break;
    case 2: __asm__ goto("1: movw %w0, (%1)\n\t" VM_GUARD_ENTRY(fault) : : "r"(v), "r"(p) : "memory" : fault); break;
    case 4: __asm__ goto("1: movl %k0, (%1)\n\t" VM_GUARD_ENTRY(fault) : : "r"(v), "r"(p) : "memory" : fault); break;
    default: __asm__ goto("1: movq %0, (%1)\n\t" VM_GUARD_ENTRY(fault) : : "r"(v), "r"(p) : "memory" : fault); break;
    }
    return true;
fault:
    return false;
}

/* A write access that changes nothing (lock or $0): false if it faulted. */
static inline bool vm_guarded_probe_write(void *p)
{
    __asm__ goto("1: lock orb $0, (%0)\n\t" VM_GUARD_ENTRY(fault) : : "r"(p) : "memory" : fault);
    return true;
fault:
    return false;
}

/* memcpy that stops at a fault: 0, or -1 if an access faulted (the bytes
 * before it may have been copied). */
int vm_guarded_copy(void *dst, const void *src, size_t n);

/* Where a faulting access at rip goes on, or NULL if rip is no guarded access. */
void *vm_guarded_fixup(uintptr_t rip);

#endif
