/* The translator: one block of guest code (within one physical page) to
 * x86-64. Two passes: the first decodes the block and decides which guest
 * registers live in host registers; the second emits, hot code in
 * program order and everything rare (memory slow paths, exits) in the
 * cold area of the cache. See docs/JIT.md for the conventions. */
#include <string.h>

#include "mmu/mmu_internal.h"
#include "riscv/csr_defs.h"
#include "riscv/decode.h"
#include "riscv/fpu.h"
#include "riscv/jit/jit_internal.h"
#include "riscv/jit/x86_emit.h"

/* Host registers that may hold guest registers, best first (the
 * callee-saved ones survive helper calls). */
static const int alloc_order[] = {X_RBX, X_R12, X_R13, X_R14, X_RSI, X_RDI,
                                  X_R8,  X_R9,  X_R10, X_R11};
#define NALLOC (sizeof(alloc_order) / sizeof(alloc_order[0]))
static bool caller_saved(int r)
{
    return r != X_RBX && r != X_R12 && r != X_R13 && r != X_R14;
}

struct insn {
    struct rv_decoded d;
    uint16_t off;  /* offset in the page */
    bool native;   /* translated here (else: a call to the interpreter or FPU) */
};

struct tr {
    struct rv_hart *h;
    struct rv_jit *j;
    struct x86_buf b, c; /* hot and cold code (writable view) */
    unsigned n;
    uint16_t start, end;  /* page offsets of the block */
    uint64_t page_pa;     /* physical address of its page */
    bool internal;        /* jumps to instructions of the block stay inside */
    bool direct;          /* loads read user mode's flat memory directly */
    bool sites;           /* user mode: every access goes in the host-fault table */
    bool target[JIT_MAX_INSNS];  /* instruction i is such a jump's target */
    uint8_t *label[JIT_MAX_INSNS]; /* ... and its code, once emitted */
    struct { uint8_t *site; uint16_t to; } fix[JIT_MAX_INSNS]; /* forward jumps */
    unsigned nfix;
    int8_t map[32];       /* guest register -> host register, or -1 */
    uint32_t mapped, load_at_entry, written;
    uint32_t dirty;       /* mapped registers newer than their memory copy */
    bool fs_checked;      /* mstatus.FS != Off was tested in this block */
    bool fs_dirtied;      /* ... and set to Dirty */
    const uint8_t *leave; /* the last leave stub (leave_stub) */
    uint32_t leave_mask;  /* ... the registers it writes back */
    unsigned k;           /* the instruction being emitted = retired before it */
    struct insn in[JIT_MAX_INSNS]; /* last: not cleared between blocks */
};

static bool is_branch(unsigned op)
{
    return op >= RV_OP_BEQ && op <= RV_OP_BGEU;
}

static bool is_csr_op(unsigned op)
{
    return op >= RV_OP_CSRRW && op <= RV_OP_CSRRCI;
}

static bool ends_block(unsigned op)
{
    return op == RV_OP_JAL || op == RV_OP_JALR || op == RV_OP_ILLEGAL ||
           (op >= RV_OP_FIRST_SYSTEM && !is_csr_op(op));
}

/* CSR instructions after which the block goes on: reads, and writes of
 * CSRs that change nothing the rest of the block or the dispatcher relies
 * on (translation, fetch permissions, privilege). Writes that change
 * interrupt state raise an event, and FS changes are seen by the helper,
 * so both still leave. Anything else (satp, PMP, CSRs added later) leaves. */
static bool csr_may_continue(const struct rv_decoded *d)
{
    unsigned csr = (unsigned)d->imm & 0xfff, op = d->op;
    bool writes = op == RV_OP_CSRRW || op == RV_OP_CSRRWI || d->rs1 != 0;
    if (!writes)
        return csr != CSR_SATP; /* reads of satp trap by TVM; leave, it is rare */
    switch (csr) {
    case CSR_FFLAGS: case CSR_FRM: case CSR_FCSR:
    case CSR_SSTATUS: case CSR_SIE: case CSR_STVEC: case CSR_SCOUNTEREN:
    case CSR_SSCRATCH: case CSR_SEPC: case CSR_SCAUSE: case CSR_STVAL: case CSR_SIP:
    case CSR_STIMECMP:
    case CSR_MSTATUS: case CSR_MEDELEG: case CSR_MIDELEG: case CSR_MIE: case CSR_MTVEC:
    case CSR_MCOUNTEREN: case CSR_MSCRATCH: case CSR_MEPC: case CSR_MCAUSE: case CSR_MTVAL:
    case CSR_MIP:
        return true;
    default:
        return false;
    }
}

/* Ops with a translation of their own; the others go through the
 * interpreter one instruction at a time. */
static bool translated(const struct rv_jit *j, unsigned op)
{
    switch (op) {
    case RV_OP_LUI: case RV_OP_AUIPC: case RV_OP_JAL: case RV_OP_JALR:
    case RV_OP_BEQ: case RV_OP_BNE: case RV_OP_BLT: case RV_OP_BGE: case RV_OP_BLTU:
    case RV_OP_BGEU:
    case RV_OP_LB: case RV_OP_LH: case RV_OP_LW: case RV_OP_LD: case RV_OP_LBU: case RV_OP_LHU:
    case RV_OP_LWU: case RV_OP_SB: case RV_OP_SH: case RV_OP_SW: case RV_OP_SD:
    case RV_OP_ADDI: case RV_OP_SLTI: case RV_OP_SLTIU: case RV_OP_XORI: case RV_OP_ORI:
    case RV_OP_ANDI: case RV_OP_SLLI: case RV_OP_SRLI: case RV_OP_SRAI:
    case RV_OP_ADD: case RV_OP_SUB: case RV_OP_SLL: case RV_OP_SLT: case RV_OP_SLTU:
    case RV_OP_XOR: case RV_OP_SRL: case RV_OP_SRA: case RV_OP_OR: case RV_OP_AND:
    case RV_OP_ADDIW: case RV_OP_SLLIW: case RV_OP_SRLIW: case RV_OP_SRAIW: case RV_OP_ADDW:
    case RV_OP_SUBW: case RV_OP_SLLW: case RV_OP_SRLW: case RV_OP_SRAW:
    case RV_OP_FENCE:
    case RV_OP_MUL: case RV_OP_MULH: case RV_OP_MULHSU: case RV_OP_MULHU: case RV_OP_DIV:
    case RV_OP_DIVU: case RV_OP_REM: case RV_OP_REMU: case RV_OP_MULW: case RV_OP_DIVW:
    case RV_OP_DIVUW: case RV_OP_REMW: case RV_OP_REMUW:
    case RV_OP_ADD_UW: case RV_OP_SH1ADD: case RV_OP_SH2ADD: case RV_OP_SH3ADD:
    case RV_OP_SH1ADD_UW: case RV_OP_SH2ADD_UW: case RV_OP_SH3ADD_UW: case RV_OP_SLLI_UW:
    case RV_OP_ANDN: case RV_OP_ORN: case RV_OP_XNOR:
    case RV_OP_MAX: case RV_OP_MAXU: case RV_OP_MIN: case RV_OP_MINU:
    case RV_OP_SEXT_B: case RV_OP_SEXT_H: case RV_OP_ZEXT_H:
    case RV_OP_ROL: case RV_OP_ROLW: case RV_OP_ROR: case RV_OP_RORW: case RV_OP_RORI:
    case RV_OP_RORIW: case RV_OP_REV8:
    case RV_OP_BCLR: case RV_OP_BCLRI: case RV_OP_BEXT: case RV_OP_BEXTI: case RV_OP_BINV:
    case RV_OP_BINVI: case RV_OP_BSET: case RV_OP_BSETI:
    case RV_OP_FLW: case RV_OP_FLD: case RV_OP_FSW: case RV_OP_FSD:
        return true;
    case RV_OP_CLZ: case RV_OP_CLZW: return j->lzcnt;
    case RV_OP_CTZ: case RV_OP_CTZW: return j->bmi1;
    case RV_OP_CPOP: case RV_OP_CPOPW: return j->popcnt;
    default:
        return false;
    }
}

/* Registers read (as a mask) and the one written, for allocation. */
static uint32_t reads_of(const struct rv_decoded *d)
{
    unsigned op = d->op;
    uint32_t m = 0;
    switch (op) {
    case RV_OP_LUI: case RV_OP_AUIPC: case RV_OP_JAL: case RV_OP_FENCE:
        break;
    case RV_OP_BEQ: case RV_OP_BNE: case RV_OP_BLT: case RV_OP_BGE: case RV_OP_BLTU:
    case RV_OP_BGEU: case RV_OP_SB: case RV_OP_SH: case RV_OP_SW: case RV_OP_SD:
    case RV_OP_ADD: case RV_OP_SUB: case RV_OP_SLL: case RV_OP_SLT: case RV_OP_SLTU:
    case RV_OP_XOR: case RV_OP_SRL: case RV_OP_SRA: case RV_OP_OR: case RV_OP_AND:
    case RV_OP_ADDW: case RV_OP_SUBW: case RV_OP_SLLW: case RV_OP_SRLW: case RV_OP_SRAW:
    case RV_OP_MUL: case RV_OP_MULH: case RV_OP_MULHSU: case RV_OP_MULHU: case RV_OP_DIV:
    case RV_OP_DIVU: case RV_OP_REM: case RV_OP_REMU: case RV_OP_MULW: case RV_OP_DIVW:
    case RV_OP_DIVUW: case RV_OP_REMW: case RV_OP_REMUW:
    case RV_OP_ADD_UW: case RV_OP_SH1ADD: case RV_OP_SH2ADD: case RV_OP_SH3ADD:
    case RV_OP_SH1ADD_UW: case RV_OP_SH2ADD_UW: case RV_OP_SH3ADD_UW:
    case RV_OP_ANDN: case RV_OP_ORN: case RV_OP_XNOR: case RV_OP_MAX: case RV_OP_MAXU:
    case RV_OP_MIN: case RV_OP_MINU: case RV_OP_ROL: case RV_OP_ROLW: case RV_OP_ROR:
    case RV_OP_RORW: case RV_OP_BCLR: case RV_OP_BEXT: case RV_OP_BINV: case RV_OP_BSET:
        m = 1u << d->rs1 | 1u << d->rs2;
        break;
    default:
        m = 1u << d->rs1;
        break;
    }
    return m & ~1u;
}

static bool writes_rd(const struct rv_decoded *d)
{
    return d->rd != 0 && rv_op_writes_x((enum rv_op)d->op);
}

/* ---- first pass ---- */

static uint32_t fetch_parcel(const uint8_t *page, unsigned off)
{
    return __atomic_load_n((const uint16_t *)(page + off), __ATOMIC_RELAXED);
}

