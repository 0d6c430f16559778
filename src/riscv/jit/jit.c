/* The JIT's dispatcher and block cache: find the block for h->pc (jump
 * cache, then the physical-address hash, then the translator), enter it,
 * patch direct jumps once their target exists (chaining), forget blocks
 * whose code changed and flush everything when the cache is full. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "core/guarded.h"
#include "mmu/mmu_internal.h"
#include "riscv/jit/jit_internal.h"
#include "vm/error.h"
#include "vm/riscv.h"

#if defined(__x86_64__)

#include <cpuid.h>

bool rv_jit_host_supported(void)
{
    return true;
}

/* From what libgcc read at start (each CPUID is a VM exit under a
 * hypervisor: six of them were 1% of a short process), and one CPUID for
 * LZCNT, which clang's __builtin_cpu_supports does not know. Every x86-64
 * CPU has leaf 0x80000001. */
static void host_features(struct rv_jit *j)
{
    __builtin_cpu_init();
    j->bmi1 = __builtin_cpu_supports("bmi");
    j->bmi2 = __builtin_cpu_supports("bmi2");
    j->popcnt = __builtin_cpu_supports("popcnt");
    j->fma3 = __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx"); /* FMA and VEX */
    unsigned a, b, c, d;
    __cpuid(0x80000001, a, b, c, d);
    (void)a, (void)b, (void)d;
    j->lzcnt = c >> 5 & 1; /* ABM */
}

/* CPU time of this thread: on a busy host wall time would also count the
 * time the hart's thread waited for a core. */
static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned hash_pa(uint64_t pa)
{
    uint64_t x = pa >> 1;
    return (unsigned)((x ^ (x >> JIT_HASH_BITS) ^ (x >> 31)) & (JIT_HASH_SIZE - 1));
}

static unsigned hash_page(uint64_t page)
{
    uint64_t x = page >> 12;
    return (unsigned)((x ^ (x >> JIT_HASH_BITS)) & (JIT_HASH_SIZE - 1));
}

_Static_assert(offsetof(struct rv_jit, hash) % 4096 == 0 &&
               offsetof(struct rv_jit, pages) % 4096 == 0 &&
               sizeof(((struct rv_jit *)0)->hash) % 4096 == 0, "look-ups on pages of their own");

/* Zero whole pages of the JIT's own mapping by handing them back: a forked
 * child (whose copy is shared with its parent until written) flushes
 * before it execs, and would otherwise copy 512 KiB of look-ups. */
static void zero_pages(void *p, size_t size)
{
    if (madvise(p, size, MADV_DONTNEED) < 0)
        memset(p, 0, size);
}

/* Drop every block and every look-up; keep the trampolines. */
static void flush_all(struct rv_hart *h)
{
    struct rv_jit *j = h->jit;
    zero_pages(j->hash, sizeof(j->hash));
    zero_pages(j->pages, sizeof(j->pages));
    j->nblocks = 0;
    jit_fault_sites_trim(j, 0);
    code_cache_flush(&j->cc);
    j->hot_used = j->cc.used;
    j->cold_used = j->hot_end;
    j->flushes++;
    h->jc_tag += 4; /* every jump-cache entry is stale */
    h->jc_flushes++;
    h->jit_patch = NULL;
}

