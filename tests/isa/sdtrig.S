/* Sdtrig: the trigger CSRs (tselect, tinfo, WARL tdata1), mcontrol6
 * execute, load and store address triggers (equal, NAPOT, >=, <; sizes;
 * AMOs, cbo.zero) and icount, firing a breakpoint exception (cause 3) at
 * the right instruction with the right xtval, in M, S (to M or delegated
 * to S) and U; the re-entrancy rule (no firing in M with MIE=0, nor in S
 * with SIE=0 when breakpoints are delegated); hit bits. */
#include "test.h"

  .option arch, +zicboz

#define TYPE6 (6 << 60)
#define TYPE3 (3 << 60)
#define DISABLED (15 << 60)
#define DMODE (1 << 59)
#define LOAD 1
#define STORE 2
#define EXEC 4
#define TU (1 << 3)
#define TS (1 << 4)
#define TM (1 << 6)
#define MATCH(m) ((m) << 7)
#define CHAIN (1 << 11)
#define ACTION(a) ((a) << 12)
#define SIZE(s) ((s) << 16)
#define SELECT (1 << 21)
#define HIT0 (1 << 22)
/* icount */
#define IC_U (1 << 6)
#define IC_S (1 << 7)
#define IC_PENDING (1 << 8)
#define IC_M (1 << 9)
#define IC_COUNT(n) ((n) << 10)
#define IC_HIT (1 << 24)
#define CBZE (1 << 7)

/* Trigger n: tdata2 = reg, tdata1 = value (tdata1 is zeroed first). */
.macro TRIG n, value, reg
  csrwi tselect, \n
  csrw tdata1, zero
  csrw tdata2, \reg
  li t0, \value
  csrw tdata1, t0
.endm
.macro TRIG_OFF n
  csrwi tselect, \n
  csrw tdata1, zero
.endm

/* Case n: insn must take a breakpoint with xtval = reg (and epc = insn). */
.macro EXPECT_BP n, reg, insn:vararg
  EXPECT_TRAP \n, CAUSE_BREAKPOINT, \insn
  CHECKR t5, \reg
.endm

TEST_BEGIN
  /* ---- the registers ---- */
  TCASE 1
  csrwi tselect, 3
  csrr a0, tselect
  CHECK a0, 3
  csrwi tselect, 4                               /* no trigger 4: WARL */
  csrr a0, tselect
  CHECK a0, 3
  csrr a0, tinfo
  CHECK a0, (1 << 24) | (1 << 15) | (1 << 6) | (1 << 3)
  csrr a0, tdata1
  CHECK a0, DISABLED
  csrr a0, tdata3
  CHECK a0, 0
  TCASE 2                                        /* what M-mode may not write */
  li t0, TYPE6 | DMODE | TM | EXEC | CHAIN
  csrw tdata1, t0
  csrr a0, tdata1
  CHECK a0, TYPE6 | TM | EXEC                    /* no dmode, no chain */
  li t0, TYPE6 | TM | EXEC | ACTION(1)           /* Debug Mode needs dmode */
  csrw tdata1, t0
  csrr a0, tdata1
  CHECK a0, DISABLED
  li t0, TYPE6 | TM | LOAD | SELECT              /* data match: not implemented */
  csrw tdata1, t0
  csrr a0, tdata1
  CHECK a0, DISABLED
  li t0, (2 << 60) | TM | LOAD                   /* legacy mcontrol: not implemented */
  csrw tdata1, t0
  csrr a0, tdata1
  CHECK a0, DISABLED
  li t0, -1
  csrw tdata2, t0
  csrr a0, tdata2
  CHECK a0, -1
  TRIG_OFF 3

  /* ---- execute, M-mode ---- */
  csrsi mstatus, MSTATUS_MIE                     /* mie = 0: no interrupt comes */
  la s1, 1f
  TRIG 0, TYPE6 | TM | EXEC, s1
  li a0, 0
  TCASE 3
  la tp, 2f
  li a1, 5                                       /* runs: the trigger is on the next one */
1:
  li a0, 1
  j fail
2:
  CHECK t4, CAUSE_BREAKPOINT
  CHECKR t5, s1
  CHECKR t6, s1
  CHECK a0, 0                                    /* not executed */
  CHECK a1, 5
  TCASE 4
  csrr a0, tdata1
  CHECK a0, TYPE6 | TM | EXEC | HIT0
  TCASE 5                                        /* MIE = 0: it does not fire */
  la s1, 4f
  TRIG 0, TYPE6 | TM | EXEC, s1
  csrci mstatus, MSTATUS_MIE
  li a0, 0
