/* Instruction decoding for RV64IMAFDC, Zicsr, Zifencei, the privileged
 * instructions and the extensions of isa_ext.h, each only when the hart's
 * extension set has it. Anything not recognised decodes to RV_OP_ILLEGAL:
 * never a silent no-op. */
#include "riscv/decode.h"

#include <string.h>

#include "riscv/isa_ext.h"

/* In the decode functions: is extension X in the hart's set? */
#define HAS(X) rv_isa_has(isa, RV_EXT_##X)
#define ILLEGAL_UNLESS(cond, op) ((cond) ? (op) : RV_OP_ILLEGAL)

static const char *const op_names[RV_OP_COUNT] = {
#define RV_OP_NAME(name) [RV_OP_##name] = #name,
    RV_OPS_INLINE(RV_OP_NAME) RV_OPS_FP(RV_OP_NAME) RV_OPS_SYSTEM(RV_OP_NAME)
#undef RV_OP_NAME
};

const char *rv_op_name(enum rv_op op)
{
    return (unsigned)op < RV_OP_COUNT ? op_names[op] : "?";
}

bool rv_op_writes_x(enum rv_op op)
{
    switch (op) {
    case RV_OP_ILLEGAL:
    case RV_OP_BEQ: case RV_OP_BNE: case RV_OP_BLT: case RV_OP_BGE: case RV_OP_BLTU:
    case RV_OP_BGEU:
    case RV_OP_SB: case RV_OP_SH: case RV_OP_SW: case RV_OP_SD:
    case RV_OP_FENCE:
    case RV_OP_FLW: case RV_OP_FLD: case RV_OP_FSW: case RV_OP_FSD: case RV_OP_FLH: case RV_OP_FSH:
    case RV_OP_FADD: case RV_OP_FSUB: case RV_OP_FMUL: case RV_OP_FDIV: case RV_OP_FSQRT:
    case RV_OP_FSGNJ: case RV_OP_FMINMAX: case RV_OP_FCVT_FROM_INT: case RV_OP_FCVT_FMT:
    case RV_OP_FMV_F_X: case RV_OP_FMA: case RV_OP_FLI: case RV_OP_FROUND:
    case RV_OP_ECALL: case RV_OP_EBREAK: case RV_OP_MRET: case RV_OP_SRET: case RV_OP_WFI:
    case RV_OP_SFENCE_VMA: case RV_OP_FENCE_I: case RV_OP_SFENCE_INVAL:
    case RV_OP_CBO_ZERO: case RV_OP_CBO_MGMT:
        return false;
    default:
        return true;
    }
}

/* ---- field extraction ------------------------------------------------- */

static inline uint32_t bits_of(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int32_t sext(uint32_t v, unsigned width)
{
    unsigned s = 32 - width;
    return (int32_t)(v << s) >> s;
}

static int32_t imm_i(uint32_t b) { return (int32_t)b >> 20; }
static int32_t imm_s(uint32_t b) { return ((int32_t)b >> 25) * 32 + (int32_t)bits_of(b, 11, 7); }
static int32_t imm_u(uint32_t b) { return (int32_t)(b & 0xfffff000u); }

static int32_t imm_b(uint32_t b)
{
    uint32_t v = (bits_of(b, 31, 31) << 12) | (bits_of(b, 7, 7) << 11) |
                 (bits_of(b, 30, 25) << 5) | (bits_of(b, 11, 8) << 1);
    return sext(v, 13);
}

static int32_t imm_j(uint32_t b)
{
    uint32_t v = (bits_of(b, 31, 31) << 20) | (bits_of(b, 19, 12) << 12) |
                 (bits_of(b, 20, 20) << 11) | (bits_of(b, 30, 21) << 1);
    return sext(v, 21);
}

/* ---- 32-bit instructions --------------------------------------------- */

/* OP-IMM funct3 = 1 with a 12-bit function code: Zbb unary ops and the
 * scalar crypto functions of one register. */
static int decode_op_imm_f12(uint32_t f12, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    switch (f12) {
    case 0x600: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_CLZ);
    case 0x601: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_CTZ);
    case 0x602: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_CPOP);
    case 0x604: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_SEXT_B);
    case 0x605: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_SEXT_H);
    case 0x300: return ILLEGAL_UNLESS(HAS(ZKND), RV_OP_AES64IM);
    case 0x100: return ILLEGAL_UNLESS(HAS(ZKNH), RV_OP_SHA256SUM0);
    case 0x101: return ILLEGAL_UNLESS(HAS(ZKNH), RV_OP_SHA256SUM1);
    case 0x102: return ILLEGAL_UNLESS(HAS(ZKNH), RV_OP_SHA256SIG0);
    case 0x103: return ILLEGAL_UNLESS(HAS(ZKNH), RV_OP_SHA256SIG1);
    case 0x104: return ILLEGAL_UNLESS(HAS(ZKNH), RV_OP_SHA512SUM0);
    case 0x105: return ILLEGAL_UNLESS(HAS(ZKNH), RV_OP_SHA512SUM1);
    case 0x106: return ILLEGAL_UNLESS(HAS(ZKNH), RV_OP_SHA512SIG0);
    case 0x107: return ILLEGAL_UNLESS(HAS(ZKNH), RV_OP_SHA512SIG1);
    case 0x108: return ILLEGAL_UNLESS(HAS(ZKSH), RV_OP_SM3P0);
    case 0x109: return ILLEGAL_UNLESS(HAS(ZKSH), RV_OP_SM3P1);
    }
    if ((f12 & 0xff0) == 0x310 && (f12 & 0xf) <= 10) { /* rnum 11..15 are reserved */
        d->imm = (int32_t)(f12 & 0xf);
        return ILLEGAL_UNLESS(HAS(ZKNE) || HAS(ZKND), RV_OP_AES64KS1I);
    }
    return RV_OP_ILLEGAL;
}

