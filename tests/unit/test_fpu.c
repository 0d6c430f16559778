/* Unit tests for the RISC-V F/D library (src/riscv/fpu*.c).
 *
 * Every expected bit pattern and flag set below was derived by hand from
 * IEEE-754 and the RISC-V unprivileged spec; the comment next to a case
 * gives the reasoning. Each case runs twice: with the host fast path and
 * with the software path alone. */
#include <fenv.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "riscv/fpu.h"
#include "riscv/fpu_internal.h"

#define S(x) (0xffffffff00000000ull | (uint32_t)(x)) /* a NaN-boxed single */
#define NV RV_NV
#define DZ RV_DZ
#define OF RV_OF
#define UF RV_UF
#define NX RV_NX
#define RNE RV_RNE
#define RTZ RV_RTZ
#define RDN RV_RDN
#define RUP RV_RUP
#define RMM RV_RMM

/* S constants */
#define S_ONE 0x3f800000u
#define S_QNAN 0x7fc00000u
#define S_INF 0x7f800000u
#define S_MAX 0x7f7fffffu
/* D constants */
#define D_ONE 0x3ff0000000000000ull
#define D_QNAN 0x7ff8000000000000ull
#define D_INF 0x7ff0000000000000ull
#define D_MAX 0x7fefffffffffffffull
#define D_SNAN 0x7ff0000000000001ull

enum top {
    ADD, SUB, MUL, DIV, SQRT, MADD, MSUB, NMSUB, NMADD, SGNJ, SGNJN, SGNJX, MIN, MAX,
    FEQ, FLT, FLE, CLASS, TO_W, TO_WU, TO_L, TO_LU, FROM_W, FROM_WU, FROM_L, FROM_LU,
    CVT_S_D, CVT_D_S,
};

struct tcase {
    int line;
    int fmt;
    int op;
    uint64_t a, b, c;
    int rm;
    uint64_t want;
    uint32_t flags;
};

#define T(fmt, op, a, b, c, rm, want, flags) { __LINE__, fmt, op, a, b, c, rm, want, flags }
/* Unary and binary shorthands for S and D. */
#define S1(op, a, rm, want, fl) T(RV_FS, op, a, 0, 0, rm, want, fl)
#define S2(op, a, b, rm, want, fl) T(RV_FS, op, a, b, 0, rm, want, fl)
#define D1(op, a, rm, want, fl) T(RV_FD, op, a, 0, 0, rm, want, fl)
#define D2(op, a, b, rm, want, fl) T(RV_FD, op, a, b, 0, rm, want, fl)

static uint64_t exec(const struct tcase *t, uint32_t *fl)
{
    switch (t->op) {
    case ADD: return rv_fadd(t->fmt, t->a, t->b, t->rm, fl);
    case SUB: return rv_fsub(t->fmt, t->a, t->b, t->rm, fl);
    case MUL: return rv_fmul(t->fmt, t->a, t->b, t->rm, fl);
    case DIV: return rv_fdiv(t->fmt, t->a, t->b, t->rm, fl);
    case SQRT: return rv_fsqrt(t->fmt, t->a, t->rm, fl);
    case MADD: return rv_fma(t->fmt, t->a, t->b, t->c, 0, 0, t->rm, fl);
    case MSUB: return rv_fma(t->fmt, t->a, t->b, t->c, 0, 1, t->rm, fl);
    case NMSUB: return rv_fma(t->fmt, t->a, t->b, t->c, 1, 0, t->rm, fl);
    case NMADD: return rv_fma(t->fmt, t->a, t->b, t->c, 1, 1, t->rm, fl);
    case SGNJ: case SGNJN: case SGNJX: return rv_fsgnj(t->fmt, t->a, t->b, t->op - SGNJ);
    case MIN: case MAX: return rv_fminmax(t->fmt, t->a, t->b, t->op == MAX, fl);
    case FEQ: return rv_fcmp(t->fmt, t->a, t->b, 2, fl);
    case FLT: return rv_fcmp(t->fmt, t->a, t->b, 1, fl);
    case FLE: return rv_fcmp(t->fmt, t->a, t->b, 0, fl);
    case CLASS: return rv_fclass(t->fmt, t->a);
    case TO_W: case TO_WU: case TO_L: case TO_LU:
        return rv_fcvt_to_int(t->fmt, t->a, t->op - TO_W, t->rm, fl);
    case FROM_W: case FROM_WU: case FROM_L: case FROM_LU:
        return rv_fcvt_from_int(t->fmt, t->a, t->op - FROM_W, t->rm, fl);
    case CVT_S_D: return rv_fcvt_fmt(RV_FS, RV_FD, t->a, t->rm, fl);
    case CVT_D_S: return rv_fcvt_fmt(RV_FD, RV_FS, t->a, t->rm, fl);
    }
    return 0;
}

