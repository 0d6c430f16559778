/* Svadu/Svade: menvcfg.ADUE is writable; with ADUE=1 the hardware sets A
 * on any access and D on a store, in the PTE in memory; with ADUE=0 an
 * access that would need either takes a page fault of its own type and
 * leaves the PTE as it was (Svade). */
#include "test.h"
#include "vm.h"

  PT_CODE

#define ADUE (1 << 61)
#define VA_A   0x40000000                        /* R W X, A = D = 0 */
#define VA_D   0x40001000                        /* R W, A = 1, D = 0 */
#define VA_A2  0x40002000                        /* R W X, A = D = 0 */
#define VA_D2  0x40003000                        /* R W, A = 1, D = 0 */
#define VA_AD  0x40004000                        /* R W, A = D = 1 */

/* a0 = the A/D bits of the PTE whose address is at label. */
.macro AD_OF label
  ld t0, \label
  ld a0, 0(t0)
  andi a0, a0, PTE_A | PTE_D
.endm

.macro MAP_KEEP va, label, flags, slot
  MAP_LA \va, \label, \flags, 0
  la t0, \slot
  sd a0, 0(t0)
.endm

TEST_BEGIN
  TCASE 1
  li t0, ADUE
  csrc CSR_MENVCFG, t0
  csrr a0, CSR_MENVCFG
  srli a0, a0, 61
  andi a0, a0, 1
  CHECK a0, 0
  csrs CSR_MENVCFG, t0
  csrr a0, CSR_MENVCFG
  srli a0, a0, 61
  andi a0, a0, 1
  CHECK a0, 1
  li a5, 3
  MAP 0x80000000, 0x80000000, PTE_RWX, 2
  MAP_KEEP VA_A, page, PTE_V | PTE_R | PTE_W | PTE_X, pte_a
  MAP_KEEP VA_D, page, PTE_V | PTE_R | PTE_W | PTE_A, pte_d
  MAP_KEEP VA_A2, page, PTE_V | PTE_R | PTE_W | PTE_X, pte_a2
  MAP_KEEP VA_D2, page, PTE_V | PTE_R | PTE_W | PTE_A, pte_d2
  MAP_KEEP VA_AD, page, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, pte_ad
  SATP_ON SATP_SV39
  GOTO_MODE PRV_S, 1f
1:
  TEST_CASE(2, a0, 0x77, li s1, VA_A; ld a0, 0(s1))
  li s1, VA_D
  li t0, 0x88
  sd t0, 8(s1)
  BACK_TO_M
  TCASE 3
  AD_OF pte_a
  CHECK a0, PTE_A
  AD_OF pte_d
  CHECK a0, PTE_A | PTE_D
  /* Svade */
  li t0, ADUE
  csrc CSR_MENVCFG, t0
  sfence.vma
  GOTO_MODE PRV_S, 1f
1:
  li s1, VA_A2
  EXPECT_TRAP 4, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(s1)
  CHECKR t5, s1
  EXPECT_TRAP 5, CAUSE_STORE_PAGE_FAULT, sd zero, 0(s1)
  li s2, VA_D2
  TEST_CASE(6, a0, 0x77, ld a0, 0(s2))           /* A is set: loads are fine */
  EXPECT_TRAP 7, CAUSE_STORE_PAGE_FAULT, sd zero, 0(s2)
  CHECKR t5, s2
  TCASE 8                                        /* a fetch needing A */
  la tp, 2f
  jalr s1
  j fail
2:
  CHECK t4, CAUSE_FETCH_PAGE_FAULT
  CHECKR t5, s1
  li s3, VA_AD                                   /* nothing to set: fine */
  TEST_CASE(9, a0, 0x77, sd zero, 16(s3); ld a0, 0(s3))
  BACK_TO_M
  TCASE 10                                       /* the PTEs are untouched */
  AD_OF pte_a2
  CHECK a0, 0
  AD_OF pte_d2
  CHECK a0, PTE_A
  TEST_PASS

  .data
  .balign 8
pte_a: .dword 0
pte_d: .dword 0
pte_a2: .dword 0
pte_d2: .dword 0
pte_ad: .dword 0
  .balign 4096
page: .dword 0x77
  .balign 4096