static int decode_op_imm(uint32_t b, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    uint32_t f3 = bits_of(b, 14, 12), f6 = bits_of(b, 31, 26), f12 = bits_of(b, 31, 20);
    d->imm = imm_i(b);
    switch (f3) {
    case 0: return RV_OP_ADDI;
    case 2: return RV_OP_SLTI;
    case 3: return RV_OP_SLTIU;
    case 4: return RV_OP_XORI;
    case 6: return RV_OP_ORI;
    case 7: return RV_OP_ANDI;
    case 1:
        d->imm = (int32_t)bits_of(b, 25, 20);
        switch (f6) {
        case 0x00: return RV_OP_SLLI;
        case 0x0a: return ILLEGAL_UNLESS(HAS(ZBS), RV_OP_BSETI);
        case 0x12: return ILLEGAL_UNLESS(HAS(ZBS), RV_OP_BCLRI);
        case 0x1a: return ILLEGAL_UNLESS(HAS(ZBS), RV_OP_BINVI);
        }
        return decode_op_imm_f12(f12, isa, d);
    default: /* 5 */
        if (f12 == 0x287)
            return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_ORC_B);
        if (f12 == 0x6b8)
            return ILLEGAL_UNLESS(HAS(ZBB) || HAS(ZBKB), RV_OP_REV8);
        if (f12 == 0x687)
            return ILLEGAL_UNLESS(HAS(ZBKB), RV_OP_BREV8);
        d->imm = (int32_t)bits_of(b, 25, 20);
        switch (f6) {
        case 0x00: return RV_OP_SRLI;
        case 0x10: return RV_OP_SRAI;
        case 0x18: return ILLEGAL_UNLESS(HAS(ZBB) || HAS(ZBKB), RV_OP_RORI);
        case 0x12: return ILLEGAL_UNLESS(HAS(ZBS), RV_OP_BEXTI);
        }
        return RV_OP_ILLEGAL;
    }
}

static int decode_op_imm32(uint32_t b, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    uint32_t f3 = bits_of(b, 14, 12), f7 = bits_of(b, 31, 25), f12 = bits_of(b, 31, 20);
    if (f3 == 0) {
        d->imm = imm_i(b);
        return RV_OP_ADDIW;
    }
    d->imm = (int32_t)bits_of(b, 24, 20);
    if (f3 == 1) {
        if (bits_of(b, 31, 26) == 0x02) {
            d->imm = (int32_t)bits_of(b, 25, 20);
            return ILLEGAL_UNLESS(HAS(ZBA), RV_OP_SLLI_UW);
        }
        if (f7 == 0x00)
            return RV_OP_SLLIW;
        switch (f12) {
        case 0x600: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_CLZW);
        case 0x601: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_CTZW);
        case 0x602: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_CPOPW);
        }
        return RV_OP_ILLEGAL;
    }
    if (f3 == 5) {
        switch (f7) {
        case 0x00: return RV_OP_SRLIW;
        case 0x20: return RV_OP_SRAIW;
        case 0x30: return ILLEGAL_UNLESS(HAS(ZBB) || HAS(ZBKB), RV_OP_RORIW);
        }
    }
    return RV_OP_ILLEGAL;
}

/* OP funct3 = 0 beyond ADD/SUB/MUL: the AES and SM4 rounds (funct7
 * carries SM4's byte select bs in its top two bits). */
static int decode_op_crypto(uint32_t f7, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    switch (f7) {
    case 0x19: return ILLEGAL_UNLESS(HAS(ZKNE), RV_OP_AES64ES);
    case 0x1b: return ILLEGAL_UNLESS(HAS(ZKNE), RV_OP_AES64ESM);
    case 0x1d: return ILLEGAL_UNLESS(HAS(ZKND), RV_OP_AES64DS);
    case 0x1f: return ILLEGAL_UNLESS(HAS(ZKND), RV_OP_AES64DSM);
    case 0x3f: return ILLEGAL_UNLESS(HAS(ZKNE) || HAS(ZKND), RV_OP_AES64KS2);
    }
    d->imm = (int32_t)(f7 >> 5);
    if ((f7 & 0x1f) == 0x18)
        return ILLEGAL_UNLESS(HAS(ZKSED), RV_OP_SM4ED);
    if ((f7 & 0x1f) == 0x1a)
        return ILLEGAL_UNLESS(HAS(ZKSED), RV_OP_SM4KS);
    return RV_OP_ILLEGAL;
}

