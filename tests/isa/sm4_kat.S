/* Known answer: SM4 (GB/T 32907-2016 example: key = plaintext =
 * 0123456789abcdeffedcba9876543210, ciphertext 681edf34d206965e86b3e94f536e4246)
 * written with Zksed: the key schedule's T' with four sm4ks, the rounds'
 * T with four sm4ed, decryption with the round keys reversed. The
 * instructions work on words in little-endian byte order (as RISC-V loads
 * them), so FK and CK are stored byte-reversed. */
#include "test.h"

  .data
  .balign 8
sm4_key:  .byte 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef
          .byte 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10
sm4_fk:   .word 0xc6bab1a3, 0x5033aa56, 0x97917d67, 0xdc2270b2
sm4_ck:   .word 0x150e0700, 0x312a231c, 0x4d463f38, 0x69625b54, 0x857e7770, 0xa19a938c
          .word 0xbdb6afa8, 0xd9d2cbc4, 0xf5eee7e0, 0x110a03fc, 0x2d261f18, 0x49423b34
          .word 0x655e5750, 0x817a736c, 0x9d968f88, 0xb9b2aba4, 0xd5cec7c0, 0xf1eae3dc
          .word 0x0d06fff8, 0x29221b14, 0x453e3730, 0x615a534c, 0x7d766f68, 0x99928b84
          .word 0xb5aea7a0, 0xd1cac3bc, 0xede6dfd8, 0x0902fbf4, 0x251e1710, 0x413a332c
          .word 0x5d564f48, 0x79726b64
sm4_rk:   .skip 32 * 4
sm4_rk_rev: .skip 32 * 4
ct:       .skip 16
pt:       .skip 16

  .text
/* Round keys of the 16-byte key at a0 into sm4_rk, and reversed into
 * sm4_rk_rev: K[i+4] = K[i] ^ T'(K[i+1] ^ K[i+2] ^ K[i+3] ^ CK[i]). */
sm4_keys:
  lw a2, 0(a0)
  lw a3, 4(a0)
  lw a4, 8(a0)
  lw a5, 12(a0)
  la t0, sm4_fk
  lw t1, 0(t0)
  xor a2, a2, t1
  lw t1, 4(t0)
  xor a3, a3, t1
  lw t1, 8(t0)
  xor a4, a4, t1
  lw t1, 12(t0)
  xor a5, a5, t1
  la a6, sm4_ck
  la a7, sm4_rk
  li t3, 32
1:
  lw t1, 0(a6)
  xor t1, t1, a3
  xor t1, t1, a4
  xor t1, t1, a5
  sm4ks a2, a2, t1, 0
  sm4ks a2, a2, t1, 1
  sm4ks a2, a2, t1, 2
  sm4ks a2, a2, t1, 3
  sw a2, 0(a7)
  mv t1, a2
  mv a2, a3
  mv a3, a4
  mv a4, a5
  mv a5, t1
  addi a6, a6, 4
  addi a7, a7, 4
  addi t3, t3, -1
  bnez t3, 1b
  la a6, sm4_rk + 31 * 4
  la a7, sm4_rk_rev
  li t3, 32
2:
  lw t1, 0(a6)
  sw t1, 0(a7)
  addi a6, a6, -4
  addi a7, a7, 4
  addi t3, t3, -1
  bnez t3, 2b
  ret

/* 16 bytes at a0 through the 32 rounds with the keys at a1, into a2:
 * X[i+4] = X[i] ^ T(X[i+1] ^ X[i+2] ^ X[i+3] ^ rk[i]); out X35..X32. */
sm4_crypt:
  lw a3, 0(a0)
  lw a4, 4(a0)
  lw a5, 8(a0)
  lw a6, 12(a0)
  li t3, 32
1:
  lw t1, 0(a1)
  xor t1, t1, a4
  xor t1, t1, a5
  xor t1, t1, a6
  sm4ed a3, a3, t1, 0
  sm4ed a3, a3, t1, 1
  sm4ed a3, a3, t1, 2
  sm4ed a3, a3, t1, 3
  mv t1, a3
  mv a3, a4
  mv a4, a5
  mv a5, a6
  mv a6, t1
  addi a1, a1, 4
  addi t3, t3, -1
  bnez t3, 1b
  sw a6, 0(a2)
  sw a5, 4(a2)
  sw a4, 8(a2)
  sw a3, 12(a2)
  ret

TEST_BEGIN
  TCASE 1                      /* the standard's first and last round keys */
  la a0, sm4_key
  call sm4_keys
  la a1, sm4_rk
  lwu a0, 0(a1)
  CHECK a0, 0xf98621f1         /* F12186F9, as a little-endian word */
  lwu a0, 124(a1)
  CHECK a0, 0x12a02491         /* 9124A012 */
  TCASE 2                      /* encrypt */
  la a0, sm4_key
  la a1, sm4_rk
  la a2, ct
  call sm4_crypt
  la a2, ct
  ld a0, 0(a2)
  CHECK a0, 0x5e9606d234df1e68 /* 68 1e df 34 d2 06 96 5e */
  ld a0, 8(a2)
  CHECK a0, 0x46426e534fe9b386 /* 86 b3 e9 4f 53 6e 42 46 */
  TCASE 3                      /* decrypt: the plaintext back */
  la a0, ct
  la a1, sm4_rk_rev
  la a2, pt
  call sm4_crypt
  la a2, pt
  ld a0, 0(a2)
  CHECK a0, 0xefcdab8967452301
  ld a0, 8(a2)
  CHECK a0, 0x1032547698badcfe
  TEST_PASS
