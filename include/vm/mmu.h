/* The unified soft MMU for RISC-V: Bare/Sv39/Sv48/Sv57 translation behind a
 * per-hart L1 (direct-mapped, per access kind) and L2 (set-associative,
 * filled with L1 victims), a shared sharded L3, a page-table walk cache and a
 * translation prefetcher. See docs/MMU.md for the design. */
#ifndef VM_MMU_H
#define VM_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/mem.h"

enum vm_access { VM_ACCESS_FETCH = 0, VM_ACCESS_LOAD = 1, VM_ACCESS_STORE = 2 };
#define VM_ACCESS_KINDS 3

enum vm_priv { VM_PRIV_U = 0, VM_PRIV_S = 1, VM_PRIV_M = 3 };

/* satp.MODE values (RV64). */
enum vm_satp_mode { VM_SATP_BARE = 0, VM_SATP_SV39 = 8, VM_SATP_SV48 = 9, VM_SATP_SV57 = 10 };

/* Exception causes, as in mcause. */
enum vm_fault {
    VM_FAULT_NONE = -1,
    VM_FAULT_FETCH_MISALIGNED = 0,
    VM_FAULT_FETCH_ACCESS = 1,
    VM_FAULT_LOAD_MISALIGNED = 4,
    VM_FAULT_LOAD_ACCESS = 5,
    VM_FAULT_STORE_MISALIGNED = 6,
    VM_FAULT_STORE_ACCESS = 7,
    VM_FAULT_FETCH_PAGE = 12,
    VM_FAULT_LOAD_PAGE = 13,
    VM_FAULT_STORE_PAGE = 15,
    /* Not a RISC-V cause: a debugger's watchpoint stopped the access
     * before it happened (see vm_mmu_set_watchpoints). */
    VM_FAULT_WATCH = 64,
    /* Not a RISC-V cause either: one of the guest's own debug triggers
     * matched the access before it happened (vm_mmu_set_trigger_watches);
     * vm_mmu_trigger_hit() says which. */
    VM_FAULT_TRIGGER = 65,
    /* Nor this: the access goes to an exit region (vm_mem_add_mmio_exit);
     * vm_mmu_mmio_exit() describes it. The CPU leaves the instruction
     * undone and exits to its runner (VM_EXIT_MMIO). */
    VM_FAULT_MMIO_EXIT = 66,
};

/* How the levels are used (docs/MMU.md):
 *   MULTILEVEL  per-hart levels only: L1 -> L2 -> walk.
 *   CONCURRENT  L1 -> shared L3 -> walk; walks fill the shared level, so a
 *               translation one hart walked is a hit for the others.
 *   HYBRID      L1 -> L2 -> L3 -> walk. */
enum vm_mmu_strategy { VM_MMU_MULTILEVEL = 0, VM_MMU_CONCURRENT = 1, VM_MMU_HYBRID = 2 };

/* Every knob of the MMU. vm_mmu_config_default() documents the defaults;
 * sizes must be powers of two; l2_sets = l2_ways = 0 turns L2 off and
 * l3_entries = 0 turns L3 off. */
struct vm_mmu_config {
    enum vm_mmu_strategy strategy; /* default HYBRID */
    unsigned l1_entries;           /* per access kind and context; default 256 */
    /* 0: L1 tables keep l1_entries. Else a table that refills more than
     * twice its size between clears grows (x4) up to this many entries, and
     * shrinks again at a full flush that finds it mostly unused, so a large
     * working set is reached without paying for big tables at every
     * address-space switch (as QEMU's dynamic TLB). Default 0; the soft
     * accelerator uses 65536. */
    unsigned l1_max_entries;
    unsigned l2_sets, l2_ways;     /* default 256 x 4 */
    unsigned l3_entries;           /* shared, in all shards; default 8192 */
    unsigned l3_shards;            /* default 16 */
    unsigned l3_ways;              /* per set within a shard; default 4 */

    bool enable_page_table_cache;   /* default true */
    unsigned page_table_cache_size; /* non-leaf PTEs kept, LRU; default 1024 */

