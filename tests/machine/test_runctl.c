/* Run control (boards/runctl.h) on the tiny test board: -S, stop/cont with
 * listeners, breakpoints hit by two harts (the second stop kept for the
 * next cont), single steps with the other harts parked or running, a write
 * watchpoint, breakpoints that survive a reset, and the end event. A
 * controller thread drives the machine as a debugger would; also run under
 * TSan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boards/runctl.h"
#include "test_board.h"

/* t1 = &var (RAM_BASE + 0x1000)
 * 0x04 loop: addi t0, t0, 1
 * 0x08       sd t0, 0(t1)        (`storing`; a nop in `looping`)
 * 0x0c       j loop */
#define LOOP (RAM_BASE + 0x4)
#define VAR (RAM_BASE + 0x1000)
static const uint32_t storing[] = {0x00001317, 0x00128293, 0x00533023, 0xff9ff06f};
/* the same without the store, for several harts (no guest data race) */
static const uint32_t looping[] = {0x00001317, 0x00128293, 0x00000013, 0xff9ff06f};

/* ---- the controller's side ---- */

struct ctl {
    struct vm_machine *m;
    struct board *b;
    void (*script)(struct ctl *c);
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct vm_run_event events[64];
    unsigned nevents, seen;
    bool ok;
    char why[256];
};

static void listener(void *opaque, const struct vm_run_event *ev)
{
    struct ctl *c = opaque;
    pthread_mutex_lock(&c->lock);
    if (c->nevents < 64)
        c->events[c->nevents++] = *ev;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
}

#define CHECK(cond, ...) do {                                               \
        if (c->ok && !(cond)) {                                             \
            c->ok = false;                                                  \
            snprintf(c->why, sizeof(c->why), __VA_ARGS__);                  \
        }                                                                   \
    } while (0)

/* The next event not looked at yet (waits up to 10 s). */
static struct vm_run_event next_event(struct ctl *c)
{
    struct vm_run_event ev = {.state = VM_RUN_ENDED, .vcpu = -2};
    struct timespec end;
    clock_gettime(CLOCK_REALTIME, &end);
    end.tv_sec += 10;
    pthread_mutex_lock(&c->lock);
    while (c->seen == c->nevents &&
           pthread_cond_timedwait(&c->cond, &c->lock, &end) == 0)
        ;
    if (c->seen < c->nevents)
        ev = c->events[c->seen++];
    pthread_mutex_unlock(&c->lock);
    CHECK(ev.vcpu != -2, "no event within 10 s (state %s)",
          vm_run_state_name(vm_runctl_state(c->m)));
    return ev;
}

static struct vm_run_event expect(struct ctl *c, enum vm_run_state state)
{
    struct vm_run_event ev = next_event(c);
    CHECK(ev.state == state, "event %s, expected %s", vm_run_state_name(ev.state),
          vm_run_state_name(state));
    return ev;
}

static int get_core(struct vm_vcpu *v, void *arg)
{
    return vm_vcpu_get_regs(v, VM_REGSET_CORE, arg);
}

static struct vm_riscv_core_regs regs_of(struct ctl *c, unsigned i)
{
    struct vm_riscv_core_regs r;
    memset(&r, 0, sizeof(r));
    int rc = vm_machine_vcpu_call(c->m, i, get_core, &r);
    CHECK(rc == 0, "registers of vCPU %u: %s", i, rc ? vm_error_message() : "");
    return r;
}

static void *ctl_main(void *arg)
{
    struct ctl *c = arg;
    c->script(c);
    if (vm_runctl_state(c->m) != VM_RUN_ENDED)
        vm_machine_stop(c->m, VM_STOP_POWEROFF, 3, NULL);
    return NULL;
}

static void run_script(struct board *b, bool start_paused, void (*script)(struct ctl *c))
{
    struct vm_machine_config cfg = {.timeout = 60, .on_reset = VM_RESET_REBOOT,
                                    .no_console = true, .start_paused = start_paused};
    struct ctl *c = calloc(1, sizeof(*c));
    c->b = b;
    c->m = vm_machine_create(&ops, b, &cfg);
    assert_non_null(c->m);
    c->script = script;
    c->ok = true;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    assert_int_equal(vm_runctl_listen(c->m, listener, c), 0);
    pthread_t th;
    pthread_create(&th, NULL, ctl_main, c);
    int status = vm_machine_run(c->m);
    pthread_join(th, NULL);
    /* the end is an event too, with the run's status */
    struct vm_run_event last = c->events[c->nevents ? c->nevents - 1 : 0];
    vm_runctl_unlisten(c->m, listener, c);
    vm_machine_destroy(c->m);
    if (!c->ok)
        fail_msg("controller: %s", c->why);
    assert_int_equal(status, 3);
    assert_int_equal(last.state, VM_RUN_ENDED);
    assert_int_equal(last.status, 3);
    assert_int_equal(last.end_reason, VM_STOP_POWEROFF);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->cond);
    free(c);
}

