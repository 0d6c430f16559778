/* The interpreter loop: direct-threaded dispatch (computed goto) over the
 * decoded slots of one page. pc is not kept per instruction: it is the
 * page's virtual base plus twice the slot index, computed when needed.
 * Branches and jumps inside the page go straight to their slot; leaving the
 * page, the end of a slice, traps and system ops return to the outer loop
 * (hart.c), which is where interrupts and remote requests are looked at. */
#include <stdint.h>

#include "riscv/crypto.h"
#include "riscv/csr_defs.h"
#include "riscv/decode.h"
#include "riscv/hart.h"
#include "riscv/mmu_access.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

static const void *const *handler_table;

/* Slot packing of ops whose fields do not fit rd/rs1/rs2/imm (hart.h). */
void rv_slot_fill(struct rv_slot *s, const struct rv_decoded *d)
{
    const void *const *tbl = rv_handlers();
    s->handler = tbl[d->op];
    s->step = RV_STEP_OF_LEN(d->len);
    s->rd = d->rd;
    s->rs1 = d->rs1;
    s->rs2 = d->rs2;
    s->imm = d->imm;
    if (d->op == RV_OP_ILLEGAL)
        s->imm = (int32_t)d->raw;
    else if (d->op >= RV_OP_FIRST_SYSTEM)
        s->imm = (int32_t)(d->op | ((uint32_t)d->imm & 0xfff) << 8);
    else if (d->op >= RV_OP_FIRST_FP) /* unpacked by fp.c */
        s->imm = (int32_t)(d->op | (uint32_t)d->fmt << 8 | (uint32_t)d->sub << 10 |
                           (uint32_t)d->rm << 13 | (uint32_t)d->rs3 << 16);
    if (d->rd == 0 && rv_op_writes_x(d->op))
        s->rd = 32;
}

void rv_exec(struct rv_hart *h, struct rv_dpage *dp, struct rv_slot *insn, uint64_t vbase)
{
    static const void *const table[RV_H_COUNT] = {
#define RV_LABEL(name) [RV_OP_##name] = &&L_##name,
#define RV_FP_LABEL(name) [RV_OP_##name] = &&L_FP_GROUP,
#define RV_SYS_LABEL(name) [RV_OP_##name] = &&L_SYS_GROUP,
        RV_OPS_INLINE(RV_LABEL) RV_OPS_FP(RV_FP_LABEL) RV_OPS_SYSTEM(RV_SYS_LABEL)
#undef RV_LABEL
#undef RV_FP_LABEL
#undef RV_SYS_LABEL
        [RV_H_DECODE] = &&L_DECODE,
        [RV_H_PAGE_END] = &&L_PAGE_END,
        [RV_H_CROSS] = &&L_CROSS,
    };
    if (!h) { /* rv_handlers() asks for the label addresses */
        __atomic_store_n(&handler_table, table, __ATOMIC_RELEASE);
        return;
    }

    uint64_t *const x = h->x;
    struct rv_slot *slots = dp->slots;
    int64_t budget = h->budget;

#define DISPATCH() goto *insn->handler
#define NEXT() do { budget--; insn = (struct rv_slot *)((char *)insn + insn->step); DISPATCH(); } while (0)
#define PC() (vbase + ((uint64_t)(insn - slots) << 1))
#define RD x[insn->rd]
#define RS1 x[insn->rs1]
#define RS2 x[insn->rs2]
#define IMM ((int64_t)insn->imm)
    /* Leave with h->pc = the pc of this (not retired) instruction. */
#define TRAP(cause, tval) do { h->pc = PC(); h->budget = budget; rv_raise(h, cause, tval); return; } while (0)
#define ILLEGAL() do { h->pc = PC(); h->budget = budget; rv_raise_illegal(h); return; } while (0)
    /* Retire this instruction and leave for the outer loop. */
#define RETIRE_AND_LEAVE(step_) do { budget--; h->pc = PC() + RV_LEN_OF_STEP(step_); goto out; } while (0)
    /* A device raised an interrupt line: leave at the next taken jump. */
#define POKED() unlikely(__atomic_load_n(&h->irq_poke, __ATOMIC_RELAXED))
    /* Another page: follow it if the virtual-page cache knows it (it is
     * flushed by everything that changes translation, all of which leave
     * this loop), else let the outer loop translate. */
#define OTHER_PAGE(target) do {                                                \
        uint64_t p_ = (target);                                                \
        const struct rv_vcache_entry *e_ =                                     \
            &h->vcache[(p_ >> 12) & (RV_VCACHE_SIZE - 1)];                     \
        if (likely(e_->vpn == p_ >> 12 && e_->gen == h->vc_gen && budget > 0 && !POKED())) { \
            dp = e_->dp;                                                       \
            slots = dp->slots;                                                 \
            vbase = p_ & ~(uint64_t)(RV_PAGE_SIZE - 1);                        \
            insn = slots + ((p_ & (RV_PAGE_SIZE - 1)) >> 1);                   \
            DISPATCH();                                                        \
        }                                                                      \
        h->pc = p_;                                                            \
        goto out;                                                              \
    } while (0)
