/* Differential test of the JIT against the interpreter: random programs
 * (integer, M, Zba/Zbb/Zbs, compressed, F/D, loads and stores to valid,
 * invalid, misaligned and page-crossing addresses, forward branches,
 * bounded loops, indirect jumps, counter CSR reads, ECALL/EBREAK/illegal
 * instructions and the traps they take, stores into the program itself)
 * run in lock-step on both engines
 * and must agree on every register, CSR and byte of RAM after every block.
 * A second pass runs them under Sv39 in S-mode over random page tables,
 * so loads and stores also take page faults.
 *
 *   test_jit_diff [--seed N] [--programs N] [--mutate NAME] [--jit-hot N]
 *
 * --mutate makes the JIT translate one operation wrongly (a negative
 * control): the test then passes only if a difference is found. --jit-hot
 * runs each block in the interpreter N times before translating it (vm
 * user's default): the switch between the two must keep every count. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lockstep.h"
#include "riscv/csr_defs.h"
#include "vm/log.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1ULL << 20)
#define CODE (RAM_BASE + 0x1000)    /* random code: 4 pages */
#define CODE_END (RAM_BASE + 0x5000)
#define DATA (RAM_BASE + 0x10000)   /* data pages */
#define DATA_MID (DATA + 0x4000)
#define PT (RAM_BASE + 0x40000)     /* Sv39 page tables */
#define BAD 0x10000000ULL           /* no memory there: access faults */

/* Registers with fixed jobs; random code never writes them. */
enum {
    R_CODE = 22, R_PAGE = 23, R_BAD = 24, R_EDGE = 25, R_DATA = 26, R_LOOP = 27, R_T0 = 28,
    R_T1 = 29,
};

static uint64_t rng;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static unsigned rn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* ---- encoders ---- */
static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                       unsigned opc)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t i_type(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
    return (uint32_t)imm << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t s_type(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned opc)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | opc;
}
static uint32_t b_type(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 | 0x63;
}
static uint32_t j_type(int32_t imm, unsigned rd)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 |
           (u >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}

/* ---- program builder ---- */
struct prog {
    uint8_t code[CODE_END - CODE];
    unsigned len;     /* bytes emitted */
    /* forward references: a branch/jump at `at` to instruction index `to` */
    struct { unsigned at, to_insn; uint8_t kind; } fix[4096];
    unsigned nfix;
    unsigned insn_off[8192]; /* byte offset of each instruction */
    bool inner[8192];        /* inside an auipc/addi/jalr triple: no jump lands there */
    unsigned ninsns;
};

static void put32(struct prog *p, uint32_t v)
{
    p->insn_off[p->ninsns++] = p->len;
    memcpy(p->code + p->len, &v, 4);
    p->len += 4;
}
static void put16(struct prog *p, uint16_t v)
{
    p->insn_off[p->ninsns++] = p->len;
    memcpy(p->code + p->len, &v, 2);
    p->len += 2;
}

static unsigned rd_any(void) /* a destination random code may write */
{
    return 1 + rn(21);
}
static unsigned rs_any(void)
{
    return rn(30);
}

