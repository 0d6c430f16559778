/* Software interrupts through mip.SSIP: set by M-mode and taken by M
 * (not delegated) or S (delegated), or raised by S itself through sip. The
 * interrupt is precise: xepc is the next instruction and SRET resumes it. */
#include "test.h"

#define SSIP (1 << IRQ_SSI)

TEST_BEGIN
  /* M sets SSIP, not delegated: taken in M once MIE is set */
  TCASE 1
  li t0, SSIP
  csrw mie, t0
  csrs mip, t0
  la tp, 1f
  csrsi mstatus, MSTATUS_MIE
  nop
  j fail
1:
  CHECK t4, INTR | IRQ_SSI
  csrr a0, mip
  andi a0, a0, SSIP
  CHECK a0, SSIP                                 /* pending until cleared */
  li t0, SSIP
  csrc mip, t0

  /* M sets SSIP, delegated: taken by S right after SIE is set */
  TCASE 2
  li t0, SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  CAPTURE_NEXT_STRAP 3f
  GOTO_MODE PRV_S, 2f
2:
  csrsi sstatus, MSTATUS_SIE
.Lspin:
  j .Lspin
3:
  CHECK t4, INTR | IRQ_SSI
  CHECKLA t6, .Lspin                             /* sepc: next instruction */
  TCASE 3
  srli t0, t3, 8                                 /* SPP = S */
  andi t0, t0, 1
  CHECK t0, 1
  csrci sip, SSIP
  csrr a0, sip
  andi a0, a0, SSIP
  CHECK a0, 0

  /* S raises its own SSIP through sip */
  TCASE 4
  la tp, 4f
  csrsi sip, SSIP
  csrsi sstatus, MSTATUS_SIE
  nop
  j fail
4:
  CHECK t4, INTR | IRQ_SSI
  csrci sip, SSIP

  /* 100 interrupts in a loop, each returned from with SRET: the loop
   * completes with the right count */
  TCASE 5
  la t0, s_resume
  csrw stvec, t0
  csrsi sie, SSIP
  li s4, 0                                       /* loop iterations */
  li s5, 0                                       /* interrupts taken */
  csrsi sstatus, MSTATUS_SIE
5:
  csrsi sip, SSIP
  addi s4, s4, 1
  li t0, 100
  bltu s4, t0, 5b
  csrci sstatus, MSTATUS_SIE
  CHECK s4, 100
  CHECK s5, 100
  la t0, trap_s
  csrw stvec, t0
  BACK_TO_M
  TEST_PASS

  .balign 4
s_resume:
  csrci sip, SSIP
  addi s5, s5, 1
  sret
