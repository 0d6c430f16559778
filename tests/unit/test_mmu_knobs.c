/* Every knob of struct vm_mmu_config has an effect, shown here through
 * the MMU's statistics on small hand-built Sv39 page tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "vm/error.h"
#include "vm/mmu.h"
#include "mmu/mmu_internal.h"

#define RAM 0x80000000ULL
#define RAM_SIZE (64ULL << 20)
#define DATA (RAM + (32ULL << 20))
#define VA 0x40000000ULL

struct fixture {
    struct vm_mem *mem;
    uint64_t next_table;
    uint64_t root;
};

static uint64_t *pte(struct fixture *f, uint64_t pa)
{
    return vm_mem_ram_ptr(f->mem, pa, 8);
}

static uint64_t new_table(struct fixture *f)
{
    uint64_t t = f->next_table;
    f->next_table += 4096;
    memset(vm_mem_ram_ptr(f->mem, t, 4096), 0, 4096);
    return t;
}

/* Maps 4 KiB page `va` to `pa` with leaf flags (V added). */
static void map(struct fixture *f, uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t table = f->root;
    for (int level = 2; level > 0; level--) {
        uint64_t *p = pte(f, table + ((va >> (12 + 9 * level)) & 0x1ff) * 8);
        if (!(*p & 1))
            *p = (new_table(f) >> 12) << 10 | 1;
        table = (*p >> 10) << 12;
    }
    *pte(f, table + ((va >> 12) & 0x1ff) * 8) = (pa >> 12) << 10 | flags | 1;
}

static void map_range(struct fixture *f, uint64_t va, unsigned pages)
{
    for (unsigned i = 0; i < pages; i++)
        map(f, va + i * 4096ULL, DATA + i * 4096ULL, 0xce); /* D A X W R */
}

static int setup(void **state)
{
    static struct fixture f;
    f.mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(f.mem, RAM, RAM_SIZE, "ram"), 0);
    f.next_table = RAM;
    f.root = new_table(&f);
    map_range(&f, VA, 2048);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    vm_mem_destroy(f->mem);
    return 0;
}

static uint64_t satp_of(struct fixture *f)
{
    return 8ULL << 60 | 1ULL << 44 | f->root >> 12;
}

/* The baseline: every optional part off, so each test turns on one thing. */
static struct vm_mmu_config bare_config(void)
{
    struct vm_mmu_config c;
    vm_mmu_config_default(&c);
    c.strategy = VM_MMU_MULTILEVEL;
    c.l2_sets = c.l2_ways = 0;
    c.enable_page_table_cache = false;
    c.enable_prefetch = false;
    c.enable_adaptive = false;
    return c;
}

struct run {
    struct vm_mmu *mmu;
    struct vm_mmu_hart *h;
};

static struct run start(struct fixture *f, const struct vm_mmu_config *c)
{
    struct run r;
    r.mmu = vm_mmu_create(f->mem, c);
    assert_non_null(r.mmu);
    r.h = vm_mmu_hart_create(r.mmu, 0);
    assert_non_null(r.h);
    vm_mmu_set_satp(r.h, satp_of(f));
    vm_mmu_set_context(r.h, VM_PRIV_S, 0);
    return r;
}

static void stop(struct run *r)
{
    vm_mmu_hart_destroy(r->h);
    vm_mmu_destroy(r->mmu);
}

static void touch(struct vm_mmu_hart *h, uint64_t va)
{
    struct vm_mmu_result res = vm_mmu_translate(h, va, VM_ACCESS_LOAD);
    assert_int_equal(res.fault, VM_FAULT_NONE);
}

static struct vm_mmu_stats stats(struct vm_mmu_hart *h)
{
    struct vm_mmu_stats s;
    vm_mmu_get_stats(h, &s);
    return s;
}

/* Two passes over `pages` pages; returns the stats of the second pass. */
static struct vm_mmu_stats two_passes(struct fixture *f, const struct vm_mmu_config *c,
                                      unsigned pages, unsigned stride)
{
    struct run r = start(f, c);
    for (unsigned i = 0; i < pages; i++)
        touch(r.h, VA + (uint64_t)i * stride * 4096);
    vm_mmu_reset_stats(r.h);
    for (unsigned i = 0; i < pages; i++)
        touch(r.h, VA + (uint64_t)i * stride * 4096);
    struct vm_mmu_stats s = stats(r.h);
    stop(&r);
    return s;
}

