/* Zfa: fli.{s,d,h} (no flags; in half 2^-16 and 2^-15 are subnormal and
 * entry 29, 2^16, is infinity), fminm/fmaxm (any NaN gives the canonical
 * NaN), fround (never NX) and froundnx in the static modes, fcvtmod.w.d
 * (truncation modulo 2^32, flags as fcvt.w.d), fleq/fltq (quiet: NV only
 * for signalling NaNs). Hand-encoded (env/ext_insn.h); QEMU 7.2 lacks Zfa:
 * checked against the spec. */
#include "test.h"
#include "ext_insn.h"

#define H(x) (0xffffffffffff0000 | (x))
/* fmt numbers for the macros */
#define FS 0
#define FD 1
#define FH 2

/* Case n: fa0 <- fli(fmt, index) must be exp with no flags. */
#define TEST_FLI(n, fmt, index, exp) \
  TCASE n; li t0, NV|OF; csrw fflags, t0; csrw fflags, zero; FLI fmt, 10, index; \
  fmv.x.d a0, fa0; CHECK a0, exp; csrr a1, fflags; CHECK a1, 0
/* Case n: op(fmt) fa0, fa1, fa2 (encoded) against exp and flags. */
#define TEST_ZFA2(n, macro, fmt, exp, flags, a, b) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; li t0, b; fmv.d.x fa2, t0; csrw fflags, zero; \
  macro fmt, 10, 11, 12; fmv.x.d a0, fa0; CHECK a0, exp; csrr a1, fflags; CHECK a1, flags
#define TEST_ZFA_CMP(n, macro, fmt, exp, flags, a, b) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; li t0, b; fmv.d.x fa2, t0; csrw fflags, zero; \
  macro fmt, 10, 11, 12; CHECK a0, exp; csrr a1, fflags; CHECK a1, flags
#define TEST_ROUND(n, macro, fmt, rm, exp, flags, a) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; csrw fflags, zero; \
  macro fmt, 10, 11, rm; fmv.x.d a0, fa0; CHECK a0, exp; csrr a1, fflags; CHECK a1, flags
#define TEST_FCVTMOD(n, exp, flags, a) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; csrw fflags, zero; \
  FCVTMOD_W_D 10, 11; CHECK a0, exp; csrr a1, fflags; CHECK a1, flags