static void run_cases(const struct tcase *cases, size_t n)
{
    int failures = 0;
    for (int host = 1; host >= 0; host--) {
        fpu_host_enabled = host;
        for (size_t i = 0; i < n; i++) {
            const struct tcase *t = &cases[i];
            uint32_t fl = 0;
            uint64_t got = exec(t, &fl);
            if (got == t->want && fl == t->flags)
                continue;
            print_error("line %d (%s path, rm %d): got %016llx flags %02x, want %016llx flags "
                        "%02x\n",
                        t->line, host ? "host" : "soft", t->rm, (unsigned long long)got, fl,
                        (unsigned long long)t->want, t->flags);
            failures++;
        }
    }
    fpu_host_enabled = true;
    assert_int_equal(failures, 0);
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* ------------------------------------------------------------------ */

static void test_add_sub_single(void **state)
{
    static const struct tcase cases[] = {
        S2(ADD, S(S_ONE), S(0x40000000), RNE, S(0x40400000), 0), /* 1 + 2 = 3 */
        /* 1 + 2^-24: exactly half an ulp of 1 (ulp 2^-23). A tie: RNE keeps the
         * even 1.0, RMM and RUP go up, RDN and RTZ truncate. */
        S2(ADD, S(S_ONE), S(0x33800000), RNE, S(S_ONE), NX),
        S2(ADD, S(S_ONE), S(0x33800000), RTZ, S(S_ONE), NX),
        S2(ADD, S(S_ONE), S(0x33800000), RDN, S(S_ONE), NX),
        S2(ADD, S(S_ONE), S(0x33800000), RUP, S(0x3f800001), NX),
        S2(ADD, S(S_ONE), S(0x33800000), RMM, S(0x3f800001), NX),
        /* The same tie negative: RDN now grows the magnitude, RUP does not. */
        S2(ADD, S(0xbf800000), S(0xb3800000), RNE, S(0xbf800000), NX),
        S2(ADD, S(0xbf800000), S(0xb3800000), RTZ, S(0xbf800000), NX),
        S2(ADD, S(0xbf800000), S(0xb3800000), RDN, S(0xbf800001), NX),
        S2(ADD, S(0xbf800000), S(0xb3800000), RUP, S(0xbf800000), NX),
        S2(ADD, S(0xbf800000), S(0xb3800000), RMM, S(0xbf800001), NX),
        /* (1 + 2^-23) + 2^-24: a tie with an odd last bit: RNE rounds up. */
        S2(ADD, S(0x3f800001), S(0x33800000), RNE, S(0x3f800002), NX),
        S2(ADD, S(0x3f800001), S(0x33800000), RTZ, S(0x3f800001), NX),
        S2(ADD, S(0x3f800001), S(0x33800000), RMM, S(0x3f800002), NX),
        /* 1 + 0.75 ulp (0x33c00000 = 1.5*2^-24): above half. */
        S2(ADD, S(S_ONE), S(0x33c00000), RNE, S(0x3f800001), NX),
        S2(ADD, S(S_ONE), S(0x33c00000), RTZ, S(S_ONE), NX),
        S2(ADD, S(S_ONE), S(0x33c00000), RMM, S(0x3f800001), NX),
        /* 1 + 0.25 ulp: below half. */
        S2(ADD, S(S_ONE), S(0x33000000), RNE, S(S_ONE), NX),
        S2(ADD, S(S_ONE), S(0x33000000), RMM, S(S_ONE), NX),
        S2(ADD, S(S_ONE), S(0x33000000), RUP, S(0x3f800001), NX),
        /* Exact cancellation is +0, except -0 in RDN. */
        S2(SUB, S(S_ONE), S(S_ONE), RNE, S(0), 0),
        S2(SUB, S(S_ONE), S(S_ONE), RTZ, S(0), 0),
        S2(SUB, S(S_ONE), S(S_ONE), RUP, S(0), 0),
        S2(SUB, S(S_ONE), S(S_ONE), RMM, S(0), 0),
        S2(SUB, S(S_ONE), S(S_ONE), RDN, S(0x80000000), 0),
        S2(ADD, S(S_ONE), S(0xbf800000), RDN, S(0x80000000), 0),
        /* Signed zeros: like signs keep theirs, unlike ones give +0 (RDN -0). */
        S2(ADD, S(0x80000000), S(0x80000000), RNE, S(0x80000000), 0),
        S2(ADD, S(0), S(0x80000000), RNE, S(0), 0),
        S2(ADD, S(0), S(0x80000000), RDN, S(0x80000000), 0),
        S2(SUB, S(0x80000000), S(0), RNE, S(0x80000000), 0), /* -0 - +0 = -0 */
        S2(SUB, S(0), S(0), RNE, S(0), 0),
        S2(SUB, S(0), S(0), RDN, S(0x80000000), 0),
        /* x + 0 = x exactly, even for a subnormal x (no UF: exact). */
        S2(ADD, S(0x00000001), S(0x80000000), RNE, S(0x00000001), 0),
        /* Subnormal results of add are exact: no UF, no NX. */
        S2(ADD, S(0x00000001), S(0x00000001), RNE, S(0x00000002), 0),
        S2(SUB, S(0x00800000), S(0x00000001), RNE, S(0x007fffff), 0),
        /* Infinities. */
        S2(ADD, S(S_INF), S(S_INF), RNE, S(S_INF), 0),
        S2(ADD, S(S_INF), S(0xff800000), RNE, S(S_QNAN), NV), /* inf - inf */
        S2(SUB, S(S_INF), S(S_INF), RNE, S(S_QNAN), NV),
        S2(ADD, S(0xff800000), S(S_ONE), RNE, S(0xff800000), 0),
        /* NaNs: the result is always the canonical NaN; only sNaN raises NV. */
        S2(ADD, S(0x7fc00001), S(S_ONE), RNE, S(S_QNAN), 0), /* payload dropped */
        S2(ADD, S(0xffc00000), S(S_ONE), RNE, S(S_QNAN), 0), /* sign dropped */
        S2(ADD, S(0x7f800001), S(S_ONE), RNE, S(S_QNAN), NV),
        S2(ADD, S(S_ONE), S(0xff800001), RNE, S(S_QNAN), NV),
        S2(ADD, S(0xff800000), S(S_QNAN), RNE, S(S_QNAN), 0),
        /* Overflow: 2*max. RNE/RMM and the outward directed mode give inf,
         * the others the largest finite number; OF and NX either way. */
        S2(ADD, S(S_MAX), S(S_MAX), RNE, S(S_INF), OF | NX),
        S2(ADD, S(S_MAX), S(S_MAX), RTZ, S(S_MAX), OF | NX),
        S2(ADD, S(S_MAX), S(S_MAX), RDN, S(S_MAX), OF | NX),
        S2(ADD, S(S_MAX), S(S_MAX), RUP, S(S_INF), OF | NX),
        S2(ADD, S(S_MAX), S(S_MAX), RMM, S(S_INF), OF | NX),
        S2(ADD, S(0xff7fffff), S(0xff7fffff), RNE, S(0xff800000), OF | NX),
        S2(ADD, S(0xff7fffff), S(0xff7fffff), RTZ, S(0xff7fffff), OF | NX),
        S2(ADD, S(0xff7fffff), S(0xff7fffff), RDN, S(0xff800000), OF | NX),
        S2(ADD, S(0xff7fffff), S(0xff7fffff), RUP, S(0xff7fffff), OF | NX),
        S2(ADD, S(0xff7fffff), S(0xff7fffff), RMM, S(0xff800000), OF | NX),
        /* max + half its ulp (2^103 = 0x73000000): a tie whose even neighbour
         * is 2^128, so RNE overflows; RTZ/RDN stay at max with NX only (the
         * unbounded rounding does not exceed max, so no OF). */
        S2(ADD, S(S_MAX), S(0x73000000), RNE, S(S_INF), OF | NX),
        S2(ADD, S(S_MAX), S(0x73000000), RMM, S(S_INF), OF | NX),
        S2(ADD, S(S_MAX), S(0x73000000), RUP, S(S_INF), OF | NX),
        S2(ADD, S(S_MAX), S(0x73000000), RTZ, S(S_MAX), NX),
        S2(ADD, S(S_MAX), S(0x73000000), RDN, S(S_MAX), NX),
        /* max + quarter ulp: only RUP overflows. */
        S2(ADD, S(S_MAX), S(0x72800000), RNE, S(S_MAX), NX),
        S2(ADD, S(S_MAX), S(0x72800000), RUP, S(S_INF), OF | NX),
    };
    RUN(cases);
}

static void test_add_sub_double(void **state)
{
    static const struct tcase cases[] = {
        D2(SUB, 0x4008000000000000, D_ONE, RNE, 0x4000000000000000, 0), /* 3 - 1 = 2 */
        /* 1 + 2^-53: half an ulp of 1. */
        D2(ADD, D_ONE, 0x3ca0000000000000, RNE, D_ONE, NX),
        D2(ADD, D_ONE, 0x3ca0000000000000, RTZ, D_ONE, NX),
        D2(ADD, D_ONE, 0x3ca0000000000000, RDN, D_ONE, NX),
        D2(ADD, D_ONE, 0x3ca0000000000000, RUP, 0x3ff0000000000001, NX),
        D2(ADD, D_ONE, 0x3ca0000000000000, RMM, 0x3ff0000000000001, NX),
        D2(ADD, 0x3ff0000000000001, 0x3ca0000000000000, RNE, 0x3ff0000000000002, NX),
        /* 1 +- the smallest subnormal: far below the rounding point. */
        D2(ADD, D_ONE, 0x0000000000000001, RNE, D_ONE, NX),
        D2(ADD, D_ONE, 0x0000000000000001, RUP, 0x3ff0000000000001, NX),
        D2(ADD, D_ONE, 0x0000000000000001, RMM, D_ONE, NX),
        D2(SUB, D_ONE, 0x0000000000000001, RNE, D_ONE, NX),
        D2(SUB, D_ONE, 0x0000000000000001, RTZ, 0x3fefffffffffffff, NX),
        D2(SUB, D_ONE, 0x0000000000000001, RDN, 0x3fefffffffffffff, NX),
        D2(SUB, D_ONE, 0x0000000000000001, RUP, D_ONE, NX),
        D2(SUB, D_ONE, D_ONE, RNE, 0, 0),
        D2(SUB, D_ONE, D_ONE, RDN, 0x8000000000000000, 0),
        D2(ADD, 0x8000000000000000, 0, RDN, 0x8000000000000000, 0),
        D2(ADD, 0x8000000000000000, 0, RUP, 0, 0),
        /* min normal - max subnormal = min subnormal, exact. */
        D2(SUB, 0x0010000000000000, 0x000fffffffffffff, RNE, 0x0000000000000001, 0),
        D2(ADD, D_MAX, D_MAX, RNE, D_INF, OF | NX),
        D2(ADD, D_MAX, D_MAX, RTZ, D_MAX, OF | NX),
        D2(ADD, 0xffefffffffffffff, 0xffefffffffffffff, RUP, 0xffefffffffffffff, OF | NX),
        D2(ADD, D_INF, 0xfff0000000000000, RNE, D_QNAN, NV),
        D2(ADD, D_SNAN, D_ONE, RNE, D_QNAN, NV),
        D2(ADD, 0x7ff8000000000123, D_ONE, RNE, D_QNAN, 0),
        D2(SUB, D_ONE, 0xfff4000000000000, RNE, D_QNAN, NV), /* negative sNaN */
    };
    RUN(cases);
}

static void test_mul(void **state)
{
    static const struct tcase cases[] = {
        S2(MUL, S(0x3fc00000), S(0x3fc00000), RNE, S(0x40100000), 0), /* 1.5^2 = 2.25 */
        D2(MUL, 0x4008000000000000, 0x3fe0000000000000, RNE, 0x3ff8000000000000, 0),
        /* Tininess after rounding. (1+2^-52)*2^-511 * (1-2^-52)*2^-511 is
         * (1-2^-104)*2^-1022, just under the smallest normal. Rounded to 53
         * bits with an unbounded exponent it becomes 2^-1022 in RNE, RUP and
         * RMM, so it is not tiny: NX only. RTZ/RDN round it below 2^-1022:
         * tiny and inexact, so UF. */
        D2(MUL, 0x2000000000000001, 0x1ffffffffffffffe, RNE, 0x0010000000000000, NX),
        D2(MUL, 0x2000000000000001, 0x1ffffffffffffffe, RUP, 0x0010000000000000, NX),
        D2(MUL, 0x2000000000000001, 0x1ffffffffffffffe, RMM, 0x0010000000000000, NX),
        D2(MUL, 0x2000000000000001, 0x1ffffffffffffffe, RTZ, 0x000fffffffffffff, UF | NX),
        D2(MUL, 0x2000000000000001, 0x1ffffffffffffffe, RDN, 0x000fffffffffffff, UF | NX),
        /* Negative: now RDN rounds outward to -2^-1022 and RUP inward. */
        D2(MUL, 0xa000000000000001, 0x1ffffffffffffffe, RDN, 0x8010000000000000, NX),
        D2(MUL, 0xa000000000000001, 0x1ffffffffffffffe, RUP, 0x800fffffffffffff, UF | NX),
        /* The same in single: (1+2^-23)*2^-63 * (1-2^-23)*2^-63. */
        S2(MUL, S(0x20000001), S(0x1ffffffe), RNE, S(0x00800000), NX),
        S2(MUL, S(0x20000001), S(0x1ffffffe), RTZ, S(0x007fffff), UF | NX),
        /* Tiny but exact: no UF. 2^-126 * 0.5 = 2^-127. */
        S2(MUL, S(0x00800000), S(0x3f000000), RNE, S(0x00400000), 0),
        /* Half the smallest subnormal: a tie between 0 and 2^-149. */
        S2(MUL, S(0x00000001), S(0x3f000000), RNE, S(0), UF | NX),
        S2(MUL, S(0x00000001), S(0x3f000000), RTZ, S(0), UF | NX),
        S2(MUL, S(0x00000001), S(0x3f000000), RDN, S(0), UF | NX),
        S2(MUL, S(0x00000001), S(0x3f000000), RUP, S(0x00000001), UF | NX),
        S2(MUL, S(0x00000001), S(0x3f000000), RMM, S(0x00000001), UF | NX),
        S2(MUL, S(0x80000001), S(0x3f000000), RNE, S(0x80000000), UF | NX),
        S2(MUL, S(0x80000001), S(0x3f000000), RDN, S(0x80000001), UF | NX),
        S2(MUL, S(0x80000001), S(0x3f000000), RUP, S(0x80000000), UF | NX),
        /* 0.75 of the smallest subnormal rounds up to it in RNE. */
        S2(MUL, S(0x00000001), S(0x3f400000), RNE, S(0x00000001), UF | NX),
        /* 2^-1074 squared: far below, rounds to 0 (RUP: min subnormal). */
        D2(MUL, 1, 1, RNE, 0, UF | NX),
        D2(MUL, 1, 1, RUP, 1, UF | NX),
        /* A subnormal operand: 2^-149 * 2^23 = 2^-126 exactly. */
        S2(MUL, S(0x00000001), S(0x4b000000), RNE, S(0x00800000), 0),
        /* 3 * (1 + 3*2^-23) = 3 + 4.5 ulps (ulp 2^-22 in [2,4)): a tie whose
         * even side is below, so RNE and RMM part ways. */
        S2(MUL, S(0x40400000), S(0x3f800003), RNE, S(0x40400004), NX),
        S2(MUL, S(0x40400000), S(0x3f800003), RMM, S(0x40400005), NX),
        S2(MUL, S(0x40400000), S(0x3f800003), RTZ, S(0x40400004), NX),
        S2(MUL, S(0x40400000), S(0x3f800003), RUP, S(0x40400005), NX),
        S2(MUL, S(0x40400000), S(0x3f800003), RDN, S(0x40400004), NX),
        S2(MUL, S(S_MAX), S(0x40000000), RNE, S(S_INF), OF | NX),
        S2(MUL, S(S_MAX), S(0x40000000), RTZ, S(S_MAX), OF | NX),
        S2(MUL, S(S_MAX), S(0xc0000000), RUP, S(0xff7fffff), OF | NX),
        S2(MUL, S(S_INF), S(0), RNE, S(S_QNAN), NV),
        S2(MUL, S(0), S(0xff800000), RNE, S(S_QNAN), NV),
        S2(MUL, S(S_INF), S(0xc0000000), RNE, S(0xff800000), 0),
        S2(MUL, S(0x80000000), S(0x40a00000), RNE, S(0x80000000), 0), /* -0 * 5 */
        S2(MUL, S(S_QNAN), S(0), RNE, S(S_QNAN), 0),
        D2(MUL, D_SNAN, 0, RNE, D_QNAN, NV),
    };
    RUN(cases);
}

static void test_div(void **state)
{
    static const struct tcase cases[] = {
        /* 1/3 = 1.010101...b * 2^-2. Single keeps 23 fraction bits 0x2aaaaa;
         * the rest (1010...) is above half. */
        S2(DIV, S(S_ONE), S(0x40400000), RNE, S(0x3eaaaaab), NX),
        S2(DIV, S(S_ONE), S(0x40400000), RTZ, S(0x3eaaaaaa), NX),
        S2(DIV, S(S_ONE), S(0x40400000), RDN, S(0x3eaaaaaa), NX),
        S2(DIV, S(S_ONE), S(0x40400000), RUP, S(0x3eaaaaab), NX),
        S2(DIV, S(S_ONE), S(0x40400000), RMM, S(0x3eaaaaab), NX),
        S2(DIV, S(0xbf800000), S(0x40400000), RDN, S(0xbeaaaaab), NX),
        S2(DIV, S(0xbf800000), S(0x40400000), RUP, S(0xbeaaaaaa), NX),
        /* Double keeps 52 bits 0x5555555555555; the rest (0101...) is below
         * half. */
        D2(DIV, D_ONE, 0x4008000000000000, RNE, 0x3fd5555555555555, NX),
        D2(DIV, D_ONE, 0x4008000000000000, RUP, 0x3fd5555555555556, NX),
        D2(DIV, D_ONE, 0x4008000000000000, RMM, 0x3fd5555555555555, NX),
        D2(DIV, 0x4018000000000000, 0x4008000000000000, RNE, 0x4000000000000000, 0), /* 6/3 */
        /* Division by zero: DZ and a signed infinity, for finite dividends. */
        S2(DIV, S(S_ONE), S(0), RNE, S(S_INF), DZ),
        S2(DIV, S(0xbf800000), S(0), RNE, S(0xff800000), DZ),
        S2(DIV, S(S_ONE), S(0x80000000), RNE, S(0xff800000), DZ),
        S2(DIV, S(0x00000001), S(0), RNE, S(S_INF), DZ),
        S2(DIV, S(S_INF), S(0), RNE, S(S_INF), 0), /* inf / 0: exact, no DZ */
        S2(DIV, S(0), S(0), RNE, S(S_QNAN), NV),
        S2(DIV, S(S_INF), S(0xff800000), RNE, S(S_QNAN), NV),
        S2(DIV, S(0), S(S_INF), RNE, S(0), 0),
        S2(DIV, S(S_ONE), S(0xff800000), RNE, S(0x80000000), 0),
        S2(DIV, S(S_QNAN), S(0), RNE, S(S_QNAN), 0), /* NaN wins over DZ */
        S2(DIV, S(0x7f800001), S(0), RNE, S(S_QNAN), NV),
        D2(DIV, D_MAX, 0x3fe0000000000000, RNE, D_INF, OF | NX),
        D2(DIV, D_MAX, 0x3fe0000000000000, RTZ, D_MAX, OF | NX),
        /* Half the smallest subnormal: the one way a quotient can tie. */
        S2(DIV, S(0x00000001), S(0x40000000), RNE, S(0), UF | NX),
        S2(DIV, S(0x00000001), S(0x40000000), RMM, S(0x00000001), UF | NX),
        D2(DIV, 0x8000000000000003, 0x4000000000000000, RNE, 0x8000000000000002, UF | NX),
        D2(DIV, 0x8000000000000003, 0x4000000000000000, RMM, 0x8000000000000002, UF | NX),
        D2(DIV, 0x8000000000000003, 0x4000000000000000, RDN, 0x8000000000000002, UF | NX),
        D2(DIV, 0x8000000000000003, 0x4000000000000000, RUP, 0x8000000000000001, UF | NX),
        /* 2^-126 / 3 = 2^23/3 = 2796202.67 units of 2^-149: tiny, inexact. */
        S2(DIV, S(0x00800000), S(0x40400000), RNE, S(0x002aaaab), UF | NX),
        S2(DIV, S(0x00800000), S(0x40400000), RTZ, S(0x002aaaaa), UF | NX),
    };
    RUN(cases);
}

static void test_sqrt(void **state)
{
    static const struct tcase cases[] = {
        S1(SQRT, S(0x40800000), RNE, S(0x40000000), 0), /* sqrt 4 = 2 */
        /* sqrt 2: the single 0x3fb504f3 = 1.41421353... lies below the true
         * 1.41421356..., so RUP takes the next one up. */
        S1(SQRT, S(0x40000000), RNE, S(0x3fb504f3), NX),
        S1(SQRT, S(0x40000000), RTZ, S(0x3fb504f3), NX),
        S1(SQRT, S(0x40000000), RUP, S(0x3fb504f4), NX),
        S1(SQRT, S(0x40000000), RMM, S(0x3fb504f3), NX),
        /* The double 0x3ff6a09e667f3bcd = 1.41421356237309514... lies above. */
        D1(SQRT, 0x4000000000000000, RNE, 0x3ff6a09e667f3bcd, NX),
        D1(SQRT, 0x4000000000000000, RMM, 0x3ff6a09e667f3bcd, NX),
        D1(SQRT, 0x4000000000000000, RTZ, 0x3ff6a09e667f3bcc, NX),
        D1(SQRT, 0x4000000000000000, RDN, 0x3ff6a09e667f3bcc, NX),
        D1(SQRT, 0x4000000000000000, RUP, 0x3ff6a09e667f3bcd, NX),
        /* sqrt(2^-1074) = 2^-537 exactly (biased exponent 486 = 0x1e6). */
        D1(SQRT, 1, RNE, 0x1e60000000000000, 0),
        S1(SQRT, S(0x80000000), RNE, S(0x80000000), 0), /* sqrt(-0) = -0 */
        S1(SQRT, S(0xbf800000), RNE, S(S_QNAN), NV),
        S1(SQRT, S(0x80000001), RNE, S(S_QNAN), NV),
        S1(SQRT, S(0xff800000), RNE, S(S_QNAN), NV),
        S1(SQRT, S(S_INF), RNE, S(S_INF), 0),
        S1(SQRT, S(0xffc00000), RNE, S(S_QNAN), 0), /* a negative qNaN is just a NaN */
        D1(SQRT, D_SNAN, RNE, D_QNAN, NV),
        D1(SQRT, 0x8000000000000000, RDN, 0x8000000000000000, 0),
    };
    RUN(cases);
}

static void test_fma(void **state)
{
    static const struct tcase cases[] = {
        T(RV_FS, MADD, S(S_ONE), S(S_ONE), S(S_ONE), RNE, S(0x40000000), 0),
        /* One rounding: (1+2^-23)(1-2^-23) = 1 - 2^-46 exactly; minus 1 gives
         * -2^-46 (0xa8800000), exact. Rounding the product first would
         * give 0. */
        T(RV_FS, MADD, S(0x3f800001), S(0x3f7ffffe), S(0xbf800000), RNE, S(0xa8800000), 0),
        T(RV_FS, MSUB, S(0x3f800001), S(0x3f7ffffe), S(S_ONE), RNE, S(0xa8800000), 0),
        T(RV_FS, NMSUB, S(0x3f800001), S(0x3f7ffffe), S(S_ONE), RNE, S(0x28800000), 0),
        T(RV_FS, NMADD, S(0x3f800001), S(0x3f7ffffe), S(0xbf800000), RNE, S(0x28800000), 0),
        /* Double: (1+2^-52)(1-2^-52) - 1 = -2^-104 (0xb970000000000000). */
        T(RV_FD, MADD, 0x3ff0000000000001, 0x3feffffffffffffe, 0xbff0000000000000, RNE,
          0xb970000000000000, 0),
        /* (1+2^-52)^2 - (1+2^-51) = 2^-104. */
        T(RV_FD, MADD, 0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002, RNE,
          0x3970000000000000, 0),
        /* Exact zero sums: +0, or -0 in RDN. */
        T(RV_FS, MADD, S(S_ONE), S(S_ONE), S(0xbf800000), RNE, S(0), 0),
        T(RV_FS, MADD, S(S_ONE), S(S_ONE), S(0xbf800000), RDN, S(0x80000000), 0),
        T(RV_FS, NMADD, S(S_ONE), S(S_ONE), S(0xbf800000), RNE, S(0), 0),
        T(RV_FS, NMADD, S(S_ONE), S(S_ONE), S(0xbf800000), RDN, S(0x80000000), 0),
        /* Zero product plus zero: sign rules of adding signed zeros. */
        T(RV_FS, MADD, S(0), S(S_ONE), S(0x80000000), RNE, S(0), 0),
        T(RV_FS, MADD, S(0), S(S_ONE), S(0x80000000), RDN, S(0x80000000), 0),
        T(RV_FS, MADD, S(0x80000000), S(S_ONE), S(0x80000000), RNE, S(0x80000000), 0),
        T(RV_FS, NMADD, S(0), S(S_ONE), S(0), RNE, S(0x80000000), 0), /* -(+0) - (+0) */
        T(RV_FS, MSUB, S(0), S(S_ONE), S(0), RNE, S(0), 0),            /* +0 - (+0) */
        T(RV_FS, MSUB, S(0), S(S_ONE), S(0), RDN, S(0x80000000), 0),
        T(RV_FD, MADD, 0, 0x4014000000000000, 0, RDN, 0, 0), /* +0 + +0 stays +0 */
        /* Zero product, nonzero addend: the addend exactly, even subnormal. */
        T(RV_FS, MADD, S(0), S(S_ONE), S(0x00000001), RNE, S(0x00000001), 0),
        T(RV_FS, NMSUB, S(0), S(S_ONE), S(0x80000003), RNE, S(0x80000003), 0),
        /* inf * 0 is invalid even with a quiet NaN addend (RISC-V rule). */
        T(RV_FS, MADD, S(S_INF), S(0), S(S_QNAN), RNE, S(S_QNAN), NV),
        T(RV_FS, MADD, S(0), S(0xff800000), S(S_QNAN), RNE, S(S_QNAN), NV),
        T(RV_FD, MADD, D_INF, 0, D_QNAN, RNE, D_QNAN, NV),
        T(RV_FD, NMADD, 0, D_INF, D_ONE, RNE, D_QNAN, NV),
        T(RV_FS, MADD, S(S_INF), S(S_ONE), S(0xff800000), RNE, S(S_QNAN), NV), /* inf - inf */
        T(RV_FS, MSUB, S(S_INF), S(S_ONE), S(S_INF), RNE, S(S_QNAN), NV),
        T(RV_FS, MADD, S(S_INF), S(S_ONE), S(S_INF), RNE, S(S_INF), 0),
        T(RV_FS, NMADD, S(S_INF), S(S_ONE), S(S_INF), RNE, S(0xff800000), 0), /* -inf - inf */
        T(RV_FS, NMADD, S(S_INF), S(S_ONE), S(0xff800000), RNE, S(S_QNAN), NV), /* -inf + inf */
        T(RV_FS, MADD, S(S_ONE), S(S_ONE), S(0xff800000), RNE, S(0xff800000), 0),
        T(RV_FS, MADD, S(S_ONE), S(S_ONE), S(S_QNAN), RNE, S(S_QNAN), 0),
        T(RV_FS, MADD, S(0x7f800001), S(S_ONE), S(S_ONE), RNE, S(S_QNAN), NV),
        T(RV_FS, MADD, S(S_ONE), S(S_ONE), S(0x7fa00000), RNE, S(S_QNAN), NV),
        /* max*2 - max = max exactly: no intermediate overflow. */
        T(RV_FS, MADD, S(S_MAX), S(0x40000000), S(0xff7fffff), RNE, S(S_MAX), 0),
        T(RV_FS, MADD, S(S_MAX), S(0x40000000), S(0), RNE, S(S_INF), OF | NX),
        T(RV_FS, MADD, S(S_MAX), S(0x40000000), S(0), RTZ, S(S_MAX), OF | NX),
        /* Tininess after rounding through fma with a zero addend. */
        T(RV_FD, MADD, 0x2000000000000001, 0x1ffffffffffffffe, 0, RNE, 0x0010000000000000, NX),
        T(RV_FD, MADD, 0x2000000000000001, 0x1ffffffffffffffe, 0x8000000000000000, RTZ,
          0x000fffffffffffff, UF | NX),
        /* A tiny positive sum that rounds to zero keeps its sign: +0. */
        T(RV_FS, MADD, S(0x00000001), S(0x3f000000), S(0x80000000), RNE, S(0), UF | NX),
        T(RV_FS, MADD, S(0x00000001), S(0x3f000000), S(0x80000000), RUP, S(0x00000001), UF | NX),
        /* Rounding of a sum with a far smaller product: 1 + 2^-149*2^-1. */
        T(RV_FS, MADD, S(0x00000001), S(0x3f000000), S(S_ONE), RNE, S(S_ONE), NX),
        T(RV_FS, MADD, S(0x00000001), S(0x3f000000), S(S_ONE), RUP, S(0x3f800001), NX),
        T(RV_FS, MADD, S(0x00000001), S(0x3f000000), S(S_ONE), RDN, S(S_ONE), NX),
        /* 2^-150 - 1 = -(1 - 2^-150): between -1 and -(1 - 2^-24). */
        T(RV_FS, MSUB, S(0x00000001), S(0x3f000000), S(S_ONE), RDN, S(0xbf800000), NX),
        T(RV_FS, MSUB, S(0x00000001), S(0x3f000000), S(S_ONE), RMM, S(0xbf800000), NX),
        T(RV_FS, MSUB, S(0x00000001), S(0x3f000000), S(S_ONE), RUP, S(0xbf7fffff), NX),
        T(RV_FS, MSUB, S(0x00000001), S(0x3f000000), S(S_ONE), RTZ, S(0xbf7fffff), NX),
        /* 1 + 2^-24 via fma: a tie, decided by the mode. */
        T(RV_FS, MADD, S(0x33800000), S(S_ONE), S(S_ONE), RNE, S(S_ONE), NX),
        T(RV_FS, MADD, S(0x33800000), S(S_ONE), S(S_ONE), RMM, S(0x3f800001), NX),
    };
    RUN(cases);
}

static void test_sign_injection(void **state)
{
    static const struct tcase cases[] = {
        S2(SGNJ, S(S_ONE), S(0xc0000000), RNE, S(0xbf800000), 0),
        S2(SGNJN, S(S_ONE), S(0xc0000000), RNE, S(S_ONE), 0),
        S2(SGNJX, S(0xbf800000), S(0xc0000000), RNE, S(S_ONE), 0),
        S2(SGNJX, S(0xbf800000), S(0x40000000), RNE, S(0xbf800000), 0),
        /* NaNs pass through untouched (no canonicalisation, no flags). */
        S2(SGNJ, S(0x7f800001), S(0x80000000), RNE, S(0xff800001), 0),
        S2(SGNJN, S(0x7fc00123), S(0), RNE, S(0xffc00123), 0),
        /* An improperly boxed operand reads as the canonical NaN (sign 0). */
        S2(SGNJ, 0x000000003f800000, S(0x80000000), RNE, S(0xffc00000), 0),
        S2(SGNJN, S(S_ONE), 0x1234567800000000, RNE, S(0xbf800000), 0),
        S2(SGNJX, S(0xbf800000), 0xfffffffe00000000, RNE, S(0xbf800000), 0),
        D2(SGNJ, D_ONE, 0x8000000000000000, RNE, 0xbff0000000000000, 0),
        D2(SGNJN, D_ONE, D_ONE, RNE, 0xbff0000000000000, 0),                 /* fneg */
        D2(SGNJX, 0xbff0000000000000, 0xbff0000000000000, RNE, D_ONE, 0),    /* fabs */
        D2(SGNJ, 0xfff0000000000001, 0, RNE, 0x7ff0000000000001, 0),
    };
    RUN(cases);
}

static void test_min_max(void **state)
{
    static const struct tcase cases[] = {
        S2(MIN, S(S_ONE), S(0x40000000), RNE, S(S_ONE), 0),
        S2(MAX, S(S_ONE), S(0x40000000), RNE, S(0x40000000), 0),
        S2(MIN, S(0xbf800000), S(0xc0000000), RNE, S(0xc0000000), 0),
        /* -0 < +0 in either operand order. */
        S2(MIN, S(0x80000000), S(0), RNE, S(0x80000000), 0),
        S2(MIN, S(0), S(0x80000000), RNE, S(0x80000000), 0),
        S2(MAX, S(0x80000000), S(0), RNE, S(0), 0),
        S2(MAX, S(0), S(0x80000000), RNE, S(0), 0),
        /* One NaN: the other operand; a signalling one also raises NV. */
        S2(MIN, S(S_QNAN), S(S_ONE), RNE, S(S_ONE), 0),
        S2(MAX, S(S_ONE), S(0x7fc00001), RNE, S(S_ONE), 0),
        S2(MIN, S(0x7f800001), S(S_ONE), RNE, S(S_ONE), NV),
        S2(MAX, S(0xc0000000), S(0xff800001), RNE, S(0xc0000000), NV),
        S2(MIN, S(0xffc00000), S(0xff800000), RNE, S(0xff800000), 0),
        /* Both NaN: canonical NaN. */
        S2(MAX, S(0x7fc00001), S(0xffc00000), RNE, S(S_QNAN), 0),
        S2(MAX, S(0x7f800001), S(S_QNAN), RNE, S(S_QNAN), NV),
        /* An improperly boxed operand is a quiet NaN: the other wins, no NV. */
        S2(MIN, 0x000000007f800001, S(S_ONE), RNE, S(S_ONE), 0),
        S2(MAX, S(0xff800000), 0xffffff0000000000, RNE, S(0xff800000), 0),
        S2(MAX, S(0xff800000), S(S_INF), RNE, S(S_INF), 0),
        D2(MIN, 0xbff0000000000000, 0xc000000000000000, RNE, 0xc000000000000000, 0),
        D2(MAX, 1, 0, RNE, 1, 0),
        D2(MIN, 0x8000000000000001, 0x8000000000000000, RNE, 0x8000000000000001, 0),
        D2(MIN, D_SNAN, D_QNAN, RNE, D_QNAN, NV),
        D2(MAX, 0x8000000000000000, D_SNAN, RNE, 0x8000000000000000, NV),
    };
    RUN(cases);
}

static void test_compare(void **state)
{
    static const struct tcase cases[] = {
        S2(FEQ, S(S_ONE), S(S_ONE), RNE, 1, 0),
        S2(FEQ, S(S_ONE), S(0x40000000), RNE, 0, 0),
        S2(FLT, S(S_ONE), S(0x40000000), RNE, 1, 0),
        S2(FLT, S(0x40000000), S(S_ONE), RNE, 0, 0),
        S2(FLT, S(S_ONE), S(S_ONE), RNE, 0, 0),
        S2(FLE, S(S_ONE), S(S_ONE), RNE, 1, 0),
        S2(FLE, S(0x40000000), S(S_ONE), RNE, 0, 0),
        /* +0 == -0 */
        S2(FEQ, S(0), S(0x80000000), RNE, 1, 0),
        S2(FLT, S(0x80000000), S(0), RNE, 0, 0),
        S2(FLE, S(0x80000000), S(0), RNE, 1, 0),
        S2(FLE, S(0), S(0x80000000), RNE, 1, 0),
        /* Negative numbers order by magnitude reversed. */
        S2(FLT, S(0xc0000000), S(0xbf800000), RNE, 1, 0),
        S2(FLT, S(0xbf800000), S(0xc0000000), RNE, 0, 0),
        S2(FLT, S(0x80000001), S(0), RNE, 1, 0),
        S2(FLT, S(0x00000001), S(0x00000002), RNE, 1, 0),
        S2(FLT, S(0xff800000), S(S_INF), RNE, 1, 0),
        S2(FLE, S(S_INF), S(S_INF), RNE, 1, 0),
        /* FEQ is quiet: NV only for sNaN. FLT/FLE signal on any NaN. */
        S2(FEQ, S(S_QNAN), S(S_ONE), RNE, 0, 0),
        S2(FEQ, S(S_QNAN), S(S_QNAN), RNE, 0, 0),
        S2(FEQ, S(0x7f800001), S(S_ONE), RNE, 0, NV),
        S2(FEQ, S(S_ONE), S(0xff800001), RNE, 0, NV),
        S2(FLT, S(S_QNAN), S(S_ONE), RNE, 0, NV),
        S2(FLE, S(S_ONE), S(S_QNAN), RNE, 0, NV),
        S2(FLE, S(S_QNAN), S(S_QNAN), RNE, 0, NV),
        /* Improperly boxed operands are quiet NaNs. */
        S2(FEQ, 0x3f800000, 0x3f800000, RNE, 0, 0),
        S2(FLT, 0x3f800000, S(S_ONE), RNE, 0, NV),
        D2(FEQ, 0x8000000000000000, 0, RNE, 1, 0),
        D2(FLT, 0xc000000000000000, 0xbff0000000000000, RNE, 1, 0),
        D2(FLE, D_ONE, 0x3ff0000000000001, RNE, 1, 0),
        D2(FEQ, D_SNAN, D_SNAN, RNE, 0, NV),
        D2(FEQ, D_QNAN, D_QNAN, RNE, 0, 0),
        D2(FLT, D_QNAN, D_ONE, RNE, 0, NV),
    };
    RUN(cases);
}

static void test_classify(void **state)
{
    static const struct tcase cases[] = {
        S1(CLASS, S(0xff800000), RNE, 1 << 0, 0), /* -inf */
        S1(CLASS, S(0xbf800000), RNE, 1 << 1, 0), /* negative normal */
        S1(CLASS, S(0xff7fffff), RNE, 1 << 1, 0),
        S1(CLASS, S(0x80000001), RNE, 1 << 2, 0), /* negative subnormal */
        S1(CLASS, S(0x807fffff), RNE, 1 << 2, 0),
        S1(CLASS, S(0x80000000), RNE, 1 << 3, 0), /* -0 */
        S1(CLASS, S(0), RNE, 1 << 4, 0),          /* +0 */
        S1(CLASS, S(0x00000001), RNE, 1 << 5, 0), /* positive subnormal */
        S1(CLASS, S(0x007fffff), RNE, 1 << 5, 0),
        S1(CLASS, S(0x00800000), RNE, 1 << 6, 0), /* positive normal */
        S1(CLASS, S(S_MAX), RNE, 1 << 6, 0),
        S1(CLASS, S(S_INF), RNE, 1 << 7, 0),
        S1(CLASS, S(0x7f800001), RNE, 1 << 8, 0), /* sNaN */
        S1(CLASS, S(0xffbfffff), RNE, 1 << 8, 0),
        S1(CLASS, S(S_QNAN), RNE, 1 << 9, 0), /* qNaN */
        S1(CLASS, S(0xffc00001), RNE, 1 << 9, 0),
        S1(CLASS, 0x000000003f800000, RNE, 1 << 9, 0), /* improperly boxed */
        S1(CLASS, 0x7ff0000000000001, RNE, 1 << 9, 0),
        D1(CLASS, 0xfff0000000000000, RNE, 1 << 0, 0),
        D1(CLASS, 0xbff0000000000000, RNE, 1 << 1, 0),
        D1(CLASS, 0x800fffffffffffff, RNE, 1 << 2, 0),
        D1(CLASS, 0x8000000000000000, RNE, 1 << 3, 0),
        D1(CLASS, 0, RNE, 1 << 4, 0),
        D1(CLASS, 1, RNE, 1 << 5, 0),
        D1(CLASS, 0x0010000000000000, RNE, 1 << 6, 0),
        D1(CLASS, D_INF, RNE, 1 << 7, 0),
        D1(CLASS, D_SNAN, RNE, 1 << 8, 0),
        D1(CLASS, 0x7ff7ffffffffffff, RNE, 1 << 8, 0),
        D1(CLASS, D_QNAN, RNE, 1 << 9, 0),
    };
    RUN(cases);
}

#define M1 0xffffffffffffffffull /* -1, and the sign-extended 0xffffffff */
#define INT32_MIN_X 0xffffffff80000000ull

static void test_cvt_to_int(void **state)
{
    static const struct tcase cases[] = {
        /* 1.5: halfway between 1 and 2. */
        S1(TO_W, S(0x3fc00000), RNE, 2, NX),
        S1(TO_W, S(0x3fc00000), RTZ, 1, NX),
        S1(TO_W, S(0x3fc00000), RDN, 1, NX),
        S1(TO_W, S(0x3fc00000), RUP, 2, NX),
        S1(TO_W, S(0x3fc00000), RMM, 2, NX),
        /* 2.5: RNE picks the even 2, RMM goes away from zero to 3. */
        S1(TO_W, S(0x40200000), RNE, 2, NX),
        S1(TO_W, S(0x40200000), RMM, 3, NX),
        S1(TO_W, S(0x40200000), RTZ, 2, NX),
        S1(TO_W, S(0x40200000), RUP, 3, NX),
        /* -2.5 */
        S1(TO_W, S(0xc0200000), RNE, (uint64_t)-2, NX),
        S1(TO_W, S(0xc0200000), RMM, (uint64_t)-3, NX),
        S1(TO_W, S(0xc0200000), RDN, (uint64_t)-3, NX),
        S1(TO_W, S(0xc0200000), RUP, (uint64_t)-2, NX),
        S1(TO_W, S(0xc0200000), RTZ, (uint64_t)-2, NX),
        /* -0.5 */
        S1(TO_W, S(0xbf000000), RNE, 0, NX),
        S1(TO_W, S(0xbf000000), RDN, M1, NX),
        S1(TO_W, S(0xbf000000), RMM, M1, NX),
        S1(TO_W, S(0xbf000000), RUP, 0, NX),
        /* Unsigned: -0.5 rounding to 0 is in range (NX); to -1 it is not
         * (NV, result 0, no NX). */
        S1(TO_WU, S(0xbf000000), RNE, 0, NX),
        S1(TO_WU, S(0xbf000000), RTZ, 0, NX),
        S1(TO_WU, S(0xbf000000), RUP, 0, NX),
        S1(TO_WU, S(0xbf000000), RDN, 0, NV),
        S1(TO_WU, S(0xbf000000), RMM, 0, NV),
        S1(TO_WU, S(0x3f000000), RUP, 1, NX),
        S1(TO_WU, S(0xbf800000), RNE, 0, NV),
        S1(TO_WU, S(0x80000000), RNE, 0, 0), /* -0 is fine */
        /* NaN -> largest positive, +inf -> largest, -inf -> smallest. */
        S1(TO_W, S(S_QNAN), RNE, 0x7fffffff, NV),
        S1(TO_W, S(0xffc00000), RNE, 0x7fffffff, NV), /* even a negative NaN */
        S1(TO_W, S(0x7f800001), RNE, 0x7fffffff, NV),
        S1(TO_W, 0x000000003f800000, RNE, 0x7fffffff, NV), /* improperly boxed */
        S1(TO_W, S(S_INF), RNE, 0x7fffffff, NV),
        S1(TO_W, S(0xff800000), RNE, INT32_MIN_X, NV),
        S1(TO_WU, S(S_QNAN), RNE, M1, NV), /* 0xffffffff, sign-extended */
        S1(TO_WU, S(S_INF), RNE, M1, NV),
        S1(TO_WU, S(0xff800000), RNE, 0, NV),
        S1(TO_L, S(S_QNAN), RNE, 0x7fffffffffffffff, NV),
        S1(TO_L, S(0xff800000), RNE, 0x8000000000000000, NV),
        S1(TO_LU, S(S_QNAN), RNE, M1, NV),
        S1(TO_LU, S(0xff800000), RNE, 0, NV),
        /* Around the 32-bit limits. 2^31 - 128 is the largest single
         * below 2^31. */
        S1(TO_W, S(0x4f000000), RNE, 0x7fffffff, NV),
        S1(TO_W, S(0x4effffff), RNE, 0x7fffff80, 0),
        S1(TO_W, S(0xcf000000), RNE, INT32_MIN_X, 0),
        S1(TO_W, S(0xcf000001), RNE, INT32_MIN_X, NV),
        S1(TO_WU, S(0x4f800000), RNE, M1, NV),
        S1(TO_WU, S(0x4f7fffff), RNE, 0xffffffffffffff00, 0), /* 0xffffff00 sign-extended */
        S1(TO_WU, S(0x4f32d05e), RNE, 0xffffffffb2d05e00, 0), /* 3e9 */
        S1(TO_L, S(0x53800000), RNE, 0x10000000000, 0),       /* 2^40 */
        S1(TO_LU, S(0x5f7fffff), RNE, 0xffffff0000000000, 0), /* largest below 2^64 */
        /* Double: 2^31-1 exact; 2^31 - 0.5 rounds to 2^31 (out of range)
         * except toward zero or down. */
        D1(TO_W, 0x41dfffffffc00000, RNE, 0x7fffffff, 0),
        D1(TO_W, 0x41dfffffffe00000, RNE, 0x7fffffff, NV),
        D1(TO_W, 0x41dfffffffe00000, RTZ, 0x7fffffff, NX),
        D1(TO_W, 0x41dfffffffe00000, RDN, 0x7fffffff, NX),
        D1(TO_W, 0x41dfffffffe00000, RUP, 0x7fffffff, NV),
        D1(TO_W, 0x41dfffffffe00000, RMM, 0x7fffffff, NV),
        /* -(2^31 + 0.5): a tie with the even -2^31 in range. */
        D1(TO_W, 0xc1e0000000100000, RNE, INT32_MIN_X, NX),
        D1(TO_W, 0xc1e0000000100000, RTZ, INT32_MIN_X, NX),
        D1(TO_W, 0xc1e0000000100000, RUP, INT32_MIN_X, NX),
        D1(TO_W, 0xc1e0000000100000, RMM, INT32_MIN_X, NV),
        D1(TO_W, 0xc1e0000000100000, RDN, INT32_MIN_X, NV),
        D1(TO_WU, 0x41efffffffe00000, RNE, M1, 0), /* 2^32 - 1 */
        /* 64-bit limits. 2^63 - 1024 is the largest double below 2^63. */
        D1(TO_L, 0x43e0000000000000, RNE, 0x7fffffffffffffff, NV),
        D1(TO_L, 0x43dfffffffffffff, RNE, 0x7ffffffffffffc00, 0),
        D1(TO_L, 0xc3e0000000000000, RNE, 0x8000000000000000, 0),
        D1(TO_L, 0xc3e0000000000001, RNE, 0x8000000000000000, NV),
        D1(TO_LU, 0x43f0000000000000, RNE, M1, NV),
        D1(TO_LU, 0x43efffffffffffff, RNE, 0xfffffffffffff800, 0),
        D1(TO_LU, D_QNAN, RNE, M1, NV),
        D1(TO_LU, 0xfff0000000000000, RNE, 0, NV),
        D1(TO_LU, 0x8000000000000000, RNE, 0, 0),
        D1(TO_L, D_MAX, RTZ, 0x7fffffffffffffff, NV),
        /* Tiny values round to 0 or +-1. */
        D1(TO_L, 0x3fe0000000000000, RNE, 0, NX),
        D1(TO_L, 0x3fe0000000000000, RMM, 1, NX),
        D1(TO_L, 1, RUP, 1, NX),
        D1(TO_L, 1, RDN, 0, NX),
        D1(TO_L, 0x8000000000000001, RDN, M1, NX),
        D1(TO_LU, 0x8000000000000001, RDN, 0, NV),
        D1(TO_LU, 0x8000000000000001, RNE, 0, NX),
        D1(TO_W, 0x8000000000000001, RDN, M1, NX),
    };
    RUN(cases);
}

static void test_cvt_from_int(void **state)
{
    static const struct tcase cases[] = {
        S1(FROM_W, 1, RNE, S(S_ONE), 0),
        S1(FROM_W, M1, RNE, S(0xbf800000), 0),
        /* W reads the low 32 bits as signed: 0x00000000ffffffff is -1. */
        S1(FROM_W, 0x00000000ffffffff, RNE, S(0xbf800000), 0),
        S1(FROM_W, 0x1234567800000000, RNE, S(0), 0),
        S1(FROM_W, 0, RDN, S(0), 0), /* +0, even in RDN */
        S1(FROM_WU, 0xffffffff, RNE, S(0x4f800000), NX), /* 2^32 - 1 -> 2^32 */
        S1(FROM_WU, 0xffffffff, RTZ, S(0x4f7fffff), NX),
        S1(FROM_WU, 0xffffffff00000001, RNE, S(S_ONE), 0), /* upper half ignored */
        S1(FROM_W, 0x7fffffff, RNE, S(0x4f000000), NX),
        S1(FROM_W, 0x7fffffff, RTZ, S(0x4effffff), NX),
        S1(FROM_W, 0x80000000, RNE, S(0xcf000000), 0), /* INT32_MIN */
        /* 2^24 + 1: a tie between 2^24 (even) and 2^24 + 2. */
        S1(FROM_W, 0x1000001, RNE, S(0x4b800000), NX),
        S1(FROM_W, 0x1000001, RTZ, S(0x4b800000), NX),
        S1(FROM_W, 0x1000001, RUP, S(0x4b800001), NX),
        S1(FROM_W, 0x1000001, RMM, S(0x4b800001), NX),
        S1(FROM_W, (uint64_t)-0x1000001, RNE, S(0xcb800000), NX),
        S1(FROM_W, (uint64_t)-0x1000001, RDN, S(0xcb800001), NX),
        S1(FROM_W, (uint64_t)-0x1000001, RUP, S(0xcb800000), NX),
        S1(FROM_W, (uint64_t)-0x1000001, RMM, S(0xcb800001), NX),
        /* 2^24 + 3: above the tie's odd side: RNE rounds up to 2^24 + 4. */
        S1(FROM_W, 0x1000003, RNE, S(0x4b800002), NX),
        S1(FROM_L, 0x8000000000000000, RNE, S(0xdf000000), 0), /* INT64_MIN */
        S1(FROM_LU, M1, RNE, S(0x5f800000), NX),
        S1(FROM_LU, M1, RTZ, S(0x5f7fffff), NX),
        S1(FROM_L, M1, RNE, S(0xbf800000), 0),
        /* 2^53 + 1 in double: tie to even 2^53. */
        D1(FROM_L, 0x20000000000001, RNE, 0x4340000000000000, NX),
        D1(FROM_L, 0x20000000000001, RUP, 0x4340000000000001, NX),
        D1(FROM_L, 0x20000000000001, RMM, 0x4340000000000001, NX),
        D1(FROM_L, 0x20000000000001, RTZ, 0x4340000000000000, NX),
        D1(FROM_W, 0x80000000, RNE, 0xc1e0000000000000, 0),
        D1(FROM_WU, 0xffffffff, RNE, 0x41efffffffe00000, 0),
        D1(FROM_LU, M1, RNE, 0x43f0000000000000, NX),
        D1(FROM_LU, M1, RTZ, 0x43efffffffffffff, NX),
        D1(FROM_L, M1, RNE, 0xbff0000000000000, 0),
        D1(FROM_L, 0, RDN, 0, 0),
    };
    RUN(cases);
}

static void test_cvt_fmt(void **state)
{
    static const struct tcase cases[] = {
        /* S -> D is exact. */
        S1(CVT_D_S, S(S_ONE), RNE, D_ONE, 0),
        S1(CVT_D_S, S(0x00000001), RNE, 0x36a0000000000000, 0), /* 2^-149 */
        S1(CVT_D_S, S(0x80000000), RNE, 0x8000000000000000, 0),
        S1(CVT_D_S, S(0xff800000), RNE, 0xfff0000000000000, 0),
        S1(CVT_D_S, S(0x7f800001), RNE, D_QNAN, NV),
        S1(CVT_D_S, S(0xffc00123), RNE, D_QNAN, 0),
        S1(CVT_D_S, 0x000000007f800001, RNE, D_QNAN, 0), /* improperly boxed: quiet */
        /* D -> S rounds. 1/3 in double, dropped bits 1010...: up. */
        D1(CVT_S_D, 0x3fd5555555555555, RNE, S(0x3eaaaaab), NX),
        D1(CVT_S_D, 0x3fd5555555555555, RTZ, S(0x3eaaaaaa), NX),
        D1(CVT_S_D, 0x47efffffe0000000, RNE, S(S_MAX), 0), /* FLT_MAX */
        /* FLT_MAX + half an ulp: a tie going to 2^128 in RNE. */
        D1(CVT_S_D, 0x47effffff0000000, RNE, S(S_INF), OF | NX),
        D1(CVT_S_D, 0x47effffff0000000, RMM, S(S_INF), OF | NX),
        D1(CVT_S_D, 0x47effffff0000000, RUP, S(S_INF), OF | NX),
        D1(CVT_S_D, 0x47effffff0000000, RTZ, S(S_MAX), NX),
        D1(CVT_S_D, 0x47effffff0000000, RDN, S(S_MAX), NX),
        D1(CVT_S_D, 0x7e37e43c8800759c, RNE, S(S_INF), OF | NX), /* 1e300 */
        D1(CVT_S_D, 0x7e37e43c8800759c, RTZ, S(S_MAX), OF | NX),
        D1(CVT_S_D, 0xfe37e43c8800759c, RUP, S(0xff7fffff), OF | NX),
        /* 2^-150: half the smallest single subnormal. */
        D1(CVT_S_D, 0x3690000000000000, RNE, S(0), UF | NX),
        D1(CVT_S_D, 0x3690000000000000, RUP, S(0x00000001), UF | NX),
        D1(CVT_S_D, 0x3690000000000000, RMM, S(0x00000001), UF | NX),
        /* 2^-126 - 2^-179: rounds to 2^-126 with an unbounded exponent too,
         * so not tiny (NX only); RTZ stays below: UF. */
        D1(CVT_S_D, 0x380fffffffffffff, RNE, S(0x00800000), NX),
        D1(CVT_S_D, 0x380fffffffffffff, RTZ, S(0x007fffff), UF | NX),
        /* 2^-126 - 2^-151: a tie at 24 bits whose even side is 2^-126. Not
         * tiny in RNE, RMM, RUP; tiny in RTZ and RDN. */
        D1(CVT_S_D, 0x380ffffff0000000, RNE, S(0x00800000), NX),
        D1(CVT_S_D, 0x380ffffff0000000, RMM, S(0x00800000), NX),
        D1(CVT_S_D, 0x380ffffff0000000, RUP, S(0x00800000), NX),
        D1(CVT_S_D, 0x380ffffff0000000, RTZ, S(0x007fffff), UF | NX),
        D1(CVT_S_D, 0x380ffffff0000000, RDN, S(0x007fffff), UF | NX),
        D1(CVT_S_D, D_SNAN, RNE, S(S_QNAN), NV),
        D1(CVT_S_D, 0xfff8000000000001, RNE, S(S_QNAN), 0),
        D1(CVT_S_D, 0x8000000000000000, RNE, S(0x80000000), 0),
        D1(CVT_S_D, D_INF, RNE, S(S_INF), 0),
        D1(CVT_S_D, 1, RNE, S(0), UF | NX),
        D1(CVT_S_D, 1, RUP, S(0x00000001), UF | NX),
        D1(CVT_S_D, 0x8000000000000001, RDN, S(0x80000001), UF | NX),
        D1(CVT_S_D, 0x8000000000000001, RNE, S(0x80000000), UF | NX),
    };
    RUN(cases);
}

/* Improperly boxed single inputs read as the canonical quiet NaN — not as
 * whatever the low half encodes, so no NV even when it looks like sNaN. */
static void test_nan_boxing(void **state)
{
    static const struct tcase cases[] = {
        S2(ADD, 0x000000003f800000, S(S_ONE), RNE, S(S_QNAN), 0),
        S2(ADD, 0x000000007f800001, S(S_ONE), RNE, S(S_QNAN), 0),
        S2(MUL, S(S_ONE), 0xfffffffe3f800000, RNE, S(S_QNAN), 0),
        S2(DIV, 0x7fffffff3f800000, S(0), RNE, S(S_QNAN), 0), /* no DZ: NaN / 0 */
        S1(SQRT, 0x0000000040800000, RNE, S(S_QNAN), 0),
        T(RV_FS, MADD, S(S_INF), S(0), 0x0000000000000000, RNE, S(S_QNAN), NV),
        T(RV_FS, MADD, S(S_ONE), S(S_ONE), 0x3f800000, RNE, S(S_QNAN), 0),
        /* Results come back boxed. */
        S2(ADD, S(S_ONE), S(S_ONE), RNE, S(0x40000000), 0),
        S1(FROM_L, 3, RNE, S(0x40400000), 0),
    };
    RUN(cases);
}

/* fflags is only ever OR-ed into. */
static void test_flags_accumulate(void **state)
{
    uint32_t fl = RV_DZ;
    assert_int_equal(rv_fadd(RV_FD, D_ONE, 1, RV_RNE, &fl), D_ONE);
    assert_int_equal(fl, RV_DZ | RV_NX);
    rv_fadd(RV_FD, D_ONE, D_ONE, RV_RNE, &fl); /* exact: no change */
    assert_int_equal(fl, RV_DZ | RV_NX);
    rv_fcmp(RV_FS, S(S_QNAN), S(S_ONE), 1, &fl);
    assert_int_equal(fl, RV_DZ | RV_NX | RV_NV);
    fl = RV_OF;
    rv_fcvt_to_int(RV_FD, D_QNAN, 2, RV_RNE, &fl);
    assert_int_equal(fl, RV_OF | RV_NV);
}

/* The host's rounding mode is left as it was, so an interpreter thread's
 * own FP code is unaffected. Its exception flags too where the host path
 * loads an MXCSR of its own (a thread not in the default RNE); in the
 * default mode RNE operations run in the thread's MXCSR (no pipeline
 * drain per operation) and its sticky flags may change (fpu_host.c). */
static void test_host_fenv_preserved(void **state)
{
    static const int modes[] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
    for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        assert_int_equal(fesetround(modes[i]), 0);
        feclearexcept(FE_ALL_EXCEPT);
        uint32_t fl = 0;
        /* 1/3 in RNE whatever the host mode is. */
        assert_int_equal(rv_fdiv(RV_FD, D_ONE, 0x4008000000000000, RV_RNE, &fl),
                         0x3fd5555555555555);
        assert_int_equal(rv_fdiv(RV_FD, D_ONE, 0x4008000000000000, RV_RUP, &fl),
                         0x3fd5555555555556);
        assert_int_equal(rv_fmul(RV_FS, S(S_MAX), S(S_MAX), RV_RTZ, &fl), S(S_MAX));
        assert_int_equal(rv_fma(RV_FD, D_ONE, D_ONE, 1, 0, 0, RV_RDN, &fl), D_ONE);
        assert_int_equal(rv_fsqrt(RV_FD, 0x4000000000000000, RV_RTZ, &fl), 0x3ff6a09e667f3bcc);
        assert_int_equal(fl, RV_NX | RV_OF);
        assert_int_equal(fegetround(), modes[i]);
        if (modes[i] != FE_TONEAREST)
            assert_int_equal(fetestexcept(FE_ALL_EXCEPT), 0);
    }
    fesetround(FE_TONEAREST);
    /* Host flags already raised are not the guest's: an exact sum raises
     * nothing, an inexact one NX alone, a division by zero DZ alone. */
    feraiseexcept(FE_DIVBYZERO | FE_INEXACT | FE_OVERFLOW);
    uint32_t fl = 0;
    rv_fadd(RV_FD, D_ONE, D_ONE, RV_RNE, &fl);
    assert_int_equal(fl, 0);
    feraiseexcept(FE_DIVBYZERO | FE_OVERFLOW);
    rv_fadd(RV_FD, D_ONE, 1, RV_RNE, &fl);
    assert_int_equal(fl, RV_NX);
    feraiseexcept(FE_OVERFLOW);
    fl = 0;
    rv_fdiv(RV_FD, D_ONE, 0, RV_RNE, &fl);
    assert_int_equal(fl, RV_DZ);
    feclearexcept(FE_ALL_EXCEPT);
}

