/* Zicond: czero.eqz rd = rs2 == 0 ? 0 : rs1; czero.nez rd = rs2 != 0 ? 0 : rs1.
 * Encoded by hand (binutils 2.40 lacks Zicond); QEMU 7.2 lacks it too:
 * checked against the spec only. */
#include "test.h"
#include "ext_insn.h"

TEST_BEGIN
  TEST_CASE(1, a0, 0x1234, li a1, 0x1234; li a2, 1; CZERO_EQZ 10, 11, 12)
  TEST_CASE(2, a0, 0, li a0, -1; li a1, 0x1234; li a2, 0; CZERO_EQZ 10, 11, 12)
  TEST_CASE(3, a0, 0, li a0, -1; li a1, 0x1234; li a2, 0x8000000000000000; CZERO_NEZ 10, 11, 12)
  TEST_CASE(4, a0, 0x1234, li a1, 0x1234; li a2, 0; CZERO_NEZ 10, 11, 12)
  /* all 64 bits of rs2 count */
  TEST_CASE(5, a0, -1, li a1, -1; li a2, 0x100000000; CZERO_EQZ 10, 11, 12)
  /* rs2 = x0: eqz always zero, nez always rs1 */
  TEST_CASE(6, a0, 0, li a0, 5; li a1, 7; CZERO_EQZ 10, 11, 0)
  TEST_CASE(7, a0, 7, li a0, 5; li a1, 7; CZERO_NEZ 10, 11, 0)
  /* rd = rs1 = rs2 */
  TEST_CASE(8, a0, 9, li a0, 9; CZERO_EQZ 10, 10, 10)
  TEST_CASE(9, a0, 0, li a0, 9; CZERO_NEZ 10, 10, 10)
  /* rd = x0 is discarded */
  TEST_CASE(10, zero, 0, li a1, 3; li a2, 1; CZERO_EQZ 0, 11, 12)
  TEST_PASS