#define JUMP_TO(target) do {                                                   \
        uint64_t t_ = (target);                                                \
        budget--;                                                              \
        if (likely(t_ - vbase < RV_PAGE_SIZE && budget > 0 && !POKED())) {     \
            insn = slots + ((t_ - vbase) >> 1);                                \
            DISPATCH();                                                        \
        }                                                                      \
        OTHER_PAGE(t_);                                                        \
    } while (0)
#define BRANCH(cond) do {                                                      \
        if (cond) {                                                            \
            int64_t off_ = ((int64_t)(insn - slots) << 1) + IMM;               \
            budget--;                                                          \
            if (likely((uint64_t)off_ < RV_PAGE_SIZE && budget > 0 && !POKED())) { \
                insn = slots + (off_ >> 1);                                    \
                DISPATCH();                                                    \
            }                                                                  \
            OTHER_PAGE(vbase + (uint64_t)off_);                                \
        }                                                                      \
        NEXT();                                                                \
    } while (0)
#define LOAD(size, expr) do {                                                  \
        uint64_t v, tv_;                                                       \
        enum vm_fault f_ = rv_load(h->mmu, RS1 + IMM, size, &v, &tv_);         \
        if (unlikely(f_ != VM_FAULT_NONE))                                     \
            TRAP((uint64_t)f_, tv_);                                           \
        RD = (expr);                                                           \
        NEXT();                                                                \
    } while (0)
    /* A store can hit a watched range (h->events) or rewrite decoded code:
     * the code-write hook then drops the page, whose slots stay readable
     * until we leave: moving on by the old step is right. */
#define STORE(size, value) do {                                                \
        uint64_t tv_;                                                          \
        unsigned step_ = insn->step;                                             \
        enum vm_fault f_ = rv_store(h->mmu, RS1 + IMM, size, value, &tv_);     \
        if (unlikely(f_ != VM_FAULT_NONE))                                     \
            TRAP((uint64_t)f_, tv_);                                           \
        if (unlikely(h->events))                                               \
            RETIRE_AND_LEAVE(step_);                                            \
        NEXT();                                                                \
    } while (0)
#define FP_ENABLED() likely(h->mstatus & MSTATUS_FS)
#define FP_DIRTY() (h->mstatus |= MSTATUS_FS_DIRTY | MSTATUS_SD)

    DISPATCH();

