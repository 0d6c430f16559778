/* Sdtrig: the trigger module (debug spec 1.0, "Sdtrig"). RV_TRIGGERS
 * triggers, each mcontrol6 (type 6: address match on execute, load, store;
 * match equal, NAPOT, >=, <; any size or one of 8/16/32/64 bits) or icount
 * (type 3), or disabled (15). tinfo version 1; tdata3 (textra) reads 0.
 *
 * Nothing runs per instruction while no trigger is armed. The set of
 * triggers that may fire in the current mode (privilege, and the
 * re-entrancy rule below) is recomputed when a tdata register, the
 * privilege, mstatus or medeleg changes (rv_trig_sync):
 *   - load/store triggers become the MMU's trigger watches: their pages
 *     stay out of L1 and the slow path stops a matching access before it
 *     happens (VM_FAULT_TRIGGER, handled in rv_raise);
 *   - execute triggers keep their pages out of the vcache, so run_from_pc
 *     runs those pages one instruction at a time and checks pc first (with
 *     the debugger's breakpoints, debug.c);
 *   - an icount trigger makes every instruction run alone
 *     (rv_trig_icount_step), counting retirements and traps.
 * Re-entrancy (the spec's first solution): a trigger whose action is a
 * breakpoint exception does not match in M-mode while mstatus.MIE = 0, nor
 * in S-mode while SIE = 0 when breakpoints are delegated. Action 1 (enter
 * Debug Mode) needs dmode = 1, which only the host debugger can set
 * (vm_riscv_trigger_set): its firing stops the hart with VM_EXIT_DEBUG. */
#include <string.h>

#include "riscv/csr_defs.h"
#include "riscv/hart.h"
#include "riscv/isa_ext.h"

#define T_TYPE_SHIFT 60
#define T_DMODE (1ULL << 59)
#define T_ICOUNT 3ULL
#define T_MC6 6ULL
#define T_DISABLED 15ULL

/* mcontrol6 */
#define MC6_LOAD (1ULL << 0)
#define MC6_STORE (1ULL << 1)
#define MC6_EXECUTE (1ULL << 2)
#define MC6_U (1ULL << 3)
#define MC6_S (1ULL << 4)
#define MC6_M (1ULL << 6)
#define MC6_MATCH_SHIFT 7
#define MC6_CHAIN (1ULL << 11)
#define MC6_ACTION_SHIFT 12
#define MC6_SIZE_SHIFT 16
#define MC6_SELECT (1ULL << 21)
#define MC6_HIT0 (1ULL << 22)
#define MC6_HIT1 (1ULL << 25)
/* icount */
#define IC_U (1ULL << 6)
#define IC_S (1ULL << 7)
#define IC_PENDING (1ULL << 8)
#define IC_M (1ULL << 9)
#define IC_COUNT_SHIFT 10
#define IC_COUNT_MASK 0x3fffULL
#define IC_HIT (1ULL << 24)

#define TINFO_VALUE ((1ULL << 24) | (1u << T_ICOUNT) | (1u << T_MC6) | (1u << T_DISABLED))

static unsigned type_of(uint64_t t1)
{
    return (unsigned)(t1 >> T_TYPE_SHIFT);
}

static unsigned action_of(uint64_t t1)
{
    return type_of(t1) == T_ICOUNT ? (unsigned)(t1 & 0x3f)
                                   : (unsigned)((t1 >> MC6_ACTION_SHIFT) & 0xf);
}

static uint64_t icount_count(uint64_t t1)
{
    return (t1 >> IC_COUNT_SHIFT) & IC_COUNT_MASK;
}

/* The mode bits of a trigger for privilege p. */
static bool mode_bit(uint64_t t1, unsigned p)
{
    bool ic = type_of(t1) == T_ICOUNT;
    uint64_t bit = p == VM_PRIV_M ? (ic ? IC_M : MC6_M)
                 : p == VM_PRIV_S ? (ic ? IC_S : MC6_S)
                                  : (ic ? IC_U : MC6_U);
    return t1 & bit;
}

/* May trigger t1 match now, in privilege p? */
static bool active_in(const struct rv_hart *h, uint64_t t1, unsigned p)
{
    if (!mode_bit(t1, p))
        return false;
    if (action_of(t1) != 0)
        return true;
    if (p == VM_PRIV_M && !(h->mstatus & MSTATUS_MIE))
        return false;
    if (p == VM_PRIV_S && (h->medeleg & (1u << CAUSE_BREAKPOINT)) && !(h->mstatus & MSTATUS_SIE))
        return false;
    return true;
}

