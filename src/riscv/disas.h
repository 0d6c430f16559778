/* Text form of a decoded instruction, for logs (-d in_asm) and debuggers:
 * "addi sp, sp, -16", "ld a0, 8(s0)", "beq a0, a1, 0x80001234". */
#ifndef VM_RISCV_DISAS_H
#define VM_RISCV_DISAS_H

#include <stddef.h>
#include <stdint.h>

#include "riscv/decode.h"

/* pc is the instruction's address (for branch and jump targets). */
void rv_disas(const struct rv_decoded *d, uint64_t pc, char *buf, size_t size);

#endif
