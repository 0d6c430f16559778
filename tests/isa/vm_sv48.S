/* Sv48: four levels, 512 GiB / 1 GiB / 2 MiB / 4 KiB leaves, both halves
 * of the canonical address space, non-canonical addresses (bits 63:48 must
 * copy bit 47), a misaligned gigapage, hardware A/D updates. */
#include "test.h"
#include "vm.h"

  PT_CODE

#define VA_LOW_TOP 0x00007ffffffff000            /* last page of the low half */
#define VA_HIGH    0xffff800000000000            /* first page of the high half */
#define VA_GIGA    0x0000100040000000            /* 1G -> 0x80000000 */
#define VA_MEGA    0x0000200000200000            /* 2M -> 0x80000000 */
#define VA_BADGIGA 0x0000300000000000            /* 1G with PPN[1] != 0 */
#define VA_AD      0x0000400000000000            /* 4K, A = D = 0 */
#define NONCANON1  0x0000800000000000            /* bit 47 set, 63:48 clear */
#define NONCANON2  0xfff0000000000000            /* bit 47 clear, some above set */

#define PAGE_RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

TEST_BEGIN
  li a5, 4
  MAP 0, 0, PTE_RWX, 3                           /* identity: one 512 GiB page */
  MAP_LA VA_LOW_TOP, page1, PAGE_RW, 0
  MAP_LA VA_HIGH, page2, PAGE_RW, 0
  MAP VA_GIGA, 0x80000000, PAGE_RW, 2
  MAP VA_MEGA, 0x80000000, PAGE_RW, 1
  MAP VA_BADGIGA, 0x80200000, PAGE_RW, 2
  MAP_LA VA_AD, page3, PTE_V | PTE_R | PTE_W, 0
  la t0, pte_ad
  sd a0, 0(t0)
  SATP_ON SATP_SV48
  csrr a0, satp
  srli a0, a0, 60
  CHECK a0, 9                                    /* Sv48 is supported */
  GOTO_MODE PRV_S, smode
smode:
  TEST_CASE(1, a0, 0x1111111111111111, li a1, VA_LOW_TOP; ld a0, 0(a1))
  TEST_CASE(2, a0, 0x2222222222222222, li a1, VA_HIGH; ld a0, 0(a1))
  TCASE 3                                        /* gigapage alias of page2 */
  la a1, page2
  li t0, VA_GIGA - 0x80000000
  add a1, a1, t0
  ld a0, 0(a1)
  CHECK a0, 0x2222222222222222
  TCASE 4                                        /* megapage alias of page1, store */
  la a1, page1
  li t0, VA_MEGA - 0x80000000
  add a1, a1, t0
  li a2, 0x4444
  sd a2, 8(a1)
  la a1, page1
  ld a0, 8(a1)
  CHECK a0, 0x4444
  li a1, NONCANON1
  EXPECT_TRAP_TVAL 5, CAUSE_LOAD_PAGE_FAULT, NONCANON1, ld a0, 0(a1)
  EXPECT_TRAP_TVAL 6, CAUSE_STORE_PAGE_FAULT, NONCANON1, sd a0, 0(a1)
  li a1, NONCANON2
  EXPECT_TRAP_TVAL 7, CAUSE_LOAD_PAGE_FAULT, NONCANON2, ld a0, 0(a1)
  TCASE 8
  li a1, NONCANON1
  la tp, 1f
  jalr a1
  j fail
1:
  CHECK t4, CAUSE_FETCH_PAGE_FAULT
  CHECK t5, NONCANON1
  li a1, VA_BADGIGA
  EXPECT_TRAP_TVAL 9, CAUSE_LOAD_PAGE_FAULT, VA_BADGIGA, ld a0, 0(a1)
  li a1, VA_HIGH + 0x1000                        /* canonical, unmapped */
  EXPECT_TRAP 10, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(a1)
  /* A then D set in memory */
  TCASE 11
  la t0, pte_ad
  ld s0, 0(t0)
  li a1, VA_AD
  ld a0, 0(a1)
  CHECK a0, 0x3333333333333333
  ld a0, 0(s0)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A
  sw a0, 4(a1)
  ld a0, 0(s0)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A | PTE_D
  /* non-canonical in Sv39 but fine in Sv48 (bit 38 set, 63:39 clear): the
   * identity 512 GiB page maps it to a physical hole -> access fault */
  TCASE 12
  li a1, 0x4000000000
  la tp, 2f
  ld a0, 0(a1)
  j fail
2:
  CHECK t4, CAUSE_LOAD_ACCESS
  BACK_TO_M
  csrw satp, zero
  TEST_PASS

  .data
  .balign 8
pte_ad: .dword 0
  .balign 4096
page1: .dword 0x1111111111111111
  .balign 4096
page2: .dword 0x2222222222222222
  .balign 4096
page3: .dword 0x3333333333333333
  .balign 4096
