/* Negative controls for the extension switches: run with every optional
 * extension off, each instruction below must raise illegal instruction
 * with mtval = its bits; the hints must still execute as the base
 * instructions they are (no trap). CTest and run-isa.sh pass the -cpu
 * line below to vm. */
/* vm -cpu rv64,zba=off,zbb=off,zbs=off,zbc=off,zbkb=off,zbkc=off,zbkx=off,zknd=off,zkne=off,zknh=off,zksed=off,zksh=off,zfh=off,zfhmin=off,zfa=off,zicond=off,zcb=off,zimop=off,zcmop=off,zihintntl=off,zihintpause=off,zicbop=off */
#include "test.h"
#include "ext_insn.h"

/* Case n: the 32-bit instruction `bits` traps as illegal with mtval = bits. */
.macro ILL32 n, bits
  EXPECT_TRAP_TVAL \n, CAUSE_ILLEGAL, \bits, .4byte \bits
.endm
.macro ILL16 n, bits
  EXPECT_TRAP_TVAL \n, CAUSE_ILLEGAL, \bits, .2byte \bits
.endm

TEST_BEGIN
  ILL32 1, 0x08c5853b             /* add.uw (Zba) */
  ILL32 2, 0x60c5d533             /* ror (Zbb, Zbkb) */
  ILL32 3, 0x6b85d513             /* rev8 */
  ILL32 4, 0x0805c53b             /* zext.h = packw rd, rs1, x0 */
  ILL32 5, 0x28c59533             /* bset (Zbs) */
  ILL32 6, 0x0ac59533             /* clmul (Zbc, Zbkc) */
  ILL32 7, 0x0ac5a533             /* clmulr */
  ILL32 8, 0x08c5c533             /* pack (Zbkb) */
  ILL32 9, 0x6875d513             /* brev8 */
  ILL32 10, 0x28c5c533            /* xperm8 (Zbkx) */
  ILL32 11, 0x32c58533            /* aes64es (Zkne) */
  ILL32 12, 0x3ec58533            /* aes64dsm (Zknd) */
  ILL32 13, 0x31a59513            /* aes64ks1i */
  ILL32 14, 0x10659513            /* sha512sig0 (Zknh) */
  ILL32 15, 0xf0c58533            /* sm4ed (Zksed) */
  ILL32 16, 0x10959513            /* sm3p1 (Zksh) */
  ILL32 17, 0x0ec5d533            /* czero.eqz (Zicond) */
  ILL32 18, 0x81c5c573            /* mop.r.0 (Zimop) */
  ILL16 19, 0x6081                /* c.mop.1 (Zcmop) */
  ILL16 20, 0x81c8                /* c.lbu (Zcb) */
  ILL16 21, 0x9d4d                /* c.mul */
  ILL32 22, 0x04c59553            /* fadd.h (Zfh) */
  ILL32 23, 0x00659507            /* flh (Zfhmin) */
  ILL32 24, 0x40258553            /* fcvt.s.h */
  ILL32 25, 0xf0180553            /* fli.s (Zfa) */
  ILL32 26, 0xc2859553            /* fcvtmod.w.d */
  ILL32 27, 0xa0c5d553            /* fltq.s */
  /* hints run as their base instructions */
  TCASE 28
  li a1, 0xdead0000
  .4byte 0x00200033               /* ntl.p1 */
  .4byte 0x0100000f               /* pause */
  .4byte 0x0015e013               /* prefetch.r */
  CHECK a1, 0xdead0000
  TEST_PASS
