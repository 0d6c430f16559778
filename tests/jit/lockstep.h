/* Lock-step comparison of the JIT against the interpreter: two machines
 * with the same RAM and hart state, one running translated code a block
 * at a time, the other the interpreter one instruction at a time for as
 * many instructions as the block retired; after each block every register,
 * the CSRs that traps and counters touch, and RAM must agree. */
#ifndef VM_TESTS_JIT_LOCKSTEP_H
#define VM_TESTS_JIT_LOCKSTEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "riscv/hart.h"
#include "vm/accel.h"
#include "vm/mem.h"

struct ls_side {
    struct vm_mem *mem;
    struct vm_accel *accel;
    struct vm_vcpu *vcpu;
    struct rv_hart *h;
    uint8_t *ram;
};

struct ls_pair {
    struct ls_side jit, ref;
    uint64_t ram_base, ram_size;
    uint64_t steps, insns;
    uint64_t step_pc; /* where the last step started */
    /* Set by ls_step on a difference: what differed, for the report. */
    char diff[512];
};

/* accel_props: extra soft properties for the JIT side ("" for none). */
int ls_init(struct ls_pair *p, uint64_t ram_base, uint64_t ram_size, const char *accel_props);
void ls_fini(struct ls_pair *p);
/* Copy bytes into both RAMs. */
void ls_write(struct ls_pair *p, uint64_t pa, const void *data, size_t len);
/* Both harts: pc, priv M, everything else reset. */
void ls_set_pc(struct ls_pair *p, uint64_t pc);

enum ls_result { LS_SAME = 0, LS_DIFF = 1, LS_STOP = 2 };
/* One block of the JIT and the same number of instructions of the
 * interpreter, then compare. LS_STOP when the JIT side raised an exit
 * event (watch, WFI, exit) that the caller must look at. */
enum ls_result ls_step(struct ls_pair *p);
/* Compare everything now (also used by ls_step). */
bool ls_compare(struct ls_pair *p);

#endif