L_DECODE: {
    /* First execution of this slot: decode it from the page's RAM. Parcels
     * are read atomically since other harts may write the page. */
    unsigned idx = (unsigned)(insn - slots);
    const uint16_t *p = (const uint16_t *)(dp->host + idx * 2);
    /* Stores into this code from now on drop the page (code_watch.c). */
    rv_code_mark(h, dp->pa + idx * 2, idx == RV_PAGE_SLOTS - 1 ? 2 : 4);
    /* (guarded: under vm user a code page can be a truncated file's) */
    uint64_t lo, hi;
    if (unlikely(!vm_guarded_ld(p, 2, &lo)))
        TRAP(CAUSE_FETCH_PAGE, PC());
    uint32_t bits = (uint32_t)lo;
    if ((bits & 3) == 3) {
        if (unlikely(idx == RV_PAGE_SLOTS - 1)) {
            insn->handler = table[RV_H_CROSS];
            DISPATCH();
        }
        if (unlikely(!vm_guarded_ld(p + 1, 2, &hi)))
            TRAP(CAUSE_FETCH_PAGE, PC() + 2);
        bits |= (uint32_t)hi << 16;
    }
    struct rv_decoded d;
    rv_decode(bits, &h->isa, &d);
    rv_slot_fill(insn, &d);
    DISPATCH();
}
L_PAGE_END:
    /* Off the end of the page (or off the scratch page's one slot): never
     * the same page again, so only the cache of other pages is asked. */
    OTHER_PAGE(PC());
L_CROSS:
    h->pc = PC();
    h->events |= RV_EV_CROSS;
    goto out;

L_ILLEGAL:
    TRAP(CAUSE_ILLEGAL, (uint32_t)insn->imm);

L_LUI: RD = (uint64_t)IMM; NEXT();
L_AUIPC: RD = PC() + (uint64_t)IMM; NEXT();
L_JAL: {
    uint64_t pc = PC();
    RD = pc + RV_LEN_OF_STEP(insn->step);
    JUMP_TO(pc + (uint64_t)IMM);
}
L_JALR: {
    uint64_t t = (RS1 + (uint64_t)IMM) & ~1ULL;
    RD = PC() + RV_LEN_OF_STEP(insn->step);
    JUMP_TO(t);
}
L_BEQ: BRANCH(RS1 == RS2);
L_BNE: BRANCH(RS1 != RS2);
L_BLT: BRANCH((int64_t)RS1 < (int64_t)RS2);
L_BGE: BRANCH((int64_t)RS1 >= (int64_t)RS2);
L_BLTU: BRANCH(RS1 < RS2);
L_BGEU: BRANCH(RS1 >= RS2);

L_LB: LOAD(1, (uint64_t)(int64_t)(int8_t)v);
L_LH: LOAD(2, (uint64_t)(int64_t)(int16_t)v);
L_LW: LOAD(4, (uint64_t)(int64_t)(int32_t)v);
L_LD: LOAD(8, v);
L_LBU: LOAD(1, (uint8_t)v);
L_LHU: LOAD(2, (uint16_t)v);
L_LWU: LOAD(4, (uint32_t)v);
L_SB: STORE(1, RS2);
L_SH: STORE(2, RS2);
L_SW: STORE(4, RS2);
L_SD: STORE(8, RS2);

L_ADDI: RD = RS1 + (uint64_t)IMM; NEXT();
L_SLTI: RD = (int64_t)RS1 < IMM; NEXT();
L_SLTIU: RD = RS1 < (uint64_t)IMM; NEXT();
L_XORI: RD = RS1 ^ (uint64_t)IMM; NEXT();
L_ORI: RD = RS1 | (uint64_t)IMM; NEXT();
L_ANDI: RD = RS1 & (uint64_t)IMM; NEXT();
L_SLLI: RD = RS1 << insn->imm; NEXT();
L_SRLI: RD = RS1 >> insn->imm; NEXT();
L_SRAI: RD = (uint64_t)((int64_t)RS1 >> insn->imm); NEXT();
L_ADD: RD = RS1 + RS2; NEXT();
L_SUB: RD = RS1 - RS2; NEXT();
L_SLL: RD = RS1 << (RS2 & 63); NEXT();
L_SLT: RD = (int64_t)RS1 < (int64_t)RS2; NEXT();
L_SLTU: RD = RS1 < RS2; NEXT();
L_XOR: RD = RS1 ^ RS2; NEXT();
L_SRL: RD = RS1 >> (RS2 & 63); NEXT();
L_SRA: RD = (uint64_t)((int64_t)RS1 >> (RS2 & 63)); NEXT();
L_OR: RD = RS1 | RS2; NEXT();
L_AND: RD = RS1 & RS2; NEXT();

