/* Differential test of the soft MMU against the reference walker.
 *
 * Random page tables for Sv39/Sv48/Sv57 live in a page-table arena at the
 * start of guest RAM; a shadow copy of the arena holds what memory must
 * contain (our PTE writes plus the A/D bits the reference says an access
 * sets), and is compared with it periodically (no speculative A/D updates,
 * none from batch translations). A random stream of translations,
 * loads/stores/fetches, batch translations, satp/context changes, PTE edits
 * with the fences a correct OS issues, extra fences and remote flushes
 * drives several harts sharing one MMU; every translation is compared with
 * the reference walker. Phases cover the strategies, small TLBs (many
 * evictions, fast adaptive decisions), Svade, L2 off, and hart-local ASIDs.
 *
 * Modelling rules that keep the comparison exact although TLBs cache:
 *  - every PTE edit is followed by SFENCE.VMA on every hart (leaf: by
 *    address, non-leaf: whole address space);
 *  - an ASID is bound to one root at a time, machine-wide (re-binding fences
 *    it on every hart), or, in the local-ASID phases, per hart (a hart
 *    fences an ASID locally whenever it binds it to another root);
 *  - global mappings exist only in shared subtrees hung under the same
 *    top-level slots (VA >= 0xffffffc000000000) of every root of every
 *    mode, so they are identical in all address spaces; leaves in the
 *    top-level slots that are copied into several roots keep A=D=1 so that
 *    the copies never differ;
 *  - lag windows: sometimes one hart gets its fence as a remote request that
 *    it serves only a few of its own translations later. Until then it may
 *    use stale translations (they are not compared), but every other hart,
 *    already fenced, is compared exactly: nothing stale may reach it, e.g.
 *    through the shared L3.
 *
 * Usage: test_mmu_diff [--seed=N] [--ops=N] [--phase=N] [--no-mmio-pte]
 *                      [--no-adaptive] [--no-lag] [--why]
 * (or MMU_DIFF_SEED / MMU_DIFF_OPS in the environment). --ops is the number
 * of vm_mmu_translate calls over all phases (of the one phase with
 * --phase); a failure prints the command that replays it. --no-adaptive
 * keeps every configured part on; --no-lag turns lag windows off; --why
 * counts the reference's reasons for faults. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ref_walker.h"
#include "vm/error.h"
#include "vm/mem.h"
#include "vm/mmu.h"

#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE (UINT64_C(64) << 20)
#define ARENA_BASE RAM_BASE
#define ARENA_SIZE (UINT64_C(16) << 20)
#define DATA_BASE (RAM_BASE + ARENA_SIZE)
#define DATA_SIZE (RAM_SIZE - ARENA_SIZE)
#define MMIO_BASE UINT64_C(0x10000000)
#define MMIO_SIZE UINT64_C(0x10000)
#define HOLE_BASE UINT64_C(0x40000000) /* nothing is mapped between 0x10010000 and RAM */
#define SHARED_VA UINT64_C(0xffffffc000000000) /* the global region, in every mode */

#define ROOTS_PER_MODE 3
#define NROOTS (3 * ROOTS_PER_MODE)
#define ROOT_BAD NROOTS /* satp pointing at unbacked memory */
#define ROOT_BARE (-1)
#define MAX_HARTS 4
#define NSHARED_TOP 6
#define MAX_COPIES (ROOTS_PER_MODE + 1)
#define NASIDS 8
#define LOG_RING 128
#define ARENA_CHECK_INTERVAL 8192

#define DEFAULT_TRANSLATIONS UINT64_C(3000000)

/* ---- random numbers: xoshiro256** seeded by splitmix64 ---- */

static uint64_t rng_s[4];

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void rng_seed(uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        rng_s[i] = splitmix(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rnd(void)
{
    uint64_t r = rotl(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;
    rng_s[2] ^= rng_s[0];
    rng_s[3] ^= rng_s[1];
    rng_s[1] ^= rng_s[2];
    rng_s[0] ^= rng_s[3];
    rng_s[2] ^= t;
    rng_s[3] = rotl(rng_s[3], 45);
    return r;
}

static uint32_t below(uint32_t n)
{
    return (uint32_t)(((rnd() >> 32) * n) >> 32);
}

static bool chance(unsigned pct)
{
    return below(100) < pct;
}

/* ---- test state ---- */

struct slot {                    /* a PTE the generator wrote and may edit */
    uint64_t addr[MAX_COPIES];   /* every copy of it */
    unsigned ncopies;
    uint64_t va;                 /* lowest VA it maps, sign-extended */
    int level;
    int root;                    /* owner, or -1 for the shared region */
    bool copied;                 /* top-level shared slot: leaves keep A=D=1 */
};

struct vec {
    uint32_t *v;
    size_t n, cap;
};

struct hart_state {
    struct vm_mmu_hart *h;
    uint64_t satp;
    int root; /* ROOT_BARE, 0..NROOTS-1, ROOT_BAD */
    uint16_t asid;
    enum vm_priv priv;
    uint64_t mstatus;
    uint64_t recent[16];
    unsigned nrecent, recent_pos;
    uint64_t stride_va;
    int64_t stride;
};

struct phase_cfg {
    const char *name;
    enum vm_mmu_strategy strategy;
    bool tiny;  /* small TLBs and walk cache, fast adaptive decisions */
    bool svadu; /* hw_ad_update */
    bool local_asids; /* ASIDs bound per hart (local fences only), else machine-wide */
    bool no_l2; /* L2 turned off (size 0) */
    unsigned nharts;
    unsigned weight; /* share of the translations */
    bool l1_grow;    /* L1 tables grow and shrink (l1_max_entries) */
};

static const struct phase_cfg phases[] = {
    {"hybrid/default/svadu", VM_MMU_HYBRID, false, true, false, false, 2, 24, false},
    {"hybrid/tiny/svadu", VM_MMU_HYBRID, true, true, false, false, 3, 20, false},
    {"hybrid/default/svade", VM_MMU_HYBRID, false, false, false, false, 2, 10, false},
    {"hybrid/tiny/svade", VM_MMU_HYBRID, true, false, false, false, 3, 8, false},
    {"concurrent/tiny/svadu", VM_MMU_CONCURRENT, true, true, false, false, 2, 8, false},
    {"multilevel/tiny/svadu", VM_MMU_MULTILEVEL, true, true, false, false, 2, 6, false},
    {"hybrid/tiny/no-l2/svadu", VM_MMU_HYBRID, true, true, false, true, 2, 6, false},
    {"hybrid/default/local-asids", VM_MMU_HYBRID, false, true, true, false, 3, 9, false},
    {"concurrent/tiny/local-asids", VM_MMU_CONCURRENT, true, true, true, false, 3, 9, false},
    {"hybrid/tiny/l1-grow/svadu", VM_MMU_HYBRID, true, true, false, false, 3, 12, true},
    {"concurrent/tiny/l1-grow/local-asids", VM_MMU_CONCURRENT, true, true, true, false, 2, 6, true},
};
#define NPHASES (sizeof(phases) / sizeof(phases[0]))

struct counters {
    uint64_t translations, ok, fault[16];
    uint64_t batch, batch_ok, ldst, ldst_ok, ldst_skipped;
    uint64_t mods, fences, remote, satp, ctx, flush_all, arena_checks;
    uint64_t lag_windows, lag_translations;
};

struct mmio_state {
    uint64_t reads, writes;
    uint64_t last_off, last_val;
    unsigned last_size;
};

static struct {
    uint64_t seed;
    unsigned phase;
    const struct phase_cfg *pc;
    uint64_t op;
    bool mmio_ptes;
    bool no_adaptive;
    bool no_lag;

    struct vm_mem *mem;
    struct vm_mmu *mmu;
    uint8_t *arena; /* host view of the arena */
    uint8_t *shadow;
    uint64_t arena_next;
    int gen_budget; /* tables the current generation may still allocate */
    bool svadu;

    struct {
        unsigned mode;
        uint64_t pa;
    } roots[NROOTS + 1];
    uint64_t g48, g57;
    unsigned shared_idx[NSHARED_TOP];

    struct slot *slots;
    size_t nslots, slots_cap;
    struct vec root_slots[NROOTS];
    struct vec shared_slots;

    uint16_t asid_mask;
    uint16_t asids[NASIDS];
    /* Root each ASID is bound to on each hart, -2: none. Machine-wide
     * binding keeps all rows equal; hart-local binding does not. */
    int asid_root[MAX_HARTS][NASIDS];

    struct hart_state harts[MAX_HARTS];
    unsigned nharts, cur;

    struct mmio_state mmio;
    struct counters c, total;

    /* A lag window: hart `lag` has remote flushes requested but not yet
     * served; it may legitimately use stale translations until its poll,
     * but no other hart may see them (e.g. through the shared L3). */
    int lag, lag_target;
    unsigned lag_left, nlag_tickets;
    uint64_t lag_va, lag_last_va; /* the edited slot's VA; the lagging hart's last VA */
    int lag_level;
    uint64_t lag_cand[8]; /* VAs under the edited slot that translated before the edit */
    unsigned nlag_cand;
    uint64_t lag_tickets[64];

    char log[LOG_RING][160];
    uint64_t log_op[LOG_RING];
    unsigned log_pos;
} T;

static const uint16_t asid_pool[NASIDS] = {0, 1, 2, 3, 7, 0x55, 0x1234, 0xffff};

static void vec_push(struct vec *v, uint32_t x)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->v = realloc(v->v, v->cap * sizeof(*v->v));
        if (!v->v)
            abort();
    }
    v->v[v->n++] = x;
}

static void logf_op(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_op(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(T.log[T.log_pos], sizeof(T.log[0]), fmt, ap);
    va_end(ap);
    T.log_op[T.log_pos] = T.op;
    T.log_pos = (T.log_pos + 1) % LOG_RING;
}

static void dump_log(void)
{
    fprintf(stderr, "  recent non-translation operations (oldest first):\n");
    for (unsigned k = 0; k < LOG_RING; k++) {
        unsigned i = (T.log_pos + k) % LOG_RING;
        if (T.log[i][0])
            fprintf(stderr, "    op %" PRIu64 ": %s\n", T.log_op[i], T.log[i]);
    }
}

static void replay_hint(void)
{
    fprintf(stderr, "  replay: test_mmu_diff --seed=0x%" PRIx64 " --phase=%u%s%s%s\n", T.seed,
            T.phase, T.mmio_ptes ? "" : " --no-mmio-pte", T.no_adaptive ? " --no-adaptive" : "",
            T.no_lag ? " --no-lag" : "");
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\nFAIL seed=0x%" PRIx64 " phase=%u (%s) op=%" PRIu64 ": ", T.seed, T.phase,
            T.pc ? T.pc->name : "-", T.op);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    dump_log();
    replay_hint();
    exit(1);
}

/* ---- guest memory: PTEs and the shadow ---- */

static uint64_t *pte_ptr(uint64_t pa)
{
    if (pa < ARENA_BASE || pa + 8 > ARENA_BASE + ARENA_SIZE || (pa & 7))
        die("internal: PTE address 0x%" PRIx64 " outside the arena", pa);
    return (uint64_t *)(T.arena + (pa - ARENA_BASE));
}

static uint64_t *shadow_ptr(uint64_t pa)
{
    return (uint64_t *)(T.shadow + (pa - ARENA_BASE));
}

static uint64_t pte_read(uint64_t pa)
{
    return __atomic_load_n(pte_ptr(pa), __ATOMIC_SEQ_CST);
}

static void pte_write(uint64_t pa, uint64_t v)
{
    __atomic_store_n(pte_ptr(pa), v, __ATOMIC_SEQ_CST);
    *shadow_ptr(pa) = v;
}

static uint64_t alloc_table(void)
{
    if (T.gen_budget <= 0 || T.arena_next + VM_PAGE_SIZE > ARENA_BASE + ARENA_SIZE)
        return 0;
    T.gen_budget--;
    uint64_t pa = T.arena_next;
    T.arena_next += VM_PAGE_SIZE;
    return pa;
}

static void check_arena(const char *when)
{
    size_t len = T.arena_next - ARENA_BASE;
    T.c.arena_checks++;
    if (memcmp(T.arena, T.shadow, len) == 0)
        return;
    for (size_t off = 0; off < len; off += 8) {
        uint64_t got, exp;
        memcpy(&got, T.arena + off, 8);
        memcpy(&exp, T.shadow + off, 8);
        if (got != exp) {
            char b1[128], b2[128];
            ref_format_pte(exp, b1, sizeof(b1));
            ref_format_pte(got, b2, sizeof(b2));
            die("page-table memory changed behind the test's back (%s; checked every %d ops):\n"
                "  PTE @0x%" PRIx64 "\n  expected %s\n  found    %s\n"
                "  (the MMU may only set A/D on the leaf of an access it performs: no\n"
                "  speculative A/D updates, e.g. from prefetch, and none from batch translations)",
                when, ARENA_CHECK_INTERVAL, ARENA_BASE + off, b1, b2);
        }
    }
}

/* ---- MMIO region ---- */

static uint64_t mmio_pattern(uint64_t off)
{
    return UINT64_C(0x1122334455667788) ^ (off * UINT64_C(0x9e3779b97f4a7c15));
}

static int mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    struct mmio_state *m = opaque;
    m->reads++;
    m->last_off = off;
    m->last_size = size;
    *value = mmio_pattern(off);
    return 0;
}

