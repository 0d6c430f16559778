/* The machine's event loop (core/event_loop.h): fds, timers, notifiers,
 * calls onto the loop thread, poll hooks, and removal from other threads
 * while events keep arriving (run under TSan in CI). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/event_loop.h"

/* Wait (up to ~5 s) until *v reaches want. */
static bool wait_for(atomic_int *v, int want)
{
    for (int i = 0; i < 5000; i++) {
        if (atomic_load(v) >= want)
            return true;
        usleep(1000);
    }
    return false;
}

struct counter {
    struct vm_event_loop *l;
    atomic_int n;
    atomic_bool on_loop; /* every call ran on the loop thread */
};

static void count(void *opaque)
{
    struct counter *c = opaque;
    if (!vm_event_loop_in_thread(c->l))
        atomic_store(&c->on_loop, false);
    atomic_fetch_add(&c->n, 1);
}

static void test_call(void **state)
{
    struct vm_event_loop *l = vm_event_loop_create("test");
    assert_non_null(l);
    struct counter c = {.l = l, .on_loop = true};
    assert_false(vm_event_loop_in_thread(l));
    for (int i = 0; i < 100; i++)
        vm_event_loop_call(l, count, &c);
    assert_int_equal(atomic_load(&c.n), 100); /* synchronous */
    assert_true(atomic_load(&c.on_loop));
    vm_event_loop_destroy(l);
}

struct pipe_reader {
    int fd;
    atomic_int bytes;
};

static void on_readable(void *opaque, int fd, uint32_t events)
{
    struct pipe_reader *r = opaque;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0)
        atomic_fetch_add(&r->bytes, (int)n);
}

static void test_fd(void **state)
{
    struct vm_event_loop *l = vm_event_loop_create("test");
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct pipe_reader r = {.fd = p[0]};
    struct vm_event_source *s = vm_event_add_fd(l, p[0], EPOLLIN, on_readable, &r);
    assert_non_null(s);
    assert_int_equal(write(p[1], "hello", 5), 5);
    assert_true(wait_for(&r.bytes, 5));
    /* Removed: later bytes stay in the pipe. */
    vm_event_remove_fd(s);
    assert_int_equal(write(p[1], "x", 1), 1);
    usleep(20000);
    assert_int_equal(atomic_load(&r.bytes), 5);
    close(p[0]);
    close(p[1]);
    vm_event_loop_destroy(l);
}

static void nothing(void *opaque)
{
    (void)opaque;
}

static void test_timer(void **state)
{
    struct vm_event_loop *l = vm_event_loop_create("test");
    struct counter c = {.l = l, .on_loop = true};
    struct vm_event_timer *t = vm_event_timer_create(l, count, &c);
    assert_non_null(t);
    uint64_t t0 = vm_event_now_ns();
    vm_event_timer_arm_in(t, 20 * 1000000ULL, 0);
    assert_true(wait_for(&c.n, 1));
    assert_true(vm_event_now_ns() - t0 >= 20 * 1000000ULL);
    usleep(30000);
    assert_int_equal(atomic_load(&c.n), 1); /* one-shot */
    /* Periodic, then disarmed. */
    vm_event_timer_arm_in(t, 1000000ULL, 1000000ULL);
    assert_true(wait_for(&c.n, 5));
    vm_event_timer_disarm(t);
    /* An expiry the loop had already read may still be on its way to the
     * callback: a round trip through the loop lets it finish (a sleep
     * could be outlasted on a loaded machine). */
    vm_event_loop_call(l, nothing, NULL);
    int n = atomic_load(&c.n);
    usleep(20000);
    assert_int_equal(atomic_load(&c.n), n);
    /* A re-arm into the future cancels an expiry not yet served. */
    vm_event_timer_arm_at(t, vm_event_now_ns() + 3600ULL * 1000000000ULL, 0);
    usleep(20000);
    assert_int_equal(atomic_load(&c.n), n);
    /* A time in the past fires at once. */
    vm_event_timer_arm_at(t, 1, 0);
    assert_true(wait_for(&c.n, n + 1));
    assert_true(atomic_load(&c.on_loop));
    vm_event_timer_destroy(t);
    vm_event_loop_destroy(l);
}

static void *notify_many(void *arg)
{
    struct vm_event_notifier *n = arg;
    for (int i = 0; i < 10000; i++)
        vm_event_notify(n);
    return NULL;
}

