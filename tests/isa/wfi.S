/* WFI returns when an interrupt is pending and enabled in mie/sie, even
 * with the global enable off (then no trap is taken). With the global
 * enable on, the trap is taken and xepc is the instruction after WFI. */
#include "test.h"

#define SSIP (1 << IRQ_SSI)

TEST_BEGIN
  /* M-mode, MIE = 0: returns, no trap */
  TCASE 1
  li t0, SSIP
  csrw mie, t0
  csrs mip, t0
  wfi
  wfi
  /* M-mode, MIE = 1: trap, mepc after the wfi */
  TCASE 2
  CAPTURE_NEXT_TRAP 2f
  csrsi mstatus, MSTATUS_MIE
  nop
  j fail
2:
  CHECK t4, INTR | IRQ_SSI
  li t0, SSIP
  csrc mip, t0
  TCASE 3
  csrs mip, t0
  csrw mie, zero
  CAPTURE_NEXT_TRAP 3f
  li t0, MSTATUS_MPIE                            /* MIE=1 arrives with mret */
  csrs mstatus, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  la t0, 4f
  csrw mepc, t0
  li t0, SSIP
  csrw mie, t0
  mret
4:
  j fail
3:
  CHECK t4, INTR | IRQ_SSI
  csrci mstatus, MSTATUS_MIE
  /* the WFI variant: interrupt arrives while waiting */
  TCASE 4
  li t0, SSIP
  csrc mip, t0
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  CAPTURE_NEXT_TRAP 5f
  li t0, SSIP
  csrs mip, t0                                   /* pending now, taken here */
.Lwfi:
  wfi
  j fail
5:
  /* taken at the csrs (before wfi) or at the wfi's successor */
  CHECK t4, INTR | IRQ_SSI
  la t0, .Lwfi
  beq t6, t0, 6f
  CHECKLA t6, .Lwfi + 4
6:
  li t0, SSIP
  csrc mip, t0

  /* S-mode (TW = 0), delegated SSI pending, SIE = 0: returns */
  TCASE 5
  li t0, SSIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  GOTO_MODE PRV_S, 7f
7:
  wfi
  csrci sip, SSIP
  BACK_TO_M
  TEST_PASS
