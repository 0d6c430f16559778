/* The `kvm` accelerator's private state, shared by its files:
 *   kvm.c        opening /dev/kvm, VM set-up, irqchip, irqfd/ioeventfd, ops table
 *   kvm_mem.c    memory slots and dirty logging
 *   kvm_vcpu.c   vCPU creation, the KVM_RUN loop and its exits, kicks
 *   kvm_regs.c   register sets <-> KVM_GET/SET_REGS, SREGS, XSAVE
 *   kvm_cpuid.c  CPUID and boot MSRs per vCPU
 *   kvm_debug.c  breakpoints, watchpoints, single step; debugger memory access */
#ifndef VM_ACCEL_KVM_INTERNAL_H
#define VM_ACCEL_KVM_INTERNAL_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vm/accel.h"
#include "vm/kvm.h"
#include "vm/mem.h"
#include "vm/pio.h"

#define KVM_MAX_SLOTS 64

struct kvm_slot {
    bool used;
    uint32_t flags; /* KVM_MEM_LOG_DIRTY_PAGES */
    uint64_t pa, size;
    void *host;
};

struct kvm_accel {
    int kvm_fd, vm_fd;
    int run_size; /* KVM_GET_VCPU_MMAP_SIZE */
    bool has_xsave, has_xcrs;
    bool irqchip;
    unsigned nr_vcpus, vcpus_created;
    struct vm_mem *mem;
    struct vm_pio *pio;
    struct kvm_cpuid2 *cpuid; /* KVM_GET_SUPPORTED_CPUID, before per-vCPU fix-ups */
    pthread_mutex_t slot_lock;
    struct kvm_slot slots[KVM_MAX_SLOTS];
};

/* What a debug register of a vCPU holds (kvm_debug.c). */
struct kvm_dr_use {
    bool watch;
    uint64_t addr;
    enum vm_watch_kind kind;
};

struct kvm_vcpu {
    int fd;
    unsigned id;
    struct kvm_run *run;
    /* kick: immediate_exit in run, plus a signal to the running thread */
    pthread_mutex_t kick_lock; /* thread and in_run vs. pthread_kill */
    pthread_t thread;
    bool in_run;
    int kicked; /* atomic */
    /* an unclaimed read exit whose data the caller may supply */
    enum vm_exit_kind pending_read;
    struct vm_kvm_vcpu_stats stats;
    /* debugging (kvm_debug.c) */
    struct kvm_dr_use dr[4];
    unsigned ndr;
    bool resume_rf;
};

/* kvm.c */
struct kvm_accel *kvm_accel_of(struct vm_accel *accel, const char *what);

/* kvm_mem.c */
int kvm_mem_init(struct kvm_accel *ka);

/* kvm_cpuid.c: CPUID normalised for this vCPU, then the boot MSRs. */
int kvm_cpuid_setup(struct kvm_accel *ka, struct kvm_vcpu *kv);
int kvm_msrs_setup(struct kvm_vcpu *kv);

/* kvm_regs.c */
int kvm_get_regs(struct vm_vcpu *vcpu, enum vm_regset set, void *buf);
int kvm_set_regs(struct vm_vcpu *vcpu, enum vm_regset set, const void *buf);

/* kvm_debug.c */
int kvm_set_debug(struct vm_vcpu *vcpu, const struct vm_vcpu_debug *d);
long kvm_debug_access(struct vm_vcpu *vcpu, uint64_t va, void *buf, size_t len, bool write);
void kvm_debug_exit(struct kvm_vcpu *kv, const struct kvm_debug_exit_arch *arch,
                    struct vm_exit *exit);
void kvm_debug_before_run(struct kvm_vcpu *kv);

/* kvm_vcpu.c */
int kvm_vcpu_init(struct vm_vcpu *vcpu, const struct vm_vcpu_options *opt);
void kvm_vcpu_fini(struct vm_vcpu *vcpu);
int kvm_vcpu_run(struct vm_vcpu *vcpu, struct vm_exit *exit);
void kvm_vcpu_kick(struct vm_vcpu *vcpu);

#endif
