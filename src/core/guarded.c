/* The table of guarded host accesses (guarded.h) and the guarded copy. */
#include "core/guarded.h"

bool vm_guarded_active;

/* Defined by the linker for the section of that name. */
extern const int32_t __start_vm_guarded[] __attribute__((weak));
extern const int32_t __stop_vm_guarded[] __attribute__((weak));

/* rep movsb: one instruction that may fault, after which rcx says how many
 * bytes are left. */
int vm_guarded_copy(void *dst, const void *src, size_t n)
{
    __asm__ goto("mov %0, %%rdi\n\tmov %1, %%rsi\n\tmov %2, %%rcx\n\t"
                 "1: rep movsb\n\t" VM_GUARD_ENTRY(fault)
                 : : "r"(dst), "r"(src), "r"(n) : "rdi", "rsi", "rcx", "memory" : fault);
    return 0;
fault:
    return -1;
}

void *vm_guarded_fixup(uintptr_t rip)
{
    for (const int32_t *e = __start_vm_guarded; e && e + 1 < __stop_vm_guarded; e += 2)
        if ((uintptr_t)e + (uintptr_t)(intptr_t)e[0] == rip)
            return (void *)((uintptr_t)(e + 1) + (uintptr_t)(intptr_t)e[1]);
    return NULL;
}
