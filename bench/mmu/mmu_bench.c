/* MMU benchmark: workloads x configurations, ns per translation (median of
 * several runs), walks per 1000 translations, PTE reads per walk and
 * prefetch accuracy, then the claims checked against the table.
 * Not a test: figures go to docs/PERFORMANCE.md. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vm/error.h"
#include "mmu/mmu_fast.h"
#include "page_tables.h"
#include "workloads.h"

struct bench_config {
    const char *name;
    void (*apply)(struct vm_mmu_config *c);
};

static void base(struct vm_mmu_config *c)
{
    vm_mmu_config_default(c);
    c->strategy = VM_MMU_MULTILEVEL;
    c->l2_sets = c->l2_ways = 0;
    c->enable_page_table_cache = false;
    c->enable_prefetch = false;
    c->enable_adaptive = false;
}
static void cfg_l1(struct vm_mmu_config *c) { base(c); }
static void cfg_l2(struct vm_mmu_config *c)
{
    base(c);
    c->l2_sets = 256;
    c->l2_ways = 4;
}
static void cfg_l3(struct vm_mmu_config *c)
{
    cfg_l2(c);
    c->strategy = VM_MMU_HYBRID;
}
static void cfg_ptc(struct vm_mmu_config *c)
{
    cfg_l3(c);
    c->enable_page_table_cache = true;
}
static void cfg_prefetch(struct vm_mmu_config *c)
{
    cfg_ptc(c);
    c->enable_prefetch = true;
}
static void cfg_multilevel(struct vm_mmu_config *c)
{
    cfg_prefetch(c);
    c->strategy = VM_MMU_MULTILEVEL;
}
static void cfg_concurrent(struct vm_mmu_config *c)
{
    cfg_prefetch(c);
    c->strategy = VM_MMU_CONCURRENT;
}
static void cfg_adaptive(struct vm_mmu_config *c)
{
    vm_mmu_config_default(c); /* hybrid, everything on, adaptive */
}

static const struct bench_config configs[] = {
    {"L1 only", cfg_l1},
    {"+L2", cfg_l2},
    {"+L3", cfg_l3},
    {"+walk cache", cfg_ptc},
    {"+prefetch (hybrid)", cfg_prefetch},
    {"multilevel", cfg_multilevel},
    {"concurrent", cfg_concurrent},
    {"adaptive", cfg_adaptive},
};
#define NCONFIGS (sizeof(configs) / sizeof(configs[0]))
#define ADAPTIVE_ROW 7

static const struct workload workloads[] = {
    {"seq 64M", WL_SEQ, 64ULL << 20, 1},
    {"rand 64K", WL_RANDOM, 64ULL << 10, 1},
    {"rand 1M", WL_RANDOM, 1ULL << 20, 1},
    {"rand 16M", WL_RANDOM, 16ULL << 20, 1},
    {"rand 256M", WL_RANDOM, 256ULL << 20, 1},
    {"rand 1G", WL_RANDOM, 1ULL << 30, 1},
    {"stride 16K", WL_STRIDE, 256ULL << 20, 1},
    {"chase 64M", WL_CHASE, 64ULL << 20, 1},
    {"mixed 4K/2M", WL_MIXED, BENCH_MIXED_SIZE, 1},
    {"2 threads 64M", WL_THREADS, 64ULL << 20, 2},
};
#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

struct result {
    double ns;
    double walks_per_k;
    double pte_per_walk;
    double pf_accuracy; /* -1: no prefetches */
    unsigned arm;       /* adaptive: the parts hart 0 ended with */
};

struct machine {
    struct vm_mem *mem;
    uint64_t satp;
};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "mmu-bench: %s: %s\n", what, vm_error_message());
    exit(1);
}

static void build_machine(struct machine *m)
{
    m->mem = vm_mem_create();
    if (!m->mem || vm_mem_add_ram(m->mem, BENCH_RAM_BASE, BENCH_RAM_SIZE, "ram") < 0)
        die("guest RAM");
    struct pt_builder b;
    pt_init(&b, m->mem, 3, BENCH_RAM_BASE, BENCH_PT_POOL_SIZE);
    pt_map(&b, BENCH_VA_4K, BENCH_DATA_PA, BENCH_DATA_SIZE, 12);
    pt_map(&b, BENCH_VA_MIXED, BENCH_DATA_PA, BENCH_MIXED_SIZE / 2, 12);
    pt_map(&b, BENCH_VA_MIXED + BENCH_MIXED_SIZE / 2, BENCH_DATA_PA + BENCH_MIXED_SIZE / 2,
           BENCH_MIXED_SIZE / 2, 21);
    m->satp = pt_satp(&b, 1);
}

