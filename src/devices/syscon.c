/* sifive,test: power off / reset requests from the guest. */
#include "devices/syscon.h"

#include <stdlib.h>

#include "vm/error.h"

struct vm_syscon {
    void (*event)(void *opaque, enum vm_syscon_event ev, int status);
    void *opaque;
};

static int syscon_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    *value = 0;
    return 0;
}

static int syscon_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct vm_syscon *s = opaque;
    if (off != 0 || (size != 4 && size != 2) || !s->event)
        return 0;
    switch (value & 0xffff) {
    case SYSCON_PASS: s->event(s->opaque, VM_SYSCON_POWEROFF, 0); break;
    case SYSCON_FAIL:
        s->event(s->opaque, VM_SYSCON_POWEROFF_FAIL, (int)((value >> 16) & 0xffff));
        break;
    case SYSCON_RESET: s->event(s->opaque, VM_SYSCON_RESET, 0); break;
    default: break;
    }
    return 0;
}

static const struct vm_mmio_ops syscon_ops = {syscon_read, syscon_write};

struct vm_syscon *vm_syscon_create(struct vm_mem *mem, uint64_t base,
                                   void (*event)(void *opaque, enum vm_syscon_event ev,
                                                 int status),
                                   void *opaque)
{
    struct vm_syscon *s = calloc(1, sizeof(*s));
    if (!s) {
        vm_error(VM_ENOMEM, "syscon: out of host memory");
        return NULL;
    }
    s->event = event;
    s->opaque = opaque;
    if (mem && vm_mem_add_mmio(mem, base, SYSCON_SIZE, &syscon_ops, s, "syscon") < 0) {
        free(s);
        return NULL;
    }
    return s;
}

void vm_syscon_destroy(struct vm_syscon *s)
{
    free(s);
}
