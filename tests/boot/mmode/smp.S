/* Run with -smp 4. Every hart starts at the ROM and arrives here with
 * a0 = its hart id; each sets bit hartid of a shared word, then the
 * others park in WFI while hart 0 waits for all four bits and powers off.
 * Exit 4 if a0 and mhartid disagree. */
#include "virt.h"
#define NHARTS 4
    .section .text.start
    .globl _start
_start:
    csrr t0, mhartid
    bne t0, a0, bad
    li t1, 1
    sll t1, t1, a0
    la t2, seen
    amoor.w zero, t1, (t2)
    bnez a0, park
    li t3, (1 << NHARTS) - 1
wait:
    /* an AMO, not lw: the word is shared with other harts' AMOs, and the
     * TSan build reports a plain load racing with them */
    amoor.w t1, zero, (t2)
    bne t1, t3, wait
    PUTS msg
    POWEROFF SYSCON_PASS
park:
    wfi
    j park
bad:
    POWEROFF (SYSCON_FAIL | (4 << 16))
    .section .rodata
msg: .asciz "SMP-OK\n"
    .data
    .balign 8
seen: .word 0
