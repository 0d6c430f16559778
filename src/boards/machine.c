/* Running a machine: vCPU threads, the stop state, pause/resume, the time
 * bound, resets and the exit status (machine.h). */
#define _GNU_SOURCE /* pthread_setname_np */
#include "boards/machine_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices/chardev_fd.h"
#include "devices/chardev_mux.h"
#include "gdb/gdb.h"
#include "vm/error.h"

/* A reset this soon after the machine started counts as quick; this many
 * quick ones in a row is a loop (a firmware that resets at once forever),
 * not a guest rebooting. */
#define QUICK_RESET_SECONDS 2.0
#define RESET_LOOP_LIMIT 5

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Lock held. */
void machine_update_attention(struct vm_machine *m)
{
    __atomic_store_n(&m->attention,
                     m->stop != VM_RUNNING || m->pause_depth > 0 || runctl_dirty(m),
                     __ATOMIC_RELEASE);
}

/* Lock held. */
void machine_kick_all(struct vm_machine *m)
{
    for (unsigned i = 0; i < m->nr_vcpus; i++) {
        struct vm_vcpu *v = __atomic_load_n(&m->vcpus[i].vcpu, __ATOMIC_ACQUIRE);
        if (v)
            vm_vcpu_kick(v);
    }
}

void vm_machine_stop(struct vm_machine *m, enum vm_stop_reason why, int status, const char *msg)
{
    pthread_mutex_lock(&m->lock);
    if (m->stop == VM_RUNNING || (m->stop == VM_STOP_RESET && why != VM_STOP_RESET)) {
        m->stop = why;
        m->status = status;
        if (msg)
            snprintf(m->error, sizeof(m->error), "%s", msg);
        machine_update_attention(m);
        pthread_cond_broadcast(&m->cond);
    }
    machine_kick_all(m);
    pthread_mutex_unlock(&m->lock);
}

enum vm_stop_reason vm_machine_stop_reason(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    enum vm_stop_reason why = m->stop;
    pthread_mutex_unlock(&m->lock);
    return why;
}

/* ---- pause / resume ---------------------------------------------------- */

void vm_machine_pause(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    m->pause_depth++;
    machine_update_attention(m);
    machine_kick_all(m);
    /* Every vCPU of the boot: a boot being built is waited for, and a
     * vCPU whose thread is about to start parks as soon as it does. */
    while (m->stop == VM_RUNNING && (m->building || m->parked < m->nr_vcpus))
        pthread_cond_wait(&m->cond, &m->lock);
    pthread_mutex_unlock(&m->lock);
}

