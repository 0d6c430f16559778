/* The boot ROM at 0x1000 is read-only, as QEMU virt's: stores of every
 * width, AMOs, LR/SC and stores through a page mapping are ignored (no
 * fault; an AMO returns the old value). Prints ROM-RO-OK and powers off
 * with 0, or fails with code 10+N for check N. QEMU gives the same answer
 * (the test runs this program on it too when it is installed). */
#include "virt.h"
#define ROM 0x1000
#define CHECK(n) li a0, n; bne t3, t4, fail

    .section .text.start
    .globl _start
_start:
    la t0, trap
    csrw mtvec, t0
    li s3, 0                      /* traps taken */
    li s0, ROM
    ld s1, 0(s0)                  /* the first ROM dword, as built */
    ld s2, 8(s0)

    li t1, -1
    sb t1, 0(s0)
    sh t1, 2(s0)
    sw t1, 4(s0)
    sd t1, 8(s0)
    sd t1, 3(s0)                  /* misaligned */
    ld t3, 0(s0); mv t4, s1; CHECK(1)
    ld t3, 8(s0); mv t4, s2; CHECK(2)

    li t1, 5
    amoadd.d t3, t1, (s0)         /* returns the old value */
    mv t4, s1; CHECK(3)
    ld t3, 0(s0); CHECK(4)
    amoswap.w t3, t1, (s0)
    sext.w t4, s1; CHECK(5)
    ld t3, 0(s0); mv t4, s1; CHECK(6)

    lr.d t3, (s0)
    mv t4, s1; CHECK(7)
    sc.d t5, t1, (s0)
    ld t3, 0(s0); CHECK(8)

    /* the last page of the ROM too */
    li s4, 0xfff8
    ld s5, 0(s4)
    sd t1, 0(s4)
    ld t3, 0(s4); mv t4, s5; CHECK(9)

    li t3, 0; mv t4, s3; CHECK(20) /* no store faulted */
    PUTS msg
    POWEROFF SYSCON_PASS
fail:
    li t0, SYSCON
    slli a0, a0, 16
    li t1, SYSCON_FAIL
    or t1, t1, a0
    sw t1, 0(t0)
1:  j 1b

    .align 4
trap:
    addi s3, s3, 1
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
    .section .rodata
msg: .asciz "ROM-RO-OK\n"
