/* NS16550A: every register, the interrupt priority encoding and the line,
 * FIFO and overrun, loopback, the MMIO binding, hostile accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "devices/uart16550.h"
#include "vm/mem.h"

/* A character back end that records output and accept_input calls. */
struct fake_chr {
    struct vm_chardev base;
    uint8_t out[256];
    size_t out_len;
    struct vm_chardev_frontend fe;
    bool attached;
    unsigned accepts;
};

static void fake_write(struct vm_chardev *c, const uint8_t *buf, size_t len)
{
    struct fake_chr *f = (struct fake_chr *)c;
    for (size_t i = 0; i < len && f->out_len < sizeof(f->out); i++)
        f->out[f->out_len++] = buf[i];
}

static void fake_attach(struct vm_chardev *c, const struct vm_chardev_frontend *fe)
{
    struct fake_chr *f = (struct fake_chr *)c;
    f->attached = fe != NULL;
    if (fe)
        f->fe = *fe;
}

static void fake_accept(struct vm_chardev *c)
{
    ((struct fake_chr *)c)->accepts++;
}

static const struct vm_chardev_ops fake_ops = {fake_write, fake_attach, fake_accept, NULL};

struct irq_rec {
    bool level;
    unsigned changes;
};

static void irq_set(void *opaque, unsigned n, bool level)
{
    struct irq_rec *r = opaque;
    if (r->level != level)
        r->changes++;
    r->level = level;
}

struct fixture {
    struct fake_chr chr;
    struct irq_rec irq;
    struct vm_mem *mem;
    struct vm_uart16550 *u;
};

#define BASE 0x10000000ULL

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    f.chr.base.ops = &fake_ops;
    f.mem = vm_mem_create();
    struct vm_irq_line line = {irq_set, &f.irq, 10};
    f.u = vm_uart16550_create(f.mem, BASE, &f.chr.base, &line);
    assert_non_null(f.u);
    assert_true(f.chr.attached);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    vm_uart16550_destroy(f->u);
    assert_false(f->chr.attached);
    vm_mem_destroy(f->mem);
    return 0;
}

