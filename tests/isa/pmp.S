/* Physical memory protection (privileged spec 1.12, 3.7) with 16 entries
 * and 4-byte granularity: the CSRs' WARL rules; NA4, TOR and NAPOT regions
 * allowing and denying loads, stores, AMOs, LR/SC and fetches in S and U
 * (access faults 1/5/7 with xtval = the address); a region covering only
 * part of an access fails it; a 4-byte hole inside a page is honoured for
 * every access to that page (the page is never cached whole); M-mode is
 * not checked by unlocked entries but is with MPRV and by locked ones;
 * page-table reads and A/D writes are checked as S-mode accesses; locked
 * entries (and the address below a locked TOR entry) ignore writes. */
#include "test.h"
#include "vm.h"

  PT_CODE

#define A_TOR   (1 << 3)
#define A_NA4   (2 << 3)
#define A_NAPOT (3 << 3)
#define P_R 1
#define P_W 2
#define P_X 4
#define P_L 0x80
#define CFG(i, v) ((v) << (8 * ((i) % 8)))

/* The layout this test uses (entries not named are OFF):
 *   0  NA4 data_hole, no permission        3  NAPOT 4 KiB nx_page, RW
 *   1  OFF, bottom of 2: ro_page           4  NA4 code_hole, no permission
 *   2  TOR ro_page .. +4 KiB, R            15 NAPOT everything, RWX */
#define CFG0 (CFG(0, A_NA4) | CFG(2, A_TOR | P_R) | CFG(3, A_NAPOT | P_R | P_W) | CFG(4, A_NA4))
#define CFG2 CFG(15, A_NAPOT | P_R | P_W | P_X)

/* pmpaddrN = (label + off) >> 2, or'ed with ones (NAPOT size). */
.macro SET_ADDR n, label, off=0, ones=0
  la t0, \label
  addi t0, t0, \off
  srli t0, t0, 2
  ori t0, t0, \ones
  csrw pmpaddr\n, t0
.endm

/* pmpaddrN = (label + size) >> 2: the top of a TOR range. */
.macro SET_TOP n, label, size
  la t0, \label
  li t1, \size
  add t0, t0, t1
  srli t0, t0, 2
  csrw pmpaddr\n, t0
.endm

/* Case n: insn must trap with cause and xtval = reg. */
.macro EXPECT_TRAP_AT n, cause, reg, insn:vararg
  EXPECT_TRAP \n, \cause, \insn
  CHECKR t5, \reg
.endm

TEST_BEGIN
  /* ---- the CSRs ---- */
  csrw pmpcfg0, zero
  csrw pmpcfg2, zero
  TCASE 1                                        /* 54 address bits, 4-byte grain */
  li t0, -1
  csrw pmpaddr5, t0
  csrr a0, pmpaddr5
  CHECK a0, 0x003fffffffffffff
  TCASE 2                                        /* R=0 W=1 is reserved: ignored */
  li t0, CFG(6, P_R)
  csrw pmpcfg0, t0
  li t0, CFG(6, P_W) | CFG(5, A_NA4 | P_X)
  csrw pmpcfg0, t0
  csrr a0, pmpcfg0
  CHECK a0, CFG(6, P_R) | CFG(5, A_NA4 | P_X)
  TCASE 3                                        /* reserved bits 6:5 read 0 */
  li t0, CFG(1, 0x60 | P_R)
  csrw pmpcfg0, t0
  csrr a0, pmpcfg0
  CHECK a0, CFG(1, P_R)
  TCASE 4                                        /* entries 16-63 do not exist */
  li t0, -1
  csrw pmpaddr16, t0
  csrr a0, pmpaddr16
  CHECK a0, 0
  csrw pmpcfg4, t0
  csrr a0, pmpcfg4
  CHECK a0, 0
  EXPECT_TRAP 5, CAUSE_ILLEGAL, csrr a0, pmpcfg1

  /* ---- the layout ---- */
  csrw pmpcfg0, zero
  SET_ADDR 0, data_page, 0x100
  SET_ADDR 1, ro_page
  SET_TOP 2, ro_page, 4096
  SET_ADDR 3, nx_page, 0, 0x1ff
  SET_ADDR 4, code_page, 0x48
  li t0, -1
  csrw pmpaddr15, t0
  li t0, CFG0
  csrw pmpcfg0, t0
  li t0, CFG2
  csrw pmpcfg2, t0
  sfence.vma
  TCASE 6
  csrr a0, pmpcfg0
  CHECK a0, CFG0
  csrr a0, pmpcfg2
  CHECK a0, CFG2
  TCASE 7
  csrr a0, pmpaddr2
  la t0, ro_page + 4096
  srli t0, t0, 2
  CHECKR a0, t0

  /* M-mode: unlocked entries do not apply */
  la s1, data_page + 0x100                       /* the hole */
  la s2, ro_page
  TEST_CASE(8, a0, 0xdddddddd, lwu a0, 0(s1))
  TCASE 9
  sd zero, 0(s2)
  ld a0, 0(s2)
  CHECK a0, 0
  TEST_CASE(10, a0, 5, call nx_page)

  /* ---- S-mode ---- */
  GOTO_MODE PRV_S, smode
