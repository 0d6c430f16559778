/* QEMU's character multiplexer with Ctrl-A commands (chardev_mux.h). */
#include "devices/chardev_mux.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "vm/error.h"

#define CTRL_A 0x01

struct mux_port {
    struct vm_chardev base; /* first: the front end holds a pointer to it */
    struct vm_chardev_mux *mux;
    struct vm_chardev_frontend fe;
    bool have_fe;
};

struct vm_chardev_mux {
    struct vm_chardev *backend;
    struct vm_chardev_mux_config cfg;
    pthread_mutex_t lock; /* the ports' front ends and the focus */
    struct mux_port ports[VM_CHARDEV_MUX_MAX_PORTS];
    unsigned nr_ports, focus;
    bool escape_pending; /* input thread only */
    atomic_bool quit;
};

/* Plain "\n": a raw terminal keeps output processing (ONLCR). QEMU's text. */
static const char help_text[] =
    "\n"
    "C-a h    print this help\n"
    "C-a x    exit emulator\n"
    "C-a c    switch between console and monitor\n"
    "C-a C-a  sends C-a\n";

/* ---- the ports (front ends' view) */

static void port_write(struct vm_chardev *base, const uint8_t *buf, size_t len)
{
    struct mux_port *p = (struct mux_port *)base;
    vm_chardev_write(p->mux->backend, buf, len);
}

static void port_attach(struct vm_chardev *base, const struct vm_chardev_frontend *fe)
{
    struct mux_port *p = (struct mux_port *)base;
    struct vm_chardev_mux *mux = p->mux;
    pthread_mutex_lock(&mux->lock);
    p->have_fe = fe != NULL;
    if (fe)
        p->fe = *fe;
    bool focused = fe && &mux->ports[mux->focus] == p;
    pthread_mutex_unlock(&mux->lock);
    if (focused && fe->event) /* it starts with the keyboard (a monitor greets) */
        fe->event(fe->opaque, VM_CHARDEV_FOCUS);
    if (fe)
        vm_chardev_accept_input(mux->backend);
}

static void port_accept_input(struct vm_chardev *base)
{
    struct mux_port *p = (struct mux_port *)base;
    vm_chardev_accept_input(p->mux->backend);
}

static const struct vm_chardev_ops port_ops = {
    .write = port_write,
    .attach = port_attach,
    .accept_input = port_accept_input,
    .destroy = NULL, /* the mux owns its ports */
};

/* ---- input from the back end */

/* Lock held. */
static size_t to_focus(struct vm_chardev_mux *mux, const uint8_t *buf, size_t len)
{
    struct mux_port *p = &mux->ports[mux->focus];
    if (mux->focus >= mux->nr_ports || !p->have_fe)
        return 0; /* its front end is not there yet (or between boots): input waits */
    return p->fe.receive(p->fe.opaque, buf, len);
}

static void switch_focus(struct vm_chardev_mux *mux)
{
    pthread_mutex_lock(&mux->lock);
    if (mux->nr_ports > 1) {
        mux->focus = (mux->focus + 1) % mux->nr_ports;
        struct mux_port *p = &mux->ports[mux->focus];
        if (p->have_fe && p->fe.event)
            p->fe.event(p->fe.opaque, VM_CHARDEV_FOCUS);
    }
    pthread_mutex_unlock(&mux->lock);
}

/* One command key after Ctrl-A. Returns the byte to pass on, or -1. */
static int command(struct vm_chardev_mux *mux, uint8_t b)
{
    switch (b) {
    case 'x': case 'X': {
        pthread_mutex_lock(&mux->lock);
        struct vm_chardev_mux_config q = mux->cfg;
        pthread_mutex_unlock(&mux->lock);
        if (q.on_quit) {
            atomic_store(&mux->quit, true);
            q.on_quit(q.opaque);
        }
        return -1;
    }
    case 'h': case 'H': case '?':
        vm_chardev_write(mux->backend, (const uint8_t *)help_text, sizeof(help_text) - 1);
        return -1;
    case 'c': case 'C':
        switch_focus(mux);
        return -1;
    case CTRL_A:
        return CTRL_A;
    default:
        return -1;
    }
}