static int mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct mmio_state *m = opaque;
    m->writes++;
    m->last_off = off;
    m->last_size = size;
    m->last_val = value;
    return 0;
}

static const struct vm_mmio_ops mmio_ops = {mmio_read, mmio_write};

/* ---- page-table generation ---- */

static bool is_leaf(uint64_t pte)
{
    return (pte & PTE_V) && (pte & (PTE_R | PTE_X));
}

static bool is_pointer(uint64_t pte)
{
    return (pte & PTE_V) && !(pte & (PTE_R | PTE_X));
}

static uint64_t make_ppn_field(uint64_t pa)
{
    return ((pa >> 12) & PTE_PPN_MASK) << PTE_PPN_SHIFT;
}

static uint64_t sext(uint64_t va, unsigned bits)
{
    return (uint64_t)((int64_t)(va << (64 - bits)) >> (64 - bits));
}

static void add_slot(const struct slot *s)
{
    if (T.nslots == T.slots_cap) {
        T.slots_cap = T.slots_cap ? T.slots_cap * 2 : 1024;
        T.slots = realloc(T.slots, T.slots_cap * sizeof(*T.slots));
        if (!T.slots)
            abort();
    }
    T.slots[T.nslots] = *s;
    if (s->root >= 0)
        vec_push(&T.root_slots[s->root], (uint32_t)T.nslots);
    else
        vec_push(&T.shared_slots, (uint32_t)T.nslots);
    T.nslots++;
}

/* A random leaf (or leaf-like junk) for a slot at this level. */
static uint64_t gen_leaf(int level, bool shared, bool copied)
{
    static const uint64_t perms[] = {
        PTE_R | PTE_W | PTE_X, PTE_R | PTE_W, PTE_R, PTE_R | PTE_X, PTE_X,
        PTE_W,         /* reserved */
        PTE_W | PTE_X, /* reserved */
    };
    static const unsigned weights[] = {30, 26, 10, 13, 9, 3, 2}; /* out of 93; rest RWX */
    unsigned p = below(100), acc = 0, k;
    for (k = 0; k < 7; k++) {
        acc += weights[k];
        if (p < acc)
            break;
    }
    uint64_t pte = PTE_V | (k < 7 ? perms[k] : PTE_R | PTE_W | PTE_X);
    if (chance(35))
        pte |= PTE_U;
    if (shared && chance(50))
        pte |= PTE_G;
    if (chance(T.svadu ? 65 : 93))
        pte |= PTE_A;
    if (chance(T.svadu ? 45 : 88))
        pte |= PTE_D;
    pte |= (rnd() & 3) << PTE_RSW_SHIFT;

    uint64_t pa;
    if (level == 0) {
        unsigned w = below(100);
        if (w < 88)
            pa = DATA_BASE + (uint64_t)below((uint32_t)(DATA_SIZE >> 12)) * VM_PAGE_SIZE;
        else if (w < 92)
            pa = MMIO_BASE + (uint64_t)below((uint32_t)(MMIO_SIZE >> 12)) * VM_PAGE_SIZE;
        else if (w < 96)
            pa = HOLE_BASE + (uint64_t)below(1u << 16) * VM_PAGE_SIZE;
        else
            pa = (rnd() & PTE_PPN_MASK) << 12;
    } else {
        uint64_t size = UINT64_C(1) << (12 + 9 * level);
        if (level == 1 && chance(70))
            pa = DATA_BASE + (uint64_t)below((uint32_t)(DATA_SIZE / size)) * size;
        else if (level == 2 && chance(40))
            pa = RAM_BASE; /* covers all of RAM */
        else
            pa = ((rnd() & PTE_PPN_MASK) << 12) & ~(size - 1);
        if (chance(8)) /* misaligned superpage */
            pa |= (1 + (rnd() % ((size >> 12) - 1))) << 12;
    }
    pte |= make_ppn_field(pa);

    unsigned w = below(1000);
    if (w < 6)
        pte |= UINT64_C(1) << (54 + below(7)); /* reserved */
    else if (w < 12)
        pte |= (uint64_t)(1 + below(3)) << 61; /* PBMT */
    else if (w < 18)
        pte |= PTE_N;
    else if (w < 50)
        pte &= ~PTE_V; /* invalid, with junk in the other bits */
    if (copied)
        pte |= PTE_A | PTE_D;
    return pte;
}

static void fill_table(uint64_t tbl, int level, int root, uint64_t va_base, bool small);

/* A pointer to a fresh table (filled), or a leaf if the arena is exhausted. */
static uint64_t gen_pointer(int level, int root, uint64_t va, bool copied, bool small)
{
    uint64_t tbl = alloc_table();
    if (!tbl)
        return gen_leaf(level, root < 0, copied);
    fill_table(tbl, level - 1, root, va, small);
    uint64_t pte = PTE_V | make_ppn_field(tbl);
    if (root < 0 && chance(15))
        pte |= PTE_G; /* everything below is global */
    return pte;
}

