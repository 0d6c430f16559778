/* The board-run helper (boards/machine.h) on a tiny board: RAM and soft
 * harts that count in a loop. Stops from other threads, the time and
 * instruction bounds, pause/resume with calls on parked vCPUs, resets
 * (boot again, end the run, reset loops), build failures and board exit
 * handlers. Several threads: also run under TSan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boards/machine.h"
#include "vm/error.h"

#include "test_board.h"

static struct vm_machine *make(struct board *b, double timeout, enum vm_reset_action on_reset)
{
    struct vm_machine_config cfg = {.timeout = timeout, .on_reset = on_reset,
                                    .no_console = true};
    struct vm_machine *m = vm_machine_create(&ops, b, &cfg);
    assert_non_null(m);
    return m;
}

/* ---- a controller thread doing things to a running machine ---- */

struct control {
    struct vm_machine *m;
    struct board *b;
    void (*script)(struct control *c);
    bool ok;
    char why[128];
};

static void *control_main(void *arg)
{
    struct control *c = arg;
    c->ok = true;
    c->script(c);
    return NULL;
}

static int run_with(struct control *c)
{
    pthread_t th;
    pthread_create(&th, NULL, control_main, c);
    int rc = vm_machine_run(c->m);
    pthread_join(th, NULL);
    if (!c->ok)
        fail_msg("controller: %s", c->why);
    return rc;
}

static void wait_builds(struct board *b, int n)
{
    while (atomic_load(&b->builds) < n)
        usleep(1000);
}

static void script_poweroff(struct control *c)
{
    wait_builds(c->b, 1);
    usleep(20000);
    vm_machine_stop(c->m, VM_STOP_POWEROFF, 7, NULL);
}

static void test_poweroff_status(void **state)
{
    struct board b = {.harts = 2};
    struct control c = {.m = make(&b, 0, VM_RESET_REBOOT), .b = &b, .script = script_poweroff};
    assert_int_equal(run_with(&c), 7);
    assert_int_equal(atomic_load(&b.builds), 1);
    assert_int_equal(atomic_load(&b.teardowns), 1);
    vm_machine_destroy(c.m);
}

static void test_timeout(void **state)
{
    struct board b = {.harts = 2};
    struct vm_machine *m = make(&b, 0.1, VM_RESET_REBOOT);
    assert_int_equal(vm_machine_run(m), VM_MACHINE_TIMEOUT_STATUS);
    assert_int_equal(vm_machine_stop_reason(m), VM_STOP_TIMEOUT);
    vm_machine_destroy(m);
}

static void test_insn_limit(void **state)
{
    struct board b = {.harts = 1, .max_insns = 100000};
    struct vm_machine *m = make(&b, 30, VM_RESET_REBOOT);
    assert_int_equal(vm_machine_run(m), VM_MACHINE_TIMEOUT_STATUS);
    assert_int_equal(vm_machine_stop_reason(m), VM_STOP_INSN_LIMIT);
    vm_machine_destroy(m);
}

static int read_t0(struct vm_vcpu *v, void *arg)
{
    struct vm_riscv_core_regs regs;
    int rc = vm_vcpu_get_regs(v, VM_REGSET_CORE, &regs);
    *(uint64_t *)arg = regs.x[5];
    return rc;
}

/* Pause, read both harts' counters twice (they must not move while
 * paused), resume. Returns hart 0's counter. */
static uint64_t paused_look(struct control *c)
{
    vm_machine_pause(c->m);
    if (!vm_machine_paused(c->m)) {
        c->ok = false;
        snprintf(c->why, sizeof(c->why), "not paused after pause");
    }
    uint64_t a[2] = {0, 0}, b[2] = {1, 1};
    int rc = 0;
    for (unsigned h = 0; h < 2; h++)
        rc |= vm_machine_vcpu_call(c->m, h, read_t0, &a[h]);
    usleep(20000);
    for (unsigned h = 0; h < 2; h++)
        rc |= vm_machine_vcpu_call(c->m, h, read_t0, &b[h]);
    if (rc) {
        c->ok = false;
        snprintf(c->why, sizeof(c->why), "call on a parked vCPU: %s", vm_error_message());
    } else if (a[0] != b[0] || a[1] != b[1]) {
        c->ok = false;
        snprintf(c->why, sizeof(c->why), "counters moved while paused: %llu/%llu %llu/%llu",
                 (unsigned long long)a[0], (unsigned long long)b[0], (unsigned long long)a[1],
                 (unsigned long long)b[1]);
    }
    vm_machine_resume(c->m);
    return a[0];
}