#define SEXT32(v) ((uint64_t)(int64_t)(int32_t)(uint32_t)(v))
L_ADDIW: RD = SEXT32(RS1 + (uint64_t)IMM); NEXT();
L_SLLIW: RD = SEXT32((uint32_t)RS1 << insn->imm); NEXT();
L_SRLIW: RD = SEXT32((uint32_t)RS1 >> insn->imm); NEXT();
L_SRAIW: RD = (uint64_t)(int64_t)((int32_t)RS1 >> insn->imm); NEXT();
L_ADDW: RD = SEXT32(RS1 + RS2); NEXT();
L_SUBW: RD = SEXT32(RS1 - RS2); NEXT();
L_SLLW: RD = SEXT32((uint32_t)RS1 << (RS2 & 31)); NEXT();
L_SRLW: RD = SEXT32((uint32_t)RS1 >> (RS2 & 31)); NEXT();
L_SRAW: RD = (uint64_t)(int64_t)((int32_t)RS1 >> (RS2 & 31)); NEXT();

L_FENCE:
    /* Host stores are TSO: only store->load ordering needs a real fence. */
    rv_fence(h);
    NEXT();

L_MUL: RD = RS1 * RS2; NEXT();
L_MULH: RD = (uint64_t)(((__int128)(int64_t)RS1 * (__int128)(int64_t)RS2) >> 64); NEXT();
L_MULHSU: RD = (uint64_t)(((__int128)(int64_t)RS1 * (__int128)RS2) >> 64); NEXT();
L_MULHU: RD = (uint64_t)(((unsigned __int128)RS1 * RS2) >> 64); NEXT();
L_DIV: {
    int64_t a = (int64_t)RS1, b = (int64_t)RS2;
    RD = b == 0 ? ~0ULL : (a == INT64_MIN && b == -1) ? (uint64_t)a : (uint64_t)(a / b);
    NEXT();
}
L_DIVU: { uint64_t a = RS1, b = RS2; RD = b == 0 ? ~0ULL : a / b; NEXT(); }
L_REM: {
    int64_t a = (int64_t)RS1, b = (int64_t)RS2;
    RD = b == 0 ? (uint64_t)a : (a == INT64_MIN && b == -1) ? 0 : (uint64_t)(a % b);
    NEXT();
}
L_REMU: { uint64_t a = RS1, b = RS2; RD = b == 0 ? a : a % b; NEXT(); }
L_MULW: RD = SEXT32(RS1 * RS2); NEXT();
L_DIVW: {
    int32_t a = (int32_t)RS1, b = (int32_t)RS2;
    RD = b == 0 ? ~0ULL : (a == INT32_MIN && b == -1) ? SEXT32(a) : SEXT32(a / b);
    NEXT();
}
L_DIVUW: {
    uint32_t a = (uint32_t)RS1, b = (uint32_t)RS2;
    RD = b == 0 ? ~0ULL : SEXT32(a / b);
    NEXT();
}
L_REMW: {
    int32_t a = (int32_t)RS1, b = (int32_t)RS2;
    RD = b == 0 ? SEXT32(a) : (a == INT32_MIN && b == -1) ? 0 : SEXT32(a % b);
    NEXT();
}
L_REMUW: {
    uint32_t a = (uint32_t)RS1, b = (uint32_t)RS2;
    RD = b == 0 ? SEXT32(a) : SEXT32(a % b);
    NEXT();
}

    /* ---- A: LR/SC through the MMU's reservation; AMOs on a host pointer */
#define LR(size, conv) do {                                                    \
        uint64_t v, tv_;                                                       \
        enum vm_fault f_ = vm_mmu_load_reserved(h->mmu, RS1, size, &v, &tv_);  \
        if (unlikely(f_ != VM_FAULT_NONE))                                     \
            TRAP((uint64_t)f_, tv_);                                           \
        RD = conv;                                                             \
        NEXT();                                                                \
    } while (0)
