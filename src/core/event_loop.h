/* The machine's event loop: one host thread that waits on file
 * descriptors, timers and wake-ups with epoll (timerfd, eventfd) and runs
 * their callbacks, as QEMU's main loop and Firecracker's event manager do.
 * Devices and back ends that wait on time or I/O (user networking, socket
 * chardevs, virtio completions) register here instead of starting a thread
 * each.
 *
 * Every callback runs on the loop thread, one at a time, so a back end
 * served only by callbacks needs no lock of its own. Any function below may
 * be called from any thread, callbacks included.
 *
 * Removing (a source, timer, notifier or hook) returns once its callback is
 * not running and will not run again, so its opaque may be freed right
 * after. Because removal from another thread waits for the loop thread, do
 * not hold a lock that one of the loop's callbacks takes while removing.
 *
 * Poll hooks serve libraries that choose their descriptors afresh on every
 * iteration (libslirp): prepare() adds pollfds and may shorten the wait,
 * dispatch() reads their revents after the wait. */
#ifndef VM_CORE_EVENT_LOOP_H
#define VM_CORE_EVENT_LOOP_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

struct vm_event_loop;
struct vm_event_source;
struct vm_event_timer;
struct vm_event_notifier;
struct vm_event_hook;

/* events: EPOLLIN, EPOLLOUT, ... (level-triggered); the callback gets the
 * epoll events that occurred. */
typedef void vm_event_fd_fn(void *opaque, int fd, uint32_t events);
typedef void vm_event_fn(void *opaque);

/* Starts the loop thread; NULL with a message on failure. */
struct vm_event_loop *vm_event_loop_create(const char *name);
/* Stops and joins the thread. Everything registered must be removed first. */
void vm_event_loop_destroy(struct vm_event_loop *l);
bool vm_event_loop_in_thread(struct vm_event_loop *l);

/* Run fn(opaque) on the loop thread and wait for it to finish (at once
 * when called on the loop thread). */
void vm_event_loop_call(struct vm_event_loop *l, vm_event_fn *fn, void *opaque);

/* ---- file descriptors (the caller keeps owning fd) ---- */
struct vm_event_source *vm_event_add_fd(struct vm_event_loop *l, int fd, uint32_t events,
                                        vm_event_fd_fn *fn, void *opaque);
int vm_event_modify_fd(struct vm_event_source *s, uint32_t events);
void vm_event_remove_fd(struct vm_event_source *s);

/* ---- timers (timerfd on CLOCK_MONOTONIC) ---- */
struct vm_event_timer *vm_event_timer_create(struct vm_event_loop *l, vm_event_fn *fn,
                                             void *opaque);
/* Fire once at an absolute CLOCK_MONOTONIC time in ns (then every period_ns
 * if not 0); re-arming replaces the previous setting. A time in the past
 * fires at once. */
void vm_event_timer_arm_at(struct vm_event_timer *t, uint64_t when_ns, uint64_t period_ns);
void vm_event_timer_arm_in(struct vm_event_timer *t, uint64_t delay_ns, uint64_t period_ns);
void vm_event_timer_disarm(struct vm_event_timer *t);
void vm_event_timer_destroy(struct vm_event_timer *t);
/* CLOCK_MONOTONIC now, in ns. */
uint64_t vm_event_now_ns(void);

/* ---- notifiers (eventfd): wake the loop from any thread; several notifies
 * before the loop runs the callback coalesce into one call ---- */
struct vm_event_notifier *vm_event_notifier_create(struct vm_event_loop *l, vm_event_fn *fn,
                                                   void *opaque);
void vm_event_notify(struct vm_event_notifier *n);
void vm_event_notifier_destroy(struct vm_event_notifier *n);

/* ---- per-iteration poll hooks ---- */
struct vm_event_pollset; /* the pollfds of one iteration */
/* Add a pollfd for this iteration; returns its index for dispatch, or -1
 * when out of memory (the fd is then not watched this time). */
int vm_event_pollset_add(struct vm_event_pollset *ps, int fd, short events);
/* revents of an index returned by vm_event_pollset_add (0 for -1). */
short vm_event_pollset_revents(const struct vm_event_pollset *ps, int index);

struct vm_event_hook_ops {
    /* Add fds; lower *timeout_ms (-1: no limit) if something is due sooner. */
    void (*prepare)(void *opaque, struct vm_event_pollset *ps, int *timeout_ms);
    /* After the wait; error: the wait failed (revents are all 0). */
    void (*dispatch)(void *opaque, struct vm_event_pollset *ps, bool error);
};
struct vm_event_hook *vm_event_hook_add(struct vm_event_loop *l,
                                        const struct vm_event_hook_ops *ops, void *opaque);
void vm_event_hook_remove(struct vm_event_hook *h);
/* Make the loop run its hooks' prepare again soon (from any thread). */
void vm_event_loop_kick(struct vm_event_loop *l);

#endif
