/* Run control (runctl.h) on top of the board-run helper's pause: stop and
 * cont hold or release one pause of the machine; a debug exit from a vCPU
 * takes that pause from the vCPU's own thread (without waiting) and tells
 * the listeners; a lone step releases one parked vCPU. The machine's
 * breakpoints and watchpoints live here; each vCPU applies them on its own
 * thread (in park(), or through a vCPU call while the machine is stopped)
 * whenever their generation moves, which is also how vCPUs rebuilt by a
 * reset get them. */
#include <stdio.h>
#include <string.h>

#include "boards/machine_internal.h"
#include "vm/error.h"

const char *vm_run_state_name(enum vm_run_state state)
{
    switch (state) {
    case VM_RUN_RUNNING: return "running";
    case VM_RUN_PRELAUNCH: return "prelaunch";
    case VM_RUN_PAUSED: return "paused";
    case VM_RUN_DEBUG: return "debug";
    case VM_RUN_ENDED: return "shutdown";
    }
    return "?";
}

void runctl_init(struct vm_machine *m, const struct vm_machine_config *cfg)
{
    struct runctl *rc = &m->rc;
    pthread_mutex_init(&rc->listen_lock, NULL);
    rc->step_vcpu = -1;
    rc->state = VM_RUN_RUNNING;
    if (cfg->start_paused) {
        rc->state = VM_RUN_PRELAUNCH;
        rc->user_pause = true;
        m->pause_depth++;
        machine_update_attention(m);
    }
}

void runctl_fini(struct vm_machine *m)
{
    pthread_mutex_destroy(&m->rc.listen_lock);
}

/* ---- listeners ------------------------------------------------------------ */

int vm_runctl_listen(struct vm_machine *m, vm_run_listener_fn fn, void *opaque)
{
    struct runctl *rc = &m->rc;
    pthread_mutex_lock(&rc->listen_lock);
    int r = 0;
    if (rc->nlisteners == VM_RUNCTL_MAX_LISTENERS)
        r = vm_error(VM_EINVAL, "run control: more than %d listeners", VM_RUNCTL_MAX_LISTENERS);
    else
        rc->listeners[rc->nlisteners++] = (typeof(rc->listeners[0])){fn, opaque};
    pthread_mutex_unlock(&rc->listen_lock);
    return r;
}

void vm_runctl_unlisten(struct vm_machine *m, vm_run_listener_fn fn, void *opaque)
{
    struct runctl *rc = &m->rc;
    pthread_mutex_lock(&rc->listen_lock); /* none is running once we have it */
    for (unsigned i = 0; i < rc->nlisteners; i++)
        if (rc->listeners[i].fn == fn && rc->listeners[i].opaque == opaque) {
            rc->listeners[i] = rc->listeners[--rc->nlisteners];
            break;
        }
    pthread_mutex_unlock(&rc->listen_lock);
}

/* Changes of state are made with listen_lock held (taken before the
 * machine's lock) and told before it is released, so that listeners see
 * them in the order they happened. */
static void change_begin(struct vm_machine *m)
{
    pthread_mutex_lock(&m->rc.listen_lock);
}

static void change_end(struct vm_machine *m, const struct vm_run_event *ev)
{
    struct runctl *rc = &m->rc;
    for (unsigned i = 0; ev && i < rc->nlisteners; i++)
        rc->listeners[i].fn(rc->listeners[i].opaque, ev);
    pthread_mutex_unlock(&rc->listen_lock);
}

/* ---- applying the debug state to vCPUs ------------------------------------ */

/* Lock held. */
bool runctl_dirty(const struct vm_machine *m)
{
    for (unsigned i = 0; i < m->nr_vcpus; i++)
        if (m->vcpus[i].vcpu && m->vcpus[i].dbg_gen != m->rc.gen)
            return true;
    return false;
}

/* Lock held: vCPU s's debug state as it should be now. */
static void state_for(const struct vcpu_slot *s, struct vm_vcpu_debug *d)
{
    const struct runctl *rc = &s->m->rc;
    *d = rc->dbg;
    d->single_step = rc->step_vcpu == (int)s->index;
}

static bool is_empty(const struct vm_vcpu_debug *d)
{
    return !d->single_step && !d->nr_breakpoints && !d->nr_watchpoints;
}

bool runctl_apply(struct vcpu_slot *s)
{
    struct vm_machine *m = s->m;
    if (!s->vcpu || s->dbg_gen == m->rc.gen)
        return false;
    struct vm_vcpu_debug d;
    state_for(s, &d);
    unsigned gen = m->rc.gen;
    int r = 0;
    if (s->armed || !is_empty(&d)) {
        pthread_mutex_unlock(&m->lock);
        r = vm_vcpu_set_debug(s->vcpu, &d);
        pthread_mutex_lock(&m->lock);
    }
    if (r < 0) /* insert checked it while stopped: only a rebuilt vCPU gets here */
        fprintf(stderr, "vm: vCPU %u: cannot apply breakpoints/watchpoints: %s\n", s->index,
                vm_error_message());
    else
        s->armed = !is_empty(&d);
    s->dbg_gen = gen;
    machine_update_attention(m);
    return true;
}

