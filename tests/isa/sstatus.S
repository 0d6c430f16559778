/* sstatus, sie and sip are views of mstatus, mie and mip: S-level fields
 * only, writes through them change only those fields. sie/sip show only
 * interrupts delegated in mideleg. */
#include "test.h"

#define SSTATUS_BITS (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR)
#define MONLY (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SIP_ALL ((1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI))

TEST_BEGIN
  /* sstatus hides M-only fields */
  TCASE 1
  li t0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_TSR | MSTATUS_TW
  csrs mstatus, t0
  csrr a0, sstatus
  li t0, MONLY
  and a0, a0, t0
  CHECK a0, 0
  /* setting S fields through sstatus shows in mstatus */
  TCASE 2
  li t0, MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  csrs sstatus, t0
  csrr a0, mstatus
  and a0, a0, t0
  CHECKR a0, t0
  /* writing all ones to sstatus leaves M-only fields as they were */
  TCASE 3
  li t0, MONLY
  csrc mstatus, t0
  li t0, MSTATUS_MPP                             /* MPP = M, a known value */
  csrs mstatus, t0
  li t0, -1
  csrw sstatus, t0
  csrr a0, mstatus
  li t0, MONLY
  and a0, a0, t0
  CHECK a0, MSTATUS_MPP
  /* ... and clearing them all through sstatus */
  TCASE 4
  csrw sstatus, zero
  csrr a0, mstatus
  li t0, SSTATUS_BITS
  and a0, a0, t0
  CHECK a0, 0
  csrr a0, mstatus
  li t0, MSTATUS_MPP
  and a0, a0, t0
  CHECK a0, MSTATUS_MPP
  li t0, MSTATUS_FS_INITIAL                      /* FP back on */
  csrs mstatus, t0

  /* sie: nothing delegated -> reads zero, writes ignored */
  TCASE 5
  csrw mideleg, zero
  csrw mie, zero
  li t0, -1
  csrw sie, t0
  csrr a0, sie
  CHECK a0, 0
  csrr a0, mie
  CHECK a0, 0
  /* delegated S interrupts become visible and writable through sie */
  TCASE 6
  li t0, SIP_ALL
  csrw mideleg, t0
  csrr a0, mideleg
  andi a0, a0, SIP_ALL                           /* (H would add read-only VS bits) */
  CHECK a0, SIP_ALL
  li t0, -1
  csrw sie, t0
  csrr a0, sie
  CHECK a0, SIP_ALL
  csrr a0, mie
  CHECK a0, SIP_ALL                              /* no M bits set via sie */
  csrw sie, zero
  csrr a0, mie
  CHECK a0, 0
  /* sip: SSIP is writable from S, visible in mip; STIP/SEIP are not */
  TCASE 7
  csrw mip, zero
  csrsi sip, 1 << IRQ_SSI
  csrr a0, mip
  andi a0, a0, SIP_ALL                           /* MTIP may be set by the CLINT */
  CHECK a0, 1 << IRQ_SSI
  csrr a0, sip
  CHECK a0, 1 << IRQ_SSI
  li t0, 1 << IRQ_STI
  csrs sip, t0
  csrr a0, mip
  andi a0, a0, SIP_ALL                           /* MTIP may be set by the CLINT */
  CHECK a0, 1 << IRQ_SSI
  csrci sip, 1 << IRQ_SSI
  csrr a0, mip
  andi a0, a0, SIP_ALL                           /* MTIP may be set by the CLINT */
  CHECK a0, 0
  /* pending bits set by M show in sip only while delegated */
  TCASE 8
  li t0, CSR_MENVCFG
  csrw CSR_MENVCFG, zero                         /* STIP writable in mip (no Sstc) */
  li t0, (1 << IRQ_STI) | (1 << IRQ_SSI)
  csrs mip, t0
  csrr a0, sip
  CHECK a0, (1 << IRQ_STI) | (1 << IRQ_SSI)
  csrw mideleg, zero
  csrr a0, sip
  CHECK a0, 0
  csrw mip, zero
  TEST_PASS