/* The addresses an mcontrol6 trigger covers, [lo, lo + len - 1]; false if
 * none. len = ~0 stands for "to the end of the address space". */
static bool mc6_range(uint64_t t1, uint64_t t2, uint64_t *lo, uint64_t *len)
{
    switch ((t1 >> MC6_MATCH_SHIFT) & 0xf) {
    case 0: *lo = t2, *len = 1; return true;
    case 1: { /* NAPOT: the trailing ones give the size */
        unsigned t = (unsigned)__builtin_ctzll(~t2 | (1ULL << 62)); /* maskmax6 = 63 */
        *len = 2ULL << t;
        *lo = t2 & ~(*len - 1);
        return true;
    }
    case 2: *lo = t2, *len = t2 ? 0 - t2 : ~0ULL; return true;
    default: *lo = 0, *len = t2; return t2 != 0; /* 3: < tdata2 */
    }
}

static unsigned mc6_size_bytes(uint64_t t1)
{
    static const unsigned bytes[8] = {0, 1, 2, 4, 6, 8, 16, 0};
    return bytes[(t1 >> MC6_SIZE_SHIFT) & 7];
}

/* ---- the registers ---- */

static uint64_t disabled(uint64_t dmode)
{
    return T_DISABLED << T_TYPE_SHIFT | dmode;
}

/* tdata1 as written by M-mode (debug = false) or the host debugger. */
static uint64_t legal_tdata1(uint64_t v, bool debug)
{
    uint64_t dmode = debug ? (v & T_DMODE) : 0;
    unsigned type = type_of(v);
    if (type == T_MC6) {
        unsigned action = (unsigned)((v >> MC6_ACTION_SHIFT) & 0xf);
        unsigned match = (unsigned)((v >> MC6_MATCH_SHIFT) & 0xf);
        unsigned size = (unsigned)((v >> MC6_SIZE_SHIFT) & 7);
        if ((v & MC6_SELECT) || match > 3 || size == 4 || size > 5 ||
            !(action == 0 || (action == 1 && dmode)))
            return disabled(dmode); /* data match, other sizes, other actions */
        return T_MC6 << T_TYPE_SHIFT | dmode |
               (v & (MC6_HIT1 | MC6_HIT0 | MC6_M | MC6_S | MC6_U | MC6_EXECUTE | MC6_STORE |
                     MC6_LOAD | (0xfULL << MC6_MATCH_SHIFT) | (0xfULL << MC6_ACTION_SHIFT) |
                     (7ULL << MC6_SIZE_SHIFT)));
    }
    if (type == T_ICOUNT) {
        unsigned action = (unsigned)(v & 0x3f);
        if (!(action == 0 || (action == 1 && dmode)))
            return disabled(dmode);
        return T_ICOUNT << T_TYPE_SHIFT | dmode |
               (v & (IC_HIT | (IC_COUNT_MASK << IC_COUNT_SHIFT) | IC_M | IC_PENDING | IC_S |
                     IC_U | 0x3f));
    }
    return disabled(dmode); /* 0 ("disable it"), 15, and types not implemented */
}

static bool has_sdtrig(const struct rv_hart *h)
{
    return rv_isa_has(&h->isa, RV_EXT_SDTRIG);
}

int rv_trig_csr_read(struct rv_hart *h, unsigned csr, uint64_t *value)
{
    if (!has_sdtrig(h))
        return -1;
    const struct rv_trigger *t = &h->trig.t[h->trig.tselect];
    switch (csr) {
    case CSR_TSELECT: *value = h->trig.tselect; return 0;
    case CSR_TDATA1: *value = t->tdata1; return 0;
    case CSR_TDATA2: *value = t->tdata2; return 0;
    case CSR_TDATA3: *value = 0; return 0; /* textra: no extra conditions */
    case CSR_TINFO: *value = TINFO_VALUE; return 0;
    }
    return -1;
}

