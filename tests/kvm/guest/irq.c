/* Interrupts through the in-kernel 8259: the guest programs the PIC, rings
 * a doorbell (an MMIO write the host gets through ioeventfd), and waits in
 * HLT. The host writes a mailbox in RAM and raises GSI 5 through an irqfd;
 * the handler checks the mailbox. Then the host raises GSI 6 with
 * KVM_IRQ_LINE when the guest asks on REPORT_PORT. */
#include "guest.h"

void irq_entry_0x25(void);
void irq_entry_0x26(void);
void irq_handler(uint32_t vector);

struct idt_gate {
    uint16_t off_lo, selector;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_gate idt[256];
static volatile uint32_t count5, count6, mailbox_seen, wrong_vector;

void irq_handler(uint32_t vector)
{
    if (vector == PIC_VECTOR_BASE + TEST_GSI) {
        mailbox_seen = MMIO(uint32_t, MAILBOX_ADDR);
        count5++;
    } else if (vector == PIC_VECTOR_BASE + TEST_GSI2) {
        count6++;
    } else {
        wrong_vector = vector;
    }
    outb(0x20, 0x20); /* non-specific EOI to the master PIC */
}

static void set_gate(unsigned vector, void (*fn)(void))
{
    uint64_t a = (uint64_t)(uintptr_t)fn;
    idt[vector] = (struct idt_gate){
        .off_lo = (uint16_t)a, .selector = BOOT_CS, .type = 0x8e, /* present, 64-bit interrupt gate */
        .off_mid = (uint16_t)(a >> 16), .off_hi = (uint32_t)(a >> 32),
    };
}

static void pic_init(void)
{
    outb(0x20, 0x11); outb(0xa0, 0x11);                 /* ICW1: edge, cascade, ICW4 */
    outb(0x21, PIC_VECTOR_BASE); outb(0xa1, PIC_VECTOR_BASE + 8); /* ICW2: vectors */
    outb(0x21, 0x04); outb(0xa1, 0x02);                 /* ICW3: slave on IRQ 2 */
    outb(0x21, 0x01); outb(0xa1, 0x01);                 /* ICW4: 8086 mode */
    outb(0x21, (uint8_t)~((1u << TEST_GSI) | (1u << TEST_GSI2))); /* only our two lines */
    outb(0xa1, 0xff);
}

static void wait_for(volatile uint32_t *counter)
{
    for (unsigned spins = 0; !*counter; spins++) {
        if (spins > 1000)
            return;
        __asm__ volatile("sti; hlt; cli" ::: "memory"); /* sti's shadow covers hlt */
    }
}

int main(void)
{
    set_gate(PIC_VECTOR_BASE + TEST_GSI, irq_entry_0x25);
    set_gate(PIC_VECTOR_BASE + TEST_GSI2, irq_entry_0x26);
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr = {
        sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
    pic_init();

    MMIO(uint32_t, DOORBELL_ADDR) = DOORBELL_VALUE; /* host: mailbox, then irqfd */
    wait_for(&count5);
    if (count5 != 1)
        return 1;
    if (mailbox_seen != MAILBOX_VALUE)
        return 2;
    outl(REPORT_PORT, TEST_GSI2); /* host: KVM_IRQ_LINE 6 up and down */
    wait_for(&count6);
    if (count6 != 1)
        return 3;
    if (wrong_vector)
        return 4;
    return 0;
}
