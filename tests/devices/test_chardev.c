/* Character back ends driving a UART: the fd back end on pipes (input
 * reaches the receive FIFO and raises the interrupt, a full FIFO makes
 * input wait, no loss, output, EOF), the Ctrl-A multiplexer in front of it
 * (escapes, Ctrl-A c moving the keyboard between front ends), a unix
 * socket server on an event loop (clients coming and going, output dropped
 * while nobody listens), and QEMU's device strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vm/error.h"

#include "devices/chardev_fd.h"
#include "devices/chardev_mux.h"
#include "devices/chardev_open.h"
#include "devices/chardev_socket.h"
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
    struct vm_chardev *backend, *chr; /* chr: the UART's (a mux port, or the back end) */
    struct vm_chardev_mux *mux;
    struct vm_uart16550 *u;
};

static void rig_up(struct rig *r, bool escape)
{
    atomic_store(&irq_level, false);
    atomic_store(&quits, 0);
    assert_int_equal(pipe(r->in), 0);
    assert_int_equal(pipe(r->out), 0);
    fcntl(r->out[0], F_SETFL, O_NONBLOCK);
    struct vm_chardev_fd_config cfg = {.in_fd = r->in[0], .out_fd = r->out[1]};
    r->backend = r->chr = vm_chardev_fd_create(&cfg);
    assert_non_null(r->backend);
    r->mux = NULL;
    if (escape) {
        struct vm_chardev_mux_config mc = {.on_quit = on_quit};
        assert_non_null(r->mux = vm_chardev_mux_create(r->backend, &mc));
        assert_non_null(r->chr = vm_chardev_mux_add_port(r->mux));
    }
    struct vm_irq_line line = {irq_set, NULL, 10};
    r->u = vm_uart16550_create(NULL, 0, r->chr, &line);
    assert_non_null(r->u);
}

static void rig_down(struct rig *r)
{
    vm_uart16550_destroy(r->u);
    vm_chardev_mux_destroy(r->mux);
    vm_chardev_destroy(r->backend);
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
    assert_true(vm_chardev_mux_quit_requested(r.mux));
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

    struct vm_chardev_fd_config cfg = {.in_fd = 1000, .out_fd = 1001};
    assert_null(vm_chardev_fd_create(&cfg));
}

/* ---- a second front end that records what it gets */

struct capture {
    char buf[256];
    atomic_size_t len;
    atomic_int focus, opened, closed;
};

static size_t capture_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct capture *c = opaque;
    size_t at = atomic_load(&c->len);
    if (len > sizeof(c->buf) - 1 - at)
        len = sizeof(c->buf) - 1 - at;
    memcpy(c->buf + at, buf, len);
    atomic_store(&c->len, at + len);
    return len;
}

static void capture_event(void *opaque, enum vm_chardev_event ev)
{
    struct capture *c = opaque;
    atomic_fetch_add(ev == VM_CHARDEV_FOCUS ? &c->focus : ev == VM_CHARDEV_OPENED ? &c->opened
                     : &c->closed, 1);
}

static bool wait_for(atomic_int *v, int want)
{
    for (int i = 0; i < 2000 && atomic_load(v) < want; i++)
        sleep_ms(1);
    return atomic_load(v) >= want;
}

/* Ctrl-A c gives the keyboard to the next front end (the monitor) and
 * back; output from both reaches the back end. */
static void test_mux_focus(void **state)
{
    (void)state;
    struct rig r;
    rig_up(&r, true);
    uart_write(r.u, UART_FCR, UART_FCR_ENABLE);
    static struct capture mon;
    memset(&mon, 0, sizeof(mon));
    struct vm_chardev *port = vm_chardev_mux_add_port(r.mux);
    assert_non_null(port);
    struct vm_chardev_frontend fe = {capture_receive, &mon, capture_event};
    vm_chardev_attach(port, &fe);
    put(&r, "a\x01" "cinfo\x01" "cb", 10);
    assert_int_equal(get_byte(&r), 'a');
    assert_int_equal(get_byte(&r), 'b');
    assert_int_equal(atomic_load(&mon.focus), 1);
    assert_int_equal(atomic_load(&mon.len), 4);
    assert_memory_equal(mon.buf, "info", 4);
    vm_chardev_write(port, (const uint8_t *)"M", 1);
    uart_write(r.u, UART_THR, 'S');
    char out[4] = {0};
    for (int i = 0; i < 1000 && strlen(out) < 2; i++) {
        ssize_t n = read(r.out[0], out + strlen(out), 2 - strlen(out));
        if (n <= 0)
            sleep_ms(1);
    }
    assert_string_equal(out, "MS");
    vm_chardev_attach(port, NULL);
    rig_down(&r);
}

