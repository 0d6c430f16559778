/* The soft MMU: construction, translation context, the miss path through
 * L2 -> L3 -> walk, and flushes (local and remote). */
#include <stdlib.h>

#include "vm/error.h"
#include "mmu/mmu_internal.h"

struct vm_mmu *vm_mmu_create(struct vm_mem *mem, const struct vm_mmu_config *cfg)
{
    struct vm_mmu_config def;
    if (!cfg) {
        vm_mmu_config_default(&def);
        cfg = &def;
    }
    if (vm_mmu_config_check(cfg) < 0)
        return NULL;
    struct vm_mmu *mmu = calloc(1, sizeof(*mmu));
    if (!mmu) {
        vm_error(VM_ENOMEM, "MMU: out of memory");
        return NULL;
    }
    mmu->mem = mem;
    mmu->cfg = *cfg;
    pthread_mutex_init(&mmu->harts_lock, NULL);
    mmu->l3_on = cfg->strategy != VM_MMU_MULTILEVEL && cfg->l3_entries > 0;
    if (mmu->l3_on && l3_init(&mmu->l3, cfg->l3_entries, cfg->l3_shards, cfg->l3_ways) < 0)
        goto fail;
    mmu->nregions = vm_mem_region_count(mem);
    mmu->code_watch = calloc(mmu->nregions ? mmu->nregions : 1, sizeof(*mmu->code_watch));
    if (!mmu->code_watch)
        goto nomem;
    for (unsigned i = 0; i < mmu->nregions; i++) {
        const struct vm_mem_region *r = vm_mem_region_at(mem, i);
        if (!r->host)
            continue;
        mmu->code_watch[i] = calloc((r->size / VM_PAGE_SIZE + 63) / 64, sizeof(uint64_t));
        if (!mmu->code_watch[i])
            goto nomem;
    }
    return mmu;
nomem:
    vm_error(VM_ENOMEM, "MMU: out of memory");
fail:
    vm_mmu_destroy(mmu);
    return NULL;
}

void vm_mmu_destroy(struct vm_mmu *mmu)
{
    if (!mmu)
        return;
    l3_fini(&mmu->l3);
    for (unsigned i = 0; mmu->code_watch && i < mmu->nregions; i++)
        free(mmu->code_watch[i]);
    free(mmu->code_watch);
    free(mmu->harts);
    pthread_mutex_destroy(&mmu->harts_lock);
    free(mmu);
}

const struct vm_mmu_config *vm_mmu_get_config(const struct vm_mmu *mmu)
{
    return &mmu->cfg;
}

static void hart_free(struct vm_mmu_hart *h);

static struct vm_mmu_hart *hart_alloc(struct vm_mmu *mmu, unsigned hart_id)
{
    const struct vm_mmu_config *cfg = &mmu->cfg;
    struct vm_mmu_hart *h = calloc(1, sizeof(*h));
    if (!h) {
        vm_error(VM_ENOMEM, "MMU hart %u: out of memory", hart_id);
        return NULL;
    }
    h->mmu = mmu;
    h->id = hart_id;
    h->priv = VM_PRIV_M;
    h->l2_on = cfg->strategy != VM_MMU_CONCURRENT && cfg->l2_sets > 0;
    pthread_mutex_init(&h->fq.lock, NULL);
    if (l1_init(h) < 0 || (h->l2_on && l2_init(&h->l2, cfg->l2_sets, cfg->l2_ways) < 0) ||
        ptc_init(&h->ptc, cfg->page_table_cache_size, cfg->enable_page_table_cache) < 0 ||
        pf_init(&h->pf, cfg) < 0) {
        hart_free(h);
        return NULL;
    }
    adaptive_init(h);
    l1_update_context(h);
    h->rules = (struct vm_mmu_pte_rules){.hw_ad_update = cfg->hw_ad_update};
    h->count_hits = cfg->count_l1_hits;
    return h;
}

static void hart_free(struct vm_mmu_hart *h)
{
    l1_fini(h);
    l2_fini(&h->l2);
    ptc_fini(&h->ptc);
    pf_fini(&h->pf);
    pthread_mutex_destroy(&h->fq.lock);
    free(h);
}

