/* The machine's event loop: epoll over fds, timerfds and eventfds, plus
 * per-iteration poll hooks (libslirp), on one thread. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "core/event_loop.h"

#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "vm/error.h"

#define MAX_EVENTS 64

enum entry_kind { ENTRY_FD, ENTRY_TIMER, ENTRY_NOTIFIER, ENTRY_WAKE };

/* One registered fd of any kind. Freed only on the loop thread, after the
 * batch of events that may still point at it. */
struct entry {
    struct vm_event_loop *l;
    enum entry_kind kind;
    int fd;
    bool dead;
    vm_event_fd_fn *fd_fn;
    vm_event_fn *fn;
    void *opaque;
    struct entry *next_dead;
};

struct vm_event_source { struct entry e; };
struct vm_event_timer { struct entry e; };
struct vm_event_notifier { struct entry e; };

struct vm_event_hook {
    struct vm_event_loop *l;
    const struct vm_event_hook_ops *ops;
    void *opaque;
    bool dead;
    struct vm_event_hook *next;
};

struct call {
    vm_event_fn *fn;
    void *opaque;
    bool done;
    struct call *next;
};

struct vm_event_pollset {
    struct pollfd *fds; /* fds[0] is the epoll fd */
    unsigned count, cap;
};

struct vm_event_loop {
    int epfd;
    struct entry wake; /* eventfd: queued calls, kicks, stop */
    pthread_t thread;
    char name[32];

    pthread_mutex_t lock; /* the call queue */
    pthread_cond_t done;
    struct call *calls, **calls_tail;

    /* loop thread only */
    bool stop;
    struct vm_event_hook *hooks;
    struct entry *dead;
    struct vm_event_pollset ps;
};

static _Thread_local struct vm_event_loop *current_loop;

uint64_t vm_event_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

bool vm_event_loop_in_thread(struct vm_event_loop *l)
{
    return current_loop == l;
}

static void wake(struct vm_event_loop *l)
{
    uint64_t one = 1;
    while (write(l->wake.fd, &one, sizeof(one)) < 0 && errno == EINTR)
        ;
}

void vm_event_loop_kick(struct vm_event_loop *l)
{
    if (!vm_event_loop_in_thread(l))
        wake(l);
}

static void drain(int fd)
{
    uint64_t v;
    while (read(fd, &v, sizeof(v)) < 0 && errno == EINTR)
        ;
}

/* ---- calls onto the loop thread ------------------------------------- */

void vm_event_loop_call(struct vm_event_loop *l, vm_event_fn *fn, void *opaque)
{
    if (vm_event_loop_in_thread(l)) {
        fn(opaque);
        return;
    }
    struct call c = {.fn = fn, .opaque = opaque};
    pthread_mutex_lock(&l->lock);
    *l->calls_tail = &c;
    l->calls_tail = &c.next;
    pthread_mutex_unlock(&l->lock);
    wake(l);
    pthread_mutex_lock(&l->lock);
    while (!c.done)
        pthread_cond_wait(&l->done, &l->lock);
    pthread_mutex_unlock(&l->lock);
}

static void run_calls(struct vm_event_loop *l)
{
    pthread_mutex_lock(&l->lock);
    struct call *c = l->calls;
    l->calls = NULL;
    l->calls_tail = &l->calls;
    pthread_mutex_unlock(&l->lock);
    while (c) {
        struct call *next = c->next;
        c->fn(c->opaque);
        pthread_mutex_lock(&l->lock);
        c->done = true; /* c lives on the caller's stack: not touched after this */
        pthread_cond_broadcast(&l->done);
        pthread_mutex_unlock(&l->lock);
        c = next;
    }
}

/* ---- entries ------------------------------------------------------------- */

static int add_entry(struct vm_event_loop *l, struct entry *e, uint32_t events)
{
    e->l = l;
    struct epoll_event ev = {.events = events, .data.ptr = e};
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, e->fd, &ev) < 0)
        return vm_error(VM_EIO, "event loop: cannot watch fd %d: %s", e->fd, strerror(errno));
    return 0;
}

static void remove_on_loop(void *opaque)
{
    struct entry *e = opaque;
    struct vm_event_loop *l = e->l;
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, e->fd, NULL);
    e->dead = true;
    e->next_dead = l->dead;
    l->dead = e;
}

/* Unregister; the memory goes at the end of the loop's iteration. */
static void remove_entry(struct entry *e)
{
    vm_event_loop_call(e->l, remove_on_loop, e);
}

static void free_dead(struct vm_event_loop *l)
{
    while (l->dead) {
        struct entry *e = l->dead;
        l->dead = e->next_dead;
        if (e->kind != ENTRY_FD)
            close(e->fd);
        free(e);
    }
}

