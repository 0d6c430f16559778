/* Port I/O and MMIO both ways: the host's test devices store what is
 * written and read back (value ^ 0xa5a5...) masked to the access size;
 * unclaimed reads get the value the host puts in the exit. Each failed
 * check returns its own number. */
#include "guest.h"

#define X8 0xa5u
#define X16 0xa5a5u
#define X32 0xa5a5a5a5u
#define X64 0xa5a5a5a5a5a5a5a5ull

int main(void)
{
    /* port I/O, 1/2/4 bytes */
    outb(TEST_PIO_PORT, 0x12);
    if (inb(TEST_PIO_PORT) != (0x12 ^ X8))
        return 1;
    outw(TEST_PIO_PORT + 2, 0x3456);
    if (inw(TEST_PIO_PORT + 2) != (0x3456 ^ X16))
        return 2;
    outl(TEST_PIO_PORT, 0xdeadbeef);
    if (inl(TEST_PIO_PORT) != (0xdeadbeef ^ X32))
        return 3;
    /* string output: four 1-byte writes to port +3 */
    static const char four[4] = {'a', 'b', 'c', 'd'};
    const char *p = four;
    unsigned long n = 4;
    __asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(TEST_PIO_PORT + 3) : "memory");
    if (inb(TEST_PIO_PORT + 3) != ('d' ^ X8))
        return 4;

    /* MMIO, 1/2/4/8 bytes */
    MMIO(uint8_t, TEST_MMIO_ADDR + 0x10) = 0x9a;
    if (MMIO(uint8_t, TEST_MMIO_ADDR + 0x10) != (0x9a ^ X8))
        return 5;
    MMIO(uint16_t, TEST_MMIO_ADDR + 0x20) = 0xbcde;
    if (MMIO(uint16_t, TEST_MMIO_ADDR + 0x20) != (0xbcde ^ X16))
        return 6;
    MMIO(uint32_t, TEST_MMIO_ADDR + 0x40) = 0x01234567;
    if (MMIO(uint32_t, TEST_MMIO_ADDR + 0x40) != (0x01234567 ^ X32))
        return 7;
    MMIO(uint64_t, TEST_MMIO_ADDR + 0x80) = 0x0123456789abcdefull;
    if (MMIO(uint64_t, TEST_MMIO_ADDR + 0x80) != (0x0123456789abcdefull ^ X64))
        return 8;

    /* nobody's port and address: the host answers through the exit */
    if (inl(UNCLAIMED_PORT) != 0x600dcafe)
        return 9;
    outb(UNCLAIMED_PORT, 0x77);
    if (MMIO(uint32_t, UNCLAIMED_MMIO + 4) != 0x87654321)
        return 10;
    MMIO(uint64_t, UNCLAIMED_MMIO + 8) = 0x1122334455667788ull;
    return 0;
}