void vm_machine_resume(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    if (m->pause_depth > 0)
        m->pause_depth--;
    machine_update_attention(m);
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

bool vm_machine_paused(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    bool p = m->pause_depth > 0;
    pthread_mutex_unlock(&m->lock);
    return p;
}

int vm_machine_vcpu_call(struct vm_machine *m, unsigned i,
                         int (*fn)(struct vm_vcpu *vcpu, void *arg), void *arg)
{
    struct vcpu_call c = {.target = i, .fn = fn, .arg = arg, .pending = true};
    pthread_mutex_lock(&m->lock);
    while (m->call) /* one call at a time */
        pthread_cond_wait(&m->cond, &m->lock);
    if (m->pause_depth == 0 || i >= m->nr_vcpus || !m->vcpus[i].parked) {
        pthread_mutex_unlock(&m->lock);
        return vm_error(VM_EINVAL, "vCPU %u is not parked (pause the machine first)", i);
    }
    m->call = &c;
    pthread_cond_broadcast(&m->cond);
    while (!c.done && m->vcpus[i].running) /* a stop ends the thread instead */
        pthread_cond_wait(&m->cond, &m->lock);
    m->call = NULL;
    if (!c.done)
        c.result = vm_error(VM_EINVAL, "vCPU %u stopped before the call ran", i);
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
    return c.result;
}

/* Wait while paused (serving calls meant for this vCPU); false when the
 * machine is stopping. */
static bool park(struct vcpu_slot *s)
{
    struct vm_machine *m = s->m;
    pthread_mutex_lock(&m->lock);
    /* Parked (for pause and calls) the whole time it waits here. */
    s->parked = true;
    m->parked++;
    pthread_cond_broadcast(&m->cond);
    for (;;) {
        if (m->stop != VM_RUNNING)
            break;
        struct vcpu_call *c = m->call;
        if (c && c->pending && c->target == s->index) {
            c->pending = false;
            pthread_mutex_unlock(&m->lock);
            int r = c->fn(s->vcpu, c->arg);
            pthread_mutex_lock(&m->lock);
            c->result = r;
            c->done = true;
            pthread_cond_broadcast(&m->cond);
            continue;
        }
        if (runctl_apply(s)) /* a debug state to apply, on this thread */
            continue;
        if (m->pause_depth == 0 || s->released)
            break;
        pthread_cond_wait(&m->cond, &m->lock);
    }
    m->parked--;
    s->parked = false;
    bool go = m->stop == VM_RUNNING;
    pthread_mutex_unlock(&m->lock);
    return go;
}

/* ---- vCPU threads ---------------------------------------------------------- */

static void handle_exit(struct vcpu_slot *s, struct vm_exit *ex)
{
    struct vm_machine *m = s->m;
    char msg[256];
    switch (ex->kind) {
    case VM_EXIT_INTR:
        if (ex->u.intr.reason == VM_INTR_INSN_LIMIT)
            vm_machine_stop(m, VM_STOP_INSN_LIMIT, 0, NULL);
        return; /* a kick: the loop looks at the state */
    case VM_EXIT_ERROR:
        vm_machine_stop(m, ex->u.error.guest ? VM_STOP_TRAP_STORM : VM_STOP_ERROR, 0,
                        ex->u.error.message);
        return;
    case VM_EXIT_DEBUG:
        if (ex->u.debug.reason != VM_DEBUG_EBREAK) { /* the run control's */
            runctl_debug_exit(s, &ex->u.debug);
            return;
        }
        break;
    case VM_EXIT_SHUTDOWN:
        vm_machine_stop(m, ex->u.shutdown.kind == VM_SHUTDOWN_RESET ? VM_STOP_RESET
                        : VM_STOP_POWEROFF, ex->u.shutdown.status, NULL);
        return;
    default:
        break;
    }
    if (!m->ops->handle_exit) {
        snprintf(msg, sizeof(msg), "vCPU %u: unexpected exit '%s'", s->index,
                 vm_exit_kind_name(ex->kind));
        vm_machine_stop(m, VM_STOP_ERROR, 0, msg);
    } else if (m->ops->handle_exit(m->board, m, s->index, ex) < 0) {
        snprintf(msg, sizeof(msg), "vCPU %u: %s", s->index, vm_error_message());
        vm_machine_stop(m, VM_STOP_ERROR, 0, msg);
    }
}

static void *vcpu_main(void *arg)
{
    struct vcpu_slot *s = arg;
    struct vm_machine *m = s->m;
    /* Named by itself (prctl): naming another thread opens
     * /proc/self/task/TID/comm for writing, which -sandbox on forbids (the
     * vCPU threads of a reboot start under the filter). */
    char name[16];
    snprintf(name, sizeof(name), "vcpu%u", s->index);
    pthread_setname_np(pthread_self(), name);
    pthread_mutex_lock(&m->lock);
    __atomic_store_n(&s->tid, (int)gettid(), __ATOMIC_RELEASE);
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
    struct vm_exit ex;
    char msg[256];
    memset(&ex, 0, sizeof(ex));
    for (;;) {
        if (__atomic_load_n(&m->attention, __ATOMIC_ACQUIRE) && !park(s))
            break;
        if (vm_vcpu_run(s->vcpu, &ex) < 0) {
            snprintf(msg, sizeof(msg), "vCPU %u: %s", s->index, vm_error_message());
            vm_machine_stop(m, VM_STOP_ERROR, 0, msg);
            break;
        }
        handle_exit(s, &ex);
    }
    __atomic_store_n(&s->tid, 0, __ATOMIC_RELEASE);
    pthread_mutex_lock(&m->lock);
    s->running = false;
    m->running--;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

int vm_machine_add_vcpu(struct vm_machine *m, struct vm_vcpu *vcpu)
{
    pthread_mutex_lock(&m->lock);
    unsigned i = m->nr_vcpus;
    if (i == VM_MACHINE_MAX_VCPUS) {
        pthread_mutex_unlock(&m->lock);
        return vm_error(VM_EINVAL, "%s: more than %d vCPUs", m->ops->name, VM_MACHINE_MAX_VCPUS);
    }
    m->vcpus[i] = (struct vcpu_slot){.m = m, .index = i};
    __atomic_store_n(&m->vcpus[i].vcpu, vcpu, __ATOMIC_RELEASE);
    m->nr_vcpus = i + 1;
    machine_update_attention(m); /* it may have a debug state to apply */
    pthread_mutex_unlock(&m->lock);
    return 0;
}

struct vm_vcpu *vm_machine_remove_vcpu(struct vm_machine *m, unsigned i)
{
    pthread_mutex_lock(&m->lock); /* stops kick under the lock */
    struct vm_vcpu *v = NULL;
    if (i < m->nr_vcpus) {
        v = m->vcpus[i].vcpu;
        __atomic_store_n(&m->vcpus[i].vcpu, NULL, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&m->lock);
    return v;
}

struct vm_vcpu *vm_machine_vcpu(struct vm_machine *m, unsigned i)
{
    return i < VM_MACHINE_MAX_VCPUS ? __atomic_load_n(&m->vcpus[i].vcpu, __ATOMIC_ACQUIRE) : NULL;
}

unsigned vm_machine_vcpu_count(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    unsigned n = m->nr_vcpus;
    pthread_mutex_unlock(&m->lock);
    return n;
}

static void deadline_after(struct timespec *ts, double seconds)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += (time_t)seconds;
    ts->tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Run the built machine until a stop or the deadline; returns the reason. */
static enum vm_stop_reason run_once(struct vm_machine *m, double seconds_left)
{
    pthread_mutex_lock(&m->lock);
    unsigned n = m->nr_vcpus;
    pthread_mutex_unlock(&m->lock);
    for (unsigned i = 0; i < n; i++) {
        struct vcpu_slot *s = &m->vcpus[i];
        pthread_mutex_lock(&m->lock);
        s->running = true;
        m->running++;
        pthread_mutex_unlock(&m->lock);
        int rc = pthread_create(&s->thread, NULL, vcpu_main, s);
        if (rc != 0) {
            pthread_mutex_lock(&m->lock);
            s->running = false;
            m->running--;
            pthread_mutex_unlock(&m->lock);
            char msg[96];
            snprintf(msg, sizeof(msg), "cannot start the thread of vCPU %u: %s", i, strerror(rc));
            vm_machine_stop(m, VM_STOP_ERROR, 0, msg);
            break;
        }
        s->started = true;
    }
    pthread_mutex_lock(&m->lock);
    /* Every thread has its id before the boot counts as built (query-cpus-fast). */
    for (unsigned i = 0; i < n; i++)
        while (m->vcpus[i].started && m->vcpus[i].running &&
               !__atomic_load_n(&m->vcpus[i].tid, __ATOMIC_ACQUIRE))
            pthread_cond_wait(&m->cond, &m->lock);
    m->building = false;
    pthread_cond_broadcast(&m->cond);
    bool first = !m->started_once;
    m->started_once = true;
    pthread_mutex_unlock(&m->lock);
    const struct vm_machine_frontend *fe = m->cfg.frontend;
    if (first && fe && fe->on_started)
        fe->on_started(fe->opaque);
    struct timespec end;
    if (seconds_left > 0)
        deadline_after(&end, seconds_left);
    bool timed_out = false;
    pthread_mutex_lock(&m->lock);
    while (m->stop == VM_RUNNING && !timed_out) {
        if (seconds_left > 0)
            timed_out = pthread_cond_timedwait(&m->cond, &m->lock, &end) == ETIMEDOUT;
        else
            pthread_cond_wait(&m->cond, &m->lock);
    }
    pthread_mutex_unlock(&m->lock);
    if (timed_out)
        vm_machine_stop(m, VM_STOP_TIMEOUT, 0, NULL);
    for (unsigned i = 0; i < n; i++)
        if (m->vcpus[i].started) {
            pthread_join(m->vcpus[i].thread, NULL);
            m->vcpus[i].started = false;
        }
    return vm_machine_stop_reason(m);
}

/* After a teardown: forget the vCPUs (the board has destroyed them). */
static void forget_vcpus(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    for (unsigned i = 0; i < m->nr_vcpus; i++)
        __atomic_store_n(&m->vcpus[i].vcpu, NULL, __ATOMIC_RELEASE);
    m->nr_vcpus = 0;
    pthread_cond_broadcast(&m->cond); /* a pause waiting for them */
    pthread_mutex_unlock(&m->lock);
}

/* One boot's end: the board's teardown, with monitors kept out. */
static void teardown(struct vm_machine *m)
{
    pthread_rwlock_wrlock(&m->build_lock);
    m->ops->teardown(m->board, m);
    m->mem = NULL;
    pthread_rwlock_unlock(&m->build_lock);
    forget_vcpus(m);
}

static int final_status(struct vm_machine *m, enum vm_stop_reason why)
{
    const struct vm_machine_config *cfg = &m->cfg;
    switch (why) {
    case VM_STOP_RESET:
        if (cfg->verbose)
            fprintf(stderr, "vm: guest reset the machine: stopping\n");
        return 0;
    case VM_STOP_POWEROFF:
        if (m->status)
            fprintf(stderr, "vm: guest powered off with failure code %d\n", m->status);
        else if (cfg->verbose)
            fprintf(stderr, "vm: guest powered off\n");
        return m->status;
    case VM_STOP_QUIT:
        fprintf(stderr, "vm: terminated by %s\n", m->error[0] ? m->error : "a quit request");
        return 0;
    case VM_STOP_TIMEOUT:
        fprintf(stderr, "vm: stopped after the time limit (%g s)\n", cfg->timeout);
        return VM_MACHINE_TIMEOUT_STATUS;
    case VM_STOP_INSN_LIMIT:
        fprintf(stderr, "vm: stopped after the instruction limit (%" PRIu64 " per hart)\n",
                cfg->max_insns);
        return VM_MACHINE_TIMEOUT_STATUS;
    case VM_STOP_TRAP_STORM:
        fprintf(stderr, "vm: guest stuck: %s\n", m->error);
        return VM_MACHINE_TRAP_STORM_STATUS;
    default:
        return vm_error(VM_EIO, "%s: %s", m->ops->name, m->error[0] ? m->error : "stopped");
    }
}

/* -no-shutdown: the guest powered off; wait (at most seconds_left, if
 * any) for a reset or a final stop, which is returned. */
static enum vm_stop_reason halt(struct vm_machine *m, double seconds_left)
{
    const struct vm_machine_frontend *fe = m->cfg.frontend;
    pthread_mutex_lock(&m->lock);
    m->halted = true; /* before anyone hears of it */
    m->stop = VM_RUNNING;
    pthread_mutex_unlock(&m->lock);
    if (fe->on_halt)
        fe->on_halt(fe->opaque);
    struct timespec end;
    if (seconds_left > 0)
        deadline_after(&end, seconds_left);
    pthread_mutex_lock(&m->lock);
    bool timed_out = m->cfg.timeout > 0 && seconds_left <= 0;
    while (m->stop == VM_RUNNING && !timed_out) {
        if (m->cfg.timeout > 0)
            timed_out = pthread_cond_timedwait(&m->cond, &m->lock, &end) == ETIMEDOUT;
        else
            pthread_cond_wait(&m->cond, &m->lock);
    }
    if (m->stop == VM_RUNNING)
        m->stop = VM_STOP_TIMEOUT;
    enum vm_stop_reason why = m->stop;
    m->halted = false;
    machine_update_attention(m);
    pthread_mutex_unlock(&m->lock);
    return why;
}

bool vm_machine_halted(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    bool h = m->halted;
    pthread_mutex_unlock(&m->lock);
    return h;
}

static int run_boots(struct vm_machine *m)
{
    const struct vm_machine_config *cfg = &m->cfg;
    double start = now_seconds();
    unsigned quick_resets = 0;
    for (;;) {
        double boot_start = now_seconds(), left = 0;
        pthread_mutex_lock(&m->lock);
        m->building = true;
        pthread_mutex_unlock(&m->lock);
        pthread_rwlock_wrlock(&m->build_lock);
        int rc = m->ops->build(m->board, m);
        pthread_rwlock_unlock(&m->build_lock);
        if (rc < 0) {
            pthread_mutex_lock(&m->lock);
            m->building = false;
            pthread_cond_broadcast(&m->cond);
            pthread_mutex_unlock(&m->lock);
            teardown(m); /* a failed build leaves parts behind */
            return rc;
        }
        if (cfg->timeout > 0) {
            left = cfg->timeout - (boot_start - start);
            if (left <= 0)
                left = 1e-3;
        }
        enum vm_stop_reason why = run_once(m, left);
        teardown(m);
        const struct vm_machine_frontend *fe = cfg->frontend;
        if (why == VM_STOP_POWEROFF && fe && fe->no_shutdown)
            why = halt(m, cfg->timeout > 0 ? cfg->timeout - (now_seconds() - start) : 0);
        if (why != VM_STOP_RESET || cfg->on_reset == VM_RESET_EXIT)
            return final_status(m, why);
        quick_resets = now_seconds() - boot_start < QUICK_RESET_SECONDS ? quick_resets + 1 : 0;
        if (quick_resets >= RESET_LOOP_LIMIT) {
            fprintf(stderr, "vm: reset loop: the guest reset the machine %d times in a row, "
                    "each within %g s of starting; stopping\n", RESET_LOOP_LIMIT,
                    QUICK_RESET_SECONDS);
            return VM_MACHINE_RESET_LOOP_STATUS;
        }
        if (cfg->verbose)
            fprintf(stderr, "vm: %s reset: booting again\n", m->reset_by_host ? "host" : "guest");
        if (cfg->frontend && cfg->frontend->on_reset)
            cfg->frontend->on_reset(cfg->frontend->opaque, m->reset_by_host);
        pthread_mutex_lock(&m->lock);
        m->reset_by_host = false;
        if (m->stop == VM_STOP_RESET)
            m->stop = VM_RUNNING;
        why = m->stop; /* a quit or error may have come during the reset */
        machine_update_attention(m);
        pthread_mutex_unlock(&m->lock);
        if (why != VM_RUNNING)
            return final_status(m, why);
    }
}

int vm_machine_run(struct vm_machine *m)
{
    int status = run_boots(m);
    runctl_ended(m, vm_machine_stop_reason(m), status);
    return status;
}

/* ---- the machine ------------------------------------------------------------ */

static void on_console_quit(void *opaque)
{
    vm_machine_stop(opaque, VM_STOP_QUIT, 0, "Ctrl-A x");
}

struct vm_machine *vm_machine_create(const struct vm_machine_ops *ops, void *board,
                                     const struct vm_machine_config *cfg)
{
    struct vm_machine *m = calloc(1, sizeof(*m));
    if (!m) {
        vm_error(VM_ENOMEM, "%s: out of host memory", ops->name);
        return NULL;
    }
    m->ops = ops;
    m->board = board;
    m->cfg = *cfg;
    pthread_mutex_init(&m->lock, NULL);
    pthread_rwlock_init(&m->build_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* the time bound's clock */
    pthread_cond_init(&m->cond, &ca);
    pthread_condattr_destroy(&ca);
    runctl_init(m, cfg);
    const struct vm_machine_frontend *fe = cfg->frontend;
    if (fe && fe->no_reboot)
        m->cfg.on_reset = VM_RESET_EXIT;
    m->loop = fe ? fe->loop : NULL;
    m->own_loop = !m->loop;
    if (!m->loop && !(m->loop = vm_event_loop_create("vm-events"))) {
        vm_machine_destroy(m);
        return NULL;
    }
    if (cfg->gdb) {
        if (!(m->gdb = vm_gdb_start(m, cfg->gdb))) {
            vm_machine_destroy(m);
            return NULL;
        }
        if (cfg->verbose)
            fprintf(stderr, "vm: gdb: listening on %s%s\n", vm_gdb_address(m->gdb),
                    cfg->start_paused ? " (stopped until continue)" : "");
    }
    m->console = cfg->console;
    if (!m->console && !cfg->no_console) {
        struct vm_chardev_mux_config mc = {.on_quit = on_console_quit, .opaque = m};
        m->own_console = true;
        if (!(m->terminal = vm_chardev_stdio_create(false)) ||
            !(m->mux = vm_chardev_mux_create(m->terminal, &mc)) ||
            !(m->console = vm_chardev_mux_add_port(m->mux))) {
            vm_machine_destroy(m);
            return NULL;
        }
    }
    if (fe && fe->attach)
        fe->attach(fe->opaque, m);
    return m;
}

void vm_machine_destroy(struct vm_machine *m)
{
    if (!m)
        return;
    vm_gdb_stop(m->gdb); /* before the run control's listeners go */
    const struct vm_machine_frontend *fe = m->cfg.frontend;
    if (fe && fe->detach)
        fe->detach(fe->opaque, m);
    if (m->own_console) {
        vm_chardev_mux_destroy(m->mux);
        vm_chardev_destroy(m->terminal);
    }
    if (m->own_loop)
        vm_event_loop_destroy(m->loop);
    runctl_fini(m);
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->lock);
    pthread_rwlock_destroy(&m->build_lock);
    free(m);
}

struct vm_event_loop *vm_machine_loop(struct vm_machine *m)
{
    return m->loop;
}

struct vm_chardev *vm_machine_console(struct vm_machine *m)
{
    return m->console;
}

const struct vm_machine_config *vm_machine_config_of(struct vm_machine *m)
{
    return &m->cfg;
}

void vm_machine_reset(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    if (m->stop == VM_RUNNING)
        m->reset_by_host = true;
    pthread_mutex_unlock(&m->lock);
    vm_machine_stop(m, VM_STOP_RESET, 0, NULL);
}

int vm_machine_vcpu_thread_id(struct vm_machine *m, unsigned i)
{
    return i < VM_MACHINE_MAX_VCPUS ? __atomic_load_n(&m->vcpus[i].tid, __ATOMIC_ACQUIRE) : 0;
}

void vm_machine_set_mem(struct vm_machine *m, struct vm_mem *mem)
{
    m->mem = mem; /* from build(): the build lock is held for writing */
}

struct vm_mem *vm_machine_hold_mem(struct vm_machine *m)
{
    pthread_rwlock_rdlock(&m->build_lock);
    return m->mem;
}

void vm_machine_release_mem(struct vm_machine *m)
{
    pthread_rwlock_unlock(&m->build_lock);
}

void vm_machine_wait_built(struct vm_machine *m, double seconds)
{
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += (time_t)seconds;
    pthread_mutex_lock(&m->lock);
    while (m->stop == VM_RUNNING && m->rc.state != VM_RUN_ENDED && !m->halted &&
           (m->building || !m->nr_vcpus) &&
           pthread_cond_timedwait(&m->cond, &m->lock, &end) == 0)
        ;
    pthread_mutex_unlock(&m->lock);
}
