/* vm_user_run: build the process (address space, one soft hart in U-mode
 * with user_mode exits, the program and its stack), then run it, serving
 * its system calls and page faults, until it exits or dies. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    int rc = vm_accel_create(name, &ac, false, &p->accel);
    if (rc < 0)
        return rc;
    struct vm_vcpu_options opt = {.id = 0, .user_mode = true};
    return vm_vcpu_create(p->accel, &opt, &p->vcpu);
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

/* The signal a synchronous exception raises, as Linux's do_trap does. */
static int exception_signal(uint64_t cause)
{
    switch (cause) {
    case 2: return SIGILL;
    case 3: return SIGTRAP;
    case 0: case 4: case 6: return SIGBUS;
    default: return SIGSEGV;
    }
}

static int handle_exception(struct user_proc *p, const struct vm_exit *e)
{
    uint64_t cause = e->u.exception.cause, tval = e->u.exception.tval;
    int kind = cause == 12 ? 0 : cause == 13 ? 1 : cause == 15 ? 2 : -1;
    if (kind >= 0 && user_as_fault(&p->as, tval, kind))
        return 0; /* demand-filled: run the instruction again */
    int sig = exception_signal(cause);
    if (p->sigact[sig].handler > 1)
        fprintf(stderr, "vm user: signal %d at pc 0x%llx (cause %llu, address 0x%llx): "
                "handlers are not run yet; the program dies of it\n", sig,
                (unsigned long long)e->u.exception.pc, (unsigned long long)cause,
                (unsigned long long)tval);
    else if (p->strace)
        fprintf(stderr, "--- SIGNAL %d (pc 0x%llx, cause %llu, address 0x%llx) ---\n", sig,
                (unsigned long long)e->u.exception.pc, (unsigned long long)cause,
                (unsigned long long)tval);
    p->exited = true;
    p->exit_signal = sig;
    return 0;
}

static int run_loop(struct user_proc *p)
{
    while (!p->exited) {
        if (p->as.flush) {
            vm_riscv_vcpu_sfence(p->vcpu);
            p->as.flush = false;
        }
        struct vm_exit e;
        int rc = vm_vcpu_run(p->vcpu, &e);
        if (rc < 0)
            return rc;
        switch (e.kind) {
        case VM_EXIT_SYSCALL: {
            int64_t r = user_syscall(p, e.u.syscall.nr, e.u.syscall.args);
            if (!p->exited)
                vm_riscv_vcpu_set_x(p->vcpu, 10, (uint64_t)r);
            break;
        }
        case VM_EXIT_EXCEPTION:
            handle_exception(p, &e);
            break;
        case VM_EXIT_INTR:
            break;
        case VM_EXIT_ERROR:
            return vm_error(VM_EINVAL, "user: %s", e.u.error.message);
        default:
            return vm_error(VM_EINVAL, "user: unexpected %s exit from the hart",
                            vm_exit_kind_name(e.kind));
        }
    }
    return 0;
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
        rc = vm_error(VM_ENOENT, "'%s': %s", cfg->prog, strerror(errno));
        goto out;
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
    if ((rc = start_state(p, img.entry, sp)) < 0 || (rc = run_loop(p)) < 0)
        goto out;
    res->status = p->exit_status;
    res->signal = p->exit_signal;
out:
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
