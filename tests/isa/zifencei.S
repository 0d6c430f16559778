/* Zifencei: self-modifying code. Code is run (so any decode cache holds
 * it), then rewritten, FENCE.I, and run again: the new code must execute. */
#include "test.h"

#define LI_A0(v)  (0x00000513 | ((v) << 20))      /* addi a0, zero, v */
#define C_LI_A0(v) (0x4501 | ((v) << 2))         /* c.li a0, v (v < 32) */

TEST_BEGIN
  /* run the routine many times first so it is "hot" */
  TCASE 1
  li s0, 100
1:
  call smc_fn
  addi s0, s0, -1
  bnez s0, 1b
  CHECK a0, 1

  TCASE 2
  la a1, smc_fn
  li a2, LI_A0(2)
  sw a2, 0(a1)
  fence.i
  call smc_fn
  CHECK a0, 2

  TCASE 3                                        /* and again */
  li a2, LI_A0(3)
  sw a2, 0(a1)
  fence.i
  call smc_fn
  CHECK a0, 3

  /* rewrite the instruction right after FENCE.I in the running code */
  TCASE 4
  la a1, 2f
  li a2, LI_A0(5)
  sw a2, 0(a1)
  fence.i
2:
  .4byte LI_A0(4)
  CHECK a0, 5

  /* the same with a 16-bit instruction, inside a loop that already ran it */
  TCASE 5
  li s0, 2
3:
  la a1, 4f
  li a2, C_LI_A0(6)
  li t0, 1
  bne s0, t0, 5f                                 /* patch on the second pass */
  sh a2, 0(a1)
  fence.i
5:
4:
  .2byte C_LI_A0(7)
  addi s0, s0, -1
  bnez s0, 3b
  CHECK a0, 6
  TEST_PASS

  /* A tiny routine in writable memory (all RAM is RWX in M-mode). */
  .data
  .balign 4
smc_fn:
  .4byte LI_A0(1)
  ret