static int write_trigger(struct rv_hart *h, unsigned i, unsigned csr, uint64_t v, bool debug)
{
    struct rv_trigger *t = &h->trig.t[i];
    if ((t->tdata1 & T_DMODE) && !debug)
        return 0; /* only Debug Mode writes a trigger it owns */
    if (csr == CSR_TDATA1)
        t->tdata1 = legal_tdata1(v, debug);
    else if (csr == CSR_TDATA2)
        t->tdata2 = v;
    rv_trig_sync(h);
    return 0;
}

int rv_trig_csr_write(struct rv_hart *h, unsigned csr, uint64_t value)
{
    if (!has_sdtrig(h))
        return -1;
    switch (csr) {
    case CSR_TSELECT:
        if (value < RV_TRIGGERS)
            h->trig.tselect = (unsigned)value; /* WARL: others leave it */
        return 0;
    case CSR_TDATA1: case CSR_TDATA2:
        return write_trigger(h, h->trig.tselect, csr, value, false);
    case CSR_TDATA3: case CSR_TINFO:
        return 0; /* read-only values */
    }
    return -1;
}

void rv_trig_reset(struct rv_hart *h)
{
    memset(&h->trig, 0, sizeof(h->trig));
    for (unsigned i = 0; i < RV_TRIGGERS; i++)
        h->trig.t[i].tdata1 = disabled(0);
    rv_trig_sync(h);
}

/* ---- what is armed now ---- */

void rv_trig_sync(struct rv_hart *h)
{
    struct rv_trig *tg = &h->trig;
    struct vm_mmu_watch w[RV_TRIGGERS];
    unsigned nw = 0, nexec = 0;
    bool armed = false, stepping = false;
    for (unsigned i = 0; i < RV_TRIGGERS; i++) {
        uint64_t t1 = tg->t[i].tdata1;
        bool any_mode = mode_bit(t1, VM_PRIV_M) || mode_bit(t1, VM_PRIV_S) ||
                        mode_bit(t1, VM_PRIV_U);
        if (type_of(t1) == T_ICOUNT) {
            if (!any_mode || (!icount_count(t1) && !(t1 & IC_PENDING)))
                continue;
            armed = true;
            stepping |= active_in(h, t1, h->priv);
            continue;
        }
        if (type_of(t1) != T_MC6 || !any_mode ||
            !(t1 & (MC6_EXECUTE | MC6_LOAD | MC6_STORE)))
            continue;
        armed = true;
        uint64_t lo, len;
        if (!active_in(h, t1, h->priv) || !mc6_range(t1, tg->t[i].tdata2, &lo, &len))
            continue;
        if (t1 & MC6_EXECUTE)
            tg->exec[nexec++] = (struct rv_trig_range){lo, len, i};
        if (t1 & (MC6_LOAD | MC6_STORE))
            w[nw++] = (struct vm_mmu_watch){
                .va = lo, .len = len, .size = mc6_size_bytes(t1), .tag = i,
                .kinds = ((t1 & MC6_LOAD) ? VM_MMU_WATCH_READ : 0) |
                         ((t1 & MC6_STORE) ? VM_MMU_WATCH_WRITE : 0)};
    }
    /* Only real changes cost a flush (L1 for watches, vcache for execute). */
    if (nw != tg->nwatch || memcmp(w, tg->watch, nw * sizeof(w[0]))) {
        memcpy(tg->watch, w, nw * sizeof(w[0]));
        tg->nwatch = nw;
        vm_mmu_set_trigger_watches(h->mmu, w, nw);
    }
    if (nexec != tg->nexec || memcmp(tg->exec, tg->exec_seen, nexec * sizeof(tg->exec[0]))) {
        memcpy(tg->exec_seen, tg->exec, nexec * sizeof(tg->exec[0]));
        rv_vcache_flush(h);
    }
    tg->nexec = nexec;
    tg->stepping = stepping;
    tg->armed = armed;
    rv_update_dbg_active(h);
}

bool rv_trig_exec_page(const struct rv_hart *h, uint64_t vpn)
{
    uint64_t page = vpn << 12;
    for (unsigned i = 0; i < h->trig.nexec; i++) {
        const struct rv_trig_range *r = &h->trig.exec[i];
        if (page <= r->lo + (r->len - 1) && r->lo <= page + 0xfff)
            return true;
    }
    return false;
}

/* ---- firing ---- */

