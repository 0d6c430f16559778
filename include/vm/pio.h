/* x86 port I/O: a table of port ranges served by callbacks, the port-space
 * counterpart of the MMIO regions in vm/mem.h. Ranges are added while the
 * machine is being built; look-ups afterwards are lock-free and may run on
 * any vCPU thread (devices lock their own state). */
#ifndef VM_PIO_H
#define VM_PIO_H

#include <stdint.h>

/* Callbacks get the offset into the range and a size of 1, 2 or 4. They
 * return 0 or a negative -VM_E... code; a failed read reads all-ones. */
struct vm_pio_ops {
    int (*read)(void *opaque, uint16_t offset, unsigned size, uint32_t *value);
    int (*write)(void *opaque, uint16_t offset, unsigned size, uint32_t value);
};

struct vm_pio;

struct vm_pio *vm_pio_create(void);
void vm_pio_destroy(struct vm_pio *pio);

/* Ports [base, base + count). Refuses a zero count, a range past 0xffff and
 * an overlap, with a message naming both ranges. */
int vm_pio_add(struct vm_pio *pio, uint16_t base, uint32_t count, const struct vm_pio_ops *ops,
               void *opaque, const char *name);

/* One access. -VM_ENOENT (no message, this is the hot path) when no range
 * holds the port; *value is then all-ones, as an empty ISA bus reads. */
int vm_pio_read(const struct vm_pio *pio, uint16_t port, unsigned size, uint32_t *value);
int vm_pio_write(const struct vm_pio *pio, uint16_t port, unsigned size, uint32_t value);

#endif
