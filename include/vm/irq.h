/* A level-triggered interrupt line, handed to a device by the board.
 *
 * The device calls vm_irq_set() whenever the level of its output may have
 * changed; the receiver (an interrupt controller or a hart) decides what a
 * level means. Setting the same level twice is allowed and harmless.
 *
 * Rules for receivers: set() may be called from any thread, possibly with
 * the calling device's lock held, so it must not block for long and must
 * never call back into the device that drives the line. */
#ifndef VM_IRQ_H
#define VM_IRQ_H

#include <stdbool.h>

struct vm_irq_line {
    void (*set)(void *opaque, unsigned n, bool level);
    void *opaque;
    unsigned n; /* which input of the receiver (source id, hart, ...) */
};

/* Drive the line; a line with no receiver (set == NULL) is unconnected. */
static inline void vm_irq_set(const struct vm_irq_line *l, bool level)
{
    if (l && l->set)
        l->set(l->opaque, l->n, level);
}

#endif
