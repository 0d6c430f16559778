/* Zfa's operations that are not variants of older ones: FLI's constants,
 * FROUND/FROUNDNX (IEEE 754-2019 roundToIntegral) and FCVTMOD.W.D. */
#include "riscv/fpu_internal.h"

/* The spec's table as sign, unbiased exponent and the two fraction bits
 * below the leading one (no entry sets others); 1 is the minimum normal,
 * 30 infinity, 31 the canonical NaN. */
static const struct { int8_t exp; uint8_t frac2; } fli_table[32] = {
    [0] = {0, 0},    [2] = {-16, 0}, [3] = {-15, 0}, [4] = {-8, 0}, [5] = {-7, 0},
    [6] = {-4, 0},   [7] = {-3, 0},  [8] = {-2, 0},  [9] = {-2, 1}, [10] = {-2, 2},
    [11] = {-2, 3},  [12] = {-1, 0}, [13] = {-1, 1}, [14] = {-1, 2}, [15] = {-1, 3},
    [16] = {0, 0},   [17] = {0, 1},  [18] = {0, 2},  [19] = {0, 3}, [20] = {1, 0},
    [21] = {1, 1},   [22] = {1, 2},  [23] = {2, 0},  [24] = {3, 0}, [25] = {4, 0},
    [26] = {7, 0},   [27] = {8, 0},  [28] = {15, 0}, [29] = {16, 0},
};

uint64_t rv_fli(int fmt, unsigned index)
{
    const int fb = fpu_frac_bits(fmt);
    uint64_t r;
    index &= 31;
    if (index == 1) {
        r = 1ull << fb; /* minimum positive normal */
    } else if (index == 30) {
        r = fpu_inf(fmt, 0);
    } else if (index == 31) {
        r = fpu_canon_nan(fmt);
    } else {
        /* Exact in S and D; in H 2^-16 and 2^-15 are subnormal (exact too)
         * and 2^16 overflows to infinity, as the spec says. */
        uint32_t ignored = 0;
        uint64_t sig = 4u | fli_table[index].frac2; /* 1.xx as 3 bits */
        r = fpu_round_pack(fmt, index == 0, fli_table[index].exp - 2, sig, RV_RNE, &ignored);
    }
    return fpu_box(fmt, r);
}

uint64_t rv_fround(int fmt, uint64_t a, int exact, int rm, uint32_t *fflags)
{
    a = fpu_unbox(fmt, a);
    struct fpu_num x = fpu_unpack(fmt, a);
    if (x.cls == FPU_SNAN)
        *fflags |= RV_NV;
    if (x.cls >= FPU_QNAN)
        return fpu_box(fmt, fpu_canon_nan(fmt));
    /* Zeros, infinities and numbers already integral (exp >= 0) as they are. */
    if (x.cls != FPU_FINITE || x.exp >= 0)
        return fpu_box(fmt, a);
    int sh = -x.exp;
    uint64_t ip = sh >= 64 ? 0 : x.sig >> sh;
    uint64_t rest = sh >= 64 ? 1 : x.sig & ((1ull << sh) - 1);
    uint64_t half = sh >= 64 ? 2 : 1ull << (sh - 1); /* rest < half when sh >= 64 */
    switch (rm) {
    case RV_RNE: ip += rest > half || (rest == half && (ip & 1)); break;
    case RV_RDN: ip += x.sign && rest; break;
    case RV_RUP: ip += !x.sign && rest; break;
    case RV_RMM: ip += rest >= half; break;
    default: break; /* RTZ */
    }
    if (exact && rest)
        *fflags |= RV_NX;
    if (!ip) /* rounds to a zero of the input's sign */
        return fpu_box(fmt, fpu_zero(fmt, x.sign));
    uint32_t ignored = 0; /* an integer below 2^frac_bits is exact */
    return fpu_box(fmt, fpu_round_pack(fmt, x.sign, 0, ip, RV_RNE, &ignored));
}

uint64_t rv_fcvtmod_w_d(uint64_t a, uint32_t *fflags)
{
    struct fpu_num x = fpu_unpack(RV_FD, a);
    if (x.cls == FPU_ZERO)
        return 0;
    if (x.cls != FPU_FINITE) { /* inf, NaN: 0, and NV as FCVT.W.D raises */
        *fflags |= RV_NV;
        return 0;
    }
    uint64_t low; /* the integer part modulo 2^64 (enough for 2^32) */
    bool inexact = false, fits;
    if (x.exp >= 0) {
        low = x.exp >= 64 ? 0 : x.sig << x.exp;
        /* |v| >= 2^31 cannot fit W (except -2^31, checked below). */
        fits = x.exp + 64 - __builtin_clzll(x.sig) <= 32;
    } else {
        int sh = -x.exp;
        low = sh >= 64 ? 0 : x.sig >> sh;
        inexact = sh >= 64 || (x.sig & ((1ull << sh) - 1));
        fits = true;
    }
    uint64_t mag = low;
    fits = fits && (x.sign ? mag <= 0x80000000u : mag <= 0x7fffffffu);
    /* FCVT.W.D's flags with RTZ: NV when the integer does not fit (and
     * then not NX), else NX when a fraction was dropped. */
    if (!fits)
        *fflags |= RV_NV;
    else if (inexact)
        *fflags |= RV_NX;
    uint64_t v = x.sign ? -low : low;
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}