struct apply_call {
    struct vm_vcpu_debug d;
};

static int apply_fn(struct vm_vcpu *vcpu, void *arg)
{
    return vm_vcpu_set_debug(vcpu, &((struct apply_call *)arg)->d);
}

/* After a change of the debug state: apply it now to every vCPU if the
 * machine is stopped (so that the backend's refusal reaches the caller),
 * else let the vCPUs apply it at their next look at `attention`. */
static int apply_everywhere(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    bool stopped = m->rc.user_pause && !m->building && m->nr_vcpus &&
                   m->parked == m->nr_vcpus;
    if (!stopped) {
        machine_update_attention(m);
        machine_kick_all(m);
        pthread_mutex_unlock(&m->lock);
        return 0;
    }
    unsigned n = m->nr_vcpus;
    pthread_mutex_unlock(&m->lock);
    for (unsigned i = 0; i < n; i++) {
        struct vcpu_slot *s = &m->vcpus[i];
        struct apply_call c;
        pthread_mutex_lock(&m->lock);
        state_for(s, &c.d);
        unsigned gen = m->rc.gen;
        bool skip = s->dbg_gen == gen || (!s->armed && is_empty(&c.d));
        if (skip)
            s->dbg_gen = gen;
        pthread_mutex_unlock(&m->lock);
        if (skip)
            continue;
        int r = vm_machine_vcpu_call(m, i, apply_fn, &c);
        if (r < 0)
            return r;
        pthread_mutex_lock(&m->lock);
        s->armed = !is_empty(&c.d);
        if (m->rc.gen == gen)
            s->dbg_gen = gen;
        machine_update_attention(m);
        pthread_mutex_unlock(&m->lock);
    }
    return 0;
}

/* ---- breakpoints and watchpoints --------------------------------------------- */

/* The breakpoints and the watchpoints are two tables with one behaviour: an
 * entry inserted twice (gdb inserts per thread) is counted, and goes only when
 * every insert is removed. A table is seen through this descriptor. */
struct dbg_table {
    void *items; /* uint64_t[] or struct vm_watchpoint[] */
    size_t item_size;
    unsigned *nr, *refs, max;
    bool (*same)(const void *a, const void *b);
};

static bool same_breakpoint(const void *a, const void *b)
{
    return *(const uint64_t *)a == *(const uint64_t *)b;
}

static bool same_watchpoint(const void *a, const void *b)
{
    const struct vm_watchpoint *x = a, *y = b;
    return x->addr == y->addr && x->len == y->len && x->kind == y->kind;
}

static struct dbg_table breakpoint_table(struct runctl *rc)
{
    return (struct dbg_table){rc->dbg.breakpoints, sizeof(rc->dbg.breakpoints[0]),
                              &rc->dbg.nr_breakpoints, rc->bp_refs, VM_DEBUG_MAX_BREAKPOINTS,
                              same_breakpoint};
}

static struct dbg_table watchpoint_table(struct runctl *rc)
{
    return (struct dbg_table){rc->dbg.watchpoints, sizeof(rc->dbg.watchpoints[0]),
                              &rc->dbg.nr_watchpoints, rc->wp_refs, VM_DEBUG_MAX_WATCHPOINTS,
                              same_watchpoint};
}

static void *table_item(const struct dbg_table *t, unsigned i)
{
    return (char *)t->items + (size_t)i * t->item_size;
}

static int table_find(const struct dbg_table *t, const void *item)
{
    for (unsigned i = 0; i < *t->nr; i++)
        if (t->same(table_item(t, i), item))
            return (int)i;
    return -1;
}

/* Drop one reference to ITEM and apply the tables to every vCPU. WHAT and
 * ADDR name it in errors. */
static int table_remove(struct vm_machine *m, struct dbg_table (*view)(struct runctl *),
                        const void *item, uint64_t addr, const char *what)
{
    struct runctl *rc = &m->rc;
    pthread_mutex_lock(&m->lock);
    struct dbg_table t = view(rc);
    int i = table_find(&t, item);
    if (i < 0) {
        pthread_mutex_unlock(&m->lock);
        return vm_error(VM_ENOENT, "no %s at 0x%llx", what, (unsigned long long)addr);
    }
    if (--t.refs[i] == 0) {
        unsigned last = --(*t.nr);
        memcpy(table_item(&t, (unsigned)i), table_item(&t, last), t.item_size);
        t.refs[i] = t.refs[last];
        rc->gen++;
    }
    pthread_mutex_unlock(&m->lock);
    return apply_everywhere(m);
}

