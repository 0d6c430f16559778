/* TAP networking on the event loop (net_tap.h). */
#include "devices/net_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vm/error.h"

#define TAP_MAX_FRAME 65536

struct net_tap {
    struct vm_netdev nd;
    int fd;
    struct vm_event_source *src;
    struct vm_net_frontend_slot fe;
    uint8_t buf[TAP_MAX_FRAME];
};

/* Frames from the host: every one waiting, to the NIC (or dropped without
 * one, as a cable to nowhere). */
static void tap_readable(void *opaque, int fd, uint32_t events)
{
    struct net_tap *t = opaque;
    for (;;) {
        ssize_t n = read(fd, t->buf, sizeof(t->buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* EAGAIN: all read; an error: the next event says again */
        vm_net_frontend_slot_deliver(&t->fe, t->buf, (size_t)n);
    }
}

static void tap_attach(struct vm_netdev *nd, const struct vm_net_frontend *fe)
{
    vm_net_frontend_slot_set(&((struct net_tap *)nd)->fe, fe);
}

/* A frame from the guest. The interface down or its queue full: dropped,
 * as a NIC on a busy wire would (TCP resends). */
static void tap_send(struct vm_netdev *nd, const uint8_t *frame, size_t len)
{
    struct net_tap *t = (struct net_tap *)nd;
    while (write(t->fd, frame, len) < 0 && errno == EINTR)
        ;
}

static void tap_destroy(struct vm_netdev *nd)
{
    struct net_tap *t = (struct net_tap *)nd;
    vm_event_remove_fd(t->src);
    close(t->fd);
    free(t);
}

static const struct vm_netdev_ops tap_ops = {
    .attach = tap_attach, .send = tap_send, .destroy = tap_destroy,
};

struct vm_netdev *vm_net_tap_create(const struct vm_net_tap_config *cfg,
                                    struct vm_event_loop *loop)
{
    const char *name = cfg->ifname ? cfg->ifname : "";
    if (strlen(name) >= IFNAMSIZ) {
        vm_error(VM_EINVAL, "-netdev tap: ifname=%s: at most %d characters", name, IFNAMSIZ - 1);
        return NULL;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        vm_error(errno == ENOENT ? VM_ENOENT : VM_EACCESS, "-netdev tap: cannot open "
                 "/dev/net/tun: %s", strerror(errno));
        return NULL;
    }
    struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI};
    memcpy(ifr.ifr_name, name, strlen(name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(fd);
        if (e == EPERM)
            vm_error(VM_EACCESS, "-netdev tap: no permission for TAP interface '%s' (it needs "
                     "CAP_NET_ADMIN, or one made for you: ip tuntap add dev NAME mode tap "
                     "user USER)", *name ? name : "tapN");
        else
            vm_error(VM_EINVAL, "-netdev tap: cannot attach TAP interface '%s': %s",
                     *name ? name : "tapN", e == EBUSY ? "in use by another process" :
                     e == EINVAL ? "not a TAP interface, or a bad name" : strerror(e));
        return NULL;
    }
    struct net_tap *t = calloc(1, sizeof(*t));
    if (!t) {
        close(fd);
        vm_error(VM_ENOMEM, "out of host memory");
        return NULL;
    }
    t->nd.ops = &tap_ops;
    snprintf(t->nd.id, sizeof(t->nd.id), "%s", cfg->id ? cfg->id : "");
    t->fe.loop = loop;
    t->fd = fd;
    if (!(t->src = vm_event_add_fd(loop, fd, EPOLLIN, tap_readable, t))) {
        close(fd);
        free(t);
        vm_error(VM_ENOMEM, "-netdev tap: cannot watch the TAP interface");
        return NULL;
    }
    return &t->nd;
}
