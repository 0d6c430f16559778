/* The wire format shared by the RISC-V oracle (oracle.c, built for riscv64)
 * and the host side (test_fpu_diff.c): one record per operation in, one
 * result per record out, both little-endian and naturally aligned. */
#ifndef FPU_OPS_H
#define FPU_OPS_H

#include <stdint.h>

/* X(name, mnemonic, shape, fmt). Shapes: F = FP register, X = integer
 * register; result first, then the operands (FFF = fd, fs1, fs2). */
#define FPU_OPS(X)                                                                             \
    X(FADD_S, "fadd.s", FFF, 0)                                                                \
    X(FSUB_S, "fsub.s", FFF, 0)                                                                \
    X(FMUL_S, "fmul.s", FFF, 0)                                                                \
    X(FDIV_S, "fdiv.s", FFF, 0)                                                                \
    X(FSQRT_S, "fsqrt.s", FF, 0)                                                               \
    X(FMADD_S, "fmadd.s", FFFF, 0)                                                             \
    X(FMSUB_S, "fmsub.s", FFFF, 0)                                                             \
    X(FNMSUB_S, "fnmsub.s", FFFF, 0)                                                           \
    X(FNMADD_S, "fnmadd.s", FFFF, 0)                                                           \
    X(FSGNJ_S, "fsgnj.s", FFF, 0)                                                              \
    X(FSGNJN_S, "fsgnjn.s", FFF, 0)                                                            \
    X(FSGNJX_S, "fsgnjx.s", FFF, 0)                                                            \
    X(FMIN_S, "fmin.s", FFF, 0)                                                                \
    X(FMAX_S, "fmax.s", FFF, 0)                                                                \
    X(FEQ_S, "feq.s", XFF, 0)                                                                  \
    X(FLT_S, "flt.s", XFF, 0)                                                                  \
    X(FLE_S, "fle.s", XFF, 0)                                                                  \
    X(FCLASS_S, "fclass.s", XF, 0)                                                             \
    X(FCVT_W_S, "fcvt.w.s", XF, 0)                                                             \
    X(FCVT_WU_S, "fcvt.wu.s", XF, 0)                                                           \
    X(FCVT_L_S, "fcvt.l.s", XF, 0)                                                             \
    X(FCVT_LU_S, "fcvt.lu.s", XF, 0)                                                           \
    X(FCVT_S_W, "fcvt.s.w", FX, 0)                                                             \
    X(FCVT_S_WU, "fcvt.s.wu", FX, 0)                                                           \
    X(FCVT_S_L, "fcvt.s.l", FX, 0)                                                             \
    X(FCVT_S_LU, "fcvt.s.lu", FX, 0)                                                           \
    X(FCVT_S_D, "fcvt.s.d", FF, 1)                                                             \
    X(FADD_D, "fadd.d", FFF, 1)                                                                \
    X(FSUB_D, "fsub.d", FFF, 1)                                                                \
    X(FMUL_D, "fmul.d", FFF, 1)                                                                \
    X(FDIV_D, "fdiv.d", FFF, 1)                                                                \
    X(FSQRT_D, "fsqrt.d", FF, 1)                                                               \
    X(FMADD_D, "fmadd.d", FFFF, 1)                                                             \
    X(FMSUB_D, "fmsub.d", FFFF, 1)                                                             \
    X(FNMSUB_D, "fnmsub.d", FFFF, 1)                                                           \
    X(FNMADD_D, "fnmadd.d", FFFF, 1)                                                           \
    X(FSGNJ_D, "fsgnj.d", FFF, 1)                                                              \
    X(FSGNJN_D, "fsgnjn.d", FFF, 1)                                                            \
    X(FSGNJX_D, "fsgnjx.d", FFF, 1)                                                            \
    X(FMIN_D, "fmin.d", FFF, 1)                                                                \
    X(FMAX_D, "fmax.d", FFF, 1)                                                                \
    X(FEQ_D, "feq.d", XFF, 1)                                                                  \
    X(FLT_D, "flt.d", XFF, 1)                                                                  \
    X(FLE_D, "fle.d", XFF, 1)                                                                  \
    X(FCLASS_D, "fclass.d", XF, 1)                                                             \
    X(FCVT_W_D, "fcvt.w.d", XF, 1)                                                             \
    X(FCVT_WU_D, "fcvt.wu.d", XF, 1)                                                           \
    X(FCVT_L_D, "fcvt.l.d", XF, 1)                                                             \
    X(FCVT_LU_D, "fcvt.lu.d", XF, 1)                                                           \
    X(FCVT_D_W, "fcvt.d.w", FX, 1)                                                             \
    X(FCVT_D_WU, "fcvt.d.wu", FX, 1)                                                           \
    X(FCVT_D_L, "fcvt.d.l", FX, 1)                                                             \
    X(FCVT_D_LU, "fcvt.d.lu", FX, 1)                                                           \
    X(FCVT_D_S, "fcvt.d.s", FF, 0)                                                             \
    X(FADD_H, "fadd.h", FFF, 2)                                                                \
    X(FSUB_H, "fsub.h", FFF, 2)                                                                \
    X(FMUL_H, "fmul.h", FFF, 2)                                                                \
    X(FDIV_H, "fdiv.h", FFF, 2)                                                                \
    X(FSQRT_H, "fsqrt.h", FF, 2)                                                               \
    X(FMADD_H, "fmadd.h", FFFF, 2)                                                             \
    X(FMSUB_H, "fmsub.h", FFFF, 2)                                                             \
    X(FNMSUB_H, "fnmsub.h", FFFF, 2)                                                           \
    X(FNMADD_H, "fnmadd.h", FFFF, 2)                                                           \
    X(FSGNJ_H, "fsgnj.h", FFF, 2)                                                              \
    X(FSGNJN_H, "fsgnjn.h", FFF, 2)                                                            \
    X(FSGNJX_H, "fsgnjx.h", FFF, 2)                                                            \
    X(FMIN_H, "fmin.h", FFF, 2)                                                                \
    X(FMAX_H, "fmax.h", FFF, 2)                                                                \
    X(FEQ_H, "feq.h", XFF, 2)                                                                  \
    X(FLT_H, "flt.h", XFF, 2)                                                                  \
    X(FLE_H, "fle.h", XFF, 2)                                                                  \
    X(FCLASS_H, "fclass.h", XF, 2)                                                             \
    X(FCVT_W_H, "fcvt.w.h", XF, 2)                                                             \
    X(FCVT_WU_H, "fcvt.wu.h", XF, 2)                                                           \
    X(FCVT_L_H, "fcvt.l.h", XF, 2)                                                             \
    X(FCVT_LU_H, "fcvt.lu.h", XF, 2)                                                           \
    X(FCVT_H_W, "fcvt.h.w", FX, 2)                                                             \
    X(FCVT_H_WU, "fcvt.h.wu", FX, 2)                                                           \
    X(FCVT_H_L, "fcvt.h.l", FX, 2)                                                             \
    X(FCVT_H_LU, "fcvt.h.lu", FX, 2)                                                           \
    X(FCVT_S_H, "fcvt.s.h", FF, 2)                                                             \
    X(FCVT_H_S, "fcvt.h.s", FF, 0)                                                             \
    X(FCVT_D_H, "fcvt.d.h", FF, 2)                                                             \
    X(FCVT_H_D, "fcvt.h.d", FF, 1)

/* fmt above is the format of the FP operands (FCVT.S.D reads a double):
 * 0 single, 1 double, 2 half (Zfh: the oracle runs with Zfh on). */

enum fpu_op {
#define FPU_OP_ENUM(name, mnemonic, shape, fmt) OP_##name,
    FPU_OPS(FPU_OP_ENUM)
#undef FPU_OP_ENUM
    OP_COUNT
};

struct fpu_rec {
    uint32_t op; /* enum fpu_op */
    uint32_t rm; /* 0..4, loaded into frm; the instruction uses DYN */
    uint64_t a, b, c;
};

struct fpu_res {
    uint64_t value; /* FP results as the full 64-bit register (NaN-boxed) */
    uint64_t fflags;
};

#endif
