/* vm_user_run: build the process (address space, one soft hart in U-mode
 * with user_mode exits, the program and its stack), then run it, serving
 * its system calls and page faults, until it exits or dies. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user/user_internal.h"
#include "vm/error.h"
#include "vm/mem.h"
#include "vm/riscv.h"

#define MSTATUS_FS_INITIAL (1ULL << 13)
#define ENVCFG_CBIE_CBCFE_CBZE (0x30ULL | 0x40ULL | 0x80ULL) /* cbo.* allowed in U-mode */

static int create_hart(struct user_proc *p)
{
    char name[160];
    const char *props = p->cfg->accel_props;
    snprintf(name, sizeof(name), "soft%s%s", props && *props ? "," : "", props ? props : "");
    struct vm_accel_config ac = {.machine = "user", .arch = VM_ARCH_RISCV64, .mem = p->mem,
                                 .nr_vcpus = 1};
    int rc = vm_accel_create(name, &ac, p->cfg->verbose, &p->accel);
    if (rc < 0)
        return rc;
    struct vm_vcpu_options opt = {.id = 0, .user_mode = true};
    rc = vm_vcpu_create(p->accel, &opt, &p->vcpu);
    return rc < 0 ? rc : vm_riscv_vcpu_set_flat(p->vcpu, &p->as.flat);
}

static int start_state(struct user_proc *p, uint64_t pc, uint64_t sp)
{
    struct vm_riscv_core_regs r;
    int rc = vm_vcpu_get_regs(p->vcpu, VM_REGSET_CORE, &r);
    if (rc < 0)
        return rc;
    memset(r.x, 0, sizeof(r.x)); /* a0 = 0: no rtld_fini for the program */
    r.x[2] = sp;
    r.pc = pc;
    r.priv = 0;
    r.mstatus = MSTATUS_FS_INITIAL;
    r.satp = user_as_satp(&p->as);
    r.mcounteren = r.scounteren = 7; /* rdcycle, rdtime, rdinstret in U-mode */
    r.menvcfg = r.senvcfg = ENVCFG_CBIE_CBCFE_CBZE;
    r.medeleg = r.mideleg = r.mie = 0;
    return vm_vcpu_set_regs(p->vcpu, VM_REGSET_CORE, &r);
}

int vm_user_run(const struct vm_user_config *cfg, struct vm_user_result *res)
{
    struct user_proc *p = calloc(1, sizeof(*p));
    if (!p)
        return -VM_ENOMEM;
    p->cfg = cfg;
    p->strace = cfg->strace;
    p->unimp = cfg->unimp;
    int rc = -VM_ENOMEM;
    char real[PATH_MAX];
    if (!realpath(cfg->prog, real)) {
        /* /proc/self/fd/N of a memfd or a deleted file (execveat): no path
         * leads there, the descriptor does */
        ssize_t n = strncmp(cfg->prog, "/proc/self/fd/", 14) ? -1
                                                             : readlink(cfg->prog, real, sizeof(real) - 1);
        if (n <= 0 || access(cfg->prog, R_OK) < 0) {
            rc = vm_error(VM_ENOENT, "'%s': %s", cfg->prog, strerror(errno));
            goto out;
        }
        real[n] = '\0';
    }
    p->exe_path = strdup(real);
    if (!p->exe_path || !(p->mem = vm_mem_create()))
        goto out;
    if ((rc = user_as_init(&p->as, p->mem)) < 0 || (rc = create_hart(p)) < 0)
        goto out;
    struct user_image img;
    if ((rc = user_load_elf(p, cfg->prog, &img)) < 0)
        goto out;
    p->brk_start = p->brk_cur = USER_ALIGN_UP(img.brk);
    p->entry = img.entry;
    uint64_t sp = user_setup_stack(p, &img, cfg->argv, cfg->envp, cfg->prog);
    if (!sp) {
        rc = -VM_EINVAL;
        goto out;
    }
    if ((rc = user_sigtramp_map(p)) < 0) {
        rc = vm_error(VM_ENOMEM, "user: no room for the signal trampoline");
        goto out;
    }
    user_threads_init(p);
    if ((rc = start_state(p, img.entry, sp)) < 0 || (rc = user_thread_loop(&p->main_thread)) < 0)
        goto out;
    if (!p->exited) { /* the main thread ended, others run on: the last one ends the process */
        /* signals for the process go to the threads still running */
        user_host_sigmask(SIG_SETMASK, ~0ULL, NULL);
        for (;;)
            pause();
    }
    res->status = p->exit_status;
    res->signal = p->exit_signal;
out:
    /* no host handler may reach the harts from here on (a guest's interval
     * timer still runs: vm_user_die_of unblocks the one signal it raises) */
    user_host_sigmask(SIG_SETMASK, ~0ULL, NULL);
    user_threads_fini(p);
    if (p->vcpu)
        vm_vcpu_destroy(p->vcpu);
    if (p->accel)
        vm_accel_destroy(p->accel);
    user_as_fini(&p->as);
    if (p->mem)
        vm_mem_destroy(p->mem);
    free(p->exe_path);
    free(p);
    return rc;
}
