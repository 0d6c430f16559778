/* NaN boxing and the canonical NaN. Single values live in the low half of a
 * 64-bit register with the upper half all ones; anything else reads as the
 * canonical NaN 0x7fc00000. NaN results are always canonical. */
#include "test.h"

#define ONE     0x3f800000
#define UNBOXED 0x000000003f800000              /* 1.0f without its box */
#define HALFBOX 0xfffffffe3f800000              /* one upper bit missing */
#define CNAN    0x7fc00000

TEST_BEGIN
  /* FLW and FMV.W.X box; the loaded word is kept bit for bit */
  TCASE 1
  la a1, words
  flw fa0, 0(a1)
  fmv.x.d a0, fa0
  CHECK a0, 0xffffffff7f800001                   /* even a signalling NaN */
  TEST_INT_FP(2, fmv.w.x, S(0x7fc12345), 0, 0x7fc12345)

  /* improperly boxed operands are the canonical (quiet) NaN: no NV */
  TEST_FP_OP2(3, fadd.s, S(CNAN), 0, UNBOXED, S(ONE))
  TEST_FP_OP2(4, fadd.s, S(CNAN), 0, S(ONE), HALFBOX)
  TEST_FP_OP2(5, fmul.s, S(CNAN), 0, UNBOXED, UNBOXED)
  TEST_FP_INT1(6, fclass.s, 1 << 9, 0, UNBOXED)
  TEST_FP_INT2(7, feq.s, 0, 0, UNBOXED, UNBOXED)
  TEST_FP_INT2(8, flt.s, 0, NV, UNBOXED, S(ONE))
  TEST_FP_INT1_RM(9, fcvt.w.s, rtz, 0x7fffffff, NV, UNBOXED)
  TEST_FP_OP1(10, fcvt.d.s, 0x7ff8000000000000, 0, UNBOXED)
  TEST_FP_OP2(11, fmin.s, S(ONE), 0, UNBOXED, S(ONE))
  /* sign injection: the unboxed operand is 0x7fc00000 (sign +) */
  TEST_FP_OP2(12, fsgnj.s, S(CNAN), 0, UNBOXED, S(ONE))
  TEST_FP_OP2(13, fsgnjn.s, S(0xffc00000), 0, UNBOXED, S(ONE))
  TEST_FP_OP2(14, fsgnj.s, S(ONE), 0, S(0xbf800000), UNBOXED)
  TEST_FP_OP2(15, fsgnjn.s, S(0xbf800000), 0, S(ONE), UNBOXED)
  TEST_FP_OP2(16, fsgnjx.s, S(ONE), 0, S(ONE), UNBOXED)
  /* a double op on the same bits is an ordinary double */
  TEST_FP_INT1(17, fclass.d, 1 << 6, 0, UNBOXED | 0x3800000000000000)

  /* NaN results are canonical: input payloads are not propagated */
  TEST_FP_OP2(18, fadd.s, S(CNAN), 0, S(0x7fc12345), S(ONE))
  TEST_FP_OP2(19, fadd.s, S(CNAN), NV, S(0x7f812345), S(ONE))
  TEST_FP_OP2(20, fadd.d, 0x7ff8000000000000, 0, 0x7ff8000000012345, 0x3ff0000000000000)
  TEST_FP_OP2(21, fmul.d, 0x7ff8000000000000, NV, 0xfff0000000012345, 0x3ff0000000000000)
  TEST_FP_OP1(22, fsqrt.s, S(CNAN), 0, S(0xffc00001))
  TEST_FP_OP1(23, fcvt.s.d, S(CNAN), 0, 0xfff8000000000001)
  TEST_FP_OP1(24, fcvt.d.s, 0x7ff8000000000000, 0, S(0xffc00001))
  TEST_FP_OP3(25, fmadd.s, S(CNAN), 0, S(ONE), S(ONE), S(0xffc00003))
  /* ... while sign injection and moves keep payloads */
  TEST_FP_OP2(26, fsgnjn.s, S(0xffc12345), 0, S(0x7fc12345), S(0x7fc12345))
  TEST_FP_INT1(27, fmv.x.w, 0x000000007f812345, 0, S(0x7f812345))
  TEST_PASS

  .data
  .balign 8
words: .word 0x7f800001, 0
