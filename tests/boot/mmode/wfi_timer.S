/* Sleeps in WFI until the CLINT timer fires one second from now, then
 * powers off. The hart's thread must sleep meanwhile (the test checks the
 * host CPU time vm reports). Exit 5 if WFI returned without MTIP. */
#include "virt.h"
    .section .text.start
    .globl _start
_start:
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t2, 10000000            /* 1 s at 10 MHz */
    add t1, t1, t2
    li t0, CLINT_MTIMECMP
    sd t1, 0(t0)
    li t0, 1 << 7              /* MTIE; MIE stays off: WFI wakes, no trap */
    csrw mie, t0
sleep:
    wfi
    csrr t0, mip
    andi t0, t0, 1 << 7
    beqz t0, sleep
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t0, CLINT_MTIMECMP
    ld t2, 0(t0)
    bltu t1, t2, bad
    PUTS msg
    POWEROFF SYSCON_PASS
bad:
    POWEROFF (SYSCON_FAIL | (5 << 16))
    .section .rodata
msg: .asciz "WFI-OK\n"
