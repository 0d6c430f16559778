/* NS16550A UART as QEMU's virt machine has it: 8 one-byte registers
 * (reg-shift 0), 16-byte receive FIFO, interrupts for received data,
 * transmitter empty, line status and modem status, loopback.
 *
 * The register model (uart_read/uart_write/uart_receive) does not know the
 * bus, so an x86 board can bind it to port I/O 0x3f8 while the RISC-V
 * board binds it to MMIO. Transmission is instantaneous: a THR write goes
 * straight to the character back end and THR is empty again at once. */
#ifndef VM_DEVICES_UART16550_H
#define VM_DEVICES_UART16550_H

#include <stddef.h>
#include <stdint.h>

#include "devices/chardev.h"
#include "vm/irq.h"
#include "vm/mem.h"

/* Register numbers (offsets with reg-shift 0). */
enum {
    UART_RBR = 0, UART_THR = 0, UART_DLL = 0, /* DLL when LCR.DLAB */
    UART_IER = 1, UART_DLM = 1,               /* DLM when LCR.DLAB */
    UART_IIR = 2, UART_FCR = 2,
    UART_LCR = 3, UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
    UART_NR_REGS = 8,
};

/* Register bits. */
#define UART_IER_RDI 0x01   /* received data available */
#define UART_IER_THRI 0x02  /* transmitter holding register empty */
#define UART_IER_RLSI 0x04  /* receiver line status */
#define UART_IER_MSI 0x08   /* modem status */
#define UART_IIR_NO_INT 0x01
#define UART_IIR_ID_MASK 0x0f
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_TIMEOUT 0x0c /* data below the FIFO trigger level */
#define UART_IIR_FIFO_ON 0xc0
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_LCR_DLAB 0x80
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

#define UART_FIFO_SIZE 16
#define UART_MMIO_SIZE 0x100 /* QEMU virt's window; registers past 7 read 0 */

struct vm_uart16550;

/* Create the model. mem == NULL: no MMIO binding (the board calls
 * uart_read/uart_write itself, e.g. from port I/O). chr may be NULL (output
 * dropped, no input); irq may be NULL (unconnected). The UART attaches
 * itself to chr as its front end. Returns NULL with a message on failure. */
struct vm_uart16550 *vm_uart16550_create(struct vm_mem *mem, uint64_t base,
                                         struct vm_chardev *chr,
                                         const struct vm_irq_line *irq);
/* Detaches from the character device. The MMIO region stays in mem: destroy
 * the UART only when no hart runs any more. */
void vm_uart16550_destroy(struct vm_uart16550 *u);

/* Register access; reg >= 8 reads 0 and ignores writes. Thread-safe. */
uint8_t uart_read(struct vm_uart16550 *u, unsigned reg);
void uart_write(struct vm_uart16550 *u, unsigned reg, uint8_t val);

/* Input from the line: takes what fits into the receive FIFO (1 byte with
 * the FIFO off) and returns the count; never overruns. */
size_t uart_receive(struct vm_uart16550 *u, const uint8_t *buf, size_t len);

#endif
