/* Software IEEE-754 arithmetic with RISC-V's special-case rules: special
 * operands are settled first, then the exact result of the finite case is
 * formed with integer arithmetic and rounded once by fpu_round_pack. */
#include "riscv/fpu_internal.h"

#include <stddef.h>

static bool is_nan(const struct fpu_num *n) { return n->cls >= FPU_QNAN; }

/* The invalid operation: NV and the canonical NaN. */
static uint64_t invalid(int fmt, uint32_t *fflags)
{
    *fflags |= RV_NV;
    return fpu_canon_nan(fmt);
}

/* A NaN operand: RISC-V never propagates payloads, but a signalling NaN
 * still raises NV. */
static uint64_t nan_result(int fmt, const struct fpu_num *x, const struct fpu_num *y,
                           uint32_t *fflags)
{
    if (x->cls == FPU_SNAN || (y && y->cls == FPU_SNAN))
        *fflags |= RV_NV;
    return fpu_canon_nan(fmt);
}

static uint64_t add_finite(int fmt, struct fpu_num x, struct fpu_num y, int rm,
                           uint32_t *fflags)
{
    /* Leading ones at bit 62 leave 10+ guard bits under D's 53 and room
     * for a carry; a far smaller operand then only matters as sticky. */
    const int up = 62 - fpu_frac_bits(fmt);
    if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) {
        struct fpu_num t = x;
        x = y;
        y = t;
    }
    uint64_t xs = x.sig << up, ys = fpu_jam64(y.sig << up, x.exp - y.exp);
    fpu_u128 m;
    if (x.sign == y.sign) {
        m = (fpu_u128)xs + ys;
    } else {
        m = xs - ys;
        if (!m)
            return fpu_cancel_zero(fmt, rm);
    }
    return fpu_round_pack(fmt, x.sign, x.exp - up, m, rm, fflags);
}

uint64_t fpu_soft_add(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    struct fpu_num x = fpu_unpack(fmt, a), y = fpu_unpack(fmt, b);
    if (is_nan(&x) || is_nan(&y))
        return nan_result(fmt, &x, &y, fflags);
    if (x.cls == FPU_INF || y.cls == FPU_INF) {
        if (x.cls == y.cls && x.sign != y.sign)
            return invalid(fmt, fflags); /* inf - inf */
        return x.cls == FPU_INF ? a : b;
    }
    if (x.cls == FPU_ZERO && y.cls == FPU_ZERO)
        return x.sign == y.sign ? a : fpu_cancel_zero(fmt, rm);
    if (x.cls == FPU_ZERO)
        return b;
    if (y.cls == FPU_ZERO)
        return a;
    return add_finite(fmt, x, y, rm, fflags);
}

uint64_t fpu_soft_mul(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    struct fpu_num x = fpu_unpack(fmt, a), y = fpu_unpack(fmt, b);
    int sign = x.sign ^ y.sign;
    if (is_nan(&x) || is_nan(&y))
        return nan_result(fmt, &x, &y, fflags);
    if (x.cls == FPU_INF || y.cls == FPU_INF) {
        if (x.cls == FPU_ZERO || y.cls == FPU_ZERO)
            return invalid(fmt, fflags); /* inf * 0 */
        return fpu_inf(fmt, sign);
    }
    if (x.cls == FPU_ZERO || y.cls == FPU_ZERO)
        return fpu_zero(fmt, sign);
    return fpu_round_pack(fmt, sign, x.exp + y.exp, (fpu_u128)x.sig * y.sig, rm, fflags);
}

uint64_t fpu_soft_div(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    struct fpu_num x = fpu_unpack(fmt, a), y = fpu_unpack(fmt, b);
    int sign = x.sign ^ y.sign;
    if (is_nan(&x) || is_nan(&y))
        return nan_result(fmt, &x, &y, fflags);
    if (x.cls == FPU_INF)
        return y.cls == FPU_INF ? invalid(fmt, fflags) : fpu_inf(fmt, sign);
    if (y.cls == FPU_INF)
        return fpu_zero(fmt, sign);
    if (y.cls == FPU_ZERO) {
        if (x.cls == FPU_ZERO)
            return invalid(fmt, fflags); /* 0 / 0 */
        *fflags |= RV_DZ;
        return fpu_inf(fmt, sign);
    }
    if (x.cls == FPU_ZERO)
        return fpu_zero(fmt, sign);
    /* A quotient of 64+ bits; the remainder only matters as a sticky bit
     * appended below it. */
    fpu_u128 n = (fpu_u128)x.sig << 64;
    fpu_u128 q = n / y.sig;
    bool rest = n % y.sig != 0;
    return fpu_round_pack(fmt, sign, x.exp - y.exp - 65, q << 1 | rest, rm, fflags);
}

