/* Zbkb: pack, packh, packw, brev8 and the Zbb instructions Zbkb shares
 * (rev8, rotations, andn/orn/xnor). zext.h is packw rd, rs1, x0. */
#include "test.h"

TEST_BEGIN
  TEST_RR(1, pack, 0x7654321089abcdef, 0x0123456789abcdef, 0xfedcba9876543210)
  TEST_RR(2, pack, 0x89abcdef76543210, 0xfedcba9876543210, 0x0123456789abcdef)
  TEST_RR(3, pack, 0xffffffff00000001, 0x8000000000000001, 0xffffffffffffffff)
  TEST_RR(4, pack, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_RR(5, packh, 0x00000000000010ef, 0x0123456789abcdef, 0xfedcba9876543210)
  TEST_RR(6, packh, 0x000000000000ef10, 0xfedcba9876543210, 0x0123456789abcdef)
  TEST_RR(7, packh, 0x000000000000ff01, 0x8000000000000001, 0xffffffffffffffff)
  TEST_RR(8, packh, 0x000000000000ffff, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_RR(9, packw, 0x000000003210cdef, 0x0123456789abcdef, 0xfedcba9876543210)
  TEST_RR(10, packw, 0xffffffffcdef3210, 0xfedcba9876543210, 0x0123456789abcdef)
  TEST_RR(11, packw, 0xffffffffffff0001, 0x8000000000000001, 0xffffffffffffffff)
  TEST_RR(12, packw, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_RR(13, packw, 0xffffffff80001234, 0x0000000000001234, 0x0000000000008000)
  TEST_R(14, brev8, 0x80c4a2e691d5b3f7, 0x0123456789abcdef)
  TEST_R(15, brev8, 0x7f3b5d196e2a4c08, 0xfedcba9876543210)
  TEST_R(16, brev8, 0x0100000000000080, 0x8000000000000001)
  TEST_R(17, brev8, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_R(18, brev8, 0x8040201008040201, 0x0102040810204080)
  TEST_R(19, rev8, 0xefcdab8967452301, 0x0123456789abcdef)
  TEST_R(20, rev8, 0x1032547698badcfe, 0xfedcba9876543210)
  TEST_RR(21, ror, 0xf0123456789abcde, 0x0123456789abcdef, 0x0000000000000004)
  TEST_RR(22, ror, 0x0fedcba987654321, 0xfedcba9876543210, 0x0000000000000044)
  TEST_RI(23, rori, 0xdef0123456789abc, 0x0123456789abcdef, 12)
  TEST_RR(24, rolw, 0xffffffff9abcdef8, 0x0123456789abcdef, 0x0000000000000004)
  TEST_RR(25, rolw, 0x0000000065432107, 0xfedcba9876543210, 0x0000000000000024)
  TEST_RR(26, andn, 0x0123456789abcdef, 0x0123456789abcdef, 0xfedcba9876543210)
  TEST_RR(27, orn, 0x7fffffffffffffff, 0x0123456789abcdef, 0x8000000000000001)
  TEST_RR(28, xnor, 0x7edcba9876543211, 0x0123456789abcdef, 0x8000000000000001)
  TEST_PASS
