/* Private structures of the JIT (docs/JIT.md). */
#ifndef VM_RISCV_JIT_INTERNAL_H
#define VM_RISCV_JIT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "riscv/hart.h"
#include "riscv/jit/code_cache.h"
#include "riscv/jit/jit.h"

/* Generated code keeps rbp = (char *)hart + JIT_BIAS, so that x1..x31 are
 * within a signed byte of it (shorter instructions). */
#define JIT_BIAS 128
#define JIT_HOFF(field) ((int32_t)offsetof(struct rv_hart, field) - JIT_BIAS)
#define JIT_XOFF(r) (JIT_HOFF(x) + 8 * (int32_t)(r))
#define JIT_FOFF(r) (JIT_HOFF(f) + 8 * (int32_t)(r))

#define JIT_MAX_INSNS 128       /* guest instructions per block */
#define JIT_MAX_HOT (48 * 1024) /* bytes a block may need at most (checked) */
#define JIT_JC_BITS 14          /* jump cache: 16384 entries */
#define JIT_JC_SIZE (1u << JIT_JC_BITS)
#define JIT_HASH_BITS 15
#define JIT_HASH_SIZE (1u << JIT_HASH_BITS)
#define JIT_COLD_BITS 14        /* run counts of blocks not translated yet (64 KiB) */
#define JIT_COLD_SIZE (1u << JIT_COLD_BITS)

/* Jump cache: guest virtual pc -> host code, probed inline by indirect
 * jumps and cross-page jumps. Valid while tag equals the hart's jc_tag. */
struct jit_jc_entry {
    uint64_t va, tag;
    const uint8_t *code;
};

/* One translated block: guest code from pa to pa + bytes, all in one page. */
struct jit_block {
    uint64_t pa;
    const uint8_t *code; /* entry, executable view */
    struct jit_block *hash_next, *page_next;
    uint32_t hot_size, cold_size;
    const uint8_t *cold;
    uint16_t ninsns, bytes;
};

struct rv_jit {
    /* First, at offset 0: generated code finds it through h->jit. */
    struct jit_jc_entry jc[JIT_JC_SIZE];
    /* Then, page-aligned (the struct is mapped on its own), the block
     * look-ups, which a flush gives back to the kernel as zero pages. */
    struct jit_block *hash[JIT_HASH_SIZE];  /* by pa */
    struct jit_block *pages[JIT_HASH_SIZE]; /* by physical page; chained through page_next */

    struct code_cache cc;
    size_t hot_used, hot_end, cold_used; /* hot [reserved, hot_end), cold [hot_end, size) */
    /* Trampolines (executable view). */
    void (*enter)(void *hbias, const uint8_t *code);
    const uint8_t *exit_save;   /* store r15 as the budget, return to C */
    const uint8_t *exit_nosave; /* a helper already set pc and the budget */
    const uint8_t *exit_to_rax; /* h->pc = rax, then exit_save */
    /* The same, counting why (h->jit_exits) */
    const uint8_t *exit_limit, *exit_lookup, *exit_chain, *exit_helper;
    /* Memory slow paths: va in rax, the site word in ecx (JIT_SITE), a
     * store's value in rdx; the caller-saved host registers survive. */
    const uint8_t *slow_load, *slow_store;

    struct jit_block *blocks;
    unsigned nblocks, max_blocks;
    /* How often blocks ran in the interpreter (rv_jit_config.hot), by a
     * hash of their physical pc: blocks that share a count add up their
     * runs, so a block may be translated sooner than its own count says,
     * never later (a count that restarted on a collision could keep two
     * hot blocks that alternate interpreted for good). NULL: every block
     * is translated at once. */
    uint32_t *cold;
    unsigned hot;          /* rv_jit_config.hot */
    uint64_t flushes; /* code-cache generation: a patch site older than it is gone */

    /* Host features. */
    bool bmi1, bmi2, lzcnt, popcnt, fma3;
    unsigned mutate;  /* rv_jit_config.mutate (tests) */
    bool count_jumps; /* rv_jit_config.count_jumps (-v) */
    bool timing;      /* rv_jit_config.timing (-v) */