/* ---- scripts ---- */

static void script_prelaunch(struct ctl *c)
{
    CHECK(vm_runctl_state(c->m) == VM_RUN_PRELAUNCH, "not prelaunch at the start");
    CHECK(vm_runctl_wait_stopped(c->m) == VM_RUN_PRELAUNCH, "not stopped");
    struct vm_riscv_core_regs r = regs_of(c, 0);
    CHECK(r.pc == RAM_BASE && r.x[5] == 0, "ran before cont: pc %llx t0 %llu",
          (unsigned long long)r.pc, (unsigned long long)r.x[5]);
    usleep(20000);
    r = regs_of(c, 1);
    CHECK(r.pc == RAM_BASE && r.x[5] == 0, "hart 1 ran before cont");
    /* both harts run after cont (on a loaded host, give them time) */
    struct vm_riscv_core_regs a, b;
    for (int tries = 0;; tries++) {
        vm_runctl_cont(c->m);
        expect(c, VM_RUN_RUNNING);
        usleep(20000);
        vm_runctl_stop(c->m);
        expect(c, VM_RUN_PAUSED);
        CHECK(vm_runctl_state(c->m) == VM_RUN_PAUSED, "not paused");
        a = regs_of(c, 0), b = regs_of(c, 1);
        if ((a.x[5] > 0 && b.x[5] > 0) || tries == 100 || !c->ok)
            break;
    }
    CHECK(a.x[5] > 0 && b.x[5] > 0, "did not run after cont");
    usleep(20000);
    struct vm_riscv_core_regs a2 = regs_of(c, 0);
    CHECK(a2.x[5] == a.x[5], "ran while paused");
    vm_runctl_stop(c->m); /* no change, no event */
    vm_runctl_cont(c->m);
    expect(c, VM_RUN_RUNNING);
    vm_runctl_cont(c->m); /* no change, no event */
    usleep(10000);
    vm_runctl_stop(c->m);
    expect(c, VM_RUN_PAUSED);
    CHECK(regs_of(c, 0).x[5] > a.x[5], "did not run after the second cont");
    CHECK(c->seen == c->nevents, "events without a change of state");
}

static void test_prelaunch_stop_cont(void **state)
{
    struct board b = {.harts = 2};
    run_script(&b, true, script_prelaunch);
}

