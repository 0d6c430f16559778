/* Start-up, trap handlers and HTIF exit for the ISA tests (see test.h). */
#include "test.h"

  .section .text.init, "ax"
  .globl _start
_start:
  /* Known register state: nothing may depend on what the loader left. */
  .irp r, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  li x\r, 0
  .endr

  /* Open all memory to S/U-mode through PMP entry 0 where PMP exists; a
   * hart without PMP traps here and we skip over it. */
  la t0, 1f
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f                     /* A=NAPOT, R, W, X */
  csrw pmpcfg0, t0
  .balign 4
1:
  la t0, trap_m
  csrw mtvec, t0
  la t0, trap_s
  csrw stvec, t0
  csrw medeleg, zero
  csrw mideleg, zero
  csrw mie, zero
  csrw satp, zero
  /* M-mode with interrupts off, previous mode U, FP usable. */
  li t0, MSTATUS_FS_INITIAL
  csrw mstatus, t0
  fscsr zero
  .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  fmv.d.x f\r, zero
  .endr
  la sp, stack_top
  j test_main

/* ---- pass / fail ------------------------------------------------------ */

  .text
  .globl pass
pass:
  fence
#ifdef EXIT_SIFIVE_TEST
  li t0, 0x5555
  j exit_sifive_test
#endif
  li t0, 1
  la t1, tohost
  sd t0, 0(t1)
1:
  j 1b

  /* Exit status = case number in gp; 0 and >255 would read as a pass or a
   * wrapped status, so they become 255. Before exiting, print what a
   * debugger would want: case, a0 and t2 (value and expected of CHECK), and
   * t4-t6 (cause, tval, epc of the last or unexpected trap). */
  .globl fail
fail:
  fence
#ifndef EXIT_SIFIVE_TEST
  mv s2, a0
  mv s3, t2
  mv s4, t4
  mv s5, t5
  mv s6, t6
  la a0, msg_case
  call puts
  mv a0, gp
  call puthex
  la a0, msg_a0
  call puts
  mv a0, s2
  call puthex
  la a0, msg_t2
  call puts
  mv a0, s3
  call puthex
  la a0, msg_trap
  call puts
  mv a0, s4
  call puthex
  li a0, ' '
  call putchar
  mv a0, s5
  call puthex
  li a0, ' '
  call putchar
  mv a0, s6
  call puthex
  li a0, '\n'
  call putchar
#endif
  li t0, 255
  beqz gp, 1f
  bgtu gp, t0, 1f
  mv t0, gp
1:
#ifdef EXIT_SIFIVE_TEST
  slli t0, t0, 16
  li t1, 0x3333
  or t0, t0, t1
  j exit_sifive_test
#endif
  slli t0, t0, 1
  ori t0, t0, 1
  la t1, tohost
  sd t0, 0(t1)
2:
  j 2b

/* HTIF console output (device 1, command 1); waits, boundedly, for the host
 * to clear tohost. Clobbers t0, t1, a1. */
putchar:
  li t0, 0x0101000000000000
  andi a0, a0, 0xff
  or t0, t0, a0
  la t1, tohost
  sd t0, 0(t1)
  li a1, 1000000
1:
  ld t0, 0(t1)
  beqz t0, 2f
  addi a1, a1, -1
  bnez a1, 1b
  sd zero, 0(t1)
2:
  la t1, fromhost
  sd zero, 0(t1)
  ret

/* Print the string at a0 (clobbers a0-a2, t0, t1). */
puts:
  mv a2, ra
  mv s7, a0
1:
  lbu a0, 0(s7)
  beqz a0, 2f
  call putchar
  addi s7, s7, 1
  j 1b
2:
  mv ra, a2
  ret

/* Print a0 as 16 hex digits (clobbers a0-a3, s7, t0, t1). */
puthex:
  mv a3, ra
  mv s7, a0
  li a2, 60
1:
  srl a0, s7, a2
  andi a0, a0, 15
  addi a0, a0, '0'
  li t0, '9'
  ble a0, t0, 2f
  addi a0, a0, 'a' - '9' - 1
2:
  call putchar
  addi a2, a2, -4
  bgez a2, 1b
  mv ra, a3
  ret

  .section .rodata
msg_case: .asciz "FAIL case 0x"
msg_a0:   .asciz " a0="
msg_t2:   .asciz " t2(expected)="
msg_trap: .asciz " cause/tval/epc="
  .text

#ifdef EXIT_SIFIVE_TEST
  /* Validation only: QEMU's virt machine (no HTIF) has a CLINT-backed time
   * CSR, which QEMU's spike machine lacks; exit through its test finisher. */
exit_sifive_test:
  li t1, 0x100000
  sw t0, 0(t1)
3:
  j 3b
#endif

/* ---- trap handlers ------------------------------------------------------ */

  /* Machine-mode handler (direct mode). */
  .balign 4
  .globl trap_m
trap_m:
  beqz tp, trap_unexpected_m
  csrr t6, mepc
  andi t4, tp, -2
  csrw mepc, t4
  andi t4, tp, 1
  beqz t4, 1f
  li t4, MSTATUS_MPP              /* resume in M-mode */
  csrs mstatus, t4
1:
  li tp, 0
  csrr t4, mcause
  csrr t5, mtval
  bgez t4, 2f
  csrw mie, zero                  /* interrupt: stop it from repeating */
2:
  mret

trap_unexpected_m:
  /* Left in registers for whoever debugs the failure. */
  csrr t4, mcause
  csrr t5, mtval
  csrr t6, mepc
  li t3, MSTATUS_MPRV                  /* fail's own loads: untranslated */
  csrc mstatus, t3
  j fail

  /* Capturing handler (see CAPTURE_NEXT_TRAP): stays in M-mode. */
  .balign 4
  .globl trap_capture
trap_capture:
  csrr t3, mstatus
  csrr t4, mcause
  csrr t5, mtval
  csrr t6, mepc
  mv t0, tp
  li tp, 0
  la t1, trap_m
  csrw mtvec, t1
  jr t0

  /* S-mode capturing handler (see CAPTURE_NEXT_STRAP): stays in S-mode. */
  .balign 4
  .globl strap_capture
strap_capture:
  csrr t3, sstatus
  csrr t4, scause
  csrr t5, stval
  csrr t6, sepc
  mv t0, tp
  li tp, 0
  la t1, trap_s
  csrw stvec, t1
  jr t0

  /* Supervisor-mode handler (direct mode), for delegated traps. */
  .balign 4
  .globl trap_s
trap_s:
  beqz tp, trap_unexpected_s
  csrr t6, sepc
  andi t4, tp, -2
  csrw sepc, t4
  li tp, 0
  csrr t4, scause
  csrr t5, stval
  bgez t4, 1f
  csrw sie, zero
1:
  sret

trap_unexpected_s:
  csrr t4, scause
  csrr t5, stval
  csrr t6, sepc
  j fail

/* ---- HTIF and stack ---------------------------------------------------- */

#include "../../common/htif_tohost.S"

  .bss
  .balign 16
stack: .skip 4096
  .globl stack_top
stack_top:
