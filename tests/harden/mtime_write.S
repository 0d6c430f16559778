/* The time CSR is the shadow of the CLINT's mtime: after the guest writes
 * mtime, time reads the new value (as mtime does), forwards and backwards,
 * and Sstc's stimecmp compares against the same value. Prints MTIME-OK
 * and powers off with 0, or fails with code N for check N. */
#include "virt.h"
#define BIG 0x0000100000000000     /* far beyond any process uptime */
#define SECOND 10000000            /* timebase ticks (10 MHz) */

    .section .text.start
    .globl _start
_start:
    /* forwards: write mtime = BIG */
    li s0, CLINT_MTIME
    li s1, BIG
    sd s1, 0(s0)
    csrr t0, time
    li a0, 1
    bltu t0, s1, fail              /* time did not follow */
    li t1, SECOND
    add t1, t1, s1
    li a0, 2
    bgeu t0, t1, fail              /* nor ran ahead */
    ld t2, 0(s0)
    li a0, 3
    bltu t2, t0, fail              /* mtime read after time is not earlier */

    /* 32-bit write of the high half */
    li t1, 0x200
    sw t1, 4(s0)
    csrr t0, time
    srli t0, t0, 32
    li a0, 4
    bne t0, t1, fail

    /* backwards: mtime = 1000 */
    li t1, 1000
    sd t1, 0(s0)
    csrr t0, time
    li a0, 5
    bltu t0, t1, fail
    li t1, SECOND
    li a0, 6
    bgeu t0, t1, fail

    /* Sstc: stimecmp against the same time */
    li t0, 1 << 63                 /* menvcfg.STCE */
    csrs menvcfg, t0
    sd s1, 0(s0)                   /* mtime = BIG again */
    srli t1, s1, 1
    csrw stimecmp, t1              /* in the past of the new time: pending now */
    csrr t0, mip
    andi t0, t0, 1 << 5
    li a0, 7
    beqz t0, fail
    slli t1, s1, 1
    csrw stimecmp, t1              /* far in its future: not pending */
    csrr t0, mip
    andi t0, t0, 1 << 5
    li a0, 8
    bnez t0, fail
    li t1, SECOND / 100            /* 10 ms ahead of the new time */
    add t1, t1, s1
    csrw stimecmp, t1
    li t2, 1 << 5                  /* wait in WFI for STIP (MIE stays off) */
    csrw mie, t2
    li t3, 1000
1:  wfi
    csrr t0, mip
    andi t0, t0, 1 << 5
    bnez t0, 2f
    addi t3, t3, -1
    bnez t3, 1b
    li a0, 9
    j fail
2:  csrr t0, time
    li a0, 10
    bltu t0, t1, fail              /* STIP before its time */
    PUTS msg
    POWEROFF SYSCON_PASS
fail:
    li t0, SYSCON
    slli a0, a0, 16
    li t1, SYSCON_FAIL
    or t1, t1, a0
    sw t1, 0(t0)
1:  j 1b
    .section .rodata
msg: .asciz "MTIME-OK\n"