static void gen_alu(struct prog *p)
{
    static const struct { unsigned f7, f3, opc; } r_ops[] = {
        {0, 0, 0x33}, {0x20, 0, 0x33}, {0, 1, 0x33}, {0, 2, 0x33}, {0, 3, 0x33}, {0, 4, 0x33},
        {0, 5, 0x33}, {0x20, 5, 0x33}, {0, 6, 0x33}, {0, 7, 0x33},                 /* RV64I */
        {0, 0, 0x3b}, {0x20, 0, 0x3b}, {0, 1, 0x3b}, {0, 5, 0x3b}, {0x20, 5, 0x3b}, /* W */
        {1, 0, 0x33}, {1, 1, 0x33}, {1, 2, 0x33}, {1, 3, 0x33}, {1, 4, 0x33}, {1, 5, 0x33},
        {1, 6, 0x33}, {1, 7, 0x33}, {1, 0, 0x3b}, {1, 4, 0x3b}, {1, 5, 0x3b}, {1, 6, 0x3b},
        {1, 7, 0x3b},                                                               /* M */
        {4, 0, 0x3b}, {0x10, 2, 0x33}, {0x10, 4, 0x33}, {0x10, 6, 0x33}, {0x10, 2, 0x3b},
        {0x10, 4, 0x3b}, {0x10, 6, 0x3b},                                          /* Zba */
        {0x20, 7, 0x33}, {0x20, 6, 0x33}, {0x20, 4, 0x33}, {5, 6, 0x33}, {5, 7, 0x33},
        {5, 4, 0x33}, {5, 5, 0x33}, {0x30, 1, 0x33}, {0x30, 5, 0x33}, {0x30, 1, 0x3b},
        {0x30, 5, 0x3b},                                                           /* Zbb */
        {0x24, 1, 0x33}, {0x24, 5, 0x33}, {0x34, 1, 0x33}, {0x14, 1, 0x33},         /* Zbs */
    };
    unsigned k = rn(10);
    if (k < 5) {
        unsigned i = rn(sizeof(r_ops) / sizeof(r_ops[0]));
        put32(p, r_type(r_ops[i].f7, rs_any(), rs_any(), r_ops[i].f3, rd_any(), r_ops[i].opc));
    } else if (k < 8) { /* immediates, shifts, Zbb/Zbs unary and immediate forms */
        unsigned rd = rd_any(), rs = rs_any();
        int32_t imm = (int32_t)rn(4096) - 2048;
        switch (rn(16)) {
        case 0: put32(p, i_type(imm, rs, 0, rd, 0x13)); break;                 /* addi */
        case 1: put32(p, i_type(imm, rs, 2, rd, 0x13)); break;                 /* slti */
        case 2: put32(p, i_type(imm, rs, 3, rd, 0x13)); break;                 /* sltiu */
        case 3: put32(p, i_type(imm, rs, 4 + 2 * rn(2), rd, 0x13)); break;     /* xori ori */
        case 4: put32(p, i_type(imm, rs, 7, rd, 0x13)); break;                 /* andi */
        case 5:
            if (rn(2)) { /* slli then srli/srai by the same amount: zext.w, sext.w, zext.h,
                          * ... (the JIT makes one move of 32, 48 and 56) */
                static const unsigned sh[] = {32, 48, 56, 40};
                unsigned s = sh[rn(4)];
                put32(p, i_type((int32_t)s, rs, 1, rd, 0x13));
                put32(p, i_type((int32_t)(s | rn(2) << 10), rd, 5, rd, 0x13));
            } else {
                put32(p, i_type((int32_t)rn(64), rs, 1, rd, 0x13));           /* slli */
            }
            break;
        case 6: put32(p, i_type((int32_t)(rn(64) | (rn(2) << 10)), rs, 5, rd, 0x13)); break;
        case 7: put32(p, i_type(imm, rs, 0, rd, 0x1b)); break;                 /* addiw */
        case 8: put32(p, i_type((int32_t)rn(32), rs, 1, rd, 0x1b)); break;     /* slliw */
        case 9: put32(p, i_type((int32_t)(rn(32) | (rn(2) << 10)), rs, 5, rd, 0x1b)); break;
        case 10: put32(p, (uint32_t)imm << 12 | rd << 7 | 0x37); break;        /* lui */
        case 11: put32(p, (uint32_t)(0x600 + rn(3)) << 20 | rs << 15 | 1 << 12 | rd << 7 |
                              (rn(2) ? 0x13 : 0x1b)); break;            /* clz ctz cpop (w) */
        case 12: put32(p, (uint32_t)(0x604 + rn(2)) << 20 | rs << 15 | 1 << 12 | rd << 7 | 0x13);
                 break;                                                 /* sext.b sext.h */
        case 13: put32(p, rn(2) ? (0x287u << 20 | rs << 15 | 5 << 12 | rd << 7 | 0x13)
                                : (0x6b8u << 20 | rs << 15 | 5 << 12 | rd << 7 | 0x13));
                 break;                                                 /* orc.b rev8 */
        case 14: { /* rori, bclri, bexti, binvi, bseti, slli.uw */
            static const uint32_t f6[] = {0x18, 0x12, 0x12, 0x1a, 0x0a, 0x02};
            static const uint32_t f3[] = {5, 1, 5, 1, 1, 1};
            unsigned i = rn(6);
            put32(p, f6[i] << 26 | rn(64) << 20 | rs << 15 | f3[i] << 12 | rd << 7 |
                         (i == 5 ? 0x1b : 0x13));
            break;
        }
        default: put32(p, (uint32_t)(rnd() & 0xfffff000) | rd << 7 | 0x17); break; /* auipc */
        }
    } else { /* compressed */
        unsigned rd = 8 + rn(8), rs = 8 + rn(8);
        switch (rn(6)) {
        case 0: put16(p, (uint16_t)(0x0001 | (1 + rn(22)) << 7 | (rn(32)) << 2)); break; /* c.addi */
        case 1: put16(p, (uint16_t)(0x4001 | (1 + rn(22)) << 7 | rn(32) << 2)); break;   /* c.li */
        case 2: put16(p, (uint16_t)(0x8c01 | (rd - 8) << 7 | rn(4) << 5 | (rs - 8) << 2));
                break;                                            /* c.sub xor or and */
        case 3: put16(p, (uint16_t)(0x8002 | (1 + rn(22)) << 7 | (1 + rn(29)) << 2)); break; /* c.mv */
        case 4: put16(p, (uint16_t)(0x9002 | (1 + rn(22)) << 7 | (1 + rn(29)) << 2)); break; /* c.add */
        default: put16(p, (uint16_t)(0x0002 | (1 + rn(22)) << 7 | (1 + rn(31)) << 2)); break; /* c.slli */
        }
    }
}