static void script_breakpoints(struct ctl *c)
{
    CHECK(vm_runctl_insert_breakpoint(c->m, LOOP) == 0, "insert: %s", vm_error_message());
    vm_runctl_cont(c->m);
    expect(c, VM_RUN_RUNNING);
    /* Both harts reach the loop: one stop is reported, the other kept. */
    struct vm_run_event e1 = expect(c, VM_RUN_DEBUG);
    CHECK(e1.debug.reason == VM_DEBUG_BREAKPOINT && e1.debug.pc == LOOP,
          "first stop: reason %d pc %llx", e1.debug.reason, (unsigned long long)e1.debug.pc);
    CHECK(vm_runctl_wait_stopped(c->m) == VM_RUN_DEBUG, "not stopped in debug");
    struct vm_riscv_core_regs r = regs_of(c, (unsigned)e1.vcpu);
    CHECK(r.pc == LOOP && r.x[5] == 0, "stopped hart at %llx t0 %llu", (unsigned long long)r.pc,
          (unsigned long long)r.x[5]);
    vm_runctl_cont(c->m);
    struct vm_run_event e2 = next_event(c);
    if (e2.state == VM_RUN_RUNNING) /* the other had not got there: it runs now */
        e2 = expect(c, VM_RUN_DEBUG);
    CHECK(e2.state == VM_RUN_DEBUG && e2.debug.pc == LOOP, "second stop at %llx",
          (unsigned long long)e2.debug.pc);
    /* The hart that resumes from the breakpoint usually gets round again
     * before the other wakes up: run each alone to see both stop there. */
    for (unsigned h = 0; h < 2 && c->ok; h++) {
        int mine = 0;
        for (int i = 0; i < 6 && mine < 2 && c->ok; i++) {
            CHECK(vm_runctl_cont_one(c->m, h) == 0, "cont_one");
            struct vm_run_event e = next_event(c);
            bool ran = e.state == VM_RUN_RUNNING;
            if (ran)
                e = expect(c, VM_RUN_DEBUG);
            CHECK(e.state == VM_RUN_DEBUG && e.debug.pc == LOOP, "hart %u alone: stop at %llx", h,
                  (unsigned long long)e.debug.pc);
            /* only a stop the other hart hit before may come first, without running */
            CHECK(e.vcpu == (int)h || !ran, "hart %u alone: hart %d ran", h, e.vcpu);
            mine += e.vcpu == (int)h;
        }
        CHECK(mine == 2, "hart %u alone: %d stops", h, mine);
    }
    /* and together, a stop at the loop each time */
    for (int i = 0; i < 4 && c->ok; i++) {
        vm_runctl_cont(c->m);
        struct vm_run_event e = next_event(c);
        if (e.state == VM_RUN_RUNNING)
            e = expect(c, VM_RUN_DEBUG);
        CHECK(e.state == VM_RUN_DEBUG && e.debug.pc == LOOP, "round %d: no stop at the loop", i);
    }
    vm_runctl_wait_stopped(c->m);
    uint64_t t0 = regs_of(c, 0).x[5];
    /* Alone, hart 0 ran round at least once: of its two stops there, at most
     * one can be a stop kept from before. The rounds together guarantee
     * nothing more (a kick may park it before its first instruction). */
    CHECK(t0 >= 1 && t0 <= 7, "hart 0 went round %llu times", (unsigned long long)t0);
    /* Inserted twice (gdb inserts per thread), removed once: still there. */
    CHECK(vm_runctl_insert_breakpoint(c->m, LOOP) == 0, "insert again");
    CHECK(vm_runctl_remove_breakpoint(c->m, LOOP) == 0, "remove one of two");
    vm_runctl_cont(c->m);
    struct vm_run_event kept = next_event(c);
    if (kept.state == VM_RUN_RUNNING)
        kept = expect(c, VM_RUN_DEBUG);
    CHECK(kept.state == VM_RUN_DEBUG && kept.debug.pc == LOOP, "gone after one of two removes");
    vm_runctl_wait_stopped(c->m);
    /* The table is bounded: the first one past the limit is refused. */
    unsigned added = 0;
    while (vm_runctl_insert_breakpoint(c->m, RAM_BASE + 0x10000 + 4 * added) == 0)
        added++;
    CHECK(added == VM_DEBUG_MAX_BREAKPOINTS - 1, "%u more breakpoints taken", added);
    for (unsigned i = 0; i < added; i++)
        CHECK(vm_runctl_remove_breakpoint(c->m, RAM_BASE + 0x10000 + 4 * i) == 0, "remove %u", i);
    /* removed: runs freely */
    CHECK(vm_runctl_remove_breakpoint(c->m, LOOP) == 0, "remove");
    CHECK(vm_runctl_remove_breakpoint(c->m, LOOP) == -VM_ENOENT, "remove twice");
    vm_runctl_cont(c->m);
    struct vm_run_event e = next_event(c);
    while (e.state == VM_RUN_DEBUG) /* a stop kept from before the removal */
        vm_runctl_cont(c->m), e = next_event(c);
    CHECK(e.state == VM_RUN_RUNNING, "not running after removal");
    usleep(30000);
    vm_runctl_stop(c->m);
    expect(c, VM_RUN_PAUSED);
    CHECK(regs_of(c, 0).x[5] > t0 + 1000, "did not run freely");
}

static void test_breakpoints(void **state)
{
    struct board b = {.harts = 2, .prog = looping, .prog_size = sizeof(looping)};
    run_script(&b, true, script_breakpoints);
}

