/* mstatus.TVM traps S-mode satp accesses and SFENCE.VMA, TSR traps SRET in
 * S-mode, TW traps WFI in S-mode; WFI in U-mode always traps (S exists).
 * With the bits clear (or in M-mode) the same instructions work. */
#include "test.h"

.macro MSTATUS_SET bits
  li t0, \bits
  csrs mstatus, t0
.endm
.macro MSTATUS_CLR bits
  li t0, \bits
  csrc mstatus, t0
.endm

TEST_BEGIN
  csrw satp, zero
  MSTATUS_SET MSTATUS_TVM | MSTATUS_TSR | MSTATUS_TW
  GOTO_MODE PRV_S, 1f
1:
  EXPECT_TRAP_TVAL 1, CAUSE_ILLEGAL, CSR_INSN(0x180, 0, 2, 10), csrr a0, satp
  EXPECT_TRAP 2, CAUSE_ILLEGAL, csrw satp, zero
  EXPECT_TRAP_TVAL 3, CAUSE_ILLEGAL, 0x12000073, sfence.vma
  EXPECT_TRAP 4, CAUSE_ILLEGAL, sfence.vma a0, a1
  EXPECT_TRAP_TVAL 5, CAUSE_ILLEGAL, 0x10200073, sret
  EXPECT_TRAP_TVAL 6, CAUSE_ILLEGAL, 0x10500073, wfi
  BACK_TO_M
  /* M-mode ignores all three (WFI would wait, so it is left out here) */
  EXPECT_NO_TRAP 7, csrr a0, satp
  EXPECT_NO_TRAP 8, sfence.vma

  MSTATUS_CLR MSTATUS_TVM | MSTATUS_TSR | MSTATUS_TW
  GOTO_MODE PRV_S, 2f
2:
  EXPECT_NO_TRAP 9, csrr a0, satp
  EXPECT_NO_TRAP 10, csrw satp, zero
  EXPECT_NO_TRAP 11, sfence.vma
  /* SRET with TSR=0 works: return to S-mode at 3f */
  TCASE 12
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, 3f
  csrw sepc, t0
  sret
  j fail
3:
  BACK_TO_M

  GOTO_MODE PRV_U, 4f
4:
  EXPECT_TRAP_TVAL 13, CAUSE_ILLEGAL, 0x10500073, wfi
  BACK_TO_M
  TEST_PASS