#define SC(size) do {                                                          \
        uint64_t tv_;                                                          \
        bool ok_;                                                              \
        unsigned step_ = insn->step;                                             \
        enum vm_fault f_ = vm_mmu_store_conditional(h->mmu, RS1, size, RS2, &ok_, &tv_); \
        if (unlikely(f_ != VM_FAULT_NONE))                                     \
            TRAP((uint64_t)f_, tv_);                                           \
        RD = !ok_;                                                             \
        if (unlikely(h->events))                                               \
            RETIRE_AND_LEAVE(step_);                                            \
        NEXT();                                                                \
    } while (0)
    /* old = *p; *p = f(old, src), atomically. */
#define AMO(type, stype, fetch_expr) do {                                      \
        void *hp_;                                                             \
        uint64_t tv_;                                                          \
        type src = (type)RS2;                                                  \
        unsigned step_ = insn->step;                                             \
        enum vm_fault f_ = vm_mmu_amo_ptr(h->mmu, RS1, sizeof(type), &hp_, &tv_); \
        if (unlikely(f_ != VM_FAULT_NONE))                                     \
            TRAP((uint64_t)f_, tv_);                                           \
        type *p = hp_;                                                         \
        type old = fetch_expr;                                                 \
        RD = (uint64_t)(int64_t)(stype)old;                                    \
        if (unlikely(h->events))                                               \
            RETIRE_AND_LEAVE(step_);                                            \
        NEXT();                                                                \
    } while (0)
/* min/max: a compare-and-swap loop; `cur` is the value in memory. */
#define AMO_CAS(type, stype, newexpr) AMO(type, stype, ({                      \
        type cur = __atomic_load_n(p, __ATOMIC_RELAXED);                       \
        while (!__atomic_compare_exchange_n(p, &cur, (type)(newexpr), true,    \
                                            __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) \
            ;                                                                  \
        cur; }))
L_LR_W: LR(4, (uint64_t)(int64_t)(int32_t)v);
L_LR_D: LR(8, v);
L_SC_W: SC(4);
L_SC_D: SC(8);
L_AMOSWAP_W: AMO(uint32_t, int32_t, __atomic_exchange_n(p, src, __ATOMIC_SEQ_CST));
L_AMOADD_W: AMO(uint32_t, int32_t, __atomic_fetch_add(p, src, __ATOMIC_SEQ_CST));
L_AMOXOR_W: AMO(uint32_t, int32_t, __atomic_fetch_xor(p, src, __ATOMIC_SEQ_CST));
L_AMOAND_W: AMO(uint32_t, int32_t, __atomic_fetch_and(p, src, __ATOMIC_SEQ_CST));
L_AMOOR_W: AMO(uint32_t, int32_t, __atomic_fetch_or(p, src, __ATOMIC_SEQ_CST));
L_AMOMIN_W: AMO_CAS(uint32_t, int32_t, (int32_t)cur < (int32_t)src ? cur : src);
L_AMOMAX_W: AMO_CAS(uint32_t, int32_t, (int32_t)cur > (int32_t)src ? cur : src);
L_AMOMINU_W: AMO_CAS(uint32_t, int32_t, cur < src ? cur : src);
L_AMOMAXU_W: AMO_CAS(uint32_t, int32_t, cur > src ? cur : src);
L_AMOSWAP_D: AMO(uint64_t, int64_t, __atomic_exchange_n(p, src, __ATOMIC_SEQ_CST));
L_AMOADD_D: AMO(uint64_t, int64_t, __atomic_fetch_add(p, src, __ATOMIC_SEQ_CST));
L_AMOXOR_D: AMO(uint64_t, int64_t, __atomic_fetch_xor(p, src, __ATOMIC_SEQ_CST));
L_AMOAND_D: AMO(uint64_t, int64_t, __atomic_fetch_and(p, src, __ATOMIC_SEQ_CST));
L_AMOOR_D: AMO(uint64_t, int64_t, __atomic_fetch_or(p, src, __ATOMIC_SEQ_CST));
L_AMOMIN_D: AMO_CAS(uint64_t, int64_t, (int64_t)cur < (int64_t)src ? cur : src);
L_AMOMAX_D: AMO_CAS(uint64_t, int64_t, (int64_t)cur > (int64_t)src ? cur : src);
L_AMOMINU_D: AMO_CAS(uint64_t, int64_t, cur < src ? cur : src);
L_AMOMAXU_D: AMO_CAS(uint64_t, int64_t, cur > src ? cur : src);

    /* ---- F/D loads and stores: FS gates them; FLW boxes, FSW stores raw */
