/* Zicboz and Zicbom: cbo.zero zeroes exactly the 64-byte block holding
 * rs1; the menvcfg/senvcfg enables (CBZE, CBCFE, CBIE with its reserved
 * value) make them illegal below M; M-mode always may; faults are store
 * faults with xtval = rs1 (page faults from translation, access faults
 * from the PMP and from memory without RAM); cbo.clean/flush/inval need
 * load permission and set A but not D; cbo.zero sets A and D. */
#include "test.h"
#include "vm.h"

  .option arch, +zicboz, +zicbom
  PT_CODE

#define CBIE_FLUSH (1 << 4)
#define CBIE_INVAL (3 << 4)
#define CBCFE (1 << 6)
#define CBZE (1 << 7)
#define ENV_CBO (CBIE_INVAL | CBCFE | CBZE)
#define ADUE (1 << 61)                           /* hardware A/D updates (Svadu) */

#define VA_RO   0x40000000                       /* R, A, D */
#define VA_NONE 0x40001000                       /* not mapped */
#define VA_X    0x40002000                       /* X only */
#define VA_A0   0x40003000                       /* R W, A = D = 0 */
#define VA_A0W  0x40004000                       /* R W, A = D = 0 */

/* Case n: insn must trap with cause and xtval = reg. */
.macro EXPECT_TRAP_AT n, cause, reg, insn:vararg
  EXPECT_TRAP \n, \cause, \insn
  CHECKR t5, \reg
.endm

/* Fail unless the 8-byte words at label+off, for n words, all equal v. */
.macro CHECK_WORDS label, off, n, v
  la t0, \label + \off
  li t1, \n
1:
  ld a0, 0(t0)
  CHECK a0, \v
  addi t0, t0, 8
  addi t1, t1, -1
  bnez t1, 1b
.endm

TEST_BEGIN
  /* ---- cbo.zero in M-mode: only the block of rs1 ---- */
  TCASE 1
  la a1, blocks + 64 + 13
  cbo.zero 0(a1)
  CHECK_WORDS blocks, 0, 8, -1
  CHECK_WORDS blocks, 64, 8, 0
  CHECK_WORDS blocks, 128, 8, -1
  /* M-mode ignores the enables */
  csrw CSR_MENVCFG, zero
  TCASE 2
  la a1, blocks + 128
  cbo.zero 0(a1)
  CHECK_WORDS blocks, 128, 8, 0
  cbo.clean 0(a1)
  cbo.flush 0(a1)
  cbo.inval 0(a1)

  /* ---- the enables ---- */
  TCASE 3                                        /* CBIE = 10 is reserved: kept */
  li t0, CBIE_FLUSH
  csrw CSR_MENVCFG, t0
  li t0, 2 << 4
  csrw CSR_MENVCFG, t0
  csrr a0, CSR_MENVCFG
  CHECK a0, CBIE_FLUSH
  li t0, ENV_CBO
  csrw CSR_SENVCFG, t0
  csrr a0, CSR_SENVCFG
  CHECK a0, ENV_CBO
  csrw CSR_MENVCFG, zero
  csrw CSR_SENVCFG, zero
  la a1, blocks
  GOTO_MODE PRV_S, 1f
1:
  EXPECT_TRAP_TVAL 4, CAUSE_ILLEGAL, 0x0045a00f, cbo.zero 0(a1)
  EXPECT_TRAP_TVAL 5, CAUSE_ILLEGAL, 0x0015a00f, cbo.clean 0(a1)
  EXPECT_TRAP_TVAL 6, CAUSE_ILLEGAL, 0x0025a00f, cbo.flush 0(a1)
  EXPECT_TRAP_TVAL 7, CAUSE_ILLEGAL, 0x0005a00f, cbo.inval 0(a1)
  BACK_TO_M
  li t0, CBZE
  csrw CSR_MENVCFG, t0
  GOTO_MODE PRV_S, 1f
1:
  EXPECT_NO_TRAP 8, cbo.zero 0(a1)
  EXPECT_TRAP 9, CAUSE_ILLEGAL, cbo.clean 0(a1)
  EXPECT_TRAP 10, CAUSE_ILLEGAL, cbo.inval 0(a1)
  BACK_TO_M
  li t0, CBCFE | CBIE_FLUSH
  csrw CSR_MENVCFG, t0
  GOTO_MODE PRV_S, 1f
1:
  EXPECT_TRAP 11, CAUSE_ILLEGAL, cbo.zero 0(a1)
  EXPECT_NO_TRAP 12, cbo.clean 0(a1); cbo.flush 0(a1); cbo.inval 0(a1)
  BACK_TO_M
  /* U: senvcfg too */
  li t0, ENV_CBO
  csrw CSR_MENVCFG, t0
  GOTO_MODE PRV_U, 1f
