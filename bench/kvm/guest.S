/* The benchmark guest, entered in long mode at 0x100000 with
 *   rdi = iterations, rsi = mode: bit 0 MMIO (else port I/O),
 *   bit 1 ring 3 (IOPL 3; else ring 0), bit 2 an unclaimed port
 * It loops `iterations` accesses, then writes EXIT_PORT (unclaimed). On
 * this host ring-0 code is emulated by KVM, ring-3 code runs natively, so
 * the ring-3 loops show the exit cost alone. */
#define BENCH_PORT 0x510
#define UNCLAIMED_PORT 0x600
#define EXIT_PORT 0x501
#define MMIO_ADDR 0xd0000000
#define USER_STACK 0x70000

    .section .text.start, "ax"
    .globl _start
_start:
    jmp 4f
first_insn:                  /* 0x100002: entry for the start-up timing; dx set by the host */
    outb %al, %dx
    hlt
4:  lgdt gdtr
    test $2, %rsi
    jnz to_user
body:
    mov %rdi, %rcx
    test $1, %rsi
    jnz mmio
    mov $BENCH_PORT, %dx
    test $4, %rsi
    jz 1f
    mov $UNCLAIMED_PORT, %dx
1:  outb %al, %dx
    dec %rcx
    jnz 1b
    jmp done
mmio:
    mov $MMIO_ADDR, %rbx
2:  movl %eax, (%rbx)
    dec %rcx
    jnz 2b
done:
    mov $EXIT_PORT, %dx
    outb %al, %dx
3:  jmp 3b

to_user:
    pushq $0x23
    pushq $USER_STACK
    pushq $0x3002
    pushq $0x1b
    pushq $body
    iretq

    .balign 8
gdt:
    .quad 0
    .quad 0
    .quad 0x00af9b000000ffff /* 0x10 kernel code 64 (as the boot GDT) */
    .quad 0x00affb000000ffff /* 0x18 user code 64, DPL 3 */
    .quad 0x00cff3000000ffff /* 0x20 user data, DPL 3 */
gdt_end:
gdtr:
    .word gdt_end - gdt - 1
    .quad gdt