    bool enable_prefetch;             /* default true */
    unsigned prefetch_history_window; /* misses remembered; default 8 */
    unsigned prefetch_distance;       /* pages walked ahead; default 4 */
    unsigned prefetch_window;         /* largest stride, in pages, treated as a pattern; default 16 */
    unsigned prefetch_confirm;        /* equal strides needed before prefetching; default 2 */

    /* Adaptive: the combinations of prefetch, L2, L3 and walk cache are
     * timed per interval of L1 misses and the fastest is used, re-checked
     * periodically (docs/MMU.md). Off: everything configured stays on. */
    bool enable_adaptive;               /* default true */
    unsigned adaptive_interval;         /* L1 misses per measured interval; default 128 */
    unsigned adaptive_min_accuracy_pct; /* prefetch turns off below this accuracy; default 40 */
    unsigned adaptive_probe_intervals;  /* intervals between two trials; default 1024 */

    bool hw_ad_update; /* Svadu: set A/D in hardware (default true); false: fault (Svade) */

    /* Count L1 hits too (default false): an increment on every memory
     * access, so off unless asked for (-accel tcg,l1-hits=on). */
    bool count_l1_hits;
};

void vm_mmu_config_default(struct vm_mmu_config *cfg);
/* Checks every field; returns 0 or -VM_EINVAL with a message naming the field. */
int vm_mmu_config_check(const struct vm_mmu_config *cfg);

/* Statistics of one hart (or their sum). Hit-path counters are plain. */
struct vm_mmu_stats {
    uint64_t l1_hits[VM_ACCESS_KINDS]; /* counted only with config.count_l1_hits */
    uint64_t l1_misses[VM_ACCESS_KINDS];
    uint64_t l2_hits, l2_misses;
    uint64_t l3_hits, l3_misses;
    uint64_t walks;     /* demand page-table walks */
    uint64_t pte_reads; /* PTEs read from guest memory by demand walks */
    uint64_t ptc_hits, ptc_misses;
    uint64_t prefetch_issued, prefetch_useful, prefetch_wasted, prefetch_walk_reads;
    uint64_t faults;
    /* Demand walks whose leaf was a Svpbmt NC or IO page, or a Svnapot one. */
    uint64_t walk_pbmt_nc, walk_pbmt_io, walk_napot;
    uint64_t flushes;        /* SFENCE.VMA and satp-triggered flushes */
    uint64_t remote_flushes; /* flush requests served for other harts */
    uint64_t l1_resizes;     /* L1 tables grown or shrunk (l1_max_entries) */
    uint64_t adaptive_prefetch_off, adaptive_level_skips; /* toggles kept by the policy */
};

struct vm_mmu;      /* one per machine: config, shared L3, memory */
struct vm_mmu_hart; /* one per hart: L1, L2, walk cache, prefetcher, stats */

struct vm_mmu *vm_mmu_create(struct vm_mem *mem, const struct vm_mmu_config *cfg);
void vm_mmu_destroy(struct vm_mmu *mmu);
const struct vm_mmu_config *vm_mmu_get_config(const struct vm_mmu *mmu);
struct vm_mmu_hart *vm_mmu_hart_create(struct vm_mmu *mmu, unsigned hart_id);
void vm_mmu_hart_destroy(struct vm_mmu_hart *h);

/* Translation context, set by the CPU whenever it changes. */
void vm_mmu_set_satp(struct vm_mmu_hart *h, uint64_t satp); /* flushes L1 and walk cache */
uint64_t vm_mmu_get_satp(const struct vm_mmu_hart *h);
/* priv: current privilege; mstatus: the CPU's mstatus (MPRV, MPP, SUM, MXR used). */
void vm_mmu_set_context(struct vm_mmu_hart *h, enum vm_priv priv, uint64_t mstatus);

#define VM_MSTATUS_SUM (1ULL << 18)
#define VM_MSTATUS_MXR (1ULL << 19)
#define VM_MSTATUS_MPRV (1ULL << 17)
#define VM_MSTATUS_MPP_SHIFT 11

