/* Rounding modes: each static mode, the same through frm (DYN), and the
 * reserved encodings: rm = 5, 6, and DYN with frm = 5, 6, 7 raise illegal
 * instruction (mtval = the instruction bits). */
#include "test.h"

/* OP-FP encoding with an explicit rm field (funct7, rs2, rs1=fa1, rd=fa0). */
#define FP_RM(funct7, rs2, rm) \
  (((funct7) << 25) | ((rs2) << 20) | (11 << 15) | ((rm) << 12) | (10 << 7) | 0x53)
#define FADD_S   0x00
#define FADD_D   0x01
#define FSQRT_S  0x2c
#define FCVT_D_S 0x21
#define FCVT_S_W 0x68
/* fmadd.s fa0, fa1, fa2, fa3 with rm */
#define FMADD_S_RM(rm) ((13 << 27) | (12 << 20) | (11 << 15) | ((rm) << 12) | (10 << 7) | 0x43)

#define ONE 0x3f800000
#define THIRD_DN 0x3eaaaaaa                       /* 1/3 rounded down */
#define THIRD_UP 0x3eaaaaab                       /* 1/3 rounded up (nearest) */

/* Case n: fdiv 1/3 and -1/3 with static rm, then the same via frm = rm. */
.macro DIV3 n, rm, rmnum, pos, neg
  TEST_FP_OP2_RM(\n, fdiv.s, \rm, S(\pos), NX, S(ONE), S(0x40400000))
  TEST_FP_OP2_RM(\n, fdiv.s, \rm, S(\neg), NX, S(0xbf800000), S(0x40400000))
  fsrmi \rmnum
  TEST_FP_OP2_RM(\n, fdiv.s, dyn, S(\pos), NX, S(ONE), S(0x40400000))
  TEST_FP_OP2_RM(\n, fdiv.s, dyn, S(\neg), NX, S(0xbf800000), S(0x40400000))
  fsrmi 0
.endm

/* Case n: fcvt.w.s of 2.5 and -2.5 (ties) with static rm and via frm. */
.macro TIES n, rm, rmnum, pos, neg
  TEST_FP_INT1_RM(\n, fcvt.w.s, \rm, \pos, NX, S(0x40200000))
  TEST_FP_INT1_RM(\n, fcvt.w.s, \rm, \neg, NX, S(0xc0200000))
  fsrmi \rmnum
  TEST_FP_INT1_RM(\n, fcvt.w.s, dyn, \pos, NX, S(0x40200000))
  TEST_FP_INT1_RM(\n, fcvt.w.s, dyn, \neg, NX, S(0xc0200000))
  fsrmi 0
.endm

