/* RV64I: every base instruction, with sign/zero-extension and shift-amount
 * edge cases. Expected values follow the unprivileged spec, chapter RV64I. */
#include "test.h"

#define TEST_BR(n, op, taken, a, b) \
  TCASE n; li a1, a; li a2, b; li a0, 1; op a1, a2, 1f; li a0, 0; 1: CHECK a0, taken

TEST_BEGIN
  /* register-register */
  TEST_RR(1,  add, 0x100000000, 0xffffffff, 1)
  TEST_RR(2,  add, 0, -1, 1)
  TEST_RR(3,  sub, -1, 0, 1)
  TEST_RR(4,  sub, 0x8000000000000000, 0x7fffffffffffffff, -1)
  TEST_RR(5,  and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR(6,  or,  0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR(7,  xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR(8,  sll, 0x8000000000000000, 1, 63)
  TEST_RR(9,  sll, 2, 1, 65)                      /* only rs2[5:0] counts */
  TEST_RR(10, srl, 1, 0x8000000000000000, 63)
  TEST_RR(11, sra, -1, 0x8000000000000000, 63)
  TEST_RR(12, sra, 0xc000000000000000, 0x8000000000000000, 1)
  TEST_RR(13, srl, 0x4000000000000000, 0x8000000000000000, 0x41)
  TEST_RR(14, slt, 1, -1, 0)
  TEST_RR(15, slt, 0, 0, -1)
  TEST_RR(16, sltu, 0, -1, 0)
  TEST_RR(17, sltu, 1, 0, -1)

  /* register-immediate (12-bit sign-extended immediates) */
  TEST_RI(18, addi, -1, 0, -1)
  TEST_RI(19, addi, 0x800, 1, 2047)
  TEST_RI(20, slti, 1, -5, -4)
  TEST_RI(21, sltiu, 1, 5, -1)                     /* imm sign-extends, compares unsigned */
  TEST_RI(22, sltiu, 0, -1, 5)
  TEST_RI(23, xori, 0xfffffffffffffedc, 0x123, -1)
  TEST_RI(24, ori, 0xfffffffffffff80f, 0x0f, -2048)
  TEST_RI(25, andi, 0x0f0, 0xff0, 0x0ff)
  TEST_RI(26, slli, 0x8000000000000000, 1, 63)
  TEST_RI(27, srli, 0xffffffff, -1, 32)
  TEST_RI(28, srai, 0xffffffff80000000, 0x8000000000000000, 32)

  /* 32-bit (W) operations: 32-bit result sign-extended */
  TEST_RR(29, addw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_RR(30, addw, 0, 0xffffffff, 1)
  TEST_RR(31, subw, 0x7fffffff, 0x80000000, 1)
  TEST_RR(32, sllw, 0xffffffff80000000, 1, 31)
  TEST_RR(33, sllw, 2, 1, 33)                     /* only rs2[4:0] counts */
  TEST_RR(34, srlw, 1, 0x80000000, 31)
  TEST_RR(35, srlw, 0xffffffff80000000, 0xffffffff80000000, 0)
  TEST_RR(36, sraw, -1, 0x80000000, 31)
  TEST_RR(37, sraw, 0x01234567, 0xffffffff12345678, 4)
  TEST_RI(38, addiw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_RI(39, addiw, 0x7fffffff, 0x17fffffff, 0)
  TEST_RI(40, slliw, 0xffffffff80000000, 1, 31)
  TEST_RI(41, srliw, 0x7fffffff, -1, 1)
  TEST_RI(42, sraiw, -1, 0x80000000, 31)
  TEST_RI(43, sraiw, 0xffffffffff000000, 0xf0000000, 4)

  /* LUI / AUIPC */
  TEST_CASE(44, a0, 0xffffffff80000000, lui a0, 0x80000)
  TEST_CASE(45, a0, 0x7ffff000, lui a0, 0x7ffff)
  TCASE 46
.Lauipc1:
  auipc a0, 1
  la a1, .Lauipc1
  li t0, 0x1000
  add a1, a1, t0
  CHECKR a0, a1
  TCASE 47
.Lauipc2:
  auipc a0, 0x80000                                /* -2^31, sign-extended */
  la a1, .Lauipc2
  li t0, 0xffffffff80000000
  add a1, a1, t0
  CHECKR a0, a1

  /* JAL / JALR */
  TCASE 48
  jal a0, 1f
.Ljal_link:
  j fail
1:
  CHECKLA a0, .Ljal_link
  TCASE 49
  la t0, 2f + 8
  jalr a0, -8(t0)                                  /* negative offset */
.Ljalr_link:
  j fail
2:
  CHECKLA a0, .Ljalr_link
  TCASE 50
  la a0, 3f
  jalr a0, 0(a0)                                   /* rd == rs1: target read first */
.Ljalr_link2:
  j fail
3:
  CHECKLA a0, .Ljalr_link2
  TCASE 51
  la t0, 4f + 1
  jalr zero, 0(t0)                                 /* bit 0 of the target is cleared */
  j fail
4:

  /* branches: taken (1) and not taken (0), signed and unsigned */
  TEST_BR(52, beq, 1, 7, 7)
  TEST_BR(53, beq, 0, 7, 8)
  TEST_BR(54, bne, 1, 7, 8)
  TEST_BR(55, bne, 0, -1, -1)
  TEST_BR(56, blt, 1, -1, 1)
  TEST_BR(57, blt, 0, 1, -1)
  TEST_BR(58, blt, 0, 3, 3)
  TEST_BR(59, bge, 1, 3, 3)
  TEST_BR(60, bge, 0, -1, 0)
  TEST_BR(61, bltu, 1, 1, -1)
  TEST_BR(62, bltu, 0, -1, 1)
  TEST_BR(63, bgeu, 1, -1, 1)
  TEST_BR(64, bgeu, 0, 0, 1)
  TCASE 65                                         /* backward taken branch */
  li a0, 3
  li a1, 0
5:
  addi a1, a1, 1
  addi a0, a0, -1
  bnez a0, 5b
  CHECK a1, 3

  /* loads: sign and zero extension */
  TEST_CASE(66, a0, 0xffffffffffffff81, la a1, ldata; lb a0, 0(a1))
  TEST_CASE(67, a0, 0x81, la a1, ldata; lbu a0, 0(a1))
  TEST_CASE(68, a0, 0xffffffffffff8281, la a1, ldata; lh a0, 0(a1))
  TEST_CASE(69, a0, 0x8281, la a1, ldata; lhu a0, 0(a1))
  TEST_CASE(70, a0, 0xffffffff84838281, la a1, ldata; lw a0, 0(a1))
  TEST_CASE(71, a0, 0x84838281, la a1, ldata; lwu a0, 0(a1))
  TEST_CASE(72, a0, 0x8887868584838281, la a1, ldata; ld a0, 0(a1))
  TEST_CASE(73, a0, 0xffffffffffffff84, la a1, ldata + 4; lb a0, -1(a1))
  TEST_CASE(74, a0, 0x0807060504030201, la a1, ldata + 8; ld a0, 0(a1))
  TEST_CASE(75, a0, 0x0403, la a1, ldata + 8; lh a0, 2(a1))

  /* stores: only the addressed bytes change */
  TEST_CASE(76, a0, 0x1122334455667788, la a1, sdata; li a2, 0x1122334455667788; sd a2, 0(a1); ld a0, 0(a1))
  TEST_CASE(77, a0, 0x55667788, la a1, sdata; li a2, 0x1122334455667788; sw a2, 8(a1); ld a0, 8(a1))
  TEST_CASE(78, a0, 0x7788, la a1, sdata; li a2, 0x1122334455667788; sh a2, 16(a1); ld a0, 16(a1))
  TEST_CASE(79, a0, 0x88, la a1, sdata; li a2, 0x1122334455667788; sb a2, 24(a1); ld a0, 24(a1))
  TEST_CASE(80, a0, 0xffffffffffff00ff, la a1, sdata; li a2, -1; sd a2, 32(a1); sb zero, 33(a1); ld a0, 32(a1))
  TEST_CASE(81, a0, 0xffff0000ffffffff, la a1, sdata; li a2, -1; sd a2, 40(a1); sh zero, 44(a1); ld a0, 40(a1))
  TEST_CASE(82, a0, 0xabcd, la a1, sdata + 64; li a2, 0xabcd; sh a2, -8(a1); lhu a0, -8(a1))

  /* x0 ignores writes, reads as zero */
  TEST_CASE(83, a0, 0, addi x0, x0, 5; mv a0, x0)
  TEST_CASE(84, a0, 0, la a1, ldata; lw x0, 0(a1); add a0, x0, x0)
  TEST_CASE(85, a0, 0, lui x0, 0x12345; jal x0, 1f; 1: mv a0, zero)

  /* fences are ordering-only on one hart: they must just execute */
  TCASE 86
  fence
  fence rw, rw
  fence r, w
  fence.tso
  fence.i

  /* ECALL and EBREAK from M-mode */
  EXPECT_TRAP 87, CAUSE_ECALL_M, ecall
  EXPECT_TRAP 88, CAUSE_BREAKPOINT, ebreak
  TEST_PASS

  .data
  .balign 8
ldata: .byte 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88
       .byte 1, 2, 3, 4, 5, 6, 7, 8
sdata: .skip 64
