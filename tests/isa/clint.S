/* The spike board's CLINT (0x2000000): msip raises MSIP, mtimecmp/mtime
 * drive MTIP, and with SSIP the M-mode priority order is MSI > MTI > SSI.
 * A future mtimecmp wakes WFI. */
#include "test.h"

#define CLINT    0x2000000
#define MSIP     (CLINT + 0x0)
#define MTIMECMP (CLINT + 0x4000)
#define MTIME    (CLINT + 0xbff8)
#define MSIP_B (1 << IRQ_MSI)
#define MTIP_B (1 << IRQ_MTI)
#define SSIP_B (1 << IRQ_SSI)

.macro MIP_BIT n, bit, v
  TCASE \n
  csrr a0, mip
  li t0, \bit
  and a0, a0, t0
  CHECK a0, \v
.endm

.macro NEXT_IRQ n, c
  TCASE \n
  CAPTURE_NEXT_TRAP .Ltaken\@
  csrsi mstatus, MSTATUS_MIE
  nop
  j fail
.Ltaken\@:
  CHECK t4, INTR | \c
.endm

TEST_BEGIN
  TCASE 1                                        /* the CLINT is there */
  li s0, MSIP
  li s1, MTIMECMP
  li s2, MTIME
  li t0, -1
  sd t0, 0(s1)
  /* mtime advances */
  ld a0, 0(s2)
  li t1, 10000000
1:
  ld a1, 0(s2)
  bltu a0, a1, 2f
  addi t1, t1, -1
  bnez t1, 1b
  j fail
2:
  /* msip drives MSIP */
  li t0, 1
  sw t0, 0(s0)
  MIP_BIT 2, MSIP_B, MSIP_B
  sw zero, 0(s0)
  MIP_BIT 3, MSIP_B, 0
  /* mtimecmp drives MTIP */
  MIP_BIT 4, MTIP_B, 0
  sd zero, 0(s1)
  MIP_BIT 5, MTIP_B, MTIP_B

  /* a timer in the future wakes WFI (MIE = 0, so no trap) */
  TCASE 6
  li t0, MTIP_B
  csrw mie, t0
  ld a0, 0(s2)
  addi a0, a0, 1000
  sd a0, 0(s1)
  li t1, 1000000
3:
  wfi
  csrr a2, mip
  andi a2, a2, MTIP_B
  bnez a2, 4f
  addi t1, t1, -1
  bnez t1, 3b
  j fail
4:
  ld a1, 0(s2)
  bltu a1, a0, fail
  li t0, -1
  sd t0, 0(s1)
  csrw mie, zero
  /* priorities: MSI > MTI > SSI (QEMU 7.2 takes SSI first: fails case 7) */
  li t0, 1
  sw t0, 0(s0)
  sd zero, 0(s1)
  li t0, SSIP_B
  csrs mip, t0
  li t0, MSIP_B | MTIP_B | SSIP_B
  csrw mie, t0
  NEXT_IRQ 7, IRQ_MSI
  sw zero, 0(s0)
  NEXT_IRQ 8, IRQ_MTI
  li t0, -1
  sd t0, 0(s1)
  NEXT_IRQ 9, IRQ_SSI
  li t0, SSIP_B
  csrc mip, t0

  csrw mie, zero
  TEST_PASS
