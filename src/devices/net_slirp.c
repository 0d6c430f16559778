/* User networking through libslirp on the event loop (net_slirp.h). */
#include "devices/net_slirp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/error.h"

struct net_slirp {
    struct vm_netdev nd;
    struct vm_event_loop *loop;
    Slirp *slirp;
    struct vm_event_hook *hook;
    struct vm_net_frontend_slot fe;
};

struct slirp_timer {
    struct net_slirp *ns;
    struct vm_event_timer *t;
    SlirpTimerId id;
    void *cb_opaque;
};

/* ---- libslirp's callbacks (all on the loop thread) ------------------------ */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    struct net_slirp *ns = opaque;
    vm_net_frontend_slot_deliver(&ns->fe, buf, len);
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    /* The guest's own mistake (a malformed packet): not ours to report. */
}

static int64_t cb_clock_get_ns(void *opaque)
{
    return (int64_t)vm_event_now_ns();
}

static void timer_fire(void *opaque)
{
    struct slirp_timer *st = opaque;
    slirp_handle_timer(st->ns->slirp, st->id, st->cb_opaque);
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    struct net_slirp *ns = opaque;
    struct slirp_timer *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    *st = (struct slirp_timer){.ns = ns, .id = id, .cb_opaque = cb_opaque};
    if (!(st->t = vm_event_timer_create(ns->loop, timer_fire, st))) {
        free(st);
        return NULL;
    }
    return st;
}

static void cb_timer_free(void *timer, void *opaque)
{
    struct slirp_timer *st = timer;
    if (!st)
        return;
    vm_event_timer_destroy(st->t);
    free(st);
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    struct slirp_timer *st = timer;
    if (st)
        vm_event_timer_arm_at(st->t, expire_ms > 0 ? (uint64_t)expire_ms * 1000000ULL : 1, 0);
}

static void cb_register_poll_fd(int fd, void *opaque)
{
    /* Nothing: the poll hook asks slirp for its fds on every iteration. */
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
}

static void cb_notify(void *opaque)
{
    vm_event_loop_kick(((struct net_slirp *)opaque)->loop);
}

static const SlirpCb slirp_callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_unregister_poll_fd,
    .notify = cb_notify,
    .timer_new_opaque = cb_timer_new_opaque,
};

/* ---- the poll hook ------------------------------------------------------------ */

static int add_poll(int fd, int events, void *opaque)
{
    short ev = 0;
    if (events & SLIRP_POLL_IN)
        ev |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        ev |= POLLPRI;
    return vm_event_pollset_add(opaque, fd, ev);
}

static int get_revents(int idx, void *opaque)
{
    short r = vm_event_pollset_revents(opaque, idx);
    int ev = 0;
    if (r & POLLIN)
        ev |= SLIRP_POLL_IN;
    if (r & POLLOUT)
        ev |= SLIRP_POLL_OUT;
    if (r & POLLPRI)
        ev |= SLIRP_POLL_PRI;
    if (r & (POLLERR | POLLNVAL))
        ev |= SLIRP_POLL_ERR;
    if (r & POLLHUP)
        ev |= SLIRP_POLL_HUP;
    return ev;
}

static void hook_prepare(void *opaque, struct vm_event_pollset *ps, int *timeout_ms)
{
    struct net_slirp *ns = opaque;
    uint32_t t = UINT32_MAX;
    slirp_pollfds_fill(ns->slirp, &t, add_poll, ps);
    if (t != UINT32_MAX && (*timeout_ms < 0 || (int64_t)t < *timeout_ms))
        *timeout_ms = (int)t;
}

static void hook_dispatch(void *opaque, struct vm_event_pollset *ps, bool error)
{
    struct net_slirp *ns = opaque;
    slirp_pollfds_poll(ns->slirp, error, get_revents, ps);
}

static const struct vm_event_hook_ops hook_ops = {hook_prepare, hook_dispatch};

/* ---- the back end ------------------------------------------------------------- */

static void slirp_attach(struct vm_netdev *nd, const struct vm_net_frontend *fe)
{
    vm_net_frontend_slot_set(&((struct net_slirp *)nd)->fe, fe);
}

