/* Sscofpmf: an instruction counter that wraps sets mhpmevent.OF and raises
 * the local counter-overflow interrupt (13) within a few instructions, to
 * M or delegated to S; with OF already set a wrap raises nothing; MINH,
 * SINH and UINH stop the counter in that mode; scountovf shows the OF bits
 * (to S only as far as mcounteren allows; U: illegal). */
#include "test.h"

#define EV_INSN 2
#define EV_OF (1 << 63)
#define MINH (1 << 62)
#define SINH (1 << 61)
#define UINH (1 << 60)
#define LCOFIP (1 << 13)
#define INTR_LCOFI ((1 << 63) | 13)

.macro SET_EVENT v
  li t0, \v
  csrw mhpmevent3, t0
.endm

TEST_BEGIN
  TCASE 1                                        /* the bits are kept */
  SET_EVENT EV_INSN | EV_OF | MINH | SINH | UINH
  csrr a0, mhpmevent3
  CHECK a0, EV_INSN | EV_OF | MINH | SINH | UINH
  /* ---- overflow to M ---- */
  TCASE 2
  SET_EVENT EV_INSN
  li t0, -10
  csrw mhpmcounter3, t0
  li t0, LCOFIP
  csrw mie, t0
  li s1, 1000
  CAPTURE_NEXT_TRAP 2f
  csrsi mstatus, MSTATUS_MIE
1:
  addi s1, s1, -1
  bnez s1, 1b
  j fail
2:
  csrw mie, zero
  CHECK t4, INTR_LCOFI
  li t0, 1000 - 50                               /* within 100 instructions of the wrap */
  sltu a0, s1, t0
  CHECK a0, 0
  TCASE 3
  csrr a0, mhpmevent3
  CHECK a0, EV_INSN | EV_OF
  csrr a0, 0xda0                                 /* scountovf */
  CHECK a0, 1 << 3
  li t0, LCOFIP
  csrr a0, mip
  and a0, a0, t0
  CHECK a0, LCOFIP
  csrc mip, t0
  /* OF set: another wrap raises nothing */
  TCASE 4
  li t0, -5
  csrw mhpmcounter3, t0
  li t0, LCOFIP
  csrw mie, t0
  li s1, 50
1:
  addi s1, s1, -1
  bnez s1, 1b
  csrw mie, zero
  csrr a0, mip
  and a0, a0, t0
  CHECK a0, 0
  csrr a0, mhpmcounter3
  sltiu a0, a0, 200                              /* it did wrap and count on */
  CHECK a0, 1
  csrci mstatus, MSTATUS_MIE
  /* ---- mode inhibits ---- */
  TCASE 5                                        /* MINH: not in M */
  SET_EVENT EV_INSN | MINH
  li t0, 100
  csrw mhpmcounter3, t0
  nop
  nop
  csrr a0, mhpmcounter3
  CHECK a0, 100
  GOTO_MODE PRV_S, 1f
1:
  nop
  nop
  BACK_TO_M
  TCASE 6                                        /* but in S */
  csrr a0, mhpmcounter3
  sltiu a1, a0, 101
  CHECK a1, 0
  SET_EVENT EV_INSN | SINH | UINH                /* then M only */
  csrr s2, mhpmcounter3
  GOTO_MODE PRV_S, 1f
1:
  li s1, 1000                                    /* 2000 S instructions */
3:
  addi s1, s1, -1
  bnez s1, 3b
  BACK_TO_M
  GOTO_MODE PRV_U, 1f
1:
  li s1, 1000                                    /* and 2000 in U */
3:
  addi s1, s1, -1
  bnez s1, 3b
  BACK_TO_M
  TCASE 7                                        /* only the M instructions in between */
  csrr a0, mhpmcounter3
  sub a0, a0, s2
  sltiu a1, a0, 200
  CHECK a1, 1
  sltiu a1, a0, 20                               /* and those were counted */
  CHECK a1, 0
  /* ---- delegated to S ---- */
  SET_EVENT EV_INSN | MINH
  li t0, LCOFIP
  csrw mideleg, t0
  csrw mie, t0
  li t0, MSTATUS_SIE
  csrs mstatus, t0
  li t0, -20
  csrw mhpmcounter3, t0
  csrw mcounteren, zero
  GOTO_MODE PRV_S, 1f
1:
  TCASE 8
  csrr a0, 0xda0                                 /* OF clear; and hidden anyway */
  CHECK a0, 0
  li s1, 1000
  CAPTURE_NEXT_STRAP 2f
3:
  addi s1, s1, -1
  bnez s1, 3b
  j fail
2:
  csrw sie, zero
  TCASE 9
  CHECK t4, INTR_LCOFI
  csrr a0, 0xda0                                 /* mcounteren hides counter 3 */
  CHECK a0, 0
  BACK_TO_M
  li t0, 1 << 3
  csrw mcounteren, t0
  GOTO_MODE PRV_S, 1f
1:
  TCASE 10
  csrr a0, 0xda0
  CHECK a0, 1 << 3
  li t0, LCOFIP
  csrc sip, t0                                   /* S clears its pending bit */
  csrr a0, sip
  and a0, a0, t0
  CHECK a0, 0
  BACK_TO_M
  GOTO_MODE PRV_U, 1f
1:
  EXPECT_TRAP 11, CAUSE_ILLEGAL, csrr a0, 0xda0
  BACK_TO_M
  TEST_PASS
