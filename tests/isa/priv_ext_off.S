/* Negative controls for the privileged extensions' switches: with them off
 * the CBO and Svinval instructions are illegal (in M-mode too, mtval = the
 * bits), and so are seed and mseccfg (Zkr) and the trigger CSRs (Sdtrig);
 * mhpmcounter/mhpmevent are read-only zero (Zihpm); scountovf is illegal
 * and LCOFI cannot be delegated or enabled (Sscofpmf);
 * menvcfg/senvcfg keep only FIOM
 * and STCE, and PTEs follow the base rules: A clear faults (Svade), PBMT
 * and N are reserved bits. */
/* vm -cpu rv64,zicbom=off,zicboz=off,svinval=off,svpbmt=off,svadu=off,svnapot=off,zkr=off,sdtrig=off,zihpm=off,sscofpmf=off */
#include "test.h"
#include "vm.h"

  PT_CODE

#define FIOM 1
#define STCE (1 << 63)
#define PAGE_R (PTE_V | PTE_R | PTE_A | PTE_D)

.macro ILL32 n, bits
  EXPECT_TRAP_TVAL \n, CAUSE_ILLEGAL, \bits, .4byte \bits
.endm

TEST_BEGIN
  ILL32 1, 0x0045200f                            /* cbo.zero (a0) */
  ILL32 2, 0x0015200f                            /* cbo.clean (a0) */
  ILL32 3, 0x0025200f                            /* cbo.flush (a0) */
  ILL32 4, 0x0005200f                            /* cbo.inval (a0) */
  ILL32 5, 0x16050073                            /* sinval.vma a0 */
  ILL32 6, 0x18000073                            /* sfence.w.inval */
  ILL32 7, 0x18100073                            /* sfence.inval.ir */
  TCASE 8
  li t0, -1
  csrw CSR_MENVCFG, t0
  csrr a0, CSR_MENVCFG
  CHECK a0, FIOM | STCE
  csrw CSR_SENVCFG, t0
  csrr a0, CSR_SENVCFG
  CHECK a0, FIOM
  csrw CSR_MENVCFG, zero
  EXPECT_TRAP_TVAL 13, CAUSE_ILLEGAL, CSR_INSN(0x015, 0, 1, 10), csrrw a0, 0x015, zero
  EXPECT_TRAP_TVAL 14, CAUSE_ILLEGAL, CSR_INSN(0x747, 0, 2, 10), csrr a0, 0x747
  EXPECT_TRAP_TVAL 15, CAUSE_ILLEGAL, CSR_INSN(0x7a0, 0, 2, 10), csrr a0, 0x7a0
  EXPECT_TRAP_TVAL 16, CAUSE_ILLEGAL, CSR_INSN(0x7a1, 11, 1, 0), csrw 0x7a1, a1
  EXPECT_TRAP_TVAL 17, CAUSE_ILLEGAL, CSR_INSN(0x7a4, 0, 2, 10), csrr a0, 0x7a4
  TCASE 18
  li t0, 2
  csrw mhpmevent3, t0
  csrr a0, mhpmevent3
  CHECK a0, 0
  li t0, 1234
  csrw mhpmcounter3, t0
  csrr a0, mhpmcounter3
  CHECK a0, 0
  EXPECT_TRAP_TVAL 19, CAUSE_ILLEGAL, CSR_INSN(0xda0, 0, 2, 10), csrr a0, 0xda0
  TCASE 20
  li t0, 1 << 13
  csrw mideleg, t0
  csrr a0, mideleg
  CHECK a0, 0
  csrw mie, t0
  csrr a0, mie
  CHECK a0, 0

  li a5, 3
  MAP 0x80000000, 0x80000000, PTE_RWX, 2
  MAP_LA 0x40000000, page, PTE_V | PTE_R, 0      /* A clear */
  MAP_LA 0x40001000, page, PAGE_R, 0
  ld t0, 0(a0)
  li t1, 1 << 61                                 /* PBMT = NC */
  or t0, t0, t1
  sd t0, 0(a0)
  MAP_LA 0x40010000, big, PAGE_R | (1 << 63), 0  /* N on a 64 KiB leaf */
  ld t0, 0(a0)
  li t1, 8 << 10                                 /* PPN[3:0] = 1000 */
  or t0, t0, t1
  sd t0, 0(a0)
  MAP_LA 0x40002000, page, PAGE_R, 0
  SATP_ON SATP_SV39
  GOTO_MODE PRV_S, 1f
1:
  li s1, 0x40000000
  EXPECT_TRAP 9, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(s1)
  li s1, 0x40001000
  EXPECT_TRAP 10, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(s1)
  li s1, 0x40010000
  EXPECT_TRAP 11, CAUSE_LOAD_PAGE_FAULT, ld a0, 0(s1)
  TEST_CASE(12, a0, 0x99, li s1, 0x40002000; ld a0, 0(s1)) /* the control */
  BACK_TO_M
  TEST_PASS

  .data
  .balign 4096
page: .dword 0x99
  .balign 65536
big: .dword 0x99
  .balign 4096
