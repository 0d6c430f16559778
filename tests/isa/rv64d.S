/* RV64D: every double-precision instruction, including the S<->D
 * conversions and 64-bit moves. */
#include "test.h"

#define ONE   0x3ff0000000000000
#define TWO   0x4000000000000000
#define THREE 0x4008000000000000
#define MONE  0xbff0000000000000
#define QNAN  0x7ff8000000000000
#define PINF  0x7ff0000000000000
#define NINF  0xfff0000000000000

TEST_BEGIN
  /* arithmetic */
  TEST_FP_OP2(1,  fadd.d, THREE, 0, ONE, TWO)
  TEST_FP_OP2(2,  fadd.d, ONE, NX, ONE, 0x3ca0000000000000)           /* 1 + 2^-53: tie to even */
  TEST_FP_OP2(3,  fadd.d, QNAN, NV, PINF, NINF)
  TEST_FP_OP2(4,  fsub.d, MONE, 0, ONE, TWO)
  TEST_FP_OP2(5,  fmul.d, 0x4024000000000000, 0, 0x4004000000000000, 0x4010000000000000)
  TEST_FP_OP2(6,  fmul.d, PINF, OF | NX, 0x7fefffffffffffff, TWO)
  TEST_FP_OP2(7,  fdiv.d, 0x3fd5555555555555, NX, ONE, THREE)
  TEST_FP_OP2(8,  fdiv.d, NINF, DZ, MONE, 0)
  TEST_FP_OP2(9,  fdiv.d, QNAN, NV, PINF, PINF)
  TEST_FP_OP1(10, fsqrt.d, TWO, 0, 0x4010000000000000)
  TEST_FP_OP1(11, fsqrt.d, 0x3ff6a09e667f3bcd, NX, TWO)
  TEST_FP_OP1(12, fsqrt.d, QNAN, NV, NINF)

  /* fused multiply-add family */
  TEST_FP_OP3(13, fmadd.d,  0x401c000000000000, 0, TWO, THREE, ONE)
  TEST_FP_OP3(14, fmsub.d,  0x4014000000000000, 0, TWO, THREE, ONE)
  TEST_FP_OP3(15, fnmsub.d, 0xc014000000000000, 0, TWO, THREE, ONE)
  TEST_FP_OP3(16, fnmadd.d, 0xc01c000000000000, 0, TWO, THREE, ONE)

  /* sign injection */
  TEST_FP_OP2(17, fsgnj.d,  MONE, 0, ONE, 0xc000000000000000)
  TEST_FP_OP2(18, fsgnjn.d, ONE, 0, ONE, 0xc000000000000000)
  TEST_FP_OP2(19, fsgnjx.d, ONE, 0, MONE, 0xc000000000000000)
  TEST_FP_OP2(20, fsgnjn.d, 0x7ff0000000000001, 0, 0xfff0000000000001, 0x8000000000000000)

  /* min / max */
  TEST_FP_OP2(21, fmin.d, MONE, 0, ONE, MONE)
  TEST_FP_OP2(22, fmax.d, ONE, 0, ONE, MONE)

  /* compares */
  TEST_FP_INT2(23, feq.d, 1, 0, ONE, ONE)
  TEST_FP_INT2(24, flt.d, 0, 0, ONE, ONE)
  TEST_FP_INT2(25, fle.d, 1, 0, ONE, ONE)
  TEST_FP_INT2(26, fle.d, 0, NV, QNAN, QNAN)
  TEST_FP_INT2(27, feq.d, 0, 0, QNAN, QNAN)
  TEST_FP_INT2(28, feq.d, 1, 0, 0x8000000000000000, 0)                 /* -0 == +0 */

  /* class */
  TEST_FP_INT1(29, fclass.d, 1 << 7, 0, PINF)
  TEST_FP_INT1(30, fclass.d, 1 << 9, 0, QNAN)

  /* conversions to integer */
  TEST_FP_INT1_RM(31, fcvt.w.d, rtz, -2, NX, 0xc004000000000000)        /* -2.5 */
  TEST_FP_INT1_RM(32, fcvt.w.d, rne, 2, NX, 0x4004000000000000)
  TEST_FP_INT1_RM(33, fcvt.wu.d, rtz, 3, 0, THREE)
  TEST_FP_INT1_RM(34, fcvt.l.d, rtz, 0x20000000000002, 0, 0x4340000000000001)  /* 2^53+2 */
  TEST_FP_INT1_RM(35, fcvt.lu.d, rtz, 0xfffffffffffff800, 0, 0x43efffffffffffff)

  /* conversions from integer */
  TEST_INT_FP(36, fcvt.d.w, MONE, 0, -1)
  TEST_INT_FP(37, fcvt.d.w, ONE, 0, 0xffffffff00000001)               /* low 32 bits only */
  TEST_INT_FP(38, fcvt.d.wu, 0x41efffffffe00000, 0, 0xffffffff)
  TEST_INT_FP(39, fcvt.d.l, 0x4340000000000000, NX, 0x20000000000001)  /* 2^53+1: tie to even */
  TEST_INT_FP(40, fcvt.d.lu, 0x43f0000000000000, NX, -1)

  /* precision conversions */
  TEST_FP_OP1(41, fcvt.s.d, S(0x3eaaaaab), NX, 0x3fd5555555555555)
  TEST_FP_OP1(42, fcvt.d.s, 0x3fb99999a0000000, 0, S(0x3dcccccd))
  TEST_FP_OP1(43, fcvt.s.d, S(0x7f800000), OF | NX, 0x7e37e43c8800759c) /* 1e300 */
  TEST_FP_OP1(44, fcvt.d.s, QNAN, NV, S(0x7f800001))                  /* sNaN -> canonical */
  TEST_FP_OP1(45, fcvt.s.d, S(0x7fc00000), 0, 0x7ff8000000000123)     /* NaN payload dropped */

  /* moves and memory */
  TEST_INT_FP(46, fmv.d.x, 0x123456789abcdef0, 0, 0x123456789abcdef0)
  TEST_FP_INT1(47, fmv.x.d, 0xfff0000000000001, 0, 0xfff0000000000001)
  TCASE 48
  la a1, ddata
  fld fa0, 0(a1)
  fmv.x.d a0, fa0
  CHECK a0, 0x400921fb54442d18
  fsd fa0, 8(a1)
  ld a0, 8(a1)
  CHECK a0, 0x400921fb54442d18
  fld fa1, -8(a1)                              /* negative offset */
  fmv.x.d a0, fa1
  CHECK a0, 0xc000000000000000
  TEST_PASS

  .data
  .balign 8
       .dword 0xc000000000000000
ddata: .dword 0x400921fb54442d18               /* pi */
       .dword 0
