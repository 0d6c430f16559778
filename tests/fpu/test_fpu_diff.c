/* Differential test: every F/D/Zfh operation of src/riscv/fpu*.c against a
 * real RISC-V implementation, qemu-riscv64 (Zfh on) running oracle.c.
 *
 *   test_fpu_diff QEMU ORACLE_ELF     (no arguments: skip, exit 77)
 *
 * Vectors are special values crossed with each other plus pseudo-random
 * values shaped to hit rounding boundaries, tiny and huge results,
 * cancellation and integer limits; rounding ops run in all five modes.
 * Each vector is checked four times: with the host fast path (in RNE it
 * runs in the thread's MXCSR), with it and NX already set in fflags (then
 * only the result's class is tested), with it in a thread whose MXCSR is
 * not the default (FTZ: it must load its own), and with the software path
 * alone. FPU_DIFF_SEED=n picks another seed. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fpu_ops.h"
#include "riscv/fpu.h"
#include "riscv/fpu_internal.h"

extern char **environ;

/* ---- what each oracle op means on the host side ---- */

enum kind { K_ADD, K_SUB, K_MUL, K_DIV, K_SQRT, K_FMA, K_SGNJ, K_MINMAX, K_CMP, K_CLASS,
            K_TOINT, K_FROMINT, K_CVTFMT };

struct op_desc {
    const char *name;
    int fmt;   /* format of the FP operands */
    int kind;
    int param; /* FMA negations (bit0 product, bit1 addend), sgnj op, max, cmp op, int type */
};

static const struct op_desc ops[OP_COUNT] = {
#define D(op, f, k, p) [OP_##op] = { #op, f, k, p }
    D(FADD_S, 0, K_ADD, 0),      D(FSUB_S, 0, K_SUB, 0),      D(FMUL_S, 0, K_MUL, 0),
    D(FDIV_S, 0, K_DIV, 0),      D(FSQRT_S, 0, K_SQRT, 0),    D(FMADD_S, 0, K_FMA, 0),
    D(FMSUB_S, 0, K_FMA, 2),     D(FNMSUB_S, 0, K_FMA, 1),    D(FNMADD_S, 0, K_FMA, 3),
    D(FSGNJ_S, 0, K_SGNJ, 0),    D(FSGNJN_S, 0, K_SGNJ, 1),   D(FSGNJX_S, 0, K_SGNJ, 2),
    D(FMIN_S, 0, K_MINMAX, 0),   D(FMAX_S, 0, K_MINMAX, 1),   D(FEQ_S, 0, K_CMP, 2),
    D(FLT_S, 0, K_CMP, 1),       D(FLE_S, 0, K_CMP, 0),       D(FCLASS_S, 0, K_CLASS, 0),
    D(FCVT_W_S, 0, K_TOINT, 0),  D(FCVT_WU_S, 0, K_TOINT, 1), D(FCVT_L_S, 0, K_TOINT, 2),
    D(FCVT_LU_S, 0, K_TOINT, 3), D(FCVT_S_W, 0, K_FROMINT, 0), D(FCVT_S_WU, 0, K_FROMINT, 1),
    D(FCVT_S_L, 0, K_FROMINT, 2), D(FCVT_S_LU, 0, K_FROMINT, 3), D(FCVT_S_D, 1, K_CVTFMT, 0),
    D(FADD_D, 1, K_ADD, 0),      D(FSUB_D, 1, K_SUB, 0),      D(FMUL_D, 1, K_MUL, 0),
    D(FDIV_D, 1, K_DIV, 0),      D(FSQRT_D, 1, K_SQRT, 0),    D(FMADD_D, 1, K_FMA, 0),
    D(FMSUB_D, 1, K_FMA, 2),     D(FNMSUB_D, 1, K_FMA, 1),    D(FNMADD_D, 1, K_FMA, 3),
    D(FSGNJ_D, 1, K_SGNJ, 0),    D(FSGNJN_D, 1, K_SGNJ, 1),   D(FSGNJX_D, 1, K_SGNJ, 2),
    D(FMIN_D, 1, K_MINMAX, 0),   D(FMAX_D, 1, K_MINMAX, 1),   D(FEQ_D, 1, K_CMP, 2),
    D(FLT_D, 1, K_CMP, 1),       D(FLE_D, 1, K_CMP, 0),       D(FCLASS_D, 1, K_CLASS, 0),
    D(FCVT_W_D, 1, K_TOINT, 0),  D(FCVT_WU_D, 1, K_TOINT, 1), D(FCVT_L_D, 1, K_TOINT, 2),
    D(FCVT_LU_D, 1, K_TOINT, 3), D(FCVT_D_W, 1, K_FROMINT, 0), D(FCVT_D_WU, 1, K_FROMINT, 1),
    D(FCVT_D_L, 1, K_FROMINT, 2), D(FCVT_D_LU, 1, K_FROMINT, 3), D(FCVT_D_S, 0, K_CVTFMT, 1),
    D(FADD_H, 2, K_ADD, 0),      D(FSUB_H, 2, K_SUB, 0),      D(FMUL_H, 2, K_MUL, 0),
    D(FDIV_H, 2, K_DIV, 0),      D(FSQRT_H, 2, K_SQRT, 0),    D(FMADD_H, 2, K_FMA, 0),
    D(FMSUB_H, 2, K_FMA, 2),     D(FNMSUB_H, 2, K_FMA, 1),    D(FNMADD_H, 2, K_FMA, 3),
    D(FSGNJ_H, 2, K_SGNJ, 0),    D(FSGNJN_H, 2, K_SGNJ, 1),   D(FSGNJX_H, 2, K_SGNJ, 2),
    D(FMIN_H, 2, K_MINMAX, 0),   D(FMAX_H, 2, K_MINMAX, 1),   D(FEQ_H, 2, K_CMP, 2),
    D(FLT_H, 2, K_CMP, 1),       D(FLE_H, 2, K_CMP, 0),       D(FCLASS_H, 2, K_CLASS, 0),
    D(FCVT_W_H, 2, K_TOINT, 0),  D(FCVT_WU_H, 2, K_TOINT, 1), D(FCVT_L_H, 2, K_TOINT, 2),
    D(FCVT_LU_H, 2, K_TOINT, 3), D(FCVT_H_W, 2, K_FROMINT, 0), D(FCVT_H_WU, 2, K_FROMINT, 1),
    D(FCVT_H_L, 2, K_FROMINT, 2), D(FCVT_H_LU, 2, K_FROMINT, 3), D(FCVT_S_H, 2, K_CVTFMT, 0),
    D(FCVT_H_S, 0, K_CVTFMT, 2), D(FCVT_D_H, 2, K_CVTFMT, 1), D(FCVT_H_D, 1, K_CVTFMT, 2),
#undef D
};

