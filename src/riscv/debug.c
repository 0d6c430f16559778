/* A debugger's view of the hart: breakpoints, watchpoints and single step
 * (struct vm_vcpu_debug), with nothing on the interpreter's fast path.
 *   - Breakpoints: a virtual page holding one never enters the vcache, so
 *     the outer loop runs it one instruction at a time, checking pc.
 *   - Watchpoints: the MMU keeps watched pages off its L1 and stops a
 *     watched access before it happens (VM_FAULT_WATCH, caught in
 *     rv_raise): the hart stops with pc at the accessing instruction, as a
 *     RISC-V trigger with timing "before" does and as GDB expects of
 *     RISC-V (its watchpoints are "non-steppable": GDB steps the access
 *     itself, with the watchpoint out, and then compares values).
 *   - Where a breakpoint or watchpoint stop left the hart, that instruction
 *     runs through its breakpoint and watchpoints once (x86's RF flag does
 *     the same for breakpoints), so that a plain continue makes progress.
 *   - Single step: RV_EV_DEBUG stays set, so every run comes here and
 *     executes one instruction with a budget of one, interrupts held off
 *     (QEMU's default for gdb steps). */
#include <string.h>

#include "riscv/hart.h"
#include "vm/error.h"

static void record_resume(struct rv_hart *h)
{
    h->dbg.resume_valid = true;
    h->dbg.resume_pc = h->pc;
    h->dbg.resume_retired = rv_retired(h);
}

static void debug_exit(struct rv_hart *h, struct vm_exit *exit, enum vm_debug_reason why)
{
    memset(exit, 0, sizeof(*exit));
    exit->kind = VM_EXIT_DEBUG;
    exit->u.debug.pc = h->pc;
    exit->u.debug.reason = why;
    /* a breakpoint or watchpoint reported here lets the instruction through
     * next time; a step reported nothing about the instruction it reached */
    if (why == VM_DEBUG_STEP)
        h->dbg.resume_valid = false;
    else
        record_resume(h);
}

/* Is the hart where the last debug stop left it, nothing retired since? */
static bool at_resume_point(const struct rv_hart *h)
{
    return h->dbg.resume_valid && h->dbg.resume_pc == h->pc &&
           h->dbg.resume_retired == rv_retired(h);
}

/* Does a breakpoint stop the hart before the instruction at pc? */
static bool bp_stops(const struct rv_hart *h, uint64_t pc)
{
    for (unsigned i = 0; i < h->dbg.nbp; i++)
        if (h->dbg.bp[i] == pc)
            return !at_resume_point(h);
    return false;
}

static void update_event(struct rv_hart *h)
{
    if (h->dbg.step || h->dbg.replay || h->dbg.report)
        h->events |= RV_EV_DEBUG;
    else
        h->events &= ~RV_EV_DEBUG;
}

int rv_debug_set(struct rv_hart *h, const struct vm_vcpu_debug *dbg)
{
    struct vm_mmu_watch w[VM_MMU_MAX_WATCH];
    if (dbg->nr_watchpoints > VM_MMU_MAX_WATCH)
        return vm_error(VM_EINVAL, "soft accelerator: at most %d watchpoints", VM_MMU_MAX_WATCH);
    for (unsigned i = 0; i < dbg->nr_watchpoints; i++) {
        const struct vm_watchpoint *p = &dbg->watchpoints[i];
        w[i] = (struct vm_mmu_watch){
            .va = p->addr, .len = p->len,
            .kinds = ((p->kind & VM_WATCH_WRITE) ? VM_MMU_WATCH_WRITE : 0) |
                     ((p->kind & VM_WATCH_READ) ? VM_MMU_WATCH_READ : 0)};
    }
    int rc = vm_mmu_set_watchpoints(h->mmu, w, dbg->nr_watchpoints);
    if (rc < 0)
        return rc;
    h->dbg.nbp = dbg->nr_breakpoints;
    memcpy(h->dbg.bp, dbg->breakpoints, dbg->nr_breakpoints * sizeof(h->dbg.bp[0]));
    h->dbg.step = dbg->single_step;
    h->dbg.active = dbg->nr_breakpoints || dbg->nr_watchpoints || dbg->single_step;
    rv_update_dbg_active(h);
    update_event(h);
    rv_vcache_flush(h); /* pages with breakpoints must leave it */
    return 0;
}

void rv_debug_page_step(struct rv_hart *h)
{
    if (h->dbg.nbp && bp_stops(h, h->pc)) {
        debug_exit(h, &h->pending_exit, VM_DEBUG_BREAKPOINT);
        h->events |= RV_EV_EXIT;
        return;
    }
    if (h->trig.nexec && rv_trig_exec_fire(h))
        return; /* the guest's execute trigger (Sdtrig) */
    rv_step_uncached(h);
}

void rv_debug_watch_stop(struct rv_hart *h)
{
    uint64_t start = 0;
    unsigned kind = VM_MMU_WATCH_WRITE;
    vm_mmu_watch_take_hit(h->mmu, &start, &kind);
    if (at_resume_point(h)) { /* the access we stopped before: let it through once */
        h->dbg.replay = true;
        h->events |= RV_EV_DEBUG;
        return;
    }
    debug_exit(h, &h->pending_exit, VM_DEBUG_WATCH);
    h->pending_exit.u.debug.watch_addr = start;
    h->pending_exit.u.debug.watch_kind = kind == VM_MMU_WATCH_WRITE ? VM_WATCH_WRITE
                                                                    : VM_WATCH_READ;
    h->events |= RV_EV_EXIT;
}

/* Run the instruction at pc alone; pass: its watched accesses go through. */
static void run_one(struct rv_hart *h, bool pass)
{
    h->budget = h->entry_budget = 1;
    vm_mmu_watch_pass(h->mmu, pass);
    rv_step_uncached(h);
    rv_sync_counters(h);
    vm_mmu_watch_pass(h->mmu, false);
    uint64_t start;
    unsigned kind;
    if (pass)
        vm_mmu_watch_take_hit(h->mmu, &start, &kind); /* seen and let through */
}

bool rv_debug_service(struct rv_hart *h, struct vm_exit *exit)
{
    if (rv_exit_due(h, exit))
        return true; /* what was due before comes first */
    if (h->dbg.report) {
        *exit = h->dbg.saved;
        h->dbg.report = false;
        update_event(h);
        return true;
    }
    if (!h->dbg.step && !h->dbg.replay) {
        update_event(h);
        return false;
    }
    if (vm_mmu_poll(h->mmu))
        rv_vcache_flush(h);
    bool replay = h->dbg.replay;
    h->dbg.replay = false;
    if (!replay && bp_stops(h, h->pc)) {
        debug_exit(h, exit, VM_DEBUG_BREAKPOINT);
        update_event(h);
        return true;
    }
    /* Exactly one instruction: the one a stop left us at passes its
     * watchpoints, any other stops before a watched access. */
    run_one(h, replay || at_resume_point(h));
    if (!h->dbg.step) { /* a replay in a plain run: run on */
        update_event(h);
        return false;
    }
    /* The instruction may itself have produced an exit (a watchpoint, a
     * device watch, a system op): that one goes first, and the step's own
     * report with the next run unless it was a debug stop already. */
    if (rv_exit_due(h, exit)) {
        if (exit->kind != VM_EXIT_DEBUG) {
            debug_exit(h, &h->dbg.saved, VM_DEBUG_STEP);
            h->dbg.report = true;
        }
        update_event(h);
        return true;
    }
    debug_exit(h, exit, VM_DEBUG_STEP);
    update_event(h);
    return true;
}
