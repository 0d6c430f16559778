/* Zksed, Zksh: SM4 round and key schedule with every byte select, SM3's
 * P0 and P1; results sign-extended. Expected values from the spec's Sail
 * code (a Python model); also passes on QEMU 7.2. */
#include "test.h"

TEST_BEGIN
  TEST_CASE(1, a0, 0x000000002507e668, li a1, 0x0123456789abcdef; li a2, 0xfedcba9876543210; sm4ed a0, a1, a2, 0)
  TEST_CASE(2, a0, 0x000000007e2dbcea, li a1, 0x00000000deadbeef; li a2, 0x5a5a5a5a0f0f0f0f; sm4ks a0, a1, a2, 0)
  TEST_CASE(3, a0, 0xfffffffff9b7a19f, li a1, 0x0123456789abcdef; li a2, 0xfedcba9876543210; sm4ed a0, a1, a2, 1)
  TEST_CASE(4, a0, 0x000000005eafbb4f, li a1, 0x00000000deadbeef; li a2, 0x5a5a5a5a0f0f0f0f; sm4ks a0, a1, a2, 1)
  TEST_CASE(5, a0, 0xfffffffff91e082a, li a1, 0x0123456789abcdef; li a2, 0xfedcba9876543210; sm4ed a0, a1, a2, 2)
  TEST_CASE(6, a0, 0xffffffffdca81e6f, li a1, 0x00000000deadbeef; li a2, 0x5a5a5a5a0f0f0f0f; sm4ks a0, a1, a2, 2)
  TEST_CASE(7, a0, 0x00000000323751c8, li a1, 0x0123456789abcdef; li a2, 0xfedcba9876543210; sm4ed a0, a1, a2, 3)
  TEST_CASE(8, a0, 0xffffffffdb0d3eed, li a1, 0x00000000deadbeef; li a2, 0x5a5a5a5a0f0f0f0f; sm4ks a0, a1, a2, 3)
  TEST_R(9, sm3p0, 0x0000000045ef01ab, 0x0123456789abcdef)
  TEST_R(10, sm3p0, 0xffffffffba10fe54, 0xfedcba9876543210)
  TEST_R(11, sm3p0, 0x0000000000020201, 0x8000000000000001)
  TEST_R(12, sm3p1, 0xffffffff9898dcdc, 0x0123456789abcdef)
  TEST_R(13, sm3p1, 0x0000000067672323, 0xfedcba9876543210)
  TEST_R(14, sm3p1, 0x0000000000808001, 0x8000000000000001)
  TEST_PASS
