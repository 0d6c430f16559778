/* Decoder: every instruction format, the compressed expansions, and the
 * encodings that must be illegal. Encodings come from GNU as (binutils
 * 2.40, -M no-aliases); the expected fields are written by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "riscv/decode.h"
#include "vm/error.h"
#include "vm/riscv_isa.h"

static struct vm_riscv_isa full_isa(void)
{
    struct vm_riscv_isa isa;
    vm_riscv_isa_default(&isa);
    return isa;
}

struct dcase {
    uint32_t bits;
    int op, rd, rs1, rs2; /* -1: not checked */
    int32_t imm;
    int check_imm;
    int fmt, sub, rm, rs3; /* FP fields; -1: not checked */
    const char *text;
};

static const struct dcase cases[] = {
    {0x12345537, RV_OP_LUI, 10, -1, -1, 305418240, 1, -1, -1, -1, -1, "lui a0, 0x12345"},
    {0xfffff2b7, RV_OP_LUI, 5, -1, -1, -4096, 1, -1, -1, -1, -1, "lui t0, 0xfffff"},
    {0x00001097, RV_OP_AUIPC, 1, -1, -1, 4096, 1, -1, -1, -1, -1, "auipc ra, 0x1"},
    {0x001000ef, RV_OP_JAL, 1, -1, -1, 2048, 1, -1, -1, -1, -1, "jal ra, .+2048"},
    {0xffdff06f, RV_OP_JAL, 0, -1, -1, -4, 1, -1, -1, -1, -1, "jal zero, .-4"},
    {0x008582e7, RV_OP_JALR, 5, 11, -1, 8, 1, -1, -1, -1, -1, "jalr t0, 8(a1)"},
    {0x00b50863, RV_OP_BEQ, -1, 10, 11, 16, 1, -1, -1, -1, -1, "beq a0, a1, .+16"},
    {0x80629063, RV_OP_BNE, -1, 5, 6, -4096, 1, -1, -1, -1, -1, "bne t0, t1, .-4096"},
    {0x7ed64fe3, RV_OP_BLT, -1, 12, 13, 4094, 1, -1, -1, -1, -1, "blt a2, a3, .+4094"},
    {0xfe945fe3, RV_OP_BGE, -1, 8, 9, -2, 1, -1, -1, -1, -1, "bge s0, s1, .-2"},
    {0x00f76463, RV_OP_BLTU, -1, 14, 15, 8, 1, -1, -1, -1, -1, "bltu a4, a5, .+8"},
    {0x01187463, RV_OP_BGEU, -1, 16, 17, 8, 1, -1, -1, -1, -1, "bgeu a6, a7, .+8"},
    {0xfff10503, RV_OP_LB, 10, 2, -1, -1, 1, -1, -1, -1, -1, "lb a0, -1(sp)"},
    {0x7ff11503, RV_OP_LH, 10, 2, -1, 2047, 1, -1, -1, -1, -1, "lh a0, 2047(sp)"},
    {0x80012503, RV_OP_LW, 10, 2, -1, -2048, 1, -1, -1, -1, -1, "lw a0, -2048(sp)"},
    {0x010fbd83, RV_OP_LD, 27, 31, -1, 16, 1, -1, -1, -1, -1, "ld s11, 16(t6)"},
    {0x00054503, RV_OP_LBU, 10, 10, -1, 0, 1, -1, -1, -1, -1, "lbu a0, 0(a0)"},
    {0x00055503, RV_OP_LHU, 10, 10, -1, 0, 1, -1, -1, -1, -1, "lhu a0, 0(a0)"},
    {0x00456503, RV_OP_LWU, 10, 10, -1, 4, 1, -1, -1, -1, -1, "lwu a0, 4(a0)"},
    {0xfeb50fa3, RV_OP_SB, -1, 10, 11, -1, 1, -1, -1, -1, -1, "sb a1, -1(a0)"},
    {0x7eb51fa3, RV_OP_SH, -1, 10, 11, 2047, 1, -1, -1, -1, -1, "sh a1, 2047(a0)"},
    {0x80b52023, RV_OP_SW, -1, 10, 11, -2048, 1, -1, -1, -1, -1, "sw a1, -2048(a0)"},
    {0x00713c23, RV_OP_SD, -1, 2, 7, 24, 1, -1, -1, -1, -1, "sd t2, 24(sp)"},
    {0xffb58513, RV_OP_ADDI, 10, 11, -1, -5, 1, -1, -1, -1, -1, "addi a0, a1, -5"},
    {0x0055a513, RV_OP_SLTI, 10, 11, -1, 5, 1, -1, -1, -1, -1, "slti a0, a1, 5"},
    {0xfff5b513, RV_OP_SLTIU, 10, 11, -1, -1, 1, -1, -1, -1, -1, "sltiu a0, a1, -1"},
    {0x7ff5c513, RV_OP_XORI, 10, 11, -1, 2047, 1, -1, -1, -1, -1, "xori a0, a1, 0x7ff"},
    {0x0015e513, RV_OP_ORI, 10, 11, -1, 1, 1, -1, -1, -1, -1, "ori a0, a1, 1"},
    {0xff05f513, RV_OP_ANDI, 10, 11, -1, -16, 1, -1, -1, -1, -1, "andi a0, a1, -16"},
    {0x03f59513, RV_OP_SLLI, 10, 11, -1, 63, 1, -1, -1, -1, -1, "slli a0, a1, 63"},
    {0x0205d513, RV_OP_SRLI, 10, 11, -1, 32, 1, -1, -1, -1, -1, "srli a0, a1, 32"},
    {0x4015d513, RV_OP_SRAI, 10, 11, -1, 1, 1, -1, -1, -1, -1, "srai a0, a1, 1"},
    {0x00c58533, RV_OP_ADD, 10, 11, 12, 0, 0, -1, -1, -1, -1, "add a0, a1, a2"},
    {0x40c58533, RV_OP_SUB, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sub a0, a1, a2"},
    {0x00c59533, RV_OP_SLL, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sll a0, a1, a2"},
    {0x00c5a533, RV_OP_SLT, 10, 11, 12, 0, 0, -1, -1, -1, -1, "slt a0, a1, a2"},
    {0x00c5b533, RV_OP_SLTU, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sltu a0, a1, a2"},
    {0x00c5c533, RV_OP_XOR, 10, 11, 12, 0, 0, -1, -1, -1, -1, "xor a0, a1, a2"},
    {0x00c5d533, RV_OP_SRL, 10, 11, 12, 0, 0, -1, -1, -1, -1, "srl a0, a1, a2"},
    {0x40c5d533, RV_OP_SRA, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sra a0, a1, a2"},
    {0x00c5e533, RV_OP_OR, 10, 11, 12, 0, 0, -1, -1, -1, -1, "or a0, a1, a2"},
    {0x00c5f533, RV_OP_AND, 10, 11, 12, 0, 0, -1, -1, -1, -1, "and a0, a1, a2"},
    {0xfff5851b, RV_OP_ADDIW, 10, 11, -1, -1, 1, -1, -1, -1, -1, "addiw a0, a1, -1"},
    {0x01f5951b, RV_OP_SLLIW, 10, 11, -1, 31, 1, -1, -1, -1, -1, "slliw a0, a1, 31"},
    {0x0035d51b, RV_OP_SRLIW, 10, 11, -1, 3, 1, -1, -1, -1, -1, "srliw a0, a1, 3"},
    {0x4035d51b, RV_OP_SRAIW, 10, 11, -1, 3, 1, -1, -1, -1, -1, "sraiw a0, a1, 3"},
    {0x00c5853b, RV_OP_ADDW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "addw a0, a1, a2"},
    {0x40c5853b, RV_OP_SUBW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "subw a0, a1, a2"},
    {0x00c5953b, RV_OP_SLLW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sllw a0, a1, a2"},
    {0x00c5d53b, RV_OP_SRLW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "srlw a0, a1, a2"},
    {0x40c5d53b, RV_OP_SRAW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sraw a0, a1, a2"},
    {0x0ff0000f, RV_OP_FENCE, -1, -1, -1, 0, 0, -1, -1, -1, -1, "fence"},
    {0x8330000f, RV_OP_FENCE, -1, -1, -1, 0, 0, -1, -1, -1, -1, "fence.tso"},
    {0x0000100f, RV_OP_FENCE_I, -1, -1, -1, 0, 0, -1, -1, -1, -1, "fence.i"},
    {0x02c58533, RV_OP_MUL, 10, 11, 12, 0, 0, -1, -1, -1, -1, "mul a0, a1, a2"},
    {0x02c59533, RV_OP_MULH, 10, 11, 12, 0, 0, -1, -1, -1, -1, "mulh a0, a1, a2"},
    {0x02c5a533, RV_OP_MULHSU, 10, 11, 12, 0, 0, -1, -1, -1, -1, "mulhsu a0, a1, a2"},
    {0x02c5b533, RV_OP_MULHU, 10, 11, 12, 0, 0, -1, -1, -1, -1, "mulhu a0, a1, a2"},
    {0x02c5c533, RV_OP_DIV, 10, 11, 12, 0, 0, -1, -1, -1, -1, "div a0, a1, a2"},
    {0x02c5d533, RV_OP_DIVU, 10, 11, 12, 0, 0, -1, -1, -1, -1, "divu a0, a1, a2"},
    {0x02c5e533, RV_OP_REM, 10, 11, 12, 0, 0, -1, -1, -1, -1, "rem a0, a1, a2"},
    {0x02c5f533, RV_OP_REMU, 10, 11, 12, 0, 0, -1, -1, -1, -1, "remu a0, a1, a2"},
    {0x02c5853b, RV_OP_MULW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "mulw a0, a1, a2"},
    {0x02c5c53b, RV_OP_DIVW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "divw a0, a1, a2"},
    {0x02c5d53b, RV_OP_DIVUW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "divuw a0, a1, a2"},
    {0x02c5e53b, RV_OP_REMW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "remw a0, a1, a2"},
    {0x02c5f53b, RV_OP_REMUW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "remuw a0, a1, a2"},
    {0x1005a52f, RV_OP_LR_W, 10, 11, 0, 0, 0, -1, -1, -1, -1, "lr.w a0, (a1)"},
    {0x18c5a52f, RV_OP_SC_W, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sc.w a0, a2, (a1)"},
    {0x0ec5a52f, RV_OP_AMOSWAP_W, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amoswap.w.aqrl a0, a2, (a1)"},
    {0x00c5a52f, RV_OP_AMOADD_W, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amoadd.w a0, a2, (a1)"},
    {0x20c5a52f, RV_OP_AMOXOR_W, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amoxor.w a0, a2, (a1)"},
    {0x60c5a52f, RV_OP_AMOAND_W, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amoand.w a0, a2, (a1)"},
    {0x40c5a52f, RV_OP_AMOOR_W, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amoor.w a0, a2, (a1)"},
    {0x80c5a52f, RV_OP_AMOMIN_W, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amomin.w a0, a2, (a1)"},
    {0xa0c5a52f, RV_OP_AMOMAX_W, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amomax.w a0, a2, (a1)"},
    {0xc0c5a52f, RV_OP_AMOMINU_W, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amominu.w a0, a2, (a1)"},
    {0xe0c5a52f, RV_OP_AMOMAXU_W, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amomaxu.w a0, a2, (a1)"},
    {0x1405b52f, RV_OP_LR_D, 10, 11, 0, 0, 0, -1, -1, -1, -1, "lr.d.aq a0, (a1)"},
    {0x1ac5b52f, RV_OP_SC_D, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sc.d.rl a0, a2, (a1)"},
    {0x08c5b52f, RV_OP_AMOSWAP_D, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amoswap.d a0, a2, (a1)"},
    {0x00c5b52f, RV_OP_AMOADD_D, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amoadd.d a0, a2, (a1)"},
    {0x20c5b52f, RV_OP_AMOXOR_D, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amoxor.d a0, a2, (a1)"},
    {0x60c5b52f, RV_OP_AMOAND_D, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amoand.d a0, a2, (a1)"},
    {0x40c5b52f, RV_OP_AMOOR_D, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amoor.d a0, a2, (a1)"},
    {0x80c5b52f, RV_OP_AMOMIN_D, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amomin.d a0, a2, (a1)"},
    {0xa0c5b52f, RV_OP_AMOMAX_D, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amomax.d a0, a2, (a1)"},
    {0xc0c5b52f, RV_OP_AMOMINU_D, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amominu.d a0, a2, (a1)"},
    {0xe0c5b52f, RV_OP_AMOMAXU_D, 10, 11, 12, 0, 0, -1, -1, -1, -1, "amomaxu.d a0, a2, (a1)"},
    {0x0085a507, RV_OP_FLW, 10, 11, -1, 8, 1, -1, -1, -1, -1, "flw fa0, 8(a1)"},
    {0xff813407, RV_OP_FLD, 8, 2, -1, -8, 1, -1, -1, -1, -1, "fld fs0, -8(sp)"},
    {0x00a5a427, RV_OP_FSW, -1, 11, 10, 8, 1, -1, -1, -1, -1, "fsw fa0, 8(a1)"},
    {0xfe813c27, RV_OP_FSD, -1, 2, 8, -8, 1, -1, -1, -1, -1, "fsd fs0, -8(sp)"},
    {0x30059573, RV_OP_CSRRW, 10, 11, -1, 768, 1, -1, -1, -1, -1, "csrrw a0, mstatus, a1"},
    {0x34402573, RV_OP_CSRRS, 10, 0, -1, 836, 1, -1, -1, -1, -1, "csrrs a0, mip, zero"},
    {0x1045b073, RV_OP_CSRRC, 0, 11, -1, 260, 1, -1, -1, -1, -1, "csrrc zero, sie, a1"},
    {0x7c0fd573, RV_OP_CSRRWI, 10, 31, -1, 1984, 1, -1, -1, -1, -1, "csrrwi a0, 0x7c0, 31"},
    {0x0010e573, RV_OP_CSRRSI, 10, 1, -1, 1, 1, -1, -1, -1, -1, "csrrsi a0, fflags, 1"},
    {0xc0007573, RV_OP_CSRRCI, 10, 0, -1, 3072, 1, -1, -1, -1, -1, "csrrci a0, cycle, 0"},
    {0x00000073, RV_OP_ECALL, -1, -1, -1, 0, 0, -1, -1, -1, -1, "ecall"},
    {0x00100073, RV_OP_EBREAK, -1, -1, -1, 0, 0, -1, -1, -1, -1, "ebreak"},
    {0x30200073, RV_OP_MRET, -1, -1, -1, 0, 0, -1, -1, -1, -1, "mret"},
    {0x10200073, RV_OP_SRET, -1, -1, -1, 0, 0, -1, -1, -1, -1, "sret"},
    {0x10500073, RV_OP_WFI, -1, -1, -1, 0, 0, -1, -1, -1, -1, "wfi"},
    {0x12b50073, RV_OP_SFENCE_VMA, -1, 10, 11, 0, 0, -1, -1, -1, -1, "sfence.vma a0, a1"},
    {0x12000073, RV_OP_SFENCE_VMA, -1, 0, 0, 0, 0, -1, -1, -1, -1, "sfence.vma"},
    {0x16b50073, RV_OP_SFENCE_VMA, -1, 10, 11, 0, 0, -1, -1, -1, -1, "sinval.vma a0, a1"},
    {0x18000073, RV_OP_SFENCE_INVAL, -1, -1, -1, 0, 0, -1, -1, -1, -1, "sfence.w.inval"},
    {0x18100073, RV_OP_SFENCE_INVAL, -1, -1, -1, 0, 0, -1, -1, -1, -1, "sfence.inval.ir"},
    {0x0005200f, RV_OP_CBO_MGMT, -1, 10, -1, 0, 1, -1, -1, -1, -1, "cbo.inval (a0)"},
    {0x0015200f, RV_OP_CBO_MGMT, -1, 10, -1, 1, 1, -1, -1, -1, -1, "cbo.clean (a0)"},
    {0x0025200f, RV_OP_CBO_MGMT, -1, 10, -1, 2, 1, -1, -1, -1, -1, "cbo.flush (a0)"},
    {0x0045200f, RV_OP_CBO_ZERO, -1, 10, -1, 4, 1, -1, -1, -1, -1, "cbo.zero (a0)"},
    {0x08c5853b, RV_OP_ADD_UW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "add.uw a0, a1, a2"},
    {0x20c5a533, RV_OP_SH1ADD, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sh1add a0, a1, a2"},
    {0x20c5c533, RV_OP_SH2ADD, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sh2add a0, a1, a2"},
    {0x20c5e533, RV_OP_SH3ADD, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sh3add a0, a1, a2"},
    {0x20c5a53b, RV_OP_SH1ADD_UW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sh1add.uw a0, a1, a2"},
    {0x20c5c53b, RV_OP_SH2ADD_UW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sh2add.uw a0, a1, a2"},
    {0x20c5e53b, RV_OP_SH3ADD_UW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "sh3add.uw a0, a1, a2"},
    {0x0a85951b, RV_OP_SLLI_UW, 10, 11, -1, 40, 1, -1, -1, -1, -1, "slli.uw a0, a1, 40"},
    {0x40c5f533, RV_OP_ANDN, 10, 11, 12, 0, 0, -1, -1, -1, -1, "andn a0, a1, a2"},
    {0x40c5e533, RV_OP_ORN, 10, 11, 12, 0, 0, -1, -1, -1, -1, "orn a0, a1, a2"},
    {0x40c5c533, RV_OP_XNOR, 10, 11, 12, 0, 0, -1, -1, -1, -1, "xnor a0, a1, a2"},
    {0x60059513, RV_OP_CLZ, 10, 11, -1, 0, 0, -1, -1, -1, -1, "clz a0, a1"},
    {0x6005951b, RV_OP_CLZW, 10, 11, -1, 0, 0, -1, -1, -1, -1, "clzw a0, a1"},
    {0x60159513, RV_OP_CTZ, 10, 11, -1, 0, 0, -1, -1, -1, -1, "ctz a0, a1"},
    {0x6015951b, RV_OP_CTZW, 10, 11, -1, 0, 0, -1, -1, -1, -1, "ctzw a0, a1"},
    {0x60259513, RV_OP_CPOP, 10, 11, -1, 0, 0, -1, -1, -1, -1, "cpop a0, a1"},
    {0x6025951b, RV_OP_CPOPW, 10, 11, -1, 0, 0, -1, -1, -1, -1, "cpopw a0, a1"},
    {0x0ac5e533, RV_OP_MAX, 10, 11, 12, 0, 0, -1, -1, -1, -1, "max a0, a1, a2"},
    {0x0ac5f533, RV_OP_MAXU, 10, 11, 12, 0, 0, -1, -1, -1, -1, "maxu a0, a1, a2"},
    {0x0ac5c533, RV_OP_MIN, 10, 11, 12, 0, 0, -1, -1, -1, -1, "min a0, a1, a2"},
    {0x0ac5d533, RV_OP_MINU, 10, 11, 12, 0, 0, -1, -1, -1, -1, "minu a0, a1, a2"},
    {0x60459513, RV_OP_SEXT_B, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sext.b a0, a1"},
    {0x60559513, RV_OP_SEXT_H, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sext.h a0, a1"},
    {0x0805c53b, RV_OP_ZEXT_H, 10, 11, -1, 0, 0, -1, -1, -1, -1, "zext.h a0, a1"},
    {0x60c59533, RV_OP_ROL, 10, 11, 12, 0, 0, -1, -1, -1, -1, "rol a0, a1, a2"},
    {0x60c5953b, RV_OP_ROLW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "rolw a0, a1, a2"},
    {0x60c5d533, RV_OP_ROR, 10, 11, 12, 0, 0, -1, -1, -1, -1, "ror a0, a1, a2"},
    {0x60c5d53b, RV_OP_RORW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "rorw a0, a1, a2"},
    {0x6215d513, RV_OP_RORI, 10, 11, -1, 33, 1, -1, -1, -1, -1, "rori a0, a1, 33"},
    {0x6055d51b, RV_OP_RORIW, 10, 11, -1, 5, 1, -1, -1, -1, -1, "roriw a0, a1, 5"},
    {0x2875d513, RV_OP_ORC_B, 10, 11, -1, 0, 0, -1, -1, -1, -1, "orc.b a0, a1"},
    {0x6b85d513, RV_OP_REV8, 10, 11, -1, 0, 0, -1, -1, -1, -1, "rev8 a0, a1"},
    {0x48c59533, RV_OP_BCLR, 10, 11, 12, 0, 0, -1, -1, -1, -1, "bclr a0, a1, a2"},
    {0x4bf59513, RV_OP_BCLRI, 10, 11, -1, 63, 1, -1, -1, -1, -1, "bclri a0, a1, 63"},
    {0x48c5d533, RV_OP_BEXT, 10, 11, 12, 0, 0, -1, -1, -1, -1, "bext a0, a1, a2"},
    {0x4875d513, RV_OP_BEXTI, 10, 11, -1, 7, 1, -1, -1, -1, -1, "bexti a0, a1, 7"},
    {0x68c59533, RV_OP_BINV, 10, 11, 12, 0, 0, -1, -1, -1, -1, "binv a0, a1, a2"},
    {0x68159513, RV_OP_BINVI, 10, 11, -1, 1, 1, -1, -1, -1, -1, "binvi a0, a1, 1"},
    {0x28c59533, RV_OP_BSET, 10, 11, 12, 0, 0, -1, -1, -1, -1, "bset a0, a1, a2"},
    {0x2a859513, RV_OP_BSETI, 10, 11, -1, 40, 1, -1, -1, -1, -1, "bseti a0, a1, 40"},
    {0x00c59553, RV_OP_FADD, 10, 11, 12, 0, 0, 0, 0, 1, -1, "fadd.s fa0, fa1, fa2, rtz"},
    {0x0ac5f553, RV_OP_FSUB, 10, 11, 12, 0, 0, 1, 0, 7, -1, "fsub.d fa0, fa1, fa2"},
    {0x12c58553, RV_OP_FMUL, 10, 11, 12, 0, 0, 1, 0, 0, -1, "fmul.d fa0, fa1, fa2, rne"},
    {0x18c5f553, RV_OP_FDIV, 10, 11, 12, 0, 0, 0, 0, 7, -1, "fdiv.s fa0, fa1, fa2"},
    {0x5a05f553, RV_OP_FSQRT, 10, 11, 0, 0, 0, 1, 0, 7, -1, "fsqrt.d fa0, fa1"},
    {0x20c58553, RV_OP_FSGNJ, 10, 11, 12, 0, 0, 0, 0, -1, -1, "fsgnj.s fa0, fa1, fa2"},
    {0x22c59553, RV_OP_FSGNJ, 10, 11, 12, 0, 0, 1, 1, -1, -1, "fsgnjn.d fa0, fa1, fa2"},
    {0x22c5a553, RV_OP_FSGNJ, 10, 11, 12, 0, 0, 1, 2, -1, -1, "fsgnjx.d fa0, fa1, fa2"},
    {0x28c58553, RV_OP_FMINMAX, 10, 11, 12, 0, 0, 0, 0, -1, -1, "fmin.s fa0, fa1, fa2"},
    {0x2ac59553, RV_OP_FMINMAX, 10, 11, 12, 0, 0, 1, 1, -1, -1, "fmax.d fa0, fa1, fa2"},
    {0xc0059553, RV_OP_FCVT_TO_INT, 10, 11, -1, 0, 0, 0, 0, 1, -1, "fcvt.w.s a0, fa1, rtz"},
    {0xc215f553, RV_OP_FCVT_TO_INT, 10, 11, -1, 0, 0, 1, 1, 7, -1, "fcvt.wu.d a0, fa1"},
    {0xc225f553, RV_OP_FCVT_TO_INT, 10, 11, -1, 0, 0, 1, 2, 7, -1, "fcvt.l.d a0, fa1"},
    {0xc035f553, RV_OP_FCVT_TO_INT, 10, 11, -1, 0, 0, 0, 3, 7, -1, "fcvt.lu.s a0, fa1"},
    {0xd005f553, RV_OP_FCVT_FROM_INT, 10, 11, -1, 0, 0, 0, 0, 7, -1, "fcvt.s.w fa0, a1"},
    {0xd235f553, RV_OP_FCVT_FROM_INT, 10, 11, -1, 0, 0, 1, 3, 7, -1, "fcvt.d.lu fa0, a1"},
    {0x4015f553, RV_OP_FCVT_FMT, 10, 11, -1, 0, 0, 0, 1, 7, -1, "fcvt.s.d fa0, fa1"},
    {0x42058553, RV_OP_FCVT_FMT, 10, 11, -1, 0, 0, 1, 0, -1, -1, "fcvt.d.s fa0, fa1"},
    {0xe0058553, RV_OP_FMV_X_F, 10, 11, -1, 0, 0, 0, 0, -1, -1, "fmv.x.w a0, fa1"},
    {0xe2058553, RV_OP_FMV_X_F, 10, 11, -1, 0, 0, 1, 0, -1, -1, "fmv.x.d a0, fa1"},
    {0xf0058553, RV_OP_FMV_F_X, 10, 11, -1, 0, 0, 0, 0, -1, -1, "fmv.w.x fa0, a1"},
    {0xf2058553, RV_OP_FMV_F_X, 10, 11, -1, 0, 0, 1, 0, -1, -1, "fmv.d.x fa0, a1"},
    {0xa0c5a553, RV_OP_FCMP, 10, 11, 12, 0, 0, 0, 2, -1, -1, "feq.s a0, fa1, fa2"},
    {0xa2c59553, RV_OP_FCMP, 10, 11, 12, 0, 0, 1, 1, -1, -1, "flt.d a0, fa1, fa2"},
    {0xa2c58553, RV_OP_FCMP, 10, 11, 12, 0, 0, 1, 0, -1, -1, "fle.d a0, fa1, fa2"},
    {0xe2059553, RV_OP_FCLASS, 10, 11, -1, 0, 0, 1, 0, -1, -1, "fclass.d a0, fa1"},
    {0x68c5f543, RV_OP_FMA, 10, 11, 12, 0, 0, 0, 0, 7, 13, "fmadd.s fa0, fa1, fa2, fa3"},
    {0x6ac5b547, RV_OP_FMA, 10, 11, 12, 0, 0, 1, 1, 3, 13, "fmsub.d fa0, fa1, fa2, fa3, rup"},
    {0xfac5f54b, RV_OP_FMA, 10, 11, 12, 0, 0, 1, 2, 7, 31, "fnmsub.d fa0, fa1, fa2, ft11"},
    {0x68c5f54f, RV_OP_FMA, 10, 11, 12, 0, 0, 0, 3, 7, 13, "fnmadd.s fa0, fa1, fa2, fa3"},
    {0x00001fe8, RV_OP_ADDI, 10, 2, -1, 1020, 1, -1, -1, -1, -1, "c.addi4spn a0, sp, 1020"},
    {0x00003de8, RV_OP_FLD, 10, 11, -1, 248, 1, -1, -1, -1, -1, "c.fld fa0, 248(a1)"},
    {0x00005de8, RV_OP_LW, 10, 11, -1, 124, 1, -1, -1, -1, -1, "c.lw a0, 124(a1)"},
    {0x00007de8, RV_OP_LD, 10, 11, -1, 248, 1, -1, -1, -1, -1, "c.ld a0, 248(a1)"},
    {0x0000a588, RV_OP_FSD, -1, 11, 10, 8, 1, -1, -1, -1, -1, "c.fsd fa0, 8(a1)"},
    {0x0000c1a8, RV_OP_SW, -1, 11, 10, 64, 1, -1, -1, -1, -1, "c.sw a0, 64(a1)"},
    {0x0000e1c8, RV_OP_SD, -1, 11, 10, 128, 1, -1, -1, -1, -1, "c.sd a0, 128(a1)"},
    {0x00000001, RV_OP_ADDI, 0, 0, -1, 0, 1, -1, -1, -1, -1, "c.nop"},
    {0x00001501, RV_OP_ADDI, 10, 10, -1, -32, 1, -1, -1, -1, -1, "c.addi a0, -32"},
    {0x0000257d, RV_OP_ADDIW, 10, 10, -1, 31, 1, -1, -1, -1, -1, "c.addiw a0, 31"},
    {0x000057fd, RV_OP_ADDI, 15, 0, -1, -1, 1, -1, -1, -1, -1, "c.li a5, -1"},
    {0x00007101, RV_OP_ADDI, 2, 2, -1, -512, 1, -1, -1, -1, -1, "c.addi16sp sp, -512"},
    {0x0000617d, RV_OP_ADDI, 2, 2, -1, 496, 1, -1, -1, -1, -1, "c.addi16sp sp, 496"},
    {0x00007501, RV_OP_LUI, 10, -1, -1, -131072, 1, -1, -1, -1, -1, "c.lui a0, 0xfffe0"},
    {0x00006305, RV_OP_LUI, 6, -1, -1, 4096, 1, -1, -1, -1, -1, "c.lui t1, 1"},
    {0x0000917d, RV_OP_SRLI, 10, 10, -1, 63, 1, -1, -1, -1, -1, "c.srli a0, 63"},
    {0x00008485, RV_OP_SRAI, 9, 9, -1, 1, 1, -1, -1, -1, -1, "c.srai s1, 1"},
    {0x0000997d, RV_OP_ANDI, 10, 10, -1, -1, 1, -1, -1, -1, -1, "c.andi a0, -1"},
    {0x00008d0d, RV_OP_SUB, 10, 10, 11, 0, 0, -1, -1, -1, -1, "c.sub a0, a1"},
    {0x00008d2d, RV_OP_XOR, 10, 10, 11, 0, 0, -1, -1, -1, -1, "c.xor a0, a1"},
    {0x00008d4d, RV_OP_OR, 10, 10, 11, 0, 0, -1, -1, -1, -1, "c.or a0, a1"},
    {0x00008d6d, RV_OP_AND, 10, 10, 11, 0, 0, -1, -1, -1, -1, "c.and a0, a1"},
    {0x00009d0d, RV_OP_SUBW, 10, 10, 11, 0, 0, -1, -1, -1, -1, "c.subw a0, a1"},
    {0x00009d2d, RV_OP_ADDW, 10, 10, 11, 0, 0, -1, -1, -1, -1, "c.addw a0, a1"},
    {0x0000b001, RV_OP_JAL, 0, -1, -1, -2048, 1, -1, -1, -1, -1, "c.j .-2048"},
    {0x0000affd, RV_OP_JAL, 0, -1, -1, 2046, 1, -1, -1, -1, -1, "c.j .+2046"},
    {0x0000d101, RV_OP_BEQ, -1, 10, 0, -256, 1, -1, -1, -1, -1, "c.beqz a0, .-256"},
    {0x0000ecfd, RV_OP_BNE, -1, 9, 0, 254, 1, -1, -1, -1, -1, "c.bnez s1, .+254"},
    {0x0000157e, RV_OP_SLLI, 10, 10, -1, 63, 1, -1, -1, -1, -1, "c.slli a0, 63"},
    {0x0000357e, RV_OP_FLD, 10, 2, -1, 504, 1, -1, -1, -1, -1, "c.fldsp fa0, 504(sp)"},
    {0x0000557e, RV_OP_LW, 10, 2, -1, 252, 1, -1, -1, -1, -1, "c.lwsp a0, 252(sp)"},
    {0x000070fe, RV_OP_LD, 1, 2, -1, 504, 1, -1, -1, -1, -1, "c.ldsp ra, 504(sp)"},
    {0x00008082, RV_OP_JALR, 0, 1, -1, 0, 1, -1, -1, -1, -1, "c.jr ra"},
    {0x0000852e, RV_OP_ADD, 10, 0, 11, 0, 0, -1, -1, -1, -1, "c.mv a0, a1"},
    {0x00009002, RV_OP_EBREAK, -1, -1, -1, 0, 0, -1, -1, -1, -1, "c.ebreak"},
    {0x00009282, RV_OP_JALR, 1, 5, -1, 0, 1, -1, -1, -1, -1, "c.jalr t0"},
    {0x0000952e, RV_OP_ADD, 10, 10, 11, 0, 0, -1, -1, -1, -1, "c.add a0, a1"},
    {0x0000bfaa, RV_OP_FSD, -1, 2, 10, 504, 1, -1, -1, -1, -1, "c.fsdsp fa0, 504(sp)"},
    {0x0000dfaa, RV_OP_SW, -1, 2, 10, 252, 1, -1, -1, -1, -1, "c.swsp a0, 252(sp)"},
    {0x0000ff86, RV_OP_SD, -1, 2, 1, 504, 1, -1, -1, -1, -1, "c.sdsp ra, 504(sp)"},
    /* Zbc, Zbkb, Zbkx, Zkn, Zks (GNU as 2.40) */
    {0x0ac59533, RV_OP_CLMUL, 10, 11, 12, 0, 0, -1, -1, -1, -1, "clmul a0, a1, a2"},
    {0x0ac5b533, RV_OP_CLMULH, 10, 11, 12, 0, 0, -1, -1, -1, -1, "clmulh a0, a1, a2"},
    {0x0ac5a533, RV_OP_CLMULR, 10, 11, 12, 0, 0, -1, -1, -1, -1, "clmulr a0, a1, a2"},
    {0x08c5c533, RV_OP_PACK, 10, 11, 12, 0, 0, -1, -1, -1, -1, "pack a0, a1, a2"},
    {0x08c5f533, RV_OP_PACKH, 10, 11, 12, 0, 0, -1, -1, -1, -1, "packh a0, a1, a2"},
    {0x08c5c53b, RV_OP_PACKW, 10, 11, 12, 0, 0, -1, -1, -1, -1, "packw a0, a1, a2"},
    {0x6875d513, RV_OP_BREV8, 10, 11, -1, 0, 0, -1, -1, -1, -1, "brev8 a0, a1"},
    {0x28c5a533, RV_OP_XPERM4, 10, 11, 12, 0, 0, -1, -1, -1, -1, "xperm4 a0, a1, a2"},
    {0x28c5c533, RV_OP_XPERM8, 10, 11, 12, 0, 0, -1, -1, -1, -1, "xperm8 a0, a1, a2"},
    {0x32c58533, RV_OP_AES64ES, 10, 11, 12, 0, 0, -1, -1, -1, -1, "aes64es a0, a1, a2"},
    {0x36c58533, RV_OP_AES64ESM, 10, 11, 12, 0, 0, -1, -1, -1, -1, "aes64esm a0, a1, a2"},
    {0x3ac58533, RV_OP_AES64DS, 10, 11, 12, 0, 0, -1, -1, -1, -1, "aes64ds a0, a1, a2"},
    {0x3ec58533, RV_OP_AES64DSM, 10, 11, 12, 0, 0, -1, -1, -1, -1, "aes64dsm a0, a1, a2"},
    {0x30059513, RV_OP_AES64IM, 10, 11, -1, 0, 0, -1, -1, -1, -1, "aes64im a0, a1"},
    {0x31a59513, RV_OP_AES64KS1I, 10, 11, -1, 10, 1, -1, -1, -1, -1, "aes64ks1i a0, a1, 10"},
    {0x7ec58533, RV_OP_AES64KS2, 10, 11, 12, 0, 0, -1, -1, -1, -1, "aes64ks2 a0, a1, a2"},
    {0x10259513, RV_OP_SHA256SIG0, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sha256sig0 a0, a1"},
    {0x10359513, RV_OP_SHA256SIG1, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sha256sig1 a0, a1"},
    {0x10059513, RV_OP_SHA256SUM0, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sha256sum0 a0, a1"},
    {0x10159513, RV_OP_SHA256SUM1, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sha256sum1 a0, a1"},
    {0x10659513, RV_OP_SHA512SIG0, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sha512sig0 a0, a1"},
    {0x10759513, RV_OP_SHA512SIG1, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sha512sig1 a0, a1"},
    {0x10459513, RV_OP_SHA512SUM0, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sha512sum0 a0, a1"},
    {0x10559513, RV_OP_SHA512SUM1, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sha512sum1 a0, a1"},
    {0xf0c58533, RV_OP_SM4ED, 10, 11, 12, 3, 1, -1, -1, -1, -1, "sm4ed a0, a1, a2, 3"},
    {0x74c58533, RV_OP_SM4KS, 10, 11, 12, 1, 1, -1, -1, -1, -1, "sm4ks a0, a1, a2, 1"},
    {0x10859513, RV_OP_SM3P0, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sm3p0 a0, a1"},
    {0x10959513, RV_OP_SM3P1, 10, 11, -1, 0, 0, -1, -1, -1, -1, "sm3p1 a0, a1"},
    /* Zfh, Zfhmin (GNU as 2.40) */
    {0x00659507, RV_OP_FLH, 10, 11, -1, 6, 1, -1, -1, -1, -1, "flh fa0, 6(a1)"},
    {0x00a59327, RV_OP_FSH, -1, 11, 10, 6, 1, -1, -1, -1, -1, "fsh fa0, 6(a1)"},
    {0x04c59553, RV_OP_FADD, 10, 11, 12, 0, 0, 2, -1, 1, -1, "fadd.h fa0, fa1, fa2, rtz"},
    {0x6cc5f543, RV_OP_FMA, 10, 11, 12, 0, 0, 2, 0, 7, 13, "fmadd.h fa0, fa1, fa2, fa3"},
    {0x40258553, RV_OP_FCVT_FMT, 10, 11, -1, 0, 0, 0, 2, -1, -1, "fcvt.s.h fa0, fa1"},
    {0x44058553, RV_OP_FCVT_FMT, 10, 11, -1, 0, 0, 2, 0, 0, -1, "fcvt.h.s fa0, fa1, rne"},
    {0x42258553, RV_OP_FCVT_FMT, 10, 11, -1, 0, 0, 1, 2, -1, -1, "fcvt.d.h fa0, fa1"},
    {0x4415f553, RV_OP_FCVT_FMT, 10, 11, -1, 0, 0, 2, 1, 7, -1, "fcvt.h.d fa0, fa1"},
    {0xe4058553, RV_OP_FMV_X_F, 10, 11, -1, 0, 0, 2, -1, -1, -1, "fmv.x.h a0, fa1"},
    {0xf4058553, RV_OP_FMV_F_X, 10, 11, -1, 0, 0, 2, -1, -1, -1, "fmv.h.x fa0, a1"},
    {0xe4059553, RV_OP_FCLASS, 10, 11, -1, 0, 0, 2, -1, -1, -1, "fclass.h a0, fa1"},
    {0xc425f553, RV_OP_FCVT_TO_INT, 10, 11, -1, 0, 0, 2, 2, 7, -1, "fcvt.l.h a0, fa1"},
    /* Zicond, Zimop, Zfa, Zcb, Zcmop: binutils 2.40 lacks them, encoded by
     * hand from the specs */
    {0x0ec5d533, RV_OP_CZERO_EQZ, 10, 11, 12, 0, 0, -1, -1, -1, -1, "czero.eqz a0, a1, a2"},
    {0x0ec5f533, RV_OP_CZERO_NEZ, 10, 11, 12, 0, 0, -1, -1, -1, -1, "czero.nez a0, a1, a2"},
    {0x81c5c573, RV_OP_ADDI, 10, 0, -1, 0, 1, -1, -1, -1, -1, "mop.r.0 a0, a1 (= li a0, 0)"},
    {0x82c5c573, RV_OP_ADDI, 10, 0, -1, 0, 1, -1, -1, -1, -1, "mop.rr.0 a0, a1, a2"},
    {0xf0180553, RV_OP_FLI, 10, 16, -1, 0, 0, 0, -1, -1, -1, "fli.s fa0, 1.0"},
    {0x28c5a553, RV_OP_FMINMAX, 10, 11, 12, 0, 0, 0, 2, -1, -1, "fminm.s fa0, fa1, fa2"},
    {0x42459553, RV_OP_FROUND, 10, 11, -1, 0, 0, 1, 0, 1, -1, "fround.d fa0, fa1, rtz"},
    {0xc2859553, RV_OP_FCVTMOD, 10, 11, -1, 0, 0, 1, -1, 1, -1, "fcvtmod.w.d a0, fa1, rtz"},
    {0xa2c5c553, RV_OP_FCMP, 10, 11, 12, 0, 0, 1, 4, -1, -1, "fleq.d a0, fa1, fa2"},
    {0xa0c5d553, RV_OP_FCMP, 10, 11, 12, 0, 0, 0, 5, -1, -1, "fltq.s a0, fa1, fa2"},
    {0x000081c8, RV_OP_LBU, 10, 11, -1, 1, 1, -1, -1, -1, -1, "c.lbu a0, 1(a1)"},
    {0x00009d4d, RV_OP_MUL, 10, 10, 11, 0, 0, -1, -1, -1, -1, "c.mul a0, a1"},
    {0x00009d61, RV_OP_ANDI, 10, 10, -1, 255, 1, -1, -1, -1, -1, "c.zext.b a0"},
    {0x00009d75, RV_OP_XORI, 10, 10, -1, -1, 1, -1, -1, -1, -1, "c.not a0"},
    {0x00006081, RV_OP_ADDI, 0, -1, -1, 0, 1, -1, -1, -1, -1, "c.mop.1"},
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct dcase *c = &cases[i];
        struct rv_decoded d;
        struct vm_riscv_isa isa = full_isa();
        rv_decode(c->bits, &isa, &d);
        if (d.op != c->op)
            fail_msg("%s (0x%08x): op %s, expected %s", c->text, c->bits, rv_op_name(d.op),
                     rv_op_name(c->op));
#define CHECK(field, want)                                                             \
        if ((want) >= 0 && (int)d.field != (want))                                    \
            fail_msg("%s (0x%08x): " #field " %d, expected %d", c->text, c->bits,     \
                     (int)d.field, (int)(want));
        CHECK(rd, c->rd);
        CHECK(rs1, c->rs1);
        CHECK(rs2, c->rs2);
        CHECK(fmt, c->fmt);
        CHECK(sub, c->sub);
        CHECK(rm, c->rm);
        CHECK(rs3, c->rs3);
        if (c->check_imm && d.imm != c->imm)
            fail_msg("%s (0x%08x): imm %d, expected %d", c->text, c->bits, d.imm, c->imm);
        unsigned len = (c->bits & 3) == 3 ? 4 : 2;
        assert_int_equal(d.len, len);
        assert_int_equal(d.raw, len == 2 ? (c->bits & 0xffff) : c->bits);
    }
}

/* Encodings that are reserved or not implemented: illegal, never a no-op. */
static void test_illegal(void **state)
{
    (void)state;
    static const uint32_t bad[] = {
        0x00000000, /* all-zero parcel: C.ADDI4SPN with nzuimm 0 */
        0xffffffff, /* ...11111: a longer-than-32-bit encoding */
        0x0000001f, /* 48-bit encoding prefix */
        0x0000007f, /* 64-bit encoding prefix */
        0x4002,     /* c.lwsp x0: reserved */
        0x6002,     /* c.ldsp x0: reserved */
        0x8002,     /* c.jr x0: reserved */
        0x2001,     /* c.addiw x0: reserved */
        0x6101,     /* c.addi16sp with imm 0: reserved */
        0x6501,     /* c.lui a0, 0: reserved */
        0x9000,     /* quadrant 0, funct3 100, bits 12:10 = 100: reserved */
        0x8c40,     /* c.sh with bit 6 set: reserved */
        0x9c01 | (6u << 2) | 0x60, /* Zcb unary space, bits 4:2 = 110: reserved */
        0x6881,     /* c.lui a7 (odd), 0: c.mop only for x1..x15 */
        0x31b59513, /* aes64ks1i with rnum 11: reserved */
        0x80c5c573, /* SYSTEM funct3 4, bit 31, bits 25:22 not 0111: no mop */
        0xe2159553, /* fmvh.x.d: RV32 only */
        0xb2c58553, /* fmvp.d.x: RV32 only */
        0xc2858553, /* fcvtmod.w.d with rm != RTZ: reserved */
        0x46358553, /* fcvt.h.h: not a conversion */
        0x0000100b, /* custom-0 opcode */
        0x00001067, /* jalr with funct3 1 */
        0x00002063, /* branch funct3 2 */
        0x00007003, /* load funct3 7 */
        0x00004023, /* store funct3 4 */
        0x0030200f, /* CBO operation 3: reserved */
        0x0055200f, /* CBO operation 5: reserved */
        0x0005208f, /* cbo.inval with rd != 0 */
        0x18200073, /* SFENCE.W.INVAL's neighbour */
        0x16050473, /* sinval.vma with rd != 0 */
        0x00004073, /* SYSTEM funct3 4 (hypervisor loads) */
        0x30300073, /* mret with a wrong funct12 */
        0x10200473, /* sret with rd != 0 */
        0x12000473, /* sfence.vma with rd != 0 */
        0x0000102f, /* AMO funct3 1 */
        0x10c5a52f, /* lr.w with rs2 != 0 */
        0xe0158553, /* fmv.x.w with rs2 != 0 */
        0xe0159553, /* fclass.s with rs2 != 0 */
        0xe0b5a553, /* fmv.x.w-space funct3 2 */
        0x06c5f553, /* fadd.q (fmt 3): no Q */
        0x20c5b553, /* fsgnj funct3 3 */
        0x28c5c553, /* fmin/fmax funct3 4 */
        0xa0c5b553, /* fcmp funct3 3 */
        0xc045f553, /* fcvt.?.s with rs2 4 */
        0x5805f553 | (1u << 20), /* fsqrt with rs2 != 0 */
        0x0600f043, /* fmadd.q */
        0x6405951b, /* clzw-space with funct12 0x640 */
        0x0405951b, /* slliw with shamt[5] set */
        0x00c58533 | (0x40u << 25), /* OP with funct7 0x40 */
    };
    struct vm_riscv_isa isa = full_isa();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct rv_decoded d;
        rv_decode(bad[i], &isa, &d);
        if (d.op != RV_OP_ILLEGAL)
            fail_msg("0x%08x decodes as %s, expected ILLEGAL", bad[i], rv_op_name(d.op));
        assert_int_equal(d.raw, (bad[i] & 3) == 3 ? bad[i] : (bad[i] & 0xffff));
    }
}

/* Each instruction is legal with the default set and illegal once its
 * extension (and any other extension that also has it) is turned off. */
static void test_gating(void **state)
{
    (void)state;
    static const struct { uint32_t bits; const char *cpu; } g[] = {
        {0x0ac59533, "rv64,zbc=off,zbkc=off"}, /* clmul */
        {0x0ac5a533, "rv64,zbc=off"},          /* clmulr: Zbc only */
        {0x08c5c533, "rv64,zbkb=off"},         /* pack */
        {0x08c5c53b, "rv64,zbkb=off"},         /* packw */
        {0x6875d513, "rv64,zbkb=off"},         /* brev8 */
        {0x60c5d533, "rv64,zbb=off,zbkb=off"}, /* ror */
        {0x6b85d513, "rv64,zbb=off,zbkb=off"}, /* rev8 */
        {0x40c5f533, "rv64,zbb=off,zbkb=off"}, /* andn */
        {0x0805c53b, "rv64,zbb=off,zbkb=off"}, /* zext.h = packw rd, rs1, x0 */
        {0x28c5c533, "rv64,zbkx=off"},         /* xperm8 */
        {0x32c58533, "rv64,zkne=off"},         /* aes64es */
        {0x3ec58533, "rv64,zknd=off"},         /* aes64dsm */
        {0x30059513, "rv64,zknd=off"},         /* aes64im */
        {0x31a59513, "rv64,zkne=off,zknd=off"}, /* aes64ks1i */
        {0x10659513, "rv64,zknh=off"},         /* sha512sig0 */
        {0xf0c58533, "rv64,zksed=off"},        /* sm4ed */
        {0x10959513, "rv64,zksh=off"},         /* sm3p1 */
        {0x0ec5d533, "rv64,zicond=off"},       /* czero.eqz */
        {0x81c5c573, "rv64,zimop=off"},        /* mop.r.0 */
        {0x00006081, "rv64,zcmop=off"},        /* c.mop.1 */
        {0x000081c8, "rv64,zcb=off"},          /* c.lbu */
        {0x00009d4d, "rv64,zcb=off"},          /* c.mul */
        {0x00009d65, "rv64,zbb=off"},          /* c.sext.b needs Zbb too */
        {0x00009d71, "rv64,zba=off"},          /* c.zext.w needs Zba too */
        {0x04c59553, "rv64,zfh=off"},          /* fadd.h */
        {0x6cc5f543, "rv64,zfh=off"},          /* fmadd.h */
        {0xe4059553, "rv64,zfh=off"},          /* fclass.h */
        {0x00659507, "rv64,zfh=off,zfhmin=off"}, /* flh */
        {0x40258553, "rv64,zfh=off,zfhmin=off"}, /* fcvt.s.h */
        {0xf4058553, "rv64,zfh=off,zfhmin=off"}, /* fmv.h.x */
        {0xf0180553, "rv64,zfa=off"},          /* fli.s */
        {0x28c5a553, "rv64,zfa=off"},          /* fminm.s */
        {0x42459553, "rv64,zfa=off"},          /* fround.d */
        {0xc2859553, "rv64,zfa=off"},          /* fcvtmod.w.d */
        {0xa0c5d553, "rv64,zfa=off"},          /* fltq.s */
        {0xf4180553, "rv64,zfh=off"},          /* fli.h needs Zfh too */
        {0x08c5853b, "rv64,zba=off"},          /* add.uw */
        {0x0045200f, "rv64,zicboz=off"},       /* cbo.zero */
        {0x0015200f, "rv64,zicbom=off"},       /* cbo.clean */
        {0x0005200f, "rv64,zicbom=off"},       /* cbo.inval */
        {0x16050073, "rv64,svinval=off"},      /* sinval.vma a0 */
        {0x18000073, "rv64,svinval=off"},      /* sfence.w.inval */
        {0x18100073, "rv64,svinval=off"},      /* sfence.inval.ir */
    };
    for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
        struct vm_riscv_isa on = full_isa(), off;
        struct rv_decoded d;
        assert_int_equal(vm_riscv_isa_parse(g[i].cpu, &off), 0);
        rv_decode(g[i].bits, &on, &d);
        if (d.op == RV_OP_ILLEGAL)
            fail_msg("0x%08x is illegal with every extension on", g[i].bits);
        rv_decode(g[i].bits, &off, &d);
        if (d.op != RV_OP_ILLEGAL)
            fail_msg("0x%08x decodes as %s with %s", g[i].bits, rv_op_name(d.op), g[i].cpu);
    }
    /* Zfhmin alone keeps the moves and conversions, not the arithmetic. */
    struct vm_riscv_isa min;
    struct rv_decoded d;
    assert_int_equal(vm_riscv_isa_parse("rv64,zfh=off", &min), 0);
    rv_decode(0x40258553, &min, &d);
    assert_int_equal(d.op, RV_OP_FCVT_FMT);
    rv_decode(0x00659507, &min, &d);
    assert_int_equal(d.op, RV_OP_FLH);
}

/* -cpu parsing: QEMU's spellings, errors for what cannot be. */
static void test_cpu_parse(void **state)
{
    (void)state;
    struct vm_riscv_isa isa;
    char buf[1024];
    assert_int_equal(vm_riscv_isa_parse(NULL, &isa), 0);
    assert_true(vm_riscv_isa_has(&isa, "zbc"));
    assert_int_equal(vm_riscv_isa_parse("rv64,Zfh=false,zfhmin=off,zbkb=true", &isa), 0);
    assert_false(vm_riscv_isa_has(&isa, "zfh"));
    assert_false(vm_riscv_isa_has(&isa, "zfhmin"));
    assert_true(vm_riscv_isa_has(&isa, "zbkb"));
    assert_int_equal(vm_riscv_isa_parse("rv64,zkn=off", &isa), 0);
    assert_false(vm_riscv_isa_has(&isa, "zknh"));
    assert_false(vm_riscv_isa_has(&isa, "zbkx"));
    assert_true(vm_riscv_isa_has(&isa, "zksh"));
    vm_riscv_isa_string(&isa, buf, sizeof(buf));
    assert_null(strstr(buf, "_zknh"));
    assert_non_null(strstr(buf, "_zksh"));
    assert_int_equal(strncmp(buf, "rv64imafdc_", 11), 0);
    assert_int_equal(vm_riscv_isa_parse("rv32", &isa), -VM_EINVAL);
    assert_int_equal(vm_riscv_isa_parse("rv64,zbq=on", &isa), -VM_EINVAL);
    assert_int_equal(vm_riscv_isa_parse("rv64,zbc=maybe", &isa), -VM_EINVAL);
    assert_int_equal(vm_riscv_isa_parse("rv64,zbc", &isa), -VM_EINVAL);
    assert_int_equal(vm_riscv_isa_parse("rv64,c=off", &isa), -VM_EINVAL);
    assert_int_equal(vm_riscv_isa_parse("rv64,zfhmin=off", &isa), -VM_EINVAL); /* zfh still on */
    assert_int_equal(vm_riscv_isa_parse("rv64,zfh=on,zfhmin=off", &isa), -VM_EINVAL);
    /* Svade is in the string when asked for, and whenever Svadu is off */
    assert_int_equal(vm_riscv_isa_parse(NULL, &isa), 0);
    assert_true(vm_riscv_isa_has(&isa, "svadu"));
    assert_false(vm_riscv_isa_has(&isa, "svade"));
    assert_int_equal(vm_riscv_isa_parse("rv64,svadu=off", &isa), 0);
    assert_true(vm_riscv_isa_has(&isa, "svade"));
    vm_riscv_isa_string(&isa, buf, sizeof(buf));
    assert_non_null(strstr(buf, "_sstc_svade_svinval"));
    assert_int_equal(vm_riscv_isa_parse("rv64,svade=on", &isa), 0);
    assert_true(vm_riscv_isa_has(&isa, "svadu") && vm_riscv_isa_has(&isa, "svade"));
    /* QEMU's other properties: pmp (not in riscv,isa), debug = sdtrig, numbers */
    assert_int_equal(vm_riscv_isa_parse(NULL, &isa), 0);
    assert_true(vm_riscv_isa_has(&isa, "pmp"));
    assert_int_equal(isa.pmu_num, 29);
    assert_int_equal(isa.cbom_block, 64);
    assert_int_equal(isa.cboz_block, 64);
    vm_riscv_isa_string(&isa, buf, sizeof(buf));
    assert_null(strstr(buf, "pmp"));
    assert_int_equal(vm_riscv_isa_parse("rv64,pmp=off,debug=off,pmu-num=0x4,cbom_blocksize=4096,"
                                        "cboz_blocksize=16,cbop_blocksize=128", &isa), 0);
    assert_false(vm_riscv_isa_has(&isa, "pmp"));
    assert_false(vm_riscv_isa_has(&isa, "sdtrig"));
    assert_int_equal(isa.pmu_num, 4);
    assert_int_equal(isa.cbom_block, 4096);
    assert_int_equal(isa.cboz_block, 16);
    assert_int_equal(isa.cbop_block, 128);
    const char *bad[] = {"rv64,pmu-num=30", "rv64,pmu-num=-1", "rv64,pmu-num=", "rv64,pmu-num=1x",
                         "rv64,pmu-num=on", "rv64,cbom_blocksize=8", "rv64,cboz_blocksize=8192",
                         "rv64,cbop_blocksize=96", "rv64,pmp=2", "rv64,pmu-num=99999999999999999999"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(vm_riscv_isa_parse(bad[i], &isa), -VM_EINVAL);
}

static void test_lengths(void **state)
{
    (void)state;
    assert_int_equal(rv_insn_len(0x0001), 2);
    assert_int_equal(rv_insn_len(0x0002), 2);
    assert_int_equal(rv_insn_len(0x4000), 2);
    assert_int_equal(rv_insn_len(0x0003), 4);
    assert_int_equal(rv_insn_len(0xffff), 4);
}

/* Every op has a name (the X-macro lists stay in step with the enum). */
static void test_names(void **state)
{
    (void)state;
    for (int op = 0; op < RV_OP_COUNT; op++)
        assert_non_null(rv_op_name((enum rv_op)op));
    assert_string_equal(rv_op_name(RV_OP_ADDI), "ADDI");
    assert_string_equal(rv_op_name(RV_OP_FENCE_I), "FENCE_I");
    assert_true(rv_op_writes_x(RV_OP_ADD));
    assert_true(rv_op_writes_x(RV_OP_FCVT_TO_INT));
    assert_true(rv_op_writes_x(RV_OP_CSRRW));
    assert_false(rv_op_writes_x(RV_OP_SD));
    assert_false(rv_op_writes_x(RV_OP_FADD));
    assert_false(rv_op_writes_x(RV_OP_BEQ));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_illegal),
        cmocka_unit_test(test_gating),
        cmocka_unit_test(test_cpu_parse),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
