/* WARL fields read back legal values: misa (RV64, IMAFDCSU), mstatus.MPP
 * values 0/1/3, SXL/UXL = 64-bit, mtvec MODE (0/1 only), satp with an
 * unsupported MODE is not written at all. More in csr_warl_strict.S. */
#include "test.h"

#define EXT(c) (1 << ((c) - 'A'))
#define RV64GC_SU (EXT('I') | EXT('M') | EXT('A') | EXT('F') | EXT('D') | EXT('C') | EXT('S') | EXT('U'))

TEST_BEGIN
  TCASE 1                                        /* MXL = 2 (XLEN 64) */
  csrr s0, misa
  srli a0, s0, 62
  CHECK a0, 2
  TCASE 2
  li t0, RV64GC_SU
  and a0, s0, t0
  CHECK a0, RV64GC_SU
  TCASE 3                                        /* writing 0 cannot make it illegal */
  csrw misa, zero
  csrr a0, misa
  srli a1, a0, 62
  CHECK a1, 2
  andi a1, a0, EXT('I')
  CHECK a1, EXT('I')
  csrw misa, s0
  csrr a0, misa
  CHECKR a0, s0

  /* mstatus.MPP: 0, 1, 3 stick; 2 (reserved) reads back as something legal */
  .irp v, 0, 1, 3
  TCASE 4
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, \v << 11
  csrs mstatus, t0
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK a0, \v
  .endr
  /* UXL and SXL are fixed at 2 (64-bit) */
  TCASE 6
  csrr a0, mstatus
  srli a0, a0, 32
  andi a0, a0, 0xf
  CHECK a0, 0xa
  li t0, 0xf << 32
  csrc mstatus, t0
  csrr a0, mstatus
  srli a0, a0, 32
  andi a0, a0, 0xf
  CHECK a0, 0xa
  TCASE 7
  csrr a0, sstatus                               /* UXL visible in sstatus */
  srli a0, a0, 32
  andi a0, a0, 3
  CHECK a0, 2

  /* mtvec MODE >= 2 is reserved: the value read back has MODE 0 or 1 */
  TCASE 8
  csrr s1, mtvec
  la t0, trap_m
  ori t0, t0, 2
  csrw mtvec, t0
  csrr a0, mtvec
  andi a0, a0, 3
  sltiu a0, a0, 2
  CHECK a0, 1
  csrw mtvec, s1
  TCASE 9                                        /* vectored mode sticks */
  la t0, trap_m
  ori t0, t0, 1
  csrw mtvec, t0
  csrr a0, mtvec
  CHECKR a0, t0
  csrw mtvec, s1

  /* satp: an unsupported MODE (1..7 are reserved) leaves satp unchanged */
  TCASE 12
  csrw satp, zero
  li t0, (1 << 60) | 0x80123
  csrw satp, t0
  csrr a0, satp
  CHECK a0, 0
  TEST_PASS