/* A load or store through one of the base registers. */
static void gen_mem(struct prog *p)
{
    unsigned base, size = rn(4), f3;
    int32_t off;
    if (rn(48) == 0) { /* a store into the program itself (self-modifying code) */
        put32(p, s_type((int32_t)rn(4096) - 2048, rs_any(), R_CODE, rn(4), 0x23));
        return;
    }
    switch (rn(8)) {
    case 0: base = R_BAD; off = (int32_t)rn(64); break;             /* access fault */
    case 1: base = R_EDGE; off = -(int32_t)rn(9); break;            /* crosses a page */
    case 2: base = R_PAGE; off = (int32_t)rn(2048); break;         /* paged: maybe faults */
    default: base = R_DATA; off = (int32_t)rn(4096) - 2048; break;
    }
    if (rn(4) == 0)
        off &= ~((1 << size) - 1); /* aligned */
    if (rn(2)) {
        f3 = size | (size < 3 && rn(2) ? 4 : 0);
        put32(p, i_type(off, base, f3, rd_any(), 0x03));
    } else {
        put32(p, s_type(off, rs_any(), base, size, 0x23));
    }
}

/* An FP register, mostly one holding a value of the op's format (even:
 * doubles, odd: boxed singles, as initialised). */
static unsigned freg(unsigned fmt)
{
    unsigned r = rn(32);
    return rn(4) ? (r & ~1u) | (fmt ? 0 : 1) : r;
}