L_FLW: {
    if (!FP_ENABLED())
        ILLEGAL();
    uint64_t v, tv;
    enum vm_fault f = rv_load(h->mmu, RS1 + IMM, 4, &v, &tv);
    if (unlikely(f != VM_FAULT_NONE))
        TRAP((uint64_t)f, tv);
    h->f[insn->rd] = 0xffffffff00000000ULL | (uint32_t)v;
    FP_DIRTY();
    NEXT();
}
L_FLD: {
    if (!FP_ENABLED())
        ILLEGAL();
    uint64_t v, tv;
    enum vm_fault f = rv_load(h->mmu, RS1 + IMM, 8, &v, &tv);
    if (unlikely(f != VM_FAULT_NONE))
        TRAP((uint64_t)f, tv);
    h->f[insn->rd] = v;
    FP_DIRTY();
    NEXT();
}
L_FSW:
    if (!FP_ENABLED())
        ILLEGAL();
    STORE(4, (uint32_t)h->f[insn->rs2]);
L_FSD:
    if (!FP_ENABLED())
        ILLEGAL();
    STORE(8, h->f[insn->rs2]);
L_FLH: { /* Zfhmin: boxed in 48 ones */
    if (!FP_ENABLED())
        ILLEGAL();
    uint64_t v, tv;
    enum vm_fault f = rv_load(h->mmu, RS1 + IMM, 2, &v, &tv);
    if (unlikely(f != VM_FAULT_NONE))
        TRAP((uint64_t)f, tv);
    h->f[insn->rd] = 0xffffffffffff0000ULL | (uint16_t)v;
    FP_DIRTY();
    NEXT();
}
L_FSH:
    if (!FP_ENABLED())
        ILLEGAL();
    STORE(2, (uint16_t)h->f[insn->rs2]);

    /* ---- Zicbom, Zicboz: out of line; cbo.zero may rewrite decoded code */
L_CBO_ZERO:
L_CBO_MGMT: {
    uint64_t tv_;
    unsigned step_ = insn->step;
    int r_ = rv_cbo_exec(h, (unsigned)insn->imm, RS1, &tv_);
    if (unlikely(r_ < 0))
        ILLEGAL();
    if (unlikely(r_ > 0))
        TRAP((uint64_t)r_, tv_);
    if (unlikely(h->events))
        RETIRE_AND_LEAVE(step_);
    NEXT();
}

    /* ---- Zba */
L_ADD_UW: RD = RS2 + (uint32_t)RS1; NEXT();
L_SH1ADD: RD = RS2 + (RS1 << 1); NEXT();
L_SH2ADD: RD = RS2 + (RS1 << 2); NEXT();
L_SH3ADD: RD = RS2 + (RS1 << 3); NEXT();
L_SH1ADD_UW: RD = RS2 + ((uint64_t)(uint32_t)RS1 << 1); NEXT();
L_SH2ADD_UW: RD = RS2 + ((uint64_t)(uint32_t)RS1 << 2); NEXT();
L_SH3ADD_UW: RD = RS2 + ((uint64_t)(uint32_t)RS1 << 3); NEXT();
L_SLLI_UW: RD = (uint64_t)(uint32_t)RS1 << insn->imm; NEXT();

    /* ---- Zbb */