/* How a hart reads PTEs: set by the CPU from its extensions and CSRs.
 * A new hart has {config's hw_ad_update, false, false}, i.e. the
 * privileged spec without Svpbmt and Svnapot. Changing them needs no flush
 * (the spec asks software for SFENCE.VMA; the shared L3 is not flushed). */
struct vm_mmu_pte_rules {
    bool hw_ad_update; /* Svadu with menvcfg.ADUE=1: set A/D; false: page fault (Svade) */
    bool pbmt;         /* Svpbmt with menvcfg.PBMTE=1: PBMT 0-2 on leaves (3 faults); else !=0 faults */
    bool napot;        /* Svnapot: N=1 on a 4 KiB leaf with PPN[3:0]=1000 maps 64 KiB */
};
void vm_mmu_set_pte_rules(struct vm_mmu_hart *h, const struct vm_mmu_pte_rules *rules);

/* Result of a translation. */
struct vm_mmu_result {
    enum vm_fault fault; /* VM_FAULT_NONE on success */
    uint64_t tval;       /* faulting virtual address */
    uint64_t pa;
    unsigned page_shift; /* 12, 21, 30, 39, 48: the size of the leaf */
    /* The PMP permissions vary within va's 4 KiB page: only this byte was
     * checked, so every other access to the page must go through the
     * MMU's accessors (which check each one). */
    bool piecewise;
};

/* Translate va for an access of kind acc by the current context: through
 * the TLBs, walking on a miss, setting A/D as a real access would, and
 * checking the PMP for the byte at va. */
struct vm_mmu_result vm_mmu_translate(struct vm_mmu_hart *h, uint64_t va, enum vm_access acc);

/* Translate many addresses (debuggers, dumps): no A/D update, no TLB fill,
 * no stats. Returns the number translated without fault. */
size_t vm_mmu_translate_batch(struct vm_mmu_hart *h, const uint64_t *va, size_t n,
                              enum vm_access acc, struct vm_mmu_result *out);

/* Loads, stores and fetches of 1/2/4/8 bytes through the MMU. Misaligned
 * accesses are done in hardware, split at page boundaries. Return
 * VM_FAULT_NONE, or the fault with *tval set. */
enum vm_fault vm_mmu_load(struct vm_mmu_hart *h, uint64_t va, unsigned size, uint64_t *value,
                          uint64_t *tval);
enum vm_fault vm_mmu_store(struct vm_mmu_hart *h, uint64_t va, unsigned size, uint64_t value,
                           uint64_t *tval);
enum vm_fault vm_mmu_fetch(struct vm_mmu_hart *h, uint64_t va, unsigned size, uint64_t *value,
                           uint64_t *tval);

/* Atomics: a host pointer to naturally aligned guest RAM, translated for a
 * store (AMOs and SC need write permission). A misaligned address gets a
 * store/AMO misaligned fault (AMOs are not split), MMIO an access fault. */
enum vm_fault vm_mmu_amo_ptr(struct vm_mmu_hart *h, uint64_t va, unsigned size, void **host,
                             uint64_t *tval);
/* Zero a naturally aligned block of size bytes (a power of two, at most a
 * page) of RAM as one store: cache-block zero. Faults as a store. */
enum vm_fault vm_mmu_zero(struct vm_mmu_hart *h, uint64_t va, unsigned size, uint64_t *tval);
/* LR/SC: LR translates like a load and records a reservation of the 8-byte
 * granule with the value read; SC succeeds only if the reservation is still
 * held and the memory still holds that value (compare-and-swap), so any
 * other hart's change to the granule breaks it. */
enum vm_fault vm_mmu_load_reserved(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                   uint64_t *value, uint64_t *tval);
enum vm_fault vm_mmu_store_conditional(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                       uint64_t value, bool *success, uint64_t *tval);
void vm_mmu_clear_reservation(struct vm_mmu_hart *h);

