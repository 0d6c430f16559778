/* Misaligned loads and stores are done in hardware (no trap): every width,
 * signed and unsigned, integer and FP, compressed forms, across an 8-byte
 * boundary, across a 4 KiB physical page boundary, and under Sv39 across
 * two virtual pages that map to non-adjacent physical pages. */
#include "test.h"
#include "vm.h"

  PT_CODE

#define VA_P0 0x40000000                         /* -> pageB */
#define VA_P1 0x40001000                         /* -> pageA (swapped order) */

TEST_BEGIN
  la s0, bytes                                   /* 00 01 02 ... 3f */
  TEST_CASE(1, a0, 0x0201, lhu a0, 1(s0))
  TEST_CASE(2, a0, 0x04030201, lwu a0, 1(s0))
  TEST_CASE(3, a0, 0x0807060504030201, ld a0, 1(s0))
  TEST_CASE(4, a0, 0x0c0b0a0908070605, ld a0, 5(s0))      /* crosses 8 bytes */
  TEST_CASE(5, a0, 0x0a09080706050403, ld a0, 3(s0))
  TEST_CASE(6, a0, 0x0706, lh a0, 6(s0))
  TEST_CASE(7, a0, 0x0807, lh a0, 7(s0))
  TCASE 8                                        /* signed forms sign-extend */
  la a1, sbytes
  lh a0, 1(a1)
  CHECK a0, 0xffffffffffff8281
  lw a0, 3(a1)
  CHECK a0, 0xffffffff86858483
  TCASE 9                                        /* stores, then aligned reads */
  la a1, scratch
  li a2, 0x1122334455667788
  sd a2, 3(a1)
  ld a0, 0(a1)
  CHECK a0, 0x4455667788000000
  ld a0, 8(a1)
  CHECK a0, 0x0000000000112233
  sw a2, 13(a1)
  ld a0, 8(a1)
  CHECK a0, 0x6677880000112233
  sh a2, 17(a1)
  ld a0, 16(a1)
  CHECK a0, 0x0000000000778855
  TCASE 10                                       /* FP */
  fld fa0, 1(s0)
  fmv.x.d a0, fa0
  CHECK a0, 0x0807060504030201
  flw fa1, 2(s0)
  fmv.x.d a0, fa1
  CHECK a0, 0xffffffff05040302
  la a1, scratch
  fsd fa0, 33(a1)
  ld a0, 33(a1)
  CHECK a0, 0x0807060504030201
  TCASE 11                                       /* compressed */
  addi s1, s0, 3
  c.ld a0, 0(s1)
  CHECK a0, 0x0a09080706050403
  c.lw a0, 4(s1)
  CHECK a0, 0x0a090807

  /* across a physical 4 KiB page boundary */
  TCASE 12
  la a1, pageA + 4093
  li a2, 0x8877665544332211
  sd a2, 0(a1)
  ld a0, 0(a1)
  CHECKR a0, a2
  la a3, pageB
  lbu a0, 0(a3)
  CHECK a0, 0x44                                 /* byte 3 of the value */
  lw a0, 2(a1)
  CHECK a0, 0x66554433
  TCASE 13
  la a1, pageA + 4094
  fld fa0, 0(a1)
  fmv.x.d a0, fa0
  CHECK a0, 0x0088776655443322
  /* under Sv39: VA_P0+4093.. spans pageB (end) and pageA (start) */
  li a5, 3
  MAP 0x80000000, 0x80000000, PTE_RWX, 2
  MAP_LA VA_P0, pageB, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0
  MAP_LA VA_P1, pageA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0
  SATP_ON SATP_SV39
  GOTO_MODE PRV_S, 1f
1:
  TCASE 14
  li a1, VA_P0 + 4092
  li a2, 0xa1a2a3a4a5a6a7a8
  sd a2, 0(a1)
  ld a0, 0(a1)
  CHECKR a0, a2
  la a3, pageB + 4092                            /* first half, physically */
  lwu a0, 0(a3)
  CHECK a0, 0xa5a6a7a8
  la a3, pageA                                   /* second half */
  lwu a0, 0(a3)
  CHECK a0, 0xa1a2a3a4
  TCASE 15
  li a1, VA_P0 + 4095
  lhu a0, 0(a1)
  CHECK a0, 0xa4a5
  /* second page unmapped: the access takes a store page fault */
  TCASE 16
  li a5, 3
  MAP_LA VA_P1, pageA, 0, 0
  sfence.vma
  li a1, VA_P0 + 4092
  li a2, -1
  la tp, 2f
  sd a2, 0(a1)
  j fail
2:
  CHECK t4, CAUSE_STORE_PAGE_FAULT
  BACK_TO_M
  csrw satp, zero
  TEST_PASS

  .data
  .balign 64
bytes:
  .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  .byte \i
  .endr
sbytes: .byte 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87
  .balign 64
scratch: .skip 64
  .balign 4096
pageA: .skip 4096
pageB: .skip 4096
