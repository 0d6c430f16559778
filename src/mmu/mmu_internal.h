/* Private structures of the soft MMU, shared by its files. */
#ifndef VM_MMU_INTERNAL_H
#define VM_MMU_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "vm/mmu.h"

/* Flags of a cached translation: the leaf PTE's low bits, plus ours. */
#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_G (1u << 5)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define TLBE_PREFETCHED (1u << 8) /* installed by the prefetcher, not used yet */
#define TLBE_BARE (1u << 9)       /* identity translation (M-mode or satp Bare) */

#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK ((1ULL << 44) - 1)
#define PTE_RESERVED_MASK (0x7fULL << 54) /* bits 60:54 */
#define PTE_PBMT_SHIFT 61                    /* Svpbmt: 0 PMA, 1 NC, 2 IO, 3 reserved */
#define PTE_PBMT (3ULL << PTE_PBMT_SHIFT)
#define PTE_N (1ULL << 63)                   /* Svnapot */

/* One translation, as kept by L2, L3 and the L1 shadow. */
struct tlb_entry {
    uint64_t va;   /* virtual base, aligned to the page size; ~0 = invalid */
    uint64_t pa;   /* physical base */
    uint64_t satp; /* address space it was walked in (mode|asid|root) */
    uint16_t flags;
    uint8_t shift; /* page size: 12, 21, 30, 39, 48 */
};

#define TLBE_INVALID_VA (~0ULL)

static inline uint16_t satp_asid(uint64_t satp)
{
    return (uint16_t)(satp >> 44);
}
static inline unsigned satp_mode(uint64_t satp)
{
    return (unsigned)(satp >> 60);
}
static inline uint64_t satp_root(uint64_t satp)
{
    return (satp & PTE_PPN_MASK) << 12;
}

/* ---- L1: direct-mapped {tag, addend} arrays, one per access kind and
 * translation context (privilege class x SUM x MXR), so that one compare
 * decides: the permissions were checked when the entry was filled. */
struct l1_entry {
    uint64_t tag;    /* va page (low bits 0), or L1_INVALID */
    uintptr_t addend; /* host address - va */
};
#define L1_INVALID (~0ULL)
/* Tags are read and written with relaxed atomics (plain moves on x86):
 * another thread may invalidate store entries (l1_drop_store_host). */
static inline uint64_t l1_tag(const struct l1_entry *e)
{
    return __atomic_load_n(&e->tag, __ATOMIC_RELAXED);
}
static inline void l1_set_tag(struct l1_entry *e, uint64_t tag)
{
    __atomic_store_n(&e->tag, tag, __ATOMIC_RELAXED);
}

/* CTX_BARE is M-mode's identity; CTX_BARE_SU is S/U with satp = Bare,
 * apart because the PMP treats them differently. */
enum { CTX_U = 0, CTX_S = 1, CTX_BARE = 2, CTX_BARE_SU = 3 };
#define CTX_SUM 4
#define CTX_MXR 8
#define L1_CONTEXTS 16

/* ---- Page-table walk cache (per hart): non-leaf PTEs keyed by
 * (table base, level, index), LRU. */
struct ptc_node {
    uint64_t key_base;
    uint64_t pte;
    uint64_t gen;       /* L3 generation when the PTE was read */
    uint32_t key_index; /* level << 16 | index */
    int32_t hnext;      /* hash chain */
    int32_t prev, next; /* LRU list, most recent at head */
};
struct walk_cache {
    unsigned capacity, used, hmask;
    int32_t *buckets;
    struct ptc_node *nodes;
    int32_t head, tail, free_list;
    bool enabled;
};

/* ---- L2: per hart, set-associative, filled with L1 victims. */
struct tlb_l2 {
    struct tlb_entry *e; /* sets * ways */
    uint8_t *next_victim;
    unsigned sets, ways;
    unsigned shifts_present; /* bit (shift-12)/9 for each page size cached */
};

