/* Test environment for the vm ISA tests (bare metal, Spike-style HTIF).
 *
 * env/start.S provides _start (M-mode set-up), the M and S trap handlers,
 * pass/fail through tohost and a stack. A test defines `test_main` (entered
 * in M-mode, bare addressing) and ends with TEST_PASS.
 *
 * Register conventions:
 *   gp  current case number; a failure exits with this status (1..255).
 *   tp  "expected trap" resume address. Zero: any trap fails the test.
 *       Non-zero: the handler resumes there in the trapping mode (bit 0 set:
 *       resume in M-mode instead) and clears tp. Interrupts taken this way
 *       also clear mie (M handler) or sie (S handler) so they do not repeat.
 *   t4, t5, t6  after an expected trap: cause, tval, epc.
 *   t2  scratch of CHECK.
 */
#ifndef VM_ISA_TEST_H
#define VM_ISA_TEST_H

/* mstatus bits */
#define MSTATUS_SIE   (1 << 1)
#define MSTATUS_MIE   (1 << 3)
#define MSTATUS_SPIE  (1 << 5)
#define MSTATUS_MPIE  (1 << 7)
#define MSTATUS_SPP   (1 << 8)
#define MSTATUS_MPP   (3 << 11)
#define MSTATUS_MPP_S (1 << 11)
#define MSTATUS_FS    (3 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)
#define MSTATUS_FS_CLEAN   (2 << 13)
#define MSTATUS_FS_DIRTY   (3 << 13)
#define MSTATUS_MPRV  (1 << 17)
#define MSTATUS_SUM   (1 << 18)
#define MSTATUS_MXR   (1 << 19)
#define MSTATUS_TVM   (1 << 20)
#define MSTATUS_TW    (1 << 21)
#define MSTATUS_TSR   (1 << 22)

/* Interrupt numbers (bit positions in mip/mie, low bits of mcause) */
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define INTR (1 << 63)

/* Exception causes */
#define CAUSE_MISALIGNED_FETCH  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL           2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_ECALL_U           8
#define CAUSE_ECALL_S           9
#define CAUSE_ECALL_M           11
#define CAUSE_FETCH_PAGE_FAULT  12
#define CAUSE_LOAD_PAGE_FAULT   13
#define CAUSE_STORE_PAGE_FAULT  15

/* CSRs that binutils 2.40 may not know by name */
#define CSR_MENVCFG  0x30a
#define CSR_SENVCFG  0x10a
#define CSR_STIMECMP 0x14d

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* Start/finish a test body. */
#define TEST_BEGIN  .text; .globl test_main; test_main:
#define TEST_PASS   j pass

/* ---- checking ---------------------------------------------------------- */

/* Start case n (1..255). */
.macro TCASE n
  .if (\n < 1) || (\n > 255)
    .error "case numbers must be 1..255 (they become the exit status)"
  .endif
  li gp, \n
.endm

/* Fail unless reg == the 64-bit constant exp. Built with -DMUTATE=k, the
 * k-th CHECK of a file expects a wrong value: a mutation run (see README)
 * proves that every check can fail. */
.set check_count, 0
.macro CHECK reg, exp
  .set check_count, check_count + 1
  li t2, \exp
#ifdef MUTATE
  .if check_count == MUTATE
  xori t2, t2, 1
  .endif
#endif
  beq \reg, t2, .Lok\@
  j fail
.Lok\@:
.endm

/* Fail unless two registers are equal. */
.macro CHECKR reg, other
  beq \reg, \other, .Lok\@
  j fail
.Lok\@:
.endm

/* Fail unless the register holds the address of a label. */
.macro CHECKLA reg, label
  la t2, \label
  beq \reg, t2, .Lok\@
  j fail
.Lok\@:
.endm

/* Case n: run code (';'-separated), then reg must equal exp. */
#define TEST_CASE(n, reg, exp, code...) \
  TCASE n; code; CHECK reg, exp

/* Integer ops: a0 = op(a1, a2) / op(a1, imm) / op(a1). */
#define TEST_RR(n, op, exp, a, b) \
  TEST_CASE(n, a0, exp, li a1, a; li a2, b; op a0, a1, a2)
#define TEST_RI(n, op, exp, a, imm) \
  TEST_CASE(n, a0, exp, li a1, a; op a0, a1, imm)
#define TEST_R(n, op, exp, a) \
  TEST_CASE(n, a0, exp, li a1, a; op a0, a1)

/* Case n: `insn` must trap with `cause`; t5/t6 hold tval/epc afterwards
 * (epc is checked to be insn's address). */
.macro EXPECT_TRAP n, cause, insn:vararg
  TCASE \n
  la tp, .Lresume\@
.Linsn\@:
  \insn
  li tp, 0
  j fail
.Lresume\@:
  CHECK t4, \cause
  CHECKLA t6, .Linsn\@
.endm

/* Like EXPECT_TRAP, and mtval/stval must equal tval. */
.macro EXPECT_TRAP_TVAL n, cause, tval, insn:vararg
  EXPECT_TRAP \n, \cause, \insn
  CHECK t5, \tval
.endm

