/* Zbs: single-bit instructions; the index is rs2[5:0] / shamt. */
#include "test.h"

TEST_BEGIN
  TEST_RR(1,  bclr, 0x7fffffffffffffff, -1, 63)
  TEST_RR(2,  bclr, 0xfffffffffffffffe, -1, 64)          /* index mod 64 */
  TEST_RI(3,  bclri, 0xfffffffffffffffe, -1, 0)
  TEST_RR(4,  bext, 1, 0x8000000000000000, 63)
  TEST_RR(5,  bext, 0, 0x7fffffffffffffff, 63)
  TEST_RI(6,  bexti, 1, 0x10, 4)
  TEST_RI(7,  bexti, 0, 0x10, 3)
  TEST_RR(8,  binv, 0x8000000000000000, 0, 63)
  TEST_RI(9,  binvi, 0, 1, 0)
  TEST_RR(10, bset, 0x100000000, 0, 32)
  TEST_RI(11, bseti, 0x8000000000000000, 0, 63)
  TEST_RI(12, bseti, 5, 5, 2)
  TEST_PASS
