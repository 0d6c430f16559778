/* The guest of examples/embed_hart.c: bare RISC-V code in M-mode at
 * 0x80000000. It talks to the embedder only through MMIO that exits to
 * the embedder's run loop (a "device" at 0x10000000 it implements itself):
 *   +0  write: a character to print
 *   +8  read:  a number from the host (the example answers 40)
 *   +16 write: the exit code, ending the run
 * It prints a greeting, asks the host for the number, adds 2, and leaves
 * the sum in a0 and as its exit code. */
    .equ DEVICE, 0x10000000
    .section .text.start
    .globl _start
_start:
    li s0, DEVICE
    la t0, msg
1:  lbu t1, 0(t0)
    beqz t1, 2f
    sb t1, 0(s0)
    addi t0, t0, 1
    j 1b
2:  ld a0, 8(s0)
    addi a0, a0, 2
    sd a0, 16(s0)
3:  j 3b
    .section .rodata
msg: .asciz "Hello from the guest\n"
