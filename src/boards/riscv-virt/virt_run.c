/* Running the riscv-virt machine: one host thread per hart, a stop state
 * that power-off, reset, Ctrl-A x, errors and the time bound set, resets
 * (rebuild and boot again, with a guard against reset loops) and the exit
 * status. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boards/riscv-virt/virt_machine.h"
#include "devices/chardev_stdio.h"
#include "vm/error.h"

/* A reset this soon after the machine started counts as quick; this many
 * quick ones in a row is a loop (a firmware that resets at once forever),
 * not a guest rebooting. */
#define QUICK_RESET_SECONDS 2.0
#define RESET_LOOP_LIMIT 5

static double now_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void virt_stop(struct virt *m, enum virt_stop why, int status, const char *msg)
{
    pthread_mutex_lock(&m->lock);
    if (m->stop == VIRT_RUNNING || (m->stop == VIRT_STOP_RESET && why != VIRT_STOP_RESET)) {
        m->stop = why;
        m->status = status;
        if (msg)
            snprintf(m->error, sizeof(m->error), "%s", msg);
        pthread_cond_broadcast(&m->cond);
    }
    for (unsigned h = 0; h < m->nr_harts; h++)
        if (m->harts[h].vcpu)
            vm_vcpu_kick(m->harts[h].vcpu);
    pthread_mutex_unlock(&m->lock);
}

static bool stopping(struct virt *m)
{
    pthread_mutex_lock(&m->lock);
    bool s = m->stop != VIRT_RUNNING;
    pthread_mutex_unlock(&m->lock);
    return s;
}

