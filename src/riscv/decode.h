/* Instruction decoding: 32-bit instructions and compressed (RVC) parcels,
 * the latter expanded to the operation of their 32-bit equivalent. */
#ifndef VM_RISCV_DECODE_H
#define VM_RISCV_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "riscv/ops.h"

struct rv_decoded {
    uint16_t op;           /* enum rv_op; RV_OP_ILLEGAL for anything unknown */
    uint8_t rd, rs1, rs2, rs3; /* architectural register numbers (x or f) */
    uint8_t rm;            /* FP rounding-mode field (funct3) */
    uint8_t fmt;           /* FP format: 0 single, 1 double, 2 half */
    uint8_t sub;           /* variant within an op group (see ops.h) */
    uint8_t len;           /* 2 (compressed) or 4 bytes */
    int32_t imm;           /* sign-extended immediate, shift amount, CSR
                              number (CSR ops), uimm in rs1 for CSR*I */
    uint32_t raw;          /* the bits: the 16-bit parcel for compressed */
};

/* Length in bytes of the instruction whose first parcel is `parcel`:
 * 2 or 4 (longer encodings, unsupported, report 4 and decode as illegal). */
static inline unsigned rv_insn_len(uint16_t parcel)
{
    return (parcel & 3) == 3 ? 4 : 2;
}

/* Decode one instruction for a hart with the extensions in isa (an
 * instruction of an extension that is off decodes as illegal). `bits`
 * holds 32 bits for a 4-byte instruction or a 16-bit parcel in its low
 * half for a compressed one. */
struct vm_riscv_isa;
void rv_decode(uint32_t bits, const struct vm_riscv_isa *isa, struct rv_decoded *d);

/* True if the op writes integer register rd (so rd = x0 discards it). */
bool rv_op_writes_x(enum rv_op op);

#endif