/* Runs of plain bytes go to the front end with the keyboard in one call;
 * Ctrl-A and its command key are consumed here. Returns the bytes taken. */
static size_t mux_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct vm_chardev_mux *mux = opaque;
    size_t i = 0;
    while (i < len) {
        if (atomic_load(&mux->quit))
            return len; /* after Ctrl-A x nothing more reaches the guest */
        if (mux->escape_pending) {
            int pass = command(mux, buf[i]);
            if (pass >= 0) {
                uint8_t b = (uint8_t)pass;
                pthread_mutex_lock(&mux->lock);
                size_t took = to_focus(mux, &b, 1);
                pthread_mutex_unlock(&mux->lock);
                if (!took)
                    return i; /* full: the command key comes again */
            }
            mux->escape_pending = false;
            i++;
            continue;
        }
        if (buf[i] == CTRL_A) {
            mux->escape_pending = true;
            i++;
            continue;
        }
        const uint8_t *ca = memchr(buf + i, CTRL_A, len - i);
        size_t run = ca ? (size_t)(ca - (buf + i)) : len - i;
        pthread_mutex_lock(&mux->lock);
        size_t took = to_focus(mux, buf + i, run);
        pthread_mutex_unlock(&mux->lock);
        i += took;
        if (took < run)
            return i;
    }
    return i;
}

static void mux_event(void *opaque, enum vm_chardev_event ev)
{
    struct vm_chardev_mux *mux = opaque;
    pthread_mutex_lock(&mux->lock);
    for (unsigned i = 0; i < mux->nr_ports; i++) {
        struct mux_port *p = &mux->ports[i];
        if (p->have_fe && p->fe.event)
            p->fe.event(p->fe.opaque, ev);
    }
    pthread_mutex_unlock(&mux->lock);
}

/* ---- life cycle */

struct vm_chardev_mux *vm_chardev_mux_create(struct vm_chardev *backend,
                                             const struct vm_chardev_mux_config *cfg)
{
    struct vm_chardev_mux *mux = calloc(1, sizeof(*mux));
    if (!mux) {
        vm_error(VM_ENOMEM, "console: out of host memory");
        return NULL;
    }
    mux->backend = backend;
    if (cfg)
        mux->cfg = *cfg;
    pthread_mutex_init(&mux->lock, NULL);
    struct vm_chardev_frontend fe = {.receive = mux_receive, .opaque = mux, .event = mux_event};
    vm_chardev_attach(backend, &fe);
    return mux;
}

struct vm_chardev *vm_chardev_mux_add_port(struct vm_chardev_mux *mux)
{
    pthread_mutex_lock(&mux->lock);
    struct vm_chardev *c = NULL;
    if (mux->nr_ports < VM_CHARDEV_MUX_MAX_PORTS) {
        struct mux_port *p = &mux->ports[mux->nr_ports++];
        p->base.ops = &port_ops;
        p->mux = mux;
        c = &p->base;
    }
    pthread_mutex_unlock(&mux->lock);
    if (!c)
        vm_error(VM_EINVAL, "console: a multiplexer takes at most %d front ends",
                 VM_CHARDEV_MUX_MAX_PORTS);
    return c;
}

void vm_chardev_mux_set_quit(struct vm_chardev_mux *mux, void (*on_quit)(void *), void *opaque)
{
    pthread_mutex_lock(&mux->lock);
    mux->cfg.on_quit = on_quit;
    mux->cfg.opaque = opaque;
    pthread_mutex_unlock(&mux->lock);
}

bool vm_chardev_mux_quit_requested(struct vm_chardev_mux *mux)
{
    return atomic_load(&mux->quit);
}

void vm_chardev_mux_destroy(struct vm_chardev_mux *mux)
{
    if (!mux)
        return;
    vm_chardev_attach(mux->backend, NULL); /* waits for a receive in progress */
    pthread_mutex_destroy(&mux->lock);
    free(mux);
}
