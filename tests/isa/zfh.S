/* Zfh and Zfhmin: binary16 arithmetic in every rounding mode, the flags
 * (tininess after rounding), NaN-boxing under 48 ones (a badly boxed
 * operand reads as the canonical NaN 0x7e00), conversions to and from
 * S, D and integers, moves and loads/stores. QEMU 7.2 passes it too
 * (run-isa.sh --qemu); tests/fpu compares every binary16 operation with
 * QEMU over all five rounding modes. */
#include "test.h"

#define H(x) (0xffffffffffff0000 | (x))
#define H_ONE 0x3c00

  .data
  .balign 8
mem: .dword 0x1122334455667788

  .text
TEST_BEGIN
  /* 1 + 2^-11 is halfway between 1 and its successor */
  TEST_FP_OP2_RM(1, fadd.h, rne, H(0x3c00), NX, H(0x3c00), H(0x1000))
  TEST_FP_OP2_RM(2, fadd.h, rtz, H(0x3c00), NX, H(0x3c00), H(0x1000))
  TEST_FP_OP2_RM(3, fadd.h, rdn, H(0x3c00), NX, H(0x3c00), H(0x1000))
  TEST_FP_OP2_RM(4, fadd.h, rup, H(0x3c01), NX, H(0x3c00), H(0x1000))
  TEST_FP_OP2_RM(5, fadd.h, rmm, H(0x3c01), NX, H(0x3c00), H(0x1000))
  /* 1/3 */
  TEST_FP_OP2_RM(6, fdiv.h, rne, H(0x3555), NX, H(0x3c00), H(0x4200))
  TEST_FP_OP2_RM(7, fdiv.h, rup, H(0x3556), NX, H(0x3c00), H(0x4200))
  TEST_FP_OP2_RM(8, fdiv.h, rdn, H(0xb556), NX, H(0xbc00), H(0x4200))
  /* overflow: infinity or the largest finite number by mode */
  TEST_FP_OP2_RM(9, fadd.h, rne, H(0x7c00), OF|NX, H(0x7bff), H(0x7bff))
  TEST_FP_OP2_RM(10, fadd.h, rtz, H(0x7bff), OF|NX, H(0x7bff), H(0x7bff))
  TEST_FP_OP2_RM(11, fmul.h, rdn, H(0xfc00), OF|NX, H(0x7bff), H(0xc000))
  /* subnormals: exact halving of the smallest normal, tiny inexact results */
  TEST_FP_OP2_RM(12, fmul.h, rne, H(0x0200), 0, H(0x0400), H(0x3800))
  TEST_FP_OP2_RM(13, fmul.h, rne, H(0x0000), UF|NX, H(0x0001), H(0x3800))
  TEST_FP_OP2_RM(14, fmul.h, rup, H(0x0001), UF|NX, H(0x0001), H(0x3800))
  /* tininess after rounding: rounds up to the smallest normal, no UF */
  TEST_FP_OP2_RM(15, fmul.h, rne, H(0x0400), NX, H(0x03ff), H(0x3c01))
  TEST_FP_OP1_RM(16, fsqrt.h, rne, H(0x3da8), NX, H(0x4000))
  TEST_FP_OP1_RM(17, fsqrt.h, rne, H(0x7e00), NV, H(0xbc00))
  TEST_FP_OP3_RM(18, fmadd.h, rne, H(0x4200), 0, H(0x3c00), H(0x4000), H(0x3c00))
  /* one rounding: (1+2^-10)^2 - 1 - 2^-9 = 2^-20 */
  TEST_FP_OP3_RM(19, fmsub.h, rne, H(0x0010), 0, H(0x3c01), H(0x3c01), H(0x3c02))
  TEST_FP_OP3_RM(20, fnmadd.h, rne, H(0xc200), 0, H(0x3c00), H(0x4000), H(0x3c00))
  TEST_FP_OP2(21, fadd.h, H(0x7e00), NV, H(0x7c01), H(0x3c00))  /* sNaN */
  TEST_FP_OP2(22, fadd.h, H(0x7e00), 0, H(0x7e00), H(0x3c00))  /* qNaN: no flag */
  TEST_FP_OP2(23, fsub.h, H(0x7e00), NV, H(0x7c00), H(0x7c00))  /* inf - inf */
  /* NaN boxing: a badly boxed operand is the canonical NaN */
  TEST_FP_OP2(24, fadd.h, H(0x7e00), 0, 0xfffeffffffff3c00, H(0x3c00))
  TEST_FP_OP2(25, fsgnj.h, H(0xfe00), 0, 0x0000000000003c00, H(0x8000)) /* NaN, sign of rs2 */
  TEST_FP_OP2(26, fsgnjn.h, H(0xbc00), 0, H(0x3c00), H(0x3c00))
  TEST_FP_OP2(27, fmin.h, H(0x8000), 0, H(0x0000), H(0x8000))
  TEST_FP_OP2(28, fmax.h, H(0x3c00), NV, H(0x7c01), H(0x3c00))
  TEST_FP_INT2(29, feq.h, 1, 0, H(0x8000), H(0x0000))
  TEST_FP_INT2(30, flt.h, 0, NV, H(0x7e00), H(0x3c00))
  TEST_FP_INT2(31, fle.h, 1, 0, H(0xfc00), H(0x7bff))
  TEST_FP_INT1(32, fclass.h, 0x100, 0, H(0x7c01))
  TEST_FP_INT1(33, fclass.h, 0x004, 0, H(0x8001))
  TEST_FP_INT1(34, fclass.h, 0x200, 0, 0x3c00)               /* unboxed: qNaN */
  /* conversions */
  TEST_FP_INT1_RM(35, fcvt.w.h, rne, -2, NX, H(0xbe00))    /* -1.5 */
  TEST_FP_INT1_RM(36, fcvt.w.h, rtz, -1, NX, H(0xbe00))
  TEST_FP_INT1_RM(37, fcvt.wu.h, rtz, 0, NV, H(0xbe00))
  TEST_FP_INT1_RM(38, fcvt.lu.h, rne, 65504, 0, H(0x7bff))
  TEST_FP_INT1_RM(39, fcvt.l.h, rne, 0x7fffffffffffffff, NV, H(0x7c00))
  TEST_INT_FP_RM(40, fcvt.h.w, rne, H(0x6800), NX, 2049)
  TEST_INT_FP_RM(41, fcvt.h.w, rup, H(0x6801), NX, 2049)
  TEST_INT_FP_RM(42, fcvt.h.l, rne, H(0x7c00), OF|NX, 65520)
  TEST_INT_FP_RM(43, fcvt.h.lu, rtz, H(0x7bff), OF|NX, 0x100000)
  TEST_FP_OP1_RM(44, fcvt.h.s, rne, H(0x7c00), OF|NX, S(0x477ff000))  /* 65520 */
  TEST_FP_OP1_RM(45, fcvt.h.s, rtz, H(0x7bff), NX, S(0x477ff000))    /* no overflow in RTZ */
  TEST_FP_OP1_RM(46, fcvt.h.d, rne, H(0x3555), NX, 0x3fd5555555555555)
  TEST_FP_OP1(47, fcvt.s.h, S(0x3f800000), 0, H(0x3c00))
  TEST_FP_OP1(48, fcvt.s.h, S(0x7fc00000), NV, H(0x7c01))
  TEST_FP_OP1(49, fcvt.d.h, 0x3e70000000000000, 0, H(0x0001)) /* 2^-24 */
  TEST_FP_OP1_RM(50, fcvt.h.s, rne, H(0x0001), UF|NX, S(0x33800001)) /* just over 2^-25 */
  /* moves: fmv.x.h sign-extends, fmv.h.x boxes */
  TEST_CASE(51, a0, 0xffffffffffff8001, li t0, H(0x8001); fmv.d.x fa1, t0; fmv.x.h a0, fa1)
  TEST_CASE(52, a0, 0x0000000000007fff, li t0, 0x1234567800007fff; fmv.d.x fa1, t0; fmv.x.h a0, fa1)
  TEST_CASE(53, a0, H(0xabcd), li t0, 0x123456789abcabcd; fmv.h.x fa0, t0; fmv.x.d a0, fa0)
  /* flh boxes, fsh stores 16 bits */
  TCASE 54
  la a1, mem
  flh fa0, 2(a1)
  fmv.x.d a0, fa0
  CHECK a0, H(0x5566)
  TCASE 55
  li t0, H(0xbeef)
  fmv.d.x fa0, t0
  fsh fa0, 4(a1)
  ld a0, 0(a1)
  CHECK a0, 0x1122beef55667788
  /* mstatus.FS = Off: half-precision instructions are illegal too */
  li t0, MSTATUS_FS
  csrc mstatus, t0
  EXPECT_TRAP 56, CAUSE_ILLEGAL, flh fa0, 0(a1)
  EXPECT_TRAP 57, CAUSE_ILLEGAL, fsh fa0, 0(a1)
  EXPECT_TRAP 58, CAUSE_ILLEGAL, fadd.h fa0, fa0, fa0
  EXPECT_TRAP 59, CAUSE_ILLEGAL, fmv.x.h a0, fa0
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  TEST_PASS
