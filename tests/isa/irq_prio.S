/* Priority among pending, enabled interrupts taken in M-mode: SEI > SSI >
 * STI (privileged spec: MEI, MSI, MTI, SEI, SSI, STI). The three S-level
 * pending bits are writable by M-mode in mip. MSI/MTI: see clint.S.
 * QEMU 7.2 (without AIA) takes the lowest-numbered interrupt first and
 * fails at case 1. */
#include "test.h"

#define SSIP (1 << IRQ_SSI)
#define STIP (1 << IRQ_STI)
#define SEIP (1 << IRQ_SEI)

/* Case n: with MIE set, the next interrupt taken must be cause c; then
 * clear that pending bit. */
.macro NEXT_IRQ n, c
  TCASE \n
  CAPTURE_NEXT_TRAP .Ltaken\@
  csrsi mstatus, MSTATUS_MIE
  nop
  j fail
.Ltaken\@:
  CHECK t4, INTR | \c
  li t0, 1 << \c
  csrc mip, t0
.endm

TEST_BEGIN
  csrw CSR_MENVCFG, zero                         /* STIP writable (no Sstc) */
  li t0, SSIP | STIP | SEIP
  csrs mip, t0
  csrw mie, t0
  csrr a0, mip
  and a0, a0, t0
  CHECK a0, SSIP | STIP | SEIP
  NEXT_IRQ 1, IRQ_SEI
  NEXT_IRQ 2, IRQ_SSI
  NEXT_IRQ 3, IRQ_STI
  /* the same pair in the other order of setting: SSI still before STI */
  TCASE 4
  li t0, STIP
  csrs mip, t0
  li t0, SSIP
  csrs mip, t0
  NEXT_IRQ 5, IRQ_SSI
  NEXT_IRQ 6, IRQ_STI
  /* nothing left: no more traps with MIE on */
  TCASE 7
  csrsi mstatus, MSTATUS_MIE
  nop
  nop
  csrci mstatus, MSTATUS_MIE
  TEST_PASS
