/* When a pending interrupt is taken: M-level (not delegated) interrupts need
 * mstatus.MIE in M-mode but are always enabled in S/U; delegated ones are
 * never taken in M-mode, need sstatus.SIE in S-mode, always taken in U;
 * a clear mie bit blocks either. */
#include "test.h"

#define SSIP (1 << IRQ_SSI)

TEST_BEGIN
  /* M-mode, MIE = 0: pending + enabled, not taken */
  TCASE 1
  csrw mideleg, zero
  li t0, SSIP
  csrs mip, t0
  csrw mie, t0
  nop
  nop
  /* S-mode with MIE = 0: a non-delegated interrupt is taken at once */
  TCASE 2
  la tp, 1f + 1                                  /* continue in M */
  GOTO_MODE PRV_S, 2f
2:
  nop
  j fail
1:
  CHECK t4, INTR | IRQ_SSI
  /* a clear mie bit blocks it even in S-mode */
  TCASE 3
  li t0, SSIP
  csrs mip, t0
  csrw mie, zero
  GOTO_MODE PRV_S, 3f
3:
  nop
  nop
  BACK_TO_M

  /* delegated: never taken in M-mode, even with SIE and MIE set */
  TCASE 4
  li t0, SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  li t0, MSTATUS_SIE | MSTATUS_MIE
  csrs mstatus, t0
  nop
  nop
  csrci mstatus, MSTATUS_MIE | MSTATUS_SIE
  /* S-mode, SIE = 0: not taken */
  TCASE 5
  GOTO_MODE PRV_S, 4f
4:
  nop
  nop
  /* S-mode, SIE = 1: taken by the S handler */
  TCASE 6
  la tp, 5f
  csrsi sstatus, MSTATUS_SIE
  nop
  j fail
5:
  CHECK t4, INTR | IRQ_SSI
  csrci sstatus, MSTATUS_SIE
  csrsi sie, SSIP                                /* handler cleared sie */
  /* U-mode: taken although SIE = 0 */
  TCASE 7
  la t0, 6f
  csrw sepc, t0
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  CAPTURE_NEXT_STRAP 7f                          /* continue in S */
  sret                                           /* to U with SIE = SPIE = 0 */
6:
  nop
  j fail
7:
  CHECK t4, INTR | IRQ_SSI
  TCASE 8
  srli t0, t3, 8                                 /* SPP: it came from U */
  andi t0, t0, 1
  CHECK t0, 0
  csrci sip, SSIP
  BACK_TO_M
  TEST_PASS
