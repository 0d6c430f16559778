/* Freestanding helpers for the tiny KVM test guests (64-bit, ring 0). */
#ifndef KVM_TEST_GUEST_H
#define KVM_TEST_GUEST_H

#include <stdint.h>

#include "protocol.h"

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

#define MMIO(type, addr) (*(volatile type *)(uintptr_t)(addr))

static inline void serial_putc(char c)
{
    while (!(inb(SERIAL_PORT + 5) & 0x20)) /* LSR: transmitter holding register empty */
        ;
    outb(SERIAL_PORT, (uint8_t)c);
}

static inline void serial_puts(const char *s)
{
    while (*s)
        serial_putc(*s++);
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

int main(void); /* returns the status written to EXIT_PORT */

#endif