L_ANDN: RD = RS1 & ~RS2; NEXT();
L_ORN: RD = RS1 | ~RS2; NEXT();
L_XNOR: RD = ~(RS1 ^ RS2); NEXT();
L_CLZ: { uint64_t a = RS1; RD = a ? (uint64_t)__builtin_clzll(a) : 64; NEXT(); }
L_CLZW: { uint32_t a = (uint32_t)RS1; RD = a ? (uint64_t)__builtin_clz(a) : 32; NEXT(); }
L_CTZ: { uint64_t a = RS1; RD = a ? (uint64_t)__builtin_ctzll(a) : 64; NEXT(); }
L_CTZW: { uint32_t a = (uint32_t)RS1; RD = a ? (uint64_t)__builtin_ctz(a) : 32; NEXT(); }
L_CPOP: RD = (uint64_t)__builtin_popcountll(RS1); NEXT();
L_CPOPW: RD = (uint64_t)__builtin_popcount((uint32_t)RS1); NEXT();
L_MAX: RD = (int64_t)RS1 > (int64_t)RS2 ? RS1 : RS2; NEXT();
L_MAXU: RD = RS1 > RS2 ? RS1 : RS2; NEXT();
L_MIN: RD = (int64_t)RS1 < (int64_t)RS2 ? RS1 : RS2; NEXT();
L_MINU: RD = RS1 < RS2 ? RS1 : RS2; NEXT();
L_SEXT_B: RD = (uint64_t)(int64_t)(int8_t)RS1; NEXT();
L_SEXT_H: RD = (uint64_t)(int64_t)(int16_t)RS1; NEXT();
L_ZEXT_H: RD = (uint16_t)RS1; NEXT();
#define ROL64(a, s) (((a) << ((s) & 63)) | ((a) >> (-(s) & 63)))
#define ROR64(a, s) (((a) >> ((s) & 63)) | ((a) << (-(s) & 63)))
#define ROL32(a, s) (((a) << ((s) & 31)) | ((a) >> (-(s) & 31)))
#define ROR32(a, s) (((a) >> ((s) & 31)) | ((a) << (-(s) & 31)))
L_ROL: { uint64_t a = RS1; unsigned s = (unsigned)RS2; RD = ROL64(a, s); NEXT(); }
L_ROR: { uint64_t a = RS1; unsigned s = (unsigned)RS2; RD = ROR64(a, s); NEXT(); }
L_RORI: { uint64_t a = RS1; unsigned s = (unsigned)insn->imm; RD = ROR64(a, s); NEXT(); }
L_ROLW: { uint32_t a = (uint32_t)RS1; unsigned s = (unsigned)RS2; RD = SEXT32(ROL32(a, s)); NEXT(); }
L_RORW: { uint32_t a = (uint32_t)RS1; unsigned s = (unsigned)RS2; RD = SEXT32(ROR32(a, s)); NEXT(); }
L_RORIW: { uint32_t a = (uint32_t)RS1; unsigned s = (unsigned)insn->imm; RD = SEXT32(ROR32(a, s)); NEXT(); }
L_ORC_B: {
    uint64_t a = RS1, r = 0;
    for (unsigned i = 0; i < 64; i += 8)
        if ((a >> i) & 0xff)
            r |= 0xffULL << i;
    RD = r;
    NEXT();
}
L_REV8: RD = __builtin_bswap64(RS1); NEXT();

    /* ---- Zbs */
L_BCLR: RD = RS1 & ~(1ULL << (RS2 & 63)); NEXT();
L_BCLRI: RD = RS1 & ~(1ULL << insn->imm); NEXT();
L_BEXT: RD = (RS1 >> (RS2 & 63)) & 1; NEXT();
L_BEXTI: RD = (RS1 >> insn->imm) & 1; NEXT();
L_BINV: RD = RS1 ^ (1ULL << (RS2 & 63)); NEXT();
L_BINVI: RD = RS1 ^ (1ULL << insn->imm); NEXT();
L_BSET: RD = RS1 | (1ULL << (RS2 & 63)); NEXT();
L_BSETI: RD = RS1 | (1ULL << insn->imm); NEXT();

    /* ---- Zbc, Zbkc, Zbkb, Zbkx */
