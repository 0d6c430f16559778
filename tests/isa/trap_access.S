/* Access faults for physical addresses with nothing behind them (here
 * 0x70000000, below RAM and away from the spike devices): fetch (1), load
 * (5) and store (7), with mtval = the address; the host survives. */
#include "test.h"

#define HOLE 0x70000000

TEST_BEGIN
  li a1, HOLE
  EXPECT_TRAP_TVAL 1, CAUSE_LOAD_ACCESS, HOLE, ld a0, 0(a1)
  EXPECT_TRAP_TVAL 2, CAUSE_STORE_ACCESS, HOLE + 8, sd a0, 8(a1)
  EXPECT_TRAP_TVAL 3, CAUSE_LOAD_ACCESS, HOLE + 1, lbu a0, 1(a1)
  EXPECT_TRAP_TVAL 4, CAUSE_LOAD_ACCESS, HOLE, lr.d a0, (a1)
  EXPECT_TRAP_TVAL 5, CAUSE_LOAD_ACCESS, HOLE, fld fa0, 0(a1)
  /* fetch: the trap's epc and tval are the target */
  TCASE 6
  la tp, 1f
  jalr a1
  j fail
1:
  CHECK t4, CAUSE_FETCH_ACCESS
  CHECK t5, HOLE
  CHECK t6, HOLE
  /* a far address (top of the 64-bit physical space is not RAM either) */
  li a1, 0xfffffffffffff000
  EXPECT_TRAP 7, CAUSE_LOAD_ACCESS, ld a0, 0(a1)
  TEST_PASS
