/* Running the riscv-virt machine through the board-run helper
 * (boards/machine.h), which owns the hart threads, stops, the time bound
 * and resets; -dumpdtb builds the device tree without running anything. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "boards/riscv-virt/virt_machine.h"
#include "vm/error.h"

_Static_assert(VM_VIRT_TIMEOUT_STATUS == VM_MACHINE_TIMEOUT_STATUS &&
               VM_VIRT_TRAP_STORM_STATUS == VM_MACHINE_TRAP_STORM_STATUS &&
               VM_VIRT_RESET_LOOP_STATUS == VM_MACHINE_RESET_LOOP_STATUS,
               "the board's exit statuses are the machine helper's");

static const struct vm_machine_ops virt_ops = {
    .name = "virt", .build = virt_build, .teardown = virt_teardown,
};

static double now_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int dump_dtb(struct virt *m)
{
    int rc = virt_build(m, NULL);
    virt_teardown(m, NULL);
    return rc;
}

static int run(struct virt *m)
{
    const struct vm_virt_config *cfg = m->cfg;
    struct vm_machine_config mc = {
        .timeout = cfg->timeout, .max_insns = cfg->max_insns, .verbose = cfg->verbose,
        .on_reset = VM_RESET_REBOOT, .console = cfg->console, .frontend = cfg->frontend,
        .gdb = cfg->gdb, .start_paused = cfg->start_paused,
    };
    if (!(m->machine = vm_machine_create(&virt_ops, m, &mc)))
        return -VM_EIO;
    int rc = vm_device_set_create(&cfg->devices, "virt", vm_machine_loop(m->machine),
                                  cfg->verbose, &m->devices);
    if (rc == 0 && vm_device_set_count(m->devices) > VIRT_VIRTIO_COUNT)
        rc = vm_error(VM_EINVAL, "virt: %u virtio devices, but the machine has %d virtio-mmio "
                      "slots", vm_device_set_count(m->devices), VIRT_VIRTIO_COUNT);
    if (rc < 0) {
        vm_device_set_destroy(m->devices);
        vm_machine_destroy(m->machine);
        m->machine = NULL;
        return rc;
    }
    double wall0 = now_seconds(CLOCK_MONOTONIC), cpu0 = now_seconds(CLOCK_PROCESS_CPUTIME_ID);
    rc = vm_machine_run(m->machine);
    if (cfg->verbose && m->insns) {
        double wall = now_seconds(CLOCK_MONOTONIC) - wall0,
               cpu = now_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
        fprintf(stderr, "vm: %" PRIu64 " instructions in %.3f s (%.1f MIPS); host CPU %.3f s "
                "(%.1f MIPS per CPU second)\n", m->insns, wall,
                wall > 0 ? (double)m->insns / wall / 1e6 : 0.0, cpu,
                cpu > 0 ? (double)m->insns / cpu / 1e6 : 0.0);
        virt_report_mmu(m);
    }
    vm_device_set_destroy(m->devices); /* before the event loop it may use */
    m->devices = NULL;
    vm_machine_destroy(m->machine);
    m->machine = NULL;
    return rc;
}

int vm_board_virt_run(const struct vm_virt_config *cfg)
{
    struct virt *m = calloc(1, sizeof(*m));
    if (!m)
        return vm_error(VM_ENOMEM, "virt: out of host memory");
    m->cfg = cfg;
    int rc = virt_check_config(m);
    if (rc == 0)
        rc = cfg->dumpdtb ? dump_dtb(m) : run(m);
    free(m);
    return rc;
}