smode:
  la s0, data_page
  TEST_CASE(11, a0, 0x1111111111111111, ld a0, 0(s0))
  EXPECT_TRAP_AT 12, CAUSE_LOAD_ACCESS, s1, lw a0, 0(s1)
  /* the page was just read: the hole must still fault (not cached whole) */
  TEST_CASE(13, a0, 0x1111111111111111, ld a0, 8(s0))
  EXPECT_TRAP_AT 14, CAUSE_LOAD_ACCESS, s1, lbu a0, 0(s1)
  addi s3, s1, 3
  EXPECT_TRAP_AT 15, CAUSE_LOAD_ACCESS, s3, lbu a0, 3(s1)
  TEST_CASE(16, a0, 0xee, lbu a0, 4(s1))         /* the next word is allowed */
  TEST_CASE(17, a0, 0xcc, lbu a0, -1(s1))        /* and the previous one */
  addi s3, s1, -4                                /* 8 bytes, half in the hole */
  EXPECT_TRAP_AT 18, CAUSE_LOAD_ACCESS, s3, ld a0, -4(s1)
  EXPECT_TRAP_AT 19, CAUSE_STORE_ACCESS, s1, sw zero, 0(s1)
  TCASE 20                                       /* stores around it work */
  li t0, 0x77
  sb t0, 4(s1)
  lbu a0, 4(s1)
  CHECK a0, 0x77
  EXPECT_TRAP_AT 21, CAUSE_LOAD_ACCESS, s1, lr.w a0, (s1)
  EXPECT_TRAP_AT 22, CAUSE_STORE_ACCESS, s1, amoadd.w a0, a0, (s1)

  /* TOR, read-only */
  TEST_CASE(23, a0, 0, ld a0, 0(s2))
  la s4, rw_page
  TEST_CASE(24, a0, 0x2222222222222222, ld a0, -8(s4))
  EXPECT_TRAP_AT 25, CAUSE_STORE_ACCESS, s2, sd zero, 0(s2)
  addi s3, s2, 8
  EXPECT_TRAP_AT 26, CAUSE_STORE_ACCESS, s3, sd zero, 8(s2)
  EXPECT_TRAP_AT 27, CAUSE_STORE_ACCESS, s2, amoswap.d a0, zero, (s2)
  TCASE 28                                       /* the page after it is RW (entry 15) */
  li t0, 0x3333
  sd t0, 0(s4)
  ld a0, 0(s4)
  CHECK a0, 0x3333
  TCASE 29                                       /* a reserved SC still may not store */
  addi s3, s2, 16
  lr.d a0, (s3)
  la tp, 1f
.Lsc:
  sc.d a0, zero, (s3)
  j fail
1:
  CHECK t4, CAUSE_STORE_ACCESS
  CHECKR t5, s3
  CHECKLA t6, .Lsc

  /* NAPOT without X: no fetch; its data is fine */
  la s5, nx_page
  TEST_CASE(30, a0, 0x00a00513, lw a0, 0(s5))
  TCASE 31
  la tp, 1f
  jalr s5
  j fail
1:
  CHECK t4, CAUSE_FETCH_ACCESS
  CHECKR t5, s5
  CHECKR t6, s5

  /* code page with a 4-byte hole at +0x48: the code before it runs */
  la s5, code_page
  TEST_CASE(32, a0, 7, jalr s5)
  TCASE 33
  addi s5, s5, 0x40
  addi s6, s5, 8                                 /* the hole */
  la tp, 1f
  jalr s5
  j fail
1:
  CHECK t4, CAUSE_FETCH_ACCESS
  CHECKR t5, s6
  CHECKR t6, s6
  CHECK a0, 8                                    /* the two instructions before it ran */
  BACK_TO_M

  /* ---- U-mode: the same rules ---- */
  GOTO_MODE PRV_U, umode
umode:
  TEST_CASE(34, a0, 0x1111111111111111, ld a0, 0(s0))
  EXPECT_TRAP_AT 35, CAUSE_LOAD_ACCESS, s1, lw a0, 0(s1)
  TEST_CASE(36, a0, 0, ld a0, 0(s2))
  EXPECT_TRAP_AT 37, CAUSE_STORE_ACCESS, s2, sd zero, 0(s2)
  la s5, nx_page
  TCASE 38
  la tp, 1f
  jalr s5
  j fail
1:
  CHECK t4, CAUSE_FETCH_ACCESS
  CHECKR t5, s5
  BACK_TO_M

  /* ---- M-mode with MPRV: data accesses use MPP's rules ---- */
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S | MSTATUS_MPRV
  csrs mstatus, t0
  TEST_CASE(39, a0, 0x1111111111111111, ld a0, 0(s0))
  TCASE 40
  la tp, 1f + 1                                  /* resume in M */
  lw a0, 0(s1)
  j fail