4:
  li a0, 1
  CHECK a0, 1
  csrsi mstatus, MSTATUS_MIE
  TRIG_OFF 0

  /* ---- loads and stores, M-mode ---- */
  la s1, data + 8
  TRIG 1, TYPE6 | TM | STORE, s1
  EXPECT_BP 6, s1, sd a1, 0(s1)
  TCASE 7
  ld a0, 0(s1)                                   /* loads pass; the store did not happen */
  CHECK a0, 0x0808080808080808
  sd zero, 8(s1)                                 /* the next dword is not watched */
  addi s2, s1, 3
  TRIG 1, TYPE6 | TM | STORE, s2                 /* one byte inside a dword */
  EXPECT_BP 8, s2, sd a1, 0(s1)
  EXPECT_NO_TRAP 9, sw a1, 4(s1)
  EXPECT_BP 10, s2, amoadd.w a0, a1, (s1)        /* an AMO stores */
  TRIG 1, TYPE6 | TM | LOAD, s2
  EXPECT_BP 11, s2, amoadd.w a0, a1, (s1)        /* and loads */
  EXPECT_BP 12, s2, lbu a0, 3(s1)
  EXPECT_NO_TRAP 13, sd zero, 0(s1); lbu a0, 4(s1)
  TRIG 1, TYPE6 | TM | LOAD | SIZE(3), s2        /* 32-bit accesses only */
  EXPECT_BP 14, s2, lw a0, 0(s1)
  EXPECT_NO_TRAP 15, ld a0, 0(s1); lbu a0, 3(s1); lh a0, 2(s1)
  la s2, data + 32
  ori t1, s2, 7                                  /* NAPOT: 16 bytes from data + 32 */
  TRIG 1, TYPE6 | TM | LOAD | MATCH(1), t1
  addi s3, s2, 15
  EXPECT_BP 16, s3, lbu a0, 15(s2)
  EXPECT_NO_TRAP 17, ld a0, 16(s2); ld a0, -8(s2)
  TRIG 1, TYPE6 | TM | STORE | MATCH(2), s2      /* >= data + 32 */
  addi s3, s2, 64
  EXPECT_BP 18, s3, sd zero, 64(s2)
  EXPECT_NO_TRAP 19, sd zero, -8(s2)
  TRIG 1, TYPE6 | TM | STORE | MATCH(3), s2      /* < data + 32 */
  addi s3, s2, -8
  EXPECT_BP 20, s3, sd zero, -8(s2)
  EXPECT_NO_TRAP 21, sd zero, 0(s2)
  la s2, block + 40
  TRIG 1, TYPE6 | TM | STORE, s2                 /* cbo.zero stores its block */
  EXPECT_BP 22, s2, cbo.zero 0(s2)
  TRIG 1, TYPE6 | TM | LOAD, s2
  EXPECT_NO_TRAP 23, cbo.zero 0(s2)
  TRIG_OFF 1

  /* ---- S-mode: to M, then delegated ---- */
  la s1, 1f
  TRIG 2, TYPE6 | TS | EXEC, s1
  GOTO_MODE PRV_S, smode
smode:
  TCASE 24
  la tp, 2f
1:
  nop
  j fail
2:
  CHECK t4, CAUSE_BREAKPOINT
  CHECKR t5, s1
  CHECKR t6, s1
  BACK_TO_M
  csrr a0, mcause                                /* the ecall back came after it */
  CHECK a0, CAUSE_ECALL_S
  TRIG_OFF 2
  li t0, 1 << CAUSE_BREAKPOINT
  csrw medeleg, t0
  la s1, data + 16
  TRIG 2, TYPE6 | TS | STORE, s1
  li t0, MSTATUS_SIE
  csrs mstatus, t0                               /* sie = 0: no interrupt comes */
  GOTO_MODE PRV_S, 1f
1:
  TCASE 25
  CAPTURE_NEXT_STRAP 2f
.Ls_store:
  sd zero, 0(s1)
  j fail
2:
  CHECK t4, CAUSE_BREAKPOINT                     /* taken in S: scause, stval, sepc */
  CHECKR t5, s1
  CHECKLA t6, .Ls_store
  TCASE 26                                       /* S handler: SIE = 0, so no refire */
  sd zero, 0(s1)
  BACK_TO_M                                      /* ecalls are not delegated */
  TRIG_OFF 2
  csrw medeleg, zero

  /* ---- U-mode ---- */
  la s1, data
  TRIG 2, TYPE6 | TU | LOAD, s1
  TRIG 3, TYPE6 | TS | LOAD, s1
  GOTO_MODE PRV_U, 1f
1:
  EXPECT_BP 27, s1, ld a0, 0(s1)
  BACK_TO_M
  TRIG_OFF 2
  GOTO_MODE PRV_U, 1f
1:
  EXPECT_NO_TRAP 28, ld a0, 0(s1)               /* S-only trigger */
  BACK_TO_M
  TRIG_OFF 3

  /* ---- icount ---- */
  TCASE 29
  li s1, 0
  csrwi tselect, 0
  csrw tdata1, zero
  li t0, TYPE3 | IC_M | IC_COUNT(2)
  la tp, 2f
  csrw tdata1, t0                                /* counting starts after the write */
  addi s1, s1, 1
  addi s1, s1, 1
.Lthird:
  j fail                                         /* it fires before this one */
2:
  CHECK t4, CAUSE_BREAKPOINT
  CHECK t5, 0
  CHECKLA t6, .Lthird
  CHECK s1, 2
  TCASE 30
  csrr a0, tdata1
  CHECK a0, TYPE3 | IC_M | IC_HIT                /* count 0, pending clear, hit */
  csrw tdata1, zero
  /* U-mode, count 1: fires before the second U instruction */
  li t0, TYPE3 | IC_U | IC_COUNT(1)
  csrw tdata1, t0
  li s1, 0
  CAPTURE_NEXT_TRAP 2f
  GOTO_MODE PRV_U, 1f
1:
  addi s1, s1, 1
.Lu_second:
  addi s1, s1, 1
  j fail
2:
  TCASE 31
  CHECK t4, CAUSE_BREAKPOINT
  CHECK t5, 0
  CHECKLA t6, .Lu_second
  CHECK s1, 1
  csrw tdata1, zero
  TEST_PASS

  .data
  .balign 64
data:
  .rept 16
  .dword 0x0808080808080808
  .endr
  .balign 64
block:
  .rept 8
  .dword -1
  .endr
