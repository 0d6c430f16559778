/* Supervisor timer interrupts. (a) M-mode injects mip.STIP (no Sstc): the
 * delegated interrupt is taken in S, and S cannot clear STIP. (b) Sstc:
 * with menvcfg.STCE, STIP follows time >= stimecmp, M cannot write it,
 * S reaches stimecmp only with STCE and mcounteren.TM, and a future
 * stimecmp fires (also waking WFI). QEMU's spike machine has no time CSR,
 * hence no Sstc: it fails at case 5 (part (b); QEMU virt passes). */
#include "test.h"

#define STIP (1 << IRQ_STI)
#define STCE (1 << 63)
#define TM 2

TEST_BEGIN
  /* (a) injected STIP */
  csrw CSR_MENVCFG, zero
  li t0, STIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  CAPTURE_NEXT_STRAP 2f
  GOTO_MODE PRV_S, 1f
1:
  TCASE 1
  csrsi sstatus, MSTATUS_SIE
.Lspin:
  j .Lspin
2:
  CHECK t4, INTR | IRQ_STI
  CHECKLA t6, .Lspin
  TCASE 2                                        /* sip.STIP is read-only */
  li t0, STIP
  csrc sip, t0
  csrr a0, sip
  and a0, a0, t0
  CHECK a0, STIP
  BACK_TO_M
  li t0, STIP
  csrc mip, t0

  /* (b) Sstc. STCE = 0: stimecmp is illegal in S */
  csrw mcounteren, TM
  GOTO_MODE PRV_S, 3f
3:
  EXPECT_TRAP 3, CAUSE_ILLEGAL, csrr a0, CSR_STIMECMP
  BACK_TO_M
  /* STCE = 1 but mcounteren.TM = 0: still illegal in S */
  li t0, STCE
  csrw CSR_MENVCFG, t0
  csrr a0, CSR_MENVCFG
  bgez a0, fail                                  /* STCE stuck */
  csrw mcounteren, zero
  GOTO_MODE PRV_S, 4f
4:
  EXPECT_TRAP 4, CAUSE_ILLEGAL, csrr a0, CSR_STIMECMP
  BACK_TO_M
  /* M-mode: STIP = (time >= stimecmp), not writable through mip */
  TCASE 5
  li t0, -1
  csrw CSR_STIMECMP, t0
  csrr a0, mip
  andi a0, a0, STIP
  CHECK a0, 0
  TCASE 6
  li t0, STIP
  csrs mip, t0
  csrr a0, mip
  andi a0, a0, STIP
  CHECK a0, 0
  TCASE 7
  csrw CSR_STIMECMP, zero
  csrr a0, mip
  andi a0, a0, STIP
  CHECK a0, STIP
  /* S-mode: arm stimecmp a little in the future and wait for it */
  csrw mcounteren, TM
  li t0, STIP
  csrw mie, t0
  GOTO_MODE PRV_S, 5f
5:
  TCASE 8
  li t0, -1
  csrw CSR_STIMECMP, t0
  csrr a0, CSR_STIMECMP
  CHECK a0, -1
  csrr a0, sip
  andi a0, a0, STIP
  CHECK a0, 0
  TCASE 9
  CAPTURE_NEXT_STRAP 7f
  rdtime a0
  addi a0, a0, 1000
  csrw CSR_STIMECMP, a0
  csrsi sstatus, MSTATUS_SIE
  li t1, 50000000                                /* bound the wait */
6:
  addi t1, t1, -1
  bnez t1, 6b
  j fail
7:
  CHECK t4, INTR | IRQ_STI
  rdtime a1
  bltu a1, a0, fail                              /* not before stimecmp */
  /* WFI wakes up for the timer with SIE = 0 */
  TCASE 10
  li t0, -1
  csrw CSR_STIMECMP, t0
  li t0, STIP
  csrs sie, t0
  rdtime a0
  addi a0, a0, 1000
  csrw CSR_STIMECMP, a0
  li t1, 1000000
8:
  wfi
  csrr a2, sip
  andi a2, a2, STIP
  bnez a2, 9f
  addi t1, t1, -1
  bnez t1, 8b
  j fail
9:
  rdtime a1
  bltu a1, a0, fail
  li t0, -1
  csrw CSR_STIMECMP, t0
  BACK_TO_M
  TEST_PASS