/* Insert ITEM (or count it again) and apply the tables to every vCPU; if a
 * vCPU refuses it, the insert is undone. */
static int table_insert(struct vm_machine *m, struct dbg_table (*view)(struct runctl *),
                        const void *item, uint64_t addr, const char *what)
{
    struct runctl *rc = &m->rc;
    pthread_mutex_lock(&m->lock);
    struct dbg_table t = view(rc);
    int i = table_find(&t, item);
    if (i >= 0) {
        t.refs[i]++;
        pthread_mutex_unlock(&m->lock);
        return 0;
    }
    if (*t.nr == t.max) {
        pthread_mutex_unlock(&m->lock);
        return vm_error(VM_EINVAL, "at most %u %ss", t.max, what);
    }
    i = (int)(*t.nr)++;
    memcpy(table_item(&t, (unsigned)i), item, t.item_size);
    t.refs[i] = 1;
    rc->gen++;
    pthread_mutex_unlock(&m->lock);
    if (apply_everywhere(m) < 0) {
        char why[256];
        snprintf(why, sizeof(why), "%s", vm_error_message());
        table_remove(m, view, item, addr, what);
        return vm_error(VM_ENOTSUP, "%s at 0x%llx: %s", what, (unsigned long long)addr, why);
    }
    return 0;
}

int vm_runctl_insert_breakpoint(struct vm_machine *m, uint64_t addr)
{
    return table_insert(m, breakpoint_table, &addr, addr, "breakpoint");
}

int vm_runctl_remove_breakpoint(struct vm_machine *m, uint64_t addr)
{
    return table_remove(m, breakpoint_table, &addr, addr, "breakpoint");
}

int vm_runctl_insert_watchpoint(struct vm_machine *m, uint64_t addr, uint64_t len,
                                enum vm_watch_kind kind)
{
    if (len == 0 || addr + len < addr ||
        (kind != VM_WATCH_WRITE && kind != VM_WATCH_READ && kind != VM_WATCH_ACCESS))
        return vm_error(VM_EINVAL, "watchpoint 0x%llx+%llu: empty or wrapping",
                        (unsigned long long)addr, (unsigned long long)len);
    struct vm_watchpoint w = {addr, len, kind};
    return table_insert(m, watchpoint_table, &w, addr, "watchpoint");
}

int vm_runctl_remove_watchpoint(struct vm_machine *m, uint64_t addr, uint64_t len,
                                enum vm_watch_kind kind)
{
    struct vm_watchpoint w = {addr, len, kind};
    return table_remove(m, watchpoint_table, &w, addr, "watchpoint");
}

void vm_runctl_clear_debug(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    m->rc.dbg.nr_breakpoints = m->rc.dbg.nr_watchpoints = 0;
    m->rc.step_vcpu = -1;
    m->rc.gen++;
    pthread_mutex_unlock(&m->lock);
    apply_everywhere(m);
}

/* ---- states ------------------------------------------------------------------ */

enum vm_run_state vm_runctl_state(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    enum vm_run_state s = m->rc.state;
    pthread_mutex_unlock(&m->lock);
    return s;
}

/* Lock held: take the machine's pause for the run control, kick. */
static void hold(struct vm_machine *m)
{
    bool kick = !m->rc.user_pause;
    for (unsigned i = 0; i < m->nr_vcpus; i++) {
        kick |= m->vcpus[i].released;
        m->vcpus[i].released = false;
    }
    if (!m->rc.user_pause) {
        m->rc.user_pause = true;
        m->pause_depth++;
        machine_update_attention(m);
    }
    if (kick)
        machine_kick_all(m);
}

/* Lock held: a debug stop some vCPU hit but nobody was told of yet. */
static bool take_pending(struct vm_machine *m, struct vm_run_event *ev)
{
    for (unsigned i = 0; i < m->nr_vcpus; i++) {
        struct vcpu_slot *s = &m->vcpus[i];
        if (s->has_stop) {
            s->has_stop = false;
            *ev = (struct vm_run_event){.state = VM_RUN_DEBUG, .vcpu = (int)i, .debug = s->stop};
            m->rc.state = VM_RUN_DEBUG;
            return true;
        }
    }
    return false;
}

void vm_runctl_stop(struct vm_machine *m)
{
    struct vm_run_event ev = {.state = VM_RUN_PAUSED, .vcpu = -1};
    change_begin(m);
    pthread_mutex_lock(&m->lock);
    bool changed = m->rc.state == VM_RUN_RUNNING;
    if (changed) {
        hold(m);
        m->rc.waiting_debug = false;
        m->rc.state = VM_RUN_PAUSED;
    }
    pthread_mutex_unlock(&m->lock);
    change_end(m, changed ? &ev : NULL);
    vm_runctl_wait_stopped(m);
}

