/* Exception delegation (medeleg): delegated exceptions from U/S go to the
 * S handler (scause/sepc/stval, sstatus.SPP/SPIE/SIE updated), others and
 * every trap taken in M-mode go to M. */
#include "test.h"

#define BIT(n) (1 << (n))

/* Fail unless (t3 >> shift) & 1 == v. */
.macro CHECK_BIT n, reg, bit, v
  TCASE \n
  srli t0, \reg, \bit
  andi t0, t0, 1
  CHECK t0, \v
.endm

TEST_BEGIN
  li t0, BIT(CAUSE_ECALL_U) | BIT(CAUSE_ECALL_S) | BIT(CAUSE_ILLEGAL)
  csrw medeleg, t0
  csrr a0, medeleg
  CHECK a0, BIT(CAUSE_ECALL_U) | BIT(CAUSE_ECALL_S) | BIT(CAUSE_ILLEGAL)

  /* U ecall -> S, from SIE=1: SPIE=1, SIE=0, SPP=U */
  li t0, MSTATUS_SIE
  csrs mstatus, t0
  CAPTURE_NEXT_STRAP 2f
  li t3, 0
  GOTO_MODE PRV_U, 1f
1:
  TCASE 1
.Lecall_u:
  ecall
  j fail
2:
  csrr a0, sscratch                              /* we are in S-mode */
  CHECK t4, CAUSE_ECALL_U
  CHECK t5, 0
  CHECKLA t6, .Lecall_u
  CHECK_BIT 2, t3, 8, 0                          /* SPP = U */
  CHECK_BIT 3, t3, 5, 1                          /* SPIE = old SIE */
  CHECK_BIT 4, t3, 1, 0                          /* SIE cleared */

  /* S ecall -> S: SPP=S */
  CAPTURE_NEXT_STRAP 3f
.Lecall_s:
  ecall
  j fail
3:
  CHECK t4, CAUSE_ECALL_S
  CHECKLA t6, .Lecall_s
  CHECK_BIT 5, t3, 8, 1
  CHECK_BIT 6, t3, 5, 0                          /* SIE was 0 at this trap */
  BACK_TO_M ebreak                               /* ebreak is not delegated */

  /* illegal instruction in U -> S handler, stval = the bits */
  GOTO_MODE PRV_U, 4f
4:
  EXPECT_TRAP_TVAL 7, CAUSE_ILLEGAL, 0x1234500b, .4byte 0x1234500b
  BACK_TO_M ebreak

  /* traps in M-mode are never delegated: scause stays untouched */
  li t0, 0x77
  csrw scause, t0
  EXPECT_TRAP 8, CAUSE_ILLEGAL, .4byte 0x1234500b
  csrr a0, scause
  CHECK a0, 0x77
  csrr a0, mcause
  CHECK a0, CAUSE_ILLEGAL

  /* not delegated: U ebreak -> M, scause untouched */
  GOTO_MODE PRV_U, 5f
5:
  EXPECT_TRAP 9, CAUSE_BREAKPOINT, ebreak
  BACK_TO_M ebreak
  csrr a0, scause
  CHECK a0, 0x77

  /* with medeleg cleared, U ecall goes to M again */
  csrw medeleg, zero
  GOTO_MODE PRV_U, 6f
6:
  EXPECT_TRAP 10, CAUSE_ECALL_U, ecall
  BACK_TO_M
  csrr a0, scause
  CHECK a0, 0x77
  csrr a0, mcause
  CHECK a0, CAUSE_ECALL_U
  TEST_PASS