static void test_reset_values(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(uart_read(f->u, UART_IER), 0);
    assert_int_equal(uart_read(f->u, UART_IIR), UART_IIR_NO_INT);
    assert_int_equal(uart_read(f->u, UART_LCR), 0);
    assert_int_equal(uart_read(f->u, UART_MCR), 0);
    assert_int_equal(uart_read(f->u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(uart_read(f->u, UART_MSR), UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
    assert_int_equal(uart_read(f->u, UART_SCR), 0);
    assert_int_equal(uart_read(f->u, UART_RBR), 0); /* empty FIFO reads 0 */
    assert_false(f->irq.level);
}

static void test_transmit(void **state)
{
    struct fixture *f = *state;
    uart_write(f->u, UART_THR, 'o');
    uart_write(f->u, UART_THR, 'k');
    assert_int_equal(f->chr.out_len, 2);
    assert_memory_equal(f->chr.out, "ok", 2);
    assert_int_equal(uart_read(f->u, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
                     UART_LSR_THRE | UART_LSR_TEMT);
    assert_false(f->irq.level); /* THR interrupt not enabled */
}

static void test_divisor_latch_and_scratch(void **state)
{
    struct fixture *f = *state;
    uart_write(f->u, UART_IER, UART_IER_RDI);
    uart_write(f->u, UART_LCR, UART_LCR_DLAB | 0x03);
    uart_write(f->u, UART_DLL, 0x0c);
    uart_write(f->u, UART_DLM, 0x01);
    assert_int_equal(uart_read(f->u, UART_DLL), 0x0c);
    assert_int_equal(uart_read(f->u, UART_DLM), 0x01);
    assert_int_equal(f->chr.out_len, 0); /* DLL write is not a transmit */
    uart_write(f->u, UART_LCR, 0x03);
    assert_int_equal(uart_read(f->u, UART_LCR), 0x03);
    assert_int_equal(uart_read(f->u, UART_IER), UART_IER_RDI); /* untouched by DLM */
    uart_write(f->u, UART_LCR, UART_LCR_DLAB);
    assert_int_equal(uart_read(f->u, UART_DLL), 0x0c); /* kept */
    uart_write(f->u, UART_LCR, 0);
    uart_write(f->u, UART_SCR, 0xa5);
    assert_int_equal(uart_read(f->u, UART_SCR), 0xa5);
    uart_write(f->u, UART_IER, 0xff); /* upper bits do not exist */
    assert_int_equal(uart_read(f->u, UART_IER), 0x0f);
}

static void test_receive_without_fifo(void **state)
{
    struct fixture *f = *state;
    /* FIFO off: one holding register; the line waits for it (no loss). */
    assert_int_equal(uart_receive(f->u, (const uint8_t *)"xy", 2), 1);
    assert_true(uart_read(f->u, UART_LSR) & UART_LSR_DR);
    assert_false(f->irq.level);
    uart_write(f->u, UART_IER, UART_IER_RDI);
    assert_true(f->irq.level);
    assert_int_equal(uart_read(f->u, UART_IIR), UART_IIR_RDI);
    unsigned accepts = f->chr.accepts;
    assert_int_equal(uart_read(f->u, UART_RBR), 'x');
    assert_int_equal(f->chr.accepts, accepts + 1); /* back end told there is room */
    assert_false(uart_read(f->u, UART_LSR) & UART_LSR_DR);
    assert_false(f->irq.level);
    assert_int_equal(uart_read(f->u, UART_IIR), UART_IIR_NO_INT);
    assert_int_equal(uart_receive(f->u, (const uint8_t *)"y", 1), 1);
    assert_true(f->irq.level);
    assert_int_equal(uart_read(f->u, UART_RBR), 'y');
    assert_false(f->irq.level);
}

static void test_fifo(void **state)
{
    struct fixture *f = *state;
    uint8_t buf[20];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)('a' + i);
    uart_write(f->u, UART_FCR, UART_FCR_ENABLE); /* trigger level 1 */
    assert_int_equal(uart_read(f->u, UART_IIR), UART_IIR_FIFO_ON | UART_IIR_NO_INT);
    assert_int_equal(uart_receive(f->u, buf, sizeof(buf)), UART_FIFO_SIZE);
    assert_int_equal(uart_receive(f->u, buf, 1), 0); /* full: nothing taken, no OE */
    assert_false(uart_read(f->u, UART_LSR) & UART_LSR_OE);
    uart_write(f->u, UART_IER, UART_IER_RDI);
    assert_int_equal(uart_read(f->u, UART_IIR), UART_IIR_FIFO_ON | UART_IIR_RDI);
    for (unsigned i = 0; i < UART_FIFO_SIZE; i++) {
        assert_true(f->irq.level);
        assert_int_equal(uart_read(f->u, UART_RBR), 'a' + i);
    }
    assert_false(f->irq.level);

    /* Trigger level 14: fewer bytes report the character timeout id. */
    uart_write(f->u, UART_FCR, 0xc0 | UART_FCR_ENABLE);
    assert_int_equal(uart_receive(f->u, buf, 4), 4);
    assert_int_equal(uart_read(f->u, UART_IIR), UART_IIR_FIFO_ON | UART_IIR_TIMEOUT);
    assert_int_equal(uart_receive(f->u, buf, 10), 10);
    assert_int_equal(uart_read(f->u, UART_IIR), UART_IIR_FIFO_ON | UART_IIR_RDI);

    /* Clear RX empties the FIFO and lowers the line. */
    uart_write(f->u, UART_FCR, 0xc0 | UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
    assert_false(uart_read(f->u, UART_LSR) & UART_LSR_DR);
    assert_false(f->irq.level);

    /* Turning the FIFO off also empties it. */
    assert_int_equal(uart_receive(f->u, buf, 3), 3);
    uart_write(f->u, UART_FCR, 0);
    assert_int_equal(uart_read(f->u, UART_IIR), UART_IIR_NO_INT);
    assert_false(uart_read(f->u, UART_LSR) & UART_LSR_DR);
}

static void test_thr_empty_interrupt(void **state)
{
    struct fixture *f = *state;
    uart_write(f->u, UART_IER, UART_IER_THRI);
    assert_true(f->irq.level); /* enabling it with THR empty raises it */
    assert_int_equal(uart_read(f->u, UART_IIR), UART_IIR_THRI);
    assert_false(f->irq.level); /* reading IIR acknowledged it */
    assert_int_equal(uart_read(f->u, UART_IIR), UART_IIR_NO_INT);
    uart_write(f->u, UART_THR, '!');
    assert_true(f->irq.level); /* empty again after the byte left */
    uart_write(f->u, UART_IER, 0);
    assert_false(f->irq.level);
    uart_write(f->u, UART_THR, '?');
    assert_false(f->irq.level);
}

static void test_loopback_overrun_and_priorities(void **state)
{
    struct fixture *f = *state;
    uart_write(f->u, UART_FCR, UART_FCR_ENABLE);
    uart_write(f->u, UART_MCR, UART_MCR_LOOP);
    assert_int_equal(uart_receive(f->u, (const uint8_t *)"z", 1), 0); /* line cut off */
    for (unsigned i = 0; i < UART_FIFO_SIZE + 1; i++)
        uart_write(f->u, UART_THR, (uint8_t)('A' + i));
    assert_int_equal(f->chr.out_len, 0); /* looped back, not sent */
    uart_write(f->u, UART_IER, 0x0f);
    assert_true(f->irq.level);
    /* Line status (overrun) has the highest priority; reading LSR clears OE. */
    assert_int_equal(uart_read(f->u, UART_IIR) & UART_IIR_ID_MASK, UART_IIR_RLSI);
    uint8_t lsr = uart_read(f->u, UART_LSR);
    assert_true(lsr & UART_LSR_OE);
    assert_true(lsr & UART_LSR_DR);
    assert_false(uart_read(f->u, UART_LSR) & UART_LSR_OE);
    /* Then received data. */
    assert_int_equal(uart_read(f->u, UART_IIR) & UART_IIR_ID_MASK, UART_IIR_RDI);
    for (unsigned i = 0; i < UART_FIFO_SIZE; i++)
        assert_int_equal(uart_read(f->u, UART_RBR), 'A' + i); /* the 17th was lost */
    assert_false(uart_read(f->u, UART_LSR) & UART_LSR_DR);
    /* Then THR empty (acknowledged by the IIR read). */
    assert_int_equal(uart_read(f->u, UART_IIR) & UART_IIR_ID_MASK, UART_IIR_THRI);
    /* Then modem status: loopback dropped CTS/DSR/DCD. */
    assert_int_equal(uart_read(f->u, UART_IIR) & UART_IIR_ID_MASK, UART_IIR_MSI);
    assert_true(f->irq.level);
    assert_int_equal(uart_read(f->u, UART_MSR),
                     UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    assert_int_equal(uart_read(f->u, UART_MSR), 0); /* deltas cleared by the read */
    assert_int_equal(uart_read(f->u, UART_IIR) & UART_IIR_ID_MASK, UART_IIR_NO_INT);
    assert_false(f->irq.level);
}

static void test_loopback_modem_lines(void **state)
{
    struct fixture *f = *state;
    uart_write(f->u, UART_MCR, UART_MCR_LOOP | 0x0f);
    assert_int_equal(uart_read(f->u, UART_MCR), 0x1f);
    assert_int_equal(uart_read(f->u, UART_MSR) & 0xf0,
                     UART_MSR_CTS | UART_MSR_DSR | UART_MSR_RI | UART_MSR_DCD);
    uart_write(f->u, UART_MCR, UART_MCR_LOOP); /* RI falls: trailing edge */
    assert_true(uart_read(f->u, UART_MSR) & UART_MSR_TERI);
    uart_write(f->u, UART_MCR, 0xff); /* bits 7:5 do not exist */
    assert_int_equal(uart_read(f->u, UART_MCR), 0x1f);
    uart_write(f->u, UART_MCR, 0);
    assert_int_equal(uart_read(f->u, UART_MSR) & 0xf0,
                     UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
    /* LSR and MSR ignore writes. */
    uart_write(f->u, UART_LSR, 0);
    uart_write(f->u, UART_MSR, 0);
    assert_int_equal(uart_read(f->u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(uart_read(f->u, UART_MSR) & 0xf0,
                     UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
}

static void test_mmio_binding_and_hostile_accesses(void **state)
{
    struct fixture *f = *state;
    uint64_t v;
    assert_int_equal(vm_mem_store(f->mem, BASE + UART_SCR, 1, 0x5a), 0);
    assert_int_equal(vm_mem_load(f->mem, BASE + UART_SCR, 1, &v), 0);
    assert_int_equal(v, 0x5a);
    assert_int_equal(vm_mem_load(f->mem, BASE + UART_LSR, 1, &v), 0);
    assert_int_equal(v, UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(vm_mem_store(f->mem, BASE + UART_THR, 1, 'm'), 0);
    assert_int_equal(f->chr.out_len, 1);
    /* Wider accesses and offsets past the 8 registers: 0 and ignored. */
    assert_int_equal(vm_mem_load(f->mem, BASE + UART_SCR, 4, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(vm_mem_store(f->mem, BASE, 8, 0x4141414141414141ULL), 0);
    assert_int_equal(vm_mem_store(f->mem, BASE + UART_SCR, 2, 0xffff), 0);
    assert_int_equal(f->chr.out_len, 1);
    assert_int_equal(uart_read(f->u, UART_SCR), 0x5a);
    for (uint64_t off = UART_NR_REGS; off < UART_MMIO_SIZE; off += 7) {
        assert_int_equal(vm_mem_store(f->mem, BASE + off, 1, 0xff), 0);
        assert_int_equal(vm_mem_load(f->mem, BASE + off, 1, &v), 0);
        assert_int_equal(v, 0);
    }
    uart_write(f->u, 200, 1);
    assert_int_equal(uart_read(f->u, 200), 0);
    assert_int_equal(uart_read(f->u, UART_SCR), 0x5a);
}

static void test_port_io_style_model_without_bus(void **state)
{
    (void)state;
    struct vm_uart16550 *u = vm_uart16550_create(NULL, 0, NULL, NULL);
    assert_non_null(u);
    uart_write(u, UART_THR, 'x'); /* no back end: dropped */
    uart_write(u, UART_IER, UART_IER_THRI); /* no line: nothing to call */
    assert_int_equal(uart_read(u, UART_IIR), UART_IIR_THRI);
    assert_int_equal(uart_receive(u, (const uint8_t *)"q", 1), 1);
    assert_int_equal(uart_read(u, UART_RBR), 'q');
    vm_uart16550_destroy(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reset_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transmit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_divisor_latch_and_scratch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receive_without_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thr_empty_interrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_overrun_and_priorities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_modem_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mmio_binding_and_hostile_accesses, setup, teardown),
        cmocka_unit_test(test_port_io_style_model_without_bus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
