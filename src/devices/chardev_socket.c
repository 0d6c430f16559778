/* Character back end on a stream socket (chardev_socket.h). */
#include "devices/chardev_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vm/error.h"

#define WRITE_WAIT_MS 100

struct chardev_socket {
    struct vm_chardev base;
    struct vm_chardev_socket_config cfg;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char desc[160];
    int listen_fd;
    int first_fd; /* at creation: the first client (wait=on) or the connection made */
    struct vm_event_source *listen_src;

    pthread_mutex_t out_lock; /* client_fd as writers see it */
    int client_fd;            /* -1: nobody connected */
    struct vm_event_source *client_src;
    struct vm_event_notifier *room; /* accept_input -> the loop */

    pthread_mutex_t fe_lock;  /* held while calling into the front end */
    struct vm_chardev_frontend fe;
    bool have_fe;

    /* loop thread only: input read but not yet taken */
    uint8_t pending[4096];
    size_t pending_off, pending_len;
};

static void fe_event(struct chardev_socket *s, enum vm_chardev_event ev)
{
    pthread_mutex_lock(&s->fe_lock);
    if (s->have_fe && s->fe.event)
        s->fe.event(s->fe.opaque, ev);
    pthread_mutex_unlock(&s->fe_lock);
}

/* ---- output (any thread) */

static void sock_write(struct vm_chardev *base, const uint8_t *buf, size_t len)
{
    struct chardev_socket *s = (struct chardev_socket *)base;
    pthread_mutex_lock(&s->out_lock);
    while (len > 0 && s->client_fd >= 0) {
        ssize_t n = send(s->client_fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && errno == EAGAIN) {
            struct pollfd p = {s->client_fd, POLLOUT, 0};
            poll(&p, 1, WRITE_WAIT_MS);
        } else if (!(n < 0 && errno == EINTR)) {
            break; /* the client went away: its reader notices and cleans up */
        }
    }
    pthread_mutex_unlock(&s->out_lock);
}

/* ---- the connection (loop thread) */

static void on_client(void *opaque, int fd, uint32_t events);
static void on_listen(void *opaque, int fd, uint32_t events);

static void disconnect(struct chardev_socket *s)
{
    if (s->client_src)
        vm_event_remove_fd(s->client_src);
    s->client_src = NULL;
    pthread_mutex_lock(&s->out_lock);
    int fd = s->client_fd;
    s->client_fd = -1;
    pthread_mutex_unlock(&s->out_lock);
    if (fd >= 0)
        close(fd);
    s->pending_len = s->pending_off = 0;
    if (s->listen_src)
        vm_event_modify_fd(s->listen_src, EPOLLIN); /* the next client */
    fe_event(s, VM_CHARDEV_CLOSED);
}

static void connected(struct chardev_socket *s, int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (s->cfg.nodelay && !s->cfg.path) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    pthread_mutex_lock(&s->out_lock);
    s->client_fd = fd;
    pthread_mutex_unlock(&s->out_lock);
    fe_event(s, VM_CHARDEV_OPENED);
    if (s->listen_src)
        vm_event_modify_fd(s->listen_src, 0); /* one client at a time */
    s->client_src = vm_event_add_fd(s->cfg.loop, fd, EPOLLIN, on_client, s);
}

/* Hand pending input to the front end; true when all of it was taken.
 * Without a front end yet (a client faster than the device's set-up) the
 * input waits: attaching asks for it (no loss). */
static bool deliver(struct chardev_socket *s)
{
    while (s->pending_off < s->pending_len) {
        pthread_mutex_lock(&s->fe_lock); /* no front end yet: it waits (attach delivers) */
        size_t took = s->have_fe ? s->fe.receive(s->fe.opaque, s->pending + s->pending_off,
                                                 s->pending_len - s->pending_off)
                                 : 0;
        pthread_mutex_unlock(&s->fe_lock);
        if (!took)
            return false;
        s->pending_off += took;
    }
    s->pending_off = s->pending_len = 0;
    return true;
}

static void on_client(void *opaque, int fd, uint32_t events)
{
    struct chardev_socket *s = opaque;
    if (s->pending_len && !deliver(s))
        return;
    ssize_t n = recv(fd, s->pending, sizeof(s->pending), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        disconnect(s);
        return;
    }
    s->pending_len = (size_t)n;
    if (!deliver(s) && s->client_src)
        vm_event_modify_fd(s->client_src, 0); /* until the front end has room */
}