/* A non-leaf PTE whose target does not matter (it faults first). */
static uint64_t weird_target(void)
{
    return PTE_V | make_ppn_field(ARENA_BASE + (uint64_t)below(64) * VM_PAGE_SIZE);
}

/* A PTE for a slot at `level` mapping from `va`. */
static uint64_t gen_entry(int level, int root, uint64_t va, bool copied, bool top, bool small)
{
    bool shared = root < 0;
    unsigned w = below(100);
    if (level == 0) {
        if (w < 92)
            return gen_leaf(0, shared, copied);
        if (w < 96) /* pointer at level 0: page fault */
            return PTE_V | make_ppn_field(ARENA_BASE + (uint64_t)below(64) * VM_PAGE_SIZE);
        uint64_t junk = rnd() & ~(shared ? 0 : PTE_G);
        return junk;
    }
    unsigned ptr_pct = top ? 85 : small ? 35 : 55;
    if (w < ptr_pct)
        return gen_pointer(level, root, va, copied, small);
    if (w < ptr_pct + (100 - ptr_pct) * 6 / 10)
        return gen_leaf(level, shared, copied);
    if (w < 95)
        return 0; /* invalid */
    /* Weird pointers. */
    switch (below(6)) {
    case 0: /* into a hole: access fault */
        return PTE_V | make_ppn_field(HOLE_BASE + (uint64_t)below(1u << 16) * VM_PAGE_SIZE);
    case 1: /* just past the end of RAM */
        return PTE_V | make_ppn_field(RAM_BASE + RAM_SIZE);
    case 2: /* into MMIO: not RAM, access fault */
        if (T.mmio_ptes)
            return PTE_V | make_ppn_field(MMIO_BASE);
        return 0;
    case 3: { /* A, D or U on a non-leaf: faults before its target is read */
        static const uint64_t bad[] = {PTE_A, PTE_D, PTE_U};
        return weird_target() | bad[below(3)];
    }
    case 4: /* reserved / PBMT / N on a non-leaf */
        return weird_target() | (UINT64_C(1) << (54 + below(10)));
    default:
        return gen_pointer(level, root, va, copied, true);
    }
}

static void gen_slot(uint64_t tbl, unsigned idx, int level, int root, uint64_t va, bool top,
                     bool small)
{
    struct slot s = {.ncopies = 1, .va = va, .level = level, .root = root};
    s.addr[0] = tbl + idx * 8;
    pte_write(s.addr[0], gen_entry(level, root, va, false, top, small));
    add_slot(&s);
}

static void fill_table(uint64_t tbl, int level, int root, uint64_t va_base, bool small)
{
    unsigned shift = 12 + 9 * (unsigned)level;
    unsigned n;
    if (level == 0)
        n = small ? 4 + below(12) : 8 + below(40);
    else
        n = small ? 1 + below(2) : 2 + below(3);
    unsigned start = below(512);
    for (unsigned k = 0; k < n; k++) {
        /* Level 0: a run of consecutive pages (strides for the prefetcher). */
        unsigned idx = level == 0 ? (start + k) % 512 : below(512);
        if (pte_read(tbl + idx * 8) != 0)
            continue;
        gen_slot(tbl, idx, level, root, va_base + ((uint64_t)idx << shift), false, small);
    }
    /* A few empty slots that edits may fill later. */
    for (unsigned k = 0; k < 2; k++) {
        unsigned idx = below(512);
        if (pte_read(tbl + idx * 8) != 0)
            continue;
        struct slot s = {.ncopies = 1,
                         .va = va_base + ((uint64_t)idx << shift),
                         .level = level,
                         .root = root};
        s.addr[0] = tbl + idx * 8;
        add_slot(&s);
    }
}

static bool is_shared_top(unsigned idx)
{
    for (unsigned k = 0; k < NSHARED_TOP; k++)
        if (T.shared_idx[k] == idx)
            return true;
    return false;
}

static void gen_all(void)
{
    T.arena_next = ARENA_BASE;
    T.gen_budget = 1 << 30;
    /* Glue: Sv48 roots point at g48 from index 511, Sv57 roots at g57 whose
     * 511 points at g48; g48's shared entries are copies of the Sv39 roots'. */
    T.g48 = alloc_table();
    T.g57 = alloc_table();
    pte_write(T.g57 + 511 * 8, PTE_V | make_ppn_field(T.g48));
    for (unsigned r = 0; r < NROOTS; r++) {
        T.roots[r].mode = VM_SATP_SV39 + r / ROOTS_PER_MODE;
        T.roots[r].pa = alloc_table();
        if (T.roots[r].mode == VM_SATP_SV48)
            pte_write(T.roots[r].pa + 511 * 8, PTE_V | make_ppn_field(T.g48));
        if (T.roots[r].mode == VM_SATP_SV57)
            pte_write(T.roots[r].pa + 511 * 8, PTE_V | make_ppn_field(T.g57));
    }
    T.roots[ROOT_BAD].mode = VM_SATP_SV48;
    T.roots[ROOT_BAD].pa = HOLE_BASE + 0x1000;

    /* The shared region: level-2 slots copied into every Sv39 root and g48. */
    for (unsigned k = 0; k < NSHARED_TOP; k++) {
        unsigned idx;
        do
            idx = 256 + below(256);
        while (is_shared_top(idx));
        T.shared_idx[k] = idx;
    }
    for (unsigned k = 0; k < NSHARED_TOP; k++) {
        unsigned idx = T.shared_idx[k];
        uint64_t va = sext((uint64_t)idx << 30, 39);
        T.gen_budget = 60;
        uint64_t pte = gen_entry(2, -1, va, true, true, false);
        struct slot s = {.va = va, .level = 2, .root = -1, .copied = true};
        for (unsigned r = 0; r < ROOTS_PER_MODE; r++)
            s.addr[s.ncopies++] = T.roots[r].pa + idx * 8;
        s.addr[s.ncopies++] = T.g48 + idx * 8;
        for (unsigned c = 0; c < s.ncopies; c++)
            pte_write(s.addr[c], pte);
        add_slot(&s);
    }

    /* Private regions of each root: non-global only. */
    for (unsigned r = 0; r < NROOTS; r++) {
        unsigned levels = ref_mode_levels(T.roots[r].mode);
        unsigned vabits = 12 + 9 * levels;
        unsigned top = levels - 1, n = 3 + below(3);
        T.gen_budget = 90;
        for (unsigned k = 0; k < n; k++) {
            unsigned idx;
            if (k == 0)
                idx = below(4); /* low addresses */
            else if (k == 1)
                idx = 256 + below(255); /* upper half */
            else
                idx = below(511);
            if (T.roots[r].mode == VM_SATP_SV39 && is_shared_top(idx))
                continue;
            if (pte_read(T.roots[r].pa + idx * 8) != 0)
                continue;
            uint64_t va = sext((uint64_t)idx << (12 + 9 * top), vabits);
            gen_slot(T.roots[r].pa, idx, (int)top, (int)r, va, true, false);
        }
    }
}

/* ---- choosing addresses and contexts ---- */

static unsigned hart_levels(const struct hart_state *hs)
{
    return hs->root == ROOT_BARE ? 0 : ref_mode_levels(T.roots[hs->root].mode);
}

static uint64_t slot_offset(int level)
{
    if (level == 0)
        return rnd() & 0xfff;
    uint64_t pages = UINT64_C(1) << (9 * level);
    uint64_t page = chance(60) ? below(16) : (rnd() & (pages - 1));
    return (page << 12) | (rnd() & 0xfff);
}

static struct ref_result reference_ad(const struct hart_state *hs, uint64_t va,
                                      enum vm_access acc, bool svadu);

/* A VA inside a slot of the hart's address space. Prefer slots that hold a
 * leaf the current root actually reaches (edits leave dead subtrees behind),
 * so that most accesses hit a mapping. */
static bool pick_slot_va(const struct hart_state *hs, uint64_t *va, int *level)
{
    const struct vec *v;
    int r = hs->root;
    bool live = r >= 0 && r < NROOTS;
    if (live && chance(75))
        v = &T.root_slots[r];
    else if (live)
        v = &T.shared_slots;
    else
        v = &T.root_slots[below(NROOTS)];
    if (v->n == 0)
        return false;
    for (int tries = 0; tries < 8; tries++) {
        const struct slot *s = &T.slots[v->v[below((uint32_t)v->n)]];
        *va = s->va + slot_offset(s->level);
        *level = s->level;
        if (!live || !is_leaf(pte_read(s->addr[0])))
            continue;
        struct ref_result probe = reference_ad(hs, *va, VM_ACCESS_LOAD, true);
        if (probe.leaf_level < 0)
            continue;
        /* ... and that the current privilege may use (mostly). */
        bool user = (probe.leaf_pte & PTE_U) != 0;
        if (tries < 6 && probe.translated &&
            (probe.eff_priv == VM_PRIV_U ? !user
                                         : user && !(hs->mstatus & VM_MSTATUS_SUM)))
            continue;
        for (unsigned c = 0; c < s->ncopies; c++)
            if (probe.leaf_addr == s->addr[c])
                return true;
    }
    return true;
}

static void remember(struct hart_state *hs, uint64_t va)
{
    hs->recent[hs->recent_pos] = va;
    hs->recent_pos = (hs->recent_pos + 1) % 16;
    if (hs->nrecent < 16)
        hs->nrecent++;
}

