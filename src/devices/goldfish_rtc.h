/* Goldfish RTC (google,goldfish-rtc) as on QEMU's virt machine at 0x101000:
 *   0x00 TIME_LOW        ns of host CLOCK_REALTIME (plus a guest-set offset);
 *                        reading it latches the high half for TIME_HIGH
 *   0x04 TIME_HIGH
 *   0x08 ALARM_LOW       writing it arms the alarm at ALARM_HIGH:ALARM_LOW
 *   0x0c ALARM_HIGH
 *   0x10 IRQ_ENABLED     bit 0
 *   0x14 CLEAR_ALARM     write: disarm
 *   0x18 ALARM_STATUS    1 while armed
 *   0x1c CLEAR_INTERRUPT write: lower the interrupt
 * When an armed alarm comes due, the alarm disarms and the interrupt goes
 * pending; the line is pending && IRQ_ENABLED. A host thread sleeps until
 * the alarm is due (re-checking the wall clock at least every second, so a
 * host clock step is followed). Writes to TIME_LOW/HIGH set the guest's
 * clock (an offset to the host's). */
#ifndef VM_DEVICES_GOLDFISH_RTC_H
#define VM_DEVICES_GOLDFISH_RTC_H

#include <stdint.h>

#include "vm/irq.h"
#include "vm/mem.h"

#define GOLDFISH_RTC_TIME_LOW 0x00
#define GOLDFISH_RTC_TIME_HIGH 0x04
#define GOLDFISH_RTC_ALARM_LOW 0x08
#define GOLDFISH_RTC_ALARM_HIGH 0x0c
#define GOLDFISH_RTC_IRQ_ENABLED 0x10
#define GOLDFISH_RTC_CLEAR_ALARM 0x14
#define GOLDFISH_RTC_ALARM_STATUS 0x18
#define GOLDFISH_RTC_CLEAR_INTERRUPT 0x1c
#define GOLDFISH_RTC_SIZE 0x1000

struct vm_goldfish_rtc;

struct vm_goldfish_rtc *vm_goldfish_rtc_create(struct vm_mem *mem, uint64_t base,
                                               const struct vm_irq_line *irq);
/* Stops and joins the alarm thread. The MMIO region stays in mem. */
void vm_goldfish_rtc_destroy(struct vm_goldfish_rtc *r);

#endif
