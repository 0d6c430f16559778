/* Zbkx: crossbar permutations: each nibble (byte) of rs2 picks a nibble
 * (byte) of rs1; byte indexes past the register give 0. */
#include "test.h"

TEST_BEGIN
  TEST_RR(1, xperm4, 0x0123456789abcdef, 0x0123456789abcdef, 0xfedcba9876543210)
  TEST_RR(2, xperm4, 0xfedcba9876543210, 0x0123456789abcdef, 0x0123456789abcdef)
  TEST_RR(3, xperm4, 0xffffffffffffffff, 0xfedcba9876543210, 0xffffffffffffffff)
  TEST_RR(4, xperm4, 0xff00ff00ff00ff00, 0x5a5a5a5a0f0f0f0f, 0x0011223344556677)
  TEST_RR(5, xperm8, 0xefcdab8967452301, 0x0123456789abcdef, 0x0001020304050607)
  TEST_RR(6, xperm8, 0x0000000000008967, 0x0123456789abcdef, 0x0809ff7f10200304)
  TEST_RR(7, xperm8, 0x3200000000000000, 0xfedcba9876543210, 0x0123456789abcdef)
  TEST_RR(8, xperm8, 0xffffffff00000000, 0xffffffffffffffff, 0x07070707ffffffff)
  TEST_PASS
