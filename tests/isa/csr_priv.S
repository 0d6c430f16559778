/* CSR privilege: address bits 9:8 give the lowest privilege that may access
 * a CSR. S-mode touching M CSRs and U-mode touching S or M CSRs raise
 * illegal instruction (mtval = instruction bits); their own CSRs work. */
#include "test.h"

TEST_BEGIN
  li t0, 0x7                                     /* let S/U read the counters */
  csrw mcounteren, t0
  csrw scounteren, t0
  GOTO_MODE PRV_S, smode
smode:
  EXPECT_TRAP_TVAL 1, CAUSE_ILLEGAL, CSR_INSN(0x300, 0, 2, 10), csrr a0, mstatus
  EXPECT_TRAP_TVAL 2, CAUSE_ILLEGAL, CSR_INSN(0x340, 11, 1, 0), csrw mscratch, a1
  EXPECT_TRAP_TVAL 3, CAUSE_ILLEGAL, CSR_INSN(0xf14, 0, 2, 10), csrr a0, mhartid
  EXPECT_TRAP_TVAL 4, CAUSE_ILLEGAL, CSR_INSN(0xb00, 0, 2, 10), csrr a0, mcycle
  EXPECT_TRAP 5, CAUSE_ILLEGAL, csrr a0, mtvec
  EXPECT_TRAP 6, CAUSE_ILLEGAL, csrr a0, medeleg
  EXPECT_TRAP 7, CAUSE_ILLEGAL, csrr a0, mip
  EXPECT_TRAP 8, CAUSE_ILLEGAL, csrr a0, pmpcfg0
  /* S CSRs are fine in S-mode */
  TCASE 9
  li a1, 0x55
  csrw sscratch, a1
  csrr a0, sscratch
  CHECK a0, 0x55
  csrr a0, sstatus
  csrr a0, stvec
  csrr a0, cycle
  BACK_TO_M

  GOTO_MODE PRV_U, umode
umode:
  EXPECT_TRAP_TVAL 10, CAUSE_ILLEGAL, CSR_INSN(0x100, 0, 2, 10), csrr a0, sstatus
  EXPECT_TRAP_TVAL 11, CAUSE_ILLEGAL, CSR_INSN(0x140, 11, 1, 0), csrw sscratch, a1
  EXPECT_TRAP 12, CAUSE_ILLEGAL, csrr a0, satp
  EXPECT_TRAP 13, CAUSE_ILLEGAL, csrr a0, mstatus
  EXPECT_TRAP 14, CAUSE_ILLEGAL, csrr a0, mhartid
  /* U may use the FP CSRs and (enabled) counters */
  TCASE 15
  csrr a0, fcsr
  csrr a0, cycle
  BACK_TO_M
  TEST_PASS