static void *hart_main(void *arg)
{
    struct virt_hart *hs = arg;
    struct virt *m = hs->m;
    struct vm_exit ex;
    char msg[256];
    memset(&ex, 0, sizeof(ex));
    while (!stopping(m)) {
        if (vm_vcpu_run(hs->vcpu, &ex) < 0) {
            snprintf(msg, sizeof(msg), "hart %u: %s", hs->index, vm_error_message());
            virt_stop(m, VIRT_STOP_ERROR, 0, msg);
            break;
        }
        switch (ex.kind) {
        case VM_EXIT_INTR:
            if (ex.u.intr.reason == VM_INTR_INSN_LIMIT)
                virt_stop(m, VIRT_STOP_INSN_LIMIT, 0, NULL);
            break; /* a kick: look at the stop state */
        case VM_EXIT_ERROR:
            virt_stop(m, ex.u.error.guest ? VIRT_STOP_TRAP_STORM : VIRT_STOP_ERROR, 0,
                      ex.u.error.message);
            break;
        default:
            snprintf(msg, sizeof(msg), "hart %u: unexpected exit '%s'", hs->index,
                     vm_exit_kind_name(ex.kind));
            virt_stop(m, VIRT_STOP_ERROR, 0, msg);
            break;
        }
    }
    return NULL;
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

enum virt_stop virt_run_once(struct virt *m, double seconds_left)
{
    for (unsigned h = 0; h < m->nr_harts; h++) {
        struct virt_hart *hs = &m->harts[h];
        int rc = pthread_create(&hs->thread, NULL, hart_main, hs);
        if (rc != 0) {
            char msg[96];
            snprintf(msg, sizeof(msg), "cannot start the thread of hart %u: %s", h, strerror(rc));
            virt_stop(m, VIRT_STOP_ERROR, 0, msg);
            break;
        }
        hs->started = true;
    }
    struct timespec end;
    if (seconds_left > 0)
        deadline_after(&end, seconds_left);
    bool timed_out = false;
    pthread_mutex_lock(&m->lock);
    while (m->stop == VIRT_RUNNING && !timed_out) {
        if (seconds_left > 0)
            timed_out = pthread_cond_timedwait(&m->cond, &m->lock, &end) == ETIMEDOUT;
        else
            pthread_cond_wait(&m->cond, &m->lock);
    }
    pthread_mutex_unlock(&m->lock);
    if (timed_out)
        virt_stop(m, VIRT_STOP_TIMEOUT, 0, NULL);
    for (unsigned h = 0; h < m->nr_harts; h++)
        if (m->harts[h].started) {
            pthread_join(m->harts[h].thread, NULL);
            m->harts[h].started = false;
        }
    pthread_mutex_lock(&m->lock);
    enum virt_stop why = m->stop;
    pthread_mutex_unlock(&m->lock);
    return why;
}

static void on_console_quit(void *opaque)
{
    virt_stop(opaque, VIRT_STOP_QUIT, 0, NULL);
}

/* Boot (and after each guest reset, boot again) until a final stop. */
static int run_machine(struct virt *m, double *cpu0)
{
    const struct vm_virt_config *cfg = m->cfg;
    double start = now_seconds(CLOCK_MONOTONIC);
    unsigned quick_resets = 0;
    *cpu0 = now_seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (;;) {
        double boot_start = now_seconds(CLOCK_MONOTONIC), left = 0;
        int rc = virt_build(m);
        if (rc < 0 || cfg->dumpdtb) {
            virt_teardown(m); /* a failed build leaves parts behind */
            return rc;
        }
        if (cfg->timeout > 0) {
            left = cfg->timeout - (boot_start - start);
            if (left <= 0)
                left = 1e-3;
        }
        enum virt_stop why = virt_run_once(m, left);
        virt_teardown(m);
        switch (why) {
        case VIRT_STOP_RESET:
            quick_resets = now_seconds(CLOCK_MONOTONIC) - boot_start < QUICK_RESET_SECONDS
                               ? quick_resets + 1 : 0;
            if (quick_resets >= RESET_LOOP_LIMIT) {
                fprintf(stderr, "vm: reset loop: the guest reset the machine %d times in a row, "
                        "each within %g s of starting; stopping\n", RESET_LOOP_LIMIT,
                        QUICK_RESET_SECONDS);
                return VM_VIRT_RESET_LOOP_STATUS;
            }
            if (cfg->verbose)
                fprintf(stderr, "vm: guest reset: booting again\n");
            pthread_mutex_lock(&m->lock);
            if (m->stop == VIRT_STOP_RESET)
                m->stop = VIRT_RUNNING;
            why = m->stop; /* a quit or error may have come during the reset */
            pthread_mutex_unlock(&m->lock);
            if (why == VIRT_RUNNING)
                continue;
            break;
        default:
            break;
        }
        switch (why) {
        case VIRT_STOP_POWEROFF:
            if (m->status)
                fprintf(stderr, "vm: guest powered off with failure code %d\n", m->status);
            else if (cfg->verbose)
                fprintf(stderr, "vm: guest powered off\n");
            return m->status;
        case VIRT_STOP_QUIT:
            fprintf(stderr, "vm: terminated by Ctrl-A x\n");
            return 0;
        case VIRT_STOP_TIMEOUT:
            fprintf(stderr, "vm: stopped after the time limit (%g s)\n", cfg->timeout);
            return VM_VIRT_TIMEOUT_STATUS;
        case VIRT_STOP_INSN_LIMIT:
            fprintf(stderr, "vm: stopped after the instruction limit (%" PRIu64 " per hart)\n",
                    cfg->max_insns);
            return VM_VIRT_TIMEOUT_STATUS;
        case VIRT_STOP_TRAP_STORM:
            fprintf(stderr, "vm: guest stuck: %s\n", m->error);
            return VM_VIRT_TRAP_STORM_STATUS;
        default:
            return vm_error(VM_EIO, "virt: %s", m->error[0] ? m->error : "stopped");
        }
    }
}

static int open_console(struct virt *m)
{
    m->chr = m->cfg->console;
    if (m->chr || m->cfg->dumpdtb)
        return 0;
    struct vm_chardev_stdio_config sc = {
        .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO, .escape = true,
        .on_quit = on_console_quit, .opaque = m,
    };
    if (!(m->chr = vm_chardev_stdio_create(&sc)))
        return -VM_EIO;
    m->own_chr = true;
    return 0;
}

int vm_board_virt_run(const struct vm_virt_config *cfg)
{
    struct virt *m = calloc(1, sizeof(*m));
    if (!m)
        return vm_error(VM_ENOMEM, "virt: out of host memory");
    m->cfg = cfg;
    pthread_mutex_init(&m->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* the time bound's clock */
    pthread_cond_init(&m->cond, &ca);
    pthread_condattr_destroy(&ca);
    double wall0 = now_seconds(CLOCK_MONOTONIC), cpu0 = 0;
    int rc = virt_check_config(m);
    if (rc == 0)
        rc = open_console(m);
    if (rc == 0)
        rc = run_machine(m, &cpu0);
    if (cfg->verbose && !cfg->dumpdtb && m->insns) {
        double wall = now_seconds(CLOCK_MONOTONIC) - wall0,
               cpu = now_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
        fprintf(stderr, "vm: %" PRIu64 " instructions in %.3f s (%.1f MIPS); host CPU %.3f s "
                "(%.1f MIPS per CPU second)\n", m->insns, wall,
                wall > 0 ? (double)m->insns / wall / 1e6 : 0.0, cpu,
                cpu > 0 ? (double)m->insns / cpu / 1e6 : 0.0);
    }
    if (m->own_chr)
        vm_chardev_destroy(m->chr);
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->lock);
    free(m);
    return rc;
}