struct vm_mmu_hart *vm_mmu_hart_create(struct vm_mmu *mmu, unsigned hart_id)
{
    struct vm_mmu_hart *h = hart_alloc(mmu, hart_id);
    if (!h)
        return NULL;
    pthread_mutex_lock(&mmu->harts_lock);
    if (mmu->nharts == mmu->harts_cap) {
        unsigned cap = mmu->harts_cap ? mmu->harts_cap * 2 : 8;
        struct vm_mmu_hart **n = realloc(mmu->harts, cap * sizeof(*n));
        if (!n) {
            pthread_mutex_unlock(&mmu->harts_lock);
            hart_free(h);
            vm_error(VM_ENOMEM, "MMU hart %u: out of memory", hart_id);
            return NULL;
        }
        mmu->harts = n;
        mmu->harts_cap = cap;
    }
    mmu->harts[mmu->nharts++] = h;
    pthread_mutex_unlock(&mmu->harts_lock);
    return h;
}

void vm_mmu_hart_destroy(struct vm_mmu_hart *h)
{
    if (!h)
        return;
    struct vm_mmu *mmu = h->mmu;
    pthread_mutex_lock(&mmu->harts_lock);
    for (unsigned i = 0; i < mmu->nharts; i++)
        if (mmu->harts[i] == h) {
            mmu->harts[i] = mmu->harts[--mmu->nharts];
            break;
        }
    pthread_mutex_unlock(&mmu->harts_lock);
    /* Requests it will never serve must not keep L3 inserts off. */
    pthread_mutex_lock(&h->fq.lock);
    if (h->fq.l3_reqs)
        atomic_fetch_sub(&mmu->l3.outstanding, h->fq.l3_reqs);
    h->fq.l3_reqs = 0;
    pthread_mutex_unlock(&h->fq.lock);
    hart_free(h);
}

void vm_mmu_set_satp(struct vm_mmu_hart *h, uint64_t satp)
{
    h->satp = satp;
    /* L1 entries carry no ASID: they belong to the current address space. */
    l1_flush(h, false, 0, false, 0);
    ptc_flush(&h->ptc);
    pf_reset(&h->pf);
    h->stats.flushes++;
    l1_update_context(h);
}

void vm_mmu_set_pte_rules(struct vm_mmu_hart *h, const struct vm_mmu_pte_rules *rules)
{
    h->rules = *rules;
}

uint64_t vm_mmu_get_satp(const struct vm_mmu_hart *h)
{
    return h->satp;
}

void vm_mmu_set_context(struct vm_mmu_hart *h, enum vm_priv priv, uint64_t mstatus)
{
    const uint64_t bits = VM_MSTATUS_SUM | VM_MSTATUS_MXR | VM_MSTATUS_MPRV |
                          (3ULL << VM_MSTATUS_MPP_SHIFT);
    if (priv == h->priv && ((mstatus ^ h->mstatus) & bits) == 0)
        return;
    h->priv = priv;
    h->mstatus = mstatus & bits;
    l1_update_context(h);
}

/* ---- the miss path ---- */

/* A cached entry serves this access if permissions allow it and, for a
 * store, D is already set (else the walk sets it or faults). Returns
 * VM_FAULT_NONE (use it), a page fault, or 1 (walk instead). */
static int check_cached(const struct vm_mmu_hart *h, const struct tlb_entry *e,
                        enum vm_access acc, enum vm_priv p)
{
    bool sum = h->mstatus & VM_MSTATUS_SUM, mxr = h->mstatus & VM_MSTATUS_MXR;
    if (!mmu_perm_ok(e->flags, acc, p, sum, mxr))
        return mmu_page_fault(acc);
    if (acc == VM_ACCESS_STORE && !(e->flags & PTE_D))
        return 1;
    return VM_FAULT_NONE;
}

static void note_prefetch_use(struct vm_mmu_hart *h, uint16_t *flags)
{
    if (*flags & TLBE_PREFETCHED) {
        *flags &= (uint16_t)~TLBE_PREFETCHED;
        h->stats.prefetch_useful++;
    }
}

