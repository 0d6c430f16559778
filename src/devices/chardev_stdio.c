/* Character back end on host file descriptors (the terminal by default). */
#include "devices/chardev_stdio.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vm/error.h"

#define CTRL_A 0x01

struct chardev_stdio {
    struct vm_chardev base;
    struct vm_chardev_stdio_config cfg;
    pthread_t reader;
    int stop_pipe[2];

    pthread_mutex_t fe_lock; /* held while calling into the front end */
    struct vm_chardev_frontend fe;
    bool have_fe;

    pthread_mutex_t space_lock; /* "the front end has room" signalling */
    pthread_cond_t space_cond;
    bool space, stop;

    pthread_mutex_t out_lock; /* one writer at a time on out_fd */
    atomic_bool quit;
    bool owns_tty;
};

/* ---- terminal raw mode and its restoration (one terminal per process) */

static struct termios saved_tty;
static volatile sig_atomic_t tty_fd = -1; /* >= 0 while in raw mode */
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV,
                                    SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NR_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction old_actions[NR_FATAL];
static pthread_mutex_t tty_lock = PTHREAD_MUTEX_INITIALIZER;

static void tty_restore(void)
{
    int fd = tty_fd;
    if (fd >= 0) {
        tcsetattr(fd, TCSANOW, &saved_tty); /* async-signal-safe */
        tty_fd = -1;
    }
}

static void fatal_signal_handler(int sig)
{
    tty_restore();
    for (unsigned i = 0; i < NR_FATAL; i++) {
        if (fatal_signals[i] == sig) {
            sigaction(sig, &old_actions[i], NULL);
            break;
        }
    }
    raise(sig); /* delivered once this handler returns */
}

static void tty_make_raw(int fd)
{
    static bool hooks_installed;
    pthread_mutex_lock(&tty_lock);
    if (tty_fd >= 0 || tcgetattr(fd, &saved_tty) < 0) {
        pthread_mutex_unlock(&tty_lock);
        return;
    }
    if (!hooks_installed) {
        hooks_installed = true;
        atexit(tty_restore);
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = fatal_signal_handler;
        sigemptyset(&sa.sa_mask);
        for (unsigned i = 0; i < NR_FATAL; i++)
            sigaction(fatal_signals[i], &sa, &old_actions[i]);
    }
    /* QEMU's -nographic settings: bytes in as typed, no echo, no signals;
     * output post-processing kept so "\n" still starts a new line. */
    struct termios t = saved_tty;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST;
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tty_fd = fd;
    tcsetattr(fd, TCSANOW, &t);
    pthread_mutex_unlock(&tty_lock);
}

/* ---- output */

static void write_all(struct chardev_stdio *c, const uint8_t *buf, size_t len)
{
    pthread_mutex_lock(&c->out_lock);
    while (len > 0) {
        ssize_t n = write(c->cfg.out_fd, buf, len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && errno == EAGAIN) {
            struct pollfd p = {c->cfg.out_fd, POLLOUT, 0};
            poll(&p, 1, 100);
        } else if (!(n < 0 && errno == EINTR)) {
            break; /* closed or failing output: drop, as a line with no listener */
        }
    }
    pthread_mutex_unlock(&c->out_lock);
}

static void stdio_write(struct vm_chardev *base, const uint8_t *buf, size_t len)
{
    write_all((struct chardev_stdio *)base, buf, len);
}

/* ---- input */

static void stdio_attach(struct vm_chardev *base, const struct vm_chardev_frontend *fe)
{
    struct chardev_stdio *c = (struct chardev_stdio *)base;
    pthread_mutex_lock(&c->fe_lock);
    c->have_fe = fe != NULL;
    if (fe)
        c->fe = *fe;
    pthread_mutex_unlock(&c->fe_lock);
    if (fe)
        c->base.ops->accept_input(base);
}

static void stdio_accept_input(struct vm_chardev *base)
{
    struct chardev_stdio *c = (struct chardev_stdio *)base;
    pthread_mutex_lock(&c->space_lock);
    c->space = true;
    pthread_cond_signal(&c->space_cond);
    pthread_mutex_unlock(&c->space_lock);
}

/* Hand bytes to the front end, waiting while it is full. False when the
 * back end is being destroyed. */
static bool deliver(struct chardev_stdio *c, const uint8_t *data, size_t len)
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

/* Plain "\n": the raw terminal keeps output processing (ONLCR). */
static const char help_text[] =
    "\n"
    "C-a h    print this help\n"
    "C-a x    exit the virtual machine\n"
    "C-a C-a  send C-a to the guest\n";

/* Filter escapes out of buf in place; returns the bytes left for the
 * guest. Sets *quit on Ctrl-A x. */