static void test_l1_entries(void **state)
{
    struct vm_mmu_config c = bare_config();
    c.l1_entries = 64;
    assert_int_equal(two_passes(*state, &c, 64, 1).l1_misses[VM_ACCESS_LOAD], 0);
    c.l1_entries = 32;
    assert_int_equal(two_passes(*state, &c, 64, 1).l1_misses[VM_ACCESS_LOAD], 64);
}

static void test_l2_sets_and_ways(void **state)
{
    struct vm_mmu_config c = bare_config();
    c.l1_entries = 1;
    struct vm_mmu_stats s = two_passes(*state, &c, 16, 1);
    assert_int_equal(s.walks, 16);
    c.l2_sets = 4;
    c.l2_ways = 4; /* 16 entries: the whole set fits */
    s = two_passes(*state, &c, 16, 1);
    assert_int_equal(s.walks, 0);
    assert_int_equal(s.l2_hits, 16);
    c.l2_ways = 1; /* 4 entries: most must be walked again */
    s = two_passes(*state, &c, 16, 1);
    assert_true(s.walks >= 12);
    c.l2_sets = 16;
    s = two_passes(*state, &c, 16, 1); /* 16 sets x 1 way: fits again */
    assert_int_equal(s.walks, 0);
}

static void test_l3_entries_ways_shards(void **state)
{
    struct fixture *f = *state;
    struct vm_mmu_config c = bare_config();
    c.strategy = VM_MMU_CONCURRENT;
    c.l1_entries = 1;
    c.l3_entries = 1024;
    c.l3_shards = 4;
    c.l3_ways = 4;
    struct vm_mmu_stats s = two_passes(f, &c, 256, 1);
    assert_int_equal(s.walks, 0);
    assert_int_equal(s.l3_hits, 256);

    /* Another hart sees what the first walked: the level is shared. */
    struct run r = start(f, &c);
    struct vm_mmu_hart *h2 = vm_mmu_hart_create(r.mmu, 1);
    vm_mmu_set_satp(h2, satp_of(f));
    vm_mmu_set_context(h2, VM_PRIV_S, 0);
    for (unsigned i = 0; i < 64; i++)
        touch(r.h, VA + i * 4096ULL);
    for (unsigned i = 0; i < 64; i++)
        touch(h2, VA + i * 4096ULL);
    assert_int_equal(stats(h2).walks, 0);
    /* Entries are spread over every shard. */
    for (unsigned i = 0; i < r.mmu->l3.nshards; i++)
        assert_true(atomic_load(&r.mmu->l3.shards[i].count) > 0);
    vm_mmu_hart_destroy(h2);
    stop(&r);

    c.l3_entries = 64; /* too small for 256 pages */
    s = two_passes(f, &c, 256, 1);
    assert_true(s.walks > 128);
    c.l3_entries = 0; /* no L3 at all */
    s = two_passes(f, &c, 256, 1);
    assert_int_equal(s.walks, 256);
    assert_int_equal(s.l3_hits + s.l3_misses, 0);

    /* Ways: 64 entries as 64 sets x 1 way, or 16 sets x 4 ways. 40 pages
     * collide more often in the direct-mapped level (hashed set index). */
    c.l3_entries = 64;
    c.l3_shards = 1;
    c.l3_ways = 1;
    struct vm_mmu_stats direct = two_passes(f, &c, 40, 1);
    c.l3_ways = 4;
    struct vm_mmu_stats assoc = two_passes(f, &c, 40, 1);
    print_message("L3 64 entries, 40 pages: %llu walks direct-mapped, %llu 4-way\n",
                  (unsigned long long)direct.walks, (unsigned long long)assoc.walks);
    assert_true(assoc.walks < direct.walks);
}

static void test_strategy(void **state)
{
    struct vm_mmu_config c = bare_config();
    c.l1_entries = 1;
    c.l2_sets = 16;
    c.l2_ways = 4;
    c.strategy = VM_MMU_MULTILEVEL;
    struct vm_mmu_stats s = two_passes(*state, &c, 32, 1);
    assert_true(s.l2_hits > 0);
    assert_int_equal(s.l3_hits + s.l3_misses, 0);
    c.strategy = VM_MMU_CONCURRENT;
    s = two_passes(*state, &c, 32, 1);
    assert_int_equal(s.l2_hits + s.l2_misses, 0);
    assert_true(s.l3_hits > 0);
    c.strategy = VM_MMU_HYBRID;
    s = two_passes(*state, &c, 32, 1);
    assert_true(s.l2_hits > 0);
    assert_true(s.l2_misses > 0 || s.l3_hits == 0);
}

