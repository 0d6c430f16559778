/* FCLASS: all ten classes (one result bit each) for S and D, plus the
 * boundary values (largest subnormal, smallest normal) and negative NaNs. */
#include "test.h"

TEST_BEGIN
  TEST_FP_INT1(1,  fclass.s, 1 << 0, 0, S(0xff800000))   /* -inf */
  TEST_FP_INT1(2,  fclass.s, 1 << 1, 0, S(0xbf800000))   /* negative normal */
  TEST_FP_INT1(3,  fclass.s, 1 << 2, 0, S(0x80000001))   /* negative subnormal */
  TEST_FP_INT1(4,  fclass.s, 1 << 3, 0, S(0x80000000))   /* -0 */
  TEST_FP_INT1(5,  fclass.s, 1 << 4, 0, S(0x00000000))   /* +0 */
  TEST_FP_INT1(6,  fclass.s, 1 << 5, 0, S(0x00000001))   /* positive subnormal */
  TEST_FP_INT1(7,  fclass.s, 1 << 6, 0, S(0x3f800000))   /* positive normal */
  TEST_FP_INT1(8,  fclass.s, 1 << 7, 0, S(0x7f800000))   /* +inf */
  TEST_FP_INT1(9,  fclass.s, 1 << 8, 0, S(0x7f800001))   /* signalling NaN */
  TEST_FP_INT1(10, fclass.s, 1 << 9, 0, S(0x7fc00000))   /* quiet NaN */
  TEST_FP_INT1(11, fclass.s, 1 << 5, 0, S(0x007fffff))
  TEST_FP_INT1(12, fclass.s, 1 << 6, 0, S(0x00800000))
  TEST_FP_INT1(13, fclass.s, 1 << 8, 0, S(0xffbfffff))
  TEST_FP_INT1(14, fclass.s, 1 << 9, 0, S(0xffc00001))
  TEST_FP_INT1(15, fclass.d, 1 << 0, 0, 0xfff0000000000000)
  TEST_FP_INT1(16, fclass.d, 1 << 1, 0, 0xbff0000000000000)
  TEST_FP_INT1(17, fclass.d, 1 << 2, 0, 0x8000000000000001)
  TEST_FP_INT1(18, fclass.d, 1 << 3, 0, 0x8000000000000000)
  TEST_FP_INT1(19, fclass.d, 1 << 4, 0, 0x0000000000000000)
  TEST_FP_INT1(20, fclass.d, 1 << 5, 0, 0x000fffffffffffff)
  TEST_FP_INT1(21, fclass.d, 1 << 6, 0, 0x0010000000000000)
  TEST_FP_INT1(22, fclass.d, 1 << 7, 0, 0x7ff0000000000000)
  TEST_FP_INT1(23, fclass.d, 1 << 8, 0, 0x7ff7ffffffffffff)
  TEST_FP_INT1(24, fclass.d, 1 << 9, 0, 0x7ff8000000000000)
  TEST_FP_INT1(25, fclass.d, 1 << 8, 0, 0xfff0000000000001)
  TEST_FP_INT1(26, fclass.d, 1 << 9, 0, 0xfff8000000000000)
  TEST_PASS
