/* Known answer: CRC-32 (zlib's, reflected polynomial 0xedb88320) with
 * carry-less multiplication, 8 bytes per step: s = crc ^ data,
 * q = s ^ (clmul(s, mu) << 1), crc = clmulr(q, poly << 32) >> 32 (Barrett
 * reduction in the bit-reflected domain, as Linux's Zbc CRC-32 does);
 * a bitwise loop for the tail. Expected values: Python's zlib.crc32 of the
 * same bytes ("123456789" is CRC-32's check value). */
#include "test.h"

#define CRC_MU   0x5a72d812fb808b20   /* bit-reversed floor(x^96 / P) - x^64 */
#define CRC_POLY 0xedb88320

  .data
str_check: .ascii "123456789"
str_fox:   .ascii "The quick brown fox jumps over the lazy dog"
  .balign 8
buf768:    .skip 768

  .text
/* a0 = crc32(a0 = bytes, a1 = length) */
crc32:
  li t0, 0xffffffff
  li t3, CRC_MU
  li t4, CRC_POLY
  slli t5, t4, 32
1:
  li t1, 8
  bltu a1, t1, 2f
  ld t1, 0(a0)                 /* unaligned loads are fine on the spike machine */
  xor t1, t1, t0
  clmul t6, t1, t3
  slli t6, t6, 1
  xor t1, t1, t6
  clmulr t0, t1, t5
  srli t0, t0, 32
  addi a0, a0, 8
  addi a1, a1, -8
  j 1b
2:
  beqz a1, 4f
  lbu t1, 0(a0)
  xor t0, t0, t1
  li t6, 8
3:
  andi t1, t0, 1
  srli t0, t0, 1
  neg t1, t1
  and t1, t1, t4
  xor t0, t0, t1
  addi t6, t6, -1
  bnez t6, 3b
  addi a0, a0, 1
  addi a1, a1, -1
  j 2b
4:
  not a0, t0
  slli a0, a0, 32
  srli a0, a0, 32
  ret

TEST_BEGIN
  TCASE 1
  la a0, str_check
  li a1, 9
  call crc32
  CHECK a0, 0xcbf43926

  TCASE 2
  la a0, str_fox
  li a1, 43
  call crc32
  CHECK a0, 0x414fa339

  TCASE 3                      /* bytes 0, 1, ..., 255 three times */
  la a0, buf768
  li a1, 0
1:
  add t0, a0, a1
  sb a1, 0(t0)
  addi a1, a1, 1
  li t0, 768
  bne a1, t0, 1b
  call crc32
  CHECK a0, 0xb0c0df2a

  TCASE 4                      /* zero length: 0 */
  la a0, buf768
  li a1, 0
  call crc32
  CHECK a0, 0
  TEST_PASS
