/* Adaptive policy. In a software MMU a walk over page tables that sit in
 * the host's caches costs about as much as a probe of a large TLB level
 * (page tables are denser than TLB entries), so hit rates alone cannot say
 * whether a part pays. The policy measures instead. Time is read once per
 * interval of adaptive_interval L1 misses, never on the hit path. Each
 * valid combination of the optional parts -- prefetch, L2, L3, walk cache
 * -- is an "arm". Calibration is greedy, to stay cheap: each part alone
 * (prefetch with the cheapest level to fill) and no part at all are run
 * for a warm-up interval and two measured ones; then the union of the
 * parts that paid alone, if there are several, and "none" once more (it
 * ran first, with the host's caches cold); the fastest arm is kept. After that, every
 * adaptive_probe_intervals intervals one other arm is tried against the
 * current one (two baseline intervals, a warm-up, two trial intervals), so
 * a change of workload is followed. An arm with more parts than another
 * must be at least 3% faster to replace it: parts cost work on every miss
 * and must earn their keep. Each measurement is the faster of two intervals: noise (other
 * processes, interrupts) only ever adds time. Prefetch is also switched
 * off at once when its accuracy falls below adaptive_min_accuracy_pct. */
#include <stdio.h>
#include <string.h>
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

static void start_arm(struct vm_mmu_hart *h, unsigned arm)
{
    h->ad.part = arm;
    h->ad.phase = PHASE_WARMUP;
    apply(h, arm);
}

/* The first calibration arms: none, then each part on its own. */
static void plan_calibration(struct adaptive *a)
{
    a->ncal = 0;
    a->cal[a->ncal++] = 0;
    for (unsigned p = 0; p < AD_PARTS; p++) {
        unsigned arm = PART(p);
        if (p == AD_PREFETCH) /* prefetch needs a level: the per-hart one if any */
            arm |= (a->available & PART(AD_L2)) ? PART(AD_L2) : PART(AD_L3);
        if (valid_arm(a, arm))
            a->cal[a->ncal++] = arm;
    }
    a->cal_i = 0;
}

void adaptive_init(struct vm_mmu_hart *h)
{
    const struct vm_mmu_config *cfg = &h->mmu->cfg;
    struct adaptive *a = &h->ad;
    *a = (struct adaptive){0};
    a->available = (cfg->enable_prefetch ? PART(AD_PREFETCH) : 0) | (h->l2_on ? PART(AD_L2) : 0) |
                   (h->mmu->l3_on ? PART(AD_L3) : 0) | (h->ptc.enabled ? PART(AD_PTC) : 0);
    apply(h, a->available);
    if (cfg->enable_adaptive) {
        a->calibrating = true;
        a->best = ~0u;
        plan_calibration(a);
        start_arm(h, a->cal[0]);
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

/* Whether arm `x` measured at cost cx should replace arm `y` at cy. A
 * part costs work on every miss, so more parts must win by the margin;
 * as many or fewer parts need only be as fast. */
static bool beats(unsigned x, uint64_t cx, unsigned y, uint64_t cy)
{
    if (__builtin_popcount(x) > __builtin_popcount(y))
        return cx * 100 < cy * MARGIN_PCT;
    return cx <= cy;
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
    if (a->part == 0)
        a->none_cost = a->trial_cost;
    else if (beats(a->part, a->trial_cost, 0, a->none_cost))
        a->paid |= a->part;
    if (a->best == ~0u || beats(a->part, a->trial_cost, a->best, a->base_cost)) {
        a->best = a->part;
        a->base_cost = a->trial_cost;
    }
    if (++a->cal_i == a->ncal && !a->cal_done_once) {
        a->cal_done_once = true;
        if (__builtin_popcount(a->paid) > 1 && valid_arm(a, a->paid))
            a->cal[a->ncal++] = a->paid; /* the parts that paid alone, together */
        /* "none" again: it ran first, while the host's caches were cold. */
        a->cal[a->ncal++] = 0;
    }
    if (a->cal_i < a->ncal) {
        start_arm(h, a->cal[a->cal_i]);
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
            if (beats(a->part, a->trial_cost, a->current, a->base_cost))
                switch_to(h, a->part);
            apply(h, a->current);
            a->phase = PHASE_EXPLOIT;
            a->countdown = cfg->adaptive_probe_intervals;
            break;
        }
    }
    a->snap = h->stats;
}

/* For monitors: the parts in use now and what the policy is doing. */
void vm_mmu_describe_policy(const struct vm_mmu_hart *h, char *buf, size_t size)
{
    static const char *const names[AD_PARTS] = {"prefetch", "l2", "l3", "walk-cache"};
    const struct adaptive *a = &h->ad;
    char parts[64] = "";
    for (unsigned p = 0; p < AD_PARTS; p++)
        if (a->on & PART(p))
            snprintf(parts + strlen(parts), sizeof(parts) - strlen(parts), "%s%s",
                     parts[0] ? "+" : "", names[p]);
    if (!h->mmu->cfg.enable_adaptive) {
        snprintf(buf, size, "fixed: %s", parts[0] ? parts : "L1 only");
        return;
    }
    const char *doing = a->calibrating ? "calibrating"
                        : a->phase == PHASE_EXPLOIT ? "settled"
                                                    : "trying another combination";
    snprintf(buf, size, "adaptive: %s (%s)", parts[0] ? parts : "L1 only", doing);
}