struct vm_event_source *vm_event_add_fd(struct vm_event_loop *l, int fd, uint32_t events,
                                        vm_event_fd_fn *fn, void *opaque)
{
    struct vm_event_source *s = calloc(1, sizeof(*s));
    if (!s) {
        vm_error(VM_ENOMEM, "event loop: out of host memory");
        return NULL;
    }
    s->e = (struct entry){.kind = ENTRY_FD, .fd = fd, .fd_fn = fn, .opaque = opaque};
    if (add_entry(l, &s->e, events) < 0) {
        free(s);
        return NULL;
    }
    return s;
}

int vm_event_modify_fd(struct vm_event_source *s, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = &s->e};
    if (epoll_ctl(s->e.l->epfd, EPOLL_CTL_MOD, s->e.fd, &ev) < 0)
        return vm_error(VM_EIO, "event loop: cannot change fd %d: %s", s->e.fd, strerror(errno));
    return 0;
}

void vm_event_remove_fd(struct vm_event_source *s)
{
    if (s)
        remove_entry(&s->e);
}

static struct entry *owned_fd_entry(struct vm_event_loop *l, enum entry_kind kind, int fd,
                                    vm_event_fn *fn, void *opaque, size_t size)
{
    if (fd < 0) {
        vm_error(VM_EIO, "event loop: %s", strerror(errno));
        return NULL;
    }
    struct entry *e = calloc(1, size);
    if (!e) {
        close(fd);
        vm_error(VM_ENOMEM, "event loop: out of host memory");
        return NULL;
    }
    *e = (struct entry){.kind = kind, .fd = fd, .fn = fn, .opaque = opaque};
    if (add_entry(l, e, EPOLLIN) < 0) {
        close(fd);
        free(e);
        return NULL;
    }
    return e;
}

struct vm_event_timer *vm_event_timer_create(struct vm_event_loop *l, vm_event_fn *fn,
                                             void *opaque)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    return (struct vm_event_timer *)owned_fd_entry(l, ENTRY_TIMER, fd, fn, opaque,
                                                   sizeof(struct vm_event_timer));
}

static struct timespec ns_to_ts(uint64_t ns)
{
    return (struct timespec){.tv_sec = (time_t)(ns / 1000000000ULL),
                             .tv_nsec = (long)(ns % 1000000000ULL)};
}

void vm_event_timer_arm_at(struct vm_event_timer *t, uint64_t when_ns, uint64_t period_ns)
{
    /* 0 would disarm: the earliest representable time fires at once. */
    struct itimerspec its = {.it_value = ns_to_ts(when_ns ? when_ns : 1),
                             .it_interval = ns_to_ts(period_ns)};
    timerfd_settime(t->e.fd, TFD_TIMER_ABSTIME, &its, NULL);
}

void vm_event_timer_arm_in(struct vm_event_timer *t, uint64_t delay_ns, uint64_t period_ns)
{
    vm_event_timer_arm_at(t, vm_event_now_ns() + delay_ns, period_ns);
}

void vm_event_timer_disarm(struct vm_event_timer *t)
{
    struct itimerspec its;
    memset(&its, 0, sizeof(its));
    timerfd_settime(t->e.fd, 0, &its, NULL);
}

void vm_event_timer_destroy(struct vm_event_timer *t)
{
    if (t)
        remove_entry(&t->e);
}

struct vm_event_notifier *vm_event_notifier_create(struct vm_event_loop *l, vm_event_fn *fn,
                                                   void *opaque)
{
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return (struct vm_event_notifier *)owned_fd_entry(l, ENTRY_NOTIFIER, fd, fn, opaque,
                                                      sizeof(struct vm_event_notifier));
}

void vm_event_notify(struct vm_event_notifier *n)
{
    uint64_t one = 1;
    while (write(n->e.fd, &one, sizeof(one)) < 0 && errno == EINTR)
        ;
}

void vm_event_notifier_destroy(struct vm_event_notifier *n)
{
    if (n)
        remove_entry(&n->e);
}

/* ---- poll hooks ------------------------------------------------------------ */

static void hook_add_on_loop(void *opaque)
{
    struct vm_event_hook *h = opaque;
    h->next = h->l->hooks;
    h->l->hooks = h;
}

struct vm_event_hook *vm_event_hook_add(struct vm_event_loop *l,
                                        const struct vm_event_hook_ops *ops, void *opaque)
{
    struct vm_event_hook *h = calloc(1, sizeof(*h));
    if (!h) {
        vm_error(VM_ENOMEM, "event loop: out of host memory");
        return NULL;
    }
    *h = (struct vm_event_hook){.l = l, .ops = ops, .opaque = opaque};
    vm_event_loop_call(l, hook_add_on_loop, h);
    return h;
}

/* Marked dead here, unlinked and freed between iterations. */
static void hook_remove_on_loop(void *opaque)
{
    struct vm_event_hook *h = opaque;
    h->dead = true;
}

void vm_event_hook_remove(struct vm_event_hook *h)
{
    if (h)
        vm_event_loop_call(h->l, hook_remove_on_loop, h);
}

static void sweep_hooks(struct vm_event_loop *l)
{
    for (struct vm_event_hook **p = &l->hooks; *p;) {
        struct vm_event_hook *h = *p;
        if (h->dead) {
            *p = h->next;
            free(h);
        } else {
            p = &h->next;
        }
    }
}

