/* The 16550 UART model (devices/uart16550) behind port I/O, as a PC's COM
 * port: 8 one-byte registers from the base port. */
#ifndef VM_MICROVM_UART_PIO_H
#define VM_MICROVM_UART_PIO_H

#include <stdint.h>

#include "devices/uart16550.h"
#include "vm/pio.h"

int microvm_uart_pio_bind(struct vm_pio *pio, uint16_t base, struct vm_uart16550 *uart,
                          const char *name);

#endif
