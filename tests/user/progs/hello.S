/* Writes "hello, world" and the number of arguments (argc from the stack). */
#include "sys.h"
    .globl _start
_start:
    ld t0, 0(sp)            /* argc */
    addi t0, t0, '0'
    la t1, digit
    sb t0, 0(t1)
    li a0, 1
    la a1, msg
    la a2, msg_end
    sub a2, a2, a1
    SYSCALL(SYS_write)
    li a0, 0
    SYSCALL(SYS_exit_group)
    .data
msg: .ascii "hello, world "
digit: .ascii "?\n"
msg_end:
