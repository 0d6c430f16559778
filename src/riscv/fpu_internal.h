/* Private to the FPU: format constants, unpacking, the software rounding
 * core and the host fast path. Values handed around here are raw IEEE bit
 * patterns; single precision is already unboxed (low 32 bits) and not yet
 * re-boxed. */
#ifndef VM_RISCV_FPU_INTERNAL_H
#define VM_RISCV_FPU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "riscv/fpu.h"

typedef unsigned __int128 fpu_u128;

/* --- format constants (fmt is RV_FS, RV_FD or RV_FH) --- */

static inline int fpu_frac_bits(int fmt) { return fmt == RV_FD ? 52 : fmt == RV_FS ? 23 : 10; }
static inline int fpu_bias(int fmt) { return fmt == RV_FD ? 1023 : fmt == RV_FS ? 127 : 15; }
static inline int fpu_width(int fmt) { return fmt == RV_FD ? 64 : fmt == RV_FS ? 32 : 16; }
static inline uint64_t fpu_exp_max(int fmt) { return fmt == RV_FD ? 0x7ff : fmt == RV_FS ? 0xff : 0x1f; }
static inline uint64_t fpu_sign_bit(int fmt) { return 1ull << (fpu_width(fmt) - 1); }
static inline uint64_t fpu_canon_nan(int fmt)
{
    return fmt == RV_FD ? 0x7ff8000000000000ull : fmt == RV_FS ? 0x7fc00000ull : 0x7e00ull;
}
static inline uint64_t fpu_inf(int fmt, int sign)
{
    return (sign ? fpu_sign_bit(fmt) : 0) | fpu_exp_max(fmt) << fpu_frac_bits(fmt);
}
static inline uint64_t fpu_zero(int fmt, int sign) { return sign ? fpu_sign_bit(fmt) : 0; }

/* --- NaN boxing: a narrower value sits under all-ones upper bits --- */

static inline uint64_t fpu_box_bits(int fmt) { return fmt == RV_FD ? 0 : ~0ull << fpu_width(fmt); }
static inline uint64_t fpu_unbox(int fmt, uint64_t x)
{
    if (fmt == RV_FD)
        return x;
    return (x & fpu_box_bits(fmt)) == fpu_box_bits(fmt) ? x & ~fpu_box_bits(fmt)
                                                        : fpu_canon_nan(fmt);
}
static inline uint64_t fpu_box(int fmt, uint64_t x) { return x | fpu_box_bits(fmt); }

/* --- classification of raw (unboxed) bits --- */

static inline uint64_t fpu_abs(int fmt, uint64_t x) { return x & (fpu_sign_bit(fmt) - 1); }
static inline bool fpu_is_nan(int fmt, uint64_t x)
{
    return fpu_abs(fmt, x) > fpu_inf(fmt, 0);
}
/* A NaN with the quiet bit (top fraction bit) clear. */
static inline bool fpu_is_snan(int fmt, uint64_t x)
{
    return fpu_is_nan(fmt, x) && !(x >> (fpu_frac_bits(fmt) - 1) & 1);
}
/* Infinity or NaN: the all-ones exponent. */
static inline bool fpu_is_inf_or_nan(int fmt, uint64_t x)
{
    return fpu_abs(fmt, x) >= fpu_inf(fmt, 0);
}

enum fpu_class { FPU_ZERO, FPU_FINITE, FPU_INF, FPU_QNAN, FPU_SNAN };

/* A number split up. For FPU_FINITE the value is (-1)^sign * sig * 2^exp
 * with sig normalised to [2^frac_bits, 2^(frac_bits+1)), subnormals too. */
struct fpu_num {
    int cls;
    int sign;
    int exp;
    uint64_t sig;
};

static inline struct fpu_num fpu_unpack(int fmt, uint64_t x)
{
    const int fb = fpu_frac_bits(fmt), bias = fpu_bias(fmt);
    const uint64_t frac = x & ((1ull << fb) - 1);
    const uint64_t bexp = x >> fb & fpu_exp_max(fmt);
    struct fpu_num n = { .sign = (x & fpu_sign_bit(fmt)) != 0 };

    if (bexp == fpu_exp_max(fmt)) {
        n.cls = !frac ? FPU_INF : (frac >> (fb - 1)) ? FPU_QNAN : FPU_SNAN;
    } else if (bexp == 0 && frac == 0) {
        n.cls = FPU_ZERO;
    } else if (bexp == 0) {
        /* Subnormal: move the leading one up to the hidden bit's place so
         * that every finite number has the same significand width. */
        int sh = __builtin_clzll(frac) - (63 - fb);
        n.cls = FPU_FINITE;
        n.sig = frac << sh;
        n.exp = 1 - bias - fb - sh;
    } else {
        n.cls = FPU_FINITE;
        n.sig = frac | 1ull << fb;
        n.exp = (int)bexp - bias - fb;
    }
    return n;
}

/* --- software core (fpu_round.c, fpu_soft.c) --- */

static inline int fpu_clz128(fpu_u128 m) /* m != 0 */
{
    uint64_t hi = (uint64_t)(m >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)m);
}

/* Shift right, OR-ing every bit shifted out into bit 0 (the "sticky" bit):
 * that they were not all zero is all a later rounding needs to know. */
static inline uint64_t fpu_jam64(uint64_t x, int n)
{
    if (n >= 64)
        return x != 0;
    return x >> n | ((x & ((1ull << n) - 1)) != 0);
}

static inline fpu_u128 fpu_jam128(fpu_u128 x, int n)
{
    if (n >= 128)
        return x != 0;
    return x >> n | ((x & (((fpu_u128)1 << n) - 1)) != 0);
}

/* Round (-1)^sign * m * 2^exp (m != 0) to fmt with rm, raising NX, UF
 * (tininess after rounding) and OF as needed. Returns raw unboxed bits. */
uint64_t fpu_round_pack(int fmt, int sign, int exp, fpu_u128 m, int rm, uint32_t *fflags);

/* The signed zero an exact cancellation (x - x) produces. */
static inline uint64_t fpu_cancel_zero(int fmt, int rm) { return fpu_zero(fmt, rm == RV_RDN); }

uint64_t fpu_soft_add(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_soft_mul(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_soft_div(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_soft_sqrt(int fmt, uint64_t a, int rm, uint32_t *fflags);
/* a*b+c, all signs already applied by the caller. */
uint64_t fpu_soft_fma(int fmt, uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);

/* --- host fast path (fpu_host.c) --- */

enum fpu_host_op { FPU_HOST_ADD, FPU_HOST_MUL, FPU_HOST_DIV, FPU_HOST_SQRT, FPU_HOST_FMA };

/* Computes op (a op b, sqrt a, or a*b+c) on the host FPU when it gives
 * the RISC-V result and flags exactly; returns false, touching nothing,
 * when the caller must use the software path (always for RMM). */
bool fpu_host(int fmt, int op, uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *result,
              uint32_t *fflags);

/* Tests switch the host path off to exercise the software one; a process-
 * wide switch, read without synchronisation (set it before any threads). */
extern bool fpu_host_enabled;

#endif