/* Translation of va for acc in the current context, without L1. */
enum vm_fault mmu_translate_miss(struct vm_mmu_hart *h, uint64_t va, enum vm_access acc,
                                 struct tlb_entry *out)
{
    enum vm_priv p = mmu_effective_priv(h, acc);
    if (p == VM_PRIV_M || satp_mode(h->satp) == VM_SATP_BARE) {
        *out = (struct tlb_entry){.va = va & ~0xfffULL, .pa = va & ~0xfffULL, .satp = 0,
                                  .flags = TLBE_BARE | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D,
                                  .shift = 12};
        return VM_FAULT_NONE;
    }
    if (!mmu_va_canonical(va, mmu_va_bits(h->satp))) {
        h->stats.faults++;
        return mmu_page_fault(acc);
    }
    uint16_t asid = satp_asid(h->satp);
    int rc;
    adaptive_tick(h);
    if (use_l2(h)) {
        struct tlb_entry *e = l2_lookup(&h->l2, va, asid);
        if (e && (rc = check_cached(h, e, acc, p)) != 1) {
            h->stats.l2_hits++;
            if (rc != VM_FAULT_NONE) {
                h->stats.faults++;
                return (enum vm_fault)rc;
            }
            note_prefetch_use(h, &e->flags);
            *out = *e;
            pf_on_miss(h, va);
            return VM_FAULT_NONE;
        }
        h->stats.l2_misses++;
    }
    struct tlb_l3 *l3 = &h->mmu->l3;
    if (use_l3(h)) {
        struct tlb_entry e;
        if (l3_lookup(l3, va, h->satp, &e) && (rc = check_cached(h, &e, acc, p)) != 1) {
            h->stats.l3_hits++;
            if (rc != VM_FAULT_NONE) {
                h->stats.faults++;
                return (enum vm_fault)rc;
            }
            if (e.flags & TLBE_PREFETCHED) {
                l3_clear_prefetched(l3, &e);
                note_prefetch_use(h, &e.flags);
            }
            *out = e;
            pf_on_miss(h, va);
            return VM_FAULT_NONE;
        }
        h->stats.l3_misses++;
    }
    bool to_l3 = h->mmu->l3_on && (use_l3(h) || !h->l2_on);
    uint64_t gen = to_l3 ? l3_generation(l3) : 0;
    struct walk_ctx wc = {.acc = acc, .priv = p, .sum = h->mstatus & VM_MSTATUS_SUM,
                          .mxr = h->mstatus & VM_MSTATUS_MXR, .use_ptc = !h->ad.skip_ptc,
                          .count = true, .fresh_gen = gen};
    enum vm_fault f = mmu_walk(h, h->satp, va, &wc, out);
    if (f != VM_FAULT_NONE) {
        h->stats.faults++;
        return f;
    }
    if (to_l3)
        l3_insert(l3, out, gen, &h->fq.pending);
    pf_on_miss(h, va);
    return VM_FAULT_NONE;
}

/* Fills L1 (if `fill`) when the page is RAM and, for stores, dirty and not
 * watched. Returns the host page for RAM, NULL otherwise. */
static uint8_t *fill_l1(struct vm_mmu_hart *h, uint64_t va, enum vm_access acc,
                        const struct tlb_entry *e, bool fill)
{
    uint64_t pa_page = e->pa + ((va & ~0xfffULL) - e->va);
    const struct vm_mem_region *r = vm_mem_find(h->mmu->mem, pa_page);
    if (!r || !r->host || r->size - (pa_page - r->base) < VM_PAGE_SIZE) {
        /* MMIO or unbacked: never in L1, but L2 saves the walk. */
        if (use_l2(h) && !(e->flags & TLBE_BARE)) {
            struct tlb_entry victim;
            l2_insert(&h->l2, e, &victim);
        }
        return NULL;
    }
    if (acc == VM_ACCESS_STORE && r->readonly)
        return NULL; /* ROM: stores go to vm_mem_store, which drops them */
    uint8_t *host = r->host + (pa_page - r->base);
    if (!fill)
        return host;
    if ((h->nwatch | h->ntrig) && mmu_watch_page(h, va, acc))
        return host; /* every access to it takes the slow path, which checks */
    if (acc == VM_ACCESS_STORE) {
        if (!(e->flags & PTE_D) || mmu_code_watched(h->mmu, pa_page))
            return host;
        vm_mem_mark_dirty(r, pa_page);
    }
    l1_fill(h, acc, va, e, host);
    /* A store entry for a page that another hart started watching while
     * we filled it must go (see vm_mmu_watch_code_page). */
    if (acc == VM_ACCESS_STORE && mmu_code_watched_sync(h->mmu, pa_page))
        l1_drop_store_host(h, (uintptr_t)host);
    return host;
}

