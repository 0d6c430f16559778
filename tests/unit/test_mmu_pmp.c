/* The MMU's PMP (privileged spec 3.7) through the public API: address
 * matching (TOR, NA4, NAPOT sizes, empty ranges), priority, partial
 * matches, M-mode and locks, the default with and without entries, and
 * where it is checked: a page the PMP allows throughout goes to L1 (the
 * next access is a hit), a page with a boundary inside never does, so
 * every access to it is checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vm/mem.h"
#include "vm/mmu.h"
#include "mmu/mmu_fast.h"

#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE (UINT64_C(1) << 20)
#define PAGE(n) (RAM_BASE + (uint64_t)(n) * 4096)

#define R 1
#define W 2
#define X 4
#define L 0x80
#define TOR (1 << 3)
#define NA4 (2 << 3)
#define NAPOT (3 << 3)

struct fx {
    struct vm_mem *mem;
    struct vm_mmu *mmu;
    struct vm_mmu_hart *h;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->mem = vm_mem_create();
    assert_int_equal(vm_mem_add_ram(f->mem, RAM_BASE, RAM_SIZE, "ram"), 0);
    f->mmu = vm_mmu_create(f->mem, NULL);
    f->h = vm_mmu_hart_create(f->mmu, 0);
    assert_non_null(f->h);
    assert_int_equal(vm_mmu_pmp_set_count(f->h, 16), 0);
    vm_mmu_set_satp(f->h, 0);
    vm_mmu_set_context(f->h, VM_PRIV_S, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    vm_mmu_hart_destroy(f->h);
    vm_mmu_destroy(f->mmu);
    vm_mem_destroy(f->mem);
    free(f);
    return 0;
}

static void set(struct vm_mmu_hart *h, unsigned i, uint8_t cfg, uint64_t addr)
{
    vm_mmu_pmp_write_addr(h, i, addr);
    vm_mmu_pmp_write_cfg(h, i, 1, cfg);
}

static enum vm_fault load(struct vm_mmu_hart *h, uint64_t pa, unsigned size)
{
    uint64_t v, tval;
    return vm_mmu_load(h, pa, size, &v, &tval);
}

static void test_defaults(void **state)
{
    struct fx *f = *state;
    /* entries exist, none on: S and U get nothing, M everything */
    assert_int_equal(load(f->h, PAGE(1), 8), VM_FAULT_LOAD_ACCESS);
    vm_mmu_set_context(f->h, VM_PRIV_U, 0);
    assert_int_equal(load(f->h, PAGE(1), 8), VM_FAULT_LOAD_ACCESS);
    vm_mmu_set_context(f->h, VM_PRIV_M, 0);
    assert_int_equal(load(f->h, PAGE(1), 8), VM_FAULT_NONE);
    /* no PMP at all: everyone everything */
    assert_int_equal(vm_mmu_pmp_set_count(f->h, 0), 0);
    vm_mmu_set_context(f->h, VM_PRIV_U, 0);
    assert_int_equal(load(f->h, PAGE(1), 8), VM_FAULT_NONE);
    assert_int_equal(vm_mmu_pmp_set_count(f->h, 7), -1);
    assert_int_equal(vm_mmu_pmp_count(f->h), 0);
}

