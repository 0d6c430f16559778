/* The accelerator / vCPU interface: every engine that runs guest code (the
 * soft RISC-V hart, later KVM, HVF, WHPX) is a backend behind one small ops
 * table. A board creates an accelerator for its guest architecture and
 * memory, creates vCPUs, and loops on vm_vcpu_run(), handling the exits.
 *
 * Registers are exchanged as one architecture-defined struct per register
 * set (core: GPRs, pc, privileged state; fpu: FP registers and status),
 * described by a declarative register map (name, number, size, offset) that
 * generic code and a GDB stub use without knowing the architecture. */
#ifndef VM_ACCEL_H
#define VM_ACCEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/mem.h"

enum vm_arch { VM_ARCH_RISCV64 = 0, VM_ARCH_X86_64 = 1 };
const char *vm_arch_name(enum vm_arch arch); /* "riscv64", "x86-64" */
enum vm_arch vm_host_arch(void);

/* ---- register maps ---------------------------------------------------- */

enum vm_regset { VM_REGSET_CORE = 0, VM_REGSET_FPU = 1 };

struct vm_reg_desc {
    const char *name;   /* "ra", "pc", "mstatus", "ft0", "fcsr" */
    const char *alias;  /* another accepted name ("x1", "f0") or NULL */
    unsigned number;    /* stable number; for RISC-V the GDB register number */
    unsigned size;      /* bytes: 1, 2, 4 or 8 */
    unsigned offset;    /* byte offset inside the register-set struct */
    enum vm_regset set; /* which struct holds it */
};

struct vm_reg_map {
    enum vm_arch arch;
    size_t set_size[2]; /* sizeof the core and fpu structs */
    unsigned count;
    const struct vm_reg_desc *regs;
};

const struct vm_reg_map *vm_reg_map_for(enum vm_arch arch);
/* Look-ups by name (also accepts aliases listed in the map) or number;
 * NULL if there is none. */
const struct vm_reg_desc *vm_reg_map_find(const struct vm_reg_map *map, const char *name);
const struct vm_reg_desc *vm_reg_map_find_number(const struct vm_reg_map *map, unsigned number);

/* ---- exits ------------------------------------------------------------ */

enum vm_exit_kind {
    VM_EXIT_NONE = 0,
    /* An access the backend could not complete itself (KVM's MMIO, the
     * soft hart's exit regions: vm_mem_add_mmio_exit). The runner serves
     * it and calls vm_vcpu_run again with the same struct, u.mmio.data
     * holding a load's value: the instruction then completes. */
    VM_EXIT_MMIO,
    VM_EXIT_IO,       /* port I/O (x86) */
    VM_EXIT_HALT,     /* WFI/HLT and the backend was asked not to sleep */
    VM_EXIT_SHUTDOWN, /* the guest asked for power-off or reset */
    VM_EXIT_DEBUG,    /* breakpoint or single step */
    VM_EXIT_SYSCALL,  /* system call from user mode (user-mode emulation) */
    VM_EXIT_WATCH,    /* a store touched a watched RAM range (already done) */
    VM_EXIT_INTR,     /* run interrupted: kick or instruction limit */
    VM_EXIT_ERROR,    /* internal error; message in the payload */
    /* user_mode only: a synchronous exception raised in user mode (page or
     * access fault, illegal instruction, breakpoint, misaligned access)
     * exits instead of trapping to a kernel; pc is the instruction's. */
    VM_EXIT_EXCEPTION,
};

enum vm_intr_reason { VM_INTR_KICK = 0, VM_INTR_INSN_LIMIT = 1 };

/* ---- debugging (run control, GDB) ------------------------------------- */

/* Watchpoint kinds: bit 0 write, bit 1 read (GDB's watch/rwatch/awatch). */
enum vm_watch_kind { VM_WATCH_WRITE = 1, VM_WATCH_READ = 2, VM_WATCH_ACCESS = 3 };

struct vm_watchpoint {
    uint64_t addr, len; /* guest virtual (the vCPU's current translation) */
    enum vm_watch_kind kind;
};

#define VM_DEBUG_MAX_BREAKPOINTS 64
#define VM_DEBUG_MAX_WATCHPOINTS 16

/* The debug state of one vCPU, replaced as a whole by vm_vcpu_set_debug()
 * while the vCPU is not running. Breakpoints stop before the instruction
 * at a virtual pc; watchpoints stop after the instruction whose access
 * touched the range; single_step makes every run execute (at most) one
 * instruction, with interrupts held off, and exit. Empty: no debugging,
 * and no cost on the backend's fast path. */
struct vm_vcpu_debug {
    bool single_step;
    unsigned nr_breakpoints;
    uint64_t breakpoints[VM_DEBUG_MAX_BREAKPOINTS];
    unsigned nr_watchpoints;
    struct vm_watchpoint watchpoints[VM_DEBUG_MAX_WATCHPOINTS];
};

