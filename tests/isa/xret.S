/* MRET and SRET: they restore the privilege from xPP, set xIE = xPIE,
 * xPIE = 1, xPP = least privileged mode (U). SRET is allowed in M-mode
 * (returns by SPP). MPRV rules: xret_mprv.S. */
#include "test.h"

/* Fail unless (reg >> bit) & mask == v. */
.macro CHECK_FIELD n, reg, bit, mask, v
  TCASE \n
  srli t0, \reg, \bit
  andi t0, t0, \mask
  CHECK t0, \v
.endm

.macro MSTATUS_SET bits
  li t0, \bits
  csrs mstatus, t0
.endm
.macro MSTATUS_CLR bits
  li t0, \bits
  csrc mstatus, t0
.endm

TEST_BEGIN
  /* MRET M -> M: MIE = MPIE (0), MPIE = 1, MPP = U */
  MSTATUS_SET MSTATUS_MPP | MSTATUS_MIE
  MSTATUS_CLR MSTATUS_MPIE
  la t0, 1f
  csrw mepc, t0
  mret
  j fail
1:
  csrr s0, mstatus
  CHECK_FIELD 1, s0, 3, 1, 0                     /* MIE */
  CHECK_FIELD 2, s0, 7, 1, 1                     /* MPIE */
  CHECK_FIELD 3, s0, 11, 3, PRV_U                /* MPP */
  /* MRET M -> M with MPIE = 1: MIE = 1; MPRV stays */
  MSTATUS_SET MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MPRV
  la t0, 2f
  csrw mepc, t0
  mret
2:
  csrr s0, mstatus
  CHECK_FIELD 4, s0, 3, 1, 1
  CHECK_FIELD 5, s0, 17, 1, 1                    /* MPRV kept (MPP was M) */
  MSTATUS_CLR MSTATUS_MIE

  /* MRET M -> S: lands in S with MIE = MPIE = 1. The M CSR
   * access below traps (illegal in S) into the capturing handler. */
  MSTATUS_SET MSTATUS_MPIE
  CAPTURE_NEXT_TRAP 4f
  GOTO_MODE PRV_S, 3f
3:
  EXPECT_NO_TRAP 6, csrr a0, sscratch            /* S CSRs work */
  TCASE 7
  csrr a0, mscratch                              /* M CSRs do not */
  j fail
4:
  CHECK t4, CAUSE_ILLEGAL
  CHECK_FIELD 8, t3, 11, 3, PRV_S                /* trap recorded MPP = S */
  CHECK_FIELD 9, t3, 7, 1, 1                     /* MIE was 1 in S */
  MSTATUS_CLR MSTATUS_MIE | MSTATUS_MPIE

  /* MRET M -> U */
  GOTO_MODE PRV_U, 5f
5:
  EXPECT_TRAP 11, CAUSE_ILLEGAL, csrr a0, sscratch
  BACK_TO_M

  /* SRET S -> U: SIE = SPIE (1), SPIE = 1, SPP = U */
  CAPTURE_NEXT_TRAP 8f
  GOTO_MODE PRV_S, 6f
6:
  li t0, MSTATUS_SPP | MSTATUS_SIE
  csrc sstatus, t0
  li t0, MSTATUS_SPIE
  csrs sstatus, t0
  la t0, 7f
  csrw sepc, t0
  sret
  j fail
7:
  TCASE 12
  csrr a0, sscratch                              /* in U now: traps */
  j fail
8:
  CHECK t4, CAUSE_ILLEGAL
  CHECK_FIELD 13, t3, 1, 1, 1                    /* SIE */
  CHECK_FIELD 14, t3, 5, 1, 1                    /* SPIE */
  CHECK_FIELD 15, t3, 8, 1, 0                    /* SPP */
  CHECK_FIELD 23, t3, 11, 3, PRV_U               /* the trap came from U */

  /* SRET S -> S: SIE = SPIE (0), SPP = U afterwards */
  GOTO_MODE PRV_S, 9f
9:
  li t0, MSTATUS_SPP | MSTATUS_SIE
  csrs sstatus, t0
  li t0, MSTATUS_SPIE
  csrc sstatus, t0
  la t0, 10f
  csrw sepc, t0
  sret
10:
  EXPECT_NO_TRAP 16, csrr a0, sscratch           /* still S */
  csrr s0, sstatus
  CHECK_FIELD 17, s0, 1, 1, 0
  CHECK_FIELD 18, s0, 5, 1, 1
  CHECK_FIELD 19, s0, 8, 1, 0
  BACK_TO_M

  /* SRET from M-mode returns to SPP (S) */
  MSTATUS_SET MSTATUS_SPP
  CAPTURE_NEXT_TRAP 12f
  la t0, 11f
  csrw sepc, t0
  sret
11:
  EXPECT_NO_TRAP 20, csrr a0, sscratch
  TCASE 21
  csrr a0, mscratch
  j fail
12:
  CHECK t4, CAUSE_ILLEGAL
  CHECK_FIELD 24, t3, 11, 3, PRV_S
  TEST_PASS