1:
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK t4, CAUSE_LOAD_ACCESS
  CHECKR t5, s1
  TEST_CASE(41, a0, 0xdddddddd, lwu a0, 0(s1))   /* MPRV off: M again */

  /* ---- page-table walks are S-mode reads (and A/D updates writes) ---- */
  li a5, 3
  MAP 0x80000000, 0x80000000, PTE_RWX, 2         /* identity gigapage, A and D set */
  MAP_LA 0x40000000, data_page, PTE_V | PTE_R | PTE_W, 0 /* A = D = 0 */
  SET_ADDR 5, pt_root
  SET_TOP 6, pt_root, PT_POOL_PAGES * 4096
  li t0, CFG(6, A_TOR)                           /* the tables: no access */
  csrs pmpcfg0, t0
  SATP_ON SATP_SV39
  TCASE 42                                       /* the first fetch in S cannot walk */
  la tp, 1f + 1
  GOTO_MODE PRV_S, 2f
2:
  j fail
1:
  CHECK t4, CAUSE_FETCH_ACCESS
  CHECKLA t5, 2b
  li t0, CFG(6, A_TOR | P_R)                     /* readable, not writable */
  csrs pmpcfg0, t0
  sfence.vma
  GOTO_MODE PRV_S, 3f
3:
  li s7, 0x40000000
  /* reading through a PTE with A clear needs a write to set it */
  EXPECT_TRAP_AT 43, CAUSE_LOAD_ACCESS, s7, ld a0, 0(s7)
  EXPECT_TRAP_AT 44, CAUSE_STORE_ACCESS, s7, sd zero, 0(s7)
  BACK_TO_M
  li t0, CFG(6, P_W)
  csrs pmpcfg0, t0
  sfence.vma
  GOTO_MODE PRV_S, 4f
4:
  TEST_CASE(45, a0, 0x1111111111111111, ld a0, 0(s7))
  BACK_TO_M
  csrw satp, zero
  sfence.vma

  /* ---- locked entries ---- */
  li t0, CFG(3, 0xff)                            /* entry 3 would let M run nx_page */
  csrc pmpcfg0, t0
  la s8, lock_word
  SET_ADDR 7, lock_word
  li t0, CFG(7, P_L | A_NA4 | P_R)
  csrs pmpcfg0, t0
  sfence.vma
  TEST_CASE(46, a0, 0x5a5a5a5a, lwu a0, 0(s8))    /* M reads it */
  EXPECT_TRAP_AT 47, CAUSE_STORE_ACCESS, s8, sw zero, 0(s8)
  TCASE 48                                       /* the entry ignores writes now */
  li t0, CFG(7, 0xff)
  csrc pmpcfg0, t0
  csrr a0, pmpcfg0
  srli a0, a0, 56
  CHECK a0, P_L | A_NA4 | P_R
  csrr s9, pmpaddr7
  csrw pmpaddr7, zero
  csrr a0, pmpaddr7
  CHECKR a0, s9
  /* a locked TOR entry freezes the address below it */
  SET_ADDR 8, nx_page
  SET_TOP 9, nx_page, 4096
  li t0, CFG(9, P_L | A_TOR | P_R | P_W)         /* M may not execute nx_page */
  csrs pmpcfg2, t0
  sfence.vma
  TCASE 49
  csrr s9, pmpaddr8
  csrw pmpaddr8, zero
  csrr a0, pmpaddr8
  CHECKR a0, s9
  TCASE 50
  la s5, nx_page
  la tp, 1f
  jalr s5
  j fail
1:
  CHECK t4, CAUSE_FETCH_ACCESS
  CHECKR t5, s5
  TEST_CASE(51, a0, 0x00a00513, lw a0, 0(s5))    /* but read it */
  TEST_PASS

/* ---- code for the fetch checks (fixed sizes: no compressed forms) ---- */
  .text
  .option push
  .option norvc
  .balign 4096
nx_page:
  li a0, 10                                      /* 0x00a00513 */
  li a0, 5
  ret
  .balign 4096
code_page:
  li a0, 7
  ret
  .balign 0x40
  li a0, 0                                       /* +0x40 */
  addi a0, a0, 8                                 /* +0x44 */
  nop                                            /* +0x48: the hole */
  ret
  .balign 4096
  .option pop

  .data
  .balign 4096
data_page:
  .rept 0x100 / 8 - 1
  .dword 0x1111111111111111
  .endr
  .dword 0xcc11111111111111                     /* +0xf8; its last byte is 0xcc */
  .word 0xdddddddd                               /* +0x100: the hole */
  .word 0xeeeeeeee
  .rept (4096 - 0x108) / 8
  .dword 0x1111111111111111
  .endr
ro_page:
  .fill 511, 8, 0
  .dword 0x2222222222222222
rw_page:
  .fill 512, 8, 0
lock_word:
  .word 0x5a5a5a5a
  .word 0
