/* One RISC-V hart of the soft accelerator: architectural state, the
 * decoded-instruction cache and the run loop. Private to src/riscv. */
#ifndef VM_RISCV_HART_H
#define VM_RISCV_HART_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "riscv/jit/jit.h"
#include "vm/accel.h"
#include "vm/mem.h"
#include "vm/mmu.h"
#include "vm/riscv_isa.h"

#define RV_PAGE_SIZE 4096u
#define RV_PAGE_SLOTS (RV_PAGE_SIZE / 2) /* one slot per 2-byte parcel */
/* Decoded pages per hart by default (Linux boots ~12% faster than with
 * 256); -accel tcg,dcache-pages=N chooses (a power of two, RV_DCACHE_MIN to
 * RV_DCACHE_MAX). Host memory: sizeof(struct rv_dpage) (32 KiB) per page
 * decoded so far, so at most 32 MiB per hart by default. */
#define RV_DCACHE_PAGES 1024
#define RV_DCACHE_MIN 16
#define RV_DCACHE_MAX 65536
#define RV_VCACHE_SIZE 256               /* virtual page -> decoded page */
#define RV_SLICE 16384                   /* instructions between service checks */
#define RV_MAX_WATCH 4
/* Traps in a row without one instruction retired in between: the trap
 * vector itself faults (or nothing is mapped there), which never ends. */
#define RV_TRAP_STORM_LIMIT 1000

/* One decoded instruction. `handler` is the interpreter's label for the
 * op; step is the byte distance to the next instruction's slot (one slot
 * per 2-byte parcel), so moving on is a single add. FP and system ops pack
 * their extra fields in imm (see rv_slot_fill). */
struct rv_slot {
    const void *handler;
    int32_t imm;
    uint8_t rd, rs1, rs2, step;
};
#define RV_STEP_OF_LEN(bytes) ((uint8_t)((bytes) / 2 * sizeof(struct rv_slot)))
#define RV_LEN_OF_STEP(step) ((uint64_t)(step) / sizeof(struct rv_slot) * 2)

/* The decoded form of one physical page, filled lazily slot by slot: a
 * fresh slot's handler decodes the instruction bits and replaces itself.
 * Two sentinels follow, which leave the page: sequential flow from the
 * last parcel lands on the first, and from a 4-byte instruction in the last
 * parcel (run from the scratch page) on the second. */
struct rv_dpage {
    struct rv_slot slots[RV_PAGE_SLOTS + 2];
    uint64_t pa;         /* physical page address, or RV_NO_PAGE */
    const uint8_t *host; /* host mapping of the page (guest RAM) */
    uint32_t epoch;      /* valid only if equal to the cache's epoch */
};
#define RV_NO_PAGE (~0ULL)

struct rv_vcache_entry {
    uint64_t vpn;
    uint32_t gen;
    struct rv_dpage *dp;
};

/* Which RAM holds code, machine-wide (code_watch.c): a mask of 64-byte
 * granules per page, and a log of pages whose code was overwritten. */
#define RV_CODE_REGIONS 8
#define RV_CODE_LOG 256
#define RV_MAX_HARTS 64
struct rv_code_region {
    uint64_t base, size;
    uint64_t *masks; /* one per page */
};
struct rv_code_map {
    pthread_mutex_t lock; /* mask changes, the watch, the log, the harts */
    struct rv_code_region regions[RV_CODE_REGIONS];
    unsigned nregions;
    uint64_t log[RV_CODE_LOG]; /* page addresses */
    uint64_t seq;              /* pages posted so far */
    uint64_t invalidations;
    struct rv_hart *harts[RV_MAX_HARTS];
    unsigned nharts;
};

/* Shared by the harts of one machine (the soft accelerator instance). */
struct rv_platform {
    struct vm_mem *mem;
    struct vm_mmu *mmu;
    struct { uint64_t pa, len; } watch[RV_MAX_WATCH];
    unsigned nwatch;
    struct rv_jit_config jit; /* the engine: translated code (jit.enabled) or the interpreter */
    struct rv_code_map code;
    const uint64_t *time_offset; /* mtime - timebase (the CLINT's), or NULL */
    unsigned dcache_pages;       /* decoded pages per hart (dcache-pages=) */
};