static size_t filter_escapes(struct chardev_stdio *c, uint8_t *buf, size_t len,
                             bool *escape_pending, bool *quit)
{
    size_t out = 0;
    for (size_t i = 0; i < len && !*quit; i++) {
        uint8_t b = buf[i];
        if (!*escape_pending) {
            if (b == CTRL_A)
                *escape_pending = true;
            else
                buf[out++] = b;
            continue;
        }
        *escape_pending = false;
        switch (b) {
        case 'x': case 'X': *quit = true; break;
        case 'h': case 'H': case '?':
            write_all(c, (const uint8_t *)help_text, sizeof(help_text) - 1);
            break;
        case CTRL_A: buf[out++] = CTRL_A; break;
        default: break;
        }
    }
    return out;
}

static void *reader_main(void *arg)
{
    struct chardev_stdio *c = arg;
    uint8_t buf[256];
    bool escape_pending = false, quit = false;
    for (;;) {
        struct pollfd p[2] = {{c->cfg.in_fd, POLLIN, 0}, {c->stop_pipe[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents || (p[0].revents & POLLNVAL))
            break;
        if (!p[0].revents)
            continue;
        ssize_t n = read(c->cfg.in_fd, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            break; /* EOF or a broken input: the guest just gets no more */
        size_t len = (size_t)n;
        if (c->cfg.escape)
            len = filter_escapes(c, buf, len, &escape_pending, &quit);
        if (len > 0 && !deliver(c, buf, len))
            break;
        if (quit) {
            atomic_store(&c->quit, true);
            if (c->cfg.on_quit)
                c->cfg.on_quit(c->cfg.opaque);
            break;
        }
    }
    return NULL;
}

/* ---- life cycle */

static void stdio_destroy(struct vm_chardev *base)
{
    struct chardev_stdio *c = (struct chardev_stdio *)base;
    pthread_mutex_lock(&c->space_lock);
    c->stop = true;
    pthread_cond_broadcast(&c->space_cond);
    pthread_mutex_unlock(&c->space_lock);
    ssize_t ignored = write(c->stop_pipe[1], "", 1);
    (void)ignored;
    pthread_join(c->reader, NULL);
    if (c->owns_tty) {
        pthread_mutex_lock(&tty_lock);
        tty_restore();
        pthread_mutex_unlock(&tty_lock);
    }
    close(c->stop_pipe[0]);
    close(c->stop_pipe[1]);
    pthread_mutex_destroy(&c->fe_lock);
    pthread_mutex_destroy(&c->space_lock);
    pthread_cond_destroy(&c->space_cond);
    pthread_mutex_destroy(&c->out_lock);
    free(c);
}

static const struct vm_chardev_ops stdio_ops = {
    .write = stdio_write,
    .attach = stdio_attach,
    .accept_input = stdio_accept_input,
    .destroy = stdio_destroy,
};

struct vm_chardev *vm_chardev_stdio_create(const struct vm_chardev_stdio_config *cfg)
{
    struct chardev_stdio *c = calloc(1, sizeof(*c));
    if (!c) {
        vm_error(VM_ENOMEM, "console: out of host memory");
        return NULL;
    }
    c->base.ops = &stdio_ops;
    if (cfg)
        c->cfg = *cfg;
    else
        c->cfg = (struct vm_chardev_stdio_config){STDIN_FILENO, STDOUT_FILENO, true, NULL, NULL};
    if (fcntl(c->cfg.in_fd, F_GETFD) < 0 || fcntl(c->cfg.out_fd, F_GETFD) < 0) {
        vm_error(VM_EINVAL, "console: file descriptor %d or %d is not open", c->cfg.in_fd,
                 c->cfg.out_fd);
        free(c);
        return NULL;
    }
    if (pipe(c->stop_pipe) < 0) {
        vm_error(VM_EIO, "console: cannot create a pipe: %s", strerror(errno));
        free(c);
        return NULL;
    }
    fcntl(c->stop_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(c->stop_pipe[1], F_SETFD, FD_CLOEXEC);
    pthread_mutex_init(&c->fe_lock, NULL);
    pthread_mutex_init(&c->space_lock, NULL);
    pthread_cond_init(&c->space_cond, NULL);
    pthread_mutex_init(&c->out_lock, NULL);
    if (isatty(c->cfg.in_fd)) {
        tty_make_raw(c->cfg.in_fd);
        c->owns_tty = tty_fd == c->cfg.in_fd;
    }
    int rc = pthread_create(&c->reader, NULL, reader_main, c);
    if (rc != 0) {
        vm_error(VM_ENOMEM, "console: cannot start the input thread: %s", strerror(rc));
        if (c->owns_tty)
            tty_restore();
        close(c->stop_pipe[0]);
        close(c->stop_pipe[1]);
        free(c);
        return NULL;
    }
    return &c->base;
}

bool vm_chardev_stdio_quit_requested(struct vm_chardev *base)
{
    if (!base || base->ops != &stdio_ops)
        return false;
    return atomic_load(&((struct chardev_stdio *)base)->quit);
}
