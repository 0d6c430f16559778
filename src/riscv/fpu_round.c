/* The software core's last step: rounding an exact value to S or D in any
 * RISC-V rounding mode, with the flags IEEE-754 and RISC-V ask for. */
#include "riscv/fpu_internal.h"

/* 1 if dropping the low `shift` bits of sig must round its magnitude up. */
static inline uint64_t round_up(uint64_t sig, int shift, int sign, int rm)
{
    const uint64_t rest = sig & ((1ull << shift) - 1), half = 1ull << (shift - 1);
    switch (rm) {
    case RV_RNE:
        return rest > half || (rest == half && (sig >> shift & 1));
    case RV_RDN:
        return sign && rest;
    case RV_RUP:
        return !sign && rest;
    case RV_RMM:
        return rest >= half;
    default: /* RTZ */
        return 0;
    }
}

static uint64_t overflow(int fmt, int sign, int rm, uint32_t *fflags)
{
    *fflags |= RV_OF | RV_NX;
    /* Infinity, unless the mode rounds toward zero for this sign: then the
     * largest finite number, whose encoding is infinity's minus one. */
    bool to_max = rm == RV_RTZ || (rm == RV_RDN && !sign) || (rm == RV_RUP && sign);
    return fpu_inf(fmt, sign) - to_max;
}

uint64_t fpu_round_pack(int fmt, int sign, int exp, fpu_u128 m, int rm, uint32_t *fflags)
{
    const int p = fpu_frac_bits(fmt) + 1, shift = 63 - p;
    const int emin = 1 - fpu_bias(fmt), emax = fpu_bias(fmt);
    const uint64_t out_sign = sign ? fpu_sign_bit(fmt) : 0;
    const uint64_t rest_mask = (1ull << shift) - 1;

    /* Normalise: value = sig * 2^(e - 62) with sig in [2^62, 2^63). */
    int top = 127 - fpu_clz128(m);
    int e = exp + top;
    uint64_t sig = top > 62 ? (uint64_t)fpu_jam128(m, top - 62) : (uint64_t)m << (62 - top);

    if (e < emin) {
        /* RISC-V detects tininess after rounding: the value is tiny unless
         * rounding it to p bits with an unbounded exponent reaches 2^emin. */
        bool tiny = e < emin - 1 || (sig >> shift) + round_up(sig, shift, sign, rm) < 1ull << p;
        sig = fpu_jam64(sig, emin - e);
        if (sig & rest_mask)
            *fflags |= RV_NX | (tiny ? RV_UF : 0);
        /* A carry into bit p-1 yields the smallest normal's encoding. */
        return out_sign | ((sig >> shift) + round_up(sig, shift, sign, rm));
    }
    uint64_t mag = (sig >> shift) + round_up(sig, shift, sign, rm);
    if (e > emax || (e == emax && mag >> p))
        return overflow(fmt, sign, rm, fflags);
    if (sig & rest_mask)
        *fflags |= RV_NX;
    /* mag includes the hidden bit, so adding it to exponent-1 also carries
     * a round-up to 2^p into the exponent. */
    return out_sign | (((uint64_t)(e + fpu_bias(fmt) - 1) << (p - 1)) + mag);
}