int rv_jit_init(struct rv_hart *h, const struct rv_jit_config *cfg)
{
    /* Fresh zero pages, touched only where used: a short-lived process
     * would otherwise fault in the whole jump cache (384 KiB) at start. A
     * zero entry never matches (va 0 with tag 0; the tag's generation is
     * at least 1, below). */
    void *mem = mmap(NULL, sizeof(struct rv_jit), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return vm_error(VM_ENOMEM, "hart %u: out of memory for the JIT", h->opt.id);
    struct rv_jit *j = mem;
    h->jit_mxcsr[0] = 0x1f80; /* RNE, exceptions masked, flags clear */
    int rc = code_cache_init(&j->cc, cfg->cache_size);
    if (rc < 0) {
        munmap(j, sizeof(*j));
        return rc;
    }
    j->max_blocks = (unsigned)(cfg->cache_size / 128);
    j->blocks = malloc((size_t)j->max_blocks * sizeof(*j->blocks));
    j->hot = cfg->hot;
    if (j->hot)
        j->cold = calloc(JIT_COLD_SIZE, sizeof(*j->cold));
    if (!j->blocks || (j->hot && !j->cold) || (rc = jit_emit_trampolines(j)) < 0) {
        free(j->cold);
        free(j->blocks);
        code_cache_fini(&j->cc);
        munmap(j, sizeof(*j));
        return rc < 0 ? rc : vm_error(VM_ENOMEM, "hart %u: out of memory for the JIT", h->opt.id);
    }
    host_features(j);
    /* The MMU keeps a copy of its current L1 table pointers and index
     * masks in the hart: generated code reaches each with one load. */
    _Static_assert(sizeof(h->jit_l1) == sizeof(h->mmu->cur), "one pointer per access kind");
    _Static_assert(sizeof(h->jit_l1_mask) == sizeof(h->mmu->cur_mask), "one mask per access kind");
    memcpy(h->jit_l1, h->mmu->cur, sizeof(h->jit_l1));
    memcpy(h->jit_l1_mask, h->mmu->cur_mask, sizeof(h->jit_l1_mask));
    h->mmu->cur_copy = (struct l1_entry **)h->jit_l1;
    h->mmu->cur_mask_copy = h->jit_l1_mask;
    j->mutate = cfg->mutate;
    j->count_jumps = cfg->count_jumps;
    j->timing = cfg->timing;
    if (cfg->perfmap)
        j->perfmap = jit_perfmap_open();
    /* Cold code (slow paths, exits) gets the top quarter. */
    j->hot_end = j->cc.reserved + (j->cc.size - j->cc.reserved) / 4 * 3;
    j->hot_used = j->cc.used;
    j->cold_used = j->hot_end;
    j->stats.cache_size = cfg->cache_size;
    h->jit = j;
    if (h->jc_tag >> 2 == 0)
        h->jc_tag += 4;
    return 0;
}

void rv_jit_fini(struct rv_hart *h)
{
    struct rv_jit *j = h->jit;
    if (!j)
        return;
    h->mmu->cur_copy = NULL;
    h->mmu->cur_mask_copy = NULL;
    free(j->cold);
    free(j->blocks);
    free(j->fault_sites);
    code_cache_fini(&j->cc);
    munmap(j, sizeof(*j));
    h->jit = NULL;
}

static struct jit_block *find(struct rv_jit *j, uint64_t pa)
{
    for (struct jit_block *b = j->hash[hash_pa(pa)]; b; b = b->hash_next)
        if (b->pa == pa)
            return b;
    return NULL;
}

static void add(struct rv_jit *j, struct jit_block *b)
{
    unsigned i = hash_pa(b->pa);
    b->hash_next = j->hash[i];
    j->hash[i] = b;
    i = hash_page(b->pa & ~(uint64_t)(RV_PAGE_SIZE - 1));
    b->page_next = j->pages[i];
    j->pages[i] = b;
}

bool rv_jit_invalidate_page(struct rv_hart *h, uint64_t page)
{
    struct rv_jit *j = h->jit;
    if (!j)
        return false;
    page &= ~(uint64_t)(RV_PAGE_SIZE - 1);
    struct jit_block **pp = &j->pages[hash_page(page)];
    bool any = false;
    while (*pp) {
        struct jit_block *b = *pp;
        if ((b->pa & ~(uint64_t)(RV_PAGE_SIZE - 1)) != page) {
            pp = &b->page_next;
            continue;
        }
        *pp = b->page_next;
        for (struct jit_block **hp = &j->hash[hash_pa(b->pa)]; *hp; hp = &(*hp)->hash_next)
            if (*hp == b) {
                *hp = b->hash_next;
                break;
            }
        /* Its code stays in the cache (maybe running now) until a flush;
         * jumps chained to it come only from blocks of this same page. */
        j->stats.invalidated_blocks++;
        any = true;
    }
    if (any) {
        j->stats.invalidated_pages++;
        h->jc_tag += 4;
        h->jc_flushes++;
    }
    return any;
}

void rv_jit_flush(struct rv_hart *h)
{
    if (h->jit)
        flush_all(h);
}

int rv_jit_after_fork(struct rv_hart *h)
{
    if (!h->jit)
        return 0;
    int rc = code_cache_unshare(&h->jit->cc);
    flush_all(h);
    return rc;
}

/* False while the block at pa has run fewer than j->hot times: then the
 * interpreter runs it (counted if `run`) instead of the translator. The
 * counts survive flushes: a block that was hot is translated again at once. */
static bool hot(struct rv_jit *j, uint64_t pa, bool run)
{
    if (!j->cold)
        return true;
    uint32_t *c = &j->cold[hash_pa(pa) & (JIT_COLD_SIZE - 1)];
    if (*c >= j->hot)
        return true;
    if (run) {
        (*c)++;
        j->stats.cold_runs++;
    }
    return false;
}

/* Run the interpreter to the end of the block at h->pc: with a budget of
 * one it stops at the first jump or taken branch, or at the page's end, as
 * a translated block would (the slice keeps its count, as in
 * rv_step_uncached). */
static void interp_block(struct rv_hart *h)
{
    int64_t saved = h->budget;
    h->entry_budget -= saved - 1;
    h->budget = 1;
    rv_interp_run(h);
    h->budget += saved - 1;
    h->entry_budget += saved - 1;
}

/* Translate the block at pa (flushing a full cache once). */
static struct jit_block *translate(struct rv_hart *h, uint64_t pc, uint64_t pa,
                                   const uint8_t *host_page)
{
    struct rv_jit *j = h->jit;
    struct jit_block *b;
    for (int attempt = 0; attempt < 2; attempt++) {
        bool full;
        uint64_t t0 = j->timing ? now_ns() : 0;
        b = jit_translate(h, pc, pa, host_page, &full);
        if (j->timing)
            j->stats.translate_ns += now_ns() - t0;
        if (b) {
            add(j, b);
            size_t used = (j->hot_used - j->cc.reserved) + (j->cold_used - j->hot_end);
            if (used > j->stats.cache_used_max)
                j->stats.cache_used_max = used;
            jit_log_block(h, b, pc);
            if (j->perfmap)
                jit_perfmap_add(j, b, pc);
            return b;
        }
        if (!full)
            return NULL;
        flush_all(h);
    }
    return NULL;
}

/* Host code for virtual pc. NULL when there is none: then, if `act`, the
 * fetch fault was raised or the interpreter ran instead. */
static const uint8_t *lookup(struct rv_hart *h, uint64_t pc, bool act)
{
    struct rv_jit *j = h->jit;
    struct jit_jc_entry *e = &j->jc[(pc >> 1) & (JIT_JC_SIZE - 1)];
    if (e->va == pc && e->tag == h->jc_tag)
        return e->code;
    struct vm_mmu_result r = vm_mmu_translate(h->mmu, pc, VM_ACCESS_FETCH);
    if (r.fault != VM_FAULT_NONE) {
        if (act)
            rv_raise(h, (uint64_t)r.fault, r.tval);
        return NULL;
    }
    uint64_t page = r.pa & ~(uint64_t)(RV_PAGE_SIZE - 1);
    const uint8_t *host = vm_mem_ram_ptr(h->plat->mem, page, RV_PAGE_SIZE);
    uint64_t probe;
    if (host && vm_guarded_active && !vm_guarded_ld(host + (pc & (RV_PAGE_SIZE - 1)), 1, &probe)) {
        /* vm user: the page is a truncated file's (core/guarded.h) */
        if (act)
            rv_raise(h, VM_FAULT_FETCH_PAGE, pc);
        return NULL;
    }
    struct jit_block *b = NULL;
    if (host && !r.piecewise && !(b = find(j, r.pa))) {
        if (!hot(j, r.pa, act)) { /* interpreted until it is worth translating */
            if (act)
                interp_block(h);
            return NULL;
        }
        b = translate(h, pc, r.pa, host);
    }
    if (!b) { /* not RAM, PMP limits inside the page, or an instruction straddling two */
        if (act)
            rv_interp_run(h);
        return NULL;
    }
    e = &j->jc[(pc >> 1) & (JIT_JC_SIZE - 1)];
    e->va = pc;
    e->tag = h->jc_tag;
    e->code = b->code;
    unsigned bit = rv_jc_vpage_bit(pc);
    h->jc_vpages[bit / 64] |= 1ULL << (bit % 64);
    return b->code;
}

/* An unchained direct jump left for h->pc: translate its target if needed
 * and make the jump go there directly from now on. Both are on one page. */
static void chain(struct rv_hart *h, const uint8_t *site)
{
    struct rv_jit *j = h->jit;
    j->stats.exits_chain++;
    uint64_t flushes = j->flushes;
    const uint8_t *target = lookup(h, h->pc, false);
    if (!target || j->flushes != flushes)
        return; /* the cache was flushed: the site is gone */
    int32_t rel = (int32_t)(target - (site + 4));
    memcpy(code_rw(&j->cc, site), &rel, 4);
    j->stats.chains_patched++;
}

/* User mode's flat memory as translated code has it built in: when it
 * changed (turned off: the guest mapped execute-only memory, or writable
 * and executable memory for stores), translate everything again. */
static void flat_update(struct rv_hart *h)
{
    uint8_t *base = h->flat ? h->flat->base : NULL;
    uint64_t size = h->flat ? __atomic_load_n(&h->flat->size, __ATOMIC_ACQUIRE) : 0;
    bool stores = size && __atomic_load_n(&h->flat->stores, __ATOMIC_ACQUIRE);
    if (base == h->jit_flat_base && size == h->jit_flat_size && stores == h->jit_flat_stores)
        return;
    h->jit_flat_base = base;
    h->jit_flat_size = size;
    h->jit_flat_stores = stores;
    if (h->jit->nblocks) /* (nothing to drop at the first entry) */
        flush_all(h);
}

void rv_jit_run(struct rv_hart *h)
{
    struct rv_jit *j = h->jit;
    flat_update(h);
    const uint8_t *code = lookup(h, h->pc, true);
    if (!code)
        return;
    h->jit_patch = NULL;
    j->stats.entries++;
    jit_running_hart = h; /* for vm_riscv_host_fault */
    j->enter((char *)h + JIT_BIAS, code);
    jit_running_hart = NULL;
    const uint8_t *site = h->jit_patch;
    if (site) {
        h->jit_patch = NULL;
        if (!h->events && h->budget > 0)
            chain(h, site);
    }
}

#else /* no code generator for this host */

bool rv_jit_host_supported(void)
{
    return false;
}
int rv_jit_init(struct rv_hart *h, const struct rv_jit_config *cfg)
{
    (void)h, (void)cfg;
    return vm_error(VM_ENOTSUP, "jit=on: no code generator for this host (x86-64 only)");
}
void rv_jit_fini(struct rv_hart *h)
{
    (void)h;
}
void rv_jit_run(struct rv_hart *h)
{
    rv_interp_run(h);
}
bool rv_jit_invalidate_page(struct rv_hart *h, uint64_t page)
{
    (void)h, (void)page;
    return false;
}
void rv_jit_flush(struct rv_hart *h)
{
    (void)h;
}
int rv_jit_after_fork(struct rv_hart *h)
{
    (void)h;
    return 0;
}

#endif

void rv_jit_get_stats(const struct rv_hart *h, struct rv_jit_stats *out)
{
    memset(out, 0, sizeof(*out));
#if defined(__x86_64__)
    if (h->jit) {
        *out = h->jit->stats;
        out->flushes = h->jit->flushes;
        for (unsigned k = 0; k < RV_JIT_EXIT_KINDS; k++)
            out->exits[k] = h->jit_exits[k];
        out->jc_flushes = h->jc_flushes;
        out->direct_jumps = h->jit_direct_jumps;
        out->lookup_hits = h->jit_lookup_hits;
        out->jumps_counted = h->jit->count_jumps;
    }
#else
    (void)h;
#endif
}

void rv_jit_stats_add(struct rv_jit_stats *sum, const struct rv_jit_stats *s)
{
    sum->blocks += s->blocks;
    sum->guest_insns += s->guest_insns;
    sum->cold_runs += s->cold_runs;
    sum->translate_ns += s->translate_ns;
    sum->code_bytes += s->code_bytes;
    sum->flushes += s->flushes;
    sum->invalidated_pages += s->invalidated_pages;
    sum->invalidated_blocks += s->invalidated_blocks;
    sum->entries += s->entries;
    sum->exits_lookup_miss += s->exits_lookup_miss;
    sum->exits_chain += s->exits_chain;
    sum->chains_patched += s->chains_patched;
    sum->direct_jumps += s->direct_jumps;
    sum->lookup_hits += s->lookup_hits;
    sum->jumps_counted |= s->jumps_counted;
    sum->jc_flushes += s->jc_flushes;
    sum->fallback_insns += s->fallback_insns;
    sum->direct_loads += s->direct_loads;
    sum->direct_stores += s->direct_stores;
    sum->host_faults += s->host_faults;
    for (unsigned k = 0; k < RV_JIT_EXIT_KINDS; k++)
        sum->exits[k] += s->exits[k];
    sum->cache_size = s->cache_size;
    if (s->cache_used_max > sum->cache_used_max)
        sum->cache_used_max = s->cache_used_max;
}

void rv_jit_print_stats(FILE *f, const struct rv_jit_stats *s, unsigned harts)
{
    fprintf(f, "vm: jit: %u hart(s): %llu blocks translated (%llu guest instructions, %llu through "
            "the interpreter) in %.3f s; code %.1f KiB emitted, cache peak %.1f of %zu MiB per hart, "
            "%llu flush(es)\n",
            harts, (unsigned long long)s->blocks, (unsigned long long)s->guest_insns,
            (unsigned long long)s->fallback_insns, (double)s->translate_ns * 1e-9,
            (double)s->code_bytes / 1024, (double)s->cache_used_max / (1024 * 1024),
            s->cache_size >> 20, (unsigned long long)s->flushes);
    if (s->cold_runs)
        fprintf(f, "vm: jit: %llu runs of blocks in the interpreter before they were hot "
                "(jit-hot)\n", (unsigned long long)s->cold_runs);
    fprintf(f, "vm: jit: %llu entries from the dispatcher; exits: %llu budget/poke (at a block entry or a loop's back edge), "
            "%llu jump-cache misses, %llu unchained jumps (%llu chained since), %llu from helpers "
            "(traps, system ops, events); %llu pages / %llu blocks invalidated; jump cache dropped "
            "%llu times\n",
            (unsigned long long)s->entries, (unsigned long long)s->exits[RV_JIT_EXIT_LIMIT],
            (unsigned long long)s->exits[RV_JIT_EXIT_LOOKUP],
            (unsigned long long)s->exits[RV_JIT_EXIT_CHAIN], (unsigned long long)s->chains_patched,
            (unsigned long long)s->exits[RV_JIT_EXIT_HELPER],
            (unsigned long long)s->invalidated_pages, (unsigned long long)s->invalidated_blocks,
            (unsigned long long)s->jc_flushes);
    if (s->direct_loads)
        fprintf(f, "vm: jit: %llu direct loads and %llu direct stores translated (flat user "
                "memory), %llu host faults sent to their slow path\n",
                (unsigned long long)s->direct_loads, (unsigned long long)s->direct_stores,
                (unsigned long long)s->host_faults);
    if (!s->jumps_counted)
        return;
    /* Every direct jump that left a block either followed its patched
     * jump (a chain hit) or went to the dispatcher unchained. */
    uint64_t chained = s->direct_jumps - s->exits[RV_JIT_EXIT_CHAIN];
    uint64_t looked = s->lookup_hits + s->exits[RV_JIT_EXIT_LOOKUP];
    fprintf(f, "vm: jit: direct jumps between blocks %llu, chained %.2f%%; jump-cache look-ups "
            "(indirect and cross-page) %llu, hit inline %.2f%%\n",
            (unsigned long long)s->direct_jumps,
            s->direct_jumps ? 100.0 * (double)chained / (double)s->direct_jumps : 0.0,
            (unsigned long long)looked,
            looked ? 100.0 * (double)s->lookup_hits / (double)looked : 0.0);
}
