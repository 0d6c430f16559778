/* mstatus.FS: with FS = Off every FP instruction (and fcsr access) is
 * illegal; writing FP state makes FS Dirty and sets SD (bit 63); sstatus
 * shows the same FS. */
#include "test.h"

#define SD (1 << 63)

.macro SET_FS v
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, \v
  csrs mstatus, t0
.endm

/* Case n: fail unless mstatus.FS == v. */
.macro CHECK_FS n, v
  TCASE \n
  csrr a0, mstatus
  li t0, MSTATUS_FS
  and a0, a0, t0
  CHECK a0, \v
.endm

TEST_BEGIN
  SET_FS 0
  la a1, buf
  EXPECT_TRAP 1, CAUSE_ILLEGAL, fadd.s fa0, fa1, fa2
  EXPECT_TRAP 2, CAUSE_ILLEGAL, fld fa0, 0(a1)
  EXPECT_TRAP 3, CAUSE_ILLEGAL, fsd fa0, 0(a1)
  EXPECT_TRAP 4, CAUSE_ILLEGAL, fmv.x.d a0, fa0
  EXPECT_TRAP 5, CAUSE_ILLEGAL, fmv.w.x fa0, a0
  EXPECT_TRAP 6, CAUSE_ILLEGAL, frcsr a0
  EXPECT_TRAP 7, CAUSE_ILLEGAL, csrwi fflags, 1
  EXPECT_TRAP 8, CAUSE_ILLEGAL, c.fldsp fa0, 0(sp)
  EXPECT_TRAP 9, CAUSE_ILLEGAL, fmadd.d fa0, fa1, fa2, fa3
  EXPECT_TRAP_TVAL 10, CAUSE_ILLEGAL, 0xe0050553, fmv.x.w a0, fa0
  CHECK_FS 11, 0
  /* SD reads 0 when nothing is dirty */
  TCASE 12
  csrr a0, mstatus
  bltz a0, fail

  /* Initial -> Dirty on an arithmetic result */
  SET_FS MSTATUS_FS_INITIAL
  CHECK_FS 13, MSTATUS_FS_INITIAL
  fadd.d fa0, fa1, fa2
  CHECK_FS 14, MSTATUS_FS_DIRTY
  TCASE 15
  csrr a0, mstatus
  bgez a0, fail                                  /* SD = 1 */
  csrr a0, sstatus
  bgez a0, fail
  li t0, MSTATUS_FS
  and a0, a0, t0
  CHECK a0, MSTATUS_FS_DIRTY
  /* Clean -> Dirty on a move, a load, and an fcsr write */
  SET_FS MSTATUS_FS_CLEAN
  CHECK_FS 16, MSTATUS_FS_CLEAN
  fmv.w.x fa0, zero
  CHECK_FS 17, MSTATUS_FS_DIRTY
  SET_FS MSTATUS_FS_CLEAN
  fld fa0, 0(a1)
  CHECK_FS 18, MSTATUS_FS_DIRTY
  SET_FS MSTATUS_FS_CLEAN
  csrwi fflags, 0
  CHECK_FS 19, MSTATUS_FS_DIRTY
  /* FS can be cleared through sstatus too */
  TCASE 20
  li t0, MSTATUS_FS
  csrc sstatus, t0
  CHECK_FS 20, 0
  EXPECT_TRAP 21, CAUSE_ILLEGAL, fsgnj.d fa0, fa1, fa1
  SET_FS MSTATUS_FS_INITIAL
  TEST_PASS

  .data
  .balign 8
buf: .dword 0