/* ---- L3: shared, sharded, seqlock per shard. */
struct l3_slot {
    _Atomic uint64_t va_shift; /* va | shift code (low bits); 0 = empty */
    _Atomic uint64_t satp;
    _Atomic uint64_t pa_flags; /* pa | flags (low 12 bits) */
};
struct l3_shard {
    _Atomic uint64_t seq; /* odd while a writer is inside */
    _Atomic uint32_t count;
    uint32_t next_victim;
    struct l3_slot *slots; /* sets * ways */
} __attribute__((aligned(64)));
struct tlb_l3 {
    struct l3_shard *shards;
    unsigned nshards, sets, ways; /* sets per shard */
    _Atomic unsigned shifts_present;
    _Atomic uint64_t gen; /* bumped by every flush */
    /* Remote flush requests posted and not yet served, machine-wide: while
     * any is, no hart may insert (its target's private walk cache may still
     * hold the old tables, and another hart could copy a stale insert into
     * its private levels after serving its own request). */
    _Atomic uint64_t outstanding;
};

/* ---- Prefetcher (per hart): a table of miss streams. */
struct pf_stream {
    uint64_t last;     /* last miss VPN of the stream (4 KiB units) */
    int64_t stride;    /* pages; 0 = untrained */
    unsigned confirmed; /* equal strides seen in a row */
    uint64_t next;     /* next VPN to prefetch */
    uint64_t used;     /* LRU stamp */
};
struct prefetcher {
    struct pf_stream *streams; /* prefetch_history_window of them */
    unsigned nstreams;
    uint64_t clock;
    bool active; /* off while the adaptive policy keeps it off */
};

/* ---- Adaptive policy state (per hart): A/B trials of each optional part,
 * timed per interval of L1 misses (see adaptive.c). */
enum { AD_PREFETCH, AD_L2, AD_L3, AD_PTC, AD_PARTS };
struct adaptive {
    unsigned ticks;     /* misses in the current interval */
    uint64_t t_start;   /* ns at the start of the interval */
    unsigned available; /* parts the configuration has */
    unsigned on;        /* parts in use now */
    unsigned current;   /* the arm chosen (on differs during a trial) */
    unsigned best;      /* calibration: fastest arm so far */
    unsigned phase, part, countdown;
    bool calibrating;   /* the first round, without pauses */
    uint64_t base_cost, trial_cost; /* fastest interval of each side, ns */
    unsigned samples;               /* intervals measured for the current side */
#define AD_CAL_MAX 8
    unsigned cal[AD_CAL_MAX], ncal, cal_i; /* calibration plan */
    bool cal_done_once;                    /* the single-part round is over */
    unsigned paid;                         /* parts that beat "none" alone */
    uint64_t none_cost;
    struct vm_mmu_stats snap;
    bool skip_l2, skip_l3, skip_ptc;
};

/* ---- PMP (pmp.c): the hart's registers and its active regions. */
#define PMP_R 1u
#define PMP_W 2u
#define PMP_X 4u
#define PMP_L 0x80u
#define PMP_RWX (PMP_R | PMP_W | PMP_X)
#define PMP_MIXED 0x100u /* the permissions differ within the range */
struct pmp_region {
    uint64_t lo, hi; /* [lo, hi) */
    uint8_t perm;    /* PMP_R/W/X, PMP_L */
};
struct pmp {
    unsigned count; /* implemented entries: 0 (no PMP), 16 or 64 */
    uint8_t cfg[VM_PMP_MAX];
    uint64_t addr[VM_PMP_MAX];
    struct pmp_region act[VM_PMP_MAX]; /* the entries not OFF, by priority */
    unsigned nact;
    bool m_checked; /* an active entry is locked: M-mode is checked too */
};

/* ---- Remote flush requests. */
struct flush_req {
    uint64_t va;
    uint16_t asid;
    bool has_va, has_asid;
};
#define FLUSH_QUEUE 16
struct flush_queue {
    pthread_mutex_t lock;
    struct flush_req q[FLUSH_QUEUE];
    unsigned n;
    bool overflow;     /* too many: flush everything */
    uint64_t requested; /* under lock */
    unsigned l3_reqs;   /* requests counted in l3.outstanding; under lock */
    _Atomic uint64_t completed;
    _Atomic int pending;
};

struct vm_mmu {
    struct vm_mem *mem;
    struct vm_mmu_config cfg;
    struct tlb_l3 l3;
    bool l3_on;
    vm_mmu_code_write_fn code_hook;
    void *code_opaque;
    uint64_t **code_watch; /* per RAM region: one bit per 4 KiB page */
    unsigned nregions;
    struct vm_mmu_hart **harts;
    unsigned nharts, harts_cap;
    pthread_mutex_t harts_lock;
};

struct reservation {
    bool valid;
    uint64_t pa;
    unsigned size;
    uint64_t value;
};