enum vm_fault mmu_finish_miss(struct vm_mmu_hart *h, uint64_t va, unsigned size,
                              enum vm_access acc, const struct tlb_entry *e, uint8_t **host,
                              bool *piecewise)
{
    uint64_t pa = e->pa + (va - e->va);
    bool uniform = true;
    const struct pmp *pmp = &h->pmp;
    enum vm_priv p = mmu_effective_priv(h, acc);
    if (pmp->count && (p != VM_PRIV_M || pmp->m_checked)) {
        unsigned perms = pmp_perms(pmp, pa & ~0xfffULL, VM_PAGE_SIZE, p);
        if (perms == PMP_MIXED) {
            uniform = false;
            perms = pmp_perms(pmp, pa, size, p);
        }
        if (perms == PMP_MIXED || !(perms & pmp_bit(acc))) {
            h->stats.faults++;
            return mmu_access_fault(acc);
        }
    }
    uint8_t *page = fill_l1(h, va, acc, e, uniform);
    *host = page ? page + (va & 0xfff) : NULL;
    *piecewise = !uniform;
    return VM_FAULT_NONE;
}

struct vm_mmu_result vm_mmu_translate(struct vm_mmu_hart *h, uint64_t va, enum vm_access acc)
{
    struct vm_mmu_result res = {.fault = VM_FAULT_NONE, .tval = 0};
    const struct l1_entry *le = (const struct l1_entry *)((const char *)h->cur[acc] +
                                                          ((va >> 8) & h->cur_mask[acc]));
    struct tlb_entry e;
    if (l1_tag(le) == (va & ~0xfffULL)) {
        if (h->count_hits)
            h->stats.l1_hits[acc]++;
        e = h->shadow[le - h->l1];
    } else {
        h->stats.l1_misses[acc]++;
        res.fault = mmu_translate_miss(h, va, acc, &e);
        uint8_t *host;
        if (res.fault == VM_FAULT_NONE)
            res.fault = mmu_finish_miss(h, va, 1, acc, &e, &host, &res.piecewise);
        if (res.fault != VM_FAULT_NONE) {
            res.tval = va;
            return res;
        }
    }
    res.pa = e.pa + (va - e.va);
    res.page_shift = e.shift;
    return res;
}

size_t vm_mmu_translate_batch(struct vm_mmu_hart *h, const uint64_t *va, size_t n,
                              enum vm_access acc, struct vm_mmu_result *out)
{
    size_t ok = 0;
    enum vm_priv p = mmu_effective_priv(h, acc);
    bool bare = p == VM_PRIV_M || satp_mode(h->satp) == VM_SATP_BARE;
    struct vm_mmu_stats saved = h->stats;
    for (size_t i = 0; i < n; i++) {
        struct vm_mmu_result *r = &out[i];
        *r = (struct vm_mmu_result){.fault = VM_FAULT_NONE, .pa = va[i], .page_shift = 12};
        if (bare) {
            ok++;
            continue;
        }
        struct tlb_entry e;
        enum vm_fault f = mmu_page_fault(acc);
        if (mmu_va_canonical(va[i], mmu_va_bits(h->satp))) {
            /* A walk with every check of the access, that writes no A/D:
             * the answer is what the access would get, without its effects. */
            struct walk_ctx wc = {.acc = acc, .priv = p, .sum = h->mstatus & VM_MSTATUS_SUM,
                                  .mxr = h->mstatus & VM_MSTATUS_MXR, .dry_run = true};
            f = mmu_walk(h, h->satp, va[i], &wc, &e);
        }
        if (f != VM_FAULT_NONE) {
            r->fault = f;
            r->tval = va[i];
            continue;
        }
        r->pa = e.pa + (va[i] - e.va);
        r->page_shift = e.shift;
        ok++;
    }
    h->stats = saved; /* debugger look-ups are not guest activity */
    return ok;
}

struct vm_mmu_result vm_mmu_translate_as(struct vm_mmu_hart *h, uint64_t va, enum vm_priv priv)
{
    struct vm_mmu_result r = {.fault = VM_FAULT_NONE, .pa = va, .page_shift = 12};
    if (priv == VM_PRIV_M || satp_mode(h->satp) == VM_SATP_BARE)
        return r;
    struct vm_mmu_stats saved = h->stats;
    struct tlb_entry e;
    enum vm_fault f = VM_FAULT_LOAD_PAGE;
    if (mmu_va_canonical(va, mmu_va_bits(h->satp))) {
        struct walk_ctx wc = {.acc = VM_ACCESS_LOAD, .priv = priv,
                              .sum = h->mstatus & VM_MSTATUS_SUM,
                              .mxr = h->mstatus & VM_MSTATUS_MXR, .dry_run = true};
        f = mmu_walk(h, h->satp, va, &wc, &e);
    }
    h->stats = saved;
    if (f != VM_FAULT_NONE) {
        r.fault = f;
        r.tval = va;
        return r;
    }
    r.pa = e.pa + (va - e.va);
    r.page_shift = e.shift;
    return r;
}

