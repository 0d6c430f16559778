/* RISC-V F, D and Zfh arithmetic with exact IEEE-754 results and flags.
 *
 * Registers are passed raw as 64-bit values. Single- and half-precision
 * operands are unboxed here: a value whose upper 32 (48) bits are not all
 * ones reads as the canonical NaN. Narrow results come back NaN-boxed. NaN
 * results are always the canonical NaN (0x7e00 / 0x7fc00000 /
 * 0x7ff8000000000000).
 *
 * rm is a static rounding mode 0..4 (RNE, RTZ, RDN, RUP, RMM): the caller
 * resolves DYN (7) from frm and raises illegal instruction for 5, 6 and for
 * an invalid frm. Exceptions raised are OR-ed into *fflags. */
#ifndef VM_RISCV_FPU_H
#define VM_RISCV_FPU_H

#include <stdint.h>

enum rv_rm { RV_RNE = 0, RV_RTZ = 1, RV_RDN = 2, RV_RUP = 3, RV_RMM = 4, RV_DYN = 7 };
enum rv_fflag { RV_NX = 1, RV_UF = 2, RV_OF = 4, RV_DZ = 8, RV_NV = 16 };

/* fmt: 0 = single (S), 1 = double (D), 2 = half (H), as the fmt field */
enum rv_ffmt { RV_FS = 0, RV_FD = 1, RV_FH = 2 };

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
/* FMIN (op 0) / FMAX (1): 2019+ semantics (-0 < +0, one NaN returns the
 * other operand, signalling NaN raises NV); FMINM (2) / FMAXM (3) (Zfa):
 * the same but any NaN operand gives the canonical NaN. */
uint64_t rv_fminmax(int fmt, uint64_t a, uint64_t b, int op, uint32_t *fflags);
/* FEQ (op 2), FLT (op 1), FLE (op 0) as in funct3, and Zfa's quiet FLEQ
 * (4) and FLTQ (5); returns 0 or 1. */
uint64_t rv_fcmp(int fmt, uint64_t a, uint64_t b, int op, uint32_t *fflags);
uint64_t rv_fclass(int fmt, uint64_t a);
/* FCVT.{W,WU,L,LU}.fmt: to_type 0=W 1=WU 2=L 3=LU (rs2 field). Saturates
 * out-of-range and NaN inputs as the spec's table says, raising NV; 32-bit
 * results are sign-extended to 64 bits. */
uint64_t rv_fcvt_to_int(int fmt, uint64_t a, int to_type, int rm, uint32_t *fflags);
/* FCVT.fmt.{W,WU,L,LU}: from_type as above; x is the integer register. */
uint64_t rv_fcvt_from_int(int fmt, uint64_t x, int from_type, int rm, uint32_t *fflags);
/* FCVT.to_fmt.from_fmt between S, D and H. */
uint64_t rv_fcvt_fmt(int to_fmt, int from_fmt, uint64_t a, int rm, uint32_t *fflags);
/* Zfa: FROUND (exact 0) and FROUNDNX (exact 1, raises NX when the value
 * changes): round to an integer in the same format. */
uint64_t rv_fround(int fmt, uint64_t a, int exact, int rm, uint32_t *fflags);
/* Zfa: FCVTMOD.W.D, truncation modulo 2^32, sign-extended; flags as FCVT.W.D. */
uint64_t rv_fcvtmod_w_d(uint64_t a, uint32_t *fflags);
/* Zfa: FLI, constant `index` (0..31) of fmt, boxed. */
uint64_t rv_fli(int fmt, unsigned index);

#endif