static void test_page_table_cache(void **state)
{
    struct vm_mmu_config c = bare_config();
    c.l1_entries = 1;
    /* Pages 512 apart: each in its own leaf table. */
    struct vm_mmu_stats s = two_passes(*state, &c, 4, 512);
    assert_int_equal(s.pte_reads, 3 * s.walks);
    c.enable_page_table_cache = true;
    c.page_table_cache_size = 64;
    s = two_passes(*state, &c, 4, 512);
    assert_int_equal(s.pte_reads, s.walks); /* only the leaf is read */
    assert_true(s.ptc_hits > 0);
    c.page_table_cache_size = 2; /* root entry + one level-1 entry: thrashes */
    s = two_passes(*state, &c, 4, 512);
    assert_true(s.pte_reads > s.walks);
}

/* Sequential pages, one translation each: returns the run's stats. */
static struct vm_mmu_stats sequential(struct fixture *f, const struct vm_mmu_config *c,
                                      unsigned pages, unsigned stride)
{
    struct run r = start(f, c);
    for (unsigned i = 0; i < pages; i++)
        touch(r.h, VA + (uint64_t)i * stride * 4096);
    struct vm_mmu_stats s = stats(r.h);
    stop(&r);
    return s;
}

static struct vm_mmu_config prefetch_config(void)
{
    struct vm_mmu_config c = bare_config();
    c.l1_entries = 4;
    c.l2_sets = 64;
    c.l2_ways = 4;
    c.enable_prefetch = true;
    return c;
}

static void test_prefetch_enable_and_distance(void **state)
{
    struct vm_mmu_config c = prefetch_config();
    c.enable_prefetch = false;
    assert_int_equal(sequential(*state, &c, 100, 1).walks, 100);
    c = prefetch_config();
    struct vm_mmu_stats s = sequential(*state, &c, 100, 1);
    assert_true(s.walks <= 100 / 2); /* at least half the misses gone */
    assert_true(s.prefetch_useful > 0);
    /* Distance: how far ahead the last prefetch reached past the end. */
    c.prefetch_distance = 1;
    struct vm_mmu_stats d1 = sequential(*state, &c, 100, 1);
    c.prefetch_distance = 8;
    struct vm_mmu_stats d8 = sequential(*state, &c, 100, 1);
    assert_int_equal(d8.prefetch_issued - d1.prefetch_issued, 7);
}

static void test_prefetch_window_and_confirm(void **state)
{
    struct vm_mmu_config c = prefetch_config();
    c.prefetch_window = 4; /* a stride of 8 pages is not a pattern */
    assert_int_equal(sequential(*state, &c, 100, 8).prefetch_issued, 0);
    c.prefetch_window = 8;
    assert_true(sequential(*state, &c, 100, 8).prefetch_issued > 0);
    /* Confirm: demand walks before the stream starts prefetching. */
    c.prefetch_confirm = 2;
    struct vm_mmu_stats early = sequential(*state, &c, 40, 1);
    c.prefetch_confirm = 6;
    struct vm_mmu_stats late = sequential(*state, &c, 40, 1);
    assert_int_equal(late.walks - early.walks, 4);
}

static void test_prefetch_history_window(void **state)
{
    struct fixture *f = *state;
    /* Three interleaved sequential streams, 600 pages apart. */
    for (unsigned hw = 2; hw <= 4; hw += 2) {
        struct vm_mmu_config c = prefetch_config();
        c.prefetch_history_window = hw;
        c.prefetch_confirm = 1;
        struct run r = start(f, &c);
        for (unsigned i = 0; i < 100; i++)
            for (unsigned s = 0; s < 3; s++)
                touch(r.h, VA + (s * 600ULL + i) * 4096);
        struct vm_mmu_stats st = stats(r.h);
        if (hw == 2)
            assert_true(st.walks > 250); /* streams evict each other */
        else
            assert_true(st.walks < 60);
        stop(&r);
    }
}

