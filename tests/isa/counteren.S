/* mcounteren / scounteren: S-mode may read cycle/time/instret only when the
 * mcounteren bit is set; U-mode needs the bit in both. Each bit gates one
 * counter. (time cases last: QEMU's spike machine has no time CSR.) */
#include "test.h"

#define CY 1
#define TM 2
#define IR 4

.macro SET_EN m, s
  li t0, \m
  csrw mcounteren, t0
  li t0, \s
  csrw scounteren, t0
.endm

TEST_BEGIN
  /* S-mode, mcounteren = 0: all three trap */
  SET_EN 0, 7
  GOTO_MODE PRV_S, 1f
1:
  EXPECT_TRAP_TVAL 1, CAUSE_ILLEGAL, CSR_INSN(0xc00, 0, 2, 10), rdcycle a0
  EXPECT_TRAP 2, CAUSE_ILLEGAL, rdinstret a0
  BACK_TO_M
  /* S-mode, only CY and IR */
  SET_EN CY | IR, 0
  GOTO_MODE PRV_S, 2f
2:
  EXPECT_NO_TRAP 3, rdcycle a0
  EXPECT_NO_TRAP 4, rdinstret a0
  BACK_TO_M
  /* S-mode, only IR: cycle traps */
  SET_EN IR, 0
  GOTO_MODE PRV_S, 3f
3:
  EXPECT_TRAP 5, CAUSE_ILLEGAL, rdcycle a0
  EXPECT_NO_TRAP 6, rdinstret a0
  BACK_TO_M
  /* U-mode: mcounteren set but scounteren clear -> trap */
  SET_EN 7, 0
  GOTO_MODE PRV_U, 4f
4:
  EXPECT_TRAP 7, CAUSE_ILLEGAL, rdcycle a0
  EXPECT_TRAP 8, CAUSE_ILLEGAL, rdinstret a0
  BACK_TO_M
  /* U-mode: scounteren set but mcounteren clear -> trap */
  SET_EN 0, 7
  GOTO_MODE PRV_U, 5f
5:
  EXPECT_TRAP 9, CAUSE_ILLEGAL, rdcycle a0
  BACK_TO_M
  /* U-mode: both set */
  SET_EN CY | IR, CY | IR
  GOTO_MODE PRV_U, 6f
6:
  EXPECT_NO_TRAP 10, rdcycle a0
  EXPECT_NO_TRAP 11, rdinstret a0
  BACK_TO_M
  /* the counters were really read (non-zero) */
  TCASE 12
  beqz a0, fail
  /* M-mode is never gated */
  SET_EN 0, 0
  EXPECT_NO_TRAP 13, rdcycle a0

  /* time (TM) */
  SET_EN 0, 0
  GOTO_MODE PRV_S, 7f
7:
  EXPECT_TRAP 14, CAUSE_ILLEGAL, rdtime a0
  BACK_TO_M
  SET_EN TM, 0
  GOTO_MODE PRV_S, 8f
8:
  EXPECT_NO_TRAP 15, rdtime a0
  BACK_TO_M
  GOTO_MODE PRV_U, 9f
9:
  EXPECT_TRAP 16, CAUSE_ILLEGAL, rdtime a0
  BACK_TO_M
  SET_EN TM, TM
  GOTO_MODE PRV_U, 10f
10:
  EXPECT_NO_TRAP 17, rdtime a0
  BACK_TO_M
  TEST_PASS