TEST_BEGIN
  TEST_FLI(1, FS, 0, S(0xbf800000))
  TEST_FLI(2, FS, 1, S(0x00800000))
  TEST_FLI(3, FS, 2, S(0x37800000))
  TEST_FLI(4, FS, 9, S(0x3ea00000))       /* 0.3125 */
  TEST_FLI(5, FS, 22, S(0x40400000))      /* 3 */
  TEST_FLI(6, FS, 29, S(0x47800000))      /* 2^16 */
  TEST_FLI(7, FS, 30, S(0x7f800000))
  TEST_FLI(8, FS, 31, S(0x7fc00000))
  TEST_FLI(9, FD, 1, 0x0010000000000000)
  TEST_FLI(10, FD, 2, 0x3ef0000000000000)
  TEST_FLI(11, FD, 28, 0x40e0000000000000)
  TEST_FLI(12, FD, 15, 0x3fec000000000000) /* 0.875 */
  TEST_FLI(13, FH, 0, H(0xbc00))
  TEST_FLI(14, FH, 1, H(0x0400))
  TEST_FLI(15, FH, 2, H(0x0100))          /* 2^-16: subnormal */
  TEST_FLI(16, FH, 3, H(0x0200))
  TEST_FLI(17, FH, 27, H(0x5c00))         /* 256 */
  TEST_FLI(18, FH, 29, H(0x7c00))         /* 2^16: infinity */
  TEST_FLI(19, FH, 31, H(0x7e00))

  TEST_ZFA2(20, FMINM, FS, S(0x7fc00000), 0, S(0x3f800000), S(0x7fc00000))
  TEST_ZFA2(21, FMINM, FS, S(0x7fc00000), NV, S(0x7f800001), S(0x3f800000))
  TEST_ZFA2(22, FMINM, FS, S(0x80000000), 0, S(0x00000000), S(0x80000000))
  TEST_ZFA2(23, FMINM, FS, S(0x3f800000), 0, S(0x40000000), S(0x3f800000))
  TEST_ZFA2(24, FMAXM, FD, 0x7ff8000000000000, 0, 0x7ff8000000000000, 0x3ff0000000000000)
  TEST_ZFA2(25, FMAXM, FD, 0x4000000000000000, 0, 0x4000000000000000, 0x3ff0000000000000)
  TEST_ZFA2(26, FMAXM, FD, 0x0000000000000000, 0, 0x8000000000000000, 0x0000000000000000)
  TEST_ZFA2(27, FMINM, FH, H(0x7e00), 0, H(0x7e00), H(0x3c00))
  TEST_ZFA2(28, FMAXM, FS, S(0x7fc00000), 0, 0x3f800000, S(0x3f800000)) /* unboxed: NaN */

  TEST_ROUND(29, FROUND, FS, 0, S(0x40000000), 0, S(0x40200000))   /* 2.5 rne -> 2 */
  TEST_ROUND(30, FROUND, FS, 4, S(0x40400000), 0, S(0x40200000))   /* rmm -> 3 */
  TEST_ROUND(31, FROUND, FS, 2, S(0xc0400000), 0, S(0xc0200000))   /* -2.5 rdn -> -3 */
  TEST_ROUND(32, FROUND, FS, 1, S(0x80000000), 0, S(0xbf000000))   /* -0.5 rtz -> -0 */
  TEST_ROUND(33, FROUND, FS, 3, S(0x3f800000), 0, S(0x00000001))   /* tiny rup -> 1 */
  TEST_ROUND(34, FROUNDNX, FS, 0, S(0x40000000), NX, S(0x40200000))
  TEST_ROUND(35, FROUNDNX, FS, 0, S(0x40400000), 0, S(0x40400000)) /* already integral */
  TEST_ROUND(36, FROUND, FS, 0, S(0x7f800000), 0, S(0x7f800000))
  TEST_ROUND(37, FROUND, FS, 0, S(0x7fc00000), NV, S(0x7f800001))  /* sNaN */
  TEST_ROUND(38, FROUND, FD, 0, 0x4330000000000001, 0, 0x4330000000000001) /* 2^52 + 1 */
  TEST_ROUND(39, FROUNDNX, FD, 3, 0x4000000000000000, NX, 0x3ff4000000000000) /* 1.25 rup */
  TEST_ROUND(40, FROUND, FH, 0, H(0x4000), 0, H(0x3e00))           /* 1.5 -> 2 */
  TEST_ROUND(41, FROUNDNX, FH, 1, H(0x0000), NX, H(0x3a00))        /* 0.75 rtz -> 0 */
  TCASE 42                                                         /* dynamic: frm = rup */
  li t0, 0x3ff4000000000000
  fmv.d.x fa1, t0
  fsrmi 3
  FROUND FD, 10, 11, 7
  fsrmi 0
  fmv.x.d a0, fa0
  CHECK a0, 0x4000000000000000

  TEST_FCVTMOD(43, 5, NV, 0x41f0000000500000)                     /* 2^32 + 5 */
  TEST_FCVTMOD(44, -1, NX, 0xbff8000000000000)                    /* -1.5 */
  TEST_FCVTMOD(45, 0xffffffffb2d05e00, NV, 0x41e65a0bc0000000)    /* 3e9 */
  TEST_FCVTMOD(46, 0, NV, 0x7ff8000000000000)
  TEST_FCVTMOD(47, 0, NV, 0xfff0000000000000)
  TEST_FCVTMOD(48, 0, NV, 0x44f0000000000000)                     /* 2^80 */
  TEST_FCVTMOD(49, 0xffffffff80000000, 0, 0xc1e0000000000000)     /* -2^31 fits */
  TEST_FCVTMOD(50, 0, NX, 0x01a56e1fc2f8f359)                     /* 1e-300 */
  TEST_FCVTMOD(51, 0x7fffffff, NX, 0x41dfffffffffffff)            /* 2^31 - 2^-22 */

  TEST_ZFA_CMP(52, FLEQ, FS, 0, 0, S(0x7fc00000), S(0x3f800000))
  TEST_ZFA_CMP(53, FLEQ, FS, 0, NV, S(0x7f800001), S(0x3f800000))
  TEST_ZFA_CMP(54, FLEQ, FS, 1, 0, S(0x80000000), S(0x00000000))
  TEST_ZFA_CMP(55, FLTQ, FD, 1, 0, 0x3ff0000000000000, 0x4000000000000000)
  TEST_ZFA_CMP(56, FLTQ, FD, 0, 0, 0x4000000000000000, 0x4000000000000000)
  TEST_ZFA_CMP(57, FLTQ, FH, 0, 0, H(0x7e00), H(0x3c00))
  TEST_ZFA_CMP(58, FLTQ, FH, 0, NV, H(0x3c00), H(0x7c01))
  TEST_PASS
