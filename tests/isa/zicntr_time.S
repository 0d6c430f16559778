/* Zicntr time CSR: readable from M-mode and advancing. (QEMU's spike
 * machine does not wire rdtime, so QEMU fails this at case 1.) */
#include "test.h"

TEST_BEGIN
  TCASE 1                                        /* time moves within a bound */
  rdtime a0
  li t0, 10000000
3: rdtime a1
  bltu a0, a1, 4f
  addi t0, t0, -1
  bnez t0, 3b
  j fail
4:
  TCASE 2                                        /* never goes backwards */
  li t0, 1000
5: rdtime a0
  rdtime a1
  bltu a1, a0, fail
  addi t0, t0, -1
  bnez t0, 5b
  TEST_PASS