static bool rounds(int kind)
{
    return kind <= K_FMA || kind >= K_TOINT;
}

/* fflags before each operation: 0, or NX (the host path's NX-sticky way) */
static uint32_t flags_before;

static struct fpu_res evaluate(const struct fpu_rec *r)
{
    const struct op_desc *d = &ops[r->op];
    uint32_t fl = flags_before;
    uint64_t v = 0;
    int rm = (int)r->rm;
    switch (d->kind) {
    case K_ADD: v = rv_fadd(d->fmt, r->a, r->b, rm, &fl); break;
    case K_SUB: v = rv_fsub(d->fmt, r->a, r->b, rm, &fl); break;
    case K_MUL: v = rv_fmul(d->fmt, r->a, r->b, rm, &fl); break;
    case K_DIV: v = rv_fdiv(d->fmt, r->a, r->b, rm, &fl); break;
    case K_SQRT: v = rv_fsqrt(d->fmt, r->a, rm, &fl); break;
    case K_FMA:
        v = rv_fma(d->fmt, r->a, r->b, r->c, d->param & 1, d->param >> 1, rm, &fl);
        break;
    case K_SGNJ: v = rv_fsgnj(d->fmt, r->a, r->b, d->param); break;
    case K_MINMAX: v = rv_fminmax(d->fmt, r->a, r->b, d->param, &fl); break;
    case K_CMP: v = rv_fcmp(d->fmt, r->a, r->b, d->param, &fl); break;
    case K_CLASS: v = rv_fclass(d->fmt, r->a); break;
    case K_TOINT: v = rv_fcvt_to_int(d->fmt, r->a, d->param, rm, &fl); break;
    case K_FROMINT: v = rv_fcvt_from_int(d->fmt, r->a, d->param, rm, &fl); break;
    case K_CVTFMT: v = rv_fcvt_fmt(d->param, d->fmt, r->a, rm, &fl); break;
    }
    return (struct fpu_res){ v, fl };
}

/* ---- pseudo-random numbers (xoshiro256**, seeded by splitmix64) ---- */

static uint64_t rng_s[4];

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rol(uint64_t x, int k) { return x << k | x >> (64 - k); }

static uint64_t rnd(void)
{
    uint64_t r = rol(rng_s[1] * 5, 7) * 9, t = rng_s[1] << 17;
    rng_s[2] ^= rng_s[0];
    rng_s[3] ^= rng_s[1];
    rng_s[1] ^= rng_s[2];
    rng_s[0] ^= rng_s[3];
    rng_s[2] ^= t;
    rng_s[3] = rol(rng_s[3], 45);
    return r;
}

