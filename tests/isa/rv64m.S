/* RV64M: multiply high parts, division by zero and the overflow case, W forms
 * (operands truncated to 32 bits, results sign-extended). */
#include "test.h"

TEST_BEGIN
  TEST_RR(1,  mul, 21, 3, 7)
  TEST_RR(2,  mul, 1, -1, -1)
  TEST_RR(3,  mul, 0x8000000000000000, 0x8000000000000000, -1)
  TEST_RR(4,  mul, 0, 0x100000000, 0x100000000)
  TEST_RR(5,  mulh, 0, -1, -1)
  TEST_RR(6,  mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
  TEST_RR(7,  mulh, -1, -1, 1)
  TEST_RR(8,  mulh, 0, 0x7fffffffffffffff, 2)
  TEST_RR(9,  mulhu, 0xfffffffffffffffe, -1, -1)
  TEST_RR(10, mulhu, 1, 0x8000000000000000, 2)
  TEST_RR(11, mulhsu, -1, -1, -1)                 /* -1 * (2^64-1) */
  TEST_RR(12, mulhsu, -1, -2, 1)
  TEST_RR(13, mulhsu, 1, 2, -1)                   /* 2 * (2^64-1) */
  TEST_RR(14, div, -3, -7, 2)                     /* rounds toward zero */
  TEST_RR(15, rem, -1, -7, 2)                     /* sign of the dividend */
  TEST_RR(16, div, -3, 7, -2)
  TEST_RR(17, rem, 1, 7, -2)
  TEST_RR(18, div, -1, 5, 0)                      /* division by zero */
  TEST_RR(19, divu, -1, 5, 0)
  TEST_RR(20, rem, 5, 5, 0)
  TEST_RR(21, remu, 5, 5, 0)
  TEST_RR(22, div, 0x8000000000000000, 0x8000000000000000, -1)   /* overflow */
  TEST_RR(23, rem, 0, 0x8000000000000000, -1)
  TEST_RR(24, divu, 0x7fffffffffffffff, -1, 2)
  TEST_RR(25, remu, 1, -1, 2)
  TEST_RR(26, mulw, -2, 0x7fffffff, 2)
  TEST_RR(27, mulw, 15, 0x100000003, 5)           /* upper bits ignored */
  TEST_RR(28, divw, -3, 0xfffffff9, 2)
  TEST_RR(29, divuw, 0x7ffffffc, 0xfffffff9, 2)
  TEST_RR(30, divuw, -1, 0xffffffff, 1)           /* 32-bit result sign-extended */
  TEST_RR(31, divw, -1, 9, 0)
  TEST_RR(32, divuw, -1, 9, 0)
  TEST_RR(33, remw, 0xffffffff80000000, 0x180000000, 0)
  TEST_RR(34, remuw, 0xffffffff80000000, 0x180000000, 0)
  TEST_RR(35, divw, 0xffffffff80000000, 0x80000000, -1)
  TEST_RR(36, remw, 0, 0x80000000, -1)
  TEST_RR(37, remw, -1, -7, 2)
  TEST_RR(38, remuw, 1, 7, 2)
  TEST_RR(39, divw, 0xfffffffffffffffd, 0x5fffffff9, 0x300000002)
  TEST_PASS
