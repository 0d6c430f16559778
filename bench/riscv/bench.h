/* Tiny freestanding runtime for the RISC-V guest benchmarks (spike HTIF). */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

void bench_putc(char c);
void bench_puts(const char *s);
void bench_putu(uint64_t v);
void bench_puthex(uint64_t v);
/* Print the standard result line: "NAME insns=N result=0x...\n". */
void bench_report(const char *name, uint64_t result);

static inline uint64_t bench_instret(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

/* xorshift64: deterministic pseudo-random numbers. */
static inline uint64_t bench_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* gcc may emit calls to these for struct copies and loops. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