/* Reasons to leave the inner loop and look at the hart in the outer one. */
enum {
    RV_EV_WATCH = 1u << 0, /* a store hit a watched range */
    RV_EV_EXIT = 1u << 1,  /* a system op prepared h->pending_exit */
    RV_EV_IRQ = 1u << 2,   /* interrupt state changed: re-check */
    RV_EV_WFI = 1u << 3,   /* WFI with nothing pending: sleep */
    RV_EV_CROSS = 1u << 4, /* next instruction straddles a page: step it uncached */
    RV_EV_SMC = 1u << 5,   /* a store dropped a decoded page: leave it */
    RV_EV_DEBUG = 1u << 6, /* single step, a watch replay or a debug report (debug.c) */
};

/* A debugger's state of one hart (debug.c), changed only while the hart
 * does not run. Breakpoints cost nothing on the fast path: a virtual page
 * holding one never enters the virtual-page cache, so the interpreter
 * always comes back to run_from_pc() for it, which then runs that page one
 * instruction at a time with the pc checked. */
struct rv_debug {
    bool step;   /* single-step mode: each run executes one instruction */
    bool replay; /* a watched access stopped the instruction at pc: run it alone */
    bool report; /* a debug stop waits behind another exit */
    struct vm_exit saved;
    /* Where the last breakpoint or watchpoint stop left the hart: they do
     * not fire there again before an instruction retires (x86's RF flag). */
    uint64_t resume_pc, resume_retired;
    bool resume_valid;
    unsigned nbp;
    uint64_t bp[VM_DEBUG_MAX_BREAKPOINTS];
    bool active; /* breakpoints, watchpoints or single step set */
};

/* The trigger module (Sdtrig, trigger.c). */
#define RV_TRIGGERS 4
struct rv_trigger {
    uint64_t tdata1, tdata2;
};
struct rv_trig_range {
    uint64_t lo, len; /* [lo, lo + len - 1]; len ~0: to the top */
    unsigned trigger;
};
struct rv_trig {
    unsigned tselect;
    struct rv_trigger t[RV_TRIGGERS];
    /* What may fire in the current mode (rv_trig_sync). */
    bool armed;    /* some trigger is set up, in any mode */
    bool stepping; /* an icount trigger counts here: run one instruction at a time */
    bool counted;  /* icount: this instruction was counted already */
    unsigned nexec, nwatch;
    struct rv_trig_range exec[RV_TRIGGERS], exec_seen[RV_TRIGGERS];
    struct vm_mmu_watch watch[RV_TRIGGERS];
};

/* Zihpm (hpm.c): mhpmcounter3-31 counted lazily from their event's source. */
#define RV_HPM_COUNTERS VM_RISCV_HPM_COUNTERS
struct rv_hpm {
    uint64_t event[RV_HPM_COUNTERS]; /* 0: none */
    uint64_t base[RV_HPM_COUNTERS];  /* the value when `at` was taken */
    uint64_t at[RV_HPM_COUNTERS];    /* the event source's total then */
    uint32_t active;                 /* bit i: counter i has an event */
};

/* Which privileged extensions the hart has (priv_ext.c). */
struct rv_priv_ext {
    unsigned pmp_entries; /* 0 (no PMP) or 16 */
};

struct rv_hart {
    /* hot: the interpreter's state */
    uint64_t x[33]; /* x[32] absorbs writes to x0 */
    uint64_t f[32];
    uint64_t pc;
    struct vm_mmu_hart *mmu;
    uint32_t events;
    int64_t budget;       /* instructions left in this slice */
    int64_t entry_budget; /* budget when counters were last synced */
    uint64_t mstatus;
    uint8_t priv;
    uint8_t frm, fflags;

    /* CSRs */
    uint64_t medeleg, mideleg, mie, mip, mtvec, mscratch, mepc, mcause, mtval;
    uint64_t mcounteren, menvcfg, mcountinhibit;
    uint64_t stvec, sscratch, sepc, scause, stval, scounteren, senvcfg, satp, stimecmp;
    uint64_t instret, cycle, hartid;
    struct vm_riscv_isa isa; /* the extensions this hart has (riscv/isa_ext.h) */
    uint64_t total_insns; /* for the instruction limit; not guest-writable */
    uint64_t storm_retired; /* instructions retired at the last trap */
    uint32_t storm_count;   /* traps in a row with none retired in between */
    uint64_t mip_ext;     /* lines driven by devices (atomic access) */
    uint64_t fence_word;  /* target of rv_fence()'s locked RMW */
    uint32_t kick;        /* another thread wants run() to return (atomic) */
    uint32_t irq_poke;    /* a device raised a line: look at interrupts now (atomic) */

