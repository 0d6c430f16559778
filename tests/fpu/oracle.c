/* The RISC-V side of the FPU differential test: a freestanding riscv64
 * Linux program (run under qemu-riscv64) that reads struct fpu_rec records
 * from stdin, executes each on the F/D hardware with frm = rec.rm and
 * fflags cleared, and writes a struct fpu_res (result register, fflags)
 * per record to stdout. No libc: raw syscalls (read 63, write 64,
 * exit 93). Operands go in through fmv.d.x so single-precision operands
 * can be improperly NaN-boxed on purpose. */
#include "fpu_ops.h"

static long syscall3(long nr, long a, long b, long c)
{
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a7 __asm__("a7") = nr;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

/* Reads until buf is full or EOF; returns bytes read or -1. */
static long read_full(void *buf, unsigned long size)
{
    unsigned long done = 0;
    while (done < size) {
        long n = syscall3(63, 0, (long)((char *)buf + done), (long)(size - done));
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (unsigned long)n;
    }
    return (long)done;
}

static int write_full(const void *buf, unsigned long size)
{
    unsigned long done = 0;
    while (done < size) {
        long n = syscall3(64, 1, (long)((const char *)buf + done), (long)(size - done));
        if (n <= 0)
            return -1;
        done += (unsigned long)n;
    }
    return 0;
}

/* Each shape loads frm, clears fflags, runs insn and reads fflags in one
 * asm block so nothing else can touch the FP state in between. */
#define PRE                                                                                    \
    "fsrm %[rm]\n\t"                                                                           \
    "csrw fflags, zero\n\t"                                                                    \
    "fmv.d.x ft0, %[a]\n\t"                                                                    \
    "fmv.d.x ft1, %[b]\n\t"                                                                    \
    "fmv.d.x ft2, %[c]\n\t"
#define POST "\n\tfrflags %[f]"
#define OPERANDS                                                                               \
    : [r] "=&r"(r), [f] "=&r"(f)                                                               \
    : [rm] "r"(rec->rm), [a] "r"(rec->a), [b] "r"(rec->b), [c] "r"(rec->c)                     \
    : "ft0", "ft1", "ft2", "ft3"
#define TO_X "\n\tfmv.x.d %[r], ft3"

#define ASM_FFF(insn) __asm__ volatile(PRE insn " ft3, ft0, ft1" TO_X POST OPERANDS)
#define ASM_FFFF(insn) __asm__ volatile(PRE insn " ft3, ft0, ft1, ft2" TO_X POST OPERANDS)
#define ASM_FF(insn) __asm__ volatile(PRE insn " ft3, ft0" TO_X POST OPERANDS)
#define ASM_FX(insn) __asm__ volatile(PRE insn " ft3, %[a]" TO_X POST OPERANDS)
#define ASM_XFF(insn) __asm__ volatile(PRE insn " %[r], ft0, ft1" POST OPERANDS)
#define ASM_XF(insn) __asm__ volatile(PRE insn " %[r], ft0" POST OPERANDS)

static void run(const struct fpu_rec *rec, struct fpu_res *res)
{
    unsigned long r, f;
    switch (rec->op) {
#define CASE(name, mnemonic, shape, fmt)                                                       \
    case OP_##name:                                                                            \
        ASM_##shape(mnemonic);                                                                 \
        break;
        FPU_OPS(CASE)
#undef CASE
    default:
        r = 0;
        f = ~0ul; /* unknown op: the host reports it */
        break;
    }
    res->value = r;
    res->fflags = f;
}

#define CHUNK 2048
static struct fpu_rec in[CHUNK];
static struct fpu_res out[CHUNK];

int oracle_main(void);
int oracle_main(void)
{
    for (;;) {
        long n = read_full(in, sizeof(in));
        if (n < 0 || n % (long)sizeof(in[0]))
            return 2;
        if (n == 0)
            return 0;
        long count = n / (long)sizeof(in[0]);
        for (long i = 0; i < count; i++)
            run(&in[i], &out[i]);
        if (write_full(out, (unsigned long)count * sizeof(out[0])))
            return 3;
    }
}

/* Entry: set gp for linker relaxation, run, exit with the status. */
__asm__(".pushsection .text._start,\"ax\",@progbits\n"
        ".globl _start\n"
        "_start:\n"
        ".option push\n"
        ".option norelax\n"
        "    la gp, __global_pointer$\n"
        ".option pop\n"
        "    call oracle_main\n"
        "    li a7, 93\n"
        "    ecall\n"
        "1:  j 1b\n"
        ".popsection\n");
