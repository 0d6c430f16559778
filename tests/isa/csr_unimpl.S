/* Unimplemented CSR numbers raise illegal instruction for reads and writes,
 * with mtval = the instruction bits: custom ranges, and the RV32-only
 * high halves, which do not exist on RV64. */
#include "test.h"

TEST_BEGIN
  EXPECT_TRAP_TVAL 1, CAUSE_ILLEGAL, CSR_INSN(0x7c0, 0, 2, 10), csrr a0, 0x7c0    /* custom M RW */
  EXPECT_TRAP_TVAL 2, CAUSE_ILLEGAL, CSR_INSN(0x7c0, 11, 1, 0), csrw 0x7c0, a1
  EXPECT_TRAP_TVAL 3, CAUSE_ILLEGAL, CSR_INSN(0x800, 0, 2, 12), csrr a2, 0x800    /* custom U RW */
  EXPECT_TRAP_TVAL 4, CAUSE_ILLEGAL, CSR_INSN(0x5c0, 3, 5, 10), csrrwi a0, 0x5c0, 3
  EXPECT_TRAP_TVAL 5, CAUSE_ILLEGAL, CSR_INSN(0xfc0, 0, 2, 10), csrr a0, 0xfc0    /* custom M RO */
  EXPECT_TRAP_TVAL 6, CAUSE_ILLEGAL, CSR_INSN(0xc80, 0, 2, 10), csrr a0, 0xc80    /* cycleh */
  EXPECT_TRAP_TVAL 7, CAUSE_ILLEGAL, CSR_INSN(0x310, 0, 2, 10), csrr a0, 0x310    /* mstatush */
  EXPECT_TRAP_TVAL 8, CAUSE_ILLEGAL, CSR_INSN(0xb80, 0, 2, 10), csrr a0, 0xb80    /* mcycleh */
  EXPECT_TRAP_TVAL 9, CAUSE_ILLEGAL, CSR_INSN(0x0ff, 0, 2, 10), csrr a0, 0x0ff    /* unassigned U */
  EXPECT_TRAP_TVAL 10, CAUSE_ILLEGAL, CSR_INSN(0x3ff, 0, 2, 10), csrr a0, 0x3ff   /* unassigned M */
  TEST_PASS
