/* Instructions GNU as 2.40 does not know (Zicond, Zimop, Zcmop, Zcb, Zfa),
 * encoded from the specs. Register operands are numbers (10 for a0/fa0),
 * compressed ones x8-x15. */
#ifndef VM_ISA_EXT_INSN_H
#define VM_ISA_EXT_INSN_H

/* Zicond */
.macro CZERO_EQZ rd, rs1, rs2
  .4byte (7 << 25) | ((\rs2) << 20) | ((\rs1) << 15) | (5 << 12) | ((\rd) << 7) | 0x33
.endm
.macro CZERO_NEZ rd, rs1, rs2
  .4byte (7 << 25) | ((\rs2) << 20) | ((\rs1) << 15) | (7 << 12) | ((\rd) << 7) | 0x33
.endm

/* Zimop: mop.r.N (N 0..31), mop.rr.N (N 0..7) */
.macro MOP_R n, rd, rs1
  .4byte (1 << 31) | ((((\n) >> 4) & 1) << 30) | ((((\n) >> 2) & 3) << 26) | (7 << 22) | \
         (((\n) & 3) << 20) | ((\rs1) << 15) | (4 << 12) | ((\rd) << 7) | 0x73
.endm
.macro MOP_RR n, rd, rs1, rs2
  .4byte (1 << 31) | ((((\n) >> 2) & 1) << 30) | (((\n) & 3) << 26) | (1 << 25) | \
         ((\rs2) << 20) | ((\rs1) << 15) | (4 << 12) | ((\rd) << 7) | 0x73
.endm
/* Zcmop: c.mop.N, N odd 1..15 */
.macro C_MOP n
  .2byte 0x6001 | ((\n) << 7)
.endm

/* Zcb (registers x8-x15; uimm as the spec: 0-3 bytes, 0 or 2 halves) */
.macro C_LBU rd, uimm, rs1
  .2byte 0x8000 | (((\rs1) - 8) << 7) | (((\uimm) & 1) << 6) | ((((\uimm) >> 1) & 1) << 5) | (((\rd) - 8) << 2)
.endm
.macro C_LHU rd, uimm, rs1
  .2byte 0x8400 | (((\rs1) - 8) << 7) | ((((\uimm) >> 1) & 1) << 5) | (((\rd) - 8) << 2)
.endm
.macro C_LH rd, uimm, rs1
  .2byte 0x8440 | (((\rs1) - 8) << 7) | ((((\uimm) >> 1) & 1) << 5) | (((\rd) - 8) << 2)
.endm
.macro C_SB rs2, uimm, rs1
  .2byte 0x8800 | (((\rs1) - 8) << 7) | (((\uimm) & 1) << 6) | ((((\uimm) >> 1) & 1) << 5) | (((\rs2) - 8) << 2)
.endm
.macro C_SH rs2, uimm, rs1
  .2byte 0x8c00 | (((\rs1) - 8) << 7) | ((((\uimm) >> 1) & 1) << 5) | (((\rs2) - 8) << 2)
.endm
.macro C_ZCB_UNARY rd, op
  .2byte 0x9c61 | (((\rd) - 8) << 7) | ((\op) << 2)
.endm
#define C_ZEXT_B(rd) C_ZCB_UNARY rd, 0
#define C_SEXT_B(rd) C_ZCB_UNARY rd, 1
#define C_ZEXT_H(rd) C_ZCB_UNARY rd, 2
#define C_SEXT_H(rd) C_ZCB_UNARY rd, 3
#define C_ZEXT_W(rd) C_ZCB_UNARY rd, 4
#define C_NOT(rd)    C_ZCB_UNARY rd, 5
.macro C_MUL rd, rs2
  .2byte 0x9c41 | (((\rd) - 8) << 7) | (((\rs2) - 8) << 2)
.endm

/* Zfa; fmt 0 S, 1 D, 2 H; rm as funct3 */
.macro FLI fmt, rd, index
  .4byte ((0x78 | (\fmt)) << 25) | (1 << 20) | ((\index) << 15) | ((\rd) << 7) | 0x53
.endm
.macro FMINM fmt, rd, rs1, rs2
  .4byte ((0x14 | (\fmt)) << 25) | ((\rs2) << 20) | ((\rs1) << 15) | (2 << 12) | ((\rd) << 7) | 0x53
.endm
.macro FMAXM fmt, rd, rs1, rs2
  .4byte ((0x14 | (\fmt)) << 25) | ((\rs2) << 20) | ((\rs1) << 15) | (3 << 12) | ((\rd) << 7) | 0x53
.endm
.macro FROUND fmt, rd, rs1, rm
  .4byte ((0x20 | (\fmt)) << 25) | (4 << 20) | ((\rs1) << 15) | ((\rm) << 12) | ((\rd) << 7) | 0x53
.endm
.macro FROUNDNX fmt, rd, rs1, rm
  .4byte ((0x20 | (\fmt)) << 25) | (5 << 20) | ((\rs1) << 15) | ((\rm) << 12) | ((\rd) << 7) | 0x53
.endm
.macro FCVTMOD_W_D rd, rs1
  .4byte (0x61 << 25) | (8 << 20) | ((\rs1) << 15) | (1 << 12) | ((\rd) << 7) | 0x53
.endm
.macro FLEQ fmt, rd, rs1, rs2
  .4byte ((0x50 | (\fmt)) << 25) | ((\rs2) << 20) | ((\rs1) << 15) | (4 << 12) | ((\rd) << 7) | 0x53
.endm
.macro FLTQ fmt, rd, rs1, rs2
  .4byte ((0x50 | (\fmt)) << 25) | ((\rs2) << 20) | ((\rs1) << 15) | (5 << 12) | ((\rd) << 7) | 0x53
.endm

#endif
