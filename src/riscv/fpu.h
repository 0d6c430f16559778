/* RISC-V F and D arithmetic with exact IEEE-754 results and flags.
 *
 * Registers are passed raw as 64-bit values. Single-precision operands are
 * unboxed here: a value whose upper 32 bits are not all ones reads as the
 * canonical NaN. Single-precision results come back NaN-boxed. NaN results
 * are always the canonical NaN (0x7fc00000 / 0x7ff8000000000000).
 *
 * rm is a static rounding mode 0..4 (RNE, RTZ, RDN, RUP, RMM): the caller
 * resolves DYN (7) from frm and raises illegal instruction for 5, 6 and for
 * an invalid frm. Exceptions raised are OR-ed into *fflags. */
#ifndef VM_RISCV_FPU_H
#define VM_RISCV_FPU_H

#include <stdint.h>

enum rv_rm { RV_RNE = 0, RV_RTZ = 1, RV_RDN = 2, RV_RUP = 3, RV_RMM = 4, RV_DYN = 7 };
enum rv_fflag { RV_NX = 1, RV_UF = 2, RV_OF = 4, RV_DZ = 8, RV_NV = 16 };

/* fmt: 0 = single (S), 1 = double (D) */
enum rv_ffmt { RV_FS = 0, RV_FD = 1 };

uint64_t rv_fadd(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fsub(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fmul(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fdiv(int fmt, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t rv_fsqrt(int fmt, uint64_t a, int rm, uint32_t *fflags);
/* a*b+c with one rounding; negate_product / negate_addend select
 * FMADD (0,0), FMSUB (0,1), FNMSUB (1,0), FNMADD (1,1). */
uint64_t rv_fma(int fmt, uint64_t a, uint64_t b, uint64_t c, int negate_product,
                int negate_addend, int rm, uint32_t *fflags);
/* FSGNJ (op 0), FSGNJN (1), FSGNJX (2): no flags, no canonicalisation
 * except the unboxing rule above. */
uint64_t rv_fsgnj(int fmt, uint64_t a, uint64_t b, int op);
/* FMIN (is_max 0) / FMAX (1): 2019+ semantics (-0 < +0, one NaN returns the
 * other operand, signalling NaN raises NV). */
uint64_t rv_fminmax(int fmt, uint64_t a, uint64_t b, int is_max, uint32_t *fflags);
/* FEQ (op 2), FLT (op 1), FLE (op 0) as in funct3; returns 0 or 1. */
uint64_t rv_fcmp(int fmt, uint64_t a, uint64_t b, int op, uint32_t *fflags);
uint64_t rv_fclass(int fmt, uint64_t a);
/* FCVT.{W,WU,L,LU}.fmt: to_type 0=W 1=WU 2=L 3=LU (rs2 field). Saturates
 * out-of-range and NaN inputs as the spec's table says, raising NV; 32-bit
 * results are sign-extended to 64 bits. */
uint64_t rv_fcvt_to_int(int fmt, uint64_t a, int to_type, int rm, uint32_t *fflags);
/* FCVT.fmt.{W,WU,L,LU}: from_type as above; x is the integer register. */
uint64_t rv_fcvt_from_int(int fmt, uint64_t x, int from_type, int rm, uint32_t *fflags);
/* FCVT.S.D (to_fmt S) and FCVT.D.S (to_fmt D). */
uint64_t rv_fcvt_fmt(int to_fmt, uint64_t a, int rm, uint32_t *fflags);

#endif