/* floor(sqrt(v)) for v < 2^127, one result bit per step; *rem = v - root^2. */
static uint64_t isqrt128(fpu_u128 v, fpu_u128 *rem)
{
    fpu_u128 root = 0, bit = (fpu_u128)1 << 126;
    while (bit > v)
        bit >>= 2;
    for (; bit; bit >>= 2) {
        if (v >= root + bit) {
            v -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
    }
    *rem = v;
    return (uint64_t)root;
}

uint64_t fpu_soft_sqrt(int fmt, uint64_t a, int rm, uint32_t *fflags)
{
    struct fpu_num x = fpu_unpack(fmt, a);
    if (is_nan(&x))
        return nan_result(fmt, &x, NULL, fflags);
    if (x.cls == FPU_ZERO)
        return a; /* sqrt(-0) = -0 */
    if (x.sign)
        return invalid(fmt, fflags);
    if (x.cls == FPU_INF)
        return a;
    /* An even exponent halves exactly; an even scale s keeps it even and
     * makes the integer root 61+ bits wide (sig << s stays below 2^126). */
    uint64_t sig = x.sig;
    int e = x.exp;
    if (e & 1) {
        sig <<= 1;
        e--;
    }
    const int s = fmt == RV_FD ? 72 : fmt == RV_FS ? 100 : 112;
    fpu_u128 rem;
    fpu_u128 root = isqrt128((fpu_u128)sig << s, &rem);
    return fpu_round_pack(fmt, 0, (e - s) / 2 - 1, root << 1 | (rem != 0), rm, fflags);
}

/* Put m's leading one at bit 125: a sum of two such values cannot carry
 * out of 127 bits. */
static fpu_u128 align_125(fpu_u128 m, int *exp)
{
    int sh = fpu_clz128(m) - 2;
    *exp -= sh;
    return m << sh;
}

/* prod (exact, nonzero) + z (finite, nonzero), rounded once. */
static uint64_t fma_finite(int fmt, int psign, int pexp, fpu_u128 prod, const struct fpu_num *z,
                           int rm, uint32_t *fflags)
{
    int bexp = pexp, sexp = z->exp, bsign = psign, ssign = z->sign;
    fpu_u128 big = align_125(prod, &bexp), small = align_125(z->sig, &sexp);
    if (bexp < sexp || (bexp == sexp && big < small)) {
        fpu_u128 t = big;
        big = small;
        small = t;
        int te = bexp;
        bexp = sexp;
        sexp = te;
        bsign = z->sign;
        ssign = psign;
    }
    /* The product's 106 bits end at bit 20 or above, so an alignment shift
     * of 0 or 1 is exact and a larger one leaves ample guard bits. */
    small = fpu_jam128(small, bexp - sexp);
    fpu_u128 m;
    if (bsign == ssign) {
        m = big + small;
    } else {
        m = big - small;
        if (!m)
            return fpu_cancel_zero(fmt, rm);
    }
    return fpu_round_pack(fmt, bsign, bexp, m, rm, fflags);
}

uint64_t fpu_soft_fma(int fmt, uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
    struct fpu_num x = fpu_unpack(fmt, a), y = fpu_unpack(fmt, b), z = fpu_unpack(fmt, c);
    int psign = x.sign ^ y.sign;
    if (x.cls == FPU_SNAN || y.cls == FPU_SNAN || z.cls == FPU_SNAN)
        *fflags |= RV_NV;
    /* RISC-V: inf * 0 is invalid even when the addend is a quiet NaN. */
    if ((x.cls == FPU_INF && y.cls == FPU_ZERO) || (x.cls == FPU_ZERO && y.cls == FPU_INF))
        return invalid(fmt, fflags);
    if (is_nan(&x) || is_nan(&y) || is_nan(&z))
        return fpu_canon_nan(fmt);
    if (x.cls == FPU_INF || y.cls == FPU_INF) {
        if (z.cls == FPU_INF && z.sign != psign)
            return invalid(fmt, fflags); /* inf - inf */
        return fpu_inf(fmt, psign);
    }
    if (z.cls == FPU_INF)
        return c;
    if (x.cls == FPU_ZERO || y.cls == FPU_ZERO) {
        if (z.cls != FPU_ZERO || z.sign == psign)
            return c;
        return fpu_cancel_zero(fmt, rm); /* +0 + -0 */
    }
    fpu_u128 prod = (fpu_u128)x.sig * y.sig;
    if (z.cls == FPU_ZERO)
        return fpu_round_pack(fmt, psign, x.exp + y.exp, prod, rm, fflags);
    return fma_finite(fmt, psign, x.exp + y.exp, prod, &z, rm, fflags);
}
