/* The fast path: x86-64 SSE computes add, sub, mul, div and sqrt (and fma
 * where the CPU has FMA3) exactly as IEEE-754 says in RNE, RTZ, RDN and
 * RUP, and its status flags map one to one onto fflags. Each operation
 * runs in one asm block that loads an MXCSR of our own (all exceptions
 * masked, DAZ/FTZ off, flags clear, our rounding mode), reads the flags
 * and restores the caller's MXCSR, so the compiler cannot move host FP
 * work into the window and other code never sees our mode. MXCSR is
 * per thread, so harts on different threads do not interfere.
 *
 * Where x86 and RISC-V differ the software path takes over: RMM (x86 has
 * no such mode), NaN results (x86 propagates payloads; we canonicalise
 * them here since the flags agree), and fma with a NaN or infinite operand
 * (RISC-V raises NV for inf*0+qNaN). x86 detects tininess after rounding
 * like RISC-V; the only result where before/after detection could differ
 * is an inexact smallest normal, which we hand to software rather than
 * trust every host CPU's reading of that rule.
 *
 * Loading MXCSR stalls until the FP operations before it are done, so the
 * two loads around each operation made F/D code in the interpreter run at
 * the latency of a pipeline drain. Most FP programs round something at
 * once and never clear fflags, and once NX is set only a result out of
 * the normal range can raise another flag: so in RNE with NX set, the
 * operation runs in the thread's own MXCSR (if that is the default RNE,
 * masked, no DAZ/FTZ) and its result alone decides (the JIT's argument,
 * docs/JIT.md "F/D arithmetic"). With NX clear (exact arithmetic, e.g. on
 * small integers) it runs there too, with the thread's flags cleared
 * first when any is set, and they are then the operation's own. */
#include "riscv/fpu_internal.h"

#include <string.h>

bool fpu_host_enabled = true;

#if defined(__x86_64__) && defined(__SSE2__)

enum { MX_IE = 1, MX_ZE = 4, MX_OE = 8, MX_UE = 16, MX_PE = 32, MX_FLAGS = 0x3f };

/* MXCSR images: exceptions masked (bits 7-12), rounding control (13-14). */
static const uint32_t mxcsr_for_rm[4] = {
    [RV_RNE] = 0x1f80,
    [RV_RTZ] = 0x1f80 | 3u << 13,
    [RV_RDN] = 0x1f80 | 1u << 13,
    [RV_RUP] = 0x1f80 | 2u << 13,
};

/* One instruction between our MXCSR load and the status read; or, plain,
 * the instruction alone in the thread's MXCSR (no status). */
#define HOST_ASM(insn, ...)                                                                    \
    do {                                                                                       \
        if (plain)                                                                             \
            __asm__ volatile(insn : __VA_ARGS__);                                              \
        else                                                                                   \
            __asm__ volatile("stmxcsr %[saved]\n\t"                                            \
                             "ldmxcsr %[mode]\n\t" insn "\n\t"                                 \
                             "stmxcsr %[status]\n\t"                                           \
                             "ldmxcsr %[saved]"                                                \
                             : [saved] "=m"(saved), [status] "=m"(status), __VA_ARGS__);       \
    } while (0)

