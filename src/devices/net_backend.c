/* What every network back end shares (net_backend.h). */
#include "devices/net_backend.h"

#include "core/event_loop.h"

struct slot_args {
    struct vm_net_frontend_slot *s;
    const struct vm_net_frontend *fe;
};

static void set_on_loop(void *opaque)
{
    struct slot_args *a = opaque;
    a->s->set = a->fe != NULL;
    if (a->fe)
        a->s->fe = *a->fe;
}

void vm_net_frontend_slot_set(struct vm_net_frontend_slot *s, const struct vm_net_frontend *fe)
{
    struct slot_args a = {s, fe};
    vm_event_loop_call(s->loop, set_on_loop, &a);
}
