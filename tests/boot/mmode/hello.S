/* The reset ROM enters -kernel in M-mode with a0 = hart id and a1 = the
 * device tree (magic 0xd00dfeed, big-endian); print a marker and power
 * off through the syscon (exit status 0). Exit 3 if a0/a1 are wrong. */
#include "virt.h"
    .section .text.start
    .globl _start
_start:
    bnez a0, bad
    lwu t3, 0(a1)
    li t4, 0xedfe0dd0
    bne t3, t4, bad
    csrr t3, mhartid
    bnez t3, bad
    PUTS msg
    POWEROFF SYSCON_PASS
bad:
    POWEROFF (SYSCON_FAIL | (3 << 16))
    .section .rodata
msg: .asciz "M-MODE-OK\n"
