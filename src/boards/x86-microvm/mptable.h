/* Intel MultiProcessor Specification 1.4 tables, so that a kernel without
 * ACPI finds the vCPUs (-smp N), the IOAPIC and how ISA IRQs reach it. */
#ifndef VM_MICROVM_MPTABLE_H
#define VM_MICROVM_MPTABLE_H

#include <stdint.h>

#include "vm/mem.h"

/* The largest vCPU count whose table fits in the 1 KiB at
 * MICROVM_MPTABLE_ADDR that Linux scans. */
#define MPTABLE_MAX_CPUS 32

/* Floating pointer and configuration table at MICROVM_MPTABLE_ADDR, for
 * CPUs with APIC IDs 0..nr_cpus-1 (0 the BSP) and one IOAPIC. */
int microvm_mptable_write(struct vm_mem *mem, unsigned nr_cpus);

#endif
