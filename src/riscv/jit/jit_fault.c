/* Host faults in translated code (docs/JIT.md "Direct access in user
 * mode"): user mode's translated loads and stores access guest memory
 * directly, and the host's protections, which mirror the guest's mappings,
 * catch what the guest may not touch. The host's SIGSEGV/SIGBUS handler
 * (the program's: src/user) asks here first; a fault at one of the hart's
 * accesses resumes in that access's slow path, which finds the guest
 * fault through the MMU exactly as a probe miss would (pc, tval and
 * instret exact). QEMU's user mode does the same with its host-pc to
 * guest-state search data (cpu_restore_state). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <ucontext.h>

#include "riscv/jit/jit_internal.h"
#include "vm/riscv.h"

#if defined(__x86_64__)

__thread struct rv_hart *jit_running_hart;

bool jit_fault_sites_reserve(struct rv_jit *j)
{
    if (j->fault_sites_cap - j->nfault_sites >= JIT_MAX_INSNS)
        return true;
    unsigned cap = j->fault_sites_cap ? j->fault_sites_cap * 2 : 4096;
    /* Translation runs on the hart's own thread, never inside its
     * translated code: the handler never sees the array move. */
    struct jit_fault_site *n = realloc(j->fault_sites, cap * sizeof(*n));
    if (!n)
        return false;
    j->fault_sites = n;
    j->fault_sites_cap = cap;
    return true;
}

void jit_fault_site_add(struct rv_jit *j, const uint8_t *access_rw, const uint8_t *slow_rw,
                        bool probed)
{
    struct jit_fault_site *s = &j->fault_sites[j->nfault_sites++];
    s->access = (uint32_t)(access_rw - j->cc.rw); /* (a cache is < 2 GiB: tb-size) */
    s->slow = (uint32_t)(slow_rw - j->cc.rw) | (probed ? JIT_SITE_PROBED : 0);
}

bool vm_riscv_host_fault(int sig, void *siginfo, void *ucontext)
{
    const siginfo_t *si = siginfo;
    struct rv_hart *h = jit_running_hart;
    if ((sig != SIGSEGV && sig != SIGBUS) || si->si_code <= 0 || !h || !h->jit)
        return false; /* sent by kill(), or not inside translated code */
    struct rv_jit *j = h->jit;
    greg_t *rip = &((ucontext_t *)ucontext)->uc_mcontext.gregs[REG_RIP];
    uintptr_t at = (uintptr_t)*rip, rx = (uintptr_t)j->cc.rx;
    if (at < rx || at - rx >= j->cc.size)
        return false;
    uint32_t off = (uint32_t)(at - rx);
    unsigned lo = 0, hi = j->nfault_sites;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (j->fault_sites[mid].access < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == j->nfault_sites || j->fault_sites[lo].access != off)
        return false;
    uint32_t slow = j->fault_sites[lo].slow;
    greg_t *rax = &((ucontext_t *)ucontext)->uc_mcontext.gregs[REG_RAX];
    if (slow & JIT_SITE_PROBED) /* an L1 hit: rax = host address = flat base + va */
        *rax -= (greg_t)(uintptr_t)h->jit_flat_base;
    *rip = (greg_t)(rx + (slow & ~JIT_SITE_PROBED)); /* the slow path takes the va in rax */
    j->stats.host_faults++;
    return true;
}

#else

bool vm_riscv_host_fault(int sig, void *siginfo, void *ucontext)
{
    (void)sig, (void)siginfo, (void)ucontext;
    return false;
}

#endif