/* Lock held: let the machine (or only vCPU `only`, the others parked) run. */
static void release(struct vm_machine *m, int only)
{
    m->rc.state = VM_RUN_RUNNING;
    m->rc.waiting_debug = true;
    if (only >= 0) {
        m->vcpus[only].released = true;
    } else if (m->rc.user_pause) {
        m->rc.user_pause = false;
        m->pause_depth--;
    }
    machine_update_attention(m);
    pthread_cond_broadcast(&m->cond);
}

/* step: the vCPU to single-step (-1: none); only: the one vCPU to run
 * (-1: all). */
static void resume(struct vm_machine *m, int step, int only)
{
    struct vm_run_event ev = {.state = VM_RUN_RUNNING, .vcpu = -1};
    change_begin(m);
    pthread_mutex_lock(&m->lock);
    if (m->rc.state == VM_RUN_ENDED || m->rc.state == VM_RUN_RUNNING) {
        pthread_mutex_unlock(&m->lock);
        change_end(m, NULL);
        return;
    }
    if (!take_pending(m, &ev)) {
        if (m->rc.step_vcpu != step) {
            m->rc.step_vcpu = step;
            m->rc.gen++;
        }
        release(m, only);
    }
    pthread_mutex_unlock(&m->lock);
    change_end(m, &ev);
}

void vm_runctl_cont(struct vm_machine *m)
{
    resume(m, -1, -1);
}

static bool vcpu_exists(struct vm_machine *m, unsigned i)
{
    pthread_mutex_lock(&m->lock);
    bool ok = i < m->nr_vcpus && m->vcpus[i].vcpu;
    pthread_mutex_unlock(&m->lock);
    return ok;
}

/* A lone run must not start while the other vCPUs are still on their way
 * to park after the last stop: one of them may yet hit a breakpoint (the
 * JIT sees a kick only between blocks). Waiting first turns such a stop
 * into a pending one, reported before anything runs. */
int vm_runctl_cont_one(struct vm_machine *m, unsigned i)
{
    if (!vcpu_exists(m, i))
        return vm_error(VM_EINVAL, "no vCPU %u to run", i);
    vm_runctl_wait_stopped(m);
    resume(m, -1, (int)i);
    return 0;
}

int vm_runctl_step(struct vm_machine *m, unsigned i, bool others_run)
{
    if (!vcpu_exists(m, i))
        return vm_error(VM_EINVAL, "no vCPU %u to step", i);
    if (!others_run)
        vm_runctl_wait_stopped(m);
    resume(m, (int)i, others_run ? -1 : (int)i);
    return 0;
}

enum vm_run_state vm_runctl_wait_stopped(struct vm_machine *m)
{
    pthread_mutex_lock(&m->lock);
    /* (before the first boot there are no vCPUs yet: wait for them) */
    while (m->stop == VM_RUNNING && m->rc.state != VM_RUN_RUNNING &&
           m->rc.state != VM_RUN_ENDED &&
           (m->building || !m->nr_vcpus || m->parked < m->nr_vcpus))
        pthread_cond_wait(&m->cond, &m->lock);
    enum vm_run_state s = m->rc.state;
    pthread_mutex_unlock(&m->lock);
    return s;
}

/* ---- from the machine ---------------------------------------------------------- */

void runctl_debug_exit(struct vcpu_slot *s, const struct vm_debug_stop *stop)
{
    struct vm_machine *m = s->m;
    struct vm_run_event ev = {.state = VM_RUN_DEBUG, .vcpu = (int)s->index, .debug = *stop};
    change_begin(m);
    pthread_mutex_lock(&m->lock);
    if (m->stop != VM_RUNNING) { /* ending anyway */
        pthread_mutex_unlock(&m->lock);
        change_end(m, NULL);
        return;
    }
    if (m->rc.step_vcpu == (int)s->index) { /* the step is over, whatever stopped it */
        m->rc.step_vcpu = -1;
        m->rc.gen++;
    }
    hold(m);
    bool report = m->rc.waiting_debug;
    if (report) {
        m->rc.waiting_debug = false;
        m->rc.state = VM_RUN_DEBUG;
    } else { /* another stop came first: this one waits for the next cont */
        s->has_stop = true;
        s->stop = *stop;
    }
    pthread_mutex_unlock(&m->lock);
    change_end(m, report ? &ev : NULL);
}

void runctl_ended(struct vm_machine *m, enum vm_stop_reason why, int status)
{
    struct vm_run_event ev = {.state = VM_RUN_ENDED, .vcpu = -1, .end_reason = (int)why,
                              .status = status};
    change_begin(m);
    pthread_mutex_lock(&m->lock);
    m->rc.state = VM_RUN_ENDED;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
    change_end(m, &ev);
}
