/* Devices under concurrent use, as several hart threads and device threads
 * would drive them (run under ThreadSanitizer in CI): the PLIC with sources
 * toggled and claims/completes from two harts, the CLINT with mtimecmp and
 * msip rewritten while its timer thread runs, the UART with transmit,
 * receive and register reads at once. Checks end states, not timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "devices/clint.h"
#include "devices/plic.h"
#include "devices/uart16550.h"
#include "vm/mem.h"

#define ITERS 20000

static atomic_bool levels[8];

static void line_set(void *opaque, unsigned n, bool level)
{
    atomic_store(&levels[n], level);
}

/* ---- PLIC */

#define PLIC_BASE 0xc000000ULL
static struct vm_mem *plic_mem;
static struct vm_plic *plic;

static void *plic_device(void *arg)
{
    unsigned first = (unsigned)(uintptr_t)arg; /* sources first..first+3 */
    uint32_t x = first * 2654435761u;
    for (unsigned i = 0; i < ITERS; i++) {
        x = x * 1103515245u + 12345u;
        struct vm_irq_line l = vm_plic_source_line(plic, first + (x >> 16) % 4);
        vm_irq_set(&l, (x >> 8) & 1);
    }
    for (unsigned s = first; s < first + 4; s++) {
        struct vm_irq_line l = vm_plic_source_line(plic, s);
        vm_irq_set(&l, false);
    }
    return NULL;
}

static void *plic_hart(void *arg)
{
    unsigned ctx = (unsigned)(uintptr_t)arg;
    uint64_t claim_off = PLIC_CONTEXT_OFFSET + PLIC_CONTEXT_STRIDE * ctx + 4;
    for (unsigned i = 0; i < ITERS; i++) {
        uint64_t id = 0;
        vm_mem_load(plic_mem, PLIC_BASE + claim_off, 4, &id);
        if (id)
            vm_mem_store(plic_mem, PLIC_BASE + claim_off, 4, id);
    }
    return NULL;
}

