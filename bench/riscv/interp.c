/* interp: a bytecode interpreter (stack machine, switch dispatch) running
 * a program that counts the primes below a limit by trial division. */
#include "bench.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JZ, JMP, DUP, DROP, HALT };

/* locals: 0 n, 1 d, 2 count, 3 limit */
static const int64_t prog[] = {
    PUSH, 2, STORE, 0,              /*  0: n = 2 */
    PUSH, 0, STORE, 2,              /*  4: count = 0 */
    LOAD, 0, LOAD, 3, LT, JZ, 66,   /*  8: while n < limit */
    PUSH, 2, STORE, 1,              /* 15:   d = 2 */
    LOAD, 1, LOAD, 1, MUL, LOAD, 0, /* 19:   while d*d < n+1 */
    PUSH, 1, ADD, LT, JZ, 50,
    LOAD, 0, LOAD, 1, MOD, JZ, 57,  /* 32:     if n % d == 0: not prime */
    LOAD, 1, PUSH, 1, ADD, STORE, 1,/* 39:     d++ */
    JMP, 19, 0, 0,                  /* 46 */
    LOAD, 2, PUSH, 1, ADD, STORE, 2,/* 50:   count++ (prime) */
    LOAD, 0, PUSH, 1, ADD, STORE, 0,/* 57:   n++ */
    JMP, 8,                         /* 64 */
    HALT,                           /* 66 */
};

static int64_t run(const int64_t *code, int64_t limit)
{
    int64_t stack[64], loc[4] = {0, 0, 0, limit};
    int sp = 0;
    long pc = 0;
    for (;;) {
        switch (code[pc++]) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case LOAD: stack[sp++] = loc[code[pc++]]; break;
        case STORE: loc[code[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case JZ: { int64_t t = code[pc++]; if (!stack[--sp]) pc = t; break; }
        case JMP: pc = code[pc]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case HALT: return loc[2];
        default: return -1;
        }
    }
}

int main(void)
{
    int64_t primes = run(prog, 150000);
    bench_report("interp", (uint64_t)primes);
    return primes == 13848 ? 0 : 3;                /* pi(150000) */
}
