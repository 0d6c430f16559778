/* Svinval: SINVAL.VMA invalidates like SFENCE.VMA (by address and by
 * ASID: a changed PTE is seen after the SFENCE.W.INVAL, SINVAL.VMA,
 * SFENCE.INVAL.IR sequence), is illegal in U-mode and in S-mode with
 * mstatus.TVM; SFENCE.W.INVAL and SFENCE.INVAL.IR are illegal in U-mode
 * only. */
#include "test.h"
#include "vm.h"

  .option arch, +svinval
  PT_CODE

#define VA 0x40000000
#define PAGE_RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

/* Point the PTE at pte_va to label's page. */
.macro REPOINT label
  ld t0, pte_va
  la t1, \label
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, PAGE_RW
  sd t1, 0(t0)
.endm

TEST_BEGIN
  li a5, 3
  MAP 0x80000000, 0x80000000, PTE_RWX, 2
  MAP_LA VA, page1, PAGE_RW, 0
  la t0, pte_va
  sd a0, 0(t0)
  /* ASID 5 */
  la t0, pt_root
  srli t0, t0, 12
  li t1, SATP_SV39 | (5 << 44)
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  GOTO_MODE PRV_S, smode
smode:
  li s1, VA
  TEST_CASE(1, a0, 0x1111, ld a0, 0(s1))
  REPOINT page2
  TCASE 2                                        /* by address */
  sfence.w.inval
  sinval.vma s1, zero
  sfence.inval.ir
  ld a0, 0(s1)
  CHECK a0, 0x2222
  REPOINT page1
  TCASE 3                                        /* by ASID */
  li s2, 5
  sfence.w.inval
  sinval.vma zero, s2
  sfence.inval.ir
  ld a0, 0(s1)
  CHECK a0, 0x1111
  REPOINT page2
  TCASE 4                                        /* everything */
  sinval.vma zero, zero
  ld a0, 0(s1)
  CHECK a0, 0x2222
  BACK_TO_M

  /* TVM: only SINVAL.VMA traps */
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  GOTO_MODE PRV_S, 1f
1:
  EXPECT_TRAP_TVAL 5, CAUSE_ILLEGAL, 0x16048073, sinval.vma s1, zero
  EXPECT_NO_TRAP 6, sfence.w.inval
  EXPECT_NO_TRAP 7, sfence.inval.ir
  BACK_TO_M
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  csrw satp, zero
  sfence.vma

  /* U-mode: all three illegal */
  GOTO_MODE PRV_U, 1f
1:
  EXPECT_TRAP_TVAL 8, CAUSE_ILLEGAL, 0x16000073, sinval.vma zero, zero
  EXPECT_TRAP_TVAL 9, CAUSE_ILLEGAL, 0x18000073, sfence.w.inval
  EXPECT_TRAP_TVAL 10, CAUSE_ILLEGAL, 0x18100073, sfence.inval.ir
  BACK_TO_M
  TEST_PASS

  .data
  .balign 8
pte_va: .dword 0
  .balign 4096
page1: .dword 0x1111
  .balign 4096
page2: .dword 0x2222
  .balign 4096
