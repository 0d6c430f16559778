/* Faulting LR/SC/AMOs. LR reports load exceptions; SC and AMOs report
 * store/AMO exceptions: misaligned (6, or access fault 7; no Zam), access
 * fault (7), page fault (15). QEMU 7.2 reports AMO faults as load faults
 * and fails at case 2. */
#include "test.h"
#include "vm.h"

  PT_CODE

#define HOLE 0x70000000
#define VA_NONE 0x40002000

/* Case n: insn must trap with cause a or cause b. */
.macro TRAP_EITHER n, a, b, insn:vararg
  TCASE \n
  la tp, .Ldone\@
  \insn
  j fail
.Ldone\@:
  li t0, \a
  beq t4, t0, .Lok\@
  li t0, \b
  beq t4, t0, .Lok\@
  j fail
.Lok\@:
.endm

TEST_BEGIN
  la a1, amo_mem + 4
  TRAP_EITHER 1, CAUSE_MISALIGNED_LOAD, CAUSE_LOAD_ACCESS, lr.d a0, (a1)
  TRAP_EITHER 2, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, sc.d a0, a2, (a1)
  la a1, amo_mem + 2
  TRAP_EITHER 3, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, amoadd.w a0, a2, (a1)
  TRAP_EITHER 4, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS, amoswap.d a0, a2, (a1)
  li a1, HOLE
  EXPECT_TRAP_TVAL 5, CAUSE_STORE_ACCESS, HOLE, amoadd.d a0, a0, (a1)
  EXPECT_TRAP_TVAL 6, CAUSE_STORE_ACCESS, HOLE, amoor.w a0, a0, (a1)
  /* page faults under Sv39 */
  li a5, 3
  MAP 0x80000000, 0x80000000, PTE_RWX, 2
  MAP_LA 0x40001000, amo_mem, PTE_V | PTE_R | PTE_A, 0     /* read-only */
  SATP_ON SATP_SV39
  GOTO_MODE PRV_S, 1f
1:
  li a1, VA_NONE
  EXPECT_TRAP_TVAL 7, CAUSE_STORE_PAGE_FAULT, VA_NONE, amoadd.d a0, a0, (a1)
  EXPECT_TRAP_TVAL 8, CAUSE_LOAD_PAGE_FAULT, VA_NONE, lr.w a0, (a1)
  li a1, 0x40001000
  EXPECT_TRAP_TVAL 9, CAUSE_STORE_PAGE_FAULT, 0x40001000, amoswap.w a0, a0, (a1)
  BACK_TO_M
  csrw satp, zero
  TEST_PASS

  .data
  .balign 4096
amo_mem: .skip 4096
