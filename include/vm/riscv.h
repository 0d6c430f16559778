/* RISC-V 64 register sets as exchanged through the vCPU interface
 * (vm_vcpu_get_regs / set_regs); vm_reg_map_for(VM_ARCH_RISCV64) describes
 * every field with its GDB register number. */
#ifndef VM_RISCV_H
#define VM_RISCV_H

#include <stdbool.h>
#include <stdint.h>

struct vm_vcpu;

/* VM_REGSET_CORE */
struct vm_riscv_core_regs {
    uint64_t x[32]; /* x[0] reads 0; writes to it are ignored */
    uint64_t pc;
    uint64_t priv;  /* 0 = U, 1 = S, 3 = M */
    uint64_t mstatus, misa, medeleg, mideleg, mie, mip, mtvec, mscratch, mepc, mcause,
        mtval, mcounteren, menvcfg, mhartid;
    uint64_t sstatus, sie, sip, stvec, sscratch, sepc, scause, stval, scounteren, senvcfg,
        satp, stimecmp;
    uint64_t mcycle, minstret;
};

/* VM_REGSET_FPU */
struct vm_riscv_fpu_regs {
    uint64_t f[32]; /* raw 64-bit values; singles are NaN-boxed */
    uint64_t fcsr;  /* frm in bits 7:5, fflags in bits 4:0 */
};

/* The interrupt inputs of a soft RISC-V hart, as a vm_irq_line receiver
 * (include/vm/irq.h): opaque is the hart's struct vm_vcpu, n the interrupt
 * number: 3 (MSI), 7 (MTI), 11 (MEI) or 9 (SEI, ORed with the software
 * SEIP bit). Other numbers, and vCPUs of other backends, are ignored.
 * Thread-safe; wakes the hart from WFI. */
void vm_riscv_hart_irq(void *vcpu, unsigned n, bool level);
#define VM_RISCV_IRQ_MSI 3
#define VM_RISCV_IRQ_MTI 7
#define VM_RISCV_IRQ_SEI 9
#define VM_RISCV_IRQ_MEI 11

/* The soft hart's trigger module (Sdtrig) as an external debugger sees it
 * (Debug Mode rights: it may set tdata1.dmode and action 1, "enter Debug
 * Mode", which stops the vCPU with VM_EXIT_DEBUG, reason VM_DEBUG_TRIGGER;
 * M-mode cannot then change that trigger). Trigger `index`: if write,
 * tdata2 then tdata1 are written (legalised as the CSRs are); then both
 * are read back. Only while the vCPU is not running. -VM_EINVAL for another
 * backend, a hart without Sdtrig, or an index out of range. */
int vm_riscv_trigger(struct vm_vcpu *vcpu, unsigned index, uint64_t *tdata1, uint64_t *tdata2,
                     bool write);

/* The events the soft hart's HPM counters (Zihpm) count, as SBI PMU event
 * indices (what OpenSBI writes to mhpmevent), with the counters each may
 * use (bit i: counter i): what a board's riscv,pmu device-tree node says. */
struct vm_riscv_hpm_event {
    uint32_t event, counters;
};
#define VM_RISCV_HPM_EVENTS 5
extern const struct vm_riscv_hpm_event vm_riscv_hpm_events[VM_RISCV_HPM_EVENTS];

/* The soft MMU of a soft RISC-V hart (for its statistics), or NULL for a
 * vCPU of another backend. */
struct vm_mmu_hart;
struct vm_mmu_hart *vm_riscv_vcpu_mmu(struct vm_vcpu *vcpu);

/* User-mode emulation (src/user) on a soft hart, between runs: one
 * integer register (0-31) or the pc (32), read and written without the
 * whole register set's CSR legalisation (a system call's result costs a
 * store); and the hart's TLBs and decoded/translated-code look-ups dropped
 * after its page tables changed, as SFENCE.VMA does (the hart's thread
 * only). -VM_EINVAL for another backend. */
#define VM_RISCV_REG_PC 32
int vm_riscv_vcpu_get_x(struct vm_vcpu *vcpu, unsigned n, uint64_t *value);
int vm_riscv_vcpu_set_x(struct vm_vcpu *vcpu, unsigned n, uint64_t value);
int vm_riscv_vcpu_sfence(struct vm_vcpu *vcpu);
/* From a signal handler on the thread running the vCPU: async-signal-safe
 * (atomic stores only; it does not wake a hart sleeping in WFI). The run
 * returns VM_EXIT_INTR at the next block boundary, or at once if it has not
 * started yet. */
void vm_riscv_vcpu_kick_async(struct vm_vcpu *vcpu);
/* In the child of a fork() of the process running the vCPU, before the
 * child runs it: private copies of what a fork would leave shared with the
 * parent (the JIT's code cache is shared memory). */
int vm_riscv_vcpu_after_fork(struct vm_vcpu *vcpu);
/* User-mode emulation's flat memory (docs/JIT.md "Direct access in user
 * mode"): guest virtual addresses [0, size) are the host bytes at base +
 * va, and the host may read a byte exactly where a guest load may (the
 * caller mirrors the guest's mappings in the host's protections). The
 * JIT's translated loads then read it directly, and a host fault there is
 * sent to the load's slow path by vm_riscv_host_fault. With `stores`, the
 * host may also write exactly where a guest store may, no page is both
 * writable and executable for the guest, and the caller drops translated
 * code of a range before it becomes executable (vm_mem_notify_write):
 * then translated stores write directly too, as no store can reach code.
 * The struct is the caller's: the hart reads it each time it enters
 * translated code, so clearing `stores` or `size` (0: off) takes effect
 * once every hart has left translated code (the caller makes them).
 * NULL: none (system machines). */
struct vm_riscv_flat {
    uint8_t *base;
    uint64_t size;
    bool stores;
};
int vm_riscv_vcpu_set_flat(struct vm_vcpu *vcpu, const struct vm_riscv_flat *flat);
/* First thing in a host SIGSEGV or SIGBUS handler (siginfo_t *, the
 * handler's ucontext_t *): true if it was a direct load of translated code
 * on this thread, which then resumes in that load's slow path (the guest
 * sees its own fault, precisely); false if not (a fault of the host
 * program: handle it as before). Async-signal-safe. */
bool vm_riscv_host_fault(int sig, void *siginfo, void *ucontext);

/* The soft hart's PMP on system machines (docs/HART.md): 16 entries, as
 * QEMU has, with a 4-byte grain (none with -cpu rv64,pmp=off); boards put
 * both in the device tree. */
#define VM_RISCV_PMP_ENTRIES 16
#define VM_RISCV_PMP_GRAIN 4

#endif