static unsigned below(unsigned n) { return (unsigned)(rnd() % n); }

/* ---- the vector list ---- */

static struct fpu_rec *vec;
static size_t nvec, capvec;

static void emit1(int op, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    if (nvec == capvec) {
        capvec = capvec ? capvec * 2 : 1 << 16;
        vec = realloc(vec, capvec * sizeof(*vec));
        if (!vec) {
            perror("realloc");
            exit(1);
        }
    }
    vec[nvec++] = (struct fpu_rec){ (uint32_t)op, (uint32_t)rm, a, b, c };
}

/* Rounding ops in all five modes; the others once, in a random mode that
 * they must ignore. */
static void emit(int op, uint64_t a, uint64_t b, uint64_t c)
{
    if (!rounds(ops[op].kind)) {
        emit1(op, (int)below(5), a, b, c);
        return;
    }
    for (int rm = 0; rm < 5; rm++)
        emit1(op, rm, a, b, c);
}

/* ---- values ---- */

#define BOX(x) (0xffffffff00000000ull | (uint32_t)(x))

static const uint64_t special_s[] = {
    BOX(0x00000000), BOX(0x80000000), BOX(0x00000001), BOX(0x80000001), BOX(0x007fffff),
    BOX(0x807fffff), BOX(0x00400000), BOX(0x00800000), BOX(0x80800000), BOX(0x00800001),
    BOX(0x7f7fffff), BOX(0xff7fffff), BOX(0x7f000000), BOX(0x7f800000), BOX(0xff800000),
    BOX(0x7fc00000), BOX(0xffc00000), BOX(0x7fc00001), BOX(0x7f800001), BOX(0x7fa00000),
    BOX(0xff800001), BOX(0x3f800000), BOX(0xbf800000), BOX(0x3f800001), BOX(0x3f7fffff),
    BOX(0x40000000), BOX(0x3f000000), BOX(0xbf000000), BOX(0x3fc00000), BOX(0x40200000),
    BOX(0xc0200000), BOX(0x40400000), BOX(0x3effffff), BOX(0xbf7fffff), BOX(0x4f000000),
    BOX(0x4effffff), BOX(0xcf000000), BOX(0xcf000001), BOX(0x4f800000), BOX(0x4f7fffff),
    BOX(0x5f000000), BOX(0x5effffff), BOX(0xdf000000), BOX(0xdf000001), BOX(0x5f800000),
    BOX(0x5f7fffff), BOX(0x4b000000), BOX(0x4b7fffff), BOX(0x34000000), BOX(0x1f800000),
    0x000000003f800000ull, /* improperly boxed 1.0 */
    0x7ff8000000000000ull, /* a double NaN read as single */
    0xfffffffe40000000ull, /* one box bit missing */
};

