/* The decoded operations of the hart. One list drives the decoder's enum,
 * the interpreter's dispatch table and the op names used by tests.
 *
 * Three groups, by how the interpreter runs them:
 *   RV_OPS_INLINE  a handler label each in the interpreter loop
 *   RV_OPS_FP      F/D arithmetic: one out-of-line function (fp.c)
 *   RV_OPS_SYSTEM  CSR access, traps, xRET, fences of translation or code:
 *                  out of line (system.c), then back to the outer loop */
#ifndef VM_RISCV_OPS_H
#define VM_RISCV_OPS_H

#define RV_OPS_INLINE(X)                                                              \
    X(ILLEGAL)                                                                        \
    X(LUI) X(AUIPC) X(JAL) X(JALR)                                                    \
    X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU)                                       \
    X(LB) X(LH) X(LW) X(LD) X(LBU) X(LHU) X(LWU)                                      \
    X(SB) X(SH) X(SW) X(SD)                                                           \
    X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) X(SLLI) X(SRLI) X(SRAI)           \
    X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR) X(AND)             \
    X(ADDIW) X(SLLIW) X(SRLIW) X(SRAIW) X(ADDW) X(SUBW) X(SLLW) X(SRLW) X(SRAW)       \
    X(FENCE)                                                                          \
    X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU)                   \
    X(MULW) X(DIVW) X(DIVUW) X(REMW) X(REMUW)                                         \
    X(LR_W) X(SC_W) X(AMOSWAP_W) X(AMOADD_W) X(AMOXOR_W) X(AMOAND_W) X(AMOOR_W)       \
    X(AMOMIN_W) X(AMOMAX_W) X(AMOMINU_W) X(AMOMAXU_W)                                 \
    X(LR_D) X(SC_D) X(AMOSWAP_D) X(AMOADD_D) X(AMOXOR_D) X(AMOAND_D) X(AMOOR_D)       \
    X(AMOMIN_D) X(AMOMAX_D) X(AMOMINU_D) X(AMOMAXU_D)                                 \
    X(FLW) X(FLD) X(FSW) X(FSD)                                                       \
    X(ADD_UW) X(SH1ADD) X(SH2ADD) X(SH3ADD) X(SH1ADD_UW) X(SH2ADD_UW) X(SH3ADD_UW)    \
    X(SLLI_UW)                                                                        \
    X(ANDN) X(ORN) X(XNOR) X(CLZ) X(CLZW) X(CTZ) X(CTZW) X(CPOP) X(CPOPW)             \
    X(MAX) X(MAXU) X(MIN) X(MINU) X(SEXT_B) X(SEXT_H) X(ZEXT_H)                       \
    X(ROL) X(ROLW) X(ROR) X(RORW) X(RORI) X(RORIW) X(ORC_B) X(REV8)                   \
    X(BCLR) X(BCLRI) X(BEXT) X(BEXTI) X(BINV) X(BINVI) X(BSET) X(BSETI)               \
    X(CLMUL) X(CLMULH) X(CLMULR)                                                      \
    X(PACK) X(PACKH) X(PACKW) X(BREV8) X(XPERM4) X(XPERM8)                            \
    X(AES64ES) X(AES64ESM) X(AES64DS) X(AES64DSM) X(AES64IM)                          \
    X(AES64KS1I)  /* imm: rnum */                                                     \
    X(AES64KS2)                                                                       \
    X(SHA256SIG0) X(SHA256SIG1) X(SHA256SUM0) X(SHA256SUM1)                           \
    X(SHA512SIG0) X(SHA512SIG1) X(SHA512SUM0) X(SHA512SUM1)                           \
    X(SM4ED) X(SM4KS) /* imm: bs */                                                   \
    X(SM3P0) X(SM3P1)                                                                 \
    X(CZERO_EQZ) X(CZERO_NEZ)                                                         \
    X(FLH) X(FSH)                                                                     \
    X(CBO_ZERO)   /* Zicboz */                                                        \
    X(CBO_MGMT)   /* Zicbom; imm: 0 cbo.inval, 1 cbo.clean, 2 cbo.flush */

/* fmt (S/D/H), rm, rs3 and the variant travel in the decoded fields. */
#define RV_OPS_FP(X)                                                                  \
    X(FADD) X(FSUB) X(FMUL) X(FDIV) X(FSQRT)                                          \
    X(FSGNJ)      /* sub: 0 J, 1 JN, 2 JX */                                          \
    X(FMINMAX)    /* sub: 0 min, 1 max, 2 minm, 3 maxm (Zfa) */                       \
    X(FCVT_TO_INT)   /* sub: 0 W, 1 WU, 2 L, 3 LU */                                  \
    X(FCVT_FROM_INT) /* sub as above */                                               \
    X(FCVT_FMT)   /* fmt is the destination format, sub the source */                 \
    X(FMV_X_F)    /* FMV.X.W / FMV.X.D */                                             \
    X(FMV_F_X)    /* FMV.W.X / FMV.D.X */                                             \
    X(FCMP)       /* sub: 2 EQ, 1 LT, 0 LE, 4 LEQ, 5 LTQ (Zfa: quiet) */              \
    X(FCLASS)                                                                         \
    X(FMA)        /* sub: 0 FMADD, 1 FMSUB, 2 FNMSUB, 3 FNMADD */                     \
    X(FLI)        /* Zfa; rs1 is the constant's index */                              \
    X(FROUND)     /* Zfa; sub: 0 FROUND, 1 FROUNDNX */                                \
    X(FCVTMOD)    /* Zfa: FCVTMOD.W.D */

#define RV_OPS_SYSTEM(X)                                                              \
    X(CSRRW) X(CSRRS) X(CSRRC) X(CSRRWI) X(CSRRSI) X(CSRRCI)                          \
    X(ECALL) X(EBREAK) X(MRET) X(SRET) X(WFI) X(SFENCE_VMA) X(FENCE_I)              \
    X(SFENCE_INVAL) /* Svinval: SFENCE.W.INVAL, SFENCE.INVAL.IR */

enum rv_op {
#define RV_OP_ENUM(name) RV_OP_##name,
    RV_OPS_INLINE(RV_OP_ENUM) RV_OPS_FP(RV_OP_ENUM) RV_OPS_SYSTEM(RV_OP_ENUM)
#undef RV_OP_ENUM
    RV_OP_COUNT
};

#define RV_OP_FIRST_FP RV_OP_FADD
#define RV_OP_FIRST_SYSTEM RV_OP_CSRRW
/* Slots pack the op in 8 bits (FP and system groups) and the handler
 * table puts its extra entries at 256. */
_Static_assert(RV_OP_COUNT <= 256, "ops no longer fit the slot packing");

const char *rv_op_name(enum rv_op op);

#endif
