/* The backends compiled into libvm, for the registry in accel.c. */
#ifndef VM_ACCEL_BACKENDS_H
#define VM_ACCEL_BACKENDS_H

#include "vm/accel.h"

extern const struct vm_accel_ops vm_accel_soft_ops; /* src/riscv/soft_accel.c */
extern const struct vm_accel_ops vm_accel_kvm_ops;  /* src/accel/kvm.c */

/* "riscv64 guest on an x86-64 host": the reason a backend tied to the host
 * architecture cannot run a guest. */
int vm_accel_arch_mismatch(enum vm_arch guest);

#endif
