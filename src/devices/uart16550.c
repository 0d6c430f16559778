/* NS16550A register model and its MMIO binding. */
#include "devices/uart16550.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "vm/error.h"

struct vm_uart16550 {
    pthread_mutex_t lock;
    struct vm_chardev *chr;
    struct vm_irq_line irq;
    bool irq_level;

    uint8_t ier, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
    bool thr_ipending; /* THR-empty interrupt waiting to be seen */

    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
};

static unsigned rx_capacity(const struct vm_uart16550 *u)
{
    return (u->fcr & UART_FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

static unsigned rx_trigger_level(const struct vm_uart16550 *u)
{
    static const unsigned levels[4] = {1, 4, 8, 14};
    return (u->fcr & UART_FCR_ENABLE) ? levels[u->fcr >> 6] : 1;
}

/* The highest-priority pending interrupt, as IIR's low nibble. */
static uint8_t pending_interrupt(const struct vm_uart16550 *u)
{
    if ((u->ier & UART_IER_RLSI) &&
        (u->lsr & (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)))
        return UART_IIR_RLSI;
    if ((u->ier & UART_IER_RDI) && u->rx_count > 0)
        return u->rx_count >= rx_trigger_level(u) ? UART_IIR_RDI : UART_IIR_TIMEOUT;
    if ((u->ier & UART_IER_THRI) && u->thr_ipending)
        return UART_IIR_THRI;
    if ((u->ier & UART_IER_MSI) && (u->msr & 0x0f))
        return UART_IIR_MSI;
    return UART_IIR_NO_INT;
}

static void update_irq(struct vm_uart16550 *u)
{
    bool level = pending_interrupt(u) != UART_IIR_NO_INT;
    if (level != u->irq_level) {
        u->irq_level = level;
        vm_irq_set(&u->irq, level);
    }
}

static void rx_clear(struct vm_uart16550 *u)
{
    u->rx_head = u->rx_count = 0;
    u->lsr &= (uint8_t)~UART_LSR_DR;
}

/* Append one byte; false (and OE set) when the FIFO is full. */
static bool rx_push(struct vm_uart16550 *u, uint8_t b)
{
    if (u->rx_count >= rx_capacity(u)) {
        u->lsr |= UART_LSR_OE;
        return false;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = b;
    u->rx_count++;
    u->lsr |= UART_LSR_DR;
    return true;
}

static uint8_t rx_pop(struct vm_uart16550 *u)
{
    if (u->rx_count == 0)
        return 0;
    uint8_t b = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    if (--u->rx_count == 0)
        u->lsr &= (uint8_t)~UART_LSR_DR;
    return b;
}

/* Modem status inputs: looped back from MCR in loopback mode, else a
 * line that is always ready (DCD, DSR, CTS), as QEMU reports for stdio. */
static void update_msr(struct vm_uart16550 *u)
{
    uint8_t in;
    if (u->mcr & UART_MCR_LOOP) {
        in = 0;
        if (u->mcr & UART_MCR_RTS) in |= UART_MSR_CTS;
        if (u->mcr & UART_MCR_DTR) in |= UART_MSR_DSR;
        if (u->mcr & UART_MCR_OUT1) in |= UART_MSR_RI;
        if (u->mcr & UART_MCR_OUT2) in |= UART_MSR_DCD;
    } else {
        in = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    }
    uint8_t old = u->msr & 0xf0, changed = (uint8_t)(old ^ in);
    uint8_t delta = u->msr & 0x0f;
    if (changed & UART_MSR_CTS) delta |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR) delta |= UART_MSR_DDSR;
    if ((old & UART_MSR_RI) && !(in & UART_MSR_RI)) delta |= UART_MSR_TERI;
    if (changed & UART_MSR_DCD) delta |= UART_MSR_DDCD;
    u->msr = (uint8_t)(in | delta);
}

static void transmit(struct vm_uart16550 *u, uint8_t b)
{
    if (u->mcr & UART_MCR_LOOP)
        rx_push(u, b);
    else
        vm_chardev_write(u->chr, &b, 1);
    /* Sent at once: the holding register is empty again. */
    u->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    u->thr_ipending = true;
}

uint8_t uart_read(struct vm_uart16550 *u, unsigned reg)
{
    uint8_t v = 0;
    bool room_made = false;
    pthread_mutex_lock(&u->lock);
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (reg) {
    case UART_RBR:
        if (dlab) {
            v = u->dll;
        } else {
            room_made = u->rx_count > 0;
            v = rx_pop(u);
        }
        break;
    case UART_IER:
        v = dlab ? u->dlm : u->ier;
        break;
    case UART_IIR: {
        uint8_t id = pending_interrupt(u);
        if (id == UART_IIR_THRI) /* reading IIR acknowledges THR empty */
            u->thr_ipending = false;
        v = id | ((u->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO_ON : 0);
        break;
    }
    case UART_LCR: v = u->lcr; break;
    case UART_MCR: v = u->mcr; break;
    case UART_LSR:
        v = u->lsr;
        u->lsr &= (uint8_t)~(UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI);
        break;
    case UART_MSR:
        v = u->msr;
        u->msr &= 0xf0;
        break;
    case UART_SCR: v = u->scr; break;
    default: break;
    }
    update_irq(u);
    if (room_made)
        vm_chardev_accept_input(u->chr);
    pthread_mutex_unlock(&u->lock);
    return v;
}

static void write_ier(struct vm_uart16550 *u, uint8_t val)
{
    uint8_t old = u->ier;
    u->ier = val & 0x0f;
    /* Enabling the THR-empty interrupt while THR is empty raises it at
     * once (the 8250 driver relies on this to start transmitting). */
    if ((u->ier ^ old) & UART_IER_THRI)
        u->thr_ipending = (u->ier & UART_IER_THRI) && (u->lsr & UART_LSR_THRE);
}

static void write_fcr(struct vm_uart16550 *u, uint8_t val)
{
    bool room_made = false;
    if ((val ^ u->fcr) & UART_FCR_ENABLE) {
        room_made = u->rx_count > 0;
        rx_clear(u);
    }
    if (val & UART_FCR_ENABLE) {
        if (val & UART_FCR_CLEAR_RX) {
            room_made |= u->rx_count > 0;
            rx_clear(u);
        }
        /* No transmit FIFO to clear: bytes leave at once. */
        u->fcr = val & 0xc9; /* enable, DMA mode, trigger level */
    } else {
        u->fcr = 0;
    }
    if (room_made)
        vm_chardev_accept_input(u->chr);
}

void uart_write(struct vm_uart16550 *u, unsigned reg, uint8_t val)
{
    pthread_mutex_lock(&u->lock);
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (reg) {
    case UART_THR:
        if (dlab)
            u->dll = val;
        else
            transmit(u, val);
        break;
    case UART_IER:
        if (dlab)
            u->dlm = val;
        else
            write_ier(u, val);
        break;
    case UART_FCR: write_fcr(u, val); break;
    case UART_LCR: u->lcr = val; break;
    case UART_MCR:
        u->mcr = val & 0x1f;
        update_msr(u);
        break;
    case UART_SCR: u->scr = val; break;
    default: break; /* LSR, MSR: read-only (factory test writes ignored) */
    }
    update_irq(u);
    pthread_mutex_unlock(&u->lock);
}

size_t uart_receive(struct vm_uart16550 *u, const uint8_t *buf, size_t len)
{
    size_t n = 0;
    pthread_mutex_lock(&u->lock);
    /* In loopback the line input is disconnected from the receiver. */
    if (!(u->mcr & UART_MCR_LOOP)) {
        while (n < len && u->rx_count < rx_capacity(u))
            rx_push(u, buf[n++]);
        update_irq(u);
    }
    pthread_mutex_unlock(&u->lock);
    return n;
}

static size_t frontend_receive(void *opaque, const uint8_t *buf, size_t len)
{
    return uart_receive(opaque, buf, len);
}

/* MMIO: one byte per register; wider accesses are not how the 8250 is
 * driven (no reg-io-width in the DTB), so they read 0 and are ignored. */
static int mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    *value = (size == 1 && offset < UART_NR_REGS) ? uart_read(opaque, (unsigned)offset) : 0;
    return 0;
}

static int mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    if (size == 1 && offset < UART_NR_REGS)
        uart_write(opaque, (unsigned)offset, (uint8_t)value);
    return 0;
}

static const struct vm_mmio_ops uart_mmio_ops = {mmio_read, mmio_write};

struct vm_uart16550 *vm_uart16550_create(struct vm_mem *mem, uint64_t base,
                                         struct vm_chardev *chr,
                                         const struct vm_irq_line *irq)
{
    struct vm_uart16550 *u = calloc(1, sizeof(*u));
    if (!u) {
        vm_error(VM_ENOMEM, "uart16550: out of host memory");
        return NULL;
    }
    pthread_mutex_init(&u->lock, NULL);
    u->chr = chr;
    if (irq)
        u->irq = *irq;
    u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    update_msr(u);
    u->msr &= 0xf0; /* no deltas at reset */
    if (mem && vm_mem_add_mmio(mem, base, UART_MMIO_SIZE, &uart_mmio_ops, u, "uart16550") < 0) {
        pthread_mutex_destroy(&u->lock);
        free(u);
        return NULL;
    }
    struct vm_chardev_frontend fe = {.receive = frontend_receive, .opaque = u};
    vm_chardev_attach(chr, &fe);
    return u;
}

void vm_uart16550_destroy(struct vm_uart16550 *u)
{
    if (!u)
        return;
    vm_chardev_attach(u->chr, NULL);
    pthread_mutex_destroy(&u->lock);
    free(u);
}