/* Case n: `insn` must not trap. */
.macro EXPECT_NO_TRAP n, insn:vararg
  TCASE \n
  \insn
.endm

/* ---- privilege changes ------------------------------------------------- */

/* From M-mode: continue at label in mode (PRV_U or PRV_S) with MPIE kept. */
.macro GOTO_MODE mode, label
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, (\mode << 11)
  csrs mstatus, t0
  la t0, \label
  csrw mepc, t0
  mret
.endm

/* From S/U-mode: ecall into the M handler and continue after the macro in
 * M-mode (bare addressing). The resume address is the link (physical)
 * address, loaded from a literal, so this works from aliased mappings.
 * `insn` is the trapping instruction (ebreak when ecalls are delegated). */
.macro BACK_TO_M insn=ecall
  ld tp, .Lback_addr\@
  \insn
  j fail
  .pushsection .data
  .balign 8
.Lback_addr\@: .dword .Lback\@ + 1
  .popsection
.Lback\@:
.endm

/* M-mode: let the next trap land at label in M-mode (without xRET) with
 * t3 = mstatus, t4 = mcause, t5 = mtval, t6 = mepc at the trap. mtvec is
 * restored to the default handler; t0/t1 are clobbered. */
.macro CAPTURE_NEXT_TRAP label
  la tp, \label
  la t0, trap_capture
  csrw mtvec, t0
.endm

/* M or S-mode: the next trap delegated to S lands at label in S-mode
 * (without SRET) with t3 = sstatus, t4 = scause, t5 = stval, t6 = sepc. */
.macro CAPTURE_NEXT_STRAP label
  la tp, \label
  la t0, strap_capture
  csrw stvec, t0
.endm

/* CSR instruction bits (for mtval checks). f3: 1 rw, 2 rs, 3 rc, 5-7 imm. */
#define CSR_INSN(csr, rs1, f3, rd) \
  (((csr) << 20) | ((rs1) << 15) | ((f3) << 12) | ((rd) << 7) | 0x73)

/* ---- floating point ---------------------------------------------------- */

/* Case n: freg <- bits a (double/raw 64), run op into fa0, compare the raw
 * 64-bit result (so single results are checked NaN-boxed) and fflags. */
#define TEST_FP_OP2(n, op, exp, flags, a, b) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; li t0, b; fmv.d.x fa2, t0; \
  csrw fflags, zero; op fa0, fa1, fa2; fmv.x.d a0, fa0; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags
#define TEST_FP_OP1(n, op, exp, flags, a) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; \
  csrw fflags, zero; op fa0, fa1; fmv.x.d a0, fa0; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags
#define TEST_FP_OP3(n, op, exp, flags, a, b, c) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; li t0, b; fmv.d.x fa2, t0; \
  li t0, c; fmv.d.x fa3, t0; \
  csrw fflags, zero; op fa0, fa1, fa2, fa3; fmv.x.d a0, fa0; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags
/* FP -> integer register results (compare, class, convert to int). */
#define TEST_FP_INT2(n, op, exp, flags, a, b) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; li t0, b; fmv.d.x fa2, t0; \
  csrw fflags, zero; op a0, fa1, fa2; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags
#define TEST_FP_INT1(n, op, exp, flags, a) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; \
  csrw fflags, zero; op a0, fa1; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags
/* Integer register -> FP result. */
#define TEST_INT_FP(n, op, exp, flags, a) \
  TCASE n; li a1, a; \
  csrw fflags, zero; op fa0, a1; fmv.x.d a0, fa0; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags

/* The same with an explicit static rounding mode (rne, rtz, rdn, rup, rmm, dyn). */
#define TEST_FP_OP2_RM(n, op, rm, exp, flags, a, b) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; li t0, b; fmv.d.x fa2, t0; \
  csrw fflags, zero; op fa0, fa1, fa2, rm; fmv.x.d a0, fa0; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags
#define TEST_FP_OP1_RM(n, op, rm, exp, flags, a) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; \
  csrw fflags, zero; op fa0, fa1, rm; fmv.x.d a0, fa0; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags
#define TEST_FP_OP3_RM(n, op, rm, exp, flags, a, b, c) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; li t0, b; fmv.d.x fa2, t0; \
  li t0, c; fmv.d.x fa3, t0; \
  csrw fflags, zero; op fa0, fa1, fa2, fa3, rm; fmv.x.d a0, fa0; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags
#define TEST_FP_INT1_RM(n, op, rm, exp, flags, a) \
  TCASE n; li t0, a; fmv.d.x fa1, t0; \
  csrw fflags, zero; op a0, fa1, rm; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags
#define TEST_INT_FP_RM(n, op, rm, exp, flags, a) \
  TCASE n; li a1, a; \
  csrw fflags, zero; op fa0, a1, rm; fmv.x.d a0, fa0; CHECK a0, exp; \
  csrr a1, fflags; CHECK a1, flags

/* Single-precision operand bits, NaN-boxed for the 64-bit moves above. */
#define S(x) (0xffffffff00000000 | (x))

/* fflags bits */
#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16

#endif
