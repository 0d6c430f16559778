/* 16550 on port I/O: byte registers; a wider access covers consecutive
 * registers, lowest first, as on an ISA bus. */
#include "boards/x86-microvm/uart_pio.h"

static int uart_pio_read(void *opaque, uint16_t off, unsigned size, uint32_t *value)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)uart_read(opaque, off + i) << (8 * i);
    *value = v;
    return 0;
}

static int uart_pio_write(void *opaque, uint16_t off, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size; i++)
        uart_write(opaque, off + i, (uint8_t)(value >> (8 * i)));
    return 0;
}

static const struct vm_pio_ops uart_pio_ops = {uart_pio_read, uart_pio_write};

int microvm_uart_pio_bind(struct vm_pio *pio, uint16_t base, struct vm_uart16550 *uart,
                          const char *name)
{
    return vm_pio_add(pio, base, UART_NR_REGS, &uart_pio_ops, uart, name);
}