/* One thread's loop: the inline L1 probe, the MMU's miss path behind it. */
struct run_arg {
    struct vm_mmu_hart *h;
    const uint64_t *va;
    size_t n;
    bool chase;
    uint64_t sink;
};

static void *run_loop(void *p)
{
    struct run_arg *a = p;
    struct vm_mmu_hart *h = a->h;
    uint64_t sink = 0;
    if (a->chase) {
        uint64_t va = a->va[0], tval;
        for (size_t i = 0; i < a->n; i++)
            if (vm_mmu_load_fast(h, va, 8, &va, &tval) != VM_FAULT_NONE)
                abort();
        sink = va;
    } else {
        for (size_t i = 0; i < a->n; i++) {
            uint64_t va = a->va[i];
            void *host = vm_mmu_l1_host(h, VM_ACCESS_LOAD, va, 8);
            if (host) {
                sink += (uintptr_t)host;
            } else {
                struct vm_mmu_result r = vm_mmu_translate(h, va, VM_ACCESS_LOAD);
                if (r.fault != VM_FAULT_NONE)
                    abort();
                sink += r.pa;
            }
        }
    }
    a->sink = sink;
    return NULL;
}

static struct result run_once(struct machine *m, const struct workload *w,
                              const struct bench_config *bc, uint64_t *const *va, size_t n)
{
    struct vm_mmu_config cfg;
    bc->apply(&cfg);
    struct vm_mmu *mmu = vm_mmu_create(m->mem, &cfg);
    if (!mmu)
        die(bc->name);
    struct vm_mmu_hart *harts[8];
    struct run_arg args[8];
    pthread_t th[8];
    for (unsigned t = 0; t < w->threads; t++) {
        harts[t] = vm_mmu_hart_create(mmu, t);
        if (!harts[t])
            die("hart");
        vm_mmu_set_satp(harts[t], m->satp);
        vm_mmu_set_context(harts[t], VM_PRIV_S, 0);
        args[t] = (struct run_arg){harts[t], va[t], n, w->kind == WL_CHASE, 0};
    }
    double t0 = now_ns();
    if (w->threads == 1) {
        run_loop(&args[0]);
    } else {
        for (unsigned t = 0; t < w->threads; t++)
            pthread_create(&th[t], NULL, run_loop, &args[t]);
        for (unsigned t = 0; t < w->threads; t++)
            pthread_join(th[t], NULL);
    }
    double t1 = now_ns();
    struct vm_mmu_stats sum = {0};
    unsigned arm = 0;
    for (unsigned t = 0; t < w->threads; t++) {
        struct vm_mmu_stats s;
        vm_mmu_get_stats(harts[t], &s);
        vm_mmu_stats_add(&sum, &s);
        if (t == 0)
            arm = harts[0]->ad.current;
        vm_mmu_hart_destroy(harts[t]);
    }
    vm_mmu_destroy(mmu);
    double total = (double)n * w->threads;
    struct result r = {
        .ns = (t1 - t0) / n, /* per translation on one thread: wall time over each thread's count */
        .walks_per_k = 1000.0 * sum.walks / total,
        .pte_per_walk = sum.walks ? (double)sum.pte_reads / sum.walks : 0,
        .pf_accuracy = sum.prefetch_issued ? 100.0 * sum.prefetch_useful / sum.prefetch_issued : -1,
        .arm = arm,
    };
    return r;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    unsigned runs = 5;
    size_t n = 1u << 20;
    const char *only = NULL, *only_config = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--n") && i + 1 < argc)
            n = (size_t)strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--workload") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--config") && i + 1 < argc)
            only_config = argv[++i];
        else if (!strcmp(argv[i], "--quick")) {
            runs = 3;
            n = 1u << 18;
        } else {
            fprintf(stderr, "usage: mmu-bench [--runs R] [--n N] [--quick] [--workload NAME] [--config NAME]\n");
            return 2;
        }
    }
    if (runs < 1 || runs > 101 || n < 1024) {
        fprintf(stderr, "mmu-bench: --runs must be 1..101 and --n at least 1024\n");
        return 2;
    }
    struct machine m;
    build_machine(&m);
    uint64_t *va[8];
    for (unsigned t = 0; t < 8; t++)
        va[t] = malloc(n * sizeof(uint64_t));

    printf("MMU benchmark: %zu translations per thread per run, median of %u interleaved runs, Sv39, S-mode loads\n\n",
           n, runs);
    printf("%-14s %-20s %9s %10s %9s %8s\n", "workload", "config", "ns/xlate", "walks/1k",
           "PTE/walk", "pf acc%");
    double best_fixed[NWORKLOADS], adaptive_ns[NWORKLOADS];
    double seq_walks_nopf = 0, seq_walks_pf = 0, rand1g_pte_ptc = 0, rand1g_pte_nowc = 0;
    const char *best_name[NWORKLOADS];
    for (size_t wi = 0; wi < NWORKLOADS; wi++) {
        const struct workload *w = &workloads[wi];
        if (only && strcmp(only, w->name))
            continue;
        for (unsigned t = 0; t < w->threads; t++)
            workload_addresses(w, m.mem, va[t], n, 0x9e3779b97f4a7c15ULL * (t + 1));
        best_fixed[wi] = 1e30;
        /* Runs are interleaved across configurations (round k of every
         * configuration, then round k+1), so that a noisy moment on this
         * shared machine hits all of them alike; each figure is a median. */
        static double ns[NCONFIGS][101];
        struct result res[NCONFIGS];
        for (unsigned k = 0; k < runs; k++)
            for (size_t ci = 0; ci < NCONFIGS; ci++) {
                if (only_config && strcmp(only_config, configs[ci].name))
                    continue;
                res[ci] = run_once(&m, w, &configs[ci], va, n);
                ns[ci][k] = res[ci].ns;
            }
        for (size_t ci = 0; ci < NCONFIGS; ci++) {
            if (only_config && strcmp(only_config, configs[ci].name))
                continue;
            struct result r = res[ci];
            qsort(ns[ci], runs, sizeof(double), cmp_double);
            r.ns = ns[ci][runs / 2];
            char acc[16] = "-";
            if (r.pf_accuracy >= 0)
                snprintf(acc, sizeof(acc), "%.0f", r.pf_accuracy);
            char choice[64] = "";
            if (ci == ADAPTIVE_ROW)
                snprintf(choice, sizeof(choice), "  chose: %s%s%s%s%s", r.arm ? "" : "L1 only",
                         r.arm & (1u << AD_L2) ? "L2 " : "", r.arm & (1u << AD_L3) ? "L3 " : "",
                         r.arm & (1u << AD_PTC) ? "walk-cache " : "",
                         r.arm & (1u << AD_PREFETCH) ? "prefetch" : "");
            printf("%-14s %-20s %9.1f %10.1f %9.2f %8s%s\n", w->name, configs[ci].name, r.ns,
                   r.walks_per_k, r.pte_per_walk, acc, choice);
            if (ci == ADAPTIVE_ROW)
                adaptive_ns[wi] = r.ns;
            else if (r.ns < best_fixed[wi]) {
                best_fixed[wi] = r.ns;
                best_name[wi] = configs[ci].name;
            }
            if (w->kind == WL_SEQ && ci == 3)
                seq_walks_nopf = r.walks_per_k;
            if (w->kind == WL_SEQ && ci == 4)
                seq_walks_pf = r.walks_per_k;
            if (!strcmp(w->name, "rand 1G") && ci == 2)
                rand1g_pte_nowc = r.pte_per_walk;
            if (!strcmp(w->name, "rand 1G") && ci == 3)
                rand1g_pte_ptc = r.pte_per_walk;
        }
        printf("\n");
    }
    printf("Claims:\n");
    if (rand1g_pte_ptc > 0)
        printf("  walk cache, rand 1G: PTE reads/walk %.2f -> %.2f (target <= 1.3): %s\n",
               rand1g_pte_nowc, rand1g_pte_ptc, rand1g_pte_ptc <= 1.3 ? "met" : "NOT met");
    if (seq_walks_nopf > 0)
        printf("  prefetch, seq 64M: walks/1k %.1f -> %.1f (%.0f%% removed, target >= 50%%): %s\n",
               seq_walks_nopf, seq_walks_pf, 100.0 * (1 - seq_walks_pf / seq_walks_nopf),
               seq_walks_pf <= seq_walks_nopf / 2 ? "met" : "NOT met");
    for (size_t wi = 0; wi < NWORKLOADS; wi++) {
        if (only && strcmp(only, workloads[wi].name))
            continue;
        double ratio = adaptive_ns[wi] / best_fixed[wi];
        printf("  adaptive vs best fixed (%s), %-14s: %.3f (target <= 1.05): %s\n", best_name[wi],
               workloads[wi].name, ratio, ratio <= 1.05 ? "met" : "NOT met");
    }
    for (unsigned t = 0; t < 8; t++)
        free(va[t]);
    vm_mem_destroy(m.mem);
    return 0;
}
