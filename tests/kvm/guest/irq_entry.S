/* Interrupt stubs: save the caller-saved registers, call irq_handler(vector). */
    .text
.macro STUB vec
    .globl irq_entry_\vec
irq_entry_\vec:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    mov $\vec, %edi
    call irq_handler  /* rsp is 16-byte aligned here: 5 + 9 pushes after the CPU's alignment */
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    iretq
.endm
    STUB 0x25
    STUB 0x26
