/* The hart's outer loop: finds the decoded page for pc and runs it, and
 * between pages or slices services what cannot be checked per instruction:
 * interrupts, timers, remote MMU flushes, kicks, WFI sleep, exits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timebase.h"
#include "riscv/csr_defs.h"
#include "riscv/decode.h"
#include "riscv/hart.h"
#include "riscv/mmu_access.h"
#include "vm/error.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

_Thread_local struct rv_hart *rv_current_hart;

int rv_platform_init(struct rv_platform *plat, struct vm_mem *mem, struct vm_mmu *mmu)
{
    memset(plat, 0, sizeof(*plat));
    plat->mem = mem;
    plat->mmu = mmu;
    return rv_code_map_init(&plat->code, mem);
}

void rv_platform_fini(struct rv_platform *plat)
{
    rv_code_map_fini(&plat->code);
}

/* time - the timebase: the CLINT's mtime offset (guests may write mtime). */
static uint64_t time_offset(const struct rv_hart *h)
{
    const uint64_t *off = h->plat->time_offset;
    return off ? __atomic_load_n(off, __ATOMIC_RELAXED) : 0;
}

uint64_t rv_time(const struct rv_hart *h)
{
    return vm_timebase_now() + time_offset(h); /* the machine's one clock = mtime */
}

void rv_sync_counters(struct rv_hart *h)
{
    uint64_t n = (uint64_t)(h->entry_budget - h->budget);
    h->entry_budget = h->budget;
    h->total_insns += n;
    if (!(h->mcountinhibit & 1))
        h->cycle += n;
    if (!(h->mcountinhibit & 4))
        h->instret += n;
}

static void rewatch(struct rv_hart *h);

void rv_hart_reset(struct rv_hart *h)
{
    memset(h->x, 0, sizeof(h->x));
    memset(h->f, 0, sizeof(h->f));
    h->pc = 0;
    h->priv = VM_PRIV_M;
    h->mstatus = (MSTATUS_XL_64 << 32) | (MSTATUS_XL_64 << 34);
    h->frm = h->fflags = 0;
    h->medeleg = h->mideleg = h->mie = h->mip = 0;
    h->mtvec = h->mscratch = h->mepc = h->mcause = h->mtval = 0;
    h->mcounteren = h->mcountinhibit = 0;
    memset(&h->hpm, 0, sizeof(h->hpm));
    h->mseccfg = 0;
    h->seed_pos = sizeof(h->seed_buf); /* empty: refill on the first read */
    h->menvcfg = rv_menvcfg_reset(h);
    rv_envcfg_changed(h);
    h->stvec = h->sscratch = h->sepc = h->scause = h->stval = 0;
    h->scounteren = h->senvcfg = h->satp = 0;
    h->stimecmp = ~0ULL;
    h->instret = h->cycle = 0;
    h->storm_count = 0;
    rv_trig_reset(h);
    h->events = RV_EV_IRQ;
    h->budget = h->entry_budget = 0;
    h->jc_tag = (((h->jc_tag >> 2) + 1) << 2) | VM_PRIV_M;
    vm_mmu_set_satp(h->mmu, 0);
    vm_mmu_pmp_reset(h->mmu);
    rv_update_mmu_context(h);
    rv_dcache_flush(h);
}

int rv_hart_init(struct rv_hart *h, struct rv_platform *plat, const struct vm_vcpu_options *opt)
{
    memset(h, 0, sizeof(*h));
    h->plat = plat;
    h->opt = *opt;
    h->hartid = opt->id;
    if (opt->riscv_isa)
        h->isa = *opt->riscv_isa;
    else
        vm_riscv_isa_default(&h->isa);
    h->mmu = vm_mmu_hart_create(plat->mmu, opt->id);
    if (!h->mmu)
        return -VM_ENOMEM;
    rv_priv_ext_default(&h->pext, opt, &h->isa);
    vm_mmu_pmp_set_count(h->mmu, h->pext.pmp_entries);
    int rc = rv_dcache_init(h);
    if (rc == 0 && plat->jit.enabled && (rc = rv_jit_init(h, &plat->jit)) < 0)
        rv_dcache_fini(h);
    if (rc < 0) {
        vm_mmu_hart_destroy(h->mmu);
        return rc;
    }
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_t attr; /* timed waits on the timebase's clock */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&h->wake, &attr);
    pthread_condattr_destroy(&attr);
    rewatch(h);
    rv_hart_reset(h);
    return 0;
}

void rv_hart_fini(struct rv_hart *h)
{
    rv_jit_fini(h);
    rv_dcache_fini(h);
    if (h->mmu)
        vm_mmu_hart_destroy(h->mmu);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->wake);
}

static void wake(struct rv_hart *h)
{
    pthread_mutex_lock(&h->lock);
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
}

