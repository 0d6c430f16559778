/* Zba: address generation (add.uw, shNadd, shNadd.uw, slli.uw). The .uw
 * forms zero-extend the low word of rs1 before shifting/adding. */
#include "test.h"

TEST_BEGIN
  TEST_RR(1, add.uw, 0x80000001, 0xffffffff80000000, 1)
  TEST_RR(2, add.uw, 0xffffffff, 0xffffffffffffffff, 0)
  TEST_RR(3, sh1add, 7, 3, 1)
  TEST_RR(4, sh2add, 13, 3, 1)
  TEST_RR(5, sh3add, 25, 3, 1)
  TEST_RR(6, sh3add, 0, 0x2000000000000000, 0)              /* shifted out */
  TEST_RR(7, sh1add.uw, 0x100000001, 0xffffffff80000000, 1)
  TEST_RR(8, sh2add.uw, 0x200000001, 0xffffffff80000000, 1)
  TEST_RR(9, sh3add.uw, 0x400000001, 0xffffffff80000000, 1)
  TEST_RI(10, slli.uw, 0x800000010, 0xffffffff80000001, 4)
  TEST_RI(11, slli.uw, 0xffffffff, 0x12345678ffffffff, 0)
  TEST_RI(12, slli.uw, 0x8000000000000000, 0x1, 63)
  TEST_PASS
