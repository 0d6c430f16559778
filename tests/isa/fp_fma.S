/* Fused multiply-add rounds once. With a = 1 + 2^-23, b = 1 - 2^-23 the
 * exact product is 1 - 2^-46, which rounds to 1.0 on its own: a separate
 * multiply then add of -1 would give 0, the fused result is -2^-46. */
#include "test.h"

#define A  0x3f800001                            /* 1 + 2^-23 */
#define B  0x3f7ffffe                            /* 1 - 2^-23 */
#define ONE 0x3f800000
#define MONE 0xbf800000
#define DA 0x3ff0000000000001                    /* 1 + 2^-52 */
#define DB 0x3feffffffffffffe                    /* 1 - 2^-52 */

TEST_BEGIN
  /* the unfused sequence really does give 0 (the premise of the test) */
  TCASE 1
  li t0, S(A)
  fmv.d.x fa1, t0
  li t0, S(B)
  fmv.d.x fa2, t0
  li t0, S(MONE)
  fmv.d.x fa3, t0
  fmul.s fa0, fa1, fa2
  fadd.s fa0, fa0, fa3
  fmv.x.d a0, fa0
  CHECK a0, S(0)
  TEST_FP_OP3(2, fmadd.s,  S(0xa8800000), 0, S(A), S(B), S(MONE))  /* -2^-46 */
  TEST_FP_OP3(3, fmsub.s,  S(0xa8800000), 0, S(A), S(B), S(ONE))
  TEST_FP_OP3(4, fnmsub.s, S(0x28800000), 0, S(A), S(B), S(ONE))
  TEST_FP_OP3(5, fnmadd.s, S(0x28800000), 0, S(A), S(B), S(MONE))
  TEST_FP_OP3(6, fmadd.d,  0xb970000000000000, 0, DA, DB, 0xbff0000000000000)  /* -2^-104 */
  TEST_FP_OP3(7, fnmadd.d, 0x3970000000000000, 0, DA, DB, 0xbff0000000000000)
  /* inf * 0 is invalid even with a quiet NaN addend */
  TEST_FP_OP3(8, fmadd.s, S(0x7fc00000), NV, S(0x7f800000), S(0), S(0x7fc00000))
  TEST_FP_OP3(9, fmadd.d, 0x7ff8000000000000, NV, 0, 0xfff0000000000000, 0x7ff8000000000000)
  /* inf - inf in the final addition */
  TEST_FP_OP3(10, fmadd.s, S(0x7fc00000), NV, S(0x7f800000), S(ONE), S(0xff800000))
  /* the single rounding also decides overflow: max * 2 - max = max, exact */
  TEST_FP_OP3(11, fmsub.s, S(0x7f7fffff), 0, S(0x7f7fffff), S(0x40000000), S(0x7f7fffff))
  /* the sign of an exact zero result: +0 under RNE, (-1*1)+1 */
  TEST_FP_OP3(12, fmadd.s, S(0), 0, S(MONE), S(ONE), S(ONE))
  TEST_FP_OP3_RM(13, fmadd.s, rdn, S(0x80000000), 0, S(MONE), S(ONE), S(ONE))
  TEST_PASS
