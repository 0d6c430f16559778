/* What x86 boards need from the `kvm` accelerator beyond the generic vCPU
 * ops table (vm/accel.h): port I/O dispatch, the in-kernel irqchip and PIT,
 * interrupt lines, ioeventfd/irqfd, memory slots and dirty logging. Every
 * call refuses (-VM_EINVAL, with a message) an accelerator that is not kvm.
 *
 * Exits: the backend completes port I/O and MMIO itself when a handler
 * claims the address (the vm_pio table, MMIO regions of vm_mem); an access
 * nobody claims leaves vm_vcpu_run() as VM_EXIT_IO / VM_EXIT_MMIO. For such
 * a read the caller may store the value in the exit's data field and pass
 * the same exit struct to the next vm_vcpu_run(); otherwise the guest reads
 * all-ones, as from an empty bus. */
#ifndef VM_KVM_H
#define VM_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/accel.h"
#include "vm/pio.h"

bool vm_accel_is_kvm(const struct vm_accel *accel);

/* Port I/O handlers for every vCPU (NULL: none). Set before running. */
int vm_kvm_set_pio(struct vm_accel *accel, struct vm_pio *pio);

/* In-kernel 8259 pair, IOAPIC and local APICs, plus the PIT (channel 0 on
 * GSI 0). Must come before the first vCPU. Without it HLT leaves
 * vm_vcpu_run() as VM_EXIT_HALT and interrupts cannot be raised; with it
 * HLT sleeps in the kernel until an interrupt arrives. */
int vm_kvm_create_irqchip(struct vm_accel *accel);

/* Drive a GSI (0-23) of the in-kernel irqchip. */
int vm_kvm_irq_line(struct vm_accel *accel, unsigned gsi, bool level);
/* The same with the signature of struct vm_irq_line's set(): opaque is the
 * accelerator, n the GSI; errors are ignored (a device cannot act on them). */
void vm_kvm_irq_set(void *opaque, unsigned n, bool level);

/* irqfd: an eventfd that raises GSI gsi (edge) when written; *fd is owned
 * by the caller and stays registered until the accelerator is destroyed. */
int vm_kvm_irqfd(struct vm_accel *accel, unsigned gsi, int *fd);

/* ioeventfd: guest writes of len bytes (1, 2, 4 or 8; 0 = any) to addr
 * (port if pio, else guest physical) signal *fd instead of exiting. With
 * match, only writes of datamatch do. */
struct vm_kvm_ioeventfd {
    uint64_t addr;
    unsigned len;
    bool pio;
    bool match;
    uint64_t datamatch;
};
int vm_kvm_ioeventfd(struct vm_accel *accel, const struct vm_kvm_ioeventfd *ev, int *fd);

/* Memory slots: every RAM region of the accelerator's vm_mem is mapped at
 * init; RAM added to vm_mem later is mapped (and unmapped) by address. */
int vm_kvm_map_ram(struct vm_accel *accel, uint64_t pa);
int vm_kvm_unmap_ram(struct vm_accel *accel, uint64_t pa);

/* Dirty-page logging of the RAM slot holding pa (for snapshots).
 * get_and_clear fills one bit per 4 KiB page (ceil(pages / 64) words). */
int vm_kvm_dirty_log(struct vm_accel *accel, uint64_t pa, bool enable);
int vm_kvm_dirty_get_and_clear(struct vm_accel *accel, uint64_t pa, uint64_t *bitmap,
                               unsigned long words);

/* The vCPU's KVM_RUN statistics: exits by kind, for benchmarks. */
struct vm_kvm_vcpu_stats {
    uint64_t runs, io, mmio, halt, intr;
};
int vm_kvm_vcpu_stats(struct vm_vcpu *vcpu, struct vm_kvm_vcpu_stats *out);

#endif