static void gen_fp(struct prog *p)
{
    unsigned fmt = rn(2), fd = freg(fmt), f1 = freg(fmt), f2 = freg(fmt);
    switch (rn(10)) {
    case 0: put32(p, i_type((int32_t)(rn(256) * 8), R_DATA, 2 + fmt, fd, 0x07)); break; /* fl[wd] */
    case 1: put32(p, s_type((int32_t)(rn(256) * 8), f1, R_DATA, 2 + fmt, 0x27)); break; /* fs[wd] */
    case 2: put32(p, r_type(0x78 | fmt, 0, rs_any(), 0, fd, 0x53)); break;            /* fmv.f.x */
    case 3: put32(p, r_type(0x70 | fmt, 0, f1, 0, rd_any(), 0x53)); break;            /* fmv.x.f */
    case 4: put32(p, r_type(0x50 | fmt, f2, f1, rn(3), rd_any(), 0x53)); break;       /* fcmp */
    case 5: put32(p, r_type(0x60 | fmt, rn(4), f1, rn(5), rd_any(), 0x53)); break;    /* fcvt.int.f */
    case 6: { /* fmadd fmsub fnmsub fnmadd, any rounding mode incl. DYN */
        static const unsigned opc[] = {0x43, 0x47, 0x4b, 0x4f};
        unsigned rm = rn(3) ? (rn(2) ? 0 : 7) : rn(5);
        put32(p, rn(32) << 27 | fmt << 25 | f2 << 20 | f1 << 15 | rm << 12 | fd << 7 | opc[rn(4)]);
        break;
    }
    default: { /* add sub mul div sqrt: mostly RNE or DYN (the JIT's fast path) */
        unsigned rm = rn(3) ? (rn(2) ? 0 : 7) : rn(5);
        unsigned k = rn(5);
        if (k == 4)
            put32(p, r_type(0x2c | fmt, 0, f1, rm, fd, 0x53));                       /* fsqrt */
        else
            put32(p, r_type(k << 2 | fmt, f2, f1, rm, fd, 0x53));
        break;
    }
    }
}

static void gen_csr(struct prog *p)
{
    static const unsigned counters[] = {CSR_CYCLE, CSR_INSTRET, CSR_MCYCLE, CSR_MINSTRET};
    if (rn(3))
        put32(p, i_type((int32_t)counters[rn(4)], 0, 2, rd_any(), 0x73)); /* csrr */
    else
        put32(p, i_type(CSR_MSCRATCH, rs_any(), 1, rd_any(), 0x73)); /* csrrw mscratch */
}

static void gen_trap(struct prog *p)
{
    switch (rn(4)) {
    case 0: put32(p, 0x00000073); break;                 /* ecall */
    case 1: put32(p, 0x00100073); break;                 /* ebreak */
    case 2: put32(p, 0xffffffff); break;                 /* illegal */
    default: put16(p, 0x0000); break;                    /* illegal (compressed) */
    }
}

/* A branch or jump forward to a later instruction (fixed up later). */
static void gen_forward(struct prog *p)
{
    unsigned k = rn(8);
    unsigned to = p->ninsns + (k == 7 ? 3 : 1) + rn(12); /* past the jalr of kind 7 */
    p->fix[p->nfix].at = p->ninsns;
    p->fix[p->nfix].to_insn = to;
    if (k < 6) {
        p->fix[p->nfix++].kind = (uint8_t)k; /* branch with f3 from this */
        put32(p, b_type(0, rs_any(), rs_any(), k < 2 ? k : k + 2));
    } else if (k == 6) {
        p->fix[p->nfix++].kind = 6; /* jal */
        put32(p, j_type(0, rn(2) ? 0 : rd_any()));
    } else {
        /* auipc t0, 0; addi t0, t0, X; jalr rd, t0 (X fixed up) */
        p->fix[p->nfix++].kind = 7;
        p->inner[p->ninsns + 1] = p->inner[p->ninsns + 2] = true;
        put32(p, 0 | R_T0 << 7 | 0x17);
        put32(p, i_type(0, R_T0, 0, R_T0, 0x13));
        put32(p, i_type(0, R_T0, 0, rn(2) ? 0 : rd_any(), 0x67));
    }
}

static void fixups(struct prog *p)
{
    for (unsigned i = 0; i < p->nfix; i++) {
        unsigned at = p->insn_off[p->fix[i].at];
        unsigned to = p->fix[i].to_insn < p->ninsns ? p->insn_off[p->fix[i].to_insn] : p->len;
        if (p->fix[i].kind == 7) {
            uint32_t v;
            memcpy(&v, p->code + at + 4, 4);
            v |= (uint32_t)(to - at) << 20; /* offset from the auipc, < 2 KiB */
            memcpy(p->code + at + 4, &v, 4);
            continue;
        }
        uint32_t v;
        memcpy(&v, p->code + at, 4);
        int32_t rel = (int32_t)(to - at);
        if (p->fix[i].kind == 6)
            v = j_type(rel, v >> 7 & 31);
        else
            v = b_type(rel, v >> 20 & 31, v >> 15 & 31, v >> 12 & 7);
        memcpy(p->code + at, &v, 4);
    }
}

