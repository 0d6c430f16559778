/* x86 port I/O: a small sorted table of port ranges. */
#include "vm/pio.h"

#include <stdlib.h>
#include <string.h>

#include "vm/error.h"

#define PIO_MAX_RANGES 64

struct pio_range {
    uint32_t base, count;
    const struct vm_pio_ops *ops;
    void *opaque;
    char name[32];
};

struct vm_pio {
    struct pio_range ranges[PIO_MAX_RANGES]; /* sorted by base */
    unsigned count;
};

struct vm_pio *vm_pio_create(void)
{
    struct vm_pio *pio = calloc(1, sizeof(*pio));
    if (!pio)
        vm_error(VM_ENOMEM, "port I/O table: out of host memory");
    return pio;
}

void vm_pio_destroy(struct vm_pio *pio)
{
    free(pio);
}

int vm_pio_add(struct vm_pio *pio, uint16_t base, uint32_t count, const struct vm_pio_ops *ops,
               void *opaque, const char *name)
{
    name = name ? name : "?";
    if (!ops || !ops->read || !ops->write)
        return vm_error(VM_EINVAL, "ports '%s': read and write callbacks are required", name);
    if (count == 0 || (uint32_t)base + count > 0x10000)
        return vm_error(VM_EINVAL, "ports '%s' at 0x%x count %u: outside 0x0-0xffff", name,
                        base, count);
    if (pio->count == PIO_MAX_RANGES)
        return vm_error(VM_ENOMEM, "ports '%s': more than %d ranges", name, PIO_MAX_RANGES);
    unsigned pos = 0;
    for (unsigned i = 0; i < pio->count; i++) {
        const struct pio_range *r = &pio->ranges[i];
        if (base < r->base + r->count && r->base < (uint32_t)base + count)
            return vm_error(VM_EOVERLAP, "ports '%s' [0x%x-0x%x] overlap '%s' [0x%x-0x%x]", name,
                            base, base + count - 1, r->name, r->base, r->base + r->count - 1);
        if (r->base < base)
            pos = i + 1;
    }
    memmove(&pio->ranges[pos + 1], &pio->ranges[pos], (pio->count - pos) * sizeof(pio->ranges[0]));
    struct pio_range *r = &pio->ranges[pos];
    memset(r, 0, sizeof(*r));
    r->base = base;
    r->count = count;
    r->ops = ops;
    r->opaque = opaque;
    strncpy(r->name, name, sizeof(r->name) - 1);
    pio->count++;
    return 0;
}

static const struct pio_range *find(const struct vm_pio *pio, uint16_t port)
{
    unsigned lo = 0, hi = pio ? pio->count : 0;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        const struct pio_range *r = &pio->ranges[mid];
        if (port < r->base)
            hi = mid;
        else if (port - r->base >= r->count)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

int vm_pio_read(const struct vm_pio *pio, uint16_t port, unsigned size, uint32_t *value)
{
    uint32_t ones = size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
    const struct pio_range *r = find(pio, port);
    *value = ones;
    if (!r)
        return -VM_ENOENT;
    int rc = r->ops->read(r->opaque, (uint16_t)(port - r->base), size, value);
    if (rc < 0)
        *value = ones;
    else
        *value &= ones;
    return rc;
}

int vm_pio_write(const struct vm_pio *pio, uint16_t port, unsigned size, uint32_t value)
{
    const struct pio_range *r = find(pio, port);
    if (!r)
        return -VM_ENOENT;
    return r->ops->write(r->opaque, (uint16_t)(port - r->base), size, value);
}