static int decode_op(uint32_t b, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    uint32_t f3 = bits_of(b, 14, 12), f7 = bits_of(b, 31, 25);
    bool zbb_or_zbkb = HAS(ZBB) || HAS(ZBKB);
    switch (f7) {
    case 0x00: {
        static const uint16_t ops[8] = {RV_OP_ADD, RV_OP_SLL, RV_OP_SLT, RV_OP_SLTU,
                                        RV_OP_XOR, RV_OP_SRL, RV_OP_OR, RV_OP_AND};
        return ops[f3];
    }
    case 0x01: {
        static const uint16_t ops[8] = {RV_OP_MUL, RV_OP_MULH, RV_OP_MULHSU, RV_OP_MULHU,
                                        RV_OP_DIV, RV_OP_DIVU, RV_OP_REM, RV_OP_REMU};
        return ops[f3];
    }
    case 0x20:
        switch (f3) {
        case 0: return RV_OP_SUB;
        case 4: return ILLEGAL_UNLESS(zbb_or_zbkb, RV_OP_XNOR);
        case 5: return RV_OP_SRA;
        case 6: return ILLEGAL_UNLESS(zbb_or_zbkb, RV_OP_ORN);
        case 7: return ILLEGAL_UNLESS(zbb_or_zbkb, RV_OP_ANDN);
        }
        break;
    case 0x10:
        switch (f3) {
        case 2: return ILLEGAL_UNLESS(HAS(ZBA), RV_OP_SH1ADD);
        case 4: return ILLEGAL_UNLESS(HAS(ZBA), RV_OP_SH2ADD);
        case 6: return ILLEGAL_UNLESS(HAS(ZBA), RV_OP_SH3ADD);
        }
        break;
    case 0x05:
        switch (f3) {
        case 1: return ILLEGAL_UNLESS(HAS(ZBC) || HAS(ZBKC), RV_OP_CLMUL);
        case 2: return ILLEGAL_UNLESS(HAS(ZBC), RV_OP_CLMULR);
        case 3: return ILLEGAL_UNLESS(HAS(ZBC) || HAS(ZBKC), RV_OP_CLMULH);
        case 4: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_MIN);
        case 5: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_MINU);
        case 6: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_MAX);
        case 7: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_MAXU);
        }
        break;
    case 0x30:
        if (f3 == 1) return ILLEGAL_UNLESS(zbb_or_zbkb, RV_OP_ROL);
        if (f3 == 5) return ILLEGAL_UNLESS(zbb_or_zbkb, RV_OP_ROR);
        break;
    case 0x24:
        if (f3 == 1) return ILLEGAL_UNLESS(HAS(ZBS), RV_OP_BCLR);
        if (f3 == 5) return ILLEGAL_UNLESS(HAS(ZBS), RV_OP_BEXT);
        break;
    case 0x34:
        if (f3 == 1) return ILLEGAL_UNLESS(HAS(ZBS), RV_OP_BINV);
        break;
    case 0x14:
        if (f3 == 1) return ILLEGAL_UNLESS(HAS(ZBS), RV_OP_BSET);
        if (f3 == 2) return ILLEGAL_UNLESS(HAS(ZBKX), RV_OP_XPERM4);
        if (f3 == 4) return ILLEGAL_UNLESS(HAS(ZBKX), RV_OP_XPERM8);
        break;
    case 0x04:
        if (f3 == 4) return ILLEGAL_UNLESS(HAS(ZBKB), RV_OP_PACK);
        if (f3 == 7) return ILLEGAL_UNLESS(HAS(ZBKB), RV_OP_PACKH);
        break;
    case 0x07:
        if (f3 == 5) return ILLEGAL_UNLESS(HAS(ZICOND), RV_OP_CZERO_EQZ);
        if (f3 == 7) return ILLEGAL_UNLESS(HAS(ZICOND), RV_OP_CZERO_NEZ);
        break;
    }
    return f3 == 0 ? decode_op_crypto(f7, isa, d) : RV_OP_ILLEGAL;
}

