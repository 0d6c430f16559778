/* Test helpers for the RISC-V hart: a small instruction encoder and a
 * machine (RAM at 0x80000000 + one soft hart) that runs code until EBREAK,
 * which exits (VM_EXIT_DEBUG) instead of trapping. Header-only: each test
 * file includes it once. */
#ifndef VM_TESTS_RV_HARNESS_H
#define VM_TESTS_RV_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "riscv/csr_defs.h"
#include "riscv/hart.h"
#include "vm/accel.h"
#include "vm/error.h"
#include "vm/mem.h"

/* ---- encoders ---- */
static inline uint32_t enc_r(uint32_t f7, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t rd,
                             uint32_t opc)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static inline uint32_t enc_i(int32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t opc)
{
    return (uint32_t)imm << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static inline uint32_t enc_s(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t opc)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | opc;
}
static inline uint32_t enc_b(int32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 | 0x63;
}
static inline uint32_t enc_j(int32_t imm, uint32_t rd)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 |
           (u >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}

#define ADDI(rd, rs1, imm) enc_i(imm, rs1, 0, rd, 0x13)
#define LI(rd, imm) ADDI(rd, 0, imm)
#define LUI(rd, imm20) ((uint32_t)(imm20) << 12 | (rd) << 7 | 0x37)
#define SLLI(rd, rs1, sh) enc_i(sh, rs1, 1, rd, 0x13)
#define ADD(rd, rs1, rs2) enc_r(0, rs2, rs1, 0, rd, 0x33)
#define LD(rd, rs1, imm) enc_i(imm, rs1, 3, rd, 0x03)
#define LW(rd, rs1, imm) enc_i(imm, rs1, 2, rd, 0x03)
#define SD(rs2, rs1, imm) enc_s(imm, rs2, rs1, 3, 0x23)
#define SW(rs2, rs1, imm) enc_s(imm, rs2, rs1, 2, 0x23)
#define SB(rs2, rs1, imm) enc_s(imm, rs2, rs1, 0, 0x23)
#define BEQ(rs1, rs2, off) enc_b(off, rs2, rs1, 0)
#define BNE(rs1, rs2, off) enc_b(off, rs2, rs1, 1)
#define JAL(rd, off) enc_j(off, rd)
#define JALR(rd, rs1, imm) enc_i(imm, rs1, 0, rd, 0x67)
#define AUIPC(rd, imm20) ((uint32_t)(imm20) << 12 | (rd) << 7 | 0x17)
#define CSRRW(rd, csr, rs1) enc_i(csr, rs1, 1, rd, 0x73)
#define CSRRS(rd, csr, rs1) enc_i(csr, rs1, 2, rd, 0x73)
#define CSRRC(rd, csr, rs1) enc_i(csr, rs1, 3, rd, 0x73)
#define CSRRWI(rd, csr, uimm) enc_i(csr, uimm, 5, rd, 0x73)
#define CSRR(rd, csr) CSRRS(rd, csr, 0)
#define CSRW(csr, rs1) CSRRW(0, csr, rs1)
#define AMOSWAP_D(rd, rs2, rs1) enc_r(0x01 << 2, rs2, rs1, 3, rd, 0x2f)
#define AMOOR_W(rd, rs2, rs1) enc_r(0x08 << 2, rs2, rs1, 2, rd, 0x2f)
#define LR_D(rd, rs1) enc_r(0x02 << 2, 0, rs1, 3, rd, 0x2f)
#define SC_D(rd, rs2, rs1) enc_r(0x03 << 2, rs2, rs1, 3, rd, 0x2f)
#define FLD(rd, rs1, imm) enc_i(imm, rs1, 3, rd, 0x07)
#define FADD_D(rd, rs1, rs2, rm) enc_r(0x01, rs2, rs1, rm, rd, 0x53)
#define FMV_D_X(rd, rs1) enc_r(0x79, 0, rs1, 0, rd, 0x53)
#define ECALL 0x00000073u
#define EBREAK 0x00100073u
#define MRET 0x30200073u
#define SRET 0x10200073u
#define WFI 0x10500073u
#define FENCE_I 0x0000100fu
#define NOP ADDI(0, 0, 0)

/* ---- a machine with one hart ---- */
#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1ULL << 20)

struct rv_machine {
    struct vm_mem *mem;
    struct vm_accel *accel;
    struct vm_vcpu *vcpu;
    struct rv_hart *h;
};

static inline void machine_init_opt(struct rv_machine *m, const struct vm_vcpu_options *opt)
{
    m->mem = vm_mem_create();
    assert_non_null(m->mem);
    assert_int_equal(vm_mem_add_ram(m->mem, RAM_BASE, RAM_SIZE, "ram"), 0);
    struct vm_accel_config ac = {.machine = "test", .arch = VM_ARCH_RISCV64, .mem = m->mem,
                                 .nr_vcpus = 1};
    /* VM_TEST_ACCEL: the same tests on the other engine (tests/CMakeLists.txt) */
    const char *accel = getenv("VM_TEST_ACCEL") ? getenv("VM_TEST_ACCEL") : "soft";
    assert_int_equal(vm_accel_create(accel, &ac, false, &m->accel), 0);
    assert_int_equal(vm_vcpu_create(m->accel, opt, &m->vcpu), 0);
    m->h = vm_vcpu_priv(m->vcpu);
    /* As firmware does: PMP entry 0 opens all memory to S and U-mode. */
    assert_int_equal(rv_csr_write(m->h, CSR_PMPADDR0, ~0ULL), 0);
    assert_int_equal(rv_csr_write(m->h, CSR_PMPCFG0, 0x1f), 0); /* NAPOT, RWX */
}

static inline void machine_init(struct rv_machine *m)
{
    struct vm_vcpu_options opt = {.id = 0, .ebreak_exits = true, .max_insns = 1000000};
    machine_init_opt(m, &opt);
}

static inline void machine_fini(struct rv_machine *m)
{
    vm_vcpu_destroy(m->vcpu);
    vm_accel_destroy(m->accel);
    vm_mem_destroy(m->mem);
}

/* Write code at pa (forgetting decoded copies, as the loader would). */
static inline void load_code(struct rv_machine *m, uint64_t pa, const uint32_t *code, size_t n)
{
    assert_int_equal(vm_mem_write(m->mem, pa, code, n * 4, NULL), 0);
    rv_dcache_flush(m->h);
}

/* Run from pc until an exit; EBREAK gives VM_EXIT_DEBUG. */
static inline struct vm_exit run_from(struct rv_machine *m, uint64_t pc)
{
    struct vm_exit ex;
    m->h->pc = pc;
    assert_int_equal(vm_vcpu_run(m->vcpu, &ex), 0);
    return ex;
}

/* The address of the EBREAK the run stopped at, or ~0 for other exits. */
static inline uint64_t stopped_at(const struct vm_exit *ex)
{
    return ex->kind == VM_EXIT_DEBUG ? ex->u.debug.pc : ~0ULL;
}

#endif