struct vm_mmu_hart {
    /* Hot: read by the inline fast path. */
    struct l1_entry *cur[VM_ACCESS_KINDS]; /* current context's tables */
    /* NULL, or a copy of cur[] kept up to date for a client that reads it
     * with one load from its own structure (the JIT's generated code). */
    struct l1_entry **cur_copy;
    /* Byte offset mask of each current table: (its entries - 1) << 4. Tables
     * grow and shrink (tlb_l1.c), so this moves with cur[]; cur_mask_copy
     * is to it what cur_copy is to cur[]. */
    uint64_t cur_mask[VM_ACCESS_KINDS];
    uint64_t *cur_mask_copy;
    bool count_hits;                       /* config's count_l1_hits */
    struct vm_mmu_stats stats;

    struct vm_mmu *mmu;
    unsigned id;
    /* An access to an exit region (vm_mem_add_mmio_exit): described for the
     * runner, then completed when the instruction runs again. */
    struct {
        bool exited, done;
        uint64_t pa, data, value;
        unsigned size;
        bool write;
    } mmio;
    uint64_t satp;
    enum vm_priv priv;
    uint64_t mstatus;
    unsigned ctx[VM_ACCESS_KINDS]; /* context index per kind */

    /* Each table holds between l1_min and l1_cap entries (l1_size: now; a
     * power of two), in a slot of l1_cap entries that is reserved, not
     * touched, beyond what the table has used. Entries past l1_size are
     * stale and never read. l1_fills counts fills since the table was last
     * cleared: it decides growth and shrinking. */
    unsigned l1_min, l1_cap;
    uint32_t l1_size[VM_ACCESS_KINDS][L1_CONTEXTS]; /* atomic: other threads read it */
    uint32_t l1_fills[VM_ACCESS_KINDS][L1_CONTEXTS];
    struct l1_entry *l1;      /* [kind][context][l1_cap] */
    struct tlb_entry *shadow; /* same shape: the full translation of each slot */
    uint32_t l1_used[VM_ACCESS_KINDS]; /* bit per context: tables with entries */
    uint64_t super_lo, super_hi;       /* VA range of superpages in L1 */

    struct tlb_l2 l2;
    bool l2_on;
    struct walk_cache ptc;
    struct prefetcher pf;
    struct adaptive ad;
    struct reservation resv;
    struct flush_queue fq;
    struct pmp pmp;
    struct vm_mmu_pte_rules rules;

    /* Debugger watchpoints (watch.c); nwatch is 0 without a debugger. */
    unsigned nwatch;
    bool watch_pass, watch_hit;
    uint64_t watch_hit_start;
    unsigned watch_hit_kind;
    struct vm_mmu_watch watch[VM_MMU_MAX_WATCH];
    /* The guest's load/store triggers (watch.c); ntrig is 0 when none. */
    unsigned ntrig, trig_hit;
    struct vm_mmu_watch trig[VM_MMU_MAX_TRIGGER_WATCH];
    /* An atomic or cbo.zero on ROM works on this copy, so its write is dropped. */
    _Alignas(64) uint8_t rom_scratch[64];
};

/* L1 (tlb_l1.c) */
int l1_init(struct vm_mmu_hart *h);
void l1_fini(struct vm_mmu_hart *h);
void l1_update_context(struct vm_mmu_hart *h);
void l1_fill(struct vm_mmu_hart *h, enum vm_access acc, uint64_t va, const struct tlb_entry *e,
             uint8_t *host_page);
void l1_flush(struct vm_mmu_hart *h, bool has_va, uint64_t va, bool has_asid, uint16_t asid);
/* Another thread may call it: drop h's store entries for one host page. */
void l1_drop_store_host(struct vm_mmu_hart *h, uintptr_t host_page);

/* L2 (tlb_l2.c) */
int l2_init(struct tlb_l2 *l2, unsigned sets, unsigned ways);
void l2_fini(struct tlb_l2 *l2);
struct tlb_entry *l2_lookup(struct tlb_l2 *l2, uint64_t va, uint16_t asid);
/* Inserts e; returns true and copies the evicted entry to *victim if one was evicted. */
bool l2_insert(struct tlb_l2 *l2, const struct tlb_entry *e, struct tlb_entry *victim);
bool l2_contains(struct tlb_l2 *l2, uint64_t va, uint16_t asid);
/* Returns the number of entries dropped that were still TLBE_PREFETCHED. */
unsigned l2_flush(struct tlb_l2 *l2, bool has_va, uint64_t va, bool has_asid, uint16_t asid);