enum vm_debug_reason {
    VM_DEBUG_STEP = 0,       /* single step done */
    VM_DEBUG_BREAKPOINT = 1, /* pc reached a breakpoint (not executed) */
    VM_DEBUG_WATCH = 2,      /* an access touched a watchpoint (executed) */
    VM_DEBUG_EBREAK = 3,     /* a breakpoint instruction with ebreak_exits */
    VM_DEBUG_TRIGGER = 4,    /* a hart trigger set with Debug Mode rights fired before pc
                                (watch_addr: the address it matched) */
};

/* VM_EXIT_DEBUG's payload: pc is where the vCPU stands now (the next
 * instruction to run); for watches, the watched range's start and the kind
 * of the access that hit it (read or write). */
struct vm_debug_stop {
    uint64_t pc;
    enum vm_debug_reason reason;
    uint64_t watch_addr;
    enum vm_watch_kind watch_kind;
};
enum vm_shutdown_kind { VM_SHUTDOWN_POWEROFF = 0, VM_SHUTDOWN_RESET = 1 };

struct vm_exit {
    enum vm_exit_kind kind;
    union {
        struct { uint64_t addr; unsigned size; bool is_write; uint64_t data; } mmio;
        struct { uint16_t port; unsigned size; bool is_write; uint32_t data; } io;
        struct { enum vm_shutdown_kind kind; int status; } shutdown;
        struct vm_debug_stop debug;
        /* The backend has advanced pc past the call instruction; the
         * handler writes the result register with vm_vcpu_set_reg(). */
        struct { uint64_t nr; uint64_t args[6]; } syscall;
        struct { uint64_t addr; } watch; /* start of the watched range written */
        /* the architecture's cause number (RISC-V: mcause), its tval and pc */
        struct { uint64_t cause, tval, pc; } exception;
        struct { enum vm_intr_reason reason; } intr;
        /* guest: the guest's own doing (e.g. a trap storm), not a host failure */
        struct { char message[160]; bool guest; } error;
    } u;
};

const char *vm_exit_kind_name(enum vm_exit_kind kind);

/* ---- accelerators and vCPUs ------------------------------------------ */

struct vm_accel;
struct vm_vcpu;

/* What a board asks for when it creates an accelerator. */
struct vm_accel_config {
    const char *machine; /* board name, for messages ("spike") */
    enum vm_arch arch;   /* guest architecture */
    struct vm_mem *mem;  /* guest physical memory (RAM + MMIO) */
    unsigned nr_vcpus;
    /* RISC-V: the board's mtime offset (mtime = the timebase + *time_offset,
     * read atomically), which the time CSR and Sstc's stimecmp follow, so
     * that a guest write to the CLINT's mtime moves them too. NULL: 0. */
    const uint64_t *riscv_time_offset;
    /* Set by vm_accel_create, not by boards: the backend's properties
     * (QEMU's -accel NAME,PROP=VALUE,... after the name; "" for none) and
     * whether to explain choices on stderr. */
    const char *props;
    bool verbose;
};

struct vm_riscv_isa;

/* Per-vCPU options. Backends refuse (-VM_ENOTSUP) what they cannot do. */
struct vm_vcpu_options {
    unsigned id;          /* hart id / APIC id */
    uint64_t max_insns;   /* 0: no limit; else VM_EXIT_INTR after this many */
    bool user_mode;       /* system calls (VM_EXIT_SYSCALL) and exceptions
                             (VM_EXIT_EXCEPTION) from user mode exit */
    bool ebreak_exits;    /* breakpoint instructions exit (VM_EXIT_DEBUG) */
    bool halt_exits;      /* WFI/HLT exits instead of sleeping in the backend */
    /* soft RISC-V hart: its extensions (vm/riscv_isa.h); NULL: the default set */
    const struct vm_riscv_isa *riscv_isa;
};

