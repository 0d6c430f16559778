/* FP -> integer saturation: NaN and +inf give the largest value, -inf the
 * smallest, out-of-range values clip; all of those raise NV only. Results
 * of W/WU conversions are sign-extended 32-bit values. */
#include "test.h"

#define SNAN 0x7fc00000
#define SPINF 0x7f800000
#define SNINF 0xff800000
#define DNAN 0x7ff8000000000000
#define DPINF 0x7ff0000000000000
#define DNINF 0xfff0000000000000

TEST_BEGIN
  /* single -> W */
  TEST_FP_INT1_RM(1,  fcvt.w.s, rtz, 0x7fffffff, NV, S(SNAN))
  TEST_FP_INT1_RM(2,  fcvt.w.s, rtz, 0x7fffffff, NV, S(SPINF))
  TEST_FP_INT1_RM(3,  fcvt.w.s, rtz, 0xffffffff80000000, NV, S(SNINF))
  TEST_FP_INT1_RM(4,  fcvt.w.s, rtz, 0x7fffffff, NV, S(0x4f32d05e))         /* 3e9 */
  TEST_FP_INT1_RM(5,  fcvt.w.s, rtz, 0xffffffff80000000, NV, S(0xcf32d05e)) /* -3e9 */
  TEST_FP_INT1_RM(6,  fcvt.w.s, rtz, 0xffffffff80000000, 0, S(0xcf000000))  /* -2^31 exact */
  TEST_FP_INT1_RM(7,  fcvt.w.s, rtz, 0, 0, S(0x80000000))                   /* -0 */
  TEST_FP_INT1_RM(8,  fcvt.w.s, rtz, 0x7fffffff, NV, S(0x7f800001))          /* sNaN */
  TEST_FP_INT1_RM(9,  fcvt.w.s, rtz, 0x7fffffff, NV, S(0xffc00000))          /* negative NaN */
  /* single -> WU */
  TEST_FP_INT1_RM(10, fcvt.wu.s, rtz, -1, NV, S(SNAN))
  TEST_FP_INT1_RM(11, fcvt.wu.s, rtz, -1, NV, S(SPINF))
  TEST_FP_INT1_RM(12, fcvt.wu.s, rtz, 0, NV, S(SNINF))
  TEST_FP_INT1_RM(13, fcvt.wu.s, rtz, 0, NV, S(0xbf800000))                 /* -1 */
  TEST_FP_INT1_RM(14, fcvt.wu.s, rtz, 0, NX, S(0xbf000000))                 /* -0.5 -> 0 */
  TEST_FP_INT1_RM(15, fcvt.wu.s, rdn, 0, NV, S(0xbf000000))                 /* -0.5 -> -1 */
  TEST_FP_INT1_RM(16, fcvt.wu.s, rtz, -1, NV, S(0x4f800000))                /* 2^32 */
  TEST_FP_INT1_RM(17, fcvt.wu.s, rtz, 0xffffffffffffff00, 0, S(0x4f7fffff)) /* 2^32-256 */
  /* single -> L, LU */
  TEST_FP_INT1_RM(18, fcvt.l.s, rtz, 0x7fffffffffffffff, NV, S(SNAN))
  TEST_FP_INT1_RM(19, fcvt.l.s, rtz, 0x7fffffffffffffff, NV, S(SPINF))
  TEST_FP_INT1_RM(20, fcvt.l.s, rtz, 0x8000000000000000, NV, S(SNINF))
  TEST_FP_INT1_RM(21, fcvt.l.s, rtz, 0x7fffffffffffffff, NV, S(0x5f000000))  /* 2^63 */
  TEST_FP_INT1_RM(22, fcvt.l.s, rtz, 0x8000000000000000, 0, S(0xdf000000))   /* -2^63 */
  TEST_FP_INT1_RM(23, fcvt.lu.s, rtz, -1, NV, S(SNAN))
  TEST_FP_INT1_RM(24, fcvt.lu.s, rtz, -1, NV, S(SPINF))
  TEST_FP_INT1_RM(25, fcvt.lu.s, rtz, 0, NV, S(SNINF))
  TEST_FP_INT1_RM(26, fcvt.lu.s, rtz, -1, NV, S(0x5f800000))                 /* 2^64 */
  TEST_FP_INT1_RM(27, fcvt.lu.s, rtz, 0, NV, S(0xbf800000))
  /* double -> W, WU */
  TEST_FP_INT1_RM(28, fcvt.w.d, rtz, 0x7fffffff, NV, DNAN)
  TEST_FP_INT1_RM(29, fcvt.w.d, rtz, 0xffffffff80000000, NV, DNINF)
  TEST_FP_INT1_RM(30, fcvt.w.d, rtz, 0x7fffffff, NX, 0x41dfffffffe00000)     /* 2^31-0.5 */
  TEST_FP_INT1_RM(31, fcvt.w.d, rne, 0x7fffffff, NV, 0x41dfffffffe00000)     /* rounds to 2^31 */
  TEST_FP_INT1_RM(32, fcvt.w.d, rtz, 0xffffffff80000000, NX, 0xc1e00000001fffff)  /* -2^31 - a bit */
  TEST_FP_INT1_RM(33, fcvt.wu.d, rtz, -1, NV, DNAN)
  TEST_FP_INT1_RM(34, fcvt.wu.d, rtz, 0, NV, DNINF)
  TEST_FP_INT1_RM(35, fcvt.wu.d, rup, -1, NV, 0x41efffffffe00000 + 1)        /* 2^32-1+eps up */
  TEST_FP_INT1_RM(36, fcvt.wu.d, rtz, 0, NX, 0xbfeccccccccccccd)             /* -0.9 */
  /* double -> L, LU */
  TEST_FP_INT1_RM(37, fcvt.l.d, rtz, 0x7fffffffffffffff, NV, DNAN)
  TEST_FP_INT1_RM(38, fcvt.l.d, rtz, 0x7fffffffffffffff, NV, DPINF)
  TEST_FP_INT1_RM(39, fcvt.l.d, rtz, 0x8000000000000000, NV, DNINF)
  TEST_FP_INT1_RM(40, fcvt.l.d, rtz, 0x8000000000000000, NV, 0xc3e0000000000001)  /* < -2^63 */
  TEST_FP_INT1_RM(41, fcvt.l.d, rtz, 0x7ffffffffffffc00, 0, 0x43dfffffffffffff)
  TEST_FP_INT1_RM(42, fcvt.lu.d, rtz, -1, NV, DNAN)
  TEST_FP_INT1_RM(43, fcvt.lu.d, rtz, -1, NV, DPINF)
  TEST_FP_INT1_RM(44, fcvt.lu.d, rtz, 0, NV, DNINF)
  TEST_FP_INT1_RM(45, fcvt.lu.d, rtz, -1, NV, 0x43f0000000000000)            /* 2^64 */
  TEST_FP_INT1_RM(46, fcvt.lu.d, rtz, 0xfffffffffffff800, 0, 0x43efffffffffffff)
  TEST_FP_INT1_RM(47, fcvt.lu.d, rmm, 1, NX, 0x3fe0000000000000)             /* 0.5 ties away */
  TEST_PASS
