/* FMIN/FMAX (2.2 semantics): -0 < +0, one NaN operand returns the other,
 * two NaNs give the canonical NaN, a signalling NaN raises NV. */
#include "test.h"

#define PZ 0x00000000
#define NZ 0x80000000
#define ONE 0x3f800000
#define QN 0x7fc00000
#define QNP 0x7fc00042
#define SN 0x7f800001

TEST_BEGIN
  TEST_FP_OP2(1,  fmin.s, S(NZ), 0, S(PZ), S(NZ))
  TEST_FP_OP2(2,  fmin.s, S(NZ), 0, S(NZ), S(PZ))
  TEST_FP_OP2(3,  fmax.s, S(PZ), 0, S(PZ), S(NZ))
  TEST_FP_OP2(4,  fmax.s, S(PZ), 0, S(NZ), S(PZ))
  TEST_FP_OP2(5,  fmin.s, S(ONE), 0, S(QNP), S(ONE))
  TEST_FP_OP2(6,  fmax.s, S(ONE), 0, S(ONE), S(QNP))
  TEST_FP_OP2(7,  fmin.s, S(ONE), NV, S(SN), S(ONE))
  TEST_FP_OP2(8,  fmax.s, S(ONE), NV, S(ONE), S(SN))
  TEST_FP_OP2(9,  fmin.s, S(QN), 0, S(QNP), S(QNP))
  TEST_FP_OP2(10, fmax.s, S(QN), NV, S(SN), S(QNP))
  TEST_FP_OP2(11, fmin.s, S(0xff800000), 0, S(0xff800000), S(0x7f800000))
  TEST_FP_OP2(12, fmax.s, S(0x7f800000), 0, S(0xff800000), S(0x7f800000))
  TEST_FP_OP2(13, fmin.s, S(0xbf800000), 0, S(0xbf800000), S(ONE))

  TEST_FP_OP2(14, fmin.d, 0x8000000000000000, 0, 0, 0x8000000000000000)
  TEST_FP_OP2(15, fmax.d, 0, 0, 0x8000000000000000, 0)
  TEST_FP_OP2(16, fmin.d, 0x3ff0000000000000, 0, 0x7ff8000000000042, 0x3ff0000000000000)
  TEST_FP_OP2(17, fmax.d, 0x3ff0000000000000, NV, 0x7ff0000000000001, 0x3ff0000000000000)
  TEST_FP_OP2(18, fmin.d, 0x7ff8000000000000, NV, 0x7ff0000000000001, 0x7ff0000000000001)
  TEST_FP_OP2(19, fmax.d, 0x7ff8000000000000, 0, 0xfff8000000000000, 0x7ff8000000000001)
  TEST_PASS
