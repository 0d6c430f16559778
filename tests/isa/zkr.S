/* Zkr: the seed CSR returns OPST = ES16 with 16 bits of entropy (bits
 * 29:16 zero) to read-write accesses only (csrr, i.e. csrrs x0, is
 * illegal, so is csrrsi/csrrci with 0); M-mode always, S-mode with
 * mseccfg.SSEED, U-mode with mseccfg.USEED; mseccfg holds just those two. */
#include "test.h"

  .option arch, +zkr

#define USEED (1 << 8)
#define SSEED (1 << 9)

/* Case n: a seed read must give ES16 and a value with bits 29:16 clear. */
.macro SEED_OK n, reg
  TCASE \n
  csrrw \reg, seed, zero
  srli t0, \reg, 16
  CHECK t0, 0x8000                               /* OPST = 10, then zeros */
.endm

TEST_BEGIN
  SEED_OK 1, s1
  SEED_OK 2, s2
  SEED_OK 3, s3
  SEED_OK 4, s4
  TCASE 5                                        /* four draws of 16 bits are not all equal */
  li a0, 1
  bne s1, s2, 1f
  bne s1, s3, 1f
  bne s1, s4, 1f
  li a0, 0
1:
  CHECK a0, 1
  EXPECT_TRAP_TVAL 6, CAUSE_ILLEGAL, CSR_INSN(0x015, 0, 2, 10), csrr a0, seed
  EXPECT_TRAP_TVAL 7, CAUSE_ILLEGAL, CSR_INSN(0x015, 0, 6, 10), csrrsi a0, seed, 0
  EXPECT_NO_TRAP 8, csrrsi a0, seed, 1; csrrwi a0, seed, 0; csrrw zero, seed, zero
  TCASE 9
  li t0, -1
  csrw 0x747, t0
  csrr a0, 0x747
  CHECK a0, USEED | SSEED
  csrw 0x747, zero
  /* S and U need their bit */
  GOTO_MODE PRV_S, 1f
1:
  EXPECT_TRAP 10, CAUSE_ILLEGAL, csrrw a0, seed, zero
  EXPECT_TRAP 11, CAUSE_ILLEGAL, csrr a0, 0x747   /* mseccfg is M-mode's */
  BACK_TO_M
  li t0, SSEED
  csrw 0x747, t0
  GOTO_MODE PRV_S, 1f
1:
  SEED_OK 12, a1
  BACK_TO_M
  GOTO_MODE PRV_U, 1f
1:
  EXPECT_TRAP 13, CAUSE_ILLEGAL, csrrw a0, seed, zero
  BACK_TO_M
  li t0, USEED
  csrw 0x747, t0
  GOTO_MODE PRV_U, 1f
1:
  SEED_OK 14, a1
  BACK_TO_M
  TEST_PASS
