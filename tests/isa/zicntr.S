/* Zicntr: cycle and instret (time: zicntr_time.S) are readable from M-mode (and via their
 * M aliases) and count up; mcycle/minstret are writable. */
#include "test.h"

TEST_BEGIN
  TCASE 1
  rdcycle a0
  li t0, 1000
1: addi t0, t0, -1
  bnez t0, 1b
  rdcycle a1
  bgeu a0, a1, fail
  TCASE 2
  rdinstret a0
  li t0, 1000
2: addi t0, t0, -1
  bnez t0, 2b
  rdinstret a1
  bgeu a0, a1, fail
  TCASE 4                                        /* aliases agree in order */
  csrr a0, mcycle
  rdcycle a1
  bltu a1, a0, fail
  csrr a0, minstret
  rdinstret a1
  bltu a1, a0, fail
  TCASE 5                                        /* mcycle/minstret writable */
  li a2, 0x10000000000
  csrw minstret, a2
  rdinstret a0
  bltu a0, a2, fail
  li t0, 0x100000000
  add t0, t0, a2
  bgeu a0, t0, fail
  csrw mcycle, a2
  rdcycle a0
  bltu a0, a2, fail
  bgeu a0, t0, fail
  TEST_PASS