/* A whole program: set-up of the fixed registers, then chunks of random
 * code, some inside bounded loops; ends in a jump to itself. */
static void gen_program(struct prog *p)
{
    memset(p, 0, sizeof(*p));
    unsigned target = 300 + rn(1200);
    unsigned fp_extra = rn(3) ? 0 : 20; /* a third of the programs are FP-heavy */
    while (p->ninsns < target && p->len < sizeof(p->code) - 256) {
        unsigned k = rn(100 + fp_extra);
        if (k < 4) { /* a loop of 2..6 iterations around a straight chunk */
            put32(p, i_type((int32_t)(2 + rn(5)), 0, 0, R_LOOP, 0x13));
            unsigned head = p->len, n = 2 + rn(8);
            for (unsigned i = 0; i < n; i++)
                rn(3) ? gen_alu(p) : gen_mem(p);
            put32(p, i_type(-1, R_LOOP, 0, R_LOOP, 0x13));
            /* bgtz (blt zero, counter): a forward branch into the body with
             * the counter spent runs it once more, not 2^64 times */
            put32(p, b_type((int32_t)head - (int32_t)p->len, R_LOOP, 0, 4));
        } else if (k < 50) {
            gen_alu(p);
        } else if (k < 70) {
            gen_mem(p);
        } else if (k < 78 + fp_extra) {
            gen_fp(p);
        } else if (k < 84 + fp_extra) {
            gen_csr(p);
        } else if (k < 88 + fp_extra) {
            gen_trap(p);
        } else {
            gen_forward(p);
        }
    }
    for (unsigned i = p->nfix; i-- > 0;) { /* targets past the end land on the end */
        while (p->fix[i].to_insn < p->ninsns && p->inner[p->fix[i].to_insn])
            p->fix[i].to_insn++;
        if (p->fix[i].to_insn >= p->ninsns)
            p->fix[i].to_insn = p->ninsns;
    }
    fixups(p);
    put32(p, j_type(0, 0)); /* end: j . */
}

/* The M-mode trap handler: skip the trapping instruction (2 or 4 bytes). */
static const uint32_t handler[] = {
    0x34102e73, /* csrr t3, mepc */
    0x000e5e83, /* lhu t4, 0(t3) */
    0x003efe93, /* andi t4, t4, 3 */
    0xffde8e93, /* addi t4, t4, -3 */
    0x000e9463, /* bnez t4, +8 */
    0x002e0e13, /* addi t3, t3, 2 */
    0x002e0e13, /* addi t3, t3, 2 */
    0x341e1073, /* csrw mepc, t3 */
    0x30200073, /* mret */
};

/* Sv39 page tables: the code and handler identity-mapped executable; data
 * mapped read-write; the "paged" window gets random permissions. */
static void build_page_tables(uint8_t *ram)
{
    uint64_t *l2 = (uint64_t *)(ram + (PT - RAM_BASE));
    uint64_t *l1 = l2 + 512, *l0 = l1 + 512;
    memset(l2, 0, 3 * 4096);
    l2[(RAM_BASE >> 30) & 511] = ((PT + 0x1000) >> 12) << 10 | 1;
    l1[(RAM_BASE >> 21) & 511] = ((PT + 0x2000) >> 12) << 10 | 1;
    for (unsigned i = 0; i < 512; i++) {
        uint64_t pa = RAM_BASE + (uint64_t)i * 4096;
        uint64_t flags = 0xc1; /* V, A, D */
        if (pa < CODE_END)
            flags |= 0xa; /* R X */
        else if (pa >= DATA && pa < DATA + 0x8000)
            flags |= 0x6; /* R W */
        else if (pa >= DATA + 0x8000 && pa < DATA + 0x10000) {
            static const uint64_t perms[] = {0, 0x2, 0x6, 0xa, 0x6 | 0x40, 0x2 & ~0x1};
            flags = rn(4) ? (0xc1 | perms[rn(6)]) : (rn(2) ? 0 : 0x41 | 0x2);
            if (rn(5) == 0)
                flags &= ~0x80ULL; /* D clear: stores must set it (Svadu) */
        } else
            flags |= 0x2;
        l0[i] = (pa >> 12) << 10 | flags;
    }
}