TEST_BEGIN
  DIV3 1, rne, 0, THIRD_UP, 0xbeaaaaab
  DIV3 2, rtz, 1, THIRD_DN, 0xbeaaaaaa
  DIV3 3, rdn, 2, THIRD_DN, 0xbeaaaaab
  DIV3 4, rup, 3, THIRD_UP, 0xbeaaaaaa
  DIV3 5, rmm, 4, THIRD_UP, 0xbeaaaaab
  TIES 6, rne, 0, 2, -2
  TIES 7, rtz, 1, 2, -2
  TIES 8, rdn, 2, 2, -3
  TIES 9, rup, 3, 3, -2
  TIES 10, rmm, 4, 3, -3
  /* an exact tie in an addition: 1 + 2^-24 and (1 + 2^-23) + 2^-24 */
  TEST_FP_OP2_RM(11, fadd.s, rne, S(ONE), NX, S(ONE), S(0x33800000))
  TEST_FP_OP2_RM(12, fadd.s, rne, S(0x3f800002), NX, S(0x3f800001), S(0x33800000))
  TEST_FP_OP2_RM(13, fadd.s, rmm, S(0x3f800001), NX, S(ONE), S(0x33800000))
  TEST_FP_OP2_RM(14, fadd.s, rup, S(0x3f800001), NX, S(ONE), S(0x33800000))
  TEST_FP_OP2_RM(15, fadd.s, rdn, S(ONE), NX, S(ONE), S(0x33800000))
  /* double: 1/3 up and down */
  TEST_FP_OP2_RM(16, fdiv.d, rup, 0x3fd5555555555556, NX, 0x3ff0000000000000, 0x4008000000000000)
  TEST_FP_OP2_RM(17, fdiv.d, rtz, 0x3fd5555555555555, NX, 0x3ff0000000000000, 0x4008000000000000)
  /* overflow result depends on the mode: RTZ/RDN give the largest finite */
  TEST_FP_OP2_RM(18, fmul.s, rtz, S(0x7f7fffff), OF | NX, S(0x7f7fffff), S(0x40000000))
  TEST_FP_OP2_RM(19, fmul.s, rdn, S(0x7f7fffff), OF | NX, S(0x7f7fffff), S(0x40000000))
  TEST_FP_OP2_RM(20, fmul.s, rup, S(0x7f800000), OF | NX, S(0x7f7fffff), S(0x40000000))
  TEST_FP_OP2_RM(21, fmul.s, rdn, S(0xff800000), OF | NX, S(0xff7fffff), S(0x40000000))
  /* x - x is -0 only when rounding down */
  TEST_FP_OP2_RM(22, fsub.s, rdn, S(0x80000000), 0, S(ONE), S(ONE))
  TEST_FP_OP2_RM(23, fsub.s, rne, S(0), 0, S(ONE), S(ONE))
  /* FMA and sqrt honour the static mode too */
  TEST_FP_OP3_RM(24, fmadd.s, rup, S(0x3f800003), NX, S(0x3f800001), S(0x3f800001), S(0))
  TEST_FP_OP3_RM(25, fmadd.s, rne, S(0x3f800002), NX, S(0x3f800001), S(0x3f800001), S(0))
  TEST_FP_OP1_RM(26, fsqrt.s, rup, S(0x3fb504f4), NX, S(0x40000000))
  TEST_FP_OP1_RM(27, fsqrt.s, rdn, S(0x3fb504f3), NX, S(0x40000000))
  TEST_INT_FP_RM(28, fcvt.s.w, rtz, S(0x4bffffff), NX, 0x1ffffff)  /* 2^25-1 */
  TEST_INT_FP_RM(29, fcvt.s.w, rup, S(0x4c000000), NX, 0x1ffffff)

  /* reserved static modes 5 and 6 */
  EXPECT_TRAP_TVAL 30, CAUSE_ILLEGAL, FP_RM(FADD_S, 12, 5), .4byte FP_RM(FADD_S, 12, 5)
  EXPECT_TRAP_TVAL 31, CAUSE_ILLEGAL, FP_RM(FADD_S, 12, 6), .4byte FP_RM(FADD_S, 12, 6)
  EXPECT_TRAP_TVAL 32, CAUSE_ILLEGAL, FP_RM(FADD_D, 12, 5), .4byte FP_RM(FADD_D, 12, 5)
  EXPECT_TRAP_TVAL 33, CAUSE_ILLEGAL, FP_RM(FSQRT_S, 0, 6), .4byte FP_RM(FSQRT_S, 0, 6)
  EXPECT_TRAP_TVAL 34, CAUSE_ILLEGAL, FP_RM(FCVT_S_W, 0, 5), .4byte FP_RM(FCVT_S_W, 0, 5)
  EXPECT_TRAP_TVAL 35, CAUSE_ILLEGAL, FMADD_S_RM(5), .4byte FMADD_S_RM(5)

  /* DYN with an invalid frm (5, 6, 7); frm itself holds the value */
  .irp frmval, 5, 6, 7
  li t0, \frmval
  fsrm t0
  frrm a0
  CHECK a0, \frmval
  EXPECT_TRAP_TVAL 36, CAUSE_ILLEGAL, FP_RM(FADD_S, 12, 7), .4byte FP_RM(FADD_S, 12, 7)
  EXPECT_TRAP_TVAL 37, CAUSE_ILLEGAL, FP_RM(FCVT_S_W, 0, 7), .4byte FP_RM(FCVT_S_W, 0, 7)
  EXPECT_TRAP_TVAL 38, CAUSE_ILLEGAL, FMADD_S_RM(7), .4byte FMADD_S_RM(7)
  /* instructions without an rm field still work */
  TEST_FP_OP2(39, fsgnj.s, S(ONE), 0, S(ONE), S(ONE))
  TEST_FP_INT2(40, feq.s, 1, 0, S(ONE), S(ONE))
  .endr
  fsrmi 0
  /* the widening fcvt.d.s ignores the mode but still decodes rm */
  EXPECT_TRAP_TVAL 41, CAUSE_ILLEGAL, FP_RM(FCVT_D_S, 0, 5), .4byte FP_RM(FCVT_D_S, 0, 5)
  TEST_PASS
