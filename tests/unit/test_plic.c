/* PLIC: priorities, pending, enables, thresholds, claim/complete, the
 * level-triggered gateway, per-context output lines, hostile accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "devices/plic.h"
#include "vm/error.h"
#include "vm/mem.h"

#define BASE 0xc000000ULL
#define NR_CTX 4 /* 2 harts: M0 S0 M1 S1 */

struct fixture {
    bool out[NR_CTX];
    struct vm_mem *mem;
    struct vm_plic *p;
};

static void out_set(void *opaque, unsigned n, bool level)
{
    ((bool *)opaque)[n] = level;
}

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    f.mem = vm_mem_create();
    struct vm_irq_line lines[NR_CTX];
    for (unsigned i = 0; i < NR_CTX; i++)
        lines[i] = (struct vm_irq_line){out_set, f.out, i};
    f.p = vm_plic_create(f.mem, BASE, NR_CTX, lines);
    assert_non_null(f.p);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    vm_plic_destroy(f->p);
    vm_mem_destroy(f->mem);
    return 0;
}

static uint32_t rd(struct fixture *f, uint64_t off)
{
    uint64_t v = 0xdead;
    assert_int_equal(vm_mem_load(f->mem, BASE + off, 4, &v), 0);
    return (uint32_t)v;
}

static void wr(struct fixture *f, uint64_t off, uint32_t v)
{
    assert_int_equal(vm_mem_store(f->mem, BASE + off, 4, v), 0);
}

static uint64_t prio(unsigned src) { return PLIC_PRIORITY_OFFSET + 4 * src; }
static uint64_t enable(unsigned ctx, unsigned word) { return PLIC_ENABLE_OFFSET + PLIC_ENABLE_STRIDE * ctx + 4 * word; }
static uint64_t threshold(unsigned ctx) { return PLIC_CONTEXT_OFFSET + PLIC_CONTEXT_STRIDE * ctx; }
static uint64_t claim(unsigned ctx) { return threshold(ctx) + 4; }

static void raise_src(struct fixture *f, unsigned n, bool level)
{
    struct vm_irq_line l = vm_plic_source_line(f->p, n);
    vm_irq_set(&l, level);
}

static void test_priority_registers(void **state)
{
    struct fixture *f = *state;
    wr(f, prio(1), 5);
    assert_int_equal(rd(f, prio(1)), 5);
    wr(f, prio(95), 0xffffffff); /* WARL: only 3 bits */
    assert_int_equal(rd(f, prio(95)), PLIC_MAX_PRIORITY);
    wr(f, prio(0), 3); /* source 0 does not exist */
    assert_int_equal(rd(f, prio(0)), 0);
    wr(f, prio(96), 3);
    assert_int_equal(rd(f, prio(96)), 0);
    wr(f, threshold(2), 0x1234);
    assert_int_equal(rd(f, threshold(2)), 0x1234 & PLIC_MAX_PRIORITY);
}

static void test_pending_follows_level(void **state)
{
    struct fixture *f = *state;
    raise_src(f, 10, true);
    raise_src(f, 40, true);
    raise_src(f, 95, true);
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET), 1u << 10);
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET + 4), 1u << 8);
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET + 8), 1u << 31);
    wr(f, PLIC_PENDING_OFFSET, 0); /* read-only */
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET), 1u << 10);
    raise_src(f, 10, false);
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET), 0);
    for (unsigned c = 0; c < NR_CTX; c++)
        assert_false(f->out[c]); /* nothing enabled, priorities 0 */
}

static void test_enable_threshold_and_outputs(void **state)
{
    struct fixture *f = *state;
    wr(f, prio(10), 1);
    wr(f, enable(1, 0), 1u << 10); /* hart 0, S-mode */
    assert_int_equal(rd(f, enable(1, 0)), 1u << 10);
    raise_src(f, 10, true);
    assert_false(f->out[0]);
    assert_true(f->out[1]);
    assert_false(f->out[2]);
    assert_false(f->out[3]);
    wr(f, threshold(1), 1); /* priority must be above the threshold */
    assert_false(f->out[1]);
    assert_int_equal(rd(f, claim(1)), 0); /* and claims see it the same way */
    wr(f, threshold(1), 0);
    assert_true(f->out[1]);
    wr(f, prio(10), 0); /* priority 0 never interrupts */
    assert_false(f->out[1]);
    wr(f, prio(10), 2);
    assert_true(f->out[1]);
    wr(f, enable(1, 0), 0);
    assert_false(f->out[1]);
    /* Bit 0 (source 0) is hard-wired to 0. */
    wr(f, enable(3, 0), 0xffffffff);
    assert_int_equal(rd(f, enable(3, 0)), 0xfffffffe);
    assert_true(f->out[3]);
}

static void test_claim_complete_gateway(void **state)
{
    struct fixture *f = *state;
    wr(f, prio(7), 3);
    wr(f, enable(0, 0), 1u << 7);
    raise_src(f, 7, true);
    assert_true(f->out[0]);
    assert_int_equal(rd(f, claim(0)), 7);
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET), 0); /* claim cleared pending */
    assert_false(f->out[0]);
    assert_int_equal(rd(f, claim(0)), 0); /* nothing else */
    raise_src(f, 7, false);
    raise_src(f, 7, true); /* a new request while claimed waits */
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET), 0);
    assert_false(f->out[0]);
    wr(f, claim(0), 7); /* complete: the input is still high */
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET), 1u << 7);
    assert_true(f->out[0]);
    assert_int_equal(rd(f, claim(0)), 7);
    raise_src(f, 7, false);
    wr(f, claim(0), 7); /* complete with the input low: idle */
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET), 0);
    assert_false(f->out[0]);
}

