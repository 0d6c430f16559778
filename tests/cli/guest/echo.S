/* An M-mode program for the console tests (-bios none): hart 0 prints
 * ECHO-READY, then echoes every byte it reads from the UART; 'q' powers
 * off (status 0), 'r' resets the machine (it boots again and prints
 * ECHO-READY again). Other harts wait in WFI. */
#include "virt.h"
#define LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20
    .section .text.start
    .globl _start
_start:
    bnez a0, park
    PUTS ready
    li s0, UART0
loop:
    lbu t0, LSR(s0)
    andi t0, t0, LSR_DR
    beqz t0, loop
    lbu s1, 0(s0)
    li t0, 'q'
    beq s1, t0, quit
    li t0, 'r'
    beq s1, t0, reset
wait_thr:
    lbu t0, LSR(s0)
    andi t0, t0, LSR_THRE
    beqz t0, wait_thr
    sb s1, 0(s0)
    j loop
quit:
    POWEROFF SYSCON_PASS
reset:
    POWEROFF SYSCON_RESET
park:
    wfi
    j park
    .section .rodata
ready: .asciz "ECHO-READY\n"
