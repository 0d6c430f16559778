/* The JIT tier of the soft hart: RISC-V guest code translated to x86-64
 * host code, block by block (docs/JIT.md). This header is what the rest of
 * src/riscv sees; everything else is private to src/riscv/jit. */
#ifndef VM_RISCV_JIT_H
#define VM_RISCV_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rv_hart;

/* Machine-wide JIT settings (accelerator properties). */
struct rv_jit_config {
    bool enabled;      /* jit=on */
    size_t cache_size; /* code cache per hart, bytes (tb-size) */
    bool perfmap;      /* write /tmp/perf-PID.map */
    /* Count direct jumps between blocks and inline look-up hits (-v): one
     * memory increment per such jump, so only when asked. */
    bool count_jumps;
    /* Time the translator (-v): a clock_gettime system call per block,
     * a tenth of a short program's run, so only when asked. */
    bool timing;
    /* A block runs this many times in the interpreter before it is
     * translated (0: translated at once). Most code of a short-lived
     * process (the dynamic loader, libc's start-up) runs a few times, and
     * translating it costs more than interpreting it (docs/JIT.md). */
    unsigned hot;
    /* Tests only (negative controls of the differential test): translate
     * one thing wrongly on purpose. Never set by users. */
    enum {
        RV_JIT_MUTATE_NONE = 0,
        RV_JIT_MUTATE_ADD,    /* ADD computes a - b */
        RV_JIT_MUTATE_BRANCH, /* BLT branches on >= */
        RV_JIT_MUTATE_LOAD,   /* LW zero-extends */
        RV_JIT_MUTATE_STORE,  /* SD stores 4 bytes */
        RV_JIT_MUTATE_COUNT,  /* block exits count one instruction less */
        RV_JIT_MUTATE_FP,     /* the host-FPU fast path does not raise NX (fflags) */
    } mutate;
};

/* Why translated code went back to the dispatcher (counted per hart). */
enum {
    RV_JIT_EXIT_LIMIT,  /* a block entry saw the budget out or a poke */
    RV_JIT_EXIT_LOOKUP, /* an indirect or cross-page jump missed the jump cache */
    RV_JIT_EXIT_CHAIN,  /* a direct jump not chained yet */
    RV_JIT_EXIT_HELPER, /* a helper trapped, ran a system op, or saw an event */
    RV_JIT_EXIT_KINDS
};

/* Statistics of one hart, summed at exit for `-v`. */
struct rv_jit_stats {
    uint64_t blocks, guest_insns;  /* translated */
    uint64_t cold_runs;            /* blocks run in the interpreter, not hot yet */
    uint64_t translate_ns;         /* time spent translating */
    uint64_t code_bytes;           /* emitted since start (hot + cold) */
    uint64_t flushes;              /* full code-cache flushes (cache full or block table full) */
    uint64_t invalidated_pages, invalidated_blocks;
    uint64_t entries;              /* entries from the dispatcher */
    uint64_t exits[RV_JIT_EXIT_KINDS];
    uint64_t exits_lookup_miss;    /* indirect/cross-page look-ups that missed inline */
    uint64_t exits_chain;          /* direct jumps not yet chained (then patched) */
    uint64_t chains_patched;
    uint64_t direct_jumps, lookup_hits; /* with count_jumps: taken (chained or not), inline hits */
    bool jumps_counted;
    uint64_t jc_flushes;           /* jump-cache generations dropped (satp, SFENCE.VMA, invalidation) */
    uint64_t fallback_insns;       /* distinct instructions translated as interpreter calls */
    uint64_t direct_loads, direct_stores; /* translated without the probe (user mode) */
    uint64_t host_faults;          /* ... that faulted on the host and took their slow path */
    size_t cache_size, cache_used_max;
};

/* True on hosts with a code generator (x86-64). */
bool rv_jit_host_supported(void);

int rv_jit_init(struct rv_hart *h, const struct rv_jit_config *cfg);
void rv_jit_fini(struct rv_hart *h);

/* Run translated code from h->pc until it leaves: h->pc, the budget and
 * every register are then exact, as after rv_exec(). */
void rv_jit_run(struct rv_hart *h);

/* Forget every block of physical page `page` (its code changed); true if
 * there was one. */
bool rv_jit_invalidate_page(struct rv_hart *h, uint64_t page);
/* Forget every block. */
void rv_jit_flush(struct rv_hart *h);
/* In a fork()ed child (user-mode emulation): a code cache of its own. */
int rv_jit_after_fork(struct rv_hart *h);

void rv_jit_get_stats(const struct rv_hart *h, struct rv_jit_stats *out);
void rv_jit_stats_add(struct rv_jit_stats *sum, const struct rv_jit_stats *s);
void rv_jit_print_stats(FILE *f, const struct rv_jit_stats *s, unsigned harts);

#endif
