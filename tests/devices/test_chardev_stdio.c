/* The host console back end on pipes, driving a UART: input reaches the
 * receive FIFO and raises the interrupt, a full FIFO makes input wait (no
 * loss), Ctrl-A escapes, output, EOF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/chardev_stdio.h"
#include "devices/uart16550.h"

static atomic_bool irq_level;
static atomic_int quits;

static void irq_set(void *opaque, unsigned n, bool level)
{
    atomic_store(&irq_level, level);
}

static void on_quit(void *opaque)
{
    atomic_fetch_add(&quits, 1);
}

struct rig {
    int in[2], out[2];
    struct vm_chardev *chr;
    struct vm_uart16550 *u;
};

static void rig_up(struct rig *r, bool escape)
{
    atomic_store(&irq_level, false);
    atomic_store(&quits, 0);
    assert_int_equal(pipe(r->in), 0);
    assert_int_equal(pipe(r->out), 0);
    fcntl(r->out[0], F_SETFL, O_NONBLOCK);
    struct vm_chardev_stdio_config cfg = {r->in[0], r->out[1], escape, on_quit, NULL};
    r->chr = vm_chardev_stdio_create(&cfg);
    assert_non_null(r->chr);
    struct vm_irq_line line = {irq_set, NULL, 10};
    r->u = vm_uart16550_create(NULL, 0, r->chr, &line);
    assert_non_null(r->u);
}

static void rig_down(struct rig *r)
{
    vm_uart16550_destroy(r->u);
    vm_chardev_destroy(r->chr);
    close(r->in[1]);
    close(r->in[0]);
    close(r->out[0]);
    close(r->out[1]);
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {0, (long)ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* Read one byte from the UART as a driver would, waiting up to 1 s for it. */
static int get_byte(struct rig *r)
{
    for (int i = 0; i < 1000; i++) {
        if (uart_read(r->u, UART_LSR) & UART_LSR_DR)
            return uart_read(r->u, UART_RBR);
        sleep_ms(1);
    }
    return -1;
}

static void put(struct rig *r, const void *data, size_t len)
{
    assert_int_equal(write(r->in[1], data, len), (ssize_t)len);
}

static void test_input_raises_interrupt(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, true);
    uart_write(r.u, UART_FCR, UART_FCR_ENABLE);
    uart_write(r.u, UART_IER, UART_IER_RDI);
    put(&r, "hi", 2);
    for (int i = 0; i < 1000 && !atomic_load(&irq_level); i++)
        sleep_ms(1);
    assert_true(atomic_load(&irq_level));
    assert_int_equal(get_byte(&r), 'h');
    assert_int_equal(get_byte(&r), 'i');
    assert_false(atomic_load(&irq_level));
    rig_down(&r);
}

static void test_full_fifo_loses_nothing(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, true);
    uart_write(r.u, UART_FCR, UART_FCR_ENABLE);
    uint8_t data[200];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(0x20 + i % 90); /* no Ctrl-A */
    put(&r, data, sizeof(data));
    sleep_ms(5); /* let the reader fill the FIFO and wait */
    assert_false(uart_read(r.u, UART_LSR) & UART_LSR_OE);
    for (unsigned i = 0; i < sizeof(data); i++)
        assert_int_equal(get_byte(&r), data[i]);
    assert_false(uart_read(r.u, UART_LSR) & UART_LSR_OE);
    rig_down(&r);
}

static void test_escapes(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, true);
    uart_write(r.u, UART_FCR, UART_FCR_ENABLE);
    static const char keys[] = "a\x01\x01" "b\x01h" "c\x01z" "d\x01x" "e";
    put(&r, keys, sizeof(keys) - 1);
    assert_int_equal(get_byte(&r), 'a');
    assert_int_equal(get_byte(&r), 0x01);
    assert_int_equal(get_byte(&r), 'b');
    assert_int_equal(get_byte(&r), 'c');
    assert_int_equal(get_byte(&r), 'd');
    for (int i = 0; i < 1000 && atomic_load(&quits) == 0; i++)
        sleep_ms(1);
    assert_int_equal(atomic_load(&quits), 1);
    assert_true(vm_chardev_stdio_quit_requested(r.chr));
    sleep_ms(5);
    assert_false(uart_read(r.u, UART_LSR) & UART_LSR_DR); /* 'e' came after quit */
    char out[512] = {0};
    ssize_t n = read(r.out[0], out, sizeof(out) - 1);
    assert_true(n > 0);
    assert_non_null(strstr(out, "C-a x"));
    rig_down(&r);
}

static void test_no_escape_mode_and_output(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, false);
    uart_write(r.u, UART_FCR, UART_FCR_ENABLE);
    put(&r, "\x01x", 2);
    assert_int_equal(get_byte(&r), 0x01);
    assert_int_equal(get_byte(&r), 'x');
    assert_int_equal(atomic_load(&quits), 0);
    assert_false(vm_chardev_stdio_quit_requested(r.chr));
    uart_write(r.u, UART_THR, 'O');
    uart_write(r.u, UART_THR, 'K');
    char out[4] = {0};
    assert_int_equal(read(r.out[0], out, sizeof(out)), 2); /* written at once */
    assert_string_equal(out, "OK");
    rig_down(&r);
}

static void test_eof_and_bad_fds(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, true);
    uart_write(r.u, UART_FCR, UART_FCR_ENABLE);
    put(&r, "z", 1);
    close(r.in[1]);
    r.in[1] = open("/dev/null", O_WRONLY); /* keep rig_down's close valid */
    assert_int_equal(get_byte(&r), 'z');
    sleep_ms(2);
    rig_down(&r); /* joins the reader that saw EOF */

    struct vm_chardev_stdio_config cfg = {1000, 1001, true, NULL, NULL};
    assert_null(vm_chardev_stdio_create(&cfg));
    assert_false(vm_chardev_stdio_quit_requested(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_raises_interrupt),
        cmocka_unit_test(test_full_fifo_loses_nothing),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_no_escape_mode_and_output),
        cmocka_unit_test(test_eof_and_bad_fds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