    /* decoded-instruction cache */
    struct rv_dpage *dpages; /* dc_pages of them, and the scratch page */
    unsigned dc_pages;       /* a power of two (plat->dcache_pages) */
    uint64_t *dc_used;       /* a bit per page of dpages ever filled */
    uint32_t dc_epoch;
    struct rv_vcache_entry vcache[RV_VCACHE_SIZE];
    uint32_t vc_gen;
    struct rv_dpage *scratch; /* for instructions executed uncached */

    /* exits */
    uint64_t watch_addr; /* start of the watched range that was written */
    struct vm_exit pending_exit;

    /* JIT (src/riscv/jit; NULL: the interpreter runs) */
    struct rv_jit *jit;
    /* Translated code leaves at the next block entry once budget <=
     * jit_limit: 0 normally; other threads raise it to leave now (kicks,
     * interrupt lines, code written elsewhere). One compare per block. */
    int64_t jit_limit;
    uint64_t jit_page; /* translated code: virtual base of the page it runs */
    uint32_t jit_mxcsr[2]; /* translated FP: a clean host MXCSR, and the status read */
    void *jit_l1[VM_ACCESS_KINDS]; /* the MMU's current L1 tables (vm_mmu_hart.cur_copy) */
    uint64_t jit_l1_mask[VM_ACCESS_KINDS]; /* and their index masks (cur_mask_copy) */
    /* User mode's flat guest memory (vm_riscv_vcpu_set_flat): translated
     * loads of va < jit_flat_size read jit_flat_base + va directly. What
     * the code cache was translated for; *flat is checked at every entry
     * of translated code (a change flushes; size 0: off). */
    const struct vm_riscv_flat *flat;
    uint8_t *jit_flat_base;
    uint64_t jit_flat_size;
    bool jit_flat_stores;
    /* Tag of valid jump-cache entries: flush generation << 2 | privilege
     * (fetch permissions depend on both). */
    uint64_t jc_tag;
    /* Virtual pages that may have jump-cache entries, as a filter (a bit
     * per hash of the page number): SFENCE.VMA of another page keeps them. */
    uint64_t jc_vpages[64];
    /* An unchained direct jump left translated code: the rel32 to patch. */
    const uint8_t *jit_patch;
    uint64_t jit_exits[RV_JIT_EXIT_KINDS]; /* why translated code returned to C */
    uint64_t jc_flushes; /* jump-cache generations dropped (-v) */
    /* Counted by translated code only when built to count (-v): jumps
     * that left a block by a direct jump (chained or not yet), and inline
     * jump-cache look-ups that hit. */
    uint64_t jit_direct_jumps, jit_lookup_hits;
    uint64_t code_seq; /* entries of the code map's log already seen */
    struct rv_debug dbg;
    struct rv_trig trig;
    struct rv_hpm hpm;
    /* Breakpoints, watchpoints or single step armed (set by rv_debug_set
     * while the hart is parked): engines with translated code (the JIT)
     * run the interpreter while it is set. */
    bool dbg_active;

    /* options and sleeping */
    struct vm_vcpu_options opt;
    struct rv_priv_ext pext;
    uint64_t mseccfg;          /* Zkr: SSEED, USEED */
    /* How often the guest used what the register sets do not show (vm run -v). */
    struct { uint64_t cbo_zero, cbo_mgmt, sfence_inval, seed, clmul, zkn; } used;
    uint8_t seed_buf[32];      /* host entropy for the seed CSR (seed.c) */
    unsigned seed_pos;
    struct rv_platform *plat;
    pthread_mutex_t lock;
    pthread_cond_t wake;
};

/* FENCE: a full barrier. A locked read-modify-write of a hart-private word
 * orders like mfence on x86 (and works under ThreadSanitizer, which
 * refuses atomic_thread_fence). */
