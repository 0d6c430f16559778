/* The rounding F/D arithmetic: unbox, try the host fast path, fall back to
 * software, box. Sign changes (FSUB, FNMADD, ...) are applied to the
 * operands up front: -(a*b) = (-a)*b and a-b = a+(-b) exactly, zeros
 * included, and a NaN's sign does not matter as NaN results are
 * canonical. */
#include "riscv/fpu_internal.h"

static uint64_t add(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    uint64_t r;
    if (!fpu_host(fmt, FPU_HOST_ADD, a, b, 0, rm, &r, fflags))
        r = fpu_soft_add(fmt, a, b, rm, fflags);
    return fpu_box(fmt, r);
}

uint64_t rv_fadd(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    return add(fmt, fpu_unbox(fmt, a), fpu_unbox(fmt, b), rm, fflags);
}

uint64_t rv_fsub(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    return add(fmt, fpu_unbox(fmt, a), fpu_unbox(fmt, b) ^ fpu_sign_bit(fmt), rm, fflags);
}

uint64_t rv_fmul(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    uint64_t r;
    a = fpu_unbox(fmt, a);
    b = fpu_unbox(fmt, b);
    if (!fpu_host(fmt, FPU_HOST_MUL, a, b, 0, rm, &r, fflags))
        r = fpu_soft_mul(fmt, a, b, rm, fflags);
    return fpu_box(fmt, r);
}

uint64_t rv_fdiv(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    uint64_t r;
    a = fpu_unbox(fmt, a);
    b = fpu_unbox(fmt, b);
    if (!fpu_host(fmt, FPU_HOST_DIV, a, b, 0, rm, &r, fflags))
        r = fpu_soft_div(fmt, a, b, rm, fflags);
    return fpu_box(fmt, r);
}

uint64_t rv_fsqrt(int fmt, uint64_t a, int rm, uint32_t *fflags)
{
    uint64_t r;
    a = fpu_unbox(fmt, a);
    if (!fpu_host(fmt, FPU_HOST_SQRT, a, 0, 0, rm, &r, fflags))
        r = fpu_soft_sqrt(fmt, a, rm, fflags);
    return fpu_box(fmt, r);
}

uint64_t rv_fma(int fmt, uint64_t a, uint64_t b, uint64_t c, int negate_product,
                int negate_addend, int rm, uint32_t *fflags)
{
    uint64_t r;
    a = fpu_unbox(fmt, a) ^ (negate_product ? fpu_sign_bit(fmt) : 0);
    b = fpu_unbox(fmt, b);
    c = fpu_unbox(fmt, c) ^ (negate_addend ? fpu_sign_bit(fmt) : 0);
    if (!fpu_host(fmt, FPU_HOST_FMA, a, b, c, rm, &r, fflags))
        r = fpu_soft_fma(fmt, a, b, c, rm, fflags);
    return fpu_box(fmt, r);
}