static void test_napot_sizes(void **state)
{
    struct fx *f = *state;
    uint64_t tval;
    /* all ones: the whole address space */
    set(f->h, 0, NAPOT | R, ~0ULL);
    assert_int_equal(load(f->h, PAGE(3), 8), VM_FAULT_NONE);
    assert_int_equal(vm_mmu_store(f->h, PAGE(3), 8, 0, &tval), VM_FAULT_STORE_ACCESS);
    assert_int_equal(tval, PAGE(3));
    /* yyy0: 8 bytes at PAGE(2) + 8 */
    set(f->h, 0, NAPOT | R, (PAGE(2) + 8) >> 2);
    assert_int_equal(load(f->h, PAGE(2) + 8, 8), VM_FAULT_NONE);
    assert_int_equal(load(f->h, PAGE(2) + 12, 4), VM_FAULT_NONE);
    assert_int_equal(load(f->h, PAGE(2), 8), VM_FAULT_LOAD_ACCESS);
    assert_int_equal(load(f->h, PAGE(2) + 16, 1), VM_FAULT_LOAD_ACCESS);
    /* y011: 32 bytes */
    set(f->h, 0, NAPOT | R, (PAGE(2) >> 2) | 3);
    assert_int_equal(load(f->h, PAGE(2) + 24, 8), VM_FAULT_NONE);
    assert_int_equal(load(f->h, PAGE(2) + 32, 8), VM_FAULT_LOAD_ACCESS);
    /* NA4: exactly 4 bytes */
    set(f->h, 0, NA4 | R, (PAGE(2) + 4) >> 2);
    assert_int_equal(load(f->h, PAGE(2) + 4, 4), VM_FAULT_NONE);
    assert_int_equal(load(f->h, PAGE(2) + 4, 8), VM_FAULT_LOAD_ACCESS); /* partly outside */
    assert_int_equal(load(f->h, PAGE(2), 4), VM_FAULT_LOAD_ACCESS);
}

static void test_tor(void **state)
{
    struct fx *f = *state;
    /* entry 0 TOR: from address 0 */
    set(f->h, 0, TOR | R, PAGE(2) >> 2);
    assert_int_equal(load(f->h, PAGE(1), 8), VM_FAULT_NONE);
    assert_int_equal(load(f->h, PAGE(2) - 8, 8), VM_FAULT_NONE);
    assert_int_equal(load(f->h, PAGE(2), 8), VM_FAULT_LOAD_ACCESS);
    /* an empty range (bottom >= top) matches nothing */
    set(f->h, 0, 0, PAGE(5) >> 2);
    set(f->h, 1, TOR | R, PAGE(4) >> 2);
    assert_int_equal(load(f->h, PAGE(4) + 8, 8), VM_FAULT_LOAD_ACCESS);
    set(f->h, 1, TOR | R, PAGE(6) >> 2);
    assert_int_equal(load(f->h, PAGE(5) + 8, 8), VM_FAULT_NONE);
    assert_int_equal(load(f->h, PAGE(6), 8), VM_FAULT_LOAD_ACCESS);
    assert_int_equal(vm_mmu_pmp_read_cfg(f->h, 0, 8), (uint64_t)(TOR | R) << 8);
}

static void test_priority_and_partial(void **state)
{
    struct fx *f = *state;
    /* entry 0 (no permission) on one word wins over entry 1 (R) */
    set(f->h, 0, NA4, (PAGE(2) + 0x100) >> 2);
    set(f->h, 1, NAPOT | R, ~0ULL);
    assert_int_equal(load(f->h, PAGE(2) + 0x100, 4), VM_FAULT_LOAD_ACCESS);
    assert_int_equal(load(f->h, PAGE(2) + 0x104, 4), VM_FAULT_NONE);
    /* an access entry 0 covers only in part fails, whatever entry 1 says */
    assert_int_equal(load(f->h, PAGE(2) + 0xfc, 8), VM_FAULT_LOAD_ACCESS);
    /* M-mode: unlocked entries do not apply */
    vm_mmu_set_context(f->h, VM_PRIV_M, 0);
    assert_int_equal(load(f->h, PAGE(2) + 0x100, 4), VM_FAULT_NONE);
    /* M-mode with MPRV and MPP = S: the S rules */
    vm_mmu_set_context(f->h, VM_PRIV_M, VM_MSTATUS_MPRV | (1ULL << VM_MSTATUS_MPP_SHIFT));
    assert_int_equal(load(f->h, PAGE(2) + 0x100, 4), VM_FAULT_LOAD_ACCESS);
}