static void on_room(void *opaque)
{
    struct chardev_socket *s = opaque;
    if (s->client_src && deliver(s))
        vm_event_modify_fd(s->client_src, EPOLLIN);
}

static void on_listen(void *opaque, int fd, uint32_t events)
{
    struct chardev_socket *s = opaque;
    int c = accept(fd, NULL, NULL);
    if (c < 0)
        return;
    if (s->client_fd >= 0) { /* cannot happen while the listener is muted; be safe */
        close(c);
        return;
    }
    connected(s, c);
}

/* ---- front end */

static void sock_attach(struct vm_chardev *base, const struct vm_chardev_frontend *fe)
{
    struct chardev_socket *s = (struct chardev_socket *)base;
    pthread_mutex_lock(&s->fe_lock);
    s->have_fe = fe != NULL;
    if (fe)
        s->fe = *fe;
    bool opened = fe && fe->event && s->client_fd >= 0;
    pthread_mutex_unlock(&s->fe_lock);
    if (opened) /* connected before the front end came (wait=on) */
        fe->event(fe->opaque, VM_CHARDEV_OPENED);
    if (fe)
        vm_event_notify(s->room);
}

static void sock_accept_input(struct vm_chardev *base)
{
    struct chardev_socket *s = (struct chardev_socket *)base;
    vm_event_notify(s->room);
}

/* On the loop thread, so that no callback of ours (a client hanging up
 * re-arms the listener) runs between the listener's removal and ours: a
 * removal from another thread would leave listen_src pointing at a freed
 * source until that thread sets it to NULL. */
static void teardown_on_loop(void *opaque)
{
    struct chardev_socket *s = opaque;
    if (s->listen_src)
        vm_event_remove_fd(s->listen_src);
    s->listen_src = NULL;
    if (s->client_fd >= 0)
        disconnect(s);
}

static void sock_destroy(struct vm_chardev *base)
{
    struct chardev_socket *s = (struct chardev_socket *)base;
    if (s->room)
        vm_event_notifier_destroy(s->room);
    vm_event_loop_call(s->cfg.loop, teardown_on_loop, s);
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        struct stat st;
        if (s->cfg.server && s->path[0] && lstat(s->path, &st) == 0 && S_ISSOCK(st.st_mode))
            unlink(s->path);
    }
    pthread_mutex_destroy(&s->out_lock);
    pthread_mutex_destroy(&s->fe_lock);
    free(s);
}

static const struct vm_chardev_ops socket_ops = {
    .write = sock_write,
    .attach = sock_attach,
    .accept_input = sock_accept_input,
    .destroy = sock_destroy,
};

/* ---- creation */

static int make_socket(struct chardev_socket *s, struct sockaddr_storage *addr, socklen_t *len,
                       int *family)
{
    const struct vm_chardev_socket_config *cfg = &s->cfg;
    if (cfg->path) {
        struct sockaddr_un *un = (struct sockaddr_un *)addr;
        if (strlen(cfg->path) >= sizeof(un->sun_path))
            return vm_error(VM_EINVAL, "%s: unix socket path '%s' is too long", cfg->label,
                            cfg->path);
        memset(un, 0, sizeof(*un));
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, cfg->path);
        snprintf(s->path, sizeof(s->path), "%s", cfg->path);
        *len = sizeof(*un);
        *family = AF_UNIX;
        snprintf(s->desc, sizeof(s->desc), "unix:%s", cfg->path);
        return 0;
    }
    if (!cfg->port || !*cfg->port)
        return vm_error(VM_EINVAL, "%s: a TCP socket needs a port (tcp:HOST:PORT)", cfg->label);
    /* getaddrinfo takes "99999" and wraps it to another port: refuse it */
    char *end;
    errno = 0;
    unsigned long port = strtoul(cfg->port, &end, 10);
    if (end != cfg->port && (*end || port > 65535 || errno))
        return vm_error(VM_EINVAL, "%s: bad port '%s' (0 to 65535)", cfg->label, cfg->port);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                             .ai_flags = cfg->server ? AI_PASSIVE : 0}, *res;
    const char *host = cfg->host && *cfg->host ? cfg->host : NULL;
    if (!host && !cfg->server)
        host = "localhost";
    int rc = getaddrinfo(host, cfg->port, &hints, &res);
    if (rc != 0)
        return vm_error(VM_EINVAL, "%s: address '%s:%s': %s", cfg->label, host ? host : "",
                        cfg->port, gai_strerror(rc));
    /* A server on every address: IPv4 (QEMU listens on 0.0.0.0 for tcp::PORT). */
    struct addrinfo *pick = res;
    for (struct addrinfo *a = res; a && !host; a = a->ai_next)
        if (a->ai_family == AF_INET) {
            pick = a;
            break;
        }
    memcpy(addr, pick->ai_addr, pick->ai_addrlen);
    *len = pick->ai_addrlen;
    *family = pick->ai_family;
    freeaddrinfo(res);
    snprintf(s->desc, sizeof(s->desc), "tcp:%s:%s", host ? host : "", cfg->port);
    return 0;
}

