/* What the tiny KVM test guests and their host side agree on: addresses,
 * ports and the exit convention. Included by guest code and host tests. */
#ifndef KVM_TEST_PROTOCOL_H
#define KVM_TEST_PROTOCOL_H

#define GUEST_LOAD_ADDR 0x100000     /* flat binary loaded and entered here */
#define GUEST_STACK_TOP 0x80000      /* vCPU n: rsp = top - n * 0x1000 */
#define GUEST_RAM_SIZE (8 << 20)

#define EXIT_PORT 0x501              /* unclaimed: outl status ends the test (0 = pass) */
#define SERIAL_PORT 0x3f8            /* COM1 */
#define TEST_PIO_PORT 0x510          /* 4 ports of the host's test device */
#define REPORT_PORT 0x502            /* claimed: outl id (SMP check-in) */
#define UNCLAIMED_PORT 0x600         /* nobody's: the host answers through the exit */
#define TEST_MMIO_ADDR 0xd0000000    /* 4 KiB test device */
#define UNCLAIMED_MMIO 0xe0000000    /* nobody's */
#define DOORBELL_ADDR 0xd0001000     /* ioeventfd, 4-byte writes */
#define DOORBELL_VALUE 0x1234
#define MAILBOX_ADDR 0x300000        /* RAM the host writes before raising the irq */
#define MAILBOX_VALUE 0xc0ffee
#define TEST_GSI 5                   /* irqfd line; 8259 vector 0x20 + 5 */
#define TEST_GSI2 6                  /* KVM_IRQ_LINE line */
#define PIC_VECTOR_BASE 0x20
#define BOOT_CS 0x10                 /* code selector of the boot GDT (x86_boot.h) */

#endif