/* L3 (tlb_l3.c) */
int l3_init(struct tlb_l3 *l3, unsigned entries, unsigned shards, unsigned ways);
void l3_fini(struct tlb_l3 *l3);
bool l3_lookup(struct tlb_l3 *l3, uint64_t va, uint64_t satp, struct tlb_entry *out);
/* Generation to pass to l3_insert: read it before the walk starts. */
uint64_t l3_generation(struct tlb_l3 *l3);
/* Inserts unless a flush ran since gen was read, the inserting hart has
 * a remote flush pending (*pending: its private walk cache may still be
 * stale), or any remote flush is outstanding (l3->outstanding). Returns
 * true if a still-prefetched entry was evicted. */
bool l3_insert(struct tlb_l3 *l3, const struct tlb_entry *e, uint64_t gen,
               _Atomic int *pending);
void l3_clear_prefetched(struct tlb_l3 *l3, const struct tlb_entry *e);
void l3_flush(struct tlb_l3 *l3, bool has_va, uint64_t va, bool has_asid, uint16_t asid);

/* Walk cache (walk_cache.c) */
int ptc_init(struct walk_cache *c, unsigned capacity, bool enabled);
void ptc_fini(struct walk_cache *c);
bool ptc_lookup(struct walk_cache *c, uint64_t base, unsigned level, unsigned index,
                uint64_t *pte, uint64_t *gen);
void ptc_insert(struct walk_cache *c, uint64_t base, unsigned level, unsigned index,
                uint64_t pte, uint64_t gen);
void ptc_remove(struct walk_cache *c, uint64_t base, unsigned level, unsigned index);
void ptc_flush(struct walk_cache *c);

/* Walker (walk.c) */
struct walk_ctx {
    enum vm_access acc;
    enum vm_priv priv; /* effective */
    bool sum, mxr;
    bool speculative; /* prefetch: no permission check; A clear fails */
    bool dry_run;     /* batch look-ups: all checks, but A/D never written */
    bool use_ptc;
    bool count;       /* demand walks count walks/pte_reads */
    /* Walk-cache entries read before this L3 generation are read again
     * from memory: a result bound for the shared L3 must not rest on a
     * PTE that a flush since then may have made stale (0: trust all). */
    uint64_t fresh_gen;
};
/* Walks satp's tables for va. Returns VM_FAULT_NONE and *out, or the fault. */
enum vm_fault mmu_walk(struct vm_mmu_hart *h, uint64_t satp, uint64_t va,
                       const struct walk_ctx *wc, struct tlb_entry *out);
bool mmu_perm_ok(uint16_t flags, enum vm_access acc, enum vm_priv priv, bool sum, bool mxr);
unsigned mmu_va_bits(uint64_t satp);
bool mmu_va_canonical(uint64_t va, unsigned bits);
/* Removes the walk-cache entries on va's path under satp. */
void mmu_ptc_forget_path(struct vm_mmu_hart *h, uint64_t satp, uint64_t va);

/* Prefetcher (prefetch.c) */
int pf_init(struct prefetcher *pf, const struct vm_mmu_config *cfg);
void pf_fini(struct prefetcher *pf);
void pf_on_miss(struct vm_mmu_hart *h, uint64_t va);
void pf_reset(struct prefetcher *pf);
/* One speculative walk of va into the prefetch level. */
bool pf_walk_and_install(struct vm_mmu *mmu, struct vm_mmu_hart *h, uint64_t satp, uint64_t va);

/* Adaptive policy (adaptive.c) */
void adaptive_init(struct vm_mmu_hart *h);
void adaptive_tick(struct vm_mmu_hart *h);

/* Level use after strategy and adaptive decisions. */
static inline bool use_l2(const struct vm_mmu_hart *h)
{
    return h->l2_on && !h->ad.skip_l2;
}
static inline bool use_l3(const struct vm_mmu_hart *h)
{
    return h->mmu->l3_on && !h->ad.skip_l3;
}

/* PMP (pmp.c). The permissions (PMP_R/W/X) priv has on every byte of
 * [lo, lo+len), or PMP_MIXED when the highest-priority entry touching the
 * range does not cover all of it (for one access: it fails). */