static float f32(uint64_t x)
{
    uint32_t u = (uint32_t)x;
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

static double f64(uint64_t x)
{
    double d;
    memcpy(&d, &x, sizeof(d));
    return d;
}

static uint64_t bits32(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

static uint64_t bits64(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    return u;
}

static uint32_t run_s(int op, uint64_t a, uint64_t b, uint64_t c, uint32_t mode, bool plain,
                     uint64_t *r)
{
    uint32_t saved, status = 0;
    float x = f32(a), y = f32(b), z = f32(c);
    switch (op) {
    case FPU_HOST_ADD:
        HOST_ASM("addss %[y], %[x]", [x] "+x"(x) : [y] "x"(y), [mode] "m"(mode));
        break;
    case FPU_HOST_MUL:
        HOST_ASM("mulss %[y], %[x]", [x] "+x"(x) : [y] "x"(y), [mode] "m"(mode));
        break;
    case FPU_HOST_DIV:
        HOST_ASM("divss %[y], %[x]", [x] "+x"(x) : [y] "x"(y), [mode] "m"(mode));
        break;
    case FPU_HOST_SQRT:
        HOST_ASM("sqrtss %[x], %[x]", [x] "+x"(x) : [mode] "m"(mode));
        break;
    default: /* z = x*y + z */
        HOST_ASM("vfmadd231ss %[y], %[x], %[z]", [z] "+x"(z) : [x] "x"(x), [y] "x"(y),
                 [mode] "m"(mode));
        x = z;
        break;
    }
    *r = bits32(x);
    return status;
}

static uint32_t run_d(int op, uint64_t a, uint64_t b, uint64_t c, uint32_t mode, bool plain,
                     uint64_t *r)
{
    uint32_t saved, status = 0;
    double x = f64(a), y = f64(b), z = f64(c);
    switch (op) {
    case FPU_HOST_ADD:
        HOST_ASM("addsd %[y], %[x]", [x] "+x"(x) : [y] "x"(y), [mode] "m"(mode));
        break;
    case FPU_HOST_MUL:
        HOST_ASM("mulsd %[y], %[x]", [x] "+x"(x) : [y] "x"(y), [mode] "m"(mode));
        break;
    case FPU_HOST_DIV:
        HOST_ASM("divsd %[y], %[x]", [x] "+x"(x) : [y] "x"(y), [mode] "m"(mode));
        break;
    case FPU_HOST_SQRT:
        HOST_ASM("sqrtsd %[x], %[x]", [x] "+x"(x) : [mode] "m"(mode));
        break;
    default:
        HOST_ASM("vfmadd231sd %[y], %[x], %[z]", [z] "+x"(z) : [x] "x"(x), [y] "x"(y),
                 [mode] "m"(mode));
        x = z;
        break;
    }
    *r = bits64(x);
    return status;
}

static uint32_t rv_flags(uint32_t status)
{
    return (status & MX_IE ? RV_NV : 0) | (status & MX_ZE ? RV_DZ : 0) |
           (status & MX_OE ? RV_OF : 0) | (status & MX_UE ? RV_UF : 0) |
           (status & MX_PE ? RV_NX : 0);
}

/* The thread's own MXCSR: where it is the process default (RNE, every
 * exception masked, no DAZ/FTZ; 0x1f80 but for the flags) RNE operations
 * run in it. */
static uint32_t thread_mxcsr(void)
{
    uint32_t m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}

static void set_thread_mxcsr(uint32_t m)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}

static bool have_fma3(void)
{
    /* libgcc fills this in from CPUID before main; reading it is cheap. */
    return __builtin_cpu_supports("fma");
}

bool fpu_host(int fmt, int op, uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *result,
              uint32_t *fflags)
{
    if ((unsigned)rm > RV_RUP || !fpu_host_enabled || fmt == RV_FH)
        return false; /* x86 has no binary16 arithmetic */
    if (op == FPU_HOST_FMA && (!have_fma3() || fpu_is_inf_or_nan(fmt, a) ||
                               fpu_is_inf_or_nan(fmt, b) || fpu_is_inf_or_nan(fmt, c)))
        return false;
    uint64_t r;
    uint32_t m = thread_mxcsr();
    bool plain = rm == RV_RNE && (m & ~MX_FLAGS) == 0x1f80;
    bool nx_set = *fflags & RV_NX;
    if (plain && !nx_set && (m & MX_FLAGS)) /* rare: once per run of exact operations */
        set_thread_mxcsr(m & ~MX_FLAGS);
    uint32_t status = fmt == RV_FD ? run_d(op, a, b, c, mxcsr_for_rm[rm], plain, &r)
                                   : run_s(op, a, b, c, mxcsr_for_rm[rm], plain, &r);
    if (plain && !nx_set) /* its flags were clear: now they are this operation's */
        status = thread_mxcsr();
    uint64_t min_normal = 1ull << fpu_frac_bits(fmt);
    if (plain && nx_set) {
        /* NX is set already. A finite sum or square root raised nothing
         * else (tiny sums are exact; NaN and overflow are not finite); a
         * product, quotient or fma did not if its result is normal (zero,
         * subnormal and the smallest normal go to the other path). */
        uint64_t mag = fpu_abs(fmt, r);
        bool finite = mag < fpu_inf(fmt, 0);
        bool ok = op == FPU_HOST_ADD || op == FPU_HOST_SQRT ? finite
                                                             : finite && mag > min_normal;
        if (!ok)
            return false;
        *result = r;
        return true;
    }
    if (fpu_abs(fmt, r) == min_normal && (status & MX_PE))
        return false;
    if (fpu_is_nan(fmt, r))
        r = fpu_canon_nan(fmt);
    *result = r;
    *fflags |= rv_flags(status);
    return true;
}

#else

bool fpu_host(int fmt, int op, uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *result,
              uint32_t *fflags)
{
    return false;
}

#endif
