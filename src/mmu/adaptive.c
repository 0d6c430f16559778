/* Adaptive policy: every adaptive_interval misses, look at what each
 * optional part earned in that interval and switch off what does not pay:
 * prefetch below its accuracy threshold, L2/L3/walk cache below their hit
 * threshold. A switched-off part is re-tried after adaptive_probe_intervals,
 * so a change of workload turns it back on. */
#include "mmu/mmu_internal.h"

void adaptive_init(struct vm_mmu_hart *h)
{
    h->ad = (struct adaptive){0};
}

/* Decides whether a part with `hits` out of `lookups` should be skipped. */
static void judge(bool *skip, unsigned *off, uint64_t hits, uint64_t lookups, unsigned min_pct,
                  unsigned min_lookups, unsigned probe, uint64_t *decisions)
{
    if (*skip) {
        if (--*off == 0)
            *skip = false; /* probe again */
        return;
    }
    if (lookups >= min_lookups && hits * 100 < (uint64_t)min_pct * lookups) {
        *skip = true;
        *off = probe;
        (*decisions)++;
    }
}

void adaptive_tick(struct vm_mmu_hart *h)
{
    const struct vm_mmu_config *cfg = &h->mmu->cfg;
    if (!cfg->enable_adaptive || ++h->ad.ticks < cfg->adaptive_interval)
        return;
    h->ad.ticks = 0;
    const struct vm_mmu_stats *s = &h->stats, *o = &h->ad.snap;
    unsigned probe = cfg->adaptive_probe_intervals;
    unsigned min_lookups = cfg->adaptive_interval / 4;

    if (cfg->enable_prefetch) {
        struct prefetcher *pf = &h->pf;
        uint64_t issued = s->prefetch_issued - o->prefetch_issued;
        uint64_t useful = s->prefetch_useful - o->prefetch_useful;
        bool off = !pf->active;
        judge(&off, &pf->off_intervals, useful, issued, cfg->adaptive_min_accuracy_pct, 16, probe,
              &h->stats.adaptive_prefetch_off);
        if (pf->active == off)
            pf_reset(pf);
        pf->active = !off;
    }
    if (h->l2_on)
        judge(&h->ad.skip_l2, &h->ad.l2_off, s->l2_hits - o->l2_hits,
              s->l2_hits + s->l2_misses - o->l2_hits - o->l2_misses, cfg->adaptive_min_hit_pct,
              min_lookups, probe, &h->stats.adaptive_level_skips);
    if (h->mmu->l3_on)
        judge(&h->ad.skip_l3, &h->ad.l3_off, s->l3_hits - o->l3_hits,
              s->l3_hits + s->l3_misses - o->l3_hits - o->l3_misses, cfg->adaptive_min_hit_pct,
              min_lookups, probe, &h->stats.adaptive_level_skips);
    if (h->ptc.enabled)
        judge(&h->ad.skip_ptc, &h->ad.ptc_off, s->ptc_hits - o->ptc_hits,
              s->ptc_hits + s->ptc_misses - o->ptc_hits - o->ptc_misses,
              cfg->adaptive_min_hit_pct, min_lookups, probe, &h->stats.adaptive_level_skips);
    h->ad.snap = h->stats;
}