static int decode_op32(uint32_t b, const struct vm_riscv_isa *isa)
{
    uint32_t f3 = bits_of(b, 14, 12), f7 = bits_of(b, 31, 25);
    switch (f7) {
    case 0x00:
        if (f3 == 0) return RV_OP_ADDW;
        if (f3 == 1) return RV_OP_SLLW;
        if (f3 == 5) return RV_OP_SRLW;
        break;
    case 0x20:
        if (f3 == 0) return RV_OP_SUBW;
        if (f3 == 5) return RV_OP_SRAW;
        break;
    case 0x01:
        switch (f3) {
        case 0: return RV_OP_MULW;
        case 4: return RV_OP_DIVW;
        case 5: return RV_OP_DIVUW;
        case 6: return RV_OP_REMW;
        case 7: return RV_OP_REMUW;
        }
        break;
    case 0x04:
        if (f3 == 0) return ILLEGAL_UNLESS(HAS(ZBA), RV_OP_ADD_UW);
        /* zext.h is packw rd, rs1, x0: the same result */
        if (f3 == 4 && bits_of(b, 24, 20) == 0 && HAS(ZBB)) return RV_OP_ZEXT_H;
        if (f3 == 4) return ILLEGAL_UNLESS(HAS(ZBKB), RV_OP_PACKW);
        break;
    case 0x10:
        if (f3 == 2) return ILLEGAL_UNLESS(HAS(ZBA), RV_OP_SH1ADD_UW);
        if (f3 == 4) return ILLEGAL_UNLESS(HAS(ZBA), RV_OP_SH2ADD_UW);
        if (f3 == 6) return ILLEGAL_UNLESS(HAS(ZBA), RV_OP_SH3ADD_UW);
        break;
    case 0x30:
        if (f3 == 1) return ILLEGAL_UNLESS(HAS(ZBB) || HAS(ZBKB), RV_OP_ROLW);
        if (f3 == 5) return ILLEGAL_UNLESS(HAS(ZBB) || HAS(ZBKB), RV_OP_RORW);
        break;
    }
    return RV_OP_ILLEGAL;
}

static int decode_system(uint32_t b, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    uint32_t f3 = bits_of(b, 14, 12);
    if (f3 == 4) {
        /* Zimop: mop.r.N (bits 25:22 = 0111) and mop.rr.N (bit 25 set),
         * bit 31 set, bits 29:28 clear. Unless redefined they write 0 to
         * rd: addi rd, x0, 0. */
        bool mop = bits_of(b, 31, 31) && !bits_of(b, 29, 28) &&
                   (bits_of(b, 25, 25) || bits_of(b, 25, 22) == 7);
        d->rs1 = 0, d->imm = 0;
        return ILLEGAL_UNLESS(mop && HAS(ZIMOP), RV_OP_ADDI);
    }
    if (f3 == 0) {
        switch (b) {
        case 0x00000073: return RV_OP_ECALL;
        case 0x00100073: return RV_OP_EBREAK;
        case 0x30200073: return RV_OP_MRET;
        case 0x10200073: return RV_OP_SRET;
        case 0x10500073: return RV_OP_WFI;
        }
        if (bits_of(b, 31, 25) == 0x09 && bits_of(b, 11, 7) == 0)
            return RV_OP_SFENCE_VMA;
        /* Svinval: SINVAL.VMA is SFENCE.VMA here (translations are
         * invalidated at once); SFENCE.W.INVAL and SFENCE.INVAL.IR only
         * order around it. */
        if (bits_of(b, 31, 25) == 0x0b && bits_of(b, 11, 7) == 0)
            return ILLEGAL_UNLESS(HAS(SVINVAL), RV_OP_SFENCE_VMA);
        if (b == 0x18000073 || b == 0x18100073)
            return ILLEGAL_UNLESS(HAS(SVINVAL), RV_OP_SFENCE_INVAL);
        return RV_OP_ILLEGAL;
    }
    d->imm = (int32_t)bits_of(b, 31, 20);
    switch (f3) {
    case 1: return RV_OP_CSRRW;
    case 2: return RV_OP_CSRRS;
    case 3: return RV_OP_CSRRC;
    case 5: return RV_OP_CSRRWI;
    case 6: return RV_OP_CSRRSI;
    case 7: return RV_OP_CSRRCI;
    }
    return RV_OP_ILLEGAL;
}

static int decode_amo(uint32_t b)
{
    uint32_t f3 = bits_of(b, 14, 12), f5 = bits_of(b, 31, 27);
    if (f3 != 2 && f3 != 3)
        return RV_OP_ILLEGAL;
    bool dw = f3 == 3;
    switch (f5) {
    case 0x02: return bits_of(b, 24, 20) ? RV_OP_ILLEGAL : dw ? RV_OP_LR_D : RV_OP_LR_W;
    case 0x03: return dw ? RV_OP_SC_D : RV_OP_SC_W;
    case 0x01: return dw ? RV_OP_AMOSWAP_D : RV_OP_AMOSWAP_W;
    case 0x00: return dw ? RV_OP_AMOADD_D : RV_OP_AMOADD_W;
    case 0x04: return dw ? RV_OP_AMOXOR_D : RV_OP_AMOXOR_W;
    case 0x0c: return dw ? RV_OP_AMOAND_D : RV_OP_AMOAND_W;
    case 0x08: return dw ? RV_OP_AMOOR_D : RV_OP_AMOOR_W;
    case 0x10: return dw ? RV_OP_AMOMIN_D : RV_OP_AMOMIN_W;
    case 0x14: return dw ? RV_OP_AMOMAX_D : RV_OP_AMOMAX_W;
    case 0x18: return dw ? RV_OP_AMOMINU_D : RV_OP_AMOMINU_W;
    case 0x1c: return dw ? RV_OP_AMOMAXU_D : RV_OP_AMOMAXU_W;
    }
    return RV_OP_ILLEGAL;
}

