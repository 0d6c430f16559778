/* Looking at a running machine from a monitor thread, safely: its vCPUs'
 * registers and MMU figures (read on each vCPU's own thread while the
 * machine is briefly paused, unless it is stopped already), and its memory
 * (held against a reset's teardown). Shared by HMP and QMP. */
#ifndef VM_MONITOR_MACHINE_QUERY_H
#define VM_MONITOR_MACHINE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/accel.h"
#include "vm/mmu.h"

struct vm_machine;

/* fn(vcpu, arg) on vCPU i's thread, pausing the machine around it if it
 * runs. 0, fn's result, or -VM_EINVAL (no such vCPU, or the machine is
 * between boots). */
int vm_query_on_vcpu(struct vm_machine *m, unsigned i,
                     int (*fn)(struct vm_vcpu *vcpu, void *arg), void *arg);

/* One vCPU's register sets. */
struct vm_query_regs {
    const struct vm_reg_map *map;
    uint8_t core[1024], fpu[1024];
};
int vm_query_regs(struct vm_machine *m, unsigned i, struct vm_query_regs *out);
/* A register's value by its map entry. */
uint64_t vm_query_reg_value(const struct vm_query_regs *r, const struct vm_reg_desc *d);

/* One hart's soft MMU: its figures and policy; -VM_ENOTSUP for a vCPU
 * without the soft MMU. */
struct vm_query_mmu {
    struct vm_mmu_stats stats;
    char policy[96];
};
int vm_query_mmu(struct vm_machine *m, unsigned i, struct vm_query_mmu *out);

/* Guest memory: physical (RAM only), or virtual through vCPU i's current
 * translation. Returns the bytes read (fewer at an unmapped address). */
size_t vm_query_read_phys(struct vm_machine *m, uint64_t pa, void *buf, size_t len);
size_t vm_query_read_virt(struct vm_machine *m, unsigned i, uint64_t va, void *buf, size_t len);

#endif
