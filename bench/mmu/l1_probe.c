/* The L1 hit path compiled on its own, so that its instructions can be
 * counted from the disassembly (bench/mmu/count-l1-hit.sh). */
#include "mmu/mmu_fast.h"

void *bench_l1_probe_load8(const struct vm_mmu_hart *h, uint64_t va);
void *bench_l1_probe_load8(const struct vm_mmu_hart *h, uint64_t va)
{
    return vm_mmu_l1_host(h, VM_ACCESS_LOAD, va, 8);
}