enum { FMT_S = 0, FMT_D = 1, FMT_H = 2 };

/* OP-FP. Half precision (fmt H) needs Zfh, except the moves and the
 * conversions between formats, which Zfhmin has. */
static int decode_op_fp(uint32_t b, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    uint32_t f7 = bits_of(b, 31, 25), rm = bits_of(b, 14, 12), rs2 = bits_of(b, 24, 20);
    uint32_t fmt = f7 & 3;
    if (fmt > FMT_H)
        return RV_OP_ILLEGAL; /* Q is not implemented */
    bool zfh = fmt != FMT_H || HAS(ZFH), zfa = HAS(ZFA);
    d->fmt = (uint8_t)fmt;
    switch (f7 >> 2) {
    case 0x00: return ILLEGAL_UNLESS(zfh, RV_OP_FADD);
    case 0x01: return ILLEGAL_UNLESS(zfh, RV_OP_FSUB);
    case 0x02: return ILLEGAL_UNLESS(zfh, RV_OP_FMUL);
    case 0x03: return ILLEGAL_UNLESS(zfh, RV_OP_FDIV);
    case 0x0b: return ILLEGAL_UNLESS(zfh && rs2 == 0, RV_OP_FSQRT);
    case 0x04:
        d->sub = (uint8_t)rm;
        return ILLEGAL_UNLESS(zfh && rm <= 2, RV_OP_FSGNJ);
    case 0x05:
        d->sub = (uint8_t)rm;
        return ILLEGAL_UNLESS(zfh && (rm <= 1 || (zfa && rm <= 3)), RV_OP_FMINMAX);
    case 0x08:
        if (rs2 == 4 || rs2 == 5) { /* FROUND, FROUNDNX */
            d->sub = (uint8_t)(rs2 - 4);
            return ILLEGAL_UNLESS(zfh && zfa, RV_OP_FROUND);
        }
        /* FCVT.fmt.rs2: any two different formats of S, D, H */
        d->sub = (uint8_t)rs2;
        if (rs2 > FMT_H || rs2 == fmt)
            return RV_OP_ILLEGAL;
        return ILLEGAL_UNLESS((fmt != FMT_H && rs2 != FMT_H) || HAS(ZFHMIN), RV_OP_FCVT_FMT);
    case 0x14:
        d->sub = (uint8_t)rm;
        return ILLEGAL_UNLESS(zfh && (rm <= 2 || (zfa && (rm == 4 || rm == 5))), RV_OP_FCMP);
    case 0x18:
        if (fmt == FMT_D && rs2 == 8 && rm == 1) /* FCVTMOD.W.D: RTZ only */
            return ILLEGAL_UNLESS(zfa, RV_OP_FCVTMOD);
        d->sub = (uint8_t)rs2;
        return ILLEGAL_UNLESS(zfh && rs2 <= 3, RV_OP_FCVT_TO_INT);
    case 0x1a:
        d->sub = (uint8_t)rs2;
        return ILLEGAL_UNLESS(zfh && rs2 <= 3, RV_OP_FCVT_FROM_INT);
    case 0x1c:
        if (rs2 == 0 && rm == 0) return ILLEGAL_UNLESS(fmt != FMT_H || HAS(ZFHMIN), RV_OP_FMV_X_F);
        if (rs2 == 0 && rm == 1) return ILLEGAL_UNLESS(zfh, RV_OP_FCLASS);
        return RV_OP_ILLEGAL; /* FMVH.X.D is RV32 only */
    case 0x1e:
        if (rs2 == 0 && rm == 0) return ILLEGAL_UNLESS(fmt != FMT_H || HAS(ZFHMIN), RV_OP_FMV_F_X);
        if (rs2 == 1 && rm == 0) return ILLEGAL_UNLESS(zfh && zfa, RV_OP_FLI);
        return RV_OP_ILLEGAL;
    }
    return RV_OP_ILLEGAL;
}