void rv_hart_kick(struct rv_hart *h)
{
    __atomic_store_n(&h->kick, 1, __ATOMIC_RELEASE);
    rv_hart_poke(h);
    wake(h);
}

void rv_hart_set_irq(struct rv_hart *h, uint64_t mip_bits, bool level)
{
    if (level) {
        __atomic_fetch_or(&h->mip_ext, mip_bits, __ATOMIC_RELEASE);
        /* a running hart leaves its loop at the next jump (interpreter) or
         * block entry (translated code) to take it */
        rv_hart_poke(h);
    } else
        __atomic_fetch_and(&h->mip_ext, ~mip_bits, __ATOMIC_RELEASE);
    wake(h); /* a sleeping WFI re-checks; a running hart sees it next slice */
}

/* Runs on the storing hart's thread for every store to a watched page
 * (after a plain store, before an AMO/SC writes), with its exact address
 * and size. The store handler sees h->events and leaves right after the
 * instruction: its own code there was dropped, or a watched range hit. */
void rv_code_write_hook(void *opaque, uint64_t pa, unsigned len)
{
    struct rv_platform *plat = opaque;
    struct rv_hart *h = rv_current_hart;
    if (h && h->plat != plat)
        h = NULL;
    rv_code_written(plat, h, pa, len);
    if (!h)
        return;
    uint64_t page = pa & ~(uint64_t)(RV_PAGE_SIZE - 1);
    for (unsigned i = 0; i < plat->nwatch; i++) {
        uint64_t wpa = plat->watch[i].pa, wlen = plat->watch[i].len;
        if (page + RV_PAGE_SIZE > wpa && page < wpa + wlen) {
            h->events |= RV_EV_WATCH;
            h->watch_addr = wpa;
        }
    }
}

/* Watch the board's ranges (the watch is machine-wide; again is a no-op). */
static void rewatch(struct rv_hart *h)
{
    const struct rv_platform *plat = h->plat;
    for (unsigned i = 0; i < plat->nwatch; i++)
        for (uint64_t pa = plat->watch[i].pa & ~(uint64_t)(RV_PAGE_SIZE - 1);
             pa < plat->watch[i].pa + plat->watch[i].len; pa += RV_PAGE_SIZE)
            vm_mmu_watch_code_page(h->mmu, pa);
}

/* Sleep in WFI until an interrupt is pending (mip & mie, whatever the
 * global enables), a kick, or the Sstc timer's deadline. */
static void wfi_sleep(struct rv_hart *h)
{
    pthread_mutex_lock(&h->lock);
    while (!(rv_read_mip(h) & h->mie) && !__atomic_load_n(&h->kick, __ATOMIC_ACQUIRE)) {
        /* re-check at least every 100 ms; sooner for an armed Sstc timer
         * (stimecmp is in time's units: the wait is the distance to it) */
        uint64_t now = rv_time(h), wait = VM_TIMEBASE_HZ / 10;
        if ((h->menvcfg & MENVCFG_STCE) && (h->mie & MIP_STIP))
            wait = h->stimecmp <= now ? 0 : h->stimecmp - now < wait ? h->stimecmp - now : wait;
        struct timespec ts = vm_timebase_deadline(vm_timebase_now() + wait);
        pthread_cond_timedwait(&h->wake, &h->lock, &ts);
    }
    pthread_mutex_unlock(&h->lock);
}

static void new_slice(struct rv_hart *h)
{
    int64_t slice = RV_SLICE;
    if (unlikely(h->hpm.active))
        slice = rv_hpm_slice(h, slice); /* stop where an HPM counter wraps */
    if (h->opt.max_insns) {
        uint64_t left = h->opt.max_insns - h->total_insns;
        if (left < (uint64_t)slice)
            slice = (int64_t)left;
    }
    h->budget = h->entry_budget = slice;
}

bool rv_exit_due(struct rv_hart *h, struct vm_exit *exit)
{
    if (h->events & RV_EV_WATCH) {
        h->events &= ~RV_EV_WATCH;
        rewatch(h);
        exit->kind = VM_EXIT_WATCH;
        exit->u.watch.addr = h->watch_addr;
        return true;
    }
    if (h->events & RV_EV_EXIT) {
        h->events &= ~RV_EV_EXIT;
        *exit = h->pending_exit;
        return true;
    }
    if (__atomic_exchange_n(&h->kick, 0, __ATOMIC_ACQ_REL)) {
        exit->kind = VM_EXIT_INTR;
        exit->u.intr.reason = VM_INTR_KICK;
        return true;
    }
    if (h->opt.max_insns && h->total_insns >= h->opt.max_insns) {
        exit->kind = VM_EXIT_INTR;
        exit->u.intr.reason = VM_INTR_INSN_LIMIT;
        return true;
    }
    return false;
}

