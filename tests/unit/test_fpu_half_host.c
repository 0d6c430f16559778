/* binary16 conversions against the host's hardware: x86 F16C converts
 * single -> half in RNE, RDN, RUP and RTZ (vcvtps2ph; no RMM on x86, which
 * tests/fpu checks against QEMU) and half -> single exactly (vcvtph2ps),
 * with IEEE flags in MXCSR. Every half, and singles from every exponent
 * that matters to half (subnormal, overflow and rounding boundaries).
 * Skips (77) without F16C. */
#include <cpuid.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "riscv/fpu.h"

#if defined(__x86_64__)
enum { MX_IE = 1, MX_ZE = 4, MX_OE = 8, MX_UE = 16, MX_PE = 32 };

static uint32_t rv_flags(uint32_t mx)
{
    return (mx & MX_IE ? RV_NV : 0) | (mx & MX_OE ? RV_OF : 0) | (mx & MX_UE ? RV_UF : 0) |
           (mx & MX_PE ? RV_NX : 0);
}

/* One conversion between our MXCSR load (masked, flags clear, DAZ/FTZ
 * off) and the status read. */
#define F16C_ASM(insn, OUTV, INV)                                                                 \
    __asm__ volatile("stmxcsr %[saved]\n\tldmxcsr %[mode]\n\t" insn "\n\t"                     \
                     "stmxcsr %[status]\n\tldmxcsr %[saved]"                                   \
                     : [saved] "=m"(saved), [status] "=m"(status), [out] "=x"(OUTV)                 \
                     : [mode] "m"(mode), [in] "x"(INV))

static uint16_t host_s2h(uint32_t s, int rm, uint32_t *flags)
{
    uint32_t saved, status, mode = 0x1f80;
    float in;
    __builtin_memcpy(&in, &s, 4);
    typedef float v4sf __attribute__((vector_size(16)));
    typedef short v8hi __attribute__((vector_size(16)));
    v4sf vin = {in, 0, 0, 0};
    v8hi vout;
    switch (rm) { /* imm: 0 RNE, 1 down, 2 up, 3 toward zero */
    case RV_RNE: F16C_ASM("vcvtps2ph $0, %[in], %[out]", vout, vin); break;
    case RV_RDN: F16C_ASM("vcvtps2ph $1, %[in], %[out]", vout, vin); break;
    case RV_RUP: F16C_ASM("vcvtps2ph $2, %[in], %[out]", vout, vin); break;
    default: F16C_ASM("vcvtps2ph $3, %[in], %[out]", vout, vin); break;
    }
    *flags = rv_flags(status);
    return (uint16_t)vout[0];
}

static uint32_t host_h2s(uint16_t h, uint32_t *flags)
{
    uint32_t saved, status, mode = 0x1f80, r;
    typedef short v8hi __attribute__((vector_size(16)));
    typedef float v4sf __attribute__((vector_size(16)));
    v8hi vin = {(short)h, 0, 0, 0, 0, 0, 0, 0};
    v4sf vout;
    F16C_ASM("vcvtph2ps %[in], %[out]", vout, vin);
    *flags = rv_flags(status);
    float f = vout[0];
    __builtin_memcpy(&r, &f, 4);
    return r;
}

static int skip_unless_f16c(void **state)
{
    (void)state;
    /* CPUID.1:ECX F16C (bit 29), AVX (28) and OSXSAVE (27): the VEX-encoded
     * conversions need all three. (clang 14 has no "f16c" for
     * __builtin_cpu_supports.) */
    unsigned a, b, c, d, need = 1u << 29 | 1u << 28 | 1u << 27;
    if (!__get_cpuid(1, &a, &b, &c, &d) || (c & need) != need) {
        printf("SKIP: the host has no F16C\n");
        return -1;
    }
    return 0;
}

static void test_half_to_single(void **state)
{
    (void)state;
    for (uint32_t h = 0; h < 0x10000; h++) {
        uint32_t hf, of = 0;
        uint32_t want = host_h2s((uint16_t)h, &hf);
        uint64_t got = rv_fcvt_fmt(RV_FS, RV_FH, 0xffffffffffff0000ull | h, RV_RNE, &of);
        if ((want & 0x7fffffff) > 0x7f800000)
            want = 0x7fc00000; /* RISC-V: the canonical NaN */
        if (got != (0xffffffff00000000ull | want) || of != hf)
            fail_msg("fcvt.s.h 0x%04x: host 0x%08x flags %x, ours 0x%016llx flags %x", h, want,
                     hf, (unsigned long long)got, of);
    }
}

static void check_s2h(uint32_t s)
{
    static const int rms[] = {RV_RNE, RV_RTZ, RV_RDN, RV_RUP};
    for (unsigned i = 0; i < 4; i++) {
        uint32_t hf, of = 0;
        uint16_t want = host_s2h(s, rms[i], &hf);
        uint64_t got = rv_fcvt_fmt(RV_FH, RV_FS, 0xffffffff00000000ull | s, rms[i], &of);
        if ((want & 0x7fff) > 0x7c00)
            want = 0x7e00;
        if (got != (0xffffffffffff0000ull | want) || of != hf)
            fail_msg("fcvt.h.s 0x%08x rm %d: host 0x%04x flags %x, ours 0x%016llx flags %x", s,
                     rms[i], want, hf, (unsigned long long)got, of);
    }
}

static void test_single_to_half(void **state)
{
    (void)state;
    uint64_t x = 0x2545f4914f6cdd1dull;
    /* biased single exponents 127-40 .. 127+17 cover half's subnormals,
     * normals and overflow; every 2^13-th fraction plus the bits that
     * decide rounding to 11 bits, and random fractions */
    for (uint32_t e = 127 - 40; e <= 127 + 17; e++)
        for (uint32_t sign = 0; sign < 2; sign++) {
            for (uint32_t f = 0; f < (1u << 23); f += 1u << 11)
                for (uint32_t low = 0; low < 4; low++)
                    check_s2h(sign << 31 | e << 23 | f | (low & 1) | (low >> 1) << 10);
            for (int i = 0; i < 4096; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                check_s2h(sign << 31 | e << 23 | ((uint32_t)x & 0x7fffff));
            }
        }
    static const uint32_t special[] = {0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000,
                                       0x7f800001, 0xffc00001, 0x00000001, 0x7f7fffff,
                                       0x477fe000, 0x477fefff, 0x477ff000, 0x33800000,
                                       0x33800001, 0x337fffff, 0x38800000, 0x387fe000};
    for (unsigned i = 0; i < sizeof(special) / sizeof(special[0]); i++)
        check_s2h(special[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_half_to_single),
        cmocka_unit_test(test_single_to_half),
    };
    if (skip_unless_f16c(NULL) < 0)
        return 77;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    printf("SKIP: needs an x86-64 host with F16C\n");
    return 77;
}
#endif
