/* Character back end on host file descriptors (chardev_fd.h). */
#include "devices/chardev_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/tty.h"
#include "vm/error.h"

#define DROP_WAIT_MS 50
#define HANGUP_RETRY_MS 100

struct chardev_fd {
    struct vm_chardev base;
    struct vm_chardev_fd_config cfg;
    pthread_t reader;
    bool has_reader;
    int stop_pipe[2];

    pthread_mutex_t fe_lock; /* held while calling into the front end */
    struct vm_chardev_frontend fe;
    bool have_fe;

    pthread_mutex_t space_lock; /* "the front end has room" signalling */
    pthread_cond_t space_cond;
    bool space, stop;

    pthread_mutex_t out_lock; /* one writer at a time on out_fd */
    bool raw;                 /* made in_fd raw */
};

/* ---- output */

static void fd_write(struct vm_chardev *base, const uint8_t *buf, size_t len)
{
    struct chardev_fd *c = (struct chardev_fd *)base;
    if (c->cfg.out_fd < 0)
        return;
    pthread_mutex_lock(&c->out_lock);
    while (len > 0) {
        ssize_t n = write(c->cfg.out_fd, buf, len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && errno == EAGAIN) {
            struct pollfd p = {c->cfg.out_fd, POLLOUT, 0};
            int r = poll(&p, 1, c->cfg.drop_when_blocked ? DROP_WAIT_MS : 100);
            if (r == 0 && c->cfg.drop_when_blocked)
                break; /* nobody reads: drop, as QEMU does */
        } else if (!(n < 0 && errno == EINTR)) {
            break; /* closed or failing output: drop, as a line with no listener */
        }
    }
    pthread_mutex_unlock(&c->out_lock);
}

/* ---- input */

static void fd_attach(struct vm_chardev *base, const struct vm_chardev_frontend *fe)
{
    struct chardev_fd *c = (struct chardev_fd *)base;
    pthread_mutex_lock(&c->fe_lock);
    c->have_fe = fe != NULL;
    if (fe)
        c->fe = *fe;
    pthread_mutex_unlock(&c->fe_lock);
    if (fe && fe->event) /* a file descriptor is open from the start */
        fe->event(fe->opaque, VM_CHARDEV_OPENED);
    if (fe)
        c->base.ops->accept_input(base);
}

static void fd_accept_input(struct vm_chardev *base)
{
    struct chardev_fd *c = (struct chardev_fd *)base;
    pthread_mutex_lock(&c->space_lock);
    c->space = true;
    pthread_cond_signal(&c->space_cond);
    pthread_mutex_unlock(&c->space_lock);
}

/* Hand bytes to the front end, waiting while it is full. False when the
 * back end is being destroyed. */
static bool deliver(struct chardev_fd *c, const uint8_t *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        pthread_mutex_lock(&c->fe_lock);
        if (c->have_fe)
            done += c->fe.receive(c->fe.opaque, data + done, len - done);
        pthread_mutex_unlock(&c->fe_lock);
        if (done == len)
            break;
        pthread_mutex_lock(&c->space_lock);
        while (!c->space && !c->stop)
            pthread_cond_wait(&c->space_cond, &c->space_lock);
        c->space = false;
        bool stop = c->stop;
        pthread_mutex_unlock(&c->space_lock);
        if (stop)
            return false;
    }
    return true;
}

static void *reader_main(void *arg)
{
    struct chardev_fd *c = arg;
    uint8_t buf[256];
    int in_timeout = -1; /* after a hang-up: look again later */
    for (;;) {
        struct pollfd p[2] = {{c->stop_pipe[0], POLLIN, 0}, {c->cfg.in_fd, POLLIN, 0}};
        int n = poll(p, in_timeout < 0 ? 2 : 1, in_timeout);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || p[0].revents)
            break;
        if (in_timeout >= 0) {
            in_timeout = -1; /* the wait is over: poll the input again */
            continue;
        }
        if (!p[1].revents)
            continue;
        if (p[1].revents & POLLNVAL)
            break;
        ssize_t r = (p[1].revents & POLLIN) ? read(c->cfg.in_fd, buf, sizeof(buf)) : -1;
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0) {
            if (c->cfg.reopen_on_hangup) {
                in_timeout = HANGUP_RETRY_MS; /* a pty with nobody on the other side */
                continue;
            }
            break; /* EOF or a broken input: the front end just gets no more */
        }
        if (!deliver(c, buf, (size_t)r))
            break;
    }
    return NULL;
}

