/* Sv39 paging done by the hart: translations through 4 KiB, 2 MiB and
 * 1 GiB pages; page faults (fetch 12, load 13, store 15) with the faulting
 * address in xtval, to M or delegated to S; permission checks (R/W/X, U
 * with SUM, MXR); malformed PTEs; A/D bits set by the hardware (checked in
 * the PTE in memory); SFENCE.VMA after remapping; U-mode code; MPRV. */
#include "test.h"
#include "vm.h"

  PT_CODE

#define VA_DATA  0x40000000                      /* 4K RW -> page1 */
#define VA_RO    0x40001000                      /* 4K R  -> page2 */
#define VA_NONE  0x40002000                      /* not mapped */
#define VA_AD    0x40003000                      /* 4K RW, A = D = 0 -> page3 */
#define VA_XONLY 0x40004000                      /* 4K X only -> xpage */
#define VA_UPAGE 0x40005000                      /* 4K U RW -> page1 */
#define VA_WNR   0x40006000                      /* W without R: reserved */
#define VA_LEAF0 0x40007000                      /* level-0 pointer PTE */
#define VA_XAD   0x40008000                      /* 4K X, A = 0 -> xpage */
#define VA_MEGA  0x40200000                      /* 2M RW -> 0x80000000 */
#define VA_BADMEGA 0x40400000                    /* 2M with PPN[0] != 0 */
#define VA_UCODE 0x40600000                      /* 2M U RWX -> 0x80000000 */
#define VA_NONCANON 0x0000004000000000           /* bit 38 set, 63:39 clear */

#define PAGE_RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

/* From M-mode: enter U-mode at the VA_UCODE alias of label. */
.macro GOTO_U_ALIAS label
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  la t0, \label
  li t1, 0x80000000 - VA_UCODE
  sub t0, t0, t1
  csrw mepc, t0
  mret
.endm

TEST_BEGIN
  li a5, 3
  MAP 0x80000000, 0x80000000, PTE_RWX, 2         /* identity gigapage: code, data, tables */
  MAP_LA VA_DATA, page1, PAGE_RW, 0
  MAP_LA VA_RO, page2, PTE_V | PTE_R | PTE_A, 0
  MAP_LA VA_AD, page3, PTE_V | PTE_R | PTE_W, 0
  la t0, pte_ad
  sd a0, 0(t0)
  MAP_LA VA_XONLY, xpage, PTE_V | PTE_X | PTE_A, 0
  MAP_LA VA_UPAGE, page1, PAGE_RW | PTE_U, 0
  MAP_LA VA_WNR, page1, PTE_V | PTE_W | PTE_A | PTE_D, 0
  MAP_LA VA_LEAF0, page1, PTE_V, 0
  MAP_LA VA_XAD, xpage, PTE_V | PTE_X, 0
  la t0, pte_xad
  sd a0, 0(t0)
  MAP VA_MEGA, 0x80000000, PAGE_RW, 1
  MAP VA_BADMEGA, 0x80001000, PAGE_RW, 1         /* PPN[0] = 1: misaligned */
  MAP VA_UCODE, 0x80000000, PTE_RWX | PTE_U, 1
  SATP_ON SATP_SV39
  GOTO_MODE PRV_S, smode

smode:
  /* plain translations */
  TEST_CASE(1, a0, 0x1111111111111111, li a1, VA_DATA; ld a0, 0(a1))
  TCASE 2
  li a1, VA_DATA
  li a2, 0x5555
  sd a2, 8(a1)
  la a1, page1
  ld a0, 8(a1)
  CHECK a0, 0x5555
  TCASE 3                                        /* through the megapage */
  la a1, page2
  li t0, 0x80000000 - VA_MEGA
  sub a1, a1, t0
  ld a0, 0(a1)
  CHECK a0, 0x2222222222222222
  TEST_CASE(4, a0, 0x2222222222222222, li a1, VA_RO; ld a0, 0(a1))

  /* faults, taken in M (not delegated) */
  li a1, VA_NONE
  EXPECT_TRAP_TVAL 5, CAUSE_LOAD_PAGE_FAULT, VA_NONE, ld a0, 0(a1)
  EXPECT_TRAP_TVAL 6, CAUSE_STORE_PAGE_FAULT, VA_NONE + 16, sd a0, 16(a1)
  EXPECT_TRAP_TVAL 7, CAUSE_STORE_PAGE_FAULT, VA_NONE, sb a0, 0(a1)
  li a1, VA_RO
  EXPECT_TRAP_TVAL 8, CAUSE_STORE_PAGE_FAULT, VA_RO + 8, sd a0, 8(a1)
  TCASE 9                                        /* fetch from an unmapped page */
  li a1, VA_NONE
  la tp, 1f
  jalr a1
  j fail