/* The ops table of one backend. Only the accelerator core calls it. */
struct vm_accel_ops {
    const char *name;        /* "soft", "kvm" */
    const char *description; /* one line for `vm help` and verbose mode */
    /* 0 if this backend can run a guest of `arch` on this host, else a
     * negative code with a message saying why. */
    int (*probe)(enum vm_arch arch);
    size_t accel_size, vcpu_size; /* private state allocated by the core */
    int (*init)(struct vm_accel *accel, const struct vm_accel_config *cfg);
    void (*fini)(struct vm_accel *accel);
    int (*vcpu_init)(struct vm_vcpu *vcpu, const struct vm_vcpu_options *opt);
    void (*vcpu_fini)(struct vm_vcpu *vcpu);
    /* Run until an exit; returns 0 with *exit filled, or a negative code. */
    int (*vcpu_run)(struct vm_vcpu *vcpu, struct vm_exit *exit);
    /* Thread-safe: make a running (or the next) vcpu_run return VM_EXIT_INTR. */
    void (*vcpu_kick)(struct vm_vcpu *vcpu);
    /* Whole register sets, laid out as the arch's register map says. */
    int (*get_regs)(struct vm_vcpu *vcpu, enum vm_regset set, void *buf);
    int (*set_regs)(struct vm_vcpu *vcpu, enum vm_regset set, const void *buf);
    /* Optional (NULL: not supported): report stores to guest RAM in
     * [pa, pa+len) with VM_EXIT_WATCH, whatever the access width or kind. */
    int (*watch_writes)(struct vm_accel *accel, uint64_t pa, uint64_t len);
    /* Optional (NULL: no debugging): replace the vCPU's debug state; called
     * only while the vCPU is not running. -VM_ENOTSUP for what the backend
     * cannot do (a kind of watchpoint, too many). */
    int (*set_debug)(struct vm_vcpu *vcpu, const struct vm_vcpu_debug *dbg);
    /* Optional: read or write guest memory as the vCPU sees it now (its
     * current translation, as a data access of its current privilege), for
     * debuggers; RAM only; no A/D updates. Returns the number of bytes done
     * (short at the first page that is not mapped or not RAM), or < 0. */
    long (*debug_access)(struct vm_vcpu *vcpu, uint64_t va, void *buf, size_t len, bool write);
    /* Optional: one line of counts of what the guest used that the
     * register sets do not show (for `vm run -v`), NUL-terminated in buf. */
    void (*vcpu_stats)(struct vm_vcpu *vcpu, char *buf, size_t size);
    /* init parses vm_accel_config.props itself; otherwise any property is
     * refused before init. */
    bool accepts_props;
};

/* The registered backends, in the order `auto` tries them. */
unsigned vm_accel_count(void);
const struct vm_accel_ops *vm_accel_at(unsigned index);
const struct vm_accel_ops *vm_accel_find(const char *name);

/* Create an accelerator. name: "auto", "soft" (alias "tcg", QEMU's name),
 * "kvm", ..., optionally followed by ",PROP=VALUE,..." for the backend
 * (soft: jit=on|off, tb-size=MiB); an unknown name
 * or a backend that cannot run this guest here fails with a message such as
 * "accelerator 'kvm' cannot run machine 'spike' (riscv64 guest on an x86-64
 * host)". With verbose, `auto` prints its choice and why to stderr. */
int vm_accel_create(const char *name, const struct vm_accel_config *cfg, bool verbose,
                    struct vm_accel **out);
void vm_accel_destroy(struct vm_accel *accel);
const struct vm_accel_ops *vm_accel_ops_of(const struct vm_accel *accel);
const struct vm_reg_map *vm_accel_reg_map(const struct vm_accel *accel);
int vm_accel_watch_writes(struct vm_accel *accel, uint64_t pa, uint64_t len);

int vm_vcpu_create(struct vm_accel *accel, const struct vm_vcpu_options *opt,
                   struct vm_vcpu **out);
void vm_vcpu_destroy(struct vm_vcpu *vcpu);
int vm_vcpu_run(struct vm_vcpu *vcpu, struct vm_exit *exit);
void vm_vcpu_kick(struct vm_vcpu *vcpu);
int vm_vcpu_get_regs(struct vm_vcpu *vcpu, enum vm_regset set, void *buf);
int vm_vcpu_set_regs(struct vm_vcpu *vcpu, enum vm_regset set, const void *buf);
/* One register by map number, zero-extended to 64 bits. */
int vm_vcpu_get_reg(struct vm_vcpu *vcpu, unsigned number, uint64_t *value);
int vm_vcpu_set_reg(struct vm_vcpu *vcpu, unsigned number, uint64_t value);
/* The backend's line of usage counts (see vcpu_stats); "" when it has none. */
void vm_vcpu_stats(struct vm_vcpu *vcpu, char *buf, size_t size);
/* Debugging (see struct vm_vcpu_debug); -VM_ENOTSUP when the backend has none. */
int vm_vcpu_set_debug(struct vm_vcpu *vcpu, const struct vm_vcpu_debug *dbg);
long vm_vcpu_debug_access(struct vm_vcpu *vcpu, uint64_t va, void *buf, size_t len, bool write);

/* Backend-private state (sized by the ops table) and owners. */
void *vm_accel_priv(struct vm_accel *accel);
void *vm_vcpu_priv(struct vm_vcpu *vcpu);
struct vm_accel *vm_vcpu_accel(struct vm_vcpu *vcpu);
const struct vm_accel_config *vm_accel_config_of(const struct vm_accel *accel);

#endif
