/* Zbb: basic bit manipulation; W forms work on the low word and
 * sign-extend their result. QEMU 7.2 fails case 35 (ctzw). */
#include "test.h"

TEST_BEGIN
  TEST_RR(1,  andn, 0xf0, 0xff, 0x0f)
  TEST_RR(2,  orn,  0xfffffffffffffff0, 0xf0, 0x0f)
  TEST_RR(3,  xnor, 0xffffffffffffff00, 0xf0, 0x0f)
  TEST_R(4,  clz, 64, 0)
  TEST_R(5,  clz, 63, 1)
  TEST_R(6,  clz, 0, -1)
  TEST_R(7,  clzw, 32, 0)
  TEST_R(8,  clzw, 16, 0xffffffff00008000)
  TEST_R(9,  ctz, 64, 0)
  TEST_R(10, ctz, 63, 0x8000000000000000)
  TEST_R(11, ctzw, 32, 0)
  TEST_R(12, ctzw, 32, 0x100000000)
  TEST_R(13, ctzw, 3, 0xfffffff8)
  TEST_R(14, cpop, 64, -1)
  TEST_R(15, cpop, 2, 0x8000000000000001)
  TEST_R(16, cpopw, 2, 0xffffffff00000003)
  TEST_RR(17, max,  1, -1, 1)
  TEST_RR(18, maxu, -1, -1, 1)
  TEST_RR(19, min,  -1, -1, 1)
  TEST_RR(20, minu, 1, -1, 1)
  TEST_R(21, sext.b, 0xffffffffffffff80, 0x80)
  TEST_R(22, sext.b, 0x7f, 0xffffff7f)
  TEST_R(23, sext.h, 0xffffffffffff8000, 0x12348000)
  TEST_R(24, zext.h, 0xffff, -1)
  TEST_RR(25, rol,  3, 0x8000000000000001, 1)
  TEST_RR(26, rol,  3, 0x8000000000000001, 65)           /* rs2[5:0] */
  TEST_RR(27, ror,  0x8000000000000000, 1, 1)
  TEST_RI(28, rori, 0xf00000000000000f, 0xff, 4)
  TEST_RR(29, rolw, 3, 0x80000001, 1)
  TEST_RR(30, rorw, 0xffffffff80000000, 1, 1)
  TEST_RR(31, rorw, 0xffffffff80000000, 1, 33)           /* rs2[4:0] */
  TEST_RI(32, roriw, 0xfffffffff000000f, 0xff, 4)
  TEST_R(33, orc.b, 0x00ff000000ff00ff, 0x0001000000ff0010)
  TEST_R(34, rev8, 0x0807060504030201, 0x0102030405060708)
  /* ctzw looks at the low word only (QEMU 7.2 gives 53 here) */
  TEST_R(35, ctzw, 32, 0x0020000000000000)
  TEST_PASS
