/* SiFive CLINT (the ACLINT MSWI + MTIMER pair) with QEMU virt's layout:
 *   +0x0000 + 4*hart   msip      (bit 0 only)
 *   +0x4000 + 8*hart   mtimecmp  (64-bit, or two 32-bit halves)
 *   +0xbff8            mtime     (64-bit, or two 32-bit halves)
 * mtime counts vm_timebase_now() plus an offset that guest writes to mtime
 * change. Per hart it drives an MSIP line (= msip bit 0) and an MTIP line
 * (= mtime >= mtimecmp). Since time moves on its own, a host thread sleeps
 * until the earliest future mtimecmp and raises MTIP then; mtimecmp writes
 * take effect at once. mtimecmp starts at all-ones, so MTIP starts low. */
#ifndef VM_DEVICES_CLINT_H
#define VM_DEVICES_CLINT_H

#include <stdint.h>

#include "vm/irq.h"
#include "vm/mem.h"

#define CLINT_MSIP_OFFSET 0x0000
#define CLINT_MTIMECMP_OFFSET 0x4000
#define CLINT_MTIME_OFFSET 0xbff8
#define CLINT_SIZE 0x10000
#define CLINT_MAX_HARTS 4095 /* mtimecmp slots below mtime */

struct vm_clint;

/* msip[] and mtip[] hold nr_harts lines each (copied; either may be NULL).
 * mtime_offset: where mtime's distance from the timebase lives (mtime =
 * timebase + *mtime_offset, relaxed atomics), owned by the board and given
 * to the harts too (their time CSR is mtime's shadow); NULL: the CLINT's own. */
struct vm_clint *vm_clint_create(struct vm_mem *mem, uint64_t base, unsigned nr_harts,
                                 const struct vm_irq_line *msip,
                                 const struct vm_irq_line *mtip, uint64_t *mtime_offset);
/* Stops and joins the timer thread. The MMIO region stays in mem: destroy
 * only when no hart runs any more. */
void vm_clint_destroy(struct vm_clint *c);

/* The current mtime (for the hart's time CSR). Lock-free. */
uint64_t vm_clint_mtime(struct vm_clint *c);

#endif