static int decode32(uint32_t b, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    uint32_t f3 = bits_of(b, 14, 12);
    d->rd = (uint8_t)bits_of(b, 11, 7);
    d->rs1 = (uint8_t)bits_of(b, 19, 15);
    d->rs2 = (uint8_t)bits_of(b, 24, 20);
    d->rs3 = (uint8_t)bits_of(b, 31, 27);
    d->rm = (uint8_t)f3;
    switch (bits_of(b, 6, 0)) {
    case 0x37: d->imm = imm_u(b); return RV_OP_LUI;
    case 0x17: d->imm = imm_u(b); return RV_OP_AUIPC;
    case 0x6f: d->imm = imm_j(b); return RV_OP_JAL;
    case 0x67: d->imm = imm_i(b); return f3 == 0 ? RV_OP_JALR : RV_OP_ILLEGAL;
    case 0x63: {
        static const int16_t ops[8] = {RV_OP_BEQ, RV_OP_BNE, -1, -1,
                                       RV_OP_BLT, RV_OP_BGE, RV_OP_BLTU, RV_OP_BGEU};
        d->imm = imm_b(b);
        return ops[f3] < 0 ? RV_OP_ILLEGAL : ops[f3];
    }
    case 0x03: {
        static const int16_t ops[8] = {RV_OP_LB, RV_OP_LH, RV_OP_LW, RV_OP_LD,
                                       RV_OP_LBU, RV_OP_LHU, RV_OP_LWU, -1};
        d->imm = imm_i(b);
        return ops[f3] < 0 ? RV_OP_ILLEGAL : ops[f3];
    }
    case 0x23: {
        static const int16_t ops[8] = {RV_OP_SB, RV_OP_SH, RV_OP_SW, RV_OP_SD, -1, -1, -1, -1};
        d->imm = imm_s(b);
        return ops[f3] < 0 ? RV_OP_ILLEGAL : ops[f3];
    }
    case 0x07:
        d->imm = imm_i(b);
        if (f3 == 1)
            return ILLEGAL_UNLESS(HAS(ZFHMIN), RV_OP_FLH);
        return f3 == 2 ? RV_OP_FLW : f3 == 3 ? RV_OP_FLD : RV_OP_ILLEGAL;
    case 0x27:
        d->imm = imm_s(b);
        if (f3 == 1)
            return ILLEGAL_UNLESS(HAS(ZFHMIN), RV_OP_FSH);
        return f3 == 2 ? RV_OP_FSW : f3 == 3 ? RV_OP_FSD : RV_OP_ILLEGAL;
    case 0x13: return decode_op_imm(b, isa, d);
    case 0x1b: return decode_op_imm32(b, isa, d);
    case 0x33: return decode_op(b, isa, d);
    case 0x3b: return decode_op32(b, isa);
    case 0x0f:
        if (f3 == 0) return RV_OP_FENCE; /* also FENCE.TSO and PAUSE */
        if (f3 == 1) return RV_OP_FENCE_I;
        if (f3 == 2 && bits_of(b, 11, 7) == 0) { /* CBO: the operation in imm */
            uint32_t f12 = bits_of(b, 31, 20);
            d->imm = (int32_t)f12;
            if (f12 == 4)
                return ILLEGAL_UNLESS(HAS(ZICBOZ), RV_OP_CBO_ZERO);
            if (f12 <= 2)
                return ILLEGAL_UNLESS(HAS(ZICBOM), RV_OP_CBO_MGMT);
        }
        return RV_OP_ILLEGAL;
    case 0x73: return decode_system(b, isa, d);
    case 0x2f: return decode_amo(b);
    case 0x43: case 0x47: case 0x4b: case 0x4f: {
        uint32_t fmt = bits_of(b, 26, 25);
        if (fmt > FMT_H || (fmt == FMT_H && !HAS(ZFH)))
            return RV_OP_ILLEGAL;
        d->fmt = (uint8_t)fmt;
        d->sub = (uint8_t)bits_of(b, 3, 2); /* 0x43 -> 0 ... 0x4f -> 3 */
        return RV_OP_FMA;
    }
    case 0x53: return decode_op_fp(b, isa, d);
    }
    return RV_OP_ILLEGAL;
}

/* ---- compressed ------------------------------------------------------- */

/* rd', rs1', rs2': x8..x15 */
static inline uint8_t creg(uint32_t v) { return (uint8_t)(8 + v); }

static int32_t cimm6(uint32_t p) /* imm[5] = bit 12, imm[4:0] = bits 6:2 */
{
    return sext((bits_of(p, 12, 12) << 5) | bits_of(p, 6, 2), 6);
}

/* Zcb's byte and halfword loads and stores (Q0, funct3 100). */
static int decode16_zcb_mem(uint32_t p, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    uint8_t rdp = creg(bits_of(p, 4, 2)), rs1p = creg(bits_of(p, 9, 7));
    uint32_t uimm_b = bits_of(p, 6, 6) | bits_of(p, 5, 5) << 1, uimm_h = bits_of(p, 5, 5) << 1;
    if (!HAS(ZCB))
        return RV_OP_ILLEGAL;
    d->rs1 = rs1p;
    switch (bits_of(p, 12, 10)) {
    case 0: d->rd = rdp, d->imm = (int32_t)uimm_b; return RV_OP_LBU;
    case 1: d->rd = rdp, d->imm = (int32_t)uimm_h; return bits_of(p, 6, 6) ? RV_OP_LH : RV_OP_LHU;
    case 2: d->rs2 = rdp, d->imm = (int32_t)uimm_b; return RV_OP_SB;
    case 3:
        d->rs2 = rdp, d->imm = (int32_t)uimm_h;
        return bits_of(p, 6, 6) ? RV_OP_ILLEGAL : RV_OP_SH;
    }
    return RV_OP_ILLEGAL;
}

