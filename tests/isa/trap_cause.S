/* Synchronous exceptions taken to M-mode: ECALL from U/S/M (causes 8/9/11,
 * mtval 0), EBREAK (3), illegal instructions (2, mtval = the instruction
 * bits, 16-bit ones zero-extended), xRET from too low a privilege, and that
 * a jump to an odd address just clears bit 0 (no misaligned fetch with C). */
#include "test.h"

/* EBREAK's mtval may be 0 or the pc of the ebreak. */
.macro CHECK_EBREAK_TVAL
  beqz t5, .Lok\@
  CHECKR t5, t6
.Lok\@:
.endm

TEST_BEGIN
  EXPECT_TRAP_TVAL 1, CAUSE_ECALL_M, 0, ecall
  EXPECT_TRAP 2, CAUSE_BREAKPOINT, .4byte 0x00100073              /* ebreak */
  CHECK_EBREAK_TVAL
  EXPECT_TRAP 3, CAUSE_BREAKPOINT, .2byte 0x9002                  /* c.ebreak */
  CHECK_EBREAK_TVAL
  EXPECT_TRAP_TVAL 4, CAUSE_ILLEGAL, 0x1234500b, .4byte 0x1234500b  /* custom-0 */
  EXPECT_TRAP_TVAL 5, CAUSE_ILLEGAL, 0xfe000033, .4byte 0xfe000033  /* OP, funct7 0x7f */
  EXPECT_TRAP_TVAL 6, CAUSE_ILLEGAL, 0x0004, .2byte 0x0004          /* c.addi4spn, imm 0 */
  EXPECT_TRAP_TVAL 7, CAUSE_ILLEGAL, 0x6101, .2byte 0x6101          /* c.addi16sp, imm 0 */
  EXPECT_TRAP_TVAL 8, CAUSE_ILLEGAL, 0x0000f00f, .4byte 0x0000f00f  /* MISC-MEM funct3 7 */

  GOTO_MODE PRV_S, 1f
1:
  EXPECT_TRAP_TVAL 9, CAUSE_ECALL_S, 0, ecall
  EXPECT_TRAP_TVAL 10, CAUSE_ILLEGAL, 0x30200073, mret
  EXPECT_TRAP 11, CAUSE_BREAKPOINT, ebreak
  BACK_TO_M

  GOTO_MODE PRV_U, 2f
2:
  EXPECT_TRAP_TVAL 12, CAUSE_ECALL_U, 0, ecall
  EXPECT_TRAP_TVAL 13, CAUSE_ILLEGAL, 0x30200073, mret
  EXPECT_TRAP_TVAL 14, CAUSE_ILLEGAL, 0x10200073, sret
  EXPECT_TRAP_TVAL 15, CAUSE_ILLEGAL, 0x12000073, sfence.vma
  EXPECT_TRAP 16, CAUSE_BREAKPOINT, ebreak
  BACK_TO_M

  /* jalr to an odd address: bit 0 is cleared, no trap */
  TCASE 17
  la t0, 3f + 1
  jalr a0, 0(t0)
  j fail
3:
  /* 2-byte aligned (not 4) targets are fine with C */
  TCASE 18
  la t0, 4f
  andi t1, t0, 3
  CHECK t1, 2
  jalr ra, 0(t0)
  j 6f
  .balign 4
  c.nop
4:
  ret
6:
  TEST_PASS