/* Harts on their own threads, each with a different host rounding mode
 * and RISC-V mode, must not disturb each other. */
struct thread_arg {
    int host_mode;
    int rm;
    uint64_t want;
    int bad;
};

static void *thread_body(void *p)
{
    struct thread_arg *t = p;
    fesetround(t->host_mode);
    for (int i = 0; i < 20000; i++) {
        uint32_t fl = 0;
        uint64_t r = rv_fdiv(RV_FS, S(S_ONE), S(0x40400000), t->rm, &fl);
        if (r != t->want || fl != RV_NX || fegetround() != t->host_mode)
            t->bad++;
    }
    return NULL;
}

static void test_threads(void **state)
{
    struct thread_arg args[4] = {
        { FE_UPWARD, RV_RTZ, S(0x3eaaaaaa), 0 },
        { FE_DOWNWARD, RV_RUP, S(0x3eaaaaab), 0 },
        { FE_TOWARDZERO, RV_RNE, S(0x3eaaaaab), 0 },
        { FE_TONEAREST, RV_RDN, S(0x3eaaaaaa), 0 },
    };
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_body, &args[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].bad, 0);
    }
}

/* The host fast path and the software path are independent
 * implementations: on random operands they must agree bit for bit. */
static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint64_t random_operand(uint64_t *s, int fmt)
{
    uint64_t r = xorshift(s);
    /* Bias the exponent toward the extremes now and then. */
    if (fmt == RV_FS) {
        r = (uint32_t)r;
        if (!(r & 0x700))
            r &= 0x80ffffff;
        return S(r);
    }
    if (!(r & 0x7000))
        r &= 0x801fffffffffffff;
    return r;
}

