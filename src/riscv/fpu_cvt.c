/* FCVT: float <-> integer and between S, D and H, in software (the host's conversions
 * saturate differently and have no unsigned 64-bit form). */
#include "riscv/fpu_internal.h"

enum { CVT_W = 0, CVT_WU = 1, CVT_L = 2, CVT_LU = 3 };

/* The range of an integer type, as the magnitudes allowed for each sign. */
struct int_range {
    uint64_t max_pos; /* largest positive magnitude */
    uint64_t max_neg; /* largest negative magnitude (0 for unsigned) */
};

static struct int_range int_range(int type)
{
    switch (type) {
    case CVT_W:
        return (struct int_range){ 0x7fffffffu, 0x80000000u };
    case CVT_WU:
        return (struct int_range){ 0xffffffffu, 0 };
    case CVT_L:
        return (struct int_range){ INT64_MAX, 1ull << 63 };
    default:
        return (struct int_range){ UINT64_MAX, 0 };
    }
}

/* Two's complement of a magnitude; 32-bit results are sign-extended as
 * RV64 keeps them in registers. */
static uint64_t int_result(int type, int sign, uint64_t mag)
{
    uint64_t v = sign ? -mag : mag;
    return type <= CVT_WU ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

/* The spec's table: NaN and +inf give the largest value, -inf the smallest,
 * and out-of-range values clip; all raise NV (and not NX). */
static uint64_t saturate(int type, int sign, uint32_t *fflags)
{
    struct int_range r = int_range(type);
    *fflags |= RV_NV;
    return sign ? int_result(type, 1, r.max_neg) : int_result(type, 0, r.max_pos);
}

/* |x| rounded to an integer by rm (x finite, nonzero); *too_big when
 * that magnitude reaches 2^64. */
static uint64_t round_to_integer(const struct fpu_num *x, int rm, bool *inexact, bool *too_big)
{
    *inexact = false;
    *too_big = false;
    if (x->exp >= 0) {
        /* sig << exp is exact while the leading one stays below bit 64. */
        if (x->exp > __builtin_clzll(x->sig)) {
            *too_big = true;
            return 0;
        }
        return x->sig << x->exp;
    }
    int sh = -x->exp;
    /* sig < 2^54, so past 64 places the fraction is nonzero but under 1/2. */
    uint64_t ip = sh >= 64 ? 0 : x->sig >> sh;
    uint64_t rest = sh >= 64 ? 1 : x->sig & ((1ull << sh) - 1);
    uint64_t half = sh >= 64 ? 2 : 1ull << (sh - 1);
    if (!rest)
        return ip;
    *inexact = true;
    switch (rm) {
    case RV_RNE:
        return ip + (rest > half || (rest == half && (ip & 1)));
    case RV_RDN:
        return ip + x->sign;
    case RV_RUP:
        return ip + !x->sign;
    case RV_RMM:
        return ip + (rest >= half);
    default: /* RTZ */
        return ip;
    }
}

uint64_t rv_fcvt_to_int(int fmt, uint64_t a, int to_type, int rm, uint32_t *fflags)
{
    struct fpu_num x = fpu_unpack(fmt, fpu_unbox(fmt, a));
    if (x.cls >= FPU_QNAN)
        return saturate(to_type, 0, fflags);
    if (x.cls == FPU_INF)
        return saturate(to_type, x.sign, fflags);
    if (x.cls == FPU_ZERO)
        return 0;
    bool inexact, too_big;
    uint64_t mag = round_to_integer(&x, rm, &inexact, &too_big);
    struct int_range r = int_range(to_type);
    if (too_big || mag > (x.sign ? r.max_neg : r.max_pos))
        return saturate(to_type, x.sign, fflags);
    if (inexact)
        *fflags |= RV_NX;
    return int_result(to_type, x.sign, mag);
}

uint64_t rv_fcvt_from_int(int fmt, uint64_t x, int from_type, int rm, uint32_t *fflags)
{
    int sign = 0;
    uint64_t mag;
    switch (from_type) {
    case CVT_W:
        sign = (int32_t)x < 0;
        mag = sign ? -(uint64_t)(int64_t)(int32_t)x : (uint32_t)x;
        break;
    case CVT_WU:
        mag = (uint32_t)x;
        break;
    case CVT_L:
        sign = (int64_t)x < 0;
        mag = sign ? -x : x;
        break;
    default:
        mag = x;
        break;
    }
    if (!mag)
        return fpu_box(fmt, 0);
    return fpu_box(fmt, fpu_round_pack(fmt, sign, 0, mag, rm, fflags));
}

uint64_t rv_fcvt_fmt(int to_fmt, int from_fmt, uint64_t a, int rm, uint32_t *fflags)
{
    struct fpu_num x = fpu_unpack(from_fmt, fpu_unbox(from_fmt, a));
    uint64_t r;
    switch (x.cls) {
    case FPU_SNAN:
        *fflags |= RV_NV;
        /* fall through */
    case FPU_QNAN:
        r = fpu_canon_nan(to_fmt);
        break;
    case FPU_INF:
        r = fpu_inf(to_fmt, x.sign);
        break;
    case FPU_ZERO:
        r = fpu_zero(to_fmt, x.sign);
        break;
    default:
        r = fpu_round_pack(to_fmt, x.sign, x.exp, x.sig, rm, fflags);
        break;
    }
    return fpu_box(to_fmt, r);
}
