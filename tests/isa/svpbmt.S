/* Svpbmt: with menvcfg.PBMTE=1 leaf PTEs may carry PBMT 1 (NC) and 2 (IO)
 * and translate as usual, 3 is reserved (page fault); with PBMTE=0 any
 * PBMT is a reserved bit (page fault); non-leaf PTEs fault with PBMT or N
 * set either way. Svnapot: a 64 KiB NAPOT leaf (N=1, PPN[3:0]=1000) maps
 * each 4 KiB of the range to the same offset of the 64 KiB page; other
 * N encodings fault. */
#include "test.h"
#include "vm.h"

  PT_CODE

#define ADUE  (1 << 61)
#define PBMTE (1 << 62)
#define PBMT_NC (1 << 61)
#define PBMT_IO (2 << 61)
#define PBMT_RSVD (3 << 61)
#define PTE_N (1 << 63)
#define PAGE_R (PTE_V | PTE_R | PTE_A | PTE_D)

#define VA_NC    0x40000000
#define VA_IO    0x40001000
#define VA_RSVD  0x40002000
#define VA_BADNL 0x40200000                      /* through a non-leaf with PBMT */
#define VA_NNL   0x40400000                      /* through a non-leaf with N */
#define VA_NAPOT 0x40610000                      /* 64 KiB, 16 PTEs */
#define VA_BADN  0x40620000                      /* N=1, PPN[3:0] = 0100 */
#define VA_N2M   0x40800000                      /* N=1 on a 2 MiB leaf */

/* Case n: a load from the address in reg must fault with cause, tval = reg. */
.macro LOAD_FAULT n, reg
  EXPECT_TRAP \n, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(\reg)
  CHECKR t5, \reg
.endm

/* Set bits in the PTE whose address is at label. */
.macro PTE_SET label, bits
  ld t0, \label
  ld t1, 0(t0)
  li t2, \bits
  or t1, t1, t2
  sd t1, 0(t0)
.endm

TEST_BEGIN
  li t0, ADUE | PBMTE
  csrw CSR_MENVCFG, t0
  TCASE 1
  csrr a0, CSR_MENVCFG
  CHECK a0, ADUE | PBMTE
  li a5, 3
  MAP 0x80000000, 0x80000000, PTE_RWX, 2
  MAP_LA VA_NC, page, PAGE_R, 0
  la t0, pte_nc
  sd a0, 0(t0)
  PTE_SET pte_nc, PBMT_NC
  MAP_LA VA_IO, page, PAGE_R, 0
  la t0, pte_io
  sd a0, 0(t0)
  PTE_SET pte_io, PBMT_IO
  MAP_LA VA_RSVD, page, PAGE_R, 0
  la t0, pte_rsvd
  sd a0, 0(t0)
  PTE_SET pte_rsvd, PBMT_RSVD
  /* non-leaf PTEs with PBMT / N: the level-1 pointers of two 2 MiB slots */
  MAP_LA VA_BADNL, page, PAGE_R, 0
  la t0, pt_root
  li t1, (VA_BADNL >> 30) & 0x1ff                /* root index of the 1 GiB slot */
  slli t1, t1, 3
  add t0, t0, t1
  ld s2, 0(t0)                                   /* root -> level-1 table */
  srli s2, s2, 10
  slli s2, s2, 12
  li t2, ((VA_BADNL >> 21) & 0x1ff) * 8
  add t2, s2, t2
  ld t0, 0(t2)
  li t3, PBMT_NC
  or t0, t0, t3
  sd t0, 0(t2)                                   /* level-1 pointer with PBMT */
  MAP_LA VA_NNL, page, PAGE_R, 0
  li t2, ((VA_NNL >> 21) & 0x1ff) * 8
  add t2, s2, t2
  ld t0, 0(t2)
  li t3, PTE_N
  or t0, t0, t3
  sd t0, 0(t2)                                   /* level-1 pointer with N */
  /* the NAPOT range: 16 PTEs, PPN = (big >> 12) | 8 (PPN[3:0] replaced) */
  li s0, 0
1:
  li a1, VA_NAPOT
  slli t0, s0, 12
  add a1, a1, t0
  la a2, big
  li t0, 0x8000
  or a2, a2, t0
  li a3, PAGE_R | PTE_N
  li a4, 0
  call pt_map
  addi s0, s0, 1
  li t0, 16
  bltu s0, t0, 1b
  MAP_LA VA_BADN, big, PAGE_R | PTE_N, 0         /* PPN[3:0] = 0: reserved */
  ld t0, 0(a0)
  li t1, 4 << 10
  or t0, t0, t1
  sd t0, 0(a0)                                   /* now 0100 */
  MAP VA_N2M, 0x80000000, PAGE_R | PTE_N, 1
  SATP_ON SATP_SV39
  GOTO_MODE PRV_S, smode
smode:
  TEST_CASE(2, a0, 0x1234567812345678, li s1, VA_NC; ld a0, 0(s1))
  TEST_CASE(3, a0, 0x1234567812345678, li s1, VA_IO; ld a0, 8(s1))
  li s1, VA_RSVD
  LOAD_FAULT 4, s1
  li s1, VA_BADNL
  LOAD_FAULT 5, s1
  li s1, VA_NNL
  LOAD_FAULT 6, s1
  /* NAPOT: VA_NAPOT + x -> big + x for x in 64 KiB */
  TEST_CASE(7, a0, 0x0000, li s1, VA_NAPOT; ld a0, 0(s1))
  TEST_CASE(8, a0, 0x5008, li s1, VA_NAPOT + 0x5008; ld a0, 0(s1))
  TEST_CASE(9, a0, 0xfff8, li s1, VA_NAPOT + 0xfff8; ld a0, 0(s1))
  li s1, VA_BADN + 0x10
  LOAD_FAULT 10, s1
  li s1, VA_N2M
  LOAD_FAULT 11, s1
  BACK_TO_M
  /* PBMTE=0: PBMT is reserved */
  li t0, ADUE
  csrw CSR_MENVCFG, t0
  sfence.vma
  GOTO_MODE PRV_S, 1f
1:
  li s1, VA_NC
  LOAD_FAULT 12, s1
  li s1, VA_IO
  LOAD_FAULT 13, s1
  TEST_CASE(14, a0, 0x5008, li s1, VA_NAPOT + 0x5008; ld a0, 0(s1))
  BACK_TO_M
  TEST_PASS

  .data
  .balign 8
pte_nc: .dword 0
pte_io: .dword 0
pte_rsvd: .dword 0
  .balign 4096
page:
  .rept 512
  .dword 0x1234567812345678
  .endr
  /* 64 KiB aligned, each 8-byte word holds its own offset */
  .balign 65536
big:
  .set off, 0
  .rept 8192
  .dword off
  .set off, off + 8
  .endr