static void test_hw_ad_update(void **state)
{
    struct fixture *f = *state;
    uint64_t va = VA + 3000ULL * 4096;
    for (int svadu = 0; svadu <= 1; svadu++) {
        map(f, va, DATA, 0x0e); /* R W X, A and D clear */
        struct vm_mmu_config c = bare_config();
        c.hw_ad_update = svadu;
        struct run r = start(f, &c);
        struct vm_mmu_result res = vm_mmu_translate(r.h, va, VM_ACCESS_STORE);
        uint64_t table = f->root;
        for (int level = 2; level > 0; level--)
            table = (*pte(f, table + ((va >> (12 + 9 * level)) & 0x1ff) * 8) >> 10) << 12;
        uint64_t leaf = *pte(f, table + ((va >> 12) & 0x1ff) * 8);
        if (svadu) {
            assert_int_equal(res.fault, VM_FAULT_NONE);
            assert_int_equal(leaf & 0xc0, 0xc0); /* A and D set */
        } else {
            assert_int_equal(res.fault, VM_FAULT_STORE_PAGE);
            assert_int_equal(leaf & 0xc0, 0);
        }
        stop(&r);
    }
}

/* Random pages over a large set: prefetch is useless there. */
static void random_misses(struct vm_mmu_hart *h, unsigned n)
{
    uint64_t x = 88172645463325252ULL;
    for (unsigned i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        touch(h, VA + (x % 2048) * 4096);
    }
}

/* Runs random misses until the adaptive policy has calibrated (bounded). */
static void finish_calibration(struct vm_mmu_hart *h)
{
    for (int i = 0; i < 200 && h->ad.calibrating; i++)
        random_misses(h, 64);
    assert_false(h->ad.calibrating);
}

static void test_adaptive_knobs(void **state)
{
    struct fixture *f = *state;
    vm_mmu_config_default(&(struct vm_mmu_config){0});
    struct vm_mmu_config c;
    vm_mmu_config_default(&c);
    c.l1_entries = 1;

    /* Interval: calibration takes two intervals per arm. */
    c.adaptive_interval = 64;
    struct run r = start(f, &c);
    random_misses(r.h, 3000);
    assert_false(r.h->ad.calibrating);
    stop(&r);
    c.adaptive_interval = 1024;
    r = start(f, &c);
    random_misses(r.h, 3000);
    assert_true(r.h->ad.calibrating);
    stop(&r);

    /* Off: everything configured stays on. */
    c.enable_adaptive = false;
    r = start(f, &c);
    random_misses(r.h, 3000);
    assert_int_equal(r.h->ad.on, r.h->ad.available);
    stop(&r);

    /* Probe intervals: the first trial after calibration starts after them. */
    c.enable_adaptive = true;
    c.adaptive_interval = 64;
    c.adaptive_probe_intervals = 4;
    r = start(f, &c);
    finish_calibration(r.h);
    assert_int_equal(r.h->ad.phase, 0); /* exploiting the chosen arm */
    assert_int_equal(r.h->ad.countdown, 4);
    random_misses(r.h, 64 * 5);
    assert_true(r.h->ad.phase != 0); /* four intervals later: a trial */
    stop(&r);

    /* Minimum accuracy: a useless prefetcher is switched off when forced on. */
    for (unsigned pct = 0; pct <= 90; pct += 90) {
        c.adaptive_min_accuracy_pct = pct;
        c.adaptive_probe_intervals = 1000;
        r = start(f, &c);
        finish_calibration(r.h);
        r.h->ad.current = r.h->ad.available;
        r.h->ad.on = r.h->ad.available; /* force everything on */
        r.h->pf.active = true;
        r.h->ad.skip_l2 = r.h->ad.skip_l3 = r.h->ad.skip_ptc = false;
        vm_mmu_reset_stats(r.h);
        for (unsigned i = 0; i < 40; i++) /* short strided runs that stop: inaccurate */
            for (unsigned k = 0; k < 4; k++)
                touch(r.h, VA + ((i * 37 % 400) * 5 + k) * 4096ULL);
        random_misses(r.h, 64 * 3);
        if (pct == 90)
            assert_true(stats(r.h).adaptive_prefetch_off > 0);
        else
            assert_int_equal(stats(r.h).adaptive_prefetch_off, 0);
        stop(&r);
    }
}

/* A hart that has not been asked to flush yet may walk through its stale
 * walk cache; what it finds must not reach a hart whose flush completed
 * through the shared L3. Sequence: C caches the path to a leaf table, the
 * OS repoints that path (a non-leaf change), fences itself and B; then C
 * walks a new page through its stale walk cache; B must see the new table. */