static const uint64_t special_d[] = {
    0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x8000000000000001,
    0x000fffffffffffff, 0x800fffffffffffff, 0x0008000000000000, 0x0010000000000000,
    0x8010000000000000, 0x0010000000000001, 0x7fefffffffffffff, 0xffefffffffffffff,
    0x7fe0000000000000, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
    0xfff8000000000000, 0x7ff8000000000001, 0x7ff0000000000001, 0x7ff4000000000000,
    0xfff0000000000001, 0x3ff0000000000000, 0xbff0000000000000, 0x3ff0000000000001,
    0x3fefffffffffffff, 0x4000000000000000, 0x3fe0000000000000, 0xbfe0000000000000,
    0x3ff8000000000000, 0x4004000000000000, 0xc004000000000000, 0x4008000000000000,
    0x3fdfffffffffffff, 0xbfefffffffffffff, 0x41e0000000000000, 0x41dfffffffc00000,
    0x41dfffffffe00000, 0x41dffffffff00000, 0xc1e0000000000000, 0xc1e0000000100000,
    0xc1e0000000200000, 0x41f0000000000000, 0x41efffffffe00000, 0x41effffffff00000,
    0x43e0000000000000, 0x43dfffffffffffff, 0xc3e0000000000000, 0xc3e0000000000001,
    0x43f0000000000000, 0x43efffffffffffff, 0x4330000000000000, 0x433fffffffffffff,
    0x47efffffe0000000, 0x47effffff0000000, 0x47efffffefffffff, 0x47f0000000000000,
    0x3810000000000000, 0x380fffffffffffff, 0x380ffffff0000000, 0x36a0000000000000,
    0x3690000000000000, 0x3690000000000001, 0x368fffffffffffff, 0x3cb0000000000000,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Small lists for the three-operand cross product. */
static const uint64_t fma_special_s[] = {
    BOX(0x00000000), BOX(0x80000000), BOX(0x00000001), BOX(0x00800000), BOX(0x7f7fffff),
    BOX(0xff800000), BOX(0x7f800000), BOX(0x7fc00000), BOX(0x7f800001), BOX(0x3f800000),
    BOX(0xbf800001), BOX(0x3f7fffff), BOX(0x1f800000), 0x0000000040000000ull,
};
static const uint64_t fma_special_d[] = {
    0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x0010000000000000,
    0x7fefffffffffffff, 0xfff0000000000000, 0x7ff0000000000000, 0x7ff8000000000000,
    0x7ff0000000000001, 0x3ff0000000000000, 0xbff0000000000001, 0x3fefffffffffffff,
    0x1ff0000000000000, 0x3cb0000000000000,
};

#define HBOX(x) (0xffffffffffff0000ull | (uint16_t)(x))

static const uint64_t special_h[] = {
    HBOX(0x0000), HBOX(0x8000), HBOX(0x0001), HBOX(0x8001), HBOX(0x03ff), HBOX(0x83ff),
    HBOX(0x0200), HBOX(0x0400), HBOX(0x8400), HBOX(0x0401), HBOX(0x7bff), HBOX(0xfbff),
    HBOX(0x7800), HBOX(0x7c00), HBOX(0xfc00), HBOX(0x7e00), HBOX(0xfe00), HBOX(0x7e01),
    HBOX(0x7c01), HBOX(0x7d00), HBOX(0xfc01), HBOX(0x3c00), HBOX(0xbc00), HBOX(0x3c01),
    HBOX(0x3bff), HBOX(0x4000), HBOX(0x3800), HBOX(0xb800), HBOX(0x3e00), HBOX(0x4100),
    HBOX(0xc100), HBOX(0x4200), HBOX(0x37ff), HBOX(0xbbff), HBOX(0x6800), HBOX(0x67ff),
    HBOX(0x7a00), HBOX(0x1400), HBOX(0x6bff), HBOX(0xe800),
    0x0000000000003c00ull, /* improperly boxed 1.0 */
    0xffffffff3f800000ull, /* a single read as half */
    0xfffeffffffff3c00ull, /* one box bit missing */
};
static const uint64_t fma_special_h[] = {
    HBOX(0x0000), HBOX(0x8000), HBOX(0x0001), HBOX(0x0400), HBOX(0x7bff), HBOX(0xfc00),
    HBOX(0x7c00), HBOX(0x7e00), HBOX(0x7c01), HBOX(0x3c00), HBOX(0xbc01), HBOX(0x3bff),
    HBOX(0x1400), 0x0000000000004000ull,
};

static int frac_bits(int fmt) { return fmt == 1 ? 52 : fmt == 0 ? 23 : 10; }
static int exp_max(int fmt) { return fmt == 1 ? 0x7ff : fmt == 0 ? 0xff : 0x1f; }
static int bias(int fmt) { return fmt == 1 ? 1023 : fmt == 0 ? 127 : 15; }
static int width(int fmt) { return fmt == 1 ? 64 : fmt == 0 ? 32 : 16; }
static uint64_t sign_of(int fmt) { return 1ull << (width(fmt) - 1); }
static uint64_t raw_mask(int fmt) { return fmt == 1 ? ~0ull : (1ull << width(fmt)) - 1; }
static uint64_t box(int fmt, uint64_t x) { return x | ~raw_mask(fmt); }

static uint64_t special(int fmt)
{
    switch (fmt) {
    case 1: return special_d[below(COUNT(special_d))];
    case 0: return special_s[below(COUNT(special_s))];
    default: return special_h[below(COUNT(special_h))];
    }
}

static uint64_t frac_mask(int fmt) { return (1ull << frac_bits(fmt)) - 1; }

/* A fraction field with structure: runs of ones, single bits, halves. */
static uint64_t rand_frac(int fmt)
{
    const int fb = frac_bits(fmt);
    uint64_t m = frac_mask(fmt), r = rnd() & m;
    int k = (int)below((unsigned)fb + 1);
    switch (below(9)) {
    case 0: return m;
    case 1: return 0;
    case 2: return 1ull << below((unsigned)fb);
    case 3: return m & ~(m >> k);             /* k leading ones */
    case 4: return m >> k;                    /* trailing ones */
    case 5: return r & ~((1ull << k) - 1);    /* short significand */
    case 6: return ((r & ~((2ull << k) - 1)) | 1ull << k) & m; /* ...then a lone one */
    case 7: return r | ((1ull << k) - 1);
    default: return r;
    }
}

/* A biased exponent from the interesting places. */
static int rand_exp(int fmt)
{
    const int b = bias(fmt), mx = exp_max(fmt), fb = frac_bits(fmt);
    switch (below(10)) {
    case 0: return (int)below(3);                     /* subnormal, tiny normals */
    case 1: return mx - 1 - (int)below(3);            /* huge */
    case 2: return b + fb - 1 + (int)below(4);        /* integer / fraction boundary */
    case 3: return b + 30 + (int)below(4);            /* 32-bit limits */
    case 4: return b + 62 + (int)below(4);            /* 64-bit limits */
    case 5: return b - 2 + (int)below(3);             /* around 1/2 */
    default: return 1 + (int)below((unsigned)mx - 1);
    }
}

static uint64_t make(int fmt, int sign, int bexp, uint64_t frac)
{
    if (bexp < 0)
        bexp = 0;
    if (bexp > exp_max(fmt))
        bexp = exp_max(fmt);
    return (uint64_t)sign << (width(fmt) - 1) | (uint64_t)bexp << frac_bits(fmt) |
           (frac & frac_mask(fmt));
}

static int bexp_of(int fmt, uint64_t x)
{
    return (int)(x >> frac_bits(fmt) & (uint64_t)exp_max(fmt));
}

/* A raw (unboxed) value of fmt. */
static uint64_t rand_raw(int fmt)
{
    unsigned pick = below(100);
    if (pick < 8)
        return special(fmt) & raw_mask(fmt);
    if (pick < 30)
        return rnd() & raw_mask(fmt);
    return make(fmt, (int)below(2), rand_exp(fmt), rand_frac(fmt));
}

/* A register value for an fmt operand: rarely a badly boxed single or half. */
static uint64_t reg(int fmt, uint64_t raw)
{
    if (fmt != 1 && below(200) == 0) {
        unsigned w = (unsigned)width(fmt);
        return (rnd() & ~raw_mask(fmt) & ~(1ull << (w + below(64 - w)))) | raw;
    }
    return box(fmt, raw);
}

/* Neighbours: raw moved by a few units in the last place. */
static uint64_t nudge(int fmt, uint64_t raw)
{
    int64_t d = (int64_t)below(7) - 3;
    return (raw + (uint64_t)d) & raw_mask(fmt);
}

static double as_d(uint64_t x) { double d; memcpy(&d, &x, 8); return d; }
static float as_s(uint64_t x) { float f; uint32_t u = (uint32_t)x; memcpy(&f, &u, 4); return f; }
static uint64_t d_bits(double d) { uint64_t x; memcpy(&x, &d, 8); return x; }
static uint64_t s_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* Host product, good enough to aim an addend at cancellation. */
static uint64_t approx_product(int fmt, uint64_t a, uint64_t b)
{
    if (fmt == 2) { /* through the FPU under test: only aims, never checks */
        uint32_t ignored = 0;
        return rv_fmul(RV_FH, box(2, a), box(2, b), RV_RNE, &ignored) & raw_mask(2);
    }
    return fmt ? d_bits(as_d(a) * as_d(b)) : s_bits((float)((double)as_s(a) * as_s(b)));
}

/* ---- generators per kind ---- */

/* A biased exponent for b that puts a*b (or a/b) near the underflow or
 * the overflow threshold. */
static int threshold_exp(int fmt, int kind, int a_exp)
{
    const int b = bias(fmt), mx = exp_max(fmt), p = frac_bits(fmt) + 1;
    int target = below(2) ? 1 - (int)below((unsigned)p + 3) : mx - 3 + (int)below(5);
    /* product: ea + eb - bias = target; quotient: ea - eb + bias = target */
    return kind == K_MUL ? target + b - a_exp : a_exp + b - target;
}

static void gen_binary_arith(int op, int n)
{
    const int fmt = ops[op].fmt, kind = ops[op].kind, p = frac_bits(fmt) + 1;
    const uint64_t sign = sign_of(fmt);
    for (int i = 0; i < n; i++) {
        uint64_t a = rand_raw(fmt), b = rand_raw(fmt);
        switch (below(4)) {
        case 0:
            if (kind == K_ADD || kind == K_SUB) /* overlapping significands */
                b = make(fmt, (int)below(2), bexp_of(fmt, a) - (int)below((unsigned)p + 3), b);
            else
                b = make(fmt, (int)below(2), threshold_exp(fmt, kind, bexp_of(fmt, a)), b);
            break;
        case 1: /* near-equal or near-negated operands */
            b = nudge(fmt, below(2) ? a : a ^ sign);
            break;
        default:
            break;
        }
        emit(op, reg(fmt, a), reg(fmt, b), 0);
    }
}

static void gen_sqrt(int op, int n)
{
    const int fmt = ops[op].fmt;
    for (int i = 0; i < n; i++) {
        uint64_t a = rand_raw(fmt);
        unsigned pick = below(4);
        if (pick < 2) { /* a square of a short significand, maybe nudged */
            uint64_t x = make(fmt, 0, rand_exp(fmt) / 2 + bias(fmt) / 2,
                              rnd() & frac_mask(fmt) & ~(frac_mask(fmt) >> (frac_bits(fmt) / 2)));
            a = approx_product(fmt, x, x);
            if (pick == 1)
                a = nudge(fmt, a);
        } else if (pick == 2) {
            a &= ~sign_of(fmt);
        }
        emit(op, reg(fmt, a), 0, 0);
    }
}

static void gen_fma(int op, int n)
{
    const int fmt = ops[op].fmt, p = frac_bits(fmt) + 1;
    const uint64_t sign = sign_of(fmt);
    for (int i = 0; i < n; i++) {
        uint64_t a = rand_raw(fmt), b = rand_raw(fmt), c = rand_raw(fmt);
        if (below(3)) /* keep the product finite and normal-ish */
            b = make(fmt, (int)below(2), 2 * bias(fmt) - bexp_of(fmt, a) - (int)below(40) + 20,
                     b);
        switch (below(4)) {
        case 0: /* c cancels the product (the sign depends on the op) */
            c = nudge(fmt, approx_product(fmt, a, b)) ^ (below(2) ? sign : 0);
            break;
        case 1: /* c just within or beyond the product's precision */
            c = make(fmt, (int)below(2),
                     bexp_of(fmt, approx_product(fmt, a, b)) - (int)below(2 * (unsigned)p + 4) +
                         3,
                     c);
            break;
        default:
            break;
        }
        emit(op, reg(fmt, a), reg(fmt, b), reg(fmt, c));
    }
}

static void gen_two_operand_exact(int op, int n)
{
    const int fmt = ops[op].fmt;
    const uint64_t sign = sign_of(fmt);
    for (int i = 0; i < n; i++) {
        uint64_t a = rand_raw(fmt), b = rand_raw(fmt);
        switch (below(5)) {
        case 0: b = a; break;
        case 1: b = a ^ sign; break;
        case 2: a &= sign; b &= sign; break; /* signed zeros */
        case 3: b = nudge(fmt, a); break;
        default: break;
        }
        emit(op, reg(fmt, a), reg(fmt, b), 0);
    }
}

static void gen_class(int op, int n)
{
    const int fmt = ops[op].fmt;
    for (int i = 0; i < n; i++)
        emit(op, reg(fmt, rand_raw(fmt)), 0, 0);
}

/* Around the integer limits and halfway points. */
static void gen_to_int(int op, int n)
{
    const int fmt = ops[op].fmt, b = bias(fmt);
    static const int limits[] = { 31, 32, 63, 64, 0, 1, 52, 23 };
    for (int i = 0; i < n; i++) {
        uint64_t a;
        switch (below(4)) {
        case 0: /* +-2^k and its neighbours */
            a = nudge(fmt, make(fmt, (int)below(2), b + limits[below(COUNT(limits))], 0));
            break;
        case 1: /* small values with fractions (halves, quarters, ...) */
            a = make(fmt, (int)below(2), b - 2 + (int)below(14), rand_frac(fmt));
            break;
        default:
            a = rand_raw(fmt);
            break;
        }
        emit(op, reg(fmt, a), 0, 0);
    }
}

static void gen_from_int(int op, int n)
{
    const int fmt = ops[op].fmt, p = frac_bits(fmt) + 1;
    for (int i = 0; i < n; i++) {
        uint64_t x = rnd();
        switch (below(5)) {
        case 0: x >>= below(64); break;                               /* any length */
        case 1: x = (1ull << below(64)) + (uint64_t)((int)below(7) - 3); break;
        case 2: x = (rnd() | 1) >> (64 - p - 1 - below(3)) << below(40); break; /* halfway */
        case 3: x = -(x >> below(64)); break;                         /* negative */
        default: break;
        }
        if (ops[op].param < 2 && below(2))
            x = (uint32_t)x | (rnd() << 32); /* W/WU ignore the upper half */
        else if (ops[op].param < 2 && below(2))
            x = (uint64_t)(int64_t)(int32_t)x;
        emit(op, x, 0, 0);
    }
}

static void gen_cvt_fmt(int op, int n)
{
    const int fmt = ops[op].fmt, to = ops[op].param;
    for (int i = 0; i < n; i++) {
        uint64_t a = rand_raw(fmt);
        if (fmt == RV_FD && to == RV_FS && below(2)) /* doubles in and around single's range */
            a = make(1, (int)below(2), 1023 - 126 - 30 + (int)below(30 + 256 + 30),
                     below(2) ? rand_frac(1) : rand_frac(1) << 29 | rand_frac(1) >> 24);
        if (to == RV_FH && fmt != RV_FH && below(4)) { /* in and around half's range */
            uint64_t f = rand_frac(fmt);
            if (below(2)) /* the bits that decide the rounding to 11 bits */
                f = (rnd() & (0x7ffull << (frac_bits(fmt) - 11))) |
                    (below(2) ? 1ull << (frac_bits(fmt) - 12) : 0) | (below(2) ? 1 : 0);
            a = make(fmt, (int)below(2), bias(fmt) - 14 - 12 + (int)below(12 + 14 + 17), f);
        }
        emit(op, reg(fmt, a), 0, 0);
    }
}

/* Every pair (or triple) of special values. */
static void gen_specials(int op)
{
    const int fmt = ops[op].fmt, kind = ops[op].kind;
    const uint64_t *list = fmt == 1 ? special_d : fmt == 0 ? special_s : special_h;
    size_t n = fmt == 1 ? COUNT(special_d) : fmt == 0 ? COUNT(special_s) : COUNT(special_h);
    if (kind == K_FROMINT) {
        static const uint64_t ints[] = {
            0, 1, 2, 3, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x100000000ull,
            0xffffff, 0x1000000, 0x1000001, 0x1ffffff, 0x20000000000000ull,
            0x20000000000001ull, 0x1fffffffffffffull, 0x7fffffffffffffffull,
            0x8000000000000000ull, 0x8000000000000001ull, 0xffffffffffffffffull,
            0xfffffffffffffffeull, 0xffffffff80000000ull, 0xffffffff7fffffffull,
            0x7fffffbfffffffffull, 0x7fffff8000000001ull,
        };
        for (size_t i = 0; i < COUNT(ints); i++)
            emit(op, ints[i], 0, 0);
        return;
    }
    if (kind == K_FMA) {
        const uint64_t *l3 = fmt == 1 ? fma_special_d : fmt == 0 ? fma_special_s : fma_special_h;
        size_t n3 = fmt == 1 ? COUNT(fma_special_d) : fmt == 0 ? COUNT(fma_special_s)
                                                               : COUNT(fma_special_h);
        for (size_t i = 0; i < n3; i++)
            for (size_t j = 0; j < n3; j++)
                for (size_t k = 0; k < n3; k++)
                    emit(op, l3[i], l3[j], l3[k]);
        return;
    }
    bool binary = kind <= K_DIV || kind == K_SGNJ || kind == K_MINMAX || kind == K_CMP;
    if (fmt == RV_FH && !binary) { /* one operand of 16 bits: all of them */
        for (uint64_t x = 0; x < 0x10000; x++)
            emit(op, box(2, x), 0, 0);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (!binary) {
            emit(op, list[i], 0, 0);
            continue;
        }
        for (size_t j = 0; j < n; j++)
            emit(op, list[i], list[j], 0);
    }
}

static void generate(int random_per_op)
{
    for (int op = 0; op < OP_COUNT; op++) {
        gen_specials(op);
        int n = random_per_op;
        switch (ops[op].kind) {
        case K_ADD: case K_SUB: case K_MUL: case K_DIV: gen_binary_arith(op, n); break;
        case K_SQRT: gen_sqrt(op, n); break;
        case K_FMA: gen_fma(op, n); break;
        case K_SGNJ: case K_MINMAX: case K_CMP: gen_two_operand_exact(op, 2 * n); break;
        case K_CLASS: gen_class(op, n); break;
        case K_TOINT: gen_to_int(op, n); break;
        case K_FROMINT: gen_from_int(op, n); break;
        case K_CVTFMT: gen_cvt_fmt(op, n); break;
        }
    }
}

/* ---- running the oracle ---- */

/* Feeds vec to QEMU ORACLE through a temporary file and returns the
 * oracle's results, or NULL after printing why. */
static struct fpu_res *run_oracle(const char *qemu, const char *oracle)
{
    FILE *in = tmpfile();
    int out[2];
    if (!in || pipe(out)) {
        perror("tmpfile/pipe");
        return NULL;
    }
    if (fwrite(vec, sizeof(*vec), nvec, in) != nvec || fflush(in) ||
        lseek(fileno(in), 0, SEEK_SET) != 0) {
        perror("writing vectors");
        return NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fileno(in), 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char *argv[] = { (char *)qemu, "-cpu", "rv64,Zfh=true", (char *)oracle, NULL };
    pid_t pid;
    int err = posix_spawn(&pid, qemu, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    fclose(in);
    if (err) {
        fprintf(stderr, "spawning %s: %s\n", qemu, strerror(err));
        close(out[0]);
        return NULL;
    }
    size_t want = nvec * sizeof(struct fpu_res), got = 0;
    char *res = malloc(want ? want : 1);
    while (res && got < want) {
        ssize_t n = read(out[0], res + got, want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!res || got != want || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "oracle: got %zu of %zu result bytes, wait status 0x%x\n", got, want,
                status);
        free(res);
        return NULL;
    }
    return (struct fpu_res *)res;
}

/* ---- comparing ---- */

static const char *rm_name(uint32_t rm)
{
    static const char *const names[] = { "rne", "rtz", "rdn", "rup", "rmm" };
    return rm < 5 ? names[rm] : "?";
}

static void flag_str(uint64_t f, char *buf)
{
    snprintf(buf, 8, "%c%c%c%c%c", f & RV_NV ? 'V' : '-', f & RV_DZ ? 'Z' : '-',
             f & RV_OF ? 'O' : '-', f & RV_UF ? 'U' : '-', f & RV_NX ? 'X' : '-');
}

static size_t compare(const struct fpu_res *want, const char *path, size_t *per_op)
{
    size_t bad = 0;
    for (size_t i = 0; i < nvec; i++) {
        const struct fpu_rec *r = &vec[i];
        struct fpu_res got = evaluate(r);
        if (got.value == want[i].value && got.fflags == (want[i].fflags | flags_before))
            continue;
        per_op[r->op]++;
        if (bad++ < 25) {
            char wf[8], gf[8];
            flag_str(want[i].fflags, wf);
            flag_str(got.fflags, gf);
            printf("MISMATCH [%s] %-10s %s a=%016" PRIx64 " b=%016" PRIx64 " c=%016" PRIx64
                   "\n    riscv %016" PRIx64 " %s   ours %016" PRIx64 " %s\n",
                   path, ops[r->op].name, rm_name(r->rm), r->a, r->b, r->c, want[i].value, wf,
                   got.value, gf);
        }
    }
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 3 || access(argv[1], X_OK) || access(argv[2], R_OK)) {
        printf("SKIP: needs qemu-riscv64 and the riscv64 oracle (usage: %s QEMU ORACLE)\n",
               argv[0]);
        return 77;
    }
    uint64_t seed = 0x5eedf00d2024ull;
    if (getenv("FPU_DIFF_SEED"))
        seed = strtoull(getenv("FPU_DIFF_SEED"), NULL, 0);
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++)
        rng_s[i] = splitmix(&sm);
    int per_op = getenv("FPU_DIFF_COUNT") ? atoi(getenv("FPU_DIFF_COUNT")) : 10000;
    printf("fpu differential test: seed 0x%" PRIx64 " (FPU_DIFF_SEED), %d random cases per op"
           " (FPU_DIFF_COUNT)\n",
           seed, per_op);
    generate(per_op);
    printf("%zu operations over %d instructions\n", nvec, OP_COUNT);
    fflush(stdout);

    struct fpu_res *want = run_oracle(argv[1], argv[2]);
    if (!want)
        return 1;
    size_t per_op_bad[OP_COUNT] = { 0 };
    size_t bad = compare(want, "host+soft", per_op_bad);
    flags_before = RV_NX; /* NX already set: the host path without MXCSR loads */
    bad += compare(want, "host+soft, NX set", per_op_bad);
    flags_before = 0;
#if defined(__x86_64__)
    /* A thread MXCSR that is not the default (an embedder's FTZ): the host
     * path must load its own for every operation, RNE included. */
    uint32_t mx, ftz;
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    ftz = mx | 0x8000;
    __asm__ volatile("ldmxcsr %0" : : "m"(ftz));
    bad += compare(want, "host+soft, FTZ thread", per_op_bad);
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
#endif
    fpu_host_enabled = false;
    bad += compare(want, "soft only", per_op_bad);
    fpu_host_enabled = true;
    for (int op = 0; op < OP_COUNT; op++)
        if (per_op_bad[op])
            printf("  %-10s %zu mismatches\n", ops[op].name, per_op_bad[op]);
    printf("compared %zu operations x 4 paths against qemu-riscv64: %zu mismatches\n", nvec,
           bad);
    free(want);
    free(vec);
    return bad ? 1 : 0;
}
