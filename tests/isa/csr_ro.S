/* Read-only CSRs (address bits 11:10 = 11): readable, and every write form
 * raises illegal instruction with mtval = the instruction bits. */
#include "test.h"

/* Case n: csrrw x0, csr, a1 must trap with the right mtval. */
.macro WRITE_TRAPS n, csr
  EXPECT_TRAP_TVAL \n, CAUSE_ILLEGAL, CSR_INSN(\csr, 11, 1, 0), csrrw x0, \csr, a1
.endm

TEST_BEGIN
  li a1, 1
  WRITE_TRAPS 1, 0xc00              /* cycle */
  WRITE_TRAPS 2, 0xc02              /* instret */
  WRITE_TRAPS 3, 0xc01              /* time */
  WRITE_TRAPS 4, 0xf11              /* mvendorid */
  WRITE_TRAPS 5, 0xf12              /* marchid */
  WRITE_TRAPS 6, 0xf13              /* mimpid */
  WRITE_TRAPS 7, 0xf14              /* mhartid */
  /* set/clear with a non-zero mask and the immediate forms are writes too */
  EXPECT_TRAP_TVAL 8, CAUSE_ILLEGAL, CSR_INSN(0xc00, 11, 2, 10), csrrs a0, cycle, a1
  EXPECT_TRAP_TVAL 9, CAUSE_ILLEGAL, CSR_INSN(0xf14, 11, 3, 10), csrrc a0, mhartid, a1
  EXPECT_TRAP_TVAL 10, CAUSE_ILLEGAL, CSR_INSN(0xc02, 1, 5, 10), csrrwi a0, instret, 1
  EXPECT_TRAP_TVAL 11, CAUSE_ILLEGAL, CSR_INSN(0xf11, 4, 6, 10), csrrsi a0, mvendorid, 4
  /* ... and the registers read fine */
  EXPECT_NO_TRAP 12, csrr a0, mhartid
  CHECK a0, 0
  EXPECT_NO_TRAP 13, csrr a0, mvendorid
  EXPECT_NO_TRAP 14, csrr a0, marchid
  EXPECT_NO_TRAP 15, csrr a0, mimpid
  EXPECT_NO_TRAP 16, csrr a0, cycle
  EXPECT_NO_TRAP 17, csrr a0, instret
  TEST_PASS
