/* Minimal reproducers for instructions this host's KVM may refuse in ring
 * 0 (KVM on PVM emulates ring-0 guest code). The host puts the case in
 * rdi; the guest runs that one instruction (with what it needs set up)
 * and writes EXIT_PORT. A refusal shows as a KVM internal error. */
#include "protocol.h"

    .section .text.start, "ax"
    .globl _start
_start:
    lea table(%rip), %rax
    jmp *(%rax,%rdi,8)

case_paddq:                 /* SSE2 arithmetic */
    paddq %xmm1, %xmm0
    jmp done
case_movdqu:                /* SSE load */
    movdqu buf(%rip), %xmm0
    jmp done
case_x87:                   /* x87 arithmetic */
    fld1
    fld1
    faddp
    jmp done
case_cmpxchg16b:
    xor %eax, %eax
    xor %edx, %edx
    xor %ebx, %ebx
    xor %ecx, %ecx
    lea buf(%rip), %rsi
    lock cmpxchg16b (%rsi)
    jmp done
case_xsetbv:                /* OSXSAVE on, XCR0 = x87|SSE */
    mov %cr4, %rax
    or $(1 << 18), %rax
    mov %rax, %cr4
    xor %ecx, %ecx
    mov $3, %eax
    xor %edx, %edx
    xsetbv
    jmp done
case_xrstor:
    mov %cr4, %rax
    or $(1 << 18), %rax
    mov %rax, %cr4
    xor %ecx, %ecx
    mov $3, %eax
    xor %edx, %edx
    xsetbv
    mov $3, %eax
    xor %edx, %edx
    lea xarea(%rip), %rsi
    xsave (%rsi)
    xrstor (%rsi)
    jmp done
case_int3:                  /* breakpoint through an IDT gate that returns */
    mov $bp_handler, %rax   /* gate 3's offset, in three parts */
    mov %ax, idt + 48
    shr $16, %rax
    mov %ax, idt + 54
    shr $16, %rax
    mov %eax, idt + 56
    lidt idtr(%rip)
    int3
    jmp done
case_rdtsc:
    rdtsc
    jmp done
done:
    mov $EXIT_PORT, %dx
    xor %eax, %eax
    outl %eax, %dx
1:  cli
    hlt
    jmp 1b

bp_handler:
    iretq

    .section .data
    .balign 8
table:
    .quad case_paddq, case_movdqu, case_x87, case_cmpxchg16b
    .quad case_xsetbv, case_xrstor, case_int3, case_rdtsc
    .balign 16
buf:
    .quad 0, 0
    .balign 16
idt:                        /* vectors 0-3; only 3 (#BP) is present, DPL 3 */
    .fill 48, 1, 0
    .word 0                 /* offset 15:0 (filled in by case_int3) */
    .word BOOT_CS
    .byte 0, 0xee           /* present, DPL 3, 64-bit interrupt gate */
    .word 0
    .long 0, 0
idt_end:
idtr:
    .word idt_end - idt - 1
    .quad idt
    .balign 64
xarea:
    .fill 4096, 1, 0
