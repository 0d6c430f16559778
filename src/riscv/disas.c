/* Instruction text for logs (disas.h). Operand shapes follow the op's
 * class; names come from the op list (ops.h), in lower case. */
#include "riscv/disas.h"

#include <ctype.h>
#include <stdio.h>

static const char *const xname[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
};

static void lower(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = src[i] == '_' ? '.' : (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

void rv_disas(const struct rv_decoded *d, uint64_t pc, char *buf, size_t size)
{
    char name[24];
    lower(name, rv_op_name((enum rv_op)d->op), sizeof(name));
    const char *rd = xname[d->rd & 31], *rs1 = xname[d->rs1 & 31], *rs2 = xname[d->rs2 & 31];
    unsigned op = d->op;
    if (op == RV_OP_ILLEGAL) {
        snprintf(buf, size, "illegal 0x%x", d->raw);
    } else if (op == RV_OP_LUI || op == RV_OP_AUIPC) {
        snprintf(buf, size, "%s %s, 0x%x", name, rd, (uint32_t)d->imm >> 12);
    } else if (op == RV_OP_JAL) {
        snprintf(buf, size, "jal %s, 0x%llx", rd, (unsigned long long)(pc + (int64_t)d->imm));
    } else if (op == RV_OP_JALR) {
        snprintf(buf, size, "jalr %s, %d(%s)", rd, d->imm, rs1);
    } else if (op >= RV_OP_BEQ && op <= RV_OP_BGEU) {
        snprintf(buf, size, "%s %s, %s, 0x%llx", name, rs1, rs2,
                 (unsigned long long)(pc + (int64_t)d->imm));
    } else if ((op >= RV_OP_LB && op <= RV_OP_LWU)) {
        snprintf(buf, size, "%s %s, %d(%s)", name, rd, d->imm, rs1);
    } else if (op >= RV_OP_SB && op <= RV_OP_SD) {
        snprintf(buf, size, "%s %s, %d(%s)", name, rs2, d->imm, rs1);
    } else if (op == RV_OP_FLW || op == RV_OP_FLD) {
        snprintf(buf, size, "%s f%u, %d(%s)", name, d->rd, d->imm, rs1);
    } else if (op == RV_OP_FSW || op == RV_OP_FSD) {
        snprintf(buf, size, "%s f%u, %d(%s)", name, d->rs2, d->imm, rs1);
    } else if ((op >= RV_OP_ADDI && op <= RV_OP_SRAI) || op == RV_OP_ADDIW ||
               op == RV_OP_SLLIW || op == RV_OP_SRLIW || op == RV_OP_SRAIW ||
               op == RV_OP_SLLI_UW || op == RV_OP_RORI || op == RV_OP_RORIW ||
               op == RV_OP_BCLRI || op == RV_OP_BEXTI || op == RV_OP_BINVI || op == RV_OP_BSETI) {
        snprintf(buf, size, "%s %s, %s, %d", name, rd, rs1, d->imm);
    } else if (op == RV_OP_CLZ || op == RV_OP_CLZW || op == RV_OP_CTZ || op == RV_OP_CTZW ||
               op == RV_OP_CPOP || op == RV_OP_CPOPW || op == RV_OP_SEXT_B ||
               op == RV_OP_SEXT_H || op == RV_OP_ZEXT_H || op == RV_OP_ORC_B ||
               op == RV_OP_REV8) {
        snprintf(buf, size, "%s %s, %s", name, rd, rs1);
    } else if (op == RV_OP_LR_W || op == RV_OP_LR_D) {
        snprintf(buf, size, "%s %s, (%s)", name, rd, rs1);
    } else if (op >= RV_OP_SC_W && op <= RV_OP_AMOMAXU_D) {
        snprintf(buf, size, "%s %s, %s, (%s)", name, rd, rs2, rs1);
    } else if (op >= RV_OP_CSRRW && op <= RV_OP_CSRRC) {
        snprintf(buf, size, "%s %s, 0x%x, %s", name, rd, (unsigned)d->imm & 0xfff, rs1);
    } else if (op >= RV_OP_CSRRWI && op <= RV_OP_CSRRCI) {
        snprintf(buf, size, "%s %s, 0x%x, %u", name, rd, (unsigned)d->imm & 0xfff, d->rs1);
    } else if (op >= RV_OP_FIRST_FP && op < RV_OP_FIRST_SYSTEM) {
        snprintf(buf, size, "%s.%c %u, %u, %u", name, d->fmt ? 'd' : 's', d->rd, d->rs1, d->rs2);
    } else if (op >= RV_OP_FIRST_SYSTEM || op == RV_OP_FENCE) {
        snprintf(buf, size, "%s", name);
    } else {
        snprintf(buf, size, "%s %s, %s, %s", name, rd, rs1, rs2);
    }
}