/* SFENCE.VMA with rs1/rs2 semantics: has_va/has_asid say whether rs1/rs2
 * were x0. Global entries survive ASID flushes. */
void vm_mmu_sfence(struct vm_mmu_hart *h, bool has_va, uint64_t va, bool has_asid,
                   uint16_t asid);
/* Remote fence: ask another hart to do an sfence. The shared level is
 * flushed now; the target's private levels at its next vm_mmu_poll(). The
 * returned ticket is complete when vm_mmu_flush_done(target, ticket). */
uint64_t vm_mmu_request_flush(struct vm_mmu_hart *target, bool has_va, uint64_t va,
                              bool has_asid, uint16_t asid);
bool vm_mmu_flush_done(struct vm_mmu_hart *target, uint64_t ticket);
/* Called by the hart's own thread at safe points (between instructions or
 * blocks): serves pending remote flushes. Cheap when there are none.
 * Returns true if translations were flushed (caches keyed by virtual
 * address must then be dropped too). */
bool vm_mmu_poll(struct vm_mmu_hart *h);
/* False if va surely lies in no superpage this hart holds translated
 * (then an address SFENCE.VMA concerns va's 4 KiB page alone). */
bool vm_mmu_maybe_superpage(const struct vm_mmu_hart *h, uint64_t va);
/* Drop every cached translation of every level (e.g. after a dirty-log clear). */
void vm_mmu_flush_all(struct vm_mmu_hart *h);

/* Self-modifying code: a hart that keeps decoded or translated
 * instructions of a physical page watches it. Stores to a watched page
 * never take the L1 fast path; every one of them (from any path: slow
 * store, AMO, SC) calls the hook with its physical address and size, on
 * the storing hart's thread, right after the bytes are written (before,
 * for an AMO or SC). The page stays watched until unwatched. Watching
 * drops every hart's L1 store entries for the page at once; the hook is
 * set once, before harts run. */
typedef void (*vm_mmu_code_write_fn)(void *opaque, uint64_t pa, unsigned len);
void vm_mmu_set_code_write_hook(struct vm_mmu *mmu, vm_mmu_code_write_fn fn, void *opaque);
void vm_mmu_watch_code_page(struct vm_mmu_hart *h, uint64_t pa);
void vm_mmu_unwatch_code_page(struct vm_mmu *mmu, uint64_t pa);

/* Physical memory protection (privileged spec 3.7), per hart. It is
 * checked where a translation is used past L1 (the miss path, the L1 fill,
 * page-table reads and A/D writes of the walker, as S-mode accesses),
 * never on the L1 hit path: L1 only holds pages the PMP allows
 * throughout. 0 entries (the default) means no PMP: everything allowed.
 * Granularity 4 bytes. Writes follow the spec's WARL and lock rules
 * (ignored for locked entries) and drop this hart's L1 and walk cache. */
#define VM_PMP_MAX 64
/* 0, 16 or 64 implemented entries (else -1); resets them all. */
int vm_mmu_pmp_set_count(struct vm_mmu_hart *h, unsigned entries);
unsigned vm_mmu_pmp_count(const struct vm_mmu_hart *h);
void vm_mmu_pmp_reset(struct vm_mmu_hart *h); /* hart reset: all OFF, unlocked */
/* n (<= 8) configuration bytes from entry `first`, packed little-endian
 * as in pmpcfgN; unimplemented entries read 0 and ignore writes. */
uint64_t vm_mmu_pmp_read_cfg(const struct vm_mmu_hart *h, unsigned first, unsigned n);
void vm_mmu_pmp_write_cfg(struct vm_mmu_hart *h, unsigned first, unsigned n, uint64_t packed);
uint64_t vm_mmu_pmp_read_addr(const struct vm_mmu_hart *h, unsigned i);
void vm_mmu_pmp_write_addr(struct vm_mmu_hart *h, unsigned i, uint64_t value);

