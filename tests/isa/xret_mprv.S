/* xRET to a mode other than M clears mstatus.MPRV (privileged spec 1.12);
 * MRET back to M keeps it. QEMU 7.2 does not clear it (fails at case 2). */
#include "test.h"

.macro MSTATUS_SET bits
  li t0, \bits
  csrs mstatus, t0
.endm

/* Fail unless mstatus.MPRV recorded in t3 == v. */
.macro CHECK_MPRV n, v
  TCASE \n
  srli t0, t3, 17
  andi t0, t0, 1
  CHECK t0, \v
.endm

TEST_BEGIN
  /* MRET M -> M keeps MPRV */
  MSTATUS_SET MSTATUS_MPP | MSTATUS_MPRV
  la t0, 1f
  csrw mepc, t0
  mret
1:
  csrr t3, mstatus
  CHECK_MPRV 1, 1
  /* MRET M -> S clears it (the illegal M CSR read traps to the capture) */
  CAPTURE_NEXT_TRAP 2f
  GOTO_MODE PRV_S, 3f
3:
  csrr a0, mscratch
  j fail
2:
  CHECK t4, CAUSE_ILLEGAL
  CHECK_MPRV 2, 0
  /* SRET M -> S clears it */
  MSTATUS_SET MSTATUS_SPP | MSTATUS_MPRV
  CAPTURE_NEXT_TRAP 4f
  la t0, 5f
  csrw sepc, t0
  sret
5:
  csrr a0, mscratch
  j fail
4:
  CHECK t4, CAUSE_ILLEGAL
  CHECK_MPRV 3, 0
  TEST_PASS