/* The index of the block's instruction at page offset `off`, or -1. */
static int target_index(const struct tr *t, int64_t off)
{
    unsigned lo = 0, hi = t->n;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (t->in[mid].off < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && t->in[lo].off == off ? (int)lo : -1;
}

/* Decode the block starting at page offset start. False if its first
 * instruction straddles the page (a crossing block instead). */
static bool scan(struct tr *t, const uint8_t *page)
{
    unsigned off = t->start;
    t->n = 0;
    while (t->n < JIT_MAX_INSNS && off < RV_PAGE_SIZE) {
        /* From now on a store into these bytes drops the block. */
        rv_code_mark(t->h, t->page_pa + off, off + 4 <= RV_PAGE_SIZE ? 4 : 2);
        uint32_t bits = fetch_parcel(page, off);
        if ((bits & 3) == 3) {
            if (off + 4 > RV_PAGE_SIZE)
                break; /* straddles the page: the interpreter runs it */
            bits |= fetch_parcel(page, off + 2) << 16;
        }
        struct insn *in = &t->in[t->n++];
        rv_decode(bits, &t->h->isa, &in->d);
        in->off = (uint16_t)off;
        in->native = translated(t->j, in->d.op);
        off += in->d.len;
        if (ends_block(in->d.op))
            break;
    }
    t->end = (uint16_t)off;
    /* Branches and jumps to the block's own instructions (loops, skips
     * over a few instructions) become jumps inside its code. */
    for (unsigned i = 0; i < t->n; i++) {
        const struct insn *in = &t->in[i];
        if (!in->native || !(in->d.op == RV_OP_JAL || is_branch(in->d.op)))
            continue;
        int m = target_index(t, (int64_t)in->off + in->d.imm);
        if (m >= 0) {
            t->target[m] = true;
            t->internal = true;
        }
    }
    return t->n > 0;
}

/* Weight of each instruction's register uses: those inside a loop of the
 * block (from a backward jump's target to the jump) run many times per
 * entry, so their registers go first. */
#define JIT_LOOP_WEIGHT 16

static void loop_weights(const struct tr *t, unsigned *w)
{
    for (unsigned i = 0; i < t->n; i++)
        w[i] = 1;
    if (!t->internal)
        return;
    for (unsigned i = 0; i < t->n; i++) {
        const struct insn *in = &t->in[i];
        if (!in->native || !(in->d.op == RV_OP_JAL || is_branch(in->d.op)) || in->d.imm > 0)
            continue;
        int m = target_index(t, (int64_t)in->off + in->d.imm);
        for (int k = m; k >= 0 && k <= (int)i; k++)
            w[k] = JIT_LOOP_WEIGHT;
    }
}

/* Give the most used guest registers a host register each. */
static void allocate(struct tr *t)
{
    unsigned uses[32] = {0}, w[JIT_MAX_INSNS];
    uint32_t seen = 0;
    loop_weights(t, w);
    for (unsigned i = 0; i < t->n; i++) {
        const struct rv_decoded *d = &t->in[i].d;
        if (!t->in[i].native)
            continue;
        uint32_t r = reads_of(d) & ~1u;
        t->load_at_entry |= r & ~seen; /* read before anything wrote them */
        seen |= r;
        for (; r; r &= r - 1) /* the registers read (a translation's hot loop) */
            uses[__builtin_ctz(r)] += w[i];
        if (writes_rd(d)) {
            uses[d->rd] += w[i];
            seen |= 1u << d->rd;
            t->written |= 1u << d->rd;
        }
    }
    memset(t->map, -1, sizeof(t->map));
    t->mapped = 0;
    uint32_t cand = 0; /* used at least twice: worth a host register */
    for (unsigned x = 1; x < 32; x++)
        cand |= (uint32_t)(uses[x] >= 2) << x;
    for (unsigned slot = 0; slot < NALLOC && cand; slot++) {
        unsigned best = (unsigned)__builtin_ctz(cand); /* the most used; the lowest on a tie */
        for (uint32_t m = cand & (cand - 1); m; m &= m - 1)
            if (uses[__builtin_ctz(m)] > uses[best])
                best = (unsigned)__builtin_ctz(m);
        t->map[best] = (int8_t)alloc_order[slot];
        t->mapped |= 1u << best;
        cand &= ~(1u << best);
    }
    t->written &= t->mapped;
    t->load_at_entry &= t->mapped;
    if (t->internal) /* an instruction may be reached by several paths */
        t->load_at_entry = t->mapped;
}

/* ---- register access ---- */

/* Host register holding guest register r, loaded into `scratch` if r has
 * none (zero for x0). */
static int src(struct tr *t, unsigned r, int scratch)
{
    if (r == 0) {
        x86_mov_imm(&t->b, scratch, 0);
        return scratch;
    }
    if (t->map[r] >= 0)
        return t->map[r];
    x86_load(&t->b, scratch, X_RBP, JIT_XOFF(r));
    return scratch;
}

/* Where to compute guest register r: its host register or RAX. */
static int dst(struct tr *t, unsigned r)
{
    return r && t->map[r] >= 0 ? t->map[r] : X_RAX;
}

/* The value of r is now in host register v (from dst()). */
static void put(struct tr *t, unsigned r, int v)
{
    if (r == 0)
        return;
    if (t->map[r] >= 0) {
        if (v != t->map[r])
            x86_mov_rr(&t->b, t->map[r], v);
        t->dirty |= 1u << r;
    } else {
        x86_store(&t->b, X_RBP, JIT_XOFF(r), v);
    }
}

/* v = guest register r (v is a host register; nothing if it holds r). */
static void get(struct tr *t, int v, unsigned r)
{
    if (r == 0)
        x86_mov_imm(&t->b, v, 0);
    else if (t->map[r] >= 0) {
        if (t->map[r] != v)
            x86_mov_rr(&t->b, v, t->map[r]);
    } else
        x86_load(&t->b, v, X_RBP, JIT_XOFF(r));
}

/* v op= guest register r, from its host register or straight from memory
 * (w: 64-bit, else 32-bit). */
static void alu_with(struct tr *t, enum x86_alu op, int v, unsigned r, bool w)
{
    struct x86_buf *b = &t->b;
    if (r == 0) {
        if (op == ALU_AND)
            x86_mov_imm(b, v, 0);
        else if (op == ALU_CMP)
            w ? x86_alu_ri(b, op, v, 0) : x86_alu_ri32(b, op, v, 0);
        /* add, sub, or, xor with 0: nothing (word ops sign-extend after) */
    } else if (t->map[r] >= 0) {
        w ? x86_alu_rr(b, op, v, t->map[r]) : x86_alu_rr32(b, op, v, t->map[r]);
    } else {
        w ? x86_alu_rm(b, op, v, X_RBP, X_NONE, 1, JIT_XOFF(r))
          : x86_alu_rm32(b, op, v, X_RBP, X_NONE, 1, JIT_XOFF(r));
    }
}

/* Mapped registers whose memory copy may be stale at this point. */
static uint32_t dirty_now(const struct tr *t)
{
    return t->internal ? t->dirty | t->written : t->dirty;
}

static void write_back(struct tr *t, struct x86_buf *b, uint32_t mask)
{
    for (unsigned x = 1; x < 32; x++)
        if (mask >> x & 1)
            x86_store(b, X_RBP, JIT_XOFF(x), t->map[x]);
}

static void reload(struct tr *t, struct x86_buf *b, uint32_t mask)
{
    for (unsigned x = 1; x < 32; x++)
        if (mask >> x & 1)
            x86_load(b, t->map[x], X_RBP, JIT_XOFF(x));
}

static uint32_t caller_saved_mapped(const struct tr *t)
{
    uint32_t m = 0;
    for (unsigned x = 1; x < 32; x++)
        if (t->map[x] >= 0 && caller_saved(t->map[x]))
            m |= 1u << x;
    return m;
}

/* dstr = the guest address at page offset `off` of the current page (may
 * be outside the page, and far for AUIPC). */
static void guest_addr(struct x86_buf *b, int dstr, int64_t off)
{
    if (x86_fits32(off)) {
        x86_load(b, dstr, X_RBP, JIT_HOFF(jit_page));
        if (off)
            x86_alu_ri(b, ALU_ADD, dstr, (int32_t)off);
    } else {
        x86_mov_imm(b, dstr, (uint64_t)off);
        x86_alu_rm(b, ALU_ADD, dstr, X_RBP, X_NONE, 1, JIT_HOFF(jit_page));
    }
}

/* Record this instruction's pc and the exact budget before a helper call. */
static void sync_pc_budget(struct tr *t, struct x86_buf *b, unsigned off, unsigned retired)
{
    guest_addr(b, X_RCX, off);
    x86_store(b, X_RBP, JIT_HOFF(pc), X_RCX);
    x86_lea(b, X_RCX, X_R15, X_NONE, 1, -(int32_t)retired);
    x86_store(b, X_RBP, JIT_HOFF(budget), X_RCX);
}

static void call_helper(struct x86_buf *b, const void *fn)
{
    x86_mov_imm(b, X_RAX, (uint64_t)(uintptr_t)fn);
    x86_call_r(b, X_RAX);
}

static const uint8_t *rw_of(const struct tr *t, const uint8_t *rx)
{
    return code_rw(&t->j->cc, rx);
}

/* ---- exits ---- */

/* Jump to guest address rax through the jump cache; leave on a miss. */
static void emit_lookup(struct tr *t, struct x86_buf *b)
{
    x86_mov_rr(b, X_RDX, X_RAX);
    x86_shift_ri(b, SH_SHR, X_RDX, 1, true);
    x86_alu_ri32(b, ALU_AND, X_RDX, JIT_JC_SIZE - 1);
    x86_lea(b, X_RDX, X_RDX, X_RDX, 2, 0); /* * 3 */
    x86_load(b, X_RCX, X_RBP, JIT_HOFF(jit));
    x86_lea(b, X_RDX, X_RCX, X_RDX, 8, 0);
    b->fuse = b->p;
    x86_alu_rm(b, ALU_CMP, X_RAX, X_RDX, X_NONE, 1, 0);
    x86_jcc_to(b, CC_NE, rw_of(t, t->j->exit_lookup));
    x86_load(b, X_RCX, X_RBP, JIT_HOFF(jc_tag));
    b->fuse = b->p;
    x86_alu_rm(b, ALU_CMP, X_RCX, X_RDX, X_NONE, 1, 8);
    x86_jcc_to(b, CC_NE, rw_of(t, t->j->exit_lookup));
    x86_mov_rr(b, X_RCX, X_RAX);
    x86_alu_ri(b, ALU_AND, X_RCX, -4096);
    x86_store(b, X_RBP, JIT_HOFF(jit_page), X_RCX);
    if (t->j->count_jumps)
        x86_alu_mi(b, ALU_ADD, X_RBP, JIT_HOFF(jit_lookup_hits), 1);
    x86_jmp_m(b, X_RDX, 16);
}

/* Leave the block for guest page offset `target` after `retired`
 * instructions, with the registers written back already. Same page: a
 * jump the dispatcher patches to the target block once it exists. */
static void emit_goto(struct tr *t, struct x86_buf *b, int64_t target, unsigned retired)
{
    if (t->j->mutate == RV_JIT_MUTATE_COUNT && retired > 1)
        retired--;
    if (retired)
        x86_alu_ri(b, ALU_SUB, X_R15, (int32_t)retired);
    if (target >= 0 && target < RV_PAGE_SIZE) {
        if (t->j->count_jumps)
            x86_alu_mi(b, ALU_ADD, X_RBP, JIT_HOFF(jit_direct_jumps), 1);
        uint8_t *site = x86_jmp(b);
        /* Not chained yet: tell the dispatcher where to patch. */
        uint8_t *stub = t->c.p;
        x86_patch_rel32(site, stub);
        guest_addr(&t->c, X_RAX, target);
        x86_store(&t->c, X_RBP, JIT_HOFF(pc), X_RAX);
        x86_mov_imm(&t->c, X_RAX, (uint64_t)(uintptr_t)code_rx(&t->j->cc, site));
        x86_store(&t->c, X_RBP, JIT_HOFF(jit_patch), X_RAX);
        x86_jmp_to(&t->c, rw_of(t, t->j->exit_chain));
    } else {
        guest_addr(b, X_RAX, target);
        emit_lookup(t, b);
    }
}

/* Jump from instruction k to instruction m of the block: r15 counts the
 * instructions before the current one from the block's start, as if it
 * ran straight; a jump moves that origin by what it skips (forward) or
 * runs again (backward). */
static void emit_forward(struct tr *t, struct x86_buf *b, unsigned m)
{
    unsigned skipped = m - (t->k + 1);
    if (skipped)
        x86_alu_ri(b, ALU_ADD, X_R15, (int32_t)skipped);
    t->fix[t->nfix].site = x86_jmp(b);
    t->fix[t->nfix++].to = (uint16_t)m;
}

/* A jump to `target` taken after instruction k: write back and go. Jumps
 * to the block's own instructions stay inside: forward at once, backward
 * when the budget allows (the one event check of a loop). */
static void emit_exit_to(struct tr *t, struct x86_buf *b, int64_t target)
{
    unsigned retired = t->k + 1;
    int m = t->internal ? target_index(t, target) : -1;
    if (m > (int)t->k) {
        emit_forward(t, b, (unsigned)m);
        return;
    }
    if (m >= 0) {
        x86_alu_ri(b, ALU_SUB, X_R15, (int32_t)(retired - (unsigned)m));
        b->fuse = b->p;
        x86_alu_rm(b, ALU_CMP, X_R15, X_RBP, X_NONE, 1, JIT_HOFF(jit_limit));
        x86_jcc_to(b, CC_G, t->label[m]);
        /* out of budget: leave with the count exact (r15 now counts from
         * m), as a block entry would (no chaining site: the dispatcher
         * would only find the budget spent) */
        write_back(t, b, dirty_now(t));
        if (m)
            x86_alu_ri(b, ALU_SUB, X_R15, m);
        guest_addr(b, X_RAX, target);
        x86_jmp_to(b, rw_of(t, t->j->exit_limit));
        return;
    }
    write_back(t, b, dirty_now(t));
    emit_goto(t, b, target, retired);
}

/* ---- memory ---- */

/* rax = the effective address rs1 + imm. */
static void emit_address(struct tr *t, unsigned rs1, int32_t imm)
{
    int base = src(t, rs1, X_RAX);
    if (imm)
        x86_lea(&t->b, X_RAX, base, X_NONE, 1, imm);
    else if (base != X_RAX)
        x86_mov_rr(&t->b, X_RAX, base);
}

/* rax = effective address; on an L1 hit for `kind` and `size`, rax = host
 * address; else jump to the returned patch site (cold path). */
static uint8_t *emit_probe(struct tr *t, unsigned rs1, int32_t imm, enum vm_access kind,
                           unsigned size)
{
    struct x86_buf *b = &t->b;
    emit_address(t, rs1, imm);
    if (t->j->bmi2) {
        x86_rorx(b, X_RCX, X_RAX, 8, true);
    } else {
        x86_mov_rr(b, X_RCX, X_RAX);
        x86_shift_ri(b, SH_SHR, X_RCX, 8, true);
    }
    x86_alu_rm(b, ALU_AND, X_RCX, X_RBP, X_NONE, 1, JIT_HOFF(jit_l1_mask) + 8 * (int32_t)kind);
    x86_alu_rm(b, ALU_ADD, X_RCX, X_RBP, X_NONE, 1, JIT_HOFF(jit_l1) + 8 * (int32_t)kind);
    x86_mov_rr(b, X_RDX, X_RAX);
    x86_alu_ri(b, ALU_AND, X_RDX, (int32_t)(-4096 | (int32_t)(size - 1)));
    b->fuse = b->p;
    x86_alu_rm(b, ALU_CMP, X_RDX, X_RCX, X_NONE, 1, 0);
    uint8_t *slow = x86_jcc(b, CC_NE);
    x86_alu_rm(b, ALU_ADD, X_RAX, X_RCX, X_NONE, 1, 8);
    if (t->h->mmu->count_hits) { /* -accel tcg,l1-hits=on: rcx is free again */
        x86_load(b, X_RCX, X_RBP, JIT_HOFF(mmu));
        x86_alu_mi(b, ALU_ADD, X_RCX,
                   (int32_t)(offsetof(struct vm_mmu_hart, stats.l1_hits) + 8 * (unsigned)kind), 1);
    }
    return slow;
}

/* A direct access of user mode (docs/JIT.md): rax = va; if va is inside
 * the flat range, rcx = its host base and the caller's next instruction is
 * the access to [rax + rcx] (a host fault there resumes in the slow path);
 * else a jump to the returned site, the slow path (nothing is mapped
 * there: the MMU raises the guest's fault). The range is [0, 2^k) and the
 * base fixed while the code lives (jit.c flushes when they change), so
 * both are constants: no load from the hart. */
static uint8_t *emit_direct_check(struct tr *t, unsigned rs1, int32_t imm)
{
    struct x86_buf *b = &t->b;
    unsigned k = (unsigned)__builtin_ctzll(t->h->jit_flat_size);
    emit_address(t, rs1, imm);
    if (t->j->bmi2) { /* the bits from k up, rotated to the bottom: zero iff inside */
        x86_rorx(b, X_RCX, X_RAX, k, true);
        b->fuse = b->p;
        x86_test_ri(b, X_RCX, (int32_t)((1u << (64 - k)) - 1));
    } else {
        x86_mov_rr(b, X_RCX, X_RAX);
        x86_shift_ri(b, SH_SHR, X_RCX, k, true);
    }
    uint8_t *slow = x86_jcc(b, CC_NE);
    x86_mov_imm(b, X_RCX, (uint64_t)(uintptr_t)t->h->jit_flat_base);
    return slow;
}

/* A leave path for the cold code: write back `dirty` and leave (the
 * helper has set pc and the budget). It depends only on the mask (the
 * block's register map is fixed), so consecutive accesses with the same
 * dirty set share one. Emitted where cold code ends with a jump. */
static const uint8_t *leave_stub(struct tr *t, uint32_t dirty)
{
    struct x86_buf *c = &t->c;
    if (t->leave && t->leave_mask == dirty)
        return t->leave;
    t->leave = c->p;
    t->leave_mask = dirty;
    write_back(t, c, dirty);
    x86_jmp_to(c, rw_of(t, t->j->exit_helper));
    return t->leave;
}

/* The cold path of a memory access (va in rax): the shared trampoline
 * saves the caller-saved host registers, sets pc and the budget from the
 * packed site word in ecx and calls the helper (jit_slow_load/store); on a
 * fault or a write to code the dirty registers are written back and the
 * block leaves. `value`: the store's guest register (-1 for a load), or
 * with fp_value the FP register. */
static uint8_t *emit_mem_slow(struct tr *t, uint8_t *site, uint32_t dirty, bool store,
                              unsigned size, bool sign, int value, bool fp_value)
{
    struct x86_buf *c = &t->c;
    const struct insn *in = &t->in[t->k];
    const uint8_t *leave = leave_stub(t, dirty);
    uint8_t *start = c->p;
    x86_patch_rel32(site, start);
    if (store) { /* the value in rdx */
        if (fp_value)
            x86_load(c, X_RDX, X_RBP, JIT_FOFF(value));
        else if (value == 0)
            x86_mov_imm(c, X_RDX, 0);
        else if (t->map[value] >= 0)
            x86_mov_rr(c, X_RDX, t->map[value]);
        else
            x86_load(c, X_RDX, X_RBP, JIT_XOFF(value));
    }
    unsigned lg = size == 8 ? 3 : size == 4 ? 2 : size == 2 ? 1 : 0;
    x86_mov_imm(c, X_RCX, JIT_SITE(in->off, t->k, lg, sign, in->d.len == 4));
    x86_call_to(c, rw_of(t, store ? t->j->slow_store : t->j->slow_load));
    x86_test_rr(c, X_RDX, X_RDX);
    x86_jcc_to(c, CC_NE, leave);
    return start;
}

/* In user mode an access's slow path (emit_mem_slow's start) is also
 * where a host fault of its access instruction resumes: a direct one's
 * (rax = va), or a probed one's after an L1 hit (rax = host address; a
 * file mapping truncated under a filled PTE faults so). */
static void note_access(struct tr *t, const uint8_t *access, const uint8_t *slow, bool direct,
                        bool store)
{
    if (!t->sites)
        return;
    jit_fault_site_add(t->j, access, slow, !direct);
    if (direct && store)
        t->j->stats.direct_stores++;
    else if (direct)
        t->j->stats.direct_loads++;
}

static void emit_load(struct tr *t, const struct rv_decoded *d, unsigned size, bool sign)
{
    int index = t->direct ? X_RCX : X_NONE;
    uint8_t *slow = t->direct ? emit_direct_check(t, d->rs1, d->imm)
                              : emit_probe(t, d->rs1, d->imm, VM_ACCESS_LOAD, size);
    uint32_t dirty = dirty_now(t); /* before rd: the slow path has not loaded it */
    int v = dst(t, d->rd);
    const uint8_t *load = t->b.p;
    if (d->rd || t->direct) /* (a direct load of x0 must still fault) */
        x86_load_ext(&t->b, d->rd ? v : X_RDX, X_RAX, index, 0, size, sign);
    put(t, d->rd, v);
    uint8_t *done = t->b.p;
    uint8_t *start = emit_mem_slow(t, slow, dirty, false, size, sign, -1, false);
    if (d->rd || t->direct)
        note_access(t, load, start, t->direct, false);
    if (d->rd) { /* the helper's value is extended already */
        if (t->map[d->rd] >= 0)
            x86_mov_rr(&t->c, t->map[d->rd], X_RAX);
        else
            x86_store(&t->c, X_RBP, JIT_XOFF(d->rd), X_RAX);
    }
    x86_jmp_to(&t->c, done);
}

static void emit_store(struct tr *t, const struct rv_decoded *d, unsigned size)
{
    bool direct = t->direct && t->h->jit_flat_stores;
    uint8_t *slow = direct ? emit_direct_check(t, d->rs1, d->imm)
                           : emit_probe(t, d->rs1, d->imm, VM_ACCESS_STORE, size);
    int v = src(t, d->rs2, X_RDX);
    const uint8_t *store = t->b.p;
    x86_store_sz(&t->b, X_RAX, direct ? X_RCX : X_NONE, 0, v, size);
    uint8_t *done = t->b.p;
    uint8_t *start = emit_mem_slow(t, slow, dirty_now(t), true, size, false, (int)d->rs2, false);
    note_access(t, store, start, direct, true);
    x86_jmp_to(&t->c, done);
}

/* ---- floating point ---- */

/* FP instructions are illegal while mstatus.FS is Off: test it once per
 * block (only system instructions change it, and they end blocks). */
static void emit_fs_check(struct tr *t, const struct insn *in)
{
    if (t->fs_checked)
        return;
    t->fs_checked = true;
    struct x86_buf *c = &t->c;
    x86_test_mi(&t->b, X_RBP, JIT_HOFF(mstatus), (int32_t)MSTATUS_FS);
    x86_patch_rel32(x86_jcc(&t->b, CC_E), c->p);
    write_back(t, c, dirty_now(t));
    sync_pc_budget(t, c, in->off, t->k);
    x86_lea(c, X_RDI, X_RBP, X_NONE, 1, -JIT_BIAS);
    call_helper(c, (const void *)rv_raise_illegal);
    x86_jmp_to(c, rw_of(t, t->j->exit_helper));
}

/* mstatus.FS = Dirty (and SD), once per block. */
static void emit_fs_dirty(struct tr *t)
{
    if (t->fs_dirtied)
        return;
    t->fs_dirtied = true;
    x86_mov_imm(&t->b, X_RCX, MSTATUS_FS_DIRTY | MSTATUS_SD);
    static const uint8_t or_m[] = {0x09}; /* or [rbp + mstatus], rcx */
    x86_op_rm(&t->b, true, or_m, 1, X_RCX, X_RBP, X_NONE, 1, JIT_HOFF(mstatus));
}

static void emit_fload(struct tr *t, const struct insn *in, unsigned size)
{
    const struct rv_decoded *d = &in->d;
    emit_fs_check(t, in);
    int index = t->direct ? X_RCX : X_NONE;
    uint8_t *slow = t->direct ? emit_direct_check(t, d->rs1, d->imm)
                              : emit_probe(t, d->rs1, d->imm, VM_ACCESS_LOAD, size);
    const uint8_t *load = t->b.p;
    x86_load_ext(&t->b, X_RDX, X_RAX, index, 0, size, false);
    uint8_t *join = t->b.p;
    if (size == 4) { /* NaN-box */
        x86_mov_imm(&t->b, X_RCX, 0xffffffff00000000ULL);
        x86_alu_rr(&t->b, ALU_OR, X_RDX, X_RCX);
    }
    x86_store(&t->b, X_RBP, JIT_FOFF(d->rd), X_RDX);
    emit_fs_dirty(t);
    uint8_t *start = emit_mem_slow(t, slow, dirty_now(t), false, size, false, -1, false);
    note_access(t, load, start, t->direct, false);
    x86_mov_rr(&t->c, X_RDX, X_RAX);
    x86_jmp_to(&t->c, join);
}

static void emit_fstore(struct tr *t, const struct insn *in, unsigned size)
{
    const struct rv_decoded *d = &in->d;
    emit_fs_check(t, in);
    bool direct = t->direct && t->h->jit_flat_stores;
    uint8_t *slow = direct ? emit_direct_check(t, d->rs1, d->imm)
                           : emit_probe(t, d->rs1, d->imm, VM_ACCESS_STORE, size);
    x86_load(&t->b, X_RDX, X_RBP, JIT_FOFF(d->rs2));
    const uint8_t *store = t->b.p;
    x86_store_sz(&t->b, X_RAX, direct ? X_RCX : X_NONE, 0, X_RDX, size);
    uint8_t *done = t->b.p;
    uint8_t *start = emit_mem_slow(t, slow, dirty_now(t), true, size, false, (int)d->rs2, true);
    note_access(t, store, start, direct, true);
    x86_jmp_to(&t->c, done);
}

/* F/D arithmetic: the exact FPU of the interpreter, called directly. */
static uint32_t fp_reads_x(const struct rv_decoded *d)
{
    return d->op == RV_OP_FCVT_FROM_INT || d->op == RV_OP_FMV_F_X ? 1u << d->rs1 & ~1u : 0;
}

/* Call the FPU helper for `in` from buffer b (hot or cold): the FPU reads
 * x registers from memory and may write x[rd]; the call clobbers the
 * caller-saved host registers. *dirty is the mapped-register state there;
 * on return the code continues with it updated (spilled ones clean). */
/* The decoded slot of `d` as data in the cold area: its executable address. */
static const uint8_t *emit_slot_data(struct tr *t, const struct rv_decoded *d)
{
    struct x86_buf *c = &t->c;
    while ((uintptr_t)c->p & 15)
        x86_u8(c, 0xcc);
    uint8_t *slot_rw = c->p;
    struct rv_slot slot;
    rv_slot_fill(&slot, d);
    x86_bytes(c, &slot, sizeof(slot));
    return code_rx(&t->j->cc, slot_rw);
}

static void emit_fp_helper_call(struct tr *t, struct x86_buf *b, const struct insn *in,
                                const uint8_t *slot, uint32_t *dirty, const uint8_t *resume)
{
    struct x86_buf *c = &t->c;
    const struct rv_decoded *d = &in->d;
    /* (in a block with internal jumps any register it writes may be newer
     * than memory here: written on an earlier pass) */
    uint32_t now = t->internal ? *dirty | t->written : *dirty;
    uint32_t spill = now & (caller_saved_mapped(t) | fp_reads_x(d));
    write_back(t, b, spill);
    *dirty &= ~spill;
    sync_pc_budget(t, b, in->off, t->k);
    x86_lea(b, X_RDI, X_RBP, X_NONE, 1, -JIT_BIAS);
    x86_mov_imm(b, X_RSI, (uint64_t)(uintptr_t)slot);
    call_helper(b, (const void *)jit_helper_fp);
    b->fuse = b->p;
    x86_test_rr(b, X_RDX, X_RDX);
    uint8_t *leave = x86_jcc(b, CC_NE);
    uint32_t rd_x = writes_rd(d) ? (1u << d->rd) & t->mapped : 0;
    reload(t, b, caller_saved_mapped(t) | rd_x);
    *dirty &= ~rd_x;
    if (resume) /* from the cold area: back to the hot code (before the exit stub below) */
        x86_jmp_to(b, resume);
    /* leave (illegal: FS off or a bad rounding mode): the registers not
     * spilled above must reach memory first */
    x86_patch_rel32(leave, c->p);
    uint32_t rest = (t->internal ? *dirty | t->written : *dirty) & ~caller_saved_mapped(t);
    write_back(t, c, rest);
    x86_jmp_to(c, rw_of(t, t->j->exit_helper));
}

static void emit_fp_op(struct tr *t, const struct insn *in)
{
    emit_fp_helper_call(t, &t->b, in, emit_slot_data(t, &in->d), &t->dirty, NULL);
    t->fs_dirtied = false; /* the FPU sets it itself; keep the invariant simple */
}

/* ---- F/D arithmetic on the host FPU, where that is provably exact ----
 *
 * The host computes in round-to-nearest-even (the process's MXCSR, never
 * changed for long: the FPU helpers restore it). Its result is the IEEE
 * result, and RISC-V's only differences are in flags and NaNs, so the
 * fast path runs only when neither can arise: frm/rm is RNE, fflags
 * already holds NX (inexact is sticky: most FP code sets it at once and
 * never clears it), the inputs are finite (no NV, no NaN), a divisor is
 * not zero (no DZ), and the result is a normal number (no OF, UF, NaN).
 * Otherwise the exact FPU of the interpreter runs it (the cold path). */

static void emit_fp_helper_call(struct tr *t, struct x86_buf *b, const struct insn *in,
                                const uint8_t *slot, uint32_t *dirty, const uint8_t *resume);
static const uint8_t *emit_slot_data(struct tr *t, const struct rv_decoded *d);

/* ecx = biased exponent of the value in `r` (double, or single in the low
 * 32 bits); jump to `slow` unless it passes `kind`: 1 finite, 2 normal. */
static void fp_exp_check(struct tr *t, int r, bool dbl, int kind, uint8_t **slow, unsigned *n)
{
    struct x86_buf *b = &t->b;
    x86_mov_rr(b, X_RCX, r);
    x86_shift_ri(b, SH_SHR, X_RCX, dbl ? 52 : 23, true);
    x86_alu_ri32(b, ALU_AND, X_RCX, dbl ? 0x7ff : 0xff);
    if (kind == 1) {
        x86_alu_ri32(b, ALU_CMP, X_RCX, dbl ? 0x7ff : 0xff);
        slow[(*n)++] = x86_jcc(b, CC_E);
    } else {
        /* 2 <= exp < max: not zero, subnormal, infinite or NaN, nor in
         * the lowest binade (where a result rounded up from below the
         * smallest normal must still raise underflow) */
        x86_lea(b, X_RCX, X_RCX, X_NONE, 1, -2); /* 0 and 1 wrap high */
        x86_alu_ri32(b, ALU_CMP, X_RCX, dbl ? 0x7fc : 0xfc);
        slow[(*n)++] = x86_jcc(b, CC_A);
    }
}

/* Single operands must be NaN-boxed (upper half all ones). */
static void fp_box_check(struct tr *t, int r, uint8_t **slow, unsigned *n)
{
    struct x86_buf *b = &t->b;
    x86_mov_rr(b, X_RCX, r);
    x86_shift_ri(b, SH_SHR, X_RCX, 32, true);
    x86_alu_ri32(b, ALU_CMP, X_RCX, -1);
    slow[(*n)++] = x86_jcc(b, CC_NE);
}

/* xmm0 = the operation on the guest's FP registers. */
static void emit_fp_compute(struct x86_buf *b, const struct rv_decoded *d, bool dbl)
{
    static const uint8_t sse_op[] = {[RV_OP_FADD - RV_OP_FIRST_FP] = 0x58,
                                     [RV_OP_FSUB - RV_OP_FIRST_FP] = 0x5c,
                                     [RV_OP_FMUL - RV_OP_FIRST_FP] = 0x59,
                                     [RV_OP_FDIV - RV_OP_FIRST_FP] = 0x5e,
                                     [RV_OP_FSQRT - RV_OP_FIRST_FP] = 0x51};
    if (d->op == RV_OP_FMA) {
        static const uint8_t fma_op[4] = {0xb9, 0xbb, 0xbd, 0xbf}; /* madd msub nmsub nmadd */
        x86_movq_load(b, 0, X_RBP, JIT_FOFF(d->rs3));
        x86_movq_load(b, 1, X_RBP, JIT_FOFF(d->rs1));
        x86_movq_load(b, 2, X_RBP, JIT_FOFF(d->rs2));
        x86_fma231(b, fma_op[d->sub & 3], dbl, 0, 1, 2);
    } else if (d->op == RV_OP_FSQRT) {
        x86_movq_load(b, 1, X_RBP, JIT_FOFF(d->rs1));
        x86_sse_arith(b, sse_op[d->op - RV_OP_FIRST_FP], dbl, 0, 1);
    } else {
        x86_movq_load(b, 0, X_RBP, JIT_FOFF(d->rs1));
        x86_movq_load(b, 1, X_RBP, JIT_FOFF(d->rs2));
        x86_sse_arith(b, sse_op[d->op - RV_OP_FIRST_FP], dbl, 0, 1);
    }
}

/* Add, sub, mul, div, sqrt and fma in RNE on the host's SSE when that is
 * exact. Two ways in: with fflags.NX set already (the common case once a
 * program has rounded anything) only the result's class is tested, no
 * host flags; with NX clear a cold path runs the operation between a clean
 * MXCSR and a read of its flags. Anything else (other rounding modes,
 * special results, overflow, underflow, invalid) goes to the exact FPU. */
static bool emit_fp_fast(struct tr *t, const struct insn *in)
{
    const struct rv_decoded *d = &in->d;
    unsigned op = d->op;
    bool arith = op == RV_OP_FADD || op == RV_OP_FSUB || op == RV_OP_FMUL ||
                 op == RV_OP_FDIV || op == RV_OP_FSQRT || op == RV_OP_FMA;
    if (!arith || d->fmt > 1 || (d->rm != RV_RNE && d->rm != RV_DYN))
        return false;
    if (op == RV_OP_FMA && !t->j->fma3)
        return false;
    bool dbl = d->fmt == 1;
    struct x86_buf *b = &t->b;
    struct x86_buf *c = &t->c;
    uint8_t *slow[20];
    unsigned n = 0;
    emit_fs_check(t, in);
    if (d->rm == RV_DYN) {
        x86_cmp_mi8(b, X_RBP, JIT_HOFF(frm), RV_RNE);
        slow[n++] = x86_jcc(b, CC_NE);
    }
    /* Inputs: singles must be NaN-boxed; a square root's must be a
     * positive normal number. The other operations need no test of their
     * inputs: a NaN or infinite input, an invalid operation or a division
     * by zero all give a NaN or infinite result, which the result test
     * below sends to the exact FPU with the original operands. */
    unsigned srcs[3] = {d->rs1, d->rs2, d->rs3};
    unsigned nsrc = op == RV_OP_FSQRT ? 1 : op == RV_OP_FMA ? 3 : 2;
    for (unsigned i = 0; i < nsrc; i++) {
        if (dbl && op != RV_OP_FSQRT)
            continue;
        x86_load(b, X_RAX, X_RBP, JIT_FOFF(srcs[i]));
        if (!dbl)
            fp_box_check(t, X_RAX, slow, &n);
        if (op == RV_OP_FSQRT) { /* a positive normal number */
            x86_test_rr(b, X_RAX, X_RAX);
            if (dbl)
                slow[n++] = x86_jcc(b, CC_S);
            else {
                x86_bt_imm(b, X_RAX, 31);
                slow[n++] = x86_jcc(b, CC_B);
            }
            fp_exp_check(t, X_RAX, dbl, 2, slow, &n);
        }
    }
    x86_test_mi8(b, X_RBP, JIT_HOFF(fflags), 1); /* NX already set? */
    uint8_t *mx = x86_jcc(b, CC_E);
    emit_fp_compute(b, d, dbl);
    uint8_t *resume = b->p;
    x86_movq_to_gpr(b, X_RAX, 0, dbl);
    /* The result: a sum or difference that is neither infinite nor NaN is
     * exact or merely inexact (tiny sums are exact); a product, quotient
     * or FMA result must be normal (no overflow, no underflow), zero being
     * checked again in the cold path below. */
    uint8_t *not_normal[1];
    unsigned nn = 0;
    if (op == RV_OP_FADD || op == RV_OP_FSUB)
        fp_exp_check(t, X_RAX, dbl, 1, slow, &n);
    else if (op != RV_OP_FSQRT)
        fp_exp_check(t, X_RAX, dbl, 2, not_normal, &nn);
    uint8_t *store = b->p;
    if (!dbl) { /* NaN-box (movd zero-extended it) */
        x86_mov_imm(b, X_RCX, 0xffffffff00000000ULL);
        x86_alu_rr(b, ALU_OR, X_RAX, X_RCX);
    }
    x86_store(b, X_RBP, JIT_FOFF(d->rd), X_RAX);
    uint8_t *done = b->p;
    {
        /* cold: NX clear. Host flags from a clean MXCSR: inexact sets NX
         * (before the result tests: if they fail the exact FPU sets it
         * too), any other flag needs the exact FPU. */
        x86_patch_rel32(mx, c->p);
        x86_ldmxcsr(c, X_RBP, JIT_HOFF(jit_mxcsr));
        emit_fp_compute(c, d, dbl);
        x86_stmxcsr(c, X_RBP, JIT_HOFF(jit_mxcsr) + 4);
        x86_test_mi8(c, X_RBP, JIT_HOFF(jit_mxcsr) + 4, 0x1d); /* IE ZE OE UE */
        slow[n++] = x86_jcc(c, CC_NE);
        x86_test_mi8(c, X_RBP, JIT_HOFF(jit_mxcsr) + 4, 0x20); /* PE */
        x86_jcc_to(c, CC_E, resume);
        if (t->j->mutate != RV_JIT_MUTATE_FP) { /* negative control: NX forgotten */
            static const uint8_t or_m8[] = {0x80};        /* or byte [fflags], NX */
            x86_op_rm(c, false, or_m8, 1, 1, X_RBP, X_NONE, 1, JIT_HOFF(fflags));
            x86_u8(c, 1);
        }
        x86_jmp_to(c, resume);
    }
    if (nn) {
        /* cold: a zero product, quotient or FMA result is exact when a
         * factor (the dividend) is zero: the exact result is then zero */
        x86_patch_rel32(not_normal[0], c->p);
        x86_mov_rr(c, X_RCX, X_RAX);
        dbl ? x86_alu_rr(c, ALU_ADD, X_RCX, X_RCX) : x86_alu_rr32(c, ALU_ADD, X_RCX, X_RCX);
        slow[n++] = x86_jcc(c, CC_NE); /* not +-0 */
        unsigned nf = op == RV_OP_FDIV ? 1 : 2;
        for (unsigned i = 0; i < nf; i++) {
            x86_load(c, X_RCX, X_RBP, JIT_FOFF(srcs[i]));
            dbl ? x86_alu_rr(c, ALU_ADD, X_RCX, X_RCX) : x86_alu_rr32(c, ALU_ADD, X_RCX, X_RCX);
            x86_jcc_to(c, CC_E, store);
        }
        slow[n++] = x86_jmp(c);
    }
    /* cold: the exact FPU */
    const uint8_t *slot = emit_slot_data(t, d);
    uint8_t *cold = c->p;
    for (unsigned i = 0; i < n; i++)
        x86_patch_rel32(slow[i], cold);
    uint32_t dirty = t->dirty;
    emit_fp_helper_call(t, c, in, slot, &dirty, done);
    emit_fs_dirty(t); /* after the join: both paths went through here */
    return true;
}

/* ---- the generic fallback: the interpreter runs this one instruction ---- */

static void emit_fallback(struct tr *t, const struct insn *in)
{
    struct x86_buf *b = &t->b, *c = &t->c;
    /* The slot (16 bytes, read-only data) goes in the cold area. */
    while ((uintptr_t)c->p & 15)
        x86_u8(c, 0xcc);
    uint8_t *slot_rw = c->p;
    struct rv_slot slot;
    rv_slot_fill(&slot, &in->d);
    x86_bytes(c, &slot, sizeof(slot));
    if (c->overflow)
        return;

    write_back(t, b, dirty_now(t));
    t->dirty = 0;
    sync_pc_budget(t, b, in->off, t->k);
    x86_lea(b, X_RDI, X_RBP, X_NONE, 1, -JIT_BIAS);
    x86_mov_imm(b, X_RSI, (uint64_t)(uintptr_t)code_rx(&t->j->cc, slot_rw));
    x86_mov_imm(b, X_RDX, in->d.op >= RV_OP_FIRST_SYSTEM && !(is_csr_op(in->d.op) &&
                                                             csr_may_continue(&in->d)));
    call_helper(b, (const void *)jit_helper_fallback);
    b->fuse = b->p;
    x86_test_rr(b, X_RDX, X_RDX);
    x86_jcc_to(b, CC_NE, rw_of(t, t->j->exit_helper));
    reload(t, b, t->mapped); /* the instruction may have written any of them */
    t->fs_dirtied = false;
    if (is_csr_op(in->d.op))
        t->fs_checked = false; /* (FS changes leave the block anyway) */
}

/* ---- integer ops ---- */

enum { COMMUTATIVE = 1, WORD = 2 };

/* rd = rs1 op rs2 for x86 two-operand ALU ops; the second operand may
 * stay in memory. */
static void emit_alu(struct tr *t, const struct rv_decoded *d, enum x86_alu op, unsigned flags)
{
    if (!d->rd)
        return;
    unsigned a = d->rs1, c = d->rs2;
    if ((flags & COMMUTATIVE) && (a == 0 || (t->map[c] >= 0 && t->map[c] == t->map[d->rd] &&
                                             t->map[a] != t->map[c]))) {
        unsigned x = a; /* mv-like (x0 first), or rd == rs2: v op= rs1 */
        a = c;
        c = x;
    }
    int v = dst(t, d->rd);
    if (c && v != X_RAX && t->map[c] == v && a != c)
        v = X_RAX; /* rd == rs2, not commutative */
    get(t, v, a);
    alu_with(t, op, v, c, !(flags & WORD));
    if (flags & WORD)
        x86_movsxd(&t->b, v, v);
    put(t, d->rd, v);
}

/* rd = rs1 op imm. */
static void emit_alu_imm(struct tr *t, const struct rv_decoded *d, enum x86_alu op)
{
    if (!d->rd)
        return;
    struct x86_buf *b = &t->b;
    if (d->rs1 == 0) { /* li */
        int64_t k = op == ALU_AND ? 0 : d->imm;
        int v = dst(t, d->rd);
        x86_mov_imm(b, v, (uint64_t)k);
        put(t, d->rd, v);
        return;
    }
    if (d->rd == d->rs1 && t->map[d->rd] < 0) { /* op [x], imm */
        x86_alu_mi(b, op, X_RBP, JIT_XOFF(d->rd), d->imm);
        return;
    }
    int v = dst(t, d->rd);
    get(t, v, d->rs1);
    x86_alu_ri(b, op, v, d->imm);
    put(t, d->rd, v);
}

static void emit_shift_imm(struct tr *t, const struct rv_decoded *d, enum x86_shift sh, bool word)
{
    if (!d->rd)
        return;
    int v = dst(t, d->rd);
    get(t, v, d->rs1);
    if (d->imm)
        x86_shift_ri(&t->b, sh, v, (unsigned)d->imm, !word);
    /* (a logical word shift right by 1..31 leaves bit 31 clear: the 32-bit
     * op's zero extension is already the sign extension) */
    if (word && !(sh == SH_SHR && d->imm))
        x86_movsxd(&t->b, v, v);
    put(t, d->rd, v);
}

/* `slli rd, rs, s` then `srli/srai rd, rd, s` with s = 32, 48 or 56: the
 * zero or sign extension of rs's low 64 - s bits (zext.w and sext.w
 * without Zba/Zbb; zext.h, sext.b...): one host move. True if instruction
 * k and k + 1 were emitted so (the caller skips k + 1). */
static bool emit_extend_pair(struct tr *t, const struct rv_decoded *d)
{
    unsigned s = (unsigned)d->imm;
    if (t->k + 1 >= t->n || t->target[t->k + 1] || !d->rd || !d->rs1 ||
        (s != 32 && s != 48 && s != 56))
        return false;
    const struct insn *next = &t->in[t->k + 1];
    const struct rv_decoded *e = &next->d;
    if (!next->native || (e->op != RV_OP_SRLI && e->op != RV_OP_SRAI) || e->rd != d->rd ||
        e->rs1 != d->rd || (unsigned)e->imm != s)
        return false;
    bool sign = e->op == RV_OP_SRAI;
    unsigned size = (64 - s) / 8;
    int v = dst(t, d->rd);
    if (t->map[d->rs1] >= 0)
        x86_movx(&t->b, v, t->map[d->rs1], size, sign);
    else
        x86_load_ext(&t->b, v, X_RBP, X_NONE, JIT_XOFF(d->rs1), size, sign);
    put(t, d->rd, v);
    return true;
}

/* rd = rs1 shifted by rs2 (masked as x86 does: 63, or 31 for words). */
static void emit_shift(struct tr *t, const struct rv_decoded *d, enum x86_shift sh, bool word)
{
    if (!d->rd)
        return;
    struct x86_buf *b = &t->b;
    int v = dst(t, d->rd);
    if (t->j->bmi2 && sh != SH_ROL && sh != SH_ROR) {
        int a = src(t, d->rs1, X_RCX), c = src(t, d->rs2, X_RDX);
        x86_shiftx(b, sh, v, a, c, !word);
    } else {
        int c = src(t, d->rs2, X_RCX);
        if (c != X_RCX)
            x86_mov_rr(b, X_RCX, c);
        int a = src(t, d->rs1, X_RAX);
        if (a != X_RAX)
            x86_mov_rr(b, X_RAX, a);
        x86_shift_rcl(b, sh, X_RAX, !word);
        v = X_RAX;
    }
    if (word)
        x86_movsxd(b, v, v);
    put(t, d->rd, v);
}

/* slt/sltu and their immediate forms: rd = (a < b). */
static void emit_set_less(struct tr *t, const struct rv_decoded *d, bool imm, bool sign)
{
    if (!d->rd)
        return;
    struct x86_buf *b = &t->b;
    int a = src(t, d->rs1, X_RCX);
    if (imm) {
        x86_alu_ri(b, ALU_CMP, a, d->imm);
    } else {
        int c = src(t, d->rs2, X_RDX);
        x86_alu_rr(b, ALU_CMP, a, c);
    }
    x86_setcc(b, sign ? CC_L : CC_B, X_RAX);
    x86_movx(b, X_RAX, X_RAX, 1, false);
    put(t, d->rd, X_RAX);
}

/* Division and remainder with RISC-V's answers for x/0 and MIN/-1. */
static void emit_divrem(struct tr *t, const struct rv_decoded *d, bool sign, bool rem, bool word)
{
    if (!d->rd)
        return;
    struct x86_buf *b = &t->b;
    bool w = !word;
    int c = src(t, d->rs2, X_RCX);
    if (c != X_RCX)
        x86_mov_rr(b, X_RCX, c);
    int a = src(t, d->rs1, X_RAX);
    if (a != X_RAX)
        x86_mov_rr(b, X_RAX, a);
    /* b == 0: quotient all ones, remainder a */
    if (w)
        x86_test_rr(b, X_RCX, X_RCX);
    else
        x86_alu_rr32(b, ALU_OR, X_RCX, X_RCX); /* sets ZF on the low word, zero-extends */
    uint8_t *zero = x86_jcc(b, CC_E);
    uint8_t *minus1 = NULL;
    if (sign) { /* b == -1: quotient -a (wraps for MIN), remainder 0 */
        if (w)
            x86_alu_ri(b, ALU_CMP, X_RCX, -1);
        else
            x86_alu_ri32(b, ALU_CMP, X_RCX, -1);
        minus1 = x86_jcc(b, CC_E);
        if (w)
            x86_cqo(b);
        else
            x86_cdq(b);
        x86_f7(b, 7, X_RCX, w); /* idiv */
    } else {
        x86_mov_imm(b, X_RDX, 0);
        x86_f7(b, 6, X_RCX, w); /* div */
    }
    if (rem)
        x86_mov_rr(b, X_RAX, X_RDX);
    uint8_t *done1 = x86_jmp(b);
    x86_patch_rel32(zero, b->p);
    if (!rem)
        x86_mov_imm(b, X_RAX, ~0ULL);
    uint8_t *done2 = NULL;
    if (sign) {
        done2 = x86_jmp(b);
        x86_patch_rel32(minus1, b->p);
        if (rem)
            x86_mov_imm(b, X_RAX, 0);
        else
            x86_f7(b, 3, X_RAX, w); /* neg */
    }
    x86_patch_rel32(done1, b->p);
    x86_patch_rel32(done2, b->p);
    if (word)
        x86_movsxd(b, X_RAX, X_RAX);
    put(t, d->rd, X_RAX);
}

/* MULH, MULHU, MULHSU: the high 64 bits. */
static void emit_mulh(struct tr *t, const struct rv_decoded *d, int kind)
{
    if (!d->rd)
        return;
    struct x86_buf *b = &t->b;
    int c = src(t, d->rs2, X_RCX);
    if (c != X_RCX)
        x86_mov_rr(b, X_RCX, c);
    int a = src(t, d->rs1, X_RAX);
    if (a != X_RAX)
        x86_mov_rr(b, X_RAX, a);
    if (kind == 2) { /* signed x unsigned = unsigned product - (a < 0 ? b << 64 : 0) */
        x86_mov_rr(b, X_RDX, X_RAX);
        x86_push(b, X_RDX); /* keep a; rsp stays 16-aligned after the pop */
        x86_f7(b, 4, X_RCX, true);
        x86_pop(b, X_RAX);
        x86_shift_ri(b, SH_SAR, X_RAX, 63, true);
        x86_alu_rr(b, ALU_AND, X_RAX, X_RCX);
        x86_alu_rr(b, ALU_SUB, X_RDX, X_RAX);
    } else {
        x86_f7(b, kind == 0 ? 5 : 4, X_RCX, true); /* imul / mul: rdx:rax */
    }
    put(t, d->rd, X_RDX);
}

static void emit_shadd(struct tr *t, const struct rv_decoded *d, unsigned shift, bool uw)
{
    if (!d->rd)
        return;
    struct x86_buf *b = &t->b;
    int a = src(t, d->rs1, X_RCX), c = src(t, d->rs2, X_RDX), v = dst(t, d->rd);
    if (uw) {
        x86_mov_rr32(b, X_RCX, a);
        a = X_RCX;
    }
    x86_lea(b, v, c, a, 1 << shift, 0);
    put(t, d->rd, v);
}

static void emit_minmax(struct tr *t, const struct rv_decoded *d, enum x86_cc keep_a)
{
    if (!d->rd)
        return;
    struct x86_buf *b = &t->b;
    int a = src(t, d->rs1, X_RCX), c = src(t, d->rs2, X_RDX);
    x86_mov_rr(b, X_RAX, c);
    x86_alu_rr(b, ALU_CMP, a, c);
    x86_cmov(b, keep_a, X_RAX, a);
    put(t, d->rd, X_RAX);
}

static void emit_unary(struct tr *t, const struct rv_decoded *d)
{
    if (!d->rd)
        return;
    struct x86_buf *b = &t->b;
    int a = src(t, d->rs1, X_RCX), v = dst(t, d->rd);
    switch (d->op) {
    case RV_OP_SEXT_B: x86_movx(b, v, a, 1, true); break;
    case RV_OP_SEXT_H: x86_movx(b, v, a, 2, true); break;
    case RV_OP_ZEXT_H: x86_movx(b, v, a, 2, false); break;
    case RV_OP_REV8:
        if (v != a)
            x86_mov_rr(b, v, a);
        x86_bswap(b, v);
        break;
    case RV_OP_CLZ: x86_f3_0f(b, 0xbd, v, a, true); break;
    case RV_OP_CTZ: x86_f3_0f(b, 0xbc, v, a, true); break;
    case RV_OP_CPOP: x86_f3_0f(b, 0xb8, v, a, true); break;
    case RV_OP_CLZW: x86_f3_0f(b, 0xbd, v, a, false); break;
    case RV_OP_CTZW: x86_f3_0f(b, 0xbc, v, a, false); break;
    case RV_OP_CPOPW: x86_f3_0f(b, 0xb8, v, a, false); break;
    }
    put(t, d->rd, v);
}

/* Zbs single-bit ops with the bit number in a register or immediate. */
static void emit_bit(struct tr *t, const struct rv_decoded *d, uint8_t bt_op, bool imm)
{
    if (!d->rd)
        return;
    struct x86_buf *b = &t->b;
    int a = src(t, d->rs1, X_RCX);
    int n = X_RDX;
    if (imm)
        x86_mov_imm(b, X_RDX, (uint64_t)d->imm);
    else
        n = src(t, d->rs2, X_RDX);
    x86_mov_rr(b, X_RAX, a);
    x86_bt_rr(b, bt_op, X_RAX, n); /* register bit offsets are taken mod 64 */
    if (bt_op == 0xa3) { /* bext: rd = CF */
        x86_setcc(b, CC_B, X_RAX);
        x86_movx(b, X_RAX, X_RAX, 1, false);
    }
    put(t, d->rd, X_RAX);
}

static void emit_rotate(struct tr *t, const struct rv_decoded *d, enum x86_shift sh, bool word,
                        bool imm)
{
    if (!d->rd)
        return;
    struct x86_buf *b = &t->b;
    if (imm) {
        int a = src(t, d->rs1, X_RAX), v = dst(t, d->rd);
        if (t->j->bmi2) {
            x86_rorx(b, v, a, (unsigned)d->imm, !word);
        } else {
            if (v != a)
                x86_mov_rr(b, v, a);
            x86_shift_ri(b, SH_ROR, v, (unsigned)d->imm, !word);
        }
        if (word)
            x86_movsxd(b, v, v);
        put(t, d->rd, v);
        return;
    }
    int c = src(t, d->rs2, X_RCX);
    if (c != X_RCX)
        x86_mov_rr(b, X_RCX, c);
    int a = src(t, d->rs1, X_RAX);
    if (a != X_RAX)
        x86_mov_rr(b, X_RAX, a);
    x86_shift_rcl(b, sh, X_RAX, !word);
    if (word)
        x86_movsxd(b, X_RAX, X_RAX);
    put(t, d->rd, X_RAX);
}

/* Conditional branch: the taken side leaves the block in the cold area
 * (or loops back to the start); not taken falls through. */
static void emit_branch(struct tr *t, const struct insn *in)
{
    const struct rv_decoded *d = &in->d;
    struct x86_buf *b = &t->b;
    enum x86_cc cc;
    switch (d->op) {
    case RV_OP_BEQ: cc = CC_E; break;
    case RV_OP_BNE: cc = CC_NE; break;
    case RV_OP_BLT: cc = t->j->mutate == RV_JIT_MUTATE_BRANCH ? CC_GE : CC_L; break;
    case RV_OP_BGE: cc = CC_GE; break;
    case RV_OP_BLTU: cc = CC_B; break;
    default: cc = CC_AE; break;
    }
    if (d->rs2 == 0 && d->rs1 && t->map[d->rs1] < 0) {
        b->fuse = b->p;
        x86_alu_mi(b, ALU_CMP, X_RBP, JIT_XOFF(d->rs1), 0);
    } else if (d->rs2 == 0) {
        /* test: the flags of a - 0 (CF = OF = 0), right for all six */
        int a = src(t, d->rs1, X_RCX);
        b->fuse = b->p;
        x86_test_rr(b, a, a);
    } else {
        int a = src(t, d->rs1, X_RCX);
        b->fuse = b->p;
        alu_with(t, ALU_CMP, a, d->rs2, true);
    }
    int64_t target = (int64_t)in->off + d->imm;
    int m = t->internal ? target_index(t, target) : -1;
    if (m > (int)t->k) {
        /* Forward inside the block: move r15's origin only if taken. */
        unsigned skipped = (unsigned)m - (t->k + 1);
        if (skipped) {
            x86_lea(b, X_RAX, X_R15, X_NONE, 1, (int32_t)skipped);
            x86_cmov(b, cc, X_R15, X_RAX);
        }
        t->fix[t->nfix].site = x86_jcc(b, cc);
        t->fix[t->nfix++].to = (uint16_t)m;
        return;
    }
    if (m >= 0) {
        /* A loop: stay on the taken side. */
        uint8_t *not_taken = x86_jcc(b, (enum x86_cc)(cc ^ 1));
        emit_exit_to(t, b, target);
        x86_patch_rel32(not_taken, b->p);
        return;
    }
    uint8_t *taken = x86_jcc(b, cc);
    x86_patch_rel32(taken, t->c.p);
    emit_exit_to(t, &t->c, target);
}

static void emit_insn(struct tr *t, const struct insn *in)
{
    const struct rv_decoded *d = &in->d;
    struct x86_buf *b = &t->b;
    if (!in->native) {
        if (d->op >= RV_OP_FIRST_FP && d->op < RV_OP_FIRST_SYSTEM) {
            if (!emit_fp_fast(t, in))
                emit_fp_op(t, in);
        }
        else
            emit_fallback(t, in);
        return;
    }
    switch (d->op) {
    case RV_OP_LUI:
        if (d->rd) {
            int v = dst(t, d->rd);
            x86_mov_imm(b, v, (uint64_t)(int64_t)d->imm);
            put(t, d->rd, v);
        }
        break;
    case RV_OP_AUIPC:
        if (d->rd) {
            int v = dst(t, d->rd);
            guest_addr(b, v, (int64_t)in->off + d->imm);
            put(t, d->rd, v);
        }
        break;
    case RV_OP_JAL:
        if (d->rd) {
            int v = dst(t, d->rd);
            guest_addr(b, v, in->off + d->len);
            put(t, d->rd, v);
        }
        emit_exit_to(t, b, (int64_t)in->off + d->imm);
        break;
    case RV_OP_JALR: {
        int a = src(t, d->rs1, X_RAX);
        x86_lea(b, X_RAX, a, X_NONE, 1, d->imm);
        x86_alu_ri(b, ALU_AND, X_RAX, -2);
        if (d->rd) {
            int v = d->rd && t->map[d->rd] >= 0 ? t->map[d->rd] : X_RCX;
            guest_addr(b, v, in->off + d->len);
            put(t, d->rd, v);
        }
        write_back(t, b, dirty_now(t));
        x86_alu_ri(b, ALU_SUB, X_R15, (int32_t)(t->k + 1));
        emit_lookup(t, b);
        break;
    }
    case RV_OP_BEQ: case RV_OP_BNE: case RV_OP_BLT: case RV_OP_BGE: case RV_OP_BLTU:
    case RV_OP_BGEU:
        emit_branch(t, in);
        break;
    case RV_OP_LB: emit_load(t, d, 1, true); break;
    case RV_OP_LH: emit_load(t, d, 2, true); break;
    case RV_OP_LW: emit_load(t, d, 4, t->j->mutate != RV_JIT_MUTATE_LOAD); break;
    case RV_OP_LD: emit_load(t, d, 8, false); break;
    case RV_OP_LBU: emit_load(t, d, 1, false); break;
    case RV_OP_LHU: emit_load(t, d, 2, false); break;
    case RV_OP_LWU: emit_load(t, d, 4, false); break;
    case RV_OP_SB: emit_store(t, d, 1); break;
    case RV_OP_SH: emit_store(t, d, 2); break;
    case RV_OP_SW: emit_store(t, d, 4); break;
    case RV_OP_SD: emit_store(t, d, t->j->mutate == RV_JIT_MUTATE_STORE ? 4 : 8); break;
    case RV_OP_FLW: emit_fload(t, in, 4); break;
    case RV_OP_FLD: emit_fload(t, in, 8); break;
    case RV_OP_FSW: emit_fstore(t, in, 4); break;
    case RV_OP_FSD: emit_fstore(t, in, 8); break;

    case RV_OP_ADDI:
        if (!d->rd)
            break;
        if (d->rs1 && d->rd == d->rs1 && t->map[d->rd] < 0) {
            if (d->imm)
                x86_alu_mi(b, ALU_ADD, X_RBP, JIT_XOFF(d->rd), d->imm);
        } else {
            int v = dst(t, d->rd);
            if (d->rs1 == 0)
                x86_mov_imm(b, v, (uint64_t)(int64_t)d->imm);
            else if (t->map[d->rs1] >= 0 && d->imm)
                x86_lea(b, v, t->map[d->rs1], X_NONE, 1, d->imm);
            else {
                get(t, v, d->rs1);
                if (d->imm)
                    x86_alu_ri(b, ALU_ADD, v, d->imm);
            }
            put(t, d->rd, v);
        }
        break;
    case RV_OP_SLTI: emit_set_less(t, d, true, true); break;
    case RV_OP_SLTIU: emit_set_less(t, d, true, false); break;
    case RV_OP_XORI: emit_alu_imm(t, d, ALU_XOR); break;
    case RV_OP_ORI: emit_alu_imm(t, d, ALU_OR); break;
    case RV_OP_ANDI: emit_alu_imm(t, d, ALU_AND); break;
    case RV_OP_SLLI:
        if (emit_extend_pair(t, d))
            t->k++; /* the shift right is done too (no exit between: counts stay exact) */
        else
            emit_shift_imm(t, d, SH_SHL, false);
        break;
    case RV_OP_SRLI: emit_shift_imm(t, d, SH_SHR, false); break;
    case RV_OP_SRAI: emit_shift_imm(t, d, SH_SAR, false); break;
    case RV_OP_ADD:
        if (t->j->mutate == RV_JIT_MUTATE_ADD)
            emit_alu(t, d, ALU_SUB, 0);
        else
            emit_alu(t, d, ALU_ADD, COMMUTATIVE);
        break;
    case RV_OP_SUB: emit_alu(t, d, ALU_SUB, 0); break;
    case RV_OP_XOR: emit_alu(t, d, ALU_XOR, COMMUTATIVE); break;
    case RV_OP_OR: emit_alu(t, d, ALU_OR, COMMUTATIVE); break;
    case RV_OP_AND: emit_alu(t, d, ALU_AND, COMMUTATIVE); break;
    case RV_OP_SLL: emit_shift(t, d, SH_SHL, false); break;
    case RV_OP_SRL: emit_shift(t, d, SH_SHR, false); break;
    case RV_OP_SRA: emit_shift(t, d, SH_SAR, false); break;
    case RV_OP_SLT: emit_set_less(t, d, false, true); break;
    case RV_OP_SLTU: emit_set_less(t, d, false, false); break;

    case RV_OP_ADDIW:
        if (d->rd) {
            int v = dst(t, d->rd);
            if (d->rs1 == 0)
                x86_mov_imm(b, v, (uint64_t)(int64_t)d->imm);
            else if (d->imm == 0 && t->map[d->rs1] < 0)
                x86_load_ext(b, v, X_RBP, X_NONE, JIT_XOFF(d->rs1), 4, true);
            else if (d->imm == 0)
                x86_movsxd(b, v, t->map[d->rs1]);
            else {
                get(t, v, d->rs1);
                x86_alu_ri32(b, ALU_ADD, v, d->imm);
                x86_movsxd(b, v, v);
            }
            put(t, d->rd, v);
        }
        break;
    case RV_OP_SLLIW: emit_shift_imm(t, d, SH_SHL, true); break;
    case RV_OP_SRLIW: emit_shift_imm(t, d, SH_SHR, true); break;
    case RV_OP_SRAIW: emit_shift_imm(t, d, SH_SAR, true); break;
    case RV_OP_ADDW: emit_alu(t, d, ALU_ADD, COMMUTATIVE | WORD); break;
    case RV_OP_SUBW: emit_alu(t, d, ALU_SUB, WORD); break;
    case RV_OP_SLLW: emit_shift(t, d, SH_SHL, true); break;
    case RV_OP_SRLW: emit_shift(t, d, SH_SHR, true); break;
    case RV_OP_SRAW: emit_shift(t, d, SH_SAR, true); break;

    case RV_OP_FENCE: { /* lock or dword [rsp], 0: a full barrier, cheaper than mfence */
        static const uint8_t lock_or[] = {0xf0, 0x83, 0x0c, 0x24, 0x00};
        x86_bytes(b, lock_or, sizeof(lock_or));
        break;
    }

    case RV_OP_MUL: case RV_OP_MULW:
        if (d->rd) {
            bool w = d->op == RV_OP_MUL;
            int a = src(t, d->rs1, X_RCX), c = src(t, d->rs2, X_RDX), v = dst(t, d->rd);
            if (v == c) {
                x86_imul_rr(b, v, a, w);
            } else {
                if (v != a)
                    x86_mov_rr(b, v, a);
                x86_imul_rr(b, v, c, w);
            }
            if (!w)
                x86_movsxd(b, v, v);
            put(t, d->rd, v);
        }
        break;
    case RV_OP_MULH: emit_mulh(t, d, 0); break;
    case RV_OP_MULHU: emit_mulh(t, d, 1); break;
    case RV_OP_MULHSU: emit_mulh(t, d, 2); break;
    case RV_OP_DIV: emit_divrem(t, d, true, false, false); break;
    case RV_OP_DIVU: emit_divrem(t, d, false, false, false); break;
    case RV_OP_REM: emit_divrem(t, d, true, true, false); break;
    case RV_OP_REMU: emit_divrem(t, d, false, true, false); break;
    case RV_OP_DIVW: emit_divrem(t, d, true, false, true); break;
    case RV_OP_DIVUW: emit_divrem(t, d, false, false, true); break;
    case RV_OP_REMW: emit_divrem(t, d, true, true, true); break;
    case RV_OP_REMUW: emit_divrem(t, d, false, true, true); break;

    case RV_OP_ADD_UW: emit_shadd(t, d, 0, true); break;
    case RV_OP_SH1ADD: emit_shadd(t, d, 1, false); break;
    case RV_OP_SH2ADD: emit_shadd(t, d, 2, false); break;
    case RV_OP_SH3ADD: emit_shadd(t, d, 3, false); break;
    case RV_OP_SH1ADD_UW: emit_shadd(t, d, 1, true); break;
    case RV_OP_SH2ADD_UW: emit_shadd(t, d, 2, true); break;
    case RV_OP_SH3ADD_UW: emit_shadd(t, d, 3, true); break;
    case RV_OP_SLLI_UW:
        if (d->rd) {
            int a = src(t, d->rs1, X_RCX), v = dst(t, d->rd);
            x86_mov_rr32(b, v, a);
            if (d->imm)
                x86_shift_ri(b, SH_SHL, v, (unsigned)d->imm, true);
            put(t, d->rd, v);
        }
        break;

    case RV_OP_ANDN: case RV_OP_ORN: case RV_OP_XNOR:
        if (d->rd) {
            int a = src(t, d->rs1, X_RCX), c = src(t, d->rs2, X_RDX);
            x86_mov_rr(b, X_RAX, c);
            if (d->op == RV_OP_XNOR) {
                x86_alu_rr(b, ALU_XOR, X_RAX, a);
                x86_f7(b, 2, X_RAX, true);
            } else {
                x86_f7(b, 2, X_RAX, true); /* not */
                x86_alu_rr(b, d->op == RV_OP_ANDN ? ALU_AND : ALU_OR, X_RAX, a);
            }
            put(t, d->rd, X_RAX);
        }
        break;
    case RV_OP_MAX: emit_minmax(t, d, CC_G); break;
    case RV_OP_MAXU: emit_minmax(t, d, CC_A); break;
    case RV_OP_MIN: emit_minmax(t, d, CC_L); break;
    case RV_OP_MINU: emit_minmax(t, d, CC_B); break;
    case RV_OP_SEXT_B: case RV_OP_SEXT_H: case RV_OP_ZEXT_H: case RV_OP_REV8:
    case RV_OP_CLZ: case RV_OP_CTZ: case RV_OP_CPOP: case RV_OP_CLZW: case RV_OP_CTZW:
    case RV_OP_CPOPW:
        emit_unary(t, d);
        break;
    case RV_OP_ROL: emit_rotate(t, d, SH_ROL, false, false); break;
    case RV_OP_ROR: emit_rotate(t, d, SH_ROR, false, false); break;
    case RV_OP_ROLW: emit_rotate(t, d, SH_ROL, true, false); break;
    case RV_OP_RORW: emit_rotate(t, d, SH_ROR, true, false); break;
    case RV_OP_RORI: emit_rotate(t, d, SH_ROR, false, true); break;
    case RV_OP_RORIW: emit_rotate(t, d, SH_ROR, true, true); break;
    case RV_OP_BCLR: emit_bit(t, d, 0xb3, false); break;
    case RV_OP_BCLRI: emit_bit(t, d, 0xb3, true); break;
    case RV_OP_BSET: emit_bit(t, d, 0xab, false); break;
    case RV_OP_BSETI: emit_bit(t, d, 0xab, true); break;
    case RV_OP_BINV: emit_bit(t, d, 0xbb, false); break;
    case RV_OP_BINVI: emit_bit(t, d, 0xbb, true); break;
    case RV_OP_BEXT: emit_bit(t, d, 0xa3, false); break;
    case RV_OP_BEXTI: emit_bit(t, d, 0xa3, true); break;
    default:
        emit_fallback(t, in);
        break;
    }
}

/* The one instruction at the end of the page that straddles into the next
 * one: a helper fetches and runs it (jit_helper_cross), then on to h->pc. */
static void emit_crossing(struct tr *t)
{
    struct x86_buf *b = &t->b, *c = &t->c;
    while ((uintptr_t)c->p & 15)
        x86_u8(c, 0xcc);
    uint8_t *cache = c->p;
    struct jit_cross_cache zero = {0};
    x86_bytes(c, &zero, sizeof(zero));
    sync_pc_budget(t, b, t->start, 0);
    x86_lea(b, X_RDI, X_RBP, X_NONE, 1, -JIT_BIAS);
    x86_mov_imm(b, X_RSI, (uint64_t)(uintptr_t)cache); /* the writable view */
    call_helper(b, (const void *)jit_helper_cross);
    b->fuse = b->p;
    x86_test_rr(b, X_RDX, X_RDX);
    x86_jcc_to(b, CC_NE, rw_of(t, t->j->exit_helper));
    x86_alu_ri(b, ALU_SUB, X_R15, 1);
    x86_load(b, X_RAX, X_RBP, JIT_HOFF(pc));
    emit_lookup(t, b);
}

struct jit_block *jit_translate(struct rv_hart *h, uint64_t pc, uint64_t pa,
                                const uint8_t *host_page, bool *full)
{
    struct rv_jit *j = h->jit;
    static _Thread_local struct tr t;
    memset(&t, 0, offsetof(struct tr, in));
    t.h = h;
    t.j = j;
    t.start = (uint16_t)(pc & (RV_PAGE_SIZE - 1));
    t.page_pa = pa & ~(uint64_t)(RV_PAGE_SIZE - 1);
    *full = false;
    bool crossing = !scan(&t, host_page);
    if (j->nblocks == j->max_blocks || j->hot_end - j->hot_used < JIT_MAX_HOT ||
        j->cc.size - j->cold_used < JIT_MAX_HOT) {
        *full = true;
        return NULL;
    }
    allocate(&t);
    unsigned nfault_sites = j->nfault_sites;
    /* (flat ranges are 2^k bytes, k from 33 to 63, in practice) */
    uint64_t fsize = h->jit_flat_size;
    t.sites = h->jit_flat_base && jit_fault_sites_reserve(j);
    t.direct = t.sites && fsize >= 1ULL << 33 && !(fsize & (fsize - 1));
    struct code_cache *cc = &j->cc;
    x86_init(&t.b, cc->rw + j->hot_used, cc->rw + j->hot_end);
    t.b.align = true; /* (cold code runs rarely: no padding there) */
    x86_init(&t.c, cc->rw + j->cold_used, cc->rw + cc->size);

    /* Entry: the one compare per block of the budget against the limit
     * that other threads raise; then the registers this block keeps. */
    uint8_t *entry = t.b.p;
    t.b.fuse = t.b.p;
    x86_alu_rm(&t.b, ALU_CMP, X_R15, X_RBP, X_NONE, 1, JIT_HOFF(jit_limit));
    x86_patch_rel32(x86_jcc(&t.b, CC_LE), t.c.p);
    guest_addr(&t.c, X_RAX, t.start);
    x86_jmp_to(&t.c, rw_of(&t, j->exit_limit));
    if (crossing) {
        t.end = RV_PAGE_SIZE;
        emit_crossing(&t);
    } else {
        reload(&t, &t.b, t.load_at_entry);
        for (t.k = 0; t.k < t.n; t.k++) {
            if (t.target[t.k]) {
                t.label[t.k] = t.b.p;
                for (unsigned i = 0; i < t.nfix; i++)
                    if (t.fix[i].to == t.k)
                        x86_patch_rel32(t.fix[i].site, t.b.p);
                /* paths merge here: what this pass tested may not hold */
                t.fs_checked = t.fs_dirtied = false;
            }
            emit_insn(&t, &t.in[t.k]);
        }
        const struct insn *last = &t.in[t.n - 1];
        if (!(last->native && ends_block(last->d.op))) {
            /* Fell off the end (length limit, page end, or after a
             * fallback, which leaves by itself when it jumped or trapped):
             * continue at the next instruction. */
            t.k = t.n - 1;
            emit_exit_to(&t, &t.b, t.end);
        }
    }
    if (t.b.overflow || t.c.overflow || (size_t)(t.b.p - entry) > JIT_MAX_HOT ||
        (size_t)(t.c.p - (cc->rw + j->cold_used)) > JIT_MAX_HOT) {
        jit_fault_sites_trim(j, nfault_sites);
        *full = true; /* cannot happen with the margins above; be safe */
        return NULL;
    }

    struct jit_block *blk = &j->blocks[j->nblocks++];
    memset(blk, 0, sizeof(*blk));
    blk->pa = pa;
    blk->code = code_rx(cc, entry);
    blk->hot_size = (uint32_t)(t.b.p - entry);
    blk->cold = code_rx(cc, cc->rw + j->cold_used);
    blk->cold_size = (uint32_t)(t.c.p - (cc->rw + j->cold_used));
    blk->ninsns = (uint16_t)(crossing ? 1 : t.n);
    blk->bytes = (uint16_t)(t.end - t.start);
    j->hot_used = ((size_t)(t.b.p - cc->rw) + 15) & ~(size_t)15;
    j->cold_used = (size_t)(t.c.p - cc->rw);
    j->stats.blocks++;
    j->stats.guest_insns += crossing ? 1 : t.n;
    j->stats.code_bytes += blk->hot_size + blk->cold_size;
    for (unsigned i = 0; i < t.n; i++)
        j->stats.fallback_insns += !t.in[i].native;
    return blk;
}