struct run_stats {
    unsigned programs, diffs;
    uint64_t insns, steps;
};

static bool run_one(uint64_t seed, bool paged, const char *props, bool verbose,
                    struct run_stats *st)
{
    static struct prog prog;
    rng = seed * 0x9e3779b97f4a7c15ULL + 1;
    gen_program(&prog);
    struct ls_pair p;
    if (ls_init(&p, RAM_BASE, RAM_SIZE, props) < 0)
        exit(2);
    static uint8_t data[0x10000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)rnd();
    ls_write(&p, DATA, data, sizeof(data));
    ls_write(&p, RAM_BASE, handler, sizeof(handler));
    ls_write(&p, CODE, prog.code, prog.len);
    if (paged)
        build_page_tables(p.jit.ram), memcpy(p.ref.ram + (PT - RAM_BASE),
                                             p.jit.ram + (PT - RAM_BASE), 3 * 4096);
    uint64_t end = CODE + prog.len - 4;
    ls_set_pc(&p, CODE);
    struct rv_hart *hs[2] = {p.jit.h, p.ref.h};
    uint64_t regs[32];
    for (unsigned i = 1; i < 32; i++)
        regs[i] = rn(4) ? rnd() : (uint64_t)(int64_t)(int32_t)rnd();
    /* FP registers: ordinary numbers mostly, and the values that decide
     * flags: zeros, subnormals, the largest and smallest normals, infinities,
     * NaNs, badly boxed singles. NX set or not at the start (the JIT's fast
     * path needs it), frm sometimes not RNE. */
    static const uint64_t dspecial[] = {0, 0x8000000000000000ULL, 1, 0x000fffffffffffffULL,
        0x0010000000000000ULL, 0x7fefffffffffffffULL, 0x7ff0000000000000ULL,
        0xfff0000000000000ULL, 0x7ff8000000000000ULL, 0x7ff4000000000000ULL,
        0x3ff0000000000001ULL, 0x3feffffffffffffeULL};
    static const uint32_t sspecial[] = {0, 0x80000000, 1, 0x007fffff, 0x00800000, 0x7f7fffff,
        0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0x3f800001, 0x3f7ffffe};
    uint64_t fregs[32];
    for (unsigned i = 0; i < 32; i++) {
        unsigned k = rn(8);
        if (k == 2) { /* a few significant bits: exact sums and products */
            double v = (double)((int)rn(64) - 32) * 0.125;
            float f = (float)v;
            uint64_t dbits;
            uint32_t sbits;
            memcpy(&dbits, &v, 8);
            memcpy(&sbits, &f, 4);
            fregs[i] = i & 1 ? 0xffffffff00000000ULL | sbits : dbits;
            continue;
        }
        if (i & 1)
            fregs[i] = k == 0 ? rnd() /* unboxed: reads as NaN */
                     : 0xffffffff00000000ULL | (k == 1 ? sspecial[rn(12)] :
                                                (uint32_t)(0x3f000000 + rn(0x1000000)) ^
                                                (rn(2) ? 0x80000000u : 0));
        else
            fregs[i] = k == 0 ? dspecial[rn(12)] :
                       (0x3fe0000000000000ULL + (rnd() & 0x1fffffffffffffULL)) ^
                       (rn(2) ? 0x8000000000000000ULL : 0);
    }
    unsigned fflags0 = rn(2) ? 1 : rn(32), frm0 = rn(4) ? 0 : rn(5);
    regs[R_LOOP] = 0;
    regs[R_CODE] = CODE + 0x800;
    regs[R_DATA] = DATA_MID;
    regs[R_EDGE] = DATA + 0x1000;
    regs[R_BAD] = BAD;
    regs[R_PAGE] = DATA + 0x8000 + (uint64_t)rn(8) * 4096;
    for (unsigned s = 0; s < 2; s++) {
        struct rv_hart *h = hs[s];
        memcpy(&h->x[1], &regs[1], 31 * 8);
        for (unsigned i = 0; i < 32; i++)
            h->f[i] = fregs[i];
        h->fflags = (uint8_t)fflags0;
        h->frm = (uint8_t)frm0;
        rv_csr_write(h, CSR_MTVEC, RAM_BASE);
        rv_csr_write(h, CSR_MSTATUS, (1ULL << 13) | (paged ? 1ULL << 11 : 3ULL << 11));
        rv_csr_write(h, CSR_MCOUNTEREN, 7);
        if (paged) { /* S-mode, Sv39, through mret */
            rv_csr_write(h, CSR_SATP, 8ULL << 60 | PT >> 12);
            rv_csr_write(h, CSR_MEPC, CODE);
            h->pc = CODE;
            rv_mret(h);
            rv_sync_counters(h);
        }
    }
    bool ok = true;
    unsigned steps = 0;
    for (; steps < 20000; steps++) {
        enum ls_result r = ls_step(&p);
        if (r == LS_DIFF) {
            ok = false;
            if (verbose)
                fprintf(stderr, "seed %" PRIu64 "%s: difference in the block from pc 0x%" PRIx64
                        " (step %" PRIu64 ", %" PRIu64 " instructions): %s\n", seed,
                        paged ? " (Sv39)" : "", p.step_pc, p.steps, p.insns, p.diff);
            break;
        }
        if (r == LS_STOP)
            p.jit.h->events = p.ref.h->events = 0;
        if (p.jit.h->pc == end)
            break;
    }
    if (ok && steps == 20000 && verbose)
        fprintf(stderr, "seed %" PRIu64 "%s: did not reach its end (pc 0x%" PRIx64 ")\n", seed,
                paged ? " (Sv39)" : "", p.jit.h->pc);
    st->programs++;
    st->diffs += !ok;
    st->insns += p.insns;
    st->steps += p.steps;
    ls_fini(&p);
    return ok;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    unsigned programs = 100;
    const char *mutate = NULL, *hot = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--programs") && i + 1 < argc)
            programs = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--mutate") && i + 1 < argc)
            mutate = argv[++i];
        else if (!strcmp(argv[i], "--jit-hot") && i + 1 < argc)
            hot = argv[++i];
        else {
            fprintf(stderr, "usage: test_jit_diff [--seed N] [--programs N] [--mutate OP] "
                    "[--jit-hot N]\n");
            return 2;
        }
    }
    if (getenv("LOCKSTEP_LOG"))
        vm_log_set_items(getenv("LOCKSTEP_LOG"));
    char props[64] = "";
    /* --jit-hot: blocks interpreted until their N+1st run, then translated */
    snprintf(props, sizeof(props), "%s%.20s%s%.20s", mutate ? "test-mutate=" : "",
             mutate ? mutate : "", hot ? (mutate ? ",jit-hot=" : "jit-hot=") : "", hot ? hot : "");
    struct run_stats st = {0};
    for (unsigned i = 0; i < programs; i++) {
        run_one(seed + i, false, props, !mutate, &st);
        run_one(seed + i, true, props, !mutate, &st);
        if (mutate && st.diffs)
            break;
    }
    printf("%u programs, %" PRIu64 " blocks, %" PRIu64 " instructions compared: %u with "
           "differences\n", st.programs, st.steps, st.insns, st.diffs);
    if (mutate) {
        if (!st.diffs) {
            printf("negative control '%s': the wrong translation was NOT caught\n", mutate);
            return 1;
        }
        printf("negative control '%s': caught\n", mutate);
        return 0;
    }
    return st.diffs ? 1 : 0;
}