static void test_host_matches_soft(void **state)
{
    uint64_t seed = 0x2545f4914f6cdd1dull;
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        int fmt = i & 1, rm = (i >> 1) % 4, op = (i >> 3) % 6;
        uint64_t a = random_operand(&seed, fmt), b = random_operand(&seed, fmt),
                 c = random_operand(&seed, fmt), r[2];
        uint32_t fl[2] = { 0, 0 };
        for (int host = 0; host < 2; host++) {
            fpu_host_enabled = host;
            switch (op) {
            case 0: r[host] = rv_fadd(fmt, a, b, rm, &fl[host]); break;
            case 1: r[host] = rv_fsub(fmt, a, b, rm, &fl[host]); break;
            case 2: r[host] = rv_fmul(fmt, a, b, rm, &fl[host]); break;
            case 3: r[host] = rv_fdiv(fmt, a, b, rm, &fl[host]); break;
            case 4: /* mostly positive operands, so that sqrt has work to do */
                r[host] = rv_fsqrt(fmt, a & ~(fmt ? 1ull << 63 : 1ull << 31), rm, &fl[host]);
                break;
            default: r[host] = rv_fma(fmt, a, b, c, i & 1, i & 2, rm, &fl[host]); break;
            }
        }
        fpu_host_enabled = true;
        if ((r[0] != r[1] || fl[0] != fl[1]) && bad++ < 10)
            print_error("op %d fmt %d rm %d: %016llx %016llx %016llx: soft %016llx/%02x host "
                        "%016llx/%02x\n",
                        op, fmt, rm, (unsigned long long)a, (unsigned long long)b,
                        (unsigned long long)c, (unsigned long long)r[0], fl[0],
                        (unsigned long long)r[1], fl[1]);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_sub_single),
        cmocka_unit_test(test_add_sub_double),
        cmocka_unit_test(test_mul),
        cmocka_unit_test(test_div),
        cmocka_unit_test(test_sqrt),
        cmocka_unit_test(test_fma),
        cmocka_unit_test(test_sign_injection),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_cvt_to_int),
        cmocka_unit_test(test_cvt_from_int),
        cmocka_unit_test(test_cvt_fmt),
        cmocka_unit_test(test_nan_boxing),
        cmocka_unit_test(test_flags_accumulate),
        cmocka_unit_test(test_host_fenv_preserved),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_host_matches_soft),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