/* The unbacked root has no global mappings, so it must stay out of their
 * region: a global TLB entry from another address space may legitimately
 * serve it there (the spec makes a global mapping that differs between
 * address spaces a software bug). Every compared address passes here. */
static uint64_t keep_out_of_global(const struct hart_state *hs, uint64_t va)
{
    if (hs->root == ROOT_BAD && va >= SHARED_VA)
        va &= (UINT64_C(1) << 38) - 1;
    return va;
}

static uint64_t pick_va(struct hart_state *hs)
{
    unsigned levels = hart_levels(hs);
    unsigned vabits = levels ? 12 + 9 * levels : 39;
    unsigned p = below(100);
    uint64_t va;
    /* Untranslated (M-mode, Bare): mostly RAM, as real M-mode code would. */
    bool untranslated = hs->root == ROOT_BARE ||
                        (hs->priv == VM_PRIV_M && !(hs->mstatus & VM_MSTATUS_MPRV));
    if (untranslated && chance(60)) {
        va = chance(50) && hs->nrecent ? hs->recent[below(hs->nrecent)]
                                       : DATA_BASE + (rnd() % DATA_SIZE);
        return va;
    }
    if (p < 50 && hs->nrecent) { /* a page that translated recently: TLB hits */
        va = hs->recent[below(hs->nrecent)];
        if (chance(50))
            va = (va & ~UINT64_C(0xfff)) | (rnd() & 0xfff);
    } else if (p < 88) {
        int level = -1;
        if (!pick_slot_va(hs, &va, &level))
            va = rnd();
        if (p < 50 && level == 0) { /* start a strided walk here */
            static const int64_t strides[] = {1, 1, 2, -1, 3, 4};
            hs->stride_va = va;
            hs->stride = strides[below(6)];
        }
    } else if (p < 93) {
        hs->stride_va += (uint64_t)(hs->stride * (int64_t)VM_PAGE_SIZE);
        va = hs->stride_va;
    } else if (p < 97) {
        /* Non-canonical: a mapped-looking address with one high bit flipped. */
        int level;
        if (!pick_slot_va(hs, &va, &level))
            va = rnd();
        va ^= UINT64_C(1) << (vabits + below(64 - vabits));
    } else {
        va = sext(rnd(), vabits);
    }
    return keep_out_of_global(hs, va);
}

static void random_context(struct hart_state *hs)
{
    unsigned p = below(100);
    hs->priv = p < 45 ? VM_PRIV_S : p < 80 ? VM_PRIV_U : VM_PRIV_M;
    hs->mstatus = 0;
    if (chance(50))
        hs->mstatus |= VM_MSTATUS_SUM;
    if (chance(30))
        hs->mstatus |= VM_MSTATUS_MXR;
    /* MPRV is only ever set in M-mode (MRET/SRET to a lower mode clear it). */
    if (hs->priv == VM_PRIV_M && chance(60)) {
        static const uint64_t mpp[] = {VM_PRIV_U, VM_PRIV_S, VM_PRIV_S, VM_PRIV_M};
        hs->mstatus |= VM_MSTATUS_MPRV | (mpp[below(4)] << VM_MSTATUS_MPP_SHIFT);
    }
    vm_mmu_set_context(hs->h, hs->priv, hs->mstatus);
}

static enum vm_access pick_access(void)
{
    unsigned p = below(100);
    return p < 25 ? VM_ACCESS_FETCH : p < 65 ? VM_ACCESS_LOAD : VM_ACCESS_STORE;
}

/* ---- fences ---- */

static void fence_hart(unsigned i, bool has_va, uint64_t va, bool has_asid, uint16_t asid)
{
    struct hart_state *hs = &T.harts[i];
    T.c.fences++;
    if (i == T.cur || ((int)i != T.lag_target && chance(50))) {
        vm_mmu_sfence(hs->h, has_va, va, has_asid, asid);
        return;
    }
    /* As if an IPI made the target run SFENCE.VMA: remote request + poll. */
    T.c.remote++;
    uint64_t ticket = vm_mmu_request_flush(hs->h, has_va, va, has_asid, asid);
    if ((int)i == T.lag_target && T.nlag_tickets < 64) {
        T.lag_tickets[T.nlag_tickets++] = ticket; /* served when the lag window ends */
        return;
    }
    vm_mmu_poll(hs->h);
    if (!vm_mmu_flush_done(hs->h, ticket))
        die("vm_mmu_flush_done(hart %u, ticket %" PRIu64 ") is false after vm_mmu_poll", i,
            ticket);
}

static void fence_everywhere(bool has_va, uint64_t va, bool has_asid, uint16_t asid)
{
    for (unsigned i = 0; i < T.nharts; i++)
        fence_hart(i, has_va, va, has_asid, asid);
}

static uint16_t eff_asid(uint16_t a)
{
    return a & T.asid_mask;
}

/* ---- satp ---- */

static void set_satp_asid(unsigned hi, int root, int want_asid)
{
    struct hart_state *hs = &T.harts[hi];
    if (root == ROOT_BARE) {
        hs->root = ROOT_BARE;
        hs->satp = 0;
        hs->asid = 0;
        vm_mmu_set_satp(hs->h, 0);
        logf_op("hart %u: satp <- Bare", hi);
        return;
    }
    bool local = T.pc->local_asids;
    /* Machine-wide binding: an ASID no other hart is using with another root. */
    unsigned cand[NASIDS], nc = 0;
    for (unsigned k = 0; k < NASIDS; k++) {
        bool ok = true;
        for (unsigned j = 0; j < T.nharts && !local; j++) {
            const struct hart_state *o = &T.harts[j];
            if (j != hi && o->root != ROOT_BARE && eff_asid(o->asid) == eff_asid(T.asids[k]) &&
                o->root != root)
                ok = false;
        }
        if (ok)
            cand[nc++] = k;
    }
    unsigned k = cand[below(nc)];
    for (unsigned c = 0; c < nc && want_asid >= 0; c++)
        if (eff_asid(T.asids[cand[c]]) == want_asid)
            k = cand[c];
    uint16_t asid = eff_asid(T.asids[k]);
    for (unsigned k2 = 0; k2 < NASIDS; k2++) {
        if (eff_asid(T.asids[k2]) != asid || T.asid_root[hi][k2] == root)
            continue;
        if (local) {
            /* Hart-local ASIDs (e.g. Linux without ASID allocation): the
             * hart fences the ASID locally whenever it binds it anew. */
            logf_op("hart %u: ASID 0x%x bound to root %d (was %d): local sfence(asid)", hi,
                    asid, root, T.asid_root[hi][k2]);
            T.c.fences++;
            vm_mmu_sfence(hs->h, false, 0, true, asid);
            T.asid_root[hi][k2] = root;
            continue;
        }
        /* Re-binding the ASID machine-wide: the OS fences it on every hart first. */
        if (T.asid_root[hi][k2] != -2) {
            logf_op("ASID 0x%x re-bound from root %d to %d: sfence(asid) everywhere", asid,
                    T.asid_root[hi][k2], root);
            fence_everywhere(false, 0, true, asid);
        }
        for (unsigned j = 0; j < T.nharts; j++)
            T.asid_root[j][k2] = root;
    }
    hs->root = root;
    hs->asid = asid;
    hs->satp = ref_make_satp(T.roots[root].mode, asid, T.roots[root].pa);
    vm_mmu_set_satp(hs->h, hs->satp);
    logf_op("hart %u: satp <- %s asid=0x%x root=%d @0x%" PRIx64, hi,
            ref_mode_name(T.roots[root].mode), asid, root, T.roots[root].pa);
}

static void set_satp(unsigned hi, int root)
{
    set_satp_asid(hi, root, -1);
}

static void random_satp(unsigned hi)
{
    unsigned p = below(100);
    T.c.satp++;
    if (p < 35 && T.nharts > 1) {
        /* Join another hart's address space: the harts then share L3 entries. */
        unsigned j = below(T.nharts);
        if (j != hi && T.harts[j].root >= 0 && T.harts[j].root < NROOTS) {
            set_satp_asid(hi, T.harts[j].root, T.harts[j].asid);
            return;
        }
    }
    int root = p < 40 ? ROOT_BARE : p < 43 ? ROOT_BAD : (int)below(NROOTS);
    set_satp(hi, root);
}

/* ---- comparing ---- */

static void print_context(const struct hart_state *hs, uint64_t va, enum vm_access acc)
{
    fprintf(stderr,
            "  hart=%u satp=0x%016" PRIx64 " (%s asid=0x%x root=%d) priv=%s mstatus=0x%" PRIx64
            " (SUM=%d MXR=%d MPRV=%d MPP=%u) svadu=%d\n  access=%s va=0x%016" PRIx64 "\n",
            (unsigned)(hs - T.harts), hs->satp, ref_mode_name((unsigned)(hs->satp >> 60)),
            hs->asid, hs->root, ref_priv_name(hs->priv), hs->mstatus,
            !!(hs->mstatus & VM_MSTATUS_SUM), !!(hs->mstatus & VM_MSTATUS_MXR),
            !!(hs->mstatus & VM_MSTATUS_MPRV),
            (unsigned)((hs->mstatus >> VM_MSTATUS_MPP_SHIFT) & 3), T.svadu,
            ref_access_name(acc), va);
}

