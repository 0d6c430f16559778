#ifndef _COMPLIANCE_MODEL_H
#define _COMPLIANCE_MODEL_H
#define RVMODEL_DATA_SECTION \
        .pushsection .tohost,"aw",@progbits;                            \
        .align 8; .global tohost; tohost: .dword 0; .size tohost, 8;                     \
        .align 8; .global fromhost; fromhost: .dword 0; .size fromhost, 8;                 \
        .popsection;                                                    \
        .align 8; .global begin_regstate; begin_regstate:               \
        .word 128;                                                      \
        .align 8; .global end_regstate; end_regstate:                   \
        .word 4;

/* Print the signature (one 32-bit word a line, hex) on the HTIF console, then exit 0. */
#define RVMODEL_HALT                 \
  la s0, begin_signature;            \
  la s1, end_signature;              \
  la s2, tohost;                     \
  la s3, fromhost;                   \
90: bgeu s0, s1, 96f;                \
  lwu s4, 0(s0);                     \
  li s5, 28;                         \
91: srl a0, s4, s5;                  \
  andi a0, a0, 15;                   \
  li a1, 10;                         \
  blt a0, a1, 92f;                   \
  addi a0, a0, 39;                   \
92: addi a0, a0, 48;                 \
  jal ra, 95f;                       \
  addi s5, s5, -4;                   \
  bgez s5, 91b;                      \
  li a0, 10;                         \
  jal ra, 95f;                       \
  addi s0, s0, 4;                    \
  j 90b;                             \
95: li a1, 0x0101;                   \
  slli a1, a1, 48;                   \
  or a0, a0, a1;                     \
  sd a0, 0(s2);                      \
93: ld a1, 0(s3);                    \
  beqz a1, 93b;                      \
  sd zero, 0(s3);                    \
  ret;                               \
96: li a0, 1;                        \
97: sd a0, 0(s2);                    \
  j 97b;

#define RVMODEL_BOOT

#define RVMODEL_DATA_BEGIN                                              \
  RVMODEL_DATA_SECTION                                                  \
  .align 4;\
  .global begin_signature; begin_signature:

#define RVMODEL_DATA_END                                                \
  .align 4;\
  .global end_signature; end_signature:

#define RVMODEL_IO_INIT
#define RVMODEL_IO_WRITE_STR(_R, _STR)
#define RVMODEL_IO_CHECK()
#define RVMODEL_IO_ASSERT_GPR_EQ(_S, _R, _I)
#define RVMODEL_IO_ASSERT_SFPR_EQ(_F, _R, _I)
#define RVMODEL_IO_ASSERT_DFPR_EQ(_D, _R, _I)

#define RVMODEL_SET_MSW_INT       \
 li t1, 1;                         \
 li t2, 0x2000000;                 \
 sw t1, 0(t2);
#define RVMODEL_CLEAR_MSW_INT     \
 li t2, 0x2000000;                 \
 sw x0, 0(t2);
#define RVMODEL_CLEAR_MTIMER_INT
#define RVMODEL_CLEAR_MEXT_INT
#endif