/* Trigger i fired before the instruction at pc, matching tval. */
static void fire(struct rv_hart *h, unsigned i, uint64_t tval)
{
    struct rv_trigger *t = &h->trig.t[i];
    if (type_of(t->tdata1) == T_ICOUNT) {
        t->tdata1 = (t->tdata1 | IC_HIT) & ~IC_PENDING;
        rv_trig_sync(h);
    } else {
        t->tdata1 = (t->tdata1 & ~MC6_HIT1) | MC6_HIT0; /* hit = 01: before it retired */
    }
    if (action_of(t->tdata1) == 1) { /* enter Debug Mode: the host debugger's stop */
        struct vm_exit *e = &h->pending_exit;
        memset(e, 0, sizeof(*e));
        e->kind = VM_EXIT_DEBUG;
        e->u.debug.pc = h->pc;
        e->u.debug.reason = VM_DEBUG_TRIGGER;
        e->u.debug.watch_addr = tval;
        h->events |= RV_EV_EXIT;
        return;
    }
    rv_raise(h, CAUSE_BREAKPOINT, tval);
}

bool rv_trig_exec_fire(struct rv_hart *h)
{
    uint64_t pc = h->pc;
    for (unsigned k = 0; k < h->trig.nexec; k++) {
        const struct rv_trig_range *r = &h->trig.exec[k];
        if (pc < r->lo || pc > r->lo + (r->len - 1))
            continue;
        unsigned size = mc6_size_bytes(h->trig.t[r->trigger].tdata1);
        if (size) { /* 16- or 32-bit instructions only: look at its length */
            uint64_t parcel, tv;
            if (vm_mmu_fetch(h->mmu, pc, 2, &parcel, &tv) != VM_FAULT_NONE ||
                ((parcel & 3) == 3 ? 4u : 2u) != size)
                continue;
        }
        fire(h, r->trigger, pc);
        return true;
    }
    return false;
}

void rv_trig_data_fire(struct rv_hart *h, uint64_t tval)
{
    fire(h, vm_mmu_trigger_hit(h->mmu), tval);
}

/* ---- icount ---- */

void rv_trig_icount_event(struct rv_hart *h, unsigned from)
{
    if (h->trig.counted)
        return; /* one match per instruction, retired or trapped */
    h->trig.counted = true;
    bool changed = false;
    for (unsigned i = 0; i < RV_TRIGGERS; i++) {
        uint64_t *t1 = &h->trig.t[i].tdata1;
        uint64_t n = icount_count(*t1);
        if (type_of(*t1) != T_ICOUNT || !n || !active_in(h, *t1, from))
            continue;
        *t1 &= ~(IC_COUNT_MASK << IC_COUNT_SHIFT);
        if (n > 1)
            *t1 |= (n - 1) << IC_COUNT_SHIFT;
        else
            *t1 |= IC_PENDING, changed = true;
    }
    if (changed)
        rv_trig_sync(h);
}

void rv_trig_icount_step(struct rv_hart *h)
{
    for (unsigned i = 0; i < RV_TRIGGERS; i++) {
        uint64_t t1 = h->trig.t[i].tdata1;
        if (type_of(t1) == T_ICOUNT && (t1 & IC_PENDING) && active_in(h, t1, h->priv)) {
            fire(h, i, 0); /* before the next instruction of an enabled mode; tval 0 */
            return;
        }
    }
    unsigned from = h->priv;
    uint64_t before = rv_retired(h);
    h->trig.counted = false;
    rv_step_uncached(h);
    if (rv_retired(h) != before)
        rv_trig_icount_event(h, from); /* a trap counted already, in take_trap */
    h->trig.counted = false;
}

/* ---- the host debugger's access (Debug Mode rights) ---- */

int rv_trig_debug_access(struct rv_hart *h, unsigned i, uint64_t *tdata1, uint64_t *tdata2,
                         bool write)
{
    if (!has_sdtrig(h) || i >= RV_TRIGGERS)
        return -1;
    if (write) {
        write_trigger(h, i, CSR_TDATA1, disabled(T_DMODE), true);
        write_trigger(h, i, CSR_TDATA2, *tdata2, true);
        write_trigger(h, i, CSR_TDATA1, *tdata1, true);
    }
    *tdata1 = h->trig.t[i].tdata1;
    *tdata2 = h->trig.t[i].tdata2;
    return 0;
}