1:
  CHECK t4, CAUSE_FETCH_PAGE_FAULT
  CHECK t5, VA_NONE
  CHECK t6, VA_NONE
  TCASE 10                                       /* fetch from a non-X page */
  li a1, VA_DATA
  la tp, 2f
  jalr a1
  j fail
2:
  CHECK t4, CAUSE_FETCH_PAGE_FAULT
  CHECK t5, VA_DATA

  /* execute-only page: runs, cannot be read unless MXR */
  TEST_CASE(11, a0, 42, li a0, 0; li a1, VA_XONLY; jalr a1)
  li a1, VA_XONLY
  EXPECT_TRAP_TVAL 12, CAUSE_LOAD_PAGE_FAULT, VA_XONLY, lw a0, 0(a1)
  TCASE 13
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  lw a0, 0(a1)
  li t0, MSTATUS_MXR
  csrc sstatus, t0
  la a2, xpage
  lw a2, 0(a2)
  CHECKR a0, a2

  /* U pages from S: need SUM for data, never executable */
  li a1, VA_UPAGE
  EXPECT_TRAP_TVAL 14, CAUSE_LOAD_PAGE_FAULT, VA_UPAGE, ld a0, 0(a1)
  TCASE 15
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  ld a0, 0(a1)
  CHECK a0, 0x1111111111111111
  la tp, 3f
  li a1, VA_UCODE + 0x100
  jalr a1                                        /* S fetch from a U page */
  j fail
3:
  CHECK t4, CAUSE_FETCH_PAGE_FAULT
  li t0, MSTATUS_SUM
  csrc sstatus, t0

  /* malformed PTEs and addresses */
  li a1, VA_BADMEGA
  EXPECT_TRAP_TVAL 16, CAUSE_LOAD_PAGE_FAULT, VA_BADMEGA, ld a0, 0(a1)
  li a1, VA_WNR
  EXPECT_TRAP_TVAL 17, CAUSE_LOAD_PAGE_FAULT, VA_WNR, ld a0, 0(a1)
  EXPECT_TRAP_TVAL 18, CAUSE_STORE_PAGE_FAULT, VA_WNR, sd a0, 0(a1)
  li a1, VA_LEAF0
  EXPECT_TRAP_TVAL 19, CAUSE_LOAD_PAGE_FAULT, VA_LEAF0, ld a0, 0(a1)
  li a1, VA_NONCANON
  EXPECT_TRAP_TVAL 20, CAUSE_LOAD_PAGE_FAULT, VA_NONCANON, ld a0, 0(a1)
  li a1, 0xffffffff80000000 + 0x1000             /* canonical, not mapped */
  EXPECT_TRAP 21, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(a1)

  /* A and D are set by the hardware in the PTE in memory */
  TCASE 22
  la t0, pte_ad
  ld s0, 0(t0)
  ld a0, 0(s0)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, 0
  li a1, VA_AD
  ld a0, 0(a1)
  CHECK a0, 0x3333333333333333
  ld a0, 0(s0)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A                                /* a load sets A only */
  TCASE 23
  sd a0, 8(a1)
  ld a0, 0(s0)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A | PTE_D
  TCASE 24                                       /* a fetch sets A */
  la t0, pte_xad
  ld s0, 0(t0)
  li a1, VA_XAD
  jalr a1
  CHECK a0, 42
  ld a0, 0(s0)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A

  /* remap a page and SFENCE.VMA: the new translation is used */
  TCASE 25
  li a1, VA_DATA
  ld a0, 0(a1)                                   /* cached translation */
  li a5, 3
  MAP_LA VA_DATA, page2, PAGE_RW, 0
  li a1, VA_DATA
  sfence.vma a1, zero
  ld a0, 0(a1)
  CHECK a0, 0x2222222222222222
  TCASE 26                                       /* unmap: faults after sfence */
  li a5, 3
  MAP_LA VA_DATA, page2, 0, 0
  sfence.vma
  li a1, VA_DATA
  EXPECT_TRAP 26, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(a1)
  li a5, 3
  MAP_LA VA_DATA, page1, PAGE_RW, 0
  sfence.vma
  BACK_TO_M

  /* page faults delegated to S: scause/stval, mcause untouched */
  li t0, (1 << CAUSE_FETCH_PAGE_FAULT) | (1 << CAUSE_LOAD_PAGE_FAULT) | (1 << CAUSE_STORE_PAGE_FAULT)
  csrw medeleg, t0
  li t0, 0x77
  csrw mcause, t0
  GOTO_MODE PRV_S, 4f