static void test_notifier(void **state)
{
    struct vm_event_loop *l = vm_event_loop_create("test");
    struct counter c = {.l = l, .on_loop = true};
    struct vm_event_notifier *n = vm_event_notifier_create(l, count, &c);
    assert_non_null(n);
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, notify_many, n);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_true(wait_for(&c.n, 1));
    /* Coalesced: at least one call, at most one per notify. */
    usleep(10000);
    int got = atomic_load(&c.n);
    assert_true(got >= 1 && got <= 20000);
    vm_event_notify(n);
    assert_true(wait_for(&c.n, got + 1));
    vm_event_notifier_destroy(n);
    vm_event_loop_destroy(l);
}

/* A hook that watches one pipe afresh on every iteration. */
struct hooked {
    int fd, index;
    atomic_int prepares, reads;
};

static void hook_prepare(void *opaque, struct vm_event_pollset *ps, int *timeout_ms)
{
    struct hooked *h = opaque;
    atomic_fetch_add(&h->prepares, 1);
    h->index = vm_event_pollset_add(ps, h->fd, POLLIN);
    if (*timeout_ms < 0 || *timeout_ms > 50)
        *timeout_ms = 50;
}

static void hook_dispatch(void *opaque, struct vm_event_pollset *ps, bool error)
{
    struct hooked *h = opaque;
    if (vm_event_pollset_revents(ps, h->index) & POLLIN) {
        char buf[16];
        if (read(h->fd, buf, sizeof(buf)) > 0)
            atomic_fetch_add(&h->reads, 1);
    }
}

static const struct vm_event_hook_ops hook_ops = {hook_prepare, hook_dispatch};

static void test_hook(void **state)
{
    struct vm_event_loop *l = vm_event_loop_create("test");
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct hooked h = {.fd = p[0]};
    struct vm_event_hook *hk = vm_event_hook_add(l, &hook_ops, &h);
    assert_non_null(hk);
    /* The timeout the hook asks for makes the loop come round by itself. */
    assert_true(wait_for(&h.prepares, 3));
    assert_int_equal(write(p[1], "a", 1), 1);
    assert_true(wait_for(&h.reads, 1));
    /* Other sources still work next to the hook. */
    struct counter c = {.l = l, .on_loop = true};
    struct vm_event_notifier *n = vm_event_notifier_create(l, count, &c);
    vm_event_notify(n);
    assert_true(wait_for(&c.n, 1));
    vm_event_notifier_destroy(n);
    vm_event_hook_remove(hk);
    int before = atomic_load(&h.prepares);
    usleep(120000);
    assert_int_equal(atomic_load(&h.prepares), before);
    close(p[0]);
    close(p[1]);
    vm_event_loop_destroy(l);
}

/* Sources created and removed from other threads while their events
 * fire: after removal the callback never runs (its opaque is gone). */
struct churn {
    struct vm_event_loop *l;
    atomic_int calls;
};

struct victim {
    atomic_int *calls;
    int magic;
};

static void victim_fire(void *opaque)
{
    struct victim *v = opaque;
    if (v->magic != 0x5a5a) /* freed: a callback after removal */
        abort();
    atomic_fetch_add(v->calls, 1);
}

static void *churn_main(void *arg)
{
    struct churn *c = arg;
    for (int i = 0; i < 300; i++) {
        struct victim *v = malloc(sizeof(*v));
        v->calls = &c->calls;
        v->magic = 0x5a5a;
        struct vm_event_notifier *n = vm_event_notifier_create(c->l, victim_fire, v);
        struct vm_event_timer *t = vm_event_timer_create(c->l, victim_fire, v);
        vm_event_timer_arm_in(t, 0, 100000);
        vm_event_notify(n);
        if (i % 3 == 0)
            usleep(200);
        vm_event_notifier_destroy(n);
        vm_event_timer_destroy(t);
        v->magic = 0;
        free(v);
    }
    return NULL;
}

static void test_churn(void **state)
{
    struct churn c = {.l = vm_event_loop_create("test")};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, churn_main, &c);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_true(atomic_load(&c.calls) > 0);
    vm_event_loop_destroy(c.l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call),     cmocka_unit_test(test_fd),
        cmocka_unit_test(test_timer),    cmocka_unit_test(test_notifier),
        cmocka_unit_test(test_hook),     cmocka_unit_test(test_churn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