/* ---- sockets */

static int connect_unix(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static void test_socket_server(void **state)
{
    (void)state;
    struct vm_event_loop *loop = vm_event_loop_create("test");
    assert_non_null(loop);
    char path[64];
    snprintf(path, sizeof(path), "/tmp/vm-test-chardev-%d.sock", (int)getpid());
    char dev[128];
    snprintf(dev, sizeof(dev), "unix:%s,server=on,wait=off", path);
    struct vm_chardev_env env = {loop, "test"};
    struct vm_chardev *chr;
    assert_int_equal(vm_chardev_open(dev, &env, &chr), 0);
    static struct capture cap;
    memset(&cap, 0, sizeof(cap));
    struct vm_chardev_frontend fe = {capture_receive, &cap, capture_event};
    vm_chardev_attach(chr, &fe);
    vm_chardev_write(chr, (const uint8_t *)"lost", 4); /* nobody connected: dropped at once */

    for (int round = 1; round <= 2; round++) { /* a client, then the next one */
        int c = connect_unix(path);
        assert_true(wait_for(&cap.opened, round));
        assert_int_equal(write(c, "hello", 5), 5);
        for (int i = 0; i < 2000 && atomic_load(&cap.len) < 5u * round; i++)
            sleep_ms(1);
        assert_int_equal(atomic_load(&cap.len), 5 * round);
        vm_chardev_write(chr, (const uint8_t *)"out", 3);
        char got[8] = {0};
        assert_int_equal(read(c, got, sizeof(got)), 3);
        assert_string_equal(got, "out");
        close(c);
        assert_true(wait_for(&cap.closed, round));
    }
    assert_memory_equal(cap.buf, "hellohello", 10);
    vm_chardev_attach(chr, NULL);
    vm_chardev_destroy(chr);
    assert_int_equal(access(path, F_OK), -1); /* the server removes its socket */
    vm_event_loop_destroy(loop);
}

/* QEMU's device strings: what is refused, and a file's output. */
static void test_device_strings(void **state)
{
    (void)state;
    struct vm_chardev_env env = {NULL, "serial0"};
    struct vm_chardev *chr;
    assert_true(vm_chardev_open("bogus", &env, &chr) < 0);
    assert_non_null(strstr(vm_error_message(), "unknown character device 'bogus'"));
    assert_true(vm_chardev_open("tcp:4444", &env, &chr) < 0);
    assert_non_null(strstr(vm_error_message(), "tcp:[HOST]:PORT"));
    assert_true(vm_chardev_open("vc:80Cx24C", &env, &chr) < 0);
    assert_non_null(strstr(vm_error_message(), "no graphical console"));
    assert_true(vm_chardev_open("unix:/tmp/x,server=on,bogus=1", &env, &chr) < 0);
    assert_non_null(strstr(vm_error_message(), "bogus"));
    assert_true(vm_chardev_open("unix:/tmp/x,server=on,wait=off", &env, &chr) < 0);
    assert_non_null(strstr(vm_error_message(), "no event loop"));
    assert_int_equal(vm_chardev_open("null", &env, &chr), 0);
    vm_chardev_write(chr, (const uint8_t *)"x", 1);
    vm_chardev_destroy(chr);

    char path[64];
    snprintf(path, sizeof(path), "/tmp/vm-test-chardev-%d,a.log", (int)getpid());
    char dev[80];
    snprintf(dev, sizeof(dev), "file:%s", path); /* a comma in the path stays in it */
    assert_int_equal(vm_chardev_open(dev, &env, &chr), 0);
    vm_chardev_write(chr, (const uint8_t *)"logged", 6);
    vm_chardev_destroy(chr);
    char got[16] = {0};
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, got, sizeof(got)), 6);
    close(fd);
    unlink(path);
    assert_string_equal(got, "logged");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_raises_interrupt),
        cmocka_unit_test(test_full_fifo_loses_nothing),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_no_escape_mode_and_output),
        cmocka_unit_test(test_eof_and_bad_fds),
        cmocka_unit_test(test_mux_focus),
        cmocka_unit_test(test_socket_server),
        cmocka_unit_test(test_device_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
