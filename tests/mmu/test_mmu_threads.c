/* Multi-threaded flush test: translator threads (one hart each) translate a
 * fixed set of pages in a loop while a writer thread remaps them to a new
 * version, fences its own hart, asks every translator for a remote flush,
 * waits for all tickets and then publishes the version as the new epoch.
 *
 * Invariant checked: a translator that read epoch k (after its vm_mmu_poll)
 * never sees a version older than k (k+1 and k+2 are possible: see
 * check_version).
 * Pages carry their (page, version) tag in their first word, so loads
 * through vm_mmu_load check the fast path as well.
 *
 * The writer alternates between leaf edits (rewriting the leaf PTEs, some
 * versions global, some with A=0 so the MMU's atomic A update races with
 * the writer) and non-leaf edits (a fresh level-0 table swapped in).
 *
 * MMU_THREADS_SECONDS sets the time per configuration (default 1.6). */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vm/error.h"
#include "vm/mem.h"
#include "vm/mmu.h"

#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE (UINT64_C(64) << 20)
#define ROOT_PA RAM_BASE
#define L1_PA (RAM_BASE + 0x1000)
#define L0_PA(i) (RAM_BASE + 0x2000 + (uint64_t)(i) * 0x1000)
#define DATA_BASE (RAM_BASE + 0x100000)
#define NVA 32
#define NVERS 256 /* versions are encoded modulo this */
#define VA_BASE UINT64_C(0x40000000) /* vpn2 = 1, vpn1 = 0 */
#define NTRANS 3

#define PTE_V (UINT64_C(1) << 0)
#define PTE_R (UINT64_C(1) << 1)
#define PTE_W (UINT64_C(1) << 2)
#define PTE_X (UINT64_C(1) << 3)
#define PTE_G (UINT64_C(1) << 5)
#define PTE_A (UINT64_C(1) << 6)
#define PTE_D (UINT64_C(1) << 7)

static uint64_t ppn_field(uint64_t pa)
{
    return (pa >> 12) << 10;
}

static uint64_t page_pa(unsigned page, uint64_t version)
{
    return DATA_BASE + ((version % NVERS) * NVA + page) * 0x1000;
}

static uint64_t page_tag(unsigned page, uint64_t version)
{
    return UINT64_C(0x7a60000000000000) | ((uint64_t)page << 32) | (version % NVERS);
}

static uint64_t make_satp(uint16_t asid)
{
    return (UINT64_C(8) << 60) | ((uint64_t)asid << 44) | (ROOT_PA >> 12);
}

struct translator {
    pthread_t thread;
    struct vm_mmu_hart *h;
    uint16_t asid;
    unsigned id;
    /* Results, read by main after join. */
    uint64_t checks, loads, polls;
    bool failed;
    uint64_t fail_epoch;
    char why[512];
};

