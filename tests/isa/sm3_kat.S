/* Known answer: SM3 (GB/T 32905-2016 examples: "abc" and "abcd" x 16)
 * written with Zksh: sm3p1 in the message expansion, sm3p0 in the
 * compression (rotations with Zbb/Zbkb roriw, loads with rev8). The
 * message blocks are stored already padded; the expected digests are the
 * standard's. */
#include "test.h"

  .data
  .balign 8
sm3_msg1: /* "abc" */
  .byte 0x61, 0x62, 0x63, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
  .byte 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
  .byte 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
  .byte 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18
sm3_msg2: /* "abcd" x 16: two blocks */
  .byte 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64
  .byte 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64
  .byte 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64
  .byte 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64, 0x61, 0x62, 0x63, 0x64
  .byte 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
  .byte 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
  .byte 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
  .byte 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00
sm3_iv:   .word 0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600
          .word 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e
hash:     .skip 32
sm3_w:    .skip 68 * 4

  .text
/* One block: a0 = V[8] (32-bit words), a1 = 64 bytes. Uses s0-s7. */
sm3_block:
  la a2, sm3_w
  li t0, 0
1:                              /* W[0..15]: big-endian words */
  add t1, a1, t0
  lwu t3, 0(t1)
  rev8 t3, t3
  srli t3, t3, 32
  add t1, a2, t0
  sw t3, 0(t1)
  addi t0, t0, 4
  li t1, 64
  bne t0, t1, 1b
2:  /* W[j] = P1(W[j-16] ^ W[j-9] ^ (W[j-3] <<< 15)) ^ (W[j-13] <<< 7) ^ W[j-6] */
  add t1, a2, t0
  lw t3, -64(t1)
  lw t4, -36(t1)
  xor t3, t3, t4
  lw t4, -12(t1)
  roriw t4, t4, 17
  xor t3, t3, t4
  sm3p1 t3, t3
  lw t4, -52(t1)
  roriw t4, t4, 25
  xor t3, t3, t4
  lw t4, -24(t1)
  xor t3, t3, t4
  sw t3, 0(t1)
  addi t0, t0, 4
  li t1, 272
  bne t0, t1, 2b
  .irp i, 0, 1, 2, 3, 4, 5, 6, 7
  lw s\i, \i*4(a0)
  .endr
  li t0, 0                      /* 4j */
  li a3, 0x79cc4519             /* T_j <<< j */
3:
  roriw t3, s0, 20              /* A <<< 12 */
  addw t4, t3, s4
  addw t4, t4, a3
  roriw t4, t4, 25              /* SS1 */
  xor t5, t4, t3                /* SS2 */
  li t1, 64
  bgeu t0, t1, 4f
  xor t6, s0, s1                /* FF, GG for j < 16 */
  xor t6, t6, s2
  xor a4, s4, s5
  xor a4, a4, s6
  j 5f
4:
  and t6, s0, s1                /* majority */
  and a5, s0, s2
  or t6, t6, a5
  and a5, s1, s2
  or t6, t6, a5
  and a4, s4, s5                /* choose */
  andn a5, s6, s4
  or a4, a4, a5
5:
  addw t6, t6, s3
  addw t6, t6, t5
  add t1, a2, t0
  lw a5, 0(t1)                  /* W[j] */
  lw a6, 16(t1)
  xor a6, a6, a5                /* W'[j] = W[j] ^ W[j+4] */
  addw t6, t6, a6               /* TT1 */
  addw a4, a4, s7
  addw a4, a4, t4
  addw a4, a4, a5               /* TT2 */
  mv s3, s2
  roriw s2, s1, 23              /* B <<< 9 */
  mv s1, s0
  mv s0, t6
  mv s7, s6
  roriw s6, s5, 13              /* F <<< 19 */
  mv s5, s4
  sm3p0 s4, a4
  roriw a3, a3, 31              /* next T_j <<< j */
  addi t0, t0, 4
  li t1, 64
  bne t0, t1, 6f
  li a3, 0x9d8a7a87             /* 0x7a879d8a <<< 16 */
6:
  li t1, 256
  bne t0, t1, 3b
  .irp i, 0, 1, 2, 3, 4, 5, 6, 7
  lw t3, \i*4(a0)
  xor t3, t3, s\i
  sw t3, \i*4(a0)
  .endr
  ret

/* hash = SM3 of a1 padded blocks at a0. */
sm3:
  mv s8, ra
  mv s9, a0
  mv s10, a1
  la t0, sm3_iv
  la t1, hash
  .irp i, 0, 4, 8, 12, 16, 20, 24, 28
  lw t3, \i(t0)
  sw t3, \i(t1)
  .endr
1:
  la a0, hash
  mv a1, s9
  call sm3_block
  addi s9, s9, 64
  addi s10, s10, -1
  bnez s10, 1b
  mv ra, s8
  ret

TEST_BEGIN
  TCASE 1
  la a0, sm3_msg1
  li a1, 1
  call sm3
  la a1, hash
  lwu a0, 0(a1)
  CHECK a0, 0x66c7f0f4
  la a1, hash
  lwu a0, 4(a1)
  CHECK a0, 0x62eeedd9
  la a1, hash
  lwu a0, 8(a1)
  CHECK a0, 0xd1f2d46b
  la a1, hash
  lwu a0, 12(a1)
  CHECK a0, 0xdc10e4e2
  la a1, hash
  lwu a0, 16(a1)
  CHECK a0, 0x4167c487
  la a1, hash
  lwu a0, 20(a1)
  CHECK a0, 0x5cf2f7a2
  la a1, hash
  lwu a0, 24(a1)
  CHECK a0, 0x297da02b
  la a1, hash
  lwu a0, 28(a1)
  CHECK a0, 0x8f4ba8e0

  TCASE 2
  la a0, sm3_msg2
  li a1, 2
  call sm3
  la a1, hash
  lwu a0, 0(a1)
  CHECK a0, 0xdebe9ff9
  la a1, hash
  lwu a0, 4(a1)
  CHECK a0, 0x2275b8a1
  la a1, hash
  lwu a0, 8(a1)
  CHECK a0, 0x38604889
  la a1, hash
  lwu a0, 12(a1)
  CHECK a0, 0xc18e5a4d
  la a1, hash
  lwu a0, 16(a1)
  CHECK a0, 0x6fdb70e5
  la a1, hash
  lwu a0, 20(a1)
  CHECK a0, 0x387e5765
  la a1, hash
  lwu a0, 24(a1)
  CHECK a0, 0x293dcba3
  la a1, hash
  lwu a0, 28(a1)
  CHECK a0, 0x9c0c5732
  TEST_PASS
