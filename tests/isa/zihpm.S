/* Zihpm: mhpmcounter3-31 hold what is written; mhpmevent takes the events
 * the hart has (SBI PMU indices: 1 cycles, 2 instructions, 0x10019 data
 * TLB read misses, ...) and drops others (reads 0); a counter with event 2
 * counts exactly the instructions retired since the write (the reading one
 * not yet); mcountinhibit's bits 3-31 stop them; hpmcounterN reads the same
 * value from S and U as mcounteren/scounteren allow. */
#include "test.h"

TEST_BEGIN
  TCASE 1                                        /* no event: holds its value */
  li t0, 0x123456789
  csrw mhpmcounter3, t0
  nop
  nop
  csrr a0, mhpmcounter3
  CHECK a0, 0x123456789
  csrw mhpmcounter31, t0
  csrr a0, mhpmcounter31
  CHECK a0, 0x123456789
  csrr a0, mhpmevent3
  CHECK a0, 0
  TCASE 2                                        /* events it does not have: not kept */
  li t0, 0x12345
  csrw mhpmevent4, t0
  csrr a0, mhpmevent4
  CHECK a0, 0
  li t0, 0x10019
  csrw mhpmevent4, t0
  csrr a0, mhpmevent4
  CHECK a0, 0x10019
  TCASE 3                                        /* instructions, exactly */
  li t0, 2
  csrw mhpmevent3, t0
  csrw mhpmcounter3, zero
  nop
  nop
  nop
  addi a1, a1, 1
  csrr a0, mhpmcounter3
  CHECK a0, 4
  TCASE 4                                        /* inhibited: stays */
  li t0, 1 << 3
  csrs mcountinhibit, t0
  csrr a1, mhpmcounter3
  nop
  nop
  csrr a0, mhpmcounter3
  CHECKR a0, a1
  csrr a0, mcountinhibit
  CHECK a0, 1 << 3
  csrc mcountinhibit, t0
  csrr a1, mhpmcounter3                          /* and counts on from there */
  nop
  csrr a0, mhpmcounter3
  sub a0, a0, a1
  CHECK a0, 2
  TCASE 5                                        /* data TLB read misses: 16 new pages */
  csrr s1, mhpmcounter4
  la t0, pages
  li t1, 16
1:
  ld a0, 0(t0)
  li t2, 4096
  add t0, t0, t2
  addi t1, t1, -1
  bnez t1, 1b
  csrr a0, mhpmcounter4
  sub a0, a0, s1
  sltiu a0, a0, 16                               /* at least 16 */
  CHECK a0, 0
  /* S and U read hpmcounter3 as the enables allow */
  csrw mcounteren, zero
  csrw scounteren, zero
  GOTO_MODE PRV_S, 1f
1:
  EXPECT_TRAP_TVAL 6, CAUSE_ILLEGAL, CSR_INSN(0xc03, 0, 2, 10), csrr a0, hpmcounter3
  BACK_TO_M
  li t0, 1 << 3
  csrw mcounteren, t0
  GOTO_MODE PRV_S, 1f
1:
  TCASE 7
  csrr a0, hpmcounter3
  beqz a0, fail
  BACK_TO_M
  GOTO_MODE PRV_U, 1f
1:
  EXPECT_TRAP 8, CAUSE_ILLEGAL, csrr a0, hpmcounter3
  BACK_TO_M
  li t0, 1 << 3
  csrw scounteren, t0
  GOTO_MODE PRV_U, 1f
1:
  TCASE 9
  csrr a0, hpmcounter3
  beqz a0, fail
  BACK_TO_M
  TEST_PASS

  .bss
  .balign 4096
pages: .skip 16 * 4096