static void mismatch(const char *what, const struct hart_state *hs, uint64_t va,
                     enum vm_access acc, const struct ref_result *exp,
                     const struct vm_mmu_result *got) __attribute__((noreturn));
static void mismatch(const char *what, const struct hart_state *hs, uint64_t va,
                     enum vm_access acc, const struct ref_result *exp,
                     const struct vm_mmu_result *got)
{
    fprintf(stderr, "\nMISMATCH (%s) seed=0x%" PRIx64 " phase=%u (%s) op=%" PRIu64 "\n", what,
            T.seed, T.phase, T.pc->name, T.op);
    print_context(hs, va, acc);
    ref_print_result(stderr, "expected", exp);
    if (got)
        fprintf(stderr,
                "  got:      fault=%d tval=0x%" PRIx64 " pa=0x%" PRIx64 " page_shift=%u\n",
                (int)got->fault, got->tval, got->pa, got->page_shift);
    if (exp->leaf_level >= 0) {
        char b[128];
        ref_format_pte(pte_read(exp->leaf_addr), b, sizeof(b));
        fprintf(stderr, "  leaf PTE in memory now: %s\n", b);
    }
    dump_log();
    replay_hint();
    exit(1);
}

static struct ref_result reference_ad(const struct hart_state *hs, uint64_t va,
                                      enum vm_access acc, bool svadu)
{
    struct ref_ctx ctx = {.satp = hs->satp, .priv = hs->priv, .mstatus = hs->mstatus,
                          .svadu = svadu};
    return ref_translate(T.mem, &ctx, va, acc);
}

static struct ref_result reference(const struct hart_state *hs, uint64_t va, enum vm_access acc)
{
    return reference_ad(hs, va, acc, T.svadu);
}

/* Does the MMU's result agree with the reference? NULL if so. */
static const char *compare(const struct ref_result *e, const struct vm_mmu_result *g)
{
    if (e->fault != g->fault)
        return "fault";
    if (e->fault != VM_FAULT_NONE)
        return g->tval == e->tval ? NULL : "tval";
    if (g->pa != e->pa)
        return "pa";
    if (e->translated && g->page_shift != e->page_shift)
        return "page_shift";
    return NULL;
}

/* After an access: the leaf PTE must hold exactly the A/D bits it set. */
static void check_ad(const struct hart_state *hs, uint64_t va, enum vm_access acc,
                     const struct ref_result *e, const struct vm_mmu_result *g, bool lenient)
{
    if (e->leaf_level < 0)
        return;
    uint64_t want = e->leaf_pte | (e->fault == VM_FAULT_NONE ? e->ad_set : 0);
    uint64_t now = pte_read(e->leaf_addr);
    if (now != want && !(lenient && now == e->leaf_pte)) {
        char b1[128], b2[128];
        ref_format_pte(want, b1, sizeof(b1));
        ref_format_pte(now, b2, sizeof(b2));
        fprintf(stderr, "\nA/D bits wrong after the access: leaf PTE @0x%" PRIx64
                        "\n  expected %s\n  found    %s\n",
                e->leaf_addr, b1, b2);
        mismatch("A/D update", hs, va, acc, e, g);
    }
    *shadow_ptr(e->leaf_addr) = now;
}

/* Why translations failed (reference reasons), for --why. */
static struct {
    const char *why[64];
    uint64_t n[64];
    unsigned used;
    bool on;
} reasons;

static void count_reason(const char *why)
{
    if (!reasons.on)
        return;
    for (unsigned k = 0; k < reasons.used; k++)
        if (reasons.why[k] == why) {
            reasons.n[k]++;
            return;
        }
    if (reasons.used < 64) {
        reasons.why[reasons.used] = why;
        reasons.n[reasons.used++] = 1;
    }
}

static void count_result(const struct vm_mmu_result *g)
{
    T.c.translations++;
    if (g->fault == VM_FAULT_NONE)
        T.c.ok++;
    else if ((unsigned)g->fault < 16)
        T.c.fault[g->fault]++;
}

/* ---- operations ---- */

/* Mostly an access the leaf allows, so that most translations succeed:
 * probe the mapping (the reference only reads) and pick the access kind, and
 * sometimes the privilege, to match it. */
static enum vm_access directed_access(unsigned hi, uint64_t va)
{
    struct hart_state *hs = &T.harts[hi];
    if (!chance(75))
        return pick_access();
    struct ref_result probe = reference_ad(hs, va, VM_ACCESS_LOAD, true);
    if (probe.leaf_level < 0)
        return pick_access();
    uint64_t pte = probe.leaf_pte;
    enum vm_access ok[3];
    unsigned n = 0;
    if (pte & PTE_X)
        ok[n++] = VM_ACCESS_FETCH;
    if ((pte & PTE_R) || ((pte & PTE_X) && (hs->mstatus & VM_MSTATUS_MXR)))
        ok[n++] = VM_ACCESS_LOAD;
    if (pte & PTE_W)
        ok[n++] = VM_ACCESS_STORE;
    enum vm_access acc = n ? ok[below(n)] : pick_access();
    return acc;
}

static void translate_va_on(unsigned hi, uint64_t va, enum vm_access acc);

static void translate_on(unsigned hi)
{
    uint64_t va = pick_va(&T.harts[hi]);
    translate_va_on(hi, va, directed_access(hi, va));
}

static void translate_va_on(unsigned hi, uint64_t va, enum vm_access acc)
{
    struct hart_state *hs = &T.harts[hi];
    va = keep_out_of_global(hs, va);
    struct ref_result e = reference(hs, va, acc);
    struct vm_mmu_result g = vm_mmu_translate(hs->h, va, acc);
    const char *bad = compare(&e, &g);
    if (bad)
        mismatch(bad, hs, va, acc, &e, &g);
    check_ad(hs, va, acc, &e, &g, false);
    if (e.fault == VM_FAULT_NONE)
        remember(hs, va);
    count_result(&g);
    count_reason(e.why);
}

static void op_batch(void)
{
    struct hart_state *hs = &T.harts[T.cur];
    uint64_t va[32];
    struct ref_result e[32];
    struct vm_mmu_result g[32];
    size_t n = 1 + below(32), ok = 0;
    enum vm_access acc = pick_access();
    for (size_t i = 0; i < n; i++) {
        va[i] = pick_va(hs);
        /* What the access would get (under the MMU's A/D policy); that it
         * writes no A/D is checked below. */
        e[i] = reference(hs, va[i], acc);
        if (e[i].fault == VM_FAULT_NONE)
            ok++;
    }
    memset(g, 0, sizeof(g));
    size_t got_ok = vm_mmu_translate_batch(hs->h, va, n, acc, g);
    for (size_t i = 0; i < n; i++) {
        const char *bad = compare(&e[i], &g[i]);
        if (bad) {
            fprintf(stderr, "\nvm_mmu_translate_batch, entry %zu of %zu:\n", i, n);
            mismatch(bad, hs, va[i], acc, &e[i], &g[i]);
        }
        /* No A/D update: the leaf must be as it was. */
        if (e[i].leaf_level >= 0 && pte_read(e[i].leaf_addr) != e[i].leaf_pte) {
            fprintf(stderr, "\nvm_mmu_translate_batch modified the leaf PTE (entry %zu)\n", i);
            mismatch("batch modified memory", hs, va[i], acc, &e[i], &g[i]);
        }
    }
    if (got_ok != ok)
        die("vm_mmu_translate_batch returned %zu, but %zu of %zu translations succeed", got_ok,
            ok, n);
    T.c.batch += n;
    T.c.batch_ok += ok;
}

static bool in_range(uint64_t pa, uint64_t size, uint64_t base, uint64_t len)
{
    return pa >= base && pa - base < len && size <= len - (pa - base);
}

/* A load, store or fetch through the MMU's access functions (aligned, inside
 * one page): the translation as the reference says, then the physical access. */
