/* Prints CHATTER lines on the UART forever (the signal and closed-output
 * tests stop vm from outside). */
#include "virt.h"
    .section .text.start
    .globl _start
_start:
    PUTS msg
    li t3, 200000
1:  addi t3, t3, -1
    bnez t3, 1b
    j _start
    .section .rodata
msg: .asciz "CHATTER\n"
