/* Booted by the microvm board as an ELF kernel: checks what the board
 * prepared (zero page with the command line and e820, MP table, long-mode
 * entry), prints through COM1 (the 16550 model on port I/O) and resets the
 * machine through the i8042. */
#include "guest.h"

#define ZERO_PAGE 0x7000
#define MPTABLE 0x9fc00

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void put_hex(unsigned v)
{
    for (int i = 28; i >= 0; i -= 4)
        serial_putc("0123456789abcdef"[(v >> i) & 15]);
}

static int check(void)
{
    if (MMIO(uint32_t, ZERO_PAGE + 0x202) != 0x53726448) /* HdrS */
        return 1;
    const char *cmdline = (const char *)(uintptr_t)MMIO(uint32_t, ZERO_PAGE + 0x228);
    if (!streq(cmdline, "console=ttyS0 board-test"))
        return 2;
    if (MMIO(uint8_t, ZERO_PAGE + 0x1e8) < 3) /* e820 entries */
        return 3;
    if (MMIO(uint32_t, MPTABLE) != 0x5f504d5f) /* "_MP_" */
        return 4;
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if (!(c & (1u << 31)))
        return 5;
    return 0;
}

int main(void)
{
    /* program the UART as a driver would: 8N1, FIFO on */
    outb(SERIAL_PORT + 3, 0x80);
    outb(SERIAL_PORT + 0, 1);
    outb(SERIAL_PORT + 1, 0);
    outb(SERIAL_PORT + 3, 0x03);
    outb(SERIAL_PORT + 2, 0x07);
    int rc = check();
    serial_puts("microvm guest: ");
    if (rc == 0) {
        serial_puts("boot structures ok\n");
    } else {
        serial_puts("check failed: ");
        put_hex((unsigned)rc);
        serial_puts("\n");
    }
    outb(0x64, 0xfe); /* i8042: pulse reset */
    for (;;)
        __asm__ volatile("cli; hlt");
}