static void op_ldst(void)
{
    struct hart_state *hs = &T.harts[T.cur];
    uint64_t va = pick_va(hs);
    enum vm_access acc = directed_access(T.cur, va);
    unsigned size = acc == VM_ACCESS_FETCH ? 2u << below(2) : 1u << below(4);
    va &= ~(uint64_t)(size - 1);
    uint64_t value = rnd();
    struct ref_result e = reference(hs, va, acc);
    bool ram = false, mmio = false;
    if (e.fault == VM_FAULT_NONE) {
        ram = vm_mem_ram_ptr(T.mem, e.pa, size) != NULL;
        mmio = in_range(e.pa, size, MMIO_BASE, MMIO_SIZE);
        /* Stores into the page tables would change them without a fence;
         * fetches from MMIO are a PMA question this test leaves alone. */
        if ((acc == VM_ACCESS_STORE && in_range(e.pa, size, ARENA_BASE, ARENA_SIZE)) ||
            (acc == VM_ACCESS_FETCH && mmio)) {
            T.c.ldst_skipped++;
            return;
        }
    }
    uint64_t before = 0;
    if (ram)
        vm_mem_load(T.mem, e.pa, size, &before);
    uint64_t mmio_reads = T.mmio.reads, mmio_writes = T.mmio.writes;

    uint64_t got_val = 0, tval = 0;
    enum vm_fault f;
    if (acc == VM_ACCESS_LOAD)
        f = vm_mmu_load(hs->h, va, size, &got_val, &tval);
    else if (acc == VM_ACCESS_FETCH)
        f = vm_mmu_fetch(hs->h, va, size, &got_val, &tval);
    else
        f = vm_mmu_store(hs->h, va, size, value, &tval);

    /* The access functions report no pa: "got" shows the fault and tval only. */
    struct vm_mmu_result g = {.fault = f, .tval = tval};
    enum vm_fault want = e.fault;
    if (want == VM_FAULT_NONE && !ram && !mmio)
        want = ref_access_fault(acc); /* translated to unbacked memory */
    if (f != want) {
        struct ref_result e2 = e;
        e2.fault = want;
        e2.tval = va;
        if (want != e.fault)
            e2.why = "physical address not backed: access fault";
        fprintf(stderr, "\nvm_mmu_%s of %u bytes\n", ref_access_name(acc), size);
        mismatch("access fault", hs, va, acc, &e2, &g);
    }
    if (f != VM_FAULT_NONE && tval != va) {
        fprintf(stderr, "\nvm_mmu_%s of %u bytes: tval 0x%" PRIx64 "\n", ref_access_name(acc),
                size, tval);
        mismatch("access tval", hs, va, acc, &e, &g);
    }
    uint64_t mask = size == 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * size)) - 1;
    if (f == VM_FAULT_NONE) {
        uint64_t want_val = 0;
        bool bad = false;
        if (ram && acc != VM_ACCESS_STORE) {
            bad = got_val != before;
            want_val = before;
        } else if (ram) {
            uint64_t after = 0;
            vm_mem_load(T.mem, e.pa, size, &after);
            bad = after != (value & mask);
            want_val = value & mask;
            got_val = after;
        } else if (acc == VM_ACCESS_LOAD) {
            want_val = mmio_pattern(e.pa - MMIO_BASE) & mask;
            bad = got_val != want_val || T.mmio.reads != mmio_reads + 1 ||
                  T.mmio.last_off != e.pa - MMIO_BASE || T.mmio.last_size != size;
        } else {
            want_val = value & mask;
            got_val = T.mmio.last_val & mask;
            bad = T.mmio.writes != mmio_writes + 1 || T.mmio.last_off != e.pa - MMIO_BASE ||
                  T.mmio.last_size != size || got_val != want_val;
        }
        if (bad) {
            fprintf(stderr,
                    "\nvm_mmu_%s of %u bytes at pa 0x%" PRIx64 " (%s): value 0x%" PRIx64
                    ", expected 0x%" PRIx64 " (MMIO calls: reads %" PRIu64 "->%" PRIu64
                    " writes %" PRIu64 "->%" PRIu64 ", last off 0x%" PRIx64 " size %u)\n",
                    ref_access_name(acc), size, e.pa, ram ? "RAM" : "MMIO", got_val, want_val,
                    mmio_reads, T.mmio.reads, mmio_writes, T.mmio.writes, T.mmio.last_off,
                    T.mmio.last_size);
            mismatch("data", hs, va, acc, &e, &g);
        }
        T.c.ldst_ok++;
    }
    /* A physical access fault after a successful translation: the spec's
     * order sets A/D first, but not doing so is defensible; accept both. */
    check_ad(hs, va, acc, &e, &g, e.fault == VM_FAULT_NONE && f != VM_FAULT_NONE);
    T.c.ldst++;
}

static uint16_t random_pool_asid(void)
{
    return eff_asid(T.asids[below(NASIDS)]);
}

static void op_sfence(bool remote)
{
    unsigned hi = below(T.nharts);
    if (remote && T.nharts > 1)
        while (hi == T.cur)
            hi = below(T.nharts);
    bool has_va = chance(50), has_asid = chance(50);
    uint64_t va = has_va ? pick_va(&T.harts[hi]) : 0;
    uint16_t asid = has_asid ? random_pool_asid() : 0;
    logf_op("extra %s on hart %u: va=%s0x%" PRIx64 " asid=%s0x%x", remote ? "remote flush" : "sfence",
            hi, has_va ? "" : "x0/", va, has_asid ? "" : "x0/", asid);
    if (!remote) {
        T.c.fences++;
        vm_mmu_sfence(T.harts[hi].h, has_va, va, has_asid, asid);
        return;
    }
    T.c.remote++;
    uint64_t ticket = vm_mmu_request_flush(T.harts[hi].h, has_va, va, has_asid, asid);
    if (chance(30)) /* the target may translate before it polls */
        translate_on(hi);
    vm_mmu_poll(T.harts[hi].h);
    if (!vm_mmu_flush_done(T.harts[hi].h, ticket))
        die("vm_mmu_flush_done(hart %u) false after vm_mmu_poll", hi);
}

/* ASIDs bound to a root on a hart (distinct effective values). */
static unsigned root_asids(unsigned hart, int root, uint16_t *out)
{
    unsigned n = 0;
    for (unsigned k = 0; k < NASIDS; k++) {
        if (T.asid_root[hart][k] != root)
            continue;
        uint16_t a = eff_asid(T.asids[k]);
        bool dup = false;
        for (unsigned j = 0; j < n; j++)
            dup |= out[j] == a;
        if (!dup)
            out[n++] = a;
    }
    return n;
}

/* VAs under the slot that some hart can translate now: after the edit, a
 * lagging hart may still walk them through stale cached PTEs. */
static void collect_lag_candidates(const struct slot *s)
{
    T.nlag_cand = 0;
    uint64_t size = UINT64_C(1) << (12 + 9 * s->level);
    const struct vec *v = s->root >= 0 ? &T.root_slots[s->root] : &T.shared_slots;
    if (v->n == 0)
        return;
    size_t start = below((uint32_t)v->n);
    for (size_t i = 0; i < v->n && i < 4096 && T.nlag_cand < 8; i++) {
        const struct slot *c = &T.slots[v->v[(start + i) % v->n]];
        if (c->va - s->va < size && c->level < s->level && is_leaf(pte_read(c->addr[0])))
            T.lag_cand[T.nlag_cand++] = c->va + (rnd() & 0xfff);
    }
}

static void modify_and_fence(void)
{
    /* A copy: generating a subtree may grow (move) the slot array. */
    const struct slot slot_copy = T.slots[below((uint32_t)T.nslots)];
    const struct slot *s = &slot_copy;
    bool shared = s->root < 0;
    collect_lag_candidates(s);
    /* Sometimes one other hart will serve the fence late (a lag window).
     * It first walks half of the mapped VAs under the slot, so that its
     * walk cache holds the path the edit may change. */
    if (T.nharts > 1 && chance(30) && !T.no_lag) {
        /* Prefer a hart running the edited address space. */
        unsigned c[MAX_HARTS], n = 0;
        for (unsigned j = 0; j < T.nharts; j++)
            if (j != T.cur && (T.harts[j].root == s->root || (shared && T.harts[j].root >= 0 &&
                                                              T.harts[j].root < NROOTS)))
                c[n++] = j;
        if (n == 0)
            for (unsigned j = 0; j < T.nharts; j++)
                if (j != T.cur)
                    c[n++] = j;
        T.lag_target = (int)c[below(n)];
        T.nlag_tickets = 0;
        for (unsigned c2 = 0; c2 < T.nlag_cand / 2; c2++)
            translate_va_on((unsigned)T.lag_target, T.lag_cand[c2], VM_ACCESS_LOAD);
    }
    uint64_t old = pte_read(s->addr[0]), nw;
    unsigned k = below(100);
    T.gen_budget = 3;
    if (is_leaf(old)) {
        if (k < 25) {
            nw = old & ~(chance(50) ? PTE_A | PTE_D : PTE_D); /* page aging / cleaning */
        } else if (k < 45) {
            nw = (gen_leaf(s->level, shared, s->copied) & ~(PTE_PPN_MASK << PTE_PPN_SHIFT)) |
                 (old & (PTE_PPN_MASK << PTE_PPN_SHIFT)); /* new permissions */
        } else if (k < 60) {
            nw = gen_leaf(s->level, shared, s->copied); /* remap */
        } else if (k < 70) {
            nw = old & ~PTE_V;
        } else if (k < 76) {
            nw = old ^ PTE_U;
        } else if (k < 80) {
            nw = shared ? old ^ PTE_G : old | PTE_A | PTE_D;
        } else if (k < 90 && s->level > 0) {
            nw = gen_pointer(s->level, s->root, s->va, s->copied, true);
        } else if (k < 94) {
            nw = old | (UINT64_C(1) << (54 + below(10)));
        } else {
            nw = gen_leaf(s->level, shared, s->copied);
        }
    } else if (is_pointer(old)) {
        if (k < 35 && s->level > 0)
            nw = gen_pointer(s->level, s->root, s->va, s->copied, true);
        else if (k < 55)
            nw = gen_leaf(s->level, shared, s->copied);
        else if (k < 70)
            nw = 0;
        else if (k < 78)
            nw = old | (chance(50) ? PTE_A : PTE_U);
        else if (k < 84)
            nw = PTE_V | make_ppn_field(HOLE_BASE + (uint64_t)below(1u << 16) * VM_PAGE_SIZE);
        else
            nw = gen_entry(s->level, s->root, s->va, s->copied, false, true);
    } else {
        if (k < 60)
            nw = (s->level > 0 && chance(40))
                     ? gen_pointer(s->level, s->root, s->va, s->copied, true)
                     : gen_leaf(s->level, shared, s->copied);
        else
            nw = gen_entry(s->level, s->root, s->va, s->copied, false, true);
    }
    if (!shared)
        nw &= ~PTE_G;
    if (s->copied && is_leaf(nw))
        nw |= PTE_A | PTE_D;
    for (unsigned c = 0; c < s->ncopies; c++)
        pte_write(s->addr[c], nw);
    T.c.mods++;

    /* The fence a correct OS issues, on every hart (for a lagging hart: a
     * request only, served when its lag window ends). */
    bool nonleaf = is_pointer(old) || is_pointer(nw);
    uint64_t fva = s->va + slot_offset(s->level);
    T.lag_va = s->va;
    T.lag_level = s->level;
    char b1[128], b2[128];
    ref_format_pte(old, b1, sizeof(b1));
    ref_format_pte(nw, b2, sizeof(b2));
    logf_op("edit level-%d PTE @0x%" PRIx64 "%s (root %d, va 0x%" PRIx64 "): %s -> %s", s->level,
            s->addr[0], s->ncopies > 1 ? " and copies" : "", s->root, s->va, b1, b2);
    if (shared || chance(40)) {
        logf_op("  fence: va=%s0x%" PRIx64 " asid=x0 on all harts", nonleaf ? "x0/" : "",
                nonleaf ? 0 : fva);
        fence_everywhere(!nonleaf, fva, false, 0);
        return;
    }
    /* Per hart, per ASID that hart has bound to the root; none bound means
     * the hart can hold nothing of it. */
    for (unsigned j = 0; j < T.nharts; j++) {
        uint16_t asids[NASIDS];
        unsigned na = root_asids(j, s->root, asids);
        for (unsigned a = 0; a < na; a++) {
            logf_op("  fence: va=%s0x%" PRIx64 " asid=0x%x on hart %u", nonleaf ? "x0/" : "",
                    nonleaf ? 0 : fva, asids[a], j);
            fence_hart(j, !nonleaf, fva, true, asids[a]);
        }
    }
}