static void test_where_checked(void **state)
{
    struct fx *f = *state;
    struct vm_mmu_stats st;
    set(f->h, 0, NA4, (PAGE(2) + 0x100) >> 2);
    set(f->h, 1, NAPOT | R | X, ~0ULL);
    /* a page allowed throughout: one miss, then L1 hits */
    assert_int_equal(load(f->h, PAGE(3), 8), VM_FAULT_NONE);
    vm_mmu_get_stats(f->h, &st);
    uint64_t misses = st.l1_misses[VM_ACCESS_LOAD];
    uint64_t v, tval;
    assert_int_equal(vm_mmu_load_fast(f->h, PAGE(3) + 8, 8, &v, &tval), VM_FAULT_NONE);
    vm_mmu_get_stats(f->h, &st);
    assert_int_equal(st.l1_misses[VM_ACCESS_LOAD], misses);
    /* the page with the hole: every access is a miss, checked */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(vm_mmu_load_fast(f->h, PAGE(2) + 8, 8, &v, &tval), VM_FAULT_NONE);
        assert_int_equal(vm_mmu_load_fast(f->h, PAGE(2) + 0x100, 4, &v, &tval),
                         VM_FAULT_LOAD_ACCESS);
    }
    vm_mmu_get_stats(f->h, &st);
    assert_int_equal(st.l1_misses[VM_ACCESS_LOAD], misses + 6);
    /* translate (how the hart finds code) says so */
    struct vm_mmu_result r = vm_mmu_translate(f->h, PAGE(2) + 8, VM_ACCESS_FETCH);
    assert_int_equal(r.fault, VM_FAULT_NONE);
    assert_true(r.piecewise);
    r = vm_mmu_translate(f->h, PAGE(3), VM_ACCESS_FETCH);
    assert_int_equal(r.fault, VM_FAULT_NONE);
    assert_false(r.piecewise);
    r = vm_mmu_translate(f->h, PAGE(2) + 0x102, VM_ACCESS_FETCH);
    assert_int_equal(r.fault, VM_FAULT_FETCH_ACCESS);
    assert_int_equal(r.tval, PAGE(2) + 0x102);
    /* a write to the PMP takes back what L1 held */
    set(f->h, 1, NAPOT | X, ~0ULL);
    assert_int_equal(vm_mmu_load_fast(f->h, PAGE(3) + 8, 8, &v, &tval), VM_FAULT_LOAD_ACCESS);
}

static void test_locks(void **state)
{
    struct fx *f = *state;
    uint64_t tval;
    set(f->h, 2, 0, PAGE(4) >> 2);
    set(f->h, 3, L | TOR | R, PAGE(5) >> 2);
    set(f->h, 4, NAPOT | R | W | X, ~0ULL);
    /* locked: applies to M, ignores writes, freezes the TOR bottom */
    vm_mmu_set_context(f->h, VM_PRIV_M, 0);
    assert_int_equal(load(f->h, PAGE(4), 8), VM_FAULT_NONE);
    assert_int_equal(vm_mmu_store(f->h, PAGE(4), 8, 1, &tval), VM_FAULT_STORE_ACCESS);
    assert_int_equal(vm_mmu_store(f->h, PAGE(5), 8, 1, &tval), VM_FAULT_NONE);
    vm_mmu_pmp_write_cfg(f->h, 3, 1, NAPOT | R | W);
    assert_int_equal(vm_mmu_pmp_read_cfg(f->h, 3, 1), L | TOR | R);
    vm_mmu_pmp_write_addr(f->h, 3, 0);
    assert_int_equal(vm_mmu_pmp_read_addr(f->h, 3), PAGE(5) >> 2);
    vm_mmu_pmp_write_addr(f->h, 2, 0);
    assert_int_equal(vm_mmu_pmp_read_addr(f->h, 2), PAGE(4) >> 2);
    vm_mmu_pmp_write_addr(f->h, 1, 0x1234); /* not below a locked TOR entry */
    assert_int_equal(vm_mmu_pmp_read_addr(f->h, 1), 0x1234);
    /* a reset unlocks */
    vm_mmu_pmp_reset(f->h);
    assert_int_equal(vm_mmu_pmp_read_cfg(f->h, 0, 8), 0);
    assert_int_equal(vm_mmu_store(f->h, PAGE(4), 8, 1, &tval), VM_FAULT_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_napot_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priority_and_partial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_where_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