1:
  EXPECT_TRAP 13, CAUSE_ILLEGAL, cbo.zero 0(a1)
  EXPECT_TRAP 14, CAUSE_ILLEGAL, cbo.flush 0(a1)
  EXPECT_TRAP 15, CAUSE_ILLEGAL, cbo.inval 0(a1)
  BACK_TO_M
  li t0, CBZE | CBCFE | CBIE_FLUSH
  csrw CSR_SENVCFG, t0
  GOTO_MODE PRV_U, 1f
1:
  EXPECT_NO_TRAP 16, cbo.zero 0(a1); cbo.clean 0(a1); cbo.inval 0(a1)
  BACK_TO_M
  li t0, ENV_CBO
  csrw CSR_MENVCFG, zero                         /* menvcfg gates U as well */
  GOTO_MODE PRV_U, 1f
1:
  EXPECT_TRAP 17, CAUSE_ILLEGAL, cbo.zero 0(a1)
  BACK_TO_M
  li t0, ENV_CBO
  csrw CSR_SENVCFG, t0
  li t0, ENV_CBO | ADUE
  csrw CSR_MENVCFG, t0

  /* ---- faults: paging ---- */
  li a5, 3
  MAP 0x80000000, 0x80000000, PTE_RWX, 2
  MAP_LA VA_RO, page_ro, PTE_V | PTE_R | PTE_A | PTE_D, 0
  MAP_LA VA_X, page_ro, PTE_V | PTE_X | PTE_A, 0
  MAP_LA VA_A0, page_a0, PTE_V | PTE_R | PTE_W, 0
  la t0, pte_a0
  sd a0, 0(t0)
  MAP_LA VA_A0W, page_a0w, PTE_V | PTE_R | PTE_W, 0
  la t0, pte_a0w
  sd a0, 0(t0)
  SATP_ON SATP_SV39
  GOTO_MODE PRV_S, 1f
1:
  li s1, VA_RO + 0x11
  EXPECT_TRAP_AT 18, CAUSE_STORE_PAGE_FAULT, s1, cbo.zero 0(s1)
  EXPECT_NO_TRAP 19, cbo.clean 0(s1); cbo.flush 0(s1); cbo.inval 0(s1)
  li s2, VA_NONE + 5
  EXPECT_TRAP_AT 20, CAUSE_STORE_PAGE_FAULT, s2, cbo.clean 0(s2)
  EXPECT_TRAP_AT 21, CAUSE_STORE_PAGE_FAULT, s2, cbo.zero 0(s2)
  li s3, VA_X + 0x40
  EXPECT_TRAP_AT 22, CAUSE_STORE_PAGE_FAULT, s3, cbo.flush 0(s3) /* no load permission */
  li s4, VA_A0 + 0x80
  EXPECT_NO_TRAP 23, cbo.clean 0(s4)
  li s5, VA_A0W + 0x7f
  EXPECT_NO_TRAP 24, cbo.zero 0(s5)
  BACK_TO_M
  TCASE 25                                       /* clean set A, not D */
  ld t0, pte_a0
  ld a0, 0(t0)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A
  TCASE 26                                       /* zero set A and D */
  ld t0, pte_a0w
  ld a0, 0(t0)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A | PTE_D
  CHECK_WORDS page_a0w, 0x40, 8, 0
  CHECK_WORDS page_a0w, 0x80, 1, 0x5555555555555555
  csrw satp, zero
  sfence.vma

  /* ---- faults: PMP and memory without RAM ---- */
  la t0, page_ro
  srli t0, t0, 2
  ori t0, t0, 0x1ff
  csrw pmpaddr0, t0                              /* NAPOT page_ro: R */
  la t0, page_a0
  srli t0, t0, 2
  ori t0, t0, 0x1ff
  csrw pmpaddr1, t0                              /* NAPOT page_a0: nothing */
  li t0, -1
  csrw pmpaddr2, t0                              /* everything: RWX */
  li t0, (0x1f << 16) | (0x18 << 8) | 0x19
  csrw pmpcfg0, t0
  sfence.vma
  GOTO_MODE PRV_S, 1f
1:
  la s1, page_ro + 0x48
  EXPECT_TRAP_AT 27, CAUSE_STORE_ACCESS, s1, cbo.zero 0(s1)
  EXPECT_NO_TRAP 28, cbo.clean 0(s1)
  la s2, page_a0 + 3
  EXPECT_TRAP_AT 29, CAUSE_STORE_ACCESS, s2, cbo.inval 0(s2)
  li s3, 0x70000010                              /* nothing there */
  EXPECT_TRAP_AT 30, CAUSE_STORE_ACCESS, s3, cbo.zero 0(s3)
  BACK_TO_M
  TEST_PASS

  .data
  .balign 8
pte_a0: .dword 0
pte_a0w: .dword 0
  .balign 64
blocks:
  .rept 24
  .dword -1
  .endr
  .balign 4096
page_ro:
  .rept 512
  .dword 0x1111111111111111
  .endr
page_a0:
  .rept 512
  .dword 0x3333333333333333
  .endr
page_a0w:
  .rept 512
  .dword 0x5555555555555555
  .endr
