/* Adaptive policy. In a software MMU a walk over page tables that sit in
 * the host's caches costs about as much as a probe of a large TLB level
 * (page tables are denser than TLB entries), so hit rates alone cannot say
 * whether a part pays. The policy measures instead. Time is read once per
 * interval of adaptive_interval L1 misses, never on the hit path. Each
 * valid combination of the optional parts -- prefetch, L2, L3, walk cache
 * -- is an "arm". A first calibration round runs every arm for a warm-up
 * interval and two measured ones and keeps the fastest. After that, every
 * adaptive_probe_intervals intervals one other arm is tried against the
 * current one (two baseline intervals, a warm-up, two trial intervals) and
 * replaces it if it was at least 3% faster, so a change of workload is
 * followed. Each measurement is the faster of two intervals: noise (other
 * processes, interrupts) only ever adds time. Prefetch is also switched
 * off at once when its accuracy falls below adaptive_min_accuracy_pct. */
#include <time.h>

#include "mmu/mmu_internal.h"

enum { PHASE_EXPLOIT, PHASE_BASELINE, PHASE_WARMUP, PHASE_TRIAL };
#define SAMPLES 2 /* measured intervals per arm; the fastest counts */
#define PART(p) (1u << (p))
#define MARGIN_PCT 97

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void apply(struct vm_mmu_hart *h, unsigned on)
{
    struct adaptive *a = &h->ad;
    a->on = on;
    a->skip_l2 = !(on & PART(AD_L2));
    a->skip_l3 = !(on & PART(AD_L3));
    a->skip_ptc = !(on & PART(AD_PTC));
    bool pf = on & PART(AD_PREFETCH);
    if (pf != h->pf.active)
        pf_reset(&h->pf);
    h->pf.active = pf;
}

/* Prefetch needs a level to prefetch into. */
static bool valid_arm(const struct adaptive *a, unsigned arm)
{
    return (arm & ~a->available) == 0 &&
           (!(arm & PART(AD_PREFETCH)) || (arm & (PART(AD_L2) | PART(AD_L3))));
}

/* The next valid arm after `arm`, wrapping; skips `avoid`. */
static unsigned next_arm(const struct adaptive *a, unsigned arm, unsigned avoid)
{
    for (unsigned i = 1; i <= 1u << AD_PARTS; i++) {
        unsigned c = (arm + i) & ((1u << AD_PARTS) - 1);
        if (valid_arm(a, c) && c != avoid)
            return c;
    }
    return arm;
}

void adaptive_init(struct vm_mmu_hart *h)
{
    const struct vm_mmu_config *cfg = &h->mmu->cfg;
    struct adaptive *a = &h->ad;
    *a = (struct adaptive){0};
    a->available = (cfg->enable_prefetch ? PART(AD_PREFETCH) : 0) | (h->l2_on ? PART(AD_L2) : 0) |
                   (h->mmu->l3_on ? PART(AD_L3) : 0) | (h->ptc.enabled ? PART(AD_PTC) : 0);
    apply(h, a->available);
    if (cfg->enable_adaptive) { /* calibration starts from the cheapest arm */
        a->calibrating = true;
        a->phase = PHASE_WARMUP;
        a->part = 0; /* the arm under trial */
        a->best = ~0u;
        apply(h, 0);
    }
}

static void prefetch_accuracy_rule(struct vm_mmu_hart *h)
{
    const struct vm_mmu_config *cfg = &h->mmu->cfg;
    struct adaptive *a = &h->ad;
    uint64_t issued = h->stats.prefetch_issued - a->snap.prefetch_issued;
    uint64_t useful = h->stats.prefetch_useful - a->snap.prefetch_useful;
    if ((a->on & PART(AD_PREFETCH)) && issued >= 16 &&
        useful * 100 < (uint64_t)cfg->adaptive_min_accuracy_pct * issued) {
        apply(h, a->on & ~PART(AD_PREFETCH));
        a->current = a->on;
        h->stats.adaptive_prefetch_off++;
    }
}

static void switch_to(struct vm_mmu_hart *h, unsigned arm)
{
    struct adaptive *a = &h->ad;
    if ((a->current & PART(AD_PREFETCH)) && !(arm & PART(AD_PREFETCH)))
        h->stats.adaptive_prefetch_off++;
    if ((a->current ^ arm) & ~PART(AD_PREFETCH))
        h->stats.adaptive_level_skips++;
    a->current = arm;
}

/* Keeps the fastest of SAMPLES intervals in *min; true when all are in. */
static bool sample(struct adaptive *a, uint64_t cost, uint64_t *min)
{
    if (a->samples == 0 || cost < *min)
        *min = cost;
    if (++a->samples < SAMPLES)
        return false;
    a->samples = 0;
    return true;
}

static void calibrate(struct vm_mmu_hart *h, uint64_t cost)
{
    struct adaptive *a = &h->ad;
    if (a->phase == PHASE_WARMUP) {
        a->phase = PHASE_TRIAL;
        return;
    }
    if (!sample(a, cost, &a->trial_cost))
        return;
    cost = a->trial_cost;
    if (a->best == ~0u || cost < a->base_cost) {
        a->best = a->part;
        a->base_cost = cost;
    }
    unsigned next = next_arm(a, a->part, ~0u);
    if (next > a->part) { /* arms are tried in increasing order */
        a->part = next;
        a->phase = PHASE_WARMUP;
        apply(h, next);
        return;
    }
    a->calibrating = false;
    a->current = a->available; /* what the configuration asked for */
    switch_to(h, a->best);
    apply(h, a->best);
    a->part = a->best;
    a->phase = PHASE_EXPLOIT;
    a->countdown = h->mmu->cfg.adaptive_probe_intervals;
}

void adaptive_tick(struct vm_mmu_hart *h)
{
    const struct vm_mmu_config *cfg = &h->mmu->cfg;
    struct adaptive *a = &h->ad;
    if (!cfg->enable_adaptive || ++a->ticks < cfg->adaptive_interval)
        return;
    a->ticks = 0;
    uint64_t t = now_ns();
    uint64_t cost = t - a->t_start;
    bool first = a->t_start == 0; /* no whole interval measured yet */
    a->t_start = t;
    if (first)
        return;
    if (a->calibrating) {
        calibrate(h, cost);
    } else {
        switch (a->phase) {
        case PHASE_EXPLOIT:
            prefetch_accuracy_rule(h);
            if (--a->countdown == 0)
                a->phase = PHASE_BASELINE;
            break;
        case PHASE_BASELINE:
            if (!sample(a, cost, &a->base_cost))
                break;
            a->part = next_arm(a, a->part, a->current);
            apply(h, a->part);
            a->phase = PHASE_WARMUP;
            break;
        case PHASE_WARMUP:
            a->phase = PHASE_TRIAL;
            break;
        case PHASE_TRIAL:
            if (!sample(a, cost, &a->trial_cost))
                break;
            if (a->trial_cost * 100 < a->base_cost * MARGIN_PCT)
                switch_to(h, a->part);
            apply(h, a->current);
            a->phase = PHASE_EXPLOIT;
            a->countdown = cfg->adaptive_probe_intervals;
            break;
        }
    }
    a->snap = h->stats;
}
