/* The five accrued exception flags, each raised on its own, plus their
 * stickiness and the fflags/fcsr views. Underflow uses after-rounding
 * tininess and needs an inexact result (IEEE 754 default handling). */
#include "test.h"

TEST_BEGIN
  TEST_FP_OP2(1, fmul.s, S(0x7fc00000), NV, S(0), S(0x7f800000))          /* 0 * inf */
  TEST_FP_OP2(2, fdiv.s, S(0xff800000), DZ, S(0xbf800000), S(0))          /* -1 / 0 */
  TEST_FP_OP2(3, fmul.s, S(0x7f800000), OF | NX, S(0x7f7fffff), S(0x7f7fffff))
  TEST_FP_OP2(4, fmul.s, S(0x00400000), UF | NX, S(0x00800001), S(0x3f000000))  /* tiny, inexact */
  TEST_FP_OP2(5, fmul.s, S(0x00400000), 0, S(0x00800000), S(0x3f000000))       /* tiny but exact */
  TEST_FP_OP2(6, fdiv.s, S(0x3eaaaaab), NX, S(0x3f800000), S(0x40400000))
  /* below 2^-126 before rounding, exactly 2^-126 after: not tiny, no UF */
  TEST_FP_OP2(7, fmul.s, S(0x00800000), NX, S(0x3f7ffffe), S(0x00800001))
  TEST_FP_OP2(8, fmul.d, 0x0008000000000000, UF | NX, 0x0010000000000001, 0x3fe0000000000000)
  TEST_FP_OP2(9, fdiv.d, 0x7ff0000000000000, DZ, 0x3ff0000000000000, 0)
  TEST_FP_OP1(10, fsqrt.d, 0x7ff8000000000000, NV, 0xbff0000000000000)
  TEST_FP_OP2(11, fadd.d, 0x7ff0000000000000, OF | NX, 0x7fefffffffffffff, 0x7fefffffffffffff)
  /* 1/0 of an infinity or NaN dividend is not a division by zero */
  TEST_FP_OP2(12, fdiv.s, S(0x7f800000), 0, S(0x7f800000), S(0))

  /* flags accumulate until software clears them */
  TCASE 13
  csrw fflags, zero
  li t0, S(0x3f800000)
  fmv.d.x fa1, t0
  fmv.w.x fa2, zero                               /* +0.0f, boxed */
  fdiv.s fa0, fa1, fa2                            /* DZ */
  li t0, S(0x40400000)
  fmv.d.x fa2, t0
  fdiv.s fa0, fa1, fa2                            /* NX */
  fadd.s fa0, fa1, fa1                            /* exact: adds nothing */
  frflags a0
  CHECK a0, DZ | NX
  /* fflags is bits 4:0 of fcsr; writes through either view */
  TCASE 14
  li t0, NV | UF
  csrw fflags, t0
  frcsr a0
  CHECK a0, NV | UF
  csrsi fflags, OF
  csrr a0, fflags
  CHECK a0, NV | OF | UF
  csrwi fcsr, 0
  frflags a0
  CHECK a0, 0
  TEST_PASS
