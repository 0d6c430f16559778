/* SiFive PLIC as on QEMU's virt machine (base 0xc000000, size 0x600000):
 *   +0x000000 + 4*src          source priority (0..7; source 0 reserved)
 *   +0x001000 + 4*word         pending bits (read-only)
 *   +0x002000 + 0x80*ctx       enable bits per context
 *   +0x200000 + 0x1000*ctx     priority threshold per context
 *   +0x200004 + 0x1000*ctx     claim (read) / complete (write)
 * Contexts in QEMU virt order: 2h = hart h M-mode, 2h+1 = hart h S-mode.
 *
 * Sources are level-triggered inputs (vm_plic_source_line). A source with
 * its input high becomes pending unless it is claimed; a claim takes the
 * highest-priority pending source enabled in that context whose priority is
 * above the threshold (lowest id on ties), clears its pending bit and holds
 * it until completed; completing (ignored unless the source is enabled in
 * that context, per the spec) makes it pending again if its input is still
 * high. An input that drops before the claim withdraws the request, as
 * QEMU does. Each context's output line is high while a pending, enabled
 * source has a priority above the context's threshold. */
#ifndef VM_DEVICES_PLIC_H
#define VM_DEVICES_PLIC_H

#include <stdint.h>

#include "vm/irq.h"
#include "vm/mem.h"

#define PLIC_NR_SOURCES 96 /* ids 1..95; 0 means "none" */
#define PLIC_MAX_PRIORITY 7
#define PLIC_PRIORITY_OFFSET 0x0
#define PLIC_PENDING_OFFSET 0x1000
#define PLIC_ENABLE_OFFSET 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT_OFFSET 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_SIZE 0x600000
#define PLIC_MAX_CONTEXTS 1024 /* (PLIC_SIZE - PLIC_CONTEXT_OFFSET) / stride */

struct vm_plic;

/* outputs[] holds nr_contexts lines (copied; may be NULL). */
struct vm_plic *vm_plic_create(struct vm_mem *mem, uint64_t base, unsigned nr_contexts,
                               const struct vm_irq_line *outputs);
/* The MMIO region stays in mem: destroy only when nothing runs any more. */
void vm_plic_destroy(struct vm_plic *p);

/* The input line of source n (1..95) for a device; n out of range gives an
 * unconnected line. */
struct vm_irq_line vm_plic_source_line(struct vm_plic *p, unsigned n);

#endif