/* Zcb's c.mul and one-register ops (Q1, funct6 100111, bits 6:5 = 10/11). */
static int decode16_zcb_alu(uint32_t p, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    if (!HAS(ZCB))
        return RV_OP_ILLEGAL;
    if (bits_of(p, 6, 5) == 2)
        return RV_OP_MUL; /* c.mul rd', rs2' (M is always there) */
    d->rs2 = 0;
    switch (bits_of(p, 4, 2)) {
    case 0: d->imm = 0xff; return RV_OP_ANDI;                             /* c.zext.b */
    case 1: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_SEXT_B);                 /* c.sext.b */
    case 2: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_ZEXT_H);                 /* c.zext.h */
    case 3: return ILLEGAL_UNLESS(HAS(ZBB), RV_OP_SEXT_H);                 /* c.sext.h */
    case 4: return ILLEGAL_UNLESS(HAS(ZBA), RV_OP_ADD_UW);                 /* c.zext.w */
    case 5: d->imm = -1; return RV_OP_XORI;                               /* c.not */
    }
    return RV_OP_ILLEGAL;
}

static int decode16_q0(uint32_t p, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    uint8_t rdp = creg(bits_of(p, 4, 2)), rs1p = creg(bits_of(p, 9, 7));
    uint32_t uimm_w = (bits_of(p, 12, 10) << 3) | (bits_of(p, 6, 6) << 2) | (bits_of(p, 5, 5) << 6);
    uint32_t uimm_d = (bits_of(p, 12, 10) << 3) | (bits_of(p, 6, 5) << 6);
    switch (bits_of(p, 15, 13)) {
    case 0: { /* C.ADDI4SPN */
        uint32_t nz = (bits_of(p, 12, 11) << 4) | (bits_of(p, 10, 7) << 6) |
                      (bits_of(p, 6, 6) << 2) | (bits_of(p, 5, 5) << 3);
        if (nz == 0)
            return RV_OP_ILLEGAL; /* includes the all-zero parcel */
        d->rd = rdp, d->rs1 = 2, d->imm = (int32_t)nz;
        return RV_OP_ADDI;
    }
    case 1: d->rd = rdp, d->rs1 = rs1p, d->imm = (int32_t)uimm_d; return RV_OP_FLD;
    case 2: d->rd = rdp, d->rs1 = rs1p, d->imm = (int32_t)uimm_w; return RV_OP_LW;
    case 3: d->rd = rdp, d->rs1 = rs1p, d->imm = (int32_t)uimm_d; return RV_OP_LD;
    case 5: d->rs2 = rdp, d->rs1 = rs1p, d->imm = (int32_t)uimm_d; return RV_OP_FSD;
    case 6: d->rs2 = rdp, d->rs1 = rs1p, d->imm = (int32_t)uimm_w; return RV_OP_SW;
    case 7: d->rs2 = rdp, d->rs1 = rs1p, d->imm = (int32_t)uimm_d; return RV_OP_SD;
    }
    return decode16_zcb_mem(p, isa, d); /* 4 */
}

static int decode16_q1(uint32_t p, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    uint8_t rd = (uint8_t)bits_of(p, 11, 7);
    uint8_t rdp = creg(bits_of(p, 9, 7)), rs2p = creg(bits_of(p, 4, 2));
    switch (bits_of(p, 15, 13)) {
    case 0: d->rd = d->rs1 = rd, d->imm = cimm6(p); return RV_OP_ADDI; /* C.NOP, C.ADDI */
    case 1:
        if (rd == 0)
            return RV_OP_ILLEGAL;
        d->rd = d->rs1 = rd, d->imm = cimm6(p);
        return RV_OP_ADDIW;
    case 2: d->rd = rd, d->rs1 = 0, d->imm = cimm6(p); return RV_OP_ADDI; /* C.LI */
    case 3:
        if (rd == 2) { /* C.ADDI16SP */
            uint32_t v = (bits_of(p, 12, 12) << 9) | (bits_of(p, 6, 6) << 4) |
                         (bits_of(p, 5, 5) << 6) | (bits_of(p, 4, 3) << 7) |
                         (bits_of(p, 2, 2) << 5);
            if (v == 0)
                return RV_OP_ILLEGAL;
            d->rd = d->rs1 = 2, d->imm = sext(v, 10);
            return RV_OP_ADDI;
        }
        d->rd = rd, d->imm = cimm6(p) * 4096; /* C.LUI */
        if (d->imm != 0)
            return RV_OP_LUI;
        /* imm 0 is reserved, except Zcmop's c.mop.N (rd = x1, x3, ..., x15),
         * which writes nothing unless redefined: a no-op. */
        d->rd = 0;
        return ILLEGAL_UNLESS(HAS(ZCMOP) && (rd & 1) && rd < 16, RV_OP_ADDI);
    case 4: {
        d->rd = d->rs1 = rdp, d->rs2 = rs2p;
        uint32_t f2 = bits_of(p, 11, 10);
        if (f2 == 0) { d->imm = (int32_t)((bits_of(p, 12, 12) << 5) | bits_of(p, 6, 2)); return RV_OP_SRLI; }
        if (f2 == 1) { d->imm = (int32_t)((bits_of(p, 12, 12) << 5) | bits_of(p, 6, 2)); return RV_OP_SRAI; }
        if (f2 == 2) { d->imm = cimm6(p); return RV_OP_ANDI; }
        static const int16_t ops[8] = {RV_OP_SUB, RV_OP_XOR, RV_OP_OR, RV_OP_AND,
                                       RV_OP_SUBW, RV_OP_ADDW, -1, -1};
        int op = ops[(bits_of(p, 12, 12) << 2) | bits_of(p, 6, 5)];
        return op < 0 ? decode16_zcb_alu(p, isa, d) : op;
    }
    case 5: { /* C.J */
        uint32_t v = (bits_of(p, 12, 12) << 11) | (bits_of(p, 11, 11) << 4) |
                     (bits_of(p, 10, 9) << 8) | (bits_of(p, 8, 8) << 10) |
                     (bits_of(p, 7, 7) << 6) | (bits_of(p, 6, 6) << 7) |
                     (bits_of(p, 5, 3) << 1) | (bits_of(p, 2, 2) << 5);
        d->rd = 0, d->imm = sext(v, 12);
        return RV_OP_JAL;
    }
    default: { /* 6: C.BEQZ, 7: C.BNEZ */
        uint32_t v = (bits_of(p, 12, 12) << 8) | (bits_of(p, 11, 10) << 3) |
                     (bits_of(p, 6, 5) << 6) | (bits_of(p, 4, 3) << 1) | (bits_of(p, 2, 2) << 5);
        d->rs1 = rdp, d->rs2 = 0, d->imm = sext(v, 9);
        return bits_of(p, 15, 13) == 6 ? RV_OP_BEQ : RV_OP_BNE;
    }
    }
}