4:
  li a1, VA_NONE
  EXPECT_TRAP_TVAL 27, CAUSE_LOAD_PAGE_FAULT, VA_NONE + 4, lw a0, 4(a1)
  li a1, VA_RO
  EXPECT_TRAP_TVAL 28, CAUSE_STORE_PAGE_FAULT, VA_RO, sw a0, 0(a1)
  BACK_TO_M ebreak
  TCASE 29
  csrr a0, mcause
  CHECK a0, CAUSE_BREAKPOINT                     /* only the ebreak reached M */
  csrw medeleg, zero

  /* U-mode code (through its U alias): own pages yes, S pages no */
  GOTO_U_ALIAS umode
umode:
  TEST_CASE(30, a0, 0x1111111111111111, li a1, VA_UPAGE; ld a0, 0(a1))
  li a1, VA_DATA
  EXPECT_TRAP_TVAL 31, CAUSE_LOAD_PAGE_FAULT, VA_DATA, ld a0, 0(a1)
  EXPECT_TRAP_TVAL 32, CAUSE_STORE_PAGE_FAULT, VA_DATA, sd a0, 0(a1)
  TCASE 33
  la tp, 5f
  li a1, 0x80000000 + 0x100                      /* S-only code page */
  jalr a1
  j fail
5:
  CHECK t4, CAUSE_FETCH_PAGE_FAULT
  BACK_TO_M

  /* MPRV in M-mode: loads/stores use MPP's translation, fetches do not */
  TCASE 34
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV | MSTATUS_MPP_S
  csrs mstatus, t0
  li a1, VA_DATA
  ld a0, 0(a1)
  CHECK a0, 0x1111111111111111
  li a1, VA_UPAGE                                /* S view: U page, SUM = 0 */
  EXPECT_TRAP_TVAL 35, CAUSE_LOAD_PAGE_FAULT, VA_UPAGE, ld a0, 0(a1)
  TCASE 36                                       /* its MRET left MPP = U */
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK a0, PRV_U
  li t0, MSTATUS_MPP                             /* MPP = M: no translation */
  csrs mstatus, t0
  li a1, VA_DATA
  EXPECT_TRAP 37, CAUSE_LOAD_ACCESS, ld a0, 0(a1)
  TCASE 38                                       /* MPP = U: U pages only */
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li a1, VA_UPAGE
  ld a0, 0(a1)
  CHECK a0, 0x1111111111111111
  li a1, VA_DATA
  EXPECT_TRAP_TVAL 39, CAUSE_LOAD_PAGE_FAULT, VA_DATA, ld a0, 0(a1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  csrw satp, zero
  TEST_PASS

  .data
  .balign 8
pte_ad:  .dword 0
pte_xad: .dword 0
  .balign 4096
page1: .dword 0x1111111111111111
  .balign 4096
page2: .dword 0x2222222222222222
  .balign 4096
page3: .dword 0x3333333333333333
  .balign 4096
xpage:
  li a0, 42
  ret
  .balign 4096