static void test_plic_concurrent(void **state)
{
    (void)state;
    plic_mem = vm_mem_create();
    struct vm_irq_line out[4];
    for (unsigned i = 0; i < 4; i++)
        out[i] = (struct vm_irq_line){line_set, NULL, i};
    plic = vm_plic_create(plic_mem, PLIC_BASE, 4, out);
    assert_non_null(plic);
    for (unsigned s = 1; s <= 8; s++)
        vm_mem_store(plic_mem, PLIC_BASE + 4 * s, 4, 1 + s % 7);
    vm_mem_store(plic_mem, PLIC_BASE + PLIC_ENABLE_OFFSET + PLIC_ENABLE_STRIDE * 1, 4, 0x1fe);
    vm_mem_store(plic_mem, PLIC_BASE + PLIC_ENABLE_OFFSET + PLIC_ENABLE_STRIDE * 3, 4, 0x1fe);
    pthread_t t[4];
    pthread_create(&t[0], NULL, plic_device, (void *)(uintptr_t)1);
    pthread_create(&t[1], NULL, plic_device, (void *)(uintptr_t)5);
    pthread_create(&t[2], NULL, plic_hart, (void *)(uintptr_t)1);
    pthread_create(&t[3], NULL, plic_hart, (void *)(uintptr_t)3);
    for (unsigned i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    /* Complete whatever a hart left claimed: all inputs are low now. */
    for (unsigned s = 1; s <= 8; s++) {
        vm_mem_store(plic_mem, PLIC_BASE + PLIC_CONTEXT_OFFSET + PLIC_CONTEXT_STRIDE * 1 + 4, 4, s);
    }
    uint64_t pending = 1;
    vm_mem_load(plic_mem, PLIC_BASE + PLIC_PENDING_OFFSET, 4, &pending);
    assert_int_equal(pending, 0);
    assert_false(atomic_load(&levels[1]));
    assert_false(atomic_load(&levels[3]));
    /* Still consistent after the storm: a held source is claimed once. */
    struct vm_irq_line l2 = vm_plic_source_line(plic, 2);
    vm_irq_set(&l2, true);
    assert_true(atomic_load(&levels[1]));
    uint64_t claim_off = PLIC_BASE + PLIC_CONTEXT_OFFSET + PLIC_CONTEXT_STRIDE * 3 + 4, id = 0;
    vm_mem_load(plic_mem, claim_off, 4, &id);
    assert_int_equal(id, 2);
    vm_mem_load(plic_mem, claim_off, 4, &id);
    assert_int_equal(id, 0);
    assert_false(atomic_load(&levels[3]));
    vm_plic_destroy(plic);
    vm_mem_destroy(plic_mem);
}

/* ---- CLINT */

#define CLINT_BASE 0x2000000ULL
static struct vm_mem *clint_mem;
static struct vm_clint *clint;

static void *clint_hart(void *arg)
{
    unsigned h = (unsigned)(uintptr_t)arg;
    for (unsigned i = 0; i < ITERS / 4; i++) {
        uint64_t now = vm_clint_mtime(clint);
        vm_mem_store(clint_mem, CLINT_BASE + CLINT_MTIMECMP_OFFSET + 8 * h, 8, now + i % 50);
        vm_mem_store(clint_mem, CLINT_BASE + 4 * h, 4, i & 1);
        uint64_t v;
        vm_mem_load(clint_mem, CLINT_BASE + CLINT_MTIME_OFFSET, 8, &v);
    }
    vm_mem_store(clint_mem, CLINT_BASE + CLINT_MTIMECMP_OFFSET + 8 * h, 8, UINT64_MAX);
    vm_mem_store(clint_mem, CLINT_BASE + 4 * h, 4, 0);
    return NULL;
}

static void test_clint_concurrent(void **state)
{
    (void)state;
    clint_mem = vm_mem_create();
    struct vm_irq_line msip[2] = {{line_set, NULL, 4}, {line_set, NULL, 5}};
    struct vm_irq_line mtip[2] = {{line_set, NULL, 6}, {line_set, NULL, 7}};
    clint = vm_clint_create(clint_mem, CLINT_BASE, 2, msip, mtip, NULL);
    assert_non_null(clint);
    pthread_t t[2];
    for (unsigned h = 0; h < 2; h++)
        pthread_create(&t[h], NULL, clint_hart, (void *)(uintptr_t)h);
    for (unsigned h = 0; h < 2; h++)
        pthread_join(t[h], NULL);
    for (unsigned n = 4; n < 8; n++)
        assert_false(atomic_load(&levels[n]));
    vm_clint_destroy(clint);
    vm_mem_destroy(clint_mem);
}

/* ---- UART */

struct count_chr {
    struct vm_chardev base;
    atomic_uint written;
};

static void count_write(struct vm_chardev *c, const uint8_t *buf, size_t len)
{
    atomic_fetch_add(&((struct count_chr *)c)->written, (unsigned)len);
}

static const struct vm_chardev_ops count_ops = {count_write, NULL, NULL, NULL};
static struct vm_uart16550 *uart;
static atomic_uint received, read_back;

static void *uart_tx(void *arg)
{
    for (unsigned i = 0; i < ITERS; i++)
        uart_write(uart, UART_THR, (uint8_t)i);
    return NULL;
}

static void *uart_rx_line(void *arg)
{
    for (unsigned i = 0; i < ITERS; i++) {
        uint8_t b = (uint8_t)i;
        atomic_fetch_add(&received, (unsigned)uart_receive(uart, &b, 1));
    }
    return NULL;
}

static void *uart_driver(void *arg)
{
    for (unsigned i = 0; i < ITERS; i++) {
        if (uart_read(uart, UART_LSR) & UART_LSR_DR) {
            uart_read(uart, UART_RBR);
            atomic_fetch_add(&read_back, 1);
        }
        uart_read(uart, UART_IIR);
    }
    return NULL;
}

static void test_uart_concurrent(void **state)
{
    (void)state;
    struct count_chr chr = {.base.ops = &count_ops};
    struct vm_irq_line irq = {line_set, NULL, 0};
    uart = vm_uart16550_create(NULL, 0, &chr.base, &irq);
    assert_non_null(uart);
    uart_write(uart, UART_FCR, UART_FCR_ENABLE);
    uart_write(uart, UART_IER, 0x0f);
    pthread_t t[4];
    pthread_create(&t[0], NULL, uart_tx, NULL);
    pthread_create(&t[1], NULL, uart_tx, NULL);
    pthread_create(&t[2], NULL, uart_rx_line, NULL);
    pthread_create(&t[3], NULL, uart_driver, NULL);
    for (unsigned i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&chr.written), 2 * ITERS);
    /* Every byte taken from the line is read back or still in the FIFO. */
    unsigned left = 0;
    while (uart_read(uart, UART_LSR) & UART_LSR_DR) {
        uart_read(uart, UART_RBR);
        left++;
    }
    assert_int_equal(atomic_load(&read_back) + left, atomic_load(&received));
    assert_true(left <= UART_FIFO_SIZE);
    vm_uart16550_destroy(uart);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plic_concurrent),
        cmocka_unit_test(test_clint_concurrent),
        cmocka_unit_test(test_uart_concurrent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