L_CLMUL: h->used.clmul++; RD = (uint64_t)rv_clmul128(RS1, RS2); NEXT();
L_CLMULH: h->used.clmul++; RD = (uint64_t)(rv_clmul128(RS1, RS2) >> 64); NEXT();
L_CLMULR: h->used.clmul++; RD = (uint64_t)(rv_clmul128(RS1, RS2) >> 63); NEXT();
L_PACK: RD = (uint32_t)RS1 | RS2 << 32; NEXT();
L_PACKH: RD = (uint8_t)RS1 | (uint64_t)(uint8_t)RS2 << 8; NEXT();
L_PACKW: RD = SEXT32((uint16_t)RS1 | (uint32_t)(uint16_t)RS2 << 16); NEXT();
L_BREV8: RD = rv_brev8(RS1); NEXT();
L_XPERM4: RD = rv_xperm4(RS1, RS2); NEXT();
L_XPERM8: RD = rv_xperm8(RS1, RS2); NEXT();

    /* ---- Zkne, Zknd, Zknh, Zksed, Zksh */
L_AES64ES: h->used.zkn++; RD = rv_aes64es(RS1, RS2); NEXT();
L_AES64ESM: h->used.zkn++; RD = rv_aes64esm(RS1, RS2); NEXT();
L_AES64DS: h->used.zkn++; RD = rv_aes64ds(RS1, RS2); NEXT();
L_AES64DSM: h->used.zkn++; RD = rv_aes64dsm(RS1, RS2); NEXT();
L_AES64IM: RD = rv_aes64im(RS1); NEXT();
L_AES64KS1I: RD = rv_aes64ks1i(RS1, (unsigned)insn->imm); NEXT();
L_AES64KS2: RD = rv_aes64ks2(RS1, RS2); NEXT();
L_SHA256SIG0: h->used.zkn++; RD = rv_sha256sig0(RS1); NEXT();
L_SHA256SIG1: RD = rv_sha256sig1(RS1); NEXT();
L_SHA256SUM0: RD = rv_sha256sum0(RS1); NEXT();
L_SHA256SUM1: RD = rv_sha256sum1(RS1); NEXT();
L_SHA512SIG0: RD = rv_sha512sig0(RS1); NEXT();
L_SHA512SIG1: RD = rv_sha512sig1(RS1); NEXT();
L_SHA512SUM0: h->used.zkn++; RD = rv_sha512sum0(RS1); NEXT();
L_SHA512SUM1: RD = rv_sha512sum1(RS1); NEXT();
L_SM4ED: RD = rv_sm4ed(RS1, RS2, (unsigned)insn->imm); NEXT();
L_SM4KS: RD = rv_sm4ks(RS1, RS2, (unsigned)insn->imm); NEXT();
L_SM3P0: RD = rv_sm3p0(RS1); NEXT();
L_SM3P1: RD = rv_sm3p1(RS1); NEXT();

    /* ---- Zicond */
L_CZERO_EQZ: RD = RS2 ? RS1 : 0; NEXT();
L_CZERO_NEZ: RD = RS2 ? 0 : RS1; NEXT();

L_FP_GROUP:
    if (unlikely(rv_fp_exec(h, insn) != 0))
        ILLEGAL();
    NEXT();

L_SYS_GROUP:
    /* Out of line with state synced; it sets h->pc (next or trap vector)
     * and retires the instruction itself. */
    h->pc = PC();
    h->budget = budget;
    rv_system_exec(h, insn);
    return;

out:
    h->budget = budget;
}

const void *const *rv_handlers(void)
{
    if (!__atomic_load_n(&handler_table, __ATOMIC_ACQUIRE))
        rv_exec(NULL, NULL, NULL, 0); /* idempotent: every caller stores the same table */
    return handler_table;
}