static int decode16_q2(uint32_t p, struct rv_decoded *d)
{
    uint8_t rd = (uint8_t)bits_of(p, 11, 7), rs2 = (uint8_t)bits_of(p, 6, 2);
    uint32_t uimm_lw = (bits_of(p, 12, 12) << 5) | (bits_of(p, 6, 4) << 2) | (bits_of(p, 3, 2) << 6);
    uint32_t uimm_ld = (bits_of(p, 12, 12) << 5) | (bits_of(p, 6, 5) << 3) | (bits_of(p, 4, 2) << 6);
    uint32_t uimm_sw = (bits_of(p, 12, 9) << 2) | (bits_of(p, 8, 7) << 6);
    uint32_t uimm_sd = (bits_of(p, 12, 10) << 3) | (bits_of(p, 9, 7) << 6);
    switch (bits_of(p, 15, 13)) {
    case 0:
        d->rd = d->rs1 = rd, d->imm = (int32_t)((bits_of(p, 12, 12) << 5) | bits_of(p, 6, 2));
        return RV_OP_SLLI;
    case 1: d->rd = rd, d->rs1 = 2, d->imm = (int32_t)uimm_ld; return RV_OP_FLD;
    case 2:
        d->rd = rd, d->rs1 = 2, d->imm = (int32_t)uimm_lw;
        return rd ? RV_OP_LW : RV_OP_ILLEGAL;
    case 3:
        d->rd = rd, d->rs1 = 2, d->imm = (int32_t)uimm_ld;
        return rd ? RV_OP_LD : RV_OP_ILLEGAL;
    case 4:
        if (!bits_of(p, 12, 12)) {
            if (rs2 == 0) { /* C.JR */
                d->rd = 0, d->rs1 = rd, d->imm = 0;
                return rd ? RV_OP_JALR : RV_OP_ILLEGAL;
            }
            d->rd = rd, d->rs1 = 0, d->rs2 = rs2; /* C.MV */
            return RV_OP_ADD;
        }
        if (rs2 == 0) {
            if (rd == 0)
                return RV_OP_EBREAK;
            d->rd = 1, d->rs1 = rd, d->imm = 0; /* C.JALR */
            return RV_OP_JALR;
        }
        d->rd = d->rs1 = rd, d->rs2 = rs2; /* C.ADD */
        return RV_OP_ADD;
    case 5: d->rs1 = 2, d->rs2 = rs2, d->imm = (int32_t)uimm_sd; return RV_OP_FSD;
    case 6: d->rs1 = 2, d->rs2 = rs2, d->imm = (int32_t)uimm_sw; return RV_OP_SW;
    default: d->rs1 = 2, d->rs2 = rs2, d->imm = (int32_t)uimm_sd; return RV_OP_SD;
    }
}

void rv_decode(uint32_t bits, const struct vm_riscv_isa *isa, struct rv_decoded *d)
{
    memset(d, 0, sizeof(*d));
    int op;
    if ((bits & 3) != 3) {
        uint32_t p = bits & 0xffff;
        d->raw = p;
        d->len = 2;
        switch (p & 3) {
        case 0: op = decode16_q0(p, isa, d); break;
        case 1: op = decode16_q1(p, isa, d); break;
        default: op = decode16_q2(p, d); break;
        }
        d->fmt = (op == RV_OP_FLD || op == RV_OP_FSD);
    } else {
        d->raw = bits;
        d->len = 4;
        /* bits 4:2 = 111: a 48-bit or longer encoding, not supported */
        op = (bits & 0x1c) == 0x1c ? RV_OP_ILLEGAL : decode32(bits, isa, d);
    }
    d->op = (uint16_t)op;
}
