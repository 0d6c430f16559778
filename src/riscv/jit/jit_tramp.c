/* The trampolines between C and translated code, emitted once at the
 * start of each hart's code cache. Inside translated code:
 *   rbp  the hart + JIT_BIAS        r15  budget before the current block
 *   rsp  16-byte aligned, so helpers can be called directly
 * and in memory h->jit_page, the virtual base of the page being run.
 * Guest registers live in rbx, r12-r14, rsi, rdi, r8-r11 as each block
 * decides; rax, rcx, rdx are scratch. */
#include "riscv/jit/jit_internal.h"
#include "riscv/jit/x86_emit.h"
#include "vm/error.h"

int jit_emit_trampolines(struct rv_jit *j)
{
    struct code_cache *cc = &j->cc;
    struct x86_buf b;
    x86_init(&b, cc->rw, cc->rw + 512);
    static const int saved[] = {X_RBP, X_RBX, X_R12, X_R13, X_R14, X_R15};

    /* enter(rdi = hart + bias, rsi = code) */
    uint8_t *enter = b.p;
    for (unsigned i = 0; i < 6; i++)
        x86_push(&b, saved[i]);
    x86_alu_ri(&b, ALU_SUB, X_RSP, 8); /* 6 pushes + return address: realign */
    x86_mov_rr(&b, X_RBP, X_RDI);
    x86_load(&b, X_R15, X_RBP, JIT_HOFF(budget));
    x86_load(&b, X_RAX, X_RBP, JIT_HOFF(pc));
    x86_alu_ri(&b, ALU_AND, X_RAX, -4096);
    x86_store(&b, X_RBP, JIT_HOFF(jit_page), X_RAX);
    x86_jmp_r(&b, X_RSI);

    uint8_t *to_rax = b.p; /* leave for the dispatcher at pc = rax */
    x86_store(&b, X_RBP, JIT_HOFF(pc), X_RAX);
    uint8_t *save = b.p;
    x86_store(&b, X_RBP, JIT_HOFF(budget), X_R15);
    uint8_t *nosave = b.p;
    x86_alu_ri(&b, ALU_ADD, X_RSP, 8);
    for (unsigned i = 6; i-- > 0;)
        x86_pop(&b, saved[i]);
    x86_ret(&b);
    /* Counting entries: one increment, then the common exit. */
    uint8_t *counted[RV_JIT_EXIT_KINDS];
    for (unsigned k = 0; k < RV_JIT_EXIT_KINDS; k++) {
        counted[k] = b.p;
        static const uint8_t inc_m[] = {0xff}; /* inc qword [rbp + disp] */
        x86_op_rm(&b, true, inc_m, 1, 0, X_RBP, X_NONE, 1,
                  JIT_HOFF(jit_exits) + 8 * (int32_t)k);
        x86_jmp_to(&b, k == RV_JIT_EXIT_HELPER ? nosave : k == RV_JIT_EXIT_CHAIN ? save : to_rax);
    }
    /* Memory slow paths (called from cold code: va in rax, the site word
     * in ecx, a store's value in rdx). They keep the caller-saved host
     * registers, which may hold guest registers, on the stack around the C
     * call, so that the cold code needs no write-back or reload. */
    static const int kept[] = {X_RSI, X_RDI, X_R8, X_R9, X_R10, X_R11};
    uint8_t *slow[2];
    for (unsigned store = 0; store < 2; store++) {
        slow[store] = b.p;
        for (unsigned i = 0; i < 6; i++)
            x86_push(&b, kept[i]);
        x86_alu_ri(&b, ALU_SUB, X_RSP, 8); /* return address + 6 pushes: realign */
        x86_lea(&b, X_RDI, X_RBP, X_NONE, 1, -JIT_BIAS);
        x86_mov_rr(&b, X_RSI, X_RAX);
        if (store) { /* (h, va, value = rdx, site = rcx, r15) */
            x86_mov_rr(&b, X_R8, X_R15);
            x86_mov_imm(&b, X_RAX, (uint64_t)(uintptr_t)jit_slow_store);
        } else { /* (h, va, site, r15) */
            x86_mov_rr(&b, X_RDX, X_RCX);
            x86_mov_rr(&b, X_RCX, X_R15);
            x86_mov_imm(&b, X_RAX, (uint64_t)(uintptr_t)jit_slow_load);
        }
        x86_call_r(&b, X_RAX);
        x86_alu_ri(&b, ALU_ADD, X_RSP, 8);
        for (unsigned i = 6; i-- > 0;)
            x86_pop(&b, kept[i]);
        x86_ret(&b);
    }
    if (b.overflow)
        return vm_error(VM_ENOMEM, "JIT: trampolines do not fit");

    union { const uint8_t *p; void (*fn)(void *, const uint8_t *); } u = {code_rx(cc, enter)};
    j->enter = u.fn;
    j->exit_to_rax = code_rx(cc, to_rax);
    j->exit_save = code_rx(cc, save);
    j->exit_nosave = code_rx(cc, nosave);
    j->exit_limit = code_rx(cc, counted[RV_JIT_EXIT_LIMIT]);
    j->exit_lookup = code_rx(cc, counted[RV_JIT_EXIT_LOOKUP]);
    j->exit_chain = code_rx(cc, counted[RV_JIT_EXIT_CHAIN]);
    j->exit_helper = code_rx(cc, counted[RV_JIT_EXIT_HELPER]);
    j->slow_load = code_rx(cc, slow[0]);
    j->slow_store = code_rx(cc, slow[1]);
    cc->used = (size_t)(b.p - cc->rw + 63) & ~(size_t)63;
    code_cache_keep(cc);
    return 0;
}