static void script_steps(struct ctl *c)
{
    vm_runctl_wait_stopped(c->m);
    const uint64_t pcs[] = {RAM_BASE + 4, RAM_BASE + 8, RAM_BASE + 12, RAM_BASE + 4, RAM_BASE + 8};
    for (unsigned i = 0; i < 5 && c->ok; i++) {
        CHECK(vm_runctl_step(c->m, 1, false) == 0, "step");
        expect(c, VM_RUN_RUNNING);
        struct vm_run_event e = expect(c, VM_RUN_DEBUG);
        CHECK(e.vcpu == 1 && e.debug.reason == VM_DEBUG_STEP && e.debug.pc == pcs[i],
              "step %u: vcpu %d reason %d pc %llx", i, e.vcpu, e.debug.reason,
              (unsigned long long)e.debug.pc);
        vm_runctl_wait_stopped(c->m);
        CHECK(regs_of(c, 1).pc == pcs[i], "step %u: pc", i);
    }
    struct vm_riscv_core_regs h0 = regs_of(c, 0), h1 = regs_of(c, 1);
    CHECK(h0.pc == RAM_BASE && h0.x[5] == 0, "hart 0 ran while hart 1 stepped alone");
    CHECK(h1.x[5] == 2, "hart 1: t0 %llu after two rounds", (unsigned long long)h1.x[5]);
    CHECK(vm_runctl_step(c->m, 7, false) == -VM_EINVAL, "step of a missing vCPU");
    /* a step with the others running */
    CHECK(vm_runctl_step(c->m, 1, true) == 0, "step");
    expect(c, VM_RUN_RUNNING);
    struct vm_run_event e = expect(c, VM_RUN_DEBUG);
    /* (hart 0 may or may not have run an instruction by then) */
    CHECK(e.vcpu == 1 && e.debug.pc == RAM_BASE + 12, "step with others: vcpu %d pc %llx",
          e.vcpu, (unsigned long long)e.debug.pc);
    CHECK(vm_runctl_wait_stopped(c->m) == VM_RUN_DEBUG, "not stopped after the step");
}

static void test_steps(void **state)
{
    struct board b = {.harts = 2, .prog = looping, .prog_size = sizeof(looping)};
    run_script(&b, true, script_steps);
}

static void script_watch(struct ctl *c)
{
    CHECK(vm_runctl_insert_watchpoint(c->m, VAR, 8, VM_WATCH_WRITE) == 0, "insert: %s",
          vm_error_message());
    CHECK(vm_runctl_insert_watchpoint(c->m, VAR, 0, VM_WATCH_WRITE) < 0, "empty watch");
    vm_runctl_cont(c->m);
    expect(c, VM_RUN_RUNNING);
    struct vm_run_event e = expect(c, VM_RUN_DEBUG);
    CHECK(e.debug.reason == VM_DEBUG_WATCH && e.debug.watch_addr == VAR &&
          e.debug.watch_kind == VM_WATCH_WRITE && e.debug.pc == RAM_BASE + 8,
          "watch stop: reason %d addr %llx pc %llx", e.debug.reason,
          (unsigned long long)e.debug.watch_addr, (unsigned long long)e.debug.pc);
    vm_runctl_wait_stopped(c->m);
    CHECK(regs_of(c, 0).x[5] == 1, "stopped before the first store");
    CHECK(vm_runctl_remove_watchpoint(c->m, VAR, 8, VM_WATCH_WRITE) == 0, "remove");
}

static void test_watch(void **state)
{
    struct board b = {.harts = 1, .prog = storing, .prog_size = sizeof(storing)};
    run_script(&b, true, script_watch);
}

static void script_reset(struct ctl *c)
{
    CHECK(vm_runctl_insert_breakpoint(c->m, RAM_BASE + 12) == 0, "insert");
    vm_runctl_cont(c->m);
    expect(c, VM_RUN_RUNNING);
    expect(c, VM_RUN_DEBUG);
    /* a reset while stopped: the new vCPUs stay parked, with the breakpoint */
    vm_machine_stop(c->m, VM_STOP_RESET, 0, NULL);
    while (atomic_load(&c->b->builds) < 2)
        usleep(1000);
    CHECK(vm_runctl_wait_stopped(c->m) == VM_RUN_DEBUG, "not stopped after the reset");
    struct vm_riscv_core_regs r = regs_of(c, 0);
    CHECK(r.pc == RAM_BASE && r.x[5] == 0, "the rebuilt hart ran");
    vm_runctl_cont(c->m);
    expect(c, VM_RUN_RUNNING);
    struct vm_run_event e = expect(c, VM_RUN_DEBUG);
    CHECK(e.debug.pc == RAM_BASE + 12, "no breakpoint after the reset");
}

static void test_reset_keeps_breakpoints(void **state)
{
    struct board b = {.harts = 1, .prog = storing, .prog_size = sizeof(storing)};
    run_script(&b, true, script_reset);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prelaunch_stop_cont),
        cmocka_unit_test(test_breakpoints),
        cmocka_unit_test(test_steps),
        cmocka_unit_test(test_watch),
        cmocka_unit_test(test_reset_keeps_breakpoints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
