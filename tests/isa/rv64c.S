/* RV64C: every compressed instruction (RV64 set: no C.JAL, C.FLW). The C
 * macro makes the assembler prove each one really is 16 bits. Links from
 * C.JALR are pc+2. */
#include "test.h"
  .option norelax

.macro C insn:vararg
.Lc\@:
  \insn
  .if (. - .Lc\@) != 2
  .error "not a 16-bit instruction"
  .endif
.endm
/* Branches and jumps: their size is a relaxation fragment the .if above
 * cannot see; explicit c.* mnemonics are never widened by the assembler. */
.macro CB insn:vararg
  \insn
.endm

TEST_BEGIN
  /* constants and immediates */
  TEST_CASE(1, a0, -32, li a0, 0; C c.li a0, -32)
  TEST_CASE(2, a0, 0xfffffffffffe0000, C c.lui a0, 0xfffe0)
  TEST_CASE(3, a0, 0x1f000, C c.lui a0, 0x1f)
  TEST_CASE(4, a0, -1, li a0, 0; C c.addi a0, -1)
  TEST_CASE(5, a0, 31, li a0, 0; C c.addi a0, 31)
  TEST_CASE(6, a0, 0xffffffff80000000, li a0, 0x7fffffff; C c.addiw a0, 1)
  TEST_CASE(7, a0, 0x12345678, li a0, 0xffffffff12345678; C c.addiw a0, 0)   /* sext.w */
  TCASE 8
  mv s1, sp
  C c.addi16sp sp, -64
  addi a0, sp, 64
  CHECKR a0, s1
  C c.addi16sp sp, 496
  addi a0, sp, -432                              /* -64 + 496 */
  CHECKR a0, s1
  mv sp, s1
  TCASE 9
  C c.addi4spn a0, sp, 1020
  addi a1, sp, 1020
  CHECKR a0, a1
  C c.addi4spn a0, sp, 4
  addi a1, sp, 4
  CHECKR a0, a1

  /* shifts and logic */
  TEST_CASE(10, a0, 0x8000000000000000, li a0, 1; C c.slli a0, 63)
  TEST_CASE(11, a0, 1, li a0, 0x8000000000000000; C c.srli a0, 63)
  TEST_CASE(12, a0, 0xc000000000000000, li a0, 0x8000000000000000; C c.srai a0, 1)
  TEST_CASE(13, a0, 0xffffffff, li a0, -1; C c.srli a0, 32)
  TEST_CASE(14, a0, 0xfe0, li a0, 0xfff; C c.andi a0, -32)
  TEST_CASE(15, a0, 0x1f, li a0, 0xfff; C c.andi a0, 31)

  /* register-register */
  TEST_CASE(16, a0, 0x1234, li a1, 0x1234; li a0, 0; C c.mv a0, a1)
  TEST_CASE(17, s0, 7, li s0, 3; li a5, 4; C c.add s0, a5)
  TEST_CASE(18, s1, -1, li s1, 3; li a2, 4; C c.sub s1, a2)
  TEST_CASE(19, a3, 0xff0, li a3, 0x0ff; li a4, 0xf0f; C c.xor a3, a4)
  TEST_CASE(20, a3, 0xfff, li a3, 0x0ff; li a4, 0xf0f; C c.or a3, a4)
  TEST_CASE(21, a3, 0x00f, li a3, 0x0ff; li a4, 0xf0f; C c.and a3, a4)
  TEST_CASE(22, a4, 0x7fffffff, li a4, 0x80000000; li a5, 1; C c.subw a4, a5)
  TEST_CASE(23, a4, 0xffffffff80000000, li a4, 0x7fffffff; li a5, 1; C c.addw a4, a5)
  TEST_CASE(24, a0, 5, li a0, 5; C c.nop)

  /* control transfer */
  TCASE 25
  CB c.j 1f
  j fail
1:
  TCASE 26
  li a0, 0
  CB c.beqz a0, 2f
  j fail
2:
  li a0, 1
  CB c.beqz a0, fail_near
  CB c.bnez a0, 3f
  j fail
3:
  li a0, 0
  CB c.bnez a0, fail_near
  TCASE 27
  la a1, 4f
  CB c.jr a1
  j fail
4:
  TCASE 28
  la a1, 5f
.Lcjalr:
  CB c.jalr a1                                    /* ra = .Lcjalr + 2 */
  j fail
5:
  la a2, .Lcjalr + 2
  CHECKR ra, a2
  TCASE 29                                       /* back-branch */
  li a0, 3
  li a1, 0
6:
  addi a1, a1, 1
  addi a0, a0, -1
  CB c.bnez a0, 6b
  CHECK a1, 3

  /* loads and stores through a register base (x8-x15, f8-f15) */
  TCASE 30
  la s0, cdata
  C c.lw a0, 0(s0)
  CHECK a0, 0xffffffff89abcdef                   /* sign-extended */
  C c.lw a0, 124(s0)
  CHECK a0, 0x7c
  C c.ld a0, 8(s0)
  CHECK a0, 0x0123456789abcdef
  C c.ld a0, 248(s0)
  CHECK a0, 0xf8
  TCASE 31
  li a1, 0x1122334455667788
  C c.sw a1, 16(s0)
  ld a0, 16(s0)
  CHECK a0, 0x55667788
  C c.sd a1, 24(s0)
  ld a0, 24(s0)
  CHECK a0, 0x1122334455667788
  TCASE 32
  C c.fld fa0, 8(s0)
  fmv.x.d a0, fa0
  CHECK a0, 0x0123456789abcdef
  C c.fsd fa0, 32(s0)
  ld a0, 32(s0)
  CHECK a0, 0x0123456789abcdef

  /* sp-relative loads and stores */
  TCASE 33
  mv s1, sp
  la sp, cdata
  C c.lwsp a0, 0(sp)
  CHECK a0, 0xffffffff89abcdef
  C c.lwsp a0, 124(sp)
  CHECK a0, 0x7c
  C c.ldsp a0, 8(sp)
  CHECK a0, 0x0123456789abcdef
  C c.ldsp a0, 248(sp)
  CHECK a0, 0xf8
  C c.fldsp ft0, 8(sp)
  fmv.x.d a0, ft0
  CHECK a0, 0x0123456789abcdef
  li a1, 0xaabbccddeeff0011
  C c.swsp a1, 40(sp)
  ld a0, 40(sp)
  CHECK a0, 0xeeff0011
  C c.sdsp a1, 48(sp)
  ld a0, 48(sp)
  CHECK a0, 0xaabbccddeeff0011
  C c.fsdsp ft0, 56(sp)
  ld a0, 56(sp)
  CHECK a0, 0x0123456789abcdef
  mv sp, s1

  /* C.EBREAK, and the all-zero halfword is illegal */
  EXPECT_TRAP 34, CAUSE_BREAKPOINT, c.ebreak
  EXPECT_TRAP 35, CAUSE_ILLEGAL, .2byte 0
  CHECK t5, 0                                    /* tval: 0 or the bits, both 0 */
  TEST_PASS

fail_near:
  j fail

  .data
  .balign 8
cdata: .dword 0xfedcba9889abcdef
       .dword 0x0123456789abcdef
       .skip 48
       .skip 56
       .word 0, 0x7c                             /* offset 120: word at 124 */
       .skip 120
       .dword 0xf8                                /* offset 248 */
