/* mtvec/stvec modes. Direct: every trap at BASE (the default handler does
 * that). Vectored: exceptions at BASE, interrupt i at BASE + 4*i. Each
 * vector entry records its number in t3 and continues at tp in that mode. */
#include "test.h"

/* 16 four-byte entries; entry i: t3 = i, then the common tail. */
.macro VECTOR_TABLE name, tail
  .balign 256
\name:
  .option push
  .option norvc
  .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  jal x0, \name\()_\i
  .endr
  .option pop
  .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
\name\()_\i:
  li t3, \i
  j \tail
  .endr
.endm

TEST_BEGIN
  csrw CSR_MENVCFG, zero                         /* STIP writable (no Sstc) */
  la t0, mvec
  ori t0, t0, 1
  csrw mtvec, t0
  csrr a0, mtvec
  CHECKR a0, t0

  /* exception -> BASE (entry 0) */
  TCASE 1
  la tp, 1f
  ecall
  j fail
1:
  CHECK t3, 0
  CHECK t4, CAUSE_ECALL_M

  /* interrupts -> BASE + 4 * cause */
  .irp irq, IRQ_SSI, IRQ_STI, IRQ_SEI
  TCASE 2
  li t3, -1
  la tp, 2f
  li t0, 1 << \irq
  csrs mip, t0
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  nop
  j fail
2:
  CHECK t3, \irq
  CHECK t4, INTR | \irq
  .endr

  /* back to direct mode: the same interrupt lands at BASE */
  TCASE 3
  la t0, mvec
  csrw mtvec, t0
  li t3, -1
  la tp, 3f
  li t0, 1 << IRQ_SSI
  csrs mip, t0
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  nop
  j fail
3:
  CHECK t3, 0
  CHECK t4, INTR | IRQ_SSI

  /* stvec vectored, SSI delegated, taken in S-mode */
  TCASE 4
  la t0, trap_m
  csrw mtvec, t0
  li t0, 1 << IRQ_SSI
  csrw mideleg, t0
  csrw mie, t0                                   /* sie.SSIE */
  la t0, svec
  ori t0, t0, 1
  csrw stvec, t0
  GOTO_MODE PRV_S, 4f
4:
  li t3, -1
  la tp, 5f
  csrsi sip, 1 << IRQ_SSI
  csrsi sstatus, MSTATUS_SIE
  nop
  j fail
5:
  CHECK t3, IRQ_SSI
  CHECK t4, INTR | IRQ_SSI
  /* an exception in S-mode (illegal, delegated below) goes to BASE */
  BACK_TO_M
  li t0, 1 << CAUSE_ILLEGAL
  csrw medeleg, t0
  GOTO_MODE PRV_S, 6f
6:
  TCASE 5
  li t3, -1
  la tp, 7f
  .4byte 0x1234500b
  j fail
7:
  CHECK t3, 0
  CHECK t4, CAUSE_ILLEGAL
  TEST_PASS

/* M tail: record cause, silence interrupts, continue at tp in M-mode. */
mtail:
  csrr t4, mcause
  csrw mie, zero
  csrw mip, zero
  csrci mstatus, MSTATUS_MIE
  mv t0, tp
  li tp, 0
  jr t0

/* S tail: the same for S-mode. */
stail:
  csrr t4, scause
  csrw sie, zero
  csrw sip, zero
  csrci sstatus, MSTATUS_SIE
  mv t0, tp
  li tp, 0
  jr t0

  VECTOR_TABLE mvec, mtail
  VECTOR_TABLE svec, stail