static void test_complete_ignored_when_not_enabled(void **state)
{
    struct fixture *f = *state;
    wr(f, prio(3), 1);
    wr(f, enable(0, 0), 1u << 3);
    raise_src(f, 3, true);
    assert_int_equal(rd(f, claim(0)), 3);
    wr(f, claim(1), 3); /* context 1 does not enable source 3 */
    wr(f, claim(0), 0);
    wr(f, claim(0), 200);
    wr(f, claim(0), 0xffffffff);
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET), 0); /* still claimed */
    wr(f, claim(0), 3);
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET), 1u << 3);
}

static void test_claim_order(void **state)
{
    struct fixture *f = *state;
    wr(f, prio(3), 2);
    wr(f, prio(5), 6);
    wr(f, prio(7), 6);
    wr(f, prio(33), 1);
    wr(f, prio(64), 7);
    wr(f, enable(2, 0), (1u << 3) | (1u << 5) | (1u << 7));
    wr(f, enable(2, 1), 1u << 1);
    raise_src(f, 33, true);
    raise_src(f, 7, true);
    raise_src(f, 5, true);
    raise_src(f, 3, true);
    raise_src(f, 64, true); /* not enabled in context 2 */
    wr(f, threshold(2), 1);
    assert_int_equal(rd(f, claim(2)), 5); /* highest priority, lowest id */
    assert_int_equal(rd(f, claim(2)), 7);
    assert_int_equal(rd(f, claim(2)), 3);
    assert_int_equal(rd(f, claim(2)), 0); /* 33 has priority 1 = threshold */
    assert_false(f->out[2]);
    wr(f, threshold(2), 0);
    assert_true(f->out[2]);
    assert_int_equal(rd(f, claim(2)), 33);
    assert_false(f->out[2]);
    /* Another context with source 64 enabled still sees it. */
    wr(f, enable(3, 2), 1u << 0);
    assert_true(f->out[3]);
    assert_int_equal(rd(f, claim(3)), 64);
}

static void test_hostile_accesses(void **state)
{
    struct fixture *f = *state;
    uint64_t v;
    raise_src(f, 1, true);
    wr(f, prio(1), 1);
    wr(f, enable(0, 0), 2);
    /* Sizes other than 4 and misaligned offsets: read 0, writes ignored. */
    assert_int_equal(vm_mem_load(f->mem, BASE + prio(1), 1, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(vm_mem_load(f->mem, BASE + prio(1), 8, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(vm_mem_store(f->mem, BASE + prio(1), 2, 7), 0);
    assert_int_equal(vm_mem_store(f->mem, BASE + prio(1) + 1, 4, 7), 0);
    assert_int_equal(rd(f, prio(1)), 1);
    assert_int_equal(vm_mem_load(f->mem, BASE + claim(0), 8, &v), 0); /* no claim */
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET), 2);
    /* Registers of contexts and sources that do not exist. */
    assert_int_equal(rd(f, threshold(NR_CTX)), 0);
    wr(f, threshold(NR_CTX), 7);
    assert_int_equal(rd(f, claim(NR_CTX)), 0);
    wr(f, claim(NR_CTX), 1);
    wr(f, enable(NR_CTX, 0), ~0u);
    assert_int_equal(rd(f, enable(NR_CTX, 0)), 0);
    wr(f, enable(0, 3), ~0u); /* word 3 would be sources 96..127 */
    assert_int_equal(rd(f, enable(0, 3)), 0);
    assert_int_equal(rd(f, PLIC_PENDING_OFFSET + 12), 0);
    assert_int_equal(rd(f, threshold(0) + 8), 0);
    assert_int_equal(rd(f, PLIC_SIZE - 4), 0);
    wr(f, PLIC_SIZE - 4, 1);
    assert_int_equal(rd(f, 0x1ffffc), 0);
    /* Lines of sources that do not exist are unconnected. */
    struct vm_irq_line l0 = vm_plic_source_line(f->p, 0);
    struct vm_irq_line l96 = vm_plic_source_line(f->p, PLIC_NR_SOURCES);
    assert_null(l0.set);
    assert_null(l96.set);
    vm_irq_set(&l0, true);
    vm_irq_set(&l96, true);
    assert_null(vm_plic_source_line(NULL, 1).set);
    assert_int_equal(rd(f, claim(0)), 1); /* state intact */
}

static void test_create_rejects_bad_contexts(void **state)
{
    (void)state;
    assert_null(vm_plic_create(NULL, 0, 0, NULL));
    assert_non_null(strstr(vm_error_message(), "contexts"));
    assert_null(vm_plic_create(NULL, 0, PLIC_MAX_CONTEXTS + 1, NULL));
    struct vm_plic *p = vm_plic_create(NULL, 0, PLIC_MAX_CONTEXTS, NULL);
    assert_non_null(p);
    struct vm_irq_line l = vm_plic_source_line(p, 5); /* outputs unconnected */
    vm_irq_set(&l, true);
    vm_plic_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_priority_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_follows_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enable_threshold_and_outputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_complete_gateway, setup, teardown),
        cmocka_unit_test_setup_teardown(test_complete_ignored_when_not_enabled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_accesses, setup, teardown),
        cmocka_unit_test(test_create_rejects_bad_contexts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
