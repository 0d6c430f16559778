/* The riscv-virt machine's state, shared by its two halves:
 *   virt.c      builds one boot of the machine (memory, devices, images,
 *               device tree, ROM, harts) and tears it down again
 *   virt_run.c  runs it: one host thread per hart, stop requests (power
 *               off, reset, Ctrl-A x, errors), the time bound, resets
 * A reset tears the machine down and builds it again; the console and
 * the stop state outlive it. */
#ifndef VM_BOARDS_RISCV_VIRT_MACHINE_H
#define VM_BOARDS_RISCV_VIRT_MACHINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boards/riscv-virt/virt_load.h"
#include "vm/accel.h"
#include "vm/virt.h"

enum virt_stop {
    VIRT_RUNNING = 0,
    VIRT_STOP_RESET,      /* the guest asked for a reset: build again */
    VIRT_STOP_POWEROFF,   /* status = the guest's */
    VIRT_STOP_QUIT,       /* Ctrl-A x */
    VIRT_STOP_TIMEOUT,    /* --timeout */
    VIRT_STOP_INSN_LIMIT, /* --max-insns */
    VIRT_STOP_TRAP_STORM, /* a hart's error exit blamed the guest */
    VIRT_STOP_ERROR,      /* a host failure */
};

struct virt;

/* One hart: its vCPU (read by interrupt forwarders on device threads, so
 * accessed atomically) and its host thread. */
struct virt_hart {
    struct virt *m;
    unsigned index;
    struct vm_vcpu *vcpu;
    pthread_t thread;
    bool started;
};

struct virt {
    const struct vm_virt_config *cfg;
    uint64_t ram_size;
    unsigned nr_harts;
    const char *firmware; /* path, or NULL for -bios none */
    char firmware_buf[4096];

    /* one boot of the machine (virt_build / virt_teardown) */
    struct vm_mem *mem;
    struct vm_accel *accel;
    struct vm_clint *clint;
    struct vm_plic *plic;
    struct vm_uart16550 *uart;
    struct vm_goldfish_rtc *rtc;
    struct vm_syscon *syscon;
    struct virt_hart harts[VM_VIRT_MAX_HARTS];
    struct virt_image fw, kernel, initrd;
    uint64_t fdt_addr, start_addr, next_addr;
    uint64_t insns; /* retired by all harts, summed over boots */

    /* outlives resets */
    struct vm_chardev *chr;
    bool own_chr;
    pthread_mutex_t lock; /* guards what follows and the harts' vcpu pointers */
    pthread_cond_t cond;
    enum virt_stop stop;
    int status;
    char error[256];
};

/* virt.c */
/* Check cfg and fill ram_size, nr_harts and firmware; before any thread. */
int virt_check_config(struct virt *m);
int virt_build(struct virt *m);
void virt_teardown(struct virt *m);

/* virt_run.c */
/* Ask the machine to stop (thread-safe; the first reason wins, except
 * that anything overrides a pending reset) and kick every hart. */
void virt_stop(struct virt *m, enum virt_stop why, int status, const char *msg);
/* Run the built machine until a stop; returns the reason. */
enum virt_stop virt_run_once(struct virt *m, double seconds_left);

#endif