static inline void rv_fence(struct rv_hart *h)
{
    __atomic_fetch_or(&h->fence_word, 0, __ATOMIC_SEQ_CST);
}

/* ---- hart.c ---- */
int rv_hart_init(struct rv_hart *h, struct rv_platform *plat, const struct vm_vcpu_options *opt);
void rv_hart_fini(struct rv_hart *h);
void rv_hart_reset(struct rv_hart *h);
int rv_hart_run(struct rv_hart *h, struct vm_exit *exit);
/* One step of rv_hart_run's loop without the slow checks: a page of the
 * interpreter, or translated code until it leaves, or one instruction
 * that straddles two pages. */
void rv_hart_step(struct rv_hart *h);
void rv_hart_kick(struct rv_hart *h);
/* Device interrupt lines (MSIP, MTIP, MEIP, SEIP): thread-safe. */
void rv_hart_set_irq(struct rv_hart *h, uint64_t mip_bits, bool level);
int rv_platform_init(struct rv_platform *plat, struct vm_mem *mem, struct vm_mmu *mmu);
void rv_platform_fini(struct rv_platform *plat);
/* The MMU's code-write hook (self-modifying code, watched ranges). */
void rv_code_write_hook(void *opaque, uint64_t pa, unsigned len);
/* Add counters of instructions run since the last sync. */
void rv_sync_counters(struct rv_hart *h);
uint64_t rv_time(const struct rv_hart *h);

/* ---- priv_ext.c ---- */
void rv_priv_ext_default(struct rv_priv_ext *e, const struct vm_vcpu_options *opt,
                         const struct vm_riscv_isa *isa);
/* menvcfg at reset. */
uint64_t rv_menvcfg_reset(const struct rv_hart *h);

/* Run the instruction at h->pc alone from the scratch page (fetched
 * through the MMU): with h->budget = 1, exactly one. */
void rv_step_uncached(struct rv_hart *h);
/* Exits due now: a watched range written, a system op's exit, a kick, the
 * instruction limit. True with *exit filled. */
bool rv_exit_due(struct rv_hart *h, struct vm_exit *exit);
static inline uint64_t rv_retired(const struct rv_hart *h)
{
    return h->total_insns + (uint64_t)(h->entry_budget - h->budget);
}

/* ---- hpm.c ---- (counter i is mhpmcounter(i + 3)) */
uint64_t rv_hpm_read(struct rv_hart *h, unsigned i);
void rv_hpm_write(struct rv_hart *h, unsigned i, uint64_t value);
void rv_hpm_set_event(struct rv_hart *h, unsigned i, uint64_t event);
/* mcountinhibit's HPM bits (3-31). */
void rv_hpm_set_inhibit(struct rv_hart *h, uint64_t inhibit);
/* Sscofpmf: the privilege is about to become `to` (mode inhibits). */
void rv_hpm_priv_change(struct rv_hart *h, unsigned to);
/* Sscofpmf: find wraps (sets OF, raises LCOFI); the slice length that
 * stops at the next wrap of an instruction counter; OF of every counter
 * (bit i + 3), as scountovf shows them. */
void rv_hpm_check(struct rv_hart *h);
int64_t rv_hpm_slice(struct rv_hart *h, int64_t slice);
uint64_t rv_hpm_overflows(const struct rv_hart *h);

/* ---- trigger.c ---- */
void rv_trig_reset(struct rv_hart *h);
/* tselect, tdata1-3, tinfo: 0, or -1 for illegal instruction. */
int rv_trig_csr_read(struct rv_hart *h, unsigned csr, uint64_t *value);
int rv_trig_csr_write(struct rv_hart *h, unsigned csr, uint64_t value);
/* Privilege, mstatus, medeleg or a trigger changed: recompute what is armed. */
void rv_trig_sync(struct rv_hart *h);
static inline void rv_trig_changed(struct rv_hart *h)
{
    if (__builtin_expect(h->trig.armed, 0))
        rv_trig_sync(h);
}
/* Does an execute trigger armed now cover virtual page vpn? */
bool rv_trig_exec_page(const struct rv_hart *h, uint64_t vpn);
/* Before running the instruction at pc: fire a matching execute trigger. */
bool rv_trig_exec_fire(struct rv_hart *h);
/* The MMU stopped an access with VM_FAULT_TRIGGER (tval: the address). */
void rv_trig_data_fire(struct rv_hart *h, uint64_t tval);
/* icount: run one instruction, counting it (or fire a pending trigger). */
void rv_trig_icount_step(struct rv_hart *h);
/* icount: a trap taken from privilege `from` (take_trap). */
void rv_trig_icount_event(struct rv_hart *h, unsigned from);
/* The host debugger's access to trigger i with Debug Mode rights (dmode,
 * action 1): write (as tdata1 = 0, tdata2, tdata1) if `write`, then read. */
