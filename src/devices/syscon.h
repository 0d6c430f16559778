/* The `sifive,test` finisher at 0x100000 (QEMU virt's "test" device), the
 * syscon that OpenSBI and Linux's syscon-poweroff/-reboot use. A write to
 * offset 0 (32-bit, or 16-bit as QEMU also takes) of
 *   0x5555               powers off, passed        (status 0)
 *   0x3333 | code << 16  powers off, failed        (status = code)
 *   0x7777               resets
 * calls the board's event callback; other values and offsets are ignored
 * and reads return 0. The callback runs on the writing hart's thread. */
#ifndef VM_DEVICES_SYSCON_H
#define VM_DEVICES_SYSCON_H

#include <stdint.h>

#include "vm/mem.h"

#define SYSCON_SIZE 0x1000
#define SYSCON_PASS 0x5555
#define SYSCON_FAIL 0x3333
#define SYSCON_RESET 0x7777

enum vm_syscon_event {
    VM_SYSCON_POWEROFF,      /* status 0 */
    VM_SYSCON_POWEROFF_FAIL, /* status = the guest's code (may be 0) */
    VM_SYSCON_RESET,         /* status 0 */
};

struct vm_syscon;

struct vm_syscon *vm_syscon_create(struct vm_mem *mem, uint64_t base,
                                   void (*event)(void *opaque, enum vm_syscon_event ev,
                                                 int status),
                                   void *opaque);
void vm_syscon_destroy(struct vm_syscon *s);

#endif