/* ---- life cycle */

static void fd_destroy(struct vm_chardev *base)
{
    struct chardev_fd *c = (struct chardev_fd *)base;
    pthread_mutex_lock(&c->space_lock);
    c->stop = true;
    pthread_cond_broadcast(&c->space_cond);
    pthread_mutex_unlock(&c->space_lock);
    ssize_t ignored = write(c->stop_pipe[1], "", 1);
    (void)ignored;
    if (c->has_reader)
        pthread_join(c->reader, NULL);
    if (c->raw)
        vm_tty_restore(c->cfg.in_fd);
    if (c->cfg.close_fds) {
        if (c->cfg.in_fd >= 0)
            close(c->cfg.in_fd);
        if (c->cfg.out_fd >= 0 && c->cfg.out_fd != c->cfg.in_fd)
            close(c->cfg.out_fd);
    }
    close(c->stop_pipe[0]);
    close(c->stop_pipe[1]);
    pthread_mutex_destroy(&c->fe_lock);
    pthread_mutex_destroy(&c->space_lock);
    pthread_cond_destroy(&c->space_cond);
    pthread_mutex_destroy(&c->out_lock);
    free(c);
}

static const struct vm_chardev_ops fd_ops = {
    .write = fd_write,
    .attach = fd_attach,
    .accept_input = fd_accept_input,
    .destroy = fd_destroy,
};

struct vm_chardev *vm_chardev_fd_create(const struct vm_chardev_fd_config *cfg)
{
    if ((cfg->in_fd >= 0 && fcntl(cfg->in_fd, F_GETFD) < 0) ||
        (cfg->out_fd >= 0 && fcntl(cfg->out_fd, F_GETFD) < 0)) {
        vm_error(VM_EINVAL, "console: file descriptor %d or %d is not open", cfg->in_fd,
                 cfg->out_fd);
        return NULL;
    }
    struct chardev_fd *c = calloc(1, sizeof(*c));
    if (!c) {
        vm_error(VM_ENOMEM, "console: out of host memory");
        return NULL;
    }
    c->base.ops = &fd_ops;
    c->cfg = *cfg;
    if (pipe(c->stop_pipe) < 0) {
        vm_error(VM_EIO, "console: cannot create a pipe: %s", strerror(errno));
        free(c);
        return NULL;
    }
    fcntl(c->stop_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(c->stop_pipe[1], F_SETFD, FD_CLOEXEC);
    if (cfg->drop_when_blocked && cfg->out_fd >= 0)
        fcntl(cfg->out_fd, F_SETFL, fcntl(cfg->out_fd, F_GETFL) | O_NONBLOCK);
    pthread_mutex_init(&c->fe_lock, NULL);
    pthread_mutex_init(&c->space_lock, NULL);
    pthread_cond_init(&c->space_cond, NULL);
    pthread_mutex_init(&c->out_lock, NULL);
    if (cfg->raw_tty && cfg->in_fd >= 0)
        c->raw = vm_tty_make_raw(cfg->in_fd, cfg->signals);
    if (cfg->in_fd >= 0) {
        int rc = pthread_create(&c->reader, NULL, reader_main, c);
        if (rc != 0) {
            vm_error(VM_ENOMEM, "console: cannot start the input thread: %s", strerror(rc));
            c->cfg.close_fds = false;
            fd_destroy(&c->base);
            return NULL;
        }
        c->has_reader = true;
    }
    return &c->base;
}

struct vm_chardev *vm_chardev_stdio_create(bool signals)
{
    struct vm_chardev_fd_config cfg = {
        .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO, .raw_tty = true, .signals = signals,
    };
    return vm_chardev_fd_create(&cfg);
}