int rv_trig_debug_access(struct rv_hart *h, unsigned i, uint64_t *tdata1, uint64_t *tdata2,
                         bool write);
/* dbg_active for the JIT: the debugger's state or an armed guest trigger. */
static inline void rv_update_dbg_active(struct rv_hart *h)
{
    h->dbg_active = h->dbg.active || h->trig.armed;
}

/* ---- debug.c ---- */
int rv_debug_set(struct rv_hart *h, const struct vm_vcpu_debug *dbg);
/* A breakpoint in virtual page vpn (a vcache miss asks). */
static inline bool rv_debug_page_has_bp(const struct rv_hart *h, uint64_t vpn)
{
    for (unsigned i = 0; i < h->dbg.nbp; i++)
        if (h->dbg.bp[i] >> 12 == vpn)
            return true;
    return false;
}
/* Run one instruction of a page with breakpoints, or stop at one. */
void rv_debug_page_step(struct rv_hart *h);
/* RV_EV_DEBUG is set: step, replay or report. True with *exit filled. */
bool rv_debug_service(struct rv_hart *h, struct vm_exit *exit);
/* A watchpoint stopped the access of the instruction at h->pc. */
void rv_debug_watch_stop(struct rv_hart *h);
/* The interpreter from h->pc until it leaves its page, the slice ends, a
 * trap is taken or a system op runs (one outer-loop step). */
void rv_interp_run(struct rv_hart *h);
/* Run exactly one decoded instruction at h->pc through the interpreter
 * (the JIT's fallback): on return h->pc is the next pc or a trap vector,
 * and the instruction was counted if it retired. */
void rv_exec_one(struct rv_hart *h, const struct rv_slot *s);

/* ---- exec.c ---- */
/* Run decoded instructions of one page from `insn` until the page is left,
 * the slice ends, a trap is taken or a system op runs; h->pc is then the
 * next pc. vbase is the virtual address of the page. */
void rv_exec(struct rv_hart *h, struct rv_dpage *dp, struct rv_slot *insn, uint64_t vbase);
/* Handler labels: index by enum rv_op, or by the RV_H_* extras. */
enum { RV_H_DECODE = 256, RV_H_PAGE_END, RV_H_CROSS, RV_H_COUNT };
const void *const *rv_handlers(void);
struct rv_decoded;
void rv_slot_fill(struct rv_slot *s, const struct rv_decoded *d);

/* ---- code_watch.c ---- */
int rv_code_map_init(struct rv_code_map *cm, struct vm_mem *mem);
void rv_code_map_fini(struct rv_code_map *cm);
void rv_code_map_add_hart(struct rv_platform *plat, struct rv_hart *h);
void rv_code_map_remove_hart(struct rv_platform *plat, struct rv_hart *h);
/* Before decoding or translating instructions from [pa, pa + len). */
void rv_code_mark(struct rv_hart *h, uint64_t pa, unsigned len);
/* [pa, pa + len) (within one page) was written, by hart `self` or (NULL)
 * by something else. True if it held code, which is then dropped. */
bool rv_code_written(struct rv_platform *plat, struct rv_hart *self, uint64_t pa, uint64_t len);
/* Drop the code other writers invalidated since the last call. */
void rv_code_sync(struct rv_hart *h);

/* ---- dcache.c ---- */
int rv_dcache_init(struct rv_hart *h);
void rv_dcache_fini(struct rv_hart *h);
void rv_dcache_flush(struct rv_hart *h);  /* FENCE.I: forget every page */
/* The interpreter's virtual-page cache only (a privilege change: the
 * JIT's jump cache is tagged with the privilege instead). */
