/* Zcb: every instruction, encoded by hand (binutils 2.40 lacks Zcb; so
 * does QEMU 7.2: checked against the spec). Loads and stores move only
 * their width; c.lh sign-extends, c.lbu/c.lhu zero-extend. */
#include "test.h"
#include "ext_insn.h"

  .data
  .balign 8
buf: .dword 0x8281c0b0a0f0e0d0, 0

  .text
TEST_BEGIN
  la s0, buf                      /* x8 */
  TEST_CASE(1, a0, 0xd0, li a0, -1; C_LBU 10, 0, 8)
  TEST_CASE(2, a0, 0xa0, C_LBU 10, 3, 8)
  TEST_CASE(3, a0, 0xe0d0, C_LHU 10, 0, 8)
  TEST_CASE(4, a0, 0xffffffffffffa0f0, C_LH 10, 2, 8)
  TEST_CASE(5, a0, 0xffffffffffffe0d0, C_LH 10, 0, 8)
  TCASE 6                         /* c.sb writes one byte */
  li a1, 0x1234
  C_SB 11, 1, 8
  ld a0, 0(s0)
  CHECK a0, 0x8281c0b0a0f034d0
  TCASE 7                         /* c.sh writes two */
  li a1, 0x55667788
  C_SH 11, 2, 8
  ld a0, 0(s0)
  CHECK a0, 0x8281c0b0778834d0
  TEST_CASE(8, a0, 0x88, li a0, 0x1288; C_ZEXT_B(10))
  TEST_CASE(9, a0, 0xffffffffffffff88, li a0, 0x1288; C_SEXT_B(10))
  TEST_CASE(10, a0, 0x8001, li a0, -0x7fff; C_ZEXT_H(10))
  TEST_CASE(11, a0, 0xffffffffffff8001, li a0, 0x18001; C_SEXT_H(10))
  TEST_CASE(12, a0, 0x80000001, li a0, 0xffffffff80000001; C_ZEXT_W(10))
  TEST_CASE(13, a0, 0xedcba987ffff0000, li a0, 0x123456780000ffff; C_NOT(10))
  TEST_CASE(14, a0, 0xfffffffffffffffa, li a0, 3; li a1, -2; C_MUL 10, 11)
  TEST_CASE(15, a0, 0x0000000100000000, li a0, 0x10000; li a1, 0x10000; C_MUL 10, 11)
  TEST_PASS