static void op_modify(void)
{
    T.lag_target = -1;
    modify_and_fence();
    if (T.lag_target >= 0 && T.nlag_tickets > 0) {
        T.lag = T.lag_target;
        T.lag_left = 1 + below(6);
        T.lag_last_va = 0;
        T.c.lag_windows++;
        logf_op("lag window: hart %d serves its %u flush request(s) after %u of its own "
                "translations", T.lag, T.nlag_tickets, T.lag_left);
    }
    T.lag_target = -1;
}

/* Page-table memory may differ from the shadow only by A/D bits that the
 * lagging hart set on valid leaves; adopt those. */
static void reconcile_arena(void)
{
    size_t len = T.arena_next - ARENA_BASE;
    if (memcmp(T.arena, T.shadow, len) == 0)
        return;
    for (size_t off = 0; off < len; off += 8) {
        uint64_t got, exp;
        memcpy(&got, T.arena + off, 8);
        memcpy(&exp, T.shadow + off, 8);
        if (got == exp)
            continue;
        if (is_leaf(got) && (got & ~(PTE_A | PTE_D)) == (exp & ~(PTE_A | PTE_D)) &&
            (got & exp) == exp) {
            memcpy(T.shadow + off, &got, 8);
            continue;
        }
        char b1[128], b2[128];
        ref_format_pte(exp, b1, sizeof(b1));
        ref_format_pte(got, b2, sizeof(b2));
        die("during a lag window page-table memory changed beyond A/D on a leaf:\n"
            "  PTE @0x%" PRIx64 "\n  expected %s\n  found    %s",
            ARENA_BASE + off, b1, b2);
    }
}

static void lag_step(void)
{
    unsigned p = below(100);
    if (p < 40) {
        /* The lagging hart: anything between the old and the new mapping is
         * allowed, so only run it (translations only: a stale store could
         * write into the page tables). */
        struct hart_state *hs = &T.harts[T.lag];
        /* Mostly next to the edit, through what it may still have cached. */
        uint64_t va = T.nlag_cand > 1 && chance(60)
                          ? T.lag_cand[T.nlag_cand / 2 + below(T.nlag_cand - T.nlag_cand / 2)]
                      : chance(50)               ? T.lag_va + slot_offset(T.lag_level)
                                                 : pick_va(hs);
        vm_mmu_translate(hs->h, va, pick_access());
        T.lag_last_va = va;
        T.c.lag_translations++;
        if (--T.lag_left > 0)
            return;
        vm_mmu_poll(hs->h);
        for (unsigned i = 0; i < T.nlag_tickets; i++)
            if (!vm_mmu_flush_done(hs->h, T.lag_tickets[i]))
                die("hart %d: flush ticket %" PRIu64 " not done after vm_mmu_poll", T.lag,
                    T.lag_tickets[i]);
        reconcile_arena();
        logf_op("lag window of hart %d ends (polled)", T.lag);
        T.lag = -1;
        return;
    }
    /* Every other hart has served the fence: compared exactly. */
    do
        T.cur = below(T.nharts);
    while ((int)T.cur == T.lag);
    if (p < 65 && T.lag_last_va)
        translate_va_on(T.cur, T.lag_last_va, pick_access()); /* what the lagging hart walked */
    else if (p < 85)
        translate_on(T.cur);
    else if (p < 95)
        op_ldst();
    else
        op_batch();
}

static void op_context(void)
{
    struct hart_state *hs = &T.harts[T.cur];
    random_context(hs);
    T.c.ctx++;
    logf_op("hart %u: priv=%s mstatus=0x%" PRIx64, T.cur, ref_priv_name(hs->priv), hs->mstatus);
}

/* ---- phases ---- */