/* ---- flushes ---- */

static void flush_private(struct vm_mmu_hart *h, bool has_va, uint64_t va, bool has_asid,
                          uint16_t asid)
{
    l1_flush(h, has_va, va, has_asid, asid);
    if (h->l2_on)
        h->stats.prefetch_wasted += l2_flush(&h->l2, has_va, va, has_asid, asid);
    if (has_va)
        mmu_ptc_forget_path(h, h->satp, va);
    else
        ptc_flush(&h->ptc);
}

void vm_mmu_sfence(struct vm_mmu_hart *h, bool has_va, uint64_t va, bool has_asid, uint16_t asid)
{
    h->stats.flushes++;
    flush_private(h, has_va, va, has_asid, asid);
    if (h->mmu->l3_on)
        l3_flush(&h->mmu->l3, has_va, va, has_asid, asid);
}

void vm_mmu_flush_all(struct vm_mmu_hart *h)
{
    vm_mmu_sfence(h, false, 0, false, 0);
}

static uint64_t post_request(struct vm_mmu_hart *t, const struct flush_req *req)
{
    struct flush_queue *q = &t->fq;
    pthread_mutex_lock(&q->lock);
    if (q->n < FLUSH_QUEUE)
        q->q[q->n++] = *req;
    else
        q->overflow = true;
    if (t->mmu->l3_on)
        q->l3_reqs++; /* counted in l3.outstanding by the caller */
    uint64_t ticket = ++q->requested;
    atomic_store_explicit(&q->pending, 1, memory_order_release);
    pthread_mutex_unlock(&q->lock);
    return ticket;
}

uint64_t vm_mmu_request_flush(struct vm_mmu_hart *target, bool has_va, uint64_t va, bool has_asid,
                              uint16_t asid)
{
    /* Clean the shared level first, so that once the target has served the
     * request it cannot refill its private levels from stale L3 entries.
     * Nothing stale gets back in: walks that began before the clean may not
     * insert (generation), and until every posted request is served nobody
     * inserts (outstanding): a hart that has not served its request yet may
     * still walk with old walk-cache entries. */
    if (target->mmu->l3_on) {
        atomic_fetch_add(&target->mmu->l3.outstanding, 1);
        l3_flush(&target->mmu->l3, has_va, va, has_asid, asid);
    }
    struct flush_req req = {.va = va, .asid = asid, .has_va = has_va, .has_asid = has_asid};
    return post_request(target, &req);
}

bool vm_mmu_flush_done(struct vm_mmu_hart *target, uint64_t ticket)
{
    return atomic_load_explicit(&target->fq.completed, memory_order_acquire) >= ticket;
}

bool vm_mmu_poll(struct vm_mmu_hart *h)
{
    struct flush_queue *q = &h->fq;
    if (!atomic_load_explicit(&q->pending, memory_order_acquire))
        return false;
    struct flush_req reqs[FLUSH_QUEUE];
    pthread_mutex_lock(&q->lock);
    unsigned n = q->n;
    bool overflow = q->overflow;
    uint64_t ticket = q->requested;
    unsigned l3_reqs = q->l3_reqs;
    q->l3_reqs = 0;
    for (unsigned i = 0; i < n; i++)
        reqs[i] = q->q[i];
    q->n = 0;
    q->overflow = false;
    atomic_store_explicit(&q->pending, 0, memory_order_relaxed);
    pthread_mutex_unlock(&q->lock);

    if (overflow) {
        flush_private(h, false, 0, false, 0);
        h->stats.remote_flushes++;
    } else {
        for (unsigned i = 0; i < n; i++)
            flush_private(h, reqs[i].has_va, reqs[i].va, reqs[i].has_asid, reqs[i].asid);
        h->stats.remote_flushes += n;
    }
    if (l3_reqs)
        atomic_fetch_sub(&h->mmu->l3.outstanding, l3_reqs);
    atomic_store_explicit(&q->completed, ticket, memory_order_release);
    return overflow || n > 0;
}

bool vm_mmu_maybe_superpage(const struct vm_mmu_hart *h, uint64_t va)
{
    return va >= h->super_lo && va <= h->super_hi;
}
