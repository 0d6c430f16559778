/* Works on the registers the host set through set_regs, so the host can
 * check the results through get_regs. The work runs in ring 3: this KVM
 * (on PVM) emulates ring-0 code and refuses SSE arithmetic there, while
 * ring-3 code runs natively. Ring 0 only switches GDT and drops to ring 3
 * (IOPL 3, so the final OUT exits to the host):
 *   r8 += r9; r10 ^= r11; r15 = r14 + 1
 *   xmm0 += xmm1 (two 64-bit lanes); xmm2 ^= xmm3; st0 += st1
 *   r12 = x87 control word; r13 = MXCSR   (as the guest reads them)
 * then OUT al -> EXIT_PORT. Everything else must come back unchanged. */
#include "protocol.h"
#define USER_STACK (GUEST_STACK_TOP - 0x4000)

    .section .text.start, "ax"
    .globl _start
_start:
    lgdt gdtr
    pushq $0x23              /* ss: user data, RPL 3 */
    pushq $USER_STACK        /* rsp */
    pushq $0x3002            /* rflags: IOPL 3, interrupts off */
    pushq $0x1b              /* cs: user code, RPL 3 */
    pushq $user              /* rip */
    iretq
user:
    add %r9, %r8
    xor %r11, %r10
    lea 1(%r14), %r15
    paddq %xmm1, %xmm0
    pxor %xmm3, %xmm2
    fadd %st(1), %st
    fnstcw -16(%rsp)
    movzwl -16(%rsp), %r12d
    stmxcsr -8(%rsp)
    mov -8(%rsp), %r13d
    mov $EXIT_PORT, %dx
    outb %al, %dx
1:  jmp 1b

    .balign 8
gdt:
    .quad 0
    .quad 0x00af9b000000ffff /* 0x08 kernel code 64 (unused) */
    .quad 0x00cf93000000ffff /* 0x10 kernel data */
    .quad 0x00affb000000ffff /* 0x18 user code 64, DPL 3 */
    .quad 0x00cff3000000ffff /* 0x20 user data, DPL 3 */
gdt_end:
gdtr:
    .word gdt_end - gdt - 1
    .quad gdt