static void make_config(const struct phase_cfg *pc, struct vm_mmu_config *cfg)
{
    vm_mmu_config_default(cfg);
    cfg->strategy = pc->strategy;
    cfg->enable_page_table_cache = true;
    cfg->enable_prefetch = true;
    cfg->enable_adaptive = !T.no_adaptive;
    cfg->hw_ad_update = pc->svadu;
    if (pc->tiny) {
        cfg->l1_entries = 8;
        cfg->l2_sets = 4;
        cfg->l2_ways = 2;
        cfg->l3_entries = 64;
        cfg->l3_shards = 4;
        cfg->l3_ways = 2;
        cfg->page_table_cache_size = 8;
        cfg->prefetch_history_window = 4;
        cfg->prefetch_distance = 2;
        cfg->adaptive_interval = 64;
        cfg->adaptive_probe_intervals = 2;
    }
    if (pc->no_l2)
        cfg->l2_sets = cfg->l2_ways = 0;
    if (pc->l1_grow)
        cfg->l1_max_entries = 64;
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void print_counters(const char *label, const struct counters *c, double secs)
{
    printf("%s: %" PRIu64 " translations (%.1f%% ok", label, c->translations,
           c->translations ? 100.0 * (double)c->ok / (double)c->translations : 0.0);
    static const int causes[] = {1, 5, 7, 12, 13, 15};
    for (unsigned k = 0; k < 6; k++)
        printf(", cause %d: %" PRIu64, causes[k], c->fault[causes[k]]);
    printf("), batch %" PRIu64 " (%" PRIu64 " ok), ld/st/fetch %" PRIu64 " (%" PRIu64
           " ok, %" PRIu64 " skipped), %" PRIu64 " PTE edits, %" PRIu64 " sfences (%" PRIu64
           " remote), %" PRIu64 " satp, %" PRIu64 " ctx, %" PRIu64 " flush_all, %" PRIu64
           " arena checks, %" PRIu64 " lag windows (%" PRIu64 " lagging translations), %.2f s\n",
           c->batch, c->batch_ok, c->ldst, c->ldst_ok, c->ldst_skipped, c->mods, c->fences,
           c->remote, c->satp, c->ctx, c->flush_all, c->arena_checks, c->lag_windows,
           c->lag_translations, secs);
}

static void add_counters(struct counters *sum, const struct counters *c)
{
    sum->translations += c->translations;
    sum->ok += c->ok;
    for (unsigned k = 0; k < 16; k++)
        sum->fault[k] += c->fault[k];
    sum->batch += c->batch;
    sum->batch_ok += c->batch_ok;
    sum->ldst += c->ldst;
    sum->ldst_ok += c->ldst_ok;
    sum->ldst_skipped += c->ldst_skipped;
    sum->mods += c->mods;
    sum->fences += c->fences;
    sum->remote += c->remote;
    sum->satp += c->satp;
    sum->ctx += c->ctx;
    sum->flush_all += c->flush_all;
    sum->arena_checks += c->arena_checks;
    sum->lag_windows += c->lag_windows;
    sum->lag_translations += c->lag_translations;
}

static void run_phase(unsigned ph, uint64_t budget)
{
    double t0 = now_sec();
    T.phase = ph;
    T.pc = &phases[ph];
    T.svadu = T.pc->svadu;
    T.op = 0;
    memset(&T.c, 0, sizeof(T.c));
    memset(T.log, 0, sizeof(T.log));
    rng_seed(T.seed ^ (UINT64_C(0x5851f42d4c957f2d) * (ph + 1)));

    T.mem = vm_mem_create();
    if (!T.mem || vm_mem_add_ram(T.mem, RAM_BASE, RAM_SIZE, "ram") < 0 ||
        vm_mem_add_mmio(T.mem, MMIO_BASE, MMIO_SIZE, &mmio_ops, &T.mmio, "mmio") < 0)
        die("guest memory: %s", vm_error_message());
    memset(&T.mmio, 0, sizeof(T.mmio));
    T.arena = vm_mem_ram_ptr(T.mem, ARENA_BASE, ARENA_SIZE);
    T.shadow = calloc(1, ARENA_SIZE);
    if (!T.arena || !T.shadow)
        die("arena");
    T.nslots = 0;
    for (unsigned r = 0; r < NROOTS; r++)
        T.root_slots[r].n = 0;
    T.shared_slots.n = 0;
    gen_all();

    struct vm_mmu_config cfg;
    make_config(T.pc, &cfg);
    if (vm_mmu_config_check(&cfg) < 0)
        die("configuration rejected: %s", vm_error_message());
    T.mmu = vm_mmu_create(T.mem, &cfg);
    if (!T.mmu)
        die("vm_mmu_create: %s", vm_error_message());
    T.nharts = T.pc->nharts;
    for (unsigned i = 0; i < T.nharts; i++) {
        memset(&T.harts[i], 0, sizeof(T.harts[i]));
        T.harts[i].h = vm_mmu_hart_create(T.mmu, i);
        if (!T.harts[i].h)
            die("vm_mmu_hart_create: %s", vm_error_message());
        T.harts[i].root = ROOT_BARE;
    }
    /* How many ASID bits the MMU keeps (satp.ASID is WARL). */
    vm_mmu_set_satp(T.harts[0].h, ref_make_satp(VM_SATP_SV39, 0xffff, T.roots[0].pa));
    T.asid_mask = (uint16_t)((vm_mmu_get_satp(T.harts[0].h) >> SATP_ASID_SHIFT) & 0xffff);
    vm_mmu_set_satp(T.harts[0].h, 0);
    vm_mmu_sfence(T.harts[0].h, false, 0, false, 0);
    for (unsigned k = 0; k < NASIDS; k++) {
        T.asids[k] = asid_pool[k];
        for (unsigned j = 0; j < MAX_HARTS; j++)
            T.asid_root[j][k] = -2;
    }
    for (unsigned i = 0; i < T.nharts; i++) {
        T.cur = i;
        set_satp(i, (int)below(NROOTS));
        random_context(&T.harts[i]);
    }
    T.cur = 0;

    T.lag = T.lag_target = -1;
    while (T.c.translations < budget || T.lag >= 0) {
        T.op++;
        if (T.lag >= 0) {
            lag_step();
            continue;
        }
        unsigned p = below(1000);
        /* Flush-causing operations are rare enough (about 1 in 35) that
         * the TLBs have hits to get wrong. */
        if (p < 815)
            translate_on(T.cur);
        else if (p < 915)
            op_ldst();
        else if (p < 935)
            op_batch();
        else if (p < 945)
            op_context();
        else if (p < 970) {
            T.cur = below(T.nharts);
        } else if (p < 975)
            random_satp(T.cur);
        else if (p < 984)
            op_modify();
        else if (p < 991)
            op_sfence(false);
        else if (p < 998)
            op_sfence(true);
        else {
            unsigned hi = below(T.nharts);
            logf_op("flush_all on hart %u", hi);
            vm_mmu_flush_all(T.harts[hi].h);
            T.c.flush_all++;
        }
        if (T.op % ARENA_CHECK_INTERVAL == 0)
            check_arena("periodic check");
    }
    check_arena("end of phase");

    struct vm_mmu_stats st, sum;
    memset(&sum, 0, sizeof(sum));
    for (unsigned i = 0; i < T.nharts; i++) {
        vm_mmu_get_stats(T.harts[i].h, &st);
        vm_mmu_stats_add(&sum, &st);
    }
    char label[96];
    snprintf(label, sizeof(label), "phase %u %-30s", ph, T.pc->name);
    print_counters(label, &T.c, now_sec() - t0);
    printf("    mmu stats: l1 misses %" PRIu64 ", l2 hits %" PRIu64 "/%" PRIu64 ", l3 hits %" PRIu64
           "/%" PRIu64 ", walks %" PRIu64 ", ptc hits %" PRIu64 "/%" PRIu64
           ", prefetch issued %" PRIu64 " useful %" PRIu64 ", faults %" PRIu64
           ", flushes %" PRIu64 ", L1 resizes %" PRIu64 ", adaptive off/skips %" PRIu64 "/%" PRIu64
           "\n",
           sum.l1_misses[0] + sum.l1_misses[1] + sum.l1_misses[2], sum.l2_hits,
           sum.l2_hits + sum.l2_misses, sum.l3_hits, sum.l3_hits + sum.l3_misses, sum.walks,
           sum.ptc_hits, sum.ptc_hits + sum.ptc_misses, sum.prefetch_issued,
           sum.prefetch_useful, sum.faults, sum.flushes, sum.l1_resizes, sum.adaptive_prefetch_off,
           sum.adaptive_level_skips);
    fflush(stdout);
    /* A growing phase that never grew would compare nothing new. */
    if (T.pc->l1_grow && sum.l1_resizes == 0) {
        fprintf(stderr, "phase %u (%s): no L1 table grew or shrank\n", ph, T.pc->name);
        exit(1);
    }
    add_counters(&T.total, &T.c);

    for (unsigned i = 0; i < T.nharts; i++)
        vm_mmu_hart_destroy(T.harts[i].h);
    vm_mmu_destroy(T.mmu);
    vm_mem_destroy(T.mem);
    free(T.shadow);
    T.mmu = NULL;
    T.mem = NULL;
}

static uint64_t parse_u64(const char *s, const char *what)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);
    if (*s == '\0' || *end != '\0') {
        fprintf(stderr, "bad %s '%s'\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    uint64_t ops = DEFAULT_TRANSLATIONS;
    int only_phase = -1;
    bool have_seed = false;
    const char *env;
    T.mmio_ptes = true;
    if ((env = getenv("MMU_DIFF_SEED")) && *env) {
        T.seed = parse_u64(env, "MMU_DIFF_SEED");
        have_seed = true;
    }
    if ((env = getenv("MMU_DIFF_OPS")) && *env)
        ops = parse_u64(env, "MMU_DIFF_OPS");
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--seed=", 7)) {
            T.seed = parse_u64(argv[i] + 7, "seed");
            have_seed = true;
        } else if (!strncmp(argv[i], "--ops=", 6)) {
            ops = parse_u64(argv[i] + 6, "op count");
        } else if (!strncmp(argv[i], "--phase=", 8)) {
            only_phase = (int)parse_u64(argv[i] + 8, "phase");
            if (only_phase >= (int)NPHASES) {
                fprintf(stderr, "phases are 0..%zu\n", NPHASES - 1);
                return 2;
            }
        } else if (!strcmp(argv[i], "--no-lag")) {
            T.no_lag = true;
        } else if (!strcmp(argv[i], "--no-adaptive")) {
            T.no_adaptive = true;
        } else if (!strcmp(argv[i], "--why")) {
            reasons.on = true;
        } else if (!strcmp(argv[i], "--no-mmio-pte")) {
            T.mmio_ptes = false;
        } else {
            fprintf(stderr,
                    "usage: %s [--seed=N] [--ops=N] [--phase=N] [--no-mmio-pte] [--no-adaptive] [--no-lag]\n"
                    "          [--why]\n"
                    "  (or MMU_DIFF_SEED / MMU_DIFF_OPS)\n",
                    argv[0]);
            return 2;
        }
    }
    if (!have_seed) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_sec * UINT64_C(1000000007) ^ (uint64_t)ts.tv_nsec;
        T.seed = splitmix(&x);
    }
    printf("seed=0x%" PRIx64 " translations=%" PRIu64 "%s\n", T.seed, ops,
           only_phase >= 0 ? " (one phase)" : "");
    fflush(stdout);

    double t0 = now_sec();
    unsigned wsum = 0;
    for (unsigned ph = 0; ph < NPHASES; ph++)
        wsum += phases[ph].weight;
    for (unsigned ph = 0; ph < NPHASES; ph++) {
        if (only_phase >= 0 && (unsigned)only_phase != ph)
            continue;
        uint64_t budget = only_phase >= 0 ? ops : (ops * phases[ph].weight + wsum - 1) / wsum;
        run_phase(ph, budget);
    }
    T.pc = NULL;
    print_counters("total", &T.total, now_sec() - t0);
    for (unsigned k = 0; k < reasons.used; k++)
        printf("  %8" PRIu64 "  %s\n", reasons.n[k], reasons.why[k]);
    printf("mismatches: 0\n");
    free(T.slots);
    for (unsigned r = 0; r < NROOTS; r++)
        free(T.root_slots[r].v);
    free(T.shared_slots.v);
    return 0;
}