static void start_on_loop(void *opaque)
{
    struct chardev_socket *s = opaque;
    if (s->listen_fd >= 0)
        s->listen_src = vm_event_add_fd(s->cfg.loop, s->listen_fd,
                                        s->first_fd >= 0 ? 0 : EPOLLIN, on_listen, s);
    if (s->first_fd >= 0)
        connected(s, s->first_fd); /* a client (wait=on), or our connection (server=off) */
    s->first_fd = -1;
}

static int start(struct chardev_socket *s)
{
    const struct vm_chardev_socket_config *cfg = &s->cfg;
    struct sockaddr_storage addr;
    socklen_t len = 0;
    int family = AF_UNSPEC, rc = make_socket(s, &addr, &len, &family);
    if (rc < 0)
        return rc;
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return vm_error(VM_EIO, "%s: socket: %s", cfg->label, strerror(errno));
    if (!cfg->server) {
        if (connect(fd, (struct sockaddr *)&addr, len) < 0) {
            rc = vm_error(VM_EIO, "%s: cannot connect to %s: %s", cfg->label, s->desc,
                          strerror(errno));
            close(fd);
            return rc;
        }
        s->first_fd = fd;
        vm_event_loop_call(cfg->loop, start_on_loop, s);
        return 0;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct stat st;
    if (cfg->path && lstat(cfg->path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(cfg->path); /* a stale socket from an earlier run; nothing else is removed */
    if (bind(fd, (struct sockaddr *)&addr, len) < 0 || listen(fd, 1) < 0) {
        rc = vm_error(VM_EIO, "%s: cannot listen on %s: %s", cfg->label, s->desc,
                      strerror(errno));
        close(fd);
        return rc;
    }
    s->listen_fd = fd;
    if (cfg->wait) {
        fprintf(stderr, "vm: %s: waiting for connection on %s,server=on\n", cfg->label, s->desc);
        int c;
        do
            c = accept(fd, NULL, NULL);
        while (c < 0 && errno == EINTR);
        if (c < 0)
            return vm_error(VM_EIO, "%s: accept on %s: %s", cfg->label, s->desc,
                            strerror(errno));
        s->first_fd = c;
    }
    /* On the loop's thread, so that no callback runs before the state is set. */
    vm_event_loop_call(cfg->loop, start_on_loop, s);
    if (!s->listen_src)
        return -VM_ENOMEM;
    return 0;
}

struct vm_chardev *vm_chardev_socket_create(const struct vm_chardev_socket_config *cfg)
{
    struct chardev_socket *s = calloc(1, sizeof(*s));
    if (!s) {
        vm_error(VM_ENOMEM, "%s: out of host memory", cfg->label);
        return NULL;
    }
    s->base.ops = &socket_ops;
    s->cfg = *cfg;
    if (!s->cfg.label)
        s->cfg.label = "chardev";
    s->listen_fd = s->client_fd = s->first_fd = -1;
    pthread_mutex_init(&s->out_lock, NULL);
    pthread_mutex_init(&s->fe_lock, NULL);
    if (!(s->room = vm_event_notifier_create(cfg->loop, on_room, s)) || start(s) < 0) {
        sock_destroy(&s->base);
        return NULL;
    }
    return &s->base;
}
