/* Known answer: AES-128 and AES-256 (FIPS-197 Appendix B, C.1, C.3)
 * written with the RV64 scalar AES instructions as the scalar crypto spec
 * intends: key schedule with aes64ks1i/aes64ks2 (AES-256's odd steps use
 * rnum 10), rounds with aes64esm/aes64es, decryption with the equivalent
 * inverse cipher (aes64dsm/aes64ds, round keys through aes64im).
 * The expected ciphertexts are the standard's. */
#include "test.h"

  .data
fips197_b_key:
  .byte 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c
fips197_b_pt:
  .byte 0x32, 0x43, 0xf6, 0xa8, 0x88, 0x5a, 0x30, 0x8d, 0x31, 0x31, 0x98, 0xa2, 0xe0, 0x37, 0x07, 0x34
fips197_c1_key:
  .byte 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
fips197_c1_pt:
  .byte 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
fips197_c3_key:
  .byte 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
  .byte 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f
fips197_c3_pt:
  .byte 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
  .balign 8
rk:   .skip 15 * 16
out:  .skip 16
out2: .skip 16

  .text
/* Round keys of a 16-byte key: a0 = key, a1 = 11 x 16 bytes. */
aes_expand128:
  ld a4, 0(a0)
  ld a5, 8(a0)
  sd a4, 0(a1)
  sd a5, 8(a1)
  .irp r, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
  aes64ks1i t0, a5, \r
  aes64ks2 a4, t0, a4
  aes64ks2 a5, a4, a5
  addi a1, a1, 16
  sd a4, 0(a1)
  sd a5, 8(a1)
  .endr
  ret

/* Round keys of a 32-byte key: a0 = key, a1 = 15 x 16 bytes. */
aes_expand256:
  ld a4, 0(a0)
  ld a5, 8(a0)
  ld a6, 16(a0)
  ld a7, 24(a0)
  sd a4, 0(a1)
  sd a5, 8(a1)
  sd a6, 16(a1)
  sd a7, 24(a1)
  .irp r, 0, 1, 2, 3, 4, 5
  aes64ks1i t0, a7, \r
  aes64ks2 a4, t0, a4
  aes64ks2 a5, a4, a5
  aes64ks1i t0, a5, 10          /* SubWord only */
  aes64ks2 a6, t0, a6
  aes64ks2 a7, a6, a7
  addi a1, a1, 32
  sd a4, 0(a1)
  sd a5, 8(a1)
  sd a6, 16(a1)
  sd a7, 24(a1)
  .endr
  aes64ks1i t0, a7, 6
  aes64ks2 a4, t0, a4
  aes64ks2 a5, a4, a5
  sd a4, 32(a1)
  sd a5, 40(a1)
  ret

/* a0 = round keys, a1 = rounds, a2 = 16 bytes in, a3 = 16 bytes out. */
aes_encrypt:
  ld t0, 0(a2)
  ld t1, 8(a2)
  ld t3, 0(a0)
  ld t4, 8(a0)
  xor t0, t0, t3
  xor t1, t1, t4
  addi a1, a1, -1
1:
  addi a0, a0, 16
  aes64esm t3, t0, t1
  aes64esm t4, t1, t0
  ld t5, 0(a0)
  ld t6, 8(a0)
  xor t0, t3, t5
  xor t1, t4, t6
  addi a1, a1, -1
  bnez a1, 1b
  addi a0, a0, 16
  aes64es t3, t0, t1
  aes64es t4, t1, t0
  ld t5, 0(a0)
  ld t6, 8(a0)
  xor t0, t3, t5
  xor t1, t4, t6
  sd t0, 0(a3)
  sd t1, 8(a3)
  ret

aes_decrypt:
  slli t5, a1, 4
  add a0, a0, t5                /* the last round key first */
  ld t0, 0(a2)
  ld t1, 8(a2)
  ld t3, 0(a0)
  ld t4, 8(a0)
  xor t0, t0, t3
  xor t1, t1, t4
  addi a1, a1, -1
1:
  addi a0, a0, -16
  aes64dsm t3, t0, t1
  aes64dsm t4, t1, t0
  ld t5, 0(a0)
  ld t6, 8(a0)
  aes64im t5, t5
  aes64im t6, t6
  xor t0, t3, t5
  xor t1, t4, t6
  addi a1, a1, -1
  bnez a1, 1b
  addi a0, a0, -16
  aes64ds t3, t0, t1
  aes64ds t4, t1, t0
  ld t5, 0(a0)
  ld t6, 8(a0)
  xor t0, t3, t5
  xor t1, t4, t6
  sd t0, 0(a3)
  sd t1, 8(a3)
  ret

TEST_BEGIN
  TCASE 1                      /* fips197_b: AES-128 encrypt */
  la a0, fips197_b_key
  la a1, rk
  call aes_expand128
  la a0, rk
  li a1, 10
  la a2, fips197_b_pt
  la a3, out
  call aes_encrypt
  la a3, out
  ld a0, 0(a3)
  CHECK a0, 0xfb09dc021d842539
  ld a0, 8(a3)
  CHECK a0, 0x320b6a19978511dc

  TCASE 2                      /* fips197_b: decrypt the ciphertext back */
  la a0, rk
  li a1, 10
  la a2, out
  la a3, out2
  call aes_decrypt
  la a3, out2
  ld a0, 0(a3)
  CHECK a0, 0x8d305a88a8f64332
  ld a0, 8(a3)
  CHECK a0, 0x340737e0a2983131

  TCASE 3                      /* fips197_c1: AES-128 encrypt */
  la a0, fips197_c1_key
  la a1, rk
  call aes_expand128
  la a0, rk
  li a1, 10
  la a2, fips197_c1_pt
  la a3, out
  call aes_encrypt
  la a3, out
  ld a0, 0(a3)
  CHECK a0, 0x30047b6ad8e0c469
  ld a0, 8(a3)
  CHECK a0, 0x5ac5b47080b7cdd8

  TCASE 4                      /* fips197_c1: decrypt the ciphertext back */
  la a0, rk
  li a1, 10
  la a2, out
  la a3, out2
  call aes_decrypt
  la a3, out2
  ld a0, 0(a3)
  CHECK a0, 0x7766554433221100
  ld a0, 8(a3)
  CHECK a0, 0xffeeddccbbaa9988

  TCASE 5                      /* fips197_c3: AES-256 encrypt */
  la a0, fips197_c3_key
  la a1, rk
  call aes_expand256
  la a0, rk
  li a1, 14
  la a2, fips197_c3_pt
  la a3, out
  call aes_encrypt
  la a3, out
  ld a0, 0(a3)
  CHECK a0, 0xbf456751cab7a28e
  ld a0, 8(a3)
  CHECK a0, 0x8960494b9049fcea

  TCASE 6                      /* fips197_c3: decrypt the ciphertext back */
  la a0, rk
  li a1, 14
  la a2, out
  la a3, out2
  call aes_decrypt
  la a3, out2
  ld a0, 0(a3)
  CHECK a0, 0x7766554433221100
  ld a0, 8(a3)
  CHECK a0, 0xffeeddccbbaa9988

  TCASE 7                      /* FIPS-197 A.1: the last round key of 2b7e1516... */
  la a0, fips197_b_key
  la a1, rk
  call aes_expand128
  la a1, rk
  ld a0, 160(a1)
  CHECK a0, 0x8925eec9a8f914d0
  ld a0, 168(a1)
  CHECK a0, 0xa60c63b6c80c3fe1
  TEST_PASS
