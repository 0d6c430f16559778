/* A small x86-64 machine-code emitter: one inline function per instruction
 * form the translator uses, writing into a byte buffer. Registers are
 * numbered as in the encoding (RAX 0 .. R15 15). 64-bit operations unless
 * the name ends in 32. Memory operands are [base + index*scale + disp]
 * (index X_NONE for none). The buffer never overflows: emission past the
 * end sets `overflow` and writes nothing, and the caller checks it once at
 * the end of a block. */
#ifndef VM_RISCV_JIT_X86_EMIT_H
#define VM_RISCV_JIT_X86_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum x86_reg {
    X_RAX, X_RCX, X_RDX, X_RBX, X_RSP, X_RBP, X_RSI, X_RDI,
    X_R8, X_R9, X_R10, X_R11, X_R12, X_R13, X_R14, X_R15,
    X_NONE = -1,
};

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
enum x86_cc {
    CC_O = 0, CC_NO = 1, CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_BE = 6, CC_A = 7,
    CC_S = 8, CC_NS = 9, CC_L = 12, CC_GE = 13, CC_LE = 14, CC_G = 15,
};

/* ALU group: the /digit of 0x81/0x83 and (op << 3 | 1) for reg forms. */
enum x86_alu { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };
/* Shift group: the /digit of 0xC1/0xD3. */
enum x86_shift { SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

struct x86_buf {
    uint8_t *start, *p, *end;
    bool overflow;
    /* Keep jumps within 32-byte chunks (x86_jump_align): hot code only. */
    bool align;
    /* Where the compare that the next jump fuses with begins, or NULL. */
    uint8_t *fuse;
};

static inline void x86_init(struct x86_buf *b, uint8_t *start, uint8_t *end)
{
    b->start = b->p = start;
    b->end = end;
    b->overflow = false;
    b->align = false;
    b->fuse = NULL;
}

static inline void x86_bytes(struct x86_buf *b, const void *bytes, unsigned n)
{
    if ((size_t)(b->end - b->p) < n) {
        b->overflow = true;
        return;
    }
    memcpy(b->p, bytes, n);
    b->p += n;
}

static inline void x86_u8(struct x86_buf *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    x86_bytes(b, &x, 1);
}

static inline void x86_u32(struct x86_buf *b, uint32_t v)
{
    x86_bytes(b, &v, 4);
}

static inline bool x86_fits8(int64_t v)
{
    return v >= -128 && v <= 127;
}

static inline bool x86_fits32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

/* REX prefix; emitted when needed (W, an extended register, or a byte
 * register SPL..DIL when byte_regs is set). */
static inline void x86_rex(struct x86_buf *b, bool w, int reg, int index, int base, bool byte_regs)
{
    unsigned r = reg > 0 ? (unsigned)reg : 0, x = index > 0 ? (unsigned)index : 0;
    unsigned bb = base > 0 ? (unsigned)base : 0;
    unsigned rex = 0x40 | (w ? 8 : 0) | ((r >> 3) & 1) << 2 | ((x >> 3) & 1) << 1 | ((bb >> 3) & 1);
    if (rex != 0x40 || (byte_regs && ((reg >= 4 && reg < 8) || (base >= 4 && base < 8))))
        x86_u8(b, rex);
}

/* ModRM (+SIB +disp) for reg, [base + index*scale + disp]. */
static inline void x86_modrm_mem(struct x86_buf *b, int reg, int base, int index, int scale,
                                 int32_t disp)
{
    unsigned r = (unsigned)reg & 7;
    unsigned ss = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
    unsigned mod = disp == 0 && (base & 7) != X_RBP ? 0 : x86_fits8(disp) ? 1 : 2;
    if (index == X_NONE && (base & 7) != X_RSP) {
        x86_u8(b, mod << 6 | r << 3 | ((unsigned)base & 7));
    } else {
        unsigned idx = index == X_NONE ? 4 : (unsigned)index & 7;
        x86_u8(b, mod << 6 | r << 3 | 4);
        x86_u8(b, ss << 6 | idx << 3 | ((unsigned)base & 7));
    }
    if (mod == 1)
        x86_u8(b, (uint8_t)(int8_t)disp);
    else if (mod == 2)
        x86_u32(b, (uint32_t)disp);
}

static inline void x86_modrm_reg(struct x86_buf *b, int reg, int rm)
{
    x86_u8(b, 0xc0 | ((unsigned)reg & 7) << 3 | ((unsigned)rm & 7));
}

/* op reg, r/m (reg) with optional 0x0F escape already part of `op` bytes. */
static inline void x86_op_rr(struct x86_buf *b, bool w, const uint8_t *op, unsigned oplen, int reg,
                             int rm)
{
    x86_rex(b, w, reg, X_NONE, rm, false);
    x86_bytes(b, op, oplen);
    x86_modrm_reg(b, reg, rm);
}

static inline void x86_op_rm(struct x86_buf *b, bool w, const uint8_t *op, unsigned oplen, int reg,
                             int base, int index, int scale, int32_t disp)
{
    x86_rex(b, w, reg, index, base, false);
    x86_bytes(b, op, oplen);
    x86_modrm_mem(b, reg, base, index, scale, disp);
}

/* ---- moves ---- */

static inline void x86_mov_rr(struct x86_buf *b, int dst, int src)
{
    static const uint8_t op[] = {0x89};
    x86_op_rr(b, true, op, 1, src, dst);
}

static inline void x86_mov_rr32(struct x86_buf *b, int dst, int src) /* zero-extends */
{
    static const uint8_t op[] = {0x89};
    x86_op_rr(b, false, op, 1, src, dst);
}

static inline void x86_load(struct x86_buf *b, int dst, int base, int32_t disp)
{
    static const uint8_t op[] = {0x8b};
    x86_op_rm(b, true, op, 1, dst, base, X_NONE, 1, disp);
}

static inline void x86_store(struct x86_buf *b, int base, int32_t disp, int src)
{
    static const uint8_t op[] = {0x89};
    x86_op_rm(b, true, op, 1, src, base, X_NONE, 1, disp);
}

/* Load of `size` bytes from [base + index + disp] into dst, sign- or
 * zero-extended to 64 bits. */
static inline void x86_load_ext(struct x86_buf *b, int dst, int base, int index, int32_t disp,
                                unsigned size, bool sign)
{
    static const uint8_t movzx8[] = {0x0f, 0xb6}, movzx16[] = {0x0f, 0xb7};
    static const uint8_t movsx8[] = {0x0f, 0xbe}, movsx16[] = {0x0f, 0xbf};
    static const uint8_t movsxd[] = {0x63}, mov[] = {0x8b};
    switch (size) {
    case 1: x86_op_rm(b, sign, sign ? movsx8 : movzx8, 2, dst, base, index, 1, disp); break;
    case 2: x86_op_rm(b, sign, sign ? movsx16 : movzx16, 2, dst, base, index, 1, disp); break;
    case 4: x86_op_rm(b, sign, sign ? movsxd : mov, 1, dst, base, index, 1, disp); break;
    default: x86_op_rm(b, true, mov, 1, dst, base, index, 1, disp); break;
    }
}

/* Store of the low `size` bytes of src to [base + index + disp]. */
static inline void x86_store_sz(struct x86_buf *b, int base, int index, int32_t disp, int src,
                                unsigned size)
{
    if (size == 2)
        x86_u8(b, 0x66);
    x86_rex(b, size == 8, src, index, base, size == 1);
    x86_u8(b, size == 1 ? 0x88 : 0x89);
    x86_modrm_mem(b, src, base, index, 1, disp);
}

/* dst = imm, choosing the shortest encoding. */
static inline void x86_mov_imm(struct x86_buf *b, int dst, uint64_t imm)
{
    if (imm == 0) { /* xor r32, r32 */
        static const uint8_t op[] = {0x31};
        x86_op_rr(b, false, op, 1, dst, dst);
    } else if (imm <= UINT32_MAX) { /* mov r32, imm32 zero-extends */
        x86_rex(b, false, X_NONE, X_NONE, dst, false);
        x86_u8(b, 0xb8 + ((unsigned)dst & 7));
        x86_u32(b, (uint32_t)imm);
    } else if (x86_fits32((int64_t)imm)) { /* mov r/m64, imm32 sign-extends */
        x86_rex(b, true, X_NONE, X_NONE, dst, false);
        x86_u8(b, 0xc7);
        x86_modrm_reg(b, 0, dst);
        x86_u32(b, (uint32_t)imm);
    } else {
        x86_rex(b, true, X_NONE, X_NONE, dst, false);
        x86_u8(b, 0xb8 + ((unsigned)dst & 7));
        x86_bytes(b, &imm, 8);
    }
}

static inline void x86_lea(struct x86_buf *b, int dst, int base, int index, int scale,
                           int32_t disp)
{
    static const uint8_t op[] = {0x8d};
    x86_op_rm(b, true, op, 1, dst, base, index, scale, disp);
}

static inline void x86_movsxd(struct x86_buf *b, int dst, int src) /* sign-extend low 32 */
{
    static const uint8_t op[] = {0x63};
    x86_op_rr(b, true, op, 1, dst, src);
}

static inline void x86_movx(struct x86_buf *b, int dst, int src, unsigned size, bool sign)
{
    static const uint8_t zx8[] = {0x0f, 0xb6}, zx16[] = {0x0f, 0xb7};
    static const uint8_t sx8[] = {0x0f, 0xbe}, sx16[] = {0x0f, 0xbf};
    if (size == 4) {
        if (sign)
            x86_movsxd(b, dst, src);
        else
            x86_mov_rr32(b, dst, src);
        return;
    }
    const uint8_t *op = size == 1 ? (sign ? sx8 : zx8) : (sign ? sx16 : zx16);
    x86_rex(b, sign, dst, X_NONE, src, size == 1);
    x86_bytes(b, op, 2);
    x86_modrm_reg(b, dst, src);
}

/* ---- arithmetic ---- */

static inline void x86_alu_rr(struct x86_buf *b, enum x86_alu alu, int dst, int src)
{
    uint8_t op = (uint8_t)(alu << 3 | 1);
    x86_op_rr(b, true, &op, 1, src, dst);
}

static inline void x86_alu_rr32(struct x86_buf *b, enum x86_alu alu, int dst, int src)
{
    uint8_t op = (uint8_t)(alu << 3 | 1);
    x86_op_rr(b, false, &op, 1, src, dst);
}

static inline void x86_alu_ri(struct x86_buf *b, enum x86_alu alu, int dst, int32_t imm)
{
    x86_rex(b, true, X_NONE, X_NONE, dst, false);
    if (x86_fits8(imm)) {
        x86_u8(b, 0x83);
        x86_modrm_reg(b, alu, dst);
        x86_u8(b, (uint8_t)(int8_t)imm);
    } else {
        x86_u8(b, 0x81);
        x86_modrm_reg(b, alu, dst);
        x86_u32(b, (uint32_t)imm);
    }
}

static inline void x86_alu_ri32(struct x86_buf *b, enum x86_alu alu, int dst, int32_t imm)
{
    x86_rex(b, false, X_NONE, X_NONE, dst, false);
    if (x86_fits8(imm)) {
        x86_u8(b, 0x83);
        x86_modrm_reg(b, alu, dst);
        x86_u8(b, (uint8_t)(int8_t)imm);
    } else {
        x86_u8(b, 0x81);
        x86_modrm_reg(b, alu, dst);
        x86_u32(b, (uint32_t)imm);
    }
}

/* alu reg, [base + disp] */
static inline void x86_alu_rm(struct x86_buf *b, enum x86_alu alu, int dst, int base, int index,
                              int scale, int32_t disp)
{
    uint8_t op = (uint8_t)(alu << 3 | 3);
    x86_op_rm(b, true, &op, 1, dst, base, index, scale, disp);
}

static inline void x86_alu_rm32(struct x86_buf *b, enum x86_alu alu, int dst, int base, int index,
                                int scale, int32_t disp)
{
    uint8_t op = (uint8_t)(alu << 3 | 3);
    x86_op_rm(b, false, &op, 1, dst, base, index, scale, disp);
}

/* alu [base + disp], imm */
static inline void x86_alu_mi(struct x86_buf *b, enum x86_alu alu, int base, int32_t disp,
                              int32_t imm)
{
    x86_rex(b, true, X_NONE, X_NONE, base, false);
    x86_u8(b, x86_fits8(imm) ? 0x83 : 0x81);
    x86_modrm_mem(b, alu, base, X_NONE, 1, disp);
    if (x86_fits8(imm))
        x86_u8(b, (uint8_t)(int8_t)imm);
    else
        x86_u32(b, (uint32_t)imm);
}

static inline void x86_test_rr(struct x86_buf *b, int a, int c)
{
    static const uint8_t op[] = {0x85};
    x86_op_rr(b, true, op, 1, c, a);
}

static inline void x86_test_ri(struct x86_buf *b, int r, int32_t imm)
{
    x86_rex(b, true, X_NONE, X_NONE, r, false);
    x86_u8(b, 0xf7);
    x86_modrm_reg(b, 0, r);
    x86_u32(b, (uint32_t)imm);
}

/* test dword/qword [base + disp], imm32 */
static inline void x86_test_mi(struct x86_buf *b, int base, int32_t disp, int32_t imm)
{
    x86_rex(b, true, X_NONE, X_NONE, base, false);
    x86_u8(b, 0xf7);
    x86_modrm_mem(b, 0, base, X_NONE, 1, disp);
    x86_u32(b, (uint32_t)imm);
}

/* test byte [base + disp], imm8 / cmp byte [base + disp], imm8 */
static inline void x86_test_mi8(struct x86_buf *b, int base, int32_t disp, uint8_t imm)
{
    x86_rex(b, false, X_NONE, X_NONE, base, false);
    x86_u8(b, 0xf6);
    x86_modrm_mem(b, 0, base, X_NONE, 1, disp);
    x86_u8(b, imm);
}
static inline void x86_cmp_mi8(struct x86_buf *b, int base, int32_t disp, uint8_t imm)
{
    x86_rex(b, false, X_NONE, X_NONE, base, false);
    x86_u8(b, 0x80);
    x86_modrm_mem(b, 7, base, X_NONE, 1, disp);
    x86_u8(b, imm);
}
/* bt r64, imm8 (CF = the bit) */
static inline void x86_bt_imm(struct x86_buf *b, int r, unsigned bit)
{
    x86_rex(b, true, X_NONE, X_NONE, r, false);
    x86_u8(b, 0x0f);
    x86_u8(b, 0xba);
    x86_modrm_reg(b, 4, r);
    x86_u8(b, bit);
}

/* F7 group: /2 not, /3 neg, /4 mul, /5 imul, /6 div, /7 idiv (64-bit). */
static inline void x86_f7(struct x86_buf *b, unsigned digit, int r, bool w)
{
    x86_rex(b, w, X_NONE, X_NONE, r, false);
    x86_u8(b, 0xf7);
    x86_modrm_reg(b, (int)digit, r);
}

static inline void x86_imul_rr(struct x86_buf *b, int dst, int src, bool w)
{
    static const uint8_t op[] = {0x0f, 0xaf};
    x86_op_rr(b, w, op, 2, dst, src);
}

static inline void x86_cqo(struct x86_buf *b)
{
    x86_u8(b, 0x48);
    x86_u8(b, 0x99);
}

static inline void x86_cdq(struct x86_buf *b)
{
    x86_u8(b, 0x99);
}

static inline void x86_shift_ri(struct x86_buf *b, enum x86_shift sh, int r, unsigned n, bool w)
{
    x86_rex(b, w, X_NONE, X_NONE, r, false);
    x86_u8(b, 0xc1);
    x86_modrm_reg(b, sh, r);
    x86_u8(b, n);
}

static inline void x86_shift_rcl(struct x86_buf *b, enum x86_shift sh, int r, bool w)
{
    x86_rex(b, w, X_NONE, X_NONE, r, false);
    x86_u8(b, 0xd3);
    x86_modrm_reg(b, sh, r);
}

/* VEX-encoded BMI1/BMI2 three-operand forms: dst = op(src1(rm), src2(vvvv)).
 * pp: 0 none, 1 66, 2 F3, 3 F2; map 2 = 0F38, 3 = 0F3A. */
static inline void x86_vex(struct x86_buf *b, unsigned map, unsigned pp, bool w, int reg, int vvvv,
                           int rm, uint8_t opcode)
{
    unsigned r = (unsigned)reg, v = vvvv < 0 ? 0 : (unsigned)vvvv, m = (unsigned)rm;
    x86_u8(b, 0xc4);
    x86_u8(b, (~r >> 3 & 1) << 7 | 1u << 6 | (~m >> 3 & 1) << 5 | map);
    x86_u8(b, (w ? 0x80u : 0) | (~v & 15) << 3 | pp);
    x86_u8(b, opcode);
    x86_modrm_reg(b, reg, rm);
}

/* shlx/shrx/sarx dst, src, count (count masked to 63 / 31 as the shifts). */
static inline void x86_shiftx(struct x86_buf *b, enum x86_shift sh, int dst, int src, int count,
                              bool w)
{
    unsigned pp = sh == SH_SHL ? 1 : sh == SH_SHR ? 3 : 2;
    x86_vex(b, 2, pp, w, dst, count, src, 0xf7);
}

static inline void x86_rorx(struct x86_buf *b, int dst, int src, unsigned n, bool w)
{
    x86_vex(b, 3, 3, w, dst, -1, src, 0xf0);
    x86_u8(b, n);
}

/* andn dst, a, c: dst = ~a & c */
static inline void x86_andn(struct x86_buf *b, int dst, int a, int c)
{
    x86_vex(b, 2, 0, true, dst, a, c, 0xf2);
}

/* F3 0F xx: lzcnt BD, tzcnt BC, popcnt B8 */
static inline void x86_f3_0f(struct x86_buf *b, uint8_t opc, int dst, int src, bool w)
{
    uint8_t op[2] = {0x0f, opc};
    x86_u8(b, 0xf3);
    x86_op_rr(b, w, op, 2, dst, src);
}

static inline void x86_bswap(struct x86_buf *b, int r)
{
    x86_rex(b, true, X_NONE, X_NONE, r, false);
    x86_u8(b, 0x0f);
    x86_u8(b, 0xc8 + ((unsigned)r & 7));
}

/* bt/bts/btr/btc r/m, reg: 0F A3 / AB / B3 / BB */
static inline void x86_bt_rr(struct x86_buf *b, uint8_t opc, int rm, int bit)
{
    uint8_t op[2] = {0x0f, opc};
    x86_op_rr(b, true, op, 2, bit, rm);
}

static inline void x86_setcc(struct x86_buf *b, enum x86_cc cc, int r)
{
    x86_rex(b, false, X_NONE, X_NONE, r, true);
    x86_u8(b, 0x0f);
    x86_u8(b, 0x90 + cc);
    x86_modrm_reg(b, 0, r);
}

static inline void x86_cmov(struct x86_buf *b, enum x86_cc cc, int dst, int src)
{
    uint8_t op[2] = {0x0f, (uint8_t)(0x40 + cc)};
    x86_op_rr(b, true, op, 2, dst, src);
}

/* ---- control flow: rel32 forms return the address of the rel32 field
 * so that the caller can patch it (x86_patch_rel32). ---- */

/* n bytes of NOPs (the recommended multi-byte forms). */
static inline void x86_fill_nops(uint8_t *at, unsigned n)
{
    static const uint8_t nops[9][9] = {
        {0x90},
        {0x66, 0x90},
        {0x0f, 0x1f, 0x00},
        {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };
    while (n) {
        unsigned k = n > 9 ? 9 : n;
        memcpy(at, nops[k - 1], k);
        at += k;
        n -= k;
    }
}

/* Intel cores from Skylake to Cascade Lake (microcode for the "JCC
 * erratum") keep no decoded uops for a 32-byte chunk of code in which a
 * jump, or a compare fused with the jump that follows it, crosses or ends
 * at the chunk's end: that chunk then goes through the legacy decoders on
 * every run, slow for long instructions like ours. Before a jump of at
 * most n bytes (and its compare, from b->fuse): if they would not sit
 * inside one chunk, move the compare on and fill the gap with NOPs. Nothing
 * may point into the moved compare (it has no relative operands). */
static inline void x86_jump_align(struct x86_buf *b, unsigned n)
{
    uint8_t *from = b->fuse && b->fuse <= b->p ? b->fuse : b->p;
    b->fuse = NULL;
    if (!b->align)
        return;
    unsigned len = (unsigned)(b->p - from) + n, off = (unsigned)((uintptr_t)from & 31);
    if (off + len < 32 || len > 32)
        return;
    unsigned pad = 32 - off;
    if ((size_t)(b->end - b->p) < pad) {
        b->overflow = true;
        return;
    }
    memmove(from + pad, from, (size_t)(b->p - from));
    x86_fill_nops(from, pad);
    b->p += pad;
}

static inline uint8_t *x86_jcc(struct x86_buf *b, enum x86_cc cc)
{
    x86_jump_align(b, 6);
    x86_u8(b, 0x0f);
    x86_u8(b, 0x80 + cc);
    uint8_t *at = b->p;
    x86_u32(b, 0);
    return b->overflow ? NULL : at;
}

static inline uint8_t *x86_jmp(struct x86_buf *b)
{
    x86_jump_align(b, 5);
    x86_u8(b, 0xe9);
    uint8_t *at = b->p;
    x86_u32(b, 0);
    return b->overflow ? NULL : at;
}

/* Point the rel32 field at `at` to `target` (both in the same buffer view). */
static inline void x86_patch_rel32(uint8_t *at, const uint8_t *target)
{
    if (!at)
        return;
    int32_t rel = (int32_t)(target - (at + 4));
    memcpy(at, &rel, 4);
}

static inline void x86_jmp_to(struct x86_buf *b, const uint8_t *target)
{
    x86_patch_rel32(x86_jmp(b), target);
}

static inline void x86_jcc_to(struct x86_buf *b, enum x86_cc cc, const uint8_t *target)
{
    x86_patch_rel32(x86_jcc(b, cc), target);
}

static inline void x86_jmp_m(struct x86_buf *b, int base, int32_t disp) /* jmp [base+disp] */
{
    static const uint8_t op[] = {0xff};
    x86_jump_align(b, 7);
    x86_op_rm(b, false, op, 1, 4, base, X_NONE, 1, disp);
}

static inline void x86_call_to(struct x86_buf *b, const uint8_t *target) /* call rel32 */
{
    x86_jump_align(b, 5);
    x86_u8(b, 0xe8);
    uint8_t *at = b->p;
    x86_u32(b, 0);
    if (!b->overflow)
        x86_patch_rel32(at, target);
}

static inline void x86_call_r(struct x86_buf *b, int r)
{
    x86_jump_align(b, 3);
    x86_rex(b, false, X_NONE, X_NONE, r, false);
    x86_u8(b, 0xff);
    x86_modrm_reg(b, 2, r);
}

static inline void x86_jmp_r(struct x86_buf *b, int r)
{
    x86_jump_align(b, 3);
    x86_rex(b, false, X_NONE, X_NONE, r, false);
    x86_u8(b, 0xff);
    x86_modrm_reg(b, 4, r);
}

static inline void x86_push(struct x86_buf *b, int r)
{
    x86_rex(b, false, X_NONE, X_NONE, r, false);
    x86_u8(b, 0x50 + ((unsigned)r & 7));
}

static inline void x86_pop(struct x86_buf *b, int r)
{
    x86_rex(b, false, X_NONE, X_NONE, r, false);
    x86_u8(b, 0x58 + ((unsigned)r & 7));
}

static inline void x86_ret(struct x86_buf *b)
{
    x86_u8(b, 0xc3);
}

static inline void x86_mfence(struct x86_buf *b)
{
    static const uint8_t op[] = {0x0f, 0xae, 0xf0};
    x86_bytes(b, op, 3);
}

/* ---- SSE scalar floating point (xmm registers 0-15) ---- */

/* prefix 0F op xmm, [base + disp] / the reverse, with REX.W when w. */
/* ldmxcsr / stmxcsr [base + disp] */
static inline void x86_ldmxcsr(struct x86_buf *b, int base, int32_t disp)
{
    static const uint8_t op[] = {0x0f, 0xae};
    x86_op_rm(b, false, op, 2, 2, base, X_NONE, 1, disp);
}

static inline void x86_stmxcsr(struct x86_buf *b, int base, int32_t disp)
{
    static const uint8_t op[] = {0x0f, 0xae};
    x86_op_rm(b, false, op, 2, 3, base, X_NONE, 1, disp);
}

static inline void x86_sse_rm(struct x86_buf *b, uint8_t prefix, uint8_t op, bool w, int xmm,
                              int base, int32_t disp)
{
    if (prefix)
        x86_u8(b, prefix);
    uint8_t ops[2] = {0x0f, op};
    x86_op_rm(b, w, ops, 2, xmm, base, X_NONE, 1, disp);
}

static inline void x86_sse_rr(struct x86_buf *b, uint8_t prefix, uint8_t op, bool w, int reg,
                              int rm)
{
    if (prefix)
        x86_u8(b, prefix);
    uint8_t ops[2] = {0x0f, op};
    x86_op_rr(b, w, ops, 2, reg, rm);
}

/* movq xmm, m64 / movq m64, xmm; movd xmm, m32 / movd m32, xmm */
static inline void x86_movq_load(struct x86_buf *b, int xmm, int base, int32_t disp)
{
    x86_sse_rm(b, 0xf3, 0x7e, false, xmm, base, disp);
}
static inline void x86_movq_store(struct x86_buf *b, int base, int32_t disp, int xmm)
{
    x86_sse_rm(b, 0x66, 0xd6, false, xmm, base, disp);
}
static inline void x86_movd_load(struct x86_buf *b, int xmm, int base, int32_t disp)
{
    x86_sse_rm(b, 0x66, 0x6e, false, xmm, base, disp);
}
/* movq r64, xmm and movd r32, xmm (66 0F 7E: xmm is the reg field) */
static inline void x86_movq_to_gpr(struct x86_buf *b, int gpr, int xmm, bool w)
{
    x86_sse_rr(b, 0x66, 0x7e, w, xmm, gpr);
}

/* Scalar arithmetic xmm_d op= xmm_s: op 58 add, 59 mul, 5C sub, 5E div, 51 sqrt;
 * dbl: F2 (sd) else F3 (ss). */
static inline void x86_sse_arith(struct x86_buf *b, uint8_t op, bool dbl, int xd, int xs)
{
    x86_sse_rr(b, dbl ? 0xf2 : 0xf3, op, false, xd, xs);
}

/* VEX FMA3, 231 form: xd = +-(x2 * x3) +- xd. op: B9 fmadd, BB fmsub, BD fnmadd,
 * BF fnmsub; W1 double, W0 single. */
static inline void x86_fma231(struct x86_buf *b, uint8_t op, bool dbl, int xd, int x2, int x3)
{
    x86_vex(b, 2, 1, dbl, xd, x2, x3, op);
}

#endif