void rv_vcache_flush_page(struct rv_hart *h, uint64_t va)
{
    if (vm_mmu_maybe_superpage(h->mmu, va)) {
        rv_vcache_flush(h);
        return;
    }
    struct rv_vcache_entry *e = &h->vcache[(va >> 12) & (RV_VCACHE_SIZE - 1)];
    if (e->vpn == va >> 12)
        e->vpn = ~0ULL;
    unsigned bit = rv_jc_vpage_bit(va);
    if (h->jc_vpages[bit / 64] >> (bit % 64) & 1) { /* it may have jump-cache entries */
        h->jc_tag += 4;
        h->jc_flushes++;
        memset(h->jc_vpages, 0, sizeof(h->jc_vpages));
    }
}

/* Everything that is not checked per instruction. Returns true with *exit
 * filled when run() must return. */
static bool service(struct rv_hart *h, struct vm_exit *exit)
{
    bool slice_over = h->budget <= 0;
    for (;;) {
        /* Requests are read below: clear the flags first (full barriers).
         * A poke sets jit_limit, then irq_poke; clearing them in the other
         * order never leaves jit_limit raised with irq_poke clear (then
         * translated code would leave at once, forever, unserviced). */
        __atomic_store_n(&h->irq_poke, 0, __ATOMIC_SEQ_CST); /* mip is read below */
        __atomic_store_n(&h->jit_limit, 0, __ATOMIC_SEQ_CST);
        rv_code_sync(h); /* code other harts or devices overwrote */
        h->events &= ~RV_EV_SMC; /* nothing to do: the code is decoded again */
        if (rv_exit_due(h, exit))
            return true;
        /* Remote flushes (served once per slice, so with bounded delay)
         * may have dropped translations we cache by virtual page: forget
         * those too. */
        if (slice_over && vm_mmu_poll(h->mmu))
            rv_vcache_flush(h);

        if (unlikely(h->hpm.active))
            rv_hpm_check(h); /* counter overflows raise LCOFI */
        uint64_t mip = rv_read_mip(h);
        if (h->events & RV_EV_WFI) {
            if (!(mip & h->mie)) {
                if (h->opt.halt_exits) {
                    exit->kind = VM_EXIT_HALT;
                    return true;
                }
                wfi_sleep(h);
                slice_over = true;
                continue; /* look at kicks and exits again */
            }
            h->events &= ~RV_EV_WFI;
        }
        h->events &= ~RV_EV_IRQ;
        int irq = rv_pending_interrupt(h, mip);
        if (irq >= 0)
            rv_raise(h, CAUSE_INTERRUPT | (uint64_t)irq, 0);
        new_slice(h);
        return false;
    }
}

static const struct rv_slot *page_end_slot(void)
{
    static struct rv_slot end;
    if (!__atomic_load_n(&end.handler, __ATOMIC_ACQUIRE)) {
        struct rv_slot s = {.handler = rv_handlers()[RV_H_PAGE_END], .step = RV_STEP_OF_LEN(2)};
        end.step = s.step;
        __atomic_store_n(&end.handler, s.handler, __ATOMIC_RELEASE);
    }
    return &end;
}

void rv_exec_one(struct rv_hart *h, const struct rv_slot *s)
{
    /* On the scratch page every other slot leaves the page, and a budget
     * of 1 keeps the interpreter from following a jump or a page change:
     * exactly one instruction runs. The unsynced count is carried over. */
    struct rv_dpage *sp = h->scratch;
    struct rv_slot *slot = &sp->slots[(h->pc & (RV_PAGE_SIZE - 1)) >> 1];
    int64_t budget = h->budget, unsynced = h->entry_budget - h->budget;
    h->budget = 1;
    h->entry_budget = 1 + unsynced;
    *slot = *s;
    rv_exec(h, sp, slot, h->pc & ~(uint64_t)(RV_PAGE_SIZE - 1));
    *slot = *page_end_slot();
    int64_t retired = 1 - h->budget;
    unsynced = h->entry_budget - h->budget;
    h->budget = budget - retired;
    h->entry_budget = h->budget + unsynced;
}

/* Execute one instruction fetched through the MMU (not RAM, or straddling
 * two pages) from the scratch page. */
