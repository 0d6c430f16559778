/* Translation prefetcher: finds sequential and strided page patterns in the
 * recent L1-miss stream and walks prefetch_distance pages ahead, installing
 * into L2 (or the shared L3). Prefetch walks are speculative: they never
 * fault, never set A/D, and install only leaves whose A bit (and, for
 * stores, D bit) a demand walk would find already set. */
#include <stdlib.h>

#include "vm/error.h"
#include "mmu/mmu_internal.h"

int pf_init(struct prefetcher *pf, const struct vm_mmu_config *cfg)
{
    *pf = (struct prefetcher){.active = cfg->enable_prefetch};
    if (!cfg->enable_prefetch)
        return 0;
    pf->hlen = cfg->prefetch_history_window;
    pf->history = calloc(pf->hlen, sizeof(*pf->history));
    if (!pf->history)
        return vm_error(VM_ENOMEM, "prefetcher: out of memory");
    return 0;
}

void pf_fini(struct prefetcher *pf)
{
    free(pf->history);
    pf->history = NULL;
}

void pf_reset(struct prefetcher *pf)
{
    pf->hcount = 0;
    pf->stride = 0;
    pf->confirmed = 0;
}

static uint64_t hist(const struct prefetcher *pf, unsigned age)
{
    return pf->history[(pf->hpos + pf->hlen - 1 - age) % pf->hlen];
}

static bool in_history(const struct prefetcher *pf, uint64_t vpn)
{
    for (unsigned i = 0; i < pf->hcount; i++)
        if (hist(pf, i) == vpn)
            return true;
    return false;
}

/* The stride s (|s| <= window) for which vpn-s, vpn-2s, ... appear in the
 * history at least `confirm` times; 0 if none. Interleaved streams are
 * found because every older miss is tried as the previous element. */
static int64_t detect_stride(const struct prefetcher *pf, uint64_t vpn, unsigned window,
                             unsigned confirm)
{
    for (unsigned j = 0; j < pf->hcount; j++) {
        int64_t s = (int64_t)(vpn - hist(pf, j));
        if (s == 0 || s > (int64_t)window || s < -(int64_t)window)
            continue;
        unsigned seen = 1;
        while (seen < confirm && in_history(pf, vpn - (uint64_t)(s * (int64_t)(seen + 1))))
            seen++;
        if (seen >= confirm)
            return s;
    }
    return 0;
}

bool pf_walk_and_install(struct vm_mmu *mmu, struct vm_mmu_hart *h, uint64_t satp, uint64_t va)
{
    struct tlb_entry e;
    struct walk_ctx wc = {.acc = VM_ACCESS_LOAD, .priv = VM_PRIV_S, .speculative = true,
                          .use_ptc = !h->ad.skip_ptc};
    bool to_l2 = use_l2(h) && h->mmu == mmu && satp == h->satp;
    uint64_t gen = mmu->l3_on ? l3_generation(&mmu->l3) : 0;
    if (mmu_walk(h, satp, va, &wc, &e) != VM_FAULT_NONE)
        return false;
    e.flags |= TLBE_PREFETCHED;
    if (to_l2) {
        struct tlb_entry victim;
        if (l2_insert(&h->l2, &e, &victim) && (victim.flags & TLBE_PREFETCHED))
            h->stats.prefetch_wasted++;
    } else if (mmu->l3_on) {
        if (l3_insert(&mmu->l3, &e, gen))
            h->stats.prefetch_wasted++;
    } else {
        return false;
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

void pf_on_miss(struct vm_mmu_hart *h, uint64_t va)
{
    struct prefetcher *pf = &h->pf;
    const struct vm_mmu_config *cfg = &h->mmu->cfg;
    if (!pf->active || !(use_l2(h) || use_l3(h)))
        return;
    uint64_t vpn = va >> 12;
    if (pf->hcount && hist(pf, 0) == vpn)
        return; /* the same page again (e.g. a split access) */
    int64_t s = detect_stride(pf, vpn, cfg->prefetch_window, cfg->prefetch_confirm);
    pf->history[pf->hpos] = vpn;
    pf->hpos = (pf->hpos + 1) % pf->hlen;
    if (pf->hcount < pf->hlen)
        pf->hcount++;
    if (!s)
        return;
    /* Continue the stream where the last prefetch stopped, if it is ours. */
    uint64_t last = vpn + (uint64_t)(s * (int64_t)cfg->prefetch_distance);
    uint64_t next = vpn + (uint64_t)s;
    if (s == pf->stride) {
        int64_t ahead = (int64_t)(pf->next_vpn - vpn) / s;
        if (ahead > 0 && ahead <= (int64_t)cfg->prefetch_distance + 1)
            next = pf->next_vpn;
    }
    pf->stride = s;
    for (; s > 0 ? (int64_t)(last - next) >= 0 : (int64_t)(next - last) >= 0; next += (uint64_t)s) {
        uint64_t target = next << 12;
        if (!mmu_va_canonical(target, mmu_va_bits(h->satp)) || cached(h, target))
            continue;
        if (cfg->async_prefetch && h->mmu->l3_on) {
            if (async_prefetch_post(h->mmu, h->satp, target))
                h->stats.prefetch_issued++;
        } else {
            pf_walk_and_install(h->mmu, h, h->satp, target);
        }
    }
    pf->next_vpn = next;
}