static void script_pause(struct control *c)
{
    wait_builds(c->b, 1);
    uint64_t last = 0;
    for (int round = 0; round < 3 && c->ok; round++) {
        /* Running again after a resume: the counter moves on (threads may
         * be slow to start under sanitizers: look a few times). */
        uint64_t now = 0;
        for (int tries = 0; tries < 200 && c->ok && (now = paused_look(c)) <= last; tries++)
            usleep(10000);
        if (c->ok && now <= last) {
            c->ok = false;
            snprintf(c->why, sizeof(c->why), "hart 0 did not run between pauses (round %d)",
                     round);
        }
        last = now;
        /* A call on a running vCPU is refused. */
        uint64_t x;
        if (vm_machine_vcpu_call(c->m, 0, read_t0, &x) != -VM_EINVAL) {
            c->ok = false;
            snprintf(c->why, sizeof(c->why), "a call ran on a running vCPU");
        }
    }
    /* A stop while paused ends the run. */
    vm_machine_pause(c->m);
    vm_machine_stop(c->m, VM_STOP_POWEROFF, 0, NULL);
    vm_machine_resume(c->m);
}

static void test_pause_resume(void **state)
{
    struct board b = {.harts = 2};
    struct control c = {.m = make(&b, 30, VM_RESET_REBOOT), .b = &b, .script = script_pause};
    assert_int_equal(run_with(&c), 0);
    vm_machine_destroy(c.m);
}

static void script_reset_once(struct control *c)
{
    wait_builds(c->b, 1);
    usleep(10000);
    vm_machine_stop(c->m, VM_STOP_RESET, 0, NULL);
    wait_builds(c->b, 2);
    usleep(10000);
    vm_machine_stop(c->m, VM_STOP_POWEROFF, 0, NULL);
}

static void test_reset_reboots(void **state)
{
    struct board b = {.harts = 2};
    struct control c = {.m = make(&b, 30, VM_RESET_REBOOT), .b = &b, .script = script_reset_once};
    assert_int_equal(run_with(&c), 0);
    assert_int_equal(atomic_load(&b.builds), 2);
    assert_int_equal(atomic_load(&b.teardowns), 2);
    vm_machine_destroy(c.m);
}

static void script_reset(struct control *c)
{
    wait_builds(c->b, 1);
    usleep(10000);
    vm_machine_stop(c->m, VM_STOP_RESET, 0, NULL);
}

static void test_reset_exits(void **state)
{
    struct board b = {.harts = 1};
    struct control c = {.m = make(&b, 30, VM_RESET_EXIT), .b = &b, .script = script_reset};
    assert_int_equal(run_with(&c), 0);
    assert_int_equal(atomic_load(&b.builds), 1);
    assert_int_equal(vm_machine_stop_reason(c.m), VM_STOP_RESET);
    vm_machine_destroy(c.m);
}

static void test_reset_loop(void **state)
{
    struct board b = {.harts = 2, .reset_in_build = true};
    struct vm_machine *m = make(&b, 30, VM_RESET_REBOOT);
    assert_int_equal(vm_machine_run(m), VM_MACHINE_RESET_LOOP_STATUS);
    assert_int_equal(atomic_load(&b.builds), 5);
    vm_machine_destroy(m);
}

static void test_build_failure(void **state)
{
    struct board b = {.harts = 1, .fail_build = true};
    struct vm_machine *m = make(&b, 30, VM_RESET_REBOOT);
    assert_int_equal(vm_machine_run(m), -VM_EINVAL);
    assert_string_equal(vm_error_message(), "test: refused to build");
    assert_int_equal(atomic_load(&b.teardowns), 1);
    vm_machine_destroy(m);
}

static void test_board_exits(void **state)
{
    struct board b = {.harts = 1, .ebreak = true};
    struct vm_machine *m = make(&b, 30, VM_RESET_REBOOT);
    assert_int_equal(vm_machine_run(m), -VM_EIO);
    assert_non_null(strstr(vm_error_message(), "ten breakpoints are enough"));
    assert_int_equal(atomic_load(&b.exits), 10);
    vm_machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poweroff_status), cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_insn_limit),      cmocka_unit_test(test_pause_resume),
        cmocka_unit_test(test_reset_reboots),   cmocka_unit_test(test_reset_exits),
        cmocka_unit_test(test_reset_loop),      cmocka_unit_test(test_build_failure),
        cmocka_unit_test(test_board_exits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
