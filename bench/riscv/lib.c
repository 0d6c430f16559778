/* HTIF console output and the few libc functions gcc may call. */
#include "bench.h"

extern volatile uint64_t tohost, fromhost;

void bench_putc(char c)
{
    tohost = (1ULL << 56) | (1ULL << 48) | (uint8_t)c;
    while (tohost)
        ;
    fromhost = 0;
}

void bench_puts(const char *s)
{
    while (*s)
        bench_putc(*s++);
}

void bench_putu(uint64_t v)
{
    char buf[21];
    int i = 20;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    bench_puts(buf + i);
}

void bench_puthex(uint64_t v)
{
    bench_puts("0x");
    for (int i = 60; i >= 0; i -= 4)
        bench_putc("0123456789abcdef"[(v >> i) & 15]);
}

void bench_report(const char *name, uint64_t result)
{
    uint64_t n = bench_instret();
    bench_puts(name);
    bench_puts(" insns=");
    bench_putu(n);
    bench_puts(" result=");
    bench_puthex(result);
    bench_putc('\n');
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}