    /* Accesses of user mode (docs/JIT.md): for each, where its host
     * access instruction is and where its slow path starts, as offsets in
     * the code cache, in the order emitted (= ascending: the hot area is
     * a bump pointer). A host fault at one of them resumes in the other. */
    struct jit_fault_site *fault_sites;
    unsigned nfault_sites, fault_sites_cap;

    struct rv_jit_stats stats;
    FILE *perfmap;
};

struct jit_fault_site {
    uint32_t access, slow; /* slow: bit 31 = probed */
};
#define JIT_SITE_PROBED 0x80000000u

/* jit_fault.c: room for a block's accesses (false: none, translate them
 * with the probe and without sites); record one (probed: its register
 * holds the host address at the access, not the va); forget those from
 * `from` on (a block that was not kept, a flush). */
bool jit_fault_sites_reserve(struct rv_jit *j);
void jit_fault_site_add(struct rv_jit *j, const uint8_t *access_rw, const uint8_t *slow_rw,
                        bool probed);
static inline void jit_fault_sites_trim(struct rv_jit *j, unsigned from)
{
    j->nfault_sites = from;
}
/* The hart whose translated code this thread runs now (NULL outside it). */
extern __thread struct rv_hart *jit_running_hart;

/* jit_translate.c: translate the block at virtual pc (physical pa, page
 * host mapping host_page). NULL when pc cannot start a block (an
 * instruction straddling the page) or the cache is full (*full set). */
struct jit_block *jit_translate(struct rv_hart *h, uint64_t pc, uint64_t pa,
                                const uint8_t *host_page, bool *full);

/* jit_tramp.c: the entry and exit trampolines at the start of the cache. */
int jit_emit_trampolines(struct rv_jit *j);

/* jit_helpers.c: called from generated code (SysV ABI; the pair comes back
 * in rax:rdx). leave != 0: h->pc and the budget are set, leave now. */
struct jit_ret {
    uint64_t value, leave;
};
struct jit_ret jit_helper_load(struct rv_hart *h, uint64_t va, uint64_t how);
struct jit_ret jit_helper_store(struct rv_hart *h, uint64_t va, uint64_t value, uint64_t how);
struct jit_ret jit_helper_fallback(struct rv_hart *h, const struct rv_slot *s, uint64_t system);
struct jit_ret jit_helper_fp(struct rv_hart *h, const struct rv_slot *s);
/* The instruction at h->pc straddles two pages: fetched through the MMU
 * each time (the next page's mapping may differ), decoded again only when
 * its bits changed (the cache lives in the writable view of the code). */
struct jit_cross_cache {
    uint32_t bits;
    bool valid;
    struct rv_slot slot;
};
struct jit_ret jit_helper_cross(struct rv_hart *h, struct jit_cross_cache *c);
/* The packed site word of a slow path: the instruction's page offset,
 * the instructions retired before it in the block, log2 of the size,
 * sign extension, a 4-byte instruction. */
#define JIT_SITE(off, k, lg, sign, len4)                                                          \
    ((uint32_t)(off) | (uint32_t)(k) << 12 | (uint32_t)(lg) << 19 | (uint32_t)(sign) << 21 |     \
     (uint32_t)(len4) << 22)
struct jit_ret jit_slow_load(struct rv_hart *h, uint64_t va, uint32_t site, int64_t r15);
struct jit_ret jit_slow_store(struct rv_hart *h, uint64_t va, uint64_t value, uint32_t site,
                              int64_t r15);
/* `how` fields */
#define JIT_HOW_SIZE(how) ((unsigned)(how) & 0xff)
#define JIT_HOW_SIGNED 0x100
#define JIT_HOW_LEN(how) (((unsigned)(how) >> 16) & 0xff)

/* jit_debug.c */
void jit_log_block(struct rv_hart *h, const struct jit_block *b, uint64_t pc);
FILE *jit_perfmap_open(void); /* NULL if it cannot be created */
void jit_perfmap_add(struct rv_jit *j, const struct jit_block *b, uint64_t pc);

#endif
