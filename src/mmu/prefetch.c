/* Translation prefetcher: a small table of miss streams (sequential or
 * strided in pages). A miss that continues a stream's stride confirms it;
 * once confirmed, the stream walks up to prefetch_distance pages ahead and
 * installs them into L2 (or the shared L3). Prefetch walks are speculative:
 * they never fault, never set A/D, and install only leaves whose A bit a
 * demand walk would find already set (D is kept as found, so a store to a
 * clean page still takes the walk that sets D). */
#include <stdlib.h>

#include "vm/error.h"
#include "mmu/mmu_internal.h"

int pf_init(struct prefetcher *pf, const struct vm_mmu_config *cfg)
{
    *pf = (struct prefetcher){.active = cfg->enable_prefetch};
    if (!cfg->enable_prefetch)
        return 0;
    pf->nstreams = cfg->prefetch_history_window;
    pf->streams = calloc(pf->nstreams, sizeof(*pf->streams));
    if (!pf->streams)
        return vm_error(VM_ENOMEM, "prefetcher: out of memory");
    return 0;
}

void pf_fini(struct prefetcher *pf)
{
    free(pf->streams);
    pf->streams = NULL;
}

void pf_reset(struct prefetcher *pf)
{
    for (unsigned i = 0; i < pf->nstreams; i++)
        pf->streams[i] = (struct pf_stream){0};
}

bool pf_walk_and_install(struct vm_mmu *mmu, struct vm_mmu_hart *h, uint64_t satp, uint64_t va)
{
    struct tlb_entry e;
    bool to_l2 = use_l2(h) && satp == h->satp;
    if (!to_l2 && !mmu->l3_on)
        return false;
    uint64_t gen = to_l2 ? 0 : l3_generation(&mmu->l3);
    struct walk_ctx wc = {.acc = VM_ACCESS_LOAD, .priv = VM_PRIV_S, .speculative = true,
                          .use_ptc = !h->ad.skip_ptc, .fresh_gen = gen};
    if (mmu_walk(h, satp, va, &wc, &e) != VM_FAULT_NONE)
        return false;
    e.flags |= TLBE_PREFETCHED;
    if (to_l2) {
        struct tlb_entry victim;
        if (l2_insert(&h->l2, &e, &victim) && (victim.flags & TLBE_PREFETCHED))
            h->stats.prefetch_wasted++;
    } else if (l3_insert(&mmu->l3, &e, gen, &h->fq.pending)) {
        h->stats.prefetch_wasted++;
    }
    h->stats.prefetch_issued++;
    return true;
}

static bool cached(struct vm_mmu_hart *h, uint64_t va)
{
    struct tlb_entry e;
    if (use_l2(h) && l2_contains(&h->l2, va, satp_asid(h->satp)))
        return true;
    return use_l3(h) && l3_lookup(&h->mmu->l3, va, h->satp, &e);
}

/* The stream this miss continues, trains, or replaces. */
static struct pf_stream *match_stream(struct prefetcher *pf, uint64_t vpn, unsigned window)
{
    struct pf_stream *near = NULL, *lru = &pf->streams[0];
    uint64_t near_dist = ~0ULL;
    for (unsigned i = 0; i < pf->nstreams; i++) {
        struct pf_stream *s = &pf->streams[i];
        int64_t d = (int64_t)(vpn - s->last);
        if (d == 0)
            return NULL; /* the same page again (e.g. a split access) */
        if (s->stride && d == s->stride) {
            s->confirmed++;
            s->last = vpn;
            s->used = ++pf->clock;
            return s;
        }
        uint64_t dist = (uint64_t)(d < 0 ? -d : d);
        if (s->used && dist <= window && dist < near_dist) {
            near = s;
            near_dist = dist;
        }
        if (s->used < lru->used)
            lru = s;
    }
    struct pf_stream *s = near ? near : lru;
    *s = (struct pf_stream){.last = vpn, .used = ++pf->clock,
                            .stride = near ? (int64_t)(vpn - near->last) : 0,
                            .confirmed = near ? 1 : 0};
    return s;
}

void pf_on_miss(struct vm_mmu_hart *h, uint64_t va)
{
    struct prefetcher *pf = &h->pf;
    const struct vm_mmu_config *cfg = &h->mmu->cfg;
    if (!pf->active || !(use_l2(h) || use_l3(h)))
        return;
    uint64_t vpn = va >> 12;
    struct pf_stream *st = match_stream(pf, vpn, cfg->prefetch_window);
    if (!st || !st->stride || st->confirmed < cfg->prefetch_confirm)
        return;
    int64_t s = st->stride;
    uint64_t last = vpn + (uint64_t)(s * (int64_t)cfg->prefetch_distance);
    uint64_t next = vpn + (uint64_t)s;
    int64_t ahead = (int64_t)(st->next - vpn) / s; /* continue where we stopped */
    if (ahead > 0 && ahead <= (int64_t)cfg->prefetch_distance + 1)
        next = st->next;
    unsigned va_bits = mmu_va_bits(h->satp);
    for (; s > 0 ? (int64_t)(last - next) >= 0 : (int64_t)(next - last) >= 0; next += (uint64_t)s) {
        uint64_t target = next << 12;
        if (!mmu_va_canonical(target, va_bits) || cached(h, target))
            continue;
        pf_walk_and_install(h->mmu, h, h->satp, target);
    }
    st->next = next;
}
