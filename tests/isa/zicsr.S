/* Zicsr: the six CSR instructions (old value returned, bits set/cleared,
 * immediate forms) and the rule that csrrs/csrrc with rs1=x0 (and the
 * immediate forms with uimm=0) do not write, so they may read read-only CSRs. */
#include "test.h"

TEST_BEGIN
  TCASE 1
  li a1, 0x1234
  csrw mscratch, a1
  li a2, 0x5678
  csrrw a0, mscratch, a2
  CHECK a0, 0x1234
  csrr a0, mscratch
  CHECK a0, 0x5678
  TCASE 2
  li a1, 0xff00
  csrrs a0, mscratch, a1
  CHECK a0, 0x5678
  csrr a0, mscratch
  CHECK a0, 0xff78
  TCASE 3
  li a1, 0x0ff0
  csrrc a0, mscratch, a1
  CHECK a0, 0xff78
  csrr a0, mscratch
  CHECK a0, 0xf008
  TCASE 4
  csrrwi a0, mscratch, 31
  CHECK a0, 0xf008
  csrrsi a0, mscratch, 0x40 >> 2                 /* uimm 16 */
  CHECK a0, 31
  csrrci a0, mscratch, 1
  CHECK a0, 31
  csrr a0, mscratch
  CHECK a0, 30
  TCASE 5                                         /* full 64-bit width */
  li a1, 0x8000000000000001
  csrw mscratch, a1
  csrr a0, mscratch
  CHECK a0, 0x8000000000000001
  TCASE 6                                         /* rd == rs1: swap */
  li a0, 77
  csrrw a0, mscratch, a0
  CHECK a0, 0x8000000000000001
  csrr a0, mscratch
  CHECK a0, 77

  /* rs1 = x0 / uimm = 0: read-only CSRs are readable without trapping */
  EXPECT_NO_TRAP 7, csrrs a0, mhartid, x0
  CHECK a0, 0
  EXPECT_NO_TRAP 8, csrrc a0, mvendorid, x0
  EXPECT_NO_TRAP 9, csrrsi a0, cycle, 0
  EXPECT_NO_TRAP 10, csrrci a0, instret, 0
  /* writes to read-only CSRs trap */
  EXPECT_TRAP 11, CAUSE_ILLEGAL, csrrci a0, cycle, 1
  li a1, 0
  EXPECT_TRAP 12, CAUSE_ILLEGAL, csrrw x0, mhartid, a1
  /* csrrs/csrrc with x0 do not write: mscratch keeps its value */
  TCASE 13
  li a1, 99
  csrw mscratch, a1
  csrrs a0, mscratch, x0
  csrrc a0, mscratch, x0
  csrr a0, mscratch
  CHECK a0, 99
  /* rs1 != x0 is a write attempt even when the register holds 0 (QEMU 7.2
   * does not trap here: it looks at the value, not the register number) */
  li a1, 0
  EXPECT_TRAP 14, CAUSE_ILLEGAL, csrrs a0, mhartid, a1
  TEST_PASS
