/* Zbc: carry-less multiplication, low (clmul), high (clmulh) and
 * reversed (clmulr = bits 126..63) halves of the 128-bit product.
 * Expected values from the spec's definition (a Python model); also
 * passes on QEMU 7.2 (run-isa.sh --qemu). CRC-32 is in crc32_kat.S. */
#include "test.h"

TEST_BEGIN
  TEST_RR(1, clmul, 0x40a0789828c810f0, 0x0123456789abcdef, 0xfedcba9876543210)
  TEST_RR(2, clmul, 0x40a0789828c810f0, 0xfedcba9876543210, 0x0123456789abcdef)
  TEST_RR(3, clmul, 0x7fffffffffffffff, 0x8000000000000001, 0xffffffffffffffff)
  TEST_RR(4, clmul, 0x5555555555555555, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_RR(5, clmul, 0xc6238c9cfb173af5, 0x00000000deadbeef, 0x5a5a5a5a0f0f0f0f)
  TEST_RR(6, clmul, 0x8000000000000000, 0x0000000000000001, 0x8000000000000000)
  TEST_RR(7, clmul, 0x0000000000000000, 0x8000000000000000, 0x8000000000000000)
  TEST_RR(8, clmulh, 0x00e038d8688850b0, 0x0123456789abcdef, 0xfedcba9876543210)
  TEST_RR(9, clmulh, 0x00e038d8688850b0, 0xfedcba9876543210, 0x0123456789abcdef)
  TEST_RR(10, clmulh, 0x7fffffffffffffff, 0x8000000000000001, 0xffffffffffffffff)
  TEST_RR(11, clmulh, 0x5555555555555555, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_RR(12, clmulh, 0x000000003d34b669, 0x00000000deadbeef, 0x5a5a5a5a0f0f0f0f)
  TEST_RR(13, clmulh, 0x0000000000000000, 0x0000000000000001, 0x8000000000000000)
  TEST_RR(14, clmulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
  TEST_RR(15, clmulr, 0x01c071b0d110a160, 0x0123456789abcdef, 0xfedcba9876543210)
  TEST_RR(16, clmulr, 0x01c071b0d110a160, 0xfedcba9876543210, 0x0123456789abcdef)
  TEST_RR(17, clmulr, 0xfffffffffffffffe, 0x8000000000000001, 0xffffffffffffffff)
  TEST_RR(18, clmulr, 0xaaaaaaaaaaaaaaaa, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_RR(19, clmulr, 0x000000007a696cd3, 0x00000000deadbeef, 0x5a5a5a5a0f0f0f0f)
  TEST_RR(20, clmulr, 0x0000000000000001, 0x0000000000000001, 0x8000000000000000)
  TEST_RR(21, clmulr, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
  TEST_PASS
