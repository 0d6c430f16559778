/* WARL rules that QEMU 7.2 does not enforce (it fails at case 1; the others
 * are plain spec reads): medeleg[11] is read-only zero (an M-mode ecall can
 * not be delegated), mstatus.MPP never holds the reserved value 2, and
 * mepc/sepc bit 0 is always zero. */
#include "test.h"

TEST_BEGIN
  /* medeleg[11] (ecall from M) is read-only zero */
  TCASE 1
  li t0, -1
  csrw medeleg, t0
  csrr a0, medeleg
  srli a0, a0, 11
  andi a0, a0, 1
  CHECK a0, 0
  csrw medeleg, zero

  /* MPP = 2 (reserved) reads back as a legal value */
  TCASE 2
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, 2 << 11
  csrs mstatus, t0
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  li t0, 2
  beq a0, t0, fail
  li t0, MSTATUS_MPP
  csrc mstatus, t0

  /* mepc/sepc bit 0 is always zero */
  TCASE 3
  li t0, 0x80001235
  csrw mepc, t0
  csrr a0, mepc
  CHECK a0, 0x80001234
  csrw sepc, t0
  csrr a0, sepc
  CHECK a0, 0x80001234

  TEST_PASS