static void test_shared_l3_not_fed_by_stale_walk_cache(void **state)
{
    struct fixture *f = *state;
    struct vm_mmu_config c = bare_config();
    c.strategy = VM_MMU_CONCURRENT;
    c.enable_page_table_cache = true;
    struct run r = start(f, &c); /* r.h is the OS's hart (A) */
    struct vm_mmu_hart *b = vm_mmu_hart_create(r.mmu, 1), *hc = vm_mmu_hart_create(r.mmu, 2);
    vm_mmu_set_satp(b, satp_of(f));
    vm_mmu_set_context(b, VM_PRIV_S, 0);
    vm_mmu_set_satp(hc, satp_of(f));
    vm_mmu_set_context(hc, VM_PRIV_S, 0);

    uint64_t va = VA + 4000ULL * 4096; /* its own level-1 entry */
    map(f, va, DATA, 0xce);
    touch(hc, va); /* C's walk cache now holds the path */

    /* Repoint the level-1 entry to a new leaf table mapping va+1 page elsewhere. */
    uint64_t l1_table = (*pte(f, f->root + ((va >> 30) & 0x1ff) * 8) >> 10) << 12;
    uint64_t *l1e = pte(f, l1_table + ((va >> 21) & 0x1ff) * 8);
    uint64_t old_leaf_table = (*l1e >> 10) << 12;
    uint64_t new_leaf_table = new_table(f);
    uint64_t va2 = va + 4096, old_pa = DATA + 0x5000, new_pa = DATA + 0x9000;
    *pte(f, old_leaf_table + ((va2 >> 12) & 0x1ff) * 8) = (old_pa >> 12) << 10 | 0xcf;
    *pte(f, new_leaf_table + ((va2 >> 12) & 0x1ff) * 8) = (new_pa >> 12) << 10 | 0xcf;
    *l1e = (new_leaf_table >> 12) << 10 | 1;

    vm_mmu_sfence(r.h, false, 0, false, 0);
    uint64_t ticket = vm_mmu_request_flush(b, false, 0, false, 0);
    vm_mmu_poll(b);
    assert_true(vm_mmu_flush_done(b, ticket));

    /* C, not asked yet, walks va2 through its stale path... */
    struct vm_mmu_result rc = vm_mmu_translate(hc, va2, VM_ACCESS_LOAD);
    assert_int_equal(rc.fault, VM_FAULT_NONE);
    /* ...and B, whose flush completed, must get the new translation. */
    struct vm_mmu_result rb = vm_mmu_translate(b, va2, VM_ACCESS_LOAD);
    assert_int_equal(rb.fault, VM_FAULT_NONE);
    assert_int_equal(rb.pa, new_pa);

    vm_mmu_hart_destroy(b);
    vm_mmu_hart_destroy(hc);
    stop(&r);
}

static void test_config_check(void **state)
{
    (void)state;
    struct vm_mmu_config c;
    vm_mmu_config_default(&c);
    assert_int_equal(vm_mmu_config_check(&c), 0);
    c.l1_entries = 100;
    assert_int_equal(vm_mmu_config_check(&c), -VM_EINVAL);
    assert_non_null(strstr(vm_error_message(), "l1_entries"));
    vm_mmu_config_default(&c);
    c.l2_sets = 3;
    assert_int_equal(vm_mmu_config_check(&c), -VM_EINVAL);
    vm_mmu_config_default(&c);
    c.prefetch_confirm = c.prefetch_history_window;
    assert_int_equal(vm_mmu_config_check(&c), -VM_EINVAL);
    vm_mmu_config_default(&c);
    c.l3_entries = 1000;
    assert_int_equal(vm_mmu_config_check(&c), -VM_EINVAL);
    assert_null(vm_mmu_create(NULL, &c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_l1_entries),
        cmocka_unit_test(test_l2_sets_and_ways),
        cmocka_unit_test(test_l3_entries_ways_shards),
        cmocka_unit_test(test_strategy),
        cmocka_unit_test(test_page_table_cache),
        cmocka_unit_test(test_prefetch_enable_and_distance),
        cmocka_unit_test(test_prefetch_window_and_confirm),
        cmocka_unit_test(test_prefetch_history_window),
        cmocka_unit_test(test_hw_ad_update),
        cmocka_unit_test(test_adaptive_knobs),
        cmocka_unit_test(test_shared_l3_not_fed_by_stale_walk_cache),
        cmocka_unit_test(test_config_check),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
