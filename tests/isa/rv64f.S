/* RV64F: every single-precision instruction and the fcsr accessors.
 * Operands and results are raw bits; results are read with fmv.x.d so the
 * NaN-boxing of each single result (upper 32 bits all ones) is checked too. */
#include "test.h"

#define ONE   0x3f800000
#define TWO   0x40000000
#define THREE 0x40400000
#define MONE  0xbf800000
#define QNAN  0x7fc00000
#define PINF  0x7f800000
#define NINF  0xff800000

TEST_BEGIN
  /* arithmetic */
  TEST_FP_OP2(1,  fadd.s, S(THREE), 0, S(ONE), S(TWO))
  TEST_FP_OP2(2,  fadd.s, S(ONE), NX, S(ONE), S(0x33800000))        /* 1 + 2^-24: tie to even */
  TEST_FP_OP2(3,  fadd.s, S(QNAN), NV, S(PINF), S(NINF))
  TEST_FP_OP2(4,  fsub.s, S(MONE), 0, S(ONE), S(TWO))
  TEST_FP_OP2(5,  fmul.s, S(0x41200000), 0, S(0x40200000), S(0x40800000))  /* 2.5 * 4 */
  TEST_FP_OP2(6,  fmul.s, S(PINF), OF | NX, S(0x7f7fffff), S(TWO))
  TEST_FP_OP2(7,  fdiv.s, S(0x3eaaaaab), NX, S(ONE), S(THREE))
  TEST_FP_OP2(8,  fdiv.s, S(PINF), DZ, S(ONE), S(0))
  TEST_FP_OP2(9,  fdiv.s, S(QNAN), NV, S(0), S(0))
  TEST_FP_OP1(10, fsqrt.s, S(TWO), 0, S(0x40800000))
  TEST_FP_OP1(11, fsqrt.s, S(0x3fb504f3), NX, S(TWO))
  TEST_FP_OP1(12, fsqrt.s, S(QNAN), NV, S(MONE))
  TEST_FP_OP1(13, fsqrt.s, S(0x80000000), 0, S(0x80000000))          /* sqrt(-0) = -0 */

  /* fused multiply-add family: 2*3+1, 2*3-1, -(2*3)+1, -(2*3)-1 */
  TEST_FP_OP3(14, fmadd.s,  S(0x40e00000), 0, S(TWO), S(THREE), S(ONE))
  TEST_FP_OP3(15, fmsub.s,  S(0x40a00000), 0, S(TWO), S(THREE), S(ONE))
  TEST_FP_OP3(16, fnmsub.s, S(0xc0a00000), 0, S(TWO), S(THREE), S(ONE))
  TEST_FP_OP3(17, fnmadd.s, S(0xc0e00000), 0, S(TWO), S(THREE), S(ONE))

  /* sign injection */
  TEST_FP_OP2(18, fsgnj.s,  S(MONE), 0, S(ONE), S(0xc0000000))
  TEST_FP_OP2(19, fsgnjn.s, S(ONE), 0, S(ONE), S(0xc0000000))
  TEST_FP_OP2(20, fsgnjx.s, S(ONE), 0, S(MONE), S(0xc0000000))
  TEST_FP_OP2(21, fsgnjx.s, S(MONE), 0, S(MONE), S(TWO))
  TEST_FP_OP2(22, fsgnj.s,  S(0x7fc00001), 0, S(0xffc00001), S(ONE))   /* NaN payload kept */

  /* min / max (more in fp_minmax) */
  TEST_FP_OP2(23, fmin.s, S(ONE), 0, S(ONE), S(TWO))
  TEST_FP_OP2(24, fmax.s, S(TWO), 0, S(ONE), S(TWO))

  /* compares */
  TEST_FP_INT2(25, feq.s, 1, 0, S(ONE), S(ONE))
  TEST_FP_INT2(26, flt.s, 1, 0, S(ONE), S(TWO))
  TEST_FP_INT2(27, fle.s, 0, 0, S(TWO), S(ONE))
  TEST_FP_INT2(28, fle.s, 1, 0, S(0x80000000), S(0))                  /* -0 <= +0 */
  TEST_FP_INT2(29, feq.s, 0, 0, S(QNAN), S(ONE))                      /* quiet: no flag */
  TEST_FP_INT2(30, flt.s, 0, NV, S(QNAN), S(ONE))                     /* signalling compare */
  TEST_FP_INT2(31, feq.s, 0, NV, S(0x7f800001), S(ONE))               /* sNaN raises NV */

  /* class */
  TEST_FP_INT1(32, fclass.s, 1 << 0, 0, S(NINF))
  TEST_FP_INT1(33, fclass.s, 1 << 6, 0, S(ONE))

  /* conversions to integer (static rounding modes given explicitly) */
  TEST_FP_INT1_RM(34, fcvt.w.s, rtz, -2, NX, S(0xc0200000))   /* -2.5 */
  TCASE 35
  li t0, S(0x40200000)                                               /* 2.5, RNE -> 2 */
  fmv.d.x fa1, t0
  csrw fflags, zero
  fcvt.w.s a0, fa1, rne
  CHECK a0, 2
  csrr a1, fflags
  CHECK a1, NX
  TEST_FP_INT1_RM(36, fcvt.wu.s, rtz, 3, 0, S(THREE))
  TEST_FP_INT1_RM(37, fcvt.wu.s, rtz, 0xffffffff80000000, 0, S(0x4f000000))  /* 2^31: sign-extended */
  TEST_FP_INT1_RM(38, fcvt.l.s, rtz, 0x10000000000, 0, S(0x53800000))
  TEST_FP_INT1_RM(39, fcvt.lu.s, rtz, 0x8000000000000000, 0, S(0x5f000000))

  /* conversions from integer */
  TEST_INT_FP(40, fcvt.s.w, S(MONE), 0, -1)
  TEST_INT_FP(41, fcvt.s.w, S(ONE), 0, 0x100000001)                  /* low 32 bits only */
  TEST_INT_FP(42, fcvt.s.wu, S(0x4f800000), NX, 0xffffffff)           /* rounds up to 2^32 */
  TEST_INT_FP(43, fcvt.s.l, S(0xdf000000), 0, 0x8000000000000000)
  TEST_INT_FP(44, fcvt.s.lu, S(0x5f800000), NX, -1)

  /* moves: fmv.w.x boxes, fmv.x.w sign-extends the raw low word */
  TEST_INT_FP(45, fmv.w.x, S(ONE), 0, 0x123456783f800000)
  TEST_FP_INT1(46, fmv.x.w, 0xffffffffbf800000, 0, S(MONE))
  TEST_FP_INT1(47, fmv.x.w, 0xffffffff9abcdef0, 0, 0x123456789abcdef0)   /* no canonicalisation */

  /* loads box, stores write the low word unchanged */
  TCASE 48
  la a1, fdata
  flw fa0, 0(a1)
  fmv.x.d a0, fa0
  CHECK a0, S(0xc0490fdb)
  TCASE 49
  li t0, 0x123456789abcdef0                                          /* not boxed */
  fmv.d.x fa0, t0
  fsw fa0, 8(a1)
  ld a0, 8(a1)
  CHECK a0, 0xaaaaaaaa9abcdef0

  /* fcsr, frm and fflags views */
  TCASE 50
  li t0, 0x1ff
  fscsr a0, t0                                  /* bits above 7 are not stored */
  frcsr a0
  CHECK a0, 0xff
  frrm a0
  CHECK a0, 7
  frflags a0
  CHECK a0, 0x1f
  TCASE 51
  fsrmi a0, 3
  CHECK a0, 7
  frcsr a0
  CHECK a0, 0x7f
  fsflags a0, zero
  CHECK a0, 0x1f
  frcsr a0
  CHECK a0, 0x60
  fscsr zero
  TEST_PASS

  .data
  .balign 8
fdata: .word 0xc0490fdb, 0                     /* -pi */
       .word 0xaaaaaaaa, 0xaaaaaaaa