static inline void rv_vcache_flush_interp(struct rv_hart *h)
{
    if (++h->vc_gen == 0) { /* wrapped: old entries could look valid again */
        for (unsigned i = 0; i < RV_VCACHE_SIZE; i++)
            h->vcache[i].dp = 0, h->vcache[i].gen = 0, h->vcache[i].vpn = ~0ULL;
        h->vc_gen = 1;
    }
}
/* Everything that caches virtual -> code look-ups: after satp writes,
 * SFENCE.VMA, remote flushes, code invalidation. */
static inline void rv_vcache_flush(struct rv_hart *h)
{
    rv_vcache_flush_interp(h);
    h->jc_tag += 4;
    h->jc_flushes++;
    memset(h->jc_vpages, 0, sizeof(h->jc_vpages));
}
static inline unsigned rv_jc_vpage_bit(uint64_t va)
{
    uint64_t vpn = va >> 12;
    return (unsigned)((vpn ^ (vpn >> 12) ^ (vpn >> 24)) & 4095);
}
/* The translation of one virtual page may have changed (SFENCE.VMA with an
 * address): forget what is cached for it, everything if it may lie in a
 * superpage. */
void rv_vcache_flush_page(struct rv_hart *h, uint64_t va);
/* Make translated code leave at its next block entry (any thread). */
static inline void rv_hart_poke(struct rv_hart *h)
{
    __atomic_store_n(&h->jit_limit, INT64_MAX, __ATOMIC_RELEASE);
    __atomic_store_n(&h->irq_poke, 1, __ATOMIC_RELEASE);
}
/* The decoded page for physical page pa (host: its RAM), (re)initialised
 * if it was not cached. */
struct rv_dpage *rv_dcache_get(struct rv_hart *h, uint64_t pa, const uint8_t *host);
/* The cached page for pa or NULL (no fill). */
struct rv_dpage *rv_dcache_peek(struct rv_hart *h, uint64_t pa);
/* The code of `page` changed: drop its decoded form. True if it had one. */
bool rv_dcache_code_written(struct rv_hart *h, uint64_t page);

/* ---- trap.c ---- */
void rv_raise(struct rv_hart *h, uint64_t cause, uint64_t tval); /* at h->pc */
void rv_raise_illegal(struct rv_hart *h);  /* at h->pc, tval = its bits */
/* The highest-priority interrupt that is pending and enabled, or -1. */
int rv_pending_interrupt(const struct rv_hart *h, uint64_t mip);
uint64_t rv_read_mip(const struct rv_hart *h);
void rv_mret(struct rv_hart *h);
void rv_sret(struct rv_hart *h);
void rv_set_priv(struct rv_hart *h, unsigned priv);
void rv_update_mmu_context(struct rv_hart *h);

/* ---- csr.c ---- */
/* 0, or -1 when the access raises illegal instruction. */
int rv_csr_read(struct rv_hart *h, unsigned csr, uint64_t *value);
int rv_csr_write(struct rv_hart *h, unsigned csr, uint64_t value);
/* Privilege and read-only checks of CSR instructions. */
int rv_csr_check(const struct rv_hart *h, unsigned csr, bool write);
/* menvcfg changed (or was reset): pass what it means for PTEs to the MMU. */
void rv_envcfg_changed(struct rv_hart *h);

/* ---- system.c ---- */
void rv_system_exec(struct rv_hart *h, const struct rv_slot *s);

/* ---- seed.c ---- */
/* A read of the seed CSR (Zkr): ES16 and 16 bits of host entropy. */
uint64_t rv_seed_read(struct rv_hart *h);

/* ---- cbo.c ---- */
/* The CBO operation op (its funct12: 0 inval, 1 clean, 2 flush, 4 zero)
 * at rs1 = addr: 0, -1 for illegal instruction, or an exception cause
 * with *tval. */
int rv_cbo_exec(struct rv_hart *h, unsigned op, uint64_t addr, uint64_t *tval);

/* ---- fp.c ---- */
/* Execute an FP arithmetic op; 0, or -1 for illegal instruction. */
int rv_fp_exec(struct rv_hart *h, const struct rv_slot *s);

/* Current hart of this host thread (set while it runs). */
extern _Thread_local struct rv_hart *rv_current_hart;

#endif
