/* The F/D/H operations that never round: sign injection, min/max, compares
 * and classification. All work on the bit patterns directly. */
#include "riscv/fpu_internal.h"

uint64_t rv_fsgnj(int fmt, uint64_t a, uint64_t b, int op)
{
    const uint64_t s = fpu_sign_bit(fmt);
    a = fpu_unbox(fmt, a);
    b = fpu_unbox(fmt, b);
    uint64_t sign = op == 0 ? b & s : op == 1 ? ~b & s : (a ^ b) & s;
    return fpu_box(fmt, (a & ~s) | sign);
}

/* Maps bits to an unsigned key ordered like the numbers, with -0 < +0
 * (negatives are flipped below all positives). Not for NaNs. */
static uint64_t order_key(int fmt, uint64_t x)
{
    const uint64_t s = fpu_sign_bit(fmt);
    return x & s ? ~x & (s | (s - 1)) : x | s;
}

uint64_t rv_fminmax(int fmt, uint64_t a, uint64_t b, int op, uint32_t *fflags)
{
    const bool is_max = op & 1, nan_wins = op >= 2; /* FMINM/FMAXM */
    a = fpu_unbox(fmt, a);
    b = fpu_unbox(fmt, b);
    if (fpu_is_snan(fmt, a) || fpu_is_snan(fmt, b))
        *fflags |= RV_NV;
    bool an = fpu_is_nan(fmt, a), bn = fpu_is_nan(fmt, b);
    if ((an && bn) || (nan_wins && (an || bn)))
        return fpu_box(fmt, fpu_canon_nan(fmt));
    if (an || bn)
        return fpu_box(fmt, an ? b : a); /* a NaN yields to the number */
    bool a_less = order_key(fmt, a) < order_key(fmt, b);
    return fpu_box(fmt, a_less == !is_max ? a : b);
}

enum { CMP_LE = 0, CMP_LT = 1, CMP_EQ = 2, CMP_LEQ = 4, CMP_LTQ = 5 };

uint64_t rv_fcmp(int fmt, uint64_t a, uint64_t b, int op, uint32_t *fflags)
{
    a = fpu_unbox(fmt, a);
    b = fpu_unbox(fmt, b);
    if (fpu_is_nan(fmt, a) || fpu_is_nan(fmt, b)) {
        /* FEQ, FLEQ and FLTQ are quiet compares; FLT and FLE signal on
         * any NaN. */
        bool quiet = op == CMP_EQ || op == CMP_LEQ || op == CMP_LTQ;
        if (!quiet || fpu_is_snan(fmt, a) || fpu_is_snan(fmt, b))
            *fflags |= RV_NV;
        return 0;
    }
    /* +0 and -0 compare equal, unlike in order_key. */
    bool both_zero = !fpu_abs(fmt, a) && !fpu_abs(fmt, b);
    uint64_t ka = order_key(fmt, a), kb = order_key(fmt, b);
    bool eq = both_zero || a == b, lt = !both_zero && ka < kb;
    switch (op) {
    case CMP_EQ:
        return eq;
    case CMP_LT:
    case CMP_LTQ:
        return lt;
    default:
        return lt || eq;
    }
}

uint64_t rv_fclass(int fmt, uint64_t a)
{
    a = fpu_unbox(fmt, a);
    const uint64_t mag = fpu_abs(fmt, a), inf = fpu_inf(fmt, 0);
    const bool neg = (a & fpu_sign_bit(fmt)) != 0;
    int bit;
    if (mag > inf)
        bit = fpu_is_snan(fmt, a) ? 8 : 9;
    else if (mag == inf)
        bit = neg ? 0 : 7;
    else if (mag >= 1ull << fpu_frac_bits(fmt)) /* a nonzero exponent */
        bit = neg ? 1 : 6;
    else if (mag)
        bit = neg ? 2 : 5;
    else
        bit = neg ? 3 : 4;
    return 1u << bit;
}