static void slirp_send(struct vm_netdev *nd, const uint8_t *frame, size_t len)
{
    struct net_slirp *ns = (struct net_slirp *)nd;
    slirp_input(ns->slirp, frame, (int)len);
}

static void cleanup_on_loop(void *opaque)
{
    struct net_slirp *ns = opaque;
    if (ns->slirp)
        slirp_cleanup(ns->slirp); /* frees its timers through cb_timer_free */
    ns->slirp = NULL;
}

static void slirp_destroy(struct vm_netdev *nd)
{
    struct net_slirp *ns = (struct net_slirp *)nd;
    vm_event_hook_remove(ns->hook);
    vm_event_loop_call(ns->loop, cleanup_on_loop, ns);
    free(ns);
}

static const struct vm_netdev_ops slirp_ops = {
    .attach = slirp_attach, .send = slirp_send, .destroy = slirp_destroy,
};

/* ---- configuration ------------------------------------------------------------- */

/* "10.0.2.0/24" or "10.0.2.0/255.255.255.0". */
static int parse_net(const char *s, struct in_addr *net, struct in_addr *mask)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", s);
    char *slash = strchr(buf, '/');
    unsigned bits = 24;
    if (slash) {
        *slash = '\0';
        char *end;
        unsigned long b = strtoul(slash + 1, &end, 10);
        if (!*end && end != slash + 1 && b <= 32) {
            bits = (unsigned)b;
        } else if (inet_pton(AF_INET, slash + 1, mask) == 1) {
            bits = 33; /* given as a mask */
        } else {
            return -1;
        }
    }
    if (inet_pton(AF_INET, buf, net) != 1)
        return -1;
    if (bits <= 32)
        mask->s_addr = htonl(bits ? ~0u << (32 - bits) : 0);
    net->s_addr &= mask->s_addr;
    return 0;
}

static struct in_addr host_in(struct in_addr net, uint32_t n)
{
    return (struct in_addr){.s_addr = htonl(ntohl(net.s_addr) | n)};
}

static int parse_addr(const char *what, const char *s, struct in_addr def, struct in_addr *out)
{
    if (!s) {
        *out = def;
        return 0;
    }
    if (inet_pton(AF_INET, s, out) != 1)
        return vm_error(VM_EINVAL, "-netdev user: %s=%s is not an IPv4 address", what, s);
    return 0;
}

/* [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT */
struct hostfwd {
    bool udp;
    struct in_addr host, guest;
    int host_port, guest_port;
};

static int parse_port(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 65535)
        return -1;
    *out = (int)v;
    return 0;
}

/* "ADDR:PORT" with ADDR possibly empty; the buffer is modified. */
static int parse_addr_port(char *s, struct in_addr def, struct in_addr *addr, int *port)
{
    char *colon = strrchr(s, ':');
    if (!colon)
        return -1;
    *colon = '\0';
    if (!*s)
        *addr = def;
    else if (inet_pton(AF_INET, s, addr) != 1)
        return -1;
    return parse_port(colon + 1, port);
}

static int parse_hostfwd(const char *spec, struct in_addr guest_def, struct hostfwd *f)
{
    char buf[160];
    snprintf(buf, sizeof(buf), "%s", spec);
    char *p = buf, *colon = strchr(p, ':'), *dash;
    if (!colon)
        goto bad;
    *colon = '\0';
    if (!strcmp(p, "tcp") || !*p)
        f->udp = false;
    else if (!strcmp(p, "udp"))
        f->udp = true;
    else
        goto bad;
    p = colon + 1;
    if (!(dash = strchr(p, '-')))
        goto bad;
    *dash = '\0';
    struct in_addr any = {.s_addr = htonl(INADDR_ANY)};
    if (parse_addr_port(p, any, &f->host, &f->host_port) < 0 ||
        parse_addr_port(dash + 1, guest_def, &f->guest, &f->guest_port) < 0 || !f->guest_port)
        goto bad;
    return 0;
bad:
    return vm_error(VM_EINVAL, "-netdev user: hostfwd=%s: expected "
                    "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT", spec);
}