/* Debugger watchpoints on virtual addresses, per hart (set while the hart
 * does not run). A load or store that touches a watched range never takes
 * the L1 fast path (watched pages are kept out of L1 for that access kind),
 * and the slow path stops it before anything happens: VM_FAULT_WATCH, with
 * *tval the access's address. While the hart lets watch hits pass
 * (vm_mmu_watch_pass, to run that one instruction), the access is done.
 * Either way the first hit is recorded for vm_mmu_watch_take_hit(). AMOs
 * are a read and a write, LR a read, SC a write; fetches and page-table
 * walks are not watched. No watchpoints: no cost anywhere but a test on
 * the miss path. */
#define VM_MMU_WATCH_WRITE 1u
#define VM_MMU_WATCH_READ 2u
#define VM_MMU_MAX_WATCH 16
struct vm_mmu_watch {
    uint64_t va, len;
    unsigned kinds; /* VM_MMU_WATCH_* bits */
    /* Trigger watches only: the access size it matches (0: any), and the
     * owner's number for it (the trigger's index). */
    unsigned size, tag;
};
int vm_mmu_set_watchpoints(struct vm_mmu_hart *h, const struct vm_mmu_watch *w, unsigned n);
void vm_mmu_watch_pass(struct vm_mmu_hart *h, bool pass);
/* The first hit recorded (and forget it): the watched range's start and
 * the kind of access (one VM_MMU_WATCH_* bit). */
bool vm_mmu_watch_take_hit(struct vm_mmu_hart *h, uint64_t *range_start, unsigned *kind);

/* The guest's own load/store triggers (Sdtrig), per hart, kept apart from
 * the debugger's: set by the CPU whenever the set active in its current
 * mode changes. The same pages stay out of L1; the slow path checks them
 * before translating (a trigger outranks page and access faults) and
 * returns VM_FAULT_TRIGGER with *tval = the first byte of the access
 * inside the range; nothing is done. len = ~0 stands for "to the end". */
#define VM_MMU_MAX_TRIGGER_WATCH 8
int vm_mmu_set_trigger_watches(struct vm_mmu_hart *h, const struct vm_mmu_watch *w, unsigned n);
/* The tag of the trigger watch behind the last VM_FAULT_TRIGGER. */
unsigned vm_mmu_trigger_hit(const struct vm_mmu_hart *h);
/* The trigger check alone, for accesses the CPU makes without the
 * accessors above (cache-block management). */
enum vm_fault vm_mmu_check_triggers(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                    unsigned kinds, uint64_t *tval);

/* A debugger's look-up of one data address as privilege priv (the hart's
 * satp, SUM and MXR otherwise): like vm_mmu_translate_batch, no effects. */
struct vm_mmu_result vm_mmu_translate_as(struct vm_mmu_hart *h, uint64_t va, enum vm_priv priv);

/* The access that last gave VM_FAULT_MMIO_EXIT: false if none. */
bool vm_mmu_mmio_exit(const struct vm_mmu_hart *h, uint64_t *pa, unsigned *size, bool *write,
                      uint64_t *data);
/* The runner has served it: when the instruction runs again, that same
 * access completes (a load with value, a store as written). */
void vm_mmu_mmio_complete(struct vm_mmu_hart *h, uint64_t value);

void vm_mmu_get_stats(const struct vm_mmu_hart *h, struct vm_mmu_stats *out);
/* The parts of the hierarchy in use now and what the adaptive policy is
 * doing: "adaptive: l2+walk-cache (settled)", "fixed: l2+l3+walk-cache". */
void vm_mmu_describe_policy(const struct vm_mmu_hart *h, char *buf, size_t size);
/* The figures as text for people (a monitor's info mmu, vm run -v), one
 * item a line, each line starting with indent; policy may be NULL. Returns
 * the length it needed (as snprintf). */
size_t vm_mmu_report(char *buf, size_t size, const char *indent, const struct vm_mmu_stats *s,
                     const char *policy);
void vm_mmu_stats_add(struct vm_mmu_stats *sum, const struct vm_mmu_stats *s);
void vm_mmu_reset_stats(struct vm_mmu_hart *h);

#endif
