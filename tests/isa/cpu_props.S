/* QEMU's -cpu properties that riscv,isa does not name, as the hart sees
 * them: pmp=off leaves no PMP entry (pmpcfg/pmpaddr read-only zero, and
 * S-mode reaches memory no entry covers); pmu-num=2 leaves
 * mhpmcounter3-4 (the others, their mhpmevent and mcountinhibit bits are
 * read-only zero); cboz_blocksize=256 makes cbo.zero zero 256 aligned
 * bytes; cbom_blocksize=128 makes cbo.clean act on 128 bytes (a store
 * trigger on the block's first word sees it). The defaults are checked by
 * pmp.S, zihpm.S, zicbo.S and sdtrig.S. */
/* vm -cpu rv64,pmp=off,pmu-num=2,cboz_blocksize=256,cbom_blocksize=128 */
#include "test.h"

  .option arch, +zicboz, +zicbom

#define TYPE6 (6 << 60)
#define STORE 2
#define TM (1 << 6)

TEST_BEGIN
  /* ---- pmp=off ---- */
  TCASE 1
  li t0, -1
  csrw pmpaddr0, t0
  csrr a0, pmpaddr0
  CHECK a0, 0
  li t0, 0x1f1f1f1f1f1f1f1f
  csrw pmpcfg0, t0
  csrr a0, pmpcfg0
  CHECK a0, 0
  csrw pmpaddr15, t0
  csrr a0, pmpaddr15
  CHECK a0, 0
  /* S-mode loads and stores where no entry matches: with 16 entries they
   * would fault (pmp.S); with none they are allowed. */
  TCASE 2
  csrw pmpcfg0, zero                             /* no entry would match now */
  la s1, word
  GOTO_MODE PRV_S, s_mode
s_mode:
  li t0, 0x5a5a
  sd t0, 0(s1)
  ld a0, 0(s1)
  CHECK a0, 0x5a5a
  BACK_TO_M

  /* ---- pmu-num=2 ---- */
  TCASE 3
  li t0, 1234
  csrw mhpmcounter3, t0
  csrr a0, mhpmcounter3
  CHECK a0, 1234
  csrw mhpmcounter4, t0
  csrr a0, mhpmcounter4
  CHECK a0, 1234
  csrw mhpmcounter5, t0
  csrr a0, mhpmcounter5
  CHECK a0, 0
  csrw mhpmcounter31, t0
  csrr a0, mhpmcounter31
  CHECK a0, 0
  TCASE 4
  li t0, 2                                       /* SBI event: instructions */
  csrw mhpmevent4, t0
  csrr a0, mhpmevent4
  CHECK a0, 2
  csrw mhpmevent5, t0
  csrr a0, mhpmevent5
  CHECK a0, 0
  csrw mhpmevent4, zero
  TCASE 5
  li t0, -1
  csrw mcountinhibit, t0
  csrr a0, mcountinhibit
  CHECK a0, 0x1d                                 /* CY, IR, HPM3, HPM4 */
  csrw mcountinhibit, zero

  /* ---- cboz_blocksize=256 ---- */
  TCASE 6
  la s0, blocks
  li t0, -1
  li t1, 0
1:                                               /* 1 KiB of ones */
  add t2, s0, t1
  sd t0, 0(t2)
  addi t1, t1, 8
  li t2, 1024
  blt t1, t2, 1b
  addi a1, s0, 0x1a8
  cbo.zero (a1)                                  /* zeroes [0x100, 0x200) */
  ld a0, 0xf8(s0)
  CHECK a0, -1
  ld a0, 0x100(s0)
  CHECK a0, 0
  ld a0, 0x138(s0)
  CHECK a0, 0
  ld a0, 0x140(s0)                               /* past 64 bytes */
  CHECK a0, 0
  ld a0, 0x1f8(s0)
  CHECK a0, 0
  ld a0, 0x200(s0)
  CHECK a0, -1

  /* ---- cbom_blocksize=128: cbo.clean's block, seen by a store trigger ---- */
  TCASE 7
  csrsi mstatus, MSTATUS_MIE                     /* M-mode triggers need MIE; mie = 0 */
  csrwi tselect, 0
  csrw tdata1, zero
  addi t1, s0, 0x200                             /* the first word of a 128-byte block */
  csrw tdata2, t1
  li t0, TYPE6 | TM | STORE
  csrw tdata1, t0
  addi a1, s0, 0x240                             /* in the same 128 bytes, not the same 64 */
  EXPECT_TRAP 8, CAUSE_BREAKPOINT, cbo.clean 0(a1)
  addi a1, s0, 0x280                             /* the next block: no match */
  EXPECT_NO_TRAP 9, cbo.clean 0(a1)
  csrw tdata1, zero
  csrci mstatus, MSTATUS_MIE
  TEST_PASS

  .data
  .balign 8
word: .dword 0
  .balign 1024
blocks: .skip 1024