static struct {
    struct vm_mem *mem;
    struct vm_mmu *mmu;
    struct vm_mmu_hart *writer_h;
    struct translator tr[NTRANS];
    atomic_uint_fast64_t epoch;
    atomic_bool stop;
    atomic_bool any_failed;
    atomic_uint_fast64_t checks; /* live progress, for the writer */
    uint64_t versions, flushes;
    double seconds;
    /* What the writer did for each version (written before it is
     * published; read after the threads are joined). */
    struct {
        bool nonleaf, global, a_clear, all_asids;
        unsigned fence_kind;
    } what[4096];
    char writer_err[256];
} S;

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void pte_store(uint64_t pa, uint64_t v)
{
    uint64_t *p = vm_mem_ram_ptr(S.mem, pa, 8);
    __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static bool check_version(struct translator *t, unsigned page, uint64_t k, uint64_t got_slot,
                          const char *how)
{
    /* Newer is fine: up to k+2, because the poll before reading epoch k
     * may already have served the flush for k+1, after which the writer can
     * publish k+1 and write k+2 while this iteration runs. Older is a stale
     * translation that survived a completed flush. */
    uint64_t d = (got_slot + NVERS - k % NVERS) % NVERS;
    if (d <= 2)
        return true;
    t->failed = true;
    t->fail_epoch = k;
    snprintf(t->why, sizeof(t->why),
             "translator %u (asid %u): %s of page %u after observing epoch %" PRIu64
             " returned version %" PRIu64 " (mod %d); expected %" PRIu64 "..%" PRIu64
             ": a stale translation survived a completed flush",
             t->id, t->asid, how, page, k, got_slot, NVERS, k % NVERS, (k + 2) % NVERS);
    atomic_store(&S.any_failed, true);
    return false;
}

static void *translator_main(void *arg)
{
    struct translator *t = arg;
    unsigned x = t->id * 7919u + 1;
    while (!atomic_load(&S.stop) && !t->failed) {
        vm_mmu_poll(t->h);
        t->polls++;
        uint64_t k = atomic_load(&S.epoch);
        for (unsigned j = 0; j < 8 && !t->failed; j++) {
            x = x * 1103515245u + 12345u;
            unsigned page = (x >> 16) % NVA;
            uint64_t va = VA_BASE + page * UINT64_C(0x1000) + ((x >> 8) & 0xff8);
            if (x & 0x80000000u) {
                /* A load of the page's tag word: its version, through the fast path. */
                uint64_t v = 0, tval = 0;
                va &= ~UINT64_C(0xfff);
                enum vm_fault f = vm_mmu_load(t->h, va, 8, &v, &tval);
                if (f != VM_FAULT_NONE) {
                    t->failed = true;
                    snprintf(t->why, sizeof(t->why),
                             "translator %u: load of mapped va 0x%" PRIx64 " faulted (%d)", t->id,
                             va, (int)f);
                    atomic_store(&S.any_failed, true);
                    break;
                }
                if ((v >> 32) != (UINT64_C(0x7a600000) | page)) {
                    t->failed = true;
                    snprintf(t->why, sizeof(t->why),
                             "translator %u: load at va 0x%" PRIx64 " read 0x%" PRIx64
                             ", not a tag of page %u",
                             t->id, va, v, page);
                    atomic_store(&S.any_failed, true);
                    break;
                }
                check_version(t, page, k, v & 0xffffffff, "vm_mmu_load");
                t->loads++;
            } else {
                enum vm_access acc = (x & 0x40000000u) ? VM_ACCESS_FETCH : VM_ACCESS_LOAD;
                struct vm_mmu_result r = vm_mmu_translate(t->h, va, acc);
                if (r.fault != VM_FAULT_NONE || (r.pa & 0xfff) != (va & 0xfff) ||
                    r.pa < DATA_BASE || r.pa >= DATA_BASE + (uint64_t)NVERS * NVA * 0x1000 ||
                    ((r.pa - DATA_BASE) >> 12) % NVA != page) {
                    t->failed = true;
                    snprintf(t->why, sizeof(t->why),
                             "translator %u: translate va 0x%" PRIx64 " -> fault %d pa 0x%" PRIx64
                             ": not a mapping of page %u",
                             t->id, va, (int)r.fault, r.pa, page);
                    atomic_store(&S.any_failed, true);
                    break;
                }
                check_version(t, page, k, ((r.pa - DATA_BASE) >> 12) / NVA, "vm_mmu_translate");
            }
            t->checks++;
        }
        atomic_fetch_add(&S.checks, 8);
    }
    return NULL;
}

/* The leaf PTE of page i in version v; some versions global or with A=0. */
static uint64_t leaf_pte(unsigned page, uint64_t v, bool global, bool a_clear)
{
    uint64_t pte = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | ppn_field(page_pa(page, v));
    if (global)
        pte |= PTE_G;
    if (a_clear)
        pte &= ~(PTE_A | PTE_D);
    return pte;
}

static bool wait_ticket(struct translator *t, uint64_t ticket)
{
    double t0 = now_sec();
    while (!vm_mmu_flush_done(t->h, ticket)) {
        if (atomic_load(&S.any_failed))
            return false;
        if (now_sec() - t0 > 20.0) {
            snprintf(S.writer_err, sizeof(S.writer_err),
                     "remote flush ticket %" PRIu64 " to translator %u not done after 20 s",
                     ticket, t->id);
            return false;
        }
        sched_yield();
    }
    return true;
}

static void run_writer(double seconds)
{
    unsigned cur = 0; /* level-0 table in use */
    bool was_global = false;
    unsigned x = 12345;
    double t_end = now_sec() + seconds;
    uint64_t v = 1;
    for (;; v++) {
        if (now_sec() >= t_end && atomic_load(&S.checks) > 0)
            break;
        if (atomic_load(&S.any_failed))
            break;
        x = x * 1103515245u + 12345u;
        bool nonleaf = (x >> 16) % 3 == 0;
        bool global = !nonleaf && (x >> 18) % 4 == 0;
        bool a_clear = (x >> 20) % 2 == 0;
        unsigned fence_kind = (x >> 22) % 3;
        if (nonleaf) {
            /* A fresh level-0 table: nobody can still hold the spare one,
             * every hart was flushed after it was last swapped out. */
            unsigned spare = 1 - cur;
            for (unsigned i = 0; i < NVA; i++)
                pte_store(L0_PA(spare) + i * 8, leaf_pte(i, v, false, a_clear));
            pte_store(L1_PA, PTE_V | ppn_field(L0_PA(spare)));
            cur = spare;
        } else {
            for (unsigned i = 0; i < NVA; i++)
                pte_store(L0_PA(cur) + i * 8, leaf_pte(i, v, global, a_clear));
        }
        /* Global leaves (before or after) need fences for all ASIDs. */
        bool all_asids = global || was_global || (x >> 24) % 2;
        was_global = global;
        if (v < 4096) {
            S.what[v].nonleaf = nonleaf;
            S.what[v].global = global;
            S.what[v].a_clear = a_clear;
            S.what[v].all_asids = all_asids;
            S.what[v].fence_kind = nonleaf ? 1 : fence_kind;
        }

        vm_mmu_sfence(S.writer_h, false, 0, false, 0);
        uint64_t tickets[NTRANS][NVA];
        unsigned nt[NTRANS];
        for (unsigned t = 0; t < NTRANS; t++) {
            struct translator *tr = &S.tr[t];
            nt[t] = 0;
            if (!nonleaf && fence_kind == 0) { /* by address */
                for (unsigned i = 0; i < NVA; i++)
                    tickets[t][nt[t]++] = vm_mmu_request_flush(
                        tr->h, true, VA_BASE + i * UINT64_C(0x1000) + (i * 8), !all_asids, tr->asid);
            } else {
                tickets[t][nt[t]++] =
                    vm_mmu_request_flush(tr->h, false, 0, !all_asids, tr->asid);
            }
            S.flushes += nt[t];
        }
        for (unsigned t = 0; t < NTRANS; t++)
            for (unsigned j = 0; j < nt[t]; j++)
                if (!wait_ticket(&S.tr[t], tickets[t][j]))
                    return;
        atomic_store(&S.epoch, v);
        S.versions++;
    }
}

struct config {
    const char *name;
    enum vm_mmu_strategy strategy;
    bool tiny;
    bool fixed; /* adaptive policy off: every configured part stays on */
};

static int run_config(const struct config *c, double seconds)
{
    memset(&S, 0, sizeof(S));
    atomic_init(&S.epoch, 0);
    atomic_init(&S.stop, false);
    atomic_init(&S.any_failed, false);
    atomic_init(&S.checks, 0);

    S.mem = vm_mem_create();
    if (!S.mem || vm_mem_add_ram(S.mem, RAM_BASE, RAM_SIZE, "ram") < 0) {
        fprintf(stderr, "memory: %s\n", vm_error_message());
        return 1;
    }
    /* Version 0 mapped; tags in every data page. */
    pte_store(ROOT_PA + 1 * 8, PTE_V | ppn_field(L1_PA));
    pte_store(L1_PA, PTE_V | ppn_field(L0_PA(0)));
    for (unsigned i = 0; i < NVA; i++)
        pte_store(L0_PA(0) + i * 8, leaf_pte(i, 0, false, false));
    for (uint64_t ver = 0; ver < NVERS; ver++)
        for (unsigned i = 0; i < NVA; i++)
            vm_mem_store(S.mem, page_pa(i, ver), 8, page_tag(i, ver));

    struct vm_mmu_config cfg;
    vm_mmu_config_default(&cfg);
    cfg.strategy = c->strategy;
    cfg.enable_page_table_cache = cfg.enable_prefetch = true;
    cfg.enable_adaptive = !c->fixed;
    if (c->tiny) {
        cfg.l1_entries = 8;
        cfg.l2_sets = 4;
        cfg.l2_ways = 2;
        cfg.l3_entries = 32;
        cfg.l3_shards = 2;
        cfg.l3_ways = 2;
        cfg.page_table_cache_size = 4;
        cfg.adaptive_interval = 64;
    }
    S.mmu = vm_mmu_create(S.mem, &cfg);
    if (!S.mmu) {
        fprintf(stderr, "vm_mmu_create: %s\n", vm_error_message());
        return 1;
    }
    S.writer_h = vm_mmu_hart_create(S.mmu, 0);
    vm_mmu_set_satp(S.writer_h, make_satp(9));
    vm_mmu_set_context(S.writer_h, VM_PRIV_S, 0);
    for (unsigned t = 0; t < NTRANS; t++) {
        struct translator *tr = &S.tr[t];
        tr->id = t + 1;
        tr->asid = (uint16_t)(t + 1);
        tr->h = vm_mmu_hart_create(S.mmu, t + 1);
        if (!tr->h) {
            fprintf(stderr, "vm_mmu_hart_create: %s\n", vm_error_message());
            return 1;
        }
        vm_mmu_set_satp(tr->h, make_satp(tr->asid));
        vm_mmu_set_context(tr->h, VM_PRIV_S, 0);
    }
    for (unsigned t = 0; t < NTRANS; t++)
        if (pthread_create(&S.tr[t].thread, NULL, translator_main, &S.tr[t]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    double t0 = now_sec();
    run_writer(seconds);
    atomic_store(&S.stop, true);
    uint64_t checks = 0, loads = 0, polls = 0;
    int rc = 0;
    for (unsigned t = 0; t < NTRANS; t++) {
        pthread_join(S.tr[t].thread, NULL);
        checks += S.tr[t].checks;
        loads += S.tr[t].loads;
        polls += S.tr[t].polls;
        if (S.tr[t].failed) {
            fprintf(stderr, "FAIL [%s]: %s\n", c->name, S.tr[t].why);
            for (uint64_t v = S.tr[t].fail_epoch > 2 ? S.tr[t].fail_epoch - 2 : 1;
                 v <= S.tr[t].fail_epoch + 2 && v < 4096 && v <= S.versions + 1; v++)
                fprintf(stderr,
                        "  version %" PRIu64 ": %s edit%s%s, remote flush %s, %s\n", v,
                        S.what[v].nonleaf ? "non-leaf (new level-0 table)" : "leaf",
                        S.what[v].global ? ", global leaves" : "",
                        S.what[v].a_clear ? ", A=D=0" : "",
                        S.what[v].fence_kind == 0 ? "per page (rs1=va)" : "whole (rs1=x0)",
                        S.what[v].all_asids ? "rs2=x0" : "rs2=asid");
            rc = 1;
        }
    }
    if (S.writer_err[0]) {
        fprintf(stderr, "FAIL [%s]: %s\n", c->name, S.writer_err);
        rc = 1;
    }
    printf("[%s] %.2f s: %" PRIu64 " versions published, %" PRIu64 " remote flushes, %" PRIu64
           " checks (%" PRIu64 " tagged loads), %" PRIu64 " polls\n",
           c->name, now_sec() - t0, S.versions, S.flushes, checks, loads, polls);
    if (rc == 0 && (checks == 0 || S.flushes == 0 || S.versions == 0)) {
        fprintf(stderr, "FAIL [%s]: nothing was checked (checks %" PRIu64 ", flushes %" PRIu64
                        ", versions %" PRIu64 ")\n",
                c->name, checks, S.flushes, S.versions);
        rc = 1;
    }
    for (unsigned t = 0; t < NTRANS; t++)
        vm_mmu_hart_destroy(S.tr[t].h);
    vm_mmu_hart_destroy(S.writer_h);
    vm_mmu_destroy(S.mmu);
    vm_mem_destroy(S.mem);
    fflush(stdout);
    return rc;
}

int main(void)
{
    static const struct config configs[] = {
        {"hybrid", VM_MMU_HYBRID, false, false},
        {"concurrent", VM_MMU_CONCURRENT, false, false},
        {"hybrid/tiny", VM_MMU_HYBRID, true, false},
        {"concurrent/tiny", VM_MMU_CONCURRENT, true, false},
        {"hybrid/all-parts-on", VM_MMU_HYBRID, false, true},
    };
    double seconds = 1.6;
    const char *env = getenv("MMU_THREADS_SECONDS");
    if (env && *env)
        seconds = atof(env);
    int rc = 0;
    for (unsigned i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
        rc |= run_config(&configs[i], seconds);
    printf(rc ? "FAILED\n" : "OK\n");
    return rc;
}