void rv_step_uncached(struct rv_hart *h)
{
    uint64_t lo, hi = 0, tval;
    enum vm_fault f = rv_fetch(h->mmu, h->pc, 2, &lo, &tval);
    if (f == VM_FAULT_NONE && (lo & 3) == 3)
        f = rv_fetch(h->mmu, h->pc + 2, 2, &hi, &tval);
    if (f != VM_FAULT_NONE) {
        rv_raise(h, (uint64_t)f, tval);
        return;
    }
    struct rv_decoded d;
    rv_decode((uint32_t)(lo & 0xffff) | (uint32_t)(hi & 0xffff) << 16, &h->isa, &d);
    struct rv_dpage *sp = h->scratch;
    struct rv_slot *slot = &sp->slots[(h->pc & (RV_PAGE_SIZE - 1)) >> 1];
    rv_slot_fill(slot, &d);
    /* A budget of one: a jump back into the scratch page, or a taken
     * branch, leaves instead of running on unchecked. The slice keeps its
     * count (entry_budget moves with budget, so rv_retired() holds). */
    int64_t saved = h->budget;
    h->entry_budget -= saved - 1;
    h->budget = 1;
    rv_exec(h, sp, slot, h->pc & ~(uint64_t)(RV_PAGE_SIZE - 1));
    *slot = (struct rv_slot){.handler = rv_handlers()[RV_H_PAGE_END], .step = RV_STEP_OF_LEN(2)};
    h->budget += saved - 1;
    h->entry_budget += saved - 1;
}

/* Find the decoded page of pc (or run one instruction uncached) and run. */
void rv_interp_run(struct rv_hart *h)
{
    uint64_t pc = h->pc;
    uint64_t vpn = pc >> 12;
    if (unlikely(h->trig.stepping)) { /* an icount trigger counts every instruction */
        rv_trig_icount_step(h);
        return;
    }
    struct rv_vcache_entry *e = &h->vcache[vpn & (RV_VCACHE_SIZE - 1)];
    struct rv_dpage *dp;
    if (likely(e->vpn == vpn && e->gen == h->vc_gen)) {
        dp = e->dp;
    } else {
        /* Pages with a breakpoint or an execute trigger are never cached:
         * we come back here for each of their instructions, and check pc
         * before the fetch (a trigger outranks fetch faults). */
        if (unlikely(h->dbg.nbp | h->trig.nexec) &&
            (rv_debug_page_has_bp(h, vpn) || rv_trig_exec_page(h, vpn))) {
            rv_debug_page_step(h);
            return;
        }
        struct vm_mmu_result r = vm_mmu_translate(h->mmu, pc, VM_ACCESS_FETCH);
        if (r.fault != VM_FAULT_NONE) {
            rv_raise(h, (uint64_t)r.fault, r.tval);
            return;
        }
        uint64_t page = r.pa & ~(uint64_t)(RV_PAGE_SIZE - 1);
        const uint8_t *host = vm_mem_ram_ptr(h->plat->mem, page, RV_PAGE_SIZE);
        if (!host || r.piecewise) { /* not RAM, or PMP boundaries inside the page */
            rv_step_uncached(h);
            return;
        }
        dp = rv_dcache_get(h, page, host);
        e = &h->vcache[vpn & (RV_VCACHE_SIZE - 1)]; /* the get may have flushed */
        e->vpn = vpn;
        e->gen = h->vc_gen;
        e->dp = dp;
    }
    rv_exec(h, dp, &dp->slots[(pc & (RV_PAGE_SIZE - 1)) >> 1], pc & ~(uint64_t)(RV_PAGE_SIZE - 1));
}

void rv_hart_step(struct rv_hart *h)
{
    if (h->events & RV_EV_CROSS) {
        h->events &= ~RV_EV_CROSS;
        rv_step_uncached(h);
    } else if (h->jit && !h->dbg_active) {
        rv_jit_run(h);
    } else {
        rv_interp_run(h);
    }
    rv_sync_counters(h);
}

int rv_hart_run(struct rv_hart *h, struct vm_exit *exit)
{
    struct rv_hart *outer = rv_current_hart;
    rv_current_hart = h;
    memset(exit, 0, sizeof(*exit));
    for (;;) {
        if (unlikely(h->budget <= 0 || (h->events & ~RV_EV_CROSS) ||
                     __atomic_load_n(&h->kick, __ATOMIC_RELAXED) ||
                     __atomic_load_n(&h->irq_poke, __ATOMIC_RELAXED) ||
                     __atomic_load_n(&h->jit_limit, __ATOMIC_RELAXED))) {
            if ((h->events & RV_EV_DEBUG) && rv_debug_service(h, exit))
                break;
            if ((h->budget <= 0 || (h->events & ~RV_EV_CROSS) ||
                 __atomic_load_n(&h->kick, __ATOMIC_RELAXED) ||
                 __atomic_load_n(&h->irq_poke, __ATOMIC_RELAXED) ||
                 __atomic_load_n(&h->jit_limit, __ATOMIC_RELAXED)) &&
                service(h, exit))
                break;
        }
        rv_hart_step(h);
    }
    rv_current_hart = outer;
    return 0;
}