unsigned pmp_perms(const struct pmp *p, uint64_t lo, uint64_t len, enum vm_priv priv);
static inline unsigned pmp_bit(enum vm_access acc)
{
    return acc == VM_ACCESS_FETCH ? PMP_X : acc == VM_ACCESS_LOAD ? PMP_R : PMP_W;
}
/* True if priv may make the access [pa, pa+len). */
static inline bool pmp_allows(const struct pmp *p, uint64_t pa, uint64_t len, enum vm_access acc,
                              enum vm_priv priv)
{
    if (!p->count || (priv == VM_PRIV_M && !p->m_checked))
        return true;
    unsigned perms = pmp_perms(p, pa, len, priv);
    return perms != PMP_MIXED && (perms & pmp_bit(acc));
}

/* The fault of each kind of access. */
static inline enum vm_fault mmu_page_fault(enum vm_access acc)
{
    return acc == VM_ACCESS_FETCH  ? VM_FAULT_FETCH_PAGE
           : acc == VM_ACCESS_LOAD ? VM_FAULT_LOAD_PAGE
                                   : VM_FAULT_STORE_PAGE;
}
static inline enum vm_fault mmu_access_fault(enum vm_access acc)
{
    return acc == VM_ACCESS_FETCH  ? VM_FAULT_FETCH_ACCESS
           : acc == VM_ACCESS_LOAD ? VM_FAULT_LOAD_ACCESS
                                   : VM_FAULT_STORE_ACCESS;
}

/* The privilege an access is made with: MPRV moves loads and stores to MPP. */
static inline enum vm_priv mmu_effective_priv(const struct vm_mmu_hart *h, enum vm_access acc)
{
    if (acc != VM_ACCESS_FETCH && h->priv == VM_PRIV_M && (h->mstatus & VM_MSTATUS_MPRV))
        return (enum vm_priv)((h->mstatus >> VM_MSTATUS_MPP_SHIFT) & 3);
    return h->priv;
}

/* Miss path (mmu.c) */
enum vm_fault mmu_translate_miss(struct vm_mmu_hart *h, uint64_t va, enum vm_access acc,
                                 struct tlb_entry *out);
/* After a miss: the PMP check of the access [pa, pa+size) that the
 * translation e gives va, then the L1 fill (only for a page whose PMP
 * permissions are the same throughout; *piecewise tells when they are
 * not). *host: va's byte in host RAM, or NULL (MMIO, unbacked). */
enum vm_fault mmu_finish_miss(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                              enum vm_access acc, const struct tlb_entry *e, uint8_t **host,
                              bool *piecewise);

/* Debugger watchpoints (watch.c) */
/* Whether va's page holds a range watched for acc (keep it out of L1). */
bool mmu_watch_page(const struct vm_mmu_hart *h, uint64_t va, enum vm_access acc);
/* The check of an access of size bytes at va of the given kinds
 * (VM_MMU_WATCH_* bits): VM_FAULT_NONE, or VM_FAULT_WATCH with *tval. */
enum vm_fault mmu_watch_access(struct vm_mmu_hart *h, uint64_t va, unsigned size, unsigned kinds,
                               uint64_t *tval);
static inline enum vm_fault mmu_watch_check(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                            unsigned kinds, uint64_t *tval)
{
    if (__builtin_expect(h->nwatch == 0, 1))
        return VM_FAULT_NONE;
    return mmu_watch_access(h, va, size, kinds, tval);
}

/* The guest's triggers: VM_FAULT_NONE or VM_FAULT_TRIGGER with *tval. */
static inline enum vm_fault mmu_trigger_check(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                                              unsigned kinds, uint64_t *tval)
{
    if (__builtin_expect(h->ntrig == 0, 1))
        return VM_FAULT_NONE;
    return vm_mmu_check_triggers(h, va, size, kinds, tval);
}

/* Code watch (access.c) */
bool mmu_code_watched(struct vm_mmu *mmu, uint64_t pa);
/* The same as a full barrier (a locked read-modify-write of the word). */
bool mmu_code_watched_sync(struct vm_mmu *mmu, uint64_t pa);

static inline uint64_t l1_total_entries(const struct vm_mmu_hart *h)
{
    return (uint64_t)VM_ACCESS_KINDS * L1_CONTEXTS * h->l1_cap;
}

#endif