struct create_args {
    struct net_slirp *ns;
    SlirpConfig sc;
    const struct vm_net_slirp_config *cfg;
    int rc;
    char error[256];
};

static void create_on_loop(void *opaque)
{
    struct create_args *a = opaque;
    struct net_slirp *ns = a->ns;
    if (!(ns->slirp = slirp_new(&a->sc, &slirp_callbacks, ns))) {
        a->rc = -VM_EIO;
        snprintf(a->error, sizeof(a->error), "-netdev user: libslirp refused the configuration");
        return;
    }
    for (unsigned i = 0; i < a->cfg->nr_hostfwd; i++) {
        struct hostfwd f;
        if (parse_hostfwd(a->cfg->hostfwd[i], a->sc.vdhcp_start, &f) < 0) {
            a->rc = -VM_EINVAL;
            snprintf(a->error, sizeof(a->error), "%s", vm_error_message());
            return;
        }
        if (slirp_add_hostfwd(ns->slirp, f.udp, f.host, f.host_port, f.guest, f.guest_port) < 0) {
            a->rc = -VM_EBUSY;
            snprintf(a->error, sizeof(a->error), "-netdev user: hostfwd=%s: cannot listen on "
                     "host port %d (%s)", a->cfg->hostfwd[i], f.host_port,
                     errno ? strerror(errno) : "in use?");
            return;
        }
    }
}

struct vm_netdev *vm_net_slirp_create(const struct vm_net_slirp_config *cfg,
                                      struct vm_event_loop *loop)
{
    struct create_args a = {.cfg = cfg};
    SlirpConfig *sc = &a.sc;
    sc->version = 4;
    sc->restricted = cfg->restrict_;
    sc->in_enabled = cfg->ipv4;
    sc->in6_enabled = cfg->ipv6;
    if (parse_net(cfg->net ? cfg->net : "10.0.2.0/24", &sc->vnetwork, &sc->vnetmask) < 0) {
        vm_error(VM_EINVAL, "-netdev user: net=%s: expected ADDR/BITS or ADDR/MASK", cfg->net);
        return NULL;
    }
    if (parse_addr("host", cfg->host, host_in(sc->vnetwork, 2), &sc->vhost) < 0 ||
        parse_addr("dns", cfg->dns, host_in(sc->vnetwork, 3), &sc->vnameserver) < 0 ||
        parse_addr("dhcpstart", cfg->dhcpstart, host_in(sc->vnetwork, 15), &sc->vdhcp_start) < 0)
        return NULL;
    inet_pton(AF_INET6, "fec0::", &sc->vprefix_addr6);
    sc->vprefix_len = 64;
    inet_pton(AF_INET6, "fec0::2", &sc->vhost6);
    inet_pton(AF_INET6, "fec0::3", &sc->vnameserver6);
    sc->vhostname = cfg->hostname;
    /* The largest frames libslirp takes and makes: TCP to and from a NIC
     * with a big MTU moves 64 KiB per frame (a 1500 MTU guest still gets
     * 1460-byte segments: its SYN says so). */
    sc->if_mtu = sc->if_mru = 65520;
    struct net_slirp *ns = calloc(1, sizeof(*ns));
    if (!ns) {
        vm_error(VM_ENOMEM, "out of host memory");
        return NULL;
    }
    ns->nd.ops = &slirp_ops;
    ns->nd.frames_checksummed = true;
    snprintf(ns->nd.id, sizeof(ns->nd.id), "%s", cfg->id ? cfg->id : "");
    ns->loop = ns->fe.loop = loop;
    a.ns = ns;
    vm_event_loop_call(loop, create_on_loop, &a); /* libslirp lives on the loop thread */
    if (a.rc == 0 && !(ns->hook = vm_event_hook_add(loop, &hook_ops, ns)))
        a.rc = -VM_ENOMEM;
    if (a.rc < 0) {
        vm_event_loop_call(loop, cleanup_on_loop, ns);
        free(ns);
        if (a.error[0])
            vm_error(a.rc == -VM_EBUSY ? VM_EBUSY : VM_EINVAL, "%s", a.error);
        return NULL;
    }
    return &ns->nd;
}