int vm_event_pollset_add(struct vm_event_pollset *ps, int fd, short events)
{
    if (ps->count == ps->cap) {
        unsigned cap = ps->cap ? ps->cap * 2 : 16;
        struct pollfd *n = realloc(ps->fds, cap * sizeof(*n));
        if (!n)
            return -1;
        ps->fds = n;
        ps->cap = cap;
    }
    ps->fds[ps->count] = (struct pollfd){.fd = fd, .events = events};
    return (int)ps->count++;
}

short vm_event_pollset_revents(const struct vm_event_pollset *ps, int index)
{
    return index > 0 && (unsigned)index < ps->count ? ps->fds[index].revents : 0;
}

/* ---- the loop ------------------------------------------------------------- */

static void dispatch(struct vm_event_loop *l, struct epoll_event *evs, int n)
{
    for (int i = 0; i < n; i++) {
        struct entry *e = evs[i].data.ptr;
        if (e->dead)
            continue;
        switch (e->kind) {
        case ENTRY_FD:
            e->fd_fn(e->opaque, e->fd, evs[i].events);
            break;
        case ENTRY_TIMER: {
            uint64_t expirations;
            /* EAGAIN: re-armed or disarmed since it expired */
            if (read(e->fd, &expirations, sizeof(expirations)) == sizeof(expirations))
                e->fn(e->opaque);
            break;
        }
        case ENTRY_NOTIFIER:
            drain(e->fd);
            e->fn(e->opaque);
            break;
        case ENTRY_WAKE:
            drain(e->fd);
            run_calls(l);
            break;
        }
    }
}

/* With hooks: poll() on the epoll fd and the hooks' fds together. */
static int wait_with_hooks(struct vm_event_loop *l, struct epoll_event *evs)
{
    struct vm_event_pollset *ps = &l->ps;
    int timeout = -1;
    ps->count = 0;
    vm_event_pollset_add(ps, l->epfd, POLLIN);
    for (struct vm_event_hook *h = l->hooks; h; h = h->next)
        if (!h->dead)
            h->ops->prepare(h->opaque, ps, &timeout);
    int r = poll(ps->fds, ps->count, timeout);
    bool error = r < 0;
    if (error)
        for (unsigned i = 0; i < ps->count; i++)
            ps->fds[i].revents = 0;
    int n = 0;
    if (!error && (ps->fds[0].revents & POLLIN))
        n = epoll_wait(l->epfd, evs, MAX_EVENTS, 0);
    for (struct vm_event_hook *h = l->hooks; h; h = h->next)
        if (!h->dead)
            h->ops->dispatch(h->opaque, ps, error);
    return n;
}

static void *loop_main(void *arg)
{
    struct vm_event_loop *l = arg;
    pthread_setname_np(pthread_self(), l->name); /* itself: see vcpu_main */
    current_loop = l;
    struct epoll_event evs[MAX_EVENTS];
    while (!l->stop) {
        int n = l->hooks ? wait_with_hooks(l, evs) : epoll_wait(l->epfd, evs, MAX_EVENTS, -1);
        if (n > 0)
            dispatch(l, evs, n);
        free_dead(l);
        sweep_hooks(l);
    }
    return NULL;
}

static void stop_on_loop(void *opaque)
{
    ((struct vm_event_loop *)opaque)->stop = true;
}

struct vm_event_loop *vm_event_loop_create(const char *name)
{
    struct vm_event_loop *l = calloc(1, sizeof(*l));
    if (!l) {
        vm_error(VM_ENOMEM, "event loop: out of host memory");
        return NULL;
    }
    snprintf(l->name, sizeof(l->name), "%s", name ? name : "event-loop");
    l->calls_tail = &l->calls;
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->done, NULL);
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    l->wake = (struct entry){.kind = ENTRY_WAKE, .fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
    int rc;
    if (l->epfd < 0 || l->wake.fd < 0) {
        vm_error(VM_EIO, "event loop: %s", strerror(errno));
    } else if (add_entry(l, &l->wake, EPOLLIN) == 0) {
        if ((rc = pthread_create(&l->thread, NULL, loop_main, l)) == 0)
            return l;
        vm_error(VM_ENOMEM, "event loop: cannot start its thread: %s", strerror(rc));
    }
    if (l->epfd >= 0)
        close(l->epfd);
    if (l->wake.fd >= 0)
        close(l->wake.fd);
    pthread_cond_destroy(&l->done);
    pthread_mutex_destroy(&l->lock);
    free(l);
    return NULL;
}

void vm_event_loop_destroy(struct vm_event_loop *l)
{
    if (!l)
        return;
    vm_event_loop_call(l, stop_on_loop, l);
    pthread_join(l->thread, NULL);
    free_dead(l);
    sweep_hooks(l);
    close(l->epfd);
    close(l->wake.fd);
    free(l->ps.fds);
    pthread_cond_destroy(&l->done);
    pthread_mutex_destroy(&l->lock);
    free(l);
}
